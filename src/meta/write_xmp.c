/*
 * write_xmp.c — the XMP packet of a derivative: the rights, credit,
 * caption and location properties of the IPTC Photo Metadata standard
 * (Core + PLUS licensor), as RDF/XML in UTF-8, for libvips'
 * `xmp-data` (libvips adds the "http://ns.adobe.com/xap/1.0/\0" APP1
 * header itself).
 *
 * Must never: write a property not listed here (no GPS, serials,
 * history, private namespaces); write a value unescaped; exceed
 * META_WR_XMP_MAX, above which libvips silently drops the packet.
 *
 * Spec: XMP Specification Part 1 (2012) §7 (RDF serialization), §7.9
 * (Lang Alt), Part 3 §1.1.2 (xpacket wrapper); IPTC Photo Metadata
 * Standard 2024 (namespaces and property names);
 * ../shared/notes/metadata.md §2.
 */
#include <stdio.h>
#include <string.h>

#include "meta/write_priv.h"

/* Every namespace used, declared once on rdf:Description so the
 * packet is the same whatever subset of properties is present. */
static const char packet_head[] =
    "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\" x:xmptk=\"tearsheet " TS_VERSION "\">\n"
    " <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
    "  <rdf:Description rdf:about=\"\"\n"
    "    xmlns:dc=\"http://purl.org/dc/elements/1.1/\"\n"
    "    xmlns:photoshop=\"http://ns.adobe.com/photoshop/1.0/\"\n"
    "    xmlns:Iptc4xmpCore=\"http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/\"\n"
    "    xmlns:xmpRights=\"http://ns.adobe.com/xap/1.0/rights/\"\n"
    "    xmlns:plus=\"http://ns.useplus.org/ldf/xmp/1.0/\">\n";
static const char packet_tail[] = "  </rdf:Description>\n"
                                  " </rdf:RDF>\n"
                                  "</x:xmpmeta>\n"
                                  "<?xpacket end=\"w\"?>";

/* XML character data and attribute values (XML 1.0 §2.4, §3.3.3): the
 * markup characters as entities, and CR as a reference so a parser's
 * line-end normalisation does not turn it into LF. Values were cleaned
 * of the characters XML forbids in writer.c. */
