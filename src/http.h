/* http: methods and status reasons, shared by the request, router and
 * response modules. */
#ifndef SENTIA_HTTP_H
#define SENTIA_HTTP_H

/* Request methods sentia knows; anything else is HTTP_OTHER. */
enum http_method {
	HTTP_GET,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_PUT,
	HTTP_PATCH,
	HTTP_DELETE,
	HTTP_OPTIONS,
	HTTP_OTHER,
	HTTP__MAX
};

/* Parses a method name; HTTP_OTHER for any other. */
enum http_method http_method_parse(const char *s);
/* The upper-case name of a method ("OTHER" for HTTP_OTHER). */
const char *http_method_name(enum http_method m);
/* The reason phrase of a status code ("Unknown" when not listed). */
const char *http_reason(int status);

#endif
