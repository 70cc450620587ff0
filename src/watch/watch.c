/*
 * watch.c — the folders of a site under inotify, and the thread that
 * rebuilds when a file in them is saved: site.yaml (and the creation
 * of stories/, pages/ or themes/) in the site folder, everything under
 * stories/, pages/ and themes/, recursively, folders made later
 * included. A burst of events (an editor writes a temporary file and
 * renames it over the story; a folder of photos is copied) makes one
 * build once the folder is quiet for WATCH_QUIET_MS, or at the latest
 * WATCH_MAX_WAIT_MS after the first event.
 *
 * Must never: watch the output folder, .tearsheet/ or a hidden folder
 * (the build writes there: it would rebuild itself forever), follow a
 * symlink to a folder, or build while another build runs (one thread
 * builds; events during a build make the next one).
 *
 * Spec: inotify(7). Builds are site_build (src/site/site.h), whose
 * every output file is written to a temporary name and renamed, so a
 * page the server sends during a rebuild is the old one or the new
 * one, never half of either.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "watch/internal.h"

/* An editor's save is a few events within milliseconds; a person does
 * not save twice in 150 ms. A copy of many photos keeps the folder
 * busy: a build every 2 s at most shows progress without building for
 * every photo. */
#define WATCH_QUIET_MS 150
#define WATCH_MAX_WAIT_MS 2000

/* What a save looks like: a file closed after writing, renamed in or
 * out, deleted; folders made (watched from then on). IN_MODIFY is left
 * out: a photo being copied would start a build on half of it. */
#define WATCH_MASK                                                                                 \
    (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE | IN_ONLYDIR |           \
     IN_EXCL_UNLINK)

/* The folders of a site the build reads (src/site: build.c, page_text.c,
 * theme.c), each watched with everything below it. */
static const char *const trees[] = {"stories", "pages", "themes"};

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000.0 + (double)t.tv_nsec / 1e6;
}

/* Names an editor or the system writes beside the real file: a save
 * is seen through the rename that follows, or not at all. */
static bool ignored_name(const char *n)
{
    size_t len = strlen(n);
    return n[0] == '.' || n[0] == '#' || (len && n[len - 1] == '~') || str_ends_with(n, ".swp") ||
           str_ends_with(n, ".swx") || strcmp(n, "4913") == 0 || strstr(n, ".tmp.") != NULL;
}

static const struct watch_dir *dir_of(const struct watch *w, int wd)
{
    for (size_t i = 0; i < w->ndirs; i++)
        if (w->dirs[i].wd == wd)
            return &w->dirs[i];
    return NULL;
}

static void forget_dir(struct watch *w, int wd)
{
    for (size_t i = 0; i < w->ndirs; i++)
        if (w->dirs[i].wd == wd) {
            free(w->dirs[i].path);
            w->dirs[i] = w->dirs[--w->ndirs];
            return;
        }
}

/* A folder moved away (out of the site, or to a new name, which is
 * then watched again): its watches and those below it end. */
static void drop_tree(struct watch *w, const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < w->ndirs;) {
        const char *p = w->dirs[i].path;
        if (strncmp(p, path, n) == 0 && (p[n] == '\0' || p[n] == '/')) {
            inotify_rm_watch(w->ifd, w->dirs[i].wd);
            forget_dir(w, w->dirs[i].wd);
        } else {
            i++;
        }
    }
}

static enum status add_one(struct watch *w, const char *path, struct diag *d)
{
    int wd = inotify_add_watch(w->ifd, path, WATCH_MASK | IN_DONT_FOLLOW);
    if (wd < 0) {
        diag_set_file(d, path);
        if (errno == ENOSPC)
            return diag_set(d, ST_LIMIT, "inotify", DIAG_NO_OFFSET,
                            "the system's limit of watched folders is reached "
                            "(sysctl fs.inotify.max_user_watches)");
        if (errno == ENOENT || errno == ENOTDIR)
            return ST_OK; /* gone again, or a symlink: nothing to watch */
        return diag_set(d, ST_IO, "inotify", DIAG_NO_OFFSET, "cannot watch the folder: %s",
                        strerror(errno));
    }
    for (size_t i = 0; i < w->ndirs; i++)
        if (w->dirs[i].wd == wd) {
            /* the same folder again (after an overflow), or renamed
             * inside the site: its events name it by its new path */
            char *copy = str_dup(path);
            if (!copy)
                return diag_set(d, ST_NOMEM, "serve --watch", DIAG_NO_OFFSET, "out of memory");
            free(w->dirs[i].path);
            w->dirs[i].path = copy;
            return ST_OK;
        }
    if (w->ndirs >= TS_LIMIT_WATCH_DIRS) {
        inotify_rm_watch(w->ifd, wd);
        diag_set_file(d, w->opt.site_dir);
        return diag_set(d, ST_LIMIT, "serve --watch", DIAG_NO_OFFSET,
                        "more than %d folders to watch", TS_LIMIT_WATCH_DIRS);
    }
    char *copy = str_dup(path);
    if (!copy)
        return diag_set(d, ST_NOMEM, "serve --watch", DIAG_NO_OFFSET, "out of memory");
    w->dirs[w->ndirs++] = (struct watch_dir){wd, copy};
    return ST_OK;
}

