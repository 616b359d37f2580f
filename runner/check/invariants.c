/*
** runner/check/invariants.c: the invariants `mapscope check` verifies, each
** with the rule IDs it follows from (docs/check.md).
**
** To add one: write a CkCheckFn (return 0 when it holds, else 1 and a
** one-line reason) and add a row to aCkInv below. The search calls every
** row after every step, with the state before (NULL on the first state),
** the step, its result and the state after; nothing else changes. A
** state invariant ignores pBefore; a transition invariant (R5, R6, C2,
** C7, D4 here) compares the two states.
**
** Contents:
**   1. Helpers over the public model interface
**   2. The check's invariants
**   3. The table
*/
#include "runner/check/check.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sim/sim.h"
#include "runner/backends/backend_sim.h"

/* ---------------------------------------------------------------- 1 ---- */

/* Letters with a remembered connection (a string RemotePath, R6) in an
** account's HKCU\Network, as a bit mask, and their remote paths. */
typedef struct CkRemembered CkRemembered;
struct CkRemembered {
  unsigned m;                /* bit i: letter 'A'+i */
  char azRemote[26][96];     /* RemotePath of each */
  const ExpWorld *pW;        /* for the password check */
  int bPassword;             /* a value holds an account's password */
  char cPassword;            /* where */
};

static int ck_remembered_visit(void *pCtx, const SimNetValues *pV){
  CkRemembered *p = pCtx;
  for(int u = 0; u < p->pW->nUser; u++){
    const char *zPw = p->pW->azPassword[u];
    if( zPw && zPw[0] && ((pV->zRemotePath && strstr(pV->zRemotePath, zPw))
                       || (pV->zUserName && strstr(pV->zUserName, zPw))) ){
      p->bPassword = 1;
      p->cPassword = pV->cLetter;
    }
  }
  if( !pV->bConnection || pV->cLetter<'A' || pV->cLetter>'Z' ) return 0;
  int i = pV->cLetter - 'A';
  p->m |= 1u<<i;
  snprintf(p->azRemote[i], sizeof(p->azRemote[i]), "%s", pV->zRemotePath);
  return 0;
}

static void ck_remembered(const SimMachine *pM, const ExpWorld *pW, const char *zUser,
                          CkRemembered *p){
  memset(p, 0, sizeof(*p));
  p->pW = pW;
  sim_reg_visit_user_network(pM, zUser, ck_remembered_visit, p);
}

/* The account of the token an `as` step used in a state, or NULL. */
static const char *ck_step_user(const CkSim *pS, const CkStep *p, SimTokenInfo *pTi){
  const ExpStep *e = &p->s;
  SimLuid tok;
  if( e->eKind!=SCN_STEP_AS ) return NULL;
  if( e->iSlot==EXP_SYSTEM ){
    tok = SIM_LUID_SYSTEM;
  }else{
    SimLuid bare = pS->x.aBare[e->iSlot], linked = pS->x.aLinked[e->iSlot];
    if( bare==0 || sim_token_query(pS->x.pM, bare, pTi) ) return NULL;
    tok = bare;
    if( e->eHalf!=SCN_HALF_BARE ){
      int bBareLimited = pTi->eElevation==SIM_ELEVATION_LIMITED;
      int bWantLimited = e->eHalf==SCN_HALF_LIMITED;
      if( linked && bBareLimited!=bWantLimited ) tok = linked;
    }
  }
  if( sim_token_query(pS->x.pM, tok, pTi) ) return NULL;
  return pTi->zUser;
}

/* ---------------------------------------------------------------- 2 ---- */

