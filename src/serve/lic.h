/*
 * lic.h — what the files of the licensing application share and
 * nothing outside serve uses (tests and the fuzz target may): the
 * inquiry store (SQLite), the crypto helpers, the licensing state (key,
 * photo ids, rate table, notification worker) and the routes of the
 * inquiry API and the owner's pages, which serve.c registers with the
 * HTTP layer (http.h).
 *
 * Must never: be included by http.c (the HTTP layer knows nothing of
 * licensing) or outside src/serve, tests/ and fuzz/.
 *
 * Spec: docs/serve.md, docs/inquiries.md.
 */
#ifndef TS_SERVE_LIC_H
#define TS_SERVE_LIC_H

#include <pthread.h>

#include "serve/http.h"

/* ---- the store: one interface (store.c), two engines ------------------
 *
 * store.c holds what the store does, in SQL written once for both
 * engines (placeholders '?'; store_pg.c numbers them); an engine
 * (store_sqlite.c, store_pg.c) only connects, runs a statement, hands
 * back rows as text and frames transactions. The migrations are one
 * numbered list (store.c) with a per-engine text only where the
 * dialects differ. Engines never call store.c (no circle): store.c
 * reaches them through their open function and their ops table. */

struct serve_store;

struct serve_row {
    int64_t id;
    char created[32]; /* "2026-11-27T17:20:00Z" */
    char status[16];
    struct serve_inquiry q;
};
void serve_row_clear(struct serve_row *r);

/* One row of a query as text (an integer in decimal); v[i] NULL for
 * SQL NULL. */
typedef enum status (*serve_store_row_fn)(void *ud, const char *const *v, const size_t *len,
                                          int ncols);

/* Statement parameters: kinds[i] 't' (args[i] a const char *, NULL for
 * SQL NULL) or 'i' (args[i] a const int64_t *). */
struct serve_store_ops {
    const char *name; /* "SQLite", "PostgreSQL" */
    /* true: the form-token key lives in <site>/.tearsheet/secret (one
     * machine's folder, as the database), and the rate limits in each
     * process's memory; false: in the tables secret and rate_buckets
     * (every machine on the database shares them). */
    bool secret_in_file;
    void (*close)(struct serve_store *s);
    /* schema: the transaction of a migration step, serialised against
     * every other process opening the same database. */
    enum status (*begin)(struct serve_store *s, bool schema, struct diag *d);
    enum status (*commit)(struct serve_store *s, struct diag *d);
    void (*rollback)(struct serve_store *s);
    /* Several statements without parameters (a migration). */
    enum status (*script)(struct serve_store *s, const char *sql, struct diag *d);
    /* One statement; *changes (may be NULL) rows written; fn (may be
     * NULL) sees each row it returns. */
    enum status (*exec)(struct serve_store *s, const char *sql, const char *kinds,
                        const void *const *args, serve_store_row_fn fn, void *ud, int64_t *changes,
                        struct diag *d);
    /* The schema version (0: a new database) and its update, inside a
     * schema transaction. */
    enum status (*version)(struct serve_store *s, int *version, struct diag *d);
    enum status (*set_version)(struct serve_store *s, int version, struct diag *d);
    enum status (*ping)(struct serve_store *s, struct diag *d);
    enum status (*backup)(struct serve_store *s, const char *path, struct diag *d);
};

/* What every engine's store begins with. */
struct serve_store {
    const struct serve_store_ops *ops;
    pthread_mutex_t lock; /* one statement or transaction at a time */
    char site_dir[TS_LIMIT_PATH];
    char where[TS_LIMIT_PATH]; /* for messages: the file, or the database without password */
    unsigned rate_calls;       /* serve_store_rate_take's, to purge now and then */
};

/* The engines' open functions (store.c picks one by the options). */
enum status serve_store_sqlite_open(const struct serve_store_options *o, struct serve_store **out,
                                    struct diag *d);
enum status serve_store_pg_open(const struct serve_store_options *o, struct serve_store **out,
                                struct diag *d);

/* Opens (creates) the store the options name, migrated up to the
 * current schema. Every call below is serialised by s->lock. */
enum status serve_store_open(const struct serve_store_options *o, struct serve_store **out,
                             struct diag *d);
/* The form-token key, shared by every process on the store (made on
 * first use). */
enum status serve_store_secret(struct serve_store *s, uint8_t key[SERVE_KEY_BYTES],
                               struct diag *d);
