/* test_c2pa_hash.c — hard bindings and manifest forms the signer does
 * not make, on hand-built stores in hand-built PNG and WebP files:
 * c2pa.hash.boxes on PNG (match, a flipped IDAT byte, bytes after IEND,
 * boxes out of order, the C2PA box grouped with another, an unknown
 * algorithm, PNGh left out), data-hash exclusions that are not exactly
 * the caBX / C2PA chunk, and compressed manifests (c2cm + brob, both
 * brob forms, a cut stream, a Brotli bomb, a corpus store
 * compressed here and read like the original). The stores' signatures
 * are dummies (claimSignature.mismatch): the binding is checked all the
 * same, and these tests look at the binding's code only. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "select.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <brotli/encode.h>
#include <openssl/sha.h>

#include "c2pa/c2pa.h"
#include "c2pa/c2pa_internal.h"
#include "c2pa/sign_internal.h"

#define MLABEL "urn:c2pa:00000000-0000-4000-8000-000000000001"

/* ---- building stores ------------------------------------------------ */

/* jumb(c2ma MLABEL) { c2pa.assertions { <binding> {cbor payload} },
 * c2pa.claim.v2 {claim hashing it}, c2pa.signature {dummy} } */
static void put_manifest(struct c2pa_sign_out *o, const char *binding, const struct buf *payload)
{
    uint8_t uuid[16], h[32];
    char url[256];
    c2pa_sign_jumbf_uuid_4cc(uuid, "c2ma");
    size_t man = c2pa_sign_jumbf_super_open(o, uuid, MLABEL);
    c2pa_sign_jumbf_uuid_4cc(uuid, "c2as");
    size_t as = c2pa_sign_jumbf_super_open(o, uuid, "c2pa.assertions");
    c2pa_sign_jumbf_uuid_4cc(uuid, "cbor");
    size_t a = c2pa_sign_jumbf_super_open(o, uuid, binding);
    size_t box = c2pa_sign_jumbf_open(o, "cbor");
    c2pa_sign_out_raw(o, payload->data, payload->len);
    c2pa_sign_jumbf_close(o, box);
    c2pa_sign_jumbf_close(o, a);
    c2pa_sign_jumbf_content_hash(o, a, h);
    c2pa_sign_jumbf_close(o, as);

    struct c2pa_sign_out claim;
    struct c2pa_sign_cbor_map m, hu;
    c2pa_sign_out_init(&claim, 1 << 16);
    c2pa_sign_cbor_map_begin(&m, 1 << 16);
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "alg"), "sha256");
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "instanceID"), "xmp:iid:test");
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "signature"),
                        "self#jumbf=/c2pa/" MLABEL "/c2pa.signature");
    struct c2pa_sign_out *list = c2pa_sign_cbor_map_text(&m, "created_assertions");
    c2pa_sign_cbor_array(list, 1);
    c2pa_sign_cbor_map_begin(&hu, 4096);
    snprintf(url, sizeof url, "self#jumbf=c2pa.assertions/%s", binding);
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&hu, "url"), url);
    c2pa_sign_cbor_bytes(c2pa_sign_cbor_map_text(&hu, "hash"), h, 32);
    c2pa_sign_cbor_map_end(&hu, list);
    c2pa_sign_cbor_map_end(&m, &claim);
    c2pa_sign_jumbf_uuid_4cc(uuid, "c2cl");
    a = c2pa_sign_jumbf_super_open(o, uuid, "c2pa.claim.v2");
    box = c2pa_sign_jumbf_open(o, "cbor");
    c2pa_sign_out_raw(o, claim.b.data, claim.b.len);
    c2pa_sign_jumbf_close(o, box);
    c2pa_sign_jumbf_close(o, a);
    c2pa_sign_out_free(&claim);

    c2pa_sign_jumbf_uuid_4cc(uuid, "c2cs");
    a = c2pa_sign_jumbf_super_open(o, uuid, "c2pa.signature");
    box = c2pa_sign_jumbf_open(o, "cbor");
    c2pa_sign_out_raw(o, "\x40", 1); /* an empty bstr: not a COSE_Sign1 */
    c2pa_sign_jumbf_close(o, box);
    c2pa_sign_jumbf_close(o, a);
    c2pa_sign_jumbf_close(o, man);
}

