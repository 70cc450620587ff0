/*
 * manifest.c — the build manifest, <site>/.tearsheet/build-manifest
 * (docs/performance.md "Incremental builds"): what the last build wrote
 * into the output folder and from which inputs. For each page it keeps
 * the fingerprint of the page's inputs (computed by pages.c), the size
 * and mtime the page had when written, and the warnings its rendering
 * logged; for each story, the derivative files it published. With it a
 * rebuild skips rendering a page whose inputs and file are unchanged
 * (and repeats its warnings), and removes the pages and derivatives of
 * stories, photos and pages/ entries that are gone.
 *
 * The file is lines, read in place like the stat index (statindex.c):
 *
 *     tearsheet build manifest 4
 *     out <output folder>
 *     page <fingerprint, or - when not to be trusted> <size> <mtime ns> <warnings> <path>
 *     warn <message>                  (as many as the page line says)
 *     story <files> <slug>
 *     file <name>                     (as many as the story line says)
 *     end <lines after the first> <site_name_hash of every byte before "end", 16 hex>
 *
 * Strings are written with '\' as "\\" and a newline as "\n", so each
 * stays on its line; they are kept in that form in memory too, so a
 * record is its lines, and a page not rendered again is copied by
 * pointer into the next manifest. Version 1 was JSON (build.json): one
 * jansson tree of 20,000 objects read and one built per build, a third
 * of a no-op rebuild at 10,000 photos.
 *
 * Must never: delete a file the manifest does not name, a path that
 * leaves the output folder, anything when the output folder is not the
 * one the manifest was written for, or the files of a story that only
 * failed to load, or of a page that only failed to render, this time
 * (they stay published until fixed); trust any line of a manifest with
 * one damaged line (it is then no manifest, with a warning naming it).
 * A missing or damaged manifest only costs a full render.
 *
 * The other half of keeping the output clean, derivatives no longer
 * made, is prune.c's.
 */
#include <dirent.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "site/internal.h"

/* Bumped when a line's meaning changes: older manifests are ignored
 * (a full render, nothing deleted). Version 1 was build.json; 2 had
 * fingerprints of printed lines, 3 of length-prefixed fields
 * (fingerprint.c), so a version 2 fingerprint never matches; 3 ended in
 * FNV-1a, 4 in site_name_hash's word-at-a-time hash. */
#define MANIFEST_VERSION 4
#define MANIFEST_MAGIC_PREFIX "tearsheet build manifest "
#define MANIFEST_MAGIC "tearsheet build manifest 4\n"
#define MANIFEST_NAME "build-manifest"
#define MANIFEST_OLD_NAME "build.json"

/* A page's or a story's record: its lines, and its fields pointing
 * into them (strings escaped, not NUL-terminated). */
struct manifest_rec {
    const char *text; /* the record's lines, each ending in '\n' */
    size_t len;
    char *owned;     /* text, when this build made it; else the old file's */
    const char *key; /* the page's path, or the story's slug */
    size_t key_len;
    const char *fp; /* 64 hex digits, or NULL */
    int64_t size, mtime_ns;
    const char *items; /* the warn or file lines */
    size_t n_items;
    bool dropped; /* a later record has the same key */
    size_t old_no; /* kept from the old manifest: its record's index + 1; else 0 */
};

struct manifest_table {
    struct manifest_rec *recs;
    size_t n, room;
    size_t *slots; /* open addressing over recs (entry index + 1) */
    size_t cap;
};

struct site_manifest {
    const char *text; /* the old file's bytes, mapped; NULL for this build's */
    size_t len;
    struct manifest_table pages, stories;
};

static void table_free(struct manifest_table *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->recs[i].owned);
    free(t->recs);
    free(t->slots);
}

void site_manifest_free(struct site_manifest *m)
{
    if (!m)
        return;
    table_free(&m->pages);
    table_free(&m->stories);
    site_index_unmap(m->text, m->len);
    free(m);
}

struct site_manifest *site_manifest_new(void)
{
    return calloc(1, sizeof(struct site_manifest));
}

/* The slot holding `key` (hash `h`), or the empty one where it goes. */
static size_t table_slot(const struct manifest_table *t, const char *key, size_t len, uint64_t h)
{
    size_t i = (size_t)h & (t->cap - 1);
    for (; t->slots[i]; i = (i + 1) & (t->cap - 1)) {
        const struct manifest_rec *r = &t->recs[t->slots[i] - 1];
        if (r->key_len == len && memcmp(r->key, key, len) == 0)
            break;
    }
    return i;
}

static const struct manifest_rec *table_find(const struct manifest_table *t, const char *key,
                                             size_t len)
{
    if (!t->slots)
        return NULL;
    size_t i = table_slot(t, key, len, site_name_hash(key, len));
    return t->slots[i] ? &t->recs[t->slots[i] - 1] : NULL;
}

/* Makes the table's slots for its records; a record whose key a later
 * one has again is dropped (the later one is this build's word). One
 * hash and one probe a record (a lookup, then an insert, hashed each
 * of 20,000 keys twice, twice a build). false: out of memory. */
