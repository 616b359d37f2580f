/*
** real/win/agent_cmds.c: the commands after `as <who>`, run by the agent
** on a worker thread that impersonates the named half (agent_host.c
** verified the thread token before calling win_cmd_run).
**
** Every command calls the documented API and prints the canonical output
** (SCENARIO-LANGUAGE "Canonical outputs"): LUIDs as placeholders, UNC
** paths as the scenario typed them, listings sorted.
**
** Contents:
**   1. Helpers: host strings, device queries, redirector targets
**   2. DOS devices: define, undefine, query, drives
**   3. token, persisted, dir
**   4. Credential Manager: cmdkey
**   5. Network: net use, wnet
**   6. Dispatch
*/
#include "agent_win.h"

#include <lm.h>
#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wincred.h>
#include <winnetwk.h>

#define WIN_PERSIST_KEY "Software\\Microsoft\\Windows NT\\CurrentVersion\\Network\\Persistent Connections"

/* ---------------------------------------------------------------- 1 ---- */

/* QueryDosDeviceW into a malloc'd multi-string. Returns 0 or the error. */
static DWORD win_query_multi(const WCHAR *zName, WCHAR **ppOut){
  DWORD nBuf = 4096;
  *ppOut = NULL;
  for(;;){
    WCHAR *a = malloc(sizeof(WCHAR)*nBuf);
    DWORD dwErr;
    if( a==NULL ) return ERROR_NOT_ENOUGH_MEMORY;
    if( QueryDosDeviceW(zName, a, nBuf) ){
      *ppOut = a;
      return 0;
    }
    dwErr = GetLastError();
    free(a);
    if( dwErr!=ERROR_INSUFFICIENT_BUFFER || nBuf>=(1u<<22) ) return dwErr;
    nBuf *= 4;
  }
}

/* The half name the step runs as: "A", "A.limited", "SYSTEM". */
static void win_step_half(const ScnStep *s, char *zBuf, size_t nBuf){
  agent_half_name(s->zSession ? s->zSession : "SYSTEM", s->eHalf, zBuf, nBuf);
}

/* If zTarget is a redirector link (`...\LanmanRedirector\;X:<16 hex>\srv\sh`)
** write `\\srv\sh` into zBuf and return 1. */
static int win_redirector_unc(const char *zTarget, char *zBuf, size_t nBuf){
  const char *z = strstr(zTarget, "LanmanRedirector\\;");
  int i;
  if( z==NULL ) return 0;
  z += strlen("LanmanRedirector\\;");
  if( !((z[0]>='A' && z[0]<='Z') || (z[0]>='a' && z[0]<='z')) || z[1]!=':' ) return 0;
  z += 2;
  for(i=0; i<16; i++){
    char ch = z[i];
    if( !((ch>='0' && ch<='9') || (ch>='a' && ch<='f') || (ch>='A' && ch<='F')) ) return 0;
  }
  z += 16;
  if( z[0]!='\\' ) return 0;
  snprintf(zBuf, nBuf, "\\%s", z);
  return 1;
}

/* The canonical form of a device target: fixed disks of the world as
** \Device\HarddiskVolumeN (numbered in letter order), LUIDs as
** placeholders. Malloc'd. */
static char *win_canon_target(WinHost *h, AgentCore *c, const char *zName,
                              const char *zTarget){
  unsigned mDisks = c->pWorld->machine.mDisks;
  if( strlen(zName)==2 && zName[1]==':' ){
    int iLetter = (zName[0] & ~0x20) - 'A';
    int i;
    if( iLetter>=0 && iLetter<26 && (mDisks & (1u<<iLetter)) ){
      for(i=0; i<h->nBase; i++){
        if( h->azBaseName[i][0]==(char)('A'+iLetter) && h->azBaseName[i][1]==':'
         && h->azBaseName[i][2]==0 && h->azBaseTarget[i]
         && strcmp(h->azBaseTarget[i], zTarget)==0 ){
          int n = 0, k;
          char zBuf[64];
          char *z;
          for(k=0; k<=iLetter; k++) if( mDisks & (1u<<k) ) n++;
          snprintf(zBuf, sizeof(zBuf), "\\Device\\HarddiskVolume%d", n);
          z = malloc(strlen(zBuf)+1);
          if( z ) memcpy(z, zBuf, strlen(zBuf)+1);
          return z;
        }
      }
    }
  }
  return agent_luid_to_placeholders(&c->luid, zTarget);
}

/* Refuse to touch a device the host had before the scenario (the
** language: a scenario letter in the baseline is an error). */
static int win_check_not_baseline(WinHost *h, const char *zName, AgentOut *pOut,
                                  AgentOutcome *pe){
  const char *zBare = zName;
  if( _strnicmp(zBare, "Global\\", 7)==0 ) zBare += 7;
  if( win_is_baseline_name(h, zBare) ){
    *pe = agent_out_why(pOut, AGENT_FAILED,
        "%s is a device this host had before the scenario started; the scenario collides with the host",
        zBare);
    return 1;
  }
  return 0;
}

/* ---------------------------------------------------------------- 2 ---- */

