/*
** tests/real/test_real_state.c: the agent's state file (real/agent_state.c
** and the recovery in real/agent_core.c), natively in a temporary folder:
** a file that is not a journal is refused and left as it was, a journal
** cut short at any byte is refused and kept, the write replaces the file
** in one step and leaves the old file whole when it fails, a complete
** journal is undone and removed, and a journal entry that cannot be saved
** turns the step into `error` without the change being made.
**
** Sections: 1. helpers  2. reading  3. writing  4. recovery and the core
*/
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "real/agent_core.h"
#include "real/agent_state.h"

/* ---------------------------------------------------------------- 1 ---- */

typedef struct Tmp Tmp;
struct Tmp {
  char zDir[64];           /* the private folder */
  char zPath[128];         /* zDir/state.txt */
};

static void tmp_make(Tmp *t){
  snprintf(t->zDir, sizeof(t->zDir), "/tmp/mapscope-state-XXXXXX");
  assert_non_null(mkdtemp(t->zDir));
  snprintf(t->zPath, sizeof(t->zPath), "%s/state.txt", t->zDir);
}

static void tmp_drop(Tmp *t){
  char z[160];
  remove(t->zPath);
  snprintf(z, sizeof(z), "%s.tmp", t->zPath);
  rmdir(z);
  remove(z);
  rmdir(t->zDir);
}

static void put_file(const char *zPath, const char *z, size_t n){
  FILE *f = fopen(zPath, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(z, 1, n, f), n);
  assert_int_equal(fclose(f), 0);
}

/* The whole file in a static buffer; NULL if it does not exist. */
static const char *get_file(const char *zPath){
  static char zBuf[8192];
  FILE *f = fopen(zPath, "rb");
  size_t n;
  if( f==NULL ) return NULL;
  n = fread(zBuf, 1, sizeof(zBuf)-1, f);
  fclose(f);
  zBuf[n] = 0;
  return zBuf;
}

typedef struct FakeHost FakeHost;
struct FakeHost {
  int nChange;             /* changes the host made */
  int nUndo;               /* entries undone */
  AgentUndoKind eKind;     /* what a step journals (0: a registry value) */
};

static AgentOutcome fake_step(void *pHost, AgentCore *c, const ScnStep *s, AgentOut *pOut){
  FakeHost *h = pHost;
  (void)s;
  /* as the Win32 host does: journal first, change only if that worked */
  if( agent_core_record(c, h->eKind, h->eKind==AGENT_UNDO_DOSDEV ? "A" : "HKLM\\SYSTEM\\CurrentControlSet\\Control\\NetworkProvider",
                        h->eKind==AGENT_UNDO_DOSDEV ? "Q:" : "RestoreConnection",
                        h->eKind==AGENT_UNDO_DOSDEV ? NULL : "4:01000000") ){
    return agent_out_why(pOut, AGENT_FAILED, "%s", c->zSaveWhy);
  }
  h->nChange++;
  agent_out_line(pOut, "ok");
  return AGENT_DONE;
}

static int fake_undo(void *pCtx, const AgentUndo *e){
  FakeHost *h = pCtx;
  (void)e;
  h->nUndo++;
  return 0;
}

static int fake_finish(void *pHost, AgentCore *c){
  return agent_journal_undo(&c->journal, fake_undo, pHost, NULL);
}

static const AgentHostOps fakeOps = { NULL, NULL, fake_step, fake_finish };

/* Send zLine, return the reply (static buffer). */
static const char *req(AgentCore *c, const char *zLine){
  static char zOut[4096];
  AgentBuf b = {0};
  agent_core_request(c, zLine, &b);
  snprintf(zOut, sizeof(zOut), "%s", b.z ? b.z : "");
  agent_buf_free(&b);
  return zOut;
}

