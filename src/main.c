/*
 * main.c — argument parsing and dispatch only. The command line is the
 * one in DESIGN.md, described to users by src/cli (help.c's table, also
 * behind --help and the man page); exit codes: 0 ok, 1 problems found,
 * 2 usage or configuration error.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <termios.h>
#include <unistd.h>

#include "base/base.h"
#include "c2pa/c2pa.h"
#include "cli/cli.h"
#include "fetch/fetch.h"
#include "image/image.h"
#include "meta/meta.h"
#include "serve/serve.h"
#include "site/site.h"
#include "story/story.h"
#include "watch/watch.h"

enum { EXIT_PROBLEMS = CLI_EXIT_PROBLEMS, EXIT_USAGE = CLI_EXIT_USAGE };

/* A command given the wrong arguments: its synopsis, and where to read more. */
static int usage_error(const char *cmd)
{
    cli_print_synopsis(cli_command_find(cmd), stderr);
    fprintf(stderr, "Try 'tearsheet help %s'.\n", cmd);
    return EXIT_USAGE;
}

/* One JSON object for one file, an array for several. */
static void print_json(json_t *all, int nfiles)
{
    json_t *doc = nfiles == 1 ? json_array_get(all, 0) : all;
    char *s = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    if (s) {
        puts(s);
        free(s);
    }
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
        return usage_error("meta");
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
    if (json)
        print_json(all, nfiles);
    json_decref(all);
    return rc;
}

static json_t *status_list_json(const struct c2pa_status_list *l)
{
    json_t *a = json_array();
    for (size_t i = 0; i < l->n; i++)
        json_array_append_new(a,
                              json_pack("{s:s, s:s?, s:s?}", "code", l->items[i].code, "url",
                                        l->items[i].url, "explanation", l->items[i].explanation));
    return a;
}

static json_t *results_json(const struct c2pa_results *r)
{
    return json_pack("{s:o, s:o, s:o}", "success", status_list_json(&r->success), "informational",
                     status_list_json(&r->informational), "failure", status_list_json(&r->failure));
}

/* The oracle's shape (../shared/tools/c2pa-oracle): file, has_manifest,
 * error, active_manifest, validation_state, validation_results. */
static json_t *report_json(const char *path, const struct c2pa_report *r)
{
    json_t *o =
        json_pack("{s:s, s:s?, s:b, s:b, s:s?, s:s?, s:s?, s:I}", "file", path, "format", r->format,
                  "has_manifest", r->has_manifest, "unreadable", r->unreadable, "error", r->error,
                  "active_manifest", r->active_label, "validation_state", c2pa_state_str(r->state),
                  "manifest_count", (json_int_t)r->manifest_count);
    if (r->sidecar)
        json_object_set_new(o, "sidecar", json_string(r->sidecar));
    if (r->sidecar_ignored)
        json_object_set_new(o, "sidecar_ignored", json_string(r->sidecar_ignored));
    if (r->remote_url)
        json_object_set_new(o, "remote_manifest", json_string(r->remote_url));
    if (r->remote_fetched)
        json_object_set_new(o, "remote_fetched", json_true());
    if (r->has_manifest) {
        json_t *deltas = json_array();
        for (size_t i = 0; i < r->n_deltas; i++) {
            json_t *dl = results_json(&r->deltas[i].results);
            json_object_set_new(dl, "ingredient_uri", json_string(r->deltas[i].ingredient_uri));
            json_array_append_new(deltas, dl);
        }
        const struct c2pa_summary *sm = &r->summary;
        json_t *acts = json_array(), *ings = json_array();
        for (size_t i = 0; i < sm->n_action_ids; i++)
            json_array_append_new(acts, json_string(sm->action_ids[i]));
        for (size_t i = 0; i < sm->n_ingredients; i++)
            json_array_append_new(ings,
                                  json_pack("{s:s?, s:s?, s:s?}", "title", sm->ingredients[i].title,
                                            "relationship", sm->ingredients[i].relationship,
                                            "active_manifest", sm->ingredients[i].manifest_label));
        json_object_set_new(
            o, "summary",
            json_pack("{s:i, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, s:b, s:s?, s:o, s:o, s:b, "
                      "s:b}",
                      "claim_version", sm->claim_version, "title", sm->title, "generator",
                      sm->generator, "alg", sm->alg, "signer_cn", sm->signer_cn, "signer_org",
                      sm->signer_org, "issuer_cn", sm->issuer_cn, "when", sm->when,
                      "when_from_time_stamp", sm->when_from_tst, "time_stamp_authority",
                      sm->tsa_name, "actions", acts, "ingredients", ings, "thumbnail",
                      sm->has_thumbnail, "altered", sm->altered));
        json_object_set_new(o, "validation_results",
                            json_pack("{s:o, s:o}", "active_manifest", results_json(&r->active),
                                      "ingredient_deltas", deltas));
    }
    return o;
}

