/*
** tests/lang/test_oom.c: allocation failures.
**
** The test links with -Wl,--wrap for malloc, calloc and realloc, so every
** allocation lang/ makes goes through a counter that can fail the Nth one.
** For N = 1, 2, ... until a parse needs fewer than N allocations, parsing a
** valid file must either succeed or fail cleanly with "out of memory"
** (never crash, never a partial scenario; leaks are caught by
** LeakSanitizer in the sanitizer build). The formatting helpers must return
** NULL or a complete string.
**
** Contents: 1. the failing allocator  2. tests  3. main
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/scenario.h"

/* ---------------------------------------------------------------- 1 ---- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t sz);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t sz);
void *__wrap_realloc(void *p, size_t n);

/* Test-only counters (the wrapped allocator has no other way to be told). */
static long nFailAt;   /* fail the allocation with this number; 0 = never */
static long nCount;    /* allocations seen since the counter was reset */

static int should_fail(void) {
  return nFailAt != 0 && ++nCount == nFailAt;
}

void *__wrap_malloc(size_t n) {
  return should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t sz) {
  return should_fail() ? NULL : __real_calloc(n, sz);
}

void *__wrap_realloc(void *p, size_t n) {
  return should_fail() ? NULL : __real_realloc(p, n);
}

static void arm(long n) {
  nCount = 0;
  nFailAt = n;
}

/* ---------------------------------------------------------------- 2 ---- */

static char *read_all(const char *zPath, size_t *pn) {
  FILE *pF = fopen(zPath, "rb");
  char *z;
  long n;
  assert_non_null(pF);
  fseek(pF, 0, SEEK_END);
  n = ftell(pF);
  fseek(pF, 0, SEEK_SET);
  z = malloc((size_t)n + 1);
  assert_non_null(z);
  assert_int_equal(fread(z, 1, (size_t)n, pF), (size_t)n);
  fclose(pF);
  *pn = (size_t)n;
  return z;
}

/*
** Fail each allocation of a parse of zText in turn. Returns how many
** allocations the parse needs. nStep is the step count of the result.
*/
static long parse_with_failures(const char *zText, size_t n, int nStep) {
  long k;
  int bDone = 0;
  for (k = 1; !bDone && k < 100000; k++) {
    Scenario *p = (Scenario *)1;
    char zErr[512];
    int rc;
    arm(k);
    rc = scn_parse_text("oom.scn", zText, n, &p, zErr, sizeof(zErr));
    bDone = nCount < k;              /* the parse needed fewer allocations */
    arm(0);
    if (rc == 0) {
      assert_non_null(p);
      assert_int_equal(p->nStep, nStep);
      scn_free(p);
      assert_true(bDone);            /* a failed allocation is never ignored */
    } else {
      assert_null(p);
      if (strstr(zErr, "out of memory") == NULL) {
        print_error("allocation %ld: %s\n", k, zErr);
        fail();
      }
    }
  }
  assert_true(bDone);
  return k - 1;
}

/* Every allocation of a full parse of valid/all.scn fails once in turn.
** Since the parser takes its memory from an arena (issue 13.7) a parse
** needs only a handful of allocations: the arena's blocks, the line's word
** buffers and the table of logon names. */
static void test_parse_survives_every_failed_allocation(void **state) {
  size_t n;
  char *zText = read_all(LANG_VALID_DIR "/all.scn", &n);
  long nAlloc;
  (void)state;
  nAlloc = parse_with_failures(zText, n, 38);
  assert_true(nAlloc >= 3);
  assert_true(nAlloc <= 12);
  free(zText);
}

/* A long file (many steps, long words) takes the arena through several
** blocks and the word buffers through several sizes; each of those
** allocations fails once in turn too. */
static void test_long_parse_survives_failed_allocations(void **state) {
  size_t nAlloc = 1 << 20, n = 0;
  char *zText = malloc(nAlloc);
  int i;
  long nNeed;
  (void)state;
  assert_non_null(zText);
  n += (size_t)snprintf(zText + n, nAlloc - n,
                        "title long\nuser alice admin password=pw\nshare \\\\fs1\\data\n"
                        "logon A alice interactive\n");
  for (i = 0; i < 2000; i++) {
    n += (size_t)snprintf(zText + n, nAlloc - n,
                          "as A define Q%d: C:\\%0*d raw\n----\nok\n\n", i, 20 + i % 200, i);
  }
  nNeed = parse_with_failures(zText, n, 2001);
  assert_true(nNeed > 6);
  free(zText);
}

/* Formatting and step-line parsing fail cleanly too. */
static void test_format_survives_failed_allocations(void **state) {
  static const char *const azLine[] = {
    "as A net use Z: \\\\s\\x /user:u \"p w\" /persistent:yes",
    "logon A alice batch highest password=\"x y\"",
    "as A wnet add Z: \\\\s\\x user=u password=p update-profile temporary",
    "set machine uac=off luid-maps=on",
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(azLine) / sizeof(azLine[0]); i++) {
    long k;
    int bDone = 0;
    for (k = 1; !bDone && k < 10000; k++) {
      ScnStep st;
      char zErr[256];
      char *z = NULL, *zR = NULL;
      int rc;
      arm(k);
      rc = scn_parse_step_line(azLine[i], &st, zErr, sizeof(zErr));
      if (rc == 0) {
        z = scn_step_format(&st, 0);
        zR = scn_redact_line(azLine[i]);
      }
      bDone = nCount < k;
      arm(0);
      if (rc != 0) {
        assert_string_equal(zErr, "out of memory");
        assert_null(st.zText);
      } else {
        if (bDone) {
          assert_non_null(z);
          assert_non_null(zR);
        }
        free(z);
        free(zR);
        scn_step_clear(&st);
      }
    }
    assert_true(bDone);
  }
}

/* ---------------------------------------------------------------- 3 ---- */

int main(void) {
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_parse_survives_every_failed_allocation),
    cmocka_unit_test(test_long_parse_survives_failed_allocations),
    cmocka_unit_test(test_format_survives_failed_allocations),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
