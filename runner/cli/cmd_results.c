/*
** runner/cli/cmd_results.c: `mapscope results`, reading the results store.
**
**   mapscope results [--db FILE] list
**   mapscope results [--db FILE] show RUN [--all]
**   mapscope results [--db FILE] compare RUN_A RUN_B [--verbose]
**   mapscope results merge OUT.db IN.db...
**   mapscope results [--db FILE] export --format junit|tap RUN
**   mapscope results help
**
** RUN is a full id, a unique prefix, `last` or `last~N`. Bad input gives a
** one-line reason on stderr and exit status 2, before anything is written.
** So does an SQLite error while reading: every report is built in memory
** (open_memstream) and printed only when whole, never cut short.
** This file depends on results/ only (and the C library).
**
** Contents: 1. options  2. aligned tables  3. list  4. show  5. compare
**           6. merge  7. export  8. the entry point
*/
#include "runner/cli/commands.h"
#include "runner/report/report.h"
#include "results/store.h"

#include <sqlite3.h>

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- 1 ---- */

typedef struct ResultsOpts ResultsOpts;
struct ResultsOpts {
  const char *zDb;          /* --db FILE, or store_default_path() */
  const char *zFormat;      /* --format junit|tap */
  int bAll;                 /* --all: every step in `show` */
  int bVerbose;             /* --verbose: outputs in `compare` */
  char **azArg;             /* positional arguments, action first */
  int nArg;                 /* entries in azArg */
};

static int results_usage(const char *zWhy, ...){
  va_list ap;
  fprintf(stderr, "mapscope results: ");
  va_start(ap, zWhy);
  vfprintf(stderr, zWhy, ap);
  va_end(ap);
  fprintf(stderr, " (usage: mapscope results [--db FILE] list | show RUN |"
          " compare RUN_A RUN_B | merge OUT.db IN.db... |"
          " export --format junit|tap RUN)\n");
  return 2;
}

static const char zResultsHelp[] =
  "usage: mapscope results [--db FILE] ACTION ...\n"
  "\n"
  "  list                          every run, newest first\n"
  "  show RUN [--all]              a run: facts, scenarios, failures (--all: every step)\n"
  "  compare RUN_A RUN_B [-v]      steps whose verdict or output changed, regressions\n"
  "                                first; exit 1 if any regression (-v: outputs)\n"
  "  merge OUT.db IN.db...         copy every run of the inputs into OUT.db\n"
  "  export --format junit|tap RUN write a run as JUnit XML or TAP 13\n"
  "\n"
  "RUN: a run id, a unique prefix of one, last, or last~N (N runs before the last).\n"
  "--db FILE: the database (default $MAPSCOPE_DB, else ./mapscope-results.db).\n"
  "Exit status: 0 success, 1 compare found a regression, 2 bad usage or input\n"
  "or a database SQLite cannot read (nothing is printed on standard output then).\n";

/* Parse argv[1..]; options may stand anywhere. Returns 0 or 2 (usage). */
static int results_parse(int argc, char **argv, ResultsOpts *pOpts){
  int i;
  memset(pOpts, 0, sizeof(*pOpts));
  pOpts->azArg = calloc((size_t)argc + 1, sizeof(char*));
  if( pOpts->azArg==NULL ) return results_usage("out of memory");
  for(i=1; i<argc; i++){
    const char *z = argv[i];
    if( strcmp(z, "--db")==0 || strcmp(z, "--format")==0 ){
      if( i+1>=argc ) return results_usage("%s needs a value", z);
      if( z[2]=='d' ) pOpts->zDb = argv[++i]; else pOpts->zFormat = argv[++i];
    }else if( strncmp(z, "--db=", 5)==0 ){
      pOpts->zDb = z + 5;
    }else if( strncmp(z, "--format=", 9)==0 ){
      pOpts->zFormat = z + 9;
    }else if( strcmp(z, "--all")==0 ){
      pOpts->bAll = 1;
    }else if( strcmp(z, "--help")==0 || strcmp(z, "-h")==0 ){
      pOpts->azArg[pOpts->nArg++] = "help";
    }else if( strcmp(z, "--verbose")==0 || strcmp(z, "-v")==0 ){
      pOpts->bVerbose = 1;
    }else if( z[0]=='-' && z[1] ){
      return results_usage("unknown option %s", z);
    }else{
      pOpts->azArg[pOpts->nArg++] = argv[i];
    }
  }
  if( pOpts->zDb==NULL ) pOpts->zDb = store_default_path();
  if( pOpts->zDb[0]==0 ) return results_usage("--db needs a file name");
  return 0;
}

/* ---------------------------------------------------------------- 2 ---- */

/* A table printed with its columns aligned; cells are copied. */
typedef struct ResultsTable ResultsTable;
struct ResultsTable {
  int nCol;                 /* columns */
  char **azCell;            /* nRow*nCol cells, row-major */
  int nRow;                 /* rows, header included */
  int nRowAlloc;            /* rows allocated */
};

