/*
** real/win/agent_host.c: the Win32 host of mapscope-agent: what the host
** is, logons and their tokens, the impersonating worker thread, machine
** steps (set, bootdevice, reboot) and the undo of the journal.
**
** Contents:
**   1. Small helpers (strings, tokens, NT objects)
**   2. Host initialisation: Wine, SYSTEM token, namespace, baseline
**   3. Facts and start (checking the host against the world)
**   4. Logon, logoff, reboot
**   5. Machine steps: set machine, bootdevice (journalled registry)
**   6. `as`: the impersonating worker thread
**   7. Step dispatch, finish and undo
*/
#include "agent_win.h"

#include <lm.h>
#include <ntsecapi.h>
#include <sddl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tlhelp32.h>
#include <userenv.h>
#include <winnetwk.h>
#include <winternl.h>
#include <wincred.h>

#ifndef LOGON32_LOGON_NETWORK_CLEARTEXT
# define LOGON32_LOGON_NETWORK_CLEARTEXT 8
#endif

#define WIN_POLICY_SYSTEM L"SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System"
#define WIN_NETPROVIDER   L"SYSTEM\\CurrentControlSet\\Control\\NetworkProvider"
#define WIN_SESSION_MGR   L"SYSTEM\\CurrentControlSet\\Control\\Session Manager"

static void win_logon_release(WinLogon *L);
static DWORD win_read_dword(const WCHAR *zPath, const WCHAR *zValue, DWORD dflt);
static void win_worker_stop(WinWorker *w);

/* ---------------------------------------------------------------- 1 ---- */

WCHAR *win_wide(const char *z){
  int n;
  WCHAR *w;
  if( z==NULL ) return NULL;
  n = MultiByteToWideChar(CP_UTF8, 0, z, -1, NULL, 0);
  if( n<=0 ) return NULL;
  w = malloc(sizeof(WCHAR)*(size_t)n);
  if( w==NULL ) return NULL;
  MultiByteToWideChar(CP_UTF8, 0, z, -1, w, n);
  return w;
}

char *win_utf8(const WCHAR *w){
  int n;
  char *z;
  if( w==NULL ) return NULL;
  n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
  if( n<=0 ) return NULL;
  z = malloc((size_t)n);
  if( z==NULL ) return NULL;
  WideCharToMultiByte(CP_UTF8, 0, w, -1, z, n, NULL, NULL);
  return z;
}

uint64_t win_token_luid(HANDLE hTok){
  TOKEN_STATISTICS st;
  DWORD n = 0;
  if( !GetTokenInformation(hTok, TokenStatistics, &st, sizeof(st), &n) ) return 0;
  return ((uint64_t)(uint32_t)st.AuthenticationId.HighPart<<32)
         | (uint64_t)st.AuthenticationId.LowPart;
}

int win_token_elevation(HANDLE hTok){
  TOKEN_ELEVATION_TYPE e;
  DWORD n = 0;
  if( !GetTokenInformation(hTok, TokenElevationType, &e, sizeof(e), &n) ) return 0;
  return (int)e;
}

/* The token's user SID (malloc'd) or NULL. */
static PSID win_token_sid(HANDLE hTok){
  BYTE aBuf[256];
  TOKEN_USER *pUser = (TOKEN_USER*)aBuf;
  DWORD n = 0;
  PSID pCopy;
  DWORD nSid;
  if( !GetTokenInformation(hTok, TokenUser, aBuf, sizeof(aBuf), &n) ) return NULL;
  nSid = GetLengthSid(pUser->User.Sid);
  pCopy = malloc(nSid);
  if( pCopy ) CopySid(nSid, pCopy, pUser->User.Sid);
  return pCopy;
}

int win_token_is_own_user(const WinHost *h, HANDLE hTok){
  PSID pSid = win_token_sid(hTok);
  int b = pSid && h->pProcSid && EqualSid(pSid, h->pProcSid);
  free(pSid);
  return b;
}

/* Enable a privilege on a token; 0 if it is now enabled. */
static int win_enable_privilege(HANDLE hTok, const WCHAR *zPriv){
  TOKEN_PRIVILEGES tp;
  LUID luid;
  if( !LookupPrivilegeValueW(NULL, zPriv, &luid) ) return 1;
  tp.PrivilegeCount = 1;
  tp.Privileges[0].Luid = luid;
  tp.Privileges[0].Attributes = SE_PRIVILEGE_ENABLED;
  if( !AdjustTokenPrivileges(hTok, FALSE, &tp, sizeof(tp), NULL, NULL) ) return 1;
  return GetLastError()==ERROR_NOT_ALL_ASSIGNED;
}

typedef LONG (NTAPI *NtOpenObjectFn)(PHANDLE, ACCESS_MASK, POBJECT_ATTRIBUTES);

/* 1 if the NT object zPath (a symbolic link when bLink, else a
** directory) can be opened; 0 if it does not exist; -1 on another error. */
static int win_nt_object_exists(const WCHAR *zPath, int bLink){
  HMODULE hNt = GetModuleHandleW(L"ntdll.dll");
  NtOpenObjectFn xOpen = (NtOpenObjectFn)(void(*)(void))GetProcAddress(hNt,
      bLink ? "NtOpenSymbolicLinkObject" : "NtOpenDirectoryObject");
  UNICODE_STRING us;
  OBJECT_ATTRIBUTES oa;
  HANDLE hObj = NULL;
  LONG st;
  if( xOpen==NULL ) return -1;
  us.Buffer = (PWSTR)zPath;
  us.Length = (USHORT)(wcslen(zPath)*sizeof(WCHAR));
  us.MaximumLength = us.Length;
  InitializeObjectAttributes(&oa, &us, OBJ_CASE_INSENSITIVE, NULL, NULL);
  st = xOpen(&hObj, 1 /* QUERY */, &oa);
  if( st>=0 ){
    CloseHandle(hObj);
    return 1;
  }
  if( (ULONG)st==0xC0000034u || (ULONG)st==0xC000003Au ) return 0;
  return -1;
}

int win_link_is_local(const WinHost *h, uint64_t luid, char cLetter){
  WCHAR zPath[96];
  if( !h->bGlobalDir || luid==0 || luid==AGENT_LUID_SYSTEM ) return 0;
  swprintf(zPath, 96, L"\\Sessions\\0\\DosDevices\\%08lx-%08lx\\%c:",
           (unsigned long)(luid>>32), (unsigned long)(luid & 0xffffffffu),
           (WCHAR)cLetter);
  return win_nt_object_exists(zPath, 1);
}

/* ---------------------------------------------------------------- 2 ---- */

/* Look for a SYSTEM process token that holds SeTcbPrivilege and keep an
** impersonation duplicate with SeTcb enabled (REAL-HOSTS skeleton 2).
** Chosen with care: the token must be SYSTEM's, unrestricted
** (IsTokenRestricted: a restricted token's SIDs would deny what SYSTEM
** may do), of the primary (not a filtered) kind, and SeTcb must enable;
** winlogon.exe and lsass.exe are tried first, as the processes every
** session has that run as full SYSTEM; where it came from is kept in
** zSystemFrom and reported as a host fact. */
static void win_find_system_token(WinHost *h){
  static const WCHAR *const azPrefer[] = { L"winlogon.exe", L"lsass.exe", NULL };
  int iPass;
  PSID pSystem = NULL;
  snprintf(h->zSystemFrom, sizeof(h->zSystemFrom), "none: no SYSTEM process token "
           "with SeTcbPrivilege could be opened");
  if( !ConvertStringSidToSidW(L"S-1-5-18", &pSystem) ) return;
  for(iPass=0; iPass<3 && h->hSystem==NULL; iPass++){
    HANDLE hSnap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
    PROCESSENTRY32W pe;
    if( hSnap==INVALID_HANDLE_VALUE ) break;
    pe.dwSize = sizeof(pe);
    if( Process32FirstW(hSnap, &pe) ) do{
      HANDLE hProc, hTok = NULL, hDup = NULL;
      PSID pSid;
      /* pass 0: winlogon, pass 1: lsass, pass 2: any other */
      if( iPass<2 ? _wcsicmp(pe.szExeFile, azPrefer[iPass])!=0
                  : (_wcsicmp(pe.szExeFile, azPrefer[0])==0 || _wcsicmp(pe.szExeFile, azPrefer[1])==0) ){
        continue;
      }
      hProc = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, pe.th32ProcessID);
      if( hProc==NULL ) continue;
      if( OpenProcessToken(hProc, TOKEN_DUPLICATE|TOKEN_QUERY, &hTok) ){
        pSid = win_token_sid(hTok);
        if( pSid && EqualSid(pSid, pSystem) && !IsTokenRestricted(hTok)
         && DuplicateTokenEx(hTok, TOKEN_ALL_ACCESS, NULL, SecurityImpersonation,
                             TokenImpersonation, &hDup) ){
          if( win_enable_privilege(hDup, L"SeTcbPrivilege")==0 ){
            char *zExe = win_utf8(pe.szExeFile);
            h->hSystem = hDup;
            hDup = NULL;
            snprintf(h->zSystemFrom, sizeof(h->zSystemFrom), "%s pid %lu",
                     zExe ? zExe : "?", (unsigned long)pe.th32ProcessID);
            free(zExe);
          }
        }
        free(pSid);
        if( hDup ) CloseHandle(hDup);
        CloseHandle(hTok);
      }
      CloseHandle(hProc);
    }while( h->hSystem==NULL && Process32NextW(hSnap, &pe) );
    CloseHandle(hSnap);
  }
  LocalFree(pSystem);
}

/* Upper-case ASCII copy. */
static char *win_upper_dup(const char *z){
  size_t i, n = strlen(z);
  char *zNew = malloc(n+1);
  if( zNew==NULL ) return NULL;
  for(i=0; i<=n; i++){
    zNew[i] = (z[i]>='a' && z[i]<='z') ? (char)(z[i]-32) : z[i];
  }
  return zNew;
}

/* Record every DOS device name and its current target (the baseline that
** `drives` leaves out, and that steps must not touch). */
static void win_record_baseline(WinHost *h){
  DWORD nBuf = 65536;
  WCHAR *aBuf = NULL;
  WCHAR *w;
  int nName = 0;
  for(;;){
    aBuf = malloc(sizeof(WCHAR)*nBuf);
    if( aBuf==NULL ) return;
    if( QueryDosDeviceW(NULL, aBuf, nBuf) ) break;
    free(aBuf);
    aBuf = NULL;
    if( GetLastError()!=ERROR_INSUFFICIENT_BUFFER || nBuf>=(1u<<22) ) return;
    nBuf *= 4;
  }
  for(w=aBuf; *w; w+=wcslen(w)+1) nName++;
  h->azBaseName = calloc((size_t)nName+1, sizeof(char*));
  h->azBaseTarget = calloc((size_t)nName+1, sizeof(char*));
  if( h->azBaseName==NULL || h->azBaseTarget==NULL ) goto done;
  for(w=aBuf; *w; w+=wcslen(w)+1){
    WCHAR zT[1024];
    char *zName = win_utf8(w);
    char *zUp = zName ? win_upper_dup(zName) : NULL;
    free(zName);
    if( zUp==NULL ) continue;
    zT[0] = 0;
    if( !QueryDosDeviceW(w, zT, 1024) ) zT[0] = 0;
    h->azBaseName[h->nBase] = zUp;
    h->azBaseTarget[h->nBase] = win_utf8(zT);
    h->nBase++;
    if( strlen(zUp)==2 && zUp[1]==':' && zUp[0]>='A' && zUp[0]<='Z' ){
      h->mBaseLetters |= 1u<<(zUp[0]-'A');
    }
  }
done:
  free(aBuf);
}

