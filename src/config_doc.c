/* config_doc: a markdown table generated from config_vars (see
 * config_doc.h). One row per variable, in the table's order. */
#include "ac-config.h"

#include "config_doc.h"
#include "config.h"

#include <string.h>

/* Text in a table cell: a pipe would end the cell, a newline the row. */
static void cell(struct buf *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '|')
			buf_puts(out, "\\|");
		else if (*s == '\n')
			buf_putc(out, ' ');
		else
			buf_putc(out, *s);
	}
}

/* A byte count as the configuration accepts it: with the largest
 * suffix (K, M, G) that divides it. */
static void size_text(struct buf *out, long v)
{
	static const char suffix[] = "GMK";

	for (int i = 0; i < 3; i++) {
		long unit = 1L << (10 * (3 - i));

		if (v >= unit && v % unit == 0) {
			buf_printf(out, "%ld%c", v / unit, suffix[i]);
			return;
		}
	}
	buf_printf(out, "%ld", v);
}

/* What values a variable takes. */
static void values(struct buf *out, const struct cfg_var *v)
{
	switch (v->type) {
	case CFG_STRING:
		buf_puts(out, "text");
		break;
	case CFG_INT:
		buf_printf(out, "%ld to %ld", v->min, v->max);
		break;
	case CFG_SIZE:
		buf_puts(out, "bytes, ");
		size_text(out, v->min);
		buf_puts(out, " to ");
		size_text(out, v->max);
		break;
	case CFG_ENUM:
		for (int i = 0; v->choices[i] != NULL; i++)
			buf_printf(out, "%s`%s`", i ? ", " : "", v->choices[i]);
		break;
	}
}

void config_doc_table(struct buf *out)
{
	buf_puts(out, "| variable | default | values | on SIGHUP | meaning |\n");
	buf_puts(out, "|---|---|---|---|---|\n");
	for (size_t i = 0; i < config_nvars; i++) {
		const struct cfg_var *v = &config_vars[i];

		buf_printf(out, "| `%s`", v->name);
		if (v->alias != NULL)
			buf_printf(out, " (alias `%s`)", v->alias);
		buf_puts(out, " | ");
		if (v->def[0] != '\0') {
			buf_putc(out, '`');
			cell(out, v->def);
			buf_putc(out, '`');
		} else {
			buf_puts(out, "(empty)");
		}
		buf_puts(out, " | ");
		values(out, v);
		buf_puts(out, v->reloadable ? " | reloaded | " : " | restart | ");
		cell(out, v->help);
		buf_puts(out, " |\n");
	}
}

int config_doc_write(FILE *f)
{
	struct buf out = BUF_INIT;
	int rc;

	config_doc_table(&out);
	rc = out.data != NULL && fwrite(out.data, 1, out.len, f) == out.len && fflush(f) == 0 ? 0 : -1;
	buf_free(&out);
	return rc;
}
