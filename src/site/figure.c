/*
 * figure.c — a photo as the page shows it: `![](kim-01.jpg)` in Markdown
 * becomes a <figure> with <picture> sources and srcset of its
 * derivatives, width and height, alt text, the caption, credit, date and
 * place from the photo's own metadata, the Content Credentials panel and
 * "License this photo"; and the facts about a photo the other pages
 * share (its headline, alt text, creator, largest and smallest files).
 *
 * Must never: use the caption as alt text (a screen reader would read
 * it twice), or write a string from the photo except through the
 * template engine or html_escape_*.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

/* The `sizes` of a story's photo: the theme's column (--wide), but never
 * wider than the largest derivative. With `w` descriptors the browser
 * takes this width as the image's natural width, so with the theme's
 * `width: auto` a 120 px photo is drawn 120 px wide, not stretched to
 * the column. */
static void photo_sizes(const char *layout, unsigned largest, char *out, size_t outlen)
{
    if (layout)
        snprintf(out, outlen, "min(%s, %upx)", layout, largest);
    else
        snprintf(out, outlen, "(min-width: 112rem) min(110rem, %upx), min(calc(100vw - 2rem), %upx)",
                 largest, largest);
}

unsigned site_width_reached(const unsigned *widths, size_t n, unsigned width, unsigned *site_max)
{
    unsigned reached = 0, max = 0;
    for (size_t i = 0; i < n; i++) {
        if (widths[i] > max)
            max = widths[i];
        if (widths[i] <= width && widths[i] > reached)
            reached = widths[i];
    }
    *site_max = max;
    /* narrower than every width: one derivative at its own width (image.c) */
    return reached ? reached : width;
}

void site_small_original_text(unsigned width, unsigned reached, unsigned site_max, char *out,
                              size_t outlen)
{
    snprintf(out, outlen,
             "the original is %u px wide, narrower than the site's largest width (%u px): its "
             "largest derivative is %u px wide, and the pages never draw it wider (a larger "
             "original shows sharp on large screens)",
             width, site_max, reached);
}

