/*
 * status.c — status names and diagnostics (struct diag).
 * Must never: allocate (diagnostics are written while out of memory).
 */
#include <stdio.h>
#include <string.h>

#include "base/base.h"

const char *status_str(enum status st)
{
    switch (st) {
    case ST_OK: return "ok";
    case ST_NOMEM: return "out of memory";
    case ST_IO: return "read/write error";
    case ST_NOT_FOUND: return "not found";
    case ST_TRUNCATED: return "truncated";
    case ST_MALFORMED: return "malformed";
    case ST_LIMIT: return "over a limit";
    case ST_UNSUPPORTED: return "unsupported";
    case ST_USAGE: return "usage error";
    case ST_CONFIG: return "configuration error";
    case ST_INTERNAL: return "internal error";
    }
    return "unknown status";
}

void diag_clear(struct diag *d)
{
    if (!d)
        return;
    memset(d, 0, sizeof *d);
    d->offset = DIAG_NO_OFFSET;
}

enum status diag_set(struct diag *d, enum status st, const char *field, size_t offset,
                     const char *fmt, ...)
{
    if (!d)
        return st;
    d->status = st;
    d->offset = offset;
    snprintf(d->field, sizeof d->field, "%s", field ? field : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(d->message, sizeof d->message, fmt, ap);
    va_end(ap);
    return st;
}

void diag_set_file(struct diag *d, const char *file)
{
    if (d)
        snprintf(d->file, sizeof d->file, "%s", file ? file : "");
}

void diag_format(const struct diag *d, char *out, size_t outlen)
{
    if (!out || outlen == 0)
        return;
    out[0] = '\0';
    if (!d)
        return;
    size_t used = 0;
#define APPEND(...)                                                                                \
    do {                                                                                           \
        if (used < outlen) {                                                                       \
            int n_ = snprintf(out + used, outlen - used, __VA_ARGS__);                             \
            if (n_ > 0)                                                                            \
                used += (size_t)n_;                                                                \
        }                                                                                          \
    } while (0)
    if (d->file[0])
        APPEND("%s: ", d->file);
    if (d->line)
        APPEND("line %u: ", d->line);
    if (d->offset != DIAG_NO_OFFSET)
        APPEND("byte %zu: ", d->offset);
    if (d->field[0])
        APPEND("%s: ", d->field);
    APPEND("%s", d->message[0] ? d->message : status_str(d->status));
#undef APPEND
}
