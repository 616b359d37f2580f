/*
** runner/cli/run.c: `mapscope run` and `mapscope diff`.
**
**   mapscope run  [--backend sim|wine|windows] [options] PATH...
**   mapscope diff --against wine|windows [options] PATH...
**
** Both read every scenario first: one malformed file stops everything
** with FILE:LINE: message and exit status 2, before any backend runs or
** anything is stored. Then each scenario runs (run: on one backend; diff:
** on the model and the other backend, step by step), the report goes to
** standard output, the run to the results database, and the closing line
** "N passed, N failed, N skipped" ends the output.
**
** Contents: 1. options  2. collecting and parsing files  3. host facts
**           4. the shared driver  5. entry points
**
** (Collecting and parsing the files lives in load.c.)
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runner/cli/commands.h"
#include "runner/engine/engine.h"
#include "runner/engine/load.h"
#include "runner/util/strbuf.h"

/* ---------------------------------------------------------------- 1 ---- */

typedef struct RunOptions RunOptions;
struct RunOptions {
  const char *zCommand;        /* "run" or "diff", for messages */
  const BackendOps *pBackend;  /* run: the backend; diff: the other one */
  const char *zAgentCmd;       /* --agent-cmd */
  ReportFormat eFormat;        /* --format */
  const char *azLabel[8];      /* --label values */
  int nLabel;
  const char *zDb;             /* --db, or NULL for the default */
  int bNoDb;                   /* --no-db */
  int bVerbose;                /* -v */
  char **azPath;               /* the PATH arguments */
  int nPath;
};

static void run_usage_error(const char *zCommand, const char *zWhat, const char *zArg){
  fprintf(stderr, "mapscope %s: %s%s%s\n", zCommand, zWhat,
          zArg ? ": " : "", zArg ? zArg : "");
}

/* Parse the options of run (bDiff=0) or diff (bDiff=1). Returns 0 or 2. */
static int run_parse_options(int argc, char **argv, int bDiff, RunOptions *pOpt){
  memset(pOpt, 0, sizeof(*pOpt));
  pOpt->zCommand = bDiff ? "diff" : "run";
  pOpt->pBackend = bDiff ? NULL : &backend_sim_ops;
  const char *zC = pOpt->zCommand;
  int i;
  for(i = 1; i < argc && argv[i][0] == '-' && argv[i][1] != 0; i++){
    const char *zOpt = argv[i];
    if( strcmp(zOpt, "--") == 0 ){ i++; break; }
    int bTakesValue = strcmp(zOpt, "--backend") == 0 || strcmp(zOpt, "--against") == 0
      || strcmp(zOpt, "--agent-cmd") == 0 || strcmp(zOpt, "--format") == 0
      || strcmp(zOpt, "--label") == 0 || strcmp(zOpt, "--db") == 0;
    const char *zVal = NULL;
    if( bTakesValue ){
      if( i + 1 >= argc ){
        run_usage_error(zC, "option needs a value", zOpt);
        return 2;
      }
      zVal = argv[++i];
    }
    if( strcmp(zOpt, (bDiff ? "--against" : "--backend")) == 0 ){
      pOpt->pBackend = backend_find(zVal);
      if( pOpt->pBackend == NULL || (bDiff && pOpt->pBackend == &backend_sim_ops) ){
        run_usage_error(zC, bDiff ? "--against takes wine or windows"
                                  : "--backend takes sim, wine or windows", zVal);
        return 2;
      }
    }else if( strcmp(zOpt, "--agent-cmd") == 0 ){
      if( zVal[strspn(zVal, " \t")] == 0 ){
        run_usage_error(zC, "--agent-cmd needs a command", NULL);
        return 2;
      }
      pOpt->zAgentCmd = zVal;
    }else if( strcmp(zOpt, "--format") == 0 ){
      if( strcmp(zVal, "text") == 0 ) pOpt->eFormat = REPORT_TEXT;
      else if( strcmp(zVal, "tap") == 0 ) pOpt->eFormat = REPORT_TAP;
      else if( strcmp(zVal, "junit") == 0 ) pOpt->eFormat = REPORT_JUNIT;
      else{
        run_usage_error(zC, "--format takes text, tap or junit", zVal);
        return 2;
      }
    }else if( strcmp(zOpt, "--label") == 0 ){
      if( pOpt->nLabel >= (int)(sizeof(pOpt->azLabel)/sizeof(pOpt->azLabel[0])) ){
        run_usage_error(zC, "too many --label options (at most 8)", NULL);
        return 2;
      }
      int bBad = zVal[0] == 0;
      for(const unsigned char *z = (const unsigned char *)zVal; *z; z++){
        if( *z <= ' ' || *z == ',' || *z == 0x7f ) bBad = 1;
      }
      if( bBad ){
        run_usage_error(zC, "a label is one word: no blanks, commas or control characters", zVal);
        return 2;
      }
      pOpt->azLabel[pOpt->nLabel++] = zVal;
    }else if( strcmp(zOpt, "--db") == 0 ){
      pOpt->zDb = zVal;
    }else if( strcmp(zOpt, "--no-db") == 0 ){
      pOpt->bNoDb = 1;
    }else if( strcmp(zOpt, "-v") == 0 || strcmp(zOpt, "--verbose") == 0 ){
      pOpt->bVerbose = 1;
    }else{
      run_usage_error(zC, "unknown option", zOpt);
      return 2;
    }
  }
  if( bDiff && pOpt->pBackend == NULL ){
    run_usage_error(zC, "--against wine|windows is required", NULL);
    return 2;
  }
  if( pOpt->pBackend == &backend_windows_ops && pOpt->zAgentCmd == NULL ){
    run_usage_error(zC, "the windows backend needs --agent-cmd \"CMD\"", NULL);
    return 2;
  }
  if( pOpt->zDb && pOpt->bNoDb ){
    run_usage_error(zC, "--db and --no-db contradict each other", NULL);
    return 2;
  }
  if( i >= argc ){
    run_usage_error(zC, "no scenario given (PATH... : files or directories)", NULL);
    return 2;
  }
  pOpt->azPath = &argv[i];
  pOpt->nPath = argc - i;
  return 0;
}

