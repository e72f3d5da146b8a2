// Packing of GEMM operands into the panel layouts the micro-kernels read, and matrix transposition
// (both built on 8×8 register transposes). See CNeuriteSIMD.h.
#include "CNeuriteSIMD.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define NEURITE_AVX2 __attribute__((target("avx2,fma")))
#endif

// MARK: Portable versions.

void neurite_pack_a_portable(const float *a, long lda, int transposed, float alpha, long rows, long depth,
                             float *packed) {
    for (long panel = 0; panel * 6 < rows; panel++) {
        float *out = packed + panel * depth * 6;
        const long r0 = panel * 6;
        const long valid = rows - r0 < 6 ? rows - r0 : 6;
        for (long p = 0; p < depth; p++) {
            for (long i = 0; i < 6; i++) {
                const float value = i < valid ? (transposed ? a[p * lda + r0 + i] : a[(r0 + i) * lda + p]) : 0.0f;
                out[p * 6 + i] = alpha * value;
            }
        }
    }
}

void neurite_pack_b_portable(const float *b, long ldb, int transposed, long depth, long columns, float *packed) {
    for (long p = 0; p < depth; p++) {
        for (long j = 0; j < 16; j++) {
            packed[p * 16 + j] = j < columns ? (transposed ? b[j * ldb + p] : b[p * ldb + j]) : 0.0f;
        }
    }
}

void neurite_transpose_portable(const float *in, long rows, long columns, float *out) {
    // 8×8 tiles: eight output lines are written while eight input lines are read.
    for (long r0 = 0; r0 < rows; r0 += 8) {
        const long r1 = r0 + 8 < rows ? r0 + 8 : rows;
        for (long c0 = 0; c0 < columns; c0 += 8) {
            const long c1 = c0 + 8 < columns ? c0 + 8 : columns;
            for (long r = r0; r < r1; r++)
                for (long c = c0; c < c1; c++) out[c * rows + r] = in[r * columns + c];
        }
    }
}

// MARK: AVX2 versions: 8×8 transposes in registers for the transposed layouts.

#if defined(__x86_64__)

