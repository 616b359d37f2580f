/*
** runner/explore/fastpath.c: the explorer's fast path on the model, and the
** invariants it checks after every step.
**
** exp_sim_step() turns an ExpStep into a SimStepCall and has simstep_run()
** (runner/backends/simstep.c, the one mapping from a step to model calls,
** which the sim backend uses for the step's text form too) make the model
** calls; listings come back row by row to visitors that hash and check
** them, so no text is built or parsed and model-only exploration runs at
** millions of steps per second. After each step the invariants over the
** part of the machine the step could have changed are checked: the acting
** logon session and its linked half, the global directory, the acting
** user's hive and vault; after a logon, logoff, reboot, policy change or
** boot device, the whole machine. Listings are checked as they are walked.
**
** Contents:
**   1. Invariant names
**   2. Small helpers (redirector links, visitors)
**   3. Checks of one session, the global directory, the accounts
**   4. Opening a machine on a world
**   5. Applying a step
*/
#include "runner/explore/explore.h"
#include "runner/backends/backend_sim.h"
#include "runner/backends/simstep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/sim.h"

/* ---------------------------------------------------------------- 1 ---- */

static const char *const azInvName[EXP_INV_COUNT] = {
  "none", "link-owner", "no-password-in-hkcu", "listing-sorted",
  "ended-session-empty", "link-has-connection", "credential-set",
  "system-no-local-dir", "luid-maps-off-no-local", "token-pair",
  "hkcu-network-values", "reboot-only-system", "planted-divergence",
  "deviceless-never-remembered", "netonly-no-parent-links",
};
static const char *const azInvRules[EXP_INV_COUNT] = {
  "", "C1 C10 N3 N5", "C6", "C12 N7 K1 (canonical listings)",
  "L8 L9 L10", "C1 C9", "C5", "N3", "N5", "L2 L3 L4 L11 L12", "C6 R6", "L9",
  "(planted model bug)", "C14 R1", "L12 N1",
};

const char *exp_invariant_name(ExpInvariant e){
  return (unsigned)e < EXP_INV_COUNT ? azInvName[e] : "?";
}
const char *exp_invariant_rules(ExpInvariant e){
  return (unsigned)e < EXP_INV_COUNT ? azInvRules[e] : "";
}

/* Record a failed invariant (the first one wins). Returns 1. */
static int exp_fail(ExpSim *pX, ExpInvariant e, const char *zFormat, const char *zArg,
                    unsigned long long iArg){
  if( pX->eFailed == EXP_INV_NONE ){
    pX->eFailed = e;
    char zMsg[200];
    snprintf(zMsg, sizeof(zMsg), zFormat, zArg ? zArg : "", iArg);
    snprintf(pX->zDetail, sizeof(pX->zDetail), "%s: %s", azInvName[e], zMsg);
  }
  return 1;
}

/* ---------------------------------------------------------------- 2 ---- */

/* Mix a string (case-folded: outputs compare names without case) and a
** separator into an FNV-1a hash. */
static uint64_t exp_mix(uint64_t h, const char *z){
  if( z ){
    for(; *z; z++){
      unsigned char c = (unsigned char)*z;
      if( c >= 'a' && c <= 'z' ) c = (unsigned char)(c - 32);
      h = (h ^ c) * 0x100000001b3ull;
    }
  }
  return (h ^ 0xff) * 0x100000001b3ull;
}
static uint64_t exp_mix_int(uint64_t h, unsigned long long v){
  for(int i = 0; i < 8; i++){
    h = (h ^ (v & 0xff)) * 0x100000001b3ull;
    v >>= 8;
  }
  return h;
}

static const char zRdr[] = "\\Device\\LanmanRedirector\\;";

/* If zTarget is a redirector link, set *pLuid from its 16 hex digits and
** return 1; else 0. */
static int exp_rdr_luid(const char *zTarget, SimLuid *pLuid){
  size_t n = sizeof(zRdr) - 1;
  if( strncasecmp(zTarget, zRdr, n) != 0 ) return 0;
  const char *p = zTarget + n;
  if( p[0] == 0 || p[1] != ':' ) return 0;
  p += 2;
  SimLuid v = 0;
  for(int i = 0; i < 16; i++){
    char c = p[i];
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
          : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    if( d < 0 ) return 0;
    v = (v << 4) | (SimLuid)d;
  }
  *pLuid = v;
  return 1;
}

/* Walks a link listing, checking it is sorted and unique. */
typedef struct ExpLinkWalk ExpLinkWalk;
struct ExpLinkWalk {
  ExpSim *pX;                /* where failures go */
  SimLuid luidDir;           /* the directory's owner, 0 for global */
  SimLuid luidLinked;        /* its linked half, or 0 */
  const char *zPrev;         /* previous name (the machine's, valid
                             ** during the walk) */
  int nLine;                 /* links seen */
  int bLocalOnly;            /* count only; no ownership checks (a view) */
  uint64_t h;                /* FNV-1a of names and current targets */
};

/* Does the session own a connection whose link is zLink? */
typedef struct ExpConnFind ExpConnFind;
struct ExpConnFind {
  const char *zLink;         /* the link sought */
  int bFound;                /* found */
};
static int exp_conn_find_visit(void *pCtx, const SimConnInfo *pConn){
  ExpConnFind *p = pCtx;
  if( pConn->zLink && strcasecmp(pConn->zLink, p->zLink) == 0 ){
    p->bFound = 1;
    return 1;
  }
  return 0;
}

/* Targets of one link: redirector entries must belong to the directory's
** owner (or its linked half) and be backed by a connection. */
typedef struct ExpTargetWalk ExpTargetWalk;
struct ExpTargetWalk {
  ExpLinkWalk *pWalk;        /* the directory walk */
  const char *zName;         /* the link's name */
};

static int exp_boot_snapshot_has(const ExpSim *pX, const char *zTarget);

