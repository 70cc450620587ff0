/*
 * photos.c — the photo jobs of a build: read each photo once, read its
 * metadata, fill the rights defaults it lacks, and make its derivatives
 * (or take them from the content-hash cache under .tearsheet/cache),
 * then link them into the output. One worker per core takes whole
 * photos, so every core is busy with its own decode and encodes.
 *
 * Must never: let one photo's failure stop the others, or publish a
 * derivative under a name that does not change with its content.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "site/internal.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The first value that is set: the photo's override in the story's
 * front matter, the story's, the site's default. */
static const char *pick(const char *photo_value, const char *story_value, const char *site_value)
{
    if (photo_value && !str_blank(photo_value))
        return photo_value;
    return story_value && !str_blank(story_value) ? story_value : site_value;
}

/* "© {year} {creator}" with the photo's own year and creator. */
static char *expand_copyright(const char *tmpl, const struct photo_meta *m)
{
    struct buf out;
    buf_init(&out, TS_LIMIT_FIELD_BYTES);
    char year[8] = "";
    if (m->date_created && strlen(m->date_created) >= 4)
        snprintf(year, sizeof year, "%.4s", m->date_created);
    const char *creator = m->creator.n ? m->creator.items[0] : "";
    for (const char *p = tmpl; *p; p++) {
        if (strncmp(p, "{year}", 6) == 0) {
            buf_puts(&out, year);
            p += 5;
        } else if (strncmp(p, "{creator}", 9) == 0) {
            buf_puts(&out, creator);
            p += 8;
        } else {
            buf_putc(&out, *p);
        }
    }
    return buf_detach(&out, NULL);
}

static void fill(struct photo_meta *m, char **field, const char *value)
{
    if (str_blank(*field) && value && !str_blank(value))
        meta_set_string(m, field, str_dup(value));
}

/* Rights the photographer did not embed come from the photo's entry in
 * the story's `photos:`, then the story, then the site: values embedded
 * in the photo always win. With no licensor URL anywhere, the photo's
 * own inquiry form is where a licence is acquired (docs/site.md
 * "Rights"), so Google's "Licensable" badge works from the file alone. */
static void fill_rights(struct site_build *b, struct site_photo *p)
{
    struct photo_meta *m = p->meta;
    static const struct story_license none;
    const struct story_photo_rights *pr = story_photo_rights_get(p->story, p->file);
    const struct story_license *photo = pr ? &pr->license : &none;
    const struct story_license *story = &p->story->license;
    const struct story_license *site = &b->cfg->license;
    fill(m, &m->web_statement,
         pick(photo->web_statement, story->web_statement, site->web_statement));
    fill(m, &m->licensor_url, pick(photo->licensor_url, story->licensor_url, site->licensor_url));
    fill(m, &m->credit_line, pick(photo->credit_line, story->credit_line, site->credit_line));
    fill(m, &m->usage_terms, pick(photo->usage_terms, story->usage_terms, site->usage_terms));
    const char *tmpl = pick(photo->copyright, story->copyright, site->copyright);
    if (str_blank(m->copyright_notice) && tmpl) {
        meta_set_string(m, &m->copyright_notice, expand_copyright(tmpl, m));
    }
    if (str_blank(m->licensor_url)) {
        char url[TS_LIMIT_PATH];
        if (site_form_url(b, p, url, sizeof url))
            fill(m, &m->licensor_url, url);
    }
}

/* `ids` gets each output's (inode, device), taken while checking it
 * exists, so publishing it needs one stat, not two. */
