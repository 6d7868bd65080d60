#ifndef ORCHESTRATOR_CHIREDIS_SHIM_H
#define ORCHESTRATOR_CHIREDIS_SHIM_H

// `redisCommand` is variadic and unusable from Swift; callers use `redisCommandArgv`.
#include <hiredis/hiredis.h>

#endif
