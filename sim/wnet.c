/*
** sim/wnet.c: network connections (SEMANTICS C1-C16, R1-R5, G1-G3).
**
** Contents:
**   1. Small helpers: letters, remote names, the connection list
**   2. Credential sets (C5) and the credentials presented (C3, C4, C9)
**   3. Making and destroying a connection (C1, C2, C6, C7, C10, C14)
**   4. WNetAddConnection2, WNetUseConnection, WNetCancelConnection2,
**      WNetGetConnection, WNetEnumResource (C9, C11, C12, C14, C15)
**   5. net use (C8 lives in registry.c; C9, C12)
**   6. Restore at logon (R1-R5) and the end of a session (L8, L9)
**   7. Introspection
*/
#include "sim/simint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum SimConnectMode {
  SIM_MODE_CALL = 0,         /* a WNetAddConnection2 call */
  SIM_MODE_RESTORE,          /* the network provider restoring at logon */
  SIM_MODE_IMPLICIT          /* opening a UNC path (C13 v2) */
} SimConnectMode;

/* ---------------------------------------------------------------- 1 ---- */

/* Mark a rule (rules.h) from a function that only reads the machine: the
** marks are not part of the machine's state. */
static void simwnet_rule(const SimMachine *pM, SimRule eRule){
  sim_rule((SimMachine*)pM, eRule);
}

int simwnet_linked_in_effect(const SimMachine *pM){
  return sim_policy_effective(pM, SIM_POL_LINKED_CONNECTIONS);
}

/* "Z:" (either case) -> 'Z'. Returns 0 or ERROR_BAD_DEVICE. */
int simwnet_parse_letter(const char *zLocal, char *pcLetter){
  char c;
  if( zLocal==NULL ) return ERROR_BAD_DEVICE;
  c = zLocal[0];
  if( c>='a' && c<='z' ) c = (char)(c-'a'+'A');
  if( c<'A' || c>'Z' || zLocal[1]!=':' || zLocal[2]!=0 ) return ERROR_BAD_DEVICE;
  *pcLetter = c;
  return 0;
}

/* Split \\server\share[\...] into malloc'd server and share names.
** Returns 0, ERROR_BAD_NET_NAME for a malformed name [F], or
** ERROR_NOT_ENOUGH_MEMORY. */
static int simwnet_parse_remote(const char *zRemote, char **pzServer,
                                char **pzShare){
  const char *zS, *zE, *zSh, *zShE;
  *pzServer = *pzShare = NULL;
  if( zRemote==NULL || zRemote[0]!='\\' || zRemote[1]!='\\' ) return ERROR_BAD_NET_NAME;
  zS = zRemote+2;
  zE = strchr(zS, '\\');
  if( zE==NULL || zE==zS ) return ERROR_BAD_NET_NAME;
  zSh = zE+1;
  zShE = strchr(zSh, '\\');
  if( zShE==NULL ) zShE = zSh+strlen(zSh);
  if( zShE==zSh ) return ERROR_BAD_NET_NAME;
  *pzServer = malloc((size_t)(zE-zS)+1);
  *pzShare = malloc((size_t)(zShE-zSh)+1);
  if( *pzServer==NULL || *pzShare==NULL ){
    free(*pzServer); free(*pzShare);
    *pzServer = *pzShare = NULL;
    return ERROR_NOT_ENOUGH_MEMORY;
  }
  memcpy(*pzServer, zS, (size_t)(zE-zS)); (*pzServer)[zE-zS] = 0;
  memcpy(*pzShare, zSh, (size_t)(zShE-zSh)); (*pzShare)[zShE-zSh] = 0;
  return 0;
}

SimConn *simwnet_find_conn(const SimSession *pS, char cLetter){
  int i;
  if( cLetter==0 ) return NULL;
  for(i=0; i<pS->nConn; i++){
    if( pS->apConn[i]->cLetter==cLetter ) return pS->apConn[i];
  }
  return NULL;
}

/* C14: the session's deviceless connection to \\zServer\zShare, or NULL.
** [F] The share is named by the server name as written (C16) and the
** share name, case-insensitively; a path below the share is the share. */
static SimConn *simwnet_find_deviceless(const SimSession *pS,
                                        const char *zServer, const char *zShare){
  int i;
  for(i=0; i<pS->nConn; i++){
    const SimConn *pC = pS->apConn[i];
    if( pC->cLetter==0 && simstr_ieq(pC->zServer, zServer)
     && simstr_ieq(pC->zShare, zShare) ){
      return pS->apConn[i];
    }
  }
  return NULL;
}

/* The order of a session's list: lettered connections by letter, then
** deviceless ones by remote name, case-insensitively (C12, C14). */
static int simwnet_conn_cmp(const SimConn *pA, const SimConn *pB){
  if( pA->cLetter && pB->cLetter ) return pA->cLetter-pB->cLetter;
  if( pA->cLetter ) return -1;
  if( pB->cLetter ) return 1;
  return simstr_icmp(pA->zRemote, pB->zRemote);
}

/* Insert pC in pS's sorted list; room must have been reserved. */
static void simwnet_list_insert(SimSession *pS, SimConn *pC){
  int i = pS->nConn;
  while( i>0 && simwnet_conn_cmp(pS->apConn[i-1], pC)>0 ){
    pS->apConn[i] = pS->apConn[i-1];
    i--;
  }
  pS->apConn[i] = pC;
  pS->nConn++;
}

static void simwnet_list_remove(SimSession *pS, const SimConn *pC){
  int i;
  for(i=0; i<pS->nConn; i++){
    if( pS->apConn[i]==pC ){
      memmove(&pS->apConn[i], &pS->apConn[i+1],
              (size_t)(pS->nConn-i-1)*sizeof(SimConn*));
      pS->nConn--;
      return;
    }
  }
}

/* The directory a session's connection links live in, without marking it
** made (see simdos_own_dir()). */
static SimDir *simwnet_dir_of(SimMachine *pM, SimSession *pS){
  if( pS->luid==SIM_LUID_SYSTEM || !simdos_luid_maps(pM) ) return &pM->global;
  return &pS->dir;
}

/* ---------------------------------------------------------------- 2 ---- */

