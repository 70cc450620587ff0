/*
 * image.c — the derivative pipeline (DESIGN.md "Pipeline", "Privacy and
 * rights defaults for derivatives"): read the header, refuse what is
 * too large, decode once with JPEG DCT scaling (jpegdec.c), then for
 * each width (largest first, each from the one before) resample,
 * convert the first to sRGB 8-bit, hold it upright in memory, and
 * encode every format, embedding only the caller's blocks (embed.c).
 * The encodes, and the making of each width after the first, may run
 * on another thread through an image_pool (encode_pool.c).
 *
 * Must never: keep global mutable state (image_derive runs on several
 * threads at once; a pool is the caller's object) but the once-only
 * opening of libvips's HEIF module, carry any metadata
 * of the original into an output, upscale, or leave an output — whole
 * or partial — behind on failure, nor return while a helper still
 * encodes one of its outputs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vips/vips.h>
#include <webp/encode.h>

#include "image/embed.h"
#include "image/encode_pool.h"
#include "image/heap.h"
#include "image/jpegdec.h"
#include "image/image.h"
#include "image/module.h"
#include "image/trace.h"

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

/*
 * libvips opens every module in its module folder at start-up. On Debian
 * those are ImageMagick, Poppler and OpenSlide, which
 * vips_block_untrusted_set forbids anyway, JPEG XL, which tearsheet does
 * not take (src/meta reads JPEG, TIFF, PNG, WebP, HEIF), and HEIF: 8 MB
 * of resident memory for their libraries in every build that encodes a
 * photo (a one-photo build: 39 -> 31 MB). When VIPSHOME is ours
 * (lazy.c), libvips found no modules, and the HEIF one is opened from
 * the folder libvips would have used when a photo or the settings first
 * need it (a HEIC or AVIF photo, AVIF output). GModule runs its
 * registration as libvips's loader would. A missing module only means
 * libvips has HEIF built in, or not at all, as before.
 */
static void open_heif_module(void)
{
    static GOnce once = G_ONCE_INIT;
    if (!g_once_init_enter(&once.retval))
        return;
    const char *home = getenv("VIPSHOME");
    char path[512];
    int n = snprintf(path, sizeof path, "%s/vips-modules-%d.%d/vips-heif.so", TS_VIPS_LIBDIR,
                     VIPS_MAJOR_VERSION, VIPS_MINOR_VERSION);
    /* not ours: the user's VIPSHOME, or a test, and libvips loaded its own */
    if (home && strcmp(home, IMAGE_VIPSHOME_NONE) == 0 && n > 0 && (size_t)n < sizeof path &&
        access(path, R_OK) == 0 && !g_module_open(path, G_MODULE_BIND_LAZY))
        log_msg(LOG_WARN, "libvips module %s: %s", path, g_module_error());
    g_once_init_leave(&once.retval, (gpointer)1);
}

/* The HEIF module when the settings or the photo (an ISO-BMFF file by
 * its first bytes) need it, before libvips looks for a loader. */
static void open_modules_for(const char *path, const struct image_settings *s)
{
    bool heif = s->formats[IMAGE_AVIF];
    uint8_t head[12] = {0};
    int fd = heif ? -1 : open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0) { /* else check_readable reports it */
        heif =
            read(fd, head, sizeof head) == (ssize_t)sizeof head && memcmp(head + 4, "ftyp", 4) == 0;
        close(fd);
    }
    if (heif)
        open_heif_module();
}

