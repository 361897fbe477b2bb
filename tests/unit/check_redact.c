/* check_redact: personal data and secrets leave log lines, ordinary values stay, and lines stay JSON. */
#include "ac-config.h"

#include "buf.h"
#include "log.h"
#include "redact.h"
#include "suites.h"

#include <gnutls/crypto.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Until suites.h lists it. */

static const struct redact_opts markers_only = { 1, NULL };

/* The typical access-log line of the hot path: nothing in it is personal. */
static const char access_line[] =
	"{\"time\":\"2026-11-27T16:00:00.123Z\",\"level\":\"info\",\"program\":\"sentia-api\",\"pid\":1234,"
	"\"request_id\":\"0123456789abcdef0123456789abcdef\",\"msg\":\"request\",\"method\":\"GET\","
	"\"path\":\"/api/imports/42\",\"status\":200,\"duration_ms\":0.512,\"remote_addr\":\"127.0.0.1\"}";

/* Redacts in with the options; returns the text (caller frees) and the count. */
static char *redact_str(const char *in, const struct redact_opts *o, int *count)
{
	struct buf b = BUF_INIT;
	int n = redact_append(&b, in, strlen(in), o);

	ck_assert_int_ge(n, 0);
	if (count != NULL)
		*count = n;
	if (b.data == NULL)
		return strdup("");
	return b.data;
}

/* Redacts in with markers only and compares the result with want. */
static void assert_redacts(const char *in, const char *want)
{
	char *got = redact_str(in, &markers_only, NULL);

	ck_assert_msg(strcmp(got, want) == 0, "redacting\n  %s\ngave\n  %s\nnot\n  %s", in, got, want);
	free(got);
}

/* Redacting in leaves it byte for byte as it was. */
static void assert_unchanged(const char *in)
{
	int n;
	char *got = redact_str(in, &markers_only, &n);

	ck_assert_msg(strcmp(got, in) == 0, "should be left alone:\n  %s\nbut gave\n  %s", in, got);
	ck_assert_int_eq(n, 0);
	free(got);
}

/* Whether text parses as one JSON object. */
static int is_json_object(const char *text)
{
	struct json_object *o = json_tokener_parse(text);
	int ok = o != NULL && json_object_is_type(o, json_type_object);

	json_object_put(o);
	return ok;
}

START_TEST(test_email)
{
	assert_redacts("mail alice@example.com now", "mail [email] now");
	assert_redacts("write to carol.o+tag@mail.example.co.uk.", "write to [email].");
	assert_redacts("{\"msg\":\"to \\\"bob.jones@example.org\\\"\"}", "{\"msg\":\"to \\\"[email]\\\"\"}");
	/* The 'n' of an escaped newline is no part of the address. */
	assert_redacts("{\"msg\":\"a\\nalice@example.com\"}", "{\"msg\":\"a\\n[email]\"}");
	assert_redacts("{\"msg\":\"\\u0001dave@example.com\"}", "{\"msg\":\"\\u0001[email]\"}");
	assert_redacts("{\"path\":\"/api/users/alice%40example.com/orders\"}", "{\"path\":\"/api/users/[email]/orders\"}");
	assert_redacts("GET /reset?email=eve@example.com&x=1", "GET /reset?email=[email]&x=1");
	assert_unchanged("user@localhost and postgres@10.0.0.1 and @everyone and x@y");
}
END_TEST

