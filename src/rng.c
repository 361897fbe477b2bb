/* rng: xoshiro256** seeded by splitmix64, with the few distributions the demo data needs. */
#include "ac-config.h"

#include "rng.h"

#include <math.h>

/* Only exp, log, sqrt, cos and floor are used below: their results do not
 * depend on the C library's version, so a seed gives the same numbers on
 * every build of the same architecture. lgamma and pow are avoided. */

#define RNG_TWO_PI 6.283185307179586476925286766559

/* Above this mean Knuth's method costs too many draws; PTRS takes over. */
#define RNG_POISSON_KNUTH_MAX 10.0

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void rng_seed(struct rng *r, uint64_t seed)
{
	uint64_t x = seed;

	/* splitmix64 never yields four zero words in a row, the one state
	 * xoshiro cannot leave. */
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

double rng_uniform(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

uint32_t rng_below(struct rng *r, uint32_t n)
{
	uint64_t m;
	uint32_t low, threshold;

	if (n == 0)
		return 0;
	/* Lemire's multiply-and-reject: the high word of x * n is uniform on
	 * [0, n) once the few low words below 2^32 mod n are rejected. */
	m = (rng_next(r) >> 32) * (uint64_t)n;
	low = (uint32_t)m;
	if (low < n) {
		threshold = (uint32_t)-n % n;
		while (low < threshold) {
			m = (rng_next(r) >> 32) * (uint64_t)n;
			low = (uint32_t)m;
		}
	}
	return (uint32_t)(m >> 32);
}

double rng_normal(struct rng *r)
{
	/* 1 - u lies in (0, 1], so the logarithm is finite. */
	double u1 = 1.0 - rng_uniform(r);
	double u2 = rng_uniform(r);

	return sqrt(-2.0 * log(u1)) * cos(RNG_TWO_PI * u2);
}

/* log(k!) from a table for small k and Stirling's series above, which is
 * accurate to about 1e-12 there: enough for an acceptance test. */
static double log_factorial(double k)
{
	static const double small[10] = {
		0.0, 0.0, 0.69314718055994531, 1.79175946922805500,
		3.17805383034794562, 4.78749174278204599, 6.57925121201010100,
		8.52516136106541430, 10.60460290274525023, 12.80182748008146961,
	};
	double k2;

	if (k < 10.0)
		return small[(int)k];
	k2 = k * k;
	return k * log(k) - k + 0.5 * log(RNG_TWO_PI * k)
		+ (1.0 / 12.0 - (1.0 / 360.0 - 1.0 / (1260.0 * k2)) / k2) / k;
}

/* Hormann's transformed rejection with squeeze (PTRS, 1993), for mean >= 10. */
static uint32_t poisson_ptrs(struct rng *r, double mean)
{
	double slam = sqrt(mean), loglam = log(mean);
	double b = 0.931 + 2.53 * slam;
	double a = -0.059 + 0.02483 * b;
	double inv_alpha = 1.1239 + 1.1328 / (b - 3.4);
	double vr = 0.9277 - 3.6224 / (b - 2.0);

	for (;;) {
		double u = rng_uniform(r) - 0.5;
		double v = rng_uniform(r);
		double us = 0.5 - fabs(u);
		double k = floor((2.0 * a / us + b) * u + mean + 0.43);

		if (us >= 0.07 && v <= vr)
			return (uint32_t)k;
		if (k < 0.0 || (us < 0.013 && v > us))
			continue;
		if (log(v) + log(inv_alpha) - log(a / (us * us) + b)
		    <= -mean + k * loglam - log_factorial(k))
			return (uint32_t)k;
	}
}

uint32_t rng_poisson(struct rng *r, double mean)
{
	double limit, product;
	uint32_t k = 0;

	if (!(mean > 0.0))
		return 0;
	if (mean >= RNG_POISSON_KNUTH_MAX)
		return poisson_ptrs(r, mean);
	/* Count uniforms until their product falls below e^-mean. */
	limit = exp(-mean);
	product = rng_uniform(r);
	while (product > limit) {
		k++;
		product *= rng_uniform(r);
	}
	return k;
}

double rng_gamma(struct rng *r, double shape)
{
	double d, c;

	if (!(shape > 0.0))
		return 0.0;
	if (shape < 1.0) {
		/* Boost: G(a) = G(a + 1) * U^(1/a), with U in (0, 1]. */
		double u = 1.0 - rng_uniform(r);

		return rng_gamma(r, shape + 1.0) * exp(log(u) / shape);
	}
	d = shape - 1.0 / 3.0;
	c = 1.0 / sqrt(9.0 * d);
	for (;;) {
		double x = rng_normal(r);
		double v = 1.0 + c * x;
		double u;

		if (v <= 0.0)
			continue;
		v = v * v * v;
		u = 1.0 - rng_uniform(r);
		if (u < 1.0 - 0.0331 * x * x * x * x)
			return d * v;
		if (log(u) < 0.5 * x * x + d * (1.0 - v + log(v)))
			return d * v;
	}
}