static int exp_target_visit(void *pCtx, const char *zTarget){
  ExpTargetWalk *pT = pCtx;
  ExpLinkWalk *pW = pT->pWalk;
  ExpSim *pX = pW->pX;
  SimLuid luid;
  if( !exp_rdr_luid(zTarget, &luid) ) return 0;
  if( pW->luidDir != 0 ){
    if( luid != pW->luidDir && luid != pW->luidLinked ){
      exp_fail(pX, EXP_INV_LINK_OWNER, "%s in a session directory names "
               "LUID %llx, neither the session nor its linked half", zTarget, luid);
      return 1;
    }
    ExpConnFind f = { zTarget, 0 };
    sim_wnet_visit_connections(pX->pM, pW->luidDir, exp_conn_find_visit, &f);
    if( !f.bFound ){
      exp_fail(pX, EXP_INV_CONN_LINK, "%s in a session directory has no "
               "connection of that session", zTarget, 0);
      return 1;
    }
    return 0;
  }
  /* \GLOBAL??: SYSTEM's (C1 N3), a boot device (G5), or with LUID device
  ** maps off any live session's (N5). */
  if( luid == SIM_LUID_SYSTEM ){
    ExpConnFind f = { zTarget, 0 };
    sim_wnet_visit_connections(pX->pM, SIM_LUID_SYSTEM, exp_conn_find_visit, &f);
    if( !f.bFound && !exp_boot_snapshot_has(pX, zTarget) ){
      exp_fail(pX, EXP_INV_CONN_LINK, "global %s has no connection of SYSTEM "
               "and was no boot device", zTarget, 0);
      return 1;
    }
    return 0;
  }
  if( !sim_session_exists(pX->pM, luid) ){
    if( exp_boot_snapshot_has(pX, zTarget) ) return 0;
    exp_fail(pX, EXP_INV_LINK_OWNER, "global %s names LUID %llx, which is "
             "not a live session", zTarget, luid);
    return 1;
  }
  if( sim_policy_effective(pX->pM, SIM_POL_LUID_DEVICE_MAPS) ){
    exp_fail(pX, EXP_INV_LINK_OWNER, "global %s belongs to LUID %llx although "
             "LUID device maps are on", zTarget, luid);
    return 1;
  }
  ExpConnFind f = { zTarget, 0 };
  sim_wnet_visit_connections(pX->pM, luid, exp_conn_find_visit, &f);
  if( !f.bFound ){
    exp_fail(pX, EXP_INV_CONN_LINK, "global %s has no connection of its "
             "session", zTarget, 0);
    return 1;
  }
  return 0;
}

static int exp_link_visit(void *pCtx, const SimLinkInfo *pLink){
  ExpLinkWalk *pW = pCtx;
  if( pW->zPrev && strcmp(pW->zPrev, pLink->zName) >= 0 ){
    exp_fail(pW->pX, EXP_INV_SORTED, "links out of order or repeated at %s",
             pLink->zName, 0);
    return 1;
  }
  pW->zPrev = pLink->zName;
  pW->nLine++;
  if( pW->bLocalOnly ){
    pW->h = exp_mix(exp_mix(exp_mix(pW->h, pLink->zName), pLink->zTarget),
                    pLink->bGlobal ? "g" : "l");
    return 0;
  }
  ExpTargetWalk t = { pW, pLink->zName };
  if( sim_dosdev_visit_targets(pW->pX->pM, pW->luidDir, pLink->zName,
                               exp_target_visit, &t) != 0 ){
    exp_fail(pW->pX, EXP_INV_SORTED, "listed link %s has no targets",
             pLink->zName, 0);
  }
  return pW->pX->eFailed != EXP_INV_NONE;
}

/* ---------------------------------------------------------------- 3 ---- */

typedef struct ExpSetCount ExpSetCount;
struct ExpSetCount {
  SimLuid luid;              /* the session */
  const char *zServer;       /* the set's server */
  int n;                     /* connections in its list to that server (its
                             ** own and, C10 v2, shared ones) */
};
static int exp_server_match(const char *zRemote, const char *zServer){
  if( zRemote[0] != '\\' || zRemote[1] != '\\' ) return 0;
  const char *p = zRemote + 2;
  size_t n = strlen(zServer);
  return strncasecmp(p, zServer, n) == 0 && p[n] == '\\';
}
static int exp_setcount_visit(void *pCtx, const SimConnInfo *pConn){
  ExpSetCount *p = pCtx;
  if( exp_server_match(pConn->zRemote, p->zServer) ) p->n++;
  return 0;
}

typedef struct ExpSetWalk ExpSetWalk;
struct ExpSetWalk {
  ExpSim *pX;                /* where failures go */
  SimLuid luid;              /* the session */
  const char *zPrev;         /* previous server (the machine's) */
  int n;                     /* sets seen */
};
static int exp_credset_visit(void *pCtx, const SimCredSetInfo *pSet){
  ExpSetWalk *pW = pCtx;
  if( pW->zPrev && strcasecmp(pW->zPrev, pSet->zServer) >= 0 ){
    return exp_fail(pW->pX, EXP_INV_SORTED, "credential sets out of order at %s",
                    pSet->zServer, 0);
  }
  pW->zPrev = pSet->zServer;
  pW->n++;
  ExpSetCount c = { pW->luid, pSet->zServer, 0 };
  sim_wnet_visit_connections(pW->pX->pM, pW->luid, exp_setcount_visit, &c);
  if( pSet->nConn <= 0 || c.n != pSet->nConn ){
    char z[160];
    snprintf(z, sizeof(z), "the set for %s is kept by %d connections, but the "
             "session has %d", pSet->zServer, pSet->nConn, c.n);
    return exp_fail(pW->pX, EXP_INV_CREDSET, "%s", z, 0);
  }
  return 0;
}

