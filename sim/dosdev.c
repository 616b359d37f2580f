/*
** sim/dosdev.c: DOS device directories, DefineDosDevice and
** QueryDosDevice (SEMANTICS N1-N7, D1-D5).
**
** Contents:
**   1. Directories: sorted arrays of links, each a stack of targets
**   2. Names, targets and where a name lives (N2-N5, D2, D3)
**   3. DefineDosDevice (D1-D4)
**   4. QueryDosDevice (D5) and the caller's view (N7)
**   5. Introspection
*/
#include "sim/simint.h"

#include <stdlib.h>
#include <string.h>

/* Longest device name accepted, in bytes (MAX_PATH). */
#define SIM_MAX_DEVICE_NAME 260

/* ---------------------------------------------------------------- 1 ---- */

/* Index of zName in pDir, or -(insertion point)-1. */
static int simdir_search(const SimDir *pDir, const char *zName){
  int lo = 0, hi = pDir->nLink-1;
  while( lo<=hi ){
    int mid = (lo+hi)/2;
    int c = strcmp(pDir->aLink[mid].zName, zName);
    if( c==0 ) return mid;
    if( c<0 ) lo = mid+1; else hi = mid-1;
  }
  return -lo-1;
}

SimLink *simdir_find(const SimDir *pDir, const char *zName){
  int i = simdir_search(pDir, zName);
  return i>=0 ? &pDir->aLink[i] : NULL;
}

static void simdir_delete_at(SimDir *pDir, int i){
  SimLink *pL = &pDir->aLink[i];
  int j;
  for(j=0; j<pL->nTarget; j++) free(pL->azTarget[j]);
  free(pL->azTarget);
  free(pL->zName);
  memmove(&pDir->aLink[i], &pDir->aLink[i+1],
          (size_t)(pDir->nLink-i-1)*sizeof(SimLink));
  pDir->nLink--;
}

/* Remove target j of link i; the name goes with its last target (D4). */
static void simdir_remove_target_at(SimDir *pDir, int i, int j){
  SimLink *pL = &pDir->aLink[i];
  free(pL->azTarget[j]);
  memmove(&pL->azTarget[j], &pL->azTarget[j+1],
          (size_t)(pL->nTarget-j-1)*sizeof(char*));
  pL->nTarget--;
  if( pL->nTarget==0 ) simdir_delete_at(pDir, i);
}

void simdir_clear(SimDir *pDir){
  while( pDir->nLink>0 ) simdir_delete_at(pDir, pDir->nLink-1);
  free(pDir->aLink);
  pDir->aLink = NULL;
  pDir->nLinkAlloc = 0;
}

/* Push zTarget onto link zName (upper-cased), making the link if needed
** (D3). Returns 0 or ERROR_NOT_ENOUGH_MEMORY with nothing changed. */
int simdir_push(SimDir *pDir, const char *zName, const char *zTarget){
  int i = simdir_search(pDir, zName);
  int bOom = 0;
  SimLink *pL;
  char *zCopy = simstr_dup(zTarget, &bOom);
  if( bOom ) return ERROR_NOT_ENOUGH_MEMORY;
  if( i<0 ){
    SimLink link;
    i = -i-1;
    if( simarr_reserve((void**)&pDir->aLink, &pDir->nLinkAlloc,
                       pDir->nLink+1, sizeof(SimLink)) ){
      free(zCopy);
      return ERROR_NOT_ENOUGH_MEMORY;
    }
    memset(&link, 0, sizeof(link));
    link.zName = simstr_upper(simstr_dup(zName, &bOom));
    if( bOom ){
      free(zCopy);
      return ERROR_NOT_ENOUGH_MEMORY;
    }
    memmove(&pDir->aLink[i+1], &pDir->aLink[i],
            (size_t)(pDir->nLink-i)*sizeof(SimLink));
    pDir->aLink[i] = link;
    pDir->nLink++;
  }
  pL = &pDir->aLink[i];
  if( simarr_reserve((void**)&pL->azTarget, &pL->nTargetAlloc,
                     pL->nTarget+1, sizeof(char*)) ){
    free(zCopy);
    if( pL->nTarget==0 ) simdir_delete_at(pDir, i);
    return ERROR_NOT_ENOUGH_MEMORY;
  }
  pL->azTarget[pL->nTarget++] = zCopy;
  return 0;
}