/* Add the DOS device names visible in the current thread's context (the
** merged local+global view) to the baseline, if new. */
static void win_baseline_add_names(WinHost *h){
  DWORD nBuf = 65536;
  WCHAR *aBuf = NULL, *w;
  int nNew = 0;
  for(;;){
    aBuf = malloc(sizeof(WCHAR)*nBuf);
    if( aBuf==NULL ) return;
    if( QueryDosDeviceW(NULL, aBuf, nBuf) ) break;
    free(aBuf);
    aBuf = NULL;
    if( GetLastError()!=ERROR_INSUFFICIENT_BUFFER || nBuf>=(1u<<22) ) return;
    nBuf *= 4;
  }
  for(w=aBuf; *w; w+=wcslen(w)+1) nNew++;
  {
    char **azN = realloc(h->azBaseName, sizeof(char*)*(size_t)(h->nBase+nNew+1));
    char **azT;
    if( azN==NULL ){ free(aBuf); return; }
    h->azBaseName = azN;
    azT = realloc(h->azBaseTarget, sizeof(char*)*(size_t)(h->nBase+nNew+1));
    if( azT==NULL ){ free(aBuf); return; }
    h->azBaseTarget = azT;
  }
  for(w=aBuf; *w; w+=wcslen(w)+1){
    WCHAR zT[1024];
    char *zName = win_utf8(w);
    char *zUp = zName ? win_upper_dup(zName) : NULL;
    free(zName);
    if( zUp==NULL ) continue;
    if( win_is_baseline_name(h, zUp) ){ free(zUp); continue; }
    zT[0] = 0;
    if( !QueryDosDeviceW(w, zT, 1024) ) zT[0] = 0;
    h->azBaseName[h->nBase] = zUp;
    h->azBaseTarget[h->nBase] = win_utf8(zT);
    h->nBase++;
    if( strlen(zUp)==2 && zUp[1]==':' && zUp[0]>='A' && zUp[0]<='Z' ){
      h->mBaseLetters |= 1u<<(zUp[0]-'A');
    }
  }
  free(aBuf);
}

/* Letters with a connection or a remembered connection in the current
** thread's context (WNetOpenEnumW), added to mBaseNet. */
static void win_baseline_add_net(WinHost *h){
  static const DWORD aScope[2] = { RESOURCE_CONNECTED, RESOURCE_REMEMBERED };
  int k;
  win_v2_baseline_add(h);
  if( !h->bWnet ) return;
  for(k=0; k<2; k++){
    HANDLE hEnum = NULL;
    BYTE aBuf[16384];
    if( WNetOpenEnumW(aScope[k], RESOURCETYPE_DISK, 0, NULL, &hEnum)!=NO_ERROR ) continue;
    for(;;){
      DWORD nCount = (DWORD)-1, nBuf = sizeof(aBuf), i;
      NETRESOURCEW *a = (NETRESOURCEW*)aBuf;
      if( WNetEnumResourceW(hEnum, &nCount, aBuf, &nBuf)!=NO_ERROR ) break;
      for(i=0; i<nCount; i++){
        int iL;
        if( a[i].lpLocalName==NULL || a[i].lpLocalName[0]==0 || a[i].lpLocalName[1]!=L':' ) continue;
        iL = (a[i].lpLocalName[0] & ~0x20) - 'A';
        if( iL>=0 && iL<26 ) h->mBaseNet |= 1u<<iL;
      }
    }
    WNetCloseEnum(hEnum);
  }
}

/* The baseline as seen by another half of the agent's own user (the
** linked token of a `current` logon): its DOS devices, connections and
** vault join the protected set. Returns 0, or 1 if that half could not
** be impersonated (the caller then refuses changes as that half). */
static int win_baseline_half(WinHost *h, HANDLE hTok){
  DWORD n = 0, i;
  PCREDENTIALW *ap = NULL;
  if( !ImpersonateLoggedOnUser(hTok) ) return 1;
  win_baseline_add_names(h);
  win_baseline_add_net(h);
  if( CredEnumerateW(NULL, 0, &n, &ap) ){
    char **azNew = realloc(h->azBaseCred, sizeof(char*)*(size_t)(h->nBaseCred+n+1));
    if( azNew ){
      h->azBaseCred = azNew;
      for(i=0; i<n; i++){
        if( ap[i]->Type==CRED_TYPE_DOMAIN_PASSWORD ){
          h->azBaseCred[h->nBaseCred++] = win_utf8(ap[i]->TargetName);
        }
      }
    }
    CredFree(ap);
  }
  RevertToSelf();
  return 0;
}

int win_is_baseline_name(const WinHost *h, const char *zName){
  int i;
  char *zUp = win_upper_dup(zName);
  int b = 0;
  if( zUp==NULL ) return 0;
  for(i=0; i<h->nBase && !b; i++) b = strcmp(h->azBaseName[i], zUp)==0;
  free(zUp);
  return b;
}

/* The agent user's domain-password credentials at start. */
static void win_record_base_creds(WinHost *h){
  DWORD n = 0, i;
  PCREDENTIALW *ap = NULL;
  if( !CredEnumerateW(NULL, 0, &n, &ap) ) return;
  h->azBaseCred = calloc((size_t)n+1, sizeof(char*));
  if( h->azBaseCred ){
    for(i=0; i<n; i++){
      if( ap[i]->Type==CRED_TYPE_DOMAIN_PASSWORD ){
        h->azBaseCred[h->nBaseCred++] = win_utf8(ap[i]->TargetName);
      }
    }
  }
  CredFree(ap);
}

int win_host_init(WinHost *p){
  HMODULE hNt = GetModuleHandleW(L"ntdll.dll");
  const char *(*xWineVersion)(void);
  TOKEN_ELEVATION te;
  DWORD n = 0;
  DWORD i;
  memset(p, 0, sizeof(*p));
  xWineVersion = (const char*(*)(void))(void(*)(void))GetProcAddress(hNt, "wine_get_version");
  if( xWineVersion ){
    p->bWine = 1;
    snprintf(p->zWineVersion, sizeof(p->zWineVersion), "%s", xWineVersion());
    snprintf(p->zOs, sizeof(p->zOs), "Wine %s", p->zWineVersion);
  }else{
    typedef LONG (NTAPI *RtlGetVersionFn)(OSVERSIONINFOW*);
    RtlGetVersionFn xVer = (RtlGetVersionFn)(void(*)(void))GetProcAddress(hNt, "RtlGetVersion");
    OSVERSIONINFOW vi;
    memset(&vi, 0, sizeof(vi));
    vi.dwOSVersionInfoSize = sizeof(vi);
    if( xVer && xVer(&vi)==0 ){
      snprintf(p->zOs, sizeof(p->zOs), "Windows %lu.%lu.%lu",
               vi.dwMajorVersion, vi.dwMinorVersion, vi.dwBuildNumber);
    }else{
      snprintf(p->zOs, sizeof(p->zOs), "Windows");
    }
  }
  OpenProcessToken(GetCurrentProcess(), TOKEN_ALL_ACCESS, &p->hProcess);
  if( p->hProcess ){
    if( GetTokenInformation(p->hProcess, TokenElevation, &te, sizeof(te), &n) ){
      p->bElevated = te.TokenIsElevated!=0;
    }
    p->eProcElev = win_token_elevation(p->hProcess);
    p->pProcSid = win_token_sid(p->hProcess);
    win_enable_privilege(p->hProcess, L"SeDebugPrivilege");
    win_enable_privilege(p->hProcess, L"SeImpersonatePrivilege");
    win_enable_privilege(p->hProcess, L"SeIncreaseQuotaPrivilege");
    /* LoadUserProfileW needs both */
    win_enable_privilege(p->hProcess, L"SeBackupPrivilege");
    win_enable_privilege(p->hProcess, L"SeRestorePrivilege");
  }
  if( !p->bWine ){
    /* HKCU then follows the impersonated user (REAL-HOSTS skeleton 4). On
    ** Wine this unimplemented call ends the process, so it is skipped. */
    typedef LONG (WINAPI *DisableCacheFn)(void);
    HMODULE hAdv = GetModuleHandleW(L"advapi32.dll");
    DisableCacheFn xDisable = hAdv ? (DisableCacheFn)(void(*)(void))GetProcAddress(hAdv,
                                       "RegDisablePredefinedCacheEx") : NULL;
    if( xDisable ) xDisable();
    win_find_system_token(p);
  }
  p->bGlobalDir = win_nt_object_exists(L"\\GLOBAL??", 0)==1;
  {
    HANDLE hEnum = NULL;
    DWORD rc = WNetOpenEnumW(RESOURCE_CONNECTED, RESOURCETYPE_DISK, 0, NULL, &hEnum);
    p->bWnet = rc==NO_ERROR;
    if( rc==NO_ERROR ) WNetCloseEnum(hEnum);
  }
  for(i=0; i<26; i++){
    WCHAR zRoot[4] = { (WCHAR)('A'+i), L':', L'\\', 0 };
    if( GetDriveTypeW(zRoot)==DRIVE_FIXED ) p->mHostDisks |= 1u<<i;
  }
  win_record_baseline(p);
  win_record_base_creds(p);
  win_baseline_add_net(p);
  p->bSplit = p->eProcElev==TokenElevationTypeFull || p->eProcElev==TokenElevationTypeLimited;
  if( p->bWine ) snprintf(p->zSystemFrom, sizeof(p->zSystemFrom), "none: Wine has no SYSTEM token");
  return 0;
}

void win_host_free(WinHost *p){
  int i;
  for(i=0; i<p->nLogon; i++) win_logon_release(&p->aLogon[i]);
  win_worker_stop(&p->sysWork);
  p->nLogon = 0;
  for(i=0; i<p->nBase; i++){ free(p->azBaseName[i]); free(p->azBaseTarget[i]); }
  free(p->azBaseName); free(p->azBaseTarget);
  for(i=0; i<p->nBaseCred; i++) free(p->azBaseCred[i]);
  free(p->azBaseCred);
  win_v2_free(p);
  if( p->hSystem ) CloseHandle(p->hSystem);
  if( p->hProcess ) CloseHandle(p->hProcess);
  free(p->pProcSid);
  memset(p, 0, sizeof(*p));
}