static AgentOutcome win_cmd_define(WinHost *h, AgentCore *c, const ScnStep *s,
                                   AgentOut *pOut, int bRemove){
  DWORD dwFlags = 0;
  char *zRaw = NULL;
  WCHAR *wName = NULL, *wTarget = NULL;
  AgentOutcome e = AGENT_DONE;
  char zHalf[AGENT_LUID_NAME+16];
  if( win_check_not_baseline(h, s->zName, pOut, &e) ) return e;
  if( !c->bAllowChanges ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED, "defining DOS devices needs --allow-host-changes");
  }
  if( s->zTarget && agent_luid_from_placeholders(&c->luid, s->zTarget, &zRaw) ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
                         "the target names a logon whose LUID this host does not report");
  }
  if( s->bRaw ) dwFlags |= DDD_RAW_TARGET_PATH;
  if( bRemove ){
    dwFlags |= DDD_REMOVE_DEFINITION;
    if( s->bExact ) dwFlags |= DDD_EXACT_MATCH_ON_REMOVE;
  }
  wName = win_wide(s->zName);
  wTarget = zRaw ? win_wide(zRaw) : NULL;
  if( wName==NULL || (zRaw && wTarget==NULL) ){
    e = agent_out_why(pOut, AGENT_FAILED, "out of memory");
    goto done;
  }
  win_step_half(s, zHalf, sizeof(zHalf));
  if( !agent_journal_has(&c->journal, AGENT_UNDO_DOSDEV, zHalf, s->zName)
   && agent_core_record(c, AGENT_UNDO_DOSDEV, zHalf, s->zName, h->bOwnStep ? "own" : NULL) ){
    e = agent_out_why(pOut, AGENT_FAILED, "%s", c->zSaveWhy);
    goto done;
  }
  if( DefineDosDeviceW(dwFlags, wName, wTarget) ){
    agent_out_line(pOut, "ok");
  }else{
    agent_out_error(pOut, (int)GetLastError());
  }
done:
  free(zRaw); free(wName); free(wTarget);
  return e;
}

static AgentOutcome win_cmd_query(WinHost *h, AgentCore *c, const ScnStep *s,
                                  AgentOut *pOut){
  WCHAR *wName = win_wide(s->zName);
  WCHAR *aList = NULL, *w;
  DWORD dwErr;
  if( wName==NULL ) return agent_out_why(pOut, AGENT_FAILED, "out of memory");
  dwErr = win_query_multi(wName, &aList);
  free(wName);
  if( dwErr ){
    agent_out_error(pOut, (int)dwErr);
    return AGENT_DONE;
  }
  for(w=aList; *w; w+=wcslen(w)+1){
    char *z = win_utf8(w);
    char *zCanon = z ? win_canon_target(h, c, s->zName, z) : NULL;
    if( zCanon ) agent_out_line(pOut, "%s", zCanon);
    else pOut->bOom = 1;
    free(z); free(zCanon);
  }
  free(aList);
  return AGENT_DONE;
}

static AgentOutcome win_cmd_drives(WinHost *h, AgentCore *c, HANDLE hTok,
                                   AgentOut *pOut){
  WCHAR *aNames = NULL, *w;
  DWORD dwErr = win_query_multi(NULL, &aNames);
  uint64_t luid = win_token_luid(hTok);
  unsigned mDisks = c->pWorld->machine.mDisks;
  if( dwErr ){
    return agent_out_why(pOut, AGENT_FAILED, "QueryDosDeviceW(NULL) failed: %lu", dwErr);
  }
  for(w=aNames; *w; w+=wcslen(w)+1){
    char zName[3];
    WCHAR *aT = NULL;
    char *zT = NULL;
    int iLetter, i, bSkip = 0;
    char zUnc[1024];
    if( wcslen(w)!=2 || w[1]!=L':' ) continue;
    iLetter = (w[0] & ~0x20) - 'A';
    if( iLetter<0 || iLetter>=26 ) continue;
    if( mDisks & (1u<<iLetter) ) continue;
    zName[0] = (char)('A'+iLetter); zName[1] = ':'; zName[2] = 0;
    if( win_query_multi(w, &aT) ) continue;
    zT = win_utf8(aT);
    free(aT);
    if( zT==NULL ){ pOut->bOom = 1; break; }
    for(i=0; i<h->nBase; i++){    /* unchanged baseline links are left out */
      if( strcmp(h->azBaseName[i], zName)==0 && h->azBaseTarget[i]
       && strcmp(h->azBaseTarget[i], zT)==0 ) bSkip = 1;
    }
    if( !bSkip ){
      int bLocal = win_link_is_local(h, luid, zName[0]);
      const char *zScope = bLocal==1 ? "local" : "global";
      if( bLocal<0 ){
        /* an error opening the link says nothing about where it lives */
        free(zT);
        free(aNames);
        return agent_out_why(pOut, AGENT_FAILED, "cannot tell whether %s is local or "
                             "global: its link in the logon's DOS device directory could "
                             "not be opened", zName);
      }
      if( win_redirector_unc(zT, zUnc, sizeof(zUnc)) ){
        agent_out_line(pOut, "%s %s %s", zName, agent_core_typed(c, zUnc), zScope);
      }else{
        char *zCanon = agent_luid_to_placeholders(&c->luid, zT);
        if( zCanon ) agent_out_line(pOut, "%s %s %s", zName, zCanon, zScope);
        else pOut->bOom = 1;
        free(zCanon);
      }
    }
    free(zT);
  }
  free(aNames);
  agent_out_sort_or_none(pOut);
  return AGENT_DONE;
}

