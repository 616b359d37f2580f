/*
** runner/check/steps.c: the alphabet of a world (every step `mapscope check`
** tries in each state), which of them may follow in a state, how each runs
** on the model, and its text.
**
** Steps the explorer's fast path knows (the language's version 1) run
** through exp_sim_step(), which also checks the explorer's invariants;
** version 2's (ssh, s4u, netonly, task, elevate, `net use *`, deviceless
** connections, registry writes) run here, followed by the explorer's full
** check. Tool steps (T1-T8) are an extension point: the alphabet has none
** until runner/check learns the tool profiles (docs/check.md).
**
** Contents:
**   1. Configuration and the alphabet
**   2. Validity
**   3. Running a step
**   4. Text
*/
#include "runner/check/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sim/sim.h"
#include "sim/clone.h"
#include "runner/backends/backend_sim.h"
#include "sim/tools/tools.h"
#include "runner/util/strbuf.h"

/* ---------------------------------------------------------------- 1 ---- */

void ck_config_default(CkConfig *pCfg){
  memset(pCfg, 0, sizeof(*pCfg));
  pCfg->nSlot = 2;
  pCfg->acLetter[0] = 'Q';
  pCfg->acLetter[1] = 'R';
  pCfg->acLetter[2] = 'Z';
  pCfg->nLetter = 3;
  pCfg->bReads = 1;
}

static const struct { const char *zName; unsigned m; } aCkFamily[] = {
  { "logon", CK_FAM_LOGON },         { "logoff", CK_FAM_LOGOFF },
  { "reboot", CK_FAM_REBOOT },       { "policy", CK_FAM_POLICY },
  { "boot", CK_FAM_BOOT },           { "connect", CK_FAM_CONNECT },
  { "cancel", CK_FAM_CANCEL },       { "auto", CK_FAM_AUTO },
  { "deviceless", CK_FAM_DEVICELESS }, { "unc", CK_FAM_UNC },
  { "persistent", CK_FAM_PERSISTENT }, { "cmdkey", CK_FAM_CMDKEY },
  { "define", CK_FAM_DEFINE },       { "reg", CK_FAM_REG },
  { "tool", CK_FAM_TOOL },           { "read", CK_FAM_READ },
};

const char *ck_family_name(unsigned m){
  for(size_t i = 0; i < sizeof(aCkFamily)/sizeof(aCkFamily[0]); i++){
    if( aCkFamily[i].m==m ) return aCkFamily[i].zName;
  }
  return NULL;
}

int ck_family_parse(const char *zList, unsigned *pm, char *zErr, size_t nErr){
  unsigned m = 0;
  int bFirst = 1;
  const char *z = zList;
  for(;;){
    size_t n = strcspn(z, ",");
    int bMinus = n>0 && z[0]=='-';
    const char *zName = z + bMinus;
    size_t nName = n - (size_t)bMinus;
    unsigned mOne = 0;
    if( nName==3 && strncmp(zName, "all", 3)==0 ) mOne = CK_FAM_ALL;
    for(size_t i = 0; mOne==0 && i < sizeof(aCkFamily)/sizeof(aCkFamily[0]); i++){
      if( strlen(aCkFamily[i].zName)==nName && strncmp(aCkFamily[i].zName, zName, nName)==0 ){
        mOne = aCkFamily[i].m;
      }
    }
    if( mOne==0 ){
      char zNames[200] = "";
      for(size_t i = 0; i < sizeof(aCkFamily)/sizeof(aCkFamily[0]); i++){
        size_t k = strlen(zNames);
        snprintf(zNames+k, sizeof(zNames)-k, "%s%s", k ? " " : "", aCkFamily[i].zName);
      }
      snprintf(zErr, nErr, "unknown step family '%.*s' (families: %s, or all)",
               (int)(n>40 ? 40 : n), z, zNames);
      return 1;
    }
    if( bMinus ){
      if( bFirst ) m = CK_FAM_ALL;
      m &= ~mOne;
    }else{
      m |= mOne;
    }
    bFirst = 0;
    if( z[n]==0 ) break;
    z += n + 1;
  }
  if( m==0 ){
    snprintf(zErr, nErr, "no family of steps is left");
    return 1;
  }
  *pm = m;
  return 0;
}

unsigned ck_step_family(const CkStep *p){
  switch( (ScnStepKind)p->s.eKind ){
    case SCN_STEP_LOGON:      return CK_FAM_LOGON;
    case SCN_STEP_LOGOFF:     return CK_FAM_LOGOFF;
    case SCN_STEP_REBOOT:     return CK_FAM_REBOOT;
    case SCN_STEP_SET:        return CK_FAM_POLICY;
    case SCN_STEP_BOOTDEVICE: return CK_FAM_BOOT;
    default: break;
  }
  if( ck_step_is_read(p) ) return CK_FAM_READ;
  switch( (ScnCmd)p->s.eCmd ){
    case SCN_CMD_NET_USE_ADD: case SCN_CMD_WNET_ADD:
      return CK_FAM_CONNECT;
    case SCN_CMD_NET_USE_DELETE: case SCN_CMD_WNET_CANCEL:
    case SCN_CMD_NET_USE_DELETE_ALL:
      return CK_FAM_CANCEL;
    case SCN_CMD_NET_USE_AUTO:
      return CK_FAM_AUTO;
    case SCN_CMD_NET_USE_DEVICELESS: case SCN_CMD_WNET_ADD_DEVICELESS:
    case SCN_CMD_NET_USE_DELETE_REMOTE: case SCN_CMD_WNET_CANCEL_REMOTE:
      return CK_FAM_DEVICELESS;
    case SCN_CMD_DIR:
      return CK_FAM_UNC;     /* `dir L:\` is a read, handled above */
    case SCN_CMD_NET_USE_PERSISTENT:
      return CK_FAM_PERSISTENT;
    case SCN_CMD_CMDKEY_ADD: case SCN_CMD_CMDKEY_DELETE:
      return CK_FAM_CMDKEY;
    case SCN_CMD_DEFINE: case SCN_CMD_UNDEFINE:
      return CK_FAM_DEFINE;
    case SCN_CMD_REG_SET: case SCN_CMD_REG_DELETE:
      return CK_FAM_REG;
    case SCN_CMD_TOOL:
      return CK_FAM_TOOL;
    default:
      /* a command this table does not know: in no family, so only an
      ** unscoped search keeps it, and test_family_filter (the families
      ** must add up to the whole alphabet) fails until it is added */
      return 0;
  }
}

