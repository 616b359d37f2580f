/*
** runner/engine/evidence.c: the domain table, the divergence ledger,
** observations and acknowledgements, host capabilities (see evidence.h).
**
** Contents: 1. the step table  2. the ledger  3. evidence  4. capabilities
*/
#include "runner/engine/evidence.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- 1 ---- */

#define B(d) EV_BIT(d)

/* The session domains a logon makes new and a reboot ends. */
#define EV_SESSION_DOMAINS (B(EV_SESSION)|B(EV_DOSDEV)|B(EV_CONN))

/* Reading a session's DOS devices also reads the global namespace, which
** backs every name the session has not defined itself. */
#define EV_NAMES (B(EV_DOSDEV)|B(EV_GLOBAL))

/*
** The table. Keep docs/evidence.md ("The domain table") in step with it.
** Reads are generous: a domain is read when the step's outcome may depend
** on it at all. Every `as` step reads its session (the logon's token).
*/
void ev_step_access(const ScnStep *pStep, EvAccess *pAcc){
  memset(pAcc, 0, sizeof(*pAcc));
  switch( pStep->eKind ){
    case SCN_STEP_LOGON:
      /* the token depends on the policies; restore-connections brings back
      ** the user's remembered connections, with the vault's credentials */
      pAcc->mRead = B(EV_POLICY)|B(EV_NETREG)|B(EV_VAULT)|B(EV_GLOBAL);
      pAcc->mWrite = EV_SESSION_DOMAINS;
      pAcc->bFresh = 1;
      pAcc->bWriteKind = 1;
      return;
    case SCN_STEP_LOGOFF:
      pAcc->mRead = B(EV_SESSION);
      pAcc->mWrite = EV_SESSION_DOMAINS;
      pAcc->bWriteKind = 1;
      return;
    case SCN_STEP_REBOOT:
      /* every session ends; the global namespace is rebuilt from the boot
      ** values; policies written since the last boot take effect */
      pAcc->mRead = B(EV_BOOT)|B(EV_POLICY);
      pAcc->mWrite = EV_SESSION_DOMAINS|B(EV_GLOBAL);
      pAcc->bFresh = 1;
      pAcc->bWriteKind = 1;
      return;
    case SCN_STEP_SET:
      pAcc->mWrite = B(EV_POLICY);
      pAcc->bWriteKind = 1;
      return;
    case SCN_STEP_BOOTDEVICE:
      pAcc->mRead = B(EV_BOOT);     /* /delete of a missing value fails */
      pAcc->mWrite = B(EV_BOOT);
      pAcc->bWriteKind = 1;
      return;
    case SCN_STEP_AS:
      break;
  }
  unsigned mRead = B(EV_SESSION), mWrite = 0;
  int bWrite = 0;
  switch( pStep->eCmd ){
    case SCN_CMD_NET_USE_LIST:
      mRead |= B(EV_CONN)|B(EV_NETREG)|EV_NAMES;
      break;
    case SCN_CMD_NET_USE_ADD:
    case SCN_CMD_WNET_ADD:
      mRead |= B(EV_CONN)|EV_NAMES|B(EV_VAULT)|B(EV_NETREG)|B(EV_POLICY);
      mWrite = B(EV_CONN)|B(EV_DOSDEV)|B(EV_NETREG);
      bWrite = 1;
      break;
    case SCN_CMD_NET_USE_DELETE:
    case SCN_CMD_NET_USE_DELETE_ALL:
    case SCN_CMD_WNET_CANCEL:
      mRead |= B(EV_CONN)|EV_NAMES|B(EV_NETREG)|B(EV_POLICY);
      mWrite = B(EV_CONN)|B(EV_DOSDEV)|B(EV_NETREG);
      bWrite = 1;
      break;
    case SCN_CMD_NET_USE_PERSISTENT:
      mWrite = B(EV_NETREG);
      bWrite = 1;
      break;
    case SCN_CMD_CMDKEY_ADD:
    case SCN_CMD_CMDKEY_DELETE:
      mRead |= B(EV_VAULT);
      mWrite = B(EV_VAULT);
      bWrite = 1;
      break;
    case SCN_CMD_CMDKEY_LIST:
      mRead |= B(EV_VAULT);
      break;
    case SCN_CMD_DEFINE:
    case SCN_CMD_UNDEFINE:
      mRead |= EV_NAMES|B(EV_CONN);
      mWrite = B(EV_DOSDEV);
      /* SYSTEM's names and Global\ names land in the global namespace */
      if( pStep->eHalf == SCN_HALF_SYSTEM
       || (pStep->zName && strncasecmp(pStep->zName, "Global\\", 7) == 0) ){
        mWrite |= B(EV_GLOBAL);
      }
      bWrite = 1;
      break;
    case SCN_CMD_QUERY:
      mRead |= EV_NAMES;
      break;
    case SCN_CMD_WNET_GET:
      mRead |= B(EV_CONN)|EV_NAMES;
      break;
    case SCN_CMD_WNET_ENUM:
      mRead |= pStep->bEnumRemembered ? B(EV_NETREG) : B(EV_CONN);
      break;
    case SCN_CMD_DRIVES:
      mRead |= EV_NAMES|B(EV_CONN);
      break;
    case SCN_CMD_TOKEN:
      break;
    case SCN_CMD_PERSISTED:
      mRead |= B(EV_NETREG);
      break;
    case SCN_CMD_DIR:
      mRead |= EV_NAMES|B(EV_CONN)|B(EV_VAULT);
      break;
    default:
      /* an unknown command reads and writes everything it could */
      mRead = mWrite = (1u << EV_DOMAIN_COUNT) - 1;
      bWrite = 1;
      break;
  }
  pAcc->mRead = mRead;
  pAcc->mWrite = mWrite;
  pAcc->bWriteKind = bWrite;
}

