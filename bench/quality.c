/*
 * quality.c — how close a derivative is to a reference image of the same
 * size: PSNR over all RGB bands, and SSIM (Wang et al. 2004: Gaussian
 * window sigma 1.5, K1 0.01, K2 0.03, on Rec.601 luma, mean of the map).
 * Built and run by bench/run.sh for its quality table; libvips only.
 *
 * Must never: write anything (it prints one line: "PSNR_dB SSIM").
 *
 * usage: quality REFERENCE IMAGE
 */
#include <math.h>
#include <stdio.h>

#include <vips/vips.h>

#define N 24 /* images made on the way, unreffed at the end */

int main(int argc, char **argv)
{
    VipsImage *t[N] = {NULL};
    int rc = 1;
    if (VIPS_INIT(argv[0]))
        return 1;
    if (argc != 3) {
        fprintf(stderr, "usage: quality REFERENCE IMAGE\n");
        goto abort;
    }
    if (!(t[0] = vips_image_new_from_file(argv[1], NULL)) ||
        !(t[1] = vips_image_new_from_file(argv[2], NULL)))
        goto fail;
    if (t[0]->Xsize != t[1]->Xsize || t[0]->Ysize != t[1]->Ysize) {
        fprintf(stderr, "quality: %s is %dx%d, %s is %dx%d\n", argv[1], t[0]->Xsize, t[0]->Ysize,
                argv[2], t[1]->Xsize, t[1]->Ysize);
        goto abort;
    }
    /* PSNR, all bands */
    double mse = 0;
    if (vips_subtract(t[0], t[1], &t[2], NULL) || vips_multiply(t[2], t[2], &t[3], NULL) ||
        vips_avg(t[3], &mse, NULL))
        goto fail;
    double psnr = mse > 0 ? 10 * log10(255.0 * 255.0 / mse) : 99.0;

    /* SSIM on luma */
    double luma[3] = {0.299, 0.587, 0.114};
    VipsImage *m = vips_image_new_matrix_from_array(3, 1, luma, 3);
    t[4] = m;
    VipsImage *x, *y;
    if (t[0]->Bands >= 3) {
        if (vips_extract_band(t[0], &t[5], 0, "n", 3, NULL) ||
            vips_extract_band(t[1], &t[6], 0, "n", 3, NULL) || vips_recomb(t[5], &t[7], m, NULL) ||
            vips_recomb(t[6], &t[8], m, NULL))
            goto fail;
        x = t[7];
        y = t[8];
    } else {
        if (vips_cast(t[0], &t[7], VIPS_FORMAT_FLOAT, NULL) ||
            vips_cast(t[1], &t[8], VIPS_FORMAT_FLOAT, NULL))
            goto fail;
        x = t[7];
        y = t[8];
    }
    const double s = 1.5, c1 = (0.01 * 255) * (0.01 * 255), c2 = (0.03 * 255) * (0.03 * 255);
    /* means, second moments, then the map */
    if (vips_gaussblur(x, &t[9], s, "precision", VIPS_PRECISION_FLOAT, NULL) ||
        vips_gaussblur(y, &t[10], s, "precision", VIPS_PRECISION_FLOAT, NULL) ||
        vips_multiply(x, x, &t[11], NULL) || vips_multiply(y, y, &t[12], NULL) ||
        vips_multiply(x, y, &t[13], NULL) ||
        vips_gaussblur(t[11], &t[14], s, "precision", VIPS_PRECISION_FLOAT, NULL) ||
        vips_gaussblur(t[12], &t[15], s, "precision", VIPS_PRECISION_FLOAT, NULL) ||
        vips_gaussblur(t[13], &t[16], s, "precision", VIPS_PRECISION_FLOAT, NULL))
        goto fail;
    VipsImage *mx = t[9], *my = t[10];
    VipsImage *mxx = NULL, *myy = NULL, *mxy = NULL, *num1 = NULL, *num2 = NULL, *den1 = NULL,
              *den2 = NULL, *vx = NULL, *vy = NULL, *cxy = NULL, *num = NULL, *den = NULL,
              *map = NULL, *sxy = NULL;
    double ssim = 0;
    int bad = vips_multiply(mx, mx, &mxx, NULL) || vips_multiply(my, my, &myy, NULL) ||
              vips_multiply(mx, my, &mxy, NULL) ||
              vips_linear1(mxy, &num1, 2, c1, NULL) || /* 2 mx my + C1 */
              vips_subtract(t[16], mxy, &cxy, NULL) || /* cov */
              vips_linear1(cxy, &num2, 2, c2, NULL) || /* 2 cov + C2 */
              vips_add(mxx, myy, &sxy, NULL) ||        /* mx² + my² */
              vips_linear1(sxy, &den1, 1, c1, NULL) || /* + C1 */
              vips_subtract(t[14], mxx, &vx, NULL) ||  /* var x */
              vips_subtract(t[15], myy, &vy, NULL) ||  /* var y */
              vips_add(vx, vy, &t[17], NULL) || vips_linear1(t[17], &den2, 1, c2, NULL) ||
              vips_multiply(num1, num2, &num, NULL) || vips_multiply(den1, den2, &den, NULL) ||
              vips_divide(num, den, &map, NULL) || vips_avg(map, &ssim, NULL);
    VipsImage *extra[] = {mxx, myy, mxy, num1, num2, den1, den2, vx, vy, cxy, num, den, map, sxy};
    for (size_t i = 0; i < sizeof extra / sizeof *extra; i++)
        VIPS_UNREF(extra[i]);
    if (bad)
        goto fail;
    printf("%.2f %.4f\n", psnr, ssim);
    rc = 0;
    goto abort;
fail:
    fprintf(stderr, "quality: %s", vips_error_buffer());
abort:
    for (int i = 0; i < N; i++)
        VIPS_UNREF(t[i]);
    vips_shutdown();
    return rc;
}
