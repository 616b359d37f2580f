/*
** runner/cli/record.c: record mode (see record.h).
**
** Contents: 1. lines and edits  2. planning a scenario's edits
**           3. applying them, and the unified diff  4. the recorder
*/
#include "runner/cli/record.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/util/strbuf.h"
#include "runner/util/termsafe.h"

/* ---------------------------------------------------------------- 1 ---- */

/* One line of the scenario text. */
typedef struct RecLine RecLine;
struct RecLine {
  const char *z;              /* its first byte (in the text) */
  int n;                      /* its length without the line end */
  const char *zEol;           /* "\n", "\r\n" or "" (the last, unended) */
};

/* Replace nOld lines from iOld with the lines of azNew. */
typedef struct RecEdit RecEdit;
struct RecEdit {
  int iOld;                   /* 0-based index of the first line replaced */
  int nOld;                   /* lines replaced (0: an insertion) */
  char **azNew;               /* the new lines, without line ends (owned) */
  int nNew;
  const char *zEol;           /* the line end for the new lines */
};

typedef struct RecPlan RecPlan;
struct RecPlan {
  RecLine *aLine; int nLine;  /* the text's lines */
  RecEdit *aEdit; int nEdit;  /* edits, in line order */
};

static void rec_oom(void){
  fputs("mapscope: out of memory\n", stderr);
  exit(3);
}

static char *rec_strndup(const char *z, size_t n){
  char *zNew = malloc(n + 1);
  if( zNew == NULL ) rec_oom();
  memcpy(zNew, z, n);
  zNew[n] = 0;
  return zNew;
}

/* Split zText into lines. */
static void rec_split(RecPlan *p, const char *zText, size_t nText){
  int nAlloc = 0;
  size_t i = 0;
  while( i < nText ){
    size_t j = i;
    while( j < nText && zText[j] != '\n' ) j++;
    if( p->nLine == nAlloc ){
      nAlloc = nAlloc ? nAlloc * 2 : 256;
      p->aLine = realloc(p->aLine, (size_t)nAlloc * sizeof(RecLine));
      if( p->aLine == NULL ) rec_oom();
    }
    RecLine *pLine = &p->aLine[p->nLine++];
    pLine->z = zText + i;
    if( j < nText ){
      int bCr = j > i && zText[j-1] == '\r';
      pLine->n = (int)(j - i) - bCr;
      pLine->zEol = bCr ? "\r\n" : "\n";
      i = j + 1;
    }else{
      pLine->n = (int)(j - i);
      pLine->zEol = "";
      i = j;
    }
  }
}

static int rec_is_blank(const RecLine *pLine){
  for(int i = 0; i < pLine->n; i++){
    if( pLine->z[i] != ' ' && pLine->z[i] != '\t' ) return 0;
  }
  return 1;
}

static int rec_is_comment(const RecLine *pLine){
  int i = 0;
  while( i < pLine->n && (pLine->z[i] == ' ' || pLine->z[i] == '\t') ) i++;
  return i < pLine->n && pLine->z[i] == '#';
}

static void rec_edit_add_line(RecEdit *pEdit, const char *z, size_t n){
  pEdit->azNew = realloc(pEdit->azNew, (size_t)(pEdit->nNew + 1) * sizeof(char *));
  if( pEdit->azNew == NULL ) rec_oom();
  pEdit->azNew[pEdit->nNew++] = rec_strndup(z, n);
}

static void rec_plan_free(RecPlan *p){
  for(int i = 0; i < p->nEdit; i++){
    for(int j = 0; j < p->aEdit[i].nNew; j++) free(p->aEdit[i].azNew[j]);
    free(p->aEdit[i].azNew);
  }
  free(p->aEdit);
  free(p->aLine);
  memset(p, 0, sizeof(*p));
}

/* ---------------------------------------------------------------- 2 ---- */

/* Can zOutput be written as an expected block? Every line must be
** non-blank (a blank line ends a block) and not look like a comment. */
static int rec_output_writable(const char *zOutput){
  if( zOutput == NULL || zOutput[0] == 0 ) return 0;
  const char *z = zOutput;
  while( 1 ){
    const char *zEnd = strchr(z, '\n');
    size_t n = zEnd ? (size_t)(zEnd - z) : strlen(z);
    size_t k = 0;
    while( k < n && (z[k] == ' ' || z[k] == '\t' || z[k] == '\r') ) k++;
    if( k == n || z[k] == '#' ) return 0;
    if( zEnd == NULL ) break;
    z = zEnd + 1;
  }
  return 1;
}