static enum status load_manifest(const char *dir, struct image_result *r, json_t **credentials,
                                 struct stat *ids, size_t max_ids)
{
    char path[TS_LIMIT_PATH];
    if (!path_join(path, sizeof path, dir, "manifest.json"))
        return ST_LIMIT;
    /* read whole, then parsed from memory: jansson's file reader takes
     * a character at a time, and this runs for every cached photo */
    uint8_t *text = NULL;
    size_t text_len = 0;
    struct diag ignored;
    if (file_read_all(path, TS_LIMIT_TEXT_BYTES, &text, &text_len, &ignored) != ST_OK)
        return ST_NOT_FOUND;
    json_error_t err;
    json_t *j = json_loadb((const char *)text, text_len, 0, &err);
    free(text);
    if (!j)
        return ST_NOT_FOUND;
    enum status st = ST_MALFORMED;
    json_t *outs = json_object_get(j, "outputs");
    json_t *dom = json_object_get(j, "dominant");
    if (!json_is_array(outs) || !json_is_array(dom) || json_array_size(dom) != 3)
        goto abort;
    memset(r, 0, sizeof *r);
    r->width = (unsigned)json_integer_value(json_object_get(j, "width"));
    r->height = (unsigned)json_integer_value(json_object_get(j, "height"));
    for (int i = 0; i < 3; i++)
        r->dominant_rgb[i] = (uint8_t)json_integer_value(json_array_get(dom, (size_t)i));
    size_t n = json_array_size(outs);
    if (n > max_ids)
        goto abort;
    r->outputs = calloc(n ? n : 1, sizeof *r->outputs);
    if (!r->outputs) {
        st = ST_NOMEM;
        goto abort;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(outs, i);
        struct image_output *io = &r->outputs[r->n_outputs];
        const char *fmt = json_string_value(json_object_get(o, "format"));
        const char *file = json_string_value(json_object_get(o, "file"));
        if (!fmt || !file || strchr(file, '/'))
            goto abort;
        bool known = false;
        for (int f = 0; f < IMAGE_FORMAT_COUNT; f++)
            if (strcmp(fmt, image_format_ext((enum image_format)f)) == 0) {
                io->format = (enum image_format)f;
                known = true;
            }
        if (!known)
            goto abort;
        io->width = (unsigned)json_integer_value(json_object_get(o, "width"));
        io->height = (unsigned)json_integer_value(json_object_get(o, "height"));
        io->bytes = (size_t)json_integer_value(json_object_get(o, "bytes"));
        char out[TS_LIMIT_PATH];
        if (!path_join(out, sizeof out, dir, file) || stat(out, &ids[i]) != 0)
            goto abort;
        if (!(io->path = str_dup(out))) {
            st = ST_NOMEM;
            goto abort;
        }
        r->n_outputs++;
    }
    st = r->n_outputs ? ST_OK : ST_MALFORMED;
    if (st == ST_OK && json_is_object(json_object_get(j, "credentials")))
        *credentials = json_incref(json_object_get(j, "credentials"));
abort:
    if (st != ST_OK)
        image_result_free(r);
    json_decref(j);
    return st;
}

static enum status save_manifest(const char *dir, const struct image_result *r,
                                 json_t *credentials, struct diag *d)
{
    json_t *outs = json_array();
    for (size_t i = 0; i < r->n_outputs; i++) {
        const struct image_output *o = &r->outputs[i];
        const char *slash = strrchr(o->path, '/');
        json_array_append_new(outs, json_pack("{s:s, s:i, s:i, s:I, s:s}", "format",
                                              image_format_ext(o->format), "width", o->width,
                                              "height", o->height, "bytes", (json_int_t)o->bytes,
                                              "file", slash ? slash + 1 : o->path));
    }
    json_t *j = json_pack("{s:i, s:i, s:[i,i,i], s:o}", "width", r->width, "height", r->height,
                          "dominant", r->dominant_rgb[0], r->dominant_rgb[1], r->dominant_rgb[2],
                          "outputs", outs);
    if (credentials)
        json_object_set(j, "credentials", credentials);
    char *text = json_dumps(j, JSON_INDENT(1));
    json_decref(j);
    if (!text)
        return diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
    char path[TS_LIMIT_PATH];
    enum status st = path_join(path, sizeof path, dir, "manifest.json")
                         ? file_write_atomic(path, text, strlen(text), d)
                         : ST_LIMIT;
    free(text);
    return st;
}

/* Hard-links a cached derivative into the output (copying across file
 * systems); an identical file already there is left alone. `from_sb`:
 * the cache file's stat when the caller has it, else NULL. The story's
 * output folder is made here, when a link into it finds it missing: a
 * no-op build links nothing, and made up front it was a mkdir of each
 * component of the path for every story on every build (2,500 at 500
 * stories, each EEXIST). */
static enum status publish(const char *from, const struct stat *from_sb, const char *to,
                           struct diag *d)
{
    struct stat a, b;
    if (stat(to, &b) == 0 && (from_sb || stat(from, &a) == 0)) {
        const struct stat *f = from_sb ? from_sb : &a;
        if (f->st_ino == b.st_ino && f->st_dev == b.st_dev)
            return ST_OK;
    }
    unlink(to);
    if (link(from, to) == 0)
        return ST_OK;
    enum status st;
    bool no_folder = errno == ENOENT; /* or no cache file: then copied, which says so */
    if (no_folder && (st = site_mkdirs_parent(to, d)) != ST_OK)
        return st;
    if (no_folder && link(from, to) == 0)
        return ST_OK;
    uint8_t *data;
    size_t len;
    st = file_read_all(from, TS_LIMIT_PHOTO_BYTES, &data, &len, d);
    if (st != ST_OK)
        return st;
    st = file_write_atomic(to, data, len, d);
    free(data);
    return st;
}

/*
 * The original, unchanged, as <out>/<slug>/<id>.<key10>-original.<ext>
 * (`originals: true` in story.md). Copied, not linked: an original edited
 * in place must not change a published file. A copy of the right size
 * under this content-keyed name is left alone, so a no-op build reads
 * nothing. GPS is not removed (the file is published as it is): the build
 * says so.
 */
