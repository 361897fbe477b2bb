/* listen: the listening sockets, opened by the master before it forks or
 * inherited from whoever started it (spawn-fcgi on fd 0, systemd). */
#include "ac-config.h"

#include "listen.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define LISTEN_BACKLOG 1024

int listen_is_listening(int fd)
{
	int v = 0;
	socklen_t len = sizeof v;

	return getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 && v != 0;
}

int listen_prepare(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

static int open_unix(const char *path, const char *group, struct buf *err)
{
	struct sockaddr_un sa;
	struct stat st;
	mode_t old;
	int fd;

	if (strlen(path) >= sizeof sa.sun_path) {
		buf_printf(err, "unix socket path too long: %s", path);
		return -1;
	}
	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	strcpy(sa.sun_path, path);

	/* A socket file left by a process that died can be replaced; one that
	 * still answers belongs to a running instance. */
	if (lstat(path, &st) == 0) {
		int probe;

		if (!S_ISSOCK(st.st_mode)) {
			buf_printf(err, "%s exists and is not a socket", path);
			return -1;
		}
		probe = socket(AF_UNIX, SOCK_STREAM, 0);
		if (probe >= 0 && connect(probe, (struct sockaddr *)&sa, sizeof sa) == 0) {
			close(probe);
			buf_printf(err, "%s is in use by a running process", path);
			return -1;
		}
		if (probe >= 0)
			close(probe);
		unlink(path);
	}
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (fd < 0) {
		buf_printf(err, "socket: %s", strerror(errno));
		return -1;
	}
	/* Created 0660 from the start: never a moment world-writable. */
	old = umask(0117);
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		umask(old);
		buf_printf(err, "bind %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	umask(old);
	if (group != NULL && *group != '\0') {
		struct group *g = getgrnam(group);
		if (g == NULL || chown(path, (uid_t)-1, g->gr_gid) < 0) {
			buf_printf(err, "cannot give %s to group %s: %s", path, group,
			           g == NULL ? "no such group" : strerror(errno));
			close(fd);
			unlink(path);
			return -1;
		}
	}
	if (chmod(path, 0660) < 0 || listen(fd, LISTEN_BACKLOG) < 0) {
		buf_printf(err, "listen %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return -1;
	}
	return fd;
}

static int open_tcp(const char *spec, struct buf *err)
{
	char host[256];
	const char *colon, *port;
	struct addrinfo hints, *res = NULL, *ai;
	size_t hlen;
	int fd = -1, rc, one = 1;

	colon = strrchr(spec, ':');
	if (colon == NULL || colon[1] == '\0') {
		buf_printf(err, "expected unix:PATH or HOST:PORT, got \"%s\"", spec);
		return -1;
	}
	port = colon + 1;
	hlen = (size_t)(colon - spec);
	if (hlen >= 2 && spec[0] == '[' && spec[hlen - 1] == ']') {
		spec++;
		hlen -= 2;
	}
	if (hlen == 0 || hlen >= sizeof host) {
		buf_printf(err, "bad host in \"%s\"", spec);
		return -1;
	}
	memcpy(host, spec, hlen);
	host[hlen] = '\0';
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0) {
		buf_printf(err, "%s:%s: %s", host, port, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, LISTEN_BACKLOG) == 0)
			break;
		buf_reset(err);
		buf_printf(err, "bind %s:%s: %s", host, port, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

int listen_open(const char *spec, const char *group, struct buf *err)
{
	if (strncmp(spec, "unix:", 5) == 0)
		return open_unix(spec + 5, group, err);
	return open_tcp(spec, err);
}

int listen_inherited(int *status_fd)
{
	const char *pid = getenv("LISTEN_PID"), *nfds = getenv("LISTEN_FDS");
	const char *names = getenv("LISTEN_FDNAMES");
	int main_fd = -1;

	*status_fd = -1;
	if (pid != NULL && nfds != NULL && strtol(pid, NULL, 10) == (long)getpid()) {
		int n = (int)strtol(nfds, NULL, 10);
		char *copy = names != NULL ? strdup(names) : NULL;
		char *save = NULL, *name = copy != NULL ? strtok_r(copy, ":", &save) : NULL;

		/* systemd passes sockets from fd 3 on (SD_LISTEN_FDS_START). */
		for (int i = 0; i < n; i++) {
			int fd = 3 + i;
			if (name != NULL && strcmp(name, "status") == 0)
				*status_fd = fd;
			else if (main_fd < 0)
				main_fd = fd;
			name = name != NULL ? strtok_r(NULL, ":", &save) : NULL;
		}
		free(copy);
		unsetenv("LISTEN_PID");
		unsetenv("LISTEN_FDS");
		unsetenv("LISTEN_FDNAMES");
		if (main_fd >= 0)
			return main_fd;
	}
	/* spawn-fcgi and mod_fcgid hand over the socket as standard input. */
	if (listen_is_listening(0))
		return 0;
	return -1;
}
