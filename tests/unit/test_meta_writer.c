/*
 * test_meta_writer.c — the rights-only metadata of derivatives
 * (src/meta/writer.c): hostile values in, then each block is read back
 * the way a consumer would (XMP through expat with namespaces, IIM and
 * the TIFF structure through small walkers written here on base's
 * cursor), and finally the blocks are spliced into a real JPEG made by
 * `vips` and read by ExifTool (both installed by scripts/deps.sh; their
 * absence fails that case with a message saying so).
 *
 * Must never: write outside a temporary folder; compare against bytes
 * produced by the code under test (expected values are built here).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <expat.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "meta/meta.h"

/* ---- fixtures ----------------------------------------------------- */

#define CAPTION_BYTES 5000
#define N_KEYWORDS 300

static const char hostile_headline[] =
    "<script>alert(1)</script> & \"quoted\" 'apos' \x01\x02\x7f]]> end";
static const char hostile_headline_clean[] =
    "<script>alert(1)</script> & \"quoted\" 'apos' ]]> end";
#define N_CREATORS 5
static char *creators[N_CREATORS] = {"Kim <Min-ji> & Co", "\xEC\x9D\xB4\xEB\xAF\xBC\xEC\xA4\x80",
                                     "Lee; \"JJ\"", "\"Quoted\" Name", "A;B"};
/* EXIF Artist per MWG: "; "-joined, quoted where an entry holds "; "
 * or starts with a quote */
static const char artist[] = "Kim <Min-ji> & Co; \xEC\x9D\xB4\xEB\xAF\xBC\xEC\xA4\x80; "
                             "\"Lee; \"\"JJ\"\"\"; \"\"\"Quoted\"\" Name\"; A;B";
/* "서울" */
#define SEOUL "\xEC\x84\x9C\xEC\x9A\xB8"
/* "가" */
#define GA "\xEA\xB0\x80"

struct fixture {
    struct photo_meta m;
    char caption[CAPTION_BYTES + 1];
    char *keywords[N_KEYWORDS];
    struct meta_lang_value desc_langs[5], rights_langs[2], alt_langs[1];
};

/* A caption of exactly CAPTION_BYTES: "a" then Korean syllables, so
 * byte 2000 (the IIM limit) falls inside a 3-byte sequence; markup,
 * a control character and a CR/LF near the start. */
static void make_caption(char *out)
{
    static const char head[] = "a<b>&amp; \"c\"\x1b\r\n";
    size_t k = strlen(head);
    memcpy(out, head, k);
    while (k + 3 <= CAPTION_BYTES) {
        memcpy(out + k, GA, 3);
        k += 3;
    }
    while (k < CAPTION_BYTES)
        out[k++] = '.';
    out[k] = '\0';
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    struct photo_meta *m = &f->m;
    make_caption(f->caption);
    for (size_t i = 0; i < N_KEYWORDS; i++) {
        char kw[160];
        /* ~100 bytes, Korean at the 64-byte cut */
        snprintf(kw, sizeof kw,
                 "kw%03zu<&>" SEOUL SEOUL SEOUL SEOUL SEOUL SEOUL SEOUL SEOUL SEOUL SEOUL SEOUL
                     SEOUL SEOUL SEOUL SEOUL,
                 i);
        f->keywords[i] = strdup(kw);
        assert_non_null(f->keywords[i]);
    }
    m->headline = (char *)hostile_headline;
    m->description = f->caption;
    m->alt_text = "A man holds a sign reading \"No\" & <more>";
    m->title = "Title \xE2\x80\x94 2022";
    m->creator.items = creators;
    m->creator.n = N_CREATORS;
    m->creator_job_title = "Staff photographer";
    m->credit_line = "Kim Min-ji / Agency & Co";
    m->source = "Agency";
    m->copyright_notice = "\xC2\xA9 2022 Kim Min-ji <all rights>";
    m->web_statement = "https://example.com/rights?a=1&b=<2>";
    m->licensor_url = "https://example.com/license?id=7&x=\"y\"";
    m->usage_terms = "Editorial use only";
    m->date_created = "2022-01-27T14:05:00+09:00";
    m->city = SEOUL;
    m->sublocation = "Gwanghwamun";
    m->province_state = "Seoul";
    m->country = "South Korea";
    m->country_code = "KOR";
    m->keywords.items = f->keywords;
    m->keywords.n = N_KEYWORDS;
    /* things a derivative must not carry */
    m->has_gps = true;
    m->serial_number = "SERIAL-0042";
    m->camera_make = "Canon";
    m->camera_model = "EOS R5";
    m->job_id = "JOB-1";
    m->instructions = "EMBARGO until noon";
    m->caption_writer = "desk";
    f->desc_langs[0] = (struct meta_lang_value){"ko", "\xED\x95\x9C\xEA\xB5\xAD\xEC\x96\xB4 <b>"};
    f->desc_langs[1] = (struct meta_lang_value){"en-GB", "English & more"};
    f->desc_langs[2] = (struct meta_lang_value){"bad\" lang", "dropped"};
    f->desc_langs[3] = (struct meta_lang_value){"EN-gb", "duplicate, dropped"};
    f->desc_langs[4] = (struct meta_lang_value){"x-default", "not the reconciled value"};
    m->description_langs.items = f->desc_langs;
    m->description_langs.n = 5;
    f->rights_langs[0] = (struct meta_lang_value){"x-default", "ignored: copyright_notice wins"};
    f->rights_langs[1] =
        (struct meta_lang_value){"ko", "\xC2\xA9 2022 \xEA\xB9\x80\xEB\xAF\xBC\xEC\xA7\x80"};
    m->rights_langs.items = f->rights_langs;
    m->rights_langs.n = 2;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    for (size_t i = 0; i < N_KEYWORDS; i++)
        free(f->keywords[i]);
    free(f);
    return 0;
}

/* What the writer must make of a value: C0 controls but tab/LF/CR,
 * DEL and C1 removed. Only ASCII controls occur in the fixtures. */
static char *expect_clean(const char *s)
{
    char *o = strdup(s);
    size_t k = 0;
    assert_non_null(o);
    for (size_t i = 0; s[i]; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
            continue;
        o[k++] = s[i];
    }
    o[k] = '\0';
    return o;
}

static struct meta_blobs write_ok(const struct photo_meta *m, const struct meta_keep *keep)
{
    struct meta_blobs b;
    struct diag d;
    diag_clear(&d);
    enum status st = meta_write_rights(m, keep, &b, &d);
    if (st != ST_OK) {
        char msg[1024];
        diag_format(&d, msg, sizeof msg);
        fail_msg("meta_write_rights: %s: %s", status_str(st), msg);
    }
    return b;
}

/* ---- XMP read back through expat -------------------------------- */

