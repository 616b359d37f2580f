/*
** tests/sim/test_sim_conn_v2.c: the connection, credential and registry
** rules SEMANTICS version 2 added or changed (C2, C4, C5, C7 with W2, C9,
** C10, C13-C16, K1, K3, R6).
**
** Each test names the rule it checks. Where a test guards a break that
** earlier tests let through, its comment says which.
**
** Contents: 1. explicit names and passwords (C2, C4, C5, C9)
**           2. both halves and the reboot (C7, C10)
**           3. connections without a letter (C13, C14, C15)
**           4. server names and the vault (C16, K1, K3)
**           5. HKCU\Network written directly (R6)
*/
#include "tests/sim/simtest.h"

static const char *const zData = "\\\\fs1\\data";
static const char *const zPub = "\\\\fs1\\pub";
static const char *const zTeam = "\\\\fs1\\team";

/* The deviceless rows of a `wnet enum connected`, and the lettered ones. */
static const char *enum_connected(const SimMachine *pM, SimLuid tok, SimtestBuf *p){
  memset(p, 0, sizeof(*p));
  assert_int_equal(sim_wnet_enum(pM, tok, SIM_RESOURCE_CONNECTED, simtest_visit_res, p), 0);
  return p->z;
}

/* ---------------------------------------------------------------- 1 ---- */

/* C2 v2: a letter the session still has a connection on is
** ERROR_ALREADY_ASSIGNED after its link was removed with DefineDosDevice,
** before the remembered check (1202) and the server checks. */
static void test_C2_letter_still_connected_after_link_removed(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(simtest_map(pM, b, "Z:", zData, SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_REMOVE_DEFINITION, "Z:", NULL), 0);
  assert_string_equal(simtest_letters(pM, b, &buf), "");
  assert_int_equal(simtest_map(pM, b, "Z:", zTeam, 0), ERROR_ALREADY_ASSIGNED);
  assert_int_equal(simtest_map(pM, b, "Z:", "\\\\nosuch\\x", 0), ERROR_ALREADY_ASSIGNED);
  /* automatic letters skip it too (C15) */
  {
    char c = 0;
    assert_int_equal(sim_wnet_use_connection(pM, b, NULL, zTeam, NULL, NULL,
                                             SIM_CONNECT_REDIRECT, &c), 0);
    assert_int_equal(c, 'Y');
  }
  simtest_free(pM);
}

/* C4 v2: an explicit name is matched to an account after the part before
** a backslash is dropped; a name that names no account is 1326, a known
** one with the wrong password 86. */
static void test_C4_unknown_name_after_domain_dropped(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  (void)state;
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Z:", zData, "CORP\\nobody", "x", 0),
                   ERROR_LOGON_FAILURE);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Z:", zData, "nobody", "x", 0),
                   ERROR_LOGON_FAILURE);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Z:", zData, "CORP\\bob", "x", 0),
                   ERROR_INVALID_PASSWORD);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Z:", zData, "fs1\\BOB", "B0b", 0), 0);
  simtest_free(pM);
}

/* C5 v2: held and new explicit names are compared case-insensitively
** after dropping DOMAIN\: `CORP\Bob` and `bob` are one name, reused
** without checking the password again. (Fails on v1, which compared the
** whole strings and answered 1219.) */
static void test_C5_names_compared_without_domain(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_wnet_add_connection2(pM, a, "Z:", zData, "CORP\\Bob", "B0b", 0), 0);
  assert_int_equal(sim_wnet_add_connection2(pM, a, "Y:", zTeam, "bob", "not-checked", 0), 0);
  assert_int_equal(sim_wnet_add_connection2(pM, a, "X:", zPub, "WORKGROUP\\BOB", NULL, 0), 0);
  assert_int_equal(sim_wnet_add_connection2(pM, a, "W:", zPub, "CORP\\eve", "Ev3", 0),
                   ERROR_SESSION_CREDENTIAL_CONFLICT);
  assert_string_equal(simtest_sets(pM, a, &buf), "fs1 explicit CORP\\Bob 3");
  simtest_free(pM);
}

