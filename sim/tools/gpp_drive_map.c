/*
** sim/tools/gpp_drive_map.c: a Group Policy Preferences drive map (T7).
**
** Mirrors [MS-GPPREF] 2.2.1.4.1 (Drive Maps: the Drive element of
** Drives.xml, its Properties action="C|R|U|D", letter, path, persistent,
** userName, cpassword). The client side extension applies it at logon, in
** the user's process half (the limited one of a split logon, L5): a
** scenario runs it `as` the interactive logon right after `logon`.
**   create   connect unless the letter is already connected
**   replace  cancel (CONNECT_UPDATE_PROFILE, force), then connect
**   update   connect if not connected (an existing connection stays)
**   delete   cancel (CONNECT_UPDATE_PROFILE, force)
** persistent=1 connects with CONNECT_UPDATE_PROFILE. [choice] Cancelling
** a letter that is not connected (replace, delete) is not an error: the
** item's job is that the letter ends up as it says.
*/
#include "sim/str.h"
#include "sim/tools/toolint.h"

/* Connect the drive map's letter. */
static int gpp_connect(SimToolCall *pCall, char c, const char *zPath){
  const char *zPersistent = tool_arg(pCall, "persistent");
  int bPersistent = zPersistent && zPersistent[0]=='1';
  return tool_add(pCall, "WNetAddConnection2", pCall->token, c, zPath,
                  tool_arg(pCall, "user"), tool_arg(pCall, "password"),
                  bPersistent ? SIM_CONNECT_UPDATE_PROFILE : 0);
}

/* Cancel it; not connected counts as done. */
static int gpp_cancel(SimToolCall *pCall, char c){
  int rc = tool_cancel(pCall, "WNetCancelConnection2", pCall->token, c,
                       SIM_CONNECT_UPDATE_PROFILE, 1);
  if( rc==ERROR_NOT_CONNECTED ){
    tool_why(pCall, "%c: was not connected: nothing to remove", c);
    rc = 0;
  }
  return rc;
}

void tool_gpp_drive_map(SimToolCall *pCall){
  const char *zAction = tool_arg(pCall, "action");
  const char *zPath = tool_arg(pCall, "path");
  char c = tool_letter(pCall, "letter");
  int rc;
  if( zAction==NULL || c==0 ){
    pCall->rc = ERROR_INVALID_PARAMETER;
    return;
  }
  if( simstr_ieq(zAction, "delete") ){
    tool_why(pCall, "action=delete: remove %c:", c);
    pCall->rc = gpp_cancel(pCall, c);
    return;
  }
  if( zPath==NULL ){
    pCall->rc = ERROR_INVALID_PARAMETER;
    return;
  }
  if( simstr_ieq(zAction, "replace") ){
    tool_why(pCall, "action=replace: remove %c:, then map it", c);
    rc = gpp_cancel(pCall, c);
    if( rc==0 ) rc = gpp_connect(pCall, c, zPath);
    pCall->rc = rc;
    return;
  }
  /* create, update */
  rc = tool_get_connection(pCall, pCall->token, c);
  if( rc==0 ){
    tool_why(pCall, "action=%s and %c: is already connected: leave it", zAction, c);
    return;
  }
  tool_why(pCall, "action=%s and %c: is not connected: map it", zAction, c);
  pCall->rc = gpp_connect(pCall, c, zPath);
}