/* C5, C16: the set a session holds for a server, keyed by the server name
** as written (case-insensitive). */
static SimCredSet *simwnet_find_set(const SimSession *pS, const char *zServer){
  int i;
  for(i=0; i<pS->nSet; i++){
    if( simstr_ieq(pS->aSet[i].zServer, zServer) ) return &pS->aSet[i];
  }
  return NULL;
}

/* One connection of pS to zServer goes: the set is dropped with the last. */
static void simwnet_release_set(SimSession *pS, const char *zServer){
  int i;
  for(i=0; i<pS->nSet; i++){
    if( simstr_ieq(pS->aSet[i].zServer, zServer) ){
      if( --pS->aSet[i].nRef<=0 ){
        free(pS->aSet[i].zServer);
        free(pS->aSet[i].zUser);
        memmove(&pS->aSet[i], &pS->aSet[i+1],
                (size_t)(pS->nSet-i-1)*sizeof(SimCredSet));
        pS->nSet--;
      }
      return;
    }
  }
}

/* The account a presented user name names: "dom\user" and "user" both
** name account "user" (C4: an unknown name is 1326 after the part before
** a backslash is dropped; every server knows every account, W4). -1 if
** unknown or SYSTEM (which no one can present explicitly). */
static int simwnet_account_of(const SimMachine *pM, const char *zName){
  const char *zBs = zName ? strrchr(zName, '\\') : NULL;
  int i = simm_user_index(pM, zBs ? zBs+1 : zName);
  return i>0 ? i : -1;
}

/* C4: does the share admit this principal? SYSTEM's computer account
** (principal 0) is admitted by grant=everyone only (L6 [F: the machine is
** assumed to be a domain member, so its account is authenticated]). */
static int simwnet_admits(const SimMachine *pM, const SimShare *pShare,
                          int iPrincipal){
  int i;
  if( iPrincipal==SIM_PRINCIPAL_ANON ) return pShare->bAnonymous;
  if( pShare->bEveryone ) return 1;
  if( iPrincipal==0 ) return 0;
  for(i=0; i<pShare->nGrant; i++){
    if( simstr_ieq(pShare->azGrant[i], pM->apUser[iPrincipal]->zName) ) return 1;
  }
  return 0;
}

/* The user name a session's own credentials go out under (C3, C9): the
** netonly account for a netonly session (L12), else the token's user. */
static const char *simwnet_own_name(const SimMachine *pM, const SimSession *pS){
  return pS->zOutUser ? pS->zOutUser : pM->apUser[pS->iUser]->zName;
}

/* The password that goes with the session's own credentials. */
static const char *simwnet_own_password(const SimMachine *pM, const SimSession *pS){
  const char *z = pS->zOutUser ? pS->zOutPassword : pM->apUser[pS->iUser]->zPassword;
  return z ? z : "";
}

/* The credentials a connection presents. */
typedef struct SimPresent SimPresent;
struct SimPresent {
  SimCredKind eKind;         /* how they were obtained */
  const char *zUser;         /* name presented (not owned), NULL if anon */
  int iPrincipal;            /* account it authenticates as */
  SimCredSet *pHeld;         /* the held set reused, or NULL for a new one */
};

/* C3 for a caller that gives no explicit credentials and holds no set
** for the server: the vault (if the session can open it, K2), then its
** own credentials, then anonymous. */
static int simwnet_choose_implicit(const SimMachine *pM, const SimSession *pS,
                                   const char *zServer, SimPresent *pP){
  const SimUser *pU = pM->apUser[pS->iUser];
  const SimCred *pCred = pS->bVault ? simcred_match(pU, zServer, NULL) : NULL;
  pP->pHeld = NULL;
  simwnet_rule(pM, SIM_RULE_C3);
  if( pCred ){
    /* K3: the most specific target that matches the server as written.
    ** C4 [F]: a stored credential the server rejects is
    ** ERROR_LOGON_FAILURE. */
    int i = simwnet_account_of(pM, pCred->zUser);
    simwnet_rule(pM, SIM_RULE_K3);
    if( i<0 || strcmp(pCred->zPassword ? pCred->zPassword : "",
                      pM->apUser[i]->zPassword)!=0 ){
      simwnet_rule(pM, SIM_RULE_C4);
      return ERROR_LOGON_FAILURE;
    }
    pP->eKind = SIM_CRED_VAULT;
    pP->zUser = pCred->zUser;
    pP->iPrincipal = i;
  }else if( pS->bHasCreds && pS->zOutUser ){
    /* L12: a netonly session's own credentials were never checked; the
    ** server checks them now. [F] Rejected: 1326, as C4 says of an own
    ** credential; the set is an own set under the netonly name. */
    int i = simwnet_account_of(pM, pS->zOutUser);
    if( i<0 || strcmp(simwnet_own_password(pM, pS), pM->apUser[i]->zPassword)!=0 ){
      simwnet_rule(pM, SIM_RULE_C4);
      return ERROR_LOGON_FAILURE;
    }
    pP->eKind = SIM_CRED_OWN;
    pP->zUser = pS->zOutUser;
    pP->iPrincipal = i;
  }else if( pS->bHasCreds ){
    pP->eKind = SIM_CRED_OWN;
    pP->zUser = pU->zName;
    pP->iPrincipal = pS->iUser;     /* 0 = SYSTEM's computer account */
  }else{
    pP->eKind = SIM_CRED_ANONYMOUS;
    pP->zUser = NULL;
    pP->iPrincipal = SIM_PRINCIPAL_ANON;
  }
  return 0;
}

/* C9 v2: the password a user name given without one (lpPassword NULL)
** goes with: the caller's own when the name is the caller's (outbound)
** account and the session holds its credentials; else a vault entry for
** the server with that user name; else none (blank). */
static const char *simwnet_default_password(const SimMachine *pM,
                                            const SimSession *pS,
                                            const char *zServer,
                                            const char *zUser){
  const SimCred *pCred;
  simwnet_rule(pM, SIM_RULE_C9);
  if( pS->bHasCreds && simcred_same_user(zUser, simwnet_own_name(pM, pS)) ){
    return simwnet_own_password(pM, pS);
  }
  pCred = pS->bVault ? simcred_match(pM->apUser[pS->iUser], zServer, zUser) : NULL;
  if( pCred ){
    simwnet_rule(pM, SIM_RULE_K3);
    return pCred->zPassword ? pCred->zPassword : "";
  }
  return "";
}

