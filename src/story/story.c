/*
 * story.c — stories/<slug>/story.md into struct story: line endings and
 * BOM normalised, UTF-8 checked, YAML front matter between '---' lines
 * read and checked, the Markdown body kept with the line it starts on.
 *
 * Must never: accept a story without a title, lose the mapping from
 * body lines to story.md lines, or let front matter name a file
 * outside the story folder.
 *
 * Spec: DESIGN.md "Site on disk"; docs/story.md "story.md".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "story/story_int.h"

static void publication_clear(struct story_publication *p)
{
    free(p->name);
    free(p->title);
    free(p->date);
    free(p->url);
    free(p->photo);
}

void story_free(struct story *s)
{
    if (!s)
        return;
    free(s->slug);
    free(s->dir);
    free(s->path);
    free(s->title);
    free(s->subtitle);
    free(s->date);
    free(s->lang);
    free(s->cover);
    free(s->summary);
    free(s->place);
    for (size_t i = 0; i < s->n_tags; i++)
        free(s->tags[i]);
    free(s->tags);
    for (size_t i = 0; i < s->n_publications; i++)
        publication_clear(&s->publications[i]);
    free(s->publications);
    story_license_clear(&s->license);
    for (size_t i = 0; i < s->n_photo_rights; i++) {
        free(s->photo_rights[i].file);
        free(s->photo_rights[i].alt);
        story_license_clear(&s->photo_rights[i].license);
    }
    free(s->photo_rights);
    free(s->body);
    for (size_t i = 0; i < s->n_photos; i++) {
        free(s->photos[i].src);
        free(s->photos[i].alt);
        free(s->photos[i].title);
    }
    free(s->photos);
    free(s);
}

static enum status read_tags(struct story_ctx *c, const struct story_ynode *v, struct story *s)
{
    bool is_seq;
    enum status st = story_get_seq(c, v, "tags", &is_seq);
    if (st != ST_OK || !is_seq || v->n_items == 0)
        return st;
    s->tags = calloc(v->n_items, sizeof *s->tags);
    if (!s->tags)
        return story_config_error(c, v, "tags", "out of memory");
    for (size_t i = 0; i < v->n_items; i++) {
        char *t = NULL;
        st = story_get_text(c, v->items[i], "tags", &t);
        if (st != ST_OK)
            return st;
        if (!t)
            return story_config_error(c, v->items[i], "tags", "an empty tag");
        s->tags[s->n_tags++] = t;
    }
    return ST_OK;
}

static enum status publication_key(struct story_ctx *c, const char *key,
                                   const struct story_ynode *v, const char *field, void *obj)
{
    struct story_publication *p = obj;
    if (strcmp(key, "name") == 0)
        return story_get_text(c, v, field, &p->name);
    if (strcmp(key, "title") == 0)
        return story_get_text(c, v, field, &p->title);
    if (strcmp(key, "date") == 0)
        return story_get_date(c, v, field, true, &p->date);
    if (strcmp(key, "url") == 0)
        return story_get_url(c, v, field, &p->url);
    if (strcmp(key, "photo") == 0)
        return story_get_file(c, v, field, &p->photo);
    return ST_NOT_FOUND;
}

static enum status read_publication(struct story_ctx *c, const struct story_ynode *v,
                                    struct story_publication *p)
{
    if (v->kind != STORY_Y_MAP)
        return story_config_error(
            c, v, "publications",
            "each publication is a mapping with name, title, date, url, photo");
    p->line = v->line;
    enum status st = story_read_map(c, v, "publications", publication_key, p);
    if (st == ST_OK && !p->name)
        st = story_config_error(c, v, "publications.name",
                                "a publication needs the name of the publisher");
    return st;
}

static enum status read_publications(struct story_ctx *c, const struct story_ynode *v,
                                     struct story *s)
{
    bool is_seq;
    enum status st = story_get_seq(c, v, "publications", &is_seq);
    if (st != ST_OK || !is_seq || v->n_items == 0)
        return st;
    s->publications = calloc(v->n_items, sizeof *s->publications);
    if (!s->publications)
        return story_config_error(c, v, "publications", "out of memory");
    for (size_t i = 0; i < v->n_items; i++) {
        /* counted before reading so story_free releases a half-read one */
        s->n_publications++;
        st = read_publication(c, v->items[i], &s->publications[i]);
        if (st != ST_OK)
            return st;
    }
    return ST_OK;
}

