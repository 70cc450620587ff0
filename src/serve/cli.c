/*
 * cli.c — the owner's commands on a site's inquiry store:
 * `tearsheet inquiries list|show N|export --csv|mark N STATUS|backup
 * FILE` and `tearsheet passwd`. main.c parses the arguments and reads
 * site.yaml's store:; this file opens the store and writes the answers.
 *
 * Must never: write a CSV cell that a spreadsheet would run as a
 * formula, or store a password other than as a salted scrypt hash.
 *
 * Spec: DESIGN.md "Command line"; RFC 4180 (CSV); OWASP "CSV
 * injection" (cells starting with = + - @ TAB CR get a leading ').
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/lic.h"

/* The store of a site folder: one with site.yaml or an inquiry
 * database already, so that a typo in --site does not make a new one. */
static enum status open_site(const struct serve_store_options *o, struct serve_store **s,
                             struct diag *d)
{
    char yaml[TS_LIMIT_PATH], db[TS_LIMIT_PATH];
    *s = NULL;
    if (!path_join(yaml, sizeof yaml, o->site_dir, "site.yaml") ||
        !path_join(db, sizeof db, o->site_dir, ".tearsheet/inquiries.db"))
        return diag_set(d, ST_USAGE, "site folder", DIAG_NO_OFFSET, "path too long");
    if (!file_exists(yaml) && !file_exists(db)) {
        diag_set_file(d, o->site_dir);
        return diag_set(d, ST_USAGE, "site folder", DIAG_NO_OFFSET,
                        "not a site (no site.yaml); give one with --site DIR");
    }
    return serve_store_open(o, s, d);
}

static enum status list_line(void *ud, const struct serve_row *r)
{
    FILE *f = ud;
    const char *org = r->q.v[SF_ORGANISATION];
    fprintf(f, "%5lld  %s  %-8s  %-28s  %s%s%s <%s>  %s %s\n", (long long)r->id, r->created,
            r->status, r->q.v[SF_PHOTO_ID] ? r->q.v[SF_PHOTO_ID] : "-",
            r->q.v[SF_NAME] ? r->q.v[SF_NAME] : "-", org ? ", " : "", org ? org : "",
            r->q.v[SF_EMAIL] ? r->q.v[SF_EMAIL] : "-", r->q.v[SF_USAGE] ? r->q.v[SF_USAGE] : "-",
            r->q.v[SF_MEDIA] ? r->q.v[SF_MEDIA] : "-");
    return ferror(f) ? ST_IO : ST_OK;
}

enum status serve_cli_list(const struct serve_store_options *o, FILE *f, struct diag *d)
{
    struct serve_store *s = NULL;
    enum status st = open_site(o, &s, d);
    if (st == ST_OK)
        st = serve_store_each(s, list_line, f, d);
    serve_store_close(s);
    return st;
}

enum status serve_cli_show(const struct serve_store_options *o, int64_t id, FILE *f, struct diag *d)
{
    struct serve_store *s = NULL;
    struct serve_row row;
    struct buf text;
    memset(&row, 0, sizeof row);
    buf_init(&text, 1 << 20);
    enum status st = open_site(o, &s, d);
    if (st == ST_OK)
        st = serve_store_get(s, id, &row, d);
    if (st == ST_OK)
        st = serve_inquiry_text(&row, &text);
    if (st == ST_OK)
        fputs(text.data, f);
    serve_row_clear(&row);
    buf_free(&text);
    serve_store_close(s);
    return st;
}

static void csv_cell(FILE *f, const char *v)
{
    fputc('"', f);
    if (v && *v && strchr("=+-@\t\r", *v))
        fputc('\'', f);
    for (const char *p = v ? v : ""; *p; p++) {
        if (*p == '"')
            fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

static enum status csv_row(void *ud, const struct serve_row *r)
{
    FILE *f = ud;
    char id[24];
    snprintf(id, sizeof id, "%lld", (long long)r->id);
    csv_cell(f, id);
    fputc(',', f);
    csv_cell(f, r->created);
    fputc(',', f);
    csv_cell(f, r->status);
    for (int i = 0; i < SF_WEBSITE; i++) {
        fputc(',', f);
        csv_cell(f, r->q.v[i]);
    }
    fputs("\r\n", f);
    return ferror(f) ? ST_IO : ST_OK;
}

enum status serve_cli_export_csv(const struct serve_store_options *o, FILE *f, struct diag *d)
{
    struct serve_store *s = NULL;
    enum status st = open_site(o, &s, d);
    if (st != ST_OK)
        goto abort;
    fputs("id,created,status", f);
    for (int i = 0; i < SF_WEBSITE; i++)
        fprintf(f, ",%s", serve_fields[i].name);
    fputs("\r\n", f);
    st = serve_store_each(s, csv_row, f, d);
abort:
    serve_store_close(s);
    return st;
}

enum status serve_cli_mark(const struct serve_store_options *o, int64_t id, const char *status, struct diag *d)
{
    struct serve_store *s = NULL;
    if (!serve_status_valid(status))
        return diag_set(d, ST_USAGE, "status", DIAG_NO_OFFSET,
                        "'%.32s' is not new, quoted, licensed or declined", status);
    enum status st = open_site(o, &s, d);
    if (st == ST_OK)
        st = serve_store_mark(s, id, status, d);
    serve_store_close(s);
    return st;
}

enum status serve_cli_backup(const struct serve_store_options *o, const char *path, struct diag *d)
{
    struct serve_store *s = NULL;
    enum status st = open_site(o, &s, d);
    if (st == ST_OK)
        st = serve_store_backup(s, path, d);
    serve_store_close(s);
    return st;
}

enum status serve_cli_passwd(const struct serve_store_options *o, const char *password, struct diag *d)
{
    struct serve_store *s = NULL;
    char hash[SERVE_PWHASH_SIZE];
    if (strlen(password) < 10)
        return diag_set(d, ST_USAGE, "password", DIAG_NO_OFFSET, "must be at least 10 characters");
    if (strlen(password) > 1000)
        return diag_set(d, ST_USAGE, "password", DIAG_NO_OFFSET, "must be at most 1000 characters");
    enum status st = serve_password_hash(password, hash, d);
    if (st == ST_OK)
        st = open_site(o, &s, d);
    if (st == ST_OK)
        st = serve_store_set_password(s, hash, d);
    serve_store_close(s);
    return st;
}
