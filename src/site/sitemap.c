/*
 * sitemap.c — sitemap.xml: every page of the site with an absolute URL,
 * and every photo of a page as an image:image (its largest derivative),
 * so image search learns each photo and where it is shown; robots.txt
 * pointing at it. The sitemap is made on a page worker beside the photo
 * pages (pages.c, struct site_made), so it only reads the build.
 *
 * Must never: write a URL except through html_escape_xml (XML text).
 *
 * Spec: sitemaps.org protocol 0.9; Google image sitemaps
 * (http://www.google.com/schemas/sitemap-image/1.1); RFC 9309 (robots).
 */
#include <stdio.h>
#include <string.h>

#include "site/internal.h"

/* a 10,000-photo site has 30,000 URLs built every build, and
 * snprintf's format parse showed in the no-op profile */
const char *site_join(char *out, size_t size, const char *const *parts)
{
    size_t n = 0;
    for (; *parts; parts++) {
        size_t len = strlen(*parts);
        if (len > size - 1 - n)
            len = size - 1 - n;
        memcpy(out + n, *parts, len);
        n += len;
    }
    out[n] = '\0';
    return out;
}

static const char *join(char loc[TS_LIMIT_PATH], const char *const *parts)
{
    return site_join(loc, TS_LIMIT_PATH, parts);
}

/* <image:image> of each built photo of story number `story`: the
 * largest derivative, the one Google Images should index. */
static void story_images(const struct site_build *b, size_t story, const char *base, struct buf *x)
{
    for (size_t i = b->story_first[story]; i < b->story_first[story + 1]; i++) {
        const struct site_photo *p = &b->photos[i];
        const struct image_output *o = p->status == ST_OK ? site_output_largest(p) : NULL;
        if (!o)
            continue;
        char loc[TS_LIMIT_PATH];
        join(loc, (const char *[]){base, p->story_slug, "/", site_base_name(o->path), NULL});
        buf_puts(x, "<image:image><image:loc>");
        html_escape_xml(x, loc, strlen(loc));
        buf_puts(x, "</image:loc></image:image>");
    }
}

/* Writes `x` (then freed) to out/rel when its bytes changed. */
static enum status write_out(struct site_build *b, const char *rel, struct buf *x, struct diag *d)
{
    char path[TS_LIMIT_PATH];
    enum status st = path_join(path, sizeof path, b->out_dir, rel)
                         ? site_write_if_changed(path, x->data ? x->data : "", x->len, d)
                         : diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "output path too long");
    buf_free(x);
    return st;
}

static void url_open(struct buf *x, const char *loc)
{
    buf_puts(x, "<url><loc>");
    html_escape_xml(x, loc, strlen(loc));
    buf_puts(x, "</loc>");
}

/* A page told in several languages (bit l of `versions`): an
 * xhtml:link for each, and x-default (the default language's), as
 * every one of its <url> entries must list them all (Google Search
 * Central "Localized versions of your page": sitemap method). */
static void alternates(const struct site_build *b, unsigned versions, const char *base,
                       const char *same, struct buf *x)
{
    if (b->n_langs < 2 || versions == 1u)
        return;
    for (size_t l = 0; l <= b->n_langs; l++) {
        size_t which = l < b->n_langs ? l : 0;
        if (!(versions & (1u << which)))
            continue;
        char loc[TS_LIMIT_PATH];
        join(loc, (const char *[]){base, b->langs[which].dir, same, NULL});
        buf_puts(x, "<xhtml:link rel=\"alternate\" hreflang=\"");
        const char *tag = l < b->n_langs ? b->langs[which].tag : "x-default";
        html_escape_xml(x, tag, strlen(tag));
        buf_puts(x, "\" href=\"");
        html_escape_xml(x, loc, strlen(loc));
        buf_puts(x, "\"/>");
    }
}

