/*
 * xmp.c — the XMP reader: RDF/XML through expat (namespace-aware),
 * turned into the properties tearsheet shows: Lang Alt (every
 * language kept), Seq/Bag lists, simple values, the attribute
 * shorthand, and the struct paths it needs (plus:Licensor/LicensorURL,
 * Iptc4xmpCore:CreatorContactInfo, Iptc4xmpExt:LocationCreated and
 * every LocationShown, whose GPS is only noted as present).
 * Also joins Extended XMP chunks.
 *
 * Must never: expand entities or read a DTD (a DOCTYPE or an entity
 * declaration stops the parser: billion laughs, XXE), nest deeper than
 * TS_LIMIT_XMP_DEPTH, keep more than TS_LIMIT_FIELD_BYTES of one
 * value, or write an Extended XMP chunk outside the
 * declared full length. A value is kept up to TS_LIMIT_FIELD_BYTES.
 *
 * Spec: XMP Specification Part 1 §7 (RDF serialisation) and Part 3
 * §1.1.3 (JPEG, Extended XMP); IPTC Photo Metadata 2024 (XMP names);
 * ../shared/notes/metadata.md §2.
 */
#include <expat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "meta/meta_internal.h"

static const struct {
    const char *uri, *prefix;
} namespaces[] = {
    {"http://purl.org/dc/elements/1.1/", "dc"},
    {"http://ns.adobe.com/photoshop/1.0/", "photoshop"},
    {"http://iptc.org/std/Iptc4xmpCore/1.0/xmlns/", "Iptc4xmpCore"},
    {"http://iptc.org/std/Iptc4xmpExt/2008-02-29/", "Iptc4xmpExt"},
    {"http://ns.adobe.com/xap/1.0/rights/", "xmpRights"},
    {"http://ns.useplus.org/ldf/xmp/1.0/", "plus"},
    {"http://ns.adobe.com/tiff/1.0/", "tiff"},
    {"http://ns.adobe.com/exif/1.0/", "exif"},
    {"http://cipa.jp/exif/1.0/", "exifEX"},
    {"http://ns.adobe.com/exif/1.0/aux/", "aux"},
    {"http://ns.adobe.com/xmp/note/", "xmpNote"},
    {"http://www.w3.org/1999/02/22-rdf-syntax-ns#", "rdf"},
    {"http://www.w3.org/XML/1998/namespace", "xml"},
    {"adobe:ns:meta/", "x"},
};

enum node_kind { N_OTHER, N_DESC, N_SEQ, N_BAG, N_ALT, N_LI, N_PROP };

struct xnode {
    enum node_kind kind;
    char name[80]; /* "prefix:local" */
    char lang[32];
    bool had_child;
};

enum target {
    T_SIMPLE, T_ALT, T_LIST, T_ORIENT, T_GPS, T_BODY_SERIAL, T_AUX_SERIAL, T_EXT,
    T_LOC_CREATED, T_LOC_SHOWN /* slot: enum loc_part */
};

/* Parts of an IPTC Extension location structure (slot of T_LOC_*). */
enum loc_part { LP_SUBLOCATION, LP_CITY, LP_STATE, LP_COUNTRY, LP_CODE, LP_REGION, LP_NAME, LP_GPS };

#define LOC(prop, t)                                                                               \
    {prop "/Iptc4xmpExt:Sublocation", t, LP_SUBLOCATION},                                          \
    {prop "/Iptc4xmpExt:City", t, LP_CITY},                                                        \
    {prop "/Iptc4xmpExt:ProvinceState", t, LP_STATE},                                              \
    {prop "/Iptc4xmpExt:CountryName", t, LP_COUNTRY},                                              \
    {prop "/Iptc4xmpExt:CountryCode", t, LP_CODE},                                                 \
    {prop "/Iptc4xmpExt:WorldRegion", t, LP_REGION},                                               \
    {prop "/Iptc4xmpExt:LocationName", t, LP_NAME},                                               \
    {prop "/exif:GPSLatitude", t, LP_GPS},                                                         \
    {prop "/exif:GPSLongitude", t, LP_GPS}

