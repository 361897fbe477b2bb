/* fuzz_netacl: an address list (METRICS_ALLOWED_IPS, the maintenance
 * allow-list) on the first line through netacl_parse, and each later line
 * as a client address through netacl_match. */
#include "ac-config.h"

#include "fuzz.h"
#include "netacl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts p;
	struct netacl acl;
	struct buf why = BUF_INIT;

	if (fuzz_split(&p, data, size, '\n') < 0)
		return 0;
	if (netacl_parse(&acl, fuzz_part(&p, 0), &why) == 0)
		for (size_t i = 1; i < p.n; i++)
			(void)netacl_match(&acl, p.s[i]);
	buf_free(&why);
	fuzz_parts_free(&p);
	return 0;
}
