/*
 * pages.c — every page of the site from the theme's templates: the
 * index (stories as large covers, newest first), one page per story
 * with its photos as figures, the pages/ folder (about, licensing),
 * 404.html, the stylesheet under a hashed name, and sitemap.xml.
 *
 * Must never: put a string from a photo or story into a page except
 * through the template engine's escaping or html_escape_* (JSON-LD goes
 * through html_escape_json_script, URLs through site_url_is_safe).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "site/internal.h"

struct figure_ctx {
    struct site_build *b;
    const struct story *story;
    const char *root;   /* from the page to the site root: "../" */
    const char *prefix; /* from the page to the story folder: "" or "<slug>/" */
    const char *lang;
    unsigned figures;   /* figures written so far on this page */
    bool captions;
};

static const char *photo_sizes = "(min-width: 112rem) 110rem, calc(100vw - 2rem)";

static const char *first_creator(const struct photo_meta *m)
{
    return m && m->creator.n ? m->creator.items[0] : NULL;
}

static const char *pick_str(const char *a, const char *b)
{
    return a && !str_blank(a) ? a : b;
}

static void set_str(json_t *o, const char *key, const char *value)
{
    if (value && !str_blank(value))
        json_object_set_new(o, key, json_string(value));
}

static void set_url(json_t *o, const char *key, const char *value)
{
    if (value && site_url_is_safe(value))
        json_object_set_new(o, key, json_string(value));
}

/* In a list item, an absent key must be null: Mustache would otherwise
 * look it up in the enclosing context (a publication without a date
 * would show the story's). */
static void set_or_null(json_t *o, const char *key, const char *value)
{
    if (value && !str_blank(value))
        json_object_set_new(o, key, json_string(value));
    else
        json_object_set_new(o, key, json_null());
}

static int by_width(const void *a, const void *b)
{
    const struct image_output *x = *(const struct image_output *const *)a;
    const struct image_output *y = *(const struct image_output *const *)b;
    return (x->width > y->width) - (x->width < y->width);
}

/* "name-480.webp 480w, name-960.webp 960w" for one format. */
static char *srcset(const struct site_photo *p, enum image_format f, const char *prefix,
                    const struct image_output **fallback)
{
    const struct image_output *list[64];
    size_t n = 0;
    for (size_t i = 0; i < p->result.n_outputs && n < 64; i++)
        if (p->result.outputs[i].format == f)
            list[n++] = &p->result.outputs[i];
    if (n == 0)
        return NULL;
    qsort(list, n, sizeof *list, by_width);
    struct buf out;
    buf_init(&out, TS_LIMIT_FIELD_BYTES);
    for (size_t i = 0; i < n; i++) {
        const char *name = strrchr(list[i]->path, '/');
        name = name ? name + 1 : list[i]->path;
        buf_printf(&out, "%s%s%s %uw", i ? ", " : "", prefix, name, list[i]->width);
        /* the <img src> for browsers without srcset: about 1000 px */
        if (fallback && (!*fallback || list[i]->width <= 1000))
            *fallback = list[i];
    }
    return buf_detach(&out, NULL);
}

/* The largest derivative: what contentUrl names. */
static const struct image_output *largest_output(const struct site_photo *p)
{
    const struct image_output *largest = NULL;
    for (size_t i = 0; i < p->result.n_outputs; i++)
        if (!largest || p->result.outputs[i].width > largest->width)
            largest = &p->result.outputs[i];
    return largest;
}

static const struct image_output *smallest_of(const struct site_photo *p, enum image_format f)
{
    const struct image_output *best = NULL;
    for (size_t i = 0; i < p->result.n_outputs; i++) {
        const struct image_output *o = &p->result.outputs[i];
        if (o->format == f && (!best || o->width < best->width))
            best = o;
    }
    return best;
}

/* The thumbnail of the inquiry form: the smallest derivative in a
 * format every browser reads (JPEG, else WebP). */
