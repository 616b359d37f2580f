/*
** runner/explore/shrink.c: reducing a failing step sequence to a minimal one.
**
** Two stages, as the explorer's issue asks: delta debugging over the steps
** (Zeller and Hildebrandt's ddmin: try subsets, then complements, at ever
** finer granularity, until removing any one remaining step makes the
** failure go away), then simpler arguments step by step (the plain half of
** a logon, an interactive logon, no flags, no credentials, the first name,
** target, letter and share), and drops a logon together with the steps
** that use its name (which ddmin, removing one step at a time at the end,
** cannot). A candidate that is not a valid scenario (a
** logon name used before any logon makes it, a live name logged on again,
** a second `current` logon) is never handed to the predicate: it counts as
** "does not fail".
**
** Contents: 1. ddmin over an abstract predicate  2. shrinking steps
*/
#include "runner/explore/explore.h"

#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- 1 ---- */

int exp_ddmin(int n, ExpFailsFn xFails, void *pCtx, int *aiOut, long *pnTests){
  int *aCur = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
  int *aTry = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
  int nCur = n;
  if( aCur == NULL || aTry == NULL ) goto err;
  for(int i = 0; i < n; i++) aCur[i] = i;
  int nGran = 2;
  while( nCur >= 2 ){
    int bReduced = 0;
    if( nGran > nCur ) nGran = nCur;
    /* subsets: keep one chunk */
    for(int c = 0; c < nGran && !bReduced; c++){
      int iLo = (int)((long long)nCur * c / nGran);
      int iHi = (int)((long long)nCur * (c + 1) / nGran);
      int nTry = iHi - iLo;
      if( nTry == 0 || nTry == nCur ) continue;
      memcpy(aTry, aCur + iLo, sizeof(int) * (size_t)nTry);
      if( pnTests ) (*pnTests)++;
      if( xFails(pCtx, aTry, nTry) ){
        memcpy(aCur, aTry, sizeof(int) * (size_t)nTry);
        nCur = nTry;
        nGran = 2;
        bReduced = 1;
      }
    }
    /* complements: drop one chunk */
    for(int c = 0; c < nGran && !bReduced && nGran > 2; c++){
      int iLo = (int)((long long)nCur * c / nGran);
      int iHi = (int)((long long)nCur * (c + 1) / nGran);
      int nTry = 0;
      for(int i = 0; i < nCur; i++){
        if( i < iLo || i >= iHi ) aTry[nTry++] = aCur[i];
      }
      if( nTry == 0 || nTry == nCur ) continue;
      if( pnTests ) (*pnTests)++;
      if( xFails(pCtx, aTry, nTry) ){
        memcpy(aCur, aTry, sizeof(int) * (size_t)nTry);
        nCur = nTry;
        nGran = nGran - 1 > 2 ? nGran - 1 : 2;
        bReduced = 1;
      }
    }
    if( !bReduced ){
      if( nGran >= nCur ) break;
      nGran = nGran * 2 < nCur ? nGran * 2 : nCur;
    }
  }
  memcpy(aiOut, aCur, sizeof(int) * (size_t)nCur);
  free(aCur);
  free(aTry);
  return nCur;

err:
  /* Out of memory: keep everything (still failing, just not smaller). */
  free(aCur);
  free(aTry);
  for(int i = 0; i < n; i++) aiOut[i] = i;
  return n;
}

/* ---------------------------------------------------------------- 2 ---- */

/* ddmin's predicate over the steps of an ExpShrink. */
typedef struct ExpShrinkRun ExpShrinkRun;
struct ExpShrinkRun {
  ExpShrink *pS;             /* the shrink */
  const ExpStep *aOrig;      /* the steps ddmin indexes */
  ExpStep *aBuf;             /* scratch for a candidate */
};

static int exp_shrink_fails(void *pCtx, const int *aiKeep, int nKeep){
  ExpShrinkRun *p = pCtx;
  for(int i = 0; i < nKeep; i++) p->aBuf[i] = p->aOrig[aiKeep[i]];
  if( !exp_steps_valid(p->pS->pW, p->aBuf, nKeep) ) return 0;
  p->pS->nTests++;
  return p->pS->xFails(p->pS->pCtx, p->aBuf, nKeep);
}

