/*
 * icc.c — the ICC profile description: the 'desc' tag, as a v2
 * textDescriptionType (ASCII part) or a v4 multiLocalizedUnicodeType
 * (the en/US record, else the first English one, else the first).
 *
 * Must never: read a tag or record outside the profile or the tag,
 * trust the tag count, or return invalid UTF-8.
 *
 * Spec: ICC.1:2001-04 §6.5.17 (textDescriptionType), ICC.1:2010 §10.13
 * (multiLocalizedUnicodeType), §7.3 (tag table).
 */
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "meta/meta_internal.h"


static char *mluc_value(struct span tag)
{
    uint32_t nrec = 0, recsize = 0;
    if (!span_u32(tag, 8, true, &nrec) || !span_u32(tag, 12, true, &recsize) || recsize < 12)
        return NULL;
    size_t best = SIZE_MAX;
    int best_rank = 0;
    for (uint32_t i = 0; i < nrec && i < TS_LIMIT_ICC_TAGS; i++) {
        size_t r = 16 + (size_t)i * recsize;
        struct span rec;
        if (!span_sub(tag, r, 12, &rec))
            break;
        int rank = 1;
        if (rec.ptr[0] == 'e' && rec.ptr[1] == 'n')
            rank = rec.ptr[2] == 'U' && rec.ptr[3] == 'S' ? 3 : 2;
        if (rank > best_rank) {
            best_rank = rank;
            best = r;
        }
    }
    if (best == SIZE_MAX)
        return NULL;
    uint32_t len = 0, off = 0;
    struct span str;
    if (!span_u32(tag, best + 4, true, &len) || !span_u32(tag, best + 8, true, &off) ||
        !span_sub(tag, off, len, &str))
        return NULL;
    return meta_text_iconv(str, "UTF-16BE");
}

enum status meta_icc_description(struct span profile, char **out, struct diag *d)
{
    enum status st = ST_OK;
    uint32_t ntags = 0;
    *out = NULL;
    if (!span_u32(profile, 128, true, &ntags)) {
        st = diag_set(d, ST_TRUNCATED, "ICC", 0, "profile of %zu bytes has no tag table",
                      profile.len);
        goto abort;
    }
    if (ntags > TS_LIMIT_ICC_TAGS) {
        st = diag_set(d, ST_LIMIT, "ICC", 128, "profile declares %u tags", (unsigned)ntags);
        goto abort;
    }
    for (uint32_t i = 0; i < ntags; i++) {
        size_t e = 132 + (size_t)i * 12;
        struct span sig;
        uint32_t off = 0, size = 0;
        if (!span_sub(profile, e, 4, &sig) || !span_u32(profile, e + 4, true, &off) ||
            !span_u32(profile, e + 8, true, &size)) {
            st = diag_set(d, ST_TRUNCATED, "ICC", e, "tag table runs past the profile");
            goto abort;
        }
        if (!span_eq_str(sig, "desc"))
            continue;
        struct span tag;
        if (!span_sub(profile, off, size, &tag)) {
            st = diag_set(d, ST_TRUNCATED, "ICC desc", e,
                          "tag at %u with %u bytes runs past the profile", (unsigned)off,
                          (unsigned)size);
            goto abort;
        }
        if (span_starts_with(tag, "desc", 4)) {
            uint32_t n = 0;
            struct span ascii;
            if (span_u32(tag, 8, true, &n) && span_sub(tag, 12, n, &ascii))
                *out = meta_text_utf8(ascii);
        } else if (span_starts_with(tag, "mluc", 4)) {
            *out = mluc_value(tag);
        }
        break;
    }
abort:
    return st;
}
