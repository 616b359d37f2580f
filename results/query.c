/*
** results/query.c: reading runs back: resolving a run reference,
** comparing two runs, and merging other databases into a store.
**
** Contents: 1. run references  2. compare  3. input checks  4. merge
*/
#include "store.h"

#include <sqlite3.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ---------------------------------------------------------------- 1 ---- */

int store_resolve_run(Store *p, const char *zRef, char zRunId[37],
                      char *zErr, int nErr){
  sqlite3 *db = store_db(p);
  sqlite3_stmt *pStmt = NULL;
  int nMatch = 0, rc, i;

  if( zRef==NULL || zRef[0]==0 ){
    snprintf(zErr, (size_t)nErr, "no run given");
    return 1;
  }
  if( strncmp(zRef, "last", 4)==0 && (zRef[4]==0 || zRef[4]=='~') ){
    long nBack = 0;
    if( zRef[4]=='~' ){
      char *zEnd = NULL;
      if( !isdigit((unsigned char)zRef[5]) ) goto bad_ref;
      nBack = strtol(&zRef[5], &zEnd, 10);
      if( *zEnd || nBack<0 || nBack>1000000000L ) goto bad_ref;
    }
    rc = sqlite3_prepare_v2(db,
        "SELECT run_id FROM runs ORDER BY started_at DESC, rowid DESC"
        " LIMIT 1 OFFSET ?1", -1, &pStmt, NULL);
    if( rc!=SQLITE_OK ) goto sql_err;
    sqlite3_bind_int64(pStmt, 1, nBack);
    rc = sqlite3_step(pStmt);
    if( rc==SQLITE_ROW ){
      snprintf(zRunId, 37, "%s", (const char*)sqlite3_column_text(pStmt, 0));
      sqlite3_finalize(pStmt);
      return 0;
    }
    if( rc!=SQLITE_DONE ) goto sql_err;
    sqlite3_finalize(pStmt);
    snprintf(zErr, (size_t)nErr, "%s: no such run (the database holds fewer"
             " runs)", zRef);
    return 1;
  }
  for(i=0; zRef[i]; i++){
    if( !isxdigit((unsigned char)zRef[i]) || i>=32 ) goto bad_ref;
  }
  rc = sqlite3_prepare_v2(db,
      "SELECT run_id FROM runs WHERE substr(run_id, 1, length(?1)) = lower(?1)"
      " ORDER BY run_id", -1, &pStmt, NULL);
  if( rc!=SQLITE_OK ) goto sql_err;
  sqlite3_bind_text(pStmt, 1, zRef, -1, SQLITE_STATIC);
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    if( nMatch==0 ){
      snprintf(zRunId, 37, "%s", (const char*)sqlite3_column_text(pStmt, 0));
    }
    nMatch++;
  }
  if( rc!=SQLITE_DONE ) goto sql_err;
  sqlite3_finalize(pStmt);
  if( nMatch==0 ){
    snprintf(zErr, (size_t)nErr, "%s: no run matches", zRef);
    return 1;
  }
  if( nMatch>1 ){
    snprintf(zErr, (size_t)nErr, "%s: ambiguous, %d runs start with it",
             zRef, nMatch);
    return 1;
  }
  return 0;

bad_ref:
  snprintf(zErr, (size_t)nErr, "%.60s: not a run (give an id, a prefix of"
           " one, last or last~N)", zRef);
  return 1;
sql_err:
  snprintf(zErr, (size_t)nErr, "%s: resolving run %.60s: %s", store_path(p),
           zRef, sqlite3_errmsg(db));
  sqlite3_finalize(pStmt);
  return 1;
}

/* ---------------------------------------------------------------- 2 ---- */

const char *store_change_name(StoreChangeKind e){
  switch( e ){
    case STORE_CHANGE_REGRESSION: return "regression";
    case STORE_CHANGE_FIX:        return "fix";
    case STORE_CHANGE_VERDICT:    return "verdict";
    case STORE_CHANGE_OUTPUT:     return "output";
    case STORE_CHANGE_ADDED:      return "added";
    case STORE_CHANGE_REMOVED:    return "removed";
  }
  return "?";
}