/* Remove the newest target of zName equal to zTarget (exact match, as a
** DDD_EXACT_MATCH_ON_REMOVE|DDD_RAW_TARGET_PATH removal). Returns 0 or
** ERROR_FILE_NOT_FOUND. */
int simdir_remove_exact(SimDir *pDir, const char *zName, const char *zTarget){
  int i = simdir_search(pDir, zName);
  int j;
  if( i<0 ) return ERROR_FILE_NOT_FOUND;
  for(j=pDir->aLink[i].nTarget-1; j>=0; j--){
    if( simstr_ieq(pDir->aLink[i].azTarget[j], zTarget) ){
      simdir_remove_target_at(pDir, i, j);
      return 0;
    }
  }
  return ERROR_FILE_NOT_FOUND;
}

/* ---------------------------------------------------------------- 2 ---- */

int simdos_luid_maps(const SimMachine *pM){
  return sim_policy_effective(pM, SIM_POL_LUID_DEVICE_MAPS);
}

/* The directory a session's own definitions go to: its local one, or
** \GLOBAL?? for SYSTEM (N3) and when LUID device maps are off (N5). The
** local directory counts as made from here on. [F] Windows makes it when
** the session's device map is first referenced; the model makes it at the
** session's first definition or connection, which no output can tell
** apart. */
SimDir *simdos_own_dir(SimMachine *pM, SimSession *pS){
  if( pS->luid==SIM_LUID_SYSTEM ){
    sim_rule(pM, SIM_RULE_N3);
    return &pM->global;
  }
  if( !simdos_luid_maps(pM) ){
    sim_rule(pM, SIM_RULE_N5);
    return &pM->global;
  }
  sim_rule(pM, SIM_RULE_N1);
  pS->bDirMade = 1;
  return &pS->dir;
}

/* N2/N7: look zName (upper-cased, no Global\ prefix) up in the caller's
** local directory, then \GLOBAL??. Marks N3 or N5 when there is no local
** directory to look in, N2 otherwise, and N6 when the name is missing
** here but the linked half has it. */
const SimLink *simdos_lookup(const SimMachine *pM, const SimSession *pS,
                             const char *zName, int *pbGlobal){
  const SimLink *pL = NULL;
  if( pS->luid==SIM_LUID_SYSTEM ){
    simm_rule(pM, SIM_RULE_N3);
  }else if( !simdos_luid_maps(pM) ){
    simm_rule(pM, SIM_RULE_N5);
  }else{
    simm_rule(pM, SIM_RULE_N2);
    pL = simdir_find(&pS->dir, zName);
    if( pL==NULL && pS->luidLinked ){
      const SimSession *pO = simm_session(pM, pS->luidLinked);
      if( pO && simdir_find(&pO->dir, zName) ) simm_rule(pM, SIM_RULE_N6);
    }
  }
  if( pL ){
    if( pbGlobal ) *pbGlobal = 0;
    return pL;
  }
  pL = simdir_find(&pM->global, zName);
  if( pbGlobal ) *pbGlobal = 1;
  return pL;
}

/* Split "Global\X:" (N4) and upper-case the name into zOut. Returns 0,
** ERROR_INVALID_PARAMETER for a NULL, empty or over-long name, or (D1 v2)
** ERROR_INVALID_NAME for a name ending in a backslash (`M:\`). */
static int simdos_parse_name(const char *zDevice, char *zOut, int *pbGlobal){
  size_t n;
  *pbGlobal = 0;
  if( zDevice==NULL ) return ERROR_INVALID_PARAMETER;
  if( simstr_iprefix(zDevice, "Global\\") ){
    *pbGlobal = 1;
    zDevice += 7;
  }
  n = strlen(zDevice);
  if( n==0 || n>=SIM_MAX_DEVICE_NAME ) return ERROR_INVALID_PARAMETER;
  /* D1 v2 [I ReactOS apitest kernel32/dosdev.c][F code] */
  if( zDevice[n-1]=='\\' ) return ERROR_INVALID_NAME;
  memcpy(zOut, zDevice, n+1);
  simstr_upper(zOut);
  return 0;
}

