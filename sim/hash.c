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
  while( pHash->aKey[i]!=0 && pHash->aKey[i]!=iKey ){
    i = (i+1) & (pHash->nSlot-1);
  }
  return i;
}

static int simhash_grow(SimHash *pHash){
  size_t nNew = pHash->nSlot ? pHash->nSlot*2 : 16;
  size_t i;
  SimHash h;
  h.aKey = calloc(nNew, sizeof(uint64_t));
  h.apVal = calloc(nNew, sizeof(void*));
  h.nSlot = nNew;
  h.nUsed = pHash->nUsed;
  if( h.aKey==NULL || h.apVal==NULL ){
    free(h.aKey);
    free(h.apVal);
    return ERROR_NOT_ENOUGH_MEMORY;
  }
  for(i=0; i<pHash->nSlot; i++){
    if( pHash->aKey[i] ){
      size_t j = simhash_slot(&h, pHash->aKey[i]);
      h.aKey[j] = pHash->aKey[i];
      h.apVal[j] = pHash->apVal[i];
    }
  }
  free(pHash->aKey);
  free(pHash->apVal);
  *pHash = h;
  return 0;
}

/* ---------------------------------------------------------------- 2 ---- */

void simhash_init(SimHash *pHash){
  pHash->aKey = NULL;
  pHash->apVal = NULL;
  pHash->nSlot = 0;
  pHash->nUsed = 0;
}

void simhash_clear(SimHash *pHash){
  free(pHash->aKey);
  free(pHash->apVal);
  simhash_init(pHash);
}

void *simhash_find(const SimHash *pHash, uint64_t iKey){
  size_t i;
  if( pHash->nSlot==0 || iKey==0 ) return NULL;
  i = simhash_slot(pHash, iKey);
  return pHash->aKey[i]==iKey ? pHash->apVal[i] : NULL;
}

int simhash_insert(SimHash *pHash, uint64_t iKey, void *pVal){
  size_t i;
  if( iKey==0 || pVal==NULL ) return ERROR_INVALID_PARAMETER;
  if( (pHash->nUsed+1)*2 > pHash->nSlot ){
    int rc = simhash_grow(pHash);
    if( rc ) return rc;
  }
  i = simhash_slot(pHash, iKey);
  if( pHash->aKey[i]==0 ){
    pHash->aKey[i] = iKey;
    pHash->nUsed++;
  }
  pHash->apVal[i] = pVal;
  return 0;
}

void *simhash_remove(SimHash *pHash, uint64_t iKey){
  size_t i, j, mask;
  void *pOld;
  if( pHash->nSlot==0 || iKey==0 ) return NULL;
  mask = pHash->nSlot-1;
  i = simhash_slot(pHash, iKey);
  if( pHash->aKey[i]!=iKey ) return NULL;
  pOld = pHash->apVal[i];
  pHash->aKey[i] = 0;
  pHash->apVal[i] = NULL;
  pHash->nUsed--;
  /* Backward shift: move later entries of the cluster into the hole when
  ** their home slot does not lie strictly between the hole and them. */
  j = i;
  for(;;){
    size_t k;
    j = (j+1) & mask;
    if( pHash->aKey[j]==0 ) break;
    k = simhash_mix(pHash->aKey[j], pHash->nSlot);
    if( (j>i && (k<=i || k>j)) || (j<i && (k<=i && k>j)) ){
      pHash->aKey[i] = pHash->aKey[j];
      pHash->apVal[i] = pHash->apVal[j];
      pHash->aKey[j] = 0;
      pHash->apVal[j] = NULL;
      i = j;
    }
  }
  return pOld;
}

size_t simhash_count(const SimHash *pHash){
  return pHash->nUsed;
}