/* Append zOutput's lines to pEdit, each after zIndent. */
static void rec_edit_add_output(RecEdit *pEdit, const char *zIndent, int nIndent,
                                const char *zOutput){
  const char *z = zOutput;
  while( 1 ){
    const char *zEnd = strchr(z, '\n');
    size_t n = zEnd ? (size_t)(zEnd - z) : strlen(z);
    StrBuf b = {0};
    strbuf_append(&b, zIndent, (size_t)nIndent);
    strbuf_append(&b, z, n);
    rec_edit_add_line(pEdit, strbuf_text(&b), b.n);
    strbuf_reset(&b);
    if( zEnd == NULL ) break;
    z = zEnd + 1;
  }
}

static RecEdit *rec_new_edit(RecPlan *p){
  p->aEdit = realloc(p->aEdit, (size_t)(p->nEdit + 1) * sizeof(RecEdit));
  if( p->aEdit == NULL ) rec_oom();
  RecEdit *pEdit = &p->aEdit[p->nEdit++];
  memset(pEdit, 0, sizeof(*pEdit));
  return pEdit;
}

/*
** Plan the edits that record azOutput[i] as step i's block (NULL: leave
** the step alone). The lines of p must be split already.
*/
static void rec_plan(RecPlan *p, RecordMode eMode, const Scenario *pScn,
                     char *const *azOutput){
  for(int i = 0; i < pScn->nStep; i++){
    const ScnStep *pStep = &pScn->aStep[i];
    const char *zOutput = azOutput[i];
    if( zOutput == NULL ) continue;
    if( pStep->bExpected ){
      if( eMode != RECORD_OVERRIDE ) continue;
      char *zOld = scn_expected_text(pStep);
      int bSame = scn_output_equal(zOutput, zOld ? zOld : "");
      free(zOld);
      if( bSame ) continue;
      /* The block: the lines after `----` up to a blank line or the end. */
      int iFirst = pStep->iExpectedLine;          /* 0-based: line after ---- */
      int iEnd = iFirst;
      while( iEnd < p->nLine && !rec_is_blank(&p->aLine[iEnd]) ) iEnd++;
      /* Comments before the first expected line stay where they are (out
      ** of the edit); the others follow the new lines; the first line's
      ** indentation is kept. */
      int k = iFirst;
      while( k < iEnd && rec_is_comment(&p->aLine[k]) ) k++;
      RecEdit *pEdit = rec_new_edit(p);
      pEdit->iOld = k;
      pEdit->nOld = iEnd - k;
      pEdit->zEol = p->aLine[pStep->iExpectedLine - 1].zEol;
      if( pEdit->zEol[0] == 0 ) pEdit->zEol = "\n";
      int nIndent = 0;
      const char *zIndent = "";
      if( k < iEnd ){
        zIndent = p->aLine[k].z;
        while( nIndent < p->aLine[k].n && (zIndent[nIndent] == ' ' || zIndent[nIndent] == '\t') ){
          nIndent++;
        }
      }
      rec_edit_add_output(pEdit, zIndent, nIndent, zOutput);
      for(; k < iEnd; k++){
        if( rec_is_comment(&p->aLine[k]) ){
          rec_edit_add_line(pEdit, p->aLine[k].z, (size_t)p->aLine[k].n);
        }
      }
    }else{
      int iStep = pStep->iLine - 1;                /* 0-based */
      RecEdit *pEdit = rec_new_edit(p);
      const RecLine *pLine = &p->aLine[iStep];
      pEdit->zEol = pLine->zEol[0] ? pLine->zEol : "\n";
      if( pLine->zEol[0] == 0 ){
        /* The step is the last line and has no line end: rewrite it with one. */
        pEdit->iOld = iStep;
        pEdit->nOld = 1;
        rec_edit_add_line(pEdit, pLine->z, (size_t)pLine->n);
      }else{
        pEdit->iOld = iStep + 1;
        pEdit->nOld = 0;
      }
      rec_edit_add_line(pEdit, "----", 4);
      rec_edit_add_output(pEdit, "", 0, zOutput);
      /* A block ends at a blank line: keep the next record out of it. */
      if( iStep + 1 < p->nLine && !rec_is_blank(&p->aLine[iStep + 1]) ){
        rec_edit_add_line(pEdit, "", 0);
      }
    }
  }
}

