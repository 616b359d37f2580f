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
  exp_world_fill(pW, pScn);
  return 0;
}
