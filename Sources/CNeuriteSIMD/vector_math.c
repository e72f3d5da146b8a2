// Vector math over buffers. Each function is written once, per element and without branches, and
// compiled twice: for the baseline target and for AVX2+FMA. The compiler vectorises the loops
// (8 lanes with AVX2). Edge cases (±∞, NaN, 0, denormals, overflow, underflow) are selected per
// lane, never branched on, so they cost nothing and keep the loops vectorisable.
#include "CNeuriteSIMD.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

static inline float bits_to_float(int32_t i) { float f; memcpy(&f, &i, sizeof f); return f; }
static inline int32_t float_to_bits(float f) { int32_t i; memcpy(&i, &f, sizeof i); return i; }
static inline float absolute(float x) { return bits_to_float(float_to_bits(x) & 0x7fffffff); }
/// |magnitude| with the sign of `sign`.
static inline float with_sign_of(float magnitude, float sign) {
    return bits_to_float((float_to_bits(magnitude) & 0x7fffffff) | (float_to_bits(sign) & (int32_t)0x80000000));
}

/// eˣ: x = n·ln 2 + r with |r| ≤ ln2/2 (ln 2 split in two parts so that n·ln2_hi is exact), e^r by
/// the Cephes polynomial, then scaled by 2ⁿ in two steps so that results down to the smallest
/// denormal round once. Overflow to +∞ and underflow to 0 happen naturally in the last product.
static inline float element_exp(float x) {
    const float round_magic = 12582912.0f;  // 1.5 · 2²³: adding and subtracting it rounds to an integer
    float xc = x < -104.0f ? -104.0f : (x > 89.0f ? 89.0f : x);
    xc = x != x ? 0.0f : xc;
    const float n = (xc * 1.44269504088896341f + round_magic) - round_magic;
    float r = xc - n * 0.693359375f;
    r = r - n * -2.12194440e-4f;
    const float z = r * r;
    const float y = (((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r
                       + 4.1665795894e-2f) * r + 1.6666665459e-1f) * r + 5.0000001201e-1f) * z + r + 1.0f;
    const int32_t ni = (int32_t)n;
    const int32_t half = ni >> 1;
    const float scaled = y * bits_to_float((half + 127) << 23) * bits_to_float((ni - half + 127) << 23);
    return x != x ? x : scaled;
}

/// ln x: x = m·2ᵉ with m in [√½, √2), ln(1 + t) by the Cephes polynomial in t = m − 1, plus e·ln 2
/// (split in two parts). Denormals are scaled up by 2²³ first.
static inline float element_log(float x) {
    const int denormal = x < 1.17549435e-38f;
    const float xs = denormal ? x * 8388608.0f : x;
    const int32_t bits = float_to_bits(xs);
    int32_t e = ((bits >> 23) & 0xff) - 126;
    e = denormal ? e - 23 : e;
    const float m = bits_to_float((bits & 0x007fffff) | 0x3f000000);  // [0.5, 1)
    const int below = m < 0.707106781186547524f;
    const float fe = (float)e - (below ? 1.0f : 0.0f);
    const float t = below ? (m + m - 1.0f) : (m - 1.0f);
    const float z = t * t;
    float y = ((((((((7.0376836292e-2f * t - 1.1514610310e-1f) * t + 1.1676998740e-1f) * t
                   - 1.2420140846e-1f) * t + 1.4249322787e-1f) * t - 1.6668057665e-1f) * t
                 + 2.0000714765e-1f) * t - 2.4999993993e-1f) * t + 3.3333331174e-1f) * t * z;
    y += -2.12194440e-4f * fe;
    y += -0.5f * z;
    float result = (t + y) + 0.693359375f * fe;
    result = x == 0.0f ? -INFINITY : result;
    result = x < 0.0f ? NAN : result;
    result = x == INFINITY ? INFINITY : result;
    return x != x ? x : result;
}

/// tanh x: the Taylor series to x¹⁵ for |x| < 0.4, else sign(x)·(1 − 2/(e^{2|x|} + 1)).
static inline float element_tanh(float x) {
    const float ax = absolute(x);
    const float z = x * x;
    float p = -929569.0f / 638512875.0f;
    p = p * z + 21844.0f / 6081075.0f;
    p = p * z - 1382.0f / 155925.0f;
    p = p * z + 62.0f / 2835.0f;
    p = p * z - 17.0f / 315.0f;
    p = p * z + 2.0f / 15.0f;
    p = p * z - 1.0f / 3.0f;
    const float small = x + x * z * p;
    const float large = with_sign_of(1.0f - 2.0f / (element_exp(2.0f * ax) + 1.0f), x);
    return ax < 0.4f ? small : large;
}

/// σ(x) = 1/(1 + e^{−|x|}) for x ≥ 0 and e^{−|x|}/(1 + e^{−|x|}) below: no overflow anywhere.
static inline float element_sigmoid(float x) {
    const float e = element_exp(-absolute(x));
    const float s = 1.0f / (1.0f + e);
    return x >= 0.0f ? s : e * s;
}

/// erf x: x·P(x²) for |x| < 0.875; sign(x)·(1 − e^{−x²}·Q(1/|x|)) up to |x| = 4; ±1 beyond (where
/// erf rounds to 1 in float). P and Q are least-squares fits in relative error made for Neurite.
static inline float element_erf(float x) {
    const float ax = absolute(x);
    const float z = x * x;
    float p = -0.000619943137280643f;
    p = p * z + 0.005031444597989321f;
    p = p * z - 0.026790965348482132f;
    p = p * z + 0.11282441765069962f;
    p = p * z - 0.3761254847049713f;
    p = p * z + 1.1283791065216064f;
    const float small = x * p;
    const float t = 1.0f / (ax < 0.875f ? 1.0f : ax);
    float q = -0.001602188334800303f;
    q = q * t - 0.009467595256865025f;
    q = q * t + 0.10195530951023102f;
    q = q * t - 0.33092108368873596f;
    q = q * t + 0.5581554174423218f;
    q = q * t - 0.49760860204696655f;
    q = q * t + 0.048632245510816574f;
    q = q * t + 0.5581150650978088f;
    q = q * t + 0.0003249089349992573f;
    float large = 1.0f - element_exp(-z) * q;
    large = ax >= 4.0f ? 1.0f : large;
    large = with_sign_of(large, x);
    return ax < 0.875f ? small : (x != x ? x : large);
}

#if defined(__x86_64__)
#define NEURITE_AVX2 __attribute__((target("avx2,fma")))
#define NEURITE_DEFINE(name)                                                              \
    void neurite_##name##_portable(const float *x, float *y, long n) {                   \
        for (long i = 0; i < n; i++) y[i] = element_##name(x[i]);                        \
    }                                                                                     \
    NEURITE_AVX2 void neurite_##name##_avx2(const float *x, float *y, long n) {          \
        for (long i = 0; i < n; i++) y[i] = element_##name(x[i]);                        \
    }
#else
#define NEURITE_DEFINE(name)                                                              \
    void neurite_##name##_portable(const float *x, float *y, long n) {                   \
        for (long i = 0; i < n; i++) y[i] = element_##name(x[i]);                        \
    }                                                                                     \
    void neurite_##name##_avx2(const float *x, float *y, long n) {                       \
        neurite_##name##_portable(x, y, n);                                               \
    }
#endif

NEURITE_DEFINE(exp)
NEURITE_DEFINE(log)
NEURITE_DEFINE(tanh)
NEURITE_DEFINE(sigmoid)
NEURITE_DEFINE(erf)

