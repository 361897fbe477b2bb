/* fuzz_template: template text through template_fill_scope with a scope
 * that has values (some with markup to escape), a fragment, and sections
 * with items (nested, and empty), so every kind of placeholder has
 * something to find or to miss. */
#include "ac-config.h"

#include "fuzz.h"
#include "template.h"

static const struct template_var item_vars[][2] = {
	{ { "name", "first" }, { "value", "<b>&'\"" } },
	{ { "name", "second" }, { "value", "" } },
};
static const struct template_var inner_vars[] = { { "x", "inner" } };
static const struct template_scope inner_items[] = { { inner_vars, 1, NULL, 0, NULL, 0 } };
static const struct template_section item_sections[] = { { "inner", inner_items, 1 } };
static const struct template_scope items[] = {
	{ item_vars[0], 2, item_sections, 1, NULL, 0 },
	{ item_vars[1], 2, NULL, 0, NULL, 0 },
};
static const struct template_var vars[] = {
	{ "title", "A <title> & more" }, { "empty", "" }, { "x", "outer" }, { "value", "v" },
};
static struct template_html frag_html = TEMPLATE_HTML_INIT;
static const struct template_fragment frags[] = { { "frag", &frag_html }, { "none", NULL } };
static const struct template_section sections[] = { { "items", items, 2 }, { "nothing", NULL, 0 } };
static const struct template_scope scope = { vars, 4, sections, 2, frags, 2 };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_parts p;
	struct buf out = BUF_INIT, why = BUF_INIT;

	if (frag_html.b.data == NULL)
		buf_puts(&frag_html.b, "<p>a fragment</p>");
	/* Templates are C strings: the text up to the first NUL. */
	if (fuzz_split(&p, data, size, '\0') < 0)
		return 0;
	(void)template_fill_scope(p.s[0], &scope, &out, &why);
	buf_reset(&out);
	(void)template_fill(p.s[0], vars, 4, &out, &why);
	buf_reset(&out);
	html_escape(&out, p.s[0]);
	buf_free(&out);
	buf_free(&why);
	fuzz_parts_free(&p);
	return 0;
}