static const struct image_output *thumbnail_output(const struct site_photo *p)
{
    const struct image_output *o = smallest_of(p, IMAGE_JPEG);
    if (!o)
        o = smallest_of(p, IMAGE_WEBP);
    return o ? o : largest_output(p);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The photo's headline for people: IPTC Headline, else its Title, else
 * the story's title. */
static const char *photo_headline(const struct site_photo *p)
{
    const struct photo_meta *m = p->meta;
    if (m->headline && !str_blank(m->headline))
        return m->headline;
    if (m->title && !str_blank(m->title))
        return m->title;
    return p->story->title;
}

/*
 * schema.org ImageObject of one photo, for Google's "Licensable" badge:
 * contentUrl, creator (a Person), creditText, copyrightNotice, license
 * (the web statement of rights) and acquireLicensePage (the licensor
 * URL: the photographer's own, an override, or the photo's inquiry form;
 * see fill_rights in photos.c). NULL when the photo has no derivative.
 */
static json_t *image_object(const struct site_build *b, const struct site_photo *p)
{
    const struct photo_meta *m = p->meta;
    const struct image_output *largest = largest_output(p);
    if (!largest)
        return NULL;
    char url[TS_LIMIT_PATH];
    int n = snprintf(url, sizeof url, "%s%s/%s", b->cfg->base_url, p->story_slug,
                     base_name(largest->path));
    if (n <= 0 || (size_t)n >= sizeof url)
        return NULL;
    json_t *o = json_pack("{s:s, s:s}", "@type", "ImageObject", "contentUrl", url);
    set_str(o, "name", photo_headline(p));
    set_str(o, "caption", m->description);
    /* the photographer named in the file, else the site's author */
    const char *creator = first_creator(m) ? first_creator(m) : b->cfg->author;
    if (creator && !str_blank(creator))
        json_object_set_new(o, "creator", json_pack("{s:s, s:s}", "@type", "Person", "name", creator));
    set_str(o, "creditText", m->credit_line ? m->credit_line : creator);
    set_str(o, "copyrightNotice", m->copyright_notice);
    set_url(o, "license", m->web_statement);
    set_url(o, "acquireLicensePage", m->licensor_url);
    set_str(o, "dateCreated", m->date_created);
    json_object_set_new(o, "width", json_integer(largest->width));
    json_object_set_new(o, "height", json_integer(largest->height));
    return o;
}

/* ImageObjects of every built photo of one story (cover included, each
 * once), in the plan's order. */
static json_t *story_images(const struct site_build *b, const char *slug)
{
    json_t *list = json_array();
    for (size_t i = 0; i < b->n_photos; i++) {
        const struct site_photo *p = &b->photos[i];
        if (p->status != ST_OK || strcmp(p->story_slug, slug) != 0)
            continue;
        json_t *o = image_object(b, p);
        if (o)
            json_array_append_new(list, o);
    }
    return list;
}

/* Alt text: the Markdown's (for a cover, that of its photo in the story),
 * else the story's `photos:` entry, else the
 * photo's IPTC Alt Text in the page's language; never the caption (a
 * screen reader would read it twice). NULL when there is none. */
static const char *photo_alt(const struct site_photo *p, const char *md_alt, const char *lang)
{
    if (md_alt && !str_blank(md_alt))
        return md_alt;
    /* the cover (and the index's copy of it) is no Markdown image of its
     * own: the alt text written where the story shows that photo */
    for (size_t i = 0; i < p->story->n_photos; i++) {
        const struct story_photo *sp = &p->story->photos[i];
        if (sp->src && sp->alt && !str_blank(sp->alt) && strcmp(sp->src, p->file) == 0)
            return sp->alt;
    }
    const struct story_photo_rights *pr = story_photo_rights_get(p->story, p->file);
    if (pr && pr->alt && !str_blank(pr->alt))
        return pr->alt;
    const char *alt = meta_lang_pick(&p->meta->alt_text_langs, lang);
    if (str_blank(alt))
        alt = p->meta->alt_text;
    return str_blank(alt) ? NULL : alt;
}

static enum status figure_cb(void *ud, const char *src, const char *alt, const char *title,
                             bool inline_image, struct buf *out)
{
    struct figure_ctx *fc = ud;
    struct site_build *b = fc->b;
    const struct site_photo *p = site_photo_find(b, fc->story->slug, src);
    if (!p || p->status != ST_OK)
        return ST_OK; /* reported when the photo failed; the page goes on without it */
    const struct photo_meta *m = p->meta;
    const struct image_output *fb = NULL;
    char *jpeg = srcset(p, IMAGE_JPEG, fc->prefix, &fb);
    char *webp = srcset(p, IMAGE_WEBP, fc->prefix, jpeg ? NULL : &fb);
    char *avif = srcset(p, IMAGE_AVIF, fc->prefix, NULL);
    const char *fb_name = fb ? strrchr(fb->path, '/') : NULL;
    fb_name = fb_name ? fb_name + 1 : "";
    char fallback[TS_LIMIT_PATH];
    snprintf(fallback, sizeof fallback, "%s%s", fc->prefix, fb_name);

    const char *alt_text = photo_alt(p, alt, fc->lang);
    if (!alt_text) {
        site_page_warn(b, "%s: line %u: photo '%s' has no alt text (IPTC Alt Text or ![alt](...))",
                       fc->story->path, p->line, p->file);
        alt_text = m->headline ? m->headline : "";
    }
    const char *caption = meta_lang_pick(&m->description_langs, fc->lang);
    if (str_blank(caption))
        caption = m->description;
    char date_human[64] = "";
    char date_iso[16] = "";
    if (m->date_created) {
        snprintf(date_iso, sizeof date_iso, "%.10s", m->date_created);
        site_human_date(date_iso, date_human, sizeof date_human);
    }
    char place[512] = "";
    snprintf(place, sizeof place, "%s%s%s", m->city ? m->city : "",
             m->city && m->country ? ", " : "", m->country ? m->country : "");
    /* the dominant colour as one of the 64 placeholder classes of the
     * theme (4 levels a channel): no style attribute, so a strict CSP holds */
    char colour[8];
    snprintf(colour, sizeof colour, "ph-%d%d%d", p->result.dominant_rgb[0] / 64,
             p->result.dominant_rgb[1] / 64, p->result.dominant_rgb[2] / 64);
    char license_href[TS_LIMIT_PATH];
    snprintf(license_href, sizeof license_href, "%slicense/%s/%s/", fc->root, fc->story->slug,
             p->id);

    enum status st = ST_OK;
    if (inline_image) {
        st = buf_puts(out, "<img src=\"");
        html_escape_attr(out, fallback, strlen(fallback));
        buf_printf(out, "\" width=\"%u\" height=\"%u\" alt=\"", fb ? fb->width : 0,
                   fb ? fb->height : 0);
        html_escape_attr(out, alt_text, strlen(alt_text));
        buf_puts(out, "\" loading=\"lazy\">");
    } else {
        const struct image_output *largest = largest_output(p);
        json_t *ctx = json_object();
        set_str(ctx, "id", p->id);
        set_str(ctx, "avif", avif);
        set_str(ctx, "webp", webp);
        set_str(ctx, "jpeg", jpeg);
        set_str(ctx, "fallback", fallback);
        set_str(ctx, "sizes", photo_sizes);
        json_object_set_new(ctx, "width", json_integer(largest ? largest->width : 0));
        json_object_set_new(ctx, "height", json_integer(largest ? largest->height : 0));
        json_object_set_new(ctx, "portrait", json_boolean(p->result.height > p->result.width));
        json_object_set_new(ctx, "alt", json_string(alt_text));
        json_object_set_new(ctx, "lazy", json_boolean(fc->figures > 0));
        json_object_set_new(ctx, "show_caption", json_boolean(fc->captions));
        set_str(ctx, "caption", caption);
        set_str(ctx, "title", title);
        set_str(ctx, "credit", m->credit_line ? m->credit_line : first_creator(m));
        set_str(ctx, "copyright", m->copyright_notice);
        set_str(ctx, "date", date_iso);
        set_str(ctx, "date_human", date_human);
        set_str(ctx, "place", place);
        set_str(ctx, "placeholder", colour);
        set_str(ctx, "license_href", license_href);
        char original_href[TS_LIMIT_PATH] = "";
        if (p->original_name[0])
            snprintf(original_href, sizeof original_href, "%s%s", fc->prefix, p->original_name);
        set_str(ctx, "original_href", original_href[0] ? original_href : NULL);
        /* saved under the photographer's own file name, not ours */
        const char *slash = strrchr(p->file, '/');
        set_str(ctx, "original_download", slash ? slash + 1 : p->file);
        if (p->credentials) {
            /* the Content Credentials panel: what the validator said of
             * the published file (and of the original, when it had its own) */
            json_t *cred = json_deep_copy(p->credentials);
            int dw = (int)json_integer_value(json_object_get(cred, "download_width"));
            for (size_t i = 0; i < p->result.n_outputs; i++) {
                const struct image_output *o = &p->result.outputs[i];
                if (o->format == IMAGE_JPEG && (int)o->width == dw) {
                    const char *name = strrchr(o->path, '/');
                    char href[TS_LIMIT_PATH];
                    snprintf(href, sizeof href, "%s%s", fc->prefix, name ? name + 1 : o->path);
                    json_object_set_new(cred, "download", json_string(href));
                }
            }
            char about[TS_LIMIT_PATH];
            snprintf(about, sizeof about, "%scontent-credentials/", fc->root);
            json_object_set_new(cred, "about", json_string(about));
            json_object_set_new(ctx, "credentials", cred);
        } else {
            json_object_set_new(ctx, "credentials", json_null());
        }
        struct diag d;
        diag_clear(&d);
        st = site_render(b, b->theme.figure, ctx, out, &d);
        if (st != ST_OK)
            log_diag(LOG_ERROR, &d);
        json_decref(ctx);
    }
    fc->figures++;
    free(jpeg);
    free(webp);
    free(avif);
    return st;
}

/* Wraps page content in the layout and writes it. */
static enum status write_page(struct site_build *b, const char *rel_path, const char *root,
                              const char *title, const char *lang, const char *description,
                              const char *content, const char *jsonld, json_t *pages,
                              struct diag *d)
{
    json_t *ctx = json_object();
    char page_title[1024];
    if (title && strcmp(title, b->cfg->title ? b->cfg->title : "") != 0)
        snprintf(page_title, sizeof page_title, "%s — %s", title, b->cfg->title ? b->cfg->title : "");
    else
        snprintf(page_title, sizeof page_title, "%s", b->cfg->title ? b->cfg->title : "");
    set_str(ctx, "page_title", page_title);
    set_str(ctx, "site_title", b->cfg->title);
    set_str(ctx, "lang", lang ? lang : b->cfg->language);
    set_str(ctx, "description", description);
    set_str(ctx, "root", root);
    set_str(ctx, "stylesheet", b->theme.css_name);
    set_str(ctx, "version", TS_VERSION);
    set_str(ctx, "copyright", b->cfg->license.copyright && b->cfg->author ? b->cfg->author : NULL);
    json_object_set_new(ctx, "content", json_string(content ? content : ""));
    if (jsonld)
        json_object_set_new(ctx, "jsonld", json_string(jsonld));
    json_object_set(ctx, "nav", pages);
    if (b->cfg->base_url && strncmp(b->cfg->base_url, "http", 4) == 0) {
        char canonical[TS_LIMIT_PATH];
        const char *slash = strrchr(rel_path, '/');
        snprintf(canonical, sizeof canonical, "%s%.*s", b->cfg->base_url,
                 slash ? (int)(slash - rel_path + 1) : 0, rel_path);
        set_str(ctx, "canonical", canonical);
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

static char *jsonld_text(json_t *doc)
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

static json_t *publications(const struct story *s)
{
    json_t *list = json_array();
    for (size_t i = 0; i < s->n_publications; i++) {
        const struct story_publication *p = &s->publications[i];
        json_t *o = json_object();
        set_or_null(o, "name", p->name);
        set_or_null(o, "title", p->title);
        set_or_null(o, "date", p->date);
        set_or_null(o, "url", p->url && site_url_is_safe(p->url) ? p->url : NULL);
        set_or_null(o, "photo", p->photo);
        json_array_append_new(list, o);
    }
    return list;
}

static enum status render_story(struct site_build *b, const struct story *s, json_t *pages,
                                struct diag *d)
{
    const char *lang = s->lang ? s->lang : b->cfg->language;
    json_t *images = story_images(b, s->slug);
    struct figure_ctx fc = {.b = b, .story = s, .root = "../", .prefix = "", .lang = lang,
                            .captions = true};
    struct buf cover, body, content;
    buf_init(&cover, TS_LIMIT_PAGE_BYTES);
    buf_init(&body, TS_LIMIT_PAGE_BYTES);
    buf_init(&content, TS_LIMIT_PAGE_BYTES);
    enum status st = ST_OK;
    char *ld = NULL;
    json_t *ctx = NULL;
    /* the cover leads the page, before the title, eagerly loaded */
    const char *cover_file = s->cover ? s->cover : (s->n_photos ? s->photos[0].src : NULL);
    if (cover_file) {
        fc.captions = false;
        if ((st = figure_cb(&fc, cover_file, NULL, NULL, false, &cover)) != ST_OK)
            goto abort;
        fc.captions = true;
    }
    diag_set_file(d, s->path);
    if ((st = html_markdown(s->body, s->body_len, figure_cb, &fc, &body, d)) != ST_OK)
        goto abort;
    char date_human[64];
    site_human_date(s->date, date_human, sizeof date_human);
    ctx = json_object();
    set_str(ctx, "slug", s->slug);
    set_str(ctx, "title", s->title);
    set_str(ctx, "subtitle", s->subtitle);
    set_str(ctx, "author", b->cfg->author);
    set_str(ctx, "date", s->date);
    set_str(ctx, "date_human", date_human);
    set_str(ctx, "place", s->place);
    set_str(ctx, "lang", lang);
    set_str(ctx, "root", "../");
    if (cover.len)
        json_object_set_new(ctx, "cover", json_string(cover.data));
    json_object_set_new(ctx, "body", json_string(body.data ? body.data : ""));
    json_object_set_new(ctx, "has_publications", json_boolean(s->n_publications > 0));
    json_object_set_new(ctx, "publications", publications(s));
    if ((st = site_render(b, b->theme.story, ctx, &content, d)) != ST_OK)
        goto abort;

    json_t *article = json_pack("{s:s, s:s, s:s}", "@context", "https://schema.org", "@type",
                                "NewsArticle", "headline", s->title);
    set_str(article, "datePublished", s->date);
    set_str(article, "description", s->summary);
    if (b->cfg->author)
        json_object_set_new(article, "author",
                            json_pack("{s:s, s:s}", "@type", "Person", "name", b->cfg->author));
    if (json_array_size(images))
        json_object_set(article, "image", images);
    if (strncmp(b->cfg->base_url, "http", 4) == 0) {
        char url[TS_LIMIT_PATH];
        snprintf(url, sizeof url, "%s%s/", b->cfg->base_url, s->slug);
        set_str(article, "url", url);
    }
    set_str(article, "inLanguage", lang);
    if (s->n_tags) {
        json_t *kw = json_array();
        for (size_t i = 0; i < s->n_tags; i++)
            json_array_append_new(kw, json_string(s->tags[i]));
        json_object_set_new(article, "keywords", kw);
    }
    ld = jsonld_text(article);
    json_decref(article);

    char rel[TS_LIMIT_PATH];
    snprintf(rel, sizeof rel, "%s/index.html", s->slug);
    st = write_page(b, rel, "../", s->title, lang, s->summary, content.data, ld, pages, d);
abort:
    json_decref(ctx);
    json_decref(images);
    free(ld);
    buf_free(&cover);
    buf_free(&body);
    buf_free(&content);
    return st;
}

static int story_newest_first(const void *a, const void *b)
{
    const struct story *x = *(const struct story *const *)a;
    const struct story *y = *(const struct story *const *)b;
    int c = strcmp(y->date ? y->date : "", x->date ? x->date : "");
    return c ? c : strcmp(x->title, y->title);
}

static enum status render_index(struct site_build *b, json_t *pages, struct diag *d)
{
    struct story **sorted = calloc(b->n_stories ? b->n_stories : 1, sizeof *sorted);
    if (!sorted)
        return diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
    memcpy(sorted, b->stories, b->n_stories * sizeof *sorted);
    qsort(sorted, b->n_stories, sizeof *sorted, story_newest_first);
    json_t *list = json_array();
    json_t *covers = json_array(); /* their ImageObjects, for the JSON-LD */
    enum status st = ST_OK;
    char *ld = NULL;
    unsigned figures = 0;
    for (size_t i = 0; i < b->n_stories; i++) {
        const struct story *s = sorted[i];
        json_t *o = json_object();
        char href[600], prefix[600], date_human[64];
        snprintf(href, sizeof href, "%s/", s->slug);
        snprintf(prefix, sizeof prefix, "%s/", s->slug);
        site_human_date(s->date, date_human, sizeof date_human);
        set_or_null(o, "href", href);
        set_or_null(o, "title", s->title);
        set_or_null(o, "subtitle", s->subtitle);
        set_or_null(o, "date", s->date);
        set_or_null(o, "date_human", date_human);
        set_or_null(o, "place", s->place);
        json_object_set_new(o, "cover", json_null());
        const char *cover_file = s->cover ? s->cover : (s->n_photos ? s->photos[0].src : NULL);
        if (cover_file) {
            struct figure_ctx fc = {.b = b, .story = s, .root = "", .prefix = prefix,
                                    .lang = s->lang ? s->lang : b->cfg->language,
                                    .figures = figures, .captions = false};
            struct buf cover;
            buf_init(&cover, TS_LIMIT_PAGE_BYTES);
            figure_cb(&fc, cover_file, NULL, NULL, false, &cover);
            figures = fc.figures;
            const struct site_photo *p = site_photo_find(b, s->slug, cover_file);
            json_t *io = p && p->status == ST_OK ? image_object(b, p) : NULL;
            if (io)
                json_array_append_new(covers, io);
            if (cover.len)
                json_object_set_new(o, "cover", json_string(cover.data));
            buf_free(&cover);
        }
        json_array_append_new(list, o);
    }
    json_t *ctx = json_pack("{s:o, s:s}", "stories", list, "root", "");
    if (json_array_size(covers)) {
        json_t *doc = json_pack("{s:s, s:O}", "@context", "https://schema.org", "@graph", covers);
        ld = jsonld_text(doc);
        json_decref(doc);
    }
    struct buf content;
    buf_init(&content, TS_LIMIT_PAGE_BYTES);
    st = site_render(b, b->theme.index, ctx, &content, d);
    if (st == ST_OK)
        st = write_page(b, "index.html", "", NULL, b->cfg->language, b->cfg->description,
                        content.data, ld, pages, d);
    json_decref(ctx);
    json_decref(covers);
    free(ld);
    buf_free(&content);
    free(sorted);
    return st;
}

/* The licence-inquiry form's own fields, shared by the per-photo form
 * and the general form of the licensing page (the partial
 * inquiry-form.mustache reads them). `root` leads from the page to the
 * site's root, so the form posts to the site's own /api/inquiries even
 * under a path prefix. */
static void form_fields(const struct site_build *b, json_t *ctx, const char *root,
                        const char *photo_id, const char *email)
{
    char action[TS_LIMIT_PATH];
    snprintf(action, sizeof action, "%sapi/inquiries", root);
    json_object_set_new(ctx, "form_action", json_string(action));
    /* the server takes "general" for an inquiry about no one photo */
    json_object_set_new(ctx, "form_photo_id", json_string(photo_id ? photo_id : "general"));
    json_object_set_new(ctx, "form_general", json_boolean(photo_id == NULL));
    set_str(ctx, "form_email", email && strchr(email, '@') ? email : NULL);
    if (b->cfg->proof_of_work > 0) { /* the script finds the answer serve asks for */
        char script[TS_LIMIT_PATH];
        snprintf(script, sizeof script, "%s%s", root, b->theme.pow_js_name);
        json_object_set_new(ctx, "form_pow", json_pack("{s:i, s:s}", "bits",
                                                       b->cfg->proof_of_work, "script", script));
    }
}

/* license/<slug>/<id>/index.html: the photo's inquiry form, pre-filled
 * with its id, and a summary (thumbnail, headline, caption, job id) so
 * the sender sees which picture they ask about. */
static enum status render_form_page(struct site_build *b, const struct site_photo *p,
                                    json_t *pages, struct diag *d)
{
    const struct photo_meta *m = p->meta;
    const struct story *s = p->story;
    const char *root = "../../../";
    const char *lang = s->lang ? s->lang : b->cfg->language;
    const struct story_photo_rights *pr = story_photo_rights_get(s, p->file);
    const char *email = pick_str(pr ? pr->license.licensor_email : NULL,
                                 pick_str(s->license.licensor_email, b->cfg->license.licensor_email));
    char photo_id[600], rel[TS_LIMIT_PATH], thumb[TS_LIMIT_PATH], story_href[TS_LIMIT_PATH];
    const struct image_output *t = thumbnail_output(p);
    int n[4] = {
        snprintf(photo_id, sizeof photo_id, "%s/%s", p->story_slug, p->id),
        snprintf(rel, sizeof rel, "license/%s/%s/index.html", p->story_slug, p->id),
        snprintf(story_href, sizeof story_href, "%s%s/#%s", root, p->story_slug, p->id),
        snprintf(thumb, sizeof thumb, "%s%s/%s", root, p->story_slug, t ? base_name(t->path) : ""),
    };
    if (n[0] < 0 || (size_t)n[0] >= sizeof photo_id || n[1] < 0 || (size_t)n[1] >= sizeof rel ||
        n[2] < 0 || (size_t)n[2] >= sizeof story_href || n[3] < 0 || (size_t)n[3] >= sizeof thumb)
        return diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "%s: licence form path too long",
                        p->src_path);
    const char *caption = meta_lang_pick(&m->description_langs, lang);
    if (str_blank(caption))
        caption = m->description;
    const char *alt = photo_alt(p, NULL, lang);

    json_t *ctx = json_object();
    form_fields(b, ctx, root, photo_id, email);
    set_str(ctx, "root", root);
    set_str(ctx, "photo_id", photo_id);
    set_str(ctx, "headline", photo_headline(p));
    set_str(ctx, "caption", caption);
    set_str(ctx, "job_id", m->job_id);
    set_str(ctx, "credit", m->credit_line ? m->credit_line : first_creator(m));
    set_str(ctx, "copyright", m->copyright_notice);
    set_str(ctx, "usage_terms", m->usage_terms);
    set_str(ctx, "story_title", s->title);
    set_str(ctx, "story_href", story_href);
    set_str(ctx, "thumb", t ? thumb : NULL);
    json_object_set_new(ctx, "thumb_width", json_integer(t ? t->width : 0));
    json_object_set_new(ctx, "thumb_height", json_integer(t ? t->height : 0));
    json_object_set_new(ctx, "thumb_alt", json_string(alt ? alt : ""));
    json_object_set_new(ctx, "lang", json_string(lang));

    char *ld = NULL;
    json_t *io = image_object(b, p);
    if (io) {
        json_object_set_new(io, "@context", json_string("https://schema.org"));
        ld = jsonld_text(io);
        json_decref(io);
    }
    char title[1024];
    snprintf(title, sizeof title, "License: %s", photo_headline(p));
    struct buf content;
    buf_init(&content, TS_LIMIT_PAGE_BYTES);
    enum status st = site_render(b, b->theme.license, ctx, &content, d);
    if (st == ST_OK)
        st = write_page(b, rel, root, title, b->cfg->language, NULL, content.data, ld, pages, d);
    json_decref(ctx);
    buf_free(&content);
    free(ld);
    return st;
}

/* licensing/thanks/index.html: where the server sends a sender after a
 * successful inquiry (303). Static, so it says nothing it cannot know. */
static enum status render_thanks(struct site_build *b, json_t *pages, struct diag *d)
{
    json_t *ctx = json_pack("{s:s}", "root", "../../");
    set_str(ctx, "form_email", b->cfg->license.licensor_email);
    struct buf content;
    buf_init(&content, TS_LIMIT_PAGE_BYTES);
    enum status st = site_render(b, b->theme.thanks, ctx, &content, d);
    if (st == ST_OK)
        st = write_page(b, "licensing/thanks/index.html", "../../", "Inquiry received", NULL,
                        NULL, content.data, NULL, pages, d);
    json_decref(ctx);
    buf_free(&content);
    return st;
}

/* api/photos.json: every photo that can be asked about, for the inquiry
 * server (it accepts a photo_id only from this list and shows the owner
 * its headline). Contract in docs/site.md "Licensing". */
static enum status write_photos_json(struct site_build *b, struct diag *d)
{
    json_t *list = json_array();
    for (size_t i = 0; i < b->n_photos; i++) {
        const struct site_photo *p = &b->photos[i];
        if (p->status != ST_OK)
            continue;
        char id[600], page[600];
        snprintf(id, sizeof id, "%s/%s", p->story_slug, p->id);
        snprintf(page, sizeof page, "%s/#%s", p->story_slug, p->id);
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(id));
        json_object_set_new(o, "headline", json_string(photo_headline(p)));
        json_object_set_new(o, "job_id", p->meta->job_id && !str_blank(p->meta->job_id)
                                             ? json_string(p->meta->job_id)
                                             : json_null());
        json_object_set_new(o, "title", json_string(p->story->title));
        json_object_set_new(o, "page", json_string(page));
        json_array_append_new(list, o);
    }
    json_t *doc = json_pack("{s:o}", "photos", list);
    char *text = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    if (!text)
        return diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
    enum status st = ST_OK;
    char path[TS_LIMIT_PATH];
    if (!path_join(path, sizeof path, b->out_dir, "api/photos.json"))
        st = diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "output path too long");
    else
        st = site_write_if_changed(path, text, strlen(text), d);
    free(text);
    return st;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* pages/NAME.md: with write false, lists their titles in `nav_list`;
 * with write true, renders each as NAME/index.html (failures reported
 * and counted, the other pages still written). */
static void render_pages(struct site_build *b, json_t *nav_list, bool write)
{
    char dir[TS_LIMIT_PATH];
    if (!path_join(dir, sizeof dir, b->opt->site_dir, "pages"))
        return;
    DIR *dh = opendir(dir);
    if (!dh)
        return;
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dh)) && n < 256)
        if (e->d_name[0] != '.' && str_ends_with(e->d_name, ".md"))
            names[n++] = str_dup(e->d_name);
    closedir(dh);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char path[TS_LIMIT_PATH], stem[256], slug[256];
        snprintf(stem, sizeof stem, "%.*s", (int)(strlen(names[i]) - 3), names[i]);
        site_slugify(stem, slug, sizeof slug);
        struct story *s = NULL;
        uint8_t *text = NULL;
        size_t len = 0;
        struct diag pd;
        diag_clear(&pd);
        enum status st = ST_OK;
        if (!path_join(path, sizeof path, dir, names[i]))
            continue;
        st = file_read_all(path, TS_LIMIT_TEXT_BYTES, &text, &len, &pd);
        if (st == ST_OK)
            st = story_parse(path, (const char *)text, len, &s, &pd);
        if (st == ST_OK && !write) {
            char href[300];
            snprintf(href, sizeof href, "%s/", slug);
            json_array_append_new(nav_list, json_pack("{s:s, s:s}", "href", href, "title", s->title));
        } else if (st == ST_OK) {
            struct story fake = *s;
            fake.slug = slug;
            struct figure_ctx fc = {.b = b, .story = &fake, .root = "../", .prefix = "",
                                    .lang = s->lang ? s->lang : b->cfg->language,
                                    .captions = true};
            struct buf body, content;
            buf_init(&body, TS_LIMIT_PAGE_BYTES);
            buf_init(&content, TS_LIMIT_PAGE_BYTES);
            st = html_markdown(s->body, s->body_len, figure_cb, &fc, &body, &pd);
            if (st == ST_OK) {
                json_t *ctx = json_pack("{s:s, s:s, s:s}", "title", s->title, "body",
                                        body.data ? body.data : "", "root", "../");
                set_str(ctx, "lang", s->lang);
                /* the licensing terms end with the general inquiry form */
                if (strcmp(slug, "licensing") == 0) {
                    json_t *form = json_object();
                    form_fields(b, form, "../", NULL, b->cfg->license.licensor_email);
                    json_object_set_new(ctx, "inquiry_form", form);
                }
                st = site_render(b, b->theme.page, ctx, &content, &pd);
                json_decref(ctx);
            }
            char rel[600];
            snprintf(rel, sizeof rel, "%s/index.html", slug);
            if (st == ST_OK)
                st = write_page(b, rel, "../", s->title, s->lang, s->summary, content.data, NULL,
                                nav_list, &pd);
            buf_free(&body);
            buf_free(&content);
        }
        if (st != ST_OK && write) {
            log_diag(LOG_ERROR, &pd);
            b->report->errors++;
        }
        story_free(s);
        free(text);
        free(names[i]);
    }
}

