/*
 * page_story.c — <slug>/index.html: one story, its cover first, then
 * title, byline, the Markdown body with its photos as figures, the
 * publication credits, a NewsArticle JSON-LD naming every photo, and the
 * full-screen viewer's dialog and script (themes/default/viewer.js).
 *
 * Must never: put a string from the story into the page except through
 * the template engine's escaping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

json_t *site_publications_json(const struct story *s)
{
    json_t *list = json_array();
    for (size_t i = 0; i < s->n_publications; i++) {
        const struct story_publication *p = &s->publications[i];
        json_t *o = json_object();
        site_set_or_null(o, "name", p->name);
        site_set_or_null(o, "title", p->title);
        site_set_or_null(o, "date", p->date);
        site_set_or_null(o, "url", p->url && site_url_is_safe(p->url) ? p->url : NULL);
        site_set_or_null(o, "photo", p->photo);
        json_array_append_new(list, o);
    }
    return list;
}

enum status site_render_story(struct site_build *b, size_t story, json_t *pages, struct diag *d)
{
    const struct story *s = b->stories[story];
    /* a translation's page is in its language (the folder it is in) */
    const char *lang = b->lang ? site_lang_tag(b) : s->lang ? s->lang : b->cfg->language;
    /* a language's pages are one folder down; the photos stay with the
     * story's default page */
    const char *root = b->lang ? "../../" : "../";
    char prefix[TS_LIMIT_PATH] = "";
    if (b->lang)
        snprintf(prefix, sizeof prefix, "%s%s/", root, s->slug);
    json_t *images = site_story_images(b, story);
    struct site_figure_ctx fc = {.b = b,
                                 .story = s,
                                 .story_no = story,
                                 .root = root,
                                 .prefix = prefix,
                                 .photo_prefix = "",
                                 .lang = lang,
                                 .captions = true,
                                 .link_photos = true};
    struct buf cover, body, content;
    buf_init(&cover, TS_LIMIT_PAGE_BYTES);
    buf_init(&body, TS_LIMIT_PAGE_BYTES);
    buf_init(&content, TS_LIMIT_PAGE_BYTES);
    enum status st = ST_OK;
    char *ld = NULL;
    json_t *ctx = NULL;
    /* the cover leads the page, before the title, eagerly loaded */
    const char *cover_file = site_story_cover_file(s);
    if (cover_file) {
        fc.captions = false;
        if ((st = site_figure(&fc, cover_file, NULL, NULL, false, &cover)) != ST_OK)
            goto abort;
        fc.captions = true;
    }
    diag_set_file(d, s->path);
    if ((st = html_markdown(s->body, s->body_len, site_figure, &fc, &body, d)) != ST_OK)
        goto abort;
    char date_human[64];
    site_human_date_in(s->date, lang, date_human, sizeof date_human);
    ctx = json_object();
    site_set_str(ctx, "slug", s->slug);
    site_set_str(ctx, "title", s->title);
    site_set_str(ctx, "subtitle", s->subtitle);
    site_set_str(ctx, "author", b->cfg->author);
    site_set_str(ctx, "date", s->date);
    site_set_str(ctx, "date_human", date_human);
    site_set_str(ctx, "place", s->place);
    site_set_str(ctx, "lang", lang);
    site_set_str(ctx, "root", root);
    /* the full-screen viewer over the figures' links (progressive: without
     * the script a click opens the photo's own page); a story without a
     * photo has nothing to view */
    char viewer[TS_LIMIT_PATH];
    snprintf(viewer, sizeof viewer, "%s%s", root, b->theme.viewer_js_name);
    site_set_str(ctx, "viewer_script", fc.figures ? viewer : NULL);
    if (cover.len)
        json_object_set_new(ctx, "cover", json_string(cover.data));
    json_object_set_new(ctx, "body", json_string(body.data ? body.data : ""));
    json_object_set_new(ctx, "has_publications", json_boolean(s->n_publications > 0));
    json_object_set_new(ctx, "publications", site_publications_json(s));
    if ((st = site_render(b, b->theme.story, ctx, &content, d)) != ST_OK)
        goto abort;

    json_t *article = json_pack("{s:s, s:s, s:s}", "@context", "https://schema.org", "@type",
                                "NewsArticle", "headline", s->title);
    site_set_str(article, "datePublished", s->date);
    site_set_str(article, "description", s->summary);
    if (b->cfg->author)
        json_object_set_new(article, "author",
                            json_pack("{s:s, s:s}", "@type", "Person", "name", b->cfg->author));
    if (json_array_size(images))
        json_object_set(article, "image", images);
    if (strncmp(b->cfg->base_url, "http", 4) == 0) {
        char url[TS_LIMIT_PATH];
        snprintf(url, sizeof url, "%s%s%s/", b->cfg->base_url, site_lang_dir(b), s->slug);
        site_set_str(article, "url", url);
    }
    site_set_str(article, "inLanguage", lang);
    if (s->n_tags) {
        json_t *kw = json_array();
        for (size_t i = 0; i < s->n_tags; i++)
            json_array_append_new(kw, json_string(s->tags[i]));
        json_object_set_new(article, "keywords", kw);
    }
    ld = site_jsonld_text(article);
    json_decref(article);

    char rel[TS_LIMIT_PATH], same[TS_LIMIT_PATH];
    snprintf(same, sizeof same, "%s/", s->slug);
    snprintf(rel, sizeof rel, "%s%s/index.html", site_lang_dir(b), s->slug);
    st = site_write_page(b,
                         &(struct site_page){.rel = rel,
                                             .root = root,
                                             .versions = site_story_versions(b, story),
                                             .same = same,
                                             .title = s->title,
                                             .lang = lang,
                                             .description = site_pick_str(s->summary, s->subtitle),
                                             .content = content.data,
                                             .jsonld = ld,
                                             .article = true,
                                             .published = s->date,
                                             .card = site_story_cover(b, story)},
                         pages, d);
abort:
    json_decref(ctx);
    json_decref(images);
    free(ld);
    buf_free(&cover);
    buf_free(&body);
    buf_free(&content);
    return st;
}
