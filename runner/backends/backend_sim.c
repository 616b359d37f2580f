/*
** runner/backends/backend_sim.c: the `sim` backend, the pure-C model (sim/) behind
** the operations table of backend.h.
**
** xOpen builds a SimMachine from the scenario's world; xStep resolves a
** step's logon names and placeholders, has simstep_run() (simstep.c, the
** mapping the explorer's fast path shares) make the model calls, and
** prints the canonical output of SCENARIO-LANGUAGE.md;
** xDescribe draws the state for `mapscope explain`. The model's LUIDs never
** reach an output: they are printed as placeholders ({A}, {A.elevated},
** {SYSTEM}, {?}), and placeholders in `define` and `bootdevice` targets
** are resolved to the LUIDs they name.
**
** Contents:
**   1. The instance: logons by name, LUID placeholders
**   2. Placeholders: LUID -> {name} in outputs, {name} -> LUID in targets
**   3. Opening and closing (the world)
**   4. Steps: logon, logoff, reboot, set, bootdevice
**   5. Steps: `as <who> <command>`
**   6. xDescribe: the state a teacher would draw
**   7. The operations table
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/backends/backend_sim.h"
#include "runner/backends/simstep.h"
#include "runner/util/strbuf.h"
#include "sim/sim.h"
#include "sim/tools/tools.h"

/* ---------------------------------------------------------------- 1 ---- */

/* One `logon <S> ...` that succeeded. */
typedef struct BsimLogon BsimLogon;
struct BsimLogon {
  char *zName;               /* the logon name S (case-sensitive) */
  SimLuid luidBare;          /* the half handed to the process ({S}) */
  SimLuid luidOther;         /* the other half of a split logon, or 0 */
  int bBareFull;             /* the bare half is the full one */
};

struct BackendConn {
  SimMachine *pM;            /* the model machine */
  char **azUser;             /* world accounts, as written */
  char **azPassword;         /* their passwords (secrets) */
  int nUser;                 /* entries in azUser/azPassword */
  BsimLogon *aLogon;         /* logons by name, newest record per name */
  int nLogon;                /* entries in aLogon */
  int nLogonAlloc;           /* slots in aLogon */
  SimHash logonNames;        /* hash of a name -> index in aLogon + 1 */
  SimHash luidNames;         /* LUID -> placeholder name (char*, no braces) */
  char **azName;             /* every placeholder name made, for freeing */
  int nName;                 /* entries in azName */
  int nNameAlloc;            /* slots in azName */
  HostFacts facts;           /* what xHostFacts returns */
  char *zToolRecord;         /* the actions of the last step's tool (T1),
                             ** or NULL: backend_sim_tool_record() */
};

static void bsim_oom(void){
  fputs("mapscope: out of memory in the sim backend\n", stderr);
  exit(3);
}

static char *bsim_strdup(const char *z){
  size_t n = strlen(z)+1;
  char *zNew = malloc(n);
  if( zNew==NULL ) bsim_oom();
  memcpy(zNew, z, n);
  return zNew;
}

static void *bsim_grow(void *p, int *pnAlloc, int nNeed, size_t sz){
  if( nNeed>*pnAlloc ){
    int nNew = *pnAlloc ? *pnAlloc*2 : 8;
    while( nNew<nNeed ) nNew *= 2;
    p = realloc(p, (size_t)nNew*sz);
    if( p==NULL ) bsim_oom();
    *pnAlloc = nNew;
  }
  return p;
}

/* The key of a logon name in logonNames: FNV-1a of its bytes (never 0,
** which SimHash reserves). Two names with one key take the next free key
** (open addressing over keys), so a lookup probes from here until it
** finds its name or an empty key. */
static uint64_t bsim_name_key(const char *zName){
  uint64_t h = 0xcbf29ce484222325ull;
  const unsigned char *z = (const unsigned char*)zName;
  while( *z ){
    h ^= *z++;
    h *= 0x100000001b3ull;
  }
  return h ? h : 1;
}

static uint64_t bsim_next_key(uint64_t k){
  return k+1 ? k+1 : 1;
}

/* The record of logon zName, found by hash: the cost of a step does not
** grow with the number of logons a scenario made (issue 9 item 11). */
static BsimLogon *bsim_logon(BackendConn *p, const char *zName){
  uint64_t k;
  void *v;
  if( zName==NULL ) return NULL;
  for(k=bsim_name_key(zName); (v = simhash_find(&p->logonNames, k))!=NULL;
      k=bsim_next_key(k)){
    BsimLogon *pL = &p->aLogon[(intptr_t)v - 1];
    if( strcmp(pL->zName, zName)==0 ) return pL;
  }
  return NULL;
}

/* A new record for logon zName, which has none yet. */
static BsimLogon *bsim_logon_add(BackendConn *p, const char *zName){
  uint64_t k = bsim_name_key(zName);
  BsimLogon *pL;
  while( simhash_find(&p->logonNames, k) ) k = bsim_next_key(k);
  p->aLogon = bsim_grow(p->aLogon, &p->nLogonAlloc, p->nLogon+1, sizeof(BsimLogon));
  pL = &p->aLogon[p->nLogon++];
  memset(pL, 0, sizeof(*pL));
  pL->zName = bsim_strdup(zName);
  if( simhash_insert(&p->logonNames, k, (void*)(intptr_t)p->nLogon) ) bsim_oom();
  return pL;
}

/* Name the placeholder of a LUID ("A", "A.elevated", "SYSTEM"). */
static void bsim_name_luid(BackendConn *p, SimLuid luid, const char *zName,
                           const char *zSuffix){
  size_t n = strlen(zName)+strlen(zSuffix)+1;
  char *z = malloc(n);
  if( z==NULL ) bsim_oom();
  snprintf(z, n, "%s%s", zName, zSuffix);
  p->azName = bsim_grow(p->azName, &p->nNameAlloc, p->nName+1, sizeof(char*));
  p->azName[p->nName++] = z;
  if( simhash_insert(&p->luidNames, luid, z) ) bsim_oom();
}

static const char *bsim_luid_name(const BackendConn *p, SimLuid luid){
  const char *z = simhash_find(&p->luidNames, luid);
  return z ? z : "?";
}

/* ---------------------------------------------------------------- 2 ---- */

static int bsim_hexval(char c){
  if( c>='0' && c<='9' ) return c-'0';
  if( c>='a' && c<='f' ) return c-'a'+10;
  if( c>='A' && c<='F' ) return c-'A'+10;
  return -1;
}

