/*
 * test_image.c — the image module as a photographer would notice it:
 * the widths made (never upscaled), photos upright, Adobe RGB shown as
 * the same colour in sRGB, only our metadata in the outputs (no GPS,
 * no owner, no thumbnail), clear errors and no files left for broken
 * input, several photos at once. Test photos are made here with
 * libvips in a temporary folder; the shared corpus is used when present.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "select.h"

#include <dirent.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vips/vips.h>

#include "image/image.h"

/* GLib and libvips keep one-time type and thread data for the life of
 * the process; only leaks in our code are of interest. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:libglib-2.0.so\nleak:libgobject-2.0.so\nleak:libgio-2.0.so\n"
           "leak:libvips.so\nleak:libheif.so\nleak:libaom.so\nleak:libx265.so\n"
           "leak:liblcms2.so\nleak:libfontconfig.so\nleak:libexif.so\n";
}

#define A98_ICC "/usr/share/color/icc/ghostscript/a98.icc"
#define CORPUS TS_SHARED_DIR "/corpus/metadata"

static char tmpdir[256];

/* ---- our blocks: tiny but valid, with strings we can find again ---- */

/* "Exif\0\0" + little-endian TIFF, IFD0 with Artist = "Test Artist". */
static const uint8_t our_exif[] = {
    'E',  'x',  'i', 'f', 0,   0,                               /* header */
    'I',  'I',  42,  0,   8,   0,   0,   0,                     /* TIFF, IFD0 at 8 */
    1,    0,                                                    /* one entry */
    0x3b, 0x01, 2,   0,   12,  0,   0,   0,   26,  0,   0,   0, /* Artist ASCII 12 @26 */
    0,    0,    0,   0,                                         /* no next IFD */
    'T',  'e',  's', 't', ' ', 'A', 'r', 't', 'i', 's', 't', 0};

static const char our_xmp[] =
    "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
    "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description "
    "rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\"><dc:rights><rdf:Alt>"
    "<rdf:li xml:lang=\"x-default\">(c) Test Rights</rdf:li></rdf:Alt></dc:rights>"
    "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>";

/* Photoshop IRB: one 8BIM 0x0404 resource holding IIM 2:00 and 2:120. */
static const uint8_t our_iptc[] = {
    'P',  'h',  'o',  't', 'o', 's', 'h', 'o', 'p', ' ', '3', '.', '0', 0,   '8', 'B', 'I',
    'M',  0x04, 0x04, 0,   0,   0,   0,   0,   24, /* IPTC-NAA, 24 bytes */
    0x1c, 2,    0,    0,   2,   0,   4,            /* 2:00 record version 4 */
    0x1c, 2,    120,  0,   12,  'T', 'e', 's', 't', ' ', 'C', 'a', 'p', 't', 'i', 'o', 'n'};

static struct image_embed our_embed(void)
{
    struct image_embed e;
    e.exif = span_make(our_exif, sizeof our_exif);
    e.xmp = span_make((const uint8_t *)our_xmp, sizeof our_xmp - 1);
    e.iptc = span_make(our_iptc, sizeof our_iptc);
    return e;
}

/* ---- helpers ------------------------------------------------------- */

static void tmp_path(char *out, size_t n, const char *name)
{
    snprintf(out, n, "%s/%s", tmpdir, name);
}

static size_t count_files_with_prefix(const char *prefix)
{
    size_t n = 0, len = strlen(prefix);
    DIR *dir = opendir(tmpdir);
    assert_non_null(dir);
    struct dirent *e;
    while ((e = readdir(dir)))
        if (strncmp(e->d_name, prefix, len) == 0)
            n++;
    closedir(dir);
    return n;
}

/* A w×h sRGB photo: green everywhere, a red block in the top-left
 * corner, light grain so the JPEG is not trivially small. */
static VipsImage *make_scene(int w, int h, const double rgb[3])
{
    VipsImage *base = NULL, *noise = NULL, *sum = NULL, *out = NULL, *black = NULL;
    double ones[3] = {1, 1, 1};
    double fill[3] = {rgb ? rgb[0] : 40, rgb ? rgb[1] : 170, rgb ? rgb[2] : 60};
    assert_int_equal(vips_black(&black, w, h, "bands", 3, NULL), 0);
    assert_int_equal(vips_linear(black, &base, ones, fill, 3, NULL), 0);
    assert_int_equal(vips_gaussnoise(&noise, w, h, "sigma", 2.0, "mean", 0.0, NULL), 0);
    assert_int_equal(vips_add(base, noise, &sum, NULL), 0);
    assert_int_equal(vips_cast(sum, &out, VIPS_FORMAT_UCHAR, NULL), 0);
    VipsImage *mem = vips_image_copy_memory(out);
    assert_non_null(mem);
    if (!rgb) {
        double red[3] = {230, 20, 20};
        assert_int_equal(vips_draw_rect(mem, red, 3, 0, 0, w / 4, h / 4, "fill", TRUE, NULL), 0);
    }
    g_object_unref(black);
    g_object_unref(base);
    g_object_unref(noise);
    g_object_unref(sum);
    g_object_unref(out);
    VipsImage *srgb = NULL;
    assert_int_equal(vips_copy(mem, &srgb, "interpretation", VIPS_INTERPRETATION_sRGB, NULL), 0);
    g_object_unref(mem);
    return srgb;
}

static void save_jpeg(VipsImage *im, const char *path)
{
    assert_int_equal(vips_jpegsave(im, path, "Q", 92, NULL), 0);
}

