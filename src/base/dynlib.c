/*
 * dynlib.c — a Debian library opened by its soname when a command first
 * needs it, for libraries only one or two commands use (libcurl for
 * `verify --fetch` and time-stamping, libpq for a PostgreSQL inquiry
 * store). Linking them would map them, and the ~25 libraries they pull
 * in (Kerberos, LDAP, GnuTLS, SSH...), at the start of every command,
 * `tearsheet build` included (docs/performance.md "Start-up").
 *
 * The caller keeps a table of the functions it uses, each typed with
 * __typeof__ of the declaration in the library's own header, so every
 * call is still checked by the compiler; the soname fixes the ABI those
 * headers describe.
 *
 * Must never: name a library without the Debian package that provides
 * it (the person who meets the message has to install something), or
 * close a library once opened (its functions may be in use on another
 * thread; the process keeps it until exit).
 */
#include <dlfcn.h>

#include "base/base.h"

void *dynlib_open(const char *soname, const char *package, const char *purpose, struct diag *d)
{
    void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        diag_set(d, ST_NOT_FOUND, soname, DIAG_NO_OFFSET,
                 "%s needs %s (Debian package %s), which cannot be loaded: %s", purpose, soname,
                 package, why ? why : "unknown error");
    }
    return h;
}

bool dynlib_bind(void *h, const char *soname, const char *package, const char *name, void **slot,
                 struct diag *d)
{
    dlerror(); /* a NULL symbol is told from a failure only by dlerror */
    *slot = dlsym(h, name);
    const char *why = *slot ? NULL : dlerror();
    if (!*slot)
        diag_set(d, ST_NOT_FOUND, soname, DIAG_NO_OFFSET,
                 "%s has no %s (%s): install the version of Debian package %s tearsheet was "
                 "built with",
                 soname, name, why ? why : "found as NULL", package);
    return *slot != NULL;
}
