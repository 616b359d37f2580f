/*
** sim/check.c: whole-machine invariant checks (see check.h).
**
** Contents: 1. directories  2. sessions and connections  3. accounts
**           4. the check
*/
#include "sim/simint.h"
#include "sim/check.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int simchk_fail(char *zErr, size_t nErr, const char *zFormat, ...){
  va_list ap;
  if( zErr && nErr ){
    va_start(ap, zFormat);
    vsnprintf(zErr, nErr, zFormat, ap);
    va_end(ap);
  }
  return 1;
}

/* ---------------------------------------------------------------- 1 ---- */

static int simchk_dir(const SimDir *pDir, const char *zWhere, char *zErr, size_t nErr){
  int i;
  for(i=0; i<pDir->nLink; i++){
    const SimLink *pL = &pDir->aLink[i];
    const char *z;
    if( pL->nTarget<1 ){
      return simchk_fail(zErr, nErr, "%s: link %s has no target", zWhere, pL->zName);
    }
    if( i>0 && strcmp(pDir->aLink[i-1].zName, pL->zName)>=0 ){
      return simchk_fail(zErr, nErr, "%s: links %s and %s out of order or repeated",
                         zWhere, pDir->aLink[i-1].zName, pL->zName);
    }
    for(z=pL->zName; *z; z++){
      if( *z>='a' && *z<='z' ){
        return simchk_fail(zErr, nErr, "%s: link name %s not upper-cased", zWhere, pL->zName);
      }
    }
  }
  return 0;
}

/* ---------------------------------------------------------------- 2 ---- */

static int simchk_session(const SimMachine *pM, const SimSession *pS,
                          char *zErr, size_t nErr){
  char zWhere[64];
  int i, k, rc;
  int bMaps = simdos_luid_maps(pM);
  snprintf(zWhere, sizeof(zWhere), "session %llx", (unsigned long long)pS->luid);

  if( pS->iUser<0 || pS->iUser>=pM->nUser ){
    return simchk_fail(zErr, nErr, "%s: bad account index", zWhere);
  }
  if( pS->luidLinked ){
    const SimSession *pO = simm_session(pM, pS->luidLinked);
    if( pO ){
      if( pO->luidLinked!=pS->luid || pO->iUser!=pS->iUser ){
        return simchk_fail(zErr, nErr, "%s: linked half does not link back", zWhere);
      }
      if( !((pS->eElevation==SIM_ELEVATION_LIMITED && pO->eElevation==SIM_ELEVATION_FULL)
         || (pS->eElevation==SIM_ELEVATION_FULL && pO->eElevation==SIM_ELEVATION_LIMITED)) ){
        return simchk_fail(zErr, nErr, "%s: linked halves are not limited+full", zWhere);
      }
    }
  }else if( pS->eElevation==SIM_ELEVATION_FULL && pS->eLogonType!=SIM_LOGON_NETONLY ){
    /* L12: only a netonly copy of a full half is full and unlinked */
    return simchk_fail(zErr, nErr, "%s: a full token without a linked half", zWhere);
  }
  if( pS->eLogonType==SIM_LOGON_NETONLY && pS->luidLinked ){
    return simchk_fail(zErr, nErr, "%s: a netonly session linked to a half", zWhere);
  }
  if( (pS->eLogonType==SIM_LOGON_NETONLY)!=(pS->zOutUser!=NULL)
   || (pS->zOutUser==NULL)!=(pS->zOutPassword==NULL) ){
    return simchk_fail(zErr, nErr, "%s: outbound identity does not fit the logon type", zWhere);
  }
  if( pS->bVault && !pS->bHasCreds ){
    return simchk_fail(zErr, nErr, "%s: opens the vault without credentials", zWhere);
  }
  rc = simchk_dir(&pS->dir, zWhere, zErr, nErr);
  if( rc ) return rc;
  if( pS->dir.nLink>0 && (pS->luid==SIM_LUID_SYSTEM || !bMaps) ){
    return simchk_fail(zErr, nErr, "%s: local links where there is no local directory", zWhere);
  }

  for(i=0; i<pS->nConn; i++){
    const SimConn *pC = pS->apConn[i];
    char zName[3];
    int bMine = 0;
    const SimConn *pP = i>0 ? pS->apConn[i-1] : NULL;
    zName[0] = pC->cLetter ? pC->cLetter : '-'; zName[1] = ':'; zName[2] = 0;
    /* lettered ones by letter, then deviceless ones by remote name (C14) */
    if( pP && ((pP->cLetter && pC->cLetter && pP->cLetter>=pC->cLetter)
            || (pP->cLetter==0 && pC->cLetter)
            || (pP->cLetter==0 && pC->cLetter==0
                && simstr_icmp(pP->zRemote, pC->zRemote)>=0)) ){
      return simchk_fail(zErr, nErr, "%s: connections out of order at %s", zWhere, zName);
    }
    if( (pC->cLetter==0)!=(pC->zLink==NULL) ){
      return simchk_fail(zErr, nErr, "%s: connection %s: a link without a letter "
                         "or a letter without a link", zWhere, zName);
    }
    if( pC->nOwner<1 || pC->nOwner>2 || pC->aOwner[0]!=pC->luidCreator ){
      return simchk_fail(zErr, nErr, "%s: connection %s has bad owners", zWhere, zName);
    }
    for(k=0; k<pC->nOwner; k++) if( pC->aOwner[k]==pS->luid ) bMine = 1;
    if( !bMine ){
      return simchk_fail(zErr, nErr, "%s: connection %s lists another owner", zWhere, zName);
    }
    if( pC->nOwner==2 ){
      const SimSession *pCr = simm_session(pM, pC->luidCreator);
      if( pCr==NULL || pCr->luidLinked!=pC->aOwner[1] ){
        return simchk_fail(zErr, nErr, "%s: shared connection %s not shared with the linked half",
                           zWhere, zName);
      }
    }
    {
      /* C5, C10 v2: every owner holds a set for the server */
      const SimCredSet *pSet = NULL;
      for(k=0; k<pS->nSet; k++){
        if( simstr_ieq(pS->aSet[k].zServer, pC->zServer) ) pSet = &pS->aSet[k];
      }
      if( pSet==NULL ){
        return simchk_fail(zErr, nErr, "%s: connection %s holds no credential set", zWhere, zName);
      }
    }
  }

  for(k=0; k<pS->nSet; k++){
    int nRef = 0;
    if( k>0 && simstr_icmp(pS->aSet[k-1].zServer, pS->aSet[k].zServer)>=0 ){
      return simchk_fail(zErr, nErr, "%s: credential sets out of order or repeated", zWhere);
    }
    for(i=0; i<pS->nConn; i++){
      if( simstr_ieq(pS->apConn[i]->zServer, pS->aSet[k].zServer) ) nRef++;
    }
    if( nRef<1 || nRef!=pS->aSet[k].nRef ){
      return simchk_fail(zErr, nErr, "%s: credential set for %s kept by %d, counts %d",
                         zWhere, pS->aSet[k].zServer, nRef, pS->aSet[k].nRef);
    }
  }
  return 0;
}