/* Try aStep[i] = *pNew; keep it if still valid and failing. Returns 1 if
** kept. */
static int exp_try_step(ExpShrink *pS, ExpStep *aStep, int nStep, int i,
                        const ExpStep *pNew){
  if( memcmp(&aStep[i], pNew, sizeof(ExpStep)) == 0 ) return 0;
  ExpStep old = aStep[i];
  aStep[i] = *pNew;
  if( exp_steps_valid(pS->pW, aStep, nStep) ){
    pS->nTests++;
    if( pS->xFails(pS->pCtx, aStep, nStep) ) return 1;
  }
  aStep[i] = old;
  return 0;
}

/* One pass of argument simplification. Returns the number of changes. */
static int exp_simplify_pass(ExpShrink *pS, ExpStep *aStep, int nStep){
  int nChange = 0;
  for(int i = 0; i < nStep; i++){
    ExpStep t;
    const ExpStep *p = &aStep[i];
    /* act as another (earlier-named) logon: may free steps for ddmin */
    if( p->eKind == SCN_STEP_AS && p->iSlot != EXP_SYSTEM ){
      for(int k = 0; k < p->iSlot; k++){
        t = *p; t.iSlot = (uint8_t)k;
        if( exp_try_step(pS, aStep, nStep, i, &t) ){ nChange++; break; }
      }
    }
    if( p->eKind == SCN_STEP_AS && p->eHalf != SCN_HALF_SYSTEM && p->eHalf != SCN_HALF_BARE ){
      t = *p; t.eHalf = SCN_HALF_BARE;
      nChange += exp_try_step(pS, aStep, nStep, i, &t);
    }
    if( p->eKind == SCN_STEP_LOGON ){
      if( p->eLogon != SCN_LOGON_INTERACTIVE && p->eLogon != SCN_LOGON_CURRENT ){
        t = *p; t.eLogon = SCN_LOGON_INTERACTIVE; t.bHighest = 0;
        t.iFrom = 0; t.eFromHalf = SCN_HALF_BARE; t.bS4u = 0;
        nChange += exp_try_step(pS, aStep, nStep, i, &t);
      }
      if( p->ePass ){
        t = *p; t.ePass = 0;
        nChange += exp_try_step(pS, aStep, nStep, i, &t);
      }
      if( p->bHighest ){
        t = *p; t.bHighest = 0;
        nChange += exp_try_step(pS, aStep, nStep, i, &t);
      }
      if( p->iUser != 0 && p->eLogon != SCN_LOGON_CURRENT ){
        t = *p; t.iUser = 0;
        nChange += exp_try_step(pS, aStep, nStep, i, &t);
      }
      continue;
    }
    /* flags, one bit at a time (keeping the ones that pick an argument's
    ** kind: cmdkey server target, dir of a UNC path) */
    for(int b = 0; b < 8; b++){
      uint8_t m = (uint8_t)(1u << b);
      if( !(p->mFlag & m) || m == EXP_F_CMDKEY_SRV || m == EXP_F_DIR_UNC ) continue;
      t = *p; t.mFlag = (uint8_t)(t.mFlag & ~m);
      nChange += exp_try_step(pS, aStep, nStep, i, &t);
    }
    if( p->ePersistent >= 0 && p->eCmd == SCN_CMD_NET_USE_ADD ){
      t = *p; t.ePersistent = -1;
      nChange += exp_try_step(pS, aStep, nStep, i, &t);
    }
    if( p->eKind == SCN_STEP_AS && p->iUser != EXP_NONE
     && (p->eCmd == SCN_CMD_NET_USE_ADD || p->eCmd == SCN_CMD_WNET_ADD) ){
      t = *p; t.iUser = EXP_NONE; t.ePass = 0;
      nChange += exp_try_step(pS, aStep, nStep, i, &t);
    }
    if( p->ePass == 2 ){
      t = *p; t.ePass = 1;
      nChange += exp_try_step(pS, aStep, nStep, i, &t);
    }
    if( p->eKind == SCN_STEP_AS && p->eCmd == SCN_CMD_UNDEFINE && p->iTarget != EXP_NONE ){
      t = *p; t.iTarget = EXP_NONE; t.mFlag = (uint8_t)(t.mFlag & ~EXP_F_EXACT);
      nChange += exp_try_step(pS, aStep, nStep, i, &t);
    }
    if( p->iName != 0 ){
      t = *p; t.iName = 0;
      nChange += exp_try_step(pS, aStep, nStep, i, &t);
    }
    if( p->iTarget != EXP_NONE && p->iTarget != 0 && p->eKind == SCN_STEP_AS ){
      t = *p; t.iTarget = 0;
      nChange += exp_try_step(pS, aStep, nStep, i, &t);
    }
    if( p->cLetter && p->cLetter != (uint8_t)exp_letter(0) ){
      t = *p; t.cLetter = (uint8_t)exp_letter(0);
      nChange += exp_try_step(pS, aStep, nStep, i, &t);
    }
    if( p->iRemote != 0 ){
      t = *p; t.iRemote = 0;
      nChange += exp_try_step(pS, aStep, nStep, i, &t);
    }
  }
  return nChange;
}