/* ---------------------------------------------------------------- 3 ---- */

/* Append the capability words of this host. */
static void win_caps(const WinHost *h, AgentBuf *b){
  agent_buf_append(b, "logon-current as-half token dosdev vault registry persisted dir-local", (size_t)-1);
  if( h->hSystem ) agent_buf_append(b, " logon-user as-system", (size_t)-1);
  if( h->bGlobalDir ) agent_buf_append(b, " luid-maps", (size_t)-1);
  else agent_buf_append(b, " one-namespace", (size_t)-1);
  if( h->bWnet ) agent_buf_append(b, " wnet", (size_t)-1);
  if( h->bWnet && h->bExistingShares ) agent_buf_append(b, " shares", (size_t)-1);
  agent_buf_append(b, h->bSplit ? " split-token" : " no-split-token", (size_t)-1);
  /* what the engine reads (runner/backends/backend.h): what this host
  ** cannot tell apart or apply, so that agreements that cannot fail here
  ** are not counted (a missing SYSTEM token or shares is the absence of
  ** as-system / logon-user / shares above) */
  if( h->bWine ){
    /* Wine ignores the impersonation token for \??, for RegOpenCurrentUser,
    ** for the vault and for mpr, and applies nothing at boot */
    agent_buf_append(b, " no-half-dosdevices no-half-registry no-half-vault"
                        " no-half-connections no-boot-apply", (size_t)-1);
  }else if( !h->bGlobalDir ){
    agent_buf_append(b, " no-half-dosdevices", (size_t)-1);
  }
}

static void win_facts(void *pHost, AgentCore *c, AgentOut *pOut){
  WinHost *h = pHost;
  AgentBuf caps = {0};
  int i;
  agent_out_line(pOut, "agent %s", MAPSCOPE_VERSION);
  agent_out_line(pOut, "os %s", h->zOs);
  agent_out_line(pOut, "wine %s", h->bWine ? h->zWineVersion : "-");
  agent_out_line(pOut, "elevated %s", h->bElevated ? "yes" : "no");
  agent_out_line(pOut, "system-token %s", h->hSystem ? "yes" : "no");
  agent_out_line(pOut, "system-token-from %s", h->zSystemFrom[0] ? h->zSystemFrom : "-");
  agent_out_line(pOut, "token-elevation %s", h->eProcElev==TokenElevationTypeFull ? "full"
                 : h->eProcElev==TokenElevationTypeLimited ? "limited" : "default");
  agent_out_line(pOut, "uac %s", h->bWine ? "- (Wine reads no policy)"
                 : win_read_dword(WIN_POLICY_SYSTEM, L"EnableLUA", 1) ? "on" : "off");
  /* once, up front: every uac=on scenario needs a split token */
  agent_out_line(pOut, "split-token %s", h->bSplit ? "yes"
                 : "no (the agent's token has no linked token: UAC is off or the session "
                   "is not split; every uac=on scenario is unsupported here)");
  agent_out_line(pOut, "recovered %d", c->nRecovered);
  if( c->nRecoverFailed ) agent_out_line(pOut, "recover-failed %d", c->nRecoverFailed);
  win_caps(h, &caps);
  agent_out_line(pOut, "caps %s", caps.z ? caps.z : "");
  agent_buf_free(&caps);
  agent_buf_append(&caps, "", 0);
  for(i=0; i<26; i++){
    if( h->mBaseLetters & (1u<<i) ) agent_buf_printf(&caps, " %c:", 'A'+i);
  }
  agent_out_line(pOut, "baseline-drives%s", caps.z ? caps.z : "");
  agent_buf_free(&caps);
}

/* Read a DWORD policy from HKLM; dflt if absent. */
static DWORD win_read_dword(const WCHAR *zPath, const WCHAR *zValue, DWORD dflt){
  DWORD v = 0, n = sizeof(v), type = 0;
  if( RegGetValueW(HKEY_LOCAL_MACHINE, zPath, zValue, RRF_RT_REG_DWORD, &type,
                   &v, &n)!=ERROR_SUCCESS ) return dflt;
  return v;
}


static AgentOutcome win_start(void *pHost, AgentCore *c, AgentOut *pOut){
  WinHost *h = pHost;
  const ScnMachine *m = &c->pWorld->machine;
  int i;
  if( !h->bElevated ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
                         "the agent runs without an elevated administrator token");
  }
  if( (m->mDisks & h->mHostDisks)!=m->mDisks ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
                         "the world's fixed disks are not all fixed disks of this host");
  }
  for(i=0; i<26; i++){
    /* a world disk must be a baseline link, anything else is the host's */
    if( (m->mDisks & (1u<<i)) && !(h->mBaseLetters & (1u<<i)) ){
      return agent_out_why(pOut, AGENT_UNSUPPORTED, "fixed disk %c: has no DOS device", 'A'+i);
    }
  }
  if( c->bResumed ){
    /* after a reboot, letters that boot-time values made are not baseline */
    int k;
    for(k=0; k<c->journal.n; k++){
      AgentUndo *e = &c->journal.a[k];
      size_t nKey = strlen(e->zKey);
      int j;
      if( e->eKind==AGENT_UNDO_DOSDEV && !e->bDone && h->bWine ){
        /* The Wine backend reboots without restarting the wineserver (a
        ** cold server costs most of a reboot): the reboot's loss of every
        ** DOS device is applied here instead. Under Wine every name lives
        ** in the one \?? and every define the agent made is journalled, so
        ** removing each journalled name (all its definitions) leaves what
        ** a restarted server would have; those names are not baseline. */
        WCHAR *w = win_wide(e->zName);
        char *zUp = win_upper_dup(e->zName);
        int i;
        if( w ){
          for(i=0; i<64 && DefineDosDeviceW(DDD_REMOVE_DEFINITION, w, NULL); i++){}
        }
        for(j=0; zUp && j<h->nBase; j++){
          if( strcmp(h->azBaseName[j], zUp)==0 ){
            h->azBaseName[j][0] = '?';
            if( strlen(zUp)==2 && zUp[1]==':' && zUp[0]>='A' && zUp[0]<='Z' ){
              h->mBaseLetters &= ~(1u<<(zUp[0]-'A'));
            }
          }
        }
        free(w); free(zUp);
        e->bDone = 1;
        continue;
      }
      if( e->eKind!=AGENT_UNDO_REGVALUE || nKey<12
       || _stricmp(e->zKey+nKey-12, "\\DOS Devices")!=0 ) continue;
      for(j=0; j<h->nBase; j++){
        if( _stricmp(h->azBaseName[j], e->zName)==0 ){
          h->azBaseName[j][0] = '?';     /* no longer matches any name */
          if( strlen(e->zName)==2 && e->zName[1]==':' ){
            h->mBaseLetters &= ~(1u<<((e->zName[0] & ~0x20) - 'A'));
          }
        }
      }
    }
  }
  if( h->bWine ){
    /* Wine reads no policy; its process token is always split (full, with
    ** a limited linked token), which is what uac=on gives an admin. */
    if( !m->abPolicy[SCN_POL_UAC] ){
      return agent_out_why(pOut, AGENT_UNSUPPORTED,
                           "the world has uac=off; Wine's tokens are always split as with uac=on");
    }
    return AGENT_DONE;
  }
  {
    int aHost[SCN_POL_COUNT];
    HANDLE hProc = GetCurrentProcess();
    ULONG bLuidMaps = 0;
    typedef LONG (NTAPI *QipFn)(HANDLE, ULONG, PVOID, ULONG, PULONG);
    QipFn xQip = (QipFn)(void(*)(void))GetProcAddress(GetModuleHandleW(L"ntdll.dll"),
                                                       "NtQueryInformationProcess");
    aHost[SCN_POL_UAC] = win_read_dword(WIN_POLICY_SYSTEM, L"EnableLUA", 1)!=0;
    aHost[SCN_POL_FILTER_ADMIN_TOKEN] = win_read_dword(WIN_POLICY_SYSTEM, L"FilterAdministratorToken", 0)!=0;
    aHost[SCN_POL_LOCAL_ACCOUNT_TOKEN_FILTER] = win_read_dword(WIN_POLICY_SYSTEM, L"LocalAccountTokenFilterPolicy", 0)!=0;
    aHost[SCN_POL_LINKED_CONNECTIONS] = win_read_dword(WIN_POLICY_SYSTEM, L"EnableLinkedConnections", 0)!=0;
    aHost[SCN_POL_RESTORE_CONNECTIONS] = win_read_dword(WIN_NETPROVIDER, L"RestoreConnection", 1)!=0;
    aHost[SCN_POL_PROTECTION_MODE] = win_read_dword(WIN_SESSION_MGR, L"ProtectionMode", 1)!=0;
    /* ConsentPromptBehaviorAdmin 1 and 3 prompt for credentials; the
    ** default 5 and the others ask for consent (or elevate silently). */
    {
      DWORD dwCpb = win_read_dword(WIN_POLICY_SYSTEM, L"ConsentPromptBehaviorAdmin", 5);
      aHost[SCN_POL_CONSENT_CREDENTIALS] = dwCpb==1 || dwCpb==3;
    }
    /* ProcessLUIDDeviceMapsEnabled (28): what is in effect, not the value */
    if( xQip && xQip(hProc, 28, &bLuidMaps, sizeof(bLuidMaps), NULL)>=0 ){
      aHost[SCN_POL_LUID_MAPS] = bLuidMaps!=0;
    }else{
      aHost[SCN_POL_LUID_MAPS] = win_read_dword(WIN_SESSION_MGR, L"LUIDDeviceMapsDisabled", 0)==0;
    }
    for(i=0; i<SCN_POL_COUNT; i++){
      if( aHost[i]!=(m->abPolicy[i]!=0) ){
        return agent_out_why(pOut, AGENT_UNSUPPORTED,
                             "host policy %s=%s differs from the world's machine line",
                             scn_policy_name((ScnPolicy)i), aHost[i] ? "on" : "off");
      }
    }
    if( aHost[SCN_POL_UAC] && h->eProcElev!=TokenElevationTypeFull ){
      return agent_out_why(pOut, AGENT_UNSUPPORTED, h->bSplit
          ? "uac is on but the agent's token is the limited half of a split logon"
          : "uac is on but this host gives the agent no split token (UAC off, or a "
            "session that is not split, as some CI images and ssh sessions are)");
    }
  }
  return AGENT_DONE;
}

/* ---------------------------------------------------------------- 4 ---- */

static const ScnUser *win_world_user(const AgentCore *c, const char *zName){
  int i;
  for(i=0; i<c->pWorld->nUser; i++){
    if( _stricmp(c->pWorld->aUser[i].zName, zName)==0 ) return &c->pWorld->aUser[i];
  }
  return NULL;
}

