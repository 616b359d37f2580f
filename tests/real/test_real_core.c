/*
** tests/real/test_real_core.c: the agent's protocol state machine and
** honesty bookkeeping (real/agent_core.c) over a fake host: handshake and
** versions, ordering errors, malformed and unknown requests, passwords
** never echoed, unsupported logons making later uses unsupported, steps
** that need what an unsupported step would have changed, confirmed ended
** logons (L10: error 1312), tool steps the host lacks (T8), and the undo
** running exactly once.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "real/agent_core.h"
#include "real/agent_state.h"

typedef struct FakeHost FakeHost;
struct FakeHost {
  int nStep;               /* steps the host was asked to perform */
  int nFinish;             /* xFinish calls */
  int bRefuseWorld;        /* xStart says unsupported */
  int nListLines;          /* cmdkey /list prints this many credentials */
  int nTool;               /* tool steps the host was asked to run */
  const char *zToolWhy;    /* non-NULL: the host lacks the tool (T8) */
};

static void fake_facts(void *pHost, AgentCore *c, AgentOut *pOut){
  (void)pHost; (void)c;
  agent_out_line(pOut, "os Fake 1.0");
}

static AgentOutcome fake_start(void *pHost, AgentCore *c, AgentOut *pOut){
  FakeHost *h = pHost;
  (void)c;
  if( h->bRefuseWorld ) return agent_out_why(pOut, AGENT_UNSUPPORTED, "host policy differs");
  return AGENT_DONE;
}

static AgentOutcome fake_step(void *pHost, AgentCore *c, const ScnStep *s, AgentOut *pOut){
  FakeHost *h = pHost;
  h->nStep++;
  switch( s->eKind ){
    case SCN_STEP_LOGON:
      if( s->eLogonType==SCN_LOGON_CURRENT ){
        agent_core_session_made(c, s->zSession, 0);
        agent_out_line(pOut, "ok");
        return AGENT_DONE;
      }
      if( s->eLogonType==SCN_LOGON_BATCH ){   /* the host's answer: wrong password */
        agent_out_error(pOut, 1326);
        return AGENT_DONE;
      }
      return agent_out_why(pOut, AGENT_UNSUPPORTED, "LogonUserW is a stub");
    case SCN_STEP_LOGOFF:
      agent_core_session_ended(c, s->zSession, 1);
      agent_out_line(pOut, "ok");
      return AGENT_DONE;
    case SCN_STEP_AS:
      if( s->eCmd==SCN_CMD_NET_USE_ADD || s->eCmd==SCN_CMD_NET_USE_DEVICELESS ){
        return agent_out_why(pOut, AGENT_UNSUPPORTED, "no network provider");
      }
      if( s->eCmd==SCN_CMD_TOOL ){
        /* As real/win/agent_tools.c: the real tool where the host has it,
        ** else unsupported with the reason (T8). */
        h->nTool++;
        if( h->zToolWhy ) return agent_out_why(pOut, AGENT_UNSUPPORTED, "%s", h->zToolWhy);
        agent_out_line(pOut, "ok");
        return AGENT_DONE;
      }
      if( s->eCmd==SCN_CMD_QUERY ){
        agent_out_line(pOut, "\\??\\C:\\data");
        return AGENT_DONE;
      }
      if( s->eCmd==SCN_CMD_CMDKEY_LIST ){
        int i;
        for(i=0; i<h->nListLines; i++){
          agent_out_line(pOut, "target=srv%d type=domain user=u persist=local", i);
        }
        agent_out_sort_or_none(pOut);
        return AGENT_DONE;
      }
      agent_out_line(pOut, "ok");
      return AGENT_DONE;
    default:
      return agent_out_why(pOut, AGENT_UNSUPPORTED, "not here");
  }
}

static int fake_finish(void *pHost, AgentCore *c){
  FakeHost *h = pHost;
  (void)c;
  h->nFinish++;
  return 0;
}

/* Undo callback for agent_core_recover: counts nothing, undoes nothing. */
static int fake_undo_count(void *pCtx, const AgentUndo *pEntry){
  (void)pCtx; (void)pEntry;
  return 0;
}

static const AgentHostOps fakeOps = { fake_facts, fake_start, fake_step, fake_finish };