/* ---------------------------------------------------------------- 3 ---- */

static AgentOutcome win_cmd_token(WinHost *h, AgentCore *c, const ScnStep *s,
                                  const WinLogon *L, HANDLE hTok, AgentOut *pOut){
  BYTE aBuf[512];
  TOKEN_USER *pUser = (TOKEN_USER*)aBuf;
  DWORD n = 0;
  WCHAR zAcct[256], zDom[256];
  DWORD nA = 256, nD = 256;
  SID_NAME_USE use;
  char *zName = NULL;
  const char *zShow;
  const char *zElev;
  char zLogon[AGENT_LUID_NAME+4], zLinked[AGENT_LUID_NAME+4];
  TOKEN_LINKED_TOKEN lt;
  int i;
  (void)s;
  if( !GetTokenInformation(hTok, TokenUser, aBuf, sizeof(aBuf), &n)
   || !LookupAccountSidW(NULL, pUser->User.Sid, zAcct, &nA, zDom, &nD, &use) ){
    return agent_out_why(pOut, AGENT_FAILED, "cannot read the token's user: %lu", GetLastError());
  }
  zName = win_utf8(zAcct);
  if( zName==NULL ) return agent_out_why(pOut, AGENT_FAILED, "out of memory");
  zShow = zName;
  if( L && (L->bCurrent || L->eType==SCN_LOGON_NETONLY) && win_token_is_own_user(h, hTok) ){
    /* `current` binds the agent's account to the user; a netonly copy of
    ** such a half carries the same binding (agent_v2.c) */
    zShow = L->zUser;
  }else{
    for(i=0; i<c->pWorld->nUser; i++){
      if( _stricmp(c->pWorld->aUser[i].zName, zName)==0 ) zShow = c->pWorld->aUser[i].zName;
    }
  }
  switch( win_token_elevation(hTok) ){
    case TokenElevationTypeFull: zElev = "full"; break;
    case TokenElevationTypeLimited: zElev = "limited"; break;
    default: zElev = "default"; break;
  }
  agent_luid_placeholder(&c->luid, win_token_luid(hTok), zLogon, sizeof(zLogon));
  memset(&lt, 0, sizeof(lt));
  if( GetTokenInformation(hTok, TokenLinkedToken, &lt, sizeof(lt), &n) && lt.LinkedToken ){
    agent_luid_placeholder(&c->luid, win_token_luid(lt.LinkedToken), zLinked, sizeof(zLinked));
    CloseHandle(lt.LinkedToken);
  }else{
    snprintf(zLinked, sizeof(zLinked), "none");
  }
  agent_out_line(pOut, "user=%s elevation=%s logon=%s linked=%s", zShow, zElev, zLogon, zLinked);
  free(zName);
  return AGENT_DONE;
}

/* Read a REG_SZ value of an open key into zBuf; 0 if it is one. */
static int win_reg_sz(HKEY hKey, const WCHAR *zValue, char *zBuf, size_t nBuf){
  WCHAR w[1024];
  DWORD n = sizeof(w) - sizeof(WCHAR), t = 0;
  char *z;
  if( RegQueryValueExW(hKey, zValue, NULL, &t, (BYTE*)w, &n)!=ERROR_SUCCESS ) return 1;
  if( t!=REG_SZ && t!=REG_EXPAND_SZ ) return 1;
  w[n/sizeof(WCHAR)] = 0;
  z = win_utf8(w);
  if( z==NULL ) return 1;
  snprintf(zBuf, nBuf, "%s", z);
  free(z);
  return 0;
}

static AgentOutcome win_cmd_persisted(AgentCore *c, AgentOut *pOut){
  HKEY hUser = NULL, hNet = NULL;
  DWORD i;
  LONG rc = RegOpenCurrentUser(KEY_READ, &hUser);
  if( rc ) return agent_out_why(pOut, AGENT_FAILED, "RegOpenCurrentUser failed: %ld", rc);
  rc = RegOpenKeyExW(hUser, L"Network", 0, KEY_READ, &hNet);
  if( rc==ERROR_SUCCESS ){
    for(i=0; ; i++){
      WCHAR zSub[64];
      DWORD nSub = 64;
      HKEY hSub = NULL;
      char zRemote[1024], zUser[512];
      char *zLetter;
      if( RegEnumKeyExW(hNet, i, zSub, &nSub, NULL, NULL, NULL, NULL)!=ERROR_SUCCESS ) break;
      if( RegOpenKeyExW(hNet, zSub, 0, KEY_READ, &hSub)!=ERROR_SUCCESS ) continue;
      if( win_reg_sz(hSub, L"RemotePath", zRemote, sizeof(zRemote)) ) zRemote[0] = 0;
      if( win_reg_sz(hSub, L"UserName", zUser, sizeof(zUser)) ) zUser[0] = 0;
      zLetter = win_utf8(zSub);
      if( zLetter ){
        if( zLetter[0]>='a' && zLetter[0]<='z' ) zLetter[0] = (char)(zLetter[0]-32);
        agent_out_line(pOut, "%s: %s user=%s", zLetter, agent_core_typed(c, zRemote), zUser);
      }
      free(zLetter);
      RegCloseKey(hSub);
    }
    RegCloseKey(hNet);
  }
  RegCloseKey(hUser);
  agent_out_sort_or_none(pOut);
  return AGENT_DONE;
}