/* C3 and C5: which credentials a connection to zServer presents. */
static int simwnet_choose(const SimMachine *pM, SimSession *pS,
                          const char *zServer, const char *zUser,
                          const char *zPassword, SimConnectMode eMode,
                          SimPresent *pP){
  SimCredSet *pHeld = simwnet_find_set(pS, zServer);
  const SimUser *pU = pM->apUser[pS->iUser];

  if( eMode==SIM_MODE_RESTORE ){
    /* R1/R2: a held set (from an earlier entry of this restore) is
    ** reused when it fits the entry: the entry remembers no UserName, or
    ** the set is explicit under that same name. Else a vault entry for
    ** the server wins; else the remembered UserName with a blank
    ** password; else C3.
    ** [F] a vault entry is used even when its user name differs from the
    ** remembered UserName.
    ** [F] a held set that does not fit the entry is never swapped for the
    ** vault's: the entry takes the explicit path below, where C5 makes it
    ** a credential conflict (1219), so the entry stays Unavailable
    ** whatever order the entries are restored in. */
    int bNamed = zUser && zUser[0];
    simwnet_rule(pM, SIM_RULE_R1);
    if( pHeld && (!bNamed || (pHeld->eKind==SIM_CRED_EXPLICIT
                              && simcred_same_user(pHeld->zUser, zUser))) ){
      simwnet_rule(pM, SIM_RULE_C5);
      goto reuse;
    }
    if( !pHeld && pS->bVault && simcred_match(pU, zServer, NULL) ){
      simwnet_rule(pM, SIM_RULE_R2);       /* the vault entry's credentials */
      return simwnet_choose_implicit(pM, pS, zServer, pP);
    }
    if( bNamed ){
      simwnet_rule(pM, SIM_RULE_R2);       /* UserName with a blank password */
      zPassword = "";
    }else{
      zUser = NULL;
      zPassword = NULL;
    }
  }

  if( zUser || zPassword ){
    /* C9: a password without a user name goes with the caller's own
    ** name; a user name without a password with that user's default
    ** password (simwnet_default_password). */
    const char *zName = zUser ? zUser : simwnet_own_name(pM, pS);
    int i;
    simwnet_rule(pM, SIM_RULE_C3);
    if( zUser==NULL ) simwnet_rule(pM, SIM_RULE_C9);
    if( pHeld ){
      /* C5: checked before the password. Names are compared as accounts
      ** are matched (case-insensitive, DOMAIN\ dropped). [F] An own,
      ** vault or anonymous set conflicts with any explicit name, even the
      ** caller's own or the vault entry's own user name. */
      simwnet_rule(pM, SIM_RULE_C5);
      if( pHeld->eKind!=SIM_CRED_EXPLICIT || !simcred_same_user(pHeld->zUser, zName) ){
        return ERROR_SESSION_CREDENTIAL_CONFLICT;
      }
      goto reuse;
    }
    i = simwnet_account_of(pM, zName);
    /* C4: an explicit user name no server knows: ERROR_LOGON_FAILURE */
    if( i<0 ){
      simwnet_rule(pM, SIM_RULE_C4);
      return ERROR_LOGON_FAILURE;
    }
    if( zPassword==NULL ){
      zPassword = simwnet_default_password(pM, pS, zServer, zName);
    }
    if( strcmp(zPassword, pM->apUser[i]->zPassword)!=0 ){
      simwnet_rule(pM, SIM_RULE_C4);
      return ERROR_INVALID_PASSWORD;     /* C4 */
    }
    pP->eKind = SIM_CRED_EXPLICIT;
    pP->zUser = zName;
    pP->iPrincipal = i;
    pP->pHeld = NULL;
    return 0;
  }
  if( pHeld ){
    simwnet_rule(pM, SIM_RULE_C5);           /* C5: the held set is reused */
    goto reuse;
  }
  return simwnet_choose_implicit(pM, pS, zServer, pP);

reuse:
  pP->eKind = pHeld->eKind;
  pP->zUser = pHeld->zUser;
  pP->iPrincipal = pHeld->iPrincipal;
  pP->pHeld = pHeld;
  return 0;
}

/* C13: can session pS reach share pShare through server name zServer (as
** written)? Its own connection to that share serves; else its held set
** for the server (C5); else C3 without explicit credentials. [F] A
** connection through another name of the server (C16) does not serve.
** Returns 0, ERROR_LOGON_FAILURE or ERROR_ACCESS_DENIED. */
int simwnet_present(const SimMachine *pM, const SimSession *pS,
                    const char *zServer, const SimShare *pShare){
  int i, rc;
  const SimCredSet *pHeld;
  SimPresent p;
  for(i=0; i<pS->nConn; i++){
    const SimConn *pC = pS->apConn[i];
    if( simstr_ieq(pC->zServer, zServer) && simstr_ieq(pC->zShare, pShare->zShare) ){
      return 0;
    }
  }
  pHeld = simwnet_find_set(pS, zServer);
  if( pHeld ){
    simwnet_rule(pM, SIM_RULE_C5);
    if( simwnet_admits(pM, pShare, pHeld->iPrincipal) ) return 0;
    simwnet_rule(pM, SIM_RULE_C4);
    return ERROR_ACCESS_DENIED;
  }
  rc = simwnet_choose_implicit(pM, pS, zServer, &p);
  if( rc ) return rc;
  if( simwnet_admits(pM, pShare, p.iPrincipal) ) return 0;
  simwnet_rule(pM, SIM_RULE_C4);
  return ERROR_ACCESS_DENIED;
}

/* ---------------------------------------------------------------- 3 ---- */

static void simwnet_conn_free(SimConn *pC){
  if( pC==NULL ) return;
  free(pC->zRemote);
  free(pC->zServer);
  free(pC->zShare);
  free(pC->zLink);
  free(pC);
}