/* N1 N6 C10: a session never sees a link that only another logon
** session's local directory holds. */
typedef struct CkIso CkIso;
struct CkIso {
  const SimMachine *pM;
  SimLuid luidOwner;         /* T, whose directory is walked */
  SimLuid luidViewer;        /* S */
  char *zWhy; size_t nWhy;
  int bFailed;
};
typedef struct CkFirst CkFirst;
struct CkFirst { char z[160]; int bSet; };
static int ck_first_visit(void *pCtx, const char *zTarget){
  CkFirst *f = pCtx;
  if( !f->bSet ){ snprintf(f->z, sizeof(f->z), "%s", zTarget); f->bSet = 1; }
  return 1;
}
static int ck_iso_link(void *pCtx, const SimLinkInfo *pL){
  CkIso *c = pCtx;
  CkFirst seen = {{0}, 0}, own = {{0}, 0}, glob = {{0}, 0};
  if( sim_query_dos_device(c->pM, c->luidViewer, pL->zName, ck_first_visit, &seen) ) return 0;
  if( !seen.bSet || strcmp(seen.z, pL->zTarget)!=0 ) return 0;
  sim_dosdev_visit_targets(c->pM, c->luidViewer, pL->zName, ck_first_visit, &own);
  sim_dosdev_visit_targets(c->pM, 0, pL->zName, ck_first_visit, &glob);
  if( (own.bSet && strcmp(own.z, seen.z)==0) || (glob.bSet && strcmp(glob.z, seen.z)==0) ){
    return 0;
  }
  snprintf(c->zWhy, c->nWhy, "LUID %llx sees %s -> %s, a link only LUID %llx's directory holds",
           (unsigned long long)c->luidViewer, pL->zName, pL->zTarget,
           (unsigned long long)c->luidOwner);
  c->bFailed = 1;
  return 1;
}
typedef struct CkLuids CkLuids;
struct CkLuids { SimLuid a[64]; int n; };
static int ck_luids_visit(void *pCtx, const SimTokenInfo *pI){
  CkLuids *p = pCtx;
  if( p->n<64 ) p->a[p->n++] = pI->luid;
  return 0;
}
static int ck_inv_isolation(const CkCheckArgs *a, char *zWhy, size_t nWhy){
  const SimMachine *pM = a->pAfter->x.pM;
  CkLuids l = {{0}, 0};
  sim_session_visit(pM, ck_luids_visit, &l);
  for(int i = 0; i < l.n; i++){
    for(int j = 0; j < l.n; j++){
      if( i==j ) continue;
      CkIso c = { pM, l.a[j], l.a[i], zWhy, nWhy, 0 };
      sim_dosdev_visit_session(pM, l.a[j], NULL, ck_iso_link, &c);
      if( c.bFailed ) return 1;
    }
  }
  return 0;
}

/* C6: no account's password in any account's HKCU\Network, ever. */
static int ck_inv_no_password(const CkCheckArgs *a, char *zWhy, size_t nWhy){
  for(int u = 0; u < a->pW->nUser; u++){
    CkRemembered r;
    ck_remembered(a->pAfter->x.pM, a->pW, a->pW->azUser[u], &r);
    if( r.bPassword ){
      snprintf(zWhy, nWhy, "HKCU\\Network\\%c of %s holds a password", r.cPassword,
               a->pW->azUser[u]);
      return 1;
    }
  }
  return 0;
}

/* R5 R6 C9: a remembered entry is removed (or its RemotePath changed)
** only by a cancel that updates the profile (net use /delete, wnet cancel
** update-profile, a tool that does one) or a registry write, of that
** letter, by the account. */
static int ck_inv_remembered(const CkCheckArgs *a, char *zWhy, size_t nWhy){
  if( a->pBefore==NULL ) return 0;
  const CkStep *p = a->pStep;
  const ExpStep *e = &p->s;
  SimTokenInfo ti;
  const char *zActor = ck_step_user(a->pBefore, p, &ti);
  for(int u = 0; u < a->pW->nUser; u++){
    CkRemembered b, f;
    ck_remembered(a->pBefore->x.pM, a->pW, a->pW->azUser[u], &b);
    if( b.m==0 ) continue;
    ck_remembered(a->pAfter->x.pM, a->pW, a->pW->azUser[u], &f);
    for(int i = 0; i < 26; i++){
      if( !(b.m & (1u<<i)) ) continue;
      int bGone = !(f.m & (1u<<i));
      if( !bGone && strcasecmp(b.azRemote[i], f.azRemote[i])==0 ) continue;
      char c = (char)('A'+i);
      int bMine = zActor && strcasecmp(zActor, a->pW->azUser[u])==0;
      int bAllowed = 0;
      if( bMine && e->eKind==SCN_STEP_AS ){
        switch( (ScnCmd)e->eCmd ){
          case SCN_CMD_NET_USE_DELETE: bAllowed = e->cLetter==c; break;
          case SCN_CMD_WNET_CANCEL:
            bAllowed = e->cLetter==c && (e->mFlag & EXP_F_UPDATE); break;
          case SCN_CMD_NET_USE_DELETE_ALL: bAllowed = 1; break;
          case SCN_CMD_REG_SET: case SCN_CMD_REG_DELETE: bAllowed = e->cLetter==c; break;
          case SCN_CMD_TOOL: {
            /* a tool's own profile-updating cancel (T2 T4 T5 T7); NetUseDel
            ** cancels without updating the profile (T6) and the credential
            ** tool touches no connection (T3): neither may remove one */
            const CkAlphabet *pA = a->pAfter->pA;
            const char *zTool = pA && p->iTool>0 && p->iTool<=pA->nTool
                              && pA->azTool[p->iTool-1] ? pA->azTool[p->iTool-1] : "";
            bAllowed = strstr(zTool, "netapi.")==NULL && strstr(zTool, "win_credential")==NULL;
            break;
          }
          default: break;
        }
      }
      if( !bAllowed ){
        snprintf(zWhy, nWhy, "the remembered %c: of %s was %s by a step that may not",
                 c, a->pW->azUser[u], bGone ? "removed" : "changed");
        return 1;
      }
    }
  }
  return 0;
}

