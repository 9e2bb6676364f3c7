#ifndef LEADSYNC_ZLIB_SHIM_H
#define LEADSYNC_ZLIB_SHIM_H
#include <zlib.h>

/// deflateInit2 is a macro: a function Swift can call. windowBits 15 + 16 writes a gzip wrapper.
static inline int leadsync_deflate_init_gzip(z_stream *stream, int level) {
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}
/// inflateInit2 with windowBits 15 + 32 accepts gzip and zlib wrappers.
static inline int leadsync_inflate_init_auto(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}
#endif
