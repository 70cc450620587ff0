/*
 * site.c — <site>/site.yaml into struct story_site: defaults for every
 * key, each given value checked, unknown keys warned about.
 *
 * Must never: start a build with a value it did not check (a wrong
 * width, quality or URL is ST_CONFIG naming file, line and key), or
 * treat a missing site.yaml as an error (it means "all defaults").
 *
 * Spec: DESIGN.md "Site on disk"; docs/story.md "site.yaml".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "story/story_int.h"

static const unsigned default_widths[] = {480, 960, 1600, 2400};

void story_site_free(struct story_site *s)
{
    if (!s)
        return;
    free(s->dir);
    free(s->title);
    free(s->author);
    free(s->base_url);
    free(s->language);
    for (size_t i = 0; i < s->n_languages; i++)
        free(s->languages[i]);
    free(s->description);
    free(s->theme);
    free(s->iim_charset);
    free(s->signing_key);
    free(s->signing.key);
    free(s->signing.chain);
    free(s->signing.pkcs12);
    free(s->signing.password_file);
    free(s->signing.password_env);
    free(s->signing.tsa_url);
    free(s->notify);
    free(s->store);
    free(s->store_password_file);
    free(s->trust);
    free(s->privacy);
    story_license_clear(&s->license);
    free(s);
}

static enum status set_defaults(struct story_site *s, const char *dir)
{
    s->dir = str_dup(dir);
    s->base_url = str_dup("/");
    s->language = str_dup("en");
    /* iim_charset stays NULL: meta's rule (docs/meta.md "IIM charsets")
     * then tells CP949 from CP1252 by the bytes; a site names one only
     * when its feeds use another. */
    s->privacy = str_dup("default");
    s->privacy_keep = STORY_KEEP_DEFAULT;
    if (!s->dir || !s->base_url || !s->language || !s->privacy)
        return ST_NOMEM;
    memcpy(s->widths, default_widths, sizeof default_widths);
    s->n_widths = sizeof default_widths / sizeof default_widths[0];
    s->format_jpeg = true;
    s->format_webp = true;
    s->format_avif = false;
    s->jpeg_quality = 82;
    s->webp_quality = 80;
    s->webp_effort = 4;
    s->avif_quality = 60;
    s->avif_effort = 4;
    return ST_OK;
}

/* base_url: an http(s) URL, or a path from the server root ("/",
 * "/photos"); always stored ending in '/' so pages can append to it. */
static enum status read_base_url(struct story_ctx *c, const struct story_ynode *v,
                                 struct story_site *s)
{
    char *t = NULL;
    enum status st = story_get_text(c, v, "base_url", &t);
    if (st != ST_OK || !t)
        return st;
    bool ok = story_looks_like_url(t);
    if (!ok && t[0] == '/' && t[1] != '/') {
        ok = true;
        for (const char *p = t; *p; p++)
            if ((unsigned char)*p <= 0x20 || *p == 0x7f || strchr("\"<>\\`", *p))
                ok = false;
    }
    if (!ok) {
        free(t);
        return story_config_error(c, v, "base_url",
                                  "must be an http:// or https:// URL or a path starting with '/'");
    }
    if (!str_ends_with(t, "/")) {
        size_t n = strlen(t);
        char *u = realloc(t, n + 2);
        if (!u) {
            free(t);
            return story_config_error(c, v, "base_url", "out of memory");
        }
        u[n] = '/';
        u[n + 1] = '\0';
        t = u;
    }
    free(s->base_url);
    s->base_url = t;
    return ST_OK;
}

/* A name made of letters, digits and "-_.:" (a theme folder, a charset
 * name): nothing that could climb out of a folder or into a shell. */
static enum status read_token(struct story_ctx *c, const struct story_ynode *v, const char *field,
                              size_t max, char **out)
{
    char *t = NULL;
    enum status st = story_get_text(c, v, field, &t);
    if (st != ST_OK || !t)
        return st;
    bool ok = strlen(t) <= max && t[0] != '.';
    for (const char *p = t; ok && *p; p++) {
        char ch = *p;
        ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
             ch == '-' || ch == '_' || ch == '.' || ch == ':';
    }
    if (!ok) {
        free(t);
        return story_config_error(
            c, v, field, "must be a name of letters, digits, '-', '_', '.' (at most %zu)", max);
    }
    free(*out);
    *out = t;
    return ST_OK;
}

/* A path key of site.yaml (signing_key, trust): a relative path is
 * joined to the site folder. */
