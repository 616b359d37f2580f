/*
** sim/machine.c: creating, freeing and rebooting a machine; its accounts,
** shares, fixed disks and policies (SEMANTICS W1-W5, L9, G5).
**
** Contents:
**   1. Internal lookups used by the other modules
**   2. Boot: fixed disks and boot-time devices
**   3. Creating and freeing
**   4. The world: accounts, shares, disks
**   5. Policies (W1, W2)
**   6. Reboot (L9)
**   7. Planted bugs (test only)
**   8. Introspection
*/
#include "sim/simint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The first LUID handed to a logon. [F] Windows hands out LUIDs from a
** counter that starts near 0x3e8 at boot and grows with every logon, so
** values like 0x000bd3c0 are typical; the model starts at 0x10000 and
** never reuses a LUID, even across reboots, so an ended session's LUID is
** never mistaken for a live one (L10). */
#define SIM_FIRST_LUID ((SimLuid)0x10000)

/* ---------------------------------------------------------------- 1 ---- */

SimSession *simm_session(const SimMachine *pM, SimLuid luid){
  return (SimSession*)simhash_find(&pM->sessions, luid);
}

void simm_rule(const SimMachine *pM, SimRule eRule){
  sim_rule((SimMachine*)pM, eRule);
}

/* Index of account zName in apUser, or -1. Accounts are few (the world a
** scenario names); logon sessions are never scanned. */
int simm_user_index(const SimMachine *pM, const char *zName){
  int i;
  if( zName==NULL ) return -1;
  for(i=0; i<pM->nUser; i++){
    if( simstr_ieq(pM->apUser[i]->zName, zName) ) return i;
  }
  return -1;
}

/* C16: the name a server has in its shares, for zServer or any other name
** of that server; zServer itself when it is no alias. */
static const char *simm_server_name(const SimMachine *pM, const char *zServer){
  int i;
  for(i=0; i<pM->nAlias; i++){
    if( simstr_ieq(pM->aAlias[i].zAlias, zServer) ) return pM->aAlias[i].zServer;
  }
  return zServer;
}

const SimShare *simm_share(const SimMachine *pM, const char *zServer,
                           const char *zShare){
  int i;
  zServer = simm_server_name(pM, zServer);
  for(i=0; i<pM->nShare; i++){
    if( simstr_ieq(pM->aShare[i].zServer, zServer)
     && simstr_ieq(pM->aShare[i].zShare, zShare) ){
      return &pM->aShare[i];
    }
  }
  return NULL;
}

int simm_server_exists(const SimMachine *pM, const char *zServer){
  int i;
  zServer = simm_server_name(pM, zServer);
  for(i=0; i<pM->nShare; i++){
    if( simstr_ieq(pM->aShare[i].zServer, zServer) ) return 1;
  }
  return 0;
}

/* The volume number N of \Device\HarddiskVolumeN for fixed disk cLetter,
** numbered from 1 in letter order (W5), or 0 if it is not a fixed disk. */
int simm_fixed_disk_volume(const SimMachine *pM, char cLetter){
  int i, n = 0;
  if( cLetter>='a' && cLetter<='z' ) cLetter = (char)(cLetter-'a'+'A');
  if( cLetter<'A' || cLetter>'Z' ) return 0;
  if( (pM->mDisks & (1u<<(cLetter-'A')))==0 ) return 0;
  for(i=0; i<=cLetter-'A'; i++){
    if( pM->mDisks & (1u<<i) ) n++;
  }
  return n;
}

/* ---------------------------------------------------------------- 2 ---- */

static int simm_make_disks(SimMachine *pM){
  int i;
  if( pM->mDisks ) sim_rule(pM, SIM_RULE_W5);
  for(i=0; i<26; i++){
    if( pM->mDisks & (1u<<i) ){
      char zName[3], zTarget[40];
      int rc;
      zName[0] = (char)('A'+i); zName[1] = ':'; zName[2] = 0;
      snprintf(zTarget, sizeof(zTarget), "\\Device\\HarddiskVolume%d",
               simm_fixed_disk_volume(pM, zName[0]));
      rc = simdir_push(&pM->global, zName, zTarget);
      if( rc ) return rc;
    }
  }
  return 0;
}

