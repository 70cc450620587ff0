/*
 * trace.c — the image module's timeline (trace.h). Each line is
 *   image-trace START END tN PHOTO STEP [WIDTH]
 * with START and END in seconds since the first traced step of the
 * process and N a small number per thread in order of first use, so a
 * script can draw which step ran when on which worker.
 *
 * Must never: write anything when TEARSHEET_IMAGE_TRACE is unset, or
 * split a line between threads (one fprintf per line; stdio locks the
 * stream for each call).
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/trace.h"

static gsize trace_state; /* 0 unread, 1 off, 2 on (g_once_init) */
static gint64 trace_origin;
static gint trace_threads;
static _Thread_local int trace_thread; /* 0 = not numbered yet */

bool image_trace_on(void)
{
    if (g_once_init_enter(&trace_state)) {
        const char *v = getenv("TEARSHEET_IMAGE_TRACE");
        trace_origin = g_get_monotonic_time();
        g_once_init_leave(&trace_state, v && *v && strcmp(v, "0") != 0 ? 2 : 1);
    }
    return trace_state == 2;
}

double image_trace_now(void)
{
    return image_trace_on() ? (double)(g_get_monotonic_time() - trace_origin) / 1e6 : 0;
}

void image_trace_step(const char *photo, double t0, const char *step, unsigned width)
{
    if (!image_trace_on())
        return;
    double t1 = (double)(g_get_monotonic_time() - trace_origin) / 1e6;
    if (!trace_thread)
        trace_thread = g_atomic_int_add(&trace_threads, 1) + 1;
    const char *base = strrchr(photo, '/');
    base = base ? base + 1 : photo;
    if (width)
        fprintf(stderr, "image-trace %.4f %.4f t%d %s %s %u\n", t0, t1, trace_thread, base, step,
                width);
    else
        fprintf(stderr, "image-trace %.4f %.4f t%d %s %s\n", t0, t1, trace_thread, base, step);
}
