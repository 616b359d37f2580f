/*
** real/win/agent_v2.c: the steps of language version 2 on the Win32 host
** (issue 10 item 3): the logons ssh, netonly, task, batch s4u and
** elevate; `net use *`, deviceless connections and their cancels; `reg
** set` and `reg delete` under the acting half's hive; the listing of
** deviceless connections; the undo of what these steps journal.
**
** What a host cannot do faithfully is answered `unsupported` with the
** reason (a scheduled task's token, a credential prompt, Wine's stub
** LogonUserW, no network provider). Every change is journalled before it
** is made, within the allow-list of agent_journal.c:
**   regvalue  HKU\<SID>\Network\<L> VALUE, its old bytes or `-`
**   regkey    HKU\<SID>\Network\<L> (or HKU\<SID>\Network) the agent created
**   netuse    HALF `\\srv\sh` (deviceless) or `*\\srv\sh` (net use * before
**             the letter is known; rewritten to `L:` once it is)
**
** Contents:
**   1. Baseline of the operator's user (remembered keys, deviceless)
**   2. Logons
**   3. Registry: reg set, reg delete
**   4. Network: net use *, deviceless add and cancel, listing
**   5. Dispatch and undo
*/
#include "agent_win.h"

#include <lm.h>
#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <winnetwk.h>

/* ---------------------------------------------------------------- 1 ---- */

/* Deviceless connections of the current thread's context, as UTF-8 remote
** names, appended to *pazOut (grown). */
static void win_v2_enum_deviceless(char ***pazOut, int *pnOut){
  HANDLE hEnum = NULL;
  BYTE aBuf[16384];
  if( WNetOpenEnumW(RESOURCE_CONNECTED, RESOURCETYPE_DISK, 0, NULL, &hEnum)!=NO_ERROR ) return;
  for(;;){
    DWORD nCount = (DWORD)-1, nBuf = sizeof(aBuf), i;
    NETRESOURCEW *a = (NETRESOURCEW*)aBuf;
    if( WNetEnumResourceW(hEnum, &nCount, aBuf, &nBuf)!=NO_ERROR ) break;
    for(i=0; i<nCount; i++){
      char **azNew;
      if( (a[i].lpLocalName && a[i].lpLocalName[0]) || a[i].lpRemoteName==NULL ) continue;
      azNew = realloc(*pazOut, sizeof(char*)*(size_t)(*pnOut+1));
      if( azNew==NULL ) break;
      *pazOut = azNew;
      (*pazOut)[*pnOut] = win_utf8(a[i].lpRemoteName);
      if( (*pazOut)[*pnOut] ) (*pnOut)++;
    }
  }
  WNetCloseEnum(hEnum);
}

void win_v2_baseline_add(WinHost *h){
  LPWSTR zSid = NULL;
  WCHAR zPath[256];
  HKEY hNet = NULL;
  DWORD i;
  /* the own user's remembered keys, read from the registry itself (Wine
  ** has no network provider to enumerate them); one hive for both halves */
  if( h->pProcSid && ConvertSidToStringSidW(h->pProcSid, &zSid) ){
    swprintf(zPath, 256, L"%ls\\Network", zSid);
    LocalFree(zSid);
    if( RegOpenKeyExW(HKEY_USERS, zPath, 0, KEY_READ, &hNet)==ERROR_SUCCESS ){
      for(i=0; ; i++){
        WCHAR zSub[64];
        DWORD nSub = 64;
        int iL;
        if( RegEnumKeyExW(hNet, i, zSub, &nSub, NULL, NULL, NULL, NULL)!=ERROR_SUCCESS ) break;
        iL = (zSub[0] & ~0x20) - 'A';
        if( nSub==1 && iL>=0 && iL<26 ) h->mBaseRegNet |= 1u<<iL;
      }
      RegCloseKey(hNet);
    }
  }
  if( h->bWnet ) win_v2_enum_deviceless(&h->azBaseDevless, &h->nBaseDevless);
}

void win_v2_free(WinHost *h){
  int i;
  for(i=0; i<h->nBaseDevless; i++) free(h->azBaseDevless[i]);
  free(h->azBaseDevless);
  h->azBaseDevless = NULL;
  h->nBaseDevless = 0;
}

/* 1 if the operator's user had a deviceless connection to zRemote at start. */
static int win_v2_base_devless_has(const WinHost *h, const char *zRemote){
  int i;
  for(i=0; i<h->nBaseDevless; i++){
    if( h->azBaseDevless[i] && _stricmp(h->azBaseDevless[i], zRemote)==0 ) return 1;
  }
  return 0;
}

int win_v2_base_deviceless(const WinHost *h){
  return h->nBaseDevless>0;
}

/* ---------------------------------------------------------------- 2 ---- */

int win_v2_is_logon(const ScnStep *s){
  return s->eLogonType==SCN_LOGON_NETONLY || s->eLogonType==SCN_LOGON_TASK
      || s->eLogonType==SCN_LOGON_ELEVATE
      || (s->eLogonType==SCN_LOGON_BATCH && s->bS4u);
}

