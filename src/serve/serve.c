/*
 * serve.c — `tearsheet serve` put together: the HTTP layer (http.c)
 * with the licensing application's routes and page filter (lic.c,
 * inquiry.c, owner.c) when a site folder is given, and serve_run's
 * wait for SIGINT/SIGTERM. The one file that knows both halves; no
 * file of either includes this one.
 *
 * Must never: read site.yaml (main.c hands over what the story parser
 * read), or stop the licensing app before the HTTP layer has joined
 * its threads (an answered inquiry must be committed).
 *
 * Spec: docs/serve.md, docs/inquiries.md.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/http.h"
#include "serve/lic.h"

struct serve {
    struct serve_http *http;
    struct serve_lic *lic;           /* NULL without a site folder */
    const struct serve_addon *addon; /* attached, so quiesced before the stop */
};

static void quiesce_addon(struct serve *s)
{
    if (s->addon && s->addon->quiesce)
        s->addon->quiesce(s->addon->ud);
    s->addon = NULL;
}

/* The licensing app's routes: the inquiry API and the owner's pages.
 * Without a site folder they answer 404 like any missing file. */
static enum status add_licensing(struct serve *s, const struct serve_options *opt, struct diag *d)
{
    enum status st;
    /* Before the daemon: the first request may already be an inquiry. */
    if ((st = serve_lic_start(opt, serve_http_root_fd(s->http), &s->lic, d)) != ST_OK)
        return st;
    if ((st = serve_http_route_add(s->http, "/api/inquiries", "POST", TS_LIMIT_INQUIRY_BODY,
                                   serve_inquiry_route, s->lic, d)) != ST_OK ||
        (st = serve_http_route_add(s->http, "/owner/", "GET, HEAD, POST", TS_LIMIT_INQUIRY_BODY,
                                   serve_owner_route, s->lic, d)) != ST_OK ||
        (st = serve_http_route_add(s->http, "/health", "GET, HEAD", 0, serve_lic_health_route,
                                   s->lic, d)) != ST_OK)
        return st;
    serve_http_page_filter(s->http, serve_lic_fill_token, s->lic);
    return ST_OK;
}

enum status serve_start(const struct serve_options *opt, struct serve **out, unsigned *bound_port,
                        struct diag *d)
{
    enum status st = ST_OK;
    struct serve *s = NULL;
    if (out)
        *out = NULL;
    if (!opt || !out) {
        st = diag_set(d, ST_USAGE, "serve", DIAG_NO_OFFSET, "no options");
        goto abort;
    }
    s = calloc(1, sizeof *s);
    if (!s) {
        st = diag_set(d, ST_NOMEM, "serve", DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    struct serve_http_options ho = {opt->root, opt->host, opt->port, opt->access_log};
    if ((st = serve_http_new(&ho, &s->http, d)) != ST_OK)
        goto abort;
    if (opt->site_dir && (st = add_licensing(s, opt, d)) != ST_OK)
        goto abort;
    if (opt->addon) {
        s->addon = opt->addon;
        if ((st = opt->addon->attach(opt->addon->ud, s->http, d)) != ST_OK)
            goto abort;
    }
    if ((st = serve_http_listen(s->http, bound_port, d)) != ST_OK)
        goto abort;
    *out = s;
    s = NULL;
abort:
    serve_stop(s);
    return st;
}

void serve_stop(struct serve *s)
{
    if (!s)
        return;
    /* Logins waiting for their password check are answered first (no
     * connection may stay suspended when the daemon stops); then the
     * HTTP layer joins its workers, so a request that is storing an
     * inquiry finishes its commit before the store closes. */
    quiesce_addon(s);
    serve_lic_quiesce(s->lic);
    serve_http_free(s->http);
    serve_lic_stop(s->lic);
    free(s);
}

enum status serve_run(const struct serve_options *opt, struct diag *d)
{
    enum status st = ST_OK;
    struct serve *s = NULL;
    unsigned port = 0;
    sigset_t wait_for, old;
    int sig = 0;
    /* A peer that hangs up makes a write fail with EPIPE; the signal it
     * also raises must not end the server from whichever thread wrote
     * (MHD's block it, but the main thread's stop and the watch's
     * thread do not). Hooks get the default back (notify.c). */
    struct sigaction ignore = {.sa_handler = SIG_IGN}, old_pipe;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGPIPE, &ignore, &old_pipe);
    /* Blocked before any thread exists, so the signals stay pending
     * for sigwait below instead of killing the process mid-response. */
    sigemptyset(&wait_for);
    sigaddset(&wait_for, SIGINT);
    sigaddset(&wait_for, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &wait_for, &old);
    st = serve_start(opt, &s, &port, d);
    if (st != ST_OK)
        goto abort;
    bool v6 = strchr(opt->host, ':') != NULL;
    printf("Serving %s at http://%s%s%s:%u/ (Ctrl-C to stop)\n", opt->root, v6 ? "[" : "",
           opt->host, v6 ? "]" : "", port);
    fflush(stdout);
    if (sigwait(&wait_for, &sig) != 0) {
        st = diag_set(d, ST_INTERNAL, "serve", DIAG_NO_OFFSET, "sigwait failed");
        goto abort;
    }
    log_msg(LOG_INFO, "serve: %s, stopping", sig == SIGINT ? "interrupted" : "terminated");
    /* Open event streams (serve --watch) are ended first: the drain
     * waits for the requests still open, and they would be. */
    quiesce_addon(s);
    serve_http_drain(s->http);
abort:
    serve_stop(s);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    sigaction(SIGPIPE, &old_pipe, NULL);
    return st;
}