/* A complete journal of two entries, as an agent writes it. */
static char *journal_text(void){
  AgentCore c;
  char *z;
  agent_core_init(&c, NULL, NULL, 1);
  agent_journal_add(&c.journal, AGENT_UNDO_REGVALUE, "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System", "EnableLUA", "4:01000000");
  agent_journal_add(&c.journal, AGENT_UNDO_CRED, "fs1", "domain", NULL);
  agent_core_session_made(&c, "A", 0);
  z = agent_core_suspend_text(&c);
  c.bFinished = 1;
  agent_core_free(&c);
  assert_non_null(z);
  return z;
}

/* ---------------------------------------------------------------- 2 ---- */

static void test_missing_file_is_none(void **state){
  Tmp t;
  char *z = NULL;
  char zWhy[256];
  (void)state;
  tmp_make(&t);
  assert_int_equal(agent_state_read(t.zPath, &z, zWhy, sizeof(zWhy)), AGENT_STATE_NONE);
  assert_null(z);
  tmp_drop(&t);
}

static void test_foreign_file_is_refused_untouched(void **state){
  Tmp t;
  char *z = NULL;
  char zWhy[256];
  (void)state;
  tmp_make(&t);
  put_file(t.zPath, "x\n", 2);
  assert_int_equal(agent_state_read(t.zPath, &z, zWhy, sizeof(zWhy)), AGENT_STATE_BAD);
  assert_null(z);
  assert_non_null(strstr(zWhy, t.zPath));
  assert_non_null(strstr(zWhy, "not a mapscope-agent journal"));
  assert_string_equal(get_file(t.zPath), "x\n");
  /* the magic word alone, or with a NUL byte, is no journal either */
  put_file(t.zPath, "mapscope-agent-state 2x\nend\n", 28);
  assert_int_equal(agent_state_read(t.zPath, &z, zWhy, sizeof(zWhy)), AGENT_STATE_BAD);
  put_file(t.zPath, "mapscope-agent-state 2\n\0end\n", 28);
  assert_int_equal(agent_state_read(t.zPath, &z, zWhy, sizeof(zWhy)), AGENT_STATE_BAD);
  tmp_drop(&t);
}

/* A journal cut at any byte (an agent killed while an old-style in-place
** write was going on) is never taken for a whole one. */
static void test_journal_cut_at_every_byte_is_refused(void **state){
  Tmp t;
  char *zFull = journal_text();
  size_t n = strlen(zFull), k;
  char *z = NULL;
  char zWhy[256];
  AgentCore c;
  (void)state;
  tmp_make(&t);
  put_file(t.zPath, zFull, n);
  assert_int_equal(agent_state_read(t.zPath, &z, zWhy, sizeof(zWhy)), AGENT_STATE_OK);
  assert_string_equal(z, zFull);
  free(z);
  for(k=0; k<n; k++){
    put_file(t.zPath, zFull, k);
    z = NULL;
    if( agent_state_read(t.zPath, &z, zWhy, sizeof(zWhy))!=AGENT_STATE_BAD ){
      fail_msg("a journal cut to %zu of %zu bytes was accepted", k, n);
    }
    assert_null(z);
    /* the parser alone refuses it too */
    {
      char *zCut = strndup(zFull, k);
      agent_core_init(&c, NULL, NULL, 1);
      if( agent_core_resume_text(&c, zCut)==0 ){
        fail_msg("resume_text took a journal cut to %zu of %zu bytes", k, n);
      }
      c.bFinished = 1;
      agent_core_free(&c);
      free(zCut);
    }
  }
  free(zFull);
  tmp_drop(&t);
}

/* ---------------------------------------------------------------- 3 ---- */

static void test_write_replaces_whole_file_no_tmp_left(void **state){
  Tmp t;
  char zWhy[256], zTmp[160];
  struct stat st;
  (void)state;
  tmp_make(&t);
  put_file(t.zPath, "old contents\n", 13);
  assert_int_equal(agent_state_write(t.zPath, "new\n", zWhy, sizeof(zWhy)), 0);
  assert_string_equal(get_file(t.zPath), "new\n");
  snprintf(zTmp, sizeof(zTmp), "%s.tmp", t.zPath);
  assert_int_not_equal(stat(zTmp, &st), 0);
  tmp_drop(&t);
}