/* verify --fetch: a file whose XMP names a remote manifest is checked
 * against the store fetched from that URL, like a sidecar (C2PA 2.2
 * §11.3); the URL stays in the report. A fetch that fails makes the
 * report unreadable with the reason. */
static enum status verify_remote(const char *path, const struct c2pa_trust *trust,
                                 struct c2pa_report *r, struct diag *d)
{
    enum status st;
    uint8_t *store = NULL, *asset = NULL;
    size_t store_len = 0, asset_len = 0;
    char *url = r->remote_url;
    r->remote_url = NULL;
    if ((st = fetch_url(url, TS_LIMIT_C2PA_STORE_BYTES, &store, &store_len, d)) != ST_OK) {
        char msg[1024];
        diag_format(d, msg, sizeof msg);
        free(r->error);
        r->error = str_dup(msg);
        r->unreadable = true;
        r->remote_url = url;
        return ST_OK;
    }
    diag_set_file(d, path);
    if ((st = file_read_all(path, TS_LIMIT_PHOTO_BYTES, &asset, &asset_len, d)) != ST_OK)
        goto abort;
    c2pa_report_free(r);
    st = c2pa_verify_sidecar(span_make(asset, asset_len), path, span_make(store, store_len), trust,
                             r, d);
    r->remote_fetched = st == ST_OK;
abort:
    r->remote_url = url;
    free(asset);
    free(store);
    return st;
}

/* tearsheet verify FILE... [--json] [--trust PEM] [--fetch]: exit 0
 * when every file is Valid/Trusted or has no credentials, 1 when any
 * is Invalid or carries a store that cannot be read. */
static int cmd_verify(int argc, char **argv)
{
    bool json = false, fetch = false;
    const char *trust_path = NULL;
    int nfiles = 0, rc = 0;
    struct c2pa_trust *trust = NULL;
    struct diag d;
    diag_clear(&d);
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--json") == 0)
            json = true;
        else if (strcmp(argv[i], "--fetch") == 0)
            fetch = true;
        else if (strcmp(argv[i], "--trust") == 0 && i + 1 < argc)
            trust_path = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1]) {
            fprintf(stderr, "tearsheet verify: unknown option %s\n", argv[i]);
            return EXIT_USAGE;
        } else
            nfiles++;
    }
    if (nfiles == 0) {
        return usage_error("verify");
    }
    if (trust_path) {
        diag_set_file(&d, trust_path);
        if (c2pa_trust_load(trust_path, &trust, &d) != ST_OK) {
            log_diag(LOG_ERROR, &d);
            return EXIT_USAGE;
        }
    }
    json_t *all = json_array();
    for (int i = 0; i < argc; i++) {
        const char *path = argv[i];
        if (strcmp(path, "--trust") == 0) {
            i++;
            continue;
        }
        if (path[0] == '-' && path[1])
            continue;
        struct c2pa_report r;
        memset(&r, 0, sizeof r);
        diag_clear(&d);
        enum status st = c2pa_verify_file(path, trust, &r, &d);
        if (st == ST_OK && fetch && r.remote_url && !r.has_manifest)
            st = verify_remote(path, trust, &r, &d);
        if (st != ST_OK) {
            log_diag(LOG_ERROR, &d);
            rc = EXIT_PROBLEMS;
            if (json) {
                char msg[TS_LIMIT_PATH + 1024];
                diag_format(&d, msg, sizeof msg);
                json_array_append_new(all, json_pack("{s:s, s:s}", "file", path, "error", msg));
            }
        } else {
            if (r.state == C2PA_STATE_INVALID || r.unreadable)
                rc = EXIT_PROBLEMS;
            if (json) {
                json_array_append_new(all, report_json(path, &r));
            } else {
                struct buf out;
                buf_init(&out, TS_LIMIT_PAGE_BYTES);
                c2pa_report_describe(&r, &out);
                printf("%s:\n%s", path, out.data ? out.data : "");
                buf_free(&out);
            }
        }
        c2pa_report_free(&r);
    }
    if (json)
        print_json(all, nfiles);
    json_decref(all);
    c2pa_trust_free(trust);
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
    bool watch; /* serve --watch: rebuild on change, reload the open pages */
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
        else if (allow_listen && strcmp(v, "--watch") == 0)
            a->watch = true;
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

