/*
** tests/lang/test_canon.c: the canonical helpers.
**
** Error symbols and the `error N SYMBOL` line; output comparison (blank
** runs folded, trailing blanks and one trailing newline ignored, order
** kept); the expected text of a step; step re-serialisation: every command
** form parses back to an equal step, and with redaction no password
** survives; world statements; scn_redact_line.
**
** Contents:
**   1. Error symbols
**   2. Output comparison and expected text
**   3. Step formatting: round trips and redaction
**   4. World statements and scn_redact_line
**   5. main
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/scenario.h"

/* ---------------------------------------------------------------- 1 ---- */

static void test_error_symbols(void **state) {
  static const struct { int code; const char *zSym; } a[] = {
    {2, "ERROR_FILE_NOT_FOUND"}, {3, "ERROR_PATH_NOT_FOUND"}, {5, "ERROR_ACCESS_DENIED"},
    {6, "ERROR_INVALID_HANDLE"}, {53, "ERROR_BAD_NETPATH"}, {67, "ERROR_BAD_NET_NAME"},
    {85, "ERROR_ALREADY_ASSIGNED"}, {86, "ERROR_INVALID_PASSWORD"},
    {87, "ERROR_INVALID_PARAMETER"}, {183, "ERROR_ALREADY_EXISTS"}, {1168, "ERROR_NOT_FOUND"},
    {1200, "ERROR_BAD_DEVICE"}, {1201, "ERROR_CONNECTION_UNAVAIL"},
    {1202, "ERROR_DEVICE_ALREADY_REMEMBERED"}, {1203, "ERROR_NO_NET_OR_BAD_PATH"},
    {1204, "ERROR_BAD_PROVIDER"}, {1205, "ERROR_CANNOT_OPEN_PROFILE"},
    {1206, "ERROR_BAD_PROFILE"}, {1207, "ERROR_NOT_CONTAINER"}, {1208, "ERROR_EXTENDED_ERROR"},
    {1219, "ERROR_SESSION_CREDENTIAL_CONFLICT"}, {1220, "ERROR_REMOTE_SESSION_LIMIT_EXCEEDED"},
    {1222, "ERROR_NO_NETWORK"}, {1223, "ERROR_CANCELLED"},
    {1312, "ERROR_NO_SUCH_LOGON_SESSION"}, {1326, "ERROR_LOGON_FAILURE"},
    {1346, "ERROR_BAD_IMPERSONATION_LEVEL"}, {1385, "ERROR_LOGON_TYPE_NOT_GRANTED"},
    {1248, "ERROR_NO_MORE_DEVICES"}, {2202, "ERROR_BAD_USERNAME"}, {2250, "ERROR_NOT_CONNECTED"},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
    assert_string_equal(scn_error_symbol(a[i].code), a[i].zSym);
  }
  /* first and last entries of the (binary-searched) table */
  assert_string_equal(scn_error_symbol(0), "ERROR_SUCCESS");
  assert_string_equal(scn_error_symbol(2404), "ERROR_DEVICE_IN_USE");
  assert_string_equal(scn_error_symbol(1300), "ERROR_NOT_ALL_ASSIGNED");
  assert_string_equal(scn_error_symbol(109), "ERROR_BROKEN_PIPE");
  assert_string_equal(scn_error_symbol(4), "UNKNOWN");
  assert_string_equal(scn_error_symbol(1209), "UNKNOWN");
  assert_string_equal(scn_error_symbol(-1), "UNKNOWN");
  assert_string_equal(scn_error_symbol(99999), "UNKNOWN");
}

static void test_format_error(void **state) {
  char z[64];
  (void)state;
  scn_format_error(85, z, sizeof(z));
  assert_string_equal(z, "error 85 ERROR_ALREADY_ASSIGNED");
  scn_format_error(1312, z, sizeof(z));
  assert_string_equal(z, "error 1312 ERROR_NO_SUCH_LOGON_SESSION");
  scn_format_error(12345, z, sizeof(z));
  assert_string_equal(z, "error 12345 UNKNOWN");
  scn_format_error(2, z, 8);
  assert_string_equal(z, "error 2");
}

/* ---------------------------------------------------------------- 2 ---- */