/* Send zLine, return the reply (static buffer). */
static const char *req(AgentCore *c, const char *zLine){
  static char zOut[4096];
  AgentBuf b = {0};
  agent_core_request(c, zLine, &b);
  snprintf(zOut, sizeof(zOut), "%s", b.z ? b.z : "");
  agent_buf_free(&b);
  return zOut;
}

static void begin(AgentCore *c, FakeHost *h){
  memset(h, 0, sizeof(*h));
  agent_core_init(c, &fakeOps, h, 1);
  assert_int_equal(strncmp(req(c, "hello 1"), "ok ", 3), 0);
  assert_string_equal(req(c, "world user alice admin password=Al1ce-pw"), "ok 0\n");
  assert_string_equal(req(c, "world share \\\\fs1\\data"), "ok 0\n");
}

static void test_handshake_and_facts(void **state){
  AgentCore c;
  FakeHost h;
  const char *z;
  (void)state;
  memset(&h, 0, sizeof(h));
  agent_core_init(&c, &fakeOps, &h, 0);
  assert_int_equal(strncmp(req(&c, "step as A token"), "bad 0 ", 6), 0);
  assert_int_equal(strncmp(req(&c, "world machine uac=on"), "bad 0 ", 6), 0);
  assert_int_equal(strncmp(req(&c, "hello 2 3"), "bad 0 no common protocol version", 32), 0);
  assert_int_equal(strncmp(req(&c, "hello x"), "bad 0 ", 6), 0);
  z = req(&c, "hello 2 1");
  assert_int_equal(strncmp(z, "ok 3 mapscope-agent 1\nprotocol 1\nos Fake 1.0\nhost-changes refused\n", 66), 0);
  assert_int_equal(strncmp(req(&c, "hello 1"), "bad 0 ", 6), 0);     /* only once */
  assert_string_equal(req(&c, "ping"), "ok 0 pong\n");
  agent_core_free(&c);
  assert_int_equal(h.nFinish, 1);
}

static void test_garbage_and_unknown_requests(void **state){
  AgentCore c;
  FakeHost h;
  (void)state;
  begin(&c, &h);
  assert_string_equal(req(&c, ""), "bad 0 empty request\n");
  assert_string_equal(req(&c, "   "), "bad 0 empty request\n");
  assert_string_equal(req(&c, "frobnicate 1 2"), "bad 0 unknown request\n");
  assert_string_equal(req(&c, "\x01\x02\xff"), "bad 0 unknown request\n");
  assert_int_equal(strncmp(req(&c, "world reboot"), "bad 0 a world line", 18), 0);
  assert_int_equal(strncmp(req(&c, "step as A token"), "bad 0 start first", 17), 0);
  assert_string_equal(req(&c, "start"), "ok 0\n");
  assert_int_equal(strncmp(req(&c, "start"), "bad 0 ", 6), 0);
  assert_int_equal(strncmp(req(&c, "world user b admin password=x"), "bad 0 ", 6), 0);
  assert_int_equal(strncmp(req(&c, "step as A frobnicate"), "bad 0 the step does not parse", 29), 0);
  assert_int_equal(h.nStep, 0);
  agent_core_free(&c);
}

static void test_passwords_never_echoed(void **state){
  AgentCore c;
  FakeHost h;
  const char *z;
  (void)state;
  begin(&c, &h);
  assert_string_equal(req(&c, "start"), "ok 0\n");
  z = req(&c, "step logon A alice current password=S3cret-pw bogus");
  assert_int_equal(strncmp(z, "bad 0 ", 6), 0);
  assert_null(strstr(z, "S3cret"));
  z = req(&c, "step as A cmdkey /add:fs1 /user:u /pass:S3cret-pw extra");
  assert_null(strstr(z, "S3cret"));
  agent_core_free(&c);
  /* a world that does not parse does not quote its password either */
  memset(&h, 0, sizeof(h));
  agent_core_init(&c, &fakeOps, &h, 1);
  req(&c, "hello 1");
  req(&c, "world user alice wizard password=S3cret-pw");
  z = req(&c, "start");
  assert_int_equal(strncmp(z, "bad 0 ", 6), 0);
  assert_null(strstr(z, "S3cret"));
  agent_core_free(&c);
}

