/* check_template: placeholders, escaping, mistakes, and the shipped pages. */
#include "ac-config.h"

#include "suites.h"
#include "template.h"

#include <string.h>

START_TEST(test_fill_and_escape)
{
	struct buf out = BUF_INIT, why = BUF_INIT;
	const struct template_var v[] = { { "who", "<script>alert(\"x\")</script> & 'co'" }, { "n", "3" } };

	ck_assert_int_eq(template_fill("<p>{{who}}</p><i>{{n}}{{n}}</i>", v, 2, &out, &why), 0);
	ck_assert_str_eq(out.data, "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p><i>33</i>");
	buf_reset(&out);
	ck_assert_int_eq(template_fill("no placeholders", v, 2, &out, &why), 0);
	ck_assert_str_eq(out.data, "no placeholders");
	buf_free(&out);
	buf_free(&why);
}
END_TEST

START_TEST(test_mistakes_fail)
{
	struct buf out = BUF_INIT, why = BUF_INIT;
	const struct template_var v[] = { { "a", "1" } };

	ck_assert_int_eq(template_fill("{{b}}", v, 1, &out, &why), -1);
	ck_assert_ptr_nonnull(strstr(why.data, "{{b}}"));
	buf_reset(&why);
	ck_assert_int_eq(template_fill("{{a", v, 1, &out, &why), -1);
	buf_reset(&why);
	ck_assert_int_eq(template_render("nope.html", v, 1, &out, &why), -1);
	buf_free(&out);
	buf_free(&why);
}
END_TEST

START_TEST(test_maintenance_page)
{
	struct buf out = BUF_INIT, why = BUF_INIT;
	const struct template_var v[] = { { "message", "Back at <5>" }, { "request_id", "abc" } };

	ck_assert_int_eq(template_render("maintenance.html", v, 2, &out, &why), 0);
	ck_assert_ptr_nonnull(strstr(out.data, "<h1>Down for maintenance</h1>"));
	ck_assert_ptr_nonnull(strstr(out.data, "Back at &lt;5&gt;"));
	ck_assert_ptr_null(strstr(out.data, "{{"));
	buf_free(&out);
	buf_free(&why);
}
END_TEST

Suite *template_suite(void)
{
	Suite *s = suite_create("template");
	TCase *tc = tcase_create("template");

	tcase_add_test(tc, test_fill_and_escape);
	tcase_add_test(tc, test_mistakes_fail);
	tcase_add_test(tc, test_maintenance_page);
	suite_add_tcase(s, tc);
	return s;
}