const char *site_photo_creator(const struct photo_meta *m)
{
    return m && m->creator.n ? m->creator.items[0] : NULL;
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
const struct image_output *site_output_largest(const struct site_photo *p)
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
const struct image_output *site_output_thumbnail(const struct site_photo *p)
{
    const struct image_output *o = smallest_of(p, IMAGE_JPEG);
    if (!o)
        o = smallest_of(p, IMAGE_WEBP);
    return o ? o : site_output_largest(p);
}

const char *site_story_cover_file(const struct story *s)
{
    return s->cover ? s->cover : (s->n_photos ? s->photos[0].src : NULL);
}

const struct site_photo *site_story_cover(const struct site_build *b, size_t story)
{
    const char *file = site_story_cover_file(b->stories[story]);
    const struct site_photo *p = file ? site_photo_find(b, story, file) : NULL;
    return p && p->status == ST_OK ? p : NULL;
}

const char *site_base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* The photo's headline for people: IPTC Headline, else its Title, else
 * the story's title. */
const char *site_photo_headline(const struct site_photo *p)
{
    const struct photo_meta *m = p->meta;
    if (m->headline && !str_blank(m->headline))
        return m->headline;
    if (m->title && !str_blank(m->title))
        return m->title;
    return p->story->title;
}

/* Alt text: the Markdown's (for a cover, that of its photo in the story),
 * else the story's `photos:` entry, else the
 * photo's IPTC Alt Text in the page's language; never the caption (a
 * screen reader would read it twice). NULL when there is none. */
/* In a language other than the site's default, a Title written in it
 * comes first: IPTC Headline has no languages, so it is the default's. */
const char *site_photo_headline_in(const struct site_build *b, const struct site_photo *p,
                                   const char *lang, const char **text_lang)
{
    const char *picked = NULL;
    const char *t = meta_lang_pick_tag(&p->meta->title_langs, lang, &picked);
    *text_lang = b->cfg->language;
    if (!site_lang_attr(lang, b->cfg->language) || !picked || str_blank(t) ||
        site_lang_attr(picked, lang)) {
        const char *h = site_photo_headline(p);
        /* the story's title when the photo has neither */
        if (h == p->story->title)
            *text_lang = lang;
        return h;
    }
    *text_lang = picked;
    return t;
}

const char *site_photo_alt(const struct site_photo *p, const char *md_alt, const char *lang)
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

/* The first level of the Content Credentials panel, what the pin over
 * the photo opens (C2PA UX Recommendations §5.1, minimum viable
 * provenance; docs/site.md "The credentials pin"): the signer, the
 * claim generator and the date of the published file's manifest, else
 * of the original's; JSON null (no pin) when neither has one. `more`
 * names the full panel: in this figure's caption, else on the photo's
 * own page. The words are `tearsheet verify`'s: CN, then O when it
 * differs. */
static json_t *pin_of(const json_t *cred, const char *id, bool captions, const json_t *ctx)
{
    const json_t *m = json_object_get(cred, "signed");
    if (!json_is_object(m))
        m = json_object_get(cred, "original");
    if (!json_is_object(m))
        return json_null();
    const char *cn = json_string_value(json_object_get(m, "signer"));
    const char *org = json_string_value(json_object_get(m, "organisation"));
    const char *photo_href = json_string_value(json_object_get(ctx, "photo_href"));
    struct buf signer;
    buf_init(&signer, TS_LIMIT_FIELD_BYTES);
    if (cn && org && strcmp(cn, org) != 0)
        buf_printf(&signer, "%s (%s)", cn, org);
    else if (cn || org)
        buf_puts(&signer, cn ? cn : org);
    char more[TS_LIMIT_PATH];
    snprintf(more, sizeof more, "%s#%s-credentials", captions || !photo_href ? "" : photo_href, id);
    json_t *pin = json_object();
    site_set_str(pin, "signer", signer.len ? signer.data : NULL);
    buf_free(&signer);
    json_object_set(pin, "generator", json_object_get(m, "generator"));
    json_object_set(pin, "when", json_object_get(m, "when"));
    /* no time-stamp and no signing time in the signature: said, not hidden */
    json_object_set_new(pin, "dated", json_boolean(json_is_string(json_object_get(m, "when"))));
    json_object_set(pin, "invalid", json_object_get(m, "invalid"));
    site_set_str(pin, "more", more);
    return pin;
}

enum status site_figure(void *ud, const char *src, const char *alt, const char *title,
                        bool inline_image, struct buf *out)
{
    struct site_figure_ctx *fc = ud;
    struct site_build *b = fc->b;
    const struct site_photo *p = site_photo_find(b, fc->story_no, src);
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

    /* text from the story is in the page's language; a photo's may not be */
    const char *alt_lang = fc->lang, *caption_lang = fc->lang;
    const char *alt_text = site_photo_alt(p, alt, fc->lang);
    if (alt_text && alt_text == meta_lang_pick(&m->alt_text_langs, fc->lang))
        site_photo_text(b, &m->alt_text_langs, m->alt_text, fc->lang, &alt_lang);
    else if (alt_text && alt_text == m->alt_text)
        alt_lang = b->cfg->language;
    if (!alt_text) {
        if (!fc->quiet)
            site_page_warn(b,
                           "%s: line %u: photo '%s' has no alt text (IPTC Alt Text or ![alt](...))",
                           fc->story->path, p->line, p->file);
        alt_text = m->headline ? m->headline : "";
        alt_lang = b->cfg->language;
    }
    const char *caption =
        site_photo_text(b, &m->description_langs, m->description, fc->lang, &caption_lang);
    char date_human[64] = "";
    char date_iso[16] = "";
    if (m->date_created) {
        snprintf(date_iso, sizeof date_iso, "%.10s", m->date_created);
        site_human_date_in(date_iso, fc->lang, date_human, sizeof date_human);
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
        const char *al = site_lang_attr(alt_lang, fc->lang);
        if (al) {
            buf_puts(out, "\" lang=\"");
            html_escape_attr(out, al, strlen(al));
        }
        buf_puts(out, "\" loading=\"lazy\">");
    } else {
        const struct image_output *largest = site_output_largest(p);
        unsigned site_max = 0;
        site_width_reached(b->image.widths, b->image.n_widths, p->result.width, &site_max);
        if (!fc->quiet && largest && p->result.width < site_max) {
            char why[512];
            site_small_original_text(p->result.width, largest->width, site_max, why, sizeof why);
            site_page_warn(b, "%s: %s", p->src_path, why);
        }
        char sizes[256];
        photo_sizes(fc->sizes, largest ? largest->width : 0, sizes, sizeof sizes);
        json_t *ctx = json_object();
        site_set_str(ctx, "id", p->id);
        site_set_str(ctx, "avif", avif);
        site_set_str(ctx, "webp", webp);
        site_set_str(ctx, "jpeg", jpeg);
        site_set_str(ctx, "fallback", fallback);
        site_set_str(ctx, "sizes", sizes);
        if (fc->link_photos) { /* without JavaScript, a click opens the photo's page */
            char photo_href[TS_LIMIT_PATH];
            snprintf(photo_href, sizeof photo_href, "%s%s/",
                     fc->photo_prefix ? fc->photo_prefix : fc->prefix, p->id);
            site_set_str(ctx, "photo_href", photo_href);
        }
        json_object_set_new(ctx, "width", json_integer(largest ? largest->width : 0));
        json_object_set_new(ctx, "height", json_integer(largest ? largest->height : 0));
        json_object_set_new(ctx, "portrait", json_boolean(p->result.height > p->result.width));
        json_object_set_new(ctx, "alt", json_string(alt_text));
        site_set_str(ctx, "alt_lang", site_lang_attr(alt_lang, fc->lang));
        site_set_str(ctx, "caption_lang", caption ? site_lang_attr(caption_lang, fc->lang) : NULL);
        json_object_set_new(ctx, "lazy", json_boolean(fc->figures > 0));
        json_object_set_new(ctx, "show_caption", json_boolean(fc->captions));
        site_set_str(ctx, "caption", caption);
        site_set_str(ctx, "title", title);
        site_set_str(ctx, "credit", m->credit_line ? m->credit_line : site_photo_creator(m));
        const char *copyright_lang;
        const char *copyright = site_photo_text(b, &m->rights_langs, m->copyright_notice,
                                                fc->lang, &copyright_lang);
        site_set_str(ctx, "copyright", copyright);
        site_set_str(ctx, "copyright_lang", site_lang_attr(copyright_lang, fc->lang));
        site_set_str(ctx, "date", date_iso);
        site_set_str(ctx, "date_human", date_human);
        site_set_str(ctx, "place", place);
        /* IPTC city and country have no languages: the photographer's */
        site_set_str(ctx, "place_lang", place[0] ? site_lang_attr(b->cfg->language, fc->lang) : NULL);
        site_set_str(ctx, "placeholder", colour);
        site_set_str(ctx, "license_href", license_href);
        char original_href[TS_LIMIT_PATH] = "";
        if (p->original_name)
            snprintf(original_href, sizeof original_href, "%s%s", fc->prefix, p->original_name);
        site_set_str(ctx, "original_href", original_href[0] ? original_href : NULL);
        /* saved under the photographer's own file name, not ours */
        const char *slash = strrchr(p->file, '/');
        site_set_str(ctx, "original_download", slash ? slash + 1 : p->file);
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
            if (!fc->no_pin && (fc->captions || fc->link_photos))
                json_object_set_new(ctx, "pin", pin_of(cred, p->id, fc->captions, ctx));
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
