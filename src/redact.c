/* redact: finds personal data and secrets in a log line and replaces them, in one pass. */
#include "ac-config.h"

#include "redact.h"
#include "buf.h"

#include <gnutls/crypto.h>
#include <string.h>

/* What a finding was; each kind has its marker. */
enum kind {
	K_EMAIL,
	K_PHONE,
	K_TOKEN,
	K_KEY,
	K_JWT,
	K_SECRET,
	K__MAX
};

static const char *const markers[K__MAX] = {
	[K_EMAIL] = "email",
	[K_PHONE] = "phone",
	[K_TOKEN] = "token",
	[K_KEY] = "key",
	[K_JWT] = "jwt",
	[K_SECRET] = "redacted",
};

/* Parts of a name that make a field's value secret, matched anywhere in
 * the name and in any case ("client_secret", "accessToken", "X-Api-Key"). */
static const struct {
	const char *word;
	size_t len;
} field_words[] = {
	{ "password", 8 },
	{ "passwd", 6 },
	{ "secret", 6 },
	{ "token", 5 },
	{ "api_key", 7 },
	{ "apikey", 6 },
	{ "api-key", 7 },
	{ "authorization", 13 },
};

/* How far back or forward a name or a local part is looked for: longer
 * runs are not names, and the bound keeps every line linear. */
#define REACH 128

/* One pass over one text: what is already copied to out, where the last
 * backslash escape ended (the byte after it starts a word), the count. */
struct scan {
	const char *t;
	size_t n;
	size_t copied;
	size_t esc_end;
	struct buf *out;
	const struct redact_opts *o;
	int count;
	int oom;
};

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
static int is_alpha(unsigned char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
static int is_alnum(unsigned char c) { return is_digit(c) || is_alpha(c); }
static int is_hex(unsigned char c) { return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }
static unsigned char lower(unsigned char c) { return c >= 'A' && c <= 'Z' ? (unsigned char)(c | 0x20) : c; }

/* Bytes of an e-mail local part, in the common practical set: '=', '?'
 * and '/' are left out, so "?email=a@b.com" keeps its "?email=". */
static int is_local(unsigned char c)
{
	return is_alnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
}

/* Bytes of a field name ("user[password]", "user%5Bpassword%5D",
 * "x-api-key", "db.password"). */
static int is_name(unsigned char c)
{
	return is_alnum(c) || c == '_' || c == '-' || c == '.' || c == '[' || c == ']' || c == '%';
}

/* Bytes of base64url, as in JWT segments. */
static int is_b64url(unsigned char c)
{
	return is_alnum(c) || c == '-' || c == '_';
}

/* Bytes of an RFC 6750 bearer token, before its '=' padding. */
static int is_token68(unsigned char c)
{
	return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

/* Whether n bytes at p are word, in any case. */
static int ci_eq(const char *p, size_t n, const char *word, size_t wlen)
{
	if (n < wlen)
		return 0;
	for (size_t k = 0; k < wlen; k++)
		if (lower((unsigned char)p[k]) != (unsigned char)word[k])
			return 0;
	return 1;
}

/* Whether n bytes at p are exactly word, in any case. */
static int ci_word(const char *p, size_t n, const char *word)
{
	size_t wlen = strlen(word);

	return n == wlen && ci_eq(p, n, word, wlen);
}

/* The end of the backslash escape at i: \uXXXX is six bytes, others two. */
static size_t escape_end(const char *t, size_t n, size_t i)
{
	if (i + 5 < n && t[i + 1] == 'u' && is_hex((unsigned char)t[i + 2]) && is_hex((unsigned char)t[i + 3]) &&
	    is_hex((unsigned char)t[i + 4]) && is_hex((unsigned char)t[i + 5]))
		return i + 6;
	return i + 2 < n ? i + 2 : n;
}

/* Whether a word may start at i: at the text's start, right after an
 * escape, or after a byte that is not part of a word. */
static int word_starts(const struct scan *sc, size_t i)
{
	unsigned char p;

	if (i == 0 || i == sc->esc_end)
		return 1;
	p = (unsigned char)sc->t[i - 1];
	return !(is_alnum(p) || p == '_');
}

/* The lowest position a backward look may reach: not into copied text,
 * not into an escape. */
static size_t scan_floor(const struct scan *sc)
{
	return sc->copied > sc->esc_end ? sc->copied : sc->esc_end;
}

/* Writes the first 12 hex digits of the HMAC-SHA-256 of the value under
 * the configured key. E-mail addresses are hashed in lower case with a
 * plain '@', phone numbers as their digits, so the spellings of one value
 * agree. */
static int keyed_hash(const struct redact_opts *o, enum kind k, const char *v, size_t n, char hex[13])
{
	static const char digits[] = "0123456789abcdef";
	char norm[256];
	unsigned char d[32];
	size_t m = 0;

	if ((k == K_EMAIL || k == K_PHONE) && n <= sizeof norm) {
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)v[i];

			if (k == K_PHONE) {
				if (c == '%')
					i += 2;   /* "%20", a space in a URL */
				else if (is_digit(c))
					norm[m++] = (char)c;
			} else if (c == '%' && i + 2 < n && v[i + 1] == '4' && v[i + 2] == '0') {
				norm[m++] = '@';
				i += 2;
			} else {
				norm[m++] = (char)lower(c);
			}
		}
		v = norm;
		n = m;
	}
	if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, o->hash_key, strlen(o->hash_key), v, n, d) < 0)
		return -1;
	for (int i = 0; i < 6; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[12] = '\0';
	return 0;
}

