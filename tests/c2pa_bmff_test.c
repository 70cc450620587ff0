/* c2pa_bmff_test.c — the ISO-BMFF half of the c2pa module on
 * hand-made files: a small AVIF (ftyp, meta with hdlr/pitm/iloc,
 * mdat) is signed, and then: the C2PA 'uuid' box sits right after
 * ftyp, iloc points at the same image bytes as before, our validator
 * says assertion.bmffHash.match / Valid; a flipped image byte, a
 * changed iloc offset or a moved box are assertion.bmffHash.mismatch;
 * broken uuid boxes get messages naming the box; the hash itself
 * (offset || data, whole-box and subset exclusions) equals one
 * computed here by hand; xpaths outside the spec's syntax are refused.
 * The reference validator's verdict on real AVIFs is
 * tests/c2pa_sign.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/sha.h>

#include "c2pa/bmff_internal.h"

/* ---- building files ---- */

struct fb {
    uint8_t b[4096];
    size_t n;
};

static void put(struct fb *f, const void *p, size_t n)
{
    assert_true(f->n + n <= sizeof f->b);
    memcpy(f->b + f->n, p, n);
    f->n += n;
}

static void put32(struct fb *f, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    put(f, x, 4);
}

static void put16(struct fb *f, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)(v >> 8), (uint8_t)v};
    put(f, x, 2);
}

static size_t open_box(struct fb *f, const char *type)
{
    size_t at = f->n;
    put32(f, 0);
    put(f, type, 4);
    return at;
}

static void close_box(struct fb *f, size_t at)
{
    uint32_t n = (uint32_t)(f->n - at);
    f->b[at] = (uint8_t)(n >> 24);
    f->b[at + 1] = (uint8_t)(n >> 16);
    f->b[at + 2] = (uint8_t)(n >> 8);
    f->b[at + 3] = (uint8_t)n;
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static const uint8_t image_bytes[] = "not really AV1, but 32 bytes.!!";

/* ftyp avif; meta {hdlr pict, pitm 1, iloc v0 (4-byte offsets, one
 * item, one extent into mdat)}; mdat. *iloc_off: where the extent
 * offset field is. */
static void make_avif(struct fb *f, size_t *iloc_off)
{
    memset(f, 0, sizeof *f);
    size_t at = open_box(f, "ftyp");
    put(f, "avif", 4);
    put32(f, 0);
    put(f, "avifmif1miaf", 12);
    close_box(f, at);
    size_t meta = open_box(f, "meta");
    put32(f, 0);
    at = open_box(f, "hdlr");
    put32(f, 0);
    put32(f, 0);
    put(f, "pict", 4);
    put32(f, 0);
    put32(f, 0);
    put32(f, 0);
    put(f, "", 1);
    close_box(f, at);
    at = open_box(f, "pitm");
    put32(f, 0);
    put16(f, 1);
    close_box(f, at);
    at = open_box(f, "iloc");
    put32(f, 0);           /* version 0 */
    put(f, "\x44\x00", 2); /* offset 4, length 4, base 0 */
    put16(f, 1);
    put16(f, 1); /* item 1 */
    put16(f, 0); /* data reference */
    put16(f, 1); /* one extent */
    *iloc_off = f->n;
    put32(f, 0); /* patched below */
    put32(f, sizeof image_bytes);
    close_box(f, at);
    close_box(f, meta);
    at = open_box(f, "mdat");
    uint32_t data_at = (uint32_t)f->n;
    put(f, image_bytes, sizeof image_bytes);
    close_box(f, at);
    f->b[*iloc_off] = (uint8_t)(data_at >> 24);
    f->b[*iloc_off + 1] = (uint8_t)(data_at >> 16);
    f->b[*iloc_off + 2] = (uint8_t)(data_at >> 8);
    f->b[*iloc_off + 3] = (uint8_t)data_at;
}

/* ---- a signer ---- */

static char keydir[64];
static struct c2pa_signer *signer;

static int setup(void **state)
{
    (void)state;
    struct diag d;
    char tmpl[] = "/tmp/ts-bmff-test-XXXXXX";
    if (!mkdtemp(tmpl))
        return -1;
    snprintf(keydir, sizeof keydir, "%s/keys", tmpl);
    if (c2pa_keygen(keydir, &d) != ST_OK || c2pa_signer_load(keydir, &signer, &d) != ST_OK)
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[200];
    c2pa_signer_free(signer);
    /* keydir is <tmp>/keys: remove the whole temporary folder */
    snprintf(cmd, sizeof cmd, "rm -rf '%.*s'", (int)(strlen(keydir) - 5), keydir);
    return system(cmd) == 0 ? 0 : -1;
}

static uint8_t *sign_avif(const struct fb *f, size_t *len, enum status *st_out)
{
    struct diag d;
    uint8_t *out = NULL;
    static const uint8_t original[] = "\xFF\xD8\xFF\xD9";
    struct c2pa_sign_input in = {
        .original = span_make(original, 4),
        .original_title = "kim-01.jpg",
        .original_format = "image/jpeg",
        .asset = span_make(f->b, f->n),
        .title = "kim-01.abc-480.avif",
        .generator_name = "tearsheet",
        .generator_version = "test",
    };
    *st_out = c2pa_sign(signer, &in, &out, len, &d);
    if (*st_out != ST_OK)
        print_message("sign: %s\n", d.message);
    return out;
}

static bool has_code(const struct c2pa_status_list *l, const char *code)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->items[i].code, code) == 0)
            return true;
    return false;
}

