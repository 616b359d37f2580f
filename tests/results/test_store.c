/*
** tests/results/test_store.c: cmocka tests of the results store.
**
** Each test works in its own temporary directory. Contents:
**   1. helpers (temp files, writing runs, counting rows)
**   2. schema creation, migration from v1 and from v2 (the v2 file built
**      by the SQL mapscope 0.2 ran), evidence and events; schema 5: a
**      schema-4 file made by the schema-4 code migrated, check summaries,
**      the caller's transaction
**   3. refusal of newer and foreign files (bytes unchanged)
**   4. transactions: a scenario is all or nothing; the incomplete mark
**   5. concurrent writers (fork)
**   6. run references, compare ordering, a path stored twice in a run
**   7. merge: damaged inputs refused, all-or-nothing over several inputs,
**      both runs land, idempotence, refusals, check runs carried
**   8. redaction and hashing
**   9. hostile files: endless views, tables that are views, triggers
*/
#define _GNU_SOURCE             /* memmem, mkdtemp */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "results/store.h"

#include <sqlite3.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- 1 ---- */

typedef struct TestDir TestDir;
struct TestDir {
  char zDir[256];             /* mkdtemp'd directory */
};

static int test_setup(void **ppState){
  TestDir *p = calloc(1, sizeof(*p));
  if( p==NULL ) return -1;
  snprintf(p->zDir, sizeof(p->zDir), "/tmp/mapscope-results-XXXXXX");
  if( mkdtemp(p->zDir)==NULL ){ free(p); return -1; }
  *ppState = p;
  return 0;
}

static int test_teardown(void **ppState){
  TestDir *p = *ppState;
  char zCmd[300];
  snprintf(zCmd, sizeof(zCmd), "rm -rf '%s'", p->zDir);
  if( system(zCmd)!=0 ) return -1;
  free(p);
  return 0;
}

/* zOut = dir/zName */
static void test_path(void **ppState, const char *zName, char *zOut, size_t nOut){
  TestDir *p = *ppState;
  snprintf(zOut, nOut, "%s/%s", p->zDir, zName);
}

static Store *test_open(const char *zPath){
  char zErr[512];
  Store *p = NULL;
  int rc = store_open(zPath, &p, zErr, sizeof(zErr));
  if( rc ) fprintf(stderr, "store_open: %s\n", zErr);
  assert_int_equal(rc, 0);
  assert_non_null(p);
  return p;
}

static void test_begin_run(Store *p, char zRunId[37]){
  StoreRunInfo info;
  memset(&info, 0, sizeof(info));
  info.zKind = "run";
  info.zBackends = "sim";
  info.zCommandLine = "mapscope run scenarios/";
  info.zMapscopeVersion = "test";
  assert_int_equal(store_run_begin(p, &info, zRunId), 0);
}

/* One step at iPos with one sim result. */
static void test_add_step(Store *p, int iPos, const char *zCommand,
                          const char *zVerdict, const char *zOutput){
  StoreBackendResult res;
  StoreStep step;
  memset(&res, 0, sizeof(res));
  res.zBackend = "sim";
  res.zVerdict = zVerdict;
  res.zOutput = zOutput;
  res.rDurationMs = 1.5;
  memset(&step, 0, sizeof(step));
  step.iPosition = iPos;
  step.iLine = 20 + iPos;
  step.zWho = "A";
  step.zCommand = zCommand;
  step.zExpected = "OK";
  step.aResult = &res;
  step.nResult = 1;
  assert_int_equal(store_step(p, &step), 0);
}

/* A complete run of nScn scenarios x nStep passing steps. */
static void test_write_run(Store *p, char zRunId[37], int nScn, int nStep){
  int i, j;
  test_begin_run(p, zRunId);
  for(i=0; i<nScn; i++){
    char zPath[64];
    snprintf(zPath, sizeof(zPath), "s%03d.scn", i);
    assert_int_equal(store_scenario_begin(p, zPath, "t", zPath, strlen(zPath)), 0);
    for(j=0; j<nStep; j++) test_add_step(p, j, "as A drives", "pass", "OK");
    assert_int_equal(store_scenario_end(p, 1), 0);
  }
  assert_int_equal(store_run_end(p, nScn*nStep, 0, 0), 0);
}

/* An integer from an SQL statement on a fresh connection. */
static long long test_sql_int(const char *zPath, const char *zSql){
  sqlite3 *db = NULL;
  sqlite3_stmt *pStmt = NULL;
  long long v = -1;
  assert_int_equal(sqlite3_open_v2(zPath, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
  sqlite3_busy_timeout(db, 10000);
  if( sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL)!=SQLITE_OK ){
    fprintf(stderr, "%s: %s\n", zSql, sqlite3_errmsg(db));
    fail();
  }
  if( sqlite3_step(pStmt)==SQLITE_ROW ) v = sqlite3_column_int64(pStmt, 0);
  sqlite3_finalize(pStmt);
  sqlite3_close(db);
  return v;
}

static void test_sql_exec(const char *zPath, const char *zSql){
  sqlite3 *db = NULL;
  char *zErr = NULL;
  assert_int_equal(sqlite3_open(zPath, &db), SQLITE_OK);
  if( sqlite3_exec(db, zSql, NULL, NULL, &zErr)!=SQLITE_OK ){
    fprintf(stderr, "%s\n", zErr);
    fail();
  }
  sqlite3_close(db);
}

/* The whole file into a malloc'd buffer; *pn its size. */
static char *test_slurp(const char *zPath, long *pn){
  FILE *pIn = fopen(zPath, "rb");
  char *z;
  assert_non_null(pIn);
  fseek(pIn, 0, SEEK_END);
  *pn = ftell(pIn);
  fseek(pIn, 0, SEEK_SET);
  z = malloc((size_t)*pn + 1);
  assert_non_null(z);
  assert_int_equal(fread(z, 1, (size_t)*pn, pIn), (size_t)*pn);
  fclose(pIn);
  return z;
}

/* ---------------------------------------------------------------- 2 ---- */

static void test_schema_created(void **ppState){
  char zDb[300], zRunId[37];
  Store *p;
  test_path(ppState, "new.db", zDb, sizeof(zDb));
  p = test_open(zDb);
  test_write_run(p, zRunId, 2, 3);
  assert_int_equal(strlen(zRunId), 32);
  assert_int_equal(strspn(zRunId, "0123456789abcdef"), 32);
  store_close(p);
  assert_int_equal(test_sql_int(zDb, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
  assert_int_equal(test_sql_int(zDb, "PRAGMA application_id"), STORE_APPLICATION_ID);
  assert_int_equal(test_sql_int(zDb,
      "SELECT count(*) FROM pragma_journal_mode WHERE journal_mode='wal'"), 1);
  assert_int_equal(test_sql_int(zDb,
      "SELECT count(*) FROM sqlite_schema WHERE type='view' AND name IN"
      " ('step_outcomes','failures','divergences','divergences_by_backend',"
      "  'verdict_changes')"), 5);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM step_outcomes"), 6);
  assert_int_equal(test_sql_int(zDb,
      "SELECT n_scenarios*100 + n_steps*10 + completed FROM runs"), 261);
  assert_int_equal(test_sql_int(zDb,
      "SELECT count(*) FROM runs WHERE host_name IS NOT NULL"), 1);
  /* the content hash is FNV-1a 64 of the content given */
  {
    char zHex[17];
    char zSql[200];
    store_hash64_hex("s000.scn", 8, zHex);
    snprintf(zSql, sizeof(zSql), "SELECT count(*) FROM scenarios WHERE"
             " path='s000.scn' AND content_hash='%s'", zHex);
    assert_int_equal(test_sql_int(zDb, zSql), 1);
  }
  /* reopening a current database changes nothing */
  p = test_open(zDb);
  store_close(p);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM runs"), 1);
}

/* The first shipped schema, written by hand as mapscope 0.1 would have. */
static const char zSchemaV1[] =
  "PRAGMA application_id=1297302352;"
  "CREATE TABLE runs(run_id TEXT PRIMARY KEY NOT NULL, kind TEXT NOT NULL"
  " CHECK(kind IN ('run','diff','explore')), started_at TEXT NOT NULL,"
  " ended_at TEXT, completed INTEGER NOT NULL DEFAULT 0, backends TEXT NOT NULL,"
  " labels TEXT, command_line TEXT, mapscope_version TEXT, host_os TEXT,"
  " wine_version TEXT, agent_version TEXT, capabilities TEXT,"
  " n_scenarios INTEGER NOT NULL DEFAULT 0, n_steps INTEGER NOT NULL DEFAULT 0,"
  " n_passed INTEGER, n_failed INTEGER, n_skipped INTEGER);"
  "CREATE TABLE scenarios(scenario_id INTEGER PRIMARY KEY, run_id TEXT NOT NULL"
  " REFERENCES runs(run_id), path TEXT NOT NULL, title TEXT,"
  " content_hash TEXT NOT NULL);"
  "CREATE INDEX scenarios_by_run ON scenarios(run_id, path);"
  "CREATE TABLE steps(scenario_id INTEGER NOT NULL"
  " REFERENCES scenarios(scenario_id), position INTEGER NOT NULL,"
  " line INTEGER NOT NULL, who TEXT, command TEXT NOT NULL, expected TEXT,"
  " comparison TEXT, PRIMARY KEY(scenario_id, position)) WITHOUT ROWID;"
  "CREATE TABLE step_results(scenario_id INTEGER NOT NULL, position INTEGER"
  " NOT NULL, backend TEXT NOT NULL, verdict TEXT NOT NULL, output TEXT,"
  " reason TEXT, duration_ms REAL, PRIMARY KEY(scenario_id, position, backend),"
  " FOREIGN KEY(scenario_id, position) REFERENCES steps(scenario_id, position))"
  " WITHOUT ROWID;"
  "CREATE TABLE known_divergences(scenario_id INTEGER NOT NULL, position INTEGER"
  " NOT NULL, labels TEXT NOT NULL, reason TEXT NOT NULL);"
  "INSERT INTO runs(run_id, kind, started_at, ended_at, completed, backends,"
  " n_scenarios, n_steps) VALUES('0123456789abcdef0123456789abcdef', 'run',"
  " '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:01.000Z', 1, 'sim', 1, 1);"
  "INSERT INTO scenarios VALUES(1, '0123456789abcdef0123456789abcdef',"
  " 'old.scn', 'old', '0000000000000000');"
  "INSERT INTO steps VALUES(1, 0, 5, 'A', 'as A drives', 'OK', NULL);"
  "INSERT INTO step_results VALUES(1, 0, 'sim', 'pass', 'OK', NULL, 2.0);"
  "PRAGMA user_version=1;";

static void test_migrate_v1_to_v3(void **ppState){
  char zDb[300], zRunId[37];
  Store *p;
  test_path(ppState, "v1.db", zDb, sizeof(zDb));
  test_sql_exec(zDb, zSchemaV1);
  assert_int_equal(test_sql_int(zDb, "PRAGMA user_version"), 1);
  /* v1 has no host_name and no views */
  assert_int_equal(test_sql_int(zDb,
      "SELECT count(*) FROM pragma_table_info('runs') WHERE name='host_name'"), 0);

  p = test_open(zDb);
  test_write_run(p, zRunId, 1, 2);
  store_close(p);

  assert_int_equal(test_sql_int(zDb, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
  assert_int_equal(test_sql_int(zDb,
      "SELECT count(*) FROM pragma_table_info('runs') WHERE name='host_name'"), 1);
  /* the old run comes first in store order */
  assert_int_equal(test_sql_int(zDb, "SELECT seq FROM runs WHERE run_id="
      "'0123456789abcdef0123456789abcdef'"), 1);
  /* the old run survives, with no host name, and the views see it */
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM runs WHERE run_id="
      "'0123456789abcdef0123456789abcdef' AND host_name IS NULL"), 1);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM step_outcomes WHERE"
      " path='old.scn' AND verdict='pass'"), 1);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM runs"), 2);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM pragma_integrity_check"
                                     " WHERE integrity_check<>'ok'"), 0);
}