/* The change kinds are computed in SQL, in the order of StoreChangeKind.
** A run may hold one scenario path more than once (a path given twice on
** the command line): the n-th occurrence of a path in run A (in storage
** order) is matched with the n-th in run B, never with every one of them. */
static const char zCompareSql[] =
  "WITH occ_a AS (SELECT scenario_id, row_number() OVER (PARTITION BY path\n"
  "                   ORDER BY scenario_id) AS occ\n"
  "              FROM scenarios WHERE run_id = ?1),\n"
  "     occ_b AS (SELECT scenario_id, row_number() OVER (PARTITION BY path\n"
  "                   ORDER BY scenario_id) AS occ\n"
  "              FROM scenarios WHERE run_id = ?2),\n"
  "     a AS (SELECT path, occ, position, line, command, backend, verdict,\n"
  "                  output, expected, content_hash\n"
  "             FROM step_outcomes JOIN occ_a USING (scenario_id)\n"
  "            WHERE run_id = ?1),\n"
  "     b AS (SELECT path, occ, position, line, command, backend, verdict,\n"
  "                  output, expected, content_hash\n"
  "             FROM step_outcomes JOIN occ_b USING (scenario_id)\n"
  "            WHERE run_id = ?2),\n"
  "     pairs AS (\n"
  "       SELECT b.path, b.position, b.line, b.command, b.backend,\n"
  "              a.verdict AS va, b.verdict AS vb, a.output AS oa, b.output AS ob,\n"
  "              a.expected AS ea, b.expected AS eb,\n"
  "              a.content_hash IS NOT b.content_hash AS changed\n"
  "         FROM b LEFT JOIN a ON a.path = b.path AND a.occ = b.occ\n"
  "                           AND a.position = b.position\n"
  "                           AND a.backend = b.backend\n"
  "       UNION ALL\n"
  "       SELECT a.path, a.position, a.line, a.command, a.backend,\n"
  "              a.verdict, NULL, a.output, NULL, a.expected, NULL, 1\n"
  "         FROM a WHERE NOT EXISTS (SELECT 1 FROM b WHERE b.path = a.path\n"
  "              AND b.occ = a.occ AND b.position = a.position\n"
  "              AND b.backend = a.backend)),\n"
  "     k AS (\n"
  "       SELECT *, CASE\n"
  "         WHEN va IS NULL THEN 4\n"
  "         WHEN vb IS NULL THEN 5\n"
  "         WHEN va NOT IN ('fail','error','fixed')\n"
  "          AND vb IN ('fail','error','fixed') THEN 0\n"
  "         WHEN va IN ('fail','error','fixed')\n"
  "          AND vb NOT IN ('fail','error','fixed') THEN 1\n"
  "         WHEN va <> vb THEN 2\n"
  "         WHEN oa IS NOT ob THEN 3\n"
  "         ELSE -1 END AS kind FROM pairs)\n"
  "SELECT kind, path, position, line, backend, command, va, vb, oa, ob,\n"
  "       ea, eb, changed\n"
  "  FROM k WHERE kind >= 0 ORDER BY kind, path, position, backend";

static char *store_dup_column(sqlite3_stmt *pStmt, int i, int *pbOom){
  const unsigned char *z = sqlite3_column_text(pStmt, i);
  char *zCopy;
  if( z==NULL ) return NULL;
  zCopy = strdup((const char*)z);
  if( zCopy==NULL ) *pbOom = 1;
  return zCopy;
}

