/*
 * image.c — the derivative pipeline (DESIGN.md "Pipeline", "Privacy and
 * rights defaults for derivatives"): read the header, refuse what is
 * too large, decode once with JPEG shrink-on-load, convert to sRGB
 * 8-bit while decoding into memory, then for each width (largest
 * first, each from the one before) resample, turn upright, and encode
 * every format, embedding only the caller's blocks (embed.c).
 *
 * Must never: keep global mutable state (image_derive runs on several
 * threads at once), carry any metadata of the original into an output,
 * upscale, or leave an output — whole or partial — behind on failure.
 */
#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vips/vips.h>

#include "image/embed.h"
#include "image/image.h"

/* Most images a single derive holds at once (pipeline stages in one
 * pass); a fixed array keeps the one cleanup exit simple. */
#define STAGES 16

/* libvips warns through GLib ("error in tile 0 x 264") before it fails;
 * the failure reaches the user through the diag, so the warning is
 * detail for --verbose, not noise on every build. Stateless. */
static void vips_warning(const gchar *domain, GLogLevelFlags level, const gchar *msg, gpointer u)
{
    log_msg(LOG_DEBUG, "libvips: %s", msg);
}

enum status image_init(const char *argv0, int threads, struct diag *d)
{
    if (VIPS_INIT(argv0 ? argv0 : "tearsheet"))
        return diag_set(d, ST_INTERNAL, "libvips", DIAG_NO_OFFSET, "cannot start libvips: %s",
                        vips_error_buffer());
    /* Photos come from strangers: no PDF/SVG/ImageMagick/OpenSlide... */
    vips_block_untrusted_set(TRUE);
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING | G_LOG_LEVEL_MESSAGE, vips_warning, NULL);
    if (threads > 0)
        vips_concurrency_set(threads);
#ifdef __GLIBC__
    /* glibc raises its mmap threshold after every large free, so the
     * 10–30 MB pixel buffers of later photos come from the heap and the
     * per-thread arenas, where fragmentation keeps them: peak RSS grew
     * with the number of photos (327 MB for 24 photos, 144 MB for 2, on
     * 2 workers). A fixed threshold gives every large buffer its own
     * mapping, returned to the system when freed. */
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
    /* Each photo is decoded once; a cache would only hold memory. */
    vips_cache_set_max(0);
    vips_cache_set_max_mem(0);
    vips_cache_set_max_files(0);
    return ST_OK;
}

void image_shutdown(void)
{
    vips_shutdown();
}

/* ---- helpers -------------------------------------------------------- */

/* libvips keeps one error buffer for the process; take its text (the
 * last line is the most specific) and clear it. */
static void vips_reason(char *out, size_t outlen)
{
    char *all = vips_error_buffer_copy();
    const char *msg = all ? all : "";
    size_t n = strlen(msg);
    while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
        n--;
    size_t start = n;
    while (start > 0 && msg[start - 1] != '\n')
        start--;
    if (n == 0)
        snprintf(out, outlen, "libvips gave no reason");
    else
        snprintf(out, outlen, "%.*s", (int)(n - start), msg + start);
    g_free(all);
}

static enum status vips_fail(struct diag *d, enum status st, const char *field, const char *what)
{
    char why[384];
    vips_reason(why, sizeof why);
    return diag_set(d, st, field, DIAG_NO_OFFSET, "%s: %s", what, why);
}

