/*
** tests/sim/test_sim_session.c: logons, logon sessions and tokens
** (SEMANTICS L1-L8, L10).
**
** Contents: 1. LUIDs and split tokens  2. halves and credentials
**           3. logon failures, logoff, ended sessions
*/
#include "tests/sim/simtest.h"

/* ---------------------------------------------------------------- 1 ---- */

/* L1: every logon gets fresh LUIDs; SYSTEM's 0x3e7 exists from boot. */
static void test_L1_fresh_luids_and_system(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b1, b2, a;
  SimTokenInfo info;
  (void)state;
  assert_true(sim_session_exists(pM, SIM_LUID_SYSTEM));
  assert_int_equal(sim_token_query(pM, SIM_LUID_SYSTEM, &info), 0);
  assert_string_equal(info.zUser, "SYSTEM");
  assert_int_equal(info.eElevation, SIM_ELEVATION_DEFAULT);
  assert_int_equal(info.luidLinked, 0);
  assert_true(info.bAdminUnfiltered);
  b1 = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  b2 = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  assert_true(b1!=b2);
  assert_true(b1!=SIM_LUID_SYSTEM && b2!=SIM_LUID_SYSTEM);
  assert_true(a!=b1 && a!=b2 && simtest_linked(pM, a)!=a);
  assert_int_equal(sim_session_count(pM), 5);   /* SYSTEM, b1, b2, 2 halves */
  simtest_free(pM);
}

/* L2: an administrator's interactive logon is split into two linked
** sessions; the process gets the limited one. */
static void test_L2_admin_logon_is_split(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a, e;
  SimTokenInfo li, fi;
  (void)state;
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  assert_int_equal(sim_token_query(pM, a, &li), 0);
  e = li.luidLinked;
  assert_true(e!=0 && e!=a);
  assert_int_equal(sim_token_query(pM, e, &fi), 0);
  assert_int_equal(li.eElevation, SIM_ELEVATION_LIMITED);
  assert_int_equal(fi.eElevation, SIM_ELEVATION_FULL);
  assert_int_equal(fi.luidLinked, a);
  assert_false(li.bAdminUnfiltered);
  assert_true(fi.bAdminUnfiltered);
  /* a domain administrator is split as well */
  a = simtest_logon(pM, "dave", SIM_LOGON_RDP);
  assert_int_equal(simtest_elevation(pM, a), SIM_ELEVATION_LIMITED);
  assert_true(simtest_linked(pM, a)!=0);
  simtest_free(pM);
}

/* L2/L3: the built-in Administrator is split only with
** FilterAdministratorToken=1. */
static void test_L2_L3_builtin_admin_and_filter_admin_token(void **state){
  SimMachine *pM = simtest_world();
  SimLuid t;
  (void)state;
  t = simtest_logon(pM, "admin", SIM_LOGON_INTERACTIVE);
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_DEFAULT);
  assert_int_equal(simtest_linked(pM, t), 0);
  t = simtest_logon(pM, "admin", SIM_LOGON_NETWORK);
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_DEFAULT);
  assert_int_equal(sim_policy_init(pM, SIM_POL_FILTER_ADMIN_TOKEN, 1), 0);
  t = simtest_logon(pM, "admin", SIM_LOGON_INTERACTIVE);
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_LIMITED);
  assert_true(simtest_linked(pM, t)!=0);
  t = simtest_logon(pM, "admin", SIM_LOGON_NETWORK);       /* L4 */
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_LIMITED);
  assert_int_equal(simtest_linked(pM, t), 0);
  simtest_free(pM);
}

