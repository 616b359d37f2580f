/*
** real/testnp/testnp.c: mapscope-testnp.dll, a test network provider.
**
** A network provider is the DLL mpr.dll loads to serve the WNet* calls for
** one kind of network. This one serves a fixed set of test shares from
** memory, with no network at all, so that the agent's WNet code
** (WNetAddConnection2W with and without CONNECT_UPDATE_PROFILE,
** WNetCancelConnection2W, WNetGetConnectionW, WNetOpenEnumW) and the mpr
** that routes those calls run for real under Wine, which has no provider of
** its own (docs/real-hosts.md, "The test network provider").
**
** It is a TEST FIXTURE, never a stand-in for Windows: what it answers is
** what this file says, not what an SMB server would. Runs with it carry the
** label `wine-testnp` and are never counted as agreement with Windows.
**
** Entry points (the Network Provider API, npapi.h), as Wine's mpr
** (dlls/mpr/wnet.c, _tryLoadProvider) looks them up: NPGetCaps first (a DLL
** without it is not a provider); then, by what NPGetCaps(WNNC_ENUMERATION)
** says, NPOpenEnum/NPEnumResource/NPCloseEnum (all three or none); by
** NPGetCaps(WNNC_CONNECTION), NPAddConnection, NPAddConnection3 and
** NPCancelConnection. NPGetConnection is exported for Windows' mpr; Wine's
** mpr does not call it (its WNetGetConnectionW asks the mount manager).
**
** Registration (only in a Wine prefix the project owns, by
** tests/testnp/testnp.sh): HKLM\System\CurrentControlSet\Control\
** NetworkProvider\Order "ProviderOrder" (REG_SZ, comma list) names the
** service MapscopeTestNP; HKLM\System\CurrentControlSet\Services\
** MapscopeTestNP\NetworkProvider holds "Name" (REG_SZ), "ProviderPath"
** (REG_SZ or REG_EXPAND_SZ) and "Class" (REG_DWORD 1, read by Windows only).
**
** What it serves:
**   - the shares in azShare[] below (server\share, case-insensitive);
**     an unknown server is ERROR_BAD_NETPATH (53), an unknown share on a
**     known server ERROR_BAD_NET_NAME (67);
**   - credentials are not checked: a user name and password are accepted
**     as given (this provider tests the API path, not authentication);
**   - connections are kept in this process, per logon session (the
**     AuthenticationId of the caller's token: under Wine every token says
**     0, so all halves share one table, as Wine shares one \?? for them);
**   - a drive letter that is already connected, or that names a DOS
**     device (a disk, a `define`), is ERROR_ALREADY_ASSIGNED (85);
**   - cancelling what is not connected is ERROR_NOT_CONNECTED (2250);
**   - no DOS device is created for a connection (a real redirector makes
**     one): `drives`, `query` and file access do not see test drives.
**
** Contents:
**   1. The fixed shares and the connection table
**   2. NPGetCaps
**   3. Connections: NPAddConnection3, NPAddConnection, NPCancelConnection,
**      NPGetConnection
**   4. Enumeration: NPOpenEnum, NPEnumResource, NPCloseEnum
*/
#include <windows.h>
#include <winnetwk.h>
#include <npapi.h>
#include <wchar.h>

/* ---------------------------------------------------------------- 1 ---- */

#define TESTNP_NAME   L"Mapscope Test Network"
#define TESTNP_NETTYPE 0x00FE0000   /* a WNNC_NET_ value no real network uses */
#define TESTNP_MAX    64            /* connections at a time */

/* The test shares: the servers and shares the bundled scenarios name. */
static const WCHAR *const azShare[] = {
  L"\\\\fs1\\data", L"\\\\fs1\\apps", L"\\\\fs1\\other", L"\\\\fs1\\pub",
  L"\\\\fs1\\home", L"\\\\fs1\\c$", L"\\\\fs1\\svc", L"\\\\fs1\\tools",
  L"\\\\fs1\\team", L"\\\\fs1\\logs", L"\\\\fs1\\tmp", L"\\\\fs1\\open",
  L"\\\\fs1\\20240101-20241231",
  L"\\\\fs2\\home", L"\\\\fs2\\data", L"\\\\fs2\\apps", L"\\\\fs2\\bob",
  L"\\\\fs2\\team",
};
#define N_SHARE (sizeof(azShare)/sizeof(azShare[0]))

typedef struct TestConn TestConn;
struct TestConn {
  int bUsed;
  LUID luid;                 /* the logon session that made it */
  WCHAR zLocal[4];           /* "Z:" or "" for a deviceless connection */
  WCHAR zRemote[MAX_PATH];   /* as the caller spelled it */
};