static void verify(const uint8_t *p, size_t n, struct c2pa_report *r)
{
    struct diag d;
    assert_int_equal(c2pa_verify(span_make(p, n), "x.avif", NULL, r, &d), ST_OK);
}

/* ---- tests ---- */

static void signed_avif_validates_and_keeps_its_image(void **state)
{
    (void)state;
    struct fb f;
    size_t iloc_off = 0, len = 0;
    enum status st;
    make_avif(&f, &iloc_off);
    uint8_t *out = sign_avif(&f, &len, &st);
    assert_int_equal(st, ST_OK);
    /* A.5.3: the C2PA box right after ftyp */
    uint32_t ftyp = be32(f.b);
    assert_memory_equal(out, f.b, ftyp);
    assert_memory_equal(out + ftyp + 4, "uuid", 4);
    assert_memory_equal(out + ftyp + 8, c2pa_bmff_uuid, 16);
    assert_memory_equal(out + ftyp + 28, "manifest", 9);
    uint32_t box = be32(out + ftyp);
    assert_int_equal(len, f.n + box);
    /* iloc still finds the image bytes */
    uint32_t was = be32(f.b + iloc_off), now = be32(out + iloc_off + box);
    assert_int_equal(now, was + box);
    assert_memory_equal(out + now, image_bytes, sizeof image_bytes);

    struct c2pa_report r;
    verify(out, len, &r);
    assert_true(r.has_manifest);
    assert_string_equal(r.format, "image/avif");
    assert_true(has_code(&r.active.success, "assertion.bmffHash.match"));
    assert_true(has_code(&r.active.success, "claimSignature.validated"));
    for (size_t i = 0; i < r.active.failure.n; i++)
        assert_string_equal(r.active.failure.items[i].code, "signingCredential.untrusted");
    assert_int_equal(r.state, C2PA_STATE_VALID);
    assert_false(r.summary.altered);
    c2pa_report_free(&r);

    /* signing twice is refused */
    struct fb again;
    assert_true(len <= sizeof again.b);
    memcpy(again.b, out, len);
    again.n = len;
    uint8_t *twice = sign_avif(&again, &len, &st);
    assert_int_equal(st, ST_UNSUPPORTED);
    assert_null(twice);
    free(out);
}

static void changes_are_bmff_hash_mismatch(void **state)
{
    (void)state;
    struct fb f;
    size_t iloc_off = 0, len = 0;
    enum status st;
    make_avif(&f, &iloc_off);
    uint8_t *out = sign_avif(&f, &len, &st);
    assert_int_equal(st, ST_OK);
    uint32_t box = be32(out + be32(out));
    size_t pokes[3] = {len - 3,            /* an image byte in mdat */
                       iloc_off + box + 3, /* where iloc says the image is */
                       (size_t)be32(out) + box + 12 /* inside meta's hdlr */};
    for (size_t i = 0; i < 3; i++) {
        struct c2pa_report r;
        out[pokes[i]] ^= 1;
        verify(out, len, &r);
        assert_true(has_code(&r.active.failure, "assertion.bmffHash.mismatch"));
        assert_int_equal(r.state, C2PA_STATE_INVALID);
        assert_true(r.summary.altered);
        c2pa_report_free(&r);
        out[pokes[i]] ^= 1;
    }
    /* ftyp is excluded (brands may be rewritten), so changing a
     * compatible brand keeps the hash */
    struct c2pa_report r;
    out[20] ^= 0x20;
    verify(out, len, &r);
    assert_true(has_code(&r.active.success, "assertion.bmffHash.match"));
    c2pa_report_free(&r);
    out[20] ^= 0x20;
    free(out);
}