static void out_dir_of(const struct site_args *a, char *out, size_t outlen)
{
    if (a->out)
        snprintf(out, outlen, "%s", a->out);
    else
        path_join(out, outlen, a->site, "public");
}

static int report_build(const struct site_args *a, const char *out,
                        const struct site_build_report *r);

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
    out_dir_of(a, out, sizeof out);
    if (out_dir)
        *out_dir = out;
    return report_build(a, out, &r);
}

static int report_build(const struct site_args *a, const char *out,
                        const struct site_build_report *rp)
{
    const struct site_build_report r = *rp;
    fprintf(stderr,
            "Built %s: %u %s, %u %s (%u made, %u unchanged), %u files, %u pages in %.2f s%s\n",
            out, r.stories, r.stories == 1 ? "story" : "stories", r.photos,
            r.photos == 1 ? "photo" : "photos", r.photos_built, r.photos_cached, r.outputs,
            r.pages, r.seconds, r.errors ? "" : ".");
    if (a->stats) {
        /* the process's peak resident memory (Linux: KB), for a user
         * sizing --jobs against the machine's memory */
        struct rusage ru;
        long peak_kb = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
        fprintf(stderr,
                "stats: photos_read=%u photo_bytes_read=%zu plan_s=%.4f photos_s=%.4f "
                "pages_s=%.4f pages=%u pages_rendered=%u outputs_removed=%u "
                "cache_removed=%u workers_idle_s=%.4f peak_rss_mb=%ld\n",
                r.photos_read, r.photo_bytes_read, r.seconds_plan, r.seconds_photos,
                r.seconds_pages, r.pages, r.pages_rendered, r.outputs_removed, r.cache_removed,
                r.seconds_workers_idle, peak_kb / 1024);
    }
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

/*
 * serve --watch: the first build through the watch module (its errors
 * are what the open pages show), then the server with the watch's
 * routes, page script and rebuilding thread. libvips stays up for the
 * rebuilds. SIGINT/SIGTERM are blocked before the first thread starts
 * (libvips', the build's), so serve_run's sigwait receives them.
 */
static int serve_watching(const struct site_args *a, const char *argv0, const char *host,
                          unsigned port)
{
    int rc = 0;
    struct diag d;
    struct watch *w = NULL;
    struct story_site *cfg = NULL;
    sigset_t sigs, old;
    diag_clear(&d);
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, &old);
    enum status st = image_init(argv0, 1, &d);
    if (st != ST_OK) {
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        return fail(&d, st);
    }
    struct watch_options wo = {
        .site_dir = a->site, .out_dir = a->out, .jobs = a->jobs, .progress = isatty(2)};
    struct site_build_report r;
    char out[TS_LIMIT_PATH];
    out_dir_of(a, out, sizeof out);
    if ((st = watch_new(&wo, &w, &d)) != ST_OK || (st = watch_build(w, &r, &d)) != ST_OK ||
        (st = story_site_load(a->site, &cfg, &d)) != ST_OK) {
        rc = fail(&d, st);
        goto abort;
    }
    report_build(a, out, &r);
    struct serve_options so = {.root = out,
                               .host = host,
                               .port = port,
                               .access_log = true,
                               .site_dir = a->site,
                               .notify = cfg->notify,
                               .pow_bits = (unsigned)cfg->proof_of_work,
                               .addon = watch_addon(w)};
    st = serve_run(&so, &d);
    rc = st == ST_OK ? 0 : fail(&d, st);
abort:
    story_site_free(cfg);
    watch_free(w);
    image_shutdown();
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
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
    if (a.watch)
        return serve_watching(&a, argv0, host, port);
    const char *out = NULL;
    rc = run_build(&a, argv0, &out);
    if (rc == EXIT_USAGE || !out)
        return rc;
    /* a site with a bad photo is still worth looking at. serve never
     * parses site.yaml: what the licensing app needs of it comes from
     * the story module's one parser, here. */
    struct story_site *cfg = NULL;
    enum status st = story_site_load(a.site, &cfg, &d);
    if (st != ST_OK)
        return fail(&d, st);
    struct serve_options so = {.root = out,
                               .host = host,
                               .port = port,
                               .access_log = true,
                               .site_dir = a.site,
                               .notify = cfg->notify,
                               .pow_bits = (unsigned)cfg->proof_of_work,
                               .store = cfg->store,
                               .store_password_file = cfg->store_password_file};
    st = serve_run(&so, &d);
    story_site_free(cfg);
    return st == ST_OK ? 0 : fail(&d, st);
}