static void results_table_init(ResultsTable *pT, int nCol){
  memset(pT, 0, sizeof(*pT));
  pT->nCol = nCol;
}

/* Add a row of nCol strings (NULL prints as "-"). Exits on OOM: a report
** missing rows would mislead. */
static void results_table_row(ResultsTable *pT, const char **azVal){
  int i;
  if( pT->nRow>=pT->nRowAlloc ){
    int nNew = pT->nRowAlloc ? pT->nRowAlloc*2 : 32;
    char **azNew = realloc(pT->azCell, (size_t)nNew * (size_t)pT->nCol * sizeof(char*));
    if( azNew==NULL ){ fprintf(stderr, "mapscope: out of memory\n"); exit(2); }
    pT->azCell = azNew;
    pT->nRowAlloc = nNew;
  }
  for(i=0; i<pT->nCol; i++){
    char *z = strdup(azVal[i] ? azVal[i] : "-");
    if( z==NULL ){ fprintf(stderr, "mapscope: out of memory\n"); exit(2); }
    pT->azCell[pT->nRow*pT->nCol + i] = z;
  }
  pT->nRow++;
}

/* Print with two blanks between columns; abRight marks numeric columns. */
static void results_table_print(ResultsTable *pT, FILE *pOut, const int *abRight){
  int aWidth[32] = {0};
  int r, c;
  for(r=0; r<pT->nRow; r++){
    for(c=0; c<pT->nCol && c<32; c++){
      int n = (int)strlen(pT->azCell[r*pT->nCol + c]);
      if( n>aWidth[c] ) aWidth[c] = n;
    }
  }
  for(r=0; r<pT->nRow; r++){
    for(c=0; c<pT->nCol; c++){
      const char *z = pT->azCell[r*pT->nCol + c];
      int bLast = c==pT->nCol-1;
      if( abRight && abRight[c] ){
        fprintf(pOut, "%*s%s", aWidth[c], z, bLast ? "" : "  ");
      }else if( bLast ){
        fputs(z, pOut);
      }else{
        fprintf(pOut, "%-*s  ", aWidth[c], z);
      }
    }
    fputc('\n', pOut);
  }
}

static void results_table_free(ResultsTable *pT){
  int i;
  for(i=0; i<pT->nRow*pT->nCol; i++) free(pT->azCell[i]);
  free(pT->azCell);
  memset(pT, 0, sizeof(*pT));
}

/* Column i of the current row as text, NULL for NULL. */
static const char *results_col(sqlite3_stmt *pStmt, int i){
  return (const char*)sqlite3_column_text(pStmt, i);
}

/* "2026-11-23T23:39:12.123Z" as "2026-11-23 23:39:12". */
static void results_time(const char *zIso, char *zOut, size_t nOut){
  if( zIso==NULL ){ snprintf(zOut, nOut, "-"); return; }
  snprintf(zOut, nOut, "%.19s", zIso);
  if( strlen(zOut)>10 && zOut[10]=='T' ) zOut[10] = ' ';
}

/* Report a failed SQLite call as "mapscope results: WHAT: MESSAGE" (the
** database named); returns 2, the exit status. */
static int results_sql_err(Store *pStore, const char *zWhat){
  fprintf(stderr, "mapscope results: %s: %s: %s\n", store_path(pStore), zWhat,
          sqlite3_errmsg(store_db(pStore)));
  return 2;
}

/* ---------------------------------------------------------------- 3 ---- */

/* A run's scenario and step counts are filled when it completes; an
** incomplete run's are counted from its rows. */
#define RESULTS_N_SCENARIOS \
  "(CASE WHEN completed THEN n_scenarios ELSE (SELECT count(*) FROM scenarios s" \
  " WHERE s.run_id = runs.run_id) END)"
#define RESULTS_N_STEPS \
  "(CASE WHEN completed THEN n_steps ELSE (SELECT count(*) FROM steps t" \
  " JOIN scenarios s USING (scenario_id) WHERE s.run_id = runs.run_id) END)"