/* The current directory the model gives every process (D2 [F]). */
#define SIM_CURRENT_DIR "C:\\"

/*
** D2 v2: zIn made a full path as GetFullPathName makes it, appended to
** pOut (a buffer of nOut bytes). `/` counts as `\`; a run of separators is
** one; `.` and `..` components are resolved, `..` never climbing above the
** root (`X:\` or `\\server\share\`); a trailing separator is kept; a bare
** `X:` is `X:\`. [F] A relative path is taken against the current
** directory, which the model fixes at C:\; a drive-relative `X:rel` (X not
** C) against X:\, the root being the current directory of every other
** drive; a rooted `\rel` against C:. [F] Trailing dots and spaces of the
** last component (which GetFullPathName strips) are kept. Returns 0 or
** ERROR_NOT_ENOUGH_MEMORY. *pbUnc says the result is a UNC path.
*/
static int simdos_full_path(const char *zIn, char **pzOut, int *pbUnc){
  size_t n = strlen(zIn);
  size_t nCap = n + sizeof(SIM_CURRENT_DIR) + 4;
  char *zSrc = malloc(n+1), *zOut = malloc(nCap);
  size_t iRoot, j, i;
  int bTrailing;
  const char *zRest;
  if( zSrc==NULL || zOut==NULL ){
    free(zSrc);
    free(zOut);
    return ERROR_NOT_ENOUGH_MEMORY;
  }
  for(i=0; i<=n; i++) zSrc[i] = zIn[i]=='/' ? '\\' : zIn[i];
  *pbUnc = 0;
  /* The root: "X:\", "\\server\share\" or the current directory's. */
  if( ((zSrc[0]>='A' && zSrc[0]<='Z') || (zSrc[0]>='a' && zSrc[0]<='z'))
   && zSrc[1]==':' ){
    zOut[0] = zSrc[0]; zOut[1] = ':'; zOut[2] = '\\';
    iRoot = 3;
    zRest = zSrc+2;
    if( zRest[0]!='\\' && (zSrc[0]=='C' || zSrc[0]=='c') ){
      /* drive-relative on the current drive: the current directory */
      memcpy(zOut, SIM_CURRENT_DIR, sizeof(SIM_CURRENT_DIR)-1);
      zOut[0] = zSrc[0];
    }
  }else if( zSrc[0]=='\\' && zSrc[1]=='\\' ){
    /* UNC: the server and share components are the root */
    const char *z = zSrc+2;
    int k;
    *pbUnc = 1;
    zOut[0] = zOut[1] = '\\';
    iRoot = 2;
    for(k=0; k<2 && *z; k++){
      while( *z && *z!='\\' ) zOut[iRoot++] = *z++;
      if( *z=='\\' ){ zOut[iRoot++] = '\\'; z++; }
      while( *z=='\\' ) z++;
    }
    zRest = z;
  }else if( zSrc[0]=='\\' ){
    /* rooted: the current drive's root */
    zOut[0] = SIM_CURRENT_DIR[0]; zOut[1] = ':'; zOut[2] = '\\';
    iRoot = 3;
    zRest = zSrc;
  }else{
    memcpy(zOut, SIM_CURRENT_DIR, sizeof(SIM_CURRENT_DIR)-1);
    iRoot = sizeof(SIM_CURRENT_DIR)-1;
    zRest = zSrc;
  }
  /* The components, each appended with a separator after it. */
  j = iRoot;
  bTrailing = 0;
  while( *zRest ){
    const char *zEnd;
    size_t nComp;
    while( *zRest=='\\' ) zRest++;
    if( *zRest==0 ) break;
    zEnd = strchr(zRest, '\\');
    if( zEnd==NULL ) zEnd = zRest+strlen(zRest);
    nComp = (size_t)(zEnd-zRest);
    bTrailing = *zEnd=='\\';
    if( nComp==1 && zRest[0]=='.' ){
      /* nothing */
    }else if( nComp==2 && zRest[0]=='.' && zRest[1]=='.' ){
      if( j>iRoot ){
        j--;                                 /* the separator after it */
        while( j>iRoot && zOut[j-1]!='\\' ) j--;
      }
    }else{
      memcpy(zOut+j, zRest, nComp);
      j += nComp;
      zOut[j++] = '\\';
    }
    zRest = zEnd;
  }
  /* Every component left a separator; keep it only where the input had
  ** one (or where nothing but the root is left). */
  if( j>iRoot && !bTrailing ) j--;
  zOut[j] = 0;
  free(zSrc);
  *pzOut = zOut;
  return 0;
}

