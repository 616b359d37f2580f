/*
** tests/sim/test_backend_sim.c: the sim backend's canonical outputs
** (SCENARIO-LANGUAGE.md): LUID placeholders, listings, `(none)`, error
** lines, 1312 for halves that do not exist and for ended logons, and the
** explain description. Scenario texts are parsed with lang/ and run
** through backend_sim_ops.
*/
#include "tests/sim/simtest.h"

#include <stdlib.h>

#include "lang/scenario.h"
#include "runner/backends/backend.h"
#include "runner/backends/backend_sim.h"

/* Run every step of zText; the outputs are joined with "\n#\n" into
** zOut. If pzDescribe is not NULL it receives the final description. */
static void run_scn(const char *zText, char *zOut, size_t nOut, char **pzDescribe){
  Scenario *pScn = NULL;
  BackendConn *pConn = NULL;
  char zErr[256], *zOpenErr = NULL;
  size_t n = 0;
  int i;
  int rc = scn_parse_text("t.scn", zText, strlen(zText), &pScn, zErr, sizeof(zErr));
  if( rc ) fprintf(stderr, "%s\n", zErr);
  assert_int_equal(rc, 0);
  assert_int_equal(backend_sim_ops.xOpen(pScn, NULL, &pConn, &zOpenErr), 0);
  assert_non_null(backend_sim_machine(pConn));
  zOut[0] = 0;
  for(i=0; i<pScn->nStep; i++){
    StepResult res;
    assert_int_equal(backend_sim_ops.xStep(pConn, &pScn->aStep[i], &res), 0);
    assert_int_equal(res.eOutcome, BACKEND_DONE);
    assert_non_null(res.zOutput);
    n += (size_t)snprintf(zOut+n, nOut-n, "%s%s", i ? "\n#\n" : "", res.zOutput);
    assert_true(n<nOut);
    free(res.zOutput);
    free(res.zReason);
  }
  if( pzDescribe ) *pzDescribe = backend_sim_ops.xDescribe(pConn);
  backend_sim_ops.xClose(pConn);
  scn_free(pScn);
}

static const char zWorld[] =
  "title t\n"
  "user alice admin password=Al1ce-pw\n"
  "user bob standard password=B0b-pw\n"
  "share \\\\fs1\\data grant=alice,bob\n"
  "share \\\\fs1\\pub\n";

static char *world(const char *zSteps){
  size_t n = strlen(zWorld)+strlen(zSteps)+2;
  char *z = malloc(n);
  assert_non_null(z);
  snprintf(z, n, "%s\n%s", zWorld, zSteps);
  return z;
}

/* L2 L5 L10: token lines with placeholders; halves of an unsplit logon and
** ended logons print 1312. */
static void test_backend_token_lines(void **state){
  char zOut[4096];
  char *zScn = world(
    "logon A alice interactive\n"
    "as A token\n"
    "as A.elevated token\n"
    "as A.limited token\n"
    "logon B bob interactive\n"
    "as B token\n"
    "as B.elevated token\n"
    "logon C alice become\n"
    "as C token\n"
    "as SYSTEM token\n"
    "logoff A\n"
    "as A token\n"
    "as A.elevated drives\n"
    "logon F alice interactive password=nope\n"
    "as F token\n"
    "logon A bob network\n"
    "as A token\n");
  (void)state;
  run_scn(zScn, zOut, sizeof(zOut), NULL);
  assert_string_equal(zOut,
    "ok\n#\n"
    "user=alice elevation=limited logon={A} linked={A.elevated}\n#\n"
    "user=alice elevation=full logon={A.elevated} linked={A}\n#\n"
    "user=alice elevation=limited logon={A} linked={A.elevated}\n#\n"
    "ok\n#\n"
    "user=bob elevation=default logon={B} linked=none\n#\n"
    "error 1312 ERROR_NO_SUCH_LOGON_SESSION\n#\n"
    "ok\n#\n"
    "user=alice elevation=full logon={C} linked={C.limited}\n#\n"
    "user=SYSTEM elevation=default logon={SYSTEM} linked=none\n#\n"
    "ok\n#\n"
    "error 1312 ERROR_NO_SUCH_LOGON_SESSION\n#\n"
    "error 1312 ERROR_NO_SUCH_LOGON_SESSION\n#\n"
    "error 1326 ERROR_LOGON_FAILURE\n#\n"
    "error 1312 ERROR_NO_SUCH_LOGON_SESSION\n#\n"
    "ok\n#\n"
    "user=bob elevation=default logon={A} linked=none");
  free(zScn);
}