/* The output folder, wherever -o put it, is never watched. */
static bool is_output(const struct watch *w, const char *path)
{
    char real[PATH_MAX];
    return w->out_real[0] && realpath(path, real) && strcmp(real, w->out_real) == 0;
}

/* path and every folder below it (not hidden, not a symlink, not the
 * output). Depth is bounded by TS_LIMIT_PATH and the count by
 * TS_LIMIT_WATCH_DIRS. */
static enum status add_tree(struct watch *w, const char *path, struct diag *d)
{
    enum status st;
    if (is_output(w, path))
        return ST_OK;
    if ((st = add_one(w, path, d)) != ST_OK)
        return st;
    DIR *dh = opendir(path);
    if (!dh)
        return ST_OK;
    struct dirent *e;
    while ((e = readdir(dh)) && st == ST_OK) {
        if (e->d_name[0] == '.')
            continue;
        char sub[TS_LIMIT_PATH];
        struct stat sb;
        if (!path_join(sub, sizeof sub, path, e->d_name) || lstat(sub, &sb) != 0 ||
            !S_ISDIR(sb.st_mode))
            continue;
        st = add_tree(w, sub, d);
    }
    closedir(dh);
    return st;
}

static enum status add_all(struct watch *w, struct diag *d)
{
    enum status st = add_one(w, w->opt.site_dir, d);
    for (size_t i = 0; i < sizeof trees / sizeof *trees && st == ST_OK; i++) {
        char path[TS_LIMIT_PATH];
        if (path_join(path, sizeof path, w->opt.site_dir, trees[i]))
            st = add_tree(w, path, d);
    }
    return st;
}

enum status watch_new(const struct watch_options *opt, struct watch **out, struct diag *d)
{
    enum status st = ST_OK;
    struct watch *w = calloc(1, sizeof *w);
    *out = NULL;
    if (!w || !(w->dirs = calloc(TS_LIMIT_WATCH_DIRS, sizeof *w->dirs))) {
        free(w);
        return diag_set(d, ST_NOMEM, "serve --watch", DIAG_NO_OFFSET, "out of memory");
    }
    w->opt = *opt;
    w->ifd = -1;
    w->wake[0] = w->wake[1] = -1;
    pthread_mutex_init(&w->lock, NULL);
    if (opt->out_dir)
        snprintf(w->out_path, sizeof w->out_path, "%s", opt->out_dir);
    else
        path_join(w->out_path, sizeof w->out_path, opt->site_dir, "public");
    char real[PATH_MAX];
    /* Made by the first build when it is not there yet (watch_build
     * resolves it then, before the events of its making are read). */
    if (realpath(w->out_path, real))
        snprintf(w->out_real, sizeof w->out_real, "%s", real);
    w->ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w->ifd < 0 || pipe(w->wake) != 0 || fcntl(w->wake[0], F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(w->wake[1], F_SETFD, FD_CLOEXEC) != 0) {
        diag_set_file(d, opt->site_dir);
        st = diag_set(d, ST_IO, "serve --watch", DIAG_NO_OFFSET, "cannot watch the site: %s",
                      strerror(errno));
        goto abort;
    }
    if ((st = add_all(w, d)) != ST_OK)
        goto abort;
    *out = w;
    w = NULL;
abort:
    watch_free(w);
    return st;
}

/* ---- a build and its errors ------------------------------------------ */

struct collected {
    const char *site_dir;
    char *lines[TS_LIMIT_WATCH_ERRORS];
    size_t n;
    unsigned more; /* errors past TS_LIMIT_WATCH_ERRORS */
};

/* The log tap during a build (any photo worker may call it; the log
 * calls one tap at a time): its errors, named from the site folder. */