const char *ev_domain_name(EvDomain e){
  static const char *const az[EV_DOMAIN_COUNT] = {
    "session", "dosdev", "global", "connections", "hkcu-network", "vault",
    "policies", "boot-devices"
  };
  return (e >= 0 && e < EV_DOMAIN_COUNT) ? az[e] : "?";
}

/* ---------------------------------------------------------------- 2 ---- */

static void *ev_grow(void *p, int *pnAlloc, size_t nSize){
  int nNew = *pnAlloc ? *pnAlloc * 2 : 16;
  void *pNew = realloc(p, (size_t)nNew * nSize);
  if( pNew == NULL ){
    fputs("mapscope: out of memory\n", stderr);
    exit(3);
  }
  *pnAlloc = nNew;
  return pNew;
}

static char *ev_strdup(const char *z){
  size_t n = strlen(z) + 1;
  char *zNew = malloc(n);
  if( zNew == NULL ){
    fputs("mapscope: out of memory\n", stderr);
    exit(3);
  }
  return memcpy(zNew, z, n);
}

void ev_ledger_init(EvLedger *p){
  memset(p, 0, sizeof(*p));
}

void ev_ledger_clear(EvLedger *p){
  for(int i = 0; i < p->nMark; i++) free(p->aMark[i].zOwner);
  for(int i = 0; i < p->nBind; i++){
    free(p->azSession[i]);
    free(p->azUser[i]);
  }
  free(p->aMark);
  free(p->azSession);
  free(p->azUser);
  memset(p, 0, sizeof(*p));
}

/* The user session zSession was logged on with ("?" before any logon,
** which then matches only "*" marks and other unknown sessions). */
static const char *ev_user_of(const EvLedger *p, const char *zSession){
  for(int i = p->nBind - 1; i >= 0; i--){
    if( strcmp(p->azSession[i], zSession) == 0 ) return p->azUser[i];
  }
  return "?";
}

