/*
 * cputime.c — runs one command and prints the CPU seconds (user + system)
 * it and all its children used, with microsecond resolution, then its
 * exit status: "cpu 0.012345 rc 0". GNU time prints hundredths, too
 * coarse for a verify that takes a few milliseconds; CPU time rather than
 * wall time because the benchmark machine is shared.
 * Built and run by bench/c2pa.sh; independent of the tearsheet build.
 *
 * Must never: change the command's output (stdout/stderr go to
 * /dev/null unless -v), or report a time for a command that could not run.
 *
 * usage: cputime [-v] COMMAND [ARGS...]
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    int first = 1;
    int verbose = 0;
    if (argc > 1 && strcmp(argv[1], "-v") == 0) {
        verbose = 1;
        first = 2;
    }
    if (first >= argc) {
        fprintf(stderr, "usage: cputime [-v] COMMAND [ARGS...]\n");
        return 2;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("cputime: fork");
        return 2;
    }
    if (pid == 0) {
        if (!verbose) {
            int fd = open("/dev/null", O_WRONLY);
            if (fd >= 0) {
                dup2(fd, 1);
                dup2(fd, 2);
                close(fd);
            }
        }
        execvp(argv[first], argv + first);
        _exit(127);
    }
    int status = 0;
    if (waitpid(pid, &status, 0) < 0) {
        perror("cputime: waitpid");
        return 2;
    }
    struct rusage ru;
    if (getrusage(RUSAGE_CHILDREN, &ru) != 0) {
        perror("cputime: getrusage");
        return 2;
    }
    int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    if (rc == 127) {
        fprintf(stderr, "cputime: could not run %s\n", argv[first]);
        return 2;
    }
    double cpu = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    printf("cpu %.6f rc %d\n", cpu, rc);
    return 0;
}