static void pixel(const char *path, int x, int y, double out[3])
{
    VipsImage *im = vips_image_new_from_file(path, NULL);
    assert_non_null(im);
    double *v = NULL;
    int n = 0;
    assert_int_equal(vips_getpoint(im, &v, &n, x, y, NULL), 0);
    for (int i = 0; i < 3; i++)
        out[i] = v[i < n ? i : 0];
    g_free(v);
    g_object_unref(im);
}

/* Mean absolute pixel difference of two images of the same size. */
static double mean_abs_diff(const char *a_path, const char *b_path)
{
    VipsImage *a = vips_image_new_from_file(a_path, NULL);
    VipsImage *b = vips_image_new_from_file(b_path, NULL);
    VipsImage *diff = NULL, *mag = NULL;
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(a->Xsize, b->Xsize);
    assert_int_equal(a->Ysize, b->Ysize);
    double avg = 0;
    assert_int_equal(vips_subtract(a, b, &diff, NULL), 0);
    assert_int_equal(vips_abs(diff, &mag, NULL), 0);
    assert_int_equal(vips_avg(mag, &avg, NULL), 0);
    g_object_unref(a);
    g_object_unref(b);
    g_object_unref(diff);
    g_object_unref(mag);
    return avg;
}

/* A copy of `full` cut to `num`/`den` of its bytes, as a camera card
 * pulled out too early would leave it. */
static void write_cut_copy(const char *full, const char *cut, size_t num, size_t den)
{
    uint8_t *data = NULL;
    size_t len = 0;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(file_read_all(full, 1 << 24, &data, &len, &d), ST_OK);
    assert_int_equal(file_write_atomic(cut, data, len * num / den, &d), ST_OK);
    free(data);
}

static void settings_with(struct image_settings *s, const unsigned *w, size_t n)
{
    image_settings_default(s);
    memcpy(s->widths, w, n * sizeof *w);
    s->n_widths = n;
}

static const struct image_output *find_output(const struct image_result *r, enum image_format f,
                                              unsigned w)
{
    for (size_t i = 0; i < r->n_outputs; i++)
        if (r->outputs[i].format == f && r->outputs[i].width == w)
            return &r->outputs[i];
    return NULL;
}

static bool file_contains(const char *path, const char *needle)
{
    uint8_t *data = NULL;
    size_t len = 0;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(file_read_all(path, 64 << 20, &data, &len, &d), ST_OK);
    size_t n = strlen(needle);
    bool found = false;
    for (size_t i = 0; !found && n <= len && i <= len - n; i++)
        found = memcmp(data + i, needle, n) == 0;
    free(data);
    return found;
}

/* Fails when an output carries metadata we did not put there (a GPS
 * tag, a thumbnail, a profile, a serial, a camera name) or lost ours. */
static void assert_only_our_metadata(const char *path, enum image_format f)
{
    VipsImage *im = vips_image_new_from_file(path, NULL);
    assert_non_null(im);
    gchar **names = vips_image_get_fields(im);
    for (gchar **p = names; *p; p++) {
        const char *n = *p;
        if (strstr(n, "GPS") || strstr(n, "thumbnail") || strstr(n, "icc-profile") ||
            strstr(n, "Serial") || strstr(n, "MakerNote") || strstr(n, "Make") ||
            strstr(n, "Model") || strstr(n, "Owner"))
            fail_msg("%s carries %s", path, n);
    }
    g_strfreev(names);
    if (vips_image_get_typeof(im, "exif-ifd0-Artist")) {
        const char *artist = NULL;
        assert_int_equal(vips_image_get_string(im, "exif-ifd0-Artist", &artist), 0);
        assert_non_null(strstr(artist, "Test Artist"));
    } else {
        fail_msg("%s lost our EXIF Artist", path);
    }
    bool want_iptc = f == IMAGE_JPEG; /* WebP and AVIF have no IPTC container */
    if (f != IMAGE_AVIF)              /* libvips 8.14 heifload does not read XMP back */
        assert_true(vips_image_get_typeof(im, VIPS_META_XMP_NAME) != 0);
    assert_int_equal(vips_image_get_typeof(im, VIPS_META_IPTC_NAME) != 0, want_iptc);
    g_object_unref(im);
    assert_true(file_contains(path, "(c) Test Rights"));
    if (want_iptc)
        assert_true(file_contains(path, "Test Caption"));
    assert_false(file_contains(path, "SECRET"));
}

/* ---- tests --------------------------------------------------------- */

static void widths_are_never_upscaled(void **state)
{
    char src[512], prefix[512];
    tmp_path(src, sizeof src, "wide.jpg");
    tmp_path(prefix, sizeof prefix, "wide");
    VipsImage *im = make_scene(600, 400, NULL);
    save_jpeg(im, src);
    g_object_unref(im);

    struct image_settings s;
    const unsigned w[] = {200, 1000, 300, 300};
    settings_with(&s, w, 4);
    struct image_result r;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(image_derive(src, &s, NULL, prefix, &r, &d), ST_OK);
    assert_int_equal(r.width, 600);
    assert_int_equal(r.height, 400);
    assert_int_equal(r.n_outputs, 4); /* 300 and 200, JPEG and WebP; 1000 skipped */
    const struct image_output *o = find_output(&r, IMAGE_JPEG, 300);
    assert_non_null(o);
    assert_int_equal(o->height, 200);
    assert_true(str_ends_with(o->path, "/wide-300.jpg"));
    assert_non_null(find_output(&r, IMAGE_WEBP, 200));
    assert_null(find_output(&r, IMAGE_JPEG, 1000));
    for (size_t i = 0; i < r.n_outputs; i++) {
        VipsImage *back = vips_image_new_from_file(r.outputs[i].path, NULL);
        assert_non_null(back);
        assert_int_equal(back->Xsize, (int)r.outputs[i].width);
        assert_int_equal(back->Ysize, (int)r.outputs[i].height);
        /* no blocks given: no metadata at all, not even libvips's own */
        gchar **names = vips_image_get_fields(back);
        for (gchar **p = names; *p; p++)
            if (strstr(*p, "exif") || strstr(*p, "xmp") || strstr(*p, "icc") || strstr(*p, "iptc"))
                fail_msg("%s carries %s", r.outputs[i].path, *p);
        g_strfreev(names);
        g_object_unref(back);
    }
    /* mostly green with a red corner: the average leans green */
    assert_true(r.dominant_rgb[1] > r.dominant_rgb[2]);
    image_result_free(&r);
    image_result_free(NULL);
}