static enum status render_404(struct site_build *b, json_t *pages, struct diag *d)
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
        st = write_page(b, "404.html", root, "Page not found", NULL, NULL, content.data, NULL,
                        pages, d);
    json_decref(ctx);
    buf_free(&content);
    return st;
}

/* content-credentials/index.html: what the mark under each photo means
 * and how to check a file; written when the site signs its photos. */
static enum status render_credentials_page(struct site_build *b, json_t *pages, struct diag *d)
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
        st = write_page(b, "content-credentials/index.html", "../", "Content Credentials", NULL,
                        "How this site proves where its photographs come from.", content.data,
                        NULL, pages, d);
    json_decref(ctx);
    buf_free(&content);
    return st;
}

static enum status write_sitemap(struct site_build *b, json_t *pages, struct diag *d)
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

/* Our derivative names: <id>.<10 hex>-<width>.<ext>, and a published
 * original's: <id>.<10 hex>-original.<ext>. */
static bool is_derivative_name(const char *name)
{
    const char *dot = strchr(name, '.');
    if (!dot)
        return false;
    const char *h = dot + 1;
    for (int i = 0; i < SITE_KEY_SHORT; i++)
        if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
            return false;
    if (h[SITE_KEY_SHORT] != '-')
        return false;
    const char *w = h + SITE_KEY_SHORT + 1;
    if (strncmp(w, "original.", 9) == 0) {
        for (const char *e = w + 9; *e; e++)
            if (!((*e >= 'a' && *e <= 'z') || (*e >= '0' && *e <= '9')))
                return false;
        return w[9] != '\0';
    }
    if (!(*w >= '0' && *w <= '9'))
        return false;
    while (*w >= '0' && *w <= '9')
        w++;
    return strcmp(w, ".jpg") == 0 || strcmp(w, ".webp") == 0 || strcmp(w, ".avif") == 0;
}

