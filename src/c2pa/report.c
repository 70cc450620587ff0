/*
 * report.c — the validation report: status lists, trust anchors, and
 * the plain-words account a photographer reads in a terminal.
 *
 * Must never: print a string from the file with control characters
 * (a crafted title could rewrite the terminal); leak on any path.
 *
 * Specs: C2PA 2.2 §15.2 (status codes and their three kinds), §15.3
 * (validation states).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>

#include "c2pa/c2pa_internal.h"

enum status results_add(struct c2pa_results *r, enum c2pa_code code, const char *url,
                        const char *fmt, ...)
{
    enum c2pa_kind kind = c2pa_code_kind(code);
    struct c2pa_status_list *l = kind == C2PA_SUCCESS   ? &r->success
                                 : kind == C2PA_FAILURE ? &r->failure
                                                        : &r->informational;
    char msg[600];
    va_list ap;
    if (code == C2PA_CODE_NONE)
        return ST_INTERNAL; /* a check that passed adds its success code */
    if (l->n >= 4096)
        return ST_LIMIT; /* one entry per assertion; a store has far fewer */
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 8;
        struct c2pa_status *ni = realloc(l->items, ncap * sizeof *ni);
        if (!ni)
            return ST_NOMEM;
        l->items = ni;
        l->cap = ncap;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    struct c2pa_status *s = &l->items[l->n];
    s->id = code;
    s->code = str_dup(c2pa_code_text(code));
    s->url = url ? str_dup(url) : NULL;
    s->explanation = str_dup(msg);
    if (!s->code) {
        free(s->url);
        free(s->explanation);
        return ST_NOMEM;
    }
    l->n++;
    return ST_OK;
}

static void list_free(struct c2pa_status_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].code);
        free(l->items[i].url);
        free(l->items[i].explanation);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

void results_free(struct c2pa_results *r)
{
    list_free(&r->success);
    list_free(&r->informational);
    list_free(&r->failure);
}

bool results_has(const struct c2pa_status_list *l, enum c2pa_code code)
{
    for (size_t i = 0; i < l->n; i++)
        if (l->items[i].id == code)
            return true;
    return false;
}

void c2pa_report_free(struct c2pa_report *r)
{
    if (!r)
        return;
    free(r->error);
    free(r->active_label);
    free(r->sidecar);
    free(r->sidecar_ignored);
    free(r->remote_url);
    results_free(&r->active);
    for (size_t i = 0; i < r->n_deltas; i++) {
        free(r->deltas[i].ingredient_uri);
        results_free(&r->deltas[i].results);
    }
    free(r->deltas);
    struct c2pa_summary *s = &r->summary;
    free(s->signer_cn);
    free(s->signer_org);
    free(s->issuer_cn);
    free(s->when);
    free(s->tsa_name);
    free(s->generator);
    free(s->title);
    free(s->format);
    free(s->alg);
    for (size_t i = 0; i < s->n_action_ids; i++)
        free(s->action_ids[i]);
    free(s->action_ids);
    for (size_t i = 0; i < s->n_actions; i++)
        free(s->actions[i]);
    free(s->actions);
    for (size_t i = 0; i < s->n_ingredients; i++) {
        free(s->ingredients[i].title);
        free(s->ingredients[i].relationship);
        free(s->ingredients[i].manifest_label);
    }
    free(s->ingredients);
    for (size_t i = 0; i < s->n_identities; i++) {
        free(s->identities[i].name);
        free(s->identities[i].org);
        free(s->identities[i].provider);
        free(s->identities[i].type);
    }
    free(s->identities);
    memset(r, 0, sizeof *r);
}

/* C2PA 2.2 §18.14.4.3 (the standard actions) in the words a photo
 * editor would use; an action not listed is shown as its label. */
