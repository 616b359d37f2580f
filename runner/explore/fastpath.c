/*
** runner/explore/fastpath.c: the explorer's fast path on the model, and the
** invariants it checks after every step.
**
** exp_sim_step() applies an ExpStep to a SimMachine with direct sim_* calls
** (the same calls runner/backends/backend_sim.c makes for the step's text form, but
** without building or parsing any text), so model-only exploration runs at
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
};
static const char *const azInvRules[EXP_INV_COUNT] = {
  "", "C1 C10 N3 N5", "C6", "C12 N7 K1 (canonical listings)",
  "L8 L9 L10", "C1 C9", "C5", "N3", "N5", "L2 L3 L4", "C6", "L9",
  "(planted model bug)",
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
    }else if( ti.eElevation != SIM_ELEVATION_DEFAULT ){
      /* v2: ssh is a network logon (L11); a netonly token copies the
      ** elevation of the half it came from, unlinked (L12) */
      int bRemote = ti.eLogonType == SIM_LOGON_NETWORK || ti.eLogonType == SIM_LOGON_WINRM
                 || ti.eLogonType == SIM_LOGON_CREDSSP || ti.eLogonType == SIM_LOGON_SSH;
      int bNetonly = ti.eLogonType == SIM_LOGON_NETONLY;
      if( !bNetonly && !(bRemote && ti.eElevation == SIM_ELEVATION_LIMITED) ){
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
  if( pV->zProviderName == NULL || strcmp(pV->zProviderName, "Microsoft Windows Network") != 0
   || pV->nProviderType != 0x20000 || pV->nConnectionType != 1 ){
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

static void exp_check_user(ExpSim *pX, const char *zUser){
  ExpNetWalk nw = { pX, 0 };
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

ExpInvariant exp_sim_check_all(ExpSim *pX){
  if( pX->eFailed ) return pX->eFailed;
  sim_session_visit(pX->pM, exp_session_visit, pX);
  if( pX->eFailed ) return pX->eFailed;
  exp_check_global(pX);
  for(int i = 0; i < pX->pW->nUser && !pX->eFailed; i++){
    exp_check_user(pX, pX->pW->azUser[i]);
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
  return pX->eFailed;
}

/* ---------------------------------------------------------------- 4 ---- */

int exp_sim_open(ExpSim *pX, const ExpWorld *pW){
  memset(pX, 0, sizeof(*pX));
  pX->pW = pW;
  int rc = sim_machine_new(&pX->pM);
  if( rc ) return rc;
  const Scenario *pWorld = pW->pWorld;
  for(int i = 0; i < SCN_POL_COUNT && rc == 0; i++){
    /* a policy the model does not have yet (language v2) is left out */
    if( backend_sim_policy((ScnPolicy)i) == SIM_POL_COUNT ) continue;
    rc = sim_policy_init(pX->pM, backend_sim_policy((ScnPolicy)i),
                         pWorld->machine.abPolicy[i]);
  }
  if( rc == 0 ) rc = sim_machine_set_fixed_disks(pX->pM, pWorld->machine.mDisks);
  for(int i = 0; i < pWorld->nUser && rc == 0; i++){
    const ScnUser *pU = &pWorld->aUser[i];
    rc = sim_machine_add_user(pX->pM, pU->zName, backend_sim_account_kind(pU->eKind),
                              pU->bDomain, pU->zPassword);
  }
  for(int i = 0; i < pWorld->nShare && rc == 0; i++){
    const ScnShare *pS = &pWorld->aShare[i];
    rc = sim_machine_add_share(pX->pM, pS->zServer, pS->zShare, pS->bEveryone,
                               (const char *const *)pS->azGrant, pS->nGrant,
                               pS->bAnonymous);
  }
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

/* The token an `as` step acts with, or 0 with *pRc set. */
static SimLuid exp_who(ExpSim *pX, const ExpStep *p, int *pRc){
  *pRc = 0;
  if( p->iSlot == EXP_SYSTEM ) return SIM_LUID_SYSTEM;
  SimLuid bare = pX->aBare[p->iSlot];
  if( bare == 0 ){
    *pRc = ERROR_NO_SUCH_LOGON_SESSION;
    return 0;
  }
  if( p->eHalf == SCN_HALF_BARE ) return bare;
  SimLuid linked = pX->aLinked[p->iSlot];
  if( linked == 0 || !sim_session_exists(pX->pM, bare) ){
    *pRc = ERROR_NO_SUCH_LOGON_SESSION;
    return 0;
  }
  SimTokenInfo ti;
  if( sim_token_query(pX->pM, bare, &ti) != 0 ){
    *pRc = ERROR_NO_SUCH_LOGON_SESSION;
    return 0;
  }
  int bBareLimited = ti.eElevation == SIM_ELEVATION_LIMITED;
  if( p->eHalf == SCN_HALF_LIMITED ) return bBareLimited ? bare : linked;
  return bBareLimited ? linked : bare;
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

int exp_sim_step(ExpSim *pX, const ExpStep *p, uint64_t *pHash){
  SimMachine *pM = pX->pM;
  const ExpWorld *pW = pX->pW;
  int rc = 0, bFull = pX->bFullCheck, bGlobal = 0;
  uint64_t uHash = 0xcbf29ce484222325ull;
  SimLuid tok = 0;
  char zLetter[3] = { (char)p->cLetter, ':', 0 };
  switch( (ScnStepKind)p->eKind ){
    case SCN_STEP_LOGON: {
      const char *zPw = p->ePass == 2 ? "Wr0ng-pw" : pW->azPassword[p->iUser];
      SimLuid t = 0;
      rc = sim_logon_user(pM, pW->azUser[p->iUser], backend_sim_logon_type((ScnLogonType)p->eLogon),
                          p->bHighest, zPw, &t);
      pX->abLive[p->iSlot] = 1;
      pX->aBare[p->iSlot] = 0;
      pX->aLinked[p->iSlot] = 0;
      if( rc == 0 ){
        SimTokenInfo ti;
        pX->aBare[p->iSlot] = t;
        if( sim_token_query(pM, t, &ti) == 0 ) pX->aLinked[p->iSlot] = ti.luidLinked;
      }
      bFull = 1;
      break;
    }
    case SCN_STEP_LOGOFF:
      pX->abLive[p->iSlot] = 0;
      if( pX->aBare[p->iSlot] == 0 ){
        rc = ERROR_NO_SUCH_LOGON_SESSION;
      }else{
        rc = sim_logoff(pM, pX->aBare[p->iSlot]);
        if( rc == 0 ){
          exp_note_ended(pX, pX->aBare[p->iSlot]);
          exp_note_ended(pX, pX->aLinked[p->iSlot]);
        }
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
      rc = sim_reboot(pM);
      memset(pX->abLive, 0, sizeof(pX->abLive));
      if( sim_session_count(pM) != 1 ){
        exp_fail(pX, EXP_INV_REBOOT_ONLY_SYSTEM, "%s%llu sessions after reboot", "",
                 (unsigned long long)sim_session_count(pM));
      }
      bFull = 1;
      break;
    case SCN_STEP_SET:
      rc = sim_policy_set(pM, backend_sim_policy((ScnPolicy)p->ePolicy), p->bOn);
      bFull = 1;
      break;
    case SCN_STEP_BOOTDEVICE:
      if( p->iTarget == EXP_NONE ) rc = sim_reg_delete_boot_device(pM, zLetter);
      else rc = sim_reg_set_boot_device(pM, zLetter, exp_target(p->iTarget)->zSim);
      break;
    case SCN_STEP_AS: {
      tok = exp_who(pX, p, &rc);
      if( rc ) break;
      const char *zRemote = pW->azRemote[p->iRemote];
      const char *zPw = p->ePass == 2 ? "Wr0ng-pw"
                      : p->ePass == 1 ? pW->azPassword[p->iUser < pW->nUser ? p->iUser : 0]
                      : NULL;
      const char *zUser = p->iUser != EXP_NONE ? pW->azUser[p->iUser] : NULL;
      ExpCount c = { pX, 0, 0, NULL, 0xcbf29ce484222325ull };
      switch( (ScnCmd)p->eCmd ){
        case SCN_CMD_NET_USE_LIST:
          rc = sim_net_use_list(pM, tok, exp_use_visit, &c);
          break;
        case SCN_CMD_NET_USE_ADD: {
          int bYes = 1;
          rc = sim_reg_get_net_use_default(pM, tok, &bYes);
          if( rc ) break;
          if( p->ePersistent >= 0 ) bYes = p->ePersistent;
          rc = sim_wnet_add_connection2(pM, tok, zLetter, zRemote, zUser, zPw,
                                        bYes ? SIM_CONNECT_UPDATE_PROFILE : 0);
          if( rc == 0 && p->ePersistent >= 0 ){
            rc = sim_reg_set_net_use_default(pM, tok, p->ePersistent);
          }
          bGlobal = 1;
          break;
        }
        case SCN_CMD_NET_USE_DELETE:
          rc = sim_wnet_cancel_connection2(pM, tok, zLetter, SIM_CONNECT_UPDATE_PROFILE, 1);
          bGlobal = 1;
          break;
        case SCN_CMD_NET_USE_DELETE_ALL:
          rc = sim_net_use_delete_all(pM, tok);
          bGlobal = 1;
          break;
        case SCN_CMD_NET_USE_PERSISTENT:
          rc = sim_reg_set_net_use_default(pM, tok, p->ePersistent == 1);
          break;
        case SCN_CMD_CMDKEY_ADD:
        case SCN_CMD_CMDKEY_DELETE: {
          const char *zTarget = (p->mFlag & EXP_F_CMDKEY_SRV) ? pW->azServer[p->iRemote]
                              : "nosuchtarget";
          if( p->eCmd == SCN_CMD_CMDKEY_ADD ){
            rc = sim_cred_write(pM, tok, zTarget, zUser, zPw ? zPw : "");
          }else{
            rc = sim_cred_delete(pM, tok, zTarget);
          }
          break;
        }
        case SCN_CMD_CMDKEY_LIST: {
          ExpCredWalk cw;
          memset(&cw, 0, sizeof(cw));
          cw.pX = pX;
          cw.h = c.h;
          rc = sim_cred_enumerate(pM, tok, exp_cred_visit, &cw);
          c.h = cw.h;
          break;
        }
        case SCN_CMD_DEFINE:
        case SCN_CMD_UNDEFINE: {
          unsigned flags = 0;
          if( p->mFlag & EXP_F_RAW ) flags |= SIM_DDD_RAW_TARGET_PATH;
          if( p->eCmd == SCN_CMD_UNDEFINE ){
            flags |= SIM_DDD_REMOVE_DEFINITION;
            if( p->mFlag & EXP_F_EXACT ) flags |= SIM_DDD_EXACT_MATCH_ON_REMOVE;
          }
          const char *zTarget = p->iTarget != EXP_NONE ? exp_target(p->iTarget)->zSim : NULL;
          rc = sim_define_dos_device(pM, tok, flags, exp_name(p->iName), zTarget);
          bGlobal = 1;
          break;
        }
        case SCN_CMD_QUERY:
          rc = sim_query_dos_device(pM, tok, exp_name(p->iName), exp_line_visit, &c);
          break;
        case SCN_CMD_WNET_ADD: {
          unsigned flags = 0;
          if( p->mFlag & EXP_F_UPDATE ) flags |= SIM_CONNECT_UPDATE_PROFILE;
          if( p->mFlag & EXP_F_TEMPORARY ) flags |= SIM_CONNECT_TEMPORARY;
          rc = sim_wnet_add_connection2(pM, tok, zLetter, zRemote, zUser, zPw, flags);
          bGlobal = 1;
          break;
        }
        case SCN_CMD_WNET_CANCEL:
          rc = sim_wnet_cancel_connection2(pM, tok, zLetter,
                   (p->mFlag & EXP_F_UPDATE) ? SIM_CONNECT_UPDATE_PROFILE : 0,
                   (p->mFlag & EXP_F_FORCE) != 0);
          bGlobal = 1;
          break;
        case SCN_CMD_WNET_GET: {
          const char *zOut = NULL;
          rc = sim_wnet_get_connection(pM, tok, zLetter, &zOut);
          if( rc == 0 ) c.h = exp_mix(c.h, zOut);
          break;
        }
        case SCN_CMD_WNET_ENUM:
          rc = sim_wnet_enum(pM, tok, (p->mFlag & EXP_F_REMEMBERED)
                             ? SIM_RESOURCE_REMEMBERED : SIM_RESOURCE_CONNECTED,
                             exp_res_visit, &c);
          break;
        case SCN_CMD_DRIVES: {
          ExpLinkWalk w;
          memset(&w, 0, sizeof(w));
          w.pX = pX;
          w.bLocalOnly = 1;
          w.h = c.h;
          rc = sim_dosdev_view(pM, tok, exp_link_visit, &w);
          c.h = w.h;
          break;
        }
        case SCN_CMD_TOKEN: {
          SimTokenInfo ti;
          rc = sim_token_query(pM, tok, &ti);
          if( rc == 0 ){
            c.h = exp_mix(exp_mix_int(c.h, (unsigned)ti.eElevation * 2u
                                      + (ti.luidLinked != 0)), ti.zUser);
          }
          break;
        }
        case SCN_CMD_PERSISTED:
          rc = sim_reg_read_network(pM, tok, exp_netv_visit, &c);
          break;
        case SCN_CMD_DIR:
          if( p->mFlag & EXP_F_DIR_UNC ){
            rc = sim_open_path(pM, tok, zRemote);
          }else{
            char zPath[4] = { (char)p->cLetter, ':', '\\', 0 };
            rc = sim_open_path(pM, tok, zPath);
          }
          break;
        default:
          break;
      }
      uHash = c.h;
      break;
    }
    default:
      break;
  }
  if( pHash ) *pHash = exp_mix_int(uHash, (unsigned long long)rc);
  if( pX->eFailed ) return rc;
  if( bFull ){
    exp_sim_check_all(pX);
  }else if( tok ){
    /* Only what the step could have changed. */
    exp_check_session(pX, tok);
    SimLuid linked = 0;
    if( tok != SIM_LUID_SYSTEM ){
      SimTokenInfo ti;
      if( sim_token_query(pM, tok, &ti) == 0 ){
        linked = ti.luidLinked;
        if( !pX->eFailed ) exp_check_user(pX, ti.zUser);
      }
      if( linked && !pX->eFailed ) exp_check_session(pX, linked);
    }else if( !pX->eFailed ){
      exp_check_user(pX, "SYSTEM");
    }
    if( (bGlobal || tok == SIM_LUID_SYSTEM) && !pX->eFailed ) exp_check_global(pX);
  }
  return rc;
}
