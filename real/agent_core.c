/*
** real/agent_core.c: the protocol state machine and honesty bookkeeping of
** mapscope-agent (see agent_core.h). Portable C.
**
** Sections: 1. AgentOut  3. logon names  4. requests (hello, world, start,
** step, bye, ping)  5. dependency domains and typed names.
*/
#include "agent_core.h"
#include "agent_state.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---------------------------------------------------------------- 1 ---- */

/* Copy zSrc into zDst (n bytes), cutting it short if it does not fit. */
static void agent_copy_cut(char *zDst, size_t n, const char *zSrc){
  size_t k = strlen(zSrc);
  if( n==0 ) return;
  if( k>=n ) k = n-1;
  memcpy(zDst, zSrc, k);
  zDst[k] = 0;
}

/* Copy zPre then zSrc into zDst, cut short if needed. */
static void agent_copy_cut2(char *zDst, size_t n, const char *zPre, const char *zSrc){
  size_t k;
  agent_copy_cut(zDst, n, zPre);
  k = strlen(zDst);
  agent_copy_cut(zDst+k, n-k, zSrc);
}

void agent_out_line(AgentOut *p, const char *zFmt, ...){
  va_list ap;
  int n;
  char *z;
  if( p->nLine>=p->nAlloc ){
    int nNew = p->nAlloc ? p->nAlloc*2 : 8;
    char **aNew = realloc(p->azLine, sizeof(char*)*(size_t)nNew);
    if( aNew==NULL ){ p->bOom = 1; return; }
    p->azLine = aNew;
    p->nAlloc = nNew;
  }
  va_start(ap, zFmt);
  n = vsnprintf(NULL, 0, zFmt, ap);
  va_end(ap);
  if( n<0 ){ p->bOom = 1; return; }
  z = malloc((size_t)n + 1);
  if( z==NULL ){ p->bOom = 1; return; }
  va_start(ap, zFmt);
  vsnprintf(z, (size_t)n + 1, zFmt, ap);
  va_end(ap);
  p->azLine[p->nLine++] = z;
}

void agent_out_error(AgentOut *p, int code){
  char zBuf[128];
  scn_format_error(code, zBuf, sizeof(zBuf));
  agent_out_line(p, "%s", zBuf);
}

static int agent_cmp_line(const void *pA, const void *pB){
  return strcmp(*(char *const*)pA, *(char *const*)pB);
}

void agent_out_sort_or_none(AgentOut *p){
  if( p->nLine==0 ){
    agent_out_line(p, "(none)");
    return;
  }
  qsort(p->azLine, (size_t)p->nLine, sizeof(char*), agent_cmp_line);
}

AgentOutcome agent_out_why(AgentOut *p, AgentOutcome eOutcome,
                           const char *zFmt, ...){
  va_list ap;
  va_start(ap, zFmt);
  vsnprintf(p->zReason, sizeof(p->zReason), zFmt, ap);
  va_end(ap);
  return eOutcome;
}

void agent_out_clear(AgentOut *p){
  int i;
  for(i=0; i<p->nLine; i++) free(p->azLine[i]);
  free(p->azLine);
  memset(p, 0, sizeof(*p));
}

/* ---------------------------------------------------------------- 3 ---- */

AgentSession *agent_core_session(AgentCore *p, const char *zName){
  int i;
  for(i=0; i<p->nSession; i++){
    if( strcmp(p->aSession[i].zName, zName)==0 ) return &p->aSession[i];
  }
  return NULL;
}

/* The record for zName, created NOT_MADE if new; NULL if the table is full. */
static AgentSession *agent_core_session_get(AgentCore *p, const char *zName){
  AgentSession *pS = agent_core_session(p, zName);
  if( pS ) return pS;
  if( p->nSession>=AGENT_MAX_SESSIONS || strlen(zName)>=AGENT_LUID_NAME ) return NULL;
  pS = &p->aSession[p->nSession++];
  memset(pS, 0, sizeof(*pS));
  memcpy(pS->zName, zName, strlen(zName)+1);
  pS->eState = AGENT_SESSION_NOT_MADE;
  pS->iHost = -1;
  snprintf(pS->zWhy, sizeof(pS->zWhy), "no logon %s was made on this host", zName);
  return pS;
}

int agent_core_session_made(AgentCore *p, const char *zName, int iHost){
  AgentSession *pS = agent_core_session_get(p, zName);
  if( pS==NULL ) return 1;
  pS->eState = AGENT_SESSION_LIVE;
  pS->iHost = iHost;
  pS->zWhy[0] = 0;
  return 0;
}

void agent_core_session_ended(AgentCore *p, const char *zName, int bConfirmed){
  AgentSession *pS = agent_core_session_get(p, zName);
  if( pS==NULL ) return;
  pS->eState = bConfirmed ? AGENT_SESSION_ENDED : AGENT_SESSION_UNKNOWN;
  pS->iHost = -1;
  if( !bConfirmed ){
    snprintf(pS->zWhy, sizeof(pS->zWhy),
             "the host cannot confirm that logon %s has ended", zName);
  }
}

/* ---------------------------------------------------------------- 4 ---- */

int agent_core_init(AgentCore *p, const AgentHostOps *pOps, void *pHost,
                    int bAllowChanges){
  memset(p, 0, sizeof(*p));
  p->pOps = pOps;
  p->pHost = pHost;
  p->bAllowChanges = bAllowChanges;
  agent_luid_init(&p->luid);
  return 0;
}