static int ck_add(CkAlphabet *pA, const CkStep *p){
  /* a family left out by --families */
  if( pA->cfg.mFamily && (ck_step_family(p) & pA->cfg.mFamily)==0 ) return 0;
  if( pA->nStep==pA->nAlloc ){
    int nNew = pA->nAlloc ? pA->nAlloc*2 : 256;
    CkStep *aNew = realloc(pA->aStep, (size_t)nNew*sizeof(CkStep));
    if( aNew==NULL ) return ERROR_NOT_ENOUGH_MEMORY;
    pA->aStep = aNew;
    pA->nAlloc = nNew;
  }
  pA->aStep[pA->nStep++] = *p;
  return 0;
}

/* A step with every argument "none". */
static CkStep ck_blank(int eKind){
  CkStep s;
  memset(&s, 0, sizeof(s));
  s.s.eKind = (uint8_t)eKind;
  s.s.iUser = EXP_NONE;
  s.s.iTarget = EXP_NONE;
  s.s.ePersistent = -1;
  s.iFrom = EXP_NONE;
  return s;
}

/* Index of name "L:" in the explorer's device-name table, or -1. */
static int ck_name_index(const char *zName){
  for(int i = 0; i < exp_name_count(); i++){
    if( strcmp(exp_name(i), zName)==0 ) return i;
  }
  return -1;
}

/* The `as` steps of one caller (slot or SYSTEM, one half). */
static int ck_add_as(CkAlphabet *pA, int iSlot, int eHalf){
  const ExpWorld *pW = pA->pW;
  const CkConfig *c = &pA->cfg;
  int rc = 0;
  CkStep s = ck_blank(SCN_STEP_AS);
  s.s.iSlot = (uint8_t)iSlot;
  s.s.eHalf = (uint8_t)eHalf;
#define CK_ADD(st) do{ if( (rc = ck_add(pA, &(st))) ) return rc; }while(0)
  /* listings: change nothing; sorted outputs, rules of reading */
  if( c->bReads ){
    static const int aeRead[] = { SCN_CMD_NET_USE_LIST, SCN_CMD_CMDKEY_LIST,
      SCN_CMD_DRIVES, SCN_CMD_TOKEN, SCN_CMD_PERSISTED };
    for(size_t i = 0; i < sizeof(aeRead)/sizeof(aeRead[0]); i++){
      CkStep t = s; t.s.eCmd = (uint8_t)aeRead[i]; CK_ADD(t);
    }
    for(int r = 0; r < 2; r++){
      CkStep t = s; t.s.eCmd = SCN_CMD_WNET_ENUM; t.s.mFlag = r ? EXP_F_REMEMBERED : 0; CK_ADD(t);
    }
    for(int l = 0; l < c->nLetter; l++){
      CkStep t = s; t.s.eCmd = SCN_CMD_WNET_GET; t.s.cLetter = (uint8_t)c->acLetter[l]; CK_ADD(t);
      t.s.eCmd = SCN_CMD_DIR; CK_ADD(t);
      char zName[3] = { c->acLetter[l], ':', 0 };
      int iName = ck_name_index(zName);
      if( iName>=0 ){
        CkStep q = s; q.s.eCmd = SCN_CMD_QUERY; q.s.iName = (uint8_t)iName; CK_ADD(q);
      }
    }
  }else{
    CkStep t = s; t.s.eCmd = SCN_CMD_TOKEN; CK_ADD(t);
  }
  /* connecting a letter: no credentials, then each account with its own
  ** password; one wrong password (C4) */
  for(int l = 0; l < c->nLetter; l++){
    for(int r = 0; r < pW->nRealShare; r++){
      CkStep t = s;
      t.s.eCmd = SCN_CMD_NET_USE_ADD;
      t.s.cLetter = (uint8_t)c->acLetter[l];
      t.s.iRemote = (uint8_t)r;
      CK_ADD(t);
      for(int u = 0; u < pW->nUser; u++){
        CkStep v = t; v.s.iUser = (uint8_t)u; v.s.ePass = 1; CK_ADD(v);
      }
      CkStep w = t; w.s.eCmd = SCN_CMD_WNET_ADD; w.s.mFlag = EXP_F_UPDATE; CK_ADD(w);
      w.s.mFlag = 0; CK_ADD(w);
    }
    CkStep d = s; d.s.eCmd = SCN_CMD_NET_USE_DELETE; d.s.cLetter = (uint8_t)c->acLetter[l]; CK_ADD(d);
    d.s.eCmd = SCN_CMD_WNET_CANCEL; d.s.mFlag = EXP_F_UPDATE; CK_ADD(d);
    d.s.mFlag = 0; CK_ADD(d);
    /* R6: writes to HKCU\Network by hand */
    if( !c->bNoRegWrites ){
      CkStep g = s; g.s.eCmd = SCN_CMD_REG_SET; g.s.cLetter = (uint8_t)c->acLetter[l];
      g.eReg = CK_REG_REMOTE; g.s.iRemote = 0; CK_ADD(g);
      g.eReg = CK_REG_USERNAME; CK_ADD(g);
      CkStep h = s; h.s.eCmd = SCN_CMD_REG_DELETE; h.s.cLetter = (uint8_t)c->acLetter[l]; CK_ADD(h);
    }
  }
  if( pW->nRealShare && pW->nUser ){
    CkStep t = s; t.s.eCmd = SCN_CMD_NET_USE_ADD; t.s.cLetter = (uint8_t)c->acLetter[0];
    t.s.iRemote = 0; t.s.iUser = 0; t.s.ePass = 2; CK_ADD(t);
  }
  /* a server and a share that do not exist (C2) */
  for(int r = pW->nRealShare; r < pW->nRemote; r++){
    CkStep t = s; t.s.eCmd = SCN_CMD_NET_USE_ADD; t.s.cLetter = (uint8_t)c->acLetter[0];
    t.s.iRemote = (uint8_t)r; CK_ADD(t);
  }
  /* v2: automatic letter, deviceless connections and their cancels,
  ** opening a UNC path (C13, C14, C15) */
  for(int r = 0; r < pW->nRealShare; r++){
    CkStep t = s; t.s.iRemote = (uint8_t)r;
    t.s.eCmd = SCN_CMD_NET_USE_AUTO; CK_ADD(t);
    t.s.eCmd = SCN_CMD_NET_USE_DEVICELESS; CK_ADD(t);
    t.s.eCmd = SCN_CMD_WNET_ADD_DEVICELESS; CK_ADD(t);
    t.s.eCmd = SCN_CMD_NET_USE_DELETE_REMOTE; CK_ADD(t);
    t.s.eCmd = SCN_CMD_WNET_CANCEL_REMOTE; CK_ADD(t);
    t.s.eCmd = SCN_CMD_DIR; t.s.mFlag = EXP_F_DIR_UNC; CK_ADD(t);
  }
  { CkStep t = s; t.s.eCmd = SCN_CMD_NET_USE_DELETE_ALL; CK_ADD(t); }
  for(int y = 0; y < 2; y++){
    CkStep t = s; t.s.eCmd = SCN_CMD_NET_USE_PERSISTENT; t.s.ePersistent = (int8_t)y; CK_ADD(t);
  }
  /* Credential Manager: each server with each account's own password */
  for(int r = 0; r < pW->nRealShare; r++){
    int bSeen = 0;
    for(int q = 0; q < r; q++) bSeen |= strcmp(pW->azServer[q], pW->azServer[r])==0;
    if( bSeen ) continue;
    for(int u = 0; u < pW->nUser; u++){
      CkStep t = s; t.s.eCmd = SCN_CMD_CMDKEY_ADD; t.s.mFlag = EXP_F_CMDKEY_SRV;
      t.s.iRemote = (uint8_t)r; t.s.iUser = (uint8_t)u; t.s.ePass = 1; CK_ADD(t);
    }
    CkStep t = s; t.s.eCmd = SCN_CMD_CMDKEY_DELETE; t.s.mFlag = EXP_F_CMDKEY_SRV;
    t.s.iRemote = (uint8_t)r; CK_ADD(t);
  }
  /* DOS devices: a letter of the world and a Global\ name (N4) */
  for(int l = 0; l <= c->nLetter; l++){
    int iName;
    if( l<c->nLetter ){
      char zName[3] = { c->acLetter[l], ':', 0 };
      iName = ck_name_index(zName);
    }else{
      iName = ck_name_index("Global\\Q:");
    }
    if( iName<0 ) continue;
    /* two targets, so a name can hold a stack (D3, D4) */
    CkStep t = s; t.s.eCmd = SCN_CMD_DEFINE; t.s.iName = (uint8_t)iName; t.s.iTarget = 0; CK_ADD(t);
    t.s.iTarget = 1; CK_ADD(t);
    CkStep u = s; u.s.eCmd = SCN_CMD_UNDEFINE; u.s.iName = (uint8_t)iName; CK_ADD(u);
  }
  /* Tool steps (T1-T8): every profile with the actions and keys that
  ** select its branches, on the first letter and share (azTool) */
  for(int t = 0; t < pA->nTool; t++){
    if( pA->azTool[t]==NULL ) continue;
    CkStep u = s; u.s.eCmd = SCN_CMD_TOOL; u.iTool = (uint8_t)(t+1);
    u.s.cLetter = (uint8_t)c->acLetter[0];
    CK_ADD(u);
  }
#undef CK_ADD
  return 0;
}