static int results_list(Store *pStore, FILE *pOut){
  static const int abRight[] = {0,0,0,0,0,0,1,1,1,1,1,0,0};
  sqlite3_stmt *pStmt = NULL;
  ResultsTable t;
  const char *azHead[] = { "REF", "RUN", "STARTED (UTC)", "KIND", "STATUS",
                           "BACKENDS", "SCEN", "STEPS", "PASS", "FAIL", "SKIP",
                           "HOST", "LABELS" };
  int iRow = 0;
  int rc = sqlite3_prepare_v2(store_db(pStore),
      "SELECT run_id, started_at, kind, completed, backends, " RESULTS_N_SCENARIOS
      ", " RESULTS_N_STEPS ", n_passed, n_failed, n_skipped, host_name, labels"
      " FROM runs ORDER BY seq DESC", -1, &pStmt, NULL);
  if( rc!=SQLITE_OK ) return results_sql_err(pStore, "listing runs");
  results_table_init(&t, 13);
  results_table_row(&t, azHead);
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    char zRef[32], zRun[16], zStarted[32];
    const char *az[13];
    int bDone = sqlite3_column_int(pStmt, 3);
    if( iRow==0 ) snprintf(zRef, sizeof(zRef), "last");
    else snprintf(zRef, sizeof(zRef), "last~%d", iRow);
    snprintf(zRun, sizeof(zRun), "%.12s", results_col(pStmt, 0));
    results_time(results_col(pStmt, 1), zStarted, sizeof(zStarted));
    az[0] = zRef; az[1] = zRun; az[2] = zStarted;
    az[3] = results_col(pStmt, 2);
    az[4] = bDone ? "complete" : "INCOMPLETE";
    az[5] = results_col(pStmt, 4);
    az[6] = results_col(pStmt, 5);
    az[7] = results_col(pStmt, 6);
    az[8] = results_col(pStmt, 7);
    az[9] = results_col(pStmt, 8);
    az[10] = results_col(pStmt, 9);
    az[11] = results_col(pStmt, 10);
    az[12] = results_col(pStmt, 11);
    results_table_row(&t, az);
    iRow++;
  }
  if( rc!=SQLITE_DONE ){
    rc = results_sql_err(pStore, "listing runs");
    sqlite3_finalize(pStmt);
    results_table_free(&t);
    return rc;
  }
  sqlite3_finalize(pStmt);
  if( iRow==0 ){
    fprintf(pOut, "no runs in %s\n", store_path(pStore));
  }else{
    results_table_print(&t, pOut, abRight);
  }
  results_table_free(&t);
  return 0;
}

/* ---------------------------------------------------------------- 4 ---- */

/* Print text indented, one line at a time, after zLabel. */
static void results_print_block(FILE *pOut, const char *zLabel, const char *zText){
  const char *z = zText ? zText : "(none)";
  int bFirst = 1;
  while( 1 ){
    const char *zEnd = strchr(z, '\n');
    int n = zEnd ? (int)(zEnd - z) : (int)strlen(z);
    fprintf(pOut, "      %-9s %.*s\n", bFirst ? zLabel : "", n, z);
    bFirst = 0;
    if( zEnd==NULL ) break;
    z = zEnd + 1;
  }
}

