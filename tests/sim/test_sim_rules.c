/*
** tests/sim/test_sim_rules.c: the rule marks (sim/rules.h) of the logon,
** policy and DOS-device operations. Each test clears the marks, runs one
** operation and compares the whole set of fired rules, so a mark that is
** missing or one that fires where its branch was not taken both fail.
**
** Contents: 1. helpers  2. logons and policies  3. DOS devices
*/
#include "tests/sim/simtest.h"

/* ---------------------------------------------------------------- 1 ---- */

/* The fired rules as "L1 L3 L6", in the order of SEMANTICS. */
static const char *fired(const SimMachine *pM, SimtestBuf *p){
  SimRuleSet set = sim_rules_fired(pM);
  int i;
  memset(p, 0, sizeof(*p));
  for(i=0; i<SIM_RULE_COUNT; i++){
    if( sim_ruleset_has(&set, (SimRule)i) ){
      size_t n = strlen(p->z);
      snprintf(p->z+n, sizeof(p->z)-n, "%s%s", n ? " " : "", sim_rule_name((SimRule)i));
    }
  }
  p->n = strlen(p->z);
  return p->z;
}

/* ---------------------------------------------------------------- 2 ---- */

/* L2, L4, L3 (and L5, L6, R4) each mark only their own branch. */
static void test_rules_logon_kinds(void **state){
  SimMachine *pM = simtest_world();
  SimtestBuf b;
  SimLuid tok;
  (void)state;
  sim_rules_clear(pM);
  tok = simtest_logon(pM, "alice", SIM_LOGON_NETWORK);
  assert_string_equal(fired(pM, &b), "L1 L4 L6 R4");
  sim_rules_clear(pM);
  tok = simtest_logon(pM, "bob", SIM_LOGON_RUNAS);
  assert_string_equal(fired(pM, &b), "L1 L3 L6 R4");
  sim_rules_clear(pM);
  tok = simtest_logon(pM, "alice", SIM_LOGON_BATCH);
  assert_string_equal(fired(pM, &b), "L1 L2 L5 L6 R4");
  sim_rules_clear(pM);
  assert_int_equal(sim_logon_user(pM, "bob", SIM_LOGON_INTERACTIVE, 0, "wrong", &tok),
                   ERROR_LOGON_FAILURE);
  assert_string_equal(fired(pM, &b), "L7");
  simtest_free(pM);
}

/* L8, L10: logoff and an ended session. */
static void test_rules_logoff(void **state){
  SimMachine *pM = simtest_world();
  SimtestBuf b;
  SimTokenInfo info;
  SimLuid tok = simtest_logon(pM, "bob", SIM_LOGON_RUNAS);
  (void)state;
  sim_rules_clear(pM);
  assert_int_equal(sim_logoff(pM, tok), 0);
  assert_string_equal(fired(pM, &b), "L8");
  sim_rules_clear(pM);
  assert_int_equal(sim_token_query(pM, tok, &info), ERROR_NO_SUCH_LOGON_SESSION);
  assert_string_equal(fired(pM, &b), "L10");
  simtest_free(pM);
}

/* W1, W2 for a policy change; W2, W5, L9, G5 for a reboot. */
static void test_rules_policy_and_reboot(void **state){
  SimMachine *pM = simtest_world();
  SimtestBuf b;
  (void)state;
  sim_rules_clear(pM);
  assert_int_equal(sim_policy_set(pM, SIM_POL_ENABLE_LUA, 0), 0);
  assert_string_equal(fired(pM, &b), "W1 W2");
  sim_rules_clear(pM);
  assert_int_equal(sim_reboot(pM), 0);
  assert_string_equal(fired(pM, &b), "W2 W5 L9");
  assert_int_equal(sim_reg_set_boot_device(pM, "Z:", "\\??\\C:\\z"), 0);
  sim_rules_clear(pM);
  assert_int_equal(sim_reboot(pM), 0);
  assert_string_equal(fired(pM, &b), "W2 W5 L9 G5");
  simtest_free(pM);
}

/* ---------------------------------------------------------------- 3 ---- */