/* C1 C12 G1 G3: redirector paths, drives, net use, listings. */
static void test_backend_drives_and_net_use(void **state){
  char zOut[4096];
  char *zScn = world(
    "logon A alice interactive\n"
    "as A net use\n"
    "as A net use z: \\\\fs1\\data\n"
    "as A query Z:\n"
    "as SYSTEM net use Y: \\\\fs1\\pub\n"
    "as SYSTEM net use Q: \\\\fs1\\data\n"
    "as A drives\n"
    "as A net use\n"
    "as A.elevated net use\n"
    "as A.elevated drives\n"
    "as A wnet get Z:\n"
    "as A wnet get Y:\n"
    "as A.elevated wnet get Z:\n"
    "as A wnet enum connected\n"
    "as A.elevated wnet enum remembered\n"
    "as A persisted\n"
    "as A dir Z:\\\n"
    "as A dir Q:\\\n");
  (void)state;
  run_scn(zScn, zOut, sizeof(zOut), NULL);
  assert_string_equal(zOut,
    "ok\n#\n"
    "(none)\n#\n"
    "ok\n#\n"
    "\\Device\\LanmanRedirector\\;Z:{A}\\fs1\\data\n#\n"
    "ok\n#\n"
    "error 5 ERROR_ACCESS_DENIED\n#\n"
    "Y: \\\\fs1\\pub global\nZ: \\\\fs1\\data local\n#\n"
    "OK Z: \\\\fs1\\data\n#\n"
    "Unavailable Z: \\\\fs1\\data\n#\n"
    "Y: \\\\fs1\\pub global\n#\n"
    "\\\\fs1\\data\n#\n"
    "error 2250 ERROR_NOT_CONNECTED\n#\n"
    "error 1201 ERROR_CONNECTION_UNAVAIL\n#\n"
    "Z: \\\\fs1\\data\n#\n"
    "Z: \\\\fs1\\data\n#\n"
    "Z: \\\\fs1\\data user=\n#\n"
    "ok\n#\n"
    "error 3 ERROR_PATH_NOT_FOUND");
  free(zScn);
}

/* D2 D5 N1 G5: placeholders in define and bootdevice targets are
** resolved, and printed back as placeholders; an unknown LUID is {?}.
** (A {name} that names no logon is a file error since language v2.) */
static void test_backend_placeholder_targets(void **state){
  char zOut[4096];
  char *zScn = world(
    "logon A alice interactive\n"
    "as A define Q: \\Device\\LanmanRedirector\\;Q:{A}\\fs1\\data raw\n"
    "as A query Q:\n"
    "as A drives\n"
    "as A define R: \\Sessions\\0\\DosDevices\\{A.elevated}\\X: raw\n"
    "as A query R:\n"
    "as A define S: \\Device\\LanmanRedirector\\;S:00000000deadbeef\\fs1\\data raw\n"
    "as A query S:\n"
    "bootdevice Z: \\Device\\LanmanRedirector\\;Z:{SYSTEM}\\fs1\\pub\n"
    "as A drives\n"
    "reboot\n"
    "logon B bob winrm\n"
    "as B drives\n"
    "as B query Z:\n"
    "as B dir Z:\n"
    "bootdevice Y: /delete\n");
  (void)state;
  run_scn(zScn, zOut, sizeof(zOut), NULL);
  assert_string_equal(zOut,
    "ok\n#\n"
    "ok\n#\n"
    "\\Device\\LanmanRedirector\\;Q:{A}\\fs1\\data\n#\n"
    "Q: \\\\fs1\\data local\n#\n"
    "ok\n#\n"
    "\\Sessions\\0\\DosDevices\\{A.elevated}\\X:\n#\n"
    "ok\n#\n"
    "\\Device\\LanmanRedirector\\;S:{?}\\fs1\\data\n#\n"
    "ok\n#\n"
    "Q: \\\\fs1\\data local\n"
    "R: \\Sessions\\0\\DosDevices\\{A.elevated}\\X: local\n"
    "S: \\\\fs1\\data local\n#\n"
    "ok\n#\n"
    "ok\n#\n"
    "Z: \\\\fs1\\pub global\n#\n"
    "\\Device\\LanmanRedirector\\;Z:{SYSTEM}\\fs1\\pub\n#\n"
    "error 5 ERROR_ACCESS_DENIED\n#\n"
    "error 2 ERROR_FILE_NOT_FOUND");
  free(zScn);
}

/* W5: fixed disks are left out of drives; query shows the volume. */
static void test_backend_fixed_disks(void **state){
  char zOut[2048];
  const char *zScn =
    "title t\n"
    "machine disks=C:,D:\n"
    "user bob standard password=pw\n"
    "logon B bob interactive\n"
    "as B drives\n"
    "as B query D:\n"
    "as B define E: D:\\x\n"
    "as B drives\n"
    "as B dir E:\\\n";
  (void)state;
  run_scn(zScn, zOut, sizeof(zOut), NULL);
  assert_string_equal(zOut,
    "ok\n#\n"
    "(none)\n#\n"
    "\\Device\\HarddiskVolume2\n#\n"
    "ok\n#\n"
    "E: \\??\\D:\\x local\n#\n"
    "ok");
}