/* ---------------------------------------------------------------- 2 ---- */

/* Host facts of the run's backends, copied (backends own theirs). */
typedef struct RunFacts RunFacts;
struct RunFacts {
  char *zOs, *zWine, *zAgent, *zCaps; /* malloc'd or NULL */
};

static char *run_dup_or_null(const char *z){
  if( z == NULL ) return NULL;
  StrBuf b = {0};
  strbuf_puts(&b, z);
  return strbuf_take(&b);
}

/*
** Ask a backend for its host facts by opening it once on an empty world
** (no users, no shares, no steps: it changes nothing on a host). Returns
** NULL, or why the backend cannot start (malloc'd): it is reported here,
** once, and every scenario then shows it without waiting for the backend
** again (an unresponsive agent would otherwise cost its start timeout per
** scenario).
*/
static char *run_probe_facts(const BackendOps *pOps, const char *zOptions,
                             RunFacts *pFacts){
  /* The language's defaults make the world: the parser owns them. */
  static const char zProbe[] = "title host probe\n";
  Scenario *pEmpty = NULL;
  char zParseErr[256];
  if( scn_parse_text("(host probe)", zProbe, sizeof(zProbe) - 1, &pEmpty,
                     zParseErr, sizeof(zParseErr)) != 0 ){
    fprintf(stderr, "mapscope: %s\n", zParseErr);
    exit(3);
  }
  BackendConn *pConn = NULL;
  char *zErr = NULL;
  if( pOps->xOpen(pEmpty, zOptions, &pConn, &zErr) != 0 ){
    StrBuf b = {0};
    strbuf_puts(&b, zErr ? zErr : "no reason given");
    free(zErr);
    scn_free(pEmpty);
    fprintf(stderr, "mapscope: the %s backend could not start: %s\n", pOps->zName,
            strbuf_text(&b));
    return strbuf_take(&b);
  }
  const HostFacts *pHost = pOps->xHostFacts ? pOps->xHostFacts(pConn) : NULL;
  if( pHost ){
    pFacts->zOs = run_dup_or_null(pHost->zOs);
    pFacts->zWine = run_dup_or_null(pHost->zWineVersion);
    pFacts->zAgent = run_dup_or_null(pHost->zAgentVersion);
    pFacts->zCaps = run_dup_or_null(pHost->zCapabilities);
  }
  pOps->xClose(pConn);
  scn_free(pEmpty);
  return NULL;
}

static void run_facts_clear(RunFacts *p){
  free(p->zOs); free(p->zWine); free(p->zAgent); free(p->zCaps);
  memset(p, 0, sizeof(*p));
}

/* ---------------------------------------------------------------- 3 ---- */

/* The command line as one string, for the store (passwords are never on
** a mapscope command line; --agent-cmd is stored as given). */
static char *run_command_line(int argc, char **argv){
  StrBuf b = {0};
  strbuf_puts(&b, "mapscope");
  for(int i = 0; i < argc; i++) strbuf_printf(&b, " %s", argv[i]);
  return strbuf_take(&b);
}