/* The token of half eHalf of live logon L, or NULL (with *pzWhy). */
static HANDLE win_v2_half_of(const WinLogon *L, ScnHalf eHalf, const char **pzWhy){
  int eWant;
  if( eHalf==SCN_HALF_BARE ) return L->hBare;
  eWant = eHalf==SCN_HALF_LIMITED ? TokenElevationTypeLimited : TokenElevationTypeFull;
  if( L->eBareElev==eWant ) return L->hBare;
  if( L->hOther && L->eOtherElev==eWant ) return L->hOther;
  *pzWhy = eHalf==SCN_HALF_LIMITED ? "limited" : "elevated";
  return NULL;
}

/* 1 if both tokens have the same user SID. */
static int win_v2_same_user(HANDLE hA, HANDLE hB){
  BYTE aA[512], aB[512];
  DWORD n = 0;
  if( !GetTokenInformation(hA, TokenUser, aA, sizeof(aA), &n) ) return 0;
  if( !GetTokenInformation(hB, TokenUser, aB, sizeof(aB), &n) ) return 0;
  return EqualSid(((TOKEN_USER*)aA)->User.Sid, ((TOKEN_USER*)aB)->User.Sid)!=0;
}

/*
** `logon S user netonly from=<who>` (L12): LogonUserW with
** LOGON32_LOGON_NEW_CREDENTIALS while impersonating the half <who>, so the
** new token is a copy of that half's with a new logon session whose
** outbound credentials are the netonly account's (Microsoft Learn,
** LogonUserW: "allows the caller to clone its current token and specify
** new credentials for outbound connections"). The result is checked
** rather than assumed: same user and elevation type as <who>, a new LUID.
*/
static AgentOutcome win_v2_netonly(WinHost *h, AgentCore *c, const ScnStep *s,
                                   AgentOut *pOut){
  const ScnUser *pUser = NULL;
  HANDLE hFrom = NULL, hTok = NULL;
  const WinLogon *F = NULL;
  const char *zMissing = NULL;
  WinLogon *L;
  WCHAR *wUser = NULL, *wPw = NULL;
  const char *zPw;
  int i, bNoProfile = 0;
  AgentOutcome e = AGENT_DONE;
  if( h->bWine ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
        "LogonUserW is a stub on Wine (a fake handle for any user and password): "
        "no LOGON32_LOGON_NEW_CREDENTIALS session");
  }
  for(i=0; i<c->pWorld->nUser; i++){
    if( _stricmp(c->pWorld->aUser[i].zName, s->zUser)==0 ) pUser = &c->pWorld->aUser[i];
  }
  if( pUser==NULL ) return agent_out_why(pOut, AGENT_FAILED, "no world user %s", s->zUser);
  if( s->zFrom==NULL ){
    if( h->hSystem==NULL ){
      return agent_out_why(pOut, AGENT_UNSUPPORTED, "no SYSTEM token with SeTcbPrivilege was found");
    }
    hFrom = h->hSystem;
  }else{
    AgentSession *pS = agent_core_session(c, s->zFrom);
    if( pS==NULL ){
      return agent_out_why(pOut, AGENT_UNSUPPORTED, "no logon %s was made on this host", s->zFrom);
    }
    if( pS->eState==AGENT_SESSION_ENDED ){
      agent_out_error(pOut, 1312);       /* L10, the host confirmed it ended */
      return AGENT_DONE;
    }
    if( pS->eState!=AGENT_SESSION_LIVE || pS->iHost<0 ){
      return agent_out_why(pOut, AGENT_UNSUPPORTED, "%s", pS->zWhy);
    }
    F = &h->aLogon[pS->iHost];
    hFrom = win_v2_half_of(F, s->eFromHalf, &zMissing);
    if( hFrom==NULL ){
      return agent_out_why(pOut, AGENT_UNSUPPORTED, "logon %s has no %s half on this host",
                           s->zFrom, zMissing);
    }
    bNoProfile = F->bNoProfile;
  }
  /* the outbound password goes to the world's servers as the scenario
  ** gave it (like net use /user:), not mapped like a local account's */
  zPw = s->zLogonPassword ? s->zLogonPassword : pUser->zPassword;
  wUser = win_wide(pUser->zName);
  wPw = win_wide(zPw ? zPw : "");
  if( wUser==NULL || wPw==NULL ){ e = agent_out_why(pOut, AGENT_FAILED, "out of memory"); goto done; }
  if( !ImpersonateLoggedOnUser(hFrom) ){
    e = agent_out_why(pOut, AGENT_UNSUPPORTED, "cannot impersonate %s to clone its token: %lu",
                      s->zFrom ? s->zFrom : "SYSTEM", GetLastError());
    goto done;
  }
  if( !LogonUserW(wUser, pUser->bDomain ? NULL : L".", wPw, LOGON32_LOGON_NEW_CREDENTIALS,
                  LOGON32_PROVIDER_WINNT50, &hTok) ){
    DWORD dwErr = GetLastError();
    RevertToSelf();
    agent_out_error(pOut, (int)dwErr);
    goto done;
  }
  RevertToSelf();
  if( !win_v2_same_user(hTok, hFrom)
   || win_token_elevation(hTok)!=win_token_elevation(hFrom)
   || win_token_luid(hTok)==0 || win_token_luid(hTok)==win_token_luid(hFrom) ){
    CloseHandle(hTok);
    e = agent_out_why(pOut, AGENT_UNSUPPORTED, "LOGON32_LOGON_NEW_CREDENTIALS did not give "
                      "a copy of %s's token in a new logon session (L12)",
                      s->zFrom ? s->zFrom : "SYSTEM");
    goto done;
  }
  L = NULL;
  for(i=0; i<h->nLogon; i++){
    if( strcmp(h->aLogon[i].zName, s->zSession)==0 && !h->aLogon[i].bLive ){
      L = &h->aLogon[i];
      break;
    }
  }
  if( L==NULL && h->nLogon<WIN_MAX_LOGONS ) L = &h->aLogon[h->nLogon++];
  if( L==NULL ){ CloseHandle(hTok); e = agent_out_why(pOut, AGENT_FAILED, "too many logons"); goto done; }
  memset(L, 0, sizeof(*L));
  snprintf(L->zName, sizeof(L->zName), "%s", s->zSession);
  /* the token is <who>'s user's (the netonly account is only the outbound
  ** credential): `token` shows that user, and an account's undo releases
  ** this logon with <who>'s */
  snprintf(L->zUser, sizeof(L->zUser), "%s", F ? F->zUser : "SYSTEM");
  L->eType = SCN_LOGON_NETONLY;
  L->hBare = hTok;
  L->eBareElev = win_token_elevation(hTok);
  L->luidBare = win_token_luid(hTok);
  L->bNoProfile = bNoProfile;           /* the hive is <who>'s user's, loaded by it */
  L->bLive = 1;
  agent_luid_bind(&c->luid, L->luidBare, L->zName);
  agent_core_session_made(c, s->zSession, (int)(L - h->aLogon));
  agent_out_line(pOut, "ok");