/* D1-D5 and N1-N4, N7 mark where they decide. */
static void test_rules_dos_devices(void **state){
  SimMachine *pM = simtest_world();
  SimtestBuf b;
  int rc;
  SimLuid bob = simtest_logon(pM, "bob", SIM_LOGON_RUNAS);
  SimLuid a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  (void)state;
  sim_rules_clear(pM);
  assert_int_equal(sim_define_dos_device(pM, bob, 0, "Q:", "C:\\q"), 0);
  assert_string_equal(fired(pM, &b), "N1 D2 D3");
  sim_rules_clear(pM);
  simtest_query(pM, bob, "Q:", &rc, &b);
  assert_int_equal(rc, 0);
  assert_string_equal(fired(pM, &b), "N2 D5");
  sim_rules_clear(pM);
  assert_int_equal(sim_define_dos_device(pM, bob, SIM_DDD_REMOVE_DEFINITION, "Q:", NULL), 0);
  assert_string_equal(fired(pM, &b), "D4");
  sim_rules_clear(pM);
  assert_int_equal(sim_define_dos_device(pM, bob, 0x10, "Q:", "C:\\q"), ERROR_INVALID_PARAMETER);
  assert_string_equal(fired(pM, &b), "D1");
  sim_rules_clear(pM);
  assert_int_equal(sim_define_dos_device(pM, a, 0, "Global\\G:", "C:\\g"), ERROR_ACCESS_DENIED);
  assert_string_equal(fired(pM, &b), "N4");
  sim_rules_clear(pM);
  assert_int_equal(sim_define_dos_device(pM, bob, 0, "C:", "C:\\x"), ERROR_ACCESS_DENIED);
  assert_string_equal(fired(pM, &b), "W1 D3");
  sim_rules_clear(pM);
  assert_int_equal(sim_define_dos_device(pM, SIM_LUID_SYSTEM, 0, "S:", "C:\\s"), 0);
  assert_string_equal(fired(pM, &b), "N3 D2 D3");
  sim_rules_clear(pM);
  simtest_letters(pM, SIM_LUID_SYSTEM, &b);
  assert_string_equal(fired(pM, &b), "N3 N7");
  simtest_free(pM);
}

/* N6: a name the linked half has is missing from this half's view. */
static void test_rules_N6_linked_half(void **state){
  SimMachine *pM = simtest_world();
  SimtestBuf b;
  int rc;
  SimLuid a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  SimLuid e = simtest_linked(pM, a);
  (void)state;
  assert_int_equal(sim_define_dos_device(pM, a, 0, "Q:", "C:\\q"), 0);
  sim_rules_clear(pM);
  simtest_query(pM, e, "Q:", &rc, &b);
  assert_int_equal(rc, ERROR_FILE_NOT_FOUND);
  assert_string_equal(fired(pM, &b), "N2 N6 D5");
  simtest_free(pM);
}

/* v2: L11-L14 mark their own branches; D1 marks the trailing-backslash
** refusal; D3 marks W1 where ProtectionMode decides. */
static void test_rules_v2_logons(void **state){
  SimMachine *pM = simtest_world();
  SimtestBuf b;
  SimLuid a, x;
  (void)state;
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  sim_rules_clear(pM);
  x = simtest_logon(pM, "alice", SIM_LOGON_SSH);
  assert_string_equal(fired(pM, &b), "L1 L4 L6 L11 R4");
  sim_rules_clear(pM);
  assert_int_equal(sim_logon_netonly(pM, a, "bob", "B0b", &x), 0);
  assert_string_equal(fired(pM, &b), "L1 L12 R4");
  sim_rules_clear(pM);
  assert_int_equal(sim_logon_task(pM, a, 1, &x), 0);
  assert_string_equal(fired(pM, &b), "L5 L13");
  sim_rules_clear(pM);
  assert_int_equal(sim_logon_user(pM, "alice", SIM_LOGON_S4U, 0, NULL, &x), 0);
  assert_string_equal(fired(pM, &b), "L1 L2 L5 L6 L13 R4");
  sim_rules_clear(pM);
  assert_int_equal(sim_elevate(pM, a, NULL, &x), 0);
  assert_string_equal(fired(pM, &b), "W1 L14");
  sim_rules_clear(pM);
  assert_int_equal(sim_define_dos_device(pM, a, 0, "M:\\", "C:\\m"), ERROR_INVALID_NAME);
  assert_string_equal(fired(pM, &b), "D1");
  simtest_free(pM);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_rules_logon_kinds),
    cmocka_unit_test(test_rules_logoff),
    cmocka_unit_test(test_rules_policy_and_reboot),
    cmocka_unit_test(test_rules_dos_devices),
    cmocka_unit_test(test_rules_N6_linked_half),
    cmocka_unit_test(test_rules_v2_logons),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
