// Direct convolution for shallow inputs — a first layer, where the unfolded depth C·kh·kw is 9 or
// 27 and a matrix product would spend more time packing than multiplying. Stride 1, dilation 1,
// one group; the input arrives zero-padded so that no tap needs a bounds check. Each output
// element is computed by one call in a fixed order, and the weight gradient sums over the batch
// in order, so results do not depend on how the caller splits the work across threads.
#include "CNeuriteSIMD.h"

#if defined(__x86_64__)
#include <immintrin.h>
#define NEURITE_AVX2 __attribute__((target("avx2,fma")))
#endif

/// out[o][y][x] = bias[o] + Σ_{c,i,j} weight[o][c][i][j] · padded[c][y + i][x + j] for one sample:
/// `padded` is [channels][ph][pw], `out` [out_channels][oh][ow], ph = oh + kh − 1, pw = ow + kw − 1.
static inline void direct_forward(const float *padded, long channels, long ph, long pw, const float *weight, long out_channels,
                                  long kh, long kw, const float *bias, long oh, long ow, float *out) {
    for (long o = 0; o < out_channels; o++) {
        const float *w = weight + o * channels * kh * kw;
        for (long y = 0; y < oh; y++) {
            float *row = out + (o * oh + y) * ow;
            const float start = bias ? bias[o] : 0.0f;
            for (long x = 0; x < ow; x++) row[x] = start;
            for (long c = 0; c < channels; c++)
                for (long i = 0; i < kh; i++)
                    for (long j = 0; j < kw; j++) {
                        const float tap = w[(c * kh + i) * kw + j];
                        const float *source = padded + (c * ph + y + i) * pw + j;
                        for (long x = 0; x < ow; x++) row[x] += tap * source[x];
                    }
        }
    }
}