static WinLogon *win_logon_slot(WinHost *h, const char *zName){
  int i;
  for(i=0; i<h->nLogon; i++){
    if( strcmp(h->aLogon[i].zName, zName)==0 && !h->aLogon[i].bLive ){
      memset(&h->aLogon[i], 0, sizeof(WinLogon));
      snprintf(h->aLogon[i].zName, sizeof(h->aLogon[i].zName), "%s", zName);
      return &h->aLogon[i];
    }
  }
  if( h->nLogon>=WIN_MAX_LOGONS ) return NULL;
  memset(&h->aLogon[h->nLogon], 0, sizeof(WinLogon));
  snprintf(h->aLogon[h->nLogon].zName, AGENT_LUID_NAME, "%s", zName);
  return &h->aLogon[h->nLogon++];
}

/* Bind the LUIDs of both halves in the placeholder table. */
static void win_bind_halves(AgentCore *c, const WinLogon *L){
  char zHalf[AGENT_LUID_NAME+16];
  agent_luid_bind(&c->luid, L->luidBare, L->zName);
  if( L->hOther ){
    snprintf(zHalf, sizeof(zHalf), "%s.%s", L->zName,
             L->eOtherElev==TokenElevationTypeLimited ? "limited" : "elevated");
    agent_luid_bind(&c->luid, L->luidOther, zHalf);
  }
}

/* `logon S user current`: bind S to the agent's own session. */
static AgentOutcome win_logon_current(WinHost *h, AgentCore *c,
                                      const ScnStep *s, AgentOut *pOut){
  const ScnUser *pUser = win_world_user(c, s->zUser);
  WinLogon *L;
  TOKEN_LINKED_TOKEN lt;
  DWORD n = 0;
  if( pUser==NULL ){
    return agent_out_why(pOut, AGENT_FAILED, "no world user %s", s->zUser);
  }
  if( pUser->eKind==SCN_ACCOUNT_STANDARD ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
                         "the agent's own session is an administrator's, and %s is a standard user",
                         pUser->zName);
  }
  if( pUser->eKind==SCN_ACCOUNT_BUILTIN_ADMIN && !h->bWine ){
    PSID pSid = h->pProcSid;
    PSID_IDENTIFIER_AUTHORITY pAuth = pSid ? GetSidIdentifierAuthority(pSid) : NULL;
    DWORD nSub = pSid ? *GetSidSubAuthorityCount(pSid) : 0;
    if( pAuth==NULL || nSub==0 || *GetSidSubAuthority(pSid, nSub-1)!=500 ){
      return agent_out_why(pOut, AGENT_UNSUPPORTED,
                           "the agent does not run as the built-in Administrator");
    }
  }else if( pUser->eKind==SCN_ACCOUNT_BUILTIN_ADMIN ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
                         "Wine has no built-in Administrator account (RID 500)");
  }
  if( pUser->bDomain ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED, "the agent's own account is not a domain account");
  }
  L = win_logon_slot(h, s->zSession);
  if( L==NULL ) return agent_out_why(pOut, AGENT_FAILED, "too many logons");
  snprintf(L->zUser, sizeof(L->zUser), "%s", pUser->zName);
  L->eType = SCN_LOGON_CURRENT;
  L->bCurrent = 1;
  if( !DuplicateTokenEx(h->hProcess, TOKEN_ALL_ACCESS, NULL, SecurityImpersonation,
                        TokenImpersonation, &L->hBare) ){
    return agent_out_why(pOut, AGENT_FAILED, "DuplicateTokenEx failed: %lu", GetLastError());
  }
  L->eBareElev = win_token_elevation(L->hBare);
  L->luidBare = win_token_luid(L->hBare);
  memset(&lt, 0, sizeof(lt));
  /* Under SYSTEM with SeTcb the linked token is a primary token (usable);
  ** otherwise an identification token (Windows refuses to impersonate it). */
  if( h->hSystem ) SetThreadToken(NULL, h->hSystem);
  if( GetTokenInformation(h->hProcess, TokenLinkedToken, &lt, sizeof(lt), &n)
   && lt.LinkedToken!=NULL ){
    L->hOther = lt.LinkedToken;
    L->eOtherElev = win_token_elevation(L->hOther);
    L->luidOther = win_token_luid(L->hOther);
  }
  if( h->hSystem ) RevertToSelf();
  /* the other half is the host's own user too: what it had is protected */
  if( L->hOther && win_baseline_half(h, L->hOther) ){
    CloseHandle(L->hBare);
    CloseHandle(L->hOther);
    L->hBare = L->hOther = NULL;
    return agent_out_why(pOut, AGENT_UNSUPPORTED, "the baseline of the other half of the "
                         "agent's own logon cannot be read (it cannot be impersonated)");
  }
  if( L->eBareElev==TokenElevationTypeLimited ){
    CloseHandle(L->hBare);
    L->hBare = NULL;
    if( L->hOther ) CloseHandle(L->hOther);
    L->hOther = NULL;
    return agent_out_why(pOut, AGENT_UNSUPPORTED, "the agent runs with a limited token");
  }
  L->bLive = 1;
  win_bind_halves(c, L);
  agent_core_session_made(c, s->zSession, (int)(L - h->aLogon));
  agent_out_line(pOut, "ok");
  return AGENT_DONE;
}

/*
** The host password of a world password. Server editions enforce the
** password complexity policy at NetUserAdd (a world password such as
** `B-pw` fails it: NERR_PasswordTooShort 2245), so every world password P
** is mapped, the same way wherever it is used (account creation and
** LogonUserW), to P followed by `#Mq7` repeated until it has at least 14
** characters: that adds an upper-case letter, a lower-case letter, a digit
** and a symbol and meets the 14-character minimum a hardened policy may
** set. A wrong password maps to a different wrong password, so 1326
** stays 1326. Malloc'd UTF-16, NULL when out of memory.
*/
static WCHAR *win_host_password(const char *zWorld){
  static const char zTail[] = "#Mq7";
  size_t n = strlen(zWorld), k = 0;
  char *z = malloc(n + 2*sizeof(zTail) + 16);
  WCHAR *w;
  if( z==NULL ) return NULL;
  memcpy(z, zWorld, n);
  do{
    memcpy(z+n, zTail, 4);
    n += 4;
    k++;
  }while( n<14 && k<4 );
  z[n] = 0;
  w = win_wide(z);
  SecureZeroMemory(z, n);
  free(z);
  return w;
}

#define WIN_ACCOUNT_MARK L"mapscope-agent test account"

/* Create world account pUser on a real host (journalled). */
static int win_ensure_account(WinHost *h, AgentCore *c, const ScnUser *pUser,
                              AgentOut *pOut, AgentOutcome *pe){
  USER_INFO_1 ui;
  WCHAR *wName = win_wide(pUser->zName);
  WCHAR *wPw = win_host_password(pUser->zPassword);
  DWORD dwErr = 0;
  NET_API_STATUS st;
  BYTE *pExisting = NULL;
  int rc = 1;
  (void)h;
  if( wName==NULL || wPw==NULL ){ *pe = agent_out_why(pOut, AGENT_FAILED, "out of memory"); goto done; }
  if( NetUserGetInfo(NULL, wName, 0, &pExisting)==NERR_Success ){
    NetApiBufferFree(pExisting);
    if( agent_journal_has(&c->journal, AGENT_UNDO_USER, pUser->zName, "") ){ rc = 0; goto done; }
    *pe = agent_out_why(pOut, AGENT_UNSUPPORTED,
                        "account %s already exists on the host and was not made by the agent",
                        pUser->zName);
    goto done;
  }
  if( agent_core_record(c, AGENT_UNDO_USER, pUser->zName, "", NULL) ){
    *pe = agent_out_why(pOut, AGENT_FAILED, "%s", c->zSaveWhy); goto done;
  }
  memset(&ui, 0, sizeof(ui));
  ui.usri1_name = wName;
  ui.usri1_password = wPw;
  ui.usri1_priv = USER_PRIV_USER;
  ui.usri1_flags = UF_SCRIPT|UF_DONT_EXPIRE_PASSWD;
  ui.usri1_comment = (LPWSTR)WIN_ACCOUNT_MARK;   /* what recovery checks */
  st = NetUserAdd(NULL, 1, (BYTE*)&ui, &dwErr);
  if( st!=NERR_Success ){
    *pe = agent_out_why(pOut, AGENT_FAILED, "NetUserAdd(%s) failed: %lu", pUser->zName, st);
    goto done;
  }
  {
    /* the journal records the account by SID from now on */
    BYTE aSid[SECURITY_MAX_SID_SIZE];
    DWORD nSid = sizeof(aSid), nDom = 256;
    WCHAR zDom[256];
    SID_NAME_USE use;
    LPWSTR zSidW = NULL;
    char *zSid = NULL;
    int k;
    if( LookupAccountNameW(NULL, wName, aSid, &nSid, zDom, &nDom, &use)
     && ConvertSidToStringSidW(aSid, &zSidW) ){
      zSid = win_utf8(zSidW);
      LocalFree(zSidW);
    }
    for(k=c->journal.n-1; zSid && k>=0; k--){
      AgentUndo *e = &c->journal.a[k];
      if( e->eKind==AGENT_UNDO_USER && _stricmp(e->zKey, pUser->zName)==0 && e->zName[0]==0 ){
        free(e->zName);
        e->zName = zSid;
        zSid = NULL;
        c->nJournalSaved = -1;         /* the core saves it after the step */
        break;
      }
    }
    free(zSid);
  }
  if( pUser->eKind==SCN_ACCOUNT_ADMIN ){
    PSID pAdmins = NULL;
    WCHAR zGroup[256], zDom[256];
    DWORD nG = 256, nD = 256;
    SID_NAME_USE use;
    LOCALGROUP_MEMBERS_INFO_3 mi;
    ConvertStringSidToSidW(L"S-1-5-32-544", &pAdmins);
    if( pAdmins==NULL || !LookupAccountSidW(NULL, pAdmins, zGroup, &nG, zDom, &nD, &use) ){
      LocalFree(pAdmins);
      *pe = agent_out_why(pOut, AGENT_FAILED, "cannot name the Administrators group");
      goto done;
    }
    LocalFree(pAdmins);
    mi.lgrmi3_domainandname = wName;
    st = NetLocalGroupAddMembers(NULL, zGroup, 3, (BYTE*)&mi, 1);
    if( st!=NERR_Success ){
      *pe = agent_out_why(pOut, AGENT_FAILED, "NetLocalGroupAddMembers failed: %lu", st);
      goto done;
    }
  }
  rc = 0;
done:
  if( wPw ){ SecureZeroMemory(wPw, wcslen(wPw)*sizeof(WCHAR)); }
  free(wName); free(wPw);
  return rc;
}

