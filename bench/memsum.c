/*
 * memsum.c — runs one command and writes the peak memory of it and all
 * its descendants together: the most the machine had to hold for the job
 * at any moment. GNU time's %M is the largest single process; a tool run
 * as one process per photo on every core (vipsthumbnail, the floor) needs
 * the sum of the processes alive at once, and tearsheet, one process
 * with a worker per core, its own. Memory is PSS (proportional set size,
 * /proc/PID/smaps_rollup): pages shared between the processes (their
 * libraries) are counted once, not once per process.
 * Built and run by bench/run.sh; independent of the tearsheet build.
 *
 * Sampled every 20 ms: a peak shorter than that can be missed, the same
 * for every tool. The scan of /proc costs about 1 % of one core.
 *
 * Must never: change the command's output, or report a peak for a
 * command that could not run.
 *
 * usage: memsum OUTFILE COMMAND [ARGS...]
 *   OUTFILE gets "peak_pss_kb N samples N"; memsum exits with the
 *   command's status.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROCS 65536

/* ppid from /proc/PID/stat: the field after the parenthesised name,
 * which may itself contain spaces and parentheses. */
static long parent_of(long pid)
{
    char path[64], line[512];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = '\0';
    char *close = strrchr(line, ')');
    long ppid = -1;
    if (!close || sscanf(close + 1, " %*c %ld", &ppid) != 1)
        return -1;
    return ppid;
}

static long pss_kb(long pid)
{
    char path[64], line[256];
    snprintf(path, sizeof path, "/proc/%ld/smaps_rollup", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0; /* gone between the scan and now */
    long kb = 0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "Pss: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* The summed PSS of `root` and every process descended from it. */
static long tree_pss_kb(long root)
{
    static long pids[MAX_PROCS], ppids[MAX_PROCS];
    static unsigned char in_tree[MAX_PROCS];
    size_t n = 0;
    DIR *d = opendir("/proc");
    if (!d)
        return 0;
    for (struct dirent *e; (e = readdir(d)) && n < MAX_PROCS;) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || pid <= 0)
            continue;
        pids[n] = pid;
        ppids[n] = parent_of(pid);
        n++;
    }
    closedir(d);
    memset(in_tree, 0, n);
    /* descendants: repeat until no process joins (trees are shallow) */
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t i = 0; i < n; i++) {
            if (in_tree[i])
                continue;
            int joins = pids[i] == root;
            for (size_t j = 0; !joins && j < n; j++)
                joins = in_tree[j] && pids[j] == ppids[i];
            if (joins) {
                in_tree[i] = 1;
                changed = 1;
            }
        }
    }
    long sum = 0;
    for (size_t i = 0; i < n; i++)
        if (in_tree[i])
            sum += pss_kb(pids[i]);
    return sum;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: memsum OUTFILE COMMAND [ARGS...]\n");
        return 2;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("memsum: fork");
        return 2;
    }
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        perror("memsum: exec");
        _exit(127);
    }
    long peak = 0, samples = 0;
    int status = 0;
    const struct timespec tick = {0, 20 * 1000 * 1000};
    for (;;) {
        pid_t w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            break;
        if (w < 0) {
            perror("memsum: waitpid");
            return 2;
        }
        long kb = tree_pss_kb(pid);
        samples++;
        if (kb > peak)
            peak = kb;
        nanosleep(&tick, NULL);
    }
    FILE *out = fopen(argv[1], "w");
    if (!out) {
        perror(argv[1]);
        return 2;
    }
    fprintf(out, "peak_pss_kb %ld samples %ld\n", peak, samples);
    fclose(out);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
