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
** RUN is a full id, a unique prefix, `last` or `last~N` (by the order runs
** were stored: runs.seq). Bad input gives a one-line reason on stderr and
** exit status 2, before anything is written. The reading actions open the
** database read-only (store_open_readonly()) and read its tables, never
** its views (a hostile file could make a view that never ends).
**
** Reports are streamed: each row is printed as it is read, so memory stays
** bounded however large the run. An SQLite error part-way is still exit
** status 2 with one line on stderr, and what was printed before it is
** marked: a text report ends with the line RESULTS_CUT_SHORT, a TAP export
** with "Bail out!", and a JUnit export stays unterminated (not well-formed
** XML, so no tool takes it for a whole report).
**
** Every text that comes from the database, a path or the command line is
** written through termsafe: control characters are shown as \xHH when the
** output is a terminal. Exports (TAP, JUnit) are written as stored.
** A check run (schema 5) is shown with its summary and invariants, and
** exported as one test per invariant.
** This file depends on results/ and runner/util/termsafe only.
**
** Contents: 1. options  2. output: tables, errors  3. list  4. show
**           5. compare  6. merge  7. export  8. the entry point
*/
#include "runner/cli/commands.h"
#include "runner/report/report.h"
#include "runner/util/termsafe.h"
#include "results/store.h"

#include <sqlite3.h>

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The last line of a text report that an SQLite error cut short. */
#define RESULTS_CUT_SHORT \
  "mapscope results: REPORT CUT SHORT by a database error (see standard error)"

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
  termsafe_fputs("mapscope results: ", stderr);
  va_start(ap, zWhy);
  termsafe_vfprintf(stderr, zWhy, ap);
  va_end(ap);
  fprintf(stderr, " (usage: mapscope results [--db FILE] list | show RUN |"
          " compare RUN_A RUN_B | merge OUT.db IN.db... |"
          " export --format junit|tap RUN)\n");
  return 2;
}

static const char zResultsHelp[] =
  "usage: mapscope results [--db FILE] ACTION ...\n"
  "\n"
  "  list                          every run, the last stored first\n"
  "  show RUN [--all]              a run: facts, evidence, scenarios, failures\n"
  "                                (--all: every step)\n"
  "  compare RUN_A RUN_B [-v]      steps whose verdict or output changed, regressions\n"
  "                                first; exit 1 if any regression (-v: outputs)\n"
  "  merge OUT.db IN.db...         copy every run of the inputs into OUT.db\n"
  "  export --format junit|tap RUN write a run as JUnit XML or TAP 13 (a check\n"
  "                                run: one test per invariant)\n"
  "\n"
  "RUN: a run id, a unique prefix of one, last, or last~N (N runs before the\n"
  "last; runs are numbered in the order this database stored them).\n"
  "--db FILE: the database (default $MAPSCOPE_DB, else ./mapscope-results.db);\n"
  "reading actions open it read-only.\n"
  "Exit status: 0 success, 1 compare found a regression, 2 bad usage or input\n"
  "or a database SQLite cannot read (a report already begun then ends with a\n"
  "line saying it was cut short).\n";

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

/*
** A table printed with its columns aligned, streamed: the first
** RESULTS_TABLE_WINDOW rows (header included) are held to measure the
** columns, then printed, and every later row is printed as it comes with
** those widths (a longer cell pushes the rest of its row right). Memory is
** bounded by the window, whatever the number of rows.
*/
#define RESULTS_TABLE_WINDOW 1000
#define RESULTS_TABLE_MAXCOL 20

typedef struct ResultsTable ResultsTable;
struct ResultsTable {
  FILE *pOut;               /* where the table goes */
  int bEsc;                 /* pOut is a terminal: escape control chars */
  int nCol;                 /* columns (at most RESULTS_TABLE_MAXCOL) */
  const int *abRight;       /* right-aligned (numeric) columns, or NULL */
  char **azCell;            /* held rows: nRow*nCol cells, row-major */
  int nRow;                 /* rows held */
  int bFlushed;             /* widths fixed; rows now print at once */
  size_t aWidth[RESULTS_TABLE_MAXCOL]; /* column widths as printed */
};

static void results_table_init(ResultsTable *pT, int nCol, const int *abRight,
                               FILE *pOut){
  memset(pT, 0, sizeof(*pT));
  pT->pOut = pOut;
  pT->bEsc = termsafe_is_terminal(pOut);
  pT->nCol = nCol<RESULTS_TABLE_MAXCOL ? nCol : RESULTS_TABLE_MAXCOL;
  pT->abRight = abRight;
}

static void results_oom(void){
  fprintf(stderr, "mapscope: out of memory\n");
  exit(2);
}

/* Print one row with the table's widths. */
static void results_table_print_row(ResultsTable *pT, const char *const *azVal){
  int c;
  for(c=0; c<pT->nCol; c++){
    const char *z = azVal[c] ? azVal[c] : "-";
    size_t n = termsafe_width(z, pT->bEsc);
    int bLast = c==pT->nCol-1;
    size_t nPad = n<pT->aWidth[c] ? pT->aWidth[c] - n : 0;
    if( pT->abRight && pT->abRight[c] ){
      fprintf(pT->pOut, "%*s", (int)nPad, "");
      termsafe_write(pT->pOut, z, strlen(z), pT->bEsc);
      if( !bLast ) fputs("  ", pT->pOut);
    }else{
      termsafe_write(pT->pOut, z, strlen(z), pT->bEsc);
      if( !bLast ) fprintf(pT->pOut, "%*s  ", (int)nPad, "");
    }
  }
  fputc('\n', pT->pOut);
}

/* Fix the widths from the held rows, print them and let them go. */
static void results_table_flush(ResultsTable *pT){
  int r, c;
  for(r=0; r<pT->nRow; r++){
    for(c=0; c<pT->nCol; c++){
      size_t n = termsafe_width(pT->azCell[r*pT->nCol + c], pT->bEsc);
      if( n>pT->aWidth[c] ) pT->aWidth[c] = n;
    }
  }
  for(r=0; r<pT->nRow; r++){
    results_table_print_row(pT, (const char *const*)&pT->azCell[r*pT->nCol]);
  }
  for(r=0; r<pT->nRow*pT->nCol; r++) free(pT->azCell[r]);
  free(pT->azCell);
  pT->azCell = NULL;
  pT->nRow = 0;
  pT->bFlushed = 1;
}

