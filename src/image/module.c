/*
 * module.c — the one exported symbol of tearsheet-vips.so (the
 * libvips-using part of the image module built as a loadable module,
 * see lazy.c): a table of image.c's entry points. Everything else in
 * the module is built with hidden visibility.
 *
 * Must never: hold state; the table is constant.
 */
#include "image/module.h"

__attribute__((visibility("default"))) const struct image_module *image_module_v3(void)
{
    static const struct image_module m = {
        .version = TS_VERSION,
        .libvips_version = image_libvips_version,
        .set_log_level = log_set_level,
        .init = image_init,
        .shutdown = image_shutdown,
        .derive = image_derive,
        .pool_new = image_pool_new,
        .pool_free = image_pool_free,
        .pool_help = image_pool_help,
        .pool_leave = image_pool_leave,
        .derive_pooled = image_derive_pooled,
    };
    return &m;
}
