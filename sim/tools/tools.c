/*
** sim/tools/tools.c: the registry of tool profiles, running one, and the
** recorded operations the profiles are written with (T1).
**
** Contents:
**   1. The registry (one row per profile; add a row for a new one)
**   2. Arguments
**   3. The record
**   4. Recorded operations
**   5. Running a profile
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/str.h"
#include "sim/tools/toolint.h"

/* ---------------------------------------------------------------- 1 ---- */

static const SimToolProfile aProfile[] = {
  { "ansible.win_mapped_drive", "Ansible win_mapped_drive", SIM_RULE_T2,
    "state=present|absent letter=<L:> [path=<unc>] [username=<u>] [password=<pw>]",
    "ansible-collections/community.windows plugins/modules/win_mapped_drive.ps1"
    " (commit fb72161648c3; the module rewritten for Ansible 2.8, moved from"
    " ansible.windows)",
    "as the linked limited half when the token is Full: enumerate remembered,"
    " cancel/connect with CONNECT_UPDATE_PROFILE, blank HKCU\\Network UserName",
    tool_ansible_mapped_drive },
  { "ansible.win_credential", "Ansible win_credential", SIM_RULE_T3,
    "state=present|absent name=<target> [username=<u>] [secret=<pw>]",
    "ansible-collections/ansible.windows plugins/modules/win_credential.ps1"
    " (commit b11875827980; CredWriteW/CredDeleteW, type=domain_password)",
    "CredWrite or CredDelete in the caller's vault (K1, K2); deleting what is"
    " not there succeeds",
    tool_ansible_credential },
  { "ps.New-PSDrive", "PowerShell New-PSDrive/Remove-PSDrive (FileSystem provider)", SIM_RULE_T4,
    "name=<L> root=<unc> [persist] [user=<u> password=<pw>]",
    "PowerShell/PowerShell src/System.Management.Automation/namespaces/"
    "FileSystemProvider.cs, NewDrive/MapNetworkDrive (commit 7fe160941d58)",
    "-Persist: WNetAddConnection2 with CONNECT_UPDATE_PROFILE; -Credential"
    " alone: a deviceless connection (C14); else a PowerShell-only drive",
    tool_ps_new_psdrive },
  { "ps.Remove-PSDrive", "PowerShell New-PSDrive/Remove-PSDrive (FileSystem provider)", SIM_RULE_T4,
    "name=<L>",
    "PowerShell/PowerShell src/System.Management.Automation/namespaces/"
    "FileSystemProvider.cs, RemoveDrive (commit 7fe160941d58)",
    "in a new process: cancels a drive of the caller's view with"
    " CONNECT_UPDATE_PROFILE and force, else tool-error no-such-drive",
    tool_ps_remove_psdrive },
  { "ps.New-SmbMapping", "PowerShell New-SmbMapping/Remove-SmbMapping", SIM_RULE_T5,
    "local=<L:> remote=<unc> [persistent] [save-credentials] [user=<u> password=<pw>]",
    "Microsoft docs: New-SmbMapping (SmbShare module, Windows 8 / Server"
    " 2012 and later)",
    "WNetAddConnection2 of the letter, remembered only with -Persistent;"
    " -SaveCredentials writes the vault as cmdkey does (K1)",
    tool_ps_new_smbmapping },
  { "ps.Remove-SmbMapping", "PowerShell New-SmbMapping/Remove-SmbMapping", SIM_RULE_T5,
    "local=<L:>",
    "Microsoft docs: Remove-SmbMapping (SmbShare module)",
    "WNetCancelConnection2 with CONNECT_UPDATE_PROFILE and force",
    tool_ps_remove_smbmapping },
  { "netapi.NetUseAdd", "NetUseAdd/NetUseDel (Chef's mount resource)", SIM_RULE_T6,
    "local=<L:> remote=<unc> [user=<u> password=<pw>]",
    "Microsoft docs: NetUseAdd (lmuse.h, USE_INFO_2); chef/chef"
    " lib/chef/provider/mount/windows.rb (commit 0a86198438c7) through"
    " Chef::Util::Windows::NetUse",
    "a connection of the letter that is never remembered",
    tool_netapi_netuseadd },
  { "netapi.NetUseDel", "NetUseAdd/NetUseDel (Chef's mount resource)", SIM_RULE_T6,
    "local=<L:>",
    "Microsoft docs: NetUseDel (lmuse.h)",
    "cancels the letter without CONNECT_UPDATE_PROFILE",
    tool_netapi_netusedel },
  { "gpp.drive-map", "Group Policy Preferences drive maps", SIM_RULE_T7,
    "action=create|replace|update|delete letter=<L:> path=<unc> [persistent=0|1]"
    " [user=<u> password=<pw>]",
    "[MS-GPPREF] 2.2.1.4.1 Drive Maps (Drives.xml: action C/R/U/D, persistent,"
    " userName, cpassword)",
    "at logon, in the limited half: create/update connect unless connected,"
    " replace cancels then connects, delete cancels",
    tool_gpp_drive_map },
};