/* Add a row of nCol strings (NULL prints as "-"). Exits on OOM: a report
** missing rows would mislead. */
static void results_table_row(ResultsTable *pT, const char *const *azVal){
  int i;
  if( pT->bFlushed ){
    results_table_print_row(pT, azVal);
    return;
  }
  if( pT->azCell==NULL ){
    pT->azCell = calloc((size_t)RESULTS_TABLE_WINDOW * (size_t)pT->nCol,
                        sizeof(char*));
    if( pT->azCell==NULL ) results_oom();
  }
  for(i=0; i<pT->nCol; i++){
    char *z = strdup(azVal[i] ? azVal[i] : "-");
    if( z==NULL ) results_oom();
    pT->azCell[pT->nRow*pT->nCol + i] = z;
  }
  pT->nRow++;
  if( pT->nRow>=RESULTS_TABLE_WINDOW ) results_table_flush(pT);
}

/* Print what is held (a table cut short by an error prints what it had). */
static void results_table_end(ResultsTable *pT){
  if( !pT->bFlushed ) results_table_flush(pT);
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

/*
** Report a failed SQLite call as "mapscope results: FILE: WHAT: MESSAGE";
** a statement the progress guard stopped says why. pOut, when not NULL,
** is a text report already begun: it gets the RESULTS_CUT_SHORT line.
** Returns 2, the exit status.
*/
static int results_sql_err(Store *pStore, const char *zWhat, FILE *pOut){
  sqlite3 *db = store_db(pStore);
  if( sqlite3_errcode(db)==SQLITE_INTERRUPT ){
    termsafe_fprintf(stderr, "mapscope results: %s: %s: stopped: a query worked"
                     " too long without a result (a damaged or hostile file?)\n",
                     store_path(pStore), zWhat);
  }else{
    termsafe_fprintf(stderr, "mapscope results: %s: %s: %s\n", store_path(pStore),
                     zWhat, sqlite3_errmsg(db));
  }
  if( pOut ){
    fflush(pOut);
    fprintf(pOut, "%s\n", RESULTS_CUT_SHORT);
  }
  return 2;
}

/* ---------------------------------------------------------------- 3 ---- */

/* A run's scenario, step and agreement counts are filled when it
** completes; an incomplete run's are counted from its rows. Agreement
** counts are "-" for a single-backend run and for runs stored before
** schema 3 (NULL). */
#define RESULTS_N_SCENARIOS \
  "(CASE WHEN completed THEN n_scenarios ELSE (SELECT count(*) FROM scenarios s" \
  " WHERE s.run_id = runs.run_id) END)"
#define RESULTS_N_STEPS \
  "(CASE WHEN completed THEN n_steps ELSE (SELECT count(*) FROM steps t" \
  " JOIN scenarios s USING (scenario_id) WHERE s.run_id = runs.run_id) END)"
#define RESULTS_N_COMPARED(COL, COND) \
  "(CASE WHEN instr(backends, ',') = 0 THEN NULL WHEN completed THEN " COL \
  " ELSE (SELECT count(*) FROM steps t JOIN scenarios s USING (scenario_id)" \
  " WHERE s.run_id = runs.run_id AND " COND ") END)"

static int results_list(Store *pStore, FILE *pOut){
  static const int abRight[] = {0,0,0,0,0,0,1,1,1,1,1,1,1,1,0,0};
  sqlite3_stmt *pStmt = NULL;
  ResultsTable t;
  const char *azHead[] = { "REF", "RUN", "STARTED (UTC)", "KIND", "STATUS",
                           "BACKENDS", "SCEN", "STEPS", "PASS", "FAIL", "SKIP",
                           "AGREE", "ACK", "AFTER", "HOST", "LABELS" };
  long long iRow = 0;
  int rc = sqlite3_prepare_v2(store_db(pStore),
      "SELECT run_id, started_at, kind, completed, backends, " RESULTS_N_SCENARIOS
      ", " RESULTS_N_STEPS ", n_passed, n_failed, n_skipped, "
      RESULTS_N_COMPARED("n_agree_observed",
                         "t.comparison = 'agree' AND t.evidence = 'observation'") ", "
      RESULTS_N_COMPARED("n_agree_acknowledged",
                         "t.comparison = 'agree' AND t.evidence = 'acknowledgement'") ", "
      RESULTS_N_COMPARED("n_after_divergence", "t.comparison = 'after-divergence'")
      ", host_name, labels FROM runs ORDER BY seq DESC", -1, &pStmt, NULL);
  if( rc!=SQLITE_OK ) return results_sql_err(pStore, "listing runs", pOut);
  results_table_init(&t, 16, abRight, pOut);
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    char zRef[32], zRun[16], zStarted[32];
    const char *az[16];
    int bDone = sqlite3_column_int(pStmt, 3);
    int i;
    if( iRow==0 ){
      results_table_row(&t, azHead);
      snprintf(zRef, sizeof(zRef), "last");
    }else{
      snprintf(zRef, sizeof(zRef), "last~%lld", iRow);
    }
    snprintf(zRun, sizeof(zRun), "%.12s", results_col(pStmt, 0));
    results_time(results_col(pStmt, 1), zStarted, sizeof(zStarted));
    az[0] = zRef; az[1] = zRun; az[2] = zStarted;
    az[3] = results_col(pStmt, 2);
    az[4] = bDone ? "complete" : "INCOMPLETE";
    for(i=5; i<16; i++) az[i] = results_col(pStmt, i-1);
    results_table_row(&t, az);
    iRow++;
  }
  results_table_end(&t);
  if( rc!=SQLITE_DONE ){
    rc = results_sql_err(pStore, "listing runs", pOut);
    sqlite3_finalize(pStmt);
    return rc;
  }
  sqlite3_finalize(pStmt);
  if( iRow==0 ) termsafe_fprintf(pOut, "no runs in %s\n", store_path(pStore));
  return 0;
}

/* ---------------------------------------------------------------- 4 ---- */

/* Print text indented, one line at a time, after zLabel. */
static void results_print_block(FILE *pOut, const char *zLabel, const char *zText){
  const char *z = zText ? zText : "(none)";
  int bFirst = 1;
  int bEsc = termsafe_is_terminal(pOut);
  while( 1 ){
    const char *zEnd = strchr(z, '\n');
    size_t n = zEnd ? (size_t)(zEnd - z) : strlen(z);
    fprintf(pOut, "      %-9s ", bFirst ? zLabel : "");
    termsafe_write(pOut, z, n, bEsc);
    fputc('\n', pOut);
    bFirst = 0;
    if( zEnd==NULL ) break;
    z = zEnd + 1;
  }
}

