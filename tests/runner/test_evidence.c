/*
** tests/runner/test_evidence.c: when an agreement counts as evidence
** (issue 8; docs/evidence.md).
**
** The engine runs real scenarios from scenarios/ with the model on one side
** and a "replay" backend on the other, which answers each step from a table
** (what Wine answered, or the expected block: a host that agrees by
** construction). The tests check that such agreements are not counted:
** after-divergence, unsupported halves and reboots, observations apart
** from acknowledgements, host events reported.
**
** Contents: 1. the replay backend and a capturing reporter  2. the domain
**           table and the ledger  3. scenarios through the engine
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/engine/engine.h"

#ifndef MAPSCOPE_SOURCE_DIR
# error "MAPSCOPE_SOURCE_DIR must name the source tree"
#endif

/* ---------------------------------------------------------------- 1 ---- */

/* What the replay backend answers at a source line. */
typedef struct Answer Answer;
struct Answer {
  int iLine;             /* step line */
  const char *zOutput;   /* canonical output, or NULL: unsupported */
};

/* The replay backend's script and what it saw (one test at a time). */
static struct {
  const Answer *aAnswer; int nAnswer; /* the table, or none */
  int bExpected;         /* answer the expected block where no table row */
  const char *zEvents;   /* HostFacts.zEvents */
  int nStep;             /* steps it was asked to perform */
  int nHalfStep;         /* of them, `as X.limited` / `as X.elevated` */
  int nReboot;           /* of them, reboots */
  HostFacts facts;       /* what xHostFacts returns */
} replay;

struct BackendConn { int iUnused; };
static struct BackendConn replayConn;

static int replay_open(const Scenario *pScn, const char *zOptions,
                       BackendConn **ppConn, char **pzErr){
  (void)pScn; (void)zOptions; (void)pzErr;
  *ppConn = &replayConn;
  return 0;
}

static char *replay_dup(const char *z){
  char *zNew = malloc(strlen(z) + 1);
  assert_non_null(zNew);
  return strcpy(zNew, z);
}

static int replay_step(BackendConn *pConn, const ScnStep *pStep, StepResult *pRes){
  (void)pConn;
  memset(pRes, 0, sizeof(*pRes));
  replay.nStep++;
  if( pStep->eHalf == SCN_HALF_LIMITED || pStep->eHalf == SCN_HALF_ELEVATED ){
    replay.nHalfStep++;
  }
  if( pStep->eKind == SCN_STEP_REBOOT ) replay.nReboot++;
  for(int i = 0; i < replay.nAnswer; i++){
    if( replay.aAnswer[i].iLine != pStep->iLine ) continue;
    if( replay.aAnswer[i].zOutput == NULL ){
      pRes->eOutcome = BACKEND_UNSUPPORTED;
      pRes->zReason = replay_dup("the replay says so");
    }else{
      pRes->eOutcome = BACKEND_DONE;
      pRes->zOutput = replay_dup(replay.aAnswer[i].zOutput);
    }
    return 0;
  }
  if( replay.bExpected && pStep->bExpected ){
    pRes->eOutcome = BACKEND_DONE;
    pRes->zOutput = scn_expected_text(pStep);
    return 0;
  }
  pRes->eOutcome = BACKEND_UNSUPPORTED;
  pRes->zReason = replay_dup("no answer in the replay");
  return 0;
}

static const HostFacts *replay_host_facts(BackendConn *pConn){
  (void)pConn;
  replay.facts.zOs = "replay";
  replay.facts.zEvents = replay.zEvents;
  return &replay.facts;
}

static void replay_close(BackendConn *pConn){ (void)pConn; }

static const BackendOps replayOps = {
  .zName = "wine", .xOpen = replay_open, .xStep = replay_step,
  .xHostFacts = replay_host_facts, .xClose = replay_close
};

/* What the capturing reporter kept of each step. */
typedef struct Seen Seen;
struct Seen {
  int iLine;             /* step line */
  Comparison eCompare;   /* comparison */
  int iDivergedLine;     /* StepRecord.iDivergedLine */
  EvEvidence eEvidence;  /* StepRecord.eEvidence */
  Verdict aVerdict[2];   /* per side */
  int bLimited;          /* an `as X.limited` step */
};

static struct {
  Seen aSeen[128]; int nSeen;
  char zEvents[256];     /* side 1's events during xScenario */
} seen;