static void malformed_uuid_boxes_say_what_is_wrong(void **state)
{
    (void)state;
    static const struct {
        const char *payload; /* after the extended type */
        size_t n;
        const char *words;
    } cases[] = {
        {"\0\0", 2, "no version and flags"},
        {"\0\0\0\0manifestmanifestmanifestmanifestmanifest", 44, "box_purpose"},
        {"\0\0\0\0manifest\0\0\0\0", 17, "merkle offset"},
        {"\0\0\0\0manifest\0\0\0\0\0\0\0\0\0\0\0\x10zzzzzzzzzzzz", 37, "JUMBF"},
        {"\1\0\0\0manifest\0", 13, "version 1"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct fb f;
        size_t iloc = 0;
        make_avif(&f, &iloc);
        struct fb g = {.n = 0};
        uint32_t ftyp = be32(f.b);
        put(&g, f.b, ftyp);
        size_t at = open_box(&g, "uuid");
        put(&g, c2pa_bmff_uuid, 16);
        put(&g, cases[i].payload, cases[i].n);
        close_box(&g, at);
        put(&g, f.b + ftyp, f.n - ftyp);
        struct c2pa_report r;
        verify(g.b, g.n, &r);
        assert_false(r.has_manifest);
        assert_true(r.unreadable);
        assert_non_null(r.error);
        assert_non_null(strstr(r.error, "C2PA uuid box"));
        if (!strstr(r.error, cases[i].words))
            fail_msg("case %zu: '%s' lacks '%s'", i, r.error, cases[i].words);
        c2pa_report_free(&r);
    }
    /* a box cut short by the end of the file */
    struct fb f;
    size_t iloc = 0;
    make_avif(&f, &iloc);
    uint32_t ftyp = be32(f.b);
    struct fb g = {.n = 0};
    put(&g, f.b, ftyp);
    put32(&g, 4000);
    put(&g, "uuid", 4);
    put(&g, c2pa_bmff_uuid, 16);
    struct c2pa_report r;
    verify(g.b, g.n, &r);
    assert_false(r.has_manifest);
    assert_non_null(strstr(r.error, "uuid"));
    c2pa_report_free(&r);
    /* no C2PA box at all */
    verify(f.b, f.n, &r);
    assert_false(r.has_manifest);
    assert_false(r.unreadable);
    assert_string_equal(r.error, "no content credentials");
    assert_string_equal(r.format, "image/avif");
    c2pa_report_free(&r);
}

static void video_is_not_signed(void **state)
{
    (void)state;
    struct fb f;
    size_t iloc = 0, len = 0;
    enum status st;
    make_avif(&f, &iloc);
    size_t at = open_box(&f, "moov");
    put32(&f, 0);
    close_box(&f, at);
    uint8_t *out = sign_avif(&f, &len, &st);
    assert_int_equal(st, ST_UNSUPPORTED);
    assert_null(out);
}

static void hash_is_offset_then_data_around_exclusions(void **state)
{
    (void)state;
    /* ftyp(16) free(12) mdat(16) */
    struct fb f = {.n = 0};
    size_t at = open_box(&f, "ftyp");
    put(&f, "avif\0\0\0\0", 8);
    close_box(&f, at);
    at = open_box(&f, "free");
    put(&f, "abcd", 4);
    close_box(&f, at);
    at = open_box(&f, "mdat");
    put(&f, "01234567", 8);
    close_box(&f, at);
    struct c2pa_bmff_excl ex[2];
    memset(ex, 0, sizeof ex);
    assert_true(c2pa_bmff_xpath("/ftyp", &ex[0]));
    assert_true(c2pa_bmff_xpath("/mdat[1]", &ex[1]));
    ex[1].n_subset = 1; /* bytes 10..13 of mdat */
    ex[1].subset[0].offset = 10;
    ex[1].subset[0].length = 3;
    uint8_t got[64], want[32];
    unsigned n = 0;
    struct diag d;
    assert_int_equal(c2pa_bmff_hash(span_make(f.b, f.n), ex, 2, 2, EVP_sha256(), got, &n, &d),
                     ST_OK);
    static const uint8_t off16[8] = {0, 0, 0, 0, 0, 0, 0, 16}, off28[8] = {0, 0, 0, 0, 0, 0, 0, 28};
    uint8_t in[64];
    memcpy(in, off16, 8);
    memcpy(in + 8, f.b + 16, 12);
    memcpy(in + 20, off28, 8);
    memcpy(in + 28, f.b + 28, 10);
    memcpy(in + 38, f.b + 41, 3);
    SHA256(in, 41, want);
    assert_int_equal(n, 32);
    assert_memory_equal(got, want, 32);
    /* version 1: no offsets */
    assert_int_equal(c2pa_bmff_hash(span_make(f.b, f.n), ex, 2, 1, EVP_sha256(), got, &n, &d),
                     ST_OK);
    memcpy(in, f.b + 16, 22);
    memcpy(in + 22, f.b + 41, 3);
    SHA256(in, 25, want);
    assert_memory_equal(got, want, 32);
    /* a file that is not a sequence of boxes cannot be hashed */
    f.b[16 + 3] = 200;
    assert_int_not_equal(c2pa_bmff_hash(span_make(f.b, f.n), ex, 2, 2, EVP_sha256(), got, &n, &d),
                         ST_OK);
}

/* 8-byte 'free' boxes, n of them. */
static uint8_t *free_boxes(size_t n)
{
    uint8_t *p = calloc(n, 8);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) {
        p[i * 8 + 3] = 8;
        memcpy(p + i * 8 + 4, "free", 4);
    }
    return p;
}

