/*
 * exif.c — the EXIF reader: IFD0 (ImageDescription, Make, Model,
 * Orientation, Artist, Copyright; for whole TIFF files also the image
 * size and the tags that hold IIM, XMP, IRB and ICC), ExifIFD (date
 * taken with sub-seconds and zone, BodySerialNumber, CameraOwnerName),
 * the GPS IFD (presence only) and the maker-note serial numbers of
 * Canon, Nikon, Panasonic and Pentax.
 *
 * Must never: follow an IFD offset outside container_tiff_ifd (which
 * refuses cycles and deep chains), or let a damaged sub-IFD lose what
 * IFD0 already gave: each failure becomes a note.
 *
 * Spec: Exif 2.32 §4.6 (tags 0x010E, 0x010F, 0x0110, 0x0112, 0x013B,
 * 0x8298, 0x8769, 0x8825, 0x9003, 0x9011, 0x9291, 0xA430, 0xA431,
 * 0x927C, 0x9286 UserComment §4.6.5); Microsoft XP* tags 0x9C9B-0x9C9F
 * (UTF-16LE); ../shared/notes/metadata.md §2; README rules 2, 3, 7, 8.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta/meta_internal.h"

enum ifd_kind { IFD_0, IFD_EXIF, IFD_GPS, IFD_MAKER };

struct exif_ctx {
    struct meta_source *out;
    struct meta_tiff_tags *tags;
    struct meta_list *notes;
    bool is_file;
    enum ifd_kind kind;
    uint32_t exif_ifd, gps_ifd;
    bool have_exif_ifd, have_gps_ifd;
    struct container_tiff_entry makernote;
    bool have_makernote;
    char *dto, *subsec, *offset_time; /* ExifIFD date parts */
    char *body_serial;
    /* maker note */
    const char *maker_tag_name;
    uint16_t maker_tag, maker_tag2; /* tag2: used when tag is absent */
    bool serial_from_tag2;
};

/* Camera firmware fills ImageDescription with its own name; MWG would
 * show it as the caption (README rule 2 deviation). */
static const char *const boilerplate[] = {
    "OLYMPUS DIGITAL CAMERA", "SONY DSC", "DIGITAL CAMERA", "KONICA MINOLTA DIGITAL CAMERA",
    "MINOLTA DIGITAL CAMERA", "SAMSUNG DIGITAL CAMERA", "SAMSUNG CAMERA PICTURES",
    "DCIM\\100MEDIA", "Exif_JPEG_PICTURE", "LEICA DIGITAL CAMERA", "PENTAX DIGITAL CAMERA",
    "KODAK Digital Still Camera", "Default", "Camera",
};

static bool is_boilerplate(const char *s)
{
    size_t a = 0, b = strlen(s);
    while (a < b && isspace((unsigned char)s[a]))
        a++;
    while (b > a && isspace((unsigned char)s[b - 1]))
        b--;
    for (size_t i = 0; i < sizeof boilerplate / sizeof boilerplate[0]; i++)
        if (strlen(boilerplate[i]) == b - a && strncasecmp(s + a, boilerplate[i], b - a) == 0)
            return true;
    return false;
}

static char *entry_text(const struct container_tiff_entry *e)
{
    if (!e->value_ok || (e->type != TIFF_ASCII && e->type != TIFF_UNDEFINED &&
                         e->type != TIFF_BYTE))
        return NULL;
    return meta_text_utf8(e->value);
}

/* Cameras pad Make and Model with spaces to a fixed width (Pentax
 * "PENTAX Corporation "); the padding is not part of the name. */
static char *trim_right(char *s)
{
    if (s) {
        size_t n = strlen(s);
        while (n > 0 && isspace((unsigned char)s[n - 1]))
            s[--n] = '\0';
    }
    return s;
}

/* Artist: MWG says several creators are joined with "; ". */
static void split_creators(struct meta_source *out, const char *s)
{
    const char *p = s;
    while (*p) {
        const char *end = strstr(p, "; ");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char *item = str_ndup(p, n);
        if (item && str_blank(item)) {
            free(item);
            item = NULL;
        }
        meta_list_push(&out->l[ML_CREATOR], item);
        p += n;
        if (end)
            p += 2;
    }
    if (out->l[ML_CREATOR].n)
        out->present = true;
}

/* UTF-16 (XP* tags, UserComment "UNICODE") to UTF-8: stops at a NUL
 * unit, an unpaired surrogate becomes U+FFFD, at most one field's
 * worth is read; NULL when blank. */