static void small_photo_gives_one_output_at_its_own_width(void **state)
{
    char src[512], prefix[512];
    tmp_path(src, sizeof src, "small[1].jpg"); /* not libvips's "file[options]" */
    tmp_path(prefix, sizeof prefix, "small");
    VipsImage *im = make_scene(64, 48, NULL);
    save_jpeg(im, src);
    g_object_unref(im);

    struct image_settings s;
    image_settings_default(&s);
    struct image_result r;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(image_derive(src, &s, NULL, prefix, &r, &d), ST_OK);
    assert_int_equal(r.n_outputs, 2);
    for (size_t i = 0; i < r.n_outputs; i++) {
        assert_int_equal(r.outputs[i].width, 64);
        assert_int_equal(r.outputs[i].height, 48);
        assert_true(r.outputs[i].bytes > 0);
    }
    assert_non_null(find_output(&r, IMAGE_WEBP, 64));
    assert_int_equal(count_files_with_prefix("small-"), 2);
    image_result_free(&r);
}

static void orientation_6_comes_out_upright(void **state)
{
    char src[512], prefix[512];
    tmp_path(src, sizeof src, "rot6.jpg");
    tmp_path(prefix, sizeof prefix, "rot6");
    VipsImage *im = make_scene(600, 400, NULL); /* red block at stored top-left */
    vips_image_set_int(im, VIPS_META_ORIENTATION, 6);
    save_jpeg(im, src);
    g_object_unref(im);

    struct image_settings s;
    const unsigned w[] = {300};
    settings_with(&s, w, 1);
    struct image_result r;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(image_derive(src, &s, NULL, prefix, &r, &d), ST_OK);
    assert_int_equal(r.width, 400); /* upright: portrait */
    assert_int_equal(r.height, 600);
    const struct image_output *o = find_output(&r, IMAGE_JPEG, 300);
    assert_non_null(o);
    assert_int_equal(o->height, 450);
    /* orientation 6 = turn 90° clockwise: stored top-left is now top-right */
    double tr[3], tl[3];
    pixel(o->path, 290, 10, tr);
    pixel(o->path, 10, 10, tl);
    assert_true(tr[0] > 180 && tr[1] < 80);
    assert_true(tl[1] > 120 && tl[0] < 100);
    VipsImage *back = vips_image_new_from_file(o->path, NULL);
    assert_int_equal(vips_image_get_orientation(back), 1);
    g_object_unref(back);
    image_result_free(&r);
}

static void adobe_rgb_is_converted_to_srgb(void **state)
{
    uint8_t *icc = NULL;
    size_t icc_len = 0;
    struct diag d;
    diag_clear(&d);
    /* scripts/deps.sh installs it: missing is a broken setup, not a skip */
    if (file_read_all(A98_ICC, 1 << 20, &icc, &icc_len, &d) != ST_OK)
        fail_msg("no Adobe RGB profile at %s: install Debian's libgs-common (scripts/deps.sh)",
                 A98_ICC);
    char src[512], prefix[512];
    tmp_path(src, sizeof src, "adobe.jpg");
    tmp_path(prefix, sizeof prefix, "adobe");
    const double adobe[3] = {200, 80, 40};
    VipsImage *im = make_scene(128, 96, adobe);
    vips_image_set_blob_copy(im, VIPS_META_ICC_NAME, icc, icc_len);
    save_jpeg(im, src);
    g_object_unref(im);
    free(icc);

    struct image_settings s;
    const unsigned w[] = {100};
    settings_with(&s, w, 1);
    struct image_result r;
    assert_int_equal(image_derive(src, &s, NULL, prefix, &r, &d), ST_OK);
    /* Adobe RGB (200,80,40) is sRGB (230,79,32) by the published
     * matrices and gammas (computed outside libvips). */
    double px[3];
    pixel(find_output(&r, IMAGE_JPEG, 100)->path, 50, 40, px);
    assert_true(px[0] > 222 && px[0] < 238);
    assert_true(px[1] > 71 && px[1] < 87);
    assert_true(px[2] > 24 && px[2] < 40);
    /* and no profile travels with the output: it is plain sRGB */
    VipsImage *back = vips_image_new_from_file(find_output(&r, IMAGE_WEBP, 100)->path, NULL);
    assert_int_equal(vips_image_get_typeof(back, VIPS_META_ICC_NAME), 0);
    g_object_unref(back);
    image_result_free(&r);
}

