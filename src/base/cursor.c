/*
 * cursor.c — spans and a bounds-checked read cursor.
 * Every read checks what is left before touching a byte and advances
 * only on success. Must never: read outside the span it was given.
 */
#include <string.h>

#include "base/base.h"

bool span_sub(struct span s, size_t off, size_t len, struct span *out)
{
    if (off > s.len || len > s.len - off)
        return false;
    out->ptr = s.ptr + off;
    out->len = len;
    return true;
}

bool span_eq_str(struct span s, const char *str)
{
    size_t n = strlen(str);
    return s.len == n && (n == 0 || memcmp(s.ptr, str, n) == 0);
}

bool span_starts_with(struct span s, const void *prefix, size_t n)
{
    return s.len >= n && (n == 0 || memcmp(s.ptr, prefix, n) == 0);
}

void cursor_init(struct cursor *c, struct span in)
{
    c->in = in;
    c->pos = 0;
}

size_t cursor_left(const struct cursor *c)
{
    return c->in.len - c->pos;
}

bool cursor_skip(struct cursor *c, size_t n)
{
    if (n > cursor_left(c))
        return false;
    c->pos += n;
    return true;
}

bool cursor_seek(struct cursor *c, size_t pos)
{
    if (pos > c->in.len)
        return false;
    c->pos = pos;
    return true;
}

bool cursor_u8(struct cursor *c, uint8_t *v)
{
    if (cursor_left(c) < 1)
        return false;
    *v = c->in.ptr[c->pos++];
    return true;
}

bool span_u16(struct span s, size_t off, bool big_endian, uint16_t *v)
{
    if (off > s.len || s.len - off < 2)
        return false;
    const uint8_t *p = s.ptr + off;
    *v = big_endian ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
    return true;
}

bool span_u32(struct span s, size_t off, bool big_endian, uint32_t *v)
{
    if (off > s.len || s.len - off < 4)
        return false;
    const uint8_t *p = s.ptr + off;
    if (big_endian)
        *v = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
    else
        *v = (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
    return true;
}

bool cursor_u16be(struct cursor *c, uint16_t *v)
{
    if (!span_u16(c->in, c->pos, true, v))
        return false;
    c->pos += 2;
    return true;
}

bool cursor_u16le(struct cursor *c, uint16_t *v)
{
    if (!span_u16(c->in, c->pos, false, v))
        return false;
    c->pos += 2;
    return true;
}

bool cursor_u32be(struct cursor *c, uint32_t *v)
{
    if (!span_u32(c->in, c->pos, true, v))
        return false;
    c->pos += 4;
    return true;
}

bool cursor_u32le(struct cursor *c, uint32_t *v)
{
    if (!span_u32(c->in, c->pos, false, v))
        return false;
    c->pos += 4;
    return true;
}

bool cursor_u64be(struct cursor *c, uint64_t *v)
{
    uint32_t hi, lo;
    size_t save = c->pos;
    if (!cursor_u32be(c, &hi) || !cursor_u32be(c, &lo)) {
        c->pos = save;
        return false;
    }
    *v = (uint64_t)hi << 32 | lo;
    return true;
}

bool cursor_uint_be(struct cursor *c, unsigned bytes, uint64_t *v)
{
    uint32_t v32 = 0;
    *v = 0;
    if (bytes == 0)
        return true;
    if (bytes == 4) {
        if (!cursor_u32be(c, &v32))
            return false;
        *v = v32;
        return true;
    }
    return bytes == 8 && cursor_u64be(c, v);
}

bool cursor_take(struct cursor *c, size_t n, struct span *out)
{
    if (!span_sub(c->in, c->pos, n, out))
        return false;
    c->pos += n;
    return true;
}
