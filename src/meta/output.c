/*
 * output.c — what `tearsheet meta` prints: the JSON object (every key
 * of the corpus *.expected.json with the same meaning, null when
 * absent, then the extra fields and the language lists) and the
 * aligned text listing; plus meta_lang_pick and meta_free.
 *
 * Must never: print a value unescaped (jansson escapes JSON; the text
 * listing replaces control characters), or fail on a NULL field.
 *
 * Spec: ../shared/corpus/metadata/README.md (keys), DESIGN.md (meta
 * command).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta/meta_internal.h"

/* Whether `s` is a string of m's one block (meta_unpack), not one set
 * since by meta_set_string. */
static bool in_block(const struct photo_meta *m, const char *s)
{
    uintptr_t at = (uintptr_t)m, p = (uintptr_t)s;
    return m->one_block && p >= at && p - at < m->one_block;
}

void meta_set_string(struct photo_meta *m, char **field, char *value)
{
    if (!in_block(m, *field))
        free(*field);
    *field = value;
}

void meta_free(struct photo_meta *m)
{
    if (!m)
        return;
    char **f;
    for (size_t i = 0; (f = meta_string_field(m, i)); i++)
        if (!in_block(m, *f))
            free(*f);
    if (m->one_block) {
        free(m);
        return;
    }
    meta_list_clear(&m->creator);
    meta_list_clear(&m->keywords);
    meta_list_clear(&m->notes);
    meta_lang_clear(&m->description_langs);
    meta_lang_clear(&m->alt_text_langs);
    meta_lang_clear(&m->title_langs);
    meta_lang_clear(&m->rights_langs);
    meta_lang_clear(&m->usage_terms_langs);
    meta_lang_clear(&m->extended_description_langs);
    meta_list_clear(&m->person_in_image);
    meta_location_clear(&m->location_created);
    for (size_t i = 0; i < m->n_location_shown; i++)
        meta_location_clear(&m->location_shown[i]);
    free(m->location_shown);
    free(m);
}

const char *meta_lang_pick(const struct meta_lang_alt *alt, const char *lang)
{
    const char *picked;
    return meta_lang_pick_tag(alt, lang, &picked);
}

static const char *picked_item(const struct meta_lang_value *v, const char **picked)
{
    *picked = v->lang;
    return v->value;
}

const char *meta_lang_pick_tag(const struct meta_lang_alt *alt, const char *lang,
                               const char **picked)
{
    *picked = NULL;
    if (!alt || alt->n == 0)
        return NULL;
    if (lang) {
        for (size_t i = 0; i < alt->n; i++)
            if (strcasecmp(alt->items[i].lang, lang) == 0)
                return picked_item(&alt->items[i], picked);
        /* "en" matches "en-GB" and the reverse: the primary subtag. */
        size_t pl = strcspn(lang, "-");
        for (size_t i = 0; i < alt->n; i++)
            if (strncasecmp(alt->items[i].lang, lang, pl) == 0 &&
                (alt->items[i].lang[pl] == '\0' || alt->items[i].lang[pl] == '-'))
                return picked_item(&alt->items[i], picked);
    }
    for (size_t i = 0; i < alt->n; i++)
        if (strcasecmp(alt->items[i].lang, "x-default") == 0)
            return picked_item(&alt->items[i], picked);
    return picked_item(&alt->items[0], picked);
}

static json_t *jstr(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *jlist(const struct meta_list *l)
{
    if (l->n == 0)
        return json_null();
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a, json_string(l->items[i]));
    return a;
}

static json_t *jlangs(const struct meta_lang_alt *a)
{
    if (a->n == 0)
        return json_null();
    json_t *o = json_object();
    for (size_t i = 0; i < a->n; i++)
        if (!json_object_get(o, a->items[i].lang))
            json_object_set_new(o, a->items[i].lang, json_string(a->items[i].value));
    return o;
}

/* A location as ExifTool's -struct names its parts; GPS is private
 * and never printed (only `lint` looks at has_gps). */
