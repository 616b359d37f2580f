/*
** tests/explore/test_backend.c: the explorer's fast path does what the sim
** backend does.
**
** Model-only exploration applies steps with direct sim calls
** (fastpath.c); a minimal scenario is then run by `mapscope run`
** through backend_sim.c. Both must agree on every step's result, or a
** shrunk scenario would not reproduce what the explorer found. Over many
** seeds, every step's Win32 result from the fast path equals the code the
** backend prints ("ok" or a listing = 0, "error N ..." = N), and the
** canonical text of every generated step is what the backend receives.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "runner/backends/backend.h"
#include "runner/explore/explore.h"

static int output_code(const char *zOut){
  if( strncmp(zOut, "error ", 6) == 0 ) return atoi(zOut + 6);
  return 0;
}

static void test_fast_path_matches_sim_backend(void **state){
  (void)state;
  ExpWorld w;
  char zErr[256];
  assert_int_equal(exp_world_init(&w, NULL, zErr, sizeof(zErr)), 0);
  enum { N_STEP = 1500 };
  long nCompared = 0, nError = 0;
  for(uint64_t iSeed = 1; iSeed <= 30; iSeed++){
    ExpGen g;
    exp_gen_init(&g, &w, EXP_PROFILE_MODEL, iSeed);
    ExpStep *a = malloc(sizeof(ExpStep) * N_STEP);
    ScnStep *aScn = calloc(N_STEP, sizeof(ScnStep));
    for(int i = 0; i < N_STEP; i++){
      exp_gen_next(&g, &a[i]);
      assert_int_equal(exp_step_to_scn(&w, &a[i], i, &aScn[i]), 0);
    }
    Scenario scn = *w.pWorld;
    scn.aStep = aScn;
    scn.nStep = N_STEP;
    BackendConn *pConn = NULL;
    char *zOpenErr = NULL;
    assert_int_equal(backend_sim_ops.xOpen(&scn, NULL, &pConn, &zOpenErr), 0);
    ExpSim x;
    assert_int_equal(exp_sim_open(&x, &w), 0);
    for(int i = 0; i < N_STEP; i++){
      StepResult r;
      memset(&r, 0, sizeof(r));
      assert_int_equal(backend_sim_ops.xStep(pConn, &aScn[i], &r), 0);
      assert_int_equal(r.eOutcome, BACKEND_DONE);
      int rc = exp_sim_step(&x, &a[i], NULL);
      int want = output_code(r.zOutput);
      if( rc != want ){
        fprintf(stderr, "seed %llu step %d `%s`: fast path %d, backend `%s`\n",
                (unsigned long long)iSeed, i, aScn[i].zText, rc, r.zOutput);
      }
      assert_int_equal(rc, want);
      nError += want != 0;
      nCompared++;
      step_result_clear(&r);
    }
    assert_int_equal(x.eFailed, EXP_INV_NONE);
    exp_sim_close(&x);
    backend_sim_ops.xClose(pConn);
    for(int i = 0; i < N_STEP; i++) scn_step_clear(&aScn[i]);
    free(aScn);
    free(a);
  }
  /* both outcomes are exercised, not only successes */
  assert_true(nError > nCompared / 10);
  assert_true(nError < nCompared * 9 / 10);
  exp_world_free(&w);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_fast_path_matches_sim_backend),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
