/*
 * store.c — the inquiry store: <site>/.tearsheet/inquiries.db (SQLite,
 * WAL, synchronous=FULL) with numbered schema migrations
 * (PRAGMA user_version). Inquiries, used token nonces, the
 * notification queue, the owner's password hash and sessions.
 *
 * Must never: build SQL from a value (every value is a bound
 * parameter; column names come only from the constant field table),
 * answer before a commit has reached the disk, or run two statements
 * of one transaction without holding the lock.
 *
 * Spec: docs/inquiries.md "Storage"; SQLite's "WAL" and
 * "PRAGMA synchronous" documentation (FULL: a commit survives a power
 * cut in WAL mode).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "serve/lic.h"

struct serve_store {
    sqlite3 *db;
    pthread_mutex_t lock;
    char path[TS_LIMIT_PATH];
};

/* Fields stored as columns: all up to consent (website, token and pow
 * are checked, never kept). Their names are the table's names. */
#define STORED_FIELDS SF_WEBSITE

/* Each entry moves the schema one version up; never edit a shipped
 * one, append. */
static const char *const migrations[] = {
    /* 1 */
    "CREATE TABLE inquiries(id INTEGER PRIMARY KEY AUTOINCREMENT, created TEXT NOT NULL,"
    " status TEXT NOT NULL DEFAULT 'new', photo_id TEXT NOT NULL, name TEXT NOT NULL,"
    " organisation TEXT, email TEXT NOT NULL, country TEXT, usage TEXT, media TEXT,"
    " territory TEXT, start_date TEXT, duration TEXT, size_placement TEXT, print_run TEXT,"
    " exclusivity TEXT, deadline TEXT, budget TEXT, description TEXT, consent TEXT);"
    "CREATE TABLE used_tokens(nonce TEXT PRIMARY KEY, used_at INTEGER NOT NULL);"
    "CREATE TABLE notifications(inquiry_id INTEGER PRIMARY KEY REFERENCES inquiries(id),"
    " attempts INTEGER NOT NULL DEFAULT 0, next_at INTEGER NOT NULL,"
    " done INTEGER NOT NULL DEFAULT 0, last_error TEXT);"
    "CREATE TABLE owner(id INTEGER PRIMARY KEY CHECK(id = 1), password TEXT NOT NULL);"
    "CREATE TABLE sessions(id_hash TEXT PRIMARY KEY, csrf TEXT NOT NULL,"
    " expires INTEGER NOT NULL);",
    /* 2: the owner's list and the worker's queue are read by these */
    "CREATE INDEX inquiries_status ON inquiries(status);"
    "CREATE INDEX notifications_due ON notifications(done, next_at);",
    /* 3: the form token is the idempotency key: a retried post finds
     * the inquiry its first post stored */
    "ALTER TABLE used_tokens ADD COLUMN inquiry_id INTEGER REFERENCES inquiries(id);",
};

static enum status db_error(struct serve_store *s, struct diag *d, const char *what)
{
    diag_set_file(d, s->path);
    return diag_set(d, ST_IO, "database", DIAG_NO_OFFSET, "%s: %s", what, sqlite3_errmsg(s->db));
}

/* Reads user_version inside each write transaction, so two processes
 * opening a fresh database at once cannot run a step twice. */
static enum status migrate(struct serve_store *s, struct diag *d)
{
    enum status st = ST_OK;
    sqlite3_stmt *q = NULL;
    const int known = (int)(sizeof migrations / sizeof migrations[0]);
    for (;;) {
        if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
            st = db_error(s, d, "cannot start a migration");
            goto abort;
        }
        if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK ||
            sqlite3_step(q) != SQLITE_ROW) {
            st = db_error(s, d, "cannot read the schema version");
            goto abort;
        }
        int version = sqlite3_column_int(q, 0);
        sqlite3_finalize(q);
        q = NULL;
        if (version > known) {
            diag_set_file(d, s->path);
            st = diag_set(d, ST_CONFIG, "database", DIAG_NO_OFFSET,
                          "schema version %d is newer than this tearsheet (%d)", version, known);
            goto abort;
        }
        if (version == known)
            break;
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version = %d;", version + 1);
        if (sqlite3_exec(s->db, migrations[version], NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(s->db, bump, NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            st = db_error(s, d, "migration failed");
            goto abort;
        }
    }
abort:
    sqlite3_finalize(q);
    /* ends the read-only transaction of an up-to-date database, or
     * undoes a failed step */
    sqlite3_exec(s->db, st == ST_OK ? "COMMIT" : "ROLLBACK", NULL, NULL, NULL);
    return st;
}

