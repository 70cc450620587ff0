/* test_meta.c — the meta readers and MWG reconciliation on hand-made
 * photos: XMP attacks (billion laughs, nesting bomb, Extended XMP past
 * its length), IIM charsets (UTF-8, cp1252, EUC-KR detection), the
 * IPTC digest rule, EXIF cycles, truncated files; and every bad_* file
 * of the shared corpus (no crash, under 100 ms) when it is present. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "select.h"

#include <dirent.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "meta/meta_internal.h"

/* CPU time of this thread: what the parser itself spends, so the
 * "fails fast" bounds hold on a machine busy with other builds (wall
 * time there measured the scheduler, and made the test flaky). */
static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- builders ---- */

static void seg(struct buf *b, uint8_t marker, const void *p, size_t n)
{
    uint8_t h[4] = {0xFF, marker, (uint8_t)((n + 2) >> 8), (uint8_t)(n + 2)};
    buf_append(b, h, 4);
    buf_append(b, p, n);
}

static void dataset(struct buf *b, uint8_t rec, uint8_t ds, const char *v, size_t n)
{
    uint8_t h[5] = {0x1C, rec, ds, (uint8_t)(n >> 8), (uint8_t)n};
    buf_append(b, h, 5);
    buf_append(b, v, n);
}

static void resource(struct buf *b, uint16_t id, const void *p, size_t n)
{
    uint8_t h[12] = {'8', 'B', 'I', 'M', (uint8_t)(id >> 8), (uint8_t)id, 0, 0,
                     (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n};
    buf_append(b, h, 12);
    buf_append(b, p, n);
    if (n % 2)
        buf_putc(b, 0);
}

/* A JPEG with an optional IIM block (and digest), optional XMP. */
static void make_jpeg(struct buf *out, const struct buf *iim, const uint8_t *digest,
                      const char *xmp)
{
    buf_init(out, 1 << 20);
    buf_append(out, "\xFF\xD8", 2);
    if (iim) {
        struct buf irb;
        buf_init(&irb, 1 << 20);
        buf_append(&irb, "Photoshop 3.0", 14);
        resource(&irb, 0x0404, iim->data, iim->len);
        if (digest)
            resource(&irb, 0x0425, digest, 16);
        seg(out, 0xED, irb.data, irb.len);
        buf_free(&irb);
    }
    if (xmp) {
        struct buf x;
        buf_init(&x, 1 << 20);
        buf_append(&x, "http://ns.adobe.com/xap/1.0/", 29);
        buf_puts(&x, xmp);
        seg(out, 0xE1, x.data, x.len);
        buf_free(&x);
    }
    const uint8_t sof[] = {8, 0, 20, 0, 30, 1, 1, 0x11, 0};
    seg(out, 0xC0, sof, sizeof sof);
    buf_append(out, "\xFF\xDA\x00\x02\xFF\xD9", 6);
}

static struct photo_meta *read_ok(const struct buf *b, const struct meta_options *opt)
{
    struct photo_meta *m = NULL;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(meta_read((const uint8_t *)b->data, b->len, opt, &m, &d), ST_OK);
    assert_non_null(m);
    return m;
}

static const char xmp_city[] =
    "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF "
    "xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
    "<rdf:Description xmlns:photoshop='http://ns.adobe.com/photoshop/1.0/' "
    "xmlns:dc='http://purl.org/dc/elements/1.1/' photoshop:City='XMP City'>"
    "<dc:description><rdf:Alt><rdf:li xml:lang='x-default'>XMP caption</rdf:li>"
    "<rdf:li xml:lang='ko'>한국어 설명</rdf:li></rdf:Alt></dc:description>"
    "<dc:subject><rdf:Bag><rdf:li>one</rdf:li><rdf:li>two</rdf:li></rdf:Bag></dc:subject>"
    "</rdf:Description></rdf:RDF></x:xmpmeta>";

/* ---- XMP ---- */

static void xmp_lang_alt_lists_and_shorthand(void **state)
{
    (void)state;
    struct buf j;
    make_jpeg(&j, NULL, NULL, xmp_city);
    struct photo_meta *m = read_ok(&j, NULL);
    assert_string_equal(m->city, "XMP City");
    assert_string_equal(m->description, "XMP caption");
    assert_int_equal(m->description_langs.n, 2);
    assert_string_equal(meta_lang_pick(&m->description_langs, "ko"), "한국어 설명");
    assert_string_equal(meta_lang_pick(&m->description_langs, "ko-KR"), "한국어 설명");
    assert_string_equal(meta_lang_pick(&m->description_langs, "fr"), "XMP caption");
    assert_int_equal(m->keywords.n, 2);
    assert_string_equal(m->keywords.items[1], "two");
    assert_int_equal(m->width, 30);
    assert_int_equal(m->height, 20);
    json_t *o = meta_to_json(m);
    assert_true(json_is_null(json_object_get(o, "headline")));
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "description_langs"), "ko")),
                        "한국어 설명");
    json_decref(o);
    struct buf t;
    buf_init(&t, 1 << 16);
    assert_int_equal(meta_to_text(m, &t), ST_OK);
    assert_non_null(strstr(t.data, "city"));
    assert_non_null(strstr(t.data, "XMP City"));
    buf_free(&t);
    meta_free(m);
    buf_free(&j);
}

