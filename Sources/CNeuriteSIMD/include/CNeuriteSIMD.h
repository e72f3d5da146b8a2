// The few SIMD micro-kernels of Neurite, in C so that they can be compiled for AVX2 and FMA while
// the rest of the library keeps the baseline x86-64 target. Each kernel exists in a portable
// version (plain C that the compiler vectorises for the baseline: SSE2 on x86-64, NEON on arm64)
// and, on x86-64, an AVX2+FMA version; `neurite_cpu_has_avx2_fma` picks between them at run time.
// Not public API: NeuriteKernels wraps everything here.
#ifndef CNEURITE_SIMD_H
#define CNEURITE_SIMD_H

#include <stddef.h>

/// 1 when the processor and the operating system support AVX2 and FMA, else 0.
int neurite_cpu_has_avx2_fma(void);

/// A hint for spin-wait loops (`pause` on x86-64, `yield` on arm64).
static inline void neurite_cpu_relax(void) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    __asm__ __volatile__("yield");
/// Σ x[i] for i < n, accumulated in double in a fixed order (the same in both versions).
double neurite_sum_avx2(const float *x, long n);
double neurite_sum_portable(const float *x, long n);
/// accumulator[j] += Σ_r x[r·stride + j] for j < columns, r < rows (rows added in order).
void neurite_accumulate_rows_avx2(const float *x, long rows, long columns, long stride, double *accumulator);
void neurite_accumulate_rows_portable(const float *x, long rows, long columns, long stride, double *accumulator);
/// out[j] ← max (maximum ≠ 0) or min of out[j] and x[r·stride + j] over r < rows; NaN propagates.
void neurite_extremum_rows_avx2(const float *x, long rows, long columns, long stride, float *out, int maximum);
void neurite_extremum_rows_portable(const float *x, long rows, long columns, long stride, float *out, int maximum);
/// The largest (maximum ≠ 0) or smallest of x[0..<n], n ≥ 1; NaN if any element is NaN.
float neurite_extremum_avx2(const float *x, long n, int maximum);
float neurite_extremum_portable(const float *x, long n, int maximum);

#endif
}

/// The register tile of the GEMM micro-kernels: 6 rows by 16 columns.
enum { NEURITE_GEMM_MR = 6, NEURITE_GEMM_NR = 16 };

/// c[i * ldc + j] += Σ_p a[p * 6 + i] · b[p * 16 + j] for i < rows (at most 6), j < 16, p < k,
/// summed over p in increasing order into a zero-initialised accumulator that is then added to c —
/// or, when `overwrite` is non-zero, stored into c without reading it (the first depth block of a
/// product with beta = 0: no pass to zero c first). `a` is a packed 6-row panel, `b` a packed
/// 16-column panel. All six rows are computed the same way whatever `rows` is; only the first
/// `rows` are read and written (the last panel of a matrix whose rows are not a multiple of 6).
void neurite_gemm_kernel_6x16_avx2(long k, const float *a, const float *b, float *c, long ldc, int overwrite, int rows);
void neurite_gemm_kernel_6x16_portable(long k, const float *a, const float *b, float *c, long ldc, int overwrite, int rows);

/// Packs `alpha · op(A)` for `rows` rows and `depth` columns (a at the block's first element;
/// op(A)[i, p] is a[i·lda + p], or a[p·lda + i] when transposed) into consecutive 6-row panels laid
/// out [p][i], rows past the end zero. Packing is exact apart from the multiplication by alpha.
void neurite_pack_a_avx2(const float *a, long lda, int transposed, float alpha, long rows, long depth, float *packed);
void neurite_pack_a_portable(const float *a, long lda, int transposed, float alpha, long rows, long depth, float *packed);
/// Packs `op(B)` for `depth` rows and `columns` ≤ 16 columns (op(B)[p, j] is b[p·ldb + j], or
/// b[j·ldb + p] when transposed) into one panel laid out [p][j], columns past the end zero.
void neurite_pack_b_avx2(const float *b, long ldb, int transposed, long depth, long columns, float *packed);
void neurite_pack_b_portable(const float *b, long ldb, int transposed, long depth, long columns, float *packed);

/// out (columns × rows) = the transpose of in (rows × columns), both row-major and contiguous.
void neurite_transpose_avx2(const float *in, long rows, long columns, float *out);
void neurite_transpose_portable(const float *in, long rows, long columns, float *out);

/// Skinny products without packing, for few rows of A (batch-1 inference).
/// c[i, j] += alpha · Σ_p a[i, p] · b[j, p]   (B transposed: rows of b are dotted with rows of a)
void neurite_gemm_small_m_nt_avx2(long m, long n, long k, float alpha, const float *a, long lda,
                                  const float *b, long ldb, float *c, long ldc);
