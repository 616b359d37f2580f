/*
** tests/real/test_real_proto.c: the line protocol's framing (real/agent_proto.c),
** natively: requests split at any byte, CRLF, over-long lines, NUL bytes,
** truncated input, reply headers, and the secret check.
*/
#define _POSIX_C_SOURCE 200809L   /* strndup */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "real/agent_proto.h"

/* A byte source over a fixed string, handing out at most nChunk bytes. */
typedef struct MemSource MemSource;
struct MemSource {
  const char *z;           /* the bytes */
  size_t n;                /* how many */
  size_t i;                /* next to hand out */
  size_t nChunk;           /* most bytes per read */
};

static long mem_read(void *pCtx, char *aBuf, size_t nBuf){
  MemSource *p = pCtx;
  size_t n = p->n - p->i;
  if( n>nBuf ) n = nBuf;
  if( n>p->nChunk ) n = p->nChunk;
  memcpy(aBuf, p->z + p->i, n);
  p->i += n;
  return (long)n;
}

static void test_lines_any_chunking(void **state){
  static const char z[] = "hello 1\r\nworld user a admin password=x\n\nbye\n";
  size_t nChunk;
  (void)state;
  for(nChunk=1; nChunk<=sizeof(z); nChunk++){
    MemSource src = { z, sizeof(z)-1, 0, nChunk };
    AgentLineReader rd;
    assert_int_equal(agent_reader_init(&rd, 0, mem_read, &src), 0);
    assert_int_equal(agent_reader_next(&rd), AGENT_LINE_OK);
    assert_string_equal(rd.zLine, "hello 1");       /* CR dropped */
    assert_int_equal(agent_reader_next(&rd), AGENT_LINE_OK);
    assert_string_equal(rd.zLine, "world user a admin password=x");
    assert_int_equal(agent_reader_next(&rd), AGENT_LINE_OK);
    assert_string_equal(rd.zLine, "");
    assert_int_equal(agent_reader_next(&rd), AGENT_LINE_OK);
    assert_string_equal(rd.zLine, "bye");
    assert_int_equal(agent_reader_next(&rd), AGENT_LINE_EOF);
    agent_reader_free(&rd);
  }
}

static void test_overlong_line_is_skipped_whole(void **state){
  size_t n = 3*AGENT_PROTO_MAX_LINE;
  char *z = malloc(n + 16);
  MemSource src;
  AgentLineReader rd;
  (void)state;
  memset(z, 'x', n);
  memcpy(z+n, "\nping\n", 7);
  src.z = z; src.n = n+6; src.i = 0; src.nChunk = 1000;
  assert_int_equal(agent_reader_init(&rd, 0, mem_read, &src), 0);
  assert_int_equal(agent_reader_next(&rd), AGENT_LINE_TOO_LONG);
  assert_int_equal(agent_reader_next(&rd), AGENT_LINE_OK);   /* resynchronised */
  assert_string_equal(rd.zLine, "ping");
  agent_reader_free(&rd);
  free(z);
}

static void test_line_at_exact_limit(void **state){
  char z[40];
  MemSource src;
  AgentLineReader rd;
  (void)state;
  memset(z, 'a', 10); z[10] = '\n';
  memset(z+11, 'b', 11); z[22] = '\n';
  src.z = z; src.n = 23; src.i = 0; src.nChunk = 7;
  assert_int_equal(agent_reader_init(&rd, 10, mem_read, &src), 0);
  assert_int_equal(agent_reader_next(&rd), AGENT_LINE_OK);
  assert_int_equal(rd.nLine, 10);
  assert_int_equal(agent_reader_next(&rd), AGENT_LINE_TOO_LONG);
  assert_int_equal(agent_reader_next(&rd), AGENT_LINE_EOF);
  agent_reader_free(&rd);
}

static void test_nul_and_truncation(void **state){
  static const char z[] = "pi\0ng\nping\nstep as A tok";
  MemSource src = { z, sizeof(z)-1, 0, 3 };
  AgentLineReader rd;
  (void)state;
  assert_int_equal(agent_reader_init(&rd, 0, mem_read, &src), 0);
  assert_int_equal(agent_reader_next(&rd), AGENT_LINE_NUL);
  assert_int_equal(agent_reader_next(&rd), AGENT_LINE_OK);
  assert_string_equal(rd.zLine, "ping");
  assert_int_equal(agent_reader_next(&rd), AGENT_LINE_TRUNCATED);
  assert_string_equal(rd.zLine, "");     /* never half a request */
  assert_int_equal(agent_reader_next(&rd), AGENT_LINE_EOF);
  agent_reader_free(&rd);
}

static long fail_read(void *pCtx, char *aBuf, size_t nBuf){
  (void)pCtx; (void)aBuf; (void)nBuf;
  return -1;
}

static void test_io_error(void **state){
  AgentLineReader rd;
  (void)state;
  assert_int_equal(agent_reader_init(&rd, 0, fail_read, NULL), 0);
  assert_int_equal(agent_reader_next(&rd), AGENT_LINE_IO);
  agent_reader_free(&rd);
}

static void test_reply_roundtrip(void **state){
  AgentBuf b = {0};
  char *azBody[] = { "Z: \\\\fs1\\data local", "line\nwith newline" };
  AgentReplyKind e;
  int n;
  const char *zText;
  (void)state;
  agent_reply_format(&b, AGENT_REPLY_DONE, NULL, azBody, 2);
  assert_string_equal(b.z, "done 2\nZ: \\\\fs1\\data local\nline with newline\n");
  agent_buf_free(&b);
  agent_reply_format(&b, AGENT_REPLY_UNSUPPORTED, "Wine\r\nlacks it", NULL, 0);
  assert_string_equal(b.z, "unsupported 0 Wine  lacks it\n");
  b.z[strlen(b.z)-1] = 0;
  assert_int_equal(agent_reply_parse_header(b.z, &e, &n, &zText), 0);
  assert_int_equal(e, AGENT_REPLY_UNSUPPORTED);
  assert_int_equal(n, 0);
  assert_string_equal(zText, "Wine  lacks it");
  agent_buf_free(&b);
}