/* The run's facts (one row of runs). 0, or an SQLite code. */
static int results_show_facts(sqlite3 *db, const char *zRunId, FILE *pOut){
  sqlite3_stmt *pStmt = NULL;
  int rc = sqlite3_prepare_v2(db,
      "SELECT run_id, kind, completed, started_at, ended_at, backends,"
      " host_name, host_os, wine_version, agent_version, capabilities,"
      " mapscope_version, labels, command_line, " RESULTS_N_SCENARIOS ","
      " " RESULTS_N_STEPS ", n_passed, n_failed, n_skipped, seq, host_facts"
      " FROM runs WHERE run_id = ?1",
      -1, &pStmt, NULL);
  if( rc!=SQLITE_OK ) return rc;
  sqlite3_bind_text(pStmt, 1, zRunId, -1, SQLITE_STATIC);
  rc = sqlite3_step(pStmt);
  if( rc==SQLITE_ROW ){
    char zStart[32], zEnd[32];
    results_time(results_col(pStmt, 3), zStart, sizeof(zStart));
    results_time(results_col(pStmt, 4), zEnd, sizeof(zEnd));
    termsafe_fprintf(pOut, "run        %s (stored as number %lld in this file)\n",
                     results_col(pStmt, 0), sqlite3_column_int64(pStmt, 19));
    termsafe_fprintf(pOut, "kind       %s, %s\n", results_col(pStmt, 1),
                     sqlite3_column_int(pStmt, 2) ? "complete"
                     : "INCOMPLETE (stopped before it finished)");
    termsafe_fprintf(pOut, "started    %s UTC\n", zStart);
    termsafe_fprintf(pOut, "ended      %s%s\n", zEnd, results_col(pStmt, 4) ? " UTC" : "");
    termsafe_fprintf(pOut, "backends   %s\n", results_col(pStmt, 5));
    termsafe_fprintf(pOut, "host       %s", results_col(pStmt, 6) ? results_col(pStmt, 6) : "-");
    if( results_col(pStmt, 7) ) termsafe_fprintf(pOut, "; os %s", results_col(pStmt, 7));
    if( results_col(pStmt, 8) ) termsafe_fprintf(pOut, "; wine %s", results_col(pStmt, 8));
    if( results_col(pStmt, 9) ) termsafe_fprintf(pOut, "; agent %s", results_col(pStmt, 9));
    fprintf(pOut, "\n");
    if( results_col(pStmt, 10) ) termsafe_fprintf(pOut, "caps       %s\n", results_col(pStmt, 10));
    /* every fact the host reported (schema 4), one `key value` a line */
    for(const char *z = results_col(pStmt, 20), *zHead = "facts      "; z && *z; ){
      size_t n = strcspn(z, "\n");
      if( n ){
        termsafe_fprintf(pOut, "%s%.*s\n", zHead, (int)n, z);
        zHead = "           ";
      }
      z += n + (z[n]=='\n');
    }
    termsafe_fprintf(pOut, "mapscope   %s\n", results_col(pStmt, 11) ? results_col(pStmt, 11) : "-");
    termsafe_fprintf(pOut, "labels     %s\n", results_col(pStmt, 12) ? results_col(pStmt, 12) : "-");
    termsafe_fprintf(pOut, "command    %s\n", results_col(pStmt, 13) ? results_col(pStmt, 13) : "-");
    fprintf(pOut, "stored     %d scenarios, %d steps", sqlite3_column_int(pStmt, 14),
            sqlite3_column_int(pStmt, 15));
    if( sqlite3_column_type(pStmt, 16)!=SQLITE_NULL ){
      fprintf(pOut, "; %d passed, %d failed, %d skipped", sqlite3_column_int(pStmt, 16),
              sqlite3_column_int(pStmt, 17), sqlite3_column_int(pStmt, 18));
    }
    fprintf(pOut, "\n");
    rc = SQLITE_OK;
  }else if( rc==SQLITE_DONE ){
    rc = SQLITE_OK;
  }
  sqlite3_finalize(pStmt);
  return rc;
}

/*
** What the steps of a run are evidence of (issue 8): an agreement on an
** observation (the step read the host's state) is evidence; one on an
** acknowledgement (the `ok` of a write or a binding) says only that the
** host accepted the call; a step after a divergence it depends on proves
** nothing either way. 0, or an SQLite code.
*/
static int results_show_evidence(sqlite3 *db, const char *zRunId, FILE *pOut){
  sqlite3_stmt *pStmt = NULL;
  int rc = sqlite3_prepare_v2(db,
      "SELECT count(*) FILTER (WHERE evidence = 'observation'),"
      " count(*) FILTER (WHERE evidence = 'acknowledgement'),"
      " count(*) FILTER (WHERE evidence IS NULL),"
      " count(comparison),"
      " count(*) FILTER (WHERE comparison = 'agree' AND evidence = 'observation'),"
      " count(*) FILTER (WHERE comparison = 'agree' AND evidence = 'acknowledgement'),"
      " count(*) FILTER (WHERE comparison = 'agree' AND evidence IS NULL),"
      " count(*) FILTER (WHERE comparison = 'after-divergence'),"
      " count(*) FILTER (WHERE comparison = 'diverge'),"
      " count(*) FILTER (WHERE comparison = 'unsupported'),"
      " count(*) FILTER (WHERE comparison = 'skip'),"
      " count(*) FILTER (WHERE comparison = 'error')"
      " FROM scenarios sc JOIN steps st ON st.scenario_id = sc.scenario_id"
      " WHERE sc.run_id = ?1", -1, &pStmt, NULL);
  if( rc!=SQLITE_OK ) return rc;
  sqlite3_bind_text(pStmt, 1, zRunId, -1, SQLITE_STATIC);
  rc = sqlite3_step(pStmt);
  if( rc==SQLITE_ROW ){
    long long a[12];
    int i;
    for(i=0; i<12; i++) a[i] = sqlite3_column_int64(pStmt, i);
    fprintf(pOut, "evidence   %lld observations, %lld acknowledgements",
            a[0], a[1]);
    if( a[2] ) fprintf(pOut, ", %lld unclassified", a[2]);
    fprintf(pOut, "\n");
    if( a[3]>0 ){
      fprintf(pOut, "compared   %lld agree on observations (the evidence),"
              " %lld on acknowledgements", a[4], a[5]);
      if( a[6] ) fprintf(pOut, ", %lld unclassified", a[6]);
      fprintf(pOut, "; %lld after-divergence, %lld diverge, %lld unsupported,"
              " %lld skip, %lld error\n", a[7], a[8], a[9], a[10], a[11]);
    }
    rc = SQLITE_OK;
  }else if( rc==SQLITE_DONE ){
    rc = SQLITE_OK;
  }
  sqlite3_finalize(pStmt);
  return rc;
}

