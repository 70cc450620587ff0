/*
 * fields.c — the licence inquiry's fields in one table (kcgi's struct
 * kvalid habit: every field has a validator and a maximum length), and
 * the two body parsers that feed it: application/x-www-form-urlencoded
 * (WHATWG URL §5.1) and a flat JSON object (jansson).
 *
 * Must never: accept a value that its rule refuses, keep a value past
 * its maximum, read the body except through the cursor, or let bytes
 * that are not UTF-8 (or a NUL) reach a stored field.
 *
 * Spec: docs/inquiries.md "Fields" (the contract with the site's forms).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "serve/lic.h"

/* ---- validators ------------------------------------------------------ */

/* C0 controls, DEL and C1 controls (U+0080..U+009F, UTF-8 C2 80..C2 9F):
 * nothing a person types into a one-line field. Tabs and newlines are
 * let through only where `multiline`. */
static bool no_controls(const char *v, size_t n, bool multiline, const char **why)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)v[i];
        bool ctl = ch < 0x20 || ch == 0x7f ||
                   (ch == 0xc2 && i + 1 < n && (unsigned char)v[i + 1] >= 0x80 &&
                    (unsigned char)v[i + 1] <= 0x9f);
        if (ctl && !(multiline && (ch == '\n' || ch == '\t'))) {
            *why = multiline ? "contains control characters" : "must be one line of text";
            return false;
        }
    }
    return true;
}

static bool v_line(const char *v, size_t n, const char **why)
{
    return no_controls(v, n, false, why);
}

static bool v_text(const char *v, size_t n, const char **why)
{
    return no_controls(v, n, true, why);
}

static bool one_of(const char *v, size_t n, const char *const *set)
{
    for (; *set; set++)
        if (strlen(*set) == n && memcmp(*set, v, n) == 0)
            return true;
    return false;
}

static const char *const usages[] = {"editorial",  "commercial", "advertising",
                                     "non-profit", "personal",   NULL};
static const char *const media[] = {"print", "web", "social", "book", "tv-film", "outdoor", NULL};
static const char *const exclusivities[] = {"none", "exclusive", NULL};

static bool v_usage(const char *v, size_t n, const char **why)
{
    *why = "must be editorial, commercial, advertising, non-profit or personal";
    return one_of(v, n, usages);
}

static bool v_media(const char *v, size_t n, const char **why)
{
    *why = "must be print, web, social, book, tv-film or outdoor";
    return one_of(v, n, media);
}

static bool v_exclusivity(const char *v, size_t n, const char **why)
{
    *why = "must be none or exclusive";
    return one_of(v, n, exclusivities);
}

static bool v_consent(const char *v, size_t n, const char **why)
{
    *why = "must be given (yes) so that we may store your inquiry";
    return n == 3 && memcmp(v, "yes", 3) == 0;
}

static bool v_empty(const char *v, size_t n, const char **why)
{
    *why = "must be left empty";
    return n == 0;
}