/* C5: an explicit user name never reuses a vault set a connection holds,
** not even the vault entry's own user name with its right password: 1219.
** (The surviving break of issue 10: a model that let an explicit name
** reuse a vault set of the same name passed every v1 test.) */
static void test_C5_explicit_name_does_not_reuse_vault_set(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_cred_write(pM, b, "fs1", "eve", "Ev3"), 0);
  assert_int_equal(simtest_map(pM, b, "Z:", zTeam, 0), 0);
  assert_string_equal(simtest_sets(pM, b, &buf), "fs1 vault eve 1");
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Y:", zPub, "eve", "Ev3", 0),
                   ERROR_SESSION_CREDENTIAL_CONFLICT);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Y:", zPub, "EVE", NULL, 0),
                   ERROR_SESSION_CREDENTIAL_CONFLICT);
  assert_int_equal(sim_wnet_add_connection2(pM, b, NULL, zPub, "eve", "Ev3", 0),
                   ERROR_SESSION_CREDENTIAL_CONFLICT);
  /* without explicit credentials the vault set is reused */
  assert_int_equal(simtest_map(pM, b, "Y:", zPub, 0), 0);
  assert_string_equal(simtest_sets(pM, b, &buf), "fs1 vault eve 2");
  simtest_free(pM);
}

/* C9 v2: a user name with a NULL password goes with the caller's own
** password when it names the caller's account and the session holds its
** credentials; else with a vault entry for that server and user; else
** blank. An empty password is empty. A password alone goes with the
** caller's own name. */
static void test_C9_null_password_default(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimLuid n = simtest_logon(pM, "bob", SIM_LOGON_NETWORK);
  (void)state;
  /* own account, session with credentials: bob's own password */
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Z:", zData, "bob", "", 0),
                   ERROR_INVALID_PASSWORD);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Z:", zData, "CORP\\Bob", NULL, 0), 0);
  /* another account: the vault entry for the server with that user name */
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Y:", "\\\\fs2\\eve", "eve", NULL, 0),
                   ERROR_INVALID_PASSWORD);
  assert_int_equal(sim_cred_write(pM, b, "fs2", "alice", "Al1ce"), 0);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Y:", "\\\\fs2\\eve", "eve", NULL, 0),
                   ERROR_INVALID_PASSWORD);       /* an entry, but not eve's */
  assert_int_equal(sim_cred_write(pM, b, "*", "eve", "Ev3"), 0);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Y:", "\\\\fs2\\eve", "eve", NULL, 0), 0);
  /* a session without credentials: neither its own nor the vault */
  assert_int_equal(sim_wnet_add_connection2(pM, n, "Z:", zData, "bob", NULL, 0),
                   ERROR_INVALID_PASSWORD);
  assert_int_equal(sim_wnet_add_connection2(pM, n, "Z:", zData, NULL, "B0b", 0), 0);
  simtest_free(pM);
}

