/*
 * str.c — small string helpers and UTF-8 validation (RFC 3629 §4).
 * Must never: trust a NUL terminator on bytes that came from a file.
 */
#include <stdlib.h>
#include <string.h>

#include "base/base.h"

char *str_ndup(const char *s, size_t n)
{
    size_t sz;
    if (!size_add(n, 1, &sz))
        return NULL;
    char *p = malloc(sz);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *str_dup(const char *s)
{
    return s ? str_ndup(s, strlen(s)) : NULL;
}

static bool is_space(unsigned char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

bool str_blank(const char *s)
{
    if (!s)
        return true;
    for (; *s; s++)
        if (!is_space((unsigned char)*s))
            return false;
    return true;
}

char *str_trim_dup(const char *s, size_t n)
{
    size_t a = 0, b = n;
    while (a < b && is_space((unsigned char)s[a]))
        a++;
    while (b > a && is_space((unsigned char)s[b - 1]))
        b--;
    return str_ndup(s + a, b - a);
}

bool str_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

/* Length of the UTF-8 sequence at p[0..n), or 0 when it is not
 * well-formed (Table 3-7 of the Unicode standard). */
static size_t utf8_seq(const uint8_t *p, size_t n)
{
    uint8_t c = p[0];
    if (c < 0x80)
        return 1;
    size_t len;
    uint8_t lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else
        return 0;
    if (n < len)
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return len;
}

bool utf8_valid(const uint8_t *p, size_t n)
{
    size_t i = 0;
    while (i < n) {
        size_t k = utf8_seq(p + i, n - i);
        if (!k)
            return false;
        i += k;
    }
    return true;
}

size_t utf8_clip(const uint8_t *p, size_t n, size_t max)
{
    if (n <= max)
        return n;
    size_t i = max;
    /* step back over continuation bytes to the start of a code point */
    while (i > 0 && (p[i] & 0xC0) == 0x80)
        i--;
    return i;
}
