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

/* What a template is filled from: values, and sections. A section
 * {{#name}}...{{/name}} is written once per item, each item a scope of
 * its own; {{^name}}...{{/name}} is written only when the section has no
 * item. Inside a section a placeholder is looked up in the item first,
 * then outwards. Sections nest. There is no way to write a value
 * unescaped: markup comes from templates only. */
struct template_section;
struct template_scope {
	const struct template_var *vars;
	size_t nvars;
	const struct template_section *sections;
	size_t nsections;
};
struct template_section {
	const char *name;
	const struct template_scope *items;
	size_t n;
};

/* Appends text with each {{name}} replaced by its value, escaped, and
 * each section expanded. A placeholder or section with no value, or one
 * left unclosed, is an error: a typo in a template fails its test rather
 * than reach a page. Returns 0, or -1 with why. */
int template_fill_scope(const char *text, const struct template_scope *scope, struct buf *out, struct buf *why);
/* Renders the compiled-in template called name, as template_fill_scope does. */
int template_render_scope(const char *name, const struct template_scope *scope, struct buf *out, struct buf *why);
/* The same with values only. */
int template_fill(const char *text, const struct template_var *vars, size_t nvars, struct buf *out, struct buf *why);
/* Renders the compiled-in template called name, as template_fill does. */
int template_render(const char *name, const struct template_var *vars, size_t nvars, struct buf *out, struct buf *why);
/* Appends s escaped for HTML text and attribute values. */
void html_escape(struct buf *out, const char *s);

#endif
