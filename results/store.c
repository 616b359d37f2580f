/*
** results/store.c: opening a results database and writing runs into it.
**
** A mapscope database is an SQLite file whose application_id is
** STORE_APPLICATION_ID and whose user_version is its schema version. The
** schema is built by replaying migrations from version 0, so a new file and
** an old file reach the current schema by the same code. Views are dropped
** before and recreated after every migration. A reader never migrates: it
** reads an older file through temporary views of the current shape.
**
** Every connection is hardened (store_harden(): defensive, trusted_schema
** off, a progress guard), since a results file is often someone else's.
**
** Contents:
**   1. the schema: migrations and views
**   2. the Store object and its scenario buffer
**   3. small helpers (time, random ids, errors)
**   4. opening: header check, writability, URIs, the guard, structure
**      checks, migration, compatibility views, WAL
**   5. writing a run (steps, todos, events, a check's summary, the
**      caller's transaction)
*/
#include "store.h"
#include "store_int.h"

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
  "ALTER TABLE runs ADD COLUMN host_name TEXT;\n",

  /* 2 -> 3: runs.seq, the order runs were stored in this file (old runs:
  ** by start time, then row id); the evidence of a step and the line of
  ** the divergence a later step follows; the comparison word
  ** 'after-divergence' (a CHECK cannot be altered: steps is rebuilt); the
  ** agreement counts of a completed run; facts about hosts (events). */
  "ALTER TABLE runs ADD COLUMN seq INTEGER;\n"
  "UPDATE runs SET seq = o.n FROM (SELECT rowid AS rid, row_number() OVER\n"
  "  (ORDER BY started_at, rowid) AS n FROM runs) AS o\n"
  " WHERE runs.rowid = o.rid;\n"
  "CREATE UNIQUE INDEX runs_by_seq ON runs(seq);\n"
  "ALTER TABLE runs ADD COLUMN n_agree_observed INTEGER;\n"
  "ALTER TABLE runs ADD COLUMN n_agree_acknowledged INTEGER;\n"
  "ALTER TABLE runs ADD COLUMN n_after_divergence INTEGER;\n"
  "CREATE TABLE steps_v3(\n"
  "  scenario_id   INTEGER NOT NULL REFERENCES scenarios(scenario_id),\n"
  "  position      INTEGER NOT NULL,\n"
  "  line          INTEGER NOT NULL,\n"
  "  who           TEXT,\n"
  "  command       TEXT NOT NULL,\n"
  "  expected      TEXT,\n"
  "  comparison    TEXT CHECK(comparison IS NULL OR comparison IN\n"
  "                  ('agree','diverge','after-divergence','unsupported',\n"
  "                   'skip','error')),\n"
  "  evidence      TEXT CHECK(evidence IS NULL OR evidence IN\n"
  "                  ('observation','acknowledgement')),\n"
  "  diverged_line INTEGER,\n"
  "  PRIMARY KEY(scenario_id, position)\n"
  ") WITHOUT ROWID;\n"
  "INSERT INTO steps_v3(scenario_id, position, line, who, command, expected,\n"
  "                     comparison)\n"
  "  SELECT scenario_id, position, line, who, command, expected, comparison\n"
  "    FROM steps;\n"
  "DROP TABLE steps;\n"
  "ALTER TABLE steps_v3 RENAME TO steps;\n"
  "CREATE TABLE events(\n"
  "  event_id    INTEGER PRIMARY KEY,\n"
  "  run_id      TEXT NOT NULL REFERENCES runs(run_id),\n"
  "  scenario_id INTEGER REFERENCES scenarios(scenario_id),\n"
  "  backend     TEXT,\n"
  "  at          TEXT NOT NULL,\n"
  "  text        TEXT NOT NULL\n"
  ");\n"
  "CREATE INDEX events_by_run ON events(run_id, scenario_id);\n",

  /* 3 -> 4: every fact the backend reported about its host (an agent's
  ** handshake: elevation, UAC, where its SYSTEM token came from, ...),
  ** one `key value` a line; NULL for older runs. */
  "ALTER TABLE runs ADD COLUMN host_facts TEXT;\n",

  /* 4 -> 5: runs of `mapscope check`. runs.kind accepts 'check': a CHECK
  ** cannot be altered, so runs is rebuilt by SQLite's procedure for other
  ** schema changes (lang_altertable.html, "Making Other Kinds Of Table
  ** Schema Changes"; foreign keys are off, see store_migrate(), and the
  ** views are dropped around every migration): a new table with every
  ** column of schema 4 in the same order, the rows copied with their row
  ** ids, the old table dropped, the new one renamed (scenarios and events
  ** refer to runs by name, so they follow) and its index made again. Then
  ** what a check searched and found (check_runs), each invariant's verdict
  ** (check_invariants) and the states met at each depth (check_depths). */
  "CREATE TABLE runs_v5(\n"
  "  run_id           TEXT PRIMARY KEY NOT NULL,\n"
  "  kind             TEXT NOT NULL CHECK(kind IN\n"
  "                     ('run','diff','explore','check')),\n"
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
  "  n_skipped        INTEGER,\n"
  "  host_name        TEXT,\n"
  "  seq              INTEGER,\n"
  "  n_agree_observed INTEGER,\n"
  "  n_agree_acknowledged INTEGER,\n"
  "  n_after_divergence INTEGER,\n"
  "  host_facts       TEXT\n"
  ");\n"
  "INSERT INTO runs_v5(rowid, run_id, kind, started_at, ended_at, completed,\n"
  "    backends, labels, command_line, mapscope_version, host_os,\n"
  "    wine_version, agent_version, capabilities, n_scenarios, n_steps,\n"
  "    n_passed, n_failed, n_skipped, host_name, seq, n_agree_observed,\n"
  "    n_agree_acknowledged, n_after_divergence, host_facts)\n"
  "  SELECT rowid, run_id, kind, started_at, ended_at, completed,\n"
  "    backends, labels, command_line, mapscope_version, host_os,\n"
  "    wine_version, agent_version, capabilities, n_scenarios, n_steps,\n"
  "    n_passed, n_failed, n_skipped, host_name, seq, n_agree_observed,\n"
  "    n_agree_acknowledged, n_after_divergence, host_facts\n"
  "    FROM runs ORDER BY rowid;\n"
  "DROP TABLE runs;\n"
  "ALTER TABLE runs_v5 RENAME TO runs;\n"
  "CREATE UNIQUE INDEX runs_by_seq ON runs(seq);\n"
  "CREATE TABLE check_runs(\n"
  "  run_id             TEXT PRIMARY KEY NOT NULL REFERENCES runs(run_id),\n"
  "  world              TEXT NOT NULL,\n"
  "  world_hash         TEXT NOT NULL,\n"
  "  alphabet           INTEGER NOT NULL,\n"
  "  logon_names        INTEGER NOT NULL,\n"
  "  letters            TEXT NOT NULL,\n"
  "  all_logons         INTEGER NOT NULL,\n"
  "  listings           INTEGER NOT NULL,\n"
  "  families           TEXT,\n"
  "  tool_steps         INTEGER NOT NULL,\n"
  "  symmetry           INTEGER NOT NULL,\n"
  "  symmetric_accounts INTEGER NOT NULL,\n"
  "  planted_bug        INTEGER,\n"
  "  depth_requested    INTEGER NOT NULL,\n"
  "  depth_completed    INTEGER NOT NULL,\n"
  "  max_states         INTEGER,\n"
  "  max_seconds        REAL,\n"
  "  stop_reason        TEXT NOT NULL CHECK(stop_reason IN\n"
  "                       ('depth','exhausted','states','seconds','violation')),\n"
  "  states             INTEGER NOT NULL,\n"
  "  steps              INTEGER NOT NULL,\n"
  "  wall_seconds       REAL,\n"
  "  processor_seconds  REAL,\n"
  "  state_bytes        INTEGER,\n"
  "  rules_fired        TEXT NOT NULL,\n"
  "  rules_never        TEXT NOT NULL,\n"
  "  tool_branches      TEXT,\n"
  "  tools_never        TEXT,\n"
  "  verdict            TEXT NOT NULL CHECK(verdict IN ('held','violated')),\n"
  "  violation_steps    INTEGER\n"
  ");\n"
  "CREATE TABLE check_invariants(\n"
  "  run_id   TEXT NOT NULL REFERENCES runs(run_id),\n"
  "  position INTEGER NOT NULL,\n"
  "  name     TEXT NOT NULL,\n"
  "  rules    TEXT NOT NULL,\n"
  "  verdict  TEXT NOT NULL CHECK(verdict IN\n"
  "             ('held','violated','not checked')),\n"
  "  reason   TEXT,\n"
  "  PRIMARY KEY(run_id, position)\n"
  ") WITHOUT ROWID;\n"
  "CREATE TABLE check_depths(\n"
  "  run_id TEXT NOT NULL REFERENCES runs(run_id),\n"
  "  depth  INTEGER NOT NULL,\n"
  "  states INTEGER NOT NULL,\n"
  "  PRIMARY KEY(run_id, depth)\n"
  ") WITHOUT ROWID;\n"
};

