/*
** tests/sim/test_sim_session.c: logons, logon sessions and tokens
** (SEMANTICS L1-L8, L10, and v2's L11-L14).
**
** Contents: 1. LUIDs and split tokens  2. halves and credentials
**           3. logon failures, logoff, ended sessions
**           4. v2: ssh, netonly, tasks, elevation
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

/* ---------------------------------------------------------------- 4 ---- */

/* L11 v2: ssh is a network-cleartext logon: tokens as a network logon
** (L3, L4), the password checked (L7), credentials held for outbound
** connections but no vault, nothing restored (R4). */
static void test_L11_ssh_network_cleartext(void **state){
  SimMachine *pM = simtest_world();
  SimLuid t, b1;
  SimTokenInfo info;
  SimtestBuf b;
  (void)state;
  t = simtest_logon(pM, "alice", SIM_LOGON_SSH);          /* L4: filtered */
  assert_int_equal(sim_token_query(pM, t, &info), 0);
  assert_int_equal(info.eElevation, SIM_ELEVATION_LIMITED);
  assert_int_equal(info.luidLinked, 0);
  assert_int_equal(info.eLogonType, SIM_LOGON_SSH);
  assert_true(info.bHasCredentials);
  assert_false(info.bVault);
  assert_null(info.zOutUser);
  /* the held credentials go out: alice is admitted to \\fs1\data */
  assert_int_equal(simtest_map(pM, t, "Z:", "\\\\fs1\\data", 0), 0);
  t = simtest_logon(pM, "dave", SIM_LOGON_SSH);           /* L3: domain */
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_DEFAULT);
  t = simtest_logon(pM, "bob", SIM_LOGON_SSH);            /* L3: standard */
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_DEFAULT);
  assert_int_equal(sim_logon_user(pM, "bob", SIM_LOGON_SSH, 0, "nope", &t),
                   ERROR_LOGON_FAILURE);                   /* L7 */
  /* R4: a remembered drive is not restored into an ssh logon */
  b1 = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(simtest_map(pM, b1, "Y:", "\\\\fs1\\data", SIM_CONNECT_UPDATE_PROFILE), 0);
  t = simtest_logon(pM, "bob", SIM_LOGON_SSH);
  assert_string_equal(simtest_use(pM, t, &b), "Unavailable Y: \\\\fs1\\data");
  /* L4 lifted by LocalAccountTokenFilterPolicy, read at the logon (W2) */
  assert_int_equal(sim_policy_set(pM, SIM_POL_LOCAL_ACCOUNT_TOKEN_FILTER, 1), 0);
  t = simtest_logon(pM, "alice", SIM_LOGON_SSH);
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_DEFAULT);
  simtest_free(pM);
}

