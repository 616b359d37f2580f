/*
** real/agent_core.h: the host-independent heart of mapscope-agent.
**
** The core speaks the line protocol (agent_proto.h), keeps the world the
** runner sent, the logon names and what became of them, the LUID table,
** the undo journal, and the honesty bookkeeping: a step that needs what
** an earlier unsupported (or failed) step would have made is answered
** `unsupported` without touching the host. The host-specific work (the
** Win32 calls) sits behind AgentHostOps, so the core is portable C and is
** unit-tested natively with a fake host.
**
** Contents:
**   1. Step output (AgentOut)
**   2. The host operations table
**   3. Logon names
**   4. The core: create, feed one request, finish
**   5. Helpers for hosts (dependency domains, typed names)
*/
#ifndef MAPSCOPE_REAL_AGENT_CORE_H
#define MAPSCOPE_REAL_AGENT_CORE_H

#include "../lang/scenario.h"
#include "agent_journal.h"
#include "agent_luid.h"
#include "agent_proto.h"

/* ---------------------------------------------------------------- 1 ---- */

typedef enum AgentOutcome {
  AGENT_DONE = 0,          /* the step ran; AgentOut holds its lines */
  AGENT_UNSUPPORTED,       /* the host cannot do it faithfully; zReason says why */
  AGENT_FAILED             /* the agent failed (an `error` reply); zReason */
} AgentOutcome;

typedef struct AgentOut AgentOut;
struct AgentOut {
  char **azLine;           /* output lines (owned) */
  int nLine;               /* lines used */
  int nAlloc;              /* lines allocated */
  char zReason[512];       /* reason for UNSUPPORTED / FAILED */
  int bOom;                /* a line could not be stored */
};

/* Append one printf-formatted line. */
void agent_out_line(AgentOut *p, const char *zFmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;
/* Append the canonical error line for Win32 code (scn_format_error). */
void agent_out_error(AgentOut *p, int code);
/* Sort the lines (byte order), for listings; `(none)` if there are none. */
void agent_out_sort_or_none(AgentOut *p);
/* Set the reason and return eOutcome, for `return agent_out_why(...)`. */
AgentOutcome agent_out_why(AgentOut *p, AgentOutcome eOutcome,
                           const char *zFmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 3, 4)))
#endif
  ;
void agent_out_clear(AgentOut *p);

/* ---------------------------------------------------------------- 2 ---- */

typedef struct AgentCore AgentCore;

typedef struct AgentHostOps AgentHostOps;
struct AgentHostOps {
  /* Host facts for the handshake: lines `KEY VALUE` (see docs/protocol.md). */
  void (*xFacts)(void *pHost, AgentCore *pCore, AgentOut *pOut);
  /* The world is parsed (pCore->pWorld): check the host against it and
  ** prepare it. AGENT_UNSUPPORTED makes every step of the scenario
  ** unsupported with that reason. */
  AgentOutcome (*xStart)(void *pHost, AgentCore *pCore, AgentOut *pOut);
  /* Perform one step (the core has already checked logon names and
  ** dependencies). */
  AgentOutcome (*xStep)(void *pHost, AgentCore *pCore, const ScnStep *pStep,
                        AgentOut *pOut);
  /* Undo the journal and release the host; returns failures. Called once,
  ** also after errors and at end of input. */
  int (*xFinish)(void *pHost, AgentCore *pCore);
};

/* ---------------------------------------------------------------- 3 ---- */

typedef enum AgentSessionState {
  AGENT_SESSION_LIVE = 0,      /* made on this host and not ended */
  AGENT_SESSION_NOT_MADE,      /* its logon was unsupported or failed */
  AGENT_SESSION_ENDED,         /* ended, and the host confirmed it is gone */
  AGENT_SESSION_UNKNOWN        /* ended or in doubt, and the host cannot tell */
} AgentSessionState;

typedef struct AgentSession AgentSession;
struct AgentSession {
  char zName[AGENT_LUID_NAME]; /* the logon name S (case-sensitive) */
  AgentSessionState eState;    /* what became of it */
  char zWhy[160];              /* for NOT_MADE / UNKNOWN: why */
  int iHost;                   /* the host's handle for it, -1 if none */
};

#define AGENT_MAX_SESSIONS 32

/* The session record for zName, or NULL. */
AgentSession *agent_core_session(AgentCore *p, const char *zName);
/* Record the host handle of the live session zName (the logon just
** succeeded). Returns 0, or non-zero if the table is full. */
int agent_core_session_made(AgentCore *p, const char *zName, int iHost);
/* Record that session zName ended: bConfirmed if the host confirmed the
** logon session is gone (later uses print error 1312), else later uses
** are unsupported. */
void agent_core_session_ended(AgentCore *p, const char *zName, int bConfirmed);

/* ---------------------------------------------------------------- 4 ---- */

typedef enum AgentCoreState {
  AGENT_CORE_HELLO = 0,    /* waiting for `hello` */
  AGENT_CORE_WORLD,        /* taking `world` lines */
  AGENT_CORE_RUNNING,      /* taking `step` lines */
  AGENT_CORE_DONE          /* `bye` seen or input ended: exit */
} AgentCoreState;