static enum status read_site_path(struct story_ctx *c, const struct story_ynode *v,
                                  struct story_site *s, const char *key, char **out)
{
    char *t = NULL;
    enum status st = story_get_text(c, v, key, &t);
    if (st != ST_OK || !t)
        return st;
    char full[TS_LIMIT_PATH];
    if (t[0] == '/')
        snprintf(full, sizeof full, "%s", t);
    else if (!path_join(full, sizeof full, s->dir, t)) {
        free(t);
        return story_config_error(c, v, key, "path too long");
    }
    free(t);
    free(*out);
    *out = str_dup(full);
    return *out ? ST_OK : story_config_error(c, v, key, "out of memory");
}

static enum status read_signing_key(struct story_ctx *c, const struct story_ynode *v,
                                    struct story_site *s)
{
    return read_site_path(c, v, s, "signing_key", &s->signing_key);
}

/* store: sqlite (the default) or a postgresql:// URI. Whether the URI
 * is one libpq takes, and that it holds no password, is checked by
 * serve's PostgreSQL engine with libpq's own parser. */
static enum status read_store(struct story_ctx *c, const struct story_ynode *v,
                              struct story_site *s)
{
    char *t = NULL;
    enum status st = story_get_text(c, v, "store", &t);
    if (st != ST_OK || !t)
        return st;
    if (strcmp(t, "sqlite") != 0 && strncmp(t, "postgresql://", 13) != 0 &&
        strncmp(t, "postgres://", 11) != 0) {
        free(t);
        return story_config_error(c, v, "store",
                                  "use sqlite (the default) or a postgresql:// URI");
    }
    free(s->store);
    s->store = t;
    return ST_OK;
}

/* signing: {key, chain | pkcs12, password_file | password_env, tsa_url} */
static enum status signing_key_field(struct story_ctx *c, const char *key,
                                     const struct story_ynode *v, const char *field, void *obj)
{
    struct story_site *s = obj;
    struct story_signing *g = &s->signing;
    if (strcmp(key, "key") == 0)
        return read_site_path(c, v, s, field, &g->key);
    if (strcmp(key, "chain") == 0)
        return read_site_path(c, v, s, field, &g->chain);
    if (strcmp(key, "pkcs12") == 0)
        return read_site_path(c, v, s, field, &g->pkcs12);
    if (strcmp(key, "password_file") == 0)
        return read_site_path(c, v, s, field, &g->password_file);
    if (strcmp(key, "password_env") == 0)
        return read_token(c, v, field, 64, &g->password_env);
    if (strcmp(key, "tsa_url") == 0)
        return story_get_url(c, v, field, &g->tsa_url);
    if (strcmp(key, "password") == 0 || strcmp(key, "passphrase") == 0)
        /* site.yaml is shared, backed up and often committed */
        return story_config_error(c, v, field,
                                  "a password never goes into site.yaml; put it in a file "
                                  "(password_file: PATH, readable only by you) or an "
                                  "environment variable (password_env: NAME)");
    return ST_NOT_FOUND;
}

static enum status read_signing(struct story_ctx *c, const struct story_ynode *v,
                                const char *field, struct story_site *s)
{
    bool is_map;
    enum status st = story_get_map(c, v, field, &is_map);
    if (st != ST_OK || !is_map)
        return st;
    if ((st = story_read_map(c, v, field, signing_key_field, s)) != ST_OK)
        return st;
    const struct story_signing *g = &s->signing;
    if (g->pkcs12 && (g->key || g->chain))
        return story_config_error(c, v, field, "give key: and chain:, or pkcs12:, not both");
    if (!g->pkcs12 && (!g->key) != (!g->chain))
        return story_config_error(c, v, field,
                                  "key: and chain: go together (the private key and its "
                                  "certificates, leaf first)");
    if (g->password_file && g->password_env)
        return story_config_error(c, v, field, "give password_file: or password_env:, not both");
    return ST_OK;
}

static int cmp_unsigned(const void *a, const void *b)
{
    unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;
    return x < y ? -1 : x > y;
}