/* Parse n hex digits at z; -1 if they are not all hex. */
static int bsim_hex(const char *z, int n, SimLuid *pV){
  SimLuid v = 0;
  int i;
  for(i=0; i<n; i++){
    int d = bsim_hexval(z[i]);
    if( d<0 ) return -1;
    v = (v<<4) | (SimLuid)d;
  }
  *pV = v;
  return 0;
}

/*
** Append zText to pOut with every LUID written as a placeholder: the 16
** hex digits after ";X:" in a redirector path, and the %08x-%08x form of
** a directory name.
*/
/* 1 if the n bytes before z (within zText) end with zSuffix. */
static int bsim_after(const char *zText, const char *z, const char *zSuffix){
  size_t n = strlen(zSuffix);
  return (size_t)(z - zText) >= n && strncmp(z - n, zSuffix, n) == 0;
}

/*
** Append zText with every LUID written as its placeholder. A LUID is
** recognised only where one stands, so that ordinary text that happens to
** look like hex (a share named 20240101-20241231) prints as typed:
**   - "%08x-%08x" right after `DosDevices\` (a logon's directory name);
**   - ";X:" and 16 hex digits right after `LanmanRedirector\` (the
**     redirector's per-logon prefix);
**   - elsewhere, a run of exactly 16 hex digits equal to a LUID this
**     scenario knows (what a `{name}` in a define target became; see
**     bsim_resolve), so that no LUID ever prints as a number.
** In the first two positions an unknown LUID prints {?}.
*/
static void bsim_render(const BackendConn *p, StrBuf *pOut, const char *zText){
  const char *z = zText;
  while( *z ){
    SimLuid v, lo;
    int bStart = z==zText || bsim_hexval(z[-1])<0;
    if( z[0]==';' && z[1] && z[2]==':' && bsim_after(zText, z, "LanmanRedirector\\")
     && bsim_hex(z+3, 16, &v)==0 && bsim_hexval(z[19])<0 ){
      strbuf_append(pOut, z, 3);
      strbuf_printf(pOut, "{%s}", bsim_luid_name(p, v));
      z += 19;
      continue;
    }
    if( bStart && bsim_after(zText, z, "DosDevices\\") && bsim_hex(z, 8, &v)==0
     && z[8]=='-' && bsim_hex(z+9, 8, &lo)==0 && bsim_hexval(z[17])<0 ){
      strbuf_printf(pOut, "{%s}", bsim_luid_name(p, (v<<32)|lo));
      z += 17;
      continue;
    }
    if( bStart && bsim_hex(z, 16, &v)==0 && bsim_hexval(z[16])<0
     && simhash_find(&p->luidNames, v) ){
      strbuf_printf(pOut, "{%s}", bsim_luid_name(p, v));
      z += 16;
      continue;
    }
    strbuf_append(pOut, z, 1);
    z++;
  }
}

/* The LUID a placeholder name names; 0 if none does. */
static SimLuid bsim_placeholder_luid(BackendConn *p, const char *zName, size_t n){
  char zBuf[256];
  const char *zDot;
  BsimLogon *pL;
  if( n>=sizeof(zBuf) ) return 0;
  memcpy(zBuf, zName, n);
  zBuf[n] = 0;
  if( strcmp(zBuf, "SYSTEM")==0 ) return SIM_LUID_SYSTEM;
  zDot = strrchr(zBuf, '.');
  if( zDot && (strcmp(zDot, ".limited")==0 || strcmp(zDot, ".elevated")==0) ){
    int bWantFull = strcmp(zDot, ".elevated")==0;
    zBuf[zDot-zBuf] = 0;
    pL = bsim_logon(p, zBuf);
    if( pL==NULL || pL->luidOther==0 ) return 0;
    return (pL->bBareFull==bWantFull) ? pL->luidBare : pL->luidOther;
  }
  pL = bsim_logon(p, zBuf);
  return pL ? pL->luidBare : 0;
}

/*
** A malloc'd copy of zTarget with each {name} replaced by the LUID it
** names: %08x-%08x right after "DosDevices\", 16 hex digits elsewhere (as
** after ";Z:" in a redirector path) [F: the language says which form goes
** where only for these two contexts]. [F] A placeholder that names no live
** or past logon ({?}, or a name never logged on) is kept as written.
*/
static char *bsim_resolve(BackendConn *p, const char *zTarget){
  StrBuf b = {0};
  const char *z = zTarget;
  if( zTarget==NULL ) return NULL;
  while( *z ){
    const char *zEnd = z[0]=='{' ? strchr(z, '}') : NULL;
    SimLuid luid = zEnd ? bsim_placeholder_luid(p, z+1, (size_t)(zEnd-z-1)) : 0;
    if( luid ){
      const char *zSoFar = strbuf_text(&b);
      size_t nSoFar = b.n;
      if( nSoFar>=11 && strncmp(zSoFar+nSoFar-11, "DosDevices\\", 11)==0 ){
        strbuf_printf(&b, "%08x-%08x", (unsigned)(luid>>32), (unsigned)(luid & 0xffffffffu));
      }else{
        strbuf_printf(&b, "%016llx", (unsigned long long)luid);
      }
      z = zEnd+1;
      continue;
    }
    strbuf_append(&b, z, 1);
    z++;
  }
  return strbuf_take(&b);
}

/* ---------------------------------------------------------------- 3 ---- */

SimPolicy backend_sim_policy(ScnPolicy e){
  switch( e ){
    case SCN_POL_UAC: return SIM_POL_ENABLE_LUA;
    case SCN_POL_FILTER_ADMIN_TOKEN: return SIM_POL_FILTER_ADMIN_TOKEN;
    case SCN_POL_LOCAL_ACCOUNT_TOKEN_FILTER: return SIM_POL_LOCAL_ACCOUNT_TOKEN_FILTER;
    case SCN_POL_LINKED_CONNECTIONS: return SIM_POL_LINKED_CONNECTIONS;
    case SCN_POL_RESTORE_CONNECTIONS: return SIM_POL_RESTORE_CONNECTION;
    case SCN_POL_LUID_MAPS: return SIM_POL_LUID_DEVICE_MAPS;
    case SCN_POL_PROTECTION_MODE: return SIM_POL_PROTECTION_MODE;
    case SCN_POL_CONSENT_CREDENTIALS: return SIM_POL_CONSENT_CREDENTIALS;
    default: return SIM_POL_COUNT;
  }
}