int store_compare(Store *p, const char *zRunA, const char *zRunB,
                  StoreChange **paChange, int *pnChange){
  sqlite3 *db = store_db(p);
  sqlite3_stmt *pStmt = NULL;
  StoreChange *aChange = NULL;
  int nChange = 0, nAlloc = 0, bOom = 0, rc;

  *paChange = NULL;
  *pnChange = 0;
  rc = sqlite3_prepare_v2(db, zCompareSql, -1, &pStmt, NULL);
  if( rc!=SQLITE_OK ) goto err;
  sqlite3_bind_text(pStmt, 1, zRunA, -1, SQLITE_STATIC);
  sqlite3_bind_text(pStmt, 2, zRunB, -1, SQLITE_STATIC);
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    StoreChange *pC;
    if( nChange>=nAlloc ){
      int nNew = nAlloc ? nAlloc*2 : 32;
      StoreChange *aNew = realloc(aChange, (size_t)nNew * sizeof(*aNew));
      if( aNew==NULL ){ bOom = 1; break; }
      aChange = aNew;
      nAlloc = nNew;
    }
    pC = &aChange[nChange++];
    memset(pC, 0, sizeof(*pC));
    pC->eKind = (StoreChangeKind)sqlite3_column_int(pStmt, 0);
    pC->zPath = store_dup_column(pStmt, 1, &bOom);
    pC->iPosition = sqlite3_column_int(pStmt, 2);
    pC->iLine = sqlite3_column_int(pStmt, 3);
    pC->zBackend = store_dup_column(pStmt, 4, &bOom);
    pC->zCommand = store_dup_column(pStmt, 5, &bOom);
    pC->zVerdictA = store_dup_column(pStmt, 6, &bOom);
    pC->zVerdictB = store_dup_column(pStmt, 7, &bOom);
    pC->zOutputA = store_dup_column(pStmt, 8, &bOom);
    pC->zOutputB = store_dup_column(pStmt, 9, &bOom);
    pC->zExpectedA = store_dup_column(pStmt, 10, &bOom);
    pC->zExpectedB = store_dup_column(pStmt, 11, &bOom);
    pC->bScenarioChanged = sqlite3_column_int(pStmt, 12);
    if( bOom ) break;
  }
  if( bOom ){
    sqlite3_finalize(pStmt);
    store_changes_free(aChange, nChange);
    return SQLITE_NOMEM;
  }
  if( rc!=SQLITE_DONE ) goto err;
  sqlite3_finalize(pStmt);
  *paChange = aChange;
  *pnChange = nChange;
  return 0;

err:
  rc = sqlite3_errcode(db);
  sqlite3_finalize(pStmt);
  store_changes_free(aChange, nChange);
  return rc ? rc : 1;
}

void store_changes_free(StoreChange *aChange, int nChange){
  int i;
  for(i=0; i<nChange; i++){
    free(aChange[i].zPath);
    free(aChange[i].zBackend);
    free(aChange[i].zCommand);
    free(aChange[i].zVerdictA);
    free(aChange[i].zVerdictB);
    free(aChange[i].zOutputA);
    free(aChange[i].zOutputB);
    free(aChange[i].zExpectedA);
    free(aChange[i].zExpectedB);
  }
  free(aChange);
}

/* ---------------------------------------------------------------- 3 ---- */

