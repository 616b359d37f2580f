/*
** tests/sim/test_sim_access.c: opening a path through a drive (SEMANTICS
** C13), global drives from other sessions (G4) and boot devices (G5).
*/
#include "tests/sim/simtest.h"

/* C13: the caller's own connection serves its drive. */
static void test_C13_own_connection_serves(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  (void)state;
  assert_int_equal(sim_open_path(pM, b, "Z:\\"), ERROR_PATH_NOT_FOUND);
  assert_int_equal(simtest_map(pM, b, "Z:", "\\\\fs1\\data", 0), 0);
  assert_int_equal(sim_open_path(pM, b, "Z:\\"), 0);
  assert_int_equal(sim_open_path(pM, b, "z:"), 0);
  assert_int_equal(sim_open_path(pM, b, "Z:\\sub\\dir"), 0);
  assert_int_equal(sim_open_path(pM, b, "C:\\Windows"), 0);
  assert_int_equal(sim_open_path(pM, b, "relative"), ERROR_PATH_NOT_FOUND);
  assert_int_equal(sim_open_path(pM, b, ""), ERROR_PATH_NOT_FOUND);
  simtest_free(pM);
}

/* C13: a connection made with explicit credentials serves its own share
** even where the session's own credentials would not. */
static void test_C13_explicit_connection_serves(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  (void)state;
  assert_int_equal(sim_open_path(pM, b, "\\\\fs2\\eve"), ERROR_ACCESS_DENIED);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "E:", "\\\\fs2\\eve", "eve", "Ev3", 0), 0);
  assert_int_equal(sim_open_path(pM, b, "E:\\"), 0);
  assert_int_equal(sim_open_path(pM, b, "\\\\fs2\\eve\\x"), 0);
  assert_int_equal(sim_open_path(pM, b, "\\\\fs2\\nosuch"), ERROR_BAD_NET_NAME);
  assert_int_equal(sim_open_path(pM, b, "\\\\fs9\\x"), ERROR_BAD_NETPATH);
  simtest_free(pM);
}

/* C13/G4: a global drive is served with the caller's session's
** credentials: a held set for the server first, else C3. */
static void test_G4_global_drive_uses_callers_credentials(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b, e, w, a;
  (void)state;
  assert_int_equal(simtest_map(pM, SIM_LUID_SYSTEM, "G:", "\\\\fs2\\eve", 0), ERROR_ACCESS_DENIED);
  assert_int_equal(sim_wnet_add_connection2(pM, SIM_LUID_SYSTEM, "G:", "\\\\fs2\\eve",
                                            "eve", "Ev3", 0), 0);
  assert_int_equal(sim_open_path(pM, SIM_LUID_SYSTEM, "G:\\"), 0);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  e = simtest_logon(pM, "eve", SIM_LOGON_INTERACTIVE);
  w = simtest_logon(pM, "eve", SIM_LOGON_WINRM);
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  assert_int_equal(sim_open_path(pM, b, "G:\\"), ERROR_ACCESS_DENIED);  /* bob's own */
  assert_int_equal(sim_open_path(pM, e, "G:\\"), 0);                    /* eve's own */
  assert_int_equal(sim_open_path(pM, w, "G:\\"), ERROR_ACCESS_DENIED);  /* anonymous */
  /* a vault entry for the server makes it work for bob */
  assert_int_equal(sim_cred_write(pM, b, "fs2", "eve", "Ev3"), 0);
  assert_int_equal(sim_open_path(pM, b, "G:\\"), 0);
  /* a stale vault entry: the server rejects it */
  assert_int_equal(sim_cred_write(pM, a, "fs2", "eve", "old"), 0);
  assert_int_equal(sim_open_path(pM, a, "G:\\"), ERROR_LOGON_FAILURE);
  /* a held set for the server is what is presented (C5) */
  assert_int_equal(sim_cred_delete(pM, a, "fs2"), 0);
  assert_int_equal(sim_open_path(pM, a, "G:\\"), ERROR_ACCESS_DENIED);   /* alice's own */
  assert_int_equal(sim_machine_add_share(pM, "fs2", "open", 1, NULL, 0, 0), 0);
  assert_int_equal(sim_wnet_add_connection2(pM, a, "O:", "\\\\fs2\\open", "eve", "Ev3", 0), 0);
  assert_int_equal(sim_open_path(pM, a, "G:\\"), 0);                     /* the set: eve */
  assert_int_equal(sim_wnet_cancel_connection2(pM, a, "O:", 0, 0), 0);
  assert_int_equal(sim_open_path(pM, a, "G:\\"), ERROR_ACCESS_DENIED);
  simtest_free(pM);
}

