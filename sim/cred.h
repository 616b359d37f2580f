/*
** sim/cred.h: Credential Manager (SEMANTICS K1-K3).
**
** Each account has one vault, shared by all its logon sessions (K1). Only
** CRED_TYPE_DOMAIN_PASSWORD credentials are modelled, persisted for the
** user (not for one logon session). A session that cannot open the vault
** (network, winrm, ssh, s4u: L6, L11, L13) gets 1312 (K2). A target is a
** server name as written (C16), `*.suffix` or `*`; the most specific one
** that matches a server is used (K3, in wnet.c). Passwords never leave the
** model through this interface.
**
** Contents: 1. the Win32 calls  2. introspection
*/
#ifndef MAPSCOPE_SIM_CRED_H
#define MAPSCOPE_SIM_CRED_H

#include "sim/machine.h"

/* ---------------------------------------------------------------- 1 ---- */

/*
** CredWrite of a domain-password credential for zTarget (case-insensitive)
** as token, replacing any earlier one for that target (K1). Returns 0,
** ERROR_INVALID_PARAMETER (empty target or user), ERROR_NO_SUCH_LOGON_SESSION
** (ended token, or a session that cannot open the vault: K2),
** ERROR_NOT_ENOUGH_MEMORY.
*/
int sim_cred_write(SimMachine *pM, SimLuid token, const char *zTarget,
                   const char *zUser, const char *zPassword);

/* CredDelete as token. Returns 0, ERROR_NOT_FOUND (K1),
** ERROR_NO_SUCH_LOGON_SESSION (K2, L10). */
int sim_cred_delete(SimMachine *pM, SimLuid token, const char *zTarget);

/* A credential without its secret. */
typedef struct SimCredInfo SimCredInfo;
struct SimCredInfo {
  const char *zTarget;       /* target name as last written */
  const char *zUser;         /* user name */
};

/* CredEnumerate as token: the caller's user's credentials sorted by
** target. Returns 0 or ERROR_NO_SUCH_LOGON_SESSION (K2, L10). */
int sim_cred_enumerate(const SimMachine *pM, SimLuid token,
                       int (*xVisit)(void *pCtx, const SimCredInfo *),
                       void *pCtx);

/* ---------------------------------------------------------------- 2 ---- */

/* Visit account zUser's vault sorted by target, with no session needed.
** Returns 0 or ERROR_NOT_FOUND for an unknown account. */
int sim_cred_visit_user(const SimMachine *pM, const char *zUser,
                        int (*xVisit)(void *pCtx, const SimCredInfo *),
                        void *pCtx);

#endif /* MAPSCOPE_SIM_CRED_H */