static void xmp_billion_laughs_fails_fast(void **state)
{
    (void)state;
    const char bomb[] =
        "<?xml version='1.0'?><!DOCTYPE lolz [<!ENTITY lol 'lol'>"
        "<!ENTITY lol2 '&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;'>"
        "<!ENTITY lol3 '&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;'>"
        "<!ENTITY lol4 '&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;'>"
        "<!ENTITY lol5 '&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;'>"
        "<!ENTITY lol6 '&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;'>"
        "<!ENTITY lol7 '&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;'>"
        "<!ENTITY lol8 '&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;'>"
        "<!ENTITY lol9 '&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;'>]>"
        "<x:xmpmeta xmlns:x='adobe:ns:meta/'>&lol9;</x:xmpmeta>";
    struct meta_source s;
    memset(&s, 0, sizeof s);
    struct diag d;
    diag_clear(&d);
    double t0 = now_ms();
    assert_int_equal(meta_xmp_read(span_make((const uint8_t *)bomb, strlen(bomb)), &s, NULL, &d),
                     ST_MALFORMED);
    double ms = now_ms() - t0;
    assert_true(ms < 20.0);
    assert_string_equal(d.field, "XMP");
    assert_non_null(strstr(d.message, "DTD (<!DOCTYPE>): refused"));
    meta_source_clear(&s);

    /* Inside a JPEG: the block is skipped with a note, the photo is read. */
    struct buf j;
    make_jpeg(&j, NULL, NULL, bomb);
    struct photo_meta *m = read_ok(&j, NULL);
    assert_int_equal(m->notes.n, 1);
    assert_non_null(strstr(m->notes.items[0], "XMP skipped"));
    assert_non_null(strstr(m->notes.items[0], "refused"));
    meta_free(m);
    buf_free(&j);
}

static void xmp_nesting_bomb_is_refused(void **state)
{
    (void)state;
    struct buf x;
    buf_init(&x, 1 << 20);
    for (int i = 0; i < 10000; i++)
        buf_puts(&x, "<a>");
    struct meta_source s;
    memset(&s, 0, sizeof s);
    struct diag d;
    diag_clear(&d);
    double t0 = now_ms();
    assert_int_equal(meta_xmp_read(span_make((const uint8_t *)x.data, x.len), &s, NULL, &d),
                     ST_MALFORMED);
    assert_true(now_ms() - t0 < 50.0);
    assert_non_null(strstr(d.message, "nested deeper than 64"));
    meta_source_clear(&s);
    buf_free(&x);
}

static void xmp_long_private_value_does_not_reject_the_packet(void **state)
{
    (void)state;
    struct buf x;
    buf_init(&x, 1 << 20);
    buf_puts(&x, "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF "
                 "xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
                 "<rdf:Description xmlns:xmp='http://ns.adobe.com/xap/1.0/' "
                 "xmlns:photoshop='http://ns.adobe.com/photoshop/1.0/'><xmp:Thumb>");
    for (int i = 0; i < 200000; i++) /* a 200 KB base64 thumbnail */
        buf_putc(&x, 'A');
    buf_puts(&x, "</xmp:Thumb><photoshop:Credit>Agency</photoshop:Credit><photoshop:Source>");
    for (int i = 0; i < 70000; i++)
        buf_puts(&x, "é");
    buf_puts(&x, "</photoshop:Source></rdf:Description></rdf:RDF></x:xmpmeta>");
    struct meta_source s;
    memset(&s, 0, sizeof s);
    struct diag d;
    diag_clear(&d);
    assert_int_equal(meta_xmp_read(span_make((const uint8_t *)x.data, x.len), &s, NULL, &d), ST_OK);
    assert_string_equal(s.s[MF_CREDIT], "Agency");
    /* cut at the field limit, on a code point */
    assert_true(strlen(s.s[MF_SOURCE]) <= TS_LIMIT_FIELD_BYTES);
    assert_true(strlen(s.s[MF_SOURCE]) >= TS_LIMIT_FIELD_BYTES - 1);
    assert_true(utf8_valid((const uint8_t *)s.s[MF_SOURCE], strlen(s.s[MF_SOURCE])));
    meta_source_clear(&s);
    buf_free(&x);
}

static void xmp_utf16_packet(void **state)
{
    (void)state;
    const char *src = "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF "
                      "xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
                      "<rdf:Description xmlns:photoshop='http://ns.adobe.com/photoshop/1.0/'>"
                      "<photoshop:Headline>UTF-16 headline</photoshop:Headline>"
                      "</rdf:Description></rdf:RDF></x:xmpmeta>";
    size_t n = strlen(src);
    uint8_t *u16 = malloc(2 * n);
    for (size_t i = 0; i < n; i++) {
        u16[2 * i] = 0;
        u16[2 * i + 1] = (uint8_t)src[i];
    }
    struct meta_source s;
    memset(&s, 0, sizeof s);
    struct diag d;
    diag_clear(&d);
    assert_int_equal(meta_xmp_read(span_make(u16, 2 * n), &s, NULL, &d), ST_OK);
    assert_string_equal(s.s[MF_HEADLINE], "UTF-16 headline");
    meta_source_clear(&s);
    free(u16);
}

static void extended_xmp_offset_past_full_length(void **state)
{
    (void)state;
    const char guid[] = "0123456789ABCDEF0123456789ABCDEF";
    uint8_t chunk[48];
    memcpy(chunk, guid, 32);
    const uint8_t lens[8] = {0, 0, 0, 16, 0, 0, 0, 12}; /* full 16, offset 12 */
    memcpy(chunk + 32, lens, 8);
    memcpy(chunk + 40, "ABCDEFGH", 8); /* 12 + 8 > 16 */
    struct container_block b = {span_make(chunk, sizeof chunk), 1000};
    uint8_t *out = NULL;
    size_t n = 0;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(meta_xmp_join_extended(&b, 1, guid, &out, &n, &d), ST_MALFORMED);
    assert_null(out);
    assert_int_equal(d.offset, 1000);
    assert_non_null(strstr(d.message, "offset 12 with 8 bytes runs past the full length 16"));
}

/* ---- IIM and the digest rule ---- */

static void iim_block(struct buf *b, bool utf8_declared, const char *caption, size_t n)
{
    buf_init(b, 1 << 16);
    if (utf8_declared)
        dataset(b, 1, 90, "\x1B%G", 3);
    dataset(b, 2, 0, "\x00\x04", 2);
    dataset(b, 2, 120, caption, n);
    dataset(b, 2, 90, "IIM City", 8);
}

