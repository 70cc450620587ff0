/* test_container.c — the container walkers on hand-made bytes, including
 * the pathological ones: IFD cycles, count × size overflow, offsets past
 * the end, IIM and 8BIM lengths past their block, truncated JPEGs. Each
 * must fail fast with a diag that says what was wrong. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "container/container.h"

static void jpeg_finds_segments_and_size(void **state)
{
    (void)state;
    const uint8_t j[] = {
        0xFF, 0xD8,
        0xFF, 0xE1, 0x00, 0x12, 'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8, 0, 0,
        0xFF, 0xED, 0x00, 0x14, 'P', 'h', 'o', 't', 'o', 's', 'h', 'o', 'p', ' ', '3', '.', '0',
        0, '8', 'B', 'I', 'M',
        0xFF, 0xC0, 0x00, 0x0B, 8, 0x01, 0x2C, 0x01, 0x90, 3, 0, 0, 0,
        0xFF, 0xDA, 0x00, 0x02, 0x12, 0x34,
    };
    struct container_jpeg *out = malloc(sizeof *out);
    struct diag d;
    diag_clear(&d);
    assert_int_equal(container_jpeg_walk(span_make(j, sizeof j), out, &d), ST_OK);
    assert_false(out->partial);
    assert_true(out->have_sos);
    assert_int_equal(out->width, 400);
    assert_int_equal(out->height, 300);
    assert_int_equal(out->exif.data.len, 10);
    assert_memory_equal(out->exif.data.ptr, "MM\0*", 4);
    assert_int_equal(out->n_app13, 1);
    assert_int_equal(out->app13[0].data.len, 4);
    free(out);
}

static void jpeg_truncated_segment_is_partial_with_diag(void **state)
{
    (void)state;
    /* SOI + an APP1 that declares 0x100 bytes but has 4. */
    const uint8_t j[] = {0xFF, 0xD8, 0xFF, 0xE1, 0x01, 0x00, 'E', 'x', 'i', 'f'};
    struct container_jpeg *out = malloc(sizeof *out);
    struct diag d;
    diag_clear(&d);
    assert_int_equal(container_jpeg_walk(span_make(j, sizeof j), out, &d), ST_OK);
    assert_true(out->partial);
    assert_int_equal(out->warning.status, ST_TRUNCATED);
    assert_int_equal(out->warning.offset, 2);
    assert_non_null(strstr(out->warning.message, "declares 254 bytes but only 4 remain"));
    assert_null(out->exif.data.ptr);
    free(out);
}

static void jpeg_without_soi_is_refused(void **state)
{
    (void)state;
    const uint8_t j[] = {0x89, 'P', 'N', 'G'};
    struct container_jpeg *out = malloc(sizeof *out);
    struct diag d;
    diag_clear(&d);
    assert_int_equal(container_jpeg_walk(span_make(j, sizeof j), out, &d), ST_MALFORMED);
    assert_non_null(strstr(d.message, "no SOI"));
    free(out);
}

static void jpeg_garbage_between_segments_stops(void **state)
{
    (void)state;
    const uint8_t j[] = {0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 'J', 'F', 0x2E, 0x30, 0x00};
    struct container_jpeg *out = malloc(sizeof *out);
    struct diag d;
    diag_clear(&d);
    assert_int_equal(container_jpeg_walk(span_make(j, sizeof j), out, &d), ST_OK);
    assert_true(out->partial);
    assert_non_null(strstr(out->warning.message, "found 0x2E"));
    free(out);
}

/* ---- TIFF ---- */

struct seen {
    int n;
    uint16_t tags[16];
    bool ok[16];
};

static enum status count_entry(void *ctx, struct container_tiff *t,
                               const struct container_tiff_entry *e, int depth)
{
    (void)t;
    (void)depth;
    struct seen *s = ctx;
    if (s->n < 16) {
        s->tags[s->n] = e->tag;
        s->ok[s->n] = e->value_ok;
    }
    s->n++;
    return ST_OK;
}

/* II header, IFD0 at 8 with one entry, next IFD = `next`. */
static void make_tiff(uint8_t *b, uint32_t next)
{
    const uint8_t hdr[] = {'I', 'I', 42, 0, 8, 0, 0, 0, 1, 0,
                           0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0};
    memcpy(b, hdr, sizeof hdr);
    b[22] = (uint8_t)next;
    b[23] = (uint8_t)(next >> 8);
    b[24] = (uint8_t)(next >> 16);
    b[25] = (uint8_t)(next >> 24);
}

