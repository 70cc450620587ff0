/*
 * internal.h — shared between the files of the site module only (never
 * included from outside src/site): the build's in-memory plan.
 */
#ifndef TS_SITE_INTERNAL_H
#define TS_SITE_INTERNAL_H

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/stat.h>

#include "c2pa/c2pa.h"
#include "html/html.h"
#include "image/image.h"
#include "meta/meta.h"
#include "site/site.h"
#include "story/story.h"

/* Length of the content key used in derivative names ("kim-01.3fa9c2d1e0-960.webp"):
 * 40 bits of SHA-256 is plenty to tell versions of one photo apart. */
#define SITE_KEY_SHORT 10

/* A sharing card's image should be at least this wide: what Facebook
 * and X ask for a large card (smaller ones show as a thumbnail). The
 * card takes the narrowest derivative that reaches it, else the widest
 * there is (the photo itself is narrower, or site.yaml's widths stop
 * short; docs/site.md "Sharing cards"). */
#define SITE_CARD_MIN_WIDTH 1200

/* Entries of a feed: the newest stories. A reader polls the feed again
 * and again; the whole archive in it would cost every subscriber the
 * whole site's text each time. */
#define SITE_FEED_ENTRIES 20

/* Stories on one page of a list (home, a tag, a place): 24 covers is a
 * page a reader scrolls, not one that loads a hundred images. */
#define SITE_LIST_PAGE 24

/* The most of the stat index or the build manifest a build reads: our
 * own files, about 240 and 380 bytes a photo, so TS_LIMIT_TEXT_BYTES
 * (16 MB) was passed at about 45,000 photos and a 100,000-photo no-op
 * read every photo and rendered every page. 1 GB is 2.5 million photos. */
#define SITE_INDEX_MAX_BYTES ((size_t)1 << 30)

/* Warnings of pages not rendered again (their inputs did not change)
 * said one by one on a rebuild; the rest are one line with their count.
 * A site of 10,000 photos each narrower than its largest width said
 * 10,000 lines on every no-op (10,000 writes, a third of its system
 * calls) that the first build had already said; a small site still
 * hears each of its few warnings, as a first build would say them. */
#define SITE_REPEATED_WARNINGS_SHOWN 10

/* What the stat index compares to know a photo unchanged (statindex.c). */
struct site_stat {
    uint64_t size, ino, dev;
    int64_t mtime_ns, ctime_ns;
};

struct site_photo {
    /* plan */
    char *src_path;  /* stories/<slug>/<file> */
    char *file;      /* as written in Markdown */
    char *story_slug;
    char *id;        /* unique within the story: slug of the file stem */
    unsigned line;   /* first reference in story.md */
    const struct story *story;
    size_t story_no; /* its story's index in site_build.stories */
    /* results, written by one worker */
    enum status status;
    struct diag *diag; /* why it failed (status not ST_OK), or NULL */
    struct photo_meta *meta;
    struct image_result result;
    char key[65];    /* sha256 hex of content + settings */
    json_t *credentials; /* what the Content Credentials panel shows, or NULL */
    char *original_name; /* the original as published (`originals:`), or NULL */
    bool cached;
    /* incremental builds (statindex.c) */
    struct site_stat stat; /* taken before the photo was read */
    bool have_stat;
    bool have_head;        /* its header is in the header cache */
    bool stat_hit;         /* content and header known from the index and cache */
    char content[65];      /* sha256 hex of the file's bytes */
    /* meta_pack of what meta_read returned, for the metadata cache
     * (metacache.c); NULL when the cache gave the metadata */
    char *meta_packed;
    size_t meta_packed_len;
    size_t bytes_read;     /* of the photo file by us (0 on the fast path) */
    /* its derivative index line (derivindex.c): the old index's, when
     * it still holds (deriv_old_len bytes, without the '\n'), else a
     * new one made from its cache entry (malloc'd), else neither */
    const char *deriv_old;
    size_t deriv_old_len;
    char *deriv_new;
    double seconds;
};