static void test_output_equal(void **state) {
  (void)state;
  assert_true(scn_output_equal("ok", "ok"));
  assert_true(scn_output_equal("ok\n", "ok"));
  assert_true(scn_output_equal("Z: \\\\fs1\\d   local", "Z: \\\\fs1\\d local"));
  assert_true(scn_output_equal("Z:\t\\\\fs1\\d \t local  \nY: x local\t\n", "Z: \\\\fs1\\d local\nY: x local"));
  assert_true(scn_output_equal("ok\r\n", "ok"));
  assert_true(scn_output_equal("", ""));
  assert_true(scn_output_equal(NULL, ""));
  assert_true(scn_output_equal("  ok", "ok"));
  assert_false(scn_output_equal("ok", "OK"));
  assert_false(scn_output_equal("a\nb", "b\na"));                 /* order matters */
  assert_false(scn_output_equal("a b", "ab"));                    /* a blank is not nothing */
  assert_false(scn_output_equal("a\nb", "a"));
  assert_false(scn_output_equal("a", "a\nb"));
  assert_false(scn_output_equal("a\n\n", "a"));                  /* only one newline drops */
  assert_false(scn_output_equal("a\n\nb", "a\nb"));
  assert_false(scn_output_equal("", "ok"));
}

static void test_expected_text(void **state) {
  Scenario *p = NULL;
  char zErr[256];
  const char *z = "title t\nuser a admin password=x\n\nlogon A a interactive\n----\nok\n\n"
                  "as A drives\n----\nZ: \\\\s\\x   local\n# c\nY: \\\\s\\y local\n\nas A token\n";
  char *zT;
  (void)state;
  assert_int_equal(scn_parse_text("t.scn", z, strlen(z), &p, zErr, sizeof(zErr)), 0);
  zT = scn_expected_text(&p->aStep[1]);
  assert_string_equal(zT, "Z: \\\\s\\x   local\nY: \\\\s\\y local");
  assert_true(scn_output_equal(zT, "Z: \\\\s\\x local\nY: \\\\s\\y local\n"));
  free(zT);
  zT = scn_expected_text(&p->aStep[2]);
  assert_string_equal(zT, "");
  free(zT);
  scn_free(p);
}

/* ---------------------------------------------------------------- 3 ---- */

static void assert_str_eq_null(const char *a, const char *b) {
  if (a == NULL || b == NULL) {
    assert_true(a == b);
  } else {
    assert_string_equal(a, b);
  }
}

/* Every parsed field of two steps is equal (not zText, line, index). */
static void assert_step_equal(const ScnStep *a, const ScnStep *b) {
  int i;
  assert_int_equal(a->eKind, b->eKind);
  assert_str_eq_null(a->zSession, b->zSession);
  assert_int_equal(a->eHalf, b->eHalf);
  assert_str_eq_null(a->zUser, b->zUser);
  assert_int_equal(a->eLogonType, b->eLogonType);
  assert_int_equal(a->bHighest, b->bHighest);
  assert_str_eq_null(a->zLogonPassword, b->zLogonPassword);
  assert_int_equal(a->nSetting, b->nSetting);
  for (i = 0; i < a->nSetting; i++) {
    assert_int_equal(a->aSetting[i].ePolicy, b->aSetting[i].ePolicy);
    assert_int_equal(a->aSetting[i].bOn, b->aSetting[i].bOn);
  }
  assert_int_equal(a->eCmd, b->eCmd);
  assert_int_equal(a->cLetter, b->cLetter);
  assert_str_eq_null(a->zName, b->zName);
  assert_str_eq_null(a->zTarget, b->zTarget);
  assert_str_eq_null(a->zRemote, b->zRemote);
  assert_str_eq_null(a->zPath, b->zPath);
  assert_str_eq_null(a->zCredUser, b->zCredUser);
  assert_str_eq_null(a->zCredPassword, b->zCredPassword);
  assert_int_equal(a->ePersistent, b->ePersistent);
  assert_int_equal(a->bRaw, b->bRaw);
  assert_int_equal(a->bExact, b->bExact);
  assert_int_equal(a->bUpdateProfile, b->bUpdateProfile);
  assert_int_equal(a->bTemporary, b->bTemporary);
  assert_int_equal(a->bForce, b->bForce);
  assert_int_equal(a->bEnumRemembered, b->bEnumRemembered);
  /* v2 */
  assert_str_eq_null(a->zFrom, b->zFrom);
  assert_int_equal(a->eFromHalf, b->eFromHalf);
  assert_int_equal(a->bS4u, b->bS4u);
  assert_str_eq_null(a->zRegValue, b->zRegValue);
  assert_int_equal(a->eRegType, b->eRegType);
  assert_str_eq_null(a->zRegData, b->zRegData);
  assert_int_equal(a->uRegDword, b->uRegDword);
  assert_int_equal(a->eTool, b->eTool);
  assert_int_equal(a->iToolAction, b->iToolAction);
  assert_int_equal(a->bSaveCredentials, b->bSaveCredentials);
  assert_int_equal(a->nToolArg, b->nToolArg);
  for (i = 0; i < a->nToolArg; i++) {
    assert_int_equal(a->aToolArg[i].eKey, b->aToolArg[i].eKey);
    assert_str_eq_null(a->aToolArg[i].zValue, b->aToolArg[i].zValue);
  }
}