static void tiff_ifd_pointing_to_itself_is_a_cycle(void **state)
{
    (void)state;
    uint8_t b[26];
    make_tiff(b, 8); /* next IFD = IFD0 */
    struct container_tiff t;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(container_tiff_open(span_make(b, sizeof b), 0, &t, &d), ST_OK);
    struct seen s = {0};
    uint32_t next = 0;
    assert_int_equal(container_tiff_ifd(&t, t.ifd0, 0, count_entry, &s, &next, &d), ST_OK);
    assert_int_equal(s.n, 1);
    assert_int_equal(next, 8);
    uint32_t v = 0;
    (void)v;
    assert_int_equal(container_tiff_ifd(&t, next, 0, count_entry, &s, &next, &d), ST_MALFORMED);
    assert_non_null(strstr(d.message, "already read (offset cycle)"));
    assert_int_equal(s.n, 1); /* nothing read twice */
}

static void tiff_depth_limit(void **state)
{
    (void)state;
    uint8_t b[26];
    make_tiff(b, 0);
    struct container_tiff t;
    struct diag d;
    diag_clear(&d);
    container_tiff_open(span_make(b, sizeof b), 0, &t, &d);
    assert_int_equal(container_tiff_ifd(&t, 8, TS_LIMIT_IFD_DEPTH + 1, NULL, NULL, NULL, &d),
                     ST_LIMIT);
    assert_non_null(strstr(d.message, "nested deeper"));
}

static void tiff_count_times_size_overflow_and_offset_past_end(void **state)
{
    (void)state;
    uint8_t b[8 + 2 + 24 + 4] = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 2};
    /* entry 1: LONG × 0x40000001 (count × 4 wraps 32 bits) */
    const uint8_t e1[] = {0x01, 0x0E, 0, 4, 0x40, 0, 0, 1, 0, 0, 0, 8};
    /* entry 2: ASCII × 100 at offset 0xFFFFFFF0 (past the end) */
    const uint8_t e2[] = {0x01, 0x0F, 0, 2, 0, 0, 0, 100, 0xFF, 0xFF, 0xFF, 0xF0};
    memcpy(b + 10, e1, 12);
    memcpy(b + 22, e2, 12);
    struct container_tiff t;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(container_tiff_open(span_make(b, sizeof b), 0, &t, &d), ST_OK);
    struct seen s = {0};
    assert_int_equal(container_tiff_ifd(&t, t.ifd0, 0, count_entry, &s, NULL, &d), ST_OK);
    assert_int_equal(s.n, 2);
    assert_false(s.ok[0]);
    assert_false(s.ok[1]);
}

static void tiff_entry_table_past_end(void **state)
{
    (void)state;
    const uint8_t b[] = {'I', 'I', 42, 0, 8, 0, 0, 0, 0xFF, 0x00, 0, 0};
    struct container_tiff t;
    struct diag d;
    diag_clear(&d);
    container_tiff_open(span_make(b, sizeof b), 100, &t, &d);
    assert_int_equal(container_tiff_ifd(&t, t.ifd0, 0, NULL, NULL, NULL, &d), ST_TRUNCATED);
    assert_int_equal(d.offset, 108); /* base + IFD offset */
    assert_non_null(strstr(d.message, "declares 255 entries"));
    diag_clear(&d);
    assert_int_equal(container_tiff_ifd(&t, 0x7FFFFFF0u, 0, NULL, NULL, NULL, &d), ST_TRUNCATED);
    assert_non_null(strstr(d.message, "past the end"));
}

static void tiff_bad_header(void **state)
{
    (void)state;
    const uint8_t b[] = {'I', 'I', 44, 0, 8, 0, 0, 0};
    const uint8_t big[] = {'I', 'I', 43, 0, 8, 0, 0, 0};
    struct container_tiff t;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(container_tiff_open(span_make(b, sizeof b), 0, &t, &d), ST_MALFORMED);
    assert_non_null(strstr(d.message, "magic number 44 is not 42"));
    assert_int_equal(container_tiff_open(span_make(big, sizeof big), 0, &t, &d), ST_UNSUPPORTED);
    assert_non_null(strstr(d.message, "BigTIFF"));
}

/* ---- 8BIM ---- */