/* L12 v2: netonly copies the token of a live half into a new, unlinked
** logon session; its outbound identity is the netonly account, with the
** password unchecked; the vault follows the half it came from. */
static void test_L12_netonly(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a, e, n, n2, w;
  SimTokenInfo info;
  SimtestBuf b;
  (void)state;
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  e = simtest_linked(pM, a);
  assert_int_equal(sim_define_dos_device(pM, a, 0, "Q:", "C:\\q"), 0);
  /* a wrong password is not checked at logon */
  assert_int_equal(sim_logon_netonly(pM, a, "bob", "not-bobs", &n), 0);
  assert_int_equal(sim_token_query(pM, n, &info), 0);
  assert_true(n!=a && n!=e);
  assert_string_equal(info.zUser, "alice");
  assert_int_equal(info.eElevation, SIM_ELEVATION_LIMITED);
  assert_int_equal(info.luidLinked, 0);
  assert_int_equal(info.eLogonType, SIM_LOGON_NETONLY);
  assert_true(info.bHasCredentials);
  assert_true(info.bVault);
  assert_string_equal(info.zOutUser, "bob");
  /* S's drives are not in its view (N1: its own directory) */
  assert_string_equal(simtest_letters(pM, n, &b), "");
  /* from the full half: a full, unlinked copy */
  assert_int_equal(sim_logon_netonly(pM, e, "DOM\\bob", "B0b", &n2), 0);
  assert_int_equal(simtest_elevation(pM, n2), SIM_ELEVATION_FULL);
  assert_int_equal(simtest_linked(pM, n2), 0);
  /* from a half that cannot open the vault: neither can the copy (K2) */
  w = simtest_logon(pM, "bob", SIM_LOGON_WINRM);
  assert_int_equal(sim_logon_netonly(pM, w, "eve", "Ev3", &n2), 0);
  assert_int_equal(sim_token_query(pM, n2, &info), 0);
  assert_true(info.bHasCredentials);
  assert_false(info.bVault);
  /* logoff of the netonly session ends only it; of S, not the copy */
  assert_int_equal(sim_logoff(pM, n2), 0);
  assert_true(sim_session_exists(pM, w));
  assert_int_equal(sim_logoff(pM, a), 0);
  assert_true(sim_session_exists(pM, n));
  /* an ended half cannot be the source (L10); an empty name is refused */
  assert_int_equal(sim_logon_netonly(pM, a, "bob", "B0b", &n2), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(sim_logon_netonly(pM, n, "", "B0b", &n2), ERROR_INVALID_PARAMETER);
  assert_int_equal(sim_logon_user(pM, "bob", SIM_LOGON_NETONLY, 0, "B0b", &n2),
                   ERROR_INVALID_PARAMETER);
  simtest_free(pM);
}

/* L13 v2: a task with the interactive token runs in the existing logon:
** no new session, the limited half or, with highest, the full one. */
static void test_L13_task_interactive_token(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a, e, t, bob, x;
  int n;
  (void)state;
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  e = simtest_linked(pM, a);
  n = sim_session_count(pM);
  assert_int_equal(sim_logon_task(pM, a, 0, &t), 0);
  assert_true(t==a);
  assert_int_equal(sim_logon_task(pM, a, 1, &t), 0);
  assert_true(t==e);
  /* from the full half too: the halves of its logon */
  assert_int_equal(sim_logon_task(pM, e, 0, &t), 0);
  assert_true(t==a);
  assert_int_equal(sim_session_count(pM), n);           /* no new session */
  /* an unsplit logon has one half, highest or not */
  bob = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(sim_logon_task(pM, bob, 1, &t), 0);
  assert_true(t==bob);
  assert_int_equal(sim_logoff(pM, bob), 0);
  assert_int_equal(sim_logon_task(pM, bob, 0, &x), ERROR_NO_SUCH_LOGON_SESSION);
  simtest_free(pM);
}

/* L13 v2: an s4u task is a batch logon (L2, L5) that needs no password
** and holds no credentials: no outbound identity, no vault. */
static void test_L13_s4u_batch_without_credentials(void **state){
  SimMachine *pM = simtest_world();
  SimLuid t;
  SimTokenInfo info;
  (void)state;
  assert_int_equal(sim_logon_user(pM, "alice", SIM_LOGON_S4U, 0, NULL, &t), 0);
  assert_int_equal(sim_token_query(pM, t, &info), 0);
  assert_int_equal(info.eElevation, SIM_ELEVATION_LIMITED);
  assert_true(info.luidLinked!=0);
  assert_false(info.bHasCredentials);
  assert_false(info.bVault);
  assert_int_equal(simtest_elevation(pM, info.luidLinked), SIM_ELEVATION_FULL);
  assert_int_equal(sim_logon_user(pM, "alice", SIM_LOGON_S4U, 1, NULL, &t), 0);
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_FULL);
  /* no credentials: the connection goes anonymous, which \\fs1\data
  ** refuses and \\fs1\pub admits (C3, C4) */
  assert_int_equal(simtest_map(pM, t, "Z:", "\\\\fs1\\data", 0), ERROR_ACCESS_DENIED);
  assert_int_equal(simtest_map(pM, t, "P:", "\\\\fs1\\pub", 0), 0);
  assert_int_equal(sim_logon_user(pM, "bob", SIM_LOGON_S4U, 0, NULL, &t), 0);
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_DEFAULT);
  simtest_free(pM);
}