/* YYYY-MM-DD, a real calendar day from 1900 to 2999. */
static bool v_date(const char *v, size_t n, const char **why)
{
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    *why = "must be a date written YYYY-MM-DD";
    if (n != 10 || v[4] != '-' || v[7] != '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)v[i]))
            return false;
    int y = atoi(v), m = atoi(v + 5), day = atoi(v + 8);
    if (y < 1900 || y > 2999 || m < 1 || m > 12 || day < 1 || day > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && day == 29 && !leap);
}

/* local@domain: one "@", a local part of 1-64 bytes without spaces,
 * quotes or brackets, a domain with a dot, labels of letters, digits,
 * hyphens (or non-ASCII, for internationalised names), no empty label.
 * Deliberately simple: the owner answers it by hand. */
static bool v_email(const char *v, size_t n, const char **why)
{
    *why = "must be an e-mail address (name@example.com)";
    const char *at = memchr(v, '@', n);
    if (!at || memchr(at + 1, '@', n - (size_t)(at - v) - 1))
        return false;
    size_t local = (size_t)(at - v), dom = n - local - 1;
    if (local == 0 || local > 64 || dom < 3)
        return false;
    for (size_t i = 0; i < local; i++) {
        unsigned char ch = (unsigned char)v[i];
        if (ch <= 0x20 || ch == 0x7f || strchr("\"(),:;<>[\\]", ch))
            return false;
    }
    const char *d = at + 1;
    bool dot = false;
    size_t label = 0;
    for (size_t i = 0; i < dom; i++) {
        unsigned char ch = (unsigned char)d[i];
        if (ch == '.') {
            if (label == 0 || d[i - 1] == '-')
                return false;
            dot = true;
            label = 0;
        } else if (isalnum(ch) || ch >= 0x80 || (ch == '-' && label > 0)) {
            label++;
        } else {
            return false;
        }
    }
    return dot && label > 0 && d[dom - 1] != '-';
}

/* "general" or "<story-slug>/<photo-id>" (api/photos.json): no
 * spaces, controls, quotes, angle brackets, backslashes or dot
 * segments. Whether it exists is checked against the photo list. */
static bool v_photo_id(const char *v, size_t n, const char **why)
{
    *why = "is not a photo of this site";
    if (n == 7 && memcmp(v, "general", 7) == 0)
        return true;
    const char *slash = memchr(v, '/', n);
    if (!slash || slash == v || slash == v + n - 1 ||
        memchr(slash + 1, '/', n - (size_t)(slash - v) - 1))
        return false;
    if (v[0] == '.' || slash[1] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)v[i];
        if (ch <= 0x20 || ch == 0x7f || strchr("\"'<>\\&?#%", ch))
            return false;
    }
    return true;
}

static bool v_token(const char *v, size_t n, const char **why)
{
    *why = "is not a form token; reload the form";
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)v[i]) && !(v[i] >= 'a' && v[i] <= 'f') && v[i] != '.')
            return false;
    return n > 0;
}

static bool v_pow(const char *v, size_t n, const char **why)
{
    *why = "is not a proof-of-work answer";
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)v[i]))
            return false;
    return true;
}

/* The table. Maxima are bytes of UTF-8 after decoding and trimming. */
const struct serve_field_rule serve_fields[SERVE_FIELD_COUNT] = {
    [SF_PHOTO_ID] = {"photo_id", true, false, 200, v_photo_id},
    [SF_NAME] = {"name", true, false, 200, v_line},
    [SF_ORGANISATION] = {"organisation", false, false, 200, v_line},
    [SF_EMAIL] = {"email", true, false, 254, v_email},
    [SF_COUNTRY] = {"country", true, false, 100, v_line},
    [SF_USAGE] = {"usage", true, false, 20, v_usage},
    [SF_MEDIA] = {"media", true, true, 20, v_media},
    [SF_TERRITORY] = {"territory", true, false, 200, v_line},
    [SF_START_DATE] = {"start_date", true, false, 10, v_date},
    [SF_DURATION] = {"duration", true, false, 100, v_line},
    [SF_SIZE_PLACEMENT] = {"size_placement", false, false, 200, v_line},
    [SF_PRINT_RUN] = {"print_run", false, false, 100, v_line},
    [SF_EXCLUSIVITY] = {"exclusivity", true, false, 20, v_exclusivity},
    [SF_DEADLINE] = {"deadline", false, false, 10, v_date},
    [SF_BUDGET] = {"budget", false, false, 100, v_line},
    [SF_DESCRIPTION] = {"description", true, false, 5000, v_text},
    [SF_CONSENT] = {"consent", true, false, 3, v_consent},
    [SF_WEBSITE] = {"website", false, false, 200, v_empty},
    [SF_TOKEN] = {"token", true, false, SERVE_TOKEN_SIZE - 1, v_token},
    [SF_POW] = {"pow", false, false, 32, v_pow},
};

