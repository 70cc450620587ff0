/*
 * api_photos.c — api/photos.json: every photo that can be asked about,
 * for the inquiry server (it accepts a photo_id only from this list and
 * shows the owner its headline). Contract in docs/site.md "Licensing".
 *
 * Written straight into one buffer with the html module's JSON string
 * writer, in the layout jansson's JSON_INDENT(1) gives (the file is
 * byte for byte the one the jansson tree made): at 10,000 photos that
 * tree of 50,000 strings, built and dumped each build to be compared
 * with the file in place, was 5 % of a no-op rebuild. It is made on a
 * page worker beside the photo pages (pages.c, struct site_made), so it
 * only reads the build.
 *
 * Must never: list a photo that failed to build (it has no page).
 */
#include <string.h>

#include "site/internal.h"

/* `"key": "value"` (or null) at an object's depth, after a comma when
 * not the first: appended, not printed (five a photo, 50,000 format
 * parses at 10,000 photos, each buf_printf formatting twice). */
static enum status put_field(struct buf *o, const char *key, const char *value, bool first)
{
    enum status st = buf_puts(o, first ? "\n   \"" : ",\n   \"");
    if (st == ST_OK)
        st = buf_puts(o, key);
    if (st == ST_OK)
        st = buf_puts(o, "\": ");
    if (st == ST_OK)
        st = value ? html_json_string(o, value, strlen(value)) : buf_puts(o, "null");
    return st;
}

void site_make_photos_json(const struct site_build *b, struct site_made *m)
{
    struct buf *o = &m->data;
    /* a photo's entry is a few hundred bytes: the indexes' cap (1 GB)
     * holds millions */
    buf_init(o, SITE_INDEX_MAX_BYTES);
    enum status st = buf_puts(o, "{\n \"photos\": [");
    bool any = false;
    for (size_t i = 0; i < b->n_photos && st == ST_OK; i++) {
        const struct site_photo *p = &b->photos[i];
        if (p->status != ST_OK)
            continue;
        char id[600], page[600];
        site_join(id, sizeof id, (const char *[]){p->story_slug, "/", p->id, NULL});
        /* its own page */
        site_join(page, sizeof page, (const char *[]){p->story_slug, "/", p->id, "/", NULL});
        const char *job = p->meta->job_id && !str_blank(p->meta->job_id) ? p->meta->job_id : NULL;
        st = buf_puts(o, any ? ",\n  {" : "\n  {");
        if (st == ST_OK)
            st = put_field(o, "id", id, true);
        if (st == ST_OK)
            st = put_field(o, "headline", site_photo_headline(p), false);
        if (st == ST_OK)
            st = put_field(o, "job_id", job, false);
        if (st == ST_OK)
            st = put_field(o, "title", p->story->title, false);
        if (st == ST_OK)
            st = put_field(o, "page", page, false);
        if (st == ST_OK)
            st = buf_puts(o, "\n  }");
        any = true;
    }
    if (st == ST_OK)
        st = buf_puts(o, any ? "\n ]\n}" : "]\n}");
    m->rel = "api/photos.json";
    diag_clear(&m->d);
    m->st = st == ST_OK ? ST_OK : diag_set(&m->d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
}
