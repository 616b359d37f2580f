/*
** tests/sim/test_sim_wnet.c: network connections (SEMANTICS C1-C12) and
** SYSTEM's global drives (G1, G3).
**
** Contents: 1. making a connection (C1-C5)  2. remembering it (C6-C8)
**           3. cancel, get, enumerate (C9-C12)  4. global drives
*/
#include "tests/sim/simtest.h"

static const char *const zData = "\\\\fs1\\data";
static const char *const zPub = "\\\\fs1\\pub";
static const char *const zTeam = "\\\\fs1\\team";

/* ---------------------------------------------------------------- 1 ---- */

/* C1: a connection makes a local redirector link named by the LUID;
** SYSTEM's link is global. */
static void test_C1_redirector_link(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  char zWant[128];
  int rc;
  (void)state;
  assert_int_equal(simtest_map(pM, b, "z:", zData, 0), 0);
  snprintf(zWant, sizeof(zWant), "\\Device\\LanmanRedirector\\;Z:%016llx\\fs1\\data",
           (unsigned long long)b);
  assert_string_equal(simtest_query(pM, b, "Z:", &rc, &buf), zWant);
  assert_string_equal(simtest_letters(pM, b, &buf), "Z:L");
  assert_int_equal(simtest_map(pM, SIM_LUID_SYSTEM, "Y:", zTeam, 0), 0);
  assert_string_equal(simtest_query(pM, b, "Y:", &rc, &buf),
                      "\\Device\\LanmanRedirector\\;Y:00000000000003e7\\fs1\\team");
  assert_string_equal(simtest_letters(pM, b, &buf), "Y:G|Z:L");
  assert_int_equal(simtest_map(pM, b, "1:", zData, 0), ERROR_BAD_DEVICE);
  assert_int_equal(simtest_map(pM, b, "X:", zData, 0x8), ERROR_INVALID_PARAMETER);
  /* removing the link by hand leaves the connection: the letter stays
  ** taken, and cancelling still works */
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_REMOVE_DEFINITION, "Z:", NULL), 0);
  assert_string_equal(simtest_letters(pM, b, &buf), "Y:G");
  assert_string_equal(simtest_use(pM, b, &buf), "OK Z: \\\\fs1\\data");
  assert_int_equal(simtest_map(pM, b, "Z:", zTeam, 0), ERROR_ALREADY_ASSIGNED);
  assert_int_equal(sim_wnet_cancel_connection2(pM, b, "Z:", 0, 0), 0);
  assert_int_equal(simtest_map(pM, b, "Z:", zTeam, 0), 0);
  simtest_free(pM);
}

/* C2: the errors, each alone, then their order. */
static void test_C2_error_order(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  (void)state;
  assert_int_equal(simtest_map(pM, b, "C:", zData, 0), ERROR_ALREADY_ASSIGNED);
  assert_int_equal(simtest_map(pM, b, "X:", "\\\\nosuch\\data", 0), ERROR_BAD_NETPATH);
  assert_int_equal(simtest_map(pM, b, "X:", "\\\\fs1\\nosuch", 0), ERROR_BAD_NET_NAME);
  assert_int_equal(simtest_map(pM, b, "X:", "fs1\\data", 0), ERROR_BAD_NET_NAME);
  /* remember Y: for \\fs1\data, then forget the connection only */
  assert_int_equal(simtest_map(pM, b, "Y:", zData, SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(sim_wnet_cancel_connection2(pM, b, "Y:", 0, 0), 0);
  assert_int_equal(simtest_map(pM, b, "Y:", zTeam, 0), ERROR_DEVICE_ALREADY_REMEMBERED);
  /* 85 comes before 1202 */
  assert_int_equal(sim_define_dos_device(pM, b, 0, "Y:", "C:\\y"), 0);
  assert_int_equal(simtest_map(pM, b, "Y:", zTeam, 0), ERROR_ALREADY_ASSIGNED);
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_REMOVE_DEFINITION, "Y:", NULL), 0);
  /* 1202 comes before 53 and 67 */
  assert_int_equal(simtest_map(pM, b, "Y:", "\\\\nosuch\\x", 0), ERROR_DEVICE_ALREADY_REMEMBERED);
  /* 53 before 67; 67 before the credential checks */
  assert_int_equal(sim_wnet_add_connection2(pM, b, "X:", "\\\\nosuch\\nosuch", "bob", "bad", 0),
                   ERROR_BAD_NETPATH);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "X:", "\\\\fs1\\nosuch", "bob", "bad", 0),
                   ERROR_BAD_NET_NAME);
  /* the remembered path itself connects fine */
  assert_int_equal(simtest_map(pM, b, "Y:", "\\\\FS1\\DATA", 0), 0);
  simtest_free(pM);
}

