/*
** tests/sim/test_sim_cred.c: Credential Manager (SEMANTICS K1-K3).
*/
#include "tests/sim/simtest.h"

/* K1: one vault per user, shared by all the user's sessions; a write
** replaces the entry for the same (case-insensitive) target. */
static void test_K1_vault_per_user(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  SimLuid e = simtest_linked(pM, a);
  SimLuid a2 = simtest_logon(pM, "alice", SIM_LOGON_BATCH);
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_cred_write(pM, a, "fs2", "eve", "one"), 0);
  assert_int_equal(sim_cred_write(pM, e, "FS2", "eve", "two"), 0);    /* replaces */
  assert_int_equal(sim_cred_write(pM, a2, "alpha", "bob", "x"), 0);
  memset(&buf, 0, sizeof(buf));
  assert_int_equal(sim_cred_enumerate(pM, a, simtest_visit_cred, &buf), 0);
  assert_string_equal(buf.z, "alpha user=bob|FS2 user=eve");
  memset(&buf, 0, sizeof(buf));
  assert_int_equal(sim_cred_enumerate(pM, b, simtest_visit_cred, &buf), 0);
  assert_string_equal(buf.z, "");                                   /* bob's own */
  assert_int_equal(sim_cred_delete(pM, e, "fs2"), 0);
  assert_int_equal(sim_cred_delete(pM, a, "fs2"), ERROR_NOT_FOUND);
  assert_int_equal(sim_cred_delete(pM, b, "alpha"), ERROR_NOT_FOUND);
  assert_int_equal(sim_cred_write(pM, a, "", "eve", "x"), ERROR_INVALID_PARAMETER);
  assert_int_equal(sim_cred_write(pM, a, "t", "", "x"), ERROR_INVALID_PARAMETER);
  memset(&buf, 0, sizeof(buf));
  assert_int_equal(sim_cred_visit_user(pM, "ALICE", simtest_visit_cred, &buf), 0);
  assert_string_equal(buf.z, "alpha user=bob");
  assert_int_equal(sim_cred_visit_user(pM, "nobody", simtest_visit_cred, &buf), ERROR_NOT_FOUND);
  /* the replaced password is the one used */
  assert_int_equal(sim_cred_write(pM, b, "fs2", "eve", "wrong"), 0);
  assert_int_equal(simtest_map(pM, b, "E:", "\\\\fs2\\eve", 0), ERROR_LOGON_FAILURE);
  assert_int_equal(sim_cred_write(pM, b, "fs2", "eve", "Ev3"), 0);
  assert_int_equal(simtest_map(pM, b, "E:", "\\\\fs2\\eve", 0), 0);
  simtest_free(pM);
}

/* K2: a session without credentials cannot open the vault. */
static void test_K2_no_credentials_no_vault(void **state){
  SimMachine *pM = simtest_world();
  SimLuid w = simtest_logon(pM, "bob", SIM_LOGON_WINRM);
  SimLuid n = simtest_logon(pM, "bob", SIM_LOGON_NETWORK);
  SimLuid c = simtest_logon(pM, "bob", SIM_LOGON_CREDSSP);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_cred_write(pM, w, "fs2", "eve", "Ev3"), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(sim_cred_delete(pM, n, "fs2"), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(sim_cred_enumerate(pM, w, simtest_visit_cred, &buf), ERROR_NO_SUCH_LOGON_SESSION);
  /* credssp can; and the winrm session does not use the entry (C3) */
  assert_int_equal(sim_cred_write(pM, c, "fs2", "eve", "Ev3"), 0);
  assert_int_equal(simtest_map(pM, c, "E:", "\\\\fs2\\eve", 0), 0);
  assert_int_equal(simtest_map(pM, w, "E:", "\\\\fs2\\eve", 0), ERROR_ACCESS_DENIED);
  /* SYSTEM has its own vault */
  assert_int_equal(sim_cred_write(pM, SIM_LUID_SYSTEM, "fs2", "eve", "Ev3"), 0);
  memset(&buf, 0, sizeof(buf));
  assert_int_equal(sim_cred_enumerate(pM, SIM_LUID_SYSTEM, simtest_visit_cred, &buf), 0);
  assert_string_equal(buf.z, "fs2 user=eve");
  assert_int_equal(simtest_map(pM, SIM_LUID_SYSTEM, "G:", "\\\\fs2\\eve", 0), 0);
  simtest_free(pM);
}

/* K3: a credential is used for a server only if its target equals the
** server name. */
static void test_K3_target_must_equal_server(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_cred_write(pM, b, "\\\\fs2\\eve", "eve", "Ev3"), 0);
  assert_int_equal(sim_cred_write(pM, b, "fs2.example.com", "eve", "Ev3"), 0);
  assert_int_equal(sim_cred_write(pM, b, "fs", "eve", "Ev3"), 0);
  assert_int_equal(simtest_map(pM, b, "E:", "\\\\fs2\\eve", 0), ERROR_ACCESS_DENIED);
  assert_string_equal(simtest_sets(pM, b, &buf), "");
  assert_int_equal(sim_cred_write(pM, b, "Fs2", "eve", "Ev3"), 0);
  assert_int_equal(simtest_map(pM, b, "E:", "\\\\fs2\\eve", 0), 0);
  assert_string_equal(simtest_sets(pM, b, &buf), "fs2 vault eve 1");
  simtest_free(pM);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_K1_vault_per_user),
    cmocka_unit_test(test_K2_no_credentials_no_vault),
    cmocka_unit_test(test_K3_target_must_equal_server),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