/* Copies the text up to s, then the marker for [s, e) in its place. */
static void emit(struct scan *sc, size_t s, size_t e, enum kind k)
{
	char m[32];
	size_t ml = 0;
	size_t nl = strlen(markers[k]);
	char hex[13];

	if (s < sc->copied || e <= s)
		return;
	m[ml++] = '[';
	memcpy(m + ml, markers[k], nl);
	ml += nl;
	/* When hashing fails the plain marker still hides the value. */
	if (sc->o->hash_key != NULL && sc->o->hash_key[0] != '\0' &&
	    keyed_hash(sc->o, k, sc->t + s, e - s, hex) == 0) {
		m[ml++] = ':';
		memcpy(m + ml, hex, 12);
		ml += 12;
	}
	m[ml++] = ']';
	if (buf_append(sc->out, sc->t + sc->copied, s - sc->copied) < 0 || buf_append(sc->out, m, ml) < 0)
		sc->oom = 1;
	sc->copied = e;
	sc->count++;
}

/* Each matcher looks at position i, where the rule's first bytes are; on a
 * finding it emits. It returns where the scan goes on (past i), or 0 for
 * the next byte. */

/* A backslash escape is stepped over whole, so that nothing starts or
 * ends in its middle. */
static size_t match_escape(struct scan *sc, size_t i)
{
	sc->esc_end = escape_end(sc->t, sc->n, i);
	return sc->esc_end;
}

/* An e-mail address around the '@' (or "%40") at `at`, atlen bytes. */
static size_t email_at(struct scan *sc, size_t at, size_t atlen)
{
	const char *t = sc->t;
	size_t lo = scan_floor(sc), s = at, j = at + atlen, e = 0;
	size_t labels = 0, last_len = 0;
	int last_alpha = 0;

	while (s > lo && at - s < REACH && is_local((unsigned char)t[s - 1]))
		s--;
	while (s < at && t[s] == '.')
		s++;
	if (s == at)
		return 0;
	/* The domain: labels joined by dots, the last all letters. */
	for (;;) {
		size_t ls = j;
		int alpha = 1;

		while (j < sc->n && j - ls < 64 && (is_alnum((unsigned char)t[j]) || t[j] == '-')) {
			alpha &= is_alpha((unsigned char)t[j]);
			j++;
		}
		if (j == ls)
			break;
		labels++;
		last_len = j - ls;
		last_alpha = alpha;
		e = j;
		if (j + 1 < sc->n && t[j] == '.' && is_alnum((unsigned char)t[j + 1]))
			j++;
		else
			break;
	}
	if (labels < 2 || !last_alpha || last_len < 2)
		return 0;
	emit(sc, s, e, K_EMAIL);
	return e;
}

