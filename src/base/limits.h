/*
 * limits.h — every limit tearsheet enforces, each with the reason it
 * exists (SQLite's sqliteLimit.h habit). Each can be overridden at
 * compile time with -DTS_LIMIT_...=N.
 *
 * A limit is not a guess at what is "big enough": it names the
 * pathological input it stops.
 */
#ifndef TS_BASE_LIMITS_H
#define TS_BASE_LIMITS_H

/* Longest path we build. Paths come from site folders the user owns. */
#ifndef TS_LIMIT_PATH
#define TS_LIMIT_PATH 4096
#endif

/* Largest photo file read into memory for metadata (a 100 MP TIFF is
 * ~300 MB; anything larger is not a photo we publish). */
#ifndef TS_LIMIT_PHOTO_BYTES
#define TS_LIMIT_PHOTO_BYTES ((size_t)1 << 30)
#endif

/* Largest story.md / site.yaml / template: stops a runaway file from
 * making every page render quadratic. */
#ifndef TS_LIMIT_TEXT_BYTES
#define TS_LIMIT_TEXT_BYTES ((size_t)16 << 20)
#endif

/* JPEG segments walked before giving up: a crafted file can hold
 * millions of 4-byte empty segments. */
#ifndef TS_LIMIT_JPEG_SEGMENTS
#define TS_LIMIT_JPEG_SEGMENTS 4096
#endif

/* TIFF IFDs: depth of sub-IFD nesting (IFD0 → Exif → Interop is 3;
 * cycles are caught separately by the visited set) and total entries
 * read per file (stops a chain of huge IFDs). */
#ifndef TS_LIMIT_IFD_DEPTH
#define TS_LIMIT_IFD_DEPTH 8
#endif
#ifndef TS_LIMIT_IFD_ENTRIES
#define TS_LIMIT_IFD_ENTRIES 20000
#endif
#ifndef TS_LIMIT_IFD_COUNT
#define TS_LIMIT_IFD_COUNT 64
#endif

/* IIM datasets per file: 2:25 keywords repeat, but no newsroom file
 * holds more than a few hundred. */
#ifndef TS_LIMIT_IIM_DATASETS
#define TS_LIMIT_IIM_DATASETS 4096
#endif

/* XMP: total packet size after joining Extended XMP chunks, element
 * nesting depth, and values kept per list (keywords, creators). */
#ifndef TS_LIMIT_XMP_BYTES
#define TS_LIMIT_XMP_BYTES ((size_t)16 << 20)
#endif
#ifndef TS_LIMIT_XMP_DEPTH
#define TS_LIMIT_XMP_DEPTH 64
#endif
#ifndef TS_LIMIT_LIST_ITEMS
#define TS_LIMIT_LIST_ITEMS 1024
#endif

/* Languages of one site (site.yaml `languages:`): every page of a story
 * names each of its translations (hreflang) and the sitemap repeats
 * them for every page, so the count multiplies the site's size. */
#ifndef TS_LIMIT_LANGUAGES
#define TS_LIMIT_LANGUAGES 8
#endif
/* Strings of one message catalogue of a theme (messages.LANG.yaml). */
#ifndef TS_LIMIT_MESSAGES
#define TS_LIMIT_MESSAGES 256
#endif

/* One metadata text value (a caption may be long; 64 KiB is ~30 pages). */
#ifndef TS_LIMIT_FIELD_BYTES
#define TS_LIMIT_FIELD_BYTES ((size_t)64 << 10)
#endif

/* Rendered page size: a story page with 200 photos is ~1 MB. */
/* One feed (feed.xml, feed.json): SITE_FEED_ENTRIES stories with their
 * whole text; stops a site whose stories are each near the page limit
 * from writing a feed no reader would load. */
#ifndef TS_LIMIT_FEED_BYTES
#define TS_LIMIT_FEED_BYTES ((size_t)64 << 20)
#endif

#ifndef TS_LIMIT_PAGE_BYTES
#define TS_LIMIT_PAGE_BYTES ((size_t)64 << 20)
#endif

/* Mustache: partial/section nesting depth (a partial that includes
 * itself would recurse forever). */
#ifndef TS_LIMIT_TEMPLATE_DEPTH
#define TS_LIMIT_TEMPLATE_DEPTH 32
#endif

