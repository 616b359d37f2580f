/*
** sim/digest.c: the canonical text of a machine's state and its digest
** (see digest.h). Read-only over the model's internals.
**
** Contents:
**   1. The buffer
**   2. Canonical pieces: LUIDs, names, strings
**   3. The text
**   4. The digest
*/
#include "sim/simint.h"
#include "sim/digest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- 1 ---- */

void sim_digest_buf_free(SimDigestBuf *pBuf){
  free(pBuf->z);
  memset(pBuf, 0, sizeof(*pBuf));
}

/* Grow the buffer to hold n more bytes and a terminator: the slow path
** of simdg_append(), out of line so the common case stays a compare and
** a copy. */
static void simdg_grow(SimDigestBuf *p, size_t n){
  size_t nNew = p->nAlloc ? p->nAlloc*2 : 1024;
  while( nNew < p->n + n + 1 ) nNew *= 2;
  char *zNew = realloc(p->z, nNew);
  if( zNew==NULL ){ p->bOom = 1; return; }
  p->z = zNew;
  p->nAlloc = nNew;
}

/* Append n bytes. The text is not kept terminated while it is built
** (sim_digest_text() terminates it once at the end). */
static inline void simdg_append(SimDigestBuf *p, const char *z, size_t n){
  if( p->n + n + 1 > p->nAlloc ){
    if( p->bOom ) return;
    simdg_grow(p, n);
    if( p->bOom ) return;
  }
  memcpy(p->z + p->n, z, n);
  p->n += n;
}
static void simdg_puts(SimDigestBuf *p, const char *z){
  simdg_append(p, z, strlen(z));
}
/* An integer as 4 raw bytes (the text is hashed, never shown but in
** tests; no printf in the hot path). */
static void simdg_int(SimDigestBuf *p, long long v){
  int32_t i = (int32_t)v;
  char z[4];
  memcpy(z, &i, 4);
  simdg_append(p, z, 4);
}

/* ---------------------------------------------------------------- 2 ---- */

/* What a canonical string needs: live LUIDs in creation order, and the
** account renaming. */
typedef struct SimDgCtx SimDgCtx;
struct SimDgCtx {
  const SimMachine *pM;
  const int *aiPerm;         /* NULL: identity */
  SimLuid aLuid[64];         /* live LUIDs, creation order */
  int nLuid;                 /* entries (sessions beyond 64 compare by
                             ** raw value: never the case in check) */
  size_t anName[16];         /* strlen of each account's name and */
  size_t anPassword[16];     /* password (~0 for none), up to 16 */
};

/* 1 for the bytes simdg_hexval() accepts. */
static unsigned char simdg_ishex[256];

static void simdg_ishex_init(void){
  static int bDone = 0;
  if( bDone ) return;
  for(int i = 0; i < 256; i++){
    simdg_ishex[i] = (i>='0' && i<='9') || (i>='a' && i<='f') || (i>='A' && i<='F');
  }
  bDone = 1;
}

static int simdg_luid(const SimDgCtx *c, SimLuid luid){
  int i;
  if( luid==0 ) return -2;
  for(i=0; i<c->nLuid; i++) if( c->aLuid[i]==luid ) return i;
  return -1;
}

static int simdg_user(const SimDgCtx *c, int iUser){
  if( iUser<0 || c->aiPerm==NULL || iUser>=c->pM->nUser ) return iUser;
  return c->aiPerm[iUser];
}

static int simdg_hexval(char ch){
  if( ch>='0' && ch<='9' ) return ch-'0';
  if( ch>='a' && ch<='f' ) return ch-'a'+10;
  if( ch>='A' && ch<='F' ) return ch-'A'+10;
  return -1;
}

