/*
** real/agent_state.c: reading and atomically replacing the agent's state
** file (see agent_state.h). Portable C; the one platform difference (how a
** file is moved over another) is behind #ifdef _WIN32.
**
** Sections: 2. reading  3. writing.
*/
#if !defined(_WIN32) && !defined(_XOPEN_SOURCE)
# define _XOPEN_SOURCE 700         /* fileno, fsync, S_ISVTX */
#endif
#include "agent_state.h"
#include "agent_proto.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
# include <io.h>
# include <windows.h>
# include <aclapi.h>
# include <sddl.h>
#else
# include <sys/stat.h>
# include <unistd.h>
#endif

/* ---------------------------------------------------------------- 2 ---- */

#ifdef _WIN32
/* 1 if pSid is the process user, Administrators, SYSTEM or TrustedInstaller
** (the principals that may own or write the state file and its folder). */
static int agent_sid_trusted(PSID pSid, PSID pOwn){
  static const WCHAR *const azTrusted[] = {
    L"S-1-5-32-544", L"S-1-5-18",
    L"S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464",
  };
  size_t i;
  if( pSid==NULL ) return 0;
  if( pOwn && EqualSid(pSid, pOwn) ) return 1;
  for(i=0; i<sizeof(azTrusted)/sizeof(azTrusted[0]); i++){
    PSID p = NULL;
    int b;
    if( !ConvertStringSidToSidW(azTrusted[i], &p) ) continue;
    b = EqualSid(pSid, p);
    LocalFree(p);
    if( b ) return 1;
  }
  return 0;
}

/* Check the owner and DACL of zPath (a file, or its folder when bDir):
** GetNamedSecurityInfoW; an ACCESS_ALLOWED ACE that is not inherit-only
** and grants mWrite to a principal outside agent_sid_trusted makes it
** unsafe; so does a NULL DACL. Returns 0, or 1 with zWhy. */
static int agent_state_check_sd(const WCHAR *zPath, int bDir, PSID pOwn,
                                const char *zShow, char *zWhy, size_t nWhy){
  PSID pOwner = NULL;
  PACL pDacl = NULL;
  PSECURITY_DESCRIPTOR pSd = NULL;
  DWORD rc, i;
  DWORD mWrite = WRITE_DAC|WRITE_OWNER|GENERIC_WRITE|GENERIC_ALL|DELETE
               | (bDir ? (FILE_ADD_FILE|FILE_DELETE_CHILD) : (FILE_WRITE_DATA|FILE_APPEND_DATA));
  int bad = 0;
  rc = GetNamedSecurityInfoW(zPath, SE_FILE_OBJECT,
                             OWNER_SECURITY_INFORMATION|DACL_SECURITY_INFORMATION,
                             &pOwner, NULL, &pDacl, NULL, &pSd);
  if( rc!=ERROR_SUCCESS ){
    snprintf(zWhy, nWhy, "the state file %s: the security of its %s cannot be read "
             "(GetNamedSecurityInfoW: %lu)", zShow, bDir ? "folder" : "file", rc);
    return 1;
  }
  if( !bDir && !agent_sid_trusted(pOwner, pOwn) ){
    snprintf(zWhy, nWhy, "the state file %s is owned by someone other than the "
             "agent's user or Administrators", zShow);
    bad = 1;
  }else if( pDacl==NULL ){
    snprintf(zWhy, nWhy, "the state file %s: its %s has no DACL (anyone may write it)",
             zShow, bDir ? "folder" : "file");
    bad = 1;
  }else{
    for(i=0; i<pDacl->AceCount && !bad; i++){
      ACE_HEADER *pAce = NULL;
      ACCESS_ALLOWED_ACE *pA;
      if( !GetAce(pDacl, i, (LPVOID*)&pAce) ) continue;
      if( pAce->AceType!=ACCESS_ALLOWED_ACE_TYPE ) continue;
      if( pAce->AceFlags & INHERIT_ONLY_ACE ) continue;
      pA = (ACCESS_ALLOWED_ACE*)pAce;
      if( (pA->Mask & mWrite) && !agent_sid_trusted((PSID)&pA->SidStart, pOwn) ){
        snprintf(zWhy, nWhy, "the state file %s: others than the agent's user and "
                 "Administrators may write its %s", zShow, bDir ? "folder" : "file");
        bad = 1;
      }
    }
  }
  LocalFree(pSd);
  return bad;
}
#endif

