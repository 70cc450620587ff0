/*
 * base.h — the one header of the base module: status codes and
 * diagnostics, byte spans, a bounds-checked cursor, a capped growable
 * buffer, checked size arithmetic, file helpers and a tiny logger.
 *
 * Must never: depend on anything but libc; allocate without a cap;
 * index a buffer except through a length it was given.
 *
 * Naming: the pieces of base keep short prefixes of their own
 * (status_, diag_, span_, cursor_, buf_, size_, file_, log_, utf8_, str_,
 * entity_).
 */
#ifndef TS_BASE_H
#define TS_BASE_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/limits.h"

/* ---- status ------------------------------------------------------ */

/* One status enum for the whole project. */
enum status {
    ST_OK = 0,
    ST_NOMEM,       /* an allocation failed or would pass its cap */
    ST_IO,          /* the operating system refused a read or write */
    ST_NOT_FOUND,   /* a file, key or record that was asked for is absent */
    ST_TRUNCATED,   /* the input ends before a declared length */
    ST_MALFORMED,   /* the input breaks its format's rules */
    ST_LIMIT,       /* the input is well-formed but passes one of limits.h */
    ST_UNSUPPORTED, /* a valid feature we do not implement */
    ST_USAGE,       /* the user asked for something impossible */
    ST_CONFIG,      /* site.yaml, front matter or a template is wrong */
    ST_INTERNAL,    /* a bug in tearsheet: please report */
};

const char *status_str(enum status st);

/* ---- diagnostics ------------------------------------------------- */

/*
 * What went wrong, where, so that a photographer can act on it:
 * "kim-01.jpg: byte 1234: IPTC 2:120: dataset runs past its segment".
 * `offset` is a byte offset for binary input, `line` a line for text;
 * either may be unknown (DIAG_NO_OFFSET / 0).
 */
#define DIAG_NO_OFFSET SIZE_MAX
struct diag {
    enum status status;
    char file[TS_LIMIT_PATH];
    size_t offset;
    unsigned line;
    char field[64];
    char message[512];
};

void diag_clear(struct diag *d);
/* Sets status, field, offset and message (printf-style); keeps `file`
 * and `line`. Returns `st` so callers can write `return diag_set(...)`. */