/*
** Append z canonically: NULL as "~"; a whole string that names an account
** (or is an account's password) by its renamed position; every run of
** exactly 16 hex digits that is a live LUID by its creation index ("#k";
** "#e" for one that is not live). Each string ends with '|'.
*/
static void simdg_str(SimDigestBuf *p, const SimDgCtx *c, const char *z){
  int i;
  char zNum[24];
  if( z==NULL ){ simdg_append(p, "~|", 2); return; }
  size_t n = strlen(z), k, kStart;
  for(i=1; i<c->pM->nUser; i++){
    /* lengths first: most strings name no account */
    if( (i>=16 || c->anName[i]==n) && simstr_ieq(c->pM->apUser[i]->zName, z) ){
      zNum[0] = '@'; zNum[1] = (char)('0'+simdg_user(c, i)); zNum[2] = '|';
      simdg_append(p, zNum, 3);
      return;
    }
    if( (i>=16 || c->anPassword[i]==n) && c->pM->apUser[i]->zPassword
     && strcmp(c->pM->apUser[i]->zPassword, z)==0 ){
      zNum[0] = '%'; zNum[1] = (char)('0'+simdg_user(c, i)); zNum[2] = '|';
      simdg_append(p, zNum, 3);
      return;
    }
  }
  /* runs of exactly 16 hex digits become "#k"; everything between them
  ** is copied in one piece */
  k = kStart = 0;
  while( n>=16 && k<n ){
    if( simdg_ishex[(unsigned char)z[k]] ){
      size_t m = k;
      while( m<n && simdg_ishex[(unsigned char)z[m]] ) m++;
      if( m-k==16 ){
        SimLuid v = 0;
        for(size_t j=k; j<m; j++) v = (v<<4) | (SimLuid)simdg_hexval(z[j]);
        int iIdx = simdg_luid(c, v);
        simdg_append(p, z+kStart, k-kStart);
        zNum[0] = '#';
        zNum[1] = iIdx>=0 ? (char)('0'+iIdx%64) : 'e';
        simdg_append(p, zNum, 2);
        kStart = m;
      }
      k = m;
      continue;
    }
    k++;
  }
  simdg_append(p, z+kStart, n-kStart);
  simdg_append(p, "|", 1);
}

static void simdg_dir(SimDigestBuf *p, const SimDgCtx *c, const SimDir *pDir){
  int i, j;
  simdg_puts(p, "{");
  for(i=0; i<pDir->nLink; i++){
    simdg_str(p, c, pDir->aLink[i].zName);
    simdg_int(p, pDir->aLink[i].nTarget);
    for(j=0; j<pDir->aLink[i].nTarget; j++) simdg_str(p, c, pDir->aLink[i].azTarget[j]);
  }
  simdg_puts(p, "}");
}

/* ---------------------------------------------------------------- 3 ---- */

static void simdg_user_block(SimDigestBuf *p, const SimDgCtx *c, const SimUser *pU){
  int i, j;
  simdg_puts(p, "U:");
  simdg_int(p, pU->bNetUseDefault);
  for(i=0; i<pU->nNet; i++){
    const SimNetEntry *pE = &pU->aNet[i];
    char z[4] = { 'N', pE->cLetter, ':', 0 };
    simdg_puts(p, z);
    /* values by name (the order they were written in is not state: R6
    ** reads them by name) */
    const SimRegValue *aSmall[16], **apV = aSmall;
    if( pE->nVal>16 ){
      apV = malloc(sizeof(*apV)*(size_t)pE->nVal);
      if( apV==NULL ){ p->bOom = 1; return; }
    }
    /* insertion sort by name: a key holds a handful of values, and they
    ** are usually written in the same order, so this is a few compares
    ** (names are unique within a key, case-insensitively) */
    for(j=0; j<pE->nVal; j++){
      const SimRegValue *q = &pE->aVal[j];
      int k = j;
      while( k>0 && simstr_icmp(apV[k-1]->zName, q->zName)>0 ){
        apV[k] = apV[k-1];
        k--;
      }
      apV[k] = q;
    }
    for(j=0; j<pE->nVal; j++){
      const SimRegValue *pV = apV[j];
      simdg_str(p, c, pV->zName);
      simdg_int(p, pV->eType);
      simdg_str(p, c, pV->zData);
      simdg_int(p, (long long)pV->nDword);
    }
    if( apV!=aSmall ) free(apV);
  }
  simdg_puts(p, "V:");
  for(i=0; i<pU->nCred; i++){
    simdg_str(p, c, pU->aCred[i].zTarget);
    simdg_str(p, c, pU->aCred[i].zUser);
    simdg_str(p, c, pU->aCred[i].zPassword);
  }
  simdg_puts(p, "\n");
}

