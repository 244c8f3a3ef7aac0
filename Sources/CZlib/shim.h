#ifndef SLIPSTREAM_CZLIB_SHIM_H
#define SLIPSTREAM_CZLIB_SHIM_H
#include <zlib.h>
/* deflateInit2 / inflateInit2 are macros. */
static inline int cslip_deflateInit2(z_streamp strm, int level, int method, int windowBits, int memLevel, int strategy) {
    return deflateInit2(strm, level, method, windowBits, memLevel, strategy);
}
static inline int cslip_inflateInit2(z_streamp strm, int windowBits) {
    return inflateInit2(strm, windowBits);
}
#endif
