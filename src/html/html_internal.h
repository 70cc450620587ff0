/*
 * html_internal.h — helpers shared by the files of the html module
 * (escape.c, mustache.c, markdown.c) and by nothing else.
 *
 * Must never: be included from outside src/html/ (other modules use
 * html.h only).
 */
#ifndef TS_HTML_INTERNAL_H
#define TS_HTML_INTERNAL_H

#include "html/html.h"

/* U+FFFD, written in place of every byte that is not well-formed UTF-8. */
#define HTML_REPLACEMENT "\xEF\xBF\xBD"

/*
 * The next code point of the cursor's input as a span of 1-4 bytes.
 * A byte that does not start a well-formed sequence (RFC 3629 §4) is
 * returned alone with *valid false so the caller can replace it. Returns
 * false only at the end of the input.
 */
bool html_utf8_next(struct cursor *c, struct span *seq, bool *valid);

/* What a writer must stop at besides bad UTF-8 (html_utf8_plain). */
enum html_plain_set {
    HTML_PLAIN_RAW,    /* nothing else: bytes as they are */
    HTML_PLAIN_MARKUP, /* & < > " ' and NUL */
    HTML_PLAIN_XML,    /* those, C0 controls but tab/LF/CR, U+FFFE, U+FFFF */
    HTML_PLAIN_SCRIPT, /* JSON in <script>: < > & U+2028 U+2029 */
    HTML_PLAIN_JSON    /* a JSON string's contents: quote, backslash, C0 */
};

/*
 * How many bytes from the cursor's position on are well-formed UTF-8
 * that the writer of `set` copies unchanged: the run it may append in
 * one piece before it looks at the next code point with
 * html_utf8_next. A page is mostly such runs, so this keeps the
 * per-code-point path for the few bytes that need it.
 */
size_t html_utf8_plain(const struct cursor *c, enum html_plain_set set);

/* Appends that run to `out` and moves the cursor past it; *moved says
 * whether there was one (false: the cursor is at a code point the
 * writer must look at, or at the end). */
enum status html_put_plain(struct buf *out, struct cursor *c, enum html_plain_set set, bool *moved);

#endif
