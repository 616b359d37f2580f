/*
** tests/lang/test_fuzz.c: robustness under random mutations.
**
** Every valid file under tests/lang/valid/ is mutated many times (bytes
** flipped, special characters inserted, spans deleted or duplicated, line
** breaks added) with a fixed-seed generator, so a failure reproduces. Each
** mutant is parsed; the parser must never crash (run under ASan/UBSan), must
** either succeed or report "FILE:LINE: message" with a line inside the
** file, and when it succeeds every step must re-serialise to text that
** scn_parse_step_line accepts and that formats back identically.
**
** Contents: 1. generator and mutations  2. checks  3. the test  4. main
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

typedef struct Rng Rng;
struct Rng {
  unsigned long long s;  /* xorshift64 state */
};

static unsigned rng_next(Rng *p) {
  p->s ^= p->s << 13;
  p->s ^= p->s >> 7;
  p->s ^= p->s << 17;
  return (unsigned)(p->s >> 32);
}

static const char aSpecial[] = "\"\\# \t\n\r\0-:,=/.*{}\xC3\xA9\xFF";
static const char *const azWord[] = {
  "as ", "logon ", "logoff ", "reboot", "----", "todo ", "onlyif ", "title ", "user ",
  "share ", "net use ", "/delete", "/user:", "password=", "current ", "A ", "Z: ", "\\\\s\\x ",
  "machine ", "disks=", "grant=", "\n\n", "\"", "#",
  /* language v2 */
  "from=", "s4u ", "task ", "elevate ", "netonly ", "* ", "reg set ", "HKCU\\Network\\Z ",
  "dword:", "tool ", "state=", "letter=", "alias=", "{A}", "{?}", "\t",
};

/* Apply 1-4 random mutations to a copy of z; returns malloc'd text. */
static char *mutate(Rng *pR, const char *z, size_t n, size_t *pnOut) {
  size_t nAlloc = n * 2 + 256, nOut = n;
  char *zOut = malloc(nAlloc);
  int k, nMut = 1 + (int)(rng_next(pR) % 4);
  assert_non_null(zOut);
  memcpy(zOut, z, n);
  for (k = 0; k < nMut; k++) {
    size_t i = nOut ? rng_next(pR) % nOut : 0;
    switch (rng_next(pR) % 5) {
      case 0:                                  /* flip a byte */
        if (nOut) zOut[i] = (char)rng_next(pR);
        break;
      case 1:                                  /* insert a special byte */
        if (nOut + 1 < nAlloc) {
          memmove(zOut + i + 1, zOut + i, nOut - i);
          zOut[i] = aSpecial[rng_next(pR) % (sizeof(aSpecial) - 1)];
          nOut++;
        }
        break;
      case 2: {                                /* delete a span */
        size_t nDel = rng_next(pR) % 16;
        if (i + nDel > nOut) nDel = nOut - i;
        memmove(zOut + i, zOut + i + nDel, nOut - i - nDel);
        nOut -= nDel;
        break;
      }
      case 3: {                                /* insert a keyword */
        const char *zW = azWord[rng_next(pR) % (sizeof(azWord) / sizeof(azWord[0]))];
        size_t nW = strlen(zW);
        if (nOut + nW < nAlloc) {
          memmove(zOut + i + nW, zOut + i, nOut - i);
          memcpy(zOut + i, zW, nW);
          nOut += nW;
        }
        break;
      }
      default: {                               /* duplicate a span */
        size_t nDup = rng_next(pR) % 64, j;
        if (i + nDup > nOut) nDup = nOut - i;
        if (nOut + nDup < nAlloc) {
          char aSpan[64];
          memcpy(aSpan, zOut + i, nDup);
          j = rng_next(pR) % (nOut + 1);
          memmove(zOut + j + nDup, zOut + j, nOut - j);
          memcpy(zOut + j, aSpan, nDup);
          nOut += nDup;
        }
        break;
      }
    }
  }
  *pnOut = nOut;
  return zOut;
}

/* ---------------------------------------------------------------- 2 ---- */

static int count_lines(const char *z, size_t n) {
  int nLine = 1;
  size_t i;
  for (i = 0; i < n; i++) nLine += z[i] == '\n';
  return nLine;
}