/// The sum of eight partial sums in the fixed order ((l0 + l1) + (l2 + l3)) + ((l4 + l5) + (l6 + l7)),
/// which every weight-gradient path uses.
static inline float sum_of_lanes(const float *lane) {
    return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

/// weight_gradient[o][c][i][j] = Σ_{n,y,x} g[n][o][y][x] · padded[n][c][y + i][x + j] for output
/// channels first_out ..< end_out, over the whole batch in order. At most 64 taps (C·kh·kw).
static inline void direct_weight_gradient(const float *padded, long batch, long channels, long ph, long pw, const float *g,
                                          long out_channels, long first_out, long end_out, long kh, long kw, long oh, long ow,
                                          float *weight_gradient, float *bias_gradient) {
    const long taps = channels * kh * kw;
    for (long o = first_out; o < end_out; o++) {
        float lanes[64][8] = {{0}};
        float bias_lanes[8] = {0};
        for (long n = 0; n < batch; n++)
            for (long y = 0; y < oh; y++) {
                const float *gradient = g + ((n * out_channels + o) * oh + y) * ow;
                {
                    long x = 0;
                    for (; x + 8 <= ow; x += 8)
                        for (int t = 0; t < 8; t++) bias_lanes[t] += gradient[x + t];
                    for (int t = 0; x < ow; x++, t++) bias_lanes[t] += gradient[x];
                }
                for (long c = 0; c < channels; c++)
                    for (long i = 0; i < kh; i++)
                        for (long j = 0; j < kw; j++) {
                            const float *source = padded + ((n * channels + c) * ph + y + i) * pw + j;
                            float *lane = lanes[(c * kh + i) * kw + j];
                            long x = 0;
                            for (; x + 8 <= ow; x += 8)
                                for (int t = 0; t < 8; t++) lane[t] += gradient[x + t] * source[x + t];
                            for (int t = 0; x < ow; x++, t++) lane[t] += gradient[x] * source[x];
                        }
            }
        for (long tap = 0; tap < taps; tap++) weight_gradient[o * taps + tap] = sum_of_lanes(lanes[tap]);
        if (bias_gradient) bias_gradient[o] = sum_of_lanes(bias_lanes);
    }
}

#if defined(__x86_64__)
/// `sum_of_lanes` of a vector's eight lanes.
NEURITE_AVX2 static inline float sum_of_vector(__m256 sums) {
    float lanes[8];
    _mm256_storeu_ps(lanes, sums);
    return sum_of_lanes(lanes);
}

/// The forward pass of a one-channel 3×3 kernel (a grayscale first layer): as the general loop
/// below, with the nine input vectors of a block in registers instead of an array on the stack,
/// which halves the loads per output channel. The same FMAs in the same order, so the same bits.
NEURITE_AVX2 static void forward_one_channel_3x3(const float *padded, long pw, const float *weight, long out_channels,
                                                 const float *bias, long oh, long ow, float *out) {
    for (long y = 0; y < oh; y++)
        for (long x = 0; x < ow; x += 8) {
            const long b = x + 8 <= ow ? x : ow - 8;
            __m256 source[9];
            for (int i = 0; i < 3; i++)
                for (int j = 0; j < 3; j++) source[3 * i + j] = _mm256_loadu_ps(padded + (y + i) * pw + b + j);
            for (long o = 0; o < out_channels; o++) {
                const float *w = weight + o * 9;
                __m256 sum = _mm256_set1_ps(bias ? bias[o] : 0.0f);
                for (int t = 0; t < 9; t++) sum = _mm256_fmadd_ps(_mm256_broadcast_ss(w + t), source[t], sum);
                _mm256_storeu_ps(out + (o * oh + y) * ow + b, sum);
            }
        }
}

/// Eight outputs of a row at a time: the C·kh·kw input vectors they read are loaded once and
/// shared by every output channel (a first layer has 32 or 64 of them). A row's last block
/// overlaps the one before rather than running short; rows narrower than eight go the scalar way.
NEURITE_AVX2 void neurite_conv_direct_forward_avx2(const float *padded, long channels, long ph, long pw, const float *weight,
                                                   long out_channels, long kh, long kw, const float *bias, long oh, long ow,
                                                   float *out) {
    const long taps = channels * kh * kw;
    if (ow < 8 || taps > 64) {
        direct_forward(padded, channels, ph, pw, weight, out_channels, kh, kw, bias, oh, ow, out);
        return;
    }
    if (channels == 1 && kh == 3 && kw == 3) {
        forward_one_channel_3x3(padded, pw, weight, out_channels, bias, oh, ow, out);
        return;
    }
    __m256 source[64];
    for (long y = 0; y < oh; y++)
        for (long x = 0; x < ow; x += 8) {
            const long b = x + 8 <= ow ? x : ow - 8;
            for (long c = 0, t = 0; c < channels; c++)
                for (long i = 0; i < kh; i++)
                    for (long j = 0; j < kw; j++, t++) source[t] = _mm256_loadu_ps(padded + (c * ph + y + i) * pw + b + j);
            for (long o = 0; o < out_channels; o++) {
                const float *w = weight + o * taps;
                __m256 sum = _mm256_set1_ps(bias ? bias[o] : 0.0f);
                for (long t = 0; t < taps; t++) sum = _mm256_fmadd_ps(_mm256_broadcast_ss(w + t), source[t], sum);
                _mm256_storeu_ps(out + (o * oh + y) * ow + b, sum);
            }
        }
}
#else
void neurite_conv_direct_forward_avx2(const float *padded, long channels, long ph, long pw, const float *weight,
                                      long out_channels, long kh, long kw, const float *bias, long oh, long ow, float *out) {
    direct_forward(padded, channels, ph, pw, weight, out_channels, kh, kw, bias, oh, ow, out);
}
#endif

void neurite_conv_direct_forward_portable(const float *padded, long channels, long ph, long pw, const float *weight,
                                          long out_channels, long kh, long kw, const float *bias, long oh, long ow, float *out) {
    direct_forward(padded, channels, ph, pw, weight, out_channels, kh, kw, bias, oh, ow, out);
}

#if defined(__x86_64__)
/// The weight gradient of output channel `o` for a 3×3 kernel: one pass over the batch per input
/// channel with that channel's nine sums in registers (the general loop below keeps up to 64 sums
/// in an array in memory, and each of its FMAs waited on the store of the one before). Each sum
/// adds the same products in the same order as the general loop, so the bits are the same. The
/// rows of the next sample's gradient plane are prefetched: each plane is 1/out_channels of a
/// large tensor, read once, that the hardware prefetcher picks up only after its first lines.
NEURITE_AVX2 static void weight_gradient_3x3(const float *padded, long batch, long channels, long ph, long pw, const float *g,
                                             long out_channels, long o, long oh, long ow, float *weight_gradient,
                                             float *bias_gradient) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256 bias_sum = _mm256_setzero_ps();
    for (long c = 0; c < channels; c++) {
        __m256 sums[9];
        for (int t = 0; t < 9; t++) sums[t] = _mm256_setzero_ps();
        for (long n = 0; n < batch; n++) {
            const float *plane = g + (n * out_channels + o) * oh * ow, *next = plane + out_channels * oh * ow;
            for (long y = 0; y < oh; y++) {
                const float *gradient = plane + y * ow;
                if (n + 1 < batch)
                    for (long x = 0; x < ow; x += 16) __builtin_prefetch(next + y * ow + x);
                const float *rows[3];
                for (int i = 0; i < 3; i++) rows[i] = padded + ((n * channels + c) * ph + y + i) * pw;
                for (long x = 0; x < ow; x += 8) {
                    const long b = x + 8 <= ow ? x : ow - 8;
                    // Lanes below x - b were counted by the previous block.
                    const __m256 fresh = _mm256_castsi256_ps(_mm256_cmpgt_epi32(lane, _mm256_set1_epi32((int)(x - b) - 1)));
                    const __m256 upstream = _mm256_and_ps(_mm256_loadu_ps(gradient + b), fresh);
                    if (c == 0) bias_sum = _mm256_add_ps(bias_sum, upstream);
                    for (int i = 0; i < 3; i++)
                        for (int j = 0; j < 3; j++)
                            sums[3 * i + j] = _mm256_fmadd_ps(upstream, _mm256_loadu_ps(rows[i] + b + j), sums[3 * i + j]);
                }
            }
        }
        for (int t = 0; t < 9; t++) weight_gradient[(o * channels + c) * 9 + t] = sum_of_vector(sums[t]);
    }
    if (bias_gradient) bias_gradient[o] = sum_of_vector(bias_sum);
}