/* ---------------------------------------------------------------- 3 ---- */

/* The text with the plan's edits applied. */
static char *rec_apply(const RecPlan *p){
  StrBuf b = {0};
  int e = 0;
  for(int i = 0; i <= p->nLine; i++){
    while( e < p->nEdit && p->aEdit[e].iOld == i ){
      const RecEdit *pEdit = &p->aEdit[e];
      for(int j = 0; j < pEdit->nNew; j++){
        strbuf_puts(&b, pEdit->azNew[j]);
        strbuf_puts(&b, pEdit->zEol);
      }
      i += pEdit->nOld;
      e++;
    }
    if( i >= p->nLine ) break;
    strbuf_append(&b, p->aLine[i].z, (size_t)p->aLine[i].n);
    strbuf_puts(&b, p->aLine[i].zEol);
  }
  return strbuf_take(&b);
}

static void rec_diff_line(StrBuf *pOut, char cMark, const char *z, int n){
  strbuf_append(pOut, &cMark, 1);
  strbuf_append(pOut, z, (size_t)n);
  strbuf_puts(pOut, "\n");
}

/* The plan as a unified diff with 3 lines of context. */
static void rec_diff(StrBuf *pOut, const char *zPath, const RecPlan *p){
  const int nCtx = 3;
  if( p->nEdit == 0 ) return;
  strbuf_printf(pOut, "--- %s\n+++ %s\n", zPath, zPath);
  int iDelta = 0;          /* new line number minus old, before the hunk */
  int e = 0;
  while( e < p->nEdit ){
    /* A hunk: edits whose contexts touch. */
    int eLast = e;
    while( eLast + 1 < p->nEdit
        && p->aEdit[eLast + 1].iOld - (p->aEdit[eLast].iOld + p->aEdit[eLast].nOld) <= 2 * nCtx ){
      eLast++;
    }
    int iStart = p->aEdit[e].iOld - nCtx;
    if( iStart < 0 ) iStart = 0;
    int iEnd = p->aEdit[eLast].iOld + p->aEdit[eLast].nOld + nCtx;
    if( iEnd > p->nLine ) iEnd = p->nLine;
    int nOldLines = iEnd - iStart, nNewLines = nOldLines;
    for(int k = e; k <= eLast; k++) nNewLines += p->aEdit[k].nNew - p->aEdit[k].nOld;
    strbuf_printf(pOut, "@@ -%d,%d +%d,%d @@\n",
                  nOldLines ? iStart + 1 : iStart, nOldLines,
                  nNewLines ? iStart + 1 + iDelta : iStart + iDelta, nNewLines);
    int k = e;
    for(int i = iStart; i <= iEnd; i++){
      while( k <= eLast && p->aEdit[k].iOld == i ){
        const RecEdit *pEdit = &p->aEdit[k];
        for(int j = 0; j < pEdit->nOld; j++){
          rec_diff_line(pOut, '-', p->aLine[i + j].z, p->aLine[i + j].n);
        }
        for(int j = 0; j < pEdit->nNew; j++){
          rec_diff_line(pOut, '+', pEdit->azNew[j], (int)strlen(pEdit->azNew[j]));
        }
        i += pEdit->nOld;
        iDelta += pEdit->nNew - pEdit->nOld;
        k++;
      }
      if( i >= iEnd ) break;
      rec_diff_line(pOut, ' ', p->aLine[i].z, p->aLine[i].n);
    }
    e = eLast + 1;
  }
}

char *record_edit_text(RecordMode eMode, const char *zText, size_t nText,
                       const Scenario *pScn, char *const *azOutput,
                       int *pnChanged){
  RecPlan plan;
  memset(&plan, 0, sizeof(plan));
  rec_split(&plan, zText, nText);
  rec_plan(&plan, eMode, pScn, azOutput);
  *pnChanged = plan.nEdit;
  char *zNew = plan.nEdit ? rec_apply(&plan) : rec_strndup(zText, nText);
  rec_plan_free(&plan);
  return zNew;
}

