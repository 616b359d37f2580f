/*
** real/win/agent_tools.c: `as <who> tool <profile> ...` on a real host
** (SEMANTICS T8): the agent runs the real tool under the acting half
** where the host has it, and says `unsupported`, with the reason, where it
** does not. Never a stand-in: a tool the host cannot run is not imitated
** with other calls.
**
**   netapi.NetUseAdd/NetUseDel  the agent itself calls the API on the
**       worker thread that impersonates the half (the workstation service
**       impersonates its caller, so the connection is the half's).
**   ps.New-PSDrive, ps.Remove-PSDrive, ps.New-SmbMapping,
**   ps.Remove-SmbMapping  Windows PowerShell (powershell.exe) started
**       with a primary token of the half (DuplicateTokenEx +
**       CreateProcessWithTokenW); the script comes -EncodedCommand, a
**       password on its standard input, never on a command line. Its exit
**       code carries the Win32 error the cmdlet failed with.
**   ansible.*  unsupported: a module's script needs Ansible's PowerShell
**       exec wrapper and module_utils (Ansible.Basic, Ansible.AccessToken).
**   gpp.drive-map  unsupported: a Group Policy Preferences item is applied
**       by the Group Policy client at logon from a GPO.
** Under Wine nothing here is faithful, and each profile says why: Wine's
** NetUseAdd and NetUseDel are FIXME stubs that return NERR_Success and
** connect nothing (wine-mirror/wine dlls/netapi32/netapi32.c), and its
** powershell.exe is a stub that runs no command and exits 0
** (programs/powershell/main.c).
**
** Contents:
**   1. Helpers: quoting, base64
**   2. NetUseAdd / NetUseDel
**   3. PowerShell under the half's token
**   4. The entry point
*/
#include "agent_win.h"

#include <lm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Exit codes of the scripts beyond Win32 errors (all above 0xFFFF). */
#define WIN_TOOL_NO_SUCH_DRIVE  0x4D530001   /* DriveNotFoundException */
#define WIN_TOOL_NO_WIN32_CODE  0x4D530002   /* failed without a Win32 code */
#define WIN_TOOL_NO_CMDLET      0x4D530003   /* the cmdlet is not on this host */

/* ---------------------------------------------------------------- 1 ---- */

/* Append z to the growing string *pz (*pn used, *pnAlloc allocated), as a
** PowerShell single-quoted literal when bQuote ('' for a quote). Returns
** 0, or non-zero when out of memory. */
static int wtool_append(char **pz, size_t *pn, size_t *pnAlloc, const char *z, int bQuote){
  size_t n = strlen(z)*2+3;
  if( *pn+n+1 > *pnAlloc ){
    size_t nNew = (*pnAlloc ? *pnAlloc*2 : 512) + n;
    char *zNew = realloc(*pz, nNew);
    if( zNew==NULL ) return 1;
    *pz = zNew;
    *pnAlloc = nNew;
  }
  if( bQuote ) (*pz)[(*pn)++] = '\'';
  for(; *z; z++){
    if( bQuote && *z=='\'' ) (*pz)[(*pn)++] = '\'';
    (*pz)[(*pn)++] = *z;
  }
  if( bQuote ) (*pz)[(*pn)++] = '\'';
  (*pz)[*pn] = 0;
  return 0;
}