/* Needs no vips_init: the version is compiled into libvips. */
const char *image_libvips_version(const char **module_path, struct diag *d)
{
    if (module_path)
        *module_path = NULL;
    return vips_version_string();
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
    /* buffers of photos reused from photo to photo (heap.c) */
    image_heap_tune();
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

/*
 * The pixels of `in` (stored orientation) into one new buffer, turned
 * upright by EXIF `orientation` on the way: rows are pulled in strips
 * (the streamed decode runs here) and each pixel is written where it
 * belongs. vips_autorot needs random access, so before this the first
 * width existed twice for a portrait: decoded in memory, then the
 * rotated copy (2 × 26 MB at 2400×3600). A truncated file surfaces here
 * ("Premature end", libjpeg's words): ST_TRUNCATED.
 */
static enum status materialize(VipsImage *in, int orientation, VipsImage **out, struct diag *d)
{
    enum status st = ST_OK;
    VipsRegion *reg = NULL;
    VipsImage *mem = NULL;
    *out = NULL;
    if (orientation < 1 || orientation > 8)
        orientation = 1;
    bool swap = orientation >= 5;
    int w = in->Xsize, h = in->Ysize;
    mem = vips_image_new_memory();
    vips_image_init_fields(mem, swap ? h : w, swap ? w : h, in->Bands, in->BandFmt, in->Coding,
                           in->Type, swap ? in->Yres : in->Xres, swap ? in->Xres : in->Yres);
    if (vips_image_write_prepare(mem) || !(reg = vips_region_new(in))) {
        st = vips_fail(d, ST_NOMEM, "resize", "cannot hold the image");
        goto abort;
    }
    size_t ps = VIPS_IMAGE_SIZEOF_PEL(in);
    for (int y0 = 0; y0 < h; y0 += 16) {
        VipsRect r = {0, y0, w, VIPS_MIN(16, h - y0)};
        if (vips_region_prepare(reg, &r)) {
            st = vips_fail(d, ST_MALFORMED, "decode", "the photo cannot be decoded");
            if (strstr(d->message, "Premature end"))
                st = d->status = ST_TRUNCATED;
            goto abort;
        }
        if (orientation >= 5) {
            /* a quarter turn: the strip's column x is output row x (or
             * w-1-x), written left to right, so each output row gets
             * its pixels in one contiguous run per strip */
            size_t in_line = VIPS_REGION_LSKIP(reg);
            bool flip_x = orientation == 6 || orientation == 7; /* dx = h-1-y */
            for (int x = 0; x < w; x++) {
                int dy = orientation == 5 || orientation == 6 ? x : w - 1 - x;
                int dx = flip_x ? h - 1 - y0 : y0;
                ptrdiff_t step = flip_x ? -(ptrdiff_t)ps : (ptrdiff_t)ps;
                uint8_t *dst = (uint8_t *)VIPS_IMAGE_ADDR(mem, dx, dy);
                const uint8_t *src = (const uint8_t *)VIPS_REGION_ADDR(reg, x, y0);
                if (ps == 3) /* 8-bit RGB, nearly always: no call per pixel */
                    for (int k = 0; k < r.height; k++, src += in_line, dst += step) {
                        dst[0] = src[0];
                        dst[1] = src[1];
                        dst[2] = src[2];
                    }
                else
                    for (int k = 0; k < r.height; k++, src += in_line, dst += step)
                        memcpy(dst, src, ps);
            }
            continue;
        }
        for (int y = y0; y < y0 + r.height; y++) {
            const uint8_t *src = (const uint8_t *)VIPS_REGION_ADDR(reg, 0, y);
            bool flip_y = orientation == 3 || orientation == 4;
            uint8_t *dst = (uint8_t *)VIPS_IMAGE_ADDR(mem, 0, flip_y ? h - 1 - y : y);
            if (orientation == 1 || orientation == 4) {
                memcpy(dst, src, ps * (size_t)w);
                continue;
            }
            /* 2 and 3: the row mirrored */
            dst += (size_t)(w - 1) * ps;
            for (int x = 0; x < w; x++, src += ps, dst -= ps)
                memcpy(dst, src, ps);
        }
    }
    *out = mem;
    mem = NULL;
abort:
    VIPS_UNREF(reg);
    VIPS_UNREF(mem);
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

/*
 * WebP straight from a width held in memory, with the settings libvips's
 * webpsave uses for lossy output (default preset, Q, method = effort,
 * alpha quality 100, no sharp YUV), so the bytes are the same. libvips
 * would first copy the whole width (vips_image_copy_memory of its
 * converted pipeline): 26 MB and its page faults for a 2400 px portrait.
 * False when the image is not 8-bit RGB/RGBA pixels in memory: the
 * caller then uses libvips.
 */
static bool webp_direct(VipsImage *im, const struct image_settings *s, uint8_t **out,
                        size_t *out_len, bool *failed)
{
    *failed = false;
    if (!im->data || (im->dtype != VIPS_IMAGE_SETBUF && im->dtype != VIPS_IMAGE_SETBUF_FOREIGN) ||
        im->BandFmt != VIPS_FORMAT_UCHAR || (im->Bands != 3 && im->Bands != 4) ||
        im->Coding != VIPS_CODING_NONE)
        return false;
    WebPConfig config;
    WebPPicture pic;
    WebPMemoryWriter mem;
    WebPMemoryWriterInit(&mem);
    if (!WebPConfigPreset(&config, WEBP_PRESET_DEFAULT, (float)s->webp_quality) ||
        !WebPPictureInit(&pic)) {
        *failed = true;
        return true;
    }
    config.lossless = 0;
    config.alpha_quality = 100;
    config.method = s->webp_effort;
    pic.width = im->Xsize;
    pic.height = im->Ysize;
    pic.use_argb = 0;
    pic.writer = WebPMemoryWrite;
    pic.custom_ptr = &mem;
    int stride = (int)VIPS_IMAGE_SIZEOF_LINE(im);
    const uint8_t *px = (const uint8_t *)VIPS_IMAGE_ADDR(im, 0, 0);
    bool ok = WebPValidateConfig(&config) &&
              (im->Bands == 4 ? WebPPictureImportRGBA(&pic, px, stride)
                              : WebPPictureImportRGB(&pic, px, stride)) &&
              WebPEncode(&config, &pic);
    WebPPictureFree(&pic);
    if (!ok) {
        WebPMemoryWriterClear(&mem);
        vips_error("WebP", "libwebp error %d", (int)pic.error_code);
        *failed = true;
        return true;
    }
    *out = mem.mem;
    *out_len = mem.size;
    return true;
}

/* Encodes one resized image in one format and writes it. */
static enum status encode(VipsImage *im, enum image_format f, const struct image_settings *s,
                          const struct image_embed *e, const char *path, size_t *bytes,
                          struct diag *d)
{
    void *enc = NULL;
    uint8_t *webp_enc = NULL; /* libwebp's, freed with WebPFree */
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
    case IMAGE_WEBP: {
        bool failed;
        if (webp_direct(im, s, &webp_enc, &enc_len, &failed)) {
            enc = webp_enc;
            if (failed) {
                st = vips_fail(d, ST_INTERNAL, "WebP", "encoding failed");
                goto abort;
            }
            break;
        }
        if (vips_webpsave_buffer(im, &enc, &enc_len, "Q", s->webp_quality, "effort", s->webp_effort,
                                 "strip", TRUE, NULL)) {
            st = vips_fail(d, ST_INTERNAL, "WebP", "encoding failed");
            goto abort;
        }
        break;
    }
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
    if (webp_enc)
        WebPFree(webp_enc);
    else
        g_free(enc);
    VIPS_UNREF(t[0]);
    VIPS_UNREF(t[1]);
    return st;
}

/* ---- one encode, as a task for the photo's batch (encode_pool.h) ---- */

/* One output to encode: its own reference to the width it reads. */
struct encode_task {
    struct image_pool_task base; /* first: the pool hands back this pointer */
    VipsImage *im;
    enum image_format format;
    const struct image_settings *s;
    const struct image_embed *e;
    struct image_output *o;
    const char *src; /* the photo, for the timeline */
    struct diag d;
};

static enum status run_encode(struct image_pool_task *base)
{
    struct encode_task *t = (struct encode_task *)base;
    double t0 = image_trace_now();
    enum status st = encode(t->im, t->format, t->s, t->e, t->o->path, &t->o->bytes, &t->d);
    VIPS_UNREF(t->im); /* the width goes as soon as its last encode is done */
    image_trace_step(t->src, t0, image_format_ext(t->format), t->o->width);
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
    return image_derive_pooled(src_path, s, embed, out_prefix, NULL, res, d);
}

/*
 * One derive's state, shared by the steps that make its widths. Width
 * i+1 is resampled from width i, so those steps run one after the other
 * (each posts the next as it ends); an idle worker may run one (the
 * critical path of the photo) while the photo's own thread encodes.
 */
struct derive {
    const char *src_path;
    const struct image_settings *s;
    const struct image_embed *embed;
    const char *out_prefix;
    struct image_pool *pool;
    struct image_pool_batch batch;
    struct image_result *res;
    struct encode_task *tasks;
    unsigned widths[IMAGE_MAX_WIDTHS];
    size_t n_widths;
    unsigned up_w, up_h;
    int orientation;
    bool swap, stream;
    bool src_stored;      /* t[4] still in the file's stored orientation */
    VipsImage *t[STAGES]; /* t[4] the decode, t[5] the last width made */
};

/* Making width i as a task of the photo's batch (i ≥ 1). */
struct width_task {
    struct image_pool_task base; /* first: the pool hands back this pointer */
    struct derive *dv;
    size_t i;
    struct diag d;
};

static enum status make_width(struct derive *dv, size_t i, struct width_task *wt, struct diag *d);

static enum status run_width(struct image_pool_task *base)
{
    struct width_task *wt = (struct width_task *)base;
    return make_width(wt->dv, wt->i, wt + 1, &wt->d);
}

/*
 * Width i: resampled from the one before (the first from the decode),
 * held upright in memory, its encodes posted slowest first (AVIF, WebP,
 * JPEG: a helper that takes the head takes the longest), then the next
 * width posted after them, so that the photo's own thread, running its
 * batch in order, encodes a width before it makes the next one and holds
 * what it held before widths were tasks. `wt` is the next width's task
 * (wt[0] for i+1, wt[1] for i+2...).
 */
static enum status make_width(struct derive *dv, size_t i, struct width_task *wt, struct diag *d)
{
    /* this width's stages: resized, sRGB, 8-bit, in memory, flattened;
     * local, since the next width may start on another thread before
     * this function returns */
    VipsImage *resized = NULL, *rgb = NULL, *rgb8 = NULL, *mem = NULL, *flat = NULL;
    const struct image_settings *s = dv->s;
    struct image_result *res = dv->res;
    enum status st = ST_OK;
    unsigned w = dv->widths[i];
    unsigned long long hh = ((unsigned long long)w * dv->up_h + dv->up_w / 2) / dv->up_w;
    unsigned h = hh ? (unsigned)hh : 1;
    bool turn = dv->src_stored && dv->swap;
    double t0 = image_trace_now();
    VipsImage *src = dv->src_stored ? dv->t[4] : dv->t[5];
    if ((st = resize_to(src, turn ? h : w, turn ? w : h, &resized, d)) != ST_OK)
        goto abort;
    VipsImage *sized = resized;
    /* the streamed decode: to sRGB now, on the largest width */
    if (dv->src_stored && dv->stream &&
        (st = to_srgb8(resized, &rgb, &rgb8, &sized, dv->src_path, d)) != ST_OK)
        goto abort;
    /* in memory, where the decode happens, and upright */
    if ((st = materialize(sized, dv->src_stored ? dv->orientation : 1, &mem, d)) != ST_OK)
        goto abort;
    VIPS_UNREF(resized); /* with them the previous width, or the decode */
    VIPS_UNREF(rgb);
    VIPS_UNREF(rgb8);
    VIPS_UNREF(dv->t[5]);
    VIPS_UNREF(dv->t[4]);
    sized = dv->t[5] = mem;
    mem = NULL;
    dv->src_stored = false;
    drop_metadata(sized);
    image_trace_step(dv->src_path, t0, i == 0 ? "decode+width" : "width", w);

    VipsImage *jpeg_src = sized;
    if (vips_image_hasalpha(sized)) {
        /* JPEG has no alpha: flatten on white, as a page would show it */
        double white[3] = {255, 255, 255};
        VipsArrayDouble *bg = vips_array_double_new(white, sized->Bands >= 3 ? 3 : 1);
        int bad = vips_flatten(sized, &flat, "background", bg, NULL);
        vips_area_unref(VIPS_AREA(bg));
        if (bad) {
            st = vips_fail(d, ST_INTERNAL, "flatten", "cannot flatten transparency");
            goto abort;
        }
        jpeg_src = flat;
    }
    size_t first = res->n_outputs;
    for (int f = 0; f < IMAGE_FORMAT_COUNT; f++) {
        if (!s->formats[f])
            continue;
        struct image_output *o = &res->outputs[res->n_outputs];
        o->format = (enum image_format)f;
        o->width = (unsigned)sized->Xsize;
        o->height = (unsigned)sized->Ysize;
        char path[TS_LIMIT_PATH];
        int n =
            snprintf(path, sizeof path, "%s-%u.%s", dv->out_prefix, w, image_format_ext(o->format));
        if (n < 0 || (size_t)n >= sizeof path) {
            st = diag_set(d, ST_LIMIT, "output", DIAG_NO_OFFSET, "output path too long");
            goto abort;
        }
        if (!(o->path = str_dup(path))) {
            st = diag_set(d, ST_NOMEM, "output", DIAG_NO_OFFSET, "out of memory");
            goto abort;
        }
        res->n_outputs++;
    }
    if (i + 1 == dv->n_widths)
        dominant(jpeg_src, res->dominant_rgb);
    for (size_t k = res->n_outputs; k-- > first;) {
        struct encode_task *tk = &dv->tasks[k];
        struct image_output *o = &res->outputs[k];
        *tk = (struct encode_task){.base = {.batch = &dv->batch, .run = run_encode},
                                   .format = o->format,
                                   .s = s,
                                   .e = dv->embed,
                                   .o = o,
                                   .src = dv->src_path};
        diag_clear(&tk->d);
        diag_set_file(&tk->d, dv->src_path);
        tk->im = o->format == IMAGE_JPEG ? jpeg_src : sized;
        g_object_ref(tk->im);
        image_pool_post(dv->pool, &tk->base);
    }
    VIPS_UNREF(flat); /* the JPEG encode holds its own reference */
    /* last: from here another thread may be making the next width */
    if (i + 1 < dv->n_widths && !image_pool_batch_failed(dv->pool, &dv->batch)) {
        *wt = (struct width_task){.base = {.batch = &dv->batch, .run = run_width, .critical = true},
                                  .dv = dv,
                                  .i = i + 1};
        diag_clear(&wt->d);
        diag_set_file(&wt->d, dv->src_path);
        image_pool_post(dv->pool, &wt->base);
    }
abort:
    VIPS_UNREF(resized);
    VIPS_UNREF(rgb);
    VIPS_UNREF(rgb8);
    VIPS_UNREF(mem);
    VIPS_UNREF(flat);
    return st;
}

enum status image_derive_pooled(const char *src_path, const struct image_settings *s,
                                const struct image_embed *embed, const char *out_prefix,
                                struct image_pool *pool, struct image_result *res, struct diag *d)
{
    struct derive dv = {.src_path = src_path, .s = s, .embed = embed, .out_prefix = out_prefix};
    dv.pool = pool;
    dv.res = res;
    dv.src_stored = true; /* the decode is, until the first width */
    VipsImage **t = dv.t;
    struct width_task *wtasks = NULL;
    enum status st = ST_OK;

    memset(res, 0, sizeof *res);
    diag_set_file(d, src_path);
    double t0 = image_trace_now();
    if ((st = validate_settings(s, d)) != ST_OK || (st = check_readable(src_path, d)) != ST_OK)
        goto abort;
    open_modules_for(src_path, s);

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
    dv.swap = vips_image_get_orientation_swap(head);
    dv.up_w = (unsigned)(dv.swap ? head->Ysize : head->Xsize);
    dv.up_h = (unsigned)(dv.swap ? head->Xsize : head->Ysize);
    dv.n_widths = plan_widths(s, dv.up_w, dv.widths);

    /* 2. Decode once. JPEG: libjpeg-turbo's DCT scaling by the smallest
     * eighth that leaves at least the largest output width (jpegdec.c);
     * a JPEG it leaves alone (CMYK, 12-bit) goes to libvips's loader,
     * which shrinks only by the largest sufficient power of two. */
    const char *loader = NULL;
    if (vips_image_get_typeof(head, VIPS_META_LOADER))
        (void)vips_image_get_string(head, VIPS_META_LOADER, &loader);
    bool jpeg = loader && strncmp(loader, "jpegload", 8) == 0;
    int shrink = 1;
    if (jpeg) {
        shrink = 8;
        while (shrink > 1 && dv.up_w / (unsigned)shrink < dv.widths[0])
            shrink /= 2;
    }
    VipsImage *loaded = t[1] = jpeg ? image_jpeg_open(src_path, dv.widths[0], dv.swap) : NULL;
    if (!loaded)
        loaded = t[1] = open_photo(src_path, shrink);
    if (!loaded) {
        st = vips_fail(d, ST_MALFORMED, "decode", "cannot open the photo");
        goto abort;
    }
    image_trace_step(src_path, t0, "open", 0);

    /* 3. Colour. An 8-bit image without alpha (every JPEG) streams from
     * the decoder straight into the first, largest resize, and is
     * converted to sRGB after it (as vipsthumbnail does): the decode is
     * never held in memory (72 MB for a 24 MP portrait, 135 MB at 45 MP)
     * and lcms converts the smaller image. Anything else (16-bit, alpha)
     * is converted first and held in memory, so the premultiplied resize
     * sees 8-bit sRGB. Either way every pixel is decoded exactly once. */
    dv.orientation = vips_image_get_orientation(head); /* our decoder sets none */
    dv.stream = loaded->BandFmt == VIPS_FORMAT_UCHAR && !vips_image_hasalpha(loaded);
    if (dv.stream) {
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
     * and format. The first is made here; each posts the next. */
    size_t n_formats = 0;
    for (int f = 0; f < IMAGE_FORMAT_COUNT; f++)
        n_formats += s->formats[f];
    res->outputs = calloc(dv.n_widths * n_formats, sizeof *res->outputs);
    dv.tasks = calloc(dv.n_widths * n_formats, sizeof *dv.tasks);
    wtasks = calloc(dv.n_widths, sizeof *wtasks);
    if (!res->outputs || !dv.tasks || !wtasks) {
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    res->width = dv.up_w;
    res->height = dv.up_h;
    st = make_width(&dv, 0, wtasks, d);

abort:
    /* the batch to its end: nothing is freed or unlinked while another
     * thread still makes a width or an encode of this photo */
    image_pool_run_own(pool, &dv.batch);
    for (size_t k = 0; st == ST_OK && wtasks && k < dv.n_widths; k++)
        if (wtasks[k].base.run && wtasks[k].base.st != ST_OK) {
            *d = wtasks[k].d;
            st = wtasks[k].base.st;
        }
    for (size_t k = 0; st == ST_OK && dv.tasks && k < res->n_outputs; k++)
        if (dv.tasks[k].base.st != ST_OK) {
            *d = dv.tasks[k].d;
            st = dv.tasks[k].base.st;
        }
    free(dv.tasks);
    free(wtasks);
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
