/*
** sim/tools/ps_psdrive.c: PowerShell's New-PSDrive and Remove-PSDrive on
** the FileSystem provider (T4).
**
** Mirrors PowerShell/PowerShell
** src/System.Management.Automation/namespaces/FileSystemProvider.cs
** (NewDrive, MapNetworkDrive, RemoveDrive; stored version at commit
** 7fe160941d585aef85883199fb4c171a028d34a3) and the interop constants it
** passes (CONNECT_UPDATE_PROFILE with -Persist, CONNECT_NOPERSIST = 0
** otherwise).
**
** New-PSDrive name=<L> root=<unc>:
**   persist: WNetAddConnection2(L:, root, -Credential's user and password,
**            CONNECT_UPDATE_PROFILE): a real mapped drive, remembered.
**   user= without persist: WNetAddConnection2 with no local name, a
**            deviceless connection (C14) to the root's share; it belongs
**            to the logon session and outlives PowerShell.
**   neither: a drive of this PowerShell process only; no other process
**            sees it and it dies with the process (T1: the step is one
**            process).
** Remove-PSDrive name=<L> runs in a new process, where only real drives
** exist: a drive letter of the caller's view is cancelled with
** CONNECT_UPDATE_PROFILE and force; otherwise `tool-error no-such-drive`.
*/
#include "sim/tools/toolint.h"

void tool_ps_new_psdrive(SimToolCall *pCall){
  char c = tool_letter(pCall, "name");
  const char *zRoot = tool_arg(pCall, "root");
  const char *zUser = tool_arg(pCall, "user");
  const char *zPassword = tool_arg(pCall, "password");
  if( c==0 || zRoot==NULL ){
    pCall->rc = ERROR_INVALID_PARAMETER;
    return;
  }
  if( tool_arg(pCall, "persist") ){
    tool_why(pCall, "-Persist: map %c: with WNetAddConnection2 and remember it", c);
    pCall->rc = tool_add(pCall, "WNetAddConnection2", pCall->token, c, zRoot, zUser,
                         zPassword, SIM_CONNECT_UPDATE_PROFILE);
    return;
  }
  if( zUser ){
    tool_why(pCall, "-Credential without -Persist: a deviceless connection to the root's"
             " share, which outlives the process; %c: exists only inside PowerShell", c);
    pCall->rc = tool_add(pCall, "WNetAddConnection2", pCall->token, 0, zRoot, zUser,
                         zPassword, 0);
    return;
  }
  tool_why(pCall, "no -Persist, no -Credential: %c: is a drive of this PowerShell process"
           " only, gone when it exits; no connection is made", c);
}

void tool_ps_remove_psdrive(SimToolCall *pCall){
  char c = tool_letter(pCall, "name");
  int bIn = 0, rc;
  if( c==0 ){
    pCall->rc = ERROR_INVALID_PARAMETER;
    return;
  }
  rc = tool_letter_in_view(pCall, pCall->token, c, &bIn);
  if( rc ){ pCall->rc = rc; return; }
  if( !bIn ){
    tool_why(pCall, "a new PowerShell process has no drive %c: (a PowerShell-only drive died"
             " with its process)", c);
    tool_fail_word(pCall, "no-such-drive");
    return;
  }
  tool_why(pCall, "%c: is a drive of the caller's view: cancel it and forget it", c);
  pCall->rc = tool_cancel(pCall, "WNetCancelConnection2", pCall->token, c,
                          SIM_CONNECT_UPDATE_PROFILE, 1);
}
