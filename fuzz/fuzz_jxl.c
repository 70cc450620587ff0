/*
 * fuzz_jxl.c — fuzz target for finding a C2PA store in a JPEG XL
 * container (signature box, top-level boxes, the jumb box whose jumd
 * label is "c2pa", more than one store refused).
 * Must never: leave memory allocated or read outside the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "c2pa/c2pa.h"
#include "container/container.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag d;
    bool naked = false;
    diag_clear(&d);
    (void)container_is_jxl(span_make(data, size), &naked);
    uint8_t *store = NULL;
    size_t len = 0, xs = 0, xl = 0;
    const char *fmt = NULL;
    (void)c2pa_store_find(span_make(data, size), "fuzz.jxl", &store, &len, &fmt, &xs, &xl, &d);
    free(store);
    return 0;
}