/* The views of every schema, dropped before a migration (a table a view
** reads may be rebuilt) and recreated after it. */
static const char zStoreDropViews[] =
  "DROP VIEW IF EXISTS step_outcomes;\n"
  "DROP VIEW IF EXISTS failures;\n"
  "DROP VIEW IF EXISTS divergences;\n"
  "DROP VIEW IF EXISTS divergences_by_backend;\n"
  "DROP VIEW IF EXISTS verdict_changes;\n";

/* The views of the current schema, for people querying the file (the
** `mapscope results` command reads the tables only), recreated after any
** migration. */
static const char zStoreViews[] =
  /* One row per step and backend, with its run and scenario. */
  "CREATE VIEW step_outcomes AS\n"
  "SELECT r.run_id, r.seq, r.started_at, r.completed, r.host_name,\n"
  "       sc.scenario_id, sc.path, sc.title, sc.content_hash,\n"
  "       st.position, st.line, st.who, st.command, st.expected,\n"
  "       st.comparison, st.evidence, st.diverged_line,\n"
  "       sr.backend, sr.verdict, sr.output, sr.reason, sr.duration_ms\n"
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
  "       sum(comparison = 'agree' AND evidence = 'observation')\n"
  "         AS n_agree_observed,\n"
  "       sum(comparison = 'agree' AND evidence = 'acknowledgement')\n"
  "         AS n_agree_acknowledged,\n"
  "       sum(comparison = 'after-divergence') AS n_after_divergence,\n"
  "       sum(comparison = 'diverge') AS n_diverge,\n"
  "       sum(verdict = 'todo') AS n_todo,\n"
  "       sum(verdict = 'unsupported') AS n_unsupported,\n"
  "       sum(verdict IN ('fail','error','fixed')) AS n_failed\n"
  "  FROM step_outcomes GROUP BY run_id, backend;\n"
  /* Every pair of runs (a stored before b: by seq) in which a step's
  ** verdict or output on a backend differs; filter on run_a and run_b. */
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
  "   AND a.seq < b.seq\n"
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
  size_t oEvidence;         /* observation, acknowledgement */
  int iDivergedLine;        /* line of the divergence it follows, or 0 */
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

typedef struct StorePendEvent StorePendEvent;
struct StorePendEvent {
  size_t oBackend;          /* backend (offset into Store.zText) */
  size_t oAt;               /* when it was recorded */
  size_t oText;             /* the fact */
};

struct Store {
  sqlite3 *db;              /* the connection */
  char *zPath;              /* path opened (malloc'd) */
  char zErr[512];           /* last error message */
  char zRunId[37];          /* the run being written, "" if none */
  int bInScenario;          /* between scenario_begin and scenario_end */
  int bReadOnly;            /* opened by store_open_readonly() */
  int bCheckRun;            /* the open run is of kind "check" */
  int bCheckSummary;        /* its summary is written */
  int bTxn;                 /* inside store_txn_begin() */
  int bRunInTxn;            /* the open run was begun inside it */
  int bSummaryInTxn;        /* its check summary was written inside it */
  StoreGuard guard;         /* the progress handler's state */

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
  StorePendEvent *aEvent;   /* buffered events */
  int nEvent, nEventAlloc;  /* used / allocated in aEvent */

  /* Prepared statements of the write path */
  sqlite3_stmt *pInsRun;    /* INSERT INTO runs */
  sqlite3_stmt *pInsScenario; /* INSERT INTO scenarios */
  sqlite3_stmt *pInsStep;   /* INSERT INTO steps */
  sqlite3_stmt *pInsResult; /* INSERT INTO step_results */
  sqlite3_stmt *pInsTodo;   /* INSERT INTO known_divergences */
  sqlite3_stmt *pInsEvent;  /* INSERT INTO events */
  sqlite3_stmt *pEndRun;    /* UPDATE runs: complete, counts */
  sqlite3_stmt *pInsCheck;  /* INSERT INTO check_runs */
  sqlite3_stmt *pInsCheckInv; /* INSERT INTO check_invariants */
  sqlite3_stmt *pInsCheckDepth; /* INSERT INTO check_depths */
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
  p->nEvent = 0;
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
  "agree", "diverge", "after-divergence", "unsupported", "skip", "error", NULL
};
static const char *const azStoreEvidence[] = {
  "observation", "acknowledgement", NULL
};
static const char *const azStoreKind[] = { "run", "diff", "explore", "check",
                                            NULL };
static const char *const azStoreStop[] = { "depth", "exhausted", "states",
                                           "seconds", "violation", NULL };
static const char *const azStoreCheckVerdict[] = { "held", "violated", NULL };
static const char *const azStoreInvVerdict[] = { "held", "violated",
                                                 "not checked", NULL };

/* ---------------------------------------------------------------- 4 ---- */

/*
** Look at the first 100 bytes of zPath without opening it with SQLite.
** Sets *pbNew for a missing or empty file, *pbWal for a file in WAL mode
** (header bytes 18-19). Returns 0, or non-zero with a reason in zErr: not a
** regular file, not SQLite, another application's database, or
** (bCheckVersion) a newer schema. bWrite: the caller meant to write (the
** reason says the file is left alone); else it only reads, and the reason
** says only what the file is not.
*/
static int store_header_check(const char *zPath, int *pbNew, int *pbWal,
                              int bCheckVersion, int bWrite,
                              char *zErr, int nErr){
  struct stat st;
  unsigned char aHdr[100];
  FILE *pFile;
  size_t nRead;
  unsigned long iAppId, iVersion;

  *pbNew = 0;
  *pbWal = 0;
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
  *pbWal = aHdr[18]==2 && aHdr[19]==2;
  return 0;
}

