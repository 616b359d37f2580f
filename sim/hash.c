/*
** sim/hash.c: open-addressing uint64 -> pointer table (see hash.h).
** Contents: 1. hashing and probing  2. public operations.
*/
#include "sim/hash.h"
#include "sim/winerror.h"

#include <stdlib.h>

/* ---------------------------------------------------------------- 1 ---- */

/* splitmix64's finaliser: spreads sequential LUIDs over the slots. */
static size_t simhash_mix(uint64_t x, size_t nSlot){
  x ^= x >> 30; x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27; x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return (size_t)(x & (uint64_t)(nSlot-1));
}

/* Slot holding iKey, or the empty slot where it would go. */
static size_t simhash_slot(const SimHash *pHash, uint64_t iKey){
  size_t i = simhash_mix(iKey, pHash->nSlot);
  while( pHash->aSlot[i].iKey!=0 && pHash->aSlot[i].iKey!=iKey ){
    i = (i+1) & (pHash->nSlot-1);
  }
  return i;
}

static int simhash_grow(SimHash *pHash){
  size_t nNew = pHash->nSlot ? pHash->nSlot*2 : 16;
  size_t i;
  SimHash h;
  h.aSlot = calloc(nNew, sizeof(SimHashSlot));
  if( h.aSlot==NULL ) return ERROR_NOT_ENOUGH_MEMORY;
  h.nSlot = nNew;
  h.nUsed = pHash->nUsed;
  for(i=0; i<pHash->nSlot; i++){
    if( pHash->aSlot[i].iKey ){
      h.aSlot[simhash_slot(&h, pHash->aSlot[i].iKey)] = pHash->aSlot[i];
    }
  }
  free(pHash->aSlot);
  *pHash = h;
  return 0;
}

/* ---------------------------------------------------------------- 2 ---- */

void simhash_init(SimHash *pHash){
  pHash->aSlot = NULL;
  pHash->nSlot = 0;
  pHash->nUsed = 0;
}

void simhash_clear(SimHash *pHash){
  free(pHash->aSlot);
  simhash_init(pHash);
}

void *simhash_find(const SimHash *pHash, uint64_t iKey){
  size_t i;
  if( pHash->nSlot==0 || iKey==0 ) return NULL;
  i = simhash_slot(pHash, iKey);
  return pHash->aSlot[i].iKey==iKey ? pHash->aSlot[i].pVal : NULL;
}

int simhash_insert(SimHash *pHash, uint64_t iKey, void *pVal){
  size_t i;
  if( iKey==0 || pVal==NULL ) return ERROR_INVALID_PARAMETER;
  if( (pHash->nUsed+1)*2 > pHash->nSlot ){
    int rc = simhash_grow(pHash);
    if( rc ) return rc;
  }
  i = simhash_slot(pHash, iKey);
  if( pHash->aSlot[i].iKey==0 ){
    pHash->aSlot[i].iKey = iKey;
    pHash->nUsed++;
  }
  pHash->aSlot[i].pVal = pVal;
  return 0;
}

void *simhash_remove(SimHash *pHash, uint64_t iKey){
  size_t i, j, mask;
  void *pOld;
  if( pHash->nSlot==0 || iKey==0 ) return NULL;
  mask = pHash->nSlot-1;
  i = simhash_slot(pHash, iKey);
  if( pHash->aSlot[i].iKey!=iKey ) return NULL;
  pOld = pHash->aSlot[i].pVal;
  pHash->aSlot[i].iKey = 0;
  pHash->aSlot[i].pVal = NULL;
  pHash->nUsed--;
  /* Backward shift: move later entries of the cluster into the hole when
  ** their home slot does not lie cyclically in (hole, their slot]. */
  j = i;
  for(;;){
    size_t k;
    j = (j+1) & mask;
    if( pHash->aSlot[j].iKey==0 ) break;
    k = simhash_mix(pHash->aSlot[j].iKey, pHash->nSlot);
    if( (j>i && (k<=i || k>j)) || (j<i && (k<=i && k>j)) ){
      pHash->aSlot[i] = pHash->aSlot[j];
      pHash->aSlot[j].iKey = 0;
      pHash->aSlot[j].pVal = NULL;
      i = j;
    }
  }
  return pOld;
}

size_t simhash_count(const SimHash *pHash){
  return pHash->nUsed;
}