/* ---------------------------------------------------------------- 4 ---- */

/* One scenario file's part in the recording. */
typedef struct RecFile RecFile;
struct RecFile {
  char **azOutput;            /* per step: the output to record, or NULL */
  int bRan;                   /* its outputs arrived */
};

struct Recorder {
  RecordMode eMode;           /* override or complete */
  int bDryRun;                /* show, do not write */
  const BackendOps *pOps;     /* the backend recorded */
  const ScnFile *aFile;       /* the scenarios */
  int nFile;
  RecFile *aRec;              /* one per scenario */
  int nTodo;                  /* steps left alone: a todo for the backend */
  int nNoOutput;              /* steps left alone: no output (skip, ...) */
  int nUnwritable;            /* outputs a block cannot hold */
};

Recorder *record_new(RecordMode eMode, int bDryRun, const BackendOps *pOps,
                     const ScnFile *aFile, int nFile){
  Recorder *p = calloc(1, sizeof(*p));
  if( p == NULL ) rec_oom();
  p->eMode = eMode;
  p->bDryRun = bDryRun;
  p->pOps = pOps;
  p->aFile = aFile;
  p->nFile = nFile;
  p->aRec = calloc((size_t)nFile + 1, sizeof(RecFile));
  if( p->aRec == NULL ) rec_oom();
  return p;
}

void record_scenario(Recorder *p, const Scenario *pScn, const StepRecord *aRec,
                     int nRec){
  int f = 0;
  while( f < p->nFile && p->aFile[f].pScn != pScn ) f++;
  if( f >= p->nFile ) return;
  RecFile *pFile = &p->aRec[f];
  pFile->bRan = 1;
  pFile->azOutput = calloc((size_t)pScn->nStep + 1, sizeof(char *));
  if( pFile->azOutput == NULL ) rec_oom();
  for(int i = 0; i < nRec && i < pScn->nStep; i++){
    const StepSide *pSide = &aRec[i].aSide[0];
    if( pSide->pTodo ){ p->nTodo++; continue; }
    if( pSide->eVerdict == VERDICT_SKIP || pSide->res.eOutcome != BACKEND_DONE ){
      p->nNoOutput++;
      continue;
    }
    if( !rec_output_writable(pSide->res.zOutput) ){
      p->nUnwritable++;
      continue;
    }
    pFile->azOutput[aRec[i].pStep->iIndex] =
        rec_strndup(pSide->res.zOutput, strlen(pSide->res.zOutput));
  }
}

/* Does zNew parse, with every recorded output now its step's block? */
static int rec_verify(RecordMode eMode, const char *zPath, const char *zNew,
                      const Scenario *pOld, char *const *azOutput, char *zErr, int nErr){
  Scenario *pNew = NULL;
  if( scn_parse_text(zPath, zNew, strlen(zNew), &pNew, zErr, (size_t)nErr) != 0 ) return 1;
  int rc = 0;
  if( pNew->nStep != pOld->nStep ){
    snprintf(zErr, (size_t)nErr, "%s: the edit changed the number of steps", zPath);
    rc = 1;
  }
  for(int i = 0; rc == 0 && i < pNew->nStep; i++){
    if( azOutput[i] == NULL ) continue;
    /* --complete leaves existing blocks as they are, matching or not. */
    if( eMode == RECORD_COMPLETE && pOld->aStep[i].bExpected ) continue;
    char *zGot = pNew->aStep[i].bExpected ? scn_expected_text(&pNew->aStep[i]) : NULL;
    if( zGot == NULL || !scn_output_equal(azOutput[i], zGot) ){
      snprintf(zErr, (size_t)nErr, "%s:%d: the edited block would not read back "
               "as the output", zPath, pNew->aStep[i].iLine);
      rc = 1;
    }
    free(zGot);
  }
  scn_free(pNew);
  return rc;
}

