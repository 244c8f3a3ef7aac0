#ifndef SLIPSTREAM_CNGHTTP2_SHIM_H
#define SLIPSTREAM_CNGHTTP2_SHIM_H
#include <nghttp2/nghttp2.h>
#endif
