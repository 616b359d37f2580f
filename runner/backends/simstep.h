/*
** runner/backends/simstep.h: the one mapping from a scenario step to model
** calls, shared by the sim backend (backend_sim.c) and the explorer's fast
** path (runner/explore/fastpath.c).
**
** Both callers hold a step in their own form (a parsed ScnStep with logon
** names and placeholders; an ExpStep of small indexes) and their own table
** of logon names. Each turns its step into a SimStepCall: the step kind
** and command, the tokens already resolved (the acting half, the from=
** half of a v2 logon, the half a logoff ends), and every argument as the
** model receives it (placeholders in targets already replaced by LUIDs,
** passwords filled in from the world). simstep_run() then makes the model
** calls, and only it decides which sim_* function a step is and with which
** flags (C8's /persistent default, C14's deviceless forms, C15's `net use
** *`, R6's registry writes, L11-L14's logons).
**
** Output is structured, never text: listings are handed row by row to the
** caller's visitors (SimStepVisit), single results (the letter `net use *`
** took, `wnet get`'s remote, `token`'s fields, the token a logon made)
** land in a SimStepOut. The backend formats the canonical text from them;
** the fast path hashes them and checks invariants, and builds no text.
**
** Contents:
**   1. A step in the model's terms
**   2. Structured output: visitors and single results
**   3. Running it; building the world
*/
#ifndef MAPSCOPE_RUNNER_SIMSTEP_H
#define MAPSCOPE_RUNNER_SIMSTEP_H

#include "lang/scenario.h"
#include "sim/sim.h"

/* ---------------------------------------------------------------- 1 ---- */

/* What a SimStepCall's mFlag holds (the flags of define, undefine, wnet). */
#define SIMSTEP_RAW        0x01  /* define/undefine raw */
#define SIMSTEP_EXACT      0x02  /* undefine exact */
#define SIMSTEP_UPDATE     0x04  /* wnet add/cancel update-profile */
#define SIMSTEP_TEMPORARY  0x08  /* wnet add temporary */
#define SIMSTEP_FORCE      0x10  /* wnet cancel force */
#define SIMSTEP_REMEMBERED 0x20  /* wnet enum remembered */

typedef struct SimStepCall SimStepCall;
struct SimStepCall {
  ScnStepKind eKind;         /* logon, logoff, reboot, set, bootdevice, as */
  ScnCmd eCmd;               /* the command of an `as` step */
  SimLuid tok;               /* as: the acting half; logoff: the half the
                             ** logon handed out; 0 = none (error 1312) */
  /* logon */
  ScnLogonType eLogonType;   /* the language's logon type */
  int bS4u;                  /* batch s4u (L13) */
  int bHighest;              /* highest (batch, task) */
  const char *zUser;         /* the account */
  const char *zLogonPassword;/* the password the logon (or a credential
                             ** prompt, L14) gives: the world's unless
                             ** password= overrides it */
  SimLuid tokFrom;           /* netonly, task, elevate: the from= half; 0 =
                             ** none (error 1312) */
  /* set machine */
  const ScnSetting *aSetting; int nSetting;
  /* arguments of bootdevice and `as` commands */
  char cLetter;              /* drive letter, 0 if none */
  const char *zName;         /* define/undefine/query device name */
  const char *zTarget;       /* define/undefine/bootdevice target (LUIDs,
                             ** not placeholders); cmdkey target */
  const char *zRemote;       /* \\srv\share of net use, wnet, deviceless
                             ** cancel */
  const char *zPath;         /* dir */
  const char *zCredUser;     /* /user:, user=, cmdkey /user: (NULL if none) */
  const char *zCredPassword; /* NULL (none) or "" (empty) or a password */
  int ePersistent;           /* net use /persistent: -1 absent, 0, 1 */
  unsigned mFlag;            /* SIMSTEP_* */
  const char *zRegValue;     /* reg set/delete value (NULL: the whole key) */
  ScnRegType eRegType;       /* reg set: SCN_REG_SZ or SCN_REG_DWORD */
  const char *zRegData;      /* reg set REG_SZ data */
  unsigned uRegDword;        /* reg set REG_DWORD data */
};

/* ---------------------------------------------------------------- 2 ---- */

/* The caller's visitors of a listing's rows (any may be NULL: the rows are
** then not visited), with one context for all. A visitor returning
** non-zero stops the listing. */
typedef struct SimStepVisit SimStepVisit;
struct SimStepVisit {
  void *pCtx;
  int (*xUse)(void *pCtx, const SimUseInfo *pU);          /* net use */
  int (*xCred)(void *pCtx, const SimCredInfo *pC);        /* cmdkey /list */
  int (*xTarget)(void *pCtx, const char *zTarget);        /* query */
  int (*xResource)(void *pCtx, const SimResourceInfo *pR);/* wnet enum */
  int (*xDrive)(void *pCtx, const SimLinkInfo *pL);       /* drives */
  int (*xNet)(void *pCtx, const SimNetValues *pV);        /* persisted */
};

/* The shape of a step's canonical output (the backend prints it). */
typedef enum SimStepShape {
  SIMSTEP_OK = 0,            /* `ok` or an error */
  SIMSTEP_LISTING,           /* rows, `(none)` or an error */
  SIMSTEP_OK_LETTER,         /* net use *: `ok Z:` or an error */
  SIMSTEP_REMOTE,            /* wnet get: zRemote or an error */
  SIMSTEP_TOKEN              /* token: the fields of token, or an error */
} SimStepShape;

typedef struct SimStepOut SimStepOut;
struct SimStepOut {
  SimStepShape eShape;       /* how the result prints */
  char cLetter;              /* net use *: the letter taken */
  const char *zRemote;       /* wnet get: the remote (the machine's) */
  SimTokenInfo token;        /* token: the caller's token */
  SimLuid tokMade;           /* logon: the half handed out (0 on failure) */
  SimTokenInfo made;         /* logon: its token (luidLinked: the other
                             ** half, eElevation: which half it is) */
};

/* ---------------------------------------------------------------- 3 ---- */

/*
** Make the model calls of one step on pM. Returns the step's Win32 result
** (0 for success and for a listing that was read). pV may be NULL (no
** rows visited); *pOut is filled (zeroed first). An `as` step whose token
** is 0 or ended, a logoff of 0, and a v2 logon whose from= half is 0 or
** ended mark L10 and return ERROR_NO_SUCH_LOGON_SESSION. A command this
** mapping does not know (the `tool` step, which its backend runs itself)
** returns ERROR_INVALID_PARAMETER.
*/
int simstep_run(SimMachine *pM, const SimStepCall *pCall, const SimStepVisit *pV,
                SimStepOut *pOut);

/*
** Build a scenario's world on the fresh machine pM: policies, fixed disks,
** users, shares and their server aliases (C16). Returns 0, or a Win32
** error with a one-line reason ("line 4: user bob refused by the model
** (error 87)") in zErr.
*/
int simstep_world(SimMachine *pM, const Scenario *pScn, char *zErr, size_t nErr);

/* The model's logon type for the language's (SIM_LOGON_COUNT for the v2
** types made from a live half: netonly, task, elevate). */
SimLogonType simstep_logon_type(ScnLogonType e, int bS4u);

#endif /* MAPSCOPE_RUNNER_SIMSTEP_H */