static void cap_begin(Reporter *p, int n){ (void)p; (void)n; }
static void cap_end(Reporter *p, const Totals *t){ (void)p; (void)t; }
static void cap_free(Reporter *p){ (void)p; }
static void cap_scenario(Reporter *p, const Scenario *pScn, const StepRecord *aRec,
                         int nRec, const Totals *pTotals, char *const *azOpenError){
  (void)pScn; (void)pTotals; (void)azOpenError;
  snprintf(seen.zEvents, sizeof(seen.zEvents), "%s",
           p->azEvents[1] ? p->azEvents[1] : "");
  for(int i = 0; i < nRec && seen.nSeen < 128; i++){
    Seen *s = &seen.aSeen[seen.nSeen++];
    s->iLine = aRec[i].pStep->iLine;
    s->eCompare = aRec[i].eCompare;
    s->iDivergedLine = aRec[i].iDivergedLine;
    s->eEvidence = aRec[i].eEvidence;
    s->aVerdict[0] = aRec[i].aSide[0].eVerdict;
    s->aVerdict[1] = aRec[i].aSide[1].eVerdict;
    s->bLimited = aRec[i].pStep->eHalf == SCN_HALF_LIMITED;
  }
}

/* Run scenarios/zRel with the model against the replay, on a host that
** lacks mLack. Returns the totals; the steps are in seen. */
static Totals run_diff(const char *zRel, unsigned mLack){
  char zPath[1024], zErr[512];
  snprintf(zPath, sizeof(zPath), "%s/%s", MAPSCOPE_SOURCE_DIR, zRel);
  Scenario *pScn = NULL;
  if( scn_parse_file(zPath, &pScn, zErr, sizeof(zErr)) != 0 ) fail_msg("%s", zErr);

  Reporter rep;
  memset(&rep, 0, sizeof(rep));
  rep.nSide = 2;
  rep.xBegin = cap_begin; rep.xScenario = cap_scenario;
  rep.xEnd = cap_end; rep.xFree = cap_free;

  Engine e;
  memset(&e, 0, sizeof(e));
  e.nSide = 2;
  e.apOps[0] = &backend_sim_ops;
  e.apOps[1] = &replayOps;
  labelset_add(&e.aLabels[0], "sim");
  labelset_add(&e.aLabels[1], "wine");
  e.amLack[1] = mLack;
  e.pReporter = &rep;
  memset(&seen, 0, sizeof(seen));
  replay.nStep = replay.nHalfStep = replay.nReboot = 0;
  engine_run_scenario(&e, pScn, "", 0);
  scn_free(pScn);
  return e.totals;
}

static const Seen *seen_at(int iLine){
  for(int i = 0; i < seen.nSeen; i++){
    if( seen.aSeen[i].iLine == iLine ) return &seen.aSeen[i];
  }
  fail_msg("no step at line %d", iLine);
  return NULL;
}

/* Parse one step line (freed by the caller with scn_step_clear). */
static ScnStep step_of(const char *zLine){
  ScnStep step;
  char zErr[256];
  if( scn_parse_step_line(zLine, &step, zErr, sizeof(zErr)) != 0 ) fail_msg("%s", zErr);
  return step;
}

/* ---------------------------------------------------------------- 2 ---- */

/* The table: a define writes the session's names and reads them (and the
** global ones); a query only reads; a Global\ name or SYSTEM's define
** writes the global namespace; cmdkey /list reads the vault; a logon makes
** a new session. */
static void test_domain_table(void **state){
  (void)state;
  EvAccess acc;
  ScnStep st = step_of("as A define Q: C:\\a");
  ev_step_access(&st, &acc);
  assert_true(acc.mWrite & EV_BIT(EV_DOSDEV));
  assert_false(acc.mWrite & EV_BIT(EV_GLOBAL));
  assert_true(acc.mRead & EV_BIT(EV_DOSDEV));
  assert_true(acc.mRead & EV_BIT(EV_GLOBAL));
  assert_true(acc.bWriteKind);
  scn_step_clear(&st);

  st = step_of("as A define Global\\G: C:\\g");
  ev_step_access(&st, &acc);
  assert_true(acc.mWrite & EV_BIT(EV_GLOBAL));
  scn_step_clear(&st);

  st = step_of("as A query Q:");
  ev_step_access(&st, &acc);
  assert_int_equal(acc.mWrite, 0);
  assert_false(acc.bWriteKind);
  scn_step_clear(&st);

  st = step_of("as A cmdkey /list");
  ev_step_access(&st, &acc);
  assert_true(acc.mRead & EV_BIT(EV_VAULT));
  assert_false(acc.mRead & EV_BIT(EV_DOSDEV));
  scn_step_clear(&st);

  st = step_of("logon A alice current");
  ev_step_access(&st, &acc);
  assert_true(acc.bFresh);
  assert_true(acc.mWrite & EV_BIT(EV_SESSION));
  scn_step_clear(&st);

  st = step_of("as A net use Z: \\\\fs1\\data /persistent:yes");
  ev_step_access(&st, &acc);
  assert_true(acc.mWrite & EV_BIT(EV_CONN));
  assert_true(acc.mWrite & EV_BIT(EV_NETREG));
  assert_true(acc.mRead & EV_BIT(EV_VAULT));
  scn_step_clear(&st);
}

