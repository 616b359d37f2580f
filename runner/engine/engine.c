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

typedef struct SideRun SideRun;
static int engine_store_scenario(Engine*, const Scenario*, const char*, size_t,
                                 const StepRecord*, const SideRun*);

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
struct SideRun {
  BackendConn *pConn;       /* the open instance, or NULL */
  char *zDead;              /* why the side can run no more steps, or NULL */
  char *zEvents;            /* host events met opening it, or NULL */
};

/* A StepResult saying the backend cannot do the step: zWhy is copied. */
static void engine_set_unsupported(StepResult *pRes, const char *zWhy){
  step_result_clear(pRes);
  pRes->eOutcome = BACKEND_UNSUPPORTED;
  pRes->zReason = engine_strdup(zWhy);
}

/* Run pStep on side s, filling pSide (whose pOps is set). */
static void engine_step_side(Engine *pEngine, int s, SideRun *pRun,
                             const ScnStep *pStep, StepSide *pSide){
  const LabelSet *pLabels = &pEngine->aLabels[s];
  char zWhy[300];
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
  /* A step addressed to one half, on a host that cannot tell the halves
  ** apart for what it touches, is not sent: whatever the host answered
  ** would be about the process, not about that half. */
  if( ev_step_half_unsupported(pStep, pEngine->amLack[s], zWhy, sizeof(zWhy)) ){
    engine_set_unsupported(&pSide->res, zWhy);
    return;
  }
  double rStart = engine_now_ms();
  int rc = pSide->pOps->xStep(pRun->pConn, pStep, &pSide->res);
  pSide->rMs = engine_now_ms() - rStart;
  if( rc != 0 ){
    pRun->zDead = engine_dead_reason(pSide->pOps->zName, "instance failed",
                                     pStep->iLine);
  }
  /* A reboot that does not apply what Windows applies at boot is still
  ** performed (later steps need its sessions ended), but not counted. */
  if( pSide->res.eOutcome == BACKEND_DONE
   && ev_reboot_unsupported(pStep, pEngine->amLack[s], zWhy, sizeof(zWhy)) ){
    engine_set_unsupported(&pSide->res, zWhy);
  }
}

/* The evidence of a step: what its outputs are, when every side produced
** one (an acknowledgement only when every output is one); EV_NONE when a
** side has no output (skip, unsupported, error): nothing was compared. */
static EvEvidence engine_evidence(const StepRecord *pRec){
  EvEvidence e = EV_NONE;
  for(int s = 0; s < pRec->nSide; s++){
    const StepSide *pSide = &pRec->aSide[s];
    if( pSide->eVerdict == VERDICT_SKIP || pSide->res.eOutcome != BACKEND_DONE ){
      return EV_NONE;
    }
    EvEvidence eSide = ev_classify(pRec->pStep, pSide->res.zOutput
                                   ? pSide->res.zOutput : "", pSide->res.bAck);
    if( e == EV_NONE || eSide == EV_OBSERVATION ) e = eSide;
  }
  return e;
}

/* 1 if, after pRec, the two sides may hold different state in what the
** step writes: it diverged, was a todo for either side, could not be done
** (unsupported, error) or ran on one side only. */
static int engine_step_diverged(const StepRecord *pRec){
  int nSkip = 0;
  for(int s = 0; s < pRec->nSide; s++){
    if( pRec->aSide[s].pTodo ) return 1;
    if( pRec->aSide[s].eVerdict == VERDICT_SKIP ) nSkip++;
  }
  switch( pRec->eCompare ){
    case COMPARE_AGREE: return 0;
    case COMPARE_SKIP:  return nSkip < pRec->nSide;
    default:            return 1;
  }
}

/* Append zMore (newline-separated) to *pz. */
static void engine_add_events(char **pz, const char *zMore){
  if( zMore == NULL || zMore[0] == 0 ) return;
  StrBuf b = {0};
  if( *pz ) strbuf_printf(&b, "%s\n", *pz);
  strbuf_puts(&b, zMore);
  free(*pz);
  *pz = strbuf_take(&b);
}

