// The window scan of max pooling, in C for two reasons: `__builtin_unpredictable`, which keeps
// the compiler from turning the data-dependent selection into a branch (Swift's optimiser does,
// and in random data that branch misses about half the time), and the AVX2 build, whose blend
// instructions make a float selection without one (SSE2 has none, so the compiler branches).
#include "CNeuriteSIMD.h"

#ifndef __has_builtin
#define __has_builtin(x) 0
#endif
#if __has_builtin(__builtin_unpredictable)
#define NEURITE_UNPREDICTABLE(x) __builtin_unpredictable(x)
#else
#define NEURITE_UNPREDICTABLE(x) (x)
#endif

#if defined(__x86_64__)
#include <immintrin.h>
#define NEURITE_AVX2 __attribute__((target("avx2,fma")))
#endif

static inline void max_pool_plane(const float *plane, long width, long outputs_y, const long *first_y, const long *count_y,
                                  long step_y, long outputs_x, const long *first_x, const long *count_x, long step_x,
                                  float *out, int *indices) {
    for (long r = 0; r < outputs_y; r++) {
        for (long c = 0; c < outputs_x; c++) {
            float best = -__builtin_inff();
            long index = -1;
            long line = first_y[r] * width + first_x[c];
            for (long i = 0; i < count_y[r]; i++, line += step_y * width) {
                long offset = line;
                for (long j = 0; j < count_x[c]; j++, offset += step_x) {
                    float value = plane[offset];
                    // PyTorch's rule: a larger value, or NaN, replaces the maximum.
                    int take = (value > best) | (value != value);
                    best = NEURITE_UNPREDICTABLE(take) ? value : best;
                    index = NEURITE_UNPREDICTABLE(take) ? offset : index;
                }
            }
            *out++ = best;
            *indices++ = (int)index;
        }
    }
}

