/*
 * site.h — the one header of the site module: the build plan (which
 * stories, which photos, which pages), the photo cache, the parallel
 * photo jobs and the pages; the only module that writes the output
 * tree, always through a temporary file and a rename.
 *
 * Must never: stop the whole build for one bad photo or story (it is
 * reported with its file and reason, the rest is built, and the report
 * counts it), or delete a file it did not make.
 */
#ifndef TS_SITE_H
#define TS_SITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/base.h"

/* A file of a built-in theme (generated from themes/default/). */
struct site_theme_file {
    const char *name;
    const char *data;
    size_t len;
};
extern const struct site_theme_file site_default_theme[];

struct site_build_options {
    const char *site_dir; /* the site folder */
    const char *out_dir;  /* NULL = <site_dir>/public */
    unsigned jobs;        /* photo workers; 0 = one per core */
    bool progress;        /* stderr is a terminal: a progress bar with ETA;
                             otherwise one plain line per photo encoded */
};

struct site_build_report {
    unsigned stories;
    unsigned pages;
    unsigned photos;
    unsigned photos_built;  /* decoded and encoded this time */
    unsigned photos_cached; /* same content and settings as before */
    unsigned outputs;       /* derivative files in the output */
    unsigned errors;        /* stories or photos that could not be built */
    unsigned warnings;
    double seconds;
    /* For `build --stats` and the incremental tests: what this build
     * really did. A no-op rebuild reads no photo (statindex.c). */
    unsigned photos_read;     /* photo files whose bytes were read */
    size_t photo_bytes_read;  /* ours, plus the file size when libvips decodes it */
    double seconds_plan, seconds_photos, seconds_pages;
    unsigned pages_rendered;  /* pages whose inputs changed (the rest are skipped) */
    unsigned outputs_removed; /* files of deleted stories and pages removed */
    unsigned cache_removed;   /* cache entries removed as unused and old */
};

/*
 * Builds the site. Returns ST_OK when the site was built, even if some
 * stories or photos failed (report->errors says how many, each was
 * logged with its file and reason); ST_CONFIG when site.yaml or the
 * theme is unusable; other statuses when the output cannot be written.
 */
enum status site_build(const struct site_build_options *opt, struct site_build_report *report,
                       struct diag *d);

/* Scaffolds a new site: site.yaml, an example story, pages. Refuses a
 * folder that already has a site.yaml. */
enum status site_new(const char *dir, struct diag *d);

/* ---- lint (lint.c) ------------------------------------------------ */

struct site_lint_report {
    unsigned stories, photos;
    unsigned errors, warnings;
    unsigned unreadable_stories; /* story.md files that did not load (logged) */
};
/*
 * Reads every published story's photos and writes one line per
 * finding to `out`: "FILE: FIELD: error|warning: why it matters"
 * (docs/lint.md lists each check and its level). ST_OK when the site
 * could be read, whatever was found; ST_CONFIG for a bad site.yaml.
 */
enum status site_lint(const char *site_dir, FILE *out, struct site_lint_report *report,
                      struct diag *d);

#endif