static enum status read_widths(struct story_ctx *c, const struct story_ynode *v,
                               struct story_site *s)
{
    bool is_seq;
    enum status st = story_get_seq(c, v, "images.widths", &is_seq);
    if (st != ST_OK || !is_seq)
        return st;
    size_t cap = sizeof s->widths / sizeof s->widths[0];
    if (v->n_items == 0 || v->n_items > cap)
        return story_config_error(c, v, "images.widths", "give from 1 to %zu widths, not %zu", cap,
                                  v->n_items);
    unsigned w[sizeof s->widths / sizeof s->widths[0]] = {0};
    for (size_t i = 0; i < v->n_items; i++) {
        int x = 0;
        if (story_yaml_is_null(v->items[i]))
            return story_config_error(c, v->items[i], "images.widths", "an empty width");
        st = story_get_int(c, v->items[i], "images.widths", 16, 10000, &x);
        if (st != ST_OK)
            return st;
        for (size_t j = 0; j < i; j++)
            if (w[j] == (unsigned)x)
                return story_config_error(c, v->items[i], "images.widths",
                                          "width %d is listed twice", x);
        w[i] = (unsigned)x;
    }
    /* ascending, so srcset and the build cache see one order */
    qsort(w, v->n_items, sizeof w[0], cmp_unsigned);
    memcpy(s->widths, w, v->n_items * sizeof w[0]);
    s->n_widths = v->n_items;
    return ST_OK;
}

static enum status read_formats(struct story_ctx *c, const struct story_ynode *v,
                                struct story_site *s)
{
    bool is_seq;
    enum status st = story_get_seq(c, v, "images.formats", &is_seq);
    if (st != ST_OK || !is_seq)
        return st;
    if (v->n_items == 0)
        return story_config_error(c, v, "images.formats", "give at least one of jpeg, webp, avif");
    bool jpeg = false, webp = false, avif = false;
    for (size_t i = 0; i < v->n_items; i++) {
        const struct story_ynode *f = v->items[i];
        if (f->kind != STORY_Y_SCALAR)
            return story_config_error(c, f, "images.formats", "expected a format name");
        if (strcasecmp(f->text, "jpeg") == 0 || strcasecmp(f->text, "jpg") == 0)
            jpeg = true;
        else if (strcasecmp(f->text, "webp") == 0)
            webp = true;
        else if (strcasecmp(f->text, "avif") == 0)
            avif = true;
        else
            return story_config_error(c, f, "images.formats",
                                      "unknown format (use jpeg, webp or avif)");
    }
    s->format_jpeg = jpeg;
    s->format_webp = webp;
    s->format_avif = avif;
    return ST_OK;
}

/* effort ranges are libvips': webpsave 0..6, heifsave 0..9 */
static enum status images_key(struct story_ctx *c, const char *key, const struct story_ynode *v,
                              const char *field, void *obj)
{
    struct story_site *s = obj;
    if (strcmp(key, "widths") == 0)
        return read_widths(c, v, s);
    if (strcmp(key, "formats") == 0)
        return read_formats(c, v, s);
    if (strcmp(key, "jpeg_quality") == 0)
        return story_get_int(c, v, field, 1, 100, &s->jpeg_quality);
    if (strcmp(key, "webp_quality") == 0)
        return story_get_int(c, v, field, 1, 100, &s->webp_quality);
    if (strcmp(key, "webp_effort") == 0)
        return story_get_int(c, v, field, 0, 6, &s->webp_effort);
    if (strcmp(key, "avif_quality") == 0)
        return story_get_int(c, v, field, 1, 100, &s->avif_quality);
    if (strcmp(key, "avif_effort") == 0)
        return story_get_int(c, v, field, 0, 9, &s->avif_effort);
    return ST_NOT_FOUND;
}

/* Names a `privacy: {keep: [...]}` list may use. The rights core is
 * accepted (and always kept) so a list can spell out everything. */
static const struct {
    const char *name;
    unsigned bit;
} keep_names[] = {
    {"creator", 0}, {"credit_line", 0}, {"copyright_notice", 0}, {"web_statement", 0},
    {"licensor_url", 0}, {"headline", STORY_KEEP_HEADLINE},
    {"description", STORY_KEEP_DESCRIPTION}, {"caption", STORY_KEEP_DESCRIPTION},
    {"alt_text", STORY_KEEP_ALT_TEXT}, {"date_created", STORY_KEEP_DATE_CREATED},
    {"location", STORY_KEEP_LOCATION}, {"usage_terms", STORY_KEEP_USAGE_TERMS},
    {"title", STORY_KEEP_TITLE}, {"keywords", STORY_KEEP_KEYWORDS},
    {"source", STORY_KEEP_SOURCE}, {"creator_job_title", STORY_KEEP_JOB_TITLE},
};

