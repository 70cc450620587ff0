/*
 * test_http_run.c — serve_run as `tearsheet serve` uses it, in a child
 * process: the start line on stdout names the real port, a request is
 * answered and appears in the access log on stderr, and SIGTERM or
 * SIGINT stops the server with a clean exit; without the access log,
 * stderr stays quiet.
 *
 * Must never: leave the child running (it is killed on any failure) or
 * wait without a deadline.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "serve/serve.h"

static char site_dir[64];

static int make_site(void **state)
{
    snprintf(site_dir, sizeof site_dir, "/tmp/ts-run-XXXXXX");
    if (!mkdtemp(site_dir))
        return -1;
    char path[128];
    snprintf(path, sizeof path, "%s/index.html", site_dir);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fputs("RUN-HOME", f);
    return fclose(f) == 0 ? 0 : -1;
}

static int remove_site(void **state)
{
    char path[128];
    snprintf(path, sizeof path, "%s/index.html", site_dir);
    unlink(path);
    return rmdir(site_dir) == 0 ? 0 : -1;
}

/* Appends what fd has within the deadline until `want` shows up. */
static bool read_until(int fd, char *acc, size_t cap, size_t *len, const char *want)
{
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (!strstr(acc, want)) {
        clock_gettime(CLOCK_MONOTONIC, &now);
        long waited = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        if (waited > 10000 || *len + 1 >= cap)
            return false;
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, (int)(10000 - waited)) <= 0)
            return false;
        ssize_t n = read(fd, acc + *len, cap - 1 - *len);
        if (n <= 0)
            return false;
        *len += (size_t)n;
        acc[*len] = '\0';
    }
    return true;
}

static int wait_exit(pid_t pid)
{
    for (int i = 0; i < 1000; i++) {
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        usleep(10000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return -1;
}

static void get_home(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct timeval tv = {5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
    static const char req[] = "GET /?q=\x1b[2J HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    assert_int_equal(send(fd, req, sizeof req - 1, MSG_NOSIGNAL), (ssize_t)(sizeof req - 1));
    char resp[4096];
    size_t len = 0;
    ssize_t n;
    while (len + 1 < sizeof resp && (n = recv(fd, resp + len, sizeof resp - 1 - len, 0)) > 0)
        len += (size_t)n;
    resp[len] = '\0';
    close(fd);
    assert_non_null(strstr(resp, "HTTP/1.1 200"));
    assert_non_null(strstr(resp, "RUN-HOME"));
}

static void run_until(int sig, bool access_log)
{
    int out[2], err[2];
    assert_int_equal(pipe(out), 0);
    assert_int_equal(pipe(err), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(out[1], STDOUT_FILENO);
        dup2(err[1], STDERR_FILENO);
        close(out[0]);
        close(err[0]);
        struct serve_options opt = {
            .root = site_dir, .host = "127.0.0.1", .port = 0, .access_log = access_log};
        struct diag d;
        diag_clear(&d);
        enum status st = serve_run(&opt, &d);
        if (st != ST_OK)
            log_diag(LOG_ERROR, &d);
        fflush(stdout);
        _exit(st == ST_OK ? 0 : 3);
    }
    close(out[1]);
    close(err[1]);
    char text[4096] = "", log[8192] = "";
    size_t tlen = 0, llen = 0;
    bool started = read_until(out[0], text, sizeof text, &tlen, "(Ctrl-C to stop)\n");
    char want[128];
    snprintf(want, sizeof want, "Serving %s at http://127.0.0.1:", site_dir);
    const char *at = strstr(text, want);
    unsigned port = at ? (unsigned)atoi(at + strlen(want)) : 0;
    if (!started || port == 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        fail_msg("no start line: '%s'", text);
    }
    get_home(port);
    /* The control byte in the query is logged escaped, never raw. */
    bool logged = access_log && read_until(err[0], log, sizeof log, &llen, " 200 8\n");
    kill(pid, sig);
    int code = wait_exit(pid);
    /* The rest of stderr, up to the child's exit. */
    read_until(err[0], log, sizeof log, &llen, "\n(never)");
    close(out[0]);
    close(err[0]);
    if (access_log) {
        if (!logged)
            fail_msg("no access-log line in '%s'", log);
        assert_non_null(strstr(log, " 127.0.0.1 GET /?q=%1B[2J 200 8\n"));
        assert_null(strchr(log, '\x1b'));
    } else if (strstr(log, " GET ")) {
        fail_msg("access log written while off: '%s'", log);
    }
    assert_int_equal(code, 0);
}

static void sigterm_stops_cleanly(void **state)
{
    run_until(SIGTERM, true);
}

/* Also: without access_log, requests leave no trace on stderr. */
static void sigint_stops_cleanly_and_quiet(void **state)
{
    run_until(SIGINT, false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sigterm_stops_cleanly),
        cmocka_unit_test(sigint_stops_cleanly_and_quiet),
    };
    return cmocka_run_group_tests(tests, make_site, remove_site);
}