static void test_honesty_unsupported_logon_spreads(void **state){
  AgentCore c;
  FakeHost h;
  (void)state;
  begin(&c, &h);
  req(&c, "start");
  assert_int_equal(strncmp(req(&c, "step logon B alice interactive"),
                           "unsupported 0 LogonUserW is a stub", 34), 0);
  /* every use of B is unsupported, never run on the host */
  assert_int_equal(strncmp(req(&c, "step as B token"), "unsupported 0 ", 14), 0);
  assert_int_equal(strncmp(req(&c, "step as B.limited drives"), "unsupported 0 ", 14), 0);
  assert_int_equal(strncmp(req(&c, "step logoff B"), "unsupported 0 ", 14), 0);
  assert_int_equal(h.nStep, 1);
  /* a logon the host refused with a real error is not live either */
  assert_string_equal(req(&c, "step logon C alice batch"), "done 1\nerror 1326 ERROR_LOGON_FAILURE\n");
  assert_int_equal(strncmp(req(&c, "step as C token"), "unsupported 0 ", 14), 0);
  agent_core_free(&c);
}

static void test_needs_what_an_unsupported_step_would_have_made(void **state){
  AgentCore c;
  FakeHost h;
  const char *z;
  (void)state;
  begin(&c, &h);
  req(&c, "start");
  assert_string_equal(req(&c, "step logon A alice current"), "done 1\nok\n");
  assert_string_equal(req(&c, "step as A query Q:"), "done 1\n\\??\\C:\\data\n");
  assert_string_equal(req(&c, "step as A cmdkey /list"), "done 1\n(none)\n");
  z = req(&c, "step as A net use Z: \\\\fs1\\data");
  assert_int_equal(strncmp(z, "unsupported 0 no network provider", 33), 0);
  /* DOS devices and connections are now unknown: observing them is unsupported */
  z = req(&c, "step as A query Q:");
  assert_int_equal(strncmp(z, "unsupported 0 needs DOS devices", 31), 0);
  assert_int_equal(strncmp(req(&c, "step as A drives"), "unsupported 0 ", 14), 0);
  assert_int_equal(strncmp(req(&c, "step as A persisted"), "unsupported 0 ", 14), 0);
  /* the vault and the token were not touched */
  assert_string_equal(req(&c, "step as A cmdkey /list"), "done 1\n(none)\n");
  assert_string_equal(req(&c, "step as A token"), "done 1\nok\n");
  agent_core_free(&c);
}

static void test_L10_confirmed_end_prints_1312(void **state){
  AgentCore c;
  FakeHost h;
  int nBefore;
  (void)state;
  begin(&c, &h);
  req(&c, "start");
  req(&c, "step logon A alice current");
  assert_string_equal(req(&c, "step logoff A"), "done 1\nok\n");
  nBefore = h.nStep;
  assert_string_equal(req(&c, "step as A token"),
                      "done 1\nerror 1312 ERROR_NO_SUCH_LOGON_SESSION\n");
  assert_int_equal(h.nStep, nBefore);
  /* reboot is unsupported here: everything after it is too */
  assert_int_equal(strncmp(req(&c, "step reboot"), "unsupported 0 ", 14), 0);
  assert_int_equal(strncmp(req(&c, "step as SYSTEM drives"), "unsupported 0 ", 14), 0);
  agent_core_free(&c);
}

static void test_world_mismatch_makes_every_step_unsupported(void **state){
  AgentCore c;
  FakeHost h;
  (void)state;
  begin(&c, &h);
  h.bRefuseWorld = 1;
  assert_string_equal(req(&c, "start"), "unsupported 0 host policy differs\n");
  assert_string_equal(req(&c, "step logon A alice current"), "unsupported 0 host policy differs\n");
  assert_int_equal(h.nStep, 0);
  agent_core_free(&c);
}

