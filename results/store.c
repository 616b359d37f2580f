/*
** results/store.c: opening a results database and writing runs into it.
**
** A mapscope database is an SQLite file whose application_id is
** STORE_APPLICATION_ID and whose user_version is its schema version. The
** schema is built by replaying migrations from version 0, so a new file and
** an old file reach the current schema by the same code. Views are dropped
** and recreated after every migration.
**
** Contents:
**   1. the schema: migrations and views
**   2. the Store object and its scenario buffer
**   3. small helpers (time, random ids, errors)
**   4. opening: the header check, migration, WAL
**   5. writing a run
*/
#include "store.h"

#include <sqlite3.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- 1 ---- */

/*
** azStoreMigration[v] takes a database from schema v to v+1. Never edit a
** shipped entry: add one and raise STORE_SCHEMA_VERSION.
*/
static const char *const azStoreMigration[STORE_SCHEMA_VERSION] = {
  /* 0 -> 1: the first schema. */
  "CREATE TABLE runs(\n"
  "  run_id           TEXT PRIMARY KEY NOT NULL,\n"
  "  kind             TEXT NOT NULL CHECK(kind IN ('run','diff','explore')),\n"
  "  started_at       TEXT NOT NULL,\n"
  "  ended_at         TEXT,\n"
  "  completed        INTEGER NOT NULL DEFAULT 0,\n"
  "  backends         TEXT NOT NULL,\n"
  "  labels           TEXT,\n"
  "  command_line     TEXT,\n"
  "  mapscope_version TEXT,\n"
  "  host_os          TEXT,\n"
  "  wine_version     TEXT,\n"
  "  agent_version    TEXT,\n"
  "  capabilities     TEXT,\n"
  "  n_scenarios      INTEGER NOT NULL DEFAULT 0,\n"
  "  n_steps          INTEGER NOT NULL DEFAULT 0,\n"
  "  n_passed         INTEGER,\n"
  "  n_failed         INTEGER,\n"
  "  n_skipped        INTEGER\n"
  ");\n"
  "CREATE TABLE scenarios(\n"
  "  scenario_id  INTEGER PRIMARY KEY,\n"
  "  run_id       TEXT NOT NULL REFERENCES runs(run_id),\n"
  "  path         TEXT NOT NULL,\n"
  "  title        TEXT,\n"
  "  content_hash TEXT NOT NULL\n"
  ");\n"
  "CREATE INDEX scenarios_by_run ON scenarios(run_id, path);\n"
  "CREATE TABLE steps(\n"
  "  scenario_id INTEGER NOT NULL REFERENCES scenarios(scenario_id),\n"
  "  position    INTEGER NOT NULL,\n"
  "  line        INTEGER NOT NULL,\n"
  "  who         TEXT,\n"
  "  command     TEXT NOT NULL,\n"
  "  expected    TEXT,\n"
  "  comparison  TEXT CHECK(comparison IS NULL OR comparison IN\n"
  "                ('agree','diverge','unsupported','skip','error')),\n"
  "  PRIMARY KEY(scenario_id, position)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE step_results(\n"
  "  scenario_id INTEGER NOT NULL,\n"
  "  position    INTEGER NOT NULL,\n"
  "  backend     TEXT NOT NULL,\n"
  "  verdict     TEXT NOT NULL CHECK(verdict IN\n"
  "                ('pass','fail','todo','fixed','skip','unsupported','error')),\n"
  "  output      TEXT,\n"
  "  reason      TEXT,\n"
  "  duration_ms REAL,\n"
  "  PRIMARY KEY(scenario_id, position, backend),\n"
  "  FOREIGN KEY(scenario_id, position) REFERENCES steps(scenario_id, position)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE known_divergences(\n"
  "  scenario_id INTEGER NOT NULL REFERENCES scenarios(scenario_id),\n"
  "  position    INTEGER NOT NULL,\n"
  "  labels      TEXT NOT NULL,\n"
  "  reason      TEXT NOT NULL\n"
  ");\n"
  "CREATE INDEX known_by_scenario ON known_divergences(scenario_id, position);\n",

  /* 1 -> 2: the name of the machine that wrote the run, so the runs of a
  ** merged CI matrix can be told apart. */
  "ALTER TABLE runs ADD COLUMN host_name TEXT;\n"
};

