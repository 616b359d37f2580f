/*
** runner/visual/story.c: run a scenario on the model and keep what each
** step did and why (see story.h).
**
** Contents: 1. comments from the file text  2. telling the story
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/visual/story.h"
#include "runner/backends/backend_sim.h"
#include "runner/engine/verdict.h"
#include "runner/util/strbuf.h"
#include "results/store.h"

/* ---------------------------------------------------------------- 1 ---- */

/* The file's lines: aStart[i] is where line i+1 begins, aLen[i] its length
** without the line end. */
typedef struct VisLines VisLines;
struct VisLines {
  const char *z;
  size_t *aStart; size_t *aLen; int nLine;
};

static void vis_lines_split(const char *z, size_t n, VisLines *p){
  size_t i, iStart = 0;
  int nAlloc = 64;
  memset(p, 0, sizeof(*p));
  p->z = z;
  p->aStart = malloc(sizeof(size_t)*(size_t)nAlloc);
  p->aLen = malloc(sizeof(size_t)*(size_t)nAlloc);
  if( p->aStart==NULL || p->aLen==NULL ) exit(3);
  for(i=0; i<=n; i++){
    if( i==n || z[i]=='\n' ){
      size_t nLen = i - iStart;
      if( i==n && nLen==0 ) break;
      if( nLen>0 && z[iStart+nLen-1]=='\r' ) nLen--;
      if( p->nLine>=nAlloc ){
        nAlloc *= 2;
        p->aStart = realloc(p->aStart, sizeof(size_t)*(size_t)nAlloc);
        p->aLen = realloc(p->aLen, sizeof(size_t)*(size_t)nAlloc);
        if( p->aStart==NULL || p->aLen==NULL ) exit(3);
      }
      p->aStart[p->nLine] = iStart;
      p->aLen[p->nLine] = nLen;
      p->nLine++;
      iStart = i+1;
    }
  }
}

/* Line iLine (1-based) with leading blanks skipped; *pn its length. */
static const char *vis_line(const VisLines *p, int iLine, size_t *pn){
  const char *z;
  size_t n;
  if( iLine<1 || iLine>p->nLine ){ *pn = 0; return ""; }
  z = p->z + p->aStart[iLine-1];
  n = p->aLen[iLine-1];
  while( n>0 && (*z==' ' || *z=='\t') ){ z++; n--; }
  while( n>0 && (z[n-1]==' ' || z[n-1]=='\t') ) n--;
  *pn = n;
  return z;
}

/* Append the comment lines strictly between lines iFrom and iTo. */
static void vis_comments(const VisLines *p, int iFrom, int iTo,
                         char ***pazOut, int *pnOut){
  int i;
  for(i=iFrom+1; i<iTo; i++){
    size_t n;
    const char *z = vis_line(p, i, &n);
    if( n==0 || z[0]!='#' ) continue;
    z++; n--;
    if( n>0 && z[0]==' ' ){ z++; n--; }
    *pazOut = realloc(*pazOut, sizeof(char*)*(size_t)(*pnOut+1));
    if( *pazOut==NULL ) exit(3);
    {
      /* an author may write a password into a comment; explain prints
      ** what the store would keep (store_redact_line) */
      char *zRaw = malloc(n+1);
      if( zRaw==NULL ) exit(3);
      memcpy(zRaw, z, n);
      zRaw[n] = 0;
      (*pazOut)[*pnOut] = store_redact_line(zRaw);
      free(zRaw);
      if( (*pazOut)[*pnOut]==NULL ) exit(3);
    }
    (*pnOut)++;
  }
}

/* The last line of a step: its expected block's last line, else itself. */
static int vis_step_end(const VisLines *p, const ScnStep *pStep){
  int i;
  if( !pStep->bExpected ) return pStep->iLine;
  for(i=pStep->iExpectedLine+1; i<=p->nLine; i++){
    size_t n;
    vis_line(p, i, &n);
    if( n==0 ) return i-1;
  }
  return p->nLine;
}

/* The line before which the first step's own comments begin: the last
** world or header statement. */
static int vis_world_end(const VisLines *p, const Scenario *pScn){
  int i, iEnd = 0;
  if( pScn->nStep==0 ) return p->nLine;
  /* the last non-comment, non-blank line before the first step (or its
  ** annotations) */
  for(i=1; i<pScn->aStep[0].iLine; i++){
    size_t n;
    const char *z = vis_line(p, i, &n);
    if( n==0 || z[0]=='#' ) continue;
    if( (n>=6 && strncmp(z, "onlyif", 6)==0) || (n>=6 && strncmp(z, "skipif", 6)==0)
     || (n>=4 && strncmp(z, "todo", 4)==0) ){
      continue;
    }
    iEnd = i;
  }
  return iEnd;
}

/* ---------------------------------------------------------------- 2 ---- */

static char *vis_strdup(const char *z){
  size_t n = strlen(z ? z : "")+1;
  char *zNew = malloc(n);
  if( zNew==NULL ) exit(3);
  memcpy(zNew, z ? z : "", n);
  return zNew;
}

static void vis_push(char ***paz, int *pn, char *z){
  *paz = realloc(*paz, sizeof(char*)*(size_t)(*pn+1));
  if( *paz==NULL ) exit(3);
  (*paz)[(*pn)++] = z;
}

const VisSnap *vis_story_before(const VisStory *pStory, int iStep){
  return iStep>0 ? &pStory->aStep[iStep-1].snap : &pStory->start;
}

