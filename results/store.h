/*
** results/store.h: every run, stored in SQLite.
**
** The runner records a run as it goes: store_run_begin() commits a run row
** marked incomplete; each scenario is written in one transaction between
** store_scenario_begin() and store_scenario_end(); store_run_end() marks the
** run complete. A run killed part-way leaves its finished scenarios and an
** incomplete mark, never a half-written scenario.
**
** The steps of a scenario are buffered in memory by store_step() and
** store_todo() and written, in one short write transaction, by
** store_scenario_end(): the database is never locked while a backend works,
** so two runs writing to one database at once both land whole.
**
** Nothing secret is stored: callers pass step commands already redacted
** (scn_step_format(step, 1)); the store never sees world lines. As a second
** line of defence every text the store writes goes through
** store_redact_line() first.
**
** Schema 3 adds runs.seq (the order runs were stored in this file: "last",
** compare and every listing go by it, never by the clock), the evidence of
** a step (an observation or an acknowledgement) and the line of the
** divergence that makes a later step `after-divergence`, and the events
** table (facts about a host, such as an agent's journal recovery).
**
** Schema 5 adds runs of kind "check" (`mapscope check`, an exhaustive
** search of a small world): store_check_summary() writes what the search
** did and found (check_runs), each invariant's verdict (check_invariants)
** and the new states met at each depth (check_depths), with the run; a
** violated check also stores its counterexample as a scenario. A caller
** that must land everything or nothing wraps its writes in store_txn_begin()
** and store_txn_commit().
**
** Opening is defensive: every connection sets SQLITE_DBCONFIG_DEFENSIVE and
** trusted_schema=OFF, refuses a file whose tables are views or that holds
** triggers, and bounds every statement's work by a progress handler; the
** reading commands open read-only (store_open_readonly()) and never run the
** file's own views.
**
** Contents: 1. records  2. opening  3. writing a run  4. reading/merging
**           5. redaction and hashing
*/
#ifndef MAPSCOPE_RESULTS_STORE_H
#define MAPSCOPE_RESULTS_STORE_H

#include <stddef.h>
#include <stdint.h>

typedef struct Store Store;

/* The schema this build writes, and the SQLite application_id (header
** offset 68) that marks a file as a mapscope database ("MSCP"). */
#define STORE_SCHEMA_VERSION 5
#define STORE_APPLICATION_ID 0x4D534350

/* ---------------------------------------------------------------- 1 ---- */

typedef struct StoreRunInfo StoreRunInfo;
struct StoreRunInfo {
  const char *zKind;          /* "run", "diff", "explore", "check" */
  const char *zBackends;      /* "sim" or "sim,wine" */
  const char *zLabels;        /* extra --label values, comma separated, or NULL */
  const char *zCommandLine;   /* the command line, redacted by the caller */
  const char *zMapscopeVersion; /* version string of the writing mapscope */
  const char *zHostOs;        /* host facts; any may be NULL */
  const char *zWineVersion;   /* Wine version, NULL unless under Wine */
  const char *zAgentVersion;  /* agent version, NULL for the model */
  const char *zCapabilities;  /* capability words, or NULL */
  const char *zHostFacts;     /* every fact the backend reported about its
                              ** host, one `key value` a line, or NULL
                              ** (runs.host_facts, schema 4) */
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
  const char *zComparison;    /* "agree", "diverge", "after-divergence",
                              ** "unsupported", "skip", "error", or NULL for
                              ** a single-backend run */
  const StoreBackendResult *aResult; int nResult; /* one per backend */
  const char *zEvidence;      /* "observation" (the step read the host's
                              ** state), "acknowledgement" (the `ok` of a
                              ** write or a binding), or NULL (unclassified) */
  int iDivergedLine;          /* 0, or the source line of the earlier step
                              ** whose divergence makes this step's
                              ** comparison "after-divergence" */
};

/* A todo annotation met on a step: a known divergence. */
typedef struct StoreTodo StoreTodo;
struct StoreTodo {
  int iPosition;              /* step it annotates */
  const char *zLabels;        /* "wine" or "wine,windows" */
  const char *zReason;        /* what the backend lacks */
};

/* One invariant of a check run, in the order of the check's table. */
typedef struct StoreCheckInvariant StoreCheckInvariant;
struct StoreCheckInvariant {
  const char *zName;          /* "local-link-isolation" */
  const char *zRules;         /* the rule IDs it follows from, "N1 N6 C10" */
  const char *zVerdict;       /* "held" (no state the search visited broke
                              ** it), "violated", or "not checked" (the
                              ** search stopped before checking it at all) */
  const char *zReason;        /* a violation's one-line reason, else NULL */
};

