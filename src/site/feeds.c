/*
 * feeds.c — feed.xml (Atom) and feed.json (JSON Feed 1.1) of the whole
 * site and of each tag: the newest stories first, each entry with the
 * story's summary, its cover as an image enclosure with credit and alt
 * text, author, dates, tags and the story's full HTML with absolute URLs
 * (a feed reader has no page to resolve relative ones against).
 *
 * Must never: write a string from a story or photo into the Atom feed
 * except through html_escape_xml (the feed stays well-formed whatever a
 * caption holds) or into the JSON Feed except through jansson; list a
 * story without a date (an entry must say when it was published); write
 * a feed without an absolute base_url (its ids and links would not be
 * URLs a reader can open).
 *
 * Spec: RFC 4287 (Atom); JSON Feed Version 1.1 (jsonfeed.org); Media RSS
 * 1.5.1 (media:content, media:credit, media:description) for the cover's
 * credit and alt text, an Atom extension element (RFC 4287 §6.4).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "site/internal.h"

/* "2022-01-27" → "2022-01-27T00:00:00Z" (RFC 3339 wants a time; the
 * story says only the day). False for anything but YYYY-MM-DD. */
static bool rfc3339_day(const char *date, char out[32])
{
    if (!date || strlen(date) < 10)
        return false;
    for (int i = 0; i < 10; i++) {
        bool digit = date[i] >= '0' && date[i] <= '9';
        if ((i == 4 || i == 7) ? date[i] != '-' : !digit)
            return false;
    }
    snprintf(out, 32, "%.10sT00:00:00Z", date);
    return true;
}

static void xml_text(struct buf *x, const char *s)
{
    html_escape_xml(x, s ? s : "", s ? strlen(s) : 0);
}

/* <tag>text</tag>, escaped; nothing for an absent value. */
static void xml_element(struct buf *x, const char *tag, const char *attrs, const char *s)
{
    if (!s || str_blank(s))
        return;
    buf_printf(x, "<%s%s>", tag, attrs ? attrs : "");
    xml_text(x, s);
    buf_printf(x, "</%s>\n", tag);
}

/* What an entry shows of its story: rendered once for both feeds. */
struct entry {
    const struct story *s;
    size_t story;
    char url[TS_LIMIT_PATH];
    char date[32];
    char *html; /* the body with absolute URLs */
    const struct site_photo *cover;
    const struct image_output *image; /* the cover's card derivative */
    char image_url[TS_LIMIT_PATH];
    long long image_bytes;
    const char *alt, *credit;
};

static enum status entry_make(struct site_build *b, size_t story, struct entry *e, struct diag *d)
{
    const struct story *s = b->stories[story];
    memset(e, 0, sizeof *e);
    e->s = s;
    e->story = story;
    char rel[TS_LIMIT_PATH], page[TS_LIMIT_PATH], prefix[TS_LIMIT_PATH];
    /* a language's entries link its pages; the photos are the story's */
    snprintf(rel, sizeof rel, "%s/", s->slug);
    snprintf(page, sizeof page, "%s%s/", site_lang_dir(b), s->slug);
    if (!site_abs_url(b, page, e->url, sizeof e->url) || !rfc3339_day(s->date, e->date) ||
        !site_abs_url(b, rel, prefix, sizeof prefix))
        return ST_NOT_FOUND;
    const char *lang = b->lang ? site_lang_tag(b) : s->lang ? s->lang : b->cfg->language;
    struct site_figure_ctx fc = {.b = b,
                                 .story = s,
                                 .story_no = story,
                                 .root = b->cfg->base_url,
                                 .prefix = prefix,
                                 .photo_prefix = e->url,
                                 .lang = lang,
                                 .captions = true,
                                 .link_photos = true,
                                 .quiet = true,
                                 .no_pin = true};
    struct buf body;
    buf_init(&body, TS_LIMIT_PAGE_BYTES);
    enum status st = html_markdown(s->body, s->body_len, site_figure, &fc, &body, d);
    if (st != ST_OK) {
        buf_free(&body);
        return st;
    }
    e->html = buf_detach(&body, NULL);
    e->cover = site_story_cover(b, story);
    e->image = e->cover ? site_output_card(e->cover) : NULL;
    char file[TS_LIMIT_PATH];
    if (e->image &&
        snprintf(file, sizeof file, "%s/%s", s->slug, site_base_name(e->image->path)) > 0 &&
        site_abs_url(b, file, e->image_url, sizeof e->image_url)) {
        char path[TS_LIMIT_PATH];
        struct stat sb;
        e->image_bytes =
            path_join(path, sizeof path, b->out_dir, file) && stat(path, &sb) == 0 ? sb.st_size : 0;
        e->alt = site_photo_alt(e->cover, NULL, lang);
        const struct photo_meta *m = e->cover->meta;
        e->credit = m->credit_line ? m->credit_line : site_photo_creator(m);
    } else {
        e->image = NULL;
    }
    return ST_OK;
}

