/*
 * heap.h — inside the image module: glibc malloc's settings for the
 * photo phase (heap.c), shared by image.c, the encode pool and lazy.c's
 * stand-in pool.
 *
 * Must never: be included outside src/image.
 */
#ifndef TS_IMAGE_HEAP_H
#define TS_IMAGE_HEAP_H

/* Thresholds for photo-sized buffers; any time, once per process. */
void image_heap_tune(void);

/* One malloc arena for the threads started from now on (call before a
 * build's photo workers start), and back to glibc's default count when
 * the photo phase is over. */
void image_heap_photos_begin(void);
void image_heap_photos_end(void);

#endif