/* Every step and command form, with awkward values. The second column is
** the canonical text (with redaction: third column). */
static const char *const aForm[][3] = {
  {"logon A alice interactive", "logon A alice interactive", NULL},
  {"LOGON x_1 Bob BATCH Highest PASSWORD=\"a b\"", "logon x_1 Bob batch highest password=\"a b\"",
   "logon x_1 Bob batch highest password=***"},
  {"logon A alice network password=", "logon A alice network password=",
   "logon A alice network password=***"},
  {"logon A alice rdp", NULL, NULL}, {"logon A alice runas", NULL, NULL},
  {"logon A alice service", NULL, NULL}, {"logon A alice winrm", NULL, NULL},
  {"logon A alice credssp", NULL, NULL}, {"logon A alice become", NULL, NULL},
  {"logon A alice current", NULL, NULL},
  {"logoff A", NULL, NULL},
  {"reboot", NULL, NULL},
  {"set machine UAC=off luid-maps=on filter-admin-token=on local-account-token-filter=off "
   "linked-connections=on restore-connections=off",
   "set machine uac=off luid-maps=on filter-admin-token=on local-account-token-filter=off "
   "linked-connections=on restore-connections=off", NULL},
  {"bootdevice q: \\??\\C:\\x", "bootdevice Q: \\??\\C:\\x", NULL},
  {"bootdevice Q: /DELETE", "bootdevice Q: /delete", NULL},
  {"bootdevice Q: \"/delete\"", "bootdevice Q: \"/delete\"", NULL},
  {"as A net use", NULL, NULL},
  {"as A.limited net use z: \\\\s\\x", "as A.limited net use Z: \\\\s\\x", NULL},
  {"as A net use Z: \\\\s\\x /user:u pw /persistent:yes", NULL,
   "as A net use Z: \\\\s\\x /user:u *** /persistent:yes"},
  {"as A net use Z: \\\\s\\x /user:\"d\\\\u\" \"/pw\"", "as A net use Z: \\\\s\\x /user:d\\u \"/pw\"",
   "as A net use Z: \\\\s\\x /user:d\\u ***"},
  {"as A net use Z: \\\\s\\x /user:u \"\"", NULL, "as A net use Z: \\\\s\\x /user:u ***"},
  {"as A net use Z: \\\\s\\x /user:u \"#x y\\\"\"", NULL, "as A net use Z: \\\\s\\x /user:u ***"},
  {"as A net use Z: \\\\s\\x /user:u", NULL, NULL},
  {"as A net use Z: \\\\s\\x /persistent:no /user:u", "as A net use Z: \\\\s\\x /user:u /persistent:no", NULL},
  {"as A.elevated net use Z: /delete", NULL, NULL},
  {"as SYSTEM net use * /delete", NULL, NULL},
  {"as system net use /persistent:yes", "as SYSTEM net use /persistent:yes", NULL},
  {"as A cmdkey /add:fs1 /user:u /pass:p", NULL, "as A cmdkey /add:fs1 /user:u /pass:***"},
  {"as A cmdkey /pass:\"p q\" /add:\"t x\" /user:u", "as A cmdkey /add:\"t x\" /user:u /pass:\"p q\"",
   "as A cmdkey /add:\"t x\" /user:u /pass:***"},
  {"as A cmdkey /add:t /user:u /pass:", NULL, "as A cmdkey /add:t /user:u /pass:***"},
  {"as A cmdkey /delete:fs1", NULL, NULL},
  {"as A cmdkey /list", NULL, NULL},
  {"as A define Q: C:\\x", NULL, NULL},
  {"as A define MY \"\\Device\\a b\" RAW", "as A define MY \"\\\\Device\\\\a b\" raw", NULL},
  {"as A define Q: \"\"", NULL, NULL},
  {"as A undefine Q:", NULL, NULL},
  {"as A undefine Q: raw exact", "as A undefine Q: exact raw", NULL},
  {"as A undefine Q: \"exact\" raw", NULL, NULL},
  {"as A undefine Q: C:\\x exact", NULL, NULL},
  {"as A query Q:", NULL, NULL},
  {"as A wnet add Z: \\\\s\\x", NULL, NULL},
  {"as A wnet add z: \\\\s\\x temporary password=\"a\\\"b\" update-profile user=",
   "as A wnet add Z: \\\\s\\x user= password=\"a\\\"b\" update-profile temporary",
   "as A wnet add Z: \\\\s\\x user= password=*** update-profile temporary"},
  {"as A wnet cancel Z: force update-profile", "as A wnet cancel Z: update-profile force", NULL},
  {"as A wnet get Z:", NULL, NULL},
  {"as A wnet enum connected", NULL, NULL},
  {"as A wnet enum REMEMBERED", "as A wnet enum remembered", NULL},
  {"as A drives", NULL, NULL},
  {"as A token", NULL, NULL},
  {"as A persisted", NULL, NULL},
  {"as A dir \\\\s\\x\\y", NULL, NULL},
  {"as A dir \"#a b\"", NULL, NULL},
  /* language v2 */
  {"set machine Protection-Mode=OFF consent-prompt=CREDENTIALS",
   "set machine protection-mode=off consent-prompt=credentials", NULL},
  {"logon S alice SSH password=pw", "logon S alice ssh password=pw", "logon S alice ssh password=***"},
  {"logon S alice ssh", NULL, NULL},
  {"logon N bob netonly password=\"a b\" from=A.Limited", "logon N bob netonly from=A.limited password=\"a b\"",
   "logon N bob netonly from=A.limited password=***"},
  {"logon N bob netonly from=SYSTEM", NULL, NULL},
  {"logon N bob netonly from=A.elevated", NULL, NULL},
  {"logon T alice task highest from=A", "logon T alice task from=A highest", NULL},
  {"logon Q bob batch s4u highest", "logon Q bob batch s4u highest", NULL},
  {"logon E alice elevate from=A", NULL, NULL},
  {"as A net use * \\\\s\\x", NULL, NULL},
  {"as A net use * \\\\s\\x\\sub /persistent:no /user:u", "as A net use * \\\\s\\x\\sub /user:u /persistent:no", NULL},
  {"as A net use * \\\\s\\x /user:u \"*\" /persistent:yes", NULL,
   "as A net use * \\\\s\\x /user:u *** /persistent:yes"},
  {"as A net use \\\\s\\x", NULL, NULL},
  {"as A net use \\\\s\\x /user:u \"/p w\"", NULL, "as A net use \\\\s\\x /user:u ***"},
  {"as A net use \\\\S\\X\\deep\\er /DELETE", "as A net use \\\\S\\X\\deep\\er /delete", NULL},
  {"as A wnet add \\\\s\\x", NULL, NULL},
  {"as A wnet add \\\\s\\x password=p user=u", "as A wnet add \\\\s\\x user=u password=p",
   "as A wnet add \\\\s\\x user=u password=***"},
  {"as A wnet cancel \\\\s\\x", NULL, NULL},
  {"as A wnet cancel \\\\s\\x force", NULL, NULL},
  {"as A REG SET hkcu\\network\\q RemotePath \\\\s\\x", "as A reg set HKCU\\Network\\Q RemotePath \\\\s\\x", NULL},
  {"as A reg set HKCU\\Network\\Q \"Odd Name\" \"a b\"", NULL, NULL},
  {"as A reg set HKCU\\Network\\Q UserName \"\"", NULL, NULL},
  {"as A reg set HKCU\\Network\\Q X \"DWORD:5\"", NULL, NULL},
  {"as A reg set HKCU\\Network\\Q ConnectionType dword:0xFFFFFFFF",
   "as A reg set HKCU\\Network\\Q ConnectionType dword:4294967295", NULL},
  {"as A reg set HKCU\\Network\\Q ConnectionType dword:1", NULL, NULL},
  {"as A reg delete HKCU\\Network\\Q", NULL, NULL},
  {"as A reg delete HKCU\\Network\\Q UserName", NULL, NULL},
  {"as A tool ANSIBLE.win_mapped_drive STATE=absent letter=q", "as A tool ansible.win_mapped_drive state=absent letter=Q:", NULL},
  {"as A tool ansible.win_mapped_drive state=present letter=Q: path=\\\\s\\x username=u password=\"p w\"", NULL,
   "as A tool ansible.win_mapped_drive state=present letter=Q: path=\\\\s\\x username=u password=***"},
  {"as A tool ansible.win_credential state=present name=fs1 username=u secret=s", NULL,
   "as A tool ansible.win_credential state=present name=fs1 username=u secret=***"},
  {"as A tool ansible.win_credential state=present name=* username=u", NULL, NULL},
  {"as A tool ps.New-PSDrive name=q: root=\\\\s\\x", "as A tool ps.New-PSDrive name=Q root=\\\\s\\x", NULL},
  {"as A tool ps.New-PSDrive root=\\\\s\\x name=Q user=u password= persist", NULL,
   "as A tool ps.New-PSDrive root=\\\\s\\x name=Q user=u password=*** persist"},
  {"as A tool ps.remove-psdrive name=Q", "as A tool ps.Remove-PSDrive name=Q", NULL},
  {"as A tool ps.New-SmbMapping local=Q remote=\\\\s\\x persistent", "as A tool ps.New-SmbMapping local=Q: remote=\\\\s\\x persistent", NULL},
  {"as A tool ps.Remove-SmbMapping local=Q:", NULL, NULL},
  {"as A tool netapi.NetUseAdd local=Q: remote=\\\\s\\x user=u password=p", NULL,
   "as A tool netapi.NetUseAdd local=Q: remote=\\\\s\\x user=u password=***"},
  {"as A tool netapi.NetUseDel local=Q:", NULL, NULL},
  {"as A tool gpp.drive-map action=delete letter=Q: path=\\\\s\\x", NULL, NULL},
  {"as A tool gpp.drive-map action=create letter=Q: path=\\\\s\\x persistent=1 user=u password=p", NULL,
   "as A tool gpp.drive-map action=create letter=Q: path=\\\\s\\x persistent=1 user=u password=***"},
  {"as A cmdkey /add:* /user:u /pass:p", NULL, "as A cmdkey /add:* /user:u /pass:***"},
  {"as A cmdkey /add:*.corp.example /user:u /pass:p", NULL, "as A cmdkey /add:*.corp.example /user:u /pass:***"},
  {"as A cmdkey /delete:*.corp.example", NULL, NULL},
};