static void irb_odd_padding_and_size_past_end(void **state)
{
    (void)state;
    const uint8_t b[] = {
        /* 0x0404, name "A" (1+1 = even, no pad), size 3 (odd: one pad byte) */
        '8', 'B', 'I', 'M', 0x04, 0x04, 1, 'A', 0, 0, 0, 3, 0x1C, 0x02, 0x00, 0,
        /* 0x0425, empty name (1 byte + pad), size 0x100 but 2 bytes left */
        '8', 'B', 'I', 'M', 0x04, 0x25, 0, 0, 0, 0, 1, 0, 0xAA, 0xBB,
    };
    struct cursor c;
    cursor_init(&c, span_make(b, sizeof b));
    struct container_irb r;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(container_irb_next(&c, &r, &d), ST_OK);
    assert_int_equal(r.id, 0x0404);
    assert_int_equal(r.data.len, 3);
    assert_int_equal(r.name.len, 1);
    assert_int_equal(c.pos, 16);
    assert_int_equal(container_irb_next(&c, &r, &d), ST_TRUNCATED);
    assert_int_equal(d.offset, 16);
    assert_non_null(strstr(d.message, "0x0425 declares 256 bytes but only 2 remain"));
    assert_int_equal(c.pos, 16); /* the cursor did not move */
}

static void irb_bad_signature(void **state)
{
    (void)state;
    const uint8_t b[] = {'X', 'B', 'I', 'M', 0, 0, 0, 0, 0, 0, 0, 0};
    struct cursor c;
    cursor_init(&c, span_make(b, sizeof b));
    struct container_irb r;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(container_irb_next(&c, &r, &d), ST_MALFORMED);
    assert_non_null(strstr(d.message, "8BIM"));
}

/* ---- IIM ---- */

static void iim_dataset_longer_than_block(void **state)
{
    (void)state;
    const uint8_t b[] = {0x1C, 2, 120, 0x00, 0x40, 'a', 'b'};
    struct cursor c;
    cursor_init(&c, span_make(b, sizeof b));
    struct container_iim ds;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(container_iim_next(&c, &ds, &d), ST_TRUNCATED);
    assert_non_null(strstr(d.message, "IPTC 2:120: dataset declares 64 bytes but only 2 remain"));
}

static void iim_extended_length_absurd(void **state)
{
    (void)state;
    const uint8_t huge[] = {0x1C, 2, 120, 0x80, 0x04, 0xFF, 0xFF, 0xFF, 0xFF, 'x'};
    const uint8_t five[] = {0x1C, 2, 120, 0x80, 0x05, 0, 0, 0, 0, 1, 'x'};
    const uint8_t ok[] = {0x1C, 2, 25, 0x80, 0x02, 0x00, 0x03, 'a', 'b', 'c', 0, 0};
    struct cursor c;
    struct container_iim ds;
    struct diag d;
    diag_clear(&d);
    cursor_init(&c, span_make(huge, sizeof huge));
    assert_int_equal(container_iim_next(&c, &ds, &d), ST_TRUNCATED);
    assert_non_null(strstr(d.message, "declares 4294967295 bytes"));
    cursor_init(&c, span_make(five, sizeof five));
    assert_int_equal(container_iim_next(&c, &ds, &d), ST_MALFORMED);
    assert_non_null(strstr(d.message, "at most 4"));
    cursor_init(&c, span_make(ok, sizeof ok));
    assert_int_equal(container_iim_next(&c, &ds, &d), ST_OK);
    assert_int_equal(ds.dataset, 25);
    assert_int_equal(ds.data.len, 3);
    assert_int_equal(container_iim_next(&c, &ds, &d), ST_NOT_FOUND); /* NUL padding */
}

/* ---- PNG / RIFF ---- */

static void png_chunk_with_bogus_length(void **state)
{
    (void)state;
    const uint8_t b[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A,
                         0x7F, 0xFF, 0xFF, 0xFF, 't', 'E', 'X', 't', 'a', 'b'};
    struct cursor c;
    struct container_png_chunk ch;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(container_png_begin(span_make(b, sizeof b), &c, &d), ST_OK);
    assert_int_equal(container_png_next(&c, &ch, &d), ST_TRUNCATED);
    assert_int_equal(d.offset, 8);
    assert_non_null(strstr(d.message, "tEXt chunk declares 2147483647 bytes"));
}

static void riff_chunk_past_end(void **state)
{
    (void)state;
    const uint8_t b[] = {'R', 'I', 'F', 'F', 100, 0, 0, 0, 'W', 'E', 'B', 'P',
                         'E', 'X', 'I', 'F', 50, 0, 0, 0, 1, 2};
    struct cursor c;
    struct container_riff_chunk ch;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(container_riff_begin(span_make(b, sizeof b), &c, &d), ST_OK);
    assert_int_equal(container_riff_next(&c, &ch, &d), ST_TRUNCATED);
    assert_non_null(strstr(d.message, "'EXIF' chunk declares 50 bytes but only 2 remain"));
}

