/*
** runner/visual/snapshot.c: the model's state as data (see snapshot.h).
**
** Everything is read through the model's public introspection calls
** (sim_dosdev_visit_global, sim_session_visit, sim_dosdev_visit_session,
** sim_wnet_visit_connections, sim_wnet_visit_credsets,
** sim_machine_visit_users, sim_reg_visit_user_network, sim_cred_visit_user,
** sim_policy_*, sim_reg_visit_boot_devices); LUIDs are turned into the
** scenario's placeholders by the sim backend. Order follows the model's
** visit order (sorted names, sessions in creation order), so the same
** scenario always gives the same snapshot.
**
** Contents: 1. building rows and boxes  2. the visitors  3. making
**           4. comparing
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/visual/snapshot.h"
#include "runner/backends/backend_sim.h"
#include "runner/util/strbuf.h"
#include "sim/sim.h"

/* ---------------------------------------------------------------- 1 ---- */

static void vis_oom(void){
  fputs("mapscope: out of memory drawing the state\n", stderr);
  exit(3);
}

static char *vis_dup(const char *z){
  size_t n = strlen(z ? z : "") + 1;
  char *zNew = malloc(n);
  if( zNew==NULL ) vis_oom();
  memcpy(zNew, z ? z : "", n);
  return zNew;
}

static char *vis_mprintf(const char *zFormat, ...){
  StrBuf b = {0};
  va_list ap;
  char zBuf[1024];
  va_start(ap, zFormat);
  vsnprintf(zBuf, sizeof(zBuf), zFormat, ap);
  va_end(ap);
  strbuf_puts(&b, zBuf);
  return strbuf_take(&b);
}

static VisBox *vis_box_add(VisSnap *pSnap, VisBoxKind eKind, char *zKey,
                           char *zTitle){
  VisBox *pBox;
  if( pSnap->nBox>=pSnap->nBoxAlloc ){
    int nNew = pSnap->nBoxAlloc ? pSnap->nBoxAlloc*2 : 8;
    pSnap->aBox = realloc(pSnap->aBox, (size_t)nNew*sizeof(VisBox));
    if( pSnap->aBox==NULL ) vis_oom();
    pSnap->nBoxAlloc = nNew;
  }
  pBox = &pSnap->aBox[pSnap->nBox++];
  memset(pBox, 0, sizeof(*pBox));
  pBox->eKind = eKind;
  pBox->zKey = zKey;
  pBox->zTitle = zTitle;
  pBox->zName = vis_dup("");
  pBox->zDirNote = vis_dup("");
  return pBox;
}

/* Add a row; takes ownership of the malloc'd strings. */
static VisRow *vis_row_add(VisBox *pBox, VisRowKind eKind, char *zKey,
                           char *zText, const char *zName,
                           const char *zValue, const char *zNote){
  VisRow *pRow;
  if( pBox->nRow>=pBox->nRowAlloc ){
    int nNew = pBox->nRowAlloc ? pBox->nRowAlloc*2 : 8;
    pBox->aRow = realloc(pBox->aRow, (size_t)nNew*sizeof(VisRow));
    if( pBox->aRow==NULL ) vis_oom();
    pBox->nRowAlloc = nNew;
  }
  pRow = &pBox->aRow[pBox->nRow++];
  memset(pRow, 0, sizeof(*pRow));
  pRow->eKind = eKind;
  pRow->zKey = zKey;
  pRow->zText = zText;
  pRow->zName = vis_dup(zName);
  pRow->zValue = vis_dup(zValue);
  pRow->zNote = vis_dup(zNote);
  return pRow;
}

/* ---------------------------------------------------------------- 2 ---- */

typedef struct VisCtx VisCtx;
struct VisCtx {
  BackendConn *pConn;        /* the sim instance */
  SimMachine *pM;            /* its machine */
  VisSnap *pSnap;            /* being filled */
  VisBox *pBox;              /* the box rows go to */
};

/* 1 if a global link is a fixed disk's own (X: -> its volume). */
static int vis_is_disk(const SimMachine *pM, const SimLinkInfo *pL){
  unsigned mDisks = sim_machine_fixed_disks(pM);
  char c = pL->zName[0], zVol[40];
  int i, n = 0;
  if( c<'A' || c>'Z' || pL->zName[1]!=':' || pL->zName[2]!=0 ) return 0;
  if( (mDisks & (1u<<(c-'A')))==0 || pL->nTarget!=1 ) return 0;
  for(i=0; i<=c-'A'; i++) if( mDisks & (1u<<i) ) n++;
  snprintf(zVol, sizeof(zVol), "\\Device\\HarddiskVolume%d", n);
  return strcmp(pL->zTarget, zVol)==0;
}