/* The tool steps of the alphabet: text after `as WHO `, %c the first
** letter, %s the first share, %u/%p account 0 and its password. */
static const char *const azCkToolTemplate[] = {
  "tool ansible.win_mapped_drive state=present letter=%c: path=%s",
  "tool ansible.win_mapped_drive state=present letter=%c: path=%s username=%u password=%p",
  "tool ansible.win_mapped_drive state=absent letter=%c:",
  "tool ansible.win_credential state=present name=%v username=%u secret=%p",
  "tool ansible.win_credential state=absent name=%v",
  "tool ps.New-PSDrive name=%c root=%s persist",
  "tool ps.New-PSDrive name=%c root=%s user=%u password=%p",
  "tool ps.Remove-PSDrive name=%c",
  "tool ps.New-SmbMapping local=%c: remote=%s persistent",
  "tool ps.New-SmbMapping local=%c: remote=%s save-credentials user=%u password=%p",
  "tool ps.Remove-SmbMapping local=%c:",
  "tool netapi.NetUseAdd local=%c: remote=%s",
  "tool netapi.NetUseDel local=%c:",
  "tool gpp.drive-map action=create letter=%c: path=%s persistent=1",
  "tool gpp.drive-map action=replace letter=%c: path=%s persistent=0",
  "tool gpp.drive-map action=update letter=%c: path=%s",
  "tool gpp.drive-map action=delete letter=%c: path=%s",
};

/* Expand a template for world pW and letter c (malloc'd). */
static char *ck_tool_text(const char *zTpl, const ExpWorld *pW, char c){
  StrBuf b = {0};
  for(const char *z = zTpl; *z; z++){
    if( z[0]=='%' && z[1] ){
      z++;
      switch( *z ){
        case 'c': strbuf_printf(&b, "%c", c); break;
        case 's': strbuf_puts(&b, pW->azRemote[0]); break;
        case 'v': strbuf_puts(&b, pW->azServer[0]); break;
        case 'u': strbuf_puts(&b, pW->azUser[0]); break;
        case 'p': strbuf_puts(&b, pW->azPassword[0]); break;
        default: strbuf_append(&b, z, 1); break;
      }
    }else{
      strbuf_append(&b, z, 1);
    }
  }
  return strbuf_take(&b);
}