static void test_bye_and_truncation_undo_once(void **state){
  AgentCore c;
  FakeHost h;
  AgentBuf b = {0};
  (void)state;
  begin(&c, &h);
  req(&c, "start");
  assert_string_equal(req(&c, "bye"), "ok 0 bye undone=0 failed=0\n");
  assert_int_equal(c.eState, AGENT_CORE_DONE);
  assert_int_equal(h.nFinish, 1);
  agent_core_free(&c);
  assert_int_equal(h.nFinish, 1);
  /* input cut in the middle of a request: a bad reply, then undo and exit */
  begin(&c, &h);
  agent_core_framing(&c, AGENT_LINE_TRUNCATED, &b);
  assert_int_equal(strncmp(b.z, "bad 0 truncated request", 23), 0);
  assert_int_equal(c.eState, AGENT_CORE_DONE);
  assert_int_equal(h.nFinish, 1);
  agent_buf_free(&b);
  agent_core_framing(&c, AGENT_LINE_TOO_LONG, &b);   /* (would not be read) */
  agent_buf_free(&b);
  agent_core_free(&c);
  assert_int_equal(h.nFinish, 1);
  /* a too-long line is answered and the session goes on */
  begin(&c, &h);
  agent_core_framing(&c, AGENT_LINE_TOO_LONG, &b);
  assert_string_equal(b.z, "bad 0 request longer than the line limit\n");
  assert_int_not_equal(c.eState, AGENT_CORE_DONE);
  agent_buf_free(&b);
  agent_core_free(&c);
}

static void test_L9_suspend_resume_keeps_what_outlives_a_reboot(void **state){
  AgentCore c, c2;
  FakeHost h, h2;
  char *zText;
  (void)state;
  begin(&c, &h);
  req(&c, "start");
  req(&c, "step logon A alice current");
  agent_journal_add(&c.journal, AGENT_UNDO_REGVALUE, "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System", "EnableLUA", "4:01000000");
  agent_journal_add(&c.journal, AGENT_UNDO_DOSDEV, "A", "Q:", NULL);
  agent_journal_add(&c.journal, AGENT_UNDO_CRED, "fs1", "domain", NULL);
  req(&c, "step logon B alice interactive");        /* unsupported */
  req(&c, "step as B cmdkey /add:fs2 /user:u /pass:p");  /* taints the vault */
  zText = agent_core_suspend_text(&c);
  assert_non_null(zText);
  /* DOS devices are kept too (A13): undoing a name that went with the
  ** reboot finds nothing, and one the agent's own session kept is undone */
  assert_non_null(strstr(zText, "\t5\tA\tQ:"));
  memset(&h2, 0, sizeof(h2));
  agent_core_init(&c2, &fakeOps, &h2, 1);
  assert_int_equal(agent_core_resume_text(&c2, zText), 0);
  assert_int_equal(c2.journal.n, 3);
  assert_int_equal(c2.journal.a[0].eKind, AGENT_UNDO_REGVALUE);
  assert_string_equal(c2.journal.a[0].zOld, "4:01000000");
  assert_true(c2.mTaint & AGENT_DEP_VAULT);
  assert_false(c2.mTaint & AGENT_DEP_DOSDEV);
  assert_int_equal(agent_core_session(&c2, "A")->eState, AGENT_SESSION_UNKNOWN);
  assert_int_equal(c2.nStep, c.nStep);
  assert_int_not_equal(agent_core_resume_text(&c2, "not a state\n"), 0);
  free(zText);
  c.bFinished = 1;
  agent_core_free(&c);
  agent_core_free(&c2);
  assert_int_equal(h2.nFinish, 1);    /* the resumed agent undoes at the end */
}

/* L9, issue 9 finding 4: the runner is killed after a reboot, between
** the resumed agent's `hello` and its `start`. That agent ends at end of
** input without having loaded the journal, so the state file is still the
** suspended agent's journal: it must stay for the next agent to undo
** (it was removed, and every change of the scenario stayed on the host). */
static void test_L9_resumed_agent_ended_before_start_keeps_the_journal(void **state){
  static const char zPath[] = "test_real_core_resume.state";
  AgentCore c, c2, c3;
  FakeHost h, h2;
  char *zText;
  char zWhy[400];
  FILE *f;
  (void)state;
  remove(zPath);
  begin(&c, &h);
  req(&c, "start");
  agent_journal_add(&c.journal, AGENT_UNDO_REGVALUE, "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\DOS Devices", "Y:", NULL);
  zText = agent_core_suspend_text(&c);
  assert_non_null(zText);
  assert_int_equal(agent_state_write(zPath, zText, zWhy, sizeof(zWhy)), 0);
  free(zText);
  c.bFinished = 1;                     /* suspended */
  agent_core_free(&c);
  /* the resumed agent: hello and world, then its input ends */
  memset(&h2, 0, sizeof(h2));
  agent_core_init(&c2, &fakeOps, &h2, 1);
  c2.zStatePath = zPath;
  c2.bResume = 1;
  assert_int_equal(strncmp(req(&c2, "hello 1"), "ok ", 3), 0);
  assert_string_equal(req(&c2, "world user alice admin password=Al1ce-pw"), "ok 0\n");
  agent_core_free(&c2);
  f = fopen(zPath, "r");
  assert_non_null(f);                  /* the journal is still there */
  fclose(f);
  /* and the next agent recovers (undoes) its entry */
  agent_core_init(&c3, &fakeOps, &h2, 1);
  c3.zStatePath = zPath;
  assert_int_equal(agent_core_recover(&c3, fake_undo_count, NULL), 0);
  assert_int_equal(c3.nRecovered, 1);
  c3.bFinished = 1;
  agent_core_free(&c3);
  remove(zPath);
}

