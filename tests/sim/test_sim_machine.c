/*
** tests/sim/test_sim_machine.c: the machine and its world (SEMANTICS W1-W5),
** reboot (L9), boot-time devices (G5) and the lifetime of SYSTEM's
** drives (G2).
**
** Contents: 1. world and policies  2. reboot and boot devices
*/
#include "tests/sim/simtest.h"

/* ---------------------------------------------------------------- 1 ---- */

/* W1: the default policies, in the registry and in effect. */
static void test_W1_default_policies(void **state){
  SimMachine *pM = NULL;
  (void)state;
  assert_int_equal(sim_machine_new(&pM), 0);
  assert_int_equal(sim_policy_effective(pM, SIM_POL_ENABLE_LUA), 1);
  assert_int_equal(sim_policy_effective(pM, SIM_POL_FILTER_ADMIN_TOKEN), 0);
  assert_int_equal(sim_policy_effective(pM, SIM_POL_LOCAL_ACCOUNT_TOKEN_FILTER), 0);
  assert_int_equal(sim_policy_effective(pM, SIM_POL_LINKED_CONNECTIONS), 0);
  assert_int_equal(sim_policy_effective(pM, SIM_POL_RESTORE_CONNECTION), 1);
  assert_int_equal(sim_policy_effective(pM, SIM_POL_LUID_DEVICE_MAPS), 1);
  assert_int_equal(sim_policy_registry(pM, SIM_POL_ENABLE_LUA), 1);
  assert_int_equal(sim_policy_set(pM, SIM_POL_COUNT, 1), ERROR_INVALID_PARAMETER);
  assert_int_equal(sim_machine_boot_count(pM), 1);
  simtest_free(pM);
}

/* W2: EnableLUA waits for the next reboot; an admin logon before it is
** still split, after it is not. */
static void test_W2_uac_change_needs_reboot(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a;
  (void)state;
  assert_int_equal(sim_policy_set(pM, SIM_POL_ENABLE_LUA, 0), 0);
  assert_int_equal(sim_policy_registry(pM, SIM_POL_ENABLE_LUA), 0);
  assert_int_equal(sim_policy_effective(pM, SIM_POL_ENABLE_LUA), 1);
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  assert_int_equal(simtest_elevation(pM, a), SIM_ELEVATION_LIMITED);
  assert_int_equal(sim_reboot(pM), 0);
  assert_int_equal(sim_policy_effective(pM, SIM_POL_ENABLE_LUA), 0);
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  assert_int_equal(simtest_elevation(pM, a), SIM_ELEVATION_DEFAULT);
  assert_int_equal(simtest_linked(pM, a), 0);
  simtest_free(pM);
}

/* W2: LocalAccountTokenFilterPolicy is read at the next logon. */
static void test_W2_token_filter_next_logon(void **state){
  SimMachine *pM = simtest_world();
  SimLuid n1, n2;
  (void)state;
  n1 = simtest_logon(pM, "alice", SIM_LOGON_NETWORK);
  assert_int_equal(simtest_elevation(pM, n1), SIM_ELEVATION_LIMITED);
  assert_int_equal(sim_policy_set(pM, SIM_POL_LOCAL_ACCOUNT_TOKEN_FILTER, 1), 0);
  n2 = simtest_logon(pM, "alice", SIM_LOGON_NETWORK);
  assert_int_equal(simtest_elevation(pM, n2), SIM_ELEVATION_DEFAULT);
  /* the earlier logon keeps its token */
  assert_int_equal(simtest_elevation(pM, n1), SIM_ELEVATION_LIMITED);
  simtest_free(pM);
}

/* W2: EnableLinkedConnections and LUID device maps wait for a reboot. */
static void test_W2_linked_and_luid_maps_need_reboot(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a, e;
  SimtestBuf b;
  (void)state;
  assert_int_equal(sim_policy_set(pM, SIM_POL_LINKED_CONNECTIONS, 1), 0);
  assert_int_equal(sim_policy_set(pM, SIM_POL_LUID_DEVICE_MAPS, 0), 0);
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  e = simtest_linked(pM, a);
  assert_int_equal(simtest_map(pM, a, "Z:", "\\\\fs1\\data", 0), 0);
  assert_string_equal(simtest_letters(pM, a, &b), "Z:L");
  assert_string_equal(simtest_letters(pM, e, &b), "");
  assert_int_equal(sim_reboot(pM), 0);
  assert_int_equal(sim_policy_effective(pM, SIM_POL_LINKED_CONNECTIONS), 1);
  assert_int_equal(sim_policy_effective(pM, SIM_POL_LUID_DEVICE_MAPS), 0);
  simtest_free(pM);
}