START_TEST(test_phone)
{
	assert_redacts("call +44 20 7946 0958 today", "call [phone] today");
	assert_redacts("{\"msg\":\"call +1-202-555-0143\"}", "{\"msg\":\"call [phone]\"}");
	assert_redacts("call (202) 555-0143.", "call [phone].");
	assert_redacts("call (202)555-0143", "call [phone]");
	assert_redacts("call 020 7946 0958 at 10:00", "call [phone] at 10:00");
	assert_redacts("call 020 7946 0958 10:00", "call [phone] 10:00");
	assert_redacts("+44 20 7946 0958:ext", "[phone]:ext");
	assert_redacts("phone=07700 900123", "phone=[phone]");
	assert_redacts("tel:0121-496-0000", "tel:[phone]");
	assert_redacts("202-555-0143 or 202.555.0143 or 1 202 555 0143", "[phone] or [phone] or [phone]");
	assert_redacts("+442079460958", "[phone]");
	assert_redacts("/api/users/+44%2020%207946%200958/x", "/api/users/[phone]/x");
	assert_redacts("+44 (0)20 7946 0958", "[phone]");
	assert_redacts("{\"msg\":\"x\\\"+33 1 23 45 67 89\\\"\"}", "{\"msg\":\"x\\\"[phone]\\\"\"}");
	assert_redacts("{\"msg\":\"\\n020 7946 0958\\n\"}", "{\"msg\":\"\\n[phone]\\n\"}");
}
END_TEST

/* Numbers that are not phones: a bare run of digits (a size, an id, a
 * count, an epoch) has no phone's separators and is never one. */
START_TEST(test_numbers_kept)
{
	assert_unchanged(access_line);
	assert_unchanged("2026-11-27T16:00:00.123Z 2026-11-27 16:00:00 2026-11-27T16:00:00+01:00 27/11/2026 11-27-2026");
	assert_unchanged("request 0123456789abcdef0123456789abcdef 123e4567-e89b-12d3-a456-426614174000");
	assert_unchanged("from 192.168.100.200 and 10.0.0.1:8080 and 2001:db8:85a3::8a2e:370:7334 and ::1");
	assert_unchanged("took 0.512 ms, 1500.250 ms, 12345.678 s; status 200, 404, 503");
	assert_unchanged("/api/imports/123456 /api/imports/1234567890 /v1/items/0207946095");
	assert_unchanged("upload of 10485760 bytes, 1048576000 bytes; 1234567 rows; epoch 1795795200, 1795795200123");
	assert_unchanged("sentia 0.9.12, v2.10.4, libpq 16.4.0, 1.2.3.4.5.6.7");
	assert_unchanged("total 1,234,567 and 12 345 678 and 100 200 300 and 2026 11 27");
	assert_unchanged("{\"pid\":1234567,\"count\":12345678,\"bytes\":10485760,\"status\":200,\"duration_ms\":1234.567}");
	assert_unchanged("offset +0100, +05:30, +1, x+1234567890, 1+2345678");
}
END_TEST

START_TEST(test_bearer_key_jwt)
{
	static const char jwt[] =
		"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIn0."
		"SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
	char in[512], want[512];

	assert_redacts("sent Bearer abcDEF123456ghiJKL!", "sent Bearer [token]!");
	assert_redacts("{\"msg\":\"bearer 0123456789abcdef0123\"}", "{\"msg\":\"bearer [token]\"}");
	assert_redacts("Bearer mF_9.B5f-4.1JqM=", "Bearer [token]");
	assert_redacts("key sk_live_4eC39HqLyjWDarjtT1zdp7dc used", "key [key] used");
	assert_redacts("{\"msg\":\"\\\"sk_test_0123456789abcdefXYZ\\\"\"}", "{\"msg\":\"\\\"[key]\\\"\"}");
	snprintf(in, sizeof in, "{\"msg\":\"session %s expired\"}", jwt);
	assert_redacts(in, "{\"msg\":\"session [jwt] expired\"}");
	snprintf(in, sizeof in, "Bearer %s", jwt);
	assert_redacts(in, "Bearer [token]");
	snprintf(in, sizeof in, "alg none: eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.");
	snprintf(want, sizeof want, "alg none: [jwt]");
	assert_redacts(in, want);
	/* Prose, short keys and lookalikes stay. */
	assert_unchanged("missing bearer token; Bearer realm=\"api\"; bearer credentials expired");
	assert_unchanged("sk_short task_0123456789abcdefghij risk_0123456789abcdefghij");
	assert_unchanged("eyJ alone, keyJ.abc.def, eyJhbGciOiJIUzI1NiJ9 without dots");
}
END_TEST