/* What a run of kind "check" searched and found (store_check_summary()). */
typedef struct StoreCheckSummary StoreCheckSummary;
struct StoreCheckSummary {
  const char *zWorld;         /* the --world file, or "built-in" */
  const char *zWorldText;     /* the world's text, hashed (not stored) */
  size_t nWorldText;          /* its bytes */
  int nAlphabet;              /* steps in the alphabet */
  int nLogonNames;            /* logon names the steps use (--slots) */
  const char *zLetters;       /* drive letters the steps use ("QRZ") */
  int bAllLogons;             /* every logon type (--all-logons) */
  int bListings;              /* listing steps in the alphabet */
  const char *zFamilies;      /* the families of steps kept (--families),
                              ** comma separated, or NULL for all */
  int nToolSteps;             /* tool steps in the alphabet */
  int bSymmetry;              /* symmetry reduction asked for */
  int nSymmetricAccounts;     /* accounts in interchangeable classes */
  unsigned iPlantedBug;       /* test only: the planted model bug, or 0 */
  int nDepthRequested;        /* --depth */
  int nDepthCompleted;        /* every sequence of this many steps seen */
  long nMaxStates;            /* --states, 0 for none */
  double rMaxSeconds;         /* --seconds, 0 for none */
  const char *zStopReason;    /* "depth", "exhausted", "states", "seconds",
                              ** "violation" */
  long nStates;               /* distinct states visited */
  const long *anStatesAt;     /* new states first met at depth d, for
                              ** d = 0 .. nDepths-1 */
  int nDepths;                /* entries in anStatesAt */
  long nSteps;                /* steps executed */
  double rWallSeconds;        /* time spent, wall clock */
  double rProcessorSeconds;   /* processor time spent */
  long long nStateBytes;      /* memory held for visited states */
  const char *zRulesFired;    /* rule IDs some step marked, space separated */
  const char *zRulesNever;    /* the others */
  const char *zToolBranches;  /* "profile: why" lines reached, newline
                              ** separated; NULL when no tool step ran */
  const char *zToolsNever;    /* profiles with no branch reached, space
                              ** separated, or NULL */
  const char *zVerdict;       /* "held" or "violated" */
  int nViolationSteps;        /* steps of the counterexample (violated) */
  const StoreCheckInvariant *aInv; int nInv; /* the invariants */
};

/* ---------------------------------------------------------------- 2 ---- */

/*
** Open (creating if missing) the database at zPath for writing, migrating
** an older schema. Refuses, leaving the file untouched, a file that is not
** a mapscope database, one from a newer schema, one whose tables are views
** or that holds triggers, and a file or directory this process cannot
** write (store_check_writable()). Returns 0 and sets *ppStore, or non-zero
** with a one-line reason in zErr.
*/
int store_open(const char *zPath, Store **ppStore, char *zErr, int nErr);

/* As store_open(), but a missing (or empty) file is an error instead of
** being created. */
int store_open_existing(const char *zPath, Store **ppStore, char *zErr, int nErr);

/*
** Open an existing database for reading only: never migrated, never
** written (SQLITE_OPEN_READONLY, or query_only where the file and its
** folder are writable, so SQLite can remove the -wal and -shm it makes).
** A WAL database in a folder this process cannot write, with no -wal file
** beside it, is opened immutable (nothing is created beside it). An older
** schema is read through temporary views of this build's shape (seq,
** evidence and diverged_line derived or NULL). The store_step() family
** fails on such a store. Returns 0 and sets *ppStore, or non-zero with a
** one-line reason in zErr.
*/
int store_open_readonly(const char *zPath, Store **ppStore, char *zErr, int nErr);

/*
** Can a run be stored at zPath? The file (if it exists) and its folder
** must be writable by this process (SQLite writes -wal and -shm files
** beside it), and an existing file must pass the header check (a mapscope
** database of a schema this build reads, or an empty file). Opens nothing
** with SQLite and writes nothing: call it before any backend starts.
** Returns 0, or non-zero with a one-line reason in zErr.
*/
int store_check_writable(const char *zPath, char *zErr, int nErr);

/* Close the store. A run begun and not ended stays marked incomplete; a
** scenario begun and not ended is dropped. NULL is a no-op. */
void store_close(Store *pStore);

/* The default database path: $MAPSCOPE_DB if set, else "mapscope-results.db". */
const char *store_default_path(void);

/* ---------------------------------------------------------------- 3 ---- */