static enum status put_escaped(struct buf *b, const char *s)
{
    static const char special[] = "&<>\"\r";
    static const char *const entity[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&#xD;"};
    enum status st = ST_OK;
    const char *run = s;
    for (; *s && st == ST_OK; s++) {
        const char *hit = strchr(special, *s);
        if (!hit)
            continue;
        if ((st = buf_append(b, run, (size_t)(s - run))) == ST_OK)
            st = buf_puts(b, entity[hit - special]);
        run = s + 1;
    }
    if (st == ST_OK)
        st = buf_puts(b, run);
    return st;
}

static enum status put_simple(struct buf *b, const char *name, const char *v)
{
    enum status st = ST_OK;
    if (v && (st = buf_printf(b, "   <%s>", name)) == ST_OK && (st = put_escaped(b, v)) == ST_OK)
        st = buf_printf(b, "</%s>\n", name);
    return st;
}

/* kind: "Seq" (ordered: creators), "Bag" (unordered: keywords). */
static enum status put_array(struct buf *b, const char *name, const char *kind,
                             const struct meta_list *l)
{
    enum status st = ST_OK;
    if (l->n)
        st = buf_printf(b, "   <%s>\n    <rdf:%s>\n", name, kind);
    for (size_t i = 0; i < l->n && st == ST_OK; i++)
        if ((st = buf_puts(b, "     <rdf:li>")) == ST_OK &&
            (st = put_escaped(b, l->items[i])) == ST_OK)
            st = buf_puts(b, "</rdf:li>\n");
    if (l->n && st == ST_OK)
        st = buf_printf(b, "    </rdf:%s>\n   </%s>\n", kind, name);
    return st;
}

static enum status put_alt(struct buf *b, const char *name, const struct meta_wr_alt *a)
{
    enum status st = ST_OK;
    if (a->n)
        st = buf_printf(b, "   <%s>\n    <rdf:Alt>\n", name);
    for (size_t i = 0; i < a->n && st == ST_OK; i++)
        if ((st = buf_puts(b, "     <rdf:li xml:lang=\"")) == ST_OK &&
            (st = put_escaped(b, a->items[i].lang)) == ST_OK &&
            (st = buf_puts(b, "\">")) == ST_OK && (st = put_escaped(b, a->items[i].value)) == ST_OK)
            st = buf_puts(b, "</rdf:li>\n");
    if (a->n && st == ST_OK)
        st = buf_printf(b, "    </rdf:Alt>\n   </%s>\n", name);
    return st;
}

/* The date at the precision it was given (XMP Part 1 §8.2.1.1 Date). */
static void format_date(const struct meta_wr_date *t, char *out, size_t n)
{
    size_t k = 0;
    k += (size_t)snprintf(out + k, n - k, "%04d", t->year);
    if (t->prec >= META_WR_MONTH)
        k += (size_t)snprintf(out + k, n - k, "-%02d", t->month);
    if (t->prec >= META_WR_DAY)
        k += (size_t)snprintf(out + k, n - k, "-%02d", t->day);
    if (t->prec >= META_WR_MINUTE)
        k += (size_t)snprintf(out + k, n - k, "T%02d:%02d", t->hour, t->minute);
    if (t->prec >= META_WR_SECOND)
        k += (size_t)snprintf(out + k, n - k, ":%02d%s%s", t->second, t->frac[0] ? "." : "",
                              t->frac);
    if (t->prec >= META_WR_MINUTE && t->has_zone) {
        int z = t->zone_min < 0 ? -t->zone_min : t->zone_min;
        if (t->zulu)
            snprintf(out + k, n - k, "Z");
        else
            snprintf(out + k, n - k, "%c%02d:%02d", t->zone_min < 0 ? '-' : '+', z / 60, z % 60);
    }
}

enum status meta_wr_xmp(const struct meta_wr *w, struct buf *b, struct diag *d)
{
    enum status st = ST_OK;
    char date[64] = "";
    if (w->has_date)
        format_date(&w->date, date, sizeof date);
    if ((st = buf_puts(b, packet_head)) != ST_OK ||
        (st = put_array(b, "dc:creator", "Seq", &w->creators)) != ST_OK ||
        (st = put_simple(b, "photoshop:AuthorsPosition", w->creator_job_title)) != ST_OK ||
        (st = put_alt(b, "dc:rights", &w->rights)) != ST_OK ||
        (st = put_simple(b, "xmpRights:Marked", w->rights.n ? "True" : NULL)) != ST_OK ||
        (st = put_simple(b, "xmpRights:WebStatement", w->web_statement)) != ST_OK ||
        (st = put_alt(b, "xmpRights:UsageTerms", &w->usage_terms)) != ST_OK ||
        (st = put_simple(b, "photoshop:Credit", w->credit)) != ST_OK ||
        (st = put_simple(b, "photoshop:Source", w->source)) != ST_OK)
        goto abort;
    if (w->licensor_url) {
        if ((st = buf_puts(b, "   <plus:Licensor>\n    <rdf:Seq>\n"
                              "     <rdf:li rdf:parseType=\"Resource\">\n"
                              "      <plus:LicensorURL>")) != ST_OK ||
            (st = put_escaped(b, w->licensor_url)) != ST_OK ||
            (st = buf_puts(b, "</plus:LicensorURL>\n     </rdf:li>\n"
                              "    </rdf:Seq>\n   </plus:Licensor>\n")) != ST_OK)
            goto abort;
    }
    if ((st = put_alt(b, "dc:title", &w->title)) != ST_OK ||
        (st = put_simple(b, "photoshop:Headline", w->headline)) != ST_OK ||
        (st = put_alt(b, "dc:description", &w->description)) != ST_OK ||
        (st = put_alt(b, "Iptc4xmpCore:AltTextAccessibility", &w->alt_text)) != ST_OK ||
        (st = put_array(b, "dc:subject", "Bag", &w->keywords)) != ST_OK ||
        (st = put_simple(b, "photoshop:DateCreated", w->has_date ? date : NULL)) != ST_OK ||
        (st = put_simple(b, "Iptc4xmpCore:Location", w->sublocation)) != ST_OK ||
        (st = put_simple(b, "photoshop:City", w->city)) != ST_OK ||
        (st = put_simple(b, "photoshop:State", w->state)) != ST_OK ||
        (st = put_simple(b, "photoshop:Country", w->country)) != ST_OK ||
        (st = put_simple(b, "Iptc4xmpCore:CountryCode", w->country_code)) != ST_OK ||
        (st = buf_puts(b, packet_tail)) != ST_OK)
        goto abort;
abort:
    if (st == ST_LIMIT)
        diag_set(d, st, "XMP", DIAG_NO_OFFSET,
                 "the XMP packet would pass %zu bytes, the most libvips embeds in a JPEG; "
                 "shorten the caption or the keyword list",
                 (size_t)META_WR_XMP_MAX);
    else if (st != ST_OK)
        diag_set(d, st, "XMP", DIAG_NO_OFFSET, "could not build the XMP packet");
    return st;
}