static int ck_tools_init(CkAlphabet *pA){
  const ExpWorld *pW = pA->pW;
  int n = (int)(sizeof(azCkToolTemplate)/sizeof(azCkToolTemplate[0]));
  if( pW->nRealShare==0 || pW->nUser==0 || sim_tool_count()==0 ) return 0;
  pA->azTool = calloc((size_t)n, sizeof(char*));
  pA->aTool = calloc((size_t)n, sizeof(ScnStep));
  if( pA->azTool==NULL || pA->aTool==NULL ) return ERROR_NOT_ENOUGH_MEMORY;
  for(int i = 0; i < n; i++){
    char *zTool = ck_tool_text(azCkToolTemplate[i], pW, pA->cfg.acLetter[0]);
    if( zTool==NULL ) return ERROR_NOT_ENOUGH_MEMORY;
    StrBuf line = {0};
    strbuf_printf(&line, "as SYSTEM %s", zTool);
    char zErr[200];
    int rc = scn_parse_step_line(strbuf_text(&line), &pA->aTool[i], zErr, sizeof(zErr));
    strbuf_reset(&line);
    if( rc ){
      /* a profile the language does not know (yet): left out */
      free(zTool);
      continue;
    }
    pA->azTool[i] = zTool;
  }
  pA->nTool = n;
  return 0;
}

/* The tool step's ScnStep: `as WHO ` and the template for this world,
** parsed. */
static int ck_tool_step_to_scn(const ExpWorld *pW, const CkStep *p, int iIndex, ScnStep *pOut){
  static const char *const azWho[] = { "", ".limited", ".elevated" };
  int n = (int)(sizeof(azCkToolTemplate)/sizeof(azCkToolTemplate[0]));
  memset(pOut, 0, sizeof(*pOut));
  if( p->iTool==0 || p->iTool>n ) return ERROR_INVALID_PARAMETER;
  char *zTool = ck_tool_text(azCkToolTemplate[p->iTool-1], pW, (char)p->s.cLetter);
  if( zTool==NULL ) return ERROR_NOT_ENOUGH_MEMORY;
  StrBuf line = {0};
  if( p->s.iSlot==EXP_SYSTEM ){
    strbuf_printf(&line, "as SYSTEM %s", zTool);
  }else{
    strbuf_printf(&line, "as %c%s %s", 'A'+p->s.iSlot,
                  p->s.eHalf<=SCN_HALF_ELEVATED ? azWho[p->s.eHalf] : "", zTool);
  }
  free(zTool);
  char zErr[200];
  int rc = scn_parse_step_line(strbuf_text(&line), pOut, zErr, sizeof(zErr));
  strbuf_reset(&line);
  if( rc ) return ERROR_INVALID_PARAMETER;
  pOut->iIndex = iIndex;
  return 0;
}

int ck_alphabet_init(CkAlphabet *pA, const ExpWorld *pW, const CkConfig *pCfg){
  int rc = 0;
  memset(pA, 0, sizeof(*pA));
  pA->pW = pW;
  pA->cfg = *pCfg;
  if( pA->cfg.nLetter<1 ){ pA->cfg.nLetter = 1; pA->cfg.acLetter[0] = 'Q'; }
  if( !pA->cfg.bNoTools ) rc = ck_tools_init(pA);
  if( rc ){ ck_alphabet_free(pA); return rc; }
  if( pA->cfg.nSlot<1 ) pA->cfg.nSlot = 1;
  if( pA->cfg.nSlot>CK_MAX_SLOT ) pA->cfg.nSlot = CK_MAX_SLOT;
  int nSlot = pA->cfg.nSlot;
  /* logons into each name: each account, each type */
  static const int aeCore[] = { SCN_LOGON_INTERACTIVE, SCN_LOGON_RUNAS,
    SCN_LOGON_NETWORK, SCN_LOGON_SSH };
  static const int aeMore[] = { SCN_LOGON_RDP, SCN_LOGON_BATCH, SCN_LOGON_SERVICE,
    SCN_LOGON_WINRM, SCN_LOGON_CREDSSP, SCN_LOGON_BECOME };
  for(int sl = 0; sl < nSlot && rc==0; sl++){
    for(int u = 0; u < pW->nUser && rc==0; u++){
      CkStep s = ck_blank(SCN_STEP_LOGON);
      s.s.iSlot = (uint8_t)sl;
      s.s.iUser = (uint8_t)u;
      for(size_t i = 0; i < sizeof(aeCore)/sizeof(aeCore[0]) && rc==0; i++){
        s.s.eLogon = (uint8_t)aeCore[i];
        rc = ck_add(pA, &s);
      }
      for(size_t i = 0; pA->cfg.bAllLogons && i < sizeof(aeMore)/sizeof(aeMore[0]) && rc==0; i++){
        s.s.eLogon = (uint8_t)aeMore[i];
        rc = ck_add(pA, &s);
      }
      /* a task with highest privileges that stores no password (L5, L13) */
      CkStep t = s; t.s.eLogon = SCN_LOGON_BATCH; t.bS4u = 1; t.s.bHighest = 1;
      if( rc==0 ) rc = ck_add(pA, &t);
      /* a wrong password (L7) */
      t = s; t.s.eLogon = SCN_LOGON_INTERACTIVE; t.s.ePass = 2;
      if( rc==0 && u==0 ) rc = ck_add(pA, &t);
      if( u==pW->iCurrentUser ){
        t = s; t.s.eLogon = SCN_LOGON_CURRENT;
        if( rc==0 ) rc = ck_add(pA, &t);
      }
      /* v2 from= logons: netonly (any account), task and elevate (same
      ** account as from=) */
      for(int f = 0; f < nSlot && rc==0; f++){
        if( f==sl ) continue;
        t = s; t.s.eLogon = SCN_LOGON_NETONLY; t.iFrom = (uint8_t)f;
        rc = ck_add(pA, &t);
        t.s.eLogon = SCN_LOGON_TASK;
        if( rc==0 ) rc = ck_add(pA, &t);
        t.s.bHighest = 1;
        if( rc==0 ) rc = ck_add(pA, &t);
        t.s.bHighest = 0; t.s.eLogon = SCN_LOGON_ELEVATE;
        if( rc==0 ) rc = ck_add(pA, &t);
      }
      t = s; t.s.eLogon = SCN_LOGON_NETONLY; t.iFrom = CK_FROM_SYSTEM;
      if( rc==0 ) rc = ck_add(pA, &t);
    }
    CkStep o = ck_blank(SCN_STEP_LOGOFF);
    o.s.iSlot = (uint8_t)sl;
    if( rc==0 ) rc = ck_add(pA, &o);
  }
  if( rc==0 ){
    CkStep r = ck_blank(SCN_STEP_REBOOT);
    rc = ck_add(pA, &r);
  }
  for(int p = 0; p < SCN_POL_COUNT && rc==0; p++){
    if( backend_sim_policy((ScnPolicy)p)==SIM_POL_COUNT ) continue;
    for(int v = 0; v < 2 && rc==0; v++){
      CkStep t = ck_blank(SCN_STEP_SET);
      t.s.ePolicy = (uint8_t)p;
      t.s.bOn = (uint8_t)v;
      rc = ck_add(pA, &t);
    }
  }
  /* a boot-time device (G5): SYSTEM's redirector link for Z:, and its
  ** removal */
  if( rc==0 ){
    CkStep t = ck_blank(SCN_STEP_BOOTDEVICE);
    t.s.cLetter = 'Z';
    t.s.iTarget = 6;
    rc = ck_add(pA, &t);
    t.s.iTarget = EXP_NONE;
    if( rc==0 ) rc = ck_add(pA, &t);
  }
  if( rc==0 ) rc = ck_add_as(pA, EXP_SYSTEM, SCN_HALF_SYSTEM);
  for(int sl = 0; sl < nSlot && rc==0; sl++){
    for(int h = SCN_HALF_BARE; h <= SCN_HALF_ELEVATED && rc==0; h++){
      rc = ck_add_as(pA, sl, h);
    }
  }
  if( rc ) ck_alphabet_free(pA);
  return rc;
}