/* Photos per story and stories per site. */
#ifndef TS_LIMIT_PHOTOS_PER_STORY
#define TS_LIMIT_PHOTOS_PER_STORY 2000
#endif
#ifndef TS_LIMIT_STORIES
#define TS_LIMIT_STORIES 100000
#endif

/* Pixels a photo may decode to (libvips would happily try 1e12):
 * 200 MP covers medium-format backs. */
#ifndef TS_LIMIT_PIXELS
#define TS_LIMIT_PIXELS ((unsigned long long)200 * 1000 * 1000)
#endif

/* HTTP: request body and URL length for the server. */
#ifndef TS_LIMIT_HTTP_BODY
#define TS_LIMIT_HTTP_BODY ((size_t)64 << 10)
#endif
#ifndef TS_LIMIT_HTTP_URL
#define TS_LIMIT_HTTP_URL 2048
#endif

/* serve: the HTTP server's connections. Each connection holds a socket,
 * at most one open file and a memory pool of TS_LIMIT_HTTP_CONN_MEMORY
 * bytes, so 256 of them stay under the usual 1024 open files and take
 * at most 8 MiB. The pool holds the request line and headers: a 1 MiB
 * header is answered 431 without the server growing. One address may
 * hold TS_LIMIT_HTTP_PER_IP (a browser opens 6 per host) so that one
 * client cannot take every slot; an idle connection is closed after
 * TS_LIMIT_HTTP_TIMEOUT_S seconds. Worker threads: slow clients cost a
 * slot, not a thread, so a few threads are enough. */
#ifndef TS_LIMIT_HTTP_CONNECTIONS
#define TS_LIMIT_HTTP_CONNECTIONS 256
#endif
#ifndef TS_LIMIT_HTTP_PER_IP
#define TS_LIMIT_HTTP_PER_IP 32
#endif
#ifndef TS_LIMIT_HTTP_TIMEOUT_S
#define TS_LIMIT_HTTP_TIMEOUT_S 30
#endif
#ifndef TS_LIMIT_HTTP_CONN_MEMORY
#define TS_LIMIT_HTTP_CONN_MEMORY ((size_t)32 << 10)
#endif
#ifndef TS_LIMIT_HTTP_THREADS
#define TS_LIMIT_HTTP_THREADS 4
#endif
/* Routes an application may add to the HTTP layer before its static
 * route (the licensing app adds two); a fixed table, read without a
 * lock by every request. */
#ifndef TS_LIMIT_HTTP_ROUTES
#define TS_LIMIT_HTTP_ROUTES 8
#endif
/* On SIGTERM: how long requests already received get to be answered
 * (an inquiry being committed) before the connections are closed; a
 * service manager waits 90 s by default, a deploy a few seconds. */
#ifndef TS_LIMIT_HTTP_DRAIN_MS
#define TS_LIMIT_HTTP_DRAIN_MS 3000
#endif

/* serve --watch (src/watch/): pages open in a browser while writing
 * each hold one event stream, suspended in the server (no thread); a
 * writer has a few tabs, so past 16 a stream is refused (503) rather
 * than letting a loop of reconnects take the connection slots. Folders
 * watched: inotify spends kernel memory per watch (and the user's
 * max_user_watches, often 8192), so a site with more folders under
 * stories/, pages/ and themes/ is refused, with a message. Errors of
 * one build shown in the page: the first 20, each cut at 1 KiB. The
 * stream says something every 15 s so a closed tab is noticed and no
 * proxy times it out. */
#ifndef TS_LIMIT_WATCH_CLIENTS
#define TS_LIMIT_WATCH_CLIENTS 16
#endif
#ifndef TS_LIMIT_WATCH_DIRS
#define TS_LIMIT_WATCH_DIRS 4096
#endif
#ifndef TS_LIMIT_WATCH_ERRORS
#define TS_LIMIT_WATCH_ERRORS 20
#endif
#ifndef TS_LIMIT_WATCH_ERROR_BYTES
#define TS_LIMIT_WATCH_ERROR_BYTES 1024
#endif
#ifndef TS_LIMIT_WATCH_PING_S
#define TS_LIMIT_WATCH_PING_S 15
#endif

/* ---- container + meta (metadata reading) ---- */