enum form { PLAIN, COMPRESSED, COMPRESSED_JXL, CORRUPT, BOMB };

static void brotli(const uint8_t *in, size_t n, struct c2pa_sign_out *o)
{
    size_t cap = BrotliEncoderMaxCompressedSize(n);
    uint8_t *out = malloc(cap);
    assert_non_null(out);
    assert_int_equal(BrotliEncoderCompress(5, 22, BROTLI_MODE_GENERIC, n, in, &cap, out), 1);
    c2pa_sign_out_raw(o, out, cap);
    free(out);
}

/* c2cm MLABEL { brob { compressed manifest `m` } } */
static void put_compressed(struct c2pa_sign_out *o, const struct c2pa_sign_out *m, enum form f)
{
    uint8_t uuid[16];
    c2pa_sign_jumbf_uuid_4cc(uuid, "c2cm");
    size_t at = c2pa_sign_jumbf_super_open(o, uuid, MLABEL);
    size_t box = c2pa_sign_jumbf_open(o, "brob");
    const uint8_t *mb = c2pa_sign_out_bytes(m);
    if (f == COMPRESSED_JXL) {
        /* JPEG XL form: the inner box type, then its contents compressed */
        c2pa_sign_out_raw(o, "jumb", 4);
        brotli(mb + 8, m->b.len - 8, o);
    } else if (f == BOMB) {
        size_t n = TS_LIMIT_C2PA_MANIFEST_BYTES + 4096;
        uint8_t *zeros = calloc(n, 1);
        assert_non_null(zeros);
        brotli(zeros, n, o);
        free(zeros);
    } else {
        size_t before = o->b.len;
        brotli(mb, m->b.len, o);
        if (f == CORRUPT) /* the stream cut in half (Brotli has no checksum) */
            o->b.len -= (o->b.len - before) / 2;
    }
    c2pa_sign_jumbf_close(o, box);
    c2pa_sign_jumbf_close(o, at);
}

/* The whole store: c2pa { the manifest, plain or compressed }. */
static void make_store(struct c2pa_sign_out *o, const char *binding, const struct buf *payload,
                       enum form f)
{
    uint8_t uuid[16];
    struct c2pa_sign_out m;
    c2pa_sign_out_init(&m, 1 << 20);
    put_manifest(&m, binding, payload);
    c2pa_sign_out_init(o, (size_t)64 << 20);
    c2pa_sign_jumbf_uuid_4cc(uuid, "c2pa");
    size_t at = c2pa_sign_jumbf_super_open(o, uuid, "c2pa");
    if (f == PLAIN)
        c2pa_sign_out_raw(o, m.b.data, m.b.len);
    else
        put_compressed(o, &m, f);
    c2pa_sign_jumbf_close(o, at);
    assert_int_equal(o->st, ST_OK);
    c2pa_sign_out_free(&m);
}

/* ---- building files -------------------------------------------------- */

static void put_be32(struct buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    buf_append(b, x, 4);
}

static void put_le32(struct buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    buf_append(b, x, 4);
}

/* CRCs are left zero: nothing here decodes pixels. */
static void png_chunk(struct buf *b, const char *type, const void *p, size_t n)
{
    put_be32(b, (uint32_t)n);
    buf_append(b, type, 4);
    buf_append(b, p, n);
    put_be32(b, 0);
}

#define PNG_STORE_AT 33 /* signature (8) + IHDR chunk (25) */
#define PNG_TEXT_LEN 17 /* the tEXt chunk after caBX */

/* sig, IHDR, caBX(store), tEXt, IDAT, IEND */
static void make_png(struct buf *f, const uint8_t *store, size_t n)
{
    static const uint8_t ihdr[13] = {0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0};
    buf_init(f, (size_t)80 << 20);
    buf_append(f, "\x89PNG\r\n\x1a\n", 8);
    png_chunk(f, "IHDR", ihdr, sizeof ihdr);
    png_chunk(f, "caBX", store, n);
    png_chunk(f, "tEXt", "a\0bcd", 5);
    png_chunk(f, "IDAT", "0123456789abcdefghij", 20);
    png_chunk(f, "IEND", "", 0);
}

