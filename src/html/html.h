/*
 * html.h — the one header of the html module, the only place HTML is
 * produced: escaping writers for each context, a Mustache template
 * engine (spec v1.3: variables, sections, inverted sections, partials,
 * comments, set delimiters) whose data model is jansson's json_t, and
 * the Markdown renderer (md4c) that turns photo references into
 * figures through a callback.
 *
 * Must never: write a string from a photo, story or request without
 * escaping it for the context it lands in.
 */
#ifndef TS_HTML_H
#define TS_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/base.h"

/* ---- escaping --------------------------------------------------- */

/* Text between tags: & < > " ' escaped. */
enum status html_escape_text(struct buf *out, const char *s, size_t n);
/* A quoted attribute value (same set; also safe unquoted-free). */
enum status html_escape_attr(struct buf *out, const char *s, size_t n);
/* A URL in href/src: refuses javascript:, data: (except images when
 * allowed) and other active schemes by writing "#" instead; percent-
 * encodes spaces and controls; then attribute-escapes. */
enum status html_escape_url(struct buf *out, const char *s, size_t n);
/* A JSON document inside <script type="application/ld+json">: "<", ">",
 * "&", U+2028, U+2029 written as \u escapes so no "</script>" appears. */
enum status html_escape_json_script(struct buf *out, const char *json, size_t n);

/* ---- Mustache --------------------------------------------------- */

struct html_template;

/* Partials are looked up by name when a template is rendered; the
 * callback returns the partial's source (borrowed) or NULL when it does
 * not exist (which renders as empty, as the spec says). */
typedef const char *(*html_partial_fn)(void *ud, const char *name, size_t *len);

enum status html_template_compile(const char *name, const char *src, size_t len,
                                  struct html_template **out, struct diag *d);
void html_template_free(struct html_template *t);

/* {{x}} is escaped with html_escape_text; {{{x}}} and {{&x}} are not. */
enum status html_render(const struct html_template *t, json_t *context, html_partial_fn partials,
                        void *ud, struct buf *out, struct diag *d);

/* ---- Markdown ---------------------------------------------------- */

/*
 * Called for each image of the Markdown body. An image alone in its
 * paragraph is a figure: the callback writes the whole figure and the
 * paragraph is not wrapped in <p>. `inline_image` tells the other case.
 * Returning non-OK stops rendering with that status.
 */
typedef enum status (*html_figure_fn)(void *ud, const char *src, const char *alt,
                                      const char *title, bool inline_image, struct buf *out);

enum status html_markdown(const char *md, size_t len, html_figure_fn figure, void *ud,
                          struct buf *out, struct diag *d);

#endif
