/*
** tests/fuzz/fuzz_agent_core.c: libFuzzer target for the agent's side of
** the protocol (real/agent_core.c over real/agent_proto.c's line reader).
**
** The input is what a runner (or anything else) writes to the agent's
** standard input. It is framed by agent_reader_next() exactly as
** real/win/agent_main.c does, and each line or framing problem goes to
** agent_core_request() / agent_core_framing() of a core whose host
** performs nothing (as tests/real/test_real_core.c's fake host, without
** Win32 calls). Checked: no crash or sanitizer report, and every reply is
** one well-framed reply (a header agent_reply_parse_header() accepts and
** exactly its count of body lines). Seeds: tests/fuzz/corpus/agent_core/.
*/
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "real/agent_core.h"

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData);

/* ---- the input as a byte source, in chunks of at most 4096 bytes ------- */

typedef struct FuzzInput FuzzInput;
struct FuzzInput {
  const uint8_t *a;        /* the bytes */
  size_t n;                /* how many */
  size_t i;                /* next unread */
};

static long fuzz_read(void *pCtx, char *aBuf, size_t nBuf){
  FuzzInput *p = pCtx;
  size_t n = p->n - p->i;
  if( n>nBuf ) n = nBuf;
  memcpy(aBuf, p->a + p->i, n);
  p->i += n;
  return (long)n;
}

/* ---- a host that performs nothing --------------------------------------- */

typedef struct FuzzHost FuzzHost;
struct FuzzHost {
  int nStep;               /* steps the core passed to the host */
};

static void fuzz_facts(void *pHost, AgentCore *pCore, AgentOut *pOut){
  (void)pHost; (void)pCore;
  agent_out_line(pOut, "os Fuzz 1.0");
}

static AgentOutcome fuzz_start(void *pHost, AgentCore *pCore, AgentOut *pOut){
  (void)pHost; (void)pCore; (void)pOut;
  return AGENT_DONE;
}

/* Answer `ok` without doing anything, except that logons and logoffs are
** recorded (so the core's session bookkeeping runs) and every third step
** is unsupported (so its honesty bookkeeping runs). */
static AgentOutcome fuzz_step(void *pHost, AgentCore *pCore, const ScnStep *pStep,
                              AgentOut *pOut){
  FuzzHost *h = pHost;
  h->nStep++;
  if( h->nStep%3==0 ) return agent_out_why(pOut, AGENT_UNSUPPORTED, "fuzz host");
  if( pStep->eKind==SCN_STEP_LOGON ){
    agent_core_session_made(pCore, pStep->zSession, h->nStep);
  }else if( pStep->eKind==SCN_STEP_LOGOFF ){
    agent_core_session_ended(pCore, pStep->zSession, h->nStep%2);
  }
  agent_out_line(pOut, "ok");
  return AGENT_DONE;
}

static int fuzz_finish(void *pHost, AgentCore *pCore){
  (void)pHost; (void)pCore;
  return 0;
}

static const AgentHostOps fuzzOps = { fuzz_facts, fuzz_start, fuzz_step, fuzz_finish };

/* ---- the check: one well-framed reply ------------------------------------ */

static void fuzz_check_reply(const AgentBuf *pReply){
  AgentReplyKind eKind;
  int nBody, nLf = 0;
  const char *zText;
  const char *zEnd;
  size_t i;
  char *zHead;
  if( pReply->bOom ) return;
  if( pReply->n==0 || pReply->z[pReply->n-1]!='\n' ) abort();
  zEnd = memchr(pReply->z, '\n', pReply->n);
  zHead = malloc((size_t)(zEnd - pReply->z) + 1);
  if( zHead==0 ) return;
  memcpy(zHead, pReply->z, (size_t)(zEnd - pReply->z));
  zHead[zEnd - pReply->z] = 0;
  if( agent_reply_parse_header(zHead, &eKind, &nBody, &zText) ) abort();
  free(zHead);
  for(i=0; i<pReply->n; i++){
    if( pReply->z[i]=='\n' ) nLf++;
    if( pReply->z[i]==0 ) abort();
  }
  if( nLf!=nBody+1 ) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData){
  FuzzInput in;
  FuzzHost host;
  AgentCore core;
  AgentLineReader rd;
  in.a = aData;
  in.n = nData;
  in.i = 0;
  memset(&host, 0, sizeof(host));
  if( agent_core_init(&core, &fuzzOps, &host, 1) ) return 0;
  if( agent_reader_init(&rd, AGENT_PROTO_MAX_LINE, fuzz_read, &in) ){
    agent_core_free(&core);
    return 0;
  }
  while( core.eState!=AGENT_CORE_DONE ){
    AgentBuf reply = {0};
    AgentLineStatus st = agent_reader_next(&rd);
    if( st==AGENT_LINE_OK ){
      agent_core_request(&core, rd.zLine, &reply);
      fuzz_check_reply(&reply);
    }else{
      agent_core_framing(&core, st, &reply);
      if( reply.n ) fuzz_check_reply(&reply);
    }
    agent_buf_free(&reply);
  }
  agent_reader_free(&rd);
  agent_core_free(&core);
  return 0;
}
