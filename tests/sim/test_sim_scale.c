/*
** tests/sim/test_sim_scale.c: 100,000 live logon sessions (the issue's
** design constraint: a step costs no more with 100,000 sessions than with
** 10, because sessions are found by hash, never by a scan). Speed is
** measured by the benchmark; this test checks that the rules still hold
** at that size: isolation of directories (N6), connections (C1, C12),
** logoff of one session among many (L8, L10), global drives (G1).
*/
#include "tests/sim/simtest.h"

#include <stdlib.h>

enum { N_SESSIONS = 100000 };

static void test_scale_100000_sessions(void **state){
  SimMachine *pM = simtest_world();
  SimLuid *aTok = malloc(sizeof(SimLuid)*N_SESSIONS);
  static const char *const azUser[] = {"bob", "eve", "alice", "dave"};
  SimtestBuf buf;
  int i, rc;
  (void)state;
  assert_non_null(aTok);
  /* bob and eve (standard) and alice/dave (admins: two sessions each
  ** logon): well over 100,000 live sessions in all */
  for(i=0; i<N_SESSIONS; i++){
    const char *zUser = azUser[i % 4];
    assert_int_equal(sim_logon_user(pM, zUser, SIM_LOGON_RUNAS, 0, simtest_pw(zUser), &aTok[i]), 0);
  }
  assert_true(sim_session_count(pM) > N_SESSIONS);
  /* the newest and oldest sessions behave as in a small world */
  assert_int_equal(simtest_map(pM, aTok[0], "Z:", "\\\\fs1\\data", 0), 0);
  assert_int_equal(simtest_map(pM, aTok[N_SESSIONS-4], "Z:", "\\\\fs1\\team", 0), 0);
  assert_string_equal(simtest_use(pM, aTok[0], &buf), "OK Z: \\\\fs1\\data");
  assert_string_equal(simtest_use(pM, aTok[N_SESSIONS-4], &buf), "OK Z: \\\\fs1\\team");
  assert_string_equal(simtest_letters(pM, aTok[4], &buf), "");
  assert_int_equal(sim_define_dos_device(pM, aTok[N_SESSIONS/2], 0, "Q:", "C:\\q"), 0);
  assert_string_equal(simtest_query(pM, aTok[N_SESSIONS/2], "Q:", &rc, &buf), "\\??\\C:\\q");
  simtest_query(pM, aTok[N_SESSIONS/2+4], "Q:", &rc, &buf);
  assert_int_equal(rc, ERROR_FILE_NOT_FOUND);
  /* a split logon's halves among them */
  assert_int_equal(simtest_elevation(pM, aTok[2]), SIM_ELEVATION_LIMITED);
  assert_int_equal(simtest_elevation(pM, simtest_linked(pM, aTok[N_SESSIONS-2])), SIM_ELEVATION_FULL);
  /* a global drive reaches every session */
  assert_int_equal(simtest_map(pM, SIM_LUID_SYSTEM, "G:", "\\\\fs1\\team", 0), 0);
  assert_string_equal(simtest_letters(pM, aTok[12345], &buf), "G:G");
  assert_int_equal(sim_open_path(pM, aTok[77777], "G:\\"), 0);
  {
    char zErr[200];
    assert_int_equal(sim_check_invariants(pM, zErr, sizeof(zErr)), 0);
  }
  /* ending every other session keeps the rest intact */
  for(i=0; i<N_SESSIONS; i+=2){
    assert_int_equal(sim_logoff(pM, aTok[i]), 0);
  }
  for(i=0; i<N_SESSIONS; i+=1000){
    SimTokenInfo info;
    assert_int_equal(sim_token_query(pM, aTok[i], &info),
                     (i%2) ? 0 : ERROR_NO_SUCH_LOGON_SESSION);
  }
  assert_int_equal(simtest_map(pM, aTok[0], "Y:", "\\\\fs1\\data", 0), ERROR_NO_SUCH_LOGON_SESSION);
  assert_int_equal(simtest_map(pM, aTok[1], "Y:", "\\\\fs1\\team", 0), 0);
  assert_int_equal(sim_reboot(pM), 0);
  assert_int_equal(sim_session_count(pM), 1);
  free(aTok);
  simtest_free(pM);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_scale_100000_sessions),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