#define NS_RDF "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_XML "http://www.w3.org/XML/1998/namespace"
#define NS_DC "http://purl.org/dc/elements/1.1/"
#define NS_PS "http://ns.adobe.com/photoshop/1.0/"
#define NS_CORE "http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/"
#define NS_RIGHTS "http://ns.adobe.com/xap/1.0/rights/"
#define NS_PLUS "http://ns.useplus.org/ldf/xmp/1.0/"

/* One leaf: the property (child of rdf:Description), the element
 * holding the text, its xml:lang, and the text. */
struct leaf {
    char prop[160], elem[160], lang[40];
    char *text;
};
struct xmp_read {
    struct leaf leaves[1024];
    size_t n;
    int depth;
    char prop[160], lang[40];
    char elem[160];
    struct buf text;
    int had_child;
    int ok;
};

static void XMLCALL on_start(void *u, const XML_Char *name, const XML_Char **attr)
{
    struct xmp_read *r = u;
    r->depth++;
    r->had_child = 0;
    buf_reset(&r->text);
    if (r->depth == 4)
        snprintf(r->prop, sizeof r->prop, "%s", name);
    snprintf(r->elem, sizeof r->elem, "%s", name);
    r->lang[0] = '\0';
    for (size_t i = 0; attr[i]; i += 2)
        if (strcmp(attr[i], NS_XML "|lang") == 0)
            snprintf(r->lang, sizeof r->lang, "%s", attr[i + 1]);
}

static void XMLCALL on_end(void *u, const XML_Char *name)
{
    struct xmp_read *r = u;
    if (r->depth >= 4 && !r->had_child && r->n < 1024) {
        struct leaf *l = &r->leaves[r->n++];
        snprintf(l->prop, sizeof l->prop, "%s", r->prop);
        snprintf(l->elem, sizeof l->elem, "%s", name);
        snprintf(l->lang, sizeof l->lang, "%s", r->lang);
        l->text = strdup(r->text.data ? r->text.data : "");
    }
    r->had_child = 1; /* the parent of an element is not a leaf */
    r->depth--;
    buf_reset(&r->text);
}

static void XMLCALL on_text(void *u, const XML_Char *s, int len)
{
    struct xmp_read *r = u;
    buf_append(&r->text, s, (size_t)len);
}

/* Parses with namespace processing, so an undeclared prefix fails. */
static struct xmp_read *xmp_parse(const uint8_t *p, size_t n)
{
    struct xmp_read *r = calloc(1, sizeof *r);
    assert_non_null(r);
    buf_init(&r->text, (size_t)1 << 20);
    XML_Parser x = XML_ParserCreateNS("UTF-8", '|');
    XML_SetUserData(x, r);
    XML_SetElementHandler(x, on_start, on_end);
    XML_SetCharacterDataHandler(x, on_text);
    r->ok = XML_Parse(x, (const char *)p, (int)n, 1) == XML_STATUS_OK;
    if (!r->ok)
        print_error("expat: %s at line %lu\n", XML_ErrorString(XML_GetErrorCode(x)),
                    (unsigned long)XML_GetCurrentLineNumber(x));
    XML_ParserFree(x);
    return r;
}

static void xmp_free(struct xmp_read *r)
{
    for (size_t i = 0; i < r->n; i++)
        free(r->leaves[i].text);
    buf_free(&r->text);
    free(r);
}

/* The idx-th leaf of property `prop` (with xml:lang `lang` if given). */
static const struct leaf *xmp_find(const struct xmp_read *r, const char *prop, const char *lang,
                                   size_t idx)
{
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(r->leaves[i].prop, prop) == 0 && (!lang || strcmp(r->leaves[i].lang, lang) == 0))
            if (idx-- == 0)
                return &r->leaves[i];
    return NULL;
}

static size_t xmp_count(const struct xmp_read *r, const char *prop)
{
    size_t k = 0;
    for (size_t i = 0; i < r->n; i++)
        k += strcmp(r->leaves[i].prop, prop) == 0;
    return k;
}

static void assert_xmp(const struct xmp_read *r, const char *prop, const char *lang,
                       const char *want)
{
    const struct leaf *l = xmp_find(r, prop, lang, 0);
    if (!l)
        fail_msg("XMP %s [%s] missing", prop, lang ? lang : "");
    assert_string_equal(l->text, want);
}

static bool mem_has(const uint8_t *p, size_t n, const char *needle)
{
    size_t k = strlen(needle);
    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(p + i, needle, k) == 0)
            return true;
    return false;
}

static void xmp_well_formed_escaped_and_private_free(void **state)
{
    struct fixture *f = *state;
    struct meta_blobs b = write_ok(&f->m, NULL);
    assert_true(b.xmp_len > 0);
    static const char begin[] =
        "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>";
    static const char end[] = "<?xpacket end=\"w\"?>";
    assert_true(b.xmp_len > sizeof begin + sizeof end);
    assert_memory_equal(b.xmp, begin, sizeof begin - 1);
    assert_memory_equal(b.xmp + b.xmp_len - (sizeof end - 1), end, sizeof end - 1);
    assert_true(utf8_valid(b.xmp, b.xmp_len));

    struct xmp_read *r = xmp_parse(b.xmp, b.xmp_len);
    assert_true(r->ok);
    char *headline = expect_clean(hostile_headline);
    assert_string_equal(headline, hostile_headline_clean);
    assert_xmp(r, NS_PS "|Headline", NULL, headline);
    char *caption = expect_clean(f->caption);
    assert_xmp(r, NS_DC "|description", "x-default", caption);
    for (size_t i = 0; i < N_CREATORS; i++) {
        const struct leaf *l = xmp_find(r, NS_DC "|creator", NULL, i);
        assert_non_null(l);
        assert_string_equal(l->elem, NS_RDF "|li");
        assert_string_equal(l->text, creators[i]);
    }
    assert_xmp(r, NS_DC "|rights", "x-default", f->m.copyright_notice);
    assert_xmp(r, NS_RIGHTS "|Marked", NULL, "True");
    assert_xmp(r, NS_RIGHTS "|WebStatement", NULL, f->m.web_statement);
    assert_xmp(r, NS_RIGHTS "|UsageTerms", "x-default", f->m.usage_terms);
    assert_xmp(r, NS_PS "|Credit", NULL, f->m.credit_line);
    assert_xmp(r, NS_PS "|Source", NULL, f->m.source);
    assert_xmp(r, NS_PS "|AuthorsPosition", NULL, f->m.creator_job_title);
    assert_xmp(r, NS_PS "|DateCreated", NULL, "2022-01-27T14:05:00+09:00");
    assert_xmp(r, NS_PS "|City", NULL, SEOUL);
    assert_xmp(r, NS_PS "|State", NULL, "Seoul");
    assert_xmp(r, NS_PS "|Country", NULL, "South Korea");
    assert_xmp(r, NS_CORE "|CountryCode", NULL, "KOR");
    assert_xmp(r, NS_CORE "|Location", NULL, "Gwanghwamun");
    assert_xmp(r, NS_CORE "|AltTextAccessibility", "x-default", f->m.alt_text);
    assert_xmp(r, NS_DC "|title", "x-default", f->m.title);
    const struct leaf *lic = xmp_find(r, NS_PLUS "|Licensor", NULL, 0);
    assert_non_null(lic);
    assert_string_equal(lic->elem, NS_PLUS "|LicensorURL");
    assert_string_equal(lic->text, f->m.licensor_url);
    assert_int_equal(xmp_count(r, NS_DC "|subject"), N_KEYWORDS);
    assert_string_equal(xmp_find(r, NS_DC "|subject", NULL, 7)->text, f->keywords[7]);

    /* nothing private, nothing unlisted */
    static const char *never[] = {"GPS",  "Serial", "SERIAL-0042", "Canon",   "EOS",   "exif:",
                                  "aux:", "xmpMM",  "History",     "EMBARGO", "JOB-1", "desk"};
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++)
        if (mem_has(b.xmp, b.xmp_len, never[i]))
            fail_msg("XMP contains \"%s\"", never[i]);
    static const char *allowed[] = {NS_DC, NS_PS, NS_CORE, NS_RIGHTS, NS_PLUS};
    for (size_t i = 0; i < r->n; i++) {
        bool ok = false;
        for (size_t j = 0; j < 5 && !ok; j++)
            ok = strncmp(r->leaves[i].prop, allowed[j], strlen(allowed[j])) == 0;
        if (!ok)
            fail_msg("unexpected XMP property %s", r->leaves[i].prop);
    }
    /* the markup came through as entities, never raw */
    assert_false(mem_has(b.xmp, b.xmp_len, "<script>"));
    assert_true(mem_has(b.xmp, b.xmp_len, "&lt;script&gt;"));
    free(headline);
    free(caption);
    xmp_free(r);
    meta_blobs_free(&b);
}