SimAccountKind backend_sim_account_kind(ScnAccountKind e){
  switch( e ){
    case SCN_ACCOUNT_ADMIN: return SIM_ACCOUNT_ADMIN;
    case SCN_ACCOUNT_BUILTIN_ADMIN: return SIM_ACCOUNT_BUILTIN_ADMIN;
    default: return SIM_ACCOUNT_STANDARD;
  }
}

SimLogonType backend_sim_logon_type(ScnLogonType e){
  switch( e ){
    case SCN_LOGON_INTERACTIVE: return SIM_LOGON_INTERACTIVE;
    case SCN_LOGON_RDP: return SIM_LOGON_RDP;
    case SCN_LOGON_RUNAS: return SIM_LOGON_RUNAS;
    case SCN_LOGON_BATCH: return SIM_LOGON_BATCH;
    case SCN_LOGON_SERVICE: return SIM_LOGON_SERVICE;
    case SCN_LOGON_NETWORK: return SIM_LOGON_NETWORK;
    case SCN_LOGON_WINRM: return SIM_LOGON_WINRM;
    case SCN_LOGON_CREDSSP: return SIM_LOGON_CREDSSP;
    case SCN_LOGON_BECOME: return SIM_LOGON_BECOME;
    case SCN_LOGON_CURRENT: return SIM_LOGON_CURRENT;
    case SCN_LOGON_SSH: return SIM_LOGON_SSH;
    /* netonly, task and elevate are made from a live half: bsim_step_logon */
    default: return SIM_LOGON_COUNT;
  }
}

static void bsim_close(BackendConn *p){
  int i;
  if( p==NULL ) return;
  sim_machine_free(p->pM);
  for(i=0; i<p->nUser; i++){
    free(p->azUser[i]);
    free(p->azPassword[i]);
  }
  free(p->azUser);
  free(p->azPassword);
  for(i=0; i<p->nLogon; i++) free(p->aLogon[i].zName);
  free(p->aLogon);
  for(i=0; i<p->nName; i++) free(p->azName[i]);
  free(p->azName);
  free(p->zToolRecord);
  simhash_clear(&p->luidNames);
  simhash_clear(&p->logonNames);
  free(p);
}

/* ---- explorer's addition (test only): MAPSCOPE_SIM_PLANT_BUG=N plants
** the model's bug N (sim_machine_plant_bug) in every instance, so a test
** can show `mapscope run` failing on a scenario `mapscope explore` found.
** Returns 0, or non-zero for a value that names no planted bug. ---- */
static int bsim_plant_from_env(SimMachine *pM){
  const char *z = getenv("MAPSCOPE_SIM_PLANT_BUG");
  if( z==NULL || z[0]==0 ) return 0;
  char *zEnd = NULL;
  long iBug = strtol(z, &zEnd, 10);
  if( *zEnd || iBug<=0 ) return 1;
  return sim_machine_plant_bug(pM, (unsigned)iBug);
}
/* ---- end of the explorer's addition ---- */

static int bsim_open(const Scenario *pScn, const char *zOptions,
                     BackendConn **ppConn, char **pzErr){
  BackendConn *p;
  int i, rc;
  char zErr[200];
  (void)zOptions;
  *ppConn = NULL;
  if( pzErr ) *pzErr = NULL;
  p = calloc(1, sizeof(BackendConn));
  if( p==NULL ) bsim_oom();
  simhash_init(&p->luidNames);
  simhash_init(&p->logonNames);
  p->facts.zOs = "mapscope model";
  rc = sim_machine_new(&p->pM);
  if( rc ){ snprintf(zErr, sizeof(zErr), "the model could not start (error %d)", rc); goto err; }
  bsim_name_luid(p, SIM_LUID_SYSTEM, "SYSTEM", "");
  /* the world: the model calls are simstep_world()'s, shared with the
  ** explorer */
  if( simstep_world(p->pM, pScn, zErr, sizeof(zErr)) ) goto err;
  p->azUser = calloc((size_t)pScn->nUser+1, sizeof(char*));
  p->azPassword = calloc((size_t)pScn->nUser+1, sizeof(char*));
  if( p->azUser==NULL || p->azPassword==NULL ) bsim_oom();
  for(i=0; i<pScn->nUser; i++){
    const ScnUser *pU = &pScn->aUser[i];
    p->azUser[i] = bsim_strdup(pU->zName);
    p->azPassword[i] = bsim_strdup(pU->zPassword ? pU->zPassword : "");
    p->nUser++;
  }
  if( bsim_plant_from_env(p->pM) ){   /* explorer's addition (test only) */
    snprintf(zErr, sizeof(zErr), "MAPSCOPE_SIM_PLANT_BUG names no planted bug");
    goto err;
  }
  *ppConn = p;
  return 0;

err:
  if( pzErr ) *pzErr = bsim_strdup(zErr);
  bsim_close(p);
  return 1;
}

SimMachine *backend_sim_machine(BackendConn *pConn){
  return pConn ? pConn->pM : NULL;
}

static const HostFacts *bsim_host_facts(BackendConn *p){
  return &p->facts;
}

/* ---------------------------------------------------------------- 4 ---- */

static void bsim_error(StrBuf *pOut, int rc){
  char z[128];
  scn_format_error(rc, z, sizeof(z));
  strbuf_puts(pOut, z);
}

static void bsim_ok_or_error(StrBuf *pOut, int rc){
  if( rc==0 ) strbuf_puts(pOut, "ok");
  else bsim_error(pOut, rc);
}

static const char *bsim_password(const BackendConn *p, const char *zUser){
  int i;
  for(i=0; i<p->nUser; i++){
    const char *a = p->azUser[i], *b = zUser;
    while( *a && *b && ((*a|0x20)==(*b|0x20)) ){ a++; b++; }
    if( *a==0 && *b==0 ) return p->azPassword[i];
  }
  return "";
}

/* The token a logon name and half name (`A`, `A.limited`, `A.elevated`,
** SYSTEM); 0 when there is none (never logged on, or not split). */
static SimLuid bsim_half_token(BackendConn *p, ScnHalf eHalf, const char *zName){
  BsimLogon *pL;
  if( eHalf==SCN_HALF_SYSTEM ) return SIM_LUID_SYSTEM;
  pL = bsim_logon(p, zName);
  if( pL==NULL ) return 0;
  switch( eHalf ){
    case SCN_HALF_LIMITED:
      if( pL->luidOther==0 ) return 0;
      return pL->bBareFull ? pL->luidOther : pL->luidBare;
    case SCN_HALF_ELEVATED:
      if( pL->luidOther==0 ) return 0;
      return pL->bBareFull ? pL->luidBare : pL->luidOther;
    default:
      return pL->luidBare;
  }
}