static enum status validate_settings(const struct image_settings *s, struct diag *d)
{
    if (s->n_widths == 0 || s->n_widths > IMAGE_MAX_WIDTHS)
        return diag_set(d, ST_USAGE, "widths", DIAG_NO_OFFSET, "between 1 and %d widths, not %zu",
                        IMAGE_MAX_WIDTHS, s->n_widths);
    for (size_t i = 0; i < s->n_widths; i++)
        if (s->widths[i] < 16 || s->widths[i] > 16384)
            return diag_set(d, ST_USAGE, "widths", DIAG_NO_OFFSET, "width %u is outside 16..16384",
                            s->widths[i]);
    bool any = false;
    for (int f = 0; f < IMAGE_FORMAT_COUNT; f++)
        any |= s->formats[f];
    if (!any)
        return diag_set(d, ST_USAGE, "formats", DIAG_NO_OFFSET, "no output format enabled");
    if (s->jpeg_quality < 1 || s->jpeg_quality > 100 || s->webp_quality < 1 ||
        s->webp_quality > 100 || s->avif_quality < 1 || s->avif_quality > 100)
        return diag_set(d, ST_USAGE, "quality", DIAG_NO_OFFSET, "quality must be 1..100");
    if (s->webp_effort < 0 || s->webp_effort > 6 || s->avif_effort < 0 || s->avif_effort > 9)
        return diag_set(d, ST_USAGE, "effort", DIAG_NO_OFFSET,
                        "effort must be 0..6 for WebP and 0..9 for AVIF");
    return ST_OK;
}

/* The widths to make, largest first, without duplicates or upscaling;
 * one output at the photo's own width when it is narrower than all. */
