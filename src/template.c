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

/* Fills text from d into out: {{name}} from the vars, escaped; {{>name}}
 * from the fragments, as they are. */
static int fill(const char *text, const struct template_data *d, struct buf *out, struct buf *why)
{
	const char *p = text;

	for (;;) {
		const char *open = strstr(p, "{{"), *close, *name;
		size_t len, i;
		int frag;

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
		frag = open[2] == '>';
		name = open + 2 + frag;
		len = (size_t)(close - name);
		if (frag) {
			for (i = 0; i < d->nfrags; i++)
				if (strlen(d->frags[i].name) == len && memcmp(d->frags[i].name, name, len) == 0)
					break;
			if (i == d->nfrags) {
				buf_printf(why, "no fragment for {{>%.*s}}", (int)(len > 40 ? 40 : len), name);
				return -1;
			}
			if (d->frags[i].html != NULL && d->frags[i].html->b.len > 0)
				buf_append(out, d->frags[i].html->b.data, d->frags[i].html->b.len);
		} else {
			for (i = 0; i < d->nvars; i++)
				if (strlen(d->vars[i].name) == len && memcmp(d->vars[i].name, name, len) == 0)
					break;
			if (i == d->nvars) {
				buf_printf(why, "no value for {{%.*s}}", (int)(len > 40 ? 40 : len), name);
				return -1;
			}
			html_escape(out, d->vars[i].value != NULL ? d->vars[i].value : "");
		}
		p = close + 2;
	}
}

int template_fill(const char *text, const struct template_var *vars, size_t nvars, struct buf *out, struct buf *why)
{
	const struct template_data d = { vars, nvars, NULL, 0 };

	return fill(text, &d, out, why);
}

/* The text of the compiled-in template called name, or NULL with why. */
static const char *find(const char *name, struct buf *why)
{
	for (size_t i = 0; i < template_nfiles; i++)
		if (strcmp(template_files[i].name, name) == 0)
			return template_files[i].text;
	buf_printf(why, "no template %s", name);
	return NULL;
}

int template_render(const char *name, const struct template_var *vars, size_t nvars, struct buf *out, struct buf *why)
{
	const char *text = find(name, why);

	return text != NULL ? template_fill(text, vars, nvars, out, why) : -1;
}

int template_append(struct template_html *out, const char *name, const struct template_data *d, struct buf *why)
{
	const char *text = find(name, why);

	return text != NULL ? fill(text, d, &out->b, why) : -1;
}

void template_html_free(struct template_html *h)
{
	buf_free(&h->b);
}