static AgentOutcome win_cmd_dir(WinHost *h, AgentCore *c, const ScnStep *s,
                                AgentOut *pOut){
  const char *zPath = s->zPath;
  WCHAR *w;
  size_t n;
  WIN32_FIND_DATAW fd;
  HANDLE hFind;
  if( zPath[0]=='\\' && zPath[1]=='\\' && !(h->bWnet && h->bExistingShares) ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED, "no SMB client or server for the world's shares here");
  }
  if( h->bWine ){
    int iLetter = (zPath[0] & ~0x20) - 'A';
    if( zPath[1]!=':' || iLetter<0 || iLetter>=26
     || !(c->pWorld->machine.mDisks & (1u<<iLetter)) ){
      return agent_out_why(pOut, AGENT_UNSUPPORTED,
          "Wine serves file I/O from dosdevices/ symlinks, not from DOS device links");
    }
  }
  n = strlen(zPath);
  w = malloc(sizeof(WCHAR)*(n+4));
  if( w==NULL ) return agent_out_why(pOut, AGENT_FAILED, "out of memory");
  MultiByteToWideChar(CP_UTF8, 0, zPath, -1, w, (int)n+1);
  if( n>0 && zPath[n-1]!='\\' ) wcscat(w, L"\\");
  wcscat(w, L"*");
  hFind = FindFirstFileExW(w, FindExInfoBasic, &fd, FindExSearchNameMatch, NULL, 0);
  if( hFind!=INVALID_HANDLE_VALUE ){
    FindClose(hFind);
    agent_out_line(pOut, "ok");
  }else{
    DWORD dwErr = GetLastError();
    /* no entry matched: the directory exists and is empty */
    if( dwErr==ERROR_FILE_NOT_FOUND ) agent_out_line(pOut, "ok");
    else agent_out_error(pOut, (int)dwErr);
  }
  free(w);
  return AGENT_DONE;
}

/* ---------------------------------------------------------------- 4 ---- */

static int win_is_base_cred(const WinHost *h, const char *zTarget){
  int i;
  for(i=0; i<h->nBaseCred; i++){
    if( h->azBaseCred[i] && _stricmp(h->azBaseCred[i], zTarget)==0 ) return 1;
  }
  return 0;
}

static AgentOutcome win_cmd_cmdkey(WinHost *h, AgentCore *c, const ScnStep *s,
                                   HANDLE hTok, AgentOut *pOut){
  int bOwn = win_token_is_own_user(h, hTok);
  char zHalf[AGENT_LUID_NAME+16];
  win_step_half(s, zHalf, sizeof(zHalf));
  if( s->eCmd==SCN_CMD_CMDKEY_LIST ){
    DWORD n = 0, i;
    PCREDENTIALW *ap = NULL;
    if( !CredEnumerateW(NULL, 0, &n, &ap) ){
      DWORD dwErr = GetLastError();
      if( dwErr!=ERROR_NOT_FOUND ){ agent_out_error(pOut, (int)dwErr); return AGENT_DONE; }
      n = 0;
    }
    for(i=0; i<n; i++){
      char *zT, *zU;
      if( ap[i]->Type!=CRED_TYPE_DOMAIN_PASSWORD ) continue;
      zT = win_utf8(ap[i]->TargetName);
      zU = ap[i]->UserName ? win_utf8(ap[i]->UserName) : NULL;
      if( zT && !(bOwn && win_is_base_cred(h, zT)
                  && !agent_journal_has(&c->journal, AGENT_UNDO_CRED, zT, "domain")) ){
        agent_out_line(pOut, "%s domain user=%s", agent_core_typed(c, zT), zU ? zU : "");
      }
      free(zT); free(zU);
    }
    if( ap ) CredFree(ap);
    agent_out_sort_or_none(pOut);
    return AGENT_DONE;
  }
  if( !c->bAllowChanges ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED, "writing the vault needs --allow-host-changes");
  }
  if( bOwn && win_is_base_cred(h, s->zTarget)
   && !agent_journal_has(&c->journal, AGENT_UNDO_CRED, s->zTarget, "domain") ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
                         "the host's vault already held a credential for %s", s->zTarget);
  }
  if( s->eCmd==SCN_CMD_CMDKEY_ADD ){
    CREDENTIALW cr;
    WCHAR *wT = win_wide(s->zTarget), *wU = win_wide(s->zCredUser ? s->zCredUser : "");
    WCHAR *wP = win_wide(s->zCredPassword ? s->zCredPassword : "");
    AgentOutcome e = AGENT_DONE;
    if( wT==NULL || wU==NULL || wP==NULL ){
      e = agent_out_why(pOut, AGENT_FAILED, "out of memory");
    }else if( !agent_journal_has(&c->journal, AGENT_UNDO_CRED, s->zTarget, "domain")
           && agent_core_record(c, AGENT_UNDO_CRED, s->zTarget, "domain",
                                bOwn ? NULL : zHalf) ){
      /* a created user's credential is journalled too (with the half whose
      ** vault holds it): undone as that half while its logon lives */
      e = agent_out_why(pOut, AGENT_FAILED, "%s", c->zSaveWhy);
    }else{
      memset(&cr, 0, sizeof(cr));
      cr.Type = CRED_TYPE_DOMAIN_PASSWORD;
      cr.TargetName = wT;
      cr.UserName = wU;
      cr.CredentialBlob = (BYTE*)wP;
      cr.CredentialBlobSize = (DWORD)(wcslen(wP)*sizeof(WCHAR));
      /* LOCAL_MACHINE, capped by what the host allows this logon session
      ** (CredGetSessionTypes, Microsoft Learn: "returns the maximum
      ** persistence supported by the current logon session"): a session
      ** that allows only SESSION gets that; one that allows none (a network
      ** logon) is left to CredWriteW to refuse, so the error is the host's.
      ** Not ENTERPRISE: CredWriteW refuses a DOMAIN_PASSWORD credential
      ** with ENTERPRISE persistence and an unqualified user name (2202,
      ** seen under Wine, whose checks follow Windows' documented UserName
      ** syntax), while `cmdkey /add:t /user:alice` is accepted. Which
      ** persistence cmdkey.exe itself uses is not documented: reviewed,
      ** not verified on Windows (docs/real-hosts.md). */
      {
        DWORD aMax[CRED_TYPE_MAXIMUM];
        memset(aMax, 0, sizeof(aMax));
        cr.Persist = CRED_PERSIST_LOCAL_MACHINE;
        if( CredGetSessionTypes(CRED_TYPE_MAXIMUM, aMax)
         && aMax[CRED_TYPE_DOMAIN_PASSWORD]>=CRED_PERSIST_SESSION
         && aMax[CRED_TYPE_DOMAIN_PASSWORD]<CRED_PERSIST_LOCAL_MACHINE ){
          cr.Persist = aMax[CRED_TYPE_DOMAIN_PASSWORD];
        }
      }
      if( CredWriteW(&cr, 0) ) agent_out_line(pOut, "ok");
      else agent_out_error(pOut, (int)GetLastError());
    }
    if( wP ) SecureZeroMemory(wP, wcslen(wP)*sizeof(WCHAR));
    free(wT); free(wU); free(wP);
    return e;
  }else{
    WCHAR *wT = win_wide(s->zTarget);
    if( wT==NULL ) return agent_out_why(pOut, AGENT_FAILED, "out of memory");
    if( CredDeleteW(wT, CRED_TYPE_DOMAIN_PASSWORD, 0) ) agent_out_line(pOut, "ok");
    else agent_out_error(pOut, (int)GetLastError());
    free(wT);
    return AGENT_DONE;
  }
}