void ck_alphabet_free(CkAlphabet *pA){
  for(int i = 0; i < pA->nTool; i++){
    free(pA->azTool[i]);
    scn_step_clear(&pA->aTool[i]);
  }
  free(pA->azTool);
  free(pA->aTool);
  free(pA->aStep);
  memset(pA, 0, sizeof(*pA));
}

/* ---------------------------------------------------------------- 2 ---- */

static SimLuid ck_who(const CkSim *pS, const ExpStep *e, int *pRc);

int ck_step_is_read(const CkStep *p){
  if( p->s.eKind!=SCN_STEP_AS ) return 0;
  switch( (ScnCmd)p->s.eCmd ){
    case SCN_CMD_NET_USE_LIST:
    case SCN_CMD_CMDKEY_LIST:
    case SCN_CMD_DRIVES:
    case SCN_CMD_TOKEN:
    case SCN_CMD_PERSISTED:
    case SCN_CMD_WNET_ENUM:
    case SCN_CMD_WNET_GET:
    case SCN_CMD_QUERY:
      return 1;
    case SCN_CMD_DIR:
      /* `dir \\srv\share` may make an implicit connection (C13) */
      return (p->s.mFlag & EXP_F_DIR_UNC)==0;
    default:
      return 0;
  }
}

void ck_step_foot(const CkSim *pS, const CkStep *p, CkFoot *pF){
  const ExpStep *e = &p->s;
  int rc;
  memset(pF, 0, sizeof(*pF));
  pF->bGlobal = 1;
  if( e->eKind!=SCN_STEP_AS || e->iSlot==EXP_SYSTEM ) return;
  if( e->eCmd==SCN_CMD_TOOL ) return;          /* tools: not audited */
  if( !pS->abLive[e->iSlot] ) return;
  if( (e->eCmd==SCN_CMD_DEFINE || e->eCmd==SCN_CMD_UNDEFINE || e->eCmd==SCN_CMD_QUERY) ){
    const char *zName = exp_name(e->iName);
    if( zName==NULL || strlen(zName)!=2 || zName[1]!=':' ) return;  /* Global\ */
  }
  /* LUID device maps off: a user's links go to \GLOBAL?? (N5) */
  if( !sim_policy_effective(pS->x.pM, SIM_POL_LUID_DEVICE_MAPS) ) return;
  SimLuid tok = ck_who(pS, e, &rc);
  if( rc || tok==0 ) return;
  SimTokenInfo ti;
  if( sim_token_query(pS->x.pM, tok, &ti) ) return;
  /* SYSTEM's own session holds \GLOBAL?? (netonly from=SYSTEM) */
  if( ti.luid==SIM_LUID_SYSTEM || ti.luidLinked==SIM_LUID_SYSTEM ) return;
  if( ti.zUser==NULL ) return;
  pF->aLuid[0] = ti.luid;
  pF->aLuid[1] = ti.luidLinked;
  pF->azUser[0] = ti.zUser;
  pF->azUser[1] = ti.zOutUser;
  pF->bGlobal = 0;
}

int ck_foot_disjoint(const CkFoot *pA, const CkFoot *pB){
  if( pA->bGlobal || pB->bGlobal ) return 0;
  for(int i = 0; i < 2; i++){
    for(int j = 0; j < 2; j++){
      if( pA->aLuid[i] && pA->aLuid[i]==pB->aLuid[j] ) return 0;
      if( pA->azUser[i] && pB->azUser[j] && strcasecmp(pA->azUser[i], pB->azUser[j])==0 ) return 0;
    }
  }
  return 1;
}

/* Is the session behind a slot's token live in the model? */
static int ck_model_live(const CkSim *pS, int iSlot){
  return pS->x.aBare[iSlot] && sim_session_exists(pS->x.pM, pS->x.aBare[iSlot]);
}