void neurite_gemm_small_m_nt_portable(long m, long n, long k, float alpha, const float *a, long lda,
                                      const float *b, long ldb, float *c, long ldc);
/// c[i, j] += alpha · Σ_p a[i, p] · b[p, j]
void neurite_gemm_small_m_nn_avx2(long m, long n, long k, float alpha, const float *a, long lda,
                                  const float *b, long ldb, float *c, long ldc);
void neurite_gemm_small_m_nn_portable(long m, long n, long k, float alpha, const float *a, long lda,
                                      const float *b, long ldb, float *c, long ldc);

/// Vector math over buffers: y[i] = f(x[i]) for i < n; `x` and `y` may be the same buffer.
/// Maximum errors against the C library are documented in NeuriteKernels' `VectorMath`.
void neurite_exp_avx2(const float *x, float *y, long n);
void neurite_exp_portable(const float *x, float *y, long n);
void neurite_log_avx2(const float *x, float *y, long n);
void neurite_log_portable(const float *x, float *y, long n);
void neurite_tanh_avx2(const float *x, float *y, long n);
void neurite_tanh_portable(const float *x, float *y, long n);
void neurite_sigmoid_avx2(const float *x, float *y, long n);
void neurite_sigmoid_portable(const float *x, float *y, long n);
void neurite_erf_avx2(const float *x, float *y, long n);
void neurite_erf_portable(const float *x, float *y, long n);

/// Σ x[i] for i < n, accumulated in double in a fixed order (the same in both versions).
double neurite_sum_avx2(const float *x, long n);
double neurite_sum_portable(const float *x, long n);
/// accumulator[j] += Σ_r x[r·stride + j] for j < columns, r < rows (rows added in order).
void neurite_accumulate_rows_avx2(const float *x, long rows, long columns, long stride, double *accumulator);
void neurite_accumulate_rows_portable(const float *x, long rows, long columns, long stride, double *accumulator);
/// out[j] ← max (maximum ≠ 0) or min of out[j] and x[r·stride + j] over r < rows; NaN propagates.
void neurite_extremum_rows_avx2(const float *x, long rows, long columns, long stride, float *out, int maximum);
void neurite_extremum_rows_portable(const float *x, long rows, long columns, long stride, float *out, int maximum);
/// The largest (maximum ≠ 0) or smallest of x[0..<n], n ≥ 1; NaN if any element is NaN.
float neurite_extremum_avx2(const float *x, long n, int maximum);
float neurite_extremum_portable(const float *x, long n, int maximum);


/// Max pooling over one plane of `width` columns: output (r, c) scans rows
/// `first_y[r] + i·step_y` (i < count_y[r]) and columns `first_x[c] + j·step_x` (j < count_x[c])
/// row by row, keeping the first maximum (NaN wins), and writes it and its offset in the plane.
void neurite_max_pool_plane_avx2(const float *plane, long width, long outputs_y, const long *first_y,
                                 const long *count_y, long step_y, long outputs_x, const long *first_x,
                                 const long *count_x, long step_x, float *out, int *indices);
/// 2×2 windows with stride 2, no padding, over `planes` planes of `height × width`: the same
/// maxima and positions as `neurite_max_pool_plane_avx2`, eight windows per step from four loads
/// (masked for rows of fewer than eight outputs), without per-window bookkeeping.
void neurite_max_pool_2x2_avx2(const float *input, long planes, long height, long width, long outputs_y, long outputs_x,
                               float *out, int *indices);
/// The backward pass of `neurite_max_pool_2x2_avx2` written densely: every input element of the
/// `planes` planes of `height × width` gets `0 + gradient` of its window if it was the window's
/// maximum (`indices`, offsets in the plane) and 0 otherwise, rows and columns outside every window
/// included, so the output needs no zeroing first. The same bits as zeroing and adding.
/// `vectorised` (the caller's SIMD level is AVX2) takes eight windows at a time.
void neurite_max_unpool_2x2(const float *gradient, const int *indices, long planes, long height, long width, long outputs_y,
                            long outputs_x, int vectorised, float *out);
void neurite_max_pool_plane_portable(const float *plane, long width, long outputs_y, const long *first_y, const long *count_y,
                                     long step_y, long outputs_x, const long *first_x, const long *count_x, long step_x,
                                     float *out, int *indices);

/// Direct convolution of one zero-padded sample `[channels][ph][pw]` (stride 1, dilation 1, one
/// group) into `[out_channels][oh][ow]`, plus `bias` (may be NULL). See direct_convolution.c.
void neurite_conv_direct_forward_avx2(const float *padded, long channels, long ph, long pw, const float *weight,
                                      long out_channels, long kh, long kw, const float *bias, long oh, long ow, float *out);