/* Removes derivatives of photos that are gone or changed, and old
 * stylesheets: only files whose names we make. */
static void prune(struct site_build *b)
{
    for (size_t s = 0; s < b->n_stories; s++) {
        char dir[TS_LIMIT_PATH];
        if (!path_join(dir, sizeof dir, b->out_dir, b->stories[s]->slug))
            continue;
        DIR *dh = opendir(dir);
        if (!dh)
            continue;
        struct dirent *e;
        while ((e = readdir(dh))) {
            if (!is_derivative_name(e->d_name))
                continue;
            bool keep = false;
            for (size_t i = 0; i < b->n_photos && !keep; i++) {
                const struct site_photo *p = &b->photos[i];
                if (p->status != ST_OK || strcmp(p->story_slug, b->stories[s]->slug) != 0)
                    continue;
                for (size_t k = 0; k < p->result.n_outputs && !keep; k++) {
                    const char *name = strrchr(p->result.outputs[k].path, '/');
                    keep = name && strcmp(name + 1, e->d_name) == 0;
                }
                keep = keep || strcmp(p->original_name, e->d_name) == 0;
            }
            char path[TS_LIMIT_PATH];
            if (!keep && path_join(path, sizeof path, dir, e->d_name))
                unlink(path);
        }
        closedir(dh);
    }
    DIR *dh = opendir(b->out_dir);
    if (dh) {
        struct dirent *e;
        while ((e = readdir(dh))) {
            /* an older build's stylesheet or form script (names we make) */
            bool old_css = strncmp(e->d_name, "style.", 6) == 0 &&
                           str_ends_with(e->d_name, ".css") &&
                           strlen(e->d_name) == 6 + SITE_KEY_SHORT + 4 &&
                           strcmp(e->d_name, b->theme.css_name) != 0;
            bool old_js = strncmp(e->d_name, "pow.", 4) == 0 && str_ends_with(e->d_name, ".js") &&
                          strlen(e->d_name) == 4 + SITE_KEY_SHORT + 3 &&
                          (b->cfg->proof_of_work <= 0 ||
                           strcmp(e->d_name, b->theme.pow_js_name) != 0);
            if (old_css || old_js) {
                char path[TS_LIMIT_PATH];
                if (path_join(path, sizeof path, b->out_dir, e->d_name))
                    unlink(path);
            }
        }
        closedir(dh);
    }
}

