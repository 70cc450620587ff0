/*
 * fuzz_c2pa_cbor.c — fuzz target for CBOR claim/assertion decoding: the
 * bounded well-formedness check, then libcbor on what passed it (the
 * check must keep libcbor from huge allocations and deep recursion).
 * Must never: leave memory allocated or read outside the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include <cbor.h>

#include "c2pa/c2pa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct diag d;
    diag_clear(&d);
    if (c2pa_cbor_check(span_make(data, size), &d) != ST_OK)
        return 0;
    struct cbor_load_result res;
    cbor_item_t *it = cbor_load(data, size, &res);
    if (it)
        cbor_decref(&it);
    return 0;
}
