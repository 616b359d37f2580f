/*
** runner/util/strbuf.c: the growable string (see strbuf.h).
*/
#include "runner/util/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Make room for n more bytes plus the NUL. */
static void strbuf_grow(StrBuf *p, size_t n){
  if( p->n + n + 1 <= p->nAlloc ) return;
  size_t nNew = p->nAlloc ? p->nAlloc * 2 : 128;
  while( nNew < p->n + n + 1 ) nNew *= 2;
  char *zNew = realloc(p->z, nNew);
  if( zNew == NULL ){
    fputs("mapscope: out of memory\n", stderr);
    exit(3);
  }
  p->z = zNew;
  p->nAlloc = nNew;
}

void strbuf_append(StrBuf *p, const char *z, size_t n){
  strbuf_grow(p, n);
  memcpy(p->z + p->n, z, n);
  p->n += n;
  p->z[p->n] = 0;
}

void strbuf_puts(StrBuf *p, const char *z){
  strbuf_append(p, z, strlen(z));
}

void strbuf_printf(StrBuf *p, const char *zFormat, ...){
  va_list ap;
  va_start(ap, zFormat);
  int n = vsnprintf(NULL, 0, zFormat, ap);
  va_end(ap);
  if( n < 0 ) return;
  strbuf_grow(p, (size_t)n);
  va_start(ap, zFormat);
  vsnprintf(p->z + p->n, (size_t)n + 1, zFormat, ap);
  va_end(ap);
  p->n += (size_t)n;
}

const char *strbuf_text(const StrBuf *p){
  return p->z ? p->z : "";
}

char *strbuf_take(StrBuf *p){
  char *z = p->z;
  if( z == NULL ){
    z = malloc(1);
    if( z == NULL ){
      fputs("mapscope: out of memory\n", stderr);
      exit(3);
    }
    z[0] = 0;
  }
  p->z = NULL;
  p->n = p->nAlloc = 0;
  return z;
}

void strbuf_reset(StrBuf *p){
  free(p->z);
  p->z = NULL;
  p->n = p->nAlloc = 0;
}

void strbuf_indented(StrBuf *p, const char *zIndent, const char *zText){
  if( zText == NULL ){
    strbuf_printf(p, "%s(no output)\n", zIndent);
    return;
  }
  const char *z = zText;
  do{
    const char *zEnd = strchr(z, '\n');
    size_t n = zEnd ? (size_t)(zEnd - z) : strlen(z);
    if( n ) strbuf_puts(p, zIndent);
    strbuf_append(p, z, n);
    strbuf_puts(p, "\n");
    z = zEnd ? zEnd + 1 : NULL;
  }while( z && *z );
}

void strbuf_xml(StrBuf *p, const char *zText){
  for(const unsigned char *z = (const unsigned char *)zText; *z; z++){
    switch( *z ){
      case '&':  strbuf_puts(p, "&amp;");  break;
      case '<':  strbuf_puts(p, "&lt;");   break;
      case '>':  strbuf_puts(p, "&gt;");   break;
      case '"':  strbuf_puts(p, "&quot;"); break;
      case '\'': strbuf_puts(p, "&apos;"); break;
      default:
        if( *z < 0x20 && *z != '\n' && *z != '\t' && *z != '\r' ){
          strbuf_append(p, "?", 1);
        }else{
          strbuf_append(p, (const char *)z, 1);
        }
    }
  }
}