struct site_theme {
    struct html_template *layout, *index, *story, *figure, *page, *notfound, *credentials;
    struct html_template *license, *thanks; /* the inquiry form page, its confirmation */
    struct html_template *photo;            /* a photo's own page */
    struct html_template *terms, *publications; /* tags/, places/; publications/ */
    char *css;
    size_t css_len;
    char css_name[64]; /* style.<hash>.css */
    char *pow_js;      /* the inquiry form's proof-of-work script (site.yaml proof_of_work) */
    size_t pow_js_len;
    char pow_js_name[64]; /* pow.<hash>.js */
    char *viewer_js;      /* a story's full-screen photo viewer (story pages load it) */
    size_t viewer_js_len;
    char viewer_js_name[64]; /* viewer.<hash>.js */
};

/* One language of the site (site.yaml `languages:`; a site without
 * them has one, `language:`): where its pages are and what they say. */
struct site_lang {
    const char *tag; /* "ko" (the config's) */
    char dir[40];    /* its pages' folder under the root: "" for the default, "ko/" */
    json_t *msg;     /* the theme's messages.<tag>.yaml (else messages.en.yaml) */
    /* stories[i]: story i told in this language (stories/<slug>/story.<tag>.md),
     * or NULL; sha[i] the SHA-256 of its bytes. Unused for the default
     * language (site_build.stories). While this language's pages are
     * rendered, its translations and the originals trade places
     * (site_lang_swap), so every page type renders it unchanged. */
    struct story **stories;
    char (*sha)[65];
};

struct site_manifest; /* manifest.c */

/* A set of names with lookups in constant time, of borrowed pointers,
 * sized for `expected` names up front by site_name_set_init (names
 * past that are not added: callers count first). */
struct site_name_set {
    const char **slots;
    size_t cap, count;
};

/* The page warnings said this build, each once (manifest.c). A name is
 * a warning as the manifest writes it (escaped: one message, one text),
 * borrowed from the last build's manifest, which outlives the set, for
 * a page not rendered again (10,000 of them on a 10,000-photo no-op),
 * else a copy. */
struct site_warned_name {
    const char *text;
    size_t len;
    uint64_t hash; /* a growing table is not hashed again; a probe
                    * compares texts only when their hashes agree */
    bool owned;
};
struct site_warned {
    struct site_warned_name *slots;
    size_t cap, count;
};

/* What a page worker's pages would have said (pages.c), said by the
 * main thread in page order: a warning (`text` an escaped copy, owned),
 * one of a page not rendered again (`text` borrowed from the old
 * manifest, escaped) or an error (`diag`, the job's index). */
struct site_event {
    enum { SITE_EVENT_WARN, SITE_EVENT_AGAIN, SITE_EVENT_ERROR } kind;
    const char *text;
    size_t len;
    size_t diag;
};
struct site_events {
    struct site_event *v;
    size_t n, cap;
};

struct site_build {
    const struct site_build_options *opt;
    struct site_build_report *report;
    struct story_site *cfg;
    char out_dir[TS_LIMIT_PATH];
    /* out_dir opened while pages.c writes pages, for the one
     * stat of each page (manifest.c); 0 or less: none, paths are whole */
    int out_fd;
    char cache_dir[TS_LIMIT_PATH];
    struct image_settings image;
    struct meta_keep keep;
    char settings_fingerprint[65];
    /* site.yaml's signing_key, loaded: every JPEG and WebP derivative
     * gets a C2PA manifest. NULL: derivatives are not signed. */
    struct c2pa_signer *signer;
    struct c2pa_trust *trust; /* site.yaml `trust:` anchors, or NULL */
    struct story **stories;
    size_t n_stories;
    struct site_photo *photos;
    size_t n_photos;
    /* the plan holds each story's photos together, in story order:
     * story i's are photos[story_first[i] .. story_first[i + 1]) */
    size_t *story_first;
    struct site_theme theme;
    /* the card of pages without a photo of their own: the newest
     * story's cover (pages.c), or NULL */
    const struct site_photo *site_card;
    /* fingerprints (pages.c): the whole site's, and each story page's */
    char site_fp[65];
    char (*story_fp)[65];
    /* tags and places (page_terms.c): slug → {name, stories: [index
     * into the newest-first order]} */
    json_t *tags, *places;
    /* stat index of the last build (statindex.c), read-only during the
     * jobs; NULL when there was none of this version */
    struct site_stat_index *stat_index;
    struct site_meta_cache *meta_cache; /* metacache.c */
    struct site_deriv_index *deriv_index; /* derivindex.c, read-only during the jobs */
    /* stories/<slug>/story.md hashes, parallel to stories (build.c) */
    char (*story_sha)[65];
    /* stories that failed to load: their published files are kept */
    char **broken_slugs;
    size_t n_broken;
    /* build manifest (manifest.c): the last build's (NULL: none of
     * this version and output folder), this build's */
    struct site_manifest *manifest_old, *manifest_new;
    bool manifest_dirty;     /* a page written, failed or removed: manifest_new differs */
    char inputs_fp[65];      /* version, binary, site.yaml, theme files */
    char page_fp[65];        /* of the page being rendered, "" = none */
    json_t *page_warnings;   /* warnings its rendering logged */
    struct site_warned warned;  /* every page warning said this build, said once */
    unsigned warnings_repeated; /* of pages not rendered again (manifest.c) */
    /* a page worker's copy of the build (pages.c): its page warnings are
     * kept here, said by the main thread in page order; NULL: said now */
    struct site_events *warn_later;
    /* languages: langs[0] the default; `lang` the one whose pages are
     * being rendered */
    struct site_lang langs[TS_LIMIT_LANGUAGES];
    size_t n_langs;
    size_t lang;
    /* worker pool */
    pthread_mutex_t lock;
    size_t next_photo;
    size_t done_photos;
    size_t done_built;   /* photos encoded so far, for the ETA */
    double jobs_started; /* monotonic seconds */
    bool bar_shown;      /* a progress bar is on the terminal's last line */
    double bar_drawn;    /* when it was last drawn: at most 10 redraws a second */
};

