/*
** runner/report/report.c: the reporters of `mapscope run` and `diff`, and
** the counting rule (see report.h).
**
**   text   one line per scenario, then details for every step that needs
**          attention (all steps with -v), then the totals; colour when
**          asked (reporter_set_color)
**   tap    tap.c's writer, a test point per step and backend
**   junit  junit.c's writer, a testsuite per scenario, a testcase per step
**          and backend
**
** The closing line "N passed, N failed, N skipped" is written by the
** caller (run.c, with report_summary_line()), so that it is the same for
** every format.
**
** Contents: 1. counting and cases  2. text  3. tap and junit  4. construction
*/
#include "runner/report/report.h"

#include <stdlib.h>
#include <string.h>

#include "runner/util/termsafe.h"

/* The state every reporter carries (pState). */
typedef struct ReportState ReportState;
struct ReportState {
  int bColor;               /* text: ANSI colours */
  const char *zStopped;     /* why the run stopped early, or NULL */
  TapWriter tap;            /* tap */
  JunitWriter junit;        /* junit */
};

/* ---------------------------------------------------------------- 1 ---- */

ReportCount report_count_of(Verdict e, int bUnchecked){
  switch( e ){
    case VERDICT_PASS:        return bUnchecked ? REPORT_SKIPPED : REPORT_PASSED;
    case VERDICT_TODO:        return REPORT_PASSED;
    case VERDICT_SKIP:
    case VERDICT_UNSUPPORTED: return REPORT_SKIPPED;
    default:                  return REPORT_FAILED;
  }
}

Verdict report_verdict_from_name(const char *zName){
  for(int v = 0; v < VERDICT_COUNT; v++){
    if( zName && strcmp(zName, verdict_name((Verdict)v)) == 0 ) return (Verdict)v;
  }
  return VERDICT_ERROR;
}

void report_tally(const Totals *pTotals, ReportTally *pTally){
  memset(pTally, 0, sizeof(*pTally));
  for(int s = 0; s < ENGINE_MAX_SIDES; s++){
    for(int v = 0; v < VERDICT_COUNT; v++){
      pTally->anCount[report_count_of((Verdict)v, 0)] += pTotals->aCount[s][v];
    }
    /* An unchecked pass moves from passed to skipped. */
    pTally->anCount[REPORT_PASSED] -= pTotals->anUnchecked[s];
    pTally->anCount[REPORT_SKIPPED] += pTotals->anUnchecked[s];
    pTally->nUnchecked += pTotals->anUnchecked[s];
  }
}

void report_summary_line(StrBuf *pOut, const ReportTally *pTally){
  strbuf_printf(pOut, "%d passed, %d failed, %d skipped",
                pTally->anCount[REPORT_PASSED], pTally->anCount[REPORT_FAILED],
                pTally->anCount[REPORT_SKIPPED]);
  if( pTally->nUnchecked ){
    strbuf_printf(pOut, " (%d unchecked: no expected block)", pTally->nUnchecked);
  }
  strbuf_puts(pOut, "\n");
}

const char *report_topic(const char *zFile, char *zBuf, int nBuf){
  const char *zEnd = strrchr(zFile, '/');
  if( zEnd == NULL ){
    snprintf(zBuf, (size_t)nBuf, ".");
    return zBuf;
  }
  const char *zStart = zEnd;
  while( zStart > zFile && zStart[-1] != '/' ) zStart--;
  if( zStart == zEnd ){
    snprintf(zBuf, (size_t)nBuf, "%s", zEnd == zFile ? "/" : ".");
  }else{
    snprintf(zBuf, (size_t)nBuf, "%.*s", (int)(zEnd - zStart), zStart);
  }
  return zBuf;
}

/* What one side produced, as a person reads it. */
static const char *report_side_text(const StepSide *pSide){
  if( pSide->res.eOutcome == BACKEND_DONE ) return pSide->res.zOutput;
  return NULL;
}