static bool table_index(struct manifest_table *t)
{
    free(t->slots);
    t->slots = site_slots_new(t->n, &t->cap);
    if (!t->slots)
        return false;
    for (size_t k = t->n; k-- > 0;) {
        struct manifest_rec *r = &t->recs[k];
        size_t i = table_slot(t, r->key, r->key_len, site_name_hash(r->key, r->key_len));
        r->dropped = t->slots[i] != 0;
        if (!r->dropped)
            t->slots[i] = k + 1;
    }
    return true;
}

static bool table_add(struct manifest_table *t, const struct manifest_rec *r)
{
    if (t->n == t->room) {
        size_t room = t->room ? t->room * 2 : 4; /* a page job has one to three */
        struct manifest_rec *grown = reallocarray(t->recs, room, sizeof *grown);
        if (!grown)
            return false;
        t->recs = grown;
        t->room = room;
    }
    t->recs[t->n++] = *r;
    return true;
}

/* A string in its escaped form (in `out`, or `s` itself when nothing
 * needs escaping); NULL when it does not fit. */
static const char *escaped(const char *s, char *out, size_t outlen, size_t *len)
{
    if (!strpbrk(s, "\\\n")) {
        *len = strlen(s);
        return s;
    }
    size_t k = 0;
    for (; *s; s++) {
        if (k + 3 > outlen)
            return NULL;
        if (*s == '\\' || *s == '\n') {
            out[k++] = '\\';
            out[k++] = *s == '\\' ? '\\' : 'n';
        } else
            out[k++] = *s;
    }
    out[k] = '\0';
    *len = k;
    return out;
}

/* The runs between a '\' or a newline appended whole: a byte at a time,
 * the 20,000 file names of a 10,000-photo build's story records were
 * 600,000 buf_putc calls every build. */
static enum status put_escaped(struct buf *o, const char *s)
{
    enum status st = ST_OK;
    while (st == ST_OK && *s) {
        size_t run = strcspn(s, "\\\n");
        st = buf_append(o, s, run);
        s += run;
        if (st == ST_OK && *s)
            st = buf_puts(o, *s++ == '\\' ? "\\\\" : "\\n");
    }
    return st;
}

/* An escaped string of n bytes, plain, in `out` (at most n + 1 bytes). */
static void unescape(const char *s, size_t n, char *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n)
            out[k++] = s[++i] == 'n' ? '\n' : '\\';
        else
            out[k++] = s[i];
    }
    out[k] = '\0';
}

/* An escaped string up to `end`: no NUL, every '\' followed by '\' or 'n'. */
static bool escaped_ok(const char *s, const char *end)
{
    if (s >= end || memchr(s, '\0', (size_t)(end - s)))
        return false;
    for (const char *c = s; (c = memchr(c, '\\', (size_t)(end - c))); c += 2)
        if (c + 1 >= end || (c[1] != '\\' && c[1] != 'n'))
            return false;
    return true;
}

/*
 * One record from `p` (a page or a story line and its item lines, all
 * before `end`) into `r`; *next: where the next record starts. false
 * when a line is not as written (*bad_at: where).
 */
static bool parse_rec(const char *p, const char *end, bool page, struct manifest_rec *r,
                      const char **next, const char **bad_at)
{
    const char *nl = memchr(p, '\n', (size_t)(end - p));
    const char *tag = page ? "page " : "story ";
    size_t tag_len = strlen(tag);
    uint64_t n;
    bool neg;
    *bad_at = p;
    memset(r, 0, sizeof *r);
    r->text = p;
    if (!nl || (size_t)(nl - p) < tag_len || memcmp(p, tag, tag_len) != 0)
        return false;
    p += tag_len;
    if (page) {
        if (nl - p > 65 && p[64] == ' ' && strspn(p, "0123456789abcdef") >= 64) {
            r->fp = p;
            p += 65;
        } else if (nl - p > 2 && p[0] == '-' && p[1] == ' ')
            p += 2;
        else
            return false;
        if (!site_take_i64(&p, nl, &r->size) || !site_take_i64(&p, nl, &r->mtime_ns))
            return false;
    }
    if (!site_take_number(&p, nl, ' ', false, &n, &neg) || !escaped_ok(p, nl))
        return false;
    r->key = p;
    r->key_len = (size_t)(nl - p);
    r->items = p = nl + 1;
    const char *item = page ? "warn " : "file ";
    for (uint64_t i = 0; i < n; i++) {
        *bad_at = p;
        nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl || nl - p < 6 || memcmp(p, item, 5) != 0 || !escaped_ok(p + 5, nl))
            return false;
        p = nl + 1;
    }
    r->n_items = (size_t)n;
    r->len = (size_t)(p - r->text);
    *next = p;
    return true;
}

/* The old file's text → its records. ST_MALFORMED: *bad_line names the
 * damaged line (0: the last one, which does not match the rest). */
