/*
** runner/util/termsafe.c: writing untrusted text to a terminal with its
** control characters shown as \xHH (see termsafe.h).
**
** Contents: 1. deciding  2. writing  3. measuring
*/
#ifndef _POSIX_C_SOURCE
# define _POSIX_C_SOURCE 200809L   /* fileno, isatty */
#endif
#include "runner/util/termsafe.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---------------------------------------------------------------- 1 ---- */

int termsafe_is_terminal(FILE *pOut){
  /* -1: not asked yet; the answer for stdout and stderr does not change
  ** while the process runs. */
  static int aCached[3] = { -1, -1, -1 };
  int fd;
  if( pOut==NULL ) return 0;
  fd = fileno(pOut);
  if( fd<0 ) return 0;               /* a memory stream */
  if( fd==1 || fd==2 ){
    if( aCached[fd]<0 ) aCached[fd] = isatty(fd) ? 1 : 0;
    return aCached[fd];
  }
  return isatty(fd) ? 1 : 0;
}

/* ---------------------------------------------------------------- 2 ---- */

/* How many bytes at z[0..n) form one character to escape: 1 for a C0
** control (not newline or tab) or DEL, 2 for a UTF-8 encoded C1 control,
** 0 for a byte to write as it is. */
static int termsafe_control_len(const unsigned char *z, size_t n){
  if( z[0]<0x20 ) return (z[0]=='\n' || z[0]=='\t') ? 0 : 1;
  if( z[0]==0x7F ) return 1;
  if( z[0]==0xC2 && n>1 && z[1]>=0x80 && z[1]<=0x9F ) return 2;
  return 0;
}

int termsafe_write(FILE *pOut, const char *z, size_t n, int bEscape){
  static const char zHex[] = "0123456789abcdef";
  const unsigned char *a = (const unsigned char*)z;
  size_t i = 0, iRun = 0;
  if( z==NULL || n==0 ) return 0;
  if( !bEscape ) return fwrite(z, 1, n, pOut)==n ? 0 : EOF;
  while( i<n ){
    int nCtl = termsafe_control_len(a + i, n - i);
    int k;
    if( nCtl==0 ){ i++; continue; }
    if( i>iRun && fwrite(a + iRun, 1, i - iRun, pOut)!=i - iRun ) return EOF;
    for(k=0; k<nCtl; k++){
      char zEsc[4];
      zEsc[0] = '\\';
      zEsc[1] = 'x';
      zEsc[2] = zHex[a[i+k]>>4];
      zEsc[3] = zHex[a[i+k]&15];
      if( fwrite(zEsc, 1, 4, pOut)!=4 ) return EOF;
    }
    i += (size_t)nCtl;
    iRun = i;
  }
  if( i>iRun && fwrite(a + iRun, 1, i - iRun, pOut)!=i - iRun ) return EOF;
  return 0;
}

int termsafe_fputs(const char *z, FILE *pOut){
  if( z==NULL ) return 0;
  return termsafe_write(pOut, z, strlen(z), termsafe_is_terminal(pOut));
}

int termsafe_fputs_escaped(const char *z, FILE *pOut){
  if( z==NULL ) return 0;
  return termsafe_write(pOut, z, strlen(z), 1);
}

int termsafe_vfprintf(FILE *pOut, const char *zFormat, va_list ap){
  char zBuf[1024];
  char *z = zBuf;
  va_list ap2;
  int n, rc;
  va_copy(ap2, ap);
  n = vsnprintf(zBuf, sizeof(zBuf), zFormat, ap);
  if( n<0 ){
    va_end(ap2);
    return EOF;
  }
  if( (size_t)n>=sizeof(zBuf) ){
    z = malloc((size_t)n + 1);
    if( z==NULL ){
      va_end(ap2);
      return EOF;
    }
    vsnprintf(z, (size_t)n + 1, zFormat, ap2);
  }
  va_end(ap2);
  rc = termsafe_write(pOut, z, (size_t)n, termsafe_is_terminal(pOut));
  if( z!=zBuf ) free(z);
  return rc;
}

int termsafe_fprintf(FILE *pOut, const char *zFormat, ...){
  va_list ap;
  int rc;
  va_start(ap, zFormat);
  rc = termsafe_vfprintf(pOut, zFormat, ap);
  va_end(ap);
  return rc;
}

/* ---------------------------------------------------------------- 3 ---- */

size_t termsafe_width(const char *z, int bEscape){
  const unsigned char *a = (const unsigned char*)z;
  size_t n, i, nOut = 0;
  if( z==NULL ) return 0;
  n = strlen(z);
  if( !bEscape ) return n;
  for(i=0; i<n; ){
    int nCtl = termsafe_control_len(a + i, n - i);
    if( nCtl==0 ){
      nOut++;
      i++;
    }else{
      nOut += 4*(size_t)nCtl;
      i += (size_t)nCtl;
    }
  }
  return nOut;
}
