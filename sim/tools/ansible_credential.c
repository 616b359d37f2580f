/*
** sim/tools/ansible_credential.c: Ansible's win_credential (T3).
**
** Mirrors ansible-collections/ansible.windows
** plugins/modules/win_credential.ps1 (read at commit
** b1187582798035474ff0aab69211fe104a8cc221): with type=domain_password it
** writes the credential with CredWriteW (state=present) or removes it
** with CredDeleteW (state=absent), as `cmdkey` does (K1). It reads the
** credential first, so removing one that is not there changes nothing
** and succeeds. A logon without vault access (a WinRM network logon
** without become) fails with ERROR_NO_SUCH_LOGON_SESSION (K2).
*/
#include "sim/str.h"
#include "sim/tools/toolint.h"

void tool_ansible_credential(SimToolCall *pCall){
  const char *zState = tool_arg(pCall, "state");
  const char *zName = tool_arg(pCall, "name");
  int rc;
  if( zState==NULL || zName==NULL ){
    pCall->rc = ERROR_INVALID_PARAMETER;
    return;
  }
  if( simstr_ieq(zState, "present") ){
    tool_why(pCall, "state=present: write a domain-password credential for %s", zName);
    pCall->rc = tool_cred_write(pCall, pCall->token, zName, tool_arg(pCall, "username"),
                                tool_arg(pCall, "secret"));
    return;
  }
  rc = tool_cred_delete(pCall, pCall->token, zName);
  if( rc==ERROR_NOT_FOUND ){
    tool_why(pCall, "state=absent and no credential for %s: no change", zName);
    rc = 0;
  }
  pCall->rc = rc;
}