static void xmp_lang_alt_lists_every_language_once_x_default_first(void **state)
{
    struct fixture *f = *state;
    struct meta_blobs b = write_ok(&f->m, NULL);
    struct xmp_read *r = xmp_parse(b.xmp, b.xmp_len);
    assert_true(r->ok);
    /* dc:description: x-default (the reconciled caption), ko, en-GB;
     * the bad tag, the case-duplicate and the file's own x-default go */
    assert_int_equal(xmp_count(r, NS_DC "|description"), 3);
    assert_string_equal(xmp_find(r, NS_DC "|description", NULL, 0)->lang, "x-default");
    assert_xmp(r, NS_DC "|description", "ko", f->desc_langs[0].value);
    assert_xmp(r, NS_DC "|description", "en-GB", "English & more");
    assert_null(xmp_find(r, NS_DC "|description", "EN-gb", 0));
    /* dc:rights: every language of rights_langs too */
    assert_int_equal(xmp_count(r, NS_DC "|rights"), 2);
    assert_xmp(r, NS_DC "|rights", "ko", f->rights_langs[1].value);
    xmp_free(r);
    meta_blobs_free(&b);

    /* no reconciled value: the file's x-default is used */
    f->m.description = NULL;
    b = write_ok(&f->m, NULL);
    r = xmp_parse(b.xmp, b.xmp_len);
    assert_true(r->ok);
    assert_xmp(r, NS_DC "|description", "x-default", "not the reconciled value");
    xmp_free(r);
    meta_blobs_free(&b);
}

/* ---- IIM read back ------------------------------------------------ */

struct dataset {
    uint8_t rec, num;
    struct span v;
};
struct iim_read {
    struct span block; /* the 0x0404 resource data */
    struct span digest;
    struct dataset ds[1024];
    size_t n;
};

/* The APP13 payload: "Photoshop 3.0\0", then 8BIM resources. */
static void iim_parse(const uint8_t *p, size_t n, struct iim_read *r)
{
    static const char prefix[] = "Photoshop 3.0";
    struct cursor c;
    memset(r, 0, sizeof *r);
    cursor_init(&c, span_make(p, n));
    struct span s;
    assert_true(cursor_take(&c, sizeof prefix, &s));
    assert_memory_equal(s.ptr, prefix, sizeof prefix);
    while (cursor_left(&c)) {
        uint16_t id;
        uint8_t name_len;
        uint32_t size;
        struct span data;
        assert_true(cursor_take(&c, 4, &s));
        assert_memory_equal(s.ptr, "8BIM", 4);
        assert_true(cursor_u16be(&c, &id));
        assert_true(cursor_u8(&c, &name_len));
        assert_true(cursor_skip(&c, name_len + ((name_len + 1) % 2)));
        assert_true(cursor_u32be(&c, &size));
        assert_true(cursor_take(&c, size, &data));
        if (size % 2)
            assert_true(cursor_skip(&c, 1));
        if (id == 0x0404)
            r->block = data;
        else if (id == 0x0425)
            r->digest = data;
        else
            fail_msg("unexpected resource 0x%04x", id);
    }
    cursor_init(&c, r->block);
    while (cursor_left(&c)) {
        uint8_t tag;
        uint16_t len;
        struct dataset *d = &r->ds[r->n];
        assert_true(r->n < 1024);
        assert_true(cursor_u8(&c, &tag));
        assert_int_equal(tag, 0x1C);
        assert_true(cursor_u8(&c, &d->rec));
        assert_true(cursor_u8(&c, &d->num));
        assert_true(cursor_u16be(&c, &len));
        assert_true(len < 0x8000); /* no extended lengths */
        assert_true(cursor_take(&c, len, &d->v));
        r->n++;
    }
}

static const struct dataset *iim_find(const struct iim_read *r, uint8_t num, size_t idx)
{
    for (size_t i = 0; i < r->n; i++)
        if (r->ds[i].rec == 2 && r->ds[i].num == num && idx-- == 0)
            return &r->ds[i];
    return NULL;
}

static void assert_iim(const struct iim_read *r, uint8_t num, const char *want)
{
    const struct dataset *d = iim_find(r, num, 0);
    if (!d)
        fail_msg("IIM 2:%u missing", num);
    assert_int_equal(d->v.len, strlen(want));
    assert_memory_equal(d->v.ptr, want, d->v.len);
}

/* IIM 4.2 chapter 6 maxima (ExifTool 12.57 IPTC.pm string[0,N]). */
static size_t iim_max(uint8_t num)
{
    switch (num) {
    case 5:
    case 25:
    case 101:
        return 64;
    case 55:
        return 8;
    case 60:
        return 11;
    case 80:
    case 85:
    case 90:
    case 92:
    case 95:
    case 110:
    case 115:
        return 32;
    case 100:
        return 3;
    case 105:
        return 256;
    case 116:
        return 128;
    case 120:
        return 2000;
    default:
        return 0;
    }
}