/* L9 G5: after a reboot only SYSTEM's session exists, and the global
** links are the fixed disks and the boot devices, nothing else. */
typedef struct CkBoot CkBoot;
struct CkBoot {
  const SimMachine *pM;
  unsigned mDisks;
  int nBootSeen, nBoot;
  char *zWhy; size_t nWhy;
  int bFailed;
};
typedef struct CkBootFind CkBootFind;
struct CkBootFind { const char *zName; const char *zTarget; int bFound; };
static int ck_bootdev_find(void *pCtx, const char *zName, const char *zTarget){
  CkBootFind *f = pCtx;
  if( strcasecmp(zName, f->zName)==0 && strcasecmp(zTarget, f->zTarget)==0 ) f->bFound = 1;
  return 0;
}
static int ck_bootdev_count(void *pCtx, const char *zName, const char *zTarget){
  (void)zName; (void)zTarget;
  ((CkBoot*)pCtx)->nBoot++;
  return 0;
}
static int ck_boot_global(void *pCtx, const SimLinkInfo *pL){
  CkBoot *c = pCtx;
  CkBootFind f = { pL->zName, pL->zTarget, 0 };
  sim_reg_visit_boot_devices(c->pM, ck_bootdev_find, &f);
  if( f.bFound ){ c->nBootSeen++; return 0; }
  if( strlen(pL->zName)==2 && pL->zName[1]==':' && pL->zName[0]>='A' && pL->zName[0]<='Z'
   && (c->mDisks & (1u<<(pL->zName[0]-'A')))
   && strncmp(pL->zTarget, "\\Device\\HarddiskVolume", 22)==0 ){
    return 0;
  }
  snprintf(c->zWhy, c->nWhy, "after reboot the global %s -> %s is neither a fixed disk "
           "nor a boot device", pL->zName, pL->zTarget);
  c->bFailed = 1;
  return 1;
}
static int ck_conn_count(void *pCtx, const SimConnInfo *pC){
  (void)pC;
  (*(int*)pCtx)++;
  return 0;
}
static int ck_inv_reboot(const CkCheckArgs *a, char *zWhy, size_t nWhy){
  if( a->pStep==NULL || a->pStep->s.eKind!=SCN_STEP_REBOOT || a->rc ) return 0;
  const SimMachine *pM = a->pAfter->x.pM;
  if( sim_session_count(pM)!=1 || !sim_session_exists(pM, SIM_LUID_SYSTEM) ){
    snprintf(zWhy, nWhy, "%d sessions after reboot", sim_session_count(pM));
    return 1;
  }
  int nConn = 0;
  sim_wnet_visit_connections(pM, SIM_LUID_SYSTEM, ck_conn_count, &nConn);
  if( nConn ){
    snprintf(zWhy, nWhy, "SYSTEM has %d connections after reboot", nConn);
    return 1;
  }
  CkBoot c = { pM, sim_machine_fixed_disks(pM), 0, 0, zWhy, nWhy, 0 };
  sim_dosdev_visit_global(pM, ck_boot_global, &c);
  if( c.bFailed ) return 1;
  sim_reg_visit_boot_devices(pM, ck_bootdev_count, &c);
  if( c.nBootSeen<c.nBoot ){
    snprintf(zWhy, nWhy, "after reboot %d of %d boot devices are global links",
             c.nBootSeen, c.nBoot);
    return 1;
  }
  return 0;
}