int agent_state_check_safe(const char *zPath, char *zWhy, size_t nWhy){
#ifdef _WIN32
  HANDLE hTok = NULL;
  BYTE aUser[256];
  DWORD n = 0;
  PSID pOwn = NULL;
  int nW = MultiByteToWideChar(CP_UTF8, 0, zPath, -1, NULL, 0);
  WCHAR *w, *zSlash;
  int bad;
  if( nW<=0 || (w = malloc(sizeof(WCHAR)*(size_t)nW))==NULL ){
    snprintf(zWhy, nWhy, "the state file %s: out of memory", zPath);
    return 1;
  }
  MultiByteToWideChar(CP_UTF8, 0, zPath, -1, w, nW);
  if( OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &hTok) ){
    if( GetTokenInformation(hTok, TokenUser, aUser, sizeof(aUser), &n) ){
      pOwn = ((TOKEN_USER*)aUser)->User.Sid;
    }
    CloseHandle(hTok);
  }
  bad = agent_state_check_sd(w, 0, pOwn, zPath, zWhy, nWhy);
  zSlash = wcsrchr(w, L'\\');
  if( !bad && zSlash ){
    if( zSlash>w && zSlash[-1]==L':' ) zSlash[1] = 0;   /* C:\ itself */
    else *zSlash = 0;
    bad = agent_state_check_sd(w, 1, pOwn, zPath, zWhy, nWhy);
  }
  free(w);
  return bad;
#else
  struct stat st;
  char *zDir;
  char *zSlash;
  uid_t uMe = geteuid();
  if( lstat(zPath, &st)!=0 ) return 0;            /* nothing there */
  if( !S_ISREG(st.st_mode) ){
    snprintf(zWhy, nWhy, "the state file %s is not a regular file", zPath);
    return 1;
  }
  if( st.st_uid!=uMe && st.st_uid!=0 ){
    snprintf(zWhy, nWhy, "the state file %s is owned by someone other than the "
             "agent's user or root", zPath);
    return 1;
  }
  if( st.st_mode & (S_IWGRP|S_IWOTH) ){
    snprintf(zWhy, nWhy, "the state file %s may be written by others", zPath);
    return 1;
  }
  zDir = malloc(strlen(zPath)+2);
  if( zDir==NULL ){
    snprintf(zWhy, nWhy, "out of memory");
    return 1;
  }
  strcpy(zDir, zPath);
  zSlash = strrchr(zDir, '/');
  if( zSlash==NULL ) strcpy(zDir, ".");
  else if( zSlash==zDir ) zDir[1] = 0;
  else *zSlash = 0;
  if( stat(zDir, &st)!=0 ){
    snprintf(zWhy, nWhy, "the state file %s: its folder cannot be examined", zPath);
    free(zDir);
    return 1;
  }
  free(zDir);
  /* a folder others may write lets them replace the file, unless it is
  ** sticky (then only the file's owner, checked above, may) */
  if( (st.st_uid!=uMe && st.st_uid!=0)
   || ((st.st_mode & (S_IWGRP|S_IWOTH)) && !(st.st_mode & S_ISVTX)) ){
    snprintf(zWhy, nWhy, "the state file %s is in a folder others may write", zPath);
    return 1;
  }
  return 0;
#endif
}

