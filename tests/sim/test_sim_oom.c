/*
** tests/sim/test_sim_oom.c: the model under allocation failure.
**
** malloc, calloc and realloc are wrapped (the linker's --wrap) so that
** allocation number N fails. A workload touching every module (world,
** logons with restore (R1), connections (C1-C10), definitions (D3),
** vault (K1), reboot with boot devices (L9, G5)) is run once to count its
** allocations, then once for every N: each call must return 0 or
** ERROR_NOT_ENOUGH_MEMORY, the machine must stay consistent
** (sim_check_invariants) and free cleanly (AddressSanitizer's leak check
** in the sanitizer build).
*/
#include "tests/sim/simtest.h"

#include <stdlib.h>

/* ---------------------------------------------------------------- 1 ---- */

/* The test's allocation switch: not global to the model, only to this
** test program (the wrappers have no other way to reach it). */
static long nArmedCalls = -1;  /* allocations seen while armed, -1 = off */
static long iFailAt = -1;      /* the allocation to fail */

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t sz);
void *__real_realloc(void *p, size_t n);

static int oom_now(void){
  if( nArmedCalls<0 ) return 0;
  return nArmedCalls++ == iFailAt;
}
void *__wrap_malloc(size_t n){ return oom_now() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t n, size_t sz){ return oom_now() ? NULL : __real_calloc(n, sz); }
void *__wrap_realloc(void *p, size_t n){ return oom_now() ? NULL : __real_realloc(p, n); }

/* ---------------------------------------------------------------- 2 ---- */

static int nUnexpected;        /* calls that returned something else */
static int nOom;               /* calls that reported the failure */

/* Before the injected failure every call must succeed; the call that
** meets it must report ERROR_NOT_ENOUGH_MEMORY or absorb it (restore
** failures are silent, R5); after it, a call may fail because an earlier
** one did (an account that was never added cannot log on). */
static void ok_or_oom(int rc, int iLine){
  int bFailed = iFailAt>=0 && nArmedCalls>iFailAt;
  if( !bFailed && rc!=0 ){
    print_error("line %d: unexpected %d before any failure\n", iLine, rc);
    nUnexpected++;
  }
  if( bFailed && rc==ERROR_NOT_ENOUGH_MEMORY ) nOom++;
}
#define W(x) ok_or_oom((x), __LINE__)

static const char *const azData[] = {"alice", "bob"};