static enum status publish_original(struct site_photo *p, const char *story_out, struct diag *d)
{
    const char *dot = strrchr(p->file, '.');
    char ext[8] = "bin";
    if (dot && strlen(dot + 1) >= 1 && strlen(dot + 1) < sizeof ext) {
        size_t n = 0;
        for (const char *c = dot + 1; *c; c++)
            if ((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9'))
                ext[n++] = *c;
            else if (*c >= 'A' && *c <= 'Z')
                ext[n++] = (char)(*c - 'A' + 'a');
        ext[n] = '\0';
        if (n == 0)
            snprintf(ext, sizeof ext, "bin");
    }
    char to[TS_LIMIT_PATH], name[TS_LIMIT_PATH];
    snprintf(name, sizeof name, "%s.%.*s-original.%s", p->id, SITE_KEY_SHORT, p->key, ext);
    free(p->original_name);
    if (!(p->original_name = str_dup(name)))
        return diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
    if (!path_join(to, sizeof to, story_out, p->original_name))
        return diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "output path too long");
    struct stat sb;
    bool gps = p->meta->has_gps || p->meta->location_created.has_gps;
    for (size_t i = 0; i < p->meta->n_location_shown; i++)
        gps = gps || p->meta->location_shown[i].has_gps;
    if (gps)
        log_msg(LOG_WARN,
                "%s: published unchanged (originals: true in %s), with its GPS "
                "position",
                p->src_path, p->story->path);
    if (stat(to, &sb) == 0 && S_ISREG(sb.st_mode) && p->have_stat &&
        (uint64_t)sb.st_size == p->stat.size)
        return ST_OK;
    uint8_t *data = NULL;
    size_t len = 0;
    enum status st = file_read_all(p->src_path, TS_LIMIT_PHOTO_BYTES, &data, &len, d);
    if (st == ST_OK && (st = file_mkdirs(story_out, d)) == ST_OK) /* publish() makes it lazily too */
        st = file_write_atomic(to, data, len, d);
    free(data);
    return st;
}

/* <id>.<key10>-<width>.<ext>: the name a derivative is published under.
 * Copied, not formatted (twice per photo of a no-op); what does not fit
 * is cut as snprintf cut it. */
static void published_name(const struct site_photo *p, const struct image_output *o, char *out,
                           size_t outlen)
{
    char width[16];
    size_t nw = 0;
    unsigned w = o->width;
    do
        width[sizeof width - 1 - nw++] = (char)('0' + w % 10);
    while ((w /= 10) && nw < sizeof width);
    const char *ext = image_format_ext(o->format);
    size_t ni = strlen(p->id), nk = strnlen(p->key, SITE_KEY_SHORT), ne = strlen(ext);
    if (ni + 1 + nk + 1 + nw + 1 + ne >= outlen) {
        snprintf(out, outlen, "%s.%.*s-%u.%s", p->id, SITE_KEY_SHORT, p->key, o->width, ext);
        return;
    }
    char *c = out;
    memcpy(c, p->id, ni);
    c += ni;
    *c++ = '.';
    memcpy(c, p->key, nk);
    c += nk;
    *c++ = '-';
    memcpy(c, width + sizeof width - nw, nw);
    c += nw;
    *c++ = '.';
    memcpy(c, ext, ne + 1);
}

/*
 * Publishes each output under story_out. `ids`: the cache files'
 * (inode, device) when `have_ids`. From the index (`indexed`) they are
 * what the last build recorded, not a stat: a published link with that
 * inode, in the listing of its story's folder (`listed`, read once per
 * story: no system call here), is taken as it is; any other (missing,
 * replaced) sends us to the cache file itself. That one gone:
 * ST_NOT_FOUND, the photo must be encoded again. Given up on purpose:
 * a cache file deleted alone, its published link intact, is not seen by
 * a no-op (the link's count of names is a stat away); the published
 * file is right as it is, and the cache file is made again the next
 * time the photo needs it (docs/site.md "Derivatives"). *changed: a
 * cache file's inode was not the recorded one.
 */
static enum status publish_outputs(struct site_photo *p, const char *story_out, int story_fd,
                                   const struct site_folder_list *listed, struct stat *ids,
                                   bool have_ids, bool indexed, bool *changed, char **published,
                                   struct diag *d)
{
    for (size_t i = 0; i < p->result.n_outputs; i++) {
        const struct image_output *o = &p->result.outputs[i];
        char name[512], to[TS_LIMIT_PATH];
        published_name(p, o, name, sizeof name);
        if (!path_join(to, sizeof to, story_out, name))
            return diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "output path too long");
        /* kept for the pages (process_photo), not formatted again */
        if (!published[i] && !(published[i] = str_dup(to)))
            return diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
        if (indexed) {
            struct stat sb, cache;
            enum site_folder_hit hit =
                story_fd >= 0 ? site_folder_list_find(listed, name, (uint64_t)ids[i].st_ino,
                                                      (uint64_t)ids[i].st_dev)
                              : SITE_FOLDER_ASK;
            if (hit == SITE_FOLDER_SAME)
                continue;
            /* the same file as `to`: the story's folder, opened by the worker */
            int found = hit == SITE_FOLDER_OTHER ? -1
                        : story_fd >= 0          ? fstatat(story_fd, name, &sb, 0)
                                                 : stat(to, &sb);
            if (found == 0 && S_ISREG(sb.st_mode) && sb.st_nlink >= 2 &&
                sb.st_ino == ids[i].st_ino && sb.st_dev == ids[i].st_dev)
                continue;
            if (stat(o->path, &cache) != 0 || !S_ISREG(cache.st_mode))
                return ST_NOT_FOUND;
            if (cache.st_ino != ids[i].st_ino || cache.st_dev != ids[i].st_dev)
                *changed = true;
            ids[i] = cache;
        }
        enum status st = publish(o->path, have_ids ? &ids[i] : NULL, to, d);
        if (st != ST_OK)
            return st;
    }
    return ST_OK;
}

