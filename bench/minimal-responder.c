/* The benchmark's baseline: the least a libfcgi responder can do, answering
 * /health's JSON on the socket it inherits on fd 0. */
#include <fcgiapp.h>

int main(void)
{
	FCGX_Request r;

	FCGX_Init();
	FCGX_InitRequest(&r, 0, 0);
	while (FCGX_Accept_r(&r) >= 0)
		FCGX_FPrintF(r.out, "Status: 200 OK\r\nContent-Type: application/json\r\n"
		             "Content-Length: 20\r\n\r\n{\"status\":\"healthy\"}");
	return 0;
}