/* L3: tokens that are not split have TokenElevationTypeDefault. */
static void test_L3_default_tokens(void **state){
  SimMachine *pM = simtest_world();
  SimLuid t;
  (void)state;
  t = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);        /* standard user */
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_DEFAULT);
  t = simtest_logon(pM, "alice", SIM_LOGON_SERVICE);          /* service logon */
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_DEFAULT);
  assert_int_equal(simtest_linked(pM, t), 0);
  t = simtest_logon(pM, "dave", SIM_LOGON_NETWORK);           /* domain, network */
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_DEFAULT);
  t = simtest_logon(pM, "dave", SIM_LOGON_WINRM);
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_DEFAULT);
  assert_int_equal(sim_policy_init(pM, SIM_POL_LOCAL_ACCOUNT_TOKEN_FILTER, 1), 0);
  t = simtest_logon(pM, "alice", SIM_LOGON_NETWORK);          /* LATFP=1 */
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_DEFAULT);
  assert_int_equal(sim_policy_init(pM, SIM_POL_ENABLE_LUA, 0), 0);
  t = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);      /* UAC off */
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_DEFAULT);
  assert_int_equal(simtest_linked(pM, t), 0);
  simtest_free(pM);
}

/* L4: a network, winrm or credssp logon by a local administrator gets a
** filtered token with no linked token. */
static void test_L4_network_local_admin_filtered(void **state){
  SimMachine *pM = simtest_world();
  static const SimLogonType ae[] = {SIM_LOGON_NETWORK, SIM_LOGON_WINRM, SIM_LOGON_CREDSSP};
  int i;
  (void)state;
  for(i=0; i<3; i++){
    SimLuid t = simtest_logon(pM, "alice", ae[i]);
    SimTokenInfo info;
    assert_int_equal(sim_token_query(pM, t, &info), 0);
    assert_int_equal(info.eElevation, SIM_ELEVATION_LIMITED);
    assert_int_equal(info.luidLinked, 0);
    assert_false(info.bAdminUnfiltered);
  }
  simtest_free(pM);
}

/* ---------------------------------------------------------------- 2 ---- */

/* L5: which half the process gets. */
static void test_L5_half_handed_to_process(void **state){
  SimMachine *pM = simtest_world();
  SimLuid t;
  (void)state;
  t = simtest_logon(pM, "alice", SIM_LOGON_RDP);
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_LIMITED);
  t = simtest_logon(pM, "alice", SIM_LOGON_RUNAS);
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_LIMITED);
  t = simtest_logon(pM, "alice", SIM_LOGON_BATCH);
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_LIMITED);
  assert_int_equal(sim_logon_user(pM, "alice", SIM_LOGON_BATCH, 1, "Al1ce", &t), 0);
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_FULL);     /* highest */
  t = simtest_logon(pM, "alice", SIM_LOGON_BECOME);
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_FULL);
  assert_int_equal(simtest_elevation(pM, simtest_linked(pM, t)), SIM_ELEVATION_LIMITED);
  t = simtest_logon(pM, "alice", SIM_LOGON_CURRENT);
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_FULL);
  assert_int_equal(simtest_elevation(pM, simtest_linked(pM, t)), SIM_ELEVATION_LIMITED);
  simtest_free(pM);
}

/* L5: current restores nothing (unlike an interactive logon). */
static void test_L5_current_restores_nothing(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b, c;
  SimtestBuf buf;
  (void)state;
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(simtest_map(pM, b, "Z:", "\\\\fs1\\data", SIM_CONNECT_UPDATE_PROFILE), 0);
  c = simtest_logon(pM, "bob", SIM_LOGON_CURRENT);
  assert_string_equal(simtest_use(pM, c, &buf), "Unavailable Z: \\\\fs1\\data");
  simtest_free(pM);
}