int sim_tool_count(void){
  return (int)(sizeof(aProfile)/sizeof(aProfile[0]));
}

const SimToolProfile *sim_tool_at(int i){
  if( i<0 || i>=sim_tool_count() ) return NULL;
  return &aProfile[i];
}

const SimToolProfile *sim_tool_find(const char *zName){
  int i;
  if( zName==NULL ) return NULL;
  for(i=0; i<sim_tool_count(); i++){
    if( simstr_ieq(aProfile[i].zName, zName) ) return &aProfile[i];
  }
  return NULL;
}

/* ---------------------------------------------------------------- 2 ---- */

const char *tool_arg(const SimToolCall *pCall, const char *zKey){
  int i;
  for(i=0; i<pCall->nArg; i++){
    if( simstr_ieq(pCall->aArg[i].zKey, zKey) ){
      return pCall->aArg[i].zValue ? pCall->aArg[i].zValue : "";
    }
  }
  return NULL;
}

char tool_letter(const SimToolCall *pCall, const char *zKey){
  const char *z = tool_arg(pCall, zKey);
  char c;
  if( z==NULL || z[0]==0 ) return 0;
  c = z[0];
  if( c>='a' && c<='z' ) c = (char)(c-'a'+'A');
  if( c<'A' || c>'Z' ) return 0;
  if( z[1]!=0 && !(z[1]==':' && z[2]==0) ) return 0;
  return c;
}

/* ---------------------------------------------------------------- 3 ---- */

static void tool_vrecord(SimToolCall *pCall, const char *zPrefix,
                         const char *zFormat, va_list ap){
  char zLine[600];
  size_t n;
  int k = snprintf(zLine, sizeof(zLine), "%s", zPrefix);
  if( k<0 ) k = 0;
  vsnprintf(zLine+k, sizeof(zLine)-(size_t)k, zFormat, ap);
  n = strlen(zLine);
  if( pCall->nRecord+n+2 > pCall->nRecordAlloc ){
    size_t nNew = pCall->nRecordAlloc ? pCall->nRecordAlloc*2 : 256;
    char *zNew;
    while( nNew < pCall->nRecord+n+2 ) nNew *= 2;
    zNew = realloc(pCall->zRecord, nNew);
    if( zNew==NULL ){
      pCall->bRecordLost = 1;
      return;
    }
    pCall->zRecord = zNew;
    pCall->nRecordAlloc = nNew;
  }
  if( pCall->nRecord ) pCall->zRecord[pCall->nRecord++] = '\n';
  memcpy(pCall->zRecord+pCall->nRecord, zLine, n+1);
  pCall->nRecord += n;
}

void tool_why(SimToolCall *pCall, const char *zFormat, ...){
  va_list ap;
  va_start(ap, zFormat);
  tool_vrecord(pCall, "why: ", zFormat, ap);
  va_end(ap);
}

void tool_note(SimToolCall *pCall, const char *zFormat, ...){
  va_list ap;
  va_start(ap, zFormat);
  tool_vrecord(pCall, "", zFormat, ap);
  va_end(ap);
}

void tool_token_name(const SimToolCall *pCall, SimLuid tok, char *zBuf, size_t nBuf){
  if( pCall->xTokenName ){
    pCall->xTokenName(pCall->pNameCtx, tok, zBuf, nBuf);
  }else{
    snprintf(zBuf, nBuf, "{%llx}", (unsigned long long)tok);
  }
}

void tool_fail_word(SimToolCall *pCall, const char *zWord){
  pCall->zToolError = zWord;
  tool_note(pCall, "=> tool-error %s", zWord);
}