static void test_failed_write_leaves_old_file(void **state){
  Tmp t;
  char zWhy[256], zTmp[160], zBad[200];
  (void)state;
  tmp_make(&t);
  put_file(t.zPath, "old contents\n", 13);
  /* the temporary file cannot be made: a folder is in its way */
  snprintf(zTmp, sizeof(zTmp), "%s.tmp", t.zPath);
  assert_int_equal(mkdir(zTmp, 0700), 0);
  assert_int_equal(agent_state_write(t.zPath, "new\n", zWhy, sizeof(zWhy)), -1);
  assert_non_null(strstr(zWhy, ".tmp"));
  assert_string_equal(get_file(t.zPath), "old contents\n");
  rmdir(zTmp);
  /* a folder that does not exist */
  snprintf(zBad, sizeof(zBad), "%s/no/such/state.txt", t.zDir);
  assert_int_equal(agent_state_write(zBad, "new\n", zWhy, sizeof(zWhy)), -1);
  tmp_drop(&t);
}

/* ---------------------------------------------------------------- 4 ---- */

static void test_recover_refuses_foreign_file_hello_is_error(void **state){
  Tmp t;
  AgentCore c;
  FakeHost h = {0};
  const char *z;
  (void)state;
  tmp_make(&t);
  put_file(t.zPath, "x\n", 2);
  agent_core_init(&c, &fakeOps, &h, 0);
  c.zStatePath = t.zPath;
  assert_int_not_equal(agent_core_recover(&c, fake_undo, &h), 0);
  z = req(&c, "hello 1");
  assert_int_equal(strncmp(z, "error 0 ", 8), 0);
  assert_non_null(strstr(z, t.zPath));
  assert_non_null(strstr(z, "not a mapscope-agent journal"));
  assert_int_equal(strncmp(req(&c, "start"), "bad 0 hello first", 17), 0);
  req(&c, "bye");
  agent_core_free(&c);
  assert_string_equal(get_file(t.zPath), "x\n");
  tmp_drop(&t);
}

static void test_recover_keeps_a_cut_journal(void **state){
  Tmp t;
  AgentCore c;
  FakeHost h = {0};
  char *zFull = journal_text();
  size_t n = strlen(zFull) - 10;
  const char *z;
  (void)state;
  tmp_make(&t);
  put_file(t.zPath, zFull, n);
  agent_core_init(&c, &fakeOps, &h, 1);
  c.zStatePath = t.zPath;
  assert_int_not_equal(agent_core_recover(&c, fake_undo, &h), 0);
  assert_int_equal(h.nUndo, 0);
  z = req(&c, "hello 1");
  assert_int_equal(strncmp(z, "error 0 ", 8), 0);
  assert_non_null(strstr(z, "incomplete"));
  agent_core_free(&c);
  z = get_file(t.zPath);
  assert_non_null(z);
  assert_int_equal(strlen(z), n);
  assert_memory_equal(z, zFull, n);
  free(zFull);
  tmp_drop(&t);
}

static void test_recover_undoes_and_removes_a_whole_journal(void **state){
  Tmp t;
  AgentCore c;
  FakeHost h = {0};
  char *zFull = journal_text();
  (void)state;
  tmp_make(&t);
  put_file(t.zPath, zFull, strlen(zFull));
  agent_core_init(&c, &fakeOps, &h, 1);
  c.zStatePath = t.zPath;
  assert_int_equal(agent_core_recover(&c, fake_undo, &h), 0);
  assert_int_equal(c.nRecovered, 2);
  assert_int_equal(h.nUndo, 2);
  assert_null(get_file(t.zPath));
  assert_int_equal(strncmp(req(&c, "hello 1"), "ok ", 3), 0);
  agent_core_free(&c);
  free(zFull);
  tmp_drop(&t);
}

