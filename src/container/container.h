/*
 * container.h — the one header of the container module: walkers that
 * find the metadata blocks inside photo files and hand them back as
 * spans of the caller's bytes (JPEG segments, TIFF IFD entries,
 * Photoshop IRB resources, IPTC IIM datasets, PNG chunks, RIFF chunks,
 * ISO-BMFF boxes and HEIF items).
 *
 * Must never: do I/O, copy or allocate the blocks it finds, trust a
 * length or offset from the file, recurse without a depth cap, or
 * follow an offset twice (IFD cycles are CVE-2007-6351's bug class).
 *
 * Specs: JPEG ITU T.81 B.1 (markers); Exif 2.32 / TIFF 6.0 §2 (IFDs);
 * Adobe Photoshop File Formats "Image Resource Blocks"; IPTC IIM 4.2
 * §1.5 (datasets, extended length); PNG 1.2 §5; RIFF/WebP container;
 * ISO/IEC 14496-12 §4.2, §8.11 and ISO/IEC 23008-12 (HEIF) items.
 * Field maps live in ../shared/notes/metadata.md §1.
 */
#ifndef TS_CONTAINER_H
#define TS_CONTAINER_H

#include <stdbool.h>
#include <stdint.h>

#include "base/base.h"

/* Blocks of one kind kept per file (limits.h says why). */
#define CONTAINER_MAX_BLOCKS TS_LIMIT_META_BLOCKS

/* ---- JPEG ---------------------------------------------------------- */

/* One block with the file offset of its first byte, for diagnostics. */
struct container_block {
    struct span data;
    size_t offset;
};

struct container_jpeg {
    struct container_block exif; /* TIFF bytes after "Exif\0\0" (first APP1 Exif) */
    struct container_block xmp;  /* packet after the XMP signature (first one) */
    /* First APP12 payload ("[picture info]" text of Agfa/Olympus/Fuji) */
    struct container_block app12;
    size_t n_ext_xmp, n_icc, n_app13, n_app11; /* blocks held in the arrays below */
    uint32_t width, height;                    /* from the first SOFn; 0 when none was seen */
    bool have_sof, have_sos;
    /* Offset just past the SOS segment header: bytes [0, header_end)
     * hold every segment a metadata reader looks at (site caches them
     * so an unchanged photo is never read again). 0 without SOS. */
    size_t header_end;
    size_t n_segments;
    /* Set when the walk stopped early (truncated segment, limit):
     * what was found before it is still valid. */
    bool partial;
    struct diag warning;
    /*
     * The arrays last: the walk zeroes everything above and none of
     * them (24 KB; only their first n_* entries are valid, and readers
     * go no further), so a photo with a block or two touches a page or
     * two, not all of them. Zeroing them was a third of meta_read on a
     * no-op rebuild of 10,000 photos (docs/performance.md).
     */
    /* Extended XMP payloads after the signature: GUID(32) len(4) off(4) data */
    struct container_block ext_xmp[CONTAINER_MAX_BLOCKS];
    /* ICC chunks after "ICC_PROFILE\0": seq(1) count(1) data */
    struct container_block icc[CONTAINER_MAX_BLOCKS];
    /* Photoshop IRB after "Photoshop 3.0\0", in file order */
    struct container_block app13[CONTAINER_MAX_BLOCKS];
    /* Whole APP11 payloads (JUMBF/C2PA), kept for the provenance reader */
    struct container_block app11[CONTAINER_MAX_BLOCKS];
};

/* True when the bytes start with a JPEG SOI marker. */
bool container_is_jpeg(struct span in);
/*
 * Walks markers from SOI to SOS. Not a JPEG: ST_MALFORMED. A file cut
 * or damaged after SOI: ST_OK with `partial` set and the reason in
 * `warning`, and every block found before it.
 */
enum status container_jpeg_walk(struct span in, struct container_jpeg *out, struct diag *d);

/* ---- TIFF / IFD ---------------------------------------------------- */

enum tiff_type {
    TIFF_BYTE = 1, TIFF_ASCII = 2, TIFF_SHORT = 3, TIFF_LONG = 4, TIFF_RATIONAL = 5,
    TIFF_SBYTE = 6, TIFF_UNDEFINED = 7, TIFF_SSHORT = 8, TIFF_SLONG = 9, TIFF_SRATIONAL = 10,
    TIFF_FLOAT = 11, TIFF_DOUBLE = 12, TIFF_IFD = 13,
};

/* A TIFF structure being walked: header facts plus the state that
 * bounds the walk over the whole file (visited IFDs, entry budget). */