/* L6: network and winrm logons hold no credentials; credssp, become,
** batch, service and interactive ones do; SYSTEM holds the computer's. */
static void test_L6_credentials_by_logon_type(void **state){
  SimMachine *pM = simtest_world();
  static const SimLogonType aWith[] = {
    SIM_LOGON_INTERACTIVE, SIM_LOGON_RDP, SIM_LOGON_RUNAS, SIM_LOGON_BATCH,
    SIM_LOGON_SERVICE, SIM_LOGON_BECOME, SIM_LOGON_CURRENT, SIM_LOGON_CREDSSP
  };
  SimTokenInfo info;
  SimLuid t;
  int i;
  (void)state;
  for(i=0; i<(int)(sizeof(aWith)/sizeof(aWith[0])); i++){
    t = simtest_logon(pM, "bob", aWith[i]);
    assert_int_equal(sim_token_query(pM, t, &info), 0);
    assert_true(info.bHasCredentials);
  }
  t = simtest_logon(pM, "bob", SIM_LOGON_NETWORK);
  assert_int_equal(sim_token_query(pM, t, &info), 0);
  assert_false(info.bHasCredentials);
  t = simtest_logon(pM, "bob", SIM_LOGON_WINRM);
  assert_int_equal(sim_token_query(pM, t, &info), 0);
  assert_false(info.bHasCredentials);
  assert_int_equal(sim_token_query(pM, SIM_LUID_SYSTEM, &info), 0);
  assert_true(info.bHasCredentials);
  /* both halves of a split logon hold them */
  t = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  assert_int_equal(sim_token_query(pM, simtest_linked(pM, t), &info), 0);
  assert_true(info.bHasCredentials);
  simtest_free(pM);
}

/* ---------------------------------------------------------------- 3 ---- */

/* L7: a wrong password, an unknown account or SYSTEM fails with 1326;
** current does not check the password. */
static void test_L7_wrong_password_fails(void **state){
  SimMachine *pM = simtest_world();
  SimLuid t = 99;
  int n = sim_session_count(pM);
  (void)state;
  assert_int_equal(sim_logon_user(pM, "alice", SIM_LOGON_INTERACTIVE, 0, "wrong", &t),
                   ERROR_LOGON_FAILURE);
  assert_int_equal(t, 0);
  assert_int_equal(sim_logon_user(pM, "alice", SIM_LOGON_INTERACTIVE, 0, "al1ce", &t),
                   ERROR_LOGON_FAILURE);                  /* case-sensitive */
  assert_int_equal(sim_logon_user(pM, "nobody", SIM_LOGON_INTERACTIVE, 0, "", &t),
                   ERROR_LOGON_FAILURE);
  assert_int_equal(sim_logon_user(pM, "SYSTEM", SIM_LOGON_INTERACTIVE, 0, "", &t),
                   ERROR_LOGON_FAILURE);
  assert_int_equal(sim_logon_user(pM, "alice", SIM_LOGON_SYSTEM, 0, "Al1ce", &t),
                   ERROR_INVALID_PARAMETER);
  assert_int_equal(sim_session_count(pM), n);          /* nothing created */
  assert_int_equal(sim_logon_user(pM, "ALICE", SIM_LOGON_CURRENT, 0, "whatever", &t), 0);
  simtest_free(pM);
}

