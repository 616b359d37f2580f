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
**   ansible.*  the module's own script (win_mapped_drive.ps1 of a
**       community.windows checkout, win_credential.ps1 of ansible.windows)
**       with ansible-core's module_utils (Ansible.Basic, Ansible.AccessToken,
**       the AddType util), found in the directories given with
**       --ansible-dir, run in PowerShell under the half as above; the
**       module's JSON result gives the outcome. Without --ansible-dir:
**       unsupported. win_credential is unsupported until its vault write is
**       journalled.
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
**   3. PowerShell under the half's token: the cmdlets
**   4. Ansible modules (--ansible-dir)
**   5. The entry point
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

/* What a PowerShell run left: its exit code and the start of what it
** wrote (stdout and stderr together). */
typedef struct WtoolRun WtoolRun;
struct WtoolRun {
  DWORD dwExit;              /* the process's exit code */
  char zText[16384];         /* its output, NUL-terminated, cut to fit */
};

/*
** Run zScript in Windows PowerShell under the step's half (a primary
** token duplicated from the agent's own handle of that half), with the
** step's password, if any, on its standard input. Returns AGENT_DONE with
** *pRun filled, or AGENT_UNSUPPORTED / AGENT_FAILED with the reason set in
** pOut.
*/
static AgentOutcome wtool_run_ps(const ScnStep *s, const WinLogon *L, HANDLE hThreadTok,
                                 const char *zScript, WtoolRun *pRun, AgentOut *pOut){
  WCHAR zExe[MAX_PATH+64], *wB64 = NULL, *wCmd = NULL;
  HANDLE hHalf = wtool_half_handle(L, hThreadTok), hPrimary = NULL;
  HANDLE hInR = NULL, hInW = NULL, hOutR = NULL, hOutW = NULL;
  SECURITY_ATTRIBUTES sa;
  STARTUPINFOW si;
  PROCESS_INFORMATION pi;
  DWORD nRead = 0, nWritten = 0, nCmd;
  AgentOutcome e = AGENT_DONE;
  size_t nScript, i, nText = 0;
  unsigned char *aUtf16;
  UINT nDir = GetSystemDirectoryW(zExe, MAX_PATH);

  memset(pRun, 0, sizeof(*pRun));
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
  if( !DuplicateTokenEx(hHalf, MAXIMUM_ALLOWED, NULL, SecurityImpersonation,
                        TokenPrimary, &hPrimary) ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
        "no primary token of the half for PowerShell (DuplicateTokenEx: %lu)", GetLastError());
  }
  /* -EncodedCommand takes base64 of the UTF-16LE script */
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
  nCmd = (DWORD)(wcslen(wB64)+wcslen(zExe)+128);
  wCmd = malloc(sizeof(WCHAR)*nCmd);
  if( wCmd==NULL ){ e = agent_out_why(pOut, AGENT_FAILED, "out of memory"); goto done; }
  swprintf(wCmd, nCmd,
           L"\"%ls\" -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand %ls",
           zExe, wB64);

  memset(&sa, 0, sizeof(sa));
  sa.nLength = sizeof(sa);
  sa.bInheritHandle = TRUE;
  if( !CreatePipe(&hInR, &hInW, &sa, 0) || !CreatePipe(&hOutR, &hOutW, &sa, 1<<16) ){
    e = agent_out_why(pOut, AGENT_FAILED, "CreatePipe: %lu", GetLastError());
    goto done;
  }
  SetHandleInformation(hInW, HANDLE_FLAG_INHERIT, 0);
  SetHandleInformation(hOutR, HANDLE_FLAG_INHERIT, 0);
  memset(&si, 0, sizeof(si));
  si.cb = sizeof(si);
  si.dwFlags = STARTF_USESTDHANDLES;
  si.hStdInput = hInR;
  si.hStdOutput = hOutW;
  si.hStdError = hOutW;
  memset(&pi, 0, sizeof(pi));
  /* CreateProcessWithTokenW needs the agent's SeImpersonatePrivilege: ask
  ** as the agent, not as the half, then impersonate the half again (with
  ** the agent's handle: hThreadTok may only query) */
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
  ImpersonateLoggedOnUser(hHalf);
  CloseHandle(hInR); hInR = NULL;
  CloseHandle(hOutW); hOutW = NULL;
  if( s->zCredPassword ){
    WriteFile(hInW, s->zCredPassword, (DWORD)strlen(s->zCredPassword), &nWritten, NULL);
  }
  WriteFile(hInW, "\r\n", 2, &nWritten, NULL);
  CloseHandle(hInW); hInW = NULL;
  if( WaitForSingleObject(pi.hProcess, 300000)!=WAIT_OBJECT_0 ){
    TerminateProcess(pi.hProcess, 1);
    CloseHandle(pi.hProcess); CloseHandle(pi.hThread);
    e = agent_out_why(pOut, AGENT_FAILED, "PowerShell did not finish within 300 s");
    goto done;
  }
  GetExitCodeProcess(pi.hProcess, &pRun->dwExit);
  CloseHandle(pi.hProcess); CloseHandle(pi.hThread);
  while( nText<sizeof(pRun->zText)-1
      && ReadFile(hOutR, pRun->zText+nText, (DWORD)(sizeof(pRun->zText)-1-nText), &nRead, NULL)
      && nRead>0 ){
    nText += nRead;
  }
  pRun->zText[nText] = 0;
