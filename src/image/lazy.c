/*
 * lazy.c — image.h's libvips entry points for the tearsheet binary,
 * loading the libvips-using part of the module (tearsheet-vips.so, built
 * from image.c and embed.c) on the first photo that must be encoded.
 * Loading libvips and its ~100 shared libraries costs ~0.1 s of CPU at
 * start-up; a rebuild whose photos are all cached never pays it
 * (docs/performance.md "Incremental builds").
 *
 * The module is looked for next to the running binary first, then in
 * the build folder it was made in (so test programs under tests/ find
 * it too). A missing or mismatched module fails each photo that needs
 * encoding with a message that says where it was looked for.
 *
 * Must never: load the module before a photo needs it, load it twice,
 * or unload it (GLib types cannot be unregistered). The load is the
 * module's only process-wide state, done once under pthread_once.
 */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "image/image.h"
#include "image/module.h"

static struct {
    pthread_once_t once;
    char argv0[256];
    int threads;
    const struct image_module *m; /* NULL until loaded and started */
    struct diag failure;          /* why it could not be, for every photo */
    enum status failure_status;
} lazy = {.once = PTHREAD_ONCE_INIT};

/* <folder of the running binary>/tearsheet-vips.so, or else the build
 * folder's copy. */
static bool module_path(char *out, size_t outlen)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            if (path_join(out, outlen, exe, IMAGE_MODULE_FILE) && file_exists(out))
                return true;
        }
    }
    return path_join(out, outlen, TS_IMAGE_MODULE_DIR, IMAGE_MODULE_FILE) && file_exists(out);
}

static void load(void)
{
    struct diag *d = &lazy.failure;
    char path[TS_LIMIT_PATH];
    diag_clear(d);
    if (!module_path(path, sizeof path)) {
        lazy.failure_status = diag_set(d, ST_INTERNAL, "libvips", DIAG_NO_OFFSET,
                                       "cannot find %s next to the tearsheet binary or in %s "
                                       "(it is built with tearsheet and must be installed "
                                       "beside it)",
                                       IMAGE_MODULE_FILE, TS_IMAGE_MODULE_DIR);
        return;
    }
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        lazy.failure_status = diag_set(d, ST_INTERNAL, "libvips", DIAG_NO_OFFSET,
                                       "cannot load %s: %s", path, why ? why : "unknown error");
        return;
    }
    const struct image_module *(*get)(void) = NULL;
    /* POSIX's sanctioned way to turn dlsym's void * into a function */
    *(void **)&get = dlsym(h, IMAGE_MODULE_SYMBOL);
    const struct image_module *m = get ? get() : NULL;
    if (!m || !m->version || strcmp(m->version, TS_VERSION) != 0) {
        lazy.failure_status = diag_set(d, ST_INTERNAL, "libvips", DIAG_NO_OFFSET,
                                       "%s is not the image module of tearsheet %s", path,
                                       TS_VERSION);
        return; /* left loaded: unloading a half-known library is no safer */
    }
    /* the module has its own copy of the base module: hand over --verbose */
    m->set_log_level(log_get_level());
    enum status st = m->init(lazy.argv0[0] ? lazy.argv0 : NULL, lazy.threads, d);
    if (st != ST_OK) {
        lazy.failure_status = st;
        return;
    }
    lazy.m = m;
}

enum status image_init(const char *argv0, int threads, struct diag *d)
{
    snprintf(lazy.argv0, sizeof lazy.argv0, "%s", argv0 ? argv0 : "");
    lazy.threads = threads;
    return ST_OK;
}

void image_shutdown(void)
{
    if (lazy.m)
        lazy.m->shutdown();
}

enum status image_derive(const char *src_path, const struct image_settings *s,
                         const struct image_embed *embed, const char *out_prefix,
                         struct image_result *res, struct diag *d)
{
    pthread_once(&lazy.once, load);
    if (!lazy.m) /* the photo's file stays the diag's file */
        return diag_set(d, lazy.failure_status, lazy.failure.field, DIAG_NO_OFFSET, "%s",
                        lazy.failure.message);
    return lazy.m->derive(src_path, s, embed, out_prefix, res, d);
}
