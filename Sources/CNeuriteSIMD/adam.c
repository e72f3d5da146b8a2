// Adam's dense update in one pass over a parameter, its gradient and both moments, compiled for
// the baseline target and for AVX2 (the compiler vectorises the loop: 8 lanes with AVX2). Every element is computed
// with the same float operations, in the same order, as the update written as tensor operations:
// fused multiply-adds would change the bits, so contraction is off in this file.
#include "CNeuriteSIMD.h"

#pragma clang fp contract(off)

static inline void adam_loop(float *restrict p, float *restrict m, float *restrict v, const float *restrict g, long n,
                             const neurite_adam_constants *c, int mode) {
    const float beta1 = c->beta1, keep1 = c->keep1, beta2 = c->beta2, keep2 = c->keep2;
    const float root2 = c->root2, epsilon = c->epsilon, step = c->step_size, decay = c->decay;
    for (long i = 0; i < n; i++) {
        // mode 1: decoupled decay shrinks the weight first; mode 2: coupled decay adds to the gradient.
        float value = mode == 1 ? p[i] * decay : p[i];
        float grad = mode == 2 ? g[i] + p[i] * decay : g[i];
        float first = m[i] * beta1 + grad * keep1;
        float second = v[i] * beta2 + grad * grad * keep2;
        m[i] = first;
        v[i] = second;
        // The builtin is the correctly rounded square root of sqrtf without its errno path, which
        // had kept the loop from vectorising (the moments are never negative).
        p[i] = value - first / (__builtin_elementwise_sqrt(second) / root2 + epsilon) * step;
    }
}

void neurite_adam_portable(float *p, float *m, float *v, const float *g, long n, const neurite_adam_constants *c, int mode) {
    if (mode == 1) adam_loop(p, m, v, g, n, c, 1);
    else if (mode == 2) adam_loop(p, m, v, g, n, c, 2);
    else adam_loop(p, m, v, g, n, c, 0);
}

#if defined(__x86_64__)
#include <immintrin.h>

// The AVX2 loop spends its time in the divider (a square root and two divisions per element). One
// of the divisions is by the same number for every element, √(1 − β₂ᵗ), and that one is done as a
// multiplication corrected by two fused multiply-adds (Markstein): with y = RN(1/c) and
// q = RN(x·y), q' = RN(q + RN(x − c·q)·y) is RN(x/c), the correctly rounded quotient, whenever x is
// zero or a normal number and the quotient neither overflows nor underflows. Here x = √v is zero
// or at least 2⁻⁷⁵ and c is in [2⁻¹², 1] (β₂ < 1), so that holds for every finite v; v = +∞ gives
// NaN instead of +∞ and is blended back. Same bits as the division: a test compares it with the
// portable loop's division over the whole float range, and all 2²³ mantissas of x were compared
// with vdivps for 600 divisors once (BENCHMARKS.md). Adam's loop: 0.44 → 0.38 ns per element.
__attribute__((target("avx2,fma"))) static inline void adam_avx2(float *restrict p, float *restrict m, float *restrict v,
                                                                  const float *restrict g, long n,
                                                                  const neurite_adam_constants *c, int mode) {
    const __m256 beta1 = _mm256_set1_ps(c->beta1), keep1 = _mm256_set1_ps(c->keep1);
    const __m256 beta2 = _mm256_set1_ps(c->beta2), keep2 = _mm256_set1_ps(c->keep2);
    const __m256 root2 = _mm256_set1_ps(c->root2), reciprocal2 = _mm256_set1_ps(1.0f / c->root2);
    const __m256 epsilon = _mm256_set1_ps(c->epsilon), step = _mm256_set1_ps(c->step_size);
    const __m256 decay = _mm256_set1_ps(c->decay), infinity = _mm256_set1_ps(__builtin_inff());
    long i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 weight = _mm256_loadu_ps(p + i);
        const __m256 value = mode == 1 ? _mm256_mul_ps(weight, decay) : weight;
        __m256 grad = _mm256_loadu_ps(g + i);
        if (mode == 2) grad = _mm256_add_ps(grad, _mm256_mul_ps(weight, decay));
        const __m256 first = _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(m + i), beta1), _mm256_mul_ps(grad, keep1));
        const __m256 second =
            _mm256_add_ps(_mm256_mul_ps(_mm256_loadu_ps(v + i), beta2), _mm256_mul_ps(_mm256_mul_ps(grad, grad), keep2));
        _mm256_storeu_ps(m + i, first);
        _mm256_storeu_ps(v + i, second);
        const __m256 root = _mm256_sqrt_ps(second);
        const __m256 estimate = _mm256_mul_ps(root, reciprocal2);
        __m256 scaled = _mm256_fmadd_ps(_mm256_fnmadd_ps(root2, estimate, root), reciprocal2, estimate);
        scaled = _mm256_blendv_ps(scaled, root, _mm256_cmp_ps(root, infinity, _CMP_EQ_OQ));
        const __m256 update = _mm256_mul_ps(_mm256_div_ps(first, _mm256_add_ps(scaled, epsilon)), step);
        _mm256_storeu_ps(p + i, _mm256_sub_ps(value, update));
    }
    if (i < n) adam_loop(p + i, m + i, v + i, g + i, n - i, c, mode);
}

__attribute__((target("avx2,fma"))) void neurite_adam_avx2(float *p, float *m, float *v, const float *g, long n,
                                                           const neurite_adam_constants *c, int mode) {
    if (mode == 1) adam_avx2(p, m, v, g, n, c, 1);
    else if (mode == 2) adam_avx2(p, m, v, g, n, c, 2);
    else adam_avx2(p, m, v, g, n, c, 0);
}
#else
void neurite_adam_avx2(float *p, float *m, float *v, const float *g, long n, const neurite_adam_constants *c, int mode) {
    neurite_adam_portable(p, m, v, g, n, c, mode);
}
#endif
