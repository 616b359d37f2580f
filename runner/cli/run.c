/*
** runner/cli/run.c: `mapscope run` and `mapscope diff`.
**
**   mapscope run  [--backend sim|wine|windows] [options] PATH...
**   mapscope diff --against wine|windows [options] PATH...
**
** Both read every scenario first: one malformed file stops everything
** with FILE:LINE: message and exit status 2, before any backend runs or
** anything is stored. Then the selection (--filter, --tag) is applied;
** --list prints it and stops. Then each scenario runs (run: on one
** backend; diff: on the model and the other backend, step by step), the
** report goes to standard output, the run to the results database, and
** the closing line "N passed, N failed, N skipped" ends the output.
**
** With -j N the scenarios run in N worker processes (each Wine worker in
** its own WINEPREFIX). A worker records what its backends answered, call
** by call (a "tape"); the parent replays each tape, in input order,
** through the same engine, so verdicts, reports and the stored run are
** those of a serial run; only the step durations are the replay's.
**
** Record mode (run only): --override rewrites the expected blocks from
** the backend's output, --complete only adds missing ones (record.c).
**
** Contents: 1. options  2. selection  3. host facts  4. tapes (-j)
**           5. the shared driver  6. entry points
*/
#define _DEFAULT_SOURCE 1     /* MAP_ANONYMOUS, beside _POSIX_C_SOURCE */
#include <errno.h>
#include <fnmatch.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner/cli/commands.h"
#include "runner/cli/options.h"
#include "runner/cli/record.h"
#include "runner/engine/engine.h"
#include "runner/engine/load.h"
#include "runner/report/report.h"
#include "runner/util/strbuf.h"
#include "runner/util/termsafe.h"

/* ---------------------------------------------------------------- 1 ---- */

#define RUN_MAX_TAG   16
#define RUN_MAX_LABEL 8
#define RUN_MAX_JOB   64

typedef struct RunOptions RunOptions;
struct RunOptions {
  const char *zCommand;        /* "run" or "diff", for messages */
  const BackendOps *pBackend;  /* run: the backend; diff: the other one */
  const char *zAgentCmd;       /* --agent-cmd */
  ReportFormat eFormat;        /* --format */
  const char *azLabel[RUN_MAX_LABEL]; /* --label values */
  int nLabel;
  const char *zDb;             /* --db, or NULL for the default */
  int bNoDb;                   /* --no-db */
  int bVerbose;                /* -v */
  OptColor eColor;             /* --color */
  const char *zFilter;         /* --filter GLOB */
  const char *azTag[RUN_MAX_TAG]; /* --tag values ("!T" excludes) */
  int nTag;
  int bList;                   /* --list */
  int nJob;                    /* -j N (1: serial) */
  int bExitFirst;              /* -x */
  RecordMode eRecord;          /* --override, --complete */
  int bDryRun;                 /* --dry-run */
  char **azPath;               /* the PATH arguments */
  int nPath;
};

static const char zRunHelp[] =
  "usage: mapscope run [options] PATH...\n"
  "\n"
  "Run scenarios (.scn files, or directories of them) on one backend and\n"
  "check every step's output against its expected block.\n"
  "\n"
  "  -b, --backend=NAME    sim (the model, default), wine, or windows\n"
  "      --agent-cmd=CMD   how to start the agent (windows: required)\n"
  "  -f, --format=FMT      text (default), tap (TAP 13) or junit (XML)\n"
  "      --filter=GLOB     only scenarios whose path or title matches GLOB\n"
  "                        (a GLOB without * ? [ matches as a substring)\n"
  "  -t, --tag=T           only scenarios tagged T (repeatable: any of them);\n"
  "                        --tag='!T' leaves out those tagged T\n"
  "      --list            print the selected scenarios and stop\n"
  "  -j, --jobs=N          run N scenarios at a time (worker processes; each\n"
  "                        Wine worker gets its own prefix); the report and\n"
  "                        the stored run are those of a serial run\n"
  "  -x, --exitfirst       stop after the first scenario that fails\n"
  "      --override        rewrite the expected blocks from the backend's\n"
  "                        output (steps with a todo for it are left alone)\n"
  "      --complete        only add the expected blocks that are missing\n"
  "      --dry-run         with --override/--complete: show the changes as a\n"
  "                        unified diff, write nothing\n"
  "  -l, --label=L         an extra label for onlyif/skipif/todo (repeatable)\n"
  "      --db=FILE         the results database (default: mapscope-results.db\n"
  "                        or $MAPSCOPE_DB)\n"
  "      --no-db           store nothing\n"
  "  -v, --verbose         list every step, not only the ones that fail\n"
  "      --color=WHEN      never, auto (default: on a terminal, unless\n"
  "                        NO_COLOR is set) or always\n"
  "      --help            this text\n"
  "\n"
  "Counting: each step on each backend counts once: passed (pass, todo),\n"
  "failed (fail, fixed, error) or skipped (skip, unsupported, and unchecked:\n"
  "no expected block to compare with).\n"
  "Exit status: 0 all passed, 1 a step failed, 2 bad usage or input.\n";

