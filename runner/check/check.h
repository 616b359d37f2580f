/*
** runner/check/check.h: `mapscope check`, an exhaustive breadth-first search
** over every sequence of steps a small world allows (docs/check.md).
**
** The search reuses the explorer (runner/explore/): its world, its step
** values (ExpStep) and its fast executor with the twelve invariants. A
** CkStep is an ExpStep plus what the language's version 2 adds (from=,
** batch s4u, registry values); the steps of a world are enumerated once
** into an alphabet (CkAlphabet) and each state tries every entry valid in
** it. States are identified by a canonical digest of the model machine
** (sim/digest.h) plus which logon name holds which session; each is
** visited once. Successors start from a copy of the state (sim/clone.h).
**
** Contents:
**   0. The world (world.c)
**   1. Steps and the alphabet (steps.c)
**   2. A state being run: machine and logon names (steps.c)
**   3. Invariants: the table a user extends (invariants.c)
**   4. The search (search.c)
*/
#ifndef MAPSCOPE_RUNNER_CHECK_H
#define MAPSCOPE_RUNNER_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include "runner/explore/explore.h"
#include "sim/digest.h"
#include "sim/rules.h"

/* ---------------------------------------------------------------- 0 ---- */

/* The world: a --world file (the explorer's reader) or the built-in
** default (worlds/check-default.scn). Returns 0, or non-zero with a
** one-line reason in zErr. Free with exp_world_free(). */
int ck_world_init(ExpWorld *pW, const char *zWorldFile, char *zErr, size_t nErr);
const char *ck_default_world_text(void);
/* The same from scenario text (tests). */
int ck_world_from_text(ExpWorld *pW, const char *zText, char *zErr, size_t nErr);

/* ---------------------------------------------------------------- 1 ---- */

#define CK_MAX_SLOT   4      /* logon names the search uses (A..D) */
#define CK_MAX_LETTER 4      /* drive letters of a world */

/* Extra meaning of a CkStep beyond its ExpStep. */
typedef struct CkStep CkStep;
struct CkStep {
  ExpStep s;                 /* kind, command and arguments */
  uint8_t iFrom;             /* netonly/task/elevate: the logon name of
                             ** from= (a slot), CK_FROM_SYSTEM, or
                             ** EXP_NONE for other logons */
  uint8_t bS4u;              /* `batch s4u` */
  uint8_t eReg;              /* reg set: CK_REG_* below */
  uint8_t iTool;             /* tool steps (T1-T8): 1 + index in the
                             ** alphabet's azTool; 0 = not a tool step */
};

#define CK_FROM_SYSTEM  0xfe /* iFrom of `netonly from=SYSTEM` (EXP_NONE
                              ** and EXP_SYSTEM are both 0xff) */

#define CK_REG_REMOTE   1    /* reg set ...\L RemotePath <share> */
#define CK_REG_USERNAME 2    /* reg set ...\L UserName "" (Ansible, R6) */

/* How much of the language the alphabet holds. */
typedef struct CkConfig CkConfig;
struct CkConfig {
  int nSlot;                 /* logon names used (1..CK_MAX_SLOT) */
  char acLetter[CK_MAX_LETTER]; /* drive letters */
  int nLetter;               /* entries in acLetter */
  int bAllLogons;            /* every logon type (rdp, batch, service,
                             ** winrm, credssp, become too), not only the
                             ** ones that decide different rules */
  int bNoRegWrites;          /* leave out reg set/delete (R6) (a test's
                             ** independent count cannot see raw registry
                             ** values through the public interface) */
  int bNoTools;              /* leave out tool steps (T1-T8) */
  unsigned mFamily;          /* CK_FAM_* families kept (0: all) */
  int bReads;                /* listing steps (net use, drives, token, ...):
                             ** they change nothing, but their invariants
                             ** (sorted output) and rules are checked */
};