static void collect(void *ud, enum log_level lv, const char *line)
{
    struct collected *c = ud;
    if (lv != LOG_ERROR)
        return;
    if (c->n >= TS_LIMIT_WATCH_ERRORS) {
        c->more++;
        return;
    }
    size_t sn = strlen(c->site_dir);
    if (sn && strncmp(line, c->site_dir, sn) == 0 && line[sn] == '/')
        line += sn + 1;
    size_t n = utf8_clip((const uint8_t *)line, strlen(line), TS_LIMIT_WATCH_ERROR_BYTES);
    c->lines[c->n] = str_ndup(line, n);
    if (c->lines[c->n])
        c->n++;
}

enum status watch_build(struct watch *w, struct site_build_report *r, struct diag *d)
{
    struct site_build_options opt = {.site_dir = w->opt.site_dir,
                                     .out_dir = w->opt.out_dir,
                                     .jobs = w->opt.jobs,
                                     .progress = w->opt.progress};
    struct collected c = {.site_dir = w->opt.site_dir};
    memset(r, 0, sizeof *r);
    log_set_tap(collect, &c);
    enum status st = site_build(&opt, r, d);
    log_set_tap(NULL, NULL);
    char real[PATH_MAX];
    if (!w->out_real[0] && realpath(w->out_path, real))
        snprintf(w->out_real, sizeof w->out_real, "%s", real);
    if (st != ST_OK) {
        /* site.yaml or the theme unusable: the build said nothing yet */
        char line[TS_LIMIT_PATH + 1024];
        diag_format(d, line, sizeof line);
        collect(&c, LOG_ERROR, line);
    }
    if (c.more) {
        /* the last line says how many more; the log has them all */
        free(c.lines[c.n - 1]);
        char line[96];
        snprintf(line, sizeof line, "... and %u more (see the terminal)", c.more + 1);
        c.lines[c.n - 1] = str_dup(line);
        if (!c.lines[c.n - 1])
            c.n--;
    }
    if (st == ST_OK && r->errors && c.n == 0) {
        char line[96];
        snprintf(line, sizeof line, "%u items could not be built (see the terminal)", r->errors);
        if ((c.lines[0] = str_dup(line)))
            c.n = 1;
    }
    enum status pst = watch_events_publish(w, c.lines, c.n);
    for (size_t i = 0; i < c.n; i++)
        free(c.lines[i]);
    if (st == ST_OK && pst != ST_OK)
        st = diag_set(d, pst, "serve --watch", DIAG_NO_OFFSET, "out of memory");
    return st;
}

/* ---- the thread ---------------------------------------------------------- */

/* Reads what inotify has; true when any event asks for a build, and
 * `what` the path of the last one (an editor's rename into place comes
 * after its temporary file). New folders are watched at once, so a
 * file saved in them is seen. */
static bool read_events(struct watch *w, char *what, size_t whatlen)
{
    bool changed = false;
    char ev[16 * (sizeof(struct inotify_event) + NAME_MAX + 1)]
        __attribute__((aligned(__alignof__(struct inotify_event))));
    for (;;) {
        ssize_t n = read(w->ifd, ev, sizeof ev);
        if (n <= 0)
            return changed;
        for (char *p = ev; p < ev + n;) {
            const struct inotify_event *e = (const struct inotify_event *)p;
            p += sizeof *e + e->len;
            if (e->mask & IN_Q_OVERFLOW) {
                /* events were lost: build, and watch whatever is new */
                struct diag d;
                diag_clear(&d);
                if (add_all(w, &d) != ST_OK)
                    log_diag(LOG_WARN, &d);
                changed = true;
                continue;
            }
            if (e->mask & IN_IGNORED) {
                forget_dir(w, e->wd);
                continue;
            }
            const struct watch_dir *dir = dir_of(w, e->wd);
            if (!dir || !e->len || ignored_name(e->name))
                continue;
            bool root = strcmp(dir->path, w->opt.site_dir) == 0;
            bool tree = false;
            for (size_t i = 0; i < sizeof trees / sizeof *trees; i++)
                tree = tree || strcmp(e->name, trees[i]) == 0;
            if (root && !tree && strcmp(e->name, "site.yaml") != 0)
                continue; /* public/, .tearsheet/, README... in the site folder */
            char path[TS_LIMIT_PATH];
            if (!path_join(path, sizeof path, dir->path, e->name))
                continue;
            if ((e->mask & IN_ISDIR) && (e->mask & (IN_CREATE | IN_MOVED_TO))) {
                struct diag d;
                diag_clear(&d);
                if (add_tree(w, path, &d) != ST_OK)
                    log_diag(LOG_WARN, &d);
            } else if ((e->mask & IN_ISDIR) && (e->mask & IN_MOVED_FROM)) {
                drop_tree(w, path);
            } else if ((e->mask & IN_CREATE) && !(e->mask & IN_ISDIR)) {
                continue; /* a new file counts when it is closed */
            }
            snprintf(what, whatlen, "%s", path);
            changed = true;
        }
    }
}