static void digest_rule_stale_iim_wins_current_xmp_wins(void **state)
{
    (void)state;
    struct buf iim, j;
    iim_block(&iim, true, "IIM caption", 11);
    uint8_t md[16], bogus[16] = {1, 2, 3};
    meta_md5((const uint8_t *)iim.data, iim.len, md);

    make_jpeg(&j, &iim, md, xmp_city); /* in sync: XMP */
    struct photo_meta *m = read_ok(&j, NULL);
    assert_string_equal(m->city, "XMP City");
    assert_string_equal(m->description, "XMP caption");
    meta_free(m);
    buf_free(&j);

    make_jpeg(&j, &iim, bogus, xmp_city); /* stale: IIM */
    m = read_ok(&j, NULL);
    assert_string_equal(m->city, "IIM City");
    assert_string_equal(m->description, "IIM caption");
    assert_non_null(strstr(m->notes.items[0], "IPTCDigest stale"));
    meta_free(m);
    buf_free(&j);

    make_jpeg(&j, &iim, NULL, xmp_city); /* no digest: XMP first, IIM fills in */
    m = read_ok(&j, NULL);
    assert_string_equal(m->city, "XMP City");
    meta_free(m);
    buf_free(&j);
    buf_free(&iim);

    /* Stale, but the IIM caption is a cut-short prefix of XMP's: XMP. */
    iim_block(&iim, true, "XMP cap", 7);
    make_jpeg(&j, &iim, bogus, xmp_city);
    m = read_ok(&j, NULL);
    assert_string_equal(m->description, "XMP caption");
    assert_string_equal(m->city, "IIM City");
    meta_free(m);
    buf_free(&j);
    buf_free(&iim);
}

static void iim_charsets(void **state)
{
    (void)state;
    struct buf iim, j;
    /* Undeclared EUC-KR: 서울 광화문 */
    const char euckr[] = "\xBC\xAD\xBF\xEF \xB1\xA4\xC8\xAD\xB9\xAE";
    iim_block(&iim, false, euckr, sizeof euckr - 1);
    make_jpeg(&j, &iim, NULL, NULL);
    struct photo_meta *m = read_ok(&j, NULL);
    assert_string_equal(m->description, "서울 광화문");
    meta_free(m);
    /* The same bytes with a configured charset follow the configuration. */
    struct meta_options latin = {"ISO-8859-1"};
    m = read_ok(&j, &latin);
    assert_string_equal(m->description, "¼\xC2\xAD¿ï ±¤È\xC2\xAD¹®");
    meta_free(m);
    buf_free(&j);
    buf_free(&iim);

    /* Undeclared CP949 with a KS X 1001 symbol outside the Hangul rows,
     * as Korean copyright lines are written: "ⓒ 2026 김련희". */
    const char symbol[] = "\xA8\xCF 2026 \xB1\xE8\xB7\xC3\xC8\xF1";
    iim_block(&iim, false, symbol, sizeof symbol - 1);
    make_jpeg(&j, &iim, NULL, NULL);
    m = read_ok(&j, NULL);
    assert_string_equal(m->description, "ⓒ 2026 김련희");
    meta_free(m);
    buf_free(&j);
    buf_free(&iim);

    /* Symbols alone, with no two Hangul syllables in a row, are not
     * enough to say Korean: cp1252. */
    iim_block(&iim, false, "\xA8\xCF 2026", 7);
    make_jpeg(&j, &iim, NULL, NULL);
    m = read_ok(&j, NULL);
    assert_string_equal(m->description, "¨Ï 2026");
    meta_free(m);
    buf_free(&j);
    buf_free(&iim);

    /* Undeclared cp1252: a lone high byte between letters. */
    iim_block(&iim, false, "caf\xE9 \x93quoted\x94", 13);
    make_jpeg(&j, &iim, NULL, NULL);
    m = read_ok(&j, NULL);
    assert_string_equal(m->description, "café “quoted”");
    meta_free(m);
    buf_free(&j);
    buf_free(&iim);

    /* Undeclared but valid UTF-8 is UTF-8. */
    iim_block(&iim, false, "서울", strlen("서울"));
    make_jpeg(&j, &iim, NULL, NULL);
    m = read_ok(&j, NULL);
    assert_string_equal(m->description, "서울");
    meta_free(m);
    buf_free(&j);
    buf_free(&iim);
}

static void two_iim_blocks_merge_in_file_order(void **state)
{
    (void)state;
    struct buf a, b, irb, j;
    buf_init(&a, 256);
    dataset(&a, 2, 110, "Credit one", 10);
    dataset(&a, 2, 25, "k1", 2);
    buf_append(&a, "\0\0\0", 3); /* padding, as Photoshop writes */
    buf_init(&b, 256);
    dataset(&b, 2, 110, "Credit two", 10);
    dataset(&b, 2, 90, "City two", 8);
    dataset(&b, 2, 25, "k2", 2);
    buf_init(&irb, 4096);
    buf_append(&irb, "Photoshop 3.0", 14);
    resource(&irb, 0x0404, a.data, a.len);
    resource(&irb, 0x0404, b.data, b.len);
    buf_init(&j, 4096);
    buf_append(&j, "\xFF\xD8", 2);
    seg(&j, 0xED, irb.data, irb.len);
    buf_append(&j, "\xFF\xDA\x00\x02", 4);
    struct photo_meta *m = read_ok(&j, NULL);
    assert_string_equal(m->credit_line, "Credit one"); /* first statement wins */
    assert_string_equal(m->city, "City two");          /* later blocks fill in */
    assert_int_equal(m->keywords.n, 2);                /* repeatable: merged */
    assert_string_equal(m->keywords.items[1], "k2");
    meta_free(m);
    buf_free(&a);
    buf_free(&b);
    buf_free(&irb);
    buf_free(&j);
}

static void iim_dataset_past_block_keeps_earlier_values(void **state)
{
    (void)state;
    struct buf iim, j;
    buf_init(&iim, 1 << 16);
    dataset(&iim, 2, 105, "Headline", 8);
    const uint8_t bad[] = {0x1C, 2, 120, 0x80, 0x04, 0x7F, 0xFF, 0xFF, 0xFF, 'x'};
    buf_append(&iim, bad, sizeof bad);
    make_jpeg(&j, &iim, NULL, NULL);
    struct photo_meta *m = read_ok(&j, NULL);
    assert_string_equal(m->headline, "Headline");
    assert_null(m->description);
    assert_non_null(strstr(m->notes.items[0], "IPTC 2:120: dataset declares"));
    meta_free(m);
    buf_free(&j);
    buf_free(&iim);
}

