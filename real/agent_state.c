/*
** real/agent_state.c: reading and atomically replacing the agent's state
** file (see agent_state.h). Portable C; the one platform difference (how a
** file is moved over another) is behind #ifdef _WIN32.
**
** Sections: 2. reading  3. writing.
*/
#if !defined(_WIN32) && !defined(_POSIX_C_SOURCE)
# define _POSIX_C_SOURCE 200809L   /* fileno, fsync */
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
#else
# include <unistd.h>
#endif

/* ---------------------------------------------------------------- 2 ---- */

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
