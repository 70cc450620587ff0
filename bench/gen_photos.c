/*
 * gen_photos.c — makes deterministic benchmark photos that compress like
 * camera files: 6000×4000 JPEG q92, a smooth sky/ground scene with soft
 * shapes plus sensor-like grain. Photo i gets an Adobe RGB profile when
 * i % 3 == 1 (if a profile file is given), orientation 6 when
 * i % 4 == 1 and 8 when i % 4 == 3. Same N, same files, every run.
 * Built and run by bench/run.sh; independent of the tearsheet build.
 *
 * Must never: write outside OUTDIR, or depend on time or randomness
 * that is not seeded by the photo number.
 *
 * usage: gen_photos OUTDIR N [ADOBE_RGB_ICC] [WIDTH HEIGHT]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vips/vips.h>

static unsigned lcg(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 8) & 0xffffff;
}

/* One photo: sky gradient over a ground gradient, a sun and a few soft
 * blobs (blurred discs), then grain. Returns 0 on success. */
static int make_photo(const char *path, int i, int w, int h, const void *icc, size_t icc_len)
{
    unsigned seed = 1000u + (unsigned)i * 7919u;
    VipsImage *t[16] = {NULL};
    int rc = -1;
    int horizon = h / 2 + (int)(lcg(&seed) % (unsigned)(h / 4)) - h / 8;

    /* y ramp 0..1 → sky (blue to pale) above the horizon, ground below */
    double sky_top[3] = {40 + lcg(&seed) % 40, 90 + lcg(&seed) % 40, 170 + lcg(&seed) % 60};
    double sky_bot[3] = {200, 210, 225};
    double gnd_top[3] = {90 + lcg(&seed) % 60, 110 + lcg(&seed) % 40, 50 + lcg(&seed) % 30};
    double gnd_bot[3] = {40, 45, 30};
    double sky_a[3], sky_b[3], gnd_a[3], gnd_b[3];
    for (int k = 0; k < 3; k++) {
        sky_a[k] = (sky_bot[k] - sky_top[k]) / horizon;
        sky_b[k] = sky_top[k];
        gnd_a[k] = (gnd_bot[k] - gnd_top[k]) / (h - horizon);
        gnd_b[k] = gnd_top[k] - gnd_a[k] * horizon;
    }
    if (vips_xyz(&t[0], w, h, NULL) || vips_extract_band(t[0], &t[1], 1, NULL))
        goto abort;
    VipsImage *yyy[3] = {t[1], t[1], t[1]}; /* the row number in every band */
    if (vips_bandjoin(yyy, &t[2], 3, NULL) || vips_linear(t[2], &t[6], sky_a, sky_b, 3, NULL) ||
        vips_linear(t[2], &t[7], gnd_a, gnd_b, 3, NULL) ||
        vips_more_const1(t[1], &t[8], (double)horizon, NULL) ||
        vips_ifthenelse(t[8], t[7], t[6], &t[9], NULL))
        goto abort;
    VipsImage *scene = vips_image_copy_memory(t[9]);
    if (!scene)
        goto abort;
    t[10] = scene;
    /* a sun and some blobs: soft-edged discs */
    double sun[3] = {255, 245, 220};
    vips_draw_circle(scene, sun, 3, (int)(lcg(&seed) % (unsigned)w), horizon / 3,
                     h / 20 + (int)(lcg(&seed) % (unsigned)(h / 20)), "fill", TRUE, NULL);
    for (int b = 0; b < 12; b++) {
        double c[3] = {lcg(&seed) % 200, lcg(&seed) % 200, lcg(&seed) % 200};
        int cx = (int)(lcg(&seed) % (unsigned)w);
        int cy = horizon + (int)(lcg(&seed) % (unsigned)(h - horizon));
        int r = h / 40 + (int)(lcg(&seed) % (unsigned)(h / 10));
        vips_draw_circle(scene, c, 3, cx, cy, r, "fill", TRUE, NULL);
    }
    /* soften the shapes like a lens would, then camera grain */
    if (vips_gaussblur(scene, &t[11], 3.0, "precision", VIPS_PRECISION_INTEGER, NULL) ||
        vips_gaussnoise(&t[12], w, h, "sigma", 5.0, "mean", 0.0, "seed", (int)seed, NULL))
        goto abort;
    VipsImage *noise3[3] = {t[12], t[12], t[12]};
    if (vips_bandjoin(noise3, &t[13], 3, NULL) || vips_add(t[11], t[13], &t[14], NULL) ||
        vips_cast(t[14], &t[15], VIPS_FORMAT_UCHAR, NULL))
        goto abort;
    VipsImage *out = t[15];
    VipsImage *final = NULL;
    if (vips_copy(out, &final, "interpretation", VIPS_INTERPRETATION_sRGB, NULL))
        goto abort;
    if (icc && i % 3 == 1)
        vips_image_set_blob_copy(final, VIPS_META_ICC_NAME, icc, icc_len);
    if (i % 4 == 1)
        vips_image_set_int(final, VIPS_META_ORIENTATION, 6);
    else if (i % 4 == 3)
        vips_image_set_int(final, VIPS_META_ORIENTATION, 8);
    vips_image_set_string(final, "exif-ifd0-Make", "BenchCam");
    vips_image_set_string(final, "exif-ifd0-Model", "BC-1");
    rc = vips_jpegsave(final, path, "Q", 92, NULL);
    g_object_unref(final);
abort:
    for (int k = 0; k < 16; k++)
        if (t[k])
            g_object_unref(t[k]);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: gen_photos OUTDIR N [ADOBE_RGB_ICC] [WIDTH HEIGHT]\n");
        return 2;
    }
    if (VIPS_INIT(argv[0]))
        return 1;
    int n = atoi(argv[2]);
    int w = argc > 5 ? atoi(argv[4]) : 6000, h = argc > 5 ? atoi(argv[5]) : 4000;
    gchar *icc = NULL;
    gsize icc_len = 0;
    if (argc > 3 && argv[3][0] && !g_file_get_contents(argv[3], &icc, &icc_len, NULL)) {
        fprintf(stderr, "gen_photos: cannot read %s\n", argv[3]);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/photo-%03d.jpg", argv[1], i);
        if (make_photo(path, i, w, h, icc, icc_len)) {
            fprintf(stderr, "gen_photos: %s: %s\n", path, vips_error_buffer());
            return 1;
        }
        printf("%s\n", path);
    }
    g_free(icc);
    vips_shutdown();
    return 0;
}