/* The password of a URL, scheme://user:password@host, before the '@'. */
static size_t url_password(struct scan *sc, size_t at)
{
	const char *t = sc->t;
	size_t lo = scan_floor(sc), s = at, colon;

	while (s > lo && at - s < REACH && t[s - 1] != '/') {
		unsigned char c = (unsigned char)t[s - 1];
		if (c <= ' ' || c == '"' || c == '\\' || c == '@' || c == '<' || c == '>' || c == 0x7f)
			return 0;
		s--;
	}
	/* "://", or ":\/\/" as JSON encoders that escape slashes write it. */
	if (!(s >= 3 && memcmp(t + s - 3, "://", 3) == 0) && !(s >= 5 && memcmp(t + s - 5, ":\\/\\/", 5) == 0))
		return 0;
	for (colon = s; colon < at && t[colon] != ':'; colon++)
		;
	if (colon + 1 >= at)
		return 0;
	emit(sc, colon + 1, at, K_SECRET);
	return at + 1;
}

/* An '@': a URL's password before it, or an e-mail address around it. */
static size_t match_at(struct scan *sc, size_t i)
{
	size_t e = url_password(sc, i);

	return e ? e : email_at(sc, i, 1);
}

/* "%40" is an '@' in a percent-encoded path or query. */
static size_t match_pct(struct scan *sc, size_t i)
{
	if (i + 2 >= sc->n || sc->t[i + 1] != '4' || sc->t[i + 2] != '0')
		return 0;
	return email_at(sc, i, 3);
}

/* A phone candidate as read: digit groups, each with the separator
 * before it (0 for the first; ')' for one right after a parenthesis). */
#define PHONE_GROUPS 8
struct phone {
	int plus;
	int ngroups;
	size_t start[PHONE_GROUPS];
	size_t len[PHONE_GROUPS];
	size_t end[PHONE_GROUPS];
	char sep[PHONE_GROUPS];
	int paren[PHONE_GROUPS];
};

/* Whether a number may end at e: not inside a word or an address, and
 * not followed by more of another number ("10:30", "1.5", "1,000"). */
static int phone_ends(const char *t, size_t n, size_t e)
{
	unsigned char c, next;

	if (e >= n)
		return 1;
	c = (unsigned char)t[e];
	next = e + 1 < n ? (unsigned char)t[e + 1] : 0;
	if (is_alnum(c) || c == '_')
		return 0;
	if ((c == '.' || c == '-' || c == ':' || c == ',' || c == '+') && is_digit(next))
		return 0;
	return !(c == '@' && is_alnum(next));
}

/* Whether a number may start after byte c: not inside a word, a path,
 * an address or another number ("v1.2", "/imports/123", "x-1", "1+2"). */
static int phone_starts(unsigned char c)
{
	return !(is_alnum(c) || c == '_' || c == '.' || c == '-' || c == '/' || c == '+' || c == '@' ||
	         c == '#' || c == '%' || c == '$' || c == '*' || c == '~' || c == '^' || c == '\\');
}

/* Whether the first k groups have a shape people write phone numbers in.
 * Dates (2026-11-27), times, IPv4 addresses, versions and bare digit runs
 * fit none of them. */
