/* version: what build this is, compiled in. buildinfo.h is written at
 * build time by build-aux/gen-buildinfo. */
#include "ac-config.h"

#include "version.h"
#include "buildinfo.h"

const char sentia_version[] = PACKAGE_VERSION;
const char sentia_commit[] = SENTIA_COMMIT;
const char sentia_build_time[] = SENTIA_BUILD_TIME;
