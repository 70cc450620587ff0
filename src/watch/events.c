/*
 * events.c — what the server answers in watch mode, under /_tearsheet/:
 * the page script (watch.js) and its stylesheet, compiled in from
 * src/watch/assets/, and /_tearsheet/events, a server-sent event
 * stream that says each build's result: `event: build` with
 * {"build":N,"ok":true} or {"build":N,"ok":false,"errors":[...]}.
 *
 * Must never: hold a server thread for a waiting page (a stream with
 * nothing to send is suspended, MHD_suspend_connection from its
 * content reader, and resumed when there is), keep more than
 * TS_LIMIT_WATCH_CLIENTS streams, or keep one suspended after
 * watch_events_close.
 *
 * Spec: HTML Living Standard §9.2 "Server-sent events" (the
 * text/event-stream format: `event:`, `data:`, `retry:`, `:` comments).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "serve/http.h"
#include "watch/internal.h"

/* The page script and its stylesheet (cmake/embed_theme.cmake). */
extern const struct site_theme_file watch_assets[];

/* One open page's stream: the response's own state (a response is
 * never shared between connections, which suspending from the content
 * reader requires). */
struct watch_stream {
    struct watch *w;
    struct MHD_Connection *c;
    struct watch_stream *next;
    uint64_t build_sent; /* 0: nothing sent yet */
    unsigned ping_seen;
    bool suspended;
    struct buf out; /* an event being sent */
    size_t out_at;
};

/* An error line for JSON: invalid UTF-8 (a file name in another
 * encoding) would make jansson refuse the string, so such bytes
 * become '?'. */
static json_t *json_line(const char *s)
{
    size_t n = strlen(s);
    if (utf8_valid((const uint8_t *)s, n))
        return json_stringn(s, n);
    char *copy = str_dup(s);
    if (!copy)
        return NULL;
    for (char *p = copy; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    json_t *j = json_string(copy);
    free(copy);
    return j;
}

/* Under w->lock, which keeps each stream's suspend before its resume
 * (a resume of a connection that is not suspended would be lost). A
 * stream is freed only after its connection ran again, which it
 * cannot while suspended, so every stream in the list is alive. */
static void resume_all(struct watch *w)
{
    for (struct watch_stream *s = w->streams; s; s = s->next)
        if (s->suspended) {
            s->suspended = false;
            serve_http_resume(s->c);
        }
}

enum status watch_events_publish(struct watch *w, char **errors, size_t nerrors)
{
    enum status st = ST_NOMEM;
    json_t *list = json_array();
    json_t *msg = NULL;
    char *text = NULL;
    if (!list)
        goto abort;
    for (size_t i = 0; i < nerrors; i++)
        if (json_array_append_new(list, json_line(errors[i])) != 0)
            goto abort;
    pthread_mutex_lock(&w->lock);
    uint64_t build = w->build + 1;
    pthread_mutex_unlock(&w->lock);
    /* Only the rebuild thread (or the first build, before it starts)
     * publishes, so build numbers cannot cross. */
    msg = json_pack("{s:I, s:b, s:O}", "build", (json_int_t)build, "ok", nerrors == 0, "errors",
                    list);
    if (!msg || !(text = json_dumps(msg, JSON_COMPACT)))
        goto abort;
    pthread_mutex_lock(&w->lock);
    free(w->message);
    w->message = text;
    text = NULL;
    w->build = build;
    resume_all(w);
    pthread_mutex_unlock(&w->lock);
    st = ST_OK;
abort:
    json_decref(list);
    json_decref(msg);
    free(text);
    return st;
}

void watch_events_ping(struct watch *w)
{
    pthread_mutex_lock(&w->lock);
    w->ping++;
    resume_all(w);
    pthread_mutex_unlock(&w->lock);
}

void watch_events_close(struct watch *w)
{
    pthread_mutex_lock(&w->lock);
    w->closing = true;
    resume_all(w);
    pthread_mutex_unlock(&w->lock);
}

/* MHD's content reader: the next bytes of the stream, or suspends the
 * connection (0 bytes) until a build, a ping or the close resumes it. */
static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
    struct watch_stream *s = cls;
    struct watch *w = s->w;
    ssize_t n = 0;
    pthread_mutex_lock(&w->lock);
    if (s->out_at == s->out.len) {
        buf_reset(&s->out);
        s->out_at = 0;
        enum status st = ST_OK;
        if (w->closing) {
            n = MHD_CONTENT_READER_END_OF_STREAM;
            goto done;
        } else if (s->build_sent != w->build && w->message) {
            /* retry: how soon the browser reconnects when the server
             * restarts (the writer stopped and started serve). */
            st = buf_printf(&s->out, "%sevent: build\ndata: %s\n\n",
                            s->build_sent ? "" : "retry: 1000\n", w->message);
            s->build_sent = w->build;
            s->ping_seen = w->ping;
        } else if (s->ping_seen != w->ping) {
            st = buf_puts(&s->out, ": ping\n\n");
            s->ping_seen = w->ping;
        } else {
            s->suspended = true;
            serve_http_suspend(s->c);
            goto done;
        }
        if (st != ST_OK) {
            n = MHD_CONTENT_READER_END_WITH_ERROR;
            goto done;
        }
    }
    size_t left = s->out.len - s->out_at;
    n = (ssize_t)(left < max ? left : max);
    memcpy(out, s->out.data + s->out_at, (size_t)n);
    s->out_at += (size_t)n;
done:
    pthread_mutex_unlock(&w->lock);
    return n;
}