static const char zDiffHelp[] =
  "usage: mapscope diff --against=wine|windows [options] PATH...\n"
  "\n"
  "Run each scenario on the model and on another backend, step by step, and\n"
  "compare them (a step without an expected block is checked against the\n"
  "model's output).\n"
  "\n"
  "  -a, --against=NAME    wine or windows (required)\n"
  "      --agent-cmd=CMD   how to start the agent (windows: required)\n"
  "  -f, --format=FMT      text (default), tap or junit\n"
  "      --filter=GLOB     only scenarios whose path or title matches GLOB\n"
  "  -t, --tag=T           only scenarios tagged T; '!T' leaves them out\n"
  "      --list            print the selected scenarios and stop\n"
  "  -j, --jobs=N          N scenarios at a time (see mapscope run --help)\n"
  "  -x, --exitfirst       stop after the first scenario that fails\n"
  "  -l, --label=L         an extra label (repeatable)\n"
  "      --db=FILE, --no-db, -v, --color=WHEN   as for run\n"
  "      --help            this text\n"
  "\n"
  "Exit status: 0 all passed, 1 a step failed, 2 bad usage or input.\n";

enum {
  RUN_OPT_AGENT_CMD = OPT_LONG_BASE, RUN_OPT_DB, RUN_OPT_NO_DB, RUN_OPT_COLOR,
  RUN_OPT_FILTER, RUN_OPT_LIST, RUN_OPT_OVERRIDE, RUN_OPT_COMPLETE,
  RUN_OPT_DRY_RUN
};

static const struct option aRunLong[] = {
  { "backend",   required_argument, NULL, 'b' },
  { "against",   required_argument, NULL, 'a' },
  { "agent-cmd", required_argument, NULL, RUN_OPT_AGENT_CMD },
  { "format",    required_argument, NULL, 'f' },
  { "label",     required_argument, NULL, 'l' },
  { "db",        required_argument, NULL, RUN_OPT_DB },
  { "no-db",     no_argument,       NULL, RUN_OPT_NO_DB },
  { "verbose",   no_argument,       NULL, 'v' },
  { "color",     required_argument, NULL, RUN_OPT_COLOR },
  { "colour",    required_argument, NULL, RUN_OPT_COLOR },
  { "filter",    required_argument, NULL, RUN_OPT_FILTER },
  { "tag",       required_argument, NULL, 't' },
  { "list",      no_argument,       NULL, RUN_OPT_LIST },
  { "jobs",      required_argument, NULL, 'j' },
  { "exitfirst", no_argument,       NULL, 'x' },
  { "override",  no_argument,       NULL, RUN_OPT_OVERRIDE },
  { "complete",  no_argument,       NULL, RUN_OPT_COMPLETE },
  { "dry-run",   no_argument,       NULL, RUN_OPT_DRY_RUN },
  { NULL, 0, NULL, 0 }
};

/* Parse the options of run (bDiff=0) or diff (bDiff=1). Returns -1 to go
** on, or the exit status (0 after --help, 2 on bad usage). */
static int run_parse_options(int argc, char **argv, int bDiff, RunOptions *pOpt){
  memset(pOpt, 0, sizeof(*pOpt));
  pOpt->zCommand = bDiff ? "diff" : "run";
  pOpt->pBackend = bDiff ? NULL : &backend_sim_ops;
  pOpt->nJob = 1;
  OptParser op;
  opt_init(&op, pOpt->zCommand, bDiff ? zDiffHelp : zRunHelp, argc, argv,
           bDiff ? "a:f:l:vt:j:x" : "b:f:l:vt:j:x", aRunLong);
  int c, i;
  static const char *const azFormat[] = { "text", "tap", "junit" };
  static const char *const azColor[] = { "auto", "never", "always" };
  while( (c = opt_next(&op)) != OPT_END ){
    switch( c ){
      case OPT_STOP:
        return op.rc;
      case 'b':
      case 'a':
        if( (c == 'a') != bDiff ){
          opt_done(&op);
          return opt_usage(&op, "%s is an option of mapscope %s", op.zOpt,
                           bDiff ? "run" : "diff");
        }
        pOpt->pBackend = backend_find(op.zArg);
        if( pOpt->pBackend == NULL || (bDiff && pOpt->pBackend == &backend_sim_ops) ){
          opt_done(&op);
          return opt_usage(&op, bDiff ? "--against takes wine or windows, not '%s'"
                                      : "--backend takes sim, wine or windows, not '%s'",
                           op.zArg);
        }
        break;
      case RUN_OPT_AGENT_CMD:
        if( op.zArg[strspn(op.zArg, " \t")] == 0 ){
          opt_done(&op);
          return opt_usage(&op, "--agent-cmd needs a command");
        }
        pOpt->zAgentCmd = op.zArg;
        break;
      case 'f':
        if( opt_word(&op, azFormat, 3, &i) ){ opt_done(&op); return 2; }
        pOpt->eFormat = i == 0 ? REPORT_TEXT : i == 1 ? REPORT_TAP : REPORT_JUNIT;
        break;
      case 'l': {
        if( pOpt->nLabel >= RUN_MAX_LABEL ){
          opt_done(&op);
          return opt_usage(&op, "too many --label options (at most %d)", RUN_MAX_LABEL);
        }
        int bBad = op.zArg[0] == 0;
        for(const unsigned char *z = (const unsigned char *)op.zArg; *z; z++){
          if( *z <= ' ' || *z == ',' || *z == 0x7f ) bBad = 1;
        }
        if( bBad ){
          opt_done(&op);
          return opt_usage(&op, "a label is one word: no blanks, commas or "
                           "control characters: '%s'", op.zArg);
        }
        pOpt->azLabel[pOpt->nLabel++] = op.zArg;
        break;
      }
      case RUN_OPT_DB:      pOpt->zDb = op.zArg; break;
      case RUN_OPT_NO_DB:   pOpt->bNoDb = 1; break;
      case 'v':             pOpt->bVerbose = 1; break;
      case RUN_OPT_COLOR:
        if( opt_word(&op, azColor, 3, &i) ){ opt_done(&op); return 2; }
        pOpt->eColor = (OptColor)i;
        break;
      case RUN_OPT_FILTER:  pOpt->zFilter = op.zArg; break;
      case 't':
        if( pOpt->nTag >= RUN_MAX_TAG ){
          opt_done(&op);
          return opt_usage(&op, "too many --tag options (at most %d)", RUN_MAX_TAG);
        }
        if( op.zArg[0] == 0 || (op.zArg[0] == '!' && op.zArg[1] == 0) ){
          opt_done(&op);
          return opt_usage(&op, "--tag needs a tag name");
        }
        pOpt->azTag[pOpt->nTag++] = op.zArg;
        break;
      case RUN_OPT_LIST:    pOpt->bList = 1; break;
      case 'j':
        if( opt_int(&op, 1, RUN_MAX_JOB, &pOpt->nJob) ){ opt_done(&op); return 2; }
        break;
      case 'x':             pOpt->bExitFirst = 1; break;
      case RUN_OPT_OVERRIDE:
      case RUN_OPT_COMPLETE:
        if( bDiff ){
          opt_done(&op);
          return opt_usage(&op, "%s records one backend's output: use it with "
                           "mapscope run", op.zOpt);
        }
        pOpt->eRecord = c == RUN_OPT_OVERRIDE ? RECORD_OVERRIDE : RECORD_COMPLETE;
        break;
      case RUN_OPT_DRY_RUN: pOpt->bDryRun = 1; break;
      default:
        opt_done(&op);
        return opt_usage(&op, "unexpected option");
    }
  }
  const char *zC = pOpt->zCommand;
  if( bDiff && pOpt->pBackend == NULL ){
    return opt_usage_cmd(zC, "--against wine|windows is required");
  }
  if( pOpt->pBackend == &backend_windows_ops && pOpt->zAgentCmd == NULL ){
    return opt_usage_cmd(zC, "the windows backend needs --agent-cmd \"CMD\"");
  }
  if( pOpt->zDb && pOpt->bNoDb ){
    return opt_usage_cmd(zC, "--db and --no-db contradict each other");
  }
  if( pOpt->bDryRun && pOpt->eRecord == RECORD_NONE ){
    return opt_usage_cmd(zC, "--dry-run goes with --override or --complete");
  }
  if( op.iFirst >= argc ){
    return opt_usage_cmd(zC, "no scenario given (PATH... : files or directories)");
  }
  pOpt->azPath = &argv[op.iFirst];
  pOpt->nPath = argc - op.iFirst;
  return -1;
}

