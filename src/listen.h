/* listen: the listening sockets, opened by the master before it forks or
 * inherited from whoever started it (spawn-fcgi on fd 0, systemd). */
#ifndef SENTIA_LISTEN_H
#define SENTIA_LISTEN_H

#include "buf.h"

/* Opens a listening socket for spec: "unix:PATH" or "HOST:PORT" (IPv6 as
 * "[::1]:PORT"). A unix socket is created with mode 0660, owned by group
 * when it is not empty; a stale socket file is replaced, a live one is
 * refused. Returns the descriptor, or -1 with the reason in err. */
int listen_open(const char *spec, const char *group, struct buf *err);

/* Finds inherited sockets: systemd's (LISTEN_FDS for this pid; a socket
 * named "status" in LISTEN_FDNAMES becomes *status_fd) or a listening
 * socket on fd 0. Returns the main descriptor, or -1 when none. */
int listen_inherited(int *status_fd);

/* Makes a listening socket non-blocking and close-on-exec. 0 or -1. */
int listen_prepare(int fd);

/* Whether fd is a listening socket. */
int listen_is_listening(int fd);

#endif