/*
** A schema-2 database exactly as mapscope 0.2 made it: its two migrations
** and its views, copied from that version's results/store.c, then three
** runs. Runs f... and c... started in the same millisecond; f was stored
** first (lower rowid), but c's id sorts first, so a tie broken by id (as
** the v2 views did) puts c first. Run a... started a day later but has
** the lowest rowid.
*/
static const char zSchemaV2[] =
  "PRAGMA application_id=1297302352;\n"
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
  "CREATE INDEX known_by_scenario ON known_divergences(scenario_id, position);\n"

  /* 1 -> 2: the name of the machine that wrote the run, so the runs of a
  ** merged CI matrix can be told apart. */
  "ALTER TABLE runs ADD COLUMN host_name TEXT;\n"
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
  " WHERE a.verdict <> b.verdict OR a.output IS NOT b.output;\n"
  "INSERT INTO runs(run_id, kind, started_at, ended_at, completed, backends,"
  " n_scenarios, n_steps, host_name) VALUES"
  " ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'run', '2026-01-02T00:00:00.000Z',"
  "  '2026-01-02T00:00:01.000Z', 1, 'sim', 1, 1, 'h1'),"
  " ('ffffffffffffffffffffffffffffffff', 'diff', '2026-01-01T00:00:00.000Z',"
  "  '2026-01-01T00:00:01.000Z', 1, 'sim,wine', 1, 1, 'h2'),"
  " ('cccccccccccccccccccccccccccccccc', 'diff', '2026-01-01T00:00:00.000Z',"
  "  NULL, 0, 'sim,wine', 0, 0, 'h2');\n"
  "INSERT INTO scenarios VALUES(1, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'a.scn',"
  " 'a', '0000000000000001'), (2, 'ffffffffffffffffffffffffffffffff', 'b.scn',"
  " 'b', '0000000000000002'), (3, 'cccccccccccccccccccccccccccccccc', 'b.scn',"
  " 'b', '0000000000000002');\n"
  "INSERT INTO steps VALUES(1, 0, 5, 'A', 'as A drives', 'OK', NULL),"
  " (2, 0, 7, 'A', 'as A net use', NULL, 'agree'),"
  " (3, 0, 7, 'A', 'as A net use', NULL, 'diverge');\n"
  "INSERT INTO step_results VALUES(1, 0, 'sim', 'pass', 'OK', NULL, 2.0),"
  " (2, 0, 'sim', 'pass', 'OK', NULL, 1.0), (2, 0, 'wine', 'pass', 'OK', NULL, 3.0),"
  " (3, 0, 'sim', 'pass', 'OK', NULL, 1.0), (3, 0, 'wine', 'fail', 'bad', NULL, 3.0);\n"
  "INSERT INTO known_divergences VALUES(3, 0, 'wine', 'known');\n"
  "PRAGMA user_version=2;\n";

/* Schema 2 -> 3: seq by start time then row id (the tie goes to the run
** stored first, not to the smaller id), evidence and diverged_line NULL,
** every old row kept, the new comparison word accepted, an events table;
** a reader opening a v2 file read-only sees the same seq without
** migrating it. */
static void test_migrate_v2_to_v3(void **ppState){
  char zDb[300], zRo[300], zRunId[37], zErr[512], zGot[37];
  Store *p;
  test_path(ppState, "v2.db", zDb, sizeof(zDb));
  test_path(ppState, "v2ro.db", zRo, sizeof(zRo));
  test_sql_exec(zDb, zSchemaV2);
  test_sql_exec(zRo, zSchemaV2);
  assert_int_equal(test_sql_int(zDb, "PRAGMA user_version"), 2);

  /* read-only: not migrated, but ordered the same way */
  assert_int_equal(store_open_readonly(zRo, &p, zErr, sizeof(zErr)), 0);
  assert_int_equal(store_resolve_run(p, "last", zGot, zErr, sizeof(zErr)), 0);
  assert_string_equal(zGot, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
  assert_int_equal(store_resolve_run(p, "last~1", zGot, zErr, sizeof(zErr)), 0);
  assert_string_equal(zGot, "cccccccccccccccccccccccccccccccc");
  assert_int_equal(store_resolve_run(p, "last~2", zGot, zErr, sizeof(zErr)), 0);
  assert_string_equal(zGot, "ffffffffffffffffffffffffffffffff");
  store_close(p);
  assert_int_equal(test_sql_int(zRo, "PRAGMA user_version"), 2);

  p = test_open(zDb);
  test_write_run(p, zRunId, 1, 1);
  store_close(p);
  assert_int_equal(test_sql_int(zDb, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM runs WHERE"
      " (run_id LIKE 'f%' AND seq = 1) OR (run_id LIKE 'c%' AND seq = 2)"
      " OR (run_id LIKE 'a%' AND seq = 3) OR seq = 4"), 4);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM steps"), 4);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM steps WHERE"
      " evidence IS NULL AND diverged_line IS NULL AND scenario_id <= 3"), 3);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM step_results"), 6);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM known_divergences"), 1);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM steps WHERE"
      " scenario_id = 3 AND comparison = 'diverge' AND command = 'as A net use'"), 1);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM events"), 0);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM sqlite_schema WHERE"
      " type='view'"), 5);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM step_outcomes"), 6);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM pragma_integrity_check"
                                     " WHERE integrity_check<>'ok'"), 0);
  /* the rebuilt steps table takes the new word; the CHECK still holds */
  test_sql_exec(zDb, "INSERT INTO steps(scenario_id, position, line, command,"
                " comparison, evidence, diverged_line) VALUES(1, 9, 9, 'x',"
                " 'after-divergence', 'observation', 5)");
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM steps WHERE"
                                     " comparison = 'after-divergence'"), 1);
  /* the view pairs f (stored first of the tied two) before c: a
  ** regression, not the fix a tie broken by run id made of it */
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM verdict_changes"
      " WHERE run_a LIKE 'f%' AND run_b LIKE 'c%' AND change = 'regression'"), 1);
}

/* Schema 3's step fields: evidence and the diverged line are stored, the
** comparison word after-divergence is accepted, unknown evidence is
** refused, and a completed run counts its agreements by evidence. */
static void test_step_evidence_and_after_divergence(void **ppState){
  static const struct { const char *zCmp, *zEv; int iDiv; } aStep[] = {
    { "agree", "observation", 0 },
    { "agree", "acknowledgement", 0 },
    { "diverge", "acknowledgement", 0 },
    { "after-divergence", "observation", 22 },
    { "agree", NULL, 0 },
  };
  char zDb[300], zRunId[37];
  StoreBackendResult aRes[2];
  StoreStep step;
  Store *p;
  int i;
  test_path(ppState, "ev.db", zDb, sizeof(zDb));
  p = test_open(zDb);
  test_begin_run(p, zRunId);
  assert_int_equal(store_scenario_begin(p, "ev.scn", NULL, "e", 1), 0);
  memset(aRes, 0, sizeof(aRes));
  aRes[0].zBackend = "sim";  aRes[0].zVerdict = "pass"; aRes[0].zOutput = "OK";
  aRes[1].zBackend = "wine"; aRes[1].zVerdict = "pass"; aRes[1].zOutput = "OK";
  for(i=0; i<5; i++){
    memset(&step, 0, sizeof(step));
    step.iPosition = i;
    step.iLine = 20 + i;
    step.zCommand = "as A drives";
    step.zComparison = aStep[i].zCmp;
    step.zEvidence = aStep[i].zEv;
    step.iDivergedLine = aStep[i].iDiv;
    step.aResult = aRes;
    step.nResult = 2;
    assert_int_equal(store_step(p, &step), 0);
  }
  step.iPosition = 9;
  step.zEvidence = "hearsay";
  assert_int_not_equal(store_step(p, &step), 0);
  assert_non_null(strstr(store_errmsg(p), "hearsay"));
  step.zEvidence = NULL;
  step.zComparison = "after_divergence";
  assert_int_not_equal(store_step(p, &step), 0);
  assert_int_equal(store_scenario_end(p, 1), 0);
  assert_int_equal(store_run_end(p, 5, 0, 0), 0);
  store_close(p);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM steps WHERE"
      " position = 3 AND comparison = 'after-divergence'"
      " AND evidence = 'observation' AND diverged_line = 22"), 1);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM steps WHERE"
      " diverged_line IS NULL"), 4);
  assert_int_equal(test_sql_int(zDb, "SELECT n_agree_observed*100"
      " + n_agree_acknowledged*10 + n_after_divergence FROM runs"), 111);
  assert_int_equal(test_sql_int(zDb, "SELECT n_agree_observed*100"
      " + n_agree_acknowledged*10 + n_after_divergence FROM divergences_by_backend"
      " WHERE backend = 'wine'"), 111);
  assert_int_equal(test_sql_int(zDb, "SELECT seq FROM runs"), 1);
}

/* store_event(): outside a scenario committed at once with the run; inside
** one written with it (and dropped with it); redacted; refused outside a
** run. */
static void test_events_stored_with_scenario_or_run(void **ppState){
  char zDb[300], zRunId[37];
  Store *p;
  test_path(ppState, "events.db", zDb, sizeof(zDb));
  p = test_open(zDb);
  assert_int_not_equal(store_event(p, "wine", "too early"), 0);
  test_begin_run(p, zRunId);
  assert_int_equal(store_event(p, "wine", "agent recovered 3 journal entries"), 0);
  /* committed already: another connection sees it */
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM events WHERE"
      " scenario_id IS NULL AND backend = 'wine'"), 1);
  assert_int_equal(store_scenario_begin(p, "kept.scn", NULL, "k", 1), 0);
  test_add_step(p, 0, "as A drives", "pass", "OK");
  assert_int_equal(store_event(p, NULL, "logon user password=hunter2 failed"), 0);
  assert_int_equal(store_scenario_end(p, 1), 0);
  assert_int_equal(store_scenario_begin(p, "dropped.scn", NULL, "d", 1), 0);
  assert_int_equal(store_event(p, "wine", "lost with its scenario"), 0);
  assert_int_equal(store_scenario_end(p, 0), 0);
  assert_int_not_equal(store_event(p, "wine", NULL), 0);
  assert_int_equal(store_run_end(p, 1, 0, 0), 0);
  store_close(p);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM events"), 2);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM events e JOIN"
      " scenarios s USING (scenario_id) WHERE s.path = 'kept.scn'"
      " AND e.text LIKE '%password=***%' AND e.text NOT LIKE '%hunter2%'"
      " AND e.backend IS NULL"), 1);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM events WHERE"
      " at LIKE '20%Z'"), 2);
}