static void atom_entry(const struct site_build *b, struct buf *x, const struct entry *e)
{
    const struct story *s = e->s;
    buf_puts(x, "<entry>\n");
    xml_element(x, "id", NULL, e->url);
    xml_element(x, "title", " type=\"text\"", s->title);
    buf_puts(x, "<link rel=\"alternate\" type=\"text/html\" href=\"");
    xml_text(x, e->url);
    buf_puts(x, "\"/>\n");
    xml_element(x, "published", NULL, e->date);
    xml_element(x, "updated", NULL, e->date);
    if (b->cfg->author && !str_blank(b->cfg->author)) {
        buf_puts(x, "<author>");
        xml_element(x, "name", NULL, b->cfg->author);
        buf_puts(x, "</author>\n");
    }
    for (size_t i = 0; i < s->n_tags; i++) {
        buf_puts(x, "<category term=\"");
        xml_text(x, s->tags[i]);
        buf_puts(x, "\"/>\n");
    }
    xml_element(x, "summary", " type=\"text\"", site_pick_str(s->summary, s->subtitle));
    if (e->image) {
        const char *mime = image_format_mime(e->image->format);
        buf_printf(x, "<link rel=\"enclosure\" type=\"%s\" length=\"%lld\" href=\"", mime,
                   e->image_bytes);
        xml_text(x, e->image_url);
        buf_puts(x, "\"/>\n<media:content medium=\"image\" url=\"");
        xml_text(x, e->image_url);
        buf_printf(x, "\" type=\"%s\" width=\"%u\" height=\"%u\">\n", mime, e->image->width,
                   e->image->height);
        xml_element(x, "media:description", " type=\"plain\"", e->alt);
        xml_element(x, "media:credit", NULL, e->credit);
        buf_puts(x, "</media:content>\n");
    }
    buf_puts(x, "<content type=\"html\" xml:base=\"");
    xml_text(x, e->url);
    buf_puts(x, "\">");
    xml_text(x, e->html);
    buf_puts(x, "</content>\n</entry>\n");
}

static json_t *json_item(const struct site_build *b, const struct entry *e)
{
    const struct story *s = e->s;
    json_t *o = json_pack("{s:s, s:s, s:s}", "id", e->url, "url", e->url, "title", s->title);
    json_object_set_new(o, "content_html", json_string(e->html));
    site_set_str(o, "summary", site_pick_str(s->summary, s->subtitle));
    site_set_str(o, "date_published", e->date);
    site_set_str(o, "language", b->lang ? site_lang_tag(b) : s->lang ? s->lang : b->cfg->language);
    if (b->cfg->author && !str_blank(b->cfg->author))
        json_object_set_new(o, "authors", json_pack("[{s:s}]", "name", b->cfg->author));
    if (s->n_tags) {
        json_t *tags = json_array();
        for (size_t i = 0; i < s->n_tags; i++)
            json_array_append_new(tags, json_string(s->tags[i]));
        json_object_set_new(o, "tags", tags);
    }
    if (e->image) {
        site_set_str(o, "image", e->image_url);
        json_t *att = json_pack("{s:s, s:s}", "url", e->image_url, "mime_type",
                                image_format_mime(e->image->format));
        if (e->image_bytes > 0)
            json_object_set_new(att, "size_in_bytes", json_integer(e->image_bytes));
        site_set_str(att, "title", e->alt);
        json_object_set_new(o, "attachments", json_pack("[o]", att));
        /* JSON Feed has no field for an image's alt text or credit: an
         * extension object (names beginning with "_", §"Extensions") */
        json_t *ext = json_object();
        site_set_str(ext, "image_alt", e->alt);
        site_set_str(ext, "image_credit", e->credit);
        json_object_set_new(o, "_tearsheet", ext);
    }
    return o;
}