/* K1 K2 C8 C9: cmdkey and net use persistence. */
static void test_backend_cmdkey_and_persistence(void **state){
  char zOut[4096];
  char *zScn = world(
    "logon B bob interactive\n"
    "logon W bob winrm\n"
    "as B cmdkey /list\n"
    "as B cmdkey /add:fs1 /user:alice /pass:Al1ce-pw\n"
    "as B cmdkey /list\n"
    "as W cmdkey /list\n"
    "as B cmdkey /delete:nothere\n"
    "as B net use /persistent:no\n"
    "as B net use Z: \\\\fs1\\data\n"
    "as B persisted\n"
    "as B net use Y: \\\\fs1\\pub /persistent:yes\n"
    "as B net use X: \\\\fs1\\pub\n"
    "as B persisted\n"
    "as B net use * /delete\n"
    "as B net use\n"
    "as B persisted\n"
    "as B net use Z: /delete\n");
  (void)state;
  run_scn(zScn, zOut, sizeof(zOut), NULL);
  assert_string_equal(zOut,
    "ok\n#\nok\n#\n"
    "(none)\n#\n"
    "ok\n#\n"
    "fs1 domain user=alice\n#\n"
    "error 1312 ERROR_NO_SUCH_LOGON_SESSION\n#\n"
    "error 1168 ERROR_NOT_FOUND\n#\n"
    "ok\n#\n"
    "ok\n#\n"
    "(none)\n#\n"
    "ok\n#\n"
    "ok\n#\n"
    "X: \\\\fs1\\pub user=\nY: \\\\fs1\\pub user=\n#\n"
    "ok\n#\n"
    "(none)\n#\n"
    "(none)\n#\n"
    "error 2250 ERROR_NOT_CONNECTED");
  free(zScn);
}

/* W2 C10 N5: set machine, wnet flags, luid maps off. */
static void test_backend_set_and_wnet(void **state){
  char zOut[4096];
  const char *zScn =
    "title t\n"
    "machine luid-maps=off\n"
    "user alice admin password=a\n"
    "user bob standard password=b\n"
    "share \\\\fs1\\data\n"
    "logon A alice interactive\n"
    "logon B bob interactive\n"
    "as A wnet add Z: \\\\fs1\\data update-profile\n"
    "as B drives\n"
    "as B wnet add Z: \\\\fs1\\data\n"
    "as B wnet cancel Z:\n"
    "as A wnet cancel Z: force\n"
    "as A persisted\n"
    "as A wnet add Y: \\\\fs1\\data user=bob password=b temporary update-profile\n"
    "as A persisted\n"
    "set machine luid-maps=on linked-connections=on\n"
    "as A.elevated drives\n"
    "reboot\n"
    "logon A alice interactive\n"
    "as A.elevated drives\n";
  (void)state;
  run_scn(zScn, zOut, sizeof(zOut), NULL);
  assert_string_equal(zOut,
    "ok\n#\nok\n#\n"
    "ok\n#\n"
    "Z: \\\\fs1\\data global\n#\n"
    "error 85 ERROR_ALREADY_ASSIGNED\n#\n"
    "error 2250 ERROR_NOT_CONNECTED\n#\n"
    "ok\n#\n"
    "Z: \\\\fs1\\data user=\n#\n"
    "ok\n#\n"
    "Z: \\\\fs1\\data user=\n#\n"
    "ok\n#\n"
    "Y: \\\\fs1\\data global\n#\n"
    "ok\n#\n"
    "ok\n#\n"
    "Z: \\\\fs1\\data local");
}

