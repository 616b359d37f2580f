/*
** runner/check/world.c: the default world of `mapscope check`.
**
** The text below is worlds/check-default.scn (a test keeps the two the
** same). A --world file is read by the explorer's exp_world_init(); the
** built-in text is parsed here and handed to it through the same fields.
**
** Contents: 1. the default world  2. loading
*/
#include "runner/check/check.h"

#include <stdio.h>
#include <string.h>

/* ---------------------------------------------------------------- 1 ---- */

static const char zCkDefaultWorld[] =
  "title   mapscope check: the default world\n"
  "source  mapscope check (docs/check.md): two standard users, one administrator, two servers\n"
  "# The letters (Q: R: Z:) are the search's, not the world's: see --letters.\n"
  "# bob and carol are alike (same kind, same grants): the symmetry reduction\n"
  "# treats them as interchangeable. alice is the administrator `current`\n"
  "# logons use.\n"
  "\n"
  "user    alice admin password=Al1ce-pw\n"
  "user    bob standard password=B0b-pw\n"
  "user    carol standard password=Car0l-pw\n"
  "share   \\\\fs1\\data\n"
  "share   \\\\fs2\\pub anonymous\n";

const char *ck_default_world_text(void){
  return zCkDefaultWorld;
}

/* ---------------------------------------------------------------- 2 ---- */

int ck_world_init(ExpWorld *pW, const char *zWorldFile, char *zErr, size_t nErr){
  if( zWorldFile ) return exp_world_init(pW, zWorldFile, zErr, nErr);
  return ck_world_from_text(pW, zCkDefaultWorld, zErr, nErr);
}

int ck_world_from_text(ExpWorld *pW, const char *zText, char *zErr, size_t nErr){
  /* The explorer reads a world only from a file: parse the text here and
  ** fill the tables as exp_world_init() does. */
  Scenario *pScn = NULL;
  if( scn_parse_text("(check world)", zText, strlen(zText), &pScn, zErr, nErr) ){
    return 1;
  }
  if( pScn->nUser==0 ){
    snprintf(zErr, nErr, "the world has no user line; check needs at least one account");
    scn_free(pScn);
    return 1;
  }
  memset(pW, 0, sizeof(*pW));
  pW->pWorld = pScn;
  int bAdmin = 0;
  for(int i = 0; i < pScn->nUser && pW->nUser < EXP_MAX_USER; i++){
    pW->azUser[pW->nUser] = pScn->aUser[i].zName;
    pW->azPassword[pW->nUser] = pScn->aUser[i].zPassword;
    pW->aeKind[pW->nUser] = (int)pScn->aUser[i].eKind;
    if( !bAdmin && pScn->aUser[i].eKind==SCN_ACCOUNT_ADMIN ){
      pW->iCurrentUser = pW->nUser;
      bAdmin = 1;
    }
    pW->nUser++;
  }
  for(int i = 0; i < pScn->nShare && pW->nRemote < EXP_MAX_REMOTE - 2; i++){
    pW->azRemote[pW->nRemote] = pScn->aShare[i].zUnc;
    pW->azServer[pW->nRemote] = pScn->aShare[i].zServer;
    pW->nRemote++;
  }
  pW->nRealShare = pW->nRemote;
  /* as exp_world_init(): a missing share on a known server, an unknown
  ** server (C2: 67, 53) */
  const char *zSrv = pW->nRemote ? pW->azServer[0] : "fs1";
  snprintf(pW->azOwned[0], sizeof(pW->azOwned[0]), "\\\\%s\\nosuchshare", zSrv);
  pW->azRemote[pW->nRemote] = pW->azOwned[0];
  pW->azServer[pW->nRemote] = zSrv;
  pW->nRemote++;
  snprintf(pW->azOwned[1], sizeof(pW->azOwned[1]), "\\\\nosuchserver\\x");
  snprintf(pW->azOwned[2], sizeof(pW->azOwned[2]), "nosuchserver");
  pW->azRemote[pW->nRemote] = pW->azOwned[1];
  pW->azServer[pW->nRemote] = pW->azOwned[2];
  pW->nRemote++;
  return 0;
}