/* The journal entry is on disk before the change: if it cannot be saved,
** the change is not made and the step answers `error` with the reason. */
static void test_unsaveable_journal_makes_the_step_an_error(void **state){
  Tmp t;
  AgentCore c;
  FakeHost h = {0};
  char zBad[200];
  const char *z;
  (void)state;
  tmp_make(&t);
  snprintf(zBad, sizeof(zBad), "%s/no/such/state.txt", t.zDir);
  agent_core_init(&c, &fakeOps, &h, 1);
  c.zStatePath = zBad;
  assert_int_equal(agent_core_recover(&c, fake_undo, &h), 0);
  assert_int_equal(strncmp(req(&c, "hello 1"), "ok ", 3), 0);
  assert_string_equal(req(&c, "start"), "ok 0\n");
  z = req(&c, "step set machine restore-connections=off");
  assert_int_equal(strncmp(z, "error 0 cannot save the journal", 31), 0);
  assert_non_null(strstr(z, "not made"));
  assert_int_equal(h.nChange, 0);
  assert_int_equal(c.journal.n, 0);
  agent_core_free(&c);
  /* with a good path the same step is journalled on disk, then undone */
  agent_core_init(&c, &fakeOps, &h, 1);
  c.zStatePath = t.zPath;
  req(&c, "hello 1");
  req(&c, "start");
  assert_string_equal(req(&c, "step set machine restore-connections=off"), "done 1\nok\n");
  assert_int_equal(h.nChange, 1);
  z = get_file(t.zPath);
  assert_non_null(z);
  assert_non_null(strstr(z, "RestoreConnection"));
  assert_string_equal(z + strlen(z) - 4, "end\n");
  assert_int_equal(strncmp(req(&c, "bye"), "ok 0 bye undone=1", 17), 0);
  assert_null(get_file(t.zPath));
  agent_core_free(&c);
  tmp_drop(&t);
}

/* A13: DOS devices (and connections) the agent makes in its own logon
** session outlive it on Windows, so they are on disk before the change
** like everything else: a file that cannot be written stops them. (Before
** the fix they were left out of the file, and this step answered ok.) */
static void test_A13_dosdev_entries_are_saved_before_the_change(void **state){
  Tmp t;
  AgentCore c;
  FakeHost h = {0};
  char zBad[200];
  const char *z;
  (void)state;
  tmp_make(&t);
  snprintf(zBad, sizeof(zBad), "%s/no/such/state.txt", t.zDir);
  h.eKind = AGENT_UNDO_DOSDEV;
  agent_core_init(&c, &fakeOps, &h, 1);
  c.zStatePath = zBad;
  req(&c, "hello 1");
  req(&c, "start");
  /* (the fake host journals a DOS device whatever the step) */
  z = req(&c, "step set machine restore-connections=off");
  assert_int_equal(strncmp(z, "error 0 cannot save the journal", 31), 0);
  assert_int_equal(h.nChange, 0);
  agent_core_free(&c);
  /* with a good path the entry is in the file */
  memset(&h, 0, sizeof(h));
  h.eKind = AGENT_UNDO_DOSDEV;
  agent_core_init(&c, &fakeOps, &h, 1);
  c.zStatePath = t.zPath;
  req(&c, "hello 1");
  req(&c, "start");
  assert_string_equal(req(&c, "step set machine restore-connections=off"), "done 1\nok\n");
  z = get_file(t.zPath);
  assert_non_null(z);
  assert_non_null(strstr(z, "journal\t5\tA\tQ:\t-\n"));
  agent_core_free(&c);
  assert_int_equal(h.nUndo, 1);
  tmp_drop(&t);
}

