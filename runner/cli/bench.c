/*
** runner/cli/bench.c: `mapscope bench`, the speed of the model against Wine.
**
**   mapscope bench [--only PARTS] [--ops N] [--wine-ops N]
**                  [--sessions N,N,...] [--suite DIR] [--store-rows N]
**                  [--explore-steps N] [--repeat N] [--no-wine]
**
** PARTS is a comma-separated list of: ops (model and Wine per-operation
** throughput), sessions (model cost per step against live logon sessions),
** logons (the same through the sim backend's steps, the CLI path, against
** as many named logons),
** suite (wall time of the bundled scenarios on the model and under Wine),
** store (results-store ingest), explore (model-only exploration rate),
** model (ops without Wine, unless `wine` is listed too), wine (ops and
** suite with Wine); default all, with Wine unless --no-wine. Model timings
** are the best of --repeat runs (default 5). A part that cannot run (no
** Wine, no agent) says so in its row instead of failing the command.
**
** Contents:
**   1. Options, clock, table
**   2. (a) operation throughput: the model, and the agent under Wine
**   3. (b) cost per step against live logon sessions; (b2) against named
**      logons through the sim backend
**   4. (c) the bundled suite on the model and under Wine
**   5. (d) results-store ingest
**   6. (e) exploration rate
**   7. The entry point
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runner/backends/backend.h"
#include "runner/cli/commands.h"
#include "runner/cli/options.h"
#include "runner/explore/explore.h"
#include "runner/engine/load.h"
#include "runner/util/strbuf.h"
#include "results/store.h"
#include "sim/sim.h"

/* ---------------------------------------------------------------- 1 ---- */

typedef struct BenchOptions BenchOptions;
struct BenchOptions {
  int bOps, bSessions, bSuite, bStore, bExplore; /* parts to run */
  int bLogons;               /* (b2) named logons through the backend */
  int bWine;                 /* include Wine in ops and suite */
  long nOps;                 /* model operations per kind */
  long nWineOps;             /* Wine operations per kind */
  long anSessions[8];        /* session counts */
  int nSessions;             /* entries in anSessions */
  const char *zSuite;        /* scenario directory */
  long nStoreRows;           /* step rows to ingest */
  long nExploreSteps;        /* steps for the exploration rate */
  int nRepeat;               /* model timings: best of this many */
};

/* printf for the report: the progress line (stderr, a terminal only) is
** wiped first, so a row never lands after it. */
static void bench_printf(const char *zFormat, ...)
  __attribute__((format(printf, 1, 2)));
static void bench_printf(const char *zFormat, ...){
  va_list ap;
  term_progress_clear();
  va_start(ap, zFormat);
  vprintf(zFormat, ap);
  va_end(ap);
}

