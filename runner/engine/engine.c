/*
** runner/engine/engine.c: running one scenario on one or two backends.
**
** Contents:
**   1. Small helpers (clock, who-string, totals)
**   2. Running the steps of one scenario side by side
**   3. Storing a scenario's records
*/
#include "runner/engine/engine.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runner/util/strbuf.h"

/* ---------------------------------------------------------------- 1 ---- */

static double engine_now_ms(void){
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static char *engine_strdup(const char *z){
  size_t n = strlen(z) + 1;
  char *zNew = malloc(n);
  if( zNew == NULL ){
    fputs("mapscope: out of memory\n", stderr);
    exit(3);
  }
  return memcpy(zNew, z, n);
}

/* Why a side can run no more steps: "<backend> <what>, line N". */
static char *engine_dead_reason(const char *zBackend, const char *zWhat, int iLine){
  StrBuf b = {0};
  strbuf_printf(&b, "%s %s", zBackend, zWhat);
  if( iLine > 0 ) strbuf_printf(&b, " at line %d", iLine);
  return strbuf_take(&b);
}

static int engine_store_scenario(Engine*, const Scenario*, const char*, size_t,
                                 const StepRecord*);

/* "A", "A.limited", "A.elevated", "SYSTEM", or NULL for steps without one. */
static void engine_who(const ScnStep *pStep, char *zBuf, size_t nBuf){
  zBuf[0] = 0;
  if( pStep->eKind == SCN_STEP_AS && pStep->eHalf == SCN_HALF_SYSTEM ){
    snprintf(zBuf, nBuf, "SYSTEM");
  }else if( pStep->zSession ){
    const char *zSuffix = pStep->eKind != SCN_STEP_AS ? ""
                        : pStep->eHalf == SCN_HALF_LIMITED ? ".limited"
                        : pStep->eHalf == SCN_HALF_ELEVATED ? ".elevated" : "";
    snprintf(zBuf, nBuf, "%s%s", pStep->zSession, zSuffix);
  }
}

void totals_tally(const Totals *p, int *pnPassed, int *pnFailed, int *pnSkipped){
  int an[3] = {0, 0, 0};
  for(int s = 0; s < ENGINE_MAX_SIDES; s++){
    for(int v = 0; v < VERDICT_COUNT; v++){
      an[verdict_tally((Verdict)v)] += p->aCount[s][v];
    }
  }
  *pnPassed = an[TALLY_PASSED];
  *pnFailed = an[TALLY_FAILED];
  *pnSkipped = an[TALLY_SKIPPED];
}

void step_record_clear(StepRecord *pRec){
  for(int s = 0; s < pRec->nSide; s++) step_result_clear(&pRec->aSide[s].res);
  free(pRec->zCommand);
  free(pRec->zReference);
  memset(pRec, 0, sizeof(*pRec));
}

/* ---------------------------------------------------------------- 2 ---- */

/* Per-side state while a scenario runs. */
typedef struct SideRun SideRun;
struct SideRun {
  BackendConn *pConn;       /* the open instance, or NULL */
  char *zDead;              /* why the side can run no more steps, or NULL */
};

/* Run pStep on side s, filling pSide (whose pOps is set). */
static void engine_step_side(Engine *pEngine, int s, SideRun *pRun,
                             const ScnStep *pStep, StepSide *pSide){
  const LabelSet *pLabels = &pEngine->aLabels[s];
  pSide->pTodo = verdict_step_todo(pStep, pLabels);
  if( verdict_step_skipped(pStep, pLabels) ){
    pSide->eVerdict = VERDICT_SKIP;
    return;
  }
  if( pRun->zDead ){
    pSide->res.eOutcome = BACKEND_ERROR;
    pSide->res.zReason = engine_strdup(pRun->zDead);
    return;
  }
  double rStart = engine_now_ms();
  int rc = pSide->pOps->xStep(pRun->pConn, pStep, &pSide->res);
  pSide->rMs = engine_now_ms() - rStart;
  if( rc != 0 ){
    pRun->zDead = engine_dead_reason(pSide->pOps->zName, "instance failed",
                                     pStep->iLine);
  }
}

void engine_run_scenario(Engine *pEngine, const Scenario *pScn,
                         const char *zContent, size_t nContent){
  int nSide = pEngine->nSide;
  SideRun aRun[ENGINE_MAX_SIDES];
  char *azOpenError[ENGINE_MAX_SIDES] = {0};
  Totals scnTotals;
  memset(aRun, 0, sizeof(aRun));
  memset(&scnTotals, 0, sizeof(scnTotals));

  for(int s = 0; s < nSide; s++){
    char *zErr = NULL;
    if( pEngine->azDown[s] ){
      aRun[s].pConn = NULL;
      azOpenError[s] = engine_strdup(pEngine->azDown[s]);
      aRun[s].zDead = engine_dead_reason(pEngine->apOps[s]->zName,
                                         "could not start (see above)", 0);
    }else if( pEngine->apOps[s]->xOpen(pScn, pEngine->zBackendOptions,
                                 &aRun[s].pConn, &zErr) != 0 ){
      aRun[s].pConn = NULL;
      azOpenError[s] = zErr ? zErr : engine_strdup("could not start the backend");
      StrBuf b = {0};
      strbuf_printf(&b, "could not start: %s", azOpenError[s]);
      aRun[s].zDead = engine_dead_reason(pEngine->apOps[s]->zName,
                                         strbuf_text(&b), 0);
      strbuf_reset(&b);
    }
  }

  StepRecord *aRec = calloc((size_t)pScn->nStep + 1, sizeof(StepRecord));
  if( aRec == NULL ){
    fputs("mapscope: out of memory\n", stderr);
    exit(3);
  }
  for(int i = 0; i < pScn->nStep; i++){
    const ScnStep *pStep = &pScn->aStep[i];
    StepRecord *pRec = &aRec[i];
    pRec->pScn = pScn;
    pRec->pStep = pStep;
    pRec->nSide = nSide;
    pRec->zCommand = scn_step_format(pStep, 1);
    pRec->zReference = pStep->bExpected ? scn_expected_text(pStep) : NULL;
    for(int s = 0; s < nSide; s++){
      StepSide *pSide = &pRec->aSide[s];
      pSide->pOps = pEngine->apOps[s];
      engine_step_side(pEngine, s, &aRun[s], pStep, pSide);
      if( pSide->eVerdict == VERDICT_SKIP ) continue;
      /* The reference is the expected block; in a differential run a step
      ** with no block is checked against the model (side 0). */
      pSide->zReference = pRec->zReference;
      if( pSide->zReference == NULL && s > 0
       && pRec->aSide[0].eVerdict != VERDICT_SKIP
       && pRec->aSide[0].res.eOutcome == BACKEND_DONE ){
        pSide->zReference = pRec->aSide[0].res.zOutput;
      }
      pSide->eVerdict = verdict_decide(pStep, &pEngine->aLabels[s],
                                       &pSide->res, pSide->zReference);
    }
    pRec->eCompare = nSide < 2 ? COMPARE_NONE
        : verdict_compare(pRec->aSide[0].eVerdict, &pRec->aSide[0].res,
                          pRec->aSide[1].eVerdict, &pRec->aSide[1].res);
    for(int s = 0; s < nSide; s++){
      scnTotals.aCount[s][pRec->aSide[s].eVerdict]++;
      if( pRec->aSide[s].eVerdict == VERDICT_PASS && pRec->aSide[s].zReference == NULL ){
        scnTotals.anUnchecked[s]++;
      }
    }
    scnTotals.aCompare[pRec->eCompare]++;
  }

  for(int s = 0; s < nSide; s++){
    if( aRun[s].pConn ) pEngine->apOps[s]->xClose(aRun[s].pConn);
  }
  scnTotals.nScenario = 1;

  pEngine->pReporter->xScenario(pEngine->pReporter, pScn, aRec, pScn->nStep,
                                &scnTotals, azOpenError);

  if( pEngine->pStore ){
    if( engine_store_scenario(pEngine, pScn, zContent, nContent, aRec) != 0 ){
      if( !pEngine->bStoreFailed ){
        fprintf(stderr, "mapscope: results store: %s\n",
                store_errmsg(pEngine->pStore));
      }
      pEngine->bStoreFailed = 1;
    }
  }

  for(int s = 0; s < ENGINE_MAX_SIDES; s++){
    for(int v = 0; v < VERDICT_COUNT; v++){
      pEngine->totals.aCount[s][v] += scnTotals.aCount[s][v];
    }
    pEngine->totals.anUnchecked[s] += scnTotals.anUnchecked[s];
    free(azOpenError[s]);
    free(aRun[s].zDead);
  }
  for(int c = 0; c <= COMPARE_ERROR; c++){
    pEngine->totals.aCompare[c] += scnTotals.aCompare[c];
  }
  pEngine->totals.nScenario++;
  for(int i = 0; i < pScn->nStep; i++) step_record_clear(&aRec[i]);
  free(aRec);
}

/* ---------------------------------------------------------------- 3 ---- */

/* Store one scenario and its steps in one transaction. Returns 0 on
** success; on failure the scenario's transaction is rolled back. */
static int engine_store_scenario(Engine *pEngine, const Scenario *pScn,
                          const char *zContent, size_t nContent,
                          const StepRecord *aRec){
  Store *pStore = pEngine->pStore;
  if( store_scenario_begin(pStore, pScn->zFile, pScn->zTitle,
                           zContent, nContent) != 0 ){
    return 1;
  }
  int rc = 0;
  for(int i = 0; rc == 0 && i < pScn->nStep; i++){
    const StepRecord *pRec = &aRec[i];
    char zWho[128];
    StoreBackendResult aRes[ENGINE_MAX_SIDES];
    engine_who(pRec->pStep, zWho, sizeof(zWho));
    for(int s = 0; s < pRec->nSide; s++){
      const StepSide *pSide = &pRec->aSide[s];
      aRes[s].zBackend = pSide->pOps->zName;
      aRes[s].zVerdict = verdict_name(pSide->eVerdict);
      aRes[s].zOutput = pSide->res.eOutcome == BACKEND_DONE ? pSide->res.zOutput : NULL;
      aRes[s].zReason = pSide->res.zReason;
      aRes[s].rDurationMs = pSide->rMs;
    }
    StoreStep step;
    memset(&step, 0, sizeof(step));
    step.iPosition = pRec->pStep->iIndex;
    step.iLine = pRec->pStep->iLine;
    step.zWho = zWho[0] ? zWho : NULL;
    step.zCommand = pRec->zCommand;
    step.zExpected = pRec->zReference;
    step.zComparison = pRec->eCompare == COMPARE_NONE ? NULL
                     : comparison_name(pRec->eCompare);
    step.aResult = aRes;
    step.nResult = pRec->nSide;
    rc = store_step(pStore, &step);
    for(int t = 0; rc == 0 && t < pRec->pStep->nTodo; t++){
      const ScnTodo *pTodo = &pRec->pStep->aTodo[t];
      StrBuf labels = {0};
      for(int l = 0; l < pTodo->nLabel; l++){
        strbuf_printf(&labels, "%s%s", l ? "," : "", pTodo->azLabel[l]);
      }
      StoreTodo todo;
      todo.iPosition = pRec->pStep->iIndex;
      todo.zLabels = strbuf_text(&labels);
      todo.zReason = pTodo->zReason;
      rc = store_todo(pStore, &todo);
      strbuf_reset(&labels);
    }
  }
  if( store_scenario_end(pStore, rc == 0) != 0 ) rc = 1;
  return rc;
}
