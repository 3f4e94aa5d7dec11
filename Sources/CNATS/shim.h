#ifndef PRISM_CNATS_SHIM_H
#define PRISM_CNATS_SHIM_H
#include <nats/nats.h>
#endif