/*
** Schema 3 -> 4: runs.host_facts, every fact the backend reported about
** its host (issue 8: an agent's elevation, UAC state, where its SYSTEM
** token came from). Old runs keep NULL; a reader of a v3 file sees the
** column (NULL) without migrating it; a new run stores its facts.
*/
static void test_migrate_v3_to_v4_host_facts(void **ppState){
  char zDb[300], zRunId[37], zOld[37], zErr[512];
  Store *p;
  sqlite3_stmt *pStmt = NULL;
  StoreRunInfo info;
  test_path(ppState, "v3.db", zDb, sizeof(zDb));
  /* a v3 file: today's schema without the v4 column and the v5 tables
  ** (runs' wider CHECK stays: no v3 row needs it) */
  p = test_open(zDb);
  test_write_run(p, zOld, 1, 1);
  store_close(p);
  test_sql_exec(zDb, "PRAGMA journal_mode=DELETE;"
                     " DROP TABLE check_depths; DROP TABLE check_invariants;"
                     " DROP TABLE check_runs;"
                     " ALTER TABLE runs DROP COLUMN host_facts;"
                     " PRAGMA user_version=3;");
  assert_int_equal(test_sql_int(zDb,
      "SELECT count(*) FROM pragma_table_info('runs') WHERE name='host_facts'"), 0);

  /* read-only: the column reads as NULL, the file stays v3 */
  assert_int_equal(store_open_readonly(zDb, &p, zErr, sizeof(zErr)), 0);
  assert_int_equal(sqlite3_prepare_v2(store_db(p),
      "SELECT count(*) FROM runs WHERE host_facts IS NULL AND seq = 1", -1,
      &pStmt, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(pStmt), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(pStmt, 0), 1);
  sqlite3_finalize(pStmt);
  store_close(p);
  assert_int_equal(test_sql_int(zDb, "PRAGMA user_version"), 3);

  /* writing migrates: the old run keeps NULL, the new one its facts */
  p = test_open(zDb);
  memset(&info, 0, sizeof(info));
  info.zKind = "run";
  info.zBackends = "sim,wine";
  info.zHostOs = "Wine 9.0 on Linux";
  info.zHostFacts = "agent 0.4\nelevated yes\nsystem-token-from winlogon.exe";
  assert_int_equal(store_run_begin(p, &info, zRunId), 0);
  assert_int_equal(store_run_end(p, 0, 0, 0), 0);
  store_close(p);
  assert_int_equal(test_sql_int(zDb, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
  assert_int_equal(test_sql_int(zDb,
      "SELECT count(*) FROM runs WHERE seq = 1 AND host_facts IS NULL"), 1);
  assert_int_equal(test_sql_int(zDb,
      "SELECT count(*) FROM runs WHERE seq = 2 AND host_facts ="
      " 'agent 0.4' || char(10) || 'elevated yes' || char(10) ||"
      " 'system-token-from winlogon.exe'"), 1);
}

/*
** Schema 5: runs of kind check. The helpers write a check summary of
** three invariants over three depths; the tests load a schema-4 file made
** by the schema-4 code (fixtures/schema-v4.sql) and migrate it.
*/
static const StoreCheckInvariant aTestInv[3] = {
  { "link-owner", "C1 C10 N3 N5", "held", NULL },
  { "no-password-in-hkcu", "C6", "held", NULL },
  { "assigned-checked-first", "C2", "violated", "gave 1202, not 85" },
};
static const long anTestDepth[3] = { 1, 71, 2295 };

static void test_check_summary(StoreCheckSummary *pSum, int bViolated){
  memset(pSum, 0, sizeof(*pSum));
  pSum->zWorld = "built-in";
  pSum->zWorldText = "user alice admin password=Al1ce-pw\n";
  pSum->nWorldText = strlen(pSum->zWorldText);
  pSum->nAlphabet = 960;
  pSum->nLogonNames = 2;
  pSum->zLetters = "QRZ";
  pSum->bListings = 1;
  pSum->nToolSteps = 17;
  pSum->bSymmetry = 1;
  pSum->nSymmetricAccounts = 2;
  pSum->iPlantedBug = bViolated ? 2 : 0;
  pSum->nDepthRequested = 2;
  pSum->nDepthCompleted = bViolated ? 1 : 2;
  pSum->zStopReason = bViolated ? "violation" : "depth";
  pSum->nStates = 2367;
  pSum->anStatesAt = anTestDepth;
  pSum->nDepths = 3;
  pSum->nSteps = 6014;
  pSum->rWallSeconds = 0.14;
  pSum->rProcessorSeconds = 0.13;
  pSum->nStateBytes = 131072;
  pSum->zRulesFired = "C1 C2 N3";
  pSum->zRulesNever = "W3 W4";
  pSum->zToolBranches = "ps.New-PSDrive: -Persist\ngpp.drive-map: action=replace";
  pSum->zToolsNever = "ps.Remove-SmbMapping";
  pSum->zVerdict = bViolated ? "violated" : "held";
  pSum->nViolationSteps = bViolated ? 2 : 0;
  pSum->aInv = aTestInv;
  pSum->nInv = bViolated ? 3 : 2;
}

static void test_begin_check_run(Store *p, char zRunId[37]){
  StoreRunInfo info;
  memset(&info, 0, sizeof(info));
  info.zKind = "check";
  info.zBackends = "sim";
  info.zCommandLine = "mapscope check --depth 2";
  info.zMapscopeVersion = "test";
  info.zHostOs = "model";
  assert_int_equal(store_run_begin(p, &info, zRunId), 0);
}

/* A complete check run in one transaction: violated (with its
** counterexample scenario of two steps) or held. */
static void test_write_check_run(Store *p, char zRunId[37], int bViolated){
  StoreCheckSummary sum;
  test_check_summary(&sum, bViolated);
  assert_int_equal(store_txn_begin(p), 0);
  test_begin_check_run(p, zRunId);
  if( bViolated ){
    assert_int_equal(store_scenario_begin(p, "cx.scn", "gave 1202", "cx", 2), 0);
    test_add_step(p, 0, "as SYSTEM net use Q: \\\\fs1\\data", "pass", "ok");
    test_add_step(p, 1, "as SYSTEM net use Q: \\\\fs2\\pub", "fail", "error 1202");
    assert_int_equal(store_scenario_end(p, 1), 0);
  }
  assert_int_equal(store_check_summary(p, &sum), 0);
  assert_int_equal(store_run_end(p, bViolated ? 2 : 2, bViolated, 0), 0);
  assert_int_equal(store_txn_commit(p), 0);
}

/* A text from an SQL statement on a fresh connection into zOut. */
static void test_sql_text(const char *zPath, const char *zSql, char *zOut, size_t nOut){
  sqlite3 *db = NULL;
  sqlite3_stmt *pStmt = NULL;
  zOut[0] = 0;
  assert_int_equal(sqlite3_open_v2(zPath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
  if( sqlite3_prepare_v2(db, zSql, -1, &pStmt, NULL)!=SQLITE_OK ){
    fprintf(stderr, "%s: %s\n", zSql, sqlite3_errmsg(db));
    fail();
  }
  if( sqlite3_step(pStmt)==SQLITE_ROW && sqlite3_column_text(pStmt, 0) ){
    snprintf(zOut, nOut, "%s", (const char*)sqlite3_column_text(pStmt, 0));
  }
  sqlite3_finalize(pStmt);
  sqlite3_close(db);
}

/* The SQLite code of zSql run on a fresh connection (0 when it worked). */
static int test_sql_rc(const char *zPath, const char *zSql){
  sqlite3 *db = NULL;
  int rc;
  assert_int_equal(sqlite3_open(zPath, &db), SQLITE_OK);
  rc = sqlite3_exec(db, zSql, NULL, NULL, NULL);
  sqlite3_close(db);
  return rc;
}

/* Load fixtures/zName (SQL) into a new database at zPath. */
static void test_load_fixture(const char *zPath, const char *zName){
  char zFile[600];
  long n;
  char *zSql;
  snprintf(zFile, sizeof(zFile), "%s/%s", RESULTS_FIXTURE_DIR, zName);
  zSql = test_slurp(zFile, &n);
  zSql[n] = 0;
  test_sql_exec(zPath, zSql);
  free(zSql);
}

/* What a migration must keep of every old run: row id, id, seq, kind,
** state and counts, host and command line, in row order. */
static const char zRunsSnapshot[] =
  "SELECT group_concat(x, '|') FROM (SELECT rowid || ' ' || run_id || ' '"
  " || seq || ' ' || kind || ' ' || completed || ' ' || n_scenarios || ' '"
  " || n_steps || ' ' || coalesce(n_failed, '-') || ' ' || coalesce(host_name, '-')"
  " || ' ' || coalesce(command_line, '-') AS x FROM runs ORDER BY rowid)";

/*
** Schema 4 -> 5 on a file the schema-4 code made (fixtures/schema-v4.sql:
** a check counterexample stored then as explore, a run, two diff runs
** with a todo and an event). A reader sees the check tables (empty)
** without migrating; a writer migrates: runs is rebuilt with the wider
** CHECK, every old row kept as it was (row ids, seq, kinds), its index
** made again, no row left referring to no run (foreign_key_check), the
** views back, and a check run stored beside the old ones.
*/
static void test_migrate_v4_to_v5_check_runs(void **ppState){
  char zDb[300], zRo[300], zRunId[37], zErr[512], zGot[37];
  char zBefore[4096], zAfter[4096];
  sqlite3_stmt *pStmt = NULL;
  long long nStepResults, nEvents, nKnown, nOutcomes;
  Store *p;
  test_path(ppState, "v4.db", zDb, sizeof(zDb));
  test_path(ppState, "v4ro.db", zRo, sizeof(zRo));
  test_load_fixture(zDb, "schema-v4.sql");
  test_load_fixture(zRo, "schema-v4.sql");
  assert_int_equal(test_sql_int(zDb, "PRAGMA user_version"), 4);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM runs"), 4);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
  /* the schema-4 CHECK refuses the new kind */
  assert_int_not_equal(test_sql_rc(zRo, "UPDATE runs SET kind = 'check' WHERE seq = 1"), 0);
  test_sql_text(zDb, zRunsSnapshot, zBefore, sizeof(zBefore));
  assert_non_null(strstr(zBefore, " explore 1 1 2 1 "));
  nStepResults = test_sql_int(zDb, "SELECT count(*) FROM step_results");
  nEvents = test_sql_int(zDb, "SELECT count(*) FROM events");
  nKnown = test_sql_int(zDb, "SELECT count(*) FROM known_divergences");
  nOutcomes = test_sql_int(zDb, "SELECT count(*) FROM step_outcomes");
  assert_true(nEvents>0 && nKnown>0);

  /* read-only: the check tables read as empty, the file stays v4 */
  assert_int_equal(store_open_readonly(zRo, &p, zErr, sizeof(zErr)), 0);
  assert_int_equal(sqlite3_prepare_v2(store_db(p), "SELECT (SELECT count(*) FROM"
      " check_runs) + (SELECT count(*) FROM check_invariants) + (SELECT count(*)"
      " FROM check_depths), (SELECT count(*) FROM runs)", -1, &pStmt, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_step(pStmt), SQLITE_ROW);
  assert_int_equal(sqlite3_column_int(pStmt, 0), 0);
  assert_int_equal(sqlite3_column_int(pStmt, 1), 4);
  sqlite3_finalize(pStmt);
  assert_int_equal(store_resolve_run(p, "last~3", zGot, zErr, sizeof(zErr)), 0);
  store_close(p);
  assert_int_equal(test_sql_int(zRo, "PRAGMA user_version"), 4);
  assert_int_equal(store_check_input(zRo, zErr, sizeof(zErr)), 0);

  /* writing migrates */
  p = test_open(zDb);
  test_write_check_run(p, zRunId, 1);
  store_close(p);
  assert_int_equal(test_sql_int(zDb, "PRAGMA user_version"), 5);
  assert_int_equal(test_sql_int(zDb, "PRAGMA user_version"), STORE_SCHEMA_VERSION);
  test_sql_text(zDb, "SELECT group_concat(x, '|') FROM (SELECT rowid || ' ' ||"
                " run_id || ' ' || seq || ' ' || kind || ' ' || completed || ' ' ||"
                " n_scenarios || ' ' || n_steps || ' ' || coalesce(n_failed, '-')"
                " || ' ' || coalesce(host_name, '-') || ' ' ||"
                " coalesce(command_line, '-') AS x FROM runs WHERE seq <= 4"
                " ORDER BY rowid)", zAfter, sizeof(zAfter));
  assert_string_equal(zBefore, zAfter);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM runs WHERE seq = 5"
                                     " AND kind = 'check' AND completed = 1"), 1);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM step_results"), nStepResults + 2);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM events"), nEvents);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM known_divergences"), nKnown);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM step_outcomes"), nOutcomes + 2);
  /* the rebuilt table: the new CHECK, its unique index, no leftover */
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM sqlite_schema WHERE"
      " name = 'runs' AND sql LIKE '%''explore'',''check''%'"), 1);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM sqlite_schema WHERE"
      " type = 'index' AND name = 'runs_by_seq' AND tbl_name = 'runs'"
      " AND sql LIKE 'CREATE UNIQUE INDEX%'"), 1);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM sqlite_schema WHERE"
      " name LIKE '%_v5'"), 0);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM sqlite_schema WHERE"
      " type = 'view'"), 5);
  assert_int_not_equal(test_sql_rc(zDb, "UPDATE runs SET kind = 'bogus' WHERE seq = 1"), 0);
  assert_int_not_equal(test_sql_rc(zDb, "UPDATE runs SET seq = 2 WHERE seq = 1"), 0);
  /* SQLite's procedure, step 10: no row refers to a missing parent */
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM pragma_integrity_check"
                                     " WHERE integrity_check<>'ok'"), 0);
  /* the check run's rows */
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM check_runs WHERE"
      " verdict = 'violated' AND violation_steps = 2 AND stop_reason = 'violation'"
      " AND planted_bug = 2 AND depth_completed = 1 AND states = 2367"), 1);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM check_invariants"), 3);
  assert_int_equal(test_sql_int(zDb, "SELECT sum(states) FROM check_depths"), 2367);
}