/* RIFF WEBP: VP8L (5 bytes + pad), C2PA(store), EXIF (4 bytes) */
static void make_webp(struct buf *f, const uint8_t *store, size_t n)
{
    buf_init(f, (size_t)80 << 20);
    buf_append(f, "RIFF", 4);
    put_le32(f, (uint32_t)(4 + 14 + 8 + n + (n & 1) + 12));
    buf_append(f, "WEBP", 4);
    buf_append(f, "VP8L", 4);
    put_le32(f, 5);
    buf_append(f, "\x2f\0\0\0\0\0", 6);
    buf_append(f, "C2PA", 4);
    put_le32(f, (uint32_t)n);
    buf_append(f, store, n);
    if (n & 1)
        buf_putc(f, 0);
    buf_append(f, "EXIF", 4);
    put_le32(f, 4);
    buf_append(f, "II*\0", 4);
}
#define WEBP_STORE_AT 26 /* header (12) + VP8L chunk (14) */

/* ---- looking at results ---------------------------------------------- */

static bool has_code(const struct c2pa_status_list *l, const char *code)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].code, code) == 0)
            return true;
    return false;
}

/* Verifies f as `name` and checks that `code` is among the successes
 * (success true) or failures. */
static void expect(const struct buf *f, const char *name, const char *code, bool success)
{
    struct c2pa_report r;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(c2pa_verify(span_make((const uint8_t *)f->data, f->len), name, NULL, &r, &d),
                     ST_OK);
    assert_true(r.has_manifest);
    const struct c2pa_status_list *l = success ? &r.active.success : &r.active.failure;
    if (!has_code(l, code)) {
        for (size_t i = 0; i < r.active.failure.n; i++)
            fprintf(stderr, "  failure %s: %s\n", r.active.failure.items[i].code,
                    r.active.failure.items[i].explanation);
        fail_msg("%s: expected %s %s", name, success ? "success" : "failure", code);
    }
    c2pa_report_free(&r);
}

/* ---- c2pa.hash.boxes on PNG ------------------------------------------ */

struct box_run {
    const char *names[4];
    size_t from, to; /* bytes hashed, or from == to for the C2PA box */
};

static void box_payload(struct buf *p, const struct box_run *runs, size_t n_runs, const char *alg,
                        const struct buf *file)
{
    struct c2pa_sign_out o;
    struct c2pa_sign_cbor_map m;
    c2pa_sign_out_init(&o, 1 << 16);
    c2pa_sign_cbor_map_begin(&m, 1 << 16);
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "alg"), alg);
    struct c2pa_sign_out *list = c2pa_sign_cbor_map_text(&m, "boxes");
    c2pa_sign_cbor_array(list, n_runs);
    for (size_t r = 0; r < n_runs; r++) {
        struct c2pa_sign_cbor_map e;
        size_t nn = 0;
        while (nn < 4 && runs[r].names[nn])
            nn++;
        c2pa_sign_cbor_map_begin(&e, 4096);
        struct c2pa_sign_out *names = c2pa_sign_cbor_map_text(&e, "names");
        c2pa_sign_cbor_array(names, nn);
        for (size_t k = 0; k < nn; k++)
            c2pa_sign_cbor_text(names, runs[r].names[k]);
        uint8_t h[32] = {0};
        bool c2pa = strcmp(runs[r].names[0], "C2PA") == 0;
        if (!c2pa && file && runs[r].to > runs[r].from)
            SHA256((const uint8_t *)file->data + runs[r].from, runs[r].to - runs[r].from, h);
        c2pa_sign_cbor_bytes(c2pa_sign_cbor_map_text(&e, "hash"), h, c2pa ? 1 : 32);
        c2pa_sign_cbor_bytes(c2pa_sign_cbor_map_text(&e, "pad"), "", 0);
        c2pa_sign_cbor_map_end(&e, list);
    }
    c2pa_sign_cbor_map_end(&m, &o);
    assert_int_equal(o.st, ST_OK);
    buf_init(p, 1 << 16);
    buf_append(p, o.b.data, o.b.len);
    c2pa_sign_out_free(&o);
}

/*
 * A box-hashed PNG. Only the offsets of the boxes after the store depend
 * on its size, so the file is remade with the hashes of the previous
 * round until the store keeps its size (at once for a plain store; a
 * compressed one may take a round or two).
 */