static TestConn aConn[TESTNP_MAX];
static SRWLOCK lockConn = SRWLOCK_INIT;

/* The logon session of the caller: the thread's token when it
** impersonates, else the process's. Zero when it cannot be read. */
static LUID testnp_caller_luid(void){
  HANDLE hTok = NULL;
  TOKEN_STATISTICS ts;
  DWORD n = 0;
  LUID luid = { 0, 0 };
  if( !OpenThreadToken(GetCurrentThread(), TOKEN_QUERY, TRUE, &hTok)
   && !OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &hTok) ){
    return luid;
  }
  if( GetTokenInformation(hTok, TokenStatistics, &ts, sizeof(ts), &n) ){
    luid = ts.AuthenticationId;
  }
  CloseHandle(hTok);
  return luid;
}

static int testnp_same_luid(LUID a, LUID b){
  return a.LowPart==b.LowPart && a.HighPart==b.HighPart;
}

/* Which share a remote name is: WN_SUCCESS, or the error for it. */
static DWORD testnp_check_remote(const WCHAR *zRemote){
  size_t i, nServer;
  const WCHAR *zSlash;
  if( zRemote==NULL || zRemote[0]!=L'\\' || zRemote[1]!=L'\\' ) return WN_BAD_NETNAME;
  for(i=0; i<N_SHARE; i++){
    if( _wcsicmp(zRemote, azShare[i])==0 ) return WN_SUCCESS;
  }
  /* known server? compare "\\server\" prefixes */
  zSlash = wcschr(zRemote+2, L'\\');
  nServer = zSlash ? (size_t)(zSlash - zRemote) : wcslen(zRemote);
  for(i=0; i<N_SHARE; i++){
    if( _wcsnicmp(zRemote, azShare[i], nServer)==0 && azShare[i][nServer]==L'\\' ){
      return ERROR_BAD_NET_NAME;
    }
  }
  return ERROR_BAD_NETPATH;
}

/* "z:" or "Z:" (optionally followed by nothing) -> 'Z', else 0 */
static WCHAR testnp_letter(const WCHAR *z){
  WCHAR c;
  if( z==NULL || z[0]==0 || z[1]!=L':' || z[2]!=0 ) return 0;
  c = z[0] & ~0x20;
  return (c>=L'A' && c<=L'Z') ? c : 0;
}

/* ---------------------------------------------------------------- 2 ---- */

/*
** What the provider can do. mpr asks once when it loads the DLL
** (WNNC_SPEC_VERSION, WNNC_NET_TYPE, WNNC_ENUMERATION, WNNC_CONNECTION) and
** again for WNNC_CONNECTION before each add and cancel.
*/
DWORD APIENTRY NPGetCaps(DWORD nIndex){
  switch( nIndex ){
    case WNNC_SPEC_VERSION:  return WNNC_SPEC_VERSION51;
    case WNNC_NET_TYPE:      return TESTNP_NETTYPE;
    case WNNC_DRIVER_VERSION: return 1;
    case WNNC_CONNECTION:
      return WNNC_CON_ADDCONNECTION | WNNC_CON_ADDCONNECTION3
           | WNNC_CON_CANCELCONNECTION | WNNC_CON_GETCONNECTIONS;
    case WNNC_ENUMERATION:   return WNNC_ENUM_LOCAL;
    default:                 return 0;
  }
}

/* ---------------------------------------------------------------- 3 ---- */

