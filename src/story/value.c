/*
 * value.c — typed readers for the values of site.yaml and front matter
 * (text, URL, e-mail, language tag, date, file name, bounded integer,
 * boolean, license block) and the checks they share.
 *
 * Must never: accept a value it cannot vouch for silently (a wrong
 * value is ST_CONFIG naming file, line and key), or copy a rejected
 * value into a message without clipping it and masking control bytes.
 *
 * Spec: docs/story.md "Keys"; dates are ISO 8601 calendar dates;
 * language tags follow the shape of BCP 47 (RFC 5646 §2.1).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "story/story_int.h"

/* A rejected value as it may appear in a message: at most 60 bytes,
 * whole code points, control bytes shown as '?'. */
static void quote_value(char *out, size_t outlen, const char *s)
{
    size_t n = strlen(s);
    size_t keep = utf8_clip((const uint8_t *)s, n, 60);
    if (keep >= outlen)
        keep = outlen - 1;
    for (size_t i = 0; i < keep; i++)
        out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? '?' : s[i];
    out[keep] = '\0';
    if (keep < n && keep + 4 < outlen)
        memcpy(out + keep, "...", 4);
}

enum status story_config_error(struct story_ctx *c, const struct story_ynode *at, const char *field,
                               const char *fmt, ...)
{
    diag_set_file(c->d, c->file);
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    enum status st = diag_set(c->d, ST_CONFIG, field, DIAG_NO_OFFSET, "%s", msg);
    if (c->d)
        c->d->line = at ? at->line : 0;
    return st;
}

void story_warn_unknown(struct story_ctx *c, const struct story_ynode *key, const char *where)
{
    char k[80];
    quote_value(k, sizeof k, key->text ? key->text : "");
    if (c->held) /* out of memory or past its limit, the line is dropped whole */
        buf_printf(c->held, "%s: line %u: unknown key '%s'%s%s (ignored; a typo?)\n", c->file,
                   key->line, k, where ? " in " : "", where ? where : "");
    else
        log_msg(LOG_WARN, "%s: line %u: unknown key '%s'%s%s (ignored; a typo?)", c->file,
                key->line, k, where ? " in " : "", where ? where : "");
    c->n_warnings++;
}

/* The scalar's text with surrounding white space removed, NULL when
 * the value is null or blank ("keep the default"). */
static enum status scalar_text(struct story_ctx *c, const struct story_ynode *v, const char *field,
                               char **out)
{
    *out = NULL;
    if (story_yaml_is_null(v))
        return ST_OK;
    if (v->kind != STORY_Y_SCALAR)
        return story_config_error(c, v, field, "expected text, not a %s",
                                  v->kind == STORY_Y_SEQ ? "list" : "mapping");
    if (str_blank(v->text))
        return ST_OK;
    *out = str_trim_dup(v->text, v->len);
    if (!*out)
        return story_config_error(c, v, field, "out of memory");
    return ST_OK;
}

static void replace(char **slot, char *value)
{
    free(*slot);
    *slot = value;
}

enum status story_get_text(struct story_ctx *c, const struct story_ynode *v, const char *field,
                           char **out)
{
    char *t;
    enum status st = scalar_text(c, v, field, &t);
    if (st == ST_OK && t)
        replace(out, t);
    return st;
}

bool story_looks_like_url(const char *s)
{
    size_t skip;
    if (strncasecmp(s, "https://", 8) == 0)
        skip = 8;
    else if (strncasecmp(s, "http://", 7) == 0)
        skip = 7;
    else
        return false;
    /* a host must follow: "http:///x" and "http://" are not URLs */
    unsigned char h = (unsigned char)s[skip];
    if (!(h == '[' || h >= 0x80 || (h >= '0' && h <= '9') || (h >= 'a' && h <= 'z') ||
          (h >= 'A' && h <= 'Z')))
        return false;
    for (const char *p = s; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch <= 0x20 || ch == 0x7f || ch == '"' || ch == '<' || ch == '>' || ch == '\\' ||
            ch == '`')
            return false;
    }
    return true;
}

enum status story_get_url(struct story_ctx *c, const struct story_ynode *v, const char *field,
                          char **out)
{
    char *t;
    enum status st = scalar_text(c, v, field, &t);
    if (st != ST_OK || !t)
        return st;
    if (!story_looks_like_url(t)) {
        char q[80];
        quote_value(q, sizeof q, t);
        free(t);
        return story_config_error(c, v, field, "'%s' is not an http:// or https:// URL", q);
    }
    replace(out, t);
    return ST_OK;
}

enum status story_get_email(struct story_ctx *c, const struct story_ynode *v, const char *field,
                            char **out)
{
    char *t;
    enum status st = scalar_text(c, v, field, &t);
    if (st != ST_OK || !t)
        return st;
    const char *at = strchr(t, '@');
    bool ok = at && at != t && at[1] && !strchr(at + 1, '@') && strchr(at + 1, '.') &&
              at[strlen(at) - 1] != '.';
    for (const char *p = t; ok && *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f || strchr("\"<>()[],;:\\", *p))
            ok = false;
    if (!ok) {
        char q[80];
        quote_value(q, sizeof q, t);
        free(t);
        return story_config_error(c, v, field,
                                  "'%s' is not an e-mail address like name@example.com", q);
    }
    replace(out, t);
    return ST_OK;
}

