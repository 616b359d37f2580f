/*
** runner/backends/backend.h: the table of operations every backend implements.
**
** The runner knows nothing about how a step is performed. It opens one
** backend instance per scenario, hands it the world, then each step in
** order, and receives the step's canonical output (or the reason it could
** not be done). In the spirit of sqllogictest's DbEngine:
**
**   sim    the pure-C model (runner/backends/backend_sim.c over sim/)
**   wine   mapscope-agent.exe under a dedicated WINEPREFIX (backend_agent.c)
**   windows  the same agent on a real host, reached through --agent-cmd
**
** Contents: 1. step results  2. host facts  3. the operations table
**           4. the registry of backends
*/
#ifndef MAPSCOPE_RUNNER_BACKEND_H
#define MAPSCOPE_RUNNER_BACKEND_H

#include "lang/scenario.h"

/* ---------------------------------------------------------------- 1 ---- */

typedef enum BackendOutcome {
  BACKEND_DONE = 0,        /* the step ran; zOutput holds its canonical lines */
  BACKEND_UNSUPPORTED,     /* the backend cannot do this step faithfully */
  BACKEND_ERROR            /* the harness or the agent failed (not a result) */
} BackendOutcome;

typedef struct StepResult StepResult;
struct StepResult {
  BackendOutcome eOutcome; /* what happened */
  char *zOutput;           /* canonical output lines joined by '\n', no
                           ** trailing newline (malloc'd; DONE only) */
  char *zReason;           /* why, for UNSUPPORTED and ERROR (malloc'd) */
  int bAck;                /* DONE only: the output acknowledges a write or
                           ** a binding (`ok` of a define, a `current`
                           ** logon) rather than observing the host's state.
                           ** The engine also classifies by step kind
                           ** (engine_step_evidence()); either makes the
                           ** step an acknowledgement. */
};

/* Free the strings of a StepResult and zero it. */
void step_result_clear(StepResult *pRes);

/* ---------------------------------------------------------------- 2 ---- */

/* Facts about the host a backend runs on, for the results store. Strings
** are owned by the backend instance and live until xClose. */
typedef struct HostFacts HostFacts;
struct HostFacts {
  const char *zOs;         /* "model", "Windows 10.0.20348", "Wine 8.0 on Linux" */
  const char *zWineVersion;/* NULL unless under Wine */
  const char *zAgentVersion;/* NULL for the model */
  const char *zCapabilities;/* space-separated capability words, or NULL.
                           ** Words the engine reads (docs/evidence.md):
                           ** no-half-dosdevices, no-half-connections,
                           ** no-half-registry, no-half-vault (the host
                           ** cannot tell a logon's two halves apart for
                           ** that resource), no-boot-apply (a reboot does
                           ** not apply boot-time DOS devices and
                           ** policies), no-split-token; and the absence
                           ** of shares, as-system, logon-user (what a
                           ** scenario may need; ev_host_lacks()) */
  const char *zEvents;     /* NULL, or newline-separated facts about the
                           ** host met while opening it ("agent recovered 3
                           ** journal entries"); the engine stores each with
                           ** store_event() and reports it */
  const char *zFacts;      /* NULL, or every fact the host reported, one
                           ** `key value` a line (the agent's handshake:
                           ** elevated, token-elevation, uac, split-token,
                           ** system-token-from, baseline-drives, ...);
                           ** stored with the run (runs.host_facts) */
};

/* ---------------------------------------------------------------- 3 ---- */

typedef struct BackendConn BackendConn;   /* one backend instance (opaque) */

typedef struct BackendOps BackendOps;
struct BackendOps {
  const char *zName;       /* "sim", "wine", "windows": also its label */

  /*
  ** Start an instance for one scenario and build its world (machine,
  ** users, shares). zOptions carries backend options from the command line
  ** (for the agent backends: the agent command), may be NULL. Returns 0 and
  ** sets *ppConn, or non-zero with a one-line reason in *pzErr (malloc'd).
  */
  int (*xOpen)(const Scenario *pScn, const char *zOptions,
               BackendConn **ppConn, char **pzErr);

  /* Perform one step. Always fills *pRes; returns 0, or non-zero if the
  ** instance is unusable afterwards (later steps get BACKEND_ERROR). */
  int (*xStep)(BackendConn *pConn, const ScnStep *pStep, StepResult *pRes);

  /* Host facts; may return NULL. */
  const HostFacts *(*xHostFacts)(BackendConn *pConn);

  /*
  ** Optional (NULL if unsupported): describe the current state for
  ** `mapscope explain` as human-readable text (malloc'd). Only the model
  ** can see everything.
  */
  char *(*xDescribe)(BackendConn *pConn);

  /* Tear the instance down, undoing what it changed on the host. */
  void (*xClose)(BackendConn *pConn);

  /*
  ** Optional (may be NULL): called once after the last scenario of a
  ** command, with the same zOptions as xOpen. A backend that keeps
  ** something warm between scenarios (the Wine backend's wineserver)
  ** stops it here. Instances are independent of it: each xClose must still
  ** leave the next xOpen a clean world.
  */
  void (*xShutdown)(const char *zOptions);

  /*
  ** Optional (may be NULL; only the model fills it): the space-separated
  ** rule IDs (sim/rules.h) the model marked during the last xStep, written
  ** NUL-terminated into zBuf (nBuf bytes). Returns 0, or non-zero when the
  ** instance cannot say.
  */
  int (*xRulesFired)(BackendConn *pConn, char *zBuf, int nBuf);
};

/* ---------------------------------------------------------------- 4 ---- */

extern const BackendOps backend_sim_ops;      /* backend_sim.c */
extern const BackendOps backend_wine_ops;     /* backend_agent.c */
extern const BackendOps backend_windows_ops;  /* backend_agent.c */

/* The backend called zName, or NULL. */
const BackendOps *backend_find(const char *zName);

#endif /* MAPSCOPE_RUNNER_BACKEND_H */
