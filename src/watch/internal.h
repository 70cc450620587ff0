/*
 * internal.h — what the files of the watch module share: the state of
 * a watch (folders, the last build's result, the open event streams).
 * Not included outside src/watch/.
 *
 * Who calls whom: watch.c (folders, the rebuild thread) publishes to
 * events.c (the routes and event streams); events.c calls nothing in
 * watch.c.
 */
#ifndef TS_WATCH_INTERNAL_H
#define TS_WATCH_INTERNAL_H

#include <pthread.h>
#include <stdint.h>

#include "watch/watch.h"

struct watch_stream;

struct watch_dir {
    int wd;
    char *path;
};

struct watch {
    struct watch_options opt;
    char out_path[TS_LIMIT_PATH]; /* the output folder as given or <site>/public */
    char out_real[TS_LIMIT_PATH]; /* and resolved ("" until it exists) */
    int ifd;                      /* inotify */
    int wake[2];                  /* a pipe: quiesce wakes the thread */
    struct watch_dir *dirs;
    size_t ndirs;
    pthread_t thread;
    bool thread_running;
    struct serve_addon addon;

    /* ---- shared with the server's threads, under lock ---- */
    pthread_mutex_t lock;
    uint64_t build; /* builds finished; the streams send each one */
    char *message;  /* the last build as JSON, for the stream */
    unsigned ping;  /* bumped every TS_LIMIT_WATCH_PING_S */
    bool closing;   /* quiesced: streams end, new ones are refused */
    struct watch_stream *streams;
    unsigned nstreams;
};

/* ---- events.c ---- */
/* The routes and page script (serve_addon.attach's work). */
enum status watch_events_attach(struct watch *w, struct serve_http *h, struct diag *d);
/* A build finished: ok, or its errors (lines as logged); every open
 * page hears of it. */
enum status watch_events_publish(struct watch *w, char **errors, size_t nerrors);
/* Something on every stream, so a closed page is noticed. */
void watch_events_ping(struct watch *w);
/* Ends every stream; new ones are refused from now on. */
void watch_events_close(struct watch *w);

#endif