/* ---------------------------------------------------------------- 2 ---- */

/* A usage error found after parsing: "mapscope CMD: WHAT: ARG" and the hint. */
static void run_usage_error(const char *zCommand, const char *zWhat, const char *zArg){
  if( zArg ) opt_usage_cmd(zCommand, "%s: %s", zWhat, zArg);
  else opt_usage_cmd(zCommand, "%s", zWhat);
}

/* Does zGlob match zText? A glob without wildcards matches a substring. */
static int run_glob_match(const char *zGlob, const char *zText){
  if( zText == NULL ) return 0;
  if( strpbrk(zGlob, "*?[") == NULL ) return strstr(zText, zGlob) != NULL;
  return fnmatch(zGlob, zText, 0) == 0;
}

static int run_has_tag(const Scenario *pScn, const char *zTag){
  for(int i = 0; i < pScn->nTag; i++){
    if( strcasecmp(pScn->azTag[i], zTag) == 0 ) return 1;
  }
  return 0;
}

/* Is the scenario selected by --filter and --tag? A scenario is selected
** when it matches the filter (path or title), has at least one of the
** --tag T tags (if any is given) and none of the --tag !T ones. */
static int run_selected(const RunOptions *pOpt, const Scenario *pScn){
  if( pOpt->zFilter && !run_glob_match(pOpt->zFilter, pScn->zFile)
   && !run_glob_match(pOpt->zFilter, pScn->zTitle) ){
    return 0;
  }
  int bWant = 0, bAny = 0;
  for(int i = 0; i < pOpt->nTag; i++){
    const char *zTag = pOpt->azTag[i];
    if( zTag[0] == '!' ){
      if( run_has_tag(pScn, zTag + 1) ) return 0;
    }else{
      bWant = 1;
      if( run_has_tag(pScn, zTag) ) bAny = 1;
    }
  }
  return !bWant || bAny;
}

/* Keep the selected files (in order), free the rest. */
static void run_select(const RunOptions *pOpt, ScnFile *aFile, int *pnFile){
  int n = 0;
  for(int i = 0; i < *pnFile; i++){
    if( run_selected(pOpt, aFile[i].pScn) ){
      aFile[n++] = aFile[i];
    }else{
      load_free_one(&aFile[i]);
    }
  }
  *pnFile = n;
}

/* ---------------------------------------------------------------- 3 ---- */

/* Host facts of the run's backends, copied (backends own theirs). */
typedef struct RunFacts RunFacts;
struct RunFacts {
  char *zOs, *zWine, *zAgent, *zCaps; /* malloc'd or NULL */
  char *zEvents;                      /* host events of the probe, or NULL */
  char *zFacts;                       /* every host fact, `key value` lines */
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
    pFacts->zFacts = run_dup_or_null(pHost->zFacts);
  }
  pOps->xClose(pConn);
  scn_free(pEmpty);
  return NULL;
}

