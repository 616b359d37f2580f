/*
** sim/clone.c: a deep copy of a model machine (see clone.h).
**
** Every array is copied with exactly as many slots as it holds entries
** (the modules grow arrays with simarr_reserve(), which accepts that).
** Connections are the one shared structure: a connection made with
** EnableLinkedConnections belongs to both halves (C10) and sits in both
** apConn arrays, so the copy maps each original connection to its copy.
**
** Contents:
**   1. Accounts and directories
**   2. Sessions and connections
**   3. The machine
*/
#include "sim/simint.h"
#include "sim/clone.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- 1 ---- */

static SimUser *simcl_user(const SimUser *pU, int *pbOom){
  int i, j;
  SimUser *pNew = calloc(1, sizeof(SimUser));
  if( pNew==NULL ){ *pbOom = 1; return NULL; }
  pNew->zName = simstr_dup(pU->zName, pbOom);
  pNew->eKind = pU->eKind;
  pNew->bDomain = pU->bDomain;
  pNew->zPassword = simstr_dup(pU->zPassword, pbOom);
  pNew->bNetUseDefault = pU->bNetUseDefault;
  if( pU->nNet ){
    pNew->aNet = calloc((size_t)pU->nNet, sizeof(SimNetEntry));
    if( pNew->aNet==NULL ){ *pbOom = 1; return pNew; }
    pNew->nNet = pNew->nNetAlloc = pU->nNet;
    for(i=0; i<pU->nNet; i++){
      const SimNetEntry *pE = &pU->aNet[i];
      SimNetEntry *pF = &pNew->aNet[i];
      pF->cLetter = pE->cLetter;
      if( pE->nVal==0 ) continue;
      pF->aVal = calloc((size_t)pE->nVal, sizeof(SimRegValue));
      if( pF->aVal==NULL ){ *pbOom = 1; continue; }
      pF->nVal = pF->nValAlloc = pE->nVal;
      for(j=0; j<pE->nVal; j++){
        pF->aVal[j].zName = simstr_dup(pE->aVal[j].zName, pbOom);
        pF->aVal[j].eType = pE->aVal[j].eType;
        pF->aVal[j].zData = simstr_dup(pE->aVal[j].zData, pbOom);
        pF->aVal[j].nDword = pE->aVal[j].nDword;
      }
    }
  }
  if( pU->nCred ){
    pNew->aCred = calloc((size_t)pU->nCred, sizeof(SimCred));
    if( pNew->aCred==NULL ){ *pbOom = 1; return pNew; }
    pNew->nCred = pNew->nCredAlloc = pU->nCred;
    for(i=0; i<pU->nCred; i++){
      pNew->aCred[i].zTarget = simstr_dup(pU->aCred[i].zTarget, pbOom);
      pNew->aCred[i].zUser = simstr_dup(pU->aCred[i].zUser, pbOom);
      pNew->aCred[i].zPassword = simstr_dup(pU->aCred[i].zPassword, pbOom);
    }
  }
  return pNew;
}

/* Copy a directory: links and their target stacks. */
static void simcl_dir(SimDir *pTo, const SimDir *pFrom, int *pbOom){
  int i, j;
  memset(pTo, 0, sizeof(*pTo));
  if( pFrom->nLink==0 ) return;
  pTo->aLink = calloc((size_t)pFrom->nLink, sizeof(SimLink));
  if( pTo->aLink==NULL ){ *pbOom = 1; return; }
  pTo->nLink = pTo->nLinkAlloc = pFrom->nLink;
  for(i=0; i<pFrom->nLink; i++){
    const SimLink *pL = &pFrom->aLink[i];
    SimLink *pN = &pTo->aLink[i];
    pN->zName = simstr_dup(pL->zName, pbOom);
    if( pL->nTarget==0 ) continue;
    pN->azTarget = calloc((size_t)pL->nTarget, sizeof(char*));
    if( pN->azTarget==NULL ){ *pbOom = 1; continue; }
    pN->nTarget = pN->nTargetAlloc = pL->nTarget;
    for(j=0; j<pL->nTarget; j++) pN->azTarget[j] = simstr_dup(pL->azTarget[j], pbOom);
  }
}

/* ---------------------------------------------------------------- 2 ---- */

/* Original connection -> copy, for connections two sessions share. */
typedef struct SimClMap SimClMap;
struct SimClMap {
  const SimConn **apFrom;    /* originals */
  SimConn **apTo;            /* their copies */
  int n, nAlloc;             /* entries, slots */
};

