/*
** runner/cli/options.c: the one option parser, and the terminal (see options.h).
**
** Contents: 1. parsing  2. values and usage errors  3. the terminal
*/
#include "runner/cli/options.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runner/util/strbuf.h"

/* ---------------------------------------------------------------- 1 ---- */

static void opt_oom(void){
  fputs("mapscope: out of memory\n", stderr);
  exit(3);
}

void opt_init(OptParser *p, const char *zCmd, const char *zHelp, int argc,
              char **argv, const char *zShort, const struct option *aLong){
  memset(p, 0, sizeof(*p));
  p->zCmd = zCmd;
  p->zHelp = zHelp;
  p->argc = argc;
  p->argv = argv;
  int nLong = 0;
  while( aLong && aLong[nLong].name ) nLong++;
  p->aLong = calloc((size_t)nLong + 2, sizeof(struct option));
  if( p->aLong == NULL ) opt_oom();
  if( nLong ) memcpy(p->aLong, aLong, (size_t)nLong * sizeof(struct option));
  p->aLong[nLong].name = "help";
  p->aLong[nLong].has_arg = no_argument;
  p->aLong[nLong].val = OPT_HELP;
  /* ':' first: a missing value comes back as ':' rather than '?', and
  ** getopt prints nothing itself (opterr = 0 below as well). */
  StrBuf b = {0};
  strbuf_printf(&b, ":%s", zShort ? zShort : "");
  p->zShort = strbuf_take(&b);
  /* glibc: optind = 0 re-initialises getopt fully, so a second parser in
  ** one process (tests, `help CMD`) starts clean. */
  optind = 0;
  opterr = 0;
}

void opt_done(OptParser *p){
  free(p->aLong);
  free((char *)p->zShort);
  p->aLong = NULL;
  p->zShort = NULL;
}

int opt_next(OptParser *p){
  int iLong = -1;
  p->zArg = NULL;
  int c = getopt_long(p->argc, p->argv, p->zShort, p->aLong, &iLong);
  if( c == -1 ){
    p->iFirst = optind;
    opt_done(p);
    return OPT_END;
  }
  p->zArg = optarg;
  p->zOpt = NULL;
  if( c == OPT_HELP ){
    fputs(p->zHelp ? p->zHelp : "", stdout);
    p->rc = 0;
    opt_done(p);
    return OPT_STOP;
  }
  if( c == '?' || c == ':' ){
    StrBuf b = {0};
    /* getopt has just stepped past the word in error (or, inside a
    ** cluster of short options, is still on it). */
    const char *zWord = optind >= 1 && optind - 1 < p->argc ? p->argv[optind - 1] : "";
    if( strncmp(zWord, "--", 2) == 0 ){
      const char *zEq = strchr(zWord, '=');
      strbuf_append(&b, zWord, zEq ? (size_t)(zEq - zWord) : strlen(zWord));
    }else{
      strbuf_printf(&b, "-%c", optopt > 0 && optopt < OPT_LONG_BASE ? optopt : '?');
    }
    if( c == ':' ){
      opt_usage(p, "option '%s' needs a value", strbuf_text(&b));
    }else if( strncmp(zWord, "--", 2) == 0 && strchr(zWord, '=') && optopt ){
      opt_usage(p, "option '%s' takes no value", strbuf_text(&b));
    }else{
      /* getopt_long also lands here for an ambiguous abbreviation. */
      opt_usage(p, "unknown option '%s'", strbuf_text(&b));
    }
    strbuf_reset(&b);
    p->rc = 2;
    opt_done(p);
    return OPT_STOP;
  }
  /* The long name as typed, for messages about the value. */
  if( iLong >= 0 ){
    static char zName[64];
    snprintf(zName, sizeof(zName), "--%s", p->aLong[iLong].name);
    p->zOpt = zName;
  }else{
    static char zName[3];
    zName[0] = '-'; zName[1] = (char)c; zName[2] = 0;
    p->zOpt = zName;
  }
  return c;
}

/* ---------------------------------------------------------------- 2 ---- */

static int opt_vusage(const char *zCmd, const char *zFormat, va_list ap){
  StrBuf b = {0};
  strbuf_printf(&b, "mapscope %s: ", zCmd);
  char zMsg[1024];
  vsnprintf(zMsg, sizeof(zMsg), zFormat, ap);
  /* One line: a newline or control character in an argument is shown
  ** escaped, never passed to the terminal. */
  for(const unsigned char *z = (const unsigned char *)zMsg; *z; z++){
    if( *z < 0x20 || *z == 0x7f ) strbuf_printf(&b, "\\x%02x", *z);
    else strbuf_append(&b, (const char *)z, 1);
  }
  strbuf_printf(&b, " (try 'mapscope %s --help')\n", zCmd);
  fputs(strbuf_text(&b), stderr);
  strbuf_reset(&b);
  return 2;
}

