/*
 * fingerprint.c — the input fingerprint of each page (docs/performance.md
 * "Incremental builds"): a hash of everything the page is made from, so
 * the build manifest (manifest.c) can skip rendering a page whose inputs
 * did not change.
 *
 * Each field goes straight into an incremental SHA-256 with its length
 * in front (numbers as 8 bytes), so no two different lists of fields
 * hash the same bytes (a file name with a space in it cannot pass for
 * two fields) and nothing is printed into a buffer first: a no-op
 * rebuild at 10,000 photos computes 20,000 of these, and printing them
 * as lines was a quarter of the page workers' time.
 *
 * Must never: leave out an input a page shows (the page would go stale)
 * or hash something that changes on every build (no page would ever be
 * skipped).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* SHA256_Init/Update/Final: OpenSSL 3 deprecates them for EVP, but
 * EVP_DigestInit_ex makes and frees a provider context on every call
 * (one malloc) and costs ≈ 1 µs of dispatch for a 300-byte input, four
 * times the hash itself; these run the same SHA-NI code on a context
 * on the stack. */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>

#include "site/internal.h"

/* A fingerprint being made. */
struct fp {
    SHA256_CTX c;
};

static void fp_bytes(struct fp *f, const void *p, size_t n)
{
    uint8_t len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (uint8_t)((uint64_t)n >> (8 * i));
    SHA256_Update(&f->c, len, sizeof len);
    SHA256_Update(&f->c, p, n);
}

/* NULL is told apart from "": its length is all ones */
static void fp_str(struct fp *f, const char *s)
{
    static const uint8_t none[8] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    if (s)
        fp_bytes(f, s, strlen(s));
    else
        SHA256_Update(&f->c, none, sizeof none);
}

static void fp_u64(struct fp *f, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    SHA256_Update(&f->c, b, sizeof b);
}

/* `what` names the kind of fingerprint, so two kinds never share one */
static void fp_begin(struct fp *f, const char *what)
{
    SHA256_Init(&f->c);
    fp_str(f, what);
}

static void fp_end(struct fp *f, char out[65])
{
    uint8_t md[32];
    SHA256_Final(md, &f->c);
    site_digest_hex(md, out);
}

/* Deeper than any panel credentials.c makes; a deeper tree (a damaged
 * cache entry) is hashed as its text instead, still in full. */
#define FP_JSON_DEPTH 32

/*
 * A JSON value, walked: its type, then its contents, each with its
 * length (an object's keys in their stored order: a reordered entry
 * costs one render, never a stale page). json_dumps did the same with a
 * malloc of the text per photo and page.
 */