/* Check one live session (its token, directory, connections, sets). */
static void exp_check_session(ExpSim *pX, SimLuid luid){
  SimTokenInfo ti;
  if( sim_token_query(pX->pM, luid, &ti) != 0 ) return;
  if( luid == SIM_LUID_SYSTEM ){
    int bExists = 1;
    sim_dosdev_visit_session(pX->pM, luid, &bExists, NULL, NULL);
    if( bExists ) exp_fail(pX, EXP_INV_SYSTEM_NO_DIR, "SYSTEM has a local directory%s", "", 0);
  }else{
    /* L2 L3 L4 */
    if( ti.luidLinked ){
      SimTokenInfo li;
      if( sim_token_query(pX->pM, ti.luidLinked, &li) != 0 ){
        exp_fail(pX, EXP_INV_TOKEN_PAIR, "a live session%s has lost its linked half %llx",
                 "", ti.luidLinked);
        return;
      }
      int bPair = (ti.eElevation == SIM_ELEVATION_FULL && li.eElevation == SIM_ELEVATION_LIMITED)
               || (ti.eElevation == SIM_ELEVATION_LIMITED && li.eElevation == SIM_ELEVATION_FULL);
      if( li.luidLinked != luid || !bPair || strcasecmp(ti.zUser, li.zUser) != 0 ){
        exp_fail(pX, EXP_INV_TOKEN_PAIR, "session of %s (LUID %llx) and its linked half are not a "
                 "full/limited pair of one user", ti.zUser, luid);
        return;
      }
    }else if( ti.eElevation != SIM_ELEVATION_DEFAULT && ti.eLogonType != SIM_LOGON_NETONLY ){
      /* L11: ssh's token is a network logon's; L12: a netonly token is a
      ** copy of its from= half's, so of any elevation, and unlinked */
      int bRemote = ti.eLogonType == SIM_LOGON_NETWORK || ti.eLogonType == SIM_LOGON_WINRM
                 || ti.eLogonType == SIM_LOGON_CREDSSP || ti.eLogonType == SIM_LOGON_SSH;
      if( !(bRemote && ti.eElevation == SIM_ELEVATION_LIMITED) ){
        exp_fail(pX, EXP_INV_TOKEN_PAIR, "unsplit session of %s has elevation "
                 "%llu (only a remote filtered token may be limited)",
                 ti.zUser, (unsigned long long)ti.eElevation);
        return;
      }
    }
    if( ti.eKind == SIM_ACCOUNT_STANDARD && ti.eElevation != SIM_ELEVATION_DEFAULT ){
      exp_fail(pX, EXP_INV_TOKEN_PAIR, "standard user %s has a split token", ti.zUser, 0);
      return;
    }
    ExpLinkWalk w;
    memset(&w, 0, sizeof(w));
    w.pX = pX;
    w.luidDir = luid;
    w.luidLinked = ti.luidLinked;
    int bExists = 0;
    sim_dosdev_visit_session(pX->pM, luid, &bExists, exp_link_visit, &w);
    if( w.nLine > 0 && !sim_policy_effective(pX->pM, SIM_POL_LUID_DEVICE_MAPS) ){
      exp_fail(pX, EXP_INV_LUID_MAPS_OFF, "session %s has local links with "
               "LUID device maps off", ti.zUser, 0);
    }
  }
  ExpSetWalk sw;
  memset(&sw, 0, sizeof(sw));
  sw.pX = pX;
  sw.luid = luid;
  sim_wnet_visit_credsets(pX->pM, luid, exp_credset_visit, &sw);
}

static void exp_check_global(ExpSim *pX){
  ExpLinkWalk w;
  memset(&w, 0, sizeof(w));
  w.pX = pX;
  sim_dosdev_visit_global(pX->pM, exp_link_visit, &w);
}

/* The passwords of the world and the wrong one: none may be stored. */
typedef struct ExpNetWalk ExpNetWalk;
struct ExpNetWalk {
  ExpSim *pX;                /* where failures go */
  int iPrev;                 /* previous letter, 0 at first */
  uint32_t mEdited;          /* letters a `reg` step wrote (R6) */
};
static int exp_has_secret(const ExpWorld *pW, const char *z){
  if( z == NULL || z[0] == 0 ) return 0;
  for(int i = 0; i <= pW->nUser; i++){
    const char *zPw = i < pW->nUser ? pW->azPassword[i] : "Wr0ng-pw";
    if( zPw == NULL || zPw[0] == 0 ) continue;
    if( strcmp(z, zPw) == 0 ) return 1;
    if( strlen(zPw) >= 4 && strstr(z, zPw) ) return 1;
  }
  return 0;
}
static int exp_net_visit(void *pCtx, const SimNetValues *pV){
  ExpNetWalk *p = pCtx;
  ExpSim *pX = p->pX;
  if( pV->cLetter <= p->iPrev ){
    char z[2] = { pV->cLetter, 0 };
    return exp_fail(pX, EXP_INV_SORTED, "HKCU\\Network out of order at %s", z, 0);
  }
  p->iPrev = pV->cLetter;
  if( exp_has_secret(pX->pW, pV->zUserName) || exp_has_secret(pX->pW, pV->zRemotePath) ){
    char z[2] = { pV->cLetter, 0 };
    return exp_fail(pX, EXP_INV_NO_PASSWORD, "HKCU\\Network\\%s holds a password", z, 0);
  }
  if( (p->mEdited & (1u << ((pV->cLetter - 'A') & 31))) == 0
   && (pV->zProviderName == NULL || strcmp(pV->zProviderName, "Microsoft Windows Network") != 0
       || pV->nProviderType != 0x20000 || pV->nConnectionType != 1) ){
    char z[2] = { pV->cLetter, 0 };
    return exp_fail(pX, EXP_INV_NET_VALUES, "HKCU\\Network\\%s has wrong fixed values", z, 0);
  }
  return 0;
}

