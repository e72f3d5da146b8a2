// Bytes to floats, compiled for the baseline target and for AVX2 (the compiler vectorises the
// loop). Each element is `(float)byte / divisor`: a division, not a multiplication by the
// reciprocal, so the bits are those of converting and dividing one element at a time.
#include "CNeuriteSIMD.h"

static inline void bytes_to_floats(const unsigned char *restrict bytes, float *restrict out, long n, float divisor) {
    for (long i = 0; i < n; i++) out[i] = (float)bytes[i] / divisor;
}

void neurite_bytes_to_floats_portable(const unsigned char *bytes, float *out, long n, float divisor) {
    bytes_to_floats(bytes, out, n, divisor);
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) void neurite_bytes_to_floats_avx2(const unsigned char *bytes, float *out, long n, float divisor) {
    bytes_to_floats(bytes, out, n, divisor);
}
#else
void neurite_bytes_to_floats_avx2(const unsigned char *bytes, float *out, long n, float divisor) {
    bytes_to_floats(bytes, out, n, divisor);
}
#endif
