// The re-entrant GEOS C API only: every call takes a context handle (GEOS_init_r).
#define USE_UNSTABLE_GEOS_CPP_API 0
#include <geos_c.h>
