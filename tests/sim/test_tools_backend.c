/*
** tests/sim/test_tools_backend.c: `tool` steps through the sim backend
** (SEMANTICS T1, T2, T4): the canonical output (`ok`, `error N SYMBOL`,
** `tool-error WORD`), the rule marks xRulesFired reports, and the record
** of actions backend_sim_tool_record() keeps for explain, with tokens
** named by their placeholders and no password.
*/
#include "tests/sim/simtest.h"

#include <stdlib.h>

#include "lang/scenario.h"
#include "runner/backends/backend.h"
#include "runner/backends/backend_sim.h"

typedef struct TbRun TbRun;
struct TbRun {
  Scenario *pScn;            /* the parsed scenario */
  BackendConn *pConn;        /* the model instance */
};

static void tb_open(TbRun *p, const char *zText){
  char zErr[256], *zOpenErr = NULL;
  int rc = scn_parse_text("t.scn", zText, strlen(zText), &p->pScn, zErr, sizeof(zErr));
  if( rc ) fprintf(stderr, "%s\n", zErr);
  assert_int_equal(rc, 0);
  assert_int_equal(backend_sim_ops.xOpen(p->pScn, NULL, &p->pConn, &zOpenErr), 0);
}

/* Run step i; returns its output (malloc'd). */
static char *tb_step(TbRun *p, int i){
  StepResult res;
  assert_int_equal(backend_sim_ops.xStep(p->pConn, &p->pScn->aStep[i], &res), 0);
  assert_int_equal(res.eOutcome, BACKEND_DONE);
  free(res.zReason);
  return res.zOutput;
}

static void tb_close(TbRun *p){
  backend_sim_ops.xClose(p->pConn);
  scn_free(p->pScn);
}

static const char zWorld[] =
  "title t\n"
  "user alice admin password=Al1ce-pw\n"
  "user svc standard password=Svc-pw\n"
  "share \\\\fs1\\apps grant=svc\n\n"
  "logon B alice become\n\n"
  "as B tool ansible.win_mapped_drive state=present letter=Z: path=\\\\fs1\\apps"
  " username=svc password=Svc-pw\n\n"
  "as B persisted\n\n"
  "as B.limited net use Y: \\\\fs1\\apps /persistent:no\n\n"
  "as B.limited tool ansible.win_mapped_drive state=present letter=Y: path=\\\\fs1\\apps\n\n"
  "as B tool ps.Remove-PSDrive name=Q\n\n"
  "as B tool ps.New-SmbMapping local=X: remote=\\\\fs1\\nosuch\n";

/* T1, T2: output, marks and the record of a tool step. */
static void test_T2_backend_output_marks_record(void **state){
  TbRun r;
  char *z, zRules[512];
  const char *zRec;
  (void)state;
  tb_open(&r, zWorld);
  z = tb_step(&r, 0); assert_string_equal(z, "ok"); free(z);
  assert_null(backend_sim_tool_record(r.pConn));
  z = tb_step(&r, 1); assert_string_equal(z, "ok"); free(z);
  assert_int_equal(backend_sim_ops.xRulesFired(r.pConn, zRules, (int)sizeof(zRules)), 0);
  assert_non_null(strstr(zRules, "T1 T2"));
  assert_non_null(strstr(zRules, "C6"));
  zRec = backend_sim_tool_record(r.pConn);
  assert_non_null(zRec);
  assert_non_null(strstr(zRec, "impersonate its linked limited token {B.limited}"));
  assert_non_null(strstr(zRec, "WNetAddConnection2(Z:, \\\\fs1\\apps, user=svc, password=***,"
                               " CONNECT_UPDATE_PROFILE) as {B.limited} -> ok"));
  assert_non_null(strstr(zRec, "set HKCU\\Network\\Z UserName=\"\" as {B} -> ok"));
  assert_null(strstr(zRec, "Svc-pw"));
  /* the record is the last step's only */
  z = tb_step(&r, 2); assert_string_equal(z, "Z: \\\\fs1\\apps user="); free(z);
  assert_null(backend_sim_tool_record(r.pConn));
  z = tb_step(&r, 3); assert_string_equal(z, "ok"); free(z);
  z = tb_step(&r, 4); assert_string_equal(z, "tool-error letter-in-use"); free(z);
  zRec = backend_sim_tool_record(r.pConn);
  assert_non_null(strstr(zRec, "why: the process token is not Full (limited)"));
  assert_non_null(strstr(zRec, "=> tool-error letter-in-use"));
  z = tb_step(&r, 5); assert_string_equal(z, "tool-error no-such-drive"); free(z);
  z = tb_step(&r, 6); assert_string_equal(z, "error 67 ERROR_BAD_NET_NAME"); free(z);
  assert_int_equal(backend_sim_ops.xRulesFired(r.pConn, zRules, (int)sizeof(zRules)), 0);
  assert_non_null(strstr(zRules, "T5"));
  tb_close(&r);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_T2_backend_output_marks_record),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