/* C13: links to fixed-disk paths, UNC paths and other letters; anything
** else is ERROR_PATH_NOT_FOUND. */
static void test_C13_links_of_every_kind(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimLuid w = simtest_logon(pM, "bob", SIM_LOGON_WINRM);
  (void)state;
  assert_int_equal(sim_define_dos_device(pM, b, 0, "D:", "C:\\data"), 0);
  assert_int_equal(sim_open_path(pM, b, "D:\\"), 0);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "U:", "\\\\fs1\\data\\sub"), 0);
  assert_int_equal(sim_open_path(pM, b, "U:\\"), 0);
  assert_int_equal(sim_define_dos_device(pM, w, 0, "U:", "\\\\fs1\\data\\sub"), 0);
  assert_int_equal(sim_open_path(pM, w, "U:\\"), ERROR_ACCESS_DENIED);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "V:", "D:\\x"), 0);     /* \??\D:\x */
  assert_int_equal(sim_open_path(pM, b, "V:\\"), 0);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "N:", "N:\\loop"), 0);  /* a loop */
  assert_int_equal(sim_open_path(pM, b, "N:\\"), ERROR_PATH_NOT_FOUND);
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_RAW_TARGET_PATH, "R:",
                                         "\\Device\\HarddiskVolume1\\x"), 0);
  assert_int_equal(sim_open_path(pM, b, "R:\\"), 0);
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_RAW_TARGET_PATH, "H:",
                                         "\\Device\\HarddiskVolume2"), 0);
  assert_int_equal(sim_open_path(pM, b, "H:\\"), ERROR_PATH_NOT_FOUND);
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_RAW_TARGET_PATH, "P:",
                                         "\\Device\\NamedPipe\\x"), 0);
  assert_int_equal(sim_open_path(pM, b, "P:\\"), ERROR_PATH_NOT_FOUND);
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_RAW_TARGET_PATH, "X:", "C:\\raw"), 0);
  assert_int_equal(sim_open_path(pM, b, "X:\\"), ERROR_PATH_NOT_FOUND);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "Y:", "\\\\nosuch\\share"), 0);
  assert_int_equal(sim_open_path(pM, b, "Y:\\"), ERROR_BAD_NETPATH);
  /* C13: a link to a DOS path works only on a fixed disk: through W: to
  ** the network drive Z: (or to the UNC link U:) is "anything else" */
  assert_int_equal(simtest_map(pM, b, "Z:", "\\\\fs1\\data", 0), 0);
  assert_int_equal(sim_open_path(pM, b, "Z:\\"), 0);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "W:", "Z:\\sub"), 0);
  assert_int_equal(sim_open_path(pM, b, "W:\\"), ERROR_PATH_NOT_FOUND);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "T:", "U:\\sub"), 0);
  assert_int_equal(sim_open_path(pM, b, "T:\\"), ERROR_PATH_NOT_FOUND);
  simtest_free(pM);
}

/* G5: a boot-time device has no connection behind it; access follows
** C13, so it works from any session the share admits. */
static void test_G5_boot_device_access(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b, w, e;
  (void)state;
  assert_int_equal(sim_reg_set_boot_device(pM, "Z:",
                   "\\Device\\LanmanRedirector\\;Z:00000000000003e7\\fs1\\data"), 0);
  assert_int_equal(sim_reboot(pM), 0);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  w = simtest_logon(pM, "bob", SIM_LOGON_WINRM);
  e = simtest_logon(pM, "eve", SIM_LOGON_INTERACTIVE);
  assert_int_equal(sim_open_path(pM, b, "Z:\\"), 0);
  assert_int_equal(sim_open_path(pM, w, "Z:\\"), ERROR_ACCESS_DENIED);
  assert_int_equal(sim_open_path(pM, e, "Z:\\"), ERROR_ACCESS_DENIED);
  /* SYSTEM's computer account is not granted \\fs1\data */
  assert_int_equal(sim_open_path(pM, SIM_LUID_SYSTEM, "Z:\\"), ERROR_ACCESS_DENIED);
  simtest_free(pM);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_C13_own_connection_serves),
    cmocka_unit_test(test_C13_explicit_connection_serves),
    cmocka_unit_test(test_G4_global_drive_uses_callers_credentials),
    cmocka_unit_test(test_C13_links_of_every_kind),
    cmocka_unit_test(test_G5_boot_device_access),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