/* C9 v2 with L12: for a netonly session "the caller's own" is the netonly
** account with the password given at logon; a password alone goes with
** the netonly account's name. */
static void test_C9_netonly_own_is_netonly_account(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimLuid r = 0, w = 0;
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_logon_netonly(pM, b, "CORP\\alice", "Al1ce", &r), 0);
  /* no explicit credentials: the netonly account goes out (C3) */
  assert_int_equal(simtest_map(pM, r, "Z:", zData, 0), 0);
  assert_string_equal(simtest_sets(pM, r, &buf), "fs1 own CORP\\alice 1");
  /* alice's name alone, on another server: the netonly password */
  assert_int_equal(sim_wnet_add_connection2(pM, r, "Y:", "\\\\fs2\\eve", "alice", NULL, 0),
                   ERROR_ACCESS_DENIED);    /* the password was right; eve's share */
  /* bob's name alone is not the netonly session's own: bob's vault has
  ** nothing for fs2, so blank */
  assert_int_equal(sim_wnet_add_connection2(pM, r, "Y:", "\\\\fs2\\eve", "bob", NULL, 0),
                   ERROR_INVALID_PASSWORD);
  /* a password alone goes with the netonly account's name */
  assert_int_equal(sim_wnet_add_connection2(pM, r, "Y:", "\\\\fs2\\eve", NULL, "Al1ce", 0),
                   ERROR_ACCESS_DENIED);
  /* a wrong netonly password shows only at the server (C4: 1326) */
  assert_int_equal(sim_logon_netonly(pM, b, "alice", "wrong", &w), 0);
  assert_int_equal(simtest_map(pM, w, "Z:", zData, 0), ERROR_LOGON_FAILURE);
  assert_int_equal(sim_wnet_add_connection2(pM, w, "Z:", zData, "alice", NULL, 0),
                   ERROR_INVALID_PASSWORD);
  simtest_free(pM);
}

/* ---------------------------------------------------------------- 2 ---- */

/* C7 with W2: EnableLinkedConnections lifts C7 only once in effect, after
** the reboot; set without a reboot, the full half still remembers nothing.
** (The other surviving break of issue 10: a model reading the registry
** value passed every v1 test.) */
static void test_C7_linked_connections_lift_only_after_reboot(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a, e;
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_policy_set(pM, SIM_POL_LINKED_CONNECTIONS, 1), 0);
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  e = simtest_linked(pM, a);
  assert_int_equal(simtest_map(pM, e, "Z:", zData, SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_string_equal(simtest_persisted(pM, e, &buf), "");
  assert_string_equal(simtest_letters(pM, a, &buf), "");   /* not shared either */
  assert_int_equal(sim_reboot(pM), 0);
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  e = simtest_linked(pM, a);
  assert_int_equal(simtest_map(pM, e, "Z:", zData, SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_string_equal(simtest_persisted(pM, e, &buf), "Z: \\\\fs1\\data user=");
  simtest_free(pM);
}

/* C10 v2 (F19 overruled): with linked connections in effect both halves
** hold the set of a connection either made, so the other half connecting
** to that server under another explicit name gets 1219. (Fails on v1,
** where only the creating half held it.) */
static void test_C10_both_halves_hold_the_set(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a, e;
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_policy_init(pM, SIM_POL_LINKED_CONNECTIONS, 1), 0);
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  e = simtest_linked(pM, a);
  assert_int_equal(sim_wnet_add_connection2(pM, a, "Z:", zData, "bob", "B0b", 0), 0);
  assert_string_equal(simtest_sets(pM, a, &buf), "fs1 explicit bob 1");
  assert_string_equal(simtest_sets(pM, e, &buf), "fs1 explicit bob 1");
  assert_int_equal(sim_wnet_add_connection2(pM, e, "Y:", zPub, "eve", "Ev3", 0),
                   ERROR_SESSION_CREDENTIAL_CONFLICT);
  /* without explicit credentials the other half reuses bob's set */
  assert_int_equal(simtest_map(pM, e, "Y:", zPub, 0), 0);
  assert_string_equal(simtest_sets(pM, a, &buf), "fs1 explicit bob 2");
  assert_string_equal(simtest_sets(pM, e, &buf), "fs1 explicit bob 2");
  /* deviceless connections belong to both halves too (C14) */
  assert_int_equal(sim_wnet_add_connection2(pM, e, NULL, zTeam, NULL, NULL, 0), 0);
  assert_string_equal(enum_connected(pM, a, &buf),
                      "Y: \\\\fs1\\pub|Z: \\\\fs1\\data|\\\\fs1\\team");
  /* cancelling everything in one half empties both */
  assert_int_equal(sim_net_use_delete_all(pM, a), 0);
  assert_string_equal(simtest_sets(pM, e, &buf), "");
  assert_string_equal(enum_connected(pM, e, &buf), "");
  simtest_free(pM);
}

/* ---------------------------------------------------------------- 3 ---- */

/* C13 v2 (F31 overruled): opening a UNC path without a connection to the
** share makes an implicit deviceless connection, listed and holding its
** set; a later explicit other name for that server is 1219. Through an
** existing connection nothing new is made; a failed open holds nothing.
** (Fails on v1, where opening a path held nothing.) */
static void test_C13_unc_open_makes_implicit_connection(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_open_path(pM, b, "\\\\fs1\\data\\sub\\dir"), 0);
  assert_string_equal(simtest_use(pM, b, &buf), "OK \\\\fs1\\data");
  assert_string_equal(simtest_sets(pM, b, &buf), "fs1 own bob 1");
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Z:", zTeam, "eve", "Ev3", 0),
                   ERROR_SESSION_CREDENTIAL_CONFLICT);
  /* opening it again, or through another path of the share, adds nothing */
  assert_int_equal(sim_open_path(pM, b, "\\\\FS1\\DATA"), 0);
  assert_string_equal(simtest_use(pM, b, &buf), "OK \\\\fs1\\data");
  /* a share with a lettered connection is served by it */
  assert_int_equal(simtest_map(pM, b, "T:", zTeam, 0), 0);
  assert_int_equal(sim_open_path(pM, b, "\\\\fs1\\team\\x"), 0);
  assert_string_equal(simtest_use(pM, b, &buf), "OK T: \\\\fs1\\team|OK \\\\fs1\\data");
  /* refused: nothing held */
  assert_int_equal(sim_open_path(pM, b, "\\\\fs2\\eve"), ERROR_ACCESS_DENIED);
  assert_string_equal(simtest_sets(pM, b, &buf), "fs1 own bob 2");
  /* the implicit connection is cancelled by its remote name (C14) */
  assert_int_equal(sim_wnet_cancel_connection2(pM, b, "\\\\fs1\\data", 0, 0), 0);
  assert_string_equal(simtest_sets(pM, b, &buf), "fs1 own bob 1");
  simtest_free(pM);
}

