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

/* Every invariant (C1 C5 C6 C9 C10 C12 C14 L2 L3 L8 L9 L11 L12 N1 N3 N5
** N7 K1 R1 R6) holds, on language v2 steps too,
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

/* Hand-made steps for the tests below (the default world: alice is user
** 0, an administrator; \\fs1\data is remote 0). */
static ExpStep mk_step(int eKind, int iSlot){
  ExpStep s;
  memset(&s, 0, sizeof(s));
  s.eKind = (uint8_t)eKind;
  s.iSlot = (uint8_t)iSlot;
  s.iUser = EXP_NONE;
  s.iTarget = EXP_NONE;
  s.ePersistent = -1;
  return s;
}
static ExpStep mk_logon(int iSlot, int iUser, int eType, int iFromSlot){
  ExpStep s = mk_step(SCN_STEP_LOGON, iSlot);
  s.iUser = (uint8_t)iUser;
  s.eLogon = (uint8_t)eType;
  if( iFromSlot >= 0 ) s.iFrom = (uint8_t)(1 + iFromSlot);
  return s;
}
static ExpStep mk_as(int iSlot, int eHalf, int eCmd, char cLetter){
  ExpStep s = mk_step(SCN_STEP_AS, iSlot);
  s.eHalf = (uint8_t)eHalf;
  s.eCmd = (uint8_t)eCmd;
  s.cLetter = (uint8_t)cLetter;
  return s;
}

/* C14 R1 (deviceless-never-remembered) can fail: a deviceless connection
** made by alice's full half, then an elevation (L14, consent) that hands
** that half out again. With the explorer's record of the half intact the
** step is no new logon and nothing fails; with the record forgotten the
** half looks new, and a new logon holding a deviceless connection is what
** a restore that remembered one would make. */
static void test_C14_deviceless_never_remembered_can_fail(void **state){
  (void)state;
  ExpWorld w;
  char zErr[256];
  assert_int_equal(exp_world_init(&w, NULL, zErr, sizeof(zErr)), 0);
  for(int bForget = 0; bForget < 2; bForget++){
    ExpSim x;
    assert_int_equal(exp_sim_open(&x, &w), 0);
    ExpStep a[3];
    a[0] = mk_logon(0, 0, SCN_LOGON_INTERACTIVE, -1);
    a[1] = mk_as(0, SCN_HALF_ELEVATED, SCN_CMD_NET_USE_DEVICELESS, 0);
    a[2] = mk_logon(1, 0, SCN_LOGON_ELEVATE, 0);
    assert_true(exp_steps_valid(&w, a, 3));
    assert_int_equal(exp_sim_step(&x, &a[0], NULL), 0);
    assert_int_equal(exp_sim_step(&x, &a[1], NULL), 0);
    assert_int_equal(x.eFailed, EXP_INV_NONE);
    if( bForget ) x.aLinked[0] = 0;
    assert_int_equal(exp_sim_step(&x, &a[2], NULL), 0);
    assert_int_equal(x.eFailed, bForget ? EXP_INV_DEVICELESS_NOT_REMEMBERED : EXP_INV_NONE);
    exp_sim_close(&x);
  }
  assert_string_equal(exp_invariant_rules(EXP_INV_DEVICELESS_NOT_REMEMBERED), "C14 R1");
  exp_world_free(&w);
}

/* L12 N1 (netonly-no-parent-links): a real netonly logon from alice's
** session sees neither the drive alice maps nor her connection, with
** EnableLinkedConnections on; and the check can fail: told that alice's
** full half were a netonly session of her limited half, it finds the
** connection C10 shares between the two. */
static void test_L12_netonly_sees_no_parent_links(void **state){
  (void)state;
  ExpWorld w;
  char zErr[256];
  assert_int_equal(exp_world_init(&w, NULL, zErr, sizeof(zErr)), 0);
  w.pWorld->machine.abPolicy[SCN_POL_LINKED_CONNECTIONS] = 1;
  ExpSim x;
  assert_int_equal(exp_sim_open(&x, &w), 0);
  x.bFullCheck = 1;
  ExpStep a[4];
  a[0] = mk_logon(0, 0, SCN_LOGON_INTERACTIVE, -1);
  a[1] = mk_logon(1, 0, SCN_LOGON_NETONLY, 0);
  a[2] = mk_as(0, SCN_HALF_BARE, SCN_CMD_NET_USE_ADD, 'Z');
  a[3] = mk_as(1, SCN_HALF_BARE, SCN_CMD_DRIVES, 0);
  assert_true(exp_steps_valid(&w, a, 4));
  for(int i = 0; i < 4; i++) assert_int_equal(exp_sim_step(&x, &a[i], NULL), 0);
  assert_int_equal(x.eFailed, EXP_INV_NONE);
  assert_int_equal(x.nNetonly, 1);
  /* the same check, pointed at a linked half */
  x.aBare[2] = x.aLinked[0];
  x.aParent[2] = x.aBare[0];
  x.nNetonly++;
  assert_int_equal(exp_sim_check_all(&x), EXP_INV_NETONLY_ISOLATED);
  exp_sim_close(&x);
  assert_string_equal(exp_invariant_rules(EXP_INV_NETONLY_ISOLATED), "L12 N1");
  exp_world_free(&w);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_invariants_hold_on_model),
    cmocka_unit_test(test_incremental_equals_full),
    cmocka_unit_test(test_L8_planted_bug_breaks_token_pair),
    cmocka_unit_test(test_C14_deviceless_never_remembered_can_fail),
    cmocka_unit_test(test_L12_netonly_sees_no_parent_links),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
