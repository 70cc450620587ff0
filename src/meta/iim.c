/*
 * iim.c — the IPTC IIM reader: Photoshop IRB resources 0x0404 (IIM,
 * several blocks merged in file order) and 0x0425 (the MD5 digest MWG
 * uses to tell whether XMP is in sync), then the record 1 and 2
 * datasets tearsheet shows, decoded to UTF-8 by the charset rules of
 * ../shared/notes/metadata.md §4 and docs/meta.md.
 *
 * Must never: trust a dataset length (container_iim_next checks it),
 * mix charset guesses between fields of one block, or drop the values
 * read before a damaged dataset.
 *
 * Spec: IPTC-NAA IIM 4.2 (datasets 1:90, 2:05 … 2:122); Photoshop File
 * Formats "Image Resource IDs" 0x0404, 0x0425; MWG 2.0 §4.3 (digest).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta/meta_internal.h"

enum status meta_irb_read(struct span irb, size_t base, struct meta_iim_state *st,
                          struct buf *iim_all, struct meta_list *notes, struct diag *d)
{
    enum status rc = ST_OK;
    struct cursor c;
    cursor_init(&c, irb);
    for (size_t count = 0;; count++) {
        struct container_irb r;
        struct diag rd;
        diag_clear(&rd);
        enum status s = container_irb_next(&c, &r, &rd);
        if (s == ST_NOT_FOUND)
            break;
        if (s != ST_OK) {
            meta_note(notes, "Photoshop IRB: byte %zu: %s; the rest of the block is skipped",
                      base + (rd.offset == DIAG_NO_OFFSET ? 0 : rd.offset), rd.message);
            break;
        }
        if (count >= TS_LIMIT_IIM_DATASETS) {
            meta_note(notes, "Photoshop IRB: more than %d resources; the rest are skipped",
                      TS_LIMIT_IIM_DATASETS);
            break;
        }
        if (r.id == 0x0404) {
            if (!st->have_first_md5) {
                meta_md5(r.data.ptr, r.data.len, st->first_md5);
                st->have_first_md5 = true;
            }
            st->have_iim = true;
            if (buf_append(iim_all, r.data.ptr, r.data.len) != ST_OK) {
                rc = diag_set(d, ST_LIMIT, "IPTC IIM", base + r.offset,
                              "IIM blocks larger than %zu bytes", iim_all->max);
                goto abort;
            }
        } else if (r.id == 0x0425 && r.data.len == 16 && !st->have_digest) {
            memcpy(st->digest, r.data.ptr, 16);
            st->have_digest = true;
        }
    }
abort:
    return rc;
}

/* Blocks merged from several 0x0404 resources (or APP13s) may each end
 * in NUL padding: skip it when another dataset follows. */
static enum status next_dataset(struct cursor *c, struct container_iim *ds, struct diag *d)
{
    enum status st = container_iim_next(c, ds, d);
    while (st == ST_NOT_FOUND && cursor_left(c) > 0) {
        size_t p = c->pos;
        while (p < c->in.len && c->in.ptr[p] == 0)
            p++;
        if (p == c->pos || p >= c->in.len || c->in.ptr[p] != 0x1C)
            break;
        cursor_seek(c, p);
        st = container_iim_next(c, ds, d);
    }
    return st;
}

/* ---- charset (metadata.md §4, docs/meta.md "IIM charsets") ---- */

enum iim_charset { CS_UNDECLARED, CS_UTF8, CS_LATIN1, CS_KSX1001 };

static enum iim_charset declared_charset(struct span v)
{
    static const uint8_t utf8[] = {0x1B, 0x25, 0x47};
    static const uint8_t ks[] = {0x1B, 0x24, 0x29, 0x43};
    for (size_t i = 0; i + 3 <= v.len; i++) {
        struct span rest = {v.ptr + i, v.len - i};
        if (span_starts_with(rest, utf8, 3))
            return CS_UTF8;
        if (span_starts_with(rest, ks, 4))
            return CS_KSX1001;
        if (rest.ptr[0] == 0x1B && (rest.ptr[1] == '.' || rest.ptr[1] == '-' ||
                                    rest.ptr[1] == '%') && rest.ptr[2] == 'A')
            return CS_LATIN1;
    }
    return CS_UNDECLARED;
}