static char *utf16_text(struct span s, bool big_endian)
{
    struct buf b;
    char *out = NULL;
    buf_init(&b, TS_LIMIT_FIELD_BYTES + 4);
    for (size_t i = 0; i + 1 < s.len && b.len < TS_LIMIT_FIELD_BYTES; i += 2) {
        uint16_t u = 0, lo = 0;
        uint32_t cp;
        span_u16(s, i, big_endian, &u);
        if (u == 0)
            break;
        cp = u;
        if (u >= 0xD800 && u <= 0xDBFF && span_u16(s, i + 2, big_endian, &lo) && lo >= 0xDC00 &&
            lo <= 0xDFFF) {
            cp = 0x10000 + (((uint32_t)u - 0xD800) << 10) + (lo - 0xDC00);
            i += 2;
        } else if (u >= 0xD800 && u <= 0xDFFF) {
            cp = 0xFFFD;
        }
        char enc[4];
        size_t n;
        if (cp < 0x80) {
            enc[0] = (char)cp;
            n = 1;
        } else if (cp < 0x800) {
            enc[0] = (char)(0xC0 | cp >> 6);
            enc[1] = (char)(0x80 | (cp & 0x3F));
            n = 2;
        } else if (cp < 0x10000) {
            enc[0] = (char)(0xE0 | cp >> 12);
            enc[1] = (char)(0x80 | (cp >> 6 & 0x3F));
            enc[2] = (char)(0x80 | (cp & 0x3F));
            n = 3;
        } else {
            enc[0] = (char)(0xF0 | cp >> 18);
            enc[1] = (char)(0x80 | (cp >> 12 & 0x3F));
            enc[2] = (char)(0x80 | (cp >> 6 & 0x3F));
            enc[3] = (char)(0x80 | (cp & 0x3F));
            n = 4;
        }
        if (buf_append(&b, enc, n) != ST_OK)
            break;
    }
    if (b.len)
        out = meta_text_utf8(span_make((const uint8_t *)b.data, b.len));
    buf_free(&b);
    return out;
}

/* Windows XP* tags: BYTE arrays of UTF-16LE whatever the file's order. */
static void xp_tag(struct meta_source *out, enum meta_field f, const struct container_tiff_entry *e)
{
    if (e->value_ok && (e->type == TIFF_BYTE || e->type == TIFF_UNDEFINED))
        meta_set_once(out, f, utf16_text(e->value, false));
}

static enum status ifd0_entry(struct exif_ctx *x, struct container_tiff *t,
                              const struct container_tiff_entry *e)
{
    struct meta_source *out = x->out;
    uint32_t v = 0;
    char *s = NULL;
    switch (e->tag) {
    case 0x010E:
        s = entry_text(e);
        if (s && is_boilerplate(s)) {
            out->boilerplate_description = true;
            free(s);
            s = NULL;
        }
        meta_set_once(out, MF_DESCRIPTION, s);
        break;
    case 0x010F:
        meta_set_once(out, MF_MAKE, trim_right(entry_text(e)));
        break;
    case 0x0110:
        meta_set_once(out, MF_MODEL, trim_right(entry_text(e)));
        break;
    case 0x0112:
        if (container_tiff_uint(t, e, 0, &v) && v >= 1 && v <= 8 && !out->orientation) {
            out->orientation = (int)v;
            out->present = true;
        }
        break;
    case 0x013B:
        s = entry_text(e);
        if (s && out->l[ML_CREATOR].n == 0)
            split_creators(out, s);
        free(s);
        break;
    case 0x8298: {
        /* "photographer\0editor": the photographer's part is the notice. */
        if (e->value_ok && e->type == TIFF_ASCII) {
            const uint8_t *nul = memchr(e->value.ptr, 0, e->value.len);
            struct span first = e->value;
            if (nul)
                first.len = (size_t)(nul - e->value.ptr);
            meta_set_once(out, MF_COPYRIGHT, meta_text_utf8(first));
        }
        break;
    }
    case 0x9C9B:
        xp_tag(out, MF_XP_TITLE, e);
        break;
    case 0x9C9C:
        xp_tag(out, MF_XP_COMMENT, e);
        break;
    case 0x9C9D:
        xp_tag(out, MF_XP_AUTHOR, e);
        break;
    case 0x9C9E:
        xp_tag(out, MF_XP_KEYWORDS, e);
        break;
    case 0x9C9F:
        xp_tag(out, MF_XP_SUBJECT, e);
        break;
    case 0x8769:
        x->have_exif_ifd = container_tiff_uint(t, e, 0, &x->exif_ifd);
        break;
    case 0x8825:
        x->have_gps_ifd = container_tiff_uint(t, e, 0, &x->gps_ifd);
        break;
    case 0x0100:
        if (x->is_file && container_tiff_uint(t, e, 0, &v) && !out->width)
            out->width = v;
        break;
    case 0x0101:
        if (x->is_file && container_tiff_uint(t, e, 0, &v) && !out->height)
            out->height = v;
        break;
    case 33723:
        if (x->tags && e->value_ok)
            x->tags->iim = e->value;
        break;
    case 700:
        if (x->tags && e->value_ok)
            x->tags->xmp = e->value;
        break;
    case 34377:
        if (x->tags && e->value_ok)
            x->tags->irb = e->value;
        break;
    case 34675:
        if (x->tags && e->value_ok)
            x->tags->icc = e->value;
        break;
    default:
        break;
    }
    return ST_OK;
}

