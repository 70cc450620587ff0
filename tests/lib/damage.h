/*
 * damage.h — the damage the C tests of .tearsheet's line files
 * (the stat index, the build manifest, the derivative index) put a
 * file through: cut at every byte, every byte changed to each of a few
 * troublesome ones, and hand-made lines under a matching last line, so
 * that what refuses them is the line, not the file's hash.
 */
#ifndef TS_TEST_DAMAGE_H
#define TS_TEST_DAMAGE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

/* Calls refused(ctx, bytes, len), which asserts the bytes are refused,
 * with `good` cut at every byte and with each byte changed to each of
 * `subst` (n of them) that it is not already. */
static inline void test_each_damage(const char *good, size_t len, const char *subst, size_t n,
                                    void (*refused)(void *ctx, const char *bytes, size_t len),
                                    void *ctx)
{
    char *bad = malloc(len ? len : 1);
    if (!bad) {
        fprintf(stderr, "out of memory\n");
        abort();
    }
    for (size_t cut = 0; cut < len; cut++)
        refused(ctx, good, cut);
    for (size_t i = 0; i < len; i++)
        for (size_t k = 0; k < n; k++) {
            if (good[i] == subst[k])
                continue;
            memcpy(bad, good, len);
            bad[i] = subst[k];
            refused(ctx, bad, len);
        }
    free(bad);
}

/* "<first>\n", `lines` times "<line>\n", and the "end <lines> <hash>"
 * line that matches them, into out; its length (0 when it does not fit). */
static inline size_t test_line_file(char *out, size_t outlen, const char *first, const char *line,
                                    int lines)
{
    size_t n = 0;
    int w = snprintf(out, outlen, "%s\n", first);
    for (int k = 0; w >= 0 && (size_t)w < outlen - n && k <= lines; k++) {
        n += (size_t)w;
        w = k < lines ? snprintf(out + n, outlen - n, "%s\n", line)
                      : snprintf(out + n, outlen - n, "end %d %016llx\n", lines,
                                 (unsigned long long)site_name_hash(out, n));
    }
    return w >= 0 && (size_t)w < outlen - n ? n + (size_t)w : 0;
}

#endif
