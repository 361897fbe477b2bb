/* template: a scan for "{{", a lookup, an escape; no logic in templates. */
#include "ac-config.h"

#include "template.h"

#include <string.h>

void html_escape(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': buf_puts(out, "&amp;"); break;
		case '<': buf_puts(out, "&lt;"); break;
		case '>': buf_puts(out, "&gt;"); break;
		case '"': buf_puts(out, "&quot;"); break;
		case '\'': buf_puts(out, "&#39;"); break;
		default: buf_putc(out, *s);
		}
	}
}

int template_fill(const char *text, const struct template_var *vars, size_t nvars, struct buf *out, struct buf *why)
{
	const char *p = text;

	for (;;) {
		const char *open = strstr(p, "{{"), *close;
		size_t len;
		size_t i;

		if (open == NULL) {
			buf_puts(out, p);
			return 0;
		}
		buf_append(out, p, (size_t)(open - p));
		close = strstr(open + 2, "}}");
		if (close == NULL) {
			buf_puts(why, "a placeholder is not closed");
			return -1;
		}
		len = (size_t)(close - open - 2);
		for (i = 0; i < nvars; i++)
			if (strlen(vars[i].name) == len && memcmp(vars[i].name, open + 2, len) == 0)
				break;
		if (i == nvars) {
			buf_printf(why, "no value for {{%.*s}}", (int)(len > 40 ? 40 : len), open + 2);
			return -1;
		}
		html_escape(out, vars[i].value != NULL ? vars[i].value : "");
		p = close + 2;
	}
}

int template_render(const char *name, const struct template_var *vars, size_t nvars, struct buf *out, struct buf *why)
{
	for (size_t i = 0; i < template_nfiles; i++)
		if (strcmp(template_files[i].name, name) == 0)
			return template_fill(template_files[i].text, vars, nvars, out, why);
	buf_printf(why, "no template %s", name);
	return -1;
}
