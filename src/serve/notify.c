/*
 * notify.c — the notification hook: the `notify:` command of site.yaml
 * (e.g. "sendmail owner@example.com", read by the story module and
 * handed over in serve_options.notify) run by /bin/sh with each new
 * inquiry as a mail-style text on stdin, by one worker thread outside
 * the request path. The queue is the notifications table: a failed run
 * (exit status not 0, killed, timed out) is retried with doubling
 * delays, and nothing about it can lose the inquiry, which was
 * committed before the hook was ever considered.
 *
 * Must never: run the hook inside a request, hold the store's lock
 * while the hook runs, put a request value into the shell command
 * line (values go to stdin only), or wait for a hook forever.
 *
 * Spec: docs/inquiries.md "Notifications".
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "serve/lic.h"

extern char **environ;

/* Longest delay between two tries: a hook broken for a day still gets
 * a try every few hours, and the owner sees the inquiries anyway. */
#define NOTIFY_MAX_DELAY_S (6 * 3600)

struct serve_notify {
    struct serve_store *store;
    char *command;
    unsigned retry_s;
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool stop, wake;
};

/* ---- the text on the hook's stdin --------------------------------------------------- */

enum status serve_inquiry_text(const struct serve_row *r, struct buf *out)
{
    enum status st =
        buf_printf(out, "Inquiry:         %lld\nReceived:        %s\nStatus:          %s\n",
                   (long long)r->id, r->created, r->status);
    for (int f = 0; f < SF_WEBSITE && st == ST_OK; f++) {
        const char *v = r->q.v[f];
        if (f == SF_DESCRIPTION)
            continue;
        st = buf_printf(out, "%-16s %s\n", serve_fields[f].name, v ? v : "-");
    }
    if (st == ST_OK)
        st = buf_printf(out, "\n%s\n", r->q.v[SF_DESCRIPTION] ? r->q.v[SF_DESCRIPTION] : "");
    return st;
}

/* ---- running the hook ------------------------------------------------------------------- */

static bool stopping(struct serve_notify *n)
{
    pthread_mutex_lock(&n->lock);
    bool stop = n->stop;
    pthread_mutex_unlock(&n->lock);
    return stop;
}

/* Runs the command with text on stdin; true when it exited 0 within
 * TS_LIMIT_NOTIFY_TIMEOUT_S. *why says what went wrong otherwise. A
 * server that is stopping kills the hook rather than wait for it: the
 * notification stays queued and is sent after the next start. */
static bool run_hook(struct serve_notify *n, const char *text, size_t len, char *why, size_t whylen)
{
    const char *command = n->command;
    bool ok = false;
    int in[2] = {-1, -1};
    pid_t pid = -1;
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t none;
    char *argv[] = {"/bin/sh", "-c", (char *)command, NULL};
    snprintf(why, whylen, "could not start");
    /* Close-on-exec: the hook must not inherit the pipe's write end,
     * or its stdin would never reach end of file. */
    if (pipe(in) != 0)
        return false;
    fcntl(in[0], F_SETFD, FD_CLOEXEC);
    fcntl(in[1], F_SETFD, FD_CLOEXEC);
    posix_spawn_file_actions_init(&fa);
    posix_spawnattr_init(&attr);
    /* stdin from the pipe, stdout to our stderr (stdout is the
     * server's), signals unblocked (the server blocks SIGTERM). */
    posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&fa, STDERR_FILENO, STDOUT_FILENO);
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    /* and SIGPIPE's default action, which the server ignores (serve.c) */
    sigset_t pipe_default;
    sigemptyset(&pipe_default);
    sigaddset(&pipe_default, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &pipe_default);
    /* Its own process group, so a timeout or a stop kills what the
     * shell started too, not only the shell. */
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                        POSIX_SPAWN_SETPGROUP);
    int rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    close(in[0]);
    if (rc != 0) {
        snprintf(why, whylen, "cannot run /bin/sh: %s", strerror(rc));
        close(in[1]);
        return false;
    }
    /* A hook that does not read its stdin gets EPIPE (SIGPIPE is
     * blocked in this thread), not a dead server. */
    for (size_t off = 0; off < len;) {
        ssize_t put = write(in[1], text + off, len - off);
        if (put <= 0)
            break;
        off += (size_t)put;
    }
    close(in[1]);
    int status = 0;
    for (int waited = 0;; waited++) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR) {
            snprintf(why, whylen, "lost the hook: %s", strerror(errno));
            return false;
        }
        bool stop = stopping(n);
        if (stop || waited >= TS_LIMIT_NOTIFY_TIMEOUT_S * 20) {
            kill(-pid, SIGKILL);
            waitpid(pid, &status, 0);
            if (stop)
                snprintf(why, whylen, "was stopped with the server");
            else
                snprintf(why, whylen, "took longer than %d s and was killed",
                         TS_LIMIT_NOTIFY_TIMEOUT_S);
            return false;
        }
        usleep(50000);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        ok = true;
    else if (WIFEXITED(status))
        snprintf(why, whylen, "exited with status %d", WEXITSTATUS(status));
    else
        snprintf(why, whylen, "killed by signal %d", WTERMSIG(status));
    return ok;
}