static int phone_shape(const char *t, const struct phone *p, int k)
{
	size_t digits = 0;
	char seps = 0;   /* the one separator used, or '*' when mixed */
	unsigned char lead = (unsigned char)t[p->start[0]];

	/* The gap after a parenthesis is its own: "(202) 555-0143". */
	for (int g = 0; g < k; g++) {
		digits += p->len[g];
		if (g > 0 && !p->paren[g - 1])
			seps = seps == 0 || seps == p->sep[g] ? p->sep[g] : '*';
	}
	if (digits < 7 || digits > 15)
		return 0;
	/* International: +44 20 7946 0958, +1-202-555-0143, +442079460958. */
	if (p->plus)
		return lead != '0';
	/* An area code in parentheses: (202) 555-0143, (020) 7946 0958. */
	if (p->paren[0])
		return k >= 2 && p->len[0] >= 2 && p->len[0] <= 5 && seps != '.' && seps != '*' && p->sep[1] != '.';
	/* National with a trunk 0: 020 7946 0958, 07700 900123, 0121-496-0000. */
	if (lead == '0') {
		if (k < 2 || digits < 9 || digits > 12 || p->len[0] > 5 || (seps != ' ' && seps != '-'))
			return 0;
		for (int g = 0; g < k; g++)
			if (p->len[g] < 2)
				return 0;
		return 1;
	}
	/* North American: 202-555-0143, 202.555.0143, 1 202 555 0143. */
	if (seps == '*')
		return 0;
	if (k == 3 && p->len[0] == 3 && p->len[1] == 3 && p->len[2] == 4)
		return lead >= '2';
	if (k == 4 && p->len[0] == 1 && lead == '1' && p->len[1] == 3 && p->len[2] == 3 && p->len[3] == 4)
		return (unsigned char)t[p->start[1]] >= '2';
	return 0;
}

/* A phone number starting at i (a digit, '+' or '('). Where none starts at
 * a digit, the scan goes on after its run: no number starts inside one. */
static size_t match_phone(struct scan *sc, size_t i)
{
	const char *t = sc->t;
	size_t n = sc->n, j = i, digits = 0, skip = i + 1;
	struct phone p;

	while (is_digit((unsigned char)t[i]) && skip < n && is_digit((unsigned char)t[skip]))
		skip++;
	/* A '+' is sign enough to start one in a path ("/users/+44..."). */
	if (i > 0 && i != sc->esc_end && !phone_starts((unsigned char)t[i - 1]) && !(t[i] == '+' && t[i - 1] == '/'))
		return skip;
	p.plus = t[j] == '+';
	p.ngroups = 0;
	j += (size_t)p.plus;
	while (p.ngroups < PHONE_GROUPS && j < n && digits <= 15) {
		int g = p.ngroups, paren;
		size_t d;
		char sep = 0;

		if (g > 0) {
			unsigned char c = (unsigned char)t[j];
			unsigned char next = j + 1 < n ? (unsigned char)t[j + 1] : 0;
			if ((c == ' ' || c == '-' || c == '.') && (is_digit(next) || (c == ' ' && next == '('))) {
				sep = (char)c;
				j++;
			} else if (c == '%' && next == '2' && j + 3 < n && t[j + 2] == '0' && is_digit((unsigned char)t[j + 3])) {
				sep = ' ';   /* a space in a URL */
				j += 3;
			} else if (p.paren[g - 1] && is_digit(c)) {
				sep = ')';
			} else {
				break;
			}
		}
		paren = t[j] == '(';
		j += (size_t)paren;
		for (d = 0; j + d < n && is_digit((unsigned char)t[j + d]); d++)
			;
		if (d == 0 || (paren && (j + d >= n || t[j + d] != ')')))
			break;
		p.start[g] = j;
		p.len[g] = d;
		p.sep[g] = sep;
		p.paren[g] = paren;
		j += d + (size_t)paren;
		p.end[g] = j;
		digits += d;
		p.ngroups++;
	}
	/* The longest reading that ends well and has a phone's shape; a
	 * shorter one may only end before a space ("call 020 7946 0958 at"). */
	for (int k = p.ngroups; k >= 1; k--) {
		if (k < p.ngroups && p.sep[k] != ' ')
			continue;
		if (phone_ends(t, n, p.end[k - 1]) && phone_shape(t, &p, k)) {
			emit(sc, i, p.end[k - 1], K_PHONE);
			return p.end[k - 1];
		}
	}
	return skip;
}

