/*
** runner/cli/check_cmd.c: `mapscope check`, exhaustive breadth-first search
** of a small world (runner/check/, docs/check.md).
**
**   mapscope check [--world FILE] [--depth K] [--states N] [--seconds S]
**                  [--no-symmetry] [--slots N] [--letters QRZ]
**                  [--all-logons] [--no-reads] [--out FILE]
**                  [--db FILE | --no-db] [--quiet]
**
** Prints the depth reached, the states visited, each invariant with its
** rules and whether it held, and the rule coverage (fired and never
** fired). On a failure it writes the shortest sequence as a ready-to-run
** scenario (--out, default check-counterexample.scn). Every run, held or
** violated, is stored in the results database (unless --no-db) as a run of
** kind "check": its summary, each invariant's verdict, the states by
** depth, and a counterexample as the run's scenario, in one transaction
** (results/store.h, docs/results.md). A database the run cannot be stored
** in is refused before the search. Exit status: 0 every invariant held,
** 1 one failed, 2 bad usage or input, or the run could not be stored.
**
** Contents: 1. options  2. the report  3. storing the run  4. the command
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/cli/commands.h"
#include "runner/cli/options.h"
#include "runner/backends/backend.h"
#include "runner/check/check.h"
#include "runner/util/strbuf.h"
#include "results/store.h"
#include "sim/tools/tools.h"

/* ---------------------------------------------------------------- 1 ---- */

typedef struct CkCmdOptions CkCmdOptions;
struct CkCmdOptions {
  const char *zWorld;        /* --world */
  CkOptions search;          /* --depth, --states, --seconds, --no-symmetry */
  CkConfig cfg;              /* --slots, --letters, --all-logons, --no-reads */
  const char *zOut;          /* --out */
  const char *zDb;           /* --db */
  int bNoDb;                 /* --no-db */
};

static const char zCheckHelp[] =
  "usage: mapscope check [options]\n"
  "  Visit every state of a small world breadth-first, checking every\n"
  "  invariant after every step; print the shortest counterexample.\n"
  "      --world=FILE      the world (users, shares) of a scenario file\n"
  "                        (default: worlds/check-default.scn, built in)\n"
  "      --depth=K         expand to K steps (default 6)\n"
  "      --states=N        stop after N distinct states\n"
  "      --seconds=S       stop after S seconds of wall time (default 60;\n"
  "                        0: no limit); the report says which depth was\n"
  "                        completed\n"
  "      --no-symmetry     do not merge states that differ only by\n"
  "                        interchangeable accounts\n"
  "      --slots=N         logon names the steps use (1-4, default 2)\n"
  "      --letters=LLL     drive letters the steps use (default QRZ)\n"
  "      --all-logons      every logon type, not only the ones that decide\n"
  "                        different rules\n"
  "      --no-reads        leave out listing steps (they change no state)\n"
  "      --no-tools        leave out tool steps (T1-T8)\n"
  "      --families=LIST   only these families of steps, comma-separated:\n"
  "                        logon logoff reboot policy boot connect cancel\n"
  "                        auto deviceless unc persistent cmdkey define reg\n"
  "                        tool read; -FAMILY leaves one out (default all)\n"
  "      --out=FILE        where the counterexample goes\n"
  "                        (default check-counterexample.scn)\n"
  "      --db=FILE, --no-db   the results database, or none\n"
  "      --quiet           no progress lines\n"
  "      --replay          start each successor by replaying its path, not\n"
  "                        by copying the machine (to measure the two)\n"
  "      --help            this text\n";

enum {
  CK_OPT_WORLD = OPT_LONG_BASE, CK_OPT_DEPTH, CK_OPT_STATES, CK_OPT_SECONDS, CK_OPT_NO_SYM,
  CK_OPT_SLOTS, CK_OPT_LETTERS, CK_OPT_ALL_LOGONS, CK_OPT_NO_READS, CK_OPT_OUT,
  CK_OPT_DB, CK_OPT_NO_DB, CK_OPT_QUIET, CK_OPT_PLANT_BUG, CK_OPT_REPLAY, CK_OPT_NO_TOOLS,
  CK_OPT_FAMILIES
};

