/*
 * cawg.c — validates CAWG identity assertions (`cawg.identity`,
 * `cawg.identity__N`): the signer_payload's referenced assertions
 * against the claim, the padding, and the signature of the named
 * actor, either an X.509 COSE_Sign1 over the signer_payload
 * (`cawg.x509.cose`) or an identity claims aggregation credential
 * (`cawg.identity_claims_aggregation`: a W3C verifiable credential in a
 * COSE_Sign1 signed by the aggregator's DID key). Adds the cawg.*
 * status codes to the manifest's results and names the identities
 * that validated.
 *
 * Must never: fetch anything (did:web needs the network: it is reported
 * cawg.ica.did_unavailable; did:jwk carries its key and is resolved
 * here); re-encode the signer_payload before verifying it (the stored
 * bytes are what was signed); trust a JSON or CBOR length or count
 * beyond limits.h; treat a self-consistent issuer as trusted (there is
 * no list of trusted aggregators, so none is).
 *
 * Specs: CAWG Identity Assertion 1.1 (creator-assertions/identity-
 * assertion, draft of 14 April 2025) §4.2 (CBOR schema), §6.1
 * (validation method), §6.2 (status codes), §7.1.2 and §7.1.7 (identity
 * claims aggregation credential and its validation), §7.2.2 (validating
 * the X.509 COSE signature); W3C VC
 * data model 2.0 §4; RFC 9052 §4.2/§4.4; RFC 8037 (OKP JWK); did:jwk.
 * Codes, their lists and explanations follow c2pa-rs 0.92 (the oracle).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "c2pa/c2pa_internal.h"

/* One identity assertion being validated. */
struct ia {
    const struct c2pa_jumbf *j;
    size_t manifest;
    const cbor_item_t *claim;
    struct c2pa_results *res;
    struct c2pa_results *store_res; /* the active manifest's: "manifest could not be loaded" */
    bool unloadable;                /* an identity assertion did not decode: stop here */
    struct c2pa_summary *summary;
    char *url;                  /* self#jumbf=/c2pa/<manifest>/c2pa.assertions/<label> */
    struct span bytes;          /* the assertion's CBOR as stored */
    const cbor_item_t *payload; /* signer_payload */
    const cbor_item_t *refs;    /* signer_payload.referenced_assertions */
    size_t n_failures_before;
};

static void fail(struct ia *a, enum c2pa_code code, const char *why)
{
    results_add(a->res, code, a->url, "%s", why);
}

/* Failures this assertion added that are not about trust: a named
 * actor is shown only when its assertion holds up. */
static bool ia_failed(const struct ia *a)
{
    const struct c2pa_status_list *f = &a->res->failure;
    for (size_t i = a->n_failures_before; i < f->n; i++)
        if (f->items[i].id != C2PA_CODE_CAWG_X509_CREDENTIAL_UNTRUSTED)
            return true;
    return false;
}

/* Records a named actor; on running out of memory, no identity rather
 * than one without its facts. */
static void add_identity(struct ia *a, const char *name, enum c2pa_identity_kind kind,
                         const char *org, const char *provider, const char *type)
{
    struct c2pa_summary *s = a->summary;
    if (!s || !name || s->n_identities >= TS_LIMIT_CAWG_IDENTITIES)
        return;
    struct c2pa_identity *ni = realloc(s->identities, (s->n_identities + 1) * sizeof *ni);
    if (!ni)
        return;
    s->identities = ni;
    struct c2pa_identity id = {.name = str_dup(name),
                               .kind = kind,
                               .org = org ? str_dup(org) : NULL,
                               .provider = provider ? str_dup(provider) : NULL,
                               .type = type ? str_dup(type) : NULL};
    if (!id.name || (org && !id.org) || (provider && !id.provider) || (type && !id.type)) {
        free(id.name);
        free(id.org);
        free(id.provider);
        free(id.type);
        return;
    }
    ni[s->n_identities++] = id;
}

bool cawg_failure_tolerated(const struct c2pa_status *s)
{
    /* c2pa-rs 0.92 scopes identity-assertion (cawg.identity.*) and X.509
     * credential (cawg.x509.*) failures to the assertion; an aggregation
     * credential's failures (cawg.ica.*) make the manifest Invalid. */
    switch (s->id) {
    case C2PA_CODE_CAWG_IDENTITY_ASSERTION_DUPLICATE:
    case C2PA_CODE_CAWG_IDENTITY_ASSERTION_MISMATCH:
    case C2PA_CODE_CAWG_IDENTITY_CBOR_INVALID:
    case C2PA_CODE_CAWG_IDENTITY_HARD_BINDING_MISSING:
    case C2PA_CODE_CAWG_IDENTITY_PAD_INVALID:
    case C2PA_CODE_CAWG_IDENTITY_SIG_TYPE_UNKNOWN:
    case C2PA_CODE_CAWG_X509_ALGORITHM_UNSUPPORTED:
    case C2PA_CODE_CAWG_X509_CREDENTIAL_INVALID:
    case C2PA_CODE_CAWG_X509_CREDENTIAL_UNTRUSTED:
    case C2PA_CODE_CAWG_X509_SIGNATURE_MISMATCH:
    case C2PA_CODE_CAWG_X509_SIGNATURE_OUTSIDE_VALIDITY:
        return true;
    default:
        return false;
    }
}

