/*
 * messages.c — a theme's message catalogue (themes/<name>/messages.<lang>.yaml):
 * the interface strings of the pages ("Skip to content", "License this
 * photo") in one language, a flat mapping of key to text, read with the
 * story module's one YAML reader.
 *
 * Must never: accept a nested value (a template would print a mapping),
 * a key outside [a-z0-9_] (templates name it as {{msg.key}}), or a key
 * twice (the later one would win unseen).
 *
 * Spec: docs/site.md "Languages".
 */
#include <stdlib.h>
#include <string.h>

#include "story/story_int.h"

void story_messages_free(struct story_messages *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++) {
        free(m->keys[i]);
        free(m->values[i]);
    }
    free(m->keys);
    free(m->values);
    free(m);
}

static bool key_ok(const char *k)
{
    if (!*k || strlen(k) > 64)
        return false;
    for (; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '_'))
            return false;
    return true;
}

static enum status one_message(struct story_ctx *c, const char *key, const struct story_ynode *v,
                               const char *field, void *obj)
{
    struct story_messages *m = obj;
    if (!key_ok(key))
        return story_config_error(c, v, field,
                                  "a message key is lower-case letters, digits and '_'");
    if (m->n >= TS_LIMIT_MESSAGES)
        return story_config_error(c, v, field, "more than %d messages", TS_LIMIT_MESSAGES);
    char *text = NULL;
    enum status st = story_get_text(c, v, field, &text);
    if (st != ST_OK)
        return st;
    char *k = str_dup(key);
    if (!k || !text) {
        free(k);
        free(text);
        return text ? ST_NOMEM : story_config_error(c, v, field, "an empty message");
    }
    m->keys[m->n] = k;
    m->values[m->n] = text;
    m->n++;
    return ST_OK;
}

enum status story_messages_parse(const char *path, const char *text, size_t len,
                                 struct story_messages **out, struct diag *d)
{
    struct story_ynode *root = NULL;
    struct story_messages *m = calloc(1, sizeof *m);
    char *norm = NULL;
    enum status st;
    *out = NULL;
    diag_clear(d);
    if (m) {
        m->keys = calloc(TS_LIMIT_MESSAGES, sizeof *m->keys);
        m->values = calloc(TS_LIMIT_MESSAGES, sizeof *m->values);
    }
    if (!m || !m->keys || !m->values) {
        st = diag_set(d, ST_NOMEM, NULL, DIAG_NO_OFFSET, "out of memory");
        goto abort;
    }
    if ((st = story_yaml_file(path, text, len, &norm, &root, d)) != ST_OK)
        goto abort;
    struct story_ctx c = {path, d, 0, NULL};
    if (root && !story_yaml_is_null(root)) {
        if (root->kind != STORY_Y_MAP) {
            st = story_config_error(&c, root, NULL, "expected 'key: text' lines");
            goto abort;
        }
        if ((st = story_read_map(&c, root, NULL, one_message, m)) != ST_OK)
            goto abort;
    }
    *out = m;
    m = NULL;
abort:
    story_yaml_free(root);
    free(norm);
    story_messages_free(m);
    return st;
}
