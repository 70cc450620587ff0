/*
 * page_terms.c — tags and places: tags/<slug>/ for each front-matter
 * tag and each IPTC keyword of a story's photos, places/<slug>/ for each
 * place its photos show (IPTC city and country, "Seoul, South Korea"),
 * each a paginated list of the stories (cover, title, date) newest
 * first; tags/ and places/ list them all with their counts; each tag
 * has its own feeds.
 *
 * Must never: give one name two slugs or a slug that leaves its folder
 * (site_term_slug), or put a name into a page except through the
 * template engine's escaping.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

/* Adds story `ref` to the term `name` of `map` (slug → {name, stories}),
 * once per story. */
static void term_add(json_t *map, const char *name, size_t ref)
{
    if (!name || str_blank(name))
        return;
    char *trimmed = str_trim_dup(name, strlen(name));
    char slug[256];
    site_term_slug(trimmed ? trimmed : name, slug, sizeof slug);
    json_t *t = json_object_get(map, slug);
    if (!t) {
        t = json_pack("{s:s, s:[]}", "name", trimmed ? trimmed : name, "stories");
        json_object_set_new(map, slug, t);
    }
    json_t *list = json_object_get(t, "stories");
    size_t n = json_array_size(list);
    /* stories arrive one at a time, so a repeat is the last one */
    if (!n || (size_t)json_integer_value(json_array_get(list, n - 1)) != ref)
        json_array_append_new(list, json_integer((json_int_t)ref));
    free(trimmed);
}

void site_terms_collect(struct site_build *b, const struct site_story_ref *sorted)
{
    b->tags = json_object();
    b->places = json_object();
    for (size_t r = 0; r < b->n_stories; r++) {
        size_t no = sorted[r].no;
        const struct story *s = sorted[r].s;
        for (size_t i = 0; i < s->n_tags; i++)
            term_add(b->tags, s->tags[i], r);
        for (size_t i = b->story_first[no]; i < b->story_first[no + 1]; i++) {
            const struct site_photo *p = &b->photos[i];
            if (p->status != ST_OK || !p->meta)
                continue;
            for (size_t k = 0; k < p->meta->keywords.n; k++)
                term_add(b->tags, p->meta->keywords.items[k], r);
            const char *city = p->meta->city, *country = p->meta->country;
            char place[512];
            if (city && !str_blank(city) && country && !str_blank(country))
                snprintf(place, sizeof place, "%s, %s", city, country);
            else
                snprintf(place, sizeof place, "%s",
                         city && !str_blank(city) ? city
                         : country                ? country
                                                  : "");
            term_add(b->places, place, r);
        }
    }
}

static int by_name(const void *a, const void *b)
{
    const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
    return strcmp(json_string_value(json_object_get(x, "name")),
                  json_string_value(json_object_get(y, "name")));
}

/* The index of one kind: tags/index.html or places/index.html. */
static enum status terms_index(struct site_build *b, json_t *map, const char *dir,
                               const char *heading, json_t *pages, struct diag *d)
{
    json_t *list = json_array();
    const char *slug;
    json_t *t;
    struct buf h;
    buf_init(&h, TS_LIMIT_PAGE_BYTES);
    json_object_foreach(map, slug, t)
    {
        json_t *o = json_pack("{s:O, s:i}", "name", json_object_get(t, "name"), "count",
                              (json_int_t)json_array_size(json_object_get(t, "stories")));
        char href[TS_LIMIT_PATH];
        snprintf(href, sizeof href, "%s/", slug);
        json_object_set_new(o, "href", json_string(href));
        json_array_append_new(list, o);
    }
    size_t n = json_array_size(list);
    json_t **items = calloc(n ? n : 1, sizeof *items);
    for (size_t i = 0; items && i < n; i++)
        items[i] = json_array_get(list, i);
    if (items)
        qsort(items, n, sizeof *items, by_name);
    json_t *sorted = json_array();
    for (size_t i = 0; items && i < n; i++) {
        json_array_append(sorted, items[i]);
        buf_printf(&h, "%s %s %lld\n", json_string_value(json_object_get(items[i], "href")),
                   json_string_value(json_object_get(items[i], "name")),
                   (long long)json_integer_value(json_object_get(items[i], "count")));
    }
    free(items);
    json_decref(list);
    char rel[TS_LIMIT_PATH], fp[65];
    snprintf(rel, sizeof rel, "%sindex.html", dir);
    site_fp_page(b, rel, b->site_fp, h.data ? h.data : "", fp);
    buf_free(&h);
    enum status st = ST_OK;
    if (!site_page_fresh(b, rel, fp)) {
        site_page_begin(b, fp);
        json_t *ctx =
            json_pack("{s:s, s:s, s:o}", "root", "../", "heading", heading, "terms", sorted);
        sorted = NULL;
        struct buf content;
        buf_init(&content, TS_LIMIT_PAGE_BYTES);
        st = site_render(b, b->theme.terms, ctx, &content, d);
        if (st == ST_OK)
            st = site_write_page(
                b,
                &(struct site_page){
                    .rel = rel, .root = "../", .title = heading, .content = content.data},
                pages, d);
        json_decref(ctx);
        buf_free(&content);
    }
    json_decref(sorted);
    return st;
}

/* Every page of one kind; `more` gets each list's first page for the
 * sitemap. */
static enum status terms_write(struct site_build *b, json_t *map, const char *kind, const char *dir,
                               bool feeds, const struct site_story_ref *sorted, json_t *pages,
                               json_t *more, struct diag *d)
{
    if (!json_object_size(map))
        return ST_OK;
    struct site_story_ref *refs = calloc(b->n_stories + 1, sizeof *refs);
    size_t *order = calloc(b->n_stories + 1, sizeof *order);
    enum status st = ST_OK;
    if (!refs || !order)
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
    const char *slug;
    json_t *t;
    json_object_foreach(map, slug, t)
    {
        if (st != ST_OK)
            break;
        json_t *list = json_object_get(t, "stories");
        size_t n = 0, i;
        json_t *v;
        json_array_foreach(list, i, v)
        {
            refs[n] = sorted[json_integer_value(v)];
            order[n] = refs[n].no;
            n++;
        }
        char sub[TS_LIMIT_PATH], title[1024];
        snprintf(sub, sizeof sub, "%s%s/", dir, slug);
        const char *name = json_string_value(json_object_get(t, "name"));
        struct site_list l = {
            .dir = sub, .heading = name, .kind = kind, .refs = refs, .n = n, .feed = feeds};
        st = site_render_story_list(b, &l, pages, d);
        if (st == ST_OK && feeds) {
            snprintf(title, sizeof title, "%s — %s", name, b->cfg->title ? b->cfg->title : "");
            site_page_begin(b, NULL);
            st = site_write_feeds(b, sub, title, order, n, d);
        }
        json_array_append_new(more, json_pack("{s:s}", "href", sub));
    }
    if (st == ST_OK) {
        site_page_begin(b, NULL);
        st = terms_index(b, map, dir, kind[0] == 'T' ? "Tags" : "Places", pages, d);
    }
    free(refs);
    free(order);
    return st;
}

enum status site_terms_write(struct site_build *b, const struct site_story_ref *sorted,
                             json_t *pages, json_t *more, struct diag *d)
{
    enum status st = terms_write(b, b->tags, "Tag", "tags/", true, sorted, pages, more, d);
    if (st == ST_OK)
        st = terms_write(b, b->places, "Place", "places/", false, sorted, pages, more, d);
    return st;
}
