/*
** results/redact.c: the store's own defence against secrets, and the
** content hash of a scenario.
**
** The runner hands the store step text already redacted; this file makes
** sure that even a raw line (a world line, an agent's error echoing its
** command) loses its passwords before it reaches the database. The word
** rules follow the scenario language: blanks separate words, a double
** quote may open anywhere in a word and hold blanks, and inside quotes \"
** and \\ are escapes.
**
** Contents: 1. a small growable buffer  2. redaction  3. FNV-1a 64
*/
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- 1 ---- */

typedef struct RedactBuf RedactBuf;
struct RedactBuf {
  char *z;          /* the text so far, NUL-terminated */
  size_t n;         /* bytes used, not counting the NUL */
  size_t nAlloc;    /* bytes allocated */
  int bOom;         /* an allocation failed */
};

static void redact_append(RedactBuf *p, const char *z, size_t n){
  if( p->bOom ) return;
  if( p->n + n + 1 > p->nAlloc ){
    size_t nNew = p->nAlloc ? p->nAlloc * 2 : 64;
    char *zNew;
    while( nNew < p->n + n + 1 ) nNew *= 2;
    zNew = realloc(p->z, nNew);
    if( zNew==NULL ){ p->bOom = 1; return; }
    p->z = zNew;
    p->nAlloc = nNew;
  }
  memcpy(p->z + p->n, z, n);
  p->n += n;
  p->z[p->n] = 0;
}

/* ---------------------------------------------------------------- 2 ---- */

/* 1 if the n-byte word starts with zPrefix, ignoring case. */
static int redact_has_prefix(const char *zWord, size_t n, const char *zPrefix){
  size_t nPrefix = strlen(zPrefix);
  return n >= nPrefix && strncasecmp(zWord, zPrefix, nPrefix)==0;
}

/* The end of the word starting at z[i]: blanks end it, quotes hold blanks,
** a line break always ends it. */
static size_t redact_word_end(const char *z, size_t i){
  int bQuote = 0;
  while( z[i] ){
    char c = z[i];
    if( c=='\n' || c=='\r' ) break;
    if( bQuote ){
      if( c=='\\' && (z[i+1]=='"' || z[i+1]=='\\') ){ i += 2; continue; }
      if( c=='"' ) bQuote = 0;
    }else{
      if( c==' ' || c=='\t' ) break;
      if( c=='"' ) bQuote = 1;
    }
    i++;
  }
  return i;
}

char *store_redact_line(const char *zText){
  static const char *azValueKey[] = {
    "password=", "pass=", "/pass:", "/password:",
    "secret="                 /* tool ansible.win_credential (T3) */
  };
  RedactBuf buf = {0};
  size_t i = 0;
  int bAfterUser = 0;         /* the previous word on this line was /user:X */

  if( zText==NULL ) return NULL;
  redact_append(&buf, "", 0);
  while( zText[i] ){
    char c = zText[i];
    size_t iEnd, k;
    const char *zWord;
    size_t nWord;
    int bDone = 0;
    if( c==' ' || c=='\t' ){
      redact_append(&buf, &zText[i], 1);
      i++;
      continue;
    }
    if( c=='\n' || c=='\r' ){
      redact_append(&buf, &zText[i], 1);
      bAfterUser = 0;
      i++;
      continue;
    }
    iEnd = redact_word_end(zText, i);
    zWord = &zText[i];
    nWord = iEnd - i;
    if( bAfterUser && zWord[0]!='/' ){
      redact_append(&buf, "***", 3);      /* net use ... /user:u PASSWORD */
      bDone = 1;
    }
    bAfterUser = 0;
    for(k=0; !bDone && k<sizeof(azValueKey)/sizeof(azValueKey[0]); k++){
      if( redact_has_prefix(zWord, nWord, azValueKey[k]) ){
        size_t nKey = strlen(azValueKey[k]);
        redact_append(&buf, zWord, nKey);  /* the key as written */
        redact_append(&buf, "***", 3);
        bDone = 1;
      }
    }
    if( !bDone ){
      if( redact_has_prefix(zWord, nWord, "/user:")
       || redact_has_prefix(zWord, nWord, "/u:") ){
        bAfterUser = 1;
      }
      redact_append(&buf, zWord, nWord);
    }
    i = iEnd;
  }
  if( buf.bOom ){
    free(buf.z);
    return NULL;
  }
  return buf.z;
}

/* ---------------------------------------------------------------- 3 ---- */

uint64_t store_hash64(const void *pData, size_t n){
  const unsigned char *a = pData;
  uint64_t h = 0xcbf29ce484222325ULL;   /* FNV-1a 64 offset basis */
  size_t i;
  for(i=0; i<n; i++){
    h ^= a[i];
    h *= 0x100000001b3ULL;              /* FNV-1a 64 prime */
  }
  return h;
}

void store_hash64_hex(const void *pData, size_t n, char zHex[17]){
  snprintf(zHex, 17, "%016llx", (unsigned long long)store_hash64(pData, n));
}