/* Reply with no body. */
static void agent_reply0(AgentBuf *pReply, AgentReplyKind e, const char *zText){
  agent_reply_format(pReply, e, zText, NULL, 0);
}

/* Write the state file (zStatePath) so that an agent that dies before it
** can undo leaves its journal to the next agent: atomically, never over a
** file that is not our journal. Returns 0, or -1 with p->zSaveWhy set. */
static int agent_core_save(AgentCore *p){
  char *zText;
  char zWhy[400];
  int rc;
  if( p->zStatePath==NULL ) return 0;
  if( p->bStateKept ){
    snprintf(p->zSaveWhy, sizeof(p->zSaveWhy), "the state file %s is not the agent's "
             "to write", p->zStatePath);
    return -1;
  }
  zText = agent_core_suspend_text(p);
  if( zText==NULL ){
    snprintf(p->zSaveWhy, sizeof(p->zSaveWhy), "out of memory");
    return -1;
  }
  rc = agent_state_write(p->zStatePath, zText, zWhy, sizeof(zWhy));
  free(zText);
  if( rc ){
    snprintf(p->zSaveWhy, sizeof(p->zSaveWhy), "cannot save the journal to the state "
             "file: %s", zWhy);
    return -1;
  }
  p->nJournalSaved = p->journal.n;
  return 0;
}

int agent_core_record(AgentCore *p, AgentUndoKind eKind, const char *zKey,
                      const char *zName, const char *zOld){
  if( agent_journal_add(&p->journal, eKind, zKey, zName, zOld) ){
    snprintf(p->zSaveWhy, sizeof(p->zSaveWhy), "out of memory for the journal");
    return 1;
  }
  /* every entry is on disk before the change is made (DOS devices and
  ** connections of the agent's own logon session outlive it on Windows) */
  if( p->zStatePath==NULL ){
    /* nothing the file holds has changed */
    if( p->nJournalSaved==p->journal.n-1 ) p->nJournalSaved = p->journal.n;
    return 0;
  }
  if( agent_core_save(p) ){
    AgentUndo *e = &p->journal.a[--p->journal.n];
    free(e->zKey); free(e->zName); free(e->zOld);
    memset(e, 0, sizeof(*e));
    return 1;
  }
  return 0;
}

int agent_core_recover(AgentCore *p, int (*xUndo)(void *pCtx, const AgentUndo *pEntry),
                       void *pCtx){
  AgentCore tmp;
  char *zText = NULL;
  AgentStateStatus eSt;
  int nUndone = 0;
  if( p->zStatePath==NULL ) return 0;
  eSt = agent_state_read(p->zStatePath, &zText, p->zStateWhy, sizeof(p->zStateWhy));
  if( eSt==AGENT_STATE_NONE ) return 0;
  agent_core_init(&tmp, NULL, NULL, 1);
  if( eSt==AGENT_STATE_OK && agent_core_resume_text(&tmp, zText) ){
    snprintf(p->zStateWhy, sizeof(p->zStateWhy), "the state file %s is not a journal "
             "this agent could have written (%s)", p->zStatePath,
             tmp.zLoadWhy[0] ? tmp.zLoadWhy : "a line does not parse");
    eSt = AGENT_STATE_BAD;
  }
  free(zText);
  if( eSt==AGENT_STATE_BAD ){
    tmp.bFinished = 1;
    agent_core_free(&tmp);
    p->bStateKept = 1;
    return 1;
  }
  p->nRecoverFailed = agent_journal_undo(&tmp.journal, xUndo, pCtx, &nUndone);
  p->nRecovered = nUndone;
  tmp.bFinished = 1;
  agent_core_free(&tmp);
  remove(p->zStatePath);
  return 0;
}

static void agent_core_finish(AgentCore *p){
  if( p->bFinished ) return;
  p->bFinished = 1;
  if( p->pOps && p->pOps->xFinish ){
    p->nUndoFailed = p->pOps->xFinish(p->pHost, p);
  }
  /* undone: nothing is left for a later agent to recover. A resumed
  ** agent that ends before `start` loaded the state (its runner died
  ** between the reboot and `start`) holds none of the journal: the file
  ** is still the suspended agent's journal, and removing it would leave
  ** every change of the scenario on the host. It stays for the next
  ** agent's recovery. */
  if( p->bResume && !p->bResumed ) return;
  if( p->zStatePath && !p->bStateKept && p->nUndoFailed==0 ) remove(p->zStatePath);
}

void agent_core_free(AgentCore *p){
  int i;
  agent_core_finish(p);
  /* the world text holds passwords: wipe it before freeing */
  if( p->world.z ) memset(p->world.z, 0, p->world.n);
  agent_buf_free(&p->world);
  if( p->pWorld ) scn_free(p->pWorld);
  p->pWorld = NULL;
  agent_journal_free(&p->journal);
  for(i=0; i<p->nTyped; i++) free(p->azTyped[i]);
  free(p->azTyped);
  p->azTyped = NULL;
  p->nTyped = 0;
}

/* Remember a string as the scenario typed it (for agent_core_typed). */
static void agent_core_add_typed(AgentCore *p, const char *z){
  char **aNew;
  char *zCopy;
  if( z==NULL || z[0]==0 ) return;
  if( agent_core_typed(p, z)!=z ) return;
  aNew = realloc(p->azTyped, sizeof(char*)*(size_t)(p->nTyped+1));
  if( aNew==NULL ) return;
  p->azTyped = aNew;
  zCopy = malloc(strlen(z)+1);
  if( zCopy==NULL ) return;
  memcpy(zCopy, z, strlen(z)+1);
  p->azTyped[p->nTyped++] = zCopy;
}