static void iim_walks_limits_charset_and_digest(void **state)
{
    struct fixture *f = *state;
    struct meta_blobs b = write_ok(&f->m, NULL);
    struct iim_read *r = calloc(1, sizeof *r);
    assert_non_null(r);
    iim_parse(b.iptc, b.iptc_len, r);
    assert_non_null(r->block.ptr);
    /* 1:90 = ESC % G first, then 2:00 = 4 */
    assert_true(r->n >= 2);
    assert_int_equal(r->ds[0].rec, 1);
    assert_int_equal(r->ds[0].num, 90);
    assert_int_equal(r->ds[0].v.len, 3);
    assert_memory_equal(r->ds[0].v.ptr, "\x1b%G", 3);
    assert_int_equal(r->ds[1].rec, 2);
    assert_int_equal(r->ds[1].num, 0);
    assert_int_equal(r->ds[1].v.len, 2);
    assert_memory_equal(r->ds[1].v.ptr, "\x00\x04", 2);
    /* every dataset listed, ascending, within its maximum, whole code points */
    for (size_t i = 2; i < r->n; i++) {
        const struct dataset *d = &r->ds[i];
        assert_int_equal(d->rec, 2);
        assert_true(d->num >= r->ds[i - 1].num);
        if (iim_max(d->num) == 0)
            fail_msg("unexpected IIM dataset 2:%u", d->num);
        assert_true(d->v.len <= iim_max(d->num));
        assert_true(utf8_valid(d->v.ptr, d->v.len));
    }
    /* caption: the longest whole-code-point prefix within 2000 bytes */
    char *caption = expect_clean(f->caption);
    const struct dataset *cap = iim_find(r, 120, 0);
    assert_non_null(cap);
    assert_true(cap->v.len <= 2000 && cap->v.len > 2000 - 4);
    assert_memory_equal(cap->v.ptr, caption, cap->v.len);
    assert_true(((unsigned char)caption[cap->v.len] & 0xC0) != 0x80);
    /* 300 keywords, each cut the same way at 64 */
    for (size_t i = 0; i < N_KEYWORDS; i++) {
        const struct dataset *k = iim_find(r, 25, i);
        assert_non_null(k);
        assert_true(k->v.len <= 64 && k->v.len > 60);
        assert_memory_equal(k->v.ptr, f->keywords[i], k->v.len);
        assert_true(((unsigned char)f->keywords[i][k->v.len] & 0xC0) != 0x80);
    }
    assert_null(iim_find(r, 25, N_KEYWORDS));
    for (size_t i = 0; i < N_CREATORS; i++) {
        const struct dataset *c = iim_find(r, 80, i);
        assert_non_null(c);
        assert_memory_equal(c->v.ptr, creators[i], c->v.len);
    }
    char *headline = expect_clean(hostile_headline);
    assert_iim(r, 105, headline);
    assert_iim(r, 55, "20220127");
    assert_iim(r, 60, "140500+0900");
    assert_iim(r, 90, SEOUL);
    assert_iim(r, 101, "South Korea");
    assert_iim(r, 100, "KOR");
    assert_iim(r, 110, f->m.credit_line);
    assert_iim(r, 116, f->m.copyright_notice);
    /* digest: MD5 of exactly the 0x0404 data, computed here with OpenSSL */
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    assert_int_equal(EVP_Digest(r->block.ptr, r->block.len, md, &md_len, EVP_md5(), NULL), 1);
    assert_int_equal(md_len, 16);
    assert_int_equal(r->digest.len, 16);
    assert_memory_equal(r->digest.ptr, md, 16);
    free(caption);
    free(headline);
    free(r);
    meta_blobs_free(&b);
}

/* ---- EXIF read back ----------------------------------------------- */

struct tiff_entry {
    uint16_t tag, type;
    uint32_t count;
    struct span v;
};
struct tiff_ifd {
    struct tiff_entry e[32];
    size_t n;
    uint32_t next;
};

static size_t type_size(uint16_t t)
{
    switch (t) {
    case 1:
    case 2:
    case 7:
        return 1;
    case 3:
        return 2;
    case 4:
        return 4;
    case 5:
        return 8;
    default:
        return 0;
    }
}

/* One IFD of a little-endian TIFF: entries ascending, values inside
 * the TIFF and at even offsets. */
static void ifd_read(struct span tiff, uint32_t at, struct tiff_ifd *ifd)
{
    uint16_t n;
    memset(ifd, 0, sizeof *ifd);
    assert_true(at % 2 == 0);
    assert_true(span_u16(tiff, at, false, &n));
    assert_true(n <= 32);
    for (uint16_t i = 0; i < n; i++) {
        struct tiff_entry *e = &ifd->e[i];
        size_t o = at + 2 + 12u * i;
        uint32_t off;
        assert_true(span_u16(tiff, o, false, &e->tag));
        assert_true(span_u16(tiff, o + 2, false, &e->type));
        assert_true(span_u32(tiff, o + 4, false, &e->count));
        if (i)
            assert_true(e->tag > ifd->e[i - 1].tag);
        size_t sz = type_size(e->type);
        assert_true(sz > 0);
        size_t len = sz * e->count;
        if (len <= 4)
            assert_true(span_sub(tiff, o + 8, len, &e->v));
        else {
            assert_true(span_u32(tiff, o + 8, false, &off));
            assert_true(off % 2 == 0);
            assert_true(span_sub(tiff, off, len, &e->v));
        }
        ifd->n++;
    }
    assert_true(span_u32(tiff, at + 2 + 12u * n, false, &ifd->next));
}

static const struct tiff_entry *ifd_get(const struct tiff_ifd *ifd, uint16_t tag)
{
    for (size_t i = 0; i < ifd->n; i++)
        if (ifd->e[i].tag == tag)
            return &ifd->e[i];
    return NULL;
}

static void assert_ascii(const struct tiff_ifd *ifd, uint16_t tag, const char *want)
{
    const struct tiff_entry *e = ifd_get(ifd, tag);
    if (!e)
        fail_msg("EXIF tag 0x%04x missing", tag);
    assert_int_equal(e->type, 2);
    assert_int_equal(e->count, strlen(want) + 1);
    assert_memory_equal(e->v.ptr, want, strlen(want) + 1);
}