/* ---- EXIF ---- */

static void exif_subifd_pointing_back_to_ifd0(void **state)
{
    (void)state;
    /* IFD0: Orientation 6, ExifIFD pointer → 8 (IFD0 itself). */
    const uint8_t tiff[] = {'I', 'I', 42, 0, 8, 0, 0, 0, 2, 0,
                            0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0,
                            0x69, 0x87, 4, 0, 1, 0, 0, 0, 8, 0, 0, 0,
                            0, 0, 0, 0};
    struct buf app1, j;
    buf_init(&app1, 1024);
    buf_append(&app1, "Exif\0\0", 6);
    buf_append(&app1, tiff, sizeof tiff);
    buf_init(&j, 4096);
    buf_append(&j, "\xFF\xD8", 2);
    seg(&j, 0xE1, app1.data, app1.len);
    buf_append(&j, "\xFF\xDA\x00\x02", 4);
    struct photo_meta *m = read_ok(&j, NULL);
    assert_int_equal(m->orientation, 6);
    assert_int_equal(m->notes.n, 1);
    assert_non_null(strstr(m->notes.items[0], "ExifIFD skipped"));
    assert_non_null(strstr(m->notes.items[0], "offset cycle"));
    meta_free(m);
    buf_free(&j);
    buf_free(&app1);
}

static void truncated_jpeg_is_an_error(void **state)
{
    (void)state;
    const uint8_t j[] = {0xFF, 0xD8, 0xFF, 0xE1, 0x40, 0x00, 'E', 'x'};
    struct photo_meta *m = NULL;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(meta_read(j, sizeof j, NULL, &m, &d), ST_TRUNCATED);
    assert_null(m);
    assert_int_equal(d.offset, 2);
    assert_non_null(strstr(d.message, "declares 16382 bytes but only 2 remain"));
    diag_clear(&d);
    assert_int_equal(meta_read((const uint8_t *)"GIF89a", 6, NULL, &m, &d), ST_UNSUPPORTED);
    assert_non_null(strstr(d.message, "not a JPEG, TIFF, PNG, WebP, HEIF or AVIF"));
    meta_free(NULL);
}

/* ---- TIFF, PNG, WebP files ---- */

static void put32(struct buf *b, uint32_t v, bool be)
{
    uint8_t t[4];
    for (int i = 0; i < 4; i++)
        t[i] = be ? (uint8_t)(v >> (24 - 8 * i)) : (uint8_t)(v >> (8 * i));
    buf_append(b, t, 4);
}

static void tiff_file_with_iim_tag(void **state)
{
    (void)state;
    struct buf iim, f;
    buf_init(&iim, 256);
    dataset(&iim, 2, 105, "TIFF headline", 13);
    buf_init(&f, 4096);
    buf_append(&f, "MM\0*", 4);
    put32(&f, 8, true);
    const uint8_t n[2] = {0, 4};
    buf_append(&f, n, 2);
    uint32_t data_off = 8 + 2 + 4 * 12 + 4;
    const uint8_t e[4][8] = {
        {0x01, 0x00, 0, 3, 0, 0, 0, 1}, {0x01, 0x01, 0, 3, 0, 0, 0, 1},
        {0x01, 0x12, 0, 3, 0, 0, 0, 1}, {0x83, 0xBB, 0, 7, 0, 0, 0, 0}};
    const uint32_t v[4] = {640u << 16, 480u << 16, 8u << 16, data_off};
    for (int i = 0; i < 4; i++) {
        buf_append(&f, e[i], 8);
        if (i == 3)
            f.data[f.len - 1] = (char)iim.len;
        put32(&f, v[i], true);
    }
    put32(&f, 0, true);
    buf_append(&f, iim.data, iim.len);
    struct photo_meta *m = read_ok(&f, NULL);
    assert_int_equal(m->width, 640);
    assert_int_equal(m->height, 480);
    assert_int_equal(m->orientation, 8);
    assert_string_equal(m->headline, "TIFF headline");
    meta_free(m);
    buf_free(&f);
    buf_free(&iim);
}

static void png_chunk(struct buf *b, const char *type, const void *p, size_t n)
{
    put32(b, (uint32_t)n, true);
    buf_append(b, type, 4);
    buf_append(b, p, n);
    put32(b, 0, true); /* CRC: not checked by the reader */
}

static void png_with_compressed_xmp(void **state)
{
    (void)state;
    struct buf f, itxt;
    buf_init(&f, 1 << 16);
    buf_init(&itxt, 1 << 16);
    buf_append(&f, "\x89PNG\r\n\x1a\n", 8);
    const uint8_t ihdr[13] = {0, 0, 0, 16, 0, 0, 0, 9, 8, 2, 0, 0, 0};
    png_chunk(&f, "IHDR", ihdr, sizeof ihdr);
    uLongf zlen = compressBound(sizeof xmp_city);
    uint8_t *z = malloc(zlen);
    assert_int_equal(compress(z, &zlen, (const Bytef *)xmp_city, sizeof xmp_city - 1), Z_OK);
    buf_append(&itxt, "XML:com.adobe.xmp\0\1\0\0\0", 22); /* compressed, no lang */
    buf_append(&itxt, z, zlen);
    png_chunk(&f, "iTXt", itxt.data, itxt.len);
    png_chunk(&f, "IEND", "", 0);
    struct photo_meta *m = read_ok(&f, NULL);
    assert_int_equal(m->width, 16);
    assert_int_equal(m->height, 9);
    assert_string_equal(m->city, "XMP City");
    meta_free(m);
    free(z);
    buf_free(&itxt);
    buf_free(&f);
}