/* Base64 of n bytes, as a malloc'd wide string (for -EncodedCommand). */
static WCHAR *wtool_base64(const unsigned char *a, size_t n){
  static const char az[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  WCHAR *z = malloc(sizeof(WCHAR)*((n+2)/3*4+1));
  size_t i, j = 0;
  if( z==NULL ) return NULL;
  for(i=0; i<n; i+=3){
    unsigned v = (unsigned)a[i]<<16;
    if( i+1<n ) v |= (unsigned)a[i+1]<<8;
    if( i+2<n ) v |= a[i+2];
    z[j++] = (WCHAR)az[(v>>18)&63];
    z[j++] = (WCHAR)az[(v>>12)&63];
    z[j++] = i+1<n ? (WCHAR)az[(v>>6)&63] : L'=';
    z[j++] = i+2<n ? (WCHAR)az[v&63] : L'=';
  }
  z[j] = 0;
  return z;
}

/* Journal a connection the step is about to make as its half (zName a
** letter "Z:" or a deviceless \\srv\share), so the agent cancels it, with
** CONNECT_UPDATE_PROFILE, when the scenario ends. Returns 0 or non-zero. */
static int wtool_journal_netuse(AgentCore *c, const ScnStep *s, const char *zName){
  char zHalf[AGENT_LUID_NAME+16];
  agent_half_name(s->zSession ? s->zSession : "SYSTEM", s->eHalf, zHalf, sizeof(zHalf));
  if( agent_journal_has(&c->journal, AGENT_UNDO_NETUSE, zHalf, zName) ) return 0;
  return agent_core_record(c, AGENT_UNDO_NETUSE, zHalf, zName, NULL);
}

/* ---------------------------------------------------------------- 2 ---- */

static AgentOutcome wtool_netuse(AgentCore *c, const ScnStep *s, AgentOut *pOut){
  WCHAR zLocal[3] = { (WCHAR)s->cLetter, L':', 0 };
  NET_API_STATUS rc;
  if( s->eTool==SCN_TOOL_NETAPI_NETUSEADD ){
    USE_INFO_2 ui;
    DWORD iParm = 0;
    WCHAR *wRemote = win_wide(s->zRemote);
    WCHAR *wUser = win_wide(s->zCredUser), *wPw = win_wide(s->zCredPassword);
    char zLetter[3] = { s->cLetter, ':', 0 };
    if( wRemote==NULL ){
      free(wUser); free(wPw);
      return agent_out_why(pOut, AGENT_FAILED, "out of memory");
    }
    if( wtool_journal_netuse(c, s, zLetter) ){
      if( wPw ) SecureZeroMemory(wPw, wcslen(wPw)*sizeof(WCHAR));
      free(wRemote); free(wUser); free(wPw);
      return agent_out_why(pOut, AGENT_FAILED, "the journal could not record the connection");
    }
    memset(&ui, 0, sizeof(ui));
    ui.ui2_local = zLocal;
    ui.ui2_remote = wRemote;
    ui.ui2_password = wPw;
    ui.ui2_asg_type = USE_DISKDEV;
    ui.ui2_username = wUser;
    rc = NetUseAdd(NULL, 2, (LPBYTE)&ui, &iParm);
    if( wPw ) SecureZeroMemory(wPw, wcslen(wPw)*sizeof(WCHAR));
    free(wRemote); free(wUser); free(wPw);
  }else{
    rc = NetUseDel(NULL, zLocal, USE_LOTS_OF_FORCE);
  }
  if( rc ) agent_out_error(pOut, (int)rc); else agent_out_line(pOut, "ok");
  return AGENT_DONE;
}

/* ---------------------------------------------------------------- 3 ---- */

/* The script for a ps.* step (malloc'd), NULL when out of memory. The
** password, if any, is read from standard input. */
static char *wtool_script(const ScnStep *s){
  char *z = NULL;
  size_t n = 0, nAlloc = 0;
  char zL[3] = { s->cLetter, 0, 0 };
  int bErr = 0;
#define W(x)  bErr |= wtool_append(&z, &n, &nAlloc, (x), 0)
#define Q(x)  bErr |= wtool_append(&z, &n, &nAlloc, (x), 1)
  W("$ErrorActionPreference='Stop'\n");
  W("$pw=[Console]::In.ReadLine()\n");
  W("try {\n");
  switch( s->eTool ){
    case SCN_TOOL_PS_NEW_PSDRIVE:
      W(" $p=@{Name="); Q(zL); W(";PSProvider='FileSystem';Root="); Q(s->zRemote);
      W(";Scope='Global'}\n");
      if( s->ePersistent>0 ) W(" $p.Persist=$true\n");
      if( s->zCredUser ){
        W(" $p.Credential=New-Object System.Management.Automation.PSCredential(");
        Q(s->zCredUser);
        W(",(ConvertTo-SecureString -String $pw -AsPlainText -Force))\n");
      }
      W(" New-PSDrive @p | Out-Null\n");
      break;
    case SCN_TOOL_PS_REMOVE_PSDRIVE:
      W(" Remove-PSDrive -Name "); Q(zL); W(" -PSProvider FileSystem -Force\n");
      break;
    case SCN_TOOL_PS_NEW_SMBMAPPING:
      zL[1] = ':';
      W(" if(-not (Get-Command New-SmbMapping -ErrorAction SilentlyContinue)){exit 0x4D530003}\n");
      W(" $p=@{LocalPath="); Q(zL); W(";RemotePath="); Q(s->zRemote); W("}\n");
      if( s->ePersistent>0 ) W(" $p.Persistent=$true\n");
      if( s->bSaveCredentials ) W(" $p.SaveCredentials=$true\n");
      if( s->zCredUser ){ W(" $p.UserName="); Q(s->zCredUser); W("; $p.Password=$pw\n"); }
      W(" New-SmbMapping @p | Out-Null\n");
      break;
    default: /* SCN_TOOL_PS_REMOVE_SMBMAPPING */
      zL[1] = ':';
      W(" if(-not (Get-Command Remove-SmbMapping -ErrorAction SilentlyContinue)){exit 0x4D530003}\n");
      W(" Remove-SmbMapping -LocalPath "); Q(zL); W(" -UpdateProfile -Force\n");
      break;
  }
  W(" exit 0\n"
    "} catch [System.Management.Automation.DriveNotFoundException] { exit 0x4D530001 }\n"
    "catch {\n"
    " $e=$_.Exception\n"
    " while($e){\n"
    "  if($e -is [System.ComponentModel.Win32Exception]){ exit $e.NativeErrorCode }\n"
    "  $d=$e.PSObject.Properties['ErrorData']\n"
    "  if($d -and $d.Value){ $c=$d.Value.CimInstanceProperties['error_Code'];"
    " if($c -and $c.Value){ exit [int]$c.Value } }\n"
    "  if(($e.HResult -band 0xFFFF0000) -eq 0x80070000){ exit ($e.HResult -band 0xFFFF) }\n"
    "  $e=$e.InnerException\n"
    " }\n"
    " [Console]::Error.WriteLine($_.ToString()); exit 0x4D530002\n"
    "}\n");
#undef W
#undef Q
  if( bErr ){ free(z); return NULL; }
  return z;
}

/* The agent's own handle for the half the thread impersonates (its LUID
** matches), or NULL. */
static HANDLE wtool_half_handle(const WinLogon *L, HANDLE hThreadTok){
  uint64_t luid = win_token_luid(hThreadTok);
  if( L==NULL || luid==0 ) return NULL;
  if( L->hBare && L->luidBare==luid ) return L->hBare;
  if( L->hOther && L->luidOther==luid ) return L->hOther;
  return NULL;
}

static AgentOutcome wtool_powershell(AgentCore *c, const ScnStep *s, const WinLogon *L,
                                     HANDLE hThreadTok, AgentOut *pOut){
  WCHAR zExe[MAX_PATH+64], *wB64 = NULL, *wCmd = NULL;
  char *zScript = NULL, zErr[512];
  HANDLE hHalf = wtool_half_handle(L, hThreadTok), hPrimary = NULL;
  HANDLE hInR = NULL, hInW = NULL, hErrR = NULL, hErrW = NULL;
  SECURITY_ATTRIBUTES sa;
  STARTUPINFOW si;
  PROCESS_INFORMATION pi;
  DWORD dwExit = 0, nRead = 0, nWritten = 0;
  AgentOutcome e = AGENT_DONE;
  size_t nScript, i;
  unsigned char *aUtf16;
  UINT nDir = GetSystemDirectoryW(zExe, MAX_PATH);

  if( nDir==0 || nDir>=MAX_PATH ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED, "no system directory");
  }
  wcscat(zExe, L"\\WindowsPowerShell\\v1.0\\powershell.exe");
  if( GetFileAttributesW(zExe)==INVALID_FILE_ATTRIBUTES ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED, "this host has no Windows PowerShell");
  }
  if( hHalf==NULL ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
        "the agent holds no token of this half to start PowerShell with (SYSTEM and"
        " halves it cannot tell apart are not supported)");
  }
  if( s->eTool==SCN_TOOL_PS_NEW_SMBMAPPING && s->bSaveCredentials ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
        "the agent does not journal the vault write of -SaveCredentials, so it could not undo it");
  }
  {
    /* what the cmdlet may connect, journalled before it runs */
    char zLetter[3] = { s->cLetter, ':', 0 };
    int bRec = 0;
    if( s->eTool==SCN_TOOL_PS_NEW_SMBMAPPING
     || (s->eTool==SCN_TOOL_PS_NEW_PSDRIVE && s->ePersistent>0) ){
      bRec = wtool_journal_netuse(c, s, zLetter);
    }else if( s->eTool==SCN_TOOL_PS_NEW_PSDRIVE && s->zCredUser ){
      bRec = wtool_journal_netuse(c, s, s->zRemote);
    }
    if( bRec ) return agent_out_why(pOut, AGENT_FAILED, "the journal could not record the connection");
  }
  if( !DuplicateTokenEx(hHalf, MAXIMUM_ALLOWED, NULL, SecurityImpersonation,
                        TokenPrimary, &hPrimary) ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
        "no primary token of the half for PowerShell (DuplicateTokenEx: %lu)", GetLastError());
  }
  zScript = wtool_script(s);
  if( zScript==NULL ){ e = agent_out_why(pOut, AGENT_FAILED, "out of memory"); goto done; }
  /* -EncodedCommand takes base64 of the UTF-16LE script (ASCII here
  ** except what the scenario typed: take it as UTF-8) */
  {
    WCHAR *w = win_wide(zScript);
    if( w==NULL ){ e = agent_out_why(pOut, AGENT_FAILED, "out of memory"); goto done; }
    nScript = wcslen(w);
    aUtf16 = malloc(nScript*2+1);
    if( aUtf16==NULL ){ free(w); e = agent_out_why(pOut, AGENT_FAILED, "out of memory"); goto done; }
    for(i=0; i<nScript; i++){
      aUtf16[2*i] = (unsigned char)(w[i] & 0xff);
      aUtf16[2*i+1] = (unsigned char)(w[i]>>8);
    }
    wB64 = wtool_base64(aUtf16, nScript*2);
    free(aUtf16);
    free(w);
  }
  if( wB64==NULL ){ e = agent_out_why(pOut, AGENT_FAILED, "out of memory"); goto done; }
  wCmd = malloc(sizeof(WCHAR)*(wcslen(wB64)+wcslen(zExe)+128));
  if( wCmd==NULL ){ e = agent_out_why(pOut, AGENT_FAILED, "out of memory"); goto done; }
  swprintf(wCmd, wcslen(wB64)+wcslen(zExe)+128,
           L"\"%ls\" -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand %ls",
           zExe, wB64);

  memset(&sa, 0, sizeof(sa));
  sa.nLength = sizeof(sa);
  sa.bInheritHandle = TRUE;
  if( !CreatePipe(&hInR, &hInW, &sa, 0) || !CreatePipe(&hErrR, &hErrW, &sa, 1<<16) ){
    e = agent_out_why(pOut, AGENT_FAILED, "CreatePipe: %lu", GetLastError());
    goto done;
  }
  SetHandleInformation(hInW, HANDLE_FLAG_INHERIT, 0);
  SetHandleInformation(hErrR, HANDLE_FLAG_INHERIT, 0);
  memset(&si, 0, sizeof(si));
  si.cb = sizeof(si);
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = hInR;
  si.hStdOutput = hErrW;
  si.hStdError = hErrW;
  memset(&pi, 0, sizeof(pi));
  /* CreateProcessWithTokenW needs the agent's SeImpersonatePrivilege: ask
  ** as the agent, not as the half, then impersonate the half again */
  RevertToSelf();
  if( !CreateProcessWithTokenW(hPrimary, 0, zExe, wCmd, CREATE_NO_WINDOW, NULL, NULL,
                               &si, &pi) ){
    DWORD dwErr = GetLastError();
    ImpersonateLoggedOnUser(hHalf);
    e = agent_out_why(pOut, AGENT_UNSUPPORTED,
        "PowerShell could not be started with the half's token (CreateProcessWithTokenW: %lu)",
        dwErr);
    goto done;
  }
  ImpersonateLoggedOnUser(hHalf);    /* the half again (hThreadTok may only query) */
  CloseHandle(hInR); hInR = NULL;
  CloseHandle(hErrW); hErrW = NULL;
  if( s->zCredPassword ){
    WriteFile(hInW, s->zCredPassword, (DWORD)strlen(s->zCredPassword), &nWritten, NULL);
  }
  WriteFile(hInW, "\r\n", 2, &nWritten, NULL);
  CloseHandle(hInW); hInW = NULL;
  if( WaitForSingleObject(pi.hProcess, 120000)!=WAIT_OBJECT_0 ){
    TerminateProcess(pi.hProcess, 1);
    CloseHandle(pi.hProcess); CloseHandle(pi.hThread);
    e = agent_out_why(pOut, AGENT_FAILED, "PowerShell did not finish within 120 s");
    goto done;
  }
  GetExitCodeProcess(pi.hProcess, &dwExit);
  CloseHandle(pi.hProcess); CloseHandle(pi.hThread);
  zErr[0] = 0;
  if( ReadFile(hErrR, zErr, sizeof(zErr)-1, &nRead, NULL) ) zErr[nRead] = 0;
  for(i=0; zErr[i]; i++) if( zErr[i]=='\r' || zErr[i]=='\n' ){ zErr[i] = 0; break; }
  if( dwExit==0 ){
    agent_out_line(pOut, "ok");
  }else if( dwExit==WIN_TOOL_NO_SUCH_DRIVE ){
    agent_out_line(pOut, "tool-error no-such-drive");
  }else if( dwExit==WIN_TOOL_NO_CMDLET ){
    e = agent_out_why(pOut, AGENT_UNSUPPORTED, "this host has no SmbShare module (Windows 8 / Server 2012 and later)");
  }else if( dwExit<=0xFFFF ){
    agent_out_error(pOut, (int)dwExit);
  }else{
    e = agent_out_why(pOut, AGENT_FAILED, "the cmdlet failed without a Win32 error code: %s",
                      zErr[0] ? zErr : "(no message)");
  }
