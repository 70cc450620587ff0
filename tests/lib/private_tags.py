"""tests/lib/private_tags.py — what a derivative must never carry, as
ExifTool names it (`exiftool -j -G1 -a`: "Group:TagName").

The privacy strip list of docs/meta-writer.md ("Never written") and
../shared/notes/metadata.md §2: GPS anywhere, serial numbers (body, lens,
maker-note, aux), the camera owner's name, maker notes (they hold serials
and sometimes GPS), the IFD1 thumbnail (it may show the uncropped
original) and XMP history. One list for every suite that checks it.
"""

# ExifTool's family-1 groups for maker notes: any tag in them means the
# maker note survived.
MAKER_GROUPS = ("Canon", "Nikon", "Panasonic", "Pentax", "Olympus", "Sony", "Fujifilm", "Samsung",
                "Apple", "Casio", "Kodak", "Minolta", "Sigma", "Ricoh", "Leica", "MakerNotes",
                "DJI", "GoPro", "Google", "Microsoft", "Reconyx", "FLIR", "Qualcomm")

# (what, test(group, name)): a tag matching the test must not be there.
FORBIDDEN = [
    ("GPS", lambda g, n: g == "GPS" or "GPS" in n),
    ("serial number", lambda g, n: "SerialNumber" in n),
    ("owner name", lambda g, n: "OwnerName" in n),
    ("maker notes", lambda g, n: g.startswith(MAKER_GROUPS) or "MakerNote" in n),
    ("thumbnail", lambda g, n: g == "IFD1" or "Thumbnail" in n or "PreviewImage" in n),
    ("XMP history", lambda g, n: g == "XMP-xmpMM" and n.startswith("History")),
]


def private_tags(et):
    """[(what, tag)] for every private tag in one ExifTool JSON object."""
    out = []
    for tag in et:
        g, _, n = tag.partition(":")
        for what, bad in FORBIDDEN:
            if n and bad(g, n):
                out.append((what, tag))
    return out