/*
 * Undeclared, not UTF-8, no charset configured: is this CP949/EUC-KR?
 * Western cp1252 text has its high bytes alone between ASCII letters
 * ("café", "Navyís"); Korean text is made of high-byte pairs, each a
 * KS X 1001 character (lead and trail 0xA1-0xFE), most of them Hangul
 * syllables (rows 0xB0-0xC8). We say Korean only when every run of high
 * bytes in the block has even length, every pair is a KS X 1001
 * character, and at least one run holds two Hangul syllables in a row
 * (a Korean word; four cp1252 accented letters in a row do not occur in
 * Western text). Symbols from the other rows are allowed because Korean
 * newsrooms write them: the copyright line "ⓒ 연합뉴스" starts with
 * 0xA8CF, and a Hangul-only test read that whole block as cp1252.
 */
static bool looks_korean(struct span text)
{
    size_t i = 0, words = 0;
    while (i < text.len) {
        if (text.ptr[i] < 0x80) {
            i++;
            continue;
        }
        size_t j = i;
        while (j < text.len && text.ptr[j] >= 0x80)
            j++;
        if ((j - i) % 2 != 0)
            return false;
        size_t syllables = 0; /* Hangul syllables in a row */
        for (size_t k = i; k < j; k += 2) {
            uint8_t lead = text.ptr[k], trail = text.ptr[k + 1];
            if (lead < 0xA1 || lead > 0xFE || trail < 0xA1 || trail > 0xFE)
                return false;
            syllables = lead >= 0xB0 && lead <= 0xC8 ? syllables + 1 : 0;
            if (syllables == 2)
                words++;
        }
        i = j;
    }
    return words > 0;
}

struct iim_decoder {
    enum iim_charset cs;
    const char *iconv_name; /* NULL: UTF-8 as read by meta_text_utf8 */
};

static char *decode(const struct iim_decoder *dec, struct span v, struct meta_list *notes,
                    const char *field)
{
    if (!dec->iconv_name)
        return meta_text_utf8(v);
    char *s = meta_text_iconv(v, dec->iconv_name);
    if (!s && v.len) {
        s = meta_text_utf8(v);
        if (s)
            meta_note(notes, "IPTC %s: not valid %s; read as cp1252", field, dec->iconv_name);
    }
    return s;
}

/* Text datasets of record 2 that the decoder must agree on. */
static bool is_text_dataset(uint8_t rec, uint8_t ds)
{
    return rec == 2 && ds != 0;
}

static void choose_decoder(struct span iim, const struct meta_options *opt,
                           struct iim_decoder *dec, struct meta_list *notes)
{
    struct cursor c;
    struct diag dd;
    struct buf text; /* record 2 values joined, for the checks */
    bool all_utf8 = true, any_high = false;
    buf_init(&text, TS_LIMIT_XMP_BYTES); /* as large as the joined IIM blocks may be */
    cursor_init(&c, iim);
    dec->cs = CS_UNDECLARED;
    dec->iconv_name = NULL;
    for (size_t n = 0; n < TS_LIMIT_IIM_DATASETS; n++) {
        struct container_iim ds;
        diag_clear(&dd);
        if (next_dataset(&c, &ds, &dd) != ST_OK)
            break;
        if (ds.record == 1 && ds.dataset == 90 && dec->cs == CS_UNDECLARED)
            dec->cs = declared_charset(ds.data);
        if (!is_text_dataset(ds.record, ds.dataset))
            continue;
        if (!utf8_valid(ds.data.ptr, ds.data.len))
            all_utf8 = false;
        for (size_t i = 0; i < ds.data.len; i++)
            any_high = any_high || ds.data.ptr[i] >= 0x80;
        buf_append(&text, ds.data.ptr, ds.data.len);
        buf_putc(&text, ' ');
    }
    const char *configured = opt && opt->iim_charset ? opt->iim_charset : NULL;
    switch (dec->cs) {
    case CS_UTF8:
        break; /* meta_text_utf8 */
    case CS_LATIN1:
        dec->iconv_name = "ISO-8859-1";
        break;
    case CS_KSX1001:
        dec->iconv_name = "CP949";
        break;
    case CS_UNDECLARED:
        if (!any_high || all_utf8)
            break; /* ASCII, or undeclared UTF-8 (notes §4 b) */
        if (configured)
            dec->iconv_name = configured;
        else if (looks_korean(span_make((const uint8_t *)text.data, text.len)))
            dec->iconv_name = "CP949";
        else
            dec->iconv_name = "CP1252";
        meta_note(notes, "IPTC IIM has no 1:90 charset and is not UTF-8: read as %s",
                  dec->iconv_name);
        break;
    }
    buf_free(&text);
}

