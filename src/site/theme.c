/*
 * theme.c — the page templates and stylesheet: a site's own
 * themes/<name>/ files where present, else the built-in default theme
 * (themes/default/ compiled into the binary). Partials ({{> name}})
 * resolve to <name>.mustache of the same theme.
 * Must never: read a template from outside the site's themes folder.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

struct theme_source {
    const char *dir; /* NULL = built-in only */
    /* files read from dir, kept alive while rendering (for partials) */
    char *names[32];
    char *data[32];
    size_t lens[32];
    size_t n;
};

static struct theme_source theme_src; /* one build per process */
/* Page workers (pages.c) look partials up at once, and a lookup may
 * read a file into theme_src. */
static pthread_mutex_t theme_src_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *builtin_file(const char *name, size_t *len)
{
    for (const struct site_theme_file *f = site_default_theme; f->name; f++)
        if (strcmp(f->name, name) == 0) {
            *len = f->len;
            return f->data;
        }
    return NULL;
}

/* The theme's file `name`: the site's version first, then the built-in. */
static const char *theme_file(const char *name, size_t *len, struct diag *d)
{
    for (size_t i = 0; i < theme_src.n; i++)
        if (strcmp(theme_src.names[i], name) == 0) {
            *len = theme_src.lens[i];
            return theme_src.data[i];
        }
    if (theme_src.dir && theme_src.n < 32 && !strchr(name, '/')) {
        char path[TS_LIMIT_PATH];
        if (path_join(path, sizeof path, theme_src.dir, name) && file_exists(path)) {
            uint8_t *data;
            size_t n;
            if (file_read_all(path, TS_LIMIT_TEXT_BYTES, &data, &n, d) != ST_OK)
                return NULL;
            theme_src.names[theme_src.n] = str_dup(name);
            theme_src.data[theme_src.n] = (char *)data;
            theme_src.lens[theme_src.n] = n;
            theme_src.n++;
            *len = n;
            return (const char *)data;
        }
    }
    return builtin_file(name, len);
}

static const char *partial_lookup(void *ud, const char *name, size_t *len)
{
    char file[256];
    if ((size_t)snprintf(file, sizeof file, "%s.mustache", name) >= sizeof file)
        return NULL;
    struct diag ignore;
    diag_clear(&ignore);
    pthread_mutex_lock(&theme_src_lock);
    const char *src = theme_file(file, len, &ignore);
    pthread_mutex_unlock(&theme_src_lock);
    return src;
}

static enum status compile(const char *name, struct html_template **out, struct diag *d)
{
    char file[128];
    snprintf(file, sizeof file, "%s.mustache", name);
    size_t len = 0;
    const char *src = theme_file(file, &len, d);
    if (!src) {
        if (d->status != ST_OK)
            return d->status;
        return diag_set(d, ST_CONFIG, "theme", DIAG_NO_OFFSET, "template %s is missing", file);
    }
    return html_template_compile(file, src, len, out, d);
}

/* The theme's <base>.js, kept with its content-addressed name
 * <base>.<hash>.js (cached forever, like the stylesheet). */
static enum status load_script(const char *base, char **data, size_t *len, char name[64],
                               struct diag *d)
{
    char file[64];
    snprintf(file, sizeof file, "%s.js", base);
    const char *js = theme_file(file, len, d);
    if (!js)
        return diag_set(d, ST_CONFIG, "theme", DIAG_NO_OFFSET, "%s is missing", file);
    *data = str_ndup(js, *len);
    if (!*data)
        return diag_set(d, ST_NOMEM, "theme", DIAG_NO_OFFSET, "out of memory");
    char hash[65];
    site_sha256_hex(js, *len, hash);
    snprintf(name, 64, "%s.%.*s.js", base, SITE_KEY_SHORT, hash);
    return ST_OK;
}

