/*
 * writer.c — the rights-only metadata a derivative carries: chooses
 * what is kept (struct meta_keep), cleans every value once, and has
 * write_xmp.c, write_iim.c and write_exif.c encode the same values
 * into the three blocks libvips 8.14 embeds.
 *
 * Must never: write GPS, serial numbers, owner names, maker notes,
 * thumbnails or XMP history (DESIGN.md "Privacy and rights defaults
 * for derivatives"); pass on a byte that is not valid UTF-8 or a
 * control character XML 1.0 forbids; produce different bytes for the
 * same input.
 *
 * Spec: ../shared/notes/metadata.md §2 (field map), §3 point 4 (a
 * Changer writes XMP and keeps IIM in sync through the 0x0425 digest),
 * §4 (IIM in UTF-8); ISO 8601 for date_created.
 */
#include <stdlib.h>
#include <string.h>

#include "meta/write_priv.h"

void meta_keep_default(struct meta_keep *k)
{
    k->headline = true;
    k->description = true;
    k->alt_text = true;
    k->date_created = true;
    k->location = true;
    k->usage_terms = true;
    k->title = true;
    k->keywords = true;
    k->source = true;
    k->creator_job_title = true;
}

void meta_blobs_free(struct meta_blobs *b)
{
    if (!b)
        return;
    free(b->exif);
    free(b->xmp);
    free(b->iptc);
    memset(b, 0, sizeof *b);
}

/* ---- cleaning ----------------------------------------------------- */

/* The code point at p[0..n) and its length, or length 0 when the bytes
 * are not one well-formed UTF-8 sequence (base's utf8_valid judges;
 * this only finds the length from the lead byte and assembles). */
static size_t utf8_decode(const uint8_t *p, size_t n, uint32_t *cp)
{
    uint8_t c = p[0];
    size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (len > n || !utf8_valid(p, len))
        return 0;
    uint32_t v = len == 1 ? c : (uint32_t)(c & (0xFF >> (len + 1)));
    for (size_t i = 1; i < len; i++)
        v = (v << 6) | (p[i] & 0x3F);
    *cp = v;
    return len;
}

/* Code points no block gets: what XML 1.0 §2.2 forbids (C0 controls
 * but tab, LF, CR; U+FFFE, U+FFFF), and DEL and the C1 controls, which
 * XML allows but no caption means and EXIF/IIM readers show as junk. */
static bool cp_dropped(uint32_t cp)
{
    if (cp < 0x20)
        return cp != 0x09 && cp != 0x0A && cp != 0x0D;
    return (cp >= 0x7F && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF;
}

static bool is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return false;
    return true;
}

/*
 * A cleaned, owned copy of `s` in *out, NULL when s is absent or blank
 * after cleaning. Bytes that are not UTF-8 become U+FFFD: the reader
 * promises UTF-8, but a writer that trusts that would pass a broken
 * byte into an XML packet and make the whole packet unreadable.
 */
static enum status clean_text(const char *s, const char *field, char **out, struct diag *d)
{
    enum status st = ST_OK;
    struct buf b;
    buf_init(&b, 3 * TS_LIMIT_FIELD_BYTES);
    *out = NULL;
    if (!s)
        goto abort;
    size_t n = strnlen(s, TS_LIMIT_FIELD_BYTES + 1);
    if (n > TS_LIMIT_FIELD_BYTES) {
        st = diag_set(d, ST_LIMIT, field, DIAG_NO_OFFSET,
                      "value longer than %zu bytes; a derivative cannot carry it",
                      (size_t)TS_LIMIT_FIELD_BYTES);
        goto abort;
    }
    const uint8_t *p = (const uint8_t *)s;
    size_t i = 0;
    while (i < n) {
        uint32_t cp;
        size_t k = utf8_decode(p + i, n - i, &cp);
        if (!k) {
            st = buf_append(&b, "\xEF\xBF\xBD", 3);
            i++;
        } else {
            if (!cp_dropped(cp))
                st = buf_append(&b, p + i, k);
            i += k;
        }
        if (st != ST_OK) {
            diag_set(d, st, field, DIAG_NO_OFFSET, "out of memory while cleaning the value");
            goto abort;
        }
    }
    if (b.len && !is_blank(b.data, b.len))
        *out = buf_detach(&b, NULL);
abort:
    buf_free(&b);
    return st;
}

/* RFC 5646 shape, loosely: letters, digits and single hyphens, a
 * letter first, at most 35 characters ("x-default" included). A tag
 * that fails is skipped: it would end up in an XML attribute. */
