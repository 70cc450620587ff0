/*
 * fuzz_bmff.c — fuzz target for the ISO-BMFF (HEIF/AVIF) box walker:
 * box headers (largesize, size 0), iinf/iloc/iprp tables, item
 * extents, and meta_read on the Exif/XMP items and ICC it finds.
 * Must never: leave memory allocated or read outside the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "container/container.h"
#include "meta/meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct container_bmff *b = malloc(sizeof *b);
    struct diag d;
    diag_clear(&d);
    if (b)
        container_bmff_walk(span_make(data, size), b, &d);
    free(b);
    /* The raw box walker on its own, from the first byte. */
    struct cursor c;
    struct container_bmff_box box;
    cursor_init(&c, span_make(data, size));
    for (size_t n = 0; n < TS_LIMIT_FILE_CHUNKS; n++)
        if (container_bmff_next(&c, &box, &d) != ST_OK)
            break;
    struct photo_meta *m = NULL;
    diag_clear(&d);
    if (meta_read(data, size, NULL, &m, &d) == ST_OK)
        json_decref(meta_to_json(m));
    meta_free(m);
    return 0;
}
