/*
 * jxl.c — recognises JPEG XL files: the ISO-BMFF-style container that
 * starts with the 12-byte signature box 'JXL ' (whose top-level boxes
 * container_bmff_next walks: jxlc/jxlp codestream, Exif, xml, jumb,
 * brob) and the bare codestream, which has no boxes at all.
 *
 * Must never: read past the input.
 *
 * Spec: ISO/IEC 18181-2:2024 §4.1 (signature box), §4.2 (boxes).
 */
#include "container/container.h"

bool container_is_jxl(struct span in, bool *naked)
{
    static const uint8_t sig[12] = {0, 0, 0, 12, 'J', 'X', 'L', ' ', 0x0D, 0x0A, 0x87, 0x0A};
    *naked = span_starts_with(in, "\xFF\x0A", 2);
    return *naked || span_starts_with(in, sig, sizeof sig);
}