/* C14: deviceless connections: C2-C5 without the letter checks, never
** remembered, a second one to the share adds nothing once C5 allows it,
** listed after the lettered ones, cancelled by remote name (lettered and
** remembered ones to the share stay), 2250 when there is none; `net use *
** /delete` cancels them too. */
static void test_C14_deviceless_connections(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_wnet_add_connection2(pM, b, NULL, "\\\\nosuch\\x", NULL, NULL, 0),
                   ERROR_BAD_NETPATH);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "", "\\\\fs1\\nosuch", NULL, NULL, 0),
                   ERROR_BAD_NET_NAME);
  assert_int_equal(sim_wnet_add_connection2(pM, b, NULL, "\\\\fs2\\eve", NULL, NULL, 0),
                   ERROR_ACCESS_DENIED);
  assert_int_equal(sim_wnet_add_connection2(pM, b, NULL, "\\\\fs1\\data\\sub", "bob", "B0b",
                                            SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_string_equal(simtest_persisted(pM, b, &buf), "");
  /* a second one: C5 first (1219), then nothing is added */
  assert_int_equal(sim_wnet_add_connection2(pM, b, NULL, zData, "eve", "Ev3", 0),
                   ERROR_SESSION_CREDENTIAL_CONFLICT);
  assert_int_equal(sim_wnet_add_connection2(pM, b, NULL, "\\\\FS1\\Data", "bob", "x", 0), 0);
  assert_int_equal(sim_wnet_add_connection2(pM, b, NULL, zPub, NULL, NULL, 0), 0);
  assert_int_equal(simtest_map(pM, b, "Z:", zData, SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_string_equal(simtest_use(pM, b, &buf),
                      "OK Z: \\\\fs1\\data|OK \\\\fs1\\data\\sub|OK \\\\fs1\\pub");
  assert_string_equal(simtest_sets(pM, b, &buf), "fs1 explicit bob 3");
  /* no letter of its own: a letter name is no device name */
  assert_string_equal(simtest_letters(pM, b, &buf), "Z:L");
  /* cancel by remote name: only the deviceless one goes */
  assert_int_equal(sim_wnet_cancel_connection2(pM, b, "\\\\fs1\\DATA", 0, 1), 0);
  assert_int_equal(sim_wnet_cancel_connection2(pM, b, zData, SIM_CONNECT_UPDATE_PROFILE, 1),
                   ERROR_NOT_CONNECTED);
  assert_string_equal(simtest_use(pM, b, &buf), "OK Z: \\\\fs1\\data|OK \\\\fs1\\pub");
  assert_string_equal(simtest_persisted(pM, b, &buf), "Z: \\\\fs1\\data user=");
  /* net use * /delete: letters and deviceless ones */
  assert_int_equal(sim_net_use_delete_all(pM, b), 0);
  assert_string_equal(simtest_use(pM, b, &buf), "");
  assert_string_equal(simtest_sets(pM, b, &buf), "");
  /* never restored either: nothing was remembered for it */
  assert_int_equal(sim_wnet_add_connection2(pM, b, NULL, zPub, NULL, NULL,
                                            SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(sim_logoff(pM, b), 0);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_string_equal(simtest_use(pM, b, &buf), "");
  simtest_free(pM);
}

/* C15: `net use *` takes the highest letter from Z: down that is not a
** device in the caller's view, not connected in its session and not
** remembered; none free: 1248. It then behaves as a lettered connection. */
static void test_C15_automatic_letter(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  char c = 0, z[3];
  int i;
  (void)state;
  assert_int_equal(sim_wnet_use_connection(pM, b, NULL, zData, NULL, NULL,
                                           SIM_CONNECT_REDIRECT|SIM_CONNECT_UPDATE_PROFILE,
                                           &c), 0);
  assert_int_equal(c, 'Z');
  assert_string_equal(simtest_persisted(pM, b, &buf), "Z: \\\\fs1\\data user=");
  /* remembered Y: (not connected here), a device X:, SYSTEM's global W: */
  assert_int_equal(simtest_map(pM, b, "Y:", zTeam, SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(sim_wnet_cancel_connection2(pM, b, "Y:", 0, 0), 0);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "X:", "C:\\x"), 0);
  assert_int_equal(simtest_map(pM, SIM_LUID_SYSTEM, "W:", zPub, 0), 0);
  assert_int_equal(sim_wnet_use_connection(pM, b, NULL, zPub, NULL, NULL,
                                           SIM_CONNECT_REDIRECT, &c), 0);
  assert_int_equal(c, 'V');
  /* errors after the letter is chosen are C2-C5's */
  assert_int_equal(sim_wnet_use_connection(pM, b, NULL, "\\\\nosuch\\x", NULL, NULL,
                                           SIM_CONNECT_REDIRECT, &c), ERROR_BAD_NETPATH);
  assert_int_equal(c, 0);
  /* fill every letter, then 1248 */
  for(i='A'; i<='U'; i++){
    z[0] = (char)i; z[1] = ':'; z[2] = 0;
    if( i!='C' ) assert_int_equal(sim_define_dos_device(pM, b, 0, z, "C:\\fill"), 0);
  }
  assert_int_equal(sim_wnet_use_connection(pM, b, NULL, zPub, NULL, NULL,
                                           SIM_CONNECT_REDIRECT, &c), ERROR_NO_MORE_DEVICES);
  assert_int_equal(sim_wnet_use_connection(pM, b, NULL, zPub, NULL, NULL, 0x8, &c),
                   ERROR_INVALID_PARAMETER);
  simtest_free(pM);
}

/* ---------------------------------------------------------------- 4 ---- */

/* C16: every name of a server reaches its shares, but credential sets and
** vault targets are keyed by the name as written. */
static void test_C16_server_aliases(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b;
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_machine_add_server_alias(pM, "fs1", "fs1.corp.example"), 0);
  assert_int_equal(sim_machine_add_server_alias(pM, "FS1", "10.0.0.1"), 0);
  assert_int_equal(sim_machine_add_server_alias(pM, "fs1", "FS1.corp.example"), 0);
  assert_int_equal(sim_machine_add_server_alias(pM, "fs2", "10.0.0.1"), ERROR_ALREADY_EXISTS);
  assert_int_equal(sim_machine_add_server_alias(pM, "fs2", "fs1"), ERROR_ALREADY_EXISTS);
  assert_int_equal(sim_machine_add_server_alias(pM, "nosuch", "x"), ERROR_INVALID_PARAMETER);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Z:", zData, "bob", "B0b", 0), 0);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Y:", "\\\\fs1.corp.example\\pub",
                                            "eve", "Ev3", 0), 0);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "X:", "\\\\10.0.0.1\\nosuch", NULL, NULL, 0),
                   ERROR_BAD_NET_NAME);
  assert_int_equal(sim_wnet_add_connection2(pM, b, "X:", "\\\\FS1.CORP.EXAMPLE\\team",
                                            "alice", "Al1ce", 0),
                   ERROR_SESSION_CREDENTIAL_CONFLICT);
  assert_string_equal(simtest_sets(pM, b, &buf),
                      "fs1 explicit bob 1|fs1.corp.example explicit eve 1");
  /* a vault entry for one name serves that name only */
  assert_int_equal(sim_cred_write(pM, b, "10.0.0.1", "eve", "Ev3"), 0);
  assert_int_equal(simtest_map(pM, b, "X:", "\\\\10.0.0.1\\team", 0), 0);
  assert_string_equal(simtest_sets(pM, b, &buf),
                      "10.0.0.1 vault eve 1|fs1 explicit bob 1|fs1.corp.example explicit eve 1");
  /* a path through an alias is not served by a connection through the
  ** other name: the alias's own set decides (eve is not granted data) */
  assert_int_equal(sim_open_path(pM, b, "\\\\fs1.corp.example\\data"), ERROR_ACCESS_DENIED);
  assert_int_equal(sim_open_path(pM, b, "\\\\fs1\\data"), 0);
  simtest_free(pM);
}