/* Grant a logon right (journalled) so LogonUserW of that type can work. */
static int win_grant_right(AgentCore *c, const char *zUser, const WCHAR *zRight,
                           const char *zRightA){
  LSA_OBJECT_ATTRIBUTES oa;
  LSA_HANDLE hPol = NULL;
  LSA_UNICODE_STRING us;
  BYTE aSid[SECURITY_MAX_SID_SIZE];
  DWORD nSid = sizeof(aSid);
  WCHAR zDom[256];
  DWORD nDom = 256;
  SID_NAME_USE use;
  WCHAR *wUser = win_wide(zUser);
  int rc = 1;
  memset(&oa, 0, sizeof(oa));
  if( wUser==NULL || !LookupAccountNameW(NULL, wUser, aSid, &nSid, zDom, &nDom, &use) ) goto done;
  if( LsaOpenPolicy(NULL, &oa, POLICY_ALL_ACCESS, &hPol)!=0 ) goto done;
  if( agent_core_record(c, AGENT_UNDO_RIGHT, zUser, zRightA, NULL) ) goto done;
  us.Buffer = (PWSTR)zRight;
  us.Length = (USHORT)(wcslen(zRight)*sizeof(WCHAR));
  us.MaximumLength = us.Length;
  rc = LsaAddAccountRights(hPol, aSid, &us, 1)!=0;
done:
  if( hPol ) LsaClose(hPol);
  free(wUser);
  return rc;
}

/* `logon S user TYPE` with LogonUserW under SYSTEM (real Windows only). */
static AgentOutcome win_logon_user(WinHost *h, AgentCore *c, const ScnStep *s,
                                   AgentOut *pOut){
  const ScnUser *pUser = win_world_user(c, s->zUser);
  DWORD dwType;
  const char *zPw;
  WCHAR *wUser = NULL, *wPw = NULL;
  HANDLE hTok = NULL;
  TOKEN_LINKED_TOKEN lt;
  DWORD n = 0;
  WinLogon *L;
  AgentOutcome e = AGENT_DONE;
  PROFILEINFOW pi;
  switch( s->eLogonType ){
    case SCN_LOGON_RDP:
      return agent_out_why(pOut, AGENT_UNSUPPORTED,
          "an rdp logon needs a Remote Desktop session and winlogon's restore; one process cannot make it");
    case SCN_LOGON_WINRM:
      return agent_out_why(pOut, AGENT_UNSUPPORTED,
          "a winrm logon runs in wsmprovhost under WinRM's own checks; a NETWORK logon would only approximate it");
    case SCN_LOGON_CREDSSP:
      return agent_out_why(pOut, AGENT_UNSUPPORTED,
          "a credssp logon needs WSMan with CredSSP delegation; NETWORK_CLEARTEXT would only approximate it");
    default: break;
  }
  if( h->bWine ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
        "LogonUserW is a stub on Wine (a fake handle for any user and password)");
  }
  if( h->hSystem==NULL ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
        "no SYSTEM token with SeTcbPrivilege: linked tokens would be identification-level");
  }
  if( !c->bAllowChanges ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
        "making a logon needs world accounts on the host: run with --allow-host-changes");
  }
  if( pUser==NULL ) return agent_out_why(pOut, AGENT_FAILED, "no world user %s", s->zUser);
  if( pUser->bDomain ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED, "domain accounts need a domain controller");
  }
  if( pUser->eKind==SCN_ACCOUNT_BUILTIN_ADMIN ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
        "the agent does not change the host's built-in Administrator");
  }
  if( win_ensure_account(h, c, pUser, pOut, &e) ) return e;
  switch( s->eLogonType ){
    case SCN_LOGON_BATCH:
      dwType = LOGON32_LOGON_BATCH;
      if( win_grant_right(c, pUser->zName, L"SeBatchLogonRight", "SeBatchLogonRight") ){
        return agent_out_why(pOut, AGENT_FAILED, "cannot grant SeBatchLogonRight");
      }
      break;
    case SCN_LOGON_SERVICE:
      dwType = LOGON32_LOGON_SERVICE;
      if( win_grant_right(c, pUser->zName, L"SeServiceLogonRight", "SeServiceLogonRight") ){
        return agent_out_why(pOut, AGENT_FAILED, "cannot grant SeServiceLogonRight");
      }
      break;
    case SCN_LOGON_NETWORK: dwType = LOGON32_LOGON_NETWORK; break;
    case SCN_LOGON_SSH: dwType = LOGON32_LOGON_NETWORK_CLEARTEXT; break; /* L11 */
    default: dwType = LOGON32_LOGON_INTERACTIVE; break;
  }
  zPw = s->zLogonPassword ? s->zLogonPassword : pUser->zPassword;
  wUser = win_wide(pUser->zName);
  wPw = win_host_password(zPw);
  if( wUser==NULL || wPw==NULL ){ e = agent_out_why(pOut, AGENT_FAILED, "out of memory"); goto done; }
  SetThreadToken(NULL, h->hSystem);
  if( !LogonUserW(wUser, L".", wPw, dwType, LOGON32_PROVIDER_DEFAULT, &hTok) ){
    DWORD dwErr = GetLastError();
    RevertToSelf();
    agent_out_error(pOut, (int)dwErr);
    goto done;
  }
  L = win_logon_slot(h, s->zSession);
  if( L==NULL ){ RevertToSelf(); CloseHandle(hTok); e = agent_out_why(pOut, AGENT_FAILED, "too many logons"); goto done; }
  snprintf(L->zUser, sizeof(L->zUser), "%s", pUser->zName);
  L->eType = s->eLogonType;
  memset(&lt, 0, sizeof(lt));
  if( GetTokenInformation(hTok, TokenLinkedToken, &lt, sizeof(lt), &n) ){
    L->hOther = lt.LinkedToken;
  }
  RevertToSelf();
  L->hBare = hTok;
  L->eBareElev = win_token_elevation(hTok);
  if( L->hOther ) L->eOtherElev = win_token_elevation(L->hOther);
  /* L5: become and batch-highest hand the process the full half */
  if( L->hOther && L->eBareElev==TokenElevationTypeLimited
   && (s->eLogonType==SCN_LOGON_BECOME || (s->eLogonType==SCN_LOGON_BATCH && s->bHighest)) ){
    HANDLE hT = L->hBare; int eT = L->eBareElev;
    L->hBare = L->hOther; L->eBareElev = L->eOtherElev;
    L->hOther = hT; L->eOtherElev = eT;
  }
  L->luidBare = win_token_luid(L->hBare);
  L->luidOther = L->hOther ? win_token_luid(L->hOther) : 0;
  memset(&pi, 0, sizeof(pi));
  pi.dwSize = sizeof(pi);
  pi.lpUserName = wUser;
  pi.dwFlags = PI_NOUI;
  /* every logon gets its profile loaded (a network logon too): without
  ** it HKCU would resolve to HKU\.DEFAULT and `persisted` would read
  ** another hive; if it cannot be loaded, HKCU steps and the vault are
  ** refused for this logon (bNoProfile) */
  if( LoadUserProfileW(L->hBare, &pi) ) L->hProfile = pi.hProfile;
  else L->bNoProfile = 1;
  /* RestoreConnection as the registry holds it now (set machine may have
  ** changed it since the start; it takes effect at the next logon, W2) */
  if( s->eLogonType==SCN_LOGON_INTERACTIVE
   && win_read_dword(WIN_NETPROVIDER, L"RestoreConnection", 1)!=0 && L->hProfile ){
    HKEY hNet = NULL;
    DWORD nSub = 0;
    if( RegOpenKeyExW((HKEY)L->hProfile, L"Network", 0, KEY_READ, &hNet)==ERROR_SUCCESS ){
      RegQueryInfoKeyW(hNet, NULL, NULL, NULL, &nSub, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
      RegCloseKey(hNet);
    }
    if( nSub>0 ){
      UnloadUserProfile(L->hBare, L->hProfile);
      CloseHandle(L->hBare);
      if( L->hOther ) CloseHandle(L->hOther);
      memset(L, 0, sizeof(*L));
      e = agent_out_why(pOut, AGENT_UNSUPPORTED,
          "winlogon would restore remembered connections at this logon; one process cannot");
      goto done;
    }
  }
  L->bLive = 1;
  win_bind_halves(c, L);
  agent_core_session_made(c, s->zSession, (int)(L - h->aLogon));
  agent_out_line(pOut, "ok");
done:
  if( wPw ) SecureZeroMemory(wPw, wcslen(wPw)*sizeof(WCHAR));
  free(wUser); free(wPw);
  return e;
}

/* 1 if the host says the logon session with this LUID is gone. */
static int win_session_gone(uint64_t luid){
  LUID l;
  PSECURITY_LOGON_SESSION_DATA pData = NULL;
  NTSTATUS st;
  l.HighPart = (LONG)(luid>>32);
  l.LowPart = (DWORD)(luid & 0xffffffffu);
  st = LsaGetLogonSessionData(&l, &pData);
  if( pData ) LsaFreeReturnBuffer(pData);
  return (ULONG)st==0xC000005Fu; /* STATUS_NO_SUCH_LOGON_SESSION */
}

static AgentOutcome win_logoff(WinHost *h, AgentCore *c, const ScnStep *s,
                               AgentOut *pOut){
  AgentSession *pS = agent_core_session(c, s->zSession);
  WinLogon *L = (pS && pS->iHost>=0) ? &h->aLogon[pS->iHost] : NULL;
  int bGone;
  if( L==NULL || !L->bLive ) return agent_out_why(pOut, AGENT_FAILED, "no live logon %s", s->zSession);
  if( L->bCurrent ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
                         "logon %s is the agent's own session, which it cannot end", s->zSession);
  }
  win_logon_release(L);
  /* LSA ends a logon session asynchronously once its last token closes:
  ** ask again for up to 5 s before calling it not confirmed */
  {
    int i;
    bGone = 0;
    for(i=0; i<50 && !bGone; i++){
      bGone = win_session_gone(L->luidBare) && (L->luidOther==0 || win_session_gone(L->luidOther));
      if( !bGone ) Sleep(100);
    }
  }
  agent_core_session_ended(c, s->zSession, bGone);
  agent_out_line(pOut, "ok");
  return AGENT_DONE;
}

/* ---------------------------------------------------------------- 5 ---- */

/* Hex text of type+data, for the journal. */
static char *win_hex_value(DWORD dwType, const BYTE *p, DWORD n){
  char *z = malloc(16 + 2*(size_t)n);
  DWORD i;
  size_t k;
  if( z==NULL ) return NULL;
  k = (size_t)snprintf(z, 16, "%lu:", dwType);
  for(i=0; i<n; i++) k += (size_t)sprintf(z+k, "%02x", p[i]);
  z[k] = 0;
  return z;
}

