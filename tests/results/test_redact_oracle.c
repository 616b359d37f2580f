/*
** tests/results/test_redact_oracle.c: the store's redaction against the
** language's parser. Every bundled scenario is parsed; for each secret the
** parser finds (a user's password, a logon password=, a net use /user:u pw,
** a cmdkey /pass:, a wnet password=), the raw source line goes through
** store_redact_line() and no word of the result may still hold the secret.
** The parser knows where the secrets are; the store must agree with it,
** and mask at least as many words as the language's scn_redact_line().
**
** Contents: 1. reading lines  2. the check  3. walking scenarios/
*/
#define _DEFAULT_SOURCE         /* lstat, strtok_r, strdup */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lang/scenario.h"
#include "results/store.h"

#include <dirent.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef MAPSCOPE_SCENARIO_DIR
# error "MAPSCOPE_SCENARIO_DIR must name the bundled scenarios"
#endif

/* ---------------------------------------------------------------- 1 ---- */

/* Line iLine (1-based) of zPath into zOut; 0 or -1 when missing. */
static int oracle_line(const char *zPath, int iLine, char *zOut, size_t nOut){
  FILE *pIn = fopen(zPath, "r");
  int i = 0;
  if( pIn==NULL ) return -1;
  while( fgets(zOut, (int)nOut, pIn) ){
    if( ++i==iLine ){
      zOut[strcspn(zOut, "\r\n")] = 0;
      fclose(pIn);
      return 0;
    }
  }
  fclose(pIn);
  return -1;
}

/* ---------------------------------------------------------------- 2 ---- */

/* Does any word of zRedacted, after a key= or /key: prefix and outer
** quotes are removed, equal zSecret? */
static int oracle_leaks(const char *zRedacted, const char *zSecret){
  char *zCopy = strdup(zRedacted);
  char *zSave = NULL, *zWord;
  int bLeak = 0;
  assert_non_null(zCopy);
  for(zWord = strtok_r(zCopy, " \t", &zSave); zWord && !bLeak;
      zWord = strtok_r(NULL, " \t", &zSave)){
    char *zValue = zWord;
    char *zSep = strpbrk(zWord, "=:");
    size_t n;
    if( strcmp(zWord, zSecret)==0 ) bLeak = 1;
    if( zSep ) zValue = zSep + 1;
    n = strlen(zValue);
    if( n>=2 && zValue[0]=='"' && zValue[n-1]=='"' ){
      zValue[n-1] = 0;
      zValue++;
    }
    if( strcmp(zValue, zSecret)==0 ) bLeak = 1;
  }
  free(zCopy);
  return bLeak;
}

typedef struct OracleCount OracleCount;
struct OracleCount {
  int nFile;                /* scenarios parsed */
  int nSecret;              /* secrets checked */
  int nLeak;                /* secrets that survived redaction */
  int nFewer;               /* lines where the store masked fewer words
                            ** than the language's scn_redact_line() */
};

/* How many times *** occurs in z. */
static int oracle_masks(const char *z){
  int n = 0;
  const char *zAt = z;
  while( (zAt = strstr(zAt, "***"))!=NULL ){ n++; zAt += 3; }
  return n;
}

/* The store must mask at least what the language's own redaction masks. */
static void oracle_compare(OracleCount *pCount, const char *zWhere, int iLine,
                           const char *zLine){
  char *zStore = store_redact_line(zLine);
  char *zLang = scn_redact_line(zLine);
  assert_non_null(zStore);
  assert_non_null(zLang);
  if( oracle_masks(zStore) < oracle_masks(zLang) ){
    fprintf(stderr, "%s:%d: store masks less than lang:\n  %s\n  %s\n",
            zWhere, iLine, zStore, zLang);
    pCount->nFewer++;
  }
  free(zStore);
  free(zLang);
}

