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

#endif