done:
  if( hInR ) CloseHandle(hInR);
  if( hInW ) CloseHandle(hInW);
  if( hOutR ) CloseHandle(hOutR);
  if( hOutW ) CloseHandle(hOutW);
  if( hPrimary ) CloseHandle(hPrimary);
  free(wB64);
  free(wCmd);
  return e;
}

/* The first line of z, into zBuf. */
static void wtool_first_line(const char *z, char *zBuf, size_t nBuf){
  size_t n = strcspn(z, "\r\n");
  if( n>=nBuf ) n = nBuf-1;
  memcpy(zBuf, z, n);
  zBuf[n] = 0;
}

/* A ps.* step: the cmdlet under the half. */
static AgentOutcome wtool_powershell(AgentCore *c, const ScnStep *s, const WinLogon *L,
                                     HANDLE hThreadTok, AgentOut *pOut){
  WtoolRun *pRun;
  char *zScript, zLine[400];
  AgentOutcome e;
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
  zScript = wtool_script(s);
  pRun = malloc(sizeof(*pRun));
  if( zScript==NULL || pRun==NULL ){
    free(zScript); free(pRun);
    return agent_out_why(pOut, AGENT_FAILED, "out of memory");
  }
  e = wtool_run_ps(s, L, hThreadTok, zScript, pRun, pOut);
  free(zScript);
  if( e!=AGENT_DONE ){ free(pRun); return e; }
  wtool_first_line(pRun->zText, zLine, sizeof(zLine));
  if( pRun->dwExit==0 ){
    agent_out_line(pOut, "ok");
  }else if( pRun->dwExit==WIN_TOOL_NO_SUCH_DRIVE ){
    agent_out_line(pOut, "tool-error no-such-drive");
  }else if( pRun->dwExit==WIN_TOOL_NO_CMDLET ){
    e = agent_out_why(pOut, AGENT_UNSUPPORTED,
                      "this host has no SmbShare module (Windows 8 / Server 2012 and later)");
  }else if( pRun->dwExit<=0xFFFF ){
    agent_out_error(pOut, (int)pRun->dwExit);
  }else{
    e = agent_out_why(pOut, AGENT_FAILED, "the cmdlet failed without a Win32 error code: %s",
                      zLine[0] ? zLine : "(no message)");
  }
  free(pRun);
  return e;
}

/* ---------------------------------------------------------------- 4 ---- */

/* Directories given with --ansible-dir: checkouts of ansible-core and of
** the collections, searched in order (the agent's options, set once at
** start). */
#define WTOOL_MAX_ANSIBLE_DIRS 8
static char *azAnsibleDir[WTOOL_MAX_ANSIBLE_DIRS];
static int nAnsibleDir = 0;

int win_tools_add_ansible_dir(const char *zDir){
  size_t n;
  if( zDir==NULL || zDir[0]==0 || nAnsibleDir>=WTOOL_MAX_ANSIBLE_DIRS ) return 1;
  n = strlen(zDir);
  azAnsibleDir[nAnsibleDir] = malloc(n+1);
  if( azAnsibleDir[nAnsibleDir]==NULL ) return 1;
  memcpy(azAnsibleDir[nAnsibleDir], zDir, n+1);
  while( n>1 && (azAnsibleDir[nAnsibleDir][n-1]=='\\' || azAnsibleDir[nAnsibleDir][n-1]=='/') ){
    azAnsibleDir[nAnsibleDir][--n] = 0;
  }
  nAnsibleDir++;
  return 0;
}

