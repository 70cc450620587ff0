/*
 * page_license.c — license/<slug>/<id>/index.html, the licence-inquiry
 * form of one photo (static, works without JavaScript, posts to the
 * inquiry server), and licensing/thanks/, where the server sends a
 * sender afterwards. docs/site.md "Licensing" is the contract.
 *
 * Must never: put a string from a photo into the page except through
 * the template engine's escaping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

/* The licence-inquiry form's own fields, shared by the per-photo form
 * and the general form of the licensing page (the partial
 * inquiry-form.mustache reads them). `root` leads from the page to the
 * site's root, so the form posts to the site's own /api/inquiries even
 * under a path prefix. */
void site_form_fields(const struct site_build *b, json_t *ctx, const char *root,
                      const char *photo_id, const char *email)
{
    char action[TS_LIMIT_PATH];
    snprintf(action, sizeof action, "%sapi/inquiries", root);
    json_object_set_new(ctx, "form_action", json_string(action));
    /* the server takes "general" for an inquiry about no one photo */
    json_object_set_new(ctx, "form_photo_id", json_string(photo_id ? photo_id : "general"));
    json_object_set_new(ctx, "form_general", json_boolean(photo_id == NULL));
    site_set_str(ctx, "form_email", email && strchr(email, '@') ? email : NULL);
    if (b->cfg->proof_of_work > 0) { /* the script finds the answer serve asks for */
        char script[TS_LIMIT_PATH];
        snprintf(script, sizeof script, "%s%s", root, b->theme.pow_js_name);
        json_object_set_new(
            ctx, "form_pow",
            json_pack("{s:i, s:s}", "bits", b->cfg->proof_of_work, "script", script));
    }
}

/* license/<slug>/<id>/index.html: the photo's inquiry form, pre-filled
 * with its id, and a summary (thumbnail, headline, caption, job id) so
 * the sender sees which picture they ask about. */
enum status site_render_license_form(struct site_build *b, const struct site_photo *p,
                                     json_t *pages, struct diag *d)
{
    const struct photo_meta *m = p->meta;
    const struct story *s = p->story;
    const char *root = "../../../";
    const char *lang = s->lang ? s->lang : b->cfg->language;
    const struct story_photo_rights *pr = story_photo_rights_get(s, p->file);
    const char *email =
        site_pick_str(pr ? pr->license.licensor_email : NULL,
                      site_pick_str(s->license.licensor_email, b->cfg->license.licensor_email));
    char photo_id[600], rel[TS_LIMIT_PATH], thumb[TS_LIMIT_PATH], story_href[TS_LIMIT_PATH];
    const struct image_output *t = site_output_thumbnail(p);
    int n[4] = {
        snprintf(photo_id, sizeof photo_id, "%s/%s", p->story_slug, p->id),
        snprintf(rel, sizeof rel, "license/%s/%s/index.html", p->story_slug, p->id),
        snprintf(story_href, sizeof story_href, "%s%s/#%s", root, p->story_slug, p->id),
        snprintf(thumb, sizeof thumb, "%s%s/%s", root, p->story_slug,
                 t ? site_base_name(t->path) : ""),
    };
    if (n[0] < 0 || (size_t)n[0] >= sizeof photo_id || n[1] < 0 || (size_t)n[1] >= sizeof rel ||
        n[2] < 0 || (size_t)n[2] >= sizeof story_href || n[3] < 0 || (size_t)n[3] >= sizeof thumb)
        return diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "%s: licence form path too long",
                        p->src_path);
    const char *caption = meta_lang_pick(&m->description_langs, lang);
    if (str_blank(caption))
        caption = m->description;
    const char *alt = site_photo_alt(p, NULL, lang);

    json_t *ctx = json_object();
    site_form_fields(b, ctx, root, photo_id, email);
    site_set_str(ctx, "root", root);
    site_set_str(ctx, "photo_id", photo_id);
    site_set_str(ctx, "headline", site_photo_headline(p));
    site_set_str(ctx, "caption", caption);
    site_set_str(ctx, "job_id", m->job_id);
    site_set_str(ctx, "credit", m->credit_line ? m->credit_line : site_photo_creator(m));
    site_set_str(ctx, "copyright", m->copyright_notice);
    site_set_str(ctx, "usage_terms", m->usage_terms);
    site_set_str(ctx, "story_title", s->title);
    site_set_str(ctx, "story_href", story_href);
    site_set_str(ctx, "thumb", t ? thumb : NULL);
    json_object_set_new(ctx, "thumb_width", json_integer(t ? t->width : 0));
    json_object_set_new(ctx, "thumb_height", json_integer(t ? t->height : 0));
    json_object_set_new(ctx, "thumb_alt", json_string(alt ? alt : ""));
    json_object_set_new(ctx, "lang", json_string(lang));

    char *ld = NULL;
    json_t *io = site_image_object(b, p);
    if (io) {
        json_object_set_new(io, "@context", json_string("https://schema.org"));
        ld = site_jsonld_text(io);
        json_decref(io);
    }
    char title[1024];
    snprintf(title, sizeof title, "License: %s", site_photo_headline(p));
    struct buf content;
    buf_init(&content, TS_LIMIT_PAGE_BYTES);
    enum status st = site_render(b, b->theme.license, ctx, &content, d);
    if (st == ST_OK)
        st = site_write_page(b,
                             &(struct site_page){.rel = rel,
                                                 .root = root,
                                                 .title = title,
                                                 .content = content.data,
                                                 .jsonld = ld,
                                                 .card = p},
                             pages, d);
    json_decref(ctx);
    buf_free(&content);
    free(ld);
    return st;
}

/* licensing/thanks/index.html: where the server sends a sender after a
 * successful inquiry (303). Static, so it says nothing it cannot know. */
enum status site_render_thanks(struct site_build *b, json_t *pages, struct diag *d)
{
    json_t *ctx = json_pack("{s:s}", "root", "../../");
    site_set_str(ctx, "form_email", b->cfg->license.licensor_email);
    struct buf content;
    buf_init(&content, TS_LIMIT_PAGE_BYTES);
    enum status st = site_render(b, b->theme.thanks, ctx, &content, d);
    if (st == ST_OK)
        st = site_write_page(b,
                             &(struct site_page){.rel = "licensing/thanks/index.html",
                                                 .root = "../../",
                                                 .title = "Inquiry received",
                                                 .content = content.data},
                             pages, d);
    json_decref(ctx);
    buf_free(&content);
    return st;
}
