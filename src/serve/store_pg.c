/*
 * store_pg.c — the PostgreSQL engine of the inquiry store, through
 * libpq: site.yaml's `store: postgresql://user@host/db`, so that
 * several `tearsheet serve` processes, on one machine or several,
 * share one database (docs/deploy.md). One connection per process,
 * used by one statement or transaction at a time (store.c's lock),
 * made again when the server dropped it. The schema version is a row
 * of the table schema_version; a migration step runs under a
 * transaction-scoped advisory lock, so processes starting together
 * take turns.
 *
 * libpq is opened (dynlib.c) by the first PostgreSQL store, not linked:
 * it and what it pulls in (Kerberos, LDAP, OpenSSL's libssl) would
 * otherwise be mapped at the start of every command, `tearsheet build`
 * included (docs/performance.md "Start-up"). Its functions are called
 * through `pq`, a table typed from libpq-fe.h's declarations.
 *
 * Must never: take a password from site.yaml (a URI with one is
 * refused, and no message prints a URI that could hold one), read a
 * password file others may read, or call a commit good that the server
 * turned into a rollback.
 *
 * Spec: PostgreSQL 15 "libpq — Database Connection Control Functions"
 * (PQconnectdbParams: with expand_dbname, keywords after dbname
 * override the URI's), "Command Execution Functions" (PQexecParams,
 * PQcmdTuples), "Explicit Locking" (pg_advisory_xact_lock).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <libpq-fe.h>
#include <openssl/crypto.h>

#include "serve/lic.h"

/* The libpq functions this engine calls, each of its libpq-fe.h type. */
#define PQ_FUNCTIONS(X)                                                                            \
    X(PQclear)                                                                                     \
    X(PQcmdStatus)                                                                                 \
    X(PQcmdTuples)                                                                                 \
    X(PQconnectdbParams)                                                                           \
    X(PQconninfoFree)                                                                              \
    X(PQconninfoParse)                                                                             \
    X(PQdb)                                                                                        \
    X(PQerrorMessage)                                                                              \
    X(PQexec)                                                                                      \
    X(PQexecParams)                                                                                \
    X(PQfinish)                                                                                    \
    X(PQfreemem)                                                                                   \
    X(PQgetisnull)                                                                                 \
    X(PQgetlength)                                                                                 \
    X(PQgetvalue)                                                                                  \
    X(PQnfields)                                                                                   \
    X(PQntuples)                                                                                   \
    X(PQreset)                                                                                     \
    X(PQresultErrorField)                                                                          \
    X(PQresultErrorMessage)                                                                        \
    X(PQresultStatus)                                                                              \
    X(PQsetClientEncoding)                                                                         \
    X(PQsetNoticeReceiver)                                                                         \
    X(PQstatus)                                                                                    \
    X(PQtransactionStatus)                                                                         \
    X(PQlibVersion)

static struct {
#define X(fn) __typeof__(fn) *fn;
    PQ_FUNCTIONS(X)
#undef X
} pq;

