/* template: a scan for "{{", a lookup, an escape; sections repeat a part
 * of the text once per item; fragments are HTML this module rendered; no
 * other logic in templates. */
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

/* The scopes in force, innermost first. */
struct frame {
	const struct template_scope *scope;
	const struct frame *up;
};

static const struct template_var *find_var(const struct frame *f, const char *name, size_t len)
{
	for (; f != NULL; f = f->up)
		for (size_t i = 0; i < f->scope->nvars; i++)
			if (strlen(f->scope->vars[i].name) == len && memcmp(f->scope->vars[i].name, name, len) == 0)
				return &f->scope->vars[i];
	return NULL;
}

static const struct template_fragment *find_frag(const struct frame *f, const char *name, size_t len)
{
	for (; f != NULL; f = f->up)
		for (size_t i = 0; i < f->scope->nfrags; i++)
			if (strlen(f->scope->frags[i].name) == len && memcmp(f->scope->frags[i].name, name, len) == 0)
				return &f->scope->frags[i];
	return NULL;
}

static const struct template_section *find_section(const struct frame *f, const char *name, size_t len)
{
	for (; f != NULL; f = f->up)
		for (size_t i = 0; i < f->scope->nsections; i++)
			if (strlen(f->scope->sections[i].name) == len && memcmp(f->scope->sections[i].name, name, len) == 0)
				return &f->scope->sections[i];
	return NULL;
}

/* Where the section called name that opens before p ends: the start of
 * its "{{/name}}" (sections of the same name may nest), or NULL. */
static const char *section_end(const char *p, const char *end, const char *name, size_t len)
{
	int depth = 1;

	while (p < end) {
		const char *open = strstr(p, "{{");

		if (open == NULL || open >= end)
			return NULL;
		if ((open[2] == '#' || open[2] == '^' || open[2] == '/') && strncmp(open + 3, name, len) == 0
		    && strncmp(open + 3 + len, "}}", 2) == 0) {
			depth += open[2] == '/' ? -1 : 1;
			if (depth == 0)
				return open;
		}
		p = open + 2;
	}
	return NULL;
}

static int fill(const char *p, const char *end, const struct frame *f, struct buf *out, struct buf *why, int depth)
{
	if (depth > 8) {
		buf_puts(why, "sections nest too deep");
		return -1;
	}
	while (p < end) {
		const char *open = strstr(p, "{{"), *close, *name;
		size_t len;

		if (open == NULL || open >= end) {
			buf_append(out, p, (size_t)(end - p));
			return 0;
		}
		buf_append(out, p, (size_t)(open - p));
		close = strstr(open + 2, "}}");
		if (close == NULL || close >= end) {
			buf_puts(why, "a placeholder is not closed");
			return -1;
		}
		name = open + 2;
		len = (size_t)(close - name);
		if (*name == '#' || *name == '^') {
			const struct template_section *s = find_section(f, name + 1, len - 1);
			const char *inner = close + 2, *stop = section_end(inner, end, name + 1, len - 1);

			if (stop == NULL) {
				buf_printf(why, "section {{%.*s}} is not closed", (int)(len > 40 ? 40 : len), name);
				return -1;
			}
			if (s == NULL) {
				buf_printf(why, "no section %.*s", (int)(len > 40 ? 40 : len), name + 1);
				return -1;
			}
			if (*name == '^' && s->n == 0 && fill(inner, stop, f, out, why, depth + 1) != 0)
				return -1;
			for (size_t i = 0; *name == '#' && i < s->n; i++) {
				struct frame item = { &s->items[i], f };

				if (fill(inner, stop, &item, out, why, depth + 1) != 0)
					return -1;
			}
			p = stop + len + 4;       /* past "{{/name}}" */
			continue;
		}
		if (*name == '>') {
			const struct template_fragment *fr = find_frag(f, name + 1, len - 1);

			if (fr == NULL) {
				buf_printf(why, "no fragment for {{%.*s}}", (int)(len > 40 ? 40 : len), name);
				return -1;
			}
			if (fr->html != NULL && fr->html->b.len > 0)
				buf_append(out, fr->html->b.data, fr->html->b.len);
			p = close + 2;
			continue;
		}
		if (*name == '/') {
			buf_printf(why, "{{%.*s}} closes no section", (int)(len > 40 ? 40 : len), name);
			return -1;
		}
		{
			const struct template_var *v = find_var(f, name, len);

			if (v == NULL) {
				buf_printf(why, "no value for {{%.*s}}", (int)(len > 40 ? 40 : len), name);
				return -1;
			}
			html_escape(out, v->value != NULL ? v->value : "");
		}
		p = close + 2;
	}
	return 0;
}

int template_fill_scope(const char *text, const struct template_scope *scope, struct buf *out, struct buf *why)
{
	struct frame f = { scope, NULL };

	return fill(text, text + strlen(text), &f, out, why, 0);
}

int template_fill(const char *text, const struct template_var *vars, size_t nvars, struct buf *out, struct buf *why)
{
	const struct template_scope s = { .vars = vars, .nvars = nvars };

	return template_fill_scope(text, &s, out, why);
}

int template_render_scope(const char *name, const struct template_scope *scope, struct buf *out, struct buf *why)
{
	for (size_t i = 0; i < template_nfiles; i++)
		if (strcmp(template_files[i].name, name) == 0)
			return template_fill_scope(template_files[i].text, scope, out, why);
	buf_printf(why, "no template %s", name);
	return -1;
}

int template_render(const char *name, const struct template_var *vars, size_t nvars, struct buf *out, struct buf *why)
{
	const struct template_scope s = { .vars = vars, .nvars = nvars };

	return template_render_scope(name, &s, out, why);
}

int template_append(struct template_html *out, const char *name, const struct template_scope *scope, struct buf *why)
{
	return template_render_scope(name, scope, &out->b, why);
}

void template_html_free(struct template_html *h)
{
	buf_free(&h->b);
}
