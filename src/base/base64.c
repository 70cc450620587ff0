/*
 * base64.c — RFC 4648 base64 decoding (§4 standard and §5 URL-safe
 * alphabets, padding optional): CAWG credentials (cawg.c) and the SVG
 * embedding of a C2PA store (C2PA 2.2 §A.3.8) both carry bytes as text.
 *
 * Must never: read past `n` (the text is not NUL-terminated), accept a
 * character outside the alphabets, or allocate more than 3/4 of the
 * text plus 3 bytes.
 */
#include <stdlib.h>

#include "base/base.h"

bool base64_decode(const char *s, size_t n, uint8_t **out, size_t *out_len)
{
    uint8_t *o = malloc(n / 4 * 3 + 3);
    uint32_t acc = 0;
    size_t bits = 0, k = 0;
    if (!o)
        return false;
    while (n > 0 && s[n - 1] == '=')
        n--;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        int v = c >= 'A' && c <= 'Z'   ? c - 'A'
                : c >= 'a' && c <= 'z' ? c - 'a' + 26
                : c >= '0' && c <= '9' ? c - '0' + 52
                : c == '+' || c == '-' ? 62
                : c == '/' || c == '_' ? 63
                                       : -1;
        if (v < 0) {
            free(o);
            return false;
        }
        acc = (acc << 6) | (uint32_t)v;
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            o[k++] = (uint8_t)(acc >> bits);
        }
    }
    *out = o;
    *out_len = k;
    return true;
}

size_t base64_encoded_len(size_t n)
{
    return (n + 2) / 3 * 4;
}

void base64_encode(const uint8_t *p, size_t n, char *out)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    size_t k = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        out[k++] = abc[(v >> 18) & 63];
        out[k++] = abc[(v >> 12) & 63];
        out[k++] = i + 1 < n ? abc[(v >> 6) & 63] : '=';
        out[k++] = i + 2 < n ? abc[v & 63] : '=';
    }
}