static size_t plan_widths(const struct image_settings *s, unsigned upright_w,
                          unsigned out[IMAGE_MAX_WIDTHS])
{
    size_t n = 0;
    for (size_t i = 0; i < s->n_widths; i++) {
        unsigned w = s->widths[i];
        bool dup = false;
        for (size_t j = 0; j < n; j++)
            dup |= out[j] == w;
        if (!dup && w <= upright_w)
            out[n++] = w;
    }
    if (n == 0)
        out[n++] = upright_w;
    for (size_t i = 1; i < n; i++) /* insertion sort, descending */
        for (size_t j = i; j > 0 && out[j] > out[j - 1]; j--) {
            unsigned t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    return n;
}

/* Removes every metadata item so that nothing of the original can reach
 * an encoder (GPS, serials, maker notes, thumbnails, profiles). */
static void drop_metadata(VipsImage *im)
{
    gchar **names = vips_image_get_fields(im);
    for (gchar **p = names; p && *p; p++)
        vips_image_remove(im, *p);
    g_strfreev(names);
}

/*
 * To sRGB (or grey) 8-bit. The embedded profile wins; a profile lcms
 * cannot use is reported and the pixels are taken as sRGB, because a
 * slightly-off colour is better than a missing photo.
 */
static enum status to_srgb(VipsImage *in, VipsImage **out, const char *src, struct diag *d)
{
    VipsInterpretation kind = vips_image_guess_interpretation(in);
    bool grey = kind == VIPS_INTERPRETATION_B_W || kind == VIPS_INTERPRETATION_GREY16;
    *out = NULL;
    const void *icc = NULL;
    size_t icc_len = 0;
    if (!grey && vips_image_get_typeof(in, VIPS_META_ICC_NAME) &&
        vips_image_get_blob(in, VIPS_META_ICC_NAME, &icc, &icc_len) == 0) {
        /* libvips would fall back quietly on a corrupt profile; we check
         * first so the note names the photo. */
        if (vips_icc_is_compatible_profile(in, icc, icc_len) &&
            vips_icc_transform(in, out, "srgb", "embedded", TRUE, "intent", VIPS_INTENT_RELATIVE,
                               "depth", 8, NULL) == 0)
            return ST_OK;
        char why[384];
        vips_reason(why, sizeof why);
        log_msg(LOG_WARN,
                "%s: embedded ICC profile is corrupt or does not fit the pixels (%s); "
                "taking them as sRGB",
                src, why);
    }
    /* Grey stays grey: one channel is a third of the JPEG and black and
     * white is common in photojournalism. CMYK without a profile goes
     * through libvips's built-in CMYK profile. */
    VipsInterpretation want = grey ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB;
    if (vips_colourspace(in, out, want, NULL))
        return vips_fail(d, ST_UNSUPPORTED, "colour", "cannot convert to sRGB");
    return ST_OK;
}

/* to_srgb, then 8-bit: `*a` and `*b` keep the stages for the caller to
 * unref; `*out` is the last of them (borrowed). */
static enum status to_srgb8(VipsImage *in, VipsImage **a, VipsImage **b, VipsImage **out,
                            const char *src, struct diag *d)
{
    enum status st = to_srgb(in, a, src, d);
    if (st != ST_OK)
        return st;
    *out = *a;
    if ((*a)->BandFmt != VIPS_FORMAT_UCHAR) {
        if (vips_cast(*a, b, VIPS_FORMAT_UCHAR, NULL))
            return vips_fail(d, ST_INTERNAL, "colour", "cannot make 8-bit pixels");
        *out = *b;
    }
    return ST_OK;
}

/* Pixels into memory, where the decode really happens: a cut JPEG
 * ("Premature end", libjpeg's words) is ST_TRUNCATED. */
static enum status decode_to_memory(VipsImage *in, VipsImage **out, struct diag *d)
{
    if ((*out = vips_image_copy_memory(in)))
        return ST_OK;
    enum status st = vips_fail(d, ST_MALFORMED, "decode", "the photo cannot be decoded");
    if (strstr(d->message, "Premature end"))
        st = d->status = ST_TRUNCATED;
    return st;
}

static enum status write_output(const char *path, const void *data, size_t len, struct diag *d)
{
    struct diag wd;
    diag_clear(&wd);
    enum status st = file_write_atomic(path, data, len, &wd);
    if (st != ST_OK) /* keep the source photo as the diag's file */
        diag_set(d, st, "output", DIAG_NO_OFFSET, "%s: %s", path, wd.message);
    return st;
}

/*
 * libvips rebuilds EXIF on save from the exif-ifd* fields and drops
 * every tag of exif-data without a field, so exif-data alone comes out
 * empty. The fields are made the way libvips makes them: by loading
 * our block from a tiny JPEG we build in memory (header only). libexif
 * then re-serialises our tags plus the ones EXIF requires (version,
 * resolution, size); nothing of the original can be among them.
 */
static enum status avif_exif_fields(VipsImage *dst, struct span exif, struct diag *d)
{
    VipsImage *dot = NULL, *head = NULL;
    void *jpg = NULL;
    size_t jpg_len = 0;
    struct buf with;
    buf_init(&with, 0);
    enum status st = ST_OK;
    struct image_embed only = {.exif = exif};
    if (vips_black(&dot, 8, 8, "bands", 3, NULL) ||
        vips_jpegsave_buffer(dot, &jpg, &jpg_len, "strip", TRUE, NULL)) {
        st = vips_fail(d, ST_INTERNAL, "AVIF", "cannot prepare EXIF");
        goto abort;
    }
    if ((st = image_embed_jpeg(span_make(jpg, jpg_len), &only, &with, d)) != ST_OK)
        goto abort;
    if (!(head = vips_image_new_from_buffer(with.data, with.len, "", NULL))) {
        st = vips_fail(d, ST_MALFORMED, "EXIF", "libvips cannot read the EXIF block");
        goto abort;
    }
    gchar **names = vips_image_get_fields(head);
    for (gchar **p = names; p && *p; p++) {
        if (strncmp(*p, "exif-", 5) != 0)
            continue;
        GValue v = G_VALUE_INIT;
        if (vips_image_get(head, *p, &v) == 0) {
            vips_image_set(dst, *p, &v);
            g_value_unset(&v);
        }
    }
    g_strfreev(names);
abort:
    VIPS_UNREF(head); /* before the bytes it was read from */
    VIPS_UNREF(dot);
    buf_free(&with);
    g_free(jpg);
    return st;
}

/* Encodes one resized image in one format and writes it. */
static enum status encode(VipsImage *im, enum image_format f, const struct image_settings *s,
                          const struct image_embed *e, const char *path, size_t *bytes,
                          struct diag *d)
{
    void *enc = NULL;
    size_t enc_len = 0;
    VipsImage *t[2] = {NULL, NULL};
    struct buf withmeta;
    buf_init(&withmeta, 0);
    enum status st = ST_OK;
    const void *data;
    size_t len;
    bool has_meta = e && (e->exif.len || e->xmp.len || e->iptc.len);

    switch (f) {
    case IMAGE_JPEG:
        /* strip=TRUE: libvips writes no APP segment at all; ours follow.
         * Progressive: smaller above ~10 KB and shows a whole frame early
         * on slow links. Subsampling off only at q>=90 (libvips auto). */
        if (vips_jpegsave_buffer(im, &enc, &enc_len, "Q", s->jpeg_quality, "optimize_coding", TRUE,
                                 "interlace", TRUE, "strip", TRUE, "subsample_mode",
                                 VIPS_FOREIGN_SUBSAMPLE_AUTO, NULL)) {
            st = vips_fail(d, ST_INTERNAL, "JPEG", "encoding failed");
            goto abort;
        }
        break;
    case IMAGE_WEBP:
        if (vips_webpsave_buffer(im, &enc, &enc_len, "Q", s->webp_quality, "effort", s->webp_effort,
                                 "strip", TRUE, NULL)) {
            st = vips_fail(d, ST_INTERNAL, "WebP", "encoding failed");
            goto abort;
        }
        break;
    case IMAGE_AVIF:
        /* heifsave has no hook for raw blocks: with strip=FALSE it writes
         * xmp-data as given, and EXIF rebuilt by libexif from the
         * exif-ifd* fields (see avif_exif_fields). No IPTC in AVIF. */
        if (vips_copy(im, &t[0], NULL)) {
            st = vips_fail(d, ST_INTERNAL, "AVIF", "copy failed");
            goto abort;
        }
        if (e && e->xmp.len)
            vips_image_set_blob_copy(t[0], VIPS_META_XMP_NAME, e->xmp.ptr, e->xmp.len);
        if (e && e->exif.len && (st = avif_exif_fields(t[0], e->exif, d)) != ST_OK)
            goto abort;
        if (vips_heifsave_buffer(t[0], &enc, &enc_len, "Q", s->avif_quality, "effort",
                                 s->avif_effort, "compression", VIPS_FOREIGN_HEIF_COMPRESSION_AV1,
                                 "strip", FALSE, NULL)) {
            st = vips_fail(d, ST_INTERNAL, "AVIF", "encoding failed");
            goto abort;
        }
        has_meta = false;
        break;
    default:
        st = diag_set(d, ST_INTERNAL, "format", DIAG_NO_OFFSET, "unknown format %d", (int)f);
        goto abort;
    }

    data = enc;
    len = enc_len;
    if (f == IMAGE_WEBP && !has_meta) {
        static const struct image_embed none;
        st = image_embed_webp(span_make(enc, enc_len), &none, (unsigned)im->Xsize,
                              (unsigned)im->Ysize, &withmeta, d);
        if (st != ST_OK)
            goto abort;
        data = withmeta.data;
        len = withmeta.len;
    } else if (has_meta) {
        struct span sp = span_make(enc, enc_len);
        st = f == IMAGE_JPEG
                 ? image_embed_jpeg(sp, e, &withmeta, d)
                 : image_embed_webp(sp, e, (unsigned)im->Xsize, (unsigned)im->Ysize, &withmeta, d);
        if (st != ST_OK)
            goto abort;
        data = withmeta.data;
        len = withmeta.len;
    }
    st = write_output(path, data, len, d);
    if (st == ST_OK)
        *bytes = len;
abort:
    buf_free(&withmeta);
    g_free(enc);
    VIPS_UNREF(t[0]);
    VIPS_UNREF(t[1]);
    return st;
}

/* Resizes the upright sRGB image to exactly w×h. Alpha is premultiplied
 * around the resize so transparent pixels do not bleed their colour. */
static enum status resize_to(VipsImage *in, unsigned w, unsigned h, VipsImage **out, struct diag *d)
{
    VipsImage *t[4] = {NULL, NULL, NULL, NULL};
    enum status st = ST_OK;
    *out = NULL;
    if ((int)w == in->Xsize && (int)h == in->Ysize) {
        g_object_ref(in);
        *out = in;
        return ST_OK;
    }
    double hs = (double)w / in->Xsize, vs = (double)h / in->Ysize;
    if (vips_image_hasalpha(in)) {
        if (vips_premultiply(in, &t[0], NULL) ||
            vips_resize(t[0], &t[1], hs, "vscale", vs, "kernel", VIPS_KERNEL_LANCZOS3, NULL) ||
            vips_unpremultiply(t[1], &t[2], NULL) ||
            vips_cast(t[2], &t[3], VIPS_FORMAT_UCHAR, NULL)) {
            st = vips_fail(d, ST_INTERNAL, "resize", "resize failed");
            goto abort;
        }
        *out = t[3];
        t[3] = NULL;
    } else {
        if (vips_resize(in, &t[0], hs, "vscale", vs, "kernel", VIPS_KERNEL_LANCZOS3, NULL)) {
            st = vips_fail(d, ST_INTERNAL, "resize", "resize failed");
            goto abort;
        }
        *out = t[0];
        t[0] = NULL;
    }
abort:
    for (int i = 0; i < 4; i++)
        VIPS_UNREF(t[i]);
    return st;
}

/* Average colour of an (already small) image: a box shrink to 1×1. */
static void dominant(VipsImage *im, uint8_t rgb[3])
{
    VipsImage *one = NULL;
    rgb[0] = rgb[1] = rgb[2] = 128;
    if (vips_shrink(im, &one, (double)im->Xsize, (double)im->Ysize, NULL) == 0 && one->Xsize == 1 &&
        one->Ysize == 1) {
        size_t n = 0;
        uint8_t *px = vips_image_write_to_memory(one, &n);
        if (px && n >= 1) {
            bool colour = one->Bands >= 3 && n >= 3;
            for (int i = 0; i < 3; i++)
                rgb[i] = px[colour ? i : 0];
        }
        g_free(px);
    } else {
        vips_error_clear();
    }
    VIPS_UNREF(one);
}

/* A readable regular file? Gives the OS reason, which libvips hides. */
static enum status check_readable(const char *path, struct diag *d)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return diag_set(d, errno == ENOENT ? ST_NOT_FOUND : ST_IO, NULL, DIAG_NO_OFFSET,
                        "cannot open: %s", strerror(errno));
    close(fd);
    return ST_OK;
}