static void fp_json(struct fp *f, const json_t *v, unsigned depth)
{
    fp_u64(f, v ? (uint64_t)json_typeof(v) : UINT64_MAX);
    if (!v)
        return;
    if (depth >= FP_JSON_DEPTH && (json_is_object(v) || json_is_array(v))) {
        char *text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        fp_str(f, text ? text : "?");
        free(text);
        return;
    }
    switch (json_typeof(v)) {
    case JSON_OBJECT: {
        const char *k;
        json_t *e;
        fp_u64(f, json_object_size(v));
        json_object_foreach((json_t *)v, k, e)
        {
            fp_str(f, k);
            fp_json(f, e, depth + 1);
        }
        break;
    }
    case JSON_ARRAY:
        fp_u64(f, json_array_size(v));
        for (size_t i = 0; i < json_array_size(v); i++)
            fp_json(f, json_array_get(v, i), depth + 1);
        break;
    case JSON_STRING:
        fp_bytes(f, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        fp_u64(f, (uint64_t)json_integer_value(v));
        break;
    case JSON_REAL: {
        double r = json_real_value(v);
        uint64_t bits;
        memcpy(&bits, &r, sizeof bits);
        fp_u64(f, bits);
        break;
    }
    default: /* true, false, null: the type says it */
        break;
    }
}

/*
 * Fingerprints of what a story page and a licence form page are made
 * from, so an unchanged one is not rendered again (manifest.c). `g`
 * covers the whole site: the binary, site.yaml, the theme, the
 * derivative settings and the navigation. Per story: the bytes of its
 * story.md as parsed. Per photo: its key (content, settings, rights),
 * id, file and status, the original's published name, and what its
 * page shows of the derivatives and credentials (taken from the cache
 * entry of that key). A photo's
 * metadata is a function of its content and the settings (the reader
 * is part of the binary) plus the rights defaults from story.md and
 * site.yaml, so the key and the hashes above cover it.
 */
static void photo_inputs(struct fp *f, const struct site_photo *p)
{
    fp_str(f, "photo");
    fp_str(f, p->id);
    fp_str(f, p->file);
    fp_u64(f, (uint64_t)p->status);
    fp_str(f, p->key);
    fp_str(f, p->original_name);
    fp_u64(f, p->result.width);
    fp_u64(f, p->result.height);
    fp_bytes(f, p->result.dominant_rgb, sizeof p->result.dominant_rgb);
    size_t n = p->status == ST_OK ? p->result.n_outputs : 0;
    fp_u64(f, n);
    for (size_t i = 0; i < n; i++) {
        const struct image_output *o = &p->result.outputs[i];
        fp_u64(f, (uint64_t)o->format);
        fp_u64(f, o->width);
        fp_u64(f, o->height);
        fp_str(f, site_base_name(o->path));
    }
    fp_json(f, p->credentials, 0);
}

/* Once a build (and once a language): the navigation is the same on
 * every page, so it is hashed here, into `g`, and nowhere else. */
void site_fp_site(const struct site_build *b, json_t *nav, char out[65])
{
    struct fp f;
    fp_begin(&f, "site");
    fp_str(&f, b->inputs_fp);
    fp_str(&f, b->settings_fingerprint);
    fp_json(&f, nav, 0);
    fp_end(&f, out);
}

/* the languages a story is told in: its pages' hreflang links and
 * switcher */
static void versions(struct fp *f, const struct site_build *b, size_t story)
{
    fp_u64(f, b->n_langs > 1 ? site_story_versions(b, story) : 0);
}

void site_fp_story(const struct site_build *b, const char *g, size_t story, char out[65])
{
    const struct story *s = b->stories[story];
    struct fp f;
    fp_begin(&f, "story");
    fp_str(&f, g);
    fp_str(&f, s->slug);
    fp_str(&f, b->story_sha[story]);
    versions(&f, b, story);
    fp_u64(&f, b->story_first[story + 1] - b->story_first[story]);
    for (size_t i = b->story_first[story]; i < b->story_first[story + 1]; i++)
        photo_inputs(&f, &b->photos[i]);
    fp_end(&f, out);
}

/* The built photo next to photo `i` in its story (dir -1 or +1), as
 * page_photo.c links it, or NULL. */
static const struct site_photo *built_neighbour(const struct site_build *b, size_t i, int dir)
{
    size_t first = b->story_first[b->photos[i].story_no];
    size_t end = b->story_first[b->photos[i].story_no + 1];
    for (size_t k = i; dir < 0 ? k > first : k + 1 < end;) {
        k = dir < 0 ? k - 1 : k + 1;
        if (b->photos[k].status == ST_OK)
            return &b->photos[k];
    }
    return NULL;
}

/*
 * A photo's own page shows, of its story's other photos, "Photo N of M"
 * (counted over the built ones) and the links and headlines of the
 * built photos before and after it: those numbers and the two
 * neighbours' ids and keys (a headline is metadata, so the key covers
 * it). A photo replaced renders its own page and its neighbours', not
 * the story's; hashing only these keeps each page's fingerprint the
 * same size however long its story is (the list of every photo of the
 * story, hashed for each of its pages, grew with the square of it).
 */
void site_fp_photo(const struct site_build *b, const char *g, size_t i, char out[65])
{
    const struct site_photo *p = &b->photos[i];
    size_t number = 0, count = 0;
    for (size_t k = b->story_first[p->story_no]; k < b->story_first[p->story_no + 1]; k++) {
        if (b->photos[k].status != ST_OK)
            continue;
        count++;
        if (k == i)
            number = count;
    }
    struct fp f;
    fp_begin(&f, "photo-page");
    fp_str(&f, g);
    fp_str(&f, p->story_slug);
    fp_str(&f, b->story_sha[p->story_no]);
    versions(&f, b, p->story_no);
    photo_inputs(&f, p);
    fp_u64(&f, number);
    fp_u64(&f, count);
    for (int dir = -1; dir <= 1; dir += 2) {
        const struct site_photo *n = built_neighbour(b, i, dir);
        fp_str(&f, n ? n->id : NULL);
        fp_str(&f, n ? n->key : NULL);
    }
    fp_end(&f, out);
}

void site_fp_form(const struct site_build *b, const char *g, const struct site_photo *p,
                  char out[65])
{
    struct fp f;
    fp_begin(&f, "form");
    fp_str(&f, g);
    fp_str(&f, p->story_slug);
    fp_str(&f, b->story_sha[p->story_no]);
    photo_inputs(&f, p);
    fp_end(&f, out);
}

/* The fingerprint of a site-wide page: its name, `g`, and `extra` (the
 * index: the fingerprints of every story page, for its covers). */
void site_fp_page(const struct site_build *b, const char *rel, const char *g, const char *extra,
                  char out[65])
{
    struct fp f;
    fp_begin(&f, "page");
    fp_str(&f, rel);
    fp_str(&f, g);
    fp_str(&f, extra);
    fp_u64(&f, b->n_langs > 1 ? site_home_versions(b) : 0);
    /* it shows the site's card (the newest story's cover): not part of
     * `g`, so a new story does not make every story page stale */
    const struct site_photo *c = b->site_card;
    const struct image_output *o = c ? site_output_card(c) : NULL;
    fp_u64(&f, o != NULL);
    if (o) { /* alt: from story.md */
        fp_str(&f, c->story_slug);
        fp_str(&f, b->story_sha[c->story_no]);
        fp_str(&f, c->key);
        fp_str(&f, site_base_name(o->path));
        fp_u64(&f, o->width);
        fp_u64(&f, o->height);
    }
    fp_end(&f, out);
}