/*
 * Rewrites each JPEG, WebP and AVIF derivative with a C2PA manifest
 * signed by the site's key (docs/c2pa-sign.md): the original as the
 * parentOf ingredient, opened → resized (→ converted). JPEG and WebP
 * carry a data hash, AVIF a BMFF hash (c2pa.hash.bmff.v2).
 */
static enum status sign_outputs(struct site_build *b, struct site_photo *p, struct span original,
                                struct span sidecar, struct diag *d)
{
    enum status st = ST_OK;
    uint8_t *asset = NULL, *signed_data = NULL;
    size_t asset_len = 0, signed_len = 0;
    const char *slash = strrchr(p->src_path, '/');
    /* Say so when the original has content credentials of its own,
     * rather than leave them out silently. */
    /* An original with content credentials of its own (a camera's, an
     * editor's): validate them, then carry its store into every
     * derivative with those results, so the chain stays provable. */
    uint8_t *store = NULL;
    size_t store_len = 0;
    struct diag ignored;
    struct c2pa_report report;
    struct c2pa_sign_results results;
    memset(&report, 0, sizeof report);
    memset(&results, 0, sizeof results);
    bool carry = false;
    if (c2pa_sign_find_store(original, &store, &store_len, &ignored) == ST_OK &&
        c2pa_verify(original, p->src_path, b->trust, &report, &ignored) == ST_OK &&
        report.has_manifest && site_credentials_results(&report, &results) == ST_OK)
        carry = true;
    /* or in a sidecar beside it ("photo.c2pa", C2PA §11.4), bound to
     * the original's bytes: carried the same way */
    if (!store && sidecar.len && (store = malloc(sidecar.len))) {
        memcpy(store, sidecar.ptr, sidecar.len);
        store_len = sidecar.len;
        c2pa_report_free(&report);
        memset(&report, 0, sizeof report);
        carry = c2pa_verify_sidecar(original, p->src_path, sidecar, b->trust, &report, &ignored) ==
                    ST_OK &&
                report.has_manifest && site_credentials_results(&report, &results) == ST_OK;
    }
    /* once per photo, not once per derivative: it was 80 % of signing */
    uint8_t original_sha256[32];
    site_sha256(original.ptr, original.len, original_sha256);
    for (size_t i = 0; i < p->result.n_outputs; i++) {
        struct image_output *o = &p->result.outputs[i];
        if (o->format != IMAGE_JPEG && o->format != IMAGE_WEBP && o->format != IMAGE_AVIF)
            continue;
        if ((st = file_read_all(o->path, TS_LIMIT_PHOTO_BYTES, &asset, &asset_len, d)) != ST_OK)
            goto abort;
        char title[512];
        published_name(p, o, title, sizeof title);
        struct c2pa_sign_input in = {
            .original = original,
            .original_sha256 = original_sha256,
            .original_title = slash ? slash + 1 : p->src_path,
            .original_format = c2pa_sign_media_type(original),
            .asset = span_make(asset, asset_len),
            .title = title,
            .generator_name = "tearsheet",
            .generator_version = TS_VERSION,
            .original_store = carry ? span_make(store, store_len) : span_make(NULL, 0),
            .original_results = carry ? &results : NULL,
        };
        diag_set_file(d, o->path);
        st = c2pa_sign(b->signer, &in, &signed_data, &signed_len, d);
        if (st != ST_OK && carry) {
            /* The original's store was read but cannot travel (a box
             * the signer refuses, a claim without a signature...): the
             * derivatives are still ours to sign, without it. Said only
             * when that is what failed (signing without it works). */
            struct diag why = *d;
            in.original_store = span_make(NULL, 0);
            in.original_results = NULL;
            diag_clear(d);
            diag_set_file(d, o->path);
            st = c2pa_sign(b->signer, &in, &signed_data, &signed_len, d);
            if (st == ST_OK) {
                log_msg(LOG_WARN,
                        "%s: its content credentials cannot be carried into the published "
                        "files (%s%s%s); they are signed without them",
                        p->src_path, why.field, why.field[0] ? ": " : "", why.message);
                carry = false;
            }
        }
        if (st != ST_OK || (st = file_write_atomic(o->path, signed_data, signed_len, d)) != ST_OK)
            goto abort;
        o->bytes = signed_len;
        free(asset);
        free(signed_data);
        asset = signed_data = NULL;
    }
    diag_set_file(d, p->src_path);
abort:
    site_credentials_results_free(&results);
    c2pa_report_free(&report);
    free(store);
    free(asset);
    free(signed_data);
    return st;
}