/* scn_step_format(.., 0) parses back (scn_parse_step_line) to an equal
** step, is canonical (a fixed point), and matches the expected text. */
static void test_step_format_round_trip(void **state) {
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(aForm) / sizeof(aForm[0]); i++) {
    ScnStep a, b;
    char zErr[256];
    char *z1, *z2;
    const char *zWant = aForm[i][1] ? aForm[i][1] : aForm[i][0];
    if (scn_parse_step_line(aForm[i][0], &a, zErr, sizeof(zErr))) {
      print_error("%s: %s\n", aForm[i][0], zErr);
      fail();
    }
    z1 = scn_step_format(&a, 0);
    assert_non_null(z1);
    assert_string_equal(z1, zWant);
    if (scn_parse_step_line(z1, &b, zErr, sizeof(zErr))) {
      print_error("%s: %s\n", z1, zErr);
      fail();
    }
    assert_step_equal(&a, &b);
    z2 = scn_step_format(&b, 0);
    assert_string_equal(z1, z2);
    free(z1);
    free(z2);
    scn_step_clear(&a);
    scn_step_clear(&b);
  }
}

/* With bRedact no password prints: every secret becomes ***. */
static void test_step_format_redacts(void **state) {
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(aForm) / sizeof(aForm[0]); i++) {
    ScnStep a;
    char zErr[256];
    char *z;
    const char *zWant = aForm[i][2] ? aForm[i][2] : aForm[i][1] ? aForm[i][1] : aForm[i][0];
    assert_int_equal(scn_parse_step_line(aForm[i][0], &a, zErr, sizeof(zErr)), 0);
    z = scn_step_format(&a, 1);
    assert_string_equal(z, zWant);
    if (a.zCredPassword && a.zCredPassword[0] && strlen(a.zCredPassword) > 1) {
      assert_null(strstr(z, a.zCredPassword));
    }
    if (a.zLogonPassword && strlen(a.zLogonPassword) > 1) assert_null(strstr(z, a.zLogonPassword));
    free(z);
    scn_step_clear(&a);
  }
}

