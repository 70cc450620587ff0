/*
 * c2pa_sign_tool.c — a test driver for the signer (not installed):
 *   c2pa_sign_tool [--box-hash] [--sidecar] [--ocsp RESPONSE.der] KEYDIR ORIGINAL DERIVATIVE OUT
 *                  [ORACLE.json]
 * signs DERIVATIVE (JPEG or WebP) as made from ORIGINAL and writes OUT
 * (with --box-hash, bound by c2pa.hash.boxes instead of c2pa.hash.data;
 * with --sidecar, OUT is the manifest store for a sidecar .c2pa);
 * --ocsp staples an OCSP response in the signature (rVals, §14.5.2);
 * --update ACTION writes an update manifest recording ACTION on top of
 * DERIVATIVE's store instead (ORIGINAL and DERIVATIVE the same signed
 * JPEG, ORACLE.json required).
 * With ORACLE.json (the oracle's report on ORIGINAL) the original's
 * manifest store is carried along, with the reference validator's
 * results as the ingredient's validationResults — standing in for
 * `tearsheet verify` until the reader is merged. Used by
 * tests/c2pa_sign.sh to hand real files to the reference validator.
 *
 * Must never: be linked into tearsheet itself.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "c2pa/c2pa.h"

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

#define MAX_CODES 256
static struct c2pa_sign_code codes[3][MAX_CODES];

/* validation_results.active_manifest.{success,informational,failure} */
static bool load_results(json_t *j, struct c2pa_sign_results *r)
{
    static const char *const kinds[3] = {"success", "informational", "failure"};
    size_t *counts[3] = {&r->n_success, &r->n_informational, &r->n_failure};
    json_t *am = json_object_get(json_object_get(j, "validation_results"), "active_manifest");
    if (!json_is_object(am))
        return false;
    for (int k = 0; k < 3; k++) {
        json_t *list = json_object_get(am, kinds[k]);
        size_t n = json_array_size(list);
        if (n > MAX_CODES)
            return false;
        for (size_t i = 0; i < n; i++) {
            json_t *e = json_array_get(list, i);
            codes[k][i].code = json_string_value(json_object_get(e, "code"));
            codes[k][i].url = json_string_value(json_object_get(e, "url"));
            codes[k][i].explanation = json_string_value(json_object_get(e, "explanation"));
            if (!codes[k][i].code)
                return false;
        }
        *counts[k] = n;
    }
    r->success = codes[0];
    r->informational = codes[1];
    r->failure = codes[2];
    return true;
}

int main(int argc, char **argv)
{
    int rc = 1;
    struct diag d;
    struct c2pa_signer *s = NULL;
    uint8_t *orig = NULL, *deriv = NULL, *store = NULL, *out = NULL;
    size_t orig_len = 0, deriv_len = 0, store_len = 0, out_len = 0;
    diag_clear(&d);
    json_t *report = NULL;
    struct c2pa_sign_results results = {0};
    bool box_hash = false, sidecar = false, usage = false;
    uint8_t *ocsp = NULL;
    size_t ocsp_len = 0;
    const char *update = NULL;
    for (; argc > 1 && strncmp(argv[1], "--", 2) == 0; argc--, argv++) {
        if (strcmp(argv[1], "--box-hash") == 0) {
            box_hash = true;
        } else if (strcmp(argv[1], "--sidecar") == 0) {
            sidecar = true;
        } else if (strcmp(argv[1], "--update") == 0 && argc > 2 && !update) {
            update = argv[2];
            argc--;
            argv++;
        } else if (strcmp(argv[1], "--ocsp") == 0 && argc > 2 && !ocsp) {
            if (file_read_all(argv[2], 1 << 20, &ocsp, &ocsp_len, &d) != ST_OK) {
                log_diag(LOG_ERROR, &d);
                return 2;
            }
            argc--;
            argv++;
        } else {
            usage = true;
            break;
        }
    }
    if (usage || (argc != 5 && argc != 6)) {
        fprintf(stderr, "usage: c2pa_sign_tool [--box-hash] [--sidecar] [--ocsp RESPONSE.der] "
                        "[--update ACTION] KEYDIR ORIGINAL DERIVATIVE OUT [ORACLE.json]\n");
        free(ocsp);
        return 2;
    }
    if (argc == 6) {
        json_error_t err;
        report = json_load_file(argv[5], 0, &err);
        if (!report || !load_results(report, &results)) {
            fprintf(stderr, "%s: not an oracle report with validation results\n", argv[5]);
            json_decref(report);
            free(ocsp);
            return 2;
        }
    }
    if (c2pa_signer_load(argv[1], &s, &d) != ST_OK ||
        file_read_all(argv[2], TS_LIMIT_PHOTO_BYTES, &orig, &orig_len, &d) != ST_OK ||
        file_read_all(argv[3], TS_LIMIT_PHOTO_BYTES, &deriv, &deriv_len, &d) != ST_OK)
        goto abort;
    enum status st = c2pa_sign_find_store(span_make(orig, orig_len), &store, &store_len, &d);
    if (st != ST_OK && st != ST_NOT_FOUND)
        goto abort;
    struct c2pa_sign_input in = {
        .original = span_make(orig, orig_len),
        .original_title = base_name(argv[2]),
        .original_format = c2pa_sign_media_type(span_make(orig, orig_len)),
        .original_store = span_make(store, store_len),
        .original_results = report ? &results : NULL,
        .asset = span_make(deriv, deriv_len),
        .title = base_name(argv[4]),
        .generator_name = "tearsheet",
        .generator_version = TS_VERSION,
        .box_hash = box_hash,
        .sidecar = sidecar,
        .ocsp_response = span_make(ocsp, ocsp_len),
        .update_action = update,
    };
    if (c2pa_sign(s, &in, &out, &out_len, &d) != ST_OK ||
        file_write_atomic(argv[4], out, out_len, &d) != ST_OK)
        goto abort;
    rc = 0;
abort:
    if (rc)
        log_diag(LOG_ERROR, &d);
    free(orig);
    free(deriv);
    free(store);
    free(out);
    free(ocsp);
    c2pa_signer_free(s);
    json_decref(report);
    return rc;
}