/* `hello V...`: the versions the runner speaks. */
static void agent_core_hello(AgentCore *p, const char *zArgs, AgentBuf *pReply){
  const char *z = zArgs;
  int bSpoken = 0;
  AgentOut facts = {0};
  char zHead[64];
  if( p->eState!=AGENT_CORE_HELLO ){
    agent_reply0(pReply, AGENT_REPLY_BAD, "hello was already exchanged");
    return;
  }
  while( *z ){
    char *zEnd;
    long v;
    while( *z==' ' ) z++;
    if( *z==0 ) break;
    v = strtol(z, &zEnd, 10);
    if( zEnd==z || (*zEnd!=' ' && *zEnd!=0) ){
      agent_reply0(pReply, AGENT_REPLY_BAD, "hello takes protocol version numbers");
      return;
    }
    if( v==AGENT_PROTO_VERSION ) bSpoken = 1;
    z = zEnd;
  }
  if( !bSpoken ){
    snprintf(zHead, sizeof(zHead), "no common protocol version; the agent speaks %d",
             AGENT_PROTO_VERSION);
    agent_reply0(pReply, AGENT_REPLY_BAD, zHead);
    return;
  }
  if( p->zBusyWhy[0] ){
    char zMsg[320];
    snprintf(zMsg, sizeof(zMsg), "the agent will not start: %s", p->zBusyWhy);
    agent_reply0(pReply, AGENT_REPLY_ERROR, zMsg);
    return;
  }
  if( p->zStateWhy[0] ){
    /* a file that is not a complete journal: a person must look at it */
    char zMsg[640];
    snprintf(zMsg, sizeof(zMsg), "the agent will not start: %s; it was left untouched",
             p->zStateWhy);
    agent_reply0(pReply, AGENT_REPLY_ERROR, zMsg);
    return;
  }
  agent_out_line(&facts, "protocol %d", AGENT_PROTO_VERSION);
  if( p->pOps->xFacts ) p->pOps->xFacts(p->pHost, p, &facts);
  agent_out_line(&facts, "host-changes %s", p->bAllowChanges ? "allowed" : "refused");
  snprintf(zHead, sizeof(zHead), "mapscope-agent %d", AGENT_PROTO_VERSION);
  agent_reply_format(pReply, AGENT_REPLY_OK, zHead, facts.azLine, facts.nLine);
  agent_out_clear(&facts);
  p->eState = AGENT_CORE_WORLD;
}

/* `world STATEMENT`: one world line, kept until `start`. */
static void agent_core_world(AgentCore *p, const char *zArgs, AgentBuf *pReply){
  const char *z = zArgs;
  while( *z==' ' ) z++;
  if( p->eState!=AGENT_CORE_WORLD ){
    agent_reply0(pReply, AGENT_REPLY_BAD,
                 p->eState==AGENT_CORE_HELLO ? "hello first" : "world lines go before start");
    return;
  }
  if( strncasecmp(z, "user", 4)!=0 && strncasecmp(z, "share", 5)!=0
   && strncasecmp(z, "machine", 7)!=0 ){
    agent_reply0(pReply, AGENT_REPLY_BAD, "a world line is a user, share or machine statement");
    return;
  }
  agent_buf_append(&p->world, z, (size_t)-1);
  agent_buf_append(&p->world, "\n", 1);
  agent_reply0(pReply, p->world.bOom ? AGENT_REPLY_ERROR : AGENT_REPLY_OK,
               p->world.bOom ? "out of memory" : NULL);
}

