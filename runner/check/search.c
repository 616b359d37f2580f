/*
** runner/check/search.c: the breadth-first search of `mapscope check`.
**
** States are numbered in the order they are found, so the states of one
** depth are contiguous and the search expands them in that order. A
** state keeps only its digest, its parent and the alphabet index of the
** step that reached it (about 40 bytes with its hash slot): to expand it
** the search replays its path on a copy of the first state, then tries
** every step valid there on a scratch copy. A step that leaves the state
** as it was (a listing, a refused call) leaves the scratch copy usable
** for the next step, so only steps that change something pay for a copy.
**
** Every invariant of the table is checked after every step tried, with
** the state before and after. The first failure ends the search: breadth
** first, it comes from a shortest sequence.
**
** Contents:
**   1. The visited set
**   2. Digests with the logon names, and symmetry
**   3. The search
**   4. The counterexample as a scenario
*/
#include "runner/check/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "sim/sim.h"
#include "runner/backends/backend.h"
#include "runner/backends/backend_sim.h"
#include "runner/util/strbuf.h"

/* ---------------------------------------------------------------- 1 ---- */

typedef struct CkState CkState;
struct CkState {
  SimDigest d;               /* canonical digest */
  int32_t iParent;           /* parent state, -1 for the first */
  int32_t iStep;             /* alphabet index of the step from it */
};

typedef struct CkSet CkSet;
struct CkSet {
  CkState *a;                /* states in the order found */
  long n, nAlloc;            /* entries, slots */
  int32_t *aSlot;            /* hash slots: state index + 1, 0 empty */
  size_t nSlot;              /* a power of two */
};

static int ck_set_grow(CkSet *p){
  size_t nNew = p->nSlot ? p->nSlot*2 : 1024;
  int32_t *aNew = calloc(nNew, sizeof(int32_t));
  if( aNew==NULL ) return ERROR_NOT_ENOUGH_MEMORY;
  for(long i = 0; i < p->n; i++){
    size_t h = (size_t)p->a[i].d.a & (nNew-1);
    while( aNew[h] ) h = (h+1) & (nNew-1);
    aNew[h] = (int32_t)(i+1);
  }
  free(p->aSlot);
  p->aSlot = aNew;
  p->nSlot = nNew;
  return 0;
}

/* Add d unless present. Returns 1 added, 0 present, <0 out of memory;
** *piState (if not NULL) is the state's index either way. */
static int ck_set_add(CkSet *p, SimDigest d, int32_t iParent, int32_t iStep, long *piState){
  if( (size_t)(p->n+1)*2 > p->nSlot && ck_set_grow(p) ) return -1;
  size_t h = (size_t)d.a & (p->nSlot-1);
  while( p->aSlot[h] ){
    const CkState *s = &p->a[p->aSlot[h]-1];
    if( s->d.a==d.a && s->d.b==d.b ){
      if( piState ) *piState = p->aSlot[h]-1;
      return 0;
    }
    h = (h+1) & (p->nSlot-1);
  }
  if( p->n==p->nAlloc ){
    long nNew = p->nAlloc ? p->nAlloc*2 : 1024;
    CkState *aNew = realloc(p->a, (size_t)nNew*sizeof(CkState));
    if( aNew==NULL ) return -1;
    p->a = aNew;
    p->nAlloc = nNew;
  }
  p->a[p->n].d = d;
  p->a[p->n].iParent = iParent;
  p->a[p->n].iStep = iStep;
  p->aSlot[h] = (int32_t)(p->n+1);
  if( piState ) *piState = p->n;
  p->n++;
  return 1;
}

static void ck_set_free(CkSet *p){
  free(p->a);
  free(p->aSlot);
  memset(p, 0, sizeof(*p));
}

/* ---------------------------------------------------------------- 2 ---- */

