/* template: HTML pages from templates/, compiled into the binary, with
 * {{name}} placeholders filled in and escaped for HTML text, and
 * {{>name}} placeholders filled with fragments this module rendered. */
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

/* HTML that this module rendered from a template, and only this module:
 * the template's own text with every value escaped. Only template_append
 * writes into it, so it can go into another template as it is, through a
 * {{>name}} placeholder, without escaping anything twice or letting any
 * value through unescaped. Free it with template_html_free. */
struct template_html {
	struct buf b;
};
#define TEMPLATE_HTML_INIT { BUF_INIT }

/* A fragment for a {{>name}} placeholder. */
struct template_fragment {
	const char *name;
	const struct template_html *html;   /* NULL or empty: nothing is written */
};

/* What fills a template: text values for {{name}}, fragments for {{>name}}. */
struct template_data {
	const struct template_var *vars;
	size_t nvars;
	const struct template_fragment *frags;
	size_t nfrags;
};

/* Appends text with each {{name}} replaced by its value, escaped. A
 * placeholder with no value, or one left unclosed, is an error: a typo in
 * a template fails its test rather than reach a page. Returns 0, or -1
 * with why. */
int template_fill(const char *text, const struct template_var *vars, size_t nvars, struct buf *out, struct buf *why);
/* Renders the compiled-in template called name, as template_fill does. */
int template_render(const char *name, const struct template_var *vars, size_t nvars, struct buf *out, struct buf *why);
/* Appends the compiled-in template called name to out, its {{name}}
 * placeholders filled from d's vars (escaped) and its {{>name}} ones from
 * d's fragments (as they are). Returns 0, or -1 with why (out may then
 * hold part of the template: discard it). */
int template_append(struct template_html *out, const char *name, const struct template_data *d, struct buf *why);
/* Releases what a rendered fragment holds. */
void template_html_free(struct template_html *h);
/* Appends s escaped for HTML text and attribute values. */
void html_escape(struct buf *out, const char *s);

#endif