static bool lang_tag_ok(const char *t)
{
    size_t n = t ? strnlen(t, 36) : 0;
    if (n == 0 || n > 35)
        return false;
    if (!((t[0] >= 'a' && t[0] <= 'z') || (t[0] >= 'A' && t[0] <= 'Z')))
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = t[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (c == '-') {
            if (i + 1 == n || t[i + 1] == '-')
                return false;
        } else if (!alnum)
            return false;
    }
    return true;
}

static bool lang_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a + 32) : *a;
        char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b + 32) : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

static void alt_free(struct meta_wr_alt *a)
{
    for (size_t i = 0; a->items && i < a->n; i++) {
        free(a->items[i].lang);
        free(a->items[i].value);
    }
    free(a->items);
    a->items = NULL;
    a->n = 0;
}

static void list_free(struct meta_list *l)
{
    for (size_t i = 0; l->items && i < l->n; i++)
        free(l->items[i]);
    free(l->items);
    l->items = NULL;
    l->n = 0;
}

static enum status alt_push(struct meta_wr_alt *a, const char *lang, char *value)
{
    char *l = str_dup(lang);
    if (!l) {
        free(value);
        return ST_NOMEM;
    }
    a->items[a->n].lang = l;
    a->items[a->n].value = value;
    a->n++;
    return ST_OK;
}

/*
 * The Lang Alt a derivative writes: x-default first, holding `primary`
 * (the reconciled value, which MWG may have taken from EXIF) or, when
 * that is absent, the x-default or first usable language of `langs`;
 * then every other language once, in file order.
 */
