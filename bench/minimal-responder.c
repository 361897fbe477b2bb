/* The benchmark's baseline: the least a libfcgi responder can do, answering
 * /health's JSON on the socket it inherits on fd 0. "minimal-responder N"
 * runs as N processes sharing that socket, like sentia's pool: the first
 * forks N-1 children and then serves too. */
#include <fcgiapp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 1;
	pid_t parent = getpid();
	FCGX_Request r;

	/* The kernel reaps children that exit, so none is left a zombie. */
	signal(SIGCHLD, SIG_IGN);
	for (int i = 1; i < n; i++) {
		if (fork() == 0) {
			/* A child dies with the parent (checked: it may be gone already). */
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			if (getppid() != parent)
				return 1;
			break;
		}
	}
	FCGX_Init();
	FCGX_InitRequest(&r, 0, 0);
	while (FCGX_Accept_r(&r) >= 0)
		FCGX_FPrintF(r.out, "Status: 200 OK\r\nContent-Type: application/json\r\n"
		             "Content-Length: 20\r\n\r\n{\"status\":\"healthy\"}");
	return 0;
}