static void replace(char **slot, char *v)
{
    if (!v)
        return;
    if (*slot) {
        free(v);
        return;
    }
    *slot = v;
}

/* UserComment (Exif 2.32 §4.6.5, Table 9): an 8-byte character code,
 * then the text. UNICODE is UTF-16 in the file's byte order (as
 * ExifTool reads it); JIS (JIS X 0208) is not converted: a note says
 * so. An undefined code (8 NULs) is read like ASCII. */
static void user_comment(struct exif_ctx *x, struct container_tiff *t,
                         const struct container_tiff_entry *e)
{
    struct span code, text;
    if (!e->value_ok || e->value.len < 8 || !span_sub(e->value, 0, 8, &code) ||
        !span_sub(e->value, 8, e->value.len - 8, &text))
        return;
    if (memcmp(code.ptr, "UNICODE\0", 8) == 0) {
        meta_set_once(x->out, MF_USER_COMMENT, utf16_text(text, t->big_endian));
    } else if (memcmp(code.ptr, "JIS\0\0\0\0\0", 8) == 0) {
        if (text.len)
            meta_note(x->notes, "EXIF UserComment in JIS encoding not read");
    } else if (memcmp(code.ptr, "ASCII\0\0\0", 8) == 0 ||
               memcmp(code.ptr, "\0\0\0\0\0\0\0\0", 8) == 0) {
        char *v = meta_text_utf8(text);
        if (v && str_blank(v)) {
            free(v);
            v = NULL;
        }
        meta_set_once(x->out, MF_USER_COMMENT, v);
    }
}

static enum status exififd_entry(struct exif_ctx *x, struct container_tiff *t,
                                 const struct container_tiff_entry *e)
{
    switch (e->tag) {
    case 0x9286:
        user_comment(x, t, e);
        break;
    case 0x9003:
        replace(&x->dto, entry_text(e));
        break;
    case 0x9291:
        replace(&x->subsec, entry_text(e));
        break;
    case 0x9011:
        replace(&x->offset_time, entry_text(e));
        break;
    case 0xA431:
        replace(&x->body_serial, entry_text(e));
        break;
    case 0xA430:
        if (e->value_ok && e->value.len)
            meta_note(x->notes, "EXIF CameraOwnerName present (private: stripped from derivatives)");
        break;
    case 0x927C:
        if (e->value_ok && !x->have_makernote) {
            x->makernote = *e;
            x->have_makernote = true;
        }
        break;
    default:
        break;
    }
    return ST_OK;
}

/* One entry of a maker-note IFD: only the serial-number tag matters. */
static enum status maker_entry(struct exif_ctx *x, struct container_tiff *t,
                               const struct container_tiff_entry *e)
{
    bool primary = e->tag == x->maker_tag;
    bool fallback = x->maker_tag2 && e->tag == x->maker_tag2;
    if ((primary && (!x->out->maker_serial || x->serial_from_tag2)) ||
        (fallback && !x->out->maker_serial)) {
        char *s = NULL;
        uint32_t v = 0;
        if (e->type == TIFF_ASCII || e->type == TIFF_UNDEFINED) {
            s = trim_right(meta_text_utf8(e->value));
        } else if (container_tiff_uint(t, e, x->maker_tag == 0x0215 ? 4 : 0, &v)) {
            char num[16];
            snprintf(num, sizeof num, x->maker_tag == 0x000C ? "%010u" : "%u", (unsigned)v);
            s = str_dup(num);
        }
        if (!s)
            return ST_OK;
        free(x->out->maker_serial);
        x->out->maker_serial = s;
        x->out->maker_serial_from = x->maker_tag_name;
        x->serial_from_tag2 = !primary;
    }
    return ST_OK;
}

