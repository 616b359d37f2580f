/*
** real/win/agent_win.h: the Win32 host of mapscope-agent (mingw-w64 only).
**
** The host performs steps with the real API: tokens and logons
** (agent_host.c), and the commands a logon half runs on an impersonating
** worker thread (agent_cmds.c). It implements AgentHostOps for the
** portable core (../agent_core.h).
**
** Contents: 1. logons the agent holds  2. the host  3. shared helpers
**           4. language v2 steps (agent_v2.c)
*/
#ifndef MAPSCOPE_REAL_WIN_AGENT_WIN_H
#define MAPSCOPE_REAL_WIN_AGENT_WIN_H

#ifndef WIN32_LEAN_AND_MEAN
# define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>
#include <stdint.h>

#include "../agent_core.h"

/* ---------------------------------------------------------------- 1 ---- */

/*
** A long-lived worker thread that impersonates one token (one logon half,
** or SYSTEM) for as long as the logon lives: impersonation is set up and
** verified once, and each `as` step is handed to it (an event each way)
** instead of creating a thread per step (a thread costs 1.2-1.9 ms under
** Wine, the Win32 call it runs 22-30 us).
*/
typedef struct WinWorker WinWorker;
struct WinWorker {
  HANDLE hThread;              /* the thread, NULL until the first step */
  HANDLE hGo;                  /* set: a job (or quit) is waiting */
  HANDLE hDone;                /* set: the thread is ready / the job is done */
  HANDLE hTok;                 /* the token it impersonates (not owned) */
  int eElev;                   /* expected TOKEN_ELEVATION_TYPE */
  uint64_t luid;               /* expected LUID (0: the host does not tell) */
  int bIdentOk;                /* identification level accepted (Wine only) */
  int eBad;                    /* AGENT_DONE, or why every job fails */
  char zBad[256];              /* the reason for eBad */
  HANDLE hThreadTok;           /* the verified thread token (owned) */
  void *pJob;                  /* the job being handed over */
  int bQuit;                   /* set with hGo: end the thread */
};

typedef struct WinLogon WinLogon;
struct WinLogon {
  char zName[AGENT_LUID_NAME]; /* the logon name S */
  char zUser[128];             /* the world account it is a logon of */
  ScnLogonType eType;          /* how it was made */
  int bLive;                   /* handles below are open */
  int bCurrent;                /* bound to the agent's own session */
  HANDLE hBare;                /* the half the logon hands to the process */
  HANDLE hOther;               /* the other half of a split logon, or NULL */
  int eBareElev;               /* TOKEN_ELEVATION_TYPE of hBare (1..3) */
  int eOtherElev;              /* and of hOther */
  uint64_t luidBare;           /* AuthenticationId of hBare (0 = not told) */
  uint64_t luidOther;          /* of hOther */
  HANDLE hProfile;             /* LoadUserProfileW handle, or NULL */
  int bNoProfile;              /* no profile could be loaded: HKCU steps and
                               ** the vault are refused for this logon */
  WinWorker aWork[2];          /* workers for hBare and hOther */
};

#define WIN_MAX_LOGONS 32

/* ---------------------------------------------------------------- 2 ---- */

typedef struct WinHost WinHost;
struct WinHost {
  int bWine;                   /* ntdll exports wine_get_version */
  char zWineVersion[64];       /* its answer */
  char zOs[128];               /* "Windows 10.0.20348" or "Wine 8.0 on Linux" */
  int bElevated;               /* the process token is elevated */
  int eProcElev;               /* its TOKEN_ELEVATION_TYPE */
  HANDLE hProcess;             /* the process token (query, duplicate) */
  HANDLE hSystem;              /* an impersonation token of SYSTEM with
                               ** SeTcbPrivilege enabled, or NULL */
  int bGlobalDir;              /* \GLOBAL?? exists (real LUID device maps) */
  int bWnet;                   /* a network provider answers WNet* */
  int bExistingShares;         /* --existing-shares: world servers exist */
  int iHangAt;                 /* --test-hang-at=N: hang in step N */
  int iDieAt;                  /* --test-die-at=N: exit in step N */
  unsigned mHostDisks;         /* fixed disks of the host, bit per letter */
  unsigned mBaseLetters;       /* drive letters linked at start */
  char **azBaseName;           /* every DOS device name at start (upper case) */
  char **azBaseTarget;         /* its current target then (UTF-8) */
  int nBase;                   /* entries */
  char **azBaseCred;           /* the agent user's domain credentials at start */
  int nBaseCred;               /* entries */
  WinLogon aLogon[WIN_MAX_LOGONS]; /* logons made or bound */
  int nLogon;                  /* entries used */
  PSID pProcSid;               /* the agent's own user SID (owned) */
  WinWorker sysWork;           /* the worker impersonating hSystem */
  char zSystemFrom[160];       /* where hSystem came from, or why none */
  int bSplit;                  /* the agent's own token is split (UAC) */
  int bOwnStep;                /* the step runs as the agent's own session */
  unsigned mBaseNet;           /* letters connected or remembered at start,
                               ** for any half the agent acts as (protected) */
  unsigned mBaseRegNet;        /* v2: letters with a key under the own user's
                               ** HKU\<SID>\Network at start (protected) */
  char **azBaseDevless;        /* v2: the own user's deviceless connections
                               ** at start (remote names, UTF-8; protected) */
  int nBaseDevless;            /* entries */
};