static SimConn *simcl_conn(SimClMap *pMap, const SimConn *pC, int *pbOom){
  int i;
  SimConn *pNew;
  for(i=0; i<pMap->n; i++){
    if( pMap->apFrom[i]==pC ) return pMap->apTo[i];
  }
  if( pMap->n==pMap->nAlloc ){
    int nNew = pMap->nAlloc ? pMap->nAlloc*2 : 16;
    const SimConn **apF = realloc(pMap->apFrom, (size_t)nNew*sizeof(*apF));
    if( apF==NULL ){ *pbOom = 1; return NULL; }
    pMap->apFrom = apF;
    SimConn **apT = realloc(pMap->apTo, (size_t)nNew*sizeof(*apT));
    if( apT==NULL ){ *pbOom = 1; return NULL; }
    pMap->apTo = apT;
    pMap->nAlloc = nNew;
  }
  pNew = malloc(sizeof(SimConn));
  if( pNew==NULL ){ *pbOom = 1; return NULL; }
  *pNew = *pC;
  pNew->zRemote = simstr_dup(pC->zRemote, pbOom);
  pNew->zServer = simstr_dup(pC->zServer, pbOom);
  pNew->zShare = simstr_dup(pC->zShare, pbOom);
  pNew->zLink = simstr_dup(pC->zLink, pbOom);
  pMap->apFrom[pMap->n] = pC;
  pMap->apTo[pMap->n] = pNew;
  pMap->n++;
  return pNew;
}

/* Copy session pS (not its list links) into a new SimSession. */
static SimSession *simcl_session(SimClMap *pMap, const SimSession *pS, int *pbOom){
  int i;
  SimSession *pNew = calloc(1, sizeof(SimSession));
  if( pNew==NULL ){ *pbOom = 1; return NULL; }
  *pNew = *pS;
  pNew->pPrev = pNew->pNext = NULL;
  pNew->zOutUser = simstr_dup(pS->zOutUser, pbOom);
  pNew->zOutPassword = simstr_dup(pS->zOutPassword, pbOom);
  simcl_dir(&pNew->dir, &pS->dir, pbOom);
  pNew->apConn = NULL;
  pNew->nConn = pNew->nConnAlloc = 0;
  if( pS->nConn ){
    pNew->apConn = calloc((size_t)pS->nConn, sizeof(SimConn*));
    if( pNew->apConn==NULL ){
      *pbOom = 1;
    }else{
      pNew->nConnAlloc = pS->nConn;
      for(i=0; i<pS->nConn; i++){
        SimConn *pC = simcl_conn(pMap, pS->apConn[i], pbOom);
        if( pC==NULL ) break;
        pNew->apConn[pNew->nConn++] = pC;
      }
    }
  }
  pNew->aSet = NULL;
  pNew->nSet = pNew->nSetAlloc = 0;
  if( pS->nSet ){
    pNew->aSet = calloc((size_t)pS->nSet, sizeof(SimCredSet));
    if( pNew->aSet==NULL ){
      *pbOom = 1;
    }else{
      pNew->nSet = pNew->nSetAlloc = pS->nSet;
      for(i=0; i<pS->nSet; i++){
        pNew->aSet[i] = pS->aSet[i];
        pNew->aSet[i].zServer = simstr_dup(pS->aSet[i].zServer, pbOom);
        pNew->aSet[i].zUser = simstr_dup(pS->aSet[i].zUser, pbOom);
      }
    }
  }
  return pNew;
}

/* ---------------------------------------------------------------- 3 ---- */