done:
  if( wPw ) SecureZeroMemory(wPw, wcslen(wPw)*sizeof(WCHAR));
  free(wUser); free(wPw);
  return e;
}

AgentOutcome win_v2_logon(WinHost *h, AgentCore *c, const ScnStep *s, AgentOut *pOut){
  switch( s->eLogonType ){
    case SCN_LOGON_NETONLY:
      return win_v2_netonly(h, c, s, pOut);
    case SCN_LOGON_TASK:
      return agent_out_why(pOut, AGENT_UNSUPPORTED,
          "a task that runs only when the user is logged on gets its token from the Task "
          "Scheduler service inside %s's logon; one process cannot obtain that token",
          s->zFrom ? s->zFrom : "?");
    case SCN_LOGON_ELEVATE:
      return agent_out_why(pOut, AGENT_UNSUPPORTED,
          "Run as administrator goes through a consent or credential prompt on the secure "
          "desktop (consent.exe), which the agent cannot answer");
    default:
      break;
  }
  /* batch s4u */
  return agent_out_why(pOut, AGENT_UNSUPPORTED,
      "a task that stores no password runs in an S4U logon the Task Scheduler service "
      "makes; the agent makes no S4U logons");
}

/* ---------------------------------------------------------------- 3 ---- */

/* The string SID of the token's user (LocalFree), or NULL. */
static LPWSTR win_v2_token_sid(HANDLE hTok){
  BYTE aBuf[512];
  DWORD n = 0;
  LPWSTR z = NULL;
  if( !GetTokenInformation(hTok, TokenUser, aBuf, sizeof(aBuf), &n) ) return NULL;
  if( !ConvertSidToStringSidW(((TOKEN_USER*)aBuf)->User.Sid, &z) ) return NULL;
  return z;
}

/* Hex text of type+data, for the journal. Malloc'd. */
static char *win_v2_hex(DWORD dwType, const BYTE *p, DWORD n){
  char *z = malloc(16 + 2*(size_t)n);
  DWORD i;
  size_t k;
  if( z==NULL ) return NULL;
  k = (size_t)snprintf(z, 16, "%lu:", dwType);
  for(i=0; i<n; i++) k += (size_t)sprintf(z+k, "%02x", p[i]);
  z[k] = 0;
  return z;
}

/* Journal value wValue of open key hKey (journal key zKeyJ) as it is now,
** unless already journalled. Returns 0, or a Win32 error. */
static LONG win_v2_record_value(AgentCore *c, HKEY hKey, const char *zKeyJ,
                                const WCHAR *wValue){
  DWORD nOld = 0, tOld = 0;
  BYTE *aOld = NULL;
  char *zOld = NULL, *zValue;
  LONG r;
  zValue = win_utf8(wValue);
  if( zValue==NULL ) return ERROR_NOT_ENOUGH_MEMORY;
  if( agent_journal_has(&c->journal, AGENT_UNDO_REGVALUE, zKeyJ, zValue) ){
    free(zValue);
    return 0;
  }
  r = RegQueryValueExW(hKey, wValue, NULL, &tOld, NULL, &nOld);
  if( r==ERROR_SUCCESS ){
    aOld = malloc(nOld ? nOld : 1);
    if( aOld==NULL ){ free(zValue); return ERROR_NOT_ENOUGH_MEMORY; }
    r = RegQueryValueExW(hKey, wValue, NULL, &tOld, aOld, &nOld);
    if( r==ERROR_SUCCESS ) zOld = win_v2_hex(tOld, aOld, nOld);
    free(aOld);
    if( r==ERROR_SUCCESS && zOld==NULL ){ free(zValue); return ERROR_NOT_ENOUGH_MEMORY; }
  }
  if( r!=ERROR_SUCCESS && r!=ERROR_FILE_NOT_FOUND ){ free(zValue); return r; }
  r = agent_core_record(c, AGENT_UNDO_REGVALUE, zKeyJ, zValue, zOld) ? ERROR_NOT_ENOUGH_MEMORY : 0;
  free(zOld);
  free(zValue);
  return r;
}

