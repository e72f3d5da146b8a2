// The transforms of Winograd's minimal filtering F(2×2, 3×3) (Lavin & Gray, 2016): a 3×3
// convolution with stride 1 computed on 2×2 output tiles, each from a 4×4 input tile, with 16
// products per tile and channel pair instead of 36. With
//
//     Bᵀ = | 1  0 -1  0 |     G = | 1    0    0   |     Aᵀ = | 1  1  1  0 |
//          | 0  1  1  0 |         | 1/2  1/2  1/2 |          | 0  1 -1 -1 |
//          | 0 -1  1  0 |         | 1/2 -1/2  1/2 |
//          | 0  1  0 -1 |         | 0    0    1   |
//
// a tile's output is Y = Aᵀ [Σ_c (G g_c Gᵀ) ⊙ (Bᵀ d_c B)] A. The sums over channels are 16 matrix
// products (one per element ξ of the 4×4 transformed tile), which the caller runs with its GEMM;
// these functions do the input and output transforms around them. Both work a row of tiles at
// a time on contiguous vectors, so the compiler vectorises them (the input plane is split into
// its even and odd columns first, which makes the column transform contiguous too).
#include "CNeuriteSIMD.h"

// The vector helpers are always inlined, so no vector crosses a function boundary in the portable
// build, whose ABI for 32-byte vectors differs.
#pragma clang diagnostic ignored "-Wpsabi"


#if defined(__x86_64__)
#include <immintrin.h>
#define NEURITE_AVX2 __attribute__((target("avx2,fma")))
#endif

/// Eight floats: tiles j … j + 7 of a row of tiles (clang's vector extension; AVX registers in
/// the AVX2 build, pairs of SSE registers in the portable one).
typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4)));

__attribute__((always_inline)) static inline v8 load8(const float *p) { return *(const v8u *)p; }
__attribute__((always_inline)) static inline void store8(float *p, v8 v) { *(v8u *)p = v; }

/// Tile slots per row of tiles: tiles_x rounded up to 8, so that a row of tiles is whole vectors.
__attribute__((always_inline)) static inline long slots_per_row(long tiles_x) { return (tiles_x + 7) & ~7L; }

/// `plane` (`height` × `width`), moved down by `pad_top` and right by `pad_left` with zeros
/// around, as `rows` rows split into their even and odd columns: even[r·span + k] =
/// padded[r][2k], odd[r·span + k] = padded[r][2k + 1], for k < span (a multiple of 8). The whole
/// plane is laid out in `padded` (rows × 2·span floats) before any of it is split, so the vector
/// loads of the split do not wait on the narrower stores that wrote it (a store-forwarding stall).
__attribute__((always_inline)) static inline void split_plane(const float *plane, long height, long width, long pad_top, long pad_left,
                                                               long rows, long span, float *padded, float *even, float *odd) {
    const v8 zero = {0, 0, 0, 0, 0, 0, 0, 0};
    const long count = width < 2 * span - pad_left ? width : 2 * span - pad_left;
    for (long r = 0; r < rows; r++) {
        float *row = padded + r * 2 * span;
        for (long x = 0; x < 2 * span; x += 8) store8(row + x, zero);
        const long y = r - pad_top;
        if (y >= 0 && y < height)
            for (long x = 0; x < count; x++) row[pad_left + x] = plane[y * width + x];
    }
    for (long r = 0; r < rows; r++) {
        const float *row = padded + r * 2 * span;
        for (long k = 0; k < span; k += 8) {
            const v8 a = load8(row + 2 * k), b = load8(row + 2 * k + 8);
            store8(even + r * span + k, __builtin_shufflevector(a, b, 0, 2, 4, 6, 8, 10, 12, 14));
            store8(odd + r * span + k, __builtin_shufflevector(a, b, 1, 3, 5, 7, 9, 11, 13, 15));
        }
    }
}

/// The signature both versions of the split share.
typedef void (*split_function)(const float *plane, long height, long width, long pad_top, long pad_left, long rows, long span,
                               float *padded, float *even, float *odd);

