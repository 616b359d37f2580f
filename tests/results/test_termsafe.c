/*
** tests/results/test_termsafe.c: cmocka tests of runner/util/termsafe
** (issue 9 item 6: text from files and databases must not drive the
** terminal).
**
** Contents: 1. escaping  2. terminals and other streams
*/
#define _GNU_SOURCE             /* posix_openpt, ptsname */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "runner/util/termsafe.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* What termsafe_write(…, bEscape) makes of z, in a malloc'd string. */
static char *test_written(const char *z, int bEscape){
  char *zOut = NULL;
  size_t nOut = 0;
  FILE *pMem = open_memstream(&zOut, &nOut);
  assert_non_null(pMem);
  assert_int_equal(termsafe_write(pMem, z, strlen(z), bEscape), 0);
  fclose(pMem);
  return zOut;
}

/* ---------------------------------------------------------------- 1 ---- */

static void test_control_characters_escaped(void **ppState){
  static const struct { const char *zIn, *zOut; } aCase[] = {
    /* a file name that clears the screen, and a hyperlink */
    { "s\x1b[2Jx.scn", "s\\x1b[2Jx.scn" },
    { "\x1b]8;;http://e.example/\x07link\x1b]8;;\x07",
      "\\x1b]8;;http://e.example/\\x07link\\x1b]8;;\\x07" },
    /* newline and tab pass; CR, BS, DEL do not */
    { "a\tb\nc", "a\tb\nc" },
    { "ok\rFAKE\b\x7f", "ok\\x0dFAKE\\x08\\x7f" },
    /* C1 CSI as UTF-8 (U+009B), while other UTF-8 passes */
    { "\xc2\x9b" "31m", "\\xc2\\x9b31m" },
    { "caf\xc3\xa9 \xc2\xa0", "caf\xc3\xa9 \xc2\xa0" },
    /* backslashes (Windows paths) are left alone */
    { "\\\\fs1\\data", "\\\\fs1\\data" },
  };
  size_t i;
  (void)ppState;
  for(i=0; i<sizeof(aCase)/sizeof(aCase[0]); i++){
    char *z = test_written(aCase[i].zIn, 1);
    assert_string_equal(z, aCase[i].zOut);
    assert_int_equal(termsafe_width(aCase[i].zIn, 1), strlen(aCase[i].zOut));
    free(z);
    z = test_written(aCase[i].zIn, 0);
    assert_string_equal(z, aCase[i].zIn);
    assert_int_equal(termsafe_width(aCase[i].zIn, 0), strlen(aCase[i].zIn));
    free(z);
  }
  assert_int_equal(termsafe_width(NULL, 1), 0);
}

/* ---------------------------------------------------------------- 2 ---- */

/* A file (or pipe) gets the bytes as they are; a terminal gets them
** escaped, through termsafe_fputs and termsafe_fprintf alike. */
static void test_only_terminals_escaped(void **ppState){
  char zBuf[256];
  FILE *pFile = tmpfile();
  FILE *pTty;
  int fdMaster, fdSlave;
  ssize_t n;
  size_t nGot = 0;
  (void)ppState;

  assert_non_null(pFile);
  assert_int_equal(termsafe_is_terminal(pFile), 0);
  termsafe_fputs("a\x1b[2Jb", pFile);
  termsafe_fprintf(pFile, "<%s>\n", "\x1b]0;title\x07");
  termsafe_fputs_escaped("\x1b", pFile);
  rewind(pFile);
  n = (ssize_t)fread(zBuf, 1, sizeof(zBuf) - 1, pFile);
  zBuf[n] = 0;
  assert_string_equal(zBuf, "a\x1b[2Jb<\x1b]0;title\x07>\n\\x1b");
  fclose(pFile);

  fdMaster = posix_openpt(O_RDWR | O_NOCTTY);
  if( fdMaster<0 ) skip();
  assert_int_equal(grantpt(fdMaster), 0);
  assert_int_equal(unlockpt(fdMaster), 0);
  fdSlave = open(ptsname(fdMaster), O_RDWR | O_NOCTTY);
  assert_true(fdSlave>=0);
  {
    /* raw mode: the terminal neither echoes nor turns \n into \r\n */
    char zCmd[300];
    snprintf(zCmd, sizeof(zCmd), "stty raw -echo < %s", ptsname(fdMaster));
    if( system(zCmd)!=0 ) skip();
  }
  pTty = fdopen(fdSlave, "w");
  assert_non_null(pTty);
  assert_int_equal(termsafe_is_terminal(pTty), 1);
  termsafe_fputs("a\x1b[2Jb", pTty);
  termsafe_fprintf(pTty, "<%s>!", "\x1b]0;title\x07");
  fflush(pTty);
  while( nGot<sizeof(zBuf) - 1 ){
    n = read(fdMaster, zBuf + nGot, sizeof(zBuf) - 1 - nGot);
    if( n<=0 ) break;
    nGot += (size_t)n;
    zBuf[nGot] = 0;
    if( strchr(zBuf, '!') ) break;
  }
  zBuf[nGot] = 0;
  assert_string_equal(zBuf, "a\\x1b[2Jb<\\x1b]0;title\\x07>!");
  fclose(pTty);
  close(fdMaster);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_control_characters_escaped),
    cmocka_unit_test(test_only_terminals_escaped),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