/*
** The part of store_check_input() that reads the file with SQLite (a
** connection that runs no write): the schema (application_id, a user_version this
** build reads, every table a merge copies) and PRAGMA quick_check, which
** reads every page. Returns 0, or 1 with a one-line reason in zErr.
*/
static int store_check_content(const char *zPath, char *zErr, int nErr){
  static const char *const azTable[] = { "runs", "scenarios", "steps",
                                         "step_results", "known_divergences" };
  sqlite3 *db = NULL;
  sqlite3_stmt *pStmt = NULL;
  sqlite3_int64 iAppId = 0, iVersion = 0;
  const char *zWhat = "cannot open";
  size_t i;
  int rc, nRow = 0, bOk = 0;

  /* Read-write (never create) only so that closing the last connection
  ** removes the -wal and -shm files it made, as the merge's ATTACH does;
  ** query_only keeps every statement from writing. */
  rc = sqlite3_open_v2(zPath, &db, SQLITE_OPEN_READWRITE, NULL);
  if( rc==SQLITE_OK ) rc = sqlite3_exec(db, "PRAGMA query_only=1", NULL, NULL, NULL);
  if( rc!=SQLITE_OK ) goto sql_err;
  sqlite3_busy_timeout(db, 60000);
  zWhat = "cannot read the schema";
  rc = sqlite3_prepare_v2(db, "SELECT (SELECT application_id FROM"
                          " pragma_application_id), (SELECT user_version FROM"
                          " pragma_user_version)", -1, &pStmt, NULL);
  if( rc!=SQLITE_OK ) goto sql_err;
  rc = sqlite3_step(pStmt);
  if( rc!=SQLITE_ROW ) goto sql_err;
  iAppId = sqlite3_column_int64(pStmt, 0);
  iVersion = sqlite3_column_int64(pStmt, 1);
  sqlite3_finalize(pStmt);
  pStmt = NULL;
  if( iAppId!=STORE_APPLICATION_ID || iVersion<1 || iVersion>STORE_SCHEMA_VERSION ){
    snprintf(zErr, (size_t)nErr, "%s: not a mapscope database this version can"
             " read (application_id %lld, schema %lld); refusing it", zPath,
             (long long)iAppId, (long long)iVersion);
    goto err;
  }
  rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_schema WHERE type = 'table'"
                          " AND name = ?1", -1, &pStmt, NULL);
  if( rc!=SQLITE_OK ) goto sql_err;
  for(i=0; i<sizeof(azTable)/sizeof(azTable[0]); i++){
    sqlite3_reset(pStmt);
    sqlite3_bind_text(pStmt, 1, azTable[i], -1, SQLITE_STATIC);
    rc = sqlite3_step(pStmt);
    if( rc==SQLITE_DONE ){
      snprintf(zErr, (size_t)nErr, "%s: not a mapscope database this version"
               " can read (no table %s); refusing it", zPath, azTable[i]);
      goto err;
    }
    if( rc!=SQLITE_ROW ) goto sql_err;
  }
  sqlite3_finalize(pStmt);
  pStmt = NULL;
  zWhat = "damaged (PRAGMA quick_check)";
  rc = sqlite3_prepare_v2(db, "PRAGMA quick_check", -1, &pStmt, NULL);
  if( rc!=SQLITE_OK ) goto sql_err;
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    const char *z = (const char*)sqlite3_column_text(pStmt, 0);
    if( nRow++==0 ){
      bOk = z && strcmp(z, "ok")==0;
      if( !bOk ){
        snprintf(zErr, (size_t)nErr, "%s: damaged (PRAGMA quick_check: %.200s);"
                 " refusing it", zPath, z ? z : "?");
      }
    }
  }
  if( rc!=SQLITE_DONE ) goto sql_err;
  if( !bOk || nRow!=1 ){
    if( bOk ){
      snprintf(zErr, (size_t)nErr, "%s: damaged (PRAGMA quick_check found"
               " problems); refusing it", zPath);
    }
    goto err;
  }
  sqlite3_finalize(pStmt);
  sqlite3_close(db);
  return 0;

sql_err:
  snprintf(zErr, (size_t)nErr, "%s: %s: %s; refusing it", zPath, zWhat,
           db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
err:
  sqlite3_finalize(pStmt);
  sqlite3_close(db);
  return 1;
}

int store_check_input(const char *zPath, char *zErr, int nErr){
  struct stat st;
  unsigned char aHdr[100];
  FILE *pFile;
  size_t nRead;
  unsigned long iAppId, iVersion;

  if( stat(zPath, &st)!=0 || !S_ISREG(st.st_mode) ){
    snprintf(zErr, (size_t)nErr, "%s: no such database file", zPath);
    return 1;
  }
  pFile = fopen(zPath, "rb");
  if( pFile==NULL ){
    snprintf(zErr, (size_t)nErr, "%s: cannot read", zPath);
    return 1;
  }
  nRead = fread(aHdr, 1, sizeof(aHdr), pFile);
  fclose(pFile);
  if( nRead<sizeof(aHdr) || memcmp(aHdr, "SQLite format 3", 16)!=0 ){
    snprintf(zErr, (size_t)nErr, "%s: not an SQLite database; refusing it", zPath);
    return 1;
  }
  iAppId = ((unsigned long)aHdr[68]<<24) | ((unsigned long)aHdr[69]<<16)
         | ((unsigned long)aHdr[70]<<8) | aHdr[71];
  iVersion = ((unsigned long)aHdr[60]<<24) | ((unsigned long)aHdr[61]<<16)
           | ((unsigned long)aHdr[62]<<8) | aHdr[63];
  if( iAppId!=STORE_APPLICATION_ID ){
    snprintf(zErr, (size_t)nErr, "%s: not a mapscope database (application_id"
             " %lu); refusing it", zPath, iAppId);
    return 1;
  }
  if( iVersion>STORE_SCHEMA_VERSION ){
    snprintf(zErr, (size_t)nErr, "%s: schema version %lu is newer than this"
             " mapscope understands (%d); use a newer mapscope", zPath,
             iVersion, STORE_SCHEMA_VERSION);
    return 1;
  }
  return store_check_content(zPath, zErr, nErr);
}

