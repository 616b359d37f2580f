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
  char *zEvents;                      /* host events of the probe, or NULL */
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
    pFacts->zEvents = run_dup_or_null(pHost->zEvents);
  }
  pOps->xClose(pConn);
  scn_free(pEmpty);
  return NULL;
}

static void run_facts_clear(RunFacts *p){
  free(p->zOs); free(p->zWine); free(p->zAgent); free(p->zCaps);
  free(p->zEvents);
  memset(p, 0, sizeof(*p));
}

/*
** The labels of each side (docs/evidence.md, Labels): its backend name,
** then each --label: `BACKEND:LABEL` labels that backend only, a bare
** LABEL the backend under test (run: --backend; diff: --against), never
** the model. A prefix naming no backend of the command is a usage error
** (returns 2). The strings stay owned by argv.
*/
static int run_label_sets(Engine *pEngine, const RunOptions *pOpt){
  for(int s = 0; s < pEngine->nSide; s++){
    labelset_add(&pEngine->aLabels[s], pEngine->apOps[s]->zName);
  }
  for(int l = 0; l < pOpt->nLabel; l++){
    const char *zArg = pOpt->azLabel[l];
    const char *zColon = strchr(zArg, ':');
    int iSide = pEngine->nSide - 1;
    const char *zLabel = zArg;
    if( zColon ){
      size_t n = (size_t)(zColon - zArg);
      zLabel = zColon + 1;
      iSide = -1;
      for(int s = 0; s < pEngine->nSide; s++){
        if( strlen(pEngine->apOps[s]->zName) == n
         && strncasecmp(pEngine->apOps[s]->zName, zArg, n) == 0 ) iSide = s;
      }
      if( iSide < 0 || zLabel[0] == 0 || strchr(zLabel, ':') ){
        run_usage_error(pOpt->zCommand, iSide < 0
          ? "--label BACKEND:LABEL names a backend this command does not run"
          : "--label BACKEND:LABEL needs one label after the colon", zArg);
        return 2;
      }
    }
    if( labelset_add(&pEngine->aLabels[iSide], zLabel) ){
      run_usage_error(pOpt->zCommand, "too many labels for one backend", zArg);
      return 2;
    }
  }
  return 0;
}

/*
** The label a Wine version carries: "wine" and its major number ("8.0.2"
** gives "wine8") in zBuf, or "" when zWine does not start with a number.
*/
static void run_wine_label(const char *zWine, char *zBuf, size_t nBuf){
  zBuf[0] = 0;
  if( zWine == NULL ) return;
  if( strncasecmp(zWine, "wine-", 5) == 0 ) zWine += 5;
  size_t n = strspn(zWine, "0123456789");
  if( n == 0 || n > 6 ) return;
  snprintf(zBuf, nBuf, "wine%.*s", (int)n, zWine);
}

/* Every extra label of every side, "backend:label" comma-separated, for
** StoreRunInfo.zLabels (NULL when there is none). Malloc'd. */
static char *run_labels_text(const Engine *pEngine){
  StrBuf b = {0};
  int n = 0;
  for(int s = 0; s < pEngine->nSide; s++){
    const LabelSet *pSet = &pEngine->aLabels[s];
    for(int l = 0; l < pSet->nLabel; l++){
      if( strcasecmp(pSet->azLabel[l], pEngine->apOps[s]->zName) == 0 ) continue;
      strbuf_printf(&b, "%s%s:%s", n++ ? "," : "", pEngine->apOps[s]->zName,
                    pSet->azLabel[l]);
    }
  }
  if( n == 0 ){ strbuf_reset(&b); return NULL; }
  return strbuf_take(&b);
}