/* Account symmetry: interchangeable accounts of the world (same kind,
** domain flag and share grants; not the account `current` logons use,
** nor account 0, which a few steps single out), and every permutation
** within those classes as machine account renamings (index 0 = SYSTEM). */
typedef struct CkSym CkSym;
struct CkSym {
  int nPerm;                 /* permutations (1 = identity only) */
  int aaPerm[24][EXP_MAX_USER+1]; /* machine index -> position */
  int nSymmetric;            /* accounts in classes of two or more */
};

static int ck_user_granted(const Scenario *pScn, int iShare, const char *zUser){
  const ScnShare *pS = &pScn->aShare[iShare];
  if( pS->bEveryone ) return 1;
  for(int g = 0; g < pS->nGrant; g++){
    if( strcasecmp(pS->azGrant[g], zUser)==0 ) return 1;
  }
  return 0;
}

static int ck_users_alike(const ExpWorld *pW, int u, int v){
  const Scenario *pScn = pW->pWorld;
  if( u==0 || v==0 || u==pW->iCurrentUser || v==pW->iCurrentUser ) return 0;
  if( pScn->aUser[u].eKind!=pScn->aUser[v].eKind ) return 0;
  if( pScn->aUser[u].bDomain!=pScn->aUser[v].bDomain ) return 0;
  for(int s = 0; s < pScn->nShare; s++){
    if( ck_user_granted(pScn, s, pW->azUser[u])!=ck_user_granted(pScn, s, pW->azUser[v]) ) return 0;
  }
  return 1;
}

static void ck_sym_init(CkSym *p, const ExpWorld *pW, int bOn){
  int aClass[EXP_MAX_USER];
  memset(p, 0, sizeof(*p));
  for(int u = 0; u <= pW->nUser; u++) p->aaPerm[0][u] = u;
  p->nPerm = 1;
  if( !bOn ) return;
  for(int u = 0; u < pW->nUser; u++){
    aClass[u] = u;
    for(int v = 0; v < u; v++){
      if( aClass[v]==v && ck_users_alike(pW, u, v) ){ aClass[u] = v; break; }
    }
  }
  /* for each class of two or more, multiply the permutations by its
  ** own (transpositions enumerated as all orders of the members) */
  for(int c = 0; c < pW->nUser; c++){
    int aM[EXP_MAX_USER], nM = 0;
    for(int u = 0; u < pW->nUser; u++) if( aClass[u]==c ) aM[nM++] = u;
    if( nM<2 ) continue;
    p->nSymmetric += nM;
    /* all permutations of aM (nM <= 4 keeps the table small) */
    int aIdx[EXP_MAX_USER];
    for(int i = 0; i < nM; i++) aIdx[i] = i;
    int nOld = p->nPerm;
    int aaNew[24][EXP_MAX_USER+1], nNew = 0;
    for(;;){
      for(int k = 0; k < nOld && nNew < 24; k++){
        for(int u = 0; u <= pW->nUser; u++) aaNew[nNew][u] = p->aaPerm[k][u];
        for(int i = 0; i < nM; i++) aaNew[nNew][aM[i]+1] = aM[aIdx[i]]+1;
        nNew++;
      }
      /* next permutation of aIdx */
      int i = nM-2;
      while( i>=0 && aIdx[i]>aIdx[i+1] ) i--;
      if( i<0 ) break;
      int j = nM-1;
      while( aIdx[j]<aIdx[i] ) j--;
      int t = aIdx[i]; aIdx[i] = aIdx[j]; aIdx[j] = t;
      for(int a = i+1, b = nM-1; a < b; a++, b--){ t = aIdx[a]; aIdx[a] = aIdx[b]; aIdx[b] = t; }
    }
    memcpy(p->aaPerm, aaNew, sizeof(aaNew));
    p->nPerm = nNew;
  }
}