/* 2:55 CCYYMMDD + 2:60 HHMMSS±HHMM → ISO 8601 with the precision present. */
static char *iim_date(const char *date, const char *time)
{
    char out[40];
    if (!date || strlen(date) < 8)
        return NULL;
    for (int i = 0; i < 8; i++)
        if (date[i] < '0' || date[i] > '9')
            return NULL;
    size_t n;
    if (memcmp(date + 4, "0000", 4) == 0)
        n = (size_t)snprintf(out, sizeof out, "%.4s", date);
    else if (memcmp(date + 6, "00", 2) == 0)
        n = (size_t)snprintf(out, sizeof out, "%.4s-%.2s", date, date + 4);
    else
        n = (size_t)snprintf(out, sizeof out, "%.4s-%.2s-%.2s", date, date + 4, date + 6);
    bool time_ok = time && strlen(time) >= 6 && n == 10;
    for (int i = 0; time_ok && i < 6; i++)
        time_ok = time[i] >= '0' && time[i] <= '9';
    if (time_ok) {
        n += (size_t)snprintf(out + n, sizeof out - n, "T%.2s:%.2s:%.2s", time, time + 2, time + 4);
        const char *z = time + 6;
        if ((z[0] == '+' || z[0] == '-') && strlen(z) >= 5)
            snprintf(out + n, sizeof out - n, "%c%.2s:%.2s", z[0], z + 1, z + 3);
    }
    return str_dup(out);
}

enum status meta_iim_read(struct span iim, size_t base, const struct meta_options *opt,
                          struct meta_source *out, struct meta_list *notes, struct diag *d)
{
    enum status st = ST_OK;
    struct iim_decoder dec;
    char *date = NULL, *time = NULL;
    choose_decoder(iim, opt, &dec, notes);
    struct cursor c;
    cursor_init(&c, iim);
    for (size_t n = 0;; n++) {
        struct container_iim ds;
        struct diag dd;
        diag_clear(&dd);
        enum status s = next_dataset(&c, &ds, &dd);
        if (s == ST_NOT_FOUND)
            break;
        if (s != ST_OK) {
            out->iim_truncated_block = true;
            meta_note(notes, "IPTC IIM: byte %zu: %s; the rest of the block is skipped",
                      base + (dd.offset == DIAG_NO_OFFSET ? 0 : dd.offset), dd.message);
            break;
        }
        if (n >= TS_LIMIT_IIM_DATASETS) {
            meta_note(notes, "IPTC IIM: more than %d datasets; the rest are skipped",
                      TS_LIMIT_IIM_DATASETS);
            break;
        }
        if (ds.record != 2)
            continue;
        char field[16];
        snprintf(field, sizeof field, "2:%02u", ds.dataset);
        enum meta_field f = MF_COUNT;
        switch (ds.dataset) {
        case 5: f = MF_TITLE; break;
        case 40: f = MF_INSTRUCTIONS; break;
        case 85: f = MF_JOB_TITLE; break;
        case 90: f = MF_CITY; break;
        case 92: f = MF_SUBLOCATION; break;
        case 95: f = MF_STATE; break;
        case 100: f = MF_COUNTRY_CODE; break;
        case 101: f = MF_COUNTRY; break;
        case 103: f = MF_JOB_ID; break;
        case 105: f = MF_HEADLINE; break;
        case 110: f = MF_CREDIT; break;
        case 115: f = MF_SOURCE; break;
        case 116: f = MF_COPYRIGHT; break;
        case 120: f = MF_DESCRIPTION; break;
        case 122: f = MF_CAPTION_WRITER; break;
        case 25:
            if (meta_list_push(&out->l[ML_KEYWORDS], decode(&dec, ds.data, notes, field)) ==
                ST_LIMIT)
                meta_note(notes, "IPTC 2:25: more than %d keywords", TS_LIMIT_LIST_ITEMS);
            out->present = true;
            break;
        case 80:
            meta_list_push(&out->l[ML_CREATOR], decode(&dec, ds.data, notes, field));
            out->present = true;
            break;
        case 55:
            if (!date)
                date = meta_text_utf8(ds.data);
            break;
        case 60:
            if (!time)
                time = meta_text_utf8(ds.data);
            break;
        default:
            break;
        }
        if (f != MF_COUNT)
            meta_set_once(out, f, decode(&dec, ds.data, notes, field));
    }
    meta_set_once(out, MF_DATE, iim_date(date, time));
    if (date)
        out->present = true;
    free(date);
    free(time);
    (void)d;
    return st;
}
