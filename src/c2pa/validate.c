/*
 * validate.c — validates a C2PA manifest store against its asset: the
 * active manifest's claim, signature, time-stamp, credential, hashed
 * URIs and hard binding, then each ingredient's manifest recursively.
 * Produces the spec's status codes and the Invalid/Valid/Trusted state.
 *
 * Must never: hash re-encoded CBOR (hashed URIs cover the stored
 * superbox contents; the signature covers the stored claim bytes);
 * accept a data-hash exclusion that covers more or less than the C2PA
 * segments; follow an ingredient deeper than
 * TS_LIMIT_C2PA_INGREDIENT_DEPTH; fetch anything (OCSP is "skipped").
 *
 * Specs: C2PA 2.2 §15 (validation: §15.5 locate, §15.6 claim, §15.7
 * signature, §15.8 time-stamp, §15.10 assertions, §15.11 ingredients,
 * §15.12 hard bindings), §8.4 (hashed URIs), §14.5.1 (certificate
 * profile), §18.5 (c2pa.hash.data), §18.7 (c2pa.hash.boxes),
 * "Update Manifests" (an update manifest's asset is checked through
 * its parent's hard binding, as c2pa-rs 0.92 does).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>
#include <openssl/x509v3.h>

#include "c2pa/bmff_internal.h"

struct vctx {
    struct span asset;
    const char *format;
    struct c2pa_store_loc loc; /* where the store is, and what must be excluded */
    struct span store;
    struct c2pa_jumbf *j;
    const struct c2pa_trust *trust;
    struct c2pa_report *r;
    struct diag *d;
    /* Set when the active manifest cannot be read as C2PA 1.0+ at all
     * (no hash algorithm anywhere, pre-release URIs): reported like
     * the reference implementation, as a store that could not be read. */
    const char *unreadable;
    char unreadable_buf[320]; /* "could not decode assertion <label>: not CBOR" */
    /* Manifests already validated as someone's ingredient: each is done
     * once, so a store whose ingredients all point at each other costs
     * one pass per manifest, not fan-out^depth. */
    uint8_t *seen;
    /* The active manifest is an update manifest (C2PA "Update
     * Manifests"): the asset is bound by `binding`, the nearest parent
     * manifest with a hard binding, whose data-hash exclusion then
     * covers the whole store. */
    bool update_active;
    size_t binding;
};

static char *url_of(const struct vctx *v, size_t manifest, const char *rest)
{
    struct buf b;
    buf_init(&b, 4096);
    buf_printf(&b, "self#jumbf=/c2pa/%s%s%s", v->j->nodes[manifest].label, rest ? "/" : "",
               rest ? rest : "");
    return buf_detach(&b, NULL);
}

/* Label path of a node below its manifest ("c2pa.assertions/x"). */
static char *node_url(const struct vctx *v, size_t node)
{
    const char *parts[TS_LIMIT_JUMBF_DEPTH + 2];
    size_t n = 0;
    for (size_t at = node; at != JUMBF_NONE && at != 0 && n < TS_LIMIT_JUMBF_DEPTH + 2;
         at = v->j->nodes[at].parent)
        parts[n++] = v->j->nodes[at].label;
    struct buf b;
    buf_init(&b, 4096);
    buf_puts(&b, "self#jumbf=/c2pa");
    while (n > 0)
        buf_printf(&b, "/%s", parts[--n]);
    return buf_detach(&b, NULL);
}

