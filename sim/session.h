/*
** sim/session.h: logons, logon sessions and tokens (SEMANTICS L1-L14).
**
** A logon creates one logon session, or two linked ones when the logon is
** split by UAC (L2). The caller of every other module acts "as" a token,
** named by its logon session's LUID (SimLuid); SIM_LUID_SYSTEM is SYSTEM.
** Thread impersonation (N2) is the caller's business: pass the token the
** thread would run with. A token whose logon session has ended is refused
** everywhere with ERROR_NO_SUCH_LOGON_SESSION (L10).
**
** Contents: 1. logon types and elevation  2. logon and logoff
**           3. logons made from a live half (v2: netonly, task, elevate)
**           4. token information  5. introspection
*/
#ifndef MAPSCOPE_SIM_SESSION_H
#define MAPSCOPE_SIM_SESSION_H

#include "sim/machine.h"

/* ---------------------------------------------------------------- 1 ---- */

typedef enum SimLogonType {
  SIM_LOGON_INTERACTIVE = 0, /* console logon through winlogon */
  SIM_LOGON_RDP,             /* remote desktop, through winlogon */
  SIM_LOGON_RUNAS,           /* runas.exe / CreateProcessWithLogonW */
  SIM_LOGON_BATCH,           /* a scheduled task with stored credentials */
  SIM_LOGON_SERVICE,         /* a service account logon */
  SIM_LOGON_NETWORK,         /* SMB or other network logon */
  SIM_LOGON_WINRM,           /* WinRM without CredSSP */
  SIM_LOGON_CREDSSP,         /* WinRM with CredSSP (delegated credentials) */
  SIM_LOGON_BECOME,          /* an automation tool's become/runas */
  SIM_LOGON_CURRENT,         /* the elevated session the harness runs in */
  SIM_LOGON_SSH,             /* OpenSSH with a password: network cleartext
                             ** (L11) */
  SIM_LOGON_S4U,             /* a scheduled task that stores no password:
                             ** a batch logon without credentials (L13) */
  SIM_LOGON_NETONLY,         /* runas /netonly (L12): only through
                             ** sim_logon_netonly() */
  SIM_LOGON_ELEVATE,         /* a credential prompt's new logon (L14):
                             ** only through sim_elevate() */
  SIM_LOGON_SYSTEM,          /* SYSTEM's own session (not a logon type a
                             ** caller may request) */
  SIM_LOGON_COUNT
} SimLogonType;

/* TOKEN_ELEVATION_TYPE values. */
typedef enum SimElevation {
  SIM_ELEVATION_DEFAULT = 1, /* TokenElevationTypeDefault: not split */
  SIM_ELEVATION_FULL = 2,    /* TokenElevationTypeFull: the elevated half */
  SIM_ELEVATION_LIMITED = 3  /* TokenElevationTypeLimited: filtered */
} SimElevation;

/* ---------------------------------------------------------------- 2 ---- */

/*
** LogonUser for account zUser (case-insensitive) with zPassword (NULL is
** an empty password). eType SIM_LOGON_CURRENT binds to the harness's own
** session: the password is not checked and nothing is restored; nor is it
** for SIM_LOGON_S4U (the task scheduler logs on without one, L13).
** bHighest: a batch or s4u task that runs with highest privileges (L5).
** SIM_LOGON_NETONLY and SIM_LOGON_ELEVATE are made only from a live half
** (section 3).
**
** Creates one logon session, or two linked ones (L2), with fresh LUIDs
** (L1); decides the elevation type (L2-L4), whether the session holds the
** user's credentials (L6), and for interactive and rdp logons restores the
** user's remembered connections (R1-R5). On success returns 0 and sets
** *pToken to the half the new process runs with (L5).
** Failures: ERROR_LOGON_FAILURE for an unknown account, SYSTEM, or a wrong
** password (L7); ERROR_INVALID_PARAMETER for a bad eType (netonly,
** elevate and SYSTEM included);
** ERROR_NOT_ENOUGH_MEMORY. Nothing is created on failure.
*/
int sim_logon_user(SimMachine *pM, const char *zUser, SimLogonType eType,
                   int bHighest, const char *zPassword, SimLuid *pToken);

