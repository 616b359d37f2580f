/*
** sim/access.c: opening a path through the caller's view (SEMANTICS C13,
** C14, G4, G5).
**
** Contents: 1. serving a share  2. following a link  3. sim_open_path
*/
#include "sim/simint.h"

#include <stdlib.h>
#include <string.h>

/* How many links a path may pass through (\??\X: pointing at another
** letter) before the model gives up. [F] */
#define SIM_MAX_LINK_DEPTH 8

/* Mark a rule (rules.h): opening a path changes nothing but the marks. */
static void simaccess_rule(const SimMachine *pM, SimRule eRule){
  sim_rule((SimMachine*)pM, eRule);
}

/* ---------------------------------------------------------------- 1 ---- */

/* zRest is "server\share[\...]". C13: the caller's own connection to the
** share, else its held set for the server, else C3 without explicit
** credentials. [F] an unknown server or share behind a link gives the
** errors WNetAddConnection2 would (53, 67); a name with no share part is
** ERROR_PATH_NOT_FOUND. With pOpen (a UNC path opened directly, C13 v2)
** an implicit deviceless connection is made instead (wnet.c). */
static int simaccess_serve(const SimMachine *pM, const SimSession *pS,
                           const char *zRest, SimMachine *pOpen){
  const char *zBs = strchr(zRest, '\\');
  const char *zShare, *zEnd;
  char zServer[256], zShareName[256];
  size_t nServer, nShare;
  const SimShare *pShare;
  if( zBs==NULL || zBs==zRest ) return ERROR_PATH_NOT_FOUND;
  zShare = zBs+1;
  zEnd = strchr(zShare, '\\');
  if( zEnd==NULL ) zEnd = zShare+strlen(zShare);
  nServer = (size_t)(zBs-zRest);
  nShare = (size_t)(zEnd-zShare);
  if( nShare==0 ) return ERROR_PATH_NOT_FOUND;
  if( nServer>=sizeof(zServer) || nShare>=sizeof(zShareName) ) return ERROR_BAD_NETPATH;
  memcpy(zServer, zRest, nServer); zServer[nServer] = 0;
  memcpy(zShareName, zShare, nShare); zShareName[nShare] = 0;
  if( !simm_server_exists(pM, zServer) ) return ERROR_BAD_NETPATH;
  pShare = simm_share(pM, zServer, zShareName);
  if( pShare==NULL ) return ERROR_BAD_NET_NAME;
  if( pOpen ){
    /* v2 (F31 overruled): the implicit connection holds its set (C5) */
    return simwnet_open_unc(pOpen, (SimSession*)pS, zServer, zShareName);
  }
  return simwnet_present(pM, pS, zServer, pShare);
}

/* ---------------------------------------------------------------- 2 ---- */

static int simaccess_name(const SimMachine *pM, const SimSession *pS,
                          char cLetter, int bGlobalOnly, int nDepth);

static int simaccess_is_letter(char c){
  return (c>='A' && c<='Z') || (c>='a' && c<='z');
}

