/*
** runner/report/report.c: the three report formats of `mapscope run` and `diff`.
**
**   text   one line per scenario, then details for every step that needs
**          attention (all steps with -v), then the totals
**   tap    TAP version 14: a subtest per scenario, a test point per step
**          and backend; todo as `# TODO`, skip and unsupported as `# SKIP`
**   junit  JUnit XML: a testsuite per scenario, a testcase per step and
**          backend; todo and unsupported as <skipped>, fixed as <failure>
**
** The closing line "N passed, N failed, N skipped" is written by the
** caller (run.c), not here, so that it is the same for every format.
**
** Contents: 1. shared helpers  2. text  3. tap  4. junit  5. construction
*/
#include "runner/engine/engine.h"

#include <stdlib.h>
#include <string.h>

#include "runner/util/strbuf.h"

/* ---------------------------------------------------------------- 1 ---- */

/* Does this side's verdict need a person's attention in a short report? */
static int report_needs_attention(Verdict e){
  return e == VERDICT_FAIL || e == VERDICT_FIXED || e == VERDICT_ERROR;
}

/* "6 pass, 1 fail" for one side's counts; "no steps" if all are zero. */
static void report_counts(StrBuf *pOut, const int *aCount){
  int bAny = 0;
  for(int v = 0; v < VERDICT_COUNT; v++){
    if( aCount[v] == 0 ) continue;
    strbuf_printf(pOut, "%s%d %s", bAny ? ", " : "", aCount[v],
                  verdict_name((Verdict)v));
    bAny = 1;
  }
  if( !bAny ) strbuf_puts(pOut, "no steps");
}

/* What one side produced, as a person reads it. */
static const char *report_side_text(const StepSide *pSide){
  if( pSide->res.eOutcome == BACKEND_DONE ) return pSide->res.zOutput;
  return NULL;
}

/* ---------------------------------------------------------------- 2 ---- */

/* Details of one side of a step, for the text report. */
static void text_side_detail(StrBuf *pOut, const StepRecord *pRec, int s,
                             int nSide){
  const StepSide *pSide = &pRec->aSide[s];
  const char *zName = pSide->pOps->zName;
  switch( pSide->eVerdict ){
    case VERDICT_SKIP:
      strbuf_printf(pOut, "    %s: skipped by annotation\n", zName);
      return;
    case VERDICT_UNSUPPORTED:
    case VERDICT_ERROR:
      strbuf_printf(pOut, "    %s: %s: %s\n", zName, verdict_name(pSide->eVerdict),
                    pSide->res.zReason ? pSide->res.zReason : "(no reason given)");
      return;
    default:
      break;
  }
  if( pSide->pTodo ){
    strbuf_printf(pOut, "    %s: todo %s\n", zName, pSide->pTodo->zReason);
  }
  if( pSide->eVerdict == VERDICT_FIXED ){
    strbuf_printf(pOut, "    %s: the output now matches: remove the todo\n", zName);
  }
  if( nSide == 1 && pSide->zReference ){
    strbuf_puts(pOut, "    expected:\n");
    strbuf_indented(pOut, "      ", pSide->zReference);
    strbuf_puts(pOut, "    actual:\n");
    strbuf_indented(pOut, "      ", report_side_text(pSide));
  }else if( nSide == 1 ){
    strbuf_indented(pOut, "      ", report_side_text(pSide));
  }else{
    strbuf_printf(pOut, "    %s (%s):\n", zName, verdict_name(pSide->eVerdict));
    strbuf_indented(pOut, "      ", report_side_text(pSide));
  }
}

