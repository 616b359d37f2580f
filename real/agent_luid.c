/*
** real/agent_luid.c: the LUID placeholder table (see agent_luid.h).
**
** Portable C. Sections: 1. the table 2. lookups 3. rewriting.
*/
#include "agent_luid.h"
#include "agent_proto.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- 1 ---- */

void agent_luid_init(AgentLuidTable *p){
  memset(p, 0, sizeof(*p));
  agent_luid_bind(p, AGENT_LUID_SYSTEM, "SYSTEM");
}

int agent_luid_bind(AgentLuidTable *p, uint64_t luid, const char *zName){
  int i;
  if( strlen(zName) >= AGENT_LUID_NAME ) return 1;
  if( luid==0 ) return 0;
  for(i=0; i<p->n; i++){          /* a name moves to its new LUID */
    if( strcmp(p->a[i].zName, zName)==0 && p->a[i].luid!=luid ){
      memmove(&p->a[i], &p->a[i+1], sizeof(p->a[0])*(size_t)(p->n-i-1));
      p->n--;
      break;
    }
  }
  for(i=0; i<p->n; i++){
    if( p->a[i].luid==luid ){
      if( strcmp(p->a[i].zName, zName)!=0 ) p->a[i].bAmbiguous = 1;
      return 0;
    }
  }
  if( p->n>=AGENT_LUID_MAX ) return 1;
  p->a[p->n].luid = luid;
  memcpy(p->a[p->n].zName, zName, strlen(zName)+1);
  p->a[p->n].bAmbiguous = 0;
  p->n++;
  return 0;
}

/* ---------------------------------------------------------------- 2 ---- */

void agent_luid_placeholder(const AgentLuidTable *p, uint64_t luid,
                            char *zBuf, size_t nBuf){
  int i;
  for(i=0; luid!=0 && i<p->n; i++){
    if( p->a[i].luid==luid && !p->a[i].bAmbiguous ){
      snprintf(zBuf, nBuf, "{%s}", p->a[i].zName);
      return;
    }
  }
  snprintf(zBuf, nBuf, "{?}");
}

int agent_luid_of_name(const AgentLuidTable *p, const char *zName,
                       uint64_t *pLuid){
  int i;
  for(i=0; i<p->n; i++){
    if( strcmp(p->a[i].zName, zName)==0 ){
      if( p->a[i].bAmbiguous ) return 1;
      *pLuid = p->a[i].luid;
      return 0;
    }
  }
  return 1;
}

/* ---------------------------------------------------------------- 3 ---- */

/* 1 if z starts with n hex digits. */
static int agent_is_hex(const char *z, int n){
  int i;
  for(i=0; i<n; i++){
    if( !isxdigit((unsigned char)z[i]) ) return 0;
  }
  return 1;
}

static uint64_t agent_hex_value(const char *z, int n){
  uint64_t v = 0;
  int i;
  for(i=0; i<n; i++){
    int c = tolower((unsigned char)z[i]);
    v = v*16 + (uint64_t)(isdigit(c) ? c-'0' : c-'a'+10);
  }
  return v;
}

/* 1 if z[-nPre..] ends with zPre, case-insensitively (z points after it). */
static int agent_preceded_by(const char *zStart, const char *z,
                             const char *zPre){
  size_t n = strlen(zPre);
  size_t i;
  if( (size_t)(z - zStart) < n ) return 0;
  for(i=0; i<n; i++){
    if( tolower((unsigned char)z[-(long)n+(long)i])!=tolower((unsigned char)zPre[i]) ) return 0;
  }
  return 1;
}

char *agent_luid_to_placeholders(const AgentLuidTable *p, const char *zIn){
  AgentBuf b = {0};
  const char *z = zIn;
  agent_buf_append(&b, "", 0);
  while( *z ){
    char zPh[AGENT_LUID_NAME+4];
    if( z[0]==';' && isalpha((unsigned char)z[1]) && z[2]==':'
     && agent_is_hex(z+3, 16) && !isxdigit((unsigned char)z[19]) ){
      agent_luid_placeholder(p, agent_hex_value(z+3, 16), zPh, sizeof(zPh));
      agent_buf_append(&b, z, 3);
      agent_buf_append(&b, zPh, (size_t)-1);
      z += 19;
      continue;
    }
    if( agent_preceded_by(zIn, z, "DosDevices\\") && agent_is_hex(z, 8)
     && z[8]=='-' && agent_is_hex(z+9, 8)
     && (z[17]==0 || z[17]=='\\') ){
      uint64_t luid = (agent_hex_value(z, 8)<<32) | agent_hex_value(z+9, 8);
      agent_luid_placeholder(p, luid, zPh, sizeof(zPh));
      agent_buf_append(&b, zPh, (size_t)-1);
      z += 17;
      continue;
    }
    agent_buf_append(&b, z, 1);
    z++;
  }
  if( b.bOom ){
    agent_buf_free(&b);
    return NULL;
  }
  return b.z;
}

int agent_luid_from_placeholders(const AgentLuidTable *p, const char *zIn,
                                 char **pzOut){
  AgentBuf b = {0};
  const char *z = zIn;
  *pzOut = NULL;
  agent_buf_append(&b, "", 0);
  while( *z ){
    if( z[0]=='{' ){
      const char *zEnd = strchr(z, '}');
      char zName[AGENT_LUID_NAME];
      uint64_t luid;
      size_t n;
      if( zEnd==NULL ) goto err;
      n = (size_t)(zEnd - z - 1);
      if( n==0 || n>=sizeof(zName) ) goto err;
      memcpy(zName, z+1, n);
      zName[n] = 0;
      if( agent_luid_of_name(p, zName, &luid) ) goto err;
      if( z-zIn>=3 && z[-3]==';' && z[-1]==':' ){
        agent_buf_printf(&b, "%016llx", (unsigned long long)luid);
      }else{
        agent_buf_printf(&b, "%08lx-%08lx",
                         (unsigned long)(luid>>32), (unsigned long)(luid & 0xffffffffu));
      }
      z = zEnd + 1;
      continue;
    }
    agent_buf_append(&b, z, 1);
    z++;
  }
  if( b.bOom ) goto err;
  *pzOut = b.z;
  return 0;
err:
  agent_buf_free(&b);
  return 1;
}
