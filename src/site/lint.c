/*
 * lint.c — `tearsheet lint [SITE]`: reads every published story's
 * original photos the way the build does and reports what would hurt
 * the photographer, a source or a reader before anything is published:
 * private data in the originals, missing or useless alt text,
 * placeholder captions, missing rights, embargoes, and synthetic media
 * in a section that promises authentic photographs.
 *
 * Must never: modify a photo or the site, publish anything, or print a
 * value from a photo with its control characters (a caption could move
 * the terminal's cursor or fake another finding's line).
 *
 * Spec: DESIGN.md "Privacy and rights defaults for derivatives" (what
 * lint warns about); IPTC Photo Metadata 2023 (Alt Text, Digital
 * Source Type and its NewsCodes vocabulary); docs/lint.md (levels).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "site/internal.h"

enum level { L_WARNING, L_ERROR };

struct lint {
    FILE *out;
    struct site_lint_report *r;
    const struct story_site *cfg;
    const struct image_settings *image; /* the widths the build would make */
};

/* Prints "file: field: level: why", with controls in `why` made spaces. */
static void finding(struct lint *l, const char *file, const char *field, enum level lv,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static void finding(struct lint *l, const char *file, const char *field, enum level lv,
                    const char *fmt, ...)
{
    char why[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    for (char *p = why; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F)
            *p = ' ';
    fprintf(l->out, "%s: %s: %s: %s\n", file, field, lv == L_ERROR ? "error" : "warning", why);
    if (lv == L_ERROR)
        l->r->errors++;
    else
        l->r->warnings++;
}

/* A short, printable quotation of a value from the photo. */
static void quote(const char *v, char *out, size_t outlen)
{
    size_t n = strlen(v);
    size_t keep = utf8_clip((const uint8_t *)v, n, 60);
    snprintf(out, outlen, "\"%.*s%s\"", (int)keep, v, keep < n ? "..." : "");
}

/* ASCII case-insensitive substring test (strcasestr is a GNU extension). */
static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

/* Blank-insensitive, case-insensitive equality (alt text vs caption). */
static bool same_text(const char *a, const char *b)
{
    while (*a || *b) {
        while (*a == ' ' || *a == '\t' || *a == '\n' || *a == '\r')
            a++;
        while (*b == ' ' || *b == '\t' || *b == '\n' || *b == '\r')
            b++;
        if (!*a || !*b)
            return !*a && !*b;
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
        a++;
        b++;
    }
    return true;
}

/* Does `word` occur in `s` as a whole word (case-sensitive: "TK" the
 * newsroom mark, not "tk" inside a name)? */
static bool has_word(const char *s, const char *word)
{
    size_t n = strlen(word);
    for (const char *p = strstr(s, word); p; p = strstr(p + 1, word)) {
        bool start = p == s || !isalnum((unsigned char)p[-1]);
        bool end = !isalnum((unsigned char)p[n]);
        if (start && end)
            return true;
    }
    return false;
}

/* Captions that are not captions yet. Editorial placeholders are
 * errors: the page would state something unfinished as fact. Camera
 * firmware text is a warning: it says nothing, but nothing false. */
static const char *const placeholder_phrases[] = {
    "to come",     "caption to come", "name to come", "lorem ipsum",
    "placeholder", "insert caption",  "caption here", "add caption",
};
static const char *const placeholder_words[] = {"TK", "TKTK", "XXX", "XX", "FPO", "TBD"};
static const char *const camera_captions[] = {
    "OLYMPUS DIGITAL CAMERA",
    "SONY DSC",
    "DIGITAL CAMERA",
    "KONICA MINOLTA DIGITAL CAMERA",
    "MINOLTA DIGITAL CAMERA",
    "SAMSUNG DIGITAL CAMERA",
    "SAMSUNG CAMERA PICTURES",
    "LEICA DIGITAL CAMERA",
    "PENTAX DIGITAL CAMERA",
    "KODAK Digital Still Camera",
    "Exif_JPEG_PICTURE",
    "DCIM",
    "IMG",
    "Untitled",
    "Image",
};

static void check_placeholder(struct lint *l, const char *file, const char *field, const char *v)
{
    char q[128];
    if (!v)
        return;
    quote(v, q, sizeof q);
    for (size_t i = 0; i < sizeof camera_captions / sizeof camera_captions[0]; i++)
        if (same_text(v, camera_captions[i])) {
            finding(l, file, field, L_WARNING,
                    "%s is text the camera or software writes, not a caption: readers would "
                    "see it under the photo",
                    q);
            return;
        }
    for (size_t i = 0; i < sizeof placeholder_phrases / sizeof placeholder_phrases[0]; i++)
        if (contains_ci(v, placeholder_phrases[i])) {
            finding(l, file, field, L_ERROR,
                    "%s is a placeholder (\"%s\"): the page would publish an unfinished caption", q,
                    placeholder_phrases[i]);
            return;
        }
    for (size_t i = 0; i < sizeof placeholder_words / sizeof placeholder_words[0]; i++)
        if (has_word(v, placeholder_words[i])) {
            finding(l, file, field, L_ERROR,
                    "%s holds the placeholder mark %s: the page would publish an unfinished "
                    "caption",
                    q, placeholder_words[i]);
            return;
        }
}

/*
 * IPTC Digital Source Type NewsCodes (cv.iptc.org/newscodes/
 * digitalsourcetype/): what a section of "authentic photographs" may
 * hold. Captures and minor edits are photographs; everything made or
 * composited by software (trainedAlgorithmicMedia, compositeSynthetic,
 * algorithmicMedia, composite*, virtualRecording, softwareImage,
 * digitalArt, dataDrivenMedia, screenCapture...) is not.
 */
static const char *const authentic_sources[] = {
    "digitalCapture", "negativeFilm", "positiveFilm", "print", "minorHumanEdits",
};

static bool is_authentic_source(const char *uri)
{
    const char *slash = strrchr(uri, '/');
    const char *code = slash ? slash + 1 : uri;
    /* The vocabulary's own URIs; another namespace is not a claim we know. */
    if (slash && !strstr(uri, "cv.iptc.org/newscodes/digitalsourcetype/"))
        return false;
    for (size_t i = 0; i < sizeof authentic_sources / sizeof authentic_sources[0]; i++)
        if (strcmp(code, authentic_sources[i]) == 0)
            return true;
    return false;
}

/*
 * Which body lines lie in a section whose heading (at any level above
 * them) contains "authentic". ATX and setext headings; fenced code
 * skipped. authentic[i] is for body line i (0-based).
 */
static bool *authentic_lines(const struct story *s, size_t *n_lines)
{
    size_t n = 1;
    for (size_t i = 0; i < s->body_len; i++)
        n += s->body[i] == '\n';
    bool *a = calloc(n, sizeof *a);
    bool level[7] = {false};
    bool in_fence = false;
    const char *p = s->body, *end = s->body + s->body_len, *prev = NULL;
    size_t prev_len = 0;
    *n_lines = a ? n : 0;
    for (size_t ln = 0; a && p && p <= end && ln < n; ln++) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        const char *t = p;
        size_t lead = 0;
        while (lead < len && lead < 4 && t[lead] == ' ')
            lead++;
        if (lead < 4 && len - lead >= 3 &&
            (strncmp(t + lead, "```", 3) == 0 || strncmp(t + lead, "~~~", 3) == 0))
            in_fence = !in_fence;
        else if (!in_fence && lead < 4) {
            size_t h = 0;
            while (lead + h < len && t[lead + h] == '#')
                h++;
            int lv = 0;
            const char *text = NULL;
            size_t text_len = 0;
            if (h >= 1 && h <= 6 && (lead + h == len || t[lead + h] == ' ')) {
                lv = (int)h;
                text = t + lead + h;
                text_len = len - lead - h;
            } else if (prev && prev_len && len > lead && (t[lead] == '=' || t[lead] == '-')) {
                size_t k = lead;
                while (k < len && t[k] == t[lead])
                    k++;
                while (k < len && (t[k] == ' ' || t[k] == '\r'))
                    k++;
                if (k == len) {
                    lv = t[lead] == '=' ? 1 : 2;
                    text = prev;
                    text_len = prev_len;
                }
            }
            if (lv) {
                char buf[512];
                size_t m = text_len < sizeof buf - 1 ? text_len : sizeof buf - 1;
                memcpy(buf, text, m);
                buf[m] = '\0';
                level[lv] = contains_ci(buf, "authentic");
                for (int k = lv + 1; k <= 6; k++)
                    level[k] = false;
            }
        }
        for (int k = 1; k <= 6; k++)
            a[ln] = a[ln] || level[k];
        bool blank = true;
        for (size_t k = 0; k < len && blank; k++)
            blank = t[k] == ' ' || t[k] == '\t' || t[k] == '\r';
        prev = blank ? NULL : t;
        prev_len = blank ? 0 : len;
        if (!nl)
            break;
        p = nl + 1;
    }
    return a;
}

static const char *pick(const char *a, const char *b)
{
    return a && !str_blank(a) ? a : b && !str_blank(b) ? b : NULL;
}

static void lint_photo(struct lint *l, const struct story *s, const char *file, const char *md_alt,
                       bool authentic)
{
    char path[TS_LIMIT_PATH], q[128];
    uint8_t *data = NULL;
    size_t len = 0;
    struct photo_meta *m = NULL;
    struct diag d;
    diag_clear(&d);
    if (!path_join(path, sizeof path, s->dir, file))
        return;
    l->r->photos++;
    struct meta_options mo = {.iim_charset = l->cfg->iim_charset};
    enum status st = file_read_all(path, TS_LIMIT_PHOTO_BYTES, &data, &len, &d);
    if (st == ST_OK)
        st = meta_read(data, len, &mo, &m, &d);
    free(data);
    if (st != ST_OK) {
        char msg[512];
        diag_format(&d, msg, sizeof msg);
        finding(l, path, "file", L_ERROR, "cannot be read (%s): the build would skip it", msg);
        goto abort;
    }

    /* Privacy. A warning, not an error: derivatives never carry GPS, so
     * nothing the site shows leaks it; the risk is the original shared
     * by other means. An error when the story publishes its originals
     * (`originals: true`): then the site itself gives the position away. */
    bool loc_gps = m->location_created.has_gps;
    for (size_t i = 0; i < m->n_location_shown; i++)
        loc_gps = loc_gps || m->location_shown[i].has_gps;
    if ((m->has_gps || loc_gps) && s->originals) {
        finding(l, path, "gps", L_ERROR,
                "this story publishes its originals (originals: true in story.md) and this one "
                "holds a GPS position: the site would give it away (it can locate you or your "
                "sources); remove the position from the file or set originals: false");
    } else {
        if (m->has_gps)
            finding(l, path, "gps", L_WARNING,
                    "this photo's GPS position would be published if you shared the original; "
                    "derivatives drop it, but check nobody receives the original file (it can "
                    "locate you or your sources)");
        if (loc_gps)
            finding(l, path, "location_shown/created gps", L_WARNING,
                    "an IPTC location structure holds GPS coordinates; derivatives drop them, "
                    "but the original file still says where it was made");
    }

    /* Accessibility: alt text from story.md wins over the file's. */
    const char *alt = pick(md_alt, m->alt_text);
    if (!alt)
        finding(l, path, "alt_text", L_ERROR,
                "no alt text (IPTC Alt Text in the photo, or ![alt](%s) in story.md): readers "
                "who use a screen reader get nothing",
                file);
    else if (m->description && same_text(alt, m->description))
        finding(l, path, "alt_text", L_WARNING,
                "alt text is the caption word for word: a screen reader reads it twice; say "
                "what the photo shows instead");
    check_placeholder(l, path, "description", m->description);
    if (alt)
        check_placeholder(l, path, "alt_text", alt);
    check_placeholder(l, path, "headline", m->headline);

    /* Size: an original narrower than the site's widths is never drawn
     * larger than it is, so it shows small on large screens. */
    unsigned upright = m->orientation >= 5 ? m->height : m->width, site_max = 0;
    unsigned reached =
        site_width_reached(l->image->widths, l->image->n_widths, upright, &site_max);
    if (upright && upright < site_max) {
        char why[512];
        site_small_original_text(upright, reached, site_max, why, sizeof why);
        finding(l, path, "width", L_WARNING, "%s", why);
    }

    /* Rights, after the story's and the site's defaults. */
    if (!pick(m->web_statement, pick(s->license.web_statement, l->cfg->license.web_statement)))
        finding(l, path, "web_statement", L_WARNING,
                "no web statement of rights (photo, story or site.yaml license.web_statement): "
                "whoever finds the file cannot see its terms");
    if (!pick(m->licensor_url, pick(s->license.licensor_url, l->cfg->license.licensor_url)))
        finding(l, path, "licensor_url", L_WARNING,
                "no licensor URL (photo, story or site.yaml license.licensor_url): whoever "
                "wants to license the photo cannot find you");

    /* Embargo: publishing breaks the agreement the instructions state. */
    if (m->instructions && contains_ci(m->instructions, "embargo")) {
        quote(m->instructions, q, sizeof q);
        finding(l, path, "instructions", L_ERROR,
                "instructions mention an embargo (%s): publishing now may break it", q);
    }

    /* Synthetic media under a heading that promises authentic photographs. */
    if (authentic && m->digital_source_type && !is_authentic_source(m->digital_source_type)) {
        const char *code = strrchr(m->digital_source_type, '/');
        quote(code && code[1] ? code + 1 : m->digital_source_type, q, sizeof q);
        finding(l, path, "digital_source_type", L_ERROR,
                "in a section headed \"authentic\", but its digital source type is %s, not a "
                "camera capture: readers are told it is a photograph",
                q);
    }
abort:
    meta_free(m);
}

static void lint_story(struct lint *l, const struct story *s)
{
    size_t n_lines = 0;
    bool *auth = authentic_lines(s, &n_lines);
    l->r->stories++;
    for (size_t k = 0; k <= s->n_photos; k++) {
        const char *file = k < s->n_photos ? s->photos[k].src : s->cover;
        if (!file)
            continue;
        bool seen = false;
        for (size_t j = 0; j < k && j < s->n_photos && !seen; j++)
            seen = strcmp(s->photos[j].src, file) == 0;
        if (seen)
            continue;
        /* The Markdown alt of any use of this photo counts. */
        const char *md_alt = NULL;
        bool authentic = false;
        for (size_t j = 0; j < s->n_photos; j++) {
            if (strcmp(s->photos[j].src, file) != 0)
                continue;
            md_alt = md_alt ? md_alt : s->photos[j].alt;
            size_t ln = s->photos[j].line >= s->body_line ? s->photos[j].line - s->body_line : 0;
            authentic = authentic || (auth && ln < n_lines && auth[ln]);
        }
        char path[TS_LIMIT_PATH];
        if (!path_join(path, sizeof path, s->dir, file) || access(path, R_OK) != 0)
            continue; /* a missing photo is the build's error to report */
        lint_photo(l, s, file, md_alt, authentic);
    }
    free(auth);
}

enum status site_lint(const char *site_dir, FILE *out, struct site_lint_report *report,
                      struct diag *d)
{
    enum status st = ST_OK;
    struct site_build b;
    struct site_build_options opt = {.site_dir = site_dir};
    struct site_build_report br;
    memset(&b, 0, sizeof b);
    memset(&br, 0, sizeof br);
    memset(report, 0, sizeof *report);
    b.opt = &opt;
    b.report = &br;
    if ((st = story_site_load(site_dir, &b.cfg, d)) != ST_OK)
        goto abort;
    if ((st = site_load_stories(&b, d)) != ST_OK)
        goto abort;
    site_settings_from_config(&b);
    struct lint l = {out, report, b.cfg, &b.image};
    for (size_t i = 0; i < b.n_stories; i++)
        lint_story(&l, b.stories[i]);
    report->unreadable_stories = br.errors;
abort:
    site_stories_free(&b);
    story_site_free(b.cfg);
    return st;
}
