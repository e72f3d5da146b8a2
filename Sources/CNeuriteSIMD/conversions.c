// Element-type conversions. See CNeuriteSIMD.h.
#include "CNeuriteSIMD.h"

// A plain loop the compiler vectorises; a division (not a multiplication by the reciprocal) keeps
// the bits of (float)byte / divisor.
static inline void bytes_to_floats(const unsigned char *restrict bytes, float *restrict out, long n, float divisor) {
    for (long i = 0; i < n; i++) out[i] = (float)bytes[i] / divisor;
}

// Rows picked at random from a large table miss every cache level, and the hardware prefetcher
// only ramps up within a row: ask for the rows `ahead` rows early, one request per cache line.
static inline void gather_bytes_to_floats(const unsigned char *source, const long *indices, long rows, long size,
                                          float divisor, float *out) {
    const long ahead = 4;
    for (long r = 0; r < rows && r < ahead; r++)
        for (long offset = 0; offset < size; offset += 64) __builtin_prefetch(source + indices[r] * size + offset);
    for (long r = 0; r < rows; r++) {
        if (r + ahead < rows) {
            const unsigned char *next = source + indices[r + ahead] * size;
            for (long offset = 0; offset < size; offset += 64) __builtin_prefetch(next + offset);
            __builtin_prefetch(next + size - 1);
        }
        bytes_to_floats(source + indices[r] * size, out + r * size, size, divisor);
    }
}

void neurite_bytes_to_floats_portable(const unsigned char *bytes, float *out, long n, float divisor) {
    bytes_to_floats(bytes, out, n, divisor);
}

void neurite_gather_bytes_to_floats_portable(const unsigned char *source, const long *indices, long rows, long size,
                                             float divisor, float *out) {
    gather_bytes_to_floats(source, indices, rows, size, divisor, out);
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) void neurite_bytes_to_floats_avx2(const unsigned char *bytes, float *out, long n, float divisor) {
    bytes_to_floats(bytes, out, n, divisor);
}
__attribute__((target("avx2"))) void neurite_gather_bytes_to_floats_avx2(const unsigned char *source, const long *indices,
                                                                         long rows, long size, float divisor, float *out) {
    gather_bytes_to_floats(source, indices, rows, size, divisor, out);
}
#else
void neurite_bytes_to_floats_avx2(const unsigned char *bytes, float *out, long n, float divisor) {
    bytes_to_floats(bytes, out, n, divisor);
}
void neurite_gather_bytes_to_floats_avx2(const unsigned char *source, const long *indices, long rows, long size,
                                         float divisor, float *out) {
    gather_bytes_to_floats(source, indices, rows, size, divisor, out);
}
#endif
