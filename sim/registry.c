/*
** sim/registry.c: HKCU\Network per account (C6, C9, R1), the net use
** /persistent default (C8) and Session Manager\DOS Devices (G5).
**
** Contents: 1. HKCU\Network  2. the net use default  3. boot devices
*/
#include "sim/simint.h"

#include <stdlib.h>
#include <string.h>

#define SIM_PROVIDER_NAME "Microsoft Windows Network"
#define SIM_PROVIDER_TYPE 0x20000u
#define SIM_CONNECTION_TYPE_DISK 1u

/* ---------------------------------------------------------------- 1 ---- */

SimNetEntry *simreg_net_find(const SimUser *pU, char cLetter){
  int i;
  for(i=0; i<pU->nNet; i++){
    if( pU->aNet[i].cLetter==cLetter ) return &pU->aNet[i];
  }
  return NULL;
}

/* C6: write HKCU\Network\<letter> (replacing it). No password is ever
** stored. Returns 0 or ERROR_NOT_ENOUGH_MEMORY with nothing changed. */
int simreg_net_write(SimUser *pU, char cLetter, const char *zRemote,
                     const char *zUserName){
  int bOom = 0, i;
  char *zR = simstr_dup(zRemote, &bOom);
  char *zN = simstr_dup(zUserName ? zUserName : "", &bOom);
  SimNetEntry *pE;
  if( bOom ) goto err;
  pE = simreg_net_find(pU, cLetter);
  if( pE ){
    free(pE->zRemotePath);
    free(pE->zUserName);
    pE->zRemotePath = zR;
    pE->zUserName = zN;
    return 0;
  }
  if( simarr_reserve((void**)&pU->aNet, &pU->nNetAlloc, pU->nNet+1,
                     sizeof(SimNetEntry)) ){
    goto err;
  }
  i = pU->nNet;
  while( i>0 && pU->aNet[i-1].cLetter>cLetter ){
    pU->aNet[i] = pU->aNet[i-1];
    i--;
  }
  pU->aNet[i].cLetter = cLetter;
  pU->aNet[i].zRemotePath = zR;
  pU->aNet[i].zUserName = zN;
  pU->nNet++;
  return 0;

err:
  free(zR);
  free(zN);
  return ERROR_NOT_ENOUGH_MEMORY;
}

/* Delete HKCU\Network\<letter>. Returns 0 or ERROR_FILE_NOT_FOUND. */
int simreg_net_delete(SimUser *pU, char cLetter){
  SimNetEntry *pE = simreg_net_find(pU, cLetter);
  int i;
  if( pE==NULL ) return ERROR_FILE_NOT_FOUND;
  i = (int)(pE-pU->aNet);
  free(pE->zRemotePath);
  free(pE->zUserName);
  memmove(&pU->aNet[i], &pU->aNet[i+1], (size_t)(pU->nNet-i-1)*sizeof(SimNetEntry));
  pU->nNet--;
  return 0;
}

static void simreg_visit_net(const SimUser *pU,
                             int (*xVisit)(void*, const SimNetValues*),
                             void *pCtx){
  int i;
  for(i=0; i<pU->nNet; i++){
    SimNetValues v;
    v.cLetter = pU->aNet[i].cLetter;
    v.zRemotePath = pU->aNet[i].zRemotePath;
    v.zUserName = pU->aNet[i].zUserName;
    v.zProviderName = SIM_PROVIDER_NAME;
    v.nProviderType = SIM_PROVIDER_TYPE;
    v.nConnectionType = SIM_CONNECTION_TYPE_DISK;
    if( xVisit(pCtx, &v) ) break;
  }
}

int sim_reg_read_network(const SimMachine *pM, SimLuid token,
                         int (*xVisit)(void *pCtx, const SimNetValues *),
                         void *pCtx){
  const SimSession *pS = simm_session(pM, token);
  if( pS==NULL ) return ERROR_NO_SUCH_LOGON_SESSION;
  simreg_visit_net(pM->apUser[pS->iUser], xVisit, pCtx);
  return 0;
}

int sim_reg_visit_user_network(const SimMachine *pM, const char *zUser,
                               int (*xVisit)(void *pCtx, const SimNetValues *),
                               void *pCtx){
  int i = simm_user_index(pM, zUser);
  if( i<0 ) return ERROR_NOT_FOUND;
  simreg_visit_net(pM->apUser[i], xVisit, pCtx);
  return 0;
}