static void stream_free(void *cls)
{
    struct watch_stream *s = cls;
    struct watch *w = s->w;
    pthread_mutex_lock(&w->lock);
    for (struct watch_stream **p = &w->streams; *p; p = &(*p)->next)
        if (*p == s) {
            *p = s->next;
            w->nstreams--;
            break;
        }
    pthread_mutex_unlock(&w->lock);
    buf_free(&s->out);
    free(s);
}

static enum MHD_Result open_stream(struct watch *w, struct MHD_Connection *c, struct request *rq)
{
    if (strcmp(rq->method, "HEAD") == 0)
        return serve_respond_text(c, rq, MHD_HTTP_OK, "text/event-stream", "", 0);
    struct watch_stream *s = calloc(1, sizeof *s);
    if (!s)
        return serve_respond_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, NULL);
    s->w = w;
    s->c = c;
    /* the largest event: TS_LIMIT_WATCH_ERRORS lines of at most
     * TS_LIMIT_WATCH_ERROR_BYTES, each escaped as JSON (\u00XX: 6x) */
    buf_init(&s->out, 6 * TS_LIMIT_WATCH_ERRORS * TS_LIMIT_WATCH_ERROR_BYTES + 4096);
    pthread_mutex_lock(&w->lock);
    bool refuse = w->closing || w->nstreams >= TS_LIMIT_WATCH_CLIENTS;
    if (!refuse) {
        s->next = w->streams;
        w->streams = s;
        w->nstreams++;
    } else if (!w->closing) {
        /* A suspended stream is not polled, so a tab closed (or
         * reloaded) since the last event still counts: a ping now
         * finds the closed ones, and the page script asks again. */
        w->ping++;
        resume_all(w);
    }
    pthread_mutex_unlock(&w->lock);
    if (refuse) {
        free(s);
        return serve_respond_text(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, "text/plain; charset=utf-8",
                                  "too many open pages\n", 20);
    }
    /* From here the response owns s: stream_free unlinks it. */
    struct MHD_Response *r = serve_mhd.MHD_create_response_from_callback(
        MHD_SIZE_UNKNOWN, 4096, stream_read, s, stream_free);
    if (!r) {
        stream_free(s);
        return serve_respond_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, NULL);
    }
    if (!serve_add_header(r, "Content-Type", "text/event-stream; charset=utf-8") ||
        !serve_add_header(r, "Cache-Control", "no-store")) {
        serve_mhd.MHD_destroy_response(r);
        return serve_respond_error(c, rq, MHD_HTTP_SERVICE_UNAVAILABLE, NULL);
    }
    return serve_respond(c, rq, MHD_HTTP_OK, r, 0);
}

static const char *asset_type(const char *name)
{
    return str_ends_with(name, ".js") ? "text/javascript; charset=utf-8"
                                      : "text/css; charset=utf-8";
}

/* GET/HEAD /_tearsheet/...: the stream or one of the assets. */
static enum MHD_Result route(void *ud, struct MHD_Connection *c, struct request *rq)
{
    struct watch *w = ud;
    static const char prefix[] = "/_tearsheet/";
    const char *name = rq->target + strlen(prefix);
    size_t n = rq->path_len - strlen(prefix);
    if (n == strlen("events") && memcmp(name, "events", n) == 0)
        return open_stream(w, c, rq);
    for (const struct site_theme_file *f = watch_assets; f->name; f++)
        if (strlen(f->name) == n && memcmp(f->name, name, n) == 0)
            return serve_respond_text(c, rq, MHD_HTTP_OK, asset_type(f->name), f->data, f->len);
    return serve_respond_error(c, rq, MHD_HTTP_NOT_FOUND, NULL);
}

/* The page script's address names the build the page is from: a build
 * that ends between the page and its stream is then not missed (the
 * script reloads when the stream's build is another). */
static void script_src(void *ud, char *src, size_t srclen)
{
    struct watch *w = ud;
    pthread_mutex_lock(&w->lock);
    uint64_t build = w->build;
    pthread_mutex_unlock(&w->lock);
    snprintf(src, srclen, "/_tearsheet/watch.js?build=%llu", (unsigned long long)build);
}

enum status watch_events_attach(struct watch *w, struct serve_http *h, struct diag *d)
{
    enum status st = serve_http_route_add(h, "/_tearsheet/", "GET, HEAD", 0, route, w, d);
    if (st == ST_OK)
        serve_http_page_script(h, script_src, w);
    return st;
}
