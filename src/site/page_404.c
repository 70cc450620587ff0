/*
 * page_404.c — 404.html, served by any host for a path it does not
 * have: links are absolute from the site's root (the path of base_url).
 *
 * Must never: use links relative to the page (it answers any path).
 */
#include <string.h>

#include "site/internal.h"

enum status site_render_404(struct site_build *b, json_t *pages, struct diag *d)
{
    /* served for any path: links are absolute from the site's root */
    const char *root = "/";
    const char *url = b->cfg->base_url ? b->cfg->base_url : "/";
    const char *p = strstr(url, "://");
    if (p) {
        p = strchr(p + 3, '/');
        root = p ? p : "/";
    } else if (url[0] == '/')
        root = url;
    json_t *ctx = json_pack("{s:s}", "root", root);
    struct buf content;
    buf_init(&content, TS_LIMIT_PAGE_BYTES);
    enum status st = site_render(b, b->theme.notfound, ctx, &content, d);
    if (st == ST_OK)
        st = site_write_page(b,
                             &(struct site_page){.rel = "404.html",
                                                 .root = root,
                                                 .title = "Page not found",
                                                 .content = content.data},
                             pages, d);
    json_decref(ctx);
    buf_free(&content);
    return st;
}