static void boxed_png(struct buf *f, const struct box_run *runs_in, size_t n_runs, const char *alg,
                      enum form form)
{
    struct box_run runs[4];
    struct buf p, probe;
    struct c2pa_sign_out st;
    memcpy(runs, runs_in, n_runs * sizeof *runs);
    box_payload(&p, runs, n_runs, alg, NULL);
    make_store(&st, "c2pa.hash.boxes", &p, form);
    make_png(&probe, c2pa_sign_out_bytes(&st), st.b.len);
    for (int round = 0;; round++) {
        assert_true(round < 8);
        size_t store_end = PNG_STORE_AT + 12 + st.b.len;
        /* run bounds given relative to the store: 0 = file start, 1 =
         * the store's start, 2 = its end, 3 = the file's end, 4 = after
         * PNGh */
        for (size_t r = 0; r < n_runs; r++) {
            size_t at[5] = {0, PNG_STORE_AT, store_end, probe.len, 8};
            runs[r].from = at[runs_in[r].from];
            runs[r].to = at[runs_in[r].to];
        }
        buf_free(&p);
        c2pa_sign_out_free(&st);
        box_payload(&p, runs, n_runs, alg, &probe);
        make_store(&st, "c2pa.hash.boxes", &p, form);
        make_png(f, c2pa_sign_out_bytes(&st), st.b.len);
        bool same = f->len == probe.len;
        buf_free(&probe);
        if (same)
            break;
        probe = *f;
    }
    buf_free(&p);
    c2pa_sign_out_free(&st);
}

static const struct box_run good_runs[3] = {
    {{"PNGh", "IHDR", NULL}, 0, 1},
    {{"C2PA", NULL}, 1, 1},
    {{"tEXt", "IDAT", "IEND", NULL}, 2, 3},
};

static void box_hash_png_matches(void **state)
{
    (void)state;
    struct buf f;
    boxed_png(&f, good_runs, 3, "sha256", PLAIN);
    expect(&f, "t.png", "assertion.boxesHash.match", true);
    /* one byte of IDAT: the image changed */
    f.data[f.len - 12 - 12 - 3] ^= 1;
    expect(&f, "t.png", "assertion.boxesHash.mismatch", false);
    f.data[f.len - 12 - 12 - 3] ^= 1;
    /* bytes after IEND are a box nobody listed */
    buf_append(&f, "more", 4);
    expect(&f, "t.png", "assertion.boxesHash.unknownBox", false);
    buf_free(&f);
}

static void box_hash_png_without_header_box(void **state)
{
    (void)state;
    static const struct box_run runs[3] = {
        {{"IHDR", NULL}, 4, 1},
        {{"C2PA", NULL}, 1, 1},
        {{"tEXt", "IDAT", "IEND", NULL}, 2, 3},
    };
    struct buf f;
    boxed_png(&f, runs, 3, "sha256", PLAIN);
    expect(&f, "t.png", "assertion.boxesHash.match", true);
    buf_free(&f);
}

static void box_hash_png_rejects_bad_assertions(void **state)
{
    (void)state;
    static const struct box_run out_of_order[3] = {
        {{"PNGh", "IHDR", NULL}, 0, 1},
        {{"C2PA", NULL}, 1, 1},
        {{"IDAT", "tEXt", "IEND", NULL}, 2, 3},
    };
    static const struct box_run c2pa_grouped[2] = {
        {{"PNGh", "IHDR", NULL}, 0, 1},
        {{"C2PA", "tEXt", "IDAT", "IEND"}, 1, 3},
    };
    static const struct box_run missing_tail[2] = {
        {{"PNGh", "IHDR", NULL}, 0, 1},
        {{"C2PA", NULL}, 1, 1},
    };
    struct buf f;
    boxed_png(&f, out_of_order, 3, "sha256", PLAIN);
    expect(&f, "t.png", "assertion.boxesHash.mismatch", false);
    buf_free(&f);
    boxed_png(&f, c2pa_grouped, 2, "sha256", PLAIN);
    expect(&f, "t.png", "assertion.boxesHash.malformed", false);
    buf_free(&f);
    boxed_png(&f, missing_tail, 2, "sha256", PLAIN);
    expect(&f, "t.png", "assertion.boxesHash.unknownBox", false);
    buf_free(&f);
    boxed_png(&f, good_runs, 3, "md5", PLAIN);
    expect(&f, "t.png", "algorithm.unsupported", false);
    buf_free(&f);
}

