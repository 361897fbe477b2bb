/* log: JSON lines on stderr, one object per event, filtered by level. */
#ifndef SENTIA_LOG_H
#define SENTIA_LOG_H

enum log_level {
	LOG_DEBUG,
	LOG_INFO,
	LOG_WARN,
	LOG_ERROR,
	LOG_LEVEL__MAX
};

/* One extra field of a log line: a string or, when str is NULL, a number. */
struct log_field {
	const char *key;
	const char *str;
	double num;
};

/* Sets the program name and the lowest level written. */
void log_init(const char *program, enum log_level level);
/* Notes the new pid; call in a child after fork. */
void log_after_fork(void);
/* Changes the lowest level written (on reload). */
void log_set_level(enum log_level level);
/* Whether a line at this level would be written. */
int log_enabled(enum log_level level);
/* Parses "debug", "info", "warn" or "error". Returns 0, or -1. */
int log_level_parse(const char *s, enum log_level *out);
/* The lower-case name of a level. */
const char *log_level_name(enum log_level level);
/* Turns redaction of personal data and secrets in every line on or off
 * (redact.h says what is replaced). With a hash_key (copied; NULL or "" for
 * none) a finding becomes a keyed hash instead of a bare marker. Call at
 * start and on reload. */
void log_set_redaction(int enabled, const char *hash_key);

/* Writes one line: time, level, program, pid, request_id (when not NULL),
 * msg, then the given fields. */
void log_fields(enum log_level level, const char *request_id, const char *msg,
                const struct log_field *fields, int nfields);
/* Writes one line with a printf-style message. */
void log_msg(enum log_level level, const char *request_id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#define log_debug(...) log_msg(LOG_DEBUG, NULL, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, NULL, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, NULL, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, NULL, __VA_ARGS__)

#endif