/*
 * Opens a photo lazily (pixels are decoded when first read). Through a
 * VipsSource so that the name is only ever a file name, never parsed
 * for libvips's "name[options]" syntax. fail_on=error: a
 * truncated or corrupt camera file is an error, not a grey half photo;
 * harmless warnings still pass. `shrink` > 1 only for JPEG.
 */
static VipsImage *open_photo(const char *path, int shrink)
{
    VipsSource *source = vips_source_new_from_file(path);
    if (!source)
        return NULL;
    VipsImage *im =
        shrink > 1
            ? vips_image_new_from_source(source, "", "access", VIPS_ACCESS_SEQUENTIAL, "shrink",
                                         shrink, "fail_on", VIPS_FAIL_ON_ERROR, NULL)
            : vips_image_new_from_source(source, "", "access", VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                         VIPS_FAIL_ON_ERROR, NULL);
    g_object_unref(source); /* the image keeps its own reference */
    return im;
}

/* ---- the derive ----------------------------------------------------- */

enum status image_derive(const char *src_path, const struct image_settings *s,
                         const struct image_embed *embed, const char *out_prefix,
                         struct image_result *res, struct diag *d)
{
    VipsImage *t[STAGES] = {NULL};
    enum status st = ST_OK;
    unsigned widths[IMAGE_MAX_WIDTHS];
    size_t n_widths = 0;