START_TEST(test_fields)
{
	assert_redacts("{\"password\":\"hunter2\",\"user\":\"bob\"}", "{\"password\":\"[redacted]\",\"user\":\"bob\"}");
	assert_redacts("{\"Authorization\":\"Basic dXNlcjpwYXNz\"}", "{\"Authorization\":\"[redacted]\"}");
	assert_redacts("{\"client_secret\":\"s3\\\"cr\\\\et\\u0001\",\"n\":1}", "{\"client_secret\":\"[redacted]\",\"n\":1}");
	assert_redacts("{\"accessToken\" : \"abc\",\"X-Api-Key\":\"k1\",\"api_key\":\"zz\",\"apiKey\":\"q\"}",
	               "{\"accessToken\" : \"[redacted]\",\"X-Api-Key\":\"[redacted]\",\"api_key\":\"[redacted]\",\"apiKey\":\"[redacted]\"}");
	assert_redacts("{\"db_passwd\":\"p\",\"refresh_token\":\"r\"}", "{\"db_passwd\":\"[redacted]\",\"refresh_token\":\"[redacted]\"}");
	/* JSON logged inside the message: the escaped quotes stay paired. */
	assert_redacts("{\"msg\":\"body {\\\"password\\\":\\\"hun\\\\\\\"ter2\\\",\\\"x\\\":1}\"}",
	               "{\"msg\":\"body {\\\"password\\\":\\\"[redacted]\\\",\\\"x\\\":1}\"}");
	/* Query strings, headers and other text. */
	assert_redacts("{\"msg\":\"GET /login?user=bob&password=hunter2&next=/\"}",
	               "{\"msg\":\"GET /login?user=bob&password=[redacted]&next=/\"}");
	assert_redacts("token=abc123; secret=x\\\\y z", "token=[redacted]; secret=[redacted] z");
	assert_redacts("user%5Bpassword%5D=a user[password]=b", "user%5Bpassword%5D=[redacted] user[password]=[redacted]");
	assert_redacts("Authorization: Basic dXNlcjpwYXNz, next", "Authorization: [redacted], next");
	assert_redacts("authorization: Bearer abc.def.ghi\\nX-Other: 1", "authorization: [redacted]\\nX-Other: 1");
	assert_redacts("Authorization=Token 9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b", "Authorization=[redacted]");
	assert_redacts("{\"msg\":\"password=\\\"a b\\\" ok\"}", "{\"msg\":\"password=\\\"[redacted]\\\" ok\"}");
	assert_redacts("dsn postgres://sentia:s3cr%40t@db.internal:5432/sentia", "dsn postgres://sentia:[redacted]@db.internal:5432/sentia");
	assert_redacts("redis://:pw@localhost:6379/0", "redis://:[redacted]@localhost:6379/0");
	assert_redacts("{\"url\":\"redis:\\/\\/u:pw@cache\\/0\"}", "{\"url\":\"redis:\\/\\/u:[redacted]@cache\\/0\"}");
	assert_unchanged("see https://example.com/users/x@y and http://host/a@b");
	/* Not string values, empty values, and the words in prose stay. */
	assert_unchanged("{\"token_count\":3,\"password\":null,\"secret\":\"\",\"tokens\":[1,2]}");
	assert_unchanged("{\"msg\":\"password reset requested\",\"kind\":\"token\",\"note\":\"api_key\"}");
	assert_unchanged("{\"path\":\"/api/tokens/42\",\"msg\":\"session tokens will be refused\"}");
	/* A bare value never runs past the JSON string it is in. */
	assert_unchanged("{\"msg\":\"password=\",\"x\":\"y\"}");
}
END_TEST

/* Secrets next to every kind of escape, in a message and in a field: the
 * line still parses, and the decoded text no longer holds the secret. */