static int vis_visit_link(void *pCtx, const SimLinkInfo *pL){
  VisCtx *p = pCtx;
  char *zTarget = backend_sim_render(p->pConn, pL->zTarget);
  char zMore[48] = "";
  VisRow *pRow;
  if( pL->nTarget>1 ){
    snprintf(zMore, sizeof(zMore), "+%d earlier target%s", pL->nTarget-1,
             pL->nTarget>2 ? "s" : "");
  }
  pRow = vis_row_add(p->pBox, VIS_ROW_LINK,
      vis_mprintf("link %s %s", p->pBox->zName, pL->zName),
      vis_mprintf("%s\\%s -> %s%s%s%s", p->pBox->zTitle, pL->zName, zTarget,
                  zMore[0] ? " (" : "", zMore, zMore[0] ? ")" : ""),
      pL->zName, zTarget, zMore);
  if( p->pBox->eKind==VIS_BOX_GLOBAL && vis_is_disk(p->pM, pL) ){
    pRow->bDisk = 1;
    free(pRow->zNote);
    pRow->zNote = vis_dup("fixed disk");
  }
  free(zTarget);
  return 0;
}

static int vis_visit_conn(void *pCtx, const SimConnInfo *pC){
  VisCtx *p = pCtx;
  char zL[16] = { pC->cLetter, ':', 0 };
  char zNote[160] = "";
  if( pC->cLetter==0 ) snprintf(zL, sizeof(zL), "(no letter)");   /* C14 */
  if( pC->bShared ){
    snprintf(zNote, sizeof(zNote), "shared with the linked half, made by {%s}",
             backend_sim_luid_name(p->pConn, pC->luidCreator));
  }
  vis_row_add(p->pBox, VIS_ROW_CONN,
      pC->cLetter ? vis_mprintf("conn {%s} %s", p->pBox->zName, zL)
                  : vis_mprintf("conn {%s} %s", p->pBox->zName, pC->zRemote),
      vis_mprintf("{%s} connection %s %s%s%s%s", p->pBox->zName, zL,
                  pC->zRemote, zNote[0] ? " (" : "", zNote, zNote[0] ? ")" : ""),
      zL, pC->zRemote, zNote);
  return 0;
}

static int vis_visit_set(void *pCtx, const SimCredSetInfo *pS){
  static const char *const azKind[] = {"explicit", "vault", "own", "anonymous"};
  VisCtx *p = pCtx;
  const char *zKind = (unsigned)pS->eKind<4 ? azKind[pS->eKind] : "?";
  const char *zUser = pS->zUser ? pS->zUser : "(anonymous)";
  char zNote[96], zLower[256];
  size_t i;
  snprintf(zNote, sizeof(zNote), "%s, kept by %d connection%s", zKind,
           pS->nConn, pS->nConn==1 ? "" : "s");
  for(i=0; pS->zServer[i] && i<sizeof(zLower)-1; i++){
    char c = pS->zServer[i];
    zLower[i] = (c>='A' && c<='Z') ? (char)(c-'A'+'a') : c;
  }
  zLower[i] = 0;
  vis_row_add(p->pBox, VIS_ROW_CREDSET,
      vis_mprintf("credset {%s} %s", p->pBox->zName, zLower),
      vis_mprintf("{%s} holds credentials for %s: %s (%s)", p->pBox->zName,
                  pS->zServer, zUser, zNote),
      pS->zServer, zUser, zNote);
  return 0;
}

