/*
 * derivindex.c — the derivative index: what each derivative cache entry
 * of the last build holds (docs/performance.md "Incremental builds"), so
 * a no-op rebuild opens no .tearsheet/cache/<key>/manifest.json and
 * stats no cache file. One file, <site>/.tearsheet/deriv-index, read in
 * place, one line a cache key:
 *
 *     tearsheet derivative index 2
 *     <key> <width> <height> <dominant rrggbb> <outputs>
 *         (<format> <width> <height> <bytes> <inode> <device> <file> ){outputs}
 *         <credentials: compact JSON, or ->
 *     ...
 *     end <lines> <site_name_hash of every byte before "end", 16 hex digits>
 *
 * (one line; wrapped here; version 1 ended in FNV-1a). <inode> <device> are the cache file's: a
 * published derivative is a hard link to it, so one stat of the
 * published name that finds that inode, with a second name (the cache
 * file's), shows both are there. The credentials are the Content
 * Credentials panel's data (credentials.c), as manifest.json holds
 * them; jansson's compact form escapes every control character, so it
 * is one line. They are kept here, not read from manifest.json when a
 * page needs them: every page fingerprint of a signing site includes
 * them, so every no-op would open the files again.
 *
 * Must never: use any line of a file with one damaged byte (the whole
 * file is then no index, with a warning naming it, and each photo's
 * manifest.json is read as before); name a file outside its cache
 * folder; or stop a build because the index is missing or damaged.
 * The index is only a faster way to know what manifest.json says: a
 * published link that is not the recorded file still leads to the
 * cache file (photos.c), and a cache file gone to the photo encoded
 * again.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

/* Bumped when the meaning or the layout of a line changes: an index of
 * another version is no index (each photo's manifest.json is read once). */
#define DERIV_INDEX_MAGIC "tearsheet derivative index 2\n"
#define DERIV_INDEX_NAME "deriv-index"
/* Outputs a line may list: every width in every format. */
#define DERIV_MAX_OUTPUTS (IMAGE_MAX_WIDTHS * IMAGE_FORMAT_COUNT)

/* One line of the index, in its text (without the '\n'). */
struct deriv_entry {
    const char *line;
    size_t len;
};

struct site_deriv_index {
    const char *text; /* the file's bytes, mapped */
    size_t len;
    struct deriv_entry *entries;
    size_t n;
    size_t *slots; /* open addressing: entry index + 1, 0 = empty */
    size_t cap;
};

/* One output of a line, pointing into it. */
struct deriv_output {
    enum image_format format;
    uint64_t width, height, bytes, ino, dev;
    const char *file;
    size_t file_len;
};

struct deriv_line {
    uint64_t width, height;
    uint8_t dominant[3];
    struct deriv_output out[DERIV_MAX_OUTPUTS];
    size_t n;
    const char *credentials; /* NULL: none */
    size_t credentials_len;
};

static void index_free(struct site_deriv_index *x)
{
    if (!x)
        return;
    site_index_unmap(x->text, x->len);
    free(x->entries);
    free(x->slots);
    free(x);
}

void site_deriv_index_free(struct site_build *b)
{
    index_free(b->deriv_index);
    b->deriv_index = NULL;
}

static bool take_u64(const char **p, const char *end, uint64_t *out)
{
    bool neg;
    return site_take_number(p, end, ' ', false, out, &neg);
}