/* Remove a connection from every session it belongs to, with its links
** and each owner's hold on its credential set, and free it. */
static void simwnet_conn_destroy(SimMachine *pM, SimConn *pC){
  int k;
  char zName[3];
  zName[0] = pC->cLetter; zName[1] = ':'; zName[2] = 0;
  for(k=0; k<pC->nOwner; k++){
    SimSession *pO = simm_session(pM, pC->aOwner[k]);
    if( pO==NULL ) continue;
    /* [F] the link is removed as the redirector would remove it: the
    ** exact target, wherever it is in the stack; if the caller already
    ** removed it with DefineDosDevice, nothing more happens. */
    if( pC->zLink ) simdir_remove_exact(simwnet_dir_of(pM, pO), zName, pC->zLink);
    simwnet_list_remove(pO, pC);
    simwnet_release_set(pO, pC->zServer);
  }
  simwnet_conn_free(pC);
}

/* Does set pSet hold the identity pres would present? */
static int simwnet_set_is(const SimCredSet *pSet, const SimPresent *pP){
  return pSet->eKind==pP->eKind && pSet->iPrincipal==pP->iPrincipal
      && (pSet->zUser==NULL)==(pP->zUser==NULL)
      && (pSet->zUser==NULL || simstr_ieq(pSet->zUser, pP->zUser));
}

/* Add a set for zServer holding pP to pS (room reserved), with nRef 0.
** Returns it, or NULL when out of memory (nothing added). */
static SimCredSet *simwnet_add_set(SimSession *pS, const char *zServer,
                                   const SimPresent *pP){
  SimCredSet set;
  int i, bOom = 0;
  set.zServer = simstr_dup(zServer, &bOom);
  set.zUser = simstr_dup(pP->zUser, &bOom);
  set.eKind = pP->eKind;
  set.iPrincipal = pP->iPrincipal;
  set.nRef = 0;
  if( bOom ){
    free(set.zServer);
    free(set.zUser);
    return NULL;
  }
  i = pS->nSet;
  while( i>0 && simstr_icmp(pS->aSet[i-1].zServer, set.zServer)>0 ){
    pS->aSet[i] = pS->aSet[i-1];
    i--;
  }
  pS->aSet[i] = set;
  pS->nSet++;
  return &pS->aSet[i];
}