/* The views of the current schema, recreated after any migration. */
static const char zStoreViews[] =
  "DROP VIEW IF EXISTS step_outcomes;\n"
  "DROP VIEW IF EXISTS failures;\n"
  "DROP VIEW IF EXISTS divergences;\n"
  "DROP VIEW IF EXISTS divergences_by_backend;\n"
  "DROP VIEW IF EXISTS verdict_changes;\n"
  /* One row per step and backend, with its run and scenario. */
  "CREATE VIEW step_outcomes AS\n"
  "SELECT r.run_id, r.started_at, r.completed, r.host_name,\n"
  "       sc.scenario_id, sc.path, sc.title, sc.content_hash,\n"
  "       st.position, st.line, st.who, st.command, st.expected,\n"
  "       st.comparison, sr.backend, sr.verdict, sr.output, sr.reason,\n"
  "       sr.duration_ms\n"
  "  FROM runs r JOIN scenarios sc ON sc.run_id = r.run_id\n"
  "  JOIN steps st ON st.scenario_id = sc.scenario_id\n"
  "  JOIN step_results sr ON sr.scenario_id = st.scenario_id\n"
  "                        AND sr.position = st.position;\n"
  /* Steps that failed: a mismatch, a harness error, or a todo that now
  ** passes (its annotation must go). */
  "CREATE VIEW failures AS\n"
  "SELECT run_id, started_at, path, line, position, who, command, backend,\n"
  "       verdict, expected, output, reason\n"
  "  FROM step_outcomes WHERE verdict IN ('fail','error','fixed');\n"
  /* Each backend's side of the steps where backends disagreed. */
  "CREATE VIEW divergences AS\n"
  "SELECT run_id, path, line, position, who, command, backend, verdict,\n"
  "       output\n"
  "  FROM step_outcomes WHERE comparison = 'diverge';\n"
  /* Per run and backend: how many steps, how many diverged, failed, ... */
  "CREATE VIEW divergences_by_backend AS\n"
  "SELECT run_id, backend, count(*) AS n_steps,\n"
  "       sum(comparison = 'diverge') AS n_diverge,\n"
  "       sum(verdict = 'todo') AS n_todo,\n"
  "       sum(verdict = 'unsupported') AS n_unsupported,\n"
  "       sum(verdict IN ('fail','error','fixed')) AS n_failed\n"
  "  FROM step_outcomes GROUP BY run_id, backend;\n"
  /* Every pair of runs (a before b) in which a step's verdict or output on
  ** a backend differs; filter on run_a and run_b. */
  "CREATE VIEW verdict_changes AS\n"
  "SELECT a.run_id AS run_a, b.run_id AS run_b, b.path, b.position, b.line,\n"
  "       b.command, b.backend, a.verdict AS verdict_a, b.verdict AS verdict_b,\n"
  "       a.output AS output_a, b.output AS output_b,\n"
  "       CASE WHEN a.verdict NOT IN ('fail','error','fixed')\n"
  "             AND b.verdict IN ('fail','error','fixed') THEN 'regression'\n"
  "            WHEN a.verdict IN ('fail','error','fixed')\n"
  "             AND b.verdict NOT IN ('fail','error','fixed') THEN 'fix'\n"
  "            WHEN a.verdict <> b.verdict THEN 'verdict'\n"
  "            ELSE 'output' END AS change\n"
  "  FROM step_outcomes a JOIN step_outcomes b\n"
  "    ON a.path = b.path AND a.position = b.position\n"
  "   AND a.backend = b.backend\n"
  "   AND (a.started_at < b.started_at\n"
  "        OR (a.started_at = b.started_at AND a.run_id < b.run_id))\n"
  " WHERE a.verdict <> b.verdict OR a.output IS NOT b.output;\n";

/* ---------------------------------------------------------------- 2 ---- */

#define STORE_NO_TEXT ((size_t)-1)   /* a NULL string in the buffer */

typedef struct StorePendStep StorePendStep;
struct StorePendStep {
  int iPosition;            /* position in the scenario */
  int iLine;                /* source line */
  size_t oWho;              /* who, as an offset into Store.zText (or
                            ** STORE_NO_TEXT, like every o* field) */
  size_t oCommand;          /* the redacted step text */
  size_t oExpected;         /* the expected text */
  size_t oComparison;       /* agree, diverge, ... */
  int iResult;              /* first result in Store.aResult */
  int nResult;              /* results of this step */
};

typedef struct StorePendResult StorePendResult;
struct StorePendResult {
  size_t oBackend;          /* backend name (offset into Store.zText) */
  size_t oVerdict;          /* verdict word */
  size_t oOutput;           /* canonical output */
  size_t oReason;           /* unsupported/error reason */
  double rDurationMs;       /* wall time on the backend */
};

typedef struct StorePendTodo StorePendTodo;
struct StorePendTodo {
  int iPosition;            /* step annotated */
  size_t oLabels;           /* labels (offset into Store.zText) */
  size_t oReason;           /* why */
};

struct Store {
  sqlite3 *db;              /* the connection */
  char *zPath;              /* path opened (malloc'd) */
  char zErr[512];           /* last error message */
  char zRunId[37];          /* the run being written, "" if none */
  int bInScenario;          /* between scenario_begin and scenario_end */

  /* The scenario being buffered */
  size_t oScnPath;          /* its path (offset into zText) */
  size_t oScnTitle;         /* its title */
  char zScnHash[17];        /* FNV-1a 64 of its content */
  char *zText;              /* every string of the scenario, NUL-separated */
  size_t nText, nTextAlloc; /* bytes used / allocated in zText */
  StorePendStep *aStep;     /* buffered steps */
  int nStep, nStepAlloc;    /* used / allocated in aStep */
  StorePendResult *aResult; /* buffered backend results */
  int nResult, nResultAlloc;/* used / allocated in aResult */
  StorePendTodo *aTodo;     /* buffered todo annotations */
  int nTodo, nTodoAlloc;    /* used / allocated in aTodo */

  /* Prepared statements of the write path */
  sqlite3_stmt *pInsRun;    /* INSERT INTO runs */
  sqlite3_stmt *pInsScenario; /* INSERT INTO scenarios */
  sqlite3_stmt *pInsStep;   /* INSERT INTO steps */
  sqlite3_stmt *pInsResult; /* INSERT INTO step_results */
  sqlite3_stmt *pInsTodo;   /* INSERT INTO known_divergences */
  sqlite3_stmt *pEndRun;    /* UPDATE runs: complete, counts */
};

