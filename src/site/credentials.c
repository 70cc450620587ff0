/*
 * credentials.c — what the "Content Credentials" mark under a photo
 * shows: the C2PA manifest of the published (signed) derivative and,
 * when the original came with one from a camera or an editor, that one
 * too, each as validated by src/c2pa (the same code as `tearsheet
 * verify`). Also the validation results of an original's manifest in
 * the form the signer carries into the derivative's ingredient.
 *
 * Must never: claim more than the validator said (an untrusted signer
 * is "Valid", never "Trusted"), or show a string from a manifest
 * without the template's escaping.
 */
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

static void put(json_t *o, const char *key, const char *value)
{
    if (value && !str_blank(value))
        json_object_set_new(o, key, json_string(value));
    else
        json_object_set_new(o, key, json_null());
}

/* The plain-words summary of one report, for the figure template. */
static json_t *describe(const struct c2pa_report *r)
{
    const struct c2pa_summary *s = &r->summary;
    json_t *o = json_object();
    const char *state = c2pa_state_str(r->state);
    put(o, "state", state);
    json_object_set_new(o, "trusted", json_boolean(r->state == C2PA_STATE_TRUSTED));
    json_object_set_new(o, "invalid", json_boolean(r->state == C2PA_STATE_INVALID));
    json_object_set_new(o, "altered", json_boolean(s->altered));
    put(o, "signer", s->signer_cn);
    put(o, "organisation", s->signer_org);
    put(o, "issuer", s->issuer_cn);
    put(o, "when", s->when);
    put(o, "generator", s->generator);
    json_t *actions = json_array();
    for (size_t i = 0; i < s->n_actions; i++)
        json_array_append_new(actions, json_string(s->actions[i]));
    json_object_set_new(o, "actions", actions);
    json_object_set_new(o, "actions_text", json_null());
    if (s->n_actions) {
        struct buf t;
        buf_init(&t, 4096);
        for (size_t i = 0; i < s->n_actions; i++)
            buf_printf(&t, "%s%s", i ? ", then " : "", s->actions[i]);
        json_object_set_new(o, "actions_text", json_string(t.data));
        buf_free(&t);
    }
    json_t *ingredients = json_array();
    for (size_t i = 0; i < s->n_ingredients; i++) {
        json_t *g = json_object();
        put(g, "title", s->ingredients[i].title);
        put(g, "relationship", s->ingredients[i].relationship);
        json_object_set_new(g, "has_credentials",
                            json_boolean(s->ingredients[i].manifest_label != NULL));
        json_array_append_new(ingredients, g);
    }
    json_object_set_new(o, "has_ingredients", json_boolean(s->n_ingredients > 0));
    json_object_set_new(o, "ingredients", ingredients);
    return o;
}

json_t *site_credentials_of(struct span asset, const char *name, struct span sidecar,
                            const struct c2pa_trust *trust)
{
    struct c2pa_report r;
    struct diag d;
    diag_clear(&d);
    memset(&r, 0, sizeof r);
    json_t *o = NULL;
    enum status st = c2pa_verify(asset, name, trust, &r, &d);
    if (st == ST_OK && !r.has_manifest && !r.unreadable && sidecar.len) {
        c2pa_report_free(&r);
        st = c2pa_verify_sidecar(asset, name, sidecar, trust, &r, &d);
    }
    if (st == ST_OK && r.has_manifest)
        o = describe(&r);
    c2pa_report_free(&r);
    return o;
}

enum status site_credentials_make(const struct site_build *b, const struct site_photo *p,
                                  struct span original, struct span sidecar, json_t **out,
                                  struct diag *d)
{
    *out = NULL;
    json_t *c = json_object();
    json_t *orig = site_credentials_of(original, p->src_path, sidecar, b->trust);
    json_object_set_new(c, "original", orig ? orig : json_null());
    /* the published file a reader can download and check: the largest JPEG */
    const struct image_output *best = NULL;
    for (size_t i = 0; i < p->result.n_outputs; i++) {
        const struct image_output *o = &p->result.outputs[i];
        if (o->format == IMAGE_JPEG && (!best || o->width > best->width))
            best = o;
    }
    json_object_set_new(c, "signed", json_null());
    json_object_set_new(c, "download_width", json_integer(best ? best->width : 0));
    if (best) {
        uint8_t *data = NULL;
        size_t len = 0;
        enum status st = file_read_all(best->path, TS_LIMIT_PHOTO_BYTES, &data, &len, d);
        if (st != ST_OK) {
            json_decref(c);
            return st;
        }
        json_t *mine =
            site_credentials_of(span_make(data, len), best->path, span_make(NULL, 0), b->trust);
        free(data);
        if (mine)
            json_object_set_new(c, "signed", mine);
    }
    *out = c;
    return ST_OK;
}

/* c2pa_sign_results borrow the report's strings: keep the report until
 * the signing is done, then free both. */
enum status site_credentials_results(const struct c2pa_report *r, struct c2pa_sign_results *out)
{
    memset(out, 0, sizeof *out);
    const struct c2pa_status_list *lists[3] = {&r->active.success, &r->active.informational,
                                               &r->active.failure};
    struct c2pa_sign_code *arrays[3] = {NULL, NULL, NULL};
    for (int k = 0; k < 3; k++) {
        size_t n = lists[k]->n;
        arrays[k] = calloc(n ? n : 1, sizeof *arrays[k]);
        if (!arrays[k]) {
            for (int j = 0; j < k; j++)
                free(arrays[j]);
            return ST_NOMEM;
        }
        for (size_t i = 0; i < n; i++) {
            arrays[k][i].code = lists[k]->items[i].code;
            arrays[k][i].url = lists[k]->items[i].url;
            arrays[k][i].explanation = lists[k]->items[i].explanation;
        }
    }
    out->success = arrays[0];
    out->n_success = lists[0]->n;
    out->informational = arrays[1];
    out->n_informational = lists[1]->n;
    out->failure = arrays[2];
    out->n_failure = lists[2]->n;
    return ST_OK;
}

void site_credentials_results_free(struct c2pa_sign_results *r)
{
    free((void *)r->success);
    free((void *)r->informational);
    free((void *)r->failure);
    memset(r, 0, sizeof *r);
}