/* A credential after "Bearer ". Words of prose ("missing bearer token")
 * are not credentials: a token has 16 or more bytes, or at least 8 with a
 * digit, a symbol or a capital past the first. */
static size_t match_bearer(struct scan *sc, size_t i)
{
	const char *t = sc->t;
	size_t n = sc->n, j = i + 6, s;
	int mixed = 0;

	if (!word_starts(sc, i) || !ci_eq(t + i, n - i, "bearer", 6) || j >= n || t[j] != ' ')
		return 0;
	while (j < n && t[j] == ' ')
		j++;
	s = j;
	while (j < n && is_token68((unsigned char)t[j])) {
		unsigned char c = (unsigned char)t[j];
		if (!is_alpha(c) || (j > s && c >= 'A' && c <= 'Z'))
			mixed = 1;
		j++;
	}
	while (j < n && t[j] == '=')
		j++;
	if (j - s < 8 || (j - s < 16 && !mixed))
		return 0;
	emit(sc, s, j, K_TOKEN);
	return j;
}

/* An API key: sk_ and 16 or more letters, digits or _ (sk_live_..., sk_test_...). */
static size_t match_key(struct scan *sc, size_t i)
{
	const char *t = sc->t;
	size_t j = i + 3;

	if (!word_starts(sc, i) || j > sc->n || t[i + 2] != '_')
		return 0;
	while (j < sc->n && (is_alnum((unsigned char)t[j]) || t[j] == '_'))
		j++;
	if (j - (i + 3) < 16)
		return 0;
	emit(sc, i, j, K_KEY);
	return j;
}

/* The end of a run of base64url bytes from j. */
static size_t b64url_end(const char *t, size_t n, size_t j)
{
	while (j < n && is_b64url((unsigned char)t[j]))
		j++;
	return j;
}

/* A JSON Web Token: header.payload.signature, the header's JSON making it
 * start "eyJ"; the five parts of an encrypted one are taken too. */
static size_t match_jwt(struct scan *sc, size_t i)
{
	const char *t = sc->t;
	size_t n = sc->n, j, k, e;

	if (i > 0 && i != sc->esc_end && (is_b64url((unsigned char)t[i - 1]) || t[i - 1] == '.'))
		return 0;
	if (i + 2 >= n || t[i + 2] != 'J')
		return 0;
	j = b64url_end(t, n, i);
	if (j - i < 10 || j >= n || t[j] != '.')
		return 0;
	k = b64url_end(t, n, j + 1);
	if (k - j < 3 || k >= n || t[k] != '.')
		return 0;
	e = b64url_end(t, n, k + 1);
	while (e + 1 < n && t[e] == '.' && is_b64url((unsigned char)t[e + 1]))
		e = b64url_end(t, n, e + 1);
	emit(sc, i, e, K_JWT);
	return e;
}

/* The end of a JSON string's contents from j: its closing quote. */
static size_t json_str_end(const char *t, size_t n, size_t j)
{
	while (j < n && t[j] != '"')
		j = t[j] == '\\' ? escape_end(t, n, j) : j + 1;
	return j;
}

/* The end of the contents of a string escaped inside a JSON string
 * (\"...\"): its closing \", or the outer string's end, whichever is first. */
static size_t escaped_str_end(const char *t, size_t n, size_t j)
{
	int inner_esc = 0;

	while (j < n && t[j] != '"') {
		size_t e;

		if (t[j] != '\\') {
			inner_esc = 0;
			j++;
			continue;
		}
		e = escape_end(t, n, j);
		if (e - j == 2 && t[j + 1] == '"' && !inner_esc)
			return j;
		inner_esc = e - j == 2 && t[j + 1] == '\\' ? !inner_esc : 0;
		j = e;
	}
	return j;
}

/* The end of an unquoted value (name=value, name: value): up to a space,
 * quote, separator or escape; "\\" and "\/" belong to the value. */