/* W1 v2: ProtectionMode on and a consent prompt by default. */
static void test_W1_v2_protection_mode_and_consent_defaults(void **state){
  SimMachine *pM = NULL;
  (void)state;
  assert_int_equal(sim_machine_new(&pM), 0);
  assert_int_equal(sim_policy_effective(pM, SIM_POL_PROTECTION_MODE), 1);
  assert_int_equal(sim_policy_registry(pM, SIM_POL_PROTECTION_MODE), 1);
  assert_int_equal(sim_policy_effective(pM, SIM_POL_CONSENT_CREDENTIALS), 0);
  /* a separate policy from LUID device maps */
  assert_int_equal(sim_policy_init(pM, SIM_POL_LUID_DEVICE_MAPS, 0), 0);
  assert_int_equal(sim_policy_effective(pM, SIM_POL_PROTECTION_MODE), 1);
  simtest_free(pM);
}

/* W2 v2: ProtectionMode waits for a reboot, ConsentPromptBehaviorAdmin
** is read at the next elevation. */
static void test_W2_v2_protection_mode_reboot_consent_next_elevation(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a, e, x;
  (void)state;
  assert_int_equal(sim_policy_set(pM, SIM_POL_PROTECTION_MODE, 0), 0);
  assert_int_equal(sim_policy_effective(pM, SIM_POL_PROTECTION_MODE), 1);
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  e = simtest_linked(pM, a);
  assert_int_equal(sim_elevate(pM, a, NULL, &x), 0);
  assert_true(x==e);                                /* consent */
  assert_int_equal(sim_policy_set(pM, SIM_POL_CONSENT_CREDENTIALS, 1), 0);
  assert_int_equal(sim_policy_effective(pM, SIM_POL_CONSENT_CREDENTIALS), 1);
  assert_int_equal(sim_elevate(pM, a, "Al1ce", &x), 0);
  assert_true(x!=e && x!=a);                        /* a credential prompt */
  assert_int_equal(sim_reboot(pM), 0);
  assert_int_equal(sim_policy_effective(pM, SIM_POL_PROTECTION_MODE), 0);
  simtest_free(pM);
}