/* ---- §4.2 CBOR schema ---- */

static bool is_text(const cbor_item_t *it)
{
    return it && cbor_isa_string(it) && cbor_string_is_definite(it);
}

static bool is_bytes(const cbor_item_t *it)
{
    struct span s;
    return cborx_bytes(it, &s);
}

static bool hashed_uri_ok(const cbor_item_t *h)
{
    const cbor_item_t *alg = cborx_get(h, "alg");
    return h && cbor_isa_map(h) && is_text(cborx_get(h, "url")) && is_bytes(cborx_get(h, "hash")) &&
           (!alg || is_text(alg));
}

/* NULL when the assertion has the fields of the `identity` rule, else
 * what is wrong (the manifest is then unloadable: validate_one). */
static const char *schema_problem(const cbor_item_t *m)
{
    const cbor_item_t *sp = cborx_get(m, "signer_payload");
    const cbor_item_t *refs = cborx_get(sp, "referenced_assertions");
    const cbor_item_t *role = cborx_get(sp, "role");
    const cbor_item_t *pad2 = cborx_get(m, "pad2");
    if (!m || !cbor_isa_map(m))
        return "the identity assertion is not a CBOR map";
    if (!sp || !cbor_isa_map(sp) || !refs || !cbor_isa_array(refs) ||
        !is_text(cborx_get(sp, "sig_type")))
        return "signer_payload lacks referenced_assertions or sig_type";
    for (size_t i = 0; i < cbor_array_size(refs); i++)
        if (!hashed_uri_ok(cbor_array_handle(refs)[i]))
            return "a referenced assertion is not a hashed URI (url, hash)";
    if (role && !cbor_isa_array(role))
        return "role is not an array";
    for (size_t i = 0; role && i < cbor_array_size(role); i++)
        if (!is_text(cbor_array_handle(role)[i]))
            return "a role is not text";
    if (!is_bytes(cborx_get(m, "signature")) || !is_bytes(cborx_get(m, "pad1")) ||
        (pad2 && !is_bytes(pad2)))
        return "signature, pad1 or pad2 is not a byte string";
    return NULL;
}

static bool all_zero(const cbor_item_t *it)
{
    struct span s = {0};
    if (!cborx_bytes(it, &s))
        return true;
    for (size_t i = 0; i < s.len; i++)
        if (s.ptr[i] != 0)
            return false;
    return true;
}

/* ---- §6.1 referenced assertions ---- */

/* "self#jumbf=/c2pa/<label>/c2pa.assertions/x" and
 * "self#jumbf=c2pa.assertions/x" name the same assertion. The claim's
 * URL is compared in place: this runs for every pair of reference and
 * claim entry. */
static bool same_uri(const cbor_item_t *claim_url, const char *ref_url)
{
    static const char abs[] = "self#jumbf=/c2pa/";
    if (!is_text(claim_url))
        return false;
    struct span u = span_make(cbor_string_handle(claim_url), cbor_string_length(claim_url));
    size_t rn = strlen(ref_url);
    if (span_eq_str(u, ref_url))
        return true;
    if (!span_starts_with(u, abs, sizeof abs - 1) || strncmp(ref_url, "self#jumbf=", 11) != 0)
        return false;
    const uint8_t *rest = memchr(u.ptr + sizeof abs - 1, '/', u.len - (sizeof abs - 1));
    size_t left = rest ? (size_t)(u.ptr + u.len - rest) - 1 : 0;
    return rest && left == rn - 11 && memcmp(rest + 1, ref_url + 11, left) == 0;
}

/* The claim's hashed URI for `url` (v1 assertions, v2 created and
 * gathered), or NULL. */
static const cbor_item_t *claim_entry(const cbor_item_t *claim, const char *url)
{
    static const char *lists[] = {"assertions", "created_assertions", "gathered_assertions"};
    for (size_t l = 0; l < 3; l++) {
        const cbor_item_t *arr = cborx_get(claim, lists[l]);
        if (!arr || !cbor_isa_array(arr))
            continue;
        for (size_t i = 0; i < cbor_array_size(arr); i++) {
            const cbor_item_t *h = cbor_array_handle(arr)[i];
            if (same_uri(cborx_get(h, "url"), url))
                return h;
        }
    }
    return NULL;
}