/* D2: the NT path stored for a DOS path target, malloc'd (NULL on OOM). */
static char *simdos_nt_path(const char *z){
  const char *zPrefix = "\\??\\";
  char *zFull = NULL, *zOut;
  const char *zRest = z;
  int bUnc = 0;
  size_t n;
  if( simstr_iprefix(z, "\\??\\") ){
    zPrefix = "";                               /* already an NT path */
  }else if( strncmp(z, "\\\\?\\", 4)==0 || strncmp(z, "\\\\.\\", 4)==0 ){
    zRest = z+4;                                /* \\?\C:\x -> \??\C:\x */
  }else{
    /* v2: a DOS path is made a full path first (GetFullPathName), then
    ** C:\x -> \??\C:\x and \\s\sh -> \??\UNC\s\sh */
    if( simdos_full_path(z, &zFull, &bUnc) ) return NULL;
    zPrefix = bUnc ? "\\??\\UNC\\" : "\\??\\";
    zRest = bUnc ? zFull+2 : zFull;
  }
  n = strlen(zPrefix)+strlen(zRest)+1;
  zOut = malloc(n);
  if( zOut ){
    strcpy(zOut, zPrefix);
    strcat(zOut, zRest);
  }
  free(zFull);
  return zOut;
}

/* ---------------------------------------------------------------- 3 ---- */

