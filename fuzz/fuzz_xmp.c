/*
 * fuzz_xmp.c — fuzz target for the XMP reader (expat, RDF shapes,
 * UTF-8/16/32 detection) and the ICC description reader, which share
 * "a packet of bytes from a photo" as input.
 * Must never: expand an entity, recurse past TS_LIMIT_XMP_DEPTH.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "meta/meta_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct span in = span_make(data, size);
    struct meta_source s;
    struct meta_list notes = {0};
    struct diag d;
    memset(&s, 0, sizeof s);
    diag_clear(&d);
    meta_xmp_read(in, &s, &notes, &d);
    meta_source_clear(&s);
    meta_list_clear(&notes);
    char *desc = NULL;
    meta_icc_description(in, &desc, &d);
    free(desc);
    return 0;
}