/*
** A check summary: refused for another kind of run, inside a scenario,
** twice, with an unknown word; stored with its invariants and depths
** (redacted, the world hashed, NULL where nothing applies). Inside
** store_txn_begin() nothing is seen before the commit, and a rollback or
** a close without commit leaves nothing, not even an incomplete run.
*/
static void test_check_summary_and_transaction(void **ppState){
  char zDb[300], zRunId[37], zHash[17], zSql[300], zText[512];
  StoreCheckSummary sum;
  StoreCheckInvariant aBad[1] = { { "x", "C1", "maybe", NULL } };
  Store *p;
  test_path(ppState, "check.db", zDb, sizeof(zDb));
  p = test_open(zDb);
  test_check_summary(&sum, 0);
  /* no run; a run of another kind */
  assert_int_not_equal(store_check_summary(p, &sum), 0);
  test_begin_run(p, zRunId);
  assert_int_not_equal(store_check_summary(p, &sum), 0);
  assert_non_null(strstr(store_errmsg(p), "kind check"));
  assert_int_equal(store_run_end(p, 0, 0, 0), 0);

  /* rolled back: nothing at all */
  assert_int_equal(store_txn_begin(p), 0);
  assert_int_not_equal(store_txn_begin(p), 0);
  test_begin_check_run(p, zRunId);
  assert_int_equal(store_scenario_begin(p, "cx.scn", NULL, "cx", 2), 0);
  assert_int_not_equal(store_check_summary(p, &sum), 0);
  test_add_step(p, 0, "as A drives", "fail", "nothing");
  assert_int_equal(store_scenario_end(p, 1), 0);
  sum.zStopReason = "tired";
  assert_int_not_equal(store_check_summary(p, &sum), 0);
  assert_non_null(strstr(store_errmsg(p), "tired"));
  test_check_summary(&sum, 0);
  sum.zVerdict = "fine";
  assert_int_not_equal(store_check_summary(p, &sum), 0);
  test_check_summary(&sum, 0);
  sum.aInv = aBad;
  sum.nInv = 1;
  assert_int_not_equal(store_check_summary(p, &sum), 0);
  assert_non_null(strstr(store_errmsg(p), "maybe"));
  test_check_summary(&sum, 0);
  assert_int_equal(store_check_summary(p, &sum), 0);
  assert_int_not_equal(store_check_summary(p, &sum), 0);
  assert_int_equal(store_run_end(p, 2, 0, 0), 0);
  /* not committed: another connection sees only the first run */
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM runs"), 1);
  store_txn_rollback(p);
  assert_int_equal(test_sql_int(zDb, "SELECT (SELECT count(*) FROM runs)"
      " + (SELECT count(*) FROM scenarios) + (SELECT count(*) FROM steps)"
      " + (SELECT count(*) FROM check_runs) + (SELECT count(*) FROM"
      " check_invariants) + (SELECT count(*) FROM check_depths)"), 1);

  /* committed: every row */
  test_write_check_run(p, zRunId, 0);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM runs WHERE kind ="
      " 'check' AND completed = 1 AND n_passed = 2 AND n_failed = 0"), 1);
  store_hash64_hex(sum.zWorldText, sum.nWorldText, zHash);
  snprintf(zSql, sizeof(zSql), "SELECT count(*) FROM check_runs WHERE world ="
           " 'built-in' AND world_hash = '%s' AND verdict = 'held' AND"
           " violation_steps IS NULL AND planted_bug IS NULL AND max_states IS"
           " NULL AND max_seconds IS NULL AND letters = 'QRZ' AND tool_steps = 17",
           zHash);
  assert_int_equal(test_sql_int(zDb, zSql), 1);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM check_invariants"
                                     " WHERE verdict = 'held'"), 2);
  test_sql_text(zDb, "SELECT group_concat(depth || ':' || states, ' ') FROM"
                " check_depths", zText, sizeof(zText));
  assert_string_equal(zText, "0:1 1:71 2:2295");
  test_sql_text(zDb, "SELECT tool_branches FROM check_runs", zText, sizeof(zText));
  assert_string_equal(zText, "ps.New-PSDrive: -Persist\ngpp.drive-map: action=replace");
  /* nothing of the world's text is stored */
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM check_runs WHERE"
                                     " world LIKE '%Al1ce%'"), 0);

  /* closed without a commit: nothing */
  assert_int_equal(store_txn_begin(p), 0);
  test_begin_check_run(p, zRunId);
  assert_int_equal(store_check_summary(p, &sum), 0);
  store_close(p);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM runs"), 2);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM check_runs"), 1);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

/* ---------------------------------------------------------------- 3 ---- */

/* store_open must fail naming zWord, and leave zPath byte-for-byte as it was. */
static void test_refused_unchanged(const char *zPath, const char *zWord){
  long nBefore, nAfter;
  char *zBefore = test_slurp(zPath, &nBefore);
  char *zAfter;
  char zErr[512] = "";
  char zWal[320];
  Store *p = NULL;
  assert_int_not_equal(store_open(zPath, &p, zErr, sizeof(zErr)), 0);
  assert_null(p);
  if( strstr(zErr, zWord)==NULL ) fprintf(stderr, "message: %s\n", zErr);
  assert_non_null(strstr(zErr, zWord));
  assert_null(strchr(zErr, '\n'));
  zAfter = test_slurp(zPath, &nAfter);
  assert_int_equal(nBefore, nAfter);
  assert_memory_equal(zBefore, zAfter, (size_t)nBefore);
  snprintf(zWal, sizeof(zWal), "%s-wal", zPath);
  assert_int_not_equal(access(zWal, F_OK), 0);
  free(zBefore);
  free(zAfter);
}

static void test_refuse_newer_schema(void **ppState){
  char zDb[300], zRunId[37];
  Store *p;
  test_path(ppState, "newer.db", zDb, sizeof(zDb));
  p = test_open(zDb);
  test_write_run(p, zRunId, 1, 1);
  store_close(p);
  test_sql_exec(zDb, "PRAGMA journal_mode=DELETE; PRAGMA user_version=6;");
  test_refused_unchanged(zDb, "newer");
  /* the same in WAL mode */
  test_sql_exec(zDb, "PRAGMA journal_mode=WAL; PRAGMA user_version=9;");
  test_refused_unchanged(zDb, "schema version 9");
  /* and merging it is refused too */
  {
    char zErr[512];
    assert_int_not_equal(store_check_input(zDb, zErr, sizeof(zErr)), 0);
    assert_non_null(strstr(zErr, "newer"));
  }
}

static void test_refuse_foreign_files(void **ppState){
  char zPath[300];
  Store *p = NULL;
  char zErr[512];
  FILE *pOut;

  test_path(ppState, "notes.txt", zPath, sizeof(zPath));
  pOut = fopen(zPath, "w");
  assert_non_null(pOut);
  fputs("these are my notes, not a database\n", pOut);
  fclose(pOut);
  test_refused_unchanged(zPath, "not an SQLite database");

  test_path(ppState, "other.db", zPath, sizeof(zPath));
  test_sql_exec(zPath, "CREATE TABLE t(x); INSERT INTO t VALUES(1);");
  test_refused_unchanged(zPath, "another application");

  test_path(ppState, "otherapp.db", zPath, sizeof(zPath));
  test_sql_exec(zPath, "PRAGMA application_id=42; CREATE TABLE runs(x);");
  test_refused_unchanged(zPath, "application_id 42");
  assert_int_not_equal(store_check_input(zPath, zErr, sizeof(zErr)), 0);

  /* store_open_existing creates nothing */
  test_path(ppState, "missing.db", zPath, sizeof(zPath));
  assert_int_not_equal(store_open_existing(zPath, &p, zErr, sizeof(zErr)), 0);
  assert_int_not_equal(access(zPath, F_OK), 0);
}

/* ---------------------------------------------------------------- 4 ---- */