/*
** Connect lpNetResource->lpLocalName (a drive letter, or NULL/"" for a
** deviceless connection) to lpRemoteName. dwFlags (CONNECT_UPDATE_PROFILE
** and the like) belong to mpr, which remembers connections itself; the
** provider only connects.
*/
DWORD APIENTRY NPAddConnection3(HWND hwndOwner, LPNETRESOURCEW lpNetResource,
                                LPWSTR lpPassword, LPWSTR lpUserName, DWORD dwFlags){
  DWORD rc;
  WCHAR cLetter = 0;
  LUID luid = testnp_caller_luid();
  int i, iFree = -1;
  (void)hwndOwner; (void)lpPassword; (void)lpUserName; (void)dwFlags;
  if( lpNetResource==NULL ) return WN_BAD_POINTER;
  if( lpNetResource->dwType!=RESOURCETYPE_DISK && lpNetResource->dwType!=RESOURCETYPE_ANY ){
    return WN_BAD_DEV_TYPE;
  }
  rc = testnp_check_remote(lpNetResource->lpRemoteName);
  if( rc!=WN_SUCCESS ) return rc;
  if( lpNetResource->lpLocalName && lpNetResource->lpLocalName[0] ){
    WCHAR zDev[3], zTarget[MAX_PATH];
    cLetter = testnp_letter(lpNetResource->lpLocalName);
    if( cLetter==0 ) return WN_BAD_LOCALNAME;
    /* a disk or any other DOS device already has this letter */
    zDev[0] = cLetter; zDev[1] = L':'; zDev[2] = 0;
    if( QueryDosDeviceW(zDev, zTarget, MAX_PATH)>0 ) return WN_ALREADY_CONNECTED;
  }
  AcquireSRWLockExclusive(&lockConn);
  for(i=0; i<TESTNP_MAX; i++){
    TestConn *p = &aConn[i];
    if( !p->bUsed ){ if( iFree<0 ) iFree = i; continue; }
    if( !testnp_same_luid(p->luid, luid) ) continue;
    if( cLetter && p->zLocal[0]==cLetter ){
      ReleaseSRWLockExclusive(&lockConn);
      return WN_ALREADY_CONNECTED;
    }
  }
  if( iFree<0 ){
    ReleaseSRWLockExclusive(&lockConn);
    return WN_OUT_OF_MEMORY;
  }
  aConn[iFree].bUsed = 1;
  aConn[iFree].luid = luid;
  aConn[iFree].zLocal[0] = cLetter;
  aConn[iFree].zLocal[1] = cLetter ? L':' : 0;
  aConn[iFree].zLocal[2] = 0;
  lstrcpynW(aConn[iFree].zRemote, lpNetResource->lpRemoteName, MAX_PATH);
  ReleaseSRWLockExclusive(&lockConn);
  return WN_SUCCESS;
}

DWORD APIENTRY NPAddConnection(LPNETRESOURCEW lpNetResource, LPWSTR lpPassword,
                               LPWSTR lpUserName){
  return NPAddConnection3(NULL, lpNetResource, lpPassword, lpUserName, 0);
}

/*
** Cancel the connection of a drive letter ("Z:") or, for a deviceless one,
** of a remote name. Open files are not modelled, so fForce changes nothing.
*/
DWORD APIENTRY NPCancelConnection(LPWSTR lpName, BOOL fForce){
  WCHAR cLetter = testnp_letter(lpName);
  LUID luid = testnp_caller_luid();
  DWORD rc = WN_NOT_CONNECTED;
  int i;
  (void)fForce;
  if( lpName==NULL ) return WN_BAD_POINTER;
  AcquireSRWLockExclusive(&lockConn);
  for(i=0; i<TESTNP_MAX; i++){
    TestConn *p = &aConn[i];
    if( !p->bUsed || !testnp_same_luid(p->luid, luid) ) continue;
    if( cLetter ? p->zLocal[0]==cLetter
                : (p->zLocal[0]==0 && _wcsicmp(p->zRemote, lpName)==0) ){
      p->bUsed = 0;
      rc = WN_SUCCESS;
      break;
    }
  }
  ReleaseSRWLockExclusive(&lockConn);
  return rc;
}

/* The remote name a drive letter is connected to (Windows' mpr only). */
DWORD APIENTRY NPGetConnection(LPWSTR lpLocalName, LPWSTR lpRemoteName,
                               LPDWORD lpnBufferLen){
  WCHAR cLetter = testnp_letter(lpLocalName);
  LUID luid = testnp_caller_luid();
  DWORD rc = WN_NOT_CONNECTED;
  int i;
  if( lpnBufferLen==NULL ) return WN_BAD_POINTER;
  if( cLetter==0 ) return WN_BAD_LOCALNAME;
  AcquireSRWLockShared(&lockConn);
  for(i=0; i<TESTNP_MAX; i++){
    TestConn *p = &aConn[i];
    if( p->bUsed && testnp_same_luid(p->luid, luid) && p->zLocal[0]==cLetter ){
      DWORD n = (DWORD)wcslen(p->zRemote) + 1;
      if( lpRemoteName==NULL || *lpnBufferLen<n ){
        *lpnBufferLen = n;
        rc = WN_MORE_DATA;
      }else{
        memcpy(lpRemoteName, p->zRemote, n*sizeof(WCHAR));
        rc = WN_SUCCESS;
      }
      break;
    }
  }
  ReleaseSRWLockShared(&lockConn);
  return rc;
}

/* ---------------------------------------------------------------- 4 ---- */

/* An enumeration: a snapshot of the caller's connections taken at open. */
typedef struct TestEnum TestEnum;
struct TestEnum {
  int nConn, iNext;
  TestConn aSnap[TESTNP_MAX];
};