/* Insert a run row (incomplete) and commit it (inside store_txn_begin():
** with the rest). zRunId receives the new
** run's id: 32 lower-case hex digits, 128 random bits from /dev/urandom,
** safe to merge across machines. Returns 0, or non-zero (see
** store_errmsg()). One run at a time per Store. */
int store_run_begin(Store *pStore, const StoreRunInfo *pInfo, char zRunId[37]);

/* Open the transaction of one scenario (content hashed, not stored).
** zTitle may be NULL. Returns 0, or non-zero outside a run or inside an
** unfinished scenario. */
int store_scenario_begin(Store *pStore, const char *zPath, const char *zTitle,
                         const char *zContent, size_t nContent);
/* Add a step (copied; the caller keeps its strings) or a todo to the open
** scenario. Steps come in increasing iPosition. Returns 0, or non-zero for
** an unknown verdict or comparison word, a backend named twice, a position
** not after the previous step's, or outside a scenario. */
int store_step(Store *pStore, const StoreStep *pStep);
int store_todo(Store *pStore, const StoreTodo *pTodo);
/* Commit the scenario (bOk) or roll it back (!bOk). Returns 0, or non-zero
** if the commit failed (the scenario is then not stored). */
int store_scenario_end(Store *pStore, int bOk);

/*
** Record a fact about a host (zBackend: "wine", "windows", ...; may be
** NULL) with the run, e.g. "agent recovered 3 journal entries". Inside a
** scenario the event is buffered and written with it (and dropped with
** it); outside one, it is committed at once, attached to the run only.
** zText is redacted like every stored text. Returns 0, or non-zero outside
** a run or for a NULL zText.
*/
int store_event(Store *pStore, const char *zBackend, const char *zText);

/*
** The summary of the open run, which must be of kind "check": one row of
** check_runs, one of check_invariants per invariant, one of check_depths
** per depth. Written in one transaction (or inside the caller's, see
** store_txn_begin()), outside a scenario, once per run. Texts are
** redacted like every stored text. Returns 0, or non-zero (see
** store_errmsg()) for a run of another kind, an unknown stop reason or
** verdict, a summary given twice, or a write that failed (nothing of the
** summary is then stored).
*/
int store_check_summary(Store *pStore, const StoreCheckSummary *pSum);

/* Mark the run complete with its end time and counts. A check run counts
** its invariants: held as passed, violated as failed, not checked as
** skipped. */
int store_run_end(Store *pStore, int nPassed, int nFailed, int nSkipped);

/*
** Everything written between store_txn_begin() and store_txn_commit() (a
** run's row, its scenarios, events, summary and end mark) lands in one
** transaction, or, after store_txn_rollback() or a close without a
** commit, not at all: no incomplete run is left behind. The transaction
** is a write transaction from its start (BEGIN IMMEDIATE), so keep it
** short: for work that is done (`mapscope check` stores its result after
** its search), never around a backend at work. Each returns 0, or
** non-zero (see store_errmsg()); rollback is a no-op outside one.
*/
int store_txn_begin(Store *pStore);
int store_txn_commit(Store *pStore);
void store_txn_rollback(Store *pStore);

/* The last error message of the store, for reporting. */
const char *store_errmsg(Store *pStore);

/* ---------------------------------------------------------------- 4 ---- */

/* The SQLite connection, for read queries (cmd_results.c). Owned by the
** store. Declared with the struct tag so this header needs no sqlite3.h. */
struct sqlite3 *store_db(Store *pStore);

/* The path the store was opened with. */
const char *store_path(Store *pStore);

/*
** Resolve a run reference: a full id, a unique prefix of one, "last"
** (the run stored most recently: the highest seq) or "last~N" (N runs
** before it, by seq). Returns
** 0 and writes the full id into zRunId, or non-zero with a one-line reason
** ("no run matches ...", "... is ambiguous") in zErr.
*/
int store_resolve_run(Store *pStore, const char *zRef, char zRunId[37],
                      char *zErr, int nErr);

/* How one step/backend changed between two runs, in report order. */
typedef enum StoreChangeKind {
  STORE_CHANGE_REGRESSION = 0, /* was not failing (pass todo skip
                               ** unsupported), now fail fixed or error */
  STORE_CHANGE_FIX,            /* was failing, now not */
  STORE_CHANGE_VERDICT,        /* another verdict change */
  STORE_CHANGE_OUTPUT,         /* same verdict, different output */
  STORE_CHANGE_ADDED,          /* only in run B */
  STORE_CHANGE_REMOVED         /* only in run A */
} StoreChangeKind;