int ck_step_valid(const CkSim *pS, const CkAlphabet *pA, const CkStep *p){
  const ExpStep *e = &p->s;
  switch( (ScnStepKind)e->eKind ){
    case SCN_STEP_LOGON: {
      /* the first free name */
      int iFree = -1;
      for(int i = 0; i < pA->cfg.nSlot; i++){
        if( !pS->abLive[i] ){ iFree = i; break; }
      }
      if( iFree!=e->iSlot ) return 0;
      if( e->eLogon==SCN_LOGON_CURRENT && pS->bCurrentUsed ) return 0;
      if( p->iFrom!=EXP_NONE && p->iFrom!=CK_FROM_SYSTEM ){
        /* from= a live logon (live for the language and the model) */
        if( !pS->abLive[p->iFrom] || !ck_model_live(pS, p->iFrom) ) return 0;
        if( (e->eLogon==SCN_LOGON_TASK || e->eLogon==SCN_LOGON_ELEVATE)
         && pS->aiUser[p->iFrom]!=e->iUser ) return 0;
      }
      return 1;
    }
    case SCN_STEP_LOGOFF:
      return pS->abLive[e->iSlot];
    case SCN_STEP_SET:
      /* only a change: setting the value it has is the same state */
      return sim_policy_registry(pS->x.pM, backend_sim_policy((ScnPolicy)e->ePolicy))!=e->bOn;
    case SCN_STEP_AS: {
      if( e->iSlot==EXP_SYSTEM ) return 1;
      if( !pS->abUsed[e->iSlot] ) return 0;
      SimLuid bare = pS->x.aBare[e->iSlot], linked = pS->x.aLinked[e->iSlot];
      if( !pS->abLive[e->iSlot] || !ck_model_live(pS, e->iSlot) ){
        /* a name with no live session answers 1312 to everything (L10):
        ** one step says so */
        return e->eHalf==SCN_HALF_BARE && e->eCmd==SCN_CMD_TOKEN;
      }
      if( e->eHalf==SCN_HALF_BARE ) return 1;
      if( linked==0 ) return 0;
      /* the other half only (the bare one is `as S`) */
      SimTokenInfo ti;
      if( sim_token_query(pS->x.pM, bare, &ti) ) return 0;
      if( e->eHalf==SCN_HALF_LIMITED ) return ti.eElevation!=SIM_ELEVATION_LIMITED;
      return ti.eElevation==SIM_ELEVATION_LIMITED;
    }
    default:
      return 1;
  }
}

/* ---------------------------------------------------------------- 3 ---- */

int ck_sim_open(CkSim *pS, const ExpWorld *pW){
  memset(pS, 0, sizeof(*pS));
  return exp_sim_open(&pS->x, pW);
}

int ck_sim_copy(CkSim *pTo, const CkSim *pFrom){
  SimMachine *pM = NULL;
  int rc = sim_machine_clone(pFrom->x.pM, &pM);
  if( rc ) return rc;
  *pTo = *pFrom;
  pTo->x.pM = pM;
  return 0;
}

void ck_sim_close(CkSim *pS){
  exp_sim_close(&pS->x);
}

/* The token of an `as` step, or 0 with *pRc = 1312 (as exp_who()). */
static SimLuid ck_who(const CkSim *pS, const ExpStep *e, int *pRc){
  *pRc = 0;
  if( e->iSlot==EXP_SYSTEM ) return SIM_LUID_SYSTEM;
  SimLuid bare = pS->x.aBare[e->iSlot], linked = pS->x.aLinked[e->iSlot];
  if( bare==0 ){ *pRc = ERROR_NO_SUCH_LOGON_SESSION; return 0; }
  if( e->eHalf==SCN_HALF_BARE ) return bare;
  SimTokenInfo ti;
  if( linked==0 || sim_token_query(pS->x.pM, bare, &ti) ){
    *pRc = ERROR_NO_SUCH_LOGON_SESSION;
    return 0;
  }
  int bBareLimited = ti.eElevation==SIM_ELEVATION_LIMITED;
  if( e->eHalf==SCN_HALF_LIMITED ) return bBareLimited ? bare : linked;
  return bBareLimited ? linked : bare;
}

/* A logon of version 2 (ssh, s4u, netonly, task, elevate). */
static int ck_logon_v2(CkSim *pS, const CkStep *p, SimLuid *pTok){
  const ExpWorld *pW = pS->x.pW;
  const ExpStep *e = &p->s;
  SimMachine *pM = pS->x.pM;
  if( e->eLogon==SCN_LOGON_NETONLY || e->eLogon==SCN_LOGON_TASK
   || e->eLogon==SCN_LOGON_ELEVATE ){
    SimLuid from = p->iFrom==CK_FROM_SYSTEM ? SIM_LUID_SYSTEM : pS->x.aBare[p->iFrom];
    if( from==0 || !sim_session_exists(pM, from) ){
      sim_rule(pM, SIM_RULE_L10);
      return ERROR_NO_SUCH_LOGON_SESSION;
    }
    if( e->eLogon==SCN_LOGON_NETONLY ){
      return sim_logon_netonly(pM, from, pW->azUser[e->iUser], pW->azPassword[e->iUser], pTok);
    }
    if( e->eLogon==SCN_LOGON_TASK ) return sim_logon_task(pM, from, e->bHighest, pTok);
    return sim_elevate(pM, from, pW->azPassword[e->iUser], pTok);
  }
  SimLogonType eType = p->bS4u ? SIM_LOGON_S4U : backend_sim_logon_type((ScnLogonType)e->eLogon);
  const char *zPw = e->ePass==2 ? "Wr0ng-pw" : pW->azPassword[e->iUser];
  return sim_logon_user(pM, pW->azUser[e->iUser], eType, e->bHighest, zPw, pTok);
}

/* Keep the language's view of the names after a logon. */
static void ck_names_logon(CkSim *pS, const CkStep *p, int rc){
  const ExpStep *e = &p->s;
  int sl = e->iSlot;
  int bFailed = e->ePass==2;
  int bShare = p->iFrom!=EXP_NONE && p->iFrom!=CK_FROM_SYSTEM
    && (e->eLogon==SCN_LOGON_TASK
        || (e->eLogon==SCN_LOGON_ELEVATE
            && !sim_policy_effective(pS->x.pM, SIM_POL_CONSENT_CREDENTIALS)));
  (void)rc;
  pS->abUsed[sl] = 1;
  pS->aiUser[sl] = e->iUser;
  if( e->eLogon==SCN_LOGON_CURRENT ) pS->bCurrentUsed = 1;
  if( bFailed || (bShare && !pS->abLive[p->iFrom]) ){
    pS->abLive[sl] = 0;
    pS->aiGroup[sl] = 0;
    return;
  }
  pS->abLive[sl] = 1;
  pS->aiGroup[sl] = bShare ? pS->aiGroup[p->iFrom] : ++pS->nGroup;
}

void ck_tool_cover_free(CkToolCover *p){
  for(int i = 0; i < p->n; i++) free(p->az[i]);
  free(p->az);
  memset(p, 0, sizeof(*p));
}

