/*
 * mwg.c — MWG reconciliation: picks, field by field, the value that a
 * Consumer shows when EXIF, IPTC IIM and XMP disagree, exactly as the
 * numbered rules of ../shared/corpus/metadata/README.md state them
 * (MWG Guidelines for Handling Image Metadata 2.0, as ExifTool's MWG
 * composites implement them, plus the documented deviations).
 *
 * Must never: mix languages or charsets, invent a value, or let a
 * blank value win (readers already turned blanks into NULL).
 *
 * The sources are consumed: every chosen string moves into the
 * struct photo_meta, and the sources keep what was not chosen.
 */
#include <stdlib.h>
#include <string.h>

#include "meta/meta_internal.h"

enum pick { P_NONE, P_IIM, P_XMP };

/* README rule 1 for one field: the IIM value and the XMP value. */
static enum pick rule1(const struct meta_iim_state *iim, const char *iv, const char *xv)
{
    if (!iv && !xv)
        return P_NONE;
    if (!iv)
        return P_XMP;
    if (!xv)
        return P_IIM; /* XMP lacks it: IIM fills in (rule 1, no-digest case too) */
    /* Both: XMP wins when the digest is absent or current. */
    if (!iim->have_digest || iim->digest_matches)
        return P_XMP;
    /* Stale digest: IIM wins, unless it is a cut-short prefix of XMP
     * (IIM length limits: caption 2000 B, keyword 64 B, by-line 32 B). */
    size_t il = strlen(iv), xl = strlen(xv);
    if (il < xl && strncmp(xv, iv, il) == 0)
        return P_XMP;
    return P_IIM;
}

static char *take(char **slot)
{
    char *v = *slot;
    *slot = NULL;
    return v;
}

static void take_list(struct meta_list *dst, struct meta_list *src)
{
    *dst = *src;
    src->items = NULL;
    src->n = 0;
}

/* Rule 1 on a text field, moving the winner into *out. */
static void by_rule1(struct meta_iim_state *iim, struct meta_source *xmp, enum meta_field f,
                     char **out, bool *stale_used)
{
    enum pick p = rule1(iim, iim->src.s[f], xmp->s[f]);
    if (p == P_IIM) {
        if (xmp->s[f])
            *stale_used = true;
        *out = take(&iim->src.s[f]);
    } else if (p == P_XMP) {
        *out = take(&xmp->s[f]);
    }
}

/* Rule 1 on a list: the list is one value (MWG compares the whole
 * list); a stale-digest IIM list whose items are prefixes of the XMP
 * items counts as truncated. */
static void list_by_rule1(struct meta_iim_state *iim, struct meta_source *xmp,
                          enum meta_list_id l, struct meta_list *out, bool *stale_used)
{
    struct meta_list *il = &iim->src.l[l], *xl = &xmp->l[l];
    if (il->n == 0 && xl->n == 0)
        return;
    if (il->n == 0) {
        take_list(out, xl);
        return;
    }
    if (xl->n == 0) {
        take_list(out, il);
        return;
    }
    bool use_xmp = !iim->have_digest || iim->digest_matches;
    if (!use_xmp && il->n == xl->n) {
        bool prefix = true, shorter = false;
        for (size_t i = 0; i < il->n && prefix; i++) {
            size_t a = strlen(il->items[i]), b = strlen(xl->items[i]);
            prefix = a <= b && strncmp(il->items[i], xl->items[i], a) == 0;
            shorter = shorter || a < b;
        }
        use_xmp = prefix && shorter;
    }
    if (use_xmp) {
        take_list(out, xl);
    } else {
        *stale_used = true;
        take_list(out, il);
    }
}

static void move_langs(struct meta_lang_alt *dst, struct meta_lang_alt *src)
{
    *dst = *src;
    src->items = NULL;
    src->n = 0;
}

void meta_mwg_reconcile(struct meta_source *exif, struct meta_iim_state *iim,
                        struct meta_source *xmp, struct photo_meta *m)
{
    bool stale = false;
    /* Rule 6 (and rule 1): headline, credit, job title, country code,
     * keywords; rule 4: IPTC Core location; plus the extra fields. */
    by_rule1(iim, xmp, MF_HEADLINE, &m->headline, &stale);
    by_rule1(iim, xmp, MF_TITLE, &m->title, &stale);
    by_rule1(iim, xmp, MF_JOB_TITLE, &m->creator_job_title, &stale);
    by_rule1(iim, xmp, MF_CREDIT, &m->credit_line, &stale);
    by_rule1(iim, xmp, MF_SOURCE, &m->source, &stale);
    by_rule1(iim, xmp, MF_CITY, &m->city, &stale);
    by_rule1(iim, xmp, MF_SUBLOCATION, &m->sublocation, &stale);
    by_rule1(iim, xmp, MF_STATE, &m->province_state, &stale);
    by_rule1(iim, xmp, MF_COUNTRY, &m->country, &stale);
    by_rule1(iim, xmp, MF_COUNTRY_CODE, &m->country_code, &stale);
    by_rule1(iim, xmp, MF_JOB_ID, &m->job_id, &stale);
    by_rule1(iim, xmp, MF_INSTRUCTIONS, &m->instructions, &stale);
    by_rule1(iim, xmp, MF_CAPTION_WRITER, &m->caption_writer, &stale);
    list_by_rule1(iim, xmp, ML_KEYWORDS, &m->keywords, &stale);