/// `split_plane` without the padded copy, whose narrow stores the split's wide loads waited on:
/// each row's 2·span columns are read straight from the plane and split in registers — plain
/// loads with the lanes outside the row cleared where all 16 columns lie inside the plane (the
/// hardware prefetcher follows them; masked loads are slower), masked loads at the plane's edges,
/// zeros without a load past the row's end. The same values. `padded` is not used.
#if defined(__x86_64__)
NEURITE_AVX2 static void split_plane_avx2(const float *plane, long height, long width, long pad_top, long pad_left, long rows,
                                          long span, float *padded, float *even, float *odd) {
    (void)padded;
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7), zero = _mm256_setzero_si256();
    const __m256i limit = _mm256_set1_epi32((int)width);
    for (long r = 0; r < rows; r++) {
        float *even_row = even + r * span, *odd_row = odd + r * span;
        const long y = r - pad_top;
        if (y < 0 || y >= height) {
            for (long k = 0; k < span; k += 8) {
                _mm256_storeu_ps(even_row + k, _mm256_setzero_ps());
                _mm256_storeu_ps(odd_row + k, _mm256_setzero_ps());
            }
            continue;
        }
        const float *row = plane + y * width;
        for (long k = 0; k < span; k += 8) {
            // Padded columns 2k … 2k + 15 are the row's columns x … x + 15.
            const long x = 2 * k - pad_left;
            const __m256i low = _mm256_add_epi32(lane, _mm256_set1_epi32((int)x)), high = _mm256_add_epi32(low, _mm256_set1_epi32(8));
            const __m256i in_low = _mm256_andnot_si256(_mm256_cmpgt_epi32(zero, low), _mm256_cmpgt_epi32(limit, low));
            const __m256i in_high = _mm256_andnot_si256(_mm256_cmpgt_epi32(zero, high), _mm256_cmpgt_epi32(limit, high));
            __m256 a = _mm256_setzero_ps(), b = _mm256_setzero_ps();  // past the row's end: padding
            if (x < width && y * width + x >= 0 && y * width + x + 16 <= height * width) {
                // The lanes outside the row read its neighbours in the plane and are cleared.
                a = _mm256_and_ps(_mm256_loadu_ps(row + x), _mm256_castsi256_ps(in_low));
                b = _mm256_and_ps(_mm256_loadu_ps(row + x + 8), _mm256_castsi256_ps(in_high));
            } else if (x < width) {
                a = _mm256_maskload_ps(row + x, in_low);
                b = _mm256_maskload_ps(row + x + 8, in_high);
            }
            // [a0 a2 b0 b2 | a4 a6 b4 b6], then the middle 64-bit pairs swapped: a0 a2 a4 a6 b0 b2 b4 b6.
            const __m256 e = _mm256_shuffle_ps(a, b, 0x88), o = _mm256_shuffle_ps(a, b, 0xdd);
            _mm256_storeu_ps(even_row + k, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(e), 0xd8)));
            _mm256_storeu_ps(odd_row + k, _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(o), 0xd8)));
        }
    }
}
#endif

/// `split_plane` as a function, for the portable build's transforms.
static void split_plane_portable(const float *plane, long height, long width, long pad_top, long pad_left, long rows, long span,
                                 float *padded, float *even, float *odd) {
    split_plane(plane, height, width, pad_top, pad_left, rows, span, padded, even, odd);
}

/// Asks for plane `index` of `planes` (`size` floats each) to be brought into the cache, a line at
/// a time: the transforms read a plane's few short rows too briefly for the hardware prefetcher
/// to run ahead of them, and the planes they read were written by earlier layers and are seldom
/// still in this core's cache, so without this the split waited on each line.
__attribute__((always_inline)) static inline void prefetch_plane(const float *planes, long index, long count, long size) {
    if (index >= count) return;
    const float *plane = planes + index * size;
    for (long at = 0; at < size; at += 16) __builtin_prefetch(plane + at);
    __builtin_prefetch(plane + size - 1);
}