int sim_define_dos_device(SimMachine *pM, SimLuid token, unsigned flags,
                          const char *zDevice, const char *zTarget){
  SimSession *pS = simm_session(pM, token);
  char zName[SIM_MAX_DEVICE_NAME];
  int bGlobalName, bRemove, rc, bHasTarget;
  SimDir *pDir;
  char *zNt = NULL;

  if( pS==NULL ){
    sim_rule(pM, SIM_RULE_L10);
    return ERROR_NO_SUCH_LOGON_SESSION;
  }
  /* D1 */
  bRemove = (flags & SIM_DDD_REMOVE_DEFINITION)!=0;
  bHasTarget = zTarget!=NULL && zTarget[0]!=0;
  if( (flags & ~0xFu)
   || ((flags & SIM_DDD_EXACT_MATCH_ON_REMOVE) && !bRemove)
   || (!bRemove && !bHasTarget) ){
    /* [F] an empty target without REMOVE is refused like a NULL one */
    sim_rule(pM, SIM_RULE_D1);
    return ERROR_INVALID_PARAMETER;
  }
  rc = simdos_parse_name(zDevice, zName, &bGlobalName);
  if( rc ){
    sim_rule(pM, SIM_RULE_D1);
    return rc;
  }

  /* N4: Global\ names need an unfiltered administrator or SYSTEM [F code] */
  if( bGlobalName ){
    sim_rule(pM, SIM_RULE_N4);
    if( !simsess_admin_unfiltered(pM, pS) ) return ERROR_ACCESS_DENIED;
  }

  /* D3: where the name lives */
  sim_rule(pM, bRemove ? SIM_RULE_D4 : SIM_RULE_D3);
  if( bGlobalName ){
    pDir = &pM->global;
  }else if( pS->luid==SIM_LUID_SYSTEM || !simdos_luid_maps(pM) ){
    /* [F] with LUID device maps off, \GLOBAL?? is every session's own
    ** directory, so anyone may define and remove there (NT4 behaviour). */
    pDir = simdos_own_dir(pM, pS);
  }else if( simdir_find(&pS->dir, zName) ){
    pDir = &pS->dir;
  }else if( simdir_find(&pM->global, zName) ){
    /* [F code] while ProtectionMode is on (W1 v2), the object manager
    ** refuses a filtered token write access to another account's global
    ** link; with it off, anyone may change or remove it. */
    sim_rule(pM, SIM_RULE_D3);
    if( sim_policy_effective(pM, SIM_POL_PROTECTION_MODE) ){
      sim_rule(pM, SIM_RULE_W1);
      if( !simsess_admin_unfiltered(pM, pS) ) return ERROR_ACCESS_DENIED;
    }
    pDir = &pM->global;
  }else{
    pDir = &pS->dir;
  }

  /* D2: the same conversion for a definition and a removal target */
  if( bHasTarget ){
    sim_rule(pM, SIM_RULE_D2);
    if( flags & SIM_DDD_RAW_TARGET_PATH ){
      int bOom = 0;
      zNt = simstr_dup(zTarget, &bOom);
    }else{
      zNt = simdos_nt_path(zTarget);
    }
    if( zNt==NULL ) return ERROR_NOT_ENOUGH_MEMORY;
  }

  if( bRemove ){
    /* D4 */
    int i = simdir_search(pDir, zName);
    rc = 0;
    if( i<0 ){
      rc = bHasTarget ? ERROR_FILE_NOT_FOUND : 0;
    }else if( !bHasTarget ){
      simdir_remove_target_at(pDir, i, SIM_BUG(pM, SIM_BUG_POP_OLDEST)
                                       ? 0 : pDir->aLink[i].nTarget-1);
    }else{
      /* [F] "first" is counted from the current target down, the order
      ** QueryDosDevice reports (D5) */
      int j, bExact = (flags & SIM_DDD_EXACT_MATCH_ON_REMOVE)!=0;
      const SimLink *pL = &pDir->aLink[i];
      rc = ERROR_FILE_NOT_FOUND;
      for(j=pL->nTarget-1; j>=0; j--){
        int bMatch = bExact ? simstr_ieq(pL->azTarget[j], zNt)
                            : simstr_iprefix(pL->azTarget[j], zNt);
        if( bMatch ){
          simdir_remove_target_at(pDir, i, j);
          rc = 0;
          break;
        }
      }
    }
  }else{
    /* D3: push. DDD_NO_BROADCAST_SYSTEM only spares a WM_DEVICECHANGE
    ** broadcast, which the model does not have. */
    if( pDir==&pS->dir ){
      sim_rule(pM, SIM_RULE_N1);
      pS->bDirMade = 1;
    }
    rc = simdir_push(pDir, zName, zNt);
  }
  free(zNt);
  return rc;
}

/* ---------------------------------------------------------------- 4 ---- */

static int simdos_visit_link_targets(const SimLink *pL,
                                     int (*xVisit)(void*, const char*),
                                     void *pCtx){
  int j;
  for(j=pL->nTarget-1; j>=0; j--){
    if( xVisit(pCtx, pL->azTarget[j]) ) break;
  }
  return 0;
}

int sim_query_dos_device(const SimMachine *pM, SimLuid token,
                         const char *zDevice,
                         int (*xVisit)(void *pCtx, const char *zTarget),
                         void *pCtx){
  const SimSession *pS = simm_session(pM, token);
  char zName[SIM_MAX_DEVICE_NAME];
  int bGlobalName, rc;
  const SimLink *pL;
  if( pS==NULL ){
    simm_rule(pM, SIM_RULE_L10);
    return ERROR_NO_SUCH_LOGON_SESSION;
  }
  rc = simdos_parse_name(zDevice, zName, &bGlobalName);
  if( rc ){
    simm_rule(pM, SIM_RULE_D1);
    return rc;
  }
  simm_rule(pM, SIM_RULE_D5);
  if( bGlobalName ){
    simm_rule(pM, SIM_RULE_N4);
    pL = simdir_find(&pM->global, zName);
  }else{
    pL = simdos_lookup(pM, pS, zName, NULL);   /* N2 */
  }
  if( pL==NULL ) return ERROR_FILE_NOT_FOUND;  /* D5 */
  return simdos_visit_link_targets(pL, xVisit, pCtx);
}

