/*
 * fuzz_riff.c — fuzz target for the RIFF (WebP) chunk walker and what
 * meta_read does with VP8X/VP8/VP8L headers and EXIF/XMP/ICCP chunks.
 * Must never: leave memory allocated or read outside the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "container/container.h"
#include "meta/meta.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cursor c;
    struct diag d;
    diag_clear(&d);
    if (container_riff_begin(span_make(data, size), &c, &d) == ST_OK) {
        struct container_riff_chunk ch;
        for (size_t n = 0; n < TS_LIMIT_FILE_CHUNKS; n++)
            if (container_riff_next(&c, &ch, &d) != ST_OK)
                break;
    }
    struct photo_meta *m = NULL;
    diag_clear(&d);
    if (meta_read(data, size, NULL, &m, &d) == ST_OK)
        json_decref(meta_to_json(m));
    meta_free(m);
    return 0;
}