/* Grow an array of nSize-byte entries to hold n+1; 0 or SQLITE_NOMEM. */
static int store_grow(void **pa, int n, int *pnAlloc, size_t nSize){
  if( n >= *pnAlloc ){
    int nNew = *pnAlloc ? *pnAlloc * 2 : 64;
    void *aNew = realloc(*pa, (size_t)nNew * nSize);
    if( aNew==NULL ) return SQLITE_NOMEM;
    *pa = aNew;
    *pnAlloc = nNew;
  }
  return 0;
}

/* Copy z (redacted) into the scenario buffer; its offset, STORE_NO_TEXT
** for NULL, or STORE_NO_TEXT with *pRc set on out-of-memory. */
static size_t store_buffer_text(Store *p, const char *z, int bRedact, int *pRc){
  char *zRedacted = NULL;
  size_t n, o;
  if( z==NULL ) return STORE_NO_TEXT;
  if( bRedact && strpbrk(z, "=/")!=NULL ){
    zRedacted = store_redact_line(z);
    if( zRedacted==NULL ){ *pRc = SQLITE_NOMEM; return STORE_NO_TEXT; }
    z = zRedacted;
  }
  n = strlen(z) + 1;
  if( p->nText + n > p->nTextAlloc ){
    size_t nNew = p->nTextAlloc ? p->nTextAlloc * 2 : 65536;
    char *zNew;
    while( nNew < p->nText + n ) nNew *= 2;
    zNew = realloc(p->zText, nNew);
    if( zNew==NULL ){ free(zRedacted); *pRc = SQLITE_NOMEM; return STORE_NO_TEXT; }
    p->zText = zNew;
    p->nTextAlloc = nNew;
  }
  o = p->nText;
  memcpy(p->zText + o, z, n);
  p->nText += n;
  free(zRedacted);
  return o;
}

static const char *store_text(const Store *p, size_t o){
  return o==STORE_NO_TEXT ? NULL : p->zText + o;
}

static void store_buffer_reset(Store *p){
  p->nText = 0;
  p->nStep = 0;
  p->nResult = 0;
  p->nTodo = 0;
  p->bInScenario = 0;
}

/* ---------------------------------------------------------------- 3 ---- */

static void store_set_err(Store *p, const char *zWhat){
  snprintf(p->zErr, sizeof(p->zErr), "%s: %s: %s", p->zPath, zWhat,
           p->db ? sqlite3_errmsg(p->db) : "no connection");
}

/* The current UTC time as 2026-11-23T23:39:12.123Z. */
static void store_now(char zOut[32]){
  struct timespec ts;
  struct tm tmUtc;
  size_t n;
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tmUtc);
  n = strftime(zOut, 24, "%Y-%m-%dT%H:%M:%S", &tmUtc);
  snprintf(zOut + n, 32 - n, ".%03dZ", (int)(ts.tv_nsec / 1000000L) % 1000);
}

/* 128 random bits as 32 hex digits: /dev/urandom, else SQLite's PRNG
** (itself seeded from /dev/urandom). */
static void store_new_run_id(char zRunId[37]){
  unsigned char a[16];
  size_t nRead = 0;
  int i;
  FILE *pRand = fopen("/dev/urandom", "rb");
  if( pRand ){
    nRead = fread(a, 1, sizeof(a), pRand);
    fclose(pRand);
  }
  if( nRead!=sizeof(a) ) sqlite3_randomness((int)sizeof(a), a);
  for(i=0; i<16; i++) snprintf(&zRunId[i*2], 3, "%02x", a[i]);
  zRunId[32] = 0;
}

static int store_word_in(const char *z, const char *const *azWord){
  int i;
  for(i=0; azWord[i]; i++){
    if( strcmp(z, azWord[i])==0 ) return 1;
  }
  return 0;
}

static const char *const azStoreVerdict[] = {
  "pass", "fail", "todo", "fixed", "skip", "unsupported", "error", NULL
};
static const char *const azStoreComparison[] = {
  "agree", "diverge", "unsupported", "skip", "error", NULL
};
static const char *const azStoreKind[] = { "run", "diff", "explore", NULL };

/* ---------------------------------------------------------------- 4 ---- */

