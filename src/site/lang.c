/*
 * lang.c — a site in several languages (site.yaml `languages: [en, ko]`,
 * docs/site.md "Languages"): the default language's pages at the root,
 * each other language's under /<tag>/ for the stories told in it
 * (story.<tag>.md); which text of a photo a page in a language shows,
 * and the lang attribute of text in another language than its page.
 *
 * Must never: change a site without `languages:` (one language, as
 * before), or leave the translations swapped in after a language's
 * pages (site_lang_swap is its own inverse).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "site/internal.h"

void site_langs_init(struct site_build *b)
{
    if (b->n_langs)
        return;
    const struct story_site *c = b->cfg;
    size_t n = c->n_languages ? c->n_languages : 1;
    for (size_t l = 0; l < n; l++) {
        struct site_lang *lg = &b->langs[l];
        lg->tag = c->n_languages ? c->languages[l] : c->language;
        /* a tag is letters, digits and '-' (story_get_lang): a folder name */
        if (l)
            snprintf(lg->dir, sizeof lg->dir, "%s/", lg->tag);
    }
    b->n_langs = n;
    b->lang = 0;
}

void site_langs_free(struct site_build *b)
{
    for (size_t l = 0; l < b->n_langs; l++) {
        struct site_lang *lg = &b->langs[l];
        json_decref(lg->msg);
        lg->msg = NULL;
        if (l == 0)
            continue;
        for (size_t i = 0; lg->stories && i < b->n_stories; i++)
            story_free(lg->stories[i]);
        free(lg->stories);
        free(lg->sha);
        lg->stories = NULL;
        lg->sha = NULL;
    }
}

void site_lang_swap(struct site_build *b, size_t l)
{
    struct site_lang *lg = &b->langs[l];
    if (l == 0 || !lg->stories)
        return;
    for (size_t i = 0; i < b->n_stories; i++) {
        if (!lg->stories[i])
            continue;
        struct story *t = lg->stories[i];
        lg->stories[i] = b->stories[i];
        b->stories[i] = t;
        char sha[65];
        memcpy(sha, lg->sha[i], sizeof sha);
        memcpy(lg->sha[i], b->story_sha[i], sizeof sha);
        memcpy(b->story_sha[i], sha, sizeof sha);
        for (size_t k = b->story_first[i]; k < b->story_first[i + 1]; k++)
            b->photos[k].story = b->stories[i];
    }
    b->lang = b->lang == l ? 0 : l;
}

const char *site_lang_tag(const struct site_build *b)
{
    return b->n_langs ? b->langs[b->lang].tag : b->cfg->language;
}

const char *site_lang_dir(const struct site_build *b)
{
    return b->n_langs ? b->langs[b->lang].dir : "";
}

unsigned site_story_versions(const struct site_build *b, size_t story)
{
    unsigned v = 1;
    for (size_t l = 1; l < b->n_langs; l++)
        if (b->langs[l].stories && b->langs[l].stories[story])
            v |= 1u << l;
    return v;
}

unsigned site_home_versions(const struct site_build *b)
{
    unsigned v = 1;
    for (size_t i = 0; i < b->n_stories; i++)
        v |= site_story_versions(b, i);
    return v;
}

static size_t primary_len(const char *tag)
{
    return strcspn(tag, "-");
}

const char *site_lang_attr(const char *text_lang, const char *page_lang)
{
    if (!text_lang || !page_lang)
        return NULL;
    size_t n = primary_len(text_lang);
    if (n == primary_len(page_lang) && strncasecmp(text_lang, page_lang, n) == 0)
        return NULL;
    return text_lang;
}

const char *site_msg(const struct site_build *b, const char *key)
{
    json_t *msg = b->n_langs ? b->langs[b->lang].msg : NULL;
    const char *v = json_string_value(json_object_get(msg, key));
    return v ? v : "";
}

char *site_msg_numbers(const struct site_build *b, const char *key, size_t n, size_t count)
{
    struct buf out;
    buf_init(&out, TS_LIMIT_FIELD_BYTES);
    for (const char *c = site_msg(b, key); *c; c++) {
        if (strncmp(c, "{n}", 3) == 0) {
            buf_printf(&out, "%zu", n);
            c += 2;
        } else if (strncmp(c, "{count}", 7) == 0) {
            buf_printf(&out, "%zu", count);
            c += 6;
        } else {
            buf_append(&out, c, 1);
        }
    }
    char *text = buf_detach(&out, NULL);
    return text ? text : str_dup("");
}

const char *site_photo_text(const struct site_build *b, const struct meta_lang_alt *alt,
                            const char *plain, const char *lang, const char **text_lang)
{
    const char *picked = NULL;
    const char *v = meta_lang_pick_tag(alt, lang, &picked);
    if (str_blank(v)) {
        v = plain;
        picked = NULL;
    }
    /* x-default, IIM and plain XMP say no language: the photographer's
     * first, the site's default */
    *text_lang = picked && strcasecmp(picked, "x-default") != 0 ? picked : b->cfg->language;
    return str_blank(v) ? NULL : v;
}