enum status site_write_feeds(struct site_build *b, const char *dir, const char *title,
                             const size_t *stories, size_t n, struct diag *d)
{
    char rel_atom[TS_LIMIT_PATH], rel_json[TS_LIMIT_PATH], atom_url[TS_LIMIT_PATH],
        json_url[TS_LIMIT_PATH], home[TS_LIMIT_PATH];
    snprintf(rel_atom, sizeof rel_atom, "%sfeed.xml", dir);
    snprintf(rel_json, sizeof rel_json, "%sfeed.json", dir);
    if (!site_abs_url(b, rel_atom, atom_url, sizeof atom_url) ||
        !site_abs_url(b, rel_json, json_url, sizeof json_url) ||
        !site_abs_url(b, dir, home, sizeof home))
        return ST_OK; /* no absolute base_url: no feed (see the file's comment) */
    /* fresh when the stories it lists are: their pages' fingerprints */
    struct buf h;
    buf_init(&h, TS_LIMIT_PAGE_BYTES * 4);
    buf_printf(&h, "feed %s %s %s\n", b->site_fp, dir, title);
    size_t used = 0;
    for (size_t i = 0; i < n && used < SITE_FEED_ENTRIES; i++) {
        char day[32];
        if (!rfc3339_day(b->stories[stories[i]]->date, day))
            continue;
        buf_printf(&h, "%s\n", b->story_fp[stories[i]]);
        used++;
    }
    char fp[65];
    site_sha256_hex(h.data ? h.data : "", h.len, fp);
    buf_free(&h);
    if (site_page_fresh(b, rel_atom, fp) && site_page_fresh(b, rel_json, fp))
        return ST_OK;

    struct entry *entries = calloc(used ? used : 1, sizeof *entries);
    if (!entries)
        return diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
    size_t k = 0;
    enum status st = ST_OK;
    for (size_t i = 0; i < n && k < used && st == ST_OK; i++) {
        st = entry_make(b, stories[i], &entries[k], d);
        if (st == ST_OK)
            k++;
        else if (st == ST_NOT_FOUND)
            st = ST_OK; /* no date: not in the feed */
    }
    struct buf x;
    buf_init(&x, TS_LIMIT_FEED_BYTES);
    json_t *items = json_array();
    if (st != ST_OK)
        goto abort;
    buf_puts(&x, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
                 "<feed xmlns=\"http://www.w3.org/2005/Atom\" "
                 "xmlns:media=\"http://search.yahoo.com/mrss/\" xml:lang=\"");
    xml_text(&x, site_lang_tag(b) ? site_lang_tag(b) : "en");
    buf_puts(&x, "\">\n");
    xml_element(&x, "id", NULL, home);
    xml_element(&x, "title", " type=\"text\"", title);
    xml_element(&x, "subtitle", " type=\"text\"", b->cfg->description);
    /* the newest entry's day; a feed without entries says the epoch */
    xml_element(&x, "updated", NULL, k ? entries[0].date : "1970-01-01T00:00:00Z");
    buf_puts(&x, "<link rel=\"self\" type=\"application/atom+xml\" href=\"");
    xml_text(&x, atom_url);
    buf_puts(&x, "\"/>\n<link rel=\"alternate\" type=\"text/html\" href=\"");
    xml_text(&x, home);
    buf_puts(&x, "\"/>\n");
    if (b->cfg->author && !str_blank(b->cfg->author)) {
        buf_puts(&x, "<author>");
        xml_element(&x, "name", NULL, b->cfg->author);
        buf_puts(&x, "</author>\n");
    }
    buf_printf(&x, "<generator version=\"%s\">tearsheet</generator>\n", TS_VERSION);
    for (size_t i = 0; i < k; i++) {
        atom_entry(b, &x, &entries[i]);
        json_array_append_new(items, json_item(b, &entries[i]));
    }
    buf_puts(&x, "</feed>\n");

    json_t *doc = json_pack("{s:s, s:s, s:s, s:s}", "version", "https://jsonfeed.org/version/1.1",
                            "title", title, "home_page_url", home, "feed_url", json_url);
    site_set_str(doc, "description", b->cfg->description);
    site_set_str(doc, "language", site_lang_tag(b));
    if (b->cfg->author && !str_blank(b->cfg->author))
        json_object_set_new(doc, "authors", json_pack("[{s:s}]", "name", b->cfg->author));
    json_object_set(doc, "items", items);
    char *text = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    char path[TS_LIMIT_PATH];
    if (!text)
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
    if (st == ST_OK && x.len >= TS_LIMIT_FEED_BYTES - 1)
        st = diag_set(d, ST_LIMIT, rel_atom, DIAG_NO_OFFSET, "feed larger than %zu bytes",
                      TS_LIMIT_FEED_BYTES);
    const char *rels[2] = {rel_atom, rel_json};
    const char *data[2] = {x.data, text};
    size_t lens[2] = {x.len, text ? strlen(text) : 0};
    for (int f = 0; f < 2 && st == ST_OK; f++) {
        site_page_begin(b, fp);
        if (!path_join(path, sizeof path, b->out_dir, rels[f]))
            st = diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "output path too long");
        else
            st = site_write_if_changed(path, data[f], lens[f], d);
        if (st == ST_OK) {
            b->report->pages++;
            b->report->pages_rendered++;
            site_page_written(b, rels[f]);
        }
    }
    free(text);
abort:
    json_decref(items);
    buf_free(&x);
    for (size_t i = 0; i < k; i++)
        free(entries[i].html);
    free(entries);
    return st;
}