typedef struct ExpCredWalk ExpCredWalk;
struct ExpCredWalk {
  ExpSim *pX;                /* where failures go */
  const char *zPrev;         /* previous target (the machine's) */
  int n;                     /* credentials seen */
  int nLine;                 /* lines (for cmdkey /list) */
  uint64_t h;                /* FNV-1a of the lines */
};
static int exp_cred_visit(void *pCtx, const SimCredInfo *pC){
  ExpCredWalk *p = pCtx;
  if( p->zPrev && strcasecmp(p->zPrev, pC->zTarget) >= 0 ){
    return exp_fail(p->pX, EXP_INV_SORTED, "vault out of order or repeated at %s",
                    pC->zTarget, 0);
  }
  p->zPrev = pC->zTarget;
  p->n++;
  p->nLine++;
  p->h = exp_mix(exp_mix(p->h, pC->zTarget), pC->zUser);
  return 0;
}

static int exp_user_index(const ExpWorld *pW, const char *zUser);

static void exp_check_user(ExpSim *pX, const char *zUser){
  ExpNetWalk nw = { pX, 0, 0 };
  if( pX->bRegEdited ){
    int iU = exp_user_index(pX->pW, zUser);
    if( iU >= 0 ) nw.mEdited = pX->amRegEdited[iU];
  }
  sim_reg_visit_user_network(pX->pM, zUser, exp_net_visit, &nw);
  ExpCredWalk cw;
  memset(&cw, 0, sizeof(cw));
  cw.pX = pX;
  sim_cred_visit_user(pX->pM, zUser, exp_cred_visit, &cw);
}

static int exp_session_visit(void *pCtx, const SimTokenInfo *pInfo){
  ExpSim *pX = pCtx;
  exp_check_session(pX, pInfo->luid);
  return pX->eFailed != EXP_INV_NONE;
}

/* A global link no connection backs must be a boot device (G5); their
** targets come only from the generator's table. */
static int exp_boot_snapshot_has(const ExpSim *pX, const char *zTarget){
  (void)pX;
  for(int i = 0; i < exp_target_count(); i++){
    if( strcasecmp(exp_target(i)->zSim, zTarget) == 0 ) return 1;
  }
  return 0;
}

static void exp_check_netonly_of(ExpSim *pX, SimLuid tok);

/* The whole machine, but of the world's accounts only the hives and vaults
** of those in mUsers (bit i: account i): a logon, logoff or policy change
** writes no other account's HKCU\Network or vault. */
static ExpInvariant exp_check_machine(ExpSim *pX, uint32_t mUsers){
  if( pX->eFailed ) return pX->eFailed;
  sim_session_visit(pX->pM, exp_session_visit, pX);
  if( pX->eFailed ) return pX->eFailed;
  exp_check_global(pX);
  for(int i = 0; i < pX->pW->nUser && !pX->eFailed; i++){
    if( mUsers & (1u << i) ) exp_check_user(pX, pX->pW->azUser[i]);
  }
  for(int i = 0; i < pX->nEnded && !pX->eFailed; i++){
    SimLuid luid = pX->aEnded[i];
    int bExists = 0;
    if( sim_session_exists(pX->pM, luid)
     || sim_dosdev_visit_session(pX->pM, luid, &bExists, NULL, NULL) != ERROR_NO_SUCH_LOGON_SESSION
     || sim_wnet_visit_connections(pX->pM, luid, NULL, NULL) != ERROR_NO_SUCH_LOGON_SESSION ){
      exp_fail(pX, EXP_INV_ENDED_NO_DIR, "ended session %sLUID %llx still answers", "", luid);
    }
  }
  if( pX->nNetonly && !pX->eFailed ) exp_check_netonly_of(pX, 0);
  return pX->eFailed;
}

ExpInvariant exp_sim_check_all(ExpSim *pX){
  return exp_check_machine(pX, 0xffffffffu);
}

/* ---------------------------------------------------------------- 4 ---- */

int exp_sim_open(ExpSim *pX, const ExpWorld *pW){
  memset(pX, 0, sizeof(*pX));
  pX->pW = pW;
  int rc = sim_machine_new(&pX->pM);
  if( rc ) return rc;
  char zErr[200];
  rc = simstep_world(pX->pM, pW->pWorld, zErr, sizeof(zErr));
  if( rc ){
    sim_machine_free(pX->pM);
    pX->pM = NULL;
  }
  return rc;
}

void exp_sim_close(ExpSim *pX){
  sim_machine_free(pX->pM);
  pX->pM = NULL;
}

/* The model's test-only switch (sim/machine.h, section 6). */
int exp_plant_bug(SimMachine *pM, unsigned iBug){
  if( iBug == 0 ) return 1;
  return sim_machine_plant_bug(pM, iBug);
}

/* ---------------------------------------------------------------- 5 ---- */

static void exp_note_ended(ExpSim *pX, SimLuid luid){
  if( luid == 0 ) return;
  pX->aEnded[pX->iEndedNext] = luid;
  pX->iEndedNext = (pX->iEndedNext + 1) % (int)(sizeof(pX->aEnded)/sizeof(pX->aEnded[0]));
  if( pX->nEnded < (int)(sizeof(pX->aEnded)/sizeof(pX->aEnded[0])) ) pX->nEnded++;
}

/* The token a logon name and half name, as the sim backend resolves them
** (bsim_half_token): the bare half, or the limited/elevated one of a
** split logon; 0 when there is none. Whether it is live is for
** simstep_run() to decide. */
static SimLuid exp_half(const ExpSim *pX, int iSlot, int eHalf){
  if( iSlot == EXP_SYSTEM || eHalf == SCN_HALF_SYSTEM ) return SIM_LUID_SYSTEM;
  if( iSlot >= EXP_MAX_SLOT ) return 0;
  SimLuid bare = pX->aBare[iSlot], linked = pX->aLinked[iSlot];
  if( eHalf == SCN_HALF_BARE || bare == 0 ) return bare;
  if( linked == 0 ) return 0;
  int bWantFull = eHalf == SCN_HALF_ELEVATED;
  return pX->abBareFull[iSlot] == bWantFull ? bare : linked;
}

