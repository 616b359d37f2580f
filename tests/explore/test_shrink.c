/*
** tests/explore/test_shrink.c: delta debugging and step shrinking on
** synthetic predicates, where the minimal answer is known.
**
** Contents: 1. ddmin  2. shrinking steps
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

/* ---------------------------------------------------------------- 1 ---- */

/* Fails when every one of the needed items is kept. */
typedef struct NeedSet NeedSet;
struct NeedSet {
  const int *aiNeed;         /* items that must all be present */
  int nNeed;
  long nCall;                /* predicate calls */
};
static int fails_if_all_present(void *pCtx, const int *aiKeep, int nKeep){
  NeedSet *p = pCtx;
  p->nCall++;
  for(int k = 0; k < p->nNeed; k++){
    int bFound = 0;
    for(int i = 0; i < nKeep; i++) if( aiKeep[i] == p->aiNeed[k] ){ bFound = 1; break; }
    if( !bFound ) return 0;
  }
  return 1;
}

static void test_ddmin_finds_single_item(void **state){
  (void)state;
  int aNeed[] = { 777 };
  NeedSet ns = { aNeed, 1, 0 };
  int *aOut = malloc(sizeof(int) * 10000);
  long nTests = 0;
  int n = exp_ddmin(10000, fails_if_all_present, &ns, aOut, &nTests);
  assert_int_equal(n, 1);
  assert_int_equal(aOut[0], 777);
  /* logarithmic for one item: far fewer calls than items */
  assert_true(nTests < 200);
  free(aOut);
}

static void test_ddmin_finds_scattered_items(void **state){
  (void)state;
  int aNeed[] = { 3, 4170, 9999, 5000, 17 };
  NeedSet ns = { aNeed, 5, 0 };
  int *aOut = malloc(sizeof(int) * 10000);
  int n = exp_ddmin(10000, fails_if_all_present, &ns, aOut, NULL);
  assert_int_equal(n, 5);
  int aWant[] = { 3, 17, 4170, 5000, 9999 };   /* ascending, as kept */
  for(int i = 0; i < 5; i++) assert_int_equal(aOut[i], aWant[i]);
  free(aOut);
}

/* Fails when at least three even items are kept: any three evens are
** 1-minimal, so the result has exactly three items, all even. */
static int fails_if_three_evens(void *pCtx, const int *aiKeep, int nKeep){
  (void)pCtx;
  int n = 0;
  for(int i = 0; i < nKeep; i++) n += (aiKeep[i] % 2) == 0;
  return n >= 3;
}
static void test_ddmin_one_minimal(void **state){
  (void)state;
  int aOut[64];
  int n = exp_ddmin(64, fails_if_three_evens, NULL, aOut, NULL);
  assert_int_equal(n, 3);
  for(int i = 0; i < 3; i++) assert_int_equal(aOut[i] % 2, 0);
}

/* ---------------------------------------------------------------- 2 ---- */

/* Fails when some step defines device name Q: (index 0) as a logon's
** limited half or bare name, whatever its target. */
static int fails_if_define_q(void *pCtx, const ExpStep *aStep, int nStep){
  int *pnCall = pCtx;
  (*pnCall)++;
  for(int i = 0; i < nStep; i++){
    if( aStep[i].eKind == SCN_STEP_AS && aStep[i].eCmd == SCN_CMD_DEFINE
     && aStep[i].iName == 0 && aStep[i].iSlot != EXP_SYSTEM ) return 1;
  }
  return 0;
}

static void test_shrink_steps_keeps_valid_minimum(void **state){
  (void)state;
  ExpWorld w;
  char zErr[256];
  assert_int_equal(exp_world_init(&w, NULL, zErr, sizeof(zErr)), 0);
  enum { N = 4000 };
  ExpStep *a = malloc(sizeof(ExpStep) * N);
  ExpGen g;
  int n = 0;
  exp_gen_init(&g, &w, EXP_PROFILE_MODEL, 99);
  /* generate until the predicate holds, then 1000 steps more */
  int nCall = 0, iHit = -1;
  while( n < N ){
    exp_gen_next(&g, &a[n]);
    n++;
    if( iHit < 0 && fails_if_define_q(&nCall, a, n) ) iHit = n;
    if( iHit >= 0 && n >= iHit + 1000 ) break;
  }
  assert_true(iHit > 0);
  ExpShrink sh = { &w, fails_if_define_q, &nCall, 0 };
  int nMin = exp_shrink(&sh, a, n);
  /* a logon and the define: the define alone is not a valid scenario */
  assert_int_equal(nMin, 2);
  assert_true(exp_steps_valid(&w, a, nMin));
  assert_int_equal(a[0].eKind, SCN_STEP_LOGON);
  assert_int_equal(a[1].eCmd, SCN_CMD_DEFINE);
  /* simpler arguments: plain name, interactive logon, first target */
  assert_int_equal(a[1].eHalf, SCN_HALF_BARE);
  assert_int_equal(a[0].eLogon == SCN_LOGON_INTERACTIVE || a[0].eLogon == SCN_LOGON_CURRENT, 1);
  assert_int_equal(a[1].iTarget, 0);
  assert_int_equal(a[1].mFlag, 0);
  assert_true(sh.nTests > 0);
  free(a);
  exp_world_free(&w);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_ddmin_finds_single_item),
    cmocka_unit_test(test_ddmin_finds_scattered_items),
    cmocka_unit_test(test_ddmin_one_minimal),
    cmocka_unit_test(test_shrink_steps_keeps_valid_minimum),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
