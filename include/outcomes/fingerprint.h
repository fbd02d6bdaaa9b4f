/* fingerprint.h: a position-keyed checksum of a file's bytes that pieces of the file, read in
 * any order, by any number of threads and cut anywhere, add up to. The reader and the input
 * hasher each compute it over the bytes they read; equal fingerprints (and sizes) mean the
 * digest in the manifest is of the bytes analysed (issue 13). Not a cryptographic hash: it
 * detects a file that changed while it was read, it does not resist a forger (who could change
 * the file after the run anyway).
 *
 * F = sum over the 8-byte words w_i of the file (word i at offset 8i, read in the machine's byte
 * order, the last one padded with zeros) of w_i * R^i, modulo the prime 2^61 - 1. Two byte
 * strings of one length that differ agree with probability about (length / 8) / 2^61 for a
 * change that does not know R (a word changed by exactly 2^61 - 1 is the one blind spot). The
 * value depends on the byte order: compare fingerprints made by one process only. */
#ifndef OUTCOMES_FINGERPRINT_H
#define OUTCOMES_FINGERPRINT_H

#include <stddef.h>
#include <stdint.h>

/* The contribution of the n bytes at buf, which are the file's bytes at offset off. */
uint64_t fingerprint_piece(const void *buf, size_t n, uint64_t off);
/* The fingerprint of two disjoint sets of bytes together. */
uint64_t fingerprint_add(uint64_t a, uint64_t b);

#endif
