// GEMM micro-kernels. See CNeuriteSIMD.h for the contracts.
#include "CNeuriteSIMD.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define NEURITE_AVX2 __attribute__((target("avx2,fma")))
#endif

// MARK: Portable versions (the compiler vectorises the j loops).

void neurite_gemm_kernel_6x16_portable(long k, const float *a, const float *b, float *c, long ldc, int overwrite, int rows) {
    float acc[6][16] = {{0}};
    for (long p = 0; p < k; p++) {
        const float *bp = b + p * 16;
        for (int i = 0; i < 6; i++) {
            const float ai = a[p * 6 + i];
            for (int j = 0; j < 16; j++) acc[i][j] += ai * bp[j];
        }
    }
    for (int i = 0; i < rows && i < 6; i++)
        for (int j = 0; j < 16; j++) c[i * ldc + j] = overwrite ? acc[i][j] : c[i * ldc + j] + acc[i][j];
}

void neurite_gemm_small_m_nt_portable(long m, long n, long k, float alpha, const float *a, long lda,
                                      const float *b, long ldb, float *c, long ldc) {
    for (long i = 0; i < m; i++) {
        for (long j = 0; j < n; j++) {
            float s[8] = {0};
            long p = 0;
            for (; p + 8 <= k; p += 8)
                for (int l = 0; l < 8; l++) s[l] += a[i * lda + p + l] * b[j * ldb + p + l];
            float tail = 0;
            for (; p < k; p++) tail += a[i * lda + p] * b[j * ldb + p];
            const float sum = ((s[0] + s[4]) + (s[1] + s[5])) + ((s[2] + s[6]) + (s[3] + s[7])) + tail;
            c[i * ldc + j] += alpha * sum;
        }
    }
}

void neurite_gemm_small_m_nn_portable(long m, long n, long k, float alpha, const float *a, long lda,
                                      const float *b, long ldb, float *c, long ldc) {
    for (long i = 0; i < m; i++) {
        float *ci = c + i * ldc;
        for (long j0 = 0; j0 < n; j0 += 64) {
            const long width = n - j0 < 64 ? n - j0 : 64;
            float acc[64] = {0};
            for (long p = 0; p < k; p++) {
                const float aip = a[i * lda + p];
                const float *bp = b + p * ldb + j0;
                for (long j = 0; j < width; j++) acc[j] += aip * bp[j];
            }
            for (long j = 0; j < width; j++) ci[j0 + j] += alpha * acc[j];
        }
    }
}

// MARK: AVX2 + FMA versions.

#if defined(__x86_64__)

NEURITE_AVX2
void neurite_gemm_kernel_6x16_avx2(long k, const float *a, const float *b, float *c, long ldc, int overwrite, int rows) {
    __m256 c00 = _mm256_setzero_ps(), c01 = _mm256_setzero_ps();
    __m256 c10 = _mm256_setzero_ps(), c11 = _mm256_setzero_ps();
    __m256 c20 = _mm256_setzero_ps(), c21 = _mm256_setzero_ps();
    __m256 c30 = _mm256_setzero_ps(), c31 = _mm256_setzero_ps();
    __m256 c40 = _mm256_setzero_ps(), c41 = _mm256_setzero_ps();
    __m256 c50 = _mm256_setzero_ps(), c51 = _mm256_setzero_ps();
    // The C tile is read (or written) after the loop: start fetching it now.
    for (int i = 0; i < rows && i < 6; i++) {
        _mm_prefetch((const char *)(c + i * ldc), _MM_HINT_T0);
        _mm_prefetch((const char *)(c + i * ldc + 15), _MM_HINT_T0);
    }
#pragma clang loop unroll_count(4)
    for (long p = 0; p < k; p++) {
        _mm_prefetch((const char *)(a + p * 6 + 96), _MM_HINT_T0);
        const __m256 b0 = _mm256_loadu_ps(b + p * 16);
        const __m256 b1 = _mm256_loadu_ps(b + p * 16 + 8);
        const float *ap = a + p * 6;
        __m256 x;
        x = _mm256_broadcast_ss(ap + 0); c00 = _mm256_fmadd_ps(x, b0, c00); c01 = _mm256_fmadd_ps(x, b1, c01);
        x = _mm256_broadcast_ss(ap + 1); c10 = _mm256_fmadd_ps(x, b0, c10); c11 = _mm256_fmadd_ps(x, b1, c11);
        x = _mm256_broadcast_ss(ap + 2); c20 = _mm256_fmadd_ps(x, b0, c20); c21 = _mm256_fmadd_ps(x, b1, c21);
        x = _mm256_broadcast_ss(ap + 3); c30 = _mm256_fmadd_ps(x, b0, c30); c31 = _mm256_fmadd_ps(x, b1, c31);
        x = _mm256_broadcast_ss(ap + 4); c40 = _mm256_fmadd_ps(x, b0, c40); c41 = _mm256_fmadd_ps(x, b1, c41);
        x = _mm256_broadcast_ss(ap + 5); c50 = _mm256_fmadd_ps(x, b0, c50); c51 = _mm256_fmadd_ps(x, b1, c51);
    }
    // Stored, or added to what c holds (its load only when adding).
#define NEURITE_FINISH_ROW(row, lo, hi)                                                                     \
    _mm256_storeu_ps(c + row * ldc, overwrite ? lo : _mm256_add_ps(_mm256_loadu_ps(c + row * ldc), lo));         \
    _mm256_storeu_ps(c + row * ldc + 8, overwrite ? hi : _mm256_add_ps(_mm256_loadu_ps(c + row * ldc + 8), hi));
    NEURITE_FINISH_ROW(0, c00, c01)
    if (rows > 1) { NEURITE_FINISH_ROW(1, c10, c11) }
    if (rows > 2) { NEURITE_FINISH_ROW(2, c20, c21) }
    if (rows > 3) { NEURITE_FINISH_ROW(3, c30, c31) }
    if (rows > 4) { NEURITE_FINISH_ROW(4, c40, c41) }
    if (rows > 5) { NEURITE_FINISH_ROW(5, c50, c51) }
#undef NEURITE_FINISH_ROW
}