/*
** `reg set HKCU\Network\<L> VALUE DATA` and `reg delete HKCU\Network\<L>
** [VALUE]` (R6), on the worker thread that impersonates the acting half.
** The hive is the half's user's, opened as HKEY_USERS\<SID> from the
** thread token: what RegOpenCurrentUser opens for an impersonating thread
** whose user's profile is loaded (and the key the journal can name). A
** hive that is not loaded is refused rather than written in .DEFAULT.
*/
static AgentOutcome win_v2_reg(WinHost *h, AgentCore *c, const ScnStep *s,
                               HANDLE hTok, AgentOut *pOut){
  LPWSTR wSid = win_v2_token_sid(hTok);
  char *zSid = NULL;
  char zKeyJ[160], zNetJ[160];
  WCHAR wSub[16];
  HKEY hUser = NULL, hKey = NULL;
  LONG r;
  int iL = (s->cLetter & ~0x20) - 'A';
  AgentOutcome e = AGENT_DONE;
  WCHAR *wValue = NULL;
  if( !c->bAllowChanges ){
    if( wSid ) LocalFree(wSid);
    return agent_out_why(pOut, AGENT_UNSUPPORTED, "writing the registry needs --allow-host-changes");
  }
  if( wSid==NULL ) return agent_out_why(pOut, AGENT_FAILED, "cannot read the token's user SID");
  zSid = win_utf8(wSid);
  if( zSid==NULL ){ LocalFree(wSid); return agent_out_why(pOut, AGENT_FAILED, "out of memory"); }
  if( win_token_is_own_user(h, hTok) && iL>=0 && iL<26 && (h->mBaseRegNet & (1u<<iL)) ){
    e = agent_out_why(pOut, AGENT_FAILED, "the host's own user had HKCU\\Network\\%c before "
                      "the scenario; the agent does not change the operator's remembered drives",
                      s->cLetter);
    goto done;
  }
  snprintf(zNetJ, sizeof(zNetJ), "HKU\\%s\\Network", zSid);
  snprintf(zKeyJ, sizeof(zKeyJ), "HKU\\%s\\Network\\%c", zSid, s->cLetter);
  if( !agent_journal_is_user_network_key(zKeyJ) ){
    e = agent_out_why(pOut, AGENT_UNSUPPORTED, "the acting half's user (%s) is not an account "
                      "whose hive the agent journals", zSid);
    goto done;
  }
  r = RegOpenKeyExW(HKEY_USERS, wSid, 0, KEY_READ|KEY_WRITE, &hUser);
  if( r!=ERROR_SUCCESS ){
    e = agent_out_why(pOut, AGENT_UNSUPPORTED, "the hive of %s is not loaded (HKEY_USERS\\%s: "
                      "%ld)", zSid, zSid, r);
    goto done;
  }
  swprintf(wSub, 16, L"Network\\%c", (WCHAR)s->cLetter);
  if( s->zRegValue ){
    wValue = win_wide(s->zRegValue);
    if( wValue==NULL ){ e = agent_out_why(pOut, AGENT_FAILED, "out of memory"); goto done; }
  }
  r = RegOpenKeyExW(hUser, wSub, 0, KEY_READ|KEY_WRITE, &hKey);
  if( s->eCmd==SCN_CMD_REG_SET ){
    BYTE *pData;
    DWORD nData, dwType;
    WCHAR *wData = NULL;
    DWORD v = (DWORD)s->uRegDword;
    if( r==ERROR_FILE_NOT_FOUND ){
      /* the key (and maybe Network) is new: journal that it did not exist */
      HKEY hNet = NULL;
      if( RegOpenKeyExW(hUser, L"Network", 0, KEY_READ, &hNet)==ERROR_SUCCESS ){
        RegCloseKey(hNet);
      }else if( !agent_journal_has(&c->journal, AGENT_UNDO_REGKEY, zNetJ, "")
             && agent_core_record(c, AGENT_UNDO_REGKEY, zNetJ, "", NULL) ){
        goto done;                        /* the core answers `error` */
      }
      if( !agent_journal_has(&c->journal, AGENT_UNDO_REGKEY, zKeyJ, "")
       && agent_core_record(c, AGENT_UNDO_REGKEY, zKeyJ, "", NULL) ){
        goto done;
      }
      r = RegCreateKeyExW(hUser, wSub, 0, NULL, 0, KEY_READ|KEY_WRITE, NULL, &hKey, NULL);
    }
    if( r!=ERROR_SUCCESS ){ agent_out_error(pOut, (int)r); goto done; }
    r = win_v2_record_value(c, hKey, zKeyJ, wValue);
    if( r ){
      if( c->zSaveWhy[0]==0 ) agent_out_error(pOut, (int)r);
      goto done;
    }
    if( s->eRegType==SCN_REG_DWORD ){
      dwType = REG_DWORD; pData = (BYTE*)&v; nData = sizeof(v);
    }else{
      wData = win_wide(s->zRegData ? s->zRegData : "");
      if( wData==NULL ){ e = agent_out_why(pOut, AGENT_FAILED, "out of memory"); goto done; }
      dwType = REG_SZ; pData = (BYTE*)wData; nData = (DWORD)((wcslen(wData)+1)*sizeof(WCHAR));
    }
    r = RegSetValueExW(hKey, wValue, 0, dwType, pData, nData);
    free(wData);
    if( r ) agent_out_error(pOut, (int)r); else agent_out_line(pOut, "ok");
    goto done;
  }
  /* reg delete */
  if( r!=ERROR_SUCCESS ){ agent_out_error(pOut, (int)r); goto done; }
  if( wValue ){
    r = RegQueryValueExW(hKey, wValue, NULL, NULL, NULL, NULL);
    if( r==ERROR_SUCCESS ) r = win_v2_record_value(c, hKey, zKeyJ, wValue);
    if( r==ERROR_SUCCESS ) r = RegDeleteValueW(hKey, wValue);
    if( c->zSaveWhy[0] ) goto done;
    if( r ) agent_out_error(pOut, (int)r); else agent_out_line(pOut, "ok");
  }else{
    /* the whole key: each value is journalled with its bytes first, so the
    ** undo can make the key again; a subkey is more than the journal holds */
    DWORD nSubKeys = 0, i;
    RegQueryInfoKeyW(hKey, NULL, NULL, NULL, &nSubKeys, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    if( nSubKeys ){
      e = agent_out_why(pOut, AGENT_UNSUPPORTED, "HKCU\\Network\\%c has subkeys, which the "
                        "journal cannot restore", s->cLetter);
      goto done;
    }
    for(i=0; ; i++){
      WCHAR zName[16384];
      DWORD nName = 16384;
      r = RegEnumValueW(hKey, i, zName, &nName, NULL, NULL, NULL, NULL);
      if( r==ERROR_NO_MORE_ITEMS ){ r = 0; break; }
      if( r ) break;
      r = win_v2_record_value(c, hKey, zKeyJ, zName);
      if( r ) break;
    }
    if( c->zSaveWhy[0] ) goto done;
    RegCloseKey(hKey);
    hKey = NULL;
    if( r==0 ) r = RegDeleteKeyW(hUser, wSub);
    if( r ) agent_out_error(pOut, (int)r); else agent_out_line(pOut, "ok");
  }
done:
  if( hKey ) RegCloseKey(hKey);
  if( hUser ) RegCloseKey(hUser);
  free(wValue);
  free(zSid);
  LocalFree(wSid);
  return e;
}

/* ---------------------------------------------------------------- 4 ---- */

/* Deviceless rows for `net use` (bStatus: `<status> \\srv\sh`) and `wnet
** enum connected` (`\\srv\sh`), sorted by remote path ignoring case, after
** the lettered ones (docs/language.md, C14). */
static int win_v2_cmp_nocase(const void *pA, const void *pB){
  return _stricmp(*(char *const*)pA, *(char *const*)pB);
}

void win_v2_list_deviceless(AgentCore *c, AgentOut *pOut, int bStatus){
  char **az = NULL;
  int n = 0, i;
  win_v2_enum_deviceless(&az, &n);
  if( n>1 ) qsort(az, (size_t)n, sizeof(char*), win_v2_cmp_nocase);
  for(i=0; i<n; i++){
    const char *zTyped = agent_core_typed(c, az[i]);
    if( bStatus ){
      const char *zSt = "OK";
      BYTE *pBuf = NULL;
      DWORD nRead = 0, nTotal = 0, k;
      WCHAR *w = win_wide(az[i]);
      if( w && NetUseEnum(NULL, 1, &pBuf, MAX_PREFERRED_LENGTH, &nRead, &nTotal, NULL)==NERR_Success ){
        USE_INFO_1 *a = (USE_INFO_1*)pBuf;
        for(k=0; k<nRead; k++){
          if( (a[k].ui1_local && a[k].ui1_local[0]) || a[k].ui1_remote==NULL ) continue;
          if( _wcsicmp(a[k].ui1_remote, w)!=0 ) continue;
          switch( a[k].ui1_status ){
            case USE_OK: zSt = "OK"; break;
            case USE_PAUSED: zSt = "Paused"; break;
            case USE_SESSLOST: zSt = "Disconnected"; break;
            case USE_NETERR: zSt = "Error"; break;
            default: zSt = "Reconnecting"; break;
          }
        }
        NetApiBufferFree(pBuf);
      }
      free(w);
      agent_out_line(pOut, "%s %s", zSt, zTyped);
    }else{
      agent_out_line(pOut, "%s", zTyped);
    }
  }
  for(i=0; i<n; i++) free(az[i]);
  free(az);
}

/* Cancel every deviceless connection of the caller (`net use * /delete`,
** C9 v2). Returns 0 or the first error. */
DWORD win_v2_cancel_all_deviceless(void){
  char **az = NULL;
  int n = 0, i;
  DWORD rc = 0;
  win_v2_enum_deviceless(&az, &n);
  for(i=0; i<n; i++){
    WCHAR *w = win_wide(az[i]);
    DWORD r = w ? WNetCancelConnection2W(w, 0, TRUE) : ERROR_NOT_ENOUGH_MEMORY;
    if( r && rc==0 ) rc = r;
    free(w);
    free(az[i]);
  }
  free(az);
  return rc;
}

/* Rewrite the pending `*\\srv\sh` entry of half zHalf: to `L:` once the
** letter is known (zLetter), or mark it undone when nothing was made. */
static void win_v2_settle_auto(AgentCore *c, const char *zHalf, const char *zPending,
                               const char *zLetter){
  int k;
  for(k=c->journal.n-1; k>=0; k--){
    AgentUndo *e = &c->journal.a[k];
    if( e->eKind==AGENT_UNDO_NETUSE && !e->bDone && strcmp(e->zKey, zHalf)==0
     && strcmp(e->zName, zPending)==0 ){
      if( zLetter ){
        char *z = malloc(strlen(zLetter)+1);
        if( z==NULL ) return;        /* the pending form still undoes it */
        memcpy(z, zLetter, strlen(zLetter)+1);
        free(e->zName);
        e->zName = z;
      }else{
        e->bDone = 1;
      }
      c->nJournalSaved = -1;         /* the core saves it after the step */
      return;
    }
  }
}

static AgentOutcome win_v2_net(WinHost *h, AgentCore *c, const ScnStep *s,
                               const WinLogon *L, HANDLE hTok, AgentOut *pOut){
  int bOwn = win_token_is_own_user(h, hTok);
  char zHalf[AGENT_LUID_NAME+16];
  WCHAR *wRemote = NULL, *wUser = NULL, *wPw = NULL;
  NETRESOURCEW nr;
  DWORD rc;
  AgentOutcome e = AGENT_DONE;
  if( !h->bWnet ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED, h->bWine
        ? "Wine has no network provider (WNet* return 1222 ERROR_NO_NETWORK)"
        : "no network provider answers WNet* on this host");
  }
  if( !h->bExistingShares ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
        "the agent does not build SMB test shares; pass --existing-shares when the world's servers exist");
  }
  if( !c->bAllowChanges ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED, "connecting drives needs --allow-host-changes");
  }
  if( L && L->bNoProfile && s->eCmd==SCN_CMD_NET_USE_AUTO ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED, "no profile could be loaded for "
        "logon %s (LoadUserProfileW failed): HKCU would be another user's hive", L->zName);
  }
  if( bOwn && s->eCmd!=SCN_CMD_NET_USE_AUTO && win_v2_base_devless_has(h, s->zRemote) ){
    return agent_out_why(pOut, AGENT_FAILED, "the host's own user had a connection to %s "
        "before the scenario; the agent does not remove or share the operator's connections",
        s->zRemote);
  }
  agent_half_name(s->zSession ? s->zSession : "SYSTEM", s->eHalf, zHalf, sizeof(zHalf));
  wRemote = win_wide(s->zRemote);
  wUser = win_wide(s->zCredUser);
  wPw = win_wide(s->zCredPassword);      /* NULL stays NULL, "" stays "" (C9) */
  if( wRemote==NULL || (s->zCredUser && wUser==NULL) || (s->zCredPassword && wPw==NULL) ){
    e = agent_out_why(pOut, AGENT_FAILED, "out of memory");
    goto done;
  }
  memset(&nr, 0, sizeof(nr));
  nr.dwType = RESOURCETYPE_DISK;
  nr.lpRemoteName = wRemote;
  switch( s->eCmd ){
    case SCN_CMD_NET_USE_AUTO: {
      /* C15: WNetUseConnectionW with no local name and CONNECT_REDIRECT
      ** has the system pick the letter and returns it in lpAccessName */
      char zPending[1100];
      WCHAR zAccess[64];
      DWORD nAccess = 64, dwResult = 0;
      int bPersist = s->ePersistent>=0 ? s->ePersistent : win_net_save_default();
      snprintf(zPending, sizeof(zPending), "*%s", s->zRemote);
      if( agent_core_record(c, AGENT_UNDO_NETUSE, zHalf, zPending, h->bOwnStep ? "own" : NULL) ){
        goto done;
      }
      zAccess[0] = 0;
      rc = WNetUseConnectionW(NULL, &nr, wPw, wUser,
                              CONNECT_REDIRECT | (bPersist ? CONNECT_UPDATE_PROFILE : 0),
                              zAccess, &nAccess, &dwResult);
      if( rc==NO_ERROR && !(zAccess[0] && zAccess[1]==L':' && zAccess[2]==0) ){
        /* a connection was made but the letter is not told: the pending
        ** entry stays, so the undo still finds it by its remote name */
        e = agent_out_why(pOut, AGENT_FAILED, "WNetUseConnectionW succeeded without "
                          "returning a drive letter");
        goto done;
      }
      if( rc==NO_ERROR ){
        char zLetter[3] = { (char)(zAccess[0] & ~0x20), ':', 0 };
        win_v2_settle_auto(c, zHalf, zPending, zLetter);
        if( bPersist && !bOwn && win_net_own_hive_remembers(h, zLetter[0])
         && !(h->mBaseRegNet & (1u<<(zLetter[0]-'A'))) ){
          e = agent_out_why(pOut, AGENT_FAILED,
              "mpr remembered the mapping in the agent's own HKCU, not the caller's");
          goto done;
        }
        if( s->ePersistent>=0 ) rc = (DWORD)win_net_set_save_default(h, c, hTok, s->ePersistent);
        if( rc ) agent_out_error(pOut, (int)rc);
        else agent_out_line(pOut, "ok %s", zLetter);
      }else{
        win_v2_settle_auto(c, zHalf, zPending, NULL);
        agent_out_error(pOut, (int)rc);
      }
      goto done;
    }
    case SCN_CMD_NET_USE_DEVICELESS:
    case SCN_CMD_WNET_ADD_DEVICELESS:
      /* C14: no local name; never remembered, so no CONNECT_UPDATE_PROFILE */
      if( !agent_journal_has(&c->journal, AGENT_UNDO_NETUSE, zHalf, s->zRemote)
       && agent_core_record(c, AGENT_UNDO_NETUSE, zHalf, s->zRemote, h->bOwnStep ? "own" : NULL) ){
        goto done;
      }
      rc = WNetAddConnection2W(&nr, wPw, wUser, 0);
      break;
    case SCN_CMD_NET_USE_DELETE_REMOTE:
      /* a remote name cancels the session's deviceless connections to it */
      rc = WNetCancelConnection2W(wRemote, 0, TRUE);
      break;
    case SCN_CMD_WNET_CANCEL_REMOTE:
      rc = WNetCancelConnection2W(wRemote, 0, s->bForce ? TRUE : FALSE);
      break;
    default:
      e = agent_out_why(pOut, AGENT_FAILED, "not a network command");
      goto done;
  }
  if( rc ) agent_out_error(pOut, (int)rc); else agent_out_line(pOut, "ok");
