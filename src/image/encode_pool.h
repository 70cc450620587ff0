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
};

/* Queues a task of its batch, or without a pool (NULL) runs it at once. */
void image_pool_post(struct image_pool *p, struct image_pool_task *t);

/* The photo's own thread runs its batch's queued tasks. With
 * `keep_going` false it stops as soon as a helper waits; with true it
 * runs them all and then waits for those a helper took. */
void image_pool_run_own(struct image_pool *p, struct image_pool_batch *b, bool keep_going);

/* Whether a task of the batch failed so far. */
bool image_pool_batch_failed(struct image_pool *p, const struct image_pool_batch *b);

#endif