/* Listing visitors that count lines and check the order (C12, N7). */
typedef struct ExpCount ExpCount;
struct ExpCount {
  ExpSim *pX;                /* where failures go */
  int n;                     /* lines */
  int iPrev;                 /* previous letter; 256 once the deviceless
                             ** rows began */
  const char *zPrev;         /* previous deviceless remote (the machine's) */
  uint64_t h;                /* FNV-1a of what the lines hold */
  int bRemembered;           /* wnet enum remembered */
};

/* C12, C14: lettered rows by letter, then deviceless rows (letter 0) by
** remote name, case-insensitively. 1 if cLetter/zRemote is out of order. */
static int exp_row_out_of_order(ExpCount *c, char cLetter, const char *zRemote){
  if( cLetter == 0 ){
    int bOut = c->iPrev == 256 && c->zPrev && strcasecmp(c->zPrev, zRemote) >= 0;
    c->iPrev = 256;
    c->zPrev = zRemote;
    return bOut;
  }
  if( cLetter <= c->iPrev ) return 1;
  c->iPrev = cLetter;
  return 0;
}

static int exp_use_visit(void *pCtx, const SimUseInfo *pU){
  ExpCount *c = pCtx;
  if( exp_row_out_of_order(c, pU->cLetter, pU->zRemote) ){
    return exp_fail(c->pX, EXP_INV_SORTED, "net use out of order or repeated%s", "",
                    (unsigned long long)pU->cLetter);
  }
  c->n++;
  c->h = exp_mix(exp_mix_int(c->h, (unsigned)pU->cLetter * 4u + (unsigned)pU->eStatus), pU->zRemote);
  return 0;
}
static int exp_res_visit(void *pCtx, const SimResourceInfo *pR){
  ExpCount *c = pCtx;
  if( exp_row_out_of_order(c, pR->cLetter, pR->zRemote) ){
    return exp_fail(c->pX, EXP_INV_SORTED, "wnet enum out of order or repeated%s", "",
                    (unsigned long long)pR->cLetter);
  }
  if( c->bRemembered && pR->cLetter == 0 ){
    return exp_fail(c->pX, EXP_INV_DEVICELESS_NOT_REMEMBERED, "wnet enum remembered "
                    "lists %s without a letter", pR->zRemote, 0);
  }
  c->n++;
  c->h = exp_mix(exp_mix_int(c->h, (unsigned)pR->cLetter), pR->zRemote);
  return 0;
}
static int exp_line_visit(void *pCtx, const char *z){
  ExpCount *c = pCtx;
  c->n++;
  c->h = exp_mix(c->h, z);
  return 0;
}
static int exp_netv_visit(void *pCtx, const SimNetValues *pV){
  ExpCount *c = pCtx;
  if( pV->cLetter <= c->iPrev ){
    return exp_fail(c->pX, EXP_INV_SORTED, "persisted out of order%s", "", 0);
  }
  c->iPrev = pV->cLetter;
  c->n++;
  c->h = exp_mix(exp_mix(exp_mix_int(c->h, (unsigned)pV->cLetter), pV->zRemotePath),
                 pV->zUserName);
  return 0;
}

/* The listing walkers of one step behind the shared mapping's single
** visitor context (ExpCount first, so every ExpCount visitor takes it). */
typedef struct ExpOut ExpOut;
struct ExpOut {
  ExpCount c;                /* net use, query, wnet enum, persisted */
  ExpCredWalk cw;            /* cmdkey /list */
  ExpLinkWalk w;             /* drives */
};
static int exp_out_cred(void *pCtx, const SimCredInfo *pC){
  return exp_cred_visit(&((ExpOut*)pCtx)->cw, pC);
}
static int exp_out_drive(void *pCtx, const SimLinkInfo *pL){
  return exp_link_visit(&((ExpOut*)pCtx)->w, pL);
}

/* A fingerprint of the caller's user's HKCU\Network (every value). */
static uint64_t exp_network_hash(ExpSim *pX, SimLuid tok){
  ExpCount c = { pX, 0, 0, NULL, 0xcbf29ce484222325ull, 0 };
  ExpInvariant eWas = pX->eFailed;
  sim_reg_read_network(pX->pM, tok, exp_netv_visit, &c);
  pX->eFailed = eWas;         /* order is checked elsewhere */
  return exp_mix_int(c.h, (unsigned long long)c.n);
}

/* The index of a user of the world in amRegEdited (SYSTEM last), or -1. */
static int exp_user_index(const ExpWorld *pW, const char *zUser){
  if( zUser == NULL ) return -1;
  if( strcasecmp(zUser, "SYSTEM") == 0 ) return pW->nUser;
  for(int i = 0; i < pW->nUser; i++){
    if( strcasecmp(pW->azUser[i], zUser) == 0 ) return i;
  }
  return -1;
}

/* C14 R1: a session a logon has just made holds no deviceless connection
** (what winlogon restores is remembered, and only lettered connections
** are remembered). */
static int exp_deviceless_visit(void *pCtx, const SimConnInfo *pConn){
  ExpSim *pX = pCtx;
  if( pConn->cLetter == 0 ){
    return exp_fail(pX, EXP_INV_DEVICELESS_NOT_REMEMBERED, "a new logon holds the "
                    "deviceless connection %s", pConn->zRemote, 0);
  }
  return 0;
}

