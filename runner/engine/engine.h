/*
** runner/engine/engine.h: running scenarios on one or two backends.
**
** The engine is shared by `mapscope run` (one backend) and `mapscope diff`
** (the model and a real backend, step by step). For each scenario it opens
** a fresh instance of every backend, feeds them the steps in order, decides
** each side's verdict, compares the sides, and hands every step to a
** Reporter and to the results store.
**
** Contents: 1. step and scenario records  2. reporters  3. running
*/
#ifndef MAPSCOPE_RUNNER_ENGINE_H
#define MAPSCOPE_RUNNER_ENGINE_H

#include <stdio.h>

#include "lang/scenario.h"
#include "results/store.h"
#include "runner/backends/backend.h"
#include "runner/engine/evidence.h"
#include "runner/engine/verdict.h"

#define ENGINE_MAX_SIDES 2

/* ---------------------------------------------------------------- 1 ---- */

/* One backend's side of a step. */
typedef struct StepSide StepSide;
struct StepSide {
  const BackendOps *pOps;   /* the backend */
  StepResult res;           /* what it produced (owned) */
  Verdict eVerdict;         /* its verdict */
  const ScnTodo *pTodo;     /* the todo naming this backend, or NULL */
  const char *zReference;   /* what the output was checked against, or NULL */
  double rMs;               /* wall time of the step, milliseconds */
};

/* A step across every side of the run. */
typedef struct StepRecord StepRecord;
struct StepRecord {
  const Scenario *pScn;     /* the scenario */
  const ScnStep *pStep;     /* the step */
  char *zCommand;           /* the step, redacted (owned) */
  char *zReference;         /* the expected block text, or NULL (owned) */
  int nSide;                /* 1 for run, 2 for diff */
  StepSide aSide[ENGINE_MAX_SIDES];
  Comparison eCompare;      /* COMPARE_NONE for a single side */
  int iDivergedLine;        /* after-divergence: the line of the earlier
                            ** step whose divergence reaches what this step
                            ** reads; else 0 */
  EvEvidence eEvidence;     /* what the outputs are: observation or
                            ** acknowledgement (EV_NONE: no output) */
};

/* Verdict counts, per side. */
typedef struct Totals Totals;
struct Totals {
  int aCount[ENGINE_MAX_SIDES][VERDICT_COUNT]; /* verdicts per side */
  int aCompare[COMPARE_COUNT];                 /* comparisons (diff) */
  int nAgreeObserved;                          /* agreements that observe
                                               ** the host: the headline */
  int nAgreeAcknowledged;                      /* agreements that only
                                               ** acknowledge a write */
  int anUnchecked[ENGINE_MAX_SIDES];           /* passes with nothing to
                                               ** compare (no expected block,
                                               ** and no model output) */
  int nScenario;                               /* scenarios run */
};

/* passed, failed and skipped over every side (see verdict_tally()). */
void totals_tally(const Totals *p, int *pnPassed, int *pnFailed, int *pnSkipped);

/* ---------------------------------------------------------------- 2 ---- */

typedef struct Reporter Reporter;
struct Reporter {
  FILE *pOut;               /* where the report goes */
  int nSide;                /* sides per step */
  int bVerbose;             /* text: list every step, not only failures */
  const BackendOps *apOps[ENGINE_MAX_SIDES]; /* the backends, for headings */
  void *pState;             /* the format's own state */
  const char *azEvents[ENGINE_MAX_SIDES]; /* host events met opening the
                            ** scenario being reported (newline-separated),
                            ** per side, or NULL: set by the engine around
                            ** xScenario */
  void (*xBegin)(Reporter*, int nScenario);
  void (*xScenario)(Reporter*, const Scenario*, const StepRecord *aRec,
                    int nRec, const Totals *pScnTotals,
                    char *const *azOpenError);
  void (*xEnd)(Reporter*, const Totals*);
  void (*xFree)(Reporter*);
};

typedef enum ReportFormat {
  REPORT_TEXT = 0,
  REPORT_TAP,
  REPORT_JUNIT
} ReportFormat;

/* Make a reporter of the given format writing to pOut. bVerbose lists
** every step in text output, not only the ones that need attention. */
Reporter *reporter_new(ReportFormat eFormat, FILE *pOut, int nSide,
                       const BackendOps *const *apOps, int bVerbose);
void reporter_free(Reporter *p);

/* ---------------------------------------------------------------- 3 ---- */

typedef struct Engine Engine;
struct Engine {
  int nSide;                                   /* 1 or 2 */
  const BackendOps *apOps[ENGINE_MAX_SIDES];   /* side 0 is the reference */
  LabelSet aLabels[ENGINE_MAX_SIDES];          /* labels per side */
  const char *zBackendOptions;                 /* e.g. --agent-cmd */
  unsigned amLack[ENGINE_MAX_SIDES];           /* what each side's host
                                               ** cannot do (EV_LACK_ bits,
                                               ** from ev_host_lacks()) */
  Reporter *pReporter;                         /* never NULL */
  Store *pStore;                               /* NULL: nothing stored */
  int bStoreFailed;                            /* a store write failed */
  Totals totals;                               /* over the whole run */
};

/*
** Run one parsed scenario on every side. zContent is the file text the
** scenario was parsed from (hashed by the store). Reports the scenario,
** stores it in one transaction, and adds to pEngine->totals.
**
** A step the side's host cannot perform faithfully (amLack: one half of a
** logon on a host that cannot separate halves, a reboot that does not
** apply what boot applies) is unsupported there. In a differential run the
** divergence ledger (evidence.h) makes a step that reads state which has
** already diverged COMPARE_AFTER_DIVERGENCE instead of agree or diverge.
*/
void engine_run_scenario(Engine *pEngine, const Scenario *pScn,
                         const char *zContent, size_t nContent);

/* Free what a StepRecord owns. */
void step_record_clear(StepRecord *pRec);

#endif /* MAPSCOPE_RUNNER_ENGINE_H */
