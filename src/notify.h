/* notify: the service manager's readiness protocol (sd_notify), spoken
 * directly on the datagram socket systemd names in NOTIFY_SOCKET, so no
 * libsystemd is needed. Without NOTIFY_SOCKET every call does nothing. */
#ifndef SENTIA_NOTIFY_H
#define SENTIA_NOTIFY_H

#include <sys/socket.h>
#include <sys/un.h>

/* Where the notifications go; fd is -1 when there is no service manager. */
struct notify {
	int fd;
	struct sockaddr_un addr;
	socklen_t addr_len;
};

/* Reads NOTIFY_SOCKET (a path, or "@name" in the abstract namespace) and
 * removes it from the environment, so that children do not speak for the
 * service. Returns 0 with n ready (n->fd -1 when the variable is unset),
 * or -1 when it is set but unusable (the reason logged; n->fd is -1). */
int notify_open(struct notify *n);

/* Sends one notification ("READY=1", "STATUS=...", lines joined by \n).
 * Returns 0, or -1 when it could not be sent (nothing else happens: the
 * service manager's absence never stops the service). */
int notify_send(const struct notify *n, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Closes the socket. */
void notify_close(struct notify *n);

#endif
