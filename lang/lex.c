/*
** lang/lex.c: splitting one .scn line into words, and small string helpers
** shared by the parser (parse.c) and the canonical helpers (canon.c).
**
** The lexical rules (SCENARIO-LANGUAGE "Lexical rules"): words are
** separated by blanks (space or tab); an unquoted word that begins with
** `#` starts a comment running to the end of the line; double quotes may
** open anywhere in a word and hold blanks and `#`; inside quotes `\"` is a
** quote and `\\` a backslash, and any other backslash is kept as written;
** outside quotes a backslash is an ordinary character.
**
** Contents:
**   1. String helpers (ASCII case folding, duplication)
**   2. The word splitter
**   3. Quoting a word so that it lexes back to itself
**   4. The arena (and the parser's allocator on top of it)
**
** Portable C11, standard library only (also built by mingw-w64).
*/
#include "lang/lex.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- 1 ---- */

int scnx_is_blank(int c) {
  return c == ' ' || c == '\t';
}

int scnx_lower(int c) {
  return (c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c;
}

int scnx_stricmp(const char *zA, const char *zB) {
  for (;; zA++, zB++) {
    int a = (unsigned char)*zA, b = (unsigned char)*zB;
    a = SCNX_LOWER(a);
    b = SCNX_LOWER(b);
    if (a != b) return a < b ? -1 : 1;
    if (a == 0) return 0;
  }
}

int scnx_strnicmp(const char *zA, const char *zB, size_t n) {
  size_t i;
  for (i = 0; i < n; i++) {
    int a = scnx_lower((unsigned char)zA[i]);
    int b = scnx_lower((unsigned char)zB[i]);
    if (a != b) return a < b ? -1 : 1;
    if (a == 0) return 0;
  }
  return 0;
}

char *scnx_strndup(const char *z, size_t n) {
  char *zOut = malloc(n + 1);
  if (zOut == NULL) return NULL;
  if (n) memcpy(zOut, z, n);
  zOut[n] = 0;
  return zOut;
}

char *scnx_strdup(const char *z) {
  return z ? scnx_strndup(z, strlen(z)) : NULL;
}

void scnx_lower_in_place(char *z) {
  for (; z && *z; z++) *z = (char)scnx_lower((unsigned char)*z);
}

/* ---------------------------------------------------------------- 2 ---- */

void scnx_words_clear(ScnWords *pW) {
  free(pW->aWord);
  free(pW->zText);
  memset(pW, 0, sizeof(*pW));
}

/* Append a word whose text starts at zWord (inside pW->zText); returns 0
** or -1 on allocation failure. */
static int words_push(ScnWords *pW, char *zWord, int bQuoted, size_t nPlain,
                      size_t iStart) {
  if (pW->nWord == pW->nAlloc) {
    int nNew = pW->nAlloc ? pW->nAlloc * 2 : 16;
    ScnWord *aNew = realloc(pW->aWord, sizeof(ScnWord) * (size_t)nNew);
    if (aNew == NULL) return -1;
    pW->aWord = aNew;
    pW->nAlloc = nNew;
  }
  pW->aWord[pW->nWord].z = zWord;
  pW->aWord[pW->nWord].bQuoted = bQuoted;
  pW->aWord[pW->nWord].nPlain = nPlain;
  pW->aWord[pW->nWord].iStart = iStart;
  pW->aWord[pW->nWord].iWord = pW->nWord;
  pW->nWord++;
  return 0;
}

int scnx_split(const char *zLine, size_t nLine, ScnWords *pW, int bLenient) {
  size_t i = 0, nBuf = 0;
  char *zBuf;

  pW->nWord = 0;
  pW->iErrPos = 0;
  pW->nTextEnd = nLine;
  /* Every word fits: its text is never longer than the line, plus a NUL
  ** per word (at most one word per two bytes, plus one). */
  if (pW->nTextAlloc < nLine + nLine / 2 + 2) {
    size_t nNew = nLine + nLine / 2 + 2;
    if (nNew < 256) nNew = 256;
    zBuf = realloc(pW->zText, nNew);
    if (zBuf == NULL) return SCNX_NOMEM;
    pW->zText = zBuf;
    pW->nTextAlloc = nNew;
  }
  zBuf = pW->zText;

  while (i < nLine) {
    size_t iStart, nWordStart, nPlain = 0, iQuote = 0;
    int bQuoted = 0, bInQuote = 0;

    while (i < nLine && scnx_is_blank((unsigned char)zLine[i])) i++;
    if (i >= nLine) break;
    if (zLine[i] == '#') {        /* a word comment: the rest is ignored */
      pW->nTextEnd = i;
      break;
    }
    iStart = i;
    nWordStart = nBuf;
    while (i < nLine) {
      char c = zLine[i];
      if (bInQuote) {
        if (c == '"') {
          bInQuote = 0;
          i++;
        } else if (c == '\\' && i + 1 < nLine
                   && (zLine[i + 1] == '"' || zLine[i + 1] == '\\')) {
          zBuf[nBuf++] = zLine[i + 1];
          i += 2;
        } else {
          if (((unsigned char)c < 0x20 || c == 0x7f) && !bLenient) {
            pW->nWord = 0;
            pW->iErrPos = i;
            return SCNX_CONTROL;
          }
          zBuf[nBuf++] = c;
          i++;
        }
      } else if (scnx_is_blank((unsigned char)c)) {
        break;
      } else if (c == '"') {
        if (!bQuoted) nPlain = nBuf - nWordStart;
        iQuote = i;
        bInQuote = 1;
        bQuoted = 1;
        i++;
      } else {
        zBuf[nBuf++] = c;
        i++;
      }
    }
    if (bInQuote && !bLenient) {
      pW->nWord = 0;
      pW->iErrPos = iQuote;
      return SCNX_OPEN_QUOTE;
    }
    if (!bQuoted) nPlain = nBuf - nWordStart;
    zBuf[nBuf++] = 0;
    if (words_push(pW, zBuf + nWordStart, bQuoted, nPlain, iStart)) {
      pW->nWord = 0;
      return SCNX_NOMEM;
    }
  }
  /* Trim trailing blanks off the text part. */
  while (pW->nTextEnd > 0 && scnx_is_blank((unsigned char)zLine[pW->nTextEnd - 1])) {
    pW->nTextEnd--;
  }
  return SCNX_OK;
}

/* ---------------------------------------------------------------- 3 ---- */

int scnx_needs_quotes(const char *z) {
  const char *p;
  if (z == NULL || *z == 0) return 1;
  if (*z == '#') return 1;
  for (p = z; *p; p++) {
    if (scnx_is_blank((unsigned char)*p) || *p == '"') return 1;
    if ((unsigned char)*p < 0x20) return 1;
  }
  return 0;
}

size_t scnx_quoted_len(const char *z) {
  size_t n = 2;
  for (; z && *z; z++) n += (*z == '"' || *z == '\\') ? 2 : 1;
  return n;
}

size_t scnx_write_quoted(char *zOut, const char *z) {
  size_t n = 0;
  zOut[n++] = '"';
  for (; z && *z; z++) {
    if (*z == '"' || *z == '\\') zOut[n++] = '\\';
    zOut[n++] = *z;
  }
  zOut[n++] = '"';
  return n;
}

/* ---------------------------------------------------------------- 4 ---- */

typedef struct ScnArenaBlock ScnArenaBlock;
struct ScnArenaBlock {
  ScnArenaBlock *pNext;  /* the block made before this one */
};

struct ScnArena {
  ScnArenaBlock *pBlocks; /* newest block first; the last is the first block,
                          ** which also holds this header */
  char *pFree;           /* next free byte in the newest block */
  char *pEnd;            /* end of the newest block */
  size_t nNext;          /* size of the next block to make */
};

#define ARENA_ALIGN _Alignof(max_align_t)
#define ARENA_ROUND(n) (((n) + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1))
#define ARENA_MAX_BLOCK ((size_t)256 * 1024)

ScnArena *scnx_arena_new(size_t nHint) {
  size_t nHead = ARENA_ROUND(sizeof(ScnArenaBlock)) + ARENA_ROUND(sizeof(ScnArena));
  size_t nSize = ARENA_ROUND(nHint < 1024 ? 1024 : nHint) + nHead;
  char *pMem;
  ScnArena *pA;
  if (nSize > ARENA_MAX_BLOCK) nSize = ARENA_MAX_BLOCK;
  pMem = malloc(nSize);
  if (pMem == NULL) return NULL;
  ((ScnArenaBlock *)pMem)->pNext = NULL;
  pA = (ScnArena *)(pMem + ARENA_ROUND(sizeof(ScnArenaBlock)));
  pA->pBlocks = (ScnArenaBlock *)pMem;
  pA->pFree = pMem + nHead;
  pA->pEnd = pMem + nSize;
  pA->nNext = nSize * 2 > ARENA_MAX_BLOCK ? ARENA_MAX_BLOCK : nSize * 2;
  return pA;
}

void *scnx_arena_alloc(ScnArena *pA, size_t n) {
  char *p;
  n = ARENA_ROUND(n ? n : 1);
  if ((size_t)(pA->pEnd - pA->pFree) < n) {
    size_t nHead = ARENA_ROUND(sizeof(ScnArenaBlock));
    size_t nSize = pA->nNext;
    ScnArenaBlock *pB;
    if (nSize < n + nHead) nSize = n + nHead;
    pB = malloc(nSize);
    if (pB == NULL) return NULL;
    pB->pNext = pA->pBlocks;
    pA->pBlocks = pB;
    pA->pFree = (char *)pB + nHead;
    pA->pEnd = (char *)pB + nSize;
    if (pA->nNext < ARENA_MAX_BLOCK) pA->nNext *= 2;
  }
  p = pA->pFree;
  pA->pFree += n;
  return p;
}

void scnx_arena_free(ScnArena *pA) {
  ScnArenaBlock *pB;
  if (pA == NULL) return;
  pB = pA->pBlocks;         /* pA lives in the last block: read it first */
  while (pB) {
    ScnArenaBlock *pNext = pB->pNext;
    free(pB);
    pB = pNext;
  }
}

void *scnx_mem_alloc(ScnArena *pA, size_t n) {
  return pA ? scnx_arena_alloc(pA, n) : malloc(n ? n : 1);
}

char *scnx_mem_strndup(ScnArena *pA, const char *z, size_t n) {
  char *zOut = scnx_mem_alloc(pA, n + 1);
  if (zOut == NULL) return NULL;
  if (n) memcpy(zOut, z, n);
  zOut[n] = 0;
  return zOut;
}

char *scnx_mem_strdup(ScnArena *pA, const char *z) {
  return z ? scnx_mem_strndup(pA, z, strlen(z)) : NULL;
}

void scnx_mem_free(ScnArena *pA, void *p) {
  if (pA == NULL) free(p);
}

void *scnx_mem_grow(ScnArena *pA, void *a, int n, size_t sz) {
  size_t nNew;
  void *aNew;
  if (a != NULL && (n < 4 || (n & (n - 1)) != 0)) return a;  /* room left */
  nNew = n < 4 ? 4 : (size_t)n * 2;
  if (pA == NULL) return realloc(a, nNew * sz);
  aNew = scnx_arena_alloc(pA, nNew * sz);
  if (aNew != NULL && n > 0) memcpy(aNew, a, (size_t)n * sz);
  return aNew;
}
