/*
 * encode_pool.c — one photo's encodes shared with idle workers (the
 * image_pool of image.h). A site build runs one thread per photo; near
 * the end of a build some threads have no photo left while others still
 * encode several formats of several widths. Each photo's thread posts
 * its encodes here as tasks of its batch and runs them itself unless an
 * idle worker (image_pool_help) takes one first; the photo's thread
 * goes on making the next width meanwhile (docs/performance.md).
 *
 * Knows nothing of images: a task is a callback (image.c's run_encode).
 *
 * Must never: let a photo's thread return while a helper still runs one
 * of its tasks (image_pool_run_own with keep_going waits for them), or let a
 * helper wait forever (image_pool_help returns once no worker is busy).
 */
#include <stdlib.h>

#include <glib.h>

#include "image/encode_pool.h"
#include "image/image.h"

struct image_pool {
    GMutex lock;
    GCond cond; /* a task posted or finished, a worker out of photos */
    struct image_pool_task *head, *tail;
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
    p->busy = workers;
    return p;
}

void image_pool_free(struct image_pool *p)
{
    if (!p)
        return;
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

/* With the lock held: removes and returns the first queued task of
 * `b` (any photo's when b is NULL), or NULL. */
static struct image_pool_task *take_locked(struct image_pool *p, const struct image_pool_batch *b)
{
    struct image_pool_task *prev = NULL;
    for (struct image_pool_task *t = p->head; t; prev = t, t = t->next) {
        if (b && t->batch != b)
            continue;
        if (prev)
            prev->next = t->next;
        else
            p->head = t->next;
        if (p->tail == t)
            p->tail = prev;
        t->next = NULL;
        return t;
    }
    return NULL;
}

/*
 * The photo's own thread runs its queued encodes. With `keep_going`
 * false it stops as soon as a helper waits, to make the next width
 * while the helper encodes this one; with true it runs them all and
 * then waits for those a helper took.
 */
void image_pool_run_own(struct image_pool *p, struct image_pool_batch *b, bool keep_going)
{
    if (!p)
        return;
    g_mutex_lock(&p->lock);
    for (;;) {
        if (!keep_going && p->idle > 0)
            break;
        struct image_pool_task *t = take_locked(p, b);
        if (!t) {
            if (!keep_going || b->outstanding == 0)
                break;
            g_cond_wait(&p->cond, &p->lock);
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
        struct image_pool_task *t = take_locked(p, NULL);
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
        g_cond_wait(&p->cond, &p->lock);
        p->idle--;
    }
    g_cond_broadcast(&p->cond);
    g_mutex_unlock(&p->lock);
    return (double)spent / 1e6;
}