static void outputs_carry_only_our_metadata(void **state)
{
    char src[512], prefix[512];
    tmp_path(src, sizeof src, "private.jpg");
    tmp_path(prefix, sizeof prefix, "private");
    VipsImage *im = make_scene(320, 240, NULL);
    /* The original's own metadata, all of which must be dropped. */
    vips_image_set_string(im, "exif-ifd0-Artist", "SECRET owner");
    vips_image_set_string(im, "exif-ifd0-Make", "SECRETCAM");
    static const char xmp[] = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">SECRET history</x:xmpmeta>";
    vips_image_set_blob_copy(im, VIPS_META_XMP_NAME, xmp, sizeof xmp - 1);
    save_jpeg(im, src);
    g_object_unref(im);
    assert_true(file_contains(src, "SECRET"));

    struct image_settings s;
    const unsigned w[] = {160};
    settings_with(&s, w, 1);
    s.formats[IMAGE_AVIF] = true;
    struct image_embed e = our_embed();
    struct image_result r;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(image_derive(src, &s, &e, prefix, &r, &d), ST_OK);
    const struct image_output *jpg = find_output(&r, IMAGE_JPEG, 160);
    const struct image_output *webp = find_output(&r, IMAGE_WEBP, 160);
    assert_only_our_metadata(jpg->path, IMAGE_JPEG);
    assert_only_our_metadata(webp->path, IMAGE_WEBP);
    const struct image_output *avif = find_output(&r, IMAGE_AVIF, 160);
    assert_non_null(avif);
    assert_only_our_metadata(avif->path, IMAGE_AVIF);

    /* JPEG layout: SOI, then our EXIF APP1 exactly as given */
    uint8_t *data = NULL;
    size_t len = 0;
    assert_int_equal(file_read_all(jpg->path, 1 << 24, &data, &len, &d), ST_OK);
    assert_true(len > 6 + sizeof our_exif);
    assert_int_equal(data[0], 0xff);
    assert_int_equal(data[2], 0xff);
    assert_int_equal(data[3], 0xe1);
    assert_int_equal((data[4] << 8 | data[5]) - 2, sizeof our_exif);
    assert_memory_equal(data + 6, our_exif, sizeof our_exif);
    free(data);
    image_result_free(&r);
}

static void corpus_gps_photo_loses_its_gps(void **state)
{
    const char *src = CORPUS "/exiftool_GPS.jpg";
    assert_int_equal(access(src, R_OK), 0); /* select.h checked the corpus is there */
    VipsImage *orig = vips_image_new_from_file(src, NULL);
    assert_non_null(orig);
    assert_true(vips_image_get_typeof(orig, "exif-ifd3-GPSLatitude") != 0);
    g_object_unref(orig);

    char prefix[512];
    tmp_path(prefix, sizeof prefix, "gps");
    struct image_settings s;
    image_settings_default(&s);
    struct image_embed e = our_embed();
    struct image_result r;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(image_derive(src, &s, &e, prefix, &r, &d), ST_OK);
    assert_true(r.n_outputs >= 2);
    for (size_t i = 0; i < r.n_outputs; i++)
        assert_only_our_metadata(r.outputs[i].path, r.outputs[i].format);
    image_result_free(&r);
}

static void corpus_orientations_all_come_out_landscape(void **state)
{
    char src[512];
    snprintf(src, sizeof src, "%s/orient_Landscape_1.jpg", CORPUS);
    assert_int_equal(access(src, R_OK), 0); /* select.h checked the corpus is there */
    struct image_settings s;
    const unsigned w[] = {240, 480};
    settings_with(&s, w, 2);
    for (int o = 1; o <= 8; o++) {
        char prefix[512];
        snprintf(src, sizeof src, "%s/orient_Landscape_%d.jpg", CORPUS, o);
        snprintf(prefix, sizeof prefix, "%s/orient%d", tmpdir, o);
        struct image_result r;
        struct diag d;
        diag_clear(&d);
        assert_int_equal(image_derive(src, &s, NULL, prefix, &r, &d), ST_OK);
        assert_true(r.width > r.height);
        for (size_t i = 0; i < r.n_outputs; i++) {
            VipsImage *back = vips_image_new_from_file(r.outputs[i].path, NULL);
            assert_non_null(back);
            if (back->Xsize <= back->Ysize)
                fail_msg("orientation %d: %s is %dx%d", o, r.outputs[i].path, back->Xsize,
                         back->Ysize);
            g_object_unref(back);
        }
        /* Upright, all eight show the same picture as orientation 1. */
        char ref[600];
        snprintf(ref, sizeof ref, "%s/orient1-240.jpg", tmpdir);
        double diff = mean_abs_diff(ref, find_output(&r, IMAGE_JPEG, 240)->path);
        if (diff > 12)
            fail_msg("orientation %d: differs from orientation 1 by %.1f", o, diff);
        image_result_free(&r);
    }
}

static void truncated_jpeg_is_an_error_and_leaves_nothing(void **state)
{
    char full[512], src[512], prefix[512];
    tmp_path(full, sizeof full, "whole.jpg");
    tmp_path(src, sizeof src, "cut.jpg");
    tmp_path(prefix, sizeof prefix, "cut");
    VipsImage *im = make_scene(800, 600, NULL);
    save_jpeg(im, full);
    g_object_unref(im);
    write_cut_copy(full, src, 6, 10);
    struct diag d;

    struct image_settings s;
    image_settings_default(&s);
    struct image_result r;
    diag_clear(&d);
    enum status st = image_derive(src, &s, NULL, prefix, &r, &d);
    assert_int_equal(st, ST_TRUNCATED);
    assert_string_equal(d.file, src);
    assert_non_null(strstr(d.message, "Premature end"));
    assert_int_equal(r.n_outputs, 0);
    assert_null(r.outputs);
    assert_int_equal(count_files_with_prefix("cut-"), 0);
}