static enum status photo_rights_key(struct story_ctx *c, const char *key,
                                    const struct story_ynode *v, const char *field, void *obj)
{
    struct story_photo_rights *r = obj;
    if (strcmp(key, "alt") == 0)
        return story_get_text(c, v, field, &r->alt);
    if (strcmp(key, "license") == 0)
        return story_get_license(c, v, field, &r->license);
    return ST_NOT_FOUND;
}

/* photos: {kim-01.jpg: {alt: ..., license: {...}}, ...} */
static enum status read_photo_rights(struct story_ctx *c, const struct story_ynode *v,
                                     struct story *s)
{
    bool is_map;
    enum status st = story_get_map(c, v, "photos", &is_map);
    if (st != ST_OK || !is_map || v->n_items == 0)
        return st;
    size_t n = v->n_items / 2;
    if (n > TS_LIMIT_LIST_ITEMS)
        return story_config_error(c, v, "photos", "more than %d photos", TS_LIMIT_LIST_ITEMS);
    s->photo_rights = calloc(n, sizeof *s->photo_rights);
    if (!s->photo_rights)
        return story_config_error(c, v, "photos", "out of memory");
    for (size_t i = 0; i < n; i++) {
        const struct story_ynode *k = v->items[2 * i], *val = v->items[2 * i + 1];
        struct story_photo_rights *r = &s->photo_rights[i];
        /* counted before reading so story_free releases a half-read one */
        s->n_photo_rights++;
        r->line = k->line;
        if ((st = story_get_file(c, k, "photos", &r->file)) != ST_OK)
            return st;
        if (!r->file)
            return story_config_error(c, k, "photos", "each key is a photo's file name");
        for (size_t j = 0; j < i; j++)
            if (strcmp(s->photo_rights[j].file, r->file) == 0)
                return story_config_error(c, k, "photos", "'%s' given twice (first on line %u)",
                                          r->file, s->photo_rights[j].line);
        if (story_yaml_is_null(val))
            continue;
        if (val->kind != STORY_Y_MAP)
            return story_config_error(c, val, "photos",
                                      "each photo is a mapping with alt and license");
        char where[96];
        snprintf(where, sizeof where, "photos.%s", r->file);
        if ((st = story_read_map(c, val, where, photo_rights_key, r)) != ST_OK)
            return st;
    }
    return ST_OK;
}

const struct story_photo_rights *story_photo_rights_get(const struct story *s, const char *file)
{
    if (!s || !file)
        return NULL;
    for (size_t i = 0; i < s->n_photo_rights; i++)
        if (strcmp(s->photo_rights[i].file, file) == 0)
            return &s->photo_rights[i];
    return NULL;
}

static enum status front_matter_key(struct story_ctx *c, const char *key,
                                    const struct story_ynode *v, const char *field, void *obj)
{
    struct story *s = obj;
    if (strcmp(key, "title") == 0)
        return story_get_text(c, v, field, &s->title);
    if (strcmp(key, "subtitle") == 0)
        return story_get_text(c, v, field, &s->subtitle);
    if (strcmp(key, "date") == 0)
        return story_get_date(c, v, field, false, &s->date);
    if (strcmp(key, "lang") == 0)
        return story_get_lang(c, v, field, &s->lang);
    if (strcmp(key, "cover") == 0) {
        s->cover_line = v->line;
        return story_get_file(c, v, field, &s->cover);
    }
    if (strcmp(key, "summary") == 0)
        return story_get_text(c, v, field, &s->summary);
    if (strcmp(key, "place") == 0)
        return story_get_text(c, v, field, &s->place);
    if (strcmp(key, "tags") == 0)
        return read_tags(c, v, s);
    if (strcmp(key, "draft") == 0)
        return story_get_bool(c, v, field, &s->draft);
    if (strcmp(key, "originals") == 0)
        return story_get_bool(c, v, field, &s->originals);
    if (strcmp(key, "publications") == 0)
        return read_publications(c, v, s);
    if (strcmp(key, "license") == 0)
        return story_get_license(c, v, field, &s->license);
    if (strcmp(key, "photos") == 0)
        return read_photo_rights(c, v, s);
    return ST_NOT_FOUND;
}