int vis_story_tell(const ScnFile *pFile, VisStory *pStory, char **pzErr){
  const Scenario *pScn = pFile->pScn;
  const BackendOps *pOps = &backend_sim_ops;
  BackendConn *pConn = NULL;
  LabelSet labels;
  VisLines lines;
  int i, iWorldEnd, bDead = 0;

  memset(pStory, 0, sizeof(*pStory));
  pStory->pScn = pScn;
  pStory->zPath = pFile->zPath;
  *pzErr = NULL;
  if( pOps->xOpen(pScn, NULL, &pConn, pzErr) != 0 ) return 1;

  /* title and source lines are free text: an author may have written a
  ** password there (repro/odd-password-positions/title_pw.scn) */
  pStory->zTitle = store_redact_line(pScn->zTitle ? pScn->zTitle : "");
  if( pStory->zTitle==NULL ) exit(3);
  for(i=0; i<pScn->nSource; i++){
    char *z = store_redact_line(pScn->azSource[i]);
    if( z==NULL ) exit(3);
    vis_push(&pStory->azSource, &pStory->nSource, z);
  }
  vis_lines_split(pFile->zContent, pFile->nContent, &lines);
  iWorldEnd = vis_world_end(&lines, pScn);
  vis_comments(&lines, 0, iWorldEnd, &pStory->azIntro, &pStory->nIntro);
  vis_push(&pStory->azWorld, &pStory->nWorld, scn_machine_format(&pScn->machine));
  for(i=0; i<pScn->nUser; i++){
    vis_push(&pStory->azWorld, &pStory->nWorld, scn_user_format(&pScn->aUser[i], 1));
  }
  for(i=0; i<pScn->nShare; i++){
    vis_push(&pStory->azWorld, &pStory->nWorld, scn_share_format(&pScn->aShare[i]));
  }

  memset(&labels, 0, sizeof(labels));
  labels.azLabel[labels.nLabel++] = pOps->zName;
  vis_snap_make(pConn, &pStory->start);

  pStory->aStep = calloc((size_t)(pScn->nStep ? pScn->nStep : 1), sizeof(VisStep));
  if( pStory->aStep==NULL ) exit(3);
  pStory->nStep = pScn->nStep;
  for(i=0; i<pScn->nStep; i++){
    const ScnStep *pStep = &pScn->aStep[i];
    VisStep *p = &pStory->aStep[i];
    int iFrom = i==0 ? iWorldEnd : vis_step_end(&lines, &pScn->aStep[i-1]);
    p->iLine = pStep->iLine;
    p->zCommand = scn_step_format(pStep, 1);
    vis_comments(&lines, iFrom, pStep->iLine, &p->azComment, &p->nComment);
    p->zExpected = pStep->bExpected ? scn_expected_text(pStep) : NULL;
    p->bMatch = 1;
    p->zRules = vis_strdup("");
    if( bDead ){
      p->eState = VIS_STEP_NOT_REACHED;
      p->zOutput = vis_strdup("(not run: an earlier step left the model unusable)");
    }else if( verdict_step_skipped(pStep, &labels) ){
      p->eState = VIS_STEP_SKIPPED;
      p->zOutput = vis_strdup("(skipped on the model by an onlyif/skipif annotation)");
    }else{
      StepResult res;
      memset(&res, 0, sizeof(res));
      bDead = pOps->xStep(pConn, pStep, &res) != 0;
      if( res.eOutcome==BACKEND_DONE ){
        p->eState = VIS_STEP_RAN;
        p->zOutput = vis_strdup(res.zOutput);
      }else{
        StrBuf b = {0};
        strbuf_printf(&b, "(%s: %s)", res.eOutcome==BACKEND_UNSUPPORTED
                      ? "unsupported" : "error", res.zReason ? res.zReason : "");
        p->eState = VIS_STEP_NOT_DONE;
        p->zOutput = strbuf_take(&b);
      }
      if( pOps->xRulesFired ){
        char zRules[512];
        pOps->xRulesFired(pConn, zRules, (int)sizeof(zRules));
        free(p->zRules);
        p->zRules = vis_strdup(zRules);
      }
      if( backend_sim_tool_record(pConn) ){      /* T1: what a tool did */
        p->zTool = vis_strdup(backend_sim_tool_record(pConn));
      }
      step_result_clear(&res);
    }
    if( p->zExpected && p->eState!=VIS_STEP_SKIPPED ){
      p->bMatch = p->eState==VIS_STEP_RAN && scn_output_equal(p->zOutput, p->zExpected);
      if( !p->bMatch ) pStory->nMismatch++;
    }
    vis_snap_make(pConn, &p->snap);
  }
  pOps->xClose(pConn);
  if( pOps->xShutdown ) pOps->xShutdown(NULL);
  free(lines.aStart);
  free(lines.aLen);
  return 0;
}

static void vis_free_list(char **az, int n){
  int i;
  for(i=0; i<n; i++) free(az[i]);
  free(az);
}

void vis_story_free(VisStory *pStory){
  int i;
  free(pStory->zTitle);
  vis_free_list(pStory->azSource, pStory->nSource);
  vis_free_list(pStory->azIntro, pStory->nIntro);
  vis_free_list(pStory->azWorld, pStory->nWorld);
  vis_snap_free(&pStory->start);
  for(i=0; i<pStory->nStep; i++){
    VisStep *p = &pStory->aStep[i];
    free(p->zCommand);
    vis_free_list(p->azComment, p->nComment);
    free(p->zOutput);
    free(p->zExpected);
    free(p->zRules);
    free(p->zTool);
    vis_snap_free(&p->snap);
  }
  free(pStory->aStep);
  memset(pStory, 0, sizeof(*pStory));
}