/* Hash of a superbox's contents (§8.4.2.3: after its own header). */
static bool hash_node(const struct vctx *v, size_t node, const EVP_MD *md, struct span want)
{
    unsigned char dg[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    struct span p = v->j->nodes[node].payload;
    return EVP_Digest(p.ptr, p.len, dg, &n, md, NULL) == 1 && n == want.len &&
           memcmp(dg, want.ptr, n) == 0;
}

/* 1.x writers put the hash of the ingredient manifest's claim bytes
 * (the claim's cbor box content) in c2pa_manifest; c2pa-rs accepts
 * this "legacy ingredient hash" (corpus legacy_ingredient_hash.jpg and
 * the adobe-20220124 files). */
static bool hash_legacy_claim(const struct vctx *v, size_t manifest, const EVP_MD *md,
                              struct span want)
{
    unsigned char dg[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    size_t cl = jumbf_child(v->j, manifest, "c2pa.claim", NULL);
    size_t box = jumbf_content(v->j, cl);
    if (box == JUMBF_NONE || strcmp(v->j->nodes[box].type, "cbor") != 0)
        return false;
    struct span p = v->j->nodes[box].payload;
    return EVP_Digest(p.ptr, p.len, dg, &n, md, NULL) == 1 && n == want.len &&
           memcmp(dg, want.ptr, n) == 0;
}

/* The CBOR content of an assertion superbox (NULL if not cbor). */
static cbor_item_t *assertion_cbor(const struct vctx *v, size_t node, struct diag *d)
{
    size_t c = jumbf_content(v->j, node);
    if (c == JUMBF_NONE || strcmp(v->j->nodes[c].type, "cbor") != 0)
        return NULL;
    return cborx_load(v->j->nodes[c].payload, d);
}

/* ---- hard bindings ---- */

struct range {
    uint64_t start, len;
};

static int range_cmp(const void *a, const void *b)
{
    const struct range *x = a, *y = b;
    return x->start < y->start ? -1 : x->start > y->start;
}

/* Every range the store's place needs excluded (locate.c: the
 * segments, chunk, block, box or text; for TIFF also the tag's count)
 * is one of the exclusions. A RIFF chunk of odd length is followed by
 * a pad byte, which writers may or may not count. */
static bool excl_exact(const struct vctx *v, const struct range *rs, size_t nr)
{
    bool webp = strcmp(v->format, "image/webp") == 0;
    for (size_t k = 0; k < v->loc.n_excl; k++) {
        size_t start = v->loc.excl[k].start, len = v->loc.excl[k].len;
        bool found = false;
        for (size_t i = 0; i < nr && !found; i++)
            found = rs[i].start == start &&
                    (rs[i].len == len || (webp && rs[i].len % 2 == 1 && rs[i].len + 1 == len));
        if (!found)
            return false;
    }
    return true;
}

/* An update manifest grew the store after the parent manifest's data
 * hash was written, so its exclusion (the store as it was then) is
 * short. c2pa-rs 0.92 claim.rs Claim::verify_hash_binding, when
 * `svi.update_manifest_label` is set: the exclusion that starts where
 * the store starts becomes the whole store, and exclusions after it
 * move by what it grew. The store's own bytes are the last range
 * locate.c found (TIFF: the tag's value, after its count). */
static void widen_to_store(const struct vctx *v, struct range *rs, size_t nr)
{
    uint64_t start = v->loc.excl[v->loc.n_excl - 1].start;
    uint64_t len = v->loc.excl[v->loc.n_excl - 1].len;
    for (size_t i = 0; i < nr; i++) {
        if (rs[i].start != start)
            continue;
        uint64_t grew = len > rs[i].len ? len - rs[i].len : 0; /* saturating_sub */
        rs[i].len = len;
        for (size_t k = 0; start > 0 && k < nr; k++)
            if (rs[k].start > start)
                rs[k].start += grew;
        return;
    }
}

static void check_data_hash(struct vctx *v, struct c2pa_results *res, size_t node,
                            const char *claim_alg)
{
    char *url = node_url(v, node);
    struct diag d;
    cbor_item_t *m = assertion_cbor(v, node, &d);
    struct range *rs = NULL;
    EVP_MD_CTX *ctx = NULL;
    struct span want;
    size_t nr = 0;
    enum c2pa_code code = C2PA_CODE_ASSERTION_DATA_HASH_MISMATCH;
    char why[160] = "the image was changed after it was signed";
    char *alg = NULL;
    if (!m || !cborx_bytes(cborx_get(m, "hash"), &want)) {
        code = C2PA_CODE_ASSERTION_DATA_HASH_MALFORMED;
        snprintf(why, sizeof why, "data hash assertion is not a map with a hash");
        goto done;
    }
    alg = cborx_str(cborx_get(m, "alg"));
    const EVP_MD *md = md_by_name(alg ? alg : claim_alg);
    if (!md) {
        code = C2PA_CODE_ALGORITHM_UNSUPPORTED;
        snprintf(why, sizeof why, "unsupported hash algorithm");
        goto done;
    }
    cbor_item_t *ex = cborx_get(m, "exclusions");
    if (ex && cbor_isa_array(ex)) {
        size_t cnt = cbor_array_size(ex);
        rs = calloc(cnt ? cnt : 1, sizeof *rs);
        if (!rs)
            goto done;
        cbor_item_t **xs = cbor_array_handle(ex);
        for (size_t i = 0; i < cnt; i++) {
            int64_t s = -1, l = -1;
            if (!cborx_int(cborx_get(xs[i], "start"), &s) ||
                !cborx_int(cborx_get(xs[i], "length"), &l) || s < 0 || l < 0) {
                code = C2PA_CODE_ASSERTION_DATA_HASH_MALFORMED;
                snprintf(why, sizeof why, "exclusion %zu has no valid start/length", i);
                goto done;
            }
            rs[nr].start = (uint64_t)s;
            rs[nr].len = (uint64_t)l;
            nr++;
        }
    }
    if (v->update_active && v->loc.embedded && v->loc.n_excl > 0)
        widen_to_store(v, rs, nr);
    qsort(rs, nr, sizeof *rs, range_cmp);
    for (size_t i = 0; i < nr; i++) {
        if (rs[i].start > v->asset.len || rs[i].len > v->asset.len - rs[i].start) {
            snprintf(why, sizeof why, "exclusion runs past the end of the file");
            goto done;
        }
        if (i > 0 && rs[i - 1].start + rs[i - 1].len > rs[i].start) {
            code = C2PA_CODE_ASSERTION_DATA_HASH_MALFORMED;
            snprintf(why, sizeof why, "exclusions overlap");
            goto done;
        }
    }
    /* §15.12.1.2: the exclusion must be exactly the C2PA segments
     * (JPEG), chunk (PNG caBX, WebP C2PA), block (GIF), box (JPEG XL),
     * text (SVG) or tag value and count (TIFF), or bytes could hide
     * unhashed next to the store. */
    if (v->loc.embedded && !excl_exact(v, rs, nr)) {
        snprintf(why, sizeof why, "the excluded bytes are not exactly the content credentials %s",
                 strcmp(v->format, "image/jpeg") == 0      ? "segments"
                 : strcmp(v->format, "image/gif") == 0     ? "extension block"
                 : strcmp(v->format, "image/tiff") == 0    ? "tag"
                 : strcmp(v->format, "image/jxl") == 0     ? "box"
                 : strcmp(v->format, "image/svg+xml") == 0 ? "element text"
                                                           : "chunk");
        goto done;
    }
    unsigned char dg[EVP_MAX_MD_SIZE];
    unsigned int dn = 0;
    ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestInit_ex(ctx, md, NULL) != 1)
        goto done;
    uint64_t at = 0;
    for (size_t i = 0; i <= nr; i++) {
        uint64_t end = i < nr ? rs[i].start : v->asset.len;
        if (end > at)
            EVP_DigestUpdate(ctx, v->asset.ptr + at, (size_t)(end - at));
        if (i < nr)
            at = rs[i].start + rs[i].len;
    }
    EVP_DigestFinal_ex(ctx, dg, &dn);
    if (dn == want.len && memcmp(dg, want.ptr, dn) == 0) {
        code = C2PA_CODE_ASSERTION_DATA_HASH_MATCH;
        snprintf(why, sizeof why, "data hash valid");
    }
done:
    v->r->summary.altered = v->r->summary.altered || code == C2PA_CODE_ASSERTION_DATA_HASH_MISMATCH;
    results_add(res, code, url, "%s", why);
    EVP_MD_CTX_free(ctx);
    free(rs);
    free(alg);
    free(url);
    if (m)
        cbor_decref(&m);
}

/* §18.6: BMFF hashes live in hash_bmff.c */
static void check_bmff_hash(struct vctx *v, struct c2pa_results *res, size_t node,
                            const char *claim_alg)
{
    char *url = node_url(v, node);
    size_t c = jumbf_content(v->j, node);
    struct span p = c != JUMBF_NONE && strcmp(v->j->nodes[c].type, "cbor") == 0
                        ? v->j->nodes[c].payload
                        : span_make(NULL, 0);
    if (c2pa_bmff_hash_check(v->asset, p, v->j->nodes[node].label, claim_alg, url, res))
        v->r->summary.altered = true;
    free(url);
}

/* ---- certificate checks ---- */

static bool chain_trusted(const struct vctx *v, STACK_OF(X509) * chain, time_t at)
{
    return v->trust && cert_chain_trusted(v->trust->store, chain, at);
}

static char *name_part(X509_NAME *n, int nid)
{
    char s[256];
    if (X509_NAME_get_text_by_NID(n, nid, s, sizeof s) <= 0)
        return NULL;
    return str_dup(s);
}

static char *iso_time(time_t t)
{
    char s[32];
    struct tm tm;
    if (!gmtime_r(&t, &tm))
        return NULL;
    strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return str_dup(s);
}

/* ---- the summary (active manifest only) ---- */

/* The action labels as the claim lists them; report.c says them in
 * words. */
static void summary_actions(struct vctx *v, const cbor_item_t *m)
{
    struct c2pa_summary *s = &v->r->summary;
    const cbor_item_t *acts = cborx_get(m, "actions");
    if (!acts || !cbor_isa_array(acts))
        return;
    cbor_item_t **xs = cbor_array_handle(acts);
    for (size_t i = 0; i < cbor_array_size(acts) && s->n_action_ids < 64; i++) {
        char *a = cborx_str(cborx_get(xs[i], "action"));
        if (!a)
            continue;
        char **na = realloc(s->action_ids, (s->n_action_ids + 1) * sizeof *na);
        if (!na) {
            free(a);
            return; /* out of memory: the summary stops here, never a NULL entry */
        }
        s->action_ids = na;
        s->action_ids[s->n_action_ids++] = a;
    }
}

static void summary_ingredient(struct vctx *v, const cbor_item_t *m, size_t manifest_node)
{
    struct c2pa_summary *s = &v->r->summary;
    if (s->n_ingredients >= 64)
        return;
    struct c2pa_ingredient_info *ni = realloc(s->ingredients, (s->n_ingredients + 1) * sizeof *ni);
    if (!ni)
        return;
    s->ingredients = ni;
    struct c2pa_ingredient_info *in = &ni[s->n_ingredients++];
    in->title = cborx_str(cborx_get(m, "dc:title"));
    in->relationship = cborx_str(cborx_get(m, "relationship"));
    in->manifest_label =
        manifest_node != JUMBF_NONE ? str_dup(v->j->nodes[manifest_node].label) : NULL;
}

static void summary_generator(struct vctx *v, const cbor_item_t *claim)
{
    struct c2pa_summary *s = &v->r->summary;
    const cbor_item_t *gi = cborx_get(claim, "claim_generator_info");
    struct buf b;
    buf_init(&b, 1024);
    const cbor_item_t *one = gi && cbor_isa_map(gi) ? gi : NULL;
    size_t n = gi && cbor_isa_array(gi) ? cbor_array_size(gi) : 0;
    for (size_t i = 0; i < (one ? 1 : n); i++) {
        const cbor_item_t *g = one ? one : cbor_array_handle(gi)[i];
        char *name = cborx_str(cborx_get(g, "name"));
        char *ver = cborx_str(cborx_get(g, "version"));
        if (name)
            buf_printf(&b, "%s%s%s%s", b.len ? ", " : "", name, ver ? " " : "", ver ? ver : "");
        free(name);
        free(ver);
    }
    if (b.len == 0) {
        char *cg = cborx_str(cborx_get(claim, "claim_generator"));
        if (cg)
            buf_puts(&b, cg);
        free(cg);
    }
    s->generator = b.len ? buf_detach(&b, NULL) : NULL;
    buf_free(&b);
    s->title = cborx_str(cborx_get(claim, "dc:title"));
    s->format = cborx_str(cborx_get(claim, "dc:format"));
}

/* ---- one manifest ---- */

static size_t find_manifest_by_url(const struct vctx *v, const char *url)
{
    size_t n = jumbf_resolve(v->j, JUMBF_NONE, url);
    if (n == JUMBF_NONE || v->j->nodes[n].parent != 0)
        return JUMBF_NONE;
    return n;
}

static enum status validate_manifest(struct vctx *v, size_t man, struct c2pa_results *res,
                                     int depth, bool active);

static bool label_is(const char *label, const char *base)
{
    size_t n = strlen(base);
    return strncmp(label, base, n) == 0 &&
           (label[n] == 0 || label[n] == '.' || strncmp(label + n, "__", 2) == 0);
}

/* The manifest label in "self#jumbf=/c2pa/<label>[/...]" (c2pa-rs
 * jumbf/labels.rs manifest_label_from_uri), malloc'd, or NULL. */
static char *manifest_label_of(const char *url)
{
    static const char pre[] = "self#jumbf=/c2pa/";
    if (!url || strncmp(url, pre, sizeof pre - 1) != 0)
        return NULL;
    const char *l = url + sizeof pre - 1, *end = strchr(l, '/');
    size_t n = end ? (size_t)(end - l) : strlen(l);
    return n ? str_ndup(l, n) : NULL;
}

/*
 * One ingredient assertion, as c2pa-rs 0.92 checks it (sdk/src/store.rs
 * Store::ingredient_checks): every status from
 * `validation_log.push_ingredient_uri(..)` on goes to the ingredient's
 * delta (status_tracker/mod.rs StatusTracker::add_error/add_non_error
 * stamp the top of that stack as the item's ingredient_uri, and
 * validation_results.rs ValidationResults::add_status files an item
 * with one under that ingredient's delta), not to the manifest that
 * holds it: ingredient.manifest.* included. Only an assertion that
 * cannot be parsed is logged before the push, so its
 * assertion.ingredient.malformed stays with the holding manifest
 * (`res`). With a manifest reference: a v3 ingredient without validationResults is
 * assertion.ingredient.malformed; the referenced manifest missing is
 * ingredient.manifest.missing (url: its label); the manifest box hash
 * matching is ingredient.manifest.validated, the 1.x claim hash
 * matching says nothing, neither matching is ingredient.manifest.mismatch;
 * then the ingredient's manifest is validated (Claim::verify_claim).
 * Without one, ingredient.unknownProvenance unless the relationship is
 * inputTo (§15.11.3.3).
 */
static void check_ingredient(struct vctx *v, struct c2pa_results *res, size_t node,
                             const char *claim_alg, int depth, bool active)
{
    struct diag d;
    cbor_item_t *m = assertion_cbor(v, node, &d);
    char *iurl = node_url(v, node);
    char *murl = NULL, *malg = NULL, *rel = NULL;
    size_t target = JUMBF_NONE;
    struct c2pa_results tmp;
    memset(&tmp, 0, sizeof tmp);
    if (!m) {
        /* store.rs ingredient_checks: logged before push_ingredient_uri,
         * so filed with the manifest that holds the assertion */
        results_add(res, C2PA_CODE_ASSERTION_INGREDIENT_MALFORMED, iurl,
                    "ingredient assertion could not be parsed");
        goto done;
    }
    const cbor_item_t *hu = cborx_get(m, "activeManifest");
    if (!hu)
        hu = cborx_get(m, "c2pa_manifest");
    struct span want;
    if (hu) {
        murl = cborx_str(cborx_get(hu, "url"));
        malg = cborx_str(cborx_get(hu, "alg"));
        if (label_is(v->j->nodes[node].label, "c2pa.ingredient.v3") &&
            !cborx_get(m, "validationResults"))
            results_add(&tmp, C2PA_CODE_ASSERTION_INGREDIENT_MALFORMED, iurl,
                        "ingredient v3 must have validation results");
        target = murl ? find_manifest_by_url(v, murl) : JUMBF_NONE;
        const EVP_MD *md = md_by_name(malg ? malg : claim_alg);
        bool have = md && cborx_bytes(cborx_get(hu, "hash"), &want);
        if (target == JUMBF_NONE) {
            char *label = manifest_label_of(murl);
            results_add(&tmp, C2PA_CODE_INGREDIENT_MANIFEST_MISSING, label ? label : murl,
                        "ingredient not found");
            free(label);
        } else if (have && hash_node(v, target, md, want)) {
            results_add(&tmp, C2PA_CODE_INGREDIENT_MANIFEST_VALIDATED, murl,
                        "ingredient hash matched");
        } else if (!have || !hash_legacy_claim(v, target, md, want)) {
            results_add(&tmp, C2PA_CODE_INGREDIENT_MANIFEST_MISMATCH, murl,
                        "ingredient hash incorrect");
        }
    } else {
        rel = cborx_str(cborx_get(m, "relationship"));
        if (!rel || strcmp(rel, "inputTo") != 0) {
            char *title = cborx_str(cborx_get(m, "dc:title"));
            results_add(&tmp, C2PA_CODE_INGREDIENT_UNKNOWN_PROVENANCE, iurl,
                        "%s: ingredient does not have provenance", title ? title : "no title");
            free(title);
        }
    }
    if (active)
        summary_ingredient(v, m, target);
    /* Results go to a local first: validating the ingredient adds
     * deltas of its own ingredients, which moves v->r->deltas. */
    if (target != JUMBF_NONE && depth < TS_LIMIT_C2PA_INGREDIENT_DEPTH && !v->seen[target]) {
        v->seen[target] = 1;
        validate_manifest(v, target, &tmp, depth + 1, false);
    }
    struct c2pa_delta *nd = realloc(v->r->deltas, (v->r->n_deltas + 1) * sizeof *nd);
    if (!nd) {
        results_free(&tmp);
        goto done;
    }
    v->r->deltas = nd;
    nd[v->r->n_deltas].ingredient_uri = str_dup(iurl);
    nd[v->r->n_deltas].results = tmp;
    if (!nd[v->r->n_deltas].ingredient_uri) {
        results_free(&tmp);
        goto done;
    }
    v->r->n_deltas++;
done:
    free(murl);
    free(malg);
    free(rel);
    free(iurl);
    if (m)
        cbor_decref(&m);
}

/* §15.9: stapled OCSP responses (ocsp.c); nothing is fetched, so
 * without a usable one the check is reported skipped. */
static void report_revocation(const struct ocsp_result *o, struct c2pa_results *res,
                              const char *surl)
{
    if (o->verdict == OCSP_NOT_REVOKED)
        results_add(res, C2PA_CODE_SIGNING_CREDENTIAL_OCSP_NOT_REVOKED, surl, "%s", o->message);
    else if (o->verdict == OCSP_REVOKED)
        results_add(res, C2PA_CODE_SIGNING_CREDENTIAL_OCSP_REVOKED, surl, "%s", o->message);
    else if (o->verdict == OCSP_UNKNOWN)
        results_add(res, C2PA_CODE_SIGNING_CREDENTIAL_OCSP_UNKNOWN, surl, "%s", o->message);
    else
        results_add(res, C2PA_CODE_SIGNING_CREDENTIAL_OCSP_SKIPPED, surl,
                    "OCSP fetching skipped%s%s", o->message[0] ? "; " : "", o->message);
}

static void check_signature(struct vctx *v, size_t man, struct c2pa_results *res,
                            struct span claim_bytes, int version, bool active)
{
    char *surl = url_of(v, man, "c2pa.signature");
    struct cose_sign1 cose = {0};
    struct diag d;
    char *tsa = NULL;
    size_t sig = jumbf_child(v->j, man, "c2pa.signature", NULL);
    size_t box = jumbf_content(v->j, sig);
    if (box == JUMBF_NONE || strcmp(v->j->nodes[box].type, "cbor") != 0) {
        results_add(res, C2PA_CODE_CLAIM_SIGNATURE_MISSING, surl, "claim signature missing");
        goto abort;
    }
    enum status st = cose_parse(v->j->nodes[box].payload, &cose, &d);
    if (st == ST_UNSUPPORTED) {
        results_add(res, C2PA_CODE_ALGORITHM_UNSUPPORTED, surl, "%s", d.message);
        goto abort;
    }
    if (st != ST_OK) {
        results_add(res, C2PA_CODE_CLAIM_SIGNATURE_MISMATCH, surl, "%s", d.message);
        goto abort;
    }
    time_t when = time(NULL), gen = 0;
    bool have_tst = false;
    struct tst_result tr;
    st = cose_tst_check(&cose, claim_bytes, v->trust ? v->trust->store : NULL, version < 2, &tr);
    if (st == ST_OK) {
        /* §15.8.2: only a validated and trusted time-stamp gives the
         * attested time; otherwise it is ignored (informational) */
        if (tr.validated)
            results_add(res, C2PA_CODE_TIME_STAMP_VALIDATED, surl,
                        "timestamp message digest matched: %s", tr.tsa_name ? tr.tsa_name : "");
        if (tr.trusted) {
            have_tst = true;
            when = gen = tr.gen_time;
            results_add(res, C2PA_CODE_TIME_STAMP_TRUSTED, surl, "%s: %s",
                        tr.tsa_name ? tr.tsa_name : "TSA", tr.message);
            tsa = tr.tsa_name;
            tr.tsa_name = NULL;
        } else if (tr.code) {
            results_add(res, tr.code, surl, "%s", tr.message);
        }
    }
    tst_result_free(&tr);
    X509 *leaf = sk_X509_value(cose.chain, 0);
    const char *prob = c2pa_cert_profile_problem(leaf);
    char chain_why[300];
    if (prob)
        results_add(res, C2PA_CODE_SIGNING_CREDENTIAL_INVALID, surl, "%s", prob);
    else if (!cert_chain_profile(cose.chain, chain_why, sizeof chain_why))
        results_add(res, C2PA_CODE_SIGNING_CREDENTIAL_INVALID, surl, "%s", chain_why);
    bool inside = X509_cmp_time(X509_get0_notBefore(leaf), &when) < 0 &&
                  X509_cmp_time(X509_get0_notAfter(leaf), &when) > 0;
    /* the signature step ends at its first failure (§15.7, §15.8.2,
     * §15.9): its success codes only when the signature and validity
     * hold, and a revoked certificate rejects the claim signature */
    struct ocsp_result ocsp;
    if (ocsp_check_stapled(&cose, v->trust ? v->trust->store : NULL, have_tst ? &gen : NULL,
                           &ocsp) != ST_OK)
        ocsp.verdict = OCSP_NONE;
    bool revoked = ocsp.verdict == OCSP_REVOKED;
    enum status sig_st = cose_verify(&cose, claim_bytes, &d);
    if (inside && sig_st == ST_OK)
        results_add(res, C2PA_CODE_CLAIM_SIGNATURE_INSIDE_VALIDITY, surl, "claim signature valid");
    if (inside && sig_st == ST_OK && !revoked)
        results_add(res, C2PA_CODE_CLAIM_SIGNATURE_VALIDATED, surl, "claim signature valid");
    if (!inside && have_tst)
        results_add(res, C2PA_CODE_CLAIM_SIGNATURE_OUTSIDE_VALIDITY, surl,
                    "certificate was not valid at the time-stamp's time");
    else if (!inside)
        results_add(res, C2PA_CODE_SIGNING_CREDENTIAL_EXPIRED, surl,
                    "certificate has expired and there is no time-stamp");
    if (sig_st == ST_UNSUPPORTED)
        results_add(res, C2PA_CODE_ALGORITHM_UNSUPPORTED, surl, "%s", d.message);
    else if (sig_st != ST_OK)
        results_add(res, C2PA_CODE_CLAIM_SIGNATURE_MISMATCH, surl, "%s", d.message);
    /* revoked: neither trusted nor untrusted, the credential is void */
    if (!revoked && chain_trusted(v, cose.chain, when))
        results_add(res, C2PA_CODE_SIGNING_CREDENTIAL_TRUSTED, surl, "signing certificate trusted");
    else if (!revoked)
        results_add(res, C2PA_CODE_SIGNING_CREDENTIAL_UNTRUSTED, surl,
                    "signing certificate untrusted");
    report_revocation(&ocsp, res, surl);
    if (active) {
        struct c2pa_summary *s = &v->r->summary;
        X509_NAME *sn = X509_get_subject_name(leaf);
        s->signer_cn = name_part(sn, NID_commonName);
        s->signer_org = name_part(sn, NID_organizationName);
        s->issuer_cn = name_part(X509_get_issuer_name(leaf), NID_commonName);
        s->alg = str_dup(cose_alg_name(cose.alg));
        if (have_tst) {
            s->when = iso_time(gen);
            s->when_from_tst = true;
            s->tsa_name = tsa;
            tsa = NULL;
        } else if (cose.has_iat) {
            s->when = iso_time((time_t)cose.iat);
        }
    }
abort:
    free(tsa);
    free(surl);
    cose_free(&cose);
}

/* An actions, ingredient or hard-binding assertion whose CBOR is not
 * well-formed, in a manifest being validated. c2pa-rs 0.92 decodes these
 * with `?` while it validates (claim.rs Claim::verify_claim's actions
 * checks, Claim::verify_hash_binding's DataHash::from_assertion,
 * store.rs Store::ingredient_checks' Ingredient::from_assertion), so
 * the error ends Store::verify_store and the reader reports no manifest
 * (C2pa(AssertionDecoding(..))): the store could not be read. */
static bool must_decode(const struct vctx *v, size_t node)
{
    const char *label = v->j->nodes[node].label;
    size_t c = jumbf_content(v->j, node);
    struct diag d;
    if (!(label_is(label, "c2pa.actions") || label_is(label, "c2pa.ingredient") ||
          label_is(label, "c2pa.hash.data") || label_is(label, "c2pa.hash.bmff") ||
          label_is(label, "c2pa.hash.boxes")))
        return false;
    return c != JUMBF_NONE && strcmp(v->j->nodes[c].type, "cbor") == 0 &&
           c2pa_cbor_check(v->j->nodes[c].payload, &d) != ST_OK;
}

/* The asset against one hard-binding assertion: its results (match or
 * mismatch) go to `res`. */
static void check_binding(struct vctx *v, struct c2pa_results *res, size_t node,
                          const char *claim_alg)
{
    const char *label = v->j->nodes[node].label;
    size_t content = jumbf_content(v->j, node);
    if (label_is(label, "c2pa.hash.data"))
        check_data_hash(v, res, node, claim_alg);
    else if (label_is(label, "c2pa.hash.bmff"))
        check_bmff_hash(v, res, node, claim_alg);
    else if (label_is(label, "c2pa.hash.boxes")) {
        /* not CBOR: an empty payload, reported malformed */
        struct span p = {0};
        if (content != JUMBF_NONE && strcmp(v->j->nodes[content].type, "cbor") == 0)
            p = v->j->nodes[content].payload;
        char *u = node_url(v, node);
        if (boxes_hash_check(v->asset, v->format, p, claim_alg, u, res))
            v->r->summary.altered = true;
        free(u);
    } else {
        /* a hard binding this validator does not know (collection
         * hashes): reported unverified rather than guessed */
        char *u = node_url(v, node);
        results_add(res, C2PA_CODE_ALGORITHM_UNSUPPORTED, u,
                    "hard binding %s is not supported by tearsheet", label);
        free(u);
    }
}

/* ---- update manifests (C2PA 2.2 "Update Manifests") ---- */

static bool is_update(const struct vctx *v, size_t man)
{
    return jumbf_uuid_is(&v->j->nodes[man], "c2um");
}

static bool is_hard_binding(const char *label)
{
    return label_is(label, "c2pa.hash.data") || label_is(label, "c2pa.hash.boxes") ||
           label_is(label, "c2pa.hash.bmff");
}

/* The first labelled assertion of `man` after `after` (JUMBF_NONE:
 * from the start) whose label is `base` or an instance of it. */
static size_t next_assertion(const struct vctx *v, size_t man, size_t after, const char *base)
{
    size_t n;
    if (after != JUMBF_NONE) {
        n = v->j->nodes[after].next_sibling;
    } else {
        size_t as = jumbf_child(v->j, man, "c2pa.assertions", NULL);
        n = as != JUMBF_NONE ? v->j->nodes[as].first_child : JUMBF_NONE;
    }
    for (; n != JUMBF_NONE; n = v->j->nodes[n].next_sibling)
        if (v->j->nodes[n].has_label &&
            (base ? label_is(v->j->nodes[n].label, base) : is_hard_binding(v->j->nodes[n].label)))
            return n;
    return JUMBF_NONE;
}

/* An ingredient assertion as c2pa-rs's Ingredient::from_assertion
 * sees it: -1 when it does not decode, 1 for relationship parentOf
 * (*parent: its manifest in the store, or JUMBF_NONE; *bad_url: it
 * names a manifest, but not as a JUMBF manifest URI), else 0. */
static int parent_ingredient(const struct vctx *v, size_t node, size_t *parent, bool *bad_url)
{
    struct diag d;
    cbor_item_t *m = assertion_cbor(v, node, &d);
    *parent = JUMBF_NONE;
    *bad_url = false;
    if (!m || !cbor_isa_map(m)) {
        if (m)
            cbor_decref(&m);
        return -1;
    }
    char *rel = cborx_str(cborx_get(m, "relationship"));
    int r = rel && strcmp(rel, "parentOf") == 0;
    const cbor_item_t *hu = cborx_get(m, "activeManifest");
    if (!hu)
        hu = cborx_get(m, "c2pa_manifest");
    char *url = hu ? cborx_str(cborx_get(hu, "url")) : NULL;
    char *label = manifest_label_of(url);
    *bad_url = url && !label;
    if (label)
        *parent = find_manifest_by_url(v, url);
    free(label);
    free(url);
    free(rel);
    cbor_decref(&m);
    return r;
}

/* The manifest whose hard binding covers the asset: `man` itself when
 * it is a standard manifest with one, else the first parentOf
 * ingredient's manifest that has one, through update manifests.
 * c2pa-rs 0.92 store.rs Store::get_hash_binding_manifest_impl, which
 * gives up (None) on an ingredient that does not decode, a manifest
 * URI it cannot read, or a cycle (`visited`). */
static size_t binding_manifest(const struct vctx *v, size_t man, uint8_t *visited, int depth)
{
    if (visited[man] || depth >= TS_LIMIT_C2PA_INGREDIENT_DEPTH)
        return JUMBF_NONE;
    visited[man] = 1;
    if (!is_update(v, man) && next_assertion(v, man, JUMBF_NONE, NULL) != JUMBF_NONE)
        return man;
    for (size_t n = next_assertion(v, man, JUMBF_NONE, "c2pa.ingredient"); n != JUMBF_NONE;
         n = next_assertion(v, man, n, "c2pa.ingredient")) {
        size_t parent;
        bool bad_url;
        int r = parent_ingredient(v, n, &parent, &bad_url);
        if (r < 0 || (r == 1 && bad_url))
            return JUMBF_NONE;
        if (r == 0 || parent == JUMBF_NONE)
            continue;
        if (is_update(v, parent))
            return binding_manifest(v, parent, visited, depth + 1);
        if (next_assertion(v, parent, JUMBF_NONE, NULL) != JUMBF_NONE)
            return parent;
    }
    return JUMBF_NONE;
}

/* c2pa-rs claim.rs ALLOWED_UPDATE_MANIFEST_ACTIONS */
static bool update_action_allowed(const char *a)
{
    static const char *const ok[] = {"c2pa.edited.metadata", "c2pa.opened", "c2pa.published",
                                     "c2pa.redacted"};
    for (size_t i = 0; a && i < sizeof ok / sizeof ok[0]; i++)
        if (strcmp(a, ok[i]) == 0)
            return true;
    return false;
}

/*
 * The rules on parents, as c2pa-rs 0.92 checks them for every manifest
 * it validates (claim.rs Claim::verify_internal, after the signature,
 * before the assertions): an update manifest records only the allowed
 * actions, holds at most one thumbnail (the reference counts
 * "more than one"), and has exactly one parentOf ingredient
 * (none: manifest.update.wrongParents; more: manifest.update.invalid);
 * a standard manifest has at most one (manifest.multipleParents).
 * Every entry's url is the manifest's.
 */
static void check_parents(struct vctx *v, size_t man, struct c2pa_results *res)
{
    char *murl = url_of(v, man, NULL);
    size_t parents = 0;
    for (size_t n = next_assertion(v, man, JUMBF_NONE, "c2pa.ingredient"); n != JUMBF_NONE;
         n = next_assertion(v, man, n, "c2pa.ingredient")) {
        size_t parent;
        bool bad_url;
        parents += parent_ingredient(v, n, &parent, &bad_url) == 1;
    }
    if (!is_update(v, man)) {
        if (parents > 1)
            results_add(res, C2PA_CODE_MANIFEST_MULTIPLE_PARENTS, murl,
                        "too many ingredient parents");
        goto done;
    }
    for (size_t n = next_assertion(v, man, JUMBF_NONE, "c2pa.actions"); n != JUMBF_NONE;
         n = next_assertion(v, man, n, "c2pa.actions")) {
        struct diag d;
        cbor_item_t *m = assertion_cbor(v, n, &d);
        const cbor_item_t *acts = m ? cborx_get(m, "actions") : NULL;
        for (size_t i = 0; acts && cbor_isa_array(acts) && i < cbor_array_size(acts); i++) {
            char *a = cborx_str(cborx_get(cbor_array_handle(acts)[i], "action"));
            if (!update_action_allowed(a))
                results_add(res, C2PA_CODE_MANIFEST_UPDATE_INVALID, murl,
                            "update manifests contains disallowed actions assertion: %s",
                            a ? a : "(no action)");
            free(a);
        }
        if (m)
            cbor_decref(&m);
    }
    size_t thumbs = 0;
    size_t as = jumbf_child(v->j, man, "c2pa.assertions", NULL);
    for (size_t n = as != JUMBF_NONE ? v->j->nodes[as].first_child : JUMBF_NONE; n != JUMBF_NONE;
         n = v->j->nodes[n].next_sibling)
        thumbs += v->j->nodes[n].has_label && strstr(v->j->nodes[n].label, "c2pa.thumbnail.claim");
    if (thumbs > 1)
        results_add(res, C2PA_CODE_MANIFEST_UPDATE_INVALID, murl,
                    "update manifests cannot contain thumbnail assertions");
    if (parents == 0)
        results_add(res, C2PA_CODE_MANIFEST_UPDATE_WRONG_PARENTS, murl,
                    "update manifest must have ingredient with parentOf relationship");
    else if (parents > 1)
        results_add(res, C2PA_CODE_MANIFEST_UPDATE_INVALID, murl,
                    "update manifests can have only one ingredient");
done:
    free(murl);
}

static void check_assertions(struct vctx *v, size_t man, struct c2pa_results *res,
                             const cbor_item_t *claim, const char *claim_alg, int depth,
                             bool active)
{
    static const char *lists[] = {"assertions", "created_assertions", "gathered_assertions"};
    size_t hard[8];
    size_t n_hard = 0;
    for (size_t l = 0; l < 3; l++) {
        const cbor_item_t *arr = cborx_get(claim, lists[l]);
        if (!arr || !cbor_isa_array(arr))
            continue;
        cbor_item_t **xs = cbor_array_handle(arr);
        for (size_t i = 0; i < cbor_array_size(arr); i++) {
            char *url = cborx_str(cborx_get(xs[i], "url"));
            char *alg = cborx_str(cborx_get(xs[i], "alg"));
            struct span want;
            size_t node = url ? jumbf_resolve(v->j, man, url) : JUMBF_NONE;
            const EVP_MD *md = md_by_name(alg ? alg : claim_alg);
            char *aurl = node != JUMBF_NONE ? node_url(v, node) : NULL;
            if (active && url && strncmp(url, "self#jumbf=c2pa/", 16) == 0)
                v->unreadable = "pre-release (before C2PA 1.0) manifest";
            if (active && !alg && !claim_alg)
                v->unreadable = "the manifest does not name its hash algorithm (§8.4.2)";
            if (node == JUMBF_NONE) {
                results_add(res, C2PA_CODE_ASSERTION_MISSING, url, "assertion not found: %s",
                            url ? url : "(no url)");
            } else if (!md) {
                results_add(res, C2PA_CODE_ALGORITHM_UNSUPPORTED, aurl,
                            "unsupported hash algorithm");
            } else if (!cborx_bytes(cborx_get(xs[i], "hash"), &want) ||
                       !hash_node(v, node, md, want)) {
                results_add(res, C2PA_CODE_ASSERTION_HASHED_URI_MISMATCH, aurl,
                            "hash does not match assertion data: %s", url);
            } else {
                results_add(res, C2PA_CODE_ASSERTION_HASHED_URI_MATCH, aurl,
                            "hashed uri matched: %s", url);
                const char *label = v->j->nodes[node].label;
                if ((label_is(label, "c2pa.hash.data") || label_is(label, "c2pa.hash.boxes") ||
                     label_is(label, "c2pa.hash.bmff")) &&
                    n_hard < 8)
                    hard[n_hard++] = node;
                else if (active && label_is(label, "c2pa.thumbnail.claim"))
                    v->r->summary.has_thumbnail = true;
                else if (active && label_is(label, "c2pa.actions")) {
                    struct diag d;
                    cbor_item_t *m = assertion_cbor(v, node, &d);
                    if (m) {
                        summary_actions(v, m);
                        cbor_decref(&m);
                    }
                }
            }
            if (node != JUMBF_NONE && !v->unreadable && must_decode(v, node)) {
                snprintf(v->unreadable_buf, sizeof v->unreadable_buf,
                         "could not decode assertion %s: not CBOR", v->j->nodes[node].label);
                v->unreadable = v->unreadable_buf;
            }
            /* store.rs ingredient_checks walks every ingredient
             * assertion of the claim (Claim::ingredient_assertions),
             * whether or not its hashed URI matched above */
            if (node != JUMBF_NONE && label_is(v->j->nodes[node].label, "c2pa.ingredient"))
                check_ingredient(v, res, node, claim_alg, depth, active);
            free(aurl);
            free(url);
            free(alg);
        }
    }
    char *curl = url_of(v, man, NULL);
    /* An update manifest's own hard binding is neither required nor
     * checked: c2pa-rs 0.92 runs claim.rs Claim::verify_hash_binding
     * only on the binding manifest, which is never an update manifest
     * (store.rs Store::get_hash_binding_manifest_impl), so its
     * "update manifests cannot contain data hash assertions"
     * (manifest.update.invalid) is never reached; the reference reports
     * nothing, and neither do we. */
    if (is_update(v, man))
        ;
    else if (n_hard == 0 && jumbf_uuid_is(&v->j->nodes[man], "c2ma"))
        results_add(res, C2PA_CODE_CLAIM_HARD_BINDINGS_MISSING, curl, "no hard binding");
    else if (n_hard > 1)
        results_add(res, C2PA_CODE_ASSERTION_MULTIPLE_HARD_BINDINGS, curl,
                    "more than one hard binding");
    else if (n_hard == 1 && active)
        check_binding(v, res, hard[0], claim_alg);
    free(curl);
}

static enum status validate_manifest(struct vctx *v, size_t man, struct c2pa_results *res,
                                     int depth, bool active)
{
    struct diag d;
    cbor_item_t *claim = NULL;
    char *claim_alg = NULL;
    bool dup = false;
    size_t cl = jumbf_child(v->j, man, "c2pa.claim.v2", &dup);
    int version = 2;
    if (cl == JUMBF_NONE) {
        cl = jumbf_child(v->j, man, "c2pa.claim", &dup);
        version = 1;
    }
    char *curl = url_of(v, man, version == 2 ? "c2pa.claim.v2" : "c2pa.claim");
    if (jumbf_uuid_is(&v->j->nodes[man], "c2cm")) {
        /* still compressed: compressed.c could not expand it (§15.5.4) */
        char *murl = url_of(v, man, NULL);
        results_add(res, C2PA_CODE_MANIFEST_COMPRESSED_INVALID, murl, "%s",
                    v->j->compressed_error[0] ? v->j->compressed_error
                                              : "compressed manifest could not be read");
        free(murl);
        goto abort;
    }
    size_t box = jumbf_content(v->j, cl);
    if (box == JUMBF_NONE || strcmp(v->j->nodes[box].type, "cbor") != 0) {
        results_add(res, C2PA_CODE_CLAIM_MISSING, curl, "claim box missing");
        goto abort;
    }
    struct span claim_bytes = v->j->nodes[box].payload;
    claim = cborx_load(claim_bytes, &d);
    if (!claim || !cbor_isa_map(claim)) {
        results_add(res, C2PA_CODE_CLAIM_CBOR_INVALID, curl, "claim is not valid CBOR: %s",
                    d.message);
        goto abort;
    }
    claim_alg = cborx_str(cborx_get(claim, "alg"));
    if (active) {
        v->r->summary.claim_version = version;
        summary_generator(v, claim);
    }
    check_signature(v, man, res, claim_bytes, version, active);
    check_parents(v, man, res);
    check_assertions(v, man, res, claim, claim_alg, depth, active);
    cawg_validate(v->j, man, claim, res, &v->r->active, active ? &v->r->summary : NULL);
abort:
    free(claim_alg);
    free(curl);
    if (claim)
        cbor_decref(&claim);
    return ST_OK;
}

static char *diag_dup(const struct diag *d)
{
    char msg[700];
    diag_format(d, msg, sizeof msg);
    return str_dup(msg);
}

/* ---- ingredient deltas as c2pa-rs reports them ---- */

/* Statuses some ingredient assertion of the store already recorded,
 * each as "code\nurl" with the url made absolute. */
struct recorded {
    char **items;
    size_t n, cap;
};

static void recorded_list(struct recorded *rec, const cbor_item_t *list, const char *label)
{
    if (!list || !cbor_isa_array(list))
        return;
    cbor_item_t **xs = cbor_array_handle(list);
    for (size_t i = 0; i < cbor_array_size(list) && rec->n < TS_LIMIT_JUMBF_BOXES; i++) {
        char *code = cborx_str(cborx_get(xs[i], "code"));
        char *url = cborx_str(cborx_get(xs[i], "url"));
        struct buf b;
        buf_init(&b, 8192);
        /* jumbf/labels.rs to_absolute_uri: a relative self#jumbf URL is
         * under the ingredient's manifest */
        static const char pre[] = "self#jumbf=";
        if (url && label && strncmp(url, pre, sizeof pre - 1) == 0 &&
            strncmp(url + sizeof pre - 1, "/c2pa/", 6) != 0)
            buf_printf(&b, "%s\nself#jumbf=/c2pa/%s/%s", code ? code : "", label,
                       url + sizeof pre - 1);
        else
            buf_printf(&b, "%s\n%s", code ? code : "", url ? url : "");
        free(code);
        free(url);
        if (rec->n == rec->cap) {
            size_t nc = rec->cap ? rec->cap * 2 : 32;
            char **ni = realloc(rec->items, nc * sizeof *ni);
            if (!ni) {
                buf_free(&b);
                return;
            }
            rec->items = ni;
            rec->cap = nc;
        }
        char *item = buf_detach(&b, NULL);
        if (item)
            rec->items[rec->n++] = item;
    }
}

static void recorded_lists(struct recorded *rec, const cbor_item_t *sc, const char *label)
{
    static const char *const kinds[] = {"success", "informational", "failure"};
    for (size_t k = 0; sc && k < 3; k++)
        recorded_list(rec, cborx_get(sc, kinds[k]), label);
}

/* validation_results.rs from_store: every ingredient assertion's
 * validationResults (active manifest and ingredient deltas) or, before
 * v3, validationStatus. */
static void collect_recorded(const struct vctx *v, struct recorded *rec)
{
    for (size_t man = v->j->nodes[0].first_child; man != JUMBF_NONE;
         man = v->j->nodes[man].next_sibling) {
        size_t as = jumbf_child(v->j, man, "c2pa.assertions", NULL);
        if (as == JUMBF_NONE)
            continue;
        for (size_t n = v->j->nodes[as].first_child; n != JUMBF_NONE;
             n = v->j->nodes[n].next_sibling) {
            if (!v->j->nodes[n].has_label || !label_is(v->j->nodes[n].label, "c2pa.ingredient"))
                continue;
            struct diag d;
            cbor_item_t *m = assertion_cbor(v, n, &d);
            if (!m)
                continue;
            const cbor_item_t *hu = cborx_get(m, "activeManifest");
            if (!hu)
                hu = cborx_get(m, "c2pa_manifest");
            char *url = hu ? cborx_str(cborx_get(hu, "url")) : NULL;
            char *label = manifest_label_of(url);
            const cbor_item_t *vr = cborx_get(m, "validationResults");
            if (vr) {
                recorded_lists(rec, cborx_get(vr, "activeManifest"), label);
                const cbor_item_t *ds = cborx_get(vr, "ingredientDeltas");
                for (size_t i = 0; ds && cbor_isa_array(ds) && i < cbor_array_size(ds); i++)
                    recorded_lists(rec, cborx_get(cbor_array_handle(ds)[i], "validationDeltas"),
                                   label);
            } else {
                recorded_list(rec, cborx_get(m, "validationStatus"), label);
            }
            free(url);
            free(label);
            cbor_decref(&m);
        }
    }
}

static bool recorded_has(const struct recorded *rec, const struct c2pa_status *st)
{
    size_t cl = strlen(st->code);
    for (size_t i = 0; i < rec->n; i++)
        if (strncmp(rec->items[i], st->code, cl) == 0 && rec->items[i][cl] == '\n' &&
            strcmp(rec->items[i] + cl + 1, st->url ? st->url : "") == 0)
            return true;
    return false;
}

/* Keeps, of the ingredient deltas, only what the ingredients did not
 * already record about themselves (a status about the active manifest
 * always stays), and only deltas with something left. */
static void filter_deltas(struct vctx *v, const char *active_label)
{
    struct recorded rec = {0};
    collect_recorded(v, &rec);
    size_t kept = 0;
    for (size_t i = 0; i < v->r->n_deltas; i++) {
        struct c2pa_delta *dl = &v->r->deltas[i];
        struct c2pa_status_list *lists[3] = {&dl->results.success, &dl->results.informational,
                                             &dl->results.failure};
        size_t left = 0;
        for (size_t k = 0; k < 3; k++) {
            struct c2pa_status_list *l = lists[k];
            size_t w = 0;
            for (size_t j = 0; j < l->n; j++) {
                char *lab = manifest_label_of(l->items[j].url);
                bool drop =
                    (!lab || strcmp(lab, active_label) != 0) && recorded_has(&rec, &l->items[j]);
                free(lab);
                if (drop) {
                    free(l->items[j].code);
                    free(l->items[j].url);
                    free(l->items[j].explanation);
                } else {
                    l->items[w++] = l->items[j];
                }
            }
            l->n = w;
            left += w;
        }
        if (left == 0) {
            free(dl->ingredient_uri);
            results_free(&dl->results);
        } else {
            v->r->deltas[kept++] = *dl;
        }
    }
    v->r->n_deltas = kept;
    for (size_t i = 0; i < rec.n; i++)
        free(rec.items[i]);
    free(rec.items);
}

/* validation_results.rs is_tolerated_manifest_failure_code */
static bool tolerated(const struct c2pa_status *s)
{
    return s->id == C2PA_CODE_SIGNING_CREDENTIAL_UNTRUSTED || cawg_failure_tolerated(s);
}

/* validation_results.rs validation_state: Invalid unless every failure
 * of the active manifest and of every ingredient delta is tolerated;
 * Trusted only with a trusted signer and no failure anywhere. */
static void set_state(struct c2pa_report *r)
{
    const struct c2pa_status_list *f = &r->active.failure;
    bool invalid = false, cawg = false, delta_failure = false;
    for (size_t i = 0; i < f->n; i++) {
        cawg = cawg || c2pa_code_family(f->items[i].id) != C2PA_FAMILY_C2PA;
        /* §14.3.5: ocsp.revoked and ocsp.unknown reject the manifest */
        if (!tolerated(&f->items[i]))
            invalid = true;
    }
    for (size_t d = 0; d < r->n_deltas; d++) {
        const struct c2pa_status_list *df = &r->deltas[d].results.failure;
        delta_failure = delta_failure || df->n > 0;
        for (size_t i = 0; i < df->n; i++)
            if (df->items[i].id != C2PA_CODE_SIGNING_CREDENTIAL_UNTRUSTED &&
                c2pa_code_family(df->items[i].id) != C2PA_FAMILY_CAWG_X509)
                invalid = true;
    }
    if (invalid)
        r->state = C2PA_STATE_INVALID;
    else if (results_has(&r->active.success, C2PA_CODE_SIGNING_CREDENTIAL_TRUSTED) && !cawg &&
             !delta_failure)
        r->state = C2PA_STATE_TRUSTED;
    else
        r->state = C2PA_STATE_VALID;
}

/* c2pa-rs 0.92 checks every CBOR assertion box of every manifest of
 * the store while it loads the store, before validation (sdk/src/store.rs
 * Store::get_assertion_from_jumbf_store: `c2pa_cbor::from_slice` fails →
 * assertion.cbor.invalid, url the assertion's label). Nothing is being
 * validated then, so the entry carries no ingredient and is filed with
 * the active manifest, whichever manifest the assertion is in; it is a
 * failure, so the asset is Invalid. */
static void check_store_cbor(struct vctx *v)
{
    for (size_t man = v->j->nodes[0].first_child; man != JUMBF_NONE;
         man = v->j->nodes[man].next_sibling) {
        size_t as = jumbf_child(v->j, man, "c2pa.assertions", NULL);
        for (size_t n = as != JUMBF_NONE ? v->j->nodes[as].first_child : JUMBF_NONE;
             n != JUMBF_NONE; n = v->j->nodes[n].next_sibling) {
            size_t c = jumbf_content(v->j, n);
            struct diag d;
            if (!v->j->nodes[n].has_label || c == JUMBF_NONE ||
                strcmp(v->j->nodes[c].type, "cbor") != 0 ||
                c2pa_cbor_check(v->j->nodes[c].payload, &d) == ST_OK)
                continue;
            results_add(&v->r->active, C2PA_CODE_ASSERTION_CBOR_INVALID, v->j->nodes[n].label,
                        "invalid assertion cbor: %s", d.message);
        }
    }
}

/* c2pa-rs 0.92 walks the manifests the active one references before it
 * validates anything (store.rs Store::get_claim_referenced_manifests_impl,
 * from get_store_validation_info): an ingredient whose manifest is not
 * in the store is logged there as ingredient.manifest.missing, url the
 * manifest's label, outside any ingredient, so in the active list; the
 * same ingredient's delta gets its own entry later (check_ingredient).
 * Each manifest is walked once; `walked` marks them. */
static void check_referenced_manifests(struct vctx *v, size_t man, uint8_t *walked, int depth)
{
    if (walked[man] || depth >= TS_LIMIT_C2PA_INGREDIENT_DEPTH)
        return;
    walked[man] = 1;
    size_t as = jumbf_child(v->j, man, "c2pa.assertions", NULL);
    for (size_t n = as != JUMBF_NONE ? v->j->nodes[as].first_child : JUMBF_NONE;
         n != JUMBF_NONE; n = v->j->nodes[n].next_sibling) {
        if (!v->j->nodes[n].has_label || !label_is(v->j->nodes[n].label, "c2pa.ingredient"))
            continue;
        struct diag d;
        cbor_item_t *m = assertion_cbor(v, n, &d);
        const cbor_item_t *hu = m ? cborx_get(m, "activeManifest") : NULL;
        if (m && !hu)
            hu = cborx_get(m, "c2pa_manifest");
        char *url = hu ? cborx_str(cborx_get(hu, "url")) : NULL;
        if (url) {
            size_t target = find_manifest_by_url(v, url);
            char *label = manifest_label_of(url);
            if (target == JUMBF_NONE)
                results_add(&v->r->active, C2PA_CODE_INGREDIENT_MANIFEST_MISSING,
                            label ? label : url, "ingredient manifest missing");
            else
                check_referenced_manifests(v, target, walked, depth + 1);
            free(label);
        }
        free(url);
        if (m)
            cbor_decref(&m);
    }
}

/* The asset's bytes under an active update manifest: against the hard
 * binding of the manifest binding_manifest() found, its results in the
 * active manifest's list, as c2pa-rs 0.92 does once for the whole store
 * (store.rs Store::verify_store → claim.rs Claim::verify_hash_binding
 * on `svi.binding_claim`, outside any ingredient). Without one the
 * asset is bound by nothing: claim.hardBindings.missing (store.rs
 * Store::get_store_validation_info). */
static void check_update_binding(struct vctx *v, size_t active)
{
    struct c2pa_results *res = &v->r->active;
    if (v->binding == JUMBF_NONE) {
        char *murl = url_of(v, active, NULL);
        results_add(res, C2PA_CODE_CLAIM_HARD_BINDINGS_MISSING, murl,
                    "could not find manifest with hard binding");
        free(murl);
        return;
    }
    size_t hard = next_assertion(v, v->binding, JUMBF_NONE, NULL);
    if (next_assertion(v, v->binding, hard, NULL) != JUMBF_NONE) {
        char *murl = url_of(v, v->binding, NULL);
        results_add(res, C2PA_CODE_ASSERTION_MULTIPLE_HARD_BINDINGS, murl,
                    "claim has multiple data bindings");
        free(murl);
        return;
    }
    size_t cl = jumbf_child(v->j, v->binding, "c2pa.claim.v2", NULL);
    if (cl == JUMBF_NONE)
        cl = jumbf_child(v->j, v->binding, "c2pa.claim", NULL);
    size_t box = jumbf_content(v->j, cl);
    struct diag d;
    cbor_item_t *claim = box != JUMBF_NONE && strcmp(v->j->nodes[box].type, "cbor") == 0
                             ? cborx_load(v->j->nodes[box].payload, &d)
                             : NULL;
    /* an unreadable parent claim was reported when it was validated
     * as the update manifest's ingredient */
    if (!claim)
        return;
    char *alg = cborx_str(cborx_get(claim, "alg"));
    check_binding(v, res, hard, alg);
    free(alg);
    cbor_decref(&claim);
}

/* `sidecar`: the store's bytes come from a .c2pa file next to the
 * asset instead of from inside it (c2pa_verify_sidecar). */
static enum status verify_impl(struct span asset, const char *name, const struct span *sidecar,
                               const struct c2pa_trust *trust, struct c2pa_report *out,
                               struct diag *d)
{
    enum status st;
    struct vctx v = {.asset = asset, .trust = trust, .r = out, .d = d};
    uint8_t *store = NULL;
    size_t store_len = 0;
    memset(out, 0, sizeof *out);
    st = c2pa_store_locate(asset, name, &store, &store_len, &v.loc, d);
    out->format = v.format = v.loc.format;
    if (sidecar && st != ST_OK && st != ST_NOMEM) {
        /* no store inside: the sidecar's store, bound to all the asset's
         * bytes (nothing of it is a store, so no exclusion is exact) */
        free(store);
        store = NULL;
        v.loc.embedded = false;
        v.loc.n_excl = 0;
        if (!v.format)
            out->format = v.format = "application/octet-stream";
        st = sidecar->len ? ST_OK : ST_NOT_FOUND;
        if (st == ST_OK) {
            store = malloc(sidecar->len);
            if (!store) {
                st = ST_NOMEM;
                goto abort;
            }
            memcpy(store, sidecar->ptr, sidecar->len);
            store_len = sidecar->len;
        }
    }
    if (st == ST_NOMEM)
        goto abort;
    if (st == ST_UNSUPPORTED) {
        out->error = str_dup("unsupported format");
        st = out->error ? ST_OK : ST_NOMEM;
        goto abort;
    }
    if (st == ST_NOT_FOUND) {
        /* c2pa-rs store.rs: no embedded store, but XMP provenance →
         * Error::RemoteManifestUrl (the URL, not fetched) */
        out->remote_url = sidecar ? NULL : c2pa_remote_url(asset);
        out->error = str_dup(out->remote_url ? "remote manifest" : "no content credentials");
        st = out->error ? ST_OK : ST_NOMEM;
        goto abort;
    }
    if (st != ST_OK) {
        /* a damaged store is a report ("could not be read"), not an error */
        out->error = diag_dup(d);
        out->unreadable = true;
        st = out->error ? ST_OK : ST_NOMEM;
        goto abort;
    }
    st = c2pa_jumbf_parse(span_make(store, store_len), &v.j, d);
    if (st == ST_NOMEM)
        goto abort;
    if (st != ST_OK) {
        /* a damaged store is a report ("could not be read"), not an error */
        out->error = diag_dup(d);
        out->unreadable = true;
        st = out->error ? ST_OK : ST_NOMEM;
        goto abort;
    }
    size_t active = JUMBF_NONE;
    for (size_t c = v.j->nodes[0].first_child; c != JUMBF_NONE; c = v.j->nodes[c].next_sibling) {
        const struct jumbf_node *n = &v.j->nodes[c];
        if (strcmp(n->type, "jumb") == 0 &&
            (jumbf_uuid_is(n, "c2ma") || jumbf_uuid_is(n, "c2um") || jumbf_uuid_is(n, "c2cm"))) {
            active = c;
            out->manifest_count++;
        }
    }
    if (active == JUMBF_NONE) {
        out->error = str_dup("the manifest store holds no manifest");
        out->unreadable = true;
        st = out->error ? ST_OK : ST_NOMEM;
        goto abort;
    }
    out->has_manifest = true;
    out->active_label = str_dup(v.j->nodes[active].label);
    v.seen = calloc(v.j->n, 1);
    if (!v.seen || !out->active_label) {
        st = ST_NOMEM;
        goto abort;
    }
    v.seen[active] = 1;
    check_store_cbor(&v);
    uint8_t *walked = calloc(v.j->n, 1);
    if (!walked) {
        st = ST_NOMEM;
        goto abort;
    }
    check_referenced_manifests(&v, active, walked, 0);
    memset(walked, 0, v.j->n);
    v.update_active = is_update(&v, active);
    v.binding = binding_manifest(&v, active, walked, 0);
    free(walked);
    validate_manifest(&v, active, &out->active, 0, true);
    if (v.update_active)
        check_update_binding(&v, active);
    filter_deltas(&v, v.j->nodes[active].label);
    if (v.unreadable) {
        out->has_manifest = false;
        out->unreadable = true;
        out->error = str_dup(v.unreadable);
        st = out->error ? ST_OK : ST_NOMEM;
        goto abort;
    }
    set_state(out);
    if (report_action_words(&out->summary) != ST_OK) {
        st = ST_NOMEM;
        goto abort;
    }
abort:
    free(v.seen);
    c2pa_jumbf_free(v.j);
    free(store);
    return st;
}

enum status c2pa_verify(struct span asset, const char *name, const struct c2pa_trust *trust,
                        struct c2pa_report *out, struct diag *d)
{
    return verify_impl(asset, name, NULL, trust, out, d);
}

enum status c2pa_verify_sidecar(struct span asset, const char *name, struct span sidecar,
                                const struct c2pa_trust *trust, struct c2pa_report *out,
                                struct diag *d)
{
    return verify_impl(asset, name, &sidecar, trust, out, d);
}

const char *c2pa_state_str(enum c2pa_state s)
{
    switch (s) {
    case C2PA_STATE_INVALID:
        return "Invalid";
    case C2PA_STATE_VALID:
        return "Valid";
    case C2PA_STATE_TRUSTED:
        return "Trusted";
    default:
        return NULL;
    }
}
