/*
 * fuzz_c2pa_jumbf.c — fuzz target for the JUMBF box tree parser
 * (ISO 19566-5 boxes, jumd labels, XLBox, nesting limits).
 * Must never: leave memory allocated or read outside the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "c2pa/c2pa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct c2pa_jumbf *j = NULL;
    struct diag d;
    diag_clear(&d);
    if (c2pa_jumbf_parse(span_make(data, size), &j, &d) == ST_OK)
        (void)c2pa_jumbf_count(j);
    c2pa_jumbf_free(j);
    return 0;
}