static void non_image_and_missing_files_get_clear_errors(void **state)
{
    char src[512], prefix[512];
    tmp_path(src, sizeof src, "notaphoto.jpg");
    tmp_path(prefix, sizeof prefix, "notaphoto");
    struct diag d;
    diag_clear(&d);
    static const char text[] = "this is a caption file, not a photo\n";
    assert_int_equal(file_write_atomic(src, text, sizeof text - 1, &d), ST_OK);

    struct image_settings s;
    image_settings_default(&s);
    struct image_result r;
    diag_clear(&d);
    assert_int_equal(image_derive(src, &s, NULL, prefix, &r, &d), ST_UNSUPPORTED);
    assert_string_equal(d.file, src);
    assert_non_null(strstr(d.message, "not a photo"));
    assert_int_equal(count_files_with_prefix("notaphoto-"), 0);

    tmp_path(src, sizeof src, "missing.jpg");
    diag_clear(&d);
    assert_int_equal(image_derive(src, &s, NULL, prefix, &r, &d), ST_NOT_FOUND);
    assert_string_equal(d.file, src);
}

static void too_many_pixels_is_refused_before_decoding(void **state)
{
    char small[512], src[512], prefix[512];
    tmp_path(small, sizeof small, "tiny.jpg");
    tmp_path(src, sizeof src, "huge.jpg");
    tmp_path(prefix, sizeof prefix, "huge");
    VipsImage *im = make_scene(16, 16, NULL);
    save_jpeg(im, small);
    g_object_unref(im);
    /* Say 60000×60000 in the frame header: 3.6 gigapixels of nothing. */
    uint8_t *data = NULL;
    size_t len = 0;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(file_read_all(small, 1 << 20, &data, &len, &d), ST_OK);
    bool patched = false;
    for (size_t i = 2; i + 9 < len; i++)
        if (data[i] == 0xff && (data[i + 1] == 0xc0 || data[i + 1] == 0xc2)) {
            data[i + 5] = data[i + 7] = 0xea; /* 0xea60 = 60000 */
            data[i + 6] = data[i + 8] = 0x60;
            patched = true;
            break;
        }
    assert_true(patched);
    assert_int_equal(file_write_atomic(src, data, len, &d), ST_OK);
    free(data);

    struct image_settings s;
    image_settings_default(&s);
    struct image_result r;
    diag_clear(&d);
    assert_int_equal(image_derive(src, &s, NULL, prefix, &r, &d), ST_LIMIT);
    assert_non_null(strstr(d.message, "60000x60000"));
    assert_int_equal(count_files_with_prefix("huge-"), 0);
}

static void transparency_is_kept_in_webp_and_flattened_in_jpeg(void **state)
{
    char src[512], prefix[512];
    tmp_path(src, sizeof src, "alpha.png");
    tmp_path(prefix, sizeof prefix, "alpha");
    VipsImage *rgb = make_scene(200, 100, NULL), *a = NULL, *rgba = NULL;
    assert_int_equal(vips_black(&a, 200, 100, NULL), 0); /* fully transparent */
    assert_int_equal(vips_bandjoin2(rgb, a, &rgba, NULL), 0);
    assert_int_equal(vips_pngsave(rgba, src, NULL), 0);
    g_object_unref(rgb);
    g_object_unref(a);
    g_object_unref(rgba);

    struct image_settings s;
    const unsigned w[] = {100};
    settings_with(&s, w, 1);
    struct image_result r;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(image_derive(src, &s, NULL, prefix, &r, &d), ST_OK);
    VipsImage *webp = vips_image_new_from_file(find_output(&r, IMAGE_WEBP, 100)->path, NULL);
    assert_int_equal(webp->Bands, 4);
    g_object_unref(webp);
    double px[3];
    pixel(find_output(&r, IMAGE_JPEG, 100)->path, 50, 25, px); /* white, not green */
    assert_true(px[0] > 240 && px[1] > 240 && px[2] > 240);
    image_result_free(&r);
}

/* Puts an APP2 ICC_PROFILE segment of junk after SOI (libvips's own
 * jpegsave refuses to write a profile lcms cannot read). */
static void insert_junk_icc(const char *path)
{
    uint8_t *data = NULL, *out = NULL;
    size_t len = 0;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(file_read_all(path, 1 << 24, &data, &len, &d), ST_OK);
    uint8_t seg[4 + 14 + 200] = {0xff, 0xe2, 0, sizeof seg - 2};
    memcpy(seg + 4, "ICC_PROFILE", 12);
    seg[16] = 1; /* chunk 1 of 1 */
    seg[17] = 1;
    memset(seg + 18, 0x5a, 200);
    seg[18 + 3] = 200; /* declared profile size 200, then nonsense */
    out = malloc(len + sizeof seg);
    assert_non_null(out);
    memcpy(out, data, 2);
    memcpy(out + 2, seg, sizeof seg);
    memcpy(out + 2 + sizeof seg, data + 2, len - 2);
    assert_int_equal(file_write_atomic(path, out, len + sizeof seg, &d), ST_OK);
    free(data);
    free(out);
}

/* Derives `src` at width 100 (JPEG + WebP) and returns the JPEG's
 * centre pixel and band count. */
static void derive_centre(const char *src, const char *prefix, double px[3], int *bands)
{
    struct image_settings s;
    const unsigned w[] = {100};
    settings_with(&s, w, 1);
    struct image_result r;
    struct diag d;
    diag_clear(&d);
    if (image_derive(src, &s, NULL, prefix, &r, &d) != ST_OK)
        fail_msg("%s: %s", d.file, d.message);
    const struct image_output *o = find_output(&r, IMAGE_JPEG, 100);
    assert_non_null(o);
    pixel(o->path, 50, (int)o->height / 2, px);
    VipsImage *back = vips_image_new_from_file(o->path, NULL);
    *bands = back->Bands;
    assert_int_equal(back->BandFmt, VIPS_FORMAT_UCHAR);
    g_object_unref(back);
    image_result_free(&r);
}