bool serve_field_check(enum serve_field f, const char *v, size_t n, const char **why)
{
    /* Per thread: the message outlives the call, and the server's
     * worker threads check fields at the same time. */
    static _Thread_local char msg[64];
    if ((unsigned)f >= SERVE_FIELD_COUNT) {
        *why = "is not a field";
        return false;
    }
    const struct serve_field_rule *r = &serve_fields[f];
    if (n > r->max) {
        snprintf(msg, sizeof msg, "is too long (at most %zu bytes)", r->max);
        *why = msg;
        return false;
    }
    if (memchr(v, '\0', n)) {
        *why = "contains a NUL byte";
        return false;
    }
    if (!utf8_valid((const uint8_t *)v, n)) {
        *why = "is not valid UTF-8";
        return false;
    }
    return r->valid(v, n, why);
}

/* ---- collected values ------------------------------------------------- */

void serve_inquiry_clear(struct serve_inquiry *q)
{
    if (!q)
        return;
    for (size_t i = 0; i < SERVE_FIELD_COUNT; i++) {
        free(q->v[i]);
        q->v[i] = NULL;
    }
}

void serve_errors_add(struct serve_errors *e, const char *field, const char *fmt, ...)
{
    for (unsigned i = 0; i < e->n; i++)
        if (strcmp(e->e[i].field, field) == 0)
            return; /* the first problem of a field is the one to fix */
    if (e->n >= SERVE_ERRORS_MAX)
        return;
    snprintf(e->e[e->n].field, sizeof e->e[e->n].field, "%s", field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->e[e->n].message, sizeof e->e[e->n].message, fmt, ap);
    va_end(ap);
    e->n++;
}

