/* envfile: KEY=VALUE files in systemd's EnvironmentFile format. */
#include "ac-config.h"

#include "envfile.h"
#include "config.h"
#include "log.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int add(struct envfile *ef, const char *k, size_t kn, const char *v, size_t vn)
{
	char **nk = realloc(ef->keys, sizeof *nk * (size_t)(ef->n + 1));
	char **nv;

	if (nk == NULL)
		return -1;
	ef->keys = nk;
	nv = realloc(ef->values, sizeof *nv * (size_t)(ef->n + 1));
	if (nv == NULL)
		return -1;
	ef->values = nv;
	ef->keys[ef->n] = strndup(k, kn);
	ef->values[ef->n] = strndup(v, vn);
	ef->n++;
	return 0;
}

int envfile_parse(struct envfile *ef, const char *text, struct buf *errors)
{
	int lineno = 0, nerr = 0;
	const char *line = text;

	memset(ef, 0, sizeof *ef);
	while (line != NULL && *line != '\0') {
		const char *end = strchr(line, '\n');
		size_t len = end != NULL ? (size_t)(end - line) : strlen(line);
		const char *p = line, *e = line + len, *k, *v;
		size_t kn, vn;

		lineno++;
		while (p < e && isspace((unsigned char)*p))
			p++;
		while (e > p && isspace((unsigned char)e[-1]))
			e--;
		if (p == e || *p == '#' || *p == ';')
			goto next;
		if ((size_t)(e - p) > 7 && strncmp(p, "export ", 7) == 0)
			p += 7;
		k = p;
		while (p < e && (isalnum((unsigned char)*p) || *p == '_'))
			p++;
		kn = (size_t)(p - k);
		if (kn == 0 || isdigit((unsigned char)*k) || p == e || *p != '=') {
			buf_printf(errors, "line %d: expected KEY=VALUE\n", lineno);
			nerr++;
			goto next;
		}
		v = p + 1;
		vn = (size_t)(e - v);
		if (vn >= 1 && (*v == '"' || *v == '\'')) {
			if (vn < 2 || v[vn - 1] != *v) {
				buf_printf(errors, "line %d: unterminated quote\n", lineno);
				nerr++;
				goto next;
			}
			v++;
			vn -= 2;
		}
		add(ef, k, kn, v, vn);
next:
		line = end != NULL ? end + 1 : NULL;
	}
	return nerr;
}

int envfile_load(struct envfile *ef, const char *path, struct buf *errors)
{
	struct buf text = BUF_INIT;
	int rc;

	memset(ef, 0, sizeof *ef);
	if (buf_read_file(&text, path, 0) != 0) {
		buf_printf(errors, "%s: %s\n", path, strerror(errno));
		buf_free(&text);
		return 1;
	}
	rc = envfile_parse(ef, text.data != NULL ? text.data : "", errors);
	buf_free(&text);
	return rc;
}

const char *envfile_get(const struct envfile *ef, const char *key)
{
	/* The last assignment wins, as in a shell. */
	for (int i = ef->n - 1; i >= 0; i--)
		if (strcmp(ef->keys[i], key) == 0)
			return ef->values[i];
	return NULL;
}

const char *envfile_getter(const char *name, void *arg)
{
	const char *v = arg != NULL ? envfile_get(arg, name) : NULL;

	return v != NULL ? v : getenv(name);
}

void envfile_free(struct envfile *ef)
{
	for (int i = 0; i < ef->n; i++) {
		free(ef->keys[i]);
		free(ef->values[i]);
	}
	free(ef->keys);
	free(ef->values);
	memset(ef, 0, sizeof *ef);
}

int envfile_config(struct config *c, const char *env_file, struct buf *errors)
{
	struct envfile ef = { NULL, NULL, 0 };
	int nerr = 0;

	if (env_file != NULL)
		nerr += envfile_load(&ef, env_file, errors);
	nerr += config_load(c, envfile_getter, env_file != NULL ? &ef : NULL, errors);
	envfile_free(&ef);
	return nerr;
}

int envfile_config_logged(struct config *c, const char *env_file)
{
	struct buf errors = BUF_INIT;
	int nerr = envfile_config(c, env_file, &errors);

	if (nerr > 0) {
		char *save = NULL;

		for (char *line = strtok_r(errors.data, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
			log_error("configuration: %s", line);
		config_free(c);
	} else {
		char *save = NULL;

		buf_reset(&errors);
		if (config_warnings(c, &errors) > 0)
			for (char *line = strtok_r(errors.data, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save))
				log_warn("configuration: %s", line);
	}
	buf_free(&errors);
	return nerr > 0 ? -1 : 0;
}
