/*
** tests/real/test_real_journal.c: the agent's undo journal
** (real/agent_journal.c): newest first, each entry once, failures counted
** but not stopping the rest.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "real/agent_journal.h"

typedef struct UndoLog UndoLog;
struct UndoLog {
  char z[512];             /* names of the entries undone, in order */
  const char *zFail;       /* an entry name whose undo fails */
};

static int undo_record(void *pCtx, const AgentUndo *e){
  UndoLog *p = pCtx;
  strcat(p->z, e->zName);
  strcat(p->z, ";");
  return p->zFail && strcmp(p->zFail, e->zName)==0;
}

static void test_undo_newest_first(void **state){
  AgentJournal j = {0};
  UndoLog log = {"", NULL};
  int n = 0;
  (void)state;
  assert_int_equal(agent_journal_add(&j, AGENT_UNDO_REGVALUE,
      "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\DOS Devices", "Z:", NULL), 0);
  assert_int_equal(agent_journal_add(&j, AGENT_UNDO_CRED, "fs1", "domain", NULL), 0);
  assert_int_equal(agent_journal_add(&j, AGENT_UNDO_DOSDEV, "A.limited", "Q:", NULL), 0);
  assert_int_equal(agent_journal_undo(&j, undo_record, &log, &n), 0);
  assert_int_equal(n, 3);
  assert_string_equal(log.z, "Q:;domain;Z:;");
  /* a second undo (bye, then end of input) does nothing */
  log.z[0] = 0;
  assert_int_equal(agent_journal_undo(&j, undo_record, &log, &n), 0);
  assert_int_equal(n, 0);
  assert_string_equal(log.z, "");
  agent_journal_free(&j);
}

static void test_failure_does_not_stop_the_rest(void **state){
  AgentJournal j = {0};
  UndoLog log = {"", "b"};
  (void)state;
  agent_journal_add(&j, AGENT_UNDO_USER, "alice", "a", NULL);
  agent_journal_add(&j, AGENT_UNDO_RIGHT, "alice", "b", NULL);
  agent_journal_add(&j, AGENT_UNDO_NETUSE, "A", "c", NULL);
  assert_int_equal(agent_journal_undo(&j, undo_record, &log, NULL), 1);
  assert_string_equal(log.z, "c;b;a;");
  agent_journal_free(&j);
}

static void test_old_value_kept_and_first_touch_wins(void **state){
  AgentJournal j = {0};
  char *z;
  (void)state;
  agent_journal_add(&j, AGENT_UNDO_REGVALUE, "HKLM\\x", "EnableLUA", "4:01000000");
  assert_true(agent_journal_has(&j, AGENT_UNDO_REGVALUE, "hklm\\X", "enablelua"));
  assert_false(agent_journal_has(&j, AGENT_UNDO_REGVALUE, "HKLM\\x", "FilterAdministratorToken"));
  assert_false(agent_journal_has(&j, AGENT_UNDO_CRED, "HKLM\\x", "EnableLUA"));
  z = agent_journal_text(&j);
  assert_string_equal(z, "regvalue\tHKLM\\x\tEnableLUA\t4:01000000\n");
  free(z);
  agent_journal_free(&j);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_undo_newest_first),
    cmocka_unit_test(test_failure_does_not_stop_the_rest),
    cmocka_unit_test(test_old_value_kept_and_first_touch_wins),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
