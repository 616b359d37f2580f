/*
** sim/cred.c: Credential Manager vaults (SEMANTICS K1-K3).
**
** Contents: 1. lookup  2. CredWrite, CredDelete, CredEnumerate
**           3. introspection
*/
#include "sim/simint.h"

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

/* K3: the credential whose target equals zTarget (a server name). */
const SimCred *simcred_find(const SimUser *pU, const char *zTarget){
  int i = simcred_search(pU, zTarget);
  return i>=0 ? &pU->aCred[i] : NULL;
}

/* The caller's user, if its session can open the vault (K2). */
static SimUser *simcred_open(const SimMachine *pM, SimLuid token, int *pRc){
  const SimSession *pS = simm_session(pM, token);
  if( pS==NULL || !pS->bHasCreds ){
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
