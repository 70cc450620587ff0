/*
 * serve.h — the one header of the serve module: the HTTP server
 * (libmicrohttpd) that serves a built site and, with its own issue,
 * the licence-inquiry API.
 *
 * Must never: serve a file outside the site's output folder (no "..",
 * no encoded slashes, no symlinks leading out), read a request body
 * past its limit, or link image, c2pa or story.
 *
 * Inside, two halves (docs/serve.md "Design"): the HTTP layer (http.h)
 * and the licensing application (lic.h) that registers its routes
 * with it; serve.c puts them together.
 *
 * Spec: DESIGN.md "Command line" (tearsheet serve), docs/serve.md.
 */
#ifndef TS_SERVE_H
#define TS_SERVE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "base/base.h"

/* Where the inquiry store is (docs/deploy.md). */
struct serve_store_options {
    const char *site_dir; /* SQLite: <site>/.tearsheet/inquiries.db and secret */
    /* site.yaml store: (the story parser's): NULL or "" for SQLite, or
     * "postgresql://..." — never with a password in it (refused) */
    const char *uri;
    /* site.yaml store_password_file: (joined to the site folder), NULL:
     * libpq's own (PGPASSWORD, ~/.pgpass) */
    const char *password_file;
};

struct serve_http;

/*
 * A mode of the server that lives outside this module (serve --watch,
 * src/watch/): attach adds its routes and page script to the HTTP
 * layer (http.h) before the daemon listens; quiesce, called before the
 * server drains or stops (also when it could not start after attach),
 * must end whatever it holds open (a suspended connection must never
 * outlive the daemon) and keep no thread that resumes connections.
 */
struct serve_addon {
    enum status (*attach)(void *ud, struct serve_http *h, struct diag *d);
    void (*quiesce)(void *ud);
    void *ud;
};

struct serve_options {
    const char *root; /* the built site (public/) */
    const char *host; /* "127.0.0.1", "::1", "localhost" (= 127.0.0.1) */
    unsigned port;    /* 0 = an ephemeral port (tests) */
    bool access_log;  /* one line per request on stderr */
    /* ---- licence inquiries (docs/inquiries.md); NULL site_dir: static only */
    const char *site_dir;    /* site folder: .tearsheet/ (inquiries.db, secret) */
    unsigned rate_burst;     /* inquiry POSTs per client before 429 (0: TS_LIMIT_INQUIRY_BURST) */
    unsigned rate_refill_s;  /* seconds to regain one (0: TS_LIMIT_INQUIRY_REFILL_S) */
    unsigned login_budget;   /* owner logins per minute from everyone (0: TS_LIMIT_LOGIN_BUDGET) */
    unsigned notify_retry_s; /* first retry of a failed hook, doubled each time (0: 30) */
    /* From site.yaml, read by the story module's parser (main.c hands
     * them over; serve itself never parses YAML): */
    const char *notify; /* the notify: command, NULL or "": none */
    unsigned pow_bits;  /* proof_of_work: (0: off, at most TS_LIMIT_POW_BITS) */
    const char *store;               /* store: (see serve_store_options) */
    const char *store_password_file; /* store_password_file: */