/// The input transform of one sample: for every channel c and tile (i, j), the 16 values of
/// Bᵀ d B, where d is the 4×4 patch whose top-left corner is input row 2i − pad_top, column
/// 2j − pad_left (zero outside the input), stored as column `first_slot + i·slots + j`
/// (slots = tiles_x rounded up to 8; the extra slots get finite values nothing reads), row c of
/// matrix ξ (`PanelMajor`, `channels` rows, matrices `matrix_stride` floats apart; `first_slot`
/// a multiple of 8). `scratch`: `neurite_winograd_scratch_count` floats.
__attribute__((always_inline)) static inline void input_transform(const float *sample, long channels, long height, long width,
                                                                   long pad_top, long pad_left, long tiles_y, long tiles_x,
                                                                   float *scratch, float *v, long matrix_stride, long first_slot,
                                                                   split_function split) {
    const long rows = 2 * tiles_y + 2, slots = slots_per_row(tiles_x), span = slots + 8;
    float *even = scratch, *odd = scratch + rows * span, *padded = odd + rows * span;
    for (long c = 0; c < channels; c++) {
        prefetch_plane(sample, c + 2, channels, height * width);
        split(sample + c * height * width, height, width, pad_top, pad_left, rows, span, padded, even, odd);
        for (long i = 0; i < tiles_y; i++) {
            for (long j = 0; j < slots; j += 8) {
                v8 d[4][4];
                for (long r = 0; r < 4; r++) {
                    const float *e = even + (2 * i + r) * span + j, *o = odd + (2 * i + r) * span + j;
                    d[r][0] = load8(e);
                    d[r][1] = load8(o);
                    d[r][2] = load8(e + 1);
                    d[r][3] = load8(o + 1);
                }
                v8 t[4][4];
                for (long s = 0; s < 4; s++) {  // Bᵀ on the rows
                    t[0][s] = d[0][s] - d[2][s];
                    t[1][s] = d[1][s] + d[2][s];
                    t[2][s] = d[2][s] - d[1][s];
                    t[3][s] = d[1][s] - d[3][s];
                }
                const long slot = first_slot + i * slots + j;
                float *target = v + (slot / 16) * 16 * channels + 16 * c + slot % 16;
                for (long k = 0; k < 4; k++) {  // B on the columns
                    store8(target + (4 * k + 0) * matrix_stride, t[k][0] - t[k][2]);
                    store8(target + (4 * k + 1) * matrix_stride, t[k][1] + t[k][2]);
                    store8(target + (4 * k + 2) * matrix_stride, t[k][2] - t[k][1]);
                    store8(target + (4 * k + 3) * matrix_stride, t[k][1] - t[k][3]);
                }
            }
        }
    }
}

/// A row of 16 values `low`, `high` written to — or, with `accumulate`, added to — columns
/// 0 … count − 1 of `target` (8 ≤ count ≤ 16) with two vector stores: columns 0 … 7 and
/// count − 8 … count − 1. Where they overlap both stores hold the same values (the same sums of the
/// same old values, all loaded before either store, so no load waits on a store that half
/// covers it). A loop over the columns had become a call to memcpy per row.
__attribute__((always_inline)) static inline void put_row(float *target, long count, v8 low, v8 high, int accumulate) {
    // Lane l of the second store is column count − 8 + l: from `low` below column 8, `high` from
    // it on (constant shuffles, one per count: count is the same for every row of a plane).
    v8 tail;
    switch (count) {
#define NEURITE_WINDOW(s) __builtin_shufflevector(low, high, s, s + 1, s + 2, s + 3, s + 4, s + 5, s + 6, s + 7)
    case 8: tail = low; break;
    case 9: tail = NEURITE_WINDOW(1); break;
    case 10: tail = NEURITE_WINDOW(2); break;
    case 11: tail = NEURITE_WINDOW(3); break;
    case 12: tail = NEURITE_WINDOW(4); break;
    case 13: tail = NEURITE_WINDOW(5); break;
    case 14: tail = NEURITE_WINDOW(6); break;
    case 15: tail = NEURITE_WINDOW(7); break;
    default: tail = high; break;
#undef NEURITE_WINDOW
    }
    float *at = target + count - 8;
    if (accumulate) {
        const v8 head = load8(target) + low;
        tail = load8(at) + tail;
        store8(target, head);
    } else {
        store8(target, low);
    }
    store8(at, tail);
}

