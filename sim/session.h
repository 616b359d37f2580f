/*
** sim/session.h: logons, logon sessions and tokens (SEMANTICS L1-L10).
**
** A logon creates one logon session, or two linked ones when the logon is
** split by UAC (L2). The caller of every other module acts "as" a token,
** named by its logon session's LUID (SimLuid); SIM_LUID_SYSTEM is SYSTEM.
** Thread impersonation (N2) is the caller's business: pass the token the
** thread would run with. A token whose logon session has ended is refused
** everywhere with ERROR_NO_SUCH_LOGON_SESSION (L10).
**
** Contents: 1. logon types and elevation  2. logon and logoff
**           3. token information  4. introspection
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
** session: the password is not checked and nothing is restored.
** bHighest: a batch task that runs with highest privileges (L5).
**
** Creates one logon session, or two linked ones (L2), with fresh LUIDs
** (L1); decides the elevation type (L2-L4), whether the session holds the
** user's credentials (L6), and for interactive and rdp logons restores the
** user's remembered connections (R1-R5). On success returns 0 and sets
** *pToken to the half the new process runs with (L5).
** Failures: ERROR_LOGON_FAILURE for an unknown account, SYSTEM, or a wrong
** password (L7); ERROR_INVALID_PARAMETER for a bad eType;
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

/* What GetTokenInformation would say about a token. */
typedef struct SimTokenInfo SimTokenInfo;
struct SimTokenInfo {
  SimLuid luid;              /* TokenStatistics.AuthenticationId */
  SimLuid luidLinked;        /* the linked half's LUID, 0 if none */
  SimElevation eElevation;   /* TokenElevationType */
  SimLogonType eLogonType;   /* how the logon was made */
  const char *zUser;         /* account name (owned by the machine) */
  SimAccountKind eKind;      /* the account's kind */
  int bHasCredentials;       /* holds the user's credentials and can open
                             ** the vault (L6) */
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

/* ---------------------------------------------------------------- 4 ---- */

/* Number of live logon sessions, SYSTEM's included. */
int sim_session_count(const SimMachine *pM);

/* Visit every live logon session in creation order (SYSTEM first). The
** walk stops when xVisit returns non-zero. */
void sim_session_visit(const SimMachine *pM,
                       int (*xVisit)(void *pCtx, const SimTokenInfo *),
                       void *pCtx);

#endif /* MAPSCOPE_SIM_SESSION_H */