static enum status parse_manifest(struct site_manifest *m, const char *out_dir, size_t *bad_line,
                                  bool *other_out)
{
    size_t lines = 0;
    const char *p = m->text + sizeof MANIFEST_MAGIC - 1;
    const char *end = site_index_lines(m->text, m->len, p, &lines);
    *bad_line = 0;
    *other_out = false;
    if (!end)
        return ST_MALFORMED;
    const char *nl = memchr(p, '\n', (size_t)(end - p)), *bad = p;
    enum status st = ST_MALFORMED;
    if (!nl || nl - p < 5 || memcmp(p, "out ", 4) != 0 || !escaped_ok(p + 4, nl))
        goto abort;
    char dir[2 * TS_LIMIT_PATH];
    size_t dir_len;
    const char *want = escaped(out_dir, dir, sizeof dir, &dir_len);
    if (!want || dir_len != (size_t)(nl - p - 4) || memcmp(p + 4, want, dir_len) != 0) {
        *other_out = true;
        return ST_MALFORMED;
    }
    p = nl + 1;
    while (p < end) {
        struct manifest_rec r;
        bool page = (size_t)(end - p) > 5 && memcmp(p, "page ", 5) == 0;
        struct manifest_table *t = page ? &m->pages : &m->stories;
        if (!parse_rec(p, end, page, &r, &p, &bad))
            goto abort;
        if (!table_add(t, &r)) {
            st = ST_NOMEM;
            goto abort;
        }
    }
    if (!table_index(&m->pages) || !table_index(&m->stories)) {
        st = ST_NOMEM;
        goto abort;
    }
    /* a key twice: not a file we wrote (the first of the two is named) */
    for (size_t i = 0; i < m->pages.n + m->stories.n; i++) {
        const struct manifest_rec *r =
            i < m->pages.n ? &m->pages.recs[i] : &m->stories.recs[i - m->pages.n];
        if (r->dropped) {
            bad = r->text;
            goto abort;
        }
    }
    return ST_OK;
abort:
    if (st == ST_MALFORMED) {
        *bad_line = 2;
        for (const char *c = m->text + sizeof MANIFEST_MAGIC - 1;
             c < bad && (c = memchr(c, '\n', (size_t)(bad - c))); c++)
            (*bad_line)++;
    }
    return st;
}

/* Hashes a file's bytes into `h` ("-" when it cannot be read). */
static void hash_file(struct buf *h, const char *path)
{
    uint8_t *data = NULL;
    size_t len = 0;
    struct diag ignored;
    char sha[65] = "-";
    if (file_read_all(path, TS_LIMIT_TEXT_BYTES, &data, &len, &ignored) == ST_OK)
        site_sha256_hex(data, len, sha);
    free(data);
    buf_printf(h, "%s\n", sha);
}

static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * What every page depends on besides its own story and photos: the
 * tearsheet binary (its version and the file itself, which holds the
 * built-in theme and the code that renders), site.yaml, and the files
 * of the site's theme folder. Partials are read while rendering, so the
 * whole folder counts, not just the templates loaded up front.
 */
static void inputs_fingerprint(const struct site_build *b, char out[65])
{
    struct buf h;
    buf_init(&h, TS_LIMIT_PAGE_BYTES);
    buf_printf(&h, "tearsheet %s pages v%d\n", TS_VERSION, MANIFEST_VERSION);
    struct stat sb;
    if (stat("/proc/self/exe", &sb) == 0)
        buf_printf(&h, "exe %lld %lld.%09ld %llu\n", (long long)sb.st_size,
                   (long long)sb.st_mtim.tv_sec, sb.st_mtim.tv_nsec, (unsigned long long)sb.st_ino);
    char path[TS_LIMIT_PATH];
    if (path_join(path, sizeof path, b->opt->site_dir, "site.yaml"))
        hash_file(&h, path);
    char themes[TS_LIMIT_PATH], dir[TS_LIMIT_PATH], name[128];
    if (b->cfg->theme && b->cfg->theme[0]) {
        site_slugify(b->cfg->theme, name, sizeof name);
        DIR *dh = NULL;
        if (path_join(themes, sizeof themes, b->opt->site_dir, "themes") &&
            path_join(dir, sizeof dir, themes, name))
            dh = opendir(dir);
        char *names[64];
        size_t n = 0;
        struct dirent *e;
        while (dh && (e = readdir(dh)) && n < 64)
            if (e->d_name[0] != '.')
                names[n++] = str_dup(e->d_name);
        if (dh)
            closedir(dh);
        qsort(names, n, sizeof *names, cmp_name);
        for (size_t i = 0; i < n; i++) {
            buf_printf(&h, "theme %s ", names[i] ? names[i] : "");
            if (names[i] && path_join(path, sizeof path, dir, names[i]))
                hash_file(&h, path);
            free(names[i]);
        }
    }
    site_sha256_hex(h.data ? h.data : "", h.len, out);
    buf_free(&h);
}

void site_manifest_start(struct site_build *b)
{
    b->manifest_old = NULL;
    b->manifest_new = site_manifest_new();
    b->page_warnings = json_array();
    b->page_fp[0] = '\0';
    inputs_fingerprint(b, b->inputs_fp);
}

void site_manifest_begin(struct site_build *b)
{
    site_manifest_start(b);
    site_manifest_load(b);
}

