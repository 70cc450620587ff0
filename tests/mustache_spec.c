/*
 * mustache_spec.c — runs every case of the required Mustache spec
 * modules (comments, interpolation, sections, inverted, partials,
 * delimiters) through html_template_compile/html_render and compares
 * the output byte for byte. Prints "N passed, N failed" per file; exits
 * 1 when any case fails, and says Skipped (tests/lib/skip.h) when the
 * shared corpus is absent. The optional modules (files starting with
 * "~": lambdas, inheritance, dynamic names) are not part of the engine
 * and are not run.
 *
 * Must never: write anywhere, or pass when a case fails.
 */
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "html/html.h"
#include "skip.h"

static const char *const spec_files[] = {"comments", "interpolation", "sections",
                                         "inverted", "partials",      "delimiters"};

static const char *partial_from_json(void *ud, const char *name, size_t *len)
{
    json_t *v = json_object_get((json_t *)ud, name);
    if (!json_is_string(v))
        return NULL;
    *len = json_string_length(v);
    return json_string_value(v);
}

/* One case; prints the details of a failure. */
static bool run_case(const char *file, json_t *tc)
{
    const char *name = json_string_value(json_object_get(tc, "name"));
    json_t *tmpl = json_object_get(tc, "template");
    json_t *expected = json_object_get(tc, "expected");
    json_t *partials = json_object_get(tc, "partials");
    struct html_template *t = NULL;
    struct diag d;
    struct buf out;
    bool ok = false;
    char msg[1024];
    buf_init(&out, 1 << 20);
    if (!json_is_string(tmpl) || !json_is_string(expected)) {
        printf("  %s: %s: case has no template or expected output\n", file, name);
        goto abort;
    }
    if (html_template_compile(name, json_string_value(tmpl), json_string_length(tmpl), &t, &d) !=
        ST_OK) {
        diag_format(&d, msg, sizeof msg);
        printf("  FAIL %s: %s: compile: %s\n", file, name, msg);
        goto abort;
    }
    if (html_render(t, json_object_get(tc, "data"), partial_from_json, partials, &out, &d) !=
        ST_OK) {
        diag_format(&d, msg, sizeof msg);
        printf("  FAIL %s: %s: render: %s\n", file, name, msg);
        goto abort;
    }
    ok = out.len == json_string_length(expected) &&
         memcmp(out.data ? out.data : "", json_string_value(expected), out.len) == 0;
    if (!ok)
        printf("  FAIL %s: %s\n    expected: [%s]\n    got:      [%s]\n", file, name,
               json_string_value(expected), out.data ? out.data : "");
abort:
    html_template_free(t);
    buf_free(&out);
    return ok;
}

int main(void)
{
    char dir[TS_LIMIT_PATH], path[TS_LIMIT_PATH], fname[64];
    int failed_total = 0;
    if (!path_join(dir, sizeof dir, TS_SHARED_DIR, "corpus/mustache-spec") || !file_exists(dir))
        ts_skip_program("../shared/corpus/mustache-spec is absent");
    for (size_t f = 0; f < sizeof spec_files / sizeof spec_files[0]; f++) {
        snprintf(fname, sizeof fname, "%s.json", spec_files[f]);
        if (!path_join(path, sizeof path, dir, fname))
            return 1;
        json_error_t err;
        json_t *root = json_load_file(path, 0, &err);
        json_t *tests = json_object_get(root, "tests");
        if (!json_is_array(tests)) {
            printf("%s: cannot read: %s (line %d)\n", fname, err.text, err.line);
            json_decref(root);
            failed_total++;
            continue;
        }
        int passed = 0, failed = 0;
        for (size_t i = 0; i < json_array_size(tests); i++) {
            if (run_case(fname, json_array_get(tests, i)))
                passed++;
            else
                failed++;
        }
        printf("%s: %d passed, %d failed\n", fname, passed, failed);
        failed_total += failed;
        json_decref(root);
    }
    /* The spec's optional modules (~lambdas, ~inheritance,
     * ~dynamic-names) are not part of tearsheet's engine: templates are
     * data, never code. */
    return failed_total ? 1 : 0;
}