/* build.c: every stories/<slug>/story.md that is not a draft (lint.c
 * reads the same stories the build publishes). */
enum status site_load_stories(struct site_build *b, struct diag *d);
void site_stories_free(struct site_build *b); /* what site_load_stories made */
/* One job per distinct photo of each story (plan.c). */
enum status site_plan_photos(struct site_build *b, struct diag *d);
/* site.yaml's images: and privacy: → b->image, b->keep and the settings
 * fingerprint (build.c; lint reads the widths from it too) */
void site_settings_from_config(struct site_build *b);

/* lang.c: the site's languages (docs/site.md "Languages") */
/* Fills b->langs from site.yaml and loads each story's translations
 * (story.<tag>.md; one that fails to load is reported and counted). */
void site_langs_init(struct site_build *b);
enum status site_load_translations(struct site_build *b, size_t story, struct diag *d);
void site_langs_free(struct site_build *b);
/* Puts language `l`'s translations in the place of the stories (and
 * the photos' story pointers); a second call puts them back. */
void site_lang_swap(struct site_build *b, size_t l);
/* The current language's tag and page folder ("" or "ko/"). */
const char *site_lang_tag(const struct site_build *b);
const char *site_lang_dir(const struct site_build *b);
/* Bit l set: story `story` has a page in language l (bit 0 always). */
unsigned site_story_versions(const struct site_build *b, size_t story);
/* Bit l set: some story is told in language l (its home page exists). */
unsigned site_home_versions(const struct site_build *b);
/* The lang attribute for text in `text_lang` on a page in `page_lang`:
 * NULL when they are one language (primary subtags compared). */
const char *site_lang_attr(const char *text_lang, const char *page_lang);
/* A message of the current language's catalogue ("" when the theme has none). */
const char *site_msg(const struct site_build *b, const char *key);
/* The message `key` with {n} and {count} replaced by the numbers, in
 * the order its language says them ("Photo {n} of {count} in"); malloc'd. */
char *site_msg_numbers(const struct site_build *b, const char *key, size_t n, size_t count);
/* Loads messages.<tag>.yaml of the theme for every language. */
enum status site_messages_load(struct site_build *b, struct diag *d);
/* A photo's text in `lang`: the Lang Alt entry for it, else x-default,
 * else another language, else `plain` (IPTC IIM, or XMP that is no
 * Lang Alt). *text_lang: the language it is in (x-default and plain
 * count as the site's default language). */
const char *site_photo_text(const struct site_build *b, const struct meta_lang_alt *alt,
                            const char *plain, const char *lang, const char **text_lang);

/* theme.c */
enum status site_theme_load(struct site_build *b, struct diag *d);
void site_theme_free(struct site_theme *t);
enum status site_render(struct site_build *b, const struct html_template *t, json_t *ctx,
                        struct buf *out, struct diag *d);

