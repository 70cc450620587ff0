/*
 * fuzz_iim.c — fuzz target for the Photoshop IRB (8BIM) walker and the
 * IPTC IIM dataset reader with its charset detection: the input is
 * read both as an IRB block and as a raw IIM block.
 * Must never: trust a resource size or dataset length.
 */
#include <stdint.h>
#include <string.h>

#include "meta/meta_internal.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct span in = span_make(data, size);
    struct meta_iim_state st;
    struct meta_list notes = {0};
    struct buf all;
    struct diag d;
    memset(&st, 0, sizeof st);
    buf_init(&all, TS_LIMIT_XMP_BYTES);
    diag_clear(&d);
    meta_irb_read(in, 0, &st, &all, &notes, &d);
    meta_iim_read(span_make((const uint8_t *)all.data, all.len), 0, NULL, &st.src, &notes, &d);
    meta_source_clear(&st.src);
    struct meta_options ko = {"CP949"};
    meta_iim_read(in, 0, &ko, &st.src, &notes, &d);
    meta_source_clear(&st.src);
    meta_iim_read(in, 0, NULL, &st.src, &notes, &d);
    meta_source_clear(&st.src);
    meta_list_clear(&notes);
    buf_free(&all);
    return 0;
}