static const struct option aCheckLong[] = {
  { "world",       required_argument, NULL, CK_OPT_WORLD },
  { "depth",       required_argument, NULL, CK_OPT_DEPTH },
  { "states",      required_argument, NULL, CK_OPT_STATES },
  { "seconds",     required_argument, NULL, CK_OPT_SECONDS },
  { "no-symmetry", no_argument,       NULL, CK_OPT_NO_SYM },
  { "slots",       required_argument, NULL, CK_OPT_SLOTS },
  { "letters",     required_argument, NULL, CK_OPT_LETTERS },
  { "all-logons",  no_argument,       NULL, CK_OPT_ALL_LOGONS },
  { "no-reads",    no_argument,       NULL, CK_OPT_NO_READS },
  { "out",         required_argument, NULL, CK_OPT_OUT },
  { "db",          required_argument, NULL, CK_OPT_DB },
  { "no-db",       no_argument,       NULL, CK_OPT_NO_DB },
  { "quiet",       no_argument,       NULL, CK_OPT_QUIET },
  { "plant-bug",   required_argument, NULL, CK_OPT_PLANT_BUG },
  { "replay",      no_argument,       NULL, CK_OPT_REPLAY },
  { "no-tools",    no_argument,       NULL, CK_OPT_NO_TOOLS },
  { "families",    required_argument, NULL, CK_OPT_FAMILIES },
  { NULL, 0, NULL, 0 }
};

#define CK_HELP_SHOWN (-1)

/* Parse the options; 0, CK_HELP_SHOWN, or 2 after a one-line error. */
static int ck_parse_options(int argc, char **argv, CkCmdOptions *pOpt){
  memset(pOpt, 0, sizeof(*pOpt));
  ck_config_default(&pOpt->cfg);
  pOpt->search.nDepth = 6;
  pOpt->search.bSymmetry = 1;
  /* The default alphabet cannot reach the default depth (about 10^10
  ** states at depth 6: docs/check.md), so a bare `mapscope check` stops
  ** after a minute and reports the depth it completed. */
  pOpt->search.rSeconds = 60.0;
  OptParser op;
  opt_init(&op, "check", zCheckHelp, argc, argv, "", aCheckLong);
  int c, rc = 0;
  long n = 0;
  while( rc==0 && (c = opt_next(&op))!=OPT_END ){
    const char *zVal = op.zArg;
    switch( c ){
      case OPT_STOP:
        rc = op.rc==0 ? CK_HELP_SHOWN : op.rc;
        break;
      case CK_OPT_WORLD: pOpt->zWorld = zVal; break;
      case CK_OPT_DEPTH:
        if( opt_long(&op, 1, 60, &n) ){ rc = 2; break; }
        pOpt->search.nDepth = (int)n;
        break;
      case CK_OPT_STATES:
        if( opt_long(&op, 1, 2000000000L, &n) ){ rc = 2; break; }
        pOpt->search.nMaxStates = n;
        break;
      case CK_OPT_SECONDS:
        if( opt_long(&op, 0, 1000000L, &n) ){ rc = 2; break; }
        pOpt->search.rSeconds = (double)n;
        break;
      case CK_OPT_NO_SYM: pOpt->search.bSymmetry = 0; break;
      case CK_OPT_SLOTS:
        if( opt_long(&op, 1, CK_MAX_SLOT, &n) ){ rc = 2; break; }
        pOpt->cfg.nSlot = (int)n;
        break;
      case CK_OPT_LETTERS: {
        size_t nL = strlen(zVal);
        if( nL==0 || nL>CK_MAX_LETTER ){
          rc = opt_usage(&op, "--letters takes 1 to %d letters, not '%s'", CK_MAX_LETTER, zVal);
          break;
        }
        for(size_t i = 0; i < nL && rc==0; i++){
          char L = zVal[i];
          if( L>='a' && L<='z' ) L = (char)(L-'a'+'A');
          if( L<'D' || L>'Z' ){
            rc = opt_usage(&op, "--letters takes letters D to Z, not '%s'", zVal);
            break;
          }
          for(size_t j = 0; j < i; j++){
            if( pOpt->cfg.acLetter[j]==L ){
              rc = opt_usage(&op, "--letters repeats a letter: '%s'", zVal);
              break;
            }
          }
          pOpt->cfg.acLetter[i] = L;
        }
        pOpt->cfg.nLetter = (int)nL;
        break;
      }
      case CK_OPT_ALL_LOGONS: pOpt->cfg.bAllLogons = 1; break;
      case CK_OPT_NO_READS: pOpt->cfg.bReads = 0; break;
      case CK_OPT_OUT: pOpt->zOut = zVal; break;
      case CK_OPT_DB: pOpt->zDb = zVal; break;
      case CK_OPT_NO_DB: pOpt->bNoDb = 1; break;
      case CK_OPT_QUIET: pOpt->search.bQuiet = 1; break;
      case CK_OPT_REPLAY: pOpt->search.bReplay = 1; break;
      case CK_OPT_NO_TOOLS: pOpt->cfg.bNoTools = 1; break;
      case CK_OPT_FAMILIES: {
        char zErr[200];
        if( ck_family_parse(zVal, &pOpt->cfg.mFamily, zErr, sizeof(zErr)) ){
          rc = opt_usage(&op, "--families: %s", zErr);
        }
        break;
      }
      case CK_OPT_PLANT_BUG:
        if( opt_long(&op, 1, 31, &n) ){ rc = 2; break; }
        if( exp_plant_bug(NULL, (unsigned)n) ){
          rc = opt_usage(&op, "--plant-bug: the model has no bug %ld", n);
          break;
        }
        pOpt->search.iPlantBug = (unsigned)n;
        break;
      default:
        rc = opt_usage(&op, "unexpected option");
        break;
    }
  }
  if( rc==0 && op.iFirst<argc ){
    rc = opt_usage(&op, "unexpected argument '%s'", argv[op.iFirst]);
  }
  opt_done(&op);
  return rc;
}

