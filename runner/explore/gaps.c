/*
** runner/explore/gaps.c: known gaps, the divergences between the model and
** another backend that a bundled `todo` reason already explains.
**
** A class is a predicate over a step and the two outputs (not over text
** alone), plus a key: the class counts only if some `todo` reason for that
** backend, in the scenarios read, holds the key. See docs/explore.md.
**
** Contents: 1. the classes  2. reading todo reasons  3. classifying
*/
#include "runner/explore/explore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "runner/engine/load.h"
#include "runner/util/strbuf.h"

/* ---------------------------------------------------------------- 1 ---- */


/* A class of divergence a bundled `todo` explains (a known gap). */
typedef struct ExpGap ExpGap;
struct ExpGap {
  const char *zId;           /* short name, printed */
  const char *zKey;          /* text every todo reason of the class holds */
};

/* The counts of todo reasons per class are not kept here (no mutable
** global state): exp_gaps_load() fills the caller's anReason[]. */
static const ExpGap aExpGap[] = {
  { "luid-zero", "LUID is 0" },
  { "no-network-provider", "no network provider" },
  { "wnet-get-1200", "1200" },
  { "define-no-stack", "does not stack" },
  { "global-define-fails", "Global\\" },
  { "remove-ignores-target", "removal ignores the target" },
  { "remove-missing-fails", "does not exist" },
  { "one-namespace", "one \\?? namespace" },
  { "no-per-luid-directories", "no per-LUID DosDevices" },
  { "no-file-system", "does not reach the file system" },
  { "no-smb-client", "no SMB client" },
};
/* EXP_N_GAP (explore.h) must count the table. */
typedef char ExpGapCountCheck[(sizeof(aExpGap)/sizeof(aExpGap[0]) == EXP_N_GAP) ? 1 : -1];

const char *exp_gap_id(int g){ return g >= 0 && g < EXP_N_GAP ? aExpGap[g].zId : "?"; }
const char *exp_gap_key(int g){ return g >= 0 && g < EXP_N_GAP ? aExpGap[g].zKey : ""; }

/* ---------------------------------------------------------------- 2 ---- */

/* Count, per class, the bundled todo reasons (labels naming zLabel) that
** hold its key. */
void exp_gaps_load(char **azDir, int nDir, const char *zLabel, int *anReason,
                          int *pnTodo){
  *pnTodo = 0;
  for(int g = 0; g < EXP_N_GAP; g++) anReason[g] = 0;
  for(int d = 0; d < nDir; d++){
    if( access(azDir[d], R_OK) != 0 ){
      fprintf(stderr, "mapscope explore: no todo reasons read from %s (cannot read it)\n",
              azDir[d]);
      return;
    }
  }
  ScnFile *aFile = NULL;
  int nFile = 0;
  if( load_scenarios("explore", azDir, nDir, &aFile, &nFile) != 0 ) return;
  for(int f = 0; f < nFile; f++){
    const Scenario *pScn = aFile[f].pScn;
    for(int s = 0; s < pScn->nStep; s++){
      for(int t = 0; t < pScn->aStep[s].nTodo; t++){
        const ScnTodo *pTodo = &pScn->aStep[s].aTodo[t];
        int bLabel = 0;
        for(int l = 0; l < pTodo->nLabel; l++) bLabel |= strcasecmp(pTodo->azLabel[l], zLabel) == 0;
        if( !bLabel ) continue;
        (*pnTodo)++;
        for(int g = 0; g < EXP_N_GAP; g++){
          if( strstr(pTodo->zReason, aExpGap[g].zKey) ) anReason[g]++;
        }
      }
    }
  }
  load_free(aFile, nFile);
}

/* ---------------------------------------------------------------- 3 ---- */

static int exp_starts(const char *z, const char *zPre){
  return z && strncmp(z, zPre, strlen(zPre)) == 0;
}

/* 1 if every line of zA (trailing blanks ignored) is a line of zB, in the
** same order, and every other line of zB ends in " global": zB is zA plus
** global names. zA may be empty; zB must not be an error. */
static int exp_lines_within(const char *zA, const char *zB){
  if( exp_starts(zB, "error ") || strcmp(zB, "(none)") == 0 ) return 0;
  const char *a = zA, *b = zB;
  int nExtra = 0;
  while( *b ){
    const char *bEnd = strchr(b, '\n');
    size_t nb = bEnd ? (size_t)(bEnd - b) : strlen(b);
    while( nb > 0 && b[nb-1] == ' ' ) nb--;
    const char *aEnd = *a ? strchr(a, '\n') : NULL;
    size_t na = *a ? (aEnd ? (size_t)(aEnd - a) : strlen(a)) : 0;
    while( na > 0 && a[na-1] == ' ' ) na--;
    if( *a && na == nb && strncmp(a, b, na) == 0 ){
      a = aEnd ? aEnd + 1 : a + strlen(a);
    }else if( nb >= 7 && strncmp(b + nb - 7, " global", 7) == 0 ){
      nExtra++;
    }else{
      return 0;
    }
    b = bEnd ? bEnd + 1 : b + strlen(b);
  }
  return *a == 0 && nExtra > 0;
}