/*
** `logon <S> ...`: the model calls are simstep_run()'s (simstep.c); here
** only the names. A logon that makes a new session names its halves {S}
** and {S.limited}/{S.elevated}. A task, a consent elevation (or an
** elevation of a half that needs none) returns a half that already has a
** name: <S> becomes another name for it, its placeholder stays the
** earlier one ({S2}, {S2.elevated}), and `logoff <S>` ends that logon.
** The v2 logons made from a live half (from=) get that half resolved
** here (from=SYSTEM when the step names no logon); a credential prompt
** (L14) is answered with the account's own password (the language gives
** it none).
*/
static int bsim_step_logon(BackendConn *p, const ScnStep *pStep){
  SimStepCall call;
  SimStepOut out;
  BsimLogon *pL;
  int rc;
  memset(&call, 0, sizeof(call));
  call.eKind = SCN_STEP_LOGON;
  call.eLogonType = pStep->eLogonType;
  call.bS4u = pStep->bS4u;
  call.bHighest = pStep->bHighest;
  call.zUser = pStep->zUser;
  call.zLogonPassword = pStep->zLogonPassword ? pStep->zLogonPassword
                                              : bsim_password(p, pStep->zUser);
  if( pStep->eLogonType==SCN_LOGON_ELEVATE ){
    call.zLogonPassword = bsim_password(p, pStep->zUser);
  }
  if( pStep->eLogonType==SCN_LOGON_NETONLY || pStep->eLogonType==SCN_LOGON_TASK
   || pStep->eLogonType==SCN_LOGON_ELEVATE ){
    call.tokFrom = bsim_half_token(p, pStep->zFrom ? pStep->eFromHalf : SCN_HALF_SYSTEM,
                                   pStep->zFrom);
  }
  rc = simstep_run(p->pM, &call, NULL, &out);
  if( rc ) return rc;
  pL = bsim_logon(p, pStep->zSession);
  if( pL==NULL ) pL = bsim_logon_add(p, pStep->zSession);
  pL->luidBare = out.tokMade;
  pL->luidOther = out.made.luidLinked;
  pL->bBareFull = out.made.eElevation==SIM_ELEVATION_FULL;
  if( simhash_find(&p->luidNames, out.tokMade) ) return 0;   /* an alias (L13, L14) */
  bsim_name_luid(p, out.tokMade, pStep->zSession, "");
  if( out.made.luidLinked ){
    bsim_name_luid(p, out.made.luidLinked, pStep->zSession,
                   pL->bBareFull ? ".limited" : ".elevated");
  }
  return 0;
}

/* ---------------------------------------------------------------- 5 ---- */

/* The token `as <who>` names; 0 with *pRc = 1312 when there is none. */
static SimLuid bsim_who(BackendConn *p, const ScnStep *pStep){
  return bsim_half_token(p, pStep->eHalf, pStep->zSession);
}

/* An output being collected by a visitor. */
typedef struct BsimOut BsimOut;
struct BsimOut {
  BackendConn *p;            /* for placeholders */
  StrBuf *pBuf;              /* the lines */
  int nLine;                 /* lines written */
  unsigned mDisks;           /* fixed disks, left out of `drives` */
};

static void bsim_line(BsimOut *pO){
  if( pO->nLine++ ) strbuf_puts(pO->pBuf, "\n");
}

static int bsim_visit_use(void *pCtx, const SimUseInfo *pU){
  BsimOut *pO = pCtx;
  StrBuf row = {0};
  char zRow[64];
  bsim_line(pO);
  /* C14: a deviceless connection's row has no letter. The language's
  ** formatter writes the status and letter; the remote is appended, so a
  ** long one is never cut. */
  scn_format_use_row(pU->eStatus==SIM_USE_OK ? "OK" : "Unavailable", pU->cLetter,
                     "", zRow, sizeof(zRow));
  strbuf_puts(&row, zRow);
  strbuf_puts(&row, pU->zRemote);
  strbuf_puts(pO->pBuf, strbuf_text(&row));
  strbuf_reset(&row);
  return 0;
}

static int bsim_visit_cred(void *pCtx, const SimCredInfo *pC){
  BsimOut *pO = pCtx;
  bsim_line(pO);
  strbuf_printf(pO->pBuf, "%s domain user=%s", pC->zTarget, pC->zUser);
  return 0;
}

static int bsim_visit_target(void *pCtx, const char *zTarget){
  BsimOut *pO = pCtx;
  bsim_line(pO);
  bsim_render(pO->p, pO->pBuf, zTarget);
  return 0;
}

static int bsim_visit_resource(void *pCtx, const SimResourceInfo *pR){
  BsimOut *pO = pCtx;
  bsim_line(pO);
  if( pR->cLetter ) strbuf_printf(pO->pBuf, "%c: ", pR->cLetter);
  strbuf_puts(pO->pBuf, pR->zRemote);
  return 0;
}

static int bsim_visit_net(void *pCtx, const SimNetValues *pV){
  BsimOut *pO = pCtx;
  bsim_line(pO);
  strbuf_printf(pO->pBuf, "%c: %s user=%s", pV->cLetter, pV->zRemotePath,
                pV->zUserName ? pV->zUserName : "");
  return 0;
}

/* The \\srv\share a redirector target names, or NULL if it is not one. */
static const char *bsim_redirector_rest(const char *zTarget){
  static const char zRdr[] = "\\Device\\LanmanRedirector\\;";
  const char *z;
  size_t n = sizeof(zRdr)-1;
  SimLuid v;
  size_t i;
  for(i=0; i<n; i++){
    char a = zTarget[i], b = zRdr[i];
    if( a==0 ) return NULL;
    if( a>='A' && a<='Z' ) a = (char)(a-'A'+'a');
    if( b>='A' && b<='Z' ) b = (char)(b-'A'+'a');
    if( a!=b ) return NULL;
  }
  z = zTarget+n;
  if( z[0]==0 || z[1]!=':' || bsim_hex(z+2, 16, &v) || z[18]!='\\' ) return NULL;
  return z+19;
}