enum status serve_store_open(const char *site_dir, struct serve_store **out, struct diag *d)
{
    enum status st = ST_OK;
    struct serve_store *s = calloc(1, sizeof *s);
    char dir[TS_LIMIT_PATH];
    *out = NULL;
    if (!s)
        return diag_set(d, ST_NOMEM, "database", DIAG_NO_OFFSET, "out of memory");
    pthread_mutex_init(&s->lock, NULL);
    struct stat sb;
    if (stat(site_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        diag_set_file(d, site_dir);
        st = diag_set(d, ST_NOT_FOUND, "site folder", DIAG_NO_OFFSET, "no such folder");
        goto abort;
    }
    if (!path_join(dir, sizeof dir, site_dir, ".tearsheet") ||
        !path_join(s->path, sizeof s->path, dir, "inquiries.db")) {
        st = diag_set(d, ST_USAGE, "site folder", DIAG_NO_OFFSET, "path too long");
        goto abort;
    }
    if ((st = file_mkdirs(dir, d)) != ST_OK)
        goto abort;
    /* Inquiries hold people's names and addresses: the file is the
     * owner's alone. SQLite would create it 0644. */
    int fd = open(s->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        diag_set_file(d, s->path);
        st = diag_set(d, ST_IO, "database", DIAG_NO_OFFSET, "cannot open: %s", strerror(errno));
        goto abort;
    }
    close(fd);
    if (sqlite3_open_v2(s->path, &s->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL) != SQLITE_OK) {
        st = db_error(s, d, "cannot open");
        goto abort;
    }
    sqlite3_busy_timeout(s->db, 5000);
    if (sqlite3_exec(s->db,
                     "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                     " PRAGMA foreign_keys = ON;",
                     NULL, NULL, NULL) != SQLITE_OK) {
        st = db_error(s, d, "cannot set WAL mode");
        goto abort;
    }
    if ((st = migrate(s, d)) != ST_OK)
        goto abort;
    *out = s;
    s = NULL;
abort:
    serve_store_close(s);
    return st;
}

enum status serve_store_ping(struct serve_store *s, struct diag *d)
{
    enum status st = ST_OK;
    pthread_mutex_lock(&s->lock);
    /* Reads the schema: a database that is gone, locked past the busy
     * timeout or corrupt says so here. */
    if (sqlite3_exec(s->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) != SQLITE_OK)
        st = db_error(s, d, "not answering");
    pthread_mutex_unlock(&s->lock);
    return st;
}

/* SQLite's online backup API: a consistent copy while the server keeps
 * writing (each step holds a read lock for its pages only; a write in
 * between restarts the copy, which is why it copies everything in one
 * step: the database is small). */
enum status serve_store_backup(struct serve_store *s, const char *path, struct diag *d)
{
    enum status st = ST_OK;
    sqlite3 *to = NULL;
    sqlite3_backup *b = NULL;
    /* A new file of the owner's alone, never over an existing one. */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        diag_set_file(d, path);
        return diag_set(d, errno == EEXIST ? ST_USAGE : ST_IO, "backup", DIAG_NO_OFFSET,
                        "cannot create: %s", strerror(errno));
    }
    close(fd);
    pthread_mutex_lock(&s->lock);
    if (sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        !(b = sqlite3_backup_init(to, "main", s->db, "main"))) {
        diag_set_file(d, path);
        st = diag_set(d, ST_IO, "backup", DIAG_NO_OFFSET, "cannot start: %s",
                      to ? sqlite3_errmsg(to) : "out of memory");
        goto abort;
    }
    int rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        diag_set_file(d, path);
        st = diag_set(d, ST_IO, "backup", DIAG_NO_OFFSET, "copy failed: %s", sqlite3_errstr(rc));
    }
abort:
    pthread_mutex_unlock(&s->lock);
    sqlite3_close(to);
    if (st != ST_OK)
        unlink(path);
    return st;
}

