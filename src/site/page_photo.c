/*
 * page_photo.c — <slug>/<photo-id>/index.html: one photograph's own
 * page, the page to send an editor and the licensable landing page: the
 * photo as large as the screen allows, its caption, credit, date, place,
 * rights and usage terms, "License this photo" and the Content
 * Credentials panel (both from its figure), the previous and next photo
 * of the story, a link back to its place in the story, its own sharing
 * card, and its ImageObject as the page's main entity.
 *
 * Must never: put a string from the photo into the page except through
 * the template engine's escaping (JSON-LD through site_jsonld_text), or
 * warn again about what the story page already warned (missing alt).
 *
 * Spec: schema.org ItemPage with mainEntity ImageObject; Google Search
 * Central "Image license metadata".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

/* The story's built photo before or after photo `i` (dir -1 or +1), in
 * the plan's order (the order of the story's Markdown), or NULL. */
static const struct site_photo *neighbour(const struct site_build *b, size_t i, int dir)
{
    const struct site_photo *p = &b->photos[i];
    size_t first = b->story_first[p->story_no], end = b->story_first[p->story_no + 1];
    for (size_t k = i; dir < 0 ? k > first : k + 1 < end;) {
        k = dir < 0 ? k - 1 : k + 1;
        if (b->photos[k].status == ST_OK)
            return &b->photos[k];
    }
    return NULL;
}

static json_t *neighbour_link(const struct site_photo *n)
{
    if (!n)
        return json_null();
    char href[TS_LIMIT_PATH];
    snprintf(href, sizeof href, "../%s/", n->id);
    return json_pack("{s:s, s:s}", "href", href, "headline", site_photo_headline(n));
}

/* The rights a reader and an editor look for, in the order of the IPTC
 * Photo Metadata Standard's rights section; absent ones are left out. */
static json_t *rights_list(const struct photo_meta *m)
{
    json_t *list = json_array();
    const struct {
        const char *label, *value;
        bool url;
    } rows[] = {
        {"Creator", site_photo_creator(m), false},    {"Credit", m->credit_line, false},
        {"Copyright", m->copyright_notice, false},    {"Usage terms", m->usage_terms, false},
        {"Rights statement", m->web_statement, true}, {"Job", m->job_id, false},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (!rows[i].value || str_blank(rows[i].value) ||
            (rows[i].url && !site_url_is_safe(rows[i].value)))
            continue;
        json_t *o = json_pack("{s:s, s:s}", "label", rows[i].label, "value", rows[i].value);
        json_object_set_new(o, "url", json_boolean(rows[i].url));
        json_array_append_new(list, o);
    }
    return list;
}

/* ItemPage whose mainEntity is the photo's ImageObject. */
static char *photo_jsonld(const struct site_build *b, const struct site_photo *p, const char *rel)
{
    json_t *io = site_image_object(b, p);
    if (!io)
        return NULL;
    json_t *doc = json_pack("{s:s, s:s, s:o}", "@context", "https://schema.org", "@type",
                            "ItemPage", "mainEntity", io);
    site_set_str(doc, "name", site_photo_headline(p));
    char dir[TS_LIMIT_PATH], url[TS_LIMIT_PATH];
    snprintf(dir, sizeof dir, "%.*s", (int)(strlen(rel) - strlen("index.html")), rel);
    if (site_abs_url(b, dir, url, sizeof url)) {
        site_set_str(doc, "url", url);
        site_set_str(io, "mainEntityOfPage", url);
    }
    char *text = site_jsonld_text(doc);
    json_decref(doc);
    return text;
}

enum status site_render_photo_page(struct site_build *b, size_t i, json_t *pages, struct diag *d)
{
    const struct site_photo *p = &b->photos[i];
    const struct story *s = p->story;
    const struct photo_meta *m = p->meta;
    const char *lang = s->lang ? s->lang : b->cfg->language;
    char rel[TS_LIMIT_PATH], story_href[TS_LIMIT_PATH];
    int n[2] = {
        snprintf(rel, sizeof rel, "%s/%s/index.html", p->story_slug, p->id),
        snprintf(story_href, sizeof story_href, "../#%s", p->id),
    };
    if (n[0] < 0 || (size_t)n[0] >= sizeof rel || n[1] < 0 || (size_t)n[1] >= sizeof story_href)
        return diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "%s: photo page path too long",
                        p->src_path);
    /* the figure as in the story, with its caption and credentials, but
     * as wide as the screen and loaded first */
    struct site_figure_ctx fc = {.b = b,
                                 .story = s,
                                 .story_no = p->story_no,
                                 .root = "../../",
                                 .prefix = "../",
                                 .lang = lang,
                                 .captions = true,
                                 .quiet = true,
                                 .sizes = "100vw"};
    struct buf figure, content;
    buf_init(&figure, TS_LIMIT_PAGE_BYTES);
    buf_init(&content, TS_LIMIT_PAGE_BYTES);
    char *ld = NULL;
    enum status st = site_figure(&fc, p->file, NULL, NULL, false, &figure);
    if (st != ST_OK)
        goto abort;
    size_t first = b->story_first[p->story_no], count = 0, number = 0;
    for (size_t k = first; k < b->story_first[p->story_no + 1]; k++) {
        if (b->photos[k].status != ST_OK)
            continue;
        count++;
        if (k == i)
            number = count;
    }
    json_t *ctx = json_object();
    site_set_str(ctx, "root", "../../");
    site_set_str(ctx, "lang", lang);
    site_set_str(ctx, "headline", site_photo_headline(p));
    json_object_set_new(ctx, "figure", json_string(figure.data ? figure.data : ""));
    site_set_str(ctx, "story_title", s->title);
    site_set_str(ctx, "story_href", story_href);
    json_object_set_new(ctx, "number", json_integer((json_int_t)number));
    json_object_set_new(ctx, "count", json_integer((json_int_t)count));
    json_object_set_new(ctx, "prev", neighbour_link(neighbour(b, i, -1)));
    json_object_set_new(ctx, "next", neighbour_link(neighbour(b, i, +1)));
    json_t *rights = rights_list(m);
    json_object_set_new(ctx, "has_rights", json_boolean(json_array_size(rights) > 0));
    json_object_set_new(ctx, "rights", rights);
    st = site_render(b, b->theme.photo, ctx, &content, d);
    json_decref(ctx);
    if (st != ST_OK)
        goto abort;
    ld = photo_jsonld(b, p, rel);
    const char *caption = meta_lang_pick(&m->description_langs, lang);
    if (str_blank(caption))
        caption = m->description;
    char date[16] = "";
    if (m->date_created)
        snprintf(date, sizeof date, "%.10s", m->date_created);
    st = site_write_page(b,
                         &(struct site_page){.rel = rel,
                                             .root = "../../",
                                             .title = site_photo_headline(p),
                                             .lang = lang,
                                             .description = caption,
                                             .content = content.data,
                                             .jsonld = ld,
                                             .article = true,
                                             .published = date[0] ? date : s->date,
                                             .card = p},
                         pages, d);
abort:
    free(ld);
    buf_free(&figure);
    buf_free(&content);
    return st;
}