/* ---------------------------------------------------------------- 2 ---- */

/* What the report and the stored summary both say, made once: the rules
** fired and never fired (space-separated), the families kept
** (comma-separated; empty when every family is kept), the tool steps in
** the alphabet, and the profiles no branch reached (space-separated). */
typedef struct CkFacts CkFacts;
struct CkFacts {
  StrBuf fired, never;       /* rule IDs */
  int nFired, nNever;        /* how many of each */
  StrBuf families;           /* "logon,connect", or empty */
  int nToolSteps;            /* tool steps in the alphabet */
  StrBuf toolsNever;         /* profiles with no branch reached */
};

static void ck_facts_init(CkFacts *p, const CkAlphabet *pA, const CkResult *pRes){
  memset(p, 0, sizeof(*p));
  for(int r = 0; r < SIM_RULE_COUNT; r++){
    int bFired = sim_ruleset_has(&pRes->fired, (SimRule)r);
    StrBuf *pB = bFired ? &p->fired : &p->never;
    strbuf_printf(pB, "%s%s", pB->n ? " " : "", sim_rule_name((SimRule)r));
    if( bFired ) p->nFired++; else p->nNever++;
  }
  if( pA->cfg.mFamily && pA->cfg.mFamily!=CK_FAM_ALL ){
    for(unsigned m = 1; m <= CK_FAM_ALL; m <<= 1){
      if( (pA->cfg.mFamily & m) && ck_family_name(m) ){
        strbuf_printf(&p->families, "%s%s", p->families.n ? "," : "", ck_family_name(m));
      }
    }
  }
  for(int i = 0; i < pA->nStep; i++) p->nToolSteps += ck_step_family(&pA->aStep[i])==CK_FAM_TOOL;
  for(int k = 0; p->nToolSteps>0 && k < sim_tool_count(); k++){
    const char *zName = sim_tool_at(k)->zName;
    size_t nName = strlen(zName);
    int bAny = 0;
    for(int i = 0; i < pRes->toolCover.n && !bAny; i++){
      bAny = strncmp(pRes->toolCover.az[i], zName, nName)==0 && pRes->toolCover.az[i][nName]==':';
    }
    if( !bAny ) strbuf_printf(&p->toolsNever, "%s%s", p->toolsNever.n ? " " : "", zName);
  }
}

static void ck_facts_free(CkFacts *p){
  strbuf_reset(&p->fired);
  strbuf_reset(&p->never);
  strbuf_reset(&p->families);
  strbuf_reset(&p->toolsNever);
}