void report_case_from_record(ReportCase *pCase, const StepRecord *pRec, int s){
  const StepSide *pSide = &pRec->aSide[s];
  memset(pCase, 0, sizeof(*pCase));
  pCase->zFile = pRec->pScn->zFile;
  pCase->iLine = pRec->pStep->iLine;
  pCase->zBackend = pSide->pOps->zName;
  pCase->zCommand = pRec->zCommand;
  pCase->eVerdict = pSide->eVerdict;
  pCase->bUnchecked = pSide->eVerdict == VERDICT_PASS && pSide->zReference == NULL;
  pCase->zExpected = pSide->zReference;
  pCase->zActual = report_side_text(pSide);
  pCase->zReason = pSide->eVerdict == VERDICT_TODO || pSide->eVerdict == VERDICT_FIXED
                 ? (pSide->pTodo ? pSide->pTodo->zReason : NULL)
                 : pSide->res.zReason;
  pCase->rSeconds = pSide->rMs / 1e3;
}

/* ---------------------------------------------------------------- 2 ---- */

/*
** The text report goes through termsafe: a path, a command or an output
** with control characters in it is shown, not obeyed, on a terminal. The
** report's own colours are written as TEXT_SGR(code) markers ("\xff" code
** "\xff", no control character in them) and turned into ANSI SGR sequences
** by text_write() only, so escaping the text never touches them.
*/
#define TEXT_SGR(code) "\xff" code "\xff"

static void text_write(FILE *pOut, const StrBuf *pText, int bColor){
  int bEscape = termsafe_is_terminal(pOut);
  const char *z = strbuf_text(pText);
  const char *zEnd = z + pText->n;
  while( z < zEnd ){
    const char *zMark = bColor ? memchr(z, '\xff', (size_t)(zEnd - z)) : NULL;
    const char *zClose = zMark ? memchr(zMark + 1, '\xff', (size_t)(zEnd - zMark - 1)) : NULL;
    size_t nCode = zClose ? (size_t)(zClose - zMark - 1) : 0;
    /* Only digits and ';' between the marks: a colour, nothing else. */
    if( zClose == NULL || nCode == 0 || strspn(zMark + 1, "0123456789;") < nCode ){
      size_t n = zClose ? (size_t)(zClose - z) : (size_t)(zEnd - z);
      termsafe_write(pOut, z, n, bEscape);
      z += n;
      continue;
    }
    termsafe_write(pOut, z, (size_t)(zMark - z), bEscape);
    fprintf(pOut, "\033[%.*sm", (int)nCode, zMark + 1);
    z = zClose + 1;
  }
  fflush(pOut);
}

/* Does this side's verdict need a person's attention in a short report? */
static int report_needs_attention(Verdict e){
  return e == VERDICT_FAIL || e == VERDICT_FIXED || e == VERDICT_ERROR;
}

/*
** "6 pass, 1 fail, 2 unchecked" for one side's counts; "no steps" if all
** are zero. nUnchecked of the passes had nothing to compare with: under
** the counting rule they are skipped, not passed, so they are shown as
** "unchecked" and not in the pass count.
*/
static void report_counts(StrBuf *pOut, const int *aCount, int nUnchecked){
  int bAny = 0;
  for(int v = 0; v < VERDICT_COUNT; v++){
    int n = aCount[v] - (v == VERDICT_PASS ? nUnchecked : 0);
    if( n == 0 ) continue;
    strbuf_printf(pOut, "%s%d %s", bAny ? ", " : "", n, verdict_name((Verdict)v));
    bAny = 1;
  }
  if( nUnchecked ){
    strbuf_printf(pOut, "%s%d unchecked", bAny ? ", " : "", nUnchecked);
    bAny = 1;
  }
  if( !bAny ) strbuf_puts(pOut, "no steps");
}

