#ifndef PRISM_CHIREDIS_SHIM_H
#define PRISM_CHIREDIS_SHIM_H
#include <hiredis/hiredis.h>

/* errstr is a fixed char array, which Swift sees as a 128-element tuple. */
static inline const char *prism_redis_errstr(const redisContext *context) { return context->errstr; }
#endif