/// Per output channel, the taps' sums in eight-lane registers over the batch in order; a row's
/// last block overlaps the one before, its repeated lanes masked out so nothing counts twice.
NEURITE_AVX2 void neurite_conv_direct_weight_gradient_avx2(const float *padded, long batch, long channels, long ph, long pw,
                                                           const float *g, long out_channels, long first_out, long end_out,
                                                           long kh, long kw, long oh, long ow, float *weight_gradient,
                                                           float *bias_gradient) {
    const long taps = channels * kh * kw;
    if (ow < 8 || taps > 64) {
        direct_weight_gradient(padded, batch, channels, ph, pw, g, out_channels, first_out, end_out, kh, kw, oh, ow, weight_gradient,
                               bias_gradient);
        return;
    }
    if (kh == 3 && kw == 3) {
        for (long o = first_out; o < end_out; o++)
            weight_gradient_3x3(padded, batch, channels, ph, pw, g, out_channels, o, oh, ow, weight_gradient, bias_gradient);
        return;
    }
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (long o = first_out; o < end_out; o++) {
        __m256 sums[64], bias_sum = _mm256_setzero_ps();
        for (long t = 0; t < taps; t++) sums[t] = _mm256_setzero_ps();
        for (long n = 0; n < batch; n++)
            for (long y = 0; y < oh; y++) {
                const float *gradient = g + ((n * out_channels + o) * oh + y) * ow;
                for (long x = 0; x < ow; x += 8) {
                    const long b = x + 8 <= ow ? x : ow - 8;
                    // Lanes below x - b were counted by the previous block.
                    const __m256 fresh = _mm256_castsi256_ps(_mm256_cmpgt_epi32(lane, _mm256_set1_epi32((int)(x - b) - 1)));
                    const __m256 upstream = _mm256_and_ps(_mm256_loadu_ps(gradient + b), fresh);
                    bias_sum = _mm256_add_ps(bias_sum, upstream);
                    const float *sample = padded + n * channels * ph * pw;
                    for (long c = 0, t = 0; c < channels; c++)
                        for (long i = 0; i < kh; i++)
                            for (long j = 0; j < kw; j++, t++)
                                sums[t] = _mm256_fmadd_ps(upstream, _mm256_loadu_ps(sample + (c * ph + y + i) * pw + b + j), sums[t]);
                }
            }
        for (long t = 0; t < taps; t++) weight_gradient[o * taps + t] = sum_of_vector(sums[t]);
        if (bias_gradient) bias_gradient[o] = sum_of_vector(bias_sum);
    }
}
#else
void neurite_conv_direct_weight_gradient_avx2(const float *padded, long batch, long channels, long ph, long pw, const float *g,
                                              long out_channels, long first_out, long end_out, long kh, long kw, long oh,
                                              long ow, float *weight_gradient) {
    direct_weight_gradient(padded, batch, channels, ph, pw, g, out_channels, first_out, end_out, kh, kw, oh, ow, weight_gradient);
}
#endif

void neurite_conv_direct_weight_gradient_portable(const float *padded, long batch, long channels, long ph, long pw,
                                                  const float *g, long out_channels, long first_out, long end_out, long kh,
                                                  long kw, long oh, long ow, float *weight_gradient, float *bias_gradient) {
    direct_weight_gradient(padded, batch, channels, ph, pw, g, out_channels, first_out, end_out, kh, kw, oh, ow, weight_gradient,
                           bias_gradient);
}