static const struct {
    const char *path;
    enum target t;
    int slot; /* meta_field, meta_list_id or lang list index */
} props[] = {
    {"photoshop:Headline", T_SIMPLE, MF_HEADLINE},
    {"dc:description", T_ALT, 0},
    {"Iptc4xmpCore:AltTextAccessibility", T_ALT, 1},
    {"Iptc4xmpCore:ExtDescrAccessibility", T_ALT, 5},
    {"dc:title", T_ALT, 2},
    {"dc:rights", T_ALT, 3},
    {"xmpRights:UsageTerms", T_ALT, 4},
    {"dc:creator", T_LIST, ML_CREATOR},
    {"dc:subject", T_LIST, ML_KEYWORDS},
    {"photoshop:AuthorsPosition", T_SIMPLE, MF_JOB_TITLE},
    {"photoshop:Credit", T_SIMPLE, MF_CREDIT},
    {"photoshop:Source", T_SIMPLE, MF_SOURCE},
    {"xmpRights:WebStatement", T_SIMPLE, MF_WEB_STATEMENT},
    {"plus:Licensor/plus:LicensorURL", T_SIMPLE, MF_LICENSOR_URL},
    {"photoshop:DateCreated", T_SIMPLE, MF_DATE},
    {"photoshop:City", T_SIMPLE, MF_CITY},
    {"Iptc4xmpCore:Location", T_SIMPLE, MF_SUBLOCATION},
    {"photoshop:State", T_SIMPLE, MF_STATE},
    {"photoshop:Country", T_SIMPLE, MF_COUNTRY},
    {"Iptc4xmpCore:CountryCode", T_SIMPLE, MF_COUNTRY_CODE},
    {"photoshop:TransmissionReference", T_SIMPLE, MF_JOB_ID},
    {"photoshop:Instructions", T_SIMPLE, MF_INSTRUCTIONS},
    {"photoshop:CaptionWriter", T_SIMPLE, MF_CAPTION_WRITER},
    {"tiff:Make", T_SIMPLE, MF_MAKE},
    {"tiff:Model", T_SIMPLE, MF_MODEL},
    {"tiff:Orientation", T_ORIENT, 0},
    {"exif:GPSLatitude", T_GPS, 0},
    {"exif:GPSLongitude", T_GPS, 0},
    {"exifEX:BodySerialNumber", T_BODY_SERIAL, 0},
    {"aux:SerialNumber", T_AUX_SERIAL, 0},
    {"xmpNote:HasExtendedXMP", T_EXT, 0},
    {"Iptc4xmpExt:PersonInImage", T_LIST, ML_PERSON},
    {"Iptc4xmpExt:DigitalSourceType", T_SIMPLE, MF_DIGITAL_SOURCE_TYPE},
    {"Iptc4xmpCore:CreatorContactInfo/Iptc4xmpCore:CiEmailWork", T_SIMPLE, MF_CI_EMAIL},
    {"Iptc4xmpCore:CreatorContactInfo/Iptc4xmpCore:CiUrlWork", T_SIMPLE, MF_CI_URL},
    {"Iptc4xmpCore:CreatorContactInfo/Iptc4xmpCore:CiTelWork", T_SIMPLE, MF_CI_PHONE},
    {"Iptc4xmpCore:CreatorContactInfo/Iptc4xmpCore:CiAdrExtadr", T_SIMPLE, MF_CI_ADDRESS},
    {"Iptc4xmpCore:CreatorContactInfo/Iptc4xmpCore:CiAdrCity", T_SIMPLE, MF_CI_CITY},
    {"Iptc4xmpCore:CreatorContactInfo/Iptc4xmpCore:CiAdrRegion", T_SIMPLE, MF_CI_REGION},
    {"Iptc4xmpCore:CreatorContactInfo/Iptc4xmpCore:CiAdrPcode", T_SIMPLE, MF_CI_POSTAL_CODE},
    {"Iptc4xmpCore:CreatorContactInfo/Iptc4xmpCore:CiAdrCtry", T_SIMPLE, MF_CI_COUNTRY},
    LOC("Iptc4xmpExt:LocationCreated", T_LOC_CREATED),
    LOC("Iptc4xmpExt:LocationShown", T_LOC_SHOWN),
};
#undef LOC

struct xctx {
    XML_Parser p;
    struct meta_source *out;
    struct xnode stack[TS_LIMIT_XMP_DEPTH];
    int depth;
    struct buf text;
    char error[200];
    bool root_closed;
    char *body_serial, *aux_serial;
    /* rdf:li items seen under LocationCreated / LocationShown: which
     * structure the next part belongs to (1-based; 0 = written as a
     * plain struct without a Bag). */
    size_t created_item, shown_item;
};

static struct meta_lang_alt *lang_list(struct xctx *x, int i)
{
    struct meta_source *o = x->out;
    switch (i) {
    case 0: return &o->description_langs;
    case 1: return &o->alt_text_langs;
    case 2: return &o->title_langs;
    case 3: return &o->rights_langs;
    case 4: return &o->usage_terms_langs;
    default: return &o->ext_description_langs;
    }
}

