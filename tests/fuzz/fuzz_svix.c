/* fuzz_svix: a webhook delivery's svix-id, svix-timestamp and
 * svix-signature headers and its body (one a line, the body the rest)
 * through svix_verify, with a fixed secret; and the whole input as a
 * secret through svix_secret_decode. */
#include "ac-config.h"

#include "fuzz.h"
#include "svix.h"

#define SECRET "whsec_c2VudGlhLXVuaXQtdGVzdC1rZXktMDEyMzQ1Njc4OQ=="

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts p;
	struct svix_message m;
	unsigned char key[SVIX_KEY_MAX];
	const char *body;
	size_t blen;

	if (fuzz_split(&p, data, size, '\n') < 0)
		return 0;
	/* The body is everything after the third line, NUL bytes and all. */
	blen = 0;
	body = "";
	if (p.n > 3) {
		body = (const char *)data + (p.s[3] - p.copy);
		blen = size - (size_t)(p.s[3] - p.copy);
	}
	m.id = fuzz_part(&p, 0);
	m.timestamp = fuzz_part(&p, 1);
	m.signatures = fuzz_part(&p, 2);
	m.body = body;
	m.len = blen;
	(void)svix_verify(SECRET, &m, 1700000000);
	(void)svix_verify(fuzz_part(&p, 0), &m, 1700000000);
	(void)svix_secret_decode(p.copy, key, sizeof key);
	fuzz_parts_free(&p);
	return 0;
}
