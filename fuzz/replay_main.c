/*
 * replay_main.c — the main() that turns each fuzz target into a plain
 * program: every argument is a file (or a folder of files) fed once to
 * LLVMFuzzerTestOneInput, so CI replays the corpus under ASan+UBSan
 * without libFuzzer (libvips' fuzz/ habit).
 *
 * A missing argument means the corpus it names is not on this machine
 * (../shared on a user's fresh clone): the program then replays nothing
 * and says Skipped (tests/lib/skip.h), so ctest never counts a replay
 * of nothing as passed. fuzz/CMakeLists.txt keeps the repository's own
 * seeds and the shared corpus in separate tests for that reason.
 *
 * Must never: be linked into a libFuzzer build (libFuzzer has its own
 * main), or stop at the first unreadable file without saying so.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/base.h"
#include "skip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int replay_file(const char *path, int *count)
{
    uint8_t *data = NULL;
    size_t len = 0;
    struct diag d;
    diag_clear(&d);
    if (file_read_all(path, TS_LIMIT_PHOTO_BYTES, &data, &len, &d) != ST_OK) {
        char msg[TS_LIMIT_PATH + 600];
        diag_format(&d, msg, sizeof msg);
        fprintf(stderr, "replay: %s\n", msg);
        return 1;
    }
    LLVMFuzzerTestOneInput(data, len);
    free(data);
    (*count)++;
    return 0;
}

int main(int argc, char **argv)
{
    int count = 0, errors = 0;
    for (int i = 1; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) != 0) {
            char why[TS_LIMIT_PATH + 32];
            snprintf(why, sizeof why, "%s not found", argv[i]);
            ts_skip_program(why);
        }
    }
    for (int i = 1; i < argc; i++) {
        struct stat sb;
        if (stat(argv[i], &sb) != 0)
            continue;
        if (!S_ISDIR(sb.st_mode)) {
            errors += replay_file(argv[i], &count);
            continue;
        }
        DIR *dp = opendir(argv[i]);
        struct dirent *de;
        while (dp && (de = readdir(dp)) != NULL) {
            char path[TS_LIMIT_PATH];
            if (de->d_name[0] == '.' || !path_join(path, sizeof path, argv[i], de->d_name))
                continue;
            if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode))
                errors += replay_file(path, &count);
        }
        if (dp)
            closedir(dp);
    }
    printf("%d files replayed, %d unreadable\n", count, errors);
    return errors ? 1 : 0;
}