static void ck_print_report(const CkCmdOptions *pOpt, const CkAlphabet *pA,
                            const CkResult *pRes, const CkFacts *pF){
  int nInv;
  const CkInvariant *aInv = ck_invariants(&nInv);
  printf("world       %s\n", pOpt->zWorld ? pOpt->zWorld : "built-in (worlds/check-default.scn)");
  printf("alphabet    %d steps (%d logon names, %d letters%s%s", pA->nStep, pA->cfg.nSlot,
         pA->cfg.nLetter, pA->cfg.bAllLogons ? ", all logon types" : "",
         pA->cfg.bReads ? "" : ", no listings");
  if( pF->families.n ){
    printf(", families ");
    for(const char *z = strbuf_text(&pF->families); *z; z++) putchar(*z==',' ? ' ' : *z);
  }
  printf(")\n");
  printf("symmetry    %s\n", pOpt->search.bSymmetry
         ? (pRes->nSymmetricUsers ? "interchangeable accounts merged" : "on (no interchangeable accounts)")
         : "off");
  printf("depth       %d%s%s%s\n", pRes->nDepthDone,
         pRes->bComplete ? " (complete: no new state beyond it)" : "",
         pRes->bStoppedStates ? " (stopped: --states)" : "",
         pRes->bStoppedTime ? " (stopped: --seconds)" : "");
  printf("states      %ld (by depth:", pRes->nStates);
  for(int d = 0; d <= pRes->nDepthDone + (pRes->iFailed>=0 ? 1 : 0) && d < 64; d++){
    if( d>pRes->nDepthDone && pRes->anStatesAt[d]==0 ) break;
    printf(" %ld", pRes->anStatesAt[d]);
  }
  if( (pRes->bStoppedStates || pRes->bStoppedTime) && pRes->nDepthDone+1 < 64
   && pRes->anStatesAt[pRes->nDepthDone+1]>0 ){
    /* the level being built when the search stopped */
    printf("; %ld at depth %d when it stopped", pRes->anStatesAt[pRes->nDepthDone+1],
           pRes->nDepthDone+1);
  }
  printf(")\n");
  printf("steps run   %ld\n", pRes->nTransitions);
  double rCpu = pRes->rCpuSeconds;
  printf("time        %.2f s wall, %.2f s processor (%.0f states/s, %.0f steps/s of "
         "processor time)\n", pRes->rSeconds, rCpu,
         rCpu>0 ? (double)pRes->nStates/rCpu : 0.0,
         rCpu>0 ? (double)pRes->nTransitions/rCpu : 0.0);
  printf("memory      %zu bytes for visited states (%.1f bytes/state)\n", pRes->nBytes,
         pRes->nStates ? (double)pRes->nBytes/(double)pRes->nStates : 0.0);
  printf("invariants\n");
  for(int i = 0; i < nInv; i++){
    const char *zVerdict = pRes->iFailed==i ? "FAILED"
                         : pRes->iFailed>=0 ? "held until the failure" : "held";
    printf("  %-40s %-12s %s\n", aInv[i].zName, aInv[i].zRules, zVerdict);
  }
  printf("rules fired    %s%s\n", pF->fired.n ? " " : "", strbuf_text(&pF->fired));
  printf("rules never    %s%s\n", pF->never.n ? " " : "", strbuf_text(&pF->never));
  printf("coverage       %d of %d rules fired\n", pF->nFired, pF->nFired+pF->nNever);
  if( pF->nToolSteps==0 ){
    printf("tool branches  no tool steps in the alphabet\n");
  }else{
    printf("tool branches  %d reached (the distinct `why:` lines of the profiles' records):\n",
           pRes->toolCover.n);
    for(int i = 0; i < pRes->toolCover.n; i++) printf("  %s\n", pRes->toolCover.az[i]);
    for(const char *z = strbuf_text(&pF->toolsNever); *z; ){
      size_t n = strcspn(z, " ");
      printf("  %.*s: no branch recorded\n", (int)n, z);
      z += n + (z[n]==' ');
    }
  }
}

/* ---------------------------------------------------------------- 3 ---- */

/* Why the search stopped, as check_runs.stop_reason words it. */
static const char *ck_stop_reason(const CkResult *pRes){
  if( pRes->iFailed>=0 ) return "violation";
  if( pRes->bStoppedStates ) return "states";
  if( pRes->bStoppedTime ) return "seconds";
  if( pRes->bComplete ) return "exhausted";
  return "depth";
}