/*
** ddmin is 1-minimal: it never drops a logon together with the steps that
** use its name, since neither goes alone. Try that: each logon with every
** later step naming its slot up to the slot's next logon. Returns the new
** length.
*/
static int exp_drop_logon_lives(ExpShrink *pS, ExpStep *aStep, int nStep, ExpStep *aBuf){
  for(int i = 0; i < nStep; i++){
    if( aStep[i].eKind != SCN_STEP_LOGON ) continue;
    int iSlot = aStep[i].iSlot, n = 0;
    int bEnd = 0;
    for(int j = 0; j < nStep; j++){
      int bDrop = j == i;
      if( j > i && !bEnd && aStep[j].iSlot == iSlot && aStep[j].eKind != SCN_STEP_REBOOT
       && aStep[j].eKind != SCN_STEP_SET && aStep[j].eKind != SCN_STEP_BOOTDEVICE ){
        if( aStep[j].eKind == SCN_STEP_LOGON ) bEnd = 1;
        else bDrop = 1;
      }
      if( !bDrop ) aBuf[n++] = aStep[j];
    }
    if( n == nStep || n == 0 || !exp_steps_valid(pS->pW, aBuf, n) ) continue;
    pS->nTests++;
    if( pS->xFails(pS->pCtx, aBuf, n) ){
      memcpy(aStep, aBuf, sizeof(ExpStep) * (size_t)n);
      nStep = n;
      i = -1;                      /* start over on the shorter sequence */
    }
  }
  return nStep;
}

int exp_shrink(ExpShrink *pS, ExpStep *aStep, int nStep){
  if( nStep <= 1 ) return nStep;
  ExpStep *aOrig = malloc(sizeof(ExpStep) * (size_t)nStep);
  ExpStep *aBuf = malloc(sizeof(ExpStep) * (size_t)nStep);
  int *aiKeep = malloc(sizeof(int) * (size_t)nStep);
  if( aOrig == NULL || aBuf == NULL || aiKeep == NULL ) goto done;
  for(int iRound = 0; iRound < 4; iRound++){
    memcpy(aOrig, aStep, sizeof(ExpStep) * (size_t)nStep);
    ExpShrinkRun run = { pS, aOrig, aBuf };
    int nKeep = exp_ddmin(nStep, exp_shrink_fails, &run, aiKeep, NULL);
    for(int i = 0; i < nKeep; i++) aStep[i] = aOrig[aiKeep[i]];
    int bSmaller = nKeep < nStep;
    nStep = nKeep;
    int nLives = exp_drop_logon_lives(pS, aStep, nStep, aBuf);
    bSmaller |= nLives < nStep;
    nStep = nLives;
    int nChange = exp_simplify_pass(pS, aStep, nStep);
    if( !bSmaller && nChange == 0 ) break;
  }
done:
  free(aOrig);
  free(aBuf);
  free(aiKeep);
  return nStep;
}