/* A listing longer than the protocol allows is an `error` reply, not a
** reply the runner must reject; the session goes on. */
static void test_oversized_output_is_an_error_and_the_session_goes_on(void **state){
  AgentCore c;
  FakeHost h;
  (void)state;
  begin(&c, &h);
  req(&c, "start");
  req(&c, "step logon A alice current");
  h.nListLines = AGENT_PROTO_MAX_BODY;
  assert_int_equal(strncmp(req(&c, "step as A cmdkey /list"), "done 4096\n", 10), 0);
  h.nListLines = 8400;
  assert_string_equal(req(&c, "step as A cmdkey /list"),
                      "error 0 output has 8400 lines, over the protocol's limit of 4096\n");
  assert_string_equal(req(&c, "ping"), "ok 0 pong\n");
  h.nListLines = 1;
  assert_string_equal(req(&c, "step as A cmdkey /list"),
                      "done 1\ntarget=srv0 type=domain user=u persist=local\n");
  assert_int_equal(strncmp(req(&c, "bye"), "ok 0 bye", 8), 0);
  agent_core_free(&c);
  assert_int_equal(h.nFinish, 1);
}

/* Random requests, valid-looking and not: every one gets exactly one
** well-formed reply, and the core never crashes (run under ASan). */
static void test_fuzzed_requests_get_one_reply_each(void **state){
  static const char *const azVerb[] = {
    "hello 1", "world ", "start", "step ", "step as A ", "step logon ", "ping",
    "step as A define ", "step as A.limited ", "step as SYSTEM ", "", "bye "
  };
  static const char azChar[] = "ABQZ:\\/ .{}=\"#abcdeflmnoprstuwxyz01*-";
  AgentCore c;
  FakeHost h;
  unsigned x = 12345;
  int i;
  (void)state;
  memset(&h, 0, sizeof(h));
  agent_core_init(&c, &fakeOps, &h, 1);
  for(i=0; i<20000; i++){
    char zLine[200];
    AgentBuf b = {0};
    AgentReplyKind e;
    int nBody, nLines = 0, k, n;
    const char *zText;
    char *z;
    x = x*1103515245u + 12345u;
    n = snprintf(zLine, sizeof(zLine), "%s", azVerb[(x>>16) % 12]);
    for(k = (int)((x>>8) % 40); k>0 && n<(int)sizeof(zLine)-1; k--){
      x = x*1103515245u + 12345u;
      zLine[n++] = (x>>24)%7==0 ? (char)(1 + (x>>16)%254) : azChar[(x>>16) % (sizeof(azChar)-1)];
    }
    zLine[n] = 0;
    if( strncmp(zLine, "bye", 3)==0 ) continue;   /* keep the session going */
    agent_core_request(&c, zLine, &b);
    assert_non_null(b.z);
    for(z=b.z; *z; z++) if( *z=='\n' ) nLines++;
    z = strchr(b.z, '\n');
    *z = 0;
    assert_int_equal(agent_reply_parse_header(b.z, &e, &nBody, &zText), 0);
    assert_int_equal(nLines, nBody + 1);
    agent_buf_free(&b);
  }
  agent_core_free(&c);
  assert_int_equal(h.nFinish, 1);
}

