/*
 * image.h — the one header of the image module, the only libvips user:
 * load a photo from a stranger safely, decode it once with
 * shrink-on-load, rotate it upright, convert it to sRGB, and write
 * every derivative (widths × formats) from that one decode.
 *
 * Must never: parse metadata itself (the blocks to embed are handed in
 * as opaque bytes by the caller, made by src/meta), upscale, or leave
 * a partial output file under its final name.
 */
#ifndef TS_IMAGE_H
#define TS_IMAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/base.h"

enum image_format { IMAGE_JPEG, IMAGE_WEBP, IMAGE_AVIF, IMAGE_FORMAT_COUNT };
const char *image_format_ext(enum image_format f);  /* "jpg", "webp", "avif" */
const char *image_format_mime(enum image_format f); /* "image/jpeg"... */

#define IMAGE_MAX_WIDTHS 16

struct image_settings {
    unsigned widths[IMAGE_MAX_WIDTHS]; /* target widths, any order */
    size_t n_widths;
    bool formats[IMAGE_FORMAT_COUNT];
    int jpeg_quality; /* default 82 */
    int webp_quality; /* default 80 */
    int webp_effort;  /* 0..6, default 4 */
    int avif_quality; /* default 60 */
    int avif_effort;  /* 0..9, default 4 */
};
void image_settings_default(struct image_settings *s);

/* Metadata blocks to embed in every output, as made by meta_write_rights. */
struct image_embed {
    struct span exif, xmp, iptc;
};

struct image_output {
    enum image_format format;
    unsigned width, height;
    size_t bytes;
    /* malloc'd, freed by image_result_free: a 4 KB array here was 8 KB
     * of memory a photo, most of a 10,000-photo no-op's page faults
     * (docs/performance.md) */
    char *path;
};

struct image_result {
    unsigned width, height;  /* upright size of the original */
    uint8_t dominant_rgb[3]; /* for the loading placeholder */
    struct image_output *outputs;
    size_t n_outputs;
};
void image_result_free(struct image_result *r);

/*
 * Call once per process before image_derive; `threads` is the libvips
 * worker count per image (0 = let libvips decide). Blocks untrusted
 * loaders (vips_block_untrusted_set).
 */
enum status image_init(const char *argv0, int threads, struct diag *d);
void image_shutdown(void);

/*
 * The libvips in use ("8.14.1", what `tearsheet --version` reports for a
 * bug report), NULL with `d` filled when it cannot be loaded. In the
 * tearsheet binary this loads the image module without starting libvips
 * (lazy.c) and `*module_path` names the module file; linked in-process
 * it is NULL.
 */
const char *image_libvips_version(const char **module_path, struct diag *d);

/*
 * Writes `<out_prefix>-<width>.<ext>` for each width that is not larger
 * than the photo (the largest width is replaced by the photo's own
 * width when the photo is smaller than all of them) and each enabled
 * format. Safe to call from several threads at once, one photo each.
 */
enum status image_derive(const char *src_path, const struct image_settings *s,
                         const struct image_embed *embed, const char *out_prefix,
                         struct image_result *res, struct diag *d);

/*
 * Sharing the encodes of photos in flight with idle threads, so that the
 * last photos of a build do not run on one core while the others wait
 * (docs/performance.md "Photos spread over all cores"). A build makes
 * one pool for its `workers` threads; each thread derives photos with
 * image_derive_pooled, and when no photo is left it calls
 * image_pool_help, which makes the next widths and runs the encodes of
 * the photos still being derived and returns once every worker has
 * reached it. A photo's widths are made largest first, each from the
 * one before; an encode waiting in the pool holds only its width. The
 * pool is otherwise idle: while every thread has a photo, each runs its
 * own widths and encodes, in the order and with the memory of
 * image_derive.
 */
struct image_pool;
struct image_pool *image_pool_new(unsigned workers);
void image_pool_free(struct image_pool *p);
/* Returns the seconds this thread spent running encodes for others. */
double image_pool_help(struct image_pool *p);
/* For a worker that never started (pthread_create failed): counted out. */
void image_pool_leave(struct image_pool *p);
enum status image_derive_pooled(const char *src_path, const struct image_settings *s,
                                const struct image_embed *embed, const char *out_prefix,
                                struct image_pool *pool, struct image_result *res, struct diag *d);

#endif
