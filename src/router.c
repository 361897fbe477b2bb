/* router: matches a method and path against the dispatch table. */
#include "ac-config.h"

#include "router.h"

#include <ctype.h>
#include <string.h>

/* Decodes one %-encoded segment into dst (NUL-terminated). Returns the
 * bytes written, or -1 for a bad escape or a decoded NUL. */
static int decode_segment(const char *s, size_t n, char *dst)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			int hi, lo;
			if (i + 2 >= n)
				return -1;
			if (!isxdigit((unsigned char)s[i + 1]) || !isxdigit((unsigned char)s[i + 2]))
				return -1;
			hi = isdigit((unsigned char)s[i + 1]) ? s[i + 1] - '0' : (tolower((unsigned char)s[i + 1]) - 'a' + 10);
			lo = isdigit((unsigned char)s[i + 2]) ? s[i + 2] - '0' : (tolower((unsigned char)s[i + 2]) - 'a' + 10);
			if (hi == 0 && lo == 0)
				return -1;
			dst[o++] = (char)(hi * 16 + lo);
			i += 2;
		} else {
			dst[o++] = s[i];
		}
	}
	dst[o] = '\0';
	return (int)o;
}

/* Matches one pattern against path, filling m's parameters. Returns the
 * number of literal segments (the specificity) or -1 when it does not
 * match, -2 when a parameter does not decode. */
static int match_pattern(const char *pat, const char *path, struct route_match *m)
{
	size_t used = 0;
	int literals = 0;

	m->nparams = 0;
	while (*pat == '/' && *path == '/') {
		const char *pe, *se;
		size_t plen, slen;

		pat++;
		path++;
		pe = pat + strcspn(pat, "/");
		se = path + strcspn(path, "/");
		plen = (size_t)(pe - pat);
		slen = (size_t)(se - path);
		if (plen >= 2 && pat[0] == '{' && pat[plen - 1] == '}') {
			int dn;
			if (slen == 0 || m->nparams == ROUTER_MAX_PARAMS || used + slen + 1 > sizeof m->store)
				return -1;
			dn = decode_segment(path, slen, m->store + used);
			if (dn < 0)
				return -2;
			m->params[m->nparams].name = pat + 1;
			m->params[m->nparams].name_len = plen - 2;
			m->params[m->nparams].value = m->store + used;
			m->nparams++;
			used += (size_t)dn + 1;
		} else {
			if (plen != slen || memcmp(pat, path, plen) != 0)
				return -1;
			literals++;
		}
		pat = pe;
		path = se;
	}
	return *pat == '\0' && *path == '\0' ? literals : -1;
}

enum router_result router_match(const struct route *table, size_t n, enum http_method method,
                                const char *path, struct route_match *out)
{
	struct route_match tmp;
	int best = -1, best_rank = -1, bad = 0;

	out->route = -1;
	out->allow = 0;
	out->nparams = 0;
	if (strlen(path) >= ROUTER_PATH_MAX)
		return ROUTER_NOT_FOUND;
	for (size_t i = 0; i < n; i++) {
		int score = match_pattern(table[i].pattern, path, &tmp);
		int rank;

		if (score == -2) {
			bad = 1;
			continue;
		}
		if (score < 0)
			continue;
		out->allow |= 1u << table[i].method;
		if (table[i].method == HTTP_GET)
			out->allow |= 1u << HTTP_HEAD;
		/* Rank by specificity; on a tie, a row for the very method beats
		 * a GET row answering HEAD, whatever the order of the table. */
		if (table[i].method == method)
			rank = score * 2 + 1;
		else if (method == HTTP_HEAD && table[i].method == HTTP_GET)
			rank = score * 2;
		else
			continue;
		if (rank > best_rank) {
			best_rank = rank;
			best = (int)i;
			*out = (struct route_match){ .allow = out->allow };
			memcpy(out->params, tmp.params, sizeof tmp.params);
			out->nparams = tmp.nparams;
			memcpy(out->store, tmp.store, sizeof tmp.store);
			/* Parameter values point into tmp's store: move them. */
			for (int k = 0; k < out->nparams; k++)
				out->params[k].value = out->store + (tmp.params[k].value - tmp.store);
		}
	}
	if (best >= 0) {
		out->route = best;
		return ROUTER_FOUND;
	}
	if (out->allow != 0)
		return ROUTER_METHOD_NOT_ALLOWED;
	return bad ? ROUTER_BAD_PATH : ROUTER_NOT_FOUND;
}

const char *route_param(const struct route_match *m, const char *name)
{
	size_t n = strlen(name);

	for (int i = 0; i < m->nparams; i++)
		if (m->params[i].name_len == n && memcmp(m->params[i].name, name, n) == 0)
			return m->params[i].value;
	return NULL;
}

void router_allow_value(unsigned allow, struct buf *out)
{
	int first = 1;

	allow |= 1u << HTTP_OPTIONS;
	for (int i = 0; i < HTTP_OTHER; i++) {
		if (allow & (1u << i)) {
			buf_printf(out, "%s%s", first ? "" : ", ", http_method_name((enum http_method)i));
			first = 0;
		}
	}
}