/* SEMANTICS T8: on a real host a tool step runs the real tool where the
** host has it and is `unsupported` where it does not. The decision per
** tool is the host's (real/win/agent_tools.c, Windows only); what the
** portable core must do is hand every tool step to the host, never answer
** one itself with a stand-in, carry the host's reason to the runner
** verbatim, and not run a tool for a half whose logon was not made or on
** state an earlier unsupported step left unknown. */
static void test_T8_tool_the_host_lacks_is_unsupported_with_a_reason(void **state){
  AgentCore c;
  FakeHost h;
  const char *z;
  ScnStep st;
  char zErr[128];
  static const char zWhy[] = "Wine's NetUseAdd and NetUseDel are stubs that return"
                             " success and connect nothing (dlls/netapi32/netapi32.c)";
  (void)state;
  begin(&c, &h);
  req(&c, "start");
  assert_string_equal(req(&c, "step logon A alice current"), "done 1\nok\n");

  /* the host has the tool: it runs, and its output is the step's */
  assert_string_equal(req(&c, "step as A tool netapi.NetUseAdd local=Y: remote=\\\\fs1\\data"),
                      "done 1\nok\n");
  assert_int_equal(h.nTool, 1);

  /* the host lacks it: unsupported, with the host's reason, nothing else */
  h.zToolWhy = zWhy;
  z = req(&c, "step as A tool netapi.NetUseDel local=Y:");
  assert_int_equal(strncmp(z, "unsupported 0 ", 14), 0);
  assert_non_null(strstr(z, zWhy));
  assert_null(strstr(z, "\nok"));
  assert_int_equal(h.nTool, 2);
  /* what the tool would have changed is unknown now (agent_step_writes):
  ** the next tool, which reads all of it, is not even tried */
  z = req(&c, "step as A tool gpp.drive-map action=create letter=P: path=\\\\fs1\\data");
  assert_int_equal(strncmp(z, "unsupported 0 needs ", 20), 0);
  assert_int_equal(h.nTool, 2);

  /* a tool for a half whose logon was not made never reaches the host */
  h.zToolWhy = NULL;
  assert_int_equal(strncmp(req(&c, "step logon B alice interactive"), "unsupported 0 ", 14), 0);
  z = req(&c, "step as B tool netapi.NetUseAdd local=Y: remote=\\\\fs1\\data");
  assert_int_equal(strncmp(z, "unsupported 0 ", 14), 0);
  assert_int_equal(h.nTool, 2);

  /* a tool reads whatever it acts on: after an unsupported net use its
  ** outcome is unknown, so it is not run */
  assert_int_equal(scn_parse_step_line("as A tool ps.New-PSDrive name=Z root=\\\\fs1\\data persist",
                                       &st, zErr, sizeof(zErr)), 0);
  assert_int_equal(st.eCmd, SCN_CMD_TOOL);
  assert_int_equal(agent_step_reads(&st), AGENT_DEP_ALL);
  scn_step_clear(&st);
  /* (connections are already unknown since the unsupported NetUseDel) */
  z = req(&c, "step as A net use Z: \\\\fs1\\data");
  assert_int_equal(strncmp(z, "unsupported 0 ", 14), 0);
  z = req(&c, "step as A tool netapi.NetUseAdd local=Y: remote=\\\\fs1\\data");
  assert_int_equal(strncmp(z, "unsupported 0 needs ", 20), 0);
  assert_int_equal(h.nTool, 2);
  agent_core_free(&c);
}

static void test_dependency_table(void **state){
  ScnStep s;
  char zErr[128];
  (void)state;
  assert_int_equal(scn_parse_step_line("as A define Q: C:\\x", &s, zErr, sizeof(zErr)), 0);
  assert_int_equal(agent_step_writes(&s), AGENT_DEP_DOSDEV);
  assert_true(agent_step_reads(&s) & AGENT_DEP_DOSDEV);
  scn_step_clear(&s);
  assert_int_equal(scn_parse_step_line("as A token", &s, zErr, sizeof(zErr)), 0);
  assert_int_equal(agent_step_reads(&s), 0);
  assert_int_equal(agent_step_writes(&s), 0);
  scn_step_clear(&s);
  assert_int_equal(scn_parse_step_line("reboot", &s, zErr, sizeof(zErr)), 0);
  assert_int_equal(agent_step_writes(&s), AGENT_DEP_ALL);
  scn_step_clear(&s);
}