static void test_scenario_rolled_back_leaves_nothing(void **ppState){
  char zDb[300], zRunId[37];
  Store *p;
  test_path(ppState, "txn.db", zDb, sizeof(zDb));
  p = test_open(zDb);
  test_begin_run(p, zRunId);

  /* rolled back by the caller */
  assert_int_equal(store_scenario_begin(p, "gone.scn", NULL, "x", 1), 0);
  test_add_step(p, 0, "as A drives", "pass", "OK");
  test_add_step(p, 1, "as A token", "fail", "bad");
  assert_int_equal(store_scenario_end(p, 0), 0);

  /* failing in the middle of its write: a trigger refuses the 2nd step */
  sqlite3_exec(store_db(p), "CREATE TEMP TRIGGER boom BEFORE INSERT ON main.steps"
               " WHEN new.command = 'as A boom' BEGIN SELECT RAISE(ABORT, 'boom');"
               " END", NULL, NULL, NULL);
  assert_int_equal(store_scenario_begin(p, "half.scn", NULL, "y", 1), 0);
  test_add_step(p, 0, "as A drives", "pass", "OK");
  test_add_step(p, 1, "as A boom", "pass", "OK");
  assert_int_not_equal(store_scenario_end(p, 1), 0);
  assert_non_null(strstr(store_errmsg(p), "boom"));

  /* a later scenario still lands */
  assert_int_equal(store_scenario_begin(p, "kept.scn", NULL, "z", 1), 0);
  test_add_step(p, 0, "as A drives", "pass", "OK");
  assert_int_equal(store_scenario_end(p, 1), 0);

  /* a bad verdict is refused at once */
  assert_int_equal(store_scenario_begin(p, "bad.scn", NULL, "z", 1), 0);
  {
    StoreBackendResult res = { "sim", "maybe", NULL, NULL, 0 };
    StoreStep step;
    memset(&step, 0, sizeof(step));
    step.zCommand = "as A drives";
    step.aResult = &res;
    step.nResult = 1;
    assert_int_not_equal(store_step(p, &step), 0);
  }
  assert_int_equal(store_scenario_end(p, 0), 0);
  store_close(p);                 /* without store_run_end */

  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM scenarios"), 1);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM scenarios WHERE path='kept.scn'"), 1);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM steps"), 1);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM step_results"), 1);
  /* the run was never ended: it shows incomplete, its counts not filled */
  assert_int_equal(test_sql_int(zDb, "SELECT n_scenarios*10 + n_steps FROM runs"), 0);
  assert_int_equal(test_sql_int(zDb, "SELECT completed FROM runs"), 0);
  assert_int_equal(test_sql_int(zDb, "SELECT ended_at IS NULL FROM runs"), 1);
}

/* ---------------------------------------------------------------- 5 ---- */

static void test_concurrent_writers_both_land(void **ppState){
  char zDb[300];
  pid_t aPid[2];
  int i;
  test_path(ppState, "busy.db", zDb, sizeof(zDb));
  /* both processes create the database at once, too */
  for(i=0; i<2; i++){
    aPid[i] = fork();
    assert_true(aPid[i]>=0);
    if( aPid[i]==0 ){
      char zErr[512], zRunId[37];
      Store *p = NULL;
      StoreRunInfo info;
      int j, k;
      if( store_open(zDb, &p, zErr, sizeof(zErr)) ){
        fprintf(stderr, "child: %s\n", zErr);
        _exit(3);
      }
      memset(&info, 0, sizeof(info));
      info.zKind = "run";
      info.zBackends = i ? "wine" : "sim";
      if( store_run_begin(p, &info, zRunId) ) _exit(4);
      for(j=0; j<300; j++){
        char zPath[32];
        snprintf(zPath, sizeof(zPath), "c%d-%03d.scn", i, j);
        if( store_scenario_begin(p, zPath, NULL, zPath, strlen(zPath)) ) _exit(5);
        for(k=0; k<10; k++){
          StoreBackendResult res = { info.zBackends, "pass", "OK", NULL, 0.1 };
          StoreStep step;
          memset(&step, 0, sizeof(step));
          step.iPosition = k;
          step.zCommand = "as A drives";
          step.aResult = &res;
          step.nResult = 1;
          if( store_step(p, &step) ) _exit(6);
        }
        if( store_scenario_end(p, 1) ){
          fprintf(stderr, "child: %s\n", store_errmsg(p));
          _exit(7);
        }
      }
      if( store_run_end(p, 3000, 0, 0) ) _exit(8);
      store_close(p);
      _exit(0);
    }
  }
  for(i=0; i<2; i++){
    int status = 0;
    assert_int_equal(waitpid(aPid[i], &status, 0), aPid[i]);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
  }
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM runs WHERE completed=1"
                                     " AND n_scenarios=300 AND n_steps=3000"), 2);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM steps"), 6000);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM step_outcomes"
                                     " WHERE backend='wine'"), 3000);
  /* every scenario whole */
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM (SELECT scenario_id"
      " FROM steps GROUP BY scenario_id HAVING count(*)<>10)"), 0);
}

/* ---------------------------------------------------------------- 6 ---- */

static void test_resolve_run_references(void **ppState){
  char zDb[300], azRun[3][37], zGot[37], zErr[256], zPrefix[40];
  Store *p;
  int i;
  test_path(ppState, "refs.db", zDb, sizeof(zDb));
  p = test_open(zDb);
  for(i=0; i<3; i++) test_write_run(p, azRun[i], 1, 1);

  assert_int_equal(store_resolve_run(p, "last", zGot, zErr, sizeof(zErr)), 0);
  assert_string_equal(zGot, azRun[2]);
  assert_int_equal(store_resolve_run(p, "last~1", zGot, zErr, sizeof(zErr)), 0);
  assert_string_equal(zGot, azRun[1]);
  assert_int_equal(store_resolve_run(p, "last~2", zGot, zErr, sizeof(zErr)), 0);
  assert_string_equal(zGot, azRun[0]);
  assert_int_not_equal(store_resolve_run(p, "last~3", zGot, zErr, sizeof(zErr)), 0);
  assert_int_not_equal(store_resolve_run(p, "last~x", zGot, zErr, sizeof(zErr)), 0);
  assert_int_equal(store_resolve_run(p, azRun[1], zGot, zErr, sizeof(zErr)), 0);
  assert_string_equal(zGot, azRun[1]);
  snprintf(zPrefix, sizeof(zPrefix), "%.10s", azRun[0]);
  assert_int_equal(store_resolve_run(p, zPrefix, zGot, zErr, sizeof(zErr)), 0);
  assert_string_equal(zGot, azRun[0]);
  assert_int_not_equal(store_resolve_run(p, "zz", zGot, zErr, sizeof(zErr)), 0);
  assert_non_null(strstr(zErr, "not a run"));
  /* the empty prefix matches all three: ambiguous */
  assert_int_not_equal(store_resolve_run(p, "", zGot, zErr, sizeof(zErr)), 0);
  store_close(p);
}

/* Write one scenario "cmp.scn" whose step i has verdict azVerdict[i] (NULL:
** the step is absent) and output azOutput[i]. */
static void test_cmp_run(Store *p, char zRunId[37], const char **azVerdict,
                         const char **azOutput, int n){
  int i;
  test_begin_run(p, zRunId);
  assert_int_equal(store_scenario_begin(p, "cmp.scn", NULL, "c", 1), 0);
  for(i=0; i<n; i++){
    char zCmd[32];
    if( azVerdict[i]==NULL ) continue;
    snprintf(zCmd, sizeof(zCmd), "as A step%d", i);
    test_add_step(p, i, zCmd, azVerdict[i], azOutput[i]);
  }
  assert_int_equal(store_scenario_end(p, 1), 0);
  assert_int_equal(store_run_end(p, 0, 0, 0), 0);
}

/* store_compare_each() callback: counts; a negative count counts up and
** stops the walk (returning 42) when it reaches 0. */
static int test_count_change(void *pArg, const StoreChange *pC){
  int *pn = (int*)pArg;
  assert_non_null(pC->zPath);
  (*pn)++;
  return *pn==0 ? 42 : 0;
}

static void test_compare_regressions_first(void **ppState){
  /* step:           0       1       2       3        4       5       6       7 */
  const char *azA[] = {"pass", "pass", "fail", "pass",  "todo", "pass", NULL,   "pass"};
  const char *aoA[] = {"OK",   "OK",   "bad",  "OK",    "x",    "one",  NULL,   "OK"};
  const char *azB[] = {"fail", "pass", "pass", "error", "pass", "pass", "pass", NULL};
  const char *aoB[] = {"bad",  "OK",   "OK",   NULL,    "OK",   "two",  "OK",   NULL};
  static const struct { StoreChangeKind e; int iPos; } aWant[] = {
    { STORE_CHANGE_REGRESSION, 0 }, { STORE_CHANGE_REGRESSION, 3 },
    { STORE_CHANGE_FIX, 2 }, { STORE_CHANGE_VERDICT, 4 },
    { STORE_CHANGE_OUTPUT, 5 }, { STORE_CHANGE_ADDED, 6 },
    { STORE_CHANGE_REMOVED, 7 },
  };
  char zDb[300], zA[37], zB[37];
  StoreChange *aChange = NULL;
  int nChange = 0, i;
  Store *p;
  test_path(ppState, "cmp.db", zDb, sizeof(zDb));
  p = test_open(zDb);
  test_cmp_run(p, zA, azA, aoA, 8);
  test_cmp_run(p, zB, azB, aoB, 8);
  assert_int_equal(store_compare(p, zA, zB, &aChange, &nChange), 0);
  assert_int_equal(nChange, 7);
  for(i=0; i<nChange; i++){
    assert_int_equal(aChange[i].eKind, aWant[i].e);
    assert_int_equal(aChange[i].iPosition, aWant[i].iPos);
  }
  assert_string_equal(aChange[0].zVerdictA, "pass");
  assert_string_equal(aChange[0].zVerdictB, "fail");
  assert_string_equal(aChange[4].zOutputA, "one");
  assert_string_equal(aChange[4].zOutputB, "two");
  assert_int_equal(aChange[0].bScenarioChanged, 0);
  assert_string_equal(aChange[0].zExpectedB, "OK");
  assert_null(aChange[5].zVerdictA);
  assert_null(aChange[6].zVerdictB);
  store_changes_free(aChange, nChange);

  /* streamed: the same changes in the same order, and a non-zero return
  ** from the callback stops the walk and is returned */
  {
    int nSeen = 0;
    assert_int_equal(store_compare_each(p, zA, zB, test_count_change, &nSeen), 0);
    assert_int_equal(nSeen, 7);
    nSeen = -3;
    assert_int_equal(store_compare_each(p, zA, zB, test_count_change, &nSeen), 42);
    assert_int_equal(nSeen, 0);
  }

  /* a run compared with itself has no change */
  assert_int_equal(store_compare(p, zB, zB, &aChange, &nChange), 0);
  assert_int_equal(nChange, 0);
  store_changes_free(aChange, nChange);

  /* the verdict_changes view agrees on the regressions */
  store_close(p);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM verdict_changes"
                                     " WHERE change='regression'"), 2);
}