int opt_usage(const OptParser *p, const char *zFormat, ...){
  va_list ap;
  va_start(ap, zFormat);
  int rc = opt_vusage(p->zCmd, zFormat, ap);
  va_end(ap);
  return rc;
}

int opt_usage_cmd(const char *zCmd, const char *zFormat, ...){
  va_list ap;
  va_start(ap, zFormat);
  int rc = opt_vusage(zCmd, zFormat, ap);
  va_end(ap);
  return rc;
}

int opt_long(OptParser *p, long iMin, long iMax, long *piOut){
  const char *z = p->zArg ? p->zArg : "";
  char *zEnd = NULL;
  errno = 0;
  long long v = strtoll(z, &zEnd, 10);
  if( errno || zEnd == z || *zEnd || v < iMin || v > iMax ){
    return opt_usage(p, "%s takes a number from %ld to %ld, not '%s'",
                     p->zOpt, iMin, iMax, z);
  }
  *piOut = (long)v;
  return 0;
}

int opt_int(OptParser *p, int iMin, int iMax, int *piOut){
  long v = 0;
  if( opt_long(p, iMin, iMax, &v) ) return 2;
  *piOut = (int)v;
  return 0;
}

int opt_word(OptParser *p, const char *const *azWord, int nWord, int *piOut){
  const char *z = p->zArg ? p->zArg : "";
  for(int i = 0; i < nWord; i++){
    if( strcmp(z, azWord[i]) == 0 ){ *piOut = i; return 0; }
  }
  StrBuf b = {0};
  for(int i = 0; i < nWord; i++){
    strbuf_printf(&b, "%s%s", i == 0 ? "" : i == nWord - 1 ? " or " : ", ", azWord[i]);
  }
  opt_usage(p, "%s takes %s, not '%s'", p->zOpt, strbuf_text(&b), z);
  strbuf_reset(&b);
  return 2;
}

/* ---------------------------------------------------------------- 3 ---- */

static int term_is_dumb(void){
  const char *zTerm = getenv("TERM");
  return zTerm && strcmp(zTerm, "dumb") == 0;
}

int term_use_color(FILE *pOut, OptColor eColor){
  if( eColor == OPT_COLOR_NEVER ) return 0;
  if( eColor == OPT_COLOR_ALWAYS ) return 1;
  const char *zNo = getenv("NO_COLOR");
  if( zNo && zNo[0] ) return 0;
  return isatty(fileno(pOut)) && !term_is_dumb();
}

int term_use_progress(FILE *pErr){
  return isatty(fileno(pErr)) && !term_is_dumb();
}

void term_style(TermStyle *pStyle, int bColor){
  pStyle->zRed    = bColor ? "\033[31m" : "";
  pStyle->zGreen  = bColor ? "\033[32m" : "";
  pStyle->zYellow = bColor ? "\033[33m" : "";
  pStyle->zBold   = bColor ? "\033[1m" : "";
  pStyle->zDim    = bColor ? "\033[2m" : "";
  pStyle->zReset  = bColor ? "\033[0m" : "";
}

/* The progress line's state: one per process (it is the terminal's). */
static struct {
  FILE *pErr;                /* the terminal, or NULL: progress off */
  double rLast;              /* when the line was last drawn, seconds */
  int bShown;                /* a line is on the screen */
} termProgress;

static double term_now(void){
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void term_progress_enable(FILE *pErr, int bOn){
  termProgress.pErr = (bOn && term_use_progress(pErr)) ? pErr : NULL;
  termProgress.rLast = 0;
  termProgress.bShown = 0;
}

void term_progress(const char *zFormat, ...){
  if( termProgress.pErr == NULL ) return;
  double rNow = term_now();
  if( termProgress.bShown && rNow - termProgress.rLast < 0.1 ) return;
  termProgress.rLast = rNow;
  char zLine[200];
  va_list ap;
  va_start(ap, zFormat);
  vsnprintf(zLine, sizeof(zLine), zFormat, ap);
  va_end(ap);
  /* A path in the line is shown, never obeyed: control characters go. */
  for(unsigned char *z = (unsigned char *)zLine; *z; z++){
    if( *z < 0x20 || *z == 0x7f ) *z = '?';
  }
  /* \r, the text, then erase to the end of the line. */
  fprintf(termProgress.pErr, "\r%s\033[K", zLine);
  fflush(termProgress.pErr);
  termProgress.bShown = 1;
}

void term_progress_clear(void){
  if( termProgress.pErr == NULL || !termProgress.bShown ) return;
  fputs("\r\033[K", termProgress.pErr);
  fflush(termProgress.pErr);
  termProgress.bShown = 0;
}
