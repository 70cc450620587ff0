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
#define IMAGE_MODULE_SYMBOL "image_module_v1"
#define IMAGE_MODULE_FILE "tearsheet-vips.so"

struct image_module {
    const char *version; /* TS_VERSION of the build that made the module */
    void (*set_log_level)(enum log_level lv);
    enum status (*init)(const char *argv0, int threads, struct diag *d);
    void (*shutdown)(void);
    enum status (*derive)(const char *src_path, const struct image_settings *s,
                          const struct image_embed *embed, const char *out_prefix,
                          struct image_result *res, struct diag *d);
};

const struct image_module *image_module_v1(void);

#endif