/* Two 64-bit hashes over 8-byte words (the tail zero-padded), each word
** mixed in with a different multiplier. */
static void ck_hash_bytes(SimDigest *h, const char *z, size_t n){
  size_t i = 0;
  for(; i + 8 <= n; i += 8){
    uint64_t w;
    memcpy(&w, z + i, 8);
    h->a = (h->a ^ w) * 0x9e3779b97f4a7c15ull;
    h->a ^= h->a >> 32;
    h->b = (h->b + w) * 0xff51afd7ed558ccdull;
    h->b ^= h->b >> 29;
  }
  if( i < n ){
    uint64_t w = 0;
    memcpy(&w, z + i, n - i);
    w ^= (uint64_t)(n - i) << 56;
    h->a = (h->a ^ w) * 0x9e3779b97f4a7c15ull;
    h->a ^= h->a >> 32;
    h->b = (h->b + w) * 0xff51afd7ed558ccdull;
    h->b ^= h->b >> 29;
  }
}

/* The digest of a state under one renaming: the machine's canonical text
** and the logon names (live, group, account, which sessions). */
static int ck_digest_one(const CkSim *pS, int nSlot, const int *aiPerm, SimDigestBuf *pBuf,
                         SimDigest *pOut){
  int rc = sim_digest_text(pS->x.pM, aiPerm, pBuf);
  if( rc ) return rc;
  SimDigest h = { 0xcbf29ce484222325ull, 0x9e3779b97f4a7c15ull };
  ck_hash_bytes(&h, pBuf->z, pBuf->n);
  int32_t z[6];
  int aGroup[256];
  memset(aGroup, 0, sizeof(aGroup));
  int nGroup = 0;
  for(int s = 0; s < nSlot; s++){
    int g = 0;
    if( pS->aiGroup[s] ){
      if( aGroup[pS->aiGroup[s]]==0 ) aGroup[pS->aiGroup[s]] = ++nGroup;
      g = aGroup[pS->aiGroup[s]];
    }
    int iUser = pS->aiUser[s];
    if( aiPerm ) iUser = aiPerm[iUser+1]-1;
    int iBare = pS->x.aBare[s] ? sim_digest_luid_index(pS->x.pM, pS->x.aBare[s]) : -2;
    int iLinked = pS->x.aLinked[s] ? sim_digest_luid_index(pS->x.pM, pS->x.aLinked[s]) : -2;
    z[0] = pS->abUsed[s]; z[1] = pS->abLive[s]; z[2] = g;
    z[3] = pS->abUsed[s] ? iUser : 0; z[4] = iBare; z[5] = iLinked;
    ck_hash_bytes(&h, (const char*)z, sizeof(z));
  }
  ck_hash_bytes(&h, pS->bCurrentUsed ? "c" : "-", 1);
  /* whether HKCU\Network was written by hand on the way here switches an
  ** invariant off for the rest of the path (ck_check_all): two paths that
  ** differ in it are two states, or the one met second would never have
  ** its descendants checked with the invariant on */
  ck_hash_bytes(&h, pS->bHandWritten ? "h" : "-", 1);
  *pOut = h;
  return 0;
}

int ck_state_digest(const CkSim *pS, int nSlot, SimDigest *pOut){
  SimDigestBuf buf;
  memset(&buf, 0, sizeof(buf));
  int rc = ck_digest_one(pS, nSlot, NULL, &buf, pOut);
  sim_digest_buf_free(&buf);
  return rc;
}

/* The canonical digest: the smallest over the symmetry's renamings;
** dIdent is the identity one, already computed by the caller (it tells
** whether a step changed anything). */
static int ck_digest(const CkSim *pS, int nSlot, const CkSym *pSym, SimDigestBuf *pBuf,
                     SimDigest dIdent, SimDigest *pCanon){
  int rc;
  *pCanon = dIdent;
  for(int k = 1; k < pSym->nPerm; k++){
    SimDigest d;
    rc = ck_digest_one(pS, nSlot, pSym->aaPerm[k], pBuf, &d);
    if( rc ) return rc;
    if( d.a<pCanon->a || (d.a==pCanon->a && d.b<pCanon->b) ) *pCanon = d;
  }
  return 0;
}

/* ---------------------------------------------------------------- 2b --- */