/*
** The body of WNetAddConnection2, of restore, and of an implicit
** connection. cLetter 0 makes a deviceless connection (C14). On success
** sets *ppConn (if not NULL) to the connection, or to NULL when a
** deviceless connection to the share already existed (nothing added).
*/
static int simwnet_connect(SimMachine *pM, SimSession *pS, char cLetter,
                           const char *zRemote, const char *zUser,
                           const char *zPassword, unsigned flags,
                           SimConnectMode eMode, SimConn **ppConn){
  SimUser *pU = pM->apUser[pS->iUser];
  SimSession *pOther = NULL;
  SimCredSet *pOtherSet = NULL;
  const SimShare *pShare;
  const SimNetEntry *pEntry;
  SimConn *pC = NULL;
  SimPresent pres;
  char zName[3];
  int rc, bOom = 0, bNewSet;
  size_t nLink;

  if( ppConn ) *ppConn = NULL;
  zName[0] = cLetter; zName[1] = ':'; zName[2] = 0;
  pC = calloc(1, sizeof(SimConn));
  if( pC==NULL ) return ERROR_NOT_ENOUGH_MEMORY;

  /* C2, in order. A letter the caller's session still has a connection on
  ** counts as assigned even after its link was removed with
  ** DefineDosDevice (v2): the redirector's use table still holds it. A
  ** deviceless connection has no letter to check (C14). */
  pEntry = cLetter ? simreg_net_remembered(pU, cLetter) : NULL;
  if( SIM_BUG(pM, SIM_BUG_C2_ORDER) && eMode==SIM_MODE_CALL && pEntry
   && !simstr_ieq(simreg_net_remote(pEntry), zRemote) ){
    rc = ERROR_DEVICE_ALREADY_REMEMBERED;         /* planted bug 2 */
    goto err;
  }
  if( cLetter && (simdos_lookup(pM, pS, zName, NULL) || simwnet_find_conn(pS, cLetter)) ){
    sim_rule(pM, SIM_RULE_C2);
    if( !simdos_luid_maps(pM) ) sim_rule(pM, SIM_RULE_N5);
    rc = ERROR_ALREADY_ASSIGNED;
    goto err;
  }
  if( eMode==SIM_MODE_CALL && pEntry && !simstr_ieq(simreg_net_remote(pEntry), zRemote) ){
    sim_rule(pM, SIM_RULE_C2);
    rc = ERROR_DEVICE_ALREADY_REMEMBERED;
    goto err;
  }
  rc = simwnet_parse_remote(zRemote, &pC->zServer, &pC->zShare);
  if( rc ){ sim_rule(pM, SIM_RULE_C2); goto err; }
  /* C16: every name of a server reaches its shares */
  if( !simm_server_exists(pM, pC->zServer) ){
    sim_rule(pM, SIM_RULE_C2);
    rc = ERROR_BAD_NETPATH;
    goto err;
  }
  pShare = simm_share(pM, pC->zServer, pC->zShare);
  if( pShare==NULL ){
    sim_rule(pM, SIM_RULE_C2);
    rc = ERROR_BAD_NET_NAME;
    goto err;
  }
  if( !simstr_ieq(pC->zServer, pShare->zServer) ) sim_rule(pM, SIM_RULE_C16);

  /* C3-C5 */
  rc = simwnet_choose(pM, pS, pC->zServer, zUser, zPassword, eMode, &pres);
  if( rc ) goto err;
  if( !simwnet_admits(pM, pShare, pres.iPrincipal) ){
    sim_rule(pM, SIM_RULE_C4);
    rc = ERROR_ACCESS_DENIED;
    goto err;
  }

  /* C14: a second deviceless connection to the share adds nothing once
  ** C5 allowed it. */
  if( cLetter==0 ){
    sim_rule(pM, SIM_RULE_C14);
    if( simwnet_find_deviceless(pS, pC->zServer, pC->zShare) ){
      simwnet_conn_free(pC);
      return 0;
    }
  }

  /* C1: the connection and its link */
  pC->cLetter = cLetter;
  pC->bImplicit = eMode==SIM_MODE_IMPLICIT;
  pC->luidCreator = pS->luid;
  if( eMode==SIM_MODE_IMPLICIT ){
    /* [F] an implicit connection is named \\server\share, as the path
    ** wrote them, without the rest of the path */
    nLink = strlen(pC->zServer)+strlen(pC->zShare)+4;
    pC->zRemote = malloc(nLink);
    if( pC->zRemote ) snprintf(pC->zRemote, nLink, "\\\\%s\\%s", pC->zServer, pC->zShare);
    else bOom = 1;
  }else{
    pC->zRemote = simstr_dup(zRemote, &bOom);
  }
  if( bOom ){ rc = ERROR_NOT_ENOUGH_MEMORY; goto err; }
  if( cLetter ){
    nLink = strlen(zRemote)+64;
    pC->zLink = malloc(nLink);
    if( pC->zLink==NULL ){ rc = ERROR_NOT_ENOUGH_MEMORY; goto err; }
    /* [F] with linked connections (C10) both halves' links carry the
    ** creating half's LUID: one connection, one redirector path. */
    snprintf(pC->zLink, nLink, "\\Device\\LanmanRedirector\\;%c:%016llx\\%s",
             cLetter, (unsigned long long)pS->luid, zRemote+2);
  }

  /* C10: with EnableLinkedConnections in effect the connection belongs to
  ** both halves, and both hold its credential set (v2). [F] It stays the
  ** caller's alone when the other half already has a local link or a
  ** connection of that letter, its own deviceless connection to the
  ** share, or another set for the server. */
  if( simwnet_linked_in_effect(pM) && pS->luidLinked ){
    pOther = simm_session(pM, pS->luidLinked);
    if( pOther && cLetter ){
      if( (simwnet_dir_of(pM, pOther)!=simwnet_dir_of(pM, pS)
           && simdir_find(simwnet_dir_of(pM, pOther), zName))
       || simwnet_find_conn(pOther, cLetter) ){
        pOther = NULL;
      }
    }else if( pOther && simwnet_find_deviceless(pOther, pC->zServer, pC->zShare) ){
      pOther = NULL;
    }
    if( pOther ){
      pOtherSet = simwnet_find_set(pOther, pC->zServer);
      if( pOtherSet && !simwnet_set_is(pOtherSet, &pres) ) pOther = NULL;
    }
  }

  /* Reserve everything that can fail before changing anything. */
  bNewSet = pres.pHeld==NULL;
  if( simarr_reserve((void**)&pS->apConn, &pS->nConnAlloc, pS->nConn+1, sizeof(SimConn*))
   || (pOther && simarr_reserve((void**)&pOther->apConn, &pOther->nConnAlloc,
                                pOther->nConn+1, sizeof(SimConn*)))
   || (bNewSet && simarr_reserve((void**)&pS->aSet, &pS->nSetAlloc,
                                 pS->nSet+1, sizeof(SimCredSet)))
   || (pOther && pOtherSet==NULL
       && simarr_reserve((void**)&pOther->aSet, &pOther->nSetAlloc,
                         pOther->nSet+1, sizeof(SimCredSet))) ){
    rc = ERROR_NOT_ENOUGH_MEMORY;
    goto err;
  }
  if( cLetter ){
    rc = simdir_push(simdos_own_dir(pM, pS), zName, pC->zLink);
    if( rc==0 && pOther && simwnet_dir_of(pM, pOther)!=simwnet_dir_of(pM, pS) ){
      rc = simdir_push(simdos_own_dir(pM, pOther), zName, pC->zLink);
      if( rc ) simdir_remove_exact(simwnet_dir_of(pM, pS), zName, pC->zLink);
    }
    if( rc ) goto err;
  }
  /* the sets: nothing below can fail but a copy of a name */
  if( bNewSet ){
    pres.pHeld = simwnet_add_set(pS, pC->zServer, &pres);
    if( pres.pHeld==NULL ) bOom = 1;
  }
  if( !bOom && pOther && pOtherSet==NULL ){
    pOtherSet = simwnet_add_set(pOther, pC->zServer, &pres);
    if( pOtherSet==NULL ){
      bOom = 1;
      if( bNewSet ){
        pres.pHeld->nRef = 1;
        simwnet_release_set(pS, pC->zServer);
      }
    }
  }
  if( bOom ){
    if( cLetter ){
      simdir_remove_exact(simwnet_dir_of(pM, pS), zName, pC->zLink);
      if( pOther && simwnet_dir_of(pM, pOther)!=simwnet_dir_of(pM, pS) ){
        simdir_remove_exact(simwnet_dir_of(pM, pOther), zName, pC->zLink);
      }
    }
    rc = ERROR_NOT_ENOUGH_MEMORY;
    goto err;
  }
  pres.pHeld->nRef++;
  pC->aOwner[pC->nOwner++] = pS->luid;
  simwnet_list_insert(pS, pC);
  if( cLetter ) sim_rule(pM, SIM_RULE_C1);
  if( pS->luid==SIM_LUID_SYSTEM && cLetter ) sim_rule(pM, SIM_RULE_G1);
  if( pOther ){
    pOtherSet->nRef++;
    pC->aOwner[pC->nOwner++] = pOther->luid;
    simwnet_list_insert(pOther, pC);
    sim_rule(pM, SIM_RULE_C10);
    if( eMode==SIM_MODE_RESTORE ) sim_rule(pM, SIM_RULE_R3);
  }
  if( ppConn ) *ppConn = pC;

  /* C6/C7: remembered unless temporary or made by a full token (which
  ** EnableLinkedConnections in effect lifts, C10). A deviceless
  ** connection is never remembered (C14). [F] SYSTEM (a default token)
  ** writes its own hive; G2 says those entries are never restored. */
  if( cLetter==0 ) return 0;
  if( (flags & SIM_CONNECT_UPDATE_PROFILE) && (flags & SIM_CONNECT_TEMPORARY) ){
    sim_rule(pM, SIM_RULE_C9);           /* temporary: never remembered */
  }else if( (flags & SIM_CONNECT_UPDATE_PROFILE)
   && (pS->eElevation!=SIM_ELEVATION_FULL || simwnet_linked_in_effect(pM)
       || SIM_BUG(pM, SIM_BUG_FULL_PERSISTS)) ){
    /* [F] UserName is lpUserName as given; a password given without a
    ** user name leaves it empty. */
    rc = simreg_net_write(pU, cLetter, zRemote, zUser ? zUser : "");
    if( rc ){
      simwnet_conn_destroy(pM, pC);
      if( ppConn ) *ppConn = NULL;
      return rc;
    }
    sim_rule(pM, SIM_RULE_C6);
    if( pS->eElevation==SIM_ELEVATION_FULL ) sim_rule(pM, SIM_RULE_C10);
    if( pS->luid==SIM_LUID_SYSTEM ) sim_rule(pM, SIM_RULE_G2);
  }else if( flags & SIM_CONNECT_UPDATE_PROFILE ){
    sim_rule(pM, SIM_RULE_C7);           /* a full token remembers nothing */
  }
  return 0;

err:
  simwnet_conn_free(pC);
  return rc;
}

