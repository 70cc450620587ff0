/*
 * page_text.c — the site's own pages, pages/NAME.md as NAME/index.html
 * (about, contact, the licensing terms with the general inquiry form),
 * and their titles for the navigation. A page whose text and site-wide
 * inputs are unchanged is not rendered again (fingerprint.c).
 *
 * Must never: stop the build for one bad page (it is reported and
 * counted; the other pages are still written).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "site/internal.h"

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* pages/NAME.md: with write false, lists their titles in `nav_list`;
 * with write true, renders each as NAME/index.html (failures reported
 * and counted, the other pages still written). */
void site_render_text_pages(struct site_build *b, json_t *nav_list, bool write)
{
    char dir[TS_LIMIT_PATH];
    if (!path_join(dir, sizeof dir, b->opt->site_dir, "pages"))
        return;
    DIR *dh = opendir(dir);
    if (!dh)
        return;
    char *names[256];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(dh)) && n < 256)
        if (e->d_name[0] != '.' && str_ends_with(e->d_name, ".md"))
            names[n++] = str_dup(e->d_name);
    closedir(dh);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        char path[TS_LIMIT_PATH], stem[256], slug[256];
        snprintf(stem, sizeof stem, "%.*s", (int)(strlen(names[i]) - 3), names[i]);
        site_slugify(stem, slug, sizeof slug);
        struct story *s = NULL;
        uint8_t *text = NULL;
        size_t len = 0;
        struct diag pd;
        diag_clear(&pd);
        enum status st = ST_OK;
        if (!path_join(path, sizeof path, dir, names[i]))
            continue;
        st = file_read_all(path, TS_LIMIT_TEXT_BYTES, &text, &len, &pd);
        if (st == ST_OK)
            st = story_parse(path, (const char *)text, len, &s, &pd);
        if (st == ST_OK && !write) {
            char href[300];
            snprintf(href, sizeof href, "%s/", slug);
            json_array_append_new(nav_list,
                                  json_pack("{s:s, s:s}", "href", href, "title", s->title));
        } else if (st == ST_OK) {
            /* unchanged text, site and theme: the page as it is (its
             * inputs: the .md file's bytes and the site-wide `g`) */
            char rel[600], text_sha[65], fp[65];
            snprintf(rel, sizeof rel, "%s/index.html", slug);
            site_sha256_hex((const char *)text, len, text_sha);
            site_fp_page(b, rel, b->site_fp, text_sha, fp);
            if (site_page_fresh(b, rel, fp))
                goto next;
            site_page_begin(b, fp);
            struct story fake = *s;
            fake.slug = slug;
            struct site_figure_ctx fc = {.b = b,
                                         .story = &fake,
                                         .story_no = SIZE_MAX,
                                         .root = "../",
                                         .prefix = "",
                                         .lang = s->lang ? s->lang : b->cfg->language,
                                         .captions = true};
            struct buf body, content;
            buf_init(&body, TS_LIMIT_PAGE_BYTES);
            buf_init(&content, TS_LIMIT_PAGE_BYTES);
            st = html_markdown(s->body, s->body_len, site_figure, &fc, &body, &pd);
            if (st == ST_OK) {
                json_t *ctx = json_pack("{s:s, s:s, s:s}", "title", s->title, "body",
                                        body.data ? body.data : "", "root", "../");
                site_set_str(ctx, "lang", s->lang);
                /* the licensing terms end with the general inquiry form */
                if (strcmp(slug, "licensing") == 0) {
                    json_t *form = json_object();
                    site_form_fields(b, form, "../", NULL, b->cfg->license.licensor_email);
                    json_object_set_new(ctx, "inquiry_form", form);
                }
                st = site_render(b, b->theme.page, ctx, &content, &pd);
                json_decref(ctx);
            }
            if (st == ST_OK)
                st = site_write_page(b,
                                     &(struct site_page){.rel = rel,
                                                         .root = "../",
                                                         .title = s->title,
                                                         .lang = s->lang,
                                                         .description = s->summary,
                                                         .content = content.data},
                                     nav_list, &pd);
            buf_free(&body);
            buf_free(&content);
        }
        if (st != ST_OK && write) {
            log_diag(LOG_ERROR, &pd);
            b->report->errors++;
        }
    next:
        story_free(s);
        free(text);
        free(names[i]);
    }
    if (write)
        site_page_begin(b, NULL); /* what follows sets its own fingerprint */
}
