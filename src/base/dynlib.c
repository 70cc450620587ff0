/*
 * dynlib.c — a Debian library opened by its soname when a command first
 * needs it, for libraries only one or two commands use (libcurl for
 * `verify --fetch` and time-stamping, libpq for a PostgreSQL inquiry
 * store, libmicrohttpd for serve). Linking them would map them, and the
 * ~25 libraries they pull in (Kerberos, LDAP, GnuTLS, SSH...), at the
 * start of every command, `tearsheet build` included
 * (docs/performance.md "Start-up").
 *
 * The user keeps a table of the functions it calls, each typed with
 * __typeof__ of the declaration in the library's own header, so every
 * call is still checked by the compiler; the soname fixes the ABI those
 * headers describe.
 *
 * Must never: name a library without the Debian package that provides
 * it (the person who meets the message has to install something), try
 * a library twice (the first answer stands for the whole run), or close
 * one once opened (its functions may be in use on another thread).
 */
#include <dlfcn.h>

#include "base/base.h"

bool dynlib_bind(const struct dynlib *l, void *h, const char *name, void **slot, struct diag *d)
{
    dlerror(); /* a NULL symbol is told from a failure only by dlerror */
    *slot = dlsym(h, name);
    const char *why = *slot ? NULL : dlerror();
    if (!*slot)
        diag_set(d, ST_NOT_FOUND, l->soname, DIAG_NO_OFFSET,
                 "%s has no %s (%s): install the version of Debian package %s tearsheet was "
                 "built with",
                 l->soname, name, why ? why : "found as NULL", l->package);
    return *slot != NULL;
}

/* Opens and binds; the outcome in l->state and l->failure. */
static void load(struct dynlib *l)
{
    struct diag *d = &l->failure;
    diag_clear(d);
    void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        diag_set(d, ST_NOT_FOUND, l->soname, DIAG_NO_OFFSET,
                 "%s needs %s (Debian package %s), which cannot be loaded: %s", l->purpose,
                 l->soname, l->package, why ? why : "unknown error");
        return;
    }
    if (l->bind(l, h, d)) /* else d says why; h stays open, as always */
        l->state = DYNLIB_READY;
}

bool dynlib_load(struct dynlib *l, const char *field, struct diag *d)
{
    pthread_mutex_lock(&l->lock);
    if (l->state == DYNLIB_UNTRIED) {
        l->state = DYNLIB_FAILED;
        load(l);
    }
    bool ready = l->state == DYNLIB_READY;
    pthread_mutex_unlock(&l->lock);
    /* l->failure is written once, under the lock, before any reader */
    if (!ready)
        diag_set(d, l->failure.status, field, DIAG_NO_OFFSET, "%s", l->failure.message);
    return ready;
}