void serve_store_close(struct serve_store *s);
/* ST_OK when the store answers a read (the health endpoint). */
enum status serve_store_ping(struct serve_store *s, struct diag *d);
/* A consistent copy of the database into a new file at path (0600;
 * ST_USAGE when it exists), while the server may be writing; for
 * PostgreSQL, ST_USAGE and pg_dump's command line in d. */
enum status serve_store_backup(struct serve_store *s, const char *path, struct diag *d);

/* One request of `key` (a client network, or "all") against the
 * bucket `bucket` shared by every process on the store: *ok false and
 * *retry_after when over `burst` at once, one more every refill_s. Only
 * for a store whose !ops->secret_in_file (the others keep limits in
 * memory, rate.c). */
enum status serve_store_rate_take(struct serve_store *s, const char *bucket, const char *key,
                                  unsigned burst, unsigned refill_s, time_t now, bool *ok,
                                  unsigned *retry_after, struct diag *d);

/* One transaction: the token's nonce, the inquiry, its notification
 * when `notify`. Committed (fsync'd) when this returns ST_OK. The
 * nonce is the idempotency key: when it was used already, nothing is
 * stored, *replayed is true and *id is the inquiry the first post
 * stored (0 when that post stored none). */
enum status serve_store_add(struct serve_store *s, const struct serve_inquiry *q, const char *nonce,
                            time_t now, bool notify, int64_t *id, bool *replayed, struct diag *d);
typedef enum status (*serve_row_fn)(void *ud, const struct serve_row *r);
/* Every inquiry, newest first. */
enum status serve_store_each(struct serve_store *s, serve_row_fn fn, void *ud, struct diag *d);
/* ST_NOT_FOUND when there is no inquiry N. */
enum status serve_store_get(struct serve_store *s, int64_t id, struct serve_row *r, struct diag *d);
enum status serve_store_mark(struct serve_store *s, int64_t id, const char *status, struct diag *d);
bool serve_status_valid(const char *status);

enum status serve_store_set_password(struct serve_store *s, const char *hash, struct diag *d);
/* hash: "" when no password was set. */
enum status serve_store_get_password(struct serve_store *s, char *hash, size_t hashlen,
                                     struct diag *d);

/* Sessions: a random id (the cookie, stored hashed) and a CSRF token. */
#define SERVE_SESSION_HEX 65
#define SERVE_SESSION_TTL_S (8 * 3600)
enum status serve_store_session_new(struct serve_store *s, time_t now, char id[SERVE_SESSION_HEX],
                                    char csrf[SERVE_SESSION_HEX], struct diag *d);
/* *found false when absent or expired. */
enum status serve_store_session_find(struct serve_store *s, const char *id, time_t now,
                                     char csrf[SERVE_SESSION_HEX], bool *found, struct diag *d);
enum status serve_store_session_end(struct serve_store *s, const char *id, struct diag *d);

/* The notification queue. */
enum status serve_store_notify_next(struct serve_store *s, time_t now, int64_t *id,
                                    unsigned *attempts, bool *found, struct diag *d);
enum status serve_store_notify_result(struct serve_store *s, int64_t id, bool ok, unsigned attempts,
                                      time_t next, const char *error, struct diag *d);

/* The first value of `name` in a form-urlencoded body, decoded, valid
 * UTF-8 without NUL and shorter than outlen; false otherwise. */
bool serve_form_value(const uint8_t *body, size_t len, const char *name, char *out, size_t outlen);

/* ---- crypto helpers (token.c) --------------------------------------- */

/* Random bytes from OpenSSL; false when it has none. */
bool serve_random(uint8_t *out, size_t n);
void serve_hex(const uint8_t *in, size_t n, char *out); /* out: 2n + 1 */
/* 2n lowercase hex digits into n bytes; false on any other byte. */
bool serve_unhex(const char *s, size_t n, uint8_t *out);
/* SHA-256 of s as 64 hex digits + NUL. */
void serve_sha256_hex(const char *s, size_t n, char out[65]);
/* "scrypt$N$r$p$<salt hex>$<hash hex>" */
#define SERVE_PWHASH_SIZE 256
enum status serve_password_hash(const char *pw, char out[SERVE_PWHASH_SIZE], struct diag *d);
bool serve_password_verify(const char *pw, const char *stored);
bool serve_const_eq(const char *a, const char *b);

/* ---- the licensing state ------------------------------------------- */

struct serve_notify;

/* ---- rate limits (rate.c) -------------------------------------------- */

