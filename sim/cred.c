/*
** sim/cred.c: Credential Manager vaults (SEMANTICS K1-K3).
**
** [F] Credentials persisted for one logon session only (CRED_PERSIST_SESSION)
** are not modelled (K1): every credential is the user's, in every session.
**
** Contents: 1. lookup  2. CredWrite, CredDelete, CredEnumerate
**           3. introspection
*/
#include "sim/simint.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- 1 ---- */

/* Index of zTarget in the vault, or -(insertion point)-1 (sorted by
** simstr_icmp: targets are case-insensitive, K1). [F] CredEnumerate's
** order is not documented; the model lists targets in ASCII
** case-insensitive order, so listings are sorted and unique. */
static int simcred_search(const SimUser *pU, const char *zTarget){
  int lo = 0, hi = pU->nCred-1;
  while( lo<=hi ){
    int mid = (lo+hi)/2;
    int c = simstr_icmp(pU->aCred[mid].zTarget, zTarget);
    if( c==0 ) return mid;
    if( c<0 ) lo = mid+1; else hi = mid-1;
  }
  return -lo-1;
}

/* K1: the credential whose target is zTarget (case-insensitive). */
const SimCred *simcred_find(const SimUser *pU, const char *zTarget){
  int i = simcred_search(pU, zTarget);
  return i>=0 ? &pU->aCred[i] : NULL;
}

/* The account part of a user name: what follows the last backslash
** ("CORP\bob" and "bob" both name bob; C4, C5). */
static const char *simcred_account_part(const char *zName){
  const char *zBs = zName ? strrchr(zName, '\\') : NULL;
  return zBs ? zBs+1 : zName;
}

/* C5: 1 if two presented user names name the same account: compared
** case-insensitively after dropping a DOMAIN\ part. */
int simcred_same_user(const char *zA, const char *zB){
  if( zA==NULL || zB==NULL ) return zA==zB;
  return simstr_ieq(simcred_account_part(zA), simcred_account_part(zB));
}

/* K3: how well target zTarget matches server name zServer (as written,
** C16): -1 no match; 0 for `*`; 1+the suffix length for `*.suffix` (a
** name that ends in `.suffix`, longer than it); INT_MAX for the name
** itself. */
static int simcred_specificity(const char *zTarget, const char *zServer){
  size_t nT, nS;
  if( simstr_ieq(zTarget, zServer) ) return INT_MAX;
  if( zTarget[0]!='*' ) return -1;
  if( zTarget[1]==0 ) return 0;
  if( zTarget[1]!='.' ) return -1;
  nT = strlen(zTarget+1);
  nS = strlen(zServer);
  if( nS<=nT || !simstr_ieq(zServer+nS-nT, zTarget+1) ) return -1;
  return 1+(int)nT;
}

/* K3: the credential used for server zServer: the most specific target
** that matches it (the name itself, then the longest `*.suffix`, then
** `*`). With zUser, only credentials whose user name names the same
** account take part (C9: "a vault entry for the server with that user
** name" [F]). NULL if none. */
const SimCred *simcred_match(const SimUser *pU, const char *zServer,
                             const char *zUser){
  const SimCred *pBest = NULL;
  int i, iBest = -1;
  for(i=0; i<pU->nCred; i++){
    int n = simcred_specificity(pU->aCred[i].zTarget, zServer);
    if( n<=iBest ) continue;
    if( zUser && !simcred_same_user(pU->aCred[i].zUser, zUser) ) continue;
    iBest = n;
    pBest = &pU->aCred[i];
  }
  return pBest;
}

/* The caller's user, if its session can open the vault (K2). */
static SimUser *simcred_open(const SimMachine *pM, SimLuid token, int *pRc){
  const SimSession *pS = simm_session(pM, token);
  if( pS==NULL || !pS->bVault ){
    sim_rule((SimMachine*)pM, pS ? SIM_RULE_K2 : SIM_RULE_L10);
    *pRc = ERROR_NO_SUCH_LOGON_SESSION;     /* L10, K2 */
    return NULL;
  }
  sim_rule((SimMachine*)pM, SIM_RULE_K1);
  *pRc = 0;
  return pM->apUser[pS->iUser];
}