static double bench_now(void){
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char zBenchHelp[] =
  "usage: mapscope bench [options]\n"
  "\n"
  "Measure the model, the agent under Wine and the store, side by side\n"
  "(docs/performance.md). Each row is printed as soon as it is measured;\n"
  "on a terminal a progress line shows what is running.\n"
  "\n"
  "      --only=PARTS         comma-separated: ops, sessions, logons, suite,\n"
  "                           store, explore, model (ops without Wine), wine\n"
  "                           (ops and suite with Wine); default all\n"
  "      --no-wine            leave Wine out\n"
  "      --ops=N              model operations per kind (default 1000000)\n"
  "      --wine-ops=N         Wine operations per kind (default 200)\n"
  "      --sessions=N,N,...   session counts (default 10,1000,100000)\n"
  "      --suite=DIR          the scenarios of (c) (default scenarios)\n"
  "      --store-rows=N       step rows for (d) (default 200000)\n"
  "      --explore-steps=N    steps for (e) (default 2000000)\n"
  "      --repeat=N           model timings: the best of N runs (default 5)\n"
  "      --help               this text\n";

enum {
  BENCH_ONLY = OPT_LONG_BASE, BENCH_NO_WINE, BENCH_OPS, BENCH_WINE_OPS,
  BENCH_SESSIONS, BENCH_SUITE, BENCH_STORE_ROWS, BENCH_EXPLORE_STEPS, BENCH_REPEAT
};

static const struct option aBenchLong[] = {
  { "only",          required_argument, NULL, BENCH_ONLY },
  { "no-wine",       no_argument,       NULL, BENCH_NO_WINE },
  { "ops",           required_argument, NULL, BENCH_OPS },
  { "wine-ops",      required_argument, NULL, BENCH_WINE_OPS },
  { "sessions",      required_argument, NULL, BENCH_SESSIONS },
  { "suite",         required_argument, NULL, BENCH_SUITE },
  { "store-rows",    required_argument, NULL, BENCH_STORE_ROWS },
  { "explore-steps", required_argument, NULL, BENCH_EXPLORE_STEPS },
  { "repeat",        required_argument, NULL, BENCH_REPEAT },
  { NULL, 0, NULL, 0 }
};

static int bench_count(const char *z, long *pn){
  char *zEnd = NULL;
  long v = strtol(z, &zEnd, 10);
  if( zEnd == z || *zEnd || v <= 0 ) return 1;
  *pn = v;
  return 0;
}

/* Returns -1 to go on, or the exit status (0 after --help, 2 on bad usage). */
static int bench_parse(int argc, char **argv, BenchOptions *p){
  memset(p, 0, sizeof(*p));
  p->bOps = p->bSessions = p->bSuite = p->bStore = p->bExplore = 1;
  p->bLogons = 1;
  p->bWine = 1;
  p->nOps = 1000000;
  p->nWineOps = 200;
  p->anSessions[0] = 10; p->anSessions[1] = 1000; p->anSessions[2] = 100000;
  p->nSessions = 3;
  p->zSuite = "scenarios";
  p->nStoreRows = 200000;
  p->nExploreSteps = 2000000;
  p->nRepeat = 5;
  OptParser op;
  opt_init(&op, "bench", zBenchHelp, argc, argv, "", aBenchLong);
  int c;
  long n = 0;
  while( (c = opt_next(&op)) != OPT_END ){
    const char *zVal = op.zArg;
    switch( c ){
      case OPT_STOP: return op.rc;
      case BENCH_NO_WINE: p->bWine = 0; break;
      case BENCH_ONLY: {
        p->bOps = p->bSessions = p->bSuite = p->bStore = p->bExplore = 0;
        p->bLogons = 0;
        int bWineWord = 0;
        char zBuf[256];
        snprintf(zBuf, sizeof(zBuf), "%s", zVal);
        for(char *zW = strtok(zBuf, ","); zW; zW = strtok(NULL, ",")){
          if( strcmp(zW, "ops") == 0 || strcmp(zW, "model") == 0 ) p->bOps = 1;
          else if( strcmp(zW, "sessions") == 0 ) p->bSessions = 1;
          else if( strcmp(zW, "logons") == 0 ) p->bLogons = 1;
          else if( strcmp(zW, "suite") == 0 ) p->bSuite = 1;
          else if( strcmp(zW, "store") == 0 ) p->bStore = 1;
          else if( strcmp(zW, "explore") == 0 ) p->bExplore = 1;
          else if( strcmp(zW, "wine") == 0 ) bWineWord = 1;
          else{
            opt_done(&op);
            return opt_usage(&op, "--only takes ops, sessions, logons, suite, store, explore, "
                             "model, wine; not '%s'", zW);
          }
        }
        if( bWineWord && !p->bOps && !p->bSuite ) p->bOps = p->bSuite = 1;
        if( strstr(zVal, "model") && !bWineWord ) p->bWine = 0;
        break;
      }
      case BENCH_OPS:
        if( opt_long(&op, 1, 1000000000L, &p->nOps) ){ opt_done(&op); return 2; }
        break;
      case BENCH_WINE_OPS:
        if( opt_long(&op, 1, 1000000000L, &p->nWineOps) ){ opt_done(&op); return 2; }
        break;
      case BENCH_STORE_ROWS:
        if( opt_long(&op, 1, 1000000000L, &p->nStoreRows) ){ opt_done(&op); return 2; }
        break;
      case BENCH_EXPLORE_STEPS:
        if( opt_long(&op, 1, 1000000000000L, &p->nExploreSteps) ){ opt_done(&op); return 2; }
        break;
      case BENCH_REPEAT:
        if( opt_long(&op, 1, 100, &n) ){ opt_done(&op); return 2; }
        p->nRepeat = (int)n;
        break;
      case BENCH_SUITE: p->zSuite = zVal; break;
      case BENCH_SESSIONS: {
        char zBuf[256];
        snprintf(zBuf, sizeof(zBuf), "%s", zVal);
        p->nSessions = 0;
        for(char *zW = strtok(zBuf, ","); zW; zW = strtok(NULL, ",")){
          if( p->nSessions >= 8 || bench_count(zW, &p->anSessions[p->nSessions])
           || p->anSessions[p->nSessions] > 10000000 ){
            opt_done(&op);
            return opt_usage(&op, "--sessions takes up to 8 numbers from 1 to 10000000, "
                             "comma separated, not '%s'", zVal);
          }
          p->nSessions++;
        }
        break;
      }
      default:
        opt_done(&op);
        return opt_usage(&op, "unexpected option");
    }
  }
  if( op.iFirst < argc ){
    return opt_usage_cmd("bench", "bench takes no arguments, not '%s'", argv[op.iFirst]);
  }
  return -1;
}

/* ---------------------------------------------------------------- 2 ---- */

/* The world every throughput measurement uses. */
static const char zBenchWorld[] =
  "title bench\nsource mapscope bench\n\n"
  "user alice admin password=Al1ce-pw\n"
  "share \\\\fs1\\data\n";

/* A QueryDosDevice visitor that counts the targets. */
static int bench_count_target(void *pCtx, const char *zTarget){
  (void)zTarget;
  (*(long*)pCtx)++;
  return 0;
}

/* Model: nOps of each of define, query, remove (one cycle = 3 ops) as the
** full half of a current logon, directly on the model. Returns ns/op. */
static double bench_model_dosdev(long nOps){
  SimMachine *pM = NULL;
  SimLuid tok = 0;
  if( sim_machine_new(&pM) ) return -1;
  sim_machine_add_user(pM, "alice", SIM_ACCOUNT_ADMIN, 0, "Al1ce-pw");
  sim_machine_add_share(pM, "fs1", "data", 1, NULL, 0, 0);
  sim_logon_user(pM, "alice", SIM_LOGON_CURRENT, 0, NULL, &tok);
  double t0 = bench_now();
  int nErr = 0;
  long nLine = 0;
  for(long i = 0; i < nOps; i++){
    nErr += sim_define_dos_device(pM, tok, 0, "Q:", "C:\\data") != 0;
    nErr += sim_query_dos_device(pM, tok, "Q:", bench_count_target, &nLine) != 0;
    nErr += sim_define_dos_device(pM, tok, SIM_DDD_REMOVE_DEFINITION, "Q:", NULL) != 0;
  }
  double t = bench_now() - t0;
  sim_machine_free(pM);
  return nErr || nLine != nOps ? -1 : t * 1e9 / (double)(3 * nOps);
}

/* Model: WNetAddConnection2, WNetGetConnection, WNetCancelConnection2. */
static double bench_model_wnet(long nOps){
  SimMachine *pM = NULL;
  SimLuid tok = 0;
  if( sim_machine_new(&pM) ) return -1;
  sim_machine_add_user(pM, "alice", SIM_ACCOUNT_ADMIN, 0, "Al1ce-pw");
  sim_machine_add_share(pM, "fs1", "data", 1, NULL, 0, 0);
  sim_logon_user(pM, "alice", SIM_LOGON_CURRENT, 0, NULL, &tok);
  double t0 = bench_now();
  int nErr = 0;
  for(long i = 0; i < nOps; i++){
    const char *zRemote = NULL;
    nErr += sim_wnet_add_connection2(pM, tok, "Z:", "\\\\fs1\\data", NULL, NULL, 0) != 0;
    nErr += sim_wnet_get_connection(pM, tok, "Z:", &zRemote) != 0;
    nErr += sim_wnet_cancel_connection2(pM, tok, "Z:", 0, 0) != 0;
  }
  double t = bench_now() - t0;
  sim_machine_free(pM);
  return nErr ? -1 : t * 1e9 / (double)(3 * nOps);
}

/*
** A backend through its operations table: one `logon A alice current`,
** then nOps cycles of the three step lines. Returns ns per step, or -1
** with a reason in zWhy (unsupported, the backend did not start).
*/
static double bench_backend_cycle(const BackendOps *pOps, const char *const *azLine,
                                  long nOps, char *zWhy, size_t nWhy){
  Scenario *pScn = NULL;
  char zErr[256];
  StrBuf b = {0};
  strbuf_puts(&b, zBenchWorld);
  strbuf_puts(&b, "\nlogon A alice current\n");
  for(int k = 0; k < 3; k++) strbuf_printf(&b, "\n%s\n", azLine[k]);
  if( scn_parse_text("(bench)", strbuf_text(&b), b.n, &pScn, zErr, sizeof(zErr)) ){
    snprintf(zWhy, nWhy, "internal: %.200s", zErr);
    strbuf_reset(&b);
    return -1;
  }
  strbuf_reset(&b);
  BackendConn *pConn = NULL;
  char *zOpenErr = NULL;
  double rResult = -1;
  if( pOps->xOpen(pScn, NULL, &pConn, &zOpenErr) != 0 ){
    snprintf(zWhy, nWhy, "%s did not start: %.150s", pOps->zName,
             zOpenErr ? zOpenErr : "no reason given");
    free(zOpenErr);
    scn_free(pScn);
    return -1;
  }
  StepResult r;
  memset(&r, 0, sizeof(r));
  int rc = pOps->xStep(pConn, &pScn->aStep[0], &r);
  if( rc || r.eOutcome != BACKEND_DONE ){
    snprintf(zWhy, nWhy, "logon current: %.150s", r.zReason ? r.zReason : "failed");
    step_result_clear(&r);
    goto done;
  }
  step_result_clear(&r);
  double t0 = bench_now();
  for(long i = 0; i < nOps; i++){
    for(int k = 1; k <= 3; k++){
      rc = pOps->xStep(pConn, &pScn->aStep[k], &r);
      if( rc || r.eOutcome != BACKEND_DONE ){
        snprintf(zWhy, nWhy, "%s: %.150s", r.eOutcome == BACKEND_UNSUPPORTED
                 ? "unsupported" : "error", r.zReason ? r.zReason : "no reason");
        step_result_clear(&r);
        goto done;
      }
      step_result_clear(&r);
    }
  }
  rResult = (bench_now() - t0) * 1e9 / (double)(3 * nOps);
done:
  pOps->xClose(pConn);
  scn_free(pScn);
  return rResult;
}

/* The smaller of two timings, a negative one (failed) losing. */
static double bench_min(double rA, double rB){
  if( rA < 0 ) return rB;
  if( rB < 0 ) return rA;
  return rA < rB ? rA : rB;
}

static void bench_print_ns(const char *zWhat, double rNs){
  if( rNs < 0 ) bench_printf("  %-44s %14s\n", zWhat, "failed");
  else bench_printf("  %-44s %11.1f ns %14.0f ops/s\n", zWhat, rNs, 1e9 / rNs);
}

static void bench_ops(const BenchOptions *pOpt){
  static const char *const azDos[3] = {
    "as A define Q: C:\\data", "as A query Q:", "as A undefine Q:" };
  static const char *const azNet[3] = {
    "as A wnet add Z: \\\\fs1\\data", "as A wnet get Z:", "as A wnet cancel Z:" };
  bench_printf("(a) per-operation throughput (%ld model cycles, %ld Wine cycles)\n",
         pOpt->nOps, pOpt->nWineOps);
  double rDos = -1, rNet = -1, rDosText = -1, rNetText = -1;
  char zWhy[256];
  long nText = pOpt->nOps / 10 > 0 ? pOpt->nOps / 10 : 1;
  /* Each row is printed as soon as its best-of-N is known. */
  for(int k = 0; k < pOpt->nRepeat; k++){
    term_progress("(a) model define/query/remove: run %d of %d", k + 1, pOpt->nRepeat);
    rDos = bench_min(rDos, bench_model_dosdev(pOpt->nOps));
  }
  bench_print_ns("model define/query/remove (sim calls)", rDos);
  for(int k = 0; k < pOpt->nRepeat; k++){
    term_progress("(a) model add/get/cancel: run %d of %d", k + 1, pOpt->nRepeat);
    rNet = bench_min(rNet, bench_model_wnet(pOpt->nOps));
  }
  bench_print_ns("model add/get/cancel (sim calls)", rNet);
  for(int k = 0; k < pOpt->nRepeat; k++){
    term_progress("(a) backend steps define/query/remove: run %d of %d", k + 1, pOpt->nRepeat);
    rDosText = bench_min(rDosText, bench_backend_cycle(&backend_sim_ops, azDos, nText,
                                                       zWhy, sizeof(zWhy)));
  }
  bench_print_ns("model define/query/remove (backend steps)", rDosText);
  for(int k = 0; k < pOpt->nRepeat; k++){
    term_progress("(a) backend steps add/get/cancel: run %d of %d", k + 1, pOpt->nRepeat);
    rNetText = bench_min(rNetText, bench_backend_cycle(&backend_sim_ops, azNet, nText,
                                                       zWhy, sizeof(zWhy)));
  }
  bench_print_ns("model add/get/cancel (backend steps)", rNetText);
  if( !pOpt->bWine ){
    bench_printf("  %-44s %s\n", "Wine", "not measured (--no-wine)");
    return;
  }
  char zWhyDos[256] = "", zWhyNet[256] = "";
  term_progress("(a) Wine agent: %ld cycles of each kind", pOpt->nWineOps);
  double rWDos = bench_backend_cycle(&backend_wine_ops, azDos, pOpt->nWineOps,
                                     zWhyDos, sizeof(zWhyDos));
  double rWNet = bench_backend_cycle(&backend_wine_ops, azNet, pOpt->nWineOps,
                                     zWhyNet, sizeof(zWhyNet));
  if( backend_wine_ops.xShutdown ) backend_wine_ops.xShutdown(NULL);
  if( rWDos >= 0 ) bench_print_ns("Wine agent define/query/remove (steps)", rWDos);
  else bench_printf("  %-44s %s\n", "Wine agent define/query/remove", zWhyDos);
  if( rWNet >= 0 ) bench_print_ns("Wine agent add/get/cancel (steps)", rWNet);
  else bench_printf("  %-44s %s\n", "Wine agent add/get/cancel", zWhyNet);
  if( rWDos >= 0 && rDos > 0 ){
    bench_printf("  %-44s %11.0fx (sim calls), %.0fx (backend steps)   target >= 500x\n",
           "ratio model/Wine, define/query/remove", rWDos / rDos, rWDos / rDosText);
  }
  if( rWNet >= 0 && rNet > 0 ){
    bench_printf("  %-44s %11.0fx (sim calls)   target >= 500x\n",
           "ratio model/Wine, add/get/cancel", rWNet / rNet);
  }else{
    bench_printf("  %-44s %s\n", "ratio model/Wine, add/get/cancel",
           "n/a: Wine cannot do these operations (see the row above)");
  }
}

/* ---------------------------------------------------------------- 3 ---- */

/* Per-step cost with nSess live logon sessions. bRandom: each cycle acts
** as a random live session (every step then misses the CPU caches once the
** sessions outgrow them); else as one of 8 sessions, the others idle. */
static double bench_sessions_one(long nSess, long nOps, int bRandom, int nRepeat,
                                 double *prLogon){
  SimMachine *pM = NULL;
  if( sim_machine_new(&pM) ) return -1;
  sim_machine_add_user(pM, "alice", SIM_ACCOUNT_ADMIN, 0, "Al1ce-pw");
  sim_machine_add_user(pM, "bob", SIM_ACCOUNT_STANDARD, 0, "B0b-pw");
  sim_machine_add_share(pM, "fs1", "data", 1, NULL, 0, 0);
  SimLuid *aTok = malloc(sizeof(SimLuid) * (size_t)nSess);
  if( aTok == NULL ){ sim_machine_free(pM); return -1; }
  double t0 = bench_now();
  for(long i = 0; i < nSess; i++){
    if( sim_logon_user(pM, (i & 1) ? "bob" : "alice", SIM_LOGON_INTERACTIVE, 0,
                       (i & 1) ? "B0b-pw" : "Al1ce-pw", &aTok[i]) != 0 ){
      free(aTok);
      sim_machine_free(pM);
      return -1;
    }
  }
  *prLogon = (bench_now() - t0) * 1e9 / (double)nSess;
  int nErr = 0;
  long nLine = 0;
  double t = -1;
  for(int k = 0; k < nRepeat; k++){
  ExpRng rng;
  exp_rng_seed(&rng, 7);
  t0 = bench_now();
  for(long i = 0; i < nOps; i++){
    SimLuid tok = aTok[bRandom ? exp_rng_below(&rng, (unsigned)nSess)
                               : (unsigned)((i & 7) * (nSess / 8 ? nSess / 8 : 1)) % nSess];
    const char *zRemote = NULL;
    nErr += sim_define_dos_device(pM, tok, 0, "Q:", "C:\\data") != 0;
    nErr += sim_query_dos_device(pM, tok, "Q:", bench_count_target, &nLine) != 0;
    nErr += sim_define_dos_device(pM, tok, SIM_DDD_REMOVE_DEFINITION, "Q:", NULL) != 0;
    nErr += sim_wnet_add_connection2(pM, tok, "Z:", "\\\\fs1\\data", NULL, NULL, 0) != 0;
    nErr += sim_wnet_get_connection(pM, tok, "Z:", &zRemote) != 0;
    nErr += sim_wnet_cancel_connection2(pM, tok, "Z:", 0, 0) != 0;
  }
  t = bench_min(t, bench_now() - t0);
  }
  free(aTok);
  sim_machine_free(pM);
  return nErr || nLine != nOps * nRepeat ? -1 : t * 1e9 / (double)(6 * nOps);
}

static void bench_sessions(const BenchOptions *pOpt){
  long nOps = pOpt->nOps / 3 > 0 ? pOpt->nOps / 3 : 1;
  bench_printf("(b) model cost per step against live logon sessions (%ld six-step cycles:\n"
         "    define/query/remove, add/get/cancel; acting as 8 sessions, or as a random one)\n",
         nOps);
  double rBaseHot = -1, rBaseRand = -1;
  for(int i = 0; i < pOpt->nSessions; i++){
    double rLogon = 0, rLogon2 = 0;
    term_progress("(b) %ld sessions", pOpt->anSessions[i]);
    double rHot = bench_sessions_one(pOpt->anSessions[i], nOps, 0, pOpt->nRepeat, &rLogon);
    double rRand = bench_sessions_one(pOpt->anSessions[i], nOps, 1, pOpt->nRepeat, &rLogon2);
    if( i == 0 ){ rBaseHot = rHot; rBaseRand = rRand; }
    if( rHot < 0 || rRand < 0 ){
      bench_printf("  %8ld sessions: failed\n", pOpt->anSessions[i]);
      continue;
    }
    bench_printf("  %8ld sessions: 8 sessions %7.1f ns/step (ratio %4.2f)   random %7.1f "
           "ns/step (ratio %4.2f)   logon %.0f ns\n", pOpt->anSessions[i],
           rHot, rBaseHot > 0 ? rHot / rBaseHot : 0.0,
           rRand, rBaseRand > 0 ? rRand / rBaseRand : 0.0, rLogon);
  }
  bench_printf("  target: flat within 1.5x from the first to the last count\n");
}

/*
** (b2) The CLI path: a scenario of nLogon `logon L<i> ...` steps (every
** other one an administrator, split), then cycles of `as L<k> define`,
** `query`, `undefine` and `token` for 8 names spread over all of them,
** through backend_sim_ops.xStep as `mapscope run` calls it. Sets *prLogon
** to the mean ns per logon step and *prParse to the parse time in ms;
** returns the best ns per cycle step over nRepeat runs, or -1.
*/
static double bench_logons_one(long nLogon, long nOps, int nRepeat,
                               double *prLogon, double *prParse){
  StrBuf b = {0};
  Scenario *pScn = NULL;
  BackendConn *pConn = NULL;
  char zErr[256], *zOpenErr = NULL;
  StepResult r;
  double rBest = -1;
  strbuf_puts(&b, zBenchWorld);
  strbuf_puts(&b, "user bob standard password=B0b-pw\n");
  for(long i = 0; i < nLogon; i++){
    strbuf_printf(&b, "\nlogon L%ld %s interactive\n", i, (i & 1) ? "bob" : "alice");
  }
  for(int j = 0; j < 8; j++){
    long k = (long)j * (nLogon / 8) + (nLogon > 8 ? 1 : 0);
    if( k >= nLogon ) k = nLogon - 1;
    strbuf_printf(&b, "\nas L%ld define Q: C:\\data\n\nas L%ld query Q:\n"
                  "\nas L%ld undefine Q:\n\nas L%ld token\n", k, k, k, k);
  }
  double t0 = bench_now();
  int rc = scn_parse_text("(bench)", strbuf_text(&b), b.n, &pScn, zErr, sizeof(zErr));
  *prParse = (bench_now() - t0) * 1e3;
  strbuf_reset(&b);
  if( rc ) return -1;
  if( backend_sim_ops.xOpen(pScn, NULL, &pConn, &zOpenErr) != 0 ){
    free(zOpenErr);
    scn_free(pScn);
    return -1;
  }
  memset(&r, 0, sizeof(r));
  t0 = bench_now();
  int nErr = 0;
  for(long i = 0; i < nLogon; i++){
    nErr += backend_sim_ops.xStep(pConn, &pScn->aStep[i], &r) != 0
         || r.eOutcome != BACKEND_DONE || strcmp(r.zOutput, "ok") != 0;
    step_result_clear(&r);
  }
  *prLogon = (bench_now() - t0) * 1e9 / (double)nLogon;
  int nCycle = pScn->nStep - (int)nLogon;
  long nRound = nOps / nCycle > 0 ? nOps / nCycle : 1;
  for(int k = 0; k < nRepeat && nErr == 0; k++){
    t0 = bench_now();
    for(long i = 0; i < nRound; i++){
      for(int j = (int)nLogon; j < pScn->nStep; j++){
        nErr += backend_sim_ops.xStep(pConn, &pScn->aStep[j], &r) != 0
             || r.eOutcome != BACKEND_DONE || strncmp(r.zOutput, "error", 5) == 0;
        step_result_clear(&r);
      }
    }
    rBest = bench_min(rBest, (bench_now() - t0) * 1e9 / (double)(nRound * nCycle));
  }
  backend_sim_ops.xClose(pConn);
  scn_free(pScn);
  return nErr ? -1 : rBest;
}

static void bench_logons(const BenchOptions *pOpt){
  long nOps = pOpt->nOps / 10 > 0 ? pOpt->nOps / 10 : 1;
  bench_printf("(b2) the CLI path: cost per step through the sim backend against named logons\n"
         "    (%ld steps: as L<k> define/query/undefine/token for 8 names spread over all)\n",
         nOps);
  double rBase = -1;
  for(int i = 0; i < pOpt->nSessions; i++){
    double rLogon = 0, rParse = 0;
    term_progress("(b2) %ld logons", pOpt->anSessions[i]);
    double rStep = bench_logons_one(pOpt->anSessions[i], nOps, pOpt->nRepeat, &rLogon, &rParse);
    if( i == 0 ) rBase = rStep;
    if( rStep < 0 ){
      bench_printf("  %8ld logons: failed\n", pOpt->anSessions[i]);
      continue;
    }
    bench_printf("  %8ld logons: %7.1f ns/step (ratio %4.2f)   logon step %6.0f ns   "
           "parse %.0f ms\n", pOpt->anSessions[i], rStep,
           rBase > 0 ? rStep / rBase : 0.0, rLogon, rParse);
  }
  bench_printf("  target: flat within 1.5x from the first to the last count (issue 9 item 11)\n");
}

/* ---------------------------------------------------------------- 4 ---- */

/* Run every scenario on a backend; per-scenario wall times into arMs.
** Returns the number run, or -1 (reason in zWhy). */
static int bench_suite_on(const BackendOps *pOps, ScnFile *aFile, int nFile,
                          double *arMs, int *pnUnsupported, int *pnError,
                          char *zWhy, size_t nWhy){
  *pnUnsupported = *pnError = 0;
  for(int f = 0; f < nFile; f++){
    const Scenario *pScn = aFile[f].pScn;
    term_progress("(c) %s: %d of %d: %s", pOps->zName, f + 1, nFile, aFile[f].zPath);
    double t0 = bench_now();
    BackendConn *pConn = NULL;
    char *zErr = NULL;
    if( pOps->xOpen(pScn, NULL, &pConn, &zErr) != 0 ){
      snprintf(zWhy, nWhy, "%s did not start: %.150s", pOps->zName, zErr ? zErr : "?");
      free(zErr);
      return -1;
    }
    for(int s = 0; s < pScn->nStep; s++){
      StepResult r;
      memset(&r, 0, sizeof(r));
      int rc = pOps->xStep(pConn, &pScn->aStep[s], &r);
      if( r.eOutcome == BACKEND_UNSUPPORTED ) (*pnUnsupported)++;
      if( r.eOutcome == BACKEND_ERROR ) (*pnError)++;
      step_result_clear(&r);
      if( rc ) break;
    }
    pOps->xClose(pConn);
    arMs[f] = (bench_now() - t0) * 1e3;
  }
  return nFile;
}

static int bench_cmp_double(const void *a, const void *b){
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Total, mean, median and max of n per-scenario times. */
static void bench_suite_line(const char *zWhat, const double *arMs, int n){
  double rSum = 0, rMax = 0, rMedian = 0;
  double *arSorted = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1));
  for(int i = 0; i < n; i++){
    rSum += arMs[i];
    if( arMs[i] > rMax ) rMax = arMs[i];
    if( arSorted ) arSorted[i] = arMs[i];
  }
  if( arSorted && n > 0 ){
    qsort(arSorted, (size_t)n, sizeof(double), bench_cmp_double);
    rMedian = n % 2 ? arSorted[n/2] : (arSorted[n/2 - 1] + arSorted[n/2]) / 2;
  }
  free(arSorted);
  bench_printf("  %-22s total %9.1f ms   mean %8.2f   median %8.2f   max %8.2f ms/scenario\n",
         zWhat, rSum, n ? rSum / n : 0.0, rMedian, rMax);
}

