/*
 * standin.c — makes the example site's stand-in photographs: JPEGs that
 * are visibly marked as stand-ins (we publish no third-party pictures)
 * but carry real newsroom metadata — the seed story's two captions,
 * creator, credit, copyright, date and place as IPTC IIM and XMP —
 * written by our own metadata writer (src/meta), exactly as a
 * captioning tool would leave them.
 *
 * usage: standin OUTDIR     writes OUTDIR/kim-ryon-hui-01.jpg and -02.jpg
 * Deterministic: the same bytes every run. Must never: overwrite a file
 * that is not one of its own two outputs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vips/vips.h>

#include "base/base.h"
#include "meta/meta.h"

struct standin {
    const char *file;
    int width, height;
    double tint[3]; /* background colour, so the two are told apart */
    const char *headline;
    const char *caption;
    const char *alt;
};

static const struct standin photos[] = {
    {"kim-ryon-hui-01.jpg", 2400, 3000, {92, 104, 118},
     "Kim Ryon-hui at her home in Seoul",
     "North Korean defector Kim Ryon-hui is directed to look to the left of the frame by Seoul "
     "photographer Jun Michael Park in a portrait setting at her home in Seoul.",
     "Stand-in image: a blue-grey field with the words \"Stand-in photograph\". The original "
     "portrait shows Kim Ryon-hui at home, looking to the left of the frame."},
    {"kim-ryon-hui-02.jpg", 3600, 2400, {118, 106, 96},
     "Portrait of Kim Ryon-hui, self-proclaimed Pyongyang citizen",
     "A portrait of North Korean defector and self-proclaimed Pyongyang citizen Kim Ryon-hui at "
     "her apartment in Seoul, South Korea, 27 Jan 2022. Ms. Kim claims that she was coerced by a "
     "broker into defecting to the South 11 years ago and has been campaigning to be repatriated "
     "since then.",
     "Stand-in image: a warm grey field with the words \"Stand-in photograph\". The original "
     "portrait shows Kim Ryon-hui in her apartment in Seoul."},
};

static char *dup_or_die(const char *s)
{
    char *p = str_dup(s);
    if (!p) {
        fprintf(stderr, "standin: out of memory\n");
        exit(1);
    }
    return p;
}

static struct photo_meta *metadata_for(const struct standin *s)
{
    struct photo_meta *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->headline = dup_or_die(s->headline);
    m->description = dup_or_die(s->caption);
    m->alt_text = dup_or_die(s->alt);
    m->title = dup_or_die(s->file);
    m->creator.items = calloc(1, sizeof *m->creator.items);
    m->creator.items[0] = dup_or_die("Jun Michael Park");
    m->creator.n = 1;
    m->creator_job_title = dup_or_die("Photographer");
    m->credit_line = dup_or_die("Jun Michael Park");
    m->source = dup_or_die("Jun Michael Park");
    m->copyright_notice = dup_or_die("© 2022 Jun Michael Park. All rights reserved.");
    m->web_statement = dup_or_die("http://127.0.0.1:8080/licensing/");
    m->licensor_url = dup_or_die("http://127.0.0.1:8080/licensing/");
    m->usage_terms = dup_or_die("Editorial use only. Contact the photographer to license.");
    m->date_created = dup_or_die("2022-01-27");
    m->city = dup_or_die("Seoul");
    m->country = dup_or_die("South Korea");
    m->country_code = dup_or_die("KOR");
    m->keywords.items = calloc(3, sizeof *m->keywords.items);
    m->keywords.items[0] = dup_or_die("Kim Ryon-hui");
    m->keywords.items[1] = dup_or_die("North Korea");
    m->keywords.items[2] = dup_or_die("portrait");
    m->keywords.n = 3;
    m->orientation = 1;
    return m;
}

/* A soft vertical gradient in the tint, a darker ellipse where a sitter
 * would be, and the stand-in label. */