/* Families of steps (CkConfig.mFamily, `--families`): what a user names to
** scope a search to the steps of their question. */
#define CK_FAM_LOGON      0x0001   /* logons of every type, from= ones too */
#define CK_FAM_LOGOFF     0x0002   /* logoff */
#define CK_FAM_REBOOT     0x0004   /* reboot */
#define CK_FAM_POLICY     0x0008   /* set machine ... (UAC, links, ...) */
#define CK_FAM_BOOT       0x0010   /* bootdevice (G5) */
#define CK_FAM_CONNECT    0x0020   /* net use L: \\s\sh, wnet add L: */
#define CK_FAM_CANCEL     0x0040   /* net use L: /delete, wnet cancel L:,
                                   ** net use * /delete */
#define CK_FAM_AUTO       0x0080   /* net use * \\s\sh (C15) */
#define CK_FAM_DEVICELESS 0x0100   /* deviceless add and cancel (C14) */
#define CK_FAM_UNC        0x0200   /* dir \\s\sh (C13) */
#define CK_FAM_PERSISTENT 0x0400   /* net use /persistent:yes|no */
#define CK_FAM_CMDKEY     0x0800   /* cmdkey /add, /delete */
#define CK_FAM_DEFINE     0x1000   /* define, undefine */
#define CK_FAM_REG        0x2000   /* reg set, reg delete (R6) */
#define CK_FAM_TOOL       0x4000   /* tool steps (T1-T8) */
#define CK_FAM_READ       0x8000   /* listings: net use, drives, token, ... */
#define CK_FAM_ALL        0xffff

/* The family of a step (one CK_FAM_* bit; 0 for a command no family
** names yet). */
unsigned ck_step_family(const CkStep *p);

/* Parse a `--families` list: families separated by commas, each a name of
** ck_family_name() or "all"; a leading '-' removes a family (from all
** when the list starts with one). Returns 0 and sets *pm, or non-zero
** with a one-line reason in zErr. */
int ck_family_parse(const char *zList, unsigned *pm, char *zErr, size_t nErr);
/* The name of family bit m ("logon", ...), or NULL. */
const char *ck_family_name(unsigned m);

/* Fill *pCfg with the defaults: 2 names, letters Q R Z, reads on. */
void ck_config_default(CkConfig *pCfg);

/* Every step a world allows, in a fixed order. */
typedef struct CkAlphabet CkAlphabet;
struct CkAlphabet {
  CkStep *aStep;             /* the steps (malloc'd) */
  int nStep;                 /* entries */
  int nAlloc;                /* slots */
  const ExpWorld *pW;        /* the world */
  CkConfig cfg;              /* what it was built from */
  char **azTool;             /* tool steps by template: the text after
                             ** `as WHO `, NULL for one the language
                             ** does not parse */
  ScnStep *aTool;            /* the same parsed (keys for the profile) */
  int nTool;                 /* templates */
};

/* Branches of the tool profiles the search reached: the distinct `why:`
** lines of their records (up to the first ':' of the reason), per
** profile. Shared by every state of a search (CkSim.pCover). */
typedef struct CkToolCover CkToolCover;
struct CkToolCover {
  char **az;                 /* "profile: why" strings, malloc'd */
  int n, nAlloc;             /* entries, slots */
  long nRun;                 /* tool steps run */
};
void ck_tool_cover_free(CkToolCover *p);

/* Build the alphabet of world pW. Returns 0 or ERROR_NOT_ENOUGH_MEMORY. */
int ck_alphabet_init(CkAlphabet *pA, const ExpWorld *pW, const CkConfig *pCfg);
void ck_alphabet_free(CkAlphabet *pA);

/* Fill *pOut (free with scn_step_clear()) with the step as the language
** writes it; iIndex is its position. Returns 0 or ERROR_NOT_ENOUGH_MEMORY. */
int ck_step_to_scn(const ExpWorld *pW, const CkStep *p, int iIndex, ScnStep *pOut);

/* The step's text (malloc'd), secrets shown or not; NULL when out of
** memory. */
char *ck_step_text(const ExpWorld *pW, const CkStep *p, int bRedact);

/* ---------------------------------------------------------------- 2 ---- */

