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

static json_t *neighbour_link(const struct site_build *b, const struct site_photo *n,
                              const char *lang)
{
    if (!n)
        return json_null();
    char href[TS_LIMIT_PATH];
    snprintf(href, sizeof href, "../%s/", n->id);
    const char *hl;
    json_t *o = json_pack("{s:s, s:s}", "href", href, "headline",
                          site_photo_headline_in(b, n, lang, &hl));
    /* null, not absent: the page's own headline_lang must not show through */
    site_set_or_null(o, "headline_lang", site_lang_attr(hl, lang));
    return o;
}

/* The rights a reader and an editor look for, in the order of the IPTC
 * Photo Metadata Standard's rights section; absent ones are left out. */
static json_t *rights_list(const struct site_build *b, const struct photo_meta *m,
                           const char *lang)
{
    const char *terms_lang, *copyright_lang;
    const char *copyright =
        site_photo_text(b, &m->rights_langs, m->copyright_notice, lang, &copyright_lang);
    const char *terms =
        site_photo_text(b, &m->usage_terms_langs, m->usage_terms, lang, &terms_lang);
    json_t *list = json_array();
    const struct {
        const char *label, *value;
        bool url;
        const char *lang; /* the value's, when it is written in a language */
    } rows[] = {
        {"rights_creator", site_photo_creator(m), false, NULL},
        {"rights_credit", m->credit_line, false, NULL},
        {"rights_copyright", copyright, false, copyright_lang},
        {"rights_usage_terms", terms, false, terms_lang},
        {"rights_statement", m->web_statement, true, NULL},
        {"rights_job", m->job_id, false, NULL},
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        if (!rows[i].value || str_blank(rows[i].value) ||
            (rows[i].url && !site_url_is_safe(rows[i].value)))
            continue;
        json_t *o =
            json_pack("{s:s, s:s}", "label", site_msg(b, rows[i].label), "value", rows[i].value);
        json_object_set_new(o, "url", json_boolean(rows[i].url));
        site_set_or_null(o, "text_lang", site_lang_attr(rows[i].lang, lang));
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
    const char *lang = b->lang ? site_lang_tag(b) : s->lang ? s->lang : b->cfg->language;
    const char *root = b->lang ? "../../../" : "../../";
    char rel[TS_LIMIT_PATH], story_href[TS_LIMIT_PATH], same[TS_LIMIT_PATH],
        prefix[TS_LIMIT_PATH];
    int n[4] = {
        snprintf(rel, sizeof rel, "%s%s/%s/index.html", site_lang_dir(b), p->story_slug, p->id),
        snprintf(story_href, sizeof story_href, "../#%s", p->id),
        snprintf(same, sizeof same, "%s/%s/", p->story_slug, p->id),
        /* the derivatives are in the story's default folder */
        b->lang ? snprintf(prefix, sizeof prefix, "%s%s/", root, p->story_slug)
                : snprintf(prefix, sizeof prefix, "../"),
    };
    if (n[0] < 0 || (size_t)n[0] >= sizeof rel || n[1] < 0 || (size_t)n[1] >= sizeof story_href ||
        n[2] < 0 || (size_t)n[2] >= sizeof same || n[3] < 0 || (size_t)n[3] >= sizeof prefix)
        return diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "%s: photo page path too long",
                        p->src_path);
    /* the figure as in the story, with its caption and credentials, but
     * as wide as the screen and loaded first */
    struct site_figure_ctx fc = {.b = b,
                                 .story = s,
                                 .story_no = p->story_no,
                                 .root = root,
                                 .prefix = prefix,
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
    site_set_str(ctx, "root", root);
    site_set_str(ctx, "lang", lang);
    const char *headline_lang;
    const char *headline = site_photo_headline_in(b, p, lang, &headline_lang);
    site_set_str(ctx, "headline", headline);
    site_set_str(ctx, "headline_lang", site_lang_attr(headline_lang, lang));
    /* "Photo 2 of 5 in", in the order the language says it */
    char *photo_of = site_msg_numbers(b, "photo_of", number, count);
    site_set_str(ctx, "photo_of", photo_of);
    free(photo_of);
    json_object_set_new(ctx, "figure", json_string(figure.data ? figure.data : ""));
    site_set_str(ctx, "story_title", s->title);
    site_set_str(ctx, "story_href", story_href);
    json_object_set_new(ctx, "number", json_integer((json_int_t)number));
    json_object_set_new(ctx, "count", json_integer((json_int_t)count));
    json_object_set_new(ctx, "prev", neighbour_link(b, neighbour(b, i, -1), lang));
    json_object_set_new(ctx, "next", neighbour_link(b, neighbour(b, i, +1), lang));
    json_t *rights = rights_list(b, m, lang);
    json_object_set_new(ctx, "has_rights", json_boolean(json_array_size(rights) > 0));
    json_object_set_new(ctx, "rights", rights);
    st = site_render(b, b->theme.photo, ctx, &content, d);
    json_decref(ctx);
    if (st != ST_OK)
        goto abort;
    ld = photo_jsonld(b, p, rel);
    const char *caption_lang;
    const char *caption =
        site_photo_text(b, &m->description_langs, m->description, lang, &caption_lang);
    char date[16] = "";
    if (m->date_created)
        snprintf(date, sizeof date, "%.10s", m->date_created);
    st = site_write_page(b,
                         &(struct site_page){.rel = rel,
                                             .root = root,
                                             .versions = site_story_versions(b, p->story_no),
                                             .same = same,
                                             .title = headline,
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