/* Returns the machine (or NULL if even sim_machine_new failed). */
static SimMachine *workload(void){
  SimMachine *pM = NULL;
  SimLuid a = 0, b = 0, e = 0, t = 0;
  SimTokenInfo info;
  int rc = sim_machine_new(&pM);
  if( rc ){
    assert_int_equal(rc, ERROR_NOT_ENOUGH_MEMORY);
    assert_null(pM);
    return NULL;
  }
  W(sim_machine_add_user(pM, "alice", SIM_ACCOUNT_ADMIN, 0, "a"));
  W(sim_machine_add_user(pM, "bob", SIM_ACCOUNT_STANDARD, 0, "b"));
  W(sim_machine_add_share(pM, "fs1", "data", 0, azData, 2, 0));
  W(sim_machine_add_share(pM, "fs1", "pub", 1, NULL, 0, 1));
  W(sim_machine_add_share(pM, "fs2", "x", 1, NULL, 0, 0));
  W(sim_machine_add_server_alias(pM, "fs1", "fs1.corp"));
  W(sim_machine_set_fixed_disks(pM, (1u<<2)|(1u<<3)));
  W(sim_policy_init(pM, SIM_POL_LINKED_CONNECTIONS, 1));
  W(sim_logon_user(pM, "alice", SIM_LOGON_INTERACTIVE, 0, "a", &a));
  W(sim_logon_user(pM, "bob", SIM_LOGON_INTERACTIVE, 0, "b", &b));
  if( a && sim_token_query(pM, a, &info)==0 ) e = info.luidLinked;
  if( a ){
    W(simtest_map(pM, a, "Z:", "\\\\fs1\\data", SIM_CONNECT_UPDATE_PROFILE));
    W(sim_wnet_add_connection2(pM, a, "Y:", "\\\\fs2\\x", "bob", "b", SIM_CONNECT_UPDATE_PROFILE));
    W(sim_cred_write(pM, a, "fs1", "bob", "b"));
    W(sim_define_dos_device(pM, a, 0, "Q:", "C:\\q"));
    W(sim_define_dos_device(pM, a, 0, "Q:", "\\\\fs1\\pub"));
    /* v2: a deviceless connection shared with the linked half (C14,
    ** C10), an implicit one (C13), an automatic letter (C15), typed
    ** HKCU\Network values (R6), a wildcard target (K3) */
    W(sim_wnet_add_connection2(pM, a, NULL, "\\\\fs1.corp\\pub", NULL, NULL, 0));
    W(sim_open_path(pM, a, "\\\\fs1.corp\\data\\sub"));
    {
      char c = 0;
      W(sim_wnet_use_connection(pM, a, NULL, "\\\\fs1\\pub", NULL, NULL,
                                SIM_CONNECT_REDIRECT|SIM_CONNECT_UPDATE_PROFILE, &c));
    }
    W(sim_reg_set_network_value(pM, a, 'R', "RemotePath", SIM_REG_SZ, "\\\\fs1\\pub", 0));
    W(sim_reg_set_network_value(pM, a, 'Z', "UserName", SIM_REG_DWORD, NULL, 3));
    W(sim_cred_write(pM, a, "*.corp", "bob", "b"));
    W(sim_wnet_cancel_connection2(pM, a, "\\\\fs1.corp\\pub", 0, 0));
    W(sim_reg_delete_network(pM, a, 'R', "remotepath"));
  }
  if( e ) W(sim_define_dos_device(pM, e, 0, "Global\\G:", "D:\\g"));
  if( a ){
    /* v2 (L11-L14, D2): netonly, task, elevation, s4u, ssh, full paths */
    SimLuid n = 0, x = 0;
    W(sim_logon_netonly(pM, a, "bob", "b", &n));
    if( n ) W(sim_define_dos_device(pM, n, 0, "N:", "rel/./x/../y\\\\"));
    W(sim_logon_task(pM, a, 1, &x));
    W(sim_policy_set(pM, SIM_POL_CONSENT_CREDENTIALS, 1));
    W(sim_elevate(pM, a, "a", &x));
    W(sim_policy_set(pM, SIM_POL_CONSENT_CREDENTIALS, 0));
    W(sim_logon_user(pM, "alice", SIM_LOGON_S4U, 1, NULL, &x));
    W(sim_logon_user(pM, "alice", SIM_LOGON_SSH, 0, "a", &x));
  }
  if( b ){
    W(simtest_map(pM, b, "Z:", "\\\\fs1\\data", SIM_CONNECT_UPDATE_PROFILE));
    W(sim_cred_write(pM, b, "other", "alice", "a"));
  }
  W(simtest_map(pM, SIM_LUID_SYSTEM, "S:", "\\\\fs1\\pub", 0));
  W(sim_reg_set_boot_device(pM, "B:", "\\Device\\LanmanRedirector\\;B:00000000000003e7\\fs1\\pub"));
  W(sim_reboot(pM));
  W(sim_logon_user(pM, "alice", SIM_LOGON_INTERACTIVE, 0, "a", &t));   /* restore */
  W(sim_logon_user(pM, "bob", SIM_LOGON_RDP, 0, "b", &t));
  if( t ) W(sim_net_use_delete_all(pM, t));
  return pM;
}

static void test_oom_every_allocation(void **state){
  long nTotal, i, nReported = 0;
  SimMachine *pM;
  char zErr[200];
  (void)state;
  /* count */
  nArmedCalls = 0; iFailAt = -1;
  nUnexpected = 0;
  pM = workload();
  nTotal = nArmedCalls;
  nArmedCalls = -1;
  assert_non_null(pM);
  assert_int_equal(nUnexpected, 0);
  assert_int_equal(sim_check_invariants(pM, zErr, sizeof(zErr)), 0);
  sim_machine_free(pM);
  assert_true(nTotal>50);
  /* fail each allocation in turn */
  for(i=0; i<nTotal; i++){
    nArmedCalls = 0; iFailAt = i;
    nUnexpected = 0;
    nOom = 0;
    pM = workload();
    nArmedCalls = -1;
    assert_int_equal(nUnexpected, 0);
    if( pM ){
      int rc = sim_check_invariants(pM, zErr, sizeof(zErr));
      if( rc ) print_error("allocation %ld: %s\n", i, zErr);
      assert_int_equal(rc, 0);
      sim_machine_free(pM);
    }else{
      nOom++;
    }
    if( nOom ) nReported++;
  }
  /* most failures surface as ERROR_NOT_ENOUGH_MEMORY (the rest are
  ** absorbed where Windows absorbs them: a restore that fails) */
  assert_true(nReported*2 > nTotal);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_oom_every_allocation),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
