/*
** runner/explore/gen.c: random valid step sequences for `mapscope explore`.
**
** Everything here is pure computation over an ExpWorld: no model, no I/O
** (but reading a --world file). Steps are made as ExpStep values so the
** explorer's hot loop never builds text; exp_step_to_scn() and
** exp_scenario_text() give the text form when a backend or a file needs it.
**
** Contents:
**   1. The PRNG
**   2. The tables: device names, targets, letters, the default world
**   3. The world
**   4. The generator
**   5. Validity
**   6. Conversion to ScnStep and text
**   7. The scenario writer
*/
#include "runner/explore/explore.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/winerror.h"
#include "runner/util/strbuf.h"

/* ---------------------------------------------------------------- 1 ---- */

static uint64_t exp_splitmix64(uint64_t *pState){
  uint64_t z = (*pState += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void exp_rng_seed(ExpRng *p, uint64_t iSeed){
  uint64_t x = iSeed;
  for(int i = 0; i < 4; i++) p->s[i] = exp_splitmix64(&x);
  if( (p->s[0] | p->s[1] | p->s[2] | p->s[3]) == 0 ) p->s[0] = 1;
}

static uint64_t exp_rotl(uint64_t x, int k){
  return (x << k) | (x >> (64 - k));
}

uint64_t exp_rng_next(ExpRng *p){
  uint64_t *s = p->s;
  uint64_t iResult = exp_rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = exp_rotl(s[3], 45);
  return iResult;
}

unsigned exp_rng_below(ExpRng *p, unsigned n){
  /* Lemire's multiply-shift on the top 32 bits: bias below 2^-32 * n. */
  uint64_t r = exp_rng_next(p) >> 32;
  return (unsigned)((r * (uint64_t)n) >> 32);
}

/* ---------------------------------------------------------------- 2 ---- */

/* Device names for define/undefine/query: drive letters that collide with
** the letters net use and wnet use, a fixed disk, Global\ names (N4) and
** one that is not a drive letter. */
static const char *const azExpName[] = {
  "Q:", "R:", "Z:", "C:", "Global\\Q:", "Global\\Z:", "COM9"
};

/* Targets: DOS paths (converted, D2), an NT path kept as it is, a raw
** device path, a relative path ([F] in D2), and a UNC path (C13). The
** boot-device targets (G5) follow the define targets. */
static const ExpTarget aExpTarget[] = {
  { "C:\\data", "C:\\data" },
  { "C:\\other", "C:\\other" },
  { "\\??\\C:\\x", "\\??\\C:\\x" },
  { "\\Device\\HarddiskVolume1", "\\Device\\HarddiskVolume1" },
  { "rel\\path", "rel\\path" },
  { "\\\\fs1\\data\\sub", "\\\\fs1\\data\\sub" },
  /* boot devices */
  { "\\Device\\LanmanRedirector\\;Z:{SYSTEM}\\fs1\\data",
    "\\Device\\LanmanRedirector\\;Z:00000000000003e7\\fs1\\data" },
  { "\\??\\UNC\\fs2\\pub", "\\??\\UNC\\fs2\\pub" },
  { "\\??\\C:\\data", "\\??\\C:\\data" },
};
#define EXP_N_DEFINE_TARGET 6
#define EXP_N_TARGET ((int)(sizeof(aExpTarget)/sizeof(aExpTarget[0])))

/* Drive letters for net use, wnet and bootdevice: few, so steps collide. */
static const char acExpLetter[] = { 'Q', 'R', 'X', 'Z', 'C' };

/* Registry writes (R6): values net use writes, with the data it writes
** and with data it never writes, and a value it does not know. */
static const ExpRegWrite aExpReg[] = {
  { "RemotePath", SCN_REG_SZ, "\\\\fs1\\data", 0 },
  { "RemotePath", SCN_REG_SZ, "\\\\fs2\\pub", 0 },
  { "UserName", SCN_REG_SZ, "", 0 },
  { "UserName", SCN_REG_SZ, "bob", 0 },
  { "ProviderName", SCN_REG_SZ, "Microsoft Windows Network", 0 },
  { "ProviderType", SCN_REG_DWORD, NULL, 131072 },
  { "ConnectionType", SCN_REG_DWORD, NULL, 1 },
  { "ConnectionType", SCN_REG_DWORD, NULL, 2 },
  { "RemotePath", SCN_REG_DWORD, NULL, 7 },
  { "Comment", SCN_REG_SZ, "made by a script", 0 },
};
#define EXP_N_REG ((int)(sizeof(aExpReg)/sizeof(aExpReg[0])))
int exp_reg_count(void){ return EXP_N_REG; }
const ExpRegWrite *exp_reg(int i){ return &aExpReg[i]; }

#define EXP_N_NAME ((int)(sizeof(azExpName)/sizeof(azExpName[0])))
#define EXP_N_LETTER ((int)sizeof(acExpLetter))

int exp_name_count(void){ return EXP_N_NAME; }
int exp_target_count(void){ return EXP_N_TARGET; }
int exp_letter_count(void){ return EXP_N_LETTER; }
const char *exp_name(int i){ return azExpName[i]; }
const ExpTarget *exp_target(int i){ return &aExpTarget[i]; }
char exp_letter(int i){ return acExpLetter[i]; }

/* A password no account has, for wrong-password steps (L7, C4). */
#define EXP_WRONG_PASSWORD "Wr0ng-pw"
/* A credential target that names no server (K3). */
#define EXP_OTHER_TARGET "nosuchtarget"

static const char zExpDefaultWorld[] =
  "title   mapscope explore: the built-in world\n"
  "source  mapscope explore\n"
  "\n"
  "user    alice admin password=Al1ce-pw\n"
  "user    bob standard password=B0b-pw\n"
  "user    Administrator builtin-admin password=Adm1n-pw\n"
  "user    carol admin domain password=Car0l-pw\n"
  "user    dave standard domain password=Dav3-pw\n"
  "share   \\\\fs1\\data alias=fs1.corp.example\n"
  "share   \\\\fs1\\team grant=alice,bob\n"
  "share   \\\\fs2\\pub anonymous\n"
  "share   \\\\fs2\\ops grant=carol,dave\n";

const char *exp_default_world_text(void){
  return zExpDefaultWorld;
}

/* ---------------------------------------------------------------- 3 ---- */

static void exp_errf(char *zErr, size_t nErr, const char *zFormat, ...){
  va_list ap;
  va_start(ap, zFormat);
  vsnprintf(zErr, nErr, zFormat, ap);
  va_end(ap);
}

/*
** Fill pW's accounts and remote names from a parsed world (shared with
** `mapscope check`, runner/check/world.c): the users (the first
** administrator is the current user), each share, each share once more by
** its server's first alias (C16) with the wildcard vault target a dotted
** alias gives (K3), then a missing share on a known server and an unknown
** server (C2: 67, 53). The strings stay owned by pScn and pW.
*/
void exp_world_fill(ExpWorld *pW, const Scenario *pScn){
  pW->iCurrentUser = 0;
  int bAdminFound = 0;
  for(int i = 0; i < pScn->nUser && pW->nUser < EXP_MAX_USER; i++){
    pW->azUser[pW->nUser] = pScn->aUser[i].zName;
    pW->azPassword[pW->nUser] = pScn->aUser[i].zPassword;
    pW->aeKind[pW->nUser] = (int)pScn->aUser[i].eKind;
    if( !bAdminFound && pScn->aUser[i].eKind == SCN_ACCOUNT_ADMIN ){
      pW->iCurrentUser = pW->nUser;
      bAdminFound = 1;
    }
    pW->nUser++;
  }
  for(int i = 0; i < pScn->nShare && pW->nRemote < EXP_MAX_REMOTE - 2; i++){
    pW->azRemote[pW->nRemote] = pScn->aShare[i].zUnc;
    pW->azServer[pW->nRemote] = pScn->aShare[i].zServer;
    pW->nRemote++;
  }
  /* C16: each share of a server that has an alias, once more by the
  ** server's first alias (they exist too); a dotted alias gives the
  ** wildcard vault target that matches it (K3). */
  int nOwned = 3;
  for(int i = 0; i < pScn->nShare && pW->nRemote < EXP_MAX_REMOTE - 2; i++){
    const ScnShare *pSh = &pScn->aShare[i];
    const char *zAlias = NULL;
    for(int j = 0; j < pScn->nShare && zAlias == NULL; j++){
      if( pScn->aShare[j].nAlias && strcasecmp(pScn->aShare[j].zServer, pSh->zServer) == 0 ){
        zAlias = pScn->aShare[j].azAlias[0];
      }
    }
    if( zAlias == NULL || nOwned >= EXP_MAX_REMOTE ) continue;
    snprintf(pW->azOwned[nOwned], sizeof(pW->azOwned[nOwned]), "\\\\%s\\%s", zAlias,
             pSh->zShare);
    pW->azRemote[pW->nRemote] = pW->azOwned[nOwned++];
    pW->azServer[pW->nRemote] = zAlias;
    pW->nRemote++;
    const char *zDot = strchr(zAlias, '.');
    if( pW->zWildcard == NULL && zDot && zDot[1] ){
      snprintf(pW->zWildcardBuf, sizeof(pW->zWildcardBuf), "*%s", zDot);
      pW->zWildcard = pW->zWildcardBuf;
    }
  }
  pW->nRealShare = pW->nRemote;
  /* A share that does not exist on a known server (C2: 67), and a server
  ** that does not exist (C2: 53). */
  const char *zSrv = pW->nRemote ? pW->azServer[0] : "fs1";
  snprintf(pW->azOwned[0], sizeof(pW->azOwned[0]), "\\\\%s\\nosuchshare", zSrv);
  pW->azRemote[pW->nRemote] = pW->azOwned[0];
  pW->azServer[pW->nRemote] = zSrv;
  pW->nRemote++;
  snprintf(pW->azOwned[1], sizeof(pW->azOwned[1]), "\\\\nosuchserver\\x");
  snprintf(pW->azOwned[2], sizeof(pW->azOwned[2]), "nosuchserver");
  pW->azRemote[pW->nRemote] = pW->azOwned[1];
  pW->azServer[pW->nRemote] = pW->azOwned[2];
  pW->nRemote++;
}

int exp_world_init(ExpWorld *pW, const char *zWorldFile, char *zErr, size_t nErr){
  memset(pW, 0, sizeof(*pW));
  Scenario *pScn = NULL;
  int rc;
  if( zWorldFile ){
    rc = scn_parse_file(zWorldFile, &pScn, zErr, nErr);
  }else{
    rc = scn_parse_text("(explore world)", zExpDefaultWorld,
                        strlen(zExpDefaultWorld), &pScn, zErr, nErr);
  }
  if( rc ) return rc;
  if( pScn->nUser == 0 ){
    exp_errf(zErr, nErr, "%s: the world has no user line; explore needs at "
             "least one account", zWorldFile ? zWorldFile : "(built-in)");
    goto err;
  }
  pW->pWorld = pScn;
  exp_world_fill(pW, pScn);
  return 0;

err:
  scn_free(pScn);
  memset(pW, 0, sizeof(*pW));
  return 1;
}

void exp_world_free(ExpWorld *pW){
  if( pW->pWorld ) scn_free(pW->pWorld);
  memset(pW, 0, sizeof(*pW));
}

/* ---------------------------------------------------------------- 4 ---- */

/* Pick an index from a weight table. */
static int exp_pick(ExpRng *pRng, const uint8_t *aWeight, int n){
  unsigned nTotal = 0;
  for(int i = 0; i < n; i++) nTotal += aWeight[i];
  unsigned r = exp_rng_below(pRng, nTotal);
  for(int i = 0; i < n; i++){
    if( r < aWeight[i] ) return i;
    r -= aWeight[i];
  }
  return n - 1;
}

/* Weights of the commands after `as`, indexed by ScnCmd. */
static const uint8_t aExpCmdWeightModel[SCN_CMD_COUNT] = {
  [SCN_CMD_NET_USE_LIST] = 5, [SCN_CMD_NET_USE_ADD] = 12,
  [SCN_CMD_NET_USE_DELETE] = 6, [SCN_CMD_NET_USE_DELETE_ALL] = 2,
  [SCN_CMD_NET_USE_PERSISTENT] = 2, [SCN_CMD_CMDKEY_ADD] = 5,
  [SCN_CMD_CMDKEY_DELETE] = 3, [SCN_CMD_CMDKEY_LIST] = 2,
  [SCN_CMD_DEFINE] = 10, [SCN_CMD_UNDEFINE] = 7, [SCN_CMD_QUERY] = 6,
  [SCN_CMD_WNET_ADD] = 10, [SCN_CMD_WNET_CANCEL] = 6, [SCN_CMD_WNET_GET] = 5,
  [SCN_CMD_WNET_ENUM] = 3, [SCN_CMD_DRIVES] = 5, [SCN_CMD_TOKEN] = 3,
  [SCN_CMD_PERSISTED] = 3, [SCN_CMD_DIR] = 5,
  /* language v2 (C14, C15, R6); `tool` steps are the tool profiles' */
  [SCN_CMD_NET_USE_AUTO] = 4, [SCN_CMD_NET_USE_DEVICELESS] = 5,
  [SCN_CMD_NET_USE_DELETE_REMOTE] = 3, [SCN_CMD_WNET_ADD_DEVICELESS] = 4,
  [SCN_CMD_WNET_CANCEL_REMOTE] = 3, [SCN_CMD_REG_SET] = 3, [SCN_CMD_REG_DELETE] = 2,
};
/* Under the current profile (Wine): what Wine can do. Connecting and
** cancelling are left out: Wine cannot, and an agent that could not make
** a connection marks every later step that depends on the drive letters
** unsupported, which would end the comparison of an episode early. */
static const uint8_t aExpCmdWeightCurrent[SCN_CMD_COUNT] = {
  [SCN_CMD_NET_USE_LIST] = 1, [SCN_CMD_NET_USE_ADD] = 0,
  [SCN_CMD_NET_USE_DELETE] = 0, [SCN_CMD_NET_USE_DELETE_ALL] = 0,
  [SCN_CMD_NET_USE_PERSISTENT] = 0, [SCN_CMD_CMDKEY_ADD] = 6,
  [SCN_CMD_CMDKEY_DELETE] = 4, [SCN_CMD_CMDKEY_LIST] = 4,
  [SCN_CMD_DEFINE] = 14, [SCN_CMD_UNDEFINE] = 10, [SCN_CMD_QUERY] = 10,
  [SCN_CMD_WNET_ADD] = 0, [SCN_CMD_WNET_CANCEL] = 0, [SCN_CMD_WNET_GET] = 2,
  [SCN_CMD_WNET_ENUM] = 1, [SCN_CMD_DRIVES] = 6, [SCN_CMD_TOKEN] = 3,
  [SCN_CMD_PERSISTED] = 3, [SCN_CMD_DIR] = 5,
};

void exp_gen_init(ExpGen *pG, const ExpWorld *pW, ExpProfile eProfile, uint64_t iSeed){
  memset(pG, 0, sizeof(*pG));
  exp_rng_seed(&pG->rng, iSeed);
  pG->pW = pW;
  pG->eProfile = eProfile;
}

/* A logon name for from= of a task or elevate logon: a name logged on
** before (live or not, but not iSlot) whose last logon was iUser's; -1 if
** there is none. */
static int exp_gen_same_user(ExpGen *pG, int iSlot, int iUser){
  int n = 0, ai[EXP_MAX_SLOT];
  for(int i = 0; i < EXP_MAX_SLOT; i++){
    if( i != iSlot && pG->abUsed[i] && pG->aiUser[i] == iUser ) ai[n++] = i;
  }
  return n ? ai[exp_rng_below(&pG->rng, (unsigned)n)] : -1;
}

static void exp_gen_logon(ExpGen *pG, ExpStep *p){
  ExpRng *r = &pG->rng;
  /* the first name that is not live, from a random start */
  int iStart = (int)exp_rng_below(r, EXP_MAX_SLOT), iSlot = -1;
  for(int k = 0; k < EXP_MAX_SLOT; k++){
    int i = (iStart + k) % EXP_MAX_SLOT;
    if( !pG->abLive[i] ){ iSlot = i; break; }
  }
  if( iSlot < 0 ){
    /* every name is live: log one off instead (L8) */
    p->eKind = SCN_STEP_LOGOFF;
    p->iSlot = (uint8_t)iStart;
    pG->abLive[iStart] = 0;
    return;
  }
  p->eKind = SCN_STEP_LOGON;
  p->iSlot = (uint8_t)iSlot;
  p->iUser = (uint8_t)exp_rng_below(r, (unsigned)pG->pW->nUser);
  /* v1 types (interactive .. current) two times in three, else a v2 one:
  ** ssh (L11), netonly (L12), task and batch s4u (L13), elevate (L14) */
  unsigned eType;
  if( exp_rng_below(r, 3) != 0 ){
    eType = exp_rng_below(r, SCN_LOGON_CURRENT + 1);
  }else{
    static const uint8_t aV2[] = { SCN_LOGON_SSH, SCN_LOGON_NETONLY, SCN_LOGON_NETONLY,
                                   SCN_LOGON_TASK, SCN_LOGON_ELEVATE, SCN_LOGON_ELEVATE,
                                   SCN_LOGON_BATCH };
    unsigned k = exp_rng_below(r, sizeof(aV2));
    eType = aV2[k];
    if( eType == SCN_LOGON_BATCH ) p->bS4u = 1;
  }
  if( eType == SCN_LOGON_CURRENT && pG->bCurrentUsed ) eType = SCN_LOGON_INTERACTIVE;
  if( eType == SCN_LOGON_NETONLY ){
    /* from any name logged on before, any half, or SYSTEM */
    int n = 0, ai[EXP_MAX_SLOT];
    for(int i = 0; i < EXP_MAX_SLOT; i++){
      if( i != iSlot && pG->abUsed[i] ) ai[n++] = i;
    }
    if( n == 0 || exp_rng_below(r, 5) == 0 ){
      p->iFrom = EXP_FROM_SYSTEM;
      p->eFromHalf = SCN_HALF_SYSTEM;
    }else{
      p->iFrom = (uint8_t)(1 + ai[exp_rng_below(r, (unsigned)n)]);
      unsigned h = exp_rng_below(r, 100);
      p->eFromHalf = h < 60 ? SCN_HALF_BARE : h < 80 ? SCN_HALF_LIMITED : SCN_HALF_ELEVATED;
    }
  }else if( eType == SCN_LOGON_TASK || eType == SCN_LOGON_ELEVATE ){
    int iFrom = exp_gen_same_user(pG, iSlot, p->iUser);
    if( iFrom < 0 ){
      /* any earlier logon's user, then */
      int n = 0, ai[EXP_MAX_SLOT];
      for(int i = 0; i < EXP_MAX_SLOT; i++){
        if( i != iSlot && pG->abUsed[i] ) ai[n++] = i;
      }
      if( n ){
        iFrom = ai[exp_rng_below(r, (unsigned)n)];
        p->iUser = pG->aiUser[iFrom];
      }
    }
    if( iFrom < 0 ){
      eType = SCN_LOGON_INTERACTIVE;
    }else{
      p->iFrom = (uint8_t)(1 + iFrom);
      p->eFromHalf = SCN_HALF_BARE;
    }
  }
  p->eLogon = (uint8_t)eType;
  if( eType == SCN_LOGON_CURRENT ){
    pG->bCurrentUsed = 1;
    p->iUser = (uint8_t)pG->pW->iCurrentUser;
  }
  p->bHighest = (eType == SCN_LOGON_BATCH && !p->bS4u) || eType == SCN_LOGON_TASK
              ? (uint8_t)exp_rng_below(r, 2) : 0;
  unsigned k = exp_rng_below(r, 100);
  /* password= is not allowed on a current logon (it makes no new logon),
  ** on task and elevate (they take none) nor on batch s4u (it stores
  ** none) */
  int bNoPass = eType == SCN_LOGON_CURRENT || eType == SCN_LOGON_TASK
             || eType == SCN_LOGON_ELEVATE || p->bS4u;
  p->ePass = bNoPass ? 0 : k < 5 ? 2 : k < 8 ? 1 : 0;
  /* A wrong password fails the logon (L7): the name stays free, but the
  ** language counts the name as logged on, so the generator does too. */
  pG->abLive[iSlot] = 1;
  pG->abUsed[iSlot] = 1;
  pG->aeType[iSlot] = (uint8_t)eType;
  pG->aiUser[iSlot] = p->iUser;
}

/* Choose a credential (user, password kind) for net use, wnet or cmdkey. */
static void exp_gen_cred(ExpGen *pG, ExpStep *p){
  p->iUser = (uint8_t)exp_rng_below(&pG->rng, (unsigned)pG->pW->nUser);
  p->ePass = exp_rng_below(&pG->rng, 100) < 80 ? 1 : 2;
}

/* The same for net use and wnet add, which may also pass a NULL password
** (a user alone) or an empty one (C9 v2). */
static void exp_gen_cred_v2(ExpGen *pG, ExpStep *p){
  exp_gen_cred(pG, p);
  unsigned k = exp_rng_below(&pG->rng, 100);
  if( k < 8 ) p->ePass = 0;
  else if( k < 15 ) p->ePass = EXP_PASS_EMPTY;
}

static void exp_gen_as(ExpGen *pG, ExpStep *p){
  ExpRng *r = &pG->rng;
  const uint8_t *aW = pG->eProfile == EXP_PROFILE_CURRENT
                    ? aExpCmdWeightCurrent : aExpCmdWeightModel;
  p->eKind = SCN_STEP_AS;
  p->eCmd = (uint8_t)exp_pick(r, aW, SCN_CMD_COUNT);
  /* who */
  int nUsed = 0, aiUsed[EXP_MAX_SLOT], nLive = 0, aiLive[EXP_MAX_SLOT];
  for(int i = 0; i < EXP_MAX_SLOT; i++){
    if( pG->abUsed[i] ) aiUsed[nUsed++] = i;
    if( pG->abLive[i] ) aiLive[nLive++] = i;
  }
  unsigned k = exp_rng_below(r, 100);
  if( pG->eProfile == EXP_PROFILE_MODEL && (nUsed == 0 || k < 10) ){
    p->iSlot = EXP_SYSTEM;
    p->eHalf = SCN_HALF_SYSTEM;
  }else{
    if( nLive > 0 && (k < 96 || nUsed == nLive) ){
      p->iSlot = (uint8_t)aiLive[exp_rng_below(r, (unsigned)nLive)];
    }else{
      p->iSlot = (uint8_t)aiUsed[exp_rng_below(r, (unsigned)nUsed)];
    }
    unsigned h = exp_rng_below(r, 100);
    p->eHalf = h < 60 ? SCN_HALF_BARE : h < 80 ? SCN_HALF_LIMITED : SCN_HALF_ELEVATED;
  }
  p->cLetter = (uint8_t)acExpLetter[exp_rng_below(r, EXP_N_LETTER)];
  p->iRemote = (uint8_t)(exp_rng_below(r, 10) == 0
      ? pG->pW->nRealShare + exp_rng_below(r, (unsigned)(pG->pW->nRemote - pG->pW->nRealShare))
      : pG->pW->nRealShare ? exp_rng_below(r, (unsigned)pG->pW->nRealShare)
                           : exp_rng_below(r, (unsigned)pG->pW->nRemote));
  p->iUser = EXP_NONE;
  p->iTarget = EXP_NONE;
  p->ePersistent = -1;
  switch( (ScnCmd)p->eCmd ){
    case SCN_CMD_NET_USE_ADD:
    case SCN_CMD_NET_USE_AUTO:
      if( exp_rng_below(r, 100) < 30 ) exp_gen_cred_v2(pG, p);
      k = exp_rng_below(r, 10);
      p->ePersistent = (int8_t)(k < 6 ? -1 : k < 8 ? 0 : 1);
      break;
    case SCN_CMD_NET_USE_DEVICELESS:
    case SCN_CMD_WNET_ADD_DEVICELESS:
      if( exp_rng_below(r, 100) < 35 ) exp_gen_cred_v2(pG, p);
      break;
    case SCN_CMD_WNET_CANCEL_REMOTE:
      if( exp_rng_below(r, 100) < 30 ) p->mFlag |= EXP_F_FORCE;
      break;
    case SCN_CMD_REG_SET:
      p->iReg = (uint8_t)exp_rng_below(r, EXP_N_REG);
      break;
    case SCN_CMD_REG_DELETE:
      p->iReg = exp_rng_below(r, 2) ? (uint8_t)exp_rng_below(r, EXP_N_REG) : EXP_NONE;
      break;
    case SCN_CMD_NET_USE_PERSISTENT:
      p->ePersistent = (int8_t)exp_rng_below(r, 2);
      break;
    case SCN_CMD_CMDKEY_ADD:
      exp_gen_cred(pG, p);
      /* fall through */
    case SCN_CMD_CMDKEY_DELETE:
      k = exp_rng_below(r, 100);
      if( k < 8 ) p->eCredTarget = EXP_CT_STAR;               /* K3 v2 */
      else if( k < 20 && pG->pW->zWildcard ) p->eCredTarget = EXP_CT_SUFFIX;
      else if( k < 87 ) p->mFlag |= EXP_F_CMDKEY_SRV;
      break;
    case SCN_CMD_DEFINE:
      p->iName = (uint8_t)exp_rng_below(r, EXP_N_NAME);
      p->iTarget = (uint8_t)exp_rng_below(r, EXP_N_DEFINE_TARGET);
      if( exp_rng_below(r, 100) < 20 ) p->mFlag |= EXP_F_RAW;
      break;
    case SCN_CMD_UNDEFINE:
      p->iName = (uint8_t)exp_rng_below(r, EXP_N_NAME);
      if( exp_rng_below(r, 2) ){
        p->iTarget = (uint8_t)exp_rng_below(r, EXP_N_DEFINE_TARGET);
        if( exp_rng_below(r, 100) < 30 ) p->mFlag |= EXP_F_EXACT;
      }
      if( exp_rng_below(r, 100) < 10 ) p->mFlag |= EXP_F_RAW;
      break;
    case SCN_CMD_QUERY:
      p->iName = (uint8_t)exp_rng_below(r, EXP_N_NAME);
      break;
    case SCN_CMD_WNET_ADD:
      k = exp_rng_below(r, 100);
      if( k < 25 ){
        exp_gen_cred_v2(pG, p);
      }else if( k < 30 ){
        p->ePass = (uint8_t)(1 + exp_rng_below(r, 2));  /* password only */
      }
      if( exp_rng_below(r, 2) ) p->mFlag |= EXP_F_UPDATE;
      if( exp_rng_below(r, 100) < 15 ) p->mFlag |= EXP_F_TEMPORARY;
      break;
    case SCN_CMD_WNET_CANCEL:
      if( exp_rng_below(r, 2) ) p->mFlag |= EXP_F_UPDATE;
      if( exp_rng_below(r, 100) < 30 ) p->mFlag |= EXP_F_FORCE;
      break;
    case SCN_CMD_WNET_ENUM:
      if( exp_rng_below(r, 2) ) p->mFlag |= EXP_F_REMEMBERED;
      break;
    case SCN_CMD_DIR:
      if( exp_rng_below(r, 100) < 30 ) p->mFlag |= EXP_F_DIR_UNC;
      break;
    default:
      break;
  }
  /* A real host's own fixed disk is not the scenario's to change: the
  ** agent refuses (an error, and every later step is unsupported). */
  if( pG->eProfile == EXP_PROFILE_CURRENT && p->iName == 3
   && (p->eCmd == SCN_CMD_DEFINE || p->eCmd == SCN_CMD_UNDEFINE) ){
    p->iName = 0;
  }
  /* Only the arguments a command takes are kept, so equal steps are equal
  ** values (the shrinker and the tests compare them). */
  ScnCmd e = (ScnCmd)p->eCmd;
  int bLetter = e == SCN_CMD_NET_USE_ADD || e == SCN_CMD_NET_USE_DELETE
    || e == SCN_CMD_WNET_ADD || e == SCN_CMD_WNET_CANCEL || e == SCN_CMD_WNET_GET
    || e == SCN_CMD_REG_SET || e == SCN_CMD_REG_DELETE
    || (e == SCN_CMD_DIR && !(p->mFlag & EXP_F_DIR_UNC));
  int bRemote = e == SCN_CMD_NET_USE_ADD || e == SCN_CMD_WNET_ADD
    || e == SCN_CMD_NET_USE_AUTO || e == SCN_CMD_NET_USE_DEVICELESS
    || e == SCN_CMD_NET_USE_DELETE_REMOTE || e == SCN_CMD_WNET_ADD_DEVICELESS
    || e == SCN_CMD_WNET_CANCEL_REMOTE
    || (e == SCN_CMD_DIR && (p->mFlag & EXP_F_DIR_UNC))
    || ((e == SCN_CMD_CMDKEY_ADD || e == SCN_CMD_CMDKEY_DELETE)
        && (p->mFlag & EXP_F_CMDKEY_SRV));
  if( !bLetter ) p->cLetter = 0;
  if( !bRemote ) p->iRemote = 0;
}

void exp_gen_next(ExpGen *pG, ExpStep *p){
  ExpRng *r = &pG->rng;
  memset(p, 0, sizeof(*p));
  p->iUser = EXP_NONE;
  p->iTarget = EXP_NONE;
  p->ePersistent = -1;

  pG->nMade++;
  if( pG->eProfile == EXP_PROFILE_CURRENT ){
    if( !pG->abUsed[0] ){
      p->eKind = SCN_STEP_LOGON;
      p->iSlot = 0;
      p->iUser = (uint8_t)pG->pW->iCurrentUser;
      p->eLogon = SCN_LOGON_CURRENT;
      pG->abLive[0] = pG->abUsed[0] = 1;
      pG->aeType[0] = SCN_LOGON_CURRENT;
      pG->bCurrentUsed = 1;
      return;
    }
    if( exp_rng_below(r, 100) < 2 ){
      p->eKind = SCN_STEP_SET;
      p->ePolicy = (uint8_t)exp_rng_below(r, SCN_POL_COUNT);
      p->bOn = (uint8_t)exp_rng_below(r, 2);
      return;
    }
    exp_gen_as(pG, p);
    return;
  }
  int nLive = 0;
  for(int i = 0; i < EXP_MAX_SLOT; i++) nLive += pG->abLive[i];
  /* kinds: logon, logoff, reboot, set, bootdevice, as (per mille) */
  static const uint8_t aKindWeight[] = { 70, 25, 4, 15, 8, 200 };
  int eKind = exp_pick(r, aKindWeight, 6);
  if( nLive == 0 && exp_rng_below(r, 4) != 0 ) eKind = SCN_STEP_LOGON;
  switch( eKind ){
    case SCN_STEP_LOGON:
      exp_gen_logon(pG, p);
      return;
    case SCN_STEP_LOGOFF: {
      int nUsed = 0, ai[EXP_MAX_SLOT];
      for(int i = 0; i < EXP_MAX_SLOT; i++){
        if( pG->abLive[i] ) ai[nUsed++] = i;
      }
      if( nUsed == 0 ){
        exp_gen_logon(pG, p);
        return;
      }
      p->eKind = SCN_STEP_LOGOFF;
      p->iSlot = (uint8_t)ai[exp_rng_below(r, (unsigned)nUsed)];
      pG->abLive[p->iSlot] = 0;
      return;
    }
    case SCN_STEP_REBOOT:
      p->eKind = SCN_STEP_REBOOT;
      memset(pG->abLive, 0, sizeof(pG->abLive));
      return;
    case SCN_STEP_SET:
      p->eKind = SCN_STEP_SET;
      p->ePolicy = (uint8_t)exp_rng_below(r, SCN_POL_COUNT);
      p->bOn = (uint8_t)exp_rng_below(r, 2);
      return;
    case SCN_STEP_BOOTDEVICE:
      p->eKind = SCN_STEP_BOOTDEVICE;
      p->cLetter = (uint8_t)acExpLetter[exp_rng_below(r, EXP_N_LETTER - 1)];
      if( exp_rng_below(r, 100) >= 30 ){
        p->iTarget = (uint8_t)(EXP_N_DEFINE_TARGET
                     + exp_rng_below(r, EXP_N_TARGET - EXP_N_DEFINE_TARGET));
      }
      return;
    default:
      exp_gen_as(pG, p);
      return;
  }
}

int exp_step_is_v2(const ExpWorld *pW, const ExpStep *p){
  switch( (ScnStepKind)p->eKind ){
    case SCN_STEP_LOGON:
      return p->eLogon > SCN_LOGON_CURRENT || p->bS4u;
    case SCN_STEP_SET:
      return p->ePolicy == SCN_POL_PROTECTION_MODE || p->ePolicy == SCN_POL_CONSENT_CREDENTIALS;
    case SCN_STEP_AS: {
      ScnCmd e = (ScnCmd)p->eCmd;
      if( e > SCN_CMD_DIR ) return 1;
      if( p->eCredTarget != EXP_CT_PLAIN ) return 1;
      if( p->iUser != EXP_NONE && (p->ePass == 0 || p->ePass == EXP_PASS_EMPTY)
       && e != SCN_CMD_CMDKEY_ADD ) return 1;
      int bRemote = e == SCN_CMD_NET_USE_ADD || e == SCN_CMD_WNET_ADD
                 || (e == SCN_CMD_DIR && (p->mFlag & EXP_F_DIR_UNC))
                 || ((e == SCN_CMD_CMDKEY_ADD || e == SCN_CMD_CMDKEY_DELETE)
                     && (p->mFlag & EXP_F_CMDKEY_SRV));
      /* an alias remote: after the shares as declared (C16) */
      return bRemote && p->iRemote < pW->nRealShare && pW->azRemote[p->iRemote]
          && p->iRemote >= pW->pWorld->nShare;
    }
    default:
      return 0;
  }
}

/* ---------------------------------------------------------------- 5 ---- */

int exp_steps_valid(const ExpWorld *pW, const ExpStep *aStep, int nStep){
  uint8_t abLive[EXP_MAX_SLOT] = {0}, abUsed[EXP_MAX_SLOT] = {0};
  uint8_t aiUser[EXP_MAX_SLOT] = {0};
  int bCurrent = 0;
  for(int i = 0; i < nStep; i++){
    const ExpStep *p = &aStep[i];
    switch( p->eKind ){
      case SCN_STEP_LOGON: {
        int e = p->eLogon;
        int bFromType = e == SCN_LOGON_NETONLY || e == SCN_LOGON_TASK || e == SCN_LOGON_ELEVATE;
        if( p->iSlot >= EXP_MAX_SLOT || abLive[p->iSlot] ) return 0;
        if( p->iUser >= pW->nUser || e >= SCN_LOGON_COUNT ) return 0;
        if( p->bHighest && !((e == SCN_LOGON_BATCH && !p->bS4u) || e == SCN_LOGON_TASK) ) return 0;
        if( p->bS4u && (e != SCN_LOGON_BATCH || p->ePass) ) return 0;
        if( p->ePass && (e == SCN_LOGON_TASK || e == SCN_LOGON_ELEVATE) ) return 0;
        if( p->ePass == EXP_PASS_EMPTY ) return 0;
        if( e == SCN_LOGON_CURRENT ){
          if( bCurrent || p->ePass ) return 0;
          bCurrent = 1;
        }
        /* from= (SCENARIO-LANGUAGE v2): netonly from any earlier logon (a
        ** half of it) or SYSTEM; task and elevate from an earlier bare
        ** logon of the same user; never from the name itself */
        if( bFromType != (p->iFrom != 0) ) return 0;
        if( !bFromType && p->eFromHalf != SCN_HALF_BARE ) return 0;
        if( bFromType ){
          if( p->iFrom == EXP_FROM_SYSTEM ){
            if( e != SCN_LOGON_NETONLY || p->eFromHalf != SCN_HALF_SYSTEM ) return 0;
          }else{
            int iFrom = p->iFrom - 1;
            if( iFrom >= EXP_MAX_SLOT || !abUsed[iFrom] || iFrom == p->iSlot ) return 0;
            if( p->eFromHalf == SCN_HALF_SYSTEM ) return 0;
            if( e != SCN_LOGON_NETONLY
             && (p->eFromHalf != SCN_HALF_BARE || aiUser[iFrom] != p->iUser) ) return 0;
          }
        }
        abLive[p->iSlot] = abUsed[p->iSlot] = 1;
        aiUser[p->iSlot] = p->iUser;
        break;
      }
      case SCN_STEP_LOGOFF:
        if( p->iSlot >= EXP_MAX_SLOT || !abUsed[p->iSlot] ) return 0;
        abLive[p->iSlot] = 0;
        break;
      case SCN_STEP_REBOOT:
        memset(abLive, 0, sizeof(abLive));
        break;
      case SCN_STEP_AS:
        if( p->iSlot == EXP_SYSTEM ){
          if( p->eHalf != SCN_HALF_SYSTEM ) return 0;
        }else if( p->iSlot >= EXP_MAX_SLOT || !abUsed[p->iSlot] ){
          return 0;
        }
        break;
      default:
        break;
    }
  }
  return 1;
}

/* ---------------------------------------------------------------- 6 ---- */

static char *exp_dup(const char *z, int *pbOom){
  if( z == NULL ) return NULL;
  size_t n = strlen(z) + 1;
  char *zNew = malloc(n);
  if( zNew == NULL ){ *pbOom = 1; return NULL; }
  return memcpy(zNew, z, n);
}

/* The cmdkey target of a step: a server name as the world (or an alias)
** spells it, a made-up one, or a wildcard (K3). */
const char *exp_cred_target(const ExpWorld *pW, const ExpStep *p){
  if( p->eCredTarget == EXP_CT_STAR ) return "*";
  if( p->eCredTarget == EXP_CT_SUFFIX && pW->zWildcard ) return pW->zWildcard;
  return (p->mFlag & EXP_F_CMDKEY_SRV) ? pW->azServer[p->iRemote] : EXP_OTHER_TARGET;
}

const char *exp_step_password(const ExpWorld *pW, const ExpStep *p){
  if( p->ePass == 2 ) return EXP_WRONG_PASSWORD;
  if( p->ePass == EXP_PASS_EMPTY ) return "";
  if( p->ePass == 1 ){
    return p->iUser < pW->nUser ? pW->azPassword[p->iUser]
                                : pW->azPassword[0];
  }
  return NULL;
}

int exp_step_to_scn(const ExpWorld *pW, const ExpStep *p, int iIndex, ScnStep *pOut){
  static const char *const azSlot[EXP_MAX_SLOT] = { "A", "B", "C", "D", "E", "F" };
  int bOom = 0;
  char zBuf[128];
  memset(pOut, 0, sizeof(*pOut));
  pOut->iIndex = iIndex;
  pOut->iLine = 0;
  pOut->eKind = (ScnStepKind)p->eKind;
  pOut->ePersistent = -1;
  if( p->iSlot < EXP_MAX_SLOT && p->eKind != SCN_STEP_REBOOT
   && p->eKind != SCN_STEP_SET && p->eKind != SCN_STEP_BOOTDEVICE ){
    pOut->zSession = exp_dup(azSlot[p->iSlot], &bOom);
  }
  switch( (ScnStepKind)p->eKind ){
    case SCN_STEP_LOGON:
      pOut->zUser = exp_dup(pW->azUser[p->iUser], &bOom);
      pOut->eLogonType = (ScnLogonType)p->eLogon;
      pOut->bHighest = p->bHighest;
      pOut->zLogonPassword = exp_dup(p->ePass == 2 ? EXP_WRONG_PASSWORD
                                   : p->ePass == 1 ? pW->azPassword[p->iUser] : NULL, &bOom);
      pOut->bS4u = p->bS4u;
      if( p->iFrom == EXP_FROM_SYSTEM ){
        pOut->eFromHalf = SCN_HALF_SYSTEM;
      }else if( p->iFrom != 0 && p->iFrom <= EXP_MAX_SLOT ){
        pOut->zFrom = exp_dup(azSlot[p->iFrom - 1], &bOom);
        pOut->eFromHalf = (ScnHalf)p->eFromHalf;
      }
      break;
    case SCN_STEP_SET:
      pOut->aSetting = malloc(sizeof(ScnSetting));
      if( pOut->aSetting == NULL ){ bOom = 1; break; }
      pOut->aSetting[0].ePolicy = (ScnPolicy)p->ePolicy;
      pOut->aSetting[0].bOn = p->bOn;
      pOut->nSetting = 1;
      break;
    case SCN_STEP_BOOTDEVICE:
      pOut->cLetter = (char)p->cLetter;
      if( p->iTarget != EXP_NONE ) pOut->zTarget = exp_dup(aExpTarget[p->iTarget].zScn, &bOom);
      break;
    case SCN_STEP_AS: {
      pOut->eHalf = (ScnHalf)p->eHalf;
      pOut->eCmd = (ScnCmd)p->eCmd;
      pOut->ePersistent = p->ePersistent;
      ScnCmd e = (ScnCmd)p->eCmd;
      const char *zRemote = pW->azRemote[p->iRemote];
      switch( e ){
        case SCN_CMD_NET_USE_ADD:
          pOut->cLetter = (char)p->cLetter;
          pOut->zRemote = exp_dup(zRemote, &bOom);
          if( p->iUser != EXP_NONE ){
            pOut->zCredUser = exp_dup(pW->azUser[p->iUser], &bOom);
            pOut->zCredPassword = exp_dup(exp_step_password(pW, p), &bOom);
          }
          break;
        case SCN_CMD_NET_USE_AUTO:
        case SCN_CMD_NET_USE_DEVICELESS:
        case SCN_CMD_WNET_ADD_DEVICELESS:
          pOut->zRemote = exp_dup(zRemote, &bOom);
          if( p->iUser != EXP_NONE ) pOut->zCredUser = exp_dup(pW->azUser[p->iUser], &bOom);
          pOut->zCredPassword = exp_dup(exp_step_password(pW, p), &bOom);
          break;
        case SCN_CMD_NET_USE_DELETE_REMOTE:
          pOut->zRemote = exp_dup(zRemote, &bOom);
          break;
        case SCN_CMD_WNET_CANCEL_REMOTE:
          pOut->zRemote = exp_dup(zRemote, &bOom);
          pOut->bForce = (p->mFlag & EXP_F_FORCE) != 0;
          break;
        case SCN_CMD_REG_SET:
        case SCN_CMD_REG_DELETE: {
          const ExpRegWrite *pR = p->iReg != EXP_NONE ? &aExpReg[p->iReg] : NULL;
          pOut->cLetter = (char)p->cLetter;
          if( pR ) pOut->zRegValue = exp_dup(pR->zValue, &bOom);
          if( e == SCN_CMD_REG_SET && pR ){
            pOut->eRegType = (ScnRegType)pR->eType;
            if( pR->eType == SCN_REG_SZ ) pOut->zRegData = exp_dup(pR->zData, &bOom);
            pOut->uRegDword = pR->uDword;
          }
          break;
        }
        case SCN_CMD_NET_USE_DELETE:
        case SCN_CMD_WNET_GET:
          pOut->cLetter = (char)p->cLetter;
          break;
        case SCN_CMD_CMDKEY_ADD:
          pOut->zCredUser = exp_dup(pW->azUser[p->iUser], &bOom);
          pOut->zCredPassword = exp_dup(exp_step_password(pW, p), &bOom);
          /* fall through */
        case SCN_CMD_CMDKEY_DELETE:
          pOut->zTarget = exp_dup(exp_cred_target(pW, p), &bOom);
          break;
        case SCN_CMD_DEFINE:
        case SCN_CMD_UNDEFINE:
        case SCN_CMD_QUERY:
          pOut->zName = exp_dup(azExpName[p->iName], &bOom);
          if( p->iTarget != EXP_NONE ) pOut->zTarget = exp_dup(aExpTarget[p->iTarget].zScn, &bOom);
          pOut->bRaw = (p->mFlag & EXP_F_RAW) != 0;
          pOut->bExact = (p->mFlag & EXP_F_EXACT) != 0;
          break;
        case SCN_CMD_WNET_ADD:
          pOut->cLetter = (char)p->cLetter;
          pOut->zRemote = exp_dup(zRemote, &bOom);
          if( p->iUser != EXP_NONE ) pOut->zCredUser = exp_dup(pW->azUser[p->iUser], &bOom);
          pOut->zCredPassword = exp_dup(exp_step_password(pW, p), &bOom);
          pOut->bUpdateProfile = (p->mFlag & EXP_F_UPDATE) != 0;
          pOut->bTemporary = (p->mFlag & EXP_F_TEMPORARY) != 0;
          break;
        case SCN_CMD_WNET_CANCEL:
          pOut->cLetter = (char)p->cLetter;
          pOut->bUpdateProfile = (p->mFlag & EXP_F_UPDATE) != 0;
          pOut->bForce = (p->mFlag & EXP_F_FORCE) != 0;
          break;
        case SCN_CMD_WNET_ENUM:
          pOut->bEnumRemembered = (p->mFlag & EXP_F_REMEMBERED) != 0;
          break;
        case SCN_CMD_DIR:
          if( p->mFlag & EXP_F_DIR_UNC ){
            pOut->zPath = exp_dup(zRemote, &bOom);
          }else{
            snprintf(zBuf, sizeof(zBuf), "%c:\\", p->cLetter);
            pOut->zPath = exp_dup(zBuf, &bOom);
          }
          break;
        default:
          break;
      }
      break;
    }
    default:
      break;
  }
  if( !bOom ){
    pOut->zText = scn_step_format(pOut, 0);
    if( pOut->zText == NULL ) bOom = 1;
  }
  if( bOom ){
    scn_step_clear(pOut);
    return ERROR_NOT_ENOUGH_MEMORY;
  }
  return 0;
}

char *exp_step_text(const ExpWorld *pW, const ExpStep *pStep, int bRedact){
  ScnStep s;
  if( exp_step_to_scn(pW, pStep, 0, &s) != 0 ) return NULL;
  char *z = scn_step_format(&s, bRedact);
  scn_step_clear(&s);
  return z;
}

/* ---------------------------------------------------------------- 7 ---- */

char *exp_scenario_text(const ExpWorld *pW, const ExpScnText *pHead,
                        const ExpStep *aStep, int nStep, char *const *azOut){
  StrBuf b = {0};
  const Scenario *pWorld = pW->pWorld;
  for(int i = 0; i < pHead->nComment; i++){
    strbuf_printf(&b, "# %s\n", pHead->azComment[i]);
  }
  strbuf_printf(&b, "title   %s\n", pHead->zTitle);
  for(int i = 0; i < pHead->nSource; i++){
    strbuf_printf(&b, "source  %s\n", pHead->azSource[i]);
  }
  strbuf_puts(&b, "\n");
  char *z = scn_machine_format(&pWorld->machine);
  if( z == NULL ) goto err;
  strbuf_printf(&b, "%s\n", z);
  free(z);
  for(int i = 0; i < pWorld->nUser; i++){
    z = scn_user_format(&pWorld->aUser[i], 0);
    if( z == NULL ) goto err;
    strbuf_printf(&b, "%s\n", z);
    free(z);
  }
  for(int i = 0; i < pWorld->nShare; i++){
    z = scn_share_format(&pWorld->aShare[i]);
    if( z == NULL ) goto err;
    strbuf_printf(&b, "%s\n", z);
    free(z);
  }
  for(int i = 0; i < nStep; i++){
    z = exp_step_text(pW, &aStep[i], 0);
    if( z == NULL ) goto err;
    strbuf_printf(&b, "\n%s\n", z);
    free(z);
    if( azOut && azOut[i] ){
      strbuf_puts(&b, "----\n");
      const char *zLine = azOut[i];
      if( zLine[0] == 0 ) strbuf_puts(&b, "\n");
      while( *zLine ){
        const char *zEnd = strchr(zLine, '\n');
        size_t n = zEnd ? (size_t)(zEnd - zLine) : strlen(zLine);
        strbuf_append(&b, zLine, n);
        strbuf_puts(&b, "\n");
        zLine += n;
        if( *zLine == '\n' ) zLine++;
      }
    }
  }
  return strbuf_take(&b);

err:
  strbuf_reset(&b);
  return NULL;
}
