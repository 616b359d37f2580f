/*
** tests/fuzz/fuzz_agent_reply.c: libFuzzer target for the runner's reading
** of the agent's replies.
**
** The runner's reply loop, agent_exchange() in
** runner/backends/backend_agent.c, is static and bound to a child process
** and a watchdog, so this target repeats its parsing steps over the public
** API it uses (real/agent_proto.h): the input is what an agent writes to
** its standard output; agent_reader_next() frames it into lines,
** agent_reply_parse_header() reads each header, and COUNT body lines are
** gathered into an AgentBuf, until the input ends or a header or body is
** broken (where agent_exchange() declares the agent dead). Each reply read
** is then written again with agent_reply_format() (the agent's side) and
** the result must be one well-framed reply the parser accepts: formatting
** can never break the framing. Not covered: the process handling, the
** watchdog, agent_take_facts() (static; it only copies bounded lines).
** Seeds: tests/fuzz/corpus/agent_reply/.
*/
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "real/agent_proto.h"

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData);

/* ---- the input as a byte source ------------------------------------------ */

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

/* ---- write a reply again and check its framing ------------------------- */

static void fuzz_reformat(AgentReplyKind eKind, const char *zText,
                          const AgentBuf *pBody, int nBody){
  char **azBody = 0;
  AgentBuf out = {0};
  AgentReplyKind eKind2;
  int nBody2, nLf = 0, i;
  const char *zText2;
  char *zNl;
  if( nBody>0 ){
    char *z = pBody->z;
    azBody = malloc(sizeof(char*)*(size_t)nBody);
    if( azBody==0 ) return;
    for(i=0; i<nBody; i++){          /* split the body at its LFs, in place */
      azBody[i] = z;
      z = strchr(z, '\n');
      if( z ) *z++ = 0;
      else z = "";
    }
  }
  agent_reply_format(&out, eKind, zText, azBody, nBody);
  free(azBody);
  if( out.bOom ){ agent_buf_free(&out); return; }
  zNl = strchr(out.z, '\n');
  if( zNl==0 ) abort();
  *zNl = 0;
  if( agent_reply_parse_header(out.z, &eKind2, &nBody2, &zText2) ) abort();
  if( nBody2!=nBody && eKind2!=AGENT_REPLY_ERROR ) abort();
  *zNl = '\n';
  for(i=0; (size_t)i<out.n; i++) if( out.z[i]=='\n' ) nLf++;
  if( nLf!=nBody2+1 ) abort();
  agent_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData){
  FuzzInput in;
  AgentLineReader rd;
  in.a = aData;
  in.n = nData;
  in.i = 0;
  if( agent_reader_init(&rd, AGENT_PROTO_MAX_LINE, fuzz_read, &in) ) return 0;
  for(;;){
    AgentReplyKind eKind;
    int nBody, i;
    const char *zText;
    char *zTextCopy;
    AgentBuf body = {0};
    if( agent_reader_next(&rd)!=AGENT_LINE_OK ) break;
    if( agent_reply_parse_header(rd.zLine, &eKind, &nBody, &zText) ) break;
    if( nBody<0 || nBody>AGENT_PROTO_MAX_BODY ) abort();
    zTextCopy = strdup(zText);
    if( zTextCopy==0 ) break;
    agent_buf_append(&body, "", 0);
    for(i=0; i<nBody; i++){
      if( agent_reader_next(&rd)!=AGENT_LINE_OK ) break;
      if( i ) agent_buf_append(&body, "\n", 1);
      agent_buf_append(&body, rd.zLine, rd.nLine);
    }
    if( i==nBody && !body.bOom && body.z ) fuzz_reformat(eKind, zTextCopy, &body, nBody);
    free(zTextCopy);
    agent_buf_free(&body);
    if( i<nBody ) break;
  }
  agent_reader_free(&rd);
  return 0;
}