/* Walks "Exif\0\0" + TIFF into IFD0 and the Exif IFD (if any). */
static bool exif_parse(const struct meta_blobs *b, struct tiff_ifd *ifd0, struct tiff_ifd *exif)
{
    assert_true(b->exif_len > 14);
    assert_memory_equal(b->exif, "Exif\0\0II*\0", 10);
    struct span tiff = span_make(b->exif + 6, b->exif_len - 6);
    uint32_t first;
    assert_true(span_u32(tiff, 4, false, &first));
    ifd_read(tiff, first, ifd0);
    assert_int_equal(ifd0->next, 0); /* no IFD1, no thumbnail */
    const struct tiff_entry *ptr = ifd_get(ifd0, 0x8769);
    if (!ptr)
        return false;
    uint32_t at;
    assert_int_equal(ptr->type, 4);
    assert_true(span_u32(ptr->v, 0, false, &at));
    ifd_read(tiff, at, exif);
    assert_int_equal(exif->next, 0);
    return true;
}

static void exif_holds_rights_orientation_one_and_nothing_private(void **state)
{
    struct fixture *f = *state;
    struct meta_blobs b = write_ok(&f->m, NULL);
    struct tiff_ifd ifd0, exif;
    assert_true(exif_parse(&b, &ifd0, &exif));
    static const uint16_t ifd0_ok[] = {0x010E, 0x0112, 0x013B, 0x8298, 0x8769};
    for (size_t i = 0; i < ifd0.n; i++) {
        bool ok = false;
        for (size_t j = 0; j < 5; j++)
            ok |= ifd0.e[i].tag == ifd0_ok[j];
        if (!ok)
            fail_msg("unexpected IFD0 tag 0x%04x", ifd0.e[i].tag);
    }
    assert_null(ifd_get(&ifd0, 0x8825)); /* GPS IFD */
    const struct tiff_entry *o = ifd_get(&ifd0, 0x0112);
    assert_non_null(o);
    assert_int_equal(o->type, 3);
    assert_int_equal(o->count, 1);
    assert_int_equal(o->v.ptr[0] | o->v.ptr[1] << 8, 1);
    assert_ascii(&ifd0, 0x013B, artist);
    assert_ascii(&ifd0, 0x8298, f->m.copyright_notice);
    char *caption = expect_clean(f->caption);
    assert_ascii(&ifd0, 0x010E, caption);
    free(caption);
    static const uint16_t exif_ok[] = {0x9000, 0x9003, 0x9011, 0x9291};
    for (size_t i = 0; i < exif.n; i++) {
        bool ok = false;
        for (size_t j = 0; j < 4; j++)
            ok |= exif.e[i].tag == exif_ok[j];
        if (!ok)
            fail_msg("unexpected Exif IFD tag 0x%04x", exif.e[i].tag);
    }
    assert_null(ifd_get(&exif, 0xA431)); /* BodySerialNumber */
    assert_null(ifd_get(&exif, 0xA430)); /* CameraOwnerName */
    assert_ascii(&exif, 0x9003, "2022:01:27 14:05:00");
    assert_ascii(&exif, 0x9011, "+09:00");
    assert_null(ifd_get(&exif, 0x9291));
    assert_false(mem_has(b.exif, b.exif_len, "SERIAL"));
    assert_false(mem_has(b.exif, b.exif_len, "Canon"));
    meta_blobs_free(&b);
}

/* ---- dates, keep flags, edges, limits ----------------------------- */

/* Writes the fixture with another date_created and reads its IIM. */
static struct meta_blobs write_with_date(struct fixture *f, const char *date, struct iim_read *r)
{
    f->m.date_created = (char *)date;
    struct meta_blobs b = write_ok(&f->m, NULL);
    iim_parse(b.iptc, b.iptc_len, r);
    return b;
}

static void dates_follow_the_precision_given(void **state)
{
    struct fixture *f = *state;
    struct iim_read *r = calloc(1, sizeof *r);
    struct tiff_ifd ifd0, exif;
    assert_non_null(r);

    /* date only: 2:55 alone, no Exif IFD */
    struct meta_blobs b = write_with_date(f, "2022-01-27", r);
    assert_iim(r, 55, "20220127");
    assert_null(iim_find(r, 60, 0));
    assert_false(exif_parse(&b, &ifd0, &exif));
    assert_true(mem_has(b.xmp, b.xmp_len, ">2022-01-27<"));
    meta_blobs_free(&b);

    /* year and month: IIM fills the unknown day with 00 */
    b = write_with_date(f, "2022-01", r);
    assert_iim(r, 55, "20220100");
    meta_blobs_free(&b);

    /* time without a zone: no 2:60 (IIM needs one), no OffsetTimeOriginal */
    b = write_with_date(f, "2022-01-27T14:05:09.25", r);
    assert_null(iim_find(r, 60, 0));
    assert_true(exif_parse(&b, &ifd0, &exif));
    assert_ascii(&exif, 0x9003, "2022:01:27 14:05:09");
    assert_ascii(&exif, 0x9291, "25");
    assert_null(ifd_get(&exif, 0x9011));
    assert_true(mem_has(b.xmp, b.xmp_len, ">2022-01-27T14:05:09.25<"));
    meta_blobs_free(&b);

    /* western zone, minutes, compact form */
    b = write_with_date(f, "2022-01-27T14:05-0330", r);
    assert_iim(r, 60, "140500-0330");
    assert_true(exif_parse(&b, &ifd0, &exif));
    assert_ascii(&exif, 0x9011, "-03:30");
    meta_blobs_free(&b);

    /* nonsense is left out everywhere rather than written wrongly */
    static const char *bad[] = {"2022-13-01",    "2022-01-27T25:00", "yesterday",
                                "2022-01-27T14", "2022-01-27 14:05", "2022-01-27T14:05+15:00"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        b = write_with_date(f, bad[i], r);
        assert_null(iim_find(r, 55, 0));
        assert_false(mem_has(b.xmp, b.xmp_len, "DateCreated"));
        assert_false(exif_parse(&b, &ifd0, &exif));
        meta_blobs_free(&b);
    }
    free(r);
}