void site_manifest_load(struct site_build *b)
{
    char path[TS_LIMIT_PATH];
    if (!site_state_path(b, MANIFEST_NAME, path, sizeof path))
        return;
    struct site_manifest *m = calloc(1, sizeof *m);
    struct stat sb;
    if (!m || !site_index_map(path, &m->text, &m->len, &sb)) {
        free(m);
        return; /* a first build, or one after a build of version 1 */
    }
    size_t magic = sizeof MANIFEST_MAGIC - 1, bad = 0;
    bool other_out = false;
    enum status st = ST_MALFORMED;
    bool this_version = m->len >= magic && memcmp(m->text, MANIFEST_MAGIC, magic) == 0;
    if (this_version)
        st = parse_manifest(m, b->out_dir, &bad, &other_out);
    else if (m->len >= sizeof MANIFEST_MAGIC_PREFIX - 1 &&
             memcmp(m->text, MANIFEST_MAGIC_PREFIX, sizeof MANIFEST_MAGIC_PREFIX - 1) == 0)
        log_msg(LOG_WARN, "%s: of another version of tearsheet; every page is rendered", path);
    else
        log_msg(LOG_WARN, "%s: not a build manifest; it is ignored and every page is rendered",
                path);
    if (st == ST_OK) {
        b->manifest_old = m;
        return;
    }
    if (other_out)
        log_msg(LOG_DEBUG, "%s: written for another output folder; every page is rendered", path);
    else if (st == ST_MALFORMED && bad)
        log_msg(LOG_WARN,
                "%s: line %zu is damaged; the manifest is ignored and every page is rendered", path,
                bad);
    else if (st == ST_MALFORMED && this_version)
        log_msg(LOG_WARN,
                "%s: cut short or changed (its last line does not match); the manifest is "
                "ignored and every page is rendered",
                path);
    site_manifest_free(m);
}

/* A relative path inside the output folder: no ".." part, no leading '/'. */
static bool rel_ok(const char *rel)
{
    if (!rel || !rel[0] || rel[0] == '/' || strlen(rel) >= TS_LIMIT_PATH / 2)
        return false;
    return strcmp(rel, "..") != 0 && strncmp(rel, "../", 3) != 0 && !strstr(rel, "/../") &&
           !str_ends_with(rel, "/..");
}

/* The slot from hash `h` that holds the text or is empty (`text`
 * NULL: the first empty one). */
static size_t warned_slot(const struct site_warned *w, uint64_t h, const char *text, size_t len)
{
    size_t i = (size_t)h & (w->cap - 1);
    for (const struct site_warned_name *s; (s = &w->slots[i])->text; i = (i + 1) & (w->cap - 1))
        if (text && s->hash == h && s->len == len &&
            (s->text == text || memcmp(s->text, text, len) == 0))
            break;
    return i;
}

/* Warning `text` (escaped, `len` bytes) kept in the build's set: true
 * when it was not there before. `owned`: a copy the set takes (freed
 * here if not kept). Out of memory it is not kept (true again next
 * time: said twice, not lost). */
static bool warned_keep(struct site_warned *w, const char *text, size_t len, bool owned)
{
    uint64_t h = site_name_hash(text, len);
    if (w->cap && w->slots[warned_slot(w, h, text, len)].text) {
        if (owned)
            free((char *)text);
        return false;
    }
    /* kept at most half full, doubled when it would be more */
    if ((w->count + 1) * 2 > w->cap) {
        struct site_warned grown = {.cap = w->cap ? w->cap * 2 : 64, .count = w->count};
        if (grown.cap < (SIZE_MAX / sizeof *grown.slots) / 4)
            grown.slots = calloc(grown.cap, sizeof *grown.slots);
        if (!grown.slots) {
            if (owned)
                free((char *)text);
            return true;
        }
        for (size_t i = 0; i < w->cap; i++)
            if (w->slots[i].text)
                grown.slots[warned_slot(&grown, w->slots[i].hash, NULL, 0)] = w->slots[i];
        free(w->slots);
        *w = grown;
    }
    w->slots[warned_slot(w, h, NULL, 0)] =
        (struct site_warned_name){.text = text, .len = len, .hash = h, .owned = owned};
    w->count++;
    return true;
}

void site_warned_free(struct site_warned *w)
{
    for (size_t i = 0; i < w->cap; i++)
        if (w->slots[i].owned)
            free((char *)w->slots[i].text);
    free(w->slots);
    *w = (struct site_warned){0};
}

bool site_events_push(struct site_events *ev, struct site_event e)
{
    if (ev->n == ev->cap) {
        size_t cap = ev->cap ? ev->cap * 2 : 64;
        struct site_event *v = cap < SIZE_MAX / sizeof *v ? realloc(ev->v, cap * sizeof *v) : NULL;
        if (!v) {
            if (e.kind == SITE_EVENT_WARN)
                free((char *)e.text);
            return false;
        }
        ev->v = v;
        ev->cap = cap;
    }
    ev->v[ev->n++] = e;
    return true;
}

void site_events_free(struct site_events *ev)
{
    for (size_t i = 0; ev && i < ev->n; i++)
        if (ev->v[i].kind == SITE_EVENT_WARN)
            free((char *)ev->v[i].text);
    if (ev)
        free(ev->v);
    free(ev);
}

