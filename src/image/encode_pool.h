/*
 * encode_pool.h — inside the image module: the tasks and batches of the
 * encode pool (encode_pool.c; the pool itself is image.h's image_pool).
 *
 * Must never: be included outside src/image.
 */
#ifndef TS_IMAGE_ENCODE_POOL_H
#define TS_IMAGE_ENCODE_POOL_H

#include <stdbool.h>

#include "base/base.h"

struct image_pool;

/* The tasks of one photo: posted and not yet finished (pool lock). */
struct image_pool_batch {
    unsigned outstanding;
    bool failed;
};

/* One unit of work. Embed it first in a larger struct; `run` gets the
 * same pointer back and returns the task's status. */
struct image_pool_task {
    struct image_pool_task *next; /* in the pool's queue */
    struct image_pool_batch *batch;
    enum status (*run)(struct image_pool_task *t);
    enum status st;
    /* on its photo's critical path (the next width, which the rest of
     * the photo waits for): a helper takes it before any encode */
    bool critical;
};

/* Queues a task of its batch, or without a pool (NULL) runs it at once. */
void image_pool_post(struct image_pool *p, struct image_pool_task *t);

/* The photo's own thread runs its batch's queued tasks, those they post
 * too, and waits for those a helper took: on return the batch is done.
 * In the order posted while every worker has a photo of its own (the
 * memory of image_derive); critical tasks first once one has not. */
void image_pool_run_own(struct image_pool *p, struct image_pool_batch *b);

/* Whether a task of the batch failed so far. */
bool image_pool_batch_failed(struct image_pool *p, const struct image_pool_batch *b);

#endif
