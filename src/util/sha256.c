/* sha256.c: SHA-256 through OpenSSL's EVP interface (hardware-accelerated where the CPU can). */
#include "outcomes/sha256.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void to_hex(const unsigned char *md, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';
}

int sha256_hex(const void *data, size_t n, char hex[65])
{
    return sha256_parts_hex(&data, &n, 1, hex);
}

int sha256_parts_hex(const void *const *parts, const size_t *lens, size_t nparts, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1;
    for (size_t i = 0; i < nparts && ok; i++)
        ok = EVP_DigestUpdate(ctx, parts[i], lens[i]) == 1;
    ok = ok && EVP_DigestFinal_ex(ctx, md, &len) == 1 && len == 32;
    EVP_MD_CTX_free(ctx);
    if (!ok)
        return -1;
    to_hex(md, hex);
    return 0;
}

int sha256_file(const char *path, char hex[65], uint64_t *size, struct diag *d)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return diag_set(d, DIAG_IO, path, 0, 0, "cannot open: %s", strerror(errno));
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char *buf = malloc(1 << 20), md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    int rc = 0;
    *size = 0;
    if (!ctx || !buf || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        rc = diag_set(d, DIAG_IO, path, 0, 0, "out of memory");
        goto out;
    }
    size_t got;
    while ((got = fread(buf, 1, 1 << 20, f)) > 0) {
        if (EVP_DigestUpdate(ctx, buf, got) != 1) {
            rc = diag_set(d, DIAG_IO, path, 0, 0, "hashing failed");
            goto out;
        }
        *size += got;
    }
    if (ferror(f)) {
        rc = diag_set(d, DIAG_IO, path, 0, 0, "read failed: %s", strerror(errno));
        goto out;
    }
    if (EVP_DigestFinal_ex(ctx, md, &len) != 1 || len != 32) {
        rc = diag_set(d, DIAG_IO, path, 0, 0, "hashing failed");
        goto out;
    }
    to_hex(md, hex);
out:
    EVP_MD_CTX_free(ctx);
    free(buf);
    fclose(f);
    return rc;
}
