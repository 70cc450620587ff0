/*
 * story.h — the one header of the story module: site.yaml and each
 * stories/<slug>/story.md (YAML front matter read with libyaml, then a
 * Markdown body scanned with md4c) into plain structs.
 *
 * Must never: produce HTML (src/html does), touch photos' bytes, or
 * accept a YAML alias/anchor bomb (aliases are refused).
 */
#ifndef TS_STORY_H
#define TS_STORY_H

#include <stdbool.h>
#include <stddef.h>

#include "base/base.h"

/* Rights defaults (site.yaml `license:`), overridable per story and per
 * photo; a value embedded in the photo by the photographer wins. */
struct story_license {
    char *web_statement;  /* URL of the terms */
    char *licensor_url;   /* where to ask for a licence */
    char *licensor_email;
    char *credit_line;
    char *copyright;      /* template: "© {year} {creator}" */
    char *usage_terms;
};

struct story_site {
    char *dir;       /* the site folder as given */
    char *title;
    char *author;
    char *base_url;  /* "https://example.com/" (always ends in '/') */
    char *language;  /* BCP 47, default "en"; languages[0] when those are given */
    /* site.yaml `languages: [en, ko]`: the site in each, the first the
     * default (pages at the root), the others under /<tag>/ where a
     * story has a translation (story.<tag>.md). None: one language. */
    char *languages[TS_LIMIT_LANGUAGES];
    size_t n_languages;
    char *description;
    char *theme;     /* folder under themes/, NULL = built-in default */
    char *iim_charset; /* legacy charset for undeclared IIM; NULL = CP949 when the bytes look Korean, else CP1252 */
    struct story_license license;
    unsigned widths[16];
    size_t n_widths;
    bool format_jpeg, format_webp, format_avif;
    int jpeg_quality, webp_quality, webp_effort, avif_quality, avif_effort;
    char *signing_key; /* path (a relative one is joined to dir), NULL = do not sign */
    /* site.yaml `signing:` (docs/c2pa-sign.md): the photographer's own
     * identity — key + chain (PEM) or pkcs12 — with the password's
     * file or environment variable (never the password itself), and a
     * time-stamp authority. Paths are joined to dir like signing_key. */
    struct story_signing {
        char *key, *chain, *pkcs12;
        char *password_file, *password_env;
        char *tsa_url;
    } signing;
    /* added by the story module: */
    unsigned n_warnings; /* unknown keys logged while loading (typos) */
    char *notify;        /* command run per new inquiry (main.c hands it to serve) */
    char *trust;         /* PEM bundle of C2PA trust anchors for the credentials panels */
    /* What derivatives keep (site.yaml `privacy:`), a mask of
     * STORY_KEEP_*. The rights core (creator, credit line, copyright
     * notice, web statement, licensor URL) is always kept. */
    unsigned privacy_keep;
    char *privacy; /* "default", "minimal" or "keep" (a list was given) */
    int proof_of_work; /* bits of proof of work the inquiry forms compute (0 = off; main.c hands it to serve) */
    /* The inquiry store (main.c hands them to serve, docs/deploy.md):
     * NULL or "sqlite", or a postgresql:// URI without password; the
     * password's file, joined to dir when relative. */
    char *store;
    char *store_password_file;
};

/* Fields a derivative may keep beyond the rights core (site.yaml
 * `privacy: {keep: [...]}` names, docs/story.md). */
enum story_keep {
    STORY_KEEP_HEADLINE = 1u << 0,
    STORY_KEEP_DESCRIPTION = 1u << 1,
    STORY_KEEP_ALT_TEXT = 1u << 2,
    STORY_KEEP_DATE_CREATED = 1u << 3,
    STORY_KEEP_LOCATION = 1u << 4,   /* city, sublocation, state, country, code */
    STORY_KEEP_USAGE_TERMS = 1u << 5,
    STORY_KEEP_TITLE = 1u << 6,
    STORY_KEEP_KEYWORDS = 1u << 7,
    STORY_KEEP_SOURCE = 1u << 8,
    STORY_KEEP_JOB_TITLE = 1u << 9,
};
/* `privacy: default`: DESIGN.md's list (and title, keywords, source,
 * job title, which carry no private data). */