/* L8: logoff ends both halves, their directories and connections; the
** registry and the vault stay. */
static void test_L8_logoff_ends_both_halves(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a, e, a2;
  SimtestBuf buf;
  int bExists = 1;
  (void)state;
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  e = simtest_linked(pM, a);
  assert_int_equal(simtest_map(pM, a, "Z:", "\\\\fs1\\data", SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(sim_define_dos_device(pM, e, 0, "Q:", "C:\\q"), 0);
  assert_int_equal(sim_cred_write(pM, a, "fs2", "eve", "Ev3"), 0);
  assert_int_equal(sim_logoff(pM, e), 0);                  /* either half */
  assert_false(sim_session_exists(pM, a));
  assert_false(sim_session_exists(pM, e));
  assert_int_equal(sim_logoff(pM, a), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(sim_dosdev_visit_session(pM, e, &bExists, simtest_visit_link, &buf),
                   ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(bExists, 0);
  a2 = simtest_logon(pM, "alice", SIM_LOGON_RUNAS);   /* no restore */
  assert_string_equal(simtest_persisted(pM, a2, &buf), "Z: \\\\fs1\\data user=");
  memset(&buf, 0, sizeof(buf));
  assert_int_equal(sim_cred_enumerate(pM, a2, simtest_visit_cred, &buf), 0);
  assert_string_equal(buf.z, "fs2 user=eve");
  assert_string_equal(simtest_letters(pM, a2, &buf), "");
  assert_int_equal(sim_logoff(pM, SIM_LUID_SYSTEM), ERROR_ACCESS_DENIED);
  simtest_free(pM);
}

static int visit_none(void *pCtx, const char *z){ (void)pCtx; (void)z; return 0; }
static int visit_none_link(void *pCtx, const SimLinkInfo *p){ (void)pCtx; (void)p; return 0; }
static int visit_none_use(void *pCtx, const SimUseInfo *p){ (void)pCtx; (void)p; return 0; }
static int visit_none_res(void *pCtx, const SimResourceInfo *p){ (void)pCtx; (void)p; return 0; }
static int visit_none_cred(void *pCtx, const SimCredInfo *p){ (void)pCtx; (void)p; return 0; }
static int visit_none_net(void *pCtx, const SimNetValues *p){ (void)pCtx; (void)p; return 0; }

/* L10: every call made as an ended logon session fails with 1312. */
static void test_L10_ended_session_1312(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b;
  SimTokenInfo info;
  const char *z;
  int bYes;
  (void)state;
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(sim_logoff(pM, b), 0);
  assert_int_equal(sim_token_query(pM, b, &info), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "Q:", "C:\\"), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(sim_query_dos_device(pM, b, "C:", visit_none, NULL), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(sim_dosdev_view(pM, b, visit_none_link, NULL), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(simtest_map(pM, b, "Z:", "\\\\fs1\\data", 0), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(sim_wnet_cancel_connection2(pM, b, "Z:", 0, 0), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(sim_wnet_get_connection(pM, b, "Z:", &z), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(sim_wnet_enum(pM, b, SIM_RESOURCE_CONNECTED, visit_none_res, NULL),
                   ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(sim_net_use_list(pM, b, visit_none_use, NULL), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(sim_net_use_delete_all(pM, b), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(sim_cred_write(pM, b, "fs1", "bob", "B0b"), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(sim_cred_delete(pM, b, "fs1"), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(sim_cred_enumerate(pM, b, visit_none_cred, NULL), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(sim_reg_read_network(pM, b, visit_none_net, NULL), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(sim_reg_get_net_use_default(pM, b, &bYes), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(sim_reg_set_net_use_default(pM, b, 0), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(sim_open_path(pM, b, "C:\\"), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(sim_logoff(pM, b), ERROR_NO_SUCH_LOGON_SESSION);
  /* an id that never was a session */
  assert_int_equal(sim_token_query(pM, 0x7777777, &info), ERROR_NO_SUCH_LOGON_SESSION);
  simtest_free(pM);
}

static int collect_sessions(void *pCtx, const SimTokenInfo *p){
  simtest_add(pCtx, "%s/%d", p->zUser, (int)p->eElevation);
  return 0;
}

/* Introspection: sessions in creation order, SYSTEM first. */
static void test_L1_session_visit_order(void **state){
  SimMachine *pM = simtest_world();
  SimtestBuf buf;
  (void)state;
  simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  memset(&buf, 0, sizeof(buf));
  sim_session_visit(pM, collect_sessions, &buf);
  assert_string_equal(buf.z, "SYSTEM/1|bob/1|alice/3|alice/2");
  simtest_free(pM);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_L1_fresh_luids_and_system),
    cmocka_unit_test(test_L1_session_visit_order),
    cmocka_unit_test(test_L2_admin_logon_is_split),
    cmocka_unit_test(test_L2_L3_builtin_admin_and_filter_admin_token),
    cmocka_unit_test(test_L3_default_tokens),
    cmocka_unit_test(test_L4_network_local_admin_filtered),
    cmocka_unit_test(test_L5_half_handed_to_process),
    cmocka_unit_test(test_L5_current_restores_nothing),
    cmocka_unit_test(test_L6_credentials_by_logon_type),
    cmocka_unit_test(test_L7_wrong_password_fails),
    cmocka_unit_test(test_L8_logoff_ends_both_halves),
    cmocka_unit_test(test_L10_ended_session_1312),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
