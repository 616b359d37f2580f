/*
** runner/backends/simstep.c: the one mapping from a step to model calls
** (see simstep.h). The sim backend and the explorer's fast path both call
** simstep_run(); neither calls a sim_* function for a step on its own, so
** a step means the same thing to `mapscope run` and to `mapscope explore`
** (tests/explore/test_backend.c compares them on 45,000 steps).
**
** Contents:
**   1. Logon types
**   2. Steps other than `as`
**   3. `as <who> <command>`
**   4. Entry point
**   5. The world
*/
#include "runner/backends/simstep.h"
#include "runner/backends/backend_sim.h"

#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- 1 ---- */

SimLogonType simstep_logon_type(ScnLogonType e, int bS4u){
  if( bS4u ) return SIM_LOGON_S4U;
  return backend_sim_logon_type(e);
}

/* ---------------------------------------------------------------- 2 ---- */

/*
** `logon`: L1-L9 through sim_logon_user, and the v2 logons made from a
** live half (from=): netonly (L12) makes a new session; task (L13) and
** elevate (L14) hand back a half of an existing logon unless a credential
** prompt made a new one.
*/
static int simstep_logon(SimMachine *pM, const SimStepCall *pC, SimStepOut *pOut){
  SimLuid tok = 0;
  int rc;
  switch( pC->eLogonType ){
    case SCN_LOGON_NETONLY:
    case SCN_LOGON_TASK:
    case SCN_LOGON_ELEVATE:
      if( pC->tokFrom==0 || !sim_session_exists(pM, pC->tokFrom) ){
        sim_rule(pM, SIM_RULE_L10);
        return ERROR_NO_SUCH_LOGON_SESSION;
      }
      if( pC->eLogonType==SCN_LOGON_NETONLY ){
        rc = sim_logon_netonly(pM, pC->tokFrom, pC->zUser, pC->zLogonPassword, &tok);
      }else if( pC->eLogonType==SCN_LOGON_TASK ){
        rc = sim_logon_task(pM, pC->tokFrom, pC->bHighest, &tok);
      }else{
        rc = sim_elevate(pM, pC->tokFrom, pC->zLogonPassword, &tok);
      }
      break;
    default:
      rc = sim_logon_user(pM, pC->zUser, simstep_logon_type(pC->eLogonType, pC->bS4u),
                          pC->bHighest, pC->zLogonPassword, &tok);
      break;
  }
  if( rc ) return rc;
  if( sim_token_query(pM, tok, &pOut->made) ) return ERROR_NO_SUCH_LOGON_SESSION;
  pOut->tokMade = tok;
  return 0;
}

/* ---------------------------------------------------------------- 3 ---- */

/* `net use <L:>|* \\s\sh ...` (C8, C15). */
static int simstep_net_use_add(SimMachine *pM, const SimStepCall *pC, SimStepOut *pOut){
  /* C8: /persistent applies to this command and, on success, becomes the
  ** default; without it the default applies. C15: `net use *` is
  ** WNetUseConnection with CONNECT_REDIRECT and no local name. */
  char zLocal[3] = { pC->cLetter, ':', 0 };
  int bPersist = 1, rc;
  unsigned flags;
  if( pC->ePersistent<0 ){
    rc = sim_reg_get_net_use_default(pM, pC->tok, &bPersist);
    if( rc ) return rc;
  }else{
    bPersist = pC->ePersistent;
  }
  flags = bPersist ? SIM_CONNECT_UPDATE_PROFILE : 0;
  if( pC->eCmd==SCN_CMD_NET_USE_AUTO ){
    pOut->eShape = SIMSTEP_OK_LETTER;
    rc = sim_wnet_use_connection(pM, pC->tok, NULL, pC->zRemote, pC->zCredUser,
                                 pC->zCredPassword, flags|SIM_CONNECT_REDIRECT,
                                 &pOut->cLetter);
  }else{
    rc = sim_wnet_add_connection2(pM, pC->tok, zLocal, pC->zRemote, pC->zCredUser,
                                  pC->zCredPassword, flags);
  }
  if( rc==0 && pC->ePersistent>=0 ){
    rc = sim_reg_set_net_use_default(pM, pC->tok, pC->ePersistent);
  }
  return rc;
}