static void run_facts_clear(RunFacts *p){
  free(p->zOs); free(p->zWine); free(p->zAgent); free(p->zCaps);
  free(p->zEvents); free(p->zFacts);
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
  for(const char *z = pFacts->zFacts; z && *z; ){
    size_t n = strcspn(z, "\n");
    if( n ) fprintf(pOut, "  host fact: %.*s\n", (int)n, z);
    z += n + (z[n] == '\n');
  }
  for(const char *z = pFacts->zEvents; z && *z; ){
    size_t n = strcspn(z, "\n");
    if( n ) fprintf(pOut, "  host event: %.*s\n", (int)n, z);
    z += n + (z[n] == '\n');
  }
}

/* ---------------------------------------------------------------- 3 ---- */

/* ---------------------------------------------------------------- 4 ---- */

/*
** A tape: every answer the backends gave while one scenario ran, in call
** order. A worker records it with tape_* ops wrapped around the real
** backends; the parent replays it with replay_* ops, through the same
** engine, which then makes the same calls in the same order (the calls
** depend only on the scenario, the labels and the answers).
**
** Entries: 'O' side rc [error]      xOpen
**          'F' side bFacts [os] [wine] [agent] [caps] [events] [facts]
**                                                              xHostFacts
**          'S' side rc outcome bAck [output] [reason]   xStep
** (Every StepResult and HostFacts field is on the tape: a field added to
** either must be added here too, or -j runs would lose it.)
** Strings are a length (-1 for NULL) and bytes; numbers are int32.
*/
typedef struct RunTape RunTape;
struct RunTape {
  const BackendOps *apReal[ENGINE_MAX_SIDES]; /* recording: the real backends */
  StrBuf rec;                  /* recording: the tape so far */
  char *zPlay;                 /* replaying: the tape */
  size_t nPlay, iPlay;         /* its size and the read position */
};
static RunTape runTape;        /* one per process: the ops have no context */

/* An instance while recording or replaying: which side, and the real one. */
struct BackendConn {
  int iSide;                   /* 0 or 1 */
  BackendConn *pReal;          /* recording: the real instance */
  HostFacts facts;             /* replaying: the recorded host facts */
  char *azFact[6];             /* replaying: their strings (owned) */
  int bFacts;                  /* replaying: facts were recorded */
};

static void tape_put_int(int v){
  int32_t x = v;
  strbuf_append(&runTape.rec, (const char *)&x, sizeof(x));
}
static void tape_put_str(const char *z){
  tape_put_int(z ? (int)strlen(z) : -1);
  if( z ) strbuf_append(&runTape.rec, z, strlen(z));
}
static int tape_get_int(int *pv){
  int32_t x;
  if( runTape.iPlay + sizeof(x) > runTape.nPlay ) return 1;
  memcpy(&x, runTape.zPlay + runTape.iPlay, sizeof(x));
  runTape.iPlay += sizeof(x);
  *pv = x;
  return 0;
}
static int tape_get_str(char **pz){
  int n;
  *pz = NULL;
  if( tape_get_int(&n) ) return 1;
  if( n < 0 ) return 0;
  if( runTape.iPlay + (size_t)n > runTape.nPlay ) return 1;
  StrBuf b = {0};
  strbuf_append(&b, runTape.zPlay + runTape.iPlay, (size_t)n);
  runTape.iPlay += (size_t)n;
  *pz = strbuf_take(&b);
  return 0;
}

static BackendConn *tape_conn(int iSide, BackendConn *pReal){
  BackendConn *p = calloc(1, sizeof(*p));
  if( p == NULL ){ fputs("mapscope: out of memory\n", stderr); exit(3); }
  p->iSide = iSide;
  p->pReal = pReal;
  return p;
}

static int tape_open(int iSide, const Scenario *pScn, const char *zOptions,
                     BackendConn **ppConn, char **pzErr){
  BackendConn *pReal = NULL;
  int rc = runTape.apReal[iSide]->xOpen(pScn, zOptions, &pReal, pzErr);
  strbuf_append(&runTape.rec, "O", 1);
  tape_put_int(iSide);
  tape_put_int(rc);
  tape_put_str(rc ? *pzErr : NULL);
  if( rc ) return rc;
  *ppConn = tape_conn(iSide, pReal);
  return 0;
}
static int tape_open0(const Scenario *pScn, const char *zOptions,
                      BackendConn **ppConn, char **pzErr){
  return tape_open(0, pScn, zOptions, ppConn, pzErr);
}
static int tape_open1(const Scenario *pScn, const char *zOptions,
                      BackendConn **ppConn, char **pzErr){
  return tape_open(1, pScn, zOptions, ppConn, pzErr);
}

static int tape_step(BackendConn *pConn, const ScnStep *pStep, StepResult *pRes){
  int rc = runTape.apReal[pConn->iSide]->xStep(pConn->pReal, pStep, pRes);
  strbuf_append(&runTape.rec, "S", 1);
  tape_put_int(pConn->iSide);
  tape_put_int(rc);
  tape_put_int((int)pRes->eOutcome);
  tape_put_int(pRes->bAck);
  tape_put_str(pRes->zOutput);
  tape_put_str(pRes->zReason);
  return rc;
}

static const HostFacts *tape_host_facts(BackendConn *pConn){
  const BackendOps *pReal = runTape.apReal[pConn->iSide];
  const HostFacts *pF = pReal->xHostFacts ? pReal->xHostFacts(pConn->pReal) : NULL;
  strbuf_append(&runTape.rec, "F", 1);
  tape_put_int(pConn->iSide);
  tape_put_int(pF != NULL);
  if( pF ){
    tape_put_str(pF->zOs);
    tape_put_str(pF->zWineVersion);
    tape_put_str(pF->zAgentVersion);
    tape_put_str(pF->zCapabilities);
    tape_put_str(pF->zEvents);
    tape_put_str(pF->zFacts);
  }
  return pF;
}