/* Issue 9 finding 1: a planted file (repro/forged-state.txt, here with
** this version's first line too) names a registry value the agent never
** writes. It is refused, nothing is undone, the file is kept, and `hello`
** answers `error` saying why. */
static void test_forged_state_file_is_refused_and_kept(void **state){
  static const char *const azForged[] = {
    /* the reproducer as it is */
    "mapscope-agent-state 2\njournal\t0\tHKLM\\Software\\Microsoft\\Windows\\CurrentVersion"
    "\tForgedByStateFile\t1:50574e454400\nend\n",
    /* the same with this version's magic */
    "mapscope-agent-state 3\njournal\t0\tHKLM\\Software\\Microsoft\\Windows\\CurrentVersion"
    "\tForgedByStateFile\t1:50574e454400\nend\n",
    /* a policy value name under another key */
    "mapscope-agent-state 3\njournal\t0\tHKLM\\Software\\Classes\tEnableLUA\t-\nend\n",
    /* a DOS Devices value that is not a drive letter */
    "mapscope-agent-state 3\njournal\t0\tHKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager"
    "\\DOS Devices\tPRN\t-\nend\n",
    /* an account that is not a local account name, and one with a bad SID */
    "mapscope-agent-state 3\njournal\t2\tAdministrators\\x\t\t-\nend\n",
    "mapscope-agent-state 3\njournal\t2\tbob\tS-1-5-32-544\t-\nend\n",
    /* a right for an account the journal did not create, and another right */
    "mapscope-agent-state 3\njournal\t4\toperator\tSeBatchLogonRight\t-\nend\n",
    "mapscope-agent-state 3\njournal\t2\tbob\t\t-\njournal\t4\tbob\tSeDebugPrivilege\t-\nend\n",
    /* a group entry (never written), a kind out of range, a broken escape */
    "mapscope-agent-state 3\njournal\t3\tbob\tAdministrators\t-\nend\n",
    "mapscope-agent-state 3\njournal\t9\tx\ty\t-\nend\n",
    "mapscope-agent-state 3\njournal\t1\tfs%0\tdomain\t-\nend\n",
    /* an old value that is not TYPE:HEX */
    "mapscope-agent-state 3\njournal\t0\t" "HKLM\\SYSTEM\\CurrentControlSet\\Control\\NetworkProvider"
    "\tRestoreConnection\tPWNED\nend\n",
  };
  size_t i;
  (void)state;
  for(i=0; i<sizeof(azForged)/sizeof(azForged[0]); i++){
    Tmp t;
    AgentCore c;
    FakeHost h = {0};
    const char *z;
    tmp_make(&t);
    put_file(t.zPath, azForged[i], strlen(azForged[i]));
    agent_core_init(&c, &fakeOps, &h, 1);
    c.zStatePath = t.zPath;
    assert_int_not_equal(agent_core_recover(&c, fake_undo, &h), 0);
    if( h.nUndo!=0 ) fail_msg("case %d was undone", (int)i);
    z = req(&c, "hello 1");
    if( strncmp(z, "error 0 the agent will not start: the state file ", 49)!=0 ){
      fail_msg("case %d: %s", (int)i, z);
    }
    assert_non_null(get_file(t.zPath));
    assert_string_equal(get_file(t.zPath), azForged[i]);
    agent_core_free(&c);
    assert_string_equal(get_file(t.zPath), azForged[i]);
    tmp_drop(&t);
  }
}

/* Issue 9 finding 1: only a file no one else could have planted is read:
** one others may write, or in a folder others may write, is refused and
** kept (POSIX rules natively; the Windows build checks the owner and DACL
** with GetNamedSecurityInfoW). */
static void test_state_file_others_may_write_is_refused(void **state){
  Tmp t;
  AgentCore c;
  FakeHost h = {0};
  char *zFull = journal_text();
  (void)state;
  tmp_make(&t);
  put_file(t.zPath, zFull, strlen(zFull));
  chmod(t.zPath, 0666);
  agent_core_init(&c, &fakeOps, &h, 1);
  c.zStatePath = t.zPath;
  assert_int_not_equal(agent_core_recover(&c, fake_undo, &h), 0);
  assert_int_equal(h.nUndo, 0);
  assert_non_null(strstr(req(&c, "hello 1"), "may be written by others"));
  agent_core_free(&c);
  assert_non_null(get_file(t.zPath));
  chmod(t.zPath, 0600);
  chmod(t.zDir, 0777);
  agent_core_init(&c, &fakeOps, &h, 1);
  c.zStatePath = t.zPath;
  assert_int_not_equal(agent_core_recover(&c, fake_undo, &h), 0);
  assert_non_null(strstr(req(&c, "hello 1"), "in a folder others may write"));
  agent_core_free(&c);
  assert_int_equal(h.nUndo, 0);
  chmod(t.zDir, 0700);
  free(zFull);
  tmp_drop(&t);
}