/* Replace zPath's content by zNew: a temporary file in the same folder,
** with the old file's permissions, then rename. Returns 0 or errno. */
static int rec_write_atomic(const char *zPath, const char *zNew){
  struct stat st;
  if( stat(zPath, &st) != 0 ) return errno;
  StrBuf tmp = {0};
  const char *zSlash = strrchr(zPath, '/');
  if( zSlash ){
    strbuf_printf(&tmp, "%.*s/.%s.XXXXXX", (int)(zSlash - zPath), zPath, zSlash + 1);
  }else{
    strbuf_printf(&tmp, ".%s.XXXXXX", zPath);
  }
  char *zTmp = strbuf_take(&tmp);
  int fd = mkstemp(zTmp);
  if( fd < 0 ){ int e = errno; free(zTmp); return e; }
  int rc = 0;
  size_t n = strlen(zNew), nDone = 0;
  while( rc == 0 && nDone < n ){
    ssize_t k = write(fd, zNew + nDone, n - nDone);
    if( k < 0 ){ if( errno != EINTR ) rc = errno; }
    else nDone += (size_t)k;
  }
  if( rc == 0 && fchmod(fd, st.st_mode & 07777) != 0 ) rc = errno;
  if( rc == 0 && fsync(fd) != 0 ) rc = errno;
  if( close(fd) != 0 && rc == 0 ) rc = errno;
  if( rc == 0 && rename(zTmp, zPath) != 0 ) rc = errno;
  if( rc ) unlink(zTmp);
  free(zTmp);
  return rc;
}

int record_finish(Recorder *p, FILE *pOut, FILE *pErr){
  int rc = 0, nBlock = 0, nFileChanged = 0;
  StrBuf diff = {0};
  for(int f = 0; f < p->nFile; f++){
    RecFile *pFile = &p->aRec[f];
    if( !pFile->bRan ) continue;
    const ScnFile *pScnFile = &p->aFile[f];
    RecPlan plan;
    memset(&plan, 0, sizeof(plan));
    rec_split(&plan, pScnFile->zContent, pScnFile->nContent);
    rec_plan(&plan, p->eMode, pScnFile->pScn, pFile->azOutput);
    if( plan.nEdit ){
      char *zNew = rec_apply(&plan);
      char zErr[1024];
      if( rec_verify(p->eMode, pScnFile->zPath, zNew, pScnFile->pScn, pFile->azOutput,
                     zErr, (int)sizeof(zErr)) != 0 ){
        termsafe_fprintf(pErr, "mapscope run: not recorded: %s\n", zErr);
        rc = 2;
      }else if( p->bDryRun ){
        rec_diff(&diff, pScnFile->zPath, &plan);
        nBlock += plan.nEdit;
        nFileChanged++;
      }else{
        int e = rec_write_atomic(pScnFile->zPath, zNew);
        if( e ){
          termsafe_fprintf(pErr, "mapscope run: %s: cannot write: %s\n", pScnFile->zPath, strerror(e));
          rc = 2;
        }else{
          nBlock += plan.nEdit;
          nFileChanged++;
        }
      }
      free(zNew);
    }
    rec_plan_free(&plan);
    for(int i = 0; i < pScnFile->pScn->nStep; i++) free(pFile->azOutput ? pFile->azOutput[i] : NULL);
    free(pFile->azOutput);
  }
  fputs(strbuf_text(&diff), pOut);
  strbuf_reset(&diff);
  fprintf(pOut, "record: %s %d block%s in %d file%s from %s",
          p->bDryRun ? "would write" : "wrote", nBlock, nBlock == 1 ? "" : "s",
          nFileChanged, nFileChanged == 1 ? "" : "s", p->pOps->zName);
  if( p->nTodo ) fprintf(pOut, "; %d step%s with a todo left alone", p->nTodo,
                         p->nTodo == 1 ? "" : "s");
  if( p->nNoOutput ) fprintf(pOut, "; %d step%s without output (skip, unsupported, "
                             "error) left alone", p->nNoOutput, p->nNoOutput == 1 ? "" : "s");
  if( p->nUnwritable ) fprintf(pOut, "; %d output%s a block cannot hold (blank or "
                               "#-lines) left alone", p->nUnwritable,
                               p->nUnwritable == 1 ? "" : "s");
  fputs("\n", pOut);
  free(p->aRec);
  free(p);
  return rc;
}