static int run_main(int argc, char **argv, int bDiff){
  RunOptions opt;
  int rc = run_parse_options(argc, argv, bDiff, &opt);
  if( rc ) return rc;

  ScnFile *aFile = NULL;
  int nFile = 0;
  rc = load_scenarios(opt.zCommand, opt.azPath, opt.nPath, &aFile, &nFile);
  if( rc ) return rc;

  Engine engine;
  memset(&engine, 0, sizeof(engine));
  if( bDiff ){
    engine.nSide = 2;
    engine.apOps[0] = &backend_sim_ops;
    engine.apOps[1] = opt.pBackend;
  }else{
    engine.nSide = 1;
    engine.apOps[0] = opt.pBackend;
  }
  engine.zBackendOptions = opt.zAgentCmd;
  for(int s = 0; s < engine.nSide; s++){
    LabelSet *pSet = &engine.aLabels[s];
    pSet->azLabel[pSet->nLabel++] = engine.apOps[s]->zName;
    for(int l = 0; l < opt.nLabel; l++) pSet->azLabel[pSet->nLabel++] = opt.azLabel[l];
  }

  Store *pStore = NULL;
  const char *zDb = opt.zDb ? opt.zDb : store_default_path();
  char zRunId[37] = {0};
  RunFacts facts;
  memset(&facts, 0, sizeof(facts));
  /* A database that cannot be written stops the command before any
  ** backend starts (issue 9 item 10). */
  char zWhyNot[512];
  if( !opt.bNoDb && store_check_writable(zDb, zWhyNot, (int)sizeof(zWhyNot)) != 0 ){
    fprintf(stderr, "mapscope %s: %s\n", opt.zCommand, zWhyNot);
    load_free(aFile, nFile);
    return 2;
  }
  /* The real backend's facts describe the run; the model's are constant. */
  char *zDown = run_probe_facts(engine.apOps[engine.nSide - 1], opt.zAgentCmd, &facts);
  engine.azDown[engine.nSide - 1] = zDown;

  if( !opt.bNoDb ){
    char zErr[512];
    if( store_open(zDb, &pStore, zErr, (int)sizeof(zErr)) != 0 ){
      fprintf(stderr, "mapscope %s: %s\n", opt.zCommand, zErr);
      run_facts_clear(&facts);
      load_free(aFile, nFile);
      free(zDown);
      return 2;
    }
    StrBuf backends = {0}, labels = {0};
    for(int s = 0; s < engine.nSide; s++){
      strbuf_printf(&backends, "%s%s", s ? "," : "", engine.apOps[s]->zName);
    }
    for(int l = 0; l < opt.nLabel; l++){
      strbuf_printf(&labels, "%s%s", l ? "," : "", opt.azLabel[l]);
    }
    char *zCmdLine = run_command_line(argc, argv);
    StoreRunInfo info;
    memset(&info, 0, sizeof(info));
    info.zKind = opt.zCommand;
    info.zBackends = strbuf_text(&backends);
    info.zLabels = opt.nLabel ? strbuf_text(&labels) : NULL;
    info.zCommandLine = zCmdLine;
    info.zMapscopeVersion = MAPSCOPE_VERSION;
    info.zHostOs = facts.zOs;
    info.zWineVersion = facts.zWine;
    info.zAgentVersion = facts.zAgent;
    info.zCapabilities = facts.zCaps;
    if( store_run_begin(pStore, &info, zRunId) != 0 ){
      fprintf(stderr, "mapscope %s: results store: %s\n", opt.zCommand,
              store_errmsg(pStore));
      store_close(pStore);
      pStore = NULL;
      rc = 1;
    }
    free(zCmdLine);
    strbuf_reset(&backends);
    strbuf_reset(&labels);
  }
  run_facts_clear(&facts);
  engine.pStore = pStore;

  engine.pReporter = reporter_new(opt.eFormat, stdout, engine.nSide,
                                  engine.apOps, opt.bVerbose);
  if( engine.pReporter == NULL ){ fputs("mapscope: out of memory\n", stderr); exit(3); }
  engine.pReporter->xBegin(engine.pReporter, nFile);
  for(int i = 0; i < nFile; i++){
    engine_run_scenario(&engine, aFile[i].pScn, aFile[i].zContent, aFile[i].nContent);
  }
  engine.pReporter->xEnd(engine.pReporter, &engine.totals);
  reporter_free(engine.pReporter);
  for(int s = 0; s < engine.nSide; s++){
    if( engine.apOps[s]->xShutdown ) engine.apOps[s]->xShutdown(opt.zAgentCmd);
  }

  int nPassed, nFailed, nSkipped;
  totals_tally(&engine.totals, &nPassed, &nFailed, &nSkipped);
  /* Machine-readable formats keep standard output for the report. */
  FILE *pSummary = opt.eFormat == REPORT_TEXT ? stdout : stderr;
  if( pStore ){
    /* A run with a scenario the store could not take stays marked
    ** incomplete: it is not the whole run. */
    if( engine.bStoreFailed || store_run_end(pStore, nPassed, nFailed, nSkipped) != 0 ){
      fprintf(stderr, "mapscope %s: results store: the run was not stored whole "
              "(%s); it stays marked incomplete\n", opt.zCommand, store_errmsg(pStore));
      rc = 1;
    }else{
      fprintf(pSummary, "results: stored in %s as run %s\n", zDb, zRunId);
    }
    store_close(pStore);
  }
  fprintf(pSummary, "%d passed, %d failed, %d skipped\n", nPassed, nFailed, nSkipped);
  load_free(aFile, nFile);
  free(zDown);
  if( nFailed > 0 ) rc = 1;
  return rc;
}

/* ---------------------------------------------------------------- 4 ---- */

int cmd_run(int argc, char **argv){
  return run_main(argc, argv, 0);
}

int cmd_diff(int argc, char **argv){
  return run_main(argc, argv, 1);
}