static bool bind_pq(const struct dynlib *l, void *h, struct diag *d)
{
#define X(fn)                                                                                      \
    if (!dynlib_bind(l, h, #fn, (void **)&pq.fn, d))                                               \
        return false;
    PQ_FUNCTIONS(X)
#undef X
    return true;
}

static struct dynlib libpq =
    DYNLIB_INIT("libpq.so.5", "libpq5", "a PostgreSQL inquiry store", bind_pq);

int serve_libpq_version(struct diag *d)
{
    return dynlib_load(&libpq, "libpq", d) ? pq.PQlibVersion() : 0;
}

/* "tearshee": the advisory lock of schema migrations, one number that
 * any other application on the database is unlikely to take. */
#define SCHEMA_LOCK "7310016396549498213"

struct store_pg {
    struct serve_store base; /* first: a serve_store * is one of these */
    PGconn *conn;
    bool in_tx;
};

static struct store_pg *pg(struct serve_store *s)
{
    return (struct store_pg *)s;
}

/* libpq's message without its trailing newline. */
static enum status pg_error(struct serve_store *s, struct diag *d, const char *what,
                            const PGresult *r)
{
    const char *msg = r ? pq.PQresultErrorMessage(r) : "";
    if (!msg[0])
        msg = pq.PQerrorMessage(pg(s)->conn);
    size_t n = strcspn(msg, "\n");
    return diag_set(d, ST_IO, "database", DIAG_NO_OFFSET, "%s: %s: %.*s", s->where, what, (int)n,
                    msg);
}

/* The server's warnings go to the log; its notices ("relation
 * schema_version already exists, skipping" at every start) do not. */
static void pg_notice(void *arg, const PGresult *r)
{
    (void)arg;
    const char *severity = pq.PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
    const char *msg = pq.PQresultErrorMessage(r);
    if (severity && strcmp(severity, "WARNING") == 0)
        log_msg(LOG_WARN, "database: %.*s", (int)strcspn(msg, "\n"), msg);
}

static void pg_close(struct serve_store *s)
{
    pq.PQfinish(pg(s)->conn);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static enum status pg_command(struct serve_store *s, const char *sql, const char *what,
                              struct diag *d)
{
    PGresult *r = pq.PQexec(pg(s)->conn, sql);
    ExecStatusType rs = pq.PQresultStatus(r);
    enum status st =
        rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK ? ST_OK : pg_error(s, d, what, r);
    pq.PQclear(r);
    return st;
}

/* What every connection runs with: the timeouts of limits.h
 * (TS_LIMIT_PG_*: why), and UTF-8, which inquiries are (fields.c
 * checks it) and so is every answer. */
static enum status pg_session(struct serve_store *s, struct diag *d)
{
    char sql[160];
    if (pq.PQsetClientEncoding(pg(s)->conn, "UTF8") != 0)
        return pg_error(s, d, "cannot use UTF-8", NULL);
    snprintf(sql, sizeof sql,
             "SET idle_in_transaction_session_timeout = '%ds'; SET lock_timeout = '%ds'",
             (int)TS_LIMIT_PG_IDLE_TX_S, (int)TS_LIMIT_PG_LOCK_S);
    return pg_command(s, sql, "cannot set the session's timeouts", d);
}

/* Outside a transaction, a dropped connection (the server restarted,
 * a proxy timed it out) is made again before the next statement. */
static enum status pg_alive(struct serve_store *s, struct diag *d)
{
    struct store_pg *p = pg(s);
    if (pq.PQstatus(p->conn) == CONNECTION_OK)
        return ST_OK;
    if (p->in_tx)
        return pg_error(s, d, "connection lost in a transaction", NULL);
    pq.PQreset(p->conn);
    if (pq.PQstatus(p->conn) != CONNECTION_OK)
        return pg_error(s, d, "cannot reconnect", NULL);
    return pg_session(s, d);
}

static enum status pg_script(struct serve_store *s, const char *sql, struct diag *d)
{
    return pg_command(s, sql, "statement failed", d);
}

static enum status pg_begin(struct serve_store *s, bool schema, struct diag *d)
{
    enum status st = pg_alive(s, d);
    if (st == ST_OK)
        st = pg_command(s, "BEGIN", "cannot start a transaction", d);
    /* The server went away since the last statement: nothing was
     * started, so connect again and begin once more. */
    if (st != ST_OK && pq.PQstatus(pg(s)->conn) == CONNECTION_BAD && pg_alive(s, d) == ST_OK)
        st = pg_command(s, "BEGIN", "cannot start a transaction", d);
    if (st != ST_OK)
        return st;
    pg(s)->in_tx = true;
    if (schema &&
        (st = pg_command(s,
                         "SELECT pg_advisory_xact_lock(" SCHEMA_LOCK ");"
                         "CREATE TABLE IF NOT EXISTS schema_version(id INTEGER PRIMARY KEY"
                         " CHECK(id = 1), version INTEGER NOT NULL);"
                         "INSERT INTO schema_version(id, version) VALUES(1, 0)"
                         " ON CONFLICT(id) DO NOTHING;",
                         "cannot read the schema version", d)) != ST_OK)
        return st;
    return ST_OK;
}

/* A transaction that failed answers COMMIT with "ROLLBACK", not an
 * error: that is no commit. synchronous_commit (on, PostgreSQL's
 * default; docs/deploy.md) makes COMMIT return once the WAL is on
 * disk. */
static enum status pg_commit(struct serve_store *s, struct diag *d)
{
    PGresult *r = pq.PQexec(pg(s)->conn, "COMMIT");
    enum status st = ST_OK;
    if (pq.PQresultStatus(r) != PGRES_COMMAND_OK)
        st = pg_error(s, d, "cannot commit", r);
    else if (strcmp(pq.PQcmdStatus(r), "COMMIT") != 0)
        st = diag_set(d, ST_IO, "database", DIAG_NO_OFFSET, "%s: the transaction was rolled back",
                      s->where);
    pq.PQclear(r);
    pg(s)->in_tx = false;
    return st;
}

static void pg_rollback(struct serve_store *s)
{
    if (pq.PQtransactionStatus(pg(s)->conn) != PQTRANS_IDLE)
        pq.PQclear(pq.PQexec(pg(s)->conn, "ROLLBACK"));
    pg(s)->in_tx = false;
}

/* store.c's '?' placeholders as PostgreSQL's $1, $2, ... (its SQL has
 * no '?' inside a literal). */
static enum status number_params(const char *sql, struct buf *out)
{
    int n = 0;
    for (const char *p = sql; *p; p++) {
        enum status st = *p == '?' ? buf_printf(out, "$%d", ++n) : buf_append(out, p, 1);
        if (st != ST_OK)
            return st;
    }
    return buf_append(out, "", 1);
}

static enum status pg_exec(struct serve_store *s, const char *sql, const char *kinds,
                           const void *const *args, serve_store_row_fn fn, void *ud,
                           int64_t *changes, struct diag *d)
{
    enum status st = ST_OK;
    struct buf text;
    PGresult *r = NULL;
    enum { MAXP = SERVE_FIELD_COUNT + 4 };
    const char *values[MAXP], *v[MAXP];
    char nums[MAXP][24];
    size_t len[MAXP];
    int n = (int)strlen(kinds);
    buf_init(&text, 8192);
    if (n > MAXP) {
        st = diag_set(d, ST_INTERNAL, "database", DIAG_NO_OFFSET, "too many parameters");
        goto abort;
    }
    if (number_params(sql, &text) != ST_OK) {
        st = diag_set(d, ST_INTERNAL, "database", DIAG_NO_OFFSET, "statement too long");
        goto abort;
    }
    if ((st = pg_alive(s, d)) != ST_OK)
        goto abort;
    for (int i = 0; i < n; i++) {
        if (kinds[i] == 'i') {
            snprintf(nums[i], sizeof nums[i], "%lld", (long long)*(const int64_t *)args[i]);
            values[i] = nums[i];
        } else {
            values[i] = args[i];
        }
    }
    r = pq.PQexecParams(pg(s)->conn, text.data, n, NULL, values, NULL, NULL, 0);
    ExecStatusType rs = pq.PQresultStatus(r);
    /* A read outside a transaction on a connection the server dropped
     * since the last statement: connect again and read once more (a
     * write is not sent twice: it may have been committed). */
    if (rs != PGRES_TUPLES_OK && !pg(s)->in_tx && strncmp(sql, "SELECT", 6) == 0 &&
        pq.PQstatus(pg(s)->conn) == CONNECTION_BAD && pg_alive(s, d) == ST_OK) {
        pq.PQclear(r);
        r = pq.PQexecParams(pg(s)->conn, text.data, n, NULL, values, NULL, NULL, 0);
        rs = pq.PQresultStatus(r);
    }
    if (rs != PGRES_COMMAND_OK && rs != PGRES_TUPLES_OK) {
        st = pg_error(s, d, "statement failed", r);
        goto abort;
    }
    int ncols = pq.PQnfields(r), nrows = pq.PQntuples(r);
    if (ncols > MAXP) {
        st = diag_set(d, ST_INTERNAL, "database", DIAG_NO_OFFSET, "too many columns");
        goto abort;
    }
    for (int row = 0; fn && row < nrows; row++) {
        for (int c = 0; c < ncols; c++) {
            v[c] = pq.PQgetisnull(r, row, c) ? NULL : pq.PQgetvalue(r, row, c);
            len[c] = (size_t)pq.PQgetlength(r, row, c);
        }
        if ((st = fn(ud, v, len, ncols)) != ST_OK)
            goto abort;
    }
    if (changes)
        *changes = strtoll(pq.PQcmdTuples(r), NULL, 10);
abort:
    pq.PQclear(r);
    buf_free(&text);
    return st;
}

static enum status pg_version(struct serve_store *s, int *version, struct diag *d)
{
    PGresult *r = pq.PQexec(pg(s)->conn, "SELECT version FROM schema_version WHERE id = 1");
    enum status st = ST_OK;
    if (pq.PQresultStatus(r) != PGRES_TUPLES_OK || pq.PQntuples(r) != 1)
        st = pg_error(s, d, "cannot read the schema version", r);
    else
        *version = atoi(pq.PQgetvalue(r, 0, 0));
    pq.PQclear(r);
    return st;
}

static enum status pg_set_version(struct serve_store *s, int version, struct diag *d)
{
    char sql[80];
    snprintf(sql, sizeof sql, "UPDATE schema_version SET version = %d WHERE id = 1", version);
    return pg_command(s, sql, "cannot write the schema version", d);
}

static enum status pg_ping(struct serve_store *s, struct diag *d)
{
    enum status st = pg_alive(s, d);
    return st != ST_OK ? st : pg_command(s, "SELECT 1 FROM schema_version", "not answering", d);
}

/* A copy of a server's database is the server's to make (pg_dump
 * takes one snapshot, whatever the servers write meanwhile): say how. */
static enum status pg_backup(struct serve_store *s, const char *path, struct diag *d)
{
    return diag_set(d, ST_USAGE, "backup", DIAG_NO_OFFSET,
                    "the store is PostgreSQL (%s): back it up with pg_dump, e.g. "
                    "pg_dump --format=custom --file='%s' '%s' (docs/deploy.md)",
                    pq.PQdb(pg(s)->conn), path, s->where);
}

static const struct serve_store_ops pg_ops = {
    .name = "PostgreSQL",
    .secret_in_file = false,
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .script = pg_script,
    .exec = pg_exec,
    .version = pg_version,
    .set_version = pg_set_version,
    .ping = pg_ping,
    .backup = pg_backup,
};

/* The first line of the password file, which only its owner may read
 * (as libpq asks of ~/.pgpass). */
static enum status read_password(const char *path, char *out, size_t outlen, struct diag *d)
{
    enum status st = ST_OK;
    struct stat sb;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    diag_set_file(d, path);
    if (fd < 0)
        return diag_set(d, ST_CONFIG, "store_password_file", DIAG_NO_OFFSET, "cannot open: %s",
                        strerror(errno));
    if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
        st = diag_set(d, ST_CONFIG, "store_password_file", DIAG_NO_OFFSET, "not a file");
        goto abort;
    }
    if (sb.st_mode & 077) {
        st = diag_set(d, ST_CONFIG, "store_password_file", DIAG_NO_OFFSET,
                      "others may read it: chmod 600 it");
        goto abort;
    }
    ssize_t n = read(fd, out, outlen - 1);
    if (n <= 0) {
        st = diag_set(d, ST_CONFIG, "store_password_file", DIAG_NO_OFFSET, "empty or unreadable");
        goto abort;
    }
    out[n] = '\0';
    out[strcspn(out, "\r\n")] = '\0';
    if (!out[0] || (size_t)n == outlen - 1)
        st = diag_set(d, ST_CONFIG, "store_password_file", DIAG_NO_OFFSET,
                      "no password on its first line, or longer than %zu bytes", outlen - 2);
abort:
    close(fd);
    if (st == ST_OK)
        diag_clear(d);
    return st;
}

/* Refuses a URI that carries a password (user:pw@ or ?password=),
 * parsed the way libpq will parse it. */
static enum status check_uri(const char *uri, struct diag *d)
{
    char *err = NULL;
    PQconninfoOption *opts = pq.PQconninfoParse(uri, &err);
    enum status st = ST_OK;
    if (!opts) {
        size_t n = err ? strcspn(err, "\n") : 0;
        st = diag_set(d, ST_CONFIG, "store", DIAG_NO_OFFSET, "not a PostgreSQL URI: %.*s", (int)n,
                      err ? err : "out of memory");
        goto abort;
    }
    for (PQconninfoOption *o = opts; o->keyword; o++)
        if (strcmp(o->keyword, "password") == 0 && o->val && o->val[0])
            st = diag_set(d, ST_CONFIG, "store", DIAG_NO_OFFSET,
                          "the URI holds a password, and site.yaml is no place for one (it is "
                          "copied, shared, committed): take it out and set PGPASSWORD or "
                          "store_password_file: (docs/deploy.md)");
abort:
    pq.PQfreemem(err);
    pq.PQconninfoFree(opts);
    return st;
}

enum status serve_store_pg_open(const struct serve_store_options *o, struct serve_store **out,
                                struct diag *d)
{
    enum status st = ST_OK;
    char password[1024] = "";
    *out = NULL;
    if (!dynlib_load(&libpq, "database", d))
        return d->status;
    struct store_pg *p = calloc(1, sizeof *p);
    if (!p)
        return diag_set(d, ST_NOMEM, "database", DIAG_NO_OFFSET, "out of memory");
    struct serve_store *s = &p->base;
    s->ops = &pg_ops;
    pthread_mutex_init(&s->lock, NULL);
    if ((st = check_uri(o->uri, d)) != ST_OK) {
        char yaml[TS_LIMIT_PATH];
        if (o->site_dir && path_join(yaml, sizeof yaml, o->site_dir, "site.yaml"))
            diag_set_file(d, yaml);
        goto abort;
    }
    if (snprintf(s->site_dir, sizeof s->site_dir, "%s", o->site_dir ? o->site_dir : "") >=
            (int)sizeof s->site_dir ||
        snprintf(s->where, sizeof s->where, "%s", o->uri) >= (int)sizeof s->where) {
        /* as the SQLite engine: a cut path or URI would name another place */
        st = diag_set(d, ST_USAGE, "store", DIAG_NO_OFFSET, "site folder or store: URI too long");
        goto abort;
    }
    if (o->password_file && o->password_file[0] &&
        (st = read_password(o->password_file, password, sizeof password, d)) != ST_OK)
        goto abort;
    /* connect_timeout before dbname: the URI may set its own; the
     * password after it: the file's wins over libpq's environment. */
    const char *keys[] = {"connect_timeout", "application_name", "dbname",
                          password[0] ? "password" : NULL, NULL};
    char timeout[16];
    snprintf(timeout, sizeof timeout, "%d", (int)TS_LIMIT_PG_CONNECT_S);
    const char *vals[] = {timeout, "tearsheet serve", o->uri, password, NULL};
    p->conn = pq.PQconnectdbParams(keys, vals, 1);
    OPENSSL_cleanse(password, sizeof password);
    if (!p->conn) {
        st = diag_set(d, ST_NOMEM, "database", DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    if (pq.PQstatus(p->conn) != CONNECTION_OK) {
        st = pg_error(s, d, "cannot connect", NULL);
        goto abort;
    }
    pq.PQsetNoticeReceiver(p->conn, pg_notice, NULL);
    if ((st = pg_session(s, d)) != ST_OK)
        goto abort;
    *out = s;
    p = NULL;
abort:
    if (p)
        pg_close(&p->base);
    return st;
}