/*
** Partial-order reduction (docs/check.md, "Partial-order reduction").
** Two local steps (ck_step_foot) whose footprints are disjoint commute:
** run in either order from a state, both are valid, both give the same
** results and the same state. So of the two orders of such a pair only
** the one whose steps come in key order needs running: after an edge x,
** a step b with key(b) < key(x), local and disjoint from x, is not run.
** A state found at the level being built keeps the local steps of every
** edge that reached it (CkIn); b is skipped only when every one of them
** forbids it. Every state at every depth is still visited (the state
** counts are those of the search without the reduction; a test compares
** them), and a transition not run has a run twin with the same step,
** result and changes, earlier in the search. The keys are alphabet
** indices made blind to interchangeable accounts (the smallest index in
** the step's orbit), and an edge that reaches a renamed copy of the
** state kept forbids nothing: both keep the argument valid with
** symmetry on.
*/
#define CK_IN_MAX 4

typedef struct CkIn CkIn;
struct CkIn {
  SimDigest dIdent;          /* identity digest of the state kept */
  int32_t aiStep[CK_IN_MAX]; /* local steps of the edges that reached it */
  uint8_t n;                 /* entries */
  uint8_t bAll;              /* an edge forbids nothing: run every step */
};

typedef struct CkPor CkPor;
struct CkPor {
  int bOn;                   /* reduction on */
  int *aiKey;                /* alphabet index -> key */
  CkIn *aCur, *aNext;        /* this level's states, the next level's */
  long nCur, nNext;          /* entries */
  long nCurAlloc, nNextAlloc;/* slots */
};

static int ck_por_init(CkPor *p, const CkAlphabet *pA, const CkSym *pSym, int bOn){
  memset(p, 0, sizeof(*p));
  p->bOn = bOn;
  if( !bOn ) return 0;
  p->aiKey = malloc(sizeof(int)*(size_t)(pA->nStep ? pA->nStep : 1));
  if( p->aiKey==NULL ) return ERROR_NOT_ENOUGH_MEMORY;
  for(int k = 0; k < pA->nStep; k++){
    int iKey = k;
    for(int q = 1; q < pSym->nPerm; q++){
      CkStep t = pA->aStep[k];
      if( t.s.iUser==EXP_NONE ) continue;
      t.s.iUser = (uint8_t)(pSym->aaPerm[q][t.s.iUser+1]-1);
      for(int j = 0; j < iKey; j++){
        if( memcmp(&pA->aStep[j], &t, sizeof(t))==0 ){ iKey = j; break; }
      }
    }
    p->aiKey[k] = iKey;
  }
  return 0;
}

static void ck_por_free(CkPor *p){
  free(p->aiKey);
  free(p->aCur);
  free(p->aNext);
  memset(p, 0, sizeof(*p));
}

/* An edge with step k from a state reached the state of the next level
** at index iNext (bNew: first found) whose identity digest is dIdent. */
static int ck_por_edge(CkPor *p, long iNext, int bNew, SimDigest dIdent, int k, int bLocal){
  if( !p->bOn ) return 0;
  if( bNew ){
    if( iNext>=p->nNextAlloc ){
      long nNew = p->nNextAlloc ? p->nNextAlloc*2 : 1024;
      while( nNew<=iNext ) nNew *= 2;
      CkIn *aNew = realloc(p->aNext, sizeof(CkIn)*(size_t)nNew);
      if( aNew==NULL ) return ERROR_NOT_ENOUGH_MEMORY;
      p->aNext = aNew;
      p->nNextAlloc = nNew;
    }
    CkIn *q = &p->aNext[iNext];
    memset(q, 0, sizeof(*q));
    q->dIdent = dIdent;
    if( bLocal ){ q->aiStep[0] = k; q->n = 1; }
    else q->bAll = 1;
    if( iNext>=p->nNext ) p->nNext = iNext+1;
    return 0;
  }
  CkIn *q = &p->aNext[iNext];
  if( q->bAll ) return 0;
  if( !bLocal || q->dIdent.a!=dIdent.a || q->dIdent.b!=dIdent.b ){ q->bAll = 1; return 0; }
  for(int i = 0; i < q->n; i++) if( q->aiStep[i]==k ) return 0;
  if( q->n==CK_IN_MAX ){ q->bAll = 1; return 0; }
  q->aiStep[q->n++] = k;
  return 0;
}