/* The word for one side's verdict in the text report: "unchecked" for a
** pass with nothing to compare with (counted as skipped), else the
** verdict's name. */
static const char *text_verdict_word(const StepSide *pSide){
  if( pSide->eVerdict == VERDICT_PASS && pSide->zReference == NULL ){
    return "unchecked";
  }
  return verdict_name(pSide->eVerdict);
}


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
    strbuf_printf(pOut, "    %s (%s):\n", zName, text_verdict_word(pSide));
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
  ReportState *pState = p->pState;
  const char *zOn = "", *zOff = "";
  if( pState->bColor ){
    zOn = bBad ? TEXT_SGR("1;31") : TEXT_SGR("32");
    zOff = TEXT_SGR("0");
  }
  strbuf_printf(&out, "%s%-4s%s %s  (", zOn, bBad ? "FAIL" : "ok", zOff, pScn->zFile);
  for(int s = 0; s < p->nSide; s++){
    if( p->nSide > 1 ) strbuf_printf(&out, "%s%s: ", s ? "; " : "", p->apOps[s]->zName);
    report_counts(&out, pTotals->aCount[s], pTotals->anUnchecked[s]);
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
    /* an agreement on an acknowledgement (the `ok` of a write) is not an
    ** observation: the headline counts it apart, and so does this line */
    const char *zWord = pRec->nSide == 1 ? text_verdict_word(&pRec->aSide[0])
                      : pRec->eCompare == COMPARE_AGREE
                        && pRec->eEvidence == EV_ACKNOWLEDGEMENT ? "acknowledged"
                      : comparison_name(pRec->eCompare);
    int bRed = pRec->nSide == 1 ? report_needs_attention(pRec->aSide[0].eVerdict)
                                : pRec->eCompare == COMPARE_DIVERGE
                                  || pRec->eCompare == COMPARE_ERROR;
    if( pState->bColor ){
      strbuf_printf(&out, "%s%s" TEXT_SGR("0") ": ", bRed ? TEXT_SGR("31") : TEXT_SGR("33"),
                    zWord);
    }else{
      strbuf_printf(&out, "%s: ", zWord);
    }
    if( pRec->nSide > 1 && pRec->iDivergedLine ){
      strbuf_printf(&out, "(line %d) ", pRec->iDivergedLine);
    }
    strbuf_printf(&out, "%s\n", pRec->zCommand);
    if( pRec->nSide > 1 && pRec->zReference ){
      strbuf_puts(&out, "    expected:\n");
      strbuf_indented(&out, "      ", pRec->zReference);
    }
    for(int s = 0; s < pRec->nSide; s++) text_side_detail(&out, pRec, s, pRec->nSide);
  }
  text_write(p->pOut, &out, ((ReportState *)p->pState)->bColor);
  fflush(p->pOut);
  strbuf_reset(&out);
}