int win_reg_set_journalled(WinHost *h, AgentCore *c, const char *zRoot,
                           const char *zPath, const char *zValue,
                           DWORD dwType, const BYTE *pData, DWORD nData,
                           int bJournal){
  HKEY hRoot = strcmp(zRoot, "HKLM")==0 ? HKEY_LOCAL_MACHINE : HKEY_CURRENT_USER;
  WCHAR *wPath = win_wide(zPath), *wValue = win_wide(zValue);
  HKEY hKey = NULL;
  LONG rc;
  char zKey[512];
  (void)h;
  if( wPath==NULL || wValue==NULL ){ rc = ERROR_NOT_ENOUGH_MEMORY; goto done; }
  rc = RegCreateKeyExW(hRoot, wPath, 0, NULL, 0, KEY_READ|KEY_WRITE, NULL, &hKey, NULL);
  if( rc ) goto done;
  snprintf(zKey, sizeof(zKey), "%s\\%s", zRoot, zPath);
  if( bJournal && !agent_journal_has(&c->journal, AGENT_UNDO_REGVALUE, zKey, zValue) ){
    /* the old value byte for byte with its type, of any size */
    DWORD nOld = 0, tOld = 0;
    BYTE *aOld = NULL;
    char *zOld = NULL;
    LONG r2 = RegQueryValueExW(hKey, wValue, NULL, &tOld, NULL, &nOld);
    if( r2==ERROR_SUCCESS ){
      aOld = malloc(nOld ? nOld : 1);
      if( aOld==NULL ){ rc = ERROR_NOT_ENOUGH_MEMORY; goto done; }
      r2 = RegQueryValueExW(hKey, wValue, NULL, &tOld, aOld, &nOld);
    }
    if( r2==ERROR_SUCCESS ){
      zOld = win_hex_value(tOld, aOld, nOld);
      free(aOld);
      if( zOld==NULL ){ rc = ERROR_NOT_ENOUGH_MEMORY; goto done; }
    }else if( r2!=ERROR_FILE_NOT_FOUND ){
      free(aOld);
      rc = r2; goto done;
    }
    if( agent_core_record(c, AGENT_UNDO_REGVALUE, zKey, zValue, zOld) ){
      free(zOld); rc = ERROR_NOT_ENOUGH_MEMORY; goto done;
    }
    free(zOld);
  }
  if( pData ){
    rc = RegSetValueExW(hKey, wValue, 0, dwType, pData, nData);
  }else{
    rc = RegDeleteValueW(hKey, wValue);
  }
done:
  if( hKey ) RegCloseKey(hKey);
  free(wPath); free(wValue);
  return (int)rc;
}

static AgentOutcome win_set_machine(WinHost *h, AgentCore *c, const ScnStep *s,
                                    AgentOut *pOut){
  int i;
  if( !c->bAllowChanges ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED, "changing policies needs --allow-host-changes");
  }
  for(i=0; i<s->nSetting; i++){
    const char *zPath = "SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System";
    const char *zValue;
    DWORD v = s->aSetting[i].bOn ? 1 : 0;
    int rc;
    switch( s->aSetting[i].ePolicy ){
      case SCN_POL_UAC: zValue = "EnableLUA"; break;
      case SCN_POL_FILTER_ADMIN_TOKEN: zValue = "FilterAdministratorToken"; break;
      case SCN_POL_LOCAL_ACCOUNT_TOKEN_FILTER: zValue = "LocalAccountTokenFilterPolicy"; break;
      case SCN_POL_LINKED_CONNECTIONS: zValue = "EnableLinkedConnections"; break;
      case SCN_POL_RESTORE_CONNECTIONS:
        zPath = "SYSTEM\\CurrentControlSet\\Control\\NetworkProvider";
        zValue = "RestoreConnection"; break;
      case SCN_POL_LUID_MAPS:
        zPath = "SYSTEM\\CurrentControlSet\\Control\\Session Manager";
        zValue = "LUIDDeviceMapsDisabled";
        v = !v; break;
      case SCN_POL_PROTECTION_MODE:    /* v2, W1 */
        zPath = "SYSTEM\\CurrentControlSet\\Control\\Session Manager";
        zValue = "ProtectionMode"; break;
      case SCN_POL_CONSENT_CREDENTIALS: /* v2, L14: 1 asks for credentials on
                                        ** the secure desktop, 5 (the default)
                                        ** for consent */
        zValue = "ConsentPromptBehaviorAdmin";
        v = s->aSetting[i].bOn ? 1 : 5; break;
      default:
        return agent_out_why(pOut, AGENT_FAILED, "unknown policy");
    }
    rc = win_reg_set_journalled(h, c, "HKLM", zPath, zValue, REG_DWORD,
                                (const BYTE*)&v, sizeof(v), 1);
    if( rc ){
      agent_out_error(pOut, rc);
      return AGENT_DONE;
    }
  }
  if( h->bWine ){
    agent_core_mark_unknown(c, AGENT_DEP_POLICY,
        "Wine reads no policy, so this change never takes effect");
  }
  agent_out_line(pOut, "ok");
  return AGENT_DONE;
}

static AgentOutcome win_bootdevice(WinHost *h, AgentCore *c, const ScnStep *s,
                                   AgentOut *pOut){
  char zName[3] = { s->cLetter, ':', 0 };
  const char *zPath = "SYSTEM\\CurrentControlSet\\Control\\Session Manager\\DOS Devices";
  int rc;
  if( !c->bAllowChanges ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
                         "writing Session Manager\\DOS Devices needs --allow-host-changes");
  }
  if( s->zTarget ){
    char *zRaw = NULL;
    WCHAR *w;
    if( agent_luid_from_placeholders(&c->luid, s->zTarget, &zRaw) ){
      return agent_out_why(pOut, AGENT_UNSUPPORTED,
                           "the target names a logon whose LUID this host does not report");
    }
    w = win_wide(zRaw);
    free(zRaw);
    if( w==NULL ) return agent_out_why(pOut, AGENT_FAILED, "out of memory");
    rc = win_reg_set_journalled(h, c, "HKLM", zPath, zName, REG_SZ, (const BYTE*)w,
                                (DWORD)((wcslen(w)+1)*sizeof(WCHAR)), 1);
    free(w);
  }else{
    HKEY hKey = NULL;
    DWORD t = 0;
    if( RegOpenKeyExA(HKEY_LOCAL_MACHINE, zPath, 0, KEY_READ, &hKey)==ERROR_SUCCESS ){
      rc = RegQueryValueExA(hKey, zName, NULL, &t, NULL, NULL);
      RegCloseKey(hKey);
    }else{
      rc = ERROR_FILE_NOT_FOUND;
    }
    if( rc==ERROR_SUCCESS ){
      rc = win_reg_set_journalled(h, c, "HKLM", zPath, zName, REG_SZ, NULL, 0, 1);
    }
  }
  if( rc ) agent_out_error(pOut, rc);
  else agent_out_line(pOut, "ok");
  return AGENT_DONE;
}

/* ---------------------------------------------------------------- 6 ---- */

typedef struct WinAsJob WinAsJob;
struct WinAsJob {
  WinHost *h;              /* the host */
  AgentCore *c;            /* the core */
  const ScnStep *s;        /* the step */
  const WinLogon *L;       /* the logon, NULL for SYSTEM */
  AgentOut *pOut;          /* where the output goes */
  AgentOutcome e;          /* the outcome */
};

/* The worker: impersonate once, verify once, then run jobs until told to
** quit. Each step's Win32 calls thus run on a thread that already carries
** the half's token; nothing is created per step. */
static DWORD WINAPI win_worker_main(LPVOID pArg){
  WinWorker *w = pArg;
  SECURITY_IMPERSONATION_LEVEL lvl = SecurityAnonymous;
  DWORD n = 0;
  w->eBad = AGENT_DONE;
  if( !ImpersonateLoggedOnUser(w->hTok) ){
    w->eBad = AGENT_FAILED;
    snprintf(w->zBad, sizeof(w->zBad), "ImpersonateLoggedOnUser failed: %lu", GetLastError());
  }else if( !OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &w->hThreadTok) ){
    /* verify that the thread now carries the intended half */
    w->eBad = AGENT_UNSUPPORTED;
    snprintf(w->zBad, sizeof(w->zBad), "impersonation could not be verified "
             "(OpenThreadToken: %lu)", GetLastError());
    w->hThreadTok = NULL;
  }else{
    GetTokenInformation(w->hThreadTok, TokenImpersonationLevel, &lvl, sizeof(lvl), &n);
    if( lvl<SecurityImpersonation && !w->bIdentOk ){
      w->eBad = AGENT_UNSUPPORTED;
      snprintf(w->zBad, sizeof(w->zBad), "the thread token is only identification-level (needs SeTcb)");
    }else if( win_token_elevation(w->hThreadTok)!=w->eElev ){
      w->eBad = AGENT_UNSUPPORTED;
      snprintf(w->zBad, sizeof(w->zBad), "the thread token is not the expected half "
               "(elevation %d, wanted %d)", win_token_elevation(w->hThreadTok), w->eElev);
    }else if( w->luid!=0 && win_token_luid(w->hThreadTok)!=w->luid ){
      w->eBad = AGENT_UNSUPPORTED;
      snprintf(w->zBad, sizeof(w->zBad), "the thread token has another LUID");
    }
  }
  SetEvent(w->hDone);                  /* ready */
  for(;;){
    WinAsJob *j;
    WaitForSingleObject(w->hGo, INFINITE);
    if( w->bQuit ) break;
    j = w->pJob;
    if( w->eBad!=AGENT_DONE ){
      j->e = agent_out_why(j->pOut, (AgentOutcome)w->eBad, "%s", w->zBad);
    }else{
      j->e = win_cmd_run(j->h, j->c, j->s, j->L, w->hThreadTok, j->pOut);
    }
    SetEvent(w->hDone);
  }
  if( w->hThreadTok ) CloseHandle(w->hThreadTok);
  w->hThreadTok = NULL;
  RevertToSelf();
  return 0;
}

/* Run job j on worker w (started on first use). 0, or 1 if the thread
** could not be made. */
static int win_worker_run(WinWorker *w, WinAsJob *j){
  if( w->hThread==NULL ){
    w->hGo = CreateEventW(NULL, FALSE, FALSE, NULL);
    w->hDone = CreateEventW(NULL, FALSE, FALSE, NULL);
    w->bQuit = 0;
    if( w->hGo && w->hDone ) w->hThread = CreateThread(NULL, 0, win_worker_main, w, 0, NULL);
    if( w->hThread==NULL ){
      if( w->hGo ) CloseHandle(w->hGo);
      if( w->hDone ) CloseHandle(w->hDone);
      w->hGo = w->hDone = NULL;
      return 1;
    }
    WaitForSingleObject(w->hDone, INFINITE);
  }
  w->pJob = j;
  SetEvent(w->hGo);
  WaitForSingleObject(w->hDone, INFINITE);
  w->pJob = NULL;
  return 0;
}

/* End worker w (if it runs): before its token is closed, so that no
** thread keeps the logon session alive. */
static void win_worker_stop(WinWorker *w){
  if( w->hThread ){
    w->bQuit = 1;
    SetEvent(w->hGo);
    WaitForSingleObject(w->hThread, INFINITE);
    CloseHandle(w->hThread);
  }
  if( w->hGo ) CloseHandle(w->hGo);
  if( w->hDone ) CloseHandle(w->hDone);
  memset(w, 0, sizeof(*w));
}