static void rebuild(struct watch *w, const char *what)
{
    size_t sn = strlen(w->opt.site_dir);
    if (strncmp(what, w->opt.site_dir, sn) == 0 && what[sn] == '/')
        what += sn + 1;
    log_msg(LOG_INFO, "watch: %s changed, building", what);
    struct site_build_report r;
    struct diag d;
    diag_clear(&d);
    enum status st = watch_build(w, &r, &d);
    if (st != ST_OK)
        log_diag(LOG_ERROR, &d);
    else
        log_msg(LOG_INFO, "watch: built %u %s, %u of %u pages made, %u %s in %.2f s%s", r.stories,
                r.stories == 1 ? "story" : "stories", r.pages_rendered, r.pages, r.errors,
                r.errors == 1 ? "error" : "errors", r.seconds,
                r.errors ? " (shown in the open pages)" : "");
}

static void *run(void *arg)
{
    struct watch *w = arg;
    bool pending = false;
    double first_at = 0, last_at = 0, ping_at = now_ms() + TS_LIMIT_WATCH_PING_S * 1000.0;
    char what[TS_LIMIT_PATH] = "";
    for (;;) {
        double now = now_ms();
        double until = ping_at;
        if (pending) {
            double quiet = last_at + WATCH_QUIET_MS, latest = first_at + WATCH_MAX_WAIT_MS;
            double build_at = quiet < latest ? quiet : latest;
            until = build_at < until ? build_at : until;
        }
        int timeout = until > now ? (int)(until - now) + 1 : 0;
        struct pollfd fds[2] = {{w->ifd, POLLIN, 0}, {w->wake[0], POLLIN, 0}};
        int n = poll(fds, 2, timeout);
        if (n < 0 && errno != EINTR)
            break;
        if (n > 0 && fds[1].revents)
            break; /* quiesced */
        now = now_ms();
        if (n > 0 && (fds[0].revents & POLLIN) && read_events(w, what, sizeof what)) {
            if (!pending)
                first_at = now;
            pending = true;
            last_at = now;
        }
        if (pending && (now >= last_at + WATCH_QUIET_MS || now >= first_at + WATCH_MAX_WAIT_MS)) {
            pending = false;
            rebuild(w, what);
        }
        if (now >= ping_at) {
            watch_events_ping(w);
            ping_at = now + TS_LIMIT_WATCH_PING_S * 1000.0;
        }
    }
    return NULL;
}

/* ---- the addon ----------------------------------------------------------- */

static enum status attach(void *ud, struct serve_http *h, struct diag *d)
{
    struct watch *w = ud;
    enum status st = watch_events_attach(w, h, d);
    if (st != ST_OK)
        return st;
    /* Started here, after serve_run blocked SIGINT/SIGTERM: the thread
     * and the build's workers inherit the mask, so the signal reaches
     * serve_run's sigwait and not a worker. */
    if (pthread_create(&w->thread, NULL, run, w) != 0)
        return diag_set(d, ST_INTERNAL, "serve --watch", DIAG_NO_OFFSET,
                        "cannot start the watching thread");
    w->thread_running = true;
    return ST_OK;
}

static void quiesce(void *ud)
{
    struct watch *w = ud;
    if (w->thread_running) {
        /* a build under way finishes first: its files are renamed
         * into place, never left half-written */
        ssize_t ignored = write(w->wake[1], "q", 1);
        (void)ignored;
        pthread_join(w->thread, NULL);
        w->thread_running = false;
    }
    watch_events_close(w);
}

const struct serve_addon *watch_addon(struct watch *w)
{
    w->addon = (struct serve_addon){attach, quiesce, w};
    return &w->addon;
}

void watch_free(struct watch *w)
{
    if (!w)
        return;
    if (w->thread_running)
        quiesce(w);
    for (size_t i = 0; i < w->ndirs; i++)
        free(w->dirs[i].path);
    free(w->dirs);
    if (w->ifd >= 0)
        close(w->ifd);
    for (int i = 0; i < 2; i++)
        if (w->wake[i] >= 0)
            close(w->wake[i]);
    free(w->message);
    pthread_mutex_destroy(&w->lock);
    free(w);
}
