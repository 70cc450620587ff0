/*
 * sitemap.c — sitemap.xml: every page of the site with an absolute URL.
 *
 * Must never: write a URL except through html_escape_text (XML text).
 *
 * Spec: sitemaps.org protocol 0.9.
 */
#include <stdio.h>
#include <string.h>

#include "site/internal.h"

enum status site_write_sitemap(struct site_build *b, json_t *pages, struct diag *d)
{
    struct buf x;
    buf_init(&x, TS_LIMIT_PAGE_BYTES);
    const char *base = b->cfg->base_url ? b->cfg->base_url : "/";
    buf_puts(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    buf_puts(&x, "<url><loc>");
    html_escape_text(&x, base, strlen(base));
    buf_puts(&x, "</loc></url>\n");
    for (size_t i = 0; i < b->n_stories; i++) {
        char loc[TS_LIMIT_PATH];
        snprintf(loc, sizeof loc, "%s%s/", base, b->stories[i]->slug);
        buf_puts(&x, "<url><loc>");
        html_escape_text(&x, loc, strlen(loc));
        buf_puts(&x, "</loc>");
        if (b->stories[i]->date)
            buf_printf(&x, "<lastmod>%.10s</lastmod>", b->stories[i]->date);
        buf_puts(&x, "</url>\n");
    }
    size_t i;
    json_t *pg;
    json_array_foreach(pages, i, pg)
    {
        char loc[TS_LIMIT_PATH];
        snprintf(loc, sizeof loc, "%s%s", base, json_string_value(json_object_get(pg, "href")));
        buf_puts(&x, "<url><loc>");
        html_escape_text(&x, loc, strlen(loc));
        buf_puts(&x, "</loc></url>\n");
    }
    buf_puts(&x, "</urlset>\n");
    char path[TS_LIMIT_PATH];
    enum status st = path_join(path, sizeof path, b->out_dir, "sitemap.xml")
                         ? site_write_if_changed(path, x.data, x.len, d)
                         : ST_LIMIT;
    buf_free(&x);
    return st;
}