static void png_iccp_decompression_bomb_is_refused(void **state)
{
    (void)state;
    size_t big = TS_LIMIT_ICC_BYTES + 1024; /* inflates past the ICC cap */
    uint8_t *zeros = calloc(1, big);
    uLongf zlen = compressBound(big);
    uint8_t *z = malloc(zlen);
    assert_int_equal(compress2(z, &zlen, zeros, big, 9), Z_OK);
    assert_true(zlen < 64 * 1024);
    struct buf f, iccp;
    buf_init(&f, 1 << 20);
    buf_init(&iccp, 1 << 20);
    buf_append(&f, "\x89PNG\r\n\x1a\n", 8);
    const uint8_t ihdr[13] = {0, 0, 0, 1, 0, 0, 0, 1, 8, 0, 0, 0, 0};
    png_chunk(&f, "IHDR", ihdr, sizeof ihdr);
    buf_append(&iccp, "bomb\0\0", 6);
    buf_append(&iccp, z, zlen);
    png_chunk(&f, "iCCP", iccp.data, iccp.len);
    png_chunk(&f, "IEND", "", 0);
    double t0 = now_ms();
    struct photo_meta *m = read_ok(&f, NULL);
    assert_true(now_ms() - t0 < 1000.0);
    assert_null(m->icc_description);
    assert_int_equal(m->notes.n, 1);
    assert_non_null(strstr(m->notes.items[0], "iCCP at byte 33: cannot inflate"));
    meta_free(m);
    buf_free(&iccp);
    buf_free(&f);
    free(z);
    free(zeros);
}

static void webp_with_xmp(void **state)
{
    (void)state;
    struct buf f;
    buf_init(&f, 1 << 16);
    size_t xl = sizeof xmp_city - 1;
    buf_append(&f, "RIFF", 4);
    put32(&f, (uint32_t)(4 + 18 + 8 + xl + (xl % 2)), false);
    buf_append(&f, "WEBPVP8X", 8);
    put32(&f, 10, false);
    const uint8_t vp8x[10] = {0x04, 0, 0, 0, 99, 0, 0, 49, 0, 0}; /* 100 x 50 */
    buf_append(&f, vp8x, 10);
    buf_append(&f, "XMP ", 4);
    put32(&f, (uint32_t)xl, false);
    buf_append(&f, xmp_city, xl);
    if (xl % 2)
        buf_putc(&f, 0);
    struct photo_meta *m = read_ok(&f, NULL);
    assert_int_equal(m->width, 100);
    assert_int_equal(m->height, 50);
    assert_string_equal(m->description, "XMP caption");
    meta_free(m);
    buf_free(&f);
}

/* ---- the corpus's malformed files ---- */

/* The bytes of dir/name, or NULL. */
static uint8_t *read_file_in(const char *dir, const char *name, size_t *len)
{
    char path[TS_LIMIT_PATH];
    uint8_t *data = NULL;
    struct diag d;
    diag_clear(&d);
    if (!path_join(path, sizeof path, dir, name) ||
        file_read_all(path, TS_LIMIT_PHOTO_BYTES, &data, len, &d) != ST_OK)
        return NULL;
    return data;
}

static void corpus_bad_files_fail_fast(void **state)
{
    (void)state;
    char dir[TS_LIMIT_PATH];
    snprintf(dir, sizeof dir, "%s/corpus/metadata", TS_SHARED_DIR);
    DIR *dp = opendir(dir);
    assert_non_null(dp); /* select.h checked the corpus is there */
    int n = 0;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        if (strncmp(de->d_name, "bad_", 4) != 0 || str_ends_with(de->d_name, ".json"))
            continue;
        size_t len = 0;
        uint8_t *data = read_file_in(dir, de->d_name, &len);
        struct diag d;
        diag_clear(&d);
        assert_non_null(data);
        struct photo_meta *m = NULL;
        double t0 = now_ms();
        enum status st = meta_read(data, len, NULL, &m, &d);
        double ms = now_ms() - t0;
        if (ms >= 100.0)
            fail_msg("%s took %.1f ms", de->d_name, ms);
        /* Either a clear error or a result (possibly with notes). */
        if (st != ST_OK)
            assert_true(d.message[0] != '\0');
        else
            assert_non_null(m);
        meta_free(m);
        free(data);
        n++;
    }
    closedir(dp);
    assert_true(n > 0);
}

/* ---- EXIF text outside MWG: UserComment, XP* ---- */

struct tent {
    uint16_t tag, type;
    const void *p;
    uint32_t n;
};

static void put16(struct buf *b, uint16_t v, bool be)
{
    uint8_t t[2] = {be ? (uint8_t)(v >> 8) : (uint8_t)v, be ? (uint8_t)v : (uint8_t)(v >> 8)};
    buf_append(b, t, 2);
}

/* A JPEG whose APP1 TIFF has IFD0 = ifd0 (+ ExifIFD pointer) and an
 * ExifIFD = exif; every value stored after the IFDs. */
static void exif_jpeg(struct buf *j, bool be, const struct tent *ifd0, size_t n0,
                      const struct tent *exif, size_t n1)
{
    struct buf t, data;
    buf_init(&t, 1 << 16);
    buf_init(&data, 1 << 16);
    buf_append(&t, be ? "MM\0*" : "II*\0", 4);
    put32(&t, 8, be);
    uint32_t ifd0_size = 2 + 12 * (uint32_t)(n0 + 1) + 4, exif_size = 2 + 12 * (uint32_t)n1 + 4;
    uint32_t data_at = 8 + ifd0_size + exif_size;
    for (int pass = 0; pass < 2; pass++) {
        const struct tent *e = pass ? exif : ifd0;
        size_t n = pass ? n1 : n0;
        put16(&t, (uint16_t)(n + (pass ? 0 : 1)), be);
        for (size_t i = 0; i < n; i++) {
            put16(&t, e[i].tag, be);
            put16(&t, e[i].type, be);
            put32(&t, e[i].n, be);
            if (e[i].n <= 4) { /* fits in the entry (TIFF 6.0 §2) */
                uint8_t v[4] = {0};
                memcpy(v, e[i].p, e[i].n);
                buf_append(&t, v, 4);
                continue;
            }
            put32(&t, data_at + (uint32_t)data.len, be);
            buf_append(&data, e[i].p, e[i].n);
            if (data.len % 2)
                buf_putc(&data, 0);
        }
        if (!pass) {
            put16(&t, 0x8769, be);
            put16(&t, 4, be);
            put32(&t, 1, be);
            put32(&t, 8 + ifd0_size, be);
        }
        put32(&t, 0, be);
    }
    buf_append(&t, data.data, data.len);
    struct buf app1;
    buf_init(&app1, 1 << 16);
    buf_append(&app1, "Exif\0\0", 6);
    buf_append(&app1, t.data, t.len);
    buf_init(j, 1 << 17);
    buf_append(j, "\xFF\xD8", 2);
    seg(j, 0xE1, app1.data, app1.len);
    buf_append(j, "\xFF\xDA\x00\x02", 4);
    buf_free(&app1);
    buf_free(&t);
    buf_free(&data);
}