/* 1 if the scenario has a reboot step (under Wine each one restarts the
** prefix's wineserver: a cold start that no scenario can avoid). */
static int bench_has_reboot(const Scenario *pScn){
  for(int i = 0; i < pScn->nStep; i++){
    if( pScn->aStep[i].eKind == SCN_STEP_REBOOT ) return 1;
  }
  return 0;
}

static void bench_suite(const BenchOptions *pOpt){
  char *azPath[1] = { (char*)pOpt->zSuite };
  ScnFile *aFile = NULL;
  int nFile = 0;
  bench_printf("(c) the bundled suite (%s)\n", pOpt->zSuite);
  if( access(pOpt->zSuite, R_OK) != 0 || load_scenarios("bench", azPath, 1, &aFile, &nFile) ){
    bench_printf("  cannot load %s: not measured\n", pOpt->zSuite);
    return;
  }
  int nStep = 0;
  for(int f = 0; f < nFile; f++) nStep += aFile[f].pScn->nStep;
  double *arSim = calloc((size_t)nFile + 1, sizeof(double));
  double *arWine = calloc((size_t)nFile + 1, sizeof(double));
  char zWhy[256];
  int nU, nE;
  double t0 = bench_now();
  if( bench_suite_on(&backend_sim_ops, aFile, nFile, arSim, &nU, &nE, zWhy, sizeof(zWhy)) < 0 ){
    bench_printf("  model: %s\n", zWhy);
  }else{
    double rTotal = (bench_now() - t0) * 1e3;
    bench_printf("  %d scenarios, %d steps; model: %.1f ms in all   target < 1000 ms\n",
           nFile, nStep, rTotal);
    bench_suite_line("model", arSim, nFile);
  }
  if( pOpt->bWine ){
    /* what every scenario pays before its first step: an agent (and its
    ** wineserver) started on the bench world and closed again */
    Scenario *pEmpty = NULL;
    char zErr[256];
    if( scn_parse_text("(bench)", zBenchWorld, strlen(zBenchWorld), &pEmpty,
                       zErr, sizeof(zErr)) == 0 ){
      double rBest = -1;
      for(int k = 0; k < 3; k++){
        BackendConn *pConn = NULL;
        char *zOpenErr = NULL;
        double t1 = bench_now();
        if( backend_wine_ops.xOpen(pEmpty, NULL, &pConn, &zOpenErr) != 0 ){
          free(zOpenErr);
          break;
        }
        backend_wine_ops.xClose(pConn);
        rBest = bench_min(rBest, (bench_now() - t1) * 1e3);
      }
      if( rBest >= 0 ){
        bench_printf("  Wine agent start+close, no steps: %.1f ms (best of 3)\n", rBest);
      }
      scn_free(pEmpty);
    }
  }
  if( !pOpt->bWine ){
    bench_printf("  Wine: not measured (--no-wine)\n");
  }else if( bench_suite_on(&backend_wine_ops, aFile, nFile, arWine, &nU, &nE,
                           zWhy, sizeof(zWhy)) < 0 ){
    bench_printf("  Wine: %s\n", zWhy);
  }else{
    bench_suite_line("Wine (prefix exists)", arWine, nFile);
    bench_printf("  Wine: %d steps unsupported, %d errors; target <= 100 ms per scenario\n", nU, nE);
    int nWithin = 0, nReboot = 0, nRebootWithin = 0;
    for(int f = 0; f < nFile; f++){
      int bReboot = bench_has_reboot(aFile[f].pScn);
      nReboot += bReboot;
      if( arWine[f] <= 100.0 ){ nWithin++; nRebootWithin += bReboot; }
    }
    bench_printf("  Wine: %d of %d scenarios within 100 ms; %d of the %d with a reboot step "
           "(each restarts the wineserver)\n", nWithin, nFile, nRebootWithin, nReboot);
    /* the slowest few, by name */
    for(int k = 0; k < 3 && k < nFile; k++){
      int iMax = -1;
      for(int f = 0; f < nFile; f++){
        if( arWine[f] >= 0 && (iMax < 0 || arWine[f] > arWine[iMax]) ) iMax = f;
      }
      if( iMax < 0 ) break;
      bench_printf("    slowest under Wine: %8.1f ms  %s\n", arWine[iMax], aFile[iMax].zPath);
      arWine[iMax] = -1;
    }
  }
  if( pOpt->bWine && backend_wine_ops.xShutdown ) backend_wine_ops.xShutdown(NULL);
  free(arSim);
  free(arWine);
  load_free(aFile, nFile);
}

