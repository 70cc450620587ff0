/*
 * main.c — argument parsing and dispatch only. The command line is the
 * one in DESIGN.md; exit codes: 0 ok, 1 problems found, 2 usage or
 * configuration error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "meta/meta.h"

enum { EXIT_PROBLEMS = 1, EXIT_USAGE = 2 };

static const char usage_text[] =
    "usage: tearsheet COMMAND [ARGS]\n"
    "\n"
    "  meta FILE... [--json]    the metadata tearsheet reads from photos\n"
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
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "tearsheet meta: unknown option %s\n", argv[i]);
            return EXIT_USAGE;
        } else
            nfiles++;
    }
    if (nfiles == 0) {
        fprintf(stderr, "usage: tearsheet meta FILE... [--json]\n");
        return EXIT_USAGE;
    }
    int rc = 0;
    json_t *all = json_array();
    for (int i = 0; i < argc; i++) {
        const char *path = argv[i];
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
            st = meta_read(data, len, NULL, &m, &d);
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
            if (meta_to_text(m, &out) == ST_OK)
                printf("%s%s\n", nfiles > 1 ? path : "", nfiles > 1 ? ":" : "");
            fputs(out.data ? out.data : "", stdout);
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
    fprintf(stderr, "tearsheet: unknown command '%s'\n\n", cmd);
    return usage(stderr);
}