/*
 * Fingerprints of what a story page and a licence form page are made
 * from, so an unchanged one is not rendered again (manifest.c). `g`
 * covers the whole site: the binary, site.yaml, the theme, the
 * derivative settings and the navigation. Per story: the bytes of its
 * story.md as parsed. Per photo: its key (content, settings, rights),
 * id, file and status, and what its page shows of the derivatives and
 * credentials (taken from the cache entry of that key). A photo's
 * metadata is a function of its content and the settings (the reader
 * is part of the binary) plus the rights defaults from story.md and
 * site.yaml, so the key and the hashes above cover it.
 */
static void photo_inputs(struct buf *h, const struct site_photo *p)
{
    buf_printf(h, "photo %s %s %d %s %u %u %u.%u.%u\n", p->id, p->file, (int)p->status, p->key,
               p->result.width, p->result.height, p->result.dominant_rgb[0],
               p->result.dominant_rgb[1], p->result.dominant_rgb[2]);
    for (size_t i = 0; p->status == ST_OK && i < p->result.n_outputs; i++) {
        const struct image_output *o = &p->result.outputs[i];
        buf_printf(h, "out %d %u %u %s\n", (int)o->format, o->width, o->height, base_name(o->path));
    }
    if (p->credentials) {
        char *text = json_dumps(p->credentials, JSON_COMPACT | JSON_SORT_KEYS);
        buf_printf(h, "credentials %s\n", text ? text : "?");
        free(text);
    }
}

