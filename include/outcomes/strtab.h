/* strtab.h: a string interning table. Each distinct byte string gets a dense uint32 id; the
 * bytes live in one growing buffer, so a column of strings costs 4 bytes a row, not an
 * allocation per field. Id 0 is always the empty string (an absent value).
 *
 * Ids are given in first-seen order, which depends on row order; code that writes output ranks
 * ids by bytes first (strtab_rank) so that nothing depends on the order rows arrived in. */
#ifndef OUTCOMES_STRTAB_H
#define OUTCOMES_STRTAB_H

#include <stddef.h>
#include <stdint.h>

struct strtab;

/* Returns a new table holding only "" (id 0), or NULL when out of memory. */
struct strtab *strtab_new(void);
/* Frees t; strtab_free(NULL) does nothing. */
void strtab_free(struct strtab *t);

/* Sets *id to the id of s[0..n) (need not be NUL-terminated), adding it when new.
 * Returns 0, or -1 when out of memory (t is unchanged). */
int strtab_intern(struct strtab *t, const char *s, size_t n, uint32_t *id);
/* Adds s[0..n) as a new id without looking it up: for a caller that knows it is new (merging
 * tables of distinct strings). A later strtab_intern indexes such ids first. Returns 0 or -1. */
int strtab_append(struct strtab *t, const char *s, size_t n, uint32_t *id);
/* For a merge of tables without a copy of their strings: moves the byte buffers of srcs[0..n)
 * into dst's (the largest taken over as it is, the others copied after it and freed one at a
 * time), so that dst's buffer holds every string of them and of dst. Each src keeps answering
 * strtab_get (its bytes now lie in dst's buffer, which dst owns) but takes no new string; free
 * the srcs before dst grows. Returns 0, or -1 (nothing changed) when out of memory. */
int strtab_adopt_bytes(struct strtab *dst, struct strtab *const *srcs, size_t n);
/* Adds the NUL-terminated string at p, n bytes inside dst's buffer (after strtab_adopt_bytes),
 * as a new id without copying or looking it up (as strtab_append). Returns 0 or -1. */
int strtab_append_ref(struct strtab *t, const char *p, size_t n, uint32_t *id);
/* Returns the NUL-terminated bytes of id (borrowed, valid until the next intern); *len if set. */
const char *strtab_get(const struct strtab *t, uint32_t id, size_t *len);
/* Number of ids, "" included. */
uint32_t strtab_count(const struct strtab *t);

/* Fills rank[id] (caller-allocated, strtab_count entries) with the position of each string in
 * byte order; "" gets rank 0. Returns 0, or -1 when out of memory. */
int strtab_rank(const struct strtab *t, uint32_t *rank);
/* The inverse: order[r] (strtab_count entries) is the id of the r-th string in byte order. */
int strtab_order(const struct strtab *t, uint32_t *order);

/* Returns a new table holding t's strings re-numbered in byte order (rank from strtab_rank),
 * or NULL when out of memory. */
struct strtab *strtab_sorted_copy(const struct strtab *t, const uint32_t *rank);

#endif