    memset(res, 0, sizeof *res);
    diag_set_file(d, src_path);
    if ((st = validate_settings(s, d)) != ST_OK || (st = check_readable(src_path, d)) != ST_OK)
        goto abort;

    /* 1. Header only: sequential access reads size and orientation
     * without decoding a pixel. */
    VipsImage *head = t[0] = open_photo(src_path, 0);
    if (!head) {
        st = vips_fail(d, ST_UNSUPPORTED, "format",
                       "not a photo libvips may read (unknown, damaged or blocked format)");
        goto abort;
    }
    unsigned long long pixels = (unsigned long long)head->Xsize * (unsigned long long)head->Ysize;
    if (pixels > TS_LIMIT_PIXELS) {
        st = diag_set(d, ST_LIMIT, "size", DIAG_NO_OFFSET,
                      "%dx%d is %llu pixels, over the limit of %llu", head->Xsize, head->Ysize,
                      pixels, (unsigned long long)TS_LIMIT_PIXELS);
        goto abort;
    }
    bool swap = vips_image_get_orientation_swap(head);
    unsigned up_w = (unsigned)(swap ? head->Ysize : head->Xsize);
    unsigned up_h = (unsigned)(swap ? head->Xsize : head->Ysize);
    n_widths = plan_widths(s, up_w, widths);