/// Transposes the 8×8 block held in r[0..7] (rows in, columns out).
NEURITE_AVX2 static inline void transpose8x8(__m256 r[8]) {
    const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    const __m256 s0 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 s1 = _mm256_shuffle_ps(t0, t2, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 s2 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 s3 = _mm256_shuffle_ps(t1, t3, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 s4 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 s5 = _mm256_shuffle_ps(t4, t6, _MM_SHUFFLE(3, 2, 3, 2));
    const __m256 s6 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(1, 0, 1, 0));
    const __m256 s7 = _mm256_shuffle_ps(t5, t7, _MM_SHUFFLE(3, 2, 3, 2));
    r[0] = _mm256_permute2f128_ps(s0, s4, 0x20);
    r[1] = _mm256_permute2f128_ps(s1, s5, 0x20);
    r[2] = _mm256_permute2f128_ps(s2, s6, 0x20);
    r[3] = _mm256_permute2f128_ps(s3, s7, 0x20);
    r[4] = _mm256_permute2f128_ps(s0, s4, 0x31);
    r[5] = _mm256_permute2f128_ps(s1, s5, 0x31);
    r[6] = _mm256_permute2f128_ps(s2, s6, 0x31);
    r[7] = _mm256_permute2f128_ps(s3, s7, 0x31);
}

NEURITE_AVX2
void neurite_transpose_avx2(const float *in, long rows, long columns, float *out) {
    long r = 0;
    for (; r + 8 <= rows; r += 8) {
        long c = 0;
        for (; c + 8 <= columns; c += 8) {
            __m256 block[8];
            for (int i = 0; i < 8; i++) block[i] = _mm256_loadu_ps(in + (r + i) * columns + c);
            transpose8x8(block);
            for (int i = 0; i < 8; i++) _mm256_storeu_ps(out + (c + i) * rows + r, block[i]);
        }
        for (; c < columns; c++)
            for (long i = 0; i < 8; i++) out[c * rows + r + i] = in[(r + i) * columns + c];
    }
    for (; r < rows; r++)
        for (long c = 0; c < columns; c++) out[c * rows + r] = in[r * columns + c];
}

NEURITE_AVX2
void neurite_pack_a_avx2(const float *a, long lda, int transposed, float alpha, long rows, long depth,
                         float *packed) {
    const __m256 scale = _mm256_set1_ps(alpha);
    for (long panel = 0; panel * 6 < rows; panel++) {
        float *out = packed + panel * depth * 6;
        const long r0 = panel * 6;
        const long valid = rows - r0 < 6 ? rows - r0 : 6;
        long p = 0;
        if (valid == 6 && !transposed) {
            // Eight depths of six rows at a time: transpose (two rows of zeros) and store 6 of 8.
            for (; p + 8 <= depth; p += 8) {
                __m256 r[8];
                for (int i = 0; i < 6; i++) r[i] = _mm256_mul_ps(scale, _mm256_loadu_ps(a + (r0 + i) * lda + p));
                r[6] = r[7] = _mm256_setzero_ps();
                transpose8x8(r);
                // r[q] holds depth p + q of the six rows (and two zeros): eight-wide stores whose
                // last two lanes the next depth overwrites, and 4 + 2 for the last, which must
                // not write past the panel.
                for (int q = 0; q < 7; q++) _mm256_storeu_ps(out + (p + q) * 6, r[q]);
                _mm_storeu_ps(out + (p + 7) * 6, _mm256_castps256_ps128(r[7]));
                _mm_storel_pi((__m64 *)(out + (p + 7) * 6 + 4), _mm256_extractf128_ps(r[7], 1));
            }
        } else if (valid == 6) {
            // Stored transposed, a panel's six rows at depth p are six consecutive floats: 4 + 2,
            // so that nothing past the sixth is read.
            const __m128 scale4 = _mm256_castps256_ps128(scale);
            for (; p < depth; p++) {
                const float *source = a + p * lda + r0;
                const __m128 low = _mm_mul_ps(scale4, _mm_loadu_ps(source));
                const __m128 high = _mm_mul_ps(scale4, _mm_castpd_ps(_mm_load_sd((const double *)(source + 4))));
                _mm_storeu_ps(out + p * 6, low);
                _mm_storel_pi((__m64 *)(out + p * 6 + 4), high);
            }
        }
        for (; p < depth; p++) {
            for (long i = 0; i < 6; i++) {
                const float value = i < valid ? (transposed ? a[p * lda + r0 + i] : a[(r0 + i) * lda + p]) : 0.0f;
                out[p * 6 + i] = alpha * value;
            }
        }
    }
}

NEURITE_AVX2
void neurite_pack_b_avx2(const float *b, long ldb, int transposed, long depth, long columns, float *packed) {
    long p = 0;
    if (columns == 16) {
        if (transposed) {
            // Rows of b are columns of the panel: transpose 8×8 blocks of the two groups of 8 rows.
            for (; p + 8 <= depth; p += 8) {
                __m256 low[8], high[8];
                for (int j = 0; j < 8; j++) {
                    low[j] = _mm256_loadu_ps(b + j * ldb + p);
                    high[j] = _mm256_loadu_ps(b + (j + 8) * ldb + p);
                }
                transpose8x8(low);
                transpose8x8(high);
                for (int q = 0; q < 8; q++) {
                    _mm256_storeu_ps(packed + (p + q) * 16, low[q]);
                    _mm256_storeu_ps(packed + (p + q) * 16 + 8, high[q]);
                }
            }
        } else {
            for (; p < depth; p++) {
                _mm256_storeu_ps(packed + p * 16, _mm256_loadu_ps(b + p * ldb));
                _mm256_storeu_ps(packed + p * 16 + 8, _mm256_loadu_ps(b + p * ldb + 8));
            }
        }
    }
    for (; p < depth; p++) {
        for (long j = 0; j < 16; j++) {
            packed[p * 16 + j] = j < columns ? (transposed ? b[j * ldb + p] : b[p * ldb + j]) : 0.0f;
        }
    }
}

#else

void neurite_transpose_avx2(const float *in, long rows, long columns, float *out) {
    neurite_transpose_portable(in, rows, columns, out);
}
void neurite_pack_a_avx2(const float *a, long lda, int transposed, float alpha, long rows, long depth,
                         float *packed) {
    neurite_pack_a_portable(a, lda, transposed, alpha, rows, depth, packed);
}
void neurite_pack_b_avx2(const float *b, long ldb, int transposed, long depth, long columns, float *packed) {
    neurite_pack_b_portable(b, ldb, transposed, depth, columns, packed);
}

#endif
