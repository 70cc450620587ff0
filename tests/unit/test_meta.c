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

#include <dirent.h>
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
    assert_non_null(strstr(d.message, "not a JPEG, TIFF, PNG or WebP"));
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

static void bad_corpus_files_fail_fast(void **state)
{
    (void)state;
    char dir[TS_LIMIT_PATH];
    snprintf(dir, sizeof dir, "%s/corpus/metadata", TS_SHARED_DIR);
    DIR *dp = opendir(dir);
    if (!dp) {
        printf("skipped: %s not found\n", dir);
        skip();
    }
    int n = 0;
    struct dirent *de;
    while ((de = readdir(dp)) != NULL) {
        if (strncmp(de->d_name, "bad_", 4) != 0 || str_ends_with(de->d_name, ".json"))
            continue;
        char path[TS_LIMIT_PATH];
        path_join(path, sizeof path, dir, de->d_name);
        uint8_t *data = NULL;
        size_t len = 0;
        struct diag d;
        diag_clear(&d);
        assert_int_equal(file_read_all(path, TS_LIMIT_PHOTO_BYTES, &data, &len, &d), ST_OK);
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

int main(void)
{
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
        cmocka_unit_test(bad_corpus_files_fail_fast),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