/* The folder holding zPath ("." for a bare name) into zDir. */
static void store_dir_of(const char *zPath, char *zDir, size_t nDir){
  const char *zSlash = strrchr(zPath, '/');
  if( zSlash==NULL ){
    snprintf(zDir, nDir, ".");
  }else if( zSlash==zPath ){
    snprintf(zDir, nDir, "/");
  }else{
    snprintf(zDir, nDir, "%.*s", (int)(zSlash - zPath), zPath);
  }
}

/* Can this process write zPath's folder (create -wal, -shm, -journal)? */
static int store_dir_writable(const char *zPath){
  char zDir[4096];
  store_dir_of(zPath, zDir, sizeof(zDir));
  return access(zDir, W_OK|X_OK)==0;
}

int store_check_writable(const char *zPath, char *zErr, int nErr){
  char zDir[4096];
  int bNew = 0, bWal = 0;
  if( zPath==NULL || zPath[0]==0 ){
    snprintf(zErr, (size_t)nErr, "no database path given");
    return 1;
  }
  if( store_header_check(zPath, &bNew, &bWal, 1, 1, zErr, nErr) ) return 1;
  store_dir_of(zPath, zDir, sizeof(zDir));
  if( access(zPath, F_OK)==0 && access(zPath, W_OK)!=0 ){
    snprintf(zErr, (size_t)nErr, "%s: cannot store a run there: the file is"
             " not writable (%s)", zPath, strerror(errno));
    return 1;
  }
  if( access(zDir, W_OK|X_OK)!=0 ){
    snprintf(zErr, (size_t)nErr, "%s: cannot store a run there: the folder %s"
             " is not writable (%s), and SQLite %s beside the database",
             zPath, zDir, strerror(errno),
             bNew ? "creates the file and its -wal and -shm files"
                  : "writes -wal and -shm files");
    return 1;
  }
  return 0;
}

/*
** "file:" URI of zPath (every byte outside [A-Za-z0-9/._~-] percent-
** encoded, so no name is read as a URI parameter), followed by "?zParams"
** when zParams is not empty. sqlite3_malloc'd, NULL on out-of-memory.
*/
char *store_uri(const char *zPath, const char *zParams){
  static const char zHex[] = "0123456789ABCDEF";
  size_t n = strlen(zPath), i, j = 0;
  char *z = sqlite3_malloc64(n*3 + strlen(zParams) + 16);
  if( z==NULL ) return NULL;
  memcpy(z, "file:", 5);
  j = 5;
  for(i=0; i<n; i++){
    unsigned char c = (unsigned char)zPath[i];
    if( (c>='a' && c<='z') || (c>='A' && c<='Z') || (c>='0' && c<='9')
     || c=='/' || c=='.' || c=='_' || c=='~' || c=='-' ){
      z[j++] = (char)c;
    }else{
      z[j++] = '%';
      z[j++] = zHex[c>>4];
      z[j++] = zHex[c&15];
    }
  }
  z[j] = 0;
  if( zParams[0] ){
    z[j++] = '?';
    memcpy(z + j, zParams, strlen(zParams) + 1);
  }
  return z;
}

/*
** How a reader opens zPath (a WAL file when bWal): "mode=rw" (the file and
** its folder are writable: read-write with query_only, so SQLite removes
** the -wal and -shm it makes when it closes), "mode=ro", or, for a WAL file
** that has no -wal beside it and whose file or folder this process cannot
** write, "mode=ro&immutable=1": nothing can be created beside it, and no
** one is writing it (a writer keeps a -wal file while it works).
*/
const char *store_read_params(const char *zPath, int bWal){
  char zWal[4200];
  int bFileW = access(zPath, W_OK)==0;
  int bDirW = store_dir_writable(zPath);
  if( bFileW && bDirW ) return "mode=rw";
  snprintf(zWal, sizeof(zWal), "%s-wal", zPath);
  if( bWal && access(zWal, F_OK)!=0 ) return "mode=ro&immutable=1";
  return "mode=ro";
}

/* The size of zPath plus its -wal, in bytes (0 for what is missing). */
static sqlite3_int64 store_file_bytes(const char *zPath){
  struct stat st;
  char zWal[4200];
  sqlite3_int64 n = 0;
  if( zPath==NULL || zPath[0]==0 ) return 0;
  if( stat(zPath, &st)==0 ) n += (sqlite3_int64)st.st_size;
  snprintf(zWal, sizeof(zWal), "%s-wal", zPath);
  if( stat(zWal, &st)==0 ) n += (sqlite3_int64)st.st_size;
  return n;
}

/*
** The budget of one statement: a base, plus STORE_BUDGET_PER_BYTE steps
** per byte of the main file and of every input a merge attached (named
** src0, src1, ...). Legitimate work is roughly linear (sorts: n log n) in
** the bytes read; a view or CTE that never ends is not.
*/
static sqlite3_int64 store_guard_budget(sqlite3 *db){
  sqlite3_int64 nBytes = store_file_bytes(sqlite3_db_filename(db, "main"));
  int i;
  int nAttach = sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, -1);
  for(i=0; i<nAttach; i++){
    char zName[16];
    snprintf(zName, sizeof(zName), "src%d", i);
    nBytes += store_file_bytes(sqlite3_db_filename(db, zName));
  }
  if( nBytes > (sqlite3_int64)1<<40 ) nBytes = (sqlite3_int64)1<<40;
  return STORE_BUDGET_BASE + nBytes*STORE_BUDGET_PER_BYTE;
}

/* The progress handler: non-zero (interrupt) once a statement has run
** nBudget VM steps without a row. */
static int store_guard_progress(void *pArg){
  StoreGuard *g = (StoreGuard*)pArg;
  g->nOps += STORE_PROGRESS_OPS;
  if( g->nOps > g->nBudget ){
    g->nBudget = store_guard_budget(g->db);   /* the files may have grown */
    if( g->nOps > g->nBudget ){
      g->bTripped = 1;
      return 1;
    }
  }
  return 0;
}

/* Statement start and every row: the work so far produced something. */
static int store_guard_trace(unsigned eWhat, void *pArg, void *pP, void *pX){
  StoreGuard *g = (StoreGuard*)pArg;
  (void)eWhat; (void)pP; (void)pX;
  g->nOps = 0;
  if( eWhat==SQLITE_TRACE_STMT ) g->bTripped = 0;
  return 0;
}

/*
** Make a connection safe to point at a file someone else made: defensive
** mode (no writable_schema, no shadow-table writes), trusted_schema off
** (the file's views and triggers call only innocuous functions), no
** extension loading, and the progress guard. Returns an SQLite code.
*/
int store_harden(sqlite3 *db, StoreGuard *g){
  int rc = sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int*)0);
  if( rc==SQLITE_OK ) rc = sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int*)0);
  if( rc==SQLITE_OK ) rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, (int*)0);
  if( rc==SQLITE_OK ) rc = sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 1, (int*)0);
  if( rc!=SQLITE_OK ) return rc;
  g->db = db;
  g->nOps = 0;
  g->nBudget = store_guard_budget(db);
  g->bTripped = 0;
  sqlite3_progress_handler(db, STORE_PROGRESS_OPS, store_guard_progress, g);
  return sqlite3_trace_v2(db, SQLITE_TRACE_STMT|SQLITE_TRACE_ROW,
                          store_guard_trace, g);
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
  if( iVersion<1 && nObject>0 ){
    snprintf(zErr, (size_t)nErr, "%s: marked as a mapscope database but has no"
             " schema version; refusing it", p->zPath);
    return 1;
  }
  *piVersion = iVersion;
  return 0;
}

