/*
** results/store_int.h: what store.c shares with query.c, and nothing else
** includes: how a connection is hardened and how an input file is opened
** for reading.
**
** Contents: 1. the progress guard  2. opening files for reading
*/
#ifndef MAPSCOPE_RESULTS_STORE_INT_H
#define MAPSCOPE_RESULTS_STORE_INT_H

#include <sqlite3.h>

/* ---------------------------------------------------------------- 1 ---- */

/*
** The bound on one statement's work: the counter restarts when a
** statement starts and whenever it hands back a row, so only work that
** yields nothing is bounded, by a budget that grows with the size of the
** files the connection reads (main, and the inputs a merge attached as
** src0, src1, ...). A view or recursive CTE that never ends is stopped
** with SQLITE_INTERRUPT; legitimate work is near linear in the bytes read.
*/
#define STORE_PROGRESS_OPS    10000                       /* VM steps per call */
#define STORE_BUDGET_BASE     ((sqlite3_int64)30000000)   /* steps, any file */
#define STORE_BUDGET_PER_BYTE ((sqlite3_int64)256)        /* steps per byte */

typedef struct StoreGuard StoreGuard;
struct StoreGuard {
  sqlite3 *db;              /* the connection guarded */
  sqlite3_int64 nOps;       /* VM steps since the last start or row */
  sqlite3_int64 nBudget;    /* steps allowed; recomputed when exceeded */
  int bTripped;             /* the last interrupt was the guard's */
};

/*
** Make a connection safe to point at a file someone else made: defensive
** mode, trusted_schema off, no extension loading, and the guard above
** (which must outlive the connection). Returns an SQLite code.
*/
int store_harden(sqlite3 *db, StoreGuard *pGuard);

/* ---------------------------------------------------------------- 2 ---- */

/* The largest scenario id a merge accepts or makes (2^62): offsets added
** to ids within 1..this cannot overflow a 64-bit integer. */
#define STORE_MAX_SCENARIO_ID ((sqlite3_int64)1<<62)

/* "file:" URI of zPath, percent-encoded, with "?zParams" unless zParams is
** empty. sqlite3_malloc'd; NULL on out-of-memory. */
char *store_uri(const char *zPath, const char *zParams);

/* The URI parameters a reader opens zPath with (bWal: the file is in WAL
** mode): "mode=rw" (writable: use query_only), "mode=ro", or
** "mode=ro&immutable=1" (a WAL file with no -wal, in a place this process
** cannot write). */
const char *store_read_params(const char *zPath, int bWal);

/*
** The tables of schema iVersion in schema zDb must be tables (not views),
** and with bNoTriggers zDb must hold no trigger. Returns 0, 1 with a reason
** naming zPath in zErr, or a negated SQLite code (zErr set).
*/
int store_check_structure(sqlite3 *db, const char *zDb, const char *zPath,
                          long long iVersion, int bNoTriggers,
                          char *zErr, int nErr);

#endif /* MAPSCOPE_RESULTS_STORE_INT_H */
