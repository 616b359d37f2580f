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
**
** Portable C11, standard library only (also built by mingw-w64).
*/
#include "lang/lex.h"

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
    int a = scnx_lower((unsigned char)*zA);
    int b = scnx_lower((unsigned char)*zB);
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
  int i;
  for (i = 0; i < pW->nWord; i++) free(pW->aWord[i].z);
  free(pW->aWord);
  memset(pW, 0, sizeof(*pW));
}

/* Append a word; returns 0 or -1 on allocation failure (zWord is freed). */
static int words_push(ScnWords *pW, char *zWord, int bQuoted, size_t nPlain,
                      size_t iStart) {
  if (pW->nWord == pW->nAlloc) {
    int nNew = pW->nAlloc ? pW->nAlloc * 2 : 8;
    ScnWord *aNew = realloc(pW->aWord, sizeof(ScnWord) * (size_t)nNew);
    if (aNew == NULL) {
      free(zWord);
      return -1;
    }
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
  size_t i = 0;
  char *zBuf = NULL;
  int rc = SCNX_OK;

  memset(pW, 0, sizeof(*pW));
  zBuf = malloc(nLine + 1);
  if (zBuf == NULL) return SCNX_NOMEM;
  pW->nTextEnd = nLine;

  while (i < nLine) {
    size_t iStart, nBuf = 0, nPlain = 0, iQuote = 0;
    int bQuoted = 0, bInQuote = 0;
    char *zWord;

    while (i < nLine && scnx_is_blank((unsigned char)zLine[i])) i++;
    if (i >= nLine) break;
    if (zLine[i] == '#') {        /* a word comment: the rest is ignored */
      pW->nTextEnd = i;
      break;
    }
    iStart = i;
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
            rc = SCNX_CONTROL;
            pW->iErrPos = i;
            goto err;
          }
          zBuf[nBuf++] = c;
          i++;
        }
      } else if (scnx_is_blank((unsigned char)c)) {
        break;
      } else if (c == '"') {
        if (!bQuoted) nPlain = nBuf;
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
      rc = SCNX_OPEN_QUOTE;
      pW->iErrPos = iQuote;
      goto err;
    }
    if (!bQuoted) nPlain = nBuf;
    zWord = scnx_strndup(zBuf, nBuf);
    if (zWord == NULL || words_push(pW, zWord, bQuoted, nPlain, iStart)) {
      rc = SCNX_NOMEM;
      goto err;
    }
  }
  /* Trim trailing blanks off the text part. */
  while (pW->nTextEnd > 0 && scnx_is_blank((unsigned char)zLine[pW->nTextEnd - 1])) {
    pW->nTextEnd--;
  }
  free(zBuf);
  return SCNX_OK;

err:
  free(zBuf);
  {
    size_t iErr = pW->iErrPos;
    scnx_words_clear(pW);
    pW->iErrPos = iErr;
  }
  return rc;
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
