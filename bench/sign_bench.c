/*
 * sign_bench.c — the cost of signing one derivative, measured directly:
 * c2pa_sign (src/c2pa/sign.c) on the same original and derivative
 * bytes, as `tearsheet build` calls it (sign_outputs in
 * src/site/photos.c), repeated, in CPU milliseconds per call (this
 * process's user + system time), and beside it the share that is
 * SHA-256 of the whole original (the ingredient's instanceID), which
 * the signer recomputes for every derivative of a photo. A build-level
 * difference (signed minus unsigned build) measures the same thing but
 * is within the noise of a shared machine; this is not.
 * Built and run by bench/c2pa.sh against build/release's libraries.
 *
 * Must never: write anything (the signed bytes are discarded), or count
 * file reading or key loading in the per-call time.
 *
 * usage: sign_bench KEYDIR ORIGINAL DERIVATIVE [N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <openssl/sha.h>

#include "base/base.h"
#include "c2pa/c2pa.h"

static double cpu_now(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    int rc = 1;
    struct c2pa_signer *signer = NULL;
    uint8_t *orig = NULL, *asset = NULL;
    size_t orig_len = 0, asset_len = 0;
    struct diag d;
    char msg[1024];
    diag_clear(&d);
    if (argc < 4) {
        fprintf(stderr, "usage: sign_bench KEYDIR ORIGINAL DERIVATIVE [N]\n");
        return 2;
    }
    int n = argc > 4 ? atoi(argv[4]) : 20;
    if (n < 1 || n > 100000) {
        fprintf(stderr, "sign_bench: N must be 1..100000\n");
        return 2;
    }
    if (c2pa_signer_load(argv[1], &signer, &d) != ST_OK ||
        file_read_all(argv[2], TS_LIMIT_PHOTO_BYTES, &orig, &orig_len, &d) != ST_OK ||
        file_read_all(argv[3], TS_LIMIT_PHOTO_BYTES, &asset, &asset_len, &d) != ST_OK) {
        diag_format(&d, msg, sizeof msg);
        fprintf(stderr, "sign_bench: %s\n", msg);
        goto abort;
    }
    const char *slash = strrchr(argv[3], '/');
    struct c2pa_sign_input in = {
        .original = span_make(orig, orig_len),
        .original_title = "original.jpg",
        .original_format = c2pa_sign_media_type(span_make(orig, orig_len)),
        .asset = span_make(asset, asset_len),
        .title = slash ? slash + 1 : argv[3],
        .generator_name = "tearsheet",
        .generator_version = "bench",
    };
    double t0 = cpu_now();
    for (int i = 0; i < n; i++) {
        uint8_t *out = NULL;
        size_t out_len = 0;
        if (c2pa_sign(signer, &in, &out, &out_len, &d) != ST_OK) {
            diag_format(&d, msg, sizeof msg);
            fprintf(stderr, "sign_bench: %s\n", msg);
            goto abort;
        }
        free(out);
    }
    double sign_s = (cpu_now() - t0) / n;
    uint8_t h[SHA256_DIGEST_LENGTH];
    t0 = cpu_now();
    for (int i = 0; i < n; i++)
        SHA256(orig, orig_len, h);
    double hash_s = (cpu_now() - t0) / n;
    printf("sign_ms %.3f original_sha256_ms %.3f original_bytes %zu derivative_bytes %zu calls %d\n",
           sign_s * 1000, hash_s * 1000, orig_len, asset_len, n);
    rc = 0;
abort:
    c2pa_signer_free(signer);
    free(orig);
    free(asset);
    return rc;
}