static int results_show(Store *pStore, const char *zRunId, int bAll,
                        FILE *pOut){
  static const int abRight[] = {0,1,1,1,1,1,1,0};
  sqlite3 *db = store_db(pStore);
  sqlite3_stmt *pStmt = NULL;
  ResultsTable t;
  const char *zWhat = "reading the run";
  int rc, nFail = 0;

  results_table_init(&t, 8);

  rc = sqlite3_prepare_v2(db,
      "SELECT run_id, kind, completed, started_at, ended_at, backends,"
      " host_name, host_os, wine_version, agent_version, capabilities,"
      " mapscope_version, labels, command_line, " RESULTS_N_SCENARIOS ","
      " " RESULTS_N_STEPS ", n_passed, n_failed, n_skipped FROM runs"
      " WHERE run_id = ?1",
      -1, &pStmt, NULL);
  if( rc!=SQLITE_OK ) goto sql_err;
  sqlite3_bind_text(pStmt, 1, zRunId, -1, SQLITE_STATIC);
  rc = sqlite3_step(pStmt);
  if( rc!=SQLITE_ROW && rc!=SQLITE_DONE ) goto sql_err;
  if( rc==SQLITE_ROW ){
    char zStart[32], zEnd[32];
    results_time(results_col(pStmt, 3), zStart, sizeof(zStart));
    results_time(results_col(pStmt, 4), zEnd, sizeof(zEnd));
    fprintf(pOut, "run        %s\n", results_col(pStmt, 0));
    fprintf(pOut, "kind       %s, %s\n", results_col(pStmt, 1),
           sqlite3_column_int(pStmt, 2) ? "complete"
           : "INCOMPLETE (stopped before it finished)");
    fprintf(pOut, "started    %s UTC\n", zStart);
    fprintf(pOut, "ended      %s%s\n", zEnd, results_col(pStmt, 4) ? " UTC" : "");
    fprintf(pOut, "backends   %s\n", results_col(pStmt, 5));
    fprintf(pOut, "host       %s", results_col(pStmt, 6) ? results_col(pStmt, 6) : "-");
    if( results_col(pStmt, 7) ) fprintf(pOut, "; os %s", results_col(pStmt, 7));
    if( results_col(pStmt, 8) ) fprintf(pOut, "; wine %s", results_col(pStmt, 8));
    if( results_col(pStmt, 9) ) fprintf(pOut, "; agent %s", results_col(pStmt, 9));
    fprintf(pOut, "\n");
    if( results_col(pStmt, 10) ) fprintf(pOut, "caps       %s\n", results_col(pStmt, 10));
    fprintf(pOut, "mapscope   %s\n", results_col(pStmt, 11) ? results_col(pStmt, 11) : "-");
    fprintf(pOut, "labels     %s\n", results_col(pStmt, 12) ? results_col(pStmt, 12) : "-");
    fprintf(pOut, "command    %s\n", results_col(pStmt, 13) ? results_col(pStmt, 13) : "-");
    fprintf(pOut, "stored     %d scenarios, %d steps", sqlite3_column_int(pStmt, 14),
           sqlite3_column_int(pStmt, 15));
    if( sqlite3_column_type(pStmt, 16)!=SQLITE_NULL ){
      fprintf(pOut, "; %d passed, %d failed, %d skipped", sqlite3_column_int(pStmt, 16),
             sqlite3_column_int(pStmt, 17), sqlite3_column_int(pStmt, 18));
    }
    fprintf(pOut, "\n\n");
  }
  sqlite3_finalize(pStmt);
  pStmt = NULL;

  /* Scenarios, with verdict counts over every backend. */
  rc = sqlite3_prepare_v2(db,
      "SELECT sc.path, count(DISTINCT st.position),"
      " sum(sr.verdict = 'pass'), sum(sr.verdict IN ('fail','error','fixed')),"
      " sum(sr.verdict = 'todo'), sum(sr.verdict IN ('skip','unsupported')),"
      " count(DISTINCT CASE WHEN st.comparison = 'diverge' THEN st.position END),"
      " sc.content_hash"
      " FROM scenarios sc LEFT JOIN steps st ON st.scenario_id = sc.scenario_id"
      " LEFT JOIN step_results sr ON sr.scenario_id = st.scenario_id"
      "  AND sr.position = st.position"
      " WHERE sc.run_id = ?1 GROUP BY sc.scenario_id ORDER BY sc.path, sc.scenario_id",
      -1, &pStmt, NULL);
  zWhat = "reading the run's scenarios";
  if( rc!=SQLITE_OK ) goto sql_err;
  sqlite3_bind_text(pStmt, 1, zRunId, -1, SQLITE_STATIC);
  {
    const char *azHead[] = { "SCENARIO", "STEPS", "PASS", "FAIL", "TODO",
                             "SKIP", "DIVERGE", "HASH" };
    results_table_row(&t, azHead);
  }
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    const char *az[8];
    int i;
    for(i=0; i<8; i++) az[i] = results_col(pStmt, i);
    if( az[2]==NULL ){ az[2] = az[3] = az[4] = az[5] = az[6] = "0"; }
    results_table_row(&t, az);
  }
  if( rc!=SQLITE_DONE ) goto sql_err;
  sqlite3_finalize(pStmt);
  pStmt = NULL;
  if( t.nRow>1 ) results_table_print(&t, pOut, abRight);
  else fprintf(pOut, "no scenario stored\n");
  results_table_free(&t);

  /* Failures with what was expected and what came out; or every step. */
  rc = sqlite3_prepare_v2(db,
      "SELECT path, line, backend, verdict, who, command, expected, output,"
      " reason FROM step_outcomes WHERE run_id = ?1"
      " AND (?2 OR verdict IN ('fail','error','fixed'))"
      " ORDER BY scenario_id, position, backend", -1, &pStmt, NULL);
  zWhat = "reading the run's steps";
  if( rc!=SQLITE_OK ) goto sql_err;
  sqlite3_bind_text(pStmt, 1, zRunId, -1, SQLITE_STATIC);
  sqlite3_bind_int(pStmt, 2, bAll);
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    const char *zVerdict = results_col(pStmt, 3);
    int bBad = strcmp(zVerdict, "fail")==0 || strcmp(zVerdict, "error")==0
            || strcmp(zVerdict, "fixed")==0;
    if( nFail==0 ) fprintf(pOut, "\n%s:\n", bAll ? "steps" : "failures");
    nFail++;
    fprintf(pOut, "  %s:%d  [%s] %s\n", results_col(pStmt, 0),
           sqlite3_column_int(pStmt, 1), results_col(pStmt, 2), zVerdict);
    fprintf(pOut, "      %-9s %s\n", "step", results_col(pStmt, 5));
    if( bBad || bAll ){
      if( results_col(pStmt, 6) ) results_print_block(pOut, "expected", results_col(pStmt, 6));
      if( results_col(pStmt, 7) ) results_print_block(pOut, "got", results_col(pStmt, 7));
      if( results_col(pStmt, 8) ) results_print_block(pOut, "reason", results_col(pStmt, 8));
    }
  }
  if( rc!=SQLITE_DONE ) goto sql_err;
  sqlite3_finalize(pStmt);
  if( nFail==0 && !bAll ) fprintf(pOut, "\nno failures\n");
  return 0;