    /* 2. Decode once. JPEG: shrink-on-load by the largest power of two
     * that still leaves at least the largest output width. */
    const char *loader = NULL;
    if (vips_image_get_typeof(head, VIPS_META_LOADER))
        (void)vips_image_get_string(head, VIPS_META_LOADER, &loader);
    int shrink = 1;
    if (loader && strncmp(loader, "jpegload", 8) == 0) {
        shrink = 8;
        while (shrink > 1 && up_w / (unsigned)shrink < widths[0])
            shrink /= 2;
    }
    VipsImage *loaded = t[1] = open_photo(src_path, shrink);
    if (!loaded) {
        st = vips_fail(d, ST_MALFORMED, "decode", "cannot open the photo");
        goto abort;
    }

    /* 3. Colour. An 8-bit image without alpha (every JPEG) streams from
     * the decoder straight into the first, largest resize, and is
     * converted to sRGB after it (as vipsthumbnail does): the decode is
     * never held in memory (72 MB for a 24 MP portrait, 135 MB at 45 MP)
     * and lcms converts the smaller image. Anything else (16-bit, alpha)
     * is converted first and held in memory, so the premultiplied resize
     * sees 8-bit sRGB. Either way every pixel is decoded exactly once. */
    int orientation = vips_image_get_orientation(loaded);
    bool stream = loaded->BandFmt == VIPS_FORMAT_UCHAR && !vips_image_hasalpha(loaded);
    if (stream) {
        g_object_ref(loaded);
        t[4] = loaded;
    } else {
        VipsImage *colour = NULL;
        if ((st = to_srgb8(loaded, &t[2], &t[3], &colour, src_path, d)) != ST_OK ||
            (st = decode_to_memory(colour, &t[4], d)) != ST_OK)
            goto abort;
        drop_metadata(t[4]);
    }
    /* The orientation is applied to each resized image, not to the
     * decode: turning a 24 MP image costs more than the decode itself. */
    for (int i = 1; i <= 3; i++)
        VIPS_UNREF(t[i]);