/*
** Issue 9 item 12: two runs started in the same millisecond (forced here)
** are ordered by when they were stored, never by their random ids. Run A
** is stored first and gets the larger id, so a tie broken by id compares
** B before A and turns A->B's regressions into fixes.
*/
static void test_equal_start_times_ordered_by_seq(void **ppState){
  const char *azA[] = {"pass", "fail"};
  const char *aoA[] = {"OK",   "bad"};
  const char *azB[] = {"fail", "pass"};
  const char *aoB[] = {"bad",  "OK"};
  char zDb[300], zA[37], zB[37], zGot[37], zErr[256];
  Store *p;
  test_path(ppState, "tie.db", zDb, sizeof(zDb));
  p = test_open(zDb);
  test_cmp_run(p, zA, azA, aoA, 2);
  test_cmp_run(p, zB, azB, aoB, 2);
  store_close(p);
  test_sql_exec(zDb,
      "UPDATE runs SET started_at = '2026-12-04T12:00:00.000Z';"
      "UPDATE scenarios SET run_id = 'f' || substr(run_id, 2)"
      " WHERE run_id = (SELECT run_id FROM runs ORDER BY rowid LIMIT 1);"
      "UPDATE scenarios SET run_id = '0' || substr(run_id, 2)"
      " WHERE run_id = (SELECT run_id FROM runs ORDER BY rowid LIMIT 1 OFFSET 1);"
      "UPDATE runs SET run_id = 'f' || substr(run_id, 2)"
      " WHERE rowid = (SELECT min(rowid) FROM runs);"
      "UPDATE runs SET run_id = '0' || substr(run_id, 2)"
      " WHERE rowid = (SELECT max(rowid) FROM runs);");
  zA[0] = 'f';
  zB[0] = '0';
  /* A before B: one regression (step 0), one fix (step 1) */
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM verdict_changes"
      " WHERE change = 'regression' AND run_a LIKE 'f%' AND position = 0"), 1);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM verdict_changes"
      " WHERE change = 'regression'"), 1);
  p = test_open(zDb);
  assert_int_equal(store_resolve_run(p, "last", zGot, zErr, sizeof(zErr)), 0);
  assert_string_equal(zGot, zB);
  assert_int_equal(store_resolve_run(p, "last~1", zGot, zErr, sizeof(zErr)), 0);
  assert_string_equal(zGot, zA);
  store_close(p);
}

/* A run that holds one scenario path twice (`mapscope run f.scn f.scn`):
** its n-th copy is matched with the other run's n-th copy, so two
** regressions count as two, not as a cross product of four. */
static void test_compare_duplicate_path_not_cross_joined(void **ppState){
  char zDb[300], zA[37], zB[37];
  StoreChange *aChange = NULL;
  int nChange = 0, i, r, nReg = 0;
  Store *p;
  test_path(ppState, "dup.db", zDb, sizeof(zDb));
  p = test_open(zDb);
  for(r=0; r<2; r++){
    test_begin_run(p, r==0 ? zA : zB);
    for(i=0; i<2; i++){
      assert_int_equal(store_scenario_begin(p, "f.scn", NULL, "f", 1), 0);
      test_add_step(p, 0, "as A step0", r==0 ? "pass" : "fail", r==0 ? "OK" : "bad");
      assert_int_equal(store_scenario_end(p, 1), 0);
    }
    assert_int_equal(store_run_end(p, 0, 0, 0), 0);
  }
  assert_int_equal(store_compare(p, zA, zB, &aChange, &nChange), 0);
  for(i=0; i<nChange; i++) nReg += aChange[i].eKind==STORE_CHANGE_REGRESSION;
  assert_int_equal(nReg, 2);
  assert_int_equal(nChange, 2);
  store_changes_free(aChange, nChange);
  /* the same run against itself: no change */
  assert_int_equal(store_compare(p, zB, zB, &aChange, &nChange), 0);
  assert_int_equal(nChange, 0);
  store_changes_free(aChange, nChange);
  store_close(p);
}

/* ---------------------------------------------------------------- 7 ---- */

/* A database whose header is sound but whose pages are not (truncated to
** half, or one page overwritten) is refused as a merge input. */
static void test_check_input_refuses_damaged(void **ppState){
  char zGood[300], zTrunc[300], zBad[300], zErr[512], zRunId[37], zCmd[1000];
  Store *p;
  long n;
  char *zData;
  FILE *pOut;
  test_path(ppState, "good.db", zGood, sizeof(zGood));
  test_path(ppState, "trunc.db", zTrunc, sizeof(zTrunc));
  test_path(ppState, "bad.db", zBad, sizeof(zBad));
  p = test_open(zGood);
  test_write_run(p, zRunId, 20, 30);
  store_close(p);
  assert_int_equal(store_check_input(zGood, zErr, sizeof(zErr)), 0);

  zData = test_slurp(zGood, &n);
  assert_true(n > 8*4096);
  pOut = fopen(zTrunc, "wb");
  assert_non_null(pOut);
  assert_int_equal(fwrite(zData, 1, (size_t)n/2, pOut), (size_t)n/2);
  fclose(pOut);
  /* the last quarter of the pages overwritten with 0xFF */
  memset(zData + (n/4096)*3/4*4096, 0xFF, (size_t)(n - (n/4096)*3/4*4096));
  pOut = fopen(zBad, "wb");
  assert_non_null(pOut);
  assert_int_equal(fwrite(zData, 1, (size_t)n, pOut), (size_t)n);
  fclose(pOut);
  free(zData);

  assert_int_not_equal(store_check_input(zTrunc, zErr, sizeof(zErr)), 0);
  assert_non_null(strstr(zErr, "trunc.db"));
  assert_int_not_equal(store_check_input(zBad, zErr, sizeof(zErr)), 0);
  assert_non_null(strstr(zErr, "bad.db"));
  /* the check leaves no -wal or -shm behind */
  snprintf(zCmd, sizeof(zCmd), "%s-wal", zTrunc);
  assert_int_not_equal(access(zCmd, F_OK), 0);
  snprintf(zCmd, sizeof(zCmd), "%s-shm", zTrunc);
  assert_int_not_equal(access(zCmd, F_OK), 0);
}

/* store_merge_many() is one transaction: when its last input fails while
** being copied, the runs of the inputs before it are not kept either. */
static void test_merge_many_all_or_nothing(void **ppState){
  char zA[300], zDup[300], zOut[300], zErr[512], azRun[3][37];
  const char *azIn[2];
  StoreMergeStats aSt[2];
  Store *p;
  test_path(ppState, "a.db", zA, sizeof(zA));
  test_path(ppState, "dup.db", zDup, sizeof(zDup));
  test_path(ppState, "out.db", zOut, sizeof(zOut));
  p = test_open(zA);
  test_write_run(p, azRun[0], 2, 3);
  store_close(p);
  p = test_open(zDup);
  test_write_run(p, azRun[1], 1, 2);
  store_close(p);
  /* passes store_check_input(), fails on main's primary key */
  test_sql_exec(zDup, "CREATE TABLE s2 AS SELECT * FROM steps; DROP TABLE steps;"
                " CREATE TABLE steps AS SELECT * FROM s2 UNION ALL SELECT * FROM s2;"
                " DROP TABLE s2;");
  assert_int_equal(store_check_input(zDup, zErr, sizeof(zErr)), 0);

  p = test_open(zOut);
  test_write_run(p, azRun[2], 1, 1);
  azIn[0] = zA;
  azIn[1] = zDup;
  assert_int_not_equal(store_merge_many(p, azIn, 2, aSt, zErr, sizeof(zErr)), 0);
  assert_non_null(strstr(zErr, "dup.db: cannot merge"));
  store_close(p);
  assert_int_equal(test_sql_int(zOut, "SELECT count(*) FROM runs"), 1);
  assert_int_equal(test_sql_int(zOut, "SELECT count(*) FROM steps"), 1);

  /* the sound input alone merges, with its counts */
  p = test_open(zOut);
  assert_int_equal(store_merge_many(p, azIn, 1, aSt, zErr, sizeof(zErr)), 0);
  assert_int_equal(aSt[0].nAdded, 1);
  store_close(p);
  assert_int_equal(test_sql_int(zOut, "SELECT count(*) FROM runs"), 2);
}

static void test_merge_idempotent(void **ppState){
  char zA[300], zB[300], zOut[300], zErr[512], azRun[3][37];
  StoreMergeStats st = {0, 0, 0};
  Store *p;
  test_path(ppState, "a.db", zA, sizeof(zA));
  test_path(ppState, "b.db", zB, sizeof(zB));
  test_path(ppState, "out.db", zOut, sizeof(zOut));
  p = test_open(zA);
  test_write_run(p, azRun[0], 3, 4);
  store_close(p);
  p = test_open(zB);
  test_write_run(p, azRun[1], 2, 5);
  test_write_run(p, azRun[2], 1, 1);
  store_close(p);

  p = test_open(zOut);
  assert_int_equal(store_merge(p, zA, &st, zErr, sizeof(zErr)), 0);
  assert_int_equal(store_merge(p, zB, &st, zErr, sizeof(zErr)), 0);
  assert_int_equal(st.nAdded, 3);
  assert_int_equal(st.nSkipped, 0);
  /* again: nothing changes */
  memset(&st, 0, sizeof(st));
  assert_int_equal(store_merge(p, zB, &st, zErr, sizeof(zErr)), 0);
  assert_int_equal(store_merge(p, zA, &st, zErr, sizeof(zErr)), 0);
  assert_int_equal(st.nAdded, 0);
  assert_int_equal(st.nSkipped, 3);
  /* itself, a missing file, a foreign file: refused */
  assert_int_not_equal(store_merge(p, zOut, &st, zErr, sizeof(zErr)), 0);
  assert_non_null(strstr(zErr, "output database itself"));
  {
    char zMissing[300];
    test_path(ppState, "nothere.db", zMissing, sizeof(zMissing));
    assert_int_not_equal(store_merge(p, zMissing, &st, zErr, sizeof(zErr)), 0);
    assert_int_not_equal(access(zMissing, F_OK), 0);
  }
  store_close(p);

  assert_int_equal(test_sql_int(zOut, "SELECT count(*) FROM runs"), 3);
  assert_int_equal(test_sql_int(zOut, "SELECT count(*) FROM scenarios"), 6);
  assert_int_equal(test_sql_int(zOut, "SELECT count(*) FROM steps"), 23);
  assert_int_equal(test_sql_int(zOut, "SELECT count(*) FROM step_outcomes"), 23);
  /* each run's steps hang under its own scenarios */
  {
    char zSql[200];
    snprintf(zSql, sizeof(zSql), "SELECT count(*) FROM step_outcomes WHERE"
             " run_id='%s'", azRun[1]);
    assert_int_equal(test_sql_int(zOut, zSql), 10);
  }
  assert_int_equal(test_sql_int(zOut, "SELECT count(*) FROM pragma_integrity_check"
                                      " WHERE integrity_check<>'ok'"), 0);
}

static void test_merge_replaces_incomplete_copy(void **ppState){
  char zLive[300], zSnap[300], zOut[300], zErr[512], zRunId[37], zCmd[700];
  StoreMergeStats st = {0, 0, 0};
  Store *p, *pOut;
  test_path(ppState, "live.db", zLive, sizeof(zLive));
  test_path(ppState, "snap.db", zSnap, sizeof(zSnap));
  test_path(ppState, "out2.db", zOut, sizeof(zOut));
  p = test_open(zLive);
  test_begin_run(p, zRunId);
  assert_int_equal(store_scenario_begin(p, "one.scn", NULL, "1", 1), 0);
  test_add_step(p, 0, "as A drives", "pass", "OK");
  assert_int_equal(store_scenario_end(p, 1), 0);
  /* a copy taken mid-run holds the run incomplete */
  assert_int_equal(sqlite3_wal_checkpoint_v2(store_db(p), NULL,
                   SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL), SQLITE_OK);
  snprintf(zCmd, sizeof(zCmd), "cp '%s' '%s'", zLive, zSnap);
  assert_int_equal(system(zCmd), 0);
  assert_int_equal(store_scenario_begin(p, "two.scn", NULL, "2", 1), 0);
  test_add_step(p, 0, "as A drives", "pass", "OK");
  assert_int_equal(store_scenario_end(p, 1), 0);
  assert_int_equal(store_run_end(p, 2, 0, 0), 0);
  store_close(p);

  pOut = test_open(zOut);
  assert_int_equal(store_merge(pOut, zSnap, &st, zErr, sizeof(zErr)), 0);
  assert_int_equal(st.nAdded, 1);
  assert_int_equal(store_merge(pOut, zLive, &st, zErr, sizeof(zErr)), 0);
  assert_int_equal(st.nReplaced, 1);
  /* the incomplete copy does not replace the complete one */
  assert_int_equal(store_merge(pOut, zSnap, &st, zErr, sizeof(zErr)), 0);
  assert_int_equal(st.nSkipped, 1);
  store_close(pOut);
  assert_int_equal(test_sql_int(zOut, "SELECT completed*10 + n_scenarios FROM runs"), 12);
  assert_int_equal(test_sql_int(zOut, "SELECT count(*) FROM steps"), 2);
}