static void oracle_check(OracleCount *pCount, const char *zWhere, int iLine,
                         const char *zLine, const char *zSecret){
  char *zRedacted;
  if( zSecret==NULL || zSecret[0]==0 || strcmp(zSecret, "*")==0 ) return;
  zRedacted = store_redact_line(zLine);
  assert_non_null(zRedacted);
  pCount->nSecret++;
  if( oracle_leaks(zRedacted, zSecret) ){
    fprintf(stderr, "%s:%d: secret survives: %s\n", zWhere, iLine, zRedacted);
    pCount->nLeak++;
  }
  free(zRedacted);
}

/* ---------------------------------------------------------------- 3 ---- */

typedef struct OracleWalk OracleWalk;
struct OracleWalk {
  char **azPath;            /* .scn files found */
  int nPath;                /* entries used */
  int nAlloc;               /* entries allocated */
};

/* Add every .scn file under zDir (recursively) to pWalk. */
static void oracle_collect(const char *zDir, OracleWalk *pWalk){
  DIR *pDir = opendir(zDir);
  struct dirent *pEnt;
  assert_non_null(pDir);
  while( (pEnt = readdir(pDir))!=NULL ){
    char zPath[1024];
    struct stat st;
    size_t n = strlen(pEnt->d_name);
    if( pEnt->d_name[0]=='.' ) continue;
    snprintf(zPath, sizeof(zPath), "%s/%s", zDir, pEnt->d_name);
    if( lstat(zPath, &st)!=0 ) continue;
    if( S_ISDIR(st.st_mode) ){
      oracle_collect(zPath, pWalk);
    }else if( S_ISREG(st.st_mode) && n>4 && strcmp(pEnt->d_name + n - 4, ".scn")==0 ){
      if( pWalk->nPath>=pWalk->nAlloc ){
        pWalk->nAlloc = pWalk->nAlloc ? pWalk->nAlloc*2 : 64;
        pWalk->azPath = realloc(pWalk->azPath, (size_t)pWalk->nAlloc * sizeof(char*));
        assert_non_null(pWalk->azPath);
      }
      pWalk->azPath[pWalk->nPath] = strdup(zPath);
      assert_non_null(pWalk->azPath[pWalk->nPath]);
      pWalk->nPath++;
    }
  }
  closedir(pDir);
}

static void test_store_redaction_agrees_with_parser(void **ppState){
  OracleWalk walk = { NULL, 0, 0 };
  OracleCount count = { 0, 0, 0, 0 };
  char zErr[512], zLine[4096];
  int i, j;
  (void)ppState;
  oracle_collect(MAPSCOPE_SCENARIO_DIR, &walk);
  for(i=0; i<walk.nPath; i++){
    Scenario *pScn = NULL;
    if( scn_parse_file(walk.azPath[i], &pScn, zErr, sizeof(zErr)) ){
      free(walk.azPath[i]);
      continue;                /* a file the language rejects runs nowhere */
    }
    count.nFile++;
    for(j=0; j<pScn->nUser; j++){
      const ScnUser *pUser = &pScn->aUser[j];
      if( oracle_line(walk.azPath[i], pUser->iLine, zLine, sizeof(zLine))==0 ){
        oracle_check(&count, walk.azPath[i], pUser->iLine, zLine, pUser->zPassword);
        oracle_compare(&count, walk.azPath[i], pUser->iLine, zLine);
      }
    }
    for(j=0; j<pScn->nStep; j++){
      const ScnStep *pStep = &pScn->aStep[j];
      oracle_check(&count, walk.azPath[i], pStep->iLine, pStep->zText,
                   pStep->zCredPassword);
      oracle_check(&count, walk.azPath[i], pStep->iLine, pStep->zText,
                   pStep->zLogonPassword);
      oracle_compare(&count, walk.azPath[i], pStep->iLine, pStep->zText);
    }
    scn_free(pScn);
    free(walk.azPath[i]);
  }
  free(walk.azPath);
  fprintf(stderr, "checked %d secrets in %d scenarios\n", count.nSecret, count.nFile);
  assert_true(count.nFile > 0);
  assert_true(count.nSecret > 0);
  assert_int_equal(count.nLeak, 0);
  assert_int_equal(count.nFewer, 0);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_store_redaction_agrees_with_parser),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