/* Facts about the hosts recorded with the run (store_event()). */
static int results_show_events(sqlite3 *db, const char *zRunId, FILE *pOut){
  sqlite3_stmt *pStmt = NULL;
  int nEvent = 0;
  int rc = sqlite3_prepare_v2(db,
      "SELECT e.backend, e.text, sc.path FROM events e LEFT JOIN scenarios sc"
      " ON sc.scenario_id = e.scenario_id WHERE e.run_id = ?1"
      " ORDER BY e.event_id", -1, &pStmt, NULL);
  if( rc!=SQLITE_OK ) return rc;
  sqlite3_bind_text(pStmt, 1, zRunId, -1, SQLITE_STATIC);
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    if( nEvent++==0 ) fprintf(pOut, "\nevents:\n");
    termsafe_fprintf(pOut, "  [%s] %s", results_col(pStmt, 0) ? results_col(pStmt, 0)
                     : "-", results_col(pStmt, 1));
    if( results_col(pStmt, 2) ) termsafe_fprintf(pOut, " (during %s)", results_col(pStmt, 2));
    fputc('\n', pOut);
  }
  sqlite3_finalize(pStmt);
  return rc==SQLITE_DONE ? SQLITE_OK : rc;
}

/* Why a check stopped, in words (check_runs.stop_reason). */
static const char *results_stop_words(const char *zStop){
  if( zStop==NULL ) return "?";
  if( strcmp(zStop, "depth")==0 ) return "reached the depth asked for";
  if( strcmp(zStop, "exhausted")==0 ) return "complete: no new state beyond it";
  if( strcmp(zStop, "states")==0 ) return "stopped by --states";
  if( strcmp(zStop, "seconds")==0 ) return "stopped by --seconds";
  if( strcmp(zStop, "violation")==0 ) return "stopped at the first violation";
  return zStop;
}

/* Print z (words separated by blanks) wrapped at about 76 columns, each
** line after zHead's indented as far. */
static void results_print_words(FILE *pOut, const char *zHead, const char *z){
  size_t nHead = strlen(zHead), nCol = nHead;
  termsafe_fprintf(pOut, "%s", zHead);
  if( z==NULL || z[0]==0 ){
    fprintf(pOut, "(none)\n");
    return;
  }
  while( *z ){
    size_t n;
    while( *z==' ' ) z++;
    n = strcspn(z, " ");
    if( n==0 ) break;
    if( nCol>nHead && nCol + 1 + n > 76 ){
      fprintf(pOut, "\n%*s", (int)nHead, "");
      nCol = nHead;
    }else if( nCol>nHead ){
      fputc(' ', pOut);
      nCol++;
    }
    termsafe_fprintf(pOut, "%.*s", (int)n, z);
    nCol += n;
    z += n;
  }
  fputc('\n', pOut);
}

/*
** A check run's summary (schema 5: check_runs, check_invariants,
** check_depths): the world and alphabet searched, how deep, how it
** stopped, the states by depth, each invariant's verdict, the rules and
** tool branches reached and never reached. Nothing for another run; a
** line saying so for a check run without a summary. 0, or an SQLite code.
*/
static int results_show_check(sqlite3 *db, const char *zRunId, int bAll,
                              FILE *pOut){
  static const int abRight[] = {0,0,0,0};
  sqlite3_stmt *pStmt = NULL;
  ResultsTable t;
  int rc = sqlite3_prepare_v2(db,
      "SELECT r.kind, c.run_id, c.world, c.world_hash, c.alphabet, c.logon_names,"
      " c.letters, c.all_logons, c.listings, c.tool_steps, c.symmetry,"
      " c.symmetric_accounts, c.planted_bug, c.depth_requested,"
      " c.depth_completed, c.stop_reason, c.states, c.steps,"
      " c.processor_seconds, c.state_bytes, c.rules_fired, c.rules_never,"
      " c.tool_branches, c.tools_never, c.verdict, c.violation_steps,"
      " (SELECT group_concat(states, ' ') FROM (SELECT states FROM check_depths d"
      "   WHERE d.run_id = r.run_id ORDER BY depth)), c.max_states, c.max_seconds,"
      " c.families, (SELECT count(*) FROM check_depths d WHERE d.run_id = r.run_id)"
      " FROM runs r LEFT JOIN check_runs c ON c.run_id = r.run_id"
      " WHERE r.run_id = ?1", -1, &pStmt, NULL);
  if( rc!=SQLITE_OK ) return rc;
  sqlite3_bind_text(pStmt, 1, zRunId, -1, SQLITE_STATIC);
  rc = sqlite3_step(pStmt);
  if( rc!=SQLITE_ROW ){
    sqlite3_finalize(pStmt);
    return rc==SQLITE_DONE ? SQLITE_OK : rc;
  }
  if( sqlite3_column_type(pStmt, 1)==SQLITE_NULL ){
    const char *zKind = results_col(pStmt, 0);
    if( zKind && strcmp(zKind, "check")==0 ){
      fprintf(pOut, "check      no summary stored with this run\n");
    }
    sqlite3_finalize(pStmt);
    return SQLITE_OK;
  }
  {
    const char *zVerdict = results_col(pStmt, 24);
    int bViolated = zVerdict && strcmp(zVerdict, "violated")==0;
    termsafe_fprintf(pOut, "\ncheck      %s", bViolated ? "VIOLATED" : "held");
    if( bViolated ){
      fprintf(pOut, " (a counterexample of %d steps)", sqlite3_column_int(pStmt, 25));
    }
    fputc('\n', pOut);
    termsafe_fprintf(pOut, "world      %s (hash %s)\n", results_col(pStmt, 2),
                     results_col(pStmt, 3));
    termsafe_fprintf(pOut, "alphabet   %d steps (%d logon names, letters %s%s%s;"
                     " %d tool steps%s%s)\n", sqlite3_column_int(pStmt, 4),
                     sqlite3_column_int(pStmt, 5), results_col(pStmt, 6),
                     sqlite3_column_int(pStmt, 7) ? ", all logon types" : "",
                     sqlite3_column_int(pStmt, 8) ? "" : ", no listings",
                     sqlite3_column_int(pStmt, 9),
                     results_col(pStmt, 29) ? "; families " : "",
                     results_col(pStmt, 29) ? results_col(pStmt, 29) : "");
    if( sqlite3_column_int(pStmt, 10) ){
      fprintf(pOut, "symmetry   on (%d interchangeable accounts)\n",
              sqlite3_column_int(pStmt, 11));
    }else{
      fprintf(pOut, "symmetry   off\n");
    }
    if( sqlite3_column_type(pStmt, 12)!=SQLITE_NULL ){
      fprintf(pOut, "planted    model bug %lld (test only)\n",
              sqlite3_column_int64(pStmt, 12));
    }
    fprintf(pOut, "depth      %d completed of %d asked for: ",
            sqlite3_column_int(pStmt, 14), sqlite3_column_int(pStmt, 13));
    termsafe_fprintf(pOut, "%s", results_stop_words(results_col(pStmt, 15)));
    if( sqlite3_column_type(pStmt, 27)!=SQLITE_NULL ){
      fprintf(pOut, " (--states %lld)", sqlite3_column_int64(pStmt, 27));
    }
    if( sqlite3_column_type(pStmt, 28)!=SQLITE_NULL ){
      fprintf(pOut, " (--seconds %g)", sqlite3_column_double(pStmt, 28));
    }
    fputc('\n', pOut);
    termsafe_fprintf(pOut, "states     %lld (by depth: %s%s); %lld steps run,"
                     " %.2f s processor, %lld bytes\n",
                     sqlite3_column_int64(pStmt, 16),
                     results_col(pStmt, 26) ? results_col(pStmt, 26) : "-",
                     sqlite3_column_int(pStmt, 30) > sqlite3_column_int(pStmt, 14) + 1
                       ? ", the last depth cut short" : "",
                     sqlite3_column_int64(pStmt, 17),
                     sqlite3_column_double(pStmt, 18),
                     sqlite3_column_int64(pStmt, 19));
    results_print_words(pOut, "rules      fired: ", results_col(pStmt, 20));
    results_print_words(pOut, "           never: ", results_col(pStmt, 21));
    if( sqlite3_column_int(pStmt, 9)==0 ){
      fprintf(pOut, "tools      no tool steps in the alphabet\n");
    }else{
      const char *z = results_col(pStmt, 22);
      int nBranch = 0;
      for(const char *zL = z; zL && *zL; zL += strcspn(zL, "\n"), zL += *zL=='\n'){
        nBranch++;
      }
      fprintf(pOut, "tools      %d branches reached%s\n", nBranch,
              bAll ? ":" : " (show --all lists them)");
      for(const char *zL = z; bAll && zL && *zL; ){
        size_t n = strcspn(zL, "\n");
        termsafe_fprintf(pOut, "             %.*s\n", (int)n, zL);
        zL += n + (zL[n]=='\n');
      }
      results_print_words(pOut, "           no branch reached: ", results_col(pStmt, 23));
    }
  }
  sqlite3_finalize(pStmt);
  pStmt = NULL;

  rc = sqlite3_prepare_v2(db, "SELECT name, rules, verdict, reason FROM"
                          " check_invariants WHERE run_id = ?1 ORDER BY position",
                          -1, &pStmt, NULL);
  if( rc!=SQLITE_OK ) return rc;
  sqlite3_bind_text(pStmt, 1, zRunId, -1, SQLITE_STATIC);
  results_table_init(&t, 4, abRight, pOut);
  {
    int nRow = 0;
    while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
      const char *az[4];
      if( nRow++==0 ){
        static const char *const azHead[] = { "  INVARIANT", "RULES", "VERDICT",
                                              "REASON" };
        fprintf(pOut, "\n");
        results_table_row(&t, azHead);
      }
      char zName[256];
      snprintf(zName, sizeof(zName), "  %s", results_col(pStmt, 0) ? results_col(pStmt, 0) : "-");
      az[0] = zName;
      az[1] = results_col(pStmt, 1);
      az[2] = results_col(pStmt, 2);
      az[3] = results_col(pStmt, 3);
      results_table_row(&t, az);
    }
  }
  results_table_end(&t);
  sqlite3_finalize(pStmt);
  fputc('\n', pOut);
  return rc==SQLITE_DONE ? SQLITE_OK : rc;
}

