/*
 * log.c — messages to stderr. One line per message so that piped
 * output stays line-oriented. Must never: write to stdout (stdout
 * carries command output such as `meta --json`).
 */
#include <pthread.h>
#include <stdio.h>

#include "base/base.h"

static enum log_level current = LOG_INFO;
/* The tap is called under this lock: photo workers log at the same
 * time, and a tap removed must not be running any more. */
static pthread_mutex_t tap_lock = PTHREAD_MUTEX_INITIALIZER;
static log_tap_fn tap_fn;
static void *tap_ud;

void log_set_tap(log_tap_fn fn, void *ud)
{
    pthread_mutex_lock(&tap_lock);
    tap_fn = fn;
    tap_ud = ud;
    pthread_mutex_unlock(&tap_lock);
}

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
    pthread_mutex_lock(&tap_lock);
    if (tap_fn)
        tap_fn(tap_ud, lv, line);
    pthread_mutex_unlock(&tap_lock);
}

void log_diag(enum log_level lv, const struct diag *d)
{
    char line[TS_LIMIT_PATH + 1024];
    diag_format(d, line, sizeof line);
    log_msg(lv, "%s", line);
}