/* The logon type's word (as the sim backend's description says it); the
** table is indexed by SimLogonType and sized by SIM_LOGON_COUNT, so a type
** added to the model without a word here prints "?" rather than another
** type's word. */
static const char *vis_logon_word(SimLogonType e){
  static const char *const az[SIM_LOGON_COUNT] = {
    [SIM_LOGON_INTERACTIVE] = "interactive", [SIM_LOGON_RDP] = "rdp",
    [SIM_LOGON_RUNAS] = "runas", [SIM_LOGON_BATCH] = "batch",
    [SIM_LOGON_SERVICE] = "service", [SIM_LOGON_NETWORK] = "network",
    [SIM_LOGON_WINRM] = "winrm", [SIM_LOGON_CREDSSP] = "credssp",
    [SIM_LOGON_BECOME] = "become", [SIM_LOGON_CURRENT] = "current",
    [SIM_LOGON_SSH] = "ssh", [SIM_LOGON_S4U] = "batch s4u",
    [SIM_LOGON_NETONLY] = "netonly", [SIM_LOGON_ELEVATE] = "elevate (credential prompt)",
    [SIM_LOGON_SYSTEM] = "boot"
  };
  return ((int)e>=0 && e<SIM_LOGON_COUNT && az[e]) ? az[e] : "?";
}

static const char *vis_elevation_word(SimElevation e){
  switch( e ){
    case SIM_ELEVATION_FULL: return "full";
    case SIM_ELEVATION_LIMITED: return "limited";
    default: return "default";
  }
}

static int vis_visit_session(void *pCtx, const SimTokenInfo *pI){
  VisCtx *p = pCtx;
  const char *zName = backend_sim_luid_name(p->pConn, pI->luid);
  VisBox *pBox;
  StrBuf b = {0};
  int bDir = 0;

  pBox = vis_box_add(p->pSnap, VIS_BOX_SESSION,
                     vis_mprintf("session {%s}", zName),
                     pI->luid==SIM_LUID_SYSTEM
                       ? vis_dup("SYSTEM's logon session (0x3e7)")
                       : vis_mprintf("\\Sessions\\0\\DosDevices\\{%s}", zName));
  free(pBox->zName);
  pBox->zName = vis_dup(zName);
  pBox->zUser = vis_dup(pI->zUser);
  pBox->zElevation = vis_elevation_word(pI->eElevation);
  pBox->zLogon = pI->luid==SIM_LUID_SYSTEM ? "system" : vis_logon_word(pI->eLogonType);
  pBox->zLinked = pI->luidLinked
      ? vis_dup(backend_sim_luid_name(p->pConn, pI->luidLinked)) : NULL;
  pBox->bCreds = pI->bHasCredentials;

  p->pBox = pBox;
  free(pBox->zDirNote);
  if( pI->luid==SIM_LUID_SYSTEM ){
    pBox->zDirNote = vis_dup("no local directory: what SYSTEM defines or maps is global");
  }else if( !sim_policy_effective(p->pM, SIM_POL_LUID_DEVICE_MAPS) ){
    pBox->zDirNote = vis_dup("no local directory: LUID device maps are off");
  }else{
    sim_dosdev_visit_session(p->pM, pI->luid, &bDir, vis_visit_link, p);
    pBox->zDirNote = vis_dup(bDir ? "" : "directory not created yet");
  }
  sim_wnet_visit_connections(p->pM, pI->luid, vis_visit_conn, p);
  sim_wnet_visit_credsets(p->pM, pI->luid, vis_visit_set, p);

  strbuf_printf(&b, "logon session {%s}: %s, %s token", zName, pI->zUser,
                pBox->zElevation);
  if( pI->luid!=SIM_LUID_SYSTEM ) strbuf_printf(&b, ", %s logon", pBox->zLogon);
  if( pBox->zLinked ) strbuf_printf(&b, ", linked to {%s}", pBox->zLinked);
  if( !pI->bHasCredentials ) strbuf_puts(&b, ", no credentials");
  else if( pI->zOutUser ) strbuf_printf(&b, ", credentials of %s go out", pI->zOutUser);
  if( pI->bHasCredentials && !pI->bVault ) strbuf_puts(&b, ", no vault");
  if( pBox->zDirNote[0] ) strbuf_printf(&b, "; %s", pBox->zDirNote);
  pBox->zText = strbuf_take(&b);
  return 0;
}

static int vis_visit_net(void *pCtx, const SimNetValues *pV){
  VisCtx *p = pCtx;
  char zL[3] = { pV->cLetter, ':', 0 };
  const char *zUser = pV->zUserName ? pV->zUserName : "";
  char zNote[160];
  snprintf(zNote, sizeof(zNote), "user=%s", zUser);
  vis_row_add(p->pBox, VIS_ROW_NET,
      vis_mprintf("net %s %c", p->pBox->zName, pV->cLetter),
      vis_mprintf("%s's HKCU\\Network\\%c: %s user=%s", p->pBox->zName,
                  pV->cLetter, pV->zRemotePath, zUser),
      zL, pV->zRemotePath, zNote);
  return 0;
}