/* The next level becomes the current one. */
static void ck_por_level(CkPor *p){
  CkIn *t = p->aCur;
  p->aCur = p->aNext;
  p->nCur = p->nNext;
  p->aNext = t;
  p->nNext = 0;
  long nT = p->nNextAlloc;
  p->nNextAlloc = p->nCurAlloc;
  p->nCurAlloc = nT;
}

/* 1 if step k need not run from state pCur (level index iCur). */
static int ck_por_skip(const CkPor *p, const CkAlphabet *pA, const CkSim *pCur, long iCur,
                       int k, const CkFoot *pFootB){
  if( !p->bOn || iCur<0 || iCur>=p->nCur ) return 0;
  const CkIn *q = &p->aCur[iCur];
  if( q->bAll || q->n==0 || pFootB->bGlobal ) return 0;
  for(int i = 0; i < q->n; i++){
    int x = q->aiStep[i];
    if( !(p->aiKey[k] < p->aiKey[x]) ) return 0;
    CkFoot fx;
    ck_step_foot(pCur, &pA->aStep[x], &fx);
    if( !ck_foot_disjoint(pFootB, &fx) ) return 0;
  }
  return 1;
}

/* ---------------------------------------------------------------- 3 ---- */

static double ck_now(void){
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec*1e-9;
}
static double ck_cpu(void){
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec*1e-9;
}

/* Run every invariant of the table on a transition. Returns the index of
** the first that fails, or -1. The explorer's are read from pAfter. */
static int ck_check_all(const CkCheckArgs *pArgs, char *zWhy, size_t nWhy){
  int nInv;
  const CkInvariant *aInv = ck_invariants(&nInv);
  if( pArgs->pAfter->x.eFailed==EXP_INV_NET_VALUES && pArgs->pAfter->bHandWritten ){
    /* R6: a key written by hand need not hold C6's fixed values */
    ((CkSim*)pArgs->pAfter)->x.eFailed = EXP_INV_NONE;
  }
  if( pArgs->pAfter->x.eFailed!=EXP_INV_NONE ){
    snprintf(zWhy, nWhy, "%s", pArgs->pAfter->x.zDetail);
    return ck_invariant_of_exp(pArgs->pAfter->x.eFailed);
  }
  for(int i = 0; i < nInv; i++){
    if( aInv[i].xCheck && aInv[i].xCheck(pArgs, zWhy, nWhy) ) return i;
  }
  return -1;
}

/* The path to state i (steps, first first) into aOut; returns its length. */
static int ck_path(const CkSet *pSet, long i, int32_t *aOut, int nMax){
  int n = 0;
  for(long k = i; k>0 && pSet->a[k].iParent>=0; k = pSet->a[k].iParent) n++;
  if( n>nMax ) n = nMax;
  int j = n;
  for(long k = i; k>0 && pSet->a[k].iParent>=0 && j>0; k = pSet->a[k].iParent){
    aOut[--j] = pSet->a[k].iStep;
  }
  return n;
}

static void ck_fail(CkResult *pRes, const CkAlphabet *pA, const CkSet *pSet, long iState,
                    int iStep, int iInv, const char *zWhy){
  int32_t aPath[64];
  int n = ck_path(pSet, iState, aPath, 63);
  pRes->iFailed = iInv;
  snprintf(pRes->zWhy, sizeof(pRes->zWhy), "%s", zWhy);
  pRes->aPath = malloc(sizeof(CkStep)*(size_t)(n+1));
  if( pRes->aPath==NULL ) return;
  for(int i = 0; i < n; i++) pRes->aPath[i] = pA->aStep[aPath[i]];
  if( iStep>=0 ) pRes->aPath[n++] = pA->aStep[iStep];
  pRes->nPath = n;
}

