/* template: HTML pages from templates/, compiled into the binary, with
 * {{name}} placeholders filled in and escaped for HTML text. */
#ifndef SENTIA_TEMPLATE_H
#define SENTIA_TEMPLATE_H

#include <stddef.h>

#include "buf.h"

/* One template file (generated from templates/). */
struct template_file {
	const char *name;        /* "maintenance.html" */
	const char *text;
};
extern const struct template_file template_files[];
extern const size_t template_nfiles;

/* A value for a placeholder. */
struct template_var {
	const char *name;
	const char *value;       /* escaped when written: & < > " ' */
};

/* Appends text with each {{name}} replaced by its value, escaped. A
 * placeholder with no value, or one left unclosed, is an error: a typo in
 * a template fails its test rather than reach a page. Returns 0, or -1
 * with why. */
int template_fill(const char *text, const struct template_var *vars, size_t nvars, struct buf *out, struct buf *why);
/* Renders the compiled-in template called name, as template_fill does. */
int template_render(const char *name, const struct template_var *vars, size_t nvars, struct buf *out, struct buf *why);
/* Appends s escaped for HTML text and attribute values. */
void html_escape(struct buf *out, const char *s);

#endif
