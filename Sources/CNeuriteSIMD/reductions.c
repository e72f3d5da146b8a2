// Reductions: sums in double precision and maxima/minima that propagate NaN.
#include "CNeuriteSIMD.h"
#include <math.h>

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define NEURITE_AVX2 __attribute__((target("avx2,fma")))
#endif

/// Σ x[i] accumulated in double: sixteen partial sums combined in a fixed order at the end.
static inline double sum_double(const float *x, long n) {
    double lanes[16] = {0};
    long i = 0;
    for (; i + 16 <= n; i += 16)
        for (int l = 0; l < 16; l++) lanes[l] += (double)x[i + l];
    for (; i < n; i++) lanes[i & 15] += (double)x[i];
    for (int width = 8; width >= 1; width /= 2)
        for (int l = 0; l < width; l++) lanes[l] += lanes[l + width];
    return lanes[0];
}

/// accumulator[j] += x[r·stride + j] for every row r < rows and column j < columns.
static inline void accumulate_rows(const float *x, long rows, long columns, long stride, double *accumulator) {
    for (long r = 0; r < rows; r++) {
        const float *row = x + r * stride;
        for (long j = 0; j < columns; j++) accumulator[j] += (double)row[j];
    }
}

/// out[j] = the larger (or smaller) of out[j] and x[r·stride + j] over the rows; NaN wins.
static inline void extremum_rows(const float *x, long rows, long columns, long stride, float *out, int maximum) {
    for (long r = 0; r < rows; r++) {
        const float *row = x + r * stride;
        for (long j = 0; j < columns; j++) {
            const float v = row[j], o = out[j];
            const int better = maximum ? v > o : v < o;
            out[j] = (better || v != v) ? v : o;
        }
    }
}

/// The largest (or smallest) of x[0..<n], n ≥ 1; NaN if any element is NaN.
static inline float extremum_portable(const float *x, long n, int maximum) {
    float best = x[0];
    int nan = 0;
    for (long i = 0; i < n; i++) {
        const float v = x[i];
        nan |= v != v;
        best = (maximum ? v > best : v < best) ? v : best;
    }
    return nan ? NAN : best;
}

double neurite_sum_portable(const float *x, long n) { return sum_double(x, n); }
/// Whether every element is finite: an element is ±∞ or NaN when its exponent bits are all set.
/// Branch-free over blocks of 1,024 (vectorised), leaving at the first block with one.
static inline int all_finite(const float *x, long n) {
    for (long start = 0; start < n; start += 1024) {
        const long end = n - start < 1024 ? n : start + 1024;
        unsigned int special = 0;
        for (long i = start; i < end; i++) {
            unsigned int bits;
            memcpy(&bits, x + i, sizeof bits);
            special |= (bits & 0x7f800000u) == 0x7f800000u;
        }
        if (special) return 0;
    }
    return 1;
}

int neurite_all_finite_portable(const float *x, long n) { return all_finite(x, n); }
void neurite_accumulate_rows_portable(const float *x, long rows, long columns, long stride, double *accumulator) {
    accumulate_rows(x, rows, columns, stride, accumulator);
}
void neurite_extremum_rows_portable(const float *x, long rows, long columns, long stride, float *out, int maximum) {
    extremum_rows(x, rows, columns, stride, out, maximum);
}
float neurite_extremum_portable(const float *x, long n, int maximum) { return extremum_portable(x, n, maximum); }

#if defined(__x86_64__)

NEURITE_AVX2 double neurite_sum_avx2(const float *x, long n) { return sum_double(x, n); }
NEURITE_AVX2 int neurite_all_finite_avx2(const float *x, long n) { return all_finite(x, n); }
NEURITE_AVX2 void neurite_accumulate_rows_avx2(const float *x, long rows, long columns, long stride, double *accumulator) {
    accumulate_rows(x, rows, columns, stride, accumulator);
}
NEURITE_AVX2 void neurite_extremum_rows_avx2(const float *x, long rows, long columns, long stride, float *out, int maximum) {
    extremum_rows(x, rows, columns, stride, out, maximum);
}

NEURITE_AVX2 float neurite_extremum_avx2(const float *x, long n, int maximum) {
    if (n < 32) return extremum_portable(x, n, maximum);
    __m256 best[4], nan = _mm256_setzero_ps();
    // max_ps/min_ps return their second operand when either is NaN, so NaN is tracked apart.
    for (int l = 0; l < 4; l++) {
        best[l] = _mm256_loadu_ps(x + 8 * l);
        nan = _mm256_or_ps(nan, _mm256_cmp_ps(best[l], best[l], _CMP_UNORD_Q));
    }
    long i = 32;
    for (; i + 32 <= n; i += 32) {
        for (int l = 0; l < 4; l++) {
            const __m256 v = _mm256_loadu_ps(x + i + 8 * l);
            nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
            best[l] = maximum ? _mm256_max_ps(best[l], v) : _mm256_min_ps(best[l], v);
        }
    }
    float lanes[32];
    for (int l = 0; l < 4; l++) _mm256_storeu_ps(lanes + 8 * l, best[l]);
    float result = extremum_portable(lanes, 32, maximum);
    if (i < n) {
        const float tail = extremum_portable(x + i, n - i, maximum);
        result = tail != tail ? tail : ((maximum ? tail > result : tail < result) ? tail : result);
    }
    return _mm256_movemask_ps(nan) ? NAN : result;
}

#else

double neurite_sum_avx2(const float *x, long n) { return sum_double(x, n); }
int neurite_all_finite_avx2(const float *x, long n) { return all_finite(x, n); }
void neurite_accumulate_rows_avx2(const float *x, long rows, long columns, long stride, double *accumulator) {
    accumulate_rows(x, rows, columns, stride, accumulator);
}
void neurite_extremum_rows_avx2(const float *x, long rows, long columns, long stride, float *out, int maximum) {
    extremum_rows(x, rows, columns, stride, out, maximum);
}
float neurite_extremum_avx2(const float *x, long n, int maximum) { return extremum_portable(x, n, maximum); }

#endif