static enum status privacy_key(struct story_ctx *c, const char *key, const struct story_ynode *v,
                               const char *field, void *obj)
{
    struct story_site *s = obj;
    bool is_seq;
    enum status st;
    if (strcmp(key, "keep") != 0)
        return ST_NOT_FOUND;
    st = story_get_seq(c, v, field, &is_seq);
    if (st != ST_OK || !is_seq)
        return st;
    unsigned mask = 0;
    for (size_t i = 0; i < v->n_items; i++) {
        const struct story_ynode *f = v->items[i];
        size_t k = 0;
        if (f->kind != STORY_Y_SCALAR)
            return story_config_error(c, f, field, "expected a field name");
        while (k < sizeof keep_names / sizeof keep_names[0] && strcmp(keep_names[k].name, f->text))
            k++;
        if (k == sizeof keep_names / sizeof keep_names[0])
            return story_config_error(c, f, field,
                                      "unknown field (use headline, description, alt_text, "
                                      "date_created, location, usage_terms, title, keywords, "
                                      "source, creator_job_title)");
        mask |= keep_names[k].bit;
    }
    free(s->privacy);
    s->privacy = str_dup("keep");
    s->privacy_keep = mask;
    return s->privacy ? ST_OK : ST_NOMEM;
}

/* languages: [en, ko] — each a language tag, none twice; the first
 * becomes `language` too (story_site_load: the default, whose pages
 * are at the root). */
static enum status read_languages(struct story_ctx *c, const struct story_ynode *v,
                                  const char *field, struct story_site *s)
{
    bool is_seq;
    enum status st = story_get_seq(c, v, field, &is_seq);
    if (st != ST_OK || !is_seq)
        return st;
    if (v->n_items > TS_LIMIT_LANGUAGES)
        return story_config_error(c, v, field, "more than %d languages", TS_LIMIT_LANGUAGES);
    for (size_t i = 0; i < v->n_items; i++) {
        char *tag = NULL;
        if ((st = story_get_lang(c, v->items[i], field, &tag)) != ST_OK)
            return st;
        if (!tag)
            return story_config_error(c, v->items[i], field, "an empty language");
        for (size_t k = 0; k < s->n_languages; k++)
            if (strcasecmp(s->languages[k], tag) == 0) {
                free(tag);
                return story_config_error(c, v->items[i], field, "a language given twice");
            }
        s->languages[s->n_languages++] = tag;
    }
    return ST_OK;
}

/* privacy: default | minimal | {keep: [field, ...]} */
static enum status read_privacy(struct story_ctx *c, const struct story_ynode *v,
                                const char *field, struct story_site *s)
{
    bool is_map;
    if (story_yaml_is_null(v))
        return ST_OK;
    if (v->kind == STORY_Y_SCALAR) {
        unsigned mask;
        if (strcmp(v->text, "default") == 0)
            mask = STORY_KEEP_DEFAULT;
        else if (strcmp(v->text, "minimal") == 0)
            mask = 0;
        else
            return story_config_error(c, v, field,
                                      "use default, minimal, or a list under 'keep:'");
        free(s->privacy);
        s->privacy = str_dup(v->text);
        s->privacy_keep = mask;
        return s->privacy ? ST_OK : ST_NOMEM;
    }
    enum status st = story_get_map(c, v, field, &is_map);
    return st != ST_OK || !is_map ? st : story_read_map(c, v, field, privacy_key, s);
}

