/*
 * layout.c — wraps a page's content in the theme's layout and writes it
 * (title, language, canonical URL, navigation, JSON-LD, the sharing
 * card), and the small helpers every page's template context is built
 * with.
 *
 * Must never: put a string from a photo or story into a page except
 * through the template engine's escaping (JSON-LD goes through
 * html_escape_json_script, URLs through site_url_is_safe); give a
 * sharing card a relative URL (networks do not resolve them).
 *
 * Spec: The Open Graph protocol (ogp.me), X Cards "summary_large_image".
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

/* og:locale wants language_TERRITORY (ogp.me "Optional metadata"): a
 * tag with a region is converted ("en-GB" → "en_GB"); a bare language
 * takes its most usual territory, and one we do not know says nothing
 * (a wrong locale is worse than none). */
static void og_locale(const char *lang, char *out, size_t outlen)
{
    static const char *const usual[][2] = {
        {"en", "en_US"}, {"ko", "ko_KR"}, {"de", "de_DE"}, {"fr", "fr_FR"}, {"es", "es_ES"},
        {"it", "it_IT"}, {"ja", "ja_JP"}, {"zh", "zh_CN"}, {"pt", "pt_BR"}, {"nl", "nl_NL"},
    };
    out[0] = '\0';
    if (!lang)
        return;
    size_t n = strlen(lang);
    if (n == 5 && lang[2] == '-') {
        snprintf(out, outlen, "%.2s_%c%c", lang, lang[3] & ~0x20, lang[4] & ~0x20);
        return;
    }
    for (size_t i = 0; i < sizeof usual / sizeof usual[0]; i++)
        if (strcmp(lang, usual[i][0]) == 0)
            snprintf(out, outlen, "%s", usual[i][1]);
}

const struct image_output *site_output_card(const struct site_photo *p)
{
    /* JPEG first (every network reads it), else WebP, else anything */
    static const enum image_format order[] = {IMAGE_JPEG, IMAGE_WEBP, IMAGE_AVIF};
    for (size_t f = 0; f < sizeof order / sizeof order[0]; f++) {
        const struct image_output *big = NULL, *fit = NULL;
        for (size_t i = 0; i < p->result.n_outputs; i++) {
            const struct image_output *o = &p->result.outputs[i];
            if (o->format != order[f])
                continue;
            if (!big || o->width > big->width)
                big = o;
            if (o->width >= SITE_CARD_MIN_WIDTH && (!fit || o->width < fit->width))
                fit = o;
        }
        if (fit || big)
            return fit ? fit : big;
    }
    return NULL;
}

bool site_abs_url(const struct site_build *b, const char *rel, char *out, size_t outlen)
{
    const char *base = b->cfg->base_url;
    if (!base || (strncmp(base, "http://", 7) != 0 && strncmp(base, "https://", 8) != 0))
        return false;
    /* rel is ours (slugs, file names); a tag's may hold UTF-8, which a
     * URL carries percent-encoded (RFC 3986 §2.5) */
    size_t o = (size_t)snprintf(out, outlen, "%s", base);
    for (const unsigned char *c = (const unsigned char *)rel; o < outlen && *c; c++) {
        if (*c < 0x80) {
            out[o++] = (char)*c;
        } else if (o + 3 < outlen) {
            snprintf(out + o, 4, "%%%02X", *c);
            o += 3;
        } else {
            return false;
        }
    }
    if (o >= outlen)
        return false;
    out[o] = '\0';
    return true;
}

/* The sharing card (Open Graph, X/Twitter): absolute URLs only, so
 * nothing is said without an absolute base_url but the title and
 * description. */
static void card_fields(struct site_build *b, const struct site_page *pg, const char *lang,
                        const char *canonical, json_t *ctx)
{
    json_t *card = json_object();
    site_set_str(card, "type", pg->article ? "article" : "website");
    site_set_str(card, "title", pg->title ? pg->title : b->cfg->title);
    site_set_str(card, "site_name", b->cfg->title);
    site_set_str(card, "description", pg->description ? pg->description : b->cfg->description);
    site_set_str(card, "url", canonical);
    char locale[16];
    og_locale(lang, locale, sizeof locale);
    site_set_str(card, "locale", locale);
    if (pg->article) {
        site_set_str(card, "published", pg->published);
        site_set_str(card, "author", b->cfg->author);
    }
    const struct site_photo *p = pg->card ? pg->card : b->site_card;
    const struct image_output *o = p && p->status == ST_OK ? site_output_card(p) : NULL;
    char rel[TS_LIMIT_PATH], url[TS_LIMIT_PATH];
    if (o && snprintf(rel, sizeof rel, "%s/%s", p->story_slug, site_base_name(o->path)) > 0 &&
        site_abs_url(b, rel, url, sizeof url)) {
        /* the alt text the story gives the photo, else the photo's own */
        const char *alt = site_photo_alt(
            p, NULL, b->lang ? lang : p->story->lang ? p->story->lang : b->cfg->language);
        json_t *img = json_pack("{s:s, s:i, s:i, s:s}", "url", url, "width", (int)o->width,
                                "height", (int)o->height, "type", image_format_mime(o->format));
        site_set_str(img, "alt", alt);
        json_object_set_new(card, "image", img);
    }
    /* the page's other languages, for og:locale:alternate */
    json_t *alts = json_array();
    for (size_t l = 0; l < b->n_langs; l++) {
        char other[16];
        og_locale(b->langs[l].tag, other, sizeof other);
        if (l != b->lang && (pg->versions & (1u << l)) && other[0] && strcmp(other, locale) != 0)
            json_array_append_new(alts, json_string(other));
    }
    if (json_array_size(alts))
        json_object_set_new(card, "locale_alternates", alts);
    else
        json_decref(alts);
    json_object_set_new(ctx, "card", card);
}