/*
** Store the counterexample as the run's one scenario: each step run again
** on the sim backend (with the planted bug, if any), its output stored, the
** last step failing with the invariant's reason. Returns 0, -1 when the
** model could not replay it (nothing of it is then stored), or the store's
** error (store_errmsg()).
*/
static int ck_store_counterexample(Store *pStore, const ExpWorld *pW, const CkResult *pRes,
                                   const char *zPath, const char *zText){
  int rc = store_scenario_begin(pStore, zPath, pRes->zWhy, zText, strlen(zText));
  if( rc ) return rc;
  Scenario scn = *pW->pWorld;
  scn.nStep = 0;
  scn.aStep = NULL;
  BackendConn *pConn = NULL;
  char *zOpenErr = NULL;
  if( backend_sim_ops.xOpen(&scn, NULL, &pConn, &zOpenErr) ){
    rc = -1;
  }else{
    for(int i = 0; rc==0 && i < pRes->nPath; i++){
      ScnStep s;
      if( ck_step_to_scn(pW, &pRes->aPath[i], i, &s) ){ rc = -1; break; }
      StepResult r;
      memset(&r, 0, sizeof(r));
      backend_sim_ops.xStep(pConn, &s, &r);
      char *zCmd = scn_step_format(&s, 1);
      StoreBackendResult res;
      memset(&res, 0, sizeof(res));
      res.zBackend = "sim";
      res.zVerdict = i==pRes->nPath-1 ? "fail" : "pass";
      res.zOutput = r.eOutcome==BACKEND_DONE ? r.zOutput : NULL;
      res.zReason = i==pRes->nPath-1 ? pRes->zWhy : NULL;
      StoreStep st;
      memset(&st, 0, sizeof(st));
      st.iPosition = i;
      st.iLine = i+1;
      st.zCommand = zCmd;
      st.aResult = &res;
      st.nResult = 1;
      rc = store_step(pStore, &st);
      free(zCmd);
      step_result_clear(&r);
      scn_step_clear(&s);
    }
    backend_sim_ops.xClose(pConn);
  }
  free(zOpenErr);
  if( rc ){
    store_scenario_end(pStore, 0);
    return rc;
  }
  return store_scenario_end(pStore, 1);
}