/* C13 v2: opening \\zServer\zShare\... directly. If the session has a
** connection to the share (with a letter or without, the server name as
** written) it serves; otherwise an implicit deviceless connection is made
** with the credentials of C3 (no explicit ones) and holds its set like
** any connection (C5). [F] Windows drops an idle implicit connection after
** a while; the model keeps it until it is cancelled or the session ends.
** Returns 0 or the error of C2-C5. */
int simwnet_open_unc(SimMachine *pM, SimSession *pS, const char *zServer,
                     const char *zShare){
  char *zRemote;
  size_t n;
  int i, rc;
  for(i=0; i<pS->nConn; i++){
    const SimConn *pC = pS->apConn[i];
    if( simstr_ieq(pC->zServer, zServer) && simstr_ieq(pC->zShare, zShare) ) return 0;
  }
  n = strlen(zServer)+strlen(zShare)+4;
  zRemote = malloc(n);
  if( zRemote==NULL ) return ERROR_NOT_ENOUGH_MEMORY;
  snprintf(zRemote, n, "\\\\%s\\%s", zServer, zShare);
  rc = simwnet_connect(pM, pS, 0, zRemote, NULL, NULL, 0, SIM_MODE_IMPLICIT, NULL);
  free(zRemote);
  return rc;
}

/* ---------------------------------------------------------------- 4 ---- */

/* The flags a call may pass. [F] Other CONNECT_* flags (interactive,
** prompt...) need a user interface the model does not have. */
#define SIM_CONNECT_KNOWN \
  (SIM_CONNECT_UPDATE_PROFILE|SIM_CONNECT_TEMPORARY)

int sim_wnet_add_connection2(SimMachine *pM, SimLuid token,
                             const char *zLocal, const char *zRemote,
                             const char *zUser, const char *zPassword,
                             unsigned flags){
  SimSession *pS = simm_session(pM, token);
  char c = 0;
  int rc;
  if( pS==NULL ) return ERROR_NO_SUCH_LOGON_SESSION;     /* L10 */
  if( zLocal && zLocal[0] ){
    rc = simwnet_parse_letter(zLocal, &c);
    if( rc ) return rc;
  }
  if( flags & ~(unsigned)SIM_CONNECT_KNOWN ) return ERROR_INVALID_PARAMETER;
  return simwnet_connect(pM, pS, c, zRemote, zUser, zPassword, flags,
                         SIM_MODE_CALL, NULL);
}

/* C15: the highest letter, from Z: down, that is not a device in the
** caller's view, not a letter its session has a connection on, and not
** remembered in its profile; 0 if none. [F] Down to A:; a key without a
** string RemotePath is not remembered (R6). */
static char simwnet_free_letter(const SimMachine *pM, const SimSession *pS){
  const SimUser *pU = pM->apUser[pS->iUser];
  char c;
  for(c='Z'; c>='A'; c--){
    char zName[3];
    zName[0] = c; zName[1] = ':'; zName[2] = 0;
    if( simdos_lookup(pM, pS, zName, NULL) ) continue;
    if( simwnet_find_conn(pS, c) ) continue;
    if( simreg_net_remembered(pU, c) ) continue;
    return c;
  }
  return 0;
}

int sim_wnet_use_connection(SimMachine *pM, SimLuid token,
                            const char *zLocal, const char *zRemote,
                            const char *zUser, const char *zPassword,
                            unsigned flags, char *pcLetter){
  SimSession *pS = simm_session(pM, token);
  char c = 0;
  int rc;
  if( pcLetter ) *pcLetter = 0;
  if( pS==NULL ) return ERROR_NO_SUCH_LOGON_SESSION;     /* L10 */
  if( flags & ~(unsigned)(SIM_CONNECT_KNOWN|SIM_CONNECT_REDIRECT) ){
    return ERROR_INVALID_PARAMETER;
  }
  if( zLocal && zLocal[0] ){
    rc = simwnet_parse_letter(zLocal, &c);
    if( rc ) return rc;
  }else if( flags & SIM_CONNECT_REDIRECT ){
    sim_rule(pM, SIM_RULE_C15);
    c = simwnet_free_letter(pM, pS);
    if( c==0 ) return ERROR_NO_MORE_DEVICES;
  }
  rc = simwnet_connect(pM, pS, c, zRemote, zUser, zPassword,
                       flags & SIM_CONNECT_KNOWN, SIM_MODE_CALL, NULL);
  if( rc==0 && pcLetter ) *pcLetter = c;
  return rc;
}

/* C14: cancel the caller's deviceless connection to the share zRemote
** names; lettered and remembered connections to it stay. */
static int simwnet_cancel_deviceless(SimMachine *pM, SimSession *pS,
                                     const char *zRemote){
  char *zServer, *zShare;
  SimConn *pC;
  int rc = simwnet_parse_remote(zRemote, &zServer, &zShare);
  sim_rule(pM, SIM_RULE_C14);
  if( rc==ERROR_NOT_ENOUGH_MEMORY ) return rc;
  if( rc ) return ERROR_NOT_CONNECTED;
  pC = simwnet_find_deviceless(pS, zServer, zShare);
  free(zServer);
  free(zShare);
  if( pC==NULL ) return ERROR_NOT_CONNECTED;
  if( pC->nOwner>1 ) sim_rule(pM, SIM_RULE_C10);
  simwnet_conn_destroy(pM, pC);
  return 0;
}