/* "ok" or "error 1219" for the record. */
static const char *tool_result(int rc, char *zBuf, size_t nBuf){
  if( rc==0 ) return "ok";
  snprintf(zBuf, nBuf, "error %d", rc);
  return zBuf;
}

/* The flags of a call, for the record. */
static const char *tool_flags(unsigned flags){
  if( flags & SIM_CONNECT_UPDATE_PROFILE ) return ", CONNECT_UPDATE_PROFILE";
  if( flags & SIM_CONNECT_TEMPORARY ) return ", CONNECT_TEMPORARY";
  return ", 0";
}

/* ---------------------------------------------------------------- 4 ---- */

int tool_add(SimToolCall *pCall, const char *zApi, SimLuid tok, char c,
             const char *zRemote, const char *zUser, const char *zPassword,
             unsigned flags){
  char zLocal[3], zTok[80], zRc[32], zCred[200] = "";
  int rc;
  zLocal[0] = c; zLocal[1] = ':'; zLocal[2] = 0;
  rc = sim_wnet_add_connection2(pCall->pM, tok, c ? zLocal : NULL, zRemote,
                                zUser, zPassword, flags);
  tool_token_name(pCall, tok, zTok, sizeof(zTok));
  if( zUser ) snprintf(zCred, sizeof(zCred), ", user=%s", zUser);
  if( zPassword ){
    size_t n = strlen(zCred);
    snprintf(zCred+n, sizeof(zCred)-n, ", password=***");
  }
  tool_note(pCall, "%s(%s, %s%s%s) as %s -> %s", zApi, c ? zLocal : "(no letter)",
            zRemote ? zRemote : "", zCred, tool_flags(flags), zTok,
            tool_result(rc, zRc, sizeof(zRc)));
  return rc;
}

int tool_cancel(SimToolCall *pCall, const char *zApi, SimLuid tok, char c,
                unsigned flags, int bForce){
  char zLocal[3], zTok[80], zRc[32];
  int rc;
  zLocal[0] = c; zLocal[1] = ':'; zLocal[2] = 0;
  rc = sim_wnet_cancel_connection2(pCall->pM, tok, zLocal, flags, bForce);
  tool_token_name(pCall, tok, zTok, sizeof(zTok));
  tool_note(pCall, "%s(%s%s, force=%s) as %s -> %s", zApi, zLocal,
            tool_flags(flags), bForce ? "yes" : "no", zTok,
            tool_result(rc, zRc, sizeof(zRc)));
  return rc;
}

/* A search of an enumeration for one letter. */
typedef struct ToolFind ToolFind;
struct ToolFind {
  char c;                    /* the letter looked for */
  const char *zPath;         /* its remote name when found */
  int nSeen;                 /* entries enumerated */
};

static int tool_find_visit(void *pCtx, const SimResourceInfo *pR){
  ToolFind *pF = pCtx;
  pF->nSeen++;
  if( pR->cLetter==pF->c && pF->zPath==NULL ) pF->zPath = pR->zRemote;
  return 0;
}

int tool_find_remembered(SimToolCall *pCall, SimLuid tok, char c,
                         const char **pzPath){
  ToolFind f;
  char zTok[80], zRc[32];
  int rc;
  memset(&f, 0, sizeof(f));
  f.c = c;
  rc = sim_wnet_enum(pCall->pM, tok, SIM_RESOURCE_REMEMBERED, tool_find_visit, &f);
  tool_token_name(pCall, tok, zTok, sizeof(zTok));
  if( rc ){
    tool_note(pCall, "WNetOpenEnum(RESOURCE_REMEMBERED) as %s -> %s", zTok,
              tool_result(rc, zRc, sizeof(zRc)));
    *pzPath = NULL;
    return rc;
  }
  if( f.zPath ){
    tool_note(pCall, "WNetOpenEnum(RESOURCE_REMEMBERED) as %s -> %d remembered, %c: %s",
              zTok, f.nSeen, c, f.zPath);
  }else{
    tool_note(pCall, "WNetOpenEnum(RESOURCE_REMEMBERED) as %s -> %d remembered, %c: not among them",
              zTok, f.nSeen, c);
  }
  *pzPath = f.zPath;
  return 0;
}

static int tool_view_visit(void *pCtx, const SimLinkInfo *pL){
  ToolFind *pF = pCtx;
  if( pL->zName[0]==pF->c && pL->zName[1]==':' && pL->zName[2]==0 ){
    pF->zPath = pL->zTarget;
  }
  return 0;
}