/* photos.c */
enum status site_photos_run(struct site_build *b, struct diag *d);
/* The photo `file` of story number `story` (SIZE_MAX: a page of pages/,
 * which has none), or NULL; looks at that story's photos only. */
const struct site_photo *site_photo_find(const struct site_build *b, size_t story,
                                         const char *file);

/* credentials.c */
/* `sidecar`: the bytes of the asset's ".c2pa" sidecar, or an empty span;
 * read only when the asset has no store of its own (C2PA §11.4). */
json_t *site_credentials_of(struct span asset, const char *name, struct span sidecar,
                            const struct c2pa_trust *trust);
enum status site_credentials_make(const struct site_build *b, const struct site_photo *p,
                                  struct span original, struct span sidecar, json_t **out,
                                  struct diag *d);
enum status site_credentials_results(const struct c2pa_report *r, struct c2pa_sign_results *out);
void site_credentials_results_free(struct c2pa_sign_results *r);
/* statindex.c */
void site_stat_from(const struct stat *sb, struct site_stat *out);
/* <site>/.tearsheet/<name>: where the build's own files are kept */
bool site_state_path(const struct site_build *b, const char *name, char *out, size_t outlen);
void site_stat_index_load(struct site_build *b);
void site_stat_index_free(struct site_build *b);
bool site_stat_index_lookup(const struct site_build *b, const struct site_photo *p,
                            char content[65]);
enum status site_stat_index_save(struct site_build *b, struct diag *d);
/* One of the line files of .tearsheet (the stat index, the metadata
 * cache, the build manifest, the derivative index), mapped read-only
 * (*sb: its fstat); false when it is missing or cannot be read. Release
 * with site_index_unmap. */
bool site_index_map(const char *path, const char **text, size_t *len, struct stat *sb);
void site_index_unmap(const char *text, size_t len);
/* Those files end with "end <count> <site_name_hash of every byte
 * before it, 16 hex>\n":
 * where that line starts, or NULL when it is missing or does not match
 * the bytes before it (a file cut short or changed). */
const char *site_index_end(const char *text, size_t len, size_t *count);
/* The same, for a file whose count is of the lines from `start` (after
 * its first line) up to "end": NULL when there are not that many. */
const char *site_index_lines(const char *text, size_t len, const char *start, size_t *lines);
/* A decimal number up to `sep`, which is passed; the cursor moves only
 * on success. One that does not fit 64 bits (63 with a sign) is no
 * number. */
bool site_take_number(const char **p, const char *end, char sep, bool may_be_negative,
                      uint64_t *out, bool *negative);
/* A signed decimal number followed by a space, as site_take_number. */
bool site_take_i64(const char **p, const char *end, int64_t *out);
/* Caches the photo's header (segments up to SOS) under its content hash;
 * false for a file that is not a clean JPEG (it is then always read). */
bool site_head_save(const struct site_build *b, const char *content, const uint8_t *data,
                    size_t len);
enum status site_head_load(const struct site_build *b, const char *content, uint8_t **data,
                           size_t *len);

/* metacache.c: each photo's metadata as meta_read gave it, by content
 * hash, so an unchanged photo is not read again. */
void site_meta_cache_load(struct site_build *b);
void site_meta_cache_free(struct site_build *b);
/* The metadata of the photo whose bytes hash to `content`: owned by the
 * caller; false when the cache does not have it. */
bool site_meta_cache_lookup(const struct site_build *b, const char *content,
                            struct photo_meta **out);
/* Written from the photos built, so deleted photos leave it. */
enum status site_meta_cache_save(struct site_build *b, struct diag *d);

/* derivindex.c: each derivative cache entry's outputs, so a no-op
 * opens no cache manifest.json (docs/performance.md). */
void site_deriv_index_load(struct site_build *b);
void site_deriv_index_free(struct site_build *b);
/* The entry of p->key: p->result (outputs' paths in the cache folder
 * `dir`), p->credentials, p->deriv_old, and each output's cache file
 * (inode, device) in ids; false when the index does not have it. */
bool site_deriv_index_lookup(const struct site_build *b, struct site_photo *p, const char *dir,
                             struct stat *ids, size_t max_ids);
