/*
 * tmpdir.h — the end of a test's mkdtemp folder, for the C tests that
 * write files (statindex_test.c, manifest_test.c): removed with what
 * the code under test wrote in it, and said when it cannot be.
 */
#ifndef TS_TEST_TMPDIR_H
#define TS_TEST_TMPDIR_H

#include <stdio.h>
#include <stdlib.h>

static inline void test_tmpdir_remove(const char *dir)
{
    char cmd[256];
    /* our own mkdtemp name: no quote in it */
    if (snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir) >= (int)sizeof cmd || system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

#endif
