/*
 * version.c — `tearsheet --version`: tearsheet's version and those of
 * the libraries it runs with, what a bug report needs. Versions are
 * asked of the libraries themselves where they can say (the ones loaded
 * now, which may be newer than the headers built against); md4c and
 * libcbor have no such call, so theirs are the build's. libcurl and
 * libpq are not linked but opened by the commands that use them
 * (base's dynlib.c); they are opened here to ask, and one that cannot
 * be is reported with the reason, which names its Debian package.
 *
 * Must never: name a library the binary is not linked with as if it
 * were, or start libvips to ask it.
 */
#include <brotli/decode.h>
#include <cbor.h>
#include <expat.h>
#include <jansson.h>
#include <microhttpd.h>
#include <openssl/crypto.h>
#include <sqlite3.h>
#include <yaml.h>
#include <zlib.h>

#include "base/base.h"
#include "cli/cli.h"
#include "fetch/fetch.h"
#include "image/image.h"
#include "serve/serve.h"

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
            "libmicrohttpd %s\n"
            "libyaml %s\n"
            "md4c %s (built with)\n"
            "expat %d.%d.%d\n"
            "jansson %s\n"
            "libcbor %d.%d.%d (built with)\n"
            "brotli %u.%u.%u\n"
            "zlib %s\n",
            OpenSSL_version(OPENSSL_VERSION), sqlite3_libversion(), MHD_get_version(),
            yaml_get_version_string(), TS_MD4C_VERSION, expat.major, expat.minor, expat.micro,
            jansson_version_str(), CBOR_MAJOR_VERSION, CBOR_MINOR_VERSION, CBOR_PATCH_VERSION,
            brotli >> 24, (brotli >> 12) & 0xFFFu, brotli & 0xFFFu, zlibVersion());
    /* opened only to be asked: a missing one breaks only its commands */
    char why[TS_LIMIT_PATH + 1024];
    const char *curl = fetch_libcurl_version(&d);
    if (curl)
        fprintf(f, "libcurl %s (verify --fetch)\n", curl);
    else {
        diag_format(&d, why, sizeof why);
        fprintf(f, "libcurl: not available: %s\n", why);
    }
    /* major * 10000 + minor since PostgreSQL 10 (libpq-fe.h) */
    int pq = serve_libpq_version(&d);
    if (pq)
        fprintf(f, "libpq %d.%d (the inquiry store on PostgreSQL)\n", pq / 10000, pq % 10000);
    else {
        diag_format(&d, why, sizeof why);
        fprintf(f, "libpq: not available: %s\n", why);
    }
    return rc;
}