static void notify_one(struct serve_notify *n, int64_t id, unsigned attempts)
{
    struct serve_row row;
    struct buf text;
    struct diag d;
    char why[160] = "";
    diag_clear(&d);
    buf_init(&text, 64 << 10);
    memset(&row, 0, sizeof row);
    if (serve_store_get(n->store, id, &row, &d) != ST_OK) {
        log_diag(LOG_WARN, &d);
        goto abort;
    }
    /* Mail headers first, so "sendmail owner@example.com" sends a
     * proper message. Every value here passed a one-line rule (no
     * control characters), so none can add a header of its own. */
    buf_printf(&text,
               "Subject: Licensing inquiry %lld (%s)\nReply-To: %s\n"
               "Content-Type: text/plain; charset=utf-8\n\n",
               (long long)id, row.q.v[SF_PHOTO_ID] ? row.q.v[SF_PHOTO_ID] : "-",
               row.q.v[SF_EMAIL] ? row.q.v[SF_EMAIL] : "-");
    serve_inquiry_text(&row, &text);
    bool ok = run_hook(n, text.data ? text.data : "", text.len, why, sizeof why);
    attempts++;
    time_t now = time(NULL);
    unsigned long long delay = n->retry_s;
    for (unsigned i = 1; i < attempts && delay < NOTIFY_MAX_DELAY_S; i++)
        delay *= 2;
    if (delay > NOTIFY_MAX_DELAY_S)
        delay = NOTIFY_MAX_DELAY_S;
    if (!ok)
        log_msg(LOG_WARN, "serve: notify hook for inquiry %lld %s (try %u); next try in %llu s",
                (long long)id, why, attempts, delay);
    if (serve_store_notify_result(n->store, id, ok, attempts, now + (time_t)delay, ok ? "" : why,
                                  &d) != ST_OK)
        log_diag(LOG_WARN, &d);
abort:
    serve_row_clear(&row);
    buf_free(&text);
}

static void *worker(void *arg)
{
    struct serve_notify *n = arg;
    for (;;) {
        pthread_mutex_lock(&n->lock);
        if (!n->stop && !n->wake) {
            /* Woken for a new inquiry, else once a second for retries. */
            struct timespec until;
            clock_gettime(CLOCK_REALTIME, &until);
            until.tv_sec += 1;
            pthread_cond_timedwait(&n->cond, &n->lock, &until);
        }
        bool stop = n->stop;
        n->wake = false;
        pthread_mutex_unlock(&n->lock);
        if (stop)
            break;
        for (;;) {
            int64_t id;
            unsigned attempts;
            bool found = false;
            struct diag d;
            diag_clear(&d);
            if (serve_store_notify_next(n->store, time(NULL), &id, &attempts, &found, &d) !=
                ST_OK) {
                log_diag(LOG_WARN, &d);
                break;
            }
            if (!found)
                break;
            notify_one(n, id, attempts);
            if (stopping(n))
                break;
        }
    }
    return NULL;
}

enum status serve_notify_start(struct serve_store *store, const char *command, unsigned retry_s,
                               struct serve_notify **out, struct diag *d)
{
    sigset_t block, old;
    struct serve_notify *n = calloc(1, sizeof *n);
    *out = NULL;
    if (!n || !(n->command = str_dup(command))) {
        free(n);
        return diag_set(d, ST_NOMEM, "notify", DIAG_NO_OFFSET, "out of memory");
    }
    n->store = store;
    n->retry_s = retry_s ? retry_s : 1;
    pthread_mutex_init(&n->lock, NULL);
    pthread_cond_init(&n->cond, NULL);
    /* The worker inherits this mask: SIGPIPE from a hook that closed
     * its stdin, and SIGINT/SIGTERM meant for serve_run, stay away. */
    sigemptyset(&block);
    sigaddset(&block, SIGPIPE);
    sigaddset(&block, SIGINT);
    sigaddset(&block, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    int rc = pthread_create(&n->thread, NULL, worker, n);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        pthread_mutex_destroy(&n->lock);
        pthread_cond_destroy(&n->cond);
        free(n->command);
        free(n);
        return diag_set(d, ST_INTERNAL, "notify", DIAG_NO_OFFSET, "cannot start a thread");
    }
    *out = n;
    return ST_OK;
}

void serve_notify_wake(struct serve_notify *n)
{
    if (!n)
        return;
    pthread_mutex_lock(&n->lock);
    n->wake = true;
    pthread_cond_signal(&n->cond);
    pthread_mutex_unlock(&n->lock);
}

/* Waits for a hook that is running (at most its timeout); what is not
 * yet sent stays queued in the database for the next start. */
void serve_notify_stop(struct serve_notify *n)
{
    if (!n)
        return;
    pthread_mutex_lock(&n->lock);
    n->stop = true;
    pthread_cond_signal(&n->cond);
    pthread_mutex_unlock(&n->lock);
    pthread_join(n->thread, NULL);
    pthread_mutex_destroy(&n->lock);
    pthread_cond_destroy(&n->cond);
    free(n->command);
    free(n);
}