void engine_run_scenario(Engine *pEngine, const Scenario *pScn,
                         const char *zContent, size_t nContent){
  int nSide = pEngine->nSide;
  SideRun aRun[ENGINE_MAX_SIDES];
  char *azOpenError[ENGINE_MAX_SIDES] = {0};
  Totals scnTotals;
  EvLedger ledger;
  memset(aRun, 0, sizeof(aRun));
  memset(&scnTotals, 0, sizeof(scnTotals));
  ev_ledger_init(&ledger);

  for(int s = 0; s < nSide; s++){
    char *zErr = NULL;
    if( pEngine->apOps[s]->xOpen(pScn, pEngine->zBackendOptions,
                                 &aRun[s].pConn, &zErr) != 0 ){
      aRun[s].pConn = NULL;
      azOpenError[s] = zErr ? zErr : engine_strdup("could not start the backend");
      StrBuf b = {0};
      strbuf_printf(&b, "could not start: %s", azOpenError[s]);
      aRun[s].zDead = engine_dead_reason(pEngine->apOps[s]->zName,
                                         strbuf_text(&b), 0);
      strbuf_reset(&b);
    }else if( pEngine->apOps[s]->xHostFacts ){
      const HostFacts *pFacts = pEngine->apOps[s]->xHostFacts(aRun[s].pConn);
      if( pFacts ) engine_add_events(&aRun[s].zEvents, pFacts->zEvents);
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
    pRec->eEvidence = engine_evidence(pRec);
    if( nSide < 2 ){
      pRec->eCompare = COMPARE_NONE;
    }else{
      EvAccess acc;
      ev_step_access(pStep, &acc);
      pRec->eCompare = verdict_compare(pRec->aSide[0].eVerdict, &pRec->aSide[0].res,
                                       pRec->aSide[1].eVerdict, &pRec->aSide[1].res);
      int iDiverged = ev_ledger_diverged_line(&ledger, pStep, &acc);
      if( iDiverged > 0 && (pRec->eCompare == COMPARE_AGREE
                            || pRec->eCompare == COMPARE_DIVERGE) ){
        pRec->eCompare = COMPARE_AFTER_DIVERGENCE;
        pRec->iDivergedLine = iDiverged;
      }
      int bDiverged = engine_step_diverged(pRec);
      ev_ledger_record(&ledger, pStep, &acc, bDiverged,
                       pRec->iDivergedLine ? pRec->iDivergedLine : pStep->iLine);
      if( pRec->eCompare == COMPARE_AGREE ){
        if( pRec->eEvidence == EV_ACKNOWLEDGEMENT ) scnTotals.nAgreeAcknowledged++;
        else scnTotals.nAgreeObserved++;
      }
    }
    for(int s = 0; s < nSide; s++){
      scnTotals.aCount[s][pRec->aSide[s].eVerdict]++;
      if( pRec->aSide[s].eVerdict == VERDICT_PASS && pRec->aSide[s].zReference == NULL ){
        scnTotals.anUnchecked[s]++;
      }
    }
    scnTotals.aCompare[pRec->eCompare]++;
  }
  ev_ledger_clear(&ledger);

  for(int s = 0; s < nSide; s++){
    if( aRun[s].pConn ) pEngine->apOps[s]->xClose(aRun[s].pConn);
  }
  scnTotals.nScenario = 1;

  for(int s = 0; s < nSide; s++) pEngine->pReporter->azEvents[s] = aRun[s].zEvents;
  pEngine->pReporter->xScenario(pEngine->pReporter, pScn, aRec, pScn->nStep,
                                &scnTotals, azOpenError);
  for(int s = 0; s < nSide; s++) pEngine->pReporter->azEvents[s] = NULL;

  if( pEngine->pStore ){
    if( engine_store_scenario(pEngine, pScn, zContent, nContent, aRec, aRun) != 0 ){
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
    free(aRun[s].zEvents);
  }
  for(int c = 0; c < COMPARE_COUNT; c++){
    pEngine->totals.aCompare[c] += scnTotals.aCompare[c];
  }
  pEngine->totals.nAgreeObserved += scnTotals.nAgreeObserved;
  pEngine->totals.nAgreeAcknowledged += scnTotals.nAgreeAcknowledged;
  pEngine->totals.nScenario++;
  for(int i = 0; i < pScn->nStep; i++) step_record_clear(&aRec[i]);
  free(aRec);
}

/* ---------------------------------------------------------------- 3 ---- */

/* Store each side's host events with the open scenario, one row a line.
** Returns 0, or non-zero if the store refused one. */
static int engine_store_events(Store *pStore, const Engine *pEngine,
                               const SideRun *aRun){
  int rc = 0;
  for(int s = 0; rc == 0 && s < pEngine->nSide; s++){
    const char *z = aRun[s].zEvents;
    while( rc == 0 && z && *z ){
      size_t n = strcspn(z, "\n");
      if( n > 0 ){
        char *zLine = malloc(n + 1);
        if( zLine == NULL ){
          fputs("mapscope: out of memory\n", stderr);
          exit(3);
        }
        memcpy(zLine, z, n);
        zLine[n] = 0;
        rc = store_event(pStore, pEngine->apOps[s]->zName, zLine);
        free(zLine);
      }
      z += n;
      if( *z == '\n' ) z++;
    }
  }
  return rc;
}

/* Store one scenario and its steps in one transaction. Returns 0 on
** success; on failure the scenario's transaction is rolled back. */
static int engine_store_scenario(Engine *pEngine, const Scenario *pScn,
                          const char *zContent, size_t nContent,
                          const StepRecord *aRec, const SideRun *aRun){
  Store *pStore = pEngine->pStore;
  if( store_scenario_begin(pStore, pScn->zFile, pScn->zTitle,
                           zContent, nContent) != 0 ){
    return 1;
  }
  int rc = engine_store_events(pStore, pEngine, aRun);
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
    step.zEvidence = ev_evidence_name(pRec->eEvidence);
    step.iDivergedLine = pRec->iDivergedLine;
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
