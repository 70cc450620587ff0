/*
 * md5.c — MD5 of the IIM block for the Photoshop 8BIM 0x0425
 * "IPTCDigest" (MWG Guidelines 2.0 §4.2.2.1). MD5 is what the format
 * uses; it is never used here for security.
 */
#include <string.h>

#include <openssl/evp.h>

#include "meta/meta.h"

void meta_md5(const uint8_t *p, size_t n, uint8_t out[16])
{
    unsigned int len = 16;
    if (EVP_Digest(p, n, out, &len, EVP_md5(), NULL) != 1)
        memset(out, 0, 16);
}