/* G5: each value of Session Manager\DOS Devices becomes a global link at
** boot, after the fixed disks. [F] A value naming a fixed disk is pushed
** on top of it (as a DefineDosDevice by smss would be); values are applied
** in name order. */
static int simm_make_boot_devices(SimMachine *pM){
  int i, rc = 0;
  if( pM->nBootDev>0 ) sim_rule(pM, SIM_RULE_G5);
  for(i=0; i<pM->nBootDev; i++){
    int rc2 = simdir_push(&pM->global, pM->aBootDev[i].zName,
                          pM->aBootDev[i].zTarget);
    if( rc2 && rc==0 ) rc = rc2;
  }
  return rc;
}

/* ---------------------------------------------------------------- 3 ---- */

static SimUser *simm_user_new(const char *zName, SimAccountKind eKind,
                              int bDomain, const char *zPassword){
  int bOom = 0;
  SimUser *pU = calloc(1, sizeof(SimUser));
  if( pU==NULL ) return NULL;
  pU->zName = simstr_dup(zName, &bOom);
  pU->zPassword = simstr_dup(zPassword ? zPassword : "", &bOom);
  pU->eKind = eKind;
  pU->bDomain = bDomain;
  pU->bNetUseDefault = 1;   /* C8: the initial default is yes */
  if( bOom ){
    free(pU->zName);
    free(pU->zPassword);
    free(pU);
    return NULL;
  }
  return pU;
}

static void simm_user_free(SimUser *pU){
  int i;
  if( pU==NULL ) return;
  for(i=0; i<pU->nNet; i++) simreg_net_free(&pU->aNet[i]);
  free(pU->aNet);
  for(i=0; i<pU->nCred; i++){
    free(pU->aCred[i].zTarget);
    free(pU->aCred[i].zUser);
    free(pU->aCred[i].zPassword);
  }
  free(pU->aCred);
  free(pU->zName);
  free(pU->zPassword);
  free(pU);
}

int sim_machine_new(SimMachine **ppM){
  SimMachine *pM;
  SimSession *pSys = NULL;
  int rc;

  *ppM = NULL;
  pM = calloc(1, sizeof(SimMachine));
  if( pM==NULL ) return ERROR_NOT_ENOUGH_MEMORY;
  simhash_init(&pM->sessions);
  /* W1 defaults */
  pM->abPolicyReg[SIM_POL_ENABLE_LUA] = 1;
  pM->abPolicyReg[SIM_POL_FILTER_ADMIN_TOKEN] = 0;
  pM->abPolicyReg[SIM_POL_LOCAL_ACCOUNT_TOKEN_FILTER] = 0;
  pM->abPolicyReg[SIM_POL_LINKED_CONNECTIONS] = 0;
  pM->abPolicyReg[SIM_POL_RESTORE_CONNECTION] = 1;
  pM->abPolicyReg[SIM_POL_LUID_DEVICE_MAPS] = 1;
  pM->abPolicyReg[SIM_POL_PROTECTION_MODE] = 1;
  pM->abPolicyReg[SIM_POL_CONSENT_CREDENTIALS] = 0;
  memcpy(pM->abPolicyBoot, pM->abPolicyReg, sizeof(pM->abPolicyBoot));
  pM->mDisks = 1u<<('C'-'A');
  pM->luidNext = SIM_FIRST_LUID;
  pM->nBoot = 1;

  /* W3: SYSTEM is account 0 */
  rc = simarr_reserve((void**)&pM->apUser, &pM->nUserAlloc, 1, sizeof(SimUser*));
  if( rc ) goto err;
  pM->apUser[0] = simm_user_new("SYSTEM", SIM_ACCOUNT_SYSTEM, 0, NULL);
  if( pM->apUser[0]==NULL ){ rc = ERROR_NOT_ENOUGH_MEMORY; goto err; }
  pM->nUser = 1;

  /* L1: SYSTEM's logon session 0x3e7 exists from boot; L6: it holds the
  ** computer account's credentials and SYSTEM's vault. */
  pSys = calloc(1, sizeof(SimSession));
  if( pSys==NULL ){ rc = ERROR_NOT_ENOUGH_MEMORY; goto err; }
  pSys->luid = SIM_LUID_SYSTEM;
  pSys->eElevation = SIM_ELEVATION_DEFAULT;
  pSys->eLogonType = SIM_LOGON_SYSTEM;
  pSys->iUser = 0;
  pSys->bHasCreds = 1;
  pSys->bVault = 1;
  rc = simhash_insert(&pM->sessions, SIM_LUID_SYSTEM, pSys);
  if( rc ) goto err;
  pM->pFirst = pM->pLast = pSys;
  pM->nSession = 1;
  pSys = NULL;

  rc = simm_make_disks(pM);   /* W5 */
  if( rc ) goto err;
  *ppM = pM;
  return 0;

err:
  free(pSys);
  sim_machine_free(pM);
  return rc;
}