static void text_scenario(Reporter *p, const Scenario *pScn,
                          const StepRecord *aRec, int nRec,
                          const Totals *pTotals, char *const *azOpenError){
  int bVerbose = p->bVerbose;
  int bBad = 0;
  StrBuf out = {0};

  for(int s = 0; s < p->nSide; s++){
    for(int v = 0; v < VERDICT_COUNT; v++){
      if( pTotals->aCount[s][v] && report_needs_attention((Verdict)v) ) bBad = 1;
    }
  }
  strbuf_printf(&out, "%-4s %s  (", bBad ? "FAIL" : "ok", pScn->zFile);
  for(int s = 0; s < p->nSide; s++){
    if( p->nSide > 1 ) strbuf_printf(&out, "%s%s: ", s ? "; " : "", p->apOps[s]->zName);
    report_counts(&out, pTotals->aCount[s]);
  }
  if( p->nSide > 1 ){
    strbuf_printf(&out, "; %d agree, %d acknowledged, %d after-divergence, %d diverge",
                  pTotals->nAgreeObserved, pTotals->nAgreeAcknowledged,
                  pTotals->aCompare[COMPARE_AFTER_DIVERGENCE],
                  pTotals->aCompare[COMPARE_DIVERGE]);
  }
  strbuf_puts(&out, ")\n");
  for(int s = 0; s < p->nSide; s++){
    if( azOpenError[s] ){
      strbuf_printf(&out, "     %s could not start: %s\n", p->apOps[s]->zName,
                    azOpenError[s]);
    }
    for(const char *z = p->azEvents[s]; z && *z; ){
      size_t n = strcspn(z, "\n");
      if( n ) strbuf_printf(&out, "     %s: %.*s\n", p->apOps[s]->zName, (int)n, z);
      z += n + (z[n] == '\n');
    }
  }

  for(int i = 0; i < nRec; i++){
    const StepRecord *pRec = &aRec[i];
    int bShow = bVerbose;
    for(int s = 0; s < pRec->nSide; s++){
      if( report_needs_attention(pRec->aSide[s].eVerdict) ) bShow = 1;
    }
    if( !bShow ) continue;
    strbuf_printf(&out, "  %s:%d: ", pScn->zFile, pRec->pStep->iLine);
    if( pRec->nSide == 1 ){
      strbuf_printf(&out, "%s: ", verdict_name(pRec->aSide[0].eVerdict));
    }else{
      strbuf_printf(&out, "%s: ", comparison_name(pRec->eCompare));
      if( pRec->iDivergedLine ) strbuf_printf(&out, "(line %d) ", pRec->iDivergedLine);
    }
    strbuf_printf(&out, "%s\n", pRec->zCommand);
    if( pRec->nSide > 1 && pRec->zReference ){
      strbuf_puts(&out, "    expected:\n");
      strbuf_indented(&out, "      ", pRec->zReference);
    }
    for(int s = 0; s < pRec->nSide; s++) text_side_detail(&out, pRec, s, pRec->nSide);
  }
  fputs(strbuf_text(&out), p->pOut);
  fflush(p->pOut);
  strbuf_reset(&out);
}

static void text_end(Reporter *p, const Totals *pTotals){
  StrBuf out = {0};
  strbuf_printf(&out, "\n%d scenario%s", pTotals->nScenario,
                pTotals->nScenario == 1 ? "" : "s");
  for(int s = 0; s < p->nSide; s++){
    strbuf_printf(&out, "%s %s: ", s ? ";" : ",", p->apOps[s]->zName);
    report_counts(&out, pTotals->aCount[s]);
  }
  strbuf_puts(&out, "\n");
  for(int s = 0; s < p->nSide; s++){
    if( pTotals->anUnchecked[s] == 0 ) continue;
    strbuf_printf(&out, "%s: %d of the passes had nothing to compare with "
                  "(no expected lines%s): they ran, and were not checked\n",
                  p->apOps[s]->zName, pTotals->anUnchecked[s],
                  p->nSide > 1 && s > 0 ? ", no model output" : "");
  }
  if( p->nSide > 1 ){
    strbuf_printf(&out, "comparisons: %d agree (observations), %d acknowledged "
                  "(the ok of a write), %d after-divergence, %d diverge, "
                  "%d unsupported, %d skipped, %d error\n",
                  pTotals->nAgreeObserved, pTotals->nAgreeAcknowledged,
                  pTotals->aCompare[COMPARE_AFTER_DIVERGENCE],
                  pTotals->aCompare[COMPARE_DIVERGE],
                  pTotals->aCompare[COMPARE_UNSUPPORTED],
                  pTotals->aCompare[COMPARE_SKIP], pTotals->aCompare[COMPARE_ERROR]);
  }
  fputs(strbuf_text(&out), p->pOut);
  strbuf_reset(&out);
}

