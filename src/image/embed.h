/*
 * embed.h — private to the image module: put the caller's metadata
 * blocks into an encoded JPEG or WebP that libvips wrote with
 * strip=TRUE. We do this ourselves, not through libvips's exif-data
 * field, because libvips 8.14 rebuilds EXIF with libexif on save
 * (vips__exif_update) and drops every tag that is not also an
 * exif-ifd* string field on the image: our EXIF would come out empty.
 *
 * Must never: parse the blocks (they are opaque, made by src/meta), or
 * accept an encoder output that is not the format it claims.
 */
#ifndef TS_IMAGE_EMBED_H
#define TS_IMAGE_EMBED_H

#include "base/base.h"
#include "image/image.h"

/*
 * JPEG: after SOI, APP1 "Exif\0\0"+TIFF, APP1 XMP (namespace + packet),
 * APP13 "Photoshop 3.0\0"+8BIM resources. `exif` may come with or
 * without the "Exif\0\0" header and `iptc` with or without the
 * "Photoshop 3.0\0" header; both are added when missing.
 * `out` is initialised here; the caller frees it with buf_free.
 */
enum status image_embed_jpeg(struct span jpeg, const struct image_embed *e, struct buf *out,
                             struct diag *d);

/*
 * WebP: rewrites a simple or extended WebP into the extended form with
 * a VP8X header whose flags name the EXIF (raw TIFF, as the WebP
 * container spec says) and XMP chunks appended at the end. IPTC has
 * no WebP chunk and is not written (the XMP carries IPTC Core).
 * Every EXIF/XMP/ICCP chunk of the encoder is dropped first: libvips
 * 8.14.1's webpsave ignores strip=TRUE (its own `strip` member shadows
 * the property; fixed upstream in 8.14.2) and writes an EXIF block.
 * Always called for WebP, with or without blocks.
 * `width`/`height` are the canvas size.
 */
enum status image_embed_webp(struct span webp, const struct image_embed *e, unsigned width,
                             unsigned height, struct buf *out, struct diag *d);

#endif
