/*
** tests/sim/test_sim_hash.c: the open-addressing LUID table behind every
** session lookup, checked against a plain array under random inserts and
** removals (backward-shift deletion must never lose a key).
*/
#include "tests/sim/simtest.h"

#include <stdlib.h>

static void test_hash_basic(void **state){
  SimHash h;
  int a = 1, b = 2;
  (void)state;
  simhash_init(&h);
  assert_null(simhash_find(&h, 5));
  assert_null(simhash_remove(&h, 5));
  assert_int_equal(simhash_insert(&h, 0, &a), ERROR_INVALID_PARAMETER);
  assert_int_equal(simhash_insert(&h, 5, NULL), ERROR_INVALID_PARAMETER);
  assert_int_equal(simhash_insert(&h, 5, &a), 0);
  assert_int_equal(simhash_insert(&h, 5, &b), 0);        /* replace */
  assert_ptr_equal(simhash_find(&h, 5), &b);
  assert_int_equal(simhash_count(&h), 1);
  assert_ptr_equal(simhash_remove(&h, 5), &b);
  assert_int_equal(simhash_count(&h), 0);
  assert_null(simhash_find(&h, 5));
  simhash_clear(&h);
}

/* Random operations against a reference; keys drawn from a small range so
** clusters and wrap-around happen often. */
static void test_hash_random_against_reference(void **state){
  enum { N = 4096 };
  static int aPresent[N];
  static int aVal[N];
  SimHash h;
  unsigned x = 12345;
  int i, step;
  (void)state;
  simhash_init(&h);
  memset(aPresent, 0, sizeof(aPresent));
  for(step=0; step<200000; step++){
    int k;
    x = x*1103515245u + 12345u;
    k = (int)((x>>8) % (N-1)) + 1;
    if( (x>>28) & 1 ){
      aVal[k] = k;
      assert_int_equal(simhash_insert(&h, (uint64_t)k, &aVal[k]), 0);
      aPresent[k] = 1;
    }else{
      void *p = simhash_remove(&h, (uint64_t)k);
      assert_ptr_equal(p, aPresent[k] ? &aVal[k] : NULL);
      aPresent[k] = 0;
    }
    if( step % 5000 == 0 ){
      size_t n = 0;
      for(i=1; i<N; i++){
        assert_ptr_equal(simhash_find(&h, (uint64_t)i), aPresent[i] ? &aVal[i] : NULL);
        n += (size_t)aPresent[i];
      }
      assert_int_equal(simhash_count(&h), n);
    }
  }
  simhash_clear(&h);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_hash_basic),
    cmocka_unit_test(test_hash_random_against_reference),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