/* L14 v2: elevation with consent hands out S's linked full half; with a
** credential prompt, the full half of a new split logon whose halves are
** not linked to S's. */
static void test_L14_elevate(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a, e, x, b, n;
  int nSess;
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_policy_init(pM, SIM_POL_LINKED_CONNECTIONS, 1), 0);
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  e = simtest_linked(pM, a);
  nSess = sim_session_count(pM);
  assert_int_equal(sim_elevate(pM, a, NULL, &x), 0);
  assert_true(x==e);
  assert_int_equal(sim_session_count(pM), nSess);
  /* credentials: read at this elevation (W2) */
  assert_int_equal(sim_policy_set(pM, SIM_POL_CONSENT_CREDENTIALS, 1), 0);
  assert_int_equal(sim_elevate(pM, a, "wrong", &x), ERROR_LOGON_FAILURE);
  assert_int_equal(sim_session_count(pM), nSess);
  assert_int_equal(sim_elevate(pM, a, "Al1ce", &x), 0);
  assert_int_equal(sim_session_count(pM), nSess+2);
  assert_int_equal(simtest_elevation(pM, x), SIM_ELEVATION_FULL);
  assert_true(x!=e && simtest_linked(pM, x)!=a && simtest_linked(pM, x)!=0);
  /* even with linked connections in effect, S's drives are not in view */
  assert_int_equal(simtest_map(pM, e, "Z:", "\\\\fs1\\data", 0), 0);
  assert_string_equal(simtest_letters(pM, a, &buf), "Z:L");   /* C10 */
  assert_string_equal(simtest_letters(pM, x, &buf), "");
  /* [F] a credential prompt is a new logon from any half: from the full
  ** half, and for a standard user (a default token) */
  assert_int_equal(sim_elevate(pM, e, "Al1ce", &x), 0);
  assert_true(x!=e && simtest_elevation(pM, x)==SIM_ELEVATION_FULL);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(sim_elevate(pM, b, "B0b", &x), 0);
  assert_true(x!=b && simtest_elevation(pM, x)==SIM_ELEVATION_DEFAULT);
  /* [F] under consent an unfiltered half is handed back; a standard user
  ** cannot be elevated */
  assert_int_equal(sim_policy_set(pM, SIM_POL_CONSENT_CREDENTIALS, 0), 0);
  assert_int_equal(sim_elevate(pM, e, NULL, &x), 0);
  assert_true(x==e);
  assert_int_equal(sim_elevate(pM, b, NULL, &x), ERROR_ACCESS_DENIED);
  /* [F] consent from a filtered token with no linked half */
  assert_int_equal(sim_logon_netonly(pM, a, "bob", "B0b", &n), 0);
  assert_int_equal(sim_elevate(pM, n, NULL, &x), ERROR_ACCESS_DENIED);
  assert_int_equal(sim_logoff(pM, a), 0);
  assert_int_equal(sim_elevate(pM, a, NULL, &x), ERROR_NO_SUCH_LOGON_SESSION);
  simtest_free(pM);
}

/* L2-L5 v2: which of the new logon types split, filter and hand out. */
static void test_L2_L5_v2_logon_types(void **state){
  SimMachine *pM = simtest_world();
  SimLuid t;
  (void)state;
  /* the built-in Administrator: not split (FilterAdministratorToken=0) */
  assert_int_equal(sim_logon_user(pM, "admin", SIM_LOGON_S4U, 0, NULL, &t), 0);
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_DEFAULT);
  t = simtest_logon(pM, "admin", SIM_LOGON_SSH);
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_DEFAULT);
  assert_int_equal(sim_policy_init(pM, SIM_POL_FILTER_ADMIN_TOKEN, 1), 0);
  t = simtest_logon(pM, "admin", SIM_LOGON_SSH);          /* L4 */
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_LIMITED);
  assert_int_equal(simtest_linked(pM, t), 0);
  /* UAC off: nothing splits */
  assert_int_equal(sim_policy_init(pM, SIM_POL_ENABLE_LUA, 0), 0);
  assert_int_equal(sim_logon_user(pM, "alice", SIM_LOGON_S4U, 1, NULL, &t), 0);
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_DEFAULT);
  t = simtest_logon(pM, "alice", SIM_LOGON_SSH);
  assert_int_equal(simtest_elevation(pM, t), SIM_ELEVATION_DEFAULT);
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
    cmocka_unit_test(test_L11_ssh_network_cleartext),
    cmocka_unit_test(test_L12_netonly),
    cmocka_unit_test(test_L13_task_interactive_token),
    cmocka_unit_test(test_L13_s4u_batch_without_credentials),
    cmocka_unit_test(test_L14_elevate),
    cmocka_unit_test(test_L2_L5_v2_logon_types),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