void sim_machine_free(SimMachine *pM){
  int i;
  SimSession *pS, *pNext;
  if( pM==NULL ) return;
  for(pS=pM->pFirst; pS; pS=pNext){
    pNext = pS->pNext;
    simsess_end(pM, pS);
  }
  simhash_clear(&pM->sessions);
  simdir_clear(&pM->global);
  for(i=0; i<pM->nUser; i++) simm_user_free(pM->apUser[i]);
  free(pM->apUser);
  for(i=0; i<pM->nShare; i++){
    int j;
    free(pM->aShare[i].zServer);
    free(pM->aShare[i].zShare);
    for(j=0; j<pM->aShare[i].nGrant; j++) free(pM->aShare[i].azGrant[j]);
    free(pM->aShare[i].azGrant);
  }
  free(pM->aShare);
  for(i=0; i<pM->nBootDev; i++){
    free(pM->aBootDev[i].zName);
    free(pM->aBootDev[i].zTarget);
  }
  free(pM->aBootDev);
  for(i=0; i<pM->nAlias; i++){
    free(pM->aAlias[i].zAlias);
    free(pM->aAlias[i].zServer);
  }
  free(pM->aAlias);
  free(pM);
}

/* ---------------------------------------------------------------- 4 ---- */

int sim_machine_add_user(SimMachine *pM, const char *zName,
                         SimAccountKind eKind, int bDomain,
                         const char *zPassword){
  SimUser *pU;
  int rc;
  if( zName==NULL || zName[0]==0 || eKind==SIM_ACCOUNT_SYSTEM
   || eKind<SIM_ACCOUNT_STANDARD || eKind>SIM_ACCOUNT_SYSTEM ){
    return ERROR_INVALID_PARAMETER;
  }
  sim_rule(pM, SIM_RULE_W3);
  if( simm_user_index(pM, zName)>=0 ) return ERROR_USER_EXISTS;
  rc = simarr_reserve((void**)&pM->apUser, &pM->nUserAlloc, pM->nUser+1,
                      sizeof(SimUser*));
  if( rc ) return rc;
  pU = simm_user_new(zName, eKind, bDomain, zPassword);
  if( pU==NULL ) return ERROR_NOT_ENOUGH_MEMORY;
  pM->apUser[pM->nUser++] = pU;
  return 0;
}