static int simstep_as(SimMachine *pM, const SimStepCall *pC, const SimStepVisit *pV,
                      SimStepOut *pOut){
  static const SimStepVisit none = { NULL, NULL, NULL, NULL, NULL, NULL, NULL };
  SimLuid tok = pC->tok;
  char zLocal[3] = { pC->cLetter, ':', 0 };
  unsigned flags;
  if( pV==NULL ) pV = &none;
  if( tok==0 || !sim_session_exists(pM, tok) ){
    sim_rule(pM, SIM_RULE_L10);
    return ERROR_NO_SUCH_LOGON_SESSION;                  /* L10 */
  }
  switch( pC->eCmd ){
    case SCN_CMD_NET_USE_LIST:
      pOut->eShape = SIMSTEP_LISTING;
      return sim_net_use_list(pM, tok, pV->xUse, pV->pCtx);
    case SCN_CMD_NET_USE_ADD:
    case SCN_CMD_NET_USE_AUTO:
      return simstep_net_use_add(pM, pC, pOut);
    case SCN_CMD_NET_USE_DEVICELESS:
      /* C14: no local name; CONNECT_UPDATE_PROFILE would be ignored */
      return sim_wnet_add_connection2(pM, tok, NULL, pC->zRemote, pC->zCredUser,
                                      pC->zCredPassword, 0);
    case SCN_CMD_NET_USE_DELETE_REMOTE:
      return sim_wnet_cancel_connection2(pM, tok, pC->zRemote, SIM_CONNECT_UPDATE_PROFILE, 1);
    case SCN_CMD_NET_USE_DELETE:
      return sim_wnet_cancel_connection2(pM, tok, zLocal, SIM_CONNECT_UPDATE_PROFILE, 1);
    case SCN_CMD_NET_USE_DELETE_ALL:
      return sim_net_use_delete_all(pM, tok);
    case SCN_CMD_NET_USE_PERSISTENT:
      return sim_reg_set_net_use_default(pM, tok, pC->ePersistent>0);
    case SCN_CMD_CMDKEY_ADD:
      return sim_cred_write(pM, tok, pC->zTarget, pC->zCredUser,
                            pC->zCredPassword ? pC->zCredPassword : "");
    case SCN_CMD_CMDKEY_DELETE:
      return sim_cred_delete(pM, tok, pC->zTarget);
    case SCN_CMD_CMDKEY_LIST:
      pOut->eShape = SIMSTEP_LISTING;
      return sim_cred_enumerate(pM, tok, pV->xCred, pV->pCtx);
    case SCN_CMD_DEFINE:
      return sim_define_dos_device(pM, tok, (pC->mFlag & SIMSTEP_RAW)
                                   ? SIM_DDD_RAW_TARGET_PATH : 0, pC->zName, pC->zTarget);
    case SCN_CMD_UNDEFINE:
      flags = SIM_DDD_REMOVE_DEFINITION;
      if( pC->mFlag & SIMSTEP_EXACT ) flags |= SIM_DDD_EXACT_MATCH_ON_REMOVE;
      if( pC->mFlag & SIMSTEP_RAW ) flags |= SIM_DDD_RAW_TARGET_PATH;
      return sim_define_dos_device(pM, tok, flags, pC->zName, pC->zTarget);
    case SCN_CMD_QUERY:
      pOut->eShape = SIMSTEP_LISTING;
      return sim_query_dos_device(pM, tok, pC->zName, pV->xTarget, pV->pCtx);
    case SCN_CMD_WNET_ADD:
      flags = 0;
      if( pC->mFlag & SIMSTEP_UPDATE ) flags |= SIM_CONNECT_UPDATE_PROFILE;
      if( pC->mFlag & SIMSTEP_TEMPORARY ) flags |= SIM_CONNECT_TEMPORARY;
      return sim_wnet_add_connection2(pM, tok, zLocal, pC->zRemote, pC->zCredUser,
                                      pC->zCredPassword, flags);
    case SCN_CMD_WNET_ADD_DEVICELESS:
      return sim_wnet_add_connection2(pM, tok, NULL, pC->zRemote, pC->zCredUser,
                                      pC->zCredPassword, (pC->mFlag & SIMSTEP_TEMPORARY)
                                      ? SIM_CONNECT_TEMPORARY : 0);
    case SCN_CMD_WNET_CANCEL:
      return sim_wnet_cancel_connection2(pM, tok, zLocal, (pC->mFlag & SIMSTEP_UPDATE)
                                         ? SIM_CONNECT_UPDATE_PROFILE : 0,
                                         (pC->mFlag & SIMSTEP_FORCE)!=0);
    case SCN_CMD_WNET_CANCEL_REMOTE:
      return sim_wnet_cancel_connection2(pM, tok, pC->zRemote, 0,
                                         (pC->mFlag & SIMSTEP_FORCE)!=0);
    case SCN_CMD_REG_SET:
      /* R6: HKCU\Network of the caller's user, from any of its sessions */
      return sim_reg_set_network_value(pM, tok, pC->cLetter, pC->zRegValue,
                                       pC->eRegType==SCN_REG_DWORD ? SIM_REG_DWORD
                                                                   : SIM_REG_SZ,
                                       pC->zRegData, pC->uRegDword);
    case SCN_CMD_REG_DELETE:
      return sim_reg_delete_network(pM, tok, pC->cLetter, pC->zRegValue);
    case SCN_CMD_WNET_GET:
      pOut->eShape = SIMSTEP_REMOTE;
      return sim_wnet_get_connection(pM, tok, zLocal, &pOut->zRemote);
    case SCN_CMD_WNET_ENUM:
      pOut->eShape = SIMSTEP_LISTING;
      return sim_wnet_enum(pM, tok, (pC->mFlag & SIMSTEP_REMEMBERED)
                           ? SIM_RESOURCE_REMEMBERED : SIM_RESOURCE_CONNECTED,
                           pV->xResource, pV->pCtx);
    case SCN_CMD_DRIVES:
      pOut->eShape = SIMSTEP_LISTING;
      return sim_dosdev_view(pM, tok, pV->xDrive, pV->pCtx);
    case SCN_CMD_TOKEN:
      pOut->eShape = SIMSTEP_TOKEN;
      return sim_token_query(pM, tok, &pOut->token);
    case SCN_CMD_PERSISTED:
      pOut->eShape = SIMSTEP_LISTING;
      return sim_reg_read_network(pM, tok, pV->xNet, pV->pCtx);
    case SCN_CMD_DIR:
      return sim_open_path(pM, tok, pC->zPath);
    default:
      return ERROR_INVALID_PARAMETER;
  }
}