/* ---------------------------------------------------------------- 3 ---- */

static int simchk_user(const SimUser *pU, char *zErr, size_t nErr){
  int i;
  for(i=0; i<pU->nNet; i++){
    const SimNetEntry *pE = &pU->aNet[i];
    int j;
    if( pE->cLetter<'A' || pE->cLetter>'Z' ){
      return simchk_fail(zErr, nErr, "%s: HKCU\\Network key is not a letter", pU->zName);
    }
    if( i>0 && pU->aNet[i-1].cLetter>=pE->cLetter ){
      return simchk_fail(zErr, nErr, "%s: HKCU\\Network out of order or repeated", pU->zName);
    }
    for(j=0; j<pE->nVal; j++){
      const SimRegValue *pV = &pE->aVal[j];
      int k;
      for(k=0; k<j; k++){
        if( simstr_ieq(pE->aVal[k].zName, pV->zName) ){
          return simchk_fail(zErr, nErr, "%s: HKCU\\Network value %s repeated",
                             pU->zName, pV->zName);
        }
      }
      if( (pV->eType==SIM_REG_SZ)!=(pV->zData!=NULL) ){
        return simchk_fail(zErr, nErr, "%s: HKCU\\Network value %s has a bad type",
                           pU->zName, pV->zName);
      }
    }
    for(j=0; j<pE->nVal; j++){
      const char *zData = pE->aVal[j].zData;
      if( pU->zPassword && pU->zPassword[0] && zData && strcmp(zData, pU->zPassword)==0 ){
        return simchk_fail(zErr, nErr, "%s: a password in HKCU\\Network", pU->zName);
      }
    }
  }
  for(i=1; i<pU->nCred; i++){
    if( simstr_icmp(pU->aCred[i-1].zTarget, pU->aCred[i].zTarget)>=0 ){
      return simchk_fail(zErr, nErr, "%s: vault out of order or repeated", pU->zName);
    }
  }
  return 0;
}

/* ---------------------------------------------------------------- 4 ---- */

int sim_check_invariants(const SimMachine *pM, char *zErr, size_t nErr){
  const SimSession *pS;
  int n = 0, i, rc;
  if( zErr && nErr ) zErr[0] = 0;
  if( simm_session(pM, SIM_LUID_SYSTEM)==NULL ){
    return simchk_fail(zErr, nErr, "SYSTEM's logon session is missing");
  }
  for(pS=pM->pFirst; pS; pS=pS->pNext){
    n++;
    if( simm_session(pM, pS->luid)!=pS ){
      return simchk_fail(zErr, nErr, "session %llx not in the LUID table",
                         (unsigned long long)pS->luid);
    }
    if( pS->pNext && pS->pNext->pPrev!=pS ){
      return simchk_fail(zErr, nErr, "live-session list broken");
    }
    rc = simchk_session(pM, pS, zErr, nErr);
    if( rc ) return rc;
  }
  if( n!=pM->nSession || (size_t)n!=simhash_count(&pM->sessions) ){
    return simchk_fail(zErr, nErr, "%d sessions listed, %d counted, %zu in the table",
                       n, pM->nSession, simhash_count(&pM->sessions));
  }
  rc = simchk_dir(&pM->global, "\\GLOBAL??", zErr, nErr);
  if( rc ) return rc;
  for(i=0; i<pM->nUser; i++){
    rc = simchk_user(pM->apUser[i], zErr, nErr);
    if( rc ) return rc;
  }
  return 0;
}