int tool_letter_in_view(SimToolCall *pCall, SimLuid tok, char c, int *pbIn){
  ToolFind f;
  char zTok[80], zRc[32];
  int rc;
  memset(&f, 0, sizeof(f));
  f.c = c;
  rc = sim_dosdev_view(pCall->pM, tok, tool_view_visit, &f);
  tool_token_name(pCall, tok, zTok, sizeof(zTok));
  *pbIn = rc==0 && f.zPath!=NULL;
  if( rc ){
    tool_note(pCall, "drives of the process as %s -> %s", zTok,
              tool_result(rc, zRc, sizeof(zRc)));
  }else{
    tool_note(pCall, "drives of the process as %s -> %c: %s", zTok, c,
              *pbIn ? "is a device" : "is free");
  }
  return rc;
}

int tool_get_connection(SimToolCall *pCall, SimLuid tok, char c){
  char zLocal[3], zTok[80], zRc[32];
  const char *zRemote = NULL;
  int rc;
  zLocal[0] = c; zLocal[1] = ':'; zLocal[2] = 0;
  rc = sim_wnet_get_connection(pCall->pM, tok, zLocal, &zRemote);
  tool_token_name(pCall, tok, zTok, sizeof(zTok));
  if( rc==0 ){
    tool_note(pCall, "WNetGetConnection(%s) as %s -> %s", zLocal, zTok, zRemote);
  }else{
    tool_note(pCall, "WNetGetConnection(%s) as %s -> %s", zLocal, zTok,
              tool_result(rc, zRc, sizeof(zRc)));
  }
  return rc;
}

int tool_reg_set(SimToolCall *pCall, SimLuid tok, char c, const char *zValue,
                 const char *zData){
  char zTok[80], zRc[32];
  int rc = sim_reg_set_network_value(pCall->pM, tok, c, zValue, SIM_REG_SZ, zData, 0);
  tool_token_name(pCall, tok, zTok, sizeof(zTok));
  tool_note(pCall, "set HKCU\\Network\\%c %s=\"%s\" as %s -> %s", c, zValue, zData,
            zTok, tool_result(rc, zRc, sizeof(zRc)));
  return rc;
}

int tool_cred_write(SimToolCall *pCall, SimLuid tok, const char *zTarget,
                    const char *zUser, const char *zPassword){
  char zTok[80], zRc[32];
  int rc = sim_cred_write(pCall->pM, tok, zTarget, zUser, zPassword);
  tool_token_name(pCall, tok, zTok, sizeof(zTok));
  tool_note(pCall, "CredWrite(%s, user=%s, password=***) as %s -> %s", zTarget,
            zUser ? zUser : "", zTok, tool_result(rc, zRc, sizeof(zRc)));
  return rc;
}

int tool_cred_delete(SimToolCall *pCall, SimLuid tok, const char *zTarget){
  char zTok[80], zRc[32];
  int rc = sim_cred_delete(pCall->pM, tok, zTarget);
  tool_token_name(pCall, tok, zTok, sizeof(zTok));
  tool_note(pCall, "CredDelete(%s) as %s -> %s", zTarget, zTok,
            tool_result(rc, zRc, sizeof(zRc)));
  return rc;
}

/* ---------------------------------------------------------------- 5 ---- */

void sim_tool_call_clear(SimToolCall *pCall){
  free(pCall->zRecord);
  pCall->zRecord = NULL;
  pCall->nRecord = 0;
  pCall->nRecordAlloc = 0;
  pCall->bRecordLost = 0;
  pCall->rc = 0;
  pCall->zToolError = NULL;
}

int sim_tool_run(const SimToolProfile *pTool, SimToolCall *pCall){
  pCall->rc = 0;
  pCall->zToolError = NULL;
  sim_rule(pCall->pM, SIM_RULE_T1);
  sim_rule(pCall->pM, pTool->eRule);
  if( !sim_session_exists(pCall->pM, pCall->token) ){
    sim_rule(pCall->pM, SIM_RULE_L10);
    pCall->rc = ERROR_NO_SUCH_LOGON_SESSION;
    return pCall->rc;
  }
  pTool->xRun(pCall);
  if( pCall->zToolError ) return -1;
  return pCall->rc;
}
