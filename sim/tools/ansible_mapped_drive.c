/*
** sim/tools/ansible_mapped_drive.c: Ansible's win_mapped_drive (T2).
**
** Mirrors ansible-collections/community.windows
** plugins/modules/win_mapped_drive.ps1 as read at commit
** fb72161648c396efdaf7b3f98171d1f144a678b3 (the module rewritten for
** Ansible 2.8; it moved from ansible.windows to community.windows).
**
** What the module does, in order:
**   1. Get-LimitedToken: when the process token's elevation type is Full,
**      it takes the linked token (under a SYSTEM token that holds
**      SeTcbPrivilege, which the model always finds) and runs every WNet
**      call impersonating it; otherwise it impersonates nothing.
**   2. GetMappedDrives: WNetOpenEnum(RESOURCE_REMEMBERED, disk), looking
**      for the letter.
**   3. state=absent: when remembered (and, if path= was given, for that
**      path), WNetCancelConnection2(CONNECT_UPDATE_PROFILE, force).
**      state=present: remembered for another path: cancel, then connect;
**      remembered for the same path: nothing; not remembered: the letter
**      must not be a drive of the process (Get-PSDrive, run by PowerShell
**      itself, outside the impersonation), then connect with
**      CONNECT_UPDATE_PROFILE and the given user name and password.
**   4. When a user name was given and something changed, Set-ItemProperty
**      HKCU:\Network\<letter> UserName "" (outside the impersonation), so
**      a later restore uses the vault (R6).
** The module's own failures print `tool-error letter-in-use` and
** `tool-error different-path` (its "did not delete mapped drive" check on
** state=absent with a path=).
*/
#include "sim/str.h"
#include "sim/tools/toolint.h"

/* Step 1: the token the WNet calls run as. */
static SimLuid mapped_drive_wnet_token(SimToolCall *pCall){
  SimTokenInfo info;
  char zName[80];
  if( sim_token_query(pCall->pM, pCall->token, &info) ) return pCall->token;
  if( info.eElevation==SIM_ELEVATION_FULL && info.luidLinked ){
    tool_token_name(pCall, info.luidLinked, zName, sizeof(zName));
    tool_why(pCall, "the process token is Full: WNet calls impersonate its linked limited"
             " token %s (got with SYSTEM's SeTcbPrivilege)", zName);
    return info.luidLinked;
  }
  tool_why(pCall, "the process token is not Full (%s): no impersonation",
           info.eElevation==SIM_ELEVATION_LIMITED ? "limited" : "not split");
  return pCall->token;
}

void tool_ansible_mapped_drive(SimToolCall *pCall){
  const char *zState = tool_arg(pCall, "state");
  const char *zPath = tool_arg(pCall, "path");
  const char *zUser = tool_arg(pCall, "username");
  const char *zPassword = tool_arg(pCall, "password");
  char c = tool_letter(pCall, "letter");
  const char *zExisting = NULL;
  SimLuid wtok;
  int rc, bIn = 0;

  if( c==0 || zState==NULL ){
    pCall->rc = ERROR_INVALID_PARAMETER;
    return;
  }
  wtok = mapped_drive_wnet_token(pCall);
  rc = tool_find_remembered(pCall, wtok, c, &zExisting);
  if( rc ){ pCall->rc = rc; return; }

  if( simstr_ieq(zState, "absent") ){
    if( zExisting==NULL ){
      tool_why(pCall, "state=absent and %c: is not remembered: nothing to do", c);
      return;
    }
    /* [F58] the module's "did not delete mapped drive" failure; T2 names
    ** no error for it (docs/model-choices.md). */
    if( zPath && !simstr_ieq(zExisting, zPath) ){
      tool_why(pCall, "state=absent with path=%s but %c: is remembered for %s", zPath, c,
               zExisting);
      tool_fail_word(pCall, "different-path");
      return;
    }
    tool_why(pCall, "state=absent and %c: is remembered: remove it", c);
    pCall->rc = tool_cancel(pCall, "WNetCancelConnection2", wtok, c,
                            SIM_CONNECT_UPDATE_PROFILE, 1);
    return;
  }

  if( zPath==NULL ){
    pCall->rc = ERROR_INVALID_PARAMETER;
    return;
  }
  if( zExisting && simstr_ieq(zExisting, zPath) ){
    tool_why(pCall, "%c: is already remembered for %s: no change (username is not blanked)",
             c, zPath);
    return;
  }
  if( zExisting ){
    tool_why(pCall, "%c: is remembered for another path (%s): remove it, then map", c,
             zExisting);
    rc = tool_cancel(pCall, "WNetCancelConnection2", wtok, c, SIM_CONNECT_UPDATE_PROFILE, 1);
    if( rc ){ pCall->rc = rc; return; }
  }else{
    /* the check runs in PowerShell itself, as the caller's own half */
    rc = tool_letter_in_view(pCall, pCall->token, c, &bIn);
    if( rc ){ pCall->rc = rc; return; }
    if( bIn ){
      tool_why(pCall, "%c: is not remembered but is a drive of the module's process:"
               " \"this letter is in use\"", c);
      tool_fail_word(pCall, "letter-in-use");
      return;
    }
    tool_why(pCall, "%c: is neither remembered nor a drive of the process: map it", c);
  }
  rc = tool_add(pCall, "WNetAddConnection2", wtok, c, zPath, zUser, zPassword,
                SIM_CONNECT_UPDATE_PROFILE);
  if( rc ){ pCall->rc = rc; return; }
  if( zUser ){
    tool_why(pCall, "username was given: blank the remembered UserName so that a restore"
             " uses the vault");
    pCall->rc = tool_reg_set(pCall, pCall->token, c, "UserName", "");
  }
}