static int field_index(const char *name, size_t n)
{
    for (int i = 0; i < SERVE_FIELD_COUNT; i++)
        if (strlen(serve_fields[i].name) == n && memcmp(serve_fields[i].name, name, n) == 0)
            return i;
    return -1;
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Checks one decoded value of field f and keeps it (trimmed; CR LF as
 * LF) in q, or records why not. Multi-valued fields gather ","-joined
 * values, a repeated value once. */
static void take_value(struct serve_inquiry *q, struct serve_errors *errs, int f, char *v, size_t n,
                       bool *seen)
{
    const struct serve_field_rule *r = &serve_fields[f];
    const char *why = NULL;
    size_t o = 0;
    /* CR LF → LF (browsers send CR LF for textarea newlines) and a
     * lone CR → LF; in place, the value only shrinks. */
    for (size_t i = 0; i < n; i++) {
        if (v[i] == '\r') {
            v[o++] = '\n';
            if (i + 1 < n && v[i + 1] == '\n')
                i++;
        } else {
            v[o++] = v[i];
        }
    }
    n = o;
    size_t a = 0;
    while (a < n && is_space(v[a]))
        a++;
    while (n > a && is_space(v[n - 1]))
        n--;
    const char *s = v + a;
    n -= a;
    if (seen[f] && !r->multi) {
        serve_errors_add(errs, r->name, "is given more than once");
        return;
    }
    seen[f] = true;
    if (n == 0)
        return; /* absent; required fields are checked at the end */
    if (!serve_field_check((enum serve_field)f, s, n, &why)) {
        serve_errors_add(errs, r->name, "%s", why);
        return;
    }
    if (!r->multi) {
        q->v[f] = str_ndup(s, n);
        if (!q->v[f])
            serve_errors_add(errs, "body", "out of memory");
        return;
    }
    size_t have = q->v[f] ? strlen(q->v[f]) : 0;
    for (const char *p = q->v[f]; p && *p;) {
        size_t t = strcspn(p, ",");
        if (t == n && memcmp(p, s, n) == 0)
            return;
        p += t + (p[t] == ',');
    }
    char *joined = realloc(q->v[f], have + 1 + n + 1);
    if (!joined) {
        serve_errors_add(errs, "body", "out of memory");
        return;
    }
    if (have)
        joined[have++] = ',';
    memcpy(joined + have, s, n);
    joined[have + n] = '\0';
    q->v[f] = joined;
}

/* A field already refused keeps its first message (serve_errors_add). */
static void check_required(const struct serve_inquiry *q, struct serve_errors *errs)
{
    for (int f = 0; f < SERVE_FIELD_COUNT; f++)
        if (serve_fields[f].required && !q->v[f])
            serve_errors_add(errs, serve_fields[f].name, "is required");
}

/* ---- application/x-www-form-urlencoded ---------------------------------- */

static int hexval(uint8_t b)
{
    if (b >= '0' && b <= '9')
        return b - '0';
    if (b >= 'a' && b <= 'f')
        return b - 'a' + 10;
    if (b >= 'A' && b <= 'F')
        return b - 'A' + 10;
    return -1;
}

/* Decodes the bytes of one name or value ("+" is a space, %XX a byte)
 * into out (at least n + 1 bytes); false on a bad escape. */
static bool form_decode(struct span in, char *out, size_t *outlen)
{
    struct cursor c;
    uint8_t b, h1, h2;
    size_t o = 0;
    cursor_init(&c, in);
    while (cursor_u8(&c, &b)) {
        if (b == '+') {
            out[o++] = ' ';
        } else if (b == '%') {
            if (!cursor_u8(&c, &h1) || !cursor_u8(&c, &h2) || hexval(h1) < 0 || hexval(h2) < 0)
                return false;
            out[o++] = (char)(hexval(h1) << 4 | hexval(h2));
        } else {
            out[o++] = (char)b;
        }
    }
    out[o] = '\0';
    *outlen = o;
    return true;
}

static void parse_form(const uint8_t *body, size_t len, struct serve_inquiry *q,
                       struct serve_errors *errs, bool *seen)
{
    struct cursor c;
    char *key = NULL, *val = NULL;
    size_t pairs = 0;
    cursor_init(&c, span_make(body, len));
    key = malloc(len + 1);
    val = malloc(len + 1);
    if (!key || !val) {
        serve_errors_add(errs, "body", "out of memory");
        goto abort;
    }
    while (cursor_left(&c) > 0) {
        size_t start = c.pos, end = c.pos, eq = SIZE_MAX;
        uint8_t b;
        while (cursor_u8(&c, &b) && b != '&') {
            if (b == '=' && eq == SIZE_MAX)
                eq = end;
            end++;
        }
        if (end == start)
            continue;
        if (++pairs > TS_LIMIT_INQUIRY_PAIRS) {
            serve_errors_add(errs, "body", "has more than %d fields", TS_LIMIT_INQUIRY_PAIRS);
            goto abort;
        }
        struct span whole = span_make(body, len), k, v = {NULL, 0};
        size_t klen = eq == SIZE_MAX ? end - start : eq - start, kn = 0, vn = 0;
        if (!span_sub(whole, start, klen, &k) ||
            (eq != SIZE_MAX && !span_sub(whole, eq + 1, end - eq - 1, &v))) {
            serve_errors_add(errs, "body", "cannot be read");
            goto abort;
        }
        if (!form_decode(k, key, &kn) || !form_decode(v, val, &vn)) {
            serve_errors_add(errs, "body", "has a bad %%-escape near byte %zu", start);
            goto abort;
        }
        int f = field_index(key, kn);
        if (f >= 0)
            take_value(q, errs, f, val, vn, seen);
        /* Other names (a submit button's) are ignored, as kcgi does. */
    }
abort:
    free(key);
    free(val);
}

/* ---- JSON ------------------------------------------------------------- */

static void parse_json(const uint8_t *body, size_t len, struct serve_inquiry *q,
                       struct serve_errors *errs, bool *seen)
{
    json_error_t jerr;
    json_t *doc = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, &jerr);
    const char *name;
    json_t *value;
    char *copy = NULL;
    if (!doc) {
        serve_errors_add(errs, "body", "is not JSON: %s at byte %d", jerr.text, jerr.position);
        goto abort;
    }
    if (!json_is_object(doc)) {
        serve_errors_add(errs, "body", "must be a JSON object of fields");
        goto abort;
    }
    if (json_object_size(doc) > TS_LIMIT_INQUIRY_PAIRS) {
        serve_errors_add(errs, "body", "has more than %d fields", TS_LIMIT_INQUIRY_PAIRS);
        goto abort;
    }
    json_object_foreach(doc, name, value)
    {
        int f = field_index(name, strlen(name));
        if (f < 0)
            continue;
        json_t *items = json_is_array(value) && serve_fields[f].multi ? value : NULL;
        size_t count = items ? json_array_size(items) : 1;
        if (count > TS_LIMIT_INQUIRY_PAIRS) {
            serve_errors_add(errs, name, "has too many values");
            continue;
        }
        for (size_t i = 0; i < count; i++) {
            json_t *item = items ? json_array_get(items, i) : value;
            if (json_is_true(item) && f == SF_CONSENT)
                item = NULL; /* consent: true means "yes" */
            else if (!json_is_string(item)) {
                serve_errors_add(errs, name, "must be a string");
                break;
            }
            const char *s = item ? json_string_value(item) : "yes";
            size_t n = item ? json_string_length(item) : 3;
            free(copy);
            copy = str_ndup(s, n);
            if (!copy) {
                serve_errors_add(errs, "body", "out of memory");
                goto abort;
            }
            if (memchr(s, '\0', n)) {
                serve_errors_add(errs, name, "contains a NUL byte");
                break;
            }
            take_value(q, errs, f, copy, n, seen);
        }
    }
abort:
    free(copy);
    json_decref(doc);
}