/* A domain diverged in one session is clean in another, and a new logon
** of the same name starts clean. */
static void test_ledger_scopes_and_fresh_logon(void **state){
  (void)state;
  EvLedger led;
  EvAccess acc;
  ev_ledger_init(&led);
  ScnStep logonA = step_of("logon A alice current");
  ScnStep logonB = step_of("logon B bob current");
  ScnStep defA = step_of("as A define Q: C:\\a");
  ScnStep qA = step_of("as A query Q:");
  ScnStep qB = step_of("as B query Q:");
  ScnStep listA = step_of("as A cmdkey /list");
  ScnStep logoffA = step_of("logoff A");

  ev_step_access(&logonA, &acc); ev_ledger_record(&led, &logonA, &acc, 0, 0);
  ev_step_access(&logonB, &acc); ev_ledger_record(&led, &logonB, &acc, 0, 0);
  ev_step_access(&defA, &acc);   ev_ledger_record(&led, &defA, &acc, 1, 7);
  ev_step_access(&qA, &acc);
  assert_int_equal(ev_ledger_diverged_line(&led, &qA, &acc), 7);
  ev_step_access(&qB, &acc);
  assert_int_equal(ev_ledger_diverged_line(&led, &qB, &acc), 0);
  ev_step_access(&listA, &acc);
  assert_int_equal(ev_ledger_diverged_line(&led, &listA, &acc), 0);
  ev_step_access(&logoffA, &acc); ev_ledger_record(&led, &logoffA, &acc, 0, 0);
  ev_step_access(&logonA, &acc);  ev_ledger_record(&led, &logonA, &acc, 0, 0);
  ev_step_access(&qA, &acc);
  assert_int_equal(ev_ledger_diverged_line(&led, &qA, &acc), 0);

  ScnStep *ap[] = { &logonA, &logonB, &defA, &qA, &qB, &listA, &logoffA };
  for(size_t i = 0; i < sizeof(ap)/sizeof(ap[0]); i++) scn_step_clear(ap[i]);
  ev_ledger_clear(&led);
}

/* `ok` of a write acknowledges; an error of a write, or any listing,
** observes. */
static void test_observation_or_acknowledgement(void **state){
  (void)state;
  ScnStep def = step_of("as A define Q: C:\\a");
  ScnStep q = step_of("as A query Q:");
  ScnStep logon = step_of("logon A alice current");
  assert_int_equal(ev_classify(&def, "ok", 0), EV_ACKNOWLEDGEMENT);
  assert_int_equal(ev_classify(&def, "error 85 ERROR_ALREADY_ASSIGNED", 0), EV_OBSERVATION);
  assert_int_equal(ev_classify(&q, "\\??\\C:\\a", 0), EV_OBSERVATION);
  assert_int_equal(ev_classify(&q, "\\??\\C:\\a", 1), EV_ACKNOWLEDGEMENT);
  assert_int_equal(ev_classify(&logon, "ok", 0), EV_ACKNOWLEDGEMENT);
  assert_int_equal(ev_classify(&q, NULL, 0), EV_NONE);
  scn_step_clear(&def); scn_step_clear(&q); scn_step_clear(&logon);
}