/* K1: targets are case-insensitive: writing `FS1` replaces `fs1`, and
** `/delete:Fs1` removes it; the vault is the user's in every session. */
static void test_K1_targets_case_insensitive(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimLuid r = simtest_logon(pM, "bob", SIM_LOGON_RUNAS);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_cred_write(pM, b, "fs1", "eve", "Ev3"), 0);
  assert_int_equal(sim_cred_write(pM, r, "FS1", "bob", "B0b"), 0);
  memset(&buf, 0, sizeof(buf));
  assert_int_equal(sim_cred_enumerate(pM, b, simtest_visit_cred, &buf), 0);
  assert_string_equal(buf.z, "FS1 user=bob");
  assert_int_equal(sim_cred_delete(pM, b, "Fs1"), 0);
  assert_int_equal(sim_cred_delete(pM, r, "fs1"), ERROR_NOT_FOUND);
  simtest_free(pM);
}

/* K3 v2: `*.suffix` matches names ending in `.suffix`, `*` every server;
** the most specific target wins: the name itself, the longest suffix,
** then `*`. */
static void test_K3_wildcard_targets(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b;
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_machine_add_server_alias(pM, "fs1", "fs1.corp.example"), 0);
  assert_int_equal(sim_machine_add_server_alias(pM, "fs1", "fs1.lab.corp.example"), 0);
  assert_int_equal(sim_machine_add_server_alias(pM, "fs1", "corp.example"), 0);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(sim_cred_write(pM, b, "*", "alice", "Al1ce"), 0);
  assert_int_equal(sim_cred_write(pM, b, "*.corp.example", "eve", "Ev3"), 0);
  assert_int_equal(sim_cred_write(pM, b, "*.lab.corp.example", "dave", "D4ve"), 0);
  assert_int_equal(simtest_map(pM, b, "Z:", "\\\\fs1.lab.corp.example\\team", 0), 0);
  assert_int_equal(simtest_map(pM, b, "Y:", "\\\\fs1.corp.example\\team", 0), 0);
  assert_int_equal(simtest_map(pM, b, "X:", "\\\\corp.example\\team", 0), 0);
  assert_int_equal(simtest_map(pM, b, "W:", "\\\\fs2\\eve", 0), ERROR_ACCESS_DENIED);
  assert_string_equal(simtest_sets(pM, b, &buf),
                      "corp.example vault alice 1|fs1.corp.example vault eve 1"
                      "|fs1.lab.corp.example vault dave 1");
  /* the name itself beats every wildcard */
  assert_int_equal(sim_cred_write(pM, b, "fs2", "eve", "Ev3"), 0);
  assert_int_equal(simtest_map(pM, b, "W:", "\\\\fs2\\eve", 0), 0);
  simtest_free(pM);
}