static void simdg_session(SimDigestBuf *p, const SimDgCtx *c, const SimSession *pS){
  int i, k;
  simdg_puts(p, "S:");
  simdg_int(p, simdg_luid(c, pS->luid));
  simdg_int(p, simdg_luid(c, pS->luidLinked));
  simdg_int(p, pS->eElevation);
  simdg_int(p, pS->eLogonType);
  simdg_int(p, simdg_user(c, pS->iUser));
  simdg_int(p, pS->bHasCreds);
  simdg_str(p, c, pS->zOutUser);
  simdg_str(p, c, pS->zOutPassword);
  simdg_int(p, pS->bVault);
  simdg_int(p, pS->bDirMade);
  simdg_dir(p, c, &pS->dir);
  for(i=0; i<pS->nConn; i++){
    const SimConn *pC = pS->apConn[i];
    char z[4] = { 'C', pC->cLetter ? pC->cLetter : '-', ':', 0 };
    simdg_puts(p, z);
    simdg_int(p, pC->bImplicit);
    simdg_str(p, c, pC->zRemote);
    simdg_str(p, c, pC->zServer);
    simdg_str(p, c, pC->zShare);
    simdg_str(p, c, pC->zLink);
    simdg_int(p, simdg_luid(c, pC->luidCreator));
    for(k=0; k<pC->nOwner; k++) simdg_int(p, simdg_luid(c, pC->aOwner[k]));
  }
  for(i=0; i<pS->nSet; i++){
    const SimCredSet *pSet = &pS->aSet[i];
    simdg_puts(p, "K:");
    simdg_str(p, c, pSet->zServer);
    simdg_int(p, pSet->eKind);
    simdg_str(p, c, pSet->zUser);
    simdg_int(p, pSet->iPrincipal>0 ? simdg_user(c, pSet->iPrincipal) : pSet->iPrincipal);
    simdg_int(p, pSet->nRef);
  }
  simdg_puts(p, "\n");
}

int sim_digest_text(const SimMachine *pM, const int *aiPerm, SimDigestBuf *pBuf){
  SimDgCtx c;
  const SimSession *pS;
  int i, k;
  memset(&c, 0, sizeof(c));
  c.pM = pM;
  c.aiPerm = aiPerm;
  simdg_ishex_init();
  for(i=0; i<pM->nUser && i<16; i++){
    c.anName[i] = pM->apUser[i]->zName ? strlen(pM->apUser[i]->zName) : (size_t)-1;
    c.anPassword[i] = pM->apUser[i]->zPassword ? strlen(pM->apUser[i]->zPassword) : (size_t)-1;
  }
  for(; i<16; i++) c.anName[i] = c.anPassword[i] = (size_t)-1;
  for(pS=pM->pFirst; pS && c.nLuid<64; pS=pS->pNext) c.aLuid[c.nLuid++] = pS->luid;
  pBuf->n = 0;
  pBuf->bOom = 0;
  simdg_puts(pBuf, "P:");
  /* the registry value and the value in effect (a logon-time policy's
  ** value read at the last boot is never used: W2) */
  for(i=0; i<SIM_POL_COUNT; i++){
    simdg_int(pBuf, pM->abPolicyReg[i]);
    simdg_int(pBuf, sim_policy_effective(pM, (SimPolicy)i));
  }
  simdg_puts(pBuf, "\nB:");
  for(i=0; i<pM->nBootDev; i++){
    simdg_str(pBuf, &c, pM->aBootDev[i].zName);
    simdg_str(pBuf, &c, pM->aBootDev[i].zTarget);
  }
  simdg_puts(pBuf, "\nG:");
  simdg_dir(pBuf, &c, &pM->global);
  simdg_puts(pBuf, "\n");
  /* accounts by renamed position: SYSTEM, then 1.. */
  for(k=0; k<pM->nUser; k++){
    int iUser = k;
    if( aiPerm ){
      for(i=0; i<pM->nUser; i++) if( aiPerm[i]==k ){ iUser = i; break; }
    }
    simdg_user_block(pBuf, &c, pM->apUser[iUser]);
  }
  for(pS=pM->pFirst; pS; pS=pS->pNext) simdg_session(pBuf, &c, pS);
  if( pBuf->bOom || pBuf->z==NULL ) return ERROR_NOT_ENOUGH_MEMORY;
  pBuf->z[pBuf->n] = 0;      /* every append left room for it */
  return 0;
}

/* ---------------------------------------------------------------- 4 ---- */

int sim_digest(const SimMachine *pM, const int *aiPerm, SimDigestBuf *pBuf,
               SimDigest *pOut){
  int rc = sim_digest_text(pM, aiPerm, pBuf);
  uint64_t a = 0xcbf29ce484222325ull, b = 0x9e3779b97f4a7c15ull;
  size_t i;
  if( rc ) return rc;
  for(i=0; i<pBuf->n; i++){
    unsigned char ch = (unsigned char)pBuf->z[i];
    a = (a ^ ch) * 0x100000001b3ull;
    b = (b + ch) * 0xff51afd7ed558ccdull;
    b ^= b >> 29;
  }
  pOut->a = a;
  pOut->b = b ^ (uint64_t)pBuf->n;
  return 0;
}

int sim_digest_luid_index(const SimMachine *pM, SimLuid luid){
  const SimSession *pS;
  int i = 0;
  for(pS=pM->pFirst; pS; pS=pS->pNext, i++){
    if( pS->luid==luid ) return i;
  }
  return -1;
}

int sim_digest_user_count(const SimMachine *pM){
  return pM->nUser;
}
