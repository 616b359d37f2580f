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

/* Issue 10 item 3: the v2 steps journal under HKU\<SID>\Network\<L> (R6,
** `reg set`/`reg delete` as the acting half) and deviceless or `net use *`
** connections (C14, C15); the allow-list takes exactly those forms. */
static void test_v2_entries_are_allowed_and_nothing_more(void **state){
  char zWhy[200];
  const char *zKey = "HKU\\S-1-5-21-1-2-3-1001\\Network\\Q";
  (void)state;
  /* reg set / reg delete of any value, old bytes or absent */
  assert_int_equal(agent_journal_entry_check(AGENT_UNDO_REGVALUE, zKey, "RemotePath",
                                             NULL, zWhy, sizeof(zWhy)), 0);
  assert_int_equal(agent_journal_entry_check(AGENT_UNDO_REGVALUE, zKey, "UserName",
                                             "1:6100", zWhy, sizeof(zWhy)), 0);
  assert_int_equal(agent_journal_entry_check(AGENT_UNDO_REGVALUE,
      "HKU\\S-1-5-18\\network\\z", "ProviderName", NULL, zWhy, sizeof(zWhy)), 0);
  /* keys the agent created: a letter's key, and Network itself */
  assert_int_equal(agent_journal_entry_check(AGENT_UNDO_REGKEY, zKey, "", NULL,
                                             zWhy, sizeof(zWhy)), 0);
  assert_int_equal(agent_journal_entry_check(AGENT_UNDO_REGKEY,
      "HKU\\S-1-5-21-1-2-3-1001\\Network", "", NULL, zWhy, sizeof(zWhy)), 0);
  /* not under Network\<one letter>, not a user's SID, or with a name/old */
  assert_int_equal(agent_journal_entry_check(AGENT_UNDO_REGVALUE,
      "HKU\\S-1-5-21-1-2-3-1001\\Software\\Run", "x", NULL, zWhy, sizeof(zWhy)), 1);
  assert_string_equal(zWhy, "a registry value the agent never writes");
  assert_int_equal(agent_journal_entry_check(AGENT_UNDO_REGVALUE,
      "HKU\\S-1-5-21-1-2-3-1001\\Network\\QQ", "x", NULL, zWhy, sizeof(zWhy)), 1);
  assert_int_equal(agent_journal_entry_check(AGENT_UNDO_REGVALUE,
      "HKU\\.DEFAULT\\Network\\Q", "x", NULL, zWhy, sizeof(zWhy)), 1);
  assert_int_equal(agent_journal_entry_check(AGENT_UNDO_REGVALUE, zKey, "x", "junk",
                                             zWhy, sizeof(zWhy)), 1);
  assert_int_equal(agent_journal_entry_check(AGENT_UNDO_REGKEY, zKey, "x", NULL,
                                             zWhy, sizeof(zWhy)), 1);
  assert_int_equal(agent_journal_entry_check(AGENT_UNDO_REGKEY,
      "HKU\\S-1-5-21-1-2-3-1001\\Software", "", NULL, zWhy, sizeof(zWhy)), 1);
  assert_string_equal(zWhy, "a registry key the agent never creates");
  /* connections: a letter, a deviceless remote name, a pending `net use *` */
  assert_int_equal(agent_journal_entry_check(AGENT_UNDO_NETUSE, "A", "\\\\fs1\\data",
                                             NULL, zWhy, sizeof(zWhy)), 0);
  assert_int_equal(agent_journal_entry_check(AGENT_UNDO_NETUSE, "A.limited",
      "*\\\\fs1\\data", "own", zWhy, sizeof(zWhy)), 0);
  assert_int_equal(agent_journal_entry_check(AGENT_UNDO_NETUSE, "A", "fs1\\data",
                                             NULL, zWhy, sizeof(zWhy)), 1);
  assert_int_equal(agent_journal_entry_check(AGENT_UNDO_NETUSE, "A", "*",
                                             NULL, zWhy, sizeof(zWhy)), 1);
  assert_int_equal(agent_journal_entry_check(AGENT_UNDO_NETUSE, "A", "\\\\\\x",
                                             NULL, zWhy, sizeof(zWhy)), 1);
  assert_string_equal(agent_undo_kind_name(AGENT_UNDO_REGKEY), "regkey");
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_undo_newest_first),
    cmocka_unit_test(test_failure_does_not_stop_the_rest),
    cmocka_unit_test(test_old_value_kept_and_first_touch_wins),
    cmocka_unit_test(test_v2_entries_are_allowed_and_nothing_more),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