    /* 4. Widths largest first, each resampled from the one before (the
     * first from the decode) and kept in memory while both encoders
     * read it: the full decode is resampled once, not once per width
     * and format. */
    size_t n_formats = 0;
    for (int f = 0; f < IMAGE_FORMAT_COUNT; f++)
        n_formats += s->formats[f];
    res->outputs = calloc(n_widths * n_formats, sizeof *res->outputs);
    if (!res->outputs) {
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    res->width = up_w;
    res->height = up_h;
    VipsImage *src = t[4];
    bool src_stored = true; /* still in the file's stored orientation */
    for (size_t i = 0; i < n_widths; i++) {
        unsigned w = widths[i];
        unsigned long long hh = ((unsigned long long)w * up_h + up_w / 2) / up_w;
        unsigned h = hh ? (unsigned)hh : 1;
        bool turn = src_stored && swap;
        if ((st = resize_to(src, turn ? h : w, turn ? w : h, &t[7], d)) != ST_OK)
            goto abort;
        VipsImage *sized = t[7];
        if (src_stored && stream) {
            /* the streamed decode: to sRGB now, on the largest width */
            /* The decode happens here. Rotating needs random access, so
             * the (largest) resized image is made in memory first. */
            if ((st = to_srgb8(t[7], &t[12], &t[13], &sized, src_path, d)) != ST_OK ||
                (st = decode_to_memory(sized, &t[14], d)) != ST_OK)
                goto abort;
            sized = t[14];
        }
        if (src_stored && orientation > 1) {
            if (vips_copy(sized, &t[8], NULL)) {
                st = vips_fail(d, ST_INTERNAL, "rotate", "cannot rotate upright");
                goto abort;
            }
            vips_image_set_int(t[8], VIPS_META_ORIENTATION, orientation);
            if (vips_autorot(t[8], &t[9], NULL)) {
                st = vips_fail(d, ST_INTERNAL, "rotate", "cannot rotate upright");
                goto abort;
            }
            sized = t[9];
        }
        if (!(t[10] = vips_image_copy_memory(sized))) {
            st = vips_fail(d, ST_INTERNAL, "resize", "cannot resize");
            goto abort;
        }
        VIPS_UNREF(t[12]);
        VIPS_UNREF(t[13]);
        VIPS_UNREF(t[14]);
        VIPS_UNREF(t[7]);
        VIPS_UNREF(t[8]);
        VIPS_UNREF(t[9]);
        VIPS_UNREF(t[5]); /* the previous width, or the decode: done with */
        VIPS_UNREF(t[4]);
        t[5] = t[10];
        t[10] = NULL;
        src = sized = t[5];
        src_stored = false;
        drop_metadata(sized);

        VipsImage *flat = sized;
        if (vips_image_hasalpha(sized)) {
            /* JPEG has no alpha: flatten on white, as a page would show it */
            double white[3] = {255, 255, 255};
            VipsArrayDouble *bg = vips_array_double_new(white, sized->Bands >= 3 ? 3 : 1);
            int bad = vips_flatten(sized, &t[11], "background", bg, NULL);
            vips_area_unref(VIPS_AREA(bg));
            if (bad) {
                st = vips_fail(d, ST_INTERNAL, "flatten", "cannot flatten transparency");
                goto abort;
            }
            flat = t[11];
        }
        for (int f = 0; f < IMAGE_FORMAT_COUNT; f++) {
            if (!s->formats[f])
                continue;
            struct image_output *o = &res->outputs[res->n_outputs];
            o->format = (enum image_format)f;
            o->width = (unsigned)sized->Xsize;
            o->height = (unsigned)sized->Ysize;
            int n = snprintf(o->path, sizeof o->path, "%s-%u.%s", out_prefix, w,
                             image_format_ext(o->format));
            if (n < 0 || (size_t)n >= sizeof o->path) {
                st = diag_set(d, ST_LIMIT, "output", DIAG_NO_OFFSET, "output path too long");
                goto abort;
            }
            st = encode(f == IMAGE_JPEG ? flat : sized, o->format, s, embed, o->path, &o->bytes, d);
            if (st != ST_OK)
                goto abort;
            res->n_outputs++;
        }
        if (i + 1 == n_widths)
            dominant(flat, res->dominant_rgb);
        VIPS_UNREF(t[11]);
    }

abort:
    for (int i = 0; i < STAGES; i++)
        VIPS_UNREF(t[i]);
    if (st != ST_OK) {
        /* no output of a failed photo stays behind */
        for (size_t i = 0; res->outputs && i < res->n_outputs; i++)
            unlink(res->outputs[i].path);
        image_result_free(res);
    }
    return st;
}