/* C3: explicit credentials, then the vault, then the session's own, then
** anonymous. */
static void test_C3_credential_order(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimLuid w = simtest_logon(pM, "bob", SIM_LOGON_WINRM);
  SimLuid b2;
  SimtestBuf buf;
  (void)state;
  /* own credentials: bob is admitted to data */
  assert_int_equal(simtest_map(pM, b, "Z:", zData, 0), 0);
  assert_string_equal(simtest_sets(pM, b, &buf), "fs1 own bob 1");
  /* a vault entry for the server wins over the own credentials */
  assert_int_equal(sim_cred_write(pM, b, "fs2", "eve", "Ev3"), 0);
  assert_int_equal(simtest_map(pM, b, "E:", "\\\\fs2\\eve", 0), 0);
  assert_string_equal(simtest_sets(pM, b, &buf), "fs1 own bob 1|fs2 vault eve 1");
  /* explicit credentials win over the vault */
  b2 = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(sim_wnet_add_connection2(pM, b2, "E:", "\\\\fs2\\eve", "bob", "B0b", 0),
                   ERROR_ACCESS_DENIED);
  assert_int_equal(sim_wnet_add_connection2(pM, b2, "E:", "\\\\fs2\\eve", "eve", "Ev3", 0), 0);
  assert_string_equal(simtest_sets(pM, b2, &buf), "fs2 explicit eve 1");
  /* winrm: no credentials, no vault: anonymous */
  assert_int_equal(simtest_map(pM, w, "Z:", zData, 0), ERROR_ACCESS_DENIED);
  assert_int_equal(simtest_map(pM, w, "P:", zPub, 0), 0);
  assert_string_equal(simtest_sets(pM, w, &buf), "fs1 anonymous - 1");
  simtest_free(pM);
}

/* C4: the server's verdicts. */
static void test_C4_server_verdicts(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimLuid e = simtest_logon(pM, "eve", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Z:", zData, "alice", "nope", 0),
                   ERROR_INVALID_PASSWORD);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Z:", zData, "nobody", "x", 0),
                   ERROR_LOGON_FAILURE);
  /* a stored credential the server rejects */
  assert_int_equal(sim_cred_write(pM, b, "fs1", "alice", "stale"), 0);
  assert_int_equal(simtest_map(pM, b, "Z:", zData, 0), ERROR_LOGON_FAILURE);
  /* an authenticated account the share does not admit */
  assert_int_equal(simtest_map(pM, e, "Z:", zData, 0), ERROR_ACCESS_DENIED);
  /* none of the failures held anything */
  assert_string_equal(simtest_sets(pM, b, &buf), "");
  assert_string_equal(simtest_sets(pM, e, &buf), "");
  assert_string_equal(simtest_use(pM, b, &buf), "");
  simtest_free(pM);
}

/* C5: one set of credentials per server and session. */
static void test_C5_credential_conflict(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Z:", zData, "alice", "Al1ce", 0), 0);
  /* a different name conflicts, before the password is looked at */
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Y:", zTeam, "bob", "wrong", 0),
                   ERROR_SESSION_CREDENTIAL_CONFLICT);
  /* the same name (any case) reuses the set without checking the password */
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Y:", zTeam, "ALICE", "wrong", 0), 0);
  /* no explicit credentials: the held set is reused */
  assert_int_equal(simtest_map(pM, b, "X:", zPub, 0), 0);
  assert_string_equal(simtest_sets(pM, b, &buf), "fs1 explicit alice 3");
  /* another server is independent */
  assert_int_equal(sim_wnet_add_connection2(pM, b, "E:", "\\\\fs2\\eve", "eve", "Ev3", 0), 0);
  /* the set lives while any connection to the server does */
  assert_int_equal(sim_wnet_cancel_connection2(pM, b, "Z:", 0, 0), 0);
  assert_int_equal(sim_wnet_cancel_connection2(pM, b, "Y:", 0, 0), 0);
  assert_string_equal(simtest_sets(pM, b, &buf), "fs1 explicit alice 1|fs2 explicit eve 1");
  assert_int_equal(sim_wnet_cancel_connection2(pM, b, "X:", 0, 0), 0);
  assert_string_equal(simtest_sets(pM, b, &buf), "fs2 explicit eve 1");
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Y:", zTeam, "bob", "B0b", 0), 0);
  simtest_free(pM);
}

