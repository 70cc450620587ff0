/*
 * c2pa_bench.c — the C2PA module's own costs, without process start-up,
 * in CPU milliseconds per call (this process's user + system time):
 *
 *   verify FILE [N]   c2pa_verify (src/c2pa/validate.c) on the file's
 *                     bytes, N times. `tearsheet verify` links libvips
 *                     and its ~100 shared libraries, whose loading costs
 *                     more than most verifications; this separates the two.
 *   sign KEYDIR ORIGINAL DERIVATIVE [N]
 *                     c2pa_sign (src/c2pa/sign.c) as `tearsheet build`
 *                     calls it (sign_outputs, src/site/photos.c), N times,
 *                     with the original's SHA-256 (the ingredient's
 *                     instanceID) given, and beside it that SHA-256, which
 *                     the build computes once per photo. A signed-minus-
 *                     unsigned build measures the same thing but is within
 *                     the noise of a shared machine; this is not.
 *
 * Built and run by bench/c2pa.sh against build/release's libraries.
 * Must never: write anything (signed bytes are discarded), or count
 * reading files or loading the key in the per-call time.
 *
 * output: "verify_ms X calls N state S" (S: enum c2pa_state, -2 no
 * manifest, -1 refused) or "sign_ms X original_sha256_ms Y ..."
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

static int bench_verify(const uint8_t *data, size_t len, const char *name, int n)
{
    int state = -1;
    double t0 = cpu_now();
    for (int i = 0; i < n; i++) {
        struct c2pa_report r;
        struct diag d;
        diag_clear(&d);
        /* A file the validator refuses is timed too: refusing is its work. */
        if (c2pa_verify(span_make(data, len), name, NULL, &r, &d) == ST_OK) {
            state = r.has_manifest ? (int)r.state : -2;
            c2pa_report_free(&r);
        }
    }
    printf("verify_ms %.3f calls %d state %d\n", (cpu_now() - t0) / n * 1000, n, state);
    return 0;
}

static int bench_sign(const char *keydir, struct span orig, struct span asset, const char *title,
                      int n)
{
    int rc = 1;
    struct c2pa_signer *signer = NULL;
    struct diag d;
    char msg[1024];
    diag_clear(&d);
    if (c2pa_signer_load(keydir, &signer, &d) != ST_OK)
        goto fail;
    uint8_t h[SHA256_DIGEST_LENGTH];
    SHA256(orig.ptr, orig.len, h);
    struct c2pa_sign_input in = {
        .original = orig,
        .original_sha256 = h,
        .original_title = "original.jpg",
        .original_format = c2pa_sign_media_type(orig),
        .asset = asset,
        .title = title,
        .generator_name = "tearsheet",
        .generator_version = "bench",
    };
    diag_set_file(&d, title);
    double t0 = cpu_now();
    for (int i = 0; i < n; i++) {
        uint8_t *out = NULL;
        size_t out_len = 0;
        if (c2pa_sign(signer, &in, &out, &out_len, &d) != ST_OK)
            goto fail;
        free(out);
    }
    double sign_s = (cpu_now() - t0) / n;
    t0 = cpu_now();
    for (int i = 0; i < n; i++)
        SHA256(orig.ptr, orig.len, h);
    double hash_s = (cpu_now() - t0) / n;
    printf("sign_ms %.3f original_sha256_ms %.3f original_bytes %zu derivative_bytes %zu calls %d\n",
           sign_s * 1000, hash_s * 1000, orig.len, asset.len, n);
    rc = 0;
    goto abort;
fail:
    diag_format(&d, msg, sizeof msg);
    fprintf(stderr, "c2pa_bench: %s\n", msg);
abort:
    c2pa_signer_free(signer);
    return rc;
}

int main(int argc, char **argv)
{
    int rc = 2;
    uint8_t *a = NULL, *b = NULL;
    size_t a_len = 0, b_len = 0;
    struct diag d;
    char msg[1024];
    diag_clear(&d);
    bool verify = argc >= 3 && strcmp(argv[1], "verify") == 0;
    bool sign = argc >= 5 && strcmp(argv[1], "sign") == 0;
    const char *count = verify && argc > 3 ? argv[3] : sign && argc > 5 ? argv[5] : "10";
    int n = atoi(count);
    if ((!verify && !sign) || n < 1 || n > 100000) {
        fprintf(stderr, "usage: c2pa_bench verify FILE [N]\n"
                        "       c2pa_bench sign KEYDIR ORIGINAL DERIVATIVE [N]   (N: 1..100000)\n");
        goto abort;
    }
    const char *first = verify ? argv[2] : argv[3];
    if (file_read_all(first, TS_LIMIT_PHOTO_BYTES, &a, &a_len, &d) != ST_OK ||
        (sign && file_read_all(argv[4], TS_LIMIT_PHOTO_BYTES, &b, &b_len, &d) != ST_OK)) {
        diag_format(&d, msg, sizeof msg);
        fprintf(stderr, "c2pa_bench: %s\n", msg);
        rc = 1;
        goto abort;
    }
    if (verify) {
        rc = bench_verify(a, a_len, first, n);
    } else {
        const char *slash = strrchr(argv[4], '/');
        rc = bench_sign(argv[2], span_make(a, a_len), span_make(b, b_len), slash ? slash + 1 : argv[4], n);
    }
abort:
    free(a);
    free(b);
    return rc;
}
