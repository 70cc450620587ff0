/*
 * compressed.c — compressed manifests: a c2cm superbox whose brob box
 * holds the Brotli-compressed bytes of a whole standard or update
 * manifest. Decompresses each one (libbrotlidec) and hands the bytes to
 * jumbf_graft, so the validator sees an ordinary manifest.
 *
 * Must never: decompress more than TS_LIMIT_C2PA_MANIFEST_BYTES for one
 * manifest or TS_LIMIT_C2PA_STORE_BYTES for a store (Brotli bombs),
 * accept trailing bytes after the Brotli stream, or expand anything but
 * a top-level manifest of the store (no recursion).
 *
 * Specs: C2PA 2.2 §11.1.3.2 (brob box), §11.2.4 (compressed manifests:
 * type c2cm, same label, the brob content is the compressed manifest
 * superbox), §15.5.4 (decompression; manifest.compressed.invalid).
 * ISO/IEC 18181-2 (JPEG XL brob: a 4-byte box type, then the box's
 * compressed contents) is accepted too: a brob that starts with "jumb"
 * is read that way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <brotli/decode.h>

#include "c2pa/c2pa_internal.h"

/* Decompresses `in` into b (capped by b's maximum). ST_LIMIT when the
 * output would pass it, ST_MALFORMED for a bad or unfinished stream. */
static enum status brotli_inflate(struct span in, struct buf *b, struct diag *d, size_t at)
{
    enum status st = ST_OK;
    uint8_t out[1 << 16];
    const uint8_t *next_in = in.ptr;
    size_t avail_in = in.len;
    BrotliDecoderState *s = BrotliDecoderCreateInstance(NULL, NULL, NULL);
    if (!s)
        return ST_NOMEM;
    for (;;) {
        uint8_t *next_out = out;
        size_t avail_out = sizeof out;
        BrotliDecoderResult r =
            BrotliDecoderDecompressStream(s, &avail_in, &next_in, &avail_out, &next_out, NULL);
        size_t got = sizeof out - avail_out;
        if (got && (st = buf_append(b, out, got)) != ST_OK) {
            if (st != ST_NOMEM)
                st = diag_set(d, ST_LIMIT, "brob box", at, "decompresses to more than %zu bytes",
                              b->max);
            goto abort;
        }
        if (r == BROTLI_DECODER_RESULT_SUCCESS) {
            if (avail_in != 0)
                st = diag_set(d, ST_MALFORMED, "brob box", at,
                              "%zu bytes after the end of the Brotli stream", avail_in);
            goto abort;
        }
        if (r == BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT)
            continue;
        st = diag_set(d, ST_MALFORMED, "brob box", at, "%s",
                      r == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT
                          ? "the Brotli stream is cut short"
                          : BrotliDecoderErrorString(BrotliDecoderGetErrorCode(s)));
        goto abort;
    }
abort:
    BrotliDecoderDestroyInstance(s);
    return st;
}

/* One c2cm manifest: ST_OK when grafted, ST_NOMEM, or another status
 * with the reason in d (the manifest then stays c2cm). */
static enum status expand_one(struct c2pa_jumbf *j, size_t node, struct diag *d)
{
    enum status st = ST_OK;
    struct buf b;
    size_t room = TS_LIMIT_C2PA_STORE_BYTES - j->expanded_bytes;
    buf_init(&b, room < TS_LIMIT_C2PA_MANIFEST_BYTES ? room : TS_LIMIT_C2PA_MANIFEST_BYTES);
    size_t brob = jumbf_content(j, node);
    if (brob == JUMBF_NONE || strcmp(j->nodes[brob].type, "brob") != 0 ||
        jumbf_next_content(j, brob) != JUMBF_NONE) {
        st = diag_set(d, ST_MALFORMED, "c2cm box", j->nodes[node].offset,
                      "a compressed manifest must hold exactly one brob box");
        goto abort;
    }
    struct span p = j->nodes[brob].payload;
    bool jxl = span_starts_with(p, "jumb", 4);
    if (jxl) {
        /* JPEG XL form: the superbox header is not compressed */
        uint8_t hdr[8] = {0, 0, 0, 0, 'j', 'u', 'm', 'b'};
        buf_append(&b, hdr, sizeof hdr);
        p.ptr += 4;
        p.len -= 4;
    }
    if ((st = brotli_inflate(p, &b, d, j->nodes[brob].offset)) != ST_OK)
        goto abort;
    if (jxl) {
        if (b.len > UINT32_MAX) {
            st = diag_set(d, ST_LIMIT, "brob box", j->nodes[brob].offset, "manifest too large");
            goto abort;
        }
        uint8_t *h = (uint8_t *)b.data;
        h[0] = (uint8_t)(b.len >> 24);
        h[1] = (uint8_t)(b.len >> 16);
        h[2] = (uint8_t)(b.len >> 8);
        h[3] = (uint8_t)b.len;
    }
    j->expanded_bytes += b.len;
    size_t len = 0;
    uint8_t *bytes = (uint8_t *)buf_detach(&b, &len);
    if (!bytes) {
        st = ST_NOMEM;
        goto abort;
    }
    st = jumbf_graft(j, node, bytes, len, d);
abort:
    buf_free(&b);
    return st;
}

static enum status compressed_expand(struct c2pa_jumbf *j, struct diag *d)
{
    if (!j || j->n == 0)
        return ST_OK;
    for (size_t c = j->nodes[0].first_child; c != JUMBF_NONE; c = j->nodes[c].next_sibling) {
        if (strcmp(j->nodes[c].type, "jumb") != 0 || !jumbf_uuid_is(&j->nodes[c], "c2cm"))
            continue;
        struct diag why;
        diag_clear(&why);
        enum status st = expand_one(j, c, &why);
        if (st == ST_NOMEM)
            return diag_set(d, ST_NOMEM, "c2cm box", j->nodes[c].offset, "out of memory");
        if (st != ST_OK)
            diag_format(&why, j->compressed_error, sizeof j->compressed_error);
    }
    return ST_OK;
}

/* The store's tree with its compressed manifests expanded: defined here,
 * above jumbf.c, so that jumbf.c never calls back into this file (the
 * two used to call each other). */
enum status c2pa_jumbf_parse(struct span in, struct c2pa_jumbf **out, struct diag *d)
{
    enum status st = jumbf_parse_tree(in, out, d);
    if (st == ST_OK && (st = compressed_expand(*out, d)) != ST_OK) {
        c2pa_jumbf_free(*out);
        *out = NULL;
    }
    return st;
}