static int results_show(Store *pStore, const char *zRunId, int bAll,
                        FILE *pOut){
  static const int abRight[] = {0,1,1,1,1,1,1,1,1,1,0};
  sqlite3 *db = store_db(pStore);
  sqlite3_stmt *pStmt = NULL;
  ResultsTable t;
  const char *zWhat = "reading the run";
  int rc, nShown = 0, nAfter = 0;

  rc = results_show_facts(db, zRunId, pOut);
  if( rc==SQLITE_OK ){
    zWhat = "reading the check's summary";
    rc = results_show_check(db, zRunId, bAll, pOut);
  }
  if( rc==SQLITE_OK ){
    zWhat = "reading the run's evidence";
    rc = results_show_evidence(db, zRunId, pOut);
  }
  if( rc==SQLITE_OK ){
    zWhat = "reading the run's events";
    rc = results_show_events(db, zRunId, pOut);
  }
  if( rc!=SQLITE_OK ) goto sql_err;
  fprintf(pOut, "\n");

  /* Scenarios, with verdict counts over every backend and, per step, how
  ** it compared. */
  zWhat = "reading the run's scenarios";
  rc = sqlite3_prepare_v2(db,
      "SELECT sc.path, count(DISTINCT st.position),"
      " sum(sr.verdict = 'pass'), sum(sr.verdict IN ('fail','error','fixed')),"
      " sum(sr.verdict = 'todo'), sum(sr.verdict IN ('skip','unsupported')),"
      " count(DISTINCT CASE WHEN st.comparison = 'agree'"
      "   AND st.evidence = 'observation' THEN st.position END),"
      " count(DISTINCT CASE WHEN st.comparison = 'agree'"
      "   AND st.evidence = 'acknowledgement' THEN st.position END),"
      " count(DISTINCT CASE WHEN st.comparison = 'after-divergence'"
      "   THEN st.position END),"
      " count(DISTINCT CASE WHEN st.comparison = 'diverge' THEN st.position END),"
      " sc.content_hash"
      " FROM scenarios sc LEFT JOIN steps st ON st.scenario_id = sc.scenario_id"
      " LEFT JOIN step_results sr ON sr.scenario_id = st.scenario_id"
      "  AND sr.position = st.position"
      " WHERE sc.run_id = ?1 GROUP BY sc.scenario_id ORDER BY sc.path, sc.scenario_id",
      -1, &pStmt, NULL);
  if( rc!=SQLITE_OK ) goto sql_err;
  sqlite3_bind_text(pStmt, 1, zRunId, -1, SQLITE_STATIC);
  results_table_init(&t, 11, abRight, pOut);
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    const char *az[11];
    int i;
    if( nShown++==0 ){
      static const char *const azHead[] = { "SCENARIO", "STEPS", "PASS", "FAIL",
        "TODO", "SKIP", "AGREE", "ACK", "AFTER", "DIVERGE", "HASH" };
      results_table_row(&t, azHead);
    }
    for(i=0; i<11; i++) az[i] = results_col(pStmt, i);
    if( az[2]==NULL ){ az[2] = az[3] = az[4] = az[5] = "0"; }
    results_table_row(&t, az);
  }
  results_table_end(&t);
  if( rc!=SQLITE_DONE ) goto sql_err;
  sqlite3_finalize(pStmt);
  pStmt = NULL;
  if( nShown==0 ){
    fprintf(pOut, "no scenario stored\n");
  }else{
    fprintf(pOut, "(AGREE: agreements on observations; ACK: on acknowledgements;"
            " AFTER: steps after a divergence they depend on)\n");
  }

  /* Failures with what was expected and what came out, and the steps
  ** after a divergence; or every step. */
  zWhat = "reading the run's steps";
  rc = sqlite3_prepare_v2(db,
      "SELECT sc.path, st.line, sr.backend, sr.verdict, st.who, st.command,"
      " st.expected, sr.output, sr.reason, st.comparison, st.evidence,"
      " st.diverged_line"
      " FROM scenarios sc JOIN steps st ON st.scenario_id = sc.scenario_id"
      " JOIN step_results sr ON sr.scenario_id = st.scenario_id"
      "  AND sr.position = st.position"
      " WHERE sc.run_id = ?1 AND (?2 OR sr.verdict IN ('fail','error','fixed')"
      "  OR st.comparison = 'after-divergence')"
      " ORDER BY sc.scenario_id, st.position, sr.backend", -1, &pStmt, NULL);
  if( rc!=SQLITE_OK ) goto sql_err;
  sqlite3_bind_text(pStmt, 1, zRunId, -1, SQLITE_STATIC);
  sqlite3_bind_int(pStmt, 2, bAll);
  nShown = 0;
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    const char *zVerdict = results_col(pStmt, 3);
    const char *zCmp = results_col(pStmt, 9);
    const char *zEvidence = results_col(pStmt, 10);
    int bBad = zVerdict && (strcmp(zVerdict, "fail")==0
            || strcmp(zVerdict, "error")==0 || strcmp(zVerdict, "fixed")==0);
    int bAfter = zCmp && strcmp(zCmp, "after-divergence")==0;
    if( nShown==0 ) fprintf(pOut, "\n%s:\n", bAll ? "steps" : "failures, and steps after a divergence");
    nShown++;
    nAfter += bAfter;
    termsafe_fprintf(pOut, "  %s:%d  [%s] %s", results_col(pStmt, 0),
                     sqlite3_column_int(pStmt, 1), results_col(pStmt, 2),
                     zVerdict ? zVerdict : "-");
    if( zCmp && (bAll || bAfter) ) termsafe_fprintf(pOut, ", %s", zCmp);
    if( bAfter && sqlite3_column_type(pStmt, 11)!=SQLITE_NULL ){
      fprintf(pOut, " (follows the divergence at line %d)",
              sqlite3_column_int(pStmt, 11));
    }
    if( zEvidence && bAll ) termsafe_fprintf(pOut, "; %s", zEvidence);
    fputc('\n', pOut);
    results_print_block(pOut, "step", results_col(pStmt, 5));
    if( bBad || bAll ){
      if( results_col(pStmt, 6) ) results_print_block(pOut, "expected", results_col(pStmt, 6));
      if( results_col(pStmt, 7) ) results_print_block(pOut, "got", results_col(pStmt, 7));
      if( results_col(pStmt, 8) ) results_print_block(pOut, "reason", results_col(pStmt, 8));
    }
  }
  if( rc!=SQLITE_DONE ) goto sql_err;
  sqlite3_finalize(pStmt);
  if( nShown==0 && !bAll ) fprintf(pOut, "\nno failures\n");
  else if( nShown==nAfter && !bAll ) fprintf(pOut, "\nno failures\n");
  return 0;

