/*
 * version.c — `tearsheet --version`: tearsheet's version and those of
 * the libraries it runs with, what a bug report needs. Versions are
 * asked of the libraries themselves where they can say (the ones loaded
 * now, which may be newer than the headers built against); md4c and
 * libcbor have no such call, so theirs are the build's. libcurl, libpq
 * and libmicrohttpd are not linked but opened by the commands that use
 * them (base's dynlib.c); they are opened here to ask, and one that
 * cannot be is reported with the reason, which names its package.
 *
 * Must never: name a library the binary is not linked with as if it
 * were, or start libvips to ask it.
 */
#include <brotli/decode.h>
#include <cbor.h>
#include <expat.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <sqlite3.h>
#include <yaml.h>
#include <zlib.h>

#include "base/base.h"
#include "cli/cli.h"
#include "fetch/fetch.h"
#include "image/image.h"
#include "serve/http.h"
#include "serve/serve.h"

/* A library opened only to be asked (a missing one breaks only the
 * commands that use it, so --version still succeeds): its version, or
 * why it is not available. */
static void print_opened(FILE *f, const char *name, const char *version, const char *use,
                         const struct diag *d)
{
    if (version)
        fprintf(f, "%s %s (%s)\n", name, version, use);
    else /* the message names the library already */
        fprintf(f, "%s: not available: %s\n", name, d->message);
}

int cli_print_version(FILE *f)
{
    int rc = CLI_EXIT_OK;
    fprintf(f, "tearsheet %s\n", TS_VERSION);
    struct diag d;
    diag_clear(&d);
    const char *module = NULL;
    const char *vips = image_libvips_version(&module, &d);
    if (vips && module)
        fprintf(f, "libvips %s (image module %s)\n", vips, module);
    else if (vips)
        fprintf(f, "libvips %s\n", vips);
    else {
        char why[TS_LIMIT_PATH + 1024];
        diag_format(&d, why, sizeof why);
        fprintf(f, "libvips: not available: %s\n", why);
        rc = CLI_EXIT_PROBLEMS;
    }
    /* major << 24 | minor << 12 | patch (brotli/decode.h) */
    uint32_t brotli = BrotliDecoderVersion();
    XML_Expat_Version expat = XML_ExpatVersionInfo();
    fprintf(f,
            "%s\n"
            "SQLite %s\n"
            "libyaml %s\n"
            "md4c %s (built with)\n"
            "expat %d.%d.%d\n"
            "jansson %s\n"
            "libcbor %d.%d.%d (built with)\n"
            "brotli %u.%u.%u\n"
            "zlib %s\n",
            OpenSSL_version(OPENSSL_VERSION), sqlite3_libversion(), yaml_get_version_string(),
            TS_MD4C_VERSION, expat.major, expat.minor, expat.micro, jansson_version_str(),
            CBOR_MAJOR_VERSION, CBOR_MINOR_VERSION, CBOR_PATCH_VERSION, brotli >> 24,
            (brotli >> 12) & 0xFFFu, brotli & 0xFFFu, zlibVersion());
    print_opened(f, "libmicrohttpd", serve_http_mhd_version(&d), "serve", &d);
    print_opened(f, "libcurl", fetch_libcurl_version(&d), "verify --fetch", &d);
    /* major * 10000 + minor since PostgreSQL 10 (libpq-fe.h) */
    char pq[32] = "";
    int pqv = serve_libpq_version(&d);
    if (pqv)
        snprintf(pq, sizeof pq, "%d.%d", pqv / 10000, pqv % 10000);
    print_opened(f, "libpq", pqv ? pq : NULL, "the inquiry store on PostgreSQL", &d);
    return rc;
}