void serve_store_close(struct serve_store *s)
{
    if (!s)
        return;
    sqlite3_close(s->db);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static void iso_time(time_t t, char out[32])
{
    struct tm tm;
    if (!gmtime_r(&t, &tm) || strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(out, 32, "-");
}

/* ---- inquiries -------------------------------------------------------------- */

enum status serve_store_add(struct serve_store *s, const struct serve_inquiry *q, const char *nonce,
                            time_t now, bool notify, int64_t *id, bool *replayed, struct diag *d)
{
    enum status st = ST_OK;
    sqlite3_stmt *tok = NULL, *ins = NULL, *note = NULL;
    struct buf sql;
    char created[32];
    bool in_tx = false;
    sqlite3_int64 first = 0;
    buf_init(&sql, 4096);
    *replayed = false;
    *id = 0;
    buf_puts(&sql, "INSERT INTO inquiries(created");
    for (int f = 0; f < STORED_FIELDS; f++)
        buf_printf(&sql, ", %s", serve_fields[f].name);
    buf_puts(&sql, ") VALUES(?");
    for (int f = 0; f < STORED_FIELDS; f++)
        buf_puts(&sql, ", ?");
    if (buf_puts(&sql, ")") != ST_OK) {
        st = diag_set(d, ST_INTERNAL, "database", DIAG_NO_OFFSET, "statement too long");
        goto unlocked;
    }
    iso_time(now, created);
    pthread_mutex_lock(&s->lock);
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        st = db_error(s, d, "cannot start a transaction");
        goto abort;
    }
    in_tx = true;
    /* Old nonces can go: their tokens have expired anyway. */
    if (sqlite3_prepare_v2(s->db, "DELETE FROM used_tokens WHERE used_at < ?", -1, &tok, NULL) !=
        SQLITE_OK) {
        st = db_error(s, d, "prepare");
        goto abort;
    }
    sqlite3_bind_int64(tok, 1, (sqlite3_int64)now - SERVE_TOKEN_MAX_AGE_S - 60);
    if (sqlite3_step(tok) != SQLITE_DONE) {
        st = db_error(s, d, "cannot purge used tokens");
        goto abort;
    }
    sqlite3_finalize(tok);
    tok = NULL;
    if (nonce) {
        if (sqlite3_prepare_v2(s->db, "INSERT INTO used_tokens(nonce, used_at) VALUES(?, ?)", -1,
                               &tok, NULL) != SQLITE_OK) {
            st = db_error(s, d, "prepare");
            goto abort;
        }
        sqlite3_bind_text(tok, 1, nonce, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(tok, 2, (sqlite3_int64)now);
        int rc = sqlite3_step(tok);
        if (rc == SQLITE_CONSTRAINT) {
            /* A retry or a double click: answer with the inquiry the
             * first post stored (nothing new is stored; *id 0 when the
             * nonce was used by no stored inquiry). */
            *replayed = true;
            sqlite3_finalize(tok);
            tok = NULL;
            if (sqlite3_prepare_v2(s->db, "SELECT inquiry_id FROM used_tokens WHERE nonce = ?", -1,
                                   &tok, NULL) != SQLITE_OK) {
                st = db_error(s, d, "prepare");
                goto abort;
            }
            sqlite3_bind_text(tok, 1, nonce, -1, SQLITE_TRANSIENT);
            if (sqlite3_step(tok) == SQLITE_ROW)
                first = sqlite3_column_int64(tok, 0);
            goto abort; /* rolled back below: nothing stored */
        }
        if (rc != SQLITE_DONE) {
            st = db_error(s, d, "cannot record the token");
            goto abort;
        }
    }
    if (sqlite3_prepare_v2(s->db, sql.data, -1, &ins, NULL) != SQLITE_OK) {
        st = db_error(s, d, "prepare");
        goto abort;
    }
    sqlite3_bind_text(ins, 1, created, -1, SQLITE_TRANSIENT);
    for (int f = 0; f < STORED_FIELDS; f++) {
        if (q->v[f])
            sqlite3_bind_text(ins, f + 2, q->v[f], -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(ins, f + 2);
    }
    if (sqlite3_step(ins) != SQLITE_DONE) {
        st = db_error(s, d, "cannot store the inquiry");
        goto abort;
    }
    *id = sqlite3_last_insert_rowid(s->db);
    if (nonce) {
        sqlite3_finalize(tok);
        tok = NULL;
        if (sqlite3_prepare_v2(s->db, "UPDATE used_tokens SET inquiry_id = ? WHERE nonce = ?", -1,
                               &tok, NULL) != SQLITE_OK) {
            st = db_error(s, d, "prepare");
            goto abort;
        }
        sqlite3_bind_int64(tok, 1, *id);
        sqlite3_bind_text(tok, 2, nonce, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(tok) != SQLITE_DONE) {
            st = db_error(s, d, "cannot record the token");
            goto abort;
        }
    }
    if (notify) {
        if (sqlite3_prepare_v2(s->db, "INSERT INTO notifications(inquiry_id, next_at) VALUES(?, ?)",
                               -1, &note, NULL) != SQLITE_OK) {
            st = db_error(s, d, "prepare");
            goto abort;
        }
        sqlite3_bind_int64(note, 1, *id);
        sqlite3_bind_int64(note, 2, (sqlite3_int64)now);
        if (sqlite3_step(note) != SQLITE_DONE) {
            st = db_error(s, d, "cannot queue the notification");
            goto abort;
        }
    }
    /* synchronous=FULL: COMMIT returns once the WAL is on disk. */
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        st = db_error(s, d, "cannot commit");
        goto abort;
    }
    in_tx = false;
abort:
    if (in_tx) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        *id = st == ST_OK && *replayed ? first : 0;
    }
    sqlite3_finalize(tok);
    sqlite3_finalize(ins);
    sqlite3_finalize(note);
    pthread_mutex_unlock(&s->lock);
unlocked:
    buf_free(&sql);
    return st;
}

void serve_row_clear(struct serve_row *r)
{
    if (!r)
        return;
    serve_inquiry_clear(&r->q);
    memset(r, 0, sizeof *r);
}

static enum status select_rows(struct serve_store *s, int64_t only, serve_row_fn fn, void *ud,
                               bool *any, struct diag *d)
{
    enum status st = ST_OK;
    sqlite3_stmt *q = NULL;
    struct buf sql;
    struct serve_row row;
    memset(&row, 0, sizeof row);
    buf_init(&sql, 4096);
    buf_puts(&sql, "SELECT id, created, status");
    for (int f = 0; f < STORED_FIELDS; f++)
        buf_printf(&sql, ", %s", serve_fields[f].name);
    buf_puts(&sql, only ? " FROM inquiries WHERE id = ?" : " FROM inquiries ORDER BY id DESC");
    *any = false;
    pthread_mutex_lock(&s->lock);
    if (sqlite3_prepare_v2(s->db, sql.data, -1, &q, NULL) != SQLITE_OK) {
        st = db_error(s, d, "prepare");
        goto abort;
    }
    if (only)
        sqlite3_bind_int64(q, 1, only);
    int rc;
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        row.id = sqlite3_column_int64(q, 0);
        snprintf(row.created, sizeof row.created, "%s", (const char *)sqlite3_column_text(q, 1));
        snprintf(row.status, sizeof row.status, "%s", (const char *)sqlite3_column_text(q, 2));
        for (int f = 0; f < STORED_FIELDS; f++) {
            const unsigned char *t = sqlite3_column_text(q, f + 3);
            row.q.v[f] =
                t ? str_ndup((const char *)t, (size_t)sqlite3_column_bytes(q, f + 3)) : NULL;
        }
        *any = true;
        st = fn(ud, &row);
        serve_row_clear(&row);
        if (st != ST_OK)
            goto abort;
    }
    if (rc != SQLITE_DONE)
        st = db_error(s, d, "cannot read inquiries");
abort:
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->lock);
    serve_row_clear(&row);
    buf_free(&sql);
    return st;
}

