/*
** tests/runner/test_verdict.c: the Verdicts section of the language, as
** the runner applies it (onlyif/skipif, todo, fixed, unsupported, error,
** tallies, and the comparison of two backends).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "runner/engine/verdict.h"

static char zWine[] = "wine";
static char zWindows[] = "windows";
static char zReason[] = "one \\?? namespace for every token";

/* A step with optional annotations, built by hand. */
typedef struct Fixture Fixture;
struct Fixture {
  ScnStep step;
  ScnTodo todo;
  char *azTodoLabel[2];
  char *azOnly[1];
  char *azSkip[1];
};

static void fixture_init(Fixture *f){
  memset(f, 0, sizeof(*f));
  f->step.eKind = SCN_STEP_AS;
  f->step.eCmd = SCN_CMD_QUERY;
}

static void fixture_todo(Fixture *f, char *zLabel){
  f->azTodoLabel[0] = zLabel;
  f->todo.azLabel = f->azTodoLabel;
  f->todo.nLabel = 1;
  f->todo.zReason = zReason;
  f->step.aTodo = &f->todo;
  f->step.nTodo = 1;
}

static LabelSet labels_of(const char *zA, const char *zB){
  LabelSet s;
  memset(&s, 0, sizeof(s));
  if( zA ) s.azLabel[s.nLabel++] = zA;
  if( zB ) s.azLabel[s.nLabel++] = zB;
  return s;
}

static StepResult done(char *zOut){
  StepResult r;
  memset(&r, 0, sizeof(r));
  r.eOutcome = BACKEND_DONE;
  r.zOutput = zOut;
  return r;
}

static void test_match_is_pass_mismatch_is_fail(void **state){
  (void)state;
  Fixture f; fixture_init(&f);
  LabelSet sim = labels_of("sim", NULL);
  StepResult r = done("Z:  \\\\fs1\\data   local  ");
  assert_int_equal(verdict_decide(&f.step, &sim, &r, "Z: \\\\fs1\\data local"), VERDICT_PASS);
  assert_int_equal(verdict_decide(&f.step, &sim, &r, "(none)"), VERDICT_FAIL);
}

static void test_no_reference_passes_when_it_ran(void **state){
  (void)state;
  Fixture f; fixture_init(&f);
  LabelSet sim = labels_of("sim", NULL);
  StepResult r = done("error 85 ERROR_ALREADY_ASSIGNED");
  assert_int_equal(verdict_decide(&f.step, &sim, &r, NULL), VERDICT_PASS);
}

static void test_todo_mismatch_is_todo_match_is_fixed(void **state){
  (void)state;
  Fixture f; fixture_init(&f); fixture_todo(&f, zWine);
  LabelSet wine = labels_of("wine", NULL);
  LabelSet sim = labels_of("sim", NULL);
  StepResult r = done("\\??\\C:\\data");
  assert_int_equal(verdict_decide(&f.step, &wine, &r, "error 2 ERROR_FILE_NOT_FOUND"), VERDICT_TODO);
  assert_int_equal(verdict_decide(&f.step, &wine, &r, "\\??\\C:\\data"), VERDICT_FIXED);
  /* The todo names wine only: on the model a mismatch is a plain failure. */
  assert_int_equal(verdict_decide(&f.step, &sim, &r, "error 2 ERROR_FILE_NOT_FOUND"), VERDICT_FAIL);
  assert_ptr_equal(verdict_step_todo(&f.step, &wine), &f.todo);
  assert_null(verdict_step_todo(&f.step, &sim));
}

static void test_todo_label_from_command_line(void **state){
  (void)state;
  Fixture f; fixture_init(&f); fixture_todo(&f, zWindows);
  LabelSet extra = labels_of("sim", "WINDOWS");   /* --label windows, any case */
  StepResult r = done("ok");
  assert_int_equal(verdict_decide(&f.step, &extra, &r, "(none)"), VERDICT_TODO);
}

static void test_unsupported_and_error_win_over_comparison(void **state){
  (void)state;
  Fixture f; fixture_init(&f); fixture_todo(&f, zWine);
  LabelSet wine = labels_of("wine", NULL);
  StepResult r; memset(&r, 0, sizeof(r));
  r.eOutcome = BACKEND_UNSUPPORTED;
  assert_int_equal(verdict_decide(&f.step, &wine, &r, "ok"), VERDICT_UNSUPPORTED);
  r.eOutcome = BACKEND_ERROR;
  assert_int_equal(verdict_decide(&f.step, &wine, &r, "ok"), VERDICT_ERROR);
}

static void test_onlyif_and_skipif(void **state){
  (void)state;
  Fixture f; fixture_init(&f);
  LabelSet wine = labels_of("wine", NULL);
  LabelSet sim = labels_of("sim", NULL);
  f.azOnly[0] = zWine;
  f.step.azOnlyif = f.azOnly; f.step.nOnlyif = 1;
  assert_false(verdict_step_skipped(&f.step, &wine));
  assert_true(verdict_step_skipped(&f.step, &sim));
  f.step.nOnlyif = 0;
  f.azSkip[0] = zWine;
  f.step.azSkipif = f.azSkip; f.step.nSkipif = 1;
  assert_true(verdict_step_skipped(&f.step, &wine));
  assert_false(verdict_step_skipped(&f.step, &sim));
}

