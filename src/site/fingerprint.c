/*
 * fingerprint.c — the input fingerprint of each page (docs/performance.md
 * "Incremental builds"): a hash of everything the page is made from, so
 * the build manifest (manifest.c) can skip rendering a page whose inputs
 * did not change.
 *
 * Must never: leave out an input a page shows (the page would go stale)
 * or hash something that changes on every build (no page would ever be
 * skipped).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

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
        buf_printf(h, "out %d %u %u %s\n", (int)o->format, o->width, o->height,
                   site_base_name(o->path));
    }
    if (p->credentials) {
        char *text = json_dumps(p->credentials, JSON_COMPACT | JSON_SORT_KEYS);
        buf_printf(h, "credentials %s\n", text ? text : "?");
        free(text);
    }
}

void site_fp_site(const struct site_build *b, json_t *nav, char out[65])
{
    char *text = json_dumps(nav, JSON_COMPACT);
    struct buf h;
    buf_init(&h, TS_LIMIT_PAGE_BYTES * 4);
    buf_printf(&h, "site %s %s %s\n", b->inputs_fp, b->settings_fingerprint, text ? text : "?");
    site_sha256_hex(h.data ? h.data : "", h.len, out);
    buf_free(&h);
    free(text);
}

void site_fp_story(const struct site_build *b, const char *g, size_t story, char out[65])
{
    const struct story *s = b->stories[story];
    struct buf h;
    buf_init(&h, TS_LIMIT_PAGE_BYTES * 4);
    buf_printf(&h, "story %s %s %s\n", g, s->slug, b->story_sha[story]);
    /* the languages it is told in: its hreflang links and switcher */
    if (b->n_langs > 1)
        buf_printf(&h, "versions %u\n", site_story_versions(b, story));
    for (size_t i = b->story_first[story]; i < b->story_first[story + 1]; i++)
        photo_inputs(&h, &b->photos[i]);
    site_sha256_hex(h.data ? h.data : "", h.len, out);
    buf_free(&h);
}

void site_fp_photo(const struct site_build *b, const char *g, size_t i, char out[65])
{
    const struct site_photo *p = &b->photos[i];
    struct buf h;
    buf_init(&h, TS_LIMIT_PAGE_BYTES);
    buf_printf(&h, "photo-page %s %s %s\n", g, p->story_slug, b->story_sha[p->story_no]);
    if (b->n_langs > 1)
        buf_printf(&h, "versions %u\n", site_story_versions(b, p->story_no));
    photo_inputs(&h, p);
    /* "Photo N of M" and the neighbours' links and headlines: the other
     * photos' ids, keys and status (not their derivatives), so a photo
     * replaced renders its own page and its neighbours', not the story's */
    for (size_t k = b->story_first[p->story_no]; k < b->story_first[p->story_no + 1]; k++)
        buf_printf(&h, "%c %s %d%s", k == i ? '*' : '-', b->photos[k].id, (int)b->photos[k].status,
                   k + 1 == i || k == i + 1 ? b->photos[k].key : "");
    site_sha256_hex(h.data ? h.data : "", h.len, out);
    buf_free(&h);
}

void site_fp_form(const struct site_build *b, const char *g, const struct site_photo *p,
                  char out[65])
{
    struct buf h;
    buf_init(&h, TS_LIMIT_PAGE_BYTES);
    buf_printf(&h, "form %s %s %s\n", g, p->story_slug, b->story_sha[p->story_no]);
    photo_inputs(&h, p);
    site_sha256_hex(h.data ? h.data : "", h.len, out);
    buf_free(&h);
}

/* The fingerprint of a site-wide page: its name, `g`, and `extra` (the
 * index: the fingerprints of every story page, for its covers). */
void site_fp_page(const struct site_build *b, const char *rel, const char *g, const char *extra,
                  char out[65])
{
    struct buf h;
    buf_init(&h, TS_LIMIT_PAGE_BYTES * 4);
    buf_printf(&h, "page %s %s %s\n", rel, g, extra ? extra : "");
    if (b->n_langs > 1)
        buf_printf(&h, "versions %u\n", site_home_versions(b));
    /* it shows the site's card (the newest story's cover): not part of
     * `g`, so a new story does not make every story page stale */
    const struct site_photo *c = b->site_card;
    const struct image_output *o = c ? site_output_card(c) : NULL;
    if (o)
        buf_printf(&h, "card %s %s %s %s %u %u\n", c->story_slug, b->story_sha[c->story_no], c->key,
                   site_base_name(o->path), o->width, o->height); /* alt: from story.md */
    site_sha256_hex(h.data ? h.data : "", h.len, out);
    buf_free(&h);
}