enum status serve_store_each(struct serve_store *s, serve_row_fn fn, void *ud, struct diag *d)
{
    bool any;
    return select_rows(s, 0, fn, ud, &any, d);
}

static enum status copy_row(void *ud, const struct serve_row *r)
{
    struct serve_row *out = ud;
    *out = *r;
    for (int f = 0; f < SERVE_FIELD_COUNT; f++)
        out->q.v[f] = r->q.v[f] ? str_dup(r->q.v[f]) : NULL;
    return ST_OK;
}

enum status serve_store_get(struct serve_store *s, int64_t id, struct serve_row *r, struct diag *d)
{
    bool any = false;
    memset(r, 0, sizeof *r);
    enum status st = id > 0 ? select_rows(s, id, copy_row, r, &any, d) : ST_OK;
    if (st == ST_OK && !any)
        st = diag_set(d, ST_NOT_FOUND, "inquiry", DIAG_NO_OFFSET, "there is no inquiry %lld",
                      (long long)id);
    return st;
}

bool serve_status_valid(const char *status)
{
    static const char *const ok[] = {"new", "quoted", "licensed", "declined", NULL};
    for (const char *const *p = ok; *p; p++)
        if (strcmp(*p, status) == 0)
            return true;
    return false;
}

/* Prepares sql and binds text/int parameters ("t"/"i" in kinds). */
static enum status prepare_bound(struct serve_store *s, const char *sql, const char *kinds,
                                 const void *const *args, sqlite3_stmt **q, struct diag *d)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, q, NULL) != SQLITE_OK)
        return db_error(s, d, "prepare");
    for (int i = 0; kinds[i]; i++) {
        if (kinds[i] == 't')
            sqlite3_bind_text(*q, i + 1, args[i], -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_int64(*q, i + 1, *(const int64_t *)args[i]);
    }
    return ST_OK;
}