/* ---------------------------------------------------------------- 5 ---- */

typedef struct WinNetView WinNetView;
struct WinNetView {
  char azConnected[26][512];   /* remote path per letter, "" if none */
  char azRemembered[26][512];  /* remembered remote path per letter */
  char azStatus[26][16];       /* net use status word per connected letter */
};

/* Fill one side of the view with WNetOpenEnumW. Returns 0 or the error. */
static DWORD win_net_enum(DWORD dwScope, char az[26][512]){
  HANDLE hEnum = NULL;
  DWORD rc = WNetOpenEnumW(dwScope, RESOURCETYPE_DISK, 0, NULL, &hEnum);
  BYTE aBuf[16384];
  if( rc ) return rc;
  for(;;){
    DWORD nCount = (DWORD)-1, nBuf = sizeof(aBuf), i;
    NETRESOURCEW *a = (NETRESOURCEW*)aBuf;
    rc = WNetEnumResourceW(hEnum, &nCount, aBuf, &nBuf);
    if( rc==ERROR_NO_MORE_ITEMS ){ rc = 0; break; }
    if( rc ) break;
    for(i=0; i<nCount; i++){
      int iL;
      char *z;
      if( a[i].lpLocalName==NULL || a[i].lpRemoteName==NULL ) continue;
      iL = (a[i].lpLocalName[0] & ~0x20) - 'A';
      if( iL<0 || iL>=26 || a[i].lpLocalName[1]!=L':' ) continue;
      z = win_utf8(a[i].lpRemoteName);
      if( z ) snprintf(az[iL], 512, "%s", z);
      free(z);
    }
  }
  WNetCloseEnum(hEnum);
  return rc;
}

static DWORD win_net_view(WinNetView *v){
  DWORD rc;
  BYTE *pBuf = NULL;
  DWORD nRead = 0, nTotal = 0, i;
  memset(v, 0, sizeof(*v));
  rc = win_net_enum(RESOURCE_CONNECTED, v->azConnected);
  if( rc ) return rc;
  rc = win_net_enum(RESOURCE_REMEMBERED, v->azRemembered);
  if( rc ) return rc;
  for(i=0; i<26; i++) if( v->azConnected[i][0] ) snprintf(v->azStatus[i], 16, "OK");
  if( NetUseEnum(NULL, 1, &pBuf, MAX_PREFERRED_LENGTH, &nRead, &nTotal, NULL)==NERR_Success ){
    USE_INFO_1 *a = (USE_INFO_1*)pBuf;
    for(i=0; i<nRead; i++){
      int iL;
      const char *zSt;
      if( a[i].ui1_local==NULL || a[i].ui1_local[0]==0 || a[i].ui1_local[1]!=L':' ) continue;
      iL = (a[i].ui1_local[0] & ~0x20) - 'A';
      if( iL<0 || iL>=26 || !v->azConnected[iL][0] ) continue;
      switch( a[i].ui1_status ){
        case USE_OK: zSt = "OK"; break;
        case USE_PAUSED: zSt = "Paused"; break;
        case USE_SESSLOST: zSt = "Disconnected"; break;
        case USE_NETERR: zSt = "Error"; break;
        default: zSt = "Reconnecting"; break;
      }
      snprintf(v->azStatus[iL], 16, "%s", zSt);
    }
    NetApiBufferFree(pBuf);
  }
  return 0;
}