/* Blocks of one kind kept per JPEG (APP13, APP11, ICC chunks, Extended
 * XMP chunks): ICC allows 255 chunks; more is a crafted file. */
#ifndef TS_LIMIT_META_BLOCKS
#define TS_LIMIT_META_BLOCKS 256
#endif
/* PNG / RIFF chunks walked per file: a 1 GB PNG in 8 KB IDAT chunks has
 * 131072; a million stops a file of empty chunks from spinning. */
#ifndef TS_LIMIT_FILE_CHUNKS
#define TS_LIMIT_FILE_CHUNKS ((size_t)1 << 20)
#endif
/* An assembled or inflated ICC profile (real ones are under 4 MB; more
 * is a decompression bomb) and the tags its table may declare. */
#ifndef TS_LIMIT_ICC_BYTES
#define TS_LIMIT_ICC_BYTES ((size_t)8 << 20)
#endif
#ifndef TS_LIMIT_ICC_TAGS
#define TS_LIMIT_ICC_TAGS 1000
#endif

/* html: Mustache nodes visited per render call. Depth alone does not
 * stop {{#l}}{{#l}}{{#l}}... over a 100-item list (100^depth steps
 * that may write nothing, so the page size cap never trips). A sitemap
 * of TS_LIMIT_STORIES stories at ~30 nodes each needs 3 million. */
#ifndef TS_LIMIT_TEMPLATE_WORK
#define TS_LIMIT_TEMPLATE_WORK ((size_t)16 * 1000 * 1000)
#endif

/* story: YAML (site.yaml, front matter) nesting depth and nodes per
 * document. Our deepest key is images.widths (depth 3); a file of
 * 10 MB of '[' would otherwise grow libyaml's state stack without end,
 * and a flat list of millions of items would do the same to ours. */
#ifndef TS_LIMIT_YAML_DEPTH
#define TS_LIMIT_YAML_DEPTH 16
#endif
#ifndef TS_LIMIT_YAML_NODES
#define TS_LIMIT_YAML_NODES 20000
#endif

/* c2pa (signer): manifests of an original's store carried into a
 * derivative, and boxes walked per manifest while finding its
 * signature. Real stores hold a handful; a crafted one of thousands of
 * empty boxes would be copied into every derivative. */
#ifndef TS_LIMIT_C2PA_CARRY_BOXES
#define TS_LIMIT_C2PA_CARRY_BOXES 1024
#endif

/* serve: licence inquiries. The body of one inquiry: every field at its
 * maximum, percent-encoded three times over, is under 24 KiB; more is
 * not a form we made. Fields per body stop a body of a thousand "&".
 * Burst/refill: a person sends a few inquiries an hour; a bot that
 * sends more is answered 429, counted per network (IPv4 /32, IPv6
 * /64: rate.c). Clients tracked: the rate table is a fixed array, so an attacker with many addresses recycles the oldest
 * entries instead of growing memory. Photos: ids loaded from
 * api/photos.json. The hook: a notification command that hangs is
 * killed after TS_LIMIT_NOTIFY_TIMEOUT_S. */
#ifndef TS_LIMIT_INQUIRY_BODY
#define TS_LIMIT_INQUIRY_BODY ((size_t)32 << 10)
#endif
#ifndef TS_LIMIT_INQUIRY_PAIRS
#define TS_LIMIT_INQUIRY_PAIRS 64
#endif
#ifndef TS_LIMIT_INQUIRY_BURST
#define TS_LIMIT_INQUIRY_BURST 5
#endif
#ifndef TS_LIMIT_INQUIRY_REFILL_S
#define TS_LIMIT_INQUIRY_REFILL_S 120
#endif
#ifndef TS_LIMIT_RATE_CLIENTS
#define TS_LIMIT_RATE_CLIENTS 4096
#endif
/* Owner logins. Each try costs a 32 MiB, ~0.1 s scrypt, so guessing
 * is limited three ways: per client network (TS_LIMIT_LOGIN_BURST at
 * once, one more a minute: an owner who mistypes is not locked out);
 * for everyone together (TS_LIMIT_LOGIN_BUDGET at once, one more every
 * TS_LIMIT_LOGIN_BUDGET_REFILL_S: a botnet of many networks gets no
 * more than about 1 s of scrypt a minute, and during such an attack the
 * owner uses `tearsheet inquiries` on the server); and the hashing runs
 * on one worker thread with TS_LIMIT_LOGIN_QUEUE logins waiting, more
 * answered 503 with Retry-After TS_LIMIT_LOGIN_RETRY_S, so no request
 * thread ever hashes and at most 64 MiB go to scrypt at once. */