/* Warning `msg` escaped as the manifest writes it, in a copy. */
static char *escaped_copy(const char *msg, size_t *len)
{
    size_t n = strlen(msg);
    char *out = n < SIZE_MAX / 2 ? malloc(2 * n + 1) : NULL;
    if (!out)
        return NULL;
    const char *e = escaped(msg, out, 2 * n + 1, len);
    if (e == msg)
        memcpy(out, msg, n + 1);
    return out;
}

/* Warning text `esc` (escaped, `len` bytes) logged as the message. */
static void say(const char *esc, size_t len)
{
    char small[2 * 1024];
    char *msg = len < sizeof small ? small : malloc(len + 1);
    if (!msg)
        return;
    unescape(esc, len, msg);
    log_msg(LOG_WARN, "%s", msg);
    if (msg != small)
        free(msg);
}

/* A warning (escaped copy `esc`, taken) said and counted unless this
 * build said it already. */
static void say_once(struct site_build *b, char *esc, size_t len)
{
    if (!warned_keep(&b->warned, esc, len, true))
        return;
    say(esc, len);
    b->report->warnings++;
}

/* A photo without alt text is on its story page (twice, when it is the
 * cover too), its own page and its licence form: the photographer
 * hears of it once a build. Each page still records the warning, for a
 * later build that skips the page. */
void site_warn_once(struct site_build *b, const char *msg)
{
    size_t len;
    char *esc = escaped_copy(msg, &len);
    if (!esc) { /* out of memory: said rather than lost */
        log_msg(LOG_WARN, "%s", msg);
        b->report->warnings++;
        return;
    }
    if (b->warn_later)
        site_events_push(b->warn_later,
                         (struct site_event){.kind = SITE_EVENT_WARN, .text = esc, .len = len});
    else
        say_once(b, esc, len);
}

/* A warning a page recorded when it was rendered, said again because
 * the page was not: counted as ever (once a build), said one by one
 * only up to SITE_REPEATED_WARNINGS_SHOWN, then summed up in one line
 * (site_repeated_warnings_summary). Its text is the old manifest's,
 * neither copied nor unescaped unless said (10,000 messages of 250
 * bytes on a 10,000-photo no-op were copied twice: 6 % of its CPU). */
void site_warn_again(struct site_build *b, const char *esc, size_t len)
{
    if (b->warn_later) {
        site_events_push(b->warn_later,
                         (struct site_event){.kind = SITE_EVENT_AGAIN, .text = esc, .len = len});
        return;
    }
    if (!warned_keep(&b->warned, esc, len, false))
        return;
    if (++b->warnings_repeated <= SITE_REPEATED_WARNINGS_SHOWN)
        say(esc, len);
    b->report->warnings++;
}

void site_warn_event(struct site_build *b, struct site_event *e)
{
    if (e->kind == SITE_EVENT_WARN) {
        say_once(b, (char *)e->text, e->len);
        e->text = NULL;
    } else if (e->kind == SITE_EVENT_AGAIN)
        site_warn_again(b, e->text, e->len);
}

void site_repeated_warnings_summary(const struct site_build *b)
{
    if (b->warnings_repeated > SITE_REPEATED_WARNINGS_SHOWN)
        log_msg(LOG_WARN,
                "%u more warnings of pages not rendered again, as the build that rendered them "
                "said (tearsheet lint lists them)",
                b->warnings_repeated - SITE_REPEATED_WARNINGS_SHOWN);
}

/* The old manifest's record of page `rel`, or NULL. A path needs no
 * escaping (no '\\', no newline) almost always: it is then its own key. */
static const struct manifest_rec *old_page(const struct site_build *b, const char *rel)
{
    if (!b->manifest_old)
        return NULL;
    size_t len = strcspn(rel, "\\\n");
    if (!rel[len])
        return table_find(&b->manifest_old->pages, rel, len);
    char esc[2 * TS_LIMIT_PATH];
    const char *key = escaped(rel, esc, sizeof esc, &len);
    return key ? table_find(&b->manifest_old->pages, key, len) : NULL;
}

/* One stat of page `rel`: relative to the output folder's descriptor
 * while pages.c holds one (the kernel walks only the path inside it),
 * else by its whole path. */
static bool stat_output(const struct site_build *b, const char *rel, struct stat *sb)
{
    char path[TS_LIMIT_PATH];
    if (b->out_fd > 0)
        return fstatat(b->out_fd, rel, sb, 0) == 0;
    return path_join(path, sizeof path, b->out_dir, rel) && stat(path, sb) == 0;
}

