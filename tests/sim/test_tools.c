/*
** tests/sim/test_tools.c: the tool profiles of sim/tools/ (SEMANTICS
** T1-T7), called directly on a model machine.
**
** Each test names the rule it checks. A tool runs as the token given
** (T1), performs the operations of its profile and leaves a record of
** them; the tests look at the result, the model's state and the record.
**
** Contents: 1. helpers  2. the registry, T1  3. T2  4. T3  5. T4
**           6. T5  7. T6  8. T7
*/
#include "tests/sim/simtest.h"

#include <stdlib.h>

#include "sim/tools/tools.h"

/* ---------------------------------------------------------------- 1 ---- */

/* Run profile zTool as tok with "key=value" words (a bare word is a flag).
** Returns the tool's result (0, a Win32 error, or -1 for a tool error);
** *pzRecord (if not NULL) gets a malloc'd copy of the record. */
static int tt_run(SimMachine *pM, SimLuid tok, const char *zTool, char **pzRecord,
                  const char *const *azWord){
  const SimToolProfile *pT = sim_tool_find(zTool);
  SimToolArg aArg[16];
  char azKey[16][32];
  SimToolCall call;
  int n = 0, rc;
  assert_non_null(pT);
  for(; azWord && azWord[n] && n<16; n++){
    const char *zEq = strchr(azWord[n], '=');
    size_t k = zEq ? (size_t)(zEq-azWord[n]) : strlen(azWord[n]);
    assert_true(k<sizeof(azKey[n]));
    memcpy(azKey[n], azWord[n], k);
    azKey[n][k] = 0;
    aArg[n].zKey = azKey[n];
    aArg[n].zValue = zEq ? zEq+1 : NULL;
  }
  memset(&call, 0, sizeof(call));
  call.pM = pM;
  call.token = tok;
  call.aArg = aArg;
  call.nArg = n;
  rc = sim_tool_run(pT, &call);
  if( pzRecord ){
    *pzRecord = NULL;
    if( call.zRecord ){
      *pzRecord = malloc(call.nRecord+1);
      assert_non_null(*pzRecord);
      memcpy(*pzRecord, call.zRecord, call.nRecord+1);
    }
  }
  if( rc<0 ) assert_non_null(call.zToolError);
  sim_tool_call_clear(&call);
  return rc;
}

#define TT(...) ((const char *const[]){__VA_ARGS__, NULL})

static const char *tt_persisted(SimMachine *pM, SimLuid tok, SimtestBuf *pB){
  memset(pB, 0, sizeof(*pB));
  assert_int_equal(sim_reg_read_network(pM, tok, simtest_visit_net, pB), 0);
  return pB->z;
}

static const char *tt_letters(SimMachine *pM, SimLuid tok, SimtestBuf *pB){
  memset(pB, 0, sizeof(*pB));
  assert_int_equal(sim_dosdev_view(pM, tok, simtest_visit_letter, pB), 0);
  return pB->z;
}

static int tt_fired(SimMachine *pM, SimRule e){
  SimRuleSet set = sim_rules_fired(pM);
  return sim_ruleset_has(&set, e);
}

/* ---------------------------------------------------------------- 2 ---- */

static void test_registry_lists_T2_to_T7(void **state){
  int i, aSeen[SIM_RULE_COUNT] = {0};
  (void)state;
  assert_int_equal(sim_tool_count(), 9);
  for(i=0; i<sim_tool_count(); i++){
    const SimToolProfile *pT = sim_tool_at(i);
    assert_non_null(pT->zSource);
    assert_true(strlen(pT->zSource)>10);
    assert_non_null(pT->xRun);
    assert_ptr_equal(sim_tool_find(pT->zName), pT);
    aSeen[pT->eRule] = 1;
  }
  for(i=SIM_RULE_T2; i<=SIM_RULE_T7; i++) assert_true(aSeen[i]);
  assert_ptr_equal(sim_tool_find("PS.NEW-PSDRIVE"), sim_tool_find("ps.New-PSDrive"));
  assert_null(sim_tool_find("ps.New-Item"));
  assert_null(sim_tool_at(9));
}