static int simdos_emit(const SimLink *pL, int bGlobal,
                       int (*xVisit)(void*, const SimLinkInfo*), void *pCtx){
  SimLinkInfo info;
  info.zName = pL->zName;
  info.zTarget = pL->azTarget[pL->nTarget-1];
  info.nTarget = pL->nTarget;
  info.bGlobal = bGlobal;
  return xVisit(pCtx, &info);
}

int sim_dosdev_view(const SimMachine *pM, SimLuid token,
                    int (*xVisit)(void *pCtx, const SimLinkInfo *),
                    void *pCtx){
  const SimSession *pS = simm_session(pM, token);
  const SimDir *pLocal, *pGlobal = &pM->global;
  static const SimDir empty = {NULL, 0, 0};
  int i = 0, j = 0;
  if( pS==NULL ){
    simm_rule(pM, SIM_RULE_L10);
    return ERROR_NO_SUCH_LOGON_SESSION;
  }
  /* N3/N5/N7: SYSTEM, and everyone with LUID maps off, see \GLOBAL?? only */
  simm_rule(pM, SIM_RULE_N7);
  if( pS->luid==SIM_LUID_SYSTEM ){
    simm_rule(pM, SIM_RULE_N3);
    pLocal = &empty;
  }else if( !simdos_luid_maps(pM) ){
    simm_rule(pM, SIM_RULE_N5);
    pLocal = &empty;
  }else{
    pLocal = &pS->dir;
  }
  while( i<pLocal->nLink || j<pGlobal->nLink ){
    int c;
    if( i>=pLocal->nLink ) c = 1;
    else if( j>=pGlobal->nLink ) c = -1;
    else c = strcmp(pLocal->aLink[i].zName, pGlobal->aLink[j].zName);
    if( c<=0 ){
      if( simdos_emit(&pLocal->aLink[i], 0, xVisit, pCtx) ) break;
      i++;
      if( c==0 ) j++;      /* the local link shadows the global one */
    }else{
      if( simdos_emit(&pGlobal->aLink[j], 1, xVisit, pCtx) ) break;
      j++;
    }
  }
  return 0;
}

/* ---------------------------------------------------------------- 5 ---- */

static void simdos_visit_dir(const SimDir *pDir, int bGlobal,
                             int (*xVisit)(void*, const SimLinkInfo*),
                             void *pCtx){
  int i;
  for(i=0; i<pDir->nLink; i++){
    if( simdos_emit(&pDir->aLink[i], bGlobal, xVisit, pCtx) ) break;
  }
}

void sim_dosdev_visit_global(const SimMachine *pM,
                             int (*xVisit)(void *pCtx, const SimLinkInfo *),
                             void *pCtx){
  simdos_visit_dir(&pM->global, 1, xVisit, pCtx);
}

int sim_dosdev_visit_session(const SimMachine *pM, SimLuid luid,
                             int *pbExists,
                             int (*xVisit)(void *pCtx, const SimLinkInfo *),
                             void *pCtx){
  const SimSession *pS = simm_session(pM, luid);
  if( pbExists ) *pbExists = 0;
  if( pS==NULL ) return ERROR_NO_SUCH_LOGON_SESSION;
  if( pS->luid==SIM_LUID_SYSTEM ) return 0;    /* N3 */
  if( pbExists ) *pbExists = pS->bDirMade;
  simdos_visit_dir(&pS->dir, 0, xVisit, pCtx);
  return 0;
}

int sim_dosdev_visit_targets(const SimMachine *pM, SimLuid luid,
                             const char *zDevice,
                             int (*xVisit)(void *pCtx, const char *zTarget),
                             void *pCtx){
  char zName[SIM_MAX_DEVICE_NAME];
  int bGlobalName;
  const SimLink *pL;
  const SimDir *pDir = &pM->global;
  if( simdos_parse_name(zDevice, zName, &bGlobalName) ) return ERROR_FILE_NOT_FOUND;
  if( luid!=0 ){
    const SimSession *pS = simm_session(pM, luid);
    if( pS==NULL ) return ERROR_NO_SUCH_LOGON_SESSION;
    pDir = &pS->dir;
  }
  pL = simdir_find(pDir, zName);
  if( pL==NULL ) return ERROR_FILE_NOT_FOUND;
  return simdos_visit_link_targets(pL, xVisit, pCtx);
}