sql_err:
  rc = results_sql_err(pStore, zWhat, pOut);
  sqlite3_finalize(pStmt);
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

/* State of the first pass of `compare`: the table, the counts, and the
** first output change (for the hint). */
typedef struct ResultsCmp ResultsCmp;
struct ResultsCmp {
  ResultsTable t;           /* the CHANGE STEP BACKEND VERDICT COMMAND table */
  int anKind[6];            /* changes of each StoreChangeKind */
  int nChange;              /* changes seen */
  FILE *pOut;               /* the report */
  char zHint[700];          /* "path:line was "..", now ".."", or "" */
};

static int results_cmp_row(void *pArg, const StoreChange *pC){
  ResultsCmp *p = (ResultsCmp*)pArg;
  char zWhere[512], zVerdict[64];
  const char *az[5];
  if( p->nChange++==0 ){
    static const char *const azHead[] = { "CHANGE", "STEP", "BACKEND",
                                          "VERDICT", "COMMAND" };
    results_table_row(&p->t, azHead);
  }
  snprintf(zWhere, sizeof(zWhere), "%s:%d", pC->zPath ? pC->zPath : "?", pC->iLine);
  snprintf(zVerdict, sizeof(zVerdict), "%s -> %s",
           pC->zVerdictA ? pC->zVerdictA : "(none)",
           pC->zVerdictB ? pC->zVerdictB : "(none)");
  az[0] = store_change_name(pC->eKind);
  az[1] = zWhere;
  az[2] = pC->zBackend;
  az[3] = zVerdict;
  az[4] = pC->zCommand;
  results_table_row(&p->t, az);
  p->anKind[pC->eKind]++;
  if( pC->eKind==STORE_CHANGE_OUTPUT && p->zHint[0]==0 ){
    char zA[64], zB[64];
    results_first_line(pC->zOutputA, zA, sizeof(zA));
    results_first_line(pC->zOutputB, zB, sizeof(zB));
    snprintf(p->zHint, sizeof(p->zHint), "%.500s:%d was \"%s\", now \"%s\"",
             pC->zPath ? pC->zPath : "?", pC->iLine, zA, zB);
  }
  return 0;
}