/*
 * A worker's descriptor of the output folder of the story it works in:
 * a cached photo's published derivatives are stat'ed relative to it,
 * not by their whole path (its six components were walked for each of
 * the 20,000 stats of a 10,000-photo no-op, 11 % of its CPU). A story's
 * photos are next to each other in the plan, so a worker opens it about
 * once per story. fd < 0: none (no output folder yet, the story's is
 * missing, or it could not be opened): whole paths, as before.
 */
struct story_dir {
    int out_fd; /* b->out_dir, opened once for the jobs; < 0: none */
    size_t story_no;
    int fd;
    /* its entries, read when it is opened (folderlist.c): what this
     * worker links into it afterwards is not in it, and needs not be
     * (each photo's names are its own, looked up once) */
    struct site_folder_list list;
};

static int story_dir_get(struct story_dir *sd, const struct site_photo *p)
{
    if (sd->fd >= 0 && sd->story_no == p->story_no)
        return sd->fd;
    if (sd->fd >= 0)
        close(sd->fd);
    sd->story_no = p->story_no;
    sd->fd = sd->out_fd >= 0
                 ? openat(sd->out_fd, p->story_slug, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                 : -1;
    /* not listed (out of memory, a read error, too many entries): each
     * name is stat'ed (SITE_FOLDER_ASK) */
    site_folder_list_read(&sd->list, sd->fd);
    return sd->fd;
}

static enum status process_photo(struct site_build *b, struct site_photo *p,
                                 struct image_pool *pool, struct story_dir *sd, struct diag *d)
{
    uint8_t *data = NULL, *sidecar = NULL;
    size_t len = 0, sidecar_len = 0;
    struct meta_blobs blobs = {0};
    enum status st = ST_OK;
    /* each output's published path, made while publishing it */
    char *published[IMAGE_MAX_WIDTHS * IMAGE_FORMAT_COUNT] = {0};
    const size_t max_published = sizeof published / sizeof *published;
    /* Fast path (statindex.c, metacache.c): an unchanged (size, mtime,
     * ctime, inode) gives the content hash, and the metadata cache the
     * metadata, so not one byte of the photo is read; without a cache
     * entry, the cached header gives it through meta_read. */
    char content[65];
    bool whole = false; /* data holds the whole photo, not just its header */
    p->stat_hit = site_stat_index_lookup(b, p, content);
    if (p->stat_hit && site_meta_cache_lookup(b, content, &p->meta)) {
        /* its header was cached when the index took it in */
        p->have_head = true;
        memcpy(p->content, content, sizeof content);
        diag_set_file(d, p->src_path);
    } else {
        p->have_head = p->stat_hit && site_head_load(b, content, &data, &len) == ST_OK;
        p->stat_hit = p->stat_hit && p->have_head;
        if (!p->have_head) {
            free(data);
            data = NULL;
            if ((st = file_read_all(p->src_path, TS_LIMIT_PHOTO_BYTES, &data, &len, d)) != ST_OK)
                goto abort;
            p->bytes_read = len;
            whole = true;
            site_sha256_hex(data, len, content);
            p->have_head = site_head_save(b, content, data, len);
        }
        memcpy(p->content, content, sizeof content);
        diag_set_file(d, p->src_path);
        struct meta_options mo = {.iim_charset = b->cfg->iim_charset};
        st = meta_read(data, len, &mo, &p->meta, d);
        if (st != ST_OK)
            goto abort;
        /* packed before fill_rights changes it: the cache holds what the
         * photo says. A photo that cannot be packed is read next time. */
        struct buf packed;
        buf_init(&packed, SITE_INDEX_MAX_BYTES);
        if (meta_pack(p->meta, &packed) == ST_OK)
            p->meta_packed = buf_detach(&packed, &p->meta_packed_len);
        buf_free(&packed);
    }
    fill_rights(b, p);

    /* The key changes with the photo's bytes, the derivative settings
     * and the rights written into the files. */
    /* data (the whole photo, or only its cached header on the fast
     * path) stays until the end: the signer needs the whole original. */
    struct buf k;
    buf_init(&k, TS_LIMIT_FIELD_BYTES * 8);
    /* the same bytes "%s\n" made, joined without a format: every photo
     * of every build makes its key */
    const char *parts[] = {content, b->settings_fingerprint, p->meta->web_statement,
                           p->meta->licensor_url, p->meta->credit_line, p->meta->usage_terms,
                           p->meta->copyright_notice};
    for (size_t i = 0; i < sizeof parts / sizeof *parts; i++) {
        buf_puts(&k, parts[i] ? parts[i] : "");
        buf_putc(&k, '\n');
    }
    /* A C2PA sidecar beside the original ("photo.c2pa", §11.4) holds
     * its credentials when the photo has none of its own: its bytes go
     * into the key, so a sidecar added or changed re-signs the
     * derivatives. Only a signing site looks (one stat per photo). */
    char sidecar_path[TS_LIMIT_PATH];
    if (b->signer && c2pa_sidecar_name(p->src_path, sidecar_path, sizeof sidecar_path) &&
        file_exists(sidecar_path)) {
        diag_set_file(d, sidecar_path);
        if ((st = file_read_all(sidecar_path, TS_LIMIT_C2PA_STORE_BYTES, &sidecar, &sidecar_len,
                                d)) != ST_OK) {
            buf_free(&k);
            goto abort;
        }
        diag_set_file(d, p->src_path);
        char sidecar_hash[65];
        site_sha256_hex(sidecar, sidecar_len, sidecar_hash);
        buf_printf(&k, "sidecar %s\n", sidecar_hash);
    }
    site_sha256_hex(k.data ? k.data : "", k.len, p->key);
    buf_free(&k);

    char dir[TS_LIMIT_PATH], prefix[TS_LIMIT_PATH], story_out[TS_LIMIT_PATH];
    if (!path_join(dir, sizeof dir, b->cache_dir, p->key) || !path_join(prefix, sizeof prefix, dir, "d")) {
        st = diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "cache path too long");
        goto abort;
    }
    if (!path_join(story_out, sizeof story_out, b->out_dir, p->story_slug)) {
        st = diag_set(d, ST_LIMIT, NULL, DIAG_NO_OFFSET, "output path too long");
        goto abort;
    }
    /*
     * The cache entry's outputs and each cache file's (inode, device):
     * from the derivative index (derivindex.c: nothing opened), else
     * from its manifest.json (which stats each file), else encoded.
     * The index is trusted only as far as the published links show it
     * right; a cache file it names that is gone sends the photo back
     * here to be encoded (`fresh`), as a manifest.json whose file is
     * gone always did.
     */
    struct stat ids[IMAGE_MAX_WIDTHS * IMAGE_FORMAT_COUNT];
    size_t max_ids = sizeof ids / sizeof *ids;
    for (bool fresh = false;; fresh = true) {
        bool indexed = !fresh && site_deriv_index_lookup(b, p, dir, ids, max_ids);
        bool have_ids = true;
        p->cached = true;
        if (!indexed && (fresh || load_manifest(dir, &p->result, &p->credentials, ids, max_ids) !=
                                      ST_OK)) {
            p->cached = false;
            if ((st = file_mkdirs(dir, d)) != ST_OK)
                goto abort;
            diag_set_file(d, p->src_path);
            if ((st = meta_write_rights(p->meta, &b->keep, &blobs, d)) != ST_OK)
                goto abort;
            struct image_embed embed = {
                .exif = span_make(blobs.exif, blobs.exif_len),
                .xmp = span_make(blobs.xmp, blobs.xmp_len),
                .iptc = span_make(blobs.iptc, blobs.iptc_len),
            };
            if (!p->bytes_read)
                p->bytes_read = (size_t)p->stat.size; /* libvips reads it now */
            /* Only the signer needs the original's bytes after this: each
             * worker would otherwise hold a whole camera file (7 MB) through
             * its decode and encodes. */
            if (!b->signer) {
                free(data);
                data = NULL;
            }
            if ((st = image_derive_pooled(p->src_path, &b->image, &embed, prefix, pool, &p->result,
                                          d)) != ST_OK)
                goto abort;
            /* Signing hashes the whole original (the derivatives' parent
             * ingredient): read it now when the fast path gave only its header. */
            if (b->signer && !whole) {
                free(data);
                data = NULL;
                if ((st = file_read_all(p->src_path, TS_LIMIT_PHOTO_BYTES, &data, &len, d)) != ST_OK)
                    goto abort;
                whole = true;
            }
            /* Signed before the cache manifest is written, so the cache
             * never holds an unsigned derivative under a signed key. */
            if (b->signer &&
                (st = sign_outputs(b, p, span_make(data, len), span_make(sidecar, sidecar_len), d)) !=
                    ST_OK)
                goto abort;
            /* what the Content Credentials panel shows, kept with the cache
             * so an unchanged photo is not validated again */
            if (b->signer && (st = site_credentials_make(b, p, span_make(data, len),
                                                         span_make(sidecar, sidecar_len),
                                                         &p->credentials, d)) != ST_OK)
                goto abort;
            if ((st = save_manifest(dir, &p->result, p->credentials, d)) != ST_OK)
                goto abort;
            /* the index's line for it: one stat of each file just made */
            for (size_t i = 0; i < p->result.n_outputs && have_ids; i++)
                have_ids = stat(p->result.outputs[i].path, &ids[i]) == 0;
        }
        bool changed = !indexed;
        int story_fd = indexed ? story_dir_get(sd, p) : -1;
        /* a name depends on the key, width and format only: the same
         * in the second pass, when the first left some */
        st = publish_outputs(p, story_out, story_fd, &sd->list, ids, have_ids, indexed, &changed,
                             published, d);
        if (st == ST_NOT_FOUND && indexed) {
            for (size_t i = 0; i < max_published; i++) {
                free(published[i]);
                published[i] = NULL;
            }
            image_result_free(&p->result);
            json_decref(p->credentials);
            p->credentials = NULL;
            p->deriv_old = NULL;
            continue;
        }
        if (st != ST_OK)
            goto abort;
        /* not indexed when it cannot be: its manifest.json is read next time */
        if (changed && have_ids && site_deriv_line_make(p, ids) != ST_OK) {
            free(p->deriv_new);
            p->deriv_new = NULL;
        }
        break;
    }
    /* the pages name the published files (publish_outputs made each path) */
    for (size_t i = 0; i < p->result.n_outputs; i++) {
        struct image_output *o = &p->result.outputs[i];
        free(o->path);
        o->path = published[i];
        published[i] = NULL;
    }
    free(p->original_name);
    p->original_name = NULL;
    if (p->story->originals && (st = publish_original(p, story_out, d)) != ST_OK)
        goto abort;
    st = ST_OK;
abort:
    for (size_t i = 0; i < max_published; i++)
        free(published[i]);
    meta_blobs_free(&blobs);
    free(sidecar);
    free(data);
    return st;
}