struct AgentCore {
  const AgentHostOps *pOps;    /* the host */
  void *pHost;                 /* its context */
  AgentCoreState eState;       /* protocol state */
  int bAllowChanges;           /* --allow-host-changes was given */
  AgentBuf world;              /* world statements received (secrets!) */
  Scenario *pWorld;            /* the parsed world, after `start` */
  int bWorldUnsupported;       /* the host does not match the world */
  char zWorldWhy[256];         /* why */
  unsigned mTaint;             /* AGENT_DEP_* an unsupported step would have changed */
  char azTaintWhy[8][160];     /* per domain bit: the first such step */
  int bFinished;               /* xFinish has run */
  int nUndoFailed;             /* failures xFinish reported */
  AgentSession aSession[AGENT_MAX_SESSIONS]; /* logon names seen */
  int nSession;                /* entries used */
  AgentLuidTable luid;         /* LUID placeholders */
  AgentJournal journal;        /* undo journal (the host records into it) */
  char **azTyped;              /* UNC paths and targets as the scenario typed them */
  int nTyped;                  /* entries */
  int nStep;                   /* steps answered */
  const char *zStatePath;      /* --state FILE: where `suspend` writes and
                               ** --resume reads (a Wine reboot), or NULL */
  int bResume;                 /* --resume: load zStatePath at `start` */
  int bResumed;                /* a suspended state was loaded */
  int nJournalSaved;           /* journal entries last written to zStatePath */
  int bStateKept;              /* zStatePath is not ours to write or remove
                               ** (it is not a complete journal): hands off */
  char zStateWhy[512];         /* why the agent refuses to start, or "" */
  char zSaveWhy[512];          /* why the last journal save failed, or "" */
  char zLoadWhy[256];          /* why agent_core_resume_text refused, or "" */
  char zBusyWhy[256];          /* another agent is at work: refuse, touch nothing */
  int nRecovered;              /* entries of a dead agent's journal undone */
  int nRecoverFailed;          /* of those, undos that failed */
};

/* Initialise a core for one scenario. Returns 0 or non-zero (no memory). */
int agent_core_init(AgentCore *p, const AgentHostOps *pOps, void *pHost,
                    int bAllowChanges);

/*
** Handle one request line (without its LF) and append exactly one reply
** to pReply. Afterwards p->eState is AGENT_CORE_DONE if the agent should
** exit (after writing the reply).
*/
void agent_core_request(AgentCore *p, const char *zLine, AgentBuf *pReply);

/*
** Handle a framing problem reported by the line reader (too long, NUL,
** truncated, I/O): appends the `bad` reply where there is someone to read
** it. Truncation and I/O errors end the session (xFinish runs).
*/
void agent_core_framing(AgentCore *p, AgentLineStatus eStatus, AgentBuf *pReply);

/*
** The state that outlives a reboot, as text: journal entries that survive
** one (registry values, credentials, accounts, rights; not DOS devices or
** connections), what is unknown about persistent state, the logon names
** (all ended, unconfirmed), typed names and the step count, between the
** lines AGENT_STATE_MAGIC and AGENT_STATE_END (agent_state.h). Malloc'd,
** NULL when out of memory.
*/
char *agent_core_suspend_text(const AgentCore *p);
/* Load such text into a core that has just started. Returns 0, or
** non-zero if a line is malformed or the text does not end with the line
** AGENT_STATE_END (it was cut short); the lines before the bad one may
** have been loaded, so the core is then only fit to be freed. */
int agent_core_resume_text(AgentCore *p, const char *zText);

/*
** Record a change about to be made (agent_journal_add) and, with --state,
** save the journal before the change is made. Returns 0, or non-zero if
** the entry cannot be stored or saved: the entry is then dropped, the
** reason is in p->zSaveWhy (the step or start answers `error` with it) and
** the caller must not make the change.
*/
int agent_core_record(AgentCore *p, AgentUndoKind eKind, const char *zKey,
                      const char *zName, const char *zOld);

/*
** With --state FILE and before `hello`: undo the journal a dead agent left
** in FILE (xUndo undoes one entry, as in agent_journal_undo), then remove
** FILE. Sets p->nRecovered (and nRecoverFailed). Returns 0, or non-zero if
** FILE exists but is not a complete journal: nothing is undone, FILE is
** left untouched (p->bStateKept) and p->zStateWhy says why; `hello` then
** answers `error` with it.
*/
int agent_core_recover(AgentCore *p, int (*xUndo)(void *pCtx, const AgentUndo *pEntry),
                       void *pCtx);

/* Run xFinish once (idempotent) and free everything. */
void agent_core_free(AgentCore *p);

/* ---------------------------------------------------------------- 5 ---- */

#define AGENT_DEP_DOSDEV  0x01u  /* DOS device links (define, drives) */
#define AGENT_DEP_NET     0x02u  /* network connections and their links */
#define AGENT_DEP_VAULT   0x04u  /* Credential Manager */
#define AGENT_DEP_POLICY  0x08u  /* machine policies */
#define AGENT_DEP_PROFILE 0x10u  /* HKCU\Network and the persistence default */
#define AGENT_DEP_ALL     0x1fu

/* What state a step reads and what it may change (AGENT_DEP_* masks). */
unsigned agent_step_reads(const ScnStep *pStep);
unsigned agent_step_writes(const ScnStep *pStep);

/* Mark state domains (AGENT_DEP_*) as unknown from now on, for a step that
** ran but whose effect the host will never produce (Wine ignores every
** policy it writes): later steps that read them are unsupported. */
void agent_core_mark_unknown(AgentCore *p, unsigned mDomains, const char *zWhy);

/* The typed form of a UNC path or target the host returned: the first
** string the scenario typed that equals it case-insensitively, else zHost. */
const char *agent_core_typed(const AgentCore *p, const char *zHost);

/* The name of half eHalf of session zSession: "A", "A.limited", ... */
void agent_half_name(const char *zSession, ScnHalf eHalf, char *zBuf, size_t nBuf);

#endif /* MAPSCOPE_REAL_AGENT_CORE_H */