/* ---- ISO-BMFF: a tiny box builder ---- */

struct bb {
    uint8_t b[4096];
    size_t n;
    size_t open[16];
    int depth;
};
static void bb_u8(struct bb *b, uint8_t v) { b->b[b->n++] = v; }
static void bb_u16(struct bb *b, uint16_t v) { bb_u8(b, (uint8_t)(v >> 8)); bb_u8(b, (uint8_t)v); }
static void bb_u32(struct bb *b, uint32_t v) { bb_u16(b, (uint16_t)(v >> 16)); bb_u16(b, (uint16_t)v); }
static void bb_raw(struct bb *b, const void *p, size_t n) { memcpy(b->b + b->n, p, n); b->n += n; }
static void bb_open(struct bb *b, const char *type)
{
    b->open[b->depth++] = b->n;
    bb_u32(b, 0);
    bb_raw(b, type, 4);
}
static void bb_close(struct bb *b)
{
    size_t at = b->open[--b->depth], len = b->n - at;
    b->b[at] = (uint8_t)(len >> 24); b->b[at + 1] = (uint8_t)(len >> 16);
    b->b[at + 2] = (uint8_t)(len >> 8); b->b[at + 3] = (uint8_t)len;
}
static void bb_put32(struct bb *b, size_t at, uint32_t v)
{
    b->b[at] = (uint8_t)(v >> 24); b->b[at + 1] = (uint8_t)(v >> 16);
    b->b[at + 2] = (uint8_t)(v >> 8); b->b[at + 3] = (uint8_t)v;
}

/* ftyp heic + meta(hdlr, pitm 1, iinf(Exif #2, mime XMP #3), iloc(v1,
 * #2 in the file, #3 in idat), iprp(ipco(ispe, colr prof), ipma 1→1,2),
 * idat), then an mdat holding the Exif item. Returns the Exif data
 * offset patch position. */
static void build_heif(struct bb *b, bool xmp_in_idat)
{
    static const char xmp[] = "<x:xmpmeta xmlns:x='adobe:ns:meta/'/>";
    memset(b, 0, sizeof *b);
    bb_open(b, "ftyp"); bb_raw(b, "heic", 4); bb_u32(b, 0); bb_raw(b, "mif1heic", 8); bb_close(b);
    bb_open(b, "meta"); bb_u32(b, 0);
    bb_open(b, "hdlr"); bb_u32(b, 0); bb_u32(b, 0); bb_raw(b, "pict", 4); bb_u32(b, 0); bb_u32(b, 0); bb_u32(b, 0); bb_u8(b, 0); bb_close(b);
    bb_open(b, "pitm"); bb_u32(b, 0); bb_u16(b, 1); bb_close(b);
    bb_open(b, "iinf"); bb_u32(b, 0); bb_u16(b, 3);
    bb_open(b, "infe"); bb_u32(b, 2u << 24); bb_u16(b, 1); bb_u16(b, 0); bb_raw(b, "hvc1", 4); bb_u8(b, 0); bb_close(b);
    bb_open(b, "infe"); bb_u32(b, 2u << 24); bb_u16(b, 2); bb_u16(b, 0); bb_raw(b, "Exif", 4); bb_u8(b, 0); bb_close(b);
    bb_open(b, "infe"); bb_u32(b, 2u << 24); bb_u16(b, 3); bb_u16(b, 0); bb_raw(b, "mime", 4); bb_u8(b, 0);
    bb_raw(b, "application/rdf+xml", 20); bb_close(b);
    bb_close(b);
    bb_open(b, "iloc"); bb_u32(b, 1u << 24); bb_u8(b, 0x44); bb_u8(b, 0x00); bb_u16(b, 2);
    bb_u16(b, 2); bb_u16(b, 0); bb_u16(b, 0); bb_u16(b, 1);
    size_t exif_off_at = b->n; bb_u32(b, 0); bb_u32(b, 4 + 6 + 8);
    bb_u16(b, 3); bb_u16(b, xmp_in_idat ? 1 : 0); bb_u16(b, 0); bb_u16(b, 1); bb_u32(b, 0); bb_u32(b, sizeof xmp - 1);
    bb_close(b);
    bb_open(b, "iprp");
    bb_open(b, "ipco");
    bb_open(b, "ispe"); bb_u32(b, 0); bb_u32(b, 4032); bb_u32(b, 3024); bb_close(b);
    bb_open(b, "colr"); bb_raw(b, "prof", 4); bb_raw(b, "ICCDATA!", 8); bb_close(b);
    bb_close(b);
    bb_open(b, "ipma"); bb_u32(b, 0); bb_u32(b, 1); bb_u16(b, 1); bb_u8(b, 2); bb_u8(b, 0x81); bb_u8(b, 2); bb_close(b);
    bb_close(b);
    bb_open(b, "idat"); bb_raw(b, xmp, sizeof xmp - 1); bb_close(b);
    bb_close(b);
    bb_open(b, "mdat");
    bb_put32(b, exif_off_at, (uint32_t)b->n);
    bb_u32(b, 6); bb_raw(b, "Exif\0\0", 6); bb_raw(b, "MM\0*\0\0\0\x08", 8);
    bb_close(b);
}