static void exif_user_comment_and_xp_tags(void **state)
{
    (void)state;
    /* "Café 😀" in UTF-16LE (XP*) and in each byte order (UserComment) */
    const uint8_t le[] = {'C', 0, 'a', 0, 'f', 0, 0xE9, 0, ' ', 0, 0x3D, 0xD8, 0x00, 0xDE, 0, 0};
    uint8_t be[sizeof le];
    for (size_t i = 0; i < sizeof le; i += 2) {
        be[i] = le[i + 1];
        be[i + 1] = le[i];
    }
    for (int order = 0; order < 2; order++) {
        uint8_t uc[8 + sizeof le];
        memcpy(uc, "UNICODE\0", 8);
        memcpy(uc + 8, order ? be : le, sizeof le);
        const struct tent ifd0[] = {
            {0x9C9B, 1, le, sizeof le}, {0x9C9D, 1, "A\0u\0t\0h\0", 8},
            {0x9C9E, 1, "k\0;\0w\0", 6},
        };
        const struct tent exif[] = {{0x9286, 7, uc, sizeof uc}};
        struct buf j;
        exif_jpeg(&j, order == 1, ifd0, 3, exif, 1);
        struct photo_meta *m = read_ok(&j, NULL);
        assert_string_equal(m->user_comment, "Café 😀");
        assert_string_equal(m->xp_title, "Café 😀");
        /* no IIM/XMP title: XPTitle is the last resort, with a note */
        assert_string_equal(m->title, "Café 😀");
        assert_non_null(strstr(m->notes.items[0], "XPTitle"));
        /* MWG names the creator's and keywords' sources: XP never fills them */
        assert_string_equal(m->xp_author, "Auth");
        assert_int_equal(m->creator.n, 0);
        assert_string_equal(m->xp_keywords, "k;w");
        assert_int_equal(m->keywords.n, 0);
        json_t *o = meta_to_json(m);
        assert_string_equal(json_string_value(json_object_get(o, "user_comment")), "Café 😀");
        json_decref(o);
        meta_free(m);
        buf_free(&j);
    }
    /* ASCII, JIS (skipped with a note), an unpaired surrogate, blanks */
    const struct tent ascii[] = {{0x9286, 7, "ASCII\0\0\0Hello", 13}};
    const struct tent jis[] = {{0x9286, 7, "JIS\0\0\0\0\0\x30\x21", 10}};
    const struct tent blank[] = {{0x9286, 7, "\0\0\0\0\0\0\0\0      ", 14},
                                 {0x9C9C, 1, "\x3D\xD8x\0", 4}};
    struct buf j;
    exif_jpeg(&j, false, NULL, 0, ascii, 1);
    struct photo_meta *m = read_ok(&j, NULL);
    assert_string_equal(m->user_comment, "Hello");
    meta_free(m);
    buf_free(&j);
    exif_jpeg(&j, true, NULL, 0, jis, 1);
    m = read_ok(&j, NULL);
    assert_null(m->user_comment);
    assert_non_null(strstr(m->notes.items[0], "JIS"));
    meta_free(m);
    buf_free(&j);
    exif_jpeg(&j, false, &blank[1], 1, blank, 1);
    m = read_ok(&j, NULL);
    assert_null(m->user_comment);
    assert_string_equal(m->xp_comment, "\xEF\xBF\xBDx");
    meta_free(m);
    buf_free(&j);
}

/* ---- IPTC Extension fields ---- */

static const char xmp_ext[] =
    "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF "
    "xmlns:rdf='http://www.w3.org/1999/02/22-rdf-syntax-ns#'>"
    "<rdf:Description xmlns:Iptc4xmpExt='http://iptc.org/std/Iptc4xmpExt/2008-02-29/' "
    "xmlns:Iptc4xmpCore='http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/' "
    "xmlns:exif='http://ns.adobe.com/exif/1.0/' "
    "Iptc4xmpExt:DigitalSourceType='http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture'>"
    "<Iptc4xmpCore:CreatorContactInfo Iptc4xmpCore:CiEmailWork='a@b.example' "
    "Iptc4xmpCore:CiAdrCity='Seoul'/>"
    "<Iptc4xmpCore:ExtDescrAccessibility><rdf:Alt><rdf:li xml:lang='x-default'>long</rdf:li>"
    "<rdf:li xml:lang='ko'>길게</rdf:li></rdf:Alt></Iptc4xmpCore:ExtDescrAccessibility>"
    "<Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>Kim</rdf:li><rdf:li>Lee</rdf:li></rdf:Bag>"
    "</Iptc4xmpExt:PersonInImage>"
    "<Iptc4xmpExt:LocationCreated><rdf:Bag><rdf:li rdf:parseType='Resource'>"
    "<Iptc4xmpExt:City>Busan</Iptc4xmpExt:City></rdf:li><rdf:li rdf:parseType='Resource'>"
    "<Iptc4xmpExt:City>second, ignored</Iptc4xmpExt:City></rdf:li></rdf:Bag>"
    "</Iptc4xmpExt:LocationCreated>"
    "<Iptc4xmpExt:LocationShown><rdf:Bag>"
    "<rdf:li><rdf:Description Iptc4xmpExt:City='Seoul' Iptc4xmpExt:CountryCode='KOR' "
    "exif:GPSLatitude='37,33.9N'><Iptc4xmpExt:LocationId><rdf:Bag><rdf:li>id1</rdf:li>"
    "</rdf:Bag></Iptc4xmpExt:LocationId></rdf:Description></rdf:li>"
    "<rdf:li rdf:parseType='Resource'><Iptc4xmpExt:WorldRegion>Asia</Iptc4xmpExt:WorldRegion>"
    "</rdf:li></rdf:Bag></Iptc4xmpExt:LocationShown>"
    "</rdf:Description></rdf:RDF></x:xmpmeta>";