/* ---------------------------------------------------------------- 4 ---- */

/*
** The column list "a,b,c" of the columns table zTable has in both schemas
** main and zSrc (an older input may lack newer columns, which stay NULL or
** take their default) into *pzCols, and the select list into *pzSelect,
** where scenario_id is shifted by iScnOff. Returns 0 or an SQLite code.
*/
static int merge_columns(sqlite3 *db, const char *zSrc, const char *zTable,
                         sqlite3_int64 iScnOff, char **pzCols, char **pzSelect){
  sqlite3_stmt *pStmt = NULL;
  char *zSql;
  size_t nCols = 0, nSel = 0, nAlloc = 4096;
  char *zCols = calloc(1, nAlloc), *zSel = calloc(1, nAlloc);
  int rc;

  *pzCols = *pzSelect = NULL;
  zSql = sqlite3_mprintf(
      "SELECT m.name FROM pragma_table_info(%Q, 'main') m"
      " JOIN pragma_table_info(%Q, %Q) s ON s.name = m.name ORDER BY m.cid",
      zTable, zTable, zSrc);
  if( zSql==NULL || zCols==NULL || zSel==NULL ){ rc = SQLITE_NOMEM; goto err; }
  rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL);
  sqlite3_free(zSql);
  if( rc!=SQLITE_OK ) goto err;
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    const char *zName = (const char*)sqlite3_column_text(pStmt, 0);
    int n;
    if( nCols + strlen(zName) + 64 > nAlloc || nSel + strlen(zName) + 64 > nAlloc ){
      rc = SQLITE_TOOBIG;
      goto err;
    }
    n = snprintf(zCols + nCols, nAlloc - nCols, "%s\"%s\"", nCols ? "," : "", zName);
    nCols += (size_t)n;
    if( strcmp(zName, "scenario_id")==0 ){
      n = snprintf(zSel + nSel, nAlloc - nSel, "%s\"%s\"+%lld", nSel ? "," : "",
                   zName, (long long)iScnOff);
    }else{
      n = snprintf(zSel + nSel, nAlloc - nSel, "%s\"%s\"", nSel ? "," : "", zName);
    }
    nSel += (size_t)n;
  }
  if( rc!=SQLITE_DONE ) goto err;
  sqlite3_finalize(pStmt);
  *pzCols = zCols;
  *pzSelect = zSel;
  return SQLITE_OK;

err:
  sqlite3_finalize(pStmt);
  free(zCols);
  free(zSel);
  return rc;
}

/* Run zSql with ?1 bound to zRunId. */
static int merge_exec(sqlite3 *db, const char *zSql, const char *zRunId){
  sqlite3_stmt *pStmt = NULL;
  int rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL);
  if( rc!=SQLITE_OK ) return rc;
  sqlite3_bind_text(pStmt, 1, zRunId, -1, SQLITE_STATIC);
  rc = sqlite3_step(pStmt);
  sqlite3_finalize(pStmt);
  return rc==SQLITE_DONE || rc==SQLITE_ROW ? SQLITE_OK : rc;
}