/* One statement with text/int parameters ("t"/"i" in kinds), under
 * the lock; *changes rows touched. */
static enum status exec1(struct serve_store *s, const char *sql, const char *kinds,
                         const void *const *args, int *changes, struct diag *d)
{
    enum status st = ST_OK;
    sqlite3_stmt *q = NULL;
    pthread_mutex_lock(&s->lock);
    if ((st = prepare_bound(s, sql, kinds, args, &q, d)) != ST_OK)
        goto abort;
    if (sqlite3_step(q) != SQLITE_DONE) {
        st = db_error(s, d, "cannot write");
        goto abort;
    }
    if (changes)
        *changes = sqlite3_changes(s->db);
abort:
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->lock);
    return st;
}

enum status serve_store_mark(struct serve_store *s, int64_t id, const char *status, struct diag *d)
{
    int changes = 0;
    if (!serve_status_valid(status))
        return diag_set(d, ST_USAGE, "status", DIAG_NO_OFFSET,
                        "'%.32s' is not new, quoted, licensed or declined", status);
    const void *args[] = {status, &id};
    enum status st =
        exec1(s, "UPDATE inquiries SET status = ? WHERE id = ?", "ti", args, &changes, d);
    if (st == ST_OK && changes == 0)
        st = diag_set(d, ST_NOT_FOUND, "inquiry", DIAG_NO_OFFSET, "there is no inquiry %lld",
                      (long long)id);
    return st;
}

/* ---- the owner ------------------------------------------------------------------ */

enum status serve_store_set_password(struct serve_store *s, const char *hash, struct diag *d)
{
    const void *args[] = {hash};
    return exec1(s, "INSERT OR REPLACE INTO owner(id, password) VALUES(1, ?)", "t", args, NULL, d);
}

/* The first column of the first row as text (hash = "" when none). */
static enum status query_text(struct serve_store *s, const char *sql, const char *kinds,
                              const void *const *args, char *out, size_t outlen, bool *found,
                              struct diag *d)
{
    enum status st = ST_OK;
    sqlite3_stmt *q = NULL;
    out[0] = '\0';
    *found = false;
    pthread_mutex_lock(&s->lock);
    if ((st = prepare_bound(s, sql, kinds, args, &q, d)) != ST_OK)
        goto abort;
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        const unsigned char *t = sqlite3_column_text(q, 0);
        snprintf(out, outlen, "%s", t ? (const char *)t : "");
        *found = true;
    } else if (rc != SQLITE_DONE) {
        st = db_error(s, d, "cannot read");
    }
abort:
    sqlite3_finalize(q);
    pthread_mutex_unlock(&s->lock);
    return st;
}

enum status serve_store_get_password(struct serve_store *s, char *hash, size_t hashlen,
                                     struct diag *d)
{
    bool found;
    return query_text(s, "SELECT password FROM owner WHERE id = 1", "", NULL, hash, hashlen, &found,
                      d);
}

