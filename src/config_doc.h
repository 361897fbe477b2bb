/* config_doc: the configuration table (config_vars) as the operator's
 * guide shows it, generated so that the guide cannot drift from the code. */
#ifndef SENTIA_CONFIG_DOC_H
#define SENTIA_CONFIG_DOC_H

#include <stdio.h>

#include "buf.h"

/* Appends the markdown table of every variable (name and alias, default,
 * accepted values, whether SIGHUP reloads it, meaning) to out. */
void config_doc_table(struct buf *out);

/* Writes the same table to f. Returns 0, or -1 on a write error. */
int config_doc_write(FILE *f);

#endif
