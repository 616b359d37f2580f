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

static const SimRegValue *simreg_value(const SimNetEntry *pE, const char *zName){
  int i;
  for(i=0; i<pE->nVal; i++){
    if( simstr_ieq(pE->aVal[i].zName, zName) ) return &pE->aVal[i];
  }
  return NULL;
}

/* A string value, or NULL if it is missing or not a string (R6). */
static const char *simreg_string(const SimNetEntry *pE, const char *zName){
  const SimRegValue *pV = simreg_value(pE, zName);
  return (pV && pV->eType==SIM_REG_SZ) ? pV->zData : NULL;
}

static unsigned simreg_dword(const SimNetEntry *pE, const char *zName){
  const SimRegValue *pV = simreg_value(pE, zName);
  return (pV && pV->eType==SIM_REG_DWORD) ? pV->nDword : 0;
}

/* R6: RemotePath if it is a string, else NULL (the key is then no
** remembered connection). */
const char *simreg_net_remote(const SimNetEntry *pE){
  return simreg_string(pE, "RemotePath");
}

/* R6: UserName if it is a string, else "" (missing). */
const char *simreg_net_user(const SimNetEntry *pE){
  const char *z = simreg_string(pE, "UserName");
  return z ? z : "";
}

/* The key of cLetter if it is a remembered connection (R6), else NULL. */
SimNetEntry *simreg_net_remembered(const SimUser *pU, char cLetter){
  SimNetEntry *pE = simreg_net_find(pU, cLetter);
  return (pE && simreg_net_remote(pE)) ? pE : NULL;
}

static void simreg_value_free(SimRegValue *pV){
  free(pV->zName);
  free(pV->zData);
}

void simreg_net_free(SimNetEntry *pE){
  int i;
  for(i=0; i<pE->nVal; i++) simreg_value_free(&pE->aVal[i]);
  free(pE->aVal);
  pE->aVal = NULL;
  pE->nVal = pE->nValAlloc = 0;
}

/* The key of cLetter, made (empty) if missing. NULL when out of memory. */
static SimNetEntry *simreg_net_key(SimUser *pU, char cLetter){
  SimNetEntry *pE = simreg_net_find(pU, cLetter);
  int i;
  if( pE ) return pE;
  if( simarr_reserve((void**)&pU->aNet, &pU->nNetAlloc, pU->nNet+1,
                     sizeof(SimNetEntry)) ){
    return NULL;
  }
  i = pU->nNet;
  while( i>0 && pU->aNet[i-1].cLetter>cLetter ){
    pU->aNet[i] = pU->aNet[i-1];
    i--;
  }
  memset(&pU->aNet[i], 0, sizeof(SimNetEntry));
  pU->aNet[i].cLetter = cLetter;
  pU->nNet++;
  return &pU->aNet[i];
}

/* Set one value of pE; there must be room for one more value (see
** simreg_set_values). Takes the malloc'd zData. */
static void simreg_put(SimNetEntry *pE, char *zName, SimRegType eType,
                       char *zData, unsigned nDword){
  int i;
  for(i=0; i<pE->nVal; i++){
    if( simstr_ieq(pE->aVal[i].zName, zName) ){
      free(zName);
      free(pE->aVal[i].zData);
      pE->aVal[i].eType = eType;
      pE->aVal[i].zData = zData;
      pE->aVal[i].nDword = nDword;
      return;
    }
  }
  pE->aVal[pE->nVal].zName = zName;
  pE->aVal[pE->nVal].eType = eType;
  pE->aVal[pE->nVal].zData = zData;
  pE->aVal[pE->nVal].nDword = nDword;
  pE->nVal++;
}

/* One value to write. */
typedef struct SimRegSet SimRegSet;
struct SimRegSet {
  const char *zName;         /* value name */
  SimRegType eType;          /* its type */
  const char *zData;         /* REG_SZ data */
  unsigned nDword;           /* REG_DWORD data */
};

/* Write n values into the key of cLetter (made if missing), all or
** nothing. Returns 0 or ERROR_NOT_ENOUGH_MEMORY with nothing changed
** (a key made here is removed again). */
static int simreg_set_values(SimUser *pU, char cLetter, const SimRegSet *aSet,
                             int n){
  int bNew = simreg_net_find(pU, cLetter)==NULL;
  SimNetEntry *pE = simreg_net_key(pU, cLetter);
  char *azName[8], *azData[8];
  int i, bOom = 0;
  if( pE==NULL || n>8 ) return ERROR_NOT_ENOUGH_MEMORY;
  for(i=0; i<n; i++){
    azName[i] = simstr_dup(aSet[i].zName, &bOom);
    azData[i] = aSet[i].eType==SIM_REG_SZ ? simstr_dup(aSet[i].zData, &bOom) : NULL;
  }
  if( bOom || simarr_reserve((void**)&pE->aVal, &pE->nValAlloc, pE->nVal+n,
                             sizeof(SimRegValue)) ){
    for(i=0; i<n; i++){ free(azName[i]); free(azData[i]); }
    if( bNew ) simreg_net_delete(pU, cLetter);
    return ERROR_NOT_ENOUGH_MEMORY;
  }
  for(i=0; i<n; i++){
    simreg_put(pE, azName[i], aSet[i].eType, azData[i], aSet[i].nDword);
  }
  return 0;
}

