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
__attribute__((target("avx2"))) void neurite_adam_avx2(float *p, float *m, float *v, const float *g, long n,
                                                       const neurite_adam_constants *c, int mode) {
    if (mode == 1) adam_loop(p, m, v, g, n, c, 1);
    else if (mode == 2) adam_loop(p, m, v, g, n, c, 2);
    else adam_loop(p, m, v, g, n, c, 0);
}
#else
void neurite_adam_avx2(float *p, float *m, float *v, const float *g, long n, const neurite_adam_constants *c, int mode) {
    neurite_adam_portable(p, m, v, g, n, c, mode);
}
#endif