bool site_page_fresh(struct site_build *b, const char *rel, const char *fp)
{
    const struct manifest_rec *old = old_page(b, rel);
    struct stat sb;
    /* the file must also be the one we wrote: an edited or deleted page
     * is rendered again */
    if (!old || !old->fp || strlen(fp) != 64 || memcmp(old->fp, fp, 64) != 0 ||
        !stat_output(b, rel, &sb) || !S_ISREG(sb.st_mode) || old->size != (int64_t)sb.st_size ||
        old->mtime_ns != (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec)
        return false;
    /* the same inputs give the same warnings: say them again, so a
     * rebuild reports what a first build would */
    const char *w = old->items;
    for (size_t i = 0; i < old->n_items; i++) {
        const char *nl = memchr(w, '\n', (size_t)(old->text + old->len - w));
        size_t n = (size_t)(nl - w - 5);
        if (n < 2 * 1024) /* as a message the page could have said */
            site_warn_again(b, w + 5, n);
        w = nl + 1;
    }
    /* its lines are the old file's, which outlives this build's manifest */
    struct manifest_rec kept = *old;
    kept.owned = NULL;
    kept.old_no = (size_t)(old - b->manifest_old->pages.recs) + 1;
    if (!b->manifest_new || !table_add(&b->manifest_new->pages, &kept))
        b->manifest_dirty = true; /* out of memory: the page is rendered next time */
    b->report->pages++;
    return true;
}

/* Called three times a page job, rendered or not: copied, not printed
 * (snprintf's format parse showed in the no-op profile). */
void site_page_begin(struct site_build *b, const char *fp)
{
    size_t n = fp ? strnlen(fp, sizeof b->page_fp - 1) : 0;
    if (n)
        memcpy(b->page_fp, fp, n);
    b->page_fp[n] = '\0';
    json_array_clear(b->page_warnings);
}

void site_page_warn(struct site_build *b, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    site_warn_once(b, msg);
    json_array_append_new(b->page_warnings, json_string(msg));
}

/* A page record made here: its lines printed, then read back as any
 * other record. `warn`: its warn lines (escaped), n of them. */
static void add_page(struct site_build *b, const char *rel, const char *fp, int64_t size,
                     int64_t mtime_ns, const char *warn, size_t warn_len, size_t n_warn)
{
    struct buf o;
    buf_init(&o, SITE_INDEX_MAX_BYTES);
    enum status st = buf_printf(&o, "page %s %" PRId64 " %" PRId64 " %zu ", fp ? fp : "-", size,
                                mtime_ns, n_warn);
    if (st == ST_OK)
        st = put_escaped(&o, rel);
    if (st == ST_OK)
        st = buf_putc(&o, '\n');
    if (st == ST_OK && warn_len)
        st = buf_append(&o, warn, warn_len);
    struct manifest_rec r;
    const char *next, *bad;
    if (st != ST_OK || !b->manifest_new ||
        !parse_rec(o.data, o.data + o.len, true, &r, &next, &bad)) {
        buf_free(&o);
        return; /* out of memory: unknown next time, so rendered again */
    }
    r.owned = o.data;
    if (!table_add(&b->manifest_new->pages, &r))
        buf_free(&o);
}

void site_page_written(struct site_build *b, const char *rel)
{
    b->manifest_dirty = true;
    struct stat sb;
    if (b->page_fp[0] && stat_output(b, rel, &sb)) {
        struct buf w;
        buf_init(&w, SITE_INDEX_MAX_BYTES);
        size_t i;
        json_t *v;
        enum status st = ST_OK;
        json_array_foreach(b->page_warnings, i, v)
        {
            if (st == ST_OK)
                st = buf_puts(&w, "warn ");
            if (st == ST_OK)
                st = put_escaped(&w, json_string_value(v));
            if (st == ST_OK)
                st = buf_putc(&w, '\n');
        }
        if (st == ST_OK)
            add_page(b, rel, b->page_fp, (int64_t)sb.st_size,
                     (int64_t)sb.st_mtim.tv_sec * 1000000000 + sb.st_mtim.tv_nsec, w.data, w.len,
                     json_array_size(b->page_warnings));
        buf_free(&w);
    } else
        add_page(b, rel, NULL, 0, 0, NULL, 0, 0);
    site_page_begin(b, NULL);
}

void site_page_failed(struct site_build *b, const char *rel)
{
    b->manifest_dirty = true;
    const struct manifest_rec *old = old_page(b, rel);
    /* kept as published, without a fingerprint: tried again next time */
    if (old)
        add_page(b, rel, NULL, old->size, old->mtime_ns, old->items,
                 (size_t)(old->text + old->len - old->items), old->n_items);
    site_page_begin(b, NULL);
}

/* Page records [first, end) of `from` (a page worker's, pages.c),
 * appended to `into` in that order; they leave `from`, which still
 * frees what it holds. */
bool site_manifest_take(struct site_manifest *into, struct site_manifest *from, size_t first,
                        size_t end)
{
    bool kept = true;
    for (size_t i = first; i < end && i < from->pages.n; i++) {
        /* after one is lost, the rest too: this build's manifest is not
         * saved */
        kept = kept && table_add(&into->pages, &from->pages.recs[i]);
        if (!kept)
            free(from->pages.recs[i].owned);
        from->pages.recs[i].owned = NULL;
    }
    return kept;
}

size_t site_manifest_pages(const struct site_manifest *m)
{
    return m->pages.n;
}

/* The story a path of the output belongs to: "<slug>/..." or
 * "license/<slug>/...". */
static bool belongs_to(const char *rel, const char *slug)
{
    size_t n = strlen(slug);
    if (strncmp(rel, "license/", 8) == 0 && strncmp(rel + 8, slug, n) == 0 && rel[8 + n] == '/')
        return true;
    return strncmp(rel, slug, n) == 0 && rel[n] == '/';
}

static bool is_broken(const struct site_build *b, const char *rel_or_slug, bool is_slug)
{
    for (size_t i = 0; i < b->n_broken; i++)
        if (is_slug ? strcmp(rel_or_slug, b->broken_slugs[i]) == 0
                    : belongs_to(rel_or_slug, b->broken_slugs[i]))
            return true;
    return false;
}

/* Unlinks out/rel, then the folders above it that became empty. */
static void remove_output(struct site_build *b, const char *rel)
{
    char path[TS_LIMIT_PATH];
    struct stat sb;
    if (!rel_ok(rel) || !path_join(path, sizeof path, b->out_dir, rel) || lstat(path, &sb) != 0 ||
        !S_ISREG(sb.st_mode) || unlink(path) != 0)
        return;
    b->report->outputs_removed++;
    /* rmdir fails on a folder that still holds anything: someone's own
     * files there are safe */
    for (char *slash = strrchr(path, '/'); slash && (size_t)(slash - path) > strlen(b->out_dir);
         slash = strrchr(path, '/')) {
        *slash = '\0';
        if (rmdir(path) != 0)
            break;
    }
}

/* This build's derivatives, by story: what a later deletion removes. */
static void record_files(struct site_build *b)
{
    for (size_t s = 0; s < b->n_stories; s++) {
        struct buf o;
        buf_init(&o, SITE_INDEX_MAX_BYTES);
        size_t n = 0;
        enum status st = ST_OK;
        for (size_t i = b->story_first[s]; i < b->story_first[s + 1]; i++) {
            const struct site_photo *p = &b->photos[i];
            if (p->status != ST_OK)
                continue;
            for (size_t k = 0; k <= p->result.n_outputs && st == ST_OK; k++) {
                const char *name = k < p->result.n_outputs
                                       ? site_base_name(p->result.outputs[k].path)
                                       : p->original_name;
                if (!name)
                    continue;
                n++;
                st = buf_puts(&o, "file ");
                if (st == ST_OK)
                    st = put_escaped(&o, name);
                if (st == ST_OK)
                    st = buf_putc(&o, '\n');
            }
        }
        struct buf r;
        buf_init(&r, SITE_INDEX_MAX_BYTES);
        if (st == ST_OK)
            st = buf_printf(&r, "story %zu ", n);
        if (st == ST_OK)
            st = put_escaped(&r, b->stories[s]->slug);
        if (st == ST_OK)
            st = buf_putc(&r, '\n');
        if (st == ST_OK && o.len)
            st = buf_append(&r, o.data, o.len);
        buf_free(&o);
        struct manifest_rec rec;
        const char *next, *bad;
        if (st == ST_OK && parse_rec(r.data, r.data + r.len, false, &rec, &next, &bad)) {
            rec.owned = r.data;
            if (table_add(&b->manifest_new->stories, &rec))
                continue;
        }
        buf_free(&r);
    }
}

/* A record of the old manifest kept in this build's, by pointer. */
static void keep_old(struct manifest_table *t, const struct manifest_rec *old)
{
    struct manifest_rec kept = *old;
    kept.owned = NULL;
    kept.dropped = false;
    table_add(t, &kept); /* out of memory: forgotten, as a page that failed */
}

/* Removes what the last build wrote and this one did not: pages of
 * deleted stories, photos and pages/ entries, and deleted stories'
 * derivatives. A story that failed to load keeps its entries. */
static void remove_stale(struct site_build *b, bool pages_as_before)
{
    struct site_manifest *old = b->manifest_old, *now = b->manifest_new;
    char plain[TS_LIMIT_PATH];
    for (size_t i = 0; i < old->pages.n && !pages_as_before; i++) {
        const struct manifest_rec *r = &old->pages.recs[i];
        if (table_find(&now->pages, r->key, r->key_len))
            continue;
        b->manifest_dirty = true;
        if (r->key_len >= sizeof plain)
            continue;
        unescape(r->key, r->key_len, plain);
        if (is_broken(b, plain, false))
            keep_old(&now->pages, r);
        else
            remove_output(b, plain);
    }
    for (size_t i = 0; i < old->stories.n; i++) {
        const struct manifest_rec *r = &old->stories.recs[i];
        if (table_find(&now->stories, r->key, r->key_len) || r->key_len >= sizeof plain)
            continue;
        unescape(r->key, r->key_len, plain);
        if (!rel_ok(plain) || strchr(plain, '/'))
            continue;
        if (is_broken(b, plain, true)) {
            keep_old(&now->stories, r);
            continue;
        }
        const char *f = r->items;
        for (size_t k = 0; k < r->n_items; k++) {
            const char *nl = memchr(f, '\n', (size_t)(r->text + r->len - f));
            char name[TS_LIMIT_PATH], rel[TS_LIMIT_PATH];
            size_t n = (size_t)(nl - f - 5);
            if (n < sizeof name) {
                unescape(f + 5, n, name);
                if (!strchr(name, '/') &&
                    snprintf(rel, sizeof rel, "%s/%s", plain, name) < (int)sizeof rel)
                    remove_output(b, rel);
            }
            f = nl + 1;
        }
    }
}

/*
 * Every page record of this build is one of the old manifest's, kept
 * as fresh by site_page_fresh, none twice, and as many as the old file
 * has: so every old page is among them, none is stale and no key is
 * there twice. Then the new table needs no slots (nothing looks a page
 * up in it) and remove_stale no pass over the pages: indexing 20,000
 * records of a no-op was 10 ms of the main thread's tail, alone on its
 * core after the page workers (docs/performance.md, round 4).
 */
static bool pages_as_before(const struct site_build *b)
{
    const struct site_manifest *old = b->manifest_old, *now = b->manifest_new;
    if (!old || b->manifest_dirty || now->pages.n != old->pages.n)
        return false;
    bool *kept = calloc(old->pages.n + 1, sizeof *kept);
    bool same = kept != NULL;
    for (size_t i = 0; i < now->pages.n && same; i++) {
        size_t k = now->pages.recs[i].old_no;
        same = k > 0 && k <= old->pages.n && !kept[k - 1];
        if (same)
            kept[k - 1] = true;
    }
    free(kept);
    return same;
}

static size_t live(const struct manifest_table *t)
{
    size_t n = 0;
    for (size_t i = 0; i < t->n; i++)
        n += !t->recs[i].dropped;
    return n;
}

/* Each story published the same files as the last build said. */
static bool same_stories(const struct site_manifest *old, const struct site_manifest *now)
{
    if (live(&now->stories) != old->stories.n)
        return false;
    for (size_t i = 0; i < now->stories.n; i++) {
        const struct manifest_rec *r = &now->stories.recs[i];
        const struct manifest_rec *o = table_find(&old->stories, r->key, r->key_len);
        if (!r->dropped && (!o || o->len != r->len || memcmp(o->text, r->text, r->len) != 0))
            return false;
    }
    return true;
}

static enum status put_table(struct buf *o, const struct manifest_table *t, bool drop_fp,
                             size_t *lines)
{
    enum status st = ST_OK;
    for (size_t i = 0; i < t->n && st == ST_OK; i++) {
        const struct manifest_rec *r = &t->recs[i];
        if (r->dropped)
            continue;
        const char *from = r->text;
        if (drop_fp && r->fp) {
            st = buf_puts(o, "page -");
            from = r->fp + 64;
        }
        if (st == ST_OK)
            st = buf_append(o, from, (size_t)(r->text + r->len - from));
        *lines += 1 + r->n_items;
    }
    return st;
}

void site_manifest_finish(struct site_build *b)
{
    char path[TS_LIMIT_PATH], old_path[TS_LIMIT_PATH], now[65];
    struct site_manifest *m = b->manifest_new;
    if (!m)
        return;
    record_files(b);
    bool as_before = pages_as_before(b);
    if ((!as_before && !table_index(&m->pages)) || !table_index(&m->stories)) {
        /* out of memory: without the table, stale files cannot be told */
        if (site_state_path(b, MANIFEST_NAME, path, sizeof path))
            unlink(path);
        return;
    }
    if (b->manifest_old)
        remove_stale(b, as_before);
    /* site.yaml or the theme changed while we rendered: the pages may
     * be of either version, so none is trusted next time */
    inputs_fingerprint(b, now);
    bool inputs_moved = strcmp(now, b->inputs_fp) != 0;
    /* Nothing rendered, failed or removed, the same pages and the same
     * files of each story: the manifest would be the one on disk (its
     * lines in another order at most), so it is left alone. */
    if (b->manifest_old && !b->manifest_dirty && !inputs_moved &&
        live(&m->pages) == b->manifest_old->pages.n && same_stories(b->manifest_old, m))
        return;
    if (!site_state_path(b, MANIFEST_NAME, path, sizeof path) ||
        !site_state_path(b, MANIFEST_OLD_NAME, old_path, sizeof old_path))
        return;
    struct buf o;
    buf_init(&o, SITE_INDEX_MAX_BYTES);
    size_t lines = 1;
    enum status st = buf_puts(&o, MANIFEST_MAGIC);
    if (st == ST_OK)
        st = buf_puts(&o, "out ");
    if (st == ST_OK)
        st = put_escaped(&o, b->out_dir);
    if (st == ST_OK)
        st = buf_putc(&o, '\n');
    if (st == ST_OK)
        st = put_table(&o, &m->pages, inputs_moved, &lines);
    if (st == ST_OK)
        st = put_table(&o, &m->stories, false, &lines);
    if (st == ST_OK)
        st = buf_printf(&o, "end %zu %016" PRIx64 "\n", lines, site_name_hash(o.data, o.len));
    struct diag d;
    diag_clear(&d);
    /* unchanged on a no-op build: written only when its bytes differ */
    if (st != ST_OK || site_write_if_changed(path, o.data, o.len, &d) != ST_OK) {
        /* an old manifest would not name this build's files */
        unlink(path);
        log_msg(LOG_WARN,
                "%s: cannot save the build manifest (%s); the next build renders "
                "every page",
                path, st == ST_OK ? d.message : "out of memory or too big");
    } else
        unlink(old_path); /* version 1's, which no build reads any more */
    buf_free(&o);
}