/* ---------------------------------------------------------------- 4 ---- */

static void test_world_format(void **state) {
  Scenario *p = NULL, *q = NULL;
  char zErr[256];
  const char *z = "title t\nmachine uac=off disks=E:,c:\nuser Al admin domain password=\"x y\"\n"
                  "user bo standard password=\nshare \\\\fs1\\d grant=al,BO anonymous\n"
                  "share \\\\fs2\\e\n";
  char *zU0, *zU1, *zU0r, *zS0, *zS1, *zM, *zAll;
  (void)state;
  assert_int_equal(scn_parse_text("t.scn", z, strlen(z), &p, zErr, sizeof(zErr)), 0);
  zU0 = scn_user_format(&p->aUser[0], 0);
  zU0r = scn_user_format(&p->aUser[0], 1);
  zU1 = scn_user_format(&p->aUser[1], 0);
  zS0 = scn_share_format(&p->aShare[0]);
  zS1 = scn_share_format(&p->aShare[1]);
  zM = scn_machine_format(&p->machine);
  assert_string_equal(zU0, "user Al admin domain password=\"x y\"");
  assert_string_equal(zU0r, "user Al admin domain password=***");
  assert_string_equal(zU1, "user bo standard password=");
  assert_string_equal(zS0, "share \\\\fs1\\d grant=al,BO anonymous");
  assert_string_equal(zS1, "share \\\\fs2\\e grant=everyone");
  assert_string_equal(zM, "machine uac=off filter-admin-token=off local-account-token-filter=off "
                          "linked-connections=off restore-connections=on luid-maps=on disks=C:,E:");
  /* The world statements parse back to the same world. */
  zAll = malloc(strlen(zU0) + strlen(zU1) + strlen(zS0) + strlen(zS1) + strlen(zM) + 64);
  assert_non_null(zAll);
  sprintf(zAll, "title t\n%s\n%s\n%s\n%s\n%s\n", zM, zU0, zU1, zS0, zS1);
  assert_int_equal(scn_parse_text("u.scn", zAll, strlen(zAll), &q, zErr, sizeof(zErr)), 0);
  assert_memory_equal(q->machine.abPolicy, p->machine.abPolicy, sizeof(p->machine.abPolicy));
  assert_int_equal(q->machine.mDisks, p->machine.mDisks);
  assert_string_equal(q->aUser[0].zPassword, "x y");
  assert_int_equal(q->aShare[0].nGrant, 2);
  assert_true(q->aShare[0].bAnonymous);
  assert_true(q->aShare[1].bEveryone);
  free(zU0); free(zU0r); free(zU1); free(zS0); free(zS1); free(zM); free(zAll);
  scn_free(p);
  scn_free(q);
}