static json_t *jlocation(const struct meta_location *l)
{
    if (!l->sublocation && !l->city && !l->province_state && !l->country && !l->country_code &&
        !l->world_region && !l->location_name)
        return json_null();
    json_t *o = json_object();
    if (l->location_name)
        json_object_set_new(o, "LocationName", json_string(l->location_name));
    if (l->sublocation)
        json_object_set_new(o, "Sublocation", json_string(l->sublocation));
    if (l->city)
        json_object_set_new(o, "City", json_string(l->city));
    if (l->province_state)
        json_object_set_new(o, "ProvinceState", json_string(l->province_state));
    if (l->country)
        json_object_set_new(o, "CountryName", json_string(l->country));
    if (l->country_code)
        json_object_set_new(o, "CountryCode", json_string(l->country_code));
    if (l->world_region)
        json_object_set_new(o, "WorldRegion", json_string(l->world_region));
    return o;
}

static json_t *jcontact(const struct meta_contact *c)
{
    const struct {
        const char *key, *v;
    } parts[] = {
        {"CiAdrExtadr", c->address}, {"CiAdrCity", c->city},     {"CiAdrRegion", c->region},
        {"CiAdrPcode", c->postal_code}, {"CiAdrCtry", c->country}, {"CiEmailWork", c->email},
        {"CiTelWork", c->phone},       {"CiUrlWork", c->url},
    };
    json_t *o = NULL;
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        if (!parts[i].v)
            continue;
        if (!o)
            o = json_object();
        json_object_set_new(o, parts[i].key, json_string(parts[i].v));
    }
    return o ? o : json_null();
}

json_t *meta_to_json(const struct photo_meta *m)
{
    json_t *o = json_object();
    if (!o || !m)
        return o;
    json_object_set_new(o, "headline", jstr(m->headline));
    json_object_set_new(o, "description", jstr(m->description));
    json_object_set_new(o, "alt_text", jstr(m->alt_text));
    json_object_set_new(o, "extended_description", jstr(m->extended_description));
    json_object_set_new(o, "creator", jlist(&m->creator));
    json_object_set_new(o, "creator_job_title", jstr(m->creator_job_title));
    json_object_set_new(o, "credit_line", jstr(m->credit_line));
    json_object_set_new(o, "copyright_notice", jstr(m->copyright_notice));
    json_object_set_new(o, "web_statement", jstr(m->web_statement));
    json_object_set_new(o, "licensor_url", jstr(m->licensor_url));
    json_object_set_new(o, "usage_terms", jstr(m->usage_terms));
    json_object_set_new(o, "date_created", jstr(m->date_created));
    json_object_set_new(o, "city", jstr(m->city));
    json_object_set_new(o, "sublocation", jstr(m->sublocation));
    json_object_set_new(o, "province_state", jstr(m->province_state));
    json_object_set_new(o, "country", jstr(m->country));
    json_object_set_new(o, "country_code", jstr(m->country_code));
    json_object_set_new(o, "keywords", jlist(&m->keywords));
    json_object_set_new(o, "orientation", m->orientation ? json_integer(m->orientation) : json_null());
    json_object_set_new(o, "width", m->width ? json_integer(m->width) : json_null());
    json_object_set_new(o, "height", m->height ? json_integer(m->height) : json_null());
    json_object_set_new(o, "icc_description", jstr(m->icc_description));
    json_object_set_new(o, "has_gps", json_boolean(m->has_gps));
    json_object_set_new(o, "camera_make", jstr(m->camera_make));
    json_object_set_new(o, "camera_model", jstr(m->camera_model));
    json_object_set_new(o, "serial_number", jstr(m->serial_number));
    json_object_set_new(o, "title", jstr(m->title));
    json_object_set_new(o, "source", jstr(m->source));
    json_object_set_new(o, "job_id", jstr(m->job_id));
    json_object_set_new(o, "instructions", jstr(m->instructions));
    json_object_set_new(o, "caption_writer", jstr(m->caption_writer));
    json_object_set_new(o, "description_langs", jlangs(&m->description_langs));
    json_object_set_new(o, "alt_text_langs", jlangs(&m->alt_text_langs));
    json_object_set_new(o, "title_langs", jlangs(&m->title_langs));
    json_object_set_new(o, "rights_langs", jlangs(&m->rights_langs));
    json_object_set_new(o, "usage_terms_langs", jlangs(&m->usage_terms_langs));
    json_object_set_new(o, "extended_description_langs", jlangs(&m->extended_description_langs));
    json_object_set_new(o, "person_in_image", jlist(&m->person_in_image));
    json_object_set_new(o, "location_created", jlocation(&m->location_created));
    json_t *shown = json_array();
    for (size_t i = 0; i < m->n_location_shown; i++) {
        json_t *l = jlocation(&m->location_shown[i]);
        if (json_is_null(l))
            json_decref(l);
        else
            json_array_append_new(shown, l);
    }
    if (json_array_size(shown) == 0) {
        json_decref(shown);
        shown = json_null();
    }
    json_object_set_new(o, "location_shown", shown);
    json_object_set_new(o, "creator_contact", jcontact(&m->creator_contact));
    json_object_set_new(o, "digital_source_type", jstr(m->digital_source_type));
    json_object_set_new(o, "user_comment", jstr(m->user_comment));
    json_object_set_new(o, "xp_title", jstr(m->xp_title));
    json_object_set_new(o, "xp_comment", jstr(m->xp_comment));
    json_object_set_new(o, "xp_author", jstr(m->xp_author));
    json_object_set_new(o, "xp_keywords", jstr(m->xp_keywords));
    json_object_set_new(o, "xp_subject", jstr(m->xp_subject));
    json_t *notes = json_array();
    for (size_t i = 0; i < m->notes.n; i++)
        json_array_append_new(notes, json_string(m->notes.items[i]));
    json_object_set_new(o, "notes", notes);
    return o;
}

