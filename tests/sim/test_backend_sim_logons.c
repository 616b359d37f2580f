/*
** tests/sim/test_backend_sim_logons.c: the sim backend's logon names.
** Names are found by hash (issue 9 item 11): with thousands of logons a
** name still finds its newest record, an ended name prints 1312, a name
** used again after its logoff names the new logon. Scenario texts are parsed with lang/ and run through
** backend_sim_ops.
*/
#include "tests/sim/simtest.h"

#include <stdlib.h>

#include "lang/scenario.h"
#include "runner/backends/backend.h"
#include "runner/backends/backend_sim.h"
#include "runner/util/strbuf.h"

/* Parse zText, run every step, keep the outputs of the steps after the
** first nSkip, joined with '|'. Returns a malloc'd string. */
static char *run_outputs(const char *zText, int nSkip){
  Scenario *pScn = NULL;
  BackendConn *pConn = NULL;
  char zErr[256], *zOpenErr = NULL;
  StrBuf out = {0};
  int i;
  int rc = scn_parse_text("t.scn", zText, strlen(zText), &pScn, zErr, sizeof(zErr));
  if( rc ) fprintf(stderr, "%s\n", zErr);
  assert_int_equal(rc, 0);
  assert_int_equal(backend_sim_ops.xOpen(pScn, NULL, &pConn, &zOpenErr), 0);
  for(i=0; i<pScn->nStep; i++){
    StepResult res;
    assert_int_equal(backend_sim_ops.xStep(pConn, &pScn->aStep[i], &res), 0);
    assert_int_equal(res.eOutcome, BACKEND_DONE);
    if( i<nSkip ){
      if( strcmp(res.zOutput, "ok")!=0 ) fprintf(stderr, "step %d: %s\n", i, res.zOutput);
      assert_string_equal(res.zOutput, "ok");
    }else{
      if( out.n ) strbuf_puts(&out, "|");
      strbuf_puts(&out, res.zOutput);
    }
    free(res.zOutput);
    free(res.zReason);
  }
  backend_sim_ops.xClose(pConn);
  scn_free(pScn);
  return strbuf_take(&out);
}

/* Issue 9 item 11: 3,000 logons (every third an administrator, split);
** each name finds its own record. The expected outputs are what the
** linear scan gave. */
static void test_backend_many_logon_names(void **state){
  StrBuf b = {0};
  char *zOut;
  int i;
  (void)state;
  strbuf_puts(&b, "title t\nuser alice admin password=Al1ce-pw\n"
                  "user bob standard password=B0b-pw\n\n");
  for(i=0; i<3000; i++){
    strbuf_printf(&b, "logon L%d %s interactive\n\n", i, i%3==0 ? "alice" : "bob");
  }
  strbuf_puts(&b, "as L1 token\n\n"
                  "as L2999 token\n\n"
                  "as L2999.elevated token\n\n"
                  "as L1500.elevated token\n\n"
                  "as L1501.elevated token\n\n"
                  "logoff L7\n\n"
                  "as L7 token\n\n"
                  "logon L7 alice become\n\n"
                  "as L7 token\n\n"
                  "as L7.limited define Q: {L7}\n\n"
                  "as L7.limited query Q:\n\n"
                  "as L8 token\n");
  zOut = run_outputs(strbuf_text(&b), 3000);
  assert_string_equal(zOut,
    "user=bob elevation=default logon={L1} linked=none"
    "|user=bob elevation=default logon={L2999} linked=none"
    "|error 1312 ERROR_NO_SUCH_LOGON_SESSION"
    "|user=alice elevation=full logon={L1500.elevated} linked={L1500}"
    "|error 1312 ERROR_NO_SUCH_LOGON_SESSION"
    "|ok"
    "|error 1312 ERROR_NO_SUCH_LOGON_SESSION"
    "|ok"
    "|user=alice elevation=full logon={L7} linked={L7.limited}"
    "|ok"
    "|\\??\\C:\\{L7}"
    "|user=bob elevation=default logon={L8} linked=none");
  free(zOut);
  strbuf_reset(&b);
}

/* L12-L14 in the backend: a task or consent elevation is another name for
** an existing half (its placeholder, a {name} in a define target, logoff);
** netonly from SYSTEM or a half makes a new, named session; from= an ended
** logon prints 1312. */
static void test_backend_v2_logon_names(void **state){
  char *zOut;
  (void)state;
  zOut = run_outputs(
    "title t\nuser alice admin password=Al1ce-pw\nuser bob standard password=B0b-pw\n\n"
    "logon A alice interactive\n\n"
    "logon T alice task from=A highest\n\n"
    "as T token\n\n"
    "as A define Q: {T}\n\n"
    "as A query Q:\n\n"
    "as T.limited token\n\n"
    "logon N bob netonly from=SYSTEM\n\n"
    "as N token\n\n"
    "logon M bob netonly from=A.elevated\n\n"
    "as M token\n\n"
    "logoff T\n\n"
    "logon E alice elevate from=A\n\n"
    "logon T2 alice task from=A\n\n"
    "as M token\n", 1);
  assert_string_equal(zOut,
    "ok"
    "|user=alice elevation=full logon={A.elevated} linked={A}"
    "|ok"
    "|\\??\\C:\\{A.elevated}"
    "|user=alice elevation=limited logon={A} linked={A.elevated}"
    "|ok"
    "|user=SYSTEM elevation=default logon={N} linked=none"
    "|ok"
    "|user=alice elevation=full logon={M} linked=none"
    "|ok"
    "|error 1312 ERROR_NO_SUCH_LOGON_SESSION"
    "|error 1312 ERROR_NO_SUCH_LOGON_SESSION"
    "|user=alice elevation=full logon={M} linked=none");
  free(zOut);
}

/* Contract 3 of the brief: xRulesFired gives the marks of the last step
** only, in the order of SEMANTICS; too small a buffer says so. */
static void test_backend_rules_fired(void **state){
  static const char zText[] =
    "title t\nuser alice admin password=Al1ce-pw\n\n"
    "logon N alice network\n\nas N define Q: C:\\q\n";
  Scenario *pScn = NULL;
  BackendConn *pConn = NULL;
  char zErr[256], *zOpenErr = NULL, zBuf[64];
  StepResult res;
  (void)state;
  assert_int_equal(scn_parse_text("t.scn", zText, strlen(zText), &pScn, zErr, sizeof(zErr)), 0);
  assert_int_equal(backend_sim_ops.xOpen(pScn, NULL, &pConn, &zOpenErr), 0);
  assert_non_null(backend_sim_ops.xRulesFired);
  assert_int_equal(backend_sim_ops.xStep(pConn, &pScn->aStep[0], &res), 0);
  free(res.zOutput); free(res.zReason);
  assert_int_equal(backend_sim_ops.xRulesFired(pConn, zBuf, sizeof(zBuf)), 0);
  assert_string_equal(zBuf, "L1 L4 L6 R4");
  assert_int_equal(backend_sim_ops.xStep(pConn, &pScn->aStep[1], &res), 0);
  free(res.zOutput); free(res.zReason);
  assert_int_equal(backend_sim_ops.xRulesFired(pConn, zBuf, sizeof(zBuf)), 0);
  assert_string_equal(zBuf, "N1 D2 D3");
  assert_int_not_equal(backend_sim_ops.xRulesFired(pConn, zBuf, 5), 0);
  assert_string_equal(zBuf, "");
  backend_sim_ops.xClose(pConn);
  scn_free(pScn);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_backend_many_logon_names),
    cmocka_unit_test(test_backend_v2_logon_names),
    cmocka_unit_test(test_backend_rules_fired),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