/* `start`: parse the world and let the host check and prepare it. */
static void agent_core_start(AgentCore *p, AgentBuf *pReply){
  AgentBuf text = {0};
  char zErr[256];
  AgentOut out = {0};
  AgentOutcome e;
  int i;
  if( p->eState!=AGENT_CORE_WORLD ){
    agent_reply0(pReply, AGENT_REPLY_BAD,
                 p->eState==AGENT_CORE_HELLO ? "hello first" : "start was already given");
    return;
  }
  agent_buf_append(&text, "title mapscope-agent world\n", (size_t)-1);
  if( p->world.n ) agent_buf_append(&text, p->world.z, p->world.n);
  if( text.bOom ){
    agent_buf_free(&text);
    agent_reply0(pReply, AGENT_REPLY_ERROR, "out of memory");
    return;
  }
  zErr[0] = 0;
  if( scn_parse_text("world", text.z, text.n, &p->pWorld, zErr, sizeof(zErr)) ){
    char zMsg[300];
    memset(text.z, 0, text.n);
    agent_buf_free(&text);
    p->pWorld = NULL;
    if( agent_line_has_secret(zErr) ){
      snprintf(zMsg, sizeof(zMsg), "the world does not parse (message withheld: it quotes a secret)");
    }else{
      snprintf(zMsg, sizeof(zMsg), "the world does not parse: %s", zErr);
    }
    agent_reply0(pReply, AGENT_REPLY_BAD, zMsg);
    return;
  }
  memset(text.z, 0, text.n);
  agent_buf_free(&text);
  for(i=0; i<p->pWorld->nShare; i++) agent_core_add_typed(p, p->pWorld->aShare[i].zUnc);
  p->eState = AGENT_CORE_RUNNING;
  if( p->bResume ){
    char *zState = NULL;
    char zWhy[400];
    AgentStateStatus eSt = AGENT_STATE_NONE;
    int bBad = 1;
    zWhy[0] = 0;
    if( p->zStatePath==NULL ){
      snprintf(zWhy, sizeof(zWhy), "--resume needs --state FILE");
    }else{
      eSt = agent_state_read(p->zStatePath, &zState, zWhy, sizeof(zWhy));
      if( eSt==AGENT_STATE_NONE ){
        snprintf(zWhy, sizeof(zWhy), "the state file %s does not exist", p->zStatePath);
      }else if( eSt==AGENT_STATE_OK && agent_core_resume_text(p, zState) ){
        snprintf(zWhy, sizeof(zWhy), "the state file %s is not a journal this agent "
                 "could have written (%s)", p->zStatePath,
                 p->zLoadWhy[0] ? p->zLoadWhy : "a line does not parse");
      }else if( eSt==AGENT_STATE_OK ){
        bBad = 0;
      }
    }
    free(zState);
    /* the file stays: it is still the journal if this agent dies, and a
    ** file that did not load is left for a person to look at */
    p->nJournalSaved = p->journal.n;
    if( bBad ){
      char zMsg[640];
      if( eSt!=AGENT_STATE_NONE ) p->bStateKept = 1;
      snprintf(zMsg, sizeof(zMsg), "cannot load the state saved before the reboot: %s",
               zWhy);
      agent_reply0(pReply, AGENT_REPLY_ERROR, zMsg);
      p->bWorldUnsupported = 1;
      snprintf(p->zWorldWhy, sizeof(p->zWorldWhy), "the state before the reboot was lost");
      return;
    }
  }
  p->zSaveWhy[0] = 0;
  e = p->pOps->xStart ? p->pOps->xStart(p->pHost, p, &out) : AGENT_DONE;
  if( p->zSaveWhy[0] ){
    e = agent_out_why(&out, AGENT_FAILED, "%s; the change was not made", p->zSaveWhy);
  }
  if( e==AGENT_DONE ){
    agent_reply0(pReply, AGENT_REPLY_OK, NULL);
  }else if( e==AGENT_UNSUPPORTED ){
    p->bWorldUnsupported = 1;
    agent_copy_cut(p->zWorldWhy, sizeof(p->zWorldWhy), out.zReason);
    agent_reply0(pReply, AGENT_REPLY_UNSUPPORTED, out.zReason);
  }else{
    p->bWorldUnsupported = 1;
    agent_copy_cut2(p->zWorldWhy, sizeof(p->zWorldWhy), "the world could not be set up: ",
                    out.zReason);
    agent_reply0(pReply, AGENT_REPLY_ERROR, out.zReason);
  }
  agent_out_clear(&out);
}

static const char *const azDepName[] = {
  "DOS devices", "network connections", "the credential vault",
  "machine policies", "remembered connections"
};

/* Pre-checks common to every step. Returns 0 to go on to the host, or 1
** when the step is answered here with outcome *pe (lines in pOut for a
** confirmed 1312). */
static int agent_core_precheck(AgentCore *p, const ScnStep *pStep,
                               AgentOut *pOut, AgentOutcome *pe){
  unsigned mNeed = agent_step_reads(pStep) & p->mTaint;
  AgentSession *pS;
  int i;
  if( p->bWorldUnsupported ){
    *pe = agent_out_why(pOut, AGENT_UNSUPPORTED, "%s", p->zWorldWhy);
    return 1;
  }
  for(i=0; mNeed && i<5; i++){
    if( mNeed & (1u<<i) ){
      *pe = agent_out_why(pOut, AGENT_UNSUPPORTED,
          "needs %s, which an earlier step this host could not perform "
          "would have changed (%s)", azDepName[i], p->azTaintWhy[i]);
      return 1;
    }
  }
  if( pStep->eKind==SCN_STEP_LOGOFF
   || (pStep->eKind==SCN_STEP_AS && pStep->eHalf!=SCN_HALF_SYSTEM) ){
    pS = pStep->zSession ? agent_core_session(p, pStep->zSession) : NULL;
    if( pS==NULL ){
      *pe = agent_out_why(pOut, AGENT_UNSUPPORTED,
                          "no logon %s was made on this host",
                          pStep->zSession ? pStep->zSession : "?");
      return 1;
    }
    switch( pS->eState ){
      case AGENT_SESSION_LIVE: break;
      case AGENT_SESSION_ENDED:
        if( pStep->eKind==SCN_STEP_AS ){
          agent_out_error(pOut, 1312);   /* L10, confirmed by the host */
          *pe = AGENT_DONE;
          return 1;
        }
        *pe = agent_out_why(pOut, AGENT_UNSUPPORTED, "logon %s has already ended",
                            pS->zName);
        return 1;
      default:
        *pe = agent_out_why(pOut, AGENT_UNSUPPORTED, "%s", pS->zWhy);
        return 1;
    }
  }
  return 0;
}

/* Note that a step did not run faithfully: what it would have changed is
** unknown from now on. */
static void agent_core_taint(AgentCore *p, const ScnStep *pStep, const char *zWhy){
  unsigned m = agent_step_writes(pStep);
  int i;
  for(i=0; i<5; i++){
    if( (m & (1u<<i)) && !(p->mTaint & (1u<<i)) ){
      char zPre[32];
      const char *zRoot = strstr(zWhy, "(step ");
      if( strncmp(zWhy, "needs ", 6)==0 && zRoot ){
        /* already a consequence: keep naming the step it all came from */
        agent_copy_cut(p->azTaintWhy[i], sizeof(p->azTaintWhy[i]), zRoot+1);
        {
          size_t n = strlen(p->azTaintWhy[i]);
          if( n>0 && p->azTaintWhy[i][n-1]==')' ) p->azTaintWhy[i][n-1] = 0;
        }
      }else{
        snprintf(zPre, sizeof(zPre), "step %d: ", p->nStep+1);
        agent_copy_cut2(p->azTaintWhy[i], sizeof(p->azTaintWhy[i]), zPre, zWhy);
      }
    }
  }
  p->mTaint |= m;
}