static void xmp_iptc_extension_fields(void **state)
{
    (void)state;
    struct buf j;
    make_jpeg(&j, NULL, NULL, xmp_ext);
    struct photo_meta *m = read_ok(&j, NULL);
    assert_string_equal(m->digital_source_type,
                        "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture");
    assert_string_equal(m->creator_contact.email, "a@b.example");
    assert_string_equal(m->creator_contact.city, "Seoul");
    assert_string_equal(m->extended_description, "long");
    assert_string_equal(meta_lang_pick(&m->extended_description_langs, "ko"), "길게");
    assert_int_equal(m->person_in_image.n, 2);
    assert_string_equal(m->person_in_image.items[1], "Lee");
    assert_string_equal(m->location_created.city, "Busan");
    assert_int_equal(m->n_location_shown, 2);
    assert_string_equal(m->location_shown[0].city, "Seoul");
    assert_string_equal(m->location_shown[0].country_code, "KOR");
    assert_true(m->location_shown[0].has_gps);
    assert_null(m->location_shown[0].sublocation);
    assert_string_equal(m->location_shown[1].world_region, "Asia");
    assert_false(m->location_shown[1].has_gps);
    assert_false(m->has_gps); /* a GPS inside a location is reported there */
    json_t *o = meta_to_json(m);
    json_t *shown = json_object_get(o, "location_shown");
    assert_int_equal(json_array_size(shown), 2);
    assert_null(json_object_get(json_array_get(shown, 0), "GPSLatitude"));
    assert_string_equal(json_string_value(json_object_get(json_object_get(o, "creator_contact"),
                                                          "CiEmailWork")),
                        "a@b.example");
    json_decref(o);
    meta_free(m);
    buf_free(&j);
}

/* ---- pack.c: what the metadata cache keeps ---- */

/* Packed, unpacked and packed again: the same bytes, and the same
 * `meta --json` (which would show a field the tables of pack.c
 * forgot). Returns the first packing. */
static void assert_round_trip(const struct photo_meta *m, struct buf *first)
{
    struct buf again;
    struct photo_meta *u = NULL;
    buf_init(first, (size_t)1 << 26);
    buf_init(&again, (size_t)1 << 26);
    assert_int_equal(meta_pack(m, first), ST_OK);
    assert_int_equal(meta_unpack((const uint8_t *)first->data, first->len, &u), ST_OK);
    /* one allocation (ASan: nothing of it leaks or is freed twice by
     * meta_free), and nothing of it in the packed bytes */
    assert_true(u->one_block >= sizeof *u && u->one_block <= malloc_usable_size(u));
    for (size_t i = 0; meta_string_field(u, i); i++) {
        const char *f = *meta_string_field(u, i);
        assert_true(!f || (f > (const char *)u && f < (const char *)u + u->one_block));
    }
    assert_int_equal(meta_pack(u, &again), ST_OK);
    assert_int_equal(again.len, first->len);
    assert_memory_equal(again.data, first->data, first->len);
    json_t *a = meta_to_json(m), *b = meta_to_json(u);
    assert_true(json_equal(a, b));
    json_decref(a);
    json_decref(b);
    /* a field set since is freed with it, the block's string it
     * replaced not (ASan: neither freed twice nor leaked) */
    meta_set_string(u, &u->headline, str_dup("set since"));
    meta_set_string(u, &u->credit_line, str_dup("and again"));
    meta_set_string(u, &u->credit_line, NULL);
    meta_free(u);
    buf_free(&again);
}

/* A caption may hold any byte a photo can put in a C string: the
 * cache's own syntax ("-", "3:", a line "end 1 ..."), newlines, markup,
 * every byte from 1 to 255; empty strings stay empty, NULL stays NULL. */
static void pack_keeps_hostile_strings(void **state)
{
    (void)state;
    char every[256];
    for (int i = 1; i < 256; i++)
        every[i - 1] = (char)i;
    every[255] = '\0';
    char *kw[] = {"-", "3:abc", "\nend 1 0123456789abcdef\n", "", every};
    struct meta_lang_value langs[] = {{"x-default", "<script>alert(1)</script>"},
                                      {"ko", "길게\r\n"}};
    struct meta_location shown[] = {{.city = "9999999999999999999999:", .has_gps = true},
                                    {.world_region = ""}};
    struct photo_meta m = {
        .headline = "-",
        .description = every,
        .title = "",
        .keywords = {kw, 5},
        .creator = {kw + 2, 1},
        .title_langs = {langs, 2},
        .location_created = {.country = "Korea, \"South\"", .has_gps = true},
        .location_shown = shown,
        .n_location_shown = 2,
        .creator_contact = {.email = "a@b.example\n"},
        .orientation = 8,
        .width = UINT32_MAX,
        .height = 1,
        .has_gps = true,
    };
    struct buf packed;
    assert_round_trip(&m, &packed);
    struct photo_meta *u = NULL;
    assert_int_equal(meta_unpack((const uint8_t *)packed.data, packed.len, &u), ST_OK);
    assert_string_equal(u->headline, "-");
    assert_string_equal(u->description, every);
    assert_string_equal(u->title, "");
    assert_null(u->alt_text);
    assert_int_equal(u->keywords.n, 5);
    for (size_t i = 0; i < 5; i++)
        assert_string_equal(u->keywords.items[i], kw[i]);
    assert_string_equal(u->title_langs.items[1].value, "길게\r\n");
    assert_string_equal(u->location_shown[0].city, "9999999999999999999999:");
    assert_true(u->location_shown[0].has_gps);
    assert_string_equal(u->location_shown[1].world_region, "");
    assert_int_equal(u->orientation, 8);
    assert_int_equal(u->width, UINT32_MAX);
    meta_free(u);

    /* cut anywhere, or one byte more: no metadata, never a part of it */
    for (size_t cut = 0; cut < packed.len; cut++) {
        u = (struct photo_meta *)&m; /* must come back NULL */
        assert_int_equal(meta_unpack((const uint8_t *)packed.data, cut, &u), ST_MALFORMED);
        assert_null(u);
    }
    buf_putc(&packed, '-');
    assert_int_equal(meta_unpack((const uint8_t *)packed.data, packed.len, &u), ST_MALFORMED);
    buf_free(&packed);
}