static VipsImage *draw(const struct standin *s)
{
    VipsImage *base = vips_image_new();
    VipsImage **t = (VipsImage **)vips_object_local_array(VIPS_OBJECT(base), 12);
    double ink[3];
    /* gradient: y / height in 0..1 */
    if (vips_xyz(&t[0], s->width, s->height, NULL) ||
        vips_extract_band(t[0], &t[1], 1, NULL) ||
        vips_linear1(t[1], &t[2], -0.35 / s->height, 1.1, NULL))
        goto abort;
    for (int i = 0; i < 3; i++)
        ink[i] = s->tint[i];
    double one[3] = {1, 1, 1};
    if (vips_bandjoin_const(t[2], &t[3], one, 2, NULL) ||
        vips_linear(t[3], &t[4], ink, (double[]){0, 0, 0}, 3, NULL))
        goto abort;
    /* the label, white, centred */
    int dpi = s->width / 8;
    if (vips_text(&t[5], "<b>STAND-IN PHOTOGRAPH</b>\nnot the original portrait\n"
                         "made by tearsheet for the example site",
                  "width", s->width * 3 / 4, "dpi", dpi / 4, "align", VIPS_ALIGN_CENTRE,
                  "font", "DejaVu Sans 12", NULL))
        goto abort;
    if (vips_embed(t[5], &t[6], (s->width - t[5]->Xsize) / 2, (s->height - t[5]->Ysize) / 2,
                   s->width, s->height, NULL) ||
        vips_linear1(t[6], &t[7], 0.9, 0, NULL) ||
        vips_bandjoin_const1(t[7], &t[8], 0, NULL))
        goto abort;
    /* blend: out = bg + label * (255 - bg) / 255 */
    if (vips_extract_band(t[8], &t[9], 0, NULL) ||
        vips_linear1(t[9], &t[10], 1.0 / 255, 0, NULL))
        goto abort;
    VipsImage *inv = NULL, *mix = NULL, *sum = NULL, *out = NULL;
    if (vips_linear1(t[4], &inv, -1, 255, NULL) || vips_multiply(inv, t[10], &mix, NULL) ||
        vips_add(t[4], mix, &sum, NULL) || vips_cast(sum, &out, VIPS_FORMAT_UCHAR, NULL)) {
        VIPS_UNREF(inv);
        VIPS_UNREF(mix);
        VIPS_UNREF(sum);
        goto abort;
    }
    VIPS_UNREF(inv);
    VIPS_UNREF(mix);
    VIPS_UNREF(sum);
    vips_image_set_int(out, "interpretation", VIPS_INTERPRETATION_sRGB);
    out->Type = VIPS_INTERPRETATION_sRGB;
    g_object_unref(base);
    return out;
abort:
    g_object_unref(base);
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: standin OUTDIR\n");
        return 2;
    }
    if (VIPS_INIT(argv[0]))
        vips_error_exit("standin: cannot start libvips");
    struct diag d;
    diag_clear(&d);
    if (file_mkdirs(argv[1], &d) != ST_OK) {
        log_diag(LOG_ERROR, &d);
        return 1;
    }
    for (size_t i = 0; i < sizeof photos / sizeof *photos; i++) {
        const struct standin *s = &photos[i];
        char path[TS_LIMIT_PATH];
        if (!path_join(path, sizeof path, argv[1], s->file)) {
            fprintf(stderr, "standin: path too long\n");
            return 1;
        }
        struct photo_meta *m = metadata_for(s);
        struct meta_keep keep;
        meta_keep_default(&keep);
        struct meta_blobs blobs = {0};
        if (!m || meta_write_rights(m, &keep, &blobs, &d) != ST_OK) {
            log_diag(LOG_ERROR, &d);
            return 1;
        }
        VipsImage *img = draw(s);
        if (!img)
            vips_error_exit("standin: cannot draw %s", s->file);
        vips_image_set_blob_copy(img, "exif-data", blobs.exif, blobs.exif_len);
        vips_image_set_blob_copy(img, "xmp-data", blobs.xmp, blobs.xmp_len);
        vips_image_set_blob_copy(img, "iptc-data", blobs.iptc, blobs.iptc_len);
        if (vips_jpegsave(img, path, "Q", 90, "optimize_coding", TRUE, NULL))
            vips_error_exit("standin: cannot write %s", path);
        printf("%s\n", path);
        g_object_unref(img);
        meta_blobs_free(&blobs);
        meta_free(m);
    }
    vips_shutdown();
    return 0;
}