/* --site DIR anywhere among the arguments; the rest stay in order. */
static const char *take_site(int *argc, char **argv)
{
    const char *site = ".";
    int o = 0;
    for (int i = 0; i < *argc; i++) {
        if (strcmp(argv[i], "--site") == 0 && i + 1 < *argc)
            site = argv[++i];
        else
            argv[o++] = argv[i];
    }
    *argc = o;
    return site;
}

static bool parse_inquiry_id(const char *s, int64_t *id)
{
    char *end;
    long long v = strtoll(s, &end, 10);
    *id = v;
    return *s && !*end && v > 0;
}

/* The inquiry store of a site folder as its site.yaml's store: names
 * it (no site.yaml: SQLite, and serve's open says whether it is a
 * site); *cfg owns the strings o points to. */
static enum status site_store(const char *site, struct story_site **cfg,
                              struct serve_store_options *o, struct diag *d)
{
    char yaml[TS_LIMIT_PATH];
    *cfg = NULL;
    *o = (struct serve_store_options){.site_dir = site};
    if (!path_join(yaml, sizeof yaml, site, "site.yaml") || !file_exists(yaml))
        return ST_OK;
    enum status st = story_site_load(site, cfg, d);
    if (st == ST_OK) {
        o->uri = (*cfg)->store;
        o->password_file = (*cfg)->store_password_file;
    }
    return st;
}

/* tearsheet inquiries [list|show N|export --csv|mark N STATUS|backup FILE] [--site DIR] */
static int cmd_inquiries(int argc, char **argv)
{
    const char *site = take_site(&argc, argv);
    const char *what = argc > 0 ? argv[0] : "list";
    int64_t id = 0;
    struct diag d;
    struct story_site *cfg = NULL;
    struct serve_store_options o;
    enum status st;
    diag_clear(&d);
    bool list = strcmp(what, "list") == 0 && argc <= 1,
         show = strcmp(what, "show") == 0 && argc == 2 && parse_inquiry_id(argv[1], &id),
         csv = strcmp(what, "export") == 0 && argc == 2 && strcmp(argv[1], "--csv") == 0,
         mark = strcmp(what, "mark") == 0 && argc == 3 && parse_inquiry_id(argv[1], &id),
         backup = strcmp(what, "backup") == 0 && argc == 2;
    if (!list && !show && !csv && !mark && !backup)
        return usage_error("inquiries");
    if ((st = site_store(site, &cfg, &o, &d)) != ST_OK)
        return fail(&d, st);
    if (list)
        st = serve_cli_list(&o, stdout, &d);
    else if (show)
        st = serve_cli_show(&o, id, stdout, &d);
    else if (csv)
        st = serve_cli_export_csv(&o, stdout, &d);
    else if (mark)
        st = serve_cli_mark(&o, id, argv[2], &d);
    else
        st = serve_cli_backup(&o, argv[1], &d);
    story_site_free(cfg);
    if (st == ST_NOT_FOUND) {
        log_diag(LOG_ERROR, &d);
        return EXIT_PROBLEMS;
    }
    return st == ST_OK ? 0 : fail(&d, st);
}