struct serve_rate;
/* A client's network as a key: 4 + the IPv4 address, 6 + the IPv6 /64
 * (an IPv4-mapped IPv6 address counts as its IPv4); false when client
 * is not an address literal. */
#define SERVE_RATE_KEY_BYTES 9
bool serve_rate_key(const char *client, uint8_t key[SERVE_RATE_KEY_BYTES]);
/* A table of `slots` buckets: `burst` requests at once, one more every
 * refill_s seconds. */
enum status serve_rate_new(unsigned burst, unsigned refill_s, size_t slots, struct serve_rate **out,
                           struct diag *d);
void serve_rate_free(struct serve_rate *r);
/* One more request from client's network (NULL: the one shared
 * bucket of a global budget): false and *retry_after when over. A
 * table shared through a store counts in the store too, after its
 * own memory let the request through. */
bool serve_rate_take(struct serve_rate *r, const char *client, time_t now, unsigned *retry_after);
/* Shares the table's buckets, named `bucket`, with every process on
 * the store (one whose !ops->secret_in_file; others: a no-op). */
void serve_rate_share(struct serve_rate *r, struct serve_store *s, const char *bucket);

/* ---- password checks off the request threads (pwcheck.c) ------------- */

/* One owner login waiting for its scrypt: the request owns it (its
 * connection is suspended meanwhile); the worker fills `ok`, sets
 * `done` and last calls done_fn(ud), after which it never touches it. */
struct serve_pwcheck_job {
    char password[1024];
    char stored[SERVE_PWHASH_SIZE];
    bool ok, done;
    void (*done_fn)(void *ud);
    void *ud;
};
struct serve_pwcheck;
/* One worker thread and a queue of `slots` jobs waiting for it. */
enum status serve_pwcheck_start(size_t slots, struct serve_pwcheck **out, struct diag *d);
/* false: the queue is full or stopping (answer 503 + Retry-After). */
bool serve_pwcheck_submit(struct serve_pwcheck *q, struct serve_pwcheck_job *job);
/* Refuses new jobs, answers the queued ones (ok false), joins; NULL is
 * a no-op. */
void serve_pwcheck_stop(struct serve_pwcheck *q);

struct serve_lic {
    struct serve_store *store;
    uint8_t key[SERVE_KEY_BYTES];
    char **photo_ids; /* sorted */
    size_t nphotos;
    unsigned pow_bits;
    struct serve_rate *inquiry_rate; /* per network, TS_LIMIT_RATE_CLIENTS */
    struct serve_rate *login_rate;   /* per network, a table of its own */
    struct serve_rate *login_budget; /* every login from anywhere */
    struct serve_pwcheck *pwcheck;
    struct serve_notify *notify; /* NULL: no notify: in site.yaml */
};

/* The key, the store, the photo ids of the built site (read below
 * root_fd), the notification worker when opt->notify is set. */
enum status serve_lic_start(const struct serve_options *opt, int root_fd, struct serve_lic **out,
                            struct diag *d);
void serve_lic_stop(struct serve_lic *l);
/* "general" or an id of api/photos.json. */
bool serve_lic_photo_known(const struct serve_lic *l, const char *id);

/* Before the HTTP layer stops: answers logins still waiting for their
 * password check, so no connection stays suspended. */
void serve_lic_quiesce(struct serve_lic *l);

/* A serve_http_page_fn (ud: the serve_lic): copies the page in fd with
 * a fresh token in every `value="" data-tearsheet-token`; false when
 * it has none. */
bool serve_lic_fill_token(void *ud, int fd, const struct stat *st, struct buf *out);

/* serve_http_route_fn's, ud: the serve_lic. */
enum MHD_Result serve_inquiry_route(void *ud, struct MHD_Connection *c, struct request *rq);
enum MHD_Result serve_owner_route(void *ud, struct MHD_Connection *c, struct request *rq);
/* GET /health: 200 "ok" when the store answers, else 503 (for a load
 * balancer: take this server out). */
enum MHD_Result serve_lic_health_route(void *ud, struct MHD_Connection *c, struct request *rq);

/* ---- the notification worker (notify.c) ----------------------------- */

enum status serve_notify_start(struct serve_store *store, const char *command, unsigned retry_s,
                               struct serve_notify **out, struct diag *d);
void serve_notify_wake(struct serve_notify *n);
void serve_notify_stop(struct serve_notify *n);
/* The inquiry as the text the hook reads on stdin. */
enum status serve_inquiry_text(const struct serve_row *r, struct buf *out);

#endif