/* With --state (c->zStatePath): undo what a dead agent left in the state
** file before the baseline is taken, then remove the file
** (agent_core_recover). Returns 0, or non-zero if the file is not a
** complete journal: it is left untouched and `hello` answers `error`. */
int win_recover(AgentCore *c);

/* Initialise the host: detect Wine, read the process token, look for a
** SYSTEM token, probe the namespace and the network provider, record the
** baseline. Returns 0 (a host with fewer capabilities is still a host). */
int win_host_init(WinHost *p);
/* Close every handle and free the baseline. */
void win_host_free(WinHost *p);

extern const AgentHostOps win_host_ops;

/* ---------------------------------------------------------------- 3 ---- */

/* Perform an `as` command on the current (impersonating) thread. */
AgentOutcome win_cmd_run(WinHost *h, AgentCore *c, const ScnStep *pStep,
                         const WinLogon *pLogon, HANDLE hThreadTok,
                         AgentOut *pOut);

/* Perform a `tool` step (T8, agent_tools.c): the real tool under the
** half, or `unsupported` with the reason. */
AgentOutcome win_cmd_tool(WinHost *h, AgentCore *c, const ScnStep *pStep,
                          const WinLogon *pLogon, HANDLE hThreadTok,
                          AgentOut *pOut);

/* --ansible-dir DIR (agent_tools.c): a checkout of ansible-core or of a
** collection to find Ansible modules and module_utils in. 0 or non-zero. */
int win_tools_add_ansible_dir(const char *zDir);

/* UTF-8 <-> UTF-16 (malloc'd; NULL on failure or NULL input). */
WCHAR *win_wide(const char *z);
char *win_utf8(const WCHAR *z);

/* The AuthenticationId of a token as one number, 0 if not told. */
uint64_t win_token_luid(HANDLE hTok);
/* Its TOKEN_ELEVATION_TYPE (1..3), or 0 if it cannot be read. */
int win_token_elevation(HANDLE hTok);

/* 1 if drive letter cLetter is a link in the local DOS device directory of
** logon session luid (\Sessions\0\DosDevices\%08x-%08x); 0 if not, or
** if the host has no per-LUID directories; -1 if the open failed for
** another reason (the caller must not guess `global`). */
int win_link_is_local(const WinHost *h, uint64_t luid, char cLetter);

/* 1 if zName (a DOS device name) was present at start. */
int win_is_baseline_name(const WinHost *h, const char *zName);
/* 1 if the token's user is the agent's own user. */
int win_token_is_own_user(const WinHost *h, HANDLE hTok);

/* Registry value journalled write/delete. zRoot "HKLM" or "HKCU". A NULL
** zData deletes. Returns the Win32 error (0 = success). */
int win_reg_set_journalled(WinHost *h, AgentCore *c, const char *zRoot,
                           const char *zPath, const char *zValue,
                           DWORD dwType, const BYTE *pData, DWORD nData,
                           int bJournal);

/* agent_cmds.c, for agent_v2.c: the persistence default (C8) of the
** calling thread's user, setting it (journalled for the own user), and
** whether the agent's own hive remembers letter cLetter. */
int win_net_save_default(void);
int win_net_set_save_default(WinHost *h, AgentCore *c, HANDLE hTok, int bYes);
int win_net_own_hive_remembers(const WinHost *h, char cLetter);

/* ---------------------------------------------------------------- 4 ---- */

/* agent_v2.c: the steps of language version 2 (issue 10 item 3). */

/* Add the v2 baseline of the current thread's user: its remembered keys
** (registry) and, with a network provider, its deviceless connections. */
void win_v2_baseline_add(WinHost *h);
/* Free what win_v2_baseline_add allocated. */
void win_v2_free(WinHost *h);
/* 1 if the operator's user had deviceless connections at start. */
int win_v2_base_deviceless(const WinHost *h);
/* 1 for the logons agent_v2.c performs or refuses: netonly, task, elevate,
** batch s4u (ssh is a LogonUserW type in agent_host.c). */
int win_v2_is_logon(const ScnStep *s);
AgentOutcome win_v2_logon(WinHost *h, AgentCore *c, const ScnStep *s, AgentOut *pOut);
/* 1 for the v2 commands agent_v2.c performs (not `tool`). */
int win_v2_is_cmd(ScnCmd eCmd);
AgentOutcome win_v2_cmd(WinHost *h, AgentCore *c, const ScnStep *s,
                        const WinLogon *L, HANDLE hThreadTok, AgentOut *pOut);
/* Append the caller's deviceless connections (`net use`: with a status). */
void win_v2_list_deviceless(AgentCore *c, AgentOut *pOut, int bStatus);
/* Cancel every deviceless connection of the caller; 0 or the first error. */
DWORD win_v2_cancel_all_deviceless(void);
/* Undo entry e if it is one of the v2 forms (HKU registry values and keys,
** deviceless or pending `net use *` connections): returns 1 and sets *pRc
** (0 = undone), or 0 if e is not one of them. */
int win_v2_undo(WinHost *h, const AgentUndo *e, int *pRc);

#endif /* MAPSCOPE_REAL_WIN_AGENT_WIN_H */
