#ifndef SLIPSTREAM_CNGHTTP2_SHIM_H
#define SLIPSTREAM_CNGHTTP2_SHIM_H
#include <nghttp2/nghttp2.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Two hardening options postdate upstream nghttp2 1.52.0:
 *   nghttp2_option_set_stream_reset_rate_limit (upstream 1.57, CVE-2023-44487 "rapid reset")
 *   nghttp2_option_set_max_continuations       (upstream 1.61, CVE-2024-28182 CONTINUATION flood)
 * Debian 12 backports both into its 1.52.0 (1.52.0-1+deb12u1 and later). They are redeclared
 * weak here so the binary also links and loads against a 1.52 without the backports; the
 * wrappers then report 0 ("not available") instead of crashing, and the caller logs it.
 */
extern void nghttp2_option_set_stream_reset_rate_limit(nghttp2_option *option,
                                                       uint64_t burst,
                                                       uint64_t rate)
    __attribute__((weak));
extern void nghttp2_option_set_max_continuations(nghttp2_option *option, size_t val)
    __attribute__((weak));

/// Sets the RST_STREAM token bucket; returns 1 if the library has the option, else 0.
static inline int slipstream_nghttp2_option_set_stream_reset_rate_limit(
    nghttp2_option *option, uint64_t burst, uint64_t rate) {
  if (nghttp2_option_set_stream_reset_rate_limit == NULL) {
    return 0;
  }
  nghttp2_option_set_stream_reset_rate_limit(option, burst, rate);
  return 1;
}

/// Sets the CONTINUATION-per-header-block cap; returns 1 if the library has the option, else 0.
static inline int slipstream_nghttp2_option_set_max_continuations(nghttp2_option *option,
                                                                  size_t val) {
  if (nghttp2_option_set_max_continuations == NULL) {
    return 0;
  }
  nghttp2_option_set_max_continuations(option, val);
  return 1;
}

#endif
