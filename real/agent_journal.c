/*
** real/agent_journal.c: the undo journal (see agent_journal.h).
**
** Portable C. Sections: 2. recording 3. undoing 4. text form.
*/
#include "agent_journal.h"
#include "agent_proto.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static char *agent_strdup_or_null(const char *z){
  char *zNew;
  size_t n;
  if( z==NULL ) return NULL;
  n = strlen(z) + 1;
  zNew = malloc(n);
  if( zNew ) memcpy(zNew, z, n);
  return zNew;
}

static int agent_str_eq_nocase(const char *zA, const char *zB){
  if( zA==NULL || zB==NULL ) return zA==zB;
  while( *zA && tolower((unsigned char)*zA)==tolower((unsigned char)*zB) ){
    zA++; zB++;
  }
  return *zA==*zB;
}

/* ---------------------------------------------------------------- 2 ---- */

int agent_journal_add(AgentJournal *p, AgentUndoKind eKind, const char *zKey,
                      const char *zName, const char *zOld){
  AgentUndo *pNew;
  if( p->n>=p->nAlloc ){
    int nNew = p->nAlloc ? p->nAlloc*2 : 16;
    AgentUndo *aNew = realloc(p->a, sizeof(AgentUndo)*(size_t)nNew);
    if( aNew==NULL ) return 1;
    p->a = aNew;
    p->nAlloc = nNew;
  }
  pNew = &p->a[p->n];
  memset(pNew, 0, sizeof(*pNew));
  pNew->eKind = eKind;
  pNew->zKey = agent_strdup_or_null(zKey ? zKey : "");
  pNew->zName = agent_strdup_or_null(zName ? zName : "");
  pNew->zOld = agent_strdup_or_null(zOld);
  if( pNew->zKey==NULL || pNew->zName==NULL || (zOld && pNew->zOld==NULL) ){
    free(pNew->zKey); free(pNew->zName); free(pNew->zOld);
    return 1;
  }
  p->n++;
  return 0;
}

int agent_journal_has(const AgentJournal *p, AgentUndoKind eKind,
                      const char *zKey, const char *zName){
  int i;
  for(i=0; i<p->n; i++){
    if( p->a[i].eKind==eKind && !p->a[i].bDone
     && agent_str_eq_nocase(p->a[i].zKey, zKey ? zKey : "")
     && agent_str_eq_nocase(p->a[i].zName, zName ? zName : "") ) return 1;
  }
  return 0;
}

/* ---------------------------------------------------------------- 3 ---- */

int agent_journal_undo(AgentJournal *p,
                       int (*xUndo)(void *pCtx, const AgentUndo *pEntry),
                       void *pCtx, int *pnUndone){
  int i;
  int nFail = 0;
  int nDone = 0;
  for(i=p->n-1; i>=0; i--){
    if( p->a[i].bDone ) continue;
    p->a[i].bDone = 1;
    nDone++;
    if( xUndo(pCtx, &p->a[i]) ) nFail++;
  }
  if( pnUndone ) *pnUndone = nDone;
  return nFail;
}

void agent_journal_free(AgentJournal *p){
  int i;
  for(i=0; i<p->n; i++){
    free(p->a[i].zKey);
    free(p->a[i].zName);
    free(p->a[i].zOld);
  }
  free(p->a);
  memset(p, 0, sizeof(*p));
}

/* ---------------------------------------------------------------- 4 ---- */

static const char *const azUndoKind[AGENT_UNDO_KIND_COUNT] = {
  "regvalue", "cred", "user", "group", "right", "dosdev", "netuse"
};

const char *agent_undo_kind_name(AgentUndoKind e){
  if( (int)e<0 || e>=AGENT_UNDO_KIND_COUNT ) return "?";
  return azUndoKind[e];
}

char *agent_journal_text(const AgentJournal *p){
  AgentBuf b = {0};
  int i;
  agent_buf_append(&b, "", 0);
  for(i=0; i<p->n; i++){
    const AgentUndo *e = &p->a[i];
    if( e->bDone ) continue;
    agent_buf_printf(&b, "%s\t%s\t%s\t%s\n", agent_undo_kind_name(e->eKind),
                     e->zKey, e->zName, e->zOld ? e->zOld : "-");
  }
  if( b.bOom ){
    agent_buf_free(&b);
    return NULL;
  }
  return b.z;
}