static void keep_flags_drop_only_what_they_name(void **state)
{
    struct fixture *f = *state;
    struct meta_keep k;
    meta_keep_default(&k);
    assert_true(k.headline && k.description && k.alt_text && k.date_created && k.location);
    assert_true(k.usage_terms && k.title && k.keywords && k.source && k.creator_job_title);
    /* Every flag off is site.yaml's `privacy: minimal`: the rights core only. */
    memset(&k, 0, sizeof k);
    struct meta_blobs b = write_ok(&f->m, &k);
    struct xmp_read *x = xmp_parse(b.xmp, b.xmp_len);
    assert_true(x->ok);
    static const char *gone[] = {
        NS_PS "|Headline",    NS_DC "|description",   NS_CORE "|AltTextAccessibility",
        NS_PS "|DateCreated", NS_PS "|City",          NS_PS "|Country",
        NS_PS "|State",       NS_CORE "|CountryCode", NS_CORE "|Location",
        NS_RIGHTS "|UsageTerms", NS_PS "|Source", NS_DC "|title", NS_DC "|subject",
        NS_PS "|AuthorsPosition"};
    for (size_t i = 0; i < sizeof gone / sizeof gone[0]; i++)
        if (xmp_count(x, gone[i]))
            fail_msg("%s kept although its keep flag is off", gone[i]);
    static const char *kept[] = {
        NS_DC "|creator", NS_PS "|Credit", NS_DC "|rights", NS_RIGHTS "|WebStatement",
        NS_PLUS "|Licensor"};
    for (size_t i = 0; i < sizeof kept / sizeof kept[0]; i++)
        if (!xmp_count(x, kept[i]))
            fail_msg("%s dropped although it is always kept", kept[i]);
    xmp_free(x);
    struct iim_read *r = calloc(1, sizeof *r);
    assert_non_null(r);
    iim_parse(b.iptc, b.iptc_len, r);
    static const uint8_t gone_iim[] = {5, 25, 55, 60, 85, 90, 92, 95, 100, 101, 105, 115, 120};
    for (size_t i = 0; i < sizeof gone_iim; i++)
        assert_null(iim_find(r, gone_iim[i], 0));
    assert_non_null(iim_find(r, 80, 0));
    assert_non_null(iim_find(r, 116, 0));
    free(r);
    struct tiff_ifd ifd0, exif;
    assert_false(exif_parse(&b, &ifd0, &exif));
    assert_null(ifd_get(&ifd0, 0x010E));
    assert_non_null(ifd_get(&ifd0, 0x8298));
    meta_blobs_free(&b);
}

static void same_input_same_bytes(void **state)
{
    struct fixture *f = *state;
    struct meta_blobs a = write_ok(&f->m, NULL), b = write_ok(&f->m, NULL);
    assert_int_equal(a.xmp_len, b.xmp_len);
    assert_memory_equal(a.xmp, b.xmp, a.xmp_len);
    assert_int_equal(a.iptc_len, b.iptc_len);
    assert_memory_equal(a.iptc, b.iptc, a.iptc_len);
    assert_int_equal(a.exif_len, b.exif_len);
    assert_memory_equal(a.exif, b.exif, a.exif_len);
    meta_blobs_free(&a);
    meta_blobs_free(&b);
}

static void empty_meta_gives_bare_blocks(void **state)
{
    struct photo_meta m;
    memset(&m, 0, sizeof m);
    m.headline = " \t\r\n"; /* blank counts as absent */
    m.orientation = 6;      /* the pixels are rotated: EXIF still says 1 */
    struct meta_blobs b = write_ok(&m, NULL);
    struct xmp_read *x = xmp_parse(b.xmp, b.xmp_len);
    assert_true(x->ok);
    assert_int_equal(x->n, 0);
    xmp_free(x);
    assert_null(b.iptc);
    assert_int_equal(b.iptc_len, 0);
    struct tiff_ifd ifd0, exif;
    assert_false(exif_parse(&b, &ifd0, &exif));
    assert_int_equal(ifd0.n, 1);
    assert_int_equal(ifd0.e[0].tag, 0x0112);
    assert_int_equal(ifd0.e[0].v.ptr[0], 1);
    meta_blobs_free(&b);
    meta_blobs_free(&b); /* twice: the first left it empty */
    meta_blobs_free(NULL);
}

static void broken_utf8_becomes_replacement_characters(void **state)
{
    struct photo_meta m;
    memset(&m, 0, sizeof m);
    m.headline = "ok \xC3\x28 \xED\xA0\x80 \xF8\x88\x80\x80\x80 \xEF\xBF\xBE end\xE2\x82";
    struct meta_blobs b = write_ok(&m, NULL);
    struct xmp_read *x = xmp_parse(b.xmp, b.xmp_len);
    assert_true(x->ok);
    assert_xmp(x, NS_PS "|Headline", NULL,
               "ok \xEF\xBF\xBD( \xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD"
               "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD  end\xEF\xBF\xBD\xEF\xBF\xBD");
    xmp_free(x);
    struct iim_read *r = calloc(1, sizeof *r);
    assert_non_null(r);
    iim_parse(b.iptc, b.iptc_len, r);
    const struct dataset *h = iim_find(r, 105, 0);
    assert_non_null(h);
    assert_true(utf8_valid(h->v.ptr, h->v.len));
    free(r);
    meta_blobs_free(&b);
}

/* xorshift64: a fixed sequence, so a failure replays. */
static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Random bytes weighted toward what breaks writers: markup, controls,
 * lead and continuation bytes, whole Korean syllables. */
static char *rnd_text(uint64_t *s, size_t max)
{
    static const char *pieces[] = {"<",
                                   ">",
                                   "&",
                                   "\"",
                                   "'",
                                   "\r",
                                   "\n",
                                   "\x01",
                                   "\x7f",
                                   "\xC2\x85",
                                   "\xEF\xBF\xBF",
                                   GA,
                                   "\xE2\x82",
                                   "\xF0",
                                   "\x80",
                                   "]]>",
                                   "a",
                                   " ",
                                   ";",
                                   "x-default"};
    size_t n = rnd(s) % (max + 1);
    char *o = calloc(1, 10 * n + 1); /* the longest piece is 9 bytes */
    assert_non_null(o);
    for (size_t i = 0; i < n; i++) {
        if (rnd(s) % 3 == 0) {
            char c[2] = {(char)(rnd(s) % 255 + 1), '\0'};
            strcat(o, c);
        } else
            strcat(o, pieces[rnd(s) % (sizeof pieces / sizeof pieces[0])]);
    }
    return o;
}