static const char *action_words(const char *a)
{
    static const struct {
        const char *action, *words;
    } map[] = {
        {"c2pa.created", "created"},
        {"c2pa.opened", "opened"},
        {"c2pa.placed", "placed"},
        {"c2pa.resized", "resized"},
        {"c2pa.cropped", "cropped"},
        {"c2pa.color_adjustments", "colour adjusted"},
        {"c2pa.edited", "edited"},
        {"c2pa.edited.metadata", "metadata edited"}, /* an update manifest's caption fix */
        {"c2pa.converted", "converted to another format"},
        {"c2pa.filtered", "filtered"},
        {"c2pa.orientation", "rotated or flipped"},
        {"c2pa.drawing", "drawn on"},
        {"c2pa.published", "published"},
        {"c2pa.transcoded", "transcoded"},
        {"c2pa.repackaged", "repackaged"},
        {"c2pa.removed", "something removed"},
        {"c2pa.redacted", "redacted"},
        {"c2pa.unknown", "changed in unknown ways"},
        {"c2pa.watermarked", "watermarked"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(a, map[i].action) == 0)
            return map[i].words;
    return a;
}

enum status report_action_words(struct c2pa_summary *s)
{
    if (s->n_action_ids == 0)
        return ST_OK;
    s->actions = calloc(s->n_action_ids, sizeof *s->actions);
    if (!s->actions)
        return ST_NOMEM;
    for (size_t i = 0; i < s->n_action_ids; i++) {
        const char *w = action_words(s->action_ids[i]);
        /* Photoshop writes one c2pa.edited per tool use: say it once */
        if (s->n_actions > 0 && strcmp(s->actions[s->n_actions - 1], w) == 0)
            continue;
        char *words = str_dup(w);
        if (!words)
            return ST_NOMEM; /* c2pa_report_free frees what was made */
        s->actions[s->n_actions++] = words;
    }
    return ST_OK;
}

enum status c2pa_trust_load(const char *pem_path, struct c2pa_trust **out, struct diag *d)
{
    enum status st = ST_OK;
    struct c2pa_trust *t = calloc(1, sizeof *t);
    BIO *bio = NULL;
    X509 *x = NULL;
    *out = NULL;
    if (!t)
        return ST_NOMEM;
    t->store = X509_STORE_new();
    bio = BIO_new_file(pem_path, "r");
    if (!t->store || !bio) {
        st = diag_set(d, ST_IO, "trust", DIAG_NO_OFFSET, "cannot read the trust anchors file");
        goto abort;
    }
    while ((x = PEM_read_bio_X509(bio, NULL, NULL, NULL)) != NULL) {
        X509_STORE_add_cert(t->store, x);
        X509_free(x);
        t->n++;
    }
    if (t->n == 0) {
        st = diag_set(d, ST_MALFORMED, "trust", DIAG_NO_OFFSET,
                      "no PEM certificate in the trust anchors file");
        goto abort;
    }
    *out = t;
    t = NULL;
abort:
    ERR_clear_error();
    BIO_free(bio);
    c2pa_trust_free(t);
    return st;
}

void c2pa_trust_free(struct c2pa_trust *t)
{
    if (!t)
        return;
    X509_STORE_free(t->store);
    free(t);
}

/* A string from the file, with control characters shown as '?'. */
static void put_clean(struct buf *b, const char *s)
{
    for (; s && *s; s++)
        buf_putc(b, ((unsigned char)*s < 0x20 || *s == 0x7F) ? '?' : *s);
}

/* How a CAWG identity was established, in words: "X.509 certificate
 * of ORG, not trusted" or "verified by PROVIDER, social media; the
 * aggregator that vouches for it is not trusted". */
static void put_identity_how(struct buf *b, const struct c2pa_identity *id)
{
    if (id->kind == C2PA_IDENTITY_X509) {
        buf_puts(b, "X.509 certificate");
        if (id->org && strcmp(id->org, id->name) != 0) {
            buf_puts(b, " of ");
            put_clean(b, id->org);
        }
        buf_puts(b, ", not trusted");
        return;
    }
    buf_puts(b, "verified by ");
    put_clean(b, id->provider ? id->provider : "an unnamed provider");
    if (id->type) {
        /* "cawg.social_media" reads "social media" (§7.1.2, verified
         * identity type) */
        char *t = str_dup(strncmp(id->type, "cawg.", 5) == 0 ? id->type + 5 : id->type);
        for (char *c = t; c && *c; c++)
            if (*c == '_')
                *c = ' ';
        buf_puts(b, ", ");
        put_clean(b, t ? t : id->type);
        free(t);
    }
    buf_puts(b, "; the aggregator that vouches for it is not trusted");
}

enum status c2pa_report_describe(const struct c2pa_report *r, struct buf *b)
{
    const struct c2pa_summary *s = &r->summary;
    if (r->sidecar) {
        buf_puts(b, "  (from sidecar ");
        put_clean(b, r->sidecar);
        buf_puts(b, ")\n");
    } else if (r->sidecar_ignored) {
        buf_puts(b, "  (sidecar ");
        put_clean(b, r->sidecar_ignored);
        buf_puts(b, " not read: the photo carries its own content credentials)\n");
    }
    if (r->remote_fetched) {
        buf_puts(b, "  (fetched from ");
        put_clean(b, r->remote_url);
        buf_puts(b, ")\n");
    }
    if (!r->has_manifest && r->remote_url && !r->remote_fetched) {
        buf_puts(b,
                 "  The content credentials are not in the file: it says they are published at ");
        put_clean(b, r->remote_url);
        return buf_puts(b, " (tearsheet verify --fetch fetches and checks them).\n");
    }
    if (!r->has_manifest) {
        const char *e = r->error ? r->error : "no content credentials";
        buf_puts(b, "  ");
        if (strcmp(e, "no content credentials") != 0 && strcmp(e, "unsupported format") != 0)
            buf_puts(b, "content credentials could not be read: ");
        put_clean(b, e);
        return buf_putc(b, '\n');
    }
    switch (r->state) {
    case C2PA_STATE_TRUSTED:
        buf_puts(b, "  Content credentials: valid, signed by a trusted signer.\n");
        break;
    case C2PA_STATE_VALID:
        /* a trusted signer with an identity assertion that did not
         * fully validate is Valid too (CAWG failures are scoped) */
        buf_puts(b, results_has(&r->active.success, C2PA_CODE_SIGNING_CREDENTIAL_TRUSTED)
                        ? "  Content credentials: valid, signed by a trusted signer; an identity "
                          "in it is not trusted or did not fully validate.\n"
                        : "  Content credentials: valid, but the signer is not on the trust "
                          "list.\n");
        break;
    default:
        buf_puts(b, "  Content credentials: INVALID.\n");
        break;
    }
    if (s->signer_cn || s->signer_org) {
        buf_puts(b, "  Signed by: ");
        put_clean(b, s->signer_cn ? s->signer_cn : s->signer_org);
        if (s->signer_org && s->signer_cn && strcmp(s->signer_cn, s->signer_org) != 0) {
            buf_puts(b, " (");
            put_clean(b, s->signer_org);
            buf_puts(b, ")");
        }
        if (s->issuer_cn) {
            buf_puts(b, ", certificate issued by ");
            put_clean(b, s->issuer_cn);
        }
        buf_putc(b, '\n');
    }
    for (size_t i = 0; i < s->n_identities; i++) {
        buf_puts(b, "  Identity: ");
        put_clean(b, s->identities[i].name);
        buf_puts(b, " (");
        put_identity_how(b, &s->identities[i]);
        buf_puts(b, ")\n");
    }
    if (s->when) {
        buf_puts(b, "  When: ");
        put_clean(b, s->when);
        if (s->when_from_tst) {
            buf_puts(b, " (time-stamp");
            if (s->tsa_name) {
                buf_puts(b, " by ");
                put_clean(b, s->tsa_name);
            }
            buf_puts(b, ")");
        } else {
            buf_puts(b, " (signer's own clock)");
        }
        buf_putc(b, '\n');
    }
    if (s->generator) {
        buf_puts(b, "  With: ");
        put_clean(b, s->generator);
        buf_putc(b, '\n');
    }
    if (s->n_actions) {
        buf_puts(b, "  What was done: ");
        for (size_t i = 0; i < s->n_actions; i++) {
            if (i)
                buf_puts(b, ", ");
            put_clean(b, s->actions[i]);
        }
        buf_putc(b, '\n');
    }
    for (size_t i = 0; i < s->n_ingredients; i++) {
        const struct c2pa_ingredient_info *in = &s->ingredients[i];
        buf_puts(b, "  Made from: ");
        put_clean(b, in->title ? in->title : "(untitled)");
        if (in->relationship) {
            buf_puts(b, " [");
            put_clean(b, in->relationship);
            buf_puts(b, "]");
        }
        buf_puts(b, in->manifest_label ? ", which has its own content credentials\n"
                                       : ", which has no content credentials\n");
    }
    if (s->has_thumbnail)
        buf_puts(b, "  A thumbnail of the signed image is embedded.\n");
    if (s->altered)
        buf_puts(b, "  The image was changed after it was signed.\n");
    for (size_t i = 0; i < r->active.failure.n; i++) {
        const struct c2pa_status *f = &r->active.failure.items[i];
        if (f->id == C2PA_CODE_SIGNING_CREDENTIAL_UNTRUSTED)
            continue; /* the first line already says so */
        buf_puts(b, "  problem: ");
        put_clean(b, f->code);
        buf_puts(b, ": ");
        put_clean(b, f->explanation);
        buf_putc(b, '\n');
    }
    return ST_OK;
}

/* Before a build: what a verifier will show for what we sign. */
enum status c2pa_signer_describe(const struct c2pa_signer_facts *f, const char *tsa_name,
                                 struct buf *b)
{
    enum status st = buf_puts(b, "signing as ");
    put_clean(b, f->signer);
    if (f->demo) {
        st =
            st != ST_OK
                ? st
                : buf_puts(
                      b,
                      " (the untrusted demo key: verifiers show Valid, untrusted, and Trusted only "
                      "when given its trust-anchor.pem)");
    } else {
        st = st != ST_OK ? st : buf_puts(b, "; verifiers that trust ");
        put_clean(b, f->anchor);
        st = st != ST_OK
                 ? st
                 : buf_puts(
                       b,
                       " will show Trusted; others Valid, untrusted (signingCredential.untrusted)");
    }
    if (f->site_trusts)
        st = st != ST_OK
                 ? st
                 : buf_puts(b, "; this site's trust: anchors trust it, so its panels say Trusted");
    st = st != ST_OK ? st : buf_printf(b, ". The certificate expires on %s", f->expires);
    if (tsa_name) {
        st = st != ST_OK ? st : buf_puts(b, "; every signature carries a time-stamp from ");
        put_clean(b, tsa_name);
        st = st != ST_OK ? st : buf_puts(b, ", so it stays valid after that.");
    } else {
        st = st != ST_OK
                 ? st
                 : buf_puts(
                       b, "; without a tsa_url: under signing:, verifiers will call what it signed "
                          "Invalid (signingCredential.expired) after that.");
    }
    /* put_clean's characters are unchecked: a short buffer is caught
     * by the sentence's last append */
    return st;
}