/* C5: an own, vault or anonymous set conflicts with any explicit name,
** even the caller's own. */
static void test_C5_own_set_conflicts_with_explicit(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimLuid w = simtest_logon(pM, "bob", SIM_LOGON_WINRM);
  (void)state;
  assert_int_equal(simtest_map(pM, b, "Z:", zData, 0), 0);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Y:", zTeam, "bob", "B0b", 0),
                   ERROR_SESSION_CREDENTIAL_CONFLICT);
  assert_int_equal(simtest_map(pM, w, "P:", zPub, 0), 0);            /* anonymous */
  assert_int_equal(sim_wnet_add_connection2(pM, w, "Y:", zTeam, "bob", "B0b", 0),
                   ERROR_SESSION_CREDENTIAL_CONFLICT);
  /* a failed connection held nothing: the session may still choose */
  assert_int_equal(sim_wnet_add_connection2(pM, w, "E:", "\\\\fs2\\eve", "eve", "bad", 0),
                   ERROR_INVALID_PASSWORD);
  assert_int_equal(sim_wnet_add_connection2(pM, w, "E:", "\\\\fs2\\eve", "eve", "Ev3", 0), 0);
  simtest_free(pM);
}

/* ---------------------------------------------------------------- 2 ---- */

static int visit_values(void *pCtx, const SimNetValues *pV){
  simtest_add(pCtx, "%c|%s|%s|%s|%x|%u", pV->cLetter, pV->zRemotePath, pV->zUserName,
              pV->zProviderName, pV->nProviderType, pV->nConnectionType);
  return 0;
}

/* C6: CONNECT_UPDATE_PROFILE remembers the mapping in HKCU\Network; the
** password is never stored. */
static void test_C6_remembered_values(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Z:", "\\\\FS1\\Data", "alice", "Al1ce",
                                            SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "E:", "\\\\fs2\\eve", "eve", "Ev3", 0), 0);
  assert_int_equal(simtest_map(pM, b, "P:", "\\\\fs1\\pub", SIM_CONNECT_UPDATE_PROFILE), 0);
  memset(&buf, 0, sizeof(buf));
  assert_int_equal(sim_reg_read_network(pM, b, visit_values, &buf), 0);
  assert_string_equal(buf.z,
    "P|\\\\fs1\\pub||Microsoft Windows Network|20000|1|"
    "Z|\\\\FS1\\Data|alice|Microsoft Windows Network|20000|1");
  assert_null(strstr(buf.z, "Al1ce"));
  simtest_free(pM);
}