struct container_tiff {
    struct span data; /* offsets are relative to data.ptr */
    size_t base;      /* offset of data within the file, for diagnostics */
    bool big_endian;
    uint32_t ifd0;
    uint32_t visited[TS_LIMIT_IFD_COUNT];
    size_t n_visited;
    size_t entries_read;
};

struct container_tiff_entry {
    uint16_t tag, type;
    uint32_t count;
    struct span value; /* count × size bytes; empty when it does not fit */
    bool value_ok;     /* false: the value points past the data */
    size_t entry_offset; /* of the 12-byte entry, within data */
};

/* Parses the 8-byte header ("II*\0" / "MM\0*" + IFD0 offset). */
enum status container_tiff_open(struct span in, size_t base, struct container_tiff *t,
                                struct diag *d);

/*
 * Called once per entry of an IFD; a non-OK status stops the walk of
 * that IFD and is returned from container_tiff_ifd.
 */
typedef enum status (*container_tiff_entry_fn)(void *ctx, struct container_tiff *t,
                                               const struct container_tiff_entry *e, int depth);
/*
 * Reads the IFD at `offset` (depth 0 = IFD0) and calls `fn` for each
 * entry. Refuses (ST_LIMIT / ST_MALFORMED, diag says which) an IFD
 * visited before, deeper than TS_LIMIT_IFD_DEPTH, past the entry
 * budget, or whose entry table runs past the data. `next` (may be
 * NULL) receives the next-IFD offset (0 = none).
 */
enum status container_tiff_ifd(struct container_tiff *t, uint32_t offset, int depth,
                               container_tiff_entry_fn fn, void *ctx, uint32_t *next,
                               struct diag *d);
/* Bytes per value of a type (0 for unknown types). */
size_t container_tiff_type_size(uint16_t type);
/* The index-th value of a BYTE/SHORT/LONG (or signed) entry. */
bool container_tiff_uint(const struct container_tiff *t, const struct container_tiff_entry *e,
                         uint32_t index, uint32_t *v);

/* ---- Photoshop image resources (8BIM) ----------------------------- */

struct container_irb {
    uint16_t id;
    struct span name; /* Pascal name, without its length byte */
    struct span data;
    size_t offset;    /* of the resource's "8BIM", within the walked span */
};
/*
 * Next resource from the cursor. ST_NOT_FOUND at a clean end;
 * ST_TRUNCATED / ST_MALFORMED (diag says where) for a damaged one, and
 * the cursor stays where it was.
 */
enum status container_irb_next(struct cursor *c, struct container_irb *out, struct diag *d);

/* ---- IPTC IIM datasets -------------------------------------------- */

struct container_iim {
    uint8_t record, dataset;
    struct span data;
    size_t offset; /* of the 0x1C tag, within the walked span */
};
/*
 * Next dataset (tag 0x1C, record, dataset, 16-bit length or extended
 * length when bit 15 is set). ST_NOT_FOUND at the end or at padding
 * (NULs after the last dataset, as Photoshop writes); ST_TRUNCATED
 * when a length runs past the block, ST_MALFORMED for a bad tag or an
 * extended length of more than 4 bytes.
 */
enum status container_iim_next(struct cursor *c, struct container_iim *out, struct diag *d);

/* ---- PNG ------------------------------------------------------------ */

struct container_png_chunk {
    char type[5];
    struct span data;
    size_t offset; /* of the chunk's length field */
};
bool container_is_png(struct span in);
/* Cursor positioned after the signature: container_png_begin, then
 * container_png_next until ST_NOT_FOUND (after IEND or at the end). */
enum status container_png_begin(struct span in, struct cursor *c, struct diag *d);
enum status container_png_next(struct cursor *c, struct container_png_chunk *out,
                               struct diag *d);

/* ---- RIFF (WebP) ---------------------------------------------------- */

struct container_riff_chunk {
    char fourcc[5];
    struct span data;
    size_t offset;
};
bool container_is_webp(struct span in);
enum status container_riff_begin(struct span in, struct cursor *c, struct diag *d);
enum status container_riff_next(struct cursor *c, struct container_riff_chunk *out,
                                struct diag *d);

/* ---- TIFF as a whole file ------------------------------------------ */
bool container_is_tiff(struct span in);

/* ---- GIF (gif.c) ---------------------------------------------------- */

struct container_gif_block {
    uint8_t kind;          /* 0x21 extension, 0x2C image */
    uint8_t label;         /* of an extension (0xFF application, 0xF9, 0xFE, 0x01) */
    struct span app_id;    /* application extension: identifier (8) + auth code (3) */
    struct span sub_blocks; /* the data sub-blocks after the header, terminator included */
    size_t offset, len;    /* the whole block, introducer to terminator */
};
bool container_is_gif(struct span in);
/* Header, logical screen descriptor and global colour table; the
 * cursor is left at the first block. */