/* Capability words: Wine without half words separates nothing. */
static void test_host_lacks(void **state){
  (void)state;
  const char *zWineCaps = "logon-current as-half token dosdev vault registry "
                          "persisted dir-local one-namespace";
  unsigned m = ev_host_lacks(zWineCaps, 1);
  assert_true(m & EV_LACK_HALF_VAULT);
  assert_true(m & EV_LACK_HALF_REGISTRY);
  assert_true(m & EV_LACK_HALF_DOSDEV);
  assert_true(m & EV_LACK_BOOT_APPLY);
  assert_true(m & EV_LACK_SHARES);
  assert_true(m & EV_LACK_LOGON_USER);
  /* an agent that says what it can separate is believed */
  m = ev_host_lacks("logon-current logon-user as-system shares luid-maps "
                    "no-half-vault boot-apply", 1);
  assert_true(m & EV_LACK_HALF_VAULT);
  assert_false(m & EV_LACK_HALF_DOSDEV);
  assert_false(m & EV_LACK_BOOT_APPLY);
  assert_false(m & EV_LACK_SHARES);
  assert_int_equal(ev_host_lacks(NULL, 0), 0);   /* the model */

  char zWhy[300];
  ScnStep lim = step_of("as A.limited cmdkey /list");
  ScnStep bare = step_of("as A cmdkey /list");
  ScnStep tok = step_of("as A.limited token");
  assert_true(ev_step_half_unsupported(&lim, EV_LACK_HALF_VAULT, zWhy, sizeof(zWhy)));
  assert_non_null(strstr(zWhy, "no-half-vault"));
  assert_false(ev_step_half_unsupported(&lim, EV_LACK_HALF_DOSDEV, zWhy, sizeof(zWhy)));
  assert_false(ev_step_half_unsupported(&bare, EV_LACK_HALF_VAULT, zWhy, sizeof(zWhy)));
  assert_false(ev_step_half_unsupported(&tok, ~0u, zWhy, sizeof(zWhy)));
  scn_step_clear(&lim); scn_step_clear(&bare); scn_step_clear(&tok);
}

/* ---------------------------------------------------------------- 3 ---- */

/* SEMANTICS D4 D5: what Wine answered for undefine-pops-and-matches.scn.
** Wine does not stack definitions (line 21 diverges) and ignores the
** removal target, so Q: vanishes at line 38 for the wrong reason; lines 38
** and 65 print what Windows prints by coincidence. */
static const Answer aWineUndefine[] = {
  { 12, "ok" }, { 16, "ok" },
  { 21, "error 3 ERROR_PATH_NOT_FOUND" }, { 26, "error 3 ERROR_PATH_NOT_FOUND" },
  { 31, "\\??\\C:\\a" }, { 38, "ok" },
  { 43, "error 2 ERROR_FILE_NOT_FOUND" }, { 50, "error 2 ERROR_FILE_NOT_FOUND" },
  { 55, "error 2 ERROR_FILE_NOT_FOUND" }, { 61, "error 2 ERROR_FILE_NOT_FOUND" },
  { 65, "error 2 ERROR_FILE_NOT_FOUND" }, { 71, "error 2 ERROR_FILE_NOT_FOUND" },
};

static void test_D4_coincidence_after_divergence(void **state){
  (void)state;
  replay.aAnswer = aWineUndefine;
  replay.nAnswer = (int)(sizeof(aWineUndefine)/sizeof(aWineUndefine[0]));
  replay.bExpected = 0;
  replay.zEvents = NULL;
  Totals t = run_diff("scenarios/dosdevices/undefine-pops-and-matches.scn", 0);
  assert_string_equal(comparison_name(seen_at(38)->eCompare), "after-divergence");
  assert_string_equal(comparison_name(seen_at(65)->eCompare), "after-divergence");
  assert_int_equal(seen_at(38)->iDivergedLine, 21);
  assert_int_equal(seen_at(65)->iDivergedLine, 21);
  /* each side keeps its own verdict */
  assert_int_equal(seen_at(65)->aVerdict[1], VERDICT_PASS);
  /* before the divergence, agreements stand */
  assert_int_equal(seen_at(16)->eCompare, COMPARE_AGREE);
  assert_string_equal(comparison_name(seen_at(21)->eCompare), "diverge");
  /* the only agreements are the logon and the first define: both
  ** acknowledgements, so nothing observed agreed */
  assert_int_equal(t.nAgreeObserved, 0);
  assert_int_equal(t.nAgreeAcknowledged, 2);
  assert_int_equal(t.aCompare[COMPARE_AGREE], 2);
}