/* Records meta_pack never writes: a NUL inside a value, a length or a
 * count past the bytes there are (refused before anything that size is
 * allocated), a number past its range. */
static void unpack_refuses_damaged_records(void **state)
{
    (void)state;
    struct photo_meta empty = {0};
    struct buf good;
    assert_round_trip(&empty, &good);
    struct photo_meta *u = NULL;
    /* the empty record: 40 NULL strings, 4 empty lists, 6 empty Lang
     * Alts, a location of 7 NULLs and no GPS, no shown locations, then
     * orientation, width, height, GPS */
    const char *tail_lists = "1:01:01:01:01:01:01:01:01:01:0-------1:01:0";
    char rec[512];
    const struct {
        const char *strings, *rest;
        enum status st;
    } cases[] = {
        {"", "1:01:01:01:0", ST_OK},
        {"", "1:01:01:09", ST_MALFORMED},                 /* orientation 9 */
        {"", "1:01:04294967296:01:0", ST_MALFORMED},      /* width past 32 bits */
        {"", "1:01:01:01:2", ST_MALFORMED},               /* GPS is 0 or 1 */
        {"", "1:01:01:01:", ST_MALFORMED},                /* a value cut */
        {"", "1:01:01:01:0x", ST_MALFORMED},              /* a byte left over */
        {"", "1:-1:01:01:0", ST_MALFORMED},               /* a number as NULL */
        {"", "1:01:01:020:0", ST_MALFORMED},              /* a length past the end */
        {"", "1:01:01:099999999999999999999:0", ST_MALFORMED}, /* 20 digits */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int n = 0;
        for (int k = 0; k < 40; k++)
            n += snprintf(rec + n, sizeof rec - (size_t)n, "-");
        n += snprintf(rec + n, sizeof rec - (size_t)n, "%s%s", tail_lists, cases[i].rest);
        enum status st = meta_unpack((const uint8_t *)rec, (size_t)n, &u);
        if (st != cases[i].st)
            fail_msg("case %zu: %s", i, rec);
        if (st == ST_OK)
            assert_int_equal((size_t)n, good.len);
        meta_free(u);
    }
    /* a NUL inside a string; a keyword list of a billion items in a
     * record of a few bytes (refused before a billion pointers are
     * allocated); a NULL keyword */
    const struct {
        const char *rec;
        size_t len;
    } bad[] = {
        {"3:a\0b", 5},
        {"10:1000000000", 13},
        {"1:1-", 4},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int n = 0;
        for (int k = 0; k < (i == 0 ? 0 : 40); k++)
            n += snprintf(rec + n, sizeof rec - (size_t)n, "-");
        n += snprintf(rec + n, sizeof rec - (size_t)n, "%s", i == 0 ? "" : "1:0");
        memcpy(rec + n, bad[i].rec, bad[i].len);
        assert_int_equal(meta_unpack((const uint8_t *)rec, (size_t)n + bad[i].len, &u),
                         ST_MALFORMED);
        assert_null(u);
    }
    buf_free(&good);
}

/* Every photo of the corpus that meta_read takes: the cache gives back
 * what it read. */
static void corpus_pack_round_trip(void **state)
{
    (void)state;
    char dir[TS_LIMIT_PATH];
    snprintf(dir, sizeof dir, "%s/corpus/metadata", TS_SHARED_DIR);
    DIR *dp = opendir(dir);
    assert_non_null(dp);
    int n = 0;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        if (de->d_name[0] == '.' || str_ends_with(de->d_name, ".json") ||
            str_ends_with(de->d_name, ".md"))
            continue;
        size_t len = 0;
        uint8_t *data = read_file_in(dir, de->d_name, &len);
        struct diag d;
        diag_clear(&d);
        struct photo_meta *m = NULL;
        if (data && meta_read(data, len, NULL, &m, &d) == ST_OK) {
            struct buf packed;
            assert_round_trip(m, &packed);
            buf_free(&packed);
            n++;
        }
        meta_free(m);
        free(data);
    }
    closedir(dp);
    assert_true(n > 10);
}

int main(int argc, char **argv)
{
    ts_unit_select(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(xmp_lang_alt_lists_and_shorthand),
        cmocka_unit_test(xmp_billion_laughs_fails_fast),
        cmocka_unit_test(xmp_nesting_bomb_is_refused),
        cmocka_unit_test(xmp_long_private_value_does_not_reject_the_packet),
        cmocka_unit_test(xmp_utf16_packet),
        cmocka_unit_test(extended_xmp_offset_past_full_length),
        cmocka_unit_test(digest_rule_stale_iim_wins_current_xmp_wins),
        cmocka_unit_test(iim_charsets),
        cmocka_unit_test(two_iim_blocks_merge_in_file_order),
        cmocka_unit_test(iim_dataset_past_block_keeps_earlier_values),
        cmocka_unit_test(exif_subifd_pointing_back_to_ifd0),
        cmocka_unit_test(truncated_jpeg_is_an_error),
        cmocka_unit_test(tiff_file_with_iim_tag),
        cmocka_unit_test(png_with_compressed_xmp),
        cmocka_unit_test(png_iccp_decompression_bomb_is_refused),
        cmocka_unit_test(webp_with_xmp),
        cmocka_unit_test(corpus_bad_files_fail_fast),
        cmocka_unit_test(exif_user_comment_and_xp_tags),
        cmocka_unit_test(xmp_iptc_extension_fields),
        cmocka_unit_test(pack_keeps_hostile_strings),
        cmocka_unit_test(unpack_refuses_damaged_records),
        cmocka_unit_test(corpus_pack_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
