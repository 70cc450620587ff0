/*
 * layout.c — wraps a page's content in the theme's layout and writes it
 * (title, language, canonical URL, navigation, JSON-LD), and the small
 * helpers every page's template context is built with.
 *
 * Must never: put a string from a photo or story into a page except
 * through the template engine's escaping (JSON-LD goes through
 * html_escape_json_script, URLs through site_url_is_safe).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

void site_set_str(json_t *o, const char *key, const char *value)
{
    if (value && !str_blank(value))
        json_object_set_new(o, key, json_string(value));
}

void site_set_url(json_t *o, const char *key, const char *value)
{
    if (value && site_url_is_safe(value))
        json_object_set_new(o, key, json_string(value));
}

/* In a list item, an absent key must be null: Mustache would otherwise
 * look it up in the enclosing context (a publication without a date
 * would show the story's). */
void site_set_or_null(json_t *o, const char *key, const char *value)
{
    if (value && !str_blank(value))
        json_object_set_new(o, key, json_string(value));
    else
        json_object_set_new(o, key, json_null());
}

const char *site_pick_str(const char *a, const char *b)
{
    return a && !str_blank(a) ? a : b;
}

/* Wraps page content in the layout and writes it. */
enum status site_write_page(struct site_build *b, const char *rel_path, const char *root,
                            const char *title, const char *lang, const char *description,
                            const char *content, const char *jsonld, json_t *pages, struct diag *d)
{
    json_t *ctx = json_object();
    char page_title[1024];
    if (title && strcmp(title, b->cfg->title ? b->cfg->title : "") != 0)
        snprintf(page_title, sizeof page_title, "%s — %s", title,
                 b->cfg->title ? b->cfg->title : "");
    else
        snprintf(page_title, sizeof page_title, "%s", b->cfg->title ? b->cfg->title : "");
    site_set_str(ctx, "page_title", page_title);
    site_set_str(ctx, "site_title", b->cfg->title);
    site_set_str(ctx, "lang", lang ? lang : b->cfg->language);
    site_set_str(ctx, "description", description);
    site_set_str(ctx, "root", root);
    site_set_str(ctx, "stylesheet", b->theme.css_name);
    site_set_str(ctx, "version", TS_VERSION);
    site_set_str(ctx, "copyright",
                 b->cfg->license.copyright && b->cfg->author ? b->cfg->author : NULL);
    json_object_set_new(ctx, "content", json_string(content ? content : ""));
    if (jsonld)
        json_object_set_new(ctx, "jsonld", json_string(jsonld));
    json_object_set(ctx, "nav", pages);
    if (b->cfg->base_url && strncmp(b->cfg->base_url, "http", 4) == 0) {
        char canonical[TS_LIMIT_PATH];
        const char *slash = strrchr(rel_path, '/');
        snprintf(canonical, sizeof canonical, "%s%.*s", b->cfg->base_url,
                 slash ? (int)(slash - rel_path + 1) : 0, rel_path);
        site_set_str(ctx, "canonical", canonical);
    }
    struct buf out;
    buf_init(&out, TS_LIMIT_PAGE_BYTES);
    enum status st = site_render(b, b->theme.layout, ctx, &out, d);
    json_decref(ctx);
    if (st == ST_OK) {
        char path[TS_LIMIT_PATH];
        if (!path_join(path, sizeof path, b->out_dir, rel_path))
            st = diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "output path too long");
        else
            st = site_write_if_changed(path, out.data ? out.data : "", out.len, d);
        if (st == ST_OK) {
            b->report->pages++;
            b->report->pages_rendered++;
            site_page_written(b, rel_path);
        }
    }
    buf_free(&out);
    return st;
}

char *site_jsonld_text(json_t *doc)
{
    char *raw = json_dumps(doc, JSON_COMPACT);
    if (!raw)
        return NULL;
    struct buf out;
    buf_init(&out, TS_LIMIT_PAGE_BYTES);
    html_escape_json_script(&out, raw, strlen(raw));
    free(raw);
    return buf_detach(&out, NULL);
}
