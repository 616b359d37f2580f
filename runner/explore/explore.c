/*
** runner/explore/explore.c: `mapscope explore`, random exploration with shrinking.
**
**   mapscope explore [--seed N] [--steps N] [--world FILE]
**                    [--against wine|windows|sim] [--agent-cmd CMD]
**                    [--episode N] [--seconds N] [--full-check]
**                    [--db FILE | --no-db] [--out FILE] [--todo-dir DIR]...
**                    [--keep-going] [--plant-bug N]
**
** Model only (no --against): episodes of --episode steps (default 10,000),
** each on a fresh machine, are generated from the seed and applied to the
** model through the fast path (fastpath.c), checking the invariants
** after every step. Differential (--against): each episode runs on the
** model and on the other backend through the operations table (for Wine
** the generator makes what Wine can run: one `current` logon, then `as`
** steps), and every step's outputs are compared. `--against sim` compares
** the model with a second model instance, with the fast path; with
** --plant-bug N the second one carries a deliberately planted bug (a test
** of the explorer itself).
**
** The first failure (an invariant, or a divergence that is not a known gap;
** with --keep-going in a differential run, every new kind of failure) is
** shrunk (shrink.c) and written as a ready-to-run .scn file whose
** expected blocks come from the (clean) model. The run is stored in the
** results database with kind "explore".
**
** Contents:
**   1. Options
**   2. Running steps on a backend (outputs for files, replays)
**   3. Known gaps: divergences a bundled `todo` explains
**   4. Model-only and --against sim exploration (fast path)
**   5. Differential exploration through the operations table
**   6. Writing and storing the minimal scenario
**   7. The entry point
*/
#include <dirent.h>
#include <limits.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "runner/backends/backend_sim.h"
#include "runner/cli/commands.h"
#include "runner/cli/options.h"
#include "runner/explore/explore.h"
#include "runner/engine/load.h"
#include "runner/util/strbuf.h"
#include "results/store.h"
#include "sim/sim.h"

/* ---------------------------------------------------------------- 1 ---- */

#define EXP_HELP_SHOWN (-100)   /* exp_parse_options: --help printed, exit 0 */

typedef struct ExpOptions ExpOptions;
struct ExpOptions {
  uint64_t iSeed;            /* --seed */
  int bSeedGiven;            /* --seed was given */
  long nSteps;               /* --steps: total steps to generate */
  const char *zWorld;        /* --world FILE */
  const char *zAgainst;      /* --against NAME, or NULL */
  const char *zAgentCmd;     /* --agent-cmd */
  long nEpisode;             /* --episode: steps per fresh instance */
  double rSeconds;           /* --seconds: stop after this long (0: never) */
  int bFullCheck;            /* --full-check */
  const char *zDb;           /* --db */
  int bNoDb;                 /* --no-db */
  const char *zOut;          /* --out */
  const char *azTodoDir[4];  /* --todo-dir (repeatable) */
  int nTodoDir;              /* entries in azTodoDir */
  int bKeepGoing;            /* --keep-going: write every new finding */
  unsigned iPlantBug;        /* --plant-bug (test only) */
};

static int exp_usage(const char *zWhat, const char *zArg){
  if( zArg ) return opt_usage_cmd("explore", "%s: %s", zWhat, zArg);
  return opt_usage_cmd("explore", "%s", zWhat);
}

static const char zExploreHelp[] =
  "usage: mapscope explore [options]\n"
  "\n"
  "Random step sequences, checked against the model's invariants (and with\n"
  "--against, against another backend); the first failure is shrunk to a\n"
  "scenario (docs/explore.md).\n"
  "\n"
  "      --seed=N          the seed (default: from the clock, printed)\n"
  "      --steps=N         steps in all (default 1000000 on the model, 600\n"
  "                        against Wine; no limit when only --seconds is given)\n"
  "      --seconds=N       stop after N seconds (on the model within a few\n"
  "                        milliseconds; a differential run ends its episode)\n"
  "      --episode=N       steps per fresh machine (default 10000, Wine 30)\n"
  "      --world=FILE      the world (users, shares) from a scenario file\n"
  "      --against=NAME    wine, windows or sim (a second model)\n"
  "      --agent-cmd=CMD   how to start the agent (windows)\n"
  "      --todo-dir=DIR    where the known gaps' todos are (repeatable)\n"
  "      --keep-going      write every new finding, not only the first\n"
  "      --full-check      check every invariant after every step\n"
  "      --out=FILE        the shrunk scenario (default explore-SEED.scn)\n"
  "      --db=FILE, --no-db   the results database, or none\n"
  "      --help            this text\n";

enum {
  EXP_OPT_SEED = OPT_LONG_BASE, EXP_OPT_STEPS, EXP_OPT_WORLD, EXP_OPT_AGAINST,
  EXP_OPT_AGENT_CMD, EXP_OPT_EPISODE, EXP_OPT_SECONDS, EXP_OPT_DB, EXP_OPT_NO_DB,
  EXP_OPT_OUT, EXP_OPT_TODO_DIR, EXP_OPT_KEEP_GOING, EXP_OPT_FULL_CHECK,
  EXP_OPT_PLANT_BUG
};

static const struct option aExploreLong[] = {
  { "seed",       required_argument, NULL, EXP_OPT_SEED },
  { "steps",      required_argument, NULL, EXP_OPT_STEPS },
  { "world",      required_argument, NULL, EXP_OPT_WORLD },
  { "against",    required_argument, NULL, EXP_OPT_AGAINST },
  { "agent-cmd",  required_argument, NULL, EXP_OPT_AGENT_CMD },
  { "episode",    required_argument, NULL, EXP_OPT_EPISODE },
  { "seconds",    required_argument, NULL, EXP_OPT_SECONDS },
  { "db",         required_argument, NULL, EXP_OPT_DB },
  { "no-db",      no_argument,       NULL, EXP_OPT_NO_DB },
  { "out",        required_argument, NULL, EXP_OPT_OUT },
  { "todo-dir",   required_argument, NULL, EXP_OPT_TODO_DIR },
  { "keep-going", no_argument,       NULL, EXP_OPT_KEEP_GOING },
  { "full-check", no_argument,       NULL, EXP_OPT_FULL_CHECK },
  { "plant-bug",  required_argument, NULL, EXP_OPT_PLANT_BUG },
  { NULL, 0, NULL, 0 }
};