/* ---- JPEG restart markers ---------------------------------------------- */

/* SOI, DQT, SOS + entropy data, RST0 + data, RST1 + data, EOI */
static const uint8_t rst_jpeg[] = {0xFF, 0xD8, 0xFF, 0xDB, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xDA,
                                   0x00, 0x03, 0x00, 'a',  'b',  0xFF, 0x00, 'c',  0xFF, 0xD0,
                                   'e',  'f',  0xFF, 0xD1, 'g',  'h',  0xFF, 0xD9};

static const char *rst_check(const struct box_run *runs, size_t n, const uint8_t *jpg)
{
    static char code[64];
    struct buf file, p;
    struct c2pa_results res;
    memset(&res, 0, sizeof res);
    buf_init(&file, 1024);
    buf_append(&file, jpg, sizeof rst_jpeg);
    box_payload(&p, runs, n, "sha256", &file);
    boxes_hash_check(span_make((const uint8_t *)file.data, file.len), "image/jpeg",
                     span_make((const uint8_t *)p.data, p.len), NULL, "self#jumbf=test", &res);
    snprintf(code, sizeof code, "%s",
             res.success.n ? res.success.items[0].code : res.failure.items[0].code);
    results_free(&res);
    buf_free(&p);
    buf_free(&file);
    return code;
}

/* §18.7.3.1 lists RSTn as boxes; c2pa-rs counts them as part of SOS.
 * Both readings match; a changed byte after a restart marker does not. */
static void box_hash_jpeg_restart_markers(void **state)
{
    (void)state;
    const size_t end = sizeof rst_jpeg;
    /* the spec's reading: a run may end at RST0 and the next start at
     * RST1 (RST1 + "gh" + EOI are the last 6 bytes) */
    const struct box_run spec_all[2] = {{{"SOI", "DQT", "SOS", "RST0"}, 0, end - 6},
                                        {{"RST1", "EOI", NULL}, end - 6, end}};
    const struct box_run folded[2] = {{{"SOI", "DQT", "SOS", NULL}, 0, end - 2},
                                      {{"EOI", NULL}, end - 2, end}};
    assert_string_equal(rst_check(spec_all, 2, rst_jpeg), "assertion.boxesHash.match");
    assert_string_equal(rst_check(folded, 2, rst_jpeg), "assertion.boxesHash.match");
    uint8_t changed[sizeof rst_jpeg];
    memcpy(changed, rst_jpeg, sizeof changed);
    struct buf orig;
    buf_init(&orig, 1024);
    buf_append(&orig, rst_jpeg, sizeof rst_jpeg);
    /* hashes of the original, bytes of a changed file ("f" after RST0) */
    struct buf p;
    box_payload(&p, folded, 2, "sha256", &orig);
    changed[21] ^= 1;
    struct c2pa_results res;
    memset(&res, 0, sizeof res);
    boxes_hash_check(span_make(changed, sizeof changed), "image/jpeg",
                     span_make((const uint8_t *)p.data, p.len), NULL, "self#jumbf=test", &res);
    assert_int_equal(res.success.n, 0);
    assert_string_equal(res.failure.items[0].code, "assertion.boxesHash.mismatch");
    results_free(&res);
    buf_free(&p);
    buf_free(&orig);
}

/* ---- data-hash exclusions on PNG and WebP ----------------------------- */

static void data_payload(struct buf *p, uint64_t start, uint64_t len, const uint8_t hash[32])
{
    struct c2pa_sign_out o;
    struct c2pa_sign_cbor_map m, ex;
    c2pa_sign_out_init(&o, 4096);
    c2pa_sign_cbor_map_begin(&m, 4096);
    struct c2pa_sign_out *list = c2pa_sign_cbor_map_text(&m, "exclusions");
    c2pa_sign_cbor_array(list, 1);
    c2pa_sign_cbor_map_begin(&ex, 64);
    c2pa_sign_cbor_uint(c2pa_sign_cbor_map_text(&ex, "start"), start);
    c2pa_sign_cbor_uint(c2pa_sign_cbor_map_text(&ex, "length"), len);
    c2pa_sign_cbor_map_end(&ex, list);
    c2pa_sign_cbor_text(c2pa_sign_cbor_map_text(&m, "alg"), "sha256");
    c2pa_sign_cbor_bytes(c2pa_sign_cbor_map_text(&m, "hash"), hash, 32);
    c2pa_sign_cbor_bytes(c2pa_sign_cbor_map_text(&m, "pad"), "", 0);
    c2pa_sign_cbor_map_end(&m, &o);
    buf_init(p, 4096);
    buf_append(p, o.b.data, o.b.len);
    c2pa_sign_out_free(&o);
}

