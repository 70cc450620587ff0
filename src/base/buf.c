/*
 * buf.c — a growable byte buffer with a hard maximum, always
 * NUL-terminated. Must never: grow past `max`, or leave `data` invalid
 * after a failed append (the old contents stay).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

void buf_init(struct buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void buf_free(struct buf *b)
{
    if (!b)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static enum status buf_reserve(struct buf *b, size_t extra)
{
    size_t need;
    if (!size_add(b->len, extra, &need) || !size_add(need, 1, &need))
        return ST_LIMIT;
    if (need - 1 > b->max)
        return ST_LIMIT;
    if (need <= b->cap)
        return ST_OK;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) {
        if (!size_mul(cap, 2, &cap)) {
            cap = need;
            break;
        }
    }
    /* max + 1 wraps to 0 for a buffer without a limit (SIZE_MAX): the
     * cap is then whatever doubling (or `need`) gave */
    if (b->max < SIZE_MAX && cap > b->max + 1)
        cap = b->max + 1;
    char *p = realloc(b->data, cap);
    if (!p)
        return ST_NOMEM;
    b->data = p;
    b->cap = cap;
    return ST_OK;
}

enum status buf_append(struct buf *b, const void *p, size_t n)
{
    enum status st = buf_reserve(b, n);
    if (st != ST_OK)
        return st;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return ST_OK;
}

enum status buf_puts(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

enum status buf_putc(struct buf *b, char ch)
{
    return buf_append(b, &ch, 1);
}

enum status buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return ST_INTERNAL;
    enum status st = buf_reserve(b, (size_t)n);
    if (st != ST_OK)
        return st;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return ST_OK;
}

enum status buf_printf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    enum status st = buf_vprintf(b, fmt, ap);
    va_end(ap);
    return st;
}

char *buf_detach(struct buf *b, size_t *len)
{
    char *p = b->data;
    if (!p)
        p = calloc(1, 1);
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
