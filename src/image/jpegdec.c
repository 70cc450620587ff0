/*
 * jpegdec.c — streamed JPEG decode with libjpeg-turbo at any M/8 DCT
 * scale (docs/image.md "Pipeline" step 3). libvips's jpegload offers
 * only 1/2^k, so a 6000×4000 portrait that needs 2400 px upright was
 * decoded at 1/1 (24 MP) where 5/8 (9.4 MP) suffices. The rows are
 * decoded as libvips asks for them (a sequential image), so the decode
 * is never held in memory.
 *
 * Must never: take a JPEG it does not fully understand (CMYK/YCCK and
 * their Adobe inversion, 12-bit, odd component counts: the caller falls
 * back to libvips's loader), pass a truncated file as a grey-filled
 * photo, or longjmp across a libvips frame (setjmp is armed only around
 * libjpeg calls, inside this file).
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jerror.h>
#include <jpeglib.h>

#include "image/jpegdec.h"

struct jdec {
    struct jpeg_decompress_struct cinfo;
    struct jpeg_error_mgr jerr;
    jmp_buf jmp;
    FILE *fp;
    GMutex lock; /* vips_sequential serialises reads; this makes sure */
    bool created, started, failed, truncated;
    int bands;
    int y;         /* the next row libjpeg will hand out */
    JSAMPLE *line; /* one row, for rows libvips did not ask for */
    JOCTET *icc;   /* from jpeg_read_icc_profile (APP2 chunks in order) */
    unsigned icc_len;
    char msg[JMSG_LENGTH_MAX];
};

static void jdec_error_exit(j_common_ptr c)
{
    struct jdec *j = c->client_data;
    (*c->err->format_message)(c, j->msg);
    longjmp(j->jmp, 1);
}

/* Warnings pass (as libvips's fail_on=error does), except the end of
 * the file arriving early: libjpeg would fill the rest with grey. */
static void jdec_message(j_common_ptr c, int level)
{
    struct jdec *j = c->client_data;
    if (level >= 0)
        return;
    c->err->num_warnings++;
    if (c->err->msg_code == JWRN_JPEG_EOF && !j->truncated) {
        j->truncated = true;
        (*c->err->format_message)(c, j->msg);
    }
}

static void jdec_free(struct jdec *j)
{
    if (!j)
        return;
    if (j->created)
        jpeg_destroy_decompress(&j->cinfo);
    if (j->fp)
        fclose(j->fp);
    free(j->icc);
    g_free(j->line);
    g_mutex_clear(&j->lock);
    g_free(j);
}

static void jdec_close(VipsImage *im, struct jdec *j)
{
    jdec_free(j);
}

/* Decodes rows up to the end of `r` into `or`. The only frame with
 * setjmp armed while rows are read; nothing local changes after it. */
static int jdec_rows(struct jdec *j, VipsRegion * or, const VipsRect *r)
{
    if (setjmp(j->jmp)) {
        j->failed = true;
        return -1;
    }
    if (!j->started) {
        jpeg_start_decompress(&j->cinfo);
        j->started = true;
    }
    bool whole = r->left == 0 && r->width == (int)j->cinfo.output_width;
    while (j->y < r->top + r->height) {
        bool wanted = j->y >= r->top;
        JSAMPROW row = wanted && whole ? (JSAMPROW)VIPS_REGION_ADDR(or, 0, j->y) : j->line;
        if (jpeg_read_scanlines(&j->cinfo, &row, 1) != 1) {
            snprintf(j->msg, sizeof j->msg, "Premature end of JPEG file");
            j->truncated = true;
        }
        if (j->truncated) {
            j->failed = true;
            return -1;
        }
        if (wanted && !whole)
            memcpy(VIPS_REGION_ADDR(or, r->left, j->y),
                   j->line + (size_t)r->left * (size_t)j->bands,
                   (size_t)r->width * (size_t)j->bands);
        j->y++;
    }
    return 0;
}

static int jdec_gen(VipsRegion * or, void *seq, void *a, void *b, gboolean *stop)
{
    struct jdec *j = a;
    const VipsRect *r = & or->valid;
    int st = -1;
    g_mutex_lock(&j->lock);
    if (j->failed)
        vips_error("VipsJpeg", "%s", j->msg);
    else if (r->top < j->y)
        vips_error("VipsJpeg", "rows requested out of order (%d after %d)", r->top, j->y);
    else if (jdec_rows(j, or, r) != 0)
        vips_error("VipsJpeg", "%s", j->msg);
    else
        st = 0;
    g_mutex_unlock(&j->lock);
    return st;
}