/* `step LINE`. */
static void agent_core_step(AgentCore *p, const char *zArgs, AgentBuf *pReply){
  ScnStep step;
  char zErr[256];
  AgentOut out = {0};
  AgentOutcome e;
  const char *z = zArgs;
  while( *z==' ' ) z++;
  if( p->eState!=AGENT_CORE_RUNNING ){
    agent_reply0(pReply, AGENT_REPLY_BAD,
                 p->eState==AGENT_CORE_HELLO ? "hello first" : "start first");
    return;
  }
  memset(&step, 0, sizeof(step));
  zErr[0] = 0;
  if( scn_parse_step_line(z, &step, zErr, sizeof(zErr)) ){
    char zMsg[320];
    if( agent_line_has_secret(z) || agent_line_has_secret(zErr) ){
      snprintf(zMsg, sizeof(zMsg), "the step does not parse (message withheld: the line carries a secret)");
    }else{
      snprintf(zMsg, sizeof(zMsg), "the step does not parse: %s", zErr);
    }
    agent_reply0(pReply, AGENT_REPLY_BAD, zMsg);
    scn_step_clear(&step);
    return;
  }
  if( step.eCmd!=SCN_CMD_CMDKEY_ADD && step.eCmd!=SCN_CMD_CMDKEY_DELETE ){
    agent_core_add_typed(p, step.zRemote);
  }else{
    agent_core_add_typed(p, step.zTarget);
  }
  e = AGENT_DONE;
  if( agent_core_precheck(p, &step, &out, &e)==0 ){
    if( step.eKind==SCN_STEP_LOGON ){
      AgentSession *pS = agent_core_session_get(p, step.zSession);
      if( pS ){
        pS->eState = AGENT_SESSION_NOT_MADE;
        pS->iHost = -1;
      }
    }
    p->zSaveWhy[0] = 0;
    e = p->pOps->xStep(p->pHost, p, &step, &out);
    if( p->zSaveWhy[0] ){
      /* a change whose journal entry could not be saved was not made */
      e = agent_out_why(&out, AGENT_FAILED, "%s; the change was not made", p->zSaveWhy);
    }
    if( step.eKind==SCN_STEP_LOGON ){
      AgentSession *pS = agent_core_session_get(p, step.zSession);
      if( pS && pS->eState!=AGENT_SESSION_LIVE ){
        snprintf(pS->zWhy, sizeof(pS->zWhy), "logon %s %s", step.zSession,
                 e==AGENT_DONE ? "failed on the host" : "was not performed on this host");
      }
    }
    if( step.eKind==SCN_STEP_LOGOFF && e!=AGENT_DONE ){
      agent_core_session_ended(p, step.zSession, 0);
    }
    if( step.eKind==SCN_STEP_REBOOT && e!=AGENT_DONE ){
      int i;
      for(i=0; i<p->nSession; i++){
        if( p->aSession[i].eState==AGENT_SESSION_LIVE ){
          agent_core_session_ended(p, p->aSession[i].zName, 0);
        }
      }
    }
  }
  if( out.bOom ){
    e = agent_out_why(&out, AGENT_FAILED, "out of memory");
  }
  if( p->zStatePath && p->journal.n!=p->nJournalSaved && agent_core_save(p) ){
    /* a host that journalled without agent_core_record: the change is
    ** made but only this agent can undo it */
    e = agent_out_why(&out, AGENT_FAILED, "%s", p->zSaveWhy);
  }
  if( e==AGENT_DONE && out.nLine>AGENT_PROTO_MAX_BODY ){
    e = agent_out_why(&out, AGENT_FAILED, "output has %d lines, over the protocol's "
                      "limit of %d", out.nLine, AGENT_PROTO_MAX_BODY);
  }
  if( e!=AGENT_DONE ) agent_core_taint(p, &step, out.zReason);
  p->nStep++;
  switch( e ){
    case AGENT_DONE:
      if( out.nLine==0 ) agent_out_line(&out, "ok");
      agent_reply_format(pReply, AGENT_REPLY_DONE, NULL, out.azLine, out.nLine);
      break;
    case AGENT_UNSUPPORTED:
      agent_reply0(pReply, AGENT_REPLY_UNSUPPORTED,
                   out.zReason[0] ? out.zReason : "the host cannot do this step");
      break;
    default:
      agent_reply0(pReply, AGENT_REPLY_ERROR,
                   out.zReason[0] ? out.zReason : "the agent failed");
      break;
  }
  agent_out_clear(&out);
  scn_step_clear(&step);
}

/* `suspend`: the backend reboots the host (a Wine prefix restart): write
** what must outlive the reboot to zStatePath and exit without undoing. */
static void agent_core_suspend(AgentCore *p, AgentBuf *pReply){
  if( p->eState!=AGENT_CORE_RUNNING ){
    agent_reply0(pReply, AGENT_REPLY_BAD, "start first");
    return;
  }
  if( p->bWorldUnsupported ){
    agent_reply0(pReply, AGENT_REPLY_UNSUPPORTED, p->zWorldWhy);
    return;
  }
  if( p->zStatePath==NULL ){
    agent_reply0(pReply, AGENT_REPLY_UNSUPPORTED, "the agent was started without --state");
    return;
  }
  if( agent_core_save(p) ){
    agent_reply0(pReply, AGENT_REPLY_ERROR, p->zSaveWhy);
    return;
  }
  p->bFinished = 1;            /* the journal goes on in the next agent */
  p->eState = AGENT_CORE_DONE;
  agent_reply0(pReply, AGENT_REPLY_OK, "suspended");
}

