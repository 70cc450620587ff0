/*
 * scaffold.c — `tearsheet new SITE`: a site.yaml with every setting
 * spelled out, one example story that explains how to add photos, and
 * the about and licensing pages.
 * Must never: overwrite anything (a folder with a site.yaml is refused,
 * and no existing file is replaced).
 */
#include <stdio.h>
#include <string.h>

#include "site/internal.h"

static const char site_yaml[] =
    "# tearsheet site settings. Every key is optional.\n"
    "title: My Photographs\n"
    "author: Your Name\n"
    "base_url: http://127.0.0.1:8080/\n"
    "language: en\n"
    "# A site in two languages: the first is the default; a story told again\n"
    "# in Korean is stories/<story>/story.ko.md, its pages under /ko/.\n"
    "# languages: [en, ko]\n"
    "description: Photo stories.\n"
    "\n"
    "# Rights written into every page and derivative when the photo itself\n"
    "# does not say them (values embedded by you in the photo always win).\n"
    "# A story's front matter can override them (license:), and so can one\n"
    "# photo (photos: {my-photo.jpg: {license: ...}}). Without a\n"
    "# licensor_url, each photo's own inquiry form is where to license it.\n"
    "license:\n"
    "  web_statement: http://127.0.0.1:8080/licensing/\n"
    "  # licensor_email: you@example.com\n"
    "  credit_line: Your Name\n"
    "  copyright: \"© {year} {creator}\"\n"
    "  usage_terms: Editorial use only. Contact the photographer to license.\n"
    "\n"
    "# Derivatives: widths in pixels (never upscaled) and formats.\n"
    "# avif is also possible; it costs about 8 times the rest to encode.\n"
    "images:\n"
    "  widths: [480, 960, 1600, 2400]\n"
    "  formats: [webp, jpeg]\n"
    "  jpeg_quality: 82\n"
    "  webp_quality: 80\n";

static const char story_md[] =
    "---\n"
    "title: My First Story\n"
    "subtitle: What this story is about, in one line\n"
    "date: 2026-01-01\n"
    "place: Where it happened\n"
    "summary: A sentence for the index page and for search engines.\n"
    "tags: [example]\n"
    "---\n"
    "\n"
    "Write the story here in Markdown.\n"
    "\n"
    "## Adding photographs\n"
    "\n"
    "Copy your JPEGs, exactly as your captioning tool left them, into this\n"
    "folder (`stories/my-first-story/`) and put each on a line of its own:\n"
    "\n"
    "    ![](my-photo.jpg)\n"
    "\n"
    "tearsheet reads the caption, credit, copyright, date, place and alt\n"
    "text from the photo's own IPTC/XMP metadata, so you never retype them.\n"
    "Alt text written between the brackets overrides the photo's.\n"
    "\n"
    "Each photo gets a \"License this photo\" link to its own inquiry form;\n"
    "`tearsheet serve` stores what is sent, and `tearsheet inquiries list`\n"
    "shows it.\n";

static const char about_md[] =
    "---\n"
    "title: About\n"
    "---\n"
    "\n"
    "Who you are, what you photograph, and how to reach you.\n";

static const char licensing_md[] =
    "---\n"
    "title: Licensing\n"
    "---\n"
    "\n"
    "Every photograph on this site can be licensed for editorial or\n"
    "commercial use. Use \"License this photo\" under a photograph, or the\n"
    "form below, and tell me where and how long you would like to use it;\n"
    "I will answer with terms and a price.\n";

static enum status write_new(const char *dir, const char *rel, const char *text, struct diag *d)
{
    char path[TS_LIMIT_PATH];
    if (!path_join(path, sizeof path, dir, rel))
        return diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "path too long");
    if (file_exists(path)) {
        diag_set_file(d, path);
        return diag_set(d, ST_USAGE, NULL, DIAG_NO_OFFSET, "already exists; not replaced");
    }
    return site_write_if_changed(path, text, strlen(text), d);
}

enum status site_new(const char *dir, struct diag *d)
{
    char yaml[TS_LIMIT_PATH];
    if (!path_join(yaml, sizeof yaml, dir, "site.yaml"))
        return diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "path too long");
    if (file_exists(yaml)) {
        diag_set_file(d, dir);
        return diag_set(d, ST_USAGE, NULL, DIAG_NO_OFFSET,
                        "there is already a site here (site.yaml exists)");
    }
    enum status st;
    if ((st = file_mkdirs(dir, d)) != ST_OK ||
        (st = write_new(dir, "stories/my-first-story/story.md", story_md, d)) != ST_OK ||
        (st = write_new(dir, "pages/about.md", about_md, d)) != ST_OK ||
        (st = write_new(dir, "pages/licensing.md", licensing_md, d)) != ST_OK ||
        (st = write_new(dir, "site.yaml", site_yaml, d)) != ST_OK)
        return st;
    return ST_OK;
}
