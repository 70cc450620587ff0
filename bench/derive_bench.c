/*
 * derive_bench.c — times image_derive alone (no site, no HTML): N worker
 * threads take photos from a shared counter, each photo derived with
 * the bench settings (480/960/1600/2400, JPEG q82 + WebP q80), and
 * prints wall time, time per photo and outputs written.
 * Built by bench/run.sh against the release build's libraries.
 *
 * Must never: write anywhere but the output folder it is given.
 *
 * usage: derive_bench [-j WORKERS] [-t VIPS_THREADS] [--xmp FILE] OUTDIR PHOTO...
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "image/image.h"

struct job {
    char **photos;
    int n_photos;
    const char *outdir;
    struct image_settings settings;
    struct image_embed embed;
    atomic_int next;
    atomic_int failed;
    atomic_size_t outputs;
    atomic_size_t bytes;
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *worker(void *arg)
{
    struct job *j = arg;
    for (;;) {
        int i = atomic_fetch_add(&j->next, 1);
        if (i >= j->n_photos)
            break;
        const char *base = strrchr(j->photos[i], '/');
        base = base ? base + 1 : j->photos[i];
        char prefix[TS_LIMIT_PATH];
        snprintf(prefix, sizeof prefix, "%s/%.*s", j->outdir, (int)(strcspn(base, ".")), base);
        struct image_result r;
        struct diag d;
        diag_clear(&d);
        if (image_derive(j->photos[i], &j->settings, &j->embed, prefix, &r, &d) != ST_OK) {
            char msg[1024];
            diag_format(&d, msg, sizeof msg);
            fprintf(stderr, "derive_bench: %s\n", msg);
            atomic_fetch_add(&j->failed, 1);
            continue;
        }
        atomic_fetch_add(&j->outputs, r.n_outputs);
        for (size_t k = 0; k < r.n_outputs; k++)
            atomic_fetch_add(&j->bytes, r.outputs[k].bytes);
        image_result_free(&r);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    int workers = 2, vthreads = 1, a = 1, rc = 1;
    uint8_t *xmp = NULL;
    size_t xmp_len = 0;
    struct diag d;
    diag_clear(&d);
    static struct job j;
    image_settings_default(&j.settings);
    for (; a < argc && argv[a][0] == '-'; a++) {
        if (!strcmp(argv[a], "-j") && a + 1 < argc)
            workers = atoi(argv[++a]);
        else if (!strcmp(argv[a], "-t") && a + 1 < argc)
            vthreads = atoi(argv[++a]);
        else if (!strcmp(argv[a], "--xmp") && a + 1 < argc) {
            if (file_read_all(argv[++a], 1 << 20, &xmp, &xmp_len, &d) != ST_OK) {
                fprintf(stderr, "derive_bench: %s: %s\n", d.file, d.message);
                return 2;
            }
        } else {
            fprintf(stderr, "usage: derive_bench [-j N] [-t N] [--xmp FILE] OUTDIR PHOTO...\n");
            return 2;
        }
    }
    if (argc - a < 2 || workers < 1 || workers > 64) {
        fprintf(stderr, "usage: derive_bench [-j N] [-t N] [--xmp FILE] OUTDIR PHOTO...\n");
        return 2;
    }
    j.outdir = argv[a];
    j.photos = argv + a + 1;
    j.n_photos = argc - a - 1;
    j.embed.xmp = span_make(xmp, xmp_len);
    if (image_init(argv[0], vthreads, &d) != ST_OK) {
        fprintf(stderr, "derive_bench: %s\n", d.message);
        goto abort;
    }
    pthread_t th[64];
    double t0 = now();
    for (int i = 0; i < workers; i++)
        pthread_create(&th[i], NULL, worker, &j);
    for (int i = 0; i < workers; i++)
        pthread_join(th[i], NULL);
    double wall = now() - t0;
    printf("image_derive: %d photos, %d workers x %d libvips threads: %.2f s wall, "
           "%.3f s/photo, %zu outputs, %.1f MB, %d failed\n",
           j.n_photos, workers, vthreads, wall, wall / j.n_photos, (size_t)j.outputs,
           (double)j.bytes / 1e6, (int)j.failed);
    rc = j.failed ? 1 : 0;
    image_shutdown();
abort:
    free(xmp);
    return rc;
}