static enum status site_key(struct story_ctx *c, const char *key, const struct story_ynode *v,
                            const char *field, void *obj)
{
    struct story_site *s = obj;
    bool is_map;
    enum status st;
    if (strcmp(key, "title") == 0)
        return story_get_text(c, v, field, &s->title);
    if (strcmp(key, "author") == 0)
        return story_get_text(c, v, field, &s->author);
    if (strcmp(key, "base_url") == 0)
        return read_base_url(c, v, s);
    if (strcmp(key, "language") == 0)
        return story_get_lang(c, v, field, &s->language);
    if (strcmp(key, "languages") == 0)
        return read_languages(c, v, field, s);
    if (strcmp(key, "description") == 0)
        return story_get_text(c, v, field, &s->description);
    if (strcmp(key, "theme") == 0)
        return read_token(c, v, field, 64, &s->theme);
    if (strcmp(key, "iim_charset") == 0)
        return read_token(c, v, field, 32, &s->iim_charset);
    if (strcmp(key, "signing_key") == 0)
        return read_signing_key(c, v, s);
    if (strcmp(key, "signing") == 0)
        return read_signing(c, v, field, s);
    if (strcmp(key, "trust") == 0) /* PEM bundle of C2PA trust anchors */
        return read_site_path(c, v, s, "trust", &s->trust);
    if (strcmp(key, "notify") == 0) /* used by serve; known here so it is no typo */
        return story_get_text(c, v, field, &s->notify);
    if (strcmp(key, "store") == 0) /* the inquiry store (serve) */
        return read_store(c, v, s);
    if (strcmp(key, "store_password_file") == 0)
        return read_site_path(c, v, s, "store_password_file", &s->store_password_file);
    /* The one check of its range; the forms compute it, serve asks for it. */
    if (strcmp(key, "proof_of_work") == 0)
        return story_get_int(c, v, field, 0, TS_LIMIT_POW_BITS, &s->proof_of_work);
    if (strcmp(key, "license") == 0)
        return story_get_license(c, v, field, &s->license);
    if (strcmp(key, "privacy") == 0)
        return read_privacy(c, v, field, s);
    if (strcmp(key, "images") == 0) {
        st = story_get_map(c, v, field, &is_map);
        return st != ST_OK || !is_map ? st : story_read_map(c, v, "images", images_key, s);
    }
    return ST_NOT_FOUND;
}

enum status story_site_load(const char *dir, struct story_site **out, struct diag *d)
{
    enum status st = ST_OK;
    struct story_site *s = NULL;
    struct story_ynode *root = NULL;
    uint8_t *data = NULL;
    char *text = NULL;
    size_t len = 0;
    char path[TS_LIMIT_PATH];
    struct diag local;

    *out = NULL;
    diag_clear(d);
    if (!dir || !dir[0] || !path_join(path, sizeof path, dir, "site.yaml")) {
        st = diag_set(d, ST_USAGE, NULL, DIAG_NO_OFFSET, "no site folder, or its path is too long");
        goto abort;
    }
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        /* a mistyped site folder must not quietly build an empty site;
         * it is the command line that is wrong (exit 2), not the site */
        diag_set_file(d, dir);
        st = diag_set(d, ST_USAGE, NULL, DIAG_NO_OFFSET, "site folder not found");
        goto abort;
    }
    s = calloc(1, sizeof *s);
    if (!s || set_defaults(s, dir) != ST_OK) {
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    diag_clear(&local);
    st = file_read_all(path, TS_LIMIT_TEXT_BYTES, &data, &len, &local);
    if (st == ST_NOT_FOUND) {
        st = ST_OK; /* no site.yaml: every default applies */
        goto done;
    }
    if (st != ST_OK) {
        if (d)
            *d = local;
        goto abort;
    }
    if ((st = story_yaml_file(path, (const char *)data, len, &text, &root, d)) != ST_OK)
        goto abort;
    struct story_ctx c = {path, d, 0, NULL};
    if (root && !story_yaml_is_null(root)) {
        if (root->kind != STORY_Y_MAP) {
            st =
                story_config_error(&c, root, NULL, "expected keys such as 'title: ...' at the top");
            goto abort;
        }
        st = story_read_map(&c, root, NULL, site_key, s);
        if (st != ST_OK)
            goto abort;
    }
    s->n_warnings = c.n_warnings;
    /* `languages:` wins over `language:`, in whichever order they came */
    if (s->n_languages) {
        char *first = str_dup(s->languages[0]);
        if (!first) {
            st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
            goto abort;
        }
        free(s->language);
        s->language = first;
    }
    if (s->signing_key && (s->signing.key || s->signing.pkcs12)) {
        diag_set_file(d, path);
        st = diag_set(d, ST_CONFIG, "signing", DIAG_NO_OFFSET,
                      "signing_key: (a key folder) and signing: with key: or pkcs12: name two "
                      "identities; keep one");
        goto abort;
    }
    if (!s->signing_key && !s->signing.key && !s->signing.pkcs12 &&
        (s->signing.tsa_url || s->signing.password_file || s->signing.password_env)) {
        diag_set_file(d, path);
        st = diag_set(d, ST_CONFIG, "signing", DIAG_NO_OFFSET,
                      "signing: names no identity: give key: and chain:, or pkcs12: (or "
                      "signing_key: for a key folder)");
        goto abort;
    }
done:
    *out = s;
    s = NULL;
abort:
    story_yaml_free(root);
    free(data);
    free(text);
    story_site_free(s);
    return st;
}