/* Follow one link target. */
static int simaccess_target(const SimMachine *pM, const SimSession *pS,
                            const char *zT, int nDepth){
  static const char zRdr[] = "\\Device\\LanmanRedirector\\;";
  static const char zHd[] = "\\Device\\HarddiskVolume";
  if( nDepth>SIM_MAX_LINK_DEPTH ) return ERROR_PATH_NOT_FOUND;
  /* C13: a link to a DOS path works only when that path is on a fixed
  ** disk. nDepth>0 means zT was reached through such a link (`define W:
  ** Z:\sub`), so a network target at the end of it is "anything else". */
  if( nDepth>0 && (simstr_iprefix(zT, zRdr) || simstr_iprefix(zT, "\\??\\UNC\\")) ){
    return ERROR_PATH_NOT_FOUND;
  }
  if( simstr_iprefix(zT, zRdr) ){
    /* ;Z:<16 hex digits>\server\share: the LUID is not checked [F] */
    const char *z = zT+sizeof(zRdr)-1;
    int i;
    if( !simaccess_is_letter(z[0]) || z[1]!=':' ) return ERROR_PATH_NOT_FOUND;
    z += 2;
    for(i=0; i<16; i++){
      if( z[i]==0 ) return ERROR_PATH_NOT_FOUND;
    }
    if( z[16]!='\\' ) return ERROR_PATH_NOT_FOUND;
    return simaccess_serve(pM, pS, z+17, NULL);
  }
  if( simstr_iprefix(zT, "\\??\\UNC\\") ){
    return simaccess_serve(pM, pS, zT+8, NULL);
  }
  if( simstr_iprefix(zT, "\\??\\") && simaccess_is_letter(zT[4]) && zT[5]==':'
   && (zT[6]==0 || zT[6]=='\\') ){
    return simaccess_name(pM, pS, zT[4], 0, nDepth+1);
  }
  if( simstr_iprefix(zT, "\\GLOBAL??\\") && simaccess_is_letter(zT[10])
   && zT[11]==':' && (zT[12]==0 || zT[12]=='\\') ){
    return simaccess_name(pM, pS, zT[10], 1, nDepth+1);
  }
  if( simstr_iprefix(zT, zHd) ){
    /* a fixed disk's volume: any path on it opens [F: no file system] */
    const char *z = zT+sizeof(zHd)-1;
    int n = 0, nDisks = 0, i;
    if( *z<'1' || *z>'9' ) return ERROR_PATH_NOT_FOUND;
    while( *z>='0' && *z<='9' && n<1000 ) n = n*10 + (*z++ - '0');
    if( *z!=0 && *z!='\\' ) return ERROR_PATH_NOT_FOUND;
    for(i=0; i<26; i++) if( pM->mDisks & (1u<<i) ) nDisks++;
    return (n>=1 && n<=nDisks) ? 0 : ERROR_PATH_NOT_FOUND;
  }
  return ERROR_PATH_NOT_FOUND;
}

/* Resolve drive cLetter in the caller's view (or \GLOBAL?? only). */
static int simaccess_name(const SimMachine *pM, const SimSession *pS,
                          char cLetter, int bGlobalOnly, int nDepth){
  char zName[3];
  const SimLink *pL;
  int bGlobal = 1;
  const char *zT;
  zName[0] = (char)(cLetter>='a' ? cLetter-'a'+'A' : cLetter);
  zName[1] = ':'; zName[2] = 0;
  pL = bGlobalOnly ? simdir_find(&pM->global, zName)
                   : simdos_lookup(pM, pS, zName, &bGlobal);
  if( pL==NULL ) return ERROR_PATH_NOT_FOUND;
  zT = pL->azTarget[pL->nTarget-1];
  /* G4: a global network drive is served with this session's own
  ** credentials, not those of the session that mapped it */
  if( bGlobal && nDepth==0 && pS->luid!=SIM_LUID_SYSTEM
   && (simstr_iprefix(zT, "\\Device\\LanmanRedirector\\")
       || simstr_iprefix(zT, "\\??\\UNC\\")) ){
    simaccess_rule(pM, SIM_RULE_G4);
  }
  return simaccess_target(pM, pS, zT, nDepth);
}

/* ---------------------------------------------------------------- 3 ---- */

int sim_open_path(SimMachine *pM, SimLuid token, const char *zPath){
  const SimSession *pS = simm_session(pM, token);
  if( pS==NULL ) return ERROR_NO_SUCH_LOGON_SESSION;
  simaccess_rule(pM, SIM_RULE_C13);
  if( zPath==NULL || zPath[0]==0 ) return ERROR_PATH_NOT_FOUND;
  if( zPath[0]=='\\' && zPath[1]=='\\' ){
    /* a UNC path: served by the session's connection to \\server\share,
    ** or through a new implicit one (C13 v2, C14) */
    return simaccess_serve(pM, pS, zPath+2, pM);
  }
  if( simaccess_is_letter(zPath[0]) && zPath[1]==':'
   && (zPath[2]==0 || zPath[2]=='\\') ){
    return simaccess_name(pM, pS, zPath[0], 0, 0);
  }
  return ERROR_PATH_NOT_FOUND;
}