#ifndef TS_LIMIT_LOGIN_BURST
#define TS_LIMIT_LOGIN_BURST 5
#endif
#ifndef TS_LIMIT_LOGIN_REFILL_S
#define TS_LIMIT_LOGIN_REFILL_S 60
#endif
#ifndef TS_LIMIT_LOGIN_BUDGET
#define TS_LIMIT_LOGIN_BUDGET 10
#endif
#ifndef TS_LIMIT_LOGIN_BUDGET_REFILL_S
#define TS_LIMIT_LOGIN_BUDGET_REFILL_S 6
#endif
#ifndef TS_LIMIT_LOGIN_QUEUE
#define TS_LIMIT_LOGIN_QUEUE 2
#endif
#ifndef TS_LIMIT_LOGIN_RETRY_S
#define TS_LIMIT_LOGIN_RETRY_S 2
#endif
#ifndef TS_LIMIT_PHOTO_IDS
#define TS_LIMIT_PHOTO_IDS 1000000
#endif
#ifndef TS_LIMIT_NOTIFY_TIMEOUT_S
#define TS_LIMIT_NOTIFY_TIMEOUT_S 60
#endif
/* The PostgreSQL store (store_pg.c). Connecting: a database that does
 * not answer fails the start (or a request, on reconnecting) after
 * this many seconds, not TCP's minutes; a URI's connect_timeout wins.
 * A server killed in a transaction, or a machine lost, holds its
 * locks (a form token's row) until the database ends the transaction,
 * idle for TS_LIMIT_PG_IDLE_TX_S; a retried post waits for that at
 * most. A statement waiting for a lock longer than TS_LIMIT_PG_LOCK_S
 * fails (500; the post may be sent again) rather than holding one of
 * the four request threads. */
#ifndef TS_LIMIT_PG_CONNECT_S
#define TS_LIMIT_PG_CONNECT_S 5
#endif
#ifndef TS_LIMIT_PG_IDLE_TX_S
#define TS_LIMIT_PG_IDLE_TX_S 10
#endif
#ifndef TS_LIMIT_PG_LOCK_S
#define TS_LIMIT_PG_LOCK_S 20
#endif
/* Proof of work (site.yaml proof_of_work:): leading zero bits of a
 * SHA-256 the form's script must find, 2^bits tries on average. 24
 * bits is a few seconds on a phone; more would shut out slow devices
 * entirely. Checked once, by the story parser. */
#ifndef TS_LIMIT_POW_BITS
#define TS_LIMIT_POW_BITS 24
#endif

/* ---- c2pa ---- */
/* JUMBF nesting: a C2PA store is 5 deep (store, manifest, assertion
 * store, assertion, content); more is a depth bomb. Boxes per store:
 * stops a store of millions of 8-byte empty boxes. */
#ifndef TS_LIMIT_JUMBF_DEPTH
#define TS_LIMIT_JUMBF_DEPTH 16
#endif
#ifndef TS_LIMIT_JUMBF_BOXES
#define TS_LIMIT_JUMBF_BOXES 65536
#endif
/* A whole manifest store: real ones with thumbnails are < 2 MB. */
#ifndef TS_LIMIT_C2PA_STORE_BYTES
#define TS_LIMIT_C2PA_STORE_BYTES ((size_t)64 << 20)
#endif
/* CBOR claims/assertions: nesting (libcbor frees recursively, so a
 * deep item would overflow the stack) and items per document. */
#ifndef TS_LIMIT_CBOR_DEPTH
#define TS_LIMIT_CBOR_DEPTH 32
#endif
#ifndef TS_LIMIT_CBOR_ITEMS
#define TS_LIMIT_CBOR_ITEMS 200000
#endif
/* Ingredient manifests validated recursively (each is a manifest of
 * the same store, so a cycle would otherwise loop). */
/* The URL of a remote manifest read from XMP dcterms:provenance
 * (remote.c): Adobe's are about 100 bytes; a longer value is not a URL
 * we would fetch. */
