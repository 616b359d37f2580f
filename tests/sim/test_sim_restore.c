/*
** tests/sim/test_sim_restore.c: restoring remembered connections at logon
** (SEMANTICS R1-R5).
*/
#include "tests/sim/simtest.h"

static const char *const zData = "\\\\fs1\\data";

/* R1: an interactive or rdp logon reconnects each HKCU\Network entry into
** the limited half. */
static void test_R1_interactive_and_rdp_restore(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a, e;
  SimtestBuf buf;
  (void)state;
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  assert_int_equal(simtest_map(pM, a, "Z:", zData, SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(simtest_map(pM, a, "T:", "\\\\fs1\\team", SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(sim_logoff(pM, a), 0);
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  e = simtest_linked(pM, a);
  assert_string_equal(simtest_use(pM, a, &buf), "OK T: \\\\fs1\\team|OK Z: \\\\fs1\\data");
  assert_string_equal(simtest_letters(pM, a, &buf), "T:L|Z:L");
  /* the full half is not restored into (without linked connections) */
  assert_string_equal(simtest_letters(pM, e, &buf), "");
  assert_string_equal(simtest_use(pM, e, &buf),
                      "Unavailable T: \\\\fs1\\team|Unavailable Z: \\\\fs1\\data");
  a = simtest_logon(pM, "alice", SIM_LOGON_RDP);
  assert_string_equal(simtest_letters(pM, a, &buf), "T:L|Z:L");
  /* the restored connection used the session's own credentials */
  assert_string_equal(simtest_sets(pM, a, &buf), "fs1 own alice 2");
  simtest_free(pM);
}

/* R1/R2 with C5: an entry remembered under another user name is not
** reconnected with a set an earlier entry of the same restore holds.
** Entries are restored in letter order: T: (no UserName) first, with
** bob's own credentials for fs1; X: remembers UserName=eve, so it presents
** eve with a blank password, which conflicts with the held own set (1219):
** X: stays Unavailable, as it would if it were restored first (86). */
static void test_R2_held_set_does_not_serve_other_user_name(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b, r;
  SimtestBuf buf;
  (void)state;
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(simtest_map(pM, b, "T:", "\\\\fs1\\team", SIM_CONNECT_UPDATE_PROFILE), 0);
  r = simtest_logon(pM, "bob", SIM_LOGON_RUNAS);
  assert_int_equal(sim_wnet_add_connection2(pM, r, "X:", "\\\\fs1\\pub", "eve", "Ev3",
                                            SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_string_equal(simtest_persisted(pM, r, &buf),
                      "T: \\\\fs1\\team user=|X: \\\\fs1\\pub user=eve");
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_string_equal(simtest_use(pM, b, &buf),
                      "OK T: \\\\fs1\\team|Unavailable X: \\\\fs1\\pub");
  assert_string_equal(simtest_sets(pM, b, &buf), "fs1 own bob 1");
  simtest_free(pM);
}

/* R2: a remembered UserName without a vault entry fails to reconnect (the
** blank password is wrong); with an entry for the server it reconnects. */
static void test_R2_user_name_needs_vault_entry(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b;
  SimtestBuf buf;
  (void)state;
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "E:", "\\\\fs2\\eve", "eve", "Ev3",
                                            SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_string_equal(simtest_persisted(pM, b, &buf), "E: \\\\fs2\\eve user=eve");
  assert_int_equal(sim_logoff(pM, b), 0);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_string_equal(simtest_use(pM, b, &buf), "Unavailable E: \\\\fs2\\eve");
  assert_string_equal(simtest_persisted(pM, b, &buf), "E: \\\\fs2\\eve user=eve");  /* R5 */
  assert_int_equal(sim_open_path(pM, b, "E:\\"), ERROR_PATH_NOT_FOUND);
  /* with a vault entry for the server it reconnects at the next logon */
  assert_int_equal(sim_cred_write(pM, b, "fs2", "eve", "Ev3"), 0);
  assert_int_equal(sim_logoff(pM, b), 0);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_string_equal(simtest_use(pM, b, &buf), "OK E: \\\\fs2\\eve");
  assert_string_equal(simtest_sets(pM, b, &buf), "fs2 vault eve 1");
  assert_int_equal(sim_open_path(pM, b, "E:\\"), 0);
  simtest_free(pM);
}

/* R3: with EnableLinkedConnections in effect, restore maps into both halves. */
static void test_R3_linked_restore_both_halves(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a, e;
  SimtestBuf buf;
  (void)state;
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  assert_int_equal(simtest_map(pM, a, "Z:", zData, SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(sim_policy_set(pM, SIM_POL_LINKED_CONNECTIONS, 1), 0);
  assert_int_equal(sim_reboot(pM), 0);
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  e = simtest_linked(pM, a);
  assert_string_equal(simtest_letters(pM, a, &buf), "Z:L");
  assert_string_equal(simtest_letters(pM, e, &buf), "Z:L");
  assert_string_equal(simtest_use(pM, e, &buf), "OK Z: \\\\fs1\\data");
  simtest_free(pM);
}

/* R4: runas, batch, service, network, winrm, credssp and become logons
** never restore; remembered drives show Unavailable there. */
static void test_R4_other_logons_never_restore(void **state){
  SimMachine *pM = simtest_world();
  static const SimLogonType ae[] = {
    SIM_LOGON_RUNAS, SIM_LOGON_BATCH, SIM_LOGON_SERVICE, SIM_LOGON_NETWORK,
    SIM_LOGON_WINRM, SIM_LOGON_CREDSSP, SIM_LOGON_BECOME
  };
  SimLuid b;
  SimtestBuf buf;
  int i;
  (void)state;
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(simtest_map(pM, b, "Z:", zData, SIM_CONNECT_UPDATE_PROFILE), 0);
  for(i=0; i<(int)(sizeof(ae)/sizeof(ae[0])); i++){
    SimLuid t = simtest_logon(pM, "bob", ae[i]);
    assert_string_equal(simtest_use(pM, t, &buf), "Unavailable Z: \\\\fs1\\data");
    assert_string_equal(simtest_letters(pM, t, &buf), "");
    /* mapped by hand it works (C3 own credentials, or none for winrm) */
    if( ae[i]!=SIM_LOGON_NETWORK && ae[i]!=SIM_LOGON_WINRM ){
      assert_int_equal(simtest_map(pM, t, "Z:", zData, 0), 0);
    }else{
      assert_int_equal(simtest_map(pM, t, "Z:", zData, 0), ERROR_ACCESS_DENIED);
    }
  }
  simtest_free(pM);
}

/* R5: a failed restore never deletes the entry, also when the letter is
** taken by a global drive. */
static void test_R5_failed_restore_keeps_entry(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b;
  SimtestBuf buf;
  (void)state;
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(simtest_map(pM, b, "Z:", zData, SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(sim_logoff(pM, b), 0);
  assert_int_equal(simtest_map(pM, SIM_LUID_SYSTEM, "Z:", "\\\\fs1\\team", 0), 0);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_string_equal(simtest_use(pM, b, &buf), "Unavailable Z: \\\\fs1\\data");
  assert_string_equal(simtest_persisted(pM, b, &buf), "Z: \\\\fs1\\data user=");
  assert_string_equal(simtest_letters(pM, b, &buf), "Z:G");
  /* after a reboot the global drive is gone and the entry reconnects */
  assert_int_equal(sim_reboot(pM), 0);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_string_equal(simtest_use(pM, b, &buf), "OK Z: \\\\fs1\\data");
  simtest_free(pM);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_R1_interactive_and_rdp_restore),
    cmocka_unit_test(test_R2_user_name_needs_vault_entry),
    cmocka_unit_test(test_R2_held_set_does_not_serve_other_user_name),
    cmocka_unit_test(test_R3_linked_restore_both_halves),
    cmocka_unit_test(test_R4_other_logons_never_restore),
    cmocka_unit_test(test_R5_failed_restore_keeps_entry),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
