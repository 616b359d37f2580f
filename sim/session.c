/*
** sim/session.c: logon, logoff and tokens (SEMANTICS L1-L14).
**
** Contents:
**   1. Creating and ending logon sessions
**   2. Which tokens a logon gets (L2-L6)
**   3. LogonUser, netonly, tasks, elevation (L11-L14) and logoff
**   4. Token information and introspection
*/
#include "sim/simint.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- 1 ---- */

/* A new logon session with a fresh LUID (L1), registered in the hash table
** and the live list. NULL when out of memory. */
static SimSession *simsess_new(SimMachine *pM, int iUser, SimLogonType eType,
                               SimElevation eElevation, int bHasCreds){
  SimSession *pS = calloc(1, sizeof(SimSession));
  if( pS==NULL ) return NULL;
  sim_rule(pM, SIM_RULE_L1);
  pS->luid = pM->luidNext++;
  pS->iUser = iUser;
  pS->eLogonType = eType;
  pS->eElevation = eElevation;
  pS->bHasCreds = bHasCreds;
  pS->bVault = bHasCreds;
  if( simhash_insert(&pM->sessions, pS->luid, pS) ){
    free(pS);
    return NULL;
  }
  pS->pPrev = pM->pLast;
  if( pM->pLast ) pM->pLast->pNext = pS; else pM->pFirst = pS;
  pM->pLast = pS;
  pM->nSession++;
  return pS;
}

/* End one logon session (L8): its connections, its directory, its
** credential sets. The caller ends the linked half as well. */
void simsess_end(SimMachine *pM, SimSession *pS){
  int i;
  simwnet_session_ending(pM, pS);
  simdir_clear(&pS->dir);
  for(i=0; i<pS->nSet; i++){
    free(pS->aSet[i].zServer);
    free(pS->aSet[i].zUser);
  }
  free(pS->aSet);
  free(pS->apConn);
  free(pS->zOutUser);
  free(pS->zOutPassword);
  simhash_remove(&pM->sessions, pS->luid);
  if( pS->pPrev ) pS->pPrev->pNext = pS->pNext; else pM->pFirst = pS->pNext;
  if( pS->pNext ) pS->pNext->pPrev = pS->pPrev; else pM->pLast = pS->pPrev;
  pM->nSession--;
  free(pS);
}

/* 1 for an administrator's unfiltered token (full or default) and for
** SYSTEM: the tokens N4 and D3 let change global links. */
int simsess_admin_unfiltered(const SimMachine *pM, const SimSession *pS){
  SimAccountKind e = pM->apUser[pS->iUser]->eKind;
  if( e==SIM_ACCOUNT_SYSTEM ) return 1;
  if( e!=SIM_ACCOUNT_ADMIN && e!=SIM_ACCOUNT_BUILTIN_ADMIN ) return 0;
  return pS->eElevation!=SIM_ELEVATION_LIMITED;
}

/* ---------------------------------------------------------------- 2 ---- */

/* L2: the logon types winlogon, seclogon, the task scheduler, an
** automation tool's become and a credential prompt split for a
** UAC-filtered administrator. */
static int simsess_type_splits(SimLogonType e){
  switch( e ){
    case SIM_LOGON_INTERACTIVE: case SIM_LOGON_RDP: case SIM_LOGON_RUNAS:
    case SIM_LOGON_BATCH: case SIM_LOGON_BECOME: case SIM_LOGON_CURRENT:
    case SIM_LOGON_S4U: case SIM_LOGON_ELEVATE:
      return 1;
    default:
      return 0;
  }
}

/* L3/L4: the logons that get a network token (L11: ssh is one). */
static int simsess_type_is_network(SimLogonType e){
  return e==SIM_LOGON_NETWORK || e==SIM_LOGON_WINRM || e==SIM_LOGON_CREDSSP
      || e==SIM_LOGON_SSH;
}

/* L6, L11, L13: network and winrm (without CredSSP) logons and s4u tasks
** hold no credentials; ssh holds them for outbound connections. */
static int simsess_type_has_creds(SimLogonType e){
  return e!=SIM_LOGON_NETWORK && e!=SIM_LOGON_WINRM && e!=SIM_LOGON_S4U;
}

/* K2 through L6, L11, L13: which sessions open the user's vault. [F] An
** ssh logon holds the password but LSA makes no vault available to a
** network-cleartext logon (L11 tags this [F vault]). */
static int simsess_type_has_vault(SimLogonType e){
  return simsess_type_has_creds(e) && e!=SIM_LOGON_SSH;
}