sql_err:
  rc = results_sql_err(pStore, zWhat);
  sqlite3_finalize(pStmt);
  results_table_free(&t);
  return rc;
}

/* ---------------------------------------------------------------- 5 ---- */

/* The first line of z, at most 40 bytes, for a table cell. */
static void results_first_line(const char *z, char *zOut, size_t nOut){
  size_t n;
  if( z==NULL ){ snprintf(zOut, nOut, "-"); return; }
  n = strcspn(z, "\n");
  if( n>40 ) n = 40;
  snprintf(zOut, nOut, "%.*s%s", (int)n, z, z[n] ? "..." : "");
}

static int results_compare(Store *pStore, const char *zRunA, const char *zRunB,
                           int bVerbose, FILE *pOut){
  static const int abRight[] = {0,0,0,0,0};
  StoreChange *aChange = NULL;
  int nChange = 0, i, anKind[6] = {0};
  ResultsTable t;
  const char *azHead[] = { "CHANGE", "STEP", "BACKEND", "VERDICT", "COMMAND" };

  if( store_compare(pStore, zRunA, zRunB, &aChange, &nChange) ){
    return results_sql_err(pStore, "comparing the runs");
  }
  fprintf(pOut, "comparing %.12s (A) with %.12s (B): matched by scenario path, step"
         " position and backend\n", zRunA, zRunB);
  if( nChange==0 ){
    fprintf(pOut, "no step changed its verdict or output\n");
    return 0;
  }
  results_table_init(&t, 5);
  results_table_row(&t, azHead);
  for(i=0; i<nChange; i++){
    const StoreChange *pC = &aChange[i];
    char zWhere[512], zVerdict[64];
    const char *az[5];
    snprintf(zWhere, sizeof(zWhere), "%s:%d", pC->zPath, pC->iLine);
    snprintf(zVerdict, sizeof(zVerdict), "%s -> %s",
             pC->zVerdictA ? pC->zVerdictA : "(none)",
             pC->zVerdictB ? pC->zVerdictB : "(none)");
    az[0] = store_change_name(pC->eKind);
    az[1] = zWhere;
    az[2] = pC->zBackend;
    az[3] = zVerdict;
    az[4] = pC->zCommand;
    results_table_row(&t, az);
    anKind[pC->eKind]++;
  }
  results_table_print(&t, pOut, abRight);
  results_table_free(&t);
  if( bVerbose ){
    for(i=0; i<nChange; i++){
      const StoreChange *pC = &aChange[i];
      if( pC->eKind==STORE_CHANGE_ADDED || pC->eKind==STORE_CHANGE_REMOVED ) continue;
      fprintf(pOut, "\n  %s:%d [%s] %s%s\n", pC->zPath, pC->iLine, pC->zBackend,
             store_change_name(pC->eKind),
             pC->bScenarioChanged ? " (the scenario file changed)" : "");
      if( pC->zExpectedA || pC->zExpectedB ){
        int bSame = pC->zExpectedA && pC->zExpectedB
                 && strcmp(pC->zExpectedA, pC->zExpectedB)==0;
        if( bSame ){
          results_print_block(pOut, "expected", pC->zExpectedB);
        }else{
          results_print_block(pOut, "A expect", pC->zExpectedA);
          results_print_block(pOut, "B expect", pC->zExpectedB);
        }
      }
      results_print_block(pOut, "A output", pC->zOutputA);
      results_print_block(pOut, "B output", pC->zOutputB);
    }
  }else{
    char zA[64], zB[64];
    for(i=0; i<nChange && aChange[i].eKind!=STORE_CHANGE_OUTPUT; i++){}
    if( i<nChange ){
      results_first_line(aChange[i].zOutputA, zA, sizeof(zA));
      results_first_line(aChange[i].zOutputB, zB, sizeof(zB));
      fprintf(pOut, "(--verbose prints outputs; e.g. %s:%d was \"%s\", now \"%s\")\n",
             aChange[i].zPath, aChange[i].iLine, zA, zB);
    }
  }
  fprintf(pOut, "\n%d regressions, %d fixed, %d other verdict changes, %d output"
         " changes, %d added, %d removed\n", anKind[0], anKind[1], anKind[2],
         anKind[3], anKind[4], anKind[5]);
  store_changes_free(aChange, nChange);
  return anKind[STORE_CHANGE_REGRESSION] ? 1 : 0;
}

/* ---------------------------------------------------------------- 6 ---- */

/* Remove the database zPath and its -wal, -shm and -journal files: an
** output this merge created and then failed to fill. */
static void results_remove_db(const char *zPath){
  static const char *const azSuffix[] = { "", "-wal", "-shm", "-journal" };
  char zName[4096];
  size_t i;
  for(i=0; i<sizeof(azSuffix)/sizeof(azSuffix[0]); i++){
    if( snprintf(zName, sizeof(zName), "%s%s", zPath, azSuffix[i])
        < (int)sizeof(zName) ){
      remove(zName);
    }
  }
}

