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

START_TEST(test_fragments)
{
	struct template_html row = TEMPLATE_HTML_INIT, page = TEMPLATE_HTML_INIT;
	struct buf why = BUF_INIT;
	const struct template_var v[] = { { "text", "<b>&'\"" } };
	const struct template_data d = { v, 1, NULL, 0 };
	const struct template_fragment f[] = { { "description", &row } };
	const struct template_data outer = { NULL, 0, f, 1 };

	/* A fragment is rendered by the module (its values escaped) and goes
	 * into another template as it is: escaped once, not twice. */
	ck_assert_int_eq(template_append(&row, "docs-code.html", &d, &why), 0);
	ck_assert_str_eq(row.b.data, "<code>&lt;b&gt;&amp;&#39;&quot;</code>");
	ck_assert_int_eq(template_append(&page, "docs-tag.html", &(struct template_data){ (const struct template_var[]){ { "tag", "a<b" } }, 1, f, 1 }, &why), -1);
	buf_reset(&why);
	{
		const struct template_fragment two[] = { { "description", &row }, { "operations", NULL } };
		const struct template_var tag[] = { { "tag", "a<b" } };
		const struct template_data dd = { tag, 1, two, 2 };

		ck_assert_int_eq(template_append(&page, "docs-tag.html", &dd, &why), 0);
		ck_assert_ptr_nonnull(strstr(page.b.data, "<h2 id=\"tag-a&lt;b\">a&lt;b</h2>"));
		ck_assert_ptr_nonnull(strstr(page.b.data, "<p class=\"lead\"><code>&lt;b&gt;&amp;&#39;&quot;</code></p>"));
	}
	/* {{>name}} takes fragments only, and {{name}} text only. */
	template_html_free(&page);
	ck_assert_int_eq(template_append(&page, "docs-code.html", &outer, &why), -1);
	ck_assert_ptr_nonnull(strstr(why.data, "{{text}}"));
	buf_reset(&why);
	ck_assert_int_eq(template_fill("{{>text}}", v, 1, &page.b, &why), -1);
	ck_assert_ptr_nonnull(strstr(why.data, "{{>text}}"));
	/* An inline template keeps no line break of its own. */
	buf_reset(&row.b);
	ck_assert_int_eq(template_append(&row, "docs-text.html", &d, &why), 0);
	ck_assert_str_eq(row.b.data, "&lt;b&gt;&amp;&#39;&quot;");
	template_html_free(&row);
	template_html_free(&page);
	buf_free(&why);
}
END_TEST

Suite *template_suite(void)
{
	Suite *s = suite_create("template");
	TCase *tc = tcase_create("template");

	tcase_add_test(tc, test_fill_and_escape);
	tcase_add_test(tc, test_mistakes_fail);
	tcase_add_test(tc, test_fragments);
	tcase_add_test(tc, test_maintenance_page);
	suite_add_tcase(s, tc);
	return s;
}
