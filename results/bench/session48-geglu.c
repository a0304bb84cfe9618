#include <math.h>
#include <stdint.h>
#include <omp.h>
/* GEGLU of the TimeSformer's feed-forward: y = a * gelu(g), gelu(x) = x Phi(x) = x (1 + erf(x / sqrt 2)) / 2,
   and its backward. erf as Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7); exp(-x^2 / 2) serves both
   erf and the normal density. */
#define INV_SQRT2 0.70710678118654752440f
#define INV_SQRT_2PI 0.39894228040143267794f

static inline void phi(float x, float *cdf, float *pdf)
{
    float u = fabsf(x) * INV_SQRT2;
    float t = 1.0f / (1.0f + 0.3275911f * u);
    float e = expf(-u * u);
    float poly = t * (0.254829592f + t * (-0.284496736f + t * (1.421413741f + t * (-1.453152027f + t * 1.061405429f))));
    float erfu = 1.0f - poly * e;
    float erfx = x < 0.0f ? -erfu : erfu;
    *cdf = 0.5f * (1.0f + erfx);
    *pdf = INV_SQRT_2PI * e;
}

__attribute__((target_clones("avx512f", "avx2", "default")))
static void forward_range(const float *a, const float *g, float *y, int64_t lo, int64_t hi)
{
    #pragma omp simd
    for (int64_t i = lo; i < hi; i++)
    {
        float cdf, pdf;
        phi(g[i], &cdf, &pdf);
        y[i] = a[i] * g[i] * cdf;
    }
}

__attribute__((target_clones("avx512f", "avx2", "default")))
static void backward_range(const float *go, const float *a, const float *g, float *ga, float *gg,
                           int64_t lo, int64_t hi)
{
    #pragma omp simd
    for (int64_t i = lo; i < hi; i++)
    {
        float cdf, pdf, x = g[i];
        phi(x, &cdf, &pdf);
        ga[i] = go[i] * x * cdf;
        gg[i] = go[i] * a[i] * (cdf + x * pdf);
    }
}

#define SPLIT(n, body) \
    _Pragma("omp parallel") \
    { \
        int64_t parts = omp_get_num_threads(), k = omp_get_thread_num(); \
        int64_t chunk = ((n + parts - 1) / parts + 15) / 16 * 16; \
        int64_t lo = k * chunk < n ? k * chunk : n, hi = lo + chunk < n ? lo + chunk : n; \
        body; \
    }

void cmd_geglu_forward(const float *a, const float *g, float *y, int64_t n)
{
    SPLIT(n, forward_range(a, g, y, lo, hi))
}

void cmd_geglu_backward(const float *go, const float *a, const float *g, float *ga, float *gg, int64_t n)
{
    SPLIT(n, backward_range(go, a, g, ga, gg, lo, hi))
}
