/*
** sim/wnet.c: network connections (SEMANTICS C1-C12, R1-R5, G1-G3).
**
** Contents:
**   1. Small helpers: letters, remote names, the connection list
**   2. Credential sets (C5) and the credentials presented (C3, C4)
**   3. Making and destroying a connection (C1, C2, C6, C7, C10)
**   4. WNetAddConnection2, WNetCancelConnection2, WNetGetConnection,
**      WNetEnumResource (C9, C11, C12)
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
  SIM_MODE_RESTORE           /* the network provider restoring at logon */
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
  for(i=0; i<pS->nConn; i++){
    if( pS->apConn[i]->cLetter==cLetter ) return pS->apConn[i];
  }
  return NULL;
}

/* Insert pC in pS's letter-sorted list; room must have been reserved. */
static void simwnet_list_insert(SimSession *pS, SimConn *pC){
  int i = pS->nConn;
  while( i>0 && pS->apConn[i-1]->cLetter>pC->cLetter ){
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

static SimCredSet *simwnet_find_set(const SimSession *pS, const char *zServer){
  int i;
  for(i=0; i<pS->nSet; i++){
    if( simstr_ieq(pS->aSet[i].zServer, zServer) ) return &pS->aSet[i];
  }
  return NULL;
}

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
** name account "user". [F] Every server knows every account (W4), so the
** domain or machine part before a backslash is ignored. -1 if unknown or
** SYSTEM (which no one can present explicitly). */
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

/* The credentials a connection presents. */
typedef struct SimPresent SimPresent;
struct SimPresent {
  SimCredKind eKind;         /* how they were obtained */
  const char *zUser;         /* name presented (not owned), NULL if anon */
  int iPrincipal;            /* account it authenticates as */
  SimCredSet *pHeld;         /* the held set reused, or NULL for a new one */
};

/* C3 for a caller that gives no explicit credentials and holds no set
** for the server: the vault, then its own credentials, then anonymous. */
static int simwnet_choose_implicit(const SimMachine *pM, const SimSession *pS,
                                   const char *zServer, SimPresent *pP){
  const SimUser *pU = pM->apUser[pS->iUser];
  const SimCred *pCred = pS->bHasCreds ? simcred_find(pU, zServer) : NULL;
  pP->pHeld = NULL;
  simwnet_rule(pM, SIM_RULE_C3);
  if( pCred ){
    /* K3: an entry whose target is the server. C4 [F]: a stored
    ** credential the server rejects is ERROR_LOGON_FAILURE. */
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
                              && simstr_ieq(pHeld->zUser, zUser))) ){
      simwnet_rule(pM, SIM_RULE_C5);
      goto reuse;
    }
    if( !pHeld && pS->bHasCreds && simcred_find(pU, zServer) ){
      simwnet_rule(pM, SIM_RULE_R2);       /* the vault entry's credentials */
      return simwnet_choose_implicit(pM, pS, zServer, pP);
    }
    if( zUser && zUser[0] ){
      simwnet_rule(pM, SIM_RULE_R2);       /* UserName with a blank password */
      zPassword = "";
    }else{
      zUser = NULL;
      zPassword = NULL;
    }
  }

  if( zUser || zPassword ){
    /* C9: a password without a user name goes with the caller's own name;
    ** a missing password is blank. */
    const char *zName = zUser ? zUser : pU->zName;
    int i;
    simwnet_rule(pM, SIM_RULE_C3);
    if( zUser==NULL ) simwnet_rule(pM, SIM_RULE_C9);
    if( pHeld ){
      simwnet_rule(pM, SIM_RULE_C5);
      /* C5 [F]: checked before the password; an own, vault or anonymous
      ** set conflicts with any explicit name, even the caller's own */
      if( pHeld->eKind!=SIM_CRED_EXPLICIT || !simstr_ieq(pHeld->zUser, zName) ){
        return ERROR_SESSION_CREDENTIAL_CONFLICT;
      }
      goto reuse;
    }
    i = simwnet_account_of(pM, zName);
    /* [F] an explicit user name no server knows: ERROR_LOGON_FAILURE */
    if( i<0 ){
      simwnet_rule(pM, SIM_RULE_C4);
      return ERROR_LOGON_FAILURE;
    }
    if( strcmp(zPassword ? zPassword : "", pM->apUser[i]->zPassword)!=0 ){
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

/* C13: can session pS reach share pShare of zServer? Its own connection to
** that share serves; else its held set for the server (C5); else C3
** without explicit credentials. Returns 0, ERROR_LOGON_FAILURE or
** ERROR_ACCESS_DENIED. */
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
** and its hold on the creator's credential set, and free it. */
static void simwnet_conn_destroy(SimMachine *pM, SimConn *pC){
  int k;
  SimSession *pCreator;
  char zName[3];
  zName[0] = pC->cLetter; zName[1] = ':'; zName[2] = 0;
  for(k=0; k<pC->nOwner; k++){
    SimSession *pO = simm_session(pM, pC->aOwner[k]);
    if( pO==NULL ) continue;
    /* [F] the link is removed as the redirector would remove it: the
    ** exact target, wherever it is in the stack; if the caller already
    ** removed it with DefineDosDevice, nothing more happens. */
    simdir_remove_exact(simwnet_dir_of(pM, pO), zName, pC->zLink);
    simwnet_list_remove(pO, pC);
  }
  pCreator = simm_session(pM, pC->luidCreator);
  if( pCreator ) simwnet_release_set(pCreator, pC->zServer);
  simwnet_conn_free(pC);
}

/* The body of WNetAddConnection2 and of restore. */
static int simwnet_connect(SimMachine *pM, SimSession *pS, char cLetter,
                           const char *zRemote, const char *zUser,
                           const char *zPassword, unsigned flags,
                           SimConnectMode eMode){
  SimUser *pU = pM->apUser[pS->iUser];
  SimSession *pOther = NULL;
  const SimShare *pShare;
  const SimNetEntry *pEntry;
  SimConn *pC = NULL;
  SimPresent pres;
  char zName[3];
  int rc, bOom = 0, bLinked;
  size_t nLink;

  zName[0] = cLetter; zName[1] = ':'; zName[2] = 0;
  pC = calloc(1, sizeof(SimConn));
  if( pC==NULL ) return ERROR_NOT_ENOUGH_MEMORY;

  /* C2, in order. [F] A letter the caller still has a connection on
  ** counts as assigned even if its link was removed with DefineDosDevice:
  ** the redirector's use table still holds it. */
  pEntry = simreg_net_find(pU, cLetter);
  if( SIM_BUG(pM, SIM_BUG_C2_ORDER) && eMode==SIM_MODE_CALL && pEntry
   && !simstr_ieq(pEntry->zRemotePath, zRemote) ){
    rc = ERROR_DEVICE_ALREADY_REMEMBERED;         /* planted bug 2 */
    goto err;
  }
  if( simdos_lookup(pM, pS, zName, NULL) || simwnet_find_conn(pS, cLetter) ){
    sim_rule(pM, SIM_RULE_C2);
    if( !simdos_luid_maps(pM) ) sim_rule(pM, SIM_RULE_N5);
    rc = ERROR_ALREADY_ASSIGNED;
    goto err;
  }
  if( eMode==SIM_MODE_CALL && pEntry && !simstr_ieq(pEntry->zRemotePath, zRemote) ){
    sim_rule(pM, SIM_RULE_C2);
    rc = ERROR_DEVICE_ALREADY_REMEMBERED;
    goto err;
  }
  rc = simwnet_parse_remote(zRemote, &pC->zServer, &pC->zShare);
  if( rc ){ sim_rule(pM, SIM_RULE_C2); goto err; }
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

  /* C3-C5 */
  rc = simwnet_choose(pM, pS, pC->zServer, zUser, zPassword, eMode, &pres);
  if( rc ) goto err;
  if( !simwnet_admits(pM, pShare, pres.iPrincipal) ){
    sim_rule(pM, SIM_RULE_C4);
    rc = ERROR_ACCESS_DENIED;
    goto err;
  }

  /* C1: the connection and its link */
  pC->cLetter = cLetter;
  pC->luidCreator = pS->luid;
  pC->zRemote = simstr_dup(zRemote, &bOom);
  nLink = strlen(zRemote)+64;
  pC->zLink = malloc(nLink);
  if( bOom || pC->zLink==NULL ){ rc = ERROR_NOT_ENOUGH_MEMORY; goto err; }
  /* [F] with linked connections (C10) both halves' links carry the
  ** creating half's LUID: one connection, one redirector path. */
  snprintf(pC->zLink, nLink, "\\Device\\LanmanRedirector\\;%c:%016llx\\%s",
           cLetter, (unsigned long long)pS->luid, zRemote+2);

  /* C10: with EnableLinkedConnections in effect the connection belongs to
  ** both halves. [F] If the other half already has a local link of that
  ** name, the connection stays the caller's alone. */
  bLinked = simwnet_linked_in_effect(pM) && pS->luidLinked;
  if( bLinked ){
    pOther = simm_session(pM, pS->luidLinked);
    if( pOther && simwnet_dir_of(pM, pOther)!=simwnet_dir_of(pM, pS)
     && simdir_find(simwnet_dir_of(pM, pOther), zName) ){
      pOther = NULL;
    }
    if( pOther && simwnet_find_conn(pOther, cLetter) ) pOther = NULL;
  }

  /* Reserve everything that can fail before changing anything. */
  if( simarr_reserve((void**)&pS->apConn, &pS->nConnAlloc, pS->nConn+1, sizeof(SimConn*))
   || (pOther && simarr_reserve((void**)&pOther->apConn, &pOther->nConnAlloc,
                                pOther->nConn+1, sizeof(SimConn*)))
   || (pres.pHeld==NULL && simarr_reserve((void**)&pS->aSet, &pS->nSetAlloc,
                                          pS->nSet+1, sizeof(SimCredSet))) ){
    rc = ERROR_NOT_ENOUGH_MEMORY;
    goto err;
  }
  if( pres.pHeld==NULL ){
    /* re-find nothing: pres.pHeld is NULL so aSet may have moved freely */
    SimCredSet set;
    int i;
    set.zServer = simstr_dup(pC->zServer, &bOom);
    set.zUser = simstr_dup(pres.zUser, &bOom);
    set.eKind = pres.eKind;
    set.iPrincipal = pres.iPrincipal;
    set.nRef = 0;
    if( bOom ){
      free(set.zServer); free(set.zUser);
      rc = ERROR_NOT_ENOUGH_MEMORY;
      goto err;
    }
    i = pS->nSet;
    while( i>0 && simstr_icmp(pS->aSet[i-1].zServer, set.zServer)>0 ){
      pS->aSet[i] = pS->aSet[i-1];
      i--;
    }
    pS->aSet[i] = set;
    pS->nSet++;
  }
  rc = simdir_push(simdos_own_dir(pM, pS), zName, pC->zLink);
  if( rc==0 && pOther && simwnet_dir_of(pM, pOther)!=simwnet_dir_of(pM, pS) ){
    rc = simdir_push(simdos_own_dir(pM, pOther), zName, pC->zLink);
    if( rc ) simdir_remove_exact(simwnet_dir_of(pM, pS), zName, pC->zLink);
  }
  if( rc ){
    /* give back the set reference just made */
    simwnet_find_set(pS, pC->zServer)->nRef++;
    simwnet_release_set(pS, pC->zServer);
    goto err;
  }
  simwnet_find_set(pS, pC->zServer)->nRef++;
  pC->aOwner[pC->nOwner++] = pS->luid;
  simwnet_list_insert(pS, pC);
  sim_rule(pM, SIM_RULE_C1);
  if( pS->luid==SIM_LUID_SYSTEM ) sim_rule(pM, SIM_RULE_G1);
  if( pOther ){
    pC->aOwner[pC->nOwner++] = pOther->luid;
    simwnet_list_insert(pOther, pC);
    sim_rule(pM, SIM_RULE_C10);
    if( eMode==SIM_MODE_RESTORE ) sim_rule(pM, SIM_RULE_R3);
  }

  /* C6/C7: remembered unless temporary or made by a full token (which
  ** EnableLinkedConnections lifts). [F] SYSTEM (a default token) writes its
  ** own hive; G2 says those entries are never restored. */
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

/* ---------------------------------------------------------------- 4 ---- */

int sim_wnet_add_connection2(SimMachine *pM, SimLuid token,
                             const char *zLocal, const char *zRemote,
                             const char *zUser, const char *zPassword,
                             unsigned flags){
  SimSession *pS = simm_session(pM, token);
  char c;
  int rc;
  if( pS==NULL ) return ERROR_NO_SUCH_LOGON_SESSION;     /* L10 */
  /* [F] connections without a drive letter are not modelled */
  rc = simwnet_parse_letter(zLocal, &c);
  if( rc ) return rc;
  if( flags & ~(unsigned)(SIM_CONNECT_UPDATE_PROFILE|SIM_CONNECT_TEMPORARY) ){
    /* [F] other CONNECT_* flags (interactive, prompt, redirect...) need a
    ** user interface the model does not have */
    return ERROR_INVALID_PARAMETER;
  }
  return simwnet_connect(pM, pS, c, zRemote, zUser, zPassword, flags,
                         SIM_MODE_CALL);
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
  if( simreg_net_find(pU, c) && (flags & SIM_CONNECT_UPDATE_PROFILE) ){
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
  pE = simreg_net_find(pM->apUser[pS->iUser], c);
  if( pE ){
    if( pzRemote ) *pzRemote = pE->zRemotePath;
    return ERROR_CONNECTION_UNAVAIL;
  }
  return ERROR_NOT_CONNECTED;
}

static const char *simwnet_conn_user(const SimMachine *pM, const SimConn *pC){
  const SimSession *pCreator = simm_session(pM, pC->luidCreator);
  const SimCredSet *pSet = pCreator ? simwnet_find_set(pCreator, pC->zServer) : NULL;
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
    /* C12: this session's connections only */
    for(i=0; i<pS->nConn; i++){
      SimResourceInfo r;
      r.cLetter = pS->apConn[i]->cLetter;
      r.zRemote = pS->apConn[i]->zRemote;
      r.zUser = simwnet_conn_user(pM, pS->apConn[i]);
      if( xVisit(pCtx, &r) ) break;
    }
    return 0;
  }
  if( eScope==SIM_RESOURCE_REMEMBERED ){
    const SimUser *pU = pM->apUser[pS->iUser];
    for(i=0; i<pU->nNet; i++){
      SimResourceInfo r;
      r.cLetter = pU->aNet[i].cLetter;
      r.zRemote = pU->aNet[i].zRemotePath;
      r.zUser = pU->aNet[i].zUserName;
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
  /* C12: merge connected (OK) and remembered-not-connected (Unavailable) */
  while( i<pS->nConn || j<pU->nNet ){
    SimUseInfo u;
    char a = i<pS->nConn ? pS->apConn[i]->cLetter : 127;
    char b = j<pU->nNet ? pU->aNet[j].cLetter : 127;
    if( a<=b ){
      u.eStatus = SIM_USE_OK;
      u.cLetter = a;
      u.zRemote = pS->apConn[i]->zRemote;
      i++;
      if( a==b ) j++;
    }else{
      u.eStatus = SIM_USE_UNAVAILABLE;
      u.cLetter = b;
      u.zRemote = pU->aNet[j].zRemotePath;
      j++;
    }
    if( xVisit(pCtx, &u) ) break;
  }
  return 0;
}

static int simwnet_collect_letter(void *pCtx, const SimUseInfo *pU){
  unsigned *pm = (unsigned*)pCtx;
  *pm |= 1u<<(pU->cLetter-'A');
  return 0;
}

int sim_net_use_delete_all(SimMachine *pM, SimLuid token){
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
  return rcFirst;
}

/* ---------------------------------------------------------------- 6 ---- */

/* R1-R5: reconnect each remembered entry of the user into pS (the limited
** half of a split logon; R3: linked connections reach both halves through
** simwnet_connect()). Failures are silent and never delete the entry
** (R5); `net use` then shows it Unavailable (R2). Entries are tried in
** letter order [F]. */
void simwnet_restore(SimMachine *pM, SimSession *pS){
  SimUser *pU = pM->apUser[pS->iUser];
  int i;
  for(i=0; i<pU->nNet; i++){
    const SimNetEntry *pE = &pU->aNet[i];
    sim_rule(pM, SIM_RULE_R1);
    if( simwnet_connect(pM, pS, pE->cLetter, pE->zRemotePath,
                        pE->zUserName, NULL, 0, SIM_MODE_RESTORE) ){
      sim_rule(pM, SIM_RULE_R5);       /* the entry stays */
    }
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
  for(i=0; i<pS->nConn; i++){
    SimConnInfo c;
    c.cLetter = pS->apConn[i]->cLetter;
    c.zRemote = pS->apConn[i]->zRemote;
    c.zLink = pS->apConn[i]->zLink;
    c.luidCreator = pS->apConn[i]->luidCreator;
    c.bShared = pS->apConn[i]->nOwner>1;
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
  for(i=0; i<pS->nSet; i++){
    SimCredSetInfo c;
    c.zServer = pS->aSet[i].zServer;
    c.eKind = pS->aSet[i].eKind;
    c.zUser = pS->aSet[i].zUser;
    c.nConn = pS->aSet[i].nRef;
    if( xVisit(pCtx, &c) ) break;
  }
  return 0;
}
