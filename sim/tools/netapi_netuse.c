/*
** sim/tools/netapi_netuse.c: the NetUseAdd and NetUseDel API (T6), as
** Chef's mount resource calls it.
**
** Mirrors Microsoft's documentation of NetUseAdd/NetUseDel (lmuse.h;
** level 2, USE_INFO_2 with ui2_local, ui2_remote, ui2_username,
** ui2_password) and chef/chef lib/chef/provider/mount/windows.rb (read at
** commit 0a86198438c7f376c33b8f8f6f36e73ccb8620be), which maps a network
** drive through Chef::Util::Windows::NetUse#add and removes it with
** #delete. The workstation service makes the connection directly: mpr
** is not involved, so nothing is ever written to HKCU\Network.
** [F] The model performs it as WNetAddConnection2 without
** CONNECT_UPDATE_PROFILE (so C2's order of checks, including the check of
** a letter remembered for another path, applies as for mpr); NetUseDel as
** WNetCancelConnection2 without CONNECT_UPDATE_PROFILE.
*/
#include "sim/tools/toolint.h"

void tool_netapi_netuseadd(SimToolCall *pCall){
  char c = tool_letter(pCall, "local");
  const char *zRemote = tool_arg(pCall, "remote");
  if( c==0 || zRemote==NULL ){
    pCall->rc = ERROR_INVALID_PARAMETER;
    return;
  }
  tool_why(pCall, "NetUseAdd never remembers a connection");
  pCall->rc = tool_add(pCall, "NetUseAdd", pCall->token, c, zRemote,
                       tool_arg(pCall, "user"), tool_arg(pCall, "password"), 0);
}

void tool_netapi_netusedel(SimToolCall *pCall){
  char c = tool_letter(pCall, "local");
  if( c==0 ){
    pCall->rc = ERROR_INVALID_PARAMETER;
    return;
  }
  tool_why(pCall, "NetUseDel does not touch the remembered connections");
  pCall->rc = tool_cancel(pCall, "NetUseDel", pCall->token, c, 0, 1);
}