/* The owner of domain e for pStep: the session, its user, or "" for the
** machine. `as SYSTEM` is the session and the user "SYSTEM". */
static const char *ev_owner(const EvLedger *p, const ScnStep *pStep, EvDomain e){
  const char *zSession = pStep->zSession ? pStep->zSession : "SYSTEM";
  switch( e ){
    case EV_SESSION: case EV_DOSDEV: case EV_CONN:
      return zSession;
    case EV_NETREG: case EV_VAULT:
      if( pStep->eKind == SCN_STEP_LOGON && pStep->zUser ) return pStep->zUser;
      return pStep->zSession ? ev_user_of(p, pStep->zSession) : "SYSTEM";
    default:
      return "";
  }
}

/* The line of the last mark deciding (e, zOwner): >0 diverged, 0 clean. */
static int ev_ledger_state(const EvLedger *p, EvDomain e, const char *zOwner){
  for(int i = p->nMark - 1; i >= 0; i--){
    const EvMark *m = &p->aMark[i];
    if( m->eDomain != e ) continue;
    if( strcmp(m->zOwner, "*") == 0 || strcmp(m->zOwner, zOwner) == 0 ){
      return m->iLine;
    }
  }
  return 0;
}

int ev_ledger_diverged_line(const EvLedger *p, const ScnStep *pStep,
                            const EvAccess *pAcc){
  int iBest = 0;
  for(int d = 0; d < EV_DOMAIN_COUNT; d++){
    if( !(pAcc->mRead & EV_BIT(d)) ) continue;
    int iLine = ev_ledger_state(p, (EvDomain)d, ev_owner(p, pStep, (EvDomain)d));
    if( iLine > 0 && (iBest == 0 || iLine < iBest) ) iBest = iLine;
  }
  return iBest;
}

static void ev_ledger_mark(EvLedger *p, EvDomain e, const char *zOwner, int iLine){
  if( p->nMark >= p->nAlloc ){
    p->aMark = ev_grow(p->aMark, &p->nAlloc, sizeof(EvMark));
  }
  p->aMark[p->nMark].eDomain = e;
  p->aMark[p->nMark].zOwner = ev_strdup(zOwner);
  p->aMark[p->nMark].iLine = iLine;
  p->nMark++;
}

void ev_ledger_record(EvLedger *p, const ScnStep *pStep, const EvAccess *pAcc,
                      int bDiverged, int iLine){
  int bAll = pStep->eKind == SCN_STEP_REBOOT;
  if( bDiverged || pAcc->bFresh ){
    for(int d = 0; d < EV_DOMAIN_COUNT; d++){
      if( !(pAcc->mWrite & EV_BIT(d)) ) continue;
      const char *zOwner = bAll ? "*" : ev_owner(p, pStep, (EvDomain)d);
      if( bAll && (d == EV_GLOBAL) ) zOwner = "";
      ev_ledger_mark(p, (EvDomain)d, zOwner, bDiverged ? (iLine > 0 ? iLine : 1) : 0);
    }
  }
  if( pStep->eKind == SCN_STEP_LOGON && pStep->zSession && pStep->zUser ){
    if( p->nBind >= p->nBindAlloc ){
      int nAlloc = p->nBindAlloc;
      p->azSession = ev_grow(p->azSession, &nAlloc, sizeof(char*));
      p->azUser = ev_grow(p->azUser, &p->nBindAlloc, sizeof(char*));
    }
    p->azSession[p->nBind] = ev_strdup(pStep->zSession);
    p->azUser[p->nBind] = ev_strdup(pStep->zUser);
    p->nBind++;
  }
}

/* ---------------------------------------------------------------- 3 ---- */

EvEvidence ev_classify(const ScnStep *pStep, const char *zOutput, int bAck){
  if( zOutput == NULL ) return EV_NONE;
  if( bAck ) return EV_ACKNOWLEDGEMENT;
  EvAccess acc;
  ev_step_access(pStep, &acc);
  if( acc.bWriteKind && scn_output_equal(zOutput, "ok") ) return EV_ACKNOWLEDGEMENT;
  return EV_OBSERVATION;
}

const char *ev_evidence_name(EvEvidence e){
  switch( e ){
    case EV_OBSERVATION:     return "observation";
    case EV_ACKNOWLEDGEMENT: return "acknowledgement";
    default:                 return NULL;
  }
}

/* ---------------------------------------------------------------- 4 ---- */