/* One line from stdin, without echo on a terminal. */
static bool read_secret(const char *prompt, char *out, size_t outlen)
{
    struct termios old, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        fprintf(stderr, "%s", prompt);
        quiet = old;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    bool ok = fgets(out, (int)outlen, stdin) != NULL;
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &old);
        fputc('\n', stderr);
    }
    out[strcspn(out, "\r\n")] = '\0';
    return ok;
}

/* tearsheet passwd [--site DIR]: twice on a terminal, once from a pipe. */
static int cmd_passwd(int argc, char **argv)
{
    const char *site = take_site(&argc, argv);
    char pw[1024] = "", again[1024] = "";
    struct diag d;
    int rc = 0;
    diag_clear(&d);
    if (argc != 0) {
        return usage_error("passwd");
    }
    if (!read_secret("New owner password: ", pw, sizeof pw)) {
        fprintf(stderr, "tearsheet passwd: no password given\n");
        return EXIT_USAGE;
    }
    if (isatty(STDIN_FILENO) &&
        (!read_secret("Again: ", again, sizeof again) || strcmp(pw, again) != 0)) {
        fprintf(stderr, "tearsheet passwd: the passwords differ\n");
        rc = EXIT_USAGE;
        goto abort;
    }
    struct story_site *cfg = NULL;
    struct serve_store_options o;
    enum status st = site_store(site, &cfg, &o, &d);
    if (st == ST_OK)
        st = serve_cli_passwd(&o, pw, &d);
    story_site_free(cfg);
    if (st != ST_OK)
        rc = fail(&d, st);
    else
        fprintf(stderr, "Password set; log in at /owner/ while tearsheet serve runs.\n");
abort:
    memset(pw, 0, sizeof pw);
    memset(again, 0, sizeof again);
    return rc;
}