/* v2 world: the new machine keys and alias= print and parse back (W1 C16). */
static void test_v2_world_format(void **state) {
  Scenario *p = NULL, *q = NULL;
  char zErr[256], zAll[1024];
  const char *z = "title t\nmachine consent-prompt=credentials protection-mode=off\n"
                  "share \\\\fs1\\d alias=fs1.corp,FS anonymous\n";
  char *zS, *zM;
  (void)state;
  assert_int_equal(scn_parse_text("t.scn", z, strlen(z), &p, zErr, sizeof(zErr)), 0);
  zS = scn_share_format(&p->aShare[0]);
  zM = scn_machine_format(&p->machine);
  assert_string_equal(zS, "share \\\\fs1\\d grant=everyone alias=fs1.corp,FS anonymous");
  assert_string_equal(zM, "machine uac=on filter-admin-token=off local-account-token-filter=off "
                          "linked-connections=off restore-connections=on luid-maps=on "
                          "protection-mode=off consent-prompt=credentials disks=C:");
  snprintf(zAll, sizeof(zAll), "title t\n%s\n%s\n", zM, zS);
  assert_int_equal(scn_parse_text("u.scn", zAll, strlen(zAll), &q, zErr, sizeof(zErr)), 0);
  assert_memory_equal(q->machine.abPolicy, p->machine.abPolicy, sizeof(p->machine.abPolicy));
  assert_int_equal(q->aShare[0].nAlias, 2);
  assert_string_equal(q->aShare[0].azAlias[1], "FS");
  free(zS);
  free(zM);
  scn_free(p);
  scn_free(q);
}

