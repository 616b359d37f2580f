/*
** sim/tools/ps_smbmapping.c: New-SmbMapping and Remove-SmbMapping of the
** SmbShare PowerShell module (T5).
**
** Mirrors Microsoft's documentation of the cmdlets (learn.microsoft.com,
** powershell/module/smbshare/new-smbmapping and remove-smbmapping;
** Windows 8 / Server 2012 and later): -Persistent remembers the mapping;
** -SaveCredentials stores -UserName/-Password in the Credential Manager.
** The model: WNetAddConnection2 of the letter, with CONNECT_UPDATE_PROFILE
** only under persistent; then, with save-credentials and a user, a
** domain-password credential for the server, as cmdkey writes it (K1).
** Remove-SmbMapping cancels with CONNECT_UPDATE_PROFILE and force.
*/
#include <string.h>

#include "sim/tools/toolint.h"

/* The server part of \\server\share..., into zBuf. */
static void smbmapping_server(const char *zRemote, char *zBuf, size_t nBuf){
  size_t n = 0;
  const char *z = zRemote;
  while( *z=='\\' ) z++;
  while( z[n] && z[n]!='\\' ) n++;
  if( n>=nBuf ) n = nBuf-1;
  memcpy(zBuf, z, n);
  zBuf[n] = 0;
}

void tool_ps_new_smbmapping(SimToolCall *pCall){
  char c = tool_letter(pCall, "local");
  const char *zRemote = tool_arg(pCall, "remote");
  const char *zUser = tool_arg(pCall, "user");
  const char *zPassword = tool_arg(pCall, "password");
  int bPersistent = tool_arg(pCall, "persistent")!=NULL;
  int rc;
  char zServer[256];
  if( c==0 || zRemote==NULL ){
    pCall->rc = ERROR_INVALID_PARAMETER;
    return;
  }
  tool_why(pCall, bPersistent ? "-Persistent: the mapping is remembered"
                              : "no -Persistent: the mapping is not remembered");
  rc = tool_add(pCall, "WNetAddConnection2", pCall->token, c, zRemote, zUser, zPassword,
                bPersistent ? SIM_CONNECT_UPDATE_PROFILE : 0);
  if( rc ){ pCall->rc = rc; return; }
  if( tool_arg(pCall, "save-credentials") && zUser ){
    smbmapping_server(zRemote, zServer, sizeof(zServer));
    tool_why(pCall, "-SaveCredentials: store the credential for %s in the caller's vault",
             zServer);
    pCall->rc = tool_cred_write(pCall, pCall->token, zServer, zUser, zPassword);
  }
}

void tool_ps_remove_smbmapping(SimToolCall *pCall){
  char c = tool_letter(pCall, "local");
  if( c==0 ){
    pCall->rc = ERROR_INVALID_PARAMETER;
    return;
  }
  pCall->rc = tool_cancel(pCall, "WNetCancelConnection2", pCall->token, c,
                          SIM_CONNECT_UPDATE_PROFILE, 1);
}