/// The output transform of one sample: for every output channel o and tile (i, j), Aᵀ m A, where
/// m[ξ] is element (o, first_slot + i·slots + j) of row-major matrix ξ (`ldm` columns, matrices
/// `matrix_stride` floats apart), plus bias[o] (NULL: none), written — or added, with
/// `accumulate` — to rows 2i, 2i + 1 and columns 2j, 2j + 1 of `[out_channels][oh][ow]` where
/// they fall inside it.
__attribute__((always_inline)) static inline void output_transform(const float *m, long matrix_stride, long ldm, long first_slot,
                                                                    long out_channels, long tiles_y, long tiles_x, const float *bias,
                                                                    int accumulate, float *output, long oh, long ow) {
    const long slots = slots_per_row(tiles_x);
    for (long o = 0; o < out_channels; o++) {
        const v8 b = (v8){0, 0, 0, 0, 0, 0, 0, 0} + (bias ? bias[o] : 0.0f);
        float *plane = output + o * oh * ow;
        for (long i = 0; i < tiles_y; i++) {
            for (long j = 0; j < slots; j += 8) {
                const float *base = m + o * ldm + first_slot + i * slots + j;
                v8 s[2][4];
                for (long l = 0; l < 4; l++) {  // Aᵀ on the rows
                    const v8 m0 = load8(base + l * matrix_stride), m1 = load8(base + (4 + l) * matrix_stride);
                    const v8 m2 = load8(base + (8 + l) * matrix_stride), m3 = load8(base + (12 + l) * matrix_stride);
                    s[0][l] = m0 + m1 + m2;
                    s[1][l] = m1 - m2 - m3;
                }
                for (long a = 0; a < 2; a++) {  // A on the columns, then the pairs interleaved
                    const long y = 2 * i + a;
                    if (y >= oh) break;
                    const v8 left = s[a][0] + s[a][1] + s[a][2] + b, right = s[a][1] - s[a][2] - s[a][3] + b;
                    const v8 low = __builtin_shufflevector(left, right, 0, 8, 1, 9, 2, 10, 3, 11);
                    const v8 high = __builtin_shufflevector(left, right, 4, 12, 5, 13, 6, 14, 7, 15);
                    float *target = plane + y * ow + 2 * j;
                    const long count = ow - 2 * j < 16 ? ow - 2 * j : 16;
                    if (count >= 8) {
                        put_row(target, count, low, high, accumulate);
                    } else {
                        float values[8];
                        store8(values, low);
                        for (long x = 0; x < count; x++) target[x] = accumulate ? target[x] + values[x] : values[x];
                    }
                }
            }
        }
    }
}

/// The gradient transform of one sample, for the weight gradient: for every output channel o
/// and tile (i, j) of the upstream gradient `[out_channels][oh][ow]`, the 16 values of A g Aᵀ
/// (g the 2×2 tile at rows 2i, 2i + 1 and columns 2j, 2j + 1, zero outside — so the extra slots
/// are zeros), stored at (o, first_slot + i·slots + j) of row-major matrix ξ (`ldm` columns,
/// matrices `matrix_stride` floats apart). A pair (a, b) becomes (a, a + b, a − b, −b).
__attribute__((always_inline)) static inline void gradient_transform(const float *gradient, long out_channels, long oh, long ow,
                                                                      long tiles_y, long tiles_x, float *scratch, float *m,
                                                                      long matrix_stride, long ldm, long first_slot,
                                                                      split_function split) {
    const long rows = 2 * tiles_y, slots = slots_per_row(tiles_x), span = slots + 8;
    float *even = scratch, *odd = scratch + rows * span, *padded = odd + rows * span;
    for (long channel = 0; channel < out_channels; channel++) {
        prefetch_plane(gradient, channel + 2, out_channels, oh * ow);
        split(gradient + channel * oh * ow, oh, ow, 0, 0, rows, span, padded, even, odd);
        for (long i = 0; i < tiles_y; i++) {
            for (long j = 0; j < slots; j += 8) {
                const float *e = even + 2 * i * span + j, *o = odd + 2 * i * span + j;
                const v8 e0 = load8(e), e1 = load8(e + span), o0 = load8(o), o1 = load8(o + span);
                const v8 a[4] = {e0, e0 + e1, e0 - e1, -e1}, b[4] = {o0, o0 + o1, o0 - o1, -o1};
                float *target = m + channel * ldm + first_slot + i * slots + j;
                for (long k = 0; k < 4; k++) {
                    store8(target + (4 * k + 0) * matrix_stride, a[k]);
                    store8(target + (4 * k + 1) * matrix_stride, a[k] + b[k]);
                    store8(target + (4 * k + 2) * matrix_stride, a[k] - b[k]);
                    store8(target + (4 * k + 3) * matrix_stride, -b[k]);
                }
            }
        }
    }
}