static void stop(struct xctx *x, const char *msg)
{
    if (!x->error[0])
        snprintf(x->error, sizeof x->error, "%s", msg);
    XML_StopParser(x->p, XML_FALSE);
}

/* "uri local" → "prefix:local"; unknown namespaces keep a '?' prefix
 * so that they never match a property we read. */
static void short_name(const char *ns_name, char *out, size_t outlen)
{
    const char *sp = strrchr(ns_name, ' ');
    if (!sp) {
        snprintf(out, outlen, "?:%s", ns_name);
        return;
    }
    size_t urilen = (size_t)(sp - ns_name);
    for (size_t i = 0; i < sizeof namespaces / sizeof namespaces[0]; i++)
        if (strlen(namespaces[i].uri) == urilen &&
            strncmp(namespaces[i].uri, ns_name, urilen) == 0) {
            snprintf(out, outlen, "%s:%s", namespaces[i].prefix, sp + 1);
            return;
        }
    snprintf(out, outlen, "?:%s", sp + 1);
}

/* The property path of the stack (property elements only), plus `leaf`. */
static void path_of(struct xctx *x, int upto, const char *leaf, char *out, size_t outlen)
{
    size_t n = 0;
    out[0] = '\0';
    for (int i = 0; i < upto && n < outlen; i++)
        if (x->stack[i].kind == N_PROP)
            n += (size_t)snprintf(out + n, outlen - n, "%s%s", n ? "/" : "", x->stack[i].name);
    if (leaf && n < outlen)
        snprintf(out + n, outlen - n, "%s%s", n ? "/" : "", leaf);
}

static void loc_set(struct meta_location *l, int part, char *v)
{
    char **slot = NULL;
    switch (part) {
    case LP_SUBLOCATION: slot = &l->sublocation; break;
    case LP_CITY: slot = &l->city; break;
    case LP_STATE: slot = &l->province_state; break;
    case LP_COUNTRY: slot = &l->country; break;
    case LP_CODE: slot = &l->country_code; break;
    case LP_REGION: slot = &l->world_region; break;
    case LP_NAME: slot = &l->location_name; break;
    default: l->has_gps = true; break;
    }
    if (slot && !*slot)
        *slot = v;
    else
        free(v);
}

/* The LocationShown structure the current item fills, grown on demand
 * (at most TS_LIMIT_LIST_ITEMS structures). */
static struct meta_location *shown_slot(struct xctx *x)
{
    struct meta_source *o = x->out;
    size_t want = x->shown_item ? x->shown_item : 1;
    if (want > TS_LIMIT_LIST_ITEMS)
        return NULL;
    if (want > o->n_loc_shown) {
        struct meta_location *a = realloc(o->loc_shown, want * sizeof *a);
        if (!a)
            return NULL;
        memset(a + o->n_loc_shown, 0, (want - o->n_loc_shown) * sizeof *a);
        o->loc_shown = a;
        o->n_loc_shown = want;
    }
    return &o->loc_shown[want - 1];
}

static void assign(struct xctx *x, const char *path, enum node_kind container, const char *lang,
                   const char *value, size_t len)
{
    for (size_t i = 0; i < sizeof props / sizeof props[0]; i++) {
        if (strcmp(props[i].path, path) != 0)
            continue;
        char *v = meta_text_utf8(span_make((const uint8_t *)value, len));
        if (!v)
            return;
        x->out->present = true;
        switch (props[i].t) {
        case T_SIMPLE:
            meta_set_once(x->out, (enum meta_field)props[i].slot, v);
            break;
        case T_ALT: {
            const char *l = lang && lang[0] ? lang : "x-default";
            meta_lang_push(lang_list(x, props[i].slot), l, strlen(l), v);
            break;
        }
        case T_LIST:
            meta_list_push(&x->out->l[props[i].slot], v);
            break;
        case T_ORIENT: {
            int o = atoi(v);
            if (o >= 1 && o <= 8 && !x->out->orientation)
                x->out->orientation = o;
            free(v);
            break;
        }
        case T_GPS:
            x->out->has_gps = true;
            free(v);
            break;
        case T_BODY_SERIAL:
            if (!x->body_serial)
                x->body_serial = v;
            else
                free(v);
            break;
        case T_AUX_SERIAL:
            if (!x->aux_serial)
                x->aux_serial = v;
            else
                free(v);
            break;
        case T_EXT:
            if (strlen(v) == 32)
                memcpy(x->out->ext_guid, v, 33);
            free(v);
            break;
        case T_LOC_CREATED:
            /* IPTC: LocationCreated is 0..1; a Bag of several keeps the first. */
            if (x->created_item <= 1)
                loc_set(&x->out->loc_created, props[i].slot, v);
            else
                free(v);
            break;
        case T_LOC_SHOWN: {
            struct meta_location *l = shown_slot(x);
            if (l)
                loc_set(l, props[i].slot, v);
            else
                free(v);
            break;
        }
        }
        (void)container;
        return;
    }
}