typedef struct StoreChange StoreChange;
struct StoreChange {
  StoreChangeKind eKind;      /* what changed */
  char *zPath;                /* scenario path */
  int iPosition;              /* step position in the scenario */
  int iLine;                  /* source line (run B's, else run A's) */
  char *zBackend;             /* backend */
  char *zCommand;             /* redacted step text */
  char *zVerdictA;            /* verdict in run A, NULL if absent */
  char *zVerdictB;            /* verdict in run B, NULL if absent */
  char *zOutputA;             /* output in run A, NULL if none */
  char *zOutputB;             /* output in run B, NULL if none */
  char *zExpectedA;           /* expected text in run A, NULL if none */
  char *zExpectedB;           /* expected text in run B, NULL if none */
  int bScenarioChanged;       /* the scenario's content hash differs (or
                              ** the step is in one run only) */
};

/*
** The steps whose verdict or output differs between runs zRunA and zRunB
** (full ids), matched by scenario path (the n-th time a run holds that
** path with the n-th time the other does), step position and backend.
** Sorted regressions first, then fixes, other verdict changes, output
** changes, added and removed steps; within a kind by path, position,
** backend. Returns 0 and a malloc'd array (free with
** store_changes_free()), or non-zero (see store_errmsg()).
*/
int store_compare(Store *pStore, const char *zRunA, const char *zRunB,
                  StoreChange **paChange, int *pnChange);
void store_changes_free(StoreChange *aChange, int nChange);
const char *store_change_name(StoreChangeKind e);

/*
** As store_compare(), but streamed: xChange is called once per change, in
** the same order, with a StoreChange whose strings are valid only during
** the call. A non-zero return from xChange stops the walk and is returned.
** Memory stays bounded whatever the size of the runs. Returns 0, xChange's
** non-zero value, or an SQLite error code (see sqlite3_errmsg(store_db())).
*/
int store_compare_each(Store *pStore, const char *zRunA, const char *zRunB,
                       int (*xChange)(void *pArg, const StoreChange *pChange),
                       void *pArg);

/*
** Check that zPath can be merged into a store: it exists, is a mapscope
** database (application_id), its schema is one this build reads (with
** every table a merge copies), and PRAGMA quick_check finds it sound.
** Opens the file as store_open_readonly() does (no write, nothing left
** beside a read-only file). Refuses a file whose tables are views or whose
** integer keys are out of the range a merge can renumber. Returns 0, or
** non-zero with a one-line reason in zErr.
*/
int store_check_input(const char *zPath, char *zErr, int nErr);

/* What store_merge() did. */
typedef struct StoreMergeStats StoreMergeStats;
struct StoreMergeStats {
  int nAdded;                 /* runs copied in */
  int nReplaced;              /* incomplete runs replaced by a complete copy */
  int nSkipped;               /* runs already present (same id) */
};

/*
** Copy every run of the mapscope database zInPath into pOut in one
** transaction. A run whose id is already in pOut is skipped, unless pOut's
** copy is incomplete and the input's complete (then it is replaced), so
** merging twice changes nothing. Row ids are renumbered; run ids kept.
** Copied runs get new seqs after pOut's, in the input's seq order (an
** input older than schema 3: by start time, then row id); a replaced run
** keeps the seq its incomplete copy had. The input is only read (an older
** schema is read as it is, never migrated). Returns 0 and
** adds to *pStats, or non-zero with a one-line reason in zErr and pOut
** unchanged.
*/
int store_merge(Store *pOut, const char *zInPath, StoreMergeStats *pStats,
                char *zErr, int nErr);

/*
** As store_merge() for nIn inputs, all in ONE transaction: every input is
** checked (store_check_input()) and attached first, so on any failure pOut
** is left as it was. aStats[i] receives input i's counts (set, not added
** to). At most SQLite's attached-database limit (10 by default) inputs.
** Returns 0, or non-zero with a one-line reason naming the input in zErr.
*/
int store_merge_many(Store *pOut, const char *const *azIn, int nIn,
                     StoreMergeStats *aStats, char *zErr, int nErr);

/* ---------------------------------------------------------------- 5 ---- */

/*
** A copy of zText (malloc'd; NULL only for NULL input or out of memory)
** with every password printed as ***: the value of password= and pass= (user,
** logon, wnet add), of cmdkey /pass:, and the word after net use /user:u
** (or /u:u) on the same line unless it is a flag. Case-insensitive;
** quoted values ("a b") are replaced whole. Idempotent.
*/
char *store_redact_line(const char *zText);

/* FNV-1a 64 of n bytes, and its 16 lower-case hex digits into zHex[17]. */
uint64_t store_hash64(const void *pData, size_t n);
void store_hash64_hex(const void *pData, size_t n, char zHex[17]);

#endif /* MAPSCOPE_RESULTS_STORE_H */
