/*
 * fuzz_tiff.c — fuzz target for the TIFF header + IFD walker through
 * the EXIF reader (IFD0, ExifIFD, GPS, maker notes, TIFF-file tags),
 * and a raw walk of every IFD in the next-IFD chain.
 * Must never: follow an IFD twice or read outside the input.
 */
#include <stdint.h>
#include <string.h>

#include "meta/meta_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static enum status touch(void *ctx, struct container_tiff *t,
                         const struct container_tiff_entry *e, int depth)
{
    uint32_t v = 0;
    (void)ctx;
    (void)depth;
    for (uint32_t i = 0; i < e->count && i < 4; i++)
        container_tiff_uint(t, e, i, &v);
    return ST_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct span in = span_make(data, size);
    struct diag d;
    diag_clear(&d);
    static struct container_tiff t;
    if (container_tiff_open(in, 0, &t, &d) == ST_OK) {
        uint32_t off = t.ifd0;
        for (int i = 0; i < TS_LIMIT_IFD_COUNT && off; i++)
            if (container_tiff_ifd(&t, off, 0, touch, NULL, &off, &d) != ST_OK)
                break;
    }
    struct meta_source s;
    struct meta_tiff_tags tags;
    struct meta_list notes = {0};
    memset(&s, 0, sizeof s);
    memset(&tags, 0, sizeof tags);
    diag_clear(&d);
    meta_exif_read(in, 0, true, &s, &tags, &notes, &d);
    meta_source_clear(&s);
    meta_list_clear(&notes);
    return 0;
}
