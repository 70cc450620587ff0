/*
 * log.c — messages to stderr. One line per message so that piped
 * output stays line-oriented. Must never: write to stdout (stdout
 * carries command output such as `meta --json`).
 */
#include <stdio.h>

#include "base/base.h"

static enum log_level current = LOG_INFO;

void log_set_level(enum log_level lv)
{
    current = lv;
}

enum log_level log_get_level(void)
{
    return current;
}

static const char *prefix(enum log_level lv)
{
    switch (lv) {
    case LOG_ERROR: return "error: ";
    case LOG_WARN: return "warning: ";
    default: return "";
    }
}

void log_msg(enum log_level lv, const char *fmt, ...)
{
    if (lv > current)
        return;
    char line[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s%s\n", prefix(lv), line);
}

void log_diag(enum log_level lv, const struct diag *d)
{
    char line[TS_LIMIT_PATH + 1024];
    diag_format(d, line, sizeof line);
    log_msg(lv, "%s", line);
}
