/*
 * format.c — the parts of the image module's API that need no libvips:
 * format names and types, the default settings, freeing a result. The
 * site module calls these on every build, cached photos included, so
 * they live outside the libvips-using code (image.c), which the
 * tearsheet binary loads only when a photo must be encoded (lazy.c).
 *
 * Must never: call libvips or allocate anything but what a result owns.
 * Implements DESIGN.md "Pipeline" (derivative names and settings).
 */
#include <stdlib.h>
#include <string.h>

#include "image/image.h"

const char *image_format_ext(enum image_format f)
{
    switch (f) {
    case IMAGE_JPEG:
        return "jpg";
    case IMAGE_WEBP:
        return "webp";
    case IMAGE_AVIF:
        return "avif";
    default:
        return "bin";
    }
}

const char *image_format_mime(enum image_format f)
{
    switch (f) {
    case IMAGE_JPEG:
        return "image/jpeg";
    case IMAGE_WEBP:
        return "image/webp";
    case IMAGE_AVIF:
        return "image/avif";
    default:
        return "application/octet-stream";
    }
}

void image_settings_default(struct image_settings *s)
{
    static const unsigned widths[] = {480, 960, 1600, 2400};
    memset(s, 0, sizeof *s);
    memcpy(s->widths, widths, sizeof widths);
    s->n_widths = sizeof widths / sizeof widths[0];
    s->formats[IMAGE_JPEG] = true;
    s->formats[IMAGE_WEBP] = true;
    s->formats[IMAGE_AVIF] = false; /* AV1 encoding costs ~10x WebP; sites opt in */
    s->jpeg_quality = 82;
    s->webp_quality = 80;
    s->webp_effort = 4;
    s->avif_quality = 60;
    s->avif_effort = 4;
}

void image_result_free(struct image_result *r)
{
    if (!r)
        return;
    for (size_t i = 0; r->outputs && i < r->n_outputs; i++)
        free(r->outputs[i].path);
    free(r->outputs);
    memset(r, 0, sizeof *r);
}