#if defined(__x86_64__)
/// Eight outputs of one row at a time: the taps gathered, and the maximum and its offset chosen
/// with blends (no branch). Blocks whose windows differ in width (clipped by padding) go through
/// the scalar scan, which keeps the same rule.
NEURITE_AVX2 void neurite_max_pool_plane_avx2(const float *plane, long width, long outputs_y, const long *first_y,
                                              const long *count_y, long step_y, long outputs_x, const long *first_x,
                                              const long *count_x, long step_x, float *out, int *indices) {
    const long lanes = outputs_x < 8 ? outputs_x : 8;
    for (long r = 0; r < outputs_y; r++) {
        float *row_out = out + r * outputs_x;
        int *row_indices = indices + r * outputs_x;
        for (long c = 0; c < outputs_x; c += 8) {
            // The last block overlaps the one before it rather than running short; a row of
            // fewer than eight outputs repeats its last window in the unused lanes.
            const long b = c + 8 <= outputs_x ? c : outputs_x - lanes;
            int first[8], uniform = 1;
            for (int t = 0; t < 8; t++) {
                const long lane = b + (t < lanes ? t : lanes - 1);
                first[t] = (int)first_x[lane];
                uniform &= count_x[lane] == count_x[b];
            }
            if (!uniform) {
                max_pool_plane(plane, width, 1, first_y + r, count_y + r, step_y, lanes, first_x + b, count_x + b, step_x,
                               row_out + b, row_indices + b);
                continue;
            }
            const __m256i firsts = _mm256_loadu_si256((const __m256i *)first);
            __m256 best = _mm256_set1_ps(-__builtin_inff());
            __m256 index = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
            long line = first_y[r] * width;
            // The common 2-wide, stride-2 window: two loads and a shuffle instead of gathers.
            const int pairs = count_x[b] == 2 && step_x == 1 && first[lanes - 1] - first[0] == 2 * (lanes - 1);
            // A row of fewer than eight outputs loads only its 2·lanes inputs (masked), never past them.
            const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
            const __m256i low_mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(2 * lanes < 8 ? 2 * lanes : 8)), iota);
            const __m256i high_mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(2 * lanes - 8)), iota);
            for (long i = 0; i < count_y[r]; i++, line += step_y * width) {
                if (pairs) {
                    const float *source = plane + line + first[0];
                    const __m256 low = lanes == 8 ? _mm256_loadu_ps(source) : _mm256_maskload_ps(source, low_mask);
                    const __m256 high = lanes == 8 ? _mm256_loadu_ps(source + 8) : _mm256_maskload_ps(source + 8, high_mask);
                    // [a0 a2 b0 b2 | a4 a6 b4 b6] → [a0 a2 a4 a6 b0 b2 b4 b6], and the odd ones alike.
                    const __m256 even = _mm256_castpd_ps(
                        _mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(low, high, _MM_SHUFFLE(2, 0, 2, 0))), 0xD8));
                    const __m256 odd = _mm256_castpd_ps(
                        _mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(low, high, _MM_SHUFFLE(3, 1, 3, 1))), 0xD8));
                    const __m256i at = _mm256_add_epi32(firsts, _mm256_set1_epi32((int)line));
                    __m256 take = _mm256_or_ps(_mm256_cmp_ps(even, best, _CMP_GT_OQ), _mm256_cmp_ps(even, even, _CMP_UNORD_Q));
                    best = _mm256_blendv_ps(best, even, take);
                    index = _mm256_blendv_ps(index, _mm256_castsi256_ps(at), take);
                    take = _mm256_or_ps(_mm256_cmp_ps(odd, best, _CMP_GT_OQ), _mm256_cmp_ps(odd, odd, _CMP_UNORD_Q));
                    best = _mm256_blendv_ps(best, odd, take);
                    index = _mm256_blendv_ps(index, _mm256_castsi256_ps(_mm256_add_epi32(at, _mm256_set1_epi32(1))), take);
                    continue;
                }
                for (long j = 0; j < count_x[b]; j++) {
                    const __m256i offsets = _mm256_add_epi32(firsts, _mm256_set1_epi32((int)(line + j * step_x)));
                    const __m256 value = _mm256_i32gather_ps(plane, offsets, 4);
                    // PyTorch's rule: a larger value, or NaN, replaces the maximum.
                    const __m256 take =
                        _mm256_or_ps(_mm256_cmp_ps(value, best, _CMP_GT_OQ), _mm256_cmp_ps(value, value, _CMP_UNORD_Q));
                    best = _mm256_blendv_ps(best, value, take);
                    index = _mm256_blendv_ps(index, _mm256_castsi256_ps(offsets), take);
                }
            }
            float values[8];
            int offsets[8];
            _mm256_storeu_ps(values, best);
            _mm256_storeu_si256((__m256i *)offsets, _mm256_castps_si256(index));
            for (long t = 0; t < lanes; t++) {
                row_out[b + t] = values[t];
                row_indices[b + t] = offsets[t];
            }
        }
    }
}

/// Splits eight 2-wide windows of one row (16 inputs from `source`) into their first and second
/// taps. With `lanes` below 8, only the first `2·lanes` inputs are read (masked loads).
NEURITE_AVX2 static inline void split_pairs(const float *source, long lanes, __m256 *even, __m256 *odd) {
    __m256 low, high;
    if (lanes == 8) {
        low = _mm256_loadu_ps(source);
        high = _mm256_loadu_ps(source + 8);
    } else {
        const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
        low = _mm256_maskload_ps(source, _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(2 * lanes)), iota));
        high = _mm256_maskload_ps(source + 8, _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(2 * lanes - 8)), iota));
    }
    // [a0 a2 b0 b2 | a4 a6 b4 b6] → [a0 a2 a4 a6 b0 b2 b4 b6], and the odd ones alike.
    *even = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(low, high, _MM_SHUFFLE(2, 0, 2, 0))), 0xD8));
    *odd = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(low, high, _MM_SHUFFLE(3, 1, 3, 1))), 0xD8));
}

/// One tap of eight windows in scan order: PyTorch's rule, a larger value or NaN replaces the maximum.
NEURITE_AVX2 static inline void take_tap(__m256 value, __m256i at, __m256 *best, __m256 *index) {
    const __m256 take = _mm256_or_ps(_mm256_cmp_ps(value, *best, _CMP_GT_OQ), _mm256_cmp_ps(value, value, _CMP_UNORD_Q));
    *best = _mm256_blendv_ps(*best, value, take);
    *index = _mm256_blendv_ps(*index, _mm256_castsi256_ps(at), take);
}