/* D1 D3 D4 C13 C12: undefine flags, dir through UNC, empty listings. */
static void test_backend_undefine_and_dir(void **state){
  char zOut[4096];
  char *zScn = world(
    "logon B bob interactive\n"
    "as B define Q: C:\\one\n"
    "as B define Q: C:\\two\n"
    "as B define Q: \\Device\\Raw raw\n"
    "as B undefine Q: C:\\one exact\n"
    "as B query Q:\n"
    "as B undefine Q: \\device\\raw raw\n"
    "as B undefine Q:\n"
    "as B query Q:\n"
    "as B undefine Q:\n"
    "as B undefine Q: C:\\x\n"
    "as B wnet enum remembered\n"
    "as B wnet enum connected\n"
    "as B dir \\\\fs1\\data\\sub\n"
    "as B dir \\\\fs1\\nosuch\n"
    "as B dir \\\\fs9\\x\n"
    "as SYSTEM define Global\\G: C:\\g\n"
    "as B undefine Global\\G:\n"
    "as B net use G: \\\\fs1\\pub\n");
  (void)state;
  run_scn(zScn, zOut, sizeof(zOut), NULL);
  assert_string_equal(zOut,
    "ok\n#\nok\n#\nok\n#\nok\n#\nok\n#\n"
    "\\Device\\Raw\n\\??\\C:\\two\n#\n"
    "ok\n#\n"
    "ok\n#\n"
    "error 2 ERROR_FILE_NOT_FOUND\n#\n"
    "ok\n#\n"
    "error 2 ERROR_FILE_NOT_FOUND\n#\n"
    "(none)\n#\n"
    "(none)\n#\n"
    "ok\n#\n"
    "error 67 ERROR_BAD_NET_NAME\n#\n"
    "error 53 ERROR_BAD_NETPATH\n#\n"
    "ok\n#\n"
    "error 5 ERROR_ACCESS_DENIED\n#\n"
    "error 85 ERROR_ALREADY_ASSIGNED");
  free(zScn);
}

/* explain: the description names the parts and never a password. */
static void test_backend_describe(void **state){
  char zOut[4096];
  char *zDesc = NULL;
  char *zScn = world(
    "logon A alice interactive\n"
    "as A net use Z: \\\\fs1\\data /user:bob B0b-pw\n"
    "as A cmdkey /add:fs1 /user:alice /pass:Al1ce-pw\n"
    "as SYSTEM define Global\\G: C:\\g\n"
    "bootdevice Y: \\Device\\LanmanRedirector\\;Y:{SYSTEM}\\fs1\\pub\n"
    "as A net use /persistent:no\n"
    "set machine uac=off\n");
  (void)state;
  run_scn(zScn, zOut, sizeof(zOut), &zDesc);
  assert_non_null(zDesc);
  assert_non_null(strstr(zDesc, "\\GLOBAL??"));
  assert_non_null(strstr(zDesc, "G:  \\??\\C:\\g"));
  assert_non_null(strstr(zDesc, "\\Sessions\\0\\DosDevices\\{A}\n"));
  assert_non_null(strstr(zDesc, "Z:  \\Device\\LanmanRedirector\\;Z:{A}\\fs1\\data"));
  assert_non_null(strstr(zDesc, "\\Sessions\\0\\DosDevices\\{A.elevated}  (not created yet)"));
  assert_non_null(strstr(zDesc, "Logon session {A}: alice, limited token, interactive logon, linked to {A.elevated}"));
  assert_non_null(strstr(zDesc, "fs1  bob  explicit, kept by 1 connection"));
  assert_non_null(strstr(zDesc, "Z:  \\\\fs1\\data  user=bob"));
  assert_non_null(strstr(zDesc, "fs1  user=alice"));
  assert_non_null(strstr(zDesc, "Policies waiting for the next reboot\n  uac  off  (now on)"));
  assert_non_null(strstr(zDesc, "Y:  \\Device\\LanmanRedirector\\;Y:{SYSTEM}\\fs1\\pub"));
  assert_non_null(strstr(zDesc, "net use default: /persistent:no"));
  assert_null(strstr(zDesc, "B0b-pw"));
  assert_null(strstr(zDesc, "Al1ce-pw"));
  assert_null(strstr(zDesc, " \n"));            /* no trailing blanks */
  free(zDesc);
  free(zScn);
}

static void test_backend_host_facts(void **state){
  const char *zScn = "title t\n";
  Scenario *pScn = NULL;
  BackendConn *pConn = NULL;
  char zErr[200], *zE = NULL;
  const HostFacts *pF;
  (void)state;
  assert_int_equal(scn_parse_text("t.scn", zScn, strlen(zScn), &pScn, zErr, sizeof(zErr)), 0);
  assert_int_equal(backend_sim_ops.xOpen(pScn, NULL, &pConn, &zE), 0);
  assert_string_equal(backend_sim_ops.zName, "sim");
  pF = backend_sim_ops.xHostFacts(pConn);
  assert_non_null(pF);
  assert_string_equal(pF->zOs, "mapscope model");
  assert_null(pF->zWineVersion);
  backend_sim_ops.xClose(pConn);
  scn_free(pScn);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_backend_token_lines),
    cmocka_unit_test(test_backend_drives_and_net_use),
    cmocka_unit_test(test_backend_placeholder_targets),
    cmocka_unit_test(test_backend_fixed_disks),
    cmocka_unit_test(test_backend_cmdkey_and_persistence),
    cmocka_unit_test(test_backend_set_and_wnet),
    cmocka_unit_test(test_backend_undefine_and_dir),
    cmocka_unit_test(test_backend_describe),
    cmocka_unit_test(test_backend_host_facts),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
