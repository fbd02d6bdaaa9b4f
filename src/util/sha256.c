/* sha256.c: SHA-256 through OpenSSL's EVP interface (hardware-accelerated where the CPU can). */
#include "outcomes/sha256.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "outcomes/fingerprint.h"
#include "outcomes/infile.h"

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

struct sha256_stream {
    EVP_MD_CTX *ctx;
};

struct sha256_stream *sha256_stream_new(void)
{
    struct sha256_stream *s = malloc(sizeof *s);
    if (!s)
        return NULL;
    s->ctx = EVP_MD_CTX_new();
    if (!s->ctx || EVP_DigestInit_ex(s->ctx, EVP_sha256(), NULL) != 1) {
        sha256_stream_free(s);
        return NULL;
    }
    return s;
}

int sha256_stream_add(struct sha256_stream *s, const void *data, size_t n)
{
    return EVP_DigestUpdate(s->ctx, data, n) == 1 ? 0 : -1;
}

int sha256_stream_end(struct sha256_stream *s, char hex[65])
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(s->ctx, md, &len) != 1 || len != 32 ||
        EVP_DigestInit_ex(s->ctx, EVP_sha256(), NULL) != 1)
        return -1;
    to_hex(md, hex);
    return 0;
}

void sha256_stream_free(struct sha256_stream *s)
{
    if (!s)
        return;
    EVP_MD_CTX_free(s->ctx);
    free(s);
}

int sha256_file(const char *path, char hex[65], uint64_t *size, struct diag *d)
{
    return sha256_file_fp(path, hex, size, NULL, d);
}

int sha256_file_fp(const char *path, char hex[65], uint64_t *size, uint64_t *fp, struct diag *d)
{
    static const struct infile_words words = {"cannot open", "a file",
                                              "only regular files are hashed"};
    int fd;
    uint64_t st_size;
    int rc = infile_open(path, &words, &fd, &st_size, d);
    if (rc)
        return rc;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char *buf = malloc(1 << 20), md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    *size = 0;
    if (fp)
        *fp = 0;
    if (!ctx || !buf || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        rc = diag_set(d, DIAG_IO, path, 0, 0, "out of memory");
        goto out;
    }
    /* to the end of the file, but never more than one byte past the size it had when opened: a
     * file that grew shows in *size, and one that grows without end is not read forever */
    for (uint64_t limit = st_size + 1; *size < limit;) {
        size_t want = limit - *size < (1u << 20) ? (size_t)(limit - *size) : (1u << 20);
        ssize_t got = read(fd, buf, want);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            rc = diag_set(d, DIAG_IO, path, 0, 0, "read failed: %s", strerror(errno));
            goto out;
        }
        if (got == 0)
            break;
        if (EVP_DigestUpdate(ctx, buf, (size_t)got) != 1) {
            rc = diag_set(d, DIAG_IO, path, 0, 0, "hashing failed");
            goto out;
        }
        if (fp)
            *fp = fingerprint_add(*fp, fingerprint_piece(buf, (size_t)got, *size));
        *size += (uint64_t)got;
    }
    if (EVP_DigestFinal_ex(ctx, md, &len) != 1 || len != 32) {
        rc = diag_set(d, DIAG_IO, path, 0, 0, "hashing failed");
        goto out;
    }
    to_hex(md, hex);
out:
    EVP_MD_CTX_free(ctx);
    free(buf);
    close(fd);
    return rc;
}