#ifndef TS_LIMIT_C2PA_URL
#define TS_LIMIT_C2PA_URL 2048
#endif
/* An RFC 3161 TimeStampResp (token + the TSA's certificates) is 2-8 KB;
 * the cap stops whatever answers at a tsa_url from putting a large blob
 * into every signature. */
#ifndef TS_LIMIT_C2PA_TST_RESP_BYTES
#define TS_LIMIT_C2PA_TST_RESP_BYTES ((size_t)64 << 10)
#endif

/* A fetched remote manifest (verify --fetch): the same cap as any store,
 * and no more than this many seconds for the whole transfer. */
#ifndef TS_LIMIT_FETCH_SECONDS
#define TS_LIMIT_FETCH_SECONDS 20
#endif
#ifndef TS_LIMIT_C2PA_INGREDIENT_DEPTH
#define TS_LIMIT_C2PA_INGREDIENT_DEPTH 8
#endif

/* container (ISO-BMFF: HEIC/AVIF): box nesting walked (meta > iprp >
 * ipco > colr is depth 4; 8 leaves room for vendor wrappers without
 * letting a file of nested boxes recurse without end) and items of the
 * meta box read (an iPhone HEIC has ~50 grid tiles; a 100000-item iinf
 * is a crafted file that would cost work per item lookup). */
#ifndef TS_LIMIT_BMFF_DEPTH
#define TS_LIMIT_BMFF_DEPTH 8
#endif
#ifndef TS_LIMIT_BMFF_ITEMS
#define TS_LIMIT_BMFF_ITEMS 4096
#endif

/* c2pa compressed manifests (c2cm/brob, C2PA 2.2 §11.2.4): the bytes
 * one manifest may decompress to. Real manifests with a thumbnail are
 * < 2 MB; Brotli reaches ratios of 1:10^6 on runs of zeros, so a few
 * KB of brob could otherwise become gigabytes. All manifests of one
 * store together stay under TS_LIMIT_C2PA_STORE_BYTES. */
#ifndef TS_LIMIT_C2PA_MANIFEST_BYTES
#define TS_LIMIT_C2PA_MANIFEST_BYTES ((size_t)16 << 20)
#endif

/* c2pa (trust): stapled OCSP responses read from one claim
 * signature's rVals (§14.5.2: one for the signer and one per
 * intermediate it includes; each costs a signature verification). */
#ifndef TS_LIMIT_C2PA_OCSP_RESPONSES
#define TS_LIMIT_C2PA_OCSP_RESPONSES 8
#endif

/* c2pa (CAWG identity assertions, src/c2pa/cawg.c): identity
 * assertions per manifest and referenced assertions per identity
 * assertion (real ones: one or two, listing a handful; each reference
 * is looked up among the claim's entries and checked for duplicates,
 * so a crafted manifest of thousands would cost 10^10 comparisons and
 * a signature check each); the verifiable credential's JSON (a real one
 * is 1-2 KB; jansson holds a whole document in memory); verified
 * identities named in the summary. */
#ifndef TS_LIMIT_CAWG_ASSERTIONS
#define TS_LIMIT_CAWG_ASSERTIONS 16
#endif
#ifndef TS_LIMIT_CAWG_REFERENCES
#define TS_LIMIT_CAWG_REFERENCES 64
#endif
#ifndef TS_LIMIT_CAWG_VC_BYTES
#define TS_LIMIT_CAWG_VC_BYTES ((size_t)1 << 20)
#endif
#ifndef TS_LIMIT_CAWG_IDENTITIES
#define TS_LIMIT_CAWG_IDENTITIES 16
#endif

/* c2pa (BMFF hash, hash_bmff.c): boxes visited while matching the
 * exclusions (each exclusion walks the tree once; an MP4 with 10000
 * fragments is ~60000 boxes) and exclusions per assertion (c2pa-rs
 * writes 5; each costs one walk). */
#ifndef TS_LIMIT_BMFF_HASH_BOXES
#define TS_LIMIT_BMFF_HASH_BOXES 200000
#endif
#ifndef TS_LIMIT_BMFF_EXCLUSIONS
#define TS_LIMIT_BMFF_EXCLUSIONS 64
#endif

#endif
