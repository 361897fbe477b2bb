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

START_TEST(test_sections)
{
	struct buf out = BUF_INIT, why = BUF_INIT;
	const struct template_var a[] = { { "x", "1" } }, b[] = { { "x", "<2>" } }, outer[] = { { "t", "T" } };
	const struct template_var inner[] = { { "y", "i&j" } };
	struct template_scope inner_item = { .vars = inner, .nvars = 1 };
	struct template_section inner_sec[] = { { "in", &inner_item, 1 } };
	struct template_section none_inner[] = { { "in", NULL, 0 } };
	struct template_scope items2[] = { { .vars = a, .nvars = 1, .sections = none_inner, .nsections = 1 },
	                                  { .vars = b, .nvars = 1, .sections = inner_sec, .nsections = 1 } };
	struct template_section secs[] = { { "rows", items2, 2 }, { "empty", NULL, 0 } };
	struct template_scope scope = { .vars = outer, .nvars = 1, .sections = secs, .nsections = 2 };

	/* Repeated per item, looked up in the item then outwards, nested,
	 * escaped at every level; an inverted section only when empty. */
	ck_assert_int_eq(template_fill_scope("[{{#rows}}<{{x}}{{t}}{{#in}}({{y}}{{x}}){{/in}}{{^in}}-{{/in}}>{{/rows}}]"
	                                     "{{#empty}}E{{/empty}}{{^empty}}none{{/empty}}",
	                                     &scope, &out, &why),
	                 0);
	ck_assert_str_eq(out.data, "[<1T-><&lt;2&gt;T(i&amp;j&lt;2&gt;)>]none");
	buf_free(&out);
	buf_free(&why);
}
END_TEST

START_TEST(test_section_mistakes)
{
	struct buf out = BUF_INIT, why = BUF_INIT;
	struct template_section secs[] = { { "rows", NULL, 0 } };
	struct template_scope scope = { .sections = secs, .nsections = 1 };

	ck_assert_int_eq(template_fill_scope("{{#rows}}x", &scope, &out, &why), -1);
	ck_assert_ptr_nonnull(strstr(why.data, "not closed"));
	buf_reset(&why);
	ck_assert_int_eq(template_fill_scope("{{#cols}}x{{/cols}}", &scope, &out, &why), -1);
	ck_assert_ptr_nonnull(strstr(why.data, "no section cols"));
	buf_reset(&why);
	ck_assert_int_eq(template_fill_scope("x{{/rows}}", &scope, &out, &why), -1);
	buf_free(&out);
	buf_free(&why);
}
END_TEST

/* The SLO page: every placeholder it uses has a value in the handler's
 * scope, and a hostile value reaches the page escaped. */
START_TEST(test_slo_page_escapes)
{
	struct buf out = BUF_INIT, why = BUF_INIT;
	const struct template_var row[] = {
		{ "name", "error rate" }, { "target", "< 1 %" }, { "window", "5 min" }, { "value", "0.2 %" },
		{ "status", "ok" }, { "status_class", "st-ok" }, { "detail", "<script>alert(1)</script>" },
		{ "budget", "80 %" }, { "key", "error_rate" },
	};
	const struct template_var spark[] = { { "path", "M0,1 L2,3" } };
	struct template_scope spark_item = { .vars = spark, .nvars = 1 };
	struct template_section spark_sec[] = { { "spark", &spark_item, 1 } };
	struct template_scope rows[] = { { .vars = row, .nvars = 9, .sections = spark_sec, .nsections = 1 } };
	const struct template_var alert[] = {
		{ "alert", "memory" }, { "level", "warning" }, { "level_class", "st-warning" },
		{ "alert_value", "90 %" }, { "since", "2026-01-01T00:00:00Z" }, { "alert_detail", "\"><img src=x>" },
	};
	struct template_scope alerts[] = { { .vars = alert, .nvars = 6 } };
	struct template_section secs[] = { { "slos", rows, 1 }, { "alerts", alerts, 1 } };
	const struct template_var page[] = { { "generated_at", "now" }, { "overall", "warning" }, { "overall_class", "st-warning" } };
	struct template_scope scope = { .vars = page, .nvars = 3, .sections = secs, .nsections = 2 };

	ck_assert_int_eq(template_render_scope("slo.html", &scope, &out, &why), 0);
	ck_assert_ptr_null(strstr(out.data, "<script>"));
	ck_assert_ptr_nonnull(strstr(out.data, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	ck_assert_ptr_null(strstr(out.data, "<img"));
	ck_assert_ptr_nonnull(strstr(out.data, "<path d=\"M0,1 L2,3\"/>"));
	ck_assert_ptr_nonnull(strstr(out.data, "id=\"alert-memory\""));
	ck_assert_ptr_null(strstr(out.data, "no-alerts"));
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
	const struct template_scope d = { .vars = v, .nvars = 1 };
	const struct template_fragment f[] = { { "description", &row } };
	const struct template_scope outer = { .frags = f, .nfrags = 1 };

	/* A fragment is rendered by the module (its values escaped) and goes
	 * into another template as it is: escaped once, not twice. */
	ck_assert_int_eq(template_append(&row, "docs-code.html", &d, &why), 0);
	ck_assert_str_eq(row.b.data, "<code>&lt;b&gt;&amp;&#39;&quot;</code>");
	ck_assert_int_eq(template_append(&page, "docs-tag.html", &(struct template_scope){ .vars = (const struct template_var[]){ { "tag", "a<b" } }, .nvars = 1, .frags = f, .nfrags = 1 }, &why), -1);
	buf_reset(&why);
	{
		const struct template_fragment two[] = { { "description", &row }, { "operations", NULL } };
		const struct template_var tag[] = { { "tag", "a<b" } };
		const struct template_scope dd = { .vars = tag, .nvars = 1, .frags = two, .nfrags = 2 };

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
	tcase_add_test(tc, test_sections);
	tcase_add_test(tc, test_section_mistakes);
	tcase_add_test(tc, test_slo_page_escapes);
	suite_add_tcase(s, tc);
	return s;
}