enum status container_gif_begin(struct span in, struct cursor *c, struct diag *d);
/* Next extension or image block. ST_NOT_FOUND at the trailer or at the
 * end of the input; ST_TRUNCATED / ST_MALFORMED (diag says where) for
 * a block that does not fit or an unknown introducer, and the cursor
 * stays where it was. */
enum status container_gif_next(struct cursor *c, struct container_gif_block *out,
                               struct diag *d);
/* One data sub-block from a cursor over `sub_blocks`; false at the
 * terminator or when the block does not fit. */
bool container_gif_sub_block(struct cursor *c, struct span *out);

/* ---- SVG (svg.c) ---------------------------------------------------- */

/* True for XML text whose first 4 KiB hold an "<svg" tag. */
bool container_is_svg(struct span in);
struct container_svg {
    /* The text content of /svg/metadata/c2pa:manifest (the last text of
     * such an element, as c2pa-rs reads it) and its offset; empty when
     * none. */
    struct container_block manifest;
    /* Where c2pa-rs places the store: just past the last start tag of
     * the root, of a metadata child of it, or of a c2pa:manifest in
     * one (svg_io.rs detect_manifest_location's insertion point). */
    size_t location;
    /* Offsets just past the root's start tag and the last metadata
     * child's start tag (where a writer puts the manifest); 0 when
     * there is none or the element is empty. */
    size_t root_content, last_metadata;
};
/* Walks the document to the end of its root element. ST_MALFORMED /
 * ST_LIMIT (diag says where) for a root that is not svg, a stray end
 * tag or nesting past TS_LIMIT_XMP_DEPTH. */
enum status container_svg_walk(struct span in, struct container_svg *out, struct diag *d);

/* ---- JPEG XL (ISO/IEC 18181-2 container of ISO-BMFF boxes) ---------- */

/* True for the 12-byte JXL signature box; *naked set for a bare
 * codestream (FF 0A), which cannot carry metadata boxes. */
bool container_is_jxl(struct span in, bool *naked);

/* ---- ISO-BMFF (HEIF / HEIC / AVIF) --------------------------------- */

/* Items of one kind (Exif, XMP) kept per file; a photo has one each. */
#define CONTAINER_BMFF_KEEP 8

struct container_bmff_box {
    char type[5];
    struct span data;  /* payload after the header (size, type, largesize, uuid) */
    size_t offset;     /* of the box's first byte, within the walked span */
};
/*
 * Next box from the cursor (ISO/IEC 14496-12 §4.2): 32-bit size,
 * 64-bit largesize when size is 1, "to the end" when size is 0, a
 * 16-byte extended type after 'uuid'. ST_NOT_FOUND at a clean end;
 * ST_TRUNCATED / ST_MALFORMED for a box that does not fit, and the
 * cursor stays where it was.
 */
enum status container_bmff_next(struct cursor *c, struct container_bmff_box *out,
                                struct diag *d);

struct container_bmff {
    char major_brand[5];
    uint32_t primary_item; /* pitm; 0 when absent */
    /* 'Exif' items: the TIFF bytes (after the item's 4-byte header
     * offset and the bytes it skips, usually "Exif\0\0"). */
    struct container_block exif[CONTAINER_BMFF_KEEP];
    size_t n_exif;
    /* 'mime' items of content type application/rdf+xml: XMP packets. */
    struct container_block xmp[CONTAINER_BMFF_KEEP];
    size_t n_xmp;
    /* ICC profile of a 'colr' property (type 'prof' or 'rICC') of the
     * primary item, else the first one; empty when none. */
    struct container_block icc;
    uint32_t width, height; /* 'ispe' of the primary item; 0 when none */
    size_t n_items;         /* infe entries read */
    /* Set when part of the walk was given up (a box or item that does
     * not fit, a limit): what was found before it is still valid. */
    bool partial;
    struct diag warning;
};
/* True for an ISO-BMFF image: 'ftyp' first with a HEIF/AVIF brand
 * (heic heix hevc heim heis mif1 msf1 avif avis) major or compatible. */
bool container_is_bmff(struct span in);
/*
 * ftyp, then meta → hdlr/pitm/iinf/iloc/iprp(ipco, ipma)/idat. Items
 * located in the file (construction method 0) or in idat (method 1),
 * one extent or contiguous extents. Not an ISO-BMFF image:
 * ST_MALFORMED. Damage after ftyp: ST_OK with `partial` and `warning`.
 */
enum status container_bmff_walk(struct span in, struct container_bmff *out, struct diag *d);

#endif