/* Build state iState of the set on pOut (a copy of the first state with
** its path replayed). */
static int ck_materialize(const CkSet *pSet, const CkAlphabet *pA, const CkSim *pRoot,
                          long iState, CkSim *pOut){
  int32_t aPath[64];
  int n = ck_path(pSet, iState, aPath, 64);
  int rc = ck_sim_copy(pOut, pRoot);
  if( rc ) return rc;
  for(int i = 0; i < n; i++) ck_sim_step(pOut, &pA->aStep[aPath[i]]);
  pOut->x.eFailed = EXP_INV_NONE;
  return 0;
}

int ck_search(const ExpWorld *pW, const CkAlphabet *pA, const CkOptions *pOpt,
              CkResult *pRes){
  CkSim root, cur, scratch;
  CkSet set;
  CkSym sym;
  CkPor por;
  CkFoot foot;
  SimDigestBuf buf;
  SimDigest dCanon, dIdent, dCur;
  char zWhy[256];
  int rc, bScratch = 0, nSlot = pA->cfg.nSlot;
  CkOptions opt = *pOpt;
  double rStart = ck_now(), rCpuStart = ck_cpu();

  /* MAPSCOPE_CHECK_VERIFY_READS=1: bVerifyReads from the command line */
  if( getenv("MAPSCOPE_CHECK_VERIFY_READS") && atoi(getenv("MAPSCOPE_CHECK_VERIFY_READS")) ){
    opt.bVerifyReads = 1;
  }
  /* MAPSCOPE_CHECK_POR=1: bPor from the command line */
  if( getenv("MAPSCOPE_CHECK_POR") && atoi(getenv("MAPSCOPE_CHECK_POR")) ){
    opt.bPor = 1;
  }
  pOpt = &opt;
  memset(pRes, 0, sizeof(*pRes));
  memset(&set, 0, sizeof(set));
  memset(&buf, 0, sizeof(buf));
  pRes->iFailed = -1;
  ck_sym_init(&sym, pW, pOpt->bSymmetry);
  pRes->nSymmetricUsers = sym.nSymmetric;
  rc = ck_por_init(&por, pA, &sym, pOpt->bPor);
  if( rc ) return rc;

  rc = ck_sim_open(&root, pW);
  if( rc ) return rc;
  root.pA = pA;
  root.pCover = &pRes->toolCover;
  if( pOpt->iPlantBug ) exp_plant_bug(root.x.pM, pOpt->iPlantBug);
  root.x.bFullCheck = 1;
  sim_rules_clear(root.x.pM);
  exp_sim_check_all(&root.x);
  {
    CkCheckArgs a = { NULL, NULL, 0, &root, pW };
    int iInv = ck_check_all(&a, zWhy, sizeof(zWhy));
    if( iInv>=0 ){
      ck_fail(pRes, pA, &set, 0, -1, iInv, zWhy);
      goto done;
    }
  }
  rc = ck_digest_one(&root, nSlot, NULL, &buf, &dIdent);
  if( rc==0 ) rc = ck_digest(&root, nSlot, &sym, &buf, dIdent, &dCanon);
  if( rc ) goto done;
  if( ck_set_add(&set, dCanon, -1, -1, NULL)<0 ){ rc = ERROR_NOT_ENOUGH_MEMORY; goto done; }
  pRes->anStatesAt[0] = 1;

  long iLevelStart = 0, iLevelEnd = 1;
  for(int d = 0; d < pOpt->nDepth && d < 62; d++){
    if( iLevelStart==iLevelEnd ){ pRes->bComplete = 1; break; }
    for(long i = iLevelStart; i < iLevelEnd; i++){
      rc = ck_materialize(&set, pA, &root, i, &cur);
      if( rc ) goto done;
      rc = ck_digest_one(&cur, nSlot, NULL, &buf, &dCur);
      if( rc ){ ck_sim_close(&cur); goto done; }
      bScratch = 0;
      for(int k = 0; k < pA->nStep; k++){
        const CkStep *p = &pA->aStep[k];
        if( !ck_step_valid(&cur, pA, p) ) continue;
        int bLocal = 0;
        if( por.bOn && !ck_step_is_read(p) ){
          ck_step_foot(&cur, p, &foot);
          bLocal = !foot.bGlobal;
          if( bLocal && ck_por_skip(&por, pA, &cur, i-iLevelStart, k, &foot) ){
            pRes->nPorSkipped++;
            continue;
          }
        }
        if( !bScratch ){
          rc = pOpt->bReplay ? ck_materialize(&set, pA, &root, i, &scratch)
                             : ck_sim_copy(&scratch, &cur);
          if( rc ){ ck_sim_close(&cur); goto done; }
          bScratch = 1;
        }
        sim_rules_clear(scratch.x.pM);
        int rcStep = ck_sim_step(&scratch, p);
        SimRuleSet f = sim_rules_fired(scratch.x.pM);
        for(size_t w = 0; w < sizeof(f.am)/sizeof(f.am[0]); w++) pRes->fired.am[w] |= f.am[w];
        pRes->nTransitions++;
        CkCheckArgs a = { &cur, p, rcStep, &scratch, pW };
        int iInv = ck_check_all(&a, zWhy, sizeof(zWhy));
        if( iInv>=0 ){
          ck_fail(pRes, pA, &set, i, k, iInv, zWhy);
          pRes->nDepthDone = d;
          ck_sim_close(&scratch);
          ck_sim_close(&cur);
          goto done;
        }
        if( ck_step_is_read(p) && !pOpt->bVerifyReads ){
          /* a listing changes nothing (ck_step_is_read; the tests run
          ** with bVerifyReads, which digests after them all the same):
          ** the scratch copy serves the next step */
          scratch.x.eFailed = EXP_INV_NONE;
          continue;
        }
        rc = ck_digest_one(&scratch, nSlot, NULL, &buf, &dIdent);
        if( rc ){ ck_sim_close(&scratch); ck_sim_close(&cur); goto done; }
        if( ck_step_is_read(p) && (dIdent.a!=dCur.a || dIdent.b!=dCur.b) ){
          /* bVerifyReads: a step taken for a listing changed the state */
          pRes->nReadsChanged++;
        }
        if( dIdent.a==dCur.a && dIdent.b==dCur.b ){
          /* nothing changed: the state is its parent, already visited,
          ** and the scratch copy serves the next step */
          scratch.x.eFailed = EXP_INV_NONE;
          continue;
        }
        rc = ck_digest(&scratch, nSlot, &sym, &buf, dIdent, &dCanon);
        if( rc ){ ck_sim_close(&scratch); ck_sim_close(&cur); goto done; }
        long iState = -1;
        int bAdded = ck_set_add(&set, dCanon, (int32_t)i, (int32_t)k, &iState);
        if( bAdded>=0 && iState>=iLevelEnd
         && ck_por_edge(&por, iState-iLevelEnd, bAdded, dIdent, k, bLocal) ){
          bAdded = -1;
        }
        if( bAdded<0 ){
          rc = ERROR_NOT_ENOUGH_MEMORY;
          ck_sim_close(&scratch); ck_sim_close(&cur);
          goto done;
        }
        if( bAdded ) pRes->anStatesAt[d+1]++;
        ck_sim_close(&scratch);
        bScratch = 0;
      }
      if( bScratch ){ ck_sim_close(&scratch); bScratch = 0; }
      ck_sim_close(&cur);
      if( pOpt->nMaxStates && set.n>=pOpt->nMaxStates ){ pRes->bStoppedStates = 1; break; }
      if( pOpt->rSeconds>0 && ck_now()-rStart>pOpt->rSeconds ){ pRes->bStoppedTime = 1; break; }
    }
    if( pRes->bStoppedStates || pRes->bStoppedTime ) break;
    pRes->nDepthDone = d+1;
    ck_por_level(&por);
    iLevelStart = iLevelEnd;
    iLevelEnd = set.n;
    if( !pOpt->bQuiet ){
      fprintf(stderr, "mapscope check: depth %d: %ld new states, %ld in all, %.1f s\n",
              d+1, pRes->anStatesAt[d+1], set.n, ck_now()-rStart);
    }
  }
  if( !pRes->bStoppedStates && !pRes->bStoppedTime && iLevelStart==set.n ) pRes->bComplete = 1;

done:
  if( !pOpt->bQuiet && por.bOn ){
    fprintf(stderr, "mapscope check: %ld steps not run (partial-order reduction)\n",
            pRes->nPorSkipped);
  }
  if( pOpt->bVerifyReads && !pOpt->bQuiet ){
    fprintf(stderr, "mapscope check: %ld listing steps changed the state\n",
            pRes->nReadsChanged);
  }
  pRes->nStates = set.n;
  pRes->nBytes = (size_t)set.nAlloc*sizeof(CkState) + set.nSlot*sizeof(int32_t)
    + (size_t)(por.nCurAlloc+por.nNextAlloc)*sizeof(CkIn);
  pRes->rSeconds = ck_now()-rStart;
  pRes->rCpuSeconds = ck_cpu()-rCpuStart;
  ck_set_free(&set);
  ck_por_free(&por);
  sim_digest_buf_free(&buf);
  ck_sim_close(&root);
  return rc;
}

