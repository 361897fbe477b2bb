/* openapi: the API's OpenAPI 3.1 document (openapi/openapi.json),
 * compiled in by build-aux/gen-openapi. handlers/docs.c serves it and a
 * page made from it; tests/unit/check_openapi.c holds it to the dispatch
 * table. */
#ifndef SENTIA_OPENAPI_H
#define SENTIA_OPENAPI_H

#include <stddef.h>

/* The document, NUL-terminated, and its length without the NUL. */
extern const char openapi_json[];
extern const size_t openapi_json_len;

#endif
