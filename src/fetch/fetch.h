/*
 * fetch.h — the one header of the fetch module: one HTTP(S) GET of a
 * resource whose size and time are capped, for `tearsheet verify
 * --fetch` (a remote C2PA manifest, C2PA 2.2 §11.3); and one POST of
 * the same kind, for an RFC 3161 time-stamp request while signing.
 *
 * libcurl is loaded on the first fetch, never at start-up (fetch.c).
 *
 * Must never: follow a redirect to a scheme other than http/https
 * (file:, ftp:, gopher: would read the machine or reach other
 * services), keep more than `max` bytes, take longer than
 * TS_LIMIT_FETCH_SECONDS, or accept a reply other than 200.
 *
 * Specs: RFC 9110 (HTTP semantics: status codes, redirects); RFC 3161
 * §3.4 (time-stamp protocol over HTTP).
 */
#ifndef TS_FETCH_H
#define TS_FETCH_H

#include <stddef.h>
#include <stdint.h>

#include "base/base.h"

/*
 * GETs `url` (http or https only, at most 3 redirects, each http or
 * https) into *out (malloc'd, *len bytes). ST_USAGE for another scheme,
 * ST_LIMIT when the body is larger than `max` or the transfer takes
 * too long, ST_IO (diag says what the server or network said) for
 * every other failure.
 */
enum status fetch_url(const char *url, size_t max, uint8_t **out, size_t *len, struct diag *d);

/*
 * POSTs `body` (Content-Type `type`) to `url` and reads the answer as
 * fetch_url does, but follows no redirect (a request is not re-sent
 * elsewhere). `what` names the request in diags ("time-stamp
 * authority").
 */
enum status fetch_post(const char *what, const char *url, const char *type, const uint8_t *body,
                       size_t body_len, size_t max, uint8_t **out, size_t *len, struct diag *d);

/*
 * libcurl's version ("7.88.1"), loading it as a fetch would; NULL with
 * the reason in d when it cannot be loaded. For `tearsheet --version`.
 */
const char *fetch_libcurl_version(struct diag *d);

#endif