/* The second pass of `compare --verbose`: each change's texts. */
static int results_cmp_detail(void *pArg, const StoreChange *pC){
  FILE *pOut = (FILE*)pArg;
  if( pC->eKind==STORE_CHANGE_ADDED || pC->eKind==STORE_CHANGE_REMOVED ) return 0;
  termsafe_fprintf(pOut, "\n  %s:%d [%s] %s%s\n", pC->zPath ? pC->zPath : "?",
                   pC->iLine, pC->zBackend ? pC->zBackend : "?",
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
  return 0;
}

static int results_compare(Store *pStore, const char *zRunA, const char *zRunB,
                           int bVerbose, FILE *pOut){
  static const int abRight[] = {0,0,0,0,0};
  ResultsCmp cmp;
  int rc;

  memset(&cmp, 0, sizeof(cmp));
  cmp.pOut = pOut;
  termsafe_fprintf(pOut, "comparing %.12s (A) with %.12s (B): matched by scenario"
                   " path, step position and backend\n", zRunA, zRunB);
  results_table_init(&cmp.t, 5, abRight, pOut);
  rc = store_compare_each(pStore, zRunA, zRunB, results_cmp_row, &cmp);
  results_table_end(&cmp.t);
  if( rc ) return results_sql_err(pStore, "comparing the runs", pOut);
  if( cmp.nChange==0 ){
    fprintf(pOut, "no step changed its verdict or output\n");
    return 0;
  }
  if( bVerbose ){
    rc = store_compare_each(pStore, zRunA, zRunB, results_cmp_detail, pOut);
    if( rc ) return results_sql_err(pStore, "comparing the runs", pOut);
  }else if( cmp.zHint[0] ){
    termsafe_fprintf(pOut, "(--verbose prints outputs; e.g. %s)\n", cmp.zHint);
  }
  fprintf(pOut, "\n%d regressions, %d fixed, %d other verdict changes, %d output"
          " changes, %d added, %d removed\n", cmp.anKind[0], cmp.anKind[1],
          cmp.anKind[2], cmp.anKind[3], cmp.anKind[4], cmp.anKind[5]);
  return cmp.anKind[STORE_CHANGE_REGRESSION] ? 1 : 0;
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
      termsafe_fprintf(stderr, "mapscope results: %s\n", zErr);
      return 2;
    }
  }
  /* Only a file known to be missing counts as created by this merge. */
  bExisted = !(stat(pOpts->azArg[1], &stOut)!=0 && errno==ENOENT);
  if( store_open(pOpts->azArg[1], &pOut, zErr, sizeof(zErr)) ){
    termsafe_fprintf(stderr, "mapscope results: %s\n", zErr);
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
        termsafe_fprintf(stderr, "mapscope results: %s (the inputs listed above"
                         " were merged; this one and those after it were not)\n",
                         zErr);
      }else{
        termsafe_fprintf(stderr, "mapscope results: %s\n", zErr);
      }
      goto err;
    }
    for(i=iFirst; i<iFirst+n; i++){
      const StoreMergeStats *pSt = &aStats[i-2];
      termsafe_fprintf(stdout, "%s: %d runs added, %d replaced (were incomplete),"
                       " %d already present\n", pOpts->azArg[i], pSt->nAdded,
                       pSt->nReplaced, pSt->nSkipped);
      total.nAdded += pSt->nAdded;
      total.nReplaced += pSt->nReplaced;
      total.nSkipped += pSt->nSkipped;
    }
    fflush(stdout);
  }
  termsafe_fprintf(stdout, "merged into %s: %d runs added, %d replaced, %d already"
                   " present\n", pOpts->azArg[1], total.nAdded, total.nReplaced,
                   total.nSkipped);
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

/* One row per step and backend of the run's scenarios, from the tables
** (the file's own step_outcomes view is never run). */
#define RESULTS_OUTCOMES \
  "(SELECT sc.run_id, sc.scenario_id, sc.path, st.position, st.line," \
  " st.command, st.expected, sr.backend, sr.verdict, sr.output, sr.reason," \
  " sr.duration_ms FROM scenarios sc JOIN steps st" \
  " ON st.scenario_id = sc.scenario_id JOIN step_results sr" \
  " ON sr.scenario_id = st.scenario_id AND sr.position = st.position)"

static const char zExportSql[] =
  "SELECT o.path, o.line, o.backend, o.verdict, o.command, o.expected,"
  " o.output, o.reason, o.duration_ms, o.scenario_id,"
  " (SELECT group_concat(k.reason, '; ') FROM known_divergences k"
  "   WHERE k.scenario_id = o.scenario_id AND k.position = o.position)"
  " FROM " RESULTS_OUTCOMES " o WHERE o.run_id = ?1"
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

/*
** A check run (schema 5) is exported as its invariants: one test per
** invariant, in the check's table order, `ok` when it held, `not ok` when
** it was violated (with the reason and the counterexample's steps as what
** came out), skipped when it was not checked. A ReportCase per invariant:
** file "invariants", line its place in the table (1-based), command its
** name and rules.
*/
static const char zExportCheckSql[] =
  "SELECT i.position, i.name, i.rules, i.verdict, i.reason,"
  " (SELECT group_concat(command, char(10)) FROM (SELECT st.command FROM"
  "   scenarios sc JOIN steps st ON st.scenario_id = sc.scenario_id"
  "   WHERE sc.run_id = i.run_id ORDER BY sc.scenario_id, st.position)),"
  " (SELECT min(path) FROM scenarios sc WHERE sc.run_id = i.run_id)"
  " FROM check_invariants i WHERE i.run_id = ?1 ORDER BY i.position";

/* The one-line summary of check run zRunId into zOut, or "" if it has no
** summary. An SQLite code. */
static int results_check_headline(sqlite3 *db, const char *zRunId, char *zOut,
                                  size_t nOut){
  sqlite3_stmt *pStmt = NULL;
  int rc = sqlite3_prepare_v2(db, "SELECT world, depth_completed, depth_requested,"
                              " stop_reason, states, verdict FROM check_runs"
                              " WHERE run_id = ?1", -1, &pStmt, NULL);
  zOut[0] = 0;
  if( rc!=SQLITE_OK ) return rc;
  sqlite3_bind_text(pStmt, 1, zRunId, -1, SQLITE_STATIC);
  rc = sqlite3_step(pStmt);
  if( rc==SQLITE_ROW ){
    snprintf(zOut, nOut, "world %s: depth %d of %d (%s), %lld states: %s",
             results_col(pStmt, 0) ? results_col(pStmt, 0) : "?",
             sqlite3_column_int(pStmt, 1), sqlite3_column_int(pStmt, 2),
             results_col(pStmt, 3) ? results_col(pStmt, 3) : "?",
             sqlite3_column_int64(pStmt, 4),
             results_col(pStmt, 5) ? results_col(pStmt, 5) : "?");
    rc = SQLITE_DONE;
  }
  sqlite3_finalize(pStmt);
  return rc==SQLITE_DONE ? SQLITE_OK : rc;
}