static int results_merge(ResultsOpts *pOpts){
  char zErr[512];
  Store *pOut = NULL;
  StoreMergeStats *aStats = NULL;
  struct stat stOut;
  int i, bExisted, nMax, iFirst, n;
  StoreMergeStats total = {0, 0, 0};

  if( pOpts->nArg<3 ) return results_usage("merge needs OUT.db and at least one IN.db");
  /* Check every input (header, schema, PRAGMA quick_check) before the
  ** output is created or touched. */
  for(i=2; i<pOpts->nArg; i++){
    if( store_check_input(pOpts->azArg[i], zErr, sizeof(zErr)) ){
      fprintf(stderr, "mapscope results: %s\n", zErr);
      return 2;
    }
  }
  /* Only a file known to be missing counts as created by this merge. */
  bExisted = !(stat(pOpts->azArg[1], &stOut)!=0 && errno==ENOENT);
  if( store_open(pOpts->azArg[1], &pOut, zErr, sizeof(zErr)) ){
    fprintf(stderr, "mapscope results: %s\n", zErr);
    goto err;
  }
  aStats = calloc((size_t)pOpts->nArg, sizeof(*aStats));
  if( aStats==NULL ){
    fprintf(stderr, "mapscope: out of memory\n");
    goto err;
  }
  /* One transaction over every input: all merged, or OUT as it was. SQLite
  ** attaches at most nMax databases at once; more inputs are merged nMax
  ** to a transaction, and each batch is reported once it is committed. */
  nMax = sqlite3_limit(store_db(pOut), SQLITE_LIMIT_ATTACHED, -1);
  if( nMax<1 ) nMax = 1;
  for(iFirst=2; iFirst<pOpts->nArg; iFirst+=n){
    n = pOpts->nArg - iFirst;
    if( n>nMax ) n = nMax;
    if( store_merge_many(pOut, (const char *const*)&pOpts->azArg[iFirst], n,
                         &aStats[iFirst-2], zErr, sizeof(zErr)) ){
      if( iFirst>2 ){
        fprintf(stderr, "mapscope results: %s (the inputs listed above were"
                " merged; this one and those after it were not)\n", zErr);
      }else{
        fprintf(stderr, "mapscope results: %s\n", zErr);
      }
      goto err;
    }
    for(i=iFirst; i<iFirst+n; i++){
      const StoreMergeStats *pSt = &aStats[i-2];
      printf("%s: %d runs added, %d replaced (were incomplete), %d already present\n",
             pOpts->azArg[i], pSt->nAdded, pSt->nReplaced, pSt->nSkipped);
      total.nAdded += pSt->nAdded;
      total.nReplaced += pSt->nReplaced;
      total.nSkipped += pSt->nSkipped;
    }
    fflush(stdout);
  }
  printf("merged into %s: %d runs added, %d replaced, %d already present\n",
         pOpts->azArg[1], total.nAdded, total.nReplaced, total.nSkipped);
  store_close(pOut);
  free(aStats);
  return 0;

err:
  store_close(pOut);
  free(aStats);
  /* An output this command created is not left behind half-made. */
  if( !bExisted ) results_remove_db(pOpts->azArg[1]);
  return 2;
}

/* ---------------------------------------------------------------- 7 ---- */

/* XML text: the five specials escaped, other control characters '?'. */
static const char zExportSql[] =
  "SELECT o.path, o.line, o.backend, o.verdict, o.command, o.expected,"
  " o.output, o.reason, o.duration_ms, o.scenario_id,"
  " (SELECT group_concat(k.reason, '; ') FROM known_divergences k"
  "   WHERE k.scenario_id = o.scenario_id AND k.position = o.position)"
  " FROM step_outcomes o WHERE o.run_id = ?1"
  " ORDER BY o.scenario_id, o.position, o.backend";

/*
** The export goes through the run's own writers (runner/report: tap.c,
** junit.c), row by row, so `results export` and `run --format` agree and
** count the same way. A row becomes a ReportCase; a pass with nothing to
** compare with (no expected block, and for a second backend no output of
** the first) is unchecked, as in the run.
*/
typedef struct ExportRow ExportRow;
struct ExportRow {
  ReportCase c;             /* the case (pointers into the statement) */
  long long iScenario;      /* scenario_id */
  int bNewScenario;         /* the first row of its scenario */
};