int sim_wnet_cancel_connection2(SimMachine *pM, SimLuid token,
                                const char *zLocal, unsigned flags,
                                int bForce){
  SimSession *pS = simm_session(pM, token);
  SimUser *pU;
  SimConn *pC;
  char c;
  int rc;
  (void)bForce;   /* [F] open files are not modelled: force changes nothing */
  if( pS==NULL ) return ERROR_NO_SUCH_LOGON_SESSION;
  if( zLocal && zLocal[0]=='\\' && zLocal[1]=='\\' ){
    return simwnet_cancel_deviceless(pM, pS, zLocal);
  }
  rc = simwnet_parse_letter(zLocal, &c);
  if( rc ) return rc;
  pU = pM->apUser[pS->iUser];
  /* C9/C10/N5: only the caller's own (or linked) connection */
  sim_rule(pM, SIM_RULE_C9);
  pC = simwnet_find_conn(pS, c);
  if( pC ){
    if( pC->nOwner>1 ) sim_rule(pM, SIM_RULE_C10);
    simwnet_conn_destroy(pM, pC);
    /* [F] a full token may forget a remembered entry even though it
    ** cannot write one (C7 restricts writing only). */
    if( flags & SIM_CONNECT_UPDATE_PROFILE ) simreg_net_delete(pU, c);
    return 0;
  }
  /* R6 [F]: a key without a string RemotePath is no remembered
  ** connection, so it cannot be forgotten this way either */
  if( simreg_net_remembered(pU, c) && (flags & SIM_CONNECT_UPDATE_PROFILE) ){
    simreg_net_delete(pU, c);
    return 0;
  }
  if( !simdos_luid_maps(pM) ) sim_rule(pM, SIM_RULE_N5);
  return ERROR_NOT_CONNECTED;
}

int sim_wnet_get_connection(const SimMachine *pM, SimLuid token,
                            const char *zLocal, const char **pzRemote){
  const SimSession *pS = simm_session(pM, token);
  const SimConn *pC;
  const SimNetEntry *pE;
  char c;
  int rc;
  if( pzRemote ) *pzRemote = NULL;
  if( pS==NULL ) return ERROR_NO_SUCH_LOGON_SESSION;
  rc = simwnet_parse_letter(zLocal, &c);
  if( rc ) return rc;
  simwnet_rule(pM, SIM_RULE_C11);
  pC = simwnet_find_conn(pS, c);
  if( pC ){
    if( pzRemote ) *pzRemote = pC->zRemote;
    return 0;
  }
  pE = simreg_net_remembered(pM->apUser[pS->iUser], c);
  if( pE ){
    if( pzRemote ) *pzRemote = simreg_net_remote(pE);
    return ERROR_CONNECTION_UNAVAIL;
  }
  return ERROR_NOT_CONNECTED;
}

static const char *simwnet_conn_user(const SimSession *pS, const SimConn *pC){
  const SimCredSet *pSet = simwnet_find_set(pS, pC->zServer);
  return (pSet && pSet->zUser) ? pSet->zUser : "";
}

int sim_wnet_enum(const SimMachine *pM, SimLuid token, SimEnumScope eScope,
                  int (*xVisit)(void *pCtx, const SimResourceInfo *),
                  void *pCtx){
  const SimSession *pS = simm_session(pM, token);
  int i;
  if( pS==NULL ) return ERROR_NO_SUCH_LOGON_SESSION;
  simwnet_rule(pM, SIM_RULE_C12);
  if( eScope==SIM_RESOURCE_CONNECTED ){
    /* C12: this session's connections only, lettered ones first, then
    ** deviceless ones (C14) */
    for(i=0; i<pS->nConn; i++){
      SimResourceInfo r;
      if( pS->apConn[i]->cLetter==0 ) simwnet_rule(pM, SIM_RULE_C14);
      r.cLetter = pS->apConn[i]->cLetter;
      r.zRemote = pS->apConn[i]->zRemote;
      r.zUser = simwnet_conn_user(pS, pS->apConn[i]);
      if( xVisit(pCtx, &r) ) break;
    }
    return 0;
  }
  if( eScope==SIM_RESOURCE_REMEMBERED ){
    const SimUser *pU = pM->apUser[pS->iUser];
    for(i=0; i<pU->nNet; i++){
      SimResourceInfo r;
      const char *zRemote = simreg_net_remote(&pU->aNet[i]);
      if( zRemote==NULL ){
        simwnet_rule(pM, SIM_RULE_R6);   /* not a remembered connection */
        continue;
      }
      r.cLetter = pU->aNet[i].cLetter;
      r.zRemote = zRemote;
      r.zUser = simreg_net_user(&pU->aNet[i]);
      if( xVisit(pCtx, &r) ) break;
    }
    return 0;
  }
  return ERROR_INVALID_PARAMETER;
}

/* ---------------------------------------------------------------- 5 ---- */

