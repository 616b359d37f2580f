/*
** results/query.c: reading runs back: resolving a run reference,
** comparing two runs, and merging other databases into a store.
**
** Contents: 1. run references  2. compare  3. input checks  4. merge
*/
#include "store.h"
#include "store_int.h"

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
        "SELECT run_id FROM runs ORDER BY seq DESC LIMIT 1 OFFSET ?1", -1, &pStmt, NULL);
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
** order) is matched with the n-th in run B, never with every one of them.
** It reads the tables only, never the file's views. */
static const char zCompareSql[] =
  "WITH occ_a AS (SELECT scenario_id, path, content_hash, row_number() OVER\n"
  "                   (PARTITION BY path ORDER BY scenario_id) AS occ\n"
  "              FROM scenarios WHERE run_id = ?1),\n"
  "     occ_b AS (SELECT scenario_id, path, content_hash, row_number() OVER\n"
  "                   (PARTITION BY path ORDER BY scenario_id) AS occ\n"
  "              FROM scenarios WHERE run_id = ?2),\n"
  "     a AS (SELECT o.path, o.occ, st.position, st.line, st.command,\n"
  "                  sr.backend, sr.verdict, sr.output, st.expected,\n"
  "                  o.content_hash\n"
  "             FROM occ_a o JOIN steps st ON st.scenario_id = o.scenario_id\n"
  "             JOIN step_results sr ON sr.scenario_id = st.scenario_id\n"
  "                                 AND sr.position = st.position),\n"
  "     b AS (SELECT o.path, o.occ, st.position, st.line, st.command,\n"
  "                  sr.backend, sr.verdict, sr.output, st.expected,\n"
  "                  o.content_hash\n"
  "             FROM occ_b o JOIN steps st ON st.scenario_id = o.scenario_id\n"
  "             JOIN step_results sr ON sr.scenario_id = st.scenario_id\n"
  "                                 AND sr.position = st.position),\n"
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

/* Column i as a mutable pointer into SQLite's memory (valid until the next
** step): StoreChange's fields are char* for the owning array. */
static char *store_col(sqlite3_stmt *pStmt, int i){
  return (char*)sqlite3_column_text(pStmt, i);
}

int store_compare_each(Store *p, const char *zRunA, const char *zRunB,
                       int (*xChange)(void*, const StoreChange*), void *pArg){
  sqlite3 *db = store_db(p);
  sqlite3_stmt *pStmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2(db, zCompareSql, -1, &pStmt, NULL);
  if( rc!=SQLITE_OK ) return rc;
  sqlite3_bind_text(pStmt, 1, zRunA, -1, SQLITE_STATIC);
  sqlite3_bind_text(pStmt, 2, zRunB, -1, SQLITE_STATIC);
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    StoreChange c;
    int eKind = sqlite3_column_int(pStmt, 0);
    memset(&c, 0, sizeof(c));
    c.eKind = (StoreChangeKind)(eKind<0 || eKind>5 ? 5 : eKind);
    c.zPath = store_col(pStmt, 1);
    c.iPosition = sqlite3_column_int(pStmt, 2);
    c.iLine = sqlite3_column_int(pStmt, 3);
    c.zBackend = store_col(pStmt, 4);
    c.zCommand = store_col(pStmt, 5);
    c.zVerdictA = store_col(pStmt, 6);
    c.zVerdictB = store_col(pStmt, 7);
    c.zOutputA = store_col(pStmt, 8);
    c.zOutputB = store_col(pStmt, 9);
    c.zExpectedA = store_col(pStmt, 10);
    c.zExpectedB = store_col(pStmt, 11);
    c.bScenarioChanged = sqlite3_column_int(pStmt, 12);
    rc = xChange(pArg, &c);
    if( rc ){
      sqlite3_finalize(pStmt);
      return rc;
    }
  }
  if( rc==SQLITE_DONE ){
    sqlite3_finalize(pStmt);
    return 0;
  }
  /* sqlite3_finalize() keeps the error for sqlite3_errmsg(). */
  sqlite3_finalize(pStmt);
  return rc;
}

/* The collector behind store_compare(). */
typedef struct CompareCollect CompareCollect;
struct CompareCollect {
  StoreChange *aChange;     /* changes copied so far */
  int nChange, nAlloc;      /* used / allocated */
};

static char *store_dup(const char *z, int *pbOom){
  char *zCopy;
  if( z==NULL ) return NULL;
  zCopy = strdup(z);
  if( zCopy==NULL ) *pbOom = 1;
  return zCopy;
}