/* Every line of the reply at its index, for the limit checks below. */
static void check_reply_within_limits(const AgentBuf *b, AgentReplyKind *peKind,
                                      int *pnBody){
  const char *z = b->z, *zNl;
  char *zHead;
  const char *zText;
  int nLine = 0;
  zNl = strchr(z, '\n');
  assert_non_null(zNl);
  zHead = strndup(z, (size_t)(zNl - z));
  assert_int_equal(agent_reply_parse_header(zHead, peKind, pnBody, &zText), 0);
  free(zHead);
  for(; *z; z = zNl+1){
    zNl = strchr(z, '\n');
    assert_non_null(zNl);
    assert_true((size_t)(zNl - z)<=AGENT_PROTO_MAX_LINE);
    nLine++;
  }
  assert_int_equal(nLine, 1 + *pnBody);
}

/* The agent never writes a reply the runner must reject: too many body
** lines, or a body line or header over the line limit. */
static void test_reply_never_breaks_the_limits(void **state){
  int nMany = AGENT_PROTO_MAX_BODY + 104;
  char **az = calloc((size_t)nMany, sizeof(char*));
  char *zLong = malloc(AGENT_PROTO_MAX_LINE + 100);
  AgentBuf b = {0};
  AgentReplyKind e;
  int i, n;
  (void)state;
  assert_non_null(az);
  assert_non_null(zLong);
  for(i=0; i<nMany; i++) az[i] = "target=srv user=u";
  /* at the limit: a normal reply */
  agent_reply_format(&b, AGENT_REPLY_DONE, NULL, az, AGENT_PROTO_MAX_BODY);
  check_reply_within_limits(&b, &e, &n);
  assert_int_equal(e, AGENT_REPLY_DONE);
  assert_int_equal(n, AGENT_PROTO_MAX_BODY);
  agent_buf_free(&b);
  /* over it: an error that says why */
  agent_reply_format(&b, AGENT_REPLY_DONE, NULL, az, nMany);
  check_reply_within_limits(&b, &e, &n);
  assert_int_equal(e, AGENT_REPLY_ERROR);
  assert_int_equal(n, 0);
  assert_string_equal(b.z, "error 0 output has 4200 lines, over the protocol's limit of 4096\n");
  agent_buf_free(&b);
  /* a body line over the line limit */
  memset(zLong, 'x', AGENT_PROTO_MAX_LINE + 1);
  zLong[AGENT_PROTO_MAX_LINE + 1] = 0;
  az[1] = zLong;
  agent_reply_format(&b, AGENT_REPLY_DONE, NULL, az, 3);
  check_reply_within_limits(&b, &e, &n);
  assert_int_equal(e, AGENT_REPLY_ERROR);
  assert_non_null(strstr(b.z, "output line 2 has 8193 bytes"));
  agent_buf_free(&b);
  /* a header text over the line limit is cut */
  agent_reply_format(&b, AGENT_REPLY_UNSUPPORTED, zLong, NULL, 0);
  check_reply_within_limits(&b, &e, &n);
  assert_int_equal(e, AGENT_REPLY_UNSUPPORTED);
  agent_buf_free(&b);
  free(zLong);
  free(az);
}

static void test_reply_header_rejects_garbage(void **state){
  AgentReplyKind e;
  int n;
  const char *zText;
  (void)state;
  assert_int_equal(agent_reply_parse_header("done 3", &e, &n, &zText), 0);
  assert_int_equal(n, 3);
  assert_int_not_equal(agent_reply_parse_header("done", &e, &n, &zText), 0);
  assert_int_not_equal(agent_reply_parse_header("done x", &e, &n, &zText), 0);
  assert_int_not_equal(agent_reply_parse_header("done 3x", &e, &n, &zText), 0);
  assert_int_not_equal(agent_reply_parse_header("done 99999999", &e, &n, &zText), 0);
  assert_int_not_equal(agent_reply_parse_header("finished 0", &e, &n, &zText), 0);
  assert_int_not_equal(agent_reply_parse_header("", &e, &n, &zText), 0);
}

static void test_secret_lines(void **state){
  (void)state;
  assert_true(agent_line_has_secret("world user alice admin password=x"));
  assert_true(agent_line_has_secret("as A cmdkey /add:fs1 /user:u /pass:p"));
  assert_true(agent_line_has_secret("as A net use Z: \\\\fs1\\d /user:u pw"));
  assert_true(agent_line_has_secret("logon A alice interactive PASSWORD=x"));
  assert_false(agent_line_has_secret("as A define Q: C:\\data"));
  assert_false(agent_line_has_secret("as A net use"));
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_lines_any_chunking),
    cmocka_unit_test(test_overlong_line_is_skipped_whole),
    cmocka_unit_test(test_line_at_exact_limit),
    cmocka_unit_test(test_nul_and_truncation),
    cmocka_unit_test(test_io_error),
    cmocka_unit_test(test_reply_roundtrip),
    cmocka_unit_test(test_reply_never_breaks_the_limits),
    cmocka_unit_test(test_reply_header_rejects_garbage),
    cmocka_unit_test(test_secret_lines),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