static int cmd_new(int argc, char **argv)
{
    if (argc != 1 || argv[0][0] == '-') {
        return usage_error("new");
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

/* tearsheet keygen DIR: a demo C2PA signing identity; keygen --csr
 * --name NAME [--org ORG] DIR: a key and a certificate request for a
 * real CA (docs/c2pa-sign.md). */
static int cmd_keygen(int argc, char **argv)
{
    bool csr = false;
    const char *name = NULL, *org = NULL, *dir = NULL;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--csr") == 0)
            csr = true;
        else if (strcmp(argv[i], "--name") == 0 && i + 1 < argc)
            name = argv[++i];
        else if (strcmp(argv[i], "--org") == 0 && i + 1 < argc)
            org = argv[++i];
        else if (argv[i][0] == '-' || dir)
            return usage_error("keygen");
        else
            dir = argv[i];
    }
    if (!dir || ((name || org) && !csr) || (csr && !name))
        return usage_error("keygen");
    struct diag d;
    diag_clear(&d);
    if (csr) {
        enum status st = c2pa_keygen_csr(dir, name, org, &d);
        if (st != ST_OK)
            return fail(&d, st);
        printf("Made a signing key and a certificate request in %s:\n"
               "  %s (private: keep it; never publish or commit it)\n"
               "  %s (send this to a certificate authority; it asks for the C2PA\n"
               "    claim-signing profile: digitalSignature, c2pa-kp-claimSigning, not a CA)\n"
               "With the certificate chain it sends back (yours first), use\n"
               "  signing:\n    key: %s/%s\n    chain: CHAIN.pem\n"
               "in site.yaml.\n",
               dir, C2PA_KEY_FILE, C2PA_CSR_FILE, dir, C2PA_KEY_FILE);
        return 0;
    }
    enum status st = c2pa_keygen(dir, &d);
    if (st != ST_OK)
        return fail(&d, st);
    printf("Made an untrusted demo signing key in %s:\n"
           "  %s (private: keep it; never publish or commit it)\n"
           "  %s (the certificates embedded in every signed photo)\n"
           "  %s (give this to a verifier as its trust anchor)\n"
           "Use it with  signing_key: %s  in site.yaml.\n",
           dir, C2PA_KEY_FILE, C2PA_CHAIN_FILE, C2PA_ANCHOR_FILE, dir);
    return 0;
}

/* tearsheet lint [SITE]: findings on stdout, exit 1 when any is an error. */
static int cmd_lint(int argc, char **argv)
{
    const char *site = ".";
    if (argc > 1 || (argc == 1 && argv[0][0] == '-')) {
        return usage_error("lint");
    }
    if (argc == 1)
        site = argv[0];
    struct diag d;
    diag_clear(&d);
    struct site_lint_report r;
    enum status st = site_lint(site, stdout, &r, &d);
    if (st != ST_OK)
        return fail(&d, st);
    printf("lint: %u %s in %u %s: %u %s, %u %s\n", r.photos, r.photos == 1 ? "photo" : "photos",
           r.stories, r.stories == 1 ? "story" : "stories", r.errors,
           r.errors == 1 ? "error" : "errors", r.warnings, r.warnings == 1 ? "warning" : "warnings");
    return r.errors || r.unreadable_stories ? EXIT_PROBLEMS : 0;
}

/* tearsheet help [COMMAND] */
static int cmd_help(int argc, char **argv)
{
    if (argc == 0) {
        cli_print_usage(stdout);
        return 0;
    }
    const struct cli_command *c = cli_command_find(argv[0]);
    if (!c || argc > 1) {
        if (c)
            fprintf(stderr, "tearsheet help: one COMMAND at a time\n\n");
        else
            fprintf(stderr, "tearsheet help: no command '%s'\n\n", argv[0]);
        cli_print_usage(stderr);
        return EXIT_USAGE;
    }
    cli_print_help(c, stdout);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        cli_print_usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "-h") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0)
        return cmd_help(argc - 2, argv + 2);
    if (strcmp(cmd, "--version") == 0)
        return cli_print_version(stdout);
    const struct cli_command *c = cli_command_find(cmd);
    if (!c) {
        fprintf(stderr, "tearsheet: unknown command '%s'\n\n", cmd);
        cli_print_usage(stderr);
        return EXIT_USAGE;
    }
    if (cli_wants_help(c, argc - 2, argv + 2)) {
        cli_print_help(c, stdout);
        return 0;
    }
    if (strcmp(cmd, "meta") == 0)
        return cmd_meta(argc - 2, argv + 2);
    if (strcmp(cmd, "verify") == 0)
        return cmd_verify(argc - 2, argv + 2);
    if (strcmp(cmd, "build") == 0)
        return cmd_build(argc - 2, argv + 2, argv[0]);
    if (strcmp(cmd, "serve") == 0)
        return cmd_serve(argc - 2, argv + 2, argv[0]);
    if (strcmp(cmd, "new") == 0)
        return cmd_new(argc - 2, argv + 2);
    if (strcmp(cmd, "keygen") == 0)
        return cmd_keygen(argc - 2, argv + 2);
    if (strcmp(cmd, "inquiries") == 0)
        return cmd_inquiries(argc - 2, argv + 2);
    if (strcmp(cmd, "passwd") == 0)
        return cmd_passwd(argc - 2, argv + 2);
    if (strcmp(cmd, "lint") == 0)
        return cmd_lint(argc - 2, argv + 2);
    fprintf(stderr, "tearsheet: '%s' is in the help but not built in\n", cmd);
    return EXIT_USAGE;
}
