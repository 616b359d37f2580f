/*
** tests/explore/test_sim.c: the explorer's fast path on the model.
**
** Over many random runs every invariant holds on the model (a failure here
** is a model bug or a wrong invariant, reported with the step); the
** incremental checks agree with checking the whole machine after every
** step; the fingerprints are deterministic.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "runner/explore/explore.h"

/* Run nStep steps of seed iSeed; returns the first failed invariant and
** the fingerprint of the whole run in *pHash. */
static ExpInvariant run_seed(const ExpWorld *pW, uint64_t iSeed, int nStep,
                             int bFull, uint64_t *pHash, int *piFail){
  ExpSim x;
  assert_int_equal(exp_sim_open(&x, pW), 0);
  x.bFullCheck = bFull;
  ExpGen g;
  exp_gen_init(&g, pW, EXP_PROFILE_MODEL, iSeed);
  uint64_t h = 0;
  *piFail = -1;
  for(int i = 0; i < nStep; i++){
    ExpStep s;
    uint64_t hs;
    exp_gen_next(&g, &s);
    exp_sim_step(&x, &s, &hs);
    h = h * 31 + hs;
    if( x.eFailed ){
      char *z = exp_step_text(pW, &s, 1);
      fprintf(stderr, "seed %llu step %d (%s): %s\n", (unsigned long long)iSeed,
              i, z, x.zDetail);
      free(z);
      *piFail = i;
      break;
    }
  }
  ExpInvariant e = x.eFailed ? x.eFailed : exp_sim_check_all(&x);
  exp_sim_close(&x);
  *pHash = h;
  return e;
}

/* Every invariant (C1 C5 C6 C9 C10 C12 L2 L3 L8 L9 N3 N5 N7 K1) holds
** over 40 seeds x 3,000 steps, checked in full after every step. */
static void test_invariants_hold_on_model(void **state){
  (void)state;
  ExpWorld w;
  char zErr[256];
  assert_int_equal(exp_world_init(&w, NULL, zErr, sizeof(zErr)), 0);
  for(uint64_t iSeed = 1; iSeed <= 40; iSeed++){
    uint64_t h;
    int iFail;
    ExpInvariant e = run_seed(&w, iSeed, 3000, 1, &h, &iFail);
    assert_int_equal(e, EXP_INV_NONE);
  }
  exp_world_free(&w);
}

/* Checking only what a step could change finds what full checks find, and
** the same seed gives the same fingerprints. */
static void test_incremental_equals_full(void **state){
  (void)state;
  ExpWorld w;
  char zErr[256];
  assert_int_equal(exp_world_init(&w, NULL, zErr, sizeof(zErr)), 0);
  for(uint64_t iSeed = 100; iSeed < 110; iSeed++){
    uint64_t h1, h2;
    int i1, i2;
    ExpInvariant e1 = run_seed(&w, iSeed, 5000, 0, &h1, &i1);
    ExpInvariant e2 = run_seed(&w, iSeed, 5000, 1, &h2, &i2);
    assert_int_equal(e1, e2);
    assert_int_equal(i1, i2);
    assert_true(h1 == h2);
  }
  exp_world_free(&w);
}

/* The invariants can fail: with the model's planted bug 3 (L8: logoff
** ends only the named half of a split logon) the token-pair invariant
** fires on some seed, at a logoff, and exp_sim_check_all agrees. */
static void test_L8_planted_bug_breaks_token_pair(void **state){
  (void)state;
  ExpWorld w;
  char zErr[256];
  assert_int_equal(exp_world_init(&w, NULL, zErr, sizeof(zErr)), 0);
  assert_int_equal(exp_plant_bug(NULL, 3), 0);
  assert_int_not_equal(exp_plant_bug(NULL, 999), 0);
  int nFound = 0;
  for(uint64_t iSeed = 1; iSeed <= 10; iSeed++){
    ExpSim x;
    assert_int_equal(exp_sim_open(&x, &w), 0);
    assert_int_equal(exp_plant_bug(x.pM, 3), 0);
    ExpGen g;
    exp_gen_init(&g, &w, EXP_PROFILE_MODEL, iSeed);
    for(int i = 0; i < 3000 && !x.eFailed; i++){
      ExpStep s;
      exp_gen_next(&g, &s);
      exp_sim_step(&x, &s, NULL);
      if( x.eFailed ){
        assert_int_equal(x.eFailed, EXP_INV_TOKEN_PAIR);
        assert_int_equal(s.eKind, SCN_STEP_LOGOFF);
        nFound++;
      }
    }
    exp_sim_close(&x);
  }
  assert_true(nFound >= 5);
  exp_world_free(&w);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_invariants_hold_on_model),
    cmocka_unit_test(test_incremental_equals_full),
    cmocka_unit_test(test_L8_planted_bug_breaks_token_pair),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