/* ---------------------------------------------------------------- 3 ---- */

/* TAP descriptions may not hold '#' unescaped, nor newlines. */
static void tap_description(StrBuf *pOut, const StepRecord *pRec, int s){
  strbuf_printf(pOut, "line %d [%s] ", pRec->pStep->iLine,
                pRec->aSide[s].pOps->zName);
  for(const char *z = pRec->zCommand; *z; z++){
    if( *z == '#' || *z == '\\' ) strbuf_append(pOut, "\\", 1);
    strbuf_append(pOut, *z == '\n' ? " " : z, 1);
  }
}

/* One TAP directive reason: no newlines, '#' escaped. */
static void tap_reason(StrBuf *pOut, const char *zReason){
  for(const char *z = zReason ? zReason : ""; *z; z++){
    if( *z == '#' || *z == '\\' ) strbuf_append(pOut, "\\", 1);
    strbuf_append(pOut, *z == '\n' ? " " : z, 1);
  }
}

/* A YAML block scalar line set: key: | then indented text. */
static void tap_yaml_block(StrBuf *pOut, const char *zKey, const char *zText){
  strbuf_printf(pOut, "      %s: |\n", zKey);
  strbuf_indented(pOut, "        ", zText ? zText : "(no output)");
}

static void tap_begin(Reporter *p, int nScenario){
  fprintf(p->pOut, "TAP version 14\n1..%d\n", nScenario);
}

static void tap_scenario(Reporter *p, const Scenario *pScn,
                         const StepRecord *aRec, int nRec,
                         const Totals *pTotals, char *const *azOpenError){
  int *piScenario = p->pState;
  int bBad = 0, iPoint = 0;
  StrBuf out = {0};
  (void)pTotals;
  strbuf_printf(&out, "# Subtest: %s\n", pScn->zFile);
  strbuf_printf(&out, "    1..%d\n", nRec * p->nSide);
  for(int s = 0; s < p->nSide; s++){
    if( azOpenError[s] ){
      strbuf_printf(&out, "    # %s could not start: ", p->apOps[s]->zName);
      tap_reason(&out, azOpenError[s]);
      strbuf_puts(&out, "\n");
    }
  }
  for(int i = 0; i < nRec; i++){
    const StepRecord *pRec = &aRec[i];
    for(int s = 0; s < pRec->nSide; s++){
      const StepSide *pSide = &pRec->aSide[s];
      int bOk = !report_needs_attention(pSide->eVerdict)
             && pSide->eVerdict != VERDICT_TODO;
      if( report_needs_attention(pSide->eVerdict) ) bBad = 1;
      strbuf_printf(&out, "    %s %d - ", bOk ? "ok" : "not ok", ++iPoint);
      tap_description(&out, pRec, s);
      switch( pSide->eVerdict ){
        case VERDICT_TODO:
          strbuf_puts(&out, " # TODO ");
          tap_reason(&out, pSide->pTodo ? pSide->pTodo->zReason : "");
          break;
        case VERDICT_SKIP:
          strbuf_puts(&out, " # SKIP skipped by annotation");
          break;
        case VERDICT_UNSUPPORTED:
          strbuf_puts(&out, " # SKIP unsupported: ");
          tap_reason(&out, pSide->res.zReason);
          break;
        default:
          break;
      }
      strbuf_puts(&out, "\n");
      if( report_needs_attention(pSide->eVerdict) ){
        strbuf_puts(&out, "      ---\n");
        strbuf_printf(&out, "      verdict: %s\n", verdict_name(pSide->eVerdict));
        strbuf_printf(&out, "      at: \"%s:%d\"\n", pScn->zFile, pRec->pStep->iLine);
        if( pSide->eVerdict == VERDICT_ERROR ){
          tap_yaml_block(&out, "reason", pSide->res.zReason);
        }else{
          if( pSide->pTodo ) tap_yaml_block(&out, "todo", pSide->pTodo->zReason);
          tap_yaml_block(&out, "expected", pSide->zReference);
          tap_yaml_block(&out, "actual", report_side_text(pSide));
        }
        strbuf_puts(&out, "      ...\n");
      }
    }
  }
  strbuf_printf(&out, "%s %d - %s\n", bBad ? "not ok" : "ok", ++*piScenario,
                pScn->zFile);
  fputs(strbuf_text(&out), p->pOut);
  fflush(p->pOut);
  strbuf_reset(&out);
}

