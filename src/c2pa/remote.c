/*
 * remote.c — the URL of a remote manifest store: an asset without an
 * embedded store may name one in its XMP as dcterms:provenance (C2PA
 * 2.2 §11.3 "External manifests", §A.1 XMP), as c2pa-rs 0.92 reads it
 * when no store is embedded (sdk/src/store.rs: Error::RemoteManifestUrl
 * from the asset's XMP provenance, utils/xmp_inmemory_utils.rs). The
 * XMP packet is looked for in JPEG (APP1), PNG (uncompressed iTXt
 * "XML:com.adobe.xmp"), WebP ("XMP " chunk) and TIFF/DNG (tag 700).
 *
 * Only an http or https URL is a remote manifest (c2pa-rs
 * Store::is_valid_remote_url); "self#jumbf=..." in XMP points into an
 * embedded store and is not one.
 *
 * Must never: fetch anything (the caller decides, `verify --fetch`);
 * return a URL longer than TS_LIMIT_C2PA_URL or with characters that
 * are not printable ASCII; read past the packet.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "c2pa/c2pa_internal.h"
#include "container/container.h"

static const char prop[] = "dcterms:provenance";

static bool url_char(uint8_t ch)
{
    return ch > 0x20 && ch < 0x7F && ch != '"' && ch != '\'' && ch != '<' && ch != '>';
}

/* The value after `dcterms:provenance` at `at` in the packet: an
 * attribute (="..." or ='...') or an element's text (>...<). */
static char *value_at(struct span xmp, size_t at)
{
    struct cursor c;
    uint8_t ch = 0, end = 0;
    cursor_init(&c, xmp);
    if (!cursor_seek(&c, at + sizeof prop - 1))
        return NULL;
    while (cursor_u8(&c, &ch) && (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'))
        ;
    if (ch == '=') {
        while (cursor_u8(&c, &ch) && (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n'))
            ;
        if (ch != '"' && ch != '\'')
            return NULL;
        end = ch;
    } else if (ch == '>') {
        end = '<';
    } else {
        return NULL;
    }
    size_t start = c.pos, n = 0;
    while (cursor_u8(&c, &ch) && ch != end) {
        if (!url_char(ch) || ++n > TS_LIMIT_C2PA_URL)
            return NULL;
    }
    if (ch != end || n == 0)
        return NULL;
    struct span v;
    span_sub(xmp, start, n, &v);
    return str_ndup((const char *)v.ptr, v.len);
}

static char *provenance(struct span xmp)
{
    size_t n = sizeof prop - 1;
    for (size_t i = 0; xmp.len >= n && i <= xmp.len - n; i++) {
        struct span s;
        span_sub(xmp, i, n, &s);
        if (memcmp(s.ptr, prop, n) != 0)
            continue;
        char *u = value_at(xmp, i);
        if (u && (strncasecmp(u, "http://", 7) == 0 || strncasecmp(u, "https://", 8) == 0))
            return u;
        free(u);
    }
    return NULL;
}

/* PNG iTXt: keyword NUL, compression flag, method, language NUL,
 * translated keyword NUL, text (only uncompressed text is read). */
static struct span png_xmp(struct span asset)
{
    struct cursor c;
    struct container_png_chunk ch;
    struct diag d;
    if (container_png_begin(asset, &c, &d) != ST_OK)
        return span_make(NULL, 0);
    for (size_t k = 0; k < TS_LIMIT_FILE_CHUNKS && container_png_next(&c, &ch, &d) == ST_OK; k++) {
        static const char kw[] = "XML:com.adobe.xmp";
        if (strcmp(ch.type, "iTXt") != 0 || !span_starts_with(ch.data, kw, sizeof kw))
            continue;
        struct cursor t;
        uint8_t flag = 1, method = 0, b = 1;
        cursor_init(&t, ch.data);
        cursor_skip(&t, sizeof kw);
        if (!cursor_u8(&t, &flag) || !cursor_u8(&t, &method) || flag != 0)
            continue;
        for (int z = 0; z < 2; z++) /* language, translated keyword */
            while (cursor_u8(&t, &b) && b != 0)
                ;
        struct span text;
        span_sub(ch.data, t.pos, ch.data.len - t.pos, &text);
        return text;
    }
    return span_make(NULL, 0);
}

static struct span webp_xmp(struct span asset)
{
    struct cursor c;
    struct container_riff_chunk ch;
    struct diag d;
    if (container_riff_begin(asset, &c, &d) != ST_OK)
        return span_make(NULL, 0);
    for (size_t k = 0; k < TS_LIMIT_FILE_CHUNKS && container_riff_next(&c, &ch, &d) == ST_OK; k++)
        if (strcmp(ch.fourcc, "XMP ") == 0)
            return ch.data;
    return span_make(NULL, 0);
}

static enum status tiff_xmp_entry(void *ctx, struct container_tiff *t,
                                  const struct container_tiff_entry *e, int depth)
{
    struct span *out = ctx;
    (void)t;
    (void)depth;
    if (e->tag == 700 && e->value_ok && !out->ptr)
        *out = e->value;
    return ST_OK;
}

static struct span tiff_xmp(struct span asset)
{
    struct container_tiff t;
    struct diag d;
    struct span out = {0};
    if (container_tiff_open(asset, 0, &t, &d) == ST_OK)
        container_tiff_ifd(&t, t.ifd0, 0, tiff_xmp_entry, &out, NULL, &d);
    return out;
}

char *c2pa_remote_url(struct span asset)
{
    struct span xmp = {0};
    char *url = NULL;
    if (container_is_jpeg(asset)) {
        struct container_jpeg *jp = calloc(1, sizeof *jp);
        struct diag d;
        if (jp && container_jpeg_walk(asset, jp, &d) == ST_OK && jp->xmp.data.ptr)
            url = provenance(jp->xmp.data);
        free(jp);
        return url;
    }
    if (container_is_png(asset))
        xmp = png_xmp(asset);
    else if (container_is_webp(asset))
        xmp = webp_xmp(asset);
    else if (container_is_tiff(asset))
        xmp = tiff_xmp(asset);
    return xmp.ptr ? provenance(xmp) : NULL;
}