START_TEST(test_json_stays_valid)
{
	static const char *const secrets[] = {
		"alice@example.com", "+44 20 7946 0958", "(202) 555-0143", "020 7946 0958",
		"sk_live_4eC39HqLyjWDarjtT1zdp7dc", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
		"Bearer 0123456789abcdefABCDEF", "password=hunter2",
	};
	static const char *const hidden[] = {
		"alice@", "7946 0958", "555-0143", "7946 0958", "4eC39HqLyjWD", "eyJzdWIiOiIxIn0",
		"0123456789abcdefABCDEF", "hunter2",
	};
	static const char *const edges[] = {
		"", " ", "\"", "\\", "\n", "\t", "\x01", "\x7f", "\xc3\xa9", "{\"", "\\\"", "=", ":",
	};
	size_t ne = sizeof edges / sizeof edges[0];

	for (size_t s = 0; s < sizeof secrets / sizeof secrets[0]; s++) {
		for (size_t a = 0; a < ne; a++) {
			for (size_t z = 0; z < ne; z++) {
				struct buf text = BUF_INIT, line = BUF_INIT;
				struct json_object *o, *v;
				char *got;
				int n;

				buf_printf(&text, "%s%s%s", edges[a], secrets[s], edges[z]);
				buf_puts(&line, "{\"msg\":");
				buf_json_str(&line, text.data);
				buf_puts(&line, ",\"note\":");
				buf_json_str(&line, text.data);
				buf_puts(&line, "}");
				got = redact_str(line.data, &markers_only, &n);
				o = json_tokener_parse(got);
				ck_assert_msg(o != NULL, "not JSON after redaction: %s", got);
				ck_assert_int_eq(n, 2);
				ck_assert(json_object_object_get_ex(o, "msg", &v));
				ck_assert_msg(strstr(json_object_get_string(v), hidden[s]) == NULL, "kept: %s", got);
				ck_assert(json_object_object_get_ex(o, "note", &v));
				ck_assert_msg(strstr(json_object_get_string(v), hidden[s]) == NULL, "kept: %s", got);
				json_object_put(o);
				free(got);
				buf_free(&text);
				buf_free(&line);
			}
		}
	}
}
END_TEST

/* Every prefix of lines full of findings, each in memory of exactly its
 * length, so that a read past the end shows under the address sanitizer. */
START_TEST(test_every_prefix)
{
	static const char *const lines[] = {
		"{\"msg\":\"a\\u0001alice@example.com %40x.io +44 20 7946 0958 (202) 555-0143\\\"\"}",
		"Bearer abcDEF123456ghiJKL sk_live_4eC39HqLyjWDarjtT1zdp7dc eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
		"{\"password\":\"a\\\"b\",\"m\":\"{\\\"token\\\":\\\"x\\\\\\\"y\\\"}\"} x://u:p@h Authorization: Basic",
	};

	for (size_t l = 0; l < sizeof lines / sizeof lines[0]; l++) {
		size_t len = strlen(lines[l]);

		for (size_t k = 0; k <= len; k++) {
			struct buf b = BUF_INIT;
			char *p = malloc(k ? k : 1);

			ck_assert_ptr_nonnull(p);
			memcpy(p, lines[l], k);
			ck_assert_int_ge(redact_append(&b, p, k, &markers_only), 0);
			free(p);
			buf_free(&b);
		}
	}
}
END_TEST

/* Random text from the bytes the rules look at, as a JSON string: after
 * redaction it is still JSON. */
START_TEST(test_random_stays_json)
{
	static const char alphabet[] = "@.+()- 0123456789aeyJskK_pPwordtTnuhizBbAR%4\\\"\n:={}/";
	unsigned long long seed = 0x5eed;

	for (int round = 0; round < 3000; round++) {
		char text[96];
		size_t n = (size_t)(round % 90) + 1;
		struct buf line = BUF_INIT;
		char *got;

		for (size_t i = 0; i < n; i++) {
			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			text[i] = alphabet[(seed >> 33) % (sizeof alphabet - 1)];
		}
		text[n] = '\0';
		buf_puts(&line, "{\"msg\":");
		buf_json_str(&line, text);
		buf_puts(&line, "}");
		got = redact_str(line.data, &markers_only, NULL);
		ck_assert_msg(is_json_object(got), "not JSON after redaction: %s (was %s)", got, line.data);
		free(got);
		buf_free(&line);
	}
}
END_TEST

/* The marker a keyed redaction gives for one whole-text value. */
static char *keyed(const char *value, const char *key)
{
	struct redact_opts o = { 1, key };

	return redact_str(value, &o, NULL);
}

