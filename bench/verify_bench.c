/*
 * verify_bench.c — the validator's own cost, without process start-up:
 * c2pa_verify (src/c2pa/validate.c) on one file's bytes, repeated in
 * one process, in CPU milliseconds per call (this process's user +
 * system time). `tearsheet verify` links libvips and its ~100 shared
 * libraries, whose loading costs more than most verifications; this
 * separates the two. Built and run by bench/c2pa.sh against
 * build/release's libraries.
 *
 * Must never: write anything, or count reading the file in the time.
 *
 * usage: verify_bench FILE [N]   prints "verify_ms X calls N state S"
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

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
    uint8_t *data = NULL;
    size_t len = 0;
    struct diag d;
    char msg[1024];
    diag_clear(&d);
    if (argc < 2) {
        fprintf(stderr, "usage: verify_bench FILE [N]\n");
        return 2;
    }
    int n = argc > 2 ? atoi(argv[2]) : 10;
    if (n < 1 || n > 100000) {
        fprintf(stderr, "verify_bench: N must be 1..100000\n");
        return 2;
    }
    if (file_read_all(argv[1], TS_LIMIT_PHOTO_BYTES, &data, &len, &d) != ST_OK) {
        diag_format(&d, msg, sizeof msg);
        fprintf(stderr, "verify_bench: %s\n", msg);
        goto abort;
    }
    int state = -1;
    double t0 = cpu_now();
    for (int i = 0; i < n; i++) {
        struct c2pa_report r;
        diag_clear(&d);
        /* A file the validator refuses is timed too: refusing is its work. */
        if (c2pa_verify(span_make(data, len), argv[1], NULL, &r, &d) == ST_OK) {
            state = r.has_manifest ? (int)r.state : -2;
            c2pa_report_free(&r);
        }
    }
    double s = (cpu_now() - t0) / n;
    printf("verify_ms %.3f calls %d state %d\n", s * 1000, n, state);
    rc = 0;
abort:
    free(data);
    return rc;
}
