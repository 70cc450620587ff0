/*
 * heap.c — glibc malloc for photos (docs/performance.md "Memory").
 *
 * A photo's buffers are 1-30 MB each (a width held for its encoders,
 * libjpeg's coefficient arrays, libwebp's planes), made and freed again
 * for every photo. Page faults are what that costs when malloc gives
 * the memory back between photos: ≈ 17 µs of CPU per 4 KB page on the
 * virtual machines we measure on.
 *
 * - mmap threshold 32 MB (glibc's maximum), fixed: every such buffer
 *   comes from an arena, and the dynamic threshold, which rose after
 *   every large free and let fragmentation keep later photos' buffers,
 *   is off.
 * - trim threshold 64 MB: at 8 MB the arena gave back the 26 MB of a
 *   portrait's width each time it was freed at the top and faulted it in
 *   again for the next photo (8 photos of 6000×4000: 80k page faults;
 *   with 64 MB, 25-30k, about the peak itself).
 * - one arena while photos are derived: with one per worker each keeps
 *   its own high-water mark, and with a 64 MB trim threshold nothing
 *   brings it down; in one, a buffer one worker frees is the next one
 *   the other takes (those 8 photos, peak RSS: 120-133 MB with one
 *   arena, 138-139 with two, 118-135 with the old 8 MB). glibc fixes a
 *   thread's arena at its first malloc, so this must precede the
 *   workers, and it is lifted afterwards so that the page workers do
 *   not share one lock.
 *
 * Must never: change anything but malloc's parameters; other C
 * libraries keep their own defaults.
 */
#include <unistd.h> /* first: it says whether this is glibc */
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "image/heap.h"

void image_heap_tune(void)
{
#ifdef __GLIBC__
    mallopt(M_MMAP_THRESHOLD, 32 << 20);
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
#endif
}

void image_heap_photos_begin(void)
{
#ifdef __GLIBC__
    mallopt(M_ARENA_MAX, 1);
#endif
}

void image_heap_photos_end(void)
{
#ifdef __GLIBC__
    /* glibc's own limit (8 per core on 64-bit); 0 is refused */
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    mallopt(M_ARENA_MAX, (int)(8 * (cores > 0 ? cores : 1)));
#endif
}