static void box_count_is_capped_and_work_linear(void **state)
{
    (void)state;
    struct c2pa_bmff_excl ex;
    uint8_t dg[64];
    unsigned n = 0;
    struct diag d;
    memset(&ex, 0, sizeof ex);
    assert_true(c2pa_bmff_xpath("/free", &ex));
    /* every one of 100000 top-level boxes excluded: one walk, not one
     * walk per match */
    size_t many = 100000;
    uint8_t *p = free_boxes(many);
    assert_int_equal(c2pa_bmff_hash(span_make(p, many * 8), &ex, 1, 2, EVP_sha256(), dg, &n, &d),
                     ST_OK);
    free(p);
    many = (size_t)TS_LIMIT_BMFF_HASH_BOXES + 1;
    p = free_boxes(many);
    assert_int_equal(c2pa_bmff_hash(span_make(p, many * 8), &ex, 1, 2, EVP_sha256(), dg, &n, &d),
                     ST_LIMIT);
    free(p);
}

static void xpath_syntax_is_the_strict_subset(void **state)
{
    (void)state;
    struct c2pa_bmff_excl e;
    assert_true(c2pa_bmff_xpath("/moov[1]/pssh", &e));
    assert_int_equal(e.depth, 2);
    assert_int_equal(e.index[0], 1);
    assert_int_equal(e.index[1], 0);
    assert_true(c2pa_bmff_xpath("/url ", &e));
    const char *bad[] = {"",
                         "uuid",
                         "//uuid",
                         "/uui",
                         "/uuid[0]",
                         "/uuid[01]",
                         "/uuid[]",
                         "/uuid/",
                         "/uuid[1]x",
                         "/uuid[99999999999]",
                         "/aaaa/bbbb/cccc/dddd/eeee/ffff/gggg/hhhh/iiii"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (c2pa_bmff_xpath(bad[i], &e))
            fail_msg("accepted '%s'", bad[i]);
    assert_false(c2pa_bmff_xpath(NULL, &e));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(signed_avif_validates_and_keeps_its_image),
        cmocka_unit_test(changes_are_bmff_hash_mismatch),
        cmocka_unit_test(malformed_uuid_boxes_say_what_is_wrong),
        cmocka_unit_test(video_is_not_signed),
        cmocka_unit_test(hash_is_offset_then_data_around_exclusions),
        cmocka_unit_test(box_count_is_capped_and_work_linear),
        cmocka_unit_test(xpath_syntax_is_the_strict_subset),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