/* C7: a full token cannot remember a mapping; limited and default can;
** EnableLinkedConnections lifts it. */
static void test_C7_full_token_cannot_persist(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  SimLuid e = simtest_linked(pM, a);
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(simtest_map(pM, e, "Y:", zData, SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(simtest_map(pM, a, "Z:", zData, SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(simtest_map(pM, b, "Z:", zData, SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_string_equal(simtest_persisted(pM, e, &buf), "Z: \\\\fs1\\data user=");
  assert_string_equal(simtest_persisted(pM, b, &buf), "Z: \\\\fs1\\data user=");
  assert_string_equal(simtest_use(pM, e, &buf), "OK Y: \\\\fs1\\data|Unavailable Z: \\\\fs1\\data");
  /* with EnableLinkedConnections in effect the full half may remember */
  assert_int_equal(sim_policy_set(pM, SIM_POL_LINKED_CONNECTIONS, 1), 0);
  assert_int_equal(sim_reboot(pM), 0);
  a = simtest_logon(pM, "alice", SIM_LOGON_BECOME);          /* the full half */
  assert_int_equal(simtest_elevation(pM, a), SIM_ELEVATION_FULL);
  assert_int_equal(simtest_map(pM, a, "X:", zTeam, SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_string_equal(simtest_persisted(pM, a, &buf),
                      "X: \\\\fs1\\team user=|Z: \\\\fs1\\data user=");
  simtest_free(pM);
}

/* C8: the net use /persistent default is the user's, initially yes. */
static void test_C8_net_use_default(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b1 = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimLuid b2 = simtest_logon(pM, "bob", SIM_LOGON_RUNAS);
  SimLuid a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  int bYes = -1;
  (void)state;
  assert_int_equal(sim_reg_get_net_use_default(pM, b1, &bYes), 0);
  assert_int_equal(bYes, 1);
  assert_int_equal(sim_reg_set_net_use_default(pM, b1, 0), 0);
  assert_int_equal(sim_reg_get_net_use_default(pM, b2, &bYes), 0);
  assert_int_equal(bYes, 0);                       /* the same user */
  assert_int_equal(sim_reg_get_net_use_default(pM, a, &bYes), 0);
  assert_int_equal(bYes, 1);                       /* another user */
  assert_int_equal(sim_reg_user_net_use_default(pM, "BOB", &bYes), 0);
  assert_int_equal(bYes, 0);
  assert_int_equal(sim_reg_user_net_use_default(pM, "nobody", &bYes), ERROR_NOT_FOUND);
  assert_int_equal(sim_reboot(pM), 0);
  b1 = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(sim_reg_get_net_use_default(pM, b1, &bYes), 0);
  assert_int_equal(bYes, 0);                       /* it is in the hive */
  simtest_free(pM);
}

/* ---------------------------------------------------------------- 3 ---- */

/* C9: cancelling. */
static void test_C9_cancel_rules(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimLuid b2 = simtest_logon(pM, "bob", SIM_LOGON_RUNAS);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(simtest_map(pM, b, "Z:", zData, SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(simtest_map(pM, b, "Y:", zTeam, SIM_CONNECT_UPDATE_PROFILE), 0);
  /* without UPDATE_PROFILE the entry stays */
  assert_int_equal(sim_wnet_cancel_connection2(pM, b, "Z:", 0, 0), 0);
  assert_string_equal(simtest_use(pM, b, &buf), "OK Y: \\\\fs1\\team|Unavailable Z: \\\\fs1\\data");
  assert_string_equal(simtest_letters(pM, b, &buf), "Y:L");
  /* only remembered, cancelled without UPDATE_PROFILE: 2250, nothing changes */
  assert_int_equal(sim_wnet_cancel_connection2(pM, b, "Z:", 0, 1), ERROR_NOT_CONNECTED);
  assert_string_equal(simtest_persisted(pM, b, &buf), "Y: \\\\fs1\\team user=|Z: \\\\fs1\\data user=");
  /* another session of the user can forget a remembered entry */
  assert_int_equal(sim_wnet_cancel_connection2(pM, b2, "Z:", SIM_CONNECT_UPDATE_PROFILE, 0), 0);
  assert_string_equal(simtest_persisted(pM, b, &buf), "Y: \\\\fs1\\team user=");
  /* ...but not cancel the other session's connection */
  assert_int_equal(sim_wnet_cancel_connection2(pM, b2, "Y:", 0, 0), ERROR_NOT_CONNECTED);
  assert_string_equal(simtest_letters(pM, b, &buf), "Y:L");
  /* connected, with UPDATE_PROFILE: both go */
  assert_int_equal(sim_wnet_cancel_connection2(pM, b, "Y:", SIM_CONNECT_UPDATE_PROFILE, 1), 0);
  assert_string_equal(simtest_use(pM, b, &buf), "");
  assert_int_equal(sim_wnet_cancel_connection2(pM, b, "Q:", SIM_CONNECT_UPDATE_PROFILE, 1),
                   ERROR_NOT_CONNECTED);
  /* a DOS device that is not a connection is not connected */
  assert_int_equal(sim_define_dos_device(pM, b, 0, "Q:", "C:\\q"), 0);
  assert_int_equal(sim_wnet_cancel_connection2(pM, b, "Q:", 0, 0), ERROR_NOT_CONNECTED);
  assert_int_equal(sim_wnet_cancel_connection2(pM, b, "QQ", 0, 0), ERROR_BAD_DEVICE);
  simtest_free(pM);
}

/* C9: CONNECT_TEMPORARY is never remembered; a missing password is blank;
** a password without a user name goes with the caller's own name. */
static void test_C9_temporary_and_missing_credentials(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimLuid w = simtest_logon(pM, "bob", SIM_LOGON_WINRM);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(simtest_map(pM, b, "T:", zTeam,
                               SIM_CONNECT_UPDATE_PROFILE|SIM_CONNECT_TEMPORARY), 0);
  assert_string_equal(simtest_persisted(pM, b, &buf), "");
  /* b holds its own set for fs1 now (C5): a user name conflicts */
  assert_int_equal(sim_wnet_add_connection2(pM, b, "U:", zData, "alice", NULL, 0),
                   ERROR_SESSION_CREDENTIAL_CONFLICT);
  b = simtest_logon(pM, "bob", SIM_LOGON_RUNAS);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "U:", zData, "alice", NULL, 0),
                   ERROR_INVALID_PASSWORD);
  /* winrm holds no credentials, but a password alone names bob */
  assert_int_equal(sim_wnet_add_connection2(pM, w, "Z:", zData, NULL, "B0b",
                                            SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_string_equal(simtest_sets(pM, w, &buf), "fs1 explicit bob 1");
  assert_string_equal(simtest_persisted(pM, w, &buf), "Z: \\\\fs1\\data user=");
  simtest_free(pM);
}

/* C10: with EnableLinkedConnections a connection belongs to both halves. */
static void test_C10_linked_connections(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a, e;
  SimtestBuf buf;
  const char *z;
  int rc;
  (void)state;
  assert_int_equal(sim_policy_init(pM, SIM_POL_LINKED_CONNECTIONS, 1), 0);
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  e = simtest_linked(pM, a);
  assert_int_equal(simtest_map(pM, a, "Z:", zData, 0), 0);
  assert_string_equal(simtest_letters(pM, e, &buf), "Z:L");
  assert_string_equal(simtest_use(pM, e, &buf), "OK Z: \\\\fs1\\data");
  assert_int_equal(sim_wnet_get_connection(pM, e, "Z:", &z), 0);
  assert_int_equal(sim_open_path(pM, e, "Z:\\"), 0);
  /* the same link target in both directories */
  simtest_query(pM, e, "Z:", &rc, &buf);
  assert_int_equal(rc, 0);
  assert_non_null(strstr(buf.z, "\\fs1\\data"));
  /* cancelling from the other half removes both links */
  assert_int_equal(sim_wnet_cancel_connection2(pM, e, "Z:", 0, 0), 0);
  assert_string_equal(simtest_letters(pM, a, &buf), "");
  assert_string_equal(simtest_letters(pM, e, &buf), "");
  assert_string_equal(simtest_sets(pM, a, &buf), "");
  /* the full half's mapping reaches the limited half and is remembered */
  assert_int_equal(simtest_map(pM, e, "Y:", zTeam, SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_string_equal(simtest_use(pM, a, &buf), "OK Y: \\\\fs1\\team");
  assert_string_equal(simtest_persisted(pM, a, &buf), "Y: \\\\fs1\\team user=");
  /* a letter the other half already uses locally stays the caller's own */
  assert_int_equal(sim_define_dos_device(pM, e, 0, "X:", "C:\\x"), 0);
  assert_int_equal(simtest_map(pM, a, "X:", zPub, 0), 0);
  assert_string_equal(simtest_use(pM, e, &buf), "OK Y: \\\\fs1\\team");
  simtest_free(pM);
}

/* C11: WNetGetConnection. */
static void test_C11_get_connection(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimLuid b2 = simtest_logon(pM, "bob", SIM_LOGON_RUNAS);
  const char *z = NULL;
  (void)state;
  assert_int_equal(simtest_map(pM, b, "Z:", "\\\\FS1\\data", SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(sim_wnet_get_connection(pM, b, "z:", &z), 0);
  assert_string_equal(z, "\\\\FS1\\data");
  assert_int_equal(sim_wnet_get_connection(pM, b2, "Z:", &z), ERROR_CONNECTION_UNAVAIL);
  assert_string_equal(z, "\\\\FS1\\data");
  assert_int_equal(sim_wnet_get_connection(pM, b2, "Y:", &z), ERROR_NOT_CONNECTED);
  assert_int_equal(sim_wnet_get_connection(pM, b2, "Y", &z), ERROR_BAD_DEVICE);
  simtest_free(pM);
}

/* C12: enumeration; net use shows connected ones OK, remembered ones
** Unavailable; other sessions' and SYSTEM's drives are not listed. */
static void test_C12_enumeration(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimLuid b2 = simtest_logon(pM, "bob", SIM_LOGON_RUNAS);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(simtest_map(pM, b, "Z:", zData, SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(simtest_map(pM, b, "M:", zTeam, 0), 0);
  assert_int_equal(simtest_map(pM, b2, "K:", zPub, 0), 0);
  assert_int_equal(simtest_map(pM, SIM_LUID_SYSTEM, "S:", zTeam, 0), 0);
  memset(&buf, 0, sizeof(buf));
  assert_int_equal(sim_wnet_enum(pM, b, SIM_RESOURCE_CONNECTED, simtest_visit_res, &buf), 0);
  assert_string_equal(buf.z, "M: \\\\fs1\\team|Z: \\\\fs1\\data");
  memset(&buf, 0, sizeof(buf));
  assert_int_equal(sim_wnet_enum(pM, b2, SIM_RESOURCE_REMEMBERED, simtest_visit_res, &buf), 0);
  assert_string_equal(buf.z, "Z: \\\\fs1\\data");
  assert_int_equal(sim_wnet_enum(pM, b2, 2, simtest_visit_res, &buf), ERROR_INVALID_PARAMETER);
  assert_string_equal(simtest_use(pM, b2, &buf), "OK K: \\\\fs1\\pub|Unavailable Z: \\\\fs1\\data");
  assert_string_equal(simtest_use(pM, b, &buf), "OK M: \\\\fs1\\team|OK Z: \\\\fs1\\data");
  /* net use * /delete: every listed letter, remembered ones included */
  assert_int_equal(sim_net_use_delete_all(pM, b2), 0);
  assert_string_equal(simtest_use(pM, b2, &buf), "");
  assert_string_equal(simtest_use(pM, b, &buf), "OK M: \\\\fs1\\team|OK Z: \\\\fs1\\data");
  assert_string_equal(simtest_persisted(pM, b, &buf), "");
  assert_int_equal(sim_net_use_delete_all(pM, b), 0);
  assert_string_equal(simtest_letters(pM, b, &buf), "S:G");
  simtest_free(pM);
}

/* ---------------------------------------------------------------- 4 ---- */

/* G1/G3: SYSTEM's mapping is global, seen by every session unless a local
** link shadows it, and not listed by a user's net use. */
static void test_G1_G3_system_mapping_is_global(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimLuid w = simtest_logon(pM, "eve", SIM_LOGON_WINRM);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(simtest_map(pM, SIM_LUID_SYSTEM, "G:", zTeam, 0), 0);
  assert_string_equal(simtest_use(pM, SIM_LUID_SYSTEM, &buf), "OK G: \\\\fs1\\team");
  assert_string_equal(simtest_letters(pM, b, &buf), "G:G");
  assert_string_equal(simtest_letters(pM, w, &buf), "G:G");
  assert_string_equal(simtest_use(pM, b, &buf), "");
  /* the letter is taken in every view (C2) */
  assert_int_equal(simtest_map(pM, b, "G:", zData, 0), ERROR_ALREADY_ASSIGNED);
  /* a local link made before shadows it */
  assert_int_equal(simtest_map(pM, b, "H:", zData, 0), 0);
  assert_int_equal(simtest_map(pM, SIM_LUID_SYSTEM, "H:", zTeam, 0), 0);
  assert_string_equal(simtest_letters(pM, b, &buf), "G:G|H:L");
  assert_string_equal(simtest_letters(pM, w, &buf), "G:G|H:G");
  /* SYSTEM's own credentials are the computer account's */
  assert_string_equal(simtest_sets(pM, SIM_LUID_SYSTEM, &buf), "fs1 own SYSTEM 2");
  assert_int_equal(simtest_map(pM, SIM_LUID_SYSTEM, "D:", "\\\\fs2\\eve", 0), ERROR_ACCESS_DENIED);
  simtest_free(pM);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_C1_redirector_link),
    cmocka_unit_test(test_C2_error_order),
    cmocka_unit_test(test_C3_credential_order),
    cmocka_unit_test(test_C4_server_verdicts),
    cmocka_unit_test(test_C5_credential_conflict),
    cmocka_unit_test(test_C5_own_set_conflicts_with_explicit),
    cmocka_unit_test(test_C6_remembered_values),
    cmocka_unit_test(test_C7_full_token_cannot_persist),
    cmocka_unit_test(test_C8_net_use_default),
    cmocka_unit_test(test_C9_cancel_rules),
    cmocka_unit_test(test_C9_temporary_and_missing_credentials),
    cmocka_unit_test(test_C10_linked_connections),
    cmocka_unit_test(test_C11_get_connection),
    cmocka_unit_test(test_C12_enumeration),
    cmocka_unit_test(test_G1_G3_system_mapping_is_global),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