/*
** Runs copied by a merge get seqs after the output's own, in the input's
** seq order (which here differs from start-time order: the clock of the
** machine that stored the later run was behind); a schema-2 input is taken
** in start-time, then row id, order.
*/
static void test_merge_seq_in_input_order(void **ppState){
  char zIn[300], zV2[300], zOut[300], zErr[512], azRun[4][37];
  StoreMergeStats st = {0, 0, 0};
  Store *p;
  char zSql[300];
  test_path(ppState, "in.db", zIn, sizeof(zIn));
  test_path(ppState, "v2.db", zV2, sizeof(zV2));
  test_path(ppState, "out.db", zOut, sizeof(zOut));
  p = test_open(zIn);
  test_write_run(p, azRun[0], 1, 1);
  test_write_run(p, azRun[1], 1, 1);
  store_close(p);
  snprintf(zSql, sizeof(zSql), "UPDATE runs SET started_at ="
           " '2020-01-01T00:00:00.000Z' WHERE run_id = '%s'", azRun[1]);
  test_sql_exec(zIn, zSql);
  test_sql_exec(zV2, zSchemaV2);
  p = test_open(zOut);
  test_write_run(p, azRun[2], 1, 1);
  assert_int_equal(store_merge(p, zIn, &st, zErr, sizeof(zErr)), 0);
  assert_int_equal(store_merge(p, zV2, &st, zErr, sizeof(zErr)), 0);
  assert_int_equal(st.nAdded, 5);
  store_close(p);
  snprintf(zSql, sizeof(zSql), "SELECT seq FROM runs WHERE run_id = '%s'", azRun[2]);
  assert_int_equal(test_sql_int(zOut, zSql), 1);
  snprintf(zSql, sizeof(zSql), "SELECT seq FROM runs WHERE run_id = '%s'", azRun[0]);
  assert_int_equal(test_sql_int(zOut, zSql), 2);
  snprintf(zSql, sizeof(zSql), "SELECT seq FROM runs WHERE run_id = '%s'", azRun[1]);
  assert_int_equal(test_sql_int(zOut, zSql), 3);
  assert_int_equal(test_sql_int(zOut, "SELECT seq FROM runs WHERE run_id = 'ffffffffffffffffffffffffffffffff'"), 4);
  assert_int_equal(test_sql_int(zOut, "SELECT seq FROM runs WHERE run_id = 'cccccccccccccccccccccccccccccccc'"), 5);
  assert_int_equal(test_sql_int(zOut, "SELECT seq FROM runs WHERE run_id = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'"), 6);
  /* the v2 input's rows came along, and it was not migrated */
  assert_int_equal(test_sql_int(zOut, "SELECT count(*) FROM known_divergences"), 1);
  assert_int_equal(test_sql_int(zV2, "PRAGMA user_version"), 2);
}

/*
** Issue 9 item 8: a crafted input whose scenario ids are INT64_MIN and
** INT64_MAX (a sound file otherwise) is refused with a reason; computing
** the renumbering offset from them was undefined behaviour (UBSan).
*/
/*
** A merge carries a check run's summary, invariants and depths by run id;
** merging again adds nothing; a complete copy replaces an incomplete one
** whose summary was already stored (the old rows go first, or the keys
** would clash); a schema-4 input merges without check tables.
*/
static void test_merge_carries_check_runs(void **ppState){
  char zA[300], zLive[300], zSnap[300], zOut[300], zOld[300], zErr[512];
  char zRunId[37], zCmd[700];
  StoreMergeStats st = {0, 0, 0};
  StoreCheckSummary sum;
  Store *p, *pOut;
  test_path(ppState, "a.db", zA, sizeof(zA));
  test_path(ppState, "live.db", zLive, sizeof(zLive));
  test_path(ppState, "snap.db", zSnap, sizeof(zSnap));
  test_path(ppState, "out.db", zOut, sizeof(zOut));
  test_path(ppState, "old.db", zOld, sizeof(zOld));
  p = test_open(zA);
  test_write_check_run(p, zRunId, 1);
  test_write_check_run(p, zRunId, 0);
  store_close(p);

  /* an incomplete check run with its summary, copied mid-run */
  p = test_open(zLive);
  test_begin_check_run(p, zRunId);
  test_check_summary(&sum, 0);
  assert_int_equal(store_check_summary(p, &sum), 0);
  assert_int_equal(sqlite3_wal_checkpoint_v2(store_db(p), NULL,
                   SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL), SQLITE_OK);
  snprintf(zCmd, sizeof(zCmd), "cp '%s' '%s'", zLive, zSnap);
  assert_int_equal(system(zCmd), 0);
  assert_int_equal(store_run_end(p, 2, 0, 0), 0);
  store_close(p);
  test_load_fixture(zOld, "schema-v4.sql");

  pOut = test_open(zOut);
  assert_int_equal(store_merge(pOut, zA, &st, zErr, sizeof(zErr)), 0);
  assert_int_equal(st.nAdded, 2);
  assert_int_equal(store_merge(pOut, zA, &st, zErr, sizeof(zErr)), 0);
  assert_int_equal(st.nSkipped, 2);
  assert_int_equal(store_merge(pOut, zSnap, &st, zErr, sizeof(zErr)), 0);
  assert_int_equal(st.nAdded, 3);
  if( store_merge(pOut, zLive, &st, zErr, sizeof(zErr)) ) fprintf(stderr, "%s\n", zErr);
  assert_int_equal(st.nReplaced, 1);
  assert_int_equal(store_merge(pOut, zOld, &st, zErr, sizeof(zErr)), 0);
  assert_int_equal(st.nAdded, 7);
  store_close(pOut);
  assert_int_equal(test_sql_int(zOut, "SELECT count(*) FROM runs"), 7);
  assert_int_equal(test_sql_int(zOut, "SELECT count(*) FROM check_runs"), 3);
  assert_int_equal(test_sql_int(zOut, "SELECT count(*) FROM check_runs c JOIN"
      " runs r USING (run_id) WHERE r.completed = 1"), 3);
  assert_int_equal(test_sql_int(zOut, "SELECT count(*) FROM check_invariants"), 3+2+2);
  assert_int_equal(test_sql_int(zOut, "SELECT count(*) FROM check_depths"), 9);
  assert_int_equal(test_sql_int(zOut, "SELECT count(*) FROM check_runs WHERE"
                                     " verdict = 'violated'"), 1);
  assert_int_equal(test_sql_int(zOut, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
}

static void test_merge_refuses_extreme_scenario_ids(void **ppState){
  static const char *const azCraft[] = {
    "UPDATE scenarios SET scenario_id = -9223372036854775808 WHERE scenario_id = 1;"
    "UPDATE steps SET scenario_id = -9223372036854775808 WHERE scenario_id = 1;"
    "UPDATE step_results SET scenario_id = -9223372036854775808 WHERE scenario_id = 1;",
    "UPDATE scenarios SET scenario_id = 9223372036854775807 WHERE scenario_id = 2;"
    "UPDATE steps SET scenario_id = 9223372036854775807 WHERE scenario_id = 2;"
    "UPDATE step_results SET scenario_id = 9223372036854775807 WHERE scenario_id = 2;",
  };
  char zIn[300], zOut[300], zErr[512], zRunId[37];
  StoreMergeStats st = {0, 0, 0};
  Store *p;
  size_t i;
  for(i=0; i<sizeof(azCraft)/sizeof(azCraft[0]); i++){
    char zName[32];
    snprintf(zName, sizeof(zName), "craft%d.db", (int)i);
    test_path(ppState, zName, zIn, sizeof(zIn));
    p = test_open(zIn);
    test_write_run(p, zRunId, 2, 2);
    store_close(p);
    test_sql_exec(zIn, azCraft[i]);
    assert_int_equal(test_sql_int(zIn, "SELECT count(*) FROM step_outcomes"), 4);
    test_path(ppState, "out.db", zOut, sizeof(zOut));
    p = test_open(zOut);
    test_write_run(p, zRunId, 1, 1);
    assert_int_not_equal(store_merge(p, zIn, &st, zErr, sizeof(zErr)), 0);
    assert_non_null(strstr(zErr, "out of range"));
    store_close(p);
    assert_int_equal(test_sql_int(zOut, "SELECT count(*) FROM runs"), (long long)i+1);
  }
}

static void test_merge_reads_v1_input_unchanged(void **ppState){
  char zOld[300], zOut[300], zErr[512];
  StoreMergeStats st = {0, 0, 0};
  long nBefore, nAfter;
  char *zBefore, *zAfter;
  Store *p;
  test_path(ppState, "old1.db", zOld, sizeof(zOld));
  test_path(ppState, "out3.db", zOut, sizeof(zOut));
  test_sql_exec(zOld, zSchemaV1);
  zBefore = test_slurp(zOld, &nBefore);
  p = test_open(zOut);
  assert_int_equal(store_merge(p, zOld, &st, zErr, sizeof(zErr)), 0);
  assert_int_equal(st.nAdded, 1);
  store_close(p);
  zAfter = test_slurp(zOld, &nAfter);
  assert_int_equal(nBefore, nAfter);
  assert_memory_equal(zBefore, zAfter, (size_t)nBefore);
  assert_int_equal(test_sql_int(zOld, "PRAGMA user_version"), 1);
  assert_int_equal(test_sql_int(zOut, "SELECT count(*) FROM step_outcomes WHERE"
                                      " path='old.scn' AND host_name IS NULL"), 1);
  free(zBefore);
  free(zAfter);
}

/* ---------------------------------------------------------------- 8 ---- */

static void test_redact_every_password_form(void **ppState){
  static const struct { const char *zIn, *zOut; } aCase[] = {
    { "user alice admin password=Al1ce-pw",
      "user alice admin password=***" },
    { "user bob standard domain PASSWORD=\"a b#c\" # note",
      "user bob standard domain PASSWORD=*** # note" },
    { "logon A alice interactive password=wrong",
      "logon A alice interactive password=***" },
    { "as A net use Z: \\\\fs1\\data /user:bob S3cret /persistent:yes",
      "as A net use Z: \\\\fs1\\data /user:bob *** /persistent:yes" },
    { "as A net use Z: \\\\fs1\\data /USER:corp\\bob \"pw with \\\" quote\"",
      "as A net use Z: \\\\fs1\\data /USER:corp\\bob ***" },
    { "as A net use Z: \\\\fs1\\data /user:bob /persistent:no",
      "as A net use Z: \\\\fs1\\data /user:bob /persistent:no" },
    { "as A cmdkey /add:fs1 /user:bob /pass:Hunter2",
      "as A cmdkey /add:fs1 /user:bob /pass:***" },
    { "as A wnet add Z: \\\\fs1\\data user=bob password=x update-profile",
      "as A wnet add Z: \\\\fs1\\data user=bob password=*** update-profile" },
    { "net use Z: \\\\s\\sh /u:bob pw\nnext line stays",
      "net use Z: \\\\s\\sh /u:bob ***\nnext line stays" },
    { "/user:bob\npassword-less next line",
      "/user:bob\npassword-less next line" },
    { "OK Z: \\\\fs1\\data", "OK Z: \\\\fs1\\data" },
    { "", "" },
  };
  size_t i;
  (void)ppState;
  for(i=0; i<sizeof(aCase)/sizeof(aCase[0]); i++){
    char *z = store_redact_line(aCase[i].zIn);
    char *z2;
    assert_non_null(z);
    if( strcmp(z, aCase[i].zOut)!=0 ) fprintf(stderr, "case %zu: %s\n", i, z);
    assert_string_equal(z, aCase[i].zOut);
    z2 = store_redact_line(z);        /* idempotent */
    assert_string_equal(z2, z);
    free(z);
    free(z2);
  }
  assert_null(store_redact_line(NULL));
}

static void test_store_redacts_what_it_is_given(void **ppState){
  char zDb[300], zRunId[37], zWal[320];
  StoreRunInfo info;
  Store *p;
  long n;
  char *zBytes;
  long i;
  test_path(ppState, "leak.db", zDb, sizeof(zDb));
  p = test_open(zDb);
  memset(&info, 0, sizeof(info));
  info.zKind = "run";
  info.zBackends = "sim";
  info.zCommandLine = "mapscope run x.scn # user a admin password=LeakOne";
  assert_int_equal(store_run_begin(p, &info, zRunId), 0);
  assert_int_equal(store_scenario_begin(p, "x.scn", "logon S a rdp password=LeakTwo",
                                        "c", 1), 0);
  test_add_step(p, 0, "as A net use Z: \\\\s\\sh /user:a LeakThree", "fail",
                "error 5 while cmdkey /add:s /user:a /pass:LeakFour");
  assert_int_equal(store_scenario_end(p, 1), 0);
  /* look at the WAL while the connection is open, then at the file */
  snprintf(zWal, sizeof(zWal), "%s-wal", zDb);
  for(i=0; i<2; i++){
    const char *zFile = i ? zDb : zWal;
    zBytes = test_slurp(zFile, &n);
    assert_true(n>0);
    assert_null(memmem(zBytes, (size_t)n, "Leak", 4));
    free(zBytes);
    if( i==0 ){
      assert_int_equal(store_run_end(p, 0, 1, 0), 0);
      store_close(p);
    }
  }
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM runs WHERE command_line"
                                     " LIKE '%password=***%'"), 1);
}

