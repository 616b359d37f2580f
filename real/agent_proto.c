/*
** real/agent_proto.c: framing of the runner<->agent line protocol.
**
** Portable C (built natively for the tests and by mingw-w64 for the
** agent). Sections follow agent_proto.h: 1. reply words 2. AgentBuf
** 3. the line reader 4. replies 5. secrets.
*/
#include "agent_proto.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- 1 ---- */

static const char *const azReplyWord[AGENT_REPLY_COUNT] = {
  "ok", "done", "unsupported", "error", "bad"
};

const char *agent_reply_word(AgentReplyKind e){
  if( (int)e < 0 || e >= AGENT_REPLY_COUNT ) return "bad";
  return azReplyWord[e];
}

/* ---------------------------------------------------------------- 2 ---- */

/* Make room for n more bytes plus a NUL. Returns 0 or -1 (bOom set). */
static int agent_buf_reserve(AgentBuf *p, size_t n){
  size_t nNeed;
  char *zNew;
  if( p->bOom ) return -1;
  nNeed = p->n + n + 1;
  if( nNeed <= p->nAlloc ) return 0;
  if( nNeed < p->nAlloc*2 ) nNeed = p->nAlloc*2;
  if( nNeed < 64 ) nNeed = 64;
  zNew = realloc(p->z, nNeed);
  if( zNew==NULL ){
    p->bOom = 1;
    return -1;
  }
  p->z = zNew;
  p->nAlloc = nNeed;
  return 0;
}

void agent_buf_append(AgentBuf *p, const char *z, size_t n){
  if( n==(size_t)-1 ) n = strlen(z);
  if( agent_buf_reserve(p, n) ) return;
  memcpy(p->z + p->n, z, n);
  p->n += n;
  p->z[p->n] = 0;
}

void agent_buf_printf(AgentBuf *p, const char *zFmt, ...){
  va_list ap;
  int n;
  va_start(ap, zFmt);
  n = vsnprintf(NULL, 0, zFmt, ap);
  va_end(ap);
  if( n<0 || agent_buf_reserve(p, (size_t)n) ) return;
  va_start(ap, zFmt);
  vsnprintf(p->z + p->n, (size_t)n + 1, zFmt, ap);
  va_end(ap);
  p->n += (size_t)n;
}

void agent_buf_free(AgentBuf *p){
  free(p->z);
  memset(p, 0, sizeof(*p));
}

/* ---------------------------------------------------------------- 3 ---- */

int agent_reader_init(AgentLineReader *p, size_t nMax,
                      long (*xRead)(void*, char*, size_t), void *pCtx){
  memset(p, 0, sizeof(*p));
  p->xRead = xRead;
  p->pCtx = pCtx;
  p->nMax = nMax ? nMax : AGENT_PROTO_MAX_LINE;
  p->zLine = malloc(p->nMax + 1);
  if( p->zLine==NULL ) return -1;
  p->zLine[0] = 0;
  return 0;
}

void agent_reader_free(AgentLineReader *p){
  free(p->zLine);
  p->zLine = NULL;
}

/* Refill aIn. Returns 1 if bytes are available, 0 at end, -1 on error. */
static int agent_reader_fill(AgentLineReader *p){
  long n;
  if( p->iIn < p->nIn ) return 1;
  if( p->bEof ) return 0;
  n = p->xRead(p->pCtx, p->aIn, sizeof(p->aIn));
  if( n<0 ) return -1;
  if( n==0 ){
    p->bEof = 1;
    return 0;
  }
  p->nIn = (size_t)n;
  p->iIn = 0;
  return 1;
}

AgentLineStatus agent_reader_next(AgentLineReader *p){
  size_t nLine = 0;        /* bytes of the line gathered so far */
  int bLong = 0;           /* the line went over nMax */
  int bNul = 0;            /* the line held a NUL */
  int bAny = 0;            /* any byte of this line was seen */
  p->zLine[0] = 0;
  p->nLine = 0;
  for(;;){
    int rc = agent_reader_fill(p);
    char c;
    if( rc<0 ){ p->zLine[0] = 0; return AGENT_LINE_IO; }
    if( rc==0 ){
      p->zLine[0] = 0;      /* never half a request */
      return bAny ? AGENT_LINE_TRUNCATED : AGENT_LINE_EOF;
    }
    c = p->aIn[p->iIn++];
    if( c=='\n' ) break;
    bAny = 1;
    if( c==0 ) bNul = 1;
    if( nLine < p->nMax ){
      p->zLine[nLine++] = c;
    }else{
      bLong = 1;
    }
  }
  if( bLong ){ p->zLine[0] = 0; return AGENT_LINE_TOO_LONG; }
  if( bNul ){ p->zLine[0] = 0; return AGENT_LINE_NUL; }
  if( nLine>0 && p->zLine[nLine-1]=='\r' ) nLine--;
  p->zLine[nLine] = 0;
  p->nLine = nLine;
  return AGENT_LINE_OK;
}