/* SEMANTICS K1 L6: a host that answers exactly as the scenario expects but
** has one vault for both halves. The limited half's steps are unsupported
** and never reach it; what the full half reads afterwards is no evidence. */
static void test_K1_no_half_vault(void **state){
  (void)state;
  replay.aAnswer = NULL; replay.nAnswer = 0;
  replay.bExpected = 1;
  replay.zEvents = NULL;
  unsigned mLack = ev_host_lacks("logon-current as-half token dosdev vault registry "
                                 "persisted dir-local one-namespace", 1);
  run_diff("scenarios/wine/vault-current.scn", mLack);
  assert_int_equal(replay.nHalfStep, 0);
  int iFirstLimited = 0;
  for(int i = 0; i < seen.nSeen; i++){
    const Seen *s = &seen.aSeen[i];
    if( s->bLimited ){
      assert_int_equal(s->aVerdict[1], VERDICT_UNSUPPORTED);
      if( iFirstLimited == 0 ) iFirstLimited = s->iLine;
    }
    if( iFirstLimited && s->iLine > iFirstLimited ){
      assert_int_not_equal(s->eCompare, COMPARE_AGREE);
    }
  }
  assert_int_not_equal(iFirstLimited, 0);
}

/* SEMANTICS N1: the same for the DOS device namespace. */
static void test_N1_no_half_dosdevices(void **state){
  (void)state;
  replay.aAnswer = NULL; replay.nAnswer = 0;
  replay.bExpected = 1;
  Totals t = run_diff("scenarios/wine/halves-separate-namespaces.scn",
                      EV_LACK_HALF_DOSDEV);
  assert_int_equal(replay.nHalfStep, 0);
  assert_int_equal(t.nAgreeObserved, 0);
  /* without the lack, the same host agrees on every step */
  t = run_diff("scenarios/wine/halves-separate-namespaces.scn", 0);
  assert_int_equal(t.aCompare[COMPARE_AGREE], seen.nSeen);
}

/* SEMANTICS G5 L9: a reboot that does not apply the boot-time values is
** performed (later steps need it) but unsupported, and what depends on it
** is no evidence. */
static void test_G5_reboot_without_boot_apply(void **state){
  (void)state;
  replay.aAnswer = NULL; replay.nAnswer = 0;
  replay.bExpected = 1;
  Totals t = run_diff("scenarios/wine/boot-device-current.scn", EV_LACK_BOOT_APPLY);
  assert_int_equal(replay.nReboot, 1);
  for(int i = 0; i < seen.nSeen; i++){
    const Seen *s = &seen.aSeen[i];
    if( s->iLine == 19 ) assert_int_equal(s->aVerdict[1], VERDICT_UNSUPPORTED);
    if( s->iLine > 19 ) assert_int_not_equal(s->eCompare, COMPARE_AGREE);
  }
  assert_int_equal(t.aCompare[COMPARE_UNSUPPORTED], 1);
}

/* W1 W2 G5 C6: observations and acknowledgements are counted apart. On a
** host that agrees everywhere, registry-current.scn has 3 observations
** (two `persisted` listings, an error 2) and 4 acknowledgements (the
** logon, `set machine`, two `bootdevice` writes). */
static void test_W1_observations_apart(void **state){
  (void)state;
  replay.aAnswer = NULL; replay.nAnswer = 0;
  replay.bExpected = 1;
  Totals t = run_diff("scenarios/wine/registry-current.scn", 0);
  assert_int_equal(t.aCompare[COMPARE_AGREE], 7);
  assert_int_equal(t.nAgreeObserved, 3);
  assert_int_equal(t.nAgreeAcknowledged, 4);
  assert_int_equal(seen_at(14)->eEvidence, EV_OBSERVATION);
  assert_int_equal(seen_at(10)->eEvidence, EV_ACKNOWLEDGEMENT);
}

/* Host events from HostFacts.zEvents reach the report. */
static void test_host_events_reported(void **state){
  (void)state;
  replay.aAnswer = NULL; replay.nAnswer = 0;
  replay.bExpected = 1;
  replay.zEvents = "agent recovered 3 journal entries";
  run_diff("scenarios/wine/registry-current.scn", 0);
  assert_string_equal(seen.zEvents, "agent recovered 3 journal entries");
  replay.zEvents = NULL;
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_domain_table),
    cmocka_unit_test(test_ledger_scopes_and_fresh_logon),
    cmocka_unit_test(test_observation_or_acknowledgement),
    cmocka_unit_test(test_host_lacks),
    cmocka_unit_test(test_D4_coincidence_after_divergence),
    cmocka_unit_test(test_K1_no_half_vault),
    cmocka_unit_test(test_N1_no_half_dosdevices),
    cmocka_unit_test(test_G5_reboot_without_boot_apply),
    cmocka_unit_test(test_W1_observations_apart),
    cmocka_unit_test(test_host_events_reported),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