/* Note the `why:` lines of a tool's record as branches of its profile. */
static void ck_tool_cover_add(CkToolCover *p, const char *zProfile, const char *zRecord){
  if( p==NULL || zRecord==NULL ) return;
  p->nRun++;
  const char *z = zRecord;
  while( *z ){
    const char *zEnd = strchr(z, '\n');
    size_t n = zEnd ? (size_t)(zEnd-z) : strlen(z);
    const char *zWhy = NULL;
    for(size_t i = 0; i + 4 <= n; i++){
      if( memcmp(z+i, "why:", 4)==0 ){ zWhy = z+i+4; break; }
    }
    if( zWhy ){
      while( *zWhy==' ' ) zWhy++;
      size_t m = (size_t)(z+n-zWhy);
      /* the reason up to its first ": " that is not a drive letter's */
      for(size_t k = 0; k + 1 < m; k++){
        if( zWhy[k]==':' && zWhy[k+1]==' '
         && !(k>=1 && zWhy[k-1]>='A' && zWhy[k-1]<='Z' && (k==1 || zWhy[k-2]==' ')) ){
          m = k;
          break;
        }
      }
      char zKey[200];
      snprintf(zKey, sizeof(zKey), "%s: %.*s", zProfile, (int)m, zWhy);
      int bSeen = 0;
      for(int i = 0; i < p->n && !bSeen; i++) bSeen = strcmp(p->az[i], zKey)==0;
      if( !bSeen ){
        if( p->n==p->nAlloc ){
          int nNew = p->nAlloc ? p->nAlloc*2 : 32;
          char **azNew = realloc(p->az, sizeof(char*)*(size_t)nNew);
          if( azNew ){ p->az = azNew; p->nAlloc = nNew; }
        }
        if( p->n<p->nAlloc ){
          p->az[p->n] = strdup(zKey);
          if( p->az[p->n] ) p->n++;
        }
      }
    }
    z += n;
    if( *z=='\n' ) z++;
  }
}

/* A tool step: the profile runs as tok with the step's keys (T1). */
static int ck_run_tool(CkSim *pS, const CkStep *p, SimLuid tok){
  if( pS->pA==NULL || p->iTool==0 || p->iTool>pS->pA->nTool ) return ERROR_INVALID_PARAMETER;
  const ScnStep *pT = &pS->pA->aTool[p->iTool-1];
  const SimToolProfile *pTool = sim_tool_find(scn_tool_name(pT->eTool));
  if( pTool==NULL ) return ERROR_INVALID_PARAMETER;
  SimToolArg aArg[SCN_TKEY_COUNT];
  int nArg = 0;
  for(int i = 0; i < pT->nToolArg && nArg < SCN_TKEY_COUNT; i++, nArg++){
    aArg[nArg].zKey = scn_tool_key_name(pT->aToolArg[i].eKey);
    aArg[nArg].zValue = pT->aToolArg[i].zValue;
  }
  SimToolCall call;
  memset(&call, 0, sizeof(call));
  call.pM = pS->x.pM;
  call.token = tok;
  call.aArg = aArg;
  call.nArg = nArg;
  int rc = sim_tool_run(pTool, &call);
  ck_tool_cover_add(pS->pCover, pTool->zName, call.zRecord);
  /* a tool that wrote HKCU\Network by hand (T2 blanks UserName, R6) */
  if( call.zRecord && strstr(call.zRecord, "set HKCU\\Network\\") ) pS->bHandWritten = 1;
  sim_tool_call_clear(&call);
  return rc;
}

int ck_sim_step(CkSim *pS, const CkStep *p){
  const ExpStep *e = &p->s;
  const ExpWorld *pW = pS->x.pW;
  SimMachine *pM = pS->x.pM;
  int rc = 0;
  switch( (ScnStepKind)e->eKind ){
    case SCN_STEP_LOGON:
      if( e->eLogon>=SCN_LOGON_SSH || p->bS4u ){
        SimLuid tok = 0;
        int sl = e->iSlot;
        rc = ck_logon_v2(pS, p, &tok);
        /* keep the explorer's record of the slot as its own logon path
        ** does (runner/explore/fastpath.c): which half the bare name is,
        ** and a netonly session's parent, which `.limited`/`.elevated`
        ** and the netonly invariant read */
        pS->x.abLive[sl] = 1;
        pS->x.aBare[sl] = 0;
        pS->x.aLinked[sl] = 0;
        pS->x.abBareFull[sl] = 0;
        if( pS->x.aParent[sl] ) pS->x.nNetonly--;
        pS->x.aParent[sl] = 0;
        pS->x.aParentLinked[sl] = 0;
        if( rc==0 ){
          SimTokenInfo ti;
          pS->x.aBare[sl] = tok;
          if( sim_token_query(pM, tok, &ti)==0 ){
            pS->x.aLinked[sl] = ti.luidLinked;
            pS->x.abBareFull[sl] = ti.eElevation==SIM_ELEVATION_FULL;
          }
          if( e->eLogon==SCN_LOGON_NETONLY ){
            SimLuid from = p->iFrom==CK_FROM_SYSTEM ? SIM_LUID_SYSTEM : pS->x.aBare[p->iFrom];
            SimTokenInfo tf;
            pS->x.aParent[sl] = from;
            if( from!=SIM_LUID_SYSTEM && sim_token_query(pM, from, &tf)==0 ){
              pS->x.aParentLinked[sl] = tf.luidLinked;
            }
            pS->x.nNetonly++;
          }
        }
        ck_names_logon(pS, p, rc);
        exp_sim_check_all(&pS->x);
        return rc;
      }
      ck_names_logon(pS, p, 0);
      return exp_sim_step(&pS->x, e, NULL);
    case SCN_STEP_LOGOFF: {
      int g = pS->aiGroup[e->iSlot];
      for(int i = 0; i < EXP_MAX_SLOT; i++){
        if( pS->abLive[i] && (i==e->iSlot || (g && pS->aiGroup[i]==g)) ){
          pS->abLive[i] = 0;
          pS->aiGroup[i] = 0;
        }
      }
      return exp_sim_step(&pS->x, e, NULL);
    }
    case SCN_STEP_REBOOT:
      memset(pS->abLive, 0, sizeof(pS->abLive));
      memset(pS->aiGroup, 0, sizeof(pS->aiGroup));
      return exp_sim_step(&pS->x, e, NULL);
    case SCN_STEP_AS:
      break;
    default:
      return exp_sim_step(&pS->x, e, NULL);
  }
  if( e->eCmd<SCN_CMD_NET_USE_AUTO ) return exp_sim_step(&pS->x, e, NULL);
  SimLuid tok = ck_who(pS, e, &rc);
  if( rc ){
    sim_rule(pM, SIM_RULE_L10);
    return rc;
  }
  const char *zRemote = pW->azRemote[e->iRemote];
  char zLetter[3] = { (char)e->cLetter, ':', 0 };
  char c = 0;
  switch( (ScnCmd)e->eCmd ){
    case SCN_CMD_NET_USE_AUTO: {
      int bPersist = 1;
      rc = sim_reg_get_net_use_default(pM, tok, &bPersist);
      if( rc==0 ){
        rc = sim_wnet_use_connection(pM, tok, NULL, zRemote, NULL, NULL,
               (bPersist ? SIM_CONNECT_UPDATE_PROFILE : 0)|SIM_CONNECT_REDIRECT, &c);
      }
      break;
    }
    case SCN_CMD_NET_USE_DEVICELESS:
    case SCN_CMD_WNET_ADD_DEVICELESS:
      rc = sim_wnet_add_connection2(pM, tok, NULL, zRemote, NULL, NULL, 0);
      break;
    case SCN_CMD_NET_USE_DELETE_REMOTE:
      rc = sim_wnet_cancel_connection2(pM, tok, zRemote, SIM_CONNECT_UPDATE_PROFILE, 1);
      break;
    case SCN_CMD_WNET_CANCEL_REMOTE:
      rc = sim_wnet_cancel_connection2(pM, tok, zRemote, 0, 0);
      break;
    case SCN_CMD_REG_SET:
      if( p->eReg==CK_REG_REMOTE ){
        rc = sim_reg_set_network_value(pM, tok, (char)e->cLetter, "RemotePath",
                                       SIM_REG_SZ, zRemote, 0);
      }else{
        rc = sim_reg_set_network_value(pM, tok, (char)e->cLetter, "UserName",
                                       SIM_REG_SZ, "", 0);
      }
      break;
    case SCN_CMD_REG_DELETE:
      rc = sim_reg_delete_network(pM, tok, (char)e->cLetter, NULL);
      break;
    case SCN_CMD_TOOL:
      rc = ck_run_tool(pS, p, tok);
      break;
    default:
      rc = ERROR_INVALID_PARAMETER;
      break;
  }
  (void)zLetter;
  if( rc==0 && (e->eCmd==SCN_CMD_REG_SET || e->eCmd==SCN_CMD_REG_DELETE) ){
    pS->bHandWritten = 1;
  }
  exp_sim_check_all(&pS->x);
  return rc;
}