void site_make_sitemap(const struct site_build *b, json_t *pages, json_t *more, struct site_made *m)
{
    struct buf x;
    buf_init(&x, TS_LIMIT_PAGE_BYTES);
    const char *base = b->cfg->base_url ? b->cfg->base_url : "/";
    buf_puts(&x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                 "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
                 "xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\"");
    if (b->n_langs > 1)
        buf_puts(&x, " xmlns:xhtml=\"http://www.w3.org/1999/xhtml\"");
    buf_puts(&x, ">\n");
    unsigned home = site_home_versions(b);
    for (size_t l = 0; l < b->n_langs; l++) {
        if (!(home & (1u << l)))
            continue;
        char loc[TS_LIMIT_PATH];
        join(loc, (const char *[]){base, b->langs[l].dir, NULL});
        url_open(&x, loc);
        alternates(b, home, base, "", &x);
        buf_puts(&x, "</url>\n");
    }
    for (size_t i = 0; i < b->n_stories; i++) {
        unsigned versions = site_story_versions(b, i);
        for (size_t l = 0; l < b->n_langs; l++) {
            if (!(versions & (1u << l)))
                continue;
            const char *dir = b->langs[l].dir;
            char loc[TS_LIMIT_PATH], same[TS_LIMIT_PATH];
            join(loc, (const char *[]){base, dir, b->stories[i]->slug, "/", NULL});
            join(same, (const char *[]){b->stories[i]->slug, "/", NULL});
            url_open(&x, loc);
            if (b->stories[i]->date) {
                buf_puts(&x, "<lastmod>");
                buf_append(&x, b->stories[i]->date, strnlen(b->stories[i]->date, 10));
                buf_puts(&x, "</lastmod>");
            }
            story_images(b, i, base, &x);
            alternates(b, versions, base, same, &x);
            buf_puts(&x, "</url>\n");
            /* each photo's own page, with its photo */
            for (size_t k = b->story_first[i]; k < b->story_first[i + 1]; k++) {
                const struct site_photo *p = &b->photos[k];
                const struct image_output *o = p->status == ST_OK ? site_output_largest(p) : NULL;
                if (!o)
                    continue;
                join(loc, (const char *[]){base, dir, p->story_slug, "/", p->id, "/", NULL});
                join(same, (const char *[]){p->story_slug, "/", p->id, "/", NULL});
                url_open(&x, loc);
                join(loc,
                     (const char *[]){base, p->story_slug, "/", site_base_name(o->path), NULL});
                buf_puts(&x, "<image:image><image:loc>");
                html_escape_xml(&x, loc, strlen(loc));
                buf_puts(&x, "</image:loc></image:image>");
                alternates(b, versions, base, same, &x);
                buf_puts(&x, "</url>\n");
            }
        }
    }
    json_t *lists[2] = {pages, more};
    for (int l = 0; l < 2; l++) {
        size_t i;
        json_t *pg;
        json_array_foreach(lists[l], i, pg)
        {
            char loc[TS_LIMIT_PATH];
            const char *href = json_string_value(json_object_get(pg, "href"));
            join(loc, (const char *[]){base, href ? href : "", NULL});
            url_open(&x, loc);
            buf_puts(&x, "</url>\n");
        }
    }
    buf_puts(&x, "</urlset>\n");
    m->rel = "sitemap.xml";
    m->data = x;
    m->st = ST_OK;
    diag_clear(&m->d);
}

/* robots.txt: everything may be crawled, and where the sitemap is (the
 * Sitemap line must be an absolute URL, so without an absolute base_url
 * there is none). */
enum status site_write_robots(struct site_build *b, struct diag *d)
{
    struct buf x;
    buf_init(&x, TS_LIMIT_FIELD_BYTES);
    buf_puts(&x, "User-agent: *\nAllow: /\n");
    char url[TS_LIMIT_PATH];
    if (site_abs_url(b, "sitemap.xml", url, sizeof url) && !strpbrk(url, "\r\n"))
        buf_printf(&x, "\nSitemap: %s\n", url);
    return write_out(b, "robots.txt", &x, d);
}