static int vis_visit_vault(void *pCtx, const SimCredInfo *pC){
  VisCtx *p = pCtx;
  char zNote[160];
  snprintf(zNote, sizeof(zNote), "user=%s", pC->zUser);
  vis_row_add(p->pBox, VIS_ROW_VAULT,
      vis_mprintf("vault %s %s", p->pBox->zName, pC->zTarget),
      vis_mprintf("%s's vault: %s user=%s", p->pBox->zName, pC->zTarget,
                  pC->zUser),
      pC->zTarget, pC->zUser, "");
  return 0;
}

static int vis_visit_user(void *pCtx, const SimUserInfo *pU){
  VisCtx *p = pCtx;
  VisBox *pBox;
  int bDefault = 1;
  if( pU->eKind==SIM_ACCOUNT_SYSTEM ) return 0;
  pBox = vis_box_add(p->pSnap, VIS_BOX_USER, vis_mprintf("user %s", pU->zName),
                     vis_dup(pU->zName));
  free(pBox->zName);
  pBox->zName = vis_dup(pU->zName);
  sim_reg_user_net_use_default(p->pM, pU->zName, &bDefault);
  pBox->zText = bDefault
      ? vis_mprintf("account %s", pU->zName)
      : vis_mprintf("account %s (net use default: /persistent:no)", pU->zName);
  p->pBox = pBox;
  sim_reg_visit_user_network(p->pM, pU->zName, vis_visit_net, p);
  sim_cred_visit_user(p->pM, pU->zName, vis_visit_vault, p);
  return 0;
}

static int vis_visit_boot(void *pCtx, const char *zName, const char *zTarget){
  VisCtx *p = pCtx;
  char *zT = backend_sim_render(p->pConn, zTarget);
  vis_row_add(p->pBox, VIS_ROW_SETTING, vis_mprintf("boot %s", zName),
      vis_mprintf("Session Manager\\DOS Devices %s = %s (a global link at the next boot)",
                  zName, zT),
      zName, zT, "");
  free(zT);
  return 0;
}

/* ---------------------------------------------------------------- 3 ---- */

void vis_snap_make(BackendConn *pConn, VisSnap *pSnap){
  static const char *const azPol[] = {
    "uac", "filter-admin-token", "local-account-token-filter",
    "linked-connections", "restore-connections", "luid-maps"
  };
  VisCtx ctx;
  VisBox *pBox;
  int i;
  memset(pSnap, 0, sizeof(*pSnap));
  memset(&ctx, 0, sizeof(ctx));
  ctx.pConn = pConn;
  ctx.pM = backend_sim_machine(pConn);
  ctx.pSnap = pSnap;
  if( ctx.pM==NULL ) return;

  pBox = vis_box_add(pSnap, VIS_BOX_GLOBAL, vis_dup("global"), vis_dup("\\GLOBAL??"));
  pBox->zText = vis_dup("\\GLOBAL?? (seen by every logon session)");
  ctx.pBox = pBox;
  sim_dosdev_visit_global(ctx.pM, vis_visit_link, &ctx);

  sim_session_visit(ctx.pM, vis_visit_session, &ctx);
  sim_machine_visit_users(ctx.pM, vis_visit_user, &ctx);

  for(i=0; i<SIM_POL_COUNT && i<6; i++){
    int bReg = sim_policy_registry(ctx.pM, (SimPolicy)i);
    if( bReg==sim_policy_effective(ctx.pM, (SimPolicy)i) ) continue;
    if( ctx.pBox->eKind!=VIS_BOX_PENDING ){
      ctx.pBox = vis_box_add(pSnap, VIS_BOX_PENDING, vis_dup("pending"),
                             vis_dup("Policies waiting for the next reboot"));
      ctx.pBox->zText = vis_dup("policies waiting for the next reboot");
    }
    vis_row_add(ctx.pBox, VIS_ROW_SETTING, vis_mprintf("policy %s", azPol[i]),
        vis_mprintf("policy %s: %s at the next reboot (now %s)", azPol[i],
                    bReg ? "on" : "off", bReg ? "off" : "on"),
        azPol[i], bReg ? "on" : "off", bReg ? "now off" : "now on");
  }
  pBox = vis_box_add(pSnap, VIS_BOX_BOOT, vis_dup("boot"),
                     vis_dup("Session Manager\\DOS Devices"));
  ctx.pBox = pBox;
  sim_reg_visit_boot_devices(ctx.pM, vis_visit_boot, &ctx);
  if( pBox->nRow==0 ){
    free(pBox->zKey); free(pBox->zTitle); free(pBox->zName); free(pBox->zDirNote);
    pSnap->nBox--;
  }else{
    pBox->zText = vis_dup("boot-time devices (Session Manager\\DOS Devices)");
  }
}