enum status story_parse(const char *path, const char *text, size_t len, struct story **out,
                        struct diag *d)
{
    return story_parse_held(path, text, len, NULL, out, d);
}

enum status story_parse_held(const char *path, const char *text, size_t len, struct buf *held,
                             struct story **out, struct diag *d)
{
    enum status st = ST_OK;
    struct story *s = NULL;
    struct story_ynode *root = NULL;
    char *norm = NULL;
    size_t n = 0;
    const char *file = path && path[0] ? path : "story.md";

    *out = NULL;
    diag_clear(d);
    diag_set_file(d, file);
    if (!text && len) {
        st = diag_set(d, ST_USAGE, NULL, DIAG_NO_OFFSET, "no text given");
        goto abort;
    }
    if (len > TS_LIMIT_TEXT_BYTES) {
        st = diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET,
                      "story is %zu bytes, over the limit of %zu", len, TS_LIMIT_TEXT_BYTES);
        goto abort;
    }
    norm = story_text_normalise(text ? text : "", len, &n);
    s = calloc(1, sizeof *s);
    if (!norm || !s || !(s->path = str_dup(file))) {
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    unsigned bad = story_utf8_bad_line(norm, n);
    if (bad) {
        st = diag_set(d, ST_MALFORMED, NULL, DIAG_NO_OFFSET,
                      "not valid UTF-8 (save the file as UTF-8)");
        if (d)
            d->line = bad;
        goto abort;
    }

    /* front matter: line 1 is '---', it ends at a line '---' or '...' */
    struct cursor cur;
    struct span ln;
    cursor_init(&cur, span_make((const uint8_t *)norm, n));
    if (!story_next_line(&cur, &ln) || !story_fence_line(ln, "---")) {
        st = diag_set(d, ST_CONFIG, "title", DIAG_NO_OFFSET,
                      "no front matter: a story starts with a line '---', then 'title: ...', "
                      "then '---'");
        if (d)
            d->line = 1;
        goto abort;
    }
    size_t fm = cur.pos, fm_end = 0, body = 0;
    bool closed = false;
    unsigned line = 2;
    for (size_t at = cur.pos; story_next_line(&cur, &ln); at = cur.pos, line++) {
        if (story_fence_line(ln, "---") || story_fence_line(ln, "...")) {
            fm_end = at;
            body = cur.pos;
            closed = true;
            break;
        }
    }
    if (!closed) {
        st = diag_set(d, ST_CONFIG, NULL, DIAG_NO_OFFSET,
                      "the front matter opened by '---' on line 1 is never closed by a line '---'");
        if (d)
            d->line = 1;
        goto abort;
    }
    s->body_line = line + 1;

    st = story_yaml_parse(file, norm + fm, fm_end - fm, 2, &root, d);
    if (st != ST_OK)
        goto abort;
    struct story_ctx c = {file, d, 0, held};
    if (root && !story_yaml_is_null(root)) {
        if (root->kind != STORY_Y_MAP) {
            st = story_config_error(&c, root, NULL,
                                    "front matter must be keys such as 'title: ...'");
            goto abort;
        }
        st = story_read_map(&c, root, NULL, front_matter_key, s);
        if (st != ST_OK)
            goto abort;
    }
    s->n_warnings = c.n_warnings;
    if (!s->title) {
        st = diag_set(d, ST_CONFIG, "title", DIAG_NO_OFFSET,
                      "a story needs a title: add 'title: ...' to the front matter");
        if (d)
            d->line = 1;
        goto abort;
    }

    s->body_len = n - body;
    s->body = str_ndup(norm + body, s->body_len);
    if (!s->body) {
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    st = story_collect_photos(s, d);
    if (st != ST_OK)
        goto abort;
    *out = s;
    s = NULL;
abort:
    story_yaml_free(root);
    free(norm);
    story_free(s);
    return st;
}

enum status story_load(const char *story_dir, const char *slug, struct story **out, struct diag *d)
{
    enum status st = ST_OK;
    uint8_t *data = NULL;
    size_t len = 0;
    struct story *s = NULL;
    char path[TS_LIMIT_PATH];

    *out = NULL;
    diag_clear(d);
    if (!story_dir || !story_dir[0] || !path_join(path, sizeof path, story_dir, "story.md")) {
        st =
            diag_set(d, ST_USAGE, NULL, DIAG_NO_OFFSET, "no story folder, or its path is too long");
        goto abort;
    }
    st = file_read_all(path, TS_LIMIT_TEXT_BYTES, &data, &len, d);
    if (st != ST_OK)
        goto abort;
    st = story_parse(path, (const char *)data, len, &s, d);
    if (st != ST_OK)
        goto abort;
    if (!slug || !slug[0]) {
        /* the folder's own name, as stories/<slug>/ says */
        size_t k = strlen(story_dir);
        while (k > 1 && story_dir[k - 1] == '/')
            k--;
        size_t b = k;
        while (b > 0 && story_dir[b - 1] != '/')
            b--;
        s->slug = str_ndup(story_dir + b, k - b);
    } else
        s->slug = str_dup(slug);
    s->dir = str_dup(story_dir);
    if (!s->slug || !s->dir) {
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    *out = s;
    s = NULL;
abort:
    free(data);
    story_free(s);
    return st;
}

static bool regular_file(const char *dir, const char *name)
{
    char full[TS_LIMIT_PATH];
    struct stat sb;
    return path_join(full, sizeof full, dir, name) && stat(full, &sb) == 0 && S_ISREG(sb.st_mode);
}

enum status story_check_photos(const struct story *s, struct diag *d)
{
    diag_clear(d);
    if (!s || !s->dir) {
        return diag_set(d, ST_USAGE, NULL, DIAG_NO_OFFSET,
                        "story has no folder (parsed from memory)");
    }
    diag_set_file(d, s->path);
    const char *sep = str_ends_with(s->dir, "/") ? "" : "/";
    for (size_t i = 0; i < s->n_photos; i++) {
        const struct story_photo *ph = &s->photos[i];
        if (!regular_file(s->dir, ph->src)) {
            if (d)
                d->line = ph->line;
            return diag_set(d, ST_NOT_FOUND, NULL, DIAG_NO_OFFSET, "photo '%s' not found in %s%s",
                            ph->src, s->dir, sep);
        }
    }
    if (s->cover && !regular_file(s->dir, s->cover)) {
        if (d)
            d->line = s->cover_line;
        return diag_set(d, ST_NOT_FOUND, "cover", DIAG_NO_OFFSET, "photo '%s' not found in %s%s",
                        s->cover, s->dir, sep);
    }
    for (size_t i = 0; i < s->n_photo_rights; i++) {
        const struct story_photo_rights *r = &s->photo_rights[i];
        if (!regular_file(s->dir, r->file)) {
            if (d)
                d->line = r->line;
            return diag_set(d, ST_NOT_FOUND, "photos", DIAG_NO_OFFSET,
                            "photo '%s' not found in %s%s", r->file, s->dir, sep);
        }
    }
    for (size_t i = 0; i < s->n_publications; i++) {
        const char *photo = s->publications[i].photo;
        if (photo && !regular_file(s->dir, photo)) {
            if (d)
                d->line = s->publications[i].line;
            return diag_set(d, ST_NOT_FOUND, "publications.photo", DIAG_NO_OFFSET,
                            "photo '%s' not found in %s%s", photo, s->dir, sep);
        }
    }
    return ST_OK;
}