static void tape_close(BackendConn *pConn){
  runTape.apReal[pConn->iSide]->xClose(pConn->pReal);
  free(pConn);
}

/* Read the next entry's kind and side; 1 if it is not (cKind, iSide). */
static int replay_expect(char cKind, int iSide){
  int iGot;
  if( runTape.iPlay >= runTape.nPlay || runTape.zPlay[runTape.iPlay] != cKind ) return 1;
  runTape.iPlay++;
  if( tape_get_int(&iGot) || iGot != iSide ) return 1;
  return 0;
}

static char *replay_dup(const char *z){
  StrBuf b = {0};
  strbuf_puts(&b, z);
  return strbuf_take(&b);
}

static int replay_open(int iSide, const Scenario *pScn, const char *zOptions,
                       BackendConn **ppConn, char **pzErr){
  int rc;
  char *zErr = NULL;
  (void)pScn; (void)zOptions;
  if( replay_expect('O', iSide) || tape_get_int(&rc) || tape_get_str(&zErr) ){
    free(zErr);
    *pzErr = replay_dup("mapscope -j: a worker's record does not match the scenario");
    return 1;
  }
  if( rc ){
    *pzErr = zErr ? zErr : replay_dup("could not start the backend");
    return rc;
  }
  free(zErr);
  *ppConn = tape_conn(iSide, NULL);
  return 0;
}
static int replay_open0(const Scenario *pScn, const char *zOptions,
                        BackendConn **ppConn, char **pzErr){
  return replay_open(0, pScn, zOptions, ppConn, pzErr);
}
static int replay_open1(const Scenario *pScn, const char *zOptions,
                        BackendConn **ppConn, char **pzErr){
  return replay_open(1, pScn, zOptions, ppConn, pzErr);
}

static int replay_step(BackendConn *pConn, const ScnStep *pStep, StepResult *pRes){
  int rc, eOutcome;
  (void)pStep;
  memset(pRes, 0, sizeof(*pRes));
  if( replay_expect('S', pConn->iSide) || tape_get_int(&rc) || tape_get_int(&eOutcome)
   || tape_get_int(&pRes->bAck)
   || tape_get_str(&pRes->zOutput) || tape_get_str(&pRes->zReason) ){
    step_result_clear(pRes);
    pRes->eOutcome = BACKEND_ERROR;
    pRes->zReason = replay_dup("mapscope -j: a worker's record does not match the scenario");
    return 1;
  }
  pRes->eOutcome = (BackendOutcome)eOutcome;
  return rc;
}

static const HostFacts *replay_host_facts(BackendConn *pConn){
  int bFacts = 0;
  if( replay_expect('F', pConn->iSide) || tape_get_int(&bFacts) ) return NULL;
  if( !bFacts ) return NULL;
  for(int k = 0; k < 6; k++){
    free(pConn->azFact[k]);
    if( tape_get_str(&pConn->azFact[k]) ) return NULL;
  }
  pConn->facts.zOs = pConn->azFact[0];
  pConn->facts.zWineVersion = pConn->azFact[1];
  pConn->facts.zAgentVersion = pConn->azFact[2];
  pConn->facts.zCapabilities = pConn->azFact[3];
  pConn->facts.zEvents = pConn->azFact[4];
  pConn->facts.zFacts = pConn->azFact[5];
  return &pConn->facts;
}

static void replay_close(BackendConn *pConn){
  for(int k = 0; k < 6; k++) free(pConn->azFact[k]);
  free(pConn);
}

/* The recording (bReplay=0) or replaying ops standing in for side s.
** Only what the engine calls while running is filled in; every other
** optional operation stays NULL, the same in both. */
static void run_tape_ops(BackendOps *pOps, const BackendOps *pReal, int s, int bReplay){
  memset(pOps, 0, sizeof(*pOps));
  pOps->zName = pReal->zName;
  pOps->xOpen = bReplay ? (s ? replay_open1 : replay_open0) : (s ? tape_open1 : tape_open0);
  pOps->xStep = bReplay ? replay_step : tape_step;
  pOps->xClose = bReplay ? replay_close : tape_close;
  /* The engine asks for host facts after opening (their events): recorded
  ** and replayed, so both see the same answers in the same order. */
  pOps->xHostFacts = bReplay ? replay_host_facts : tape_host_facts;
}

/* A reporter that reports nothing (the workers'). */
static void run_quiet_begin(Reporter *p, int n){ (void)p; (void)n; }
static void run_quiet_scenario(Reporter *p, const Scenario *pScn, const StepRecord *aRec,
                               int nRec, const Totals *pT, char *const *az){
  (void)p; (void)pScn; (void)aRec; (void)nRec; (void)pT; (void)az;
}
static void run_quiet_end(Reporter *p, const Totals *pT){ (void)p; (void)pT; }
static void run_quiet_free(Reporter *p){ (void)p; }

/* The pool of workers and what they share with the parent. */
typedef struct RunPool RunPool;
struct RunPool {
  int nWorker;                 /* processes */
  pid_t aPid[RUN_MAX_JOB];     /* their ids (0 once reaped) */
  volatile int *piShared;      /* [0] the next scenario to take, [1] stop */
  char zDir[64];               /* the tapes: DIR/N.tape */
};

