/*
 * page_credentials.c — content-credentials/index.html: what the mark
 * under each photo means and how to check a file; written only when the
 * site signs its photos.
 *
 * Must never: call the site's signature trusted unless the validator
 * said so of at least one photo.
 */
#include "site/internal.h"

/* content-credentials/index.html: what the mark under each photo means
 * and how to check a file; written when the site signs its photos. */
enum status site_render_credentials(struct site_build *b, json_t *pages, struct diag *d)
{
    bool any = false, trusted = false;
    for (size_t i = 0; i < b->n_photos; i++) {
        json_t *c = b->photos[i].credentials;
        if (!c)
            continue;
        any = true;
        /* what the validator said of our own signature, with the site's
         * `trust:` anchors when it has them */
        json_t *mine = json_object_get(c, "signed");
        trusted = trusted || json_is_true(json_object_get(mine, "trusted"));
    }
    if (!any)
        return ST_OK;
    json_t *ctx = json_pack("{s:s, s:b}", "root", "../", "untrusted", !trusted);
    struct buf content;
    buf_init(&content, TS_LIMIT_PAGE_BYTES);
    enum status st = site_render(b, b->theme.credentials, ctx, &content, d);
    if (st == ST_OK)
        st = site_write_page(
            b,
            &(struct site_page){.rel = "content-credentials/index.html",
                                .root = "../",
                                .title = "Content Credentials",
                                .description =
                                    "How this site proves where its photographs come from.",
                                .content = content.data},
            pages, d);
    json_decref(ctx);
    buf_free(&content);
    return st;
}