/* 1 if the space-separated zCaps holds zWord. */
static int ev_caps_has(const char *zCaps, const char *zWord){
  size_t n = strlen(zWord);
  for(const char *z = zCaps; z && *z; ){
    while( *z == ' ' ) z++;
    size_t k = strcspn(z, " ");
    if( k == n && strncmp(z, zWord, n) == 0 ) return 1;
    z += k;
  }
  return 0;
}

/* 1 if zCaps holds a word starting with zPrefix. */
static int ev_caps_has_prefix(const char *zCaps, const char *zPrefix){
  size_t n = strlen(zPrefix);
  for(const char *z = zCaps; z && *z; ){
    while( *z == ' ' ) z++;
    size_t k = strcspn(z, " ");
    if( k >= n && strncmp(z, zPrefix, n) == 0 ) return 1;
    z += k;
  }
  return 0;
}

static const struct {
  unsigned mBit;       /* EV_LACK_ bit */
  const char *zWord;   /* capability word */
  const char *zMeaning;/* what it means, for reports */
} aLackWord[] = {
  { EV_LACK_HALF_DOSDEV,   "no-half-dosdevices",
    "one DOS device namespace for both halves of a logon" },
  { EV_LACK_HALF_CONN,     "no-half-connections",
    "one set of network connections for both halves of a logon" },
  { EV_LACK_HALF_REGISTRY, "no-half-registry",
    "HKCU opened for the process, not for the acting half" },
  { EV_LACK_HALF_VAULT,    "no-half-vault",
    "the credential vault used by the process, not by the acting half" },
  { EV_LACK_BOOT_APPLY,    "no-boot-apply",
    "a reboot does not apply boot-time DOS devices and policies" },
  { EV_LACK_SPLIT_TOKEN,   "no-split-token",
    "an administrator's logon gets no linked limited/full token pair" },
  { EV_LACK_SHARES,        "shares",
    "SMB shares reachable under the world's server names" },
  { EV_LACK_SYSTEM,        "as-system",
    "a SYSTEM token to act as SYSTEM" },
  { EV_LACK_LOGON_USER,    "logon-user",
    "logons of the world's accounts: LogonUser, which needs a SYSTEM token" },
};

const char *ev_lack_word(unsigned mBit){
  for(size_t i = 0; i < sizeof(aLackWord)/sizeof(aLackWord[0]); i++){
    if( aLackWord[i].mBit == mBit ) return aLackWord[i].zWord;
  }
  return "?";
}

const char *ev_lack_meaning(unsigned mBit){
  for(size_t i = 0; i < sizeof(aLackWord)/sizeof(aLackWord[0]); i++){
    if( aLackWord[i].mBit == mBit ) return aLackWord[i].zMeaning;
  }
  return "?";
}

unsigned ev_host_lacks(const char *zCaps, int bWine){
  if( zCaps == NULL ) return 0;
  unsigned m = 0;
  if( ev_caps_has(zCaps, "no-half-dosdevices") || ev_caps_has(zCaps, "one-namespace") ){
    m |= EV_LACK_HALF_DOSDEV;
  }
  if( ev_caps_has(zCaps, "no-half-connections") ) m |= EV_LACK_HALF_CONN;
  if( ev_caps_has(zCaps, "no-half-registry") ) m |= EV_LACK_HALF_REGISTRY;
  if( ev_caps_has(zCaps, "no-half-vault") ) m |= EV_LACK_HALF_VAULT;
  if( ev_caps_has(zCaps, "no-boot-apply") ) m |= EV_LACK_BOOT_APPLY;
  if( ev_caps_has(zCaps, "no-split-token") ) m |= EV_LACK_SPLIT_TOKEN;
  if( !ev_caps_has(zCaps, "shares") ) m |= EV_LACK_SHARES;
  if( !ev_caps_has(zCaps, "as-system") ) m |= EV_LACK_SYSTEM;
  if( !ev_caps_has(zCaps, "logon-user") ) m |= EV_LACK_LOGON_USER;
  if( bWine ){
    /* An agent that has not stated what it can separate by half is taken
    ** to separate nothing: Wine ignores the impersonation token for the
    ** vault, RegOpenCurrentUser and \??, and never reads the boot-time
    ** DOS Devices at its "reboot". */
    if( !ev_caps_has_prefix(zCaps, "no-half-") && !ev_caps_has_prefix(zCaps, "half-") ){
      m |= EV_LACK_HALF_DOSDEV|EV_LACK_HALF_CONN|EV_LACK_HALF_REGISTRY
         | EV_LACK_HALF_VAULT;
    }
    if( !ev_caps_has(zCaps, "boot-apply") ) m |= EV_LACK_BOOT_APPLY;
  }
  return m;
}