/*
** Log off the logon that token belongs to (L8): both halves of a split
** logon end, with their DOS device directories and network connections;
** registry and vault stay. Returns 0, ERROR_NO_SUCH_LOGON_SESSION for an
** ended or unknown token, ERROR_ACCESS_DENIED for SYSTEM's session.
*/
int sim_logoff(SimMachine *pM, SimLuid token);

/* ---------------------------------------------------------------- 3 ---- */

/*
** runas /netonly from the live half `from` (L12): a new logon session
** with a fresh LUID whose token copies from's (user, elevation type), not
** linked to anything. Its outbound credentials are zUser (any name; not
** checked now, a server may reject it later) with zPassword (NULL is
** empty); it opens the vault of from's user exactly when from can. Nothing
** is restored. Returns 0 and sets *pToken; ERROR_NO_SUCH_LOGON_SESSION for
** an ended from (L10); ERROR_INVALID_PARAMETER for an empty zUser;
** ERROR_NOT_ENOUGH_MEMORY.
*/
int sim_logon_netonly(SimMachine *pM, SimLuid from, const char *zUser,
                      const char *zPassword, SimLuid *pToken);

/*
** A scheduled task that runs only when the user is logged on
** (TASK_LOGON_INTERACTIVE_TOKEN, L13) inside the logon of the live half
** `from`: no new logon session. *pToken is the limited half of a split
** logon, or its full half when bHighest; an unsplit logon's only half.
** Returns 0, or ERROR_NO_SUCH_LOGON_SESSION (L10).
*/
int sim_logon_task(SimMachine *pM, SimLuid from, int bHighest, SimLuid *pToken);

/*
** "Run as administrator" from the live half `from` (L14), asking as
** ConsentPromptBehaviorAdmin says now (W2): with consent, *pToken is
** from's linked full half (no new session); with a credential prompt,
** answered with zPassword for from's own account, a new logon is made
** (fresh LUIDs, split by L2, nothing restored) and *pToken is its full
** half (its only half when it is not split). [F] Under consent a half
** that is already unfiltered (full, or an administrator's default token)
** is handed back as it is; a standard user's token, and a filtered token
** with no linked half, cannot be elevated: ERROR_ACCESS_DENIED. A wrong
** password: ERROR_LOGON_FAILURE (L7).
** ERROR_NO_SUCH_LOGON_SESSION for an ended from (L10).
*/
int sim_elevate(SimMachine *pM, SimLuid from, const char *zPassword,
                SimLuid *pToken);

/* ---------------------------------------------------------------- 4 ---- */

/* What GetTokenInformation would say about a token. */
typedef struct SimTokenInfo SimTokenInfo;
struct SimTokenInfo {
  SimLuid luid;              /* TokenStatistics.AuthenticationId */
  SimLuid luidLinked;        /* the linked half's LUID, 0 if none */
  SimElevation eElevation;   /* TokenElevationType */
  SimLogonType eLogonType;   /* how the logon was made */
  const char *zUser;         /* account name (owned by the machine) */
  SimAccountKind eKind;      /* the account's kind */
  int bHasCredentials;       /* holds credentials for outbound
                             ** connections (L6, L11, L12) */
  int bVault;                /* can open the user's vault (K2) */
  const char *zOutUser;      /* netonly: the account whose credentials go
                             ** out, as given; NULL: the token's user */
  int bAdminUnfiltered;      /* an administrator's unfiltered token or
                             ** SYSTEM (N4, D3) */
};

/*
** Fill *pInfo for token. Returns 0, or ERROR_NO_SUCH_LOGON_SESSION (L10).
** The strings live until the session ends.
*/
int sim_token_query(const SimMachine *pM, SimLuid token, SimTokenInfo *pInfo);

/* 1 if the logon session of token is live. */
int sim_session_exists(const SimMachine *pM, SimLuid token);

/* ---------------------------------------------------------------- 5 ---- */

/* Number of live logon sessions, SYSTEM's included. */
int sim_session_count(const SimMachine *pM);

/* Visit every live logon session in creation order (SYSTEM first). The
** walk stops when xVisit returns non-zero. */
void sim_session_visit(const SimMachine *pM,
                       int (*xVisit)(void *pCtx, const SimTokenInfo *),
                       void *pCtx);

#endif /* MAPSCOPE_SIM_SESSION_H */