static bool span_same(struct span a, struct span b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static void check_references(struct ia *a)
{
    size_t n = cbor_array_size(a->refs);
    cbor_item_t **rs = cbor_array_handle(a->refs);
    bool hard = false;
    for (size_t i = 0; i < n; i++) {
        char *url = cborx_str(cborx_get(rs[i], "url"));
        struct span want = {0}, have = {0};
        const cbor_item_t *in_claim = url ? claim_entry(a->claim, url) : NULL;
        cborx_bytes(cborx_get(rs[i], "hash"), &want);
        if (!in_claim)
            fail(a, C2PA_CODE_CAWG_IDENTITY_ASSERTION_MISMATCH,
                 "referenced assertion not in claim");
        else if (!cborx_bytes(cborx_get(in_claim, "hash"), &have) || !span_same(want, have))
            fail(a, C2PA_CODE_CAWG_IDENTITY_ASSERTION_MISMATCH,
                 "referenced assertion hash mismatch");
        const char *label = url ? strrchr(url, '/') : NULL;
        if (label && strncmp(label + 1, "c2pa.hash.", 10) == 0)
            hard = true;
        free(url);
    }
    if (!hard)
        fail(a, C2PA_CODE_CAWG_IDENTITY_HARD_BINDING_MISSING, "no hard binding assertion");
    for (size_t i = 1; i < n; i++) {
        char *u = cborx_str(cborx_get(rs[i], "url"));
        bool dup = false;
        for (size_t k = 0; u && k < i && !dup; k++) {
            char *p = cborx_str(cborx_get(rs[k], "url"));
            dup = p && strcmp(p, u) == 0;
            free(p);
        }
        if (dup)
            fail(a, C2PA_CODE_CAWG_IDENTITY_ASSERTION_DUPLICATE,
                 "multiple references to same assertion");
        free(u);
    }
}

/* ---- §7.2.2 X.509 certificate and COSE signature ---- */

static char *subject_part(X509 *x, int nid)
{
    char s[256];
    if (!x || X509_NAME_get_text_by_NID(X509_get_subject_name(x), nid, s, sizeof s) <= 0)
        return NULL;
    return str_dup(s);
}

static void check_x509(struct ia *a, const cbor_item_t *m)
{
    struct cose_sign1 cose = {0};
    struct span sig = {0}, payload = {0};
    struct diag d;
    char *cn = NULL, *org = NULL;
    cborx_bytes(cborx_get(m, "signature"), &sig);
    /* §7.2.2: the signature covers the signer_payload's CBOR; the
     * stored bytes are that serialization (§5.2: unchanged after
     * signing), so they are verified as they are. */
    if (cborx_map_value(a->bytes, "signer_payload", &payload, &d) != ST_OK) {
        fail(a, C2PA_CODE_CAWG_X509_SIGNATURE_MISMATCH, "signer_payload bytes not found");
        goto abort;
    }
    enum status st = cose_parse(sig, &cose, &d);
    if (st == ST_OK)
        st = cose_verify(&cose, payload, &d);
    if (st == ST_UNSUPPORTED) {
        fail(a, C2PA_CODE_CAWG_X509_ALGORITHM_UNSUPPORTED, d.message);
        goto abort;
    }
    if (st != ST_OK) {
        fail(a, C2PA_CODE_CAWG_X509_SIGNATURE_MISMATCH, d.message);
        goto abort;
    }
    X509 *leaf = sk_X509_value(cose.chain, 0);
    time_t now = time(NULL);
    const char *prob = c2pa_cert_profile_problem(leaf);
    if (prob)
        fail(a, C2PA_CODE_CAWG_X509_CREDENTIAL_INVALID, prob);
    if (X509_cmp_time(X509_get0_notBefore(leaf), &now) >= 0 ||
        X509_cmp_time(X509_get0_notAfter(leaf), &now) <= 0)
        fail(a, C2PA_CODE_CAWG_X509_SIGNATURE_OUTSIDE_VALIDITY,
             "the identity certificate is not valid at the current time");
    /* §7.2.2: identity credentials chain to trust lists of their own,
     * not to the C2PA signer list; tearsheet has none configured, as
     * c2pa-rs has none by default (its cawg_trust settings), so an
     * X.509 identity is never reported trusted. */
    fail(a, C2PA_CODE_CAWG_X509_CREDENTIAL_UNTRUSTED, "signing certificate untrusted");
    results_add(a->res, C2PA_CODE_CAWG_X509_SIGNATURE_VALIDATED, a->url,
                "X.509 identity assertion signature validated");
    results_add(a->res, C2PA_CODE_CAWG_IDENTITY_WELL_FORMED, a->url,
                "CAWG X.509 identity signature valid");
    if (!ia_failed(a)) {
        cn = subject_part(leaf, NID_commonName);
        org = subject_part(leaf, NID_organizationName);
        add_identity(a, cn ? cn : org, C2PA_IDENTITY_X509, org, NULL, NULL);
    }
abort:
    free(cn);
    free(org);
    cose_free(&cose);
}

/* ---- §7.1.7 identity claims aggregation ---- */

/* RFC 3339 date-time (VC 2.0 validFrom/validUntil) to seconds. */
static bool parse_time(const char *s, time_t *out)
{
    struct tm tm = {0};
    int y, mo, d, h, mi, sec, n = 0;
    if (!s || sscanf(s, "%4d-%2d-%2d%*1[Tt ]%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec, &n) != 6 ||
        n != 19 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
        return false;
    const char *p = s + n;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    long off = 0;
    if ((*p == 'Z' || *p == 'z') && p[1] == 0) {
        off = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh, om;
        if (sscanf(p + 1, "%2d:%2d", &oh, &om) != 2 || oh > 23 || om > 59)
            return false;
        off = (*p == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
    } else {
        return false;
    }
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = sec;
    *out = timegm(&tm) - off;
    return true;
}

static bool json_nonempty_str(const json_t *v)
{
    return json_is_string(v) && json_string_length(v) > 0;
}

static bool json_opt_nonempty_str(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return !v || json_nonempty_str(v);
}

/* A URI as the W3C model wants it: a scheme, ':', no spaces. */
static bool json_uri(const json_t *v)
{
    const char *s = json_string_value(v);
    if (!s || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
        return false;
    const char *c = strchr(s, ':');
    if (!c)
        return false;
    for (const char *p = s; p < c; p++)
        if (!(*p >= 'a' && *p <= 'z') && !(*p >= 'A' && *p <= 'Z') && !(*p >= '0' && *p <= '9') &&
            *p != '+' && *p != '-' && *p != '.')
            return false;
    for (const char *p = c; *p; p++)
        if ((unsigned char)*p <= ' ')
            return false;
    return true;
}

static bool json_str_array(const json_t *v, bool nonempty)
{
    if (!json_is_array(v) || (nonempty && json_array_size(v) == 0))
        return false;
    for (size_t i = 0; i < json_array_size(v); i++)
        if (!json_is_string(json_array_get(v, i)))
            return false;
    return true;
}

/* The bytes of a c2paAsset hash: a JSON array of byte values or a
 * string (the base64 text), as serde_bytes reads either. */
static bool json_hash_text(const json_t *v, struct buf *out)
{
    if (json_is_string(v))
        return buf_append(out, json_string_value(v), json_string_length(v)) == ST_OK;
    if (!json_is_array(v))
        return false;
    for (size_t i = 0; i < json_array_size(v); i++) {
        json_t *b = json_array_get(v, i);
        if (!json_is_integer(b) || json_integer_value(b) < 0 || json_integer_value(b) > 255 ||
            buf_putc(out, (char)json_integer_value(b)) != ST_OK)
            return false;
    }
    return true;
}

static bool vc_identity_ok(const json_t *id)
{
    const json_t *prov = json_object_get(id, "provider");
    const json_t *uri = json_object_get(id, "uri");
    time_t t;
    return json_is_object(id) && json_nonempty_str(json_object_get(id, "type")) &&
           json_opt_nonempty_str(id, "name") && json_opt_nonempty_str(id, "username") &&
           json_opt_nonempty_str(id, "address") && (!uri || json_uri(uri)) &&
           parse_time(json_string_value(json_object_get(id, "verifiedAt")), &t) &&
           json_is_object(prov) && json_uri(json_object_get(prov, "id")) &&
           json_nonempty_str(json_object_get(prov, "name"));
}

static bool vc_asset_ok(const json_t *asset)
{
    const json_t *refs = json_object_get(asset, "referenced_assertions");
    const json_t *role = json_object_get(asset, "role");
    if (!json_is_object(asset) || !json_is_string(json_object_get(asset, "sig_type")) ||
        !json_is_array(refs) || (role && !json_str_array(role, false)))
        return false;
    for (size_t i = 0; i < json_array_size(refs); i++) {
        const json_t *r = json_array_get(refs, i);
        const json_t *alg = json_object_get(r, "alg");
        if (!json_is_object(r) || !json_is_string(json_object_get(r, "url")) ||
            (alg && !json_is_string(alg)) || !json_object_get(r, "hash"))
            return false;
    }
    return true;
}

/* The first credential subject when the VC has the shape of an
 * identity claims aggregation credential (VC 2.0 §4 + CAWG §7.1.2),
 * else NULL (cawg.ica.invalid_verifiable_credential). */
static const json_t *vc_subject(const json_t *vc)
{
    const json_t *subj = json_object_get(vc, "credentialSubject");
    const json_t *id = json_object_get(vc, "id");
    time_t t;
    if (!json_is_object(vc) || !json_str_array(json_object_get(vc, "@context"), true) ||
        !json_str_array(json_object_get(vc, "type"), true) || (id && !json_uri(id)) ||
        !json_uri(json_object_get(vc, "issuer")))
        return NULL;
    if (json_object_get(vc, "validFrom") &&
        !parse_time(json_string_value(json_object_get(vc, "validFrom")), &t))
        return NULL;
    if (json_object_get(vc, "validUntil") &&
        !parse_time(json_string_value(json_object_get(vc, "validUntil")), &t))
        return NULL;
    if (json_is_array(subj) && json_array_size(subj) > 0)
        subj = json_array_get(subj, 0);
    const json_t *ids = json_object_get(subj, "verifiedIdentities");
    if (!json_is_object(subj) || !json_is_array(ids) || json_array_size(ids) == 0 ||
        !vc_asset_ok(json_object_get(subj, "c2paAsset")))
        return NULL;
    for (size_t i = 0; i < json_array_size(ids); i++)
        if (!vc_identity_ok(json_array_get(ids, i)))
            return NULL;
    return subj;
}

/* The issuer's Ed25519 key from a did:jwk (the DID is the key). Returns
 * the failure code when there is no key, with *why. */
static enum c2pa_code issuer_key(const char *issuer, EVP_PKEY **key, const char **why)
{
    enum c2pa_code code = C2PA_CODE_NONE;
    uint8_t *raw = NULL, *x = NULL;
    size_t raw_len = 0, x_len = 0;
    json_t *jwk = NULL;
    *key = NULL;
    /* did:<method>:<id>, method [a-z0-9]+, id from the DID syntax's
     * characters (what c2pa-rs accepts) */
    size_t m = 0;
    if (strncmp(issuer, "did:", 4) == 0)
        while ((issuer[4 + m] >= 'a' && issuer[4 + m] <= 'z') ||
               (issuer[4 + m] >= '0' && issuer[4 + m] <= '9'))
            m++;
    const char *id = m > 0 && issuer[4 + m] == ':' ? issuer + 4 + m + 1 : "";
    if (!*id ||
        !strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/.%#?_-", *id)) {
        code = C2PA_CODE_CAWG_ICA_INVALID_ISSUER;
        *why = "Invalid issuer DID";
        goto abort;
    }
    size_t id_len = strcspn(id, "#");
    if (m == 3 && strncmp(issuer + 4, "web", 3) == 0) {
        /* resolving did:web is an HTTPS request; tearsheet never makes one */
        code = C2PA_CODE_CAWG_ICA_DID_UNAVAILABLE;
        *why = "Unable to resolve issuer DID";
        goto abort;
    }
    if (!(m == 3 && strncmp(issuer + 4, "jwk", 3) == 0)) {
        code = C2PA_CODE_CAWG_ICA_INVALID_ISSUER;
        *why = "Invalid issuer DID";
        goto abort;
    }
    code = C2PA_CODE_CAWG_ICA_INVALID_DID_DOCUMENT;
    *why = "Invalid issuer DID document";
    if (!base64_decode(id, id_len, &raw, &raw_len))
        goto abort;
    jwk = json_loadb((const char *)raw, raw_len, JSON_REJECT_DUPLICATES, NULL);
    const char *kty = json_string_value(json_object_get(jwk, "kty"));
    const char *crv = json_string_value(json_object_get(jwk, "crv"));
    const char *x_txt = json_string_value(json_object_get(jwk, "x"));
    /* RFC 8037: an Ed25519 key is {"kty":"OKP","crv":"Ed25519","x":...} */
    if (!kty || strcmp(kty, "OKP") != 0 || !crv || strcmp(crv, "Ed25519") != 0 || !x_txt)
        goto abort;
    /* a key that is not 32 bytes is a signature that cannot match */
    code = C2PA_CODE_CAWG_ICA_SIGNATURE_MISMATCH;
    *why = "Signature does not match credential";
    if (!base64_decode(x_txt, strlen(x_txt), &x, &x_len) || x_len != 32)
        goto abort;
    *key = EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, NULL, x, x_len);
    code = *key ? C2PA_CODE_NONE : code;
abort:
    json_decref(jwk);
    free(raw);
    free(x);
    return code;
}

/* §7.1.7 "Verify binding to C2PA asset": the VC's c2paAsset is the
 * signer_payload in JSON, hashes as base64 text. */
static bool asset_matches(const cbor_item_t *sp, const json_t *asset)
{
    bool ok = false;
    char *st = cborx_str(cborx_get(sp, "sig_type"));
    const cbor_item_t *refs = cborx_get(sp, "referenced_assertions");
    const cbor_item_t *role = cborx_get(sp, "role");
    const json_t *jrefs = json_object_get(asset, "referenced_assertions");
    const json_t *jrole = json_object_get(asset, "role");
    size_t n_role = role ? cbor_array_size(role) : 0;
    struct buf txt;
    buf_init(&txt, TS_LIMIT_CAWG_VC_BYTES);
    if (!st || strcmp(st, json_string_value(json_object_get(asset, "sig_type"))) != 0 ||
        cbor_array_size(refs) != json_array_size(jrefs) ||
        n_role != (jrole ? json_array_size(jrole) : 0))
        goto abort;
    for (size_t i = 0; i < n_role; i++) {
        char *r = cborx_str(cbor_array_handle(role)[i]);
        bool same = r && strcmp(r, json_string_value(json_array_get(jrole, i))) == 0;
        free(r);
        if (!same)
            goto abort;
    }
    for (size_t i = 0; i < cbor_array_size(refs); i++) {
        const cbor_item_t *h = cbor_array_handle(refs)[i];
        const json_t *jh = json_array_get(jrefs, i);
        char *url = cborx_str(cborx_get(h, "url"));
        char *alg = cborx_str(cborx_get(h, "alg"));
        const char *jalg = json_string_value(json_object_get(jh, "alg"));
        struct span want = {0};
        uint8_t *got = NULL;
        size_t got_len = 0;
        buf_reset(&txt);
        cborx_bytes(cborx_get(h, "hash"), &want);
        /* a signer_payload entry without alg takes the credential's */
        const char *a = alg ? alg : jalg;
        bool same = url && strcmp(url, json_string_value(json_object_get(jh, "url"))) == 0 &&
                    ((!a && !jalg) || (a && jalg && strcmp(a, jalg) == 0)) &&
                    json_hash_text(json_object_get(jh, "hash"), &txt) &&
                    base64_decode(txt.data ? txt.data : "", txt.len, &got, &got_len) &&
                    span_same(want, span_make(got, got_len));
        free(got);
        free(url);
        free(alg);
        if (!same)
            goto abort;
    }
    ok = true;
abort:
    buf_free(&txt);
    free(st);
    return ok;
}

/* The COSE_Sign1 of an aggregation credential: tag 18 and four items
 * (RFC 9052 §4.2). Its algorithm and payload are checked by the caller,
 * since each has its own status code. */
static cbor_item_t *ica_cose(struct span sig, struct cose_sign1 *c, cbor_item_t **prot)
{
    struct diag d;
    size_t skip = sig.len >= 1 && sig.ptr[0] == 0xD2                       ? 1
                  : sig.len >= 2 && sig.ptr[0] == 0xD8 && sig.ptr[1] == 18 ? 2
                                                                           : 0;
    cbor_item_t *root = skip ? cborx_load(span_make(sig.ptr + skip, sig.len - skip), &d) : NULL;
    cbor_item_t **a =
        root && cbor_isa_array(root) && cbor_array_size(root) == 4 ? cbor_array_handle(root) : NULL;
    *prot = NULL;
    if (!a || !cborx_bytes(a[0], &c->protected_bytes) || !cbor_isa_map(a[1]) ||
        !cborx_bytes(a[3], &c->signature) || !(cbor_is_null(a[2]) || is_bytes(a[2])))
        goto abort;
    *prot = c->protected_bytes.len ? cborx_load(c->protected_bytes, &d) : cbor_new_definite_map(0);
    if (!*prot || !cbor_isa_map(*prot))
        goto abort;
    cose_find_tst(c, a[1]);
    return root;
abort:
    if (*prot)
        cbor_decref(prot);
    if (root)
        cbor_decref(&root);
    return NULL;
}

static void name_identities(struct ia *a, const json_t *subj)
{
    const json_t *ids = json_object_get(subj, "verifiedIdentities");
    for (size_t i = 0; i < json_array_size(ids); i++) {
        const json_t *id = json_array_get(ids, i);
        const char *name = json_string_value(json_object_get(id, "name"));
        if (!name)
            name = json_string_value(json_object_get(id, "username"));
        if (!name)
            name = json_string_value(json_object_get(id, "address"));
        if (!name)
            name = json_string_value(json_object_get(id, "uri"));
        add_identity(a, name, C2PA_IDENTITY_ICA, NULL,
                     json_string_value(json_object_get(json_object_get(id, "provider"), "name")),
                     json_string_value(json_object_get(id, "type")));
    }
}

static void check_ica(struct ia *a, const cbor_item_t *m)
{
    struct cose_sign1 c = {0};
    cbor_item_t *prot = NULL, *root = NULL;
    json_t *vc = NULL;
    EVP_PKEY *key = NULL;
    struct span sig = {0}, payload = {0};
    struct diag d;
    int64_t alg = 0;
    cborx_bytes(cborx_get(m, "signature"), &sig);
    root = ica_cose(sig, &c, &prot);
    if (!root) {
        fail(a, C2PA_CODE_CAWG_ICA_INVALID_COSE_SIGN1, "Invalid COSE_Sign1 data structure");
        goto abort;
    }
    /* c2pa-rs accepts EdDSA only (§7.1.7 lists the C2PA algorithms; an
     * aggregator's DID key is Ed25519 in every method it resolves). */
    const cbor_item_t *alg_it = cborx_get_int(prot, 1);
    if (!alg_it) {
        fail(a, C2PA_CODE_CAWG_ICA_INVALID_ALG, "Missing COSE_Sign1 signature algorithm");
        goto abort;
    }
    if (!cborx_int(alg_it, &alg) || alg != -8) {
        fail(a, C2PA_CODE_CAWG_ICA_INVALID_ALG, "Invalid COSE_Sign1 signature algorithm");
        goto abort;
    }
    c.alg = alg;
    char *cty = cborx_str(cborx_get_int(prot, 3));
    if (!cty || strcmp(cty, "application/vc") != 0)
        fail(a, C2PA_CODE_CAWG_ICA_INVALID_CONTENT_TYPE, "Invalid COSE_Sign1 content type header");
    free(cty);
    if (!cborx_bytes(cbor_array_handle(root)[2], &payload)) {
        fail(a, C2PA_CODE_CAWG_ICA_INVALID_VERIFIABLE_CREDENTIAL, "Missing COSE_Sign1 payload");
        goto abort;
    }
    const json_t *subj = NULL;
    if (payload.len <= TS_LIMIT_CAWG_VC_BYTES)
        vc = json_loadb((const char *)payload.ptr, payload.len, JSON_REJECT_DUPLICATES, NULL);
    if (vc)
        subj = vc_subject(vc);
    if (!subj) {
        fail(a, C2PA_CODE_CAWG_ICA_INVALID_VERIFIABLE_CREDENTIAL,
             payload.len > TS_LIMIT_CAWG_VC_BYTES ? "verifiable credential larger than 1 MB"
                                                  : "Invalid JSON-LD for verifiable credential");
        goto abort;
    }
    const char *why = NULL;
    enum c2pa_code code = issuer_key(json_string_value(json_object_get(vc, "issuer")), &key, &why);
    if (!code && cose_verify_key(&c, key, payload, &d) != ST_OK) {
        code = C2PA_CODE_CAWG_ICA_SIGNATURE_MISMATCH;
        why = "Signature does not match credential";
    }
    if (code)
        fail(a, code, why);
    else
        /* no list of trusted aggregators exists (§7.1.7 "Prerequisites":
         * CAWG names none), so a valid signature proves only that the
         * issuer signed it */
        results_add(a->res, C2PA_CODE_CAWG_ICA_UNTRUSTED_ISSUER, a->url,
                    "ICA issuer is not a trusted issuer");
    bool signed_ok = !code;
    time_t tst = 0, now = time(NULL), from, until;
    struct tst_result tr;
    /* no TSA anchors for identity credentials: the token must hold
     * (signature, imprint, TSA validity at genTime), trust is not asked */
    enum status st = cose_tst_check(&c, payload, NULL, false, &tr);
    if (st == ST_OK && !tr.validated)
        st = ST_MALFORMED;
    tst = tr.gen_time;
    tst_result_free(&tr);
    if (st == ST_OK)
        results_add(a->res, C2PA_CODE_CAWG_ICA_TIME_STAMP_VALIDATED, a->url,
                    "Time stamp validated");
    else if (st != ST_NOT_FOUND)
        fail(a, C2PA_CODE_CAWG_ICA_TIME_STAMP_INVALID, "Time stamp does not match credential");
    if (!parse_time(json_string_value(json_object_get(vc, "validFrom")), &from))
        fail(a, C2PA_CODE_CAWG_ICA_VALID_FROM_MISSING, "credential does not have a validFrom date");
    else if (now < from)
        fail(a, C2PA_CODE_CAWG_ICA_VALID_FROM_INVALID,
             "credential's validFrom date is unacceptable (validFrom is after current date/time)");
    else if (st == ST_OK && tst < from)
        fail(a, C2PA_CODE_CAWG_ICA_VALID_FROM_INVALID,
             "credential's validFrom date is unacceptable (validFrom is after CAWG signature "
             "time stamp)");
    if (parse_time(json_string_value(json_object_get(vc, "validUntil")), &until)) {
        if (now > until)
            fail(a, C2PA_CODE_CAWG_ICA_VALID_UNTIL_INVALID,
                 "credential's validUntil date is unacceptable (validUntil is before current "
                 "date/time)");
        else if (st == ST_OK && tst > until)
            fail(a, C2PA_CODE_CAWG_ICA_VALID_UNTIL_INVALID,
                 "credential's validUntil date is unacceptable (validUntil is before CAWG "
                 "signature time stamp)");
    }
    if (!asset_matches(a->payload, json_object_get(subj, "c2paAsset")))
        fail(a, C2PA_CODE_CAWG_ICA_SIGNER_PAYLOAD_MISMATCH,
             "c2paAsset does not match signer_payload");
    if (signed_ok && !ia_failed(a))
        name_identities(a, subj);
abort:
    EVP_PKEY_free(key);
    json_decref(vc);
    if (prot)
        cbor_decref(&prot);
    if (root)
        cbor_decref(&root);
}

/* ---- §6.1 validation method ---- */

static char *manifest_uri(const struct ia *a)
{
    struct buf b;
    buf_init(&b, 4096);
    buf_printf(&b, "self#jumbf=/c2pa/%s", a->j->nodes[a->manifest].label);
    return buf_detach(&b, NULL);
}

static void validate_one(struct ia *a)
{
    struct diag d;
    size_t box = jumbf_content(a->j, jumbf_resolve(a->j, a->manifest, a->url));
    cbor_item_t *m = NULL;
    char *sig_type = NULL;
    const char *prob = "identity assertion is not CBOR";
    if (box != JUMBF_NONE && strcmp(a->j->nodes[box].type, "cbor") == 0) {
        a->bytes = a->j->nodes[box].payload;
        m = cborx_load(a->bytes, &d);
        prob = m ? schema_problem(m) : d.message;
    }
    if (prob) {
        /* c2pa-rs 0.92 decodes identity assertions while it loads the
         * manifest (sdk/src/manifest.rs Manifest::from_store: `let
         * identity_assertion: IdentityAssertion = ma.to_assertion()?`);
         * the decode error fails the load, and sdk/src/reader.rs
         * Reader::with_store logs "Failed to load manifest" at the
         * manifest's URI with validation_status.rs code_from_error:
         * Error::AssertionDecoding → assertion.required.missing, a
         * failure outside any ingredient (so the active manifest's list)
         * that makes the asset Invalid. The load stops there: the
         * manifest's later identity assertions are not validated. */
        char *murl = manifest_uri(a);
        results_add(a->store_res, C2PA_CODE_ASSERTION_REQUIRED_MISSING, murl,
                    "Failed to load manifest: %s: %s", a->url, prob);
        free(murl);
        a->unloadable = true;
        goto abort;
    }
    a->payload = cborx_get(m, "signer_payload");
    a->refs = cborx_get(a->payload, "referenced_assertions");
    if (cbor_array_size(a->refs) > TS_LIMIT_CAWG_REFERENCES) {
        /* not checked, so not shown: the named actor stays unnamed */
        results_add(a->res, C2PA_CODE_CAWG_IDENTITY_NOT_VALIDATED, a->url,
                    "not validated: more than %d referenced assertions (tearsheet's limit)",
                    TS_LIMIT_CAWG_REFERENCES);
        goto abort;
    }
    /* c2pa-rs looks at pad2 only when pad1 is clean: one code either way */
    if (!all_zero(cborx_get(m, "pad1")) || !all_zero(cborx_get(m, "pad2")))
        fail(a, C2PA_CODE_CAWG_IDENTITY_PAD_INVALID, "invalid value in pad fields");
    check_references(a);
    sig_type = cborx_str(cborx_get(a->payload, "sig_type"));
    if (sig_type && strcmp(sig_type, "cawg.x509.cose") == 0)
        check_x509(a, m);
    else if (sig_type && strcmp(sig_type, "cawg.identity_claims_aggregation") == 0)
        check_ica(a, m);
    else
        fail(a, C2PA_CODE_CAWG_IDENTITY_SIG_TYPE_UNKNOWN, "unsupported signature type");
abort:
    free(sig_type);
    if (m)
        cbor_decref(&m);
}

static bool identity_label(const char *label)
{
    return strcmp(label, "cawg.identity") == 0 || strncmp(label, "cawg.identity__", 15) == 0;
}

void cawg_validate(const struct c2pa_jumbf *j, size_t manifest, const cbor_item_t *claim,
                   struct c2pa_results *res, struct c2pa_results *store_res,
                   struct c2pa_summary *summary)
{
    static const char *lists[] = {"assertions", "created_assertions", "gathered_assertions"};
    size_t seen = 0;
    bool unloadable = false;
    for (size_t l = 0; l < 3 && !unloadable; l++) {
        const cbor_item_t *arr = cborx_get(claim, lists[l]);
        for (size_t i = 0; arr && cbor_isa_array(arr) && i < cbor_array_size(arr) && !unloadable;
             i++) {
            char *url = cborx_str(cborx_get(cbor_array_handle(arr)[i], "url"));
            const char *label = url ? strrchr(url, '/') : NULL;
            if (label && identity_label(label + 1) && ++seen > TS_LIMIT_CAWG_ASSERTIONS) {
                results_add(res, C2PA_CODE_CAWG_IDENTITY_NOT_VALIDATED, url,
                            "not validated: more than %d identity assertions in one manifest "
                            "(tearsheet's limit)",
                            TS_LIMIT_CAWG_ASSERTIONS);
            } else if (label && identity_label(label + 1)) {
                struct buf b;
                buf_init(&b, 4096);
                buf_printf(&b, "self#jumbf=/c2pa/%s/c2pa.assertions/%s", j->nodes[manifest].label,
                           label + 1);
                struct ia a = {.j = j,
                               .manifest = manifest,
                               .claim = claim,
                               .res = res,
                               .store_res = store_res,
                               .summary = summary,
                               .url = buf_detach(&b, NULL),
                               .n_failures_before = res->failure.n};
                if (a.url)
                    validate_one(&a);
                unloadable = a.unloadable;
                free(a.url);
            }
            free(url);
        }
    }
}