static void other_pixel_formats_come_out_as_8_bit_srgb_or_grey(void **state)
{
    char src[512], prefix[512];
    double px[3];
    int bands = 0;
    const double orange[3] = {200, 120, 40};

    /* a broken embedded profile: taken as sRGB, not a failed photo */
    tmp_path(src, sizeof src, "badicc.jpg");
    tmp_path(prefix, sizeof prefix, "badicc");
    VipsImage *im = make_scene(160, 120, orange);
    save_jpeg(im, src);
    g_object_unref(im);
    insert_junk_icc(src);
    VipsImage *check = vips_image_new_from_file(src, NULL);
    assert_true(vips_image_get_typeof(check, VIPS_META_ICC_NAME) != 0);
    g_object_unref(check);
    derive_centre(src, prefix, px, &bands);
    assert_int_equal(bands, 3);
    assert_true(px[0] > 185 && px[0] < 215 && px[1] > 105 && px[1] < 135);

    /* 16 bits per channel PNG */
    tmp_path(src, sizeof src, "deep.png");
    tmp_path(prefix, sizeof prefix, "deep");
    VipsImage *base = make_scene(160, 120, orange), *wide = NULL, *deep = NULL;
    assert_int_equal(vips_linear1(base, &wide, 257.0, 0.0, NULL), 0);
    assert_int_equal(vips_cast(wide, &deep, VIPS_FORMAT_USHORT, NULL), 0);
    VipsImage *rgb16 = NULL;
    assert_int_equal(vips_copy(deep, &rgb16, "interpretation", VIPS_INTERPRETATION_RGB16, NULL), 0);
    assert_int_equal(vips_pngsave(rgb16, src, "bitdepth", 16, NULL), 0);
    g_object_unref(base);
    g_object_unref(wide);
    g_object_unref(deep);
    g_object_unref(rgb16);
    derive_centre(src, prefix, px, &bands);
    assert_int_equal(bands, 3);
    assert_true(px[0] > 185 && px[0] < 215 && px[2] > 25 && px[2] < 55);

    /* CMYK JPEG (no profile: libvips's built-in CMYK profile) */
    tmp_path(src, sizeof src, "cmyk.jpg");
    tmp_path(prefix, sizeof prefix, "cmyk");
    VipsImage *black = NULL, *cmyk = NULL, *tagged = NULL;
    double ink[4] = {0, 255, 255, 0}; /* magenta + yellow = red */
    double one[4] = {1, 1, 1, 1};
    assert_int_equal(vips_black(&black, 160, 120, "bands", 4, NULL), 0);
    assert_int_equal(vips_linear(black, &cmyk, one, ink, 4, "uchar", TRUE, NULL), 0);
    assert_int_equal(vips_copy(cmyk, &tagged, "interpretation", VIPS_INTERPRETATION_CMYK, NULL), 0);
    assert_int_equal(vips_jpegsave(tagged, src, NULL), 0);
    g_object_unref(black);
    g_object_unref(cmyk);
    g_object_unref(tagged);
    derive_centre(src, prefix, px, &bands);
    assert_int_equal(bands, 3);
    assert_true(px[0] > 150 && px[1] < 110 && px[2] < 110);

    /* greyscale stays one channel */
    tmp_path(src, sizeof src, "grey.jpg");
    tmp_path(prefix, sizeof prefix, "grey");
    VipsImage *g0 = NULL, *g1 = NULL;
    assert_int_equal(vips_black(&g0, 160, 120, NULL), 0);
    assert_int_equal(vips_linear1(g0, &g1, 1.0, 90.0, "uchar", TRUE, NULL), 0);
    assert_int_equal(vips_jpegsave(g1, src, NULL), 0);
    g_object_unref(g0);
    g_object_unref(g1);
    derive_centre(src, prefix, px, &bands);
    assert_int_equal(bands, 1);
    assert_true(px[0] > 84 && px[0] < 96);
}

struct thread_job {
    char src[512], prefix[512];
    enum status st;
    size_t n;
};

static void *derive_thread(void *arg)
{
    struct thread_job *j = arg;
    struct image_settings s;
    const unsigned w[] = {100, 200};
    settings_with(&s, w, 2);
    struct image_result r;
    struct diag d;
    diag_clear(&d);
    j->st = image_derive(j->src, &s, NULL, j->prefix, &r, &d);
    j->n = r.n_outputs;
    image_result_free(&r);
    return NULL;
}

static void several_photos_at_once(void **state)
{
    struct thread_job jobs[4];
    pthread_t th[4];
    for (int i = 0; i < 4; i++) {
        char name[64];
        snprintf(name, sizeof name, "par%d.jpg", i);
        tmp_path(jobs[i].src, sizeof jobs[i].src, name);
        snprintf(name, sizeof name, "par%d", i);
        tmp_path(jobs[i].prefix, sizeof jobs[i].prefix, name);
        VipsImage *im = make_scene(400 + 40 * i, 300, NULL);
        save_jpeg(im, jobs[i].src);
        g_object_unref(im);
    }
    for (int i = 0; i < 4; i++)
        assert_int_equal(pthread_create(&th[i], NULL, derive_thread, &jobs[i]), 0);
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(jobs[i].st, ST_OK);
        assert_int_equal(jobs[i].n, 4);
    }
}

/* Mean squared error of b against a (same size), all bands: PSNR is
 * 10·log10(255² / mse), so 33 dB is an mse of 32.6. */
static double mse_of(VipsImage *a, VipsImage *b)
{
    VipsImage *diff = NULL, *sq = NULL;
    double mse = 0;
    assert_int_equal(a->Xsize, b->Xsize);
    assert_int_equal(a->Ysize, b->Ysize);
    assert_int_equal(vips_subtract(a, b, &diff, NULL), 0);
    assert_int_equal(vips_multiply(diff, diff, &sq, NULL), 0);
    assert_int_equal(vips_avg(sq, &mse, NULL), 0);
    g_object_unref(diff);
    g_object_unref(sq);
    return mse;
}

