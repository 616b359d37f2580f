/*
** tests/sim/test_sim_rules_conn.c: the rule marks (sim/rules.h) of the
** connection, credential and registry rules (SEMANTICS C1-C16, R1-R6,
** K1-K3, G1-G4).
**
** Each test clears the marks, performs one operation and compares the
** marks of the C, R, K and G families with the rules whose branch decided
** the outcome. The other families (W, L, N, D) are left out of the
** comparison: a logon marks its own L rules, which are tested with the
** logon code.
**
** Contents: 1. reading the marks  2. connections  3. restore
**           4. credentials  5. global drives and paths
*/
#include "tests/sim/simtest.h"

static const char *const zData = "\\\\fs1\\data";
static const char *const zTeam = "\\\\fs1\\team";

/* ---------------------------------------------------------------- 1 ---- */

/* The marked rules of families C, R, K and G, space-separated in the
** order of SEMANTICS ("C1 C3 C6"). */
static const char *rules_conn(const SimMachine *pM, char *zBuf, size_t nBuf){
  SimRuleSet set = sim_rules_fired(pM);
  size_t n = 0;
  int i;
  zBuf[0] = 0;
  for(i=0; i<SIM_RULE_COUNT; i++){
    const char *z = sim_rule_name((SimRule)i);
    if( !sim_ruleset_has(&set, (SimRule)i) ) continue;
    if( z[0]!='C' && z[0]!='R' && z[0]!='K' && z[0]!='G' ) continue;
    n += (size_t)snprintf(zBuf+n, nBuf-n, "%s%s", n ? " " : "", z);
    if( n>=nBuf ) break;
  }
  return zBuf;
}

#define ASSERT_RULES(pM, zWant) do{ \
  char zGot_[256]; \
  assert_string_equal(rules_conn((pM), zGot_, sizeof(zGot_)), (zWant)); \
}while(0)

/* ---------------------------------------------------------------- 2 ---- */

/* C1 C3 C6: a remembered connection with the session's own credentials;
** C5 C3: an explicit other name meets the held set; C9, C11, C12. */
static void test_rules_connect_and_cancel(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  (void)state;

  sim_rules_clear(pM);
  assert_int_equal(simtest_map(pM, b, "Z:", zData, SIM_CONNECT_UPDATE_PROFILE), 0);
  ASSERT_RULES(pM, "C1 C3 C6");

  sim_rules_clear(pM);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Y:", zTeam, "eve", "Ev3", 0),
                   ERROR_SESSION_CREDENTIAL_CONFLICT);
  ASSERT_RULES(pM, "C3 C5");

  sim_rules_clear(pM);
  assert_int_equal(simtest_map(pM, b, "Z:", zTeam, 0), ERROR_ALREADY_ASSIGNED);
  ASSERT_RULES(pM, "C2");

  sim_rules_clear(pM);
  assert_int_equal(simtest_map(pM, b, "Y:", "\\\\fs1\\nosuch", 0), ERROR_BAD_NET_NAME);
  ASSERT_RULES(pM, "C2");

  sim_rules_clear(pM);
  assert_int_equal(simtest_map(pM, b, "Y:", zTeam, SIM_CONNECT_UPDATE_PROFILE
                                                   |SIM_CONNECT_TEMPORARY), 0);
  ASSERT_RULES(pM, "C1 C5 C9");

  sim_rules_clear(pM);
  assert_int_equal(sim_wnet_get_connection(pM, b, "Z:", NULL), 0);
  ASSERT_RULES(pM, "C11");

  sim_rules_clear(pM);
  (void)simtest_use(pM, b, &buf);
  ASSERT_RULES(pM, "C12");

  sim_rules_clear(pM);
  assert_int_equal(sim_wnet_cancel_connection2(pM, b, "X:", 0, 0), ERROR_NOT_CONNECTED);
  ASSERT_RULES(pM, "C9");
  simtest_free(pM);
}

/* C4 and C9: a password without a user name goes with the caller's own
** name, and a wrong one is the server's verdict. */
static void test_rules_password_without_user(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  (void)state;
  sim_rules_clear(pM);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Z:", zData, NULL, "wrong", 0),
                   ERROR_INVALID_PASSWORD);
  ASSERT_RULES(pM, "C3 C4 C9");
  simtest_free(pM);
}

/* C7: the full half connects but remembers nothing; C10 lifts it. */
static void test_rules_full_token(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  SimLuid e = simtest_linked(pM, a);
  (void)state;
  sim_rules_clear(pM);
  assert_int_equal(simtest_map(pM, e, "Z:", zData, SIM_CONNECT_UPDATE_PROFILE), 0);
  ASSERT_RULES(pM, "C1 C3 C7");
  simtest_free(pM);

  pM = simtest_world();
  assert_int_equal(sim_policy_init(pM, SIM_POL_LINKED_CONNECTIONS, 1), 0);
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  e = simtest_linked(pM, a);
  sim_rules_clear(pM);
  assert_int_equal(simtest_map(pM, e, "Z:", zData, SIM_CONNECT_UPDATE_PROFILE), 0);
  ASSERT_RULES(pM, "C1 C3 C6 C10");
  sim_rules_clear(pM);
  assert_int_equal(sim_wnet_cancel_connection2(pM, a, "Z:", 0, 0), 0);
  ASSERT_RULES(pM, "C9 C10");
  simtest_free(pM);
}