/*
** Store the run in the results database, all of it in one transaction: a
** run of kind "check" with its command line; when an invariant failed,
** the counterexample as its scenario; the summary (what was searched, how
** far, how it stopped, the coverage), each invariant's verdict and the
** states met at each depth; the end mark. On any error nothing is stored.
** pStore was opened (and so checked, and migrated) before the search.
** Returns 0, or 2 after one line on stderr.
*/
static int ck_store(Store *pStore, const char *zDb, const CkCmdOptions *pOpt, int argc,
                    char **argv, const ExpWorld *pW, const CkAlphabet *pA,
                    const CkResult *pRes, const CkFacts *pF, const char *zPath,
                    const char *zText){
  char zErr[512];
  StrBuf cmd = {0}, branches = {0};
  strbuf_puts(&cmd, "mapscope");
  for(int i = 0; i < argc; i++) strbuf_printf(&cmd, " %s", argv[i]);
  for(int i = 0; pF->nToolSteps>0 && i < pRes->toolCover.n; i++){
    strbuf_printf(&branches, "%s%s", i ? "\n" : "", pRes->toolCover.az[i]);
  }

  int nInv;
  const CkInvariant *aInv = ck_invariants(&nInv);
  StoreCheckInvariant *aStoreInv = calloc((size_t)(nInv>0 ? nInv : 1), sizeof(*aStoreInv));
  int nHeld = 0, nViolated = 0, nNotChecked = 0;
  for(int i = 0; aStoreInv && i < nInv; i++){
    StoreCheckInvariant *p = &aStoreInv[i];
    p->zName = aInv[i].zName;
    p->zRules = aInv[i].zRules;
    if( pRes->iFailed==i ){
      p->zVerdict = "violated";
      p->zReason = pRes->zWhy;
      nViolated++;
    }else if( pRes->iFailed>=0 && pRes->nPath==0 && i>pRes->iFailed ){
      /* the first state broke an invariant: the search stopped before
      ** the ones after it in the table were looked at */
      p->zVerdict = "not checked";
      nNotChecked++;
    }else{
      p->zVerdict = "held";
      nHeld++;
    }
  }

  /* the levels expanded whole, and a level begun and cut short (by a
  ** violation or a limit) when it met any state */
  int nDepths = pRes->nDepthDone + 1;
  if( nDepths<64 && pRes->anStatesAt[nDepths]>0 ) nDepths++;
  if( nDepths>64 ) nDepths = 64;

  /* the world as the search read it (canonical lines: comments and
  ** spacing of a --world file do not change the hash) */
  static const ExpScnText head = { "world", NULL, 0, NULL, 0 };
  char *zWorldText = exp_scenario_text(pW, &head, NULL, 0, NULL);
  char zLetters[CK_MAX_LETTER+1];
  snprintf(zLetters, sizeof(zLetters), "%.*s", pA->cfg.nLetter, pA->cfg.acLetter);

  StoreCheckSummary sum;
  memset(&sum, 0, sizeof(sum));
  sum.zWorld = pOpt->zWorld ? pOpt->zWorld : "built-in";
  sum.zWorldText = zWorldText;
  sum.nWorldText = zWorldText ? strlen(zWorldText) : 0;
  sum.nAlphabet = pA->nStep;
  sum.nLogonNames = pA->cfg.nSlot;
  sum.zLetters = zLetters;
  sum.bAllLogons = pA->cfg.bAllLogons;
  sum.bListings = pA->cfg.bReads;
  sum.zFamilies = pF->families.n ? strbuf_text(&pF->families) : NULL;
  sum.nToolSteps = pF->nToolSteps;
  sum.bSymmetry = pOpt->search.bSymmetry;
  sum.nSymmetricAccounts = pRes->nSymmetricUsers;
  sum.iPlantedBug = pOpt->search.iPlantBug;
  sum.nDepthRequested = pOpt->search.nDepth;
  sum.nDepthCompleted = pRes->nDepthDone;
  sum.nMaxStates = pOpt->search.nMaxStates;
  sum.rMaxSeconds = pOpt->search.rSeconds;
  sum.zStopReason = ck_stop_reason(pRes);
  sum.nStates = pRes->nStates;
  sum.anStatesAt = pRes->anStatesAt;
  sum.nDepths = nDepths;
  sum.nSteps = pRes->nTransitions;
  sum.rWallSeconds = pRes->rSeconds;
  sum.rProcessorSeconds = pRes->rCpuSeconds;
  sum.nStateBytes = (long long)pRes->nBytes;
  sum.zRulesFired = strbuf_text(&pF->fired);
  sum.zRulesNever = strbuf_text(&pF->never);
  sum.zToolBranches = pF->nToolSteps>0 ? strbuf_text(&branches) : NULL;
  sum.zToolsNever = pF->toolsNever.n ? strbuf_text(&pF->toolsNever) : NULL;
  sum.zVerdict = pRes->iFailed>=0 ? "violated" : "held";
  sum.nViolationSteps = pRes->nPath;
  sum.aInv = aStoreInv;
  sum.nInv = nInv;

  StoreRunInfo info;
  memset(&info, 0, sizeof(info));
  info.zKind = "check";
  info.zBackends = "sim";
  info.zCommandLine = strbuf_text(&cmd);
  info.zMapscopeVersion = MAPSCOPE_VERSION;
  info.zHostOs = "model";
  char zRunId[37] = {0};
  int rc = aStoreInv==NULL || zWorldText==NULL;
  if( rc ) snprintf(zErr, sizeof(zErr), "out of memory");
  if( rc==0 ) rc = store_txn_begin(pStore);
  if( rc==0 ) rc = store_run_begin(pStore, &info, zRunId);
  if( rc==0 && pRes->iFailed>=0 && zText ){
    rc = ck_store_counterexample(pStore, pW, pRes, zPath, zText);
  }
  if( rc==0 ) rc = store_check_summary(pStore, &sum);
  if( rc==0 ) rc = store_run_end(pStore, nHeld, nViolated, nNotChecked);
  if( rc==0 ) rc = store_txn_commit(pStore);
  if( rc ){
    if( rc==-1 ){
      snprintf(zErr, sizeof(zErr), "the model could not replay the counterexample");
    }else if( aStoreInv && zWorldText ){
      snprintf(zErr, sizeof(zErr), "%s", store_errmsg(pStore));
    }
    store_txn_rollback(pStore);
    fprintf(stderr, "mapscope check: results store: %s (nothing stored)\n", zErr);
  }else{
    printf("stored         run %s in %s\n", zRunId, zDb);
  }
  free(zWorldText);
  free(aStoreInv);
  strbuf_reset(&cmd);
  strbuf_reset(&branches);
  return rc ? 2 : 0;
}