/* A word up to the next space (passed), at least one byte. */
static bool take_word(const char **p, const char *end, const char **word, size_t *len)
{
    const char *sp = memchr(*p, ' ', (size_t)(end - *p));
    if (!sp || sp == *p)
        return false;
    *word = *p;
    *len = (size_t)(sp - *p);
    *p = sp + 1;
    return true;
}

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* A line without its '\n'; false when any field is not as written. */
static bool parse_line(const char *p, const char *end, struct deriv_line *l)
{
    if (end - p < 66 || p[64] != ' ' || strspn(p, "0123456789abcdef") < 64)
        return false;
    p += 65;
    uint64_t n;
    if (!take_u64(&p, end, &l->width) || !take_u64(&p, end, &l->height) || end - p < 7 ||
        p[6] != ' ')
        return false;
    for (int i = 0; i < 3; i++) {
        int hi = hex_digit(p[2 * i]), lo = hex_digit(p[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        l->dominant[i] = (uint8_t)(hi << 4 | lo);
    }
    p += 7;
    if (!take_u64(&p, end, &n) || n == 0 || n > DERIV_MAX_OUTPUTS)
        return false;
    l->n = (size_t)n;
    for (size_t i = 0; i < l->n; i++) {
        struct deriv_output *o = &l->out[i];
        const char *fmt;
        size_t fmt_len;
        bool known = false;
        if (!take_word(&p, end, &fmt, &fmt_len))
            return false;
        for (int f = 0; f < IMAGE_FORMAT_COUNT; f++) {
            const char *ext = image_format_ext((enum image_format)f);
            if (strlen(ext) == fmt_len && memcmp(ext, fmt, fmt_len) == 0) {
                o->format = (enum image_format)f;
                known = true;
            }
        }
        /* a file name of ours (d-<width>.<ext>): never a path, never
         * a hidden name such as ".." */
        if (!known || !take_u64(&p, end, &o->width) || !take_u64(&p, end, &o->height) ||
            !take_u64(&p, end, &o->bytes) || !take_u64(&p, end, &o->ino) ||
            !take_u64(&p, end, &o->dev) || !take_word(&p, end, &o->file, &o->file_len) ||
            memchr(o->file, '/', o->file_len) || memchr(o->file, '\0', o->file_len) ||
            o->file[0] == '.' || o->width > UINT32_MAX || o->height > UINT32_MAX)
            return false;
    }
    if (l->width > UINT32_MAX || l->height > UINT32_MAX || p >= end ||
        memchr(p, '\0', (size_t)(end - p)))
        return false;
    if (end - p == 1 && *p == '-') {
        l->credentials = NULL;
        l->credentials_len = 0;
        return true;
    }
    l->credentials = p;
    l->credentials_len = (size_t)(end - p);
    return *p == '{';
}

static const struct deriv_entry *find(const struct site_deriv_index *x, const char *key)
{
    for (size_t i = (size_t)site_name_hash(key, 64) & (x->cap - 1); x->slots[i];
         i = (i + 1) & (x->cap - 1)) {
        const struct deriv_entry *e = &x->entries[x->slots[i] - 1];
        if (memcmp(e->line, key, 64) == 0)
            return e;
    }
    return NULL;
}

/* Lines → entries and their table; *bad_line names a damaged line. */
static enum status parse_index(struct site_deriv_index *x, size_t *bad_line)
{
    size_t lines = 0;
    const char *p = x->text + sizeof DERIV_INDEX_MAGIC - 1;
    const char *end = site_index_lines(x->text, x->len, p, &lines);
    *bad_line = 0;
    if (!end)
        return ST_MALFORMED;
    x->entries = calloc(lines ? lines : 1, sizeof *x->entries);
    x->slots = site_slots_new(lines, &x->cap);
    struct deriv_line *l = malloc(sizeof *l);
    enum status st = x->entries && x->slots && l ? ST_OK : ST_NOMEM;
    for (size_t i = 0; i < lines && st == ST_OK; i++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        *bad_line = i + 2;
        if (!parse_line(p, nl, l) || find(x, p)) {
            st = ST_MALFORMED;
            break;
        }
        x->entries[x->n] = (struct deriv_entry){.line = p, .len = (size_t)(nl - p)};
        site_slots_put(x->slots, x->cap, site_name_hash(p, 64), x->n++);
        p = nl + 1;
        *bad_line = 0;
    }
    free(l);
    return st;
}

void site_deriv_index_load(struct site_build *b)
{
    char path[TS_LIMIT_PATH];
    struct stat sb;
    site_deriv_index_free(b);
    if (!site_state_path(b, DERIV_INDEX_NAME, path, sizeof path))
        return;
    struct site_deriv_index *x = calloc(1, sizeof *x);
    if (!x || !site_index_map(path, &x->text, &x->len, &sb)) {
        free(x);
        return;
    }
    size_t magic = sizeof DERIV_INDEX_MAGIC - 1, bad = 0;
    if (x->len < magic || memcmp(x->text, DERIV_INDEX_MAGIC, magic) != 0) {
        log_msg(LOG_DEBUG, "%s: not a derivative index of this version; cache manifests are read",
                path);
        index_free(x);
        return;
    }
    enum status st = parse_index(x, &bad);
    if (st == ST_OK) {
        b->deriv_index = x;
        return;
    }
    if (st == ST_MALFORMED && bad)
        log_msg(LOG_WARN,
                "%s: line %zu is damaged; the index is ignored and each photo's cache manifest "
                "is read",
                path, bad);
    else if (st == ST_MALFORMED)
        log_msg(LOG_WARN,
                "%s: cut short or changed (its last line does not match); the index is ignored "
                "and each photo's cache manifest is read",
                path);
    index_free(x);
}

/* Read by several workers at once: the index is not changed during the
 * jobs. */
bool site_deriv_index_lookup(const struct site_build *b, struct site_photo *p, const char *dir,
                             struct stat *ids, size_t max_ids)
{
    const struct site_deriv_index *x = b->deriv_index;
    if (!x || strlen(p->key) != 64)
        return false;
    const struct deriv_entry *e = find(x, p->key);
    /* on the stack (2.7 KB): a malloc of it for every photo showed in
     * the no-op's profile */
    struct deriv_line line, *l = &line;
    struct image_result *r = &p->result;
    json_t *credentials = NULL;
    bool ok = false;
    memset(r, 0, sizeof *r);
    /* parsed when the index was loaded: it parses again */
    if (!e || !parse_line(e->line, e->line + e->len, l) || l->n > max_ids)
        goto abort;
    if (l->credentials) {
        json_error_t err;
        credentials = json_loadb(l->credentials, l->credentials_len, 0, &err);
        if (!json_is_object(credentials))
            goto abort; /* manifest.json then says what they are */
    }
    r->width = (unsigned)l->width;
    r->height = (unsigned)l->height;
    memcpy(r->dominant_rgb, l->dominant, 3);
    if (!(r->outputs = calloc(l->n, sizeof *r->outputs)))
        goto abort;
    for (size_t i = 0; i < l->n; i++) {
        const struct deriv_output *o = &l->out[i];
        struct image_output *io = &r->outputs[i];
        char file[TS_LIMIT_PATH], path[TS_LIMIT_PATH];
        if (o->file_len >= sizeof file)
            goto abort;
        memcpy(file, o->file, o->file_len);
        file[o->file_len] = '\0';
        if (!path_join(path, sizeof path, dir, file) || !(io->path = str_dup(path)))
            goto abort;
        io->format = o->format;
        io->width = (unsigned)o->width;
        io->height = (unsigned)o->height;
        io->bytes = (size_t)o->bytes;
        memset(&ids[i], 0, sizeof ids[i]);
        ids[i].st_ino = (ino_t)o->ino;
        ids[i].st_dev = (dev_t)o->dev;
        r->n_outputs++;
    }
    p->credentials = credentials;
    credentials = NULL;
    p->deriv_old = e->line;
    p->deriv_old_len = e->len;
    ok = true;
abort:
    if (!ok)
        image_result_free(r);
    json_decref(credentials);
    return ok;
}

enum status site_deriv_line_make(struct site_photo *p, const struct stat *ids)
{
    const struct image_result *r = &p->result;
    struct buf out;
    buf_init(&out, TS_LIMIT_TEXT_BYTES);
    free(p->deriv_new);
    p->deriv_new = NULL;
    p->deriv_old = NULL;
    enum status st = buf_printf(&out, "%.64s %u %u %02x%02x%02x %zu ", p->key, r->width,
                                r->height, r->dominant_rgb[0], r->dominant_rgb[1],
                                r->dominant_rgb[2], r->n_outputs);
    for (size_t i = 0; i < r->n_outputs && st == ST_OK; i++) {
        const struct image_output *o = &r->outputs[i];
        const char *slash = strrchr(o->path, '/');
        const char *file = slash ? slash + 1 : o->path;
        /* a name the line cannot hold is not indexed (manifest.json
         * is read for it) */
        if (!*file || *file == '.' || strpbrk(file, " \n"))
            st = ST_MALFORMED;
        else
            st = buf_printf(&out, "%s %u %u %zu %" PRIu64 " %" PRIu64 " %s ",
                            image_format_ext(o->format), o->width, o->height, o->bytes,
                            (uint64_t)ids[i].st_ino, (uint64_t)ids[i].st_dev, file);
    }
    char *cred = NULL;
    if (st == ST_OK && p->credentials) {
        cred = json_dumps(p->credentials, JSON_COMPACT | JSON_SORT_KEYS);
        st = !cred ? ST_NOMEM : strchr(cred, '\n') ? ST_MALFORMED : buf_puts(&out, cred);
    } else if (st == ST_OK) {
        st = buf_putc(&out, '-');
    }
    free(cred);
    if (st == ST_OK && (st = buf_putc(&out, '\n')) == ST_OK && !(p->deriv_new = buf_detach(&out, NULL)))
        st = ST_NOMEM;
    buf_free(&out);
    return st;
}

/* The line a photo gives the next index (with its '\n'), or NULL. */
static const char *line_of(const struct site_photo *p, size_t *len)
{
    if (p->status != ST_OK)
        return NULL;
    if (p->deriv_new) {
        *len = strlen(p->deriv_new);
        return p->deriv_new;
    }
    *len = p->deriv_old_len + 1;
    return p->deriv_old;
}

/* Every photo built took its line from the old index, and they are all
 * of its lines (a key in two stories is one line): the file would be
 * the same. Known without printing it. */
static bool unchanged(const struct site_build *b)
{
    const struct site_deriv_index *x = b->deriv_index;
    if (!x)
        return false;
    struct site_name_set seen;
    if (!site_name_set_init(&seen, b->n_photos))
        return false;
    size_t n = 0;
    bool same = true;
    for (size_t i = 0; i < b->n_photos && same; i++) {
        const struct site_photo *p = &b->photos[i];
        if (p->status != ST_OK)
            continue;
        if (p->deriv_new || !p->deriv_old)
            same = false;
        else if (!site_name_set_has(&seen, p->key)) {
            site_name_set_add(&seen, p->key);
            n++;
        }
    }
    site_name_set_free(&seen);
    return same && n == x->n;
}

enum status site_deriv_index_save(struct site_build *b, struct diag *d)
{
    if (unchanged(b))
        return ST_OK;
    struct buf out;
    struct site_name_set seen;
    char path[TS_LIMIT_PATH];
    buf_init(&out, SITE_INDEX_MAX_BYTES);
    enum status st = site_name_set_init(&seen, b->n_photos) ? buf_puts(&out, DERIV_INDEX_MAGIC)
                                                            : ST_NOMEM;
    size_t lines = 0;
    for (size_t i = 0; i < b->n_photos && st == ST_OK; i++) {
        const struct site_photo *p = &b->photos[i];
        size_t len = 0;
        const char *line = line_of(p, &len);
        if (!line || site_name_set_has(&seen, p->key))
            continue;
        site_name_set_add(&seen, p->key);
        lines++;
        st = buf_append(&out, line, len);
    }
    if (st == ST_OK)
        st = buf_printf(&out, "end %zu %016" PRIx64 "\n", lines, site_name_hash(out.data, out.len));
    if (st != ST_OK)
        st = diag_set(d, st, NULL, DIAG_NO_OFFSET,
                      "derivative index: out of memory or over %zu bytes", SITE_INDEX_MAX_BYTES);
    else if (!site_state_path(b, DERIV_INDEX_NAME, path, sizeof path))
        st = diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "site path too long");
    else
        st = file_write_atomic(path, out.data, out.len, d);
    site_name_set_free(&seen);
    buf_free(&out);
    return st;
}