/* T1: the tool runs as the caller's half and marks T1, its own rule and
** the rules of its operations; an ended caller gets 1312 (L10). */
static void test_T1_runs_as_caller_and_marks(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  SimtestBuf b;
  char *zRec = NULL;
  (void)state;
  sim_rules_clear(pM);
  assert_int_equal(tt_run(pM, a, "netapi.NetUseAdd", &zRec,
                          TT("local=Z:", "remote=\\\\fs1\\data")), 0);
  assert_true(tt_fired(pM, SIM_RULE_T1));
  assert_true(tt_fired(pM, SIM_RULE_T6));
  assert_string_equal(tt_letters(pM, a, &b), "Z:L");
  assert_string_equal(tt_letters(pM, simtest_linked(pM, a), &b), "");
  assert_non_null(zRec);
  assert_non_null(strstr(zRec, "NetUseAdd(Z:, \\\\fs1\\data, 0) as "));
  assert_non_null(strstr(zRec, "-> ok"));
  free(zRec);
  assert_int_equal(sim_logoff(pM, a), 0);
  sim_rules_clear(pM);
  assert_int_equal(tt_run(pM, a, "netapi.NetUseAdd", NULL,
                          TT("local=Z:", "remote=\\\\fs1\\data")),
                   ERROR_NO_SUCH_LOGON_SESSION);
  assert_true(tt_fired(pM, SIM_RULE_L10));
  sim_machine_free(pM);
}

/* T1: passwords never reach the record. */
static void test_T1_record_redacts_password(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  char *zRec = NULL;
  (void)state;
  assert_int_equal(tt_run(pM, a, "ps.New-SmbMapping", &zRec,
                          TT("local=Y:", "remote=\\\\fs1\\data", "user=bob", "password=B0b",
                             "save-credentials")), 0);
  assert_non_null(zRec);
  assert_null(strstr(zRec, "B0b"));
  assert_non_null(strstr(zRec, "password=***"));
  free(zRec);
  sim_machine_free(pM);
}

/* ---------------------------------------------------------------- 3 ---- */

/* T2: from a Full token the module impersonates the limited half, which
** can remember (C7 would stop the full one), and blanks UserName (R6). */
static void test_T2_full_token_impersonates_limited(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "alice", SIM_LOGON_BECOME);
  SimLuid lim = simtest_linked(pM, b);
  SimtestBuf buf;
  char *zRec = NULL;
  (void)state;
  assert_int_equal(simtest_elevation(pM, b), SIM_ELEVATION_FULL);
  assert_int_equal(tt_run(pM, b, "ansible.win_mapped_drive", &zRec,
                          TT("state=present", "letter=Z:", "path=\\\\fs1\\data",
                             "username=bob", "password=B0b")), 0);
  assert_string_equal(tt_persisted(pM, b, &buf), "Z: \\\\fs1\\data user=");
  assert_string_equal(tt_letters(pM, lim, &buf), "Z:L");
  assert_string_equal(tt_letters(pM, b, &buf), "");
  assert_non_null(strstr(zRec, "why: the process token is Full"));
  free(zRec);
  sim_machine_free(pM);
}

/* T2: a default token is used as it is; same path remembered: no change. */
static void test_T2_same_path_no_change(void **state){
  SimMachine *pM = simtest_world();
  SimLuid w = simtest_logon(pM, "dave", SIM_LOGON_WINRM);
  SimtestBuf buf;
  char *zRec = NULL;
  (void)state;
  assert_int_equal(simtest_elevation(pM, w), SIM_ELEVATION_DEFAULT);
  assert_int_equal(tt_run(pM, w, "ansible.win_mapped_drive", NULL,
                          TT("state=present", "letter=Z:", "path=\\\\fs1\\team",
                             "username=bob", "password=B0b")), 0);
  assert_int_equal(sim_logoff(pM, w), 0);
  w = simtest_logon(pM, "dave", SIM_LOGON_WINRM);
  assert_int_equal(tt_run(pM, w, "ansible.win_mapped_drive", &zRec,
                          TT("state=present", "letter=Z:", "path=\\\\FS1\\TEAM")), 0);
  assert_non_null(strstr(zRec, "already remembered"));
  assert_null(strstr(zRec, "WNetAddConnection2"));
  assert_string_equal(tt_letters(pM, w, &buf), "");
  free(zRec);
  sim_machine_free(pM);
}