/* The first --ansible-dir holding zRel (a relative path), as a malloc'd
** full path, or NULL. */
static char *wtool_ansible_find(const char *zRel){
  int i;
  for(i=0; i<nAnsibleDir; i++){
    size_t n = strlen(azAnsibleDir[i])+strlen(zRel)+2;
    char *z = malloc(n);
    WCHAR *w;
    DWORD dwAttr;
    if( z==NULL ) return NULL;
    snprintf(z, n, "%s\\%s", azAnsibleDir[i], zRel);
    w = win_wide(z);
    dwAttr = w ? GetFileAttributesW(w) : INVALID_FILE_ATTRIBUTES;
    free(w);
    if( dwAttr!=INVALID_FILE_ATTRIBUTES && !(dwAttr & FILE_ATTRIBUTE_DIRECTORY) ) return z;
    free(z);
  }
  return NULL;
}

/*
** The bootstrap that runs an Ansible module's own script outside Ansible:
** ansible-core's module_utils (Ansible.Basic, Ansible.AccessToken and the
** AddType PowerShell util) are compiled and imported as Ansible's exec
** wrapper would, the step's keys become the module's arguments file, and
** the module's script runs; Ansible.Basic prints its JSON result and sets
** the exit code (0, or 1 after FailJson). The password comes on stdin.
*/
static char *wtool_ansible_script(const ScnStep *s, const char *zUtils, const char *zModule){
  char *z = NULL;
  size_t n = 0, nAlloc = 0;
  int bErr = 0, i;
#define W(x)  bErr |= wtool_append(&z, &n, &nAlloc, (x), 0)
#define Q(x)  bErr |= wtool_append(&z, &n, &nAlloc, (x), 1)
  W("$ErrorActionPreference='Stop'\n");
  W("$pw=[Console]::In.ReadLine()\n");
  W("$u="); Q(zUtils); W("\n");
  W("Import-Module (Join-Path $u 'powershell\\Ansible.ModuleUtils.AddType.psm1')\n");
  W("Add-CSharpType -References @((Get-Content -LiteralPath (Join-Path $u 'csharp\\Ansible.Basic.cs') -Raw),"
    " (Get-Content -LiteralPath (Join-Path $u 'csharp\\Ansible.AccessToken.cs') -Raw))\n");
  W("$a=@{}\n");
  for(i=0; i<s->nToolArg; i++){
    const ScnToolArg *pA = &s->aToolArg[i];
    const char *zKey = scn_tool_key_name(pA->eKey);
    char zLetter[2] = { s->cLetter, 0 };
    if( pA->eKey==SCN_TKEY_PASSWORD || pA->eKey==SCN_TKEY_SECRET ){
      W("$a["); Q(zKey); W("]=$pw\n");
    }else if( pA->eKey==SCN_TKEY_LETTER ){
      W("$a['letter']="); Q(zLetter); W("\n");          /* the module takes `Z` */
    }else if( pA->eKey==SCN_TKEY_NAME && s->eTool==SCN_TOOL_ANSIBLE_CREDENTIAL ){
      W("$a['name']="); Q(pA->zValue ? pA->zValue : ""); W("; $a['type']='domain_password'\n");
    }else{
      W("$a["); Q(zKey); W("]="); Q(pA->zValue ? pA->zValue : ""); W("\n");
    }
  }
  W("$f=[IO.Path]::GetTempFileName()\n");
  W("[IO.File]::WriteAllText($f, (ConvertTo-Json -InputObject $a -Compress))\n");
  W("$code=(Get-Content -LiteralPath "); Q(zModule);
  W(" -Raw) -replace '(?m)^#Requires -Module .*$',''\n");
  W("try { & ([ScriptBlock]::Create($code)) $f } finally { Remove-Item -LiteralPath $f -Force }\n");
#undef W
#undef Q
  if( bErr ){ free(z); return NULL; }
  return z;
}