enum status serve_store_session_new(struct serve_store *s, time_t now, char id[SERVE_SESSION_HEX],
                                    char csrf[SERVE_SESSION_HEX], struct diag *d)
{
    uint8_t raw[64];
    char id_hash[65];
    if (!serve_random(raw, sizeof raw))
        return diag_set(d, ST_INTERNAL, "session", DIAG_NO_OFFSET, "no random bytes");
    serve_hex(raw, 32, id);
    serve_hex(raw + 32, 32, csrf);
    /* Only the hash is stored: a copy of the database opens no session. */
    serve_sha256_hex(id, 64, id_hash);
    int64_t expires = (int64_t)now + SERVE_SESSION_TTL_S, now64 = (int64_t)now;
    const void *purge[] = {&now64};
    enum status st = exec1(s, "DELETE FROM sessions WHERE expires < ?", "i", purge, NULL, d);
    if (st == ST_OK) {
        const void *args[] = {id_hash, csrf, &expires};
        st = exec1(s, "INSERT INTO sessions(id_hash, csrf, expires) VALUES(?, ?, ?)", "tti", args,
                   NULL, d);
    }
    return st;
}

enum status serve_store_session_find(struct serve_store *s, const char *id, time_t now,
                                     char csrf[SERVE_SESSION_HEX], bool *found, struct diag *d)
{
    char id_hash[65];
    int64_t now64 = (int64_t)now;
    serve_sha256_hex(id, strlen(id), id_hash);
    const void *args[] = {id_hash, &now64};
    return query_text(s, "SELECT csrf FROM sessions WHERE id_hash = ? AND expires > ?", "ti", args,
                      csrf, SERVE_SESSION_HEX, found, d);
}

enum status serve_store_session_end(struct serve_store *s, const char *id, struct diag *d)
{
    char id_hash[65];
    serve_sha256_hex(id, strlen(id), id_hash);
    const void *args[] = {id_hash};
    return exec1(s, "DELETE FROM sessions WHERE id_hash = ?", "t", args, NULL, d);
}

/* ---- notifications ------------------------------------------------------------------ */

/* Takes the next due notification with a lease: its next_at moves past
 * the hook's timeout in the same transaction, so another process
 * sharing the database (docs/deploy.md) does not run the same hook
 * meanwhile; if this one dies mid-hook, the lease runs out and the
 * other takes it (at least once, never zero times). */
enum status serve_store_notify_next(struct serve_store *s, time_t now, int64_t *id,
                                    unsigned *attempts, bool *found, struct diag *d)
{
    enum status st = ST_OK;
    sqlite3_stmt *q = NULL;
    bool in_tx = false;
    *found = false;
    pthread_mutex_lock(&s->lock);
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        st = db_error(s, d, "cannot start a transaction");
        goto abort;
    }
    in_tx = true;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT inquiry_id, attempts FROM notifications"
                           " WHERE done = 0 AND next_at <= ? ORDER BY next_at LIMIT 1",
                           -1, &q, NULL) != SQLITE_OK) {
        st = db_error(s, d, "prepare");
        goto abort;
    }
    sqlite3_bind_int64(q, 1, (sqlite3_int64)now);
    int rc = sqlite3_step(q);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(q, 0);
        *attempts = (unsigned)sqlite3_column_int(q, 1);
        *found = true;
    } else if (rc != SQLITE_DONE) {
        st = db_error(s, d, "cannot read the notification queue");
        goto abort;
    }
    sqlite3_finalize(q);
    q = NULL;
    if (*found) {
        if (sqlite3_prepare_v2(s->db, "UPDATE notifications SET next_at = ? WHERE inquiry_id = ?",
                               -1, &q, NULL) != SQLITE_OK) {
            st = db_error(s, d, "prepare");
            goto abort;
        }
        sqlite3_bind_int64(q, 1, (sqlite3_int64)now + TS_LIMIT_NOTIFY_TIMEOUT_S + 10);
        sqlite3_bind_int64(q, 2, *id);
        if (sqlite3_step(q) != SQLITE_DONE) {
            st = db_error(s, d, "cannot take the notification");
            goto abort;
        }
    }
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        st = db_error(s, d, "cannot commit");
        goto abort;
    }
    in_tx = false;
abort:
    sqlite3_finalize(q);
    if (in_tx) {
        sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
        *found = false;
    }
    pthread_mutex_unlock(&s->lock);
    return st;
}

enum status serve_store_notify_result(struct serve_store *s, int64_t id, bool ok, unsigned attempts,
                                      time_t next, const char *error, struct diag *d)
{
    int64_t done = ok, att = attempts, nx = (int64_t)next;
    const void *args[] = {&done, &att, &nx, error ? error : "", &id};
    return exec1(s,
                 "UPDATE notifications SET done = ?, attempts = ?, next_at = ?, last_error = ?"
                 " WHERE inquiry_id = ?",
                 "iiiti", args, NULL, d);
}
