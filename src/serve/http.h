/*
 * http.h — the HTTP layer of serve: a libmicrohttpd daemon that serves
 * the files of a built site, with its limits, common headers, access
 * log and signal handling, and a route table that an application (the
 * licensing app, lic.h) fills with serve_http_route_add before the
 * daemon starts. It knows nothing about licensing: a route is a path
 * prefix, the methods it takes, the body it may read and a callback.
 *
 * Must never: include lic.h or anything of the licensing app (the
 * include graph in scripts/serve_graph.sh checks it), serve a file
 * outside the root, or read a body for a route that takes none.
 *
 * Spec: docs/serve.md.
 */
#ifndef TS_SERVE_HTTP_H
#define TS_SERVE_HTTP_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <microhttpd.h>

#include "serve/serve.h"

/*
 * libmicrohttpd's functions, each of its microhttpd.h type, for this
 * layer and every route: the library is opened by the first
 * serve_http_new (base's dynlib.c), not linked, so that commands other
 * than serve never map it and GnuTLS with the eight libraries it pulls
 * in (docs/performance.md "Start-up"). Routes run only on a daemon, so
 * only after the table is filled.
 */
#define SERVE_MHD_FUNCTIONS(X)                                                                     \
    X(MHD_add_response_header)                                                                     \
    X(MHD_create_response_from_buffer)                                                             \
    X(MHD_create_response_from_callback)                                                           \
    X(MHD_create_response_from_fd64)                                                               \
    X(MHD_destroy_response)                                                                        \
    X(MHD_get_connection_info)                                                                     \
    X(MHD_get_daemon_info)                                                                         \
    X(MHD_get_version)                                                                             \
    X(MHD_lookup_connection_value)                                                                 \
    X(MHD_queue_response)                                                                          \
    X(MHD_quiesce_daemon)                                                                          \
    X(MHD_resume_connection)                                                                       \
    X(MHD_start_daemon)                                                                            \
    X(MHD_stop_daemon)                                                                             \
    X(MHD_suspend_connection)

struct serve_mhd {
#define X(fn) __typeof__(fn) *fn;
    SERVE_MHD_FUNCTIONS(X)
#undef X
};
extern struct serve_mhd serve_mhd;
/* libmicrohttpd's version, loading it as serve_http_new would; NULL
 * with the reason (which names its Debian package) in d. For
 * `tearsheet --version`. */
const char *serve_http_mhd_version(struct diag *d);

struct serve_http;
struct serve_http_route;

/* One request, from the request line until the response is sent. */
struct request {
    size_t target_len;                  /* the request target as sent */
    char target[TS_LIMIT_HTTP_URL + 1]; /* its first bytes */
    char method[16];
    char client[INET6_ADDRSTRLEN];
    const struct serve_http_route *route; /* chosen on the first call */
    size_t path_len;                      /* target bytes before '?' */
    unsigned status;                      /* 0 until a response is queued */
    uint64_t bytes;                       /* body bytes in that response */
    struct buf body;                      /* a route that takes one: capped */
    void *app;                            /* a route's own state across calls */
    void (*app_free)(void *app);          /* called on app when the request ends */
};

/* Called once the request is complete; a body the route takes is in
 * rq->body, whole (never more than the route's max_body). */
typedef enum MHD_Result (*serve_http_route_fn)(void *ud, struct MHD_Connection *c,
                                               struct request *rq);

/* A page filter may rewrite an HTML page before it is served (fd is
 * the open file, st its status): true when it wrote the page to out,
 * which is then served with no-store and no validators. */
typedef bool (*serve_http_page_fn)(void *ud, int fd, const struct stat *st, struct buf *out);

struct serve_http_options {
    const char *root; /* the built site */
    const char *host; /* IPv4/IPv6 literal or "localhost" */
    unsigned port;    /* 0: ephemeral */
    bool access_log;
};

/* Opens the root; the daemon does not run until serve_http_listen. */
enum status serve_http_new(const struct serve_http_options *opt, struct serve_http **out,
                           struct diag *d);
/* Routes are matched in the order added, before the static route "/";
 * the first whose prefix starts the path wins. allow: "POST" or
 * "GET, HEAD, POST" (also the Allow header of a 405). max_body 0: the
 * route takes no body (413); else at most TS_LIMIT_HTTP_BODY. */
enum status serve_http_route_add(struct serve_http *h, const char *prefix, const char *allow,
                                 size_t max_body, serve_http_route_fn fn, void *ud,
                                 struct diag *d);
void serve_http_page_filter(struct serve_http *h, serve_http_page_fn fn, void *ud);
/* A script every HTML page gets, for a mode of the server only (serve
 * --watch): `<script src="SRC" defer></script>` before the page's
 * </head> (at its end when it has none), also after the page filter
 * and in the 404 page; such pages go out no-store. fn writes SRC for
 * each page (so it may say which build the page is from): a path of
 * this server, without a quote, '<' or '&', NUL-terminated within
 * srclen. The files on disk never carry it. */
typedef void (*serve_http_script_fn)(void *ud, char *src, size_t srclen);
void serve_http_page_script(struct serve_http *h, serve_http_script_fn fn, void *ud);
/* The root's directory descriptor (borrowed), for an app reading files
 * of the built site with the same no-symlink rules. */
int serve_http_root_fd(const struct serve_http *h);
/* Starts the daemon; *bound_port says where. */
enum status serve_http_listen(struct serve_http *h, unsigned *bound_port, struct diag *d);
/* Stops accepting and gives requests already received a few seconds
 * to be answered (SIGTERM in serve_run). */
void serve_http_drain(struct serve_http *h);
/* Stops the daemon (joining its threads, so no route runs after this
 * returns) and frees h; NULL is a no-op. */
void serve_http_free(struct serve_http *h);

/* ---- for routes -------------------------------------------------- */

bool serve_add_header(struct MHD_Response *r, const char *name, const char *value);
/* Queues r with the headers every response carries; takes r. */
enum MHD_Result serve_respond(struct MHD_Connection *c, struct request *rq, unsigned status,
                              struct MHD_Response *r, uint64_t body_bytes);
/* A body from a buffer (copied) with a content type and no-store. */
enum MHD_Result serve_respond_text(struct MHD_Connection *c, struct request *rq, unsigned status,
                                   const char *type, const char *body, size_t len);
/* The built-in page for an error status (Allow when given). */
enum MHD_Result serve_respond_error(struct MHD_Connection *c, struct request *rq, unsigned status,
                                    const char *allow);

/* A route that waits for other work suspends its connection (no
 * thread waits with it) and has it resumed from anywhere; the HTTP
 * layer then calls the route again with the same request, whose `app`
 * says how far it got. A connection must never stay suspended when the
 * server stops. */
void serve_http_suspend(struct MHD_Connection *c);
void serve_http_resume(struct MHD_Connection *c);

/* The client a limit counts: the peer, or X-Real-IP when the peer is
 * a proxy on loopback (nginx on the same machine, docs/nginx.md). */
void serve_client_of(struct MHD_Connection *c, const struct request *rq, char *out, size_t outlen);
/* POST from another site: Origin not matching Host, Sec-Fetch-Site
 * cross-site, or Origin "null". */
bool serve_cross_site(struct MHD_Connection *c);

#endif