/* ---------------------------------------------------------------- 2 ---- */

/* C8 [F]: the default is the user's (HKCU\Software\Microsoft\Windows NT\
** CurrentVersion\Network\Persistent Connections\SaveConnections), so
** every logon session of the user shares it, and it survives logoff and
** reboot. */
int sim_reg_get_net_use_default(const SimMachine *pM, SimLuid token, int *pbYes){
  const SimSession *pS = simm_session(pM, token);
  if( pS==NULL ) return ERROR_NO_SUCH_LOGON_SESSION;
  sim_rule((SimMachine*)pM, SIM_RULE_C8);
  *pbYes = pM->apUser[pS->iUser]->bNetUseDefault;
  return 0;
}

int sim_reg_set_net_use_default(SimMachine *pM, SimLuid token, int bYes){
  const SimSession *pS = simm_session(pM, token);
  if( pS==NULL ) return ERROR_NO_SUCH_LOGON_SESSION;
  sim_rule(pM, SIM_RULE_C8);
  pM->apUser[pS->iUser]->bNetUseDefault = bYes!=0;
  return 0;
}

int sim_reg_user_net_use_default(const SimMachine *pM, const char *zUser, int *pbYes){
  int i = simm_user_index(pM, zUser);
  if( i<0 ) return ERROR_NOT_FOUND;
  *pbYes = pM->apUser[i]->bNetUseDefault;
  return 0;
}

/* ---------------------------------------------------------------- 3 ---- */

static int simreg_boot_search(const SimMachine *pM, const char *zName){
  int lo = 0, hi = pM->nBootDev-1;
  while( lo<=hi ){
    int mid = (lo+hi)/2;
    int c = simstr_icmp(pM->aBootDev[mid].zName, zName);
    if( c==0 ) return mid;
    if( c<0 ) lo = mid+1; else hi = mid-1;
  }
  return -lo-1;
}

int sim_reg_set_boot_device(SimMachine *pM, const char *zName,
                            const char *zTarget){
  int i, bOom = 0;
  char *zN, *zT;
  if( zName==NULL || zName[0]==0 || zTarget==NULL ) return ERROR_INVALID_PARAMETER;
  zN = simstr_upper(simstr_dup(zName, &bOom));
  zT = simstr_dup(zTarget, &bOom);
  if( bOom ) goto err;
  i = simreg_boot_search(pM, zName);
  if( i>=0 ){
    free(pM->aBootDev[i].zName);
    free(pM->aBootDev[i].zTarget);
    pM->aBootDev[i].zName = zN;
    pM->aBootDev[i].zTarget = zT;
    return 0;
  }
  if( simarr_reserve((void**)&pM->aBootDev, &pM->nBootDevAlloc,
                     pM->nBootDev+1, sizeof(SimBootDev)) ){
    goto err;
  }
  i = -i-1;
  memmove(&pM->aBootDev[i+1], &pM->aBootDev[i],
          (size_t)(pM->nBootDev-i)*sizeof(SimBootDev));
  pM->aBootDev[i].zName = zN;
  pM->aBootDev[i].zTarget = zT;
  pM->nBootDev++;
  return 0;

err:
  free(zN);
  free(zT);
  return ERROR_NOT_ENOUGH_MEMORY;
}

int sim_reg_delete_boot_device(SimMachine *pM, const char *zName){
  int i;
  if( zName==NULL ) return ERROR_FILE_NOT_FOUND;
  i = simreg_boot_search(pM, zName);
  if( i<0 ) return ERROR_FILE_NOT_FOUND;
  free(pM->aBootDev[i].zName);
  free(pM->aBootDev[i].zTarget);
  memmove(&pM->aBootDev[i], &pM->aBootDev[i+1],
          (size_t)(pM->nBootDev-i-1)*sizeof(SimBootDev));
  pM->nBootDev--;
  return 0;
}

void sim_reg_visit_boot_devices(const SimMachine *pM,
                                int (*xVisit)(void *pCtx, const char *zName,
                                              const char *zTarget),
                                void *pCtx){
  int i;
  for(i=0; i<pM->nBootDev; i++){
    if( xVisit(pCtx, pM->aBootDev[i].zName, pM->aBootDev[i].zTarget) ) break;
  }
}
