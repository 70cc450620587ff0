/*
 * lazy.c — image.h's libvips entry points for the tearsheet binary,
 * loading the libvips-using part of the module (tearsheet-vips.so, built
 * from image.c and embed.c) on the first photo that must be encoded.
 * Loading libvips and its ~100 shared libraries costs ~0.1 s of CPU at
 * start-up; a rebuild whose photos are all cached never pays it
 * (docs/performance.md "Incremental builds").
 *
 * The module is looked for next to the running binary (the build
 * folder), then in the installed place relative to it
 * (<bindir>/TS_IMAGE_MODULE_RELDIR, e.g. /usr/bin/../lib/tearsheet), so
 * an installed tearsheet needs neither LD_LIBRARY_PATH nor a copy in
 * bin/. The build folder it was made in is tried last, and only by a
 * program inside that folder (test programs under tests/): an installed
 * binary must never load a module from a build tree. A missing or
 * mismatched module fails each photo that needs encoding with a message
 * that says where it was looked for.
 *
 * Must never: load the module before a photo needs it, load it twice,
 * or unload it (GLib types cannot be unregistered). The load is the
 * module's only process-wide state, done once under pthread_once:
 * opening (dlopen, version check; also for `tearsheet --version`), then
 * starting libvips for the first photo.
 */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "image/heap.h"
#include "image/image.h"
#include "image/module.h"

static struct {
    pthread_once_t open_once, once;
    char argv0[256];
    int threads;
    char path[TS_LIMIT_PATH];          /* the module file, once found */
    const struct image_module *opened; /* NULL until opened and checked */
    const struct image_module *m;      /* NULL until also started */
    struct diag failure;               /* why it could not be, for every photo */
    enum status failure_status;
} lazy = {.open_once = PTHREAD_ONCE_INIT, .once = PTHREAD_ONCE_INIT};

/* The first of: <folder of the running binary>/tearsheet-vips.so,
 * <that folder>/TS_IMAGE_MODULE_RELDIR/tearsheet-vips.so, and, for a
 * program inside the build folder, the build folder's copy. */
static bool module_path(char *out, size_t outlen)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return false;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return false;
    *slash = '\0';
    char installed[PATH_MAX];
    if (path_join(out, outlen, exe, IMAGE_MODULE_FILE) && file_exists(out))
        return true;
    char *real = NULL; /* /usr/lib/tearsheet, not /usr/bin/../lib/tearsheet, in messages */
    if (path_join(installed, sizeof installed, exe, TS_IMAGE_MODULE_RELDIR) &&
        (real = realpath(installed, NULL)) && path_join(out, outlen, real, IMAGE_MODULE_FILE) &&
        file_exists(out)) {
        free(real);
        return true;
    }
    free(real);
    size_t build_len = strlen(TS_IMAGE_MODULE_DIR);
    bool in_build = strncmp(exe, TS_IMAGE_MODULE_DIR, build_len) == 0 &&
                    (exe[build_len] == '/' || exe[build_len] == '\0');
    return in_build && path_join(out, outlen, TS_IMAGE_MODULE_DIR, IMAGE_MODULE_FILE) &&
           file_exists(out);
}

/* Found, opened and of this build, but libvips not yet started. */
static void open_module(void)
{
    struct diag *d = &lazy.failure;
    diag_clear(d);
    if (!module_path(lazy.path, sizeof lazy.path)) {
        lazy.failure_status = diag_set(d, ST_INTERNAL, "libvips", DIAG_NO_OFFSET,
                                       "cannot find %s beside the tearsheet binary or in %s "
                                       "relative to it (it is built and installed with "
                                       "tearsheet)",
                                       IMAGE_MODULE_FILE, TS_IMAGE_MODULE_RELDIR);
        return;
    }
    void *h = dlopen(lazy.path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        lazy.failure_status =
            diag_set(d, ST_INTERNAL, "libvips", DIAG_NO_OFFSET, "cannot load %s: %s", lazy.path,
                     why ? why : "unknown error");
        return;
    }
    const struct image_module *(*get)(void) = NULL;
    /* POSIX's sanctioned way to turn dlsym's void * into a function */
    *(void **)&get = dlsym(h, IMAGE_MODULE_SYMBOL);
    const struct image_module *m = get ? get() : NULL;
    if (!m || !m->version || strcmp(m->version, TS_VERSION) != 0) {
        lazy.failure_status =
            diag_set(d, ST_INTERNAL, "libvips", DIAG_NO_OFFSET,
                     "%s is not the image module of tearsheet %s", lazy.path, TS_VERSION);
        return; /* left loaded: unloading a half-known library is no safer */
    }
    lazy.opened = m;
}