static void tap_end(Reporter *p, const Totals *pTotals){
  (void)p; (void)pTotals;
}

/* ---------------------------------------------------------------- 4 ---- */

/* The junit reporter buffers everything: the root element carries totals. */
typedef struct JunitState JunitState;
struct JunitState {
  StrBuf suites;          /* the <testsuite> elements so far */
  int nTests, nFailures, nErrors, nSkipped; /* totals */
  double rSeconds;        /* summed step time */
};

static void junit_scenario(Reporter *p, const Scenario *pScn,
                           const StepRecord *aRec, int nRec,
                           const Totals *pTotals, char *const *azOpenError){
  JunitState *pJ = p->pState;
  StrBuf cases = {0};
  int nTests = 0, nFailures = 0, nErrors = 0, nSkipped = 0;
  double rSeconds = 0;
  (void)pTotals;

  for(int i = 0; i < nRec; i++){
    const StepRecord *pRec = &aRec[i];
    for(int s = 0; s < pRec->nSide; s++){
      const StepSide *pSide = &pRec->aSide[s];
      nTests++;
      rSeconds += pSide->rMs / 1e3;
      strbuf_puts(&cases, "    <testcase classname=\"");
      strbuf_xml(&cases, pScn->zFile);
      strbuf_printf(&cases, "\" name=\"line %d [%s] ", pRec->pStep->iLine,
                    pSide->pOps->zName);
      strbuf_xml(&cases, pRec->zCommand);
      strbuf_printf(&cases, "\" time=\"%.6f\"", pSide->rMs / 1e3);
      StrBuf detail = {0};
      const char *zTag = NULL, *zMessage = NULL;
      switch( pSide->eVerdict ){
        case VERDICT_FAIL:
        case VERDICT_FIXED:
          nFailures++;
          zTag = "failure";
          zMessage = pSide->eVerdict == VERDICT_FAIL
                   ? "output differs from the expected lines"
                   : "output matches although a todo says it should not: remove the todo";
          strbuf_puts(&detail, "expected:\n");
          strbuf_indented(&detail, "  ", pSide->zReference);
          strbuf_puts(&detail, "actual:\n");
          strbuf_indented(&detail, "  ", report_side_text(pSide));
          break;
        case VERDICT_ERROR:
          nErrors++;
          zTag = "error";
          zMessage = pSide->res.zReason ? pSide->res.zReason : "backend error";
          break;
        case VERDICT_TODO:
          nSkipped++;
          zTag = "skipped";
          zMessage = pSide->pTodo ? pSide->pTodo->zReason : "todo";
          break;
        case VERDICT_UNSUPPORTED:
          nSkipped++;
          zTag = "skipped";
          zMessage = pSide->res.zReason ? pSide->res.zReason : "unsupported";
          break;
        case VERDICT_SKIP:
          nSkipped++;
          zTag = "skipped";
          zMessage = "skipped by annotation";
          break;
        default:
          break;
      }
      if( zTag == NULL ){
        strbuf_puts(&cases, "/>\n");
      }else{
        strbuf_printf(&cases, ">\n      <%s message=\"", zTag);
        if( pSide->eVerdict == VERDICT_TODO ) strbuf_puts(&cases, "todo: ");
        if( pSide->eVerdict == VERDICT_UNSUPPORTED ) strbuf_puts(&cases, "unsupported: ");
        strbuf_xml(&cases, zMessage);
        if( detail.n ){
          strbuf_printf(&cases, "\" type=\"%s\">", verdict_name(pSide->eVerdict));
          strbuf_xml(&cases, strbuf_text(&detail));
          strbuf_printf(&cases, "</%s>\n", zTag);
        }else{
          strbuf_puts(&cases, "\"/>\n");
        }
        strbuf_puts(&cases, "    </testcase>\n");
      }
      strbuf_reset(&detail);
    }
  }

  strbuf_puts(&pJ->suites, "  <testsuite name=\"");
  strbuf_xml(&pJ->suites, pScn->zFile);
  strbuf_printf(&pJ->suites, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" "
                "skipped=\"%d\" time=\"%.6f\">\n",
                nTests, nFailures, nErrors, nSkipped, rSeconds);
  for(int s = 0; s < p->nSide; s++){
    if( azOpenError[s] ){
      strbuf_printf(&pJ->suites, "    <system-err>%s could not start: ",
                    p->apOps[s]->zName);
      strbuf_xml(&pJ->suites, azOpenError[s]);
      strbuf_puts(&pJ->suites, "</system-err>\n");
    }
  }
  strbuf_puts(&pJ->suites, strbuf_text(&cases));
  strbuf_puts(&pJ->suites, "  </testsuite>\n");
  strbuf_reset(&cases);
  pJ->nTests += nTests;
  pJ->nFailures += nFailures;
  pJ->nErrors += nErrors;
  pJ->nSkipped += nSkipped;
  pJ->rSeconds += rSeconds;
}