done:
  if( wPw ) SecureZeroMemory(wPw, wcslen(wPw)*sizeof(WCHAR));
  free(wRemote); free(wUser); free(wPw);
  return e;
}

/* ---------------------------------------------------------------- 5 ---- */

int win_v2_is_cmd(ScnCmd eCmd){
  switch( eCmd ){
    case SCN_CMD_NET_USE_AUTO:
    case SCN_CMD_NET_USE_DEVICELESS:
    case SCN_CMD_NET_USE_DELETE_REMOTE:
    case SCN_CMD_WNET_ADD_DEVICELESS:
    case SCN_CMD_WNET_CANCEL_REMOTE:
    case SCN_CMD_REG_SET:
    case SCN_CMD_REG_DELETE:
      return 1;
    default:
      return 0;
  }
}

AgentOutcome win_v2_cmd(WinHost *h, AgentCore *c, const ScnStep *s,
                        const WinLogon *L, HANDLE hThreadTok, AgentOut *pOut){
  if( s->eCmd==SCN_CMD_REG_SET || s->eCmd==SCN_CMD_REG_DELETE ){
    if( L && L->bNoProfile ){
      return agent_out_why(pOut, AGENT_UNSUPPORTED, "no profile could be loaded for "
          "logon %s (LoadUserProfileW failed): HKCU would be another user's hive", L->zName);
    }
    return win_v2_reg(h, c, s, hThreadTok, pOut);
  }
  return win_v2_net(h, c, s, L, hThreadTok, pOut);
}