/* "1:05", "12:30", "1:02:03" */
static void format_duration(double s, char *out, size_t outlen)
{
    unsigned long t = s > 0 && s < 1e7 ? (unsigned long)(s + 0.5) : 0;
    if (t >= 3600)
        snprintf(out, outlen, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60, t % 60);
    else
        snprintf(out, outlen, "%lu:%02lu", t / 60, t % 60);
}

/*
 * Progress, called with b->lock held after each photo. On a terminal:
 * one bar redrawn in place with the ETA, which counts only photos that
 * were encoded (cached ones take microseconds and would make it lie),
 * spread over the workers. Piped: a plain line per photo encoded, so a
 * log shows what was slow and a no-op build prints nothing.
 */
static void report_progress(struct site_build *b, const struct site_photo *p, size_t done)
{
    if (p->status != ST_OK) {
        if (b->bar_shown)
            fputs("\r\033[K", stderr);
        b->bar_shown = false;
        if (p->diag)
            log_diag(LOG_ERROR, p->diag);
        else
            log_msg(LOG_ERROR, "%s: out of memory", p->src_path);
        return;
    }
    if (!b->opt->progress) {
        if (!p->cached && log_get_level() >= LOG_INFO)
            log_msg(LOG_INFO, "[%zu/%zu] %s/%s %.2f s", done, b->n_photos, p->story_slug,
                    p->file, p->seconds);
        return;
    }
    if (log_get_level() < LOG_INFO)
        return;
    double elapsed = now_seconds() - b->jobs_started;
    char eta[32] = "--:--", spent[32];
    size_t left = b->n_photos - done;
    if (left > 0 && b->bar_shown && elapsed - b->bar_drawn < 0.1)
        return; /* 1,000 cached photos would otherwise be 1,000 redraws */
    b->bar_drawn = elapsed;
    if (left == 0)
        format_duration(0, eta, sizeof eta);
    else if (b->done_built > 0)
        /* photos still to do are assumed to need encoding, like the
         * ones encoded so far: elapsed time per encoded photo */
        format_duration(elapsed / (double)b->done_built * (double)left, eta, sizeof eta);
    format_duration(elapsed, spent, sizeof spent);
    enum { width = 24 };
    char bar[width + 1];
    size_t fill = b->n_photos ? done * width / b->n_photos : width;
    for (size_t i = 0; i < width; i++)
        bar[i] = i < fill ? '#' : '-';
    bar[width] = '\0';
    char name[48];
    snprintf(name, sizeof name, "%s/%s", p->story_slug, p->file);
    fprintf(stderr, "\r\033[K[%s] %zu/%zu photos  %s  ETA %s  %s", bar, done, b->n_photos,
            spent, eta, name);
    b->bar_shown = true;
    if (left == 0) {
        fputc('\n', stderr);
        b->bar_shown = false;
    }
    fflush(stderr);
}