/* L8 K1 L9: logoff and reboot keep every hive and vault as they were. */
typedef struct CkText CkText;
struct CkText { char z[2048]; size_t n; };
static void ck_text_add(CkText *t, const char *z){
  size_t n = strlen(z);
  if( t->n + n + 2 < sizeof(t->z) ){
    memcpy(t->z + t->n, z, n);
    t->n += n;
    t->z[t->n++] = '|';
    t->z[t->n] = 0;
  }
}
static int ck_text_net(void *pCtx, const SimNetValues *pV){
  char z[4] = { pV->cLetter, 0 };
  ck_text_add(pCtx, z);
  ck_text_add(pCtx, pV->zRemotePath);
  ck_text_add(pCtx, pV->zUserName);
  return 0;
}
static int ck_text_cred(void *pCtx, const SimCredInfo *pC){
  ck_text_add(pCtx, pC->zTarget);
  ck_text_add(pCtx, pC->zUser);
  return 0;
}
static void ck_profile_text(const SimMachine *pM, const ExpWorld *pW, CkText *t){
  memset(t, 0, sizeof(*t));
  for(int u = 0; u < pW->nUser; u++){
    ck_text_add(t, "#");
    sim_reg_visit_user_network(pM, pW->azUser[u], ck_text_net, t);
    sim_cred_visit_user(pM, pW->azUser[u], ck_text_cred, t);
  }
}
static int ck_inv_profile_kept(const CkCheckArgs *a, char *zWhy, size_t nWhy){
  if( a->pStep==NULL ) return 0;
  int eKind = a->pStep->s.eKind;
  if( eKind!=SCN_STEP_LOGOFF && eKind!=SCN_STEP_REBOOT ) return 0;
  CkText b, f;
  ck_profile_text(a->pBefore->x.pM, a->pW, &b);
  ck_profile_text(a->pAfter->x.pM, a->pW, &f);
  if( strcmp(b.z, f.z)!=0 ){
    snprintf(zWhy, nWhy, "a %s changed a hive or a vault", eKind==SCN_STEP_LOGOFF ? "logoff" : "reboot");
    return 1;
  }
  return 0;
}

/* C7 C10: a connection made by a full token adds no remembered entry,
** unless EnableLinkedConnections is in effect. */
static int ck_inv_full_token(const CkCheckArgs *a, char *zWhy, size_t nWhy){
  if( a->pBefore==NULL || a->rc ) return 0;
  const ExpStep *e = &a->pStep->s;
  if( e->eKind!=SCN_STEP_AS ) return 0;
  if( e->eCmd!=SCN_CMD_NET_USE_ADD && e->eCmd!=SCN_CMD_WNET_ADD && e->eCmd!=SCN_CMD_NET_USE_AUTO ){
    return 0;
  }
  SimTokenInfo ti;
  const char *zUser = ck_step_user(a->pBefore, a->pStep, &ti);
  if( zUser==NULL || ti.eElevation!=SIM_ELEVATION_FULL ) return 0;
  if( sim_policy_effective(a->pBefore->x.pM, SIM_POL_LINKED_CONNECTIONS) ) return 0;
  CkRemembered b, f;
  ck_remembered(a->pBefore->x.pM, a->pW, zUser, &b);
  ck_remembered(a->pAfter->x.pM, a->pW, zUser, &f);
  if( f.m & ~b.m ){
    snprintf(zWhy, nWhy, "a full token of %s remembered a mapping", zUser);
    return 1;
  }
  return 0;
}

/* D4: an undefine without a target pops the current target. */
typedef struct CkStack CkStack;
struct CkStack { char az[8][128]; int n; };
static int ck_stack_visit(void *pCtx, const char *zTarget){
  CkStack *s = pCtx;
  if( s->n<8 ) snprintf(s->az[s->n++], sizeof(s->az[0]), "%s", zTarget);
  return 0;
}
static int ck_inv_undefine_pops(const CkCheckArgs *a, char *zWhy, size_t nWhy){
  if( a->pBefore==NULL || a->rc ) return 0;
  const ExpStep *e = &a->pStep->s;
  if( e->eKind!=SCN_STEP_AS || e->eCmd!=SCN_CMD_UNDEFINE || e->iTarget!=EXP_NONE ) return 0;
  SimTokenInfo ti;
  if( ck_step_user(a->pBefore, a->pStep, &ti)==NULL ) return 0;
  CkStack b = {{{0}}, 0}, f = {{{0}}, 0};
  sim_query_dos_device(a->pBefore->x.pM, ti.luid, exp_name(e->iName), ck_stack_visit, &b);
  sim_query_dos_device(a->pAfter->x.pM, ti.luid, exp_name(e->iName), ck_stack_visit, &f);
  if( b.n<2 ) return 0;   /* removing the only target may reveal another link */
  if( f.n!=b.n-1 ) return 0;
  for(int i = 0; i < f.n; i++){
    if( strcmp(f.az[i], b.az[i+1])!=0 ){
      snprintf(zWhy, nWhy, "undefine %s removed %s, not the current %s", exp_name(e->iName),
               b.az[b.n-1], b.az[0]);
      return 1;
    }
  }
  return 0;
}