static size_t bare_word_end(const char *t, size_t n, size_t j)
{
	while (j < n) {
		unsigned char c = (unsigned char)t[j];

		if (c == '\\') {
			if (j + 1 < n && (t[j + 1] == '\\' || t[j + 1] == '/')) {
				j += 2;
				continue;
			}
			break;
		}
		if (c <= ' ' || c == 0x7f || c == '&' || c == '"' || c == '\'' || c == ',' || c == ';' ||
		    c == '}' || c == ')' || c == ']' || c == '<' || c == '>')
			break;
		j++;
	}
	return j;
}

/* An unquoted value; after an authorization scheme ("Basic", "Bearer")
 * the credential that follows is part of it. */
static size_t bare_end(const char *t, size_t n, size_t s)
{
	size_t j = bare_word_end(t, n, s);

	if (j < n && t[j] == ' ' && (ci_word(t + s, j - s, "basic") || ci_word(t + s, j - s, "bearer") ||
	                             ci_word(t + s, j - s, "digest") || ci_word(t + s, j - s, "token"))) {
		while (j < n && t[j] == ' ')
			j++;
		j = bare_word_end(t, n, j);
	}
	return j;
}

/* The value of a field whose name holds one of field_words, the word at i:
 * "name":"value" in JSON, \"name\":\"value\" in JSON inside a JSON string,
 * name=value and name: value in text. Only string values are replaced. */
static size_t match_field(struct scan *sc, size_t i)
{
	const char *t = sc->t;
	size_t n = sc->n, lo = scan_floor(sc), ks = i, ke, j, vs, ve;
	size_t w;
	int depth = -1;   /* -1: an unquoted name; 0: "name"; 1: \"name\" */

	for (w = 0; w < sizeof field_words / sizeof field_words[0]; w++)
		if (field_words[w].word[0] == lower((unsigned char)t[i]) &&
		    ci_eq(t + i, n - i, field_words[w].word, field_words[w].len))
			break;
	if (w == sizeof field_words / sizeof field_words[0])
		return 0;
	while (ks > lo && i - ks < REACH && is_name((unsigned char)t[ks - 1]))
		ks--;
	ke = i + field_words[w].len;
	while (ke < n && ke - i < REACH && is_name((unsigned char)t[ke]))
		ke++;
	j = ke;
	if (ks > 0 && t[ks - 1] == '"') {
		size_t bs = 0;

		while (bs < ks - 1 && bs < 2 && t[ks - 2 - bs] == '\\')
			bs++;
		if (bs == 0 && ke < n && t[ke] == '"') {
			depth = 0;
			j = ke + 1;
		} else if (bs == 1 && ke + 1 < n && t[ke] == '\\' && t[ke + 1] == '"') {
			depth = 1;
			j = ke + 2;
		}
	}
	while (j < n && t[j] == ' ')
		j++;
	if (j >= n || (t[j] != ':' && (depth >= 0 || t[j] != '=')))
		return 0;
	j++;
	while (j < n && t[j] == ' ')
		j++;
	if (depth == 0 && j < n && t[j] == '"') {
		vs = j + 1;
		ve = json_str_end(t, n, vs);
	} else if (depth != 0 && j + 1 < n && t[j] == '\\' && t[j + 1] == '"') {
		vs = j + 2;
		ve = escaped_str_end(t, n, vs);
	} else if (depth < 0) {
		/* A raw quote here ends the JSON string the text sits in, so it
		 * never opens a value: the line must stay valid JSON. */
		vs = j;
		ve = bare_end(t, n, vs);
	} else {
		return 0;
	}
	if (ve == vs)
		return 0;
	emit(sc, vs, ve, K_SECRET);
	return ve;
}

/* The rules, by number, and as bits: which bytes may start one (rule_first[])
 * and which bytes may follow that first byte (rule_second[]); rules in
 * R_ANY_SECOND accept any. Together they pass over almost every byte of an
 * ordinary line with one or two loads. */