/*
** Check that the tables of schema iVersion in schema zDb ("main", "src0")
** are tables, not views (a view runs the file's own SQL where mapscope
** expects rows), and (bNoTriggers) that the schema holds no trigger (one
** would run on mapscope's writes). Returns 0, or 1 with zErr set (naming
** zPath), or an SQLite error code negated.
*/
int store_check_structure(sqlite3 *db, const char *zDb, const char *zPath,
                          long long iVersion, int bNoTriggers,
                          char *zErr, int nErr){
  static const char *const azTable[] = { "runs", "scenarios", "steps",
                                         "step_results", "known_divergences",
                                         "events", "check_runs",
                                         "check_invariants", "check_depths" };
  sqlite3_stmt *pStmt = NULL;
  char *zSql;
  size_t i, nTable = iVersion>=5 ? 9 : iVersion>=3 ? 6 : 5;
  int rc;
  zSql = sqlite3_mprintf("SELECT (SELECT type FROM \"%w\".sqlite_schema"
                         " WHERE name = ?1), (SELECT count(*) FROM"
                         " \"%w\".sqlite_schema WHERE type = 'trigger')",
                         zDb, zDb);
  if( zSql==NULL ) return -SQLITE_NOMEM;
  rc = sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL);
  sqlite3_free(zSql);
  if( rc!=SQLITE_OK ) goto sql_err;
  for(i=0; i<nTable; i++){
    const char *zType;
    sqlite3_reset(pStmt);
    sqlite3_bind_text(pStmt, 1, azTable[i], -1, SQLITE_STATIC);
    rc = sqlite3_step(pStmt);
    if( rc!=SQLITE_ROW ) goto sql_err;
    zType = (const char*)sqlite3_column_text(pStmt, 0);
    if( zType==NULL || strcmp(zType, "table")!=0 ){
      snprintf(zErr, (size_t)nErr, "%s: not a mapscope database this version"
               " can read (%s is %s%s); refusing it", zPath, azTable[i],
               zType ? "a " : "missing", zType ? zType : "");
      sqlite3_finalize(pStmt);
      return 1;
    }
    if( bNoTriggers && sqlite3_column_int64(pStmt, 1)>0 ){
      snprintf(zErr, (size_t)nErr, "%s: holds triggers mapscope did not make;"
               " refusing to write to it", zPath);
      sqlite3_finalize(pStmt);
      return 1;
    }
  }
  sqlite3_finalize(pStmt);
  return 0;

sql_err:
  snprintf(zErr, (size_t)nErr, "%s: cannot read the schema: %s", zPath,
           sqlite3_errmsg(db));
  sqlite3_finalize(pStmt);
  return -(rc ? rc : SQLITE_ERROR);
}

/*
** Rows of the tables that refer to runs (scenarios; events from schema 3)
** whose run_id names no run, by PRAGMA foreign_key_check, into *pn.
** Returns an SQLite code.
*/
static int store_orphans(Store *p, long long iVersion, long long *pn){
  long long n = 0;
  int rc = store_query_int(p->db, "SELECT count(*) FROM"
                           " pragma_foreign_key_check('scenarios')", pn);
  if( rc==SQLITE_OK && iVersion>=3 ){
    rc = store_query_int(p->db, "SELECT count(*) FROM"
                         " pragma_foreign_key_check('events')", &n);
    *pn += n;
  }
  return rc;
}

