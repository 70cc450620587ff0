/*
 * fuzz_gif.c — fuzz target for the GIF block walker (header, colour
 * tables, extensions, image data sub-blocks) and for finding a C2PA
 * store in it (the C2PA_GIF application extension, sub-blocks joined).
 * Must never: leave memory allocated or read outside the input.
 */
#include <stdint.h>
#include <stdlib.h>

#include "c2pa/c2pa.h"
#include "container/container.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cursor c;
    struct diag d;
    diag_clear(&d);
    if (container_gif_begin(span_make(data, size), &c, &d) == ST_OK) {
        struct container_gif_block b;
        for (size_t n = 0; n < TS_LIMIT_FILE_CHUNKS; n++) {
            if (container_gif_next(&c, &b, &d) != ST_OK)
                break;
            struct cursor k;
            struct span part;
            cursor_init(&k, b.sub_blocks);
            while (container_gif_sub_block(&k, &part))
                ;
        }
    }
    uint8_t *store = NULL;
    size_t len = 0, xs = 0, xl = 0;
    const char *fmt = NULL;
    (void)c2pa_store_find(span_make(data, size), "fuzz.gif", &store, &len, &fmt, &xs, &xl, &d);
    free(store);
    return 0;
}