/* Reads the header and picks the scale; false for anything we leave to
 * libvips. The only other frame with setjmp armed. */
static bool jdec_header(struct jdec *j, unsigned min_w, bool swap)
{
    if (setjmp(j->jmp))
        return false;
    jpeg_create_decompress(&j->cinfo);
    j->created = true;
    jpeg_stdio_src(&j->cinfo, j->fp);
    jpeg_save_markers(&j->cinfo, JPEG_APP0 + 2, 0xFFFF);
    if (jpeg_read_header(&j->cinfo, TRUE) != JPEG_HEADER_OK || j->cinfo.data_precision != 8)
        return false;
    switch (j->cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE:
        j->cinfo.out_color_space = JCS_GRAYSCALE;
        j->bands = 1;
        break;
    case JCS_YCbCr:
    case JCS_RGB:
        j->cinfo.out_color_space = JCS_RGB;
        j->bands = 3;
        break;
    default: /* CMYK, YCCK (Adobe-inverted or not), unknown: libvips */
        return false;
    }
    if (j->cinfo.num_components != j->bands)
        return false;
    /* The smallest eighth whose width (rounded up, as libjpeg does)
     * still reaches min_w; 8/8 when none does. */
    unsigned long up = swap ? j->cinfo.image_height : j->cinfo.image_width;
    unsigned m = 1;
    while (m < 8 && (up * m + 7) / 8 < min_w)
        m++;
    j->cinfo.scale_num = m;
    j->cinfo.scale_denom = 8;
    jpeg_calc_output_dimensions(&j->cinfo);
    if (j->cinfo.output_components != j->bands || j->cinfo.output_width == 0 ||
        j->cinfo.output_height == 0 || j->cinfo.output_width > VIPS_MAX_COORD ||
        j->cinfo.output_height > VIPS_MAX_COORD)
        return false;
    if (!jpeg_read_icc_profile(&j->cinfo, &j->icc, &j->icc_len)) {
        j->icc = NULL; /* none, or chunks that do not add up: untagged */
        j->icc_len = 0;
    }
    return true;
}

VipsImage *image_jpeg_open(const char *path, unsigned min_w, bool swap)
{
    struct jdec *j = g_new0(struct jdec, 1);
    VipsImage *raw = NULL, *out = NULL;
    g_mutex_init(&j->lock);
    j->cinfo.err = jpeg_std_error(&j->jerr);
    j->jerr.error_exit = jdec_error_exit;
    j->jerr.emit_message = jdec_message;
    j->cinfo.client_data = j;
    if (!(j->fp = fopen(path, "rb")) || !jdec_header(j, min_w, swap))
        goto abort;
    j->line = g_malloc((size_t)j->cinfo.output_width * (size_t)j->bands);

    raw = vips_image_new();
    vips_image_init_fields(raw, (int)j->cinfo.output_width, (int)j->cinfo.output_height, j->bands,
                           VIPS_FORMAT_UCHAR, VIPS_CODING_NONE,
                           j->bands == 1 ? VIPS_INTERPRETATION_B_W : VIPS_INTERPRETATION_sRGB, 1.0,
                           1.0);
    if (j->icc)
        vips_image_set_blob_copy(raw, VIPS_META_ICC_NAME, j->icc, j->icc_len);
    if (vips_image_pipelinev(raw, VIPS_DEMAND_STYLE_THINSTRIP, NULL))
        goto abort;
    /* from here the image owns the decoder and frees it on close */
    struct jdec *owned = j;
    g_signal_connect(raw, "close", G_CALLBACK(jdec_close), owned);
    j = NULL;
    /* rows in order, from one thread at a time, however the resize
     * downstream asks for them */
    if (vips_image_generate(raw, NULL, jdec_gen, NULL, owned, NULL) ||
        vips_sequential(raw, &out, "tile_height", 16, NULL))
        VIPS_UNREF(out);
abort:
    jdec_free(j);
    VIPS_UNREF(raw); /* `out` keeps its own reference */
    if (!out)
        vips_error_clear(); /* the fallback gives its own reasons */
    return out;
}
