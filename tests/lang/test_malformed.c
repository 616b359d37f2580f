/*
** tests/lang/test_malformed.c: the malformed-file corpus.
**
** Every file under tests/lang/malformed/ has exactly one defect, and its
** first line is a comment `# expect: LINE: message`. The parser must
** refuse the file with exactly "PATH:LINE: message", return no scenario,
** and (checked under ASan) leak nothing. A table-driven test walks the
** whole folder, so adding a file adds a case.
**
** Contents: 1. reading a case  2. the test  3. main
*/
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/scenario.h"

/* ---------------------------------------------------------------- 1 ---- */

/* Read the first line of zPath into zBuf (without the newline). */
static int read_first_line(const char *zPath, char *zBuf, size_t nBuf) {
  FILE *pF = fopen(zPath, "rb");
  size_t n;
  if (pF == NULL) return 1;
  if (fgets(zBuf, (int)nBuf, pF) == NULL) {
    fclose(pF);
    return 1;
  }
  fclose(pF);
  n = strlen(zBuf);
  while (n > 0 && (zBuf[n - 1] == '\n' || zBuf[n - 1] == '\r')) zBuf[--n] = 0;
  return 0;
}

static int cmp_names(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ---------------------------------------------------------------- 2 ---- */

/* Each malformed file gives exactly its stated FILE:LINE: message. */
static void test_malformed_corpus(void **state) {
  DIR *pDir = opendir(LANG_MALFORMED_DIR);
  struct dirent *pEnt;
  char **azName = NULL;
  int nName = 0, i, nFail = 0;
  (void)state;
  assert_non_null(pDir);
  while ((pEnt = readdir(pDir)) != NULL) {
    size_t n = strlen(pEnt->d_name);
    if (n > 4 && strcmp(pEnt->d_name + n - 4, ".scn") == 0) {
      azName = realloc(azName, sizeof(char *) * (size_t)(nName + 1));
      assert_non_null(azName);
      azName[nName++] = strdup(pEnt->d_name);
    }
  }
  closedir(pDir);
  qsort(azName, (size_t)nName, sizeof(char *), cmp_names);
  assert_true(nName >= 40);
  for (i = 0; i < nName; i++) {
    char zPath[1024], zFirst[1024], zWant[2048], zErr[1024];
    Scenario *pScn = (Scenario *)1;
    int rc;
    snprintf(zPath, sizeof(zPath), "%s/%s", LANG_MALFORMED_DIR, azName[i]);
    assert_int_equal(read_first_line(zPath, zFirst, sizeof(zFirst)), 0);
    if (strncmp(zFirst, "# expect: ", 10) != 0) {
      print_error("%s: first line is not '# expect: LINE: message'\n", azName[i]);
      nFail++;
      continue;
    }
    snprintf(zWant, sizeof(zWant), "%s:%s", zPath, zFirst + 10);
    zErr[0] = 0;
    rc = scn_parse_file(zPath, &pScn, zErr, sizeof(zErr));
    if (rc == 0 || pScn != NULL) {
      print_error("%s: parsed, but it is malformed\n", azName[i]);
      scn_free(pScn);
      nFail++;
    } else if (strcmp(zErr, zWant) != 0) {
      print_error("%s:\n  want %s\n  got  %s\n", azName[i], zWant, zErr);
      nFail++;
    }
  }
  for (i = 0; i < nName; i++) free(azName[i]);
  free(azName);
  assert_int_equal(nFail, 0);
}

/* An unreadable file is reported with its path and no line. */
static void test_missing_file(void **state) {
  Scenario *pScn = NULL;
  char zErr[256];
  (void)state;
  assert_int_not_equal(scn_parse_file(LANG_MALFORMED_DIR "/no-such-file.scn", &pScn, zErr,
                                      sizeof(zErr)), 0);
  assert_null(pScn);
  assert_string_equal(zErr, LANG_MALFORMED_DIR "/no-such-file.scn: cannot open the file");
}

/* ---------------------------------------------------------------- 3 ---- */

int main(void) {
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_malformed_corpus),
    cmocka_unit_test(test_missing_file),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