/* One "label   value" line; control characters become spaces so a
 * caption cannot move the terminal's cursor or fake another line. */
static enum status line(struct buf *out, const char *label, const char *v)
{
    enum status st = ST_OK;
    if (!v)
        return ST_OK;
    st = buf_printf(out, "  %-24s ", label);
    for (const char *p = v; st == ST_OK && *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch == '\n')
            st = buf_printf(out, "\n  %-24s ", "");
        else
            st = buf_putc(out, ch < 0x20 || ch == 0x7F ? ' ' : (char)ch);
    }
    if (st == ST_OK)
        st = buf_putc(out, '\n');
    return st;
}

static enum status list_line(struct buf *out, const char *label, const struct meta_list *l)
{
    enum status st = ST_OK;
    if (l->n == 0)
        return ST_OK;
    struct buf j;
    buf_init(&j, TS_LIMIT_PAGE_BYTES);
    for (size_t i = 0; i < l->n && st == ST_OK; i++) {
        st = buf_puts(&j, i ? "; " : "");
        if (st == ST_OK)
            st = buf_puts(&j, l->items[i]);
    }
    if (st == ST_OK)
        st = line(out, label, j.data ? j.data : "");
    buf_free(&j);
    return st;
}

static enum status langs_line(struct buf *out, const char *label, const struct meta_lang_alt *a)
{
    enum status st = ST_OK;
    if (a->n < 2)
        return ST_OK; /* one language is already the field itself */
    for (size_t i = 0; i < a->n && st == ST_OK; i++) {
        char l[64];
        snprintf(l, sizeof l, "%s [%s]", label, a->items[i].lang);
        st = line(out, l, a->items[i].value);
    }
    return st;
}

/* "location created   Sublocation, City, State, Country (CC), Region" */
static enum status location_lines(struct buf *out, const char *label,
                                  const struct meta_location *l)
{
    enum status st = ST_OK;
    const char *parts[] = {l->location_name, l->sublocation, l->city, l->province_state,
                           l->country, l->country_code, l->world_region};
    struct buf j;
    buf_init(&j, TS_LIMIT_PAGE_BYTES);
    for (size_t i = 0; i < sizeof parts / sizeof parts[0] && st == ST_OK; i++)
        if (parts[i])
            st = buf_printf(&j, "%s%s", j.len ? ", " : "", parts[i]);
    if (st == ST_OK && j.len)
        st = line(out, label, j.data);
    if (st == ST_OK && l->has_gps)
        st = line(out, "", "(GPS position in this location: private, never published)");
    buf_free(&j);
    return st;
}

