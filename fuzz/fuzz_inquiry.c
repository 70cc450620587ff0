/*
 * fuzz_inquiry.c — fuzz target for the licence-inquiry body parsers:
 * the input is parsed as an application/x-www-form-urlencoded body and
 * as a JSON body through the field table, and searched for one form
 * value the way the owner's pages read theirs.
 * Must never: trust a percent-escape, a JSON length or a field count.
 */
#include <stdint.h>
#include <string.h>

#include "serve/lic.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct serve_inquiry q;
    struct serve_errors e;
    char value[128];
    serve_inquiry_parse(SERVE_BODY_FORM, data, size, &q, &e);
    serve_inquiry_clear(&q);
    serve_inquiry_parse(SERVE_BODY_JSON, data, size, &q, &e);
    serve_inquiry_clear(&q);
    serve_form_value(data, size, "csrf", value, sizeof value);
    return 0;
}
