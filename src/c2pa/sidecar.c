/*
 * sidecar.c — external manifest stores: "photo.c2pa" next to
 * "photo.jpg". Finds the sidecar of a photo and validates the photo
 * against it when the photo has no store of its own.
 *
 * Must never: prefer a sidecar to a store embedded in the photo (the
 * embedded one is bound to the photo's bytes; a sidecar is only a file
 * that happens to sit next to it), treat the sidecar as the asset when
 * a photo was named, or look anywhere but the photo's own folder.
 *
 * Specs: C2PA 2.2 §11.4 (external manifests, the .c2pa media type
 * application/c2pa), §15.5 (locating the manifest store).
 */
#include <stdlib.h>
#include <string.h>

#include "c2pa/c2pa_internal.h"

bool c2pa_sidecar_name(const char *asset_path, char *out, size_t outlen)
{
    const char *slash = strrchr(asset_path, '/');
    const char *base = slash ? slash + 1 : asset_path;
    const char *dot = strrchr(base, '.');
    /* ".hidden" has no extension: its sidecar is ".hidden.c2pa" */
    size_t stem = dot && dot != base ? (size_t)(dot - asset_path) : strlen(asset_path);
    if (stem + sizeof ".c2pa" > outlen || *base == 0)
        return false;
    memcpy(out, asset_path, stem);
    memcpy(out + stem, ".c2pa", sizeof ".c2pa");
    return true;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

enum status c2pa_verify_file(const char *path, const struct c2pa_trust *trust,
                             struct c2pa_report *out, struct diag *d)
{
    enum status st;
    uint8_t *data = NULL, *side = NULL;
    size_t len = 0, side_len = 0;
    char sc[TS_LIMIT_PATH];
    memset(out, 0, sizeof *out);
    diag_set_file(d, path);
    if ((st = file_read_all(path, TS_LIMIT_PHOTO_BYTES, &data, &len, d)) != ST_OK)
        goto abort;
    if ((st = c2pa_verify(span_make(data, len), path, trust, out, d)) != ST_OK)
        goto abort;
    /* a .c2pa named on the command line is its own asset (as c2pa-rs
     * reads it); other files may have one next to them */
    if (str_ends_with(path, ".c2pa") || !c2pa_sidecar_name(path, sc, sizeof sc) || !file_exists(sc))
        goto abort;
    if (out->has_manifest || out->unreadable) {
        out->sidecar_ignored = str_dup(base_name(sc));
        goto abort;
    }
    diag_set_file(d, sc);
    if ((st = file_read_all(sc, TS_LIMIT_C2PA_STORE_BYTES, &side, &side_len, d)) != ST_OK)
        goto abort;
    c2pa_report_free(out);
    diag_set_file(d, path);
    st = c2pa_verify_sidecar(span_make(data, len), path, span_make(side, side_len), trust, out, d);
    if (st == ST_OK) {
        out->sidecar = str_dup(base_name(sc));
        if (!out->sidecar)
            st = ST_NOMEM;
    }
abort:
    free(data);
    free(side);
    return st;
}