static enum status clean_alt(const char *primary, const struct meta_lang_alt *langs,
                             const char *field, struct meta_wr_alt *out, struct diag *d)
{
    enum status st = ST_OK;
    char *v = NULL;
    size_t nl = langs ? langs->n : 0;
    memset(out, 0, sizeof *out);
    if (nl > TS_LIMIT_LIST_ITEMS) {
        st = diag_set(d, ST_LIMIT, field, DIAG_NO_OFFSET,
                      "%zu languages; a derivative carries at most %zu", nl,
                      (size_t)TS_LIMIT_LIST_ITEMS);
        goto abort;
    }
    if ((st = clean_text(primary, field, &v, d)) != ST_OK)
        goto abort;
    for (int pass = 0; pass < 2 && !v; pass++) {
        for (size_t i = 0; i < nl && !v; i++) {
            const struct meta_lang_value *lv = &langs->items[i];
            if (!lang_tag_ok(lv->lang) || (pass == 0 && !lang_eq(lv->lang, "x-default")))
                continue;
            if ((st = clean_text(lv->value, field, &v, d)) != ST_OK)
                goto abort;
        }
    }
    if (!v)
        goto abort;
    size_t cap;
    if (!size_add(nl, 1, &cap) || !size_mul(cap, sizeof *out->items, &cap) ||
        !(out->items = calloc(1, cap))) {
        free(v);
        st = diag_set(d, ST_NOMEM, field, DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    if ((st = alt_push(out, "x-default", v)) != ST_OK)
        goto nomem;
    for (size_t i = 0; i < nl; i++) {
        const struct meta_lang_value *lv = &langs->items[i];
        if (!lang_tag_ok(lv->lang) || lang_eq(lv->lang, "x-default"))
            continue;
        bool seen = false;
        for (size_t j = 0; j < out->n && !seen; j++)
            seen = lang_eq(out->items[j].lang, lv->lang);
        if (seen)
            continue;
        if ((st = clean_text(lv->value, field, &v, d)) != ST_OK)
            goto abort;
        if (v && (st = alt_push(out, lv->lang, v)) != ST_OK)
            goto nomem;
    }
    goto abort;
nomem:
    diag_set(d, st, field, DIAG_NO_OFFSET, "out of memory");
abort:
    if (st != ST_OK)
        alt_free(out);
    return st;
}

static enum status clean_list(const struct meta_list *in, const char *field, struct meta_list *out,
                              struct diag *d)
{
    enum status st = ST_OK;
    memset(out, 0, sizeof *out);
    if (in->n == 0)
        goto abort;
    if (in->n > TS_LIMIT_LIST_ITEMS) {
        st = diag_set(d, ST_LIMIT, field, DIAG_NO_OFFSET,
                      "%zu items; a derivative carries at most %zu", in->n,
                      (size_t)TS_LIMIT_LIST_ITEMS);
        goto abort;
    }
    if (!(out->items = calloc(in->n, sizeof *out->items))) {
        st = diag_set(d, ST_NOMEM, field, DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    for (size_t i = 0; i < in->n; i++) {
        char *v;
        if ((st = clean_text(in->items[i], field, &v, d)) != ST_OK)
            goto abort;
        if (v)
            out->items[out->n++] = v;
    }
abort:
    if (st != ST_OK)
        list_free(out);
    return st;
}

/* ---- ISO 8601 date_created --------------------------------------- */

static bool digits(const char *s, size_t n, int *v)
{
    int x = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        x = x * 10 + (s[i] - '0');
    }
    *v = x;
    return true;
}

/*
 * "2022", "2022-01", "2022-01-27", "2022-01-27T14:05", "...:00",
 * "...:00.5", each time optionally followed by "Z", "+09:00" or
 * "+0900". Anything else is refused: an odd date is left out of the
 * derivative rather than written wrongly into three blocks.
 */
static bool parse_date(const char *s, struct meta_wr_date *dt)
{
    size_t n = strlen(s), i = 0;
    memset(dt, 0, sizeof *dt);
    if (n < 4 || !digits(s, 4, &dt->year))
        return false;
    dt->prec = META_WR_YEAR;
    i = 4;
    if (i < n) {
        if (n < i + 3 || s[i] != '-' || !digits(s + i + 1, 2, &dt->month))
            return false;
        dt->prec = META_WR_MONTH;
        i += 3;
    }
    if (i < n) {
        if (n < i + 3 || s[i] != '-' || !digits(s + i + 1, 2, &dt->day))
            return false;
        dt->prec = META_WR_DAY;
        i += 3;
    }
    if (i < n) {
        if (n < i + 6 || s[i] != 'T' || !digits(s + i + 1, 2, &dt->hour) || s[i + 3] != ':' ||
            !digits(s + i + 4, 2, &dt->minute))
            return false;
        dt->prec = META_WR_MINUTE;
        i += 6;
        if (i < n && s[i] == ':') {
            if (n < i + 3 || !digits(s + i + 1, 2, &dt->second))
                return false;
            dt->prec = META_WR_SECOND;
            i += 3;
            if (i < n && s[i] == '.') {
                size_t k = 0;
                i++;
                while (i < n && s[i] >= '0' && s[i] <= '9' && k < sizeof dt->frac - 1)
                    dt->frac[k++] = s[i++];
                if (k == 0)
                    return false;
                dt->frac[k] = '\0';
            }
        }
        if (i < n && s[i] == 'Z') {
            dt->has_zone = true;
            dt->zulu = true;
            i++;
        } else if (i < n && (s[i] == '+' || s[i] == '-')) {
            int zh, zm;
            size_t colon = (n > i + 3 && s[i + 3] == ':') ? 1 : 0;
            if (n < i + 5 + colon || !digits(s + i + 1, 2, &zh) ||
                !digits(s + i + 3 + colon, 2, &zm) || zh > 14 || zm > 59)
                return false;
            dt->has_zone = true;
            dt->zone_min = (s[i] == '-' ? -1 : 1) * (zh * 60 + zm);
            i += 5 + colon;
        }
    }
    if (i != n)
        return false;
    if (dt->year < 1 || (dt->prec >= META_WR_MONTH && (dt->month < 1 || dt->month > 12)) ||
        (dt->prec >= META_WR_DAY && (dt->day < 1 || dt->day > 31)) ||
        (dt->prec >= META_WR_MINUTE && (dt->hour > 23 || dt->minute > 59)) || dt->second > 60)
        return false;
    return true;
}

/* ---- the whole --------------------------------------------------- */

static void wr_free(struct meta_wr *w)
{
    char **strs[] = {&w->headline,      &w->creator_job_title, &w->credit,      &w->source,
                     &w->web_statement, &w->licensor_url,      &w->city,        &w->sublocation,
                     &w->state,         &w->country,           &w->country_code};
    for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
        free(*strs[i]);
        *strs[i] = NULL;
    }
    list_free(&w->creators);
    list_free(&w->keywords);
    alt_free(&w->description);
    alt_free(&w->alt_text);
    alt_free(&w->title);
    alt_free(&w->rights);
    alt_free(&w->usage_terms);
}

/* Fills `w` with what `keep` keeps of `m`, cleaned. */
static enum status wr_build(const struct photo_meta *m, const struct meta_keep *keep,
                            struct meta_wr *w, struct diag *d)
{
    enum status st = ST_OK;
    struct {
        bool kept;
        const char *value, *field;
        char **out;
    } plain[] = {
        {keep->headline, m->headline, "headline", &w->headline},
        {keep->creator_job_title, m->creator_job_title, "creator_job_title", &w->creator_job_title},
        {true, m->credit_line, "credit_line", &w->credit},
        {keep->source, m->source, "source", &w->source},
        {true, m->web_statement, "web_statement", &w->web_statement},
        {true, m->licensor_url, "licensor_url", &w->licensor_url},
        {keep->location, m->city, "city", &w->city},
        {keep->location, m->sublocation, "sublocation", &w->sublocation},
        {keep->location, m->province_state, "province_state", &w->state},
        {keep->location, m->country, "country", &w->country},
        {keep->location, m->country_code, "country_code", &w->country_code},
    };
    struct {
        bool kept;
        const char *value;
        const struct meta_lang_alt *langs;
        const char *field;
        struct meta_wr_alt *out;
    } alts[] = {
        {keep->description, m->description, &m->description_langs, "description", &w->description},
        {keep->alt_text, m->alt_text, &m->alt_text_langs, "alt_text", &w->alt_text},
        {keep->title, m->title, &m->title_langs, "title", &w->title},
        {true, m->copyright_notice, &m->rights_langs, "copyright_notice", &w->rights},
        {keep->usage_terms, m->usage_terms, &m->usage_terms_langs, "usage_terms", &w->usage_terms},
    };
    memset(w, 0, sizeof *w);
    for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
        if (plain[i].kept &&
            (st = clean_text(plain[i].value, plain[i].field, plain[i].out, d)) != ST_OK)
            goto abort;
    for (size_t i = 0; i < sizeof alts / sizeof alts[0]; i++)
        if (alts[i].kept &&
            (st = clean_alt(alts[i].value, alts[i].langs, alts[i].field, alts[i].out, d)) != ST_OK)
            goto abort;
    if ((st = clean_list(&m->creator, "creator", &w->creators, d)) != ST_OK ||
        (keep->keywords && (st = clean_list(&m->keywords, "keywords", &w->keywords, d)) != ST_OK))
        goto abort;
    if (keep->date_created && m->date_created) {
        char *ds;
        if ((st = clean_text(m->date_created, "date_created", &ds, d)) != ST_OK)
            goto abort;
        w->has_date = ds && parse_date(ds, &w->date);
        free(ds);
    }
abort:
    if (st != ST_OK)
        wr_free(w);
    return st;
}

static enum status detach(struct buf *b, uint8_t **p, size_t *n, struct diag *d)
{
    size_t len;
    char *data = buf_detach(b, &len);
    if (!data)
        return diag_set(d, ST_NOMEM, "metadata writer", DIAG_NO_OFFSET, "out of memory");
    *p = (uint8_t *)data;
    *n = len;
    return ST_OK;
}

enum status meta_write_rights(const struct photo_meta *m, const struct meta_keep *keep,
                              struct meta_blobs *out, struct diag *d)
{
    enum status st = ST_OK;
    struct meta_keep defaults;
    struct meta_wr w;
    struct buf xmp, iim, exif;
    buf_init(&xmp, META_WR_XMP_MAX);
    buf_init(&iim, META_WR_APP_MAX);
    buf_init(&exif, META_WR_EXIF_MAX);
    memset(&w, 0, sizeof w);
    if (!out) {
        st = diag_set(d, ST_USAGE, "metadata writer", DIAG_NO_OFFSET, "no place for the output");
        goto abort;
    }
    memset(out, 0, sizeof *out);
    if (!m) {
        st = diag_set(d, ST_USAGE, "metadata writer", DIAG_NO_OFFSET, "no metadata given");
        goto abort;
    }
    if (!keep) {
        meta_keep_default(&defaults);
        keep = &defaults;
    }
    if ((st = wr_build(m, keep, &w, d)) != ST_OK)
        goto abort;
    if ((st = meta_wr_xmp(&w, &xmp, d)) != ST_OK || (st = meta_wr_iim(&w, &iim, d)) != ST_OK ||
        (st = meta_wr_exif(&w, &exif, d)) != ST_OK)
        goto abort;
    if ((st = detach(&xmp, &out->xmp, &out->xmp_len, d)) != ST_OK ||
        (st = detach(&exif, &out->exif, &out->exif_len, d)) != ST_OK)
        goto abort;
    /* No IIM block when there is nothing to say beyond its envelope. */
    if (iim.len && (st = detach(&iim, &out->iptc, &out->iptc_len, d)) != ST_OK)
        goto abort;
abort:
    if (st != ST_OK)
        meta_blobs_free(out);
    wr_free(&w);
    buf_free(&xmp);
    buf_free(&iim);
    buf_free(&exif);
    return st;
}
