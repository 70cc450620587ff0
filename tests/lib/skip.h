/*
 * tests/lib/skip.h — how a C test program says it cannot run here.
 *
 * The same rule as tests/lib/skip.sh: a program whose prerequisite
 * (the ../shared corpus, exiftool) is missing exits 77, which ctest
 * shows as Skipped; under CI=true, where every prerequisite is
 * installed on purpose, it fails instead. Call it before running any
 * case: a program never skips some of its cases and passes.
 */
#ifndef TS_TESTS_SKIP_H
#define TS_TESTS_SKIP_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void ts_skip_program(const char *why)
{
    const char *ci = getenv("CI");
    if (ci && strcmp(ci, "true") == 0) {
        printf("FAILED: cannot run under CI=true, where nothing may be skipped: %s\n", why);
        exit(1);
    }
    printf("SKIPPED: %s\n", why);
    exit(77);
}

#endif