/*
** Say once, before anything runs, what the host under test lacks that the
** scenarios need (a SYSTEM token, shares, a split token, logons of the
** world's accounts), how many scenarios need each, and the host's facts
** and events. Their steps will be unsupported: this is why.
*/
static void run_report_host(FILE *pOut, const char *zCommand, const char *zBackend,
                            unsigned mLack, const RunFacts *pFacts,
                            const ScnFile *aFile, int nFile){
  static const unsigned aNeed[] = {
    EV_LACK_LOGON_USER, EV_LACK_SYSTEM, EV_LACK_SPLIT_TOKEN, EV_LACK_SHARES
  };
  int bAny = 0;
  for(size_t k = 0; k < sizeof(aNeed)/sizeof(aNeed[0]); k++){
    if( !(mLack & aNeed[k]) ) continue;
    int nNeed = 0;
    const char *zFirst = NULL;
    for(int i = 0; i < nFile; i++){
      if( ev_scenario_needs(aFile[i].pScn) & aNeed[k] ){
        if( nNeed++ == 0 ) zFirst = aFile[i].pScn->zFile;
      }
    }
    if( nNeed == 0 ) continue;
    if( !bAny ){
      fprintf(pOut, "mapscope %s: the %s host lacks what some scenarios need; "
              "their steps that need it are unsupported:\n", zCommand, zBackend);
      bAny = 1;
    }
    fprintf(pOut, "  %s%s (%s): %d scenario%s, e.g. %s\n",
            aNeed[k] == EV_LACK_SPLIT_TOKEN ? "" : "no ", ev_lack_word(aNeed[k]),
            ev_lack_meaning(aNeed[k]), nNeed, nNeed == 1 ? "" : "s", zFirst);
  }
  if( !bAny && (pFacts->zEvents == NULL || pFacts->zEvents[0] == 0) ) return;
  if( !bAny ) fprintf(pOut, "mapscope %s: the %s host:\n", zCommand, zBackend);
  fprintf(pOut, "  host facts: os=%s; wine=%s; agent=%s; caps=%s\n",
          pFacts->zOs ? pFacts->zOs : "-", pFacts->zWine ? pFacts->zWine : "-",
          pFacts->zAgent ? pFacts->zAgent : "-", pFacts->zCaps ? pFacts->zCaps : "-");
  for(const char *z = pFacts->zEvents; z && *z; ){
    size_t n = strcspn(z, "\n");
    if( n ) fprintf(pOut, "  host event: %.*s\n", (int)n, z);
    z += n + (z[n] == '\n');
  }
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
  rc = run_label_sets(&engine, &opt);
  if( rc ){
    load_free(aFile, nFile);
    return rc;
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
  int iReal = engine.nSide - 1;
  char *zDown = run_probe_facts(engine.apOps[iReal], opt.zAgentCmd, &facts);
  if( zDown ){
    /* Nothing can run: stop now, store nothing (the reason, with what the
    ** agent said on its way out, is printed above). */
    run_facts_clear(&facts);
    load_free(aFile, nFile);
    free(zDown);
    return 2;
  }
  /* A host on Wine (the wine backend, or an agent run under Wine through
  ** --agent-cmd) answers to its version too: todo wine9, onlyif wine8. */
  char zWineLabel[16];
  run_wine_label(facts.zWine, zWineLabel, sizeof(zWineLabel));
  if( zWineLabel[0] ) labelset_add(&engine.aLabels[iReal], zWineLabel);
  engine.amLack[iReal] = ev_host_lacks(facts.zCaps, facts.zWine != NULL);
  run_report_host(opt.eFormat == REPORT_TEXT ? stdout : stderr, opt.zCommand,
                  engine.apOps[iReal]->zName, engine.amLack[iReal], &facts,
                  aFile, nFile);

  if( !opt.bNoDb ){
    char zErr[512];
    if( store_open(zDb, &pStore, zErr, (int)sizeof(zErr)) != 0 ){
      fprintf(stderr, "mapscope %s: %s\n", opt.zCommand, zErr);
      run_facts_clear(&facts);
      load_free(aFile, nFile);
      return 2;
    }
    StrBuf backends = {0};
    for(int s = 0; s < engine.nSide; s++){
      strbuf_printf(&backends, "%s%s", s ? "," : "", engine.apOps[s]->zName);
    }
    char *zLabels = run_labels_text(&engine);
    char *zCmdLine = run_command_line(argc, argv);
    StoreRunInfo info;
    memset(&info, 0, sizeof(info));
    info.zKind = opt.zCommand;
    info.zBackends = strbuf_text(&backends);
    info.zLabels = zLabels;
    info.zCommandLine = zCmdLine;
    info.zMapscopeVersion = MAPSCOPE_VERSION;
    info.zHostOs = facts.zOs;
    info.zWineVersion = facts.zWine;
    info.zAgentVersion = facts.zAgent;
    info.zCapabilities = facts.zCaps;
    int rcBegin = store_run_begin(pStore, &info, zRunId);
    /* The probe's host events belong to the run, not to a scenario. */
    for(const char *z = facts.zEvents; rcBegin == 0 && z && *z; ){
      size_t n = strcspn(z, "\n");
      if( n ){
        StrBuf ev = {0};
        strbuf_printf(&ev, "%.*s", (int)n, z);
        rcBegin = store_event(pStore, engine.apOps[iReal]->zName, strbuf_text(&ev));
        strbuf_reset(&ev);
      }
      z += n + (z[n] == '\n');
    }
    if( rcBegin != 0 ){
      fprintf(stderr, "mapscope %s: results store: %s\n", opt.zCommand,
              store_errmsg(pStore));
      store_close(pStore);
      pStore = NULL;
      rc = 1;
    }
    free(zCmdLine);
    free(zLabels);
    strbuf_reset(&backends);
  }
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
  run_facts_clear(&facts);
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