/* An ansible.* step: the module's own script under the half. */
static AgentOutcome wtool_ansible(AgentCore *c, const ScnStep *s, const WinLogon *L,
                                  HANDLE hThreadTok, AgentOut *pOut){
  const char *zRel = s->eTool==SCN_TOOL_ANSIBLE_MAPPED_DRIVE
                   ? "plugins\\modules\\win_mapped_drive.ps1"
                   : "plugins\\modules\\win_credential.ps1";
  char *zModule, *zBasic, *zUtils, *zScript, *zMsg, zLine[1024];
  WtoolRun *pRun;
  AgentOutcome e;
  if( nAnsibleDir==0 ){
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
        "no --ansible-dir: point the agent at checkouts of ansible-core and of the"
        " collection (community.windows for win_mapped_drive, ansible.windows for"
        " win_credential)");
  }
  zModule = wtool_ansible_find(zRel);
  zBasic = wtool_ansible_find("lib\\ansible\\module_utils\\csharp\\Ansible.Basic.cs");
  if( zModule==NULL || zBasic==NULL ){
    free(zModule); free(zBasic);
    return agent_out_why(pOut, AGENT_UNSUPPORTED, "no --ansible-dir holds %s",
                         zModule==NULL ? zRel : "lib\\ansible\\module_utils\\csharp\\Ansible.Basic.cs");
  }
  zUtils = zBasic;
  zUtils[strlen(zUtils)-strlen("\\csharp\\Ansible.Basic.cs")] = 0;
  if( s->eTool==SCN_TOOL_ANSIBLE_MAPPED_DRIVE ){
    char zLetter[3] = { s->cLetter, ':', 0 };
    if( wtool_journal_netuse(c, s, zLetter) ){
      free(zModule); free(zUtils);
      return agent_out_why(pOut, AGENT_FAILED, "the journal could not record the connection");
    }
  }else{
    free(zModule); free(zUtils);
    return agent_out_why(pOut, AGENT_UNSUPPORTED,
        "the agent does not journal win_credential's vault write, so it could not undo it");
  }
  zScript = wtool_ansible_script(s, zUtils, zModule);
  free(zModule); free(zUtils);
  pRun = malloc(sizeof(*pRun));
  if( zScript==NULL || pRun==NULL ){
    free(zScript); free(pRun);
    return agent_out_why(pOut, AGENT_FAILED, "out of memory");
  }
  e = wtool_run_ps(s, L, hThreadTok, zScript, pRun, pOut);
  free(zScript);
  if( e!=AGENT_DONE ){ free(pRun); return e; }
  /* Ansible.Basic's result: {"changed":...,"failed":true,"msg":"..."} */
  zMsg = strstr(pRun->zText, "\"msg\":\"");
  wtool_first_line(zMsg ? zMsg+7 : pRun->zText, zLine, sizeof(zLine));
  if( pRun->dwExit==0 && strstr(pRun->zText, "\"failed\":true")==NULL ){
    agent_out_line(pOut, "ok");
  }else if( strstr(zLine, "this letter is in use") ){
    agent_out_line(pOut, "tool-error letter-in-use");
  }else if( strstr(zLine, "did not delete mapped drive") ){
    agent_out_line(pOut, "tool-error different-path");
  }else if( strstr(zLine, "Win32ErrorCode ") ){
    agent_out_error(pOut, atoi(strstr(zLine, "Win32ErrorCode ")+15));
  }else{
    e = agent_out_why(pOut, AGENT_FAILED, "the module failed without a Win32 error code: %s",
                      zLine[0] ? zLine : "(no output)");
  }
  free(pRun);
  return e;
}

/* ---------------------------------------------------------------- 5 ---- */

AgentOutcome win_cmd_tool(WinHost *h, AgentCore *c, const ScnStep *s,
                          const WinLogon *L, HANDLE hThreadTok, AgentOut *pOut){
  switch( s->eTool ){
    case SCN_TOOL_ANSIBLE_MAPPED_DRIVE:
    case SCN_TOOL_ANSIBLE_CREDENTIAL:
      if( h->bWine ){
        return agent_out_why(pOut, AGENT_UNSUPPORTED,
            "an Ansible module runs in PowerShell, and Wine's powershell.exe is a stub that"
            " runs no command and exits 0 (programs/powershell/main.c)");
      }
      break;
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
  if( s->eTool==SCN_TOOL_ANSIBLE_MAPPED_DRIVE || s->eTool==SCN_TOOL_ANSIBLE_CREDENTIAL ){
    return wtool_ansible(c, s, L, hThreadTok, pOut);
  }
  return wtool_powershell(c, s, L, hThreadTok, pOut);
}