/* p->deriv_new from p->result (outputs' paths still in the cache
 * folder) and their cache files' stats; not ST_OK: p is not indexed. */
enum status site_deriv_line_make(struct site_photo *p, const struct stat *ids);
/* Written from the photos built, so deleted photos leave it; a no-op
 * writes nothing. */
enum status site_deriv_index_save(struct site_build *b, struct diag *d);

/* folderlist.c: a folder's entries, read once, by name. A folder whose
 * records would pass this (about 280,000 entries) is not listed: its
 * names are stat'ed one by one, as before, rather than held in memory. */
#define SITE_FOLDER_LIST_MAX_BYTES (16u << 20)
struct site_folder_list {
    char *buf; /* getdents64's records, as it wrote them */
    size_t buf_cap;
    struct site_folder_slot {
        uint32_t off_plus1; /* the record's offset in buf + 1; 0: empty */
        uint32_t hash;      /* the high half of the name's hash */
    } *slots;
    size_t slots_cap, mask, n;
    uint64_t dev; /* the folder's device (its entries are on it) */
    bool valid;
};
enum site_folder_hit {
    SITE_FOLDER_SAME,  /* a regular file with that inode on that device */
    SITE_FOLDER_OTHER, /* no such name, or another file, or not a regular file */
    SITE_FOLDER_ASK,   /* not known from the listing (DT_UNKNOWN, none read): stat it */
};
/* Reads the open folder fd from its current position to its end (buf
 * and slots are reused from the last folder); false: not listed. */
bool site_folder_list_read(struct site_folder_list *l, int fd);
enum site_folder_hit site_folder_list_find(const struct site_folder_list *l, const char *name,
                                           uint64_t ino, uint64_t dev);
void site_folder_list_free(struct site_folder_list *l);

/* manifest.c: the build manifest, .tearsheet/build-manifest — each
 * page's input fingerprint and the files each story published, so
 * unchanged pages are not rendered and a deleted story's files are
 * removed. */
void site_manifest_begin(struct site_build *b);
/* Its two halves, as build.c calls them: start (this build's empty
 * manifest and the inputs' fingerprint; before the theme is loaded)
 * and load (the last build's file, read and checked; it touches only
 * manifest_old, so it may run on another thread while the stories
 * load). */
void site_manifest_start(struct site_build *b);
void site_manifest_load(struct site_build *b);
/* An empty manifest (a page worker's records), and its end. */
struct site_manifest *site_manifest_new(void);
void site_manifest_free(struct site_manifest *m);
/* Appends page records [first, end) of `from` to `into` (they leave
 * `from`); false when some were lost (out of memory: those pages are
 * rendered again). */
bool site_manifest_take(struct site_manifest *into, struct site_manifest *from, size_t first,
                        size_t end);