/* Append "\t" and the escaped z (agent_journal_escape). */
static void agent_buf_field(AgentBuf *b, const char *z){
  char *zEsc = agent_journal_escape(z);
  if( zEsc==NULL ){ b->bOom = 1; return; }
  agent_buf_append(b, "\t", 1);
  agent_buf_append(b, zEsc, (size_t)-1);
  free(zEsc);
}

char *agent_core_suspend_text(const AgentCore *p){
  AgentBuf b = {0};
  int i;
  unsigned mKeep = p->mTaint & (AGENT_DEP_VAULT|AGENT_DEP_PROFILE|AGENT_DEP_POLICY);
  agent_buf_printf(&b, "%s\nnstep\t%d\ntaint\t%u\n", AGENT_STATE_MAGIC, p->nStep, mKeep);
  for(i=0; i<5; i++){
    if( mKeep & (1u<<i) ){
      agent_buf_printf(&b, "why\t%d", i);
      agent_buf_field(&b, p->azTaintWhy[i]);
      agent_buf_append(&b, "\n", 1);
    }
  }
  for(i=0; i<p->journal.n; i++){
    const AgentUndo *e = &p->journal.a[i];
    if( e->bDone ) continue;
    agent_buf_printf(&b, "journal\t%d", (int)e->eKind);
    agent_buf_field(&b, e->zKey);
    agent_buf_field(&b, e->zName);
    agent_buf_field(&b, e->zOld ? e->zOld : "-");
    agent_buf_append(&b, "\n", 1);
  }
  for(i=0; i<p->nSession; i++){
    agent_buf_append(&b, "session", 7);
    agent_buf_field(&b, p->aSession[i].zName);
    agent_buf_append(&b, "\n", 1);
  }
  for(i=0; i<p->nTyped; i++){
    agent_buf_append(&b, "typed", 5);
    agent_buf_field(&b, p->azTyped[i]);
    agent_buf_append(&b, "\n", 1);
  }
  agent_buf_printf(&b, "%s\n", AGENT_STATE_END);   /* proves the text is whole */
  if( b.bOom ){
    agent_buf_free(&b);
    return NULL;
  }
  return b.z;
}

/* Split zLine at tabs into at most nMax fields (in place). */
static int agent_split_tabs(char *zLine, char **az, int nMax){
  int n = 0;
  while( n<nMax ){
    az[n++] = zLine;
    zLine = strchr(zLine, '\t');
    if( zLine==NULL ) break;
    *zLine++ = 0;
  }
  return n;
}

int agent_core_resume_text(AgentCore *p, const char *zText){
  char *zCopy = malloc(strlen(zText)+1);
  char *zLine, *zNext;
  size_t nMagic = strlen(AGENT_STATE_MAGIC);
  int rc = 0;
  int bEnd = 0;
  int iLine = 1;
  p->zLoadWhy[0] = 0;
  if( zCopy==NULL ) return 1;
  memcpy(zCopy, zText, strlen(zText)+1);
  if( strncmp(zCopy, AGENT_STATE_MAGIC, nMagic)!=0 || zCopy[nMagic]!='\n' ){
    free(zCopy);
    snprintf(p->zLoadWhy, sizeof(p->zLoadWhy), "its first line is not `%s`", AGENT_STATE_MAGIC);
    return 1;
  }
  for(zLine=zCopy+nMagic+1; rc==0 && zLine && *zLine; zLine=zNext){
    char *az[6];
    int n, k;
    char zSub[200];
    iLine++;
    zNext = strchr(zLine, '\n');
    if( zNext ) *zNext++ = 0;
    if( bEnd ){ rc = 1; break; }     /* nothing may follow `end` */
    if( strcmp(zLine, AGENT_STATE_END)==0 && zNext ){ bEnd = 1; continue; }
    n = agent_split_tabs(zLine, az, 6);
    for(k=1; k<n; k++){
      if( agent_journal_unescape(az[k]) ){ rc = 1; break; }
    }
    if( rc ) break;
    if( n==2 && strcmp(az[0], "nstep")==0 ){
      p->nStep = atoi(az[1]);
    }else if( n==2 && strcmp(az[0], "taint")==0 ){
      p->mTaint |= (unsigned)strtoul(az[1], NULL, 10) & AGENT_DEP_ALL;
    }else if( n==3 && strcmp(az[0], "why")==0 && atoi(az[1])>=0 && atoi(az[1])<5 ){
      agent_copy_cut(p->azTaintWhy[atoi(az[1])], sizeof(p->azTaintWhy[0]), az[2]);
    }else if( n==5 && strcmp(az[0], "journal")==0 && az[1][0]>='0' && az[1][0]<='9'
           && az[1][1]==0 && atoi(az[1])<AGENT_UNDO_KIND_COUNT ){
      const char *zOld = strcmp(az[4], "-")==0 ? NULL : az[4];
      /* only what this agent itself writes (finding: a planted file was
      ** undone as if it were a journal) */
      if( agent_journal_entry_check((AgentUndoKind)atoi(az[1]), az[2], az[3], zOld,
                                    zSub, sizeof(zSub)) ){
        snprintf(p->zLoadWhy, sizeof(p->zLoadWhy), "line %d is %s", iLine, zSub);
        rc = 1;
        break;
      }
      rc = agent_journal_add(&p->journal, (AgentUndoKind)atoi(az[1]), az[2], az[3], zOld);
    }else if( n==2 && strcmp(az[0], "session")==0 ){
      AgentSession *pS = agent_core_session_get(p, az[1]);
      if( pS==NULL ){ rc = 1; break; }
      pS->eState = AGENT_SESSION_UNKNOWN;
      snprintf(pS->zWhy, sizeof(pS->zWhy),
               "logon %s ended at the reboot, which this host cannot confirm", pS->zName);
    }else if( n==2 && strcmp(az[0], "typed")==0 ){
      agent_core_add_typed(p, az[1]);
    }else{
      rc = 1;
    }
  }
  free(zCopy);
  if( rc==0 && !bEnd ) rc = 1;       /* cut short */
  if( rc==0 && agent_journal_check(&p->journal, p->zLoadWhy, sizeof(p->zLoadWhy)) ) rc = 1;
  if( rc && p->zLoadWhy[0]==0 ){
    snprintf(p->zLoadWhy, sizeof(p->zLoadWhy), "line %d does not parse", iLine);
  }
  if( rc==0 ) p->bResumed = 1;
  return rc;
}