int sim_machine_add_share(SimMachine *pM, const char *zServer,
                          const char *zShare, int bEveryone,
                          const char *const *azGrant, int nGrant,
                          int bAnonymous){
  SimShare sh;
  int rc, i, bOom = 0;
  if( zServer==NULL || zServer[0]==0 || zShare==NULL || zShare[0]==0
   || nGrant<0 || (nGrant>0 && azGrant==NULL) ){
    return ERROR_INVALID_PARAMETER;
  }
  sim_rule(pM, SIM_RULE_W4);
  if( simm_share(pM, zServer, zShare) ) return ERROR_ALREADY_EXISTS;
  rc = simarr_reserve((void**)&pM->aShare, &pM->nShareAlloc, pM->nShare+1,
                      sizeof(SimShare));
  if( rc ) return rc;
  memset(&sh, 0, sizeof(sh));
  sh.zServer = simstr_dup(zServer, &bOom);
  sh.zShare = simstr_dup(zShare, &bOom);
  sh.bEveryone = bEveryone;
  sh.bAnonymous = bAnonymous;
  if( nGrant>0 ){
    sh.azGrant = calloc((size_t)nGrant, sizeof(char*));
    if( sh.azGrant==NULL ) bOom = 1;
    for(i=0; sh.azGrant && i<nGrant; i++){
      sh.azGrant[i] = simstr_dup(azGrant[i], &bOom);
      sh.nGrant++;
    }
  }
  if( bOom ) goto err;
  pM->aShare[pM->nShare++] = sh;
  return 0;

err:
  free(sh.zServer);
  free(sh.zShare);
  for(i=0; i<sh.nGrant; i++) free(sh.azGrant[i]);
  free(sh.azGrant);
  return ERROR_NOT_ENOUGH_MEMORY;
}

/* C16: zAlias is another name of server zServer. */
int sim_machine_add_server_alias(SimMachine *pM, const char *zServer,
                                 const char *zAlias){
  const char *zKnown;
  int bOom = 0;
  SimAlias a;
  if( zServer==NULL || zAlias==NULL || zAlias[0]==0 ) return ERROR_INVALID_PARAMETER;
  zServer = simm_server_name(pM, zServer);
  if( !simm_server_exists(pM, zServer) ) return ERROR_INVALID_PARAMETER;
  zKnown = simm_server_name(pM, zAlias);
  if( zKnown!=zAlias ){
    return simstr_ieq(zKnown, zServer) ? 0 : ERROR_ALREADY_EXISTS;
  }
  if( simm_server_exists(pM, zAlias) ){
    return simstr_ieq(zAlias, zServer) ? 0 : ERROR_ALREADY_EXISTS;
  }
  if( simarr_reserve((void**)&pM->aAlias, &pM->nAliasAlloc, pM->nAlias+1,
                     sizeof(SimAlias)) ){
    return ERROR_NOT_ENOUGH_MEMORY;
  }
  a.zAlias = simstr_dup(zAlias, &bOom);
  a.zServer = simstr_dup(zServer, &bOom);
  if( bOom ){
    free(a.zAlias);
    free(a.zServer);
    return ERROR_NOT_ENOUGH_MEMORY;
  }
  pM->aAlias[pM->nAlias++] = a;
  return 0;
}

int sim_machine_set_fixed_disks(SimMachine *pM, unsigned mDisks){
  int i;
  if( mDisks>>26 ) return ERROR_INVALID_PARAMETER;
  for(i=0; i<26; i++){
    if( pM->mDisks & (1u<<i) ){
      char zName[3], zTarget[40];
      zName[0] = (char)('A'+i); zName[1] = ':'; zName[2] = 0;
      snprintf(zTarget, sizeof(zTarget), "\\Device\\HarddiskVolume%d",
               simm_fixed_disk_volume(pM, zName[0]));
      simdir_remove_exact(&pM->global, zName, zTarget);
    }
  }
  pM->mDisks = mDisks;
  return simm_make_disks(pM);
}

unsigned sim_machine_fixed_disks(const SimMachine *pM){
  return pM->mDisks;
}

/* ---------------------------------------------------------------- 5 ---- */