/* ---------------------------------------------------------------- 4 ---- */

/* Append the first n bytes of z with CR and LF turned into blanks. */
static void agent_buf_append_flat_n(AgentBuf *p, const char *z, size_t n){
  size_t i;
  size_t iStart = p->n;
  agent_buf_append(p, z, n);
  if( p->bOom ) return;
  for(i=iStart; i<p->n; i++){
    if( p->z[i]=='\r' || p->z[i]=='\n' ) p->z[i] = ' ';
  }
}

/* Append z with CR and LF turned into blanks. */
static void agent_buf_append_flat(AgentBuf *p, const char *z){
  agent_buf_append_flat_n(p, z, strlen(z));
}

void agent_reply_format(AgentBuf *pOut, AgentReplyKind eKind,
                        const char *zText, char *const *azBody, int nBody){
  int i;
  char zWhy[160];
  if( nBody<0 ) nBody = 0;
  /* never a reply the other end must reject: too many body lines, or a
  ** body line over the line limit, becomes an `error` reply */
  zWhy[0] = 0;
  if( nBody>AGENT_PROTO_MAX_BODY ){
    snprintf(zWhy, sizeof(zWhy), "output has %d lines, over the protocol's limit of %d",
             nBody, AGENT_PROTO_MAX_BODY);
  }
  for(i=0; zWhy[0]==0 && i<nBody; i++){
    size_t n = azBody[i] ? strlen(azBody[i]) : 0;
    if( n>AGENT_PROTO_MAX_LINE ){
      snprintf(zWhy, sizeof(zWhy), "output line %d has %zu bytes, over the protocol's "
               "limit of %d", i+1, n, AGENT_PROTO_MAX_LINE);
    }
  }
  if( zWhy[0] ){
    eKind = AGENT_REPLY_ERROR;
    zText = zWhy;
    nBody = 0;
  }
  agent_buf_printf(pOut, "%s %d", agent_reply_word(eKind), nBody);
  if( zText && zText[0] ){
    size_t n = strlen(zText);
    agent_buf_append(pOut, " ", 1);
    /* the header line too stays within the line limit */
    if( n>AGENT_PROTO_MAX_LINE-32 ){
      agent_buf_append_flat_n(pOut, zText, AGENT_PROTO_MAX_LINE-32);
    }else{
      agent_buf_append_flat(pOut, zText);
    }
  }
  agent_buf_append(pOut, "\n", 1);
  for(i=0; i<nBody; i++){
    agent_buf_append_flat(pOut, azBody[i] ? azBody[i] : "");
    agent_buf_append(pOut, "\n", 1);
  }
}

int agent_reply_parse_header(const char *zLine, AgentReplyKind *peKind,
                             int *pnBody, const char **pzText){
  int e;
  size_t nWord;
  const char *z;
  long nBody = 0;
  for(nWord=0; zLine[nWord] && zLine[nWord]!=' '; nWord++){}
  for(e=0; e<AGENT_REPLY_COUNT; e++){
    if( strlen(azReplyWord[e])==nWord
     && memcmp(azReplyWord[e], zLine, nWord)==0 ) break;
  }
  if( e==AGENT_REPLY_COUNT || zLine[nWord]!=' ' ) return 1;
  z = zLine + nWord + 1;
  if( !isdigit((unsigned char)z[0]) ) return 1;
  while( isdigit((unsigned char)z[0]) ){
    nBody = nBody*10 + (z[0]-'0');
    if( nBody>AGENT_PROTO_MAX_BODY ) return 1;
    z++;
  }
  if( z[0]!=0 && z[0]!=' ' ) return 1;
  if( z[0]==' ' ) z++;
  *peKind = (AgentReplyKind)e;
  *pnBody = (int)nBody;
  *pzText = z;
  return 0;
}

/* ---------------------------------------------------------------- 5 ---- */

/* Case-insensitive search for zNeedle in zHay. */
static int agent_contains_nocase(const char *zHay, const char *zNeedle){
  size_t n = strlen(zNeedle);
  for(; *zHay; zHay++){
    size_t i;
    for(i=0; i<n; i++){
      if( tolower((unsigned char)zHay[i])!=tolower((unsigned char)zNeedle[i]) ) break;
    }
    if( i==n ) return 1;
  }
  return 0;
}

int agent_line_has_secret(const char *zLine){
  const char *z = zLine;
  while( *z==' ' || *z=='\t' ) z++;
  if( agent_contains_nocase(z, "password") ) return 1;
  if( agent_contains_nocase(z, "/pass") ) return 1;
  if( agent_contains_nocase(z, "/user:") ) return 1;
  if( agent_contains_nocase(z, "user ") ) return 1;
  return 0;
}