static bool is_rdf_or_xml(const char *name)
{
    return strncmp(name, "rdf:", 4) == 0 || strncmp(name, "xml:", 4) == 0;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    struct xctx *x = ud;
    if (x->depth >= TS_LIMIT_XMP_DEPTH) {
        char msg[120];
        snprintf(msg, sizeof msg, "elements nested deeper than %d", TS_LIMIT_XMP_DEPTH);
        stop(x, msg);
        return;
    }
    if (x->depth > 0)
        x->stack[x->depth - 1].had_child = true;
    struct xnode *n = &x->stack[x->depth];
    memset(n, 0, sizeof *n);
    short_name(name, n->name, sizeof n->name);
    if (strcmp(n->name, "rdf:Description") == 0 || strcmp(n->name, "rdf:RDF") == 0)
        n->kind = N_DESC;
    else if (strcmp(n->name, "rdf:Seq") == 0)
        n->kind = N_SEQ;
    else if (strcmp(n->name, "rdf:Bag") == 0)
        n->kind = N_BAG;
    else if (strcmp(n->name, "rdf:Alt") == 0)
        n->kind = N_ALT;
    else if (strcmp(n->name, "rdf:li") == 0)
        n->kind = N_LI;
    else if (strncmp(n->name, "x:", 2) == 0 || strncmp(n->name, "rdf:", 4) == 0)
        n->kind = N_OTHER;
    else
        n->kind = N_PROP;
    /* xml:lang is inherited by nested elements. */
    if (x->depth > 0)
        memcpy(n->lang, x->stack[x->depth - 1].lang, sizeof n->lang);
    x->depth++;
    if (n->kind == N_LI) {
        char owner[400];
        path_of(x, x->depth, NULL, owner, sizeof owner);
        if (strcmp(owner, "Iptc4xmpExt:LocationShown") == 0)
            x->shown_item++;
        else if (strcmp(owner, "Iptc4xmpExt:LocationCreated") == 0)
            x->created_item++;
    }
    buf_reset(&x->text);
    for (size_t i = 0; attrs[i] && attrs[i + 1]; i += 2) {
        char an[80];
        short_name(attrs[i], an, sizeof an);
        if (strcmp(an, "xml:lang") == 0)
            snprintf(n->lang, sizeof n->lang, "%s", attrs[i + 1]);
    }
    for (size_t i = 0; attrs[i] && attrs[i + 1]; i += 2) {
        char an[80], path[400];
        short_name(attrs[i], an, sizeof an);
        if (n->kind == N_PROP && strcmp(an, "rdf:resource") == 0) {
            path_of(x, x->depth, NULL, path, sizeof path);
            assign(x, path, N_OTHER, NULL, attrs[i + 1], strlen(attrs[i + 1]));
            continue;
        }
        if (is_rdf_or_xml(an) || an[0] == '?')
            continue;
        /* Attribute shorthand: a property of the enclosing resource. */
        path_of(x, x->depth, an, path, sizeof path);
        assign(x, path, N_OTHER, NULL, attrs[i + 1], strlen(attrs[i + 1]));
    }
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct xctx *x = ud;
    (void)name;
    if (x->depth <= 0)
        return;
    struct xnode *n = &x->stack[x->depth - 1];
    if (!n->had_child && (n->kind == N_PROP || n->kind == N_LI)) {
        char path[400];
        enum node_kind container = N_OTHER;
        if (n->kind == N_LI && x->depth >= 2)
            container = x->stack[x->depth - 2].kind;
        path_of(x, x->depth, NULL, path, sizeof path);
        assign(x, path, container, n->lang, x->text.data ? x->text.data : "", x->text.len);
    }
    buf_reset(&x->text);
    x->depth--;
    if (x->depth == 0)
        x->root_closed = true;
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct xctx *x = ud;
    if (x->depth == 0 || len <= 0)
        return;
    /* Keep at most the field limit: a long value we never show (a
     * base64 xmp:Thumbnails, photoshop:History) must not cost memory or
     * reject the packet; one we show is cut at a code point later. */
    size_t room = x->text.max > x->text.len ? x->text.max - x->text.len : 0;
    size_t n = (size_t)len < room ? (size_t)len : room;
    if (n)
        buf_append(&x->text, s, n);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal)
{
    (void)name; (void)sysid; (void)pubid; (void)has_internal;
    stop(ud, "XMP packet contains a DTD (<!DOCTYPE>): refused, XMP never needs one "
             "(entity expansion, external entities)");
}

