/*
** tests/lang/bench_parse.c: a benchmark (not a test) of the parser alone,
** for issue 13.7: parse every file named on the command line N times.
** Files are read into memory once, so only scn_parse_text() and scn_free()
** are measured. Count instructions with callgrind, for example
**
**   valgrind --tool=callgrind --callgrind-out-file=/dev/null \
**     build/tests/lang/bench_lang_parse 50 $(find scenarios -name '*.scn')
**
** and compare the "Collected" totals of two builds side by side.
**
** Usage: bench_lang_parse N FILE...   (prints files, parses and steps)
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/scenario.h"

/* Read a whole file; returns a malloc'd buffer and its size in *pn. */
static char *read_all(const char *zPath, size_t *pn) {
  FILE *pF = fopen(zPath, "rb");
  char *z = NULL;
  long n;
  if (pF == NULL) return NULL;
  if (fseek(pF, 0, SEEK_END) == 0 && (n = ftell(pF)) >= 0 && fseek(pF, 0, SEEK_SET) == 0) {
    z = malloc((size_t)n + 1);
    if (z && fread(z, 1, (size_t)n, pF) != (size_t)n) {
      free(z);
      z = NULL;
    }
    *pn = (size_t)n;
  }
  fclose(pF);
  return z;
}

int main(int argc, char **argv) {
  int nIter, i, k;
  long nParse = 0, nStep = 0, nErr = 0;
  char **az;
  size_t *an;
  if (argc < 3) {
    fprintf(stderr, "usage: %s N FILE...\n", argv[0]);
    return 2;
  }
  nIter = atoi(argv[1]);
  az = calloc((size_t)argc, sizeof(char *));
  an = calloc((size_t)argc, sizeof(size_t));
  if (az == NULL || an == NULL) return 1;
  for (k = 2; k < argc; k++) {
    az[k] = read_all(argv[k], &an[k]);
    if (az[k] == NULL) {
      fprintf(stderr, "%s: cannot read\n", argv[k]);
      return 1;
    }
  }
  for (i = 0; i < nIter; i++) {
    for (k = 2; k < argc; k++) {
      Scenario *pScn;
      char zErr[512];
      if (scn_parse_text(argv[k], az[k], an[k], &pScn, zErr, sizeof(zErr))) {
        nErr++;
      } else {
        nStep += pScn->nStep;
        scn_free(pScn);
      }
      nParse++;
    }
  }
  printf("%d files, %ld parses, %ld steps, %ld refused\n", argc - 2, nParse, nStep, nErr);
  for (k = 2; k < argc; k++) free(az[k]);
  free(az);
  free(an);
  return 0;
}