/* One integer from zSql with ?1 bound to zRunId (0 for NULL). */
static int merge_int(sqlite3 *db, const char *zSql, const char *zRunId,
                     sqlite3_int64 *piOut){
  sqlite3_stmt *pStmt = NULL;
  int rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL);
  *piOut = 0;
  if( rc!=SQLITE_OK ) return rc;
  if( zRunId ) sqlite3_bind_text(pStmt, 1, zRunId, -1, SQLITE_STATIC);
  rc = sqlite3_step(pStmt);
  if( rc==SQLITE_ROW ){
    *piOut = sqlite3_column_int64(pStmt, 0);
    rc = SQLITE_OK;
  }else if( rc==SQLITE_DONE ){
    rc = SQLITE_OK;
  }
  sqlite3_finalize(pStmt);
  return rc;
}

/* Remove run zRunId and everything under it from main. */
static int merge_delete_run(sqlite3 *db, const char *zRunId){
  static const char *const azSql[] = {
    "DELETE FROM main.step_results WHERE scenario_id IN (SELECT scenario_id"
    " FROM main.scenarios WHERE run_id = ?1)",
    "DELETE FROM main.steps WHERE scenario_id IN (SELECT scenario_id FROM"
    " main.scenarios WHERE run_id = ?1)",
    "DELETE FROM main.known_divergences WHERE scenario_id IN (SELECT"
    " scenario_id FROM main.scenarios WHERE run_id = ?1)",
    "DELETE FROM main.scenarios WHERE run_id = ?1",
    "DELETE FROM main.runs WHERE run_id = ?1",
  };
  size_t i;
  for(i=0; i<sizeof(azSql)/sizeof(azSql[0]); i++){
    int rc = merge_exec(db, azSql[i], zRunId);
    if( rc!=SQLITE_OK ) return rc;
  }
  return SQLITE_OK;
}

/* Copy table zTable's rows of run zRunId (selected by zWhere, which uses
** ?1 and names the input schema as %w) from input schema zSrc to main,
** shifting scenario ids. */
static int merge_copy(sqlite3 *db, const char *zSrc, const char *zTable,
                      const char *zWhere, const char *zRunId,
                      sqlite3_int64 iScnOff){
  char *zCols = NULL, *zSel = NULL, *zSql = NULL, *zCond = NULL;
  int rc = merge_columns(db, zSrc, zTable, iScnOff, &zCols, &zSel);
  if( rc!=SQLITE_OK ) return rc;
  zCond = sqlite3_mprintf(zWhere, zSrc);
  zSql = zCond==NULL ? NULL :
      sqlite3_mprintf("INSERT INTO main.\"%w\"(%s) SELECT %s FROM \"%w\".\"%w\""
                      " WHERE %s", zTable, zCols, zSel, zSrc, zTable, zCond);
  if( zSql==NULL ){
    rc = SQLITE_NOMEM;
  }else{
    rc = merge_exec(db, zSql, zRunId);
  }
  sqlite3_free(zSql);
  sqlite3_free(zCond);
  free(zCols);
  free(zSel);
  return rc;
}

/* Copy run zRunId from input schema zSrc to main, renumbering its scenario
** ids above those already in main (steps and results are keyed by scenario
** id and position, so they follow). */
static int merge_copy_run(sqlite3 *db, const char *zSrc, const char *zRunId){
  static const char *const azTable[] = { "steps", "step_results",
                                         "known_divergences" };
  const char *zScnOfRun = "scenario_id IN (SELECT scenario_id FROM"
                          " \"%w\".scenarios WHERE run_id = ?1)";
  sqlite3_int64 iMaxScn, iMinScn, iScnOff;
  char *zSql;
  size_t i;
  int rc;
  rc = merge_int(db, "SELECT coalesce(max(scenario_id), 0) FROM main.scenarios",
                 NULL, &iMaxScn);
  if( rc!=SQLITE_OK ) return rc;
  zSql = sqlite3_mprintf("SELECT coalesce(min(scenario_id), 0) FROM"
                         " \"%w\".scenarios WHERE run_id = ?1", zSrc);
  if( zSql==NULL ) return SQLITE_NOMEM;
  rc = merge_int(db, zSql, zRunId, &iMinScn);
  sqlite3_free(zSql);
  if( rc!=SQLITE_OK ) return rc;
  iScnOff = iMaxScn + 1 - iMinScn;
  rc = merge_copy(db, zSrc, "runs", "run_id = ?1", zRunId, iScnOff);
  if( rc==SQLITE_OK ) rc = merge_copy(db, zSrc, "scenarios", "run_id = ?1", zRunId, iScnOff);
  for(i=0; rc==SQLITE_OK && i<sizeof(azTable)/sizeof(azTable[0]); i++){
    rc = merge_copy(db, zSrc, azTable[i], zScnOfRun, zRunId, iScnOff);
  }
  return rc;
}