/* ---------------------------------------------------------------- 4 ---- */

int ck_step_to_scn(const ExpWorld *pW, const CkStep *p, int iIndex, ScnStep *pOut){
  static const char *const azSlot[EXP_MAX_SLOT] = { "A", "B", "C", "D", "E", "F" };
  const ExpStep *e = &p->s;
  if( e->eKind==SCN_STEP_AS && e->eCmd==SCN_CMD_TOOL ){
    /* the tool's text, re-made from its template for this world */
    return ck_tool_step_to_scn(pW, p, iIndex, pOut);
  }
  ExpStep base = *e;
  int bV2Cmd = e->eKind==SCN_STEP_AS && e->eCmd>=SCN_CMD_NET_USE_AUTO;
  if( bV2Cmd ) base.eCmd = SCN_CMD_TOKEN;
  int rc = exp_step_to_scn(pW, &base, iIndex, pOut);
  if( rc ) return rc;
  int bOom = 0;
  free(pOut->zText);
  pOut->zText = NULL;
  if( e->eKind==SCN_STEP_LOGON ){
    pOut->bS4u = p->bS4u;
    if( p->iFrom!=EXP_NONE ){
      if( p->iFrom==CK_FROM_SYSTEM ){
        pOut->eFromHalf = SCN_HALF_SYSTEM;
      }else{
        pOut->zFrom = strdup(azSlot[p->iFrom]);
        if( pOut->zFrom==NULL ) bOom = 1;
        pOut->eFromHalf = SCN_HALF_BARE;
      }
    }
    /* netonly uses the account's own password by default; the others
    ** take no password= */
    free(pOut->zLogonPassword);
    pOut->zLogonPassword = NULL;
    if( e->ePass==2 ){
      pOut->zLogonPassword = strdup("Wr0ng-pw");
      if( pOut->zLogonPassword==NULL ) bOom = 1;
    }
  }
  if( bV2Cmd ){
    const char *zRemote = pW->azRemote[e->iRemote];
    pOut->eCmd = (ScnCmd)e->eCmd;
    switch( (ScnCmd)e->eCmd ){
      case SCN_CMD_REG_SET:
        pOut->cLetter = (char)e->cLetter;
        pOut->eRegType = SCN_REG_SZ;
        pOut->zRegValue = strdup(p->eReg==CK_REG_REMOTE ? "RemotePath" : "UserName");
        pOut->zRegData = strdup(p->eReg==CK_REG_REMOTE ? zRemote : "");
        if( !pOut->zRegValue || !pOut->zRegData ) bOom = 1;
        break;
      case SCN_CMD_REG_DELETE:
        pOut->cLetter = (char)e->cLetter;
        break;
      default:
        pOut->zRemote = strdup(zRemote);
        if( pOut->zRemote==NULL ) bOom = 1;
        pOut->ePersistent = -1;
        break;
    }
  }
  if( !bOom ){
    pOut->zText = scn_step_format(pOut, 0);
    if( pOut->zText==NULL ) bOom = 1;
  }
  if( bOom ){
    scn_step_clear(pOut);
    return ERROR_NOT_ENOUGH_MEMORY;
  }
  return 0;
}

char *ck_step_text(const ExpWorld *pW, const CkStep *p, int bRedact){
  ScnStep s;
  if( ck_step_to_scn(pW, p, 0, &s) ) return NULL;
  char *z = scn_step_format(&s, bRedact);
  scn_step_clear(&s);
  return z;
}
