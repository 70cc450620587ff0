/*
 * serve.h — the one header of the serve module: the HTTP server
 * (libmicrohttpd) that serves a built site and, with its own issue,
 * the licence-inquiry API.
 *
 * Must never: serve a file outside the site's output folder (no "..",
 * no encoded slashes, no symlinks leading out), read a request body
 * past its limit, or link image, c2pa or story.
 */
#ifndef TS_SERVE_H
#define TS_SERVE_H

#include <stdbool.h>

#include "base/base.h"

struct serve_options {
    const char *root;  /* the built site (public/) */
    const char *host;  /* "127.0.0.1" */
    unsigned port;     /* 0 = an ephemeral port (tests) */
    bool access_log;   /* one line per request on stderr */
};

struct serve;

/* Starts serving in background threads; *bound_port says where. */
enum status serve_start(const struct serve_options *opt, struct serve **out,
                        unsigned *bound_port, struct diag *d);
void serve_stop(struct serve *s);

/* serve_start, then wait for SIGINT/SIGTERM, then serve_stop. */
enum status serve_run(const struct serve_options *opt, struct diag *d);

/* "HOST:PORT", "[::1]:PORT" or ":PORT" into host (static storage) and port. */
enum status serve_parse_listen(const char *s, char *host, size_t hostlen, unsigned *port,
                               struct diag *d);

#endif