/* Version labels: a set holding wine9 (the wine backend on Wine 9) also
** answers to wine, so `todo wine` covers every Wine version while
** `todo wine8` covers Wine 8 only; the same for onlyif and skipif. */
static char zWine8[] = "wine8";
static char zWine9[] = "wine9";
static void test_version_labels(void **state){
  (void)state;
  LabelSet wine9; memset(&wine9, 0, sizeof(wine9));
  assert_int_equal(labelset_add(&wine9, "wine9"), 0);
  assert_true(labelset_has(&wine9, "wine"));
  assert_true(labelset_has(&wine9, "WINE9"));
  assert_false(labelset_has(&wine9, "wine8"));
  assert_int_equal(labelset_add(&wine9, "wine"), 0);
  assert_int_equal(wine9.nLabel, 2);            /* no duplicate */
  LabelSet other; memset(&other, 0, sizeof(other));
  labelset_add(&other, "winex");                /* not a version: no family */
  labelset_add(&other, "wine");                 /* the bare family: no version */
  assert_int_equal(other.nLabel, 2);
  assert_false(labelset_has(&other, "wine9"));

  Fixture f; fixture_init(&f);
  StepResult r = done("ok");
  fixture_todo(&f, zWine8);
  assert_null(verdict_step_todo(&f.step, &wine9));
  assert_int_equal(verdict_decide(&f.step, &wine9, &r, "(none)"), VERDICT_FAIL);
  fixture_todo(&f, zWine9);
  assert_int_equal(verdict_decide(&f.step, &wine9, &r, "(none)"), VERDICT_TODO);
  fixture_todo(&f, zWine);
  assert_int_equal(verdict_decide(&f.step, &wine9, &r, "(none)"), VERDICT_TODO);

  fixture_init(&f);
  f.azOnly[0] = zWine8;
  f.step.azOnlyif = f.azOnly; f.step.nOnlyif = 1;
  assert_true(verdict_step_skipped(&f.step, &wine9));
  f.azOnly[0] = zWine;
  assert_false(verdict_step_skipped(&f.step, &wine9));
  f.step.nOnlyif = 0;
  f.azSkip[0] = zWine9;
  f.step.azSkipif = f.azSkip; f.step.nSkipif = 1;
  assert_true(verdict_step_skipped(&f.step, &wine9));

  LabelSet full; memset(&full, 0, sizeof(full));
  for(int i = 0; i < LABELSET_MAX; i++) full.azLabel[full.nLabel++] = "x";
  assert_int_equal(labelset_add(&full, "y"), 1);
}

static void test_tally(void **state){
  (void)state;
  assert_int_equal(verdict_tally(VERDICT_PASS), TALLY_PASSED);
  assert_int_equal(verdict_tally(VERDICT_TODO), TALLY_PASSED);
  assert_int_equal(verdict_tally(VERDICT_FAIL), TALLY_FAILED);
  assert_int_equal(verdict_tally(VERDICT_FIXED), TALLY_FAILED);
  assert_int_equal(verdict_tally(VERDICT_ERROR), TALLY_FAILED);
  assert_int_equal(verdict_tally(VERDICT_SKIP), TALLY_SKIPPED);
  assert_int_equal(verdict_tally(VERDICT_UNSUPPORTED), TALLY_SKIPPED);
}

static void test_compare_sides(void **state){
  (void)state;
  StepResult a = done("ok"), b = done("ok  "), c = done("error 1222 ERROR_NO_NETWORK");
  StepResult u; memset(&u, 0, sizeof(u)); u.eOutcome = BACKEND_UNSUPPORTED;
  assert_int_equal(verdict_compare(VERDICT_PASS, &a, VERDICT_PASS, &b), COMPARE_AGREE);
  assert_int_equal(verdict_compare(VERDICT_PASS, &a, VERDICT_TODO, &c), COMPARE_DIVERGE);
  /* Unsupported never counts as agreeing, whatever the model printed. */
  assert_int_equal(verdict_compare(VERDICT_PASS, &a, VERDICT_UNSUPPORTED, &u), COMPARE_UNSUPPORTED);
  assert_int_equal(verdict_compare(VERDICT_SKIP, &a, VERDICT_PASS, &b), COMPARE_SKIP);
  assert_string_equal(comparison_name(COMPARE_DIVERGE), "diverge");
  assert_string_equal(comparison_name(COMPARE_AFTER_DIVERGENCE), "after-divergence");
  assert_string_equal(verdict_name(VERDICT_UNSUPPORTED), "unsupported");
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_match_is_pass_mismatch_is_fail),
    cmocka_unit_test(test_no_reference_passes_when_it_ran),
    cmocka_unit_test(test_todo_mismatch_is_todo_match_is_fixed),
    cmocka_unit_test(test_todo_label_from_command_line),
    cmocka_unit_test(test_unsupported_and_error_win_over_comparison),
    cmocka_unit_test(test_onlyif_and_skipif),
    cmocka_unit_test(test_version_labels),
    cmocka_unit_test(test_tally),
    cmocka_unit_test(test_compare_sides),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