/* Issue 10 item 3: what the v2 steps read and write. A deviceless
** connection is never remembered (C14), so one the host could not make
** leaves HKCU\Network known; `net use *` may remember its letter (C15), so
** an unsupported one does not; `reg set` prints `ok` whatever the key held
** (R6), so it still runs, while `reg delete` (error 2 when absent) does not. */
static void test_v2_dependency_domains(void **state){
  AgentCore c;
  FakeHost h;
  ScnStep st;
  char zErr[128];
  const char *z;
  (void)state;
  assert_int_equal(scn_parse_step_line("as A net use \\\\fs1\\data", &st, zErr, sizeof(zErr)), 0);
  assert_int_equal(agent_step_writes(&st), AGENT_DEP_NET);
  scn_step_clear(&st);
  assert_int_equal(scn_parse_step_line("as A net use * \\\\fs1\\data", &st, zErr, sizeof(zErr)), 0);
  assert_true(agent_step_writes(&st) & AGENT_DEP_PROFILE);
  assert_true(agent_step_reads(&st) & AGENT_DEP_PROFILE);
  scn_step_clear(&st);
  /* T1, T8: a tool step may change connections, links, HKCU\Network and
  ** the vault, so one the host cannot run makes later reads of them moot */
  assert_int_equal(scn_parse_step_line("as A tool netapi.NetUseAdd local=Q: remote=\\\\fs1\\data", &st, zErr, sizeof(zErr)), 0);
  assert_int_equal(agent_step_writes(&st), AGENT_DEP_NET|AGENT_DEP_DOSDEV|AGENT_DEP_PROFILE|AGENT_DEP_VAULT);
  scn_step_clear(&st);
  assert_int_equal(scn_parse_step_line("as A reg set HKCU\\Network\\Q UserName x", &st, zErr, sizeof(zErr)), 0);
  assert_int_equal(agent_step_reads(&st), 0);
  assert_int_equal(agent_step_writes(&st), AGENT_DEP_PROFILE);
  scn_step_clear(&st);
  begin(&c, &h);
  req(&c, "start");
  assert_string_equal(req(&c, "step logon A alice current"), "done 1\nok\n");
  z = req(&c, "step as A net use \\\\fs1\\data");
  assert_int_equal(strncmp(z, "unsupported 0 no network provider", 33), 0);
  assert_string_equal(req(&c, "step as A persisted"), "done 1\nok\n");
  assert_string_equal(req(&c, "step as A reg delete HKCU\\Network\\Q"), "done 1\nok\n");
  /* connections are unknown now, so net use * is not even tried ... */
  z = req(&c, "step as A net use * \\\\fs1\\data");
  assert_int_equal(strncmp(z, "unsupported 0 needs network connections", 39), 0);
  /* ... and what it might have remembered is unknown too */
  z = req(&c, "step as A persisted");
  assert_int_equal(strncmp(z, "unsupported 0 needs remembered connections", 42), 0);
  assert_int_equal(strncmp(req(&c, "step as A reg delete HKCU\\Network\\Q"), "unsupported 0 ", 14), 0);
  assert_string_equal(req(&c, "step as A reg set HKCU\\Network\\Q UserName x"), "done 1\nok\n");
  agent_core_free(&c);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_handshake_and_facts),
    cmocka_unit_test(test_garbage_and_unknown_requests),
    cmocka_unit_test(test_passwords_never_echoed),
    cmocka_unit_test(test_honesty_unsupported_logon_spreads),
    cmocka_unit_test(test_needs_what_an_unsupported_step_would_have_made),
    cmocka_unit_test(test_L10_confirmed_end_prints_1312),
    cmocka_unit_test(test_world_mismatch_makes_every_step_unsupported),
    cmocka_unit_test(test_bye_and_truncation_undo_once),
    cmocka_unit_test(test_L9_suspend_resume_keeps_what_outlives_a_reboot),
    cmocka_unit_test(test_L9_resumed_agent_ended_before_start_keeps_the_journal),
    cmocka_unit_test(test_oversized_output_is_an_error_and_the_session_goes_on),
    cmocka_unit_test(test_fuzzed_requests_get_one_reply_each),
    cmocka_unit_test(test_T8_tool_the_host_lacks_is_unsupported_with_a_reason),
    cmocka_unit_test(test_dependency_table),
    cmocka_unit_test(test_v2_dependency_domains),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