enum status diag_set(struct diag *d, enum status st, const char *field, size_t offset,
                     const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void diag_set_file(struct diag *d, const char *file);
/* "file: line 3: field: message" with the parts that are known. */
void diag_format(const struct diag *d, char *out, size_t outlen);

/* ---- spans and the cursor ---------------------------------------- */

struct span {
    const uint8_t *ptr;
    size_t len;
};

static inline struct span span_make(const uint8_t *p, size_t n)
{
    struct span s = {p, n};
    return s;
}
/* The sub-span [off, off+len) of s, or false when it does not fit. */
bool span_sub(struct span s, size_t off, size_t len, struct span *out);
bool span_eq_str(struct span s, const char *str);
bool span_starts_with(struct span s, const void *prefix, size_t n);

/*
 * A read cursor over a span. Every read checks the remaining length
 * first and advances only on success, so a failed read leaves the
 * cursor where it was (curl's strparse habit).
 */
struct cursor {
    struct span in;
    size_t pos;
};

void cursor_init(struct cursor *c, struct span in);
size_t cursor_left(const struct cursor *c);
bool cursor_skip(struct cursor *c, size_t n);
bool cursor_seek(struct cursor *c, size_t pos);
bool cursor_u8(struct cursor *c, uint8_t *v);
bool cursor_u16be(struct cursor *c, uint16_t *v);
bool cursor_u16le(struct cursor *c, uint16_t *v);
bool cursor_u32be(struct cursor *c, uint32_t *v);
bool cursor_u32le(struct cursor *c, uint32_t *v);
bool cursor_u64be(struct cursor *c, uint64_t *v);
/* A big-endian unsigned integer of `bytes` = 0 (reads nothing, *v = 0),
 * 4 or 8 bytes, as ISO-BMFF sizes its iloc fields; false for any other
 * width or when it runs off the end. */
bool cursor_uint_be(struct cursor *c, unsigned bytes, uint64_t *v);
/* The next n bytes as a span (no copy). */
bool cursor_take(struct cursor *c, size_t n, struct span *out);

/* Unaligned loads from a span at an offset, bounds-checked. */
bool span_u16(struct span s, size_t off, bool big_endian, uint16_t *v);
bool span_u32(struct span s, size_t off, bool big_endian, uint32_t *v);

/* ---- checked size arithmetic ------------------------------------- */

static inline bool size_add(size_t a, size_t b, size_t *out)
{
    return !__builtin_add_overflow(a, b, out);
}
static inline bool size_mul(size_t a, size_t b, size_t *out)
{
    return !__builtin_mul_overflow(a, b, out);
}

/* ---- capped growable buffer -------------------------------------- */

/*
 * A byte buffer that always stays NUL-terminated and refuses to grow
 * past `max` (curl's dynbuf): every producer of output states up front
 * how large it may become.
 */
struct buf {
    char *data;
    size_t len;
    size_t cap;
    size_t max;
};

void buf_init(struct buf *b, size_t max);
void buf_free(struct buf *b);
void buf_reset(struct buf *b);
enum status buf_append(struct buf *b, const void *p, size_t n);
enum status buf_puts(struct buf *b, const char *s);
enum status buf_putc(struct buf *b, char ch);
enum status buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
enum status buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Hands the data to the caller (who frees it) and resets the buffer. */
char *buf_detach(struct buf *b, size_t *len);

/* ---- strings ----------------------------------------------------- */

/* malloc'd copy of n bytes plus a NUL; NULL on failure. */
char *str_ndup(const char *s, size_t n);
char *str_dup(const char *s);
/* True when s is NULL or only ASCII white space. */
bool str_blank(const char *s);
/* Copy with surrounding white space removed (malloc'd). */
char *str_trim_dup(const char *s, size_t n);
bool str_ends_with(const char *s, const char *suffix);

/* True when the bytes are well-formed UTF-8 (no overlongs, no
 * surrogates, nothing past U+10FFFF). */
bool utf8_valid(const uint8_t *p, size_t n);
/* Length of the longest prefix of at most `max` bytes that does not
 * split a code point (input assumed valid UTF-8). */
size_t utf8_clip(const uint8_t *p, size_t n, size_t max);

/* Appends code point `cp` as UTF-8; U+FFFD for what HTML5 does not
 * allow (NUL, surrogates, beyond U+10FFFF). (entity.c) */
enum status utf8_put(struct buf *out, uint32_t cp);

/* ---- base64 (base64.c, RFC 4648) --------------------------------- */

/* Decodes n characters of either alphabet, padding optional; *out is
 * malloc'd. False for a character outside the alphabets or no memory. */
bool base64_decode(const char *s, size_t n, uint8_t **out, size_t *out_len);
/* Characters of the padded standard encoding of n bytes. */
size_t base64_encoded_len(size_t n);
/* Writes base64_encoded_len(n) characters (no NUL) to out. */
void base64_encode(const uint8_t *p, size_t n, char *out);

/* ---- character references (entity.c) ------------------------------ */

/* The code point of one reference exactly as md4c reports it ("&name;",
 * "&#123;", "&#x1F;"; numbers past U+10FFFF give U+FFFD). False for a
 * name it does not know: the one table of the program. */
bool entity_codepoint(const char *e, size_t n, uint32_t *cp);
/* Appends the reference decoded, or as written when it is unknown. */
enum status entity_put(struct buf *out, const char *e, size_t n);

/* ---- files ------------------------------------------------------- */

/* Reads a whole file of at most `max` bytes; diag names the file. */
enum status file_read_all(const char *path, size_t max, uint8_t **data, size_t *len,
                          struct diag *d);
/*
 * Maps a whole file of at most `max` bytes read-only (PROT_READ,
 * MAP_PRIVATE); *sb gets its fstat. Only for files this program
 * replaces by rename (file_write_atomic) and never writes in place: a
 * rename leaves the mapped inode as it was, while a file cut short
 * under a mapping would kill the process (SIGBUS) when its lost pages
 * are touched. The bytes are not NUL-terminated; an empty file maps to
 * a zero-length span. Undo with file_unmap(*data, *len).
 */
struct stat;
enum status file_map_read(const char *path, size_t max, const uint8_t **data, size_t *len,
                          struct stat *sb, struct diag *d);
void file_unmap(const void *data, size_t len);
/* Writes through a temporary file in the same folder, then renames, so
 * readers never see half a file and a failure keeps the old one. */
enum status file_write_atomic(const char *path, const void *data, size_t len, struct diag *d);
/* mkdir -p */
enum status file_mkdirs(const char *path, struct diag *d);
bool file_exists(const char *path);
/* path_join into a buffer of TS_LIMIT_PATH; false when it would not fit. */
bool path_join(char *out, size_t outlen, const char *a, const char *b);

/* ---- libraries opened when first used (dynlib.c) ---------------- */

/*
 * A library opened by soname on first use. The user declares one with
 * DYNLIB_INIT; `bind` fills the user's table of functions (dynlib_bind
 * for each) and may start the library.
 */
enum dynlib_state { DYNLIB_UNTRIED, DYNLIB_READY, DYNLIB_FAILED };
struct dynlib {
    const char *soname;  /* "libcurl.so.4" */
    const char *package; /* the Debian package that provides it: "libcurl4" */
    const char *purpose; /* what needs it, for messages: "verify --fetch" */
    bool (*bind)(const struct dynlib *l, void *handle, struct diag *d);
    pthread_mutex_t lock;
    enum dynlib_state state;
    struct diag failure; /* when DYNLIB_FAILED: why, for every caller */
};
#define DYNLIB_INIT(soname_, package_, purpose_, bind_)                                            \
    {                                                                                              \
        .soname = (soname_), .package = (package_), .purpose = (purpose_), .bind = (bind_),        \
        .lock = PTHREAD_MUTEX_INITIALIZER                                                          \
    }
/*
 * Opens and binds l the first time it is asked (from any thread); true
 * when it is ready. Else false, and d (with `field`) says why: the
 * library, its Debian package and the purpose (ST_NOT_FOUND when it is
 * not installed or lacks a function). Never closed.
 */
bool dynlib_load(struct dynlib *l, const char *field, struct diag *d);
/*
 * *slot = the function `name` of l's handle h; false and ST_NOT_FOUND
 * in d when the library has none (an older version). Pass a typed
 * function pointer as (void **)&table.fn, POSIX's way of storing
 * dlsym's answer into one.
 */
bool dynlib_bind(const struct dynlib *l, void *h, const char *name, void **slot, struct diag *d);

/* ---- log --------------------------------------------------------- */

enum log_level { LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG };
void log_set_level(enum log_level lv);
enum log_level log_get_level(void);
void log_msg(enum log_level lv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_diag(enum log_level lv, const struct diag *d);
/* A tap sees every message that is logged, as the line stderr gets
 * (without its "error: " prefix), from whichever thread logs it, one
 * at a time; NULL removes it. `serve --watch` taps a rebuild to show
 * its errors in the open pages (src/watch/). log_set_tap returns once
 * no thread is still in the previous tap. */
typedef void (*log_tap_fn)(void *ud, enum log_level lv, const char *line);
void log_set_tap(log_tap_fn fn, void *ud);

#endif
