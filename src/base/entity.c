/*
 * entity.c — the program's one HTML character-reference decoder and its
 * one UTF-8 encoder: "&aacute;", "&#233;" and "&#xE9;" as a code point,
 * and a code point as UTF-8 bytes. md4c hands entities over undecoded,
 * so the story reader (alt text, file names) and the Markdown renderer
 * (text, attributes) both decode them here and agree on every name.
 *
 * Must never: read past the `n` bytes it is given, or write anything but
 * well-formed UTF-8 (NUL, surrogates and numbers past U+10FFFF become
 * U+FFFD, as HTML5 §13.2.5.80 and CommonMark 0.30 §2.5 say).
 *
 * Spec: HTML5 named character references — every Latin-1 name (U+00A0
 * to U+00FF) and the punctuation of edited text; CommonMark §2.5 for
 * the numeric forms.
 */
#include <string.h>

#include "base/base.h"

/* U+00A0..U+00FF in order, 8 a row: the Latin-1 names a European
 * caption uses. */
/* clang-format off */
static const char *const latin1_names[96] = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",
    "uml",    "copy",   "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",
    "deg",    "plusmn", "sup2",   "sup3",   "acute",  "micro",  "para",   "middot",
    "cedil",  "sup1",   "ordm",   "raquo",  "frac14", "frac12", "frac34", "iquest",
    "Agrave", "Aacute", "Acirc",  "Atilde", "Auml",   "Aring",  "AElig",  "Ccedil",
    "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave", "Iacute", "Icirc",  "Iuml",
    "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde", "Ouml",   "times",
    "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",  "szlig",
    "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil",
    "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",
    "eth",    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide",
    "oslash", "ugrave", "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml",
};
/* clang-format on */

/* Punctuation and the other names that turn up in edited text. */
static const struct {
    const char *name;
    uint32_t cp;
} other_names[] = {
    {"amp", '&'},       {"lt", '<'},       {"gt", '>'},        {"quot", '"'},
    {"apos", '\''},     {"OElig", 0x152},  {"oelig", 0x153},   {"Scaron", 0x160},
    {"scaron", 0x161},  {"Yuml", 0x178},   {"ensp", 0x2002},   {"emsp", 0x2003},
    {"thinsp", 0x2009}, {"zwnj", 0x200C},  {"zwj", 0x200D},    {"ndash", 0x2013},
    {"mdash", 0x2014},  {"lsquo", 0x2018}, {"rsquo", 0x2019},  {"sbquo", 0x201A},
    {"ldquo", 0x201C},  {"rdquo", 0x201D}, {"bdquo", 0x201E},  {"dagger", 0x2020},
    {"Dagger", 0x2021}, {"bull", 0x2022},  {"hellip", 0x2026}, {"permil", 0x2030},
    {"prime", 0x2032},  {"Prime", 0x2033}, {"lsaquo", 0x2039}, {"rsaquo", 0x203A},
    {"euro", 0x20AC},   {"trade", 0x2122}, {"larr", 0x2190},   {"rarr", 0x2192},
    {"minus", 0x2212},
};

bool entity_codepoint(const char *e, size_t n, uint32_t *cp)
{
    if (n < 3 || e[0] != '&' || e[n - 1] != ';')
        return false;
    const char *s = e + 1;
    size_t len = n - 2;
    if (s[0] == '#') {
        bool hex = len > 1 && (s[1] == 'x' || s[1] == 'X');
        size_t i = hex ? 2 : 1;
        uint32_t v = 0;
        if (i == len)
            return false;
        for (; i < len; i++) {
            char ch = s[i];
            uint32_t dv;
            if (ch >= '0' && ch <= '9')
                dv = (uint32_t)(ch - '0');
            else if (hex && ch >= 'a' && ch <= 'f')
                dv = (uint32_t)(ch - 'a' + 10);
            else if (hex && ch >= 'A' && ch <= 'F')
                dv = (uint32_t)(ch - 'A' + 10);
            else
                return false;
            if (v <= 0x10FFFF)
                v = v * (hex ? 16 : 10) + dv; /* stops growing once out of range */
        }
        *cp = v > 0x10FFFF ? 0xFFFD : v;
        return true;
    }
    for (size_t i = 0; i < sizeof latin1_names / sizeof latin1_names[0]; i++) {
        if (strlen(latin1_names[i]) == len && memcmp(latin1_names[i], s, len) == 0) {
            *cp = 0xA0 + (uint32_t)i;
            return true;
        }
    }
    for (size_t i = 0; i < sizeof other_names / sizeof other_names[0]; i++) {
        if (strlen(other_names[i].name) == len && memcmp(other_names[i].name, s, len) == 0) {
            *cp = other_names[i].cp;
            return true;
        }
    }
    return false;
}

enum status utf8_put(struct buf *out, uint32_t cp)
{
    uint8_t u[4];
    size_t n;
    if (cp == 0 || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        cp = 0xFFFD;
    if (cp < 0x80) {
        u[0] = (uint8_t)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (uint8_t)(0xC0 | (cp >> 6));
        u[1] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (uint8_t)(0xE0 | (cp >> 12));
        u[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (uint8_t)(0xF0 | (cp >> 18));
        u[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (uint8_t)(0x80 | (cp & 0x3F));
        n = 4;
    }
    return buf_append(out, u, n);
}

enum status entity_put(struct buf *out, const char *e, size_t n)
{
    uint32_t cp;
    return entity_codepoint(e, n, &cp) ? utf8_put(out, cp) : buf_append(out, e, n);
}