/* One photo worker: whole photos while there are any, then the encodes
 * of photos other workers are still deriving (image_pool_help), so the
 * last photos of a build use every core. `busy` is what it spent
 * working, for the idle time in the report. */
struct worker {
    struct site_build *b;
    struct image_pool *pool;
    struct story_dir dir;
    double busy;
};

static void *worker(void *arg)
{
    struct worker *w = arg;
    struct site_build *b = w->b;
    for (;;) {
        pthread_mutex_lock(&b->lock);
        size_t i = b->next_photo++;
        pthread_mutex_unlock(&b->lock);
        if (i >= b->n_photos)
            break;
        struct site_photo *p = &b->photos[i];
        double t0 = now_seconds();
        /* on the worker's stack: kept (p->diag) only for a photo that
         * failed, not 4.7 KB in each of 100,000 photos */
        struct diag d;
        diag_clear(&d);
        diag_set_file(&d, p->src_path);
        p->status = process_photo(b, p, w->pool, &w->dir, &d);
        if (p->status != ST_OK && (p->diag = malloc(sizeof *p->diag)))
            *p->diag = d;
        p->seconds = now_seconds() - t0;
        w->busy += p->seconds;
        pthread_mutex_lock(&b->lock);
        size_t done = ++b->done_photos;
        if (p->status == ST_OK && !p->cached)
            b->done_built++;
        report_progress(b, p, done);
        pthread_mutex_unlock(&b->lock);
    }
    if (w->dir.fd >= 0)
        close(w->dir.fd);
    w->dir.fd = -1;
    site_folder_list_free(&w->dir.list);
    if (w->pool)
        w->busy += image_pool_help(w->pool);
    return NULL;
}

