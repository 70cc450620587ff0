/*
 * corpus.h — for unit tests: the bytes of a file of ../shared/corpus/c2pa
 * (TS_SHARED_DIR, set by tests/CMakeLists.txt), or NULL when it is
 * absent; the corpus_* cases that use it run only where ../shared is
 * (select.h). Header only: each test program is its own executable.
 */
#ifndef TS_TESTS_CORPUS_H
#define TS_TESTS_CORPUS_H

#include <stdint.h>
#include <stdio.h>

#include "base/base.h"

static inline uint8_t *read_corpus(const char *name, size_t *len)
{
    char path[TS_LIMIT_PATH];
    uint8_t *data = NULL;
    struct diag d;
    diag_clear(&d);
    snprintf(path, sizeof path, "%s/corpus/c2pa/%s", TS_SHARED_DIR, name);
    if (file_read_all(path, TS_LIMIT_PHOTO_BYTES, &data, len, &d) != ST_OK)
        return NULL;
    return data;
}

#endif