/* What to do with one input run. */
typedef struct MergeRun MergeRun;
struct MergeRun {
  char zRunId[64];          /* its id */
  int eAction;              /* 0 add, 1 replace an incomplete copy, 2 skip */
};

/* Merge the runs of input schema zSrc into main, inside the caller's
** transaction. Returns 0 or an SQLite code. */
static int merge_one(sqlite3 *db, const char *zSrc, StoreMergeStats *pStats){
  sqlite3_stmt *pRuns = NULL;
  MergeRun *aRun = NULL;
  int nRun = 0, nRunAlloc = 0, i, rc;
  char *zSql = sqlite3_mprintf(
      "SELECT s.run_id, s.completed, m.completed FROM \"%w\".runs s"
      " LEFT JOIN main.runs m ON m.run_id = s.run_id ORDER BY s.started_at", zSrc);

  if( zSql==NULL ) return SQLITE_NOMEM;
  /* Decide every run first: main is written while the input is read. */
  rc = sqlite3_prepare_v2(db, zSql, -1, &pRuns, NULL);
  sqlite3_free(zSql);
  if( rc!=SQLITE_OK ) goto err;
  while( (rc = sqlite3_step(pRuns))==SQLITE_ROW ){
    int bSrcDone = sqlite3_column_int(pRuns, 1);
    int bPresent = sqlite3_column_type(pRuns, 2)!=SQLITE_NULL;
    int bMainDone = sqlite3_column_int(pRuns, 2);
    MergeRun *pRun;
    if( nRun>=nRunAlloc ){
      int nNew = nRunAlloc ? nRunAlloc*2 : 16;
      MergeRun *aNew = realloc(aRun, (size_t)nNew * sizeof(*aNew));
      if( aNew==NULL ){ rc = SQLITE_NOMEM; break; }
      aRun = aNew;
      nRunAlloc = nNew;
    }
    pRun = &aRun[nRun++];
    snprintf(pRun->zRunId, sizeof(pRun->zRunId), "%s",
             (const char*)sqlite3_column_text(pRuns, 0));
    pRun->eAction = !bPresent ? 0 : (bMainDone || !bSrcDone) ? 2 : 1;
  }
  if( rc!=SQLITE_DONE ) goto err;
  sqlite3_finalize(pRuns);
  pRuns = NULL;
  for(i=0; i<nRun; i++){
    if( aRun[i].eAction==2 ){
      pStats->nSkipped++;
      continue;
    }
    if( aRun[i].eAction==1 ){
      rc = merge_delete_run(db, aRun[i].zRunId);
      if( rc!=SQLITE_OK ) goto err;
      pStats->nReplaced++;
    }else{
      pStats->nAdded++;
    }
    rc = merge_copy_run(db, zSrc, aRun[i].zRunId);
    if( rc!=SQLITE_OK ) goto err;
  }
  free(aRun);
  return SQLITE_OK;

err:
  sqlite3_finalize(pRuns);
  free(aRun);
  return rc;
}