enum status site_photos_run(struct site_build *b, struct diag *d)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    unsigned jobs = b->opt->jobs ? b->opt->jobs : (cores > 0 ? (unsigned)cores : 1);
    if (jobs > 64)
        jobs = 64;
    if (jobs > b->n_photos)
        jobs = b->n_photos ? (unsigned)b->n_photos : 1;
    pthread_t threads[64];
    struct worker workers[64];
    unsigned started = 0;
    /* each story's output folder is made by the first link into it (publish) */
    b->next_photo = 0;
    b->done_photos = 0;
    b->done_built = 0;
    b->jobs_started = now_seconds();
    /* Without a pool (out of memory) workers take whole photos only. */
    struct image_pool *pool = jobs > 1 ? image_pool_new(jobs) : NULL;
    /* the folder the workers' story folders are opened in (struct story_dir) */
    int out_fd = open(b->out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    for (unsigned i = 0; i < jobs; i++)
        workers[i] = (struct worker){
            .b = b, .pool = pool, .dir = {.out_fd = out_fd, .fd = -1}, .busy = 0};
    for (unsigned i = 1; i < jobs; i++) {
        if (pthread_create(&threads[started], NULL, worker, &workers[i]) != 0)
            break;
        started++;
    }
    /* a thread that could not start must not be waited for */
    for (unsigned i = started + 1; pool && i < jobs; i++)
        image_pool_leave(pool);
    worker(&workers[0]); /* this thread works too */
    for (unsigned i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    image_pool_free(pool);
    if (out_fd >= 0)
        close(out_fd);
    /* idle: worker time not spent on a photo or an encode, up to the
     * moment the last worker finished (the tail of the build) */
    double span = now_seconds() - b->jobs_started;
    for (unsigned i = 0; i <= started; i++)
        if (span > workers[i].busy)
            b->report->seconds_workers_idle += span - workers[i].busy;
    for (size_t i = 0; i < b->n_photos; i++) {
        struct site_photo *p = &b->photos[i];
        if (p->bytes_read) {
            b->report->photos_read++;
            b->report->photo_bytes_read += p->bytes_read;
        }
        if (p->status != ST_OK) {
            b->report->errors++;
            continue;
        }
        if (p->cached)
            b->report->photos_cached++;
        else
            b->report->photos_built++;
        b->report->outputs += (unsigned)p->result.n_outputs;
    }
    return ST_OK;
}

const struct site_photo *site_photo_find(const struct site_build *b, size_t story,
                                         const char *file)
{
    if (story >= b->n_stories)
        return NULL;
    for (size_t i = b->story_first[story]; i < b->story_first[story + 1]; i++)
        if (strcmp(b->photos[i].file, file) == 0)
            return &b->photos[i];
    return NULL;
}