static void XMLCALL on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value,
                              int value_len, const XML_Char *base, const XML_Char *sysid,
                              const XML_Char *pubid, const XML_Char *notation)
{
    (void)name; (void)is_param; (void)value; (void)value_len; (void)base; (void)sysid;
    (void)pubid; (void)notation;
    stop(ud, "XMP packet declares an entity: refused (entity expansion)");
}

/* Encoding from the first bytes (XML 1.0 Appendix F; XMP Part 3 §1.1). */
static const char *detect_encoding(struct span s)
{
    const uint8_t *p = s.ptr;
    if (s.len >= 4) {
        if ((p[0] == 0 && p[1] == 0 && p[2] == 0xFE && p[3] == 0xFF) ||
            (p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == '<'))
            return "UTF-32BE";
        if ((p[0] == 0xFF && p[1] == 0xFE && p[2] == 0 && p[3] == 0) ||
            (p[0] == '<' && p[1] == 0 && p[2] == 0 && p[3] == 0))
            return "UTF-32LE";
    }
    if (s.len >= 2) {
        if ((p[0] == 0xFE && p[1] == 0xFF) || (p[0] == 0 && p[1] == '<'))
            return "UTF-16BE";
        if ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == '<' && p[1] == 0))
            return "UTF-16LE";
    }
    return "UTF-8";
}

static void finish_alt(struct meta_source *o, struct meta_lang_alt *a, enum meta_field f)
{
    const char *v = meta_lang_pick(a, "x-default");
    if (v)
        meta_set_once(o, f, str_dup(v));
}