/* ---------------------------------------------------------------- 4 ---- */

int cmd_check(int argc, char **argv){
  CkCmdOptions opt;
  int rc = ck_parse_options(argc, argv, &opt);
  if( rc==CK_HELP_SHOWN ) return 0;
  if( rc ) return rc;
  ExpWorld w;
  char zErr[512];
  if( ck_world_init(&w, opt.zWorld, zErr, sizeof(zErr)) ){
    fprintf(stderr, "mapscope check: %s\n", zErr);
    return 2;
  }
  /* a database the run cannot be stored in (not writable, not a mapscope
  ** database, a newer schema, triggers) is refused before the search;
  ** an older one is migrated now. No transaction is held meanwhile. */
  Store *pStore = NULL;
  const char *zDb = opt.zDb ? opt.zDb : store_default_path();
  if( !opt.bNoDb && store_open(zDb, &pStore, zErr, (int)sizeof(zErr)) ){
    fprintf(stderr, "mapscope check: %s\n", zErr);
    exp_world_free(&w);
    return 2;
  }
  /* the model's test-only switch reaches the sim backend (which writes
  ** the counterexample's expected blocks) through its environment */
  char zBug[16];
  if( opt.search.iPlantBug ){
    snprintf(zBug, sizeof(zBug), "%u", opt.search.iPlantBug);
    setenv("MAPSCOPE_SIM_PLANT_BUG", zBug, 1);
  }else{
    const char *z = getenv("MAPSCOPE_SIM_PLANT_BUG");
    if( z && z[0] ) opt.search.iPlantBug = (unsigned)strtoul(z, NULL, 10);
  }
  CkAlphabet a;
  if( ck_alphabet_init(&a, &w, &opt.cfg) ){
    fprintf(stderr, "mapscope check: out of memory\n");
    store_close(pStore);
    exp_world_free(&w);
    return 2;
  }
  CkResult res;
  rc = ck_search(&w, &a, &opt.search, &res);
  if( rc ){
    fprintf(stderr, "mapscope check: the search failed (error %d)\n", rc);
    store_close(pStore);
    ck_result_free(&res);
    ck_alphabet_free(&a);
    exp_world_free(&w);
    return 2;
  }
  CkFacts facts;
  ck_facts_init(&facts, &a, &res);
  ck_print_report(&opt, &a, &res, &facts);
  int iExit = 0;
  char *zText = NULL;
  const char *zPath = opt.zOut ? opt.zOut : "check-counterexample.scn";
  if( res.iFailed>=0 ){
    int nInv;
    const CkInvariant *aInv = ck_invariants(&nInv);
    printf("FAILED         %s (%s) after %d steps: %s\n", aInv[res.iFailed].zName,
           aInv[res.iFailed].zRules, res.nPath, res.zWhy);
    zText = ck_counterexample_scn(&w, &res, aInv[res.iFailed].zName,
                                  aInv[res.iFailed].zRules);
    if( zText ){
      FILE *pF = fopen(zPath, "w");
      if( pF && fputs(zText, pF)>=0 && fclose(pF)==0 ){
        printf("counterexample %s\n", zPath);
      }else{
        if( pF ) fclose(pF);
        fprintf(stderr, "mapscope check: cannot write %s\n", zPath);
      }
      fputs(zText, stdout);
    }
    iExit = 1;
  }
  if( pStore && ck_store(pStore, zDb, &opt, argc, argv, &w, &a, &res, &facts, zPath, zText) ){
    iExit = 2;
  }
  store_close(pStore);
  free(zText);
  ck_facts_free(&facts);
  ck_result_free(&res);
  ck_alphabet_free(&a);
  exp_world_free(&w);
  return iExit;
}