/*
** Look at the first 100 bytes of zPath without opening it with SQLite.
** Sets *pbNew for a missing or empty file. Returns 0, or non-zero with a
** reason in zErr: not a regular file, not SQLite, another application's
** database, or (bCheckVersion) a newer schema. bWrite: the caller meant to
** write (the reason says the file is left alone); else it only reads, and
** the reason says only what the file is not.
*/
static int store_header_check(const char *zPath, int *pbNew, int bCheckVersion,
                              int bWrite, char *zErr, int nErr){
  struct stat st;
  unsigned char aHdr[100];
  FILE *pFile;
  size_t nRead;
  unsigned long iAppId, iVersion;

  *pbNew = 0;
  if( stat(zPath, &st)!=0 ){
    if( errno==ENOENT ){ *pbNew = 1; return 0; }
    snprintf(zErr, (size_t)nErr, "%s: %s", zPath, strerror(errno));
    return 1;
  }
  if( !S_ISREG(st.st_mode) ){
    snprintf(zErr, (size_t)nErr, "%s: not a regular file", zPath);
    return 1;
  }
  if( st.st_size==0 ){ *pbNew = 1; return 0; }
  pFile = fopen(zPath, "rb");
  if( pFile==NULL ){
    snprintf(zErr, (size_t)nErr, "%s: %s", zPath, strerror(errno));
    return 1;
  }
  nRead = fread(aHdr, 1, sizeof(aHdr), pFile);
  fclose(pFile);
  if( nRead<sizeof(aHdr) || memcmp(aHdr, "SQLite format 3", 16)!=0 ){
    snprintf(zErr, (size_t)nErr, bWrite
             ? "%s: not an SQLite database; refusing to touch it"
             : "%s: not a mapscope results database (not even SQLite)", zPath);
    return 1;
  }
  iAppId = ((unsigned long)aHdr[68]<<24) | ((unsigned long)aHdr[69]<<16)
         | ((unsigned long)aHdr[70]<<8) | aHdr[71];
  iVersion = ((unsigned long)aHdr[60]<<24) | ((unsigned long)aHdr[61]<<16)
           | ((unsigned long)aHdr[62]<<8) | aHdr[63];
  if( iAppId!=STORE_APPLICATION_ID ){
    snprintf(zErr, (size_t)nErr, bWrite
             ? "%s: an SQLite database of another application (application_id"
               " %lu); refusing to modify it"
             : "%s: not a mapscope results database (application_id %lu)",
             zPath, iAppId);
    return 1;
  }
  if( bCheckVersion && iVersion>STORE_SCHEMA_VERSION ){
    snprintf(zErr, (size_t)nErr,
             "%s: schema version %lu is newer than this mapscope understands"
             " (%d); use a newer mapscope", zPath, iVersion,
             STORE_SCHEMA_VERSION);
    return 1;
  }
  return 0;
}

/* Run one integer-valued statement (a PRAGMA); 0 or an SQLite code. */
static int store_query_int(sqlite3 *db, const char *zSql, long long *piOut){
  sqlite3_stmt *pStmt = NULL;
  int rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL);
  if( rc==SQLITE_OK ){
    rc = sqlite3_step(pStmt);
    if( rc==SQLITE_ROW ){
      *piOut = sqlite3_column_int64(pStmt, 0);
      rc = SQLITE_OK;
    }else if( rc==SQLITE_DONE ){
      *piOut = 0;
      rc = SQLITE_OK;
    }
  }
  sqlite3_finalize(pStmt);
  return rc;
}

/*
** Read application_id and user_version and decide: 0 ok (*piVersion set),
** 1 refused (zErr set), or an SQLite error code (negated, zErr set).
** bWrite as for store_header_check().
*/
static int store_classify(Store *p, long long *piVersion, int bWrite,
                          char *zErr, int nErr){
  long long iAppId = 0, iVersion = 0, nObject = 0;
  int rc = store_query_int(p->db, "PRAGMA application_id", &iAppId);
  if( rc==SQLITE_OK ) rc = store_query_int(p->db, "PRAGMA user_version", &iVersion);
  if( rc==SQLITE_OK ){
    rc = store_query_int(p->db, "SELECT count(*) FROM sqlite_schema", &nObject);
  }
  if( rc!=SQLITE_OK ){
    snprintf(zErr, (size_t)nErr, "%s: %s", p->zPath, sqlite3_errmsg(p->db));
    return -rc;
  }
  if( iAppId==0 && iVersion==0 && nObject==0 ){
    *piVersion = 0;                     /* a new, empty database */
    return 0;
  }
  if( iAppId!=STORE_APPLICATION_ID ){
    snprintf(zErr, (size_t)nErr, bWrite
             ? "%s: an SQLite database of another application (application_id"
               " %lld); refusing to modify it"
             : "%s: not a mapscope results database (application_id %lld)",
             p->zPath, iAppId);
    return 1;
  }
  if( iVersion>STORE_SCHEMA_VERSION ){
    snprintf(zErr, (size_t)nErr,
             "%s: schema version %lld is newer than this mapscope understands"
             " (%d); use a newer mapscope", p->zPath, iVersion,
             STORE_SCHEMA_VERSION);
    return 1;
  }
  *piVersion = iVersion;
  return 0;
}