START_TEST(test_keyed_hash)
{
	char *a = keyed("alice@example.com", "k1");
	char *a2 = keyed("ALICE@Example.com", "k1");
	char *b = keyed("bob@example.com", "k1");
	char *ak2 = keyed("alice@example.com", "k2");
	char *p1 = keyed("+1-202-555-0143", "k1");
	char *p2 = keyed("+1 202 555 0143", "k1");
	char *p3 = keyed("+1%20202%20555%200143", "k1");
	char *s = keyed("{\"password\":\"hunter2\"}", "k1");
	char *pct = keyed("alice%40example.com", "k1");
	unsigned char d[32];
	char want[32];

	/* The first 12 hex digits of HMAC-SHA-256(key, value). */
	ck_assert_int_eq(gnutls_hmac_fast(GNUTLS_MAC_SHA256, "k1", 2, "alice@example.com", 17, d), 0);
	snprintf(want, sizeof want, "[email:%02x%02x%02x%02x%02x%02x]", d[0], d[1], d[2], d[3], d[4], d[5]);
	ck_assert_str_eq(a, want);
	ck_assert_str_eq(a2, a);
	ck_assert_str_eq(pct, a);
	ck_assert_str_ne(b, a);
	ck_assert_str_ne(ak2, a);
	ck_assert_int_eq(strncmp(b, "[email:", 7), 0);
	ck_assert_uint_eq(strlen(b), strlen(a));
	ck_assert_int_eq(strncmp(p1, "[phone:", 7), 0);
	ck_assert_str_eq(p1, p2);
	ck_assert_str_eq(p1, p3);
	ck_assert_int_eq(strncmp(s, "{\"password\":\"[redacted:", 23), 0);
	ck_assert(is_json_object(s));
	free(a);
	free(a2);
	free(b);
	free(ak2);
	free(p1);
	free(p2);
	free(p3);
	free(s);
	free(pct);
	/* An empty key means markers only. */
	a = keyed("alice@example.com", "");
	ck_assert_str_eq(a, "[email]");
	free(a);
}
END_TEST

START_TEST(test_off_and_count)
{
	static const char busy[] = "alice@example.com +44 20 7946 0958 sk_live_4eC39HqLyjWDarjtT1zdp7dc password=x";
	struct redact_opts off = { 0, "k1" };
	int n;
	char *got = redact_str(busy, &off, &n);

	ck_assert_str_eq(got, busy);
	ck_assert_int_eq(n, 0);
	free(got);
	got = redact_str(busy, NULL, &n);
	ck_assert_str_eq(got, busy);
	free(got);
	got = redact_str(busy, &markers_only, &n);
	ck_assert_str_eq(got, "[email] [phone] [key] password=[redacted]");
	ck_assert_int_eq(n, 4);
	free(got);
	/* Appending keeps what the buffer held; a length bounds the text. */
	{
		struct buf b = BUF_INIT;

		buf_puts(&b, "head ");
		ck_assert_int_eq(redact_append(&b, "bob@example.com tail", 15, &markers_only), 1);
		ck_assert_str_eq(b.data, "head [email]");
		ck_assert_int_eq(redact_append(&b, "", 0, &markers_only), 0);
		ck_assert_str_eq(b.data, "head [email]");
		buf_free(&b);
	}
}
END_TEST

/* Sends stderr to a temporary file until capture_end, which returns what
 * was written (caller frees). */
struct capture {
	FILE *f;
	int saved;
};

static void capture_begin(struct capture *c)
{
	fflush(stderr);
	c->f = tmpfile();
	ck_assert_ptr_nonnull(c->f);
	c->saved = dup(STDERR_FILENO);
	ck_assert_int_ge(c->saved, 0);
	ck_assert_int_ge(dup2(fileno(c->f), STDERR_FILENO), 0);
}

static char *capture_end(struct capture *c)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;

	dup2(c->saved, STDERR_FILENO);
	close(c->saved);
	rewind(c->f);
	while ((n = fread(chunk, 1, sizeof chunk, c->f)) > 0)
		buf_append(&b, chunk, n);
	fclose(c->f);
	buf_putc(&b, '\0');
	return b.data;
}