static void bmff_finds_items_properties(void **state)
{
    (void)state;
    struct bb b;
    build_heif(&b, true);
    struct container_bmff *out = malloc(sizeof *out);
    struct diag d;
    diag_clear(&d);
    assert_true(container_is_bmff(span_make(b.b, b.n)));
    assert_int_equal(container_bmff_walk(span_make(b.b, b.n), out, &d), ST_OK);
    assert_false(out->partial);
    assert_string_equal(out->major_brand, "heic");
    assert_int_equal(out->primary_item, 1);
    assert_int_equal(out->n_items, 3);
    assert_int_equal(out->width, 4032);
    assert_int_equal(out->height, 3024);
    assert_int_equal(out->icc.data.len, 8);
    assert_memory_equal(out->icc.data.ptr, "ICCDATA!", 8);
    assert_int_equal(out->n_exif, 1);
    assert_int_equal(out->exif[0].data.len, 8);
    assert_memory_equal(out->exif[0].data.ptr, "MM\0*", 4);
    assert_int_equal(out->n_xmp, 1);
    assert_memory_equal(out->xmp[0].data.ptr, "<x:xmpmeta", 10);
    free(out);
}

static void bmff_item_past_end_is_partial(void **state)
{
    (void)state;
    struct bb b;
    build_heif(&b, false); /* XMP "in the file" at offset 0 with its length: fits */
    struct container_bmff *out = malloc(sizeof *out);
    struct diag d;
    diag_clear(&d);
    /* Cut the file inside the mdat: the mdat box no longer fits, and the
     * Exif item's bytes lie past the end. */
    size_t cut = b.n - 10;
    assert_int_equal(container_bmff_walk(span_make(b.b, cut), out, &d), ST_OK);
    assert_true(out->partial);
    assert_int_equal(out->n_exif, 0);
    assert_non_null(strstr(out->warning.message, "mdat"));
    free(out);
}

static void bmff_box_sizes(void **state)
{
    (void)state;
    struct diag d;
    struct cursor c;
    struct container_bmff_box box;
    /* size 0: to the end */
    const uint8_t zero[] = {0, 0, 0, 0, 'm', 'd', 'a', 't', 1, 2, 3};
    cursor_init(&c, span_make(zero, sizeof zero));
    assert_int_equal(container_bmff_next(&c, &box, &d), ST_OK);
    assert_int_equal(box.data.len, 3);
    assert_int_equal(container_bmff_next(&c, &box, &d), ST_NOT_FOUND);
    /* largesize */
    const uint8_t large[] = {0, 0, 0, 1, 'f', 'r', 'e', 'e', 0, 0, 0, 0, 0, 0, 0, 18, 9, 9};
    cursor_init(&c, span_make(large, sizeof large));
    assert_int_equal(container_bmff_next(&c, &box, &d), ST_OK);
    assert_int_equal(box.data.len, 2);
    /* largesize past the end (2^63) */
    const uint8_t huge[] = {0, 0, 0, 1, 'f', 'r', 'e', 'e', 0x80, 0, 0, 0, 0, 0, 0, 0};
    cursor_init(&c, span_make(huge, sizeof huge));
    diag_clear(&d);
    assert_int_equal(container_bmff_next(&c, &box, &d), ST_TRUNCATED);
    assert_int_equal(c.pos, 0);
    /* size smaller than its header */
    const uint8_t tiny[] = {0, 0, 0, 4, 'f', 'r', 'e', 'e'};
    cursor_init(&c, span_make(tiny, sizeof tiny));
    diag_clear(&d);
    assert_int_equal(container_bmff_next(&c, &box, &d), ST_MALFORMED);
    assert_non_null(strstr(d.message, "less than"));
}

