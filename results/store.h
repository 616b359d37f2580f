/*
** results/store.h: every run, stored in SQLite.
**
** The runner records a run as it goes: store_run_begin() commits a run row
** marked incomplete; each scenario is written in one transaction between
** store_scenario_begin() and store_scenario_end(); store_run_end() marks the
** run complete. A run killed part-way leaves its finished scenarios and an
** incomplete mark, never a half-written scenario.
**
** Nothing secret is stored: callers pass step commands already redacted
** (scn_step_format(step, 1)); the store never sees world lines.
**
** Contents: 1. records  2. opening  3. writing a run  4. reading/merging
*/
#ifndef MAPSCOPE_RESULTS_STORE_H
#define MAPSCOPE_RESULTS_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct Store Store;

/* ---------------------------------------------------------------- 1 ---- */

typedef struct StoreRunInfo StoreRunInfo;
struct StoreRunInfo {
  const char *zKind;          /* "run", "diff", "explore" */
  const char *zBackends;      /* "sim" or "sim,wine" */
  const char *zLabels;        /* extra --label values, comma separated, or NULL */
  const char *zCommandLine;   /* the command line, redacted by the caller */
  const char *zMapscopeVersion;
  const char *zHostOs;        /* host facts; any may be NULL */
  const char *zWineVersion;
  const char *zAgentVersion;
  const char *zCapabilities;
};

/* One backend's side of a step. */
typedef struct StoreBackendResult StoreBackendResult;
struct StoreBackendResult {
  const char *zBackend;       /* "sim", "wine", "windows" */
  const char *zVerdict;       /* pass fail todo fixed skip unsupported error */
  const char *zOutput;        /* canonical output, NULL if none */
  const char *zReason;        /* unsupported/error reason, or NULL */
  double rDurationMs;         /* wall time of the step on that backend */
};

typedef struct StoreStep StoreStep;
struct StoreStep {
  int iPosition;              /* 0-based index in the scenario */
  int iLine;                  /* source line */
  const char *zWho;           /* "A", "A.elevated", "SYSTEM", or NULL */
  const char *zCommand;       /* redacted canonical step text */
  const char *zExpected;      /* expected block text, or NULL */
  const char *zComparison;    /* "agree", "diverge", "unsupported", or NULL
                              ** for a single-backend run */
  const StoreBackendResult *aResult; int nResult;
};

/* A todo annotation met on a step: a known divergence. */
typedef struct StoreTodo StoreTodo;
struct StoreTodo {
  int iPosition;              /* step it annotates */
  const char *zLabels;        /* "wine" or "wine,windows" */
  const char *zReason;
};

/* ---------------------------------------------------------------- 2 ---- */

/*
** Open (creating if missing) the database at zPath, migrating an older
** schema. Refuses, leaving the file untouched, a file that is not a
** mapscope database or one from a newer schema. Returns 0 and sets *ppStore,
** or non-zero with a one-line reason in zErr.
*/
int store_open(const char *zPath, Store **ppStore, char *zErr, int nErr);
void store_close(Store *pStore);

/* The default database path: $MAPSCOPE_DB if set, else "mapscope-results.db". */
const char *store_default_path(void);

/* ---------------------------------------------------------------- 3 ---- */

/* Insert a run row (incomplete) and commit it. zRunId receives the new
** run's id (a UUID-like string safe to merge across machines; 37 bytes). */
int store_run_begin(Store *pStore, const StoreRunInfo *pInfo, char zRunId[37]);

/* Open the transaction of one scenario (content hashed, not stored). */
int store_scenario_begin(Store *pStore, const char *zPath, const char *zTitle,
                         const char *zContent, size_t nContent);
int store_step(Store *pStore, const StoreStep *pStep);
int store_todo(Store *pStore, const StoreTodo *pTodo);
/* Commit the scenario (bOk) or roll it back (!bOk). */
int store_scenario_end(Store *pStore, int bOk);

/* Mark the run complete with its end time and counts. */
int store_run_end(Store *pStore, int nPassed, int nFailed, int nSkipped);

/* The last error message of the store, for reporting. */
const char *store_errmsg(Store *pStore);

#endif /* MAPSCOPE_RESULTS_STORE_H */