/* What the logger writes for one message and one field holding text. */
static char *logged(const char *text, const char *field)
{
	struct capture c;
	struct log_field f[] = {
		{ field, text, 0 },
		{ "status", NULL, 200 },
	};

	capture_begin(&c);
	log_msg(LOG_ERROR, "0123456789abcdef0123456789abcdef", "contact %s now", text);
	log_fields(LOG_ERROR, NULL, text, f, 2);
	return capture_end(&c);
}

/* Every line of the logger's output parses as JSON and none holds secret. */
static void assert_lines(const char *out, int want_lines, const char *secret, const char *marker)
{
	int lines = 0;
	char *copy = strdup(out), *save = NULL;

	for (char *l = strtok_r(copy, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
		lines++;
		ck_assert_msg(is_json_object(l), "not JSON: %s", l);
		if (secret != NULL)
			ck_assert_msg(strstr(l, secret) == NULL, "%s still in %s", secret, l);
		if (marker != NULL)
			ck_assert_msg(strstr(l, marker) != NULL, "no %s in %s", marker, l);
	}
	ck_assert_int_eq(lines, want_lines);
	free(copy);
}

START_TEST(test_logger)
{
	static const struct {
		const char *text;      /* what is logged */
		const char *secret;    /* what must not be in the line */
		const char *marker;
	} cases[] = {
		{ "\"alice@example.com\"", "alice@", "[email]" },
		{ "+44 20 7946 0958", "7946", "[phone]" },
		{ "+1-202-555-0143", "555-0143", "[phone]" },
		{ "(202) 555-0143", "555-0143", "[phone]" },
		{ "020 7946 0958", "7946", "[phone]" },
		{ "Bearer abcDEF123456ghiJKL", "abcDEF123456ghiJKL", "Bearer [token]" },
		{ "sk_live_4eC39HqLyjWDarjtT1zdp7dc", "4eC39HqLyjWD", "[key]" },
		{ "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl", "eyJzdWIiOiIxIn0", "[jwt]" },
		{ "/login?user=bob&password=hunter2", "hunter2", "password=[redacted]" },
		{ "{\"api_key\":\"zzz-secret-value\"}", "zzz-secret-value", "[redacted]" },
	};
	char *out;

	log_set_redaction(1, NULL);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		out = logged(cases[i].text, "note");
		assert_lines(out, 2, cases[i].secret, cases[i].marker);
		free(out);
	}
	/* A secret-named field of the logger's own. */
	out = logged("hunter2", "password");
	ck_assert_ptr_nonnull(strstr(out, "\"password\":\"[redacted]\""));
	free(out);

	/* Keyed: the same value gives the same hash in every line. */
	log_set_redaction(1, "log-key");
	out = logged("alice@example.com", "email");
	assert_lines(out, 2, "alice@", "[email:");
	{
		const char *h1 = strstr(out, "[email:"), *h2 = strstr(h1 + 1, "[email:");
		ck_assert_ptr_nonnull(h2);
		ck_assert_int_eq(strncmp(h1, h2, 20), 0);
	}
	free(out);

	/* Off: lines are written as they were. */
	log_set_redaction(0, NULL);
	out = logged("alice@example.com", "password");
	assert_lines(out, 2, NULL, "alice@example.com");
	ck_assert_ptr_nonnull(strstr(out, "\"password\":\"alice@example.com\""));
	free(out);
}
END_TEST

Suite *redact_suite(void)
{
	Suite *s = suite_create("redact");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_email);
	tcase_add_test(tc, test_phone);
	tcase_add_test(tc, test_numbers_kept);
	tcase_add_test(tc, test_bearer_key_jwt);
	tcase_add_test(tc, test_fields);
	tcase_add_test(tc, test_json_stays_valid);
	tcase_add_test(tc, test_every_prefix);
	tcase_add_test(tc, test_random_stays_json);
	tcase_add_test(tc, test_keyed_hash);
	tcase_add_test(tc, test_off_and_count);
	tcase_add_test(tc, test_logger);
	suite_add_tcase(s, tc);
	return s;
}