/*
 * Portraits are decoded at the smallest sufficient eighth (here 5/8 of
 * an 800 px upright width for 500 px, which libvips cannot do), turned
 * upright as they are materialised: every orientation must give what a
 * full decode, turned and resized with Lanczos3, gives.
 */
static void eighth_scaled_decode_matches_a_full_decode(void **state)
{
    /* a scene with detail: smooth gradient plus the test scene */
    VipsImage *scene = make_scene(1200, 800, NULL), *xy = NULL, *x = NULL, *grad = NULL,
              *sum = NULL, *src8 = NULL;
    assert_int_equal(vips_xyz(&xy, 1200, 800, NULL), 0);
    assert_int_equal(vips_extract_band(xy, &x, 0, NULL), 0);
    assert_int_equal(vips_linear1(x, &grad, 0.08, 0, NULL), 0);
    assert_int_equal(vips_add(scene, grad, &sum, NULL), 0);
    assert_int_equal(vips_cast(sum, &src8, VIPS_FORMAT_UCHAR, NULL), 0);
    VipsImage *base = vips_image_copy_memory(src8);
    assert_non_null(base);
    g_object_unref(scene);
    g_object_unref(xy);
    g_object_unref(x);
    g_object_unref(grad);
    g_object_unref(sum);
    g_object_unref(src8);
    for (int o = 1; o <= 8; o++) {
        char src[512], prefix[512], name[64];
        snprintf(name, sizeof name, "eighth%d.jpg", o);
        tmp_path(src, sizeof src, name);
        snprintf(name, sizeof name, "eighth%d", o);
        tmp_path(prefix, sizeof prefix, name);
        VipsImage *tagged = NULL;
        assert_int_equal(vips_copy(base, &tagged, NULL), 0);
        vips_image_set_int(tagged, VIPS_META_ORIENTATION, o);
        save_jpeg(tagged, src);
        g_object_unref(tagged);

        struct image_settings s;
        const unsigned w[] = {500};
        settings_with(&s, w, 1);
        struct image_result r;
        struct diag d;
        diag_clear(&d);
        assert_int_equal(image_derive(src, &s, NULL, prefix, &r, &d), ST_OK);
        const struct image_output *out = find_output(&r, IMAGE_WEBP, 500);
        assert_non_null(out);

        /* the reference: full decode, upright, Lanczos3 to the same size */
        VipsImage *full = vips_image_new_from_file(src, NULL), *up = NULL, *ref = NULL;
        assert_non_null(full);
        assert_int_equal(vips_autorot(full, &up, NULL), 0);
        assert_int_equal(vips_resize(up, &ref, 500.0 / up->Xsize, "vscale",
                                     (double)out->height / up->Ysize, "kernel",
                                     VIPS_KERNEL_LANCZOS3, NULL),
                         0);
        VipsImage *ours = vips_image_new_from_file(out->path, NULL);
        assert_non_null(ours);
        double mse = mse_of(ref, ours);
        if (mse > 32.6) /* below 33 dB PSNR */
            fail_msg("orientation %d: mean squared error %.1f against a full decode", o, mse);
        g_object_unref(ours);
        g_object_unref(ref);
        g_object_unref(up);
        g_object_unref(full);
        image_result_free(&r);
    }
    g_object_unref(base);
}

struct helper_job {
    struct image_pool *pool;
    double seconds;
};

static void *helper_thread(void *arg)
{
    struct helper_job *h = arg;
    h->seconds = image_pool_help(h->pool);
    return NULL;
}

static bool same_file(const char *a, const char *b)
{
    uint8_t *x = NULL, *y = NULL;
    size_t xl = 0, yl = 0;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(file_read_all(a, 64 << 20, &x, &xl, &d), ST_OK);
    assert_int_equal(file_read_all(b, 64 << 20, &y, &yl, &d), ST_OK);
    bool same = xl == yl && memcmp(x, y, xl) == 0;
    free(x);
    free(y);
    return same;
}

/*
 * The end of a build: a thread with no photo left helps the one still
 * deriving, taking its encodes and the making of its next widths (the
 * next width resampled on the helper's thread from the width the
 * photo's thread made). The outputs must be byte for byte those of a
 * derive alone, for a landscape and for a portrait turned upright on the
 * way, a failing photo must still fail cleanly (no files, no hang), and
 * both threads must come back.
 */