size_t site_manifest_pages(const struct site_manifest *m); /* how many page records */
bool site_page_fresh(struct site_build *b, const char *rel, const char *fp);
void site_page_begin(struct site_build *b, const char *fp);
void site_page_warn(struct site_build *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void site_page_written(struct site_build *b, const char *rel);
/* A page warning said once a build (counted), or kept in warn_later. */
void site_warn_once(struct site_build *b, const char *msg);
/* The same for a warning of a page not rendered again, `len` bytes of
 * its manifest's text (escaped, not NUL-terminated), which must outlive
 * the build's warned set: said one by one up to
 * SITE_REPEATED_WARNINGS_SHOWN, then counted in one line. Kept in
 * warn_later as a SITE_EVENT_AGAIN pointing at the same text. */
void site_warn_again(struct site_build *b, const char *esc, size_t len);
/* A worker's warning event said on the main thread (a
 * SITE_EVENT_WARN's copy is taken: e->text is NULL after). */
void site_warn_event(struct site_build *b, struct site_event *e);
/* One more event (false: out of memory, nothing kept; a
 * SITE_EVENT_WARN's text is then freed), and all of them freed. */
bool site_events_push(struct site_events *ev, struct site_event e);
void site_events_free(struct site_events *ev);
void site_warned_free(struct site_warned *w);
/* A page that could not be rendered keeps its published file. */
void site_page_failed(struct site_build *b, const char *rel);
void site_manifest_finish(struct site_build *b);
/* The line that counts the repeated warnings not said one by one. */
void site_repeated_warnings_summary(const struct site_build *b);
/* cachegc.c: removes cache entries this build did not use once they are
 * old enough (docs/performance.md "Incremental builds"). */
void site_cache_gc(struct site_build *b);

/* prune.c: removes derivatives of photos that are gone or changed
 * and old stylesheets and scripts (only names we make); linear in the
 * files of the output. */
void site_prune_outputs(struct site_build *b);

/* fingerprint.c: what each page is made from (see the file's comment).
 * `g` is site_fp_site's: every page depends on it. */
void site_fp_site(const struct site_build *b, json_t *nav, char out[65]);
void site_fp_story(const struct site_build *b, const char *g, size_t story, char out[65]);
void site_fp_form(const struct site_build *b, const char *g, const struct site_photo *p,
                  char out[65]);
/* A page of the whole site (home, 404...): `extra` is what else it
 * shows (the home page: every story page's fingerprint). */
/* the page of photo number `i` of the plan */
void site_fp_photo(const struct site_build *b, const char *g, size_t i, char out[65]);
void site_fp_page(const struct site_build *b, const char *rel, const char *g, const char *extra,
                  char out[65]);

/* pages.c: every page, in order */
enum status site_pages_write(struct site_build *b, struct diag *d);

/* layout.c: the layout around a page's content, and context helpers.
 * An absent or blank value sets nothing (site_set_or_null: null, so a
 * list item does not take its parent's value in Mustache). */
void site_set_str(json_t *o, const char *key, const char *value);
void site_set_url(json_t *o, const char *key, const char *value);
void site_set_or_null(json_t *o, const char *key, const char *value);
const char *site_pick_str(const char *a, const char *b); /* a unless blank */
struct site_page {
    const char *rel;         /* in the output: "<slug>/index.html" */
    const char *root;        /* from the page to the site root: "../" */
    const char *title;       /* NULL: the site's */
    const char *lang;        /* NULL: the site's */
    const char *description; /* NULL: none (the card says the site's) */
    const char *content;     /* HTML, rendered by a template */
    const char *jsonld;      /* escaped for <script>, or NULL */
    bool article;            /* og:type article (a story, a photo), else website */
    const char *published;   /* article:published_time, ISO 8601 */
    const struct site_photo *card; /* the card's photo; NULL: the site's card */
    const char *feed_dir;    /* a tag's feeds ("tags/<slug>/") besides the site's */
    const char *feed_title;
    /* bit l: the page exists in language l too, at the same path under
     * its folder (hreflang alternates, the language switcher); 0 = none */
    unsigned versions;
    const char *same; /* that path without the language folder: "<slug>/" */
};
enum status site_write_page(struct site_build *b, const struct site_page *pg, json_t *pages,
                            struct diag *d);
/* base_url + rel, when base_url is absolute (http/https); else false. */
bool site_abs_url(const struct site_build *b, const char *rel, char *out, size_t outlen);
/* The derivative a sharing card shows (see SITE_CARD_MIN_WIDTH). */
const struct image_output *site_output_card(const struct site_photo *p);
char *site_jsonld_text(json_t *doc); /* JSON for a <script>, escaped; malloc'd */

/* figure.c: a photo as a <figure> (md4c's image callback of
 * html_markdown), and what the other pages say of a photo */
struct site_figure_ctx {
    struct site_build *b;
    const struct story *story;
    size_t story_no;    /* the story's index, SIZE_MAX for pages/ */
    const char *root;   /* from the page to the site root: "../" */
    const char *prefix; /* from the page to the story folder: "" or "<slug>/" */
    const char *photo_prefix; /* from the page to its photos' pages; NULL: prefix */
    const char *lang;
    unsigned figures;   /* figures written so far on this page */
    bool captions;
    bool link_photos;   /* the photo links to its own page (a story page) */
    bool quiet;         /* its warnings were given on the story page already */
    bool no_pin;        /* a feed: no stylesheet to lay the credentials pin over the photo */
    const char *sizes;  /* the layout width for `sizes` ("100vw"); NULL: the theme's column.
                         * Either is capped at the largest derivative's width */
};
enum status site_figure(void *ud, const char *src, const char *alt, const char *title,
                        bool inline_image, struct buf *out);
const char *site_photo_creator(const struct photo_meta *m);
const char *site_photo_headline(const struct site_photo *p);
/* In `lang`: its Title's Lang Alt entry for `lang` when it is not the
 * site's default language, else site_photo_headline; *text_lang says which. */
const char *site_photo_headline_in(const struct site_build *b, const struct site_photo *p,
                                   const char *lang, const char **text_lang);
const char *site_photo_alt(const struct site_photo *p, const char *md_alt, const char *lang);
/* The largest of the site's `widths` a photo `width` px wide reaches
 * (its own width when narrower than all, as image.c makes it), and the
 * largest of them in *site_max. */
unsigned site_width_reached(const unsigned *widths, size_t n, unsigned width, unsigned *site_max);
/* What the build and lint say of an original narrower than the site's
 * largest width: the width it reaches and that the pages stop there. */
void site_small_original_text(unsigned width, unsigned reached, unsigned site_max, char *out,
                              size_t outlen);
const struct image_output *site_output_largest(const struct site_photo *p);
const struct image_output *site_output_thumbnail(const struct site_photo *p);
const char *site_base_name(const char *path);
/* A story's cover: front matter `cover:`, else its first photo; the
 * file as written, and the photo when it was built (else NULL). */
const char *site_story_cover_file(const struct story *s);
const struct site_photo *site_story_cover(const struct site_build *b, size_t story);

/* jsonld.c: schema.org ImageObject of a photo (NULL without a
 * derivative), and those of every built photo of story number `story` */
json_t *site_image_object(const struct site_build *b, const struct site_photo *p);
json_t *site_story_images(const struct site_build *b, size_t story);

/* A story and its index in site_build.stories, for sorted lists. */
struct site_story_ref {
    const struct story *s;
    size_t no;
};

/* page_*.c, sitemap.c, api_photos.c: one file per page type. `pages`
 * is the navigation (pages/ titles). */
enum status site_render_story(struct site_build *b, size_t story, json_t *pages, struct diag *d);
enum status site_render_home(struct site_build *b, json_t *pages, struct diag *d);
/* A paginated list of stories (page_home.c): DIR index.html, then
 * DIR page/K/index.html, each page skipped when fresh. */
struct site_list {
    const char *dir;     /* "" (home) or "tags/<slug>/" */
    const char *heading; /* NULL: the home page */
    const char *kind;    /* "Tag", "Place": said above the heading */
    const struct site_story_ref *refs; /* newest first */
    size_t n;
    bool feed; /* DIR has its own feeds */
};
enum status site_render_story_list(struct site_build *b, const struct site_list *l, json_t *pages,
                                   struct diag *d);
void site_form_fields(const struct site_build *b, json_t *ctx, const char *root,
                      const char *photo_id, const char *email);
enum status site_render_license_form(struct site_build *b, const struct site_photo *p,
                                     json_t *pages, struct diag *d);
enum status site_render_thanks(struct site_build *b, json_t *pages, struct diag *d);
/* <slug>/<photo-id>/index.html: photo number `i` of the plan */
enum status site_render_photo_page(struct site_build *b, size_t i, json_t *pages,
                                   struct diag *d);
/* pages/NAME.md: with write false, lists their titles in `nav_list`;
 * with write true, renders each (failures reported and counted). */
void site_render_text_pages(struct site_build *b, json_t *nav_list, bool write);
enum status site_render_404(struct site_build *b, json_t *pages, struct diag *d);
enum status site_render_credentials(struct site_build *b, json_t *pages, struct diag *d);
/* feeds.c: DIR "" (the site) or "tags/<slug>/"; `stories` newest first */
enum status site_write_feeds(struct site_build *b, const char *dir, const char *title,
                             const size_t *stories, size_t n, struct diag *d);
/* page_home.c: every story, newest first (malloc'd; NULL when out of memory) */
struct site_story_ref *site_stories_newest_first(const struct site_build *b);
/* page_terms.c: collects tags and places from `sorted` (newest first),
 * then writes their pages, indexes and tag feeds */
void site_terms_collect(struct site_build *b, const struct site_story_ref *sorted);
enum status site_terms_write(struct site_build *b, const struct site_story_ref *sorted,
                             json_t *pages, json_t *more, struct diag *d);
/* page_story.c: a story's `publications:` for a template (each key
 * null when absent, so a list item never shows its parent's) */
json_t *site_publications_json(const struct story *s);
/* page_publications.c: publications/, when any story has publications */
enum status site_render_publications(struct site_build *b, const struct site_story_ref *sorted,
                                     json_t *pages, struct diag *d);
enum status site_write_robots(struct site_build *b, struct diag *d);
/*
 * A file of the output made ahead of the moment it is written:
 * api/photos.json and sitemap.xml are made (and compared with the files
 * in place) on a page worker while the photo pages are checked, as they
 * only read the build, and written where pages.c always wrote them
 * (site_made_write), so the files and messages are in the same order.
 */
struct site_made {
    const char *rel; /* its path in the output folder */
    struct buf data;
    bool same;      /* the file in place holds exactly `data` */
    enum status st; /* not ST_OK: making it failed, as `d` says */
    struct diag d;
};
/* sitemap.c: `pages` and `more` list further pages ({"href": ...}) */
/* `parts` (NULL-ended) joined into `out` as snprintf("%s%s…") would
 * join them, cut to `size` - 1 bytes */
const char *site_join(char *out, size_t size, const char *const *parts);
void site_make_sitemap(const struct site_build *b, json_t *pages, json_t *more,
                       struct site_made *m);
/* api_photos.c */
void site_make_photos_json(const struct site_build *b, struct site_made *m);
/* pages.c: `m` written unless the file in place holds it (then freed) */
enum status site_made_write(struct site_build *b, struct site_made *m, struct diag *d);

/* util.c */
void site_slugify(const char *in, char *out, size_t outlen);
/* The folder of a tag or place: ASCII letters and digits lowercased,
 * letters of other scripts kept as UTF-8 ("서울", "são-paulo"), anything
 * else one "-"; the same name always gives the same slug. URLs carry it
 * percent-encoded (site_abs_url; the templates' links). Never '/', '.',
 * a space or a control; "t-<10 hex>" for a name of punctuation only. */
void site_term_slug(const char *in, char *out, size_t outlen);
void site_sha256_hex(const void *p, size_t n, char out[65]);
void site_digest_hex(const uint8_t md[32], char out[65]); /* 64 lowercase hex digits */
/* signer.c: the signing identity, its checks and the time-stamp
 * authority, before any photo (ST_CONFIG with the reason). */
enum status site_load_signer(struct site_build *b, struct diag *d);
void site_sha256(const void *p, size_t n, uint8_t out[32]); /* zeros if OpenSSL fails */
void site_human_date(const char *iso, char *out, size_t outlen);
/* The same, written the way `lang` writes dates ("2022년 1월 27일"). */
void site_human_date_in(const char *iso, const char *lang, char *out, size_t outlen);
/* Writes `data` to `path` unless the file already holds exactly it;
 * makes parent folders. */
enum status site_write_if_changed(const char *path, const void *data, size_t len,
                                  struct diag *d);
/* Whether the regular file at `path` holds exactly those bytes. */
bool site_file_same(const char *path, const void *data, size_t len);
/* Makes the folder `path` is in (and its parents). */
enum status site_mkdirs_parent(const char *path, struct diag *d);
bool site_url_is_safe(const char *url);
/* The absolute address of a photo's licence-inquiry form,
 * <base_url>license/<slug>/<id>/; false when it does not fit. */
/* The slots of an open-addressing table of `n` entries (entry index + 1,
 * 0 = empty), a power of two at least twice n, so a probe always ends
 * at an empty slot; and an entry's index put in the first free slot
 * from its hash. For the in-place line files (statindex.c,
 * metacache.c). */
size_t *site_slots_new(size_t n, size_t *cap);
void site_slots_put(size_t *slots, size_t cap, uint64_t hash, size_t index);
/* A 64-bit hash of n bytes, a word at a time, for the tables and the
 * line files' end lines: any one word changed changes it (util.c). */
uint64_t site_name_hash(const char *s, size_t n);
bool site_name_set_init(struct site_name_set *set, size_t expected);
void site_name_set_add(struct site_name_set *set, const char *name);
bool site_name_set_has(const struct site_name_set *set, const char *name);
void site_name_set_free(struct site_name_set *set);
bool site_form_url(const struct site_build *b, const struct site_photo *p, char *out,
                   size_t outlen);

#endif