static void test_hash_fnv1a64_vectors(void **ppState){
  char zHex[17];
  (void)ppState;
  /* published FNV-1a 64 test vectors */
  assert_true(store_hash64("", 0)==0xcbf29ce484222325ULL);
  assert_true(store_hash64("a", 1)==0xaf63dc4c8601ec8cULL);
  assert_true(store_hash64("foobar", 6)==0x85944171f73967e8ULL);
  store_hash64_hex("a", 1, zHex);
  assert_string_equal(zHex, "af63dc4c8601ec8c");
}

/* ---------------------------------------------------------------- 9 ---- */

/* A view that never ends: each row of the recursion yields nothing. */
#define TEST_ENDLESS_VIEW(NAME) \
  "CREATE VIEW " NAME " AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL" \
  " SELECT x + 1 FROM c) SELECT x AS run_id FROM c WHERE x < 0"

/*
** Issue 9 item 8: a file someone else made. Its connection is defensive
** (no writable_schema), trusts no schema function, and a query that works
** without yielding a row (an endless view here) is stopped by the progress
** guard instead of hanging; the reading API (resolve, compare) reads
** tables, so the file's own views never run.
*/
static void test_hostile_endless_view_stopped(void **ppState){
  char zDb[300], zErr[512], zRunId[37], zGot[37];
  StoreChange *aChange = NULL;
  sqlite3_stmt *pStmt = NULL;
  int nChange = 0, bOn = -1, rc;
  time_t tStart;
  Store *p;
  test_path(ppState, "hostile.db", zDb, sizeof(zDb));
  p = test_open(zDb);
  test_write_run(p, zRunId, 2, 3);
  store_close(p);
  test_sql_exec(zDb, "DROP VIEW step_outcomes; DROP VIEW verdict_changes;"
                TEST_ENDLESS_VIEW("step_outcomes") ";"
                TEST_ENDLESS_VIEW("verdict_changes") ";");

  assert_int_equal(store_open_readonly(zDb, &p, zErr, sizeof(zErr)), 0);
  assert_int_equal(sqlite3_db_config(store_db(p), SQLITE_DBCONFIG_DEFENSIVE, -1, &bOn),
                   SQLITE_OK);
  assert_int_equal(bOn, 1);
  assert_int_equal(sqlite3_db_config(store_db(p), SQLITE_DBCONFIG_TRUSTED_SCHEMA, -1,
                                     &bOn), SQLITE_OK);
  assert_int_equal(bOn, 0);
  assert_int_equal(store_resolve_run(p, "last", zGot, zErr, sizeof(zErr)), 0);
  assert_string_equal(zGot, zRunId);
  assert_int_equal(store_compare(p, zGot, zGot, &aChange, &nChange), 0);
  assert_int_equal(nChange, 0);
  store_changes_free(aChange, nChange);
  tStart = time(NULL);
  assert_int_equal(sqlite3_prepare_v2(store_db(p), "SELECT count(*) FROM"
                   " step_outcomes", -1, &pStmt, NULL), SQLITE_OK);
  rc = sqlite3_step(pStmt);
  sqlite3_finalize(pStmt);
  assert_int_equal(rc, SQLITE_INTERRUPT);
  assert_true(time(NULL) - tStart < 60);
  store_close(p);

  /* the writer's connection is guarded and defensive too */
  p = test_open(zDb);
  assert_int_not_equal(sqlite3_exec(store_db(p), "PRAGMA writable_schema=ON;"
                       " UPDATE sqlite_schema SET sql = 'x' WHERE name = 'runs'",
                       NULL, NULL, NULL), SQLITE_OK);
  assert_int_equal(sqlite3_exec(store_db(p), "SELECT count(*) FROM verdict_changes",
                                NULL, NULL, NULL), SQLITE_INTERRUPT);
  store_close(p);
  assert_int_equal(test_sql_int(zDb, "SELECT count(*) FROM runs"), 1);
}

/* A table replaced by a view (which would run the file's own SQL where
** mapscope expects rows) is refused by every opening; a trigger (which
** would run on mapscope's writes) is refused by writers. */
static void test_hostile_views_and_triggers_refused(void **ppState){
  char zDb[300], zTrig[300], zErr[512], zRunId[37];
  Store *p = NULL;
  test_path(ppState, "viewsteps.db", zDb, sizeof(zDb));
  test_path(ppState, "trigger.db", zTrig, sizeof(zTrig));
  p = test_open(zDb);
  test_write_run(p, zRunId, 1, 1);
  store_close(p);
  test_sql_exec(zDb, "DROP TABLE steps;" TEST_ENDLESS_VIEW("steps") ";");
  assert_int_not_equal(store_open_readonly(zDb, &p, zErr, sizeof(zErr)), 0);
  assert_non_null(strstr(zErr, "steps is a view"));
  assert_int_not_equal(store_check_input(zDb, zErr, sizeof(zErr)), 0);
  assert_non_null(strstr(zErr, "steps is a view"));
  assert_int_not_equal(store_open(zDb, &p, zErr, sizeof(zErr)), 0);
  assert_null(p);

  p = test_open(zTrig);
  test_write_run(p, zRunId, 1, 1);
  store_close(p);
  test_sql_exec(zTrig, "CREATE TRIGGER t AFTER INSERT ON runs BEGIN"
                " DELETE FROM scenarios; END;");
  assert_int_not_equal(store_open(zTrig, &p, zErr, sizeof(zErr)), 0);
  assert_non_null(strstr(zErr, "triggers"));
  /* reading it is harmless: it is opened read-only */
  assert_int_equal(store_open_readonly(zTrig, &p, zErr, sizeof(zErr)), 0);
  store_close(p);
  assert_int_equal(test_sql_int(zTrig, "SELECT count(*) FROM scenarios"), 1);
}

/* store_check_writable(): a missing file in a writable folder is fine, a
** foreign file is refused as store_open() would. (Read-only places are
** tested by readonly_test.sh, as another user when run as root.) */
static void test_check_writable(void **ppState){
  char zDb[300], zErr[512];
  FILE *pOut;
  test_path(ppState, "fresh.db", zDb, sizeof(zDb));
  assert_int_equal(store_check_writable(zDb, zErr, sizeof(zErr)), 0);
  assert_int_not_equal(access(zDb, F_OK), 0);
  test_path(ppState, "notes.txt", zDb, sizeof(zDb));
  pOut = fopen(zDb, "w");
  assert_non_null(pOut);
  fputs("not a database, but long enough to have a header of one hundred bytes,"
        " which it does not have the form of\n", pOut);
  fclose(pOut);
  assert_int_not_equal(store_check_writable(zDb, zErr, sizeof(zErr)), 0);
  assert_non_null(strstr(zErr, "not an SQLite database"));
  assert_int_not_equal(store_check_writable("/nonexistent-dir/x.db", zErr,
                                            sizeof(zErr)), 0);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test_setup_teardown(test_schema_created, test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_migrate_v1_to_v3, test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_migrate_v2_to_v3, test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_migrate_v3_to_v4_host_facts, test_setup,
                                    test_teardown),
    cmocka_unit_test_setup_teardown(test_migrate_v4_to_v5_check_runs, test_setup,
                                    test_teardown),
    cmocka_unit_test_setup_teardown(test_check_summary_and_transaction, test_setup,
                                    test_teardown),
    cmocka_unit_test_setup_teardown(test_step_evidence_and_after_divergence,
                                    test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_events_stored_with_scenario_or_run,
                                    test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_refuse_newer_schema, test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_refuse_foreign_files, test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_scenario_rolled_back_leaves_nothing,
                                    test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_concurrent_writers_both_land,
                                    test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_resolve_run_references, test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_compare_regressions_first, test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_equal_start_times_ordered_by_seq,
                                    test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_compare_duplicate_path_not_cross_joined,
                                    test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_check_input_refuses_damaged,
                                    test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_merge_many_all_or_nothing,
                                    test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_merge_idempotent, test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_merge_replaces_incomplete_copy,
                                    test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_merge_seq_in_input_order,
                                    test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_merge_carries_check_runs,
                                    test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_merge_refuses_extreme_scenario_ids,
                                    test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_merge_reads_v1_input_unchanged,
                                    test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_redact_every_password_form,
                                    test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_store_redacts_what_it_is_given,
                                    test_setup, test_teardown),
    cmocka_unit_test(test_hash_fnv1a64_vectors),
    cmocka_unit_test_setup_teardown(test_hostile_endless_view_stopped,
                                    test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_hostile_views_and_triggers_refused,
                                    test_setup, test_teardown),
    cmocka_unit_test_setup_teardown(test_check_writable, test_setup, test_teardown),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
