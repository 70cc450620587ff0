/*
 * store_sqlite.c — the SQLite engine of the inquiry store (the
 * default): <site>/.tearsheet/inquiries.db, WAL, synchronous=FULL,
 * the schema version in PRAGMA user_version. Several processes on one
 * machine may share the file (busy_timeout; BEGIN IMMEDIATE takes the
 * write lock at the start, so two transactions never deadlock).
 *
 * Must never: build SQL from a value (store.c's statements, bound
 * here), commit without the WAL on disk, or create the database
 * readable by others (it holds people's names and addresses).
 *
 * Spec: SQLite's "WAL", "PRAGMA synchronous" (FULL: a commit survives
 * a power cut in WAL mode), "BEGIN IMMEDIATE" and "Online Backup API".
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

struct store_sqlite {
    struct serve_store base; /* first: a serve_store * is one of these */
    sqlite3 *db;
};

static struct store_sqlite *lite(struct serve_store *s)
{
    return (struct store_sqlite *)s;
}

static enum status db_error(struct serve_store *s, struct diag *d, const char *what)
{
    diag_set_file(d, s->where);
    return diag_set(d, ST_IO, "database", DIAG_NO_OFFSET, "%s: %s", what,
                    sqlite3_errmsg(lite(s)->db));
}

static void lite_close(struct serve_store *s)
{
    sqlite3_close(lite(s)->db);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static enum status lite_script(struct serve_store *s, const char *sql, struct diag *d)
{
    return sqlite3_exec(lite(s)->db, sql, NULL, NULL, NULL) == SQLITE_OK
               ? ST_OK
               : db_error(s, d, "statement failed");
}

/* IMMEDIATE for every transaction: the write lock from the start, so
 * that two processes never both read and then both wait to write. */
static enum status lite_begin(struct serve_store *s, bool schema, struct diag *d)
{
    (void)schema;
    return sqlite3_exec(lite(s)->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK
               ? ST_OK
               : db_error(s, d, "cannot start a transaction");
}

/* synchronous=FULL: COMMIT returns once the WAL is on disk. */
static enum status lite_commit(struct serve_store *s, struct diag *d)
{
    return sqlite3_exec(lite(s)->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK
               ? ST_OK
               : db_error(s, d, "cannot commit");
}

static void lite_rollback(struct serve_store *s)
{
    if (!sqlite3_get_autocommit(lite(s)->db))
        sqlite3_exec(lite(s)->db, "ROLLBACK", NULL, NULL, NULL);
}

static enum status lite_exec(struct serve_store *s, const char *sql, const char *kinds,
                             const void *const *args, serve_store_row_fn fn, void *ud,
                             int64_t *changes, struct diag *d)
{
    enum status st = ST_OK;
    sqlite3 *db = lite(s)->db;
    sqlite3_stmt *q = NULL;
    const char *v[SERVE_FIELD_COUNT + 4];
    size_t len[SERVE_FIELD_COUNT + 4];
    if (sqlite3_prepare_v2(db, sql, -1, &q, NULL) != SQLITE_OK)
        return db_error(s, d, "prepare");
    for (int i = 0; kinds[i]; i++) {
        if (kinds[i] == 'i')
            sqlite3_bind_int64(q, i + 1, *(const int64_t *)args[i]);
        else if (args[i])
            sqlite3_bind_text(q, i + 1, args[i], -1, SQLITE_TRANSIENT);
        else
            sqlite3_bind_null(q, i + 1);
    }
    int rc, ncols = sqlite3_column_count(q);
    if (ncols > (int)(sizeof v / sizeof v[0])) {
        st = diag_set(d, ST_INTERNAL, "database", DIAG_NO_OFFSET, "too many columns");
        goto abort;
    }
    while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
        for (int c = 0; c < ncols; c++) {
            v[c] = (const char *)sqlite3_column_text(q, c);
            len[c] = (size_t)sqlite3_column_bytes(q, c);
        }
        if (fn && (st = fn(ud, v, len, ncols)) != ST_OK)
            goto abort;
    }
    if (rc != SQLITE_DONE) {
        st = db_error(s, d, "statement failed");
        goto abort;
    }
    if (changes)
        *changes = sqlite3_changes(db);
abort:
    sqlite3_finalize(q);
    return st;
}

static enum status lite_version(struct serve_store *s, int *version, struct diag *d)
{
    sqlite3_stmt *q = NULL;
    enum status st = ST_OK;
    if (sqlite3_prepare_v2(lite(s)->db, "PRAGMA user_version", -1, &q, NULL) != SQLITE_OK ||
        sqlite3_step(q) != SQLITE_ROW)
        st = db_error(s, d, "cannot read the schema version");
    else
        *version = sqlite3_column_int(q, 0);
    sqlite3_finalize(q);
    return st;
}

static enum status lite_set_version(struct serve_store *s, int version, struct diag *d)
{
    char bump[64];
    snprintf(bump, sizeof bump, "PRAGMA user_version = %d;", version);
    return lite_script(s, bump, d);
}

static enum status lite_ping(struct serve_store *s, struct diag *d)
{
    /* Reads the schema: a database that is gone, locked past the busy
     * timeout or corrupt says so here. */
    return sqlite3_exec(lite(s)->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) ==
                   SQLITE_OK
               ? ST_OK
               : db_error(s, d, "not answering");
}

/* SQLite's online backup API: a consistent copy while the server keeps
 * writing (each step holds a read lock for its pages only; a write in
 * between restarts the copy, which is why it copies everything in one
 * step: the database is small). */
static enum status lite_backup(struct serve_store *s, const char *path, struct diag *d)
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
    if (sqlite3_open_v2(path, &to, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK ||
        !(b = sqlite3_backup_init(to, "main", lite(s)->db, "main"))) {
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
    sqlite3_close(to);
    if (st != ST_OK)
        unlink(path);
    return st;
}

static const struct serve_store_ops lite_ops = {
    .name = "SQLite",
    .secret_in_file = true,
    .close = lite_close,
    .begin = lite_begin,
    .commit = lite_commit,
    .rollback = lite_rollback,
    .script = lite_script,
    .exec = lite_exec,
    .version = lite_version,
    .set_version = lite_set_version,
    .ping = lite_ping,
    .backup = lite_backup,
};

enum status serve_store_sqlite_open(const struct serve_store_options *o, struct serve_store **out,
                                    struct diag *d)
{
    enum status st = ST_OK;
    struct store_sqlite *l = calloc(1, sizeof *l);
    char dir[TS_LIMIT_PATH];
    *out = NULL;
    if (!l)
        return diag_set(d, ST_NOMEM, "database", DIAG_NO_OFFSET, "out of memory");
    struct serve_store *s = &l->base;
    s->ops = &lite_ops;
    pthread_mutex_init(&s->lock, NULL);
    struct stat sb;
    if (!o->site_dir || stat(o->site_dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        diag_set_file(d, o->site_dir ? o->site_dir : "");
        st = diag_set(d, ST_NOT_FOUND, "site folder", DIAG_NO_OFFSET, "no such folder");
        goto abort;
    }
    if (snprintf(s->site_dir, sizeof s->site_dir, "%s", o->site_dir) >= (int)sizeof s->site_dir ||
        !path_join(dir, sizeof dir, o->site_dir, ".tearsheet") ||
        !path_join(s->where, sizeof s->where, dir, "inquiries.db")) {
        st = diag_set(d, ST_USAGE, "site folder", DIAG_NO_OFFSET, "path too long");
        goto abort;
    }
    if ((st = file_mkdirs(dir, d)) != ST_OK)
        goto abort;
    /* Inquiries hold people's names and addresses: the file is the
     * owner's alone. SQLite would create it 0644. */
    int fd = open(s->where, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        diag_set_file(d, s->where);
        st = diag_set(d, ST_IO, "database", DIAG_NO_OFFSET, "cannot open: %s", strerror(errno));
        goto abort;
    }
    close(fd);
    if (sqlite3_open_v2(s->where, &l->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                        NULL) != SQLITE_OK) {
        st = db_error(s, d, "cannot open");
        goto abort;
    }
    sqlite3_busy_timeout(l->db, 5000);
    if (sqlite3_exec(l->db,
                     "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                     " PRAGMA foreign_keys = ON;",
                     NULL, NULL, NULL) != SQLITE_OK) {
        st = db_error(s, d, "cannot set WAL mode");
        goto abort;
    }
    *out = s;
    l = NULL;
abort:
    if (l)
        lite_close(&l->base);
    return st;
}