static void bmff_depth_and_item_limits(void **state)
{
    (void)state;
    /* iprp nested in iprp deeper than the limit */
    struct bb *b = calloc(1, sizeof *b);
    bb_open(b, "ftyp"); bb_raw(b, "avif", 4); bb_u32(b, 0); bb_close(b);
    bb_open(b, "meta"); bb_u32(b, 0);
    for (int i = 0; i < TS_LIMIT_BMFF_DEPTH + 2; i++)
        bb_open(b, "iprp");
    for (int i = 0; i < TS_LIMIT_BMFF_DEPTH + 2; i++)
        bb_close(b);
    bb_close(b);
    struct container_bmff *out = malloc(sizeof *out);
    struct diag d;
    diag_clear(&d);
    assert_int_equal(container_bmff_walk(span_make(b->b, b->n), out, &d), ST_OK);
    assert_true(out->partial);
    assert_non_null(strstr(out->warning.message, "nested deeper"));
    /* an iinf declaring 1000000 entries with a few real ones, and
     * iloc entries beyond the item budget */
    memset(b, 0, sizeof *b);
    bb_open(b, "ftyp"); bb_raw(b, "mif1", 4); bb_u32(b, 0); bb_close(b);
    bb_open(b, "meta"); bb_u32(b, 0);
    bb_open(b, "iinf"); bb_u32(b, 1u << 24); bb_u32(b, 1000000);
    bb_open(b, "infe"); bb_u32(b, 2u << 24); bb_u16(b, 1); bb_u16(b, 0); bb_raw(b, "Exif", 4); bb_u8(b, 0); bb_close(b);
    bb_close(b);
    bb_open(b, "iloc"); bb_u32(b, 2u << 24); bb_u8(b, 0x44); bb_u8(b, 0); bb_u32(b, 0xFFFFFFFFu);
    for (int i = 0; i < 200; i++) {
        bb_u32(b, 7); bb_u16(b, 0); bb_u16(b, 0); bb_u16(b, 1); bb_u32(b, 0); bb_u32(b, 4);
    }
    bb_close(b);
    bb_close(b);
    diag_clear(&d);
    assert_int_equal(container_bmff_walk(span_make(b->b, b->n), out, &d), ST_OK);
    assert_true(out->partial); /* iloc runs out of entries long before 2^32 */
    assert_int_equal(out->n_items, 1);
    assert_int_equal(out->n_exif, 0);
    free(out);
    free(b);
}

static void bmff_not_heif(void **state)
{
    (void)state;
    const uint8_t mp4[] = {0, 0, 0, 16, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 0, 0};
    struct container_bmff *out = malloc(sizeof *out);
    struct diag d;
    diag_clear(&d);
    assert_false(container_is_bmff(span_make(mp4, sizeof mp4)));
    assert_int_equal(container_bmff_walk(span_make(mp4, sizeof mp4), out, &d), ST_MALFORMED);
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jpeg_finds_segments_and_size),
        cmocka_unit_test(jpeg_truncated_segment_is_partial_with_diag),
        cmocka_unit_test(jpeg_without_soi_is_refused),
        cmocka_unit_test(jpeg_garbage_between_segments_stops),
        cmocka_unit_test(tiff_ifd_pointing_to_itself_is_a_cycle),
        cmocka_unit_test(tiff_depth_limit),
        cmocka_unit_test(tiff_count_times_size_overflow_and_offset_past_end),
        cmocka_unit_test(tiff_entry_table_past_end),
        cmocka_unit_test(tiff_bad_header),
        cmocka_unit_test(irb_odd_padding_and_size_past_end),
        cmocka_unit_test(irb_bad_signature),
        cmocka_unit_test(iim_dataset_longer_than_block),
        cmocka_unit_test(iim_extended_length_absurd),
        cmocka_unit_test(png_chunk_with_bogus_length),
        cmocka_unit_test(riff_chunk_past_end),
        cmocka_unit_test(bmff_finds_items_properties),
        cmocka_unit_test(bmff_item_past_end_is_partial),
        cmocka_unit_test(bmff_box_sizes),
        cmocka_unit_test(bmff_depth_and_item_limits),
        cmocka_unit_test(bmff_not_heif),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
