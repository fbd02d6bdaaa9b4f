/* sha256.h: SHA-256 digests (OpenSSL's libcrypto, not a hand-written hash) as lowercase hex. */
#ifndef OUTCOMES_SHA256_H
#define OUTCOMES_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "outcomes/diag.h"

/* hex: 65 bytes. Returns 0, or -1 when the library fails. */
int sha256_hex(const void *data, size_t n, char hex[65]);
/* The digest of parts laid end to end. */
int sha256_parts_hex(const void *const *parts, const size_t *lens, size_t nparts, char hex[65]);
/* Hashes a regular file by streaming it to its end, or to one byte past the size it had when
 * opened (a file that grew: *size shows it, and an endless one ends); sets *size. Returns 0 or
 * DIAG_IO with d set (also for a device, FIFO or directory, which are refused unread: infile.h). */
int sha256_file(const char *path, char hex[65], uint64_t *size, struct diag *d);
/* The same, and *fp (when fp is not NULL) the fingerprint (fingerprint.h) of the bytes hashed. */
int sha256_file_fp(const char *path, char hex[65], uint64_t *size, uint64_t *fp, struct diag *d);

/* A digest fed in pieces: _new (NULL when out of memory or the library fails), _add (0 or -1),
 * _end (the digest of everything added since _new or the last _end, then a fresh start; 0 or
 * -1), _free (NULL does nothing). */
struct sha256_stream;
struct sha256_stream *sha256_stream_new(void);
int sha256_stream_add(struct sha256_stream *s, const void *data, size_t n);
int sha256_stream_end(struct sha256_stream *s, char hex[65]);
void sha256_stream_free(struct sha256_stream *s);

#endif