static int exp_parse_count(const char *z, long *pn){
  char *zEnd = NULL;
  errno = 0;
  long long v = strtoll(z, &zEnd, 10);
  if( errno || zEnd == z || *zEnd != 0 || v < 0 ) return 1;
  *pn = (long)v;
  return 0;
}

static int exp_parse_options(int argc, char **argv, ExpOptions *pOpt){
  memset(pOpt, 0, sizeof(*pOpt));
  pOpt->nSteps = -1;
  pOpt->nEpisode = -1;
  OptParser op;
  opt_init(&op, "explore", zExploreHelp, argc, argv, "", aExploreLong);
  int c;
  while( (c = opt_next(&op)) != OPT_END ){
    if( c == OPT_STOP ) return op.rc == 0 ? EXP_HELP_SHOWN : op.rc;
    const char *zVal = op.zArg;
    long n = 0;
    int rc = 0;
    switch( c ){
      case EXP_OPT_SEED: {
        char *zEnd = NULL;
        errno = 0;
        unsigned long long v = strtoull(zVal, &zEnd, 0);
        if( errno || zEnd == zVal || *zEnd ){ rc = exp_usage("--seed takes a number", zVal); break; }
        pOpt->iSeed = v;
        pOpt->bSeedGiven = 1;
        break;
      }
      case EXP_OPT_STEPS:
        if( exp_parse_count(zVal, &n) || n == 0 ){ rc = exp_usage("--steps takes a positive number", zVal); break; }
        pOpt->nSteps = n;
        break;
      case EXP_OPT_EPISODE:
        if( exp_parse_count(zVal, &n) || n == 0 ){ rc = exp_usage("--episode takes a positive number", zVal); break; }
        pOpt->nEpisode = n;
        break;
      case EXP_OPT_SECONDS:
        if( exp_parse_count(zVal, &n) || n == 0 ){ rc = exp_usage("--seconds takes a positive number", zVal); break; }
        pOpt->rSeconds = (double)n;
        break;
      case EXP_OPT_WORLD: pOpt->zWorld = zVal; break;
      case EXP_OPT_AGAINST:
        if( strcmp(zVal, "wine") && strcmp(zVal, "windows") && strcmp(zVal, "sim") ){
          rc = exp_usage("--against takes wine, windows or sim", zVal);
          break;
        }
        pOpt->zAgainst = zVal;
        break;
      case EXP_OPT_AGENT_CMD: pOpt->zAgentCmd = zVal; break;
      case EXP_OPT_DB: pOpt->zDb = zVal; break;
      case EXP_OPT_NO_DB: pOpt->bNoDb = 1; break;
      case EXP_OPT_OUT: pOpt->zOut = zVal; break;
      case EXP_OPT_TODO_DIR:
        if( pOpt->nTodoDir >= 4 ){ rc = exp_usage("at most 4 --todo-dir", zVal); break; }
        pOpt->azTodoDir[pOpt->nTodoDir++] = zVal;
        break;
      case EXP_OPT_KEEP_GOING: pOpt->bKeepGoing = 1; break;
      case EXP_OPT_FULL_CHECK: pOpt->bFullCheck = 1; break;
      case EXP_OPT_PLANT_BUG:
        if( exp_parse_count(zVal, &n) || n == 0 ){ rc = exp_usage("--plant-bug takes a bug number", zVal); break; }
        pOpt->iPlantBug = (unsigned)n;
        break;
      default:
        rc = exp_usage("unexpected option", NULL);
        break;
    }
    if( rc ){
      opt_done(&op);
      return rc;
    }
  }
  if( op.iFirst < argc ){
    return exp_usage("explore takes no arguments", argv[op.iFirst]);
  }
  if( pOpt->zDb && pOpt->bNoDb ) return exp_usage("--db and --no-db contradict each other", NULL);
  if( pOpt->zOut ){
    /* checked now, not after a long search: the folder must take the file */
    char zDir[4096];
    snprintf(zDir, sizeof(zDir), "%s", pOpt->zOut);
    char *zSlash = strrchr(zDir, '/');
    if( zSlash == NULL ) snprintf(zDir, sizeof(zDir), ".");
    else if( zSlash == zDir ) zDir[1] = 0;
    else *zSlash = 0;
    if( access(zDir, W_OK) != 0 ){
      return exp_usage("--out: cannot write in that folder", pOpt->zOut);
    }
  }
  if( pOpt->zAgainst && strcmp(pOpt->zAgainst, "windows") == 0 && pOpt->zAgentCmd == NULL ){
    return exp_usage("--against windows needs --agent-cmd \"CMD\"", NULL);
  }
  if( pOpt->iPlantBug && pOpt->zAgainst && strcmp(pOpt->zAgainst, "sim") != 0 ){
    return exp_usage("--plant-bug goes with the model only, or --against sim", NULL);
  }
  if( pOpt->iPlantBug && exp_plant_bug(NULL, pOpt->iPlantBug) != 0 ){
    return exp_usage("this model has no planted bug of that number", NULL);
  }
  int bSlow = pOpt->zAgainst && strcmp(pOpt->zAgainst, "sim") != 0;
  /* --seconds alone: the clock is the limit, not a step count. */
  if( pOpt->nSteps < 0 && pOpt->rSeconds > 0 ) pOpt->nSteps = LONG_MAX;
  if( pOpt->nSteps < 0 ) pOpt->nSteps = bSlow ? 600 : 1000000;
  if( pOpt->nEpisode < 0 ) pOpt->nEpisode = bSlow ? 30 : 10000;
  if( !pOpt->bSeedGiven ){
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    pOpt->iSeed = ((uint64_t)ts.tv_sec * 1000003u) ^ (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 20);
    pOpt->iSeed %= 1000000000ull;
  }
  return 0;
}

