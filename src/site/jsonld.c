/*
 * jsonld.c — schema.org ImageObject of a photo, the licensable-image
 * fields Google reads (contentUrl, license, acquireLicensePage,
 * creditText, copyrightNotice, creator), for the JSON-LD of every page
 * that shows the photo.
 *
 * Must never: name a URL that site_url_is_safe refuses.
 *
 * Spec: schema.org ImageObject; Google Search Central "Image license
 * metadata".
 */
#include <stdio.h>
#include <string.h>

#include "site/internal.h"

/*
 * schema.org ImageObject of one photo, for Google's "Licensable" badge:
 * contentUrl, creator (a Person), creditText, copyrightNotice, license
 * (the web statement of rights) and acquireLicensePage (the licensor
 * URL: the photographer's own, an override, or the photo's inquiry form;
 * see fill_rights in photos.c). NULL when the photo has no derivative.
 */
json_t *site_image_object(const struct site_build *b, const struct site_photo *p)
{
    const struct photo_meta *m = p->meta;
    const struct image_output *largest = site_output_largest(p);
    if (!largest)
        return NULL;
    char url[TS_LIMIT_PATH];
    int n = snprintf(url, sizeof url, "%s%s/%s", b->cfg->base_url, p->story_slug,
                     site_base_name(largest->path));
    if (n <= 0 || (size_t)n >= sizeof url)
        return NULL;
    json_t *o = json_pack("{s:s, s:s}", "@type", "ImageObject", "contentUrl", url);
    if (b->lang) {
        /* a page in another language than the default: its headline
         * and caption, and which language the caption is in */
        const char *tag = site_lang_tag(b), *name_lang, *caption_lang;
        site_set_str(o, "name", site_photo_headline_in(b, p, tag, &name_lang));
        const char *caption =
            site_photo_text(b, &m->description_langs, m->description, tag, &caption_lang);
        site_set_str(o, "caption", caption);
        site_set_str(o, "inLanguage", caption ? caption_lang : NULL);
    } else {
        site_set_str(o, "name", site_photo_headline(p));
        site_set_str(o, "caption", m->description);
    }
    /* the photographer named in the file, else the site's author */
    const char *creator = site_photo_creator(m) ? site_photo_creator(m) : b->cfg->author;
    if (creator && !str_blank(creator))
        json_object_set_new(o, "creator",
                            json_pack("{s:s, s:s}", "@type", "Person", "name", creator));
    site_set_str(o, "creditText", m->credit_line ? m->credit_line : creator);
    site_set_str(o, "copyrightNotice", m->copyright_notice);
    site_set_url(o, "license", m->web_statement);
    site_set_url(o, "acquireLicensePage", m->licensor_url);
    site_set_str(o, "dateCreated", m->date_created);
    json_object_set_new(o, "width", json_integer(largest->width));
    json_object_set_new(o, "height", json_integer(largest->height));
    return o;
}

/* ImageObjects of every built photo of one story (cover included, each
 * once), in the plan's order. */
json_t *site_story_images(const struct site_build *b, size_t story)
{
    json_t *list = json_array();
    for (size_t i = b->story_first[story]; i < b->story_first[story + 1]; i++) {
        const struct site_photo *p = &b->photos[i];
        if (p->status != ST_OK)
            continue;
        json_t *o = site_image_object(b, p);
        if (o)
            json_array_append_new(list, o);
    }
    return list;
}