void agent_core_request(AgentCore *p, const char *zLine, AgentBuf *pReply){
  const char *z = zLine;
  size_t nVerb;
  while( *z==' ' || *z=='\t' ) z++;
  for(nVerb=0; z[nVerb] && z[nVerb]!=' ' && z[nVerb]!='\t'; nVerb++){}
  if( nVerb==0 ){
    agent_reply0(pReply, AGENT_REPLY_BAD, "empty request");
  }else if( nVerb==5 && memcmp(z, "hello", 5)==0 ){
    agent_core_hello(p, z+5, pReply);
  }else if( nVerb==5 && memcmp(z, "world", 5)==0 ){
    agent_core_world(p, z+5, pReply);
  }else if( nVerb==5 && memcmp(z, "start", 5)==0 && z[5]==0 ){
    agent_core_start(p, pReply);
  }else if( nVerb==4 && memcmp(z, "step", 4)==0 ){
    agent_core_step(p, z+4, pReply);
  }else if( nVerb==7 && memcmp(z, "suspend", 7)==0 && z[7]==0 ){
    agent_core_suspend(p, pReply);
  }else if( nVerb==4 && memcmp(z, "ping", 4)==0 && z[4]==0 ){
    agent_reply0(pReply, AGENT_REPLY_OK, "pong");
  }else if( nVerb==3 && memcmp(z, "bye", 3)==0 && z[3]==0 ){
    char zMsg[96];
    int n = p->journal.n;
    agent_core_finish(p);
    snprintf(zMsg, sizeof(zMsg), "bye undone=%d failed=%d", n, p->nUndoFailed);
    agent_reply0(pReply, p->nUndoFailed ? AGENT_REPLY_ERROR : AGENT_REPLY_OK, zMsg);
    p->eState = AGENT_CORE_DONE;
  }else{
    agent_reply0(pReply, AGENT_REPLY_BAD, "unknown request");
  }
}

void agent_core_framing(AgentCore *p, AgentLineStatus eStatus, AgentBuf *pReply){
  switch( eStatus ){
    case AGENT_LINE_TOO_LONG:
      agent_reply0(pReply, AGENT_REPLY_BAD, "request longer than the line limit");
      break;
    case AGENT_LINE_NUL:
      agent_reply0(pReply, AGENT_REPLY_BAD, "request holds a NUL byte");
      break;
    case AGENT_LINE_TRUNCATED:
      agent_reply0(pReply, AGENT_REPLY_BAD, "truncated request: input ended before its newline");
      agent_core_finish(p);
      p->eState = AGENT_CORE_DONE;
      break;
    default:
      agent_core_finish(p);
      p->eState = AGENT_CORE_DONE;
      break;
  }
}

/* ---------------------------------------------------------------- 5 ---- */

