/*
 * jpegdec.h — private to src/image: a streamed libjpeg-turbo decode at
 * any eighth of the stored size (docs/image.md "Pipeline" step 3).
 *
 * Must never: be used for a JPEG it does not fully understand (it says
 * so and the caller falls back to libvips's loader), or hold the decode.
 */
#ifndef TS_IMAGE_JPEGDEC_H
#define TS_IMAGE_JPEGDEC_H

#include <stdbool.h>

#include <vips/vips.h>

/*
 * A lazily decoded, sequential-access image of the 8-bit greyscale,
 * YCbCr or RGB JPEG at `path`, DCT-scaled by the smallest M/8 that
 * leaves its (upright, when `swap`: stored height) width >= `min_w`, with
 * its ICC profile attached. Pixels are decoded as they are read; a
 * truncated file fails the read with "Premature end of JPEG file".
 * NULL when the file is anything else (CMYK, 12-bit, not a JPEG...):
 * the caller then uses libvips's own loader.
 */
VipsImage *image_jpeg_open(const char *path, unsigned min_w, bool swap);

#endif