int sim_machine_clone(const SimMachine *pM, SimMachine **ppOut){
  int i, j, bOom = 0;
  const SimSession *pS;
  SimClMap map;
  SimMachine *pNew;

  *ppOut = NULL;
  memset(&map, 0, sizeof(map));
  pNew = calloc(1, sizeof(SimMachine));
  if( pNew==NULL ) return ERROR_NOT_ENOUGH_MEMORY;
  memcpy(pNew->abPolicyReg, pM->abPolicyReg, sizeof(pNew->abPolicyReg));
  memcpy(pNew->abPolicyBoot, pM->abPolicyBoot, sizeof(pNew->abPolicyBoot));
  pNew->mDisks = pM->mDisks;
  pNew->nBoot = pM->nBoot;
  pNew->luidNext = pM->luidNext;
  pNew->mBugs = pM->mBugs;
  pNew->fired = pM->fired;
  simhash_init(&pNew->sessions);

  /* accounts */
  pNew->apUser = calloc((size_t)(pM->nUser ? pM->nUser : 1), sizeof(SimUser*));
  if( pNew->apUser==NULL ) goto oom;
  pNew->nUserAlloc = pM->nUser ? pM->nUser : 1;
  for(i=0; i<pM->nUser; i++){
    pNew->apUser[i] = simcl_user(pM->apUser[i], &bOom);
    if( pNew->apUser[i]==NULL ) goto oom;
    pNew->nUser++;
    if( bOom ) goto oom;
  }

  /* shares, aliases, boot devices */
  if( pM->nShare ){
    pNew->aShare = calloc((size_t)pM->nShare, sizeof(SimShare));
    if( pNew->aShare==NULL ) goto oom;
    pNew->nShareAlloc = pM->nShare;
    for(i=0; i<pM->nShare; i++){
      const SimShare *pSh = &pM->aShare[i];
      SimShare *pT = &pNew->aShare[i];
      pNew->nShare++;
      *pT = *pSh;
      pT->zServer = simstr_dup(pSh->zServer, &bOom);
      pT->zShare = simstr_dup(pSh->zShare, &bOom);
      pT->azGrant = NULL;
      pT->nGrant = 0;
      if( pSh->nGrant ){
        pT->azGrant = calloc((size_t)pSh->nGrant, sizeof(char*));
        if( pT->azGrant==NULL ) goto oom;
        pT->nGrant = pSh->nGrant;
        for(j=0; j<pSh->nGrant; j++) pT->azGrant[j] = simstr_dup(pSh->azGrant[j], &bOom);
      }
    }
  }
  if( pM->nAlias ){
    pNew->aAlias = calloc((size_t)pM->nAlias, sizeof(SimAlias));
    if( pNew->aAlias==NULL ) goto oom;
    pNew->nAlias = pNew->nAliasAlloc = pM->nAlias;
    for(i=0; i<pM->nAlias; i++){
      pNew->aAlias[i].zAlias = simstr_dup(pM->aAlias[i].zAlias, &bOom);
      pNew->aAlias[i].zServer = simstr_dup(pM->aAlias[i].zServer, &bOom);
    }
  }
  if( pM->nBootDev ){
    pNew->aBootDev = calloc((size_t)pM->nBootDev, sizeof(SimBootDev));
    if( pNew->aBootDev==NULL ) goto oom;
    pNew->nBootDev = pNew->nBootDevAlloc = pM->nBootDev;
    for(i=0; i<pM->nBootDev; i++){
      pNew->aBootDev[i].zName = simstr_dup(pM->aBootDev[i].zName, &bOom);
      pNew->aBootDev[i].zTarget = simstr_dup(pM->aBootDev[i].zTarget, &bOom);
    }
  }
  simcl_dir(&pNew->global, &pM->global, &bOom);
  if( bOom ) goto oom;

  /* sessions, in creation order */
  for(pS=pM->pFirst; pS; pS=pS->pNext){
    SimSession *pT = simcl_session(&map, pS, &bOom);
    if( pT==NULL ) goto oom;
    if( simhash_insert(&pNew->sessions, pT->luid, pT) ){
      /* not yet in the list: free what it holds here */
      SimSession tmp = *pT;
      free(pT);
      simdir_clear(&tmp.dir);
      for(i=0; i<tmp.nSet; i++){ free(tmp.aSet[i].zServer); free(tmp.aSet[i].zUser); }
      free(tmp.aSet);
      free(tmp.apConn);
      free(tmp.zOutUser);
      free(tmp.zOutPassword);
      goto oom;
    }
    pT->pPrev = pNew->pLast;
    if( pNew->pLast ) pNew->pLast->pNext = pT; else pNew->pFirst = pT;
    pNew->pLast = pT;
    pNew->nSession++;
    if( bOom ) goto oom;
  }
  free(map.apFrom);
  free(map.apTo);
  *ppOut = pNew;
  return 0;

oom:
  /* A connection copied but not yet in any session would leak: every copy
  ** is put in a session as soon as it is made, except on failure, where
  ** it may be held by a session not yet in the machine (freed above). */
  sim_machine_free(pNew);
  free(map.apFrom);
  free(map.apTo);
  return ERROR_NOT_ENOUGH_MEMORY;
}