/* Release logon L: workers first, then the profile (while a token is
** still open), then the tokens. */
static void win_logon_release(WinLogon *L){
  win_worker_stop(&L->aWork[0]);
  win_worker_stop(&L->aWork[1]);
  if( L->hProfile ) UnloadUserProfile(L->hBare, L->hProfile);
  if( L->hBare ) CloseHandle(L->hBare);
  if( L->hOther ) CloseHandle(L->hOther);
  L->hBare = L->hOther = L->hProfile = NULL;
  L->bLive = 0;
}

static AgentOutcome win_as(WinHost *h, AgentCore *c, const ScnStep *s, AgentOut *pOut){
  WinAsJob j;
  WinWorker *w;
  HANDLE hTok;
  int eElev, bIdentOk = 0;
  uint64_t luid;
  memset(&j, 0, sizeof(j));
  j.h = h; j.c = c; j.s = s; j.pOut = pOut;
  h->bOwnStep = 0;
  if( s->eHalf==SCN_HALF_SYSTEM ){
    if( h->hSystem==NULL ){
      return agent_out_why(pOut, AGENT_UNSUPPORTED,
          h->bWine ? "Wine has no SYSTEM token" : "no SYSTEM token with SeTcbPrivilege was found");
    }
    w = &h->sysWork;
    hTok = h->hSystem;
    eElev = TokenElevationTypeDefault;
    luid = AGENT_LUID_SYSTEM;
  }else{
    AgentSession *pS = agent_core_session(c, s->zSession);
    WinLogon *L = (pS && pS->iHost>=0) ? &h->aLogon[pS->iHost] : NULL;
    int iHalf = 0;
    if( L==NULL || !L->bLive ) return agent_out_why(pOut, AGENT_FAILED, "no live logon %s", s->zSession);
    j.L = L;
    if( s->eHalf!=SCN_HALF_BARE ){
      int eWant = s->eHalf==SCN_HALF_LIMITED ? TokenElevationTypeLimited : TokenElevationTypeFull;
      if( L->hOther==NULL ){
        /* the host's own answer for the missing half of an unsplit logon */
        TOKEN_LINKED_TOKEN lt;
        DWORD n = 0;
        memset(&lt, 0, sizeof(lt));
        if( GetTokenInformation(L->hBare, TokenLinkedToken, &lt, sizeof(lt), &n) ){
          if( lt.LinkedToken ) CloseHandle(lt.LinkedToken);
          return agent_out_why(pOut, AGENT_UNSUPPORTED, "logon %s was not split, yet the "
                               "host hands out a linked token for it", s->zSession);
        }
        agent_out_error(pOut, (int)GetLastError());
        return AGENT_DONE;
      }
      if( L->eBareElev==eWant ) iHalf = 0;
      else if( L->eOtherElev==eWant ) iHalf = 1;
      else{
        return agent_out_why(pOut, AGENT_FAILED, "logon %s has no %s half", s->zSession,
                             eWant==TokenElevationTypeLimited ? "limited" : "elevated");
      }
    }
    w = &L->aWork[iHalf];
    hTok = iHalf ? L->hOther : L->hBare;
    eElev = iHalf ? L->eOtherElev : L->eBareElev;
    luid = iHalf ? L->luidOther : L->luidBare;
    bIdentOk = iHalf && h->bWine;
    h->bOwnStep = L->bCurrent && iHalf==0;
  }
  if( w->hThread==NULL ){
    w->hTok = hTok; w->eElev = eElev; w->luid = luid; w->bIdentOk = bIdentOk;
  }
  if( win_worker_run(w, &j) ) return agent_out_why(pOut, AGENT_FAILED, "CreateThread failed");
  return j.e;
}

/* ---------------------------------------------------------------- 7 ---- */

static AgentOutcome win_step(void *pHost, AgentCore *c, const ScnStep *s,
                             AgentOut *pOut){
  WinHost *h = pHost;
  if( h->iHangAt && c->nStep+1==h->iHangAt ) Sleep(INFINITE);
  if( h->iDieAt && c->nStep+1==h->iDieAt ) ExitProcess(70);
  switch( s->eKind ){
    case SCN_STEP_LOGON:
      if( s->eLogonType==SCN_LOGON_CURRENT ) return win_logon_current(h, c, s, pOut);
      if( win_v2_is_logon(s) ) return win_v2_logon(h, c, s, pOut);
      return win_logon_user(h, c, s, pOut);
    case SCN_STEP_LOGOFF:
      return win_logoff(h, c, s, pOut);
    case SCN_STEP_REBOOT:
      return agent_out_why(pOut, AGENT_UNSUPPORTED, h->bWine
          ? "a lone agent cannot restart its Wine prefix (the wine backend reboots with suspend and resume)"
          : "the agent cannot reboot the host and carry on");
    case SCN_STEP_SET:
      return win_set_machine(h, c, s, pOut);
    case SCN_STEP_BOOTDEVICE:
      return win_bootdevice(h, c, s, pOut);
    case SCN_STEP_AS:
      return win_as(h, c, s, pOut);
  }
  return agent_out_why(pOut, AGENT_FAILED, "unknown step kind");
}

/* Parse "TYPE:hex" back into bytes. */
static int win_unhex(const char *z, DWORD *pType, BYTE **ppData, DWORD *pn){
  char *zEnd;
  size_t n, i;
  *pType = (DWORD)strtoul(z, &zEnd, 10);
  if( *zEnd!=':' ) return 1;
  zEnd++;
  n = strlen(zEnd)/2;
  *ppData = malloc(n ? n : 1);
  if( *ppData==NULL ) return 1;
  for(i=0; i<n; i++){
    unsigned v;
    if( sscanf(zEnd+2*i, "%2x", &v)!=1 ){ free(*ppData); return 1; }
    (*ppData)[i] = (BYTE)v;
  }
  *pn = (DWORD)n;
  return 0;
}

/* Find a live logon half by name ("A", "A.limited"), for undo. */
static HANDLE win_half_token(WinHost *h, const char *zHalf){
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

/* The logon (live or ended) whose half zHalf is ("S", "S.limited"), or NULL. */
static WinLogon *win_undo_logon(WinHost *h, const char *zHalf){
  int i;
  for(i=0; i<h->nLogon; i++){
    size_t n = strlen(h->aLogon[i].zName);
    if( strncmp(zHalf, h->aLogon[i].zName, n)==0 && (zHalf[n]==0 || zHalf[n]=='.') ){
      return &h->aLogon[i];
    }
  }
  return NULL;
}

/*
** The user hive a NETUSE entry's half remembers its mappings in (what
** `persisted` reads): the string SID of the half's token, of the agent's
** own user for an entry of its own session, or of the account of a logon
** that has ended (found by the half's logon name). LocalFree'd by the
** caller; NULL if none can be named.
*/
static LPWSTR win_undo_half_sid(WinHost *h, HANDLE hTok, const AgentUndo *e, int bOwn){
  BYTE aBuf[512];
  DWORD n = 0;
  LPWSTR z = NULL;
  HANDLE hOwn = NULL;
  WinLogon *L;
  if( hTok==NULL && bOwn ){
    if( h->pProcSid ){
      return ConvertSidToStringSidW(h->pProcSid, &z) ? z : NULL;
    }
    /* recovery: no WinHost tokens, the agent's own user */
    if( !OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &hOwn) ) return NULL;
    hTok = hOwn;
  }
  if( hTok ){
    if( GetTokenInformation(hTok, TokenUser, aBuf, sizeof(aBuf), &n)
     && !ConvertSidToStringSidW(((TOKEN_USER*)aBuf)->User.Sid, &z) ) z = NULL;
    if( hOwn ) CloseHandle(hOwn);
    return z;
  }
  if( (L = win_undo_logon(h, e->zKey))!=NULL ){
    WCHAR *wUser = win_wide(L->zUser);
    WCHAR zDom[256];
    DWORD nSid = sizeof(aBuf), nDom = 256;
    SID_NAME_USE use;
    if( wUser && LookupAccountNameW(NULL, wUser, aBuf, &nSid, zDom, &nDom, &use)
     && !ConvertSidToStringSidW((PSID)aBuf, &z) ) z = NULL;
    free(wUser);
  }
  return z;
}

/*
** After a NETUSE entry's cancel: the half's user must not remember the
** letter any more (HKU\<SID>\Network\<L>). The cancel alone is not proof:
** Wine's mpr, asked to cancel a letter that is only remembered, returns
** the provider's 2250 and keeps the key; and WNetGetConnectionW there
** answers 1200 for any letter. A key left behind is deleted: the journal
** entry says the agent connected that letter, and a letter connected or
** remembered at start is one the agent refuses to touch (mBaseNet,
** mBaseRegNet), so the key is the run's. Returns 0 when no key remains,
** 1 when one does or the hive cannot be read (bye counts it failed). A
** hive no longer loaded (the logon ended and its profile was unloaded) is
** fine only for an account the agent made: its profile goes with it.
*/
static int win_undo_remembered(WinHost *h, HANDLE hTok, const AgentUndo *e, int bOwn){
  LPWSTR zSid, zOwnSid = NULL;
  HKEY hUser = NULL, hNet = NULL;
  WCHAR zL[2] = { (WCHAR)(e->zName[0] & ~0x20), 0 };
  int iL = zL[0] - L'A';
  LONG r;
  int rc = 1;
  if( iL<0 || iL>=26 ) return 1;
  /* recovery (no logons known): a logon is always of a world account the
  ** agent made, and that account's own entry deletes its profile */
  if( hTok==NULL && !bOwn && win_undo_logon(h, e->zKey)==NULL ) return 0;
  zSid = win_undo_half_sid(h, hTok, e, bOwn);
  if( zSid==NULL ) return 1;
  r = RegOpenKeyExW(HKEY_USERS, zSid, 0, KEY_READ, &hUser);
  if( r==ERROR_FILE_NOT_FOUND ){
    /* the hive is not loaded: only an account the agent made is known to
    ** take its remembered drives with it (its profile is deleted) */
    const WinLogon *L = win_undo_logon(h, e->zKey);
    USER_INFO_1 *pInfo = NULL;
    if( L && !bOwn ){
      WCHAR *wUser = win_wide(L->zUser);
      if( wUser && NetUserGetInfo(NULL, wUser, 1, (BYTE**)&pInfo)==NERR_Success && pInfo
       && pInfo->usri1_comment && wcscmp(pInfo->usri1_comment, WIN_ACCOUNT_MARK)==0 ){
        rc = 0;
      }
      if( pInfo ) NetApiBufferFree(pInfo);
      free(wUser);
    }
    LocalFree(zSid);
    return rc;
  }
  if( r!=ERROR_SUCCESS ){ LocalFree(zSid); return 1; }
  r = RegOpenKeyExW(hUser, L"Network", 0, KEY_READ|KEY_WRITE, &hNet);
  if( r==ERROR_FILE_NOT_FOUND ){
    rc = 0;                                  /* nothing remembered at all */
  }else if( r==ERROR_SUCCESS ){
    HKEY hKey = NULL;
    r = RegOpenKeyExW(hNet, zL, 0, KEY_READ, &hKey);
    if( r==ERROR_FILE_NOT_FOUND ){
      rc = 0;
    }else if( r==ERROR_SUCCESS ){
      int bOwnUser = h->pProcSid && ConvertSidToStringSidW(h->pProcSid, &zOwnSid)
                  && _wcsicmp(zOwnSid, zSid)==0;
      if( zOwnSid ) LocalFree(zOwnSid);
      RegCloseKey(hKey);
      if( !(bOwnUser && (h->mBaseRegNet & (1u<<iL))) ){
        RegDeleteTreeW(hNet, zL);
        RegDeleteKeyW(hNet, zL);
      }
      /* checked: the key must be gone */
      hKey = NULL;
      r = RegOpenKeyExW(hNet, zL, 0, KEY_READ, &hKey);
      if( hKey ) RegCloseKey(hKey);
      rc = r!=ERROR_FILE_NOT_FOUND;
    }
    RegCloseKey(hNet);
  }
  RegCloseKey(hUser);
  LocalFree(zSid);
  return rc;
}

