/*
** tests/runner/test_report.c: the TAP 14 and JUnit reporters, over step
** records built by hand (a pass, a todo, an unsupported and a failure,
** with characters each format must escape).
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

static const BackendOps fakeWine = { .zName = "wine" };

static char zTodoLabel[] = "wine";
static char zTodoReason[] = "no network provider #1222";

typedef struct Fixture Fixture;
struct Fixture {
  Scenario scn;
  ScnStep aStep[4];
  ScnTodo todo;
  char *azLabel[1];
  StepRecord aRec[4];
  Totals totals;
};

static char *dup(const char *z){
  char *zNew = malloc(strlen(z) + 1);
  return strcpy(zNew, z);
}

static void fixture_build(Fixture *f){
  memset(f, 0, sizeof(*f));
  f->scn.zFile = "scenarios/x&y.scn";
  f->scn.zTitle = "t";
  f->scn.aStep = f->aStep;
  f->scn.nStep = 4;
  f->azLabel[0] = zTodoLabel;
  f->todo.azLabel = f->azLabel;
  f->todo.nLabel = 1;
  f->todo.zReason = zTodoReason;
  static const char *const azCmd[4] = {
    "as A query Q:", "as A net use Z: \\\\fs1\\data", "logon B bob interactive",
    "as A define <Q#> C:\\x"
  };
  static const Verdict aVerdict[4] = {
    VERDICT_PASS, VERDICT_TODO, VERDICT_UNSUPPORTED, VERDICT_FAIL
  };
  for(int i = 0; i < 4; i++){
    f->aStep[i].iLine = 10 + i;
    f->aStep[i].iIndex = i;
    StepRecord *r = &f->aRec[i];
    r->pScn = &f->scn;
    r->pStep = &f->aStep[i];
    r->zCommand = dup(azCmd[i]);
    r->zReference = dup("ok");
    r->nSide = 1;
    r->aSide[0].pOps = &fakeWine;
    r->aSide[0].eVerdict = aVerdict[i];
    r->aSide[0].zReference = r->zReference;
    if( aVerdict[i] == VERDICT_UNSUPPORTED ){
      r->aSide[0].res.eOutcome = BACKEND_UNSUPPORTED;
      r->aSide[0].res.zReason = dup("LogonUserW is a stub under Wine");
    }else{
      r->aSide[0].res.eOutcome = BACKEND_DONE;
      r->aSide[0].res.zOutput = dup(aVerdict[i] == VERDICT_PASS ? "ok" : "error 1222 ERROR_NO_NETWORK");
    }
    if( aVerdict[i] == VERDICT_TODO ) r->aSide[0].pTodo = &f->todo;
    f->totals.aCount[0][aVerdict[i]]++;
  }
}

static void fixture_free(Fixture *f){
  for(int i = 0; i < 4; i++) step_record_clear(&f->aRec[i]);
}

/* Run one reporter over the fixture and return its output (malloc'd). */
static char *render(ReportFormat eFormat){
  Fixture f;
  fixture_build(&f);
  FILE *pTmp = tmpfile();
  assert_non_null(pTmp);
  const BackendOps *apOps[1] = { &fakeWine };
  Reporter *p = reporter_new(eFormat, pTmp, 1, apOps, 0);
  assert_non_null(p);
  char *azOpenError[2] = { NULL, NULL };
  p->xBegin(p, 1);
  p->xScenario(p, &f.scn, f.aRec, 4, &f.totals, azOpenError);
  p->xEnd(p, &f.totals);
  reporter_free(p);
  fixture_free(&f);
  long n = ftell(pTmp);
  rewind(pTmp);
  char *z = calloc((size_t)n + 1, 1);
  assert_int_equal(fread(z, 1, (size_t)n, pTmp), (size_t)n);
  fclose(pTmp);
  return z;
}

static void test_tap14_structure(void **state){
  (void)state;
  char *z = render(REPORT_TAP);
  assert_memory_equal(z, "TAP version 14\n1..1\n", 20);
  assert_non_null(strstr(z, "# Subtest: scenarios/x&y.scn\n    1..4\n"));
  assert_non_null(strstr(z, "    ok 1 - line 10 [wine] as A query Q:\n"));
  /* todo: not ok with a TODO directive whose '#' is escaped */
  assert_non_null(strstr(z, "    not ok 2 - line 11 [wine] as A net use Z: \\\\\\\\fs1\\\\data # TODO no network provider \\#1222\n"));
  assert_non_null(strstr(z, "    ok 3 - line 12 [wine] logon B bob interactive # SKIP unsupported: LogonUserW is a stub under Wine\n"));
  /* the '#' inside the description is escaped so it is not a directive */
  assert_non_null(strstr(z, "    not ok 4 - line 13 [wine] as A define <Q\\#> C:\\\\x\n      ---\n"));
  assert_non_null(strstr(z, "      expected: |\n        ok\n"));
  assert_non_null(strstr(z, "      actual: |\n        error 1222 ERROR_NO_NETWORK\n"));
  assert_non_null(strstr(z, "not ok 1 - scenarios/x&y.scn\n"));
  free(z);
}

static void test_junit_counts_and_escaping(void **state){
  (void)state;
  char *z = render(REPORT_JUNIT);
  assert_non_null(strstr(z, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
  assert_non_null(strstr(z, "<testsuites name=\"mapscope\" tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"2\""));
  assert_non_null(strstr(z, "<testsuite name=\"scenarios/x&amp;y.scn\" tests=\"4\" failures=\"1\""));
  assert_non_null(strstr(z, "name=\"line 13 [wine] as A define &lt;Q#&gt; C:\\x\""));
  assert_non_null(strstr(z, "<skipped message=\"todo: no network provider #1222\"/>"));
  assert_non_null(strstr(z, "<skipped message=\"unsupported: LogonUserW is a stub under Wine\"/>"));
  assert_non_null(strstr(z, "<failure message=\"output differs from the expected lines\" type=\"fail\">"));
  assert_null(strstr(z, "<Q#>"));
  assert_non_null(strstr(z, "</testsuites>\n"));
  free(z);
}

static void test_text_shows_failures_only(void **state){
  (void)state;
  char *z = render(REPORT_TEXT);
  assert_non_null(strstr(z, "FAIL scenarios/x&y.scn  (1 pass, 1 fail, 1 todo, 1 unsupported)\n"));
  assert_non_null(strstr(z, "  scenarios/x&y.scn:13: fail: as A define <Q#> C:\\x\n"));
  assert_non_null(strstr(z, "    expected:\n      ok\n    actual:\n      error 1222 ERROR_NO_NETWORK\n"));
  /* Passing, todo and unsupported steps are not listed without -v. */
  assert_null(strstr(z, ":10:"));
  assert_null(strstr(z, ":11:"));
  free(z);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_tap14_structure),
    cmocka_unit_test(test_junit_counts_and_escaping),
    cmocka_unit_test(test_text_shows_failures_only),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