    /* Rule 2: EXIF ImageDescription / Artist / Copyright win when
     * present and not blank (boilerplate was dropped by exif.c). */
    if (exif->s[MF_DESCRIPTION])
        m->description = take(&exif->s[MF_DESCRIPTION]);
    else
        by_rule1(iim, xmp, MF_DESCRIPTION, &m->description, &stale);
    if (exif->l[ML_CREATOR].n)
        take_list(&m->creator, &exif->l[ML_CREATOR]);
    else
        list_by_rule1(iim, xmp, ML_CREATOR, &m->creator, &stale);
    if (exif->s[MF_COPYRIGHT])
        m->copyright_notice = take(&exif->s[MF_COPYRIGHT]);
    else
        by_rule1(iim, xmp, MF_COPYRIGHT, &m->copyright_notice, &stale);

    /* Rule 3: EXIF DateTimeOriginal (+sub-seconds, +zone) first. */
    if (exif->s[MF_DATE])
        m->date_created = take(&exif->s[MF_DATE]);
    else
        by_rule1(iim, xmp, MF_DATE, &m->date_created, &stale);

    /* Rule 5: XMP only. */
    m->alt_text = take(&xmp->s[MF_ALT_TEXT]);
    m->extended_description = take(&xmp->s[MF_EXT_DESCRIPTION]);
    m->web_statement = take(&xmp->s[MF_WEB_STATEMENT]);
    m->licensor_url = take(&xmp->s[MF_LICENSOR_URL]);
    m->usage_terms = take(&xmp->s[MF_USAGE_TERMS]);
    move_langs(&m->description_langs, &xmp->description_langs);
    move_langs(&m->alt_text_langs, &xmp->alt_text_langs);
    move_langs(&m->title_langs, &xmp->title_langs);
    move_langs(&m->rights_langs, &xmp->rights_langs);
    move_langs(&m->usage_terms_langs, &xmp->usage_terms_langs);

    /* Rule 5 too: IPTC Extension and contact fields exist only in XMP. */
    take_list(&m->person_in_image, &xmp->l[ML_PERSON]);
    m->digital_source_type = take(&xmp->s[MF_DIGITAL_SOURCE_TYPE]);
    m->creator_contact.email = take(&xmp->s[MF_CI_EMAIL]);
    m->creator_contact.url = take(&xmp->s[MF_CI_URL]);
    m->creator_contact.phone = take(&xmp->s[MF_CI_PHONE]);
    m->creator_contact.address = take(&xmp->s[MF_CI_ADDRESS]);
    m->creator_contact.city = take(&xmp->s[MF_CI_CITY]);
    m->creator_contact.region = take(&xmp->s[MF_CI_REGION]);
    m->creator_contact.postal_code = take(&xmp->s[MF_CI_POSTAL_CODE]);
    m->creator_contact.country = take(&xmp->s[MF_CI_COUNTRY]);
    m->location_created = xmp->loc_created;
    memset(&xmp->loc_created, 0, sizeof xmp->loc_created);
    m->location_shown = xmp->loc_shown;
    m->n_location_shown = xmp->n_loc_shown;
    xmp->loc_shown = NULL;
    xmp->n_loc_shown = 0;
    move_langs(&m->extended_description_langs, &xmp->ext_description_langs);

    /* EXIF text MWG does not name (docs/meta.md "Outside MWG"): shown
     * as itself. XPTitle is a last resort for the title, which MWG
     * does not cover; Creator, Keywords and Description keep their MWG
     * sources only, so XPAuthor/XPKeywords/XPComment never fill them. */
    m->user_comment = take(&exif->s[MF_USER_COMMENT]);
    m->xp_title = take(&exif->s[MF_XP_TITLE]);
    m->xp_comment = take(&exif->s[MF_XP_COMMENT]);
    m->xp_author = take(&exif->s[MF_XP_AUTHOR]);
    m->xp_keywords = take(&exif->s[MF_XP_KEYWORDS]);
    m->xp_subject = take(&exif->s[MF_XP_SUBJECT]);
    if (!m->title && m->xp_title) {
        m->title = str_dup(m->xp_title);
        meta_note(&m->notes, "title from EXIF XPTitle (Windows): no IPTC or XMP title");
    }

    /* Rule 7: IFD0 Orientation, else XMP tiff:Orientation. */
    m->orientation = exif->orientation ? exif->orientation : xmp->orientation;

    /* Rule 8: GPS anywhere; serial from EXIF, XMP, then maker notes. */
    m->has_gps = exif->has_gps || xmp->has_gps;
    if (exif->s[MF_SERIAL])
        m->serial_number = take(&exif->s[MF_SERIAL]);
    else if (xmp->s[MF_SERIAL])
        m->serial_number = take(&xmp->s[MF_SERIAL]);
    else if (exif->maker_serial) {
        m->serial_number = take(&exif->maker_serial);
        meta_note(&m->notes, "serial_number from %s", exif->maker_serial_from);
    }
    m->camera_make = exif->s[MF_MAKE] ? take(&exif->s[MF_MAKE]) : take(&xmp->s[MF_MAKE]);
    m->camera_model = exif->s[MF_MODEL] ? take(&exif->s[MF_MODEL]) : take(&xmp->s[MF_MODEL]);

    if (stale)
        meta_note(&m->notes, "IPTCDigest stale: IIM preferred over XMP per MWG");
    else if (iim->have_iim && iim->have_digest && !iim->digest_matches)
        meta_note(&m->notes, "IPTCDigest is not current (XMP may be out of sync)");
}
