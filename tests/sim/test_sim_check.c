/*
** tests/sim/test_sim_check.c: the invariant checker finds broken states.
** A busy machine passes; then each invariant is broken by hand (through
** the private structures) and must be reported.
*/
#include "tests/sim/simtest.h"
#include "sim/simint.h"

/* A machine with a bit of everything: split logons with linked
** connections (C10), held sets (C5), remembered drives (C6), a vault (K1),
** local and global links (N2, D3). */
static SimMachine *busy(SimLuid *pA, SimLuid *pB){
  SimMachine *pM = simtest_world();
  char zErr[200];
  assert_int_equal(sim_policy_init(pM, SIM_POL_LINKED_CONNECTIONS, 1), 0);
  *pA = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  *pB = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(simtest_map(pM, *pA, "Z:", "\\\\fs1\\data", SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(simtest_map(pM, *pA, "Y:", "\\\\fs1\\team", 0), 0);
  assert_int_equal(simtest_map(pM, *pB, "Z:", "\\\\fs1\\data", SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(sim_cred_write(pM, *pB, "fs2", "eve", "Ev3"), 0);
  assert_int_equal(sim_cred_write(pM, *pB, "alpha", "eve", "Ev3"), 0);
  assert_int_equal(sim_define_dos_device(pM, *pB, 0, "Q:", "C:\\q"), 0);
  assert_int_equal(sim_define_dos_device(pM, *pB, 0, "P:", "C:\\p"), 0);
  assert_int_equal(simtest_map(pM, SIM_LUID_SYSTEM, "S:", "\\\\fs1\\pub", 0), 0);
  assert_int_equal(sim_check_invariants(pM, zErr, sizeof(zErr)), 0);
  return pM;
}

static void expect_broken(SimMachine *pM, const char *zWant){
  char zErr[200];
  assert_int_not_equal(sim_check_invariants(pM, zErr, sizeof(zErr)), 0);
  if( strstr(zErr, zWant)==NULL ) print_error("got: %s\n", zErr);
  assert_non_null(strstr(zErr, zWant));
}

/* N2/D3: directories sorted, each name once. */
static void test_check_directory_order(void **state){
  SimLuid a, b;
  SimMachine *pM = busy(&a, &b);
  SimSession *pS = simm_session(pM, b);
  SimLink t;
  (void)state;
  assert_int_equal(pS->dir.nLink, 3);           /* P: Q: Z: */
  t = pS->dir.aLink[0]; pS->dir.aLink[0] = pS->dir.aLink[1]; pS->dir.aLink[1] = t;
  expect_broken(pM, "out of order");
  t = pS->dir.aLink[0]; pS->dir.aLink[0] = pS->dir.aLink[1]; pS->dir.aLink[1] = t;
  simtest_free(pM);
}

/* C5: a set's count equals its connections. */
static void test_check_credential_set_count(void **state){
  SimLuid a, b;
  SimMachine *pM = busy(&a, &b);
  SimSession *pS = simm_session(pM, a);
  (void)state;
  assert_int_equal(pS->nSet, 1);
  assert_int_equal(pS->aSet[0].nRef, 2);
  pS->aSet[0].nRef = 3;
  expect_broken(pM, "credential set for fs1");
  pS->aSet[0].nRef = 2;
  simtest_free(pM);
}

/* L2: linked halves point at each other. */
static void test_check_linked_halves(void **state){
  SimLuid a, b;
  SimMachine *pM = busy(&a, &b);
  SimSession *pS = simm_session(pM, a);
  SimSession *pO = simm_session(pM, pS->luidLinked);
  (void)state;
  pO->luidLinked = b;
  expect_broken(pM, "does not link back");
  pO->luidLinked = a;
  pO->eElevation = SIM_ELEVATION_LIMITED;
  expect_broken(pM, "limited+full");
  pO->eElevation = SIM_ELEVATION_FULL;
  simtest_free(pM);
}

/* C10: a shared connection is shared with the creator's linked half. */
static void test_check_connection_owners(void **state){
  SimLuid a, b;
  SimMachine *pM = busy(&a, &b);
  SimSession *pS = simm_session(pM, a);
  SimConn *pC = pS->apConn[0];
  SimLuid save;
  (void)state;
  assert_int_equal(pC->nOwner, 2);
  save = pC->aOwner[1];
  pC->aOwner[1] = b;
  expect_broken(pM, "not shared with the linked half");
  pC->aOwner[1] = save;
  simtest_free(pM);
}

/* C6/K1: HKCU\Network and the vault are sorted; no password in the hive. */
static void test_check_hive_and_vault(void **state){
  SimLuid a, b;
  SimMachine *pM = busy(&a, &b);
  SimSession *pS = simm_session(pM, b);
  SimUser *pU = pM->apUser[pS->iUser];
  SimCred t;
  char *zSave;
  (void)state;
  /* the values of a key C6 wrote: RemotePath, UserName, ... */
  zSave = pU->aNet[0].aVal[1].zData;
  pU->aNet[0].aVal[1].zData = pU->zPassword;
  expect_broken(pM, "a password in HKCU");
  pU->aNet[0].aVal[1].zData = zSave;
  t = pU->aCred[0]; pU->aCred[0] = pU->aCred[1]; pU->aCred[1] = t;
  expect_broken(pM, "vault out of order");
  t = pU->aCred[0]; pU->aCred[0] = pU->aCred[1]; pU->aCred[1] = t;
  simtest_free(pM);
}

/* L1: the session table and the live list agree. */
static void test_check_session_table(void **state){
  SimLuid a, b;
  SimMachine *pM = busy(&a, &b);
  (void)state;
  pM->nSession++;
  expect_broken(pM, "sessions listed");
  pM->nSession--;
  simtest_free(pM);
}

/* L12, L13 v2: a busy machine with netonly copies (a full one too), a
** task alias and s4u and ssh logons passes; a full token without a link
** is allowed to a netonly copy only; the outbound identity fits the logon
** type; no vault without credentials. */
static void test_check_v2_sessions(void **state){
  SimLuid a, b, n, nf, t, s4u, ssh;
  SimMachine *pM = busy(&a, &b);
  SimSession *pS;
  char zErr[200];
  (void)state;
  assert_int_equal(sim_logon_netonly(pM, a, "bob", "wrong", &n), 0);
  assert_int_equal(sim_logon_netonly(pM, simtest_linked(pM, a), "eve", "Ev3", &nf), 0);
  assert_int_equal(sim_logon_task(pM, a, 1, &t), 0);
  assert_int_equal(sim_logon_user(pM, "alice", SIM_LOGON_S4U, 1, NULL, &s4u), 0);
  ssh = simtest_logon(pM, "alice", SIM_LOGON_SSH);
  assert_int_equal(sim_define_dos_device(pM, n, 0, "N:", "C:\\n"), 0);
  assert_int_equal(sim_check_invariants(pM, zErr, sizeof(zErr)), 0);
  pS = simm_session(pM, nf);
  assert_int_equal(pS->eElevation, SIM_ELEVATION_FULL);
  pS->eLogonType = SIM_LOGON_RUNAS;
  expect_broken(pM, "a full token without a linked half");
  pS->eLogonType = SIM_LOGON_NETONLY;
  pS->luidLinked = 0x999999;           /* an ended half */
  expect_broken(pM, "a netonly session linked");
  pS->luidLinked = 0;
  pS = simm_session(pM, n);
  pS->eLogonType = SIM_LOGON_RUNAS;
  pS->eElevation = SIM_ELEVATION_DEFAULT;
  expect_broken(pM, "outbound identity");
  pS->eLogonType = SIM_LOGON_NETONLY;
  pS->eElevation = SIM_ELEVATION_LIMITED;
  pS = simm_session(pM, ssh);
  pS->bHasCreds = 0;
  pS->bVault = 1;
  expect_broken(pM, "vault without credentials");
  pS->bHasCreds = 1;
  pS->bVault = 0;
  (void)t; (void)s4u;
  simtest_free(pM);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_check_directory_order),
    cmocka_unit_test(test_check_credential_set_count),
    cmocka_unit_test(test_check_linked_halves),
    cmocka_unit_test(test_check_connection_owners),
    cmocka_unit_test(test_check_hive_and_vault),
    cmocka_unit_test(test_check_session_table),
    cmocka_unit_test(test_check_v2_sessions),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