/* The user's persistence default (C8): 1 yes, 0 no. */
static int win_save_default(void){
  char z[16];
  HKEY hUser = NULL, hKey = NULL;
  int b = 1;
  if( RegOpenCurrentUser(KEY_READ, &hUser)!=ERROR_SUCCESS ) return 1;
  if( RegOpenKeyExA(hUser, WIN_PERSIST_KEY, 0, KEY_READ, &hKey)==ERROR_SUCCESS ){
    if( win_reg_sz(hKey, L"SaveConnections", z, sizeof(z))==0 ) b = _stricmp(z, "no")!=0;
    RegCloseKey(hKey);
  }
  RegCloseKey(hUser);
  return b;
}

static int win_set_save_default(WinHost *h, AgentCore *c, HANDLE hTok, int bYes){
  const WCHAR *w = bYes ? L"yes" : L"no";
  return win_reg_set_journalled(h, c, "HKCU", WIN_PERSIST_KEY, "SaveConnections", REG_SZ,
                                (const BYTE*)w, (DWORD)((wcslen(w)+1)*sizeof(WCHAR)),
                                win_token_is_own_user(h, hTok));
}

/* 1 if the agent's own user hive has Network\<L> (HKU\<own SID>). */
static int win_own_hive_remembers(const WinHost *h, char cLetter){
  LPWSTR zSid = NULL;
  WCHAR zPath[256];
  HKEY hKey = NULL;
  int b = 0;
  if( h->pProcSid==NULL || !ConvertSidToStringSidW(h->pProcSid, &zSid) ) return 0;
  swprintf(zPath, 256, L"%ls\\Network\\%c", zSid, (WCHAR)cLetter);
  LocalFree(zSid);
  if( RegOpenKeyExW(HKEY_USERS, zPath, 0, KEY_READ, &hKey)==ERROR_SUCCESS ){
    b = 1;
    RegCloseKey(hKey);
  }
  return b;
}

int win_net_save_default(void){ return win_save_default(); }
int win_net_set_save_default(WinHost *h, AgentCore *c, HANDLE hTok, int bYes){
  return win_set_save_default(h, c, hTok, bYes);
}
int win_net_own_hive_remembers(const WinHost *h, char cLetter){
  return win_own_hive_remembers(h, cLetter);
}

static DWORD win_wnet_add(AgentCore *c, const ScnStep *s, DWORD dwFlags,
                          const char *zUser, const char *zPw, int bOwnSession){
  NETRESOURCEW nr;
  WCHAR zLocal[3] = { (WCHAR)s->cLetter, L':', 0 };
  WCHAR *wRemote = win_wide(s->zRemote);
  WCHAR *wUser = win_wide(zUser), *wPw = win_wide(zPw);
  DWORD rc;
  char zHalf[AGENT_LUID_NAME+16];
  char zLetter[3] = { s->cLetter, ':', 0 };
  if( wRemote==NULL ) return ERROR_NOT_ENOUGH_MEMORY;
  win_step_half(s, zHalf, sizeof(zHalf));
  if( !agent_journal_has(&c->journal, AGENT_UNDO_NETUSE, zHalf, zLetter) ){
    if( agent_core_record(c, AGENT_UNDO_NETUSE, zHalf, zLetter, bOwnSession ? "own" : NULL) ){
      /* the core's zSaveWhy turns the step into `error` */
      if( wPw ) SecureZeroMemory(wPw, wcslen(wPw)*sizeof(WCHAR));
      free(wRemote); free(wUser); free(wPw);
      return ERROR_NOT_ENOUGH_MEMORY;
    }
  }
  memset(&nr, 0, sizeof(nr));
  nr.dwType = RESOURCETYPE_DISK;
  nr.lpLocalName = zLocal;
  nr.lpRemoteName = wRemote;
  rc = WNetAddConnection2W(&nr, wPw, wUser, dwFlags);
  if( wPw ) SecureZeroMemory(wPw, wcslen(wPw)*sizeof(WCHAR));
  free(wRemote); free(wUser); free(wPw);
  return rc;
}

