/*
 * fuzz_c2pa_tiff.c — fuzz target for finding a C2PA store in a TIFF or
 * DNG file (the next-IFD chain, tag 0xCD41 in the last page's IFD or
 * the first's, its type and value checked) and for verifying it.
 * Must never: leave memory allocated or read outside the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "c2pa/c2pa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag d;
    diag_clear(&d);
    uint8_t *store = NULL;
    size_t len = 0, xs = 0, xl = 0;
    const char *fmt = NULL;
    (void)c2pa_store_find(span_make(data, size), "fuzz.tif", &store, &len, &fmt, &xs, &xl, &d);
    free(store);
    struct c2pa_report r;
    if (c2pa_verify(span_make(data, size), "fuzz.tif", NULL, &r, &d) == ST_OK)
        c2pa_report_free(&r);
    return 0;
}