enum status meta_to_text(const struct photo_meta *m, struct buf *out)
{
    enum status st = ST_OK;
    char num[48];
    if (!m)
        return ST_OK;
#define TRY(x)                                                                                     \
    do {                                                                                           \
        st = (x);                                                                                  \
        if (st != ST_OK)                                                                           \
            goto abort;                                                                            \
    } while (0)
    TRY(line(out, "headline", m->headline));
    TRY(line(out, "title", m->title));
    TRY(line(out, "description", m->description));
    TRY(langs_line(out, "description", &m->description_langs));
    TRY(line(out, "alt text", m->alt_text));
    TRY(langs_line(out, "alt text", &m->alt_text_langs));
    TRY(line(out, "extended description", m->extended_description));
    TRY(list_line(out, "creator", &m->creator));
    TRY(line(out, "creator job title", m->creator_job_title));
    TRY(line(out, "credit line", m->credit_line));
    TRY(line(out, "source", m->source));
    TRY(line(out, "copyright notice", m->copyright_notice));
    TRY(line(out, "web statement", m->web_statement));
    TRY(line(out, "licensor URL", m->licensor_url));
    TRY(line(out, "usage terms", m->usage_terms));
    TRY(line(out, "date created", m->date_created));
    TRY(line(out, "sublocation", m->sublocation));
    TRY(line(out, "city", m->city));
    TRY(line(out, "province/state", m->province_state));
    TRY(line(out, "country", m->country));
    TRY(line(out, "country code", m->country_code));
    TRY(list_line(out, "keywords", &m->keywords));
    TRY(line(out, "job id", m->job_id));
    TRY(line(out, "instructions", m->instructions));
    TRY(line(out, "caption writer", m->caption_writer));
    TRY(list_line(out, "person shown", &m->person_in_image));
    TRY(location_lines(out, "location created", &m->location_created));
    for (size_t i = 0; i < m->n_location_shown; i++)
        TRY(location_lines(out, "location shown", &m->location_shown[i]));
    TRY(line(out, "creator email", m->creator_contact.email));
    TRY(line(out, "creator web", m->creator_contact.url));
    TRY(line(out, "creator phone", m->creator_contact.phone));
    TRY(line(out, "creator address", m->creator_contact.address));
    TRY(line(out, "creator city", m->creator_contact.city));
    TRY(line(out, "creator region", m->creator_contact.region));
    TRY(line(out, "creator postal code", m->creator_contact.postal_code));
    TRY(line(out, "creator country", m->creator_contact.country));
    TRY(line(out, "digital source type", m->digital_source_type));
    TRY(line(out, "user comment", m->user_comment));
    TRY(line(out, "XP title", m->xp_title));
    TRY(line(out, "XP comment", m->xp_comment));
    TRY(line(out, "XP author", m->xp_author));
    TRY(line(out, "XP keywords", m->xp_keywords));
    TRY(line(out, "XP subject", m->xp_subject));
    if (m->width && m->height) {
        snprintf(num, sizeof num, "%u x %u", (unsigned)m->width, (unsigned)m->height);
        TRY(line(out, "size", num));
    }
    if (m->orientation) {
        snprintf(num, sizeof num, "%d", m->orientation);
        TRY(line(out, "orientation", num));
    }
    TRY(line(out, "colour profile", m->icc_description));
    TRY(line(out, "GPS position", m->has_gps ? "yes (private: stripped from derivatives)" : NULL));
    TRY(line(out, "camera make", m->camera_make));
    TRY(line(out, "camera model", m->camera_model));
    TRY(line(out, "serial number", m->serial_number));
    for (size_t i = 0; i < m->notes.n; i++)
        TRY(line(out, "note", m->notes.items[i]));
#undef TRY
abort:
    return st;
}