int ev_step_half_unsupported(const ScnStep *pStep, unsigned mLack,
                             char *zWhy, size_t nWhy){
  if( pStep->eKind != SCN_STEP_AS ) return 0;
  if( pStep->eHalf != SCN_HALF_LIMITED && pStep->eHalf != SCN_HALF_ELEVATED ) return 0;
  EvAccess acc;
  ev_step_access(pStep, &acc);
  unsigned mTouch = acc.mRead | acc.mWrite;
  static const struct { unsigned mDomains, mBit; const char *zWhat; } aRes[] = {
    { B(EV_DOSDEV)|B(EV_GLOBAL), EV_LACK_HALF_DOSDEV,   "DOS devices" },
    { B(EV_CONN),                EV_LACK_HALF_CONN,     "network connections" },
    { B(EV_NETREG),              EV_LACK_HALF_REGISTRY, "HKCU" },
    { B(EV_VAULT),               EV_LACK_HALF_VAULT,    "the credential vault" },
  };
  for(size_t i = 0; i < sizeof(aRes)/sizeof(aRes[0]); i++){
    if( (mTouch & aRes[i].mDomains) && (mLack & aRes[i].mBit) ){
      snprintf(zWhy, nWhy, "the step names the %s half, and this host cannot tell "
               "a logon's halves apart for %s (%s)",
               pStep->eHalf == SCN_HALF_LIMITED ? "limited" : "full",
               aRes[i].zWhat, ev_lack_word(aRes[i].mBit));
      return 1;
    }
  }
  return 0;
}

int ev_reboot_unsupported(const ScnStep *pStep, unsigned mLack,
                          char *zWhy, size_t nWhy){
  if( pStep->eKind != SCN_STEP_REBOOT || !(mLack & EV_LACK_BOOT_APPLY) ) return 0;
  snprintf(zWhy, nWhy, "this host's reboot does not apply boot-time DOS devices "
           "and policies (no-boot-apply): not a reboot as Windows does it");
  return 1;
}

unsigned ev_scenario_needs(const Scenario *pScn){
  unsigned m = 0;
  /* with UAC on, an administrator's logon is split: the agent refuses a
  ** uac=on world on a host that gives it no split token */
  if( pScn->machine.abPolicy[SCN_POL_UAC] ) m |= EV_LACK_SPLIT_TOKEN;
  for(int i = 0; i < pScn->nStep; i++){
    const ScnStep *pStep = &pScn->aStep[i];
    if( pStep->eKind == SCN_STEP_LOGON && pStep->eLogonType != SCN_LOGON_CURRENT ){
      m |= EV_LACK_LOGON_USER;
    }
    if( pStep->eKind != SCN_STEP_AS ) continue;
    if( pStep->eHalf == SCN_HALF_SYSTEM ) m |= EV_LACK_SYSTEM;
    if( pStep->eHalf == SCN_HALF_LIMITED || pStep->eHalf == SCN_HALF_ELEVATED ){
      m |= EV_LACK_SPLIT_TOKEN;
    }
    if( pStep->eCmd == SCN_CMD_NET_USE_ADD || pStep->eCmd == SCN_CMD_WNET_ADD
     || (pStep->eCmd == SCN_CMD_DIR && pStep->zPath
         && strncmp(pStep->zPath, "\\\\", 2) == 0) ){
      m |= EV_LACK_SHARES;
    }
  }
  return m;
}