/* Fill *pRow from the statement's current row; zFirstOutput is the output
** of the step's first backend when this row is its second, else NULL. */
static void results_export_row(sqlite3_stmt *pStmt, ExportRow *pRow,
                               long long *piLastScenario, int *piLastLine,
                               char **pzFirstOutput){
  ReportCase *c = &pRow->c;
  memset(pRow, 0, sizeof(*pRow));
  pRow->iScenario = sqlite3_column_int64(pStmt, 9);
  pRow->bNewScenario = pRow->iScenario != *piLastScenario;
  int iLine = sqlite3_column_int(pStmt, 1);
  int bSameStep = !pRow->bNewScenario && iLine == *piLastLine;
  c->zFile = results_col(pStmt, 0);
  c->iLine = iLine;
  c->zBackend = results_col(pStmt, 2);
  c->eVerdict = report_verdict_from_name(results_col(pStmt, 3));
  c->zCommand = results_col(pStmt, 4);
  c->zExpected = results_col(pStmt, 5);
  c->zActual = results_col(pStmt, 6);
  c->zReason = (c->eVerdict == VERDICT_TODO || c->eVerdict == VERDICT_FIXED)
             ? results_col(pStmt, 10) : results_col(pStmt, 7);
  c->rSeconds = sqlite3_column_double(pStmt, 8) / 1000.0;
  if( c->zExpected == NULL && bSameStep && *pzFirstOutput ){
    c->zExpected = *pzFirstOutput;   /* a diff: checked against the model */
  }
  c->bUnchecked = c->eVerdict == VERDICT_PASS && c->zExpected == NULL;
  if( !bSameStep ){
    free(*pzFirstOutput);
    *pzFirstOutput = NULL;
    if( c->zActual ){
      size_t n = strlen(c->zActual) + 1;
      *pzFirstOutput = malloc(n);
      if( *pzFirstOutput ) memcpy(*pzFirstOutput, c->zActual, n);
    }
  }
  *piLastScenario = pRow->iScenario;
  *piLastLine = iLine;
}

static int results_export_tap(sqlite3 *db, const char *zRunId, int bDone,
                              FILE *pOut){
  sqlite3_stmt *pStmt = NULL;
  if( sqlite3_prepare_v2(db, zExportSql, -1, &pStmt, NULL)!=SQLITE_OK ) return 1;
  sqlite3_bind_text(pStmt, 1, zRunId, -1, SQLITE_STATIC);
  TapWriter tap;
  tap_begin(&tap, pOut);
  char zHead[128];
  snprintf(zHead, sizeof(zHead), "mapscope run %s%s", zRunId,
           bDone ? "" : " (INCOMPLETE: stopped before it finished)");
  tap_comment(&tap, zHead);
  long long iLastScenario = -1;
  int iLastLine = -1, rc;
  char *zFirst = NULL;
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    ExportRow row;
    results_export_row(pStmt, &row, &iLastScenario, &iLastLine, &zFirst);
    if( row.bNewScenario ) tap_comment(&tap, row.c.zFile);
    tap_case(&tap, &row.c);
  }
  free(zFirst);
  sqlite3_finalize(pStmt);
  if( rc!=SQLITE_DONE ) return 1;
  tap_end(&tap, NULL);
  return 0;
}

static int results_export_junit(sqlite3 *db, const char *zRunId, int bDone,
                                FILE *pOut){
  sqlite3_stmt *pStmt = NULL;
  if( sqlite3_prepare_v2(db, zExportSql, -1, &pStmt, NULL)!=SQLITE_OK ) return 1;
  sqlite3_bind_text(pStmt, 1, zRunId, -1, SQLITE_STATIC);
  JunitWriter junit;
  memset(&junit, 0, sizeof(junit));
  long long iLastScenario = -1;
  int iLastLine = -1, bOpen = 0, rc;
  char *zFirst = NULL;
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    ExportRow row;
    results_export_row(pStmt, &row, &iLastScenario, &iLastLine, &zFirst);
    if( row.bNewScenario ){
      if( bOpen ) junit_suite_end(&junit);
      junit_suite_begin(&junit, row.c.zFile);
      junit_suite_property(&junit, "run_id", zRunId);
      junit_suite_property(&junit, "completed", bDone ? "1" : "0");
      bOpen = 1;
    }
    junit_case(&junit, &row.c);
  }
  free(zFirst);
  sqlite3_finalize(pStmt);
  if( bOpen ) junit_suite_end(&junit);
  if( rc!=SQLITE_DONE ){
    FILE *pNull = fopen("/dev/null", "w");
    if( pNull ){ junit_finish(&junit, pNull, NULL); fclose(pNull); }
    return 1;
  }
  char zName[80];
  snprintf(zName, sizeof(zName), "mapscope run %s", zRunId);
  junit_finish(&junit, pOut, zName);
  return 0;
}

/* ---------------------------------------------------------------- 8 ---- */