/* ---------------------------------------------------------------- 3 ---- */

/* R1 R2 R5: a remembered UserName without a vault entry is presented with
** a blank password, rejected (C4), and the entry stays. */
static void test_rules_restore(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  (void)state;
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Z:", zData, "bob", "B0b",
                                            SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(sim_logoff(pM, b), 0);
  sim_rules_clear(pM);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  ASSERT_RULES(pM, "C3 C4 R1 R2 R5");

  /* with a vault entry for the server, it reconnects with it (R2, K3) */
  assert_int_equal(sim_cred_write(pM, b, "fs1", "bob", "B0b"), 0);
  assert_int_equal(sim_logoff(pM, b), 0);
  sim_rules_clear(pM);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  ASSERT_RULES(pM, "C1 C3 R1 R2 K3");
  simtest_free(pM);
}

/* ---------------------------------------------------------------- 4 ---- */

/* K1 on vault access, K2 for a session without credentials, K3 when a
** vault entry serves a connection. */
static void test_rules_vault(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimLuid n = simtest_logon(pM, "bob", SIM_LOGON_NETWORK);
  (void)state;
  sim_rules_clear(pM);
  assert_int_equal(sim_cred_write(pM, b, "fs1", "eve", "Ev3"), 0);
  ASSERT_RULES(pM, "K1");
  sim_rules_clear(pM);
  assert_int_equal(sim_cred_write(pM, n, "fs1", "eve", "Ev3"), ERROR_NO_SUCH_LOGON_SESSION);
  ASSERT_RULES(pM, "K2");
  sim_rules_clear(pM);
  assert_int_equal(simtest_map(pM, b, "Z:", zTeam, 0), 0);
  ASSERT_RULES(pM, "C1 C3 K3");
  sim_rules_clear(pM);
  assert_int_equal(sim_cred_delete(pM, b, "nosuch"), ERROR_NOT_FOUND);
  ASSERT_RULES(pM, "K1");
  simtest_free(pM);
}

/* ---------------------------------------------------------------- 5 ---- */

/* G1 when SYSTEM maps; G3 when a user's net use leaves it out; G4 and C13
** when a user opens it with its own credentials. */
static void test_rules_global_drive(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  (void)state;
  sim_rules_clear(pM);
  assert_int_equal(simtest_map(pM, SIM_LUID_SYSTEM, "Y:", "\\\\fs1\\pub", 0), 0);
  ASSERT_RULES(pM, "C1 C3 G1");
  sim_rules_clear(pM);
  assert_string_equal(simtest_use(pM, b, &buf), "");
  ASSERT_RULES(pM, "C12 G3");
  sim_rules_clear(pM);
  assert_int_equal(sim_open_path(pM, b, "Y:\\"), 0);
  ASSERT_RULES(pM, "C3 C13 G4");
  sim_rules_clear(pM);
  assert_int_equal(sim_open_path(pM, b, "Q:\\"), ERROR_PATH_NOT_FOUND);
  ASSERT_RULES(pM, "C13");
  simtest_free(pM);
}

/* The v2 rules: deviceless and implicit connections (C14, C13), automatic
** letters (C15), aliases (C16), registry writes (R6). */
static void test_rules_v2(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b;
  char c = 0;
  (void)state;
  assert_int_equal(sim_machine_add_server_alias(pM, "fs1", "fs1.corp.example"), 0);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  sim_rules_clear(pM);
  assert_int_equal(sim_open_path(pM, b, "\\\\fs1\\data\\x"), 0);
  ASSERT_RULES(pM, "C3 C13 C14");
  sim_rules_clear(pM);
  assert_int_equal(sim_wnet_add_connection2(pM, b, NULL, zTeam, NULL, NULL, 0), 0);
  ASSERT_RULES(pM, "C5 C14");
  sim_rules_clear(pM);
  assert_int_equal(sim_wnet_use_connection(pM, b, NULL, zTeam, NULL, NULL,
                                           SIM_CONNECT_REDIRECT, &c), 0);
  ASSERT_RULES(pM, "C1 C5 C15");
  sim_rules_clear(pM);
  assert_int_equal(simtest_map(pM, b, "X:", "\\\\fs1.corp.example\\pub", 0), 0);
  ASSERT_RULES(pM, "C1 C3 C16");
  sim_rules_clear(pM);
  assert_int_equal(sim_reg_set_network_value(pM, b, 'Q', "UserName", SIM_REG_SZ, "", 0), 0);
  ASSERT_RULES(pM, "R6");
  sim_rules_clear(pM);
  assert_int_equal(sim_wnet_cancel_connection2(pM, b, zTeam, 0, 0), 0);
  ASSERT_RULES(pM, "C14");
  simtest_free(pM);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_rules_connect_and_cancel),
    cmocka_unit_test(test_rules_password_without_user),
    cmocka_unit_test(test_rules_full_token),
    cmocka_unit_test(test_rules_restore),
    cmocka_unit_test(test_rules_vault),
    cmocka_unit_test(test_rules_global_drive),
    cmocka_unit_test(test_rules_v2),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
