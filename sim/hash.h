/*
** sim/hash.h: an open-addressing hash table from 64-bit keys to pointers.
**
** The model finds logon sessions by LUID through this table, so the cost
** of a step does not grow with the number of live sessions. Linear probing
** with backward-shift deletion (no tombstones); the table doubles when it
** is more than half full. Key 0 is reserved (no LUID is 0).
**
** Contents: 1. the table  2. operations  3. iteration
*/
#ifndef MAPSCOPE_SIM_HASH_H
#define MAPSCOPE_SIM_HASH_H

#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------- 1 ---- */

/* One slot: key and value side by side, so a lookup touches one cache
** line. */
typedef struct SimHashSlot SimHashSlot;
struct SimHashSlot {
  uint64_t iKey;       /* the key; 0 = empty slot */
  void *pVal;          /* its value */
};

typedef struct SimHash SimHash;
struct SimHash {
  SimHashSlot *aSlot;  /* the slots */
  size_t nSlot;        /* slots allocated (a power of two, or 0) */
  size_t nUsed;        /* slots holding a key */
};

/* ---------------------------------------------------------------- 2 ---- */

/* Make an empty table (no allocation until the first insert). */
void simhash_init(SimHash *pHash);

/* Free the slots (not the values) and leave the table empty. */
void simhash_clear(SimHash *pHash);

/* The value for iKey, or NULL. iKey must not be 0. */
void *simhash_find(const SimHash *pHash, uint64_t iKey);

/* Insert or replace iKey -> pVal (pVal not NULL). Returns 0, or
** ERROR_NOT_ENOUGH_MEMORY with the table unchanged. */
int simhash_insert(SimHash *pHash, uint64_t iKey, void *pVal);

/* Remove iKey; returns its value, or NULL if it was absent. */
void *simhash_remove(SimHash *pHash, uint64_t iKey);

/* ---------------------------------------------------------------- 3 ---- */

/* Number of keys held. */
size_t simhash_count(const SimHash *pHash);

#endif /* MAPSCOPE_SIM_HASH_H */