/* L5: 1 if the process gets the full half of a split logon. [F] batch
** (and s4u) with "run with highest privileges" gets the full half; become
** and current are elevated by construction, and a credential prompt's
** logon exists to hand out its full half (L14). */
static int simsess_hands_full(SimLogonType e, int bHighest){
  switch( e ){
    case SIM_LOGON_BECOME: case SIM_LOGON_CURRENT: case SIM_LOGON_ELEVATE:
      return 1;
    case SIM_LOGON_BATCH: case SIM_LOGON_S4U:
      return bHighest!=0;
    default: return 0;
  }
}

/*
** Make the logon sessions of one logon of account iUser (L1-L6): one, or
** two linked halves (L2). Sets *ppHanded to the half the process gets (L5)
** and *ppLimited to the limited half of a split logon (else the only
** one), which is where a restore goes. No password check, no restore.
** Returns 0 or ERROR_NOT_ENOUGH_MEMORY with nothing made.
*/
static int simsess_make(SimMachine *pM, int iUser, SimLogonType eType,
                        int bHighest, SimSession **ppHanded,
                        SimSession **ppLimited){
  int bLua, bFilterAdmin, bLatfp, bFiltered, bCreds;
  const SimUser *pU = pM->apUser[iUser];
  SimSession *pLimited = NULL, *pFull = NULL, *pOne = NULL, *pHanded;

  bLua = sim_policy_effective(pM, SIM_POL_ENABLE_LUA);
  bFilterAdmin = sim_policy_effective(pM, SIM_POL_FILTER_ADMIN_TOKEN);
  bLatfp = sim_policy_effective(pM, SIM_POL_LOCAL_ACCOUNT_TOKEN_FILTER);
  /* L2/L3: administrators are filtered under UAC; the built-in
  ** Administrator only when FilterAdministratorToken=1. */
  bFiltered = bLua && (pU->eKind==SIM_ACCOUNT_ADMIN
                       || (pU->eKind==SIM_ACCOUNT_BUILTIN_ADMIN && bFilterAdmin));
  bCreds = simsess_type_has_creds(eType);
  sim_rule(pM, SIM_RULE_L6);

  if( bFiltered && simsess_type_splits(eType) ){
    /* L2: two linked logon sessions, each with its own LUID. */
    pLimited = simsess_new(pM, iUser, eType, SIM_ELEVATION_LIMITED, bCreds);
    if( pLimited==NULL ) goto err;
    pFull = simsess_new(pM, iUser, eType, SIM_ELEVATION_FULL, bCreds);
    if( pFull==NULL ) goto err;
    pLimited->luidLinked = pFull->luid;
    pFull->luidLinked = pLimited->luid;
    sim_rule(pM, SIM_RULE_L2);
    sim_rule(pM, SIM_RULE_L5);
    pHanded = simsess_hands_full(eType, bHighest) ? pFull : pLimited;
  }else if( bFiltered && simsess_type_is_network(eType)
         && !pU->bDomain && !bLatfp ){
    /* L4: a filtered token with no linked token. [F] Its elevation type
    ** is Limited. */
    pOne = simsess_new(pM, iUser, eType, SIM_ELEVATION_LIMITED, bCreds);
    if( pOne==NULL ) goto err;
    sim_rule(pM, SIM_RULE_L4);
    pHanded = pOne;
  }else{
    /* L3: not split */
    pOne = simsess_new(pM, iUser, eType, SIM_ELEVATION_DEFAULT, bCreds);
    if( pOne==NULL ) goto err;
    sim_rule(pM, SIM_RULE_L3);
    pHanded = pOne;
  }
  if( !simsess_type_has_vault(eType) ){
    if( pLimited ) pLimited->bVault = 0;
    if( pFull ) pFull->bVault = 0;
    if( pOne ) pOne->bVault = 0;
  }
  *ppHanded = pHanded;
  *ppLimited = pLimited ? pLimited : pOne;
  return 0;

err:
  if( pLimited ) simsess_end(pM, pLimited);
  if( pFull ) simsess_end(pM, pFull);
  if( pOne ) simsess_end(pM, pOne);
  return ERROR_NOT_ENOUGH_MEMORY;
}

/* ---------------------------------------------------------------- 3 ---- */

