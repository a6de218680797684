// zlib's init functions are macros over versioned functions; these give Swift plain ones.
// Raw DEFLATE (negative window bits, no zlib header) is what RFC 7692 carries.
#include <zlib.h>

static inline int czlib_inflate_init_raw(z_streamp stream, int windowBits) {
    return inflateInit2(stream, -windowBits);
}

static inline int czlib_deflate_init_raw(z_streamp stream, int level, int windowBits, int memLevel, int strategy) {
    return deflateInit2(stream, level, Z_DEFLATED, -windowBits, memLevel, strategy);
}
