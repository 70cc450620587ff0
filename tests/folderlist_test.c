/*
 * folderlist_test.c — a folder's listing (src/site/folderlist.c, what
 * a no-op build checks published derivatives with): a regular file is
 * found with its own inode only, never with another's or on another
 * device; a name not there, a folder, a symbolic link to the file are
 * not taken; a folder of 16,000 entries (2,000 photos of 8 derivatives)
 * finds every one; the listing reused for a second, smaller folder
 * forgets the first. Writes only to a mkdtemp folder.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "lib/tmpdir.h"
#include "site/internal.h"

enum { many = 16000 };

static void make_file(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    assert_true(fd >= 0);
    close(fd);
}

static struct stat stat_of(const char *dir, const char *name)
{
    char path[512];
    struct stat sb;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(lstat(path, &sb), 0);
    return sb;
}

static void listing(void **state)
{
    (void)state;
    char dir[64], small[80], name[64], path[512];
    snprintf(dir, sizeof dir, "/tmp/ts-folderlist-XXXXXX");
    assert_non_null(mkdtemp(dir));
    for (int i = 0; i < many; i++) {
        snprintf(name, sizeof name, "photo-%04d.0123456789-%d.%s", i / 8, 480 << (i % 4),
                 i % 8 < 4 ? "jpg" : "webp");
        make_file(dir, name);
    }
    snprintf(path, sizeof path, "%s/sub", dir);
    assert_int_equal(mkdir(path, 0755), 0);
    snprintf(path, sizeof path, "%s/link.jpg", dir);
    assert_int_equal(symlink("photo-0000.0123456789-480.jpg", path), 0);

    struct site_folder_list l = {0};
    assert_int_equal(site_folder_list_find(&l, "x", 1, 1), SITE_FOLDER_ASK); /* none read */
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    assert_true(site_folder_list_read(&l, fd));
    close(fd);
    /* ".", "..", the files, the folder and the link */
    assert_int_equal(l.n, many + 4);
    struct stat first = stat_of(dir, "photo-0000.0123456789-480.jpg");
    uint64_t dev = (uint64_t)first.st_dev;
    for (int i = 0; i < many; i++) {
        snprintf(name, sizeof name, "photo-%04d.0123456789-%d.%s", i / 8, 480 << (i % 4),
                 i % 8 < 4 ? "jpg" : "webp");
        struct stat sb = stat_of(dir, name);
        enum site_folder_hit h = site_folder_list_find(&l, name, (uint64_t)sb.st_ino, dev);
        if (h == SITE_FOLDER_ASK) /* a file system that does not type its entries */
            continue;
        assert_int_equal(h, SITE_FOLDER_SAME);
        /* another file's inode, another device */
        assert_int_equal(site_folder_list_find(&l, name, (uint64_t)sb.st_ino + 1, dev),
                         SITE_FOLDER_OTHER);
        assert_int_equal(site_folder_list_find(&l, name, (uint64_t)sb.st_ino, dev + 1),
                         SITE_FOLDER_OTHER);
    }
    assert_int_equal(
        site_folder_list_find(&l, "photo-9999.0123456789-480.jpg", (uint64_t)first.st_ino, dev),
        SITE_FOLDER_OTHER);
    struct stat sub = stat_of(dir, "sub");
    assert_int_not_equal(site_folder_list_find(&l, "sub", (uint64_t)sub.st_ino, dev),
                         SITE_FOLDER_SAME);
    /* a link to the file is not the file, even by the file's inode */
    assert_int_not_equal(site_folder_list_find(&l, "link.jpg", (uint64_t)first.st_ino, dev),
                         SITE_FOLDER_SAME);

    /* the same listing, another folder: the first one's names are gone */
    snprintf(small, sizeof small, "%s/sub", dir);
    make_file(small, "only.jpg");
    struct stat only = stat_of(small, "only.jpg");
    fd = open(small, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    assert_true(site_folder_list_read(&l, fd));
    close(fd);
    assert_int_equal(l.n, 3);
    assert_int_not_equal(site_folder_list_find(&l, "only.jpg", (uint64_t)only.st_ino, dev),
                         SITE_FOLDER_OTHER);
    assert_int_equal(
        site_folder_list_find(&l, "photo-0000.0123456789-480.jpg", (uint64_t)first.st_ino, dev),
        SITE_FOLDER_OTHER);
    /* a descriptor that is not a folder: not listed, every name asked */
    assert_false(site_folder_list_read(&l, -1));
    assert_int_equal(site_folder_list_find(&l, "only.jpg", (uint64_t)only.st_ino, dev),
                     SITE_FOLDER_ASK);
    site_folder_list_free(&l);
    site_folder_list_free(&l); /* freed twice: nothing to do */
    test_tmpdir_remove(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(listing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
