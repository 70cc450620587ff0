/*
 * codes.c — the status-code table of c2pa.h (C2PA_CODES) as data: each
 * code's text and kind, looked up by its enum value or, for a code read
 * from a file (an ingredient's recorded results), by its text.
 *
 * Must never: hold a code twice or a code without its kind (the table
 * is the only list; c2pa.h's X-macro makes enum and rows from one line).
 *
 * Spec: C2PA 2.2 §15.2.2 (success, informational and failure codes),
 * §15.8.2 (time-stamp failures are informational); CAWG 1.1 §8.
 */
#include <string.h>

#include "c2pa/c2pa_internal.h"

static const struct {
    const char *text;
    enum c2pa_kind kind;
} rows[C2PA_CODE_COUNT] = {[C2PA_CODE_NONE] = {NULL, C2PA_INFORMATIONAL},
#define C2PA_CODE_ROW(id, t, k) [C2PA_CODE_##id] = {t, C2PA_##k},
                           C2PA_CODES(C2PA_CODE_ROW)
#undef C2PA_CODE_ROW
};

const char *c2pa_code_text(enum c2pa_code c)
{
    return (unsigned)c < C2PA_CODE_COUNT ? rows[c].text : NULL;
}

enum c2pa_kind c2pa_code_kind(enum c2pa_code c)
{
    return (unsigned)c < C2PA_CODE_COUNT ? rows[c].kind : C2PA_INFORMATIONAL;
}

enum c2pa_code c2pa_code_of(const char *text)
{
    for (unsigned c = 1; text && c < C2PA_CODE_COUNT; c++)
        if (strcmp(rows[c].text, text) == 0)
            return (enum c2pa_code)c;
    return C2PA_CODE_NONE;
}

enum c2pa_family c2pa_code_family(enum c2pa_code c)
{
    static const struct {
        const char *prefix;
        enum c2pa_family family;
    } families[] = {{"cawg.identity", C2PA_FAMILY_CAWG_IDENTITY},
                    {"cawg.x509.", C2PA_FAMILY_CAWG_X509},
                    {"cawg.ica.", C2PA_FAMILY_CAWG_ICA}};
    const char *t = c2pa_code_text(c);
    for (size_t i = 0; t && i < sizeof families / sizeof families[0]; i++)
        if (strncmp(t, families[i].prefix, strlen(families[i].prefix)) == 0)
            return families[i].family;
    return C2PA_FAMILY_C2PA;
}
