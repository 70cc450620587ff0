/*
 * fuzz_c2pa_verify.c — fuzz target for the whole C2PA reader and
 * validator: container walk, APP11 reassembly, JUMBF, claim and
 * assertion CBOR, COSE, X.509, time-stamps, and the plain-words report.
 * The input is tried as an asset and as a sidecar store.
 * Must never: leave memory allocated or read outside the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "c2pa/c2pa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *names[] = {"asset.jpg", "asset.c2pa"};
    for (size_t i = 0; i < 2; i++) {
        struct c2pa_report r;
        struct diag d;
        struct buf b;
        diag_clear(&d);
        if (c2pa_verify(span_make(data, size), names[i], NULL, &r, &d) != ST_OK)
            continue;
        buf_init(&b, (size_t)1 << 20);
        c2pa_report_describe(&r, &b);
        buf_free(&b);
        c2pa_report_free(&r);
    }
    return 0;
}