static double exp_now(void){
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The seed of one episode: episodes are independent, so any one can be
** replayed from (seed, episode). */
static uint64_t exp_episode_seed(uint64_t iSeed, long iEpisode){
  return iSeed * 0x9e3779b97f4a7c15ull + (uint64_t)iEpisode * 0xd1b54a32d192ed03ull + 1;
}

/* ---------------------------------------------------------------- 2 ---- */

/* The outcome of running steps on one backend. */
typedef struct ExpRun ExpRun;
struct ExpRun {
  int nStep;                 /* steps run */
  StepResult *aRes;          /* one per step (owned) */
  char *zOpenError;          /* why the backend did not start, or NULL */
};

static void exp_run_clear(ExpRun *p){
  for(int i = 0; i < p->nStep; i++) step_result_clear(&p->aRes[i]);
  free(p->aRes);
  free(p->zOpenError);
  memset(p, 0, sizeof(*p));
}

/*
** Run the steps on a backend as one scenario: a copy of the world with the
** steps attached. pPlant (may be 0) is a bug number planted in a sim
** instance (test only). Returns 0; the results are in *pRun (later steps
** are BACKEND_ERROR if the instance died).
*/
static int exp_backend_run(const BackendOps *pOps, const char *zOptions,
                           const ExpWorld *pW, const ExpStep *aStep, int nStep,
                           unsigned iPlant, ExpRun *pRun){
  memset(pRun, 0, sizeof(*pRun));
  Scenario scn = *pW->pWorld;
  ScnStep *aScn = calloc((size_t)nStep + 1, sizeof(ScnStep));
  pRun->aRes = calloc((size_t)nStep + 1, sizeof(StepResult));
  if( aScn == NULL || pRun->aRes == NULL ){
    fputs("mapscope: out of memory\n", stderr);
    exit(3);
  }
  for(int i = 0; i < nStep; i++){
    if( exp_step_to_scn(pW, &aStep[i], i, &aScn[i]) != 0 ){
      fputs("mapscope: out of memory\n", stderr);
      exit(3);
    }
    aScn[i].iLine = i + 1;
  }
  scn.aStep = aScn;
  scn.nStep = nStep;
  scn.zFile = "(explore)";
  pRun->nStep = nStep;
  BackendConn *pConn = NULL;
  char *zErr = NULL;
  if( pOps->xOpen(&scn, zOptions, &pConn, &zErr) != 0 ){
    pRun->zOpenError = zErr ? zErr : strdup("could not start the backend");
    for(int i = 0; i < nStep; i++){
      pRun->aRes[i].eOutcome = BACKEND_ERROR;
      pRun->aRes[i].zReason = strdup(pRun->zOpenError);
    }
  }else{
    if( iPlant && pOps == &backend_sim_ops ){
      exp_plant_bug(backend_sim_machine(pConn), iPlant);
    }
    int bDead = 0;
    for(int i = 0; i < nStep; i++){
      if( bDead ){
        pRun->aRes[i].eOutcome = BACKEND_ERROR;
        pRun->aRes[i].zReason = strdup("the instance failed earlier");
        continue;
      }
      if( pOps->xStep(pConn, &aScn[i], &pRun->aRes[i]) != 0 ) bDead = 1;
    }
    pOps->xClose(pConn);
  }
  for(int i = 0; i < nStep; i++) scn_step_clear(&aScn[i]);
  free(aScn);
  return 0;
}

/* ---------------------------------------------------------------- 3 ---- */

/* Known gaps live in gaps.c (exp_gap_classify and friends). */

/* ---------------------------------------------------------------- 4 ---- */

/* What an exploration found. */
typedef struct ExpFinding ExpFinding;
struct ExpFinding {
  int bFound;                /* a failure was found */
  long iEpisode;             /* in which episode */
  int iStep;                 /* at which step of it */
  ExpStep *aStep;            /* the episode's steps up to the failure (owned) */
  int nStep;                 /* entries in aStep */
  ExpInvariant eInv;         /* invariant, or EXP_INV_PLANTED_DIVERGENCE /
                             ** EXP_INV_NONE for a backend divergence */
  char zDetail[320];         /* what failed */
  uint8_t eCmd, eKind;       /* the failing step's kind and command */
  char zOther[96];           /* the other backend's output there (first line) */
};

/* Replay steps on the model (and a planted twin): does it fail the way
** the finding did? */
typedef struct ExpFastCtx ExpFastCtx;
struct ExpFastCtx {
  const ExpWorld *pW;        /* the world */
  const ExpFinding *pF;      /* what to reproduce */
  unsigned iPlant;           /* planted bug of the twin, 0 for none */
  int bFullCheck;            /* check everything after every step */
  unsigned iPlantSelf;       /* planted bug of the checked model itself */
};

/* Run steps on the fast path; returns the index of the first failing step
** (invariant or twin divergence) or -1; *peInv says which. */
static int exp_fast_replay(const ExpWorld *pW, const ExpStep *aStep, int nStep,
                           unsigned iPlant, unsigned iPlantSelf, int bFullCheck,
                           ExpInvariant *peInv, char *zDetail, size_t nDetail){
  ExpSim x, y;
  int iFail = -1;
  *peInv = EXP_INV_NONE;
  if( exp_sim_open(&x, pW) != 0 ) return -1;
  if( iPlantSelf ) exp_plant_bug(x.pM, iPlantSelf);
  x.bFullCheck = bFullCheck;
  if( iPlant ){
    if( exp_sim_open(&y, pW) != 0 ){ exp_sim_close(&x); return -1; }
    exp_plant_bug(y.pM, iPlant);
  }
  for(int i = 0; i < nStep; i++){
    uint64_t hx = 0, hy = 0;
    exp_sim_step(&x, &aStep[i], &hx);
    if( x.eFailed ){
      *peInv = x.eFailed;
      if( zDetail ) snprintf(zDetail, nDetail, "%s", x.zDetail);
      iFail = i;
      break;
    }
    if( iPlant ){
      y.bFullCheck = 0;
      exp_sim_step(&y, &aStep[i], &hy);
      if( hx != hy ){
        *peInv = EXP_INV_PLANTED_DIVERGENCE;
        if( zDetail ) snprintf(zDetail, nDetail, "the step's output differs between "
                               "the model and the model with bug %u planted", iPlant);
        iFail = i;
        break;
      }
    }
  }
  exp_sim_close(&x);
  if( iPlant ) exp_sim_close(&y);
  return iFail;
}

static int exp_fast_fails(void *pCtx, const ExpStep *aStep, int nStep){
  ExpFastCtx *p = pCtx;
  ExpInvariant e;
  int i = exp_fast_replay(p->pW, aStep, nStep, p->iPlant, p->iPlantSelf, p->bFullCheck,
                          &e, NULL, 0);
  return i >= 0 && e == p->pF->eInv && aStep[i].eCmd == p->pF->eCmd
      && aStep[i].eKind == p->pF->eKind;
}

/* Progress on a terminal, quiet otherwise. */
typedef struct ExpProgress ExpProgress;
struct ExpProgress {
  int bTty;                  /* stderr is a terminal */
  double rStart;             /* start time */
  double rLast;              /* last print */
};

static void exp_progress(ExpProgress *p, long nDone, long nTotal, long nDiverge){
  if( !p->bTty ) return;
  double rNow = exp_now();
  if( rNow - p->rLast < 0.2 ) return;
  p->rLast = rNow;
  double rRate = nDone / (rNow - p->rStart + 1e-9);
  fprintf(stderr, "\rexplore: %ld/%ld steps, %.0f steps/s, %ld failures ",
          nDone, nTotal, rRate, nDiverge);
  fflush(stderr);
}

static void exp_progress_end(ExpProgress *p){
  if( p->bTty ){
    fputs("\r\033[K", stderr);
    fflush(stderr);
  }
}

/* Explore on the fast path. Returns steps run; fills *pF on a failure. */
static long exp_explore_fast(const ExpOptions *pOpt, const ExpWorld *pW, ExpFinding *pF){
  ExpProgress prog = { isatty(2), exp_now(), 0 };
  long nDone = 0;
  double rStart = exp_now();
  int bTimeUp = 0;
  ExpStep *aStep = malloc(sizeof(ExpStep) * (size_t)pOpt->nEpisode);
  if( aStep == NULL ){ fputs("mapscope: out of memory\n", stderr); exit(3); }
  for(long iEp = 0; nDone < pOpt->nSteps && !bTimeUp; iEp++){
    long nEp = pOpt->nEpisode;
    if( nEp > pOpt->nSteps - nDone ) nEp = pOpt->nSteps - nDone;
    ExpGen g;
    exp_gen_init(&g, pW, EXP_PROFILE_MODEL, exp_episode_seed(pOpt->iSeed, iEp));
    ExpSim x, y;
    if( exp_sim_open(&x, pW) != 0 ){ fputs("mapscope: out of memory\n", stderr); exit(3); }
    x.bFullCheck = pOpt->bFullCheck;
    if( !pOpt->zAgainst && pOpt->iPlantBug ) exp_plant_bug(x.pM, pOpt->iPlantBug);
    if( pOpt->zAgainst ){
      if( exp_sim_open(&y, pW) != 0 ){ fputs("mapscope: out of memory\n", stderr); exit(3); }
      if( pOpt->iPlantBug ) exp_plant_bug(y.pM, pOpt->iPlantBug);
    }
    int iFail = -1;
    for(long i = 0; i < nEp; i++){
      uint64_t hx, hy;
      exp_gen_next(&g, &aStep[i]);
      exp_sim_step(&x, &aStep[i], &hx);
      if( x.eFailed ){
        iFail = (int)i;
        pF->eInv = x.eFailed;
        snprintf(pF->zDetail, sizeof(pF->zDetail), "%s", x.zDetail);
        break;
      }
      if( pOpt->zAgainst ){
        exp_sim_step(&y, &aStep[i], &hy);
        if( hx != hy ){
          iFail = (int)i;
          pF->eInv = EXP_INV_PLANTED_DIVERGENCE;
          snprintf(pF->zDetail, sizeof(pF->zDetail), "the output differs between the "
                   "model and the second model%s", pOpt->iPlantBug ? " (bug planted)" : "");
          break;
        }
      }
      if( (i & 0xffff) == 0xffff ) exp_progress(&prog, nDone + i, pOpt->nSteps, 0);
      /* --seconds: the clock is read every 1024 steps (about a
      ** millisecond on the fast path), and the episode ends there. */
      if( pOpt->rSeconds > 0 && (i & 0x3ff) == 0x3ff
       && exp_now() - rStart >= pOpt->rSeconds ){
        nEp = i + 1;
        bTimeUp = 1;
        break;
      }
    }
    exp_sim_close(&x);
    if( pOpt->zAgainst ) exp_sim_close(&y);
    if( iFail >= 0 ){
      nDone += iFail + 1;
      pF->bFound = 1;
      pF->iEpisode = iEp;
      pF->iStep = iFail;
      pF->nStep = iFail + 1;
      pF->aStep = aStep;
      pF->eCmd = aStep[iFail].eCmd;
      pF->eKind = aStep[iFail].eKind;
      exp_progress_end(&prog);
      return nDone;
    }
    nDone += nEp;
    exp_progress(&prog, nDone, pOpt->nSteps, 0);
  }
  exp_progress_end(&prog);
  free(aStep);
  return nDone;
}

/* ---------------------------------------------------------------- 5 ---- */

/* Counts of a differential exploration. */
typedef struct ExpDiffStats ExpDiffStats;
struct ExpDiffStats {
  long nStep;                /* steps run on both */
  long nAgree;               /* equal outputs */
  long nUnsupported;         /* the other backend could not do the step */
  long nError;               /* harness or agent errors */
  long nKnown;               /* divergences a known gap explains */
  long nFollow;              /* divergences after a known gap, same family */
  long nNew;                 /* new findings */
  long anGap[EXP_N_GAP];     /* divergences per known gap */
  long nEpisode;             /* episodes run */
};

/* Where the first new divergence is in two runs of the same steps, or -1.
** Counts into pStats when not NULL. */
static int exp_compare_runs(const ExpStep *aStep, int nStep, const ExpRun *pA,
                            const ExpRun *pB, const int *anReason,
                            ExpDiffStats *pStats){
  int abGapFamily[5] = {0};
  for(int i = 0; i < nStep; i++){
    const StepResult *a = &pA->aRes[i], *b = &pB->aRes[i];
    if( pStats ) pStats->nStep++;
    if( a->eOutcome == BACKEND_ERROR || b->eOutcome == BACKEND_ERROR ){
      if( pStats ) pStats->nError++;
      continue;
    }
    if( b->eOutcome == BACKEND_UNSUPPORTED || a->eOutcome == BACKEND_UNSUPPORTED ){
      if( pStats ) pStats->nUnsupported++;
      continue;
    }
    if( scn_output_equal(a->zOutput, b->zOutput) ){
      if( pStats ) pStats->nAgree++;
      continue;
    }
    int g = exp_gap_classify(&aStep[i], a->zOutput, b->zOutput, anReason);
    int iFam = exp_step_family(&aStep[i]);
    if( g >= 0 ){
      abGapFamily[iFam] = 1;
      if( pStats ){ pStats->nKnown++; pStats->anGap[g]++; }
      continue;
    }
    if( abGapFamily[iFam] ){
      if( pStats ) pStats->nFollow++;
      continue;
    }
    if( pStats ) pStats->nNew++;
    return i;
  }
  return -1;
}

/* Replay on the model and the other backend: does it diverge anew at a
** step of the same kind? */
typedef struct ExpDiffCtx ExpDiffCtx;
struct ExpDiffCtx {
  const ExpWorld *pW;        /* the world */
  const BackendOps *pOther;  /* the other backend */
  const char *zOptions;      /* its options */
  const ExpFinding *pF;      /* what to reproduce */
  const int *anReason;       /* todo reasons per known gap */
};

static int exp_diff_fails(void *pCtx, const ExpStep *aStep, int nStep){
  ExpDiffCtx *p = pCtx;
  ExpRun a, b;
  exp_backend_run(&backend_sim_ops, NULL, p->pW, aStep, nStep, 0, &a);
  exp_backend_run(p->pOther, p->zOptions, p->pW, aStep, nStep, 0, &b);
  int i = exp_compare_runs(aStep, nStep, &a, &b, p->anReason, NULL);
  exp_run_clear(&a);
  exp_run_clear(&b);
  return i >= 0 && aStep[i].eCmd == p->pF->eCmd && aStep[i].eKind == p->pF->eKind;
}

/* Differential exploration through the operations table. */
/* A new finding, reported while a --keep-going run goes on. */
typedef int (*ExpReportFn)(void *pCtx, ExpFinding *pF);

static long exp_explore_backend(const ExpOptions *pOpt, const ExpWorld *pW,
                                const BackendOps *pOther, ExpDiffStats *pStats,
                                const int *anReason, ExpFinding *pF, Store *pStore,
                                ExpReportFn xReport, void *pReportCtx){
  ExpProgress prog = { isatty(2), exp_now(), 0 };
  long nDone = 0;
  double rStart = exp_now();
  ExpStep *aStep = malloc(sizeof(ExpStep) * (size_t)pOpt->nEpisode);
  if( aStep == NULL ){ fputs("mapscope: out of memory\n", stderr); exit(3); }
  for(long iEp = 0; nDone < pOpt->nSteps; iEp++){
    if( pOpt->rSeconds > 0 && exp_now() - rStart >= pOpt->rSeconds ) break;
    int nEp = (int)(pOpt->nEpisode < pOpt->nSteps - nDone ? pOpt->nEpisode : pOpt->nSteps - nDone);
    ExpGen g;
    exp_gen_init(&g, pW, EXP_PROFILE_CURRENT, exp_episode_seed(pOpt->iSeed, iEp));
    for(int i = 0; i < nEp; i++) exp_gen_next(&g, &aStep[i]);
    ExpRun a, b;
    exp_backend_run(&backend_sim_ops, NULL, pW, aStep, nEp, 0, &a);
    exp_backend_run(pOther, pOpt->zAgentCmd, pW, aStep, nEp, 0, &b);
    if( b.zOpenError && iEp == 0 ){
      fprintf(stderr, "mapscope explore: the %s backend could not start: %s\n",
              pOther->zName, b.zOpenError);
      exp_run_clear(&a);
      exp_run_clear(&b);
      free(aStep);
      return -1;
    }
    /* invariants on the model side, through the fast path */
    ExpInvariant eInv = EXP_INV_NONE;
    char zInv[256];
    int iInv = exp_fast_replay(pW, aStep, nEp, 0, 0, 0, &eInv, zInv, sizeof(zInv));
    int iNew = exp_compare_runs(aStep, nEp, &a, &b, anReason, pStats);
    pStats->nEpisode++;
    if( pStore ){
      /* every episode is stored as a scenario of the run */
      char zPath[96];
      snprintf(zPath, sizeof(zPath), "explore:seed=%llu:episode=%ld",
               (unsigned long long)pOpt->iSeed, iEp);
      const char *azSrc[] = { "mapscope explore" };
      ExpScnText head = { zPath, azSrc, 1, NULL, 0 };
      char *zText = exp_scenario_text(pW, &head, aStep, nEp, NULL);
      if( zText && store_scenario_begin(pStore, zPath, zPath, zText, strlen(zText)) == 0 ){
        for(int i = 0; i < nEp; i++){
          char *zCmd = exp_step_text(pW, &aStep[i], 1);
          StoreBackendResult aRes[2];
          const ExpRun *apRun[2] = { &a, &b };
          const char *azName[2] = { "sim", pOther->zName };
          int bEq = a.aRes[i].eOutcome == BACKEND_DONE && b.aRes[i].eOutcome == BACKEND_DONE
                 && scn_output_equal(a.aRes[i].zOutput, b.aRes[i].zOutput);
          for(int s = 0; s < 2; s++){
            const StepResult *r = &apRun[s]->aRes[i];
            aRes[s].zBackend = azName[s];
            aRes[s].zVerdict = r->eOutcome == BACKEND_UNSUPPORTED ? "unsupported"
                             : r->eOutcome == BACKEND_ERROR ? "error"
                             : (s == 0 || bEq) ? "pass" : "fail";
            aRes[s].zOutput = r->eOutcome == BACKEND_DONE ? r->zOutput : NULL;
            aRes[s].zReason = r->zReason;
            aRes[s].rDurationMs = 0;
          }
          StoreStep st;
          memset(&st, 0, sizeof(st));
          st.iPosition = i;
          st.iLine = i + 1;
          st.zCommand = zCmd;
          st.zComparison = (a.aRes[i].eOutcome == BACKEND_ERROR || b.aRes[i].eOutcome == BACKEND_ERROR)
                         ? "error" : (a.aRes[i].eOutcome == BACKEND_UNSUPPORTED
                                      || b.aRes[i].eOutcome == BACKEND_UNSUPPORTED)
                         ? "unsupported" : bEq ? "agree" : "diverge";
          st.aResult = aRes;
          st.nResult = 2;
          store_step(pStore, &st);
          free(zCmd);
        }
        store_scenario_end(pStore, 1);
      }
      free(zText);
    }
    if( iNew >= 0 && b.aRes[iNew].zOutput ){
      snprintf(pF->zOther, sizeof(pF->zOther), "%.*s",
               (int)strcspn(b.aRes[iNew].zOutput, "\n"), b.aRes[iNew].zOutput);
    }
    exp_run_clear(&a);
    exp_run_clear(&b);
    int iFail = -1;
    if( iInv >= 0 && (iNew < 0 || iInv <= iNew) ){
      iFail = iInv;
      pF->eInv = eInv;
      snprintf(pF->zDetail, sizeof(pF->zDetail), "%s", zInv);
    }else if( iNew >= 0 ){
      iFail = iNew;
      pF->eInv = EXP_INV_NONE;
      snprintf(pF->zDetail, sizeof(pF->zDetail), "the model and %s diverge, and no "
               "bundled todo reason explains it", pOther->zName);
    }
    nDone += nEp;
    exp_progress(&prog, nDone, pOpt->nSteps, pStats->nNew);
    if( iFail >= 0 ){
      pF->bFound = 1;
      pF->iEpisode = iEp;
      pF->iStep = iFail;
      pF->nStep = iFail + 1;
      pF->aStep = aStep;
      pF->eCmd = aStep[iFail].eCmd;
      pF->eKind = aStep[iFail].eKind;
      exp_progress_end(&prog);
      if( !pOpt->bKeepGoing ) return nDone;
      xReport(pReportCtx, pF);
      memset(pF, 0, sizeof(*pF));
    }
  }
  exp_progress_end(&prog);
  free(aStep);
  return nDone;
}

/* ---------------------------------------------------------------- 6 ---- */

/*
** Write the minimal scenario to zOut, expected blocks from the clean model,
** and check it parses. Returns 0 or 1 (reason on stderr).
*/
static int exp_write_scenario(const ExpOptions *pOpt, const ExpWorld *pW,
                              const ExpFinding *pF, const ExpStep *aStep, int nStep,
                              char **pzText){
  ExpRun ref;
  exp_backend_run(&backend_sim_ops, NULL, pW, aStep, nStep, 0, &ref);
  char **azOut = calloc((size_t)nStep + 1, sizeof(char*));
  if( azOut == NULL ){ fputs("mapscope: out of memory\n", stderr); exit(3); }
  for(int i = 0; i < nStep; i++){
    azOut[i] = ref.aRes[i].eOutcome == BACKEND_DONE ? ref.aRes[i].zOutput : NULL;
  }
  char zTitle[200], zC1[200], zC2[200], zC3[400], zSrc[200];
  snprintf(zTitle, sizeof(zTitle), "explore: %s (seed %llu)",
           pF->eInv ? exp_invariant_name(pF->eInv) : "divergence",
           (unsigned long long)pOpt->iSeed);
  snprintf(zC1, sizeof(zC1), "found by: mapscope explore --seed %llu --steps %ld --episode %ld%s%s%s",
           (unsigned long long)pOpt->iSeed, pOpt->nSteps, pOpt->nEpisode,
           pOpt->zAgainst ? " --against " : "", pOpt->zAgainst ? pOpt->zAgainst : "",
           pOpt->zWorld ? " --world FILE" : "");
  snprintf(zC2, sizeof(zC2), "episode %ld, failing at its step %d; original length %d steps, "
           "shrunk to %d", pF->iEpisode, pF->iStep + 1, pF->nStep, nStep);
  snprintf(zC3, sizeof(zC3), "what failed: %s", pF->zDetail);
  int bRules = pF->eInv != EXP_INV_NONE && pF->eInv != EXP_INV_PLANTED_DIVERGENCE;
  snprintf(zSrc, sizeof(zSrc), "mapscope explore (seed %llu)%s%s",
           (unsigned long long)pOpt->iSeed, bRules ? "; SEMANTICS " : "",
           bRules ? exp_invariant_rules(pF->eInv) : pF->eInv ? "; a planted model bug" : "");
  const char *azComment[] = { zC1, zC2, zC3,
    "expected blocks: the model's output (runs with: mapscope run FILE)" };
  const char *azSrc[] = { zSrc };
  ExpScnText head = { zTitle, azSrc, 1, azComment, 4 };
  char *zText = exp_scenario_text(pW, &head, aStep, nStep, azOut);
  exp_run_clear(&ref);
  free(azOut);
  if( zText == NULL ){ fputs("mapscope: out of memory\n", stderr); exit(3); }
  Scenario *pScn = NULL;
  char zErr[512];
  int rc = 0;
  if( scn_parse_text(pOpt->zOut, zText, strlen(zText), &pScn, zErr, sizeof(zErr)) != 0 ){
    fprintf(stderr, "mapscope explore: internal error: the minimal scenario does not "
            "parse: %s\n", zErr);
    rc = 1;
  }
  scn_free(pScn);
  FILE *f = fopen(pOpt->zOut, "w");
  if( f == NULL || fputs(zText, f) < 0 || fclose(f) != 0 ){
    /* the finding must not be lost: it goes to standard output instead */
    fprintf(stderr, "mapscope explore: cannot write %s: %s; the scenario follows "
            "on standard output\n", pOpt->zOut, strerror(errno));
    fputs(zText, stdout);
    rc = 1;
  }
  *pzText = zText;
  return rc;
}

/* Store the minimal scenario as one scenario of the run (model output;
** verdict fail on the step that fails). */
static void exp_store_finding(Store *pStore, const ExpWorld *pW, const char *zPath,
                              const char *zText, const ExpStep *aStep, int nStep,
                              const ExpFinding *pF){
  ExpRun ref;
  exp_backend_run(&backend_sim_ops, NULL, pW, aStep, nStep, 0, &ref);
  if( store_scenario_begin(pStore, zPath, pF->zDetail, zText, strlen(zText)) == 0 ){
    for(int i = 0; i < nStep; i++){
      char *zCmd = exp_step_text(pW, &aStep[i], 1);
      StoreBackendResult res;
      res.zBackend = "sim";
      res.zVerdict = i == nStep - 1 ? "fail" : "pass";
      res.zOutput = ref.aRes[i].eOutcome == BACKEND_DONE ? ref.aRes[i].zOutput : NULL;
      res.zReason = i == nStep - 1 ? pF->zDetail : NULL;
      res.rDurationMs = 0;
      StoreStep st;
      memset(&st, 0, sizeof(st));
      st.iPosition = i;
      st.iLine = i + 1;
      st.zCommand = zCmd;
      st.aResult = &res;
      st.nResult = 1;
      store_step(pStore, &st);
      free(zCmd);
    }
    store_scenario_end(pStore, 1);
  }
  exp_run_clear(&ref);
}

/* Everything reporting a finding needs. */
typedef struct ExpReport ExpReport;
struct ExpReport {
  const ExpOptions *pOpt;    /* options */
  const ExpWorld *pW;        /* the world */
  const BackendOps *pOther;  /* the other backend, or NULL */
  Store *pStore;             /* the results store, or NULL */
  int nFinding;              /* findings written so far */
  int nRepeat;               /* findings like an earlier one (not shrunk) */
  int aiSig[64];             /* signatures of the findings written */
  const int *anReason;       /* todo reasons per known gap */
};

/* A finding's signature: its command and the other side's result code. */
static int exp_signature(const ExpFinding *pF){
  int iCode = strncmp(pF->zOther, "error ", 6) == 0 ? atoi(pF->zOther + 6)
            : strcmp(pF->zOther, "ok") == 0 ? 0 : 99999;
  return (int)pF->eKind * 1000000 + (int)pF->eCmd * 100000 + iCode
       + (pF->eInv ? 90000000 + (int)pF->eInv : 0);
}

/* Shrink a finding, write it as a scenario and store it (a finding like
** an earlier one of a --keep-going run is only counted). Returns 0. */
static int exp_report(void *pCtx, ExpFinding *pF){
  ExpReport *p = pCtx;
  const ExpOptions *pOpt = p->pOpt;
  int iSig = exp_signature(pF);
  for(int i = 0; i < p->nFinding && i < 64; i++){
    if( p->aiSig[i] == iSig ){
      p->nRepeat++;
      return 0;
    }
  }
  char *zStep = exp_step_text(p->pW, &pF->aStep[pF->iStep], 1);
  printf("explore: FAILED at episode %ld step %d: %s\n  %s%s%s\n", pF->iEpisode,
         pF->iStep + 1, zStep ? zStep : "?", pF->zDetail,
         pF->zOther[0] ? "; it printed: " : "", pF->zOther);
  free(zStep);
  double rShrink = exp_now();
  ExpShrink sh;
  memset(&sh, 0, sizeof(sh));
  sh.pW = p->pW;
  ExpFastCtx fc = { p->pW, pF, pOpt->zAgainst ? pOpt->iPlantBug : 0, 1,
                    pOpt->zAgainst ? 0 : pOpt->iPlantBug };
  ExpDiffCtx dc = { p->pW, p->pOther, pOpt->zAgentCmd, pF, p->anReason };
  if( p->pOther == NULL || pF->eInv != EXP_INV_NONE ){
    sh.xFails = exp_fast_fails;
    sh.pCtx = &fc;
  }else{
    sh.xFails = exp_diff_fails;
    sh.pCtx = &dc;
  }
  ExpStep *aMin = malloc(sizeof(ExpStep) * (size_t)pF->nStep);
  if( aMin == NULL ){ fputs("mapscope: out of memory\n", stderr); exit(3); }
  memcpy(aMin, pF->aStep, sizeof(ExpStep) * (size_t)pF->nStep);
  int nMin = exp_shrink(&sh, aMin, pF->nStep);
  printf("explore: shrunk %d steps to %d in %.2f s (%ld replays)\n", pF->nStep, nMin,
         exp_now() - rShrink, sh.nTests);
  /* the first finding goes to --out, later ones to --out with -N */
  char zPath[512];
  if( p->nFinding == 0 ){
    snprintf(zPath, sizeof(zPath), "%s", pOpt->zOut);
  }else{
    const char *zDot = strrchr(pOpt->zOut, '.');
    int nBase = zDot ? (int)(zDot - pOpt->zOut) : (int)strlen(pOpt->zOut);
    snprintf(zPath, sizeof(zPath), "%.*s-%d%s", nBase, pOpt->zOut, p->nFinding + 1,
             zDot ? zDot : "");
  }
  ExpOptions opt2 = *pOpt;
  opt2.zOut = zPath;
  char *zText = NULL;
  if( exp_write_scenario(&opt2, p->pW, pF, aMin, nMin, &zText) == 0 ){
    printf("explore: wrote %s\n", zPath);
  }
  if( p->pStore && zText ) exp_store_finding(p->pStore, p->pW, zPath, zText, aMin, nMin, pF);
  if( p->nFinding < 64 ) p->aiSig[p->nFinding] = iSig;
  p->nFinding++;
  free(zText);
  free(aMin);
  return 0;
}

/* ---------------------------------------------------------------- 7 ---- */

int cmd_explore(int argc, char **argv){
  ExpOptions opt;
  int rc = exp_parse_options(argc, argv, &opt);
  if( rc == EXP_HELP_SHOWN ) return 0;
  if( rc ) return rc;
  ExpWorld w;
  char zErr[512];
  if( exp_world_init(&w, opt.zWorld, zErr, sizeof(zErr)) != 0 ){
    fprintf(stderr, "mapscope explore: %s\n", zErr);
    return 2;
  }
  const BackendOps *pOther = NULL;
  int bFast = opt.zAgainst == NULL || strcmp(opt.zAgainst, "sim") == 0;
  if( !bFast ) pOther = backend_find(opt.zAgainst);
  char zOutBuf[64];
  if( opt.zOut == NULL ){
    snprintf(zOutBuf, sizeof(zOutBuf), "explore-%llu.scn", (unsigned long long)opt.iSeed);
    opt.zOut = zOutBuf;
  }

  Store *pStore = NULL;
  char zRunId[37] = {0};
  const char *zDb = opt.zDb ? opt.zDb : store_default_path();
  if( !opt.bNoDb ){
    if( store_open(zDb, &pStore, zErr, (int)sizeof(zErr)) != 0 ){
      fprintf(stderr, "mapscope explore: %s\n", zErr);
      exp_world_free(&w);
      return 2;
    }
    StrBuf cmd = {0};
    strbuf_puts(&cmd, "mapscope");
    for(int i = 0; i < argc; i++) strbuf_printf(&cmd, " %s", argv[i]);
    if( !opt.bSeedGiven ) strbuf_printf(&cmd, " (seed %llu)", (unsigned long long)opt.iSeed);
    StoreRunInfo info;
    memset(&info, 0, sizeof(info));
    info.zKind = "explore";
    info.zBackends = pOther ? (pOther == &backend_wine_ops ? "sim,wine" : "sim,windows")
                   : bFast && opt.zAgainst ? "sim,sim" : "sim";
    info.zCommandLine = strbuf_text(&cmd);
    info.zMapscopeVersion = MAPSCOPE_VERSION;
    info.zHostOs = "model";
    /* the other backend's host facts describe the run (one probe instance
    ** on the world, no steps) */
    char *azFact[4] = { NULL, NULL, NULL, NULL };
    if( pOther ){
      Scenario scn = *w.pWorld;
      scn.nStep = 0;
      scn.aStep = NULL;
      BackendConn *pConn = NULL;
      char *zOpenErr = NULL;
      if( pOther->xOpen(&scn, opt.zAgentCmd, &pConn, &zOpenErr) == 0 ){
        const HostFacts *pH = pOther->xHostFacts ? pOther->xHostFacts(pConn) : NULL;
        if( pH ){
          const char *az[4] = { pH->zOs, pH->zWineVersion, pH->zAgentVersion,
                                pH->zCapabilities };
          for(int k = 0; k < 4; k++) azFact[k] = az[k] ? strdup(az[k]) : NULL;
        }
        pOther->xClose(pConn);
      }
      free(zOpenErr);
      info.zHostOs = azFact[0];
      info.zWineVersion = azFact[1];
      info.zAgentVersion = azFact[2];
      info.zCapabilities = azFact[3];
    }
    if( store_run_begin(pStore, &info, zRunId) != 0 ){
      fprintf(stderr, "mapscope explore: results store: %s\n", store_errmsg(pStore));
      store_close(pStore);
      pStore = NULL;
    }
    strbuf_reset(&cmd);
    for(int k = 0; k < 4; k++) free(azFact[k]);
  }

  printf("explore: seed %llu, %ld steps in episodes of %ld, %s\n",
         (unsigned long long)opt.iSeed, opt.nSteps, opt.nEpisode,
         pOther ? pOther->zName : opt.zAgainst ? "model against a second model" : "model only");
  ExpFinding f;
  memset(&f, 0, sizeof(f));
  ExpDiffStats stats;
  memset(&stats, 0, sizeof(stats));
  double rStart = exp_now();
  long nDone;
  int nTodo = 0;
  int anReason[EXP_N_GAP];
  memset(anReason, 0, sizeof(anReason));
  ExpReport rep;
  memset(&rep, 0, sizeof(rep));
  rep.anReason = anReason;
  rep.pOpt = &opt;
  rep.pW = &w;
  rep.pOther = pOther;
  rep.pStore = pStore;
  if( bFast ){
    nDone = exp_explore_fast(&opt, &w, &f);
  }else{
    char *azDefault[1] = { "scenarios" };
    char **azDir = opt.nTodoDir ? (char**)opt.azTodoDir : azDefault;
    exp_gaps_load(azDir, opt.nTodoDir ? opt.nTodoDir : 1, pOther->zName, anReason, &nTodo);
    nDone = exp_explore_backend(&opt, &w, pOther, &stats, anReason, &f, pStore,
                                exp_report, &rep);
    if( nDone < 0 ){
      if( pOther->xShutdown ) pOther->xShutdown(opt.zAgentCmd);
      if( pStore ){ store_run_end(pStore, 0, 1, 0); store_close(pStore); }
      exp_world_free(&w);
      return 1;
    }
  }
  double rSec = exp_now() - rStart;
  printf("explore: %ld steps in %.3f s (%.0f steps/s)\n", nDone, rSec, nDone / (rSec + 1e-9));
  if( !bFast ){
    printf("explore: %ld episodes; %ld agree, %ld unsupported on %s, %ld errors, "
           "%ld known gaps, %ld following a known gap, %ld new\n",
           stats.nEpisode, stats.nAgree, stats.nUnsupported, pOther->zName, stats.nError,
           stats.nKnown, stats.nFollow, stats.nNew);
    printf("explore: known gaps (todo reasons for %s read: %d)\n", pOther->zName, nTodo);
    for(int g = 0; g < EXP_N_GAP; g++){
      if( stats.anGap[g] || anReason[g] ){
        printf("  %-24s %6ld divergences  (%d todo reasons hold \"%s\")\n", exp_gap_id(g),
               stats.anGap[g], anReason[g], exp_gap_key(g));
      }
    }
  }
  if( f.bFound ){
    exp_report(&rep, &f);
    free(f.aStep);
  }
  int nFailed = rep.nFinding + rep.nRepeat;
  if( rep.nRepeat ){
    printf("explore: %d more findings like one already written (not shrunk again)\n",
           rep.nRepeat);
  }
  if( nFailed == 0 ){
    printf("explore: no invariant failed%s\n", bFast && !opt.zAgainst ? ""
           : ", no divergence left unexplained");
  }
  if( pOther && pOther->xShutdown ) pOther->xShutdown(opt.zAgentCmd);
  if( pStore ){
    if( store_run_end(pStore, (int)(nDone > 2000000000 ? 2000000000 : nDone) - nFailed,
                      nFailed, (int)stats.nUnsupported) != 0 ){
      fprintf(stderr, "mapscope explore: results store: %s\n", store_errmsg(pStore));
    }else{
      printf("results: stored in %s as run %s\n", zDb, zRunId);
    }
    store_close(pStore);
  }
  exp_world_free(&w);
  return nFailed ? 1 : 0;
}