NEURITE_AVX2 static inline float neurite_hsum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

NEURITE_AVX2
void neurite_gemm_small_m_nt_avx2(long m, long n, long k, float alpha, const float *a, long lda,
                                  const float *b, long ldb, float *c, long ldc) {
    for (long i = 0; i < m; i++) {
        const float *ai = a + i * lda;
        long j = 0;
        // Four rows of b at a time share each load of a.
        for (; j + 4 <= n; j += 4) {
            const float *b0 = b + j * ldb, *b1 = b0 + ldb, *b2 = b1 + ldb, *b3 = b2 + ldb;
            __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
            long p = 0;
            for (; p + 8 <= k; p += 8) {
                const __m256 x = _mm256_loadu_ps(ai + p);
                s0 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b0 + p), s0);
                s1 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b1 + p), s1);
                s2 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b2 + p), s2);
                s3 = _mm256_fmadd_ps(x, _mm256_loadu_ps(b3 + p), s3);
            }
            float t0 = neurite_hsum256(s0), t1 = neurite_hsum256(s1), t2 = neurite_hsum256(s2), t3 = neurite_hsum256(s3);
            for (; p < k; p++) {
                t0 += ai[p] * b0[p]; t1 += ai[p] * b1[p]; t2 += ai[p] * b2[p]; t3 += ai[p] * b3[p];
            }
            c[i * ldc + j] += alpha * t0;
            c[i * ldc + j + 1] += alpha * t1;
            c[i * ldc + j + 2] += alpha * t2;
            c[i * ldc + j + 3] += alpha * t3;
        }
        for (; j < n; j++) {
            const float *bj = b + j * ldb;
            __m256 s = _mm256_setzero_ps();
            long p = 0;
            for (; p + 8 <= k; p += 8) s = _mm256_fmadd_ps(_mm256_loadu_ps(ai + p), _mm256_loadu_ps(bj + p), s);
            float t = neurite_hsum256(s);
            for (; p < k; p++) t += ai[p] * bj[p];
            c[i * ldc + j] += alpha * t;
        }
    }
}

NEURITE_AVX2
void neurite_gemm_small_m_nn_avx2(long m, long n, long k, float alpha, const float *a, long lda,
                                  const float *b, long ldb, float *c, long ldc) {
    const __m256 va = _mm256_set1_ps(alpha);
    for (long i = 0; i < m; i++) {
        const float *ai = a + i * lda;
        float *ci = c + i * ldc;
        long j = 0;
        // 32 columns in four accumulators, streaming the rows of b.
        for (; j + 32 <= n; j += 32) {
            __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps(), s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
            for (long p = 0; p < k; p++) {
                const __m256 x = _mm256_broadcast_ss(ai + p);
                const float *bp = b + p * ldb + j;
                s0 = _mm256_fmadd_ps(x, _mm256_loadu_ps(bp), s0);
                s1 = _mm256_fmadd_ps(x, _mm256_loadu_ps(bp + 8), s1);
                s2 = _mm256_fmadd_ps(x, _mm256_loadu_ps(bp + 16), s2);
                s3 = _mm256_fmadd_ps(x, _mm256_loadu_ps(bp + 24), s3);
            }
            _mm256_storeu_ps(ci + j, _mm256_fmadd_ps(va, s0, _mm256_loadu_ps(ci + j)));
            _mm256_storeu_ps(ci + j + 8, _mm256_fmadd_ps(va, s1, _mm256_loadu_ps(ci + j + 8)));
            _mm256_storeu_ps(ci + j + 16, _mm256_fmadd_ps(va, s2, _mm256_loadu_ps(ci + j + 16)));
            _mm256_storeu_ps(ci + j + 24, _mm256_fmadd_ps(va, s3, _mm256_loadu_ps(ci + j + 24)));
        }
        for (; j + 8 <= n; j += 8) {
            __m256 s = _mm256_setzero_ps();
            for (long p = 0; p < k; p++) s = _mm256_fmadd_ps(_mm256_broadcast_ss(ai + p), _mm256_loadu_ps(b + p * ldb + j), s);
            _mm256_storeu_ps(ci + j, _mm256_fmadd_ps(va, s, _mm256_loadu_ps(ci + j)));
        }
        for (; j < n; j++) {
            float s = 0;
            for (long p = 0; p < k; p++) s += ai[p] * b[p * ldb + j];
            ci[j] += alpha * s;
        }
    }
}

#else  // Not x86-64: the AVX2 entry points are never chosen; they forward to the portable code.

void neurite_gemm_kernel_6x16_avx2(long k, const float *a, const float *b, float *c, long ldc, int overwrite, int rows) {
    neurite_gemm_kernel_6x16_portable(k, a, b, c, ldc, overwrite, rows);
}
void neurite_gemm_small_m_nt_avx2(long m, long n, long k, float alpha, const float *a, long lda,
                                  const float *b, long ldb, float *c, long ldc) {
    neurite_gemm_small_m_nt_portable(m, n, k, alpha, a, lda, b, ldb, c, ldc);
}
void neurite_gemm_small_m_nn_avx2(long m, long n, long k, float alpha, const float *a, long lda,
                                  const float *b, long ldb, float *c, long ldc) {
    neurite_gemm_small_m_nn_portable(m, n, k, alpha, a, lda, b, ldb, c, ldc);
}

#endif