void vis_snap_free(VisSnap *pSnap){
  int i, j;
  for(i=0; i<pSnap->nBox; i++){
    VisBox *pBox = &pSnap->aBox[i];
    for(j=0; j<pBox->nRow; j++){
      VisRow *pRow = &pBox->aRow[j];
      free(pRow->zKey); free(pRow->zText); free(pRow->zName);
      free(pRow->zValue); free(pRow->zNote);
    }
    free(pBox->aRow);
    free(pBox->zKey); free(pBox->zText); free(pBox->zTitle); free(pBox->zName);
    free(pBox->zUser); free(pBox->zLinked); free(pBox->zDirNote);
  }
  free(pSnap->aBox);
  memset(pSnap, 0, sizeof(*pSnap));
}

/* ---------------------------------------------------------------- 4 ---- */

/* The text of fact zKey in pSnap, or NULL if it has none. */
static const char *vis_fact(const VisSnap *pSnap, const char *zKey){
  int i, j;
  for(i=0; i<pSnap->nBox; i++){
    const VisBox *pBox = &pSnap->aBox[i];
    if( strcmp(pBox->zKey, zKey)==0 ) return pBox->zText;
    for(j=0; j<pBox->nRow; j++){
      if( strcmp(pBox->aRow[j].zKey, zKey)==0 ) return pBox->aRow[j].zText;
    }
  }
  return NULL;
}

VisChange vis_snap_change(const VisSnap *pOld, const VisSnap *pNew,
                          const char *zKey){
  const char *zOld, *zNew;
  if( pOld==NULL ) return VIS_SAME;
  zOld = vis_fact(pOld, zKey);
  zNew = vis_fact(pNew, zKey);
  if( zOld==NULL && zNew==NULL ) return VIS_SAME;
  if( zOld==NULL ) return VIS_ADDED;
  if( zNew==NULL ) return VIS_REMOVED;
  return strcmp(zOld, zNew)==0 ? VIS_SAME : VIS_CHANGED;
}

static int vis_diff_one(const VisSnap *pOld, const VisSnap *pNew,
                        const char *zKey, const char *zText,
                        void (*xLine)(void*, char, const char*, const char*),
                        void *pCtx){
  const char *zOld = vis_fact(pOld, zKey);
  if( zOld==NULL ){ xLine(pCtx, '+', zText, NULL); return 1; }
  if( strcmp(zOld, zText)!=0 ){ xLine(pCtx, '~', zText, zOld); return 1; }
  (void)pNew;
  return 0;
}

int vis_snap_diff(const VisSnap *pOld, const VisSnap *pNew,
                  void (*xLine)(void *pCtx, char cMark, const char *zText,
                                const char *zOld),
                  void *pCtx){
  int i, j, n = 0;
  for(i=0; i<pNew->nBox; i++){
    const VisBox *pBox = &pNew->aBox[i];
    n += vis_diff_one(pOld, pNew, pBox->zKey, pBox->zText, xLine, pCtx);
    for(j=0; j<pBox->nRow; j++){
      n += vis_diff_one(pOld, pNew, pBox->aRow[j].zKey, pBox->aRow[j].zText,
                        xLine, pCtx);
    }
  }
  for(i=0; i<pOld->nBox; i++){
    const VisBox *pBox = &pOld->aBox[i];
    if( vis_fact(pNew, pBox->zKey)==NULL ){ xLine(pCtx, '-', pBox->zText, NULL); n++; }
    for(j=0; j<pBox->nRow; j++){
      if( vis_fact(pNew, pBox->aRow[j].zKey)==NULL ){
        xLine(pCtx, '-', pBox->aRow[j].zText, NULL);
        n++;
      }
    }
  }
  return n;
}