/* A state being run: the explorer's ExpSim (machine, the tokens of each
** logon name, the invariant that failed) and the search's own facts. */
typedef struct CkSim CkSim;
struct CkSim {
  ExpSim x;                  /* machine and the tokens of each name */
  int bCurrentUsed;          /* a `current` logon was made */
  uint8_t abUsed[EXP_MAX_SLOT];  /* logon name ever logged on */
  uint8_t abLive[EXP_MAX_SLOT];  /* live as the language counts it (a
                                 ** task or consent elevation shares the
                                 ** logon of its from=: a group) */
  uint8_t aiGroup[EXP_MAX_SLOT]; /* the logon a live name belongs to */
  uint8_t aiUser[EXP_MAX_SLOT];  /* the account of the name's logon */
  uint8_t nGroup;                /* groups handed out */
  const CkAlphabet *pA;          /* the alphabet (tool steps), or NULL */
  CkToolCover *pCover;           /* where tool branches go, or NULL */
  uint8_t bHandWritten;          /* a reg set/delete succeeded on this
                                 ** path: HKCU\Network may hold keys
                                 ** without C6's fixed values (R6), so
                                 ** the explorer's hkcu-network-values
                                 ** no longer applies */
};

/* Open the world's first state. Returns 0 or a Win32 error. */
int ck_sim_open(CkSim *pS, const ExpWorld *pW);
/* Copy pFrom into pTo (a new machine). Returns 0 or a Win32 error. */
int ck_sim_copy(CkSim *pTo, const CkSim *pFrom);
void ck_sim_close(CkSim *pS);

/* 1 if step p may follow in state pS (the language's rules, and the
** search's: a new logon takes the first free name). */
int ck_step_valid(const CkSim *pS, const CkAlphabet *pA, const CkStep *p);

/* 1 if step p is a listing that changes no state (net use, cmdkey /list,
** drives, token, persisted, wnet enum, wnet get, query, dir L:\): the
** search runs it and checks every invariant after it, but does not
** digest the state after it (CkOptions.bVerifyReads does, for tests). */
int ck_step_is_read(const CkStep *p);

/* What a step may touch (partial-order reduction, docs/check.md): a
** "local" step is an `as` step of a live logon name that writes only
** its own logon session(s) and its own account's profile (HKCU\Network,
** vault, net use default), and reads those and the machine-wide state
** (policies, \GLOBAL??) without writing it. Everything else (logons,
** logoffs, reboots, policies, boot devices, SYSTEM's steps, tool steps,
** Global\ names, any step while LUID device maps are off) is global. */
typedef struct CkFoot CkFoot;
struct CkFoot {
  int bGlobal;               /* not local: depends on every step */
  SimLuid aLuid[2];          /* the caller's session and its linked one */
  const char *azUser[2];     /* the token's account, netonly's outbound
                             ** account (or NULL) */
};

/* Fill *pF for step p in state pS. */
void ck_step_foot(const CkSim *pS, const CkStep *p, CkFoot *pF);

/* 1 if two local footprints share nothing (no session, no account). */
int ck_foot_disjoint(const CkFoot *pA, const CkFoot *pB);

/* Apply step p; returns its Win32 result. Explorer invariants that fail
** set pS->x.eFailed. */
int ck_sim_step(CkSim *pS, const CkStep *p);

/* The digest the search gives a state under no renaming: the machine's
** (sim/digest.h) and the search's own facts (logon names, the `current`
** logon, a registry write by hand on the path). Returns 0 or
** ERROR_NOT_ENOUGH_MEMORY. (search.c; for tests.) */
int ck_state_digest(const CkSim *pS, int nSlot, SimDigest *pOut);

/* ---------------------------------------------------------------- 3 ---- */

/* What a check function sees. pBefore is NULL for a state invariant
** checked on the first state; pStep is NULL then too. */
typedef struct CkCheckArgs CkCheckArgs;
struct CkCheckArgs {
  const CkSim *pBefore;      /* the state before the step, or NULL */
  const CkStep *pStep;       /* the step, or NULL */
  int rc;                    /* its result */
  const CkSim *pAfter;       /* the state after it */
  const ExpWorld *pW;        /* the world */
};