/* ---------------------------------------------------------------- 4 ---- */

int simstep_run(SimMachine *pM, const SimStepCall *pC, const SimStepVisit *pV,
                SimStepOut *pOut){
  char zName[3] = { pC->cLetter, ':', 0 };
  int i, rc;
  memset(pOut, 0, sizeof(*pOut));
  switch( pC->eKind ){
    case SCN_STEP_LOGON:
      return simstep_logon(pM, pC, pOut);
    case SCN_STEP_LOGOFF:
      if( pC->tok==0 ){
        sim_rule(pM, SIM_RULE_L10);
        return ERROR_NO_SUCH_LOGON_SESSION;
      }
      return sim_logoff(pM, pC->tok);
    case SCN_STEP_REBOOT:
      return sim_reboot(pM);
    case SCN_STEP_SET:
      rc = 0;
      for(i=0; i<pC->nSetting && rc==0; i++){
        rc = sim_policy_set(pM, backend_sim_policy(pC->aSetting[i].ePolicy),
                            pC->aSetting[i].bOn);
      }
      return rc;
    case SCN_STEP_BOOTDEVICE:
      if( pC->zTarget==NULL ) return sim_reg_delete_boot_device(pM, zName);
      return sim_reg_set_boot_device(pM, zName, pC->zTarget);
    case SCN_STEP_AS:
      return simstep_as(pM, pC, pV, pOut);
    default:
      return ERROR_INVALID_PARAMETER;
  }
}

/* ---------------------------------------------------------------- 5 ---- */

int simstep_world(SimMachine *pM, const Scenario *pScn, char *zErr, size_t nErr){
  int i, j, rc = 0;
  for(i=0; i<SCN_POL_COUNT; i++){
    /* a policy the model does not have is left out */
    if( backend_sim_policy((ScnPolicy)i)==SIM_POL_COUNT ) continue;
    sim_policy_init(pM, backend_sim_policy((ScnPolicy)i), pScn->machine.abPolicy[i]);
  }
  rc = sim_machine_set_fixed_disks(pM, pScn->machine.mDisks);
  if( rc ){
    snprintf(zErr, nErr, "bad fixed disks (error %d)", rc);
    return rc;
  }
  for(i=0; i<pScn->nUser; i++){
    const ScnUser *pU = &pScn->aUser[i];
    rc = sim_machine_add_user(pM, pU->zName, backend_sim_account_kind(pU->eKind),
                              pU->bDomain, pU->zPassword);
    if( rc ){
      snprintf(zErr, nErr, "line %d: user %s refused by the model (error %d)",
               pU->iLine, pU->zName, rc);
      return rc;
    }
  }
  for(i=0; i<pScn->nShare; i++){
    const ScnShare *pSh = &pScn->aShare[i];
    rc = sim_machine_add_share(pM, pSh->zServer, pSh->zShare, pSh->bEveryone,
                               (const char *const*)pSh->azGrant, pSh->nGrant,
                               pSh->bAnonymous);
    if( rc ){
      snprintf(zErr, nErr, "line %d: share %s refused by the model (error %d)",
               pSh->iLine, pSh->zUnc, rc);
      return rc;
    }
  }
  /* C16: alias= names other names of a share's server, for all its shares */
  for(i=0; i<pScn->nShare; i++){
    const ScnShare *pSh = &pScn->aShare[i];
    for(j=0; j<pSh->nAlias; j++){
      rc = sim_machine_add_server_alias(pM, pSh->zServer, pSh->azAlias[j]);
      if( rc ){
        snprintf(zErr, nErr, "line %d: alias %s refused by the model (error %d)",
                 pSh->iLine, pSh->azAlias[j], rc);
        return rc;
      }
    }
  }
  return 0;
}