/* `drives` leaves out only the fixed disks made at boot (W5) while they
** still point at their own volume (SCENARIO-LANGUAGE v2, which settles
** F34): a global link holding that one target. A local link over a
** fixed-disk letter, a global one redefined to something else, and a
** target a step pushed onto it (even the same volume) are shown. [F] A
** step that removes the boot target and defines the very same volume
** again cannot be told from the boot's link and is left out. */
static int bsim_is_fixed_disk_link(unsigned mDisks, const SimLinkInfo *pL){
  char c = pL->zName[0];
  int i, n = 0;
  char zVol[40];
  if( !pL->bGlobal || pL->nTarget!=1 || c<'A' || c>'Z' || (mDisks & (1u<<(c-'A')))==0 ){
    return 0;
  }
  for(i=0; i<=c-'A'; i++) if( mDisks & (1u<<i) ) n++;
  snprintf(zVol, sizeof(zVol), "\\Device\\HarddiskVolume%d", n);
  return strcmp(pL->zTarget, zVol)==0;
}

static int bsim_visit_drive(void *pCtx, const SimLinkInfo *pL){
  BsimOut *pO = pCtx;
  const char *zRest;
  /* drive letters only; the fixed disks are left out */
  if( strlen(pL->zName)!=2 || pL->zName[1]!=':' ) return 0;
  if( bsim_is_fixed_disk_link(pO->mDisks, pL) ) return 0;
  bsim_line(pO);
  strbuf_printf(pO->pBuf, "%s ", pL->zName);
  zRest = bsim_redirector_rest(pL->zTarget);
  if( zRest ){
    strbuf_printf(pO->pBuf, "\\\\%s", zRest);
  }else{
    bsim_render(pO->p, pO->pBuf, pL->zTarget);
  }
  strbuf_puts(pO->pBuf, pL->bGlobal ? " global" : " local");
  return 0;
}

static const char *bsim_elevation_word(SimElevation e){
  switch( e ){
    case SIM_ELEVATION_FULL: return "full";
    case SIM_ELEVATION_LIMITED: return "limited";
    default: return "default";
  }
}

/* Run a listing: its lines, `(none)` when empty, or its error. */
static void bsim_listing(StrBuf *pOut, BsimOut *pO, int rc){
  if( rc ){
    strbuf_reset(pOut);
    bsim_error(pOut, rc);
  }else if( pO->nLine==0 ){
    strbuf_puts(pOut, "(none)");
  }
}

/* ---- tools helper's addition: `tool <profile> key=value...` (T1-T7) ---- */
static void bsim_tool_token_name(void *pCtx, SimLuid luid, char *zBuf, size_t nBuf){
  snprintf(zBuf, nBuf, "{%s}", bsim_luid_name((BackendConn*)pCtx, luid));
}

/* Run the step's profile (sim/tools/) as tok; keep its record of actions
** for explain (backend_sim_tool_record). */
static void bsim_step_tool(BackendConn *p, SimLuid tok, const ScnStep *pStep,
                           StrBuf *pOut){
  const SimToolProfile *pTool = sim_tool_find(scn_tool_name(pStep->eTool));
  SimToolArg aArg[SCN_TKEY_COUNT];
  SimToolCall call;
  int i, nArg = 0, rc;
  if( pTool==NULL ){
    bsim_error(pOut, ERROR_INVALID_PARAMETER);
    return;
  }
  for(i=0; i<pStep->nToolArg && nArg<SCN_TKEY_COUNT; i++, nArg++){
    aArg[nArg].zKey = scn_tool_key_name(pStep->aToolArg[i].eKey);
    aArg[nArg].zValue = pStep->aToolArg[i].zValue;
  }
  memset(&call, 0, sizeof(call));
  call.pM = p->pM;
  call.token = tok;
  call.aArg = aArg;
  call.nArg = nArg;
  call.xTokenName = bsim_tool_token_name;
  call.pNameCtx = p;
  rc = sim_tool_run(pTool, &call);
  if( call.zToolError ){
    char z[80];
    scn_format_tool_error(call.zToolError, z, sizeof(z));
    strbuf_puts(pOut, z);
  }else{
    bsim_ok_or_error(pOut, rc);
  }
  if( call.bRecordLost ) bsim_oom();   /* as every allocation here */
  p->zToolRecord = call.zRecord;   /* taken over */
  call.zRecord = NULL;
  sim_tool_call_clear(&call);
}

const char *backend_sim_tool_record(BackendConn *p){
  return p ? p->zToolRecord : NULL;
}
/* ---- end of the tools helper's addition ---- */