/* L12 N1: the netonly session `luid` (made from parent, whose linked half
** is parentLinked) sees as local only links of its own directory, and its
** connections are its own. */
typedef struct ExpNetonlyWalk ExpNetonlyWalk;
struct ExpNetonlyWalk {
  ExpSim *pX;                /* where failures go */
  SimLuid luid;              /* the netonly session */
};
static int exp_noop_target(void *pCtx, const char *zTarget){
  (void)pCtx; (void)zTarget;
  return 0;
}
static int exp_netonly_link(void *pCtx, const SimLinkInfo *pL){
  ExpNetonlyWalk *pN = pCtx;
  SimLuid luid;
  if( pL->bGlobal ) return 0;
  if( sim_dosdev_visit_targets(pN->pX->pM, pN->luid, pL->zName, exp_noop_target, NULL) != 0 ){
    return exp_fail(pN->pX, EXP_INV_NETONLY_ISOLATED, "a netonly session sees the local "
                    "link %s, which its own directory lacks", pL->zName, 0);
  }
  if( exp_rdr_luid(pL->zTarget, &luid) && luid != pN->luid ){
    return exp_fail(pN->pX, EXP_INV_NETONLY_ISOLATED, "a netonly session sees %s, "
                    "a link of LUID %llx", pL->zTarget, luid);
  }
  return 0;
}
static int exp_netonly_conn(void *pCtx, const SimConnInfo *pConn){
  ExpNetonlyWalk *pN = pCtx;
  if( pConn->bShared || (pConn->luidCreator != 0 && pConn->luidCreator != pN->luid) ){
    return exp_fail(pN->pX, EXP_INV_NETONLY_ISOLATED, "a netonly session holds %s, a "
                    "connection another session made (LUID %llx)", pConn->zRemote,
                    pConn->luidCreator);
  }
  return 0;
}
static void exp_check_netonly(ExpSim *pX, int iSlot){
  ExpNetonlyWalk n = { pX, pX->aBare[iSlot] };
  if( n.luid == 0 || !sim_session_exists(pX->pM, n.luid) ) return;
  sim_dosdev_view(pX->pM, n.luid, exp_netonly_link, &n);
  if( !pX->eFailed ) sim_wnet_visit_connections(pX->pM, n.luid, exp_netonly_conn, &n);
}

/* Check the netonly sessions related to tok (0: all of them). */
static void exp_check_netonly_of(ExpSim *pX, SimLuid tok){
  for(int i = 0; i < EXP_MAX_SLOT && !pX->eFailed; i++){
    if( pX->aParent[i] == 0 ) continue;
    if( tok == 0 || tok == pX->aBare[i] || tok == pX->aParent[i]
     || tok == pX->aParentLinked[i] ){
      exp_check_netonly(pX, i);
    }
  }
}

/* Forget the netonly parent of a slot (its logon is over or replaced). */
static void exp_clear_parent(ExpSim *pX, int iSlot){
  if( pX->aParent[iSlot] ) pX->nNetonly--;
  pX->aParent[iSlot] = 0;
  pX->aParentLinked[iSlot] = 0;
}

/* The ExpStep in the model's terms, for simstep_run() (the strings are
** the world's and the tables'; the setting lives in *pSet). */
static void exp_call(const ExpSim *pX, const ExpStep *p, SimStepCall *pC, ScnSetting *pSet){
  const ExpWorld *pW = pX->pW;
  memset(pC, 0, sizeof(*pC));
  pC->eKind = (ScnStepKind)p->eKind;
  pC->ePersistent = -1;
  switch( (ScnStepKind)p->eKind ){
    case SCN_STEP_LOGON:
      pC->eLogonType = (ScnLogonType)p->eLogon;
      pC->bS4u = p->bS4u;
      pC->bHighest = p->bHighest;
      pC->zUser = pW->azUser[p->iUser];
      pC->zLogonPassword = p->ePass == 2 ? "Wr0ng-pw" : pW->azPassword[p->iUser];
      if( p->eLogon == SCN_LOGON_NETONLY || p->eLogon == SCN_LOGON_TASK
       || p->eLogon == SCN_LOGON_ELEVATE ){
        pC->tokFrom = p->iFrom == EXP_FROM_SYSTEM ? SIM_LUID_SYSTEM
                    : p->iFrom != 0 ? exp_half(pX, p->iFrom - 1, p->eFromHalf) : 0;
        if( p->eLogon == SCN_LOGON_ELEVATE ) pC->zLogonPassword = pW->azPassword[p->iUser];
      }
      break;
    case SCN_STEP_LOGOFF:
      pC->tok = p->iSlot < EXP_MAX_SLOT ? pX->aBare[p->iSlot] : 0;
      break;
    case SCN_STEP_SET:
      pSet->ePolicy = (ScnPolicy)p->ePolicy;
      pSet->bOn = p->bOn;
      pC->aSetting = pSet;
      pC->nSetting = 1;
      break;
    case SCN_STEP_BOOTDEVICE:
      pC->cLetter = (char)p->cLetter;
      pC->zTarget = p->iTarget == EXP_NONE ? NULL : exp_target(p->iTarget)->zSim;
      break;
    case SCN_STEP_AS: {
      ScnCmd e = (ScnCmd)p->eCmd;
      pC->eCmd = e;
      pC->tok = exp_half(pX, p->iSlot, p->eHalf);
      pC->cLetter = (char)p->cLetter;
      pC->zRemote = pW->azRemote[p->iRemote];
      pC->zCredUser = p->iUser != EXP_NONE ? pW->azUser[p->iUser] : NULL;
      pC->zCredPassword = exp_step_password(pW, p);
      pC->ePersistent = p->ePersistent;
      pC->mFlag = p->mFlag & (EXP_F_RAW|EXP_F_EXACT|EXP_F_UPDATE|EXP_F_TEMPORARY
                              |EXP_F_FORCE|EXP_F_REMEMBERED);
      if( e == SCN_CMD_CMDKEY_ADD || e == SCN_CMD_CMDKEY_DELETE ){
        pC->zTarget = exp_cred_target(pW, p);
      }else if( e == SCN_CMD_DEFINE || e == SCN_CMD_UNDEFINE || e == SCN_CMD_QUERY ){
        pC->zName = exp_name(p->iName);
        pC->zTarget = p->iTarget != EXP_NONE ? exp_target(p->iTarget)->zSim : NULL;
      }else if( e == SCN_CMD_REG_SET || e == SCN_CMD_REG_DELETE ){
        const ExpRegWrite *pR = p->iReg != EXP_NONE ? exp_reg(p->iReg) : NULL;
        pC->zRegValue = pR ? pR->zValue : NULL;
        if( e == SCN_CMD_REG_SET && pR ){
          pC->eRegType = (ScnRegType)pR->eType;
          pC->zRegData = pR->zData;
          pC->uRegDword = pR->uDword;
        }
      }else if( e == SCN_CMD_DIR ){
        /* pC->zPath is set by the caller (it needs a buffer) */
      }
      break;
    }
    default:
      break;
  }
}