AgentStateStatus agent_state_read(const char *zPath, char **pzText,
                                  char *zWhy, size_t nWhy){
  FILE *pFile;
  AgentBuf text = {0};
  char aChunk[4096];
  size_t n, nMagic = strlen(AGENT_STATE_MAGIC), nEnd = strlen(AGENT_STATE_END);
  int bErr;
  *pzText = NULL;
  zWhy[0] = 0;
  errno = 0;
  pFile = fopen(zPath, "rb");
  if( pFile==NULL ){
    if( errno==ENOENT ) return AGENT_STATE_NONE;
    snprintf(zWhy, nWhy, "the state file %s exists but cannot be read (%s)",
             zPath, strerror(errno));
    return AGENT_STATE_BAD;
  }
  /* only a file that no one but the agent's user (or an administrator)
  ** could have planted is read as a journal */
  if( agent_state_check_safe(zPath, zWhy, nWhy) ){
    fclose(pFile);
    return AGENT_STATE_BAD;
  }
  while( (n = fread(aChunk, 1, sizeof(aChunk), pFile))>0 ) agent_buf_append(&text, aChunk, n);
  bErr = ferror(pFile);
  fclose(pFile);
  agent_buf_append(&text, "", 0);
  if( bErr || text.bOom || text.z==NULL ){
    snprintf(zWhy, nWhy, "the state file %s cannot be read to its end", zPath);
    goto err;
  }
  if( strlen(text.z)!=text.n ){
    snprintf(zWhy, nWhy, "the state file %s holds a NUL byte: it is not a "
             "mapscope-agent journal", zPath);
    goto err;
  }
  if( text.n<nMagic+1 || memcmp(text.z, AGENT_STATE_MAGIC, nMagic)!=0
   || (text.z[nMagic]!='\n' && text.z[nMagic]!='\r') ){
    snprintf(zWhy, nWhy, "the state file %s is not a mapscope-agent journal "
             "(its first line is not `%s`)", zPath, AGENT_STATE_MAGIC);
    goto err;
  }
  /* the last line must be `end`: a journal cut short is never half-used */
  if( text.n<nEnd+2 || text.z[text.n-1]!='\n' || text.z[text.n-nEnd-2]!='\n'
   || memcmp(text.z+text.n-nEnd-1, AGENT_STATE_END, nEnd)!=0 ){
    snprintf(zWhy, nWhy, "the state file %s is an incomplete mapscope-agent "
             "journal (its last line is not `%s`)", zPath, AGENT_STATE_END);
    goto err;
  }
  *pzText = text.z;
  return AGENT_STATE_OK;
err:
  if( text.z ) memset(text.z, 0, text.n);
  agent_buf_free(&text);
  return AGENT_STATE_BAD;
}

/* ---------------------------------------------------------------- 3 ---- */

int agent_state_write(const char *zPath, const char *zText, char *zWhy, size_t nWhy){
  size_t nPath = strlen(zPath);
  char *zTmp = malloc(nPath + 5);
  FILE *pFile = NULL;
  int rc = -1;
  zWhy[0] = 0;
  if( zTmp==NULL ){
    snprintf(zWhy, nWhy, "out of memory");
    return -1;
  }
  memcpy(zTmp, zPath, nPath);
  memcpy(zTmp+nPath, ".tmp", 5);
  errno = 0;
  pFile = fopen(zTmp, "wb");
  if( pFile==NULL ){
    snprintf(zWhy, nWhy, "cannot create %s (%s)", zTmp, strerror(errno));
    goto err;
  }
  if( fputs(zText, pFile)<0 || fflush(pFile)!=0 ){
    snprintf(zWhy, nWhy, "cannot write %s (%s)", zTmp, strerror(errno));
    goto err;
  }
#ifdef _WIN32
  if( _commit(_fileno(pFile))!=0 ){
#else
  if( fsync(fileno(pFile))!=0 ){
#endif
    snprintf(zWhy, nWhy, "cannot flush %s to disk (%s)", zTmp, strerror(errno));
    goto err;
  }
  if( fclose(pFile)!=0 ){
    pFile = NULL;
    snprintf(zWhy, nWhy, "cannot write %s (%s)", zTmp, strerror(errno));
    goto err;
  }
  pFile = NULL;
#ifdef _WIN32
  if( !MoveFileExA(zTmp, zPath, MOVEFILE_REPLACE_EXISTING|MOVEFILE_WRITE_THROUGH) ){
    snprintf(zWhy, nWhy, "cannot move %s over %s (Win32 error %lu)", zTmp, zPath,
             (unsigned long)GetLastError());
    goto err;
  }
#else
  if( rename(zTmp, zPath)!=0 ){
    snprintf(zWhy, nWhy, "cannot move %s over %s (%s)", zTmp, zPath, strerror(errno));
    goto err;
  }
#endif
  rc = 0;
  free(zTmp);
  return rc;
err:
  if( pFile ) fclose(pFile);
  remove(zTmp);
  free(zTmp);
  return rc;
}
