/*
 * module.h — private to the image module: the table of entry points the
 * libvips-using part (image.c, embed.c) exports when it is built as the
 * loadable module tearsheet-vips.so, and that lazy.c looks up with
 * dlsym. One symbol, versioned by its name, so a module from another
 * build of tearsheet is refused rather than called with the wrong
 * layout.
 *
 * Must never: carry anything but function pointers of image.h's API
 * (the module has its own copy of the base module, so state such as the
 * log level is handed over explicitly).
 */
#ifndef TS_IMAGE_MODULE_H
#define TS_IMAGE_MODULE_H

#include "base/base.h"
#include "image/image.h"

/* Bumped with any change to struct image_module or image.h's structs. */
#define IMAGE_MODULE_SYMBOL "image_module_v3"
#define IMAGE_MODULE_FILE "tearsheet-vips.so"

/* VIPSHOME as lazy.c sets it when the user has not: a prefix without
 * libvips modules, so that libvips starts without loading any; image.c
 * then opens the HEIF one when a photo needs it. */
#define IMAGE_VIPSHOME_NONE "/nonexistent/tearsheet-opens-its-own-vips-modules"

struct image_module {
    const char *version; /* TS_VERSION of the build that made the module */
    const char *(*libvips_version)(const char **module_path, struct diag *d);
    void (*set_log_level)(enum log_level lv);
    enum status (*init)(const char *argv0, int threads, struct diag *d);
    void (*shutdown)(void);
    enum status (*derive)(const char *src_path, const struct image_settings *s,
                          const struct image_embed *embed, const char *out_prefix,
                          struct image_result *res, struct diag *d);
    struct image_pool *(*pool_new)(unsigned workers);
    void (*pool_free)(struct image_pool *p);
    double (*pool_help)(struct image_pool *p);
    void (*pool_leave)(struct image_pool *p);
    enum status (*derive_pooled)(const char *src_path, const struct image_settings *s,
                                 const struct image_embed *embed, const char *out_prefix,
                                 struct image_pool *pool, struct image_result *res,
                                 struct diag *d);
};

const struct image_module *image_module_v3(void);

#endif
