/*
 * story_int.h — private to src/story: the small YAML tree built from
 * libyaml events, typed readers of its values with the validators
 * shared by site.yaml and front matter, and text helpers.
 *
 * Must never: be included from outside src/story (other modules use
 * story.h only), or hand out a node that outlives its tree.
 *
 * Spec: docs/story.md; YAML 1.1 as implemented by libyaml 0.2.
 */
#ifndef TS_STORY_INT_H
#define TS_STORY_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/base.h"
#include "story/story.h"

/* ---- the YAML tree ------------------------------------------------ */

enum story_ynode_kind { STORY_Y_SCALAR, STORY_Y_SEQ, STORY_Y_MAP };

struct story_ynode {
    enum story_ynode_kind kind;
    unsigned line, column; /* 1-based, in the file the text came from */
    char *text;            /* scalar value (NUL-terminated), else NULL */
    size_t len;
    bool plain; /* an unquoted scalar: may be null/bool/int */
    /* SEQ: items[i]; MAP: items[2i] is a key (a scalar), items[2i+1] its value */
    struct story_ynode **items;
    size_t n_items;
    size_t cap_items;
};

/*
 * Parses one YAML document from text[0..len) into a tree. `first_line`
 * is the line of the file where `text` starts (front matter starts on
 * line 2), so marks name lines of the real file. An empty document
 * gives *root = NULL. Aliases, anchors, more than one document and the
 * limits of limits.h are errors naming file, line and column.
 */
enum status story_yaml_parse(const char *file, const char *text, size_t len, unsigned first_line,
                             struct story_ynode **root, struct diag *d);
void story_yaml_free(struct story_ynode *n);
/* A whole YAML file's bytes (site.yaml, a message catalogue): line
 * ends normalised into *text (malloc'd, freed by the caller even on
 * failure), checked to be UTF-8 (ST_MALFORMED naming the line), parsed. */
enum status story_yaml_file(const char *path, const char *data, size_t len, char **text,
                            struct story_ynode **root, struct diag *d);

/* True for an unquoted "", "~", "null": the key is as good as absent. */
bool story_yaml_is_null(const struct story_ynode *n);

/* ---- typed readers ------------------------------------------------ */

/*
 * Each reader checks one value and either stores it or fills `d` with
 * ST_CONFIG naming file, the node's line and the key (`field`, e.g.
 * "images.jpeg_quality"). Strings are malloc'd; a null value leaves
 * *out untouched (the default stays).
 */
struct story_ctx {
    const char *file; /* for messages */
    struct diag *d;
    unsigned n_warnings;
    /* NULL: warnings are logged as they are found; else each is a line
     * here, for a caller that parses on another thread and logs them
     * later in its own order (story_parse_held) */
    struct buf *held;
};

enum status story_get_text(struct story_ctx *c, const struct story_ynode *v, const char *field,
                           char **out);
enum status story_get_url(struct story_ctx *c, const struct story_ynode *v, const char *field,
                          char **out);
enum status story_get_email(struct story_ctx *c, const struct story_ynode *v, const char *field,
                            char **out);
enum status story_get_lang(struct story_ctx *c, const struct story_ynode *v, const char *field,
                           char **out);
/* YYYY-MM-DD, a real calendar day; `partial` also accepts YYYY and YYYY-MM. */
enum status story_get_date(struct story_ctx *c, const struct story_ynode *v, const char *field,
                           bool partial, char **out);
/* A file in the story folder: relative, no scheme, no '..'. */
enum status story_get_file(struct story_ctx *c, const struct story_ynode *v, const char *field,
                           char **out);
enum status story_get_int(struct story_ctx *c, const struct story_ynode *v, const char *field,
                          int lo, int hi, int *out);
enum status story_get_bool(struct story_ctx *c, const struct story_ynode *v, const char *field,
                           bool *out);
/* Checks v is a mapping (null = empty is fine: returns ST_OK, *is_map false). */
enum status story_get_map(struct story_ctx *c, const struct story_ynode *v, const char *field,
                          bool *is_map);
enum status story_get_seq(struct story_ctx *c, const struct story_ynode *v, const char *field,
                          bool *is_seq);
/* Reads `license:` keys into l (shared by site.yaml and front matter). */
enum status story_get_license(struct story_ctx *c, const struct story_ynode *v, const char *field,
                              struct story_license *l);
void story_license_clear(struct story_license *l);
/*
 * Reads a mapping key by key: `one` reads a known key into `obj` and
 * returns ST_NOT_FOUND for a key it does not know (warned about, then
 * skipped). A key given twice is ST_CONFIG. `where` is the
 * section ("images") or NULL at the top; fields are named "where.key".
 */
typedef enum status (*story_key_fn)(struct story_ctx *c, const char *key,
                                    const struct story_ynode *v, const char *field, void *obj);
enum status story_read_map(struct story_ctx *c, const struct story_ynode *map, const char *where,
                           story_key_fn one, void *obj);

/* Logs "file: line N: unknown key 'k' in <where> (ignored)" and counts it. */
void story_warn_unknown(struct story_ctx *c, const struct story_ynode *key, const char *where);
/* Fills c->d with ST_CONFIG at the node's line; returns ST_CONFIG. */
enum status story_config_error(struct story_ctx *c, const struct story_ynode *at, const char *field,
                               const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- paths and text ----------------------------------------------- */

/* Why `src` is not a file of the story folder, or NULL when it is. */
const char *story_file_ref_problem(const char *src);
/* http:// or https:// with a host and no white space or control bytes. */
bool story_looks_like_url(const char *s);

/* The next line of c without its '\n'; false at the end (a text that
 * ends in '\n' has no empty line after it). */
bool story_next_line(struct cursor *c, struct span *line);
/* True when the line is the 3-byte `mark` ("---", "...") then blanks. */
bool story_fence_line(struct span line, const char *mark);
/* 1-based line of the first invalid UTF-8 sequence, 0 when valid. */
unsigned story_utf8_bad_line(const char *p, size_t n);
size_t story_count_newlines(struct span s);
/* A malloc'd copy without a UTF-8 BOM, CRLF and lone CR made LF (same
 * number of lines); NULL when out of memory. */
char *story_text_normalise(const char *text, size_t len, size_t *out_len);

/* Scans s->body with md4c into s->photos (story.md §3 of docs/story.md). */
enum status story_collect_photos(struct story *s, struct diag *d);

#endif