/* W2 v2 (a rule break that survived every bundled test): the full half
** must not remember a mapping (C7) because EnableLinkedConnections was set
** in the registry; only after the reboot does the policy lift C7. */
static void test_W2_v2_linked_connections_not_before_reboot(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a, e;
  SimtestBuf b;
  (void)state;
  assert_int_equal(sim_policy_set(pM, SIM_POL_LINKED_CONNECTIONS, 1), 0);
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  e = simtest_linked(pM, a);
  assert_int_equal(simtest_map(pM, e, "Z:", "\\\\fs1\\data", SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_string_equal(simtest_persisted(pM, e, &b), "");      /* C7 still holds */
  assert_string_equal(simtest_letters(pM, a, &b), "");        /* not shared (C10) */
  assert_int_equal(sim_reboot(pM), 0);
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  e = simtest_linked(pM, a);
  assert_int_equal(simtest_map(pM, e, "Y:", "\\\\fs1\\data", SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_string_equal(simtest_persisted(pM, e, &b), "Y: \\\\fs1\\data user=");
  assert_string_equal(simtest_letters(pM, a, &b), "Y:L");
  simtest_free(pM);
}

/* W2: RestoreConnection is read at the next logon. */
static void test_W2_restore_connection_next_logon(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b1, b2;
  SimtestBuf b;
  (void)state;
  b1 = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(simtest_map(pM, b1, "Z:", "\\\\fs1\\data", SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(sim_policy_set(pM, SIM_POL_RESTORE_CONNECTION, 0), 0);
  b2 = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_string_equal(simtest_use(pM, b2, &b), "Unavailable Z: \\\\fs1\\data");
  assert_int_equal(sim_policy_set(pM, SIM_POL_RESTORE_CONNECTION, 1), 0);
  b2 = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_string_equal(simtest_use(pM, b2, &b), "OK Z: \\\\fs1\\data");
  simtest_free(pM);
}

static int count_users(void *pCtx, const SimUserInfo *pU){
  SimtestBuf *p = pCtx;
  simtest_add(p, "%s/%d/%d", pU->zName, (int)pU->eKind, pU->bDomain);
  return 0;
}

/* W3: kinds of account; names are unique and case-insensitive; SYSTEM is
** built in. */
static void test_W3_accounts(void **state){
  SimMachine *pM = NULL;
  SimtestBuf b;
  (void)state;
  assert_int_equal(sim_machine_new(&pM), 0);
  assert_int_equal(sim_machine_add_user(pM, "alice", SIM_ACCOUNT_ADMIN, 0, "x"), 0);
  assert_int_equal(sim_machine_add_user(pM, "ALICE", SIM_ACCOUNT_STANDARD, 0, "y"), ERROR_USER_EXISTS);
  assert_int_equal(sim_machine_add_user(pM, "system", SIM_ACCOUNT_STANDARD, 0, "y"), ERROR_USER_EXISTS);
  assert_int_equal(sim_machine_add_user(pM, "sys2", SIM_ACCOUNT_SYSTEM, 0, "y"), ERROR_INVALID_PARAMETER);
  assert_int_equal(sim_machine_add_user(pM, "", SIM_ACCOUNT_STANDARD, 0, "y"), ERROR_INVALID_PARAMETER);
  assert_int_equal(sim_machine_add_user(pM, "dom", SIM_ACCOUNT_STANDARD, 1, "z"), 0);
  memset(&b, 0, sizeof(b));
  sim_machine_visit_users(pM, count_users, &b);
  assert_string_equal(b.z, "SYSTEM/3/0|alice/1/0|dom/0/1");
  simtest_free(pM);
}

/* W4: shares; server and share names are case-insensitive. */
static void test_W4_shares_case_insensitive(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b;
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_machine_add_share(pM, "FS1", "DATA", 1, NULL, 0, 0), ERROR_ALREADY_EXISTS);
  assert_int_equal(sim_machine_add_share(pM, "", "x", 1, NULL, 0, 0), ERROR_INVALID_PARAMETER);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(simtest_map(pM, b, "Z:", "\\\\FS1\\Data", 0), 0);
  /* the UNC path stays as typed */
  assert_string_equal(simtest_use(pM, b, &buf), "OK Z: \\\\FS1\\Data");
  /* eve alone is admitted to \\fs2\eve */
  assert_int_equal(simtest_map(pM, b, "Y:", "\\\\fs2\\eve", 0), ERROR_ACCESS_DENIED);
  simtest_free(pM);
}

/* W5: fixed disks are global links to \Device\HarddiskVolumeN. */
static void test_W5_fixed_disks(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b;
  SimtestBuf buf;
  int rc;
  (void)state;
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_string_equal(simtest_query(pM, b, "C:", &rc, &buf), "\\Device\\HarddiskVolume1");
  assert_int_equal(rc, 0);
  assert_int_equal(sim_machine_set_fixed_disks(pM, (1u<<2)|(1u<<3)|(1u<<4)), 0);
  assert_int_equal(sim_machine_fixed_disks(pM), (1u<<2)|(1u<<3)|(1u<<4));
  assert_string_equal(simtest_query(pM, b, "d:", &rc, &buf), "\\Device\\HarddiskVolume2");
  assert_string_equal(simtest_query(pM, b, "E:", &rc, &buf), "\\Device\\HarddiskVolume3");
  assert_int_equal(sim_machine_set_fixed_disks(pM, 1u<<3), 0);
  simtest_query(pM, b, "C:", &rc, &buf);
  assert_int_equal(rc, ERROR_FILE_NOT_FOUND);
  assert_string_equal(simtest_query(pM, b, "D:", &rc, &buf), "\\Device\\HarddiskVolume1");
  assert_int_equal(sim_machine_set_fixed_disks(pM, 1u<<27), ERROR_INVALID_PARAMETER);
  /* they come back after a reboot */
  assert_int_equal(sim_reboot(pM), 0);
  assert_int_equal(sim_open_path(pM, SIM_LUID_SYSTEM, "D:\\"), 0);
  simtest_free(pM);
}

/* ---------------------------------------------------------------- 2 ---- */

/* L9: reboot ends every logon session but SYSTEM's and clears every DOS
** device; hives and vaults stay. */
static void test_L9_reboot_clears_sessions_and_devices(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a, e, b;
  SimtestBuf buf;
  int rc;
  (void)state;
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  e = simtest_linked(pM, a);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(sim_define_dos_device(pM, e, 0, "Global\\G:", "C:\\g"), 0);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "Q:", "C:\\q"), 0);
  assert_int_equal(simtest_map(pM, b, "Z:", "\\\\fs1\\data", SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(sim_cred_write(pM, b, "fs1", "bob", "B0b"), 0);
  assert_int_equal(simtest_map(pM, SIM_LUID_SYSTEM, "S:", "\\\\fs1\\pub", 0), 0);
  assert_int_equal(sim_session_count(pM), 4);

  assert_int_equal(sim_reboot(pM), 0);
  assert_int_equal(sim_session_count(pM), 1);
  assert_true(sim_session_exists(pM, SIM_LUID_SYSTEM));
  assert_false(sim_session_exists(pM, a));
  assert_false(sim_session_exists(pM, e));
  assert_int_equal(sim_define_dos_device(pM, a, 0, "X:", "C:\\x"), ERROR_NO_SUCH_LOGON_SESSION);
  /* G2: SYSTEM's global drive and the global definition are gone */
  simtest_query(pM, SIM_LUID_SYSTEM, "G:", &rc, &buf);
  assert_int_equal(rc, ERROR_FILE_NOT_FOUND);
  simtest_query(pM, SIM_LUID_SYSTEM, "S:", &rc, &buf);
  assert_int_equal(rc, ERROR_FILE_NOT_FOUND);
  assert_string_equal(simtest_use(pM, SIM_LUID_SYSTEM, &buf), "");
  assert_string_equal(simtest_sets(pM, SIM_LUID_SYSTEM, &buf), "");
  /* the fixed disk is back; the registry and the vault stayed */
  assert_string_equal(simtest_query(pM, SIM_LUID_SYSTEM, "C:", &rc, &buf), "\\Device\\HarddiskVolume1");
  memset(&buf, 0, sizeof(buf));
  assert_int_equal(sim_reg_visit_user_network(pM, "bob", simtest_visit_net, &buf), 0);
  assert_string_equal(buf.z, "Z: \\\\fs1\\data user=");
  memset(&buf, 0, sizeof(buf));
  assert_int_equal(sim_cred_visit_user(pM, "bob", simtest_visit_cred, &buf), 0);
  assert_string_equal(buf.z, "fs1 user=bob");
  assert_int_equal(sim_machine_boot_count(pM), 2);
  simtest_free(pM);
}

/* G5: a REG_SZ value of Session Manager\DOS Devices becomes a global
** device at the next boot, with no connection behind it. */
static void test_G5_boot_device_at_next_boot(void **state){
  SimMachine *pM = simtest_world();
  const char *zT = "\\Device\\LanmanRedirector\\;Z:00000000000003e7\\fs1\\team";
  SimLuid w;
  SimtestBuf buf;
  int rc;
  (void)state;
  assert_int_equal(sim_reg_set_boot_device(pM, "z:", zT), 0);
  simtest_query(pM, SIM_LUID_SYSTEM, "Z:", &rc, &buf);
  assert_int_equal(rc, ERROR_FILE_NOT_FOUND);       /* not before the boot */
  assert_int_equal(sim_reboot(pM), 0);
  assert_string_equal(simtest_query(pM, SIM_LUID_SYSTEM, "Z:", &rc, &buf), zT);
  /* visible from a winrm logon, global, and no one holds a connection */
  w = simtest_logon(pM, "bob", SIM_LOGON_WINRM);
  assert_string_equal(simtest_letters(pM, w, &buf), "Z:G");
  assert_string_equal(simtest_use(pM, SIM_LUID_SYSTEM, &buf), "");
  assert_string_equal(simtest_use(pM, w, &buf), "");
  /* deleting the value: later boots do without it */
  assert_int_equal(sim_reg_delete_boot_device(pM, "Z:"), 0);
  assert_int_equal(sim_reg_delete_boot_device(pM, "Z:"), ERROR_FILE_NOT_FOUND);
  assert_int_equal(sim_reboot(pM), 0);
  simtest_query(pM, SIM_LUID_SYSTEM, "Z:", &rc, &buf);
  assert_int_equal(rc, ERROR_FILE_NOT_FOUND);
  simtest_free(pM);
}

static int visit_boot(void *pCtx, const char *zName, const char *zTarget){
  simtest_add(pCtx, "%s=%s", zName, zTarget);
  return 0;
}

/* G5: values are kept sorted by name, replaced by name (case-insensitive). */
static void test_G5_boot_device_values(void **state){
  SimMachine *pM = simtest_world();
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_reg_set_boot_device(pM, "Y:", "\\a"), 0);
  assert_int_equal(sim_reg_set_boot_device(pM, "X:", "\\b"), 0);
  assert_int_equal(sim_reg_set_boot_device(pM, "y:", "\\c"), 0);
  assert_int_equal(sim_reg_set_boot_device(pM, NULL, "\\c"), ERROR_INVALID_PARAMETER);
  memset(&buf, 0, sizeof(buf));
  sim_reg_visit_boot_devices(pM, visit_boot, &buf);
  assert_string_equal(buf.z, "X:=\\b|Y:=\\c");
  simtest_free(pM);
}

/* G2: a drive mapped by SYSTEM lasts until the reboot, and SYSTEM's
** remembered entries are never restored. */
static void test_G2_system_drive_until_reboot(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b;
  SimtestBuf buf;
  (void)state;
  assert_int_equal(simtest_map(pM, SIM_LUID_SYSTEM, "S:", "\\\\fs1\\team",
                               SIM_CONNECT_UPDATE_PROFILE), 0);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_string_equal(simtest_letters(pM, b, &buf), "S:G");
  assert_int_equal(sim_logoff(pM, b), 0);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_string_equal(simtest_letters(pM, b, &buf), "S:G");   /* survives logoffs */
  assert_int_equal(sim_reboot(pM), 0);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_string_equal(simtest_letters(pM, b, &buf), "");
  assert_string_equal(simtest_use(pM, SIM_LUID_SYSTEM, &buf), "Unavailable S: \\\\fs1\\team");
  simtest_free(pM);
}

/* Planted bugs (test only) change exactly the rule they name, on the
** machine they are planted in. */
static void test_planted_bugs(void **state){
  SimMachine *pM = simtest_world(), *pClean = simtest_world();
  SimLuid a, e, b;
  SimtestBuf buf;
  int rc;
  (void)state;
  assert_int_equal(sim_machine_plant_bug(NULL, 1), 0);
  assert_int_equal(sim_machine_plant_bug(NULL, 99), ERROR_INVALID_PARAMETER);
  assert_int_equal(sim_machine_plant_bug(pM, 1), 0);
  assert_int_equal(sim_machine_plant_bug(pM, 4), 0);
  /* bug 1 (C7): the full half remembers */
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  e = simtest_linked(pM, a);
  assert_int_equal(simtest_map(pM, e, "Y:", "\\\\fs1\\data", SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_string_equal(simtest_persisted(pM, e, &buf), "Y: \\\\fs1\\data user=");
  a = simtest_logon(pClean, "alice", SIM_LOGON_INTERACTIVE);
  e = simtest_linked(pClean, a);
  assert_int_equal(simtest_map(pClean, e, "Y:", "\\\\fs1\\data", SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_string_equal(simtest_persisted(pClean, e, &buf), "");
  /* bug 4 (D4): a pop removes the oldest target */
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "Q:", "C:\\one"), 0);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "Q:", "C:\\two"), 0);
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_REMOVE_DEFINITION, "Q:", NULL), 0);
  assert_string_equal(simtest_query(pM, b, "Q:", &rc, &buf), "\\??\\C:\\two");
  sim_machine_free(pM);
  simtest_free(pClean);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_W1_default_policies),
    cmocka_unit_test(test_W2_uac_change_needs_reboot),
    cmocka_unit_test(test_W2_token_filter_next_logon),
    cmocka_unit_test(test_W2_linked_and_luid_maps_need_reboot),
    cmocka_unit_test(test_W2_restore_connection_next_logon),
    cmocka_unit_test(test_W1_v2_protection_mode_and_consent_defaults),
    cmocka_unit_test(test_W2_v2_protection_mode_reboot_consent_next_elevation),
    cmocka_unit_test(test_W2_v2_linked_connections_not_before_reboot),
    cmocka_unit_test(test_W3_accounts),
    cmocka_unit_test(test_W4_shares_case_insensitive),
    cmocka_unit_test(test_W5_fixed_disks),
    cmocka_unit_test(test_L9_reboot_clears_sessions_and_devices),
    cmocka_unit_test(test_G5_boot_device_at_next_boot),
    cmocka_unit_test(test_G5_boot_device_values),
    cmocka_unit_test(test_G2_system_drive_until_reboot),
    cmocka_unit_test(test_planted_bugs),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