/* The family of a step, for divergences that follow a known gap. A v2
** `reg set/delete` writes HKCU\Network, what `persisted` reads: network. */
int exp_step_family(const ExpStep *p){
  switch( (ScnCmd)p->eCmd ){
    case SCN_CMD_DEFINE: case SCN_CMD_UNDEFINE: case SCN_CMD_QUERY:
    case SCN_CMD_DRIVES: case SCN_CMD_DIR:
      return 1;                                   /* DOS devices */
    case SCN_CMD_TOKEN:
      return 2;
    case SCN_CMD_CMDKEY_ADD: case SCN_CMD_CMDKEY_DELETE: case SCN_CMD_CMDKEY_LIST:
      return 3;
    default:
      return 4;                                   /* network */
  }
}

/*
** Which known gap explains a divergence of step p (model output zSim,
** other output zOther)? Returns the class index, or -1 for a new finding.
** A class counts only if a bundled todo reason holds its key.
*/
int exp_gap_classify(const ExpStep *p, const char *zSim, const char *zOther,
                            const int *anReason){
  int g = -1;
  if( p->eKind != SCN_STEP_AS ) return -1;
  const char *zName = (p->eCmd == SCN_CMD_DEFINE || p->eCmd == SCN_CMD_UNDEFINE
                       || p->eCmd == SCN_CMD_QUERY) ? exp_name(p->iName) : "";
  switch( (ScnCmd)p->eCmd ){
    case SCN_CMD_TOKEN: {
      const char *a = strstr(zSim, " logon="), *b = strstr(zOther, " logon=");
      if( a && b && a - zSim == b - zOther && strncmp(zSim, zOther, (size_t)(a - zSim)) == 0
       && strstr(zOther, "{?}") ){
        g = 0;
      }
      break;
    }
    case SCN_CMD_NET_USE_LIST: case SCN_CMD_NET_USE_ADD: case SCN_CMD_NET_USE_DELETE:
    case SCN_CMD_NET_USE_DELETE_ALL: case SCN_CMD_WNET_ADD: case SCN_CMD_WNET_CANCEL:
    case SCN_CMD_WNET_ENUM: case SCN_CMD_NET_USE_PERSISTENT:
    /* v2 WNet calls (C14, C15): the same missing provider answers them */
    case SCN_CMD_NET_USE_AUTO: case SCN_CMD_NET_USE_DEVICELESS:
    case SCN_CMD_NET_USE_DELETE_REMOTE: case SCN_CMD_WNET_ADD_DEVICELESS:
    case SCN_CMD_WNET_CANCEL_REMOTE:
      if( strstr(zOther, "1222") ) g = 1;
      break;
    case SCN_CMD_WNET_GET:
      if( exp_starts(zOther, "error 1200") ) g = 2;
      else if( strstr(zOther, "1222") ) g = 1;
      break;
    case SCN_CMD_DEFINE:
      if( strncasecmp(zName, "Global\\", 7) == 0 ) g = 4;
      else if( strcmp(zSim, "ok") == 0 && (exp_starts(zOther, "error 3 ")
               || exp_starts(zOther, "error 183 ") || exp_starts(zOther, "error 161 ")) ) g = 3;
      break;
    case SCN_CMD_UNDEFINE:
      if( strncasecmp(zName, "Global\\", 7) == 0 ) g = 4;
      else if( strcmp(zSim, "ok") == 0 && exp_starts(zOther, "error 2 ") ) g = 6;
      else if( p->iTarget != EXP_NONE && exp_starts(zSim, "error 2 ")
               && strcmp(zOther, "ok") == 0 ) g = 5;
      break;
    case SCN_CMD_QUERY:
      if( strncasecmp(zName, "Global\\", 7) == 0 ) g = 4;
      else if( exp_starts(zSim, "error 2 ") && !exp_starts(zOther, "error ") ) g = 7;
      else if( !exp_starts(zSim, "error ") && !exp_starts(zOther, "error ")
               && strchr(zOther, '\n') == NULL && strstr(zSim, zOther) ) g = 3;
      break;
    case SCN_CMD_DRIVES: {
      /* the same lines, but every one `global` under Wine */
      StrBuf b = {0};
      for(const char *z = zSim; *z; ){
        const char *zEnd = strchr(z, '\n');
        size_t n = zEnd ? (size_t)(zEnd - z) : strlen(z);
        if( n >= 6 && strncmp(z + n - 6, " local", 6) == 0 ){
          strbuf_append(&b, z, n - 6);
          strbuf_puts(&b, " global");
        }else{
          strbuf_append(&b, z, n);
        }
        if( zEnd ){ strbuf_puts(&b, "\n"); z = zEnd + 1; } else break;
      }
      if( scn_output_equal(strbuf_text(&b), zOther) ){
        g = 8;
      }else if( exp_lines_within(strcmp(zSim, "(none)") == 0 ? "" : strbuf_text(&b), zOther) ){
        /* the other side also shows global names the model keeps in
        ** another token's directory: one \?? namespace */
        g = 7;
      }
      strbuf_reset(&b);
      break;
    }
    case SCN_CMD_DIR:
      g = (p->mFlag & EXP_F_DIR_UNC) ? 10 : 9;
      break;
    default:
      break;
  }
  if( g >= 0 && anReason[g] == 0 ) return -1;
  return g;
}

