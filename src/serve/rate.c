/*
 * rate.c — token buckets per client network, in a fixed table: an IPv4
 * client counts as its address (/32), an IPv6 client as its /64 — the
 * smallest block one subscriber is given (RFC 6177), from which it can
 * use 2^64 addresses, so a bucket per address would be none at all.
 * An IPv4-mapped IPv6 address (::ffff:a.b.c.d) counts as the IPv4.
 *
 * With a store that shares limits (PostgreSQL, docs/deploy.md), a
 * request this table lets through is counted in the store too, so that
 * N servers do not give N bursts; this table still refuses first, at no
 * cost to the database.
 *
 * Must never: grow past its fixed size (a new network takes the slot
 * of the one seen longest ago), or keep a lock while doing anything
 * but arithmetic.
 *
 * Spec: RFC 6177 (/64 per site is the minimum), RFC 4291 §2.5.5.2
 * (IPv4-mapped addresses).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "serve/lic.h"

struct rate_entry {
    uint8_t key[SERVE_RATE_KEY_BYTES]; /* all zero: free */
    double tokens;
    time_t last;
};

struct serve_rate {
    pthread_mutex_t lock;
    unsigned burst, refill_s;
    size_t n;
    struct rate_entry *e;
    struct serve_store *shared; /* NULL: this process's memory only */
    const char *bucket;
};

void serve_rate_share(struct serve_rate *r, struct serve_store *s, const char *bucket)
{
    if (!s->ops->secret_in_file) {
        r->shared = s;
        r->bucket = bucket;
    }
}

bool serve_rate_key(const char *client, uint8_t key[SERVE_RATE_KEY_BYTES])
{
    static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    uint8_t a[16];
    memset(key, 0, SERVE_RATE_KEY_BYTES);
    if (inet_pton(AF_INET, client, a) == 1) {
        key[0] = 4;
        memcpy(key + 1, a, 4);
        return true;
    }
    if (inet_pton(AF_INET6, client, a) != 1)
        return false;
    if (memcmp(a, mapped, sizeof mapped) == 0) {
        key[0] = 4;
        memcpy(key + 1, a + 12, 4);
    } else {
        key[0] = 6;
        memcpy(key + 1, a, 8); /* the /64; the interface id is the client's to choose */
    }
    return true;
}

enum status serve_rate_new(unsigned burst, unsigned refill_s, size_t slots, struct serve_rate **out,
                           struct diag *d)
{
    struct serve_rate *r = calloc(1, sizeof *r);
    *out = NULL;
    if (!r || !(r->e = calloc(slots ? slots : 1, sizeof *r->e))) {
        free(r);
        return diag_set(d, ST_NOMEM, "serve", DIAG_NO_OFFSET, "out of memory");
    }
    pthread_mutex_init(&r->lock, NULL);
    r->burst = burst ? burst : 1;
    r->refill_s = refill_s ? refill_s : 1;
    r->n = slots ? slots : 1;
    *out = r;
    return ST_OK;
}

void serve_rate_free(struct serve_rate *r)
{
    if (!r)
        return;
    pthread_mutex_destroy(&r->lock);
    free(r->e);
    free(r);
}

bool serve_rate_take(struct serve_rate *r, const char *client, time_t now, unsigned *retry_after)
{
    uint8_t key[SERVE_RATE_KEY_BYTES];
    /* NULL: a global budget's one bucket, the all-ones key; not an
     * address (cannot happen with MHD's peer): that same bucket rather
     * than none. */
    if (!client || !serve_rate_key(client, key))
        memset(key, 0xff, sizeof key);
    bool ok = false;
    struct rate_entry *e = NULL, *oldest = &r->e[0];
    pthread_mutex_lock(&r->lock);
    for (size_t i = 0; i < r->n; i++) {
        struct rate_entry *x = &r->e[i];
        bool used = x->key[0] != 0;
        if (used && memcmp(x->key, key, sizeof key) == 0) {
            e = x;
            break;
        }
        if (x->last < oldest->last || (!used && oldest->key[0] != 0))
            oldest = x;
    }
    if (!e) {
        e = oldest;
        memcpy(e->key, key, sizeof key);
        e->tokens = r->burst;
        e->last = now;
    }
    double elapsed = now > e->last ? (double)(now - e->last) : 0;
    e->tokens += elapsed / r->refill_s;
    if (e->tokens > r->burst)
        e->tokens = r->burst;
    e->last = now;
    if (e->tokens >= 1) {
        e->tokens -= 1;
        ok = true;
    } else if (retry_after) {
        *retry_after = (unsigned)((1 - e->tokens) * r->refill_s) + 1;
    }
    pthread_mutex_unlock(&r->lock);
    if (ok && r->shared) {
        char hex[2 * SERVE_RATE_KEY_BYTES + 1];
        struct diag d;
        diag_clear(&d);
        serve_hex(key, sizeof key, hex);
        /* A store that cannot answer lets the request through: its own
         * memory limited it above, and an inquiry then fails to store
         * anyway. */
        if (serve_store_rate_take(r->shared, r->bucket, hex, r->burst, r->refill_s, now, &ok,
                                  retry_after, &d) != ST_OK) {
            log_diag(LOG_WARN, &d);
            ok = true;
        }
    }
    return ok;
}