long neurite_winograd_scratch_count(long tiles_y, long tiles_x) {
    // The split plane (even and odd halves, rows × span each) and the padded plane it is split
    // from (rows × 2·span), rows = 2·tiles_y + 2, span = slots + 8.
    return 4 * (2 * tiles_y + 2) * (slots_per_row(tiles_x) + 8);
}

#if defined(__x86_64__)
NEURITE_AVX2 void neurite_winograd_input_avx2(const float *sample, long channels, long height, long width, long pad_top,
                                              long pad_left, long tiles_y, long tiles_x, float *scratch, float *v,
                                              long matrix_stride, long first_slot) {
    input_transform(sample, channels, height, width, pad_top, pad_left, tiles_y, tiles_x, scratch, v, matrix_stride, first_slot,
                    split_plane_avx2);
}

NEURITE_AVX2 void neurite_winograd_output_avx2(const float *m, long matrix_stride, long ldm, long first_slot, long out_channels,
                                               long tiles_y, long tiles_x, const float *bias, int accumulate, float *output, long oh,
                                               long ow) {
    output_transform(m, matrix_stride, ldm, first_slot, out_channels, tiles_y, tiles_x, bias, accumulate, output, oh, ow);
}
NEURITE_AVX2 void neurite_winograd_gradient_avx2(const float *gradient, long out_channels, long oh, long ow, long tiles_y,
                                                 long tiles_x, float *scratch, float *m, long matrix_stride, long ldm, long first_slot) {
    gradient_transform(gradient, out_channels, oh, ow, tiles_y, tiles_x, scratch, m, matrix_stride, ldm, first_slot,
                       split_plane_avx2);
}
#else
void neurite_winograd_gradient_avx2(const float *gradient, long out_channels, long oh, long ow, long tiles_y, long tiles_x,
                                    float *scratch, float *m, long matrix_stride, long ldm, long first_slot) {
    gradient_transform(gradient, out_channels, oh, ow, tiles_y, tiles_x, scratch, m, matrix_stride, ldm, first_slot,
                       split_plane_portable);
}

void neurite_winograd_input_avx2(const float *sample, long channels, long height, long width, long pad_top, long pad_left,
                                 long tiles_y, long tiles_x, float *scratch, float *v, long matrix_stride, long first_slot) {
    input_transform(sample, channels, height, width, pad_top, pad_left, tiles_y, tiles_x, scratch, v, matrix_stride, first_slot,
                    split_plane_portable);
}

void neurite_winograd_output_avx2(const float *m, long matrix_stride, long ldm, long first_slot, long out_channels, long tiles_y,
                                  long tiles_x, const float *bias, int accumulate, float *output, long oh, long ow) {
    output_transform(m, matrix_stride, ldm, first_slot, out_channels, tiles_y, tiles_x, bias, accumulate, output, oh, ow);
}
#endif

void neurite_winograd_input_portable(const float *sample, long channels, long height, long width, long pad_top, long pad_left,
                                     long tiles_y, long tiles_x, float *scratch, float *v, long matrix_stride, long first_slot) {
    input_transform(sample, channels, height, width, pad_top, pad_left, tiles_y, tiles_x, scratch, v, matrix_stride, first_slot,
                    split_plane_portable);
}

void neurite_winograd_output_portable(const float *m, long matrix_stride, long ldm, long first_slot, long out_channels,
                                      long tiles_y, long tiles_x, const float *bias, int accumulate, float *output, long oh,
                                      long ow) {
    output_transform(m, matrix_stride, ldm, first_slot, out_channels, tiles_y, tiles_x, bias, accumulate, output, oh, ow);
}

void neurite_winograd_gradient_portable(const float *gradient, long out_channels, long oh, long ow, long tiles_y, long tiles_x,
                                        float *scratch, float *m, long matrix_stride, long ldm, long first_slot) {
    gradient_transform(gradient, out_channels, oh, ow, tiles_y, tiles_x, scratch, m, matrix_stride, ldm, first_slot,
                       split_plane_portable);
}