static int store_collect_change(void *pArg, const StoreChange *pIn){
  CompareCollect *pC = (CompareCollect*)pArg;
  StoreChange *pOut;
  int bOom = 0;
  if( pC->nChange>=pC->nAlloc ){
    int nNew = pC->nAlloc ? pC->nAlloc*2 : 32;
    StoreChange *aNew = realloc(pC->aChange, (size_t)nNew * sizeof(*aNew));
    if( aNew==NULL ) return SQLITE_NOMEM;
    pC->aChange = aNew;
    pC->nAlloc = nNew;
  }
  pOut = &pC->aChange[pC->nChange++];
  *pOut = *pIn;
  pOut->zPath = store_dup(pIn->zPath, &bOom);
  pOut->zBackend = store_dup(pIn->zBackend, &bOom);
  pOut->zCommand = store_dup(pIn->zCommand, &bOom);
  pOut->zVerdictA = store_dup(pIn->zVerdictA, &bOom);
  pOut->zVerdictB = store_dup(pIn->zVerdictB, &bOom);
  pOut->zOutputA = store_dup(pIn->zOutputA, &bOom);
  pOut->zOutputB = store_dup(pIn->zOutputB, &bOom);
  pOut->zExpectedA = store_dup(pIn->zExpectedA, &bOom);
  pOut->zExpectedB = store_dup(pIn->zExpectedB, &bOom);
  return bOom ? SQLITE_NOMEM : 0;
}

