/*
 * serve.h — the one header of the serve module: the HTTP server
 * (libmicrohttpd) that serves a built site and, with its own issue,
 * the licence-inquiry API.
 *
 * Must never: serve a file outside the site's output folder (no "..",
 * no encoded slashes, no symlinks leading out), read a request body
 * past its limit, or link image, c2pa or story.
 *
 * Spec: DESIGN.md "Command line" (tearsheet serve), docs/serve.md.
 */
#ifndef TS_SERVE_H
#define TS_SERVE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "base/base.h"

struct serve_options {
    const char *root; /* the built site (public/) */
    const char *host; /* "127.0.0.1", "::1", "localhost" (= 127.0.0.1) */
    unsigned port;    /* 0 = an ephemeral port (tests) */
    bool access_log;  /* one line per request on stderr */
};

struct serve;

/* Starts serving in background threads; *bound_port says where. */
enum status serve_start(const struct serve_options *opt, struct serve **out, unsigned *bound_port,
                        struct diag *d);
/* Stops accepting, finishes or drops open connections, frees s.
 * serve_stop(NULL) is a no-op. */
void serve_stop(struct serve *s);

/* serve_start, then wait for SIGINT/SIGTERM, then serve_stop. */
enum status serve_run(const struct serve_options *opt, struct diag *d);

/* "HOST:PORT", "[::1]:PORT" or ":PORT" (= 127.0.0.1:PORT) into the
 * caller's host buffer (hostlen bytes) and port. HOST is an IPv4 or
 * IPv6 literal or "localhost"; names are not resolved. */
enum status serve_parse_listen(const char *s, char *host, size_t hostlen, unsigned *port,
                               struct diag *d);

/* ---- pure helpers of the static route, exposed for tests ---------- */

/*
 * The request path (the request target up to '?', as sent) to a path
 * relative to the site root: percent-decoded once, no leading '/',
 * a trailing '/' kept when the URL had one ("" is the root).
 * ST_MALFORMED (answer 400): not starting with '/', a bad %-escape,
 * NUL, control bytes, a backslash, an encoded '/', an empty, "." or
 * ".." segment, invalid UTF-8. ST_NOT_FOUND (404): a hidden name
 * (".name") other than ".well-known". ST_LIMIT (414): longer than
 * TS_LIMIT_HTTP_URL. `rel` must hold rawlen + 1 bytes (ST_INTERNAL
 * otherwise); TS_LIMIT_HTTP_URL + 1 always does.
 */
enum status serve_map_path(const char *raw, size_t rawlen, char *rel, size_t rellen,
                           struct diag *d);

/* Content-Type for a file name, by its extension (case-insensitive);
 * "application/octet-stream" when unknown. */
const char *serve_content_type(const char *name);

/*
 * True when a file name carries a content hash, so that it may be
 * cached forever: "<name>.<10 lowercase hex>.<ext>" or
 * "<name>.<10 lowercase hex>-<width digits>.<ext>", e.g.
 * "style.3fa9c2d1e0.css", "kim-01.3fa9c2d1e0-960.webp".
 */
bool serve_name_is_hashed(const char *name);

/* An IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT", RFC 9110 §5.6.7)
 * to time_t; false for anything else (the obsolete forms included). */
bool serve_parse_http_date(const char *s, time_t *out);
/* t as an IMF-fixdate, whatever the locale. */
#define SERVE_HTTP_DATE_SIZE 30
void serve_format_http_date(time_t t, char out[SERVE_HTTP_DATE_SIZE]);

/* True when an If-None-Match value ("*" or a list of entity tags,
 * weak or strong) matches `etag` (quoted) by weak comparison. */
bool serve_etag_matches(const char *if_none_match, const char *etag);

#endif