static enum status on_entry(void *ctx, struct container_tiff *t,
                            const struct container_tiff_entry *e, int depth)
{
    struct exif_ctx *x = ctx;
    switch (x->kind) {
    case IFD_0:
        return ifd0_entry(x, t, e);
    case IFD_EXIF:
        return exififd_entry(x, t, e);
    case IFD_GPS:
        /* README rule 8: any GPS tag but GPSVersionID means a position. */
        if (e->tag != 0x0000) {
            x->out->has_gps = true;
            x->out->present = true;
        }
        return ST_OK;
    case IFD_MAKER:
        return maker_entry(x, t, e);
    }
    return ST_OK;
}

/* Panasonic InternalSerialNumber "S0004071901020000" reads
 * "(S00) 2004:07:19 no. 0102" (ExifTool's PrintConv). */
static char *panasonic_serial(const char *raw)
{
    char out[64];
    size_t n = strlen(raw);
    bool ok = n >= 13 && isupper((unsigned char)raw[0]) && isalnum((unsigned char)raw[1]) &&
              isalnum((unsigned char)raw[2]);
    for (size_t i = 3; ok && i < 13; i++)
        ok = isdigit((unsigned char)raw[i]);
    if (!ok)
        return str_dup(raw);
    snprintf(out, sizeof out, "(%.3s) 20%.2s:%.2s:%.2s no. %.4s", raw, raw + 3, raw + 5, raw + 7,
             raw + 9);
    return str_dup(out);
}

/*
 * Maker notes: each maker has its own header and offset base. Only the
 * serial number is read (README rule 8: it must be known to be
 * stripped). Unknown makers are skipped.
 */
static void read_makernote(struct exif_ctx *x, struct container_tiff *t, int depth)
{
    struct span mn = x->makernote.value;
    const char *make = x->out->s[MF_MAKE] ? x->out->s[MF_MAKE] : "";
    struct diag md;
    diag_clear(&md);
    x->kind = IFD_MAKER;
    size_t mn_off = (size_t)(mn.ptr - t->data.ptr);
    if (strncasecmp(make, "Canon", 5) == 0) {
        x->maker_tag = 0x000C;
        x->maker_tag_name = "Canon:SerialNumber";
        container_tiff_ifd(t, (uint32_t)mn_off, depth + 1, on_entry, x, NULL, &md);
    } else if (span_starts_with(mn, "Nikon\0\2", 7) && mn.len > 18) {
        struct container_tiff nt;
        struct span inner;
        span_sub(mn, 10, mn.len - 10, &inner);
        x->maker_tag = 0x001D;
        x->maker_tag2 = 0x00A0; /* older bodies (D70) keep it there */
        x->maker_tag_name = "Nikon:SerialNumber";
        if (container_tiff_open(inner, t->base + mn_off + 10, &nt, &md) == ST_OK) {
            container_tiff_ifd(&nt, nt.ifd0, depth + 1, on_entry, x, NULL, &md);
        }
    } else if (span_starts_with(mn, "Panasonic\0\0\0", 12)) {
        x->maker_tag = 0x0025;
        x->maker_tag_name = "Panasonic:InternalSerialNumber";
        container_tiff_ifd(t, (uint32_t)mn_off + 12, depth + 1, on_entry, x, NULL, &md);
        if (x->out->maker_serial) {
            char *s = panasonic_serial(x->out->maker_serial);
            free(x->out->maker_serial);
            x->out->maker_serial = s;
        }
    } else if (span_starts_with(mn, "AOC\0", 4) && mn.len > 6) {
        /* Pentax: the IFD follows "AOC\0" + byte order ("MM", "II", or
         * two spaces for the EXIF order); offsets stay relative to the
         * EXIF TIFF header. InternalSerialNumber is CameraInfo[4]. */
        struct container_tiff *pt = malloc(sizeof *pt);
        if (pt) {
            *pt = *t;
            pt->big_endian = mn.ptr[4] == 'M' ? true : mn.ptr[4] == 'I' ? false : t->big_endian;
            x->maker_tag = 0x0215;
            x->maker_tag_name = "Pentax:InternalSerialNumber";
            container_tiff_ifd(pt, (uint32_t)mn_off + 6, depth + 1, on_entry, x, NULL, &md);
            free(pt);
        }
    }
    if (md.status != ST_OK)
        meta_note(x->notes, "maker note skipped: %s", md.message);
}