/* ---------------------------------------------------------------- 5 ---- */

static void bench_store(const BenchOptions *pOpt){
  char zPath[] = "/tmp/mapscope-bench-XXXXXX";
  int fd = mkstemp(zPath);
  bench_printf("(d) results-store ingest (%ld step rows, 50 per scenario, temp database)\n",
         pOpt->nStoreRows);
  if( fd < 0 ){
    bench_printf("  cannot make a temp file: not measured\n");
    return;
  }
  close(fd);
  unlink(zPath);
  Store *pStore = NULL;
  char zErr[256], zRunId[37];
  if( store_open(zPath, &pStore, zErr, (int)sizeof(zErr)) != 0 ){
    bench_printf("  %s: not measured\n", zErr);
    return;
  }
  StoreRunInfo info;
  memset(&info, 0, sizeof(info));
  info.zKind = "run";
  info.zBackends = "sim";
  info.zCommandLine = "mapscope bench";
  info.zMapscopeVersion = MAPSCOPE_VERSION;
  double t0 = bench_now();
  int rc = store_run_begin(pStore, &info, zRunId);
  long nDone = 0;
  for(long s = 0; rc == 0 && nDone < pOpt->nStoreRows; s++){
    char zScn[64];
    snprintf(zScn, sizeof(zScn), "bench/%ld.scn", s);
    rc = store_scenario_begin(pStore, zScn, "bench", zScn, strlen(zScn));
    for(int i = 0; rc == 0 && i < 50 && nDone < pOpt->nStoreRows; i++, nDone++){
      StoreBackendResult res = { "sim", "pass", "Z: \\\\fs1\\data local", NULL, 0.01 };
      StoreStep st;
      memset(&st, 0, sizeof(st));
      st.iPosition = i;
      st.iLine = i + 3;
      st.zWho = "A";
      st.zCommand = "as A net use Z: \\\\fs1\\data";
      st.zExpected = "ok";
      st.aResult = &res;
      st.nResult = 1;
      rc = store_step(pStore, &st);
    }
    if( rc == 0 ) rc = store_scenario_end(pStore, 1);
  }
  if( rc == 0 ) rc = store_run_end(pStore, (int)nDone, 0, 0);
  double t = bench_now() - t0;
  if( rc ) bench_printf("  failed: %s\n", store_errmsg(pStore));
  else bench_printf("  %ld rows in %.3f s: %.0f step rows/s\n", nDone, t, nDone / t);
  store_close(pStore);
  unlink(zPath);
  char zSide[80];
  snprintf(zSide, sizeof(zSide), "%s-wal", zPath); unlink(zSide);
  snprintf(zSide, sizeof(zSide), "%s-shm", zPath); unlink(zSide);
  snprintf(zSide, sizeof(zSide), "%s-journal", zPath); unlink(zSide);
}