static int win_undo_one(void *pCtx, const AgentUndo *e){
  WinHost *h = pCtx;
  int rc = 0;
  if( win_v2_undo(h, e, &rc) ) return rc;
  switch( e->eKind ){
    case AGENT_UNDO_REGVALUE: {
      /* the W calls throughout: the journal holds the value's bytes as
      ** RegQueryValueExW returned them (UTF-16 for text types), so they
      ** go back with RegSetValueExW, byte for byte, with their type */
      const char *zPath = strchr(e->zKey, '\\');
      HKEY hRoot = strncmp(e->zKey, "HKLM", 4)==0 ? HKEY_LOCAL_MACHINE : HKEY_CURRENT_USER;
      HKEY hKey = NULL;
      WCHAR *wPath, *wName;
      LONG r;
      if( zPath==NULL ) return 1;
      wPath = win_wide(zPath+1);
      wName = win_wide(e->zName);
      if( wPath==NULL || wName==NULL ){ free(wPath); free(wName); return 1; }
      r = RegOpenKeyExW(hRoot, wPath, 0, KEY_SET_VALUE|KEY_QUERY_VALUE, &hKey);
      if( r!=ERROR_SUCCESS ){
        free(wPath); free(wName);
        /* a key that is gone holds no value to remove */
        return !(e->zOld==NULL && r==ERROR_FILE_NOT_FOUND);
      }
      if( e->zOld==NULL ){
        r = RegDeleteValueW(hKey, wName);
        rc = (r!=ERROR_SUCCESS && r!=ERROR_FILE_NOT_FOUND);
      }else{
        DWORD t, n, tNow = 0, nNow = 0;
        BYTE *p;
        if( win_unhex(e->zOld, &t, &p, &n) ){ RegCloseKey(hKey); free(wPath); free(wName); return 1; }
        rc = RegSetValueExW(hKey, wName, 0, t, p, n)!=ERROR_SUCCESS;
        /* checked, not assumed: the value reads back as it was */
        if( rc==0 ){
          BYTE *q = malloc(n ? n : 1);
          nNow = n;
          rc = q==NULL || RegQueryValueExW(hKey, wName, NULL, &tNow, q, &nNow)!=ERROR_SUCCESS
               || tNow!=t || nNow!=n || (n && memcmp(p, q, n)!=0);
          free(q);
        }
        free(p);
      }
      RegCloseKey(hKey);
      free(wPath); free(wName);
      return rc;
    }
    case AGENT_UNDO_CRED: {
      /* zOld names the half whose vault holds it (a created user's), or
      ** is NULL for the agent's own vault */
      WCHAR *w = win_wide(e->zKey);
      HANDLE hTok = e->zOld ? win_half_token(h, e->zOld) : NULL;
      if( w==NULL ) return 1;
      if( e->zOld && hTok==NULL ){
        /* that logon is gone: the vault goes with the account's profile */
        free(w);
        return 0;
      }
      if( hTok && !ImpersonateLoggedOnUser(hTok) ){ free(w); return 1; }
      if( !CredDeleteW(w, CRED_TYPE_DOMAIN_PASSWORD, 0) && GetLastError()!=ERROR_NOT_FOUND ) rc = 1;
      if( hTok ) RevertToSelf();
      free(w);
      return rc;
    }
    case AGENT_UNDO_USER: {
      /* only the account the agent made: the SID it recorded, and the mark
      ** it set as the account's comment (a planted or stale entry naming
      ** someone else's account is refused, and counted as failed) */
      WCHAR *w = win_wide(e->zKey);
      BYTE aSid[SECURITY_MAX_SID_SIZE];
      DWORD nSid = sizeof(aSid), nDom = 256;
      WCHAR zDom[256];
      SID_NAME_USE use;
      LPWSTR zSid = NULL;
      USER_INFO_1 *pInfo = NULL;
      int i;
      if( w==NULL ) return 1;
      if( !LookupAccountNameW(NULL, w, aSid, &nSid, zDom, &nDom, &use) ){
        free(w);
        return GetLastError()!=ERROR_NONE_MAPPED;   /* already gone: done */
      }
      if( !ConvertSidToStringSidW(aSid, &zSid) ){ free(w); return 1; }
      if( e->zName[0] ){
        char *zNow = win_utf8(zSid);
        int bSame = zNow && _stricmp(zNow, e->zName)==0;
        free(zNow);
        if( !bSame ){ LocalFree(zSid); free(w); return 1; }
      }
      if( NetUserGetInfo(NULL, w, 1, (BYTE**)&pInfo)!=NERR_Success || pInfo==NULL
       || pInfo->usri1_comment==NULL || wcscmp(pInfo->usri1_comment, WIN_ACCOUNT_MARK)!=0 ){
        if( pInfo ) NetApiBufferFree(pInfo);
        LocalFree(zSid); free(w);
        return 1;
      }
      NetApiBufferFree(pInfo);
      /* its logons end first: a loaded profile cannot be deleted */
      for(i=0; i<h->nLogon; i++){
        if( h->aLogon[i].bLive && _stricmp(h->aLogon[i].zUser, e->zKey)==0 ){
          win_logon_release(&h->aLogon[i]);
        }
      }
      if( !DeleteProfileW(zSid, NULL, NULL) && GetLastError()!=ERROR_FILE_NOT_FOUND
       && GetLastError()!=ERROR_PATH_NOT_FOUND ){
        rc = 1;
      }
      LocalFree(zSid);
      if( NetUserDel(NULL, w)!=NERR_Success ) rc = 1;
      free(w);
      return rc;
    }
    case AGENT_UNDO_RIGHT: {
      LSA_OBJECT_ATTRIBUTES oa;
      LSA_HANDLE hPol = NULL;
      LSA_UNICODE_STRING us;
      BYTE aSid[SECURITY_MAX_SID_SIZE];
      DWORD nSid = sizeof(aSid), nDom = 256;
      WCHAR zDom[256];
      SID_NAME_USE use;
      WCHAR *wUser = win_wide(e->zKey), *wRight = win_wide(e->zName);
      memset(&oa, 0, sizeof(oa));
      rc = 1;
      if( wUser && wRight && !LookupAccountNameW(NULL, wUser, aSid, &nSid, zDom, &nDom, &use) ){
        rc = GetLastError()!=ERROR_NONE_MAPPED;      /* no account, no right */
      }else if( wUser && wRight && LsaOpenPolicy(NULL, &oa, POLICY_ALL_ACCESS, &hPol)==0 ){
        NTSTATUS st;
        us.Buffer = wRight;
        us.Length = (USHORT)(wcslen(wRight)*sizeof(WCHAR));
        us.MaximumLength = us.Length;
        st = LsaRemoveAccountRights(hPol, aSid, FALSE, &us, 1);
        rc = st!=0 && LsaNtStatusToWinError(st)!=ERROR_FILE_NOT_FOUND;
        LsaClose(hPol);
      }
      free(wUser); free(wRight);
      return rc;
    }
    case AGENT_UNDO_DOSDEV:
    case AGENT_UNDO_NETUSE: {
      /* as the half that made it: in any other context the same name
      ** could resolve to something the scenario never touched. An entry
      ** of the agent's own session ("own") is undone in the agent's own
      ** context when that logon is not bound (recovery). A half whose
      ** logon has ended took its devices and connections with it. */
      HANDLE hTok = win_half_token(h, e->zKey);
      int bOwn = e->zOld && strcmp(e->zOld, "own")==0;
      int bLetter = e->zName[0] && e->zName[1]==':' && e->zName[2]==0;
      WCHAR *w = win_wide(e->zName);
      int i;
      if( w==NULL ) return 1;
      if( hTok==NULL && !bOwn ){
        /* the ended logon took its connections; what its user remembers
        ** outlives it (checked) */
        free(w);
        return e->eKind==AGENT_UNDO_NETUSE && bLetter ? win_undo_remembered(h, NULL, e, 0) : 0;
      }
      if( hTok && !ImpersonateLoggedOnUser(hTok) ){ free(w); return 1; }
      if( e->eKind==AGENT_UNDO_DOSDEV ){
        WCHAR zT[16];
        for(i=0; i<64 && DefineDosDeviceW(DDD_REMOVE_DEFINITION, w, NULL); i++){}
        /* checked: the name must be gone in that context */
        rc = QueryDosDeviceW(w, zT, 16)!=0 || GetLastError()==ERROR_INSUFFICIENT_BUFFER;
      }else{
        WCHAR zR[1024];
        DWORD n = 1024, r;
        r = WNetCancelConnection2W(w, CONNECT_UPDATE_PROFILE, TRUE);
        rc = r!=NO_ERROR && r!=ERROR_NOT_CONNECTED && r!=ERROR_NO_NETWORK;
        if( rc==0 && r!=ERROR_NO_NETWORK ){
          r = WNetGetConnectionW(w, zR, &n);
          rc = r==NO_ERROR || r==ERROR_CONNECTION_UNAVAIL;   /* still there, or remembered */
        }
      }
      if( hTok ) RevertToSelf();
      free(w);
      if( e->eKind==AGENT_UNDO_NETUSE && bLetter && win_undo_remembered(h, hTok, e, bOwn) ) rc = 1;
      return rc;
    }
    default:
      return 1;
  }
}

int win_recover(AgentCore *c){
  WinHost none;
  memset(&none, 0, sizeof(none));   /* no tokens: DOS devices are not in the file */
  return agent_core_recover(c, win_undo_one, &none);
}

static int win_finish(void *pHost, AgentCore *c){
  WinHost *h = pHost;
  int nUndone = 0;
  return agent_journal_undo(&c->journal, win_undo_one, h, &nUndone);
}

const AgentHostOps win_host_ops = {
  win_facts, win_start, win_step, win_finish
};