int sim_policy_init(SimMachine *pM, SimPolicy ePolicy, int bOn){
  if( (int)ePolicy<0 || ePolicy>=SIM_POL_COUNT ) return ERROR_INVALID_PARAMETER;
  sim_rule(pM, SIM_RULE_W1);
  pM->abPolicyReg[ePolicy] = bOn!=0;
  pM->abPolicyBoot[ePolicy] = bOn!=0;
  return 0;
}

int sim_policy_set(SimMachine *pM, SimPolicy ePolicy, int bOn){
  if( (int)ePolicy<0 || ePolicy>=SIM_POL_COUNT ) return ERROR_INVALID_PARAMETER;
  /* W2: only the registry changes now; sim_reboot() copies the reboot
  ** policies into abPolicyBoot, logons read the others from abPolicyReg. */
  sim_rule(pM, SIM_RULE_W1);
  sim_rule(pM, SIM_RULE_W2);
  pM->abPolicyReg[ePolicy] = bOn!=0;
  return 0;
}

int sim_policy_registry(const SimMachine *pM, SimPolicy ePolicy){
  if( (int)ePolicy<0 || ePolicy>=SIM_POL_COUNT ) return 0;
  return pM->abPolicyReg[ePolicy];
}

int sim_policy_effective(const SimMachine *pM, SimPolicy ePolicy){
  if( (int)ePolicy<0 || ePolicy>=SIM_POL_COUNT ) return 0;
  switch( ePolicy ){
    /* W2 [F]: read by LSA and mpr at each logon, by appinfo at each
    ** elevation */
    case SIM_POL_LOCAL_ACCOUNT_TOKEN_FILTER:
    case SIM_POL_RESTORE_CONNECTION:
    case SIM_POL_CONSENT_CREDENTIALS:
      return pM->abPolicyReg[ePolicy];
    /* W2 [D KB3035277]: read at boot */
    default:
      return pM->abPolicyBoot[ePolicy];
  }
}

/* ---------------------------------------------------------------- 6 ---- */

int sim_reboot(SimMachine *pM){
  SimSession *pS, *pNext;
  int rc;
  /* L9: every logon session but SYSTEM's ends */
  sim_rule(pM, SIM_RULE_L9);
  for(pS=pM->pFirst; pS; pS=pNext){
    pNext = pS->pNext;
    if( pS->luid!=SIM_LUID_SYSTEM ) simsess_end(pM, pS);
  }
  /* G2: SYSTEM's connections last until reboot */
  pS = simm_session(pM, SIM_LUID_SYSTEM);
  if( pS ) simwnet_session_ending(pM, pS);
  simdir_clear(&pM->global);
  /* W2: the reboot policies are read again */
  sim_rule(pM, SIM_RULE_W2);
  memcpy(pM->abPolicyBoot, pM->abPolicyReg, sizeof(pM->abPolicyBoot));
  pM->nBoot++;
  rc = simm_make_disks(pM);
  if( rc==0 ) rc = simm_make_boot_devices(pM);
  return rc;
}

unsigned sim_machine_boot_count(const SimMachine *pM){
  return pM->nBoot;
}

/* ---------------------------------------------------------------- 7 ---- */

int sim_machine_plant_bug(SimMachine *pM, unsigned iBug){
  if( iBug<SIM_BUG_FULL_PERSISTS || iBug>SIM_BUG_POP_OLDEST ) return ERROR_INVALID_PARAMETER;
  if( pM ) pM->mBugs |= 1u<<iBug;
  return 0;
}

/* ---------------------------------------------------------------- 8 ---- */

void sim_machine_visit_users(const SimMachine *pM,
                             int (*xVisit)(void *pCtx, const SimUserInfo *),
                             void *pCtx){
  int i;
  for(i=0; i<pM->nUser; i++){
    SimUserInfo info;
    info.zName = pM->apUser[i]->zName;
    info.eKind = pM->apUser[i]->eKind;
    info.bDomain = pM->apUser[i]->bDomain;
    if( xVisit(pCtx, &info) ) break;
  }
}