/*
** `as <who> <command>`: the step in the model's terms (placeholders in a
** target resolved to LUIDs), run by simstep_run(), its result printed in
** canonical form from the structured output.
*/
static void bsim_step_as(BackendConn *p, const ScnStep *pStep, StrBuf *pOut){
  SimMachine *pM = p->pM;
  SimStepCall call;
  SimStepVisit visit;
  SimStepOut res;
  BsimOut o;
  char *zT = NULL;
  int rc;

  memset(&o, 0, sizeof(o));
  o.p = p;
  o.pBuf = pOut;
  o.mDisks = sim_machine_fixed_disks(pM);
  memset(&call, 0, sizeof(call));
  call.eKind = SCN_STEP_AS;
  call.eCmd = pStep->eCmd;
  call.tok = bsim_who(p, pStep);
  call.cLetter = pStep->cLetter;
  call.zName = pStep->zName;
  call.zTarget = pStep->zTarget;
  if( pStep->eCmd==SCN_CMD_DEFINE || pStep->eCmd==SCN_CMD_UNDEFINE ){
    call.zTarget = zT = bsim_resolve(p, pStep->zTarget);
  }
  call.zRemote = pStep->zRemote;
  call.zPath = pStep->zPath;
  call.zCredUser = pStep->zCredUser;
  call.zCredPassword = pStep->zCredPassword;
  call.ePersistent = pStep->ePersistent;
  if( pStep->bRaw ) call.mFlag |= SIMSTEP_RAW;
  if( pStep->bExact ) call.mFlag |= SIMSTEP_EXACT;
  if( pStep->bUpdateProfile ) call.mFlag |= SIMSTEP_UPDATE;
  if( pStep->bTemporary ) call.mFlag |= SIMSTEP_TEMPORARY;
  if( pStep->bForce ) call.mFlag |= SIMSTEP_FORCE;
  if( pStep->bEnumRemembered ) call.mFlag |= SIMSTEP_REMEMBERED;
  call.zRegValue = pStep->zRegValue;
  call.eRegType = pStep->eRegType;
  call.zRegData = pStep->zRegData;
  call.uRegDword = (unsigned)pStep->uRegDword;
  visit.pCtx = &o;
  visit.xUse = bsim_visit_use;
  visit.xCred = bsim_visit_cred;
  visit.xTarget = bsim_visit_target;
  visit.xResource = bsim_visit_resource;
  visit.xDrive = bsim_visit_drive;
  visit.xNet = bsim_visit_net;

  if( pStep->eCmd==SCN_CMD_TOOL ){
    /* a tool profile (sim/tools/) makes its own model calls */
    free(zT);
    if( call.tok==0 || !sim_session_exists(pM, call.tok) ){
      sim_rule(pM, SIM_RULE_L10);
      bsim_error(pOut, ERROR_NO_SUCH_LOGON_SESSION);   /* L10 */
      return;
    }
    bsim_step_tool(p, call.tok, pStep, pOut);
    return;
  }
  rc = simstep_run(pM, &call, &visit, &res);
  free(zT);
  switch( res.eShape ){
    case SIMSTEP_LISTING:
      bsim_listing(pOut, &o, rc);
      break;
    case SIMSTEP_OK_LETTER:
      if( rc==0 && res.cLetter ){
        char z[16];
        scn_format_ok_letter(res.cLetter, z, sizeof(z));
        strbuf_puts(pOut, z);
      }else{
        bsim_ok_or_error(pOut, rc);
      }
      break;
    case SIMSTEP_REMOTE:
      if( rc==0 ) strbuf_puts(pOut, res.zRemote);
      else bsim_error(pOut, rc);
      break;
    case SIMSTEP_TOKEN:
      if( rc ){ bsim_error(pOut, rc); break; }
      strbuf_printf(pOut, "user=%s elevation=%s logon={%s} linked=",
                    res.token.zUser, bsim_elevation_word(res.token.eElevation),
                    bsim_luid_name(p, res.token.luid));
      if( res.token.luidLinked ){
        strbuf_printf(pOut, "{%s}", bsim_luid_name(p, res.token.luidLinked));
      }else{
        strbuf_puts(pOut, "none");
      }
      break;
    default:
      bsim_ok_or_error(pOut, rc);
      break;
  }
}

/*
** xStep: logon names and placeholders are the backend's; every model call
** is simstep_run()'s.
*/
static int bsim_step(BackendConn *p, const ScnStep *pStep, StepResult *pRes){
  StrBuf out = {0};
  SimStepCall call;
  SimStepOut res;
  char *zT = NULL;
  memset(pRes, 0, sizeof(*pRes));
  sim_rules_clear(p->pM);      /* xRulesFired reports this step's marks */
  free(p->zToolRecord);        /* the record is the last step's only */
  p->zToolRecord = NULL;
  memset(&call, 0, sizeof(call));
  call.eKind = pStep->eKind;
  switch( pStep->eKind ){
    case SCN_STEP_LOGON:
      bsim_ok_or_error(&out, bsim_step_logon(p, pStep));
      break;
    case SCN_STEP_LOGOFF: {
      BsimLogon *pL = bsim_logon(p, pStep->zSession);
      call.tok = pL ? pL->luidBare : 0;
      bsim_ok_or_error(&out, simstep_run(p->pM, &call, NULL, &res));
      break;
    }
    case SCN_STEP_REBOOT:
    case SCN_STEP_SET:
    case SCN_STEP_BOOTDEVICE:
      call.aSetting = pStep->aSetting;
      call.nSetting = pStep->nSetting;
      call.cLetter = pStep->cLetter;
      call.zTarget = zT = bsim_resolve(p, pStep->zTarget);
      bsim_ok_or_error(&out, simstep_run(p->pM, &call, NULL, &res));
      free(zT);
      break;
    case SCN_STEP_AS:
      bsim_step_as(p, pStep, &out);
      break;
    default:
      pRes->eOutcome = BACKEND_ERROR;
      pRes->zReason = bsim_strdup("unknown step kind");
      strbuf_reset(&out);
      return 0;
  }
  pRes->eOutcome = BACKEND_DONE;
  pRes->zOutput = strbuf_take(&out);
  return 0;
}

/* ---------------------------------------------------------------- 6 ---- */

/* A small table whose first columns are padded to a common width. */
typedef struct BsimTable BsimTable;
struct BsimTable {
  char **azCell;             /* nRow*nCol cells, row-major (malloc'd) */
  int nRow;                  /* rows */
  int nRowAlloc;             /* rows allocated */
  int nCol;                  /* columns */
};

static void bsim_table_row(BsimTable *pT, const char *const *azCol){
  int i;
  if( pT->nRow>=pT->nRowAlloc ){
    int nNew = pT->nRowAlloc ? pT->nRowAlloc*2 : 8;
    pT->azCell = realloc(pT->azCell, (size_t)nNew*(size_t)pT->nCol*sizeof(char*));
    if( pT->azCell==NULL ) bsim_oom();
    pT->nRowAlloc = nNew;
  }
  for(i=0; i<pT->nCol; i++){
    pT->azCell[pT->nRow*pT->nCol+i] = bsim_strdup(azCol[i] ? azCol[i] : "");
  }
  pT->nRow++;
}

static void bsim_table_flush(BsimTable *pT, StrBuf *pOut, const char *zIndent){
  int r, c;
  size_t aW[8] = {0};
  for(r=0; r<pT->nRow; r++){
    for(c=0; c<pT->nCol && c<8; c++){
      size_t n = strlen(pT->azCell[r*pT->nCol+c]);
      if( n>aW[c] ) aW[c] = n;
    }
  }
  for(r=0; r<pT->nRow; r++){
    StrBuf line = {0};
    strbuf_puts(&line, zIndent);
    for(c=0; c<pT->nCol; c++){
      const char *z = pT->azCell[r*pT->nCol+c];
      if( c<pT->nCol-1 ) strbuf_printf(&line, "%-*s  ", (int)aW[c], z);
      else strbuf_puts(&line, z);
    }
    /* no trailing blanks */
    while( line.n>0 && line.z[line.n-1]==' ' ) line.z[--line.n] = 0;
    strbuf_puts(pOut, strbuf_text(&line));
    strbuf_puts(pOut, "\n");
    strbuf_reset(&line);
  }
  for(r=0; r<pT->nRow*pT->nCol; r++) free(pT->azCell[r]);
  free(pT->azCell);
  memset(pT, 0, sizeof(*pT));
}

