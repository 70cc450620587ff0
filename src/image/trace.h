/*
 * trace.h — inside the image module: a timeline of each photo's steps
 * (open, each width, each encode, the waits of the encode pool), one
 * line per step on stderr when TEARSHEET_IMAGE_TRACE is set, so the
 * critical path of a build can be read from when each step ran on which
 * thread (docs/performance.md "Reading a build's timeline").
 *
 * Must never: be included outside src/image, or cost more than one
 * load and a branch per step when the variable is unset.
 */
#ifndef TS_IMAGE_TRACE_H
#define TS_IMAGE_TRACE_H

#include <stdbool.h>

/* Whether the trace is on (TEARSHEET_IMAGE_TRACE set and not "0"). */
bool image_trace_on(void);

/* Seconds on the monotonic clock, for the start of a step. */
double image_trace_now(void);

/* One step of `photo` (a path; its last component is printed) from
 * `t0` (image_trace_now) to now: `step` and an optional width. */
void image_trace_step(const char *photo, double t0, const char *step, unsigned width);

#endif