/* Issue 9 finding 3: any byte a scenario may type (a tab in a target, a
** newline, a percent sign, a high byte) survives the journal: written
** escaped, read back equal. Before the fix a tab split the line. */
static void test_journal_text_survives_any_byte(void **state){
  AgentCore c, c2;
  char zTarget[300];
  char *zText;
  int i, k = 0;
  (void)state;
  for(i=1; i<256 && k<(int)sizeof(zTarget)-1; i++) zTarget[k++] = (char)i;
  zTarget[k] = 0;
  agent_core_init(&c, NULL, NULL, 1);
  agent_journal_add(&c.journal, AGENT_UNDO_CRED, zTarget, "domain", NULL);
  agent_journal_add(&c.journal, AGENT_UNDO_CRED, "fs\t1", "domain", "A");
  agent_journal_add(&c.journal, AGENT_UNDO_DOSDEV, "A.limited", "Q:\n%41", "own");
  agent_core_session_made(&c, "A", 0);
  zText = agent_core_suspend_text(&c);
  assert_non_null(zText);
  /* one entry per line: no raw control character inside a line */
  for(i=0; zText[i]; i++){
    unsigned char ch = (unsigned char)zText[i];
    assert_true(ch>=0x20 || ch=='\t' || ch=='\n');
  }
  agent_core_init(&c2, NULL, NULL, 1);
  assert_int_equal(agent_core_resume_text(&c2, zText), 0);
  assert_int_equal(c2.journal.n, 3);
  assert_string_equal(c2.journal.a[0].zKey, zTarget);
  assert_string_equal(c2.journal.a[1].zKey, "fs\t1");
  assert_string_equal(c2.journal.a[1].zOld, "A");
  assert_string_equal(c2.journal.a[2].zName, "Q:\n%41");
  free(zText);
  c.bFinished = 1; c2.bFinished = 1;
  agent_core_free(&c);
  agent_core_free(&c2);
}

/* --resume with a file that does not load: `error`, and the file stays. */
static void test_resume_keeps_a_file_that_does_not_load(void **state){
  Tmp t;
  AgentCore c;
  FakeHost h = {0};
  const char *z;
  (void)state;
  tmp_make(&t);
  put_file(t.zPath, "mapscope-agent-state 2\nnstep\t3\n", 31);
  agent_core_init(&c, &fakeOps, &h, 1);
  c.zStatePath = t.zPath;
  c.bResume = 1;
  req(&c, "hello 1");
  z = req(&c, "start");
  assert_int_equal(strncmp(z, "error 0 cannot load the state saved before the reboot", 53), 0);
  assert_non_null(strstr(z, t.zPath));
  req(&c, "bye");
  agent_core_free(&c);
  assert_non_null(get_file(t.zPath));
  tmp_drop(&t);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_missing_file_is_none),
    cmocka_unit_test(test_foreign_file_is_refused_untouched),
    cmocka_unit_test(test_journal_cut_at_every_byte_is_refused),
    cmocka_unit_test(test_write_replaces_whole_file_no_tmp_left),
    cmocka_unit_test(test_failed_write_leaves_old_file),
    cmocka_unit_test(test_recover_refuses_foreign_file_hello_is_error),
    cmocka_unit_test(test_recover_keeps_a_cut_journal),
    cmocka_unit_test(test_recover_undoes_and_removes_a_whole_journal),
    cmocka_unit_test(test_unsaveable_journal_makes_the_step_an_error),
    cmocka_unit_test(test_A13_dosdev_entries_are_saved_before_the_change),
    cmocka_unit_test(test_forged_state_file_is_refused_and_kept),
    cmocka_unit_test(test_state_file_others_may_write_is_refused),
    cmocka_unit_test(test_journal_text_survives_any_byte),
    cmocka_unit_test(test_resume_keeps_a_file_that_does_not_load),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