/* The tape file of scenario i. */
static void run_tape_path(const RunPool *pPool, int i, char *zBuf, size_t nBuf){
  snprintf(zBuf, nBuf, "%s/%d.tape", pPool->zDir, i);
}

/*
** A worker: take scenarios until none is left or the parent says stop,
** run each with recording ops, write its tape (temp + rename, so the
** parent never reads half of one). Never returns.
*/
static void run_worker(RunPool *pPool, int iWorker, const Engine *pParent,
                       ScnFile *aFile, int nFile){
  /* Each Wine worker its own prefix: worker 0 the usual one, worker k
  ** the usual one with "-jk" added. */
  if( iWorker > 0 ){
    const char *zBase = getenv("MAPSCOPE_WINEPREFIX");
    StrBuf b = {0};
    if( zBase && zBase[0] ){
      strbuf_printf(&b, "%s-j%d", zBase, iWorker);
    }else{
      const char *zCache = getenv("XDG_CACHE_HOME");
      const char *zHome = getenv("HOME");
      if( zCache && zCache[0] ) strbuf_printf(&b, "%s/mapscope/wineprefix-j%d", zCache, iWorker);
      else if( zHome && zHome[0] ) strbuf_printf(&b, "%s/.cache/mapscope/wineprefix-j%d", zHome, iWorker);
      else strbuf_printf(&b, "/tmp/mapscope-wineprefix-%ld-j%d", (long)getuid(), iWorker);
    }
    setenv("MAPSCOPE_WINEPREFIX", strbuf_text(&b), 1);
    strbuf_reset(&b);
  }
  Engine engine = *pParent;
  static BackendOps aOps[ENGINE_MAX_SIDES];
  for(int s = 0; s < engine.nSide; s++){
    runTape.apReal[s] = pParent->apOps[s];
    run_tape_ops(&aOps[s], pParent->apOps[s], s, 0);
    engine.apOps[s] = &aOps[s];
  }
  Reporter quiet;
  memset(&quiet, 0, sizeof(quiet));
  quiet.xBegin = run_quiet_begin;
  quiet.xScenario = run_quiet_scenario;
  quiet.xEnd = run_quiet_end;
  quiet.xFree = run_quiet_free;
  quiet.nSide = engine.nSide;
  engine.pReporter = &quiet;
  engine.pStore = NULL;
  memset(&engine.totals, 0, sizeof(engine.totals));
  int rc = 0;
  while( !pPool->piShared[1] ){
    int i = __atomic_fetch_add(&pPool->piShared[0], 1, __ATOMIC_SEQ_CST);
    if( i >= nFile ) break;
    strbuf_reset(&runTape.rec);
    engine_run_scenario(&engine, aFile[i].pScn, aFile[i].zContent, aFile[i].nContent);
    char zPath[128], zTmp[140];
    run_tape_path(pPool, i, zPath, sizeof(zPath));
    snprintf(zTmp, sizeof(zTmp), "%s.tmp", zPath);
    FILE *pOut = fopen(zTmp, "wb");
    if( pOut == NULL
     || fwrite(runTape.rec.z ? runTape.rec.z : "", 1, runTape.rec.n, pOut) != runTape.rec.n
     || fclose(pOut) != 0 || rename(zTmp, zPath) != 0 ){
      fprintf(stderr, "mapscope: worker %d: cannot write %s: %s\n", iWorker, zPath,
              strerror(errno));
      rc = 3;
      break;
    }
  }
  strbuf_reset(&runTape.rec);
  for(int s = 0; s < engine.nSide; s++){
    if( pParent->apOps[s]->xShutdown ) pParent->apOps[s]->xShutdown(engine.zBackendOptions);
  }
  fflush(NULL);
  _exit(rc);
}