static AgentOutcome win_cmd_net(WinHost *h, AgentCore *c, const ScnStep *s,
                                HANDLE hTok, AgentOut *pOut){
  WinNetView v;
  DWORD rc;
  int i;
  int bOwn = win_token_is_own_user(h, hTok);
  if( !h->bWnet ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED, h->bWine
        ? "Wine has no network provider (WNet* return 1222 ERROR_NO_NETWORK)"
        : "no network provider answers WNet* on this host");
  }
  if( !h->bExistingShares && s->eCmd!=SCN_CMD_NET_USE_PERSISTENT ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
        "the agent does not build SMB test shares; pass --existing-shares when the world's servers exist");
  }
  if( !c->bAllowChanges && s->eCmd!=SCN_CMD_NET_USE_LIST && s->eCmd!=SCN_CMD_WNET_GET
   && s->eCmd!=SCN_CMD_WNET_ENUM ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED, "connecting drives needs --allow-host-changes");
  }
  /* the host's own user's drives are never removed nor replaced: a step
  ** that would is refused (the baseline covers every half of that user) */
  if( bOwn && h->mBaseNet ){
    unsigned mHit = 0;
    if( s->eCmd==SCN_CMD_NET_USE_DELETE_ALL ){
      mHit = h->mBaseNet;
    }else if( (s->eCmd==SCN_CMD_NET_USE_DELETE || s->eCmd==SCN_CMD_WNET_CANCEL
               || s->eCmd==SCN_CMD_NET_USE_ADD || s->eCmd==SCN_CMD_WNET_ADD)
           && s->cLetter ){
      int iL = (s->cLetter & ~0x20) - 'A';
      if( iL>=0 && iL<26 ) mHit = h->mBaseNet & (1u<<iL);
    }
    if( mHit ){
      char zL[80];
      int k, n = 0;
      for(k=0; k<26 && n<70; k++) if( mHit & (1u<<k) ){ zL[n++] = (char)('A'+k); zL[n++] = ':'; zL[n++] = ' '; }
      if( n ) n--;
      zL[n] = 0;
      if( mHit & (1u<<26) ) snprintf(zL+n, sizeof(zL)-(size_t)n, "%sdeviceless connections", n ? " and " : "");
      return agent_out_why(pOut, s->eCmd==SCN_CMD_NET_USE_DELETE_ALL ? AGENT_UNSUPPORTED : AGENT_FAILED,
          "the host's own user had %s before the scenario; the agent does not remove or "
          "replace the operator's drives", zL);
    }
  }
  switch( s->eCmd ){
    case SCN_CMD_NET_USE_LIST:
      rc = win_net_view(&v);
      if( rc ){ agent_out_error(pOut, (int)rc); return AGENT_DONE; }
      for(i=0; i<26; i++){
        if( v.azConnected[i][0] ){
          agent_out_line(pOut, "%s %c: %s", v.azStatus[i], 'A'+i, agent_core_typed(c, v.azConnected[i]));
        }else if( v.azRemembered[i][0] ){
          agent_out_line(pOut, "Unavailable %c: %s", 'A'+i, agent_core_typed(c, v.azRemembered[i]));
        }
      }
      win_v2_list_deviceless(c, pOut, 1);     /* v2: after the lettered ones (C14) */
      if( pOut->nLine==0 ) agent_out_line(pOut, "(none)");
      return AGENT_DONE;
    case SCN_CMD_NET_USE_ADD: {
      int bPersist = s->ePersistent>=0 ? s->ePersistent : win_save_default();
      int bOwnBefore = win_own_hive_remembers(h, s->cLetter);
      rc = win_wnet_add(c, s, bPersist ? CONNECT_UPDATE_PROFILE : 0, s->zCredUser,
                        s->zCredPassword, h->bOwnStep);
      if( rc==0 && bPersist && !bOwn && !bOwnBefore && win_own_hive_remembers(h, s->cLetter) ){
        return agent_out_why(pOut, AGENT_FAILED,
            "mpr remembered the mapping in the agent's own HKCU, not the caller's");
      }
      if( rc==0 && s->ePersistent>=0 ) rc = (DWORD)win_set_save_default(h, c, hTok, s->ePersistent);
      if( rc ) agent_out_error(pOut, (int)rc); else agent_out_line(pOut, "ok");
      return AGENT_DONE;
    }
    case SCN_CMD_NET_USE_PERSISTENT:
      rc = (DWORD)win_set_save_default(h, c, hTok, s->ePersistent>0);
      if( rc ) agent_out_error(pOut, (int)rc); else agent_out_line(pOut, "ok");
      return AGENT_DONE;
    case SCN_CMD_NET_USE_DELETE:
    case SCN_CMD_WNET_CANCEL: {
      WCHAR zLocal[3] = { (WCHAR)s->cLetter, L':', 0 };
      DWORD dwFlags = CONNECT_UPDATE_PROFILE;
      BOOL bForce = TRUE;
      if( s->eCmd==SCN_CMD_WNET_CANCEL ){
        dwFlags = s->bUpdateProfile ? CONNECT_UPDATE_PROFILE : 0;
        bForce = s->bForce ? TRUE : FALSE;
      }
      rc = WNetCancelConnection2W(zLocal, dwFlags, bForce);
      if( rc ) agent_out_error(pOut, (int)rc); else agent_out_line(pOut, "ok");
      return AGENT_DONE;
    }
    case SCN_CMD_NET_USE_DELETE_ALL:
      rc = win_net_view(&v);
      for(i=0; rc==0 && i<26; i++){
        if( v.azConnected[i][0] || v.azRemembered[i][0] ){
          WCHAR zLocal[3] = { (WCHAR)('A'+i), L':', 0 };
          rc = WNetCancelConnection2W(zLocal, CONNECT_UPDATE_PROFILE, TRUE);
        }
      }
      if( rc==0 ) rc = win_v2_cancel_all_deviceless();   /* v2, C9 */
      if( rc ) agent_out_error(pOut, (int)rc); else agent_out_line(pOut, "ok");
      return AGENT_DONE;
    case SCN_CMD_WNET_ADD: {
      DWORD dwFlags = (s->bUpdateProfile ? CONNECT_UPDATE_PROFILE : 0)
                    | (s->bTemporary ? CONNECT_TEMPORARY : 0);
      int bOwnBefore = win_own_hive_remembers(h, s->cLetter);
      rc = win_wnet_add(c, s, dwFlags, s->zCredUser, s->zCredPassword, h->bOwnStep);
      if( rc==0 && s->bUpdateProfile && !bOwn && !bOwnBefore
       && win_own_hive_remembers(h, s->cLetter) ){
        return agent_out_why(pOut, AGENT_FAILED,
            "mpr remembered the mapping in the agent's own HKCU, not the caller's");
      }
      if( rc ) agent_out_error(pOut, (int)rc); else agent_out_line(pOut, "ok");
      return AGENT_DONE;
    }
    case SCN_CMD_WNET_GET: {
      WCHAR zLocal[3] = { (WCHAR)s->cLetter, L':', 0 };
      WCHAR zRemote[1024];
      DWORD n = 1024;
      rc = WNetGetConnectionW(zLocal, zRemote, &n);
      if( rc ){
        agent_out_error(pOut, (int)rc);
      }else{
        char *z = win_utf8(zRemote);
        if( z ) agent_out_line(pOut, "%s", agent_core_typed(c, z));
        free(z);
      }
      return AGENT_DONE;
    }
    case SCN_CMD_WNET_ENUM: {
      char az[26][512];
      memset(az, 0, sizeof(az));
      rc = win_net_enum(s->bEnumRemembered ? RESOURCE_REMEMBERED : RESOURCE_CONNECTED, az);
      if( rc ){ agent_out_error(pOut, (int)rc); return AGENT_DONE; }
      for(i=0; i<26; i++){
        if( az[i][0] ) agent_out_line(pOut, "%c: %s", 'A'+i, agent_core_typed(c, az[i]));
      }
      if( pOut->nLine ) agent_out_sort_or_none(pOut);
      if( !s->bEnumRemembered ) win_v2_list_deviceless(c, pOut, 0);  /* v2, C14 */
      if( pOut->nLine==0 ) agent_out_line(pOut, "(none)");
      return AGENT_DONE;
    }
    default:
      return agent_out_why(pOut, AGENT_FAILED, "not a network command");
  }
}