/* A successful parse: every step formats and parses back identically. */
static void check_scenario(const Scenario *p) {
  int i;
  for (i = 0; i < p->nStep; i++) {
    ScnStep st;
    char zErr[256];
    char *z1 = scn_step_format(&p->aStep[i], 0), *z2, *zR;
    assert_non_null(z1);
    if (scn_parse_step_line(z1, &st, zErr, sizeof(zErr))) {
      print_error("formatted step does not parse: [%s]: %s\n", z1, zErr);
      fail();
    }
    z2 = scn_step_format(&st, 0);
    assert_string_equal(z1, z2);
    zR = scn_step_format(&st, 1);
    assert_non_null(zR);
    free(zR);
    zR = scn_redact_line(p->aStep[i].zText);
    assert_non_null(zR);
    free(zR);
    free(z1);
    free(z2);
    scn_step_clear(&st);
  }
}

/* A failed parse names this file and a line within it. */
static void check_error(const char *zErr, int nLine) {
  int iLine = -1;
  assert_true(strncmp(zErr, "m.scn:", 6) == 0);
  assert_int_equal(sscanf(zErr + 6, "%d:", &iLine), 1);
  assert_true(iLine >= 1 && iLine <= nLine);
  assert_non_null(strstr(zErr + 6, ": "));
}

/* ---------------------------------------------------------------- 3 ---- */

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

static void test_mutations_never_crash(void **state) {
  static const char *const azFile[] = { "all.scn", "example1.scn", "example2.scn", "sessions.scn",
                                        "v2.scn" };
  Rng r;
  size_t f;
  int nOk = 0, nBad = 0;
  (void)state;
  r.s = 0x9E3779B97F4A7C15ull;
  for (f = 0; f < sizeof(azFile) / sizeof(azFile[0]); f++) {
    char zPath[1024];
    size_t n;
    char *zOrig;
    int k;
    snprintf(zPath, sizeof(zPath), "%s/%s", LANG_VALID_DIR, azFile[f]);
    zOrig = read_all(zPath, &n);
    for (k = 0; k < 5000; k++) {
      size_t nMut;
      char *zMut = mutate(&r, zOrig, n, &nMut);
      Scenario *p = NULL;
      char zErr[600];
      if (scn_parse_text("m.scn", zMut, nMut, &p, zErr, sizeof(zErr)) == 0) {
        check_scenario(p);
        scn_free(p);
        nOk++;
      } else {
        assert_null(p);
        check_error(zErr, count_lines(zMut, nMut));
        nBad++;
      }
      free(zMut);
    }
    free(zOrig);
  }
  /* The mutations are neither all fatal nor all harmless. */
  assert_true(nOk > 100);
  assert_true(nBad > 100);
}

/* Random step lines: the agent's entry point never crashes either. */
static void test_random_step_lines(void **state) {
  Rng r;
  int k;
  (void)state;
  r.s = 12345;
  for (k = 0; k < 20000; k++) {
    char zLine[128];
    size_t n = 0;
    int nW = 1 + (int)(rng_next(&r) % 8), w;
    ScnStep st;
    char zErr[256];
    for (w = 0; w < nW && n < 100; w++) {
      const char *zW = azWord[rng_next(&r) % (sizeof(azWord) / sizeof(azWord[0]))];
      size_t m = strlen(zW);
      if (n + m >= 100) break;
      memcpy(zLine + n, zW, m);
      n += m;
      if (rng_next(&r) % 3 == 0) zLine[n++] = aSpecial[rng_next(&r) % (sizeof(aSpecial) - 2)];
    }
    zLine[n] = 0;
    if (scn_parse_step_line(zLine, &st, zErr, sizeof(zErr)) == 0) {
      char *z = scn_step_format(&st, 0);
      ScnStep st2;
      assert_non_null(z);
      assert_int_equal(scn_parse_step_line(z, &st2, zErr, sizeof(zErr)), 0);
      scn_step_clear(&st2);
      free(z);
      scn_step_clear(&st);
    } else {
      assert_null(st.zText);
    }
  }
}

/* ---------------------------------------------------------------- 4 ---- */

int main(void) {
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_mutations_never_crash),
    cmocka_unit_test(test_random_step_lines),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
