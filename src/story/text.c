/*
 * text.c — the plain-text side of story.md and site.yaml: line endings
 * and BOM normalised, lines walked through a cursor, UTF-8 checked line
 * by line so an error can name its line, and offsets turned into lines.
 *
 * Must never: read outside the span it was given, or change the number
 * of lines of a text (every later message names a line of the file).
 *
 * Spec: Unicode §3.9 (UTF-8, via utf8_valid); CommonMark 0.30 §2.1
 * (a line ends at LF, CRLF or a lone CR).
 */
#include <string.h>

#include "story/story_int.h"

bool story_next_line(struct cursor *c, struct span *line)
{
    size_t left = cursor_left(c);
    if (left == 0)
        return false;
    const uint8_t *start = c->in.ptr + c->pos;
    const uint8_t *nl = memchr(start, '\n', left);
    if (!cursor_take(c, nl ? (size_t)(nl - start) : left, line))
        return false;
    if (nl)
        cursor_skip(c, 1);
    return true;
}

bool story_fence_line(struct span line, const char *mark)
{
    struct cursor c;
    uint8_t ch;
    if (!span_starts_with(line, mark, 3))
        return false;
    cursor_init(&c, line);
    cursor_skip(&c, 3);
    while (cursor_u8(&c, &ch))
        if (ch != ' ' && ch != '\t')
            return false;
    return true;
}

unsigned story_utf8_bad_line(const char *p, size_t n)
{
    /* 0x0A is never part of a multi-byte sequence, so checking line by
     * line finds the same errors as checking the whole text */
    struct cursor c;
    struct span line;
    unsigned no = 0;
    cursor_init(&c, span_make((const uint8_t *)p, n));
    while (story_next_line(&c, &line)) {
        no++;
        if (!utf8_valid(line.ptr, line.len))
            return no;
    }
    return 0;
}

size_t story_count_newlines(struct span s)
{
    struct cursor c;
    struct span line;
    size_t n = 0;
    cursor_init(&c, s);
    while (story_next_line(&c, &line))
        n += c.pos > 0 && c.in.ptr[c.pos - 1] == '\n';
    return n;
}

char *story_text_normalise(const char *text, size_t len, size_t *out_len)
{
    struct span in = span_make((const uint8_t *)text, len);
    struct cursor c;
    struct buf b;
    buf_init(&b, len + 1);
    if (span_starts_with(in, "\xEF\xBB\xBF", 3) && !span_sub(in, 3, len - 3, &in))
        return NULL;
    cursor_init(&c, in);
    enum status st = buf_append(&b, "", 0); /* an empty text is "" too */
    while (st == ST_OK && cursor_left(&c) > 0) {
        const uint8_t *start = c.in.ptr + c.pos;
        const uint8_t *cr = memchr(start, '\r', cursor_left(&c));
        struct span chunk;
        if (!cursor_take(&c, cr ? (size_t)(cr - start) : cursor_left(&c), &chunk))
            break;
        st = buf_append(&b, chunk.ptr, chunk.len);
        if (st != ST_OK || !cr)
            break;
        /* CRLF and a lone CR both become one LF: the line count stays */
        cursor_skip(&c, 1);
        if (span_sub(c.in, c.pos, 1, &chunk) && chunk.ptr[0] == '\n')
            cursor_skip(&c, 1);
        st = buf_putc(&b, '\n');
    }
    if (st != ST_OK) {
        buf_free(&b);
        return NULL;
    }
    return buf_detach(&b, out_len);
}