static void junit_end(Reporter *p, const Totals *pTotals){
  JunitState *pJ = p->pState;
  (void)pTotals;
  fprintf(p->pOut, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
          "<testsuites name=\"mapscope\" tests=\"%d\" failures=\"%d\" "
          "errors=\"%d\" skipped=\"%d\" time=\"%.6f\">\n",
          pJ->nTests, pJ->nFailures, pJ->nErrors, pJ->nSkipped, pJ->rSeconds);
  fputs(strbuf_text(&pJ->suites), p->pOut);
  fputs("</testsuites>\n", p->pOut);
  fflush(p->pOut);
}

static void junit_free(Reporter *p){
  JunitState *pJ = p->pState;
  strbuf_reset(&pJ->suites);
  free(pJ);
}

/* ---------------------------------------------------------------- 5 ---- */

static void report_begin_nothing(Reporter *p, int nScenario){
  (void)p; (void)nScenario;
}

static void report_free_state(Reporter *p){
  free(p->pState);
}

Reporter *reporter_new(ReportFormat eFormat, FILE *pOut, int nSide,
                       const BackendOps *const *apOps, int bVerbose){
  Reporter *p = calloc(1, sizeof(*p));
  if( p == NULL ) return NULL;
  p->pOut = pOut;
  p->nSide = nSide;
  p->bVerbose = bVerbose;
  for(int s = 0; s < nSide; s++) p->apOps[s] = apOps[s];
  switch( eFormat ){
    case REPORT_TEXT:
      p->xBegin = report_begin_nothing;
      p->xScenario = text_scenario;
      p->xEnd = text_end;
      p->xFree = report_free_state;
      break;
    case REPORT_TAP:
      p->pState = calloc(1, sizeof(int));
      p->xBegin = tap_begin;
      p->xScenario = tap_scenario;
      p->xEnd = tap_end;
      p->xFree = report_free_state;
      break;
    case REPORT_JUNIT:
      p->pState = calloc(1, sizeof(JunitState));
      p->xBegin = report_begin_nothing;
      p->xScenario = junit_scenario;
      p->xEnd = junit_end;
      p->xFree = junit_free;
      break;
  }
  if( p->pState == NULL && eFormat != REPORT_TEXT ){
    free(p);
    return NULL;
  }
  return p;
}

void reporter_free(Reporter *p){
  if( p == NULL ) return;
  p->xFree(p);
  free(p);
}
