/*
 * api_photos.c — api/photos.json: every photo that can be asked about,
 * for the inquiry server (it accepts a photo_id only from this list and
 * shows the owner its headline). Contract in docs/site.md "Licensing".
 *
 * Must never: list a photo that failed to build (it has no page).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

/* api/photos.json: every photo that can be asked about, for the inquiry
 * server (it accepts a photo_id only from this list and shows the owner
 * its headline). Contract in docs/site.md "Licensing". */
enum status site_write_photos_json(struct site_build *b, struct diag *d)
{
    json_t *list = json_array();
    for (size_t i = 0; i < b->n_photos; i++) {
        const struct site_photo *p = &b->photos[i];
        if (p->status != ST_OK)
            continue;
        char id[600], page[600];
        snprintf(id, sizeof id, "%s/%s", p->story_slug, p->id);
        snprintf(page, sizeof page, "%s/%s/", p->story_slug, p->id); /* its own page */
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(id));
        json_object_set_new(o, "headline", json_string(site_photo_headline(p)));
        json_object_set_new(o, "job_id",
                            p->meta->job_id && !str_blank(p->meta->job_id)
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