/* T2: not remembered but a drive of the process: letter-in-use, nothing
** changes; remembered for another path: cancel, then connect. */
static void test_T2_letter_in_use_and_other_path(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_wnet_add_connection2(pM, a, "Y:", "\\\\fs1\\pub", NULL, NULL, 0), 0);
  assert_int_equal(tt_run(pM, a, "ansible.win_mapped_drive", NULL,
                          TT("state=present", "letter=Y:", "path=\\\\fs1\\data")), -1);
  assert_string_equal(tt_persisted(pM, a, &buf), "");
  assert_int_equal(tt_run(pM, a, "ansible.win_mapped_drive", NULL,
                          TT("state=present", "letter=Z:", "path=\\\\fs1\\pub")), 0);
  assert_int_equal(tt_run(pM, a, "ansible.win_mapped_drive", NULL,
                          TT("state=present", "letter=Z:", "path=\\\\fs1\\data")), 0);
  assert_string_equal(tt_persisted(pM, a, &buf), "Z: \\\\fs1\\data user=");
  /* no username: UserName is not blanked but was never set */
  assert_int_equal(tt_run(pM, a, "ansible.win_mapped_drive", NULL,
                          TT("state=absent", "letter=Z:", "path=\\\\fs1\\pub")), -1);
  assert_int_equal(tt_run(pM, a, "ansible.win_mapped_drive", NULL,
                          TT("state=absent", "letter=Z:")), 0);
  assert_string_equal(tt_persisted(pM, a, &buf), "");
  assert_int_equal(tt_run(pM, a, "ansible.win_mapped_drive", NULL,
                          TT("state=absent", "letter=Z:")), 0);
  sim_machine_free(pM);
}

/* ---------------------------------------------------------------- 4 ---- */