int sim_net_use_list(const SimMachine *pM, SimLuid token,
                     int (*xVisit)(void *pCtx, const SimUseInfo *),
                     void *pCtx){
  const SimSession *pS = simm_session(pM, token);
  const SimUser *pU;
  int i = 0, j = 0;
  if( pS==NULL ) return ERROR_NO_SUCH_LOGON_SESSION;
  pU = pM->apUser[pS->iUser];
  simwnet_rule(pM, SIM_RULE_C12);
  /* G3: SYSTEM's global drives are its own connections, not listed here */
  if( pS->luid!=SIM_LUID_SYSTEM ){
    const SimSession *pSys = simm_session(pM, SIM_LUID_SYSTEM);
    if( pSys && pSys->nConn>0 ) simwnet_rule(pM, SIM_RULE_G3);
  }
  /* C12: merge connected (OK) and remembered-not-connected (Unavailable)
  ** lettered rows; then the deviceless connections (C14), which the list
  ** keeps after the lettered ones */
  for(;;){
    SimUseInfo u;
    char a = (i<pS->nConn && pS->apConn[i]->cLetter) ? pS->apConn[i]->cLetter : 127;
    char b = 127;
    while( j<pU->nNet && simreg_net_remote(&pU->aNet[j])==NULL ){
      simwnet_rule(pM, SIM_RULE_R6);     /* not a remembered connection */
      j++;
    }
    if( j<pU->nNet ) b = pU->aNet[j].cLetter;
    if( a==127 && b==127 ) break;
    if( a<=b ){
      u.eStatus = SIM_USE_OK;
      u.cLetter = a;
      u.zRemote = pS->apConn[i]->zRemote;
      i++;
      if( a==b ) j++;
    }else{
      u.eStatus = SIM_USE_UNAVAILABLE;
      u.cLetter = b;
      u.zRemote = simreg_net_remote(&pU->aNet[j]);
      j++;
    }
    if( xVisit(pCtx, &u) ) return 0;
  }
  for(; i<pS->nConn; i++){
    SimUseInfo u;
    simwnet_rule(pM, SIM_RULE_C14);
    u.eStatus = SIM_USE_OK;
    u.cLetter = 0;
    u.zRemote = pS->apConn[i]->zRemote;
    if( xVisit(pCtx, &u) ) break;
  }
  return 0;
}

static int simwnet_collect_letter(void *pCtx, const SimUseInfo *pU){
  unsigned *pm = (unsigned*)pCtx;
  if( pU->cLetter ) *pm |= 1u<<(pU->cLetter-'A');
  return 0;
}

int sim_net_use_delete_all(SimMachine *pM, SimLuid token){
  SimSession *pS;
  unsigned mLetters = 0;
  int i, rc, rcFirst = 0;
  rc = sim_net_use_list(pM, token, simwnet_collect_letter, &mLetters);
  if( rc ) return rc;
  sim_rule(pM, SIM_RULE_C9);
  /* [F] every listed letter is tried even after a failure; the first
  ** error is the result. */
  for(i=0; i<26; i++){
    if( mLetters & (1u<<i) ){
      char zLocal[3];
      zLocal[0] = (char)('A'+i); zLocal[1] = ':'; zLocal[2] = 0;
      rc = sim_wnet_cancel_connection2(pM, token, zLocal,
                                       SIM_CONNECT_UPDATE_PROFILE, 1);
      if( rc && rcFirst==0 ) rcFirst = rc;
    }
  }
  /* C9/C14: and every deviceless connection of the session */
  pS = simm_session(pM, token);
  while( pS && pS->nConn>0 && pS->apConn[pS->nConn-1]->cLetter==0 ){
    sim_rule(pM, SIM_RULE_C14);
    simwnet_conn_destroy(pM, pS->apConn[pS->nConn-1]);
  }
  return rcFirst;
}

/* ---------------------------------------------------------------- 6 ---- */

/* R1-R5: reconnect each remembered entry of the user into pS (the limited
** half of a split logon; R3: linked connections reach both halves through
** simwnet_connect()). Failures are silent and never delete the entry
** (R5); `net use` then shows it Unavailable (R2). Entries are tried in
** letter order [F]. [F] A key without a string RemotePath is skipped and
** left as it is; a UserName that is not a string counts as none (R6). */
void simwnet_restore(SimMachine *pM, SimSession *pS){
  SimUser *pU = pM->apUser[pS->iUser];
  int i;
  for(i=0; i<pU->nNet; i++){
    const SimNetEntry *pE = &pU->aNet[i];
    const char *zRemote = simreg_net_remote(pE);
    if( zRemote==NULL ){
      sim_rule(pM, SIM_RULE_R6);
      continue;
    }
    sim_rule(pM, SIM_RULE_R1);
    if( simwnet_connect(pM, pS, pE->cLetter, zRemote, simreg_net_user(pE),
                        NULL, 0, SIM_MODE_RESTORE, NULL) ){
      sim_rule(pM, SIM_RULE_R5);       /* the entry stays */
    }
    pU = pM->apUser[pS->iUser];        /* (the hive is not changed) */
  }
}

/* L8/L9: every connection of an ending session goes, in every session it
** belongs to (the linked half ends at the same time). [F] With LUID device
** maps off the connection's link is global; it goes with the session. */
void simwnet_session_ending(SimMachine *pM, SimSession *pS){
  while( pS->nConn>0 ){
    simwnet_conn_destroy(pM, pS->apConn[pS->nConn-1]);
  }
}

/* ---------------------------------------------------------------- 7 ---- */

int sim_wnet_visit_connections(const SimMachine *pM, SimLuid luid,
                               int (*xVisit)(void *pCtx, const SimConnInfo *),
                               void *pCtx){
  const SimSession *pS = simm_session(pM, luid);
  int i;
  if( pS==NULL ) return ERROR_NO_SUCH_LOGON_SESSION;
  for(i=0; i<pS->nConn && xVisit; i++){
    SimConnInfo c;
    c.cLetter = pS->apConn[i]->cLetter;
    c.zRemote = pS->apConn[i]->zRemote;
    c.zLink = pS->apConn[i]->zLink;
    c.luidCreator = pS->apConn[i]->luidCreator;
    c.bShared = pS->apConn[i]->nOwner>1;
    c.bImplicit = pS->apConn[i]->bImplicit;
    if( xVisit(pCtx, &c) ) break;
  }
  return 0;
}

int sim_wnet_visit_credsets(const SimMachine *pM, SimLuid luid,
                            int (*xVisit)(void *pCtx, const SimCredSetInfo *),
                            void *pCtx){
  const SimSession *pS = simm_session(pM, luid);
  int i;
  if( pS==NULL ) return ERROR_NO_SUCH_LOGON_SESSION;
  for(i=0; i<pS->nSet && xVisit; i++){
    SimCredSetInfo c;
    c.zServer = pS->aSet[i].zServer;
    c.eKind = pS->aSet[i].eKind;
    c.zUser = pS->aSet[i].zUser;
    c.nConn = pS->aSet[i].nRef;
    if( xVisit(pCtx, &c) ) break;
  }
  return 0;
}
