/*
 * fuzz_jpeg.c — fuzz target for the JPEG marker walker and everything
 * meta_read does with what it finds (EXIF, IRB/IIM, XMP, ICC, MWG).
 * Must never: leave memory allocated or read outside the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "container/container.h"
#include "meta/meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct container_jpeg *j = malloc(sizeof *j);
    struct diag d;
    diag_clear(&d);
    if (j)
        container_jpeg_walk(span_make(data, size), j, &d);
    free(j);
    struct photo_meta *m = NULL;
    diag_clear(&d);
    if (meta_read(data, size, NULL, &m, &d) == ST_OK) {
        json_t *o = meta_to_json(m);
        json_decref(o);
        struct buf b;
        buf_init(&b, TS_LIMIT_PAGE_BYTES);
        meta_to_text(m, &b);
        buf_free(&b);
    }
    meta_free(m);
    return 0;
}