static void load(void)
{
    pthread_once(&lazy.open_once, open_module);
    const struct image_module *m = lazy.opened;
    if (!m)
        return; /* lazy.failure says why */
    /* the module has its own copy of the base module: hand over --verbose */
    m->set_log_level(log_get_level());
    enum status st = m->init(lazy.argv0[0] ? lazy.argv0 : NULL, lazy.threads, &lazy.failure);
    if (st != ST_OK) {
        lazy.failure_status = st;
        return;
    }
    lazy.m = m;
}

const char *image_libvips_version(const char **module_path_out, struct diag *d)
{
    pthread_once(&lazy.open_once, open_module);
    if (module_path_out)
        *module_path_out = lazy.opened ? lazy.path : NULL;
    if (!lazy.opened) {
        diag_set(d, lazy.failure_status, lazy.failure.field, DIAG_NO_OFFSET, "%s",
                 lazy.failure.message);
        return NULL;
    }
    return lazy.opened->libvips_version(NULL, d);
}

enum status image_init(const char *argv0, int threads, struct diag *d)
{
    snprintf(lazy.argv0, sizeof lazy.argv0, "%s", argv0 ? argv0 : "");
    lazy.threads = threads;
    /* Now, while the process has one thread: the module is loaded later
     * on a worker, and setting the environment then would race with
     * other threads' getenv (libvips itself sets VIPSHOME when unset,
     * which this also spares). See IMAGE_VIPSHOME_NONE. */
    setenv("VIPSHOME", IMAGE_VIPSHOME_NONE, 0);
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

/* ---- the encode pool (image.h), without loading libvips for it ----
 * A build makes its pool before it knows whether any photo must be
 * encoded; a no-op build must not load the module for that. So the pool
 * handed out here is a stand-in: the module's pool is made by the first
 * image_derive_pooled, and workers that reached image_pool_help or
 * image_pool_leave before that are counted out of it (they hold no
 * encodes, and the module's pool waits only for workers it counts). */
struct image_pool {
    pthread_mutex_t lock;
    unsigned workers, gone; /* gone: workers done before the module's pool existed */
    struct image_pool *real;
    bool failed; /* the module's pool could not be made: derive alone */
};

/* The stand-in is made before the build's workers start, the last
 * moment their malloc arena can still be chosen (heap.c). */
struct image_pool *image_pool_new(unsigned workers)
{
    struct image_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    pthread_mutex_init(&p->lock, NULL);
    p->workers = workers;
    image_heap_photos_begin();
    return p;
}

void image_pool_free(struct image_pool *p)
{
    if (!p)
        return;
    image_heap_photos_end();
    if (p->real && lazy.m)
        lazy.m->pool_free(p->real);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* The module's pool, made on first use; NULL when there is none. */
static struct image_pool *real_pool(struct image_pool *p)
{
    struct image_pool *r;
    pthread_mutex_lock(&p->lock);
    if (!p->real && !p->failed && lazy.m && p->gone < p->workers) {
        p->real = lazy.m->pool_new(p->workers);
        if (p->real) /* counted out of the real pool as they were of this one */
            for (unsigned i = 0; i < p->gone; i++)
                lazy.m->pool_leave(p->real);
        else
            p->failed = true;
    }
    r = p->real;
    pthread_mutex_unlock(&p->lock);
    return r;
}

/* A worker done: into the module's pool if it exists, else counted. */
static struct image_pool *worker_done(struct image_pool *p)
{
    struct image_pool *r;
    pthread_mutex_lock(&p->lock);
    r = p->real;
    if (!r)
        p->gone++;
    pthread_mutex_unlock(&p->lock);
    return r;
}

double image_pool_help(struct image_pool *p)
{
    struct image_pool *r = worker_done(p);
    return r ? lazy.m->pool_help(r) : 0;
}

void image_pool_leave(struct image_pool *p)
{
    struct image_pool *r = worker_done(p);
    if (r)
        lazy.m->pool_leave(r);
}

enum status image_derive_pooled(const char *src_path, const struct image_settings *s,
                                const struct image_embed *embed, const char *out_prefix,
                                struct image_pool *pool, struct image_result *res, struct diag *d)
{
    pthread_once(&lazy.once, load);
    if (!lazy.m)
        return diag_set(d, lazy.failure_status, lazy.failure.field, DIAG_NO_OFFSET, "%s",
                        lazy.failure.message);
    return lazy.m->derive_pooled(src_path, s, embed, out_prefix, pool ? real_pool(pool) : NULL, res,
                                 d);
}