done:
  if( hInR ) CloseHandle(hInR);
  if( hInW ) CloseHandle(hInW);
  if( hErrR ) CloseHandle(hErrR);
  if( hErrW ) CloseHandle(hErrW);
  if( hPrimary ) CloseHandle(hPrimary);
  free(zScript);
  free(wB64);
  free(wCmd);
  return e;
}

/* ---------------------------------------------------------------- 4 ---- */

AgentOutcome win_cmd_tool(WinHost *h, AgentCore *c, const ScnStep *s,
                          const WinLogon *L, HANDLE hThreadTok, AgentOut *pOut){
  switch( s->eTool ){
    case SCN_TOOL_ANSIBLE_MAPPED_DRIVE:
    case SCN_TOOL_ANSIBLE_CREDENTIAL:
      return agent_out_why(pOut, AGENT_UNSUPPORTED,
          "an Ansible module's script runs only inside Ansible's PowerShell exec wrapper"
          " with its module_utils (Ansible.Basic, Ansible.AccessToken); the agent does"
          " not host them");
    case SCN_TOOL_GPP_DRIVE_MAP:
      return agent_out_why(pOut, AGENT_UNSUPPORTED,
          "a Group Policy Preferences drive map is applied by the Group Policy client at"
          " logon from a GPO; the agent cannot apply one item by itself");
    case SCN_TOOL_NETAPI_NETUSEADD:
    case SCN_TOOL_NETAPI_NETUSEDEL:
      if( h->bWine ){
        return agent_out_why(pOut, AGENT_UNSUPPORTED,
            "Wine's NetUseAdd and NetUseDel are stubs that return success and connect"
            " nothing (dlls/netapi32/netapi32.c)");
      }
      break;
    case SCN_TOOL_PS_NEW_PSDRIVE:
    case SCN_TOOL_PS_REMOVE_PSDRIVE:
    case SCN_TOOL_PS_NEW_SMBMAPPING:
    case SCN_TOOL_PS_REMOVE_SMBMAPPING:
      if( h->bWine ){
        return agent_out_why(pOut, AGENT_UNSUPPORTED,
            "Wine's powershell.exe is a stub that runs no command and exits 0"
            " (programs/powershell/main.c)");
      }
      break;
    default:
      return agent_out_why(pOut, AGENT_UNSUPPORTED, "the agent knows no such tool");
  }
  if( !h->bWnet ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED, "no network provider answers on this host");
  }
  if( !h->bExistingShares ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
        "the agent does not build SMB test shares; pass --existing-shares when the world's servers exist");
  }
  if( !c->bAllowChanges ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED, "running a tool needs --allow-host-changes");
  }
  if( s->eTool==SCN_TOOL_NETAPI_NETUSEADD || s->eTool==SCN_TOOL_NETAPI_NETUSEDEL ){
    return wtool_netuse(c, s, pOut);
  }
  return wtool_powershell(c, s, L, hThreadTok, pOut);
}
