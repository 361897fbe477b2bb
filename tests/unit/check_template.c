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
	struct template_scope inner_item = { inner, 1, NULL, 0 };
	struct template_section inner_sec[] = { { "in", &inner_item, 1 } };
	struct template_section none_inner[] = { { "in", NULL, 0 } };
	struct template_scope items2[] = { { a, 1, none_inner, 1 }, { b, 1, inner_sec, 1 } };
	struct template_section secs[] = { { "rows", items2, 2 }, { "empty", NULL, 0 } };
	struct template_scope scope = { outer, 1, secs, 2 };

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
	struct template_scope scope = { NULL, 0, secs, 1 };

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
	struct template_scope spark_item = { spark, 1, NULL, 0 };
	struct template_section spark_sec[] = { { "spark", &spark_item, 1 } };
	struct template_scope rows[] = { { row, 9, spark_sec, 1 } };
	const struct template_var alert[] = {
		{ "alert", "memory" }, { "level", "warning" }, { "level_class", "st-warning" },
		{ "alert_value", "90 %" }, { "since", "2026-01-01T00:00:00Z" }, { "alert_detail", "\"><img src=x>" },
	};
	struct template_scope alerts[] = { { alert, 6, NULL, 0 } };
	struct template_section secs[] = { { "slos", rows, 1 }, { "alerts", alerts, 1 } };
	const struct template_var page[] = { { "generated_at", "now" }, { "overall", "warning" }, { "overall_class", "st-warning" } };
	struct template_scope scope = { page, 3, secs, 2 };

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

Suite *template_suite(void)
{
	Suite *s = suite_create("template");
	TCase *tc = tcase_create("template");

	tcase_add_test(tc, test_fill_and_escape);
	tcase_add_test(tc, test_mistakes_fail);
	tcase_add_test(tc, test_maintenance_page);
	tcase_add_test(tc, test_sections);
	tcase_add_test(tc, test_section_mistakes);
	tcase_add_test(tc, test_slo_page_escapes);
	suite_add_tcase(s, tc);
	return s;
}