NEURITE_AVX2 void neurite_max_pool_2x2_avx2(const float *input, long planes, long height, long width, long outputs_y, long outputs_x,
                                           float *out, int *indices) {
    const __m256i even_offsets = _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14);
    // A row of fewer than eight outputs is one masked block.
    const long lanes = outputs_x < 8 ? outputs_x : 8;
    const __m256i store_mask = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)lanes), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
    for (long p = 0; p < planes; p++) {
        const float *plane = input + p * height * width;
        float *plane_out = out + p * outputs_y * outputs_x;
        int *plane_indices = indices + p * outputs_y * outputs_x;
        // The plane after next asked into the cache: the masked loads of short rows (fewer than
        // eight windows) leave the hardware prefetcher behind, and the input usually comes from
        // memory (a convolution's whole output).
        if (p + 2 < planes)
            for (long at = 0; at < height * width; at += 16) __builtin_prefetch(plane + 2 * height * width + at);
        for (long r = 0; r < outputs_y; r++) {
            const long top = 2 * r * width;
            for (long c = 0; c < outputs_x; c += 8) {
                // The last block overlaps the one before it rather than running short.
                const long b = c + 8 <= outputs_x ? c : outputs_x - lanes;
                __m256 top_even, top_odd, bottom_even, bottom_odd;
                split_pairs(plane + top + 2 * b, lanes, &top_even, &top_odd);
                split_pairs(plane + top + width + 2 * b, lanes, &bottom_even, &bottom_odd);
                const __m256i at = _mm256_add_epi32(even_offsets, _mm256_set1_epi32((int)(top + 2 * b)));
                __m256 best = _mm256_set1_ps(-__builtin_inff());
                __m256 index = _mm256_castsi256_ps(_mm256_set1_epi32(-1));
                take_tap(top_even, at, &best, &index);
                take_tap(top_odd, _mm256_add_epi32(at, _mm256_set1_epi32(1)), &best, &index);
                take_tap(bottom_even, _mm256_add_epi32(at, _mm256_set1_epi32((int)width)), &best, &index);
                take_tap(bottom_odd, _mm256_add_epi32(at, _mm256_set1_epi32((int)width + 1)), &best, &index);
                if (lanes == 8) {
                    _mm256_storeu_ps(plane_out + r * outputs_x + b, best);
                    _mm256_storeu_si256((__m256i *)(plane_indices + r * outputs_x + b), _mm256_castps_si256(index));
                } else {
                    _mm256_maskstore_ps(plane_out + r * outputs_x + b, store_mask, best);
                    _mm256_maskstore_epi32(plane_indices + r * outputs_x + b, store_mask, _mm256_castps_si256(index));
                }
            }
        }
    }
}
#else
void neurite_max_pool_plane_avx2(const float *plane, long width, long outputs_y, const long *first_y, const long *count_y,
                                 long step_y, long outputs_x, const long *first_x, const long *count_x, long step_x,
                                 float *out, int *indices) {
    max_pool_plane(plane, width, outputs_y, first_y, count_y, step_y, outputs_x, first_x, count_x, step_x, out, indices);
}
#endif

#if !defined(__x86_64__)
void neurite_max_pool_2x2_avx2(const float *input, long planes, long height, long width, long outputs_y, long outputs_x,
                               float *out, int *indices) {
    // Only called on x86-64 (the caller checks for AVX2); the scalar scan keeps the symbol linkable.
    for (long p = 0; p < planes; p++) {
        for (long r = 0; r < outputs_y; r++) {
            for (long c = 0; c < outputs_x; c++) {
                const float *plane = input + p * height * width;
                float best = -__builtin_inff();
                long index = -1;
                for (long i = 0; i < 2; i++) {
                    for (long j = 0; j < 2; j++) {
                        long offset = (2 * r + i) * width + 2 * c + j;
                        float value = plane[offset];
                        int take = (value > best) | (value != value);
                        best = NEURITE_UNPREDICTABLE(take) ? value : best;
                        index = NEURITE_UNPREDICTABLE(take) ? offset : index;
                    }
                }
                out[(p * outputs_y + r) * outputs_x + c] = best;
                indices[(p * outputs_y + r) * outputs_x + c] = (int)index;
            }
        }
    }
}
#endif