void neurite_conv_direct_forward_portable(const float *padded, long channels, long ph, long pw, const float *weight,
                                          long out_channels, long kh, long kw, const float *bias, long oh, long ow, float *out);
/// The weight gradient (and, unless NULL, the bias gradient) of output channels
/// first_out ..< end_out over a batch of padded samples and upstream gradients `g`
/// `[batch][out_channels][oh][ow]`; at most 64 taps (channels·kh·kw).
void neurite_conv_direct_weight_gradient_avx2(const float *padded, long batch, long channels, long ph, long pw,
                                              const float *g, long out_channels, long first_out, long end_out, long kh,
                                              long kw, long oh, long ow, float *weight_gradient, float *bias_gradient);
void neurite_conv_direct_weight_gradient_portable(const float *padded, long batch, long channels, long ph, long pw,
                                                  const float *g, long out_channels, long first_out, long end_out, long kh,
                                                  long kw, long oh, long ow, float *weight_gradient, float *bias_gradient);

/// Winograd F(2×2, 3×3) (see winograd.c). Tiles are stored in slots, each row of tiles rounded
/// up to 8 slots; `first_slot` is a multiple of 8. The floats of scratch each transform needs:
long neurite_winograd_scratch_count(long tiles_y, long tiles_x);
/// The input transform of one sample `[channels][height][width]` into 16 `PanelMajor` matrices of
/// `channels` rows (`matrix_stride` floats apart), tiles as columns from `first_slot`.
void neurite_winograd_input_avx2(const float *sample, long channels, long height, long width, long pad_top, long pad_left,
                                 long tiles_y, long tiles_x, float *scratch, float *v, long matrix_stride, long first_slot);
void neurite_winograd_input_portable(const float *sample, long channels, long height, long width, long pad_top, long pad_left,
                                     long tiles_y, long tiles_x, float *scratch, float *v, long matrix_stride, long first_slot);
/// The output transform of one sample from 16 row-major `[out_channels][ldm]` matrices into
/// `[out_channels][oh][ow]`, plus `bias` (may be NULL), written or (with `accumulate`) added.
void neurite_winograd_output_avx2(const float *m, long matrix_stride, long ldm, long first_slot, long out_channels, long tiles_y,
                                  long tiles_x, const float *bias, int accumulate, float *output, long oh, long ow);
void neurite_winograd_output_portable(const float *m, long matrix_stride, long ldm, long first_slot, long out_channels,
                                      long tiles_y, long tiles_x, const float *bias, int accumulate, float *output, long oh,
                                      long ow);
/// The transform of one sample's upstream gradient `[out_channels][oh][ow]` for the weight
/// gradient, into 16 row-major `[out_channels][ldm]` matrices.
void neurite_winograd_gradient_avx2(const float *gradient, long out_channels, long oh, long ow, long tiles_y, long tiles_x,
                                    float *scratch, float *m, long matrix_stride, long ldm, long first_slot);
void neurite_winograd_gradient_portable(const float *gradient, long out_channels, long oh, long ow, long tiles_y, long tiles_x,
                                        float *scratch, float *m, long matrix_stride, long ldm, long first_slot);

/// Adam's constants for one step (see adam.c): β₁, 1 − β₁, β₂, 1 − β₂, √(1 − β₂ᵗ), ε, γ/(1 − β₁ᵗ)
/// and the decay factor of the mode (1: decoupled, the weight's shrink factor; 2: coupled, λ).
typedef struct {
    float beta1, keep1, beta2, keep2, root2, epsilon, step_size, decay;
} neurite_adam_constants;
void neurite_adam_avx2(float *p, float *m, float *v, const float *g, long n, const neurite_adam_constants *c, int mode);
void neurite_adam_portable(float *p, float *m, float *v, const float *g, long n, const neurite_adam_constants *c, int mode);

/// out[i] = (float)bytes[i] / divisor (conversions.c).
void neurite_bytes_to_floats_avx2(const unsigned char *bytes, float *out, long n, float divisor);
void neurite_bytes_to_floats_portable(const unsigned char *bytes, float *out, long n, float divisor);
/// out[r·size + i] = (float)source[indices[r]·size + i] / divisor for r < rows, i < size: rows of a
/// byte table gathered and converted, prefetching the rows ahead (conversions.c).
void neurite_gather_bytes_to_floats_avx2(const unsigned char *source, const long *indices, long rows, long size,
                                         float divisor, float *out);
void neurite_gather_bytes_to_floats_portable(const unsigned char *source, const long *indices, long rows, long size,
                                             float divisor, float *out);

/// 1 when no element of x is ±∞ or NaN, else 0 (reductions.c).
int neurite_all_finite_avx2(const float *x, long n);
int neurite_all_finite_portable(const float *x, long n);
#endif