/*
** Bring the schema to STORE_SCHEMA_VERSION in one write transaction.
** Migrations that rebuild a table follow SQLite's procedure for schema
** changes ALTER TABLE cannot make: foreign key enforcement off for the
** transaction (mapscope never turns it on, but a build of SQLite may
** default to it, and dropping a table others refer to would then fail),
** views dropped first and made again last, and PRAGMA foreign_key_check
** afterwards: a migration that would leave more rows pointing at no run
** than the file had is rolled back. Returns 0, or non-zero with zErr set.
*/
static int store_migrate(Store *p, char *zErr, int nErr){
  long long iVersion = 0, v, bForeignKeys = 0, nOrphanBefore = 0, nOrphan = 0;
  char zSql[128];
  int rc = store_query_int(p->db, "PRAGMA foreign_keys", &bForeignKeys);
  if( rc==SQLITE_OK && bForeignKeys ){
    rc = sqlite3_exec(p->db, "PRAGMA foreign_keys=OFF", NULL, NULL, NULL);
  }
  if( rc==SQLITE_OK ) rc = sqlite3_exec(p->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if( rc!=SQLITE_OK ) goto err;
  /* Another process may have created or migrated it meanwhile. */
  rc = store_classify(p, &iVersion, 1, zErr, nErr);
  if( rc==0 && iVersion>0 ){
    rc = store_check_structure(p->db, "main", p->zPath, iVersion, 1, zErr, nErr);
  }
  if( rc!=0 ){
    sqlite3_exec(p->db, "ROLLBACK", NULL, NULL, NULL);
    if( bForeignKeys ) sqlite3_exec(p->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
    return rc;
  }
  if( iVersion<STORE_SCHEMA_VERSION ){
    if( iVersion==0 ){
      snprintf(zSql, sizeof(zSql), "PRAGMA application_id=%d",
               STORE_APPLICATION_ID);
      rc = sqlite3_exec(p->db, zSql, NULL, NULL, NULL);
      if( rc!=SQLITE_OK ) goto err;
    }
    if( iVersion>0 ){
      rc = store_orphans(p, iVersion, &nOrphanBefore);
      if( rc!=SQLITE_OK ) goto err;
    }
    rc = sqlite3_exec(p->db, zStoreDropViews, NULL, NULL, NULL);
    if( rc!=SQLITE_OK ) goto err;
    for(v=iVersion; v<STORE_SCHEMA_VERSION; v++){
      rc = sqlite3_exec(p->db, azStoreMigration[v], NULL, NULL, NULL);
      if( rc!=SQLITE_OK ) goto err;
    }
    rc = store_orphans(p, STORE_SCHEMA_VERSION, &nOrphan);
    if( rc!=SQLITE_OK ) goto err;
    if( nOrphan>nOrphanBefore ){
      snprintf(zErr, (size_t)nErr, "%s: cannot migrate the schema: it would"
               " leave %lld rows referring to no run (PRAGMA"
               " foreign_key_check); the file is left as it was", p->zPath,
               nOrphan - nOrphanBefore);
      sqlite3_exec(p->db, "ROLLBACK", NULL, NULL, NULL);
      goto done;
    }
    rc = sqlite3_exec(p->db, zStoreViews, NULL, NULL, NULL);
    if( rc!=SQLITE_OK ) goto err;
    snprintf(zSql, sizeof(zSql), "PRAGMA user_version=%d", STORE_SCHEMA_VERSION);
    rc = sqlite3_exec(p->db, zSql, NULL, NULL, NULL);
    if( rc!=SQLITE_OK ) goto err;
  }
  rc = sqlite3_exec(p->db, "COMMIT", NULL, NULL, NULL);
  if( rc!=SQLITE_OK ) goto err;
  if( bForeignKeys ) sqlite3_exec(p->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
  return 0;

err:
  snprintf(zErr, (size_t)nErr, "%s: cannot migrate the schema: %s", p->zPath,
           sqlite3_errmsg(p->db));
  sqlite3_exec(p->db, "ROLLBACK", NULL, NULL, NULL);
done:
  if( bForeignKeys ) sqlite3_exec(p->db, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
  return 1;
}

/*
** For a reader of an older schema (never migrated): temporary views named
** like the tables, which shadow them (SQLite looks in temp before main),
** giving the columns this build reads. seq follows start time, then row
** id, as the migration would number it. Returns an SQLite code.
*/
static int store_compat_views(Store *p, long long iVersion){
  char zSql[1024];
  int rc;
  if( iVersion<5 ){
    /* before schema 5 no check run was stored: its tables are empty */
    rc = sqlite3_exec(p->db,
        "CREATE TEMP TABLE check_runs(run_id TEXT PRIMARY KEY, world TEXT,"
        " world_hash TEXT, alphabet INTEGER, logon_names INTEGER, letters TEXT,"
        " all_logons INTEGER, listings INTEGER, families TEXT, tool_steps INTEGER,"
        " symmetry INTEGER, symmetric_accounts INTEGER, planted_bug INTEGER,"
        " depth_requested INTEGER, depth_completed INTEGER, max_states INTEGER,"
        " max_seconds REAL, stop_reason TEXT, states INTEGER, steps INTEGER,"
        " wall_seconds REAL, processor_seconds REAL, state_bytes INTEGER,"
        " rules_fired TEXT, rules_never TEXT, tool_branches TEXT,"
        " tools_never TEXT, verdict TEXT, violation_steps INTEGER);"
        "CREATE TEMP TABLE check_invariants(run_id TEXT, position INTEGER,"
        " name TEXT, rules TEXT, verdict TEXT, reason TEXT);"
        "CREATE TEMP TABLE check_depths(run_id TEXT, depth INTEGER,"
        " states INTEGER);", NULL, NULL, NULL);
    if( rc!=SQLITE_OK ) return rc;
  }
  if( iVersion>=4 ) return SQLITE_OK;
  if( iVersion==3 ){
    /* schema 3 lacks only runs.host_facts */
    return sqlite3_exec(p->db, "CREATE TEMP VIEW runs AS SELECT *,"
                        " NULL AS host_facts FROM main.runs;", NULL, NULL, NULL);
  }
  snprintf(zSql, sizeof(zSql),
      "CREATE TEMP VIEW runs AS SELECT *,%s row_number() OVER"
      " (ORDER BY started_at, rowid) AS seq, NULL AS n_agree_observed,"
      " NULL AS n_agree_acknowledged, NULL AS n_after_divergence,"
      " NULL AS host_facts FROM main.runs;"
      "CREATE TEMP VIEW steps AS SELECT *, NULL AS evidence,"
      " NULL AS diverged_line FROM main.steps;"
      "CREATE TEMP TABLE events(event_id INTEGER PRIMARY KEY, run_id TEXT,"
      " scenario_id INTEGER, backend TEXT, at TEXT, text TEXT);",
      iVersion<2 ? " NULL AS host_name," : "");
  rc = sqlite3_exec(p->db, zSql, NULL, NULL, NULL);
  return rc;
}

static int store_prepare_all(Store *p){
  struct { sqlite3_stmt **ppStmt; const char *zSql; } aStmt[] = {
    { &p->pInsRun,
      "INSERT INTO runs(run_id, kind, started_at, completed, backends, labels,"
      " command_line, mapscope_version, host_os, wine_version, agent_version,"
      " capabilities, host_name, host_facts, seq) VALUES(?1,?2,?3,0,?4,?5,?6,"
      "?7,?8,?9,?10,?11,?12,?13,(SELECT coalesce(max(seq), 0) + 1 FROM runs))" },
    { &p->pInsScenario,
      "INSERT INTO scenarios(run_id, path, title, content_hash)"
      " VALUES(?1,?2,?3,?4)" },
    { &p->pInsStep,
      "INSERT INTO steps(scenario_id, position, line, who, command, expected,"
      " comparison, evidence, diverged_line) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)" },
    { &p->pInsResult,
      "INSERT INTO step_results(scenario_id, position, backend, verdict, output,"
      " reason, duration_ms) VALUES(?1,?2,?3,?4,?5,?6,?7)" },
    { &p->pInsTodo,
      "INSERT INTO known_divergences(scenario_id, position, labels, reason)"
      " VALUES(?1,?2,?3,?4)" },
    { &p->pInsEvent,
      "INSERT INTO events(run_id, scenario_id, backend, at, text)"
      " VALUES(?1,?2,?3,?4,?5)" },
    { &p->pEndRun,
      "UPDATE runs SET ended_at = ?2, completed = 1, n_passed = ?3,"
      " n_failed = ?4, n_skipped = ?5,"
      " (n_scenarios, n_steps, n_agree_observed, n_agree_acknowledged,"
      "  n_after_divergence) = (SELECT count(DISTINCT sc.scenario_id),"
      "   count(st.scenario_id),"
      "   count(*) FILTER (WHERE st.comparison = 'agree'"
      "                      AND st.evidence = 'observation'),"
      "   count(*) FILTER (WHERE st.comparison = 'agree'"
      "                      AND st.evidence = 'acknowledgement'),"
      "   count(*) FILTER (WHERE st.comparison = 'after-divergence')"
      "   FROM scenarios sc LEFT JOIN steps st USING (scenario_id)"
      "  WHERE sc.run_id = ?1)"
      " WHERE run_id = ?1" },
    { &p->pInsCheck,
      "INSERT INTO check_runs(run_id, world, world_hash, alphabet, logon_names,"
      " letters, all_logons, listings, tool_steps, symmetry, symmetric_accounts,"
      " planted_bug, depth_requested, depth_completed, max_states, max_seconds,"
      " stop_reason, states, steps, wall_seconds, processor_seconds,"
      " state_bytes, rules_fired, rules_never, tool_branches, tools_never,"
      " verdict, violation_steps, families) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,"
      "?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?22,?23,?24,?25,?26,?27,"
      "?28,?29)" },
    { &p->pInsCheckInv,
      "INSERT INTO check_invariants(run_id, position, name, rules, verdict,"
      " reason) VALUES(?1,?2,?3,?4,?5,?6)" },
    { &p->pInsCheckDepth,
      "INSERT INTO check_depths(run_id, depth, states) VALUES(?1,?2,?3)" },
  };
  size_t i;
  for(i=0; i<sizeof(aStmt)/sizeof(aStmt[0]); i++){
    int rc = sqlite3_prepare_v3(p->db, aStmt[i].zSql, -1,
                                SQLITE_PREPARE_PERSISTENT, aStmt[i].ppStmt, NULL);
    if( rc!=SQLITE_OK ) return rc;
  }
  return SQLITE_OK;
}

/* How store_open_impl() opens. */
#define STORE_MODE_CREATE   0     /* write; create a missing file */
#define STORE_MODE_EXISTING 1     /* write; the file must exist */
#define STORE_MODE_READ     2     /* read only, never migrate */
#define STORE_WAL_TRY_MS    20    /* pause between tries of the WAL switch */
#define STORE_WAL_TRIES     3000  /* 3000 x 20 ms: the 60 s busy timeout */

static int store_open_impl(const char *zPath, int eMode, Store **ppStore,
                           char *zErr, int nErr){
  Store *p = NULL;
  int bNew = 0, bWal = 0, bWrite = eMode!=STORE_MODE_READ;
  long long iVersion = 0;
  char zMode[16] = "";
  int nTry;
  const char *zParams;
  char *zUri = NULL;
  sqlite3_stmt *pStmt = NULL;
  int rc;

  *ppStore = NULL;
  if( zPath==NULL || zPath[0]==0 ){
    snprintf(zErr, (size_t)nErr, "no database path given");
    return 1;
  }
  if( store_header_check(zPath, &bNew, &bWal, 1, bWrite, zErr, nErr) ) return 1;
  if( bNew && eMode!=STORE_MODE_CREATE ){
    snprintf(zErr, (size_t)nErr, "%s: no results database there", zPath);
    return 1;
  }
  /* A writer refuses a place it cannot write before SQLite opens it (a
  ** read-only file would open read-only and fail only at the first
  ** write). */
  if( bWrite && store_check_writable(zPath, zErr, nErr) ) return 1;
  p = calloc(1, sizeof(*p));
  if( p==NULL ) goto oom;
  p->zPath = strdup(zPath);
  if( p->zPath==NULL ) goto oom;
  p->bReadOnly = !bWrite;

  if( bWrite ){
    zParams = eMode==STORE_MODE_CREATE ? "mode=rwc" : "mode=rw";
  }else{
    zParams = store_read_params(zPath, bWal);
  }
  zUri = store_uri(zPath, zParams);
  if( zUri==NULL ) goto oom;
  rc = sqlite3_open_v2(zUri, &p->db, SQLITE_OPEN_URI | (strstr(zParams, "rw")
                       ? SQLITE_OPEN_READWRITE | (eMode==STORE_MODE_CREATE
                         ? SQLITE_OPEN_CREATE : 0)
                       : SQLITE_OPEN_READONLY), NULL);
  sqlite3_free(zUri);
  if( rc!=SQLITE_OK ){
    snprintf(zErr, (size_t)nErr, "%s: cannot open: %s", zPath,
             p->db ? sqlite3_errmsg(p->db) : sqlite3_errstr(rc));
    goto err;
  }
  sqlite3_extended_result_codes(p->db, 1);
  sqlite3_busy_timeout(p->db, 60000);
  rc = store_harden(p->db, &p->guard);
  if( rc!=SQLITE_OK ){
    snprintf(zErr, (size_t)nErr, "%s: cannot configure SQLite: %s", zPath,
             sqlite3_errmsg(p->db));
    goto err;
  }
  if( bWrite && sqlite3_db_readonly(p->db, "main")==1 ){
    snprintf(zErr, (size_t)nErr, "%s: SQLite opened it read-only; cannot store"
             " a run there", zPath);
    goto err;
  }

  /* Refuse before taking any write lock. */
  rc = store_classify(p, &iVersion, bWrite, zErr, nErr);
  if( rc==0 && iVersion>0 ){
    rc = store_check_structure(p->db, "main", zPath, iVersion, bWrite, zErr, nErr);
  }
  if( rc!=0 ) goto err;
  if( !bWrite ){
    if( iVersion<STORE_SCHEMA_VERSION ){
      rc = store_compat_views(p, iVersion);
      if( rc!=SQLITE_OK ){
        snprintf(zErr, (size_t)nErr, "%s: cannot read schema %lld: %s", zPath,
                 iVersion, sqlite3_errmsg(p->db));
        goto err;
      }
    }
    if( strcmp(zParams, "mode=rw")==0 ){
      sqlite3_exec(p->db, "PRAGMA query_only=1", NULL, NULL, NULL);
    }
    *ppStore = p;
    return 0;
  }
  if( iVersion<STORE_SCHEMA_VERSION && store_migrate(p, zErr, nErr) ) goto err;

  /* WAL is a property of the file; switch once. Two writers creating one
  ** file at the same moment can both try: SQLite may answer the second
  ** switch SQLITE_BUSY at once, without its busy handler (deadlock
  ** avoidance), so the switch is retried here, reading the mode again
  ** each time (the other writer has usually made it WAL meanwhile), for as
  ** long as the busy timeout allows. */
  for(nTry=0; ; nTry++){
    zMode[0] = 0;
    rc = sqlite3_prepare_v2(p->db, "PRAGMA journal_mode", -1, &pStmt, NULL);
    if( rc==SQLITE_OK && sqlite3_step(pStmt)==SQLITE_ROW ){
      snprintf(zMode, sizeof(zMode), "%s", (const char*)sqlite3_column_text(pStmt, 0));
    }
    sqlite3_finalize(pStmt);
    pStmt = NULL;
    if( strcmp(zMode, "wal")==0 ) break;
    rc = sqlite3_exec(p->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    if( rc==SQLITE_OK ) break;
    if( (rc & 0xff)!=SQLITE_BUSY || nTry>=STORE_WAL_TRIES ){
      snprintf(zErr, (size_t)nErr, "%s: cannot switch to WAL: %s", zPath,
               sqlite3_errmsg(p->db));
      goto err;
    }
    sqlite3_sleep(STORE_WAL_TRY_MS);
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
  return store_open_impl(zPath, STORE_MODE_CREATE, ppStore, zErr, nErr);
}

int store_open_existing(const char *zPath, Store **ppStore, char *zErr, int nErr){
  return store_open_impl(zPath, STORE_MODE_EXISTING, ppStore, zErr, nErr);
}

int store_open_readonly(const char *zPath, Store **ppStore, char *zErr, int nErr){
  return store_open_impl(zPath, STORE_MODE_READ, ppStore, zErr, nErr);
}

void store_close(Store *p){
  if( p==NULL ) return;
  sqlite3_finalize(p->pInsRun);
  sqlite3_finalize(p->pInsScenario);
  sqlite3_finalize(p->pInsStep);
  sqlite3_finalize(p->pInsResult);
  sqlite3_finalize(p->pInsTodo);
  sqlite3_finalize(p->pInsEvent);
  sqlite3_finalize(p->pEndRun);
  sqlite3_finalize(p->pInsCheck);
  sqlite3_finalize(p->pInsCheckInv);
  sqlite3_finalize(p->pInsCheckDepth);
  /* a transaction begun and not committed is rolled back by the close */
  if( p->db ) sqlite3_close(p->db);
  free(p->zText);
  free(p->aStep);
  free(p->aResult);
  free(p->aTodo);
  free(p->aEvent);
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

  if( p->bReadOnly ){
    snprintf(p->zErr, sizeof(p->zErr), "%s: opened read-only", p->zPath);
    return 1;
  }
  if( p->zRunId[0] ){
    snprintf(p->zErr, sizeof(p->zErr), "a run is already being written");
    return 1;
  }
  if( pInfo==NULL || pInfo->zKind==NULL || !store_word_in(pInfo->zKind, azStoreKind)
   || pInfo->zBackends==NULL ){
    snprintf(p->zErr, sizeof(p->zErr),
             "a run needs a kind (run, diff, explore, check) and its backends");
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
  if( rc==SQLITE_OK ) rc = store_bind_text(s, 13, pInfo->zHostFacts);
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
  p->bCheckRun = strcmp(pInfo->zKind, "check")==0;
  p->bCheckSummary = 0;
  p->bRunInTxn = p->bTxn;
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
  if( pStep->zEvidence && !store_word_in(pStep->zEvidence, azStoreEvidence) ){
    snprintf(p->zErr, sizeof(p->zErr), "unknown evidence '%.40s' (observation"
             " or acknowledgement)", pStep->zEvidence);
    return 1;
  }
  if( pStep->iDivergedLine<0 ){
    snprintf(p->zErr, sizeof(p->zErr), "step %d: diverged line %d",
             pStep->iPosition, pStep->iDivergedLine);
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
  pPend->oEvidence = store_buffer_text(p, pStep->zEvidence, 0, &rc);
  pPend->iDivergedLine = pStep->iDivergedLine;
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

int store_event(Store *p, const char *zBackend, const char *zText){
  char zNow[32];
  int rc = 0;
  if( p->zRunId[0]==0 ){
    snprintf(p->zErr, sizeof(p->zErr), "store_event outside a run");
    return 1;
  }
  if( zText==NULL ){
    snprintf(p->zErr, sizeof(p->zErr), "store_event without a text");
    return 1;
  }
  store_now(zNow);
  if( p->bInScenario ){
    StorePendEvent *pPend;
    if( store_grow((void**)&p->aEvent, p->nEvent, &p->nEventAlloc,
                   sizeof(*p->aEvent)) ){
      snprintf(p->zErr, sizeof(p->zErr), "out of memory");
      return SQLITE_NOMEM;
    }
    pPend = &p->aEvent[p->nEvent];
    pPend->oBackend = store_buffer_text(p, zBackend, 1, &rc);
    pPend->oAt = store_buffer_text(p, zNow, 0, &rc);
    pPend->oText = store_buffer_text(p, zText, 1, &rc);
    if( rc ){
      snprintf(p->zErr, sizeof(p->zErr), "out of memory");
      return rc;
    }
    p->nEvent++;
    return 0;
  }
  /* Outside a scenario: about the run, committed now. */
  sqlite3_reset(p->pInsEvent);
  sqlite3_bind_text(p->pInsEvent, 1, p->zRunId, -1, SQLITE_STATIC);
  sqlite3_bind_null(p->pInsEvent, 2);
  rc = store_bind_text(p->pInsEvent, 3, zBackend);
  if( rc==SQLITE_OK ) rc = sqlite3_bind_text(p->pInsEvent, 4, zNow, -1, SQLITE_TRANSIENT);
  if( rc==SQLITE_OK ) rc = store_bind_text(p->pInsEvent, 5, zText);
  if( rc==SQLITE_OK ){
    rc = sqlite3_step(p->pInsEvent);
    rc = rc==SQLITE_DONE ? SQLITE_OK : rc;
  }
  sqlite3_reset(p->pInsEvent);
  sqlite3_clear_bindings(p->pInsEvent);
  if( rc!=SQLITE_OK ){
    store_set_err(p, "cannot record the event");
    return rc;
  }
  return 0;
}

/* Step a bound INSERT/UPDATE to completion and reset it; an SQLite code. */
static int store_exec_stmt(sqlite3_stmt *pStmt){
  int rc = sqlite3_step(pStmt);
  sqlite3_reset(pStmt);
  return rc==SQLITE_DONE ? SQLITE_OK : rc;
}

/*
** The transaction of one write (a scenario, a check summary): its own
** (BEGIN IMMEDIATE ... COMMIT), or inside the caller's store_txn_begin() a
** savepoint, so a failed write undoes only itself and the caller decides.
** Each returns an SQLite code.
*/
static int store_write_begin(Store *p){
  return sqlite3_exec(p->db, p->bTxn ? "SAVEPOINT store_write" : "BEGIN IMMEDIATE",
                      NULL, NULL, NULL);
}
static int store_write_commit(Store *p){
  return sqlite3_exec(p->db, p->bTxn ? "RELEASE store_write" : "COMMIT",
                      NULL, NULL, NULL);
}
static void store_write_rollback(Store *p){
  sqlite3_exec(p->db, p->bTxn ? "ROLLBACK TO store_write; RELEASE store_write"
               : "ROLLBACK", NULL, NULL, NULL);
}

/* Write the buffered scenario in one transaction. */
static int store_write_scenario(Store *p){
  sqlite3_int64 iScenario;
  int rc, i, j;

  rc = store_write_begin(p);
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
    sqlite3_bind_text(s, 8, store_text(p, pS->oEvidence), -1, SQLITE_STATIC);
    if( pS->iDivergedLine>0 ){
      sqlite3_bind_int(s, 9, pS->iDivergedLine);
    }else{
      sqlite3_bind_null(s, 9);
    }
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
  for(i=0; i<p->nEvent; i++){
    const StorePendEvent *pE = &p->aEvent[i];
    sqlite3_stmt *s = p->pInsEvent;
    sqlite3_bind_text(s, 1, p->zRunId, -1, SQLITE_STATIC);
    sqlite3_bind_int64(s, 2, iScenario);
    sqlite3_bind_text(s, 3, store_text(p, pE->oBackend), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 4, store_text(p, pE->oAt), -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 5, store_text(p, pE->oText), -1, SQLITE_STATIC);
    rc = store_exec_stmt(s);
    if( rc!=SQLITE_OK ) goto err;
  }
  rc = store_write_commit(p);
  if( rc!=SQLITE_OK ) goto err;
  return SQLITE_OK;

err:
  store_set_err(p, "cannot store the scenario");
  store_write_rollback(p);
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

/* 1 if every invariant of pSum has a name, rules and a known verdict. */
static int store_check_invariants_ok(Store *p, const StoreCheckSummary *pSum){
  int i;
  for(i=0; i<pSum->nInv; i++){
    const StoreCheckInvariant *pInv = &pSum->aInv[i];
    if( pInv->zName==NULL || pInv->zRules==NULL || pInv->zVerdict==NULL
     || !store_word_in(pInv->zVerdict, azStoreInvVerdict) ){
      snprintf(p->zErr, sizeof(p->zErr), "invariant %d: a name, rules and a"
               " verdict (held, violated, not checked) are needed (got"
               " '%.40s')", i, pInv->zVerdict ? pInv->zVerdict : "(null)");
      return 0;
    }
  }
  return 1;
}

int store_check_summary(Store *p, const StoreCheckSummary *pSum){
  sqlite3_stmt *s = p->pInsCheck;
  char zHash[17];
  int rc = SQLITE_OK, i;

  if( p->zRunId[0]==0 || p->bInScenario ){
    snprintf(p->zErr, sizeof(p->zErr), "store_check_summary %s",
             p->zRunId[0] ? "inside a scenario" : "outside a run");
    return 1;
  }
  if( !p->bCheckRun ){
    snprintf(p->zErr, sizeof(p->zErr), "a check summary belongs to a run of"
             " kind check");
    return 1;
  }
  if( p->bCheckSummary ){
    snprintf(p->zErr, sizeof(p->zErr), "the run's check summary is already"
             " stored");
    return 1;
  }
  if( pSum->zWorld==NULL || pSum->zLetters==NULL || pSum->zRulesFired==NULL
   || pSum->zRulesNever==NULL ){
    snprintf(p->zErr, sizeof(p->zErr), "a check summary needs its world,"
             " letters and rules");
    return 1;
  }
  if( pSum->zStopReason==NULL || !store_word_in(pSum->zStopReason, azStoreStop) ){
    snprintf(p->zErr, sizeof(p->zErr), "unknown stop reason '%.40s' (depth,"
             " exhausted, states, seconds, violation)",
             pSum->zStopReason ? pSum->zStopReason : "(null)");
    return 1;
  }
  if( pSum->zVerdict==NULL || !store_word_in(pSum->zVerdict, azStoreCheckVerdict) ){
    snprintf(p->zErr, sizeof(p->zErr), "unknown check verdict '%.40s' (held,"
             " violated)", pSum->zVerdict ? pSum->zVerdict : "(null)");
    return 1;
  }
  if( pSum->nInv<0 || (pSum->nInv>0 && pSum->aInv==NULL)
   || pSum->nDepths<0 || (pSum->nDepths>0 && pSum->anStatesAt==NULL) ){
    snprintf(p->zErr, sizeof(p->zErr), "a check summary with %d invariants"
             " and %d depths but no array", pSum->nInv, pSum->nDepths);
    return 1;
  }
  if( !store_check_invariants_ok(p, pSum) ) return 1;
  store_hash64_hex(pSum->zWorldText ? pSum->zWorldText : "",
                   pSum->zWorldText ? pSum->nWorldText : 0, zHash);

  rc = store_write_begin(p);
  if( rc!=SQLITE_OK ){
    store_set_err(p, "cannot store the check summary");
    return rc;
  }
  sqlite3_bind_text(s, 1, p->zRunId, -1, SQLITE_STATIC);
  rc = store_bind_text(s, 2, pSum->zWorld);
  sqlite3_bind_text(s, 3, zHash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int(s, 4, pSum->nAlphabet);
  sqlite3_bind_int(s, 5, pSum->nLogonNames);
  if( rc==SQLITE_OK ) rc = store_bind_text(s, 6, pSum->zLetters);
  sqlite3_bind_int(s, 7, pSum->bAllLogons!=0);
  sqlite3_bind_int(s, 8, pSum->bListings!=0);
  sqlite3_bind_int(s, 9, pSum->nToolSteps);
  sqlite3_bind_int(s, 10, pSum->bSymmetry!=0);
  sqlite3_bind_int(s, 11, pSum->nSymmetricAccounts);
  if( pSum->iPlantedBug ){
    sqlite3_bind_int64(s, 12, (sqlite3_int64)pSum->iPlantedBug);
  }else{
    sqlite3_bind_null(s, 12);
  }
  sqlite3_bind_int(s, 13, pSum->nDepthRequested);
  sqlite3_bind_int(s, 14, pSum->nDepthCompleted);
  if( pSum->nMaxStates>0 ){
    sqlite3_bind_int64(s, 15, (sqlite3_int64)pSum->nMaxStates);
  }else{
    sqlite3_bind_null(s, 15);
  }
  if( pSum->rMaxSeconds>0 ){
    sqlite3_bind_double(s, 16, pSum->rMaxSeconds);
  }else{
    sqlite3_bind_null(s, 16);
  }
  sqlite3_bind_text(s, 17, pSum->zStopReason, -1, SQLITE_STATIC);
  sqlite3_bind_int64(s, 18, (sqlite3_int64)pSum->nStates);
  sqlite3_bind_int64(s, 19, (sqlite3_int64)pSum->nSteps);
  sqlite3_bind_double(s, 20, pSum->rWallSeconds);
  sqlite3_bind_double(s, 21, pSum->rProcessorSeconds);
  sqlite3_bind_int64(s, 22, (sqlite3_int64)pSum->nStateBytes);
  if( rc==SQLITE_OK ) rc = store_bind_text(s, 23, pSum->zRulesFired);
  if( rc==SQLITE_OK ) rc = store_bind_text(s, 24, pSum->zRulesNever);
  if( rc==SQLITE_OK ) rc = store_bind_text(s, 25, pSum->zToolBranches);
  if( rc==SQLITE_OK ) rc = store_bind_text(s, 26, pSum->zToolsNever);
  sqlite3_bind_text(s, 27, pSum->zVerdict, -1, SQLITE_STATIC);
  if( strcmp(pSum->zVerdict, "violated")==0 ){
    sqlite3_bind_int(s, 28, pSum->nViolationSteps);
  }else{
    sqlite3_bind_null(s, 28);
  }
  if( rc==SQLITE_OK ) rc = store_bind_text(s, 29, pSum->zFamilies);
  if( rc==SQLITE_OK ) rc = store_exec_stmt(s);
  sqlite3_clear_bindings(s);
  for(i=0; rc==SQLITE_OK && i<pSum->nInv; i++){
    const StoreCheckInvariant *pInv = &pSum->aInv[i];
    s = p->pInsCheckInv;
    sqlite3_bind_text(s, 1, p->zRunId, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, i);
    rc = store_bind_text(s, 3, pInv->zName);
    if( rc==SQLITE_OK ) rc = store_bind_text(s, 4, pInv->zRules);
    sqlite3_bind_text(s, 5, pInv->zVerdict, -1, SQLITE_STATIC);
    if( rc==SQLITE_OK ) rc = store_bind_text(s, 6, pInv->zReason);
    if( rc==SQLITE_OK ) rc = store_exec_stmt(s);
    sqlite3_clear_bindings(s);
  }
  for(i=0; rc==SQLITE_OK && i<pSum->nDepths; i++){
    s = p->pInsCheckDepth;
    sqlite3_bind_text(s, 1, p->zRunId, -1, SQLITE_STATIC);
    sqlite3_bind_int(s, 2, i);
    sqlite3_bind_int64(s, 3, (sqlite3_int64)pSum->anStatesAt[i]);
    rc = store_exec_stmt(s);
    sqlite3_clear_bindings(s);
  }
  if( rc==SQLITE_OK ) rc = store_write_commit(p);
  if( rc!=SQLITE_OK ){
    store_set_err(p, "cannot store the check summary");
    store_write_rollback(p);
    return rc;
  }
  p->bCheckSummary = 1;
  p->bSummaryInTxn = p->bTxn;
  return 0;
}

int store_txn_begin(Store *p){
  int rc;
  if( p->bReadOnly ){
    snprintf(p->zErr, sizeof(p->zErr), "%s: opened read-only", p->zPath);
    return 1;
  }
  if( p->bTxn || p->bInScenario ){
    snprintf(p->zErr, sizeof(p->zErr), "store_txn_begin inside a %s",
             p->bTxn ? "transaction" : "scenario");
    return 1;
  }
  rc = sqlite3_exec(p->db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  if( rc!=SQLITE_OK ){
    store_set_err(p, "cannot begin a transaction");
    return rc;
  }
  p->bTxn = 1;
  p->bRunInTxn = 0;
  p->bSummaryInTxn = 0;
  return 0;
}

int store_txn_commit(Store *p){
  int rc;
  if( !p->bTxn ){
    snprintf(p->zErr, sizeof(p->zErr), "store_txn_commit outside a transaction");
    return 1;
  }
  rc = sqlite3_exec(p->db, "COMMIT", NULL, NULL, NULL);
  if( rc!=SQLITE_OK ){
    store_set_err(p, "cannot commit");
    store_txn_rollback(p);
    return rc;
  }
  p->bTxn = 0;
  return 0;
}

void store_txn_rollback(Store *p){
  if( p==NULL || !p->bTxn ) return;
  if( !sqlite3_get_autocommit(p->db) ){
    sqlite3_exec(p->db, "ROLLBACK", NULL, NULL, NULL);
  }
  p->bTxn = 0;
  /* what the transaction wrote is gone: so is the run begun in it */
  if( p->bRunInTxn ){
    p->zRunId[0] = 0;
    p->bCheckRun = 0;
    p->bCheckSummary = 0;
    if( p->bInScenario ) store_buffer_reset(p);
  }else if( p->bSummaryInTxn ){
    p->bCheckSummary = 0;
  }
  p->bRunInTxn = 0;
  p->bSummaryInTxn = 0;
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
  p->bCheckRun = 0;
  p->bCheckSummary = 0;
  return 0;
}