/* C6: write HKCU\Network\<letter>: RemotePath, UserName, ProviderName,
** ProviderType, ConnectionType. [F] Other values a step put in the key
** stay (mpr sets its values one by one). No password is ever stored.
** Returns 0 or ERROR_NOT_ENOUGH_MEMORY with nothing changed. */
int simreg_net_write(SimUser *pU, char cLetter, const char *zRemote,
                     const char *zUserName){
  SimRegSet a[5];
  a[0].zName = "RemotePath";     a[0].eType = SIM_REG_SZ;    a[0].zData = zRemote;
  a[1].zName = "UserName";       a[1].eType = SIM_REG_SZ;
  a[1].zData = zUserName ? zUserName : "";
  a[2].zName = "ProviderName";   a[2].eType = SIM_REG_SZ;    a[2].zData = SIM_PROVIDER_NAME;
  a[3].zName = "ProviderType";   a[3].eType = SIM_REG_DWORD; a[3].zData = NULL;
  a[3].nDword = SIM_PROVIDER_TYPE;
  a[4].zName = "ConnectionType"; a[4].eType = SIM_REG_DWORD; a[4].zData = NULL;
  a[4].nDword = SIM_CONNECTION_TYPE_DISK;
  a[0].nDword = a[1].nDword = a[2].nDword = 0;
  return simreg_set_values(pU, cLetter, a, 5);
}

/* Delete HKCU\Network\<letter>. Returns 0 or ERROR_FILE_NOT_FOUND. */
int simreg_net_delete(SimUser *pU, char cLetter){
  SimNetEntry *pE = simreg_net_find(pU, cLetter);
  int i;
  if( pE==NULL ) return ERROR_FILE_NOT_FOUND;
  i = (int)(pE-pU->aNet);
  simreg_net_free(pE);
  memmove(&pU->aNet[i], &pU->aNet[i+1], (size_t)(pU->nNet-i-1)*sizeof(SimNetEntry));
  pU->nNet--;
  return 0;
}

static void simreg_visit_net(const SimUser *pU,
                             int (*xVisit)(void*, const SimNetValues*),
                             void *pCtx){
  int i;
  for(i=0; i<pU->nNet; i++){
    const SimNetEntry *pE = &pU->aNet[i];
    const char *zRemote = simreg_net_remote(pE);
    SimNetValues v;
    v.cLetter = pE->cLetter;
    v.bConnection = zRemote!=NULL;
    v.zRemotePath = zRemote ? zRemote : "";
    v.zUserName = simreg_net_user(pE);
    v.zProviderName = simreg_string(pE, "ProviderName");
    v.nProviderType = simreg_dword(pE, "ProviderType");
    v.nConnectionType = simreg_dword(pE, "ConnectionType");
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

/* "z" or "Z" -> 'Z'; 0 if not a letter. */
static char simreg_letter(char c){
  if( c>='a' && c<='z' ) c = (char)(c-'a'+'A');
  return (c>='A' && c<='Z') ? c : 0;
}

/* R6: HKCU\Network is an ordinary key of the user's hive; every logon
** session of the user reaches it (a network or winrm logon too: the
** service loads the profile). */
int sim_reg_set_network_value(SimMachine *pM, SimLuid token, char cLetter,
                              const char *zValue, SimRegType eType,
                              const char *zData, unsigned nDword){
  const SimSession *pS = simm_session(pM, token);
  SimRegSet v;
  char c = simreg_letter(cLetter);
  if( pS==NULL ) return ERROR_NO_SUCH_LOGON_SESSION;
  if( c==0 || zValue==NULL || zValue[0]==0
   || (eType!=SIM_REG_SZ && eType!=SIM_REG_DWORD)
   || (eType==SIM_REG_SZ && zData==NULL) ){
    return ERROR_INVALID_PARAMETER;
  }
  sim_rule(pM, SIM_RULE_R6);
  v.zName = zValue;
  v.eType = eType;
  v.zData = eType==SIM_REG_SZ ? zData : NULL;
  v.nDword = eType==SIM_REG_DWORD ? nDword : 0;
  return simreg_set_values(pM->apUser[pS->iUser], c, &v, 1);
}

int sim_reg_delete_network(SimMachine *pM, SimLuid token, char cLetter,
                           const char *zValue){
  const SimSession *pS = simm_session(pM, token);
  SimUser *pU;
  SimNetEntry *pE;
  char c = simreg_letter(cLetter);
  int i;
  if( pS==NULL ) return ERROR_NO_SUCH_LOGON_SESSION;
  if( c==0 ) return ERROR_INVALID_PARAMETER;
  sim_rule(pM, SIM_RULE_R6);
  pU = pM->apUser[pS->iUser];
  pE = simreg_net_find(pU, c);
  if( pE==NULL ) return ERROR_FILE_NOT_FOUND;
  if( zValue==NULL ) return simreg_net_delete(pU, c);
  for(i=0; i<pE->nVal; i++){
    if( simstr_ieq(pE->aVal[i].zName, zValue) ){
      simreg_value_free(&pE->aVal[i]);
      memmove(&pE->aVal[i], &pE->aVal[i+1],
              (size_t)(pE->nVal-i-1)*sizeof(SimRegValue));
      pE->nVal--;
      return 0;
    }
  }
  return ERROR_FILE_NOT_FOUND;
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
