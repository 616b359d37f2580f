/*
** sim/session.c: logon, logoff and tokens (SEMANTICS L1-L10).
**
** Contents:
**   1. Creating and ending logon sessions
**   2. Which tokens a logon gets (L2-L6)
**   3. LogonUser and logoff
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

/* L2: the logon types winlogon, seclogon, the task scheduler and an
** automation tool's become split for a UAC-filtered administrator. */
static int simsess_type_splits(SimLogonType e){
  switch( e ){
    case SIM_LOGON_INTERACTIVE: case SIM_LOGON_RDP: case SIM_LOGON_RUNAS:
    case SIM_LOGON_BATCH: case SIM_LOGON_BECOME: case SIM_LOGON_CURRENT:
      return 1;
    default:
      return 0;
  }
}

static int simsess_type_is_network(SimLogonType e){
  return e==SIM_LOGON_NETWORK || e==SIM_LOGON_WINRM || e==SIM_LOGON_CREDSSP;
}

/* L6: network and winrm (without CredSSP) logons hold no credentials. */
static int simsess_type_has_creds(SimLogonType e){
  return e!=SIM_LOGON_NETWORK && e!=SIM_LOGON_WINRM;
}

/* L5: 1 if the process gets the full half of a split logon. [F] batch
** with "run with highest privileges" gets the full half; become and
** current are elevated by construction. */
static int simsess_hands_full(SimLogonType e, int bHighest){
  switch( e ){
    case SIM_LOGON_BECOME: case SIM_LOGON_CURRENT: return 1;
    case SIM_LOGON_BATCH: return bHighest!=0;
    default: return 0;
  }
}

/* ---------------------------------------------------------------- 3 ---- */

int sim_logon_user(SimMachine *pM, const char *zUser, SimLogonType eType,
                   int bHighest, const char *zPassword, SimLuid *pToken){
  int iUser, bLua, bFilterAdmin, bLatfp, bFiltered, bCreds;
  const SimUser *pU;
  SimSession *pLimited = NULL, *pFull = NULL, *pOne = NULL, *pHanded;

  if( pToken ) *pToken = 0;
  if( (int)eType<0 || eType>=SIM_LOGON_SYSTEM || pToken==NULL ){
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
  ** session: no password is checked. */
  if( eType!=SIM_LOGON_CURRENT
   && strcmp(zPassword ? zPassword : "", pU->zPassword)!=0 ){
    sim_rule(pM, SIM_RULE_L7);
    return ERROR_LOGON_FAILURE;   /* L7 */
  }

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

  /* R1/R4: only winlogon logons (interactive, rdp) restore, into the
  ** limited half of a split logon; RestoreConnection is read now (W2). */
  if( eType!=SIM_LOGON_INTERACTIVE && eType!=SIM_LOGON_RDP ){
    sim_rule(pM, SIM_RULE_R4);
  }else if( sim_policy_effective(pM, SIM_POL_RESTORE_CONNECTION) ){
    simwnet_restore(pM, pLimited ? pLimited : pOne);
  }
  *pToken = pHanded->luid;
  return 0;

err:
  if( pLimited ) simsess_end(pM, pLimited);
  if( pFull ) simsess_end(pM, pFull);
  if( pOne ) simsess_end(pM, pOne);
  return ERROR_NOT_ENOUGH_MEMORY;
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
