/*
 * fuzz_c2pa_cose.c — fuzz target for COSE_Sign1 parsing: tag, headers,
 * algorithm, x5chain certificates (DER through OpenSSL), sigTst tokens.
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
    (void)c2pa_cose_check(span_make(data, size), &d);
    return 0;
}