int store_compare(Store *p, const char *zRunA, const char *zRunB,
                  StoreChange **paChange, int *pnChange){
  CompareCollect c = { NULL, 0, 0 };
  int rc = store_compare_each(p, zRunA, zRunB, store_collect_change, &c);
  *paChange = NULL;
  *pnChange = 0;
  if( rc ){
    store_changes_free(c.aChange, c.nChange);
    return rc;
  }
  *paChange = c.aChange;
  *pnChange = c.nChange;
  return 0;
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
** The part of store_check_input() that reads the file with SQLite, opened
** as a reader (store_open_readonly(): no write, nothing left beside a
** read-only file; a file whose tables are views is refused there): the
** scenario ids (a merge renumbers them by an offset, which must not
** overflow) and PRAGMA quick_check, which reads every page. Returns 0, or
** 1 with a one-line reason in zErr.
*/
static int store_check_content(const char *zPath, char *zErr, int nErr){
  Store *pIn = NULL;
  sqlite3 *db;
  sqlite3_stmt *pStmt = NULL;
  const char *zWhat = "cannot read the scenario ids";
  int rc, nRow = 0, bOk = 0;

  if( store_open_readonly(zPath, &pIn, zErr, nErr) ){
    /* The reason names the file; say what it means for the merge. */
    size_t n = strlen(zErr);
    if( strstr(zErr, "refusing")==NULL && n + 16 < (size_t)nErr ){
      snprintf(zErr + n, (size_t)nErr - n, "; refusing it");
    }
    return 1;
  }
  db = store_db(pIn);
  rc = sqlite3_prepare_v2(db, "SELECT min(scenario_id), max(scenario_id)"
                          " FROM main.scenarios", -1, &pStmt, NULL);
  if( rc!=SQLITE_OK ) goto sql_err;
  rc = sqlite3_step(pStmt);
  if( rc!=SQLITE_ROW ) goto sql_err;
  if( sqlite3_column_type(pStmt, 0)!=SQLITE_NULL
   && (sqlite3_column_int64(pStmt, 0)<1
       || sqlite3_column_int64(pStmt, 1)>STORE_MAX_SCENARIO_ID) ){
    snprintf(zErr, (size_t)nErr, "%s: scenario ids out of range (%lld to %lld;"
             " mapscope writes 1 to %lld); refusing it", zPath,
             (long long)sqlite3_column_int64(pStmt, 0),
             (long long)sqlite3_column_int64(pStmt, 1),
             (long long)STORE_MAX_SCENARIO_ID);
    goto err;
  }
  sqlite3_finalize(pStmt);
  pStmt = NULL;
  zWhat = "damaged (PRAGMA quick_check)";
  rc = sqlite3_prepare_v2(db, "PRAGMA main.quick_check", -1, &pStmt, NULL);
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
  store_close(pIn);
  return 0;

sql_err:
  snprintf(zErr, (size_t)nErr, "%s: %s: %s; refusing it", zPath, zWhat,
           sqlite3_errmsg(db));
err:
  sqlite3_finalize(pStmt);
  store_close(pIn);
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

/* The most inputs one store_merge_many() attaches (SQLite's own limit is
** 10 by default, 125 at most). */
#define STORE_MERGE_MAX 125

/* Is zPath an SQLite file in WAL mode (header bytes 18 and 19)? */
static int merge_is_wal(const char *zPath){
  unsigned char aHdr[20];
  FILE *pFile = fopen(zPath, "rb");
  size_t nRead = 0;
  if( pFile ){
    nRead = fread(aHdr, 1, sizeof(aHdr), pFile);
    fclose(pFile);
  }
  return nRead==sizeof(aHdr) && aHdr[18]==2 && aHdr[19]==2;
}

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
    /* Numbered afresh by main: the run's place, the event's row id. */
    if( strcmp(zName, "seq")==0 || strcmp(zName, "event_id")==0 ) continue;
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
    "DELETE FROM main.events WHERE run_id = ?1",
    "DELETE FROM main.check_depths WHERE run_id = ?1",
    "DELETE FROM main.check_invariants WHERE run_id = ?1",
    "DELETE FROM main.check_runs WHERE run_id = ?1",
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

/*
** Copy run zRunId from input schema zSrc (of schema iVersion) to main,
** renumbering its scenario ids above those already in main (steps,
** results, todos and events are keyed by scenario id, so they follow), and
** give it seq iSeq. A check run's tables (schema 5) follow its run id. The offset is checked so no id overflows (a crafted
** input may hold any 64-bit id). Returns 0 or an SQLite code (SQLITE_RANGE
** with *pzWhy set to a static reason).
*/
static int merge_copy_run(sqlite3 *db, const char *zSrc, long long iVersion,
                          const char *zRunId, sqlite3_int64 iSeq,
                          const char **pzWhy){
  static const char *const azTable[] = { "steps", "step_results",
                                         "known_divergences", "events" };
  const char *zScnOfRun = "scenario_id IN (SELECT scenario_id FROM"
                          " \"%w\".scenarios WHERE run_id = ?1)";
  sqlite3_int64 iMaxScn, iMinIn, iMaxIn, iScnOff;
  sqlite3_stmt *pStmt = NULL;
  char *zSql;
  size_t i, nTable = iVersion>=3 ? 4 : 3;
  int rc;
  rc = merge_int(db, "SELECT coalesce(max(scenario_id), 0) FROM main.scenarios",
                 NULL, &iMaxScn);
  if( rc!=SQLITE_OK ) return rc;
  zSql = sqlite3_mprintf("SELECT coalesce(min(scenario_id), 1),"
                         " coalesce(max(scenario_id), 1) FROM \"%w\".scenarios"
                         " WHERE run_id = ?1", zSrc);
  if( zSql==NULL ) return SQLITE_NOMEM;
  rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL);
  sqlite3_free(zSql);
  if( rc!=SQLITE_OK ) return rc;
  sqlite3_bind_text(pStmt, 1, zRunId, -1, SQLITE_STATIC);
  rc = sqlite3_step(pStmt);
  if( rc!=SQLITE_ROW ){
    sqlite3_finalize(pStmt);
    return rc==SQLITE_DONE ? SQLITE_ERROR : rc;
  }
  iMinIn = sqlite3_column_int64(pStmt, 0);
  iMaxIn = sqlite3_column_int64(pStmt, 1);
  sqlite3_finalize(pStmt);
  /* Every id, in and out, within 1..STORE_MAX_SCENARIO_ID (2^62), so the
  ** arithmetic below and SQLite's cannot overflow. */
  if( iMinIn<1 || iMaxIn>STORE_MAX_SCENARIO_ID || iMaxIn<iMinIn
   || iMaxScn<0 || iMaxScn>STORE_MAX_SCENARIO_ID
   || iMaxIn - iMinIn > STORE_MAX_SCENARIO_ID - 1 - iMaxScn ){
    *pzWhy = "scenario ids out of range";
    return SQLITE_RANGE;
  }
  iScnOff = iMaxScn + 1 - iMinIn;
  rc = merge_copy(db, zSrc, "runs", "run_id = ?1", zRunId, iScnOff);
  if( rc==SQLITE_OK ){
    zSql = sqlite3_mprintf("UPDATE main.runs SET seq = %lld WHERE run_id = ?1",
                           (long long)iSeq);
    rc = zSql ? merge_exec(db, zSql, zRunId) : SQLITE_NOMEM;
    sqlite3_free(zSql);
  }
  if( rc==SQLITE_OK ) rc = merge_copy(db, zSrc, "scenarios", "run_id = ?1", zRunId, iScnOff);
  for(i=0; rc==SQLITE_OK && i<nTable; i++){
    rc = merge_copy(db, zSrc, azTable[i], zScnOfRun, zRunId, iScnOff);
  }
  /* Events about the run itself (no scenario). */
  if( rc==SQLITE_OK && iVersion>=3 ){
    rc = merge_copy(db, zSrc, "events", "run_id = ?1 AND scenario_id IS NULL",
                    zRunId, iScnOff);
  }
  /* A check run's summary, invariants and states by depth (schema 5):
  ** keyed by run id, which is kept. */
  for(i=0; rc==SQLITE_OK && iVersion>=5 && i<3; i++){
    static const char *const azCheck[] = { "check_runs", "check_invariants",
                                           "check_depths" };
    rc = merge_copy(db, zSrc, azCheck[i], "run_id = ?1", zRunId, iScnOff);
  }
  return rc;
}

/* What to do with one input run. */
typedef struct MergeRun MergeRun;
struct MergeRun {
  char zRunId[64];          /* its id */
  int eAction;              /* 0 add, 1 replace an incomplete copy, 2 skip */
  sqlite3_int64 iOldSeq;    /* seq of main's incomplete copy (replace) */
};

/* Merge the runs of input schema zSrc (schema iVersion) into main, inside
** the caller's transaction, in the input's seq order. Returns 0 or an
** SQLite code (*pzWhy as for merge_copy_run()). */
static int merge_one(sqlite3 *db, const char *zSrc, long long iVersion,
                     StoreMergeStats *pStats, const char **pzWhy){
  sqlite3_stmt *pRuns = NULL;
  MergeRun *aRun = NULL;
  int nRun = 0, nRunAlloc = 0, i, rc;
  char *zSql = sqlite3_mprintf(
      "SELECT s.run_id, s.completed, m.completed, m.seq FROM \"%w\".runs s"
      " LEFT JOIN main.runs m ON m.run_id = s.run_id ORDER BY %s", zSrc,
      iVersion>=3 ? "s.seq, s.rowid" : "s.started_at, s.rowid");

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
    pRun->iOldSeq = sqlite3_column_int64(pRuns, 3);
  }
  if( rc!=SQLITE_DONE ) goto err;
  sqlite3_finalize(pRuns);
  pRuns = NULL;
  for(i=0; i<nRun; i++){
    sqlite3_int64 iSeq = aRun[i].iOldSeq;
    if( aRun[i].eAction==2 ){
      pStats->nSkipped++;
      continue;
    }
    if( aRun[i].eAction==1 ){
      rc = merge_delete_run(db, aRun[i].zRunId);
      if( rc!=SQLITE_OK ) goto err;
      pStats->nReplaced++;
    }else{
      rc = merge_int(db, "SELECT coalesce(max(seq), 0) + 1 FROM main.runs",
                     NULL, &iSeq);
      if( rc!=SQLITE_OK ) goto err;
      pStats->nAdded++;
    }
    rc = merge_copy_run(db, zSrc, iVersion, aRun[i].zRunId, iSeq, pzWhy);
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
  const char *zWhy = NULL;  /* a reason of merge_copy_run(), or NULL */
  long long aVersion[STORE_MERGE_MAX];  /* schema of each input */
  int nAttached = 0, bTxn = 0, i, rc;
  int nMax = sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, -1);

  if( nMax>STORE_MERGE_MAX ) nMax = STORE_MERGE_MAX;
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
    char *zUri;
    zIn = azIn[i];
    snprintf(zSrc, sizeof(zSrc), "src%d", i);
    /* Opened as a reader would: a read-only input is left with nothing
    ** beside it, and one in a read-only folder can still be read. */
    zUri = store_uri(azIn[i], store_read_params(azIn[i], merge_is_wal(azIn[i])));
    if( zUri==NULL ){
      snprintf(zErr, (size_t)nErr, "out of memory");
      goto err;
    }
    rc = sqlite3_prepare_v2(db, "ATTACH ?1 AS ?2", -1, &pAttach, NULL);
    if( rc==SQLITE_OK ){
      sqlite3_bind_text(pAttach, 1, zUri, -1, SQLITE_STATIC);
      sqlite3_bind_text(pAttach, 2, zSrc, -1, SQLITE_STATIC);
      rc = sqlite3_step(pAttach);
      rc = rc==SQLITE_DONE ? SQLITE_OK : rc;
    }
    sqlite3_finalize(pAttach);
    sqlite3_free(zUri);
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
    if( store_check_structure(db, zSrc, azIn[i], iVersion, 0, zErr, nErr) ) goto err;
    aVersion[i] = iVersion;
  }

  zIn = NULL;
  rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if( rc!=SQLITE_OK ) goto sql_err;
  bTxn = 1;
  for(i=0; i<nIn; i++){
    StoreMergeStats st = {0, 0, 0};
    zIn = azIn[i];
    snprintf(zSrc, sizeof(zSrc), "src%d", i);
    rc = merge_one(db, zSrc, aVersion[i], &st, &zWhy);
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
  if( zIn && zWhy ){
    snprintf(zErr, (size_t)nErr, "%s: cannot merge: %s", zIn, zWhy);
  }else if( zIn ){
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
