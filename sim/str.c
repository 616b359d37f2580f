/*
** sim/str.c: ASCII case-insensitive comparisons, copies and array growth
** for the model (see str.h). Contents: 1. comparisons 2. copies 3. arrays.
*/
#include "sim/str.h"
#include "sim/winerror.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- 1 ---- */

static int simstr_fold(int c){
  return (c>='a' && c<='z') ? c-'a'+'A' : c;
}

int simstr_icmp(const char *zA, const char *zB){
  if( zA==zB ) return 0;
  if( zA==NULL ) return -1;
  if( zB==NULL ) return 1;
  for(;;){
    int a = simstr_fold((unsigned char)*zA++);
    int b = simstr_fold((unsigned char)*zB++);
    if( a!=b ) return a<b ? -1 : 1;
    if( a==0 ) return 0;
  }
}

int simstr_ieq(const char *zA, const char *zB){
  return simstr_icmp(zA, zB)==0;
}

int simstr_iprefix(const char *zStr, const char *zPrefix){
  if( zStr==NULL || zPrefix==NULL ) return 0;
  while( *zPrefix ){
    if( simstr_fold((unsigned char)*zStr)!=simstr_fold((unsigned char)*zPrefix) ){
      return 0;
    }
    zStr++; zPrefix++;
  }
  return 1;
}

/* ---------------------------------------------------------------- 2 ---- */

char *simstr_dup(const char *z, int *pbOom){
  char *zNew;
  size_t n;
  if( z==NULL ) return NULL;
  n = strlen(z)+1;
  zNew = malloc(n);
  if( zNew==NULL ){
    if( pbOom ) *pbOom = 1;
    return NULL;
  }
  memcpy(zNew, z, n);
  return zNew;
}

char *simstr_upper(char *z){
  char *p;
  for(p=z; p && *p; p++){
    if( *p>='a' && *p<='z' ) *p = (char)(*p-'a'+'A');
  }
  return z;
}

/* ---------------------------------------------------------------- 3 ---- */

int simarr_reserve(void **ppArray, int *pnAlloc, int nNeed, size_t szElem){
  void *pNew;
  int nNew;
  if( nNeed<=*pnAlloc ) return 0;
  nNew = *pnAlloc ? *pnAlloc*2 : 4;
  while( nNew<nNeed ) nNew *= 2;
  pNew = realloc(*ppArray, (size_t)nNew*szElem);
  if( pNew==NULL ) return ERROR_NOT_ENOUGH_MEMORY;
  *ppArray = pNew;
  *pnAlloc = nNew;
  return 0;
}
