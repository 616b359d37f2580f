/*
** runner/engine/verdict.c: verdicts, tallies and comparisons (see verdict.h).
*/
#include "runner/engine/verdict.h"

#include <string.h>
#include <strings.h>

static const char *const azVerdictName[VERDICT_COUNT] = {
  "pass", "fail", "todo", "fixed", "skip", "unsupported", "error"
};

const char *verdict_name(Verdict e){
  return (e >= 0 && e < VERDICT_COUNT) ? azVerdictName[e] : "?";
}

const char *comparison_name(Comparison e){
  switch( e ){
    case COMPARE_NONE:        return "";
    case COMPARE_AGREE:       return "agree";
    case COMPARE_DIVERGE:     return "diverge";
    case COMPARE_UNSUPPORTED: return "unsupported";
    case COMPARE_SKIP:        return "skip";
    case COMPARE_ERROR:       return "error";
    case COMPARE_AFTER_DIVERGENCE: return "after-divergence";
    case COMPARE_COUNT:       break;
  }
  return "?";
}

Tally verdict_tally(Verdict e){
  switch( e ){
    case VERDICT_PASS:
    case VERDICT_TODO:        return TALLY_PASSED;
    case VERDICT_SKIP:
    case VERDICT_UNSUPPORTED: return TALLY_SKIPPED;
    default:                  return TALLY_FAILED;
  }
}

int labelset_has(const LabelSet *pSet, const char *zLabel){
  for(int i = 0; i < pSet->nLabel; i++){
    if( strcasecmp(pSet->azLabel[i], zLabel) == 0 ) return 1;
  }
  return 0;
}

/* The family a version label carries: "wine" for "wine<digits>", or NULL. */
static const char *label_family(const char *zLabel){
  if( strncasecmp(zLabel, "wine", 4) != 0 || zLabel[4] == 0 ) return NULL;
  for(const char *z = zLabel + 4; *z; z++){
    if( *z < '0' || *z > '9' ) return NULL;
  }
  return "wine";
}

int labelset_add(LabelSet *pSet, const char *zLabel){
  if( !labelset_has(pSet, zLabel) ){
    if( pSet->nLabel >= LABELSET_MAX ) return 1;
    pSet->azLabel[pSet->nLabel++] = zLabel;
  }
  const char *zFamily = label_family(zLabel);
  if( zFamily && !labelset_has(pSet, zFamily) ){
    if( pSet->nLabel >= LABELSET_MAX ) return 1;
    pSet->azLabel[pSet->nLabel++] = zFamily;
  }
  return 0;
}

/* 1 if any of the n labels in az is in the set. */
static int labelset_any(const LabelSet *pSet, char *const *az, int n){
  for(int i = 0; i < n; i++){
    if( labelset_has(pSet, az[i]) ) return 1;
  }
  return 0;
}

int verdict_step_skipped(const ScnStep *pStep, const LabelSet *pLabels){
  if( pStep->nOnlyif > 0 && !labelset_any(pLabels, pStep->azOnlyif, pStep->nOnlyif) ){
    return 1;
  }
  return labelset_any(pLabels, pStep->azSkipif, pStep->nSkipif);
}

const ScnTodo *verdict_step_todo(const ScnStep *pStep, const LabelSet *pLabels){
  for(int i = 0; i < pStep->nTodo; i++){
    const ScnTodo *pTodo = &pStep->aTodo[i];
    if( labelset_any(pLabels, pTodo->azLabel, pTodo->nLabel) ) return pTodo;
  }
  return NULL;
}

Verdict verdict_decide(const ScnStep *pStep, const LabelSet *pLabels,
                       const StepResult *pRes, const char *zReference){
  if( pRes->eOutcome == BACKEND_UNSUPPORTED ) return VERDICT_UNSUPPORTED;
  if( pRes->eOutcome == BACKEND_ERROR ) return VERDICT_ERROR;
  if( zReference == NULL ) return VERDICT_PASS;

  int bMatch = scn_output_equal(pRes->zOutput ? pRes->zOutput : "", zReference);
  int bTodo = verdict_step_todo(pStep, pLabels) != NULL;
  if( bMatch ) return bTodo ? VERDICT_FIXED : VERDICT_PASS;
  return bTodo ? VERDICT_TODO : VERDICT_FAIL;
}

Comparison verdict_compare(Verdict eA, const StepResult *pA,
                           Verdict eB, const StepResult *pB){
  if( eA == VERDICT_SKIP || eB == VERDICT_SKIP ) return COMPARE_SKIP;
  if( eA == VERDICT_ERROR || eB == VERDICT_ERROR ) return COMPARE_ERROR;
  if( eA == VERDICT_UNSUPPORTED || eB == VERDICT_UNSUPPORTED ){
    return COMPARE_UNSUPPORTED;
  }
  return scn_output_equal(pA->zOutput ? pA->zOutput : "",
                          pB->zOutput ? pB->zOutput : "")
         ? COMPARE_AGREE : COMPARE_DIVERGE;
}