    /* A mode added from outside serve (serve --watch); NULL: none. */
    const struct serve_addon *addon;
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

/* ---- licence inquiries: fields, tokens, the owner's commands ------- */

/*
 * The inquiry's fields, declared in one table (kcgi's struct kvalid):
 * name, required, maximum length in bytes (after decoding), validator.
 * docs/inquiries.md lists the same rules for the forms.
 */
enum serve_field {
    SF_PHOTO_ID,
    SF_NAME,
    SF_ORGANISATION,
    SF_EMAIL,
    SF_COUNTRY,
    SF_USAGE,
    SF_MEDIA,
    SF_TERRITORY,
    SF_START_DATE,
    SF_DURATION,
    SF_SIZE_PLACEMENT,
    SF_PRINT_RUN,
    SF_EXCLUSIVITY,
    SF_DEADLINE,
    SF_BUDGET,
    SF_DESCRIPTION,
    SF_CONSENT,
    SF_WEBSITE, /* honeypot: must be empty */
    SF_TOKEN,
    SF_POW, /* proof-of-work answer, only when asked for */
    SERVE_FIELD_COUNT
};

/* A validator sees the trimmed value (valid UTF-8, no NUL) and sets
 * *why to a message a person can act on when it refuses. */
typedef bool (*serve_validator_fn)(const char *v, size_t n, const char **why);

struct serve_field_rule {
    const char *name;
    bool required;
    bool multi; /* several values (checkboxes), stored joined by "," */
    size_t max; /* bytes of one value */
    serve_validator_fn valid;
};
extern const struct serve_field_rule serve_fields[SERVE_FIELD_COUNT];

/* Runs field f's rule on one value: false and *why when refused. */
bool serve_field_check(enum serve_field f, const char *v, size_t n, const char **why);

/* Parsed fields: NULL when absent; media joined by ","; malloc'd. */
struct serve_inquiry {
    char *v[SERVE_FIELD_COUNT];
};
void serve_inquiry_clear(struct serve_inquiry *q);

#define SERVE_ERRORS_MAX (SERVE_FIELD_COUNT + 2)
struct serve_errors {
    unsigned n;
    struct {
        char field[32]; /* a field name, or "body" */
        char message[160];
    } e[SERVE_ERRORS_MAX];
};
void serve_errors_add(struct serve_errors *e, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

enum serve_body_kind { SERVE_BODY_FORM, SERVE_BODY_JSON };
/*
 * An application/x-www-form-urlencoded or JSON body into q, every field
 * through its rule. ST_OK: every rule passed (whether photo_id names a
 * photo that exists is the caller's check). ST_MALFORMED: errs says
 * what, per field ("body" for the body as a whole: bad UTF-8, a bad
 * escape, not a JSON object, too many fields). Never reads past len.
 */
enum status serve_inquiry_parse(enum serve_body_kind kind, const uint8_t *body, size_t len,
                                struct serve_inquiry *q, struct serve_errors *errs);

/* Time tokens: "<issued>.<nonce 32 hex>.<HMAC-SHA256 64 hex>". */
#define SERVE_KEY_BYTES 32
#define SERVE_NONCE_BYTES 16
#define SERVE_TOKEN_SIZE 128
#define SERVE_TOKEN_MIN_AGE_S 3
#define SERVE_TOKEN_MAX_AGE_S 7200
void serve_token_make(const uint8_t key[SERVE_KEY_BYTES], time_t issued,
                      const uint8_t nonce[SERVE_NONCE_BYTES], char out[SERVE_TOKEN_SIZE]);
enum serve_token_verdict {
    SERVE_TOKEN_OK,
    SERVE_TOKEN_MALFORMED,
    SERVE_TOKEN_FORGED, /* the HMAC does not match */
    SERVE_TOKEN_TOO_FAST,
    SERVE_TOKEN_EXPIRED,
};
/* Checks signature and age at `now`; on OK, nonce_hex (33 bytes) is
 * the nonce to record so the token is accepted only once. */
enum serve_token_verdict serve_token_check(const uint8_t key[SERVE_KEY_BYTES], const char *tok,
                                           size_t n, time_t now, char nonce_hex[33]);
/* Proof of work: true when SHA-256(token ":" answer) starts with
 * `bits` zero bits. */
bool serve_pow_check(const char *token, const char *answer, unsigned bits);

/* <site>/.tearsheet/secret (0600): made with 32 random bytes on first
 * use, read after. */
enum status serve_secret_load(const char *site_dir, uint8_t key[SERVE_KEY_BYTES], struct diag *d);

/* The owner's commands on a site's store (SQLite's
 * <site>/.tearsheet/inquiries.db or site.yaml's store:); output to f. */
enum status serve_cli_list(const struct serve_store_options *o, FILE *f, struct diag *d);
enum status serve_cli_show(const struct serve_store_options *o, int64_t id, FILE *f,
                           struct diag *d);
enum status serve_cli_export_csv(const struct serve_store_options *o, FILE *f, struct diag *d);
/* status: new, quoted, licensed or declined. */
enum status serve_cli_mark(const struct serve_store_options *o, int64_t id, const char *status,
                           struct diag *d);
/* A consistent copy of the inquiry database (SQLite's online backup,
 * safe while a server writes) into a new file (refused if it exists);
 * a PostgreSQL store: ST_USAGE with pg_dump's command line in d. */
enum status serve_cli_backup(const struct serve_store_options *o, const char *path,
                             struct diag *d);
/* Stores a salted scrypt hash of password (at least 10 bytes). */
enum status serve_cli_passwd(const struct serve_store_options *o, const char *password,
                             struct diag *d);

/* libpq's version, major * 10000 + minor (PQlibVersion), loading it
 * as a PostgreSQL store would (it is never loaded at start-up,
 * store_pg.c); 0 with the reason in d when it cannot be loaded. For
 * `tearsheet --version`. */
int serve_libpq_version(struct diag *d);

#endif
