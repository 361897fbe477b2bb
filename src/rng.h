/* rng: a small seeded pseudo-random generator (xoshiro256**) for reproducible data. */
#ifndef SENTIA_RNG_H
#define SENTIA_RNG_H

#include <stdint.h>

/* The whole state of one stream; copy it to fork a stream, and give each
 * independent use its own stream so that one change does not shift the
 * numbers of the others. */
struct rng {
	uint64_t s[4];
};

/* Seeds the stream through splitmix64, so that any seed (0 included)
 * gives a well-mixed, non-zero state. */
void rng_seed(struct rng *r, uint64_t seed);
/* Returns the next 64 random bits. */
uint64_t rng_next(struct rng *r);
/* Returns a uniform double in [0, 1) built from 53 random bits. */
double rng_uniform(struct rng *r);
/* Returns a uniform integer in [0, n) without modulo bias; 0 when n is 0. */
uint32_t rng_below(struct rng *r, uint32_t n);
/* Returns a standard normal deviate (Box-Muller; the second value of each
 * pair is discarded so that the state stays in s[] alone). */
double rng_normal(struct rng *r);
/* Returns a Poisson deviate of the given mean: Knuth's product method for
 * small means, Hormann's PTRS for large ones; 0 when mean <= 0. */
uint32_t rng_poisson(struct rng *r, double mean);
/* Returns a gamma deviate of the given shape and scale 1 (Marsaglia and
 * Tsang); 0 when shape <= 0. */
double rng_gamma(struct rng *r, double shape);

#endif