/* ---------------------------------------------------------------- 5 ---- */

/* R6: any session of the user may write HKCU\Network directly (a network
** logon too) and the next restore uses what is there: a blanked UserName
** makes restore fall back to the vault (the Ansible pattern). */
static void test_R6_blanked_user_name_restores_from_vault(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimLuid n;
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_wnet_add_connection2(pM, b, "Z:", "\\\\fs2\\eve", "eve", "Ev3",
                                            SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(sim_cred_write(pM, b, "fs2", "eve", "Ev3"), 0);
  assert_int_equal(sim_logoff(pM, b), 0);
  n = simtest_logon(pM, "bob", SIM_LOGON_NETWORK);
  assert_int_equal(sim_reg_set_network_value(pM, n, 'z', "UserName", SIM_REG_SZ, "", 0), 0);
  /* a key written by hand with only a RemotePath is restored too */
  assert_int_equal(sim_reg_set_network_value(pM, n, 'T', "RemotePath", SIM_REG_SZ,
                                             zTeam, 0), 0);
  assert_string_equal(simtest_persisted(pM, n, &buf),
                      "T: \\\\fs1\\team user=|Z: \\\\fs2\\eve user=");
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_string_equal(simtest_use(pM, b, &buf),
                      "OK T: \\\\fs1\\team|OK Z: \\\\fs2\\eve");
  assert_string_equal(simtest_sets(pM, b, &buf), "fs1 own bob 1|fs2 vault eve 1");
  simtest_free(pM);
}

/* R6: a value of the wrong type counts as missing; a key without a
** string RemotePath is no remembered connection (restore, enumeration,
** net use, C2's 1202 and C15 skip it); reg delete of a missing key or
** value is 2. */
static void test_R6_typed_values(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  char c = 0;
  (void)state;
  /* UserName as a REG_DWORD: missing, so restore presents C3's choice */
  assert_int_equal(sim_reg_set_network_value(pM, b, 'Y', "RemotePath", SIM_REG_SZ,
                                             zTeam, 0), 0);
  assert_int_equal(sim_reg_set_network_value(pM, b, 'Y', "UserName", SIM_REG_DWORD, NULL, 7), 0);
  /* Z: with RemotePath as a REG_DWORD: no remembered connection */
  assert_int_equal(sim_reg_set_network_value(pM, b, 'Z', "RemotePath", SIM_REG_DWORD, NULL, 1), 0);
  assert_int_equal(sim_reg_set_network_value(pM, b, 'Z', "UserName", SIM_REG_SZ, "eve", 0), 0);
  assert_string_equal(simtest_persisted(pM, b, &buf),
                      "Y: \\\\fs1\\team user=|Z:  user=eve");
  assert_string_equal(simtest_use(pM, b, &buf), "Unavailable Y: \\\\fs1\\team");
  memset(&buf, 0, sizeof(buf));
  assert_int_equal(sim_wnet_enum(pM, b, SIM_RESOURCE_REMEMBERED, simtest_visit_res, &buf), 0);
  assert_string_equal(buf.z, "Y: \\\\fs1\\team");
  assert_int_equal(sim_wnet_get_connection(pM, b, "Z:", NULL), ERROR_NOT_CONNECTED);
  assert_int_equal(sim_wnet_use_connection(pM, b, NULL, zPub, NULL, NULL,
                                           SIM_CONNECT_REDIRECT, &c), 0);
  assert_int_equal(c, 'Z');
  assert_int_equal(sim_wnet_cancel_connection2(pM, b, "Z:", 0, 0), 0);
  assert_int_equal(sim_logoff(pM, b), 0);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_string_equal(simtest_use(pM, b, &buf), "OK Y: \\\\fs1\\team");
  assert_string_equal(simtest_sets(pM, b, &buf), "fs1 own bob 1");
  /* connecting Z: remembers over the junk key; other values stay */
  assert_int_equal(simtest_map(pM, b, "Z:", zPub, SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_string_equal(simtest_persisted(pM, b, &buf),
                      "Y: \\\\fs1\\team user=|Z: \\\\fs1\\pub user=");
  /* deletes */
  assert_int_equal(sim_reg_delete_network(pM, b, 'Y', "Nosuch"), ERROR_FILE_NOT_FOUND);
  assert_int_equal(sim_reg_delete_network(pM, b, 'X', NULL), ERROR_FILE_NOT_FOUND);
  assert_int_equal(sim_reg_delete_network(pM, b, 'Y', "remotepath"), 0);
  assert_string_equal(simtest_use(pM, b, &buf), "OK Y: \\\\fs1\\team|OK Z: \\\\fs1\\pub");
  assert_int_equal(sim_reg_delete_network(pM, b, 'Z', NULL), 0);
  assert_string_equal(simtest_persisted(pM, b, &buf), "Y:  user=");
  /* bad input */
  assert_int_equal(sim_reg_set_network_value(pM, b, '1', "X", SIM_REG_SZ, "x", 0),
                   ERROR_INVALID_PARAMETER);
  assert_int_equal(sim_reg_set_network_value(pM, b, 'Q', "", SIM_REG_SZ, "x", 0),
                   ERROR_INVALID_PARAMETER);
  assert_int_equal(sim_reg_set_network_value(pM, 0x999999, 'Q', "X", SIM_REG_SZ, "x", 0),
                   ERROR_NO_SUCH_LOGON_SESSION);
  simtest_free(pM);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_C2_letter_still_connected_after_link_removed),
    cmocka_unit_test(test_C4_unknown_name_after_domain_dropped),
    cmocka_unit_test(test_C5_names_compared_without_domain),
    cmocka_unit_test(test_C5_explicit_name_does_not_reuse_vault_set),
    cmocka_unit_test(test_C9_null_password_default),
    cmocka_unit_test(test_C9_netonly_own_is_netonly_account),
    cmocka_unit_test(test_C7_linked_connections_lift_only_after_reboot),
    cmocka_unit_test(test_C10_both_halves_hold_the_set),
    cmocka_unit_test(test_C13_unc_open_makes_implicit_connection),
    cmocka_unit_test(test_C14_deviceless_connections),
    cmocka_unit_test(test_C15_automatic_letter),
    cmocka_unit_test(test_C16_server_aliases),
    cmocka_unit_test(test_K1_targets_case_insensitive),
    cmocka_unit_test(test_K3_wildcard_targets),
    cmocka_unit_test(test_R6_blanked_user_name_restores_from_vault),
    cmocka_unit_test(test_R6_typed_values),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