unsigned agent_step_reads(const ScnStep *pStep){
  switch( pStep->eKind ){
    case SCN_STEP_LOGON:   return AGENT_DEP_POLICY|AGENT_DEP_PROFILE|AGENT_DEP_VAULT;
    case SCN_STEP_LOGOFF:  return 0;
    case SCN_STEP_REBOOT:  return 0;
    case SCN_STEP_SET:     return 0;
    case SCN_STEP_BOOTDEVICE: return 0;
    case SCN_STEP_AS:      break;
  }
  switch( pStep->eCmd ){
    case SCN_CMD_NET_USE_LIST:
    case SCN_CMD_WNET_GET:
    case SCN_CMD_WNET_ENUM:
    case SCN_CMD_NET_USE_DELETE:
    case SCN_CMD_NET_USE_DELETE_ALL:
    case SCN_CMD_WNET_CANCEL:
      return AGENT_DEP_NET|AGENT_DEP_PROFILE;
    case SCN_CMD_NET_USE_ADD:
    case SCN_CMD_WNET_ADD:
      return AGENT_DEP_NET|AGENT_DEP_DOSDEV|AGENT_DEP_VAULT|AGENT_DEP_PROFILE;
    case SCN_CMD_NET_USE_PERSISTENT: return 0;
    case SCN_CMD_CMDKEY_ADD:
    case SCN_CMD_CMDKEY_DELETE:
    case SCN_CMD_CMDKEY_LIST:
      return AGENT_DEP_VAULT;
    case SCN_CMD_DEFINE:
    case SCN_CMD_UNDEFINE:
    case SCN_CMD_QUERY:
    case SCN_CMD_DRIVES:
      return AGENT_DEP_DOSDEV|AGENT_DEP_NET;
    case SCN_CMD_TOKEN: return 0;
    case SCN_CMD_PERSISTED: return AGENT_DEP_PROFILE;
    case SCN_CMD_DIR: return AGENT_DEP_DOSDEV|AGENT_DEP_NET|AGENT_DEP_VAULT;
    /* v2: the automatic letter depends on the view and HKCU\Network (C15);
    ** deviceless connections on the session's connections and credentials
    ** (C14); reg delete on the key as it is (R6) */
    case SCN_CMD_NET_USE_AUTO:
      return AGENT_DEP_NET|AGENT_DEP_DOSDEV|AGENT_DEP_VAULT|AGENT_DEP_PROFILE;
    case SCN_CMD_NET_USE_DEVICELESS:
    case SCN_CMD_WNET_ADD_DEVICELESS:
      return AGENT_DEP_NET|AGENT_DEP_VAULT;
    case SCN_CMD_NET_USE_DELETE_REMOTE:
    case SCN_CMD_WNET_CANCEL_REMOTE:
      return AGENT_DEP_NET;
    case SCN_CMD_REG_SET:        /* `ok` whatever the key held */
      return 0;
    case SCN_CMD_REG_DELETE:     /* error 2 when it is not there */
      return AGENT_DEP_PROFILE;
    default: return AGENT_DEP_ALL;
  }
}

unsigned agent_step_writes(const ScnStep *pStep){
  switch( pStep->eKind ){
    case SCN_STEP_LOGON:   return 0;   /* only the session itself */
    case SCN_STEP_LOGOFF:  return AGENT_DEP_NET|AGENT_DEP_DOSDEV;
    case SCN_STEP_REBOOT:  return AGENT_DEP_ALL;
    case SCN_STEP_SET:     return AGENT_DEP_POLICY;
    case SCN_STEP_BOOTDEVICE: return 0; /* takes effect only at a reboot */
    case SCN_STEP_AS:      break;
  }
  switch( pStep->eCmd ){
    case SCN_CMD_NET_USE_ADD:
    case SCN_CMD_WNET_ADD:
    case SCN_CMD_NET_USE_DELETE:
    case SCN_CMD_NET_USE_DELETE_ALL:
    case SCN_CMD_WNET_CANCEL:
      return AGENT_DEP_NET|AGENT_DEP_DOSDEV|AGENT_DEP_PROFILE;
    case SCN_CMD_NET_USE_PERSISTENT: return AGENT_DEP_PROFILE;
    case SCN_CMD_CMDKEY_ADD:
    case SCN_CMD_CMDKEY_DELETE:
      return AGENT_DEP_VAULT;
    case SCN_CMD_DEFINE:
    case SCN_CMD_UNDEFINE:
      return AGENT_DEP_DOSDEV;
    case SCN_CMD_NET_USE_AUTO:
      return AGENT_DEP_NET|AGENT_DEP_DOSDEV|AGENT_DEP_PROFILE;
    case SCN_CMD_NET_USE_DEVICELESS:
    case SCN_CMD_WNET_ADD_DEVICELESS:
    case SCN_CMD_NET_USE_DELETE_REMOTE:
    case SCN_CMD_WNET_CANCEL_REMOTE:
      return AGENT_DEP_NET;
    case SCN_CMD_REG_SET:
    case SCN_CMD_REG_DELETE:
      return AGENT_DEP_PROFILE;
    case SCN_CMD_TOOL:
      /* a tool maps, cancels, remembers, blanks UserName (T2) or writes
      ** the vault (T3, T5 -SaveCredentials): one the host cannot run leaves
      ** all of that unknown, so later reads of it are not performed */
      return AGENT_DEP_NET|AGENT_DEP_DOSDEV|AGENT_DEP_PROFILE|AGENT_DEP_VAULT;
    default: return 0;
  }
}

void agent_core_mark_unknown(AgentCore *p, unsigned mDomains, const char *zWhy){
  int i;
  char zPre[32];
  for(i=0; i<5; i++){
    if( (mDomains & (1u<<i)) && !(p->mTaint & (1u<<i)) ){
      snprintf(zPre, sizeof(zPre), "step %d: ", p->nStep+1);
      agent_copy_cut2(p->azTaintWhy[i], sizeof(p->azTaintWhy[i]), zPre, zWhy);
    }
  }
  p->mTaint |= mDomains & AGENT_DEP_ALL;
}

const char *agent_core_typed(const AgentCore *p, const char *zHost){
  int i;
  for(i=0; i<p->nTyped; i++){
    if( strcasecmp(p->azTyped[i], zHost)==0 ) return p->azTyped[i];
  }
  return zHost;
}

void agent_half_name(const char *zSession, ScnHalf eHalf, char *zBuf, size_t nBuf){
  switch( eHalf ){
    case SCN_HALF_LIMITED:  snprintf(zBuf, nBuf, "%s.limited", zSession); break;
    case SCN_HALF_ELEVATED: snprintf(zBuf, nBuf, "%s.elevated", zSession); break;
    case SCN_HALF_SYSTEM:   snprintf(zBuf, nBuf, "SYSTEM"); break;
    default:                snprintf(zBuf, nBuf, "%s", zSession); break;
  }
}
