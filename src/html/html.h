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
/* Text or an attribute value of an XML document (feeds, sitemaps):
 * the same set, and what XML 1.0 §2.2 forbids (C0 controls but tab, LF,
 * CR; U+FFFE, U+FFFF) replaced by U+FFFD so the document stays
 * well-formed whatever a caption holds. */
enum status html_escape_xml(struct buf *out, const char *s, size_t n);
/* A quoted attribute value (same set; also safe unquoted-free). */
enum status html_escape_attr(struct buf *out, const char *s, size_t n);
/* A URL in href/src: refuses javascript:, data: (except images when
 * allowed) and other active schemes by writing "#" instead; percent-
 * encodes spaces and controls; then attribute-escapes.
 * As implemented: allowed are http:, https:, mailto: and references
 * without a scheme (paths, "?query", "#fragment", "//host"); the scheme
 * is read the way browsers read it (case, leading controls/spaces,
 * tabs/newlines inside ignored), and an "&" before the first "/?#" is
 * refused (entity tricks). Space, controls, quotes, <, >, `, \ and a
 * stray % are percent-encoded; UTF-8 is kept; bad UTF-8 becomes
 * %EF%BF%BD; "&" becomes &amp;. data: is always refused here. */
enum status html_escape_url(struct buf *out, const char *s, size_t n);
/* An <img src>: as html_escape_url, but also lets through the one
 * data: form a placeholder needs, data:image/(png|jpeg|gif|webp|avif);
 * base64,<base64 characters only>. Never SVG (it can carry script). */
enum status html_escape_img_src(struct buf *out, const char *s, size_t n);
/* A JSON document inside <script type="application/ld+json">: "<", ">",
 * "&", U+2028, U+2029 written as \u escapes so no "</script>" appears.
 * (Valid JSON has these characters only inside strings, where the
 * escapes mean the same thing.) Every writer above turns bytes that are
 * not well-formed UTF-8 into U+FFFD. */
enum status html_escape_json_script(struct buf *out, const char *json, size_t n);

/* `s` as a JSON string, quotes included: the quote, the backslash and
 * C0 controls escaped (\n, \t, ... or \u00XX), bad UTF-8 as U+FFFD.
 * For a JSON file built without a tree of objects (api/photos.json). */
enum status html_json_string(struct buf *out, const char *s, size_t n);

/* ---- Mustache --------------------------------------------------- */

struct html_template;

/* Partials are looked up by name when a template is rendered; the
 * callback returns the partial's source (borrowed) or NULL when it does
 * not exist (which renders as empty, as the spec says). */
typedef const char *(*html_partial_fn)(void *ud, const char *name, size_t *len);

enum status html_template_compile(const char *name, const char *src, size_t len,
                                  struct html_template **out, struct diag *d);
void html_template_free(struct html_template *t);

/* {{x}} is escaped with html_escape_text; {{{x}}} and {{&x}} are not.
 * Falsy for sections: missing, null, false, [] and "" (the spec leaves
 * "" to the host; we follow JavaScript so {{#subtitle}} means "has
 * one"). 0 is truthy. Numbers interpolate in their shortest form;
 * objects and arrays interpolate as nothing. A {{name}} that begins a
 * quoted attribute value whose name ends in href/action/cite is written
 * with html_escape_url, in src/poster with html_escape_img_src (a
 * "javascript:" licensor URL from a photo becomes "#"). Lambdas are not supported
 * (JSON data has no functions). Compile errors name the template
 * (diag.file), the line and the tag (diag.field). Nesting of sections
 * and partials is capped by TS_LIMIT_TEMPLATE_DEPTH, total work by
 * TS_LIMIT_TEMPLATE_WORK, output by out->max. */
enum status html_render(const struct html_template *t, json_t *context, html_partial_fn partials,
                        void *ud, struct buf *out, struct diag *d);

/* ---- Markdown ---------------------------------------------------- */

/*
 * Called for each image of the Markdown body. An image alone in its
 * paragraph is a figure: the callback writes the whole figure and the
 * paragraph is not wrapped in <p>. `inline_image` tells the other case.
 * Returning non-OK stops rendering with that status.
 * src, alt and title are plain UTF-8 (entities decoded, alt text
 * stripped of emphasis), never NULL: "" when absent. The callback
 * escapes them for where it writes them (html_escape_img_src/attr).
 * A NULL callback writes a plain <img> (in a <figure> when alone).
 */
typedef enum status (*html_figure_fn)(void *ud, const char *src, const char *alt, const char *title,
                                      bool inline_image, struct buf *out);

/* CommonMark + tables, strikethrough, permissive autolinks; raw HTML
 * is escaped, not passed through (MD_FLAG_NOHTML); headings get unique
 * slug ids ("kim-ryon-hui", "notes-2"); links go through
 * html_escape_url. */
enum status html_markdown(const char *md, size_t len, html_figure_fn figure, void *ud,
                          struct buf *out, struct diag *d);

#endif