enum status serve_inquiry_parse(enum serve_body_kind kind, const uint8_t *body, size_t len,
                                struct serve_inquiry *q, struct serve_errors *errs)
{
    bool seen[SERVE_FIELD_COUNT] = {false};
    memset(q, 0, sizeof *q);
    memset(errs, 0, sizeof *errs);
    if (len > TS_LIMIT_INQUIRY_BODY) {
        serve_errors_add(errs, "body", "is larger than %zu bytes", (size_t)TS_LIMIT_INQUIRY_BODY);
        goto abort;
    }
    if (!utf8_valid(body, len)) {
        serve_errors_add(errs, "body", "is not valid UTF-8");
        goto abort;
    }
    if (kind == SERVE_BODY_JSON)
        parse_json(body, len, q, errs, seen);
    else
        parse_form(body, len, q, errs, seen);
    for (unsigned i = 0; i < errs->n; i++)
        if (strcmp(errs->e[i].field, "body") == 0)
            goto abort;
    check_required(q, errs);
abort:
    if (errs->n == 0)
        return ST_OK;
    return ST_MALFORMED;
}

bool serve_form_value(const uint8_t *body, size_t len, const char *name, char *out, size_t outlen)
{
    struct cursor c;
    bool found = false;
    char *key = malloc(len + 1), *val = malloc(len + 1);
    cursor_init(&c, span_make(body, len));
    if (!key || !val || outlen == 0)
        goto abort;
    while (!found && cursor_left(&c) > 0) {
        size_t start = c.pos, end = c.pos, eq = SIZE_MAX, kn = 0, vn = 0;
        uint8_t b;
        while (cursor_u8(&c, &b) && b != '&') {
            if (b == '=' && eq == SIZE_MAX)
                eq = end;
            end++;
        }
        struct span whole = span_make(body, len), k, v = {NULL, 0};
        if (eq == SIZE_MAX || !span_sub(whole, start, eq - start, &k) ||
            !span_sub(whole, eq + 1, end - eq - 1, &v) || !form_decode(k, key, &kn) ||
            !form_decode(v, val, &vn))
            continue;
        if (kn == strlen(name) && memcmp(key, name, kn) == 0 && vn < outlen &&
            !memchr(val, '\0', vn) && utf8_valid((const uint8_t *)val, vn)) {
            memcpy(out, val, vn + 1);
            found = true;
        }
    }
abort:
    free(key);
    free(val);
    return found;
}