void ck_result_free(CkResult *pRes){
  ck_tool_cover_free(&pRes->toolCover);
  free(pRes->aPath);
  pRes->aPath = NULL;
  pRes->nPath = 0;
}

/* ---------------------------------------------------------------- 4 ---- */

char *ck_counterexample_scn(const ExpWorld *pW, const CkResult *pRes,
                            const char *zInvName, const char *zInvRules){
  StrBuf b = {0};
  Scenario scn = *pW->pWorld;
  scn.nStep = 0;
  scn.aStep = NULL;
  BackendConn *pConn = NULL;
  char *zErr = NULL;
  if( backend_sim_ops.xOpen(&scn, NULL, &pConn, &zErr) ){
    free(zErr);
    return NULL;
  }
  char zTitle[200], zC1[400], zC2[300];
  snprintf(zTitle, sizeof(zTitle), "mapscope check: %s fails after %d steps", zInvName,
           pRes->nPath);
  snprintf(zC1, sizeof(zC1), "invariant %s (%s): %s", zInvName, zInvRules, pRes->zWhy);
  snprintf(zC2, sizeof(zC2), "the shortest sequence breadth-first search found; expected "
           "blocks are the model's output");
  const char *azComment[2] = { zC1, zC2 };
  char zSrc[64];
  snprintf(zSrc, sizeof(zSrc), "mapscope check (%s)", zInvRules);
  const char *azSource[1] = { zSrc };
  ExpScnText head = { zTitle, azSource, 1, azComment, 2 };
  char *zHead = exp_scenario_text(pW, &head, NULL, 0, NULL);
  if( zHead==NULL ) goto err;
  strbuf_puts(&b, zHead);
  free(zHead);
  for(int i = 0; i < pRes->nPath; i++){
    ScnStep s;
    if( ck_step_to_scn(pW, &pRes->aPath[i], i, &s) ) goto err;
    StepResult r;
    memset(&r, 0, sizeof(r));
    backend_sim_ops.xStep(pConn, &s, &r);
    strbuf_printf(&b, "\n%s\n", s.zText);
    if( r.eOutcome==BACKEND_DONE && r.zOutput ){
      strbuf_puts(&b, "----\n");
      if( r.zOutput[0]==0 ) strbuf_puts(&b, "\n");
      else strbuf_printf(&b, "%s\n", r.zOutput);
    }
    step_result_clear(&r);
    scn_step_clear(&s);
  }
  backend_sim_ops.xClose(pConn);
  return strbuf_take(&b);

err:
  backend_sim_ops.xClose(pConn);
  strbuf_reset(&b);
  return NULL;
}
