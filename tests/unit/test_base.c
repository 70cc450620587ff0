/* test_base.c — cursor bounds, capped buffers, UTF-8, diagnostics, files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"

static void cursor_stops_at_end_and_does_not_move_on_failure(void **state)
{
    const uint8_t bytes[] = {0x12, 0x34, 0x56};
    struct cursor c;
    cursor_init(&c, span_make(bytes, sizeof bytes));
    uint16_t v16;
    uint32_t v32;
    assert_true(cursor_u16be(&c, &v16));
    assert_int_equal(v16, 0x1234);
    assert_false(cursor_u32be(&c, &v32)); /* only one byte left */
    assert_int_equal(c.pos, 2);           /* failed read did not advance */
    assert_false(cursor_u16le(&c, &v16));
    uint8_t v8;
    assert_true(cursor_u8(&c, &v8));
    assert_int_equal(v8, 0x56);
    assert_false(cursor_u8(&c, &v8));
}

/* ISO-BMFF's iloc field widths: 0, 4 or 8 bytes, nothing else. */
static void cursor_uint_be_reads_0_4_or_8_bytes(void **state)
{
    (void)state;
    const uint8_t bytes[] = {0, 0, 0, 7, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    struct cursor c;
    cursor_init(&c, span_make(bytes, sizeof bytes));
    uint64_t v = 99;
    assert_true(cursor_uint_be(&c, 0, &v));
    assert_int_equal(v, 0);
    assert_int_equal(c.pos, 0);
    assert_true(cursor_uint_be(&c, 4, &v));
    assert_int_equal(v, 7);
    assert_true(cursor_uint_be(&c, 8, &v));
    assert_true(v == 0x0102030405060708ULL);
    assert_false(cursor_uint_be(&c, 2, &v)); /* not a width iloc allows */
    assert_false(cursor_uint_be(&c, 4, &v)); /* one byte left */
    assert_int_equal(c.pos, 12);
}

static void span_sub_refuses_overflowing_ranges(void **state)
{
    const uint8_t bytes[8] = {0};
    struct span s = span_make(bytes, sizeof bytes), out;
    assert_true(span_sub(s, 8, 0, &out));
    assert_false(span_sub(s, 9, 0, &out));
    assert_false(span_sub(s, 4, SIZE_MAX, &out)); /* off + len wraps */
    assert_false(span_sub(s, SIZE_MAX, 1, &out));
    uint32_t v;
    assert_false(span_u32(s, 5, true, &v));
    assert_true(span_u32(s, 4, true, &v));
}

static void buf_refuses_to_grow_past_its_maximum(void **state)
{
    struct buf b;
    buf_init(&b, 10);
    assert_int_equal(buf_puts(&b, "0123456789"), ST_OK);
    assert_int_equal(buf_putc(&b, 'x'), ST_LIMIT);
    assert_int_equal(b.len, 10);
    assert_string_equal(b.data, "0123456789"); /* old contents kept */
    buf_reset(&b);
    assert_int_equal(buf_printf(&b, "%d-%s", 42, "ab"), ST_OK);
    assert_string_equal(b.data, "42-ab");
    buf_free(&b);
}

/* SIZE_MAX means "no limit of its own": max + 1 must not wrap the
 * capacity to 0 and let an append write past the allocation (ASan) */
static void buf_without_a_limit_grows(void **state)
{
    struct buf b;
    buf_init(&b, SIZE_MAX);
    for (int i = 0; i < 1000; i++)
        assert_int_equal(buf_puts(&b, "0123456789"), ST_OK);
    assert_int_equal(b.len, 10000);
    assert_true(b.cap > b.len);
    assert_int_equal(b.data[b.len], '\0');
    buf_free(&b);
}

static void utf8_validation_follows_rfc3629(void **state)
{
    assert_true(utf8_valid((const uint8_t *)"caf\xc3\xa9 \xea\xb9\x80", 9));
    assert_false(utf8_valid((const uint8_t *)"\xc0\xaf", 2));         /* overlong '/' */
    assert_false(utf8_valid((const uint8_t *)"\xed\xa0\x80", 3));     /* surrogate */
    assert_false(utf8_valid((const uint8_t *)"\xf4\x90\x80\x80", 4)); /* > U+10FFFF */
    assert_false(utf8_valid((const uint8_t *)"\xe2\x82", 2));         /* cut short */
    /* 김 is 3 bytes: clipping to 4 bytes keeps one code point, not 1.3 */
    const uint8_t kk[] = "\xea\xb9\x80\xea\xb9\x80";
    assert_int_equal(utf8_clip(kk, 6, 4), 3);
    assert_int_equal(utf8_clip(kk, 6, 6), 6);
}

static void diag_names_file_line_offset_and_field(void **state)
{
    struct diag d;
    diag_clear(&d);
    diag_set_file(&d, "kim-01.jpg");
    assert_int_equal(diag_set(&d, ST_TRUNCATED, "IPTC 2:120", 1234, "dataset runs past %s", "APP13"),
                     ST_TRUNCATED);
    char line[1024];
    diag_format(&d, line, sizeof line);
    assert_string_equal(line, "kim-01.jpg: byte 1234: IPTC 2:120: dataset runs past APP13");
}

static void files_are_written_atomically_and_read_with_a_cap(void **state)
{
    char dir[] = "/tmp/ts-base-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char sub[256], path[300];
    snprintf(sub, sizeof sub, "%s/a/b", dir);
    struct diag d;
    diag_clear(&d);
    assert_int_equal(file_mkdirs(sub, &d), ST_OK);
    assert_true(path_join(path, sizeof path, sub, "f.txt"));
    assert_int_equal(file_write_atomic(path, "hello", 5, &d), ST_OK);
    uint8_t *data;
    size_t len;
    assert_int_equal(file_read_all(path, 100, &data, &len, &d), ST_OK);
    assert_int_equal(len, 5);
    assert_memory_equal(data, "hello", 5);
    free(data);
    assert_int_equal(file_read_all(path, 4, &data, &len, &d), ST_LIMIT);
    assert_null(data);
    char missing[300];
    snprintf(missing, sizeof missing, "%s/nope", dir);
    assert_int_equal(file_read_all(missing, 4, &data, &len, &d), ST_NOT_FOUND);
    char msg[1024];
    diag_format(&d, msg, sizeof msg);
    assert_non_null(strstr(msg, "nope"));
    /* mapped: the same bytes and the same cap; a file replaced by
     * rename leaves a mapping of the old one whole (why the .tearsheet
     * line files may be mapped); an empty file is an empty span */
    const uint8_t *map;
    struct stat sb;
    assert_int_equal(file_map_read(path, 4, &map, &len, &sb, &d), ST_LIMIT);
    assert_null(map);
    assert_int_equal(file_map_read(missing, 100, &map, &len, &sb, &d), ST_NOT_FOUND);
    assert_int_equal(file_map_read(path, 100, &map, &len, &sb, &d), ST_OK);
    assert_int_equal(len, 5);
    assert_int_equal(sb.st_size, 5);
    assert_int_equal(file_write_atomic(path, "", 0, &d), ST_OK);
    assert_memory_equal(map, "hello", 5);
    file_unmap(map, len);
    assert_int_equal(file_map_read(path, 100, &map, &len, &sb, &d), ST_OK);
    assert_non_null(map);
    assert_int_equal(len, 0);
    file_unmap(map, len);
    unlink(path);
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    assert_int_equal(system(cmd), 0);
}

/* One decoder for the whole program: "&aacute;" must read "á" in a
 * figure's alt text and on the cover alike. */
static void entities_decode_with_the_one_table(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 64);
    assert_int_equal(entity_put(&b, "&aacute;", 8), ST_OK);
    assert_int_equal(entity_put(&b, "&#233;", 6), ST_OK);
    assert_int_equal(entity_put(&b, "&#x1F4F7;", 9), ST_OK);
    assert_int_equal(entity_put(&b, "&mdash;", 7), ST_OK);
    assert_int_equal(entity_put(&b, "&bogus;", 7), ST_OK); /* unknown: kept */
    assert_int_equal(entity_put(&b, "&#0;", 4), ST_OK);     /* NUL: U+FFFD */
    assert_int_equal(entity_put(&b, "&#xD800;", 8), ST_OK); /* surrogate: U+FFFD */
    assert_int_equal(entity_put(&b, "&#99999999;", 11), ST_OK);
    assert_int_equal(buf_putc(&b, '\0'), ST_OK);
    assert_string_equal(b.data, "á\xC3\xA9\xF0\x9F\x93\xB7\xE2\x80\x94&bogus;"
                                "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    uint32_t cp = 0;
    assert_false(entity_codepoint("&#;", 3, &cp));
    assert_false(entity_codepoint("&amp", 4, &cp));
    assert_true(entity_codepoint("&yuml;", 6, &cp));
    assert_int_equal(cp, 0xFF);
    buf_free(&b);
}

/* dynlib: libc (in every process) bound for abort, and for a function
 * it lacks when `missing` is set. */
static bool missing;
static void (*libc_abort)(void);
static bool bind_libc(const struct dynlib *l, void *h, struct diag *d)
{
    void (*fn)(void) = NULL;
    return dynlib_bind(l, h, "abort", (void **)&libc_abort, d) &&
           (!missing || dynlib_bind(l, h, "curl_easy_init", (void **)&fn, d));
}

/* A library that is not installed: the message names it, its Debian
 * package and what needed it, for the person who must install it; one
 * that is but lacks a function: both named; the first answer stands. */
static void dynlib_names_library_package_and_purpose(void **state)
{
    (void)state;
    struct diag d;
    diag_clear(&d);
    struct dynlib absent = DYNLIB_INIT("libtearsheet-absent.so.9", "libtearsheet-absent9",
                                       "the absent test", bind_libc);
    assert_false(dynlib_load(&absent, "field", &d));
    assert_int_equal(d.status, ST_NOT_FOUND);
    assert_string_equal(d.field, "field");
    assert_non_null(strstr(d.message, "the absent test needs libtearsheet-absent.so.9 (Debian "
                                      "package libtearsheet-absent9)"));

    missing = true;
    struct dynlib lacking = DYNLIB_INIT("libc.so.6", "libc6", "the lacking test", bind_libc);
    diag_clear(&d);
    assert_false(dynlib_load(&lacking, "field", &d));
    assert_int_equal(d.status, ST_NOT_FOUND);
    assert_non_null(strstr(d.message, "libc.so.6 has no curl_easy_init"));
    assert_non_null(strstr(d.message, "Debian package libc6"));

    missing = false;
    struct dynlib present = DYNLIB_INIT("libc.so.6", "libc6", "the present test", bind_libc);
    diag_clear(&d);
    assert_true(dynlib_load(&present, "field", &d));
    assert_int_equal(d.status, ST_OK);
    assert_ptr_equal(libc_abort, (void (*)(void))abort);
    missing = true; /* tried once: not bound again */
    assert_true(dynlib_load(&present, "field", &d));
    assert_false(dynlib_load(&lacking, "field", &d));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cursor_stops_at_end_and_does_not_move_on_failure),
        cmocka_unit_test(cursor_uint_be_reads_0_4_or_8_bytes),
        cmocka_unit_test(span_sub_refuses_overflowing_ranges),
        cmocka_unit_test(buf_refuses_to_grow_past_its_maximum),
        cmocka_unit_test(buf_without_a_limit_grows),
        cmocka_unit_test(utf8_validation_follows_rfc3629),
        cmocka_unit_test(diag_names_file_line_offset_and_field),
        cmocka_unit_test(files_are_written_atomically_and_read_with_a_cap),
        cmocka_unit_test(entities_decode_with_the_one_table),
        cmocka_unit_test(dynlib_names_library_package_and_purpose),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
