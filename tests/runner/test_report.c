/*
** tests/runner/test_report.c: the TAP 13 and JUnit reporters, over step
** records built by hand (a pass, a todo, an unsupported and a failure,
** with characters each format must escape), and the counting rule they
** share with the text summary and the store (runner/report/report.h).
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
#include "runner/report/report.h"

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

static void test_tap13_flat_plan_last(void **state){
  (void)state;
  char *z = render(REPORT_TAP);
  /* Debian's prove refuses "TAP version 14": 13, flat, plan at the end. */
  assert_memory_equal(z, "TAP version 13\n# scenarios/x&y.scn\n", 35);
  assert_non_null(strstr(z, "\nok 1 - scenarios/x&y.scn:10 [wine] as A query Q:\n"));
  /* todo: not ok with a TODO directive whose '#' is escaped */
  assert_non_null(strstr(z, "\nnot ok 2 - scenarios/x&y.scn:11 [wine] as A net use Z: \\\\fs1\\data # TODO no network provider \\#1222\n"));
  assert_non_null(strstr(z, "\nok 3 - scenarios/x&y.scn:12 [wine] logon B bob interactive # SKIP unsupported: LogonUserW is a stub under Wine\n"));
  /* the '#' inside the description is escaped so it is not a directive */
  assert_non_null(strstr(z, "\nnot ok 4 - scenarios/x&y.scn:13 [wine] as A define <Q\\#> C:\\x\n  ---\n"));
  assert_non_null(strstr(z, "  at: \"scenarios/x&y.scn:13\"\n"));
  assert_non_null(strstr(z, "  expected: |\n    ok\n"));
  assert_non_null(strstr(z, "  actual: |\n    error 1222 ERROR_NO_NETWORK\n  ...\n"));
  size_t n = strlen(z);
  assert_true(n > 5 && strcmp(z + n - 5, "1..4\n") == 0);
  assert_null(strstr(z, "Subtest"));
  free(z);
}

static void test_junit_schema_shape_and_escaping(void **state){
  (void)state;
  char *z = render(REPORT_JUNIT);
  assert_non_null(strstr(z, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
  /* junit-10 allows no `skipped` on the root; todo counts as passed. */
  assert_non_null(strstr(z, "<testsuites name=\"mapscope\" tests=\"4\" failures=\"1\" errors=\"0\" time="));
  assert_null(strstr(z, "<testsuites name=\"mapscope\" tests=\"4\" failures=\"1\" errors=\"0\" skipped"));
  assert_non_null(strstr(z, "<testsuite name=\"scenarios/x&amp;y.scn\" file=\"scenarios/x&amp;y.scn\" tests=\"4\" failures=\"1\" errors=\"0\" skipped=\"1\""));
  assert_non_null(strstr(z, "name=\"line 13 [wine] as A define &lt;Q#&gt; C:\\x\" classname=\"scenarios\" file=\"scenarios/x&amp;y.scn\" line=\"13\""));
  assert_non_null(strstr(z, "<system-out>todo: no network provider #1222\n"));
  assert_non_null(strstr(z, "<skipped message=\"unsupported: LogonUserW is a stub under Wine\"/>"));
  assert_non_null(strstr(z, "<failure message=\"output differs from the expected lines\" type=\"fail\">"));
  assert_null(strstr(z, "<Q#>"));
  assert_non_null(strstr(z, "</testsuites>\n"));
  free(z);
}

/* The counting rule: each verdict lands in exactly one count; a pass with
** nothing to compare with is skipped (unchecked), not passed. */
static void test_counting_rule(void **state){
  (void)state;
  assert_int_equal(report_count_of(VERDICT_PASS, 0), REPORT_PASSED);
  assert_int_equal(report_count_of(VERDICT_PASS, 1), REPORT_SKIPPED);
  assert_int_equal(report_count_of(VERDICT_TODO, 0), REPORT_PASSED);
  assert_int_equal(report_count_of(VERDICT_FAIL, 0), REPORT_FAILED);
  assert_int_equal(report_count_of(VERDICT_FIXED, 0), REPORT_FAILED);
  assert_int_equal(report_count_of(VERDICT_ERROR, 0), REPORT_FAILED);
  assert_int_equal(report_count_of(VERDICT_SKIP, 0), REPORT_SKIPPED);
  assert_int_equal(report_count_of(VERDICT_UNSUPPORTED, 0), REPORT_SKIPPED);
  Totals t;
  memset(&t, 0, sizeof(t));
  t.aCount[0][VERDICT_PASS] = 5;
  t.anUnchecked[0] = 2;
  t.aCount[0][VERDICT_TODO] = 1;
  t.aCount[0][VERDICT_UNSUPPORTED] = 1;
  t.aCount[1][VERDICT_FIXED] = 1;
  ReportTally tally;
  report_tally(&t, &tally);
  assert_int_equal(tally.anCount[REPORT_PASSED], 4);
  assert_int_equal(tally.anCount[REPORT_FAILED], 1);
  assert_int_equal(tally.anCount[REPORT_SKIPPED], 3);
  assert_int_equal(tally.nUnchecked, 2);
  StrBuf b = {0};
  report_summary_line(&b, &tally);
  assert_string_equal(strbuf_text(&b), "4 passed, 1 failed, 3 skipped (2 unchecked: no expected block)\n");
  strbuf_reset(&b);
  char zTopic[64];
  assert_string_equal(report_topic("scenarios/tokens/a.scn", zTopic, 64), "tokens");
  assert_string_equal(report_topic("a.scn", zTopic, 64), ".");
  assert_string_equal(report_topic("/a.scn", zTopic, 64), "/");
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
    cmocka_unit_test(test_tap13_flat_plan_last),
    cmocka_unit_test(test_junit_schema_shape_and_escaping),
    cmocka_unit_test(test_counting_rule),
    cmocka_unit_test(test_text_shows_failures_only),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
