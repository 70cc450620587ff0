/*
 * watch.h — the one header of the watch module: `tearsheet serve
 * --watch`. It watches a site's folders with inotify, rebuilds with
 * the site module's own build (the incremental one `tearsheet build`
 * runs) when a file is saved, and tells the pages open in a browser
 * through a server-sent event stream, which the server adds to the
 * pages it serves in this mode only: they reload after a good build
 * and show the errors of a failed one instead of stale content.
 *
 * Must never: write anything into the built site (the script and the
 * stream exist only in the server's answers), keep a connection
 * suspended after the server stops, or hold a server thread while a
 * page waits for a build.
 *
 * Spec: docs/serve.md "serve --watch"; the event stream is the HTML
 * Living Standard's server-sent events (text/event-stream).
 */
#ifndef TS_WATCH_H
#define TS_WATCH_H

#include <stdbool.h>

#include "base/base.h"
#include "serve/serve.h"
#include "site/site.h"

struct watch_options {
    const char *site_dir; /* the site folder */
    const char *out_dir;  /* NULL = <site_dir>/public, as site_build */
    unsigned jobs;        /* photo workers, as site_build */
    bool progress;        /* stderr is a terminal */
};

struct watch;

/*
 * Starts watching site.yaml, stories/, pages/ and themes/ (the output
 * folder, .tearsheet/ and hidden folders are never watched). Before
 * the first build, so a file saved during it is rebuilt after it.
 * ST_LIMIT past TS_LIMIT_WATCH_DIRS folders or the system's inotify
 * limit; ST_IO when inotify is not available.
 */
enum status watch_new(const struct watch_options *opt, struct watch **out, struct diag *d);

/* A build now, as the rebuilds do: its errors are what the pages show
 * until the next one. The report is site_build's; ST_OK or its status. */
enum status watch_build(struct watch *w, struct site_build_report *r, struct diag *d);

/* For serve_options.addon: attaching adds the routes under
 * /_tearsheet/ and the page script, and starts the thread that
 * rebuilds on change; quiescing ends it and every event stream. */
const struct serve_addon *watch_addon(struct watch *w);

/* Frees w (after the server stopped); NULL is a no-op. */
void watch_free(struct watch *w);

#endif