/* Find a live half's token by its journal name (as win_half_token). */
static HANDLE win_v2_half_token(WinHost *h, const char *zHalf){
  int i;
  for(i=0; i<h->nLogon; i++){
    WinLogon *L = &h->aLogon[i];
    size_t n = strlen(L->zName);
    if( !L->bLive || strncmp(zHalf, L->zName, n)!=0 ) continue;
    if( zHalf[n]==0 ) return L->hBare;
    if( zHalf[n]=='.' && L->hOther ){
      int eWant = strcmp(zHalf+n+1, "limited")==0 ? TokenElevationTypeLimited : TokenElevationTypeFull;
      return L->eBareElev==eWant ? L->hBare : L->hOther;
    }
  }
  if( strcmp(zHalf, "SYSTEM")==0 ) return h->hSystem;
  return NULL;
}

/* Undo a connection of `net use *` whose letter was never recorded: each
** lettered connection of the caller to zRemote that the operator did not
** have at start. */
static int win_v2_undo_auto(WinHost *h, const char *zRemote){
  HANDLE hEnum = NULL;
  BYTE aBuf[16384];
  WCHAR *w = win_wide(zRemote);
  int rc = 0;
  if( w==NULL ) return 1;
  if( WNetOpenEnumW(RESOURCE_CONNECTED, RESOURCETYPE_DISK, 0, NULL, &hEnum)!=NO_ERROR ){
    free(w);
    return 0;                          /* no provider: nothing was connected */
  }
  for(;;){
    DWORD nCount = (DWORD)-1, nBuf = sizeof(aBuf), i;
    NETRESOURCEW *a = (NETRESOURCEW*)aBuf;
    if( WNetEnumResourceW(hEnum, &nCount, aBuf, &nBuf)!=NO_ERROR ) break;
    for(i=0; i<nCount; i++){
      int iL;
      if( a[i].lpLocalName==NULL || a[i].lpLocalName[0]==0 || a[i].lpRemoteName==NULL ) continue;
      iL = (a[i].lpLocalName[0] & ~0x20) - 'A';
      if( iL<0 || iL>=26 || (h->mBaseNet & (1u<<iL)) ) continue;
      if( _wcsicmp(a[i].lpRemoteName, w)!=0 ) continue;
      if( WNetCancelConnection2W(a[i].lpLocalName, CONNECT_UPDATE_PROFILE, TRUE)!=NO_ERROR ) rc = 1;
    }
  }
  WNetCloseEnum(hEnum);
  free(w);
  return rc;
}

