/*
 * main.c — argument parsing and dispatch only. The command line is the
 * one in DESIGN.md; exit codes: 0 ok, 1 problems found, 2 usage or
 * configuration error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "base/base.h"
#include "image/image.h"
#include "meta/meta.h"
#include "serve/serve.h"
#include "site/site.h"

enum { EXIT_PROBLEMS = 1, EXIT_USAGE = 2 };

static const char usage_text[] =
    "usage: tearsheet COMMAND [ARGS]\n"
    "\n"
    "  new SITE                         scaffold a site with one example story\n"
    "  build [SITE] [-o DIR] [--jobs N] [--stats]\n"
    "                                           build SITE (default .) into DIR (default SITE/public)\n"
    "  serve [SITE] [--listen HOST:PORT] [-o DIR]\n"
    "                                   build, then serve (default 127.0.0.1:8080)\n"
    "  meta FILE... [--json] [--iim-charset NAME]\n"
    "                                   the metadata tearsheet reads from photos\n"
    "\n"
    "Exit codes: 0 ok, 1 problems found, 2 usage or configuration error.\n";

static int usage(FILE *f)
{
    fputs(usage_text, f);
    return f == stderr ? EXIT_USAGE : 0;
}

/* tearsheet meta FILE... [--json]: one JSON object per file (an array
 * when several) or a readable listing. */
static int cmd_meta(int argc, char **argv)
{
    bool json = false;
    int nfiles = 0;
    struct meta_options mo = {0};
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--iim-charset") == 0 && i + 1 < argc)
            mo.iim_charset = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "tearsheet meta: unknown option %s\n", argv[i]);
            return EXIT_USAGE;
        } else
            nfiles++;
    }
    if (nfiles == 0) {
        fprintf(stderr, "usage: tearsheet meta FILE... [--json] [--iim-charset NAME]\n");
        return EXIT_USAGE;
    }
    int rc = 0;
    json_t *all = json_array();
    for (int i = 0; i < argc; i++) {
        const char *path = argv[i];
        if (strcmp(path, "--iim-charset") == 0) {
            i++;
            continue;
        }
        if (path[0] == '-' && path[1])
            continue;
        struct diag d;
        diag_clear(&d);
        uint8_t *data = NULL;
        size_t len = 0;
        struct photo_meta *m = NULL;
        enum status st = file_read_all(path, TS_LIMIT_PHOTO_BYTES, &data, &len, &d);
        if (st == ST_OK) {
            diag_set_file(&d, path);
            st = meta_read(data, len, &mo, &m, &d);
        }
        if (st != ST_OK) {
            log_diag(LOG_ERROR, &d);
            rc = EXIT_PROBLEMS;
            if (json) {
                char msg[TS_LIMIT_PATH + 1024];
                diag_format(&d, msg, sizeof msg);
                json_array_append_new(all, json_pack("{s:s, s:s}", "file", path, "error", msg));
            }
        } else if (json) {
            json_t *o = meta_to_json(m);
            json_object_set_new(o, "file", json_string(path));
            json_array_append_new(all, o);
        } else {
            struct buf out;
            buf_init(&out, TS_LIMIT_PAGE_BYTES);
            if (meta_to_text(m, &out) == ST_OK) {
                if (nfiles > 1)
                    printf("%s:\n", path);
                fputs(out.data ? out.data : "", stdout);
            }
            buf_free(&out);
        }
        meta_free(m);
        free(data);
    }
    if (json) {
        json_t *doc = nfiles == 1 ? json_array_get(all, 0) : all;
        char *s = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
        if (s) {
            puts(s);
            free(s);
        }
    }
    json_decref(all);
    return rc;
}

static int fail(const struct diag *d, enum status st)
{
    log_diag(LOG_ERROR, d);
    return st == ST_CONFIG || st == ST_USAGE ? EXIT_USAGE : EXIT_PROBLEMS;
}

/* Options shared by build and serve. */
struct site_args {
    const char *site;
    const char *out;
    const char *listen;
    unsigned jobs;
    bool stats; /* build --stats: what the build read and where time went */
};

static int parse_site_args(const char *cmd, int argc, char **argv, bool allow_listen,
                           struct site_args *a)
{
    memset(a, 0, sizeof *a);
    a->site = ".";
    bool have_site = false;
    for (int i = 0; i < argc; i++) {
        const char *v = argv[i];
        if ((strcmp(v, "-o") == 0 || strcmp(v, "--output") == 0) && i + 1 < argc)
            a->out = argv[++i];
        else if (strcmp(v, "--jobs") == 0 && i + 1 < argc) {
            char *end;
            long n = strtol(argv[++i], &end, 10);
            if (*end || n < 1 || n > 64) {
                fprintf(stderr, "tearsheet %s: --jobs takes a number from 1 to 64\n", cmd);
                return EXIT_USAGE;
            }
            a->jobs = (unsigned)n;
        } else if (strcmp(v, "--stats") == 0)
            a->stats = true;
        else if (allow_listen && strcmp(v, "--listen") == 0 && i + 1 < argc)
            a->listen = argv[++i];
        else if (v[0] == '-' || have_site) {
            fprintf(stderr, "tearsheet %s: unexpected argument '%s'\n", cmd, v);
            return EXIT_USAGE;
        } else {
            a->site = v;
            have_site = true;
        }
    }
    return 0;
}