#define STORY_KEEP_DEFAULT 0x3FFu

/* A tear sheet: where a photo or story was published. */
struct story_publication {
    char *name;  /* "Der Spiegel" */
    char *title; /* "Year in Pictures 2022" */
    char *date;
    char *url;
    char *photo; /* file name when it is about one photo, else NULL */
    /* added by the story module: */
    unsigned line; /* line of story.md where this entry starts */
};

/* Front matter `photos:`, keyed by file name: what a story says about
 * one of its photos. Its licence fields override the story's and the
 * site's for that photo only; a value embedded in the photo still wins.
 * `alt` overrides the photo's IPTC Alt Text (Markdown's ![alt] wins over
 * both, being the most local). */
struct story_photo_rights {
    char *file;    /* as in the body, relative to the story folder */
    char *alt;     /* NULL when not given */
    struct story_license license;
    unsigned line; /* of the key in story.md */
};

/* One `![alt](file "title")` of the body, in order. */
struct story_photo {
    char *src;     /* as written, relative to the story folder */
    char *alt;     /* Markdown alt text, NULL when empty */
    char *title;   /* Markdown title, NULL when absent */
    unsigned line; /* 1-based line in story.md */
};

struct story {
    char *slug;
    char *dir;   /* stories/<slug> */
    char *path;  /* stories/<slug>/story.md */
    char *title, *subtitle, *date, *lang, *cover, *summary, *place;
    char **tags;
    size_t n_tags;
    struct story_publication *publications;
    size_t n_publications;
    struct story_license license; /* overrides; NULL fields inherit */
    bool draft;
    /* `originals: true`: the photos' original files are published
     * unchanged beside the page and linked from each photo (DESIGN.md:
     * "Originals are never published unless a story asks for it") */
    bool originals;
    char *body;       /* the Markdown after the front matter */
    size_t body_len;
    unsigned body_line; /* line of story.md where body starts (1-based) */
    struct story_photo *photos;
    size_t n_photos;
    /* added by the story module: */
    unsigned cover_line; /* line of `cover:` in story.md, 0 when absent */
    unsigned n_warnings; /* unknown front-matter keys logged (typos) */
    /* added for per-photo rights (front matter `photos:`): */
    struct story_photo_rights *photo_rights;
    size_t n_photo_rights;
};

/* Loads <dir>/site.yaml (missing file = all defaults). */
enum status story_site_load(const char *dir, struct story_site **out, struct diag *d);
void story_site_free(struct story_site *s);

/* Loads <story_dir>/story.md. Front-matter errors name the line. */
enum status story_load(const char *story_dir, const char *slug, struct story **out,
                       struct diag *d);
/* Same from memory (tests, fuzzing); `path` is only used in messages. */
enum status story_parse(const char *path, const char *text, size_t len, struct story **out,
                        struct diag *d);
/* The same, but each warning (an unknown key) is a line appended to
 * `held` instead of logged: story_parse is reentrant, and a caller
 * that parses on several threads logs `held` in its own order. */
enum status story_parse_held(const char *path, const char *text, size_t len, struct buf *held,
                             struct story **out, struct diag *d);
void story_free(struct story *s);

/* A theme's message catalogue (messages.<lang>.yaml): interface
 * strings by key, "read_more: Read more", a flat mapping of text. */
struct story_messages {
    char **keys, **values;
    size_t n;
};
/* Keys are lower-case letters, digits and '_'; each value is text. A
 * key given twice, a list or a mapping is ST_CONFIG naming file and line. */
enum status story_messages_parse(const char *path, const char *text, size_t len,
                                 struct story_messages **out, struct diag *d);
void story_messages_free(struct story_messages *m);

/* The front matter's `photos:` entry for `file`, or NULL (borrowed). */
const struct story_photo_rights *story_photo_rights_get(const struct story *s, const char *file);

/* Checks every photo the body names exists in the story folder; the
 * first missing one is an error naming story, line and file. */
enum status story_check_photos(const struct story *s, struct diag *d);

#endif
