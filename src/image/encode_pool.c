/*
 * encode_pool.c — one photo's encodes shared with idle workers (the
 * image_pool of image.h). A site build runs one thread per photo; near
 * the end of a build some threads have no photo left while others still
 * encode several formats of several widths. Each photo's thread posts
 * its encodes and the making of its next width here as tasks of its
 * batch and runs them itself unless an idle worker (image_pool_help)
 * takes one first, the next width before any encode: the rest of the
 * photo waits for it (docs/performance.md).
 *
 * Knows nothing of images: a task is a callback (image.c's run_encode,
 * run_width).
 *
 * Must never: let a photo's thread return while a helper still runs one
 * of its tasks (image_pool_run_own waits for them), or let a
 * helper wait forever (image_pool_help returns once no worker is busy).
 */
#include <stdlib.h>

#include <glib.h>

#include "image/encode_pool.h"
#include "image/heap.h"
#include "image/image.h"
#include "image/trace.h"

struct image_pool {
    GMutex lock;
    GCond cond; /* a task posted or finished, a worker out of photos */
    struct image_pool_task *head, *tail;
    unsigned workers;
    unsigned busy; /* workers not yet in image_pool_help */
    unsigned idle; /* helpers waiting for a task */
};

struct image_pool *image_pool_new(unsigned workers)
{
    struct image_pool *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    g_mutex_init(&p->lock);
    g_cond_init(&p->cond);
    p->workers = p->busy = workers;
    image_heap_photos_begin(); /* in time for workers started after it */
    return p;
}

void image_pool_free(struct image_pool *p)
{
    if (!p)
        return;
    image_heap_photos_end();
    g_mutex_clear(&p->lock);
    g_cond_clear(&p->cond);
    free(p);
}

static void run_task(struct image_pool_task *t)
{
    t->st = t->run(t);
}

/* With the lock held: the task is done, its photo's thread may go on. */
static void finish_locked(struct image_pool *p, struct image_pool_task *t)
{
    t->batch->outstanding--;
    t->batch->failed |= t->st != ST_OK;
    g_cond_broadcast(&p->cond);
}

/* Queues a task, or without a pool runs it at once (image_derive). */
void image_pool_post(struct image_pool *p, struct image_pool_task *t)
{
    if (!p) {
        run_task(t);
        t->batch->failed |= t->st != ST_OK;
        return;
    }
    g_mutex_lock(&p->lock);
    t->next = NULL;
    if (p->tail)
        p->tail->next = t;
    else
        p->head = t;
    p->tail = t;
    t->batch->outstanding++;
    g_cond_broadcast(&p->cond);
    g_mutex_unlock(&p->lock);
}

/* With the lock held: the first queued task of `b` (any photo's when b
 * is NULL), a critical one only when `critical`; *prev before it. */
static struct image_pool_task *find_locked(struct image_pool *p, const struct image_pool_batch *b,
                                           bool critical, struct image_pool_task **prev)
{
    *prev = NULL;
    for (struct image_pool_task *t = p->head; t; *prev = t, t = t->next)
        if ((!b || t->batch == b) && (!critical || t->critical))
            return t;
    return NULL;
}

/* With the lock held: removes and returns the first queued task of `b`
 * (any photo's when b is NULL), its first critical one if there is one
 * and `critical_first`; NULL when there is none. */
static struct image_pool_task *take_locked(struct image_pool *p, const struct image_pool_batch *b,
                                           bool critical_first)
{
    struct image_pool_task *prev = NULL;
    struct image_pool_task *t = critical_first ? find_locked(p, b, true, &prev) : NULL;
    if (!t && !(t = find_locked(p, b, false, &prev)))
        return NULL;
    if (prev)
        prev->next = t->next;
    else
        p->head = t->next;
    if (p->tail == t)
        p->tail = prev;
    t->next = NULL;
    return t;
}

/*
 * The photo's own thread runs its batch: the encodes of a width, then
 * the next width, as posted, while every worker has a photo (each
 * photo's memory stays that of image_derive). Once a worker has none
 * left, the next width first: the rest of the photo waits for it, and
 * the idle worker takes the encodes meanwhile. Then it waits for the
 * tasks a helper took.
 */
void image_pool_run_own(struct image_pool *p, struct image_pool_batch *b)
{
    if (!p)
        return;
    g_mutex_lock(&p->lock);
    for (;;) {
        struct image_pool_task *t = take_locked(p, b, p->busy < p->workers || p->idle > 0);
        if (!t) {
            if (b->outstanding == 0)
                break;
            double t0 = image_trace_now();
            g_cond_wait(&p->cond, &p->lock);
            image_trace_step("-", t0, "wait-for-helper", 0);
            continue;
        }
        g_mutex_unlock(&p->lock);
        run_task(t);
        g_mutex_lock(&p->lock);
        finish_locked(p, t);
    }
    g_mutex_unlock(&p->lock);
}

bool image_pool_batch_failed(struct image_pool *p, const struct image_pool_batch *b)
{
    if (!p)
        return b->failed;
    g_mutex_lock(&p->lock);
    bool failed = b->failed;
    g_mutex_unlock(&p->lock);
    return failed;
}

void image_pool_leave(struct image_pool *p)
{
    g_mutex_lock(&p->lock);
    p->busy--;
    g_cond_broadcast(&p->cond);
    g_mutex_unlock(&p->lock);
}

double image_pool_help(struct image_pool *p)
{
    gint64 spent = 0;
    g_mutex_lock(&p->lock);
    p->busy--;
    g_cond_broadcast(&p->cond);
    for (;;) {
        struct image_pool_task *t = take_locked(p, NULL, true);
        if (t) {
            g_mutex_unlock(&p->lock);
            gint64 t0 = g_get_monotonic_time();
            run_task(t);
            spent += g_get_monotonic_time() - t0;
            g_mutex_lock(&p->lock);
            finish_locked(p, t);
            continue;
        }
        /* every photo's thread waits for its own tasks before it gets
         * here, so with no worker busy no task can come */
        if (p->busy == 0)
            break;
        p->idle++;
        double t0 = image_trace_now();
        g_cond_wait(&p->cond, &p->lock);
        image_trace_step("-", t0, "helper-idle", 0);
        p->idle--;
    }
    g_cond_broadcast(&p->cond);
    g_mutex_unlock(&p->lock);
    return (double)spent / 1e6;
}