/* v2 canonical lines: `ok Z:` (C15), deviceless rows (C14), tool errors (T2). */
static void test_v2_output_lines(void **state) {
  char z[128];
  (void)state;
  scn_format_ok_letter('q', z, sizeof(z));
  assert_string_equal(z, "ok Q:");
  scn_format_tool_error("letter-in-use", z, sizeof(z));
  assert_string_equal(z, "tool-error letter-in-use");
  scn_format_use_row("OK", 'z', "\\\\fs1\\data", z, sizeof(z));
  assert_string_equal(z, "OK Z: \\\\fs1\\data");
  scn_format_use_row("Disconnected", 0, "\\\\fs1\\data\\sub", z, sizeof(z));
  assert_string_equal(z, "Disconnected \\\\fs1\\data\\sub");
  scn_format_ok_letter('Z', z, 3);               /* truncated, still terminated */
  assert_string_equal(z, "ok");
}

static void test_names(void **state) {
  (void)state;
  assert_string_equal(scn_logon_type_name(SCN_LOGON_CREDSSP), "credssp");
  assert_string_equal(scn_logon_type_name(SCN_LOGON_CURRENT), "current");
  assert_string_equal(scn_logon_type_name(SCN_LOGON_COUNT), "?");
  assert_string_equal(scn_policy_name(SCN_POL_LOCAL_ACCOUNT_TOKEN_FILTER), "local-account-token-filter");
  assert_string_equal(scn_policy_name(SCN_POL_COUNT), "?");
  assert_string_equal(scn_policy_name(SCN_POL_CONSENT_CREDENTIALS), "consent-prompt");
  assert_string_equal(scn_policy_value_name(SCN_POL_CONSENT_CREDENTIALS, 1), "credentials");
  assert_string_equal(scn_policy_value_name(SCN_POL_PROTECTION_MODE, 0), "off");
  assert_string_equal(scn_logon_type_name(SCN_LOGON_ELEVATE), "elevate");
  assert_string_equal(scn_tool_name(SCN_TOOL_GPP_DRIVE_MAP), "gpp.drive-map");
  assert_string_equal(scn_tool_name(SCN_TOOL_COUNT), "?");
  assert_string_equal(scn_tool_key_name(SCN_TKEY_SAVE_CREDENTIALS), "save-credentials");
}

static void test_redact_line(void **state) {
  static const char *const a[][2] = {
    {"user alice admin password=Secret", "user alice admin password=***"},
    {"user alice admin password=\"a b\" domain", "user alice admin password=*** domain"},
    {"as A net use Z: \\\\s\\x /user:bob Hunter2 /persistent:yes",
     "as A net use Z: \\\\s\\x /user:bob *** /persistent:yes"},
    {"as A net use Z: \\\\s\\x /user:bob /persistent:yes",
     "as A net use Z: \\\\s\\x /user:bob /persistent:yes"},
    {"as A cmdkey /add:t /user:u /PASS:pw", "as A cmdkey /add:t /user:u /pass:***"},
    {"as A wnet add Z: \\\\s\\x password=pw", "as A wnet add Z: \\\\s\\x password=***"},
    {"logon A alice batch password=\"open quote", "logon A alice batch password=***"},
    {"as A drives   # password=zzz", "as A drives"},
    {"", ""},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(a) / sizeof(a[0]); i++) {
    char *z = scn_redact_line(a[i][0]);
    assert_non_null(z);
    assert_string_equal(z, a[i][1]);
    free(z);
  }
  assert_null(scn_redact_line(NULL));
}

/* ---------------------------------------------------------------- 5 ---- */

int main(void) {
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_error_symbols),
    cmocka_unit_test(test_format_error),
    cmocka_unit_test(test_output_equal),
    cmocka_unit_test(test_expected_text),
    cmocka_unit_test(test_step_format_round_trip),
    cmocka_unit_test(test_step_format_redacts),
    cmocka_unit_test(test_world_format),
    cmocka_unit_test(test_v2_world_format),
    cmocka_unit_test(test_v2_output_lines),
    cmocka_unit_test(test_names),
    cmocka_unit_test(test_redact_line),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