enum status meta_xmp_read(struct span packet, struct meta_source *out, struct meta_list *notes,
                          struct diag *d)
{
    enum status st = ST_OK;
    struct xctx *x = calloc(1, sizeof *x);
    uint8_t *conv = NULL;
    XML_Parser p = NULL;
    (void)notes;
    if (!x) {
        st = diag_set(d, ST_NOMEM, "XMP", DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    if (packet.len > TS_LIMIT_XMP_BYTES) {
        st = diag_set(d, ST_LIMIT, "XMP", DIAG_NO_OFFSET, "packet of %zu bytes is over the %zu limit",
                      packet.len, (size_t)TS_LIMIT_XMP_BYTES);
        goto abort;
    }
    const char *enc = detect_encoding(packet);
    if (strncmp(enc, "UTF-32", 6) == 0) {
        /* expat has no UTF-32: convert first (bounded: output ≤ input). */
        char *s = meta_text_iconv(packet, enc);
        if (!s) {
            st = diag_set(d, ST_MALFORMED, "XMP", DIAG_NO_OFFSET, "packet is not valid %s", enc);
            goto abort;
        }
        conv = (uint8_t *)s;
        packet = span_make(conv, strlen(s));
        enc = "UTF-8";
    }
    x->out = out;
    buf_init(&x->text, TS_LIMIT_FIELD_BYTES);
    p = XML_ParserCreateNS(enc, ' ');
    if (!p) {
        st = diag_set(d, ST_NOMEM, "XMP", DIAG_NO_OFFSET, "cannot create the XML parser");
        goto abort;
    }
    x->p = p;
    XML_SetUserData(p, x);
    XML_SetElementHandler(p, on_start, on_end);
    XML_SetCharacterDataHandler(p, on_text);
    XML_SetStartDoctypeDeclHandler(p, on_doctype);
    XML_SetEntityDeclHandler(p, on_entity);
    XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
    enum XML_Status xs = XML_STATUS_OK;
    /* Feed in slices: XML_Parse takes an int length. */
    size_t pos = 0;
    while (xs == XML_STATUS_OK && pos < packet.len) {
        size_t n = packet.len - pos > (1u << 20) ? (1u << 20) : packet.len - pos;
        xs = XML_Parse(p, (const char *)packet.ptr + pos, (int)n, 0);
        pos += n;
    }
    if (xs == XML_STATUS_OK)
        xs = XML_Parse(p, "", 0, 1);
    if (x->error[0]) {
        st = diag_set(d, ST_MALFORMED, "XMP", (size_t)XML_GetCurrentByteIndex(p), "line %lu: %s",
                      (unsigned long)XML_GetCurrentLineNumber(p), x->error);
        goto abort;
    }
    /* Writers pad packets with NULs or junk after </x:xmpmeta>: once
     * the root element closed, what follows does not matter. */
    if (xs != XML_STATUS_OK && !x->root_closed) {
        st = diag_set(d, ST_MALFORMED, "XMP", (size_t)XML_GetCurrentByteIndex(p), "line %lu: %s",
                      (unsigned long)XML_GetCurrentLineNumber(p),
                      XML_ErrorString(XML_GetErrorCode(p)));
        goto abort;
    }
    finish_alt(out, &out->description_langs, MF_DESCRIPTION);
    finish_alt(out, &out->alt_text_langs, MF_ALT_TEXT);
    finish_alt(out, &out->title_langs, MF_TITLE);
    finish_alt(out, &out->rights_langs, MF_COPYRIGHT);
    finish_alt(out, &out->usage_terms_langs, MF_USAGE_TERMS);
    finish_alt(out, &out->ext_description_langs, MF_EXT_DESCRIPTION);
    if (x->body_serial || x->aux_serial) {
        meta_set_once(out, MF_SERIAL, x->body_serial ? x->body_serial : x->aux_serial);
        if (x->body_serial)
            free(x->aux_serial);
        x->body_serial = x->aux_serial = NULL;
    }
abort:
    if (x) {
        free(x->body_serial);
        free(x->aux_serial);
        buf_free(&x->text);
    }
    if (p)
        XML_ParserFree(p);
    free(x);
    free(conv);
    return st;
}

enum status meta_xmp_join_extended(const struct container_block *chunks, size_t n,
                                   const char *guid, uint8_t **out, size_t *out_len,
                                   struct diag *d)
{
    enum status st = ST_OK;
    uint8_t *full = NULL;
    uint32_t full_len = 0;
    size_t got = 0;
    *out = NULL;
    *out_len = 0;
    for (size_t i = 0; i < n; i++) {
        struct span c = chunks[i].data;
        uint32_t flen = 0, off = 0;
        if (c.len < 40 || memcmp(c.ptr, guid, 32) != 0)
            continue; /* another GUID: a stale extension, not ours */
        span_u32(c, 32, true, &flen);
        span_u32(c, 36, true, &off);
        struct span part = {c.ptr + 40, c.len - 40};
        if (!full) {
            if (flen == 0 || flen > TS_LIMIT_XMP_BYTES) {
                st = diag_set(d, ST_LIMIT, "Extended XMP", chunks[i].offset,
                              "declared length %u is 0 or over the %zu limit", (unsigned)flen,
                              (size_t)TS_LIMIT_XMP_BYTES);
                goto abort;
            }
            full_len = flen;
            full = calloc(1, full_len);
            if (!full) {
                st = diag_set(d, ST_NOMEM, "Extended XMP", chunks[i].offset, "out of memory");
                goto abort;
            }
        }
        if (flen != full_len) {
            st = diag_set(d, ST_MALFORMED, "Extended XMP", chunks[i].offset,
                          "chunks disagree on the full length (%u vs %u)", (unsigned)flen,
                          (unsigned)full_len);
            goto abort;
        }
        if (off > full_len || part.len > full_len - off) {
            st = diag_set(d, ST_MALFORMED, "Extended XMP", chunks[i].offset,
                          "chunk at offset %u with %zu bytes runs past the full length %u",
                          (unsigned)off, part.len, (unsigned)full_len);
            goto abort;
        }
        memcpy(full + off, part.ptr, part.len);
        got += part.len;
    }
    if (!full) {
        st = diag_set(d, ST_NOT_FOUND, "Extended XMP", DIAG_NO_OFFSET,
                      "no chunk carries the GUID %.32s named by xmpNote:HasExtendedXMP", guid);
        goto abort;
    }
    if (got < full_len) {
        st = diag_set(d, ST_TRUNCATED, "Extended XMP", DIAG_NO_OFFSET,
                      "chunks hold %zu of the %u declared bytes", got, (unsigned)full_len);
        goto abort;
    }
    *out = full;
    *out_len = full_len;
    full = NULL;
abort:
    free(full);
    return st;
}