/*
 * A data-hashed PNG or WebP whose one exclusion starts at the store's
 * chunk and is `extra` bytes longer than it, with a hash that is right
 * for that exclusion: without the exactness rule, `extra` bytes after
 * the store would be unprotected yet the hash would match.
 */
static void data_hashed(struct buf *f, bool webp, size_t extra)
{
    uint8_t h[32] = {0};
    struct buf p;
    struct c2pa_sign_out st;
    size_t at = webp ? WEBP_STORE_AT : PNG_STORE_AT;
    /* pass 1: the store's size (lengths < 65536 always take 3 bytes) */
    data_payload(&p, at, 1000, h);
    make_store(&st, "c2pa.hash.data", &p, PLAIN);
    size_t n = st.b.len;
    size_t chunk = webp ? 8 + n + (n & 1) : 12 + n;
    buf_free(&p);
    c2pa_sign_out_free(&st);
    /* the hash of the file outside [at, at + chunk + extra) */
    struct buf probe;
    uint8_t *zeros = calloc(n, 1);
    assert_non_null(zeros);
    if (webp)
        make_webp(&probe, zeros, n);
    else
        make_png(&probe, zeros, n);
    free(zeros);
    struct buf rest;
    buf_init(&rest, probe.len);
    buf_append(&rest, probe.data, at);
    buf_append(&rest, probe.data + at + chunk + extra, probe.len - at - chunk - extra);
    SHA256((const uint8_t *)rest.data, rest.len, h);
    buf_free(&rest);
    buf_free(&probe);
    data_payload(&p, at, chunk + extra, h);
    make_store(&st, "c2pa.hash.data", &p, PLAIN);
    assert_int_equal(st.b.len, n);
    if (webp)
        make_webp(f, c2pa_sign_out_bytes(&st), n);
    else
        make_png(f, c2pa_sign_out_bytes(&st), n);
    buf_free(&p);
    c2pa_sign_out_free(&st);
}

static void exclusion_must_be_the_chunk(void **state)
{
    (void)state;
    struct buf f;
    data_hashed(&f, false, 0);
    expect(&f, "t.png", "assertion.dataHash.match", true);
    buf_free(&f);
    data_hashed(&f, false, PNG_TEXT_LEN); /* caBX and the tEXt after it */
    expect(&f, "t.png", "assertion.dataHash.mismatch", false);
    buf_free(&f);
    data_hashed(&f, true, 0);
    expect(&f, "t.webp", "assertion.dataHash.match", true);
    buf_free(&f);
    data_hashed(&f, true, 12); /* C2PA and the EXIF chunk after it */
    expect(&f, "t.webp", "assertion.dataHash.mismatch", false);
    buf_free(&f);
}

/* ---- compressed manifests --------------------------------------------- */

static void compressed_manifest_reads_like_plain(void **state)
{
    (void)state;
    struct buf f;
    boxed_png(&f, good_runs, 3, "sha256", COMPRESSED);
    expect(&f, "t.png", "assertion.boxesHash.match", true);
    expect(&f, "t.png", "assertion.hashedURI.match", true);
    buf_free(&f);
    boxed_png(&f, good_runs, 3, "sha256", COMPRESSED_JXL);
    expect(&f, "t.png", "assertion.boxesHash.match", true);
    buf_free(&f);
}

static void compressed_manifest_broken(void **state)
{
    (void)state;
    struct buf f;
    boxed_png(&f, good_runs, 3, "sha256", CORRUPT);
    expect(&f, "t.png", "manifest.compressed.invalid", false);
    buf_free(&f);
    /* more than TS_LIMIT_C2PA_MANIFEST_BYTES once decompressed */
    boxed_png(&f, good_runs, 3, "sha256", BOMB);
    expect(&f, "t.png", "manifest.compressed.invalid", false);
    buf_free(&f);
}

/* The corpus's C.jpg store with its active manifest compressed here
 * gives the same codes as the store itself (both read as sidecars). */