/* ---------------------------------------------------------------- 6 ---- */

static void bench_explore(const BenchOptions *pOpt){
  ExpWorld w;
  char zErr[256];
  bench_printf("(e) model-only exploration (%ld steps, built-in world, invariants after every step)\n",
         pOpt->nExploreSteps);
  if( exp_world_init(&w, NULL, zErr, sizeof(zErr)) != 0 ){
    bench_printf("  %s\n", zErr);
    return;
  }
  double rBest = 0;
  long nFail = 0, nV2 = 0, nAll = 0;
  for(int k = 0; k < pOpt->nRepeat; k++){
    long nDone = 0;
    nFail = 0;
    term_progress("(e) run %d of %d", k + 1, pOpt->nRepeat);
    double t0 = bench_now();
    for(long iEp = 0; nDone < pOpt->nExploreSteps; iEp++){
      ExpSim x;
      ExpGen g;
      if( exp_sim_open(&x, &w) != 0 ) break;
      exp_gen_init(&g, &w, EXP_PROFILE_MODEL, (uint64_t)iEp + 1);
      for(long i = 0; i < 10000 && nDone < pOpt->nExploreSteps; i++, nDone++){
        ExpStep s;
        exp_gen_next(&g, &s);
        exp_sim_step(&x, &s, NULL);
      }
      nFail += x.eFailed != EXP_INV_NONE;
      exp_sim_close(&x);
    }
    double rRate = nDone / (bench_now() - t0);
    if( rRate > rBest ) rBest = rRate;
  }
  /* the share of language v2 forms in what was timed (the same stream,
  ** generated again outside the clock) */
  for(long iEp = 0; nAll < pOpt->nExploreSteps; iEp++){
    ExpGen g;
    exp_gen_init(&g, &w, EXP_PROFILE_MODEL, (uint64_t)iEp + 1);
    for(long i = 0; i < 10000 && nAll < pOpt->nExploreSteps; i++, nAll++){
      ExpStep s;
      exp_gen_next(&g, &s);
      nV2 += exp_step_is_v2(&w, &s);
    }
  }
  bench_printf("  %.0f steps/s on one core, generation included (%ld episodes with a failed "
         "invariant)   target >= 1,000,000\n", rBest, nFail);
  bench_printf("  of these steps %.1f%% use a language v2 form (ssh, netonly, task, s4u, elevate, "
         "net use *, deviceless, reg, alias, wildcard, NULL/empty password, v2 policy)\n",
         nAll ? 100.0 * nV2 / nAll : 0.0);
  exp_world_free(&w);
}

/* ---------------------------------------------------------------- 7 ---- */

int cmd_bench(int argc, char **argv){
  BenchOptions opt;
  int rc = bench_parse(argc, argv, &opt);
  if( rc >= 0 ) return rc;
  /* Rows as they are measured, even into a pipe or a file. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  term_progress_enable(stderr, 1);
  bench_printf("mapscope bench %s\n", MAPSCOPE_VERSION);
  if( opt.bOps ) bench_ops(&opt);
  if( opt.bSessions ) bench_sessions(&opt);
  if( opt.bLogons ) bench_logons(&opt);
  if( opt.bSuite ) bench_suite(&opt);
  if( opt.bStore ) bench_store(&opt);
  if( opt.bExplore ) bench_explore(&opt);
  return 0;
}