int exp_sim_step(ExpSim *pX, const ExpStep *p, uint64_t *pHash){
  SimMachine *pM = pX->pM;
  int rc = 0, bFull = pX->bFullCheck, bGlobal = 0;
  uint64_t uHash = 0xcbf29ce484222325ull;
  SimLuid tok = 0;
  SimStepCall call;
  SimStepOut res;
  ScnSetting set;
  exp_call(pX, p, &call, &set);
  switch( (ScnStepKind)p->eKind ){
    case SCN_STEP_LOGON: {
      int iSlot = p->iSlot;
      rc = simstep_run(pM, &call, NULL, &res);
      pX->abLive[iSlot] = 1;
      pX->aBare[iSlot] = 0;
      pX->aLinked[iSlot] = 0;
      pX->abBareFull[iSlot] = 0;
      exp_clear_parent(pX, iSlot);
      if( rc == 0 ){
        pX->aBare[iSlot] = res.tokMade;
        pX->aLinked[iSlot] = res.made.luidLinked;
        pX->abBareFull[iSlot] = res.made.eElevation == SIM_ELEVATION_FULL;
        if( p->eLogon == SCN_LOGON_NETONLY ){
          SimTokenInfo ti;
          pX->aParent[iSlot] = call.tokFrom;
          if( call.tokFrom != SIM_LUID_SYSTEM && sim_token_query(pM, call.tokFrom, &ti) == 0 ){
            pX->aParentLinked[iSlot] = ti.luidLinked;
            /* L12: a copy of the from= half's token, linked to nothing */
            if( ti.eElevation != res.made.eElevation || res.made.luidLinked != 0
             || strcasecmp(ti.zUser, res.made.zUser) != 0 ){
              exp_fail(pX, EXP_INV_TOKEN_PAIR, "netonly session of %s is no unlinked copy "
                       "of its from= half (LUID %llx)", res.made.zUser, call.tokFrom);
            }
          }
          pX->nNetonly++;
        }
        /* C14 R1: a logon that made a new session restored no deviceless
        ** connection (task and consent elevation name an older half) */
        int bNew = 1;
        for(int i = 0; i < EXP_MAX_SLOT; i++){
          if( i != iSlot && (pX->aBare[i] == res.tokMade || pX->aLinked[i] == res.tokMade) ){
            bNew = 0;
          }
        }
        if( bNew ){
          sim_wnet_visit_connections(pM, res.tokMade, exp_deviceless_visit, pX);
          if( res.made.luidLinked && !pX->eFailed ){
            sim_wnet_visit_connections(pM, res.made.luidLinked, exp_deviceless_visit, pX);
          }
        }
      }
      bFull = 1;
      break;
    }
    case SCN_STEP_LOGOFF:
      pX->abLive[p->iSlot] = 0;
      rc = simstep_run(pM, &call, NULL, &res);
      if( rc == 0 ){
        exp_note_ended(pX, pX->aBare[p->iSlot]);
        exp_note_ended(pX, pX->aLinked[p->iSlot]);
      }
      bFull = 1;
      break;
    case SCN_STEP_REBOOT:
      for(int i = 0; i < EXP_MAX_SLOT; i++){
        if( pX->aBare[i] && sim_session_exists(pM, pX->aBare[i]) ){
          exp_note_ended(pX, pX->aBare[i]);
          exp_note_ended(pX, pX->aLinked[i]);
        }
      }
      rc = simstep_run(pM, &call, NULL, &res);
      memset(pX->abLive, 0, sizeof(pX->abLive));
      for(int i = 0; i < EXP_MAX_SLOT; i++) exp_clear_parent(pX, i);
      if( sim_session_count(pM) != 1 ){
        exp_fail(pX, EXP_INV_REBOOT_ONLY_SYSTEM, "%s%llu sessions after reboot", "",
                 (unsigned long long)sim_session_count(pM));
      }
      bFull = 1;
      break;
    case SCN_STEP_SET:
      rc = simstep_run(pM, &call, NULL, &res);
      bFull = 1;
      break;
    case SCN_STEP_BOOTDEVICE:
      rc = simstep_run(pM, &call, NULL, &res);
      break;
    case SCN_STEP_AS: {
      ScnCmd e = (ScnCmd)p->eCmd;
      ExpOut o;
      SimStepVisit v;
      char zPath[4] = { (char)p->cLetter, ':', '\\', 0 };
      uint64_t hNetBefore = 0;
      int bDeviceless = e == SCN_CMD_NET_USE_DEVICELESS || e == SCN_CMD_WNET_ADD_DEVICELESS
                     || e == SCN_CMD_NET_USE_DELETE_REMOTE || e == SCN_CMD_WNET_CANCEL_REMOTE;
      tok = call.tok;
      if( e == SCN_CMD_DIR ){
        call.zPath = (p->mFlag & EXP_F_DIR_UNC) ? call.zRemote : zPath;
      }
      memset(&o, 0, sizeof(o));
      o.c.pX = pX;
      o.c.h = 0xcbf29ce484222325ull;
      o.c.bRemembered = e == SCN_CMD_WNET_ENUM && (p->mFlag & EXP_F_REMEMBERED);
      o.cw.pX = pX;
      o.cw.h = o.c.h;
      o.w.pX = pX;
      o.w.bLocalOnly = 1;
      o.w.h = o.c.h;
      v.pCtx = &o;
      v.xUse = exp_use_visit;
      v.xCred = exp_out_cred;
      v.xTarget = exp_line_visit;
      v.xResource = exp_res_visit;
      v.xDrive = exp_out_drive;
      v.xNet = exp_netv_visit;
      if( bDeviceless && tok ) hNetBefore = exp_network_hash(pX, tok);
      rc = simstep_run(pM, &call, &v, &res);
      uHash = o.c.h;
      switch( e ){
        case SCN_CMD_CMDKEY_LIST: uHash = o.cw.h; break;
        case SCN_CMD_DRIVES: uHash = o.w.h; break;
        case SCN_CMD_WNET_GET:
          if( rc == 0 ) uHash = exp_mix(uHash, res.zRemote);
          break;
        case SCN_CMD_NET_USE_AUTO:
          if( rc == 0 ) uHash = exp_mix_int(uHash, (unsigned)res.cLetter);
          bGlobal = 1;
          break;
        case SCN_CMD_TOKEN:
          if( rc == 0 ){
            uHash = exp_mix(exp_mix_int(uHash, (unsigned)res.token.eElevation * 2u
                                        + (res.token.luidLinked != 0)), res.token.zUser);
          }
          break;
        case SCN_CMD_NET_USE_ADD: case SCN_CMD_NET_USE_DELETE:
        case SCN_CMD_NET_USE_DELETE_ALL: case SCN_CMD_DEFINE: case SCN_CMD_UNDEFINE:
        case SCN_CMD_WNET_ADD: case SCN_CMD_WNET_CANCEL:
        case SCN_CMD_NET_USE_DEVICELESS: case SCN_CMD_WNET_ADD_DEVICELESS:
        case SCN_CMD_NET_USE_DELETE_REMOTE: case SCN_CMD_WNET_CANCEL_REMOTE:
          bGlobal = 1;
          break;
        case SCN_CMD_REG_SET: case SCN_CMD_REG_DELETE:
          /* R6: what a script writes need not look like what net use
          ** writes (C6's fixed values), for this user and letter */
          if( rc == 0 ){
            SimTokenInfo ti;
            if( sim_token_query(pM, tok, &ti) == 0 ){
              int iU = exp_user_index(pX->pW, ti.zUser);
              if( iU >= 0 && p->cLetter >= 'A' && p->cLetter <= 'Z' ){
                pX->amRegEdited[iU] |= 1u << (p->cLetter - 'A');
                pX->bRegEdited = 1;
              }
            }
          }
          break;
        default:
          break;
      }
      if( bDeviceless && tok && !pX->eFailed && exp_network_hash(pX, tok) != hNetBefore ){
        exp_fail(pX, EXP_INV_DEVICELESS_NOT_REMEMBERED, "%s changed HKCU\\Network",
                 e == SCN_CMD_NET_USE_DEVICELESS ? "net use \\\\srv\\share"
                 : e == SCN_CMD_WNET_ADD_DEVICELESS ? "wnet add \\\\srv\\share"
                 : "a cancel by remote name", 0);
      }
      break;
    }
    default:
      break;
  }
  if( pHash ) *pHash = exp_mix_int(uHash, (unsigned long long)rc);
  if( pX->eFailed ) return rc;
  if( bFull ){
    /* which accounts' hives and vaults the step could have written: a
    ** logon's own account (R1's restore reads it), every one after a
    ** logoff, a reboot or a logon made from another half; none after a
    ** policy change or a boot device */
    uint32_t mUsers = 0xffffffffu;
    if( !pX->bFullCheck ){
      if( p->eKind == SCN_STEP_SET ) mUsers = 0;
      else if( p->eKind == SCN_STEP_LOGON && p->iFrom == 0 ) mUsers = 1u << p->iUser;
    }
    exp_check_machine(pX, mUsers);
  }else if( tok && sim_session_exists(pM, tok) ){
    /* Only what the step could have changed. A listing and a DOS device
    ** step write neither HKCU\Network nor the vault, so the acting user's
    ** hive and vault are walked after the other commands only (they were
    ** checked when they last could change). */
    ScnCmd e = (ScnCmd)p->eCmd;
    int bUser = !(e == SCN_CMD_NET_USE_LIST || e == SCN_CMD_CMDKEY_LIST
                  || e == SCN_CMD_QUERY || e == SCN_CMD_WNET_GET || e == SCN_CMD_WNET_ENUM
                  || e == SCN_CMD_DRIVES || e == SCN_CMD_TOKEN || e == SCN_CMD_PERSISTED
                  || e == SCN_CMD_DEFINE || e == SCN_CMD_UNDEFINE);
    exp_check_session(pX, tok);
    SimLuid linked = 0;
    if( tok != SIM_LUID_SYSTEM ){
      SimTokenInfo ti;
      if( sim_token_query(pM, tok, &ti) == 0 ){
        linked = ti.luidLinked;
        if( !pX->eFailed && bUser ) exp_check_user(pX, ti.zUser);
      }
      if( linked && !pX->eFailed ) exp_check_session(pX, linked);
    }else if( !pX->eFailed && bUser ){
      exp_check_user(pX, "SYSTEM");
    }
    if( (bGlobal || tok == SIM_LUID_SYSTEM) && !pX->eFailed ) exp_check_global(pX);
    if( pX->nNetonly && !pX->eFailed ) exp_check_netonly_of(pX, tok);
  }
  return rc;
}