static void pooled_derive_matches_a_derive_alone(int orientation)
{
    char src[512], cut[512], alone[512], shared[512], broken[512], name[64];
#define POOL_PATH(var, what)                                                                       \
    snprintf(name, sizeof name, "pool%d%s", orientation, what);                                    \
    tmp_path(var, sizeof var, name)
    POOL_PATH(src, ".jpg");
    POOL_PATH(cut, "cut.jpg");
    POOL_PATH(alone, "alone");
    POOL_PATH(shared, "shared");
    POOL_PATH(broken, "broken");
#undef POOL_PATH
    VipsImage *im = make_scene(1600, 1000, NULL);
    vips_image_set_int(im, VIPS_META_ORIENTATION, orientation);
    save_jpeg(im, src);
    g_object_unref(im);
    write_cut_copy(src, cut, 1, 2);
    struct diag d;
    diag_clear(&d);

    struct image_settings s;
    const unsigned w[] = {200, 400, 800, 1000};
    settings_with(&s, w, 4);
    struct image_result a, b, c;
    assert_int_equal(image_derive(src, &s, NULL, alone, &a, &d), ST_OK);

    struct image_pool *pool = image_pool_new(2);
    assert_non_null(pool);
    struct helper_job h = {pool, 0};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, helper_thread, &h), 0);
    usleep(50 * 1000); /* let it wait for work, as at the end of a build */
    diag_clear(&d);
    assert_int_equal(image_derive_pooled(cut, &s, NULL, broken, pool, &c, &d), ST_TRUNCATED);
    snprintf(name, sizeof name, "pool%dbroken", orientation);
    assert_int_equal(count_files_with_prefix(name), 0);
    diag_clear(&d);
    assert_int_equal(image_derive_pooled(src, &s, NULL, shared, pool, &b, &d), ST_OK);
    (void)image_pool_help(pool);
    pthread_join(th, NULL);
    image_pool_free(pool);

    assert_int_equal(a.n_outputs, 8);
    assert_int_equal(b.n_outputs, a.n_outputs);
    assert_int_equal(b.width, orientation >= 5 ? 1000 : 1600);
    for (size_t i = 0; i < a.n_outputs; i++) {
        assert_int_equal(a.outputs[i].format, b.outputs[i].format);
        assert_int_equal(a.outputs[i].width, b.outputs[i].width);
        assert_int_equal(a.outputs[i].height, b.outputs[i].height);
        assert_int_equal(a.outputs[i].bytes, b.outputs[i].bytes);
        if (!same_file(a.outputs[i].path, b.outputs[i].path))
            fail_msg("%s differs from %s", b.outputs[i].path, a.outputs[i].path);
    }
    assert_memory_equal(a.dominant_rgb, b.dominant_rgb, 3);
    print_message("orientation %d: the helper worked for %.3f s\n", orientation, h.seconds);
    image_result_free(&a);
    image_result_free(&b);
}

static void an_idle_thread_takes_encodes_and_widths_of_a_photo_in_flight(void **state)
{
    pooled_derive_matches_a_derive_alone(1);
    pooled_derive_matches_a_derive_alone(6);
}

static void a_block_too_large_for_jpeg_is_refused(void **state)
{
    char src[512], prefix[512];
    tmp_path(src, sizeof src, "bigxmp.jpg");
    tmp_path(prefix, sizeof prefix, "bigxmp");
    VipsImage *im = make_scene(64, 48, NULL);
    save_jpeg(im, src);
    g_object_unref(im);
    /* one JPEG segment holds 65533 bytes; we write no Extended XMP */
    size_t n = 70000;
    uint8_t *xmp = malloc(n);
    assert_non_null(xmp);
    memset(xmp, ' ', n);
    struct image_embed e = our_embed();
    e.xmp = span_make(xmp, n);
    struct image_settings s;
    image_settings_default(&s);
    struct image_result r;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(image_derive(src, &s, &e, prefix, &r, &d), ST_LIMIT);
    assert_string_equal(d.field, "XMP");
    assert_string_equal(d.file, src);
    assert_int_equal(count_files_with_prefix("bigxmp-"), 0);
    free(xmp);
}

static void bad_settings_are_refused(void **state)
{
    struct image_settings s;
    image_settings_default(&s);
    s.n_widths = 0;
    struct image_result r;
    struct diag d;
    diag_clear(&d);
    assert_int_equal(image_derive("/nonexistent.jpg", &s, NULL, "/tmp/x", &r, &d), ST_USAGE);
    image_settings_default(&s);
    s.formats[IMAGE_JPEG] = s.formats[IMAGE_WEBP] = false;
    assert_int_equal(image_derive("/nonexistent.jpg", &s, NULL, "/tmp/x", &r, &d), ST_USAGE);
    assert_string_equal(image_format_ext(IMAGE_AVIF), "avif");
    assert_string_equal(image_format_mime(IMAGE_WEBP), "image/webp");
}

static int setup(void **state)
{
    struct diag d;
    diag_clear(&d);
    log_set_level(LOG_ERROR);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_image.XXXXXX");
    if (!mkdtemp(tmpdir))
        return -1;
    return image_init("test_image", 1, &d) == ST_OK ? 0 : -1;
}

static int teardown(void **state)
{
    DIR *dir = opendir(tmpdir);
    struct dirent *e;
    while (dir && (e = readdir(dir))) {
        char p[600];
        if (e->d_name[0] == '.')
            continue;
        snprintf(p, sizeof p, "%s/%s", tmpdir, e->d_name);
        unlink(p);
    }
    if (dir)
        closedir(dir);
    rmdir(tmpdir);
    image_shutdown();
    return 0;
}

int main(int argc, char **argv)
{
    ts_unit_select(argc, argv);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(widths_are_never_upscaled),
        cmocka_unit_test(small_photo_gives_one_output_at_its_own_width),
        cmocka_unit_test(orientation_6_comes_out_upright),
        cmocka_unit_test(adobe_rgb_is_converted_to_srgb),
        cmocka_unit_test(outputs_carry_only_our_metadata),
        cmocka_unit_test(corpus_gps_photo_loses_its_gps),
        cmocka_unit_test(corpus_orientations_all_come_out_landscape),
        cmocka_unit_test(truncated_jpeg_is_an_error_and_leaves_nothing),
        cmocka_unit_test(non_image_and_missing_files_get_clear_errors),
        cmocka_unit_test(too_many_pixels_is_refused_before_decoding),
        cmocka_unit_test(transparency_is_kept_in_webp_and_flattened_in_jpeg),
        cmocka_unit_test(other_pixel_formats_come_out_as_8_bit_srgb_or_grey),
        cmocka_unit_test(several_photos_at_once),
        cmocka_unit_test(eighth_scaled_decode_matches_a_full_decode),
        cmocka_unit_test(an_idle_thread_takes_encodes_and_widths_of_a_photo_in_flight),
        cmocka_unit_test(a_block_too_large_for_jpeg_is_refused),
        cmocka_unit_test(bad_settings_are_refused),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
