/* envfile: KEY=VALUE files in systemd's EnvironmentFile format. A process's
 * environment cannot change after it starts, so SIGHUP re-reads this file
 * to pick up new settings. */
#ifndef SENTIA_ENVFILE_H
#define SENTIA_ENVFILE_H

#include "buf.h"

/* The variables of one file; keys and values are owned. */
struct envfile {
	char **keys;
	char **values;
	int n;
};

/* Parses text: blank lines and # comments are skipped, "export " before a
 * key is allowed, a value may be in single or double quotes. Appends one
 * line per malformed line to errors; returns the number of them. */
int envfile_parse(struct envfile *ef, const char *text, struct buf *errors);
/* Reads and parses a file. Returns the number of problems (a file that
 * cannot be read is one). */
int envfile_load(struct envfile *ef, const char *path, struct buf *errors);
/* The value of key, or NULL. */
const char *envfile_get(const struct envfile *ef, const char *key);
/* A config_getter: the file's value when it has one, else the process's
 * environment. arg is the struct envfile (or NULL for the environment only). */
const char *envfile_getter(const char *name, void *arg);
void envfile_free(struct envfile *ef);

struct config;
/* Loads a program's configuration: the settings of env_file (when not
 * NULL) over the process's environment. Appends one line per problem to
 * errors and returns their number; c is always left freeable. */
int envfile_config(struct config *c, const char *env_file, struct buf *errors);
/* The same for a service: logs each problem on its own line, frees what
 * was read when there are any, and returns -1 then, else 0. */
int envfile_config_logged(struct config *c, const char *env_file);

#endif