void neurite_max_pool_plane_portable(const float *plane, long width, long outputs_y, const long *first_y, const long *count_y,
                                     long step_y, long outputs_x, const long *first_x, const long *count_x, long step_x,
                                     float *out, int *indices) {
    max_pool_plane(plane, width, outputs_y, first_y, count_y, step_y, outputs_x, first_x, count_x, step_x, out, indices);
}

/// Zeros what no 2×2 window of a plane covers: the columns past 2·outputs_x of the rows the
/// windows span, and the rows past 2·outputs_y.
static inline void clear_outside_windows(float *plane, long height, long width, long outputs_y, long outputs_x) {
    for (long y = 0; y < 2 * outputs_y; y++)
        for (long x = 2 * outputs_x; x < width; x++) plane[y * width + x] = 0.0f;
    for (long y = 2 * outputs_y; y < height; y++)
        for (long x = 0; x < width; x++) plane[y * width + x] = 0.0f;
}

#if defined(__x86_64__)
/// Eight windows' gradients on one row of outputs, from `c`: the four taps of each chosen by
/// comparing the stored position, interleaved back into two input rows of sixteen.
/// With `lanes` below 8, only that many windows are read and their 2·lanes columns written (masked
/// loads and stores: a row of fewer than eight windows).
NEURITE_AVX2 __attribute__((always_inline)) static inline void unpool_2x2_lanes(const float *g, const int *at, long base, long width,
                                                                                long c, long lanes, float *top, float *bottom) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i read = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)lanes), lane);
    const __m256 value = _mm256_add_ps(_mm256_setzero_ps(), lanes == 8 ? _mm256_loadu_ps(g + c) : _mm256_maskload_ps(g + c, read));
    const __m256i index = lanes == 8 ? _mm256_loadu_si256((const __m256i *)(at + c)) : _mm256_maskload_epi32(at + c, read);
    const __m256i left = _mm256_add_epi32(_mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14), _mm256_set1_epi32((int)(base + 2 * c)));
    const __m256i below = _mm256_add_epi32(left, _mm256_set1_epi32((int)width));
    const __m256i one = _mm256_set1_epi32(1);
    const __m256 zero = _mm256_setzero_ps();
    const __m256 a = _mm256_blendv_ps(zero, value, _mm256_castsi256_ps(_mm256_cmpeq_epi32(index, left)));
    const __m256 b = _mm256_blendv_ps(zero, value, _mm256_castsi256_ps(_mm256_cmpeq_epi32(index, _mm256_add_epi32(left, one))));
    const __m256 d = _mm256_blendv_ps(zero, value, _mm256_castsi256_ps(_mm256_cmpeq_epi32(index, below)));
    const __m256 e = _mm256_blendv_ps(zero, value, _mm256_castsi256_ps(_mm256_cmpeq_epi32(index, _mm256_add_epi32(below, one))));
    // [a0 b0 a1 b1 | a4 b4 a5 b5] and [a2 b2 a3 b3 | a6 b6 a7 b7] → a0 b0 … a7 b7.
    const __m256 top_low = _mm256_unpacklo_ps(a, b), top_high = _mm256_unpackhi_ps(a, b);
    const __m256 bottom_low = _mm256_unpacklo_ps(d, e), bottom_high = _mm256_unpackhi_ps(d, e);
    if (lanes == 8) {
        _mm256_storeu_ps(top + 2 * c, _mm256_permute2f128_ps(top_low, top_high, 0x20));
        _mm256_storeu_ps(top + 2 * c + 8, _mm256_permute2f128_ps(top_low, top_high, 0x31));
        _mm256_storeu_ps(bottom + 2 * c, _mm256_permute2f128_ps(bottom_low, bottom_high, 0x20));
        _mm256_storeu_ps(bottom + 2 * c + 8, _mm256_permute2f128_ps(bottom_low, bottom_high, 0x31));
        return;
    }
    const __m256i first = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(2 * lanes)), lane);
    const __m256i second = _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(2 * lanes - 8)), lane);
    _mm256_maskstore_ps(top + 2 * c, first, _mm256_permute2f128_ps(top_low, top_high, 0x20));
    _mm256_maskstore_ps(top + 2 * c + 8, second, _mm256_permute2f128_ps(top_low, top_high, 0x31));
    _mm256_maskstore_ps(bottom + 2 * c, first, _mm256_permute2f128_ps(bottom_low, bottom_high, 0x20));
    _mm256_maskstore_ps(bottom + 2 * c + 8, second, _mm256_permute2f128_ps(bottom_low, bottom_high, 0x31));
}