int sim_logon_user(SimMachine *pM, const char *zUser, SimLogonType eType,
                   int bHighest, const char *zPassword, SimLuid *pToken){
  int iUser, rc;
  const SimUser *pU;
  SimSession *pHanded = NULL, *pRestore = NULL;

  if( pToken ) *pToken = 0;
  if( (int)eType<0 || eType>=SIM_LOGON_SYSTEM || eType==SIM_LOGON_NETONLY
   || eType==SIM_LOGON_ELEVATE || pToken==NULL ){
    return ERROR_INVALID_PARAMETER;
  }
  iUser = simm_user_index(pM, zUser);
  /* L7; SYSTEM never logs on through LogonUser */
  if( iUser<=0 ){
    sim_rule(pM, SIM_RULE_L7);
    return ERROR_LOGON_FAILURE;
  }
  pU = pM->apUser[iUser];
  /* [F] current binds to the harness's own, already authenticated,
  ** session: no password is checked. An s4u task is logged on by the
  ** task scheduler through S4U, which needs no password (L13). */
  if( eType!=SIM_LOGON_CURRENT && eType!=SIM_LOGON_S4U
   && strcmp(zPassword ? zPassword : "", pU->zPassword)!=0 ){
    sim_rule(pM, SIM_RULE_L7);
    return ERROR_LOGON_FAILURE;   /* L7 */
  }
  if( eType==SIM_LOGON_SSH ) sim_rule(pM, SIM_RULE_L11);
  if( eType==SIM_LOGON_S4U ) sim_rule(pM, SIM_RULE_L13);

  rc = simsess_make(pM, iUser, eType, bHighest, &pHanded, &pRestore);
  if( rc ) return rc;

  /* R1/R4: only winlogon logons (interactive, rdp) restore, into the
  ** limited half of a split logon; RestoreConnection is read now (W2). */
  if( eType!=SIM_LOGON_INTERACTIVE && eType!=SIM_LOGON_RDP ){
    sim_rule(pM, SIM_RULE_R4);
  }else if( sim_policy_effective(pM, SIM_POL_RESTORE_CONNECTION) ){
    simwnet_restore(pM, pRestore);
  }
  *pToken = pHanded->luid;
  return 0;
}

int sim_logon_netonly(SimMachine *pM, SimLuid from, const char *zUser,
                      const char *zPassword, SimLuid *pToken){
  SimSession *pFrom = simm_session(pM, from);
  SimSession *pS;
  int bOom = 0;
  if( pToken ) *pToken = 0;
  if( pToken==NULL || zUser==NULL || zUser[0]==0 ) return ERROR_INVALID_PARAMETER;
  if( pFrom==NULL ){
    sim_rule(pM, SIM_RULE_L10);
    return ERROR_NO_SUCH_LOGON_SESSION;
  }
  /* L12: a copy of from's token in a new logon session, linked to
  ** nothing; it holds the netonly account's credentials, unchecked, and
  ** opens the vault exactly when from can. */
  sim_rule(pM, SIM_RULE_L12);
  pS = simsess_new(pM, pFrom->iUser, SIM_LOGON_NETONLY, pFrom->eElevation, 1);
  if( pS==NULL ) return ERROR_NOT_ENOUGH_MEMORY;
  pS->bVault = pFrom->bVault;
  pS->zOutUser = simstr_dup(zUser, &bOom);
  pS->zOutPassword = simstr_dup(zPassword ? zPassword : "", &bOom);
  if( bOom ){
    simsess_end(pM, pS);
    return ERROR_NOT_ENOUGH_MEMORY;
  }
  sim_rule(pM, SIM_RULE_R4);   /* it never restores */
  *pToken = pS->luid;
  return 0;
}

/* The limited and full halves of the logon pS belongs to, or pS alone. */
static void simsess_halves(const SimMachine *pM, SimSession *pS,
                           SimSession **ppLimited, SimSession **ppFull){
  SimSession *pO = pS->luidLinked ? simm_session(pM, pS->luidLinked) : NULL;
  *ppLimited = *ppFull = NULL;
  if( pO==NULL ) return;
  if( pS->eElevation==SIM_ELEVATION_FULL ){
    *ppFull = pS;
    *ppLimited = pO;
  }else{
    *ppFull = pO;
    *ppLimited = pS;
  }
}

int sim_logon_task(SimMachine *pM, SimLuid from, int bHighest, SimLuid *pToken){
  SimSession *pFrom = simm_session(pM, from);
  SimSession *pLimited, *pFull;
  if( pToken==NULL ) return ERROR_INVALID_PARAMETER;
  *pToken = 0;
  if( pFrom==NULL ){
    sim_rule(pM, SIM_RULE_L10);
    return ERROR_NO_SUCH_LOGON_SESSION;
  }
  /* L13: TASK_LOGON_INTERACTIVE_TOKEN runs in the user's existing logon;
  ** L5: the limited half, or the full one with highest privileges. [F]
  ** Any live logon of the user counts, whatever its type. */
  sim_rule(pM, SIM_RULE_L13);
  simsess_halves(pM, pFrom, &pLimited, &pFull);
  if( pLimited ){
    sim_rule(pM, SIM_RULE_L5);
    *pToken = bHighest ? pFull->luid : pLimited->luid;
  }else{
    *pToken = pFrom->luid;
  }
  return 0;
}