/* C2: a letter the caller's session has a connection on answers
** ERROR_ALREADY_ASSIGNED to another connect, before any other check. */
static int ck_inv_assigned_first(const CkCheckArgs *a, char *zWhy, size_t nWhy){
  if( a->pBefore==NULL ) return 0;
  const ExpStep *e = &a->pStep->s;
  if( e->eKind!=SCN_STEP_AS || (e->eCmd!=SCN_CMD_NET_USE_ADD && e->eCmd!=SCN_CMD_WNET_ADD) ){
    return 0;
  }
  SimTokenInfo ti;
  if( ck_step_user(a->pBefore, a->pStep, &ti)==NULL ) return 0;
  char zLocal[3] = { (char)e->cLetter, ':', 0 };
  const char *zRemote = NULL;
  if( sim_wnet_get_connection(a->pBefore->x.pM, ti.luid, zLocal, &zRemote)!=0 ) return 0;
  if( a->rc!=ERROR_ALREADY_ASSIGNED ){
    snprintf(zWhy, nWhy, "connecting %s, which the session has a connection on, gave %d, not 85",
             zLocal, a->rc);
    return 1;
  }
  return 0;
}

/* ---------------------------------------------------------------- 3 ---- */

#define CK_EXP(e, doc) { NULL, NULL, NULL, doc }

static CkInvariant aCkInv[] = {
  /* the explorer's twelve (names and rules filled from explore.h) */
  CK_EXP(EXP_INV_LINK_OWNER, "a redirector link lives in its owner's, a linked half's or the global directory"),
  CK_EXP(EXP_INV_NO_PASSWORD, "no password in the acting user's HKCU\\Network"),
  CK_EXP(EXP_INV_SORTED, "listings are sorted and unique"),
  CK_EXP(EXP_INV_ENDED_NO_DIR, "an ended session has no directory or connections"),
  CK_EXP(EXP_INV_CONN_LINK, "a connection has its link and a redirector link its connection"),
  CK_EXP(EXP_INV_CREDSET, "a credential set is held while, and only while, connections use it"),
  CK_EXP(EXP_INV_SYSTEM_NO_DIR, "SYSTEM has no local directory"),
  CK_EXP(EXP_INV_LUID_MAPS_OFF, "no local links without LUID device maps"),
  CK_EXP(EXP_INV_TOKEN_PAIR, "split halves are full and limited and link each other"),
  CK_EXP(EXP_INV_NET_VALUES, "HKCU\\Network holds its fixed values"),
  CK_EXP(EXP_INV_REBOOT_ONLY_SYSTEM, "after reboot only SYSTEM's session"),
  CK_EXP(EXP_INV_PLANTED_DIVERGENCE, "(differential only: never fails in check)"),
  /* the check's own */
  { "local-link-isolation", "N1 N6 C10", ck_inv_isolation,
    "no session sees a link only another logon session's directory holds" },
  { "no-password-anywhere", "C6", ck_inv_no_password,
    "no account's password in any account's HKCU\\Network, after any step" },
  { "remembered-removed-only-by-cancel", "R5 R6 C9", ck_inv_remembered,
    "a remembered entry goes or changes only by a profile-updating cancel or a registry write of that letter by its account" },
  { "reboot-leaves-system-and-boot-devices", "L9 G5", ck_inv_reboot,
    "after a reboot: SYSTEM's session alone, no connection, global links = fixed disks + boot devices" },
  { "logoff-keeps-profile", "L8 L9 K1", ck_inv_profile_kept,
    "logoff and reboot change no hive and no vault" },
  { "full-token-not-remembered", "C7 C10", ck_inv_full_token,
    "a full token's connection is not remembered unless linked connections are in effect" },
  { "undefine-pops-current", "D4", ck_inv_undefine_pops,
    "an undefine without a target removes the current target of a stack" },
  { "assigned-checked-first", "C2", ck_inv_assigned_first,
    "connecting a letter the session has a connection on gives 85" },
};

const CkInvariant *ck_invariants(int *pnInv){
  static int bInit = 0;
  if( !bInit ){
    for(int e = EXP_INV_LINK_OWNER; e < EXP_INV_COUNT; e++){
      aCkInv[e-1].zName = exp_invariant_name((ExpInvariant)e);
      aCkInv[e-1].zRules = exp_invariant_rules((ExpInvariant)e);
    }
    bInit = 1;
  }
  *pnInv = (int)(sizeof(aCkInv)/sizeof(aCkInv[0]));
  return aCkInv;
}

int ck_invariant_of_exp(ExpInvariant e){
  return (int)e - 1;
}