static void random_values_always_give_well_formed_blocks(void **state)
{
    uint64_t seed = 0x9E3779B97F4A7C15u;
    static const char *dates[] = {"2022",
                                  "2022-02",
                                  "2022-02-29",
                                  "2022-02-29T23:59:60.123456789Z",
                                  "0001-01-01T00:00-14:59",
                                  "2022-1-1",
                                  "",
                                  "2022-01-27T14:05:00+0900x"};
    for (int round = 0; round < 200; round++) {
        struct photo_meta m;
        char *owned[40];
        size_t no = 0;
        struct meta_lang_value langs[3];
        char *list[4];
        memset(&m, 0, sizeof m);
        char **plain[] = {&m.headline,
                          &m.description,
                          &m.alt_text,
                          &m.title,
                          &m.credit_line,
                          &m.source,
                          &m.copyright_notice,
                          &m.web_statement,
                          &m.licensor_url,
                          &m.usage_terms,
                          &m.city,
                          &m.country,
                          &m.country_code,
                          &m.sublocation,
                          &m.province_state,
                          &m.creator_job_title};
        for (size_t i = 0; i < sizeof plain / sizeof plain[0]; i++)
            *plain[i] = owned[no++] = rnd_text(&seed, i == 1 ? 3000 : 80);
        for (size_t i = 0; i < 4; i++)
            list[i] = owned[no++] = rnd_text(&seed, 90);
        for (size_t i = 0; i < 3; i++) {
            langs[i].lang = owned[no++] = rnd_text(&seed, 4);
            langs[i].value = owned[no++] = rnd_text(&seed, 40);
        }
        langs[0].lang = "ko";
        m.creator = (struct meta_list){list, 2};
        m.keywords = (struct meta_list){list + 2, 2};
        m.description_langs = (struct meta_lang_alt){langs, 3};
        m.rights_langs = (struct meta_lang_alt){langs + 1, 2};
        m.date_created = (char *)dates[round % (sizeof dates / sizeof dates[0])];

        struct meta_blobs b = write_ok(&m, NULL);
        struct xmp_read *x = xmp_parse(b.xmp, b.xmp_len);
        if (!x->ok)
            fail_msg("round %d: XMP not well-formed", round);
        xmp_free(x);
        if (b.iptc) {
            struct iim_read *r = calloc(1, sizeof *r);
            assert_non_null(r);
            iim_parse(b.iptc, b.iptc_len, r);
            for (size_t i = 2; i < r->n; i++) {
                assert_true(r->ds[i].v.len <= iim_max(r->ds[i].num));
                assert_true(utf8_valid(r->ds[i].v.ptr, r->ds[i].v.len));
            }
            free(r);
        }
        struct tiff_ifd ifd0, exif;
        exif_parse(&b, &ifd0, &exif);
        for (size_t i = 0; i < ifd0.n; i++)
            if (ifd0.e[i].type == 2)
                assert_true(utf8_valid(ifd0.e[i].v.ptr, ifd0.e[i].v.len - 1));
        meta_blobs_free(&b);
        for (size_t i = 0; i < no; i++)
            free(owned[i]);
    }
}

static void oversize_input_is_refused_with_a_named_field(void **state)
{
    struct photo_meta m;
    struct meta_blobs b;
    struct diag d;
    memset(&m, 0, sizeof m);
    memset(&b, 0xAB, sizeof b);

    /* one value past the field limit */
    size_t big = TS_LIMIT_FIELD_BYTES + 1;
    char *s = malloc(big + 1);
    assert_non_null(s);
    memset(s, 'x', big);
    s[big] = '\0';
    m.description = s;
    diag_clear(&d);
    assert_int_equal(meta_write_rights(&m, NULL, &b, &d), ST_LIMIT);
    assert_string_equal(d.field, "description");
    assert_null(b.xmp);
    assert_null(b.exif);
    assert_null(b.iptc);

    /* within the field limit, but past what libvips embeds as XMP */
    s[TS_LIMIT_FIELD_BYTES] = '\0';
    diag_clear(&d);
    assert_int_equal(meta_write_rights(&m, NULL, &b, &d), ST_LIMIT);
    assert_string_equal(d.field, "XMP");
    assert_non_null(strstr(d.message, "60000"));
    assert_null(b.xmp);

    /* too many keywords */
    m.description = NULL;
    char *kw[TS_LIMIT_LIST_ITEMS + 1];
    for (size_t i = 0; i <= TS_LIMIT_LIST_ITEMS; i++)
        kw[i] = "k";
    m.keywords.items = kw;
    m.keywords.n = TS_LIMIT_LIST_ITEMS + 1;
    diag_clear(&d);
    assert_int_equal(meta_write_rights(&m, NULL, &b, &d), ST_LIMIT);
    assert_string_equal(d.field, "keywords");

    /* the most keywords allowed, each at the IIM maximum, do not fit in
     * one APP13 segment: a clear refusal, not a truncated block */
    char k64[65];
    memset(k64, 'k', 64);
    k64[64] = '\0';
    for (size_t i = 0; i < TS_LIMIT_LIST_ITEMS; i++)
        kw[i] = k64;
    m.keywords.n = TS_LIMIT_LIST_ITEMS;
    diag_clear(&d);
    assert_int_equal(meta_write_rights(&m, NULL, &b, &d), ST_LIMIT);
    assert_string_equal(d.field, "XMP"); /* XMP is written first and is smaller-capped */

    assert_int_equal(meta_write_rights(NULL, NULL, &b, &d), ST_USAGE);
    assert_int_equal(meta_write_rights(&m, NULL, NULL, &d), ST_USAGE);
    free(s);
}

/* ---- end to end through ExifTool ---------------------------------- */

static bool have_tool(const char *name)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", name);
    return system(cmd) == 0;
}

static enum status put_segment(struct buf *out, uint8_t marker, const void *hdr, size_t hdr_len,
                               const uint8_t *p, size_t n)
{
    size_t len = 2 + hdr_len + n;
    assert_true(len <= 0xFFFF);
    uint8_t m[4] = {0xFF, marker, (uint8_t)(len >> 8), (uint8_t)len};
    enum status st = buf_append(out, m, 4);
    if (st == ST_OK)
        st = buf_append(out, hdr, hdr_len);
    if (st == ST_OK)
        st = buf_append(out, p, n);
    return st;
}

/* The test's own splicer (the image module embeds through libvips):
 * SOI, the JFIF APP0 if the base has one, APP1 Exif, APP1 XMP, APP13,
 * then the rest of the base JPEG. */
static void splice_jpeg(const uint8_t *base, size_t n, const struct meta_blobs *b, struct buf *out)
{
    size_t at = 2;
    assert_true(n > 4 && base[0] == 0xFF && base[1] == 0xD8);
    assert_int_equal(buf_append(out, base, 2), ST_OK);
    if (base[2] == 0xFF && base[3] == 0xE0) {
        size_t seg = (size_t)base[4] << 8 | base[5];
        assert_true(4 + seg <= n);
        assert_int_equal(buf_append(out, base + 2, 2 + seg), ST_OK);
        at = 4 + seg;
    }
    static const char xmp_ns[] = "http://ns.adobe.com/xap/1.0/"; /* + NUL */
    assert_int_equal(put_segment(out, 0xE1, "", 0, b->exif, b->exif_len), ST_OK);
    assert_int_equal(put_segment(out, 0xE1, xmp_ns, sizeof xmp_ns, b->xmp, b->xmp_len), ST_OK);
    assert_int_equal(put_segment(out, 0xED, "", 0, b->iptc, b->iptc_len), ST_OK);
    assert_int_equal(buf_append(out, base + at, n - at), ST_OK);
}

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        fail_msg("exiftool gave no string for %s", key);
    return json_string_value(v);
}

static void assert_json_list(json_t *o, const char *key, char **want, size_t n)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_array(v) || json_array_size(v) != n)
        fail_msg("exiftool %s is not a list of %zu", key, n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(json_string_value(json_array_get(v, i)), want[i]);
}

