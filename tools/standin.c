/*
 * standin.c — makes the example site's stand-in photographs: JPEGs that
 * are visibly marked as stand-ins (we publish no third-party pictures)
 * but carry real newsroom metadata — the seed story's two captions,
 * creator, credit, copyright, date and place as IPTC IIM and XMP —
 * written by our own metadata writer (src/meta), exactly as a
 * captioning tool would leave them. Headline (as Title), caption and
 * alt text are XMP Lang Alt in English (also x-default) and Korean, so
 * the example's Korean pages take theirs from the photo; the IIM
 * caption is the English one (IIM has no languages).
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
    const char *headline_ko, *caption_ko, *alt_ko;
};

static const struct standin photos[] = {
    {"kim-ryon-hui-01.jpg", 2400, 3000, {128, 138, 150},
     "Kim Ryon-hui at her home in Seoul",
     "North Korean defector Kim Ryon-hui is directed to look to the left of the frame by Seoul "
     "photographer Jun Michael Park in a portrait setting at her home in Seoul.",
     "Stand-in image: a blue-grey field with the words \"Stand-in photograph\". The original "
     "portrait shows Kim Ryon-hui at home, looking to the left of the frame.",
     "서울 자택의 김련희",
     "서울의 사진가 박준이 자택에서 초상을 찍으며 북한이탈주민 김련희 씨에게 화면 왼쪽을 "
     "바라보라고 청하고 있다.",
     "대역 이미지: \"Stand-in photograph\"라는 글자가 적힌 청회색 바탕. 원본 초상에서 김련희 "
     "씨는 집에서 화면 왼쪽을 바라보고 있다."},
    {"kim-ryon-hui-02.jpg", 3600, 2400, {150, 140, 128},
     "Portrait of Kim Ryon-hui, self-proclaimed Pyongyang citizen",
     "A portrait of North Korean defector and self-proclaimed Pyongyang citizen Kim Ryon-hui at "
     "her apartment in Seoul, South Korea, 27 Jan 2022. Ms. Kim claims that she was coerced by a "
     "broker into defecting to the South 11 years ago and has been campaigning to be repatriated "
     "since then.",
     "Stand-in image: a warm grey field with the words \"Stand-in photograph\". The original "
     "portrait shows Kim Ryon-hui in her apartment in Seoul.",
     "스스로 평양 시민이라 말하는 김련희의 초상",
     "2022년 1월 27일, 서울의 아파트에서 만난 김련희 씨. 그는 11년 전 브로커에게 속아 남쪽으로 "
     "오게 되었다고 말하며, 그때부터 북으로 돌려보내 달라고 요구해 왔다. 스스로를 평양 시민이라 "
     "부른다.",
     "대역 이미지: \"Stand-in photograph\"라는 글자가 적힌 따뜻한 회색 바탕. 원본 초상에서 "
     "김련희 씨는 서울의 아파트에 있다."},
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

/* A Lang Alt of English (first, as x-default too) and Korean. */
static void en_ko(struct meta_lang_alt *a, const char *en, const char *ko)
{
    static const char *const tags[] = {"x-default", "en", "ko"};
    a->items = calloc(3, sizeof *a->items);
    if (!a->items) {
        fprintf(stderr, "standin: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < 3; i++) {
        a->items[i].lang = dup_or_die(tags[i]);
        a->items[i].value = dup_or_die(i < 2 ? en : ko);
    }
    a->n = 3;
}

static struct photo_meta *metadata_for(const struct standin *s)
{
    struct photo_meta *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->headline = dup_or_die(s->headline);
    m->description = dup_or_die(s->caption);
    m->alt_text = dup_or_die(s->alt);
    m->title = dup_or_die(s->headline);
    en_ko(&m->description_langs, s->caption, s->caption_ko);
    en_ko(&m->alt_text_langs, s->alt, s->alt_ko);
    en_ko(&m->title_langs, s->headline, s->headline_ko);
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

/* A soft vertical gradient in the tint, a dark head-and-shoulders
 * outline where the sitter was (so the frame reads as a portrait and a
 * wrong rotation or crop shows), and the stand-in label in white. */
static VipsImage *draw(const struct standin *s)
{
    VipsImage *base = vips_image_new();
    VipsImage **t = (VipsImage **)vips_object_local_array(VIPS_OBJECT(base), 16);
    VipsImage *out = NULL;
    double zero[3] = {0, 0, 0};
    /* background: brightness 1.1 at the top to 0.75 at the bottom */
    if (vips_xyz(&t[0], s->width, s->height, NULL) ||
        vips_extract_band(t[0], &t[1], 1, NULL) ||
        vips_linear1(t[1], &t[2], -0.35 / s->height, 1.1, NULL) ||
        /* a one-band image times three constants gives three bands */
        vips_linear(t[2], &t[4], (double *)s->tint, zero, 3, NULL) ||
        vips_cast(t[4], &t[5], VIPS_FORMAT_UCHAR, NULL) ||
        vips_copy(t[5], &t[6], "interpretation", VIPS_INTERPRETATION_sRGB, NULL) ||
        vips_image_wio_input(t[6]))
        goto abort;
    double shade[3] = {s->tint[0] * 0.4, s->tint[1] * 0.4, s->tint[2] * 0.4};
    int cx = s->width / 2, cy = s->height * 2 / 5;
    int unit = (s->width < s->height ? s->width : s->height) / 9;
    if (vips_draw_circle(t[6], shade, 3, cx, cy, unit, "fill", TRUE, NULL) ||
        vips_draw_circle(t[6], shade, 3, cx, cy + unit * 4, unit * 3, "fill", TRUE, NULL))
        goto abort;
    /* label: white text, antialiased, in the lower part of the frame */
    if (vips_text(&t[7],
                  "<b>STAND-IN PHOTOGRAPH</b>\nnot the original portrait \u00b7 "
                  "made by tearsheet for the example site",
                  "width", s->width * 4 / 5, "dpi", s->width / 4, "align", VIPS_ALIGN_CENTRE,
                  "font", "DejaVu Sans 10", NULL))
        goto abort;
    /* centred at 62% of the height: inside the 3:2 crop the index page
     * shows of a portrait, and on the dark shoulders for contrast */
    int top = s->height * 62 / 100 - t[7]->Ysize / 2;
    if (vips_embed(t[7], &t[8], (s->width - t[7]->Xsize) / 2, top, s->width, s->height, NULL) ||
        vips_linear1(t[8], &t[9], 1.0 / 255, 0, NULL) ||         /* alpha 0..1 */
        vips_linear1(t[6], &t[10], -1, 255, NULL) ||              /* 255 - bg */
        vips_multiply(t[10], t[9], &t[11], NULL) ||               /* (255 - bg) * alpha */
        vips_add(t[6], t[11], &t[12], NULL) ||                    /* bg + that */
        vips_cast(t[12], &out, VIPS_FORMAT_UCHAR, NULL))
        goto abort;
    out->Type = VIPS_INTERPRETATION_sRGB;
    g_object_unref(base);
    return out;
abort:
    VIPS_UNREF(out);
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
