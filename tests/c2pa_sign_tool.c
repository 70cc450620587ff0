/*
 * c2pa_sign_tool.c — a test driver for the signer (not installed):
 *   c2pa_sign_tool KEYDIR ORIGINAL DERIVATIVE OUT
 * signs DERIVATIVE (JPEG or WebP) as made from ORIGINAL (whose own
 * manifest store, if any, is carried along) and writes OUT. Used by
 * tests/c2pa_sign.sh to hand real files to the reference validator.
 *
 * Must never: be linked into tearsheet itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c2pa/c2pa_sign.h"
#include "container/container.h"

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static const char *mime_of(struct span f)
{
    if (container_is_jpeg(f))
        return "image/jpeg";
    if (container_is_webp(f))
        return "image/webp";
    if (container_is_png(f))
        return "image/png";
    if (container_is_tiff(f))
        return "image/tiff";
    return "application/octet-stream";
}

int main(int argc, char **argv)
{
    int rc = 1;
    struct diag d;
    struct c2pa_signer *s = NULL;
    uint8_t *orig = NULL, *deriv = NULL, *store = NULL, *out = NULL;
    size_t orig_len = 0, deriv_len = 0, store_len = 0, out_len = 0;
    diag_clear(&d);
    if (argc != 5) {
        fprintf(stderr, "usage: c2pa_sign_tool KEYDIR ORIGINAL DERIVATIVE OUT\n");
        return 2;
    }
    if (c2pa_signer_load(argv[1], &s, &d) != ST_OK ||
        file_read_all(argv[2], TS_LIMIT_PHOTO_BYTES, &orig, &orig_len, &d) != ST_OK ||
        file_read_all(argv[3], TS_LIMIT_PHOTO_BYTES, &deriv, &deriv_len, &d) != ST_OK)
        goto abort;
    enum status st = c2pa_sign_find_store(span_make(orig, orig_len), &store, &store_len, &d);
    if (st != ST_OK && st != ST_NOT_FOUND)
        goto abort;
    struct c2pa_sign_input in = {
        .original = span_make(orig, orig_len),
        .original_title = base_name(argv[2]),
        .original_format = mime_of(span_make(orig, orig_len)),
        .original_store = span_make(store, store_len),
        .asset = span_make(deriv, deriv_len),
        .title = base_name(argv[4]),
        .generator_name = "tearsheet",
        .generator_version = TS_VERSION,
    };
    if (c2pa_sign(s, &in, &out, &out_len, &d) != ST_OK ||
        file_write_atomic(argv[4], out, out_len, &d) != ST_OK)
        goto abort;
    rc = 0;
abort:
    if (rc)
        log_diag(LOG_ERROR, &d);
    free(orig);
    free(deriv);
    free(store);
    free(out);
    c2pa_signer_free(s);
    return rc;
}