int win_v2_undo(WinHost *h, const AgentUndo *e, int *pRc){
  if( e->eKind==AGENT_UNDO_REGKEY
   || (e->eKind==AGENT_UNDO_REGVALUE && strncmp(e->zKey, "HKU\\", 4)==0) ){
    /* HKU\<SID>\Network[\<L>]: the user's hive, whatever the thread */
    WCHAR *wPath = win_wide(e->zKey+4);
    WCHAR *wName = win_wide(e->zName);
    HKEY hKey = NULL;
    LONG r;
    *pRc = 1;
    if( wPath==NULL || wName==NULL ){ free(wPath); free(wName); return 1; }
    if( e->eKind==AGENT_UNDO_REGKEY ){
      /* the key the agent created goes, unless someone else's keys now
      ** live under it (a user's other drive letters under Network) */
      DWORD nSub = 0;
      r = RegOpenKeyExW(HKEY_USERS, wPath, 0, KEY_READ, &hKey);
      if( r==ERROR_FILE_NOT_FOUND ){
        *pRc = 0;
      }else if( r==ERROR_SUCCESS ){
        RegQueryInfoKeyW(hKey, NULL, NULL, NULL, &nSub, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
        RegCloseKey(hKey);
        if( nSub ) *pRc = 0;
        else{
          r = RegDeleteKeyW(HKEY_USERS, wPath);
          *pRc = r!=ERROR_SUCCESS && r!=ERROR_FILE_NOT_FOUND;
        }
      }
    }else if( e->zOld==NULL ){
      r = RegOpenKeyExW(HKEY_USERS, wPath, 0, KEY_SET_VALUE, &hKey);
      if( r==ERROR_FILE_NOT_FOUND ){
        *pRc = 0;                       /* no key, no value */
      }else if( r==ERROR_SUCCESS ){
        r = RegDeleteValueW(hKey, wName);
        *pRc = r!=ERROR_SUCCESS && r!=ERROR_FILE_NOT_FOUND;
        RegCloseKey(hKey);
      }
    }else{
      /* back byte for byte with its type, the key made again if `reg
      ** delete` removed it; then read back and compared */
      char *zEnd;
      DWORD t = (DWORD)strtoul(e->zOld, &zEnd, 10), n, i, tNow = 0, nNow;
      BYTE *p = NULL, *q = NULL;
      if( *zEnd==':' ){
        zEnd++;
        n = (DWORD)(strlen(zEnd)/2);
        p = malloc(n ? n : 1);
        q = malloc(n ? n : 1);
        for(i=0; p && i<n; i++){
          unsigned v = 0;
          sscanf(zEnd+2*i, "%2x", &v);
          p[i] = (BYTE)v;
        }
        if( p && q
         && RegCreateKeyExW(HKEY_USERS, wPath, 0, NULL, 0, KEY_SET_VALUE|KEY_QUERY_VALUE,
                            NULL, &hKey, NULL)==ERROR_SUCCESS ){
          nNow = n;
          *pRc = RegSetValueExW(hKey, wName, 0, t, p, n)!=ERROR_SUCCESS
              || RegQueryValueExW(hKey, wName, NULL, &tNow, q, &nNow)!=ERROR_SUCCESS
              || tNow!=t || nNow!=n || (n && memcmp(p, q, n)!=0);
          RegCloseKey(hKey);
        }
      }
      free(p); free(q);
    }
    free(wPath); free(wName);
    return 1;
  }
  if( e->eKind==AGENT_UNDO_NETUSE && e->zName[0] && e->zName[1]!=':' ){
    /* a deviceless connection, or a `net use *` whose letter was never
    ** recorded: as the half that made it, as for lettered ones */
    HANDLE hTok = win_v2_half_token(h, e->zKey);
    int bOwn = e->zOld && strcmp(e->zOld, "own")==0;
    *pRc = 0;
    if( hTok==NULL && !bOwn ) return 1;   /* its logon ended and took it along */
    if( hTok && !ImpersonateLoggedOnUser(hTok) ){ *pRc = 1; return 1; }
    if( e->zName[0]=='*' ){
      *pRc = win_v2_undo_auto(h, e->zName+1);
    }else{
      WCHAR *w = win_wide(e->zName);
      DWORD r = w ? WNetCancelConnection2W(w, 0, TRUE) : ERROR_NOT_ENOUGH_MEMORY;
      *pRc = r!=NO_ERROR && r!=ERROR_NOT_CONNECTED && r!=ERROR_NO_NETWORK;
      free(w);
    }
    if( hTok ) RevertToSelf();
    return 1;
  }
  return 0;
}