enum {
	B_ESC,
	B_AT,
	B_PCT,
	B_PHONE,
	B_BEARER,
	B_KEY,
	B_JWT,
	B_PA,   /* password, passwd */
	B_SE,   /* secret */
	B_TO,   /* token */
	B_AP,   /* api_key, apikey, api-key */
	B_AU,   /* authorization */
	B__MAX
};

enum {
	R_ESC = 1 << B_ESC,
	R_AT = 1 << B_AT,
	R_PCT = 1 << B_PCT,
	R_PHONE = 1 << B_PHONE,
	R_BEARER = 1 << B_BEARER,
	R_KEY = 1 << B_KEY,
	R_JWT = 1 << B_JWT,
	R_PA = 1 << B_PA,
	R_SE = 1 << B_SE,
	R_TO = 1 << B_TO,
	R_AP = 1 << B_AP,
	R_AU = 1 << B_AU,
	R_ANY_SECOND = R_ESC | R_AT | R_PHONE,
};

static const unsigned short rule_first[256] = {
	['\\'] = R_ESC, ['@'] = R_AT, ['%'] = R_PCT,
	['0'] = R_PHONE, ['1'] = R_PHONE, ['2'] = R_PHONE, ['3'] = R_PHONE, ['4'] = R_PHONE,
	['5'] = R_PHONE, ['6'] = R_PHONE, ['7'] = R_PHONE, ['8'] = R_PHONE, ['9'] = R_PHONE,
	['+'] = R_PHONE, ['('] = R_PHONE,
	['B'] = R_BEARER, ['b'] = R_BEARER,
	['s'] = R_KEY | R_SE, ['S'] = R_SE,
	['e'] = R_JWT,
	['p'] = R_PA, ['P'] = R_PA,
	['t'] = R_TO, ['T'] = R_TO,
	['a'] = R_AP | R_AU, ['A'] = R_AP | R_AU,
};

static const unsigned short rule_second[256] = {
	['4'] = R_PCT,
	['e'] = R_BEARER | R_SE, ['E'] = R_BEARER | R_SE,
	['k'] = R_KEY,
	['y'] = R_JWT,
	['a'] = R_PA, ['A'] = R_PA,
	['o'] = R_TO, ['O'] = R_TO,
	['p'] = R_AP, ['P'] = R_AP,
	['u'] = R_AU, ['U'] = R_AU,
};

/* Each rule's matcher, tried in this order where several may start. */
static size_t (*const rules[B__MAX])(struct scan *sc, size_t i) = {
	[B_ESC] = match_escape,
	[B_AT] = match_at,
	[B_PCT] = match_pct,
	[B_PHONE] = match_phone,
	[B_BEARER] = match_bearer,
	[B_KEY] = match_key,
	[B_JWT] = match_jwt,
	[B_PA] = match_field,
	[B_SE] = match_field,
	[B_TO] = match_field,
	[B_AP] = match_field,
	[B_AU] = match_field,
};

int redact_append(struct buf *out, const char *text, size_t len, const struct redact_opts *o)
{
	struct scan sc = { .t = text, .n = len, .out = out, .o = o };
	size_t i = 0;

	if (o == NULL || !o->enabled)
		return buf_append(out, text, len) < 0 ? -1 : 0;
	/* One pass: a matcher runs only where this byte and the next may
	 * start its rule; it copies the text before a finding as it goes. */
	while (i < len) {
		unsigned m = rule_first[(unsigned char)text[i]];
		size_t e = 0;

		if (m == 0) {
			i++;
			continue;
		}
		m &= rule_second[i + 1 < len ? (unsigned char)text[i + 1] : 0] | R_ANY_SECOND;
		for (; m != 0 && e == 0; m &= m - 1)
			e = rules[__builtin_ctz(m)](&sc, i);
		i = e > i ? e : i + 1;
	}
	if (buf_append(out, text + sc.copied, len - sc.copied) < 0 || sc.oom)
		return -1;
	return sc.count;
}