enum status site_theme_load(struct site_build *b, struct diag *d)
{
    static char dir[TS_LIMIT_PATH];
    struct site_theme *t = &b->theme;
    memset(&theme_src, 0, sizeof theme_src);
    if (b->cfg->theme && b->cfg->theme[0]) {
        char themes[TS_LIMIT_PATH];
        char name[128];
        site_slugify(b->cfg->theme, name, sizeof name);
        if (!path_join(themes, sizeof themes, b->opt->site_dir, "themes") ||
            !path_join(dir, sizeof dir, themes, name))
            return diag_set(d, ST_CONFIG, "theme", DIAG_NO_OFFSET, "theme path too long");
        if (!file_exists(dir))
            return diag_set(d, ST_CONFIG, "theme", DIAG_NO_OFFSET,
                            "theme '%s' not found: expected the folder %s", b->cfg->theme, dir);
        theme_src.dir = dir;
    }
    enum status st;
    if ((st = compile("layout", &t->layout, d)) != ST_OK ||
        (st = compile("index", &t->index, d)) != ST_OK ||
        (st = compile("story", &t->story, d)) != ST_OK ||
        (st = compile("figure", &t->figure, d)) != ST_OK ||
        (st = compile("page", &t->page, d)) != ST_OK ||
        (st = compile("404", &t->notfound, d)) != ST_OK ||
        (st = compile("license", &t->license, d)) != ST_OK ||
        (st = compile("thanks", &t->thanks, d)) != ST_OK ||
        (st = compile("photo", &t->photo, d)) != ST_OK ||
        (st = compile("terms", &t->terms, d)) != ST_OK ||
        (st = compile("publications", &t->publications, d)) != ST_OK ||
        (st = compile("credentials", &t->credentials, d)) != ST_OK)
        return st;
    size_t len = 0;
    const char *css = theme_file("style.css", &len, d);
    if (!css)
        return diag_set(d, ST_CONFIG, "theme", DIAG_NO_OFFSET, "style.css is missing");
    t->css = str_ndup(css, len);
    if (!t->css)
        return diag_set(d, ST_NOMEM, "theme", DIAG_NO_OFFSET, "out of memory");
    t->css_len = len;
    char hash[65];
    site_sha256_hex(css, len, hash);
    snprintf(t->css_name, sizeof t->css_name, "style.%.*s.css", SITE_KEY_SHORT, hash);
    if ((st = load_script("pow", &t->pow_js, &t->pow_js_len, t->pow_js_name, d)) != ST_OK ||
        (st = load_script("viewer", &t->viewer_js, &t->viewer_js_len, t->viewer_js_name, d)) !=
            ST_OK)
        return st;
    return ST_OK;
}

void site_theme_free(struct site_theme *t)
{
    html_template_free(t->layout);
    html_template_free(t->index);
    html_template_free(t->story);
    html_template_free(t->figure);
    html_template_free(t->page);
    html_template_free(t->notfound);
    html_template_free(t->credentials);
    html_template_free(t->license);
    html_template_free(t->thanks);
    html_template_free(t->photo);
    html_template_free(t->terms);
    html_template_free(t->publications);
    free(t->css);
    free(t->pow_js);
    free(t->viewer_js);
    memset(t, 0, sizeof *t);
    for (size_t i = 0; i < theme_src.n; i++) {
        free(theme_src.names[i]);
        free(theme_src.data[i]);
    }
    memset(&theme_src, 0, sizeof theme_src);
}

/* One language's catalogue: messages.<tag>.yaml, else that of its
 * primary subtag ("en" for "en-GB"), else messages.en.yaml. */
static enum status load_messages(const char *tag, json_t **out, struct diag *d)
{
    char name[3][80];
    size_t len = 0;
    const char *text = NULL;
    int which = 0;
    snprintf(name[0], sizeof name[0], "messages.%s.yaml", tag);
    snprintf(name[1], sizeof name[1], "messages.%.*s.yaml", (int)strcspn(tag, "-"), tag);
    snprintf(name[2], sizeof name[2], "messages.en.yaml");
    for (int i = 0; i < 3 && !text; i++) {
        text = theme_file(name[i], &len, d);
        which = i;
        if (!text && d->status != ST_OK)
            return d->status;
    }
    *out = json_object();
    if (!text)
        return ST_OK; /* a theme of before catalogues: its templates name none */
    struct story_messages *m = NULL;
    char where[sizeof name + 8]; /* GCC bounds name[which] by all three */
    snprintf(where, sizeof where, "theme %s", name[which]);
    enum status st = story_messages_parse(where, text, len, &m, d);
    if (st != ST_OK)
        return st == ST_NOMEM ? st : ST_CONFIG;
    for (size_t i = 0; i < m->n; i++)
        json_object_set_new(*out, m->keys[i], json_string(m->values[i]));
    story_messages_free(m);
    return ST_OK;
}

enum status site_messages_load(struct site_build *b, struct diag *d)
{
    for (size_t l = 0; l < b->n_langs; l++) {
        enum status st = load_messages(b->langs[l].tag, &b->langs[l].msg, d);
        if (st != ST_OK)
            return st;
    }
    return ST_OK;
}

/* Every template sees the current language's messages as {{msg.key}}. */
enum status site_render(struct site_build *b, const struct html_template *t, json_t *ctx,
                        struct buf *out, struct diag *d)
{
    json_t *msg = b->n_langs ? b->langs[b->lang].msg : NULL;
    if (msg && json_is_object(ctx) && !json_object_get(ctx, "msg"))
        json_object_set(ctx, "msg", msg);
    return html_render(t, ctx, partial_lookup, b, out, d);
}