/* Open the store for reading and resolve nRef run references. */
static int results_open(ResultsOpts *pOpts, Store **ppStore, int nRef,
                        char azRunId[2][37]){
  char zErr[512];
  int i;
  if( store_open_readonly(pOpts->zDb, ppStore, zErr, sizeof(zErr)) ){
    /* Reading commands say what they could not do, not "modify". */
    fprintf(stderr, "mapscope results: %s: nothing to %s\n", zErr, pOpts->azArg[0]);
    return 2;
  }
  for(i=0; i<nRef; i++){
    if( store_resolve_run(*ppStore, pOpts->azArg[1+i], azRunId[i], zErr,
                          sizeof(zErr)) ){
      fprintf(stderr, "mapscope results: %s\n", zErr);
      store_close(*ppStore);
      *ppStore = NULL;
      return 2;
    }
  }
  return 0;
}

/* The export of run zRunId in the chosen format into pOut: 0, or 2 after
** reporting the SQLite error. */
static int results_export(Store *pStore, const char *zRunId, int bJunit,
                          FILE *pOut){
  sqlite3_stmt *pStmt = NULL;
  int bDone = 0, rc;
  rc = sqlite3_prepare_v2(store_db(pStore), "SELECT completed FROM runs"
                          " WHERE run_id = ?1", -1, &pStmt, NULL);
  if( rc==SQLITE_OK ){
    sqlite3_bind_text(pStmt, 1, zRunId, -1, SQLITE_STATIC);
    rc = sqlite3_step(pStmt);
    if( rc==SQLITE_ROW ) bDone = sqlite3_column_int(pStmt, 0);
  }
  sqlite3_finalize(pStmt);
  if( rc!=SQLITE_ROW ) return results_sql_err(pStore, "reading the run");
  rc = bJunit ? results_export_junit(store_db(pStore), zRunId, bDone, pOut)
              : results_export_tap(store_db(pStore), zRunId, bDone, pOut);
  return rc ? results_sql_err(pStore, "exporting the run") : 0;
}

int cmd_results(int argc, char **argv){
  ResultsOpts opts;
  Store *pStore = NULL;
  char azRunId[2][37];
  const char *zAction;
  char *zBuf = NULL;        /* the report, printed only once it is whole */
  size_t nBuf = 0;
  FILE *pOut = NULL;
  int rc;

  rc = results_parse(argc, argv, &opts);
  if( rc ) goto done;
  if( opts.nArg==0 ){ rc = results_usage("no action given"); goto done; }
  zAction = opts.azArg[0];
  pOut = open_memstream(&zBuf, &nBuf);
  if( pOut==NULL ){ fprintf(stderr, "mapscope: out of memory\n"); rc = 2; goto done; }
  if( strcmp(zAction, "help")==0 ){
    fputs(zResultsHelp, pOut);
    rc = 0;
  }else if( strcmp(zAction, "list")==0 ){
    if( opts.nArg!=1 ){ rc = results_usage("list takes no argument"); goto done; }
    rc = results_open(&opts, &pStore, 0, azRunId);
    if( rc==0 ) rc = results_list(pStore, pOut);
  }else if( strcmp(zAction, "show")==0 ){
    if( opts.nArg!=2 ){ rc = results_usage("show needs one RUN"); goto done; }
    rc = results_open(&opts, &pStore, 1, azRunId);
    if( rc==0 ) rc = results_show(pStore, azRunId[0], opts.bAll, pOut);
  }else if( strcmp(zAction, "compare")==0 ){
    if( opts.nArg!=3 ){ rc = results_usage("compare needs RUN_A and RUN_B"); goto done; }
    rc = results_open(&opts, &pStore, 2, azRunId);
    if( rc==0 ) rc = results_compare(pStore, azRunId[0], azRunId[1], opts.bVerbose, pOut);
  }else if( strcmp(zAction, "merge")==0 ){
    rc = results_merge(&opts);
  }else if( strcmp(zAction, "export")==0 ){
    if( opts.nArg!=2 ){ rc = results_usage("export needs one RUN"); goto done; }
    if( opts.zFormat==NULL ){ rc = results_usage("export needs --format junit|tap"); goto done; }
    if( strcmp(opts.zFormat, "junit")!=0 && strcmp(opts.zFormat, "tap")!=0 ){
      rc = results_usage("unknown format '%s'", opts.zFormat);
      goto done;
    }
    rc = results_open(&opts, &pStore, 1, azRunId);
    if( rc==0 ) rc = results_export(pStore, azRunId[0], opts.zFormat[0]=='j', pOut);
  }else{
    rc = results_usage("unknown action '%s'", zAction);
  }

done:
  store_close(pStore);
  free(opts.azArg);
  if( pOut ){
    /* Exit 0 or 1 (compare found a regression) is a whole report; after
    ** an error nothing partial is printed as if it were complete. */
    if( fclose(pOut)!=0 ){
      if( rc<2 ){ fprintf(stderr, "mapscope: out of memory\n"); rc = 2; }
    }else if( rc<2 && nBuf>0 && fwrite(zBuf, 1, nBuf, stdout)!=nBuf ){
      rc = 2;
    }
    free(zBuf);
  }
  if( fflush(stdout)!=0 && rc<2 ) rc = 2;
  return rc;
}