/* Start the workers. Returns 0, or 1 after a message. */
static int run_pool_start(RunPool *pPool, int nWorker, const Engine *pEngine,
                          ScnFile *aFile, int nFile){
  memset(pPool, 0, sizeof(*pPool));
  snprintf(pPool->zDir, sizeof(pPool->zDir), "/tmp/mapscope-jobs-XXXXXX");
  if( mkdtemp(pPool->zDir) == NULL ){
    fprintf(stderr, "mapscope: -j: cannot make a temporary directory: %s\n", strerror(errno));
    return 1;
  }
  pPool->piShared = mmap(NULL, 2 * sizeof(int), PROT_READ | PROT_WRITE,
                         MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if( pPool->piShared == MAP_FAILED ){
    fprintf(stderr, "mapscope: -j: %s\n", strerror(errno));
    rmdir(pPool->zDir);
    return 1;
  }
  pPool->piShared[0] = 0;
  pPool->piShared[1] = 0;
  fflush(NULL);
  for(int k = 0; k < nWorker; k++){
    pid_t pid = fork();
    if( pid < 0 ){
      fprintf(stderr, "mapscope: -j: fork: %s\n", strerror(errno));
      break;
    }
    if( pid == 0 ) run_worker(pPool, k, pEngine, aFile, nFile);
    pPool->aPid[pPool->nWorker++] = pid;
  }
  return pPool->nWorker ? 0 : 1;
}

/* 1 if any worker is still running (reaps those that ended). */
static int run_pool_alive(RunPool *pPool){
  int bAlive = 0;
  for(int k = 0; k < pPool->nWorker; k++){
    if( pPool->aPid[k] <= 0 ) continue;
    int status;
    if( waitpid(pPool->aPid[k], &status, WNOHANG) == pPool->aPid[k] ){
      pPool->aPid[k] = 0;
    }else{
      bAlive = 1;
    }
  }
  return bAlive;
}

/* Wait for scenario i's tape and load it for replay. Returns 0, or 1 if
** every worker ended without writing it. */
static int run_pool_take(RunPool *pPool, int i){
  char zPath[128];
  run_tape_path(pPool, i, zPath, sizeof(zPath));
  for(;;){
    FILE *pIn = fopen(zPath, "rb");
    if( pIn ){
      StrBuf b = {0};
      char aBuf[65536];
      size_t n;
      while( (n = fread(aBuf, 1, sizeof(aBuf), pIn)) > 0 ) strbuf_append(&b, aBuf, n);
      fclose(pIn);
      unlink(zPath);
      free(runTape.zPlay);
      runTape.nPlay = b.n;
      runTape.zPlay = strbuf_take(&b);
      runTape.iPlay = 0;
      return 0;
    }
    int bAlive = run_pool_alive(pPool);
    /* A worker may have finished the file just before it ended. */
    if( !bAlive && access(zPath, F_OK) != 0 ) return 1;
    struct timespec ts = { 0, 5 * 1000 * 1000 };
    nanosleep(&ts, NULL);
  }
}

/* Tell the workers to stop, wait for them, remove the tapes. */
static void run_pool_finish(RunPool *pPool, int nFile){
  pPool->piShared[1] = 1;
  for(int k = 0; k < pPool->nWorker; k++){
    if( pPool->aPid[k] > 0 ) waitpid(pPool->aPid[k], NULL, 0);
  }
  for(int i = 0; i < nFile; i++){
    char zPath[128], zTmp[140];
    run_tape_path(pPool, i, zPath, sizeof(zPath));
    snprintf(zTmp, sizeof(zTmp), "%s.tmp", zPath);
    unlink(zPath);
    unlink(zTmp);
  }
  rmdir(pPool->zDir);
  munmap((void *)pPool->piShared, 2 * sizeof(int));
  free(runTape.zPlay);
  runTape.zPlay = NULL;
}

/* ---------------------------------------------------------------- 5 ---- */

/* The command line as one string, for the store (passwords are never on
** a mapscope command line; --agent-cmd is stored as given). */
static char *run_command_line(int argc, char **argv){
  StrBuf b = {0};
  strbuf_puts(&b, "mapscope");
  for(int i = 0; i < argc; i++) strbuf_printf(&b, " %s", argv[i]);
  return strbuf_take(&b);
}

/* A reporter in front of the chosen one: progress on a terminal, record
** mode's outputs, and -x. */
typedef struct RunFront RunFront;
struct RunFront {
  Reporter *pInner;            /* the format's reporter */
  Recorder *pRecorder;         /* record mode, or NULL */
  int nFile, iDone;            /* progress */
  int bFailed;                 /* a scenario failed (for -x) */
};

static void front_begin(Reporter *p, int nScenario){
  RunFront *pF = p->pState;
  pF->pInner->xBegin(pF->pInner, nScenario);
}

static void front_scenario(Reporter *p, const Scenario *pScn, const StepRecord *aRec,
                           int nRec, const Totals *pTotals, char *const *azOpenError){
  RunFront *pF = p->pState;
  term_progress_clear();
  /* The engine sets the scenario's host events on the reporter it holds. */
  for(int s = 0; s < ENGINE_MAX_SIDES; s++) pF->pInner->azEvents[s] = p->azEvents[s];
  pF->pInner->xScenario(pF->pInner, pScn, aRec, nRec, pTotals, azOpenError);
  for(int s = 0; s < ENGINE_MAX_SIDES; s++) pF->pInner->azEvents[s] = NULL;
  if( pF->pRecorder ) record_scenario(pF->pRecorder, pScn, aRec, nRec);
  ReportTally t;
  report_tally(pTotals, &t);
  if( t.anCount[REPORT_FAILED] ) pF->bFailed = 1;
  pF->iDone++;
  term_progress("[%d/%d] %s", pF->iDone, pF->nFile, pScn->zFile);
}

static void front_end(Reporter *p, const Totals *pTotals){
  RunFront *pF = p->pState;
  term_progress_clear();
  pF->pInner->xEnd(pF->pInner, pTotals);
}

static void front_free(Reporter *p){ (void)p; }

static int run_main(int argc, char **argv, int bDiff){
  RunOptions opt;
  int rc = run_parse_options(argc, argv, bDiff, &opt);
  if( rc >= 0 ) return rc;
  rc = 0;

  ScnFile *aFile = NULL;
  int nFile = 0;
  rc = load_scenarios(opt.zCommand, opt.azPath, opt.nPath, &aFile, &nFile);
  if( rc ) return rc;
  run_select(&opt, aFile, &nFile);
  if( opt.bList ){
    for(int i = 0; i < nFile; i++){
      termsafe_fprintf(stdout, "%s: %s\n", aFile[i].pScn->zFile, aFile[i].pScn->zTitle);
    }
    load_free(aFile, nFile);
    return 0;
  }
  if( nFile == 0 ){
    load_free(aFile, nFile);
    fprintf(stderr, "mapscope %s: no scenario matches the --filter/--tag selection\n",
            opt.zCommand);
    return 2;
  }

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

  /* Record mode writes scenarios, never the store: a run whose outputs
  ** became the expectation checks nothing. */
  if( opt.eRecord != RECORD_NONE ) opt.bNoDb = 1;
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
    info.zHostFacts = facts.zFacts;
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

  /* Workers start after the probe, and after the backends let go of
  ** what they keep warm (a forked copy must not share the parent's). */
  RunPool pool;
  int bPool = 0;
  if( opt.nJob > 1 && nFile > 1 ){
    for(int s = 0; s < engine.nSide; s++){
      if( engine.apOps[s]->xShutdown ) engine.apOps[s]->xShutdown(opt.zAgentCmd);
    }
    int nWorker = opt.nJob < nFile ? opt.nJob : nFile;
    if( run_pool_start(&pool, nWorker, &engine, aFile, nFile) != 0 ){
      rc = 1;
      goto done;
    }
    bPool = 1;
  }
  static BackendOps aReplayOps[ENGINE_MAX_SIDES];
  if( bPool ){
    for(int s = 0; s < engine.nSide; s++){
      run_tape_ops(&aReplayOps[s], engine.apOps[s], s, 1);
    }
  }

  Reporter *pInner = reporter_new(opt.eFormat, stdout, engine.nSide,
                                  engine.apOps, opt.bVerbose);
  if( pInner == NULL ){ fputs("mapscope: out of memory\n", stderr); exit(3); }
  reporter_set_color(pInner, term_use_color(stdout, opt.eColor));
  RunFront front;
  memset(&front, 0, sizeof(front));
  front.pInner = pInner;
  front.nFile = nFile;
  if( opt.eRecord != RECORD_NONE ){
    front.pRecorder = record_new(opt.eRecord, opt.bDryRun, engine.apOps[0], aFile, nFile);
  }
  Reporter frontReporter = *pInner;
  frontReporter.pState = &front;
  frontReporter.xBegin = front_begin;
  frontReporter.xScenario = front_scenario;
  frontReporter.xEnd = front_end;
  frontReporter.xFree = front_free;
  engine.pReporter = &frontReporter;
  /* Progress on a terminal only, and only where it does not mix with a
  ** machine-readable report on the same terminal. */
  term_progress_enable(stderr, opt.eFormat == REPORT_TEXT || !isatty(fileno(stdout)));

  const BackendOps *apRealOps[ENGINE_MAX_SIDES] = { engine.apOps[0], engine.apOps[1] };
  frontReporter.xBegin(&frontReporter, nFile);
  int nRun = 0;
  char zStopped[128] = "";
  for(int i = 0; i < nFile; i++){
    if( bPool ){
      if( run_pool_take(&pool, i) != 0 ){
        fprintf(stderr, "mapscope %s: the -j workers ended before %s ran\n",
                opt.zCommand, aFile[i].zPath);
        rc = 1;
        /* What was stored is not the whole run: it stays incomplete. */
        engine.bStoreFailed = 1;
        break;
      }
      for(int s = 0; s < engine.nSide; s++) engine.apOps[s] = &aReplayOps[s];
    }
    term_progress("[%d/%d] %s", i, nFile, aFile[i].zPath);
    engine_run_scenario(&engine, aFile[i].pScn, aFile[i].zContent, aFile[i].nContent);
    nRun++;
    if( opt.bExitFirst && front.bFailed && i + 1 < nFile ){
      snprintf(zStopped, sizeof(zStopped), "stopped after the first failure (-x): "
               "%d scenario%s not run", nFile - i - 1, nFile - i - 1 == 1 ? "" : "s");
      reporter_set_stopped(pInner, zStopped);
      break;
    }
  }
  if( bPool ){
    run_pool_finish(&pool, nFile);
    for(int s = 0; s < engine.nSide; s++) engine.apOps[s] = apRealOps[s];
  }
  frontReporter.xEnd(&frontReporter, &engine.totals);
  reporter_free(pInner);
  if( !bPool ){
    for(int s = 0; s < engine.nSide; s++){
      if( engine.apOps[s]->xShutdown ) engine.apOps[s]->xShutdown(opt.zAgentCmd);
    }
  }
  (void)nRun;

  ReportTally tally;
  report_tally(&engine.totals, &tally);
  /* Machine-readable formats keep standard output for the report. */
  FILE *pSummary = opt.eFormat == REPORT_TEXT ? stdout : stderr;
  if( pStore ){
    /* A run with a scenario the store could not take stays marked
    ** incomplete: it is not the whole run. */
    if( engine.bStoreFailed
     || store_run_end(pStore, tally.anCount[REPORT_PASSED], tally.anCount[REPORT_FAILED],
                      tally.anCount[REPORT_SKIPPED]) != 0 ){
      fprintf(stderr, "mapscope %s: results store: the run was not stored whole "
              "(%s); it stays marked incomplete\n", opt.zCommand, store_errmsg(pStore));
      rc = 1;
    }else{
      fprintf(pSummary, "results: stored in %s as run %s\n", zDb, zRunId);
    }
    store_close(pStore);
    pStore = NULL;
  }
  StrBuf line = {0};
  report_summary_line(&line, &tally);
  fputs(strbuf_text(&line), pSummary);
  strbuf_reset(&line);
  if( tally.anCount[REPORT_FAILED] > 0 ) rc = 1;
  if( front.pRecorder ){
    /* Record mode: the outputs become the expectation; the exit status
    ** says whether the scenarios could be written. */
    rc = record_finish(front.pRecorder, stdout, stderr);
  }

done:
  if( pStore ) store_close(pStore);
  run_facts_clear(&facts);
  load_free(aFile, nFile);
  free(zDown);
  return rc;
}

/* ---------------------------------------------------------------- 6 ---- */

int cmd_run(int argc, char **argv){
  return run_main(argc, argv, 0);
}

int cmd_diff(int argc, char **argv){
  return run_main(argc, argv, 1);
}