static void story_fingerprint(const struct site_build *b, const char *g, size_t story,
                              size_t first_photo, char out[65])
{
    const struct story *s = b->stories[story];
    struct buf h;
    buf_init(&h, TS_LIMIT_PAGE_BYTES * 4);
    buf_printf(&h, "story %s %s %s\n", g, s->slug, b->story_sha[story]);
    for (size_t i = first_photo; i < b->n_photos && b->photos[i].story == s; i++)
        photo_inputs(&h, &b->photos[i]);
    site_sha256_hex(h.data ? h.data : "", h.len, out);
    buf_free(&h);
}

static void form_fingerprint(const struct site_build *b, const char *g, size_t story,
                             const struct site_photo *p, char out[65])
{
    struct buf h;
    buf_init(&h, TS_LIMIT_PAGE_BYTES);
    buf_printf(&h, "form %s %s %s\n", g, p->story_slug, b->story_sha[story]);
    photo_inputs(&h, p);
    site_sha256_hex(h.data ? h.data : "", h.len, out);
    buf_free(&h);
}

/* The fingerprint of a site-wide page: its name, `g`, and `extra` (the
 * index: the fingerprints of every story page, for its covers). */
static void site_page_fingerprint(const char *rel, const char *g, const char *extra,
                                  char out[65])
{
    struct buf h;
    buf_init(&h, TS_LIMIT_PAGE_BYTES * 4);
    buf_printf(&h, "page %s %s %s\n", rel, g, extra ? extra : "");
    site_sha256_hex(h.data ? h.data : "", h.len, out);
    buf_free(&h);
}

