/*
 * fuzz_svg.c — fuzz target for the SVG scanner (comments, CDATA,
 * DOCTYPE subsets, quoted attributes, nesting cap) and for finding a
 * C2PA store in it (base64 text of /svg/metadata/c2pa:manifest).
 * Must never: leave memory allocated or read outside the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "c2pa/c2pa.h"
#include "container/container.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct container_svg svg;
    struct diag d;
    diag_clear(&d);
    (void)container_is_svg(span_make(data, size));
    (void)container_svg_walk(span_make(data, size), &svg, &d);
    uint8_t *store = NULL;
    size_t len = 0, xs = 0, xl = 0;
    const char *fmt = NULL;
    (void)c2pa_store_find(span_make(data, size), "fuzz.svg", &store, &len, &fmt, &xs, &xl, &d);
    free(store);
    return 0;
}
