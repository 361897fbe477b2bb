/* version: what build this is, compiled in. */
#ifndef SENTIA_VERSION_H
#define SENTIA_VERSION_H

extern const char sentia_version[];     /* PACKAGE_VERSION */
extern const char sentia_commit[];      /* the git commit built, or "unknown" */
extern const char sentia_build_time[];  /* ISO 8601, UTC */

#endif
