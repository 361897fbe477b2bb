/* template: HTML pages from templates/, compiled into the binary, with
 * {{name}} placeholders filled in and escaped for HTML text, sections
 * {{#name}}...{{/name}} repeated per item, and {{>name}} placeholders
 * filled with fragments this module rendered. There is no way to write a
 * value unescaped: markup comes from templates only. */
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

/* What fills a template: values for {{name}}, fragments for {{>name}},
 * and sections. A section {{#name}}...{{/name}} is written once per item,
 * each item a scope of its own; {{^name}}...{{/name}} is written only when
 * the section has no item. Inside a section a name is looked up in the
 * item first, then outwards. Sections nest. */
struct template_section;
struct template_scope {
	const struct template_var *vars;
	size_t nvars;
	const struct template_section *sections;
	size_t nsections;
	const struct template_fragment *frags;
	size_t nfrags;
};
struct template_section {
	const char *name;
	const struct template_scope *items;
	size_t n;
};

/* Appends text filled from scope to out. A placeholder, fragment or
 * section with no value, or one left unclosed, is an error: a typo in a
 * template fails its test rather than reach a page. Returns 0, or -1 with
 * why (out may then hold part of the text: discard it). */
int template_fill_scope(const char *text, const struct template_scope *scope, struct buf *out, struct buf *why);
/* Renders the compiled-in template called name, as template_fill_scope does. */
int template_render_scope(const char *name, const struct template_scope *scope, struct buf *out, struct buf *why);
/* The same with values only. */
int template_fill(const char *text, const struct template_var *vars, size_t nvars, struct buf *out, struct buf *why);
int template_render(const char *name, const struct template_var *vars, size_t nvars, struct buf *out, struct buf *why);
/* Appends the compiled-in template called name to a fragment, filled from
 * scope, for use in another template. */
int template_append(struct template_html *out, const char *name, const struct template_scope *scope, struct buf *why);
/* Releases what a rendered fragment holds. */
void template_html_free(struct template_html *h);
/* Appends s escaped for HTML text and attribute values. */
void html_escape(struct buf *out, const char *s);

#endif