int sim_elevate(SimMachine *pM, SimLuid from, const char *zPassword,
                SimLuid *pToken){
  SimSession *pFrom = simm_session(pM, from);
  SimSession *pLimited, *pFull, *pHanded = NULL, *pUnused = NULL;
  const SimUser *pU;
  int rc;
  if( pToken==NULL ) return ERROR_INVALID_PARAMETER;
  *pToken = 0;
  if( pFrom==NULL ){
    sim_rule(pM, SIM_RULE_L10);
    return ERROR_NO_SUCH_LOGON_SESSION;
  }
  sim_rule(pM, SIM_RULE_L14);
  pU = pM->apUser[pFrom->iUser];
  /* W2: ConsentPromptBehaviorAdmin is read at each elevation */
  sim_rule(pM, SIM_RULE_W1);
  if( !sim_policy_effective(pM, SIM_POL_CONSENT_CREDENTIALS) ){
    if( pFrom->eElevation!=SIM_ELEVATION_LIMITED ){
      /* [F] an unfiltered token has nothing to elevate to: the new
      ** process runs with it; a standard user's cannot be elevated as
      ** that user. */
      if( !simsess_admin_unfiltered(pM, pFrom) ) return ERROR_ACCESS_DENIED;
      *pToken = pFrom->luid;
      return 0;
    }
    /* L14 consent: the linked full half, no new logon session. [F] A
    ** filtered token without one (L4, a netonly copy) cannot. */
    simsess_halves(pM, pFrom, &pLimited, &pFull);
    if( pFull==NULL ) return ERROR_ACCESS_DENIED;
    *pToken = pFull->luid;
    return 0;
  }
  /* L14 credentials: a credential prompt is always a new logon of the
  ** account, checked like any logon (L7), split by L2 (its full half is
  ** handed out) and restoring nothing (R4). [F] From a half that is not
  ** limited too: the language makes every such elevation a new logon. */
  if( pFrom->iUser<=0 ) return ERROR_ACCESS_DENIED;
  if( strcmp(zPassword ? zPassword : "", pU->zPassword)!=0 ){
    sim_rule(pM, SIM_RULE_L7);
    return ERROR_LOGON_FAILURE;
  }
  rc = simsess_make(pM, pFrom->iUser, SIM_LOGON_ELEVATE, 1, &pHanded, &pUnused);
  if( rc ) return rc;
  sim_rule(pM, SIM_RULE_R4);
  *pToken = pHanded->luid;
  return 0;
}

int sim_logoff(SimMachine *pM, SimLuid token){
  SimSession *pS = simm_session(pM, token);
  SimSession *pOther;
  if( pS==NULL ){
    sim_rule(pM, SIM_RULE_L10);
    return ERROR_NO_SUCH_LOGON_SESSION;
  }
  /* [F] SYSTEM's session cannot be logged off: it lasts until reboot */
  if( pS->luid==SIM_LUID_SYSTEM ) return ERROR_ACCESS_DENIED;
  /* L8: both halves of a split logon end */
  sim_rule(pM, SIM_RULE_L8);
  pOther = pS->luidLinked ? simm_session(pM, pS->luidLinked) : NULL;
  if( SIM_BUG(pM, SIM_BUG_LOGOFF_ONE_HALF) ) pOther = NULL;   /* planted bug 3 */
  simsess_end(pM, pS);
  if( pOther ) simsess_end(pM, pOther);
  return 0;
}

/* ---------------------------------------------------------------- 4 ---- */

void simsess_fill_info(const SimMachine *pM, const SimSession *pS,
                       SimTokenInfo *pInfo){
  const SimUser *pU = pM->apUser[pS->iUser];
  pInfo->luid = pS->luid;
  pInfo->luidLinked = pS->luidLinked;
  pInfo->eElevation = pS->eElevation;
  pInfo->eLogonType = pS->eLogonType;
  pInfo->zUser = pU->zName;
  pInfo->eKind = pU->eKind;
  pInfo->bHasCredentials = pS->bHasCreds;
  pInfo->bVault = pS->bVault;
  pInfo->zOutUser = pS->zOutUser;
  pInfo->bAdminUnfiltered = simsess_admin_unfiltered(pM, pS);
}

int sim_token_query(const SimMachine *pM, SimLuid token, SimTokenInfo *pInfo){
  const SimSession *pS = simm_session(pM, token);
  if( pS==NULL ){
    simm_rule(pM, SIM_RULE_L10);
    return ERROR_NO_SUCH_LOGON_SESSION;
  }
  simsess_fill_info(pM, pS, pInfo);
  return 0;
}

int sim_session_exists(const SimMachine *pM, SimLuid token){
  return simm_session(pM, token)!=NULL;
}

int sim_session_count(const SimMachine *pM){
  return pM->nSession;
}

void sim_session_visit(const SimMachine *pM,
                       int (*xVisit)(void *pCtx, const SimTokenInfo *),
                       void *pCtx){
  const SimSession *pS;
  for(pS=pM->pFirst; pS; pS=pS->pNext){
    SimTokenInfo info;
    simsess_fill_info(pM, pS, &info);
    if( xVisit(pCtx, &info) ) break;
  }
}