static void exiftool_reads_back_what_was_written(void **state)
{
    struct fixture *f = *state;
    /* scripts/deps.sh installs both: missing is a broken setup, not a skip */
    if (!have_tool("exiftool") || !have_tool("vips"))
        fail_msg("exiftool or vips is not installed: install Debian's libimage-exiftool-perl "
                 "and libvips-tools (scripts/deps.sh)");
    char dir[] = "/tmp/ts_meta_writer_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char base_path[128], out_path[128], cmd[512];
    snprintf(base_path, sizeof base_path, "%s/base.jpg", dir);
    snprintf(out_path, sizeof out_path, "%s/derivative.jpg", dir);
    snprintf(cmd, sizeof cmd, "vips black '%s' 16 16 >/dev/null 2>&1", base_path);
    assert_int_equal(system(cmd), 0);
    uint8_t *base;
    size_t base_len;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(file_read_all(base_path, 1 << 20, &base, &base_len, &d), ST_OK);

    struct meta_blobs b = write_ok(&f->m, NULL);
    struct buf jpg;
    buf_init(&jpg, 1 << 20);
    splice_jpeg(base, base_len, &b, &jpg);
    assert_int_equal(file_write_atomic(out_path, jpg.data, jpg.len, &d), ST_OK);

    snprintf(cmd, sizeof cmd, "exiftool -use MWG -j -G1 -struct -a '%s' 2>&1", out_path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    json_error_t err;
    json_t *all = json_loadf(p, 0, &err);
    int rc = pclose(p);
    if (!all)
        fail_msg("exiftool output is not JSON: %s", err.text);
    assert_int_equal(WEXITSTATUS(rc), 0);
    json_t *o = json_array_get(all, 0);
    assert_true(json_is_object(o));

    char *caption = expect_clean(f->caption);
    char *headline = expect_clean(hostile_headline);
    assert_json_list(o, "XMP-dc:Creator", creators, N_CREATORS);
    assert_json_list(o, "IPTC:By-line", creators, N_CREATORS);
    /* with -use MWG, ExifTool splits Artist back into the list */
    assert_json_list(o, "IFD0:Artist", creators, N_CREATORS);
    /* MWG reconciliation (what our reader does): EXIF first, then XMP
     * because the digest says IIM is in sync, so nothing comes back
     * cut to IIM lengths */
    assert_json_list(o, "MWG:Creator", creators, N_CREATORS);
    assert_string_equal(jstr(o, "MWG:Description"), caption);
    assert_string_equal(jstr(o, "MWG:Copyright"), f->m.copyright_notice);
    assert_string_equal(jstr(o, "MWG:City"), SEOUL);
    assert_json_list(o, "MWG:Keywords", f->keywords, N_KEYWORDS);
    assert_string_equal(jstr(o, "XMP-dc:Rights"), f->m.copyright_notice);
    assert_string_equal(jstr(o, "IFD0:Copyright"), f->m.copyright_notice);
    assert_string_equal(jstr(o, "IPTC:CopyrightNotice"), f->m.copyright_notice);
    assert_string_equal(jstr(o, "XMP-photoshop:Credit"), f->m.credit_line);
    assert_string_equal(jstr(o, "IPTC:Credit"), f->m.credit_line);
    assert_string_equal(jstr(o, "XMP-dc:Description"), caption);
    assert_string_equal(jstr(o, "IFD0:ImageDescription"), caption);
    const char *iim_cap = jstr(o, "IPTC:Caption-Abstract");
    assert_true(strlen(iim_cap) <= 2000 && strncmp(iim_cap, caption, strlen(iim_cap)) == 0);
    assert_string_equal(jstr(o, "XMP-iptcCore:AltTextAccessibility"), f->m.alt_text);
    assert_string_equal(jstr(o, "XMP-xmpRights:WebStatement"), f->m.web_statement);
    json_t *lic = json_object_get(o, "XMP-plus:Licensor");
    assert_true(json_is_array(lic));
    assert_string_equal(jstr(json_array_get(lic, 0), "LicensorURL"), f->m.licensor_url);
    assert_string_equal(jstr(o, "XMP-photoshop:Headline"), headline);
    assert_string_equal(jstr(o, "IPTC:Headline"), headline);
    assert_string_equal(jstr(o, "XMP-photoshop:City"), SEOUL);
    assert_string_equal(jstr(o, "IPTC:City"), SEOUL);
    assert_string_equal(jstr(o, "XMP-photoshop:Country"), "South Korea");
    assert_string_equal(jstr(o, "IPTC:Country-PrimaryLocationName"), "South Korea");
    assert_string_equal(jstr(o, "IPTC:CodedCharacterSet"), "UTF8");
    assert_string_equal(jstr(o, "XMP-photoshop:DateCreated"), "2022:01:27 14:05:00+09:00");
    assert_string_equal(jstr(o, "ExifIFD:DateTimeOriginal"), "2022:01:27 14:05:00");
    assert_string_equal(jstr(o, "ExifIFD:OffsetTimeOriginal"), "+09:00");
    assert_string_equal(jstr(o, "IFD0:Orientation"), "Horizontal (normal)");

    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        if (strstr(key, "GPS") || strstr(key, "Serial") || strstr(key, "OwnerName") ||
            strstr(key, "Thumbnail") || strncmp(key, "IFD1:", 5) == 0)
            fail_msg("exiftool found %s in a derivative", key);
        if (strstr(key, "Warning") || strstr(key, "Error"))
            fail_msg("exiftool: %s: %s", key, json_is_string(v) ? json_string_value(v) : "?");
    }
    free(caption);
    free(headline);
    json_decref(all);
    buf_free(&jpg);
    free(base);
    meta_blobs_free(&b);
    unlink(base_path);
    unlink(out_path);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(xmp_well_formed_escaped_and_private_free, setup, teardown),
        cmocka_unit_test_setup_teardown(xmp_lang_alt_lists_every_language_once_x_default_first,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(iim_walks_limits_charset_and_digest, setup, teardown),
        cmocka_unit_test_setup_teardown(exif_holds_rights_orientation_one_and_nothing_private,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(dates_follow_the_precision_given, setup, teardown),
        cmocka_unit_test_setup_teardown(keep_flags_drop_only_what_they_name, setup, teardown),
        cmocka_unit_test_setup_teardown(same_input_same_bytes, setup, teardown),
        cmocka_unit_test(empty_meta_gives_bare_blocks),
        cmocka_unit_test(broken_utf8_becomes_replacement_characters),
        cmocka_unit_test(random_values_always_give_well_formed_blocks),
        cmocka_unit_test(oversize_input_is_refused_with_a_named_field),
        cmocka_unit_test_setup_teardown(exiftool_reads_back_what_was_written, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