static bool is_alpha(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
}
static bool is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* The shape of a BCP 47 tag: a 2–3 letter primary language, then
 * subtags of 1–8 letters or digits ("en", "ko-KR", "zh-Hant-TW"). */
static bool lang_tag_ok(const char *t)
{
    size_t i = 0;
    while (is_alpha(t[i]))
        i++;
    if (i < 2 || i > 3)
        return false;
    while (t[i] == '-') {
        size_t start = ++i;
        while (is_alpha(t[i]) || is_digit(t[i]))
            i++;
        if (i - start < 1 || i - start > 8)
            return false;
    }
    return i <= 35 && t[i] == '\0';
}

enum status story_get_lang(struct story_ctx *c, const struct story_ynode *v, const char *field,
                           char **out)
{
    char *t;
    enum status st = scalar_text(c, v, field, &t);
    if (st != ST_OK || !t)
        return st;
    if (!lang_tag_ok(t)) {
        char q[80];
        quote_value(q, sizeof q, t);
        free(t);
        return story_config_error(c, v, field, "'%s' is not a language tag such as en, ko or en-GB",
                                  q);
    }
    replace(out, t);
    return ST_OK;
}

static bool digits(const char *p, size_t n, int *out)
{
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (!is_digit(p[i]))
            return false;
        v = v * 10 + (p[i] - '0');
    }
    *out = v;
    return true;
}

static bool date_ok(const char *t, bool partial)
{
    static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    size_t n = strlen(t);
    int y, m, dd;
    if (n != 10 && !(partial && (n == 4 || n == 7)))
        return false;
    if (!digits(t, 4, &y) || y < 1)
        return false;
    if (n == 4)
        return true;
    if (t[4] != '-' || !digits(t + 5, 2, &m) || m < 1 || m > 12)
        return false;
    if (n == 7)
        return true;
    if (t[7] != '-' || !digits(t + 8, 2, &dd) || dd < 1 || dd > mdays[m - 1])
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return !(m == 2 && dd == 29 && !leap);
}

enum status story_get_date(struct story_ctx *c, const struct story_ynode *v, const char *field,
                           bool partial, char **out)
{
    char *t;
    enum status st = scalar_text(c, v, field, &t);
    if (st != ST_OK || !t)
        return st;
    if (!date_ok(t, partial)) {
        char q[80];
        quote_value(q, sizeof q, t);
        free(t);
        return story_config_error(c, v, field, "'%s' is not a date written YYYY-MM-DD%s", q,
                                  partial ? " (or YYYY-MM, YYYY)" : "");
    }
    replace(out, t);
    return ST_OK;
}

const char *story_file_ref_problem(const char *src)
{
    if (!src || !src[0])
        return "is empty";
    for (const char *p = src; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '\\')
            return "contains a control character or a backslash";
    /* RFC 3986 §3.1 scheme: a letter, then letters, digits, '+', '-', '.', then ':' */
    if (is_alpha(src[0])) {
        const char *p = src + 1;
        while (is_alpha(*p) || is_digit(*p) || *p == '+' || *p == '-' || *p == '.')
            p++;
        if (*p == ':')
            return "is a URL, not a file of the story folder";
    }
    if (src[0] == '/')
        return "is an absolute path, not a file of the story folder";
    for (const char *p = src; *p;) {
        const char *end = strchr(p, '/');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return "goes outside the story folder ('..')";
        if (!end)
            break;
        p = end + 1;
    }
    if (src[strlen(src) - 1] == '/')
        return "names a folder, not a file";
    return NULL;
}

enum status story_get_file(struct story_ctx *c, const struct story_ynode *v, const char *field,
                           char **out)
{
    char *t;
    enum status st = scalar_text(c, v, field, &t);
    if (st != ST_OK || !t)
        return st;
    const char *why = story_file_ref_problem(t);
    if (why) {
        char q[80];
        quote_value(q, sizeof q, t);
        free(t);
        return story_config_error(c, v, field, "'%s' %s", q, why);
    }
    replace(out, t);
    return ST_OK;
}

enum status story_get_int(struct story_ctx *c, const struct story_ynode *v, const char *field,
                          int lo, int hi, int *out)
{
    if (story_yaml_is_null(v))
        return ST_OK;
    if (v->kind != STORY_Y_SCALAR)
        return story_config_error(c, v, field, "expected a number from %d to %d", lo, hi);
    const char *p = v->text;
    bool neg = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    long long val = 0;
    bool ok = *p != '\0';
    for (; ok && *p; p++) {
        if (!is_digit(*p))
            ok = false;
        else if ((val = val * 10 + (*p - '0')) > 1000000000LL)
            ok = false; /* far outside every range we accept; stops overflow */
    }
    if (neg)
        val = -val;
    if (!ok || val < lo || val > hi) {
        char q[80];
        quote_value(q, sizeof q, v->text);
        return story_config_error(c, v, field, "must be a whole number from %d to %d, not '%s'", lo,
                                  hi, q);
    }
    *out = (int)val;
    return ST_OK;
}