/* Bring the schema to STORE_SCHEMA_VERSION in one write transaction.
** Returns 0, or non-zero with zErr set. */
static int store_migrate(Store *p, char *zErr, int nErr){
  long long iVersion = 0, v;
  char zSql[128];
  int rc = sqlite3_exec(p->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if( rc!=SQLITE_OK ) goto err;
  /* Another process may have created or migrated it meanwhile. */
  rc = store_classify(p, &iVersion, 1, zErr, nErr);
  if( rc!=0 ){
    sqlite3_exec(p->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
  }
  if( iVersion<STORE_SCHEMA_VERSION ){
    if( iVersion==0 ){
      snprintf(zSql, sizeof(zSql), "PRAGMA application_id=%d",
               STORE_APPLICATION_ID);
      rc = sqlite3_exec(p->db, zSql, NULL, NULL, NULL);
      if( rc!=SQLITE_OK ) goto err;
    }
    for(v=iVersion; v<STORE_SCHEMA_VERSION; v++){
      rc = sqlite3_exec(p->db, azStoreMigration[v], NULL, NULL, NULL);
      if( rc!=SQLITE_OK ) goto err;
    }
    rc = sqlite3_exec(p->db, zStoreViews, NULL, NULL, NULL);
    if( rc!=SQLITE_OK ) goto err;
    snprintf(zSql, sizeof(zSql), "PRAGMA user_version=%d", STORE_SCHEMA_VERSION);
    rc = sqlite3_exec(p->db, zSql, NULL, NULL, NULL);
    if( rc!=SQLITE_OK ) goto err;
  }
  rc = sqlite3_exec(p->db, "COMMIT", NULL, NULL, NULL);
  if( rc!=SQLITE_OK ) goto err;
  return 0;

err:
  snprintf(zErr, (size_t)nErr, "%s: cannot migrate the schema: %s", p->zPath,
           sqlite3_errmsg(p->db));
  sqlite3_exec(p->db, "ROLLBACK", NULL, NULL, NULL);
  return 1;
}

static int store_prepare_all(Store *p){
  struct { sqlite3_stmt **ppStmt; const char *zSql; } aStmt[] = {
    { &p->pInsRun,
      "INSERT INTO runs(run_id, kind, started_at, completed, backends, labels,"
      " command_line, mapscope_version, host_os, wine_version, agent_version,"
      " capabilities, host_name) VALUES(?1,?2,?3,0,?4,?5,?6,?7,?8,?9,?10,?11,?12)" },
    { &p->pInsScenario,
      "INSERT INTO scenarios(run_id, path, title, content_hash)"
      " VALUES(?1,?2,?3,?4)" },
    { &p->pInsStep,
      "INSERT INTO steps(scenario_id, position, line, who, command, expected,"
      " comparison) VALUES(?1,?2,?3,?4,?5,?6,?7)" },
    { &p->pInsResult,
      "INSERT INTO step_results(scenario_id, position, backend, verdict, output,"
      " reason, duration_ms) VALUES(?1,?2,?3,?4,?5,?6,?7)" },
    { &p->pInsTodo,
      "INSERT INTO known_divergences(scenario_id, position, labels, reason)"
      " VALUES(?1,?2,?3,?4)" },
    { &p->pEndRun,
      "UPDATE runs SET ended_at = ?2, completed = 1, n_passed = ?3,"
      " n_failed = ?4, n_skipped = ?5,"
      " n_scenarios = (SELECT count(*) FROM scenarios WHERE run_id = ?1),"
      " n_steps = (SELECT count(*) FROM steps WHERE scenario_id IN"
      "   (SELECT scenario_id FROM scenarios WHERE run_id = ?1))"
      " WHERE run_id = ?1" },
  };
  size_t i;
  for(i=0; i<sizeof(aStmt)/sizeof(aStmt[0]); i++){
    int rc = sqlite3_prepare_v3(p->db, aStmt[i].zSql, -1,
                                SQLITE_PREPARE_PERSISTENT, aStmt[i].ppStmt, NULL);
    if( rc!=SQLITE_OK ) return rc;
  }
  return SQLITE_OK;
}

static int store_open_impl(const char *zPath, int bCreate, Store **ppStore,
                           char *zErr, int nErr){
  Store *p = NULL;
  int bNew = 0;
  long long iVersion = 0;
  char zMode[16] = "";
  sqlite3_stmt *pStmt = NULL;
  int rc;

  *ppStore = NULL;
  if( zPath==NULL || zPath[0]==0 ){
    snprintf(zErr, (size_t)nErr, "no database path given");
    return 1;
  }
  if( store_header_check(zPath, &bNew, 1, bCreate, zErr, nErr) ) return 1;
  if( bNew && !bCreate ){
    snprintf(zErr, (size_t)nErr, "%s: no results database there", zPath);
    return 1;
  }
  p = calloc(1, sizeof(*p));
  if( p==NULL ) goto oom;
  p->zPath = strdup(zPath);
  if( p->zPath==NULL ) goto oom;

  rc = sqlite3_open_v2(zPath, &p->db,
                       SQLITE_OPEN_READWRITE | (bCreate ? SQLITE_OPEN_CREATE : 0),
                       NULL);
  if( rc!=SQLITE_OK ){
    snprintf(zErr, (size_t)nErr, "%s: cannot open: %s", zPath,
             p->db ? sqlite3_errmsg(p->db) : sqlite3_errstr(rc));
    goto err;
  }
  sqlite3_extended_result_codes(p->db, 1);
  sqlite3_busy_timeout(p->db, 60000);

  /* Refuse before taking any write lock. */
  rc = store_classify(p, &iVersion, bCreate, zErr, nErr);
  if( rc!=0 ) goto err;
  if( iVersion<STORE_SCHEMA_VERSION && store_migrate(p, zErr, nErr) ) goto err;

  /* WAL is a property of the file; switch once. */
  rc = sqlite3_prepare_v2(p->db, "PRAGMA journal_mode", -1, &pStmt, NULL);
  if( rc==SQLITE_OK && sqlite3_step(pStmt)==SQLITE_ROW ){
    snprintf(zMode, sizeof(zMode), "%s", (const char*)sqlite3_column_text(pStmt, 0));
  }
  sqlite3_finalize(pStmt);
  pStmt = NULL;
  if( strcmp(zMode, "wal")!=0 ){
    rc = sqlite3_exec(p->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    if( rc!=SQLITE_OK ){
      snprintf(zErr, (size_t)nErr, "%s: cannot switch to WAL: %s", zPath,
               sqlite3_errmsg(p->db));
      goto err;
    }
  }
  /* In WAL mode NORMAL loses no committed transaction when the process
  ** dies; only a power loss may drop the last few. */
  sqlite3_exec(p->db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
  /* 16 MB of page cache: index pages of a large run stay in memory. */
  sqlite3_exec(p->db, "PRAGMA cache_size=-16000", NULL, NULL, NULL);

  rc = store_prepare_all(p);
  if( rc!=SQLITE_OK ){
    snprintf(zErr, (size_t)nErr, "%s: %s", zPath, sqlite3_errmsg(p->db));
    goto err;
  }
  *ppStore = p;
  return 0;

oom:
  snprintf(zErr, (size_t)nErr, "%s: out of memory", zPath);
err:
  store_close(p);
  return 1;
}

int store_open(const char *zPath, Store **ppStore, char *zErr, int nErr){
  return store_open_impl(zPath, 1, ppStore, zErr, nErr);
}

int store_open_existing(const char *zPath, Store **ppStore, char *zErr, int nErr){
  return store_open_impl(zPath, 0, ppStore, zErr, nErr);
}

void store_close(Store *p){
  if( p==NULL ) return;
  sqlite3_finalize(p->pInsRun);
  sqlite3_finalize(p->pInsScenario);
  sqlite3_finalize(p->pInsStep);
  sqlite3_finalize(p->pInsResult);
  sqlite3_finalize(p->pInsTodo);
  sqlite3_finalize(p->pEndRun);
  if( p->db ) sqlite3_close(p->db);
  free(p->zText);
  free(p->aStep);
  free(p->aResult);
  free(p->aTodo);
  free(p->zPath);
  free(p);
}

const char *store_default_path(void){
  const char *z = getenv("MAPSCOPE_DB");
  return (z && z[0]) ? z : "mapscope-results.db";
}

const char *store_errmsg(Store *p){
  return p ? p->zErr : "no store";
}

struct sqlite3 *store_db(Store *p){
  return p->db;
}

const char *store_path(Store *p){
  return p->zPath;
}

/* ---------------------------------------------------------------- 5 ---- */

/* Bind a string, redacted, or NULL. The redacted copy is
** handed to SQLite to free. */
static int store_bind_text(sqlite3_stmt *pStmt, int i, const char *z){
  char *zRedacted;
  if( z==NULL ) return sqlite3_bind_null(pStmt, i);
  zRedacted = store_redact_line(z);
  if( zRedacted==NULL ) return SQLITE_NOMEM;
  return sqlite3_bind_text(pStmt, i, zRedacted, -1, free);
}

int store_run_begin(Store *p, const StoreRunInfo *pInfo, char zRunId[37]){
  char zNow[32];
  char zHost[256];
  int rc = SQLITE_OK;
  sqlite3_stmt *s = p->pInsRun;

  if( p->zRunId[0] ){
    snprintf(p->zErr, sizeof(p->zErr), "a run is already being written");
    return 1;
  }
  if( pInfo==NULL || pInfo->zKind==NULL || !store_word_in(pInfo->zKind, azStoreKind)
   || pInfo->zBackends==NULL ){
    snprintf(p->zErr, sizeof(p->zErr),
             "a run needs a kind (run, diff, explore) and its backends");
    return 1;
  }
  if( gethostname(zHost, sizeof(zHost))!=0 ) zHost[0] = 0;
  zHost[sizeof(zHost)-1] = 0;
  store_new_run_id(zRunId);
  store_now(zNow);
  sqlite3_reset(s);
  sqlite3_bind_text(s, 1, zRunId, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(s, 2, pInfo->zKind, -1, SQLITE_STATIC);
  sqlite3_bind_text(s, 3, zNow, -1, SQLITE_TRANSIENT);
  if( rc==SQLITE_OK ) rc = store_bind_text(s, 4, pInfo->zBackends);
  if( rc==SQLITE_OK ) rc = store_bind_text(s, 5, pInfo->zLabels);
  if( rc==SQLITE_OK ) rc = store_bind_text(s, 6, pInfo->zCommandLine);
  if( rc==SQLITE_OK ) rc = store_bind_text(s, 7, pInfo->zMapscopeVersion);
  if( rc==SQLITE_OK ) rc = store_bind_text(s, 8, pInfo->zHostOs);
  if( rc==SQLITE_OK ) rc = store_bind_text(s, 9, pInfo->zWineVersion);
  if( rc==SQLITE_OK ) rc = store_bind_text(s, 10, pInfo->zAgentVersion);
  if( rc==SQLITE_OK ) rc = store_bind_text(s, 11, pInfo->zCapabilities);
  if( rc==SQLITE_OK ) rc = store_bind_text(s, 12, zHost[0] ? zHost : NULL);
  if( rc==SQLITE_OK ){
    rc = sqlite3_step(s);
    rc = (rc==SQLITE_DONE) ? SQLITE_OK : rc;
  }
  sqlite3_reset(s);
  sqlite3_clear_bindings(s);
  if( rc!=SQLITE_OK ){
    store_set_err(p, "cannot record the run");
    return rc;
  }
  memcpy(p->zRunId, zRunId, 37);
  return 0;
}

int store_scenario_begin(Store *p, const char *zPath, const char *zTitle,
                         const char *zContent, size_t nContent){
  int rc = 0;
  if( p->zRunId[0]==0 ){
    snprintf(p->zErr, sizeof(p->zErr), "store_scenario_begin outside a run");
    return 1;
  }
  if( p->bInScenario ){
    snprintf(p->zErr, sizeof(p->zErr), "store_scenario_begin inside a scenario");
    return 1;
  }
  store_buffer_reset(p);
  p->oScnPath = store_buffer_text(p, zPath ? zPath : "", 1, &rc);
  p->oScnTitle = store_buffer_text(p, zTitle, 1, &rc);
  store_hash64_hex(zContent ? zContent : "", zContent ? nContent : 0, p->zScnHash);
  if( rc ){
    snprintf(p->zErr, sizeof(p->zErr), "out of memory");
    return rc;
  }
  p->bInScenario = 1;
  return 0;
}

int store_step(Store *p, const StoreStep *pStep){
  StorePendStep *pPend;
  int rc = 0, i, j;
  if( !p->bInScenario ){
    snprintf(p->zErr, sizeof(p->zErr), "store_step outside a scenario");
    return 1;
  }
  if( p->nStep>0 && pStep->iPosition<=p->aStep[p->nStep-1].iPosition ){
    snprintf(p->zErr, sizeof(p->zErr), "step position %d after %d: steps are"
             " stored in increasing position", pStep->iPosition,
             p->aStep[p->nStep-1].iPosition);
    return 1;
  }
  if( pStep->zComparison && !store_word_in(pStep->zComparison, azStoreComparison) ){
    snprintf(p->zErr, sizeof(p->zErr), "unknown comparison '%.40s'",
             pStep->zComparison);
    return 1;
  }
  for(i=0; i<pStep->nResult; i++){
    const StoreBackendResult *pRes = &pStep->aResult[i];
    if( pRes->zBackend==NULL || pRes->zVerdict==NULL
     || !store_word_in(pRes->zVerdict, azStoreVerdict) ){
      snprintf(p->zErr, sizeof(p->zErr), "step %d: a result needs a backend"
               " and a known verdict (got '%.40s')", pStep->iPosition,
               pRes->zVerdict ? pRes->zVerdict : "(null)");
      return 1;
    }
    for(j=0; j<i; j++){
      if( strcmp(pStep->aResult[j].zBackend, pRes->zBackend)==0 ){
        snprintf(p->zErr, sizeof(p->zErr), "step %d: backend '%.40s' twice",
                 pStep->iPosition, pRes->zBackend);
        return 1;
      }
    }
  }
  if( store_grow((void**)&p->aStep, p->nStep, &p->nStepAlloc, sizeof(*p->aStep)) ){
    goto oom;
  }
  pPend = &p->aStep[p->nStep];
  pPend->iPosition = pStep->iPosition;
  pPend->iLine = pStep->iLine;
  pPend->oWho = store_buffer_text(p, pStep->zWho, 1, &rc);
  pPend->oCommand = store_buffer_text(p, pStep->zCommand ? pStep->zCommand : "",
                                      1, &rc);
  pPend->oExpected = store_buffer_text(p, pStep->zExpected, 1, &rc);
  pPend->oComparison = store_buffer_text(p, pStep->zComparison, 0, &rc);
  pPend->iResult = p->nResult;
  pPend->nResult = 0;
  for(i=0; rc==0 && i<pStep->nResult; i++){
    const StoreBackendResult *pRes = &pStep->aResult[i];
    StorePendResult *pR;
    if( store_grow((void**)&p->aResult, p->nResult, &p->nResultAlloc,
                   sizeof(*p->aResult)) ){
      goto oom;
    }
    pR = &p->aResult[p->nResult];
    pR->oBackend = store_buffer_text(p, pRes->zBackend, 1, &rc);
    pR->oVerdict = store_buffer_text(p, pRes->zVerdict, 0, &rc);
    pR->oOutput = store_buffer_text(p, pRes->zOutput, 1, &rc);
    pR->oReason = store_buffer_text(p, pRes->zReason, 1, &rc);
    pR->rDurationMs = pRes->rDurationMs;
    p->nResult++;
    pPend->nResult++;
  }
  if( rc ) goto oom;
  p->nStep++;
  return 0;

oom:
  p->nResult = p->nStep ? p->aStep[p->nStep-1].iResult
                          + p->aStep[p->nStep-1].nResult : 0;
  snprintf(p->zErr, sizeof(p->zErr), "out of memory");
  return SQLITE_NOMEM;
}

int store_todo(Store *p, const StoreTodo *pTodo){
  StorePendTodo *pPend;
  int rc = 0;
  if( !p->bInScenario ){
    snprintf(p->zErr, sizeof(p->zErr), "store_todo outside a scenario");
    return 1;
  }
  if( store_grow((void**)&p->aTodo, p->nTodo, &p->nTodoAlloc, sizeof(*p->aTodo)) ){
    snprintf(p->zErr, sizeof(p->zErr), "out of memory");
    return SQLITE_NOMEM;
  }
  pPend = &p->aTodo[p->nTodo];
  pPend->iPosition = pTodo->iPosition;
  pPend->oLabels = store_buffer_text(p, pTodo->zLabels ? pTodo->zLabels : "", 1, &rc);
  pPend->oReason = store_buffer_text(p, pTodo->zReason ? pTodo->zReason : "", 1, &rc);
  if( rc ){
    snprintf(p->zErr, sizeof(p->zErr), "out of memory");
    return rc;
  }
  p->nTodo++;
  return 0;
}

/* Step a bound INSERT/UPDATE to completion and reset it; an SQLite code. */
static int store_exec_stmt(sqlite3_stmt *pStmt){
  int rc = sqlite3_step(pStmt);
  sqlite3_reset(pStmt);
  return rc==SQLITE_DONE ? SQLITE_OK : rc;
}

/* Write the buffered scenario in one transaction. */
static int store_write_scenario(Store *p){
  sqlite3_int64 iScenario;
  int rc, i, j;

  rc = sqlite3_exec(p->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if( rc!=SQLITE_OK ) return rc;

  sqlite3_bind_text(p->pInsScenario, 1, p->zRunId, -1, SQLITE_STATIC);
  sqlite3_bind_text(p->pInsScenario, 2, store_text(p, p->oScnPath), -1, SQLITE_STATIC);
  sqlite3_bind_text(p->pInsScenario, 3, store_text(p, p->oScnTitle), -1, SQLITE_STATIC);
  sqlite3_bind_text(p->pInsScenario, 4, p->zScnHash, -1, SQLITE_STATIC);
  rc = store_exec_stmt(p->pInsScenario);
  if( rc!=SQLITE_OK ) goto err;
  iScenario = sqlite3_last_insert_rowid(p->db);

  for(i=0; i<p->nStep; i++){
    const StorePendStep *pS = &p->aStep[i];
    sqlite3_stmt *s = p->pInsStep;
    sqlite3_bind_int64(s, 1, iScenario);
    sqlite3_bind_int(s, 2, pS->iPosition);
    sqlite3_bind_int(s, 3, pS->iLine);
    sqlite3_bind_text(s, 4, store_text(p, pS->oWho), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, store_text(p, pS->oCommand), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 6, store_text(p, pS->oExpected), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 7, store_text(p, pS->oComparison), -1, SQLITE_STATIC);
    rc = store_exec_stmt(s);
    if( rc!=SQLITE_OK ) goto err;
    for(j=pS->iResult; j<pS->iResult+pS->nResult; j++){
      const StorePendResult *pR = &p->aResult[j];
      s = p->pInsResult;
      sqlite3_bind_int64(s, 1, iScenario);
      sqlite3_bind_int(s, 2, pS->iPosition);
      sqlite3_bind_text(s, 3, store_text(p, pR->oBackend), -1, SQLITE_STATIC);
      sqlite3_bind_text(s, 4, store_text(p, pR->oVerdict), -1, SQLITE_STATIC);
      sqlite3_bind_text(s, 5, store_text(p, pR->oOutput), -1, SQLITE_STATIC);
      sqlite3_bind_text(s, 6, store_text(p, pR->oReason), -1, SQLITE_STATIC);
      sqlite3_bind_double(s, 7, pR->rDurationMs);
      rc = store_exec_stmt(s);
      if( rc!=SQLITE_OK ) goto err;
    }
  }
  for(i=0; i<p->nTodo; i++){
    const StorePendTodo *pT = &p->aTodo[i];
    sqlite3_stmt *s = p->pInsTodo;
    sqlite3_bind_int64(s, 1, iScenario);
    sqlite3_bind_int(s, 2, pT->iPosition);
    sqlite3_bind_text(s, 3, store_text(p, pT->oLabels), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, store_text(p, pT->oReason), -1, SQLITE_STATIC);
    rc = store_exec_stmt(s);
    if( rc!=SQLITE_OK ) goto err;
  }
  rc = sqlite3_exec(p->db, "COMMIT", NULL, NULL, NULL);
  if( rc!=SQLITE_OK ) goto err;
  return SQLITE_OK;

err:
  store_set_err(p, "cannot store the scenario");
  sqlite3_exec(p->db, "ROLLBACK", NULL, NULL, NULL);
  return rc;
}

int store_scenario_end(Store *p, int bOk){
  int rc = 0;
  if( !p->bInScenario ){
    snprintf(p->zErr, sizeof(p->zErr), "store_scenario_end outside a scenario");
    return 1;
  }
  if( bOk ) rc = store_write_scenario(p);
  store_buffer_reset(p);
  return rc;
}

int store_run_end(Store *p, int nPassed, int nFailed, int nSkipped){
  char zNow[32];
  int rc;
  if( p->zRunId[0]==0 ){
    snprintf(p->zErr, sizeof(p->zErr), "store_run_end outside a run");
    return 1;
  }
  if( p->bInScenario ) store_buffer_reset(p);   /* an unfinished scenario */
  store_now(zNow);
  sqlite3_bind_text(p->pEndRun, 1, p->zRunId, -1, SQLITE_STATIC);
  sqlite3_bind_text(p->pEndRun, 2, zNow, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(p->pEndRun, 3, nPassed);
  sqlite3_bind_int(p->pEndRun, 4, nFailed);
  sqlite3_bind_int(p->pEndRun, 5, nSkipped);
  rc = store_exec_stmt(p->pEndRun);
  if( rc!=SQLITE_OK ){
    store_set_err(p, "cannot mark the run complete");
    return rc;
  }
  p->zRunId[0] = 0;
  return 0;
}
