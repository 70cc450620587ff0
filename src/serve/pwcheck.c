/*
 * pwcheck.c — owner password checks off the request threads: one
 * worker thread runs scrypt (32 MiB, ~0.1 s) for the logins queued in
 * a small fixed ring; a login that finds the ring full is refused at
 * once (the route answers 503 with Retry-After), so a burst of logins
 * costs one core and a few request-thread microseconds each, and the
 * static files keep their threads.
 *
 * Must never: hash on the caller's thread, queue more than its slots,
 * touch a job after calling its done_fn, or leave a job unanswered
 * when stopping (a suspended connection would never be resumed).
 *
 * Spec: docs/inquiries.md "The owner's page".
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "serve/lic.h"

struct serve_pwcheck {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop;
    size_t slots, head, count;
    struct serve_pwcheck_job **ring;
};

static void finish(struct serve_pwcheck_job *job, bool ok)
{
    job->ok = ok;
    OPENSSL_cleanse(job->password, sizeof job->password);
    job->done = true;
    job->done_fn(job->ud); /* the last touch: the job may be freed now */
}

static void *worker(void *arg)
{
    struct serve_pwcheck *q = arg;
    pthread_mutex_lock(&q->lock);
    for (;;) {
        while (!q->stop && q->count == 0)
            pthread_cond_wait(&q->cond, &q->lock);
        if (q->count == 0)
            break; /* stopping and nothing left */
        struct serve_pwcheck_job *job = q->ring[q->head];
        q->head = (q->head + 1) % q->slots;
        q->count--;
        bool stop = q->stop;
        pthread_mutex_unlock(&q->lock);
        /* Stopping: answer "no" at once rather than hash for a server
         * that is going away. */
        finish(job, !stop && serve_password_verify(job->password, job->stored));
        pthread_mutex_lock(&q->lock);
    }
    pthread_mutex_unlock(&q->lock);
    return NULL;
}

enum status serve_pwcheck_start(size_t slots, struct serve_pwcheck **out, struct diag *d)
{
    sigset_t block, old;
    struct serve_pwcheck *q = calloc(1, sizeof *q);
    *out = NULL;
    if (!q || !(q->ring = calloc(slots ? slots : 1, sizeof *q->ring))) {
        free(q);
        return diag_set(d, ST_NOMEM, "serve", DIAG_NO_OFFSET, "out of memory");
    }
    q->slots = slots ? slots : 1;
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->cond, NULL);
    /* SIGINT/SIGTERM are serve_run's to wait for. */
    sigemptyset(&block);
    sigaddset(&block, SIGPIPE);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int rc = pthread_create(&q->thread, NULL, worker, q);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        pthread_mutex_destroy(&q->lock);
        pthread_cond_destroy(&q->cond);
        free(q->ring);
        free(q);
        return diag_set(d, ST_INTERNAL, "serve", DIAG_NO_OFFSET, "cannot start a thread");
    }
    *out = q;
    return ST_OK;
}

bool serve_pwcheck_submit(struct serve_pwcheck *q, struct serve_pwcheck_job *job)
{
    bool queued = false;
    if (!q)
        return false;
    job->done = false;
    pthread_mutex_lock(&q->lock);
    if (!q->stop && q->count < q->slots) {
        q->ring[(q->head + q->count) % q->slots] = job;
        q->count++;
        queued = true;
        pthread_cond_signal(&q->cond);
    }
    pthread_mutex_unlock(&q->lock);
    return queued;
}

void serve_pwcheck_stop(struct serve_pwcheck *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->lock);
    q->stop = true;
    pthread_cond_signal(&q->cond);
    pthread_mutex_unlock(&q->lock);
    pthread_join(q->thread, NULL);
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->cond);
    free(q->ring);
    free(q);
}