enum status story_get_bool(struct story_ctx *c, const struct story_ynode *v, const char *field,
                           bool *out)
{
    static const char *const yes[] = {"true", "yes", "on"};
    static const char *const no[] = {"false", "no", "off"};
    if (story_yaml_is_null(v))
        return ST_OK;
    if (v->kind == STORY_Y_SCALAR && v->plain) {
        for (size_t i = 0; i < 3; i++) {
            if (strcasecmp(v->text, yes[i]) == 0) {
                *out = true;
                return ST_OK;
            }
            if (strcasecmp(v->text, no[i]) == 0) {
                *out = false;
                return ST_OK;
            }
        }
    }
    char q[80];
    quote_value(q, sizeof q, v->kind == STORY_Y_SCALAR ? v->text : "(a list or mapping)");
    return story_config_error(c, v, field, "must be true or false, not '%s'", q);
}

enum status story_get_map(struct story_ctx *c, const struct story_ynode *v, const char *field,
                          bool *is_map)
{
    *is_map = false;
    if (story_yaml_is_null(v))
        return ST_OK;
    if (v->kind != STORY_Y_MAP)
        return story_config_error(c, v, field, "expected keys and values (a mapping) under '%s'",
                                  field);
    *is_map = true;
    return ST_OK;
}

enum status story_get_seq(struct story_ctx *c, const struct story_ynode *v, const char *field,
                          bool *is_seq)
{
    *is_seq = false;
    if (story_yaml_is_null(v))
        return ST_OK;
    if (v->kind != STORY_Y_SEQ)
        return story_config_error(c, v, field, "expected a list such as [a, b] or '- a' lines");
    if (v->n_items > TS_LIMIT_LIST_ITEMS)
        return story_config_error(c, v, field, "more than %d items", TS_LIMIT_LIST_ITEMS);
    *is_seq = true;
    return ST_OK;
}

/* True when the key at items[2i] already appeared in the mapping: YAML
 * forbids it and libyaml does not check (the later value would win
 * silently, hiding an edit). */
static bool dup_key(const struct story_ynode *map, size_t i, unsigned *first_line)
{
    const struct story_ynode *k = map->items[2 * i];
    for (size_t j = 0; j < i; j++) {
        const struct story_ynode *o = map->items[2 * j];
        if (strcmp(o->text, k->text) == 0) {
            *first_line = o->line;
            return true;
        }
    }
    return false;
}

enum status story_read_map(struct story_ctx *c, const struct story_ynode *map, const char *where,
                           story_key_fn one, void *obj)
{
    enum status st = ST_OK;
    for (size_t i = 0; st == ST_OK && i < map->n_items / 2; i++) {
        const struct story_ynode *k = map->items[2 * i], *v = map->items[2 * i + 1];
        char field[96];
        snprintf(field, sizeof field, "%s%s%s", where ? where : "", where ? "." : "", k->text);
        /* checked before reading, so a reader never overwrites its own list */
        unsigned first;
        if (dup_key(map, i, &first))
            return story_config_error(c, k, field, "given twice (first on line %u)", first);
        st = one(c, k->text, v, field, obj);
        if (st == ST_NOT_FOUND) {
            story_warn_unknown(c, k, where);
            st = ST_OK;
        }
    }
    return st;
}

void story_license_clear(struct story_license *l)
{
    if (!l)
        return;
    free(l->web_statement);
    free(l->licensor_url);
    free(l->licensor_email);
    free(l->credit_line);
    free(l->copyright);
    free(l->usage_terms);
    memset(l, 0, sizeof *l);
}

static enum status license_key(struct story_ctx *c, const char *key, const struct story_ynode *v,
                               const char *field, void *obj)
{
    struct story_license *l = obj;
    if (strcmp(key, "web_statement") == 0)
        return story_get_url(c, v, field, &l->web_statement);
    if (strcmp(key, "licensor_url") == 0)
        return story_get_url(c, v, field, &l->licensor_url);
    if (strcmp(key, "licensor_email") == 0)
        return story_get_email(c, v, field, &l->licensor_email);
    if (strcmp(key, "credit_line") == 0)
        return story_get_text(c, v, field, &l->credit_line);
    if (strcmp(key, "copyright") == 0)
        return story_get_text(c, v, field, &l->copyright);
    if (strcmp(key, "usage_terms") == 0)
        return story_get_text(c, v, field, &l->usage_terms);
    return ST_NOT_FOUND;
}

enum status story_get_license(struct story_ctx *c, const struct story_ynode *v, const char *field,
                              struct story_license *l)
{
    bool is_map;
    enum status st = story_get_map(c, v, field, &is_map);
    if (st != ST_OK || !is_map)
        return st;
    return story_read_map(c, v, field, license_key, l);
}
