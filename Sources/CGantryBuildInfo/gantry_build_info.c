#include "gantry_build_info.h"

#ifndef GANTRY_BUILD_VERSION
#define GANTRY_BUILD_VERSION "0.0.0"
#endif
#ifndef GANTRY_BUILD_COMMIT
#define GANTRY_BUILD_COMMIT "unknown"
#endif
#ifndef GANTRY_BUILD_EPOCH
#define GANTRY_BUILD_EPOCH ""
#endif

const char *gantry_build_version(void) { return GANTRY_BUILD_VERSION; }
const char *gantry_build_commit(void) { return GANTRY_BUILD_COMMIT; }
const char *gantry_build_epoch(void) { return GANTRY_BUILD_EPOCH; }