/* ---------------------------------------------------------------- 6 ---- */

AgentOutcome win_cmd_run(WinHost *h, AgentCore *c, const ScnStep *s,
                         const WinLogon *L, HANDLE hThreadTok, AgentOut *pOut){
  if( L && L->bNoProfile ){
    switch( s->eCmd ){
      case SCN_CMD_PERSISTED: case SCN_CMD_NET_USE_PERSISTENT: case SCN_CMD_NET_USE_ADD:
      case SCN_CMD_NET_USE_DELETE: case SCN_CMD_NET_USE_DELETE_ALL: case SCN_CMD_WNET_ADD:
      case SCN_CMD_WNET_CANCEL: case SCN_CMD_NET_USE_LIST:
      case SCN_CMD_CMDKEY_ADD: case SCN_CMD_CMDKEY_DELETE: case SCN_CMD_CMDKEY_LIST:
        return agent_out_why(pOut, AGENT_UNSUPPORTED, "no profile could be loaded for "
            "logon %s (LoadUserProfileW failed): HKCU would be another user's hive",
            L->zName);
      default: break;
    }
  }
  switch( s->eCmd ){
    case SCN_CMD_DEFINE:   return win_cmd_define(h, c, s, pOut, 0);
    case SCN_CMD_UNDEFINE: return win_cmd_define(h, c, s, pOut, 1);
    case SCN_CMD_QUERY:    return win_cmd_query(h, c, s, pOut);
    case SCN_CMD_DRIVES:   return win_cmd_drives(h, c, hThreadTok, pOut);
    case SCN_CMD_TOKEN:    return win_cmd_token(h, c, s, L, hThreadTok, pOut);
    case SCN_CMD_PERSISTED: return win_cmd_persisted(c, pOut);
    case SCN_CMD_DIR:      return win_cmd_dir(h, c, s, pOut);
    case SCN_CMD_CMDKEY_ADD:
    case SCN_CMD_CMDKEY_DELETE:
    case SCN_CMD_CMDKEY_LIST:
      return win_cmd_cmdkey(h, c, s, hThreadTok, pOut);
    case SCN_CMD_NET_USE_LIST:
    case SCN_CMD_NET_USE_ADD:
    case SCN_CMD_NET_USE_DELETE:
    case SCN_CMD_NET_USE_DELETE_ALL:
    case SCN_CMD_NET_USE_PERSISTENT:
    case SCN_CMD_WNET_ADD:
    case SCN_CMD_WNET_CANCEL:
    case SCN_CMD_WNET_GET:
    case SCN_CMD_WNET_ENUM:
      return win_cmd_net(h, c, s, hThreadTok, pOut);
    case SCN_CMD_TOOL:     return win_cmd_tool(h, c, s, L, hThreadTok, pOut); /* agent_tools.c */
    default:
      if( win_v2_is_cmd(s->eCmd) ) return win_v2_cmd(h, c, s, L, hThreadTok, pOut);
      return agent_out_why(pOut, AGENT_FAILED, "unknown command");
  }
}
