/*
** runner/engine/evidence.h: when an agreement between two backends counts
** as evidence.
**
** Two backends that print the same line have agreed, but the agreement
** says something about the host only if (a) the line observes the host's
** state rather than acknowledging a write (`ok` of a `define`, a `current`
** logon), and (b) the state the step reads is the same state on both sides:
** no earlier step that wrote it diverged, was a `todo`, or could not be
** done on one side. This module holds the table that says which state
** domains each kind of step reads and writes, a ledger of the domains that
** have diverged in the running scenario, and the capability words by which
** a host says what it cannot do faithfully. Pure functions, no I/O: see
** tests/runner/test_evidence.c and docs/evidence.md.
**
** Contents: 1. state domains and the step table  2. the divergence ledger
**           3. observations and acknowledgements  4. host capabilities and
**           what scenarios need
*/
#ifndef MAPSCOPE_RUNNER_EVIDENCE_H
#define MAPSCOPE_RUNNER_EVIDENCE_H

#include <stddef.h>

#include "lang/scenario.h"

/* ---------------------------------------------------------------- 1 ---- */

/* A piece of state a step may read or write. The owner of each domain is
** a logon session (named by the scenario), a user (the account a session
** was logged on with; SYSTEM for `as SYSTEM`) or the machine. */
typedef enum EvDomain {
  EV_SESSION = 0,  /* a logon session itself: its token and halves (session) */
  EV_DOSDEV,       /* a session's own DOS device namespace (session) */
  EV_GLOBAL,       /* the global DOS device namespace (machine) */
  EV_CONN,         /* a session's network connections (session) */
  EV_NETREG,       /* a user's HKCU\Network and /persistent default (user) */
  EV_VAULT,        /* a user's credential vault (user) */
  EV_POLICY,       /* the machine's policies (machine) */
  EV_BOOT,         /* boot-time DOS Devices values (machine) */
  EV_DOMAIN_COUNT
} EvDomain;

#define EV_BIT(d) (1u << (d))

/* What a step does to the domains. */
typedef struct EvAccess EvAccess;
struct EvAccess {
  unsigned mRead;      /* EV_BIT()s of the domains its outcome depends on */
  unsigned mWrite;     /* EV_BIT()s of the domains it may change */
  int bFresh;          /* 1: it replaces the session domains it writes
                       ** wholesale (a logon makes a new session; a reboot
                       ** ends every session), so earlier divergence there
                       ** no longer matters once it agrees */
  int bWriteKind;      /* 1: its purpose is a change (logon, set, define,
                       ** cmdkey /add, ...): an `ok` only acknowledges */
};

/* The table: what a step reads and writes (docs/evidence.md). */
void ev_step_access(const ScnStep *pStep, EvAccess *pAcc);

/* "dosdev", "vault", ... */
const char *ev_domain_name(EvDomain e);

/* ---------------------------------------------------------------- 2 ---- */

/* One entry of the ledger: from here on, domain eDomain of zOwner is
** diverged (iLine > 0: the line of the step that made it so) or clean
** again (iLine == 0). zOwner "*" stands for every owner. */
typedef struct EvMark EvMark;
struct EvMark {
  EvDomain eDomain;    /* the domain */
  char *zOwner;        /* session, user, "" (machine) or "*" (owned) */
  int iLine;           /* diverging line, or 0 for clean */
};

/* The divergence ledger of one scenario. Entries are appended; for a
** (domain, owner) the last entry that matches decides. */
typedef struct EvLedger EvLedger;
struct EvLedger {
  EvMark *aMark; int nMark, nAlloc;        /* the marks, in step order */
  char **azSession, **azUser; int nBind, nBindAlloc; /* logon bindings */
};

void ev_ledger_init(EvLedger *p);
void ev_ledger_clear(EvLedger *p);

/*
** The line of the step whose divergence reaches a domain pStep reads, or 0
** when every domain it reads is clean. With several, the earliest line.
*/
int ev_ledger_diverged_line(const EvLedger *p, const ScnStep *pStep,
                            const EvAccess *pAcc);