/* T3: over WinRM the vault is out of reach (K2); with become it works,
** and deleting a missing credential succeeds. */
static void test_T3_winrm_1312_become_ok(void **state){
  SimMachine *pM = simtest_world();
  SimLuid w = simtest_logon(pM, "dave", SIM_LOGON_WINRM);
  SimLuid b = simtest_logon(pM, "dave", SIM_LOGON_BECOME);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(tt_run(pM, w, "ansible.win_credential", NULL,
                          TT("state=present", "name=fs1", "username=bob", "secret=B0b")),
                   ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(tt_run(pM, b, "ansible.win_credential", NULL,
                          TT("state=present", "name=fs1", "username=bob", "secret=B0b")), 0);
  memset(&buf, 0, sizeof(buf));
  assert_int_equal(sim_cred_enumerate(pM, b, simtest_visit_cred, &buf), 0);
  assert_string_equal(buf.z, "fs1 user=bob");
  assert_int_equal(tt_run(pM, b, "ansible.win_credential", NULL,
                          TT("state=absent", "name=fs1")), 0);
  assert_int_equal(tt_run(pM, b, "ansible.win_credential", NULL,
                          TT("state=absent", "name=fs1")), 0);
  assert_int_equal(tt_run(pM, w, "ansible.win_credential", NULL,
                          TT("state=absent", "name=fs1")), ERROR_NO_SUCH_LOGON_SESSION);
  sim_machine_free(pM);
}

/* ---------------------------------------------------------------- 5 ---- */

/* T4: -Persist maps and remembers; -Credential alone leaves a deviceless
** connection (C14); neither makes nothing; Remove-PSDrive of a drive that
** is not real: no-such-drive. */
static void test_T4_psdrive_forms(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(tt_run(pM, a, "ps.New-PSDrive", NULL,
                          TT("name=Q", "root=\\\\fs1\\pub")), 0);
  memset(&buf, 0, sizeof(buf));
  assert_int_equal(sim_net_use_list(pM, a, simtest_visit_use, &buf), 0);
  assert_string_equal(buf.z, "");
  assert_int_equal(tt_run(pM, a, "ps.Remove-PSDrive", NULL, TT("name=Q")), -1);
  assert_int_equal(tt_run(pM, a, "ps.New-PSDrive", NULL,
                          TT("name=X", "root=\\\\fs1\\data", "user=alice", "password=Al1ce")), 0);
  memset(&buf, 0, sizeof(buf));
  assert_int_equal(sim_net_use_list(pM, a, simtest_visit_use, &buf), 0);
  assert_string_equal(buf.z, "OK \\\\fs1\\data");
  assert_int_equal(tt_run(pM, a, "ps.New-PSDrive", NULL,
                          TT("name=Z", "root=\\\\fs1\\data", "persist", "user=bob",
                             "password=B0b")), ERROR_SESSION_CREDENTIAL_CONFLICT);
  assert_int_equal(tt_run(pM, a, "ps.New-PSDrive", NULL,
                          TT("name=Z", "root=\\\\fs1\\pub", "persist")), 0);
  assert_string_equal(tt_persisted(pM, a, &buf), "Z: \\\\fs1\\pub user=");
  assert_int_equal(tt_run(pM, a, "ps.Remove-PSDrive", NULL, TT("name=Z")), 0);
  assert_string_equal(tt_persisted(pM, a, &buf), "");
  sim_machine_free(pM);
}

/* ---------------------------------------------------------------- 6 ---- */

/* T5: remembered only with -Persistent; -SaveCredentials writes the vault
** for the server; Remove-SmbMapping forgets it. */
static void test_T5_smbmapping(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(tt_run(pM, a, "ps.New-SmbMapping", NULL,
                          TT("local=Y:", "remote=\\\\fs1\\pub")), 0);
  assert_string_equal(tt_persisted(pM, a, &buf), "");
  assert_int_equal(tt_run(pM, a, "ps.New-SmbMapping", NULL,
                          TT("local=Z:", "remote=\\\\fs2\\eve", "persistent",
                             "save-credentials", "user=eve", "password=Ev3")), 0);
  assert_string_equal(tt_persisted(pM, a, &buf), "Z: \\\\fs2\\eve user=eve");
  memset(&buf, 0, sizeof(buf));
  assert_int_equal(sim_cred_enumerate(pM, a, simtest_visit_cred, &buf), 0);
  assert_string_equal(buf.z, "fs2 user=eve");
  assert_int_equal(tt_run(pM, a, "ps.Remove-SmbMapping", NULL, TT("local=Z:")), 0);
  assert_string_equal(tt_persisted(pM, a, &buf), "");
  assert_int_equal(tt_run(pM, a, "ps.Remove-SmbMapping", NULL, TT("local=Z:")),
                   ERROR_NOT_CONNECTED);
  sim_machine_free(pM);
}

/* ---------------------------------------------------------------- 7 ---- */

/* T6: NetUseAdd never remembers; as SYSTEM the drive is global (C1). */
static void test_T6_netuse_never_remembered(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(tt_run(pM, a, "netapi.NetUseAdd", NULL,
                          TT("local=Z:", "remote=\\\\fs1\\data")), 0);
  assert_string_equal(tt_persisted(pM, a, &buf), "");
  assert_int_equal(tt_run(pM, SIM_LUID_SYSTEM, "netapi.NetUseAdd", NULL,
                          TT("local=S:", "remote=\\\\fs1\\pub")), 0);
  assert_string_equal(tt_letters(pM, a, &buf), "S:G|Z:L");
  assert_int_equal(tt_run(pM, a, "netapi.NetUseDel", NULL, TT("local=Z:")), 0);
  assert_int_equal(tt_run(pM, a, "netapi.NetUseDel", NULL, TT("local=Z:")),
                   ERROR_NOT_CONNECTED);
  sim_machine_free(pM);
}

/* ---------------------------------------------------------------- 8 ---- */

/* T7: create leaves a connected letter alone; replace cancels and maps;
** persistent=1 remembers; delete of nothing is no error. */
static void test_T7_gpp_actions(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  const char *zRemote = NULL;
  (void)state;
  assert_int_equal(tt_run(pM, a, "gpp.drive-map", NULL,
                          TT("action=create", "letter=H:", "path=\\\\fs1\\data",
                             "persistent=1")), 0);
  assert_string_equal(tt_persisted(pM, a, &buf), "H: \\\\fs1\\data user=");
  assert_int_equal(tt_run(pM, a, "gpp.drive-map", NULL,
                          TT("action=create", "letter=H:", "path=\\\\fs1\\pub")), 0);
  assert_int_equal(sim_wnet_get_connection(pM, a, "H:", &zRemote), 0);
  assert_string_equal(zRemote, "\\\\fs1\\data");
  assert_int_equal(tt_run(pM, a, "gpp.drive-map", NULL,
                          TT("action=replace", "letter=H:", "path=\\\\fs1\\pub",
                             "persistent=0")), 0);
  assert_int_equal(sim_wnet_get_connection(pM, a, "H:", &zRemote), 0);
  assert_string_equal(zRemote, "\\\\fs1\\pub");
  assert_string_equal(tt_persisted(pM, a, &buf), "");
  assert_int_equal(tt_run(pM, a, "gpp.drive-map", NULL,
                          TT("action=delete", "letter=H:", "path=\\\\fs1\\pub")), 0);
  assert_int_equal(tt_run(pM, a, "gpp.drive-map", NULL,
                          TT("action=delete", "letter=H:", "path=\\\\fs1\\pub")), 0);
  assert_string_equal(tt_letters(pM, a, &buf), "");
  sim_machine_free(pM);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_registry_lists_T2_to_T7),
    cmocka_unit_test(test_T1_runs_as_caller_and_marks),
    cmocka_unit_test(test_T1_record_redacts_password),
    cmocka_unit_test(test_T2_full_token_impersonates_limited),
    cmocka_unit_test(test_T2_same_path_no_change),
    cmocka_unit_test(test_T2_letter_in_use_and_other_path),
    cmocka_unit_test(test_T3_winrm_1312_become_ok),
    cmocka_unit_test(test_T4_psdrive_forms),
    cmocka_unit_test(test_T5_smbmapping),
    cmocka_unit_test(test_T6_netuse_never_remembered),
    cmocka_unit_test(test_T7_gpp_actions),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