int store_merge_many(Store *pOut, const char *const *azIn, int nIn,
                     StoreMergeStats *aStats, char *zErr, int nErr){
  sqlite3 *db = store_db(pOut);
  struct stat stIn, stOut;
  char zSrc[32];
  const char *zIn = NULL;   /* the input at fault, for the message */
  int nAttached = 0, bTxn = 0, i, rc;
  int nMax = sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, -1);

  if( nIn>nMax ){
    snprintf(zErr, (size_t)nErr, "%d inputs: at most %d can be merged at once;"
             " merge the rest in a second command", nIn, nMax);
    return 1;
  }
  for(i=0; i<nIn; i++){
    if( store_check_input(azIn[i], zErr, nErr) ) goto err;
    if( stat(store_path(pOut), &stOut)==0 && stat(azIn[i], &stIn)==0
     && stIn.st_dev==stOut.st_dev && stIn.st_ino==stOut.st_ino ){
      snprintf(zErr, (size_t)nErr, "%s: is the output database itself", azIn[i]);
      goto err;
    }
  }
  /* ATTACH is not allowed inside a transaction: attach every input first,
  ** then merge them all in one, so a failure anywhere leaves pOut as it
  ** was. */
  for(i=0; i<nIn; i++){
    sqlite3_stmt *pAttach = NULL;
    sqlite3_int64 iAppId = 0, iVersion = 0;
    char zSql[96];
    zIn = azIn[i];
    snprintf(zSrc, sizeof(zSrc), "src%d", i);
    rc = sqlite3_prepare_v2(db, "ATTACH ?1 AS ?2", -1, &pAttach, NULL);
    if( rc==SQLITE_OK ){
      sqlite3_bind_text(pAttach, 1, azIn[i], -1, SQLITE_STATIC);
      sqlite3_bind_text(pAttach, 2, zSrc, -1, SQLITE_STATIC);
      rc = sqlite3_step(pAttach);
      rc = rc==SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(pAttach);
    if( rc!=SQLITE_OK ) goto sql_err;
    nAttached++;
    /* The checks said so; the schema, read under a lock, must agree. */
    snprintf(zSql, sizeof(zSql), "PRAGMA \"%s\".application_id", zSrc);
    rc = merge_int(db, zSql, NULL, &iAppId);
    snprintf(zSql, sizeof(zSql), "PRAGMA \"%s\".user_version", zSrc);
    if( rc==SQLITE_OK ) rc = merge_int(db, zSql, NULL, &iVersion);
    if( rc!=SQLITE_OK ) goto sql_err;
    if( iAppId!=STORE_APPLICATION_ID || iVersion<1 || iVersion>STORE_SCHEMA_VERSION ){
      snprintf(zErr, (size_t)nErr, "%s: not a mapscope database this version can"
               " read (schema %lld)", azIn[i], (long long)iVersion);
      goto err;
    }
  }

  zIn = NULL;
  rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if( rc!=SQLITE_OK ) goto sql_err;
  bTxn = 1;
  for(i=0; i<nIn; i++){
    StoreMergeStats st = {0, 0, 0};
    zIn = azIn[i];
    snprintf(zSrc, sizeof(zSrc), "src%d", i);
    rc = merge_one(db, zSrc, &st);
    if( rc!=SQLITE_OK ) goto sql_err;
    aStats[i] = st;
  }
  zIn = NULL;
  rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
  if( rc!=SQLITE_OK ) goto sql_err;
  bTxn = 0;
  for(i=nAttached-1; i>=0; i--){
    char zSql[32];
    snprintf(zSql, sizeof(zSql), "DETACH src%d", i);
    sqlite3_exec(db, zSql, NULL, NULL, NULL);
  }
  return 0;

sql_err:
  if( zIn ){
    snprintf(zErr, (size_t)nErr, "%s: cannot merge: %s", zIn, sqlite3_errmsg(db));
  }else{
    snprintf(zErr, (size_t)nErr, "%s: cannot merge: %s", store_path(pOut),
             sqlite3_errmsg(db));
  }
err:
  if( bTxn ) sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
  for(i=nAttached-1; i>=0; i--){
    char zSql[32];
    snprintf(zSql, sizeof(zSql), "DETACH src%d", i);
    sqlite3_exec(db, zSql, NULL, NULL, NULL);
  }
  return 1;
}

int store_merge(Store *pOut, const char *zInPath, StoreMergeStats *pStats,
                char *zErr, int nErr){
  StoreMergeStats st = {0, 0, 0};
  if( store_merge_many(pOut, &zInPath, 1, &st, zErr, nErr) ) return 1;
  pStats->nAdded += st.nAdded;
  pStats->nReplaced += st.nReplaced;
  pStats->nSkipped += st.nSkipped;
  return 0;
}