enum status site_pages_write(struct site_build *b, struct diag *d)
{
    json_t *pages = json_array();
    enum status st;
    char g[65], fp[65];
    struct buf all; /* every story page's fingerprint, for the index */
    buf_init(&all, (b->n_stories + 1) * 66);
    render_pages(b, pages, false);
    {
        char *nav = json_dumps(pages, JSON_COMPACT);
        struct buf h;
        buf_init(&h, TS_LIMIT_PAGE_BYTES * 4);
        buf_printf(&h, "site %s %s %s\n", b->inputs_fp, b->settings_fingerprint, nav ? nav : "?");
        site_sha256_hex(h.data ? h.data : "", h.len, g);
        buf_free(&h);
        free(nav);
    }
    char css_path[TS_LIMIT_PATH];
    if (!path_join(css_path, sizeof css_path, b->out_dir, b->theme.css_name)) {
        st = diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "output path too long");
        goto abort;
    }
    if ((st = site_write_if_changed(css_path, b->theme.css, b->theme.css_len, d)) != ST_OK)
        goto abort;
    if (b->cfg->proof_of_work > 0) {
        char js_path[TS_LIMIT_PATH];
        if (!path_join(js_path, sizeof js_path, b->out_dir, b->theme.pow_js_name)) {
            st = diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "output path too long");
            goto abort;
        }
        if ((st = site_write_if_changed(js_path, b->theme.pow_js, b->theme.pow_js_len, d)) != ST_OK)
            goto abort;
    }
    /* the plan holds each story's photos together, in story order */
    size_t first = 0;
    for (size_t i = 0; i < b->n_stories; i++) {
        struct diag sd;
        diag_clear(&sd);
        char rel[TS_LIMIT_PATH];
        story_fingerprint(b, g, i, first, fp);
        buf_printf(&all, "%s\n", fp);
        while (first < b->n_photos && b->photos[first].story == b->stories[i])
            first++;
        snprintf(rel, sizeof rel, "%s/index.html", b->stories[i]->slug);
        if (site_page_fresh(b, rel, fp))
            continue;
        site_page_begin(b, fp);
        if (render_story(b, b->stories[i], pages, &sd) != ST_OK) {
            log_diag(LOG_ERROR, &sd);
            b->report->errors++;
            site_page_failed(b, rel);
        }
    }
    /* each site-wide page: skipped when fresh, else rendered under its
     * fingerprint (a failure stops the build, as before) */
    site_page_fingerprint("index.html", g, all.data, fp);
    if (!site_page_fresh(b, "index.html", fp)) {
        site_page_begin(b, fp);
        if ((st = render_index(b, pages, d)) != ST_OK)
            goto abort;
    }
    site_page_begin(b, NULL);
    render_pages(b, pages, true); /* each page's failure is reported and counted */
    site_page_fingerprint("404.html", g, NULL, fp);
    if (!site_page_fresh(b, "404.html", fp)) {
        site_page_begin(b, fp);
        if ((st = render_404(b, pages, d)) != ST_OK)
            goto abort;
    }
    /* it says whether any photo's credentials are trusted */
    site_page_fingerprint("content-credentials/index.html", g, all.data, fp);
    if (!site_page_fresh(b, "content-credentials/index.html", fp)) {
        site_page_begin(b, fp);
        if ((st = render_credentials_page(b, pages, d)) != ST_OK)
            goto abort;
    }
    for (size_t i = 0, story = 0; i < b->n_photos; i++) {
        struct site_photo *p = &b->photos[i];
        struct diag fd;
        diag_clear(&fd);
        char rel[TS_LIMIT_PATH];
        while (story < b->n_stories && b->stories[story] != p->story)
            story++;
        if (p->status != ST_OK || story == b->n_stories)
            continue;
        form_fingerprint(b, g, story, p, fp);
        snprintf(rel, sizeof rel, "license/%s/%s/index.html", p->story_slug, p->id);
        if (site_page_fresh(b, rel, fp))
            continue;
        site_page_begin(b, fp);
        if (render_form_page(b, p, pages, &fd) != ST_OK) {
            log_diag(LOG_ERROR, &fd);
            b->report->errors++;
            site_page_failed(b, rel);
        }
    }
    site_page_fingerprint("licensing/thanks/index.html", g, NULL, fp);
    if (!site_page_fresh(b, "licensing/thanks/index.html", fp)) {
        site_page_begin(b, fp);
        if ((st = render_thanks(b, pages, d)) != ST_OK)
            goto abort;
    }
    site_page_begin(b, NULL);
    if ((st = write_photos_json(b, d)) != ST_OK)
        goto abort;
    if ((st = write_sitemap(b, pages, d)) != ST_OK)
        goto abort;
    prune(b);
    site_manifest_finish(b);
abort:
    site_page_begin(b, NULL);
    buf_free(&all);
    json_decref(pages);
    return st;
}