/// `neurite_max_unpool_2x2` with the windows eight at a time. A row of fewer than eight windows
/// (7 after a 14×14 convolution) is read and written with whole vectors too: the extra lanes read
/// the next row's values and write columns past the row's end, which this call writes again
/// afterwards (it writes its planes in address order, each row before the next, and clears what
/// no window covers after a plane's windows). Only where a whole vector would reach
/// past the call's own planes (the last rows) are the loads and stores masked.
NEURITE_AVX2 static void unpool_2x2_avx2(const float *gradient, const int *indices, long planes, long height, long width,
                                         long outputs_y, long outputs_x, float *out) {
    const long outputs_plane = outputs_y * outputs_x, all_windows = planes * outputs_plane, all_inputs = planes * height * width;
    for (long p = 0; p < planes; p++) {
        const float *g = gradient + p * outputs_plane;
        const int *at = indices + p * outputs_plane;
        float *plane = out + p * height * width;
        for (long r = 0; r < outputs_y; r++) {
            float *top = plane + 2 * r * width, *bottom = top + width;
            const long base = 2 * r * width;
            const float *gradient_row = g + r * outputs_x;
            const int *index_row = at + r * outputs_x;
            long c = 0;
            for (; c + 8 <= outputs_x; c += 8) unpool_2x2_lanes(gradient_row, index_row, base, width, c, 8, top, bottom);
            if (c < outputs_x) {
                // The rest: a block that overlaps the one before (writing the same values again),
                // or, in a row of fewer than eight windows, a whole or a masked one.
                const long window = p * outputs_plane + r * outputs_x, input = p * height * width + base + width;
                if (outputs_x >= 8)
                    unpool_2x2_lanes(gradient_row, index_row, base, width, outputs_x - 8, 8, top, bottom);
                else if (window + 8 <= all_windows && input + 16 <= all_inputs)
                    unpool_2x2_lanes(gradient_row, index_row, base, width, 0, 8, top, bottom);
                else
                    unpool_2x2_lanes(gradient_row, index_row, base, width, 0, outputs_x, top, bottom);
            }
        }
        clear_outside_windows(plane, height, width, outputs_y, outputs_x);
    }
}

#endif

void neurite_max_unpool_2x2(const float *gradient, const int *indices, long planes, long height, long width, long outputs_y,
                            long outputs_x, int vectorised, float *out) {
#if defined(__x86_64__)
    if (vectorised) {
        unpool_2x2_avx2(gradient, indices, planes, height, width, outputs_y, outputs_x, out);
        return;
    }
#else
    (void)vectorised;
#endif
    for (long p = 0; p < planes; p++) {
        const float *g = gradient + p * outputs_y * outputs_x;
        const int *at = indices + p * outputs_y * outputs_x;
        float *plane = out + p * height * width;
        for (long r = 0; r < outputs_y; r++) {
            float *top = plane + 2 * r * width, *bottom = top + width;
            const long base = 2 * r * width;
            for (long c = 0; c < outputs_x; c++) {
                // 0 + g, as zeroing and adding gives (−0 becomes +0).
                const float value = 0.0f + g[r * outputs_x + c];
                const long index = at[r * outputs_x + c], left = base + 2 * c;
                top[2 * c] = index == left ? value : 0.0f;
                top[2 * c + 1] = index == left + 1 ? value : 0.0f;
                bottom[2 * c] = index == left + width ? value : 0.0f;
                bottom[2 * c + 1] = index == left + width + 1 ? value : 0.0f;
            }
        }
        clear_outside_windows(plane, height, width, outputs_y, outputs_x);
    }
}