/* The page in its other languages (pg->versions): hreflang alternates
 * in the head (itself included, and x-default: the default language's),
 * and the switcher to each other language. Absolute URLs where
 * base_url is one (what search engines ask for), else from the root. */
static void language_fields(struct site_build *b, const struct site_page *pg, json_t *ctx)
{
    unsigned n = 0;
    for (size_t l = 0; l < b->n_langs; l++)
        n += (pg->versions >> l) & 1u;
    if (n < 2 || !pg->same)
        return;
    json_t *alternates = json_array(), *sw = json_array();
    for (size_t l = 0; l <= b->n_langs; l++) {
        size_t which = l < b->n_langs ? l : 0; /* the last: x-default */
        if (!(pg->versions & (1u << which)))
            continue;
        char rel[TS_LIMIT_PATH], url[TS_LIMIT_PATH];
        snprintf(rel, sizeof rel, "%s%s", b->langs[which].dir, pg->same);
        if (!site_abs_url(b, rel, url, sizeof url))
            snprintf(url, sizeof url, "%s%s", pg->root, rel);
        json_array_append_new(alternates,
                              json_pack("{s:s, s:s}", "hreflang",
                                        l < b->n_langs ? b->langs[which].tag : "x-default",
                                        "href", url));
        if (l < b->n_langs && l != b->lang) {
            snprintf(url, sizeof url, "%s%s", pg->root, rel);
            const char *name =
                json_string_value(json_object_get(b->langs[l].msg, "language_name"));
            json_array_append_new(sw, json_pack("{s:s, s:s, s:s}", "href", url, "hreflang",
                                                b->langs[l].tag, "name",
                                                name ? name : b->langs[l].tag));
        }
    }
    json_object_set_new(ctx, "alternates", alternates);
    json_object_set_new(ctx, "has_switch", json_boolean(json_array_size(sw) > 0));
    json_object_set_new(ctx, "switch", sw);
}

/* Wraps page content in the layout and writes it. */
enum status site_write_page(struct site_build *b, const struct site_page *pg, json_t *pages,
                            struct diag *d)
{
    json_t *ctx = json_object();
    const char *lang = pg->lang ? pg->lang : b->cfg->language;
    char page_title[1024];
    if (pg->title && strcmp(pg->title, b->cfg->title ? b->cfg->title : "") != 0)
        snprintf(page_title, sizeof page_title, "%s — %s", pg->title,
                 b->cfg->title ? b->cfg->title : "");
    else
        snprintf(page_title, sizeof page_title, "%s", b->cfg->title ? b->cfg->title : "");
    site_set_str(ctx, "page_title", page_title);
    site_set_str(ctx, "site_title", b->cfg->title);
    site_set_str(ctx, "lang", lang);
    site_set_str(ctx, "description", pg->description);
    site_set_str(ctx, "root", pg->root);
    char home[TS_LIMIT_PATH];
    snprintf(home, sizeof home, "%s%s", pg->root, site_lang_dir(b));
    site_set_str(ctx, "home", home);
    site_set_str(ctx, "stylesheet", b->theme.css_name);
    site_set_str(ctx, "version", TS_VERSION);
    site_set_str(ctx, "copyright",
                 b->cfg->license.copyright && b->cfg->author ? b->cfg->author : NULL);
    json_object_set_new(ctx, "content", json_string(pg->content ? pg->content : ""));
    if (pg->jsonld)
        json_object_set_new(ctx, "jsonld", json_string(pg->jsonld));
    if (b->lang) {
        /* the navigation's pages are the default language's */
        json_t *nav = json_deep_copy(pages);
        size_t i;
        json_t *item;
        json_array_foreach(nav, i, item)
            site_set_str(item, "text_lang", site_lang_attr(b->cfg->language, lang));
        json_object_set_new(ctx, "nav", nav);
    } else {
        json_object_set(ctx, "nav", pages);
    }
    language_fields(b, pg, ctx);
    char canonical[TS_LIMIT_PATH], dir[TS_LIMIT_PATH];
    const char *slash = strrchr(pg->rel, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - pg->rel + 1) : 0, pg->rel);
    bool absolute = site_abs_url(b, dir, canonical, sizeof canonical);
    if (absolute)
        site_set_str(ctx, "canonical", canonical);
    card_fields(b, pg, lang, absolute ? canonical : NULL, ctx);
    if (absolute) { /* feeds exist only with an absolute base_url (feeds.c) */
        json_t *feeds = json_pack("[{s:s, s:s}]", "dir", site_lang_dir(b), "title",
                                  b->cfg->title ? b->cfg->title : "");
        if (pg->feed_dir && pg->feed_dir[0])
            json_array_append_new(feeds, json_pack("{s:s, s:s}", "dir", pg->feed_dir, "title",
                                                   pg->feed_title ? pg->feed_title : ""));
        json_object_set_new(ctx, "feeds", feeds);
    }
    struct buf out;
    buf_init(&out, TS_LIMIT_PAGE_BYTES);
    enum status st = site_render(b, b->theme.layout, ctx, &out, d);
    json_decref(ctx);
    if (st == ST_OK) {
        char path[TS_LIMIT_PATH];
        if (!path_join(path, sizeof path, b->out_dir, pg->rel))
            st = diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "output path too long");
        else
            st = site_write_if_changed(path, out.data ? out.data : "", out.len, d);
        if (st == ST_OK) {
            b->report->pages++;
            b->report->pages_rendered++;
            site_page_written(b, pg->rel);
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