typedef struct BsimDesc BsimDesc;
struct BsimDesc {
  BackendConn *p;            /* the instance */
  StrBuf *pOut;              /* the description */
  BsimTable t;               /* rows being gathered */
  SimLuid luid;              /* the session being drawn */
};

static char *bsim_rendered(const BackendConn *p, const char *z){
  StrBuf b = {0};
  bsim_render(p, &b, z);
  return strbuf_take(&b);
}

static int bsim_desc_link(void *pCtx, const SimLinkInfo *pL){
  BsimDesc *pD = pCtx;
  char *zT = bsim_rendered(pD->p, pL->zTarget);
  char zMore[48] = "";
  const char *az[3];
  if( pL->nTarget>1 ){
    snprintf(zMore, sizeof(zMore), "(+%d earlier target%s)", pL->nTarget-1,
             pL->nTarget>2 ? "s" : "");
  }
  az[0] = pL->zName; az[1] = zT; az[2] = zMore;
  bsim_table_row(&pD->t, az);
  free(zT);
  return 0;
}

static int bsim_desc_conn(void *pCtx, const SimConnInfo *pC){
  BsimDesc *pD = pCtx;
  char zL[16], zNote[192] = "";
  const char *az[3];
  zL[0] = pC->cLetter; zL[1] = ':'; zL[2] = 0;
  if( pC->cLetter==0 ) snprintf(zL, sizeof(zL), "(no letter)");
  if( pC->bShared ){
    snprintf(zNote, sizeof(zNote), "%sshared with the linked half (made by {%s})",
             pC->bImplicit ? "implicit (opened by a path), " : "",
             bsim_luid_name(pD->p, pC->luidCreator));
  }else if( pC->bImplicit ){
    snprintf(zNote, sizeof(zNote), "implicit (opened by a path)");
  }
  az[0] = zL; az[1] = pC->zRemote; az[2] = zNote;
  bsim_table_row(&pD->t, az);
  return 0;
}

static int bsim_desc_set(void *pCtx, const SimCredSetInfo *pS){
  BsimDesc *pD = pCtx;
  static const char *const azKind[] = {"explicit", "vault", "own", "anonymous"};
  char zUsed[64];
  const char *az[3];
  snprintf(zUsed, sizeof(zUsed), "%s, kept by %d connection%s",
           azKind[pS->eKind], pS->nConn, pS->nConn==1 ? "" : "s");
  az[0] = pS->zServer;
  az[1] = pS->zUser ? pS->zUser : "(anonymous)";
  az[2] = zUsed;
  bsim_table_row(&pD->t, az);
  return 0;
}

static const char *bsim_logon_word(SimLogonType e){
  static const char *const az[SIM_LOGON_COUNT] = {
    "interactive", "rdp", "runas", "batch", "service", "network", "winrm",
    "credssp", "become", "current", "ssh", "batch s4u", "netonly",
    "elevate (credential prompt)", "boot"
  };
  return ((int)e>=0 && e<SIM_LOGON_COUNT && az[e]) ? az[e] : "?";
}

static int bsim_desc_session(void *pCtx, const SimTokenInfo *pI){
  BsimDesc *pD = pCtx;
  BackendConn *p = pD->p;
  StrBuf *pOut = pD->pOut;
  int bDir = 0;

  strbuf_printf(pOut, "\nLogon session {%s}: %s, %s token", bsim_luid_name(p, pI->luid),
                pI->zUser, bsim_elevation_word(pI->eElevation));
  if( pI->luid!=SIM_LUID_SYSTEM ){
    strbuf_printf(pOut, ", %s logon", bsim_logon_word(pI->eLogonType));
  }
  if( pI->luidLinked ) strbuf_printf(pOut, ", linked to {%s}", bsim_luid_name(p, pI->luidLinked));
  if( !pI->bHasCredentials ) strbuf_puts(pOut, ", no credentials");
  else if( pI->zOutUser ) strbuf_printf(pOut, ", credentials of %s go out", pI->zOutUser);
  if( pI->bHasCredentials && !pI->bVault ) strbuf_puts(pOut, ", no vault");
  strbuf_puts(pOut, "\n");

  if( pI->luid==SIM_LUID_SYSTEM ){
    strbuf_puts(pOut, "  no local directory: what SYSTEM defines or maps is global\n");
  }else if( !sim_policy_effective(p->pM, SIM_POL_LUID_DEVICE_MAPS) ){
    strbuf_puts(pOut, "  no local directory: LUID device maps are off\n");
  }else{
    pD->luid = pI->luid;
    sim_dosdev_visit_session(p->pM, pI->luid, &bDir, bsim_desc_link, pD);
    strbuf_printf(pOut, "  \\Sessions\\0\\DosDevices\\{%s}", bsim_luid_name(p, pI->luid));
    if( !bDir ) strbuf_puts(pOut, "  (not created yet)\n");
    else if( pD->t.nRow==0 ) strbuf_puts(pOut, "  (empty)\n");
    else strbuf_puts(pOut, "\n");
    bsim_table_flush(&pD->t, pOut, "    ");
  }

  pD->t.nCol = 3;
  sim_wnet_visit_connections(p->pM, pI->luid, bsim_desc_conn, pD);
  if( pD->t.nRow ){
    strbuf_puts(pOut, "  connections\n");
    bsim_table_flush(&pD->t, pOut, "    ");
  }
  pD->t.nCol = 3;
  sim_wnet_visit_credsets(p->pM, pI->luid, bsim_desc_set, pD);
  if( pD->t.nRow ){
    strbuf_puts(pOut, "  credentials held per server\n");
    bsim_table_flush(&pD->t, pOut, "    ");
  }
  pD->t.nCol = 3;
  return 0;
}

static int bsim_desc_net(void *pCtx, const SimNetValues *pV){
  BsimDesc *pD = pCtx;
  char zL[3], zUser[160];
  const char *az[3];
  zL[0] = pV->cLetter; zL[1] = ':'; zL[2] = 0;
  snprintf(zUser, sizeof(zUser), "user=%s", pV->zUserName ? pV->zUserName : "");
  az[0] = zL; az[1] = pV->zRemotePath; az[2] = zUser;
  bsim_table_row(&pD->t, az);
  return 0;
}