/* An invariant: return 0 when it holds, else 1 with a one-line reason in
** zWhy. */
typedef int (*CkCheckFn)(const CkCheckArgs *pArgs, char *zWhy, size_t nWhy);

typedef struct CkInvariant CkInvariant;
struct CkInvariant {
  const char *zName;         /* short name ("local-link-isolation") */
  const char *zRules;        /* the rule IDs it follows from ("N1 N6 C10") */
  CkCheckFn xCheck;          /* the check; NULL: one of the explorer's
                             ** twelve (checked by the executor) */
  const char *zDoc;          /* one sentence for docs and reports */
};

/* The table (invariants.c): the explorer's twelve first, then the
** check's own. */
const CkInvariant *ck_invariants(int *pnInv);

/* Index of the table entry that stands for explorer invariant e. */
int ck_invariant_of_exp(ExpInvariant e);

/* ---------------------------------------------------------------- 4 ---- */

typedef struct CkOptions CkOptions;
struct CkOptions {
  int nDepth;                /* deepest level to expand to (steps) */
  long nMaxStates;           /* stop after this many states (0: none) */
  double rSeconds;           /* stop after this long (0: none) */
  int bSymmetry;             /* reduce interchangeable accounts */
  unsigned iPlantBug;        /* test only: sim_machine_plant_bug() */
  int bQuiet;                /* no progress lines */
  int bReplay;               /* make each successor's starting state by
                             ** replaying the path from the first state
                             ** instead of copying (for the benchmark) */
  int bPor;                  /* partial-order reduction (off by
                             ** default: it saves ~1% of the steps at
                             ** depth 4; docs/check.md) */
  int bVerifyReads;          /* digest after listings too and count the
                             ** ones that changed the state (tests:
                             ** ck_step_is_read must be right) */
};

/* The search's result. */
typedef struct CkResult CkResult;
struct CkResult {
  int nDepthDone;            /* every sequence of this many steps visited */
  int bComplete;             /* no new state at the last depth expanded */
  long nStates;              /* distinct states */
  long anStatesAt[64];       /* new states first met at depth d */
  long nTransitions;         /* steps executed */
  double rSeconds;           /* time spent (wall clock) */
  double rCpuSeconds;        /* processor time spent (the rates use it:
                             ** the machine may be shared) */
  size_t nBytes;             /* memory held for visited states */
  int nSymmetricUsers;       /* accounts in interchangeable classes */
  int bStoppedStates;        /* stopped by nMaxStates */
  int bStoppedTime;          /* stopped by rSeconds */
  long nPorSkipped;          /* steps the partial-order reduction did
                             ** not run */
  long nReadsChanged;        /* bVerifyReads: listings that changed the
                             ** state (must be 0) */
  /* a failure: the shortest sequence */
  int iFailed;               /* invariant table index, -1 if none */
  char zWhy[256];            /* its reason */
  CkStep *aPath;             /* the steps (malloc'd), nPath entries */
  int nPath;
  /* coverage */
  SimRuleSet fired;          /* rules any step marked */
  CkToolCover toolCover;     /* tool branches reached */
  int anAlphaUsed[1];        /* unused (layout anchor) */
};

/*
** Breadth-first search from the world's first state. Returns 0 when it
** ran (pRes->iFailed says whether an invariant failed), or a Win32 error
** (out of memory, a world the model cannot build). Free with
** ck_result_free().
*/
int ck_search(const ExpWorld *pW, const CkAlphabet *pA, const CkOptions *pOpt,
              CkResult *pRes);
void ck_result_free(CkResult *pRes);

/*
** The counterexample as a ready-to-run scenario (malloc'd): the
** invariant and its rules in comments, the world, each step with the
** expected block the sim backend gives. NULL when out of memory or the
** backend fails.
*/
char *ck_counterexample_scn(const ExpWorld *pW, const CkResult *pRes,
                            const char *zInvName, const char *zInvRules);

#endif /* MAPSCOPE_RUNNER_CHECK_H */