static void text_end(Reporter *p, const Totals *pTotals){
  StrBuf out = {0};
  strbuf_printf(&out, "\n%d scenario%s", pTotals->nScenario,
                pTotals->nScenario == 1 ? "" : "s");
  for(int s = 0; s < p->nSide; s++){
    strbuf_printf(&out, "%s %s: ", s ? ";" : ",", p->apOps[s]->zName);
    report_counts(&out, pTotals->aCount[s], pTotals->anUnchecked[s]);
  }
  strbuf_puts(&out, "\n");
  ReportState *pState = p->pState;
  if( pState->zStopped ) strbuf_printf(&out, "%s\n", pState->zStopped);
  for(int s = 0; s < p->nSide; s++){
    if( pTotals->anUnchecked[s] == 0 ) continue;
    strbuf_printf(&out, "%s: %d step%s had nothing to compare with "
                  "(no expected block%s): %s, counted as skipped (unchecked)\n",
                  p->apOps[s]->zName, pTotals->anUnchecked[s],
                  pTotals->anUnchecked[s] == 1 ? "" : "s",
                  p->nSide > 1 && s > 0 ? ", no model output" : "",
                  pTotals->anUnchecked[s] == 1 ? "it ran and was not checked"
                                               : "they ran and were not checked");
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
  text_write(p->pOut, &out, ((ReportState *)p->pState)->bColor);
  strbuf_reset(&out);
}

/* ---------------------------------------------------------------- 3 ---- */

/* Every step of a scenario, side by side, as cases. */
static void tap_scenario(Reporter *p, const Scenario *pScn,
                         const StepRecord *aRec, int nRec,
                         const Totals *pTotals, char *const *azOpenError){
  ReportState *pState = p->pState;
  (void)pTotals;
  tap_comment(&pState->tap, pScn->zFile);
  for(int s = 0; s < p->nSide; s++){
    if( azOpenError[s] ){
      StrBuf b = {0};
      strbuf_printf(&b, "%s could not start: %s", p->apOps[s]->zName, azOpenError[s]);
      tap_comment(&pState->tap, strbuf_text(&b));
      strbuf_reset(&b);
    }
  }
  for(int i = 0; i < nRec; i++){
    for(int s = 0; s < aRec[i].nSide; s++){
      ReportCase c;
      report_case_from_record(&c, &aRec[i], s);
      tap_case(&pState->tap, &c);
    }
  }
  fflush(p->pOut);
}

static void tap_reporter_begin(Reporter *p, int nScenario){
  ReportState *pState = p->pState;
  (void)nScenario;
  tap_begin(&pState->tap, p->pOut);
}

static void tap_reporter_end(Reporter *p, const Totals *pTotals){
  ReportState *pState = p->pState;
  (void)pTotals;
  tap_end(&pState->tap, pState->zStopped);
}

static void junit_scenario(Reporter *p, const Scenario *pScn,
                           const StepRecord *aRec, int nRec,
                           const Totals *pTotals, char *const *azOpenError){
  ReportState *pState = p->pState;
  (void)pTotals;
  junit_suite_begin(&pState->junit, pScn->zFile);
  for(int i = 0; i < nRec; i++){
    for(int s = 0; s < aRec[i].nSide; s++){
      ReportCase c;
      report_case_from_record(&c, &aRec[i], s);
      junit_case(&pState->junit, &c);
    }
  }
  for(int s = 0; s < p->nSide; s++){
    if( azOpenError[s] ){
      StrBuf b = {0};
      strbuf_printf(&b, "%s could not start: %s", p->apOps[s]->zName, azOpenError[s]);
      junit_suite_note(&pState->junit, strbuf_text(&b));
      strbuf_reset(&b);
    }
  }
  junit_suite_end(&pState->junit);
}

static void junit_reporter_end(Reporter *p, const Totals *pTotals){
  ReportState *pState = p->pState;
  (void)pTotals;
  junit_finish(&pState->junit, p->pOut, "mapscope");
}

/* ---------------------------------------------------------------- 4 ---- */

static void report_begin_nothing(Reporter *p, int nScenario){
  (void)p; (void)nScenario;
}

static void report_free_state(Reporter *p){
  ReportState *pState = p->pState;
  if( pState ){
    /* A junit reporter freed before its end still holds its buffers. */
    strbuf_reset(&pState->junit.suites);
    strbuf_reset(&pState->junit.cases);
    strbuf_reset(&pState->junit.notes);
    strbuf_reset(&pState->junit.props);
    free(pState->junit.zSuite);
    free(pState);
  }
}

Reporter *reporter_new(ReportFormat eFormat, FILE *pOut, int nSide,
                       const BackendOps *const *apOps, int bVerbose){
  Reporter *p = calloc(1, sizeof(*p));
  if( p == NULL ) return NULL;
  p->pState = calloc(1, sizeof(ReportState));
  if( p->pState == NULL ){
    free(p);
    return NULL;
  }
  p->pOut = pOut;
  p->nSide = nSide;
  p->bVerbose = bVerbose;
  for(int s = 0; s < nSide; s++) p->apOps[s] = apOps[s];
  p->xFree = report_free_state;
  switch( eFormat ){
    case REPORT_TEXT:
      p->xBegin = report_begin_nothing;
      p->xScenario = text_scenario;
      p->xEnd = text_end;
      break;
    case REPORT_TAP:
      p->xBegin = tap_reporter_begin;
      p->xScenario = tap_scenario;
      p->xEnd = tap_reporter_end;
      break;
    case REPORT_JUNIT:
      p->xBegin = report_begin_nothing;
      p->xScenario = junit_scenario;
      p->xEnd = junit_reporter_end;
      break;
  }
  return p;
}

void reporter_set_color(Reporter *p, int bColor){
  ReportState *pState = p->pState;
  pState->bColor = bColor;
}

void reporter_set_stopped(Reporter *p, const char *zWhy){
  ReportState *pState = p->pState;
  pState->zStopped = zWhy;
}

void reporter_free(Reporter *p){
  if( p == NULL ) return;
  p->xFree(p);
  free(p);
}