/* ---------------------------------------------------------------- 2 ---- */

int sim_cred_write(SimMachine *pM, SimLuid token, const char *zTarget,
                   const char *zUser, const char *zPassword){
  int rc, i, bOom = 0;
  SimUser *pU = simcred_open(pM, token, &rc);
  SimCred c;
  if( pU==NULL ) return rc;
  if( zTarget==NULL || zTarget[0]==0 || zUser==NULL || zUser[0]==0 ){
    return ERROR_INVALID_PARAMETER;
  }
  c.zTarget = simstr_dup(zTarget, &bOom);
  c.zUser = simstr_dup(zUser, &bOom);
  c.zPassword = simstr_dup(zPassword ? zPassword : "", &bOom);
  if( bOom ) goto err;
  i = simcred_search(pU, zTarget);
  if( i>=0 ){
    /* K1: replaces any earlier credential for the target */
    free(pU->aCred[i].zTarget);
    free(pU->aCred[i].zUser);
    free(pU->aCred[i].zPassword);
    pU->aCred[i] = c;
    return 0;
  }
  if( simarr_reserve((void**)&pU->aCred, &pU->nCredAlloc, pU->nCred+1,
                     sizeof(SimCred)) ){
    goto err;
  }
  i = -i-1;
  memmove(&pU->aCred[i+1], &pU->aCred[i], (size_t)(pU->nCred-i)*sizeof(SimCred));
  pU->aCred[i] = c;
  pU->nCred++;
  return 0;

err:
  free(c.zTarget);
  free(c.zUser);
  free(c.zPassword);
  return ERROR_NOT_ENOUGH_MEMORY;
}

int sim_cred_delete(SimMachine *pM, SimLuid token, const char *zTarget){
  int rc, i;
  SimUser *pU = simcred_open(pM, token, &rc);
  if( pU==NULL ) return rc;
  if( zTarget==NULL ) return ERROR_NOT_FOUND;
  i = simcred_search(pU, zTarget);
  if( i<0 ) return ERROR_NOT_FOUND;              /* K1 */
  free(pU->aCred[i].zTarget);
  free(pU->aCred[i].zUser);
  free(pU->aCred[i].zPassword);
  memmove(&pU->aCred[i], &pU->aCred[i+1], (size_t)(pU->nCred-i-1)*sizeof(SimCred));
  pU->nCred--;
  return 0;
}

static void simcred_visit(const SimUser *pU,
                          int (*xVisit)(void*, const SimCredInfo*), void *pCtx){
  int i;
  for(i=0; i<pU->nCred; i++){
    SimCredInfo info;
    info.zTarget = pU->aCred[i].zTarget;
    info.zUser = pU->aCred[i].zUser;
    if( xVisit(pCtx, &info) ) break;
  }
}

int sim_cred_enumerate(const SimMachine *pM, SimLuid token,
                       int (*xVisit)(void *pCtx, const SimCredInfo *),
                       void *pCtx){
  int rc;
  const SimUser *pU = simcred_open(pM, token, &rc);
  if( pU==NULL ) return rc;
  simcred_visit(pU, xVisit, pCtx);
  return 0;
}

/* ---------------------------------------------------------------- 3 ---- */

int sim_cred_visit_user(const SimMachine *pM, const char *zUser,
                        int (*xVisit)(void *pCtx, const SimCredInfo *),
                        void *pCtx){
  int i = simm_user_index(pM, zUser);
  if( i<0 ) return ERROR_NOT_FOUND;
  simcred_visit(pM->apUser[i], xVisit, pCtx);
  return 0;
}