/* "YYYY:MM:DD HH:MM:SS" + sub-seconds + zone → ISO 8601 with only the
 * precision present (README rule 3). NULL for an unset date. */
static char *exif_date(const char *dto, const char *subsec, const char *zone)
{
    char out[64];
    int y, mo, dd, h, mi, s;
    char *r = NULL;
    if (!dto)
        goto abort;
    int n = sscanf(dto, "%4d:%2d:%2d %2d:%2d:%2d", &y, &mo, &dd, &h, &mi, &s);
    if (n < 3 || y == 0 || mo < 1 || mo > 12 || dd < 1 || dd > 31)
        goto abort;
    size_t len = (size_t)snprintf(out, sizeof out, "%04d-%02d-%02d", y, mo, dd);
    if (n >= 5) {
        len += (size_t)snprintf(out + len, sizeof out - len, "T%02d:%02d", h, mi);
        if (n == 6)
            len += (size_t)snprintf(out + len, sizeof out - len, ":%02d", s);
        if (n == 6 && subsec) {
            char digits[16];
            size_t k = 0;
            for (const char *p = subsec; *p && k < sizeof digits - 1; p++)
                if (isdigit((unsigned char)*p))
                    digits[k++] = *p;
                else if (*p != ' ')
                    break;
            digits[k] = '\0';
            if (k)
                len += (size_t)snprintf(out + len, sizeof out - len, ".%s", digits);
        }
        int zh, zm;
        char sign;
        if (zone && sscanf(zone, " %c%2d:%2d", &sign, &zh, &zm) == 3 &&
            (sign == '+' || sign == '-'))
            snprintf(out + len, sizeof out - len, "%c%02d:%02d", sign, zh, zm);
    }
    r = str_dup(out);
abort:
    return r;
}

static void sub_ifd(struct exif_ctx *x, struct container_tiff *t, enum ifd_kind kind,
                    uint32_t off, const char *what)
{
    struct diag sd;
    diag_clear(&sd);
    x->kind = kind;
    if (container_tiff_ifd(t, off, 1, on_entry, x, NULL, &sd) != ST_OK)
        meta_note(x->notes, "EXIF %s skipped: byte %zu: %s", what,
                  sd.offset == DIAG_NO_OFFSET ? 0 : sd.offset, sd.message);
}

enum status meta_exif_read(struct span tiff, size_t base, bool is_file, struct meta_source *out,
                           struct meta_tiff_tags *tags, struct meta_list *notes, struct diag *d)
{
    enum status st = ST_OK;
    struct container_tiff *t = calloc(1, sizeof *t);
    struct exif_ctx x;
    memset(&x, 0, sizeof x);
    x.out = out;
    x.tags = tags;
    x.notes = notes;
    x.is_file = is_file;
    if (!t) {
        st = diag_set(d, ST_NOMEM, "EXIF", base, "out of memory");
        goto abort;
    }
    st = container_tiff_open(tiff, base, t, d);
    if (st != ST_OK)
        goto abort;
    x.kind = IFD_0;
    st = container_tiff_ifd(t, t->ifd0, 0, on_entry, &x, NULL, d);
    if (st != ST_OK)
        goto abort;
    if (x.have_exif_ifd)
        sub_ifd(&x, t, IFD_EXIF, x.exif_ifd, "ExifIFD");
    if (x.have_gps_ifd)
        sub_ifd(&x, t, IFD_GPS, x.gps_ifd, "GPS IFD");
    if (x.have_makernote)
        read_makernote(&x, t, 1);
    meta_set_once(out, MF_DATE, exif_date(x.dto, x.subsec, x.offset_time));
    meta_set_once(out, MF_SERIAL, x.body_serial);
    x.body_serial = NULL;
    if (out->boilerplate_description)
        meta_note(notes, "EXIF ImageDescription is camera boilerplate, ignored");
abort:
    free(x.dto);
    free(x.subsec);
    free(x.offset_time);
    free(x.body_serial);
    free(t);
    return st;
}