static void corpus_store_compressed(void **state)
{
    (void)state;
    uint8_t *jpg = NULL, *store = NULL;
    size_t jpg_len = 0, store_len = 0, xs = 0, xl = 0;
    const char *fmt = NULL;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(
        file_read_all(TS_SHARED_DIR "/corpus/c2pa/C.jpg", (size_t)64 << 20, &jpg, &jpg_len, &d),
        ST_OK);
    assert_int_equal(
        c2pa_store_find(span_make(jpg, jpg_len), "C.jpg", &store, &store_len, &fmt, &xs, &xl, &d),
        ST_OK);
    /* the store's children: jumd, then manifests; the last is active */
    struct span s = span_make(store, store_len), last = {0};
    size_t at = 8, last_at = 0;
    while (at + 8 <= s.len) {
        uint32_t len = 0;
        assert_true(span_u32(s, at, true, &len));
        assert_true(len >= 8 && len <= s.len - at);
        if (memcmp(s.ptr + at + 4, "jumb", 4) == 0) {
            last = span_make(s.ptr + at, len);
            last_at = at;
        }
        at += len;
    }
    assert_true(last.len > 0 && last_at + last.len == s.len);
    /* its label, from its jumd: header 8 + uuid 16 + toggles 1 */
    char label[256];
    snprintf(label, sizeof label, "%s", (const char *)last.ptr + 8 + 8 + 17);
    struct c2pa_sign_out o, m;
    uint8_t uuid[16];
    c2pa_sign_out_init(&o, (size_t)64 << 20);
    c2pa_sign_out_init(&m, (size_t)64 << 20);
    c2pa_sign_out_raw(&m, last.ptr, last.len);
    c2pa_sign_jumbf_uuid_4cc(uuid, "c2pa");
    size_t top = c2pa_sign_jumbf_open(&o, "jumb");
    c2pa_sign_out_raw(&o, s.ptr + 8, last_at - 8); /* jumd and the other manifests */
    c2pa_sign_jumbf_uuid_4cc(uuid, "c2cm");
    size_t cm = c2pa_sign_jumbf_super_open(&o, uuid, label);
    size_t box = c2pa_sign_jumbf_open(&o, "brob");
    brotli(last.ptr, last.len, &o);
    c2pa_sign_jumbf_close(&o, box);
    c2pa_sign_jumbf_close(&o, cm);
    c2pa_sign_jumbf_close(&o, top);
    assert_int_equal(o.st, ST_OK);
    assert_true(o.b.len < store_len);

    struct c2pa_report a, b;
    assert_int_equal(c2pa_verify(s, "C.c2pa", NULL, &a, &d), ST_OK);
    assert_int_equal(
        c2pa_verify(span_make(c2pa_sign_out_bytes(&o), o.b.len), "C.c2pa", NULL, &b, &d), ST_OK);
    assert_true(a.has_manifest && b.has_manifest);
    assert_string_equal(a.active_label, b.active_label);
    assert_true(has_code(&b.active.success, "claimSignature.validated"));
    assert_false(has_code(&b.active.failure, "manifest.compressed.invalid"));
    const struct c2pa_status_list *la[2] = {&a.active.success, &a.active.failure};
    const struct c2pa_status_list *lb[2] = {&b.active.success, &b.active.failure};
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < la[k]->n; i++)
            assert_true(has_code(lb[k], la[k]->items[i].code));
        for (size_t i = 0; i < lb[k]->n; i++)
            assert_true(has_code(la[k], lb[k]->items[i].code));
    }
    c2pa_report_free(&a);
    c2pa_report_free(&b);
    c2pa_sign_out_free(&o);
    c2pa_sign_out_free(&m);
    free(store);
    free(jpg);
}

int main(int argc, char **argv)
{
    ts_unit_select(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(box_hash_png_matches),
        cmocka_unit_test(box_hash_png_without_header_box),
        cmocka_unit_test(box_hash_png_rejects_bad_assertions),
        cmocka_unit_test(box_hash_jpeg_restart_markers),
        cmocka_unit_test(exclusion_must_be_the_chunk),
        cmocka_unit_test(compressed_manifest_reads_like_plain),
        cmocka_unit_test(compressed_manifest_broken),
        cmocka_unit_test(corpus_store_compressed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
