/*
 * file.c — whole-file reads with a cap (copied, or mapped for files we
 * replace only by rename), atomic writes (temporary file + rename),
 * mkdir -p, path joining.
 * Must never: leave a half-written file under the final name.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/base.h"

/* Opens a regular file of at most `max` bytes: *fd, and its fstat in
 * *sb. On failure nothing is left open. */
static enum status open_capped(const char *path, size_t max, int *fd, struct stat *sb,
                               struct diag *d)
{
    diag_set_file(d, path);
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return diag_set(d, errno == ENOENT ? ST_NOT_FOUND : ST_IO, NULL, DIAG_NO_OFFSET,
                        "cannot open: %s", strerror(errno));
    enum status st = ST_OK;
    if (fstat(*fd, sb) != 0)
        st = diag_set(d, ST_IO, NULL, DIAG_NO_OFFSET, "cannot stat: %s", strerror(errno));
    else if (!S_ISREG(sb->st_mode))
        st = diag_set(d, ST_IO, NULL, DIAG_NO_OFFSET, "not a regular file");
    else if ((uint64_t)sb->st_size > max)
        st = diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "file is %lld bytes, over the limit of %zu",
                      (long long)sb->st_size, max);
    if (st != ST_OK) {
        close(*fd);
        *fd = -1;
    }
    return st;
}

enum status file_read_all(const char *path, size_t max, uint8_t **data, size_t *len,
                          struct diag *d)
{
    *data = NULL;
    *len = 0;
    int fd;
    struct stat sb;
    enum status st = open_capped(path, max, &fd, &sb, d);
    if (st != ST_OK)
        return st;
    size_t want = (size_t)sb.st_size;
    uint8_t *p = malloc(want + 1);
    if (!p) {
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory reading %zu bytes", want);
        goto abort;
    }
    size_t got = 0;
    while (got < want) {
        ssize_t r = read(fd, p + got, want - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            st = diag_set(d, ST_IO, NULL, got, "read failed: %s", strerror(errno));
            goto abort;
        }
        if (r == 0)
            break; /* file shrank while we read it: take what is there */
        got += (size_t)r;
    }
    p[got] = 0;
    *data = p;
    *len = got;
    p = NULL;
abort:
    free(p);
    close(fd);
    return st;
}

enum status file_map_read(const char *path, size_t max, const uint8_t **data, size_t *len,
                          struct stat *sb, struct diag *d)
{
    *data = NULL;
    *len = 0;
    int fd;
    enum status st = open_capped(path, max, &fd, sb, d);
    if (st != ST_OK)
        return st;
    if (sb->st_size == 0) {
        *data = (const uint8_t *)""; /* mmap refuses a length of 0 */
        goto abort;
    }
    void *p = mmap(NULL, (size_t)sb->st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
        st = diag_set(d, errno == ENOMEM ? ST_NOMEM : ST_IO, NULL, DIAG_NO_OFFSET,
                      "cannot map: %s", strerror(errno));
        goto abort;
    }
    *data = p;
    *len = (size_t)sb->st_size;
abort:
    close(fd); /* the mapping keeps the inode */
    return st;
}

void file_unmap(const void *data, size_t len)
{
    if (data && len)
        munmap((void *)(uintptr_t)data, len);
}

enum status file_write_atomic(const char *path, const void *data, size_t len, struct diag *d)
{
    char tmp[TS_LIMIT_PATH];
    diag_set_file(d, path);
    if ((size_t)snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path) >= sizeof tmp)
        return diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "path too long");
    int fd = mkstemp(tmp);
    if (fd < 0)
        return diag_set(d, ST_IO, NULL, DIAG_NO_OFFSET, "cannot create temporary file: %s",
                        strerror(errno));
    const uint8_t *p = data;
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, p + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0) {
            int e = errno;
            close(fd);
            unlink(tmp);
            return diag_set(d, ST_IO, NULL, DIAG_NO_OFFSET, "write failed: %s", strerror(e));
        }
        done += (size_t)w;
    }
    /* mkstemp makes 0600; published files are world-readable */
    if (fchmod(fd, 0644) != 0 || close(fd) != 0) {
        int e = errno;
        unlink(tmp);
        return diag_set(d, ST_IO, NULL, DIAG_NO_OFFSET, "cannot finish file: %s", strerror(e));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return diag_set(d, ST_IO, NULL, DIAG_NO_OFFSET, "cannot rename into place: %s",
                        strerror(e));
    }
    return ST_OK;
}

enum status file_mkdirs(const char *path, struct diag *d)
{
    char tmp[TS_LIMIT_PATH];
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof tmp)
        return diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "bad folder path");
    memcpy(tmp, path, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (tmp[i] == '/' || tmp[i] == '\0') {
            char save = tmp[i];
            tmp[i] = '\0';
            if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
                diag_set_file(d, tmp);
                return diag_set(d, ST_IO, NULL, DIAG_NO_OFFSET, "cannot create folder: %s",
                                strerror(errno));
            }
            tmp[i] = save;
        }
    }
    return ST_OK;
}

bool file_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

/* Copied, not formatted: a 10,000-photo no-op joins 40,000 paths, and
 * snprintf's format parsing was most of each. What does not fit is cut
 * as snprintf cut it, for a caller that prints it. */
bool path_join(char *out, size_t outlen, const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    bool slash = na > 0 && a[na - 1] != '/';
    if (na + slash + nb >= outlen) {
        int n = snprintf(out, outlen, "%s%s%s", a, slash ? "/" : "", b);
        return n >= 0 && (size_t)n < outlen;
    }
    memcpy(out, a, na);
    out[na] = '/';
    memcpy(out + na + slash, b, nb + 1);
    return true;
}