/*
** Only RESOURCE_CONNECTED is served (WNNC_ENUM_LOCAL). Wine's mpr answers
** RESOURCE_REMEMBERED itself (with an empty list) and never asks a provider.
*/
DWORD APIENTRY NPOpenEnum(DWORD dwScope, DWORD dwType, DWORD dwUsage,
                          LPNETRESOURCEW lpNetResource, LPHANDLE lphEnum){
  TestEnum *e;
  LUID luid;
  int i;
  (void)dwUsage; (void)lpNetResource;
  if( lphEnum==NULL ) return WN_BAD_POINTER;
  if( dwScope!=RESOURCE_CONNECTED ) return WN_NOT_SUPPORTED;
  e = HeapAlloc(GetProcessHeap(), HEAP_ZERO_MEMORY, sizeof(*e));
  if( e==NULL ) return WN_OUT_OF_MEMORY;
  if( dwType==RESOURCETYPE_ANY || (dwType & RESOURCETYPE_DISK) ){
    luid = testnp_caller_luid();
    AcquireSRWLockShared(&lockConn);
    for(i=0; i<TESTNP_MAX; i++){
      if( aConn[i].bUsed && testnp_same_luid(aConn[i].luid, luid) ){
        e->aSnap[e->nConn++] = aConn[i];
      }
    }
    ReleaseSRWLockShared(&lockConn);
  }
  *lphEnum = (HANDLE)e;
  return WN_SUCCESS;
}

/*
** As many entries as fit in lpBuffer (NETRESOURCEW records first, their
** strings after them), up to *lpcCount ((DWORD)-1: no limit). Every string
** is set, an empty local name for a deviceless connection: Wine's mpr
** copies lpLocalName, lpRemoteName and lpProvider without a NULL check.
*/
DWORD APIENTRY NPEnumResource(HANDLE hEnum, LPDWORD lpcCount, LPVOID lpBuffer,
                              LPDWORD lpBufferSize){
  TestEnum *e = (TestEnum*)hEnum;
  DWORD nMax, nDone = 0, cbUsed = 0, cbStrings = 0;
  NETRESOURCEW *aOut = (NETRESOURCEW*)lpBuffer;
  BYTE *pEnd;
  if( e==NULL || lpcCount==NULL || lpBufferSize==NULL ) return WN_BAD_POINTER;
  if( e->iNext>=e->nConn ){ *lpcCount = 0; return WN_NO_MORE_ENTRIES; }
  if( lpBuffer==NULL ) return WN_BAD_POINTER;
  nMax = *lpcCount;
  pEnd = (BYTE*)lpBuffer + *lpBufferSize;
  while( e->iNext<e->nConn && nDone<nMax ){
    const TestConn *p = &e->aSnap[e->iNext];
    DWORD nLocal = (DWORD)(wcslen(p->zLocal)+1)*sizeof(WCHAR);
    DWORD nRemote = (DWORD)(wcslen(p->zRemote)+1)*sizeof(WCHAR);
    DWORD nProv = (DWORD)(wcslen(TESTNP_NAME)+1)*sizeof(WCHAR);
    DWORD cbNeed = sizeof(NETRESOURCEW) + nLocal + nRemote + nProv;
    NETRESOURCEW *r;
    WCHAR *z;
    if( cbUsed + cbStrings + cbNeed > *lpBufferSize ){
      if( nDone==0 ){
        *lpBufferSize = cbNeed;
        return WN_MORE_DATA;
      }
      break;
    }
    r = &aOut[nDone];
    cbUsed += sizeof(NETRESOURCEW);
    cbStrings += nLocal + nRemote + nProv;
    /* strings are packed from the end of the buffer down */
    z = (WCHAR*)(pEnd - cbStrings);
    memcpy(z, p->zLocal, nLocal);
    r->lpLocalName = z;
    z = (WCHAR*)((BYTE*)z + nLocal);
    memcpy(z, p->zRemote, nRemote);
    r->lpRemoteName = z;
    z = (WCHAR*)((BYTE*)z + nRemote);
    memcpy(z, TESTNP_NAME, nProv);
    r->lpProvider = z;
    r->lpComment = NULL;
    r->dwScope = RESOURCE_CONNECTED;
    r->dwType = RESOURCETYPE_DISK;
    r->dwDisplayType = RESOURCEDISPLAYTYPE_SHARE;
    r->dwUsage = 0;
    nDone++;
    e->iNext++;
  }
  *lpcCount = nDone;
  return WN_SUCCESS;
}

DWORD APIENTRY NPCloseEnum(HANDLE hEnum){
  if( hEnum==NULL ) return WN_BAD_HANDLE;
  HeapFree(GetProcessHeap(), 0, hEnum);
  return WN_SUCCESS;
}