static int bsim_desc_vault(void *pCtx, const SimCredInfo *pC){
  BsimDesc *pD = pCtx;
  char zUser[160];
  const char *az[3];
  snprintf(zUser, sizeof(zUser), "user=%s", pC->zUser);
  az[0] = pC->zTarget; az[1] = zUser; az[2] = "";
  bsim_table_row(&pD->t, az);
  return 0;
}

static int bsim_desc_user(void *pCtx, const SimUserInfo *pU){
  BsimDesc *pD = pCtx;
  BackendConn *p = pD->p;
  StrBuf body = {0};
  int bDefault = 1;

  pD->t.nCol = 3;
  sim_reg_visit_user_network(p->pM, pU->zName, bsim_desc_net, pD);
  if( pD->t.nRow ){
    strbuf_puts(&body, "    HKCU\\Network (remembered connections)\n");
    bsim_table_flush(&pD->t, &body, "      ");
  }
  pD->t.nCol = 3;
  sim_cred_visit_user(p->pM, pU->zName, bsim_desc_vault, pD);
  if( pD->t.nRow ){
    strbuf_puts(&body, "    vault (Credential Manager)\n");
    bsim_table_flush(&pD->t, &body, "      ");
  }
  pD->t.nCol = 3;
  sim_reg_user_net_use_default(p->pM, pU->zName, &bDefault);
  if( !bDefault ) strbuf_puts(&body, "    net use default: /persistent:no\n");
  if( body.n ){
    strbuf_printf(pD->pOut, "  %s\n%s", pU->zName, strbuf_text(&body));
  }
  strbuf_reset(&body);
  return 0;
}

static int bsim_desc_global(void *pCtx, const SimLinkInfo *pL){
  BsimDesc *pD = pCtx;
  if( pL->nTarget==1 && bsim_is_fixed_disk_link(sim_machine_fixed_disks(pD->p->pM), pL) ){
    const char *az[3];
    az[0] = pL->zName; az[1] = pL->zTarget; az[2] = "(fixed disk)";
    bsim_table_row(&pD->t, az);
    return 0;
  }
  return bsim_desc_link(pCtx, pL);
}

static int bsim_desc_boot(void *pCtx, const char *zName, const char *zTarget){
  BsimDesc *pD = pCtx;
  char *zT = bsim_rendered(pD->p, zTarget);
  const char *az[3];
  az[0] = zName; az[1] = zT; az[2] = "";
  bsim_table_row(&pD->t, az);
  free(zT);
  return 0;
}

static char *bsim_describe(BackendConn *p){
  StrBuf out = {0}, users = {0};
  BsimDesc d;
  int i;
  static const char *const azPol[SIM_POL_COUNT] = {
    "uac", "filter-admin-token", "local-account-token-filter",
    "linked-connections", "restore-connections", "luid-maps",
    "protection-mode", "consent-prompt"
  };

  memset(&d, 0, sizeof(d));
  d.p = p;
  d.pOut = &out;
  d.t.nCol = 3;

  strbuf_puts(&out, "\\GLOBAL??\n");
  sim_dosdev_visit_global(p->pM, bsim_desc_global, &d);
  if( d.t.nRow==0 ) strbuf_puts(&out, "  (empty)\n");
  bsim_table_flush(&d.t, &out, "  ");
  d.t.nCol = 3;

  /* W2: a policy set but not in effect until the next reboot */
  for(i=0; i<SIM_POL_COUNT; i++){
    int bReg = sim_policy_registry(p->pM, (SimPolicy)i);
    if( bReg!=sim_policy_effective(p->pM, (SimPolicy)i) ){
      if( d.t.nRow==0 ) strbuf_puts(&out, "\nPolicies waiting for the next reboot\n");
      {
        const char *az[3];
        az[0] = azPol[i]; az[1] = bReg ? "on" : "off";
        az[2] = bReg ? "(now off)" : "(now on)";
        bsim_table_row(&d.t, az);
      }
    }
  }
  bsim_table_flush(&d.t, &out, "  ");
  d.t.nCol = 3;

  sim_reg_visit_boot_devices(p->pM, bsim_desc_boot, &d);
  if( d.t.nRow ){
    strbuf_puts(&out, "\nSession Manager\\DOS Devices (each value becomes a global link at boot)\n");
    bsim_table_flush(&d.t, &out, "  ");
  }
  d.t.nCol = 3;

  sim_session_visit(p->pM, bsim_desc_session, &d);

  d.pOut = &users;
  sim_machine_visit_users(p->pM, bsim_desc_user, &d);
  if( users.n ){
    strbuf_printf(&out, "\nUsers\n%s", strbuf_text(&users));
  }
  strbuf_reset(&users);
  /* no trailing newline */
  if( out.n>0 && out.z[out.n-1]=='\n' ) out.z[--out.n] = 0;
  return strbuf_take(&out);
}

/* ---------------------------------------------------------------- 7 ---- */

/* xRulesFired: the rule IDs the model marked during the last xStep, in the
** order of SEMANTICS, space-separated. Returns 1 (zBuf empty) when they do
** not fit in nBuf bytes. */
static int bsim_rules_fired(BackendConn *p, char *zBuf, int nBuf){
  SimRuleSet set = sim_rules_fired(p->pM);
  int i, n = 0;
  if( zBuf==NULL || nBuf<1 ) return 1;
  zBuf[0] = 0;
  for(i=0; i<SIM_RULE_COUNT; i++){
    if( sim_ruleset_has(&set, (SimRule)i) ){
      int k = snprintf(zBuf+n, (size_t)(nBuf-n), "%s%s", n ? " " : "",
                       sim_rule_name((SimRule)i));
      if( k<0 || k>=nBuf-n ){
        zBuf[0] = 0;
        return 1;
      }
      n += k;
    }
  }
  return 0;
}

/* ---- visual helper's addition: what explain's pictures need ---- */
const char *backend_sim_luid_name(BackendConn *p, SimLuid luid){
  return bsim_luid_name(p, luid);
}

char *backend_sim_render(BackendConn *p, const char *zText){
  return bsim_rendered(p, zText ? zText : "");
}
/* ---- end of the visual helper's addition ---- */

const BackendOps backend_sim_ops = {
  "sim",
  bsim_open,
  bsim_step,
  bsim_host_facts,
  bsim_describe,
  bsim_close,
  NULL,                /* xShutdown: nothing stays warm */
  bsim_rules_fired     /* xRulesFired */
};