static int run_build(const struct site_args *a, const char *argv0, const char **out_dir)
{
    struct diag d;
    diag_clear(&d);
    enum status st = image_init(argv0, 1, &d);
    if (st != ST_OK)
        return fail(&d, st);
    struct site_build_options opt = {
        .site_dir = a->site, .out_dir = a->out, .jobs = a->jobs, .progress = isatty(2)};
    struct site_build_report r;
    st = site_build(&opt, &r, &d);
    image_shutdown();
    if (st != ST_OK)
        return fail(&d, st);
    static char out[TS_LIMIT_PATH];
    if (a->out)
        snprintf(out, sizeof out, "%s", a->out);
    else
        path_join(out, sizeof out, a->site, "public");
    if (out_dir)
        *out_dir = out;
    fprintf(stderr,
            "Built %s: %u %s, %u %s (%u made, %u unchanged), %u files, %u pages in %.2f s%s\n",
            out, r.stories, r.stories == 1 ? "story" : "stories", r.photos,
            r.photos == 1 ? "photo" : "photos", r.photos_built, r.photos_cached, r.outputs,
            r.pages, r.seconds, r.errors ? "" : ".");
    if (a->stats)
        fprintf(stderr,
                "stats: photos_read=%u photo_bytes_read=%zu plan_s=%.4f photos_s=%.4f "
                "pages_s=%.4f pages=%u\n",
                r.photos_read, r.photo_bytes_read, r.seconds_plan, r.seconds_photos,
                r.seconds_pages, r.pages);
    if (r.errors) {
        fprintf(stderr, "%u %s could not be built (see the messages above).\n", r.errors,
                r.errors == 1 ? "item" : "items");
        return EXIT_PROBLEMS;
    }
    return 0;
}

static int cmd_build(int argc, char **argv, const char *argv0)
{
    struct site_args a;
    int rc = parse_site_args("build", argc, argv, false, &a);
    return rc ? rc : run_build(&a, argv0, NULL);
}

static int cmd_serve(int argc, char **argv, const char *argv0)
{
    struct site_args a;
    int rc = parse_site_args("serve", argc, argv, true, &a);
    if (rc)
        return rc;
    char host[256] = "127.0.0.1";
    unsigned port = 8080;
    struct diag d;
    diag_clear(&d);
    if (a.listen) {
        enum status st = serve_parse_listen(a.listen, host, sizeof host, &port, &d);
        if (st != ST_OK)
            return fail(&d, ST_USAGE);
    }
    const char *out = NULL;
    rc = run_build(&a, argv0, &out);
    if (rc == EXIT_USAGE || !out)
        return rc;
    /* a site with a bad photo is still worth looking at */
    struct serve_options so = {.root = out, .host = host, .port = port, .access_log = true};
    enum status st = serve_run(&so, &d);
    return st == ST_OK ? 0 : fail(&d, st);
}

static int cmd_new(int argc, char **argv)
{
    if (argc != 1 || argv[0][0] == '-') {
        fprintf(stderr, "usage: tearsheet new SITE\n");
        return EXIT_USAGE;
    }
    struct diag d;
    diag_clear(&d);
    enum status st = site_new(argv[0], &d);
    if (st != ST_OK)
        return fail(&d, st);
    printf("Created a site in %s. Next:\n"
           "  copy photos into %s/stories/my-first-story/ and edit its story.md\n"
           "  tearsheet serve %s\n",
           argv[0], argv[0], argv[0]);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr);
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0)
        return usage(stdout);
    if (strcmp(cmd, "--version") == 0) {
        printf("tearsheet %s\n", TS_VERSION);
        return 0;
    }
    if (strcmp(cmd, "meta") == 0)
        return cmd_meta(argc - 2, argv + 2);
    if (strcmp(cmd, "build") == 0)
        return cmd_build(argc - 2, argv + 2, argv[0]);
    if (strcmp(cmd, "serve") == 0)
        return cmd_serve(argc - 2, argv + 2, argv[0]);
    if (strcmp(cmd, "new") == 0)
        return cmd_new(argc - 2, argv + 2);
    fprintf(stderr, "tearsheet: unknown command '%s'\n\n", cmd);
    return usage(stderr);
}