/*
** Record what pStep did, once both sides have run it. bDiverged: the sides
** may now hold different state (the step diverged, was a todo, unsupported,
** error, after-divergence, or ran on one side only); iLine is then the line
** to blame (the step's own, or the line it was after). A step that did not
** diverge and is bFresh makes its session domains clean again. A logon
** also binds its session name to its user.
*/
void ev_ledger_record(EvLedger *p, const ScnStep *pStep, const EvAccess *pAcc,
                      int bDiverged, int iLine);

/* ---------------------------------------------------------------- 3 ---- */

typedef enum EvEvidence {
  EV_NONE = 0,         /* no output to speak of */
  EV_OBSERVATION,      /* the output shows the host's state */
  EV_ACKNOWLEDGEMENT   /* the output only says a write or binding was taken */
} EvEvidence;

/* Classify one output of pStep (bAck: the backend said so itself). An
** output of exactly `ok` from a step whose purpose is a change is an
** acknowledgement; every other output (a listing, an error) observes. */
EvEvidence ev_classify(const ScnStep *pStep, const char *zOutput, int bAck);

/* "observation", "acknowledgement", or NULL for EV_NONE (the store's words). */
const char *ev_evidence_name(EvEvidence e);

/* ---------------------------------------------------------------- 4 ---- */

/* What a host cannot do (from its capability words) and, the same bits,
** what a scenario needs. */
#define EV_LACK_HALF_DOSDEV   0x001u  /* no-half-dosdevices (or one-namespace) */
#define EV_LACK_HALF_CONN     0x002u  /* no-half-connections */
#define EV_LACK_HALF_REGISTRY 0x004u  /* no-half-registry */
#define EV_LACK_HALF_VAULT    0x008u  /* no-half-vault */
#define EV_LACK_BOOT_APPLY    0x010u  /* no-boot-apply */
#define EV_LACK_SPLIT_TOKEN   0x020u  /* no-split-token */
#define EV_LACK_SHARES        0x040u  /* `shares` missing */
#define EV_LACK_SYSTEM        0x080u  /* `as-system` missing */
#define EV_LACK_LOGON_USER    0x100u  /* `logon-user` missing */
#define EV_LACK_NEEDS (EV_LACK_SPLIT_TOKEN|EV_LACK_SHARES|EV_LACK_SYSTEM \
                       |EV_LACK_LOGON_USER)

/*
** What a host lacks, from its capability words (NULL: the model, which
** lacks nothing). bWine: the host is Wine; until its agent states its half
** and boot capabilities (any word starting `no-half-`, `half-` or
** `boot-apply`/`no-boot-apply`), a Wine host is taken to lack all of them,
** which makes more steps unsupported and never one more agreement.
*/
unsigned ev_host_lacks(const char *zCaps, int bWine);

/* The capability word of one EV_LACK_ bit, and what it means. */
const char *ev_lack_word(unsigned mBit);
const char *ev_lack_meaning(unsigned mBit);

/*
** If a host lacking mLack cannot perform pStep faithfully, write why into
** zWhy (nWhy bytes) and return 1: a step addressed to one half of a logon
** (`as A.limited`, `as A.elevated`) touching a resource the host cannot
** separate by half. Returns 0 otherwise.
*/
int ev_step_half_unsupported(const ScnStep *pStep, unsigned mLack,
                             char *zWhy, size_t nWhy);

/* 1 and a reason if a `reboot` on a host lacking mLack is not faithful. */
int ev_reboot_unsupported(const ScnStep *pStep, unsigned mLack,
                          char *zWhy, size_t nWhy);

/* The EV_LACK_NEEDS bits a scenario needs from a host: logon-user for a
** logon other than `current`, as-system for `as SYSTEM`, a split token for
** uac=on or a step naming a half, shares for a connection or a UNC dir. */
unsigned ev_scenario_needs(const Scenario *pScn);

#endif /* MAPSCOPE_RUNNER_EVIDENCE_H */