/* Fill *pCase from the statement's row of zExportCheckSql; zName gets
** "name (rules)", zActual what came out. */
static void results_check_case(sqlite3_stmt *pStmt, ReportCase *pCase,
                               char *zName, size_t nName, StrBuf *pActual){
  const char *zVerdict = results_col(pStmt, 3);
  memset(pCase, 0, sizeof(*pCase));
  snprintf(zName, nName, "%s (%s)", results_col(pStmt, 1) ? results_col(pStmt, 1) : "?",
           results_col(pStmt, 2) ? results_col(pStmt, 2) : "");
  pCase->zFile = "invariants";
  pCase->iLine = sqlite3_column_int(pStmt, 0) + 1;
  pCase->zBackend = "sim";
  pCase->zCommand = zName;
  pCase->zExpected = "no state the search visits breaks it";
  strbuf_reset(pActual);
  if( zVerdict && strcmp(zVerdict, "violated")==0 ){
    pCase->eVerdict = VERDICT_FAIL;
    strbuf_printf(pActual, "violated: %s", results_col(pStmt, 4) ? results_col(pStmt, 4) : "?");
    if( results_col(pStmt, 5) ){
      strbuf_printf(pActual, "\ncounterexample (%s):\n%s",
                    results_col(pStmt, 6) ? results_col(pStmt, 6) : "?",
                    results_col(pStmt, 5));
    }
    pCase->zActual = strbuf_text(pActual);
  }else if( zVerdict && strcmp(zVerdict, "held")==0 ){
    pCase->eVerdict = VERDICT_PASS;
    pCase->zActual = "held";
  }else{
    pCase->eVerdict = VERDICT_UNSUPPORTED;
    pCase->zReason = "not checked: the search stopped at the first state";
  }
}

static int results_export_check(sqlite3 *db, const char *zRunId, int bDone,
                                int bJunit, FILE *pOut){
  sqlite3_stmt *pStmt = NULL;
  char zHead[600], zName[300];
  StrBuf actual = {0};
  TapWriter tap;
  JunitWriter junit;
  int rc = results_check_headline(db, zRunId, zHead, sizeof(zHead));
  if( rc!=SQLITE_OK ) return 1;
  if( sqlite3_prepare_v2(db, zExportCheckSql, -1, &pStmt, NULL)!=SQLITE_OK ) return 1;
  sqlite3_bind_text(pStmt, 1, zRunId, -1, SQLITE_STATIC);
  memset(&junit, 0, sizeof(junit));
  if( bJunit ){
    char zSuite[80];
    snprintf(zSuite, sizeof(zSuite), "mapscope check %.12s", zRunId);
    junit_suite_begin(&junit, zSuite);
    junit_suite_property(&junit, "run_id", zRunId);
    junit_suite_property(&junit, "completed", bDone ? "1" : "0");
    junit_suite_property(&junit, "check", zHead);
  }else{
    char zTitle[128];
    tap_begin(&tap, pOut);
    snprintf(zTitle, sizeof(zTitle), "mapscope check run %s%s", zRunId,
             bDone ? "" : " (INCOMPLETE: stopped before it finished)");
    tap_comment(&tap, zTitle);
    tap_comment(&tap, zHead);
  }
  while( (rc = sqlite3_step(pStmt))==SQLITE_ROW ){
    ReportCase c;
    results_check_case(pStmt, &c, zName, sizeof(zName), &actual);
    if( bJunit ) junit_case(&junit, &c); else tap_case(&tap, &c);
  }
  sqlite3_finalize(pStmt);
  strbuf_reset(&actual);
  if( bJunit ) junit_suite_end(&junit);
  if( rc!=SQLITE_DONE ){
    if( bJunit ){
      FILE *pNull = fopen("/dev/null", "w");
      if( pNull ){ junit_finish(&junit, pNull, NULL); fclose(pNull); }
    }
    return 1;
  }
  if( bJunit ){
    char zDoc[80];
    snprintf(zDoc, sizeof(zDoc), "mapscope check run %s", zRunId);
    junit_finish(&junit, pOut, zDoc);
  }else{
    tap_end(&tap, NULL);
  }
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
    termsafe_fprintf(stderr, "mapscope results: %s: nothing to %s\n", zErr,
                     pOpts->azArg[0]);
    return 2;
  }
  for(i=0; i<nRef; i++){
    if( store_resolve_run(*ppStore, pOpts->azArg[1+i], azRunId[i], zErr,
                          sizeof(zErr)) ){
      termsafe_fprintf(stderr, "mapscope results: %s\n", zErr);
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
  int bDone = 0, bCheck = 0, rc;
  rc = sqlite3_prepare_v2(store_db(pStore), "SELECT completed, EXISTS (SELECT 1"
                          " FROM check_runs c WHERE c.run_id = runs.run_id)"
                          " FROM runs WHERE run_id = ?1", -1, &pStmt, NULL);
  if( rc==SQLITE_OK ){
    sqlite3_bind_text(pStmt, 1, zRunId, -1, SQLITE_STATIC);
    rc = sqlite3_step(pStmt);
    if( rc==SQLITE_ROW ){
      bDone = sqlite3_column_int(pStmt, 0);
      bCheck = sqlite3_column_int(pStmt, 1);
    }
  }
  sqlite3_finalize(pStmt);
  if( rc!=SQLITE_ROW ) return results_sql_err(pStore, "reading the run", NULL);
  if( bCheck ){
    rc = results_export_check(store_db(pStore), zRunId, bDone, bJunit, pOut);
  }else if( bJunit ){
    rc = results_export_junit(store_db(pStore), zRunId, bDone, pOut);
  }else{
    rc = results_export_tap(store_db(pStore), zRunId, bDone, pOut);
  }
  if( rc==0 ) return 0;
  /* Cut short: TAP says so in its own words; JUnit stays unterminated,
  ** which no XML reader accepts. */
  if( !bJunit ){
    fprintf(pOut, "Bail out! database error: %s\n", sqlite3_errmsg(store_db(pStore)));
  }
  return results_sql_err(pStore, "exporting the run", NULL);
}

int cmd_results(int argc, char **argv){
  ResultsOpts opts;
  Store *pStore = NULL;
  char azRunId[2][37];
  const char *zAction;
  FILE *pOut = stdout;      /* reports stream here, row by row */
  int rc;

  rc = results_parse(argc, argv, &opts);
  if( rc ) goto done;
  if( opts.nArg==0 ){ rc = results_usage("no action given"); goto done; }
  zAction = opts.azArg[0];
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
  /* A report that could not be written whole (disk full) is an error. */
  if( (fflush(stdout)!=0 || ferror(stdout)) && rc<2 ){
    fprintf(stderr, "mapscope results: cannot write the report: %s\n",
            strerror(errno));
    rc = 2;
  }
  return rc;
}
