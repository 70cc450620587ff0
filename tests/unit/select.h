/*
 * select.h — which cases of a unit test program one ctest test runs.
 *
 * Cases that need something beyond what the README's commands install
 * are named for it: `corpus_*` read ../shared/corpus (absent from a
 * user's fresh clone), `ipv6_*` need an IPv6 loopback (absent from
 * some containers). tests/CMakeLists.txt registers a program that has
 * such cases twice: `unit_<module>` runs `--except corpus_` (every
 * other case, always), `unit_<module>_corpus` runs `--only corpus_`,
 * which says Skipped (tests/lib/skip.h) when ../shared is absent. So no
 * passing test ever stands for a case that did not run.
 *
 * Must never: skip a case from inside it with cmocka's skip() (ctest
 * would count the program as passed).
 */
#ifndef TS_TESTS_SELECT_H
#define TS_TESTS_SELECT_H

#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "skip.h"

static inline bool ts_have_ipv6_loopback(void)
{
    int fd = socket(AF_INET6, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    struct sockaddr_in6 a = {.sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT};
    bool ok = bind(fd, (struct sockaddr *)&a, sizeof a) == 0;
    close(fd);
    return ok;
}

/* Call first in main(), before cmocka_run_group_tests. */
static inline void ts_unit_select(int argc, char **argv)
{
    if (argc < 3)
        return; /* run by hand: every case */
    static char pattern[64]; /* cmocka keeps the pointer, not a copy */
    snprintf(pattern, sizeof pattern, "%s*", argv[2]);
    if (strcmp(argv[1], "--except") == 0) {
        cmocka_set_skip_filter(pattern);
        return;
    }
    if (strcmp(argv[1], "--only") != 0)
        return;
    if (strcmp(argv[2], "corpus_") == 0 && access(TS_SHARED_DIR "/corpus", R_OK) != 0)
        ts_skip_program(TS_SHARED_DIR "/corpus is absent (the extended corpus: the project's "
                                      "../shared folder)");
    if (strcmp(argv[2], "ipv6_") == 0 && !ts_have_ipv6_loopback())
        ts_skip_program("no IPv6 loopback (::1) on this machine");
    cmocka_set_test_filter(pattern);
}

#endif
