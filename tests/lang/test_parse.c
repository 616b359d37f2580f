/*
** tests/lang/test_parse.c: valid scenario files, checked field by field.
**
** The spec's two examples; a file using every construct once
** (valid/all.scn); the lexical rules (comments, quoting, backslashes,
** case, CRLF, BOM, tabs, very long lines); logon-name tracking (reuse after
** logoff or reboot, ended logons are not file errors); expected blocks and
** annotations; scn_parse_step_line on its own.
**
** Contents:
**   1. Helpers
**   2. The spec examples and valid/all.scn
**   3. Lexical rules
**   4. Logon names, annotations and blocks
**   5. scn_parse_step_line
**   6. main
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

/* Parse a string that must be valid; fails the test with the message. */
static Scenario *parse_ok(const char *zText) {
  Scenario *pScn = NULL;
  char zErr[512];
  zErr[0] = 0;
  if (scn_parse_text("t.scn", zText, strlen(zText), &pScn, zErr, sizeof(zErr))) {
    print_error("unexpected parse error: %s\n", zErr);
    fail();
  }
  assert_non_null(pScn);
  return pScn;
}

/* Parse a string that must be refused; returns the message (static). */
static const char *parse_bad(const char *zText, size_t nText) {
  static char zErr[512];
  Scenario *pScn = NULL;
  zErr[0] = 0;
  assert_int_not_equal(scn_parse_text("t.scn", zText, nText, &pScn, zErr, sizeof(zErr)), 0);
  assert_null(pScn);
  return zErr;
}

static Scenario *parse_valid_file(const char *zName) {
  char zPath[1024];
  char zErr[512];
  Scenario *pScn = NULL;
  snprintf(zPath, sizeof(zPath), "%s/valid/%s", LANG_TEST_DIR, zName);
  if (scn_parse_file(zPath, &pScn, zErr, sizeof(zErr))) {
    print_error("%s\n", zErr);
    fail();
  }
  return pScn;
}

#define PRE "title t\nuser alice admin password=pw\nshare \\\\fs1\\data\n\nlogon A alice interactive\n"

/* ---------------------------------------------------------------- 2 ---- */

/* SCENARIO-LANGUAGE example 1 (rules L2 N6 C1). */
static void test_example_one(void **state) {
  Scenario *p = parse_valid_file("example1.scn");
  (void)state;
  assert_string_equal(p->zTitle, "The elevated half cannot see a drive mapped by the limited half");
  assert_int_equal(p->nSource, 1);
  assert_string_equal(p->azSource[0], "SEMANTICS L2 N6 C1; seed: \"Limited (left) vs Admin (right)\"");
  assert_int_equal(p->nUser, 1);
  assert_string_equal(p->aUser[0].zName, "alice");
  assert_int_equal(p->aUser[0].eKind, SCN_ACCOUNT_ADMIN);
  assert_string_equal(p->aUser[0].zPassword, "Al1ce-pw");
  assert_int_equal(p->nShare, 1);
  assert_false(p->aShare[0].bEveryone);
  assert_int_equal(p->aShare[0].nGrant, 1);
  assert_string_equal(p->aShare[0].azGrant[0], "alice");
  assert_int_equal(p->nStep, 4);
  assert_int_equal(p->aStep[0].eKind, SCN_STEP_LOGON);
  assert_false(p->aStep[0].bExpected);
  assert_int_equal(p->aStep[1].eCmd, SCN_CMD_NET_USE_ADD);
  assert_int_equal(p->aStep[1].cLetter, 'Z');
  assert_string_equal(p->aStep[1].zRemote, "\\\\fs1\\data");
  assert_int_equal(p->aStep[1].ePersistent, -1);
  assert_int_equal(p->aStep[1].nExpected, 1);
  assert_string_equal(p->aStep[1].azExpected[0], "ok");
  assert_int_equal(p->aStep[1].iExpectedLine, 10);
  assert_string_equal(p->aStep[2].azExpected[0], "Z: \\\\fs1\\data local");
  assert_int_equal(p->aStep[3].eHalf, SCN_HALF_ELEVATED);
  assert_string_equal(p->aStep[3].zSession, "A");
  assert_string_equal(p->aStep[3].azExpected[0], "(none)");
  assert_int_equal(p->aStep[3].iLine, 17);
  assert_int_equal(p->aStep[3].iIndex, 3);
  scn_free(p);
}

/* SCENARIO-LANGUAGE example 2: current logon, todo (rules N1 N6 D3). */
static void test_example_two(void **state) {
  Scenario *p = parse_valid_file("example2.scn");
  (void)state;
  assert_int_equal(p->nStep, 3);
  assert_int_equal(p->aStep[0].eLogonType, SCN_LOGON_CURRENT);
  assert_int_equal(p->aStep[1].eHalf, SCN_HALF_LIMITED);
  assert_int_equal(p->aStep[1].eCmd, SCN_CMD_DEFINE);
  assert_string_equal(p->aStep[1].zName, "Q:");
  assert_string_equal(p->aStep[1].zTarget, "C:\\data");
  assert_int_equal(p->aStep[2].nTodo, 1);
  assert_int_equal(p->aStep[2].aTodo[0].nLabel, 1);
  assert_string_equal(p->aStep[2].aTodo[0].azLabel[0], "wine");
  assert_string_equal(p->aStep[2].aTodo[0].zReason, "one \\?? namespace for every token");
  assert_int_equal(p->aStep[2].aTodo[0].iLine, 12);
  assert_string_equal(p->aStep[2].azExpected[0], "error 2 ERROR_FILE_NOT_FOUND");
  scn_free(p);
}

/* valid/all.scn: header, world (W1 W3 W4 W5) and the steps. */
static void test_all_header_world(void **state) {
  Scenario *p = parse_valid_file("all.scn");
  (void)state;
  assert_string_equal(p->zTitle, "Every construct");
  assert_int_equal(p->nSource, 2);
  assert_string_equal(p->azSource[1], "seed: \"Limited (left) vs Admin (right)\"");
  assert_int_equal(p->nTag, 2);
  assert_string_equal(p->azTag[1], "Parser");
  assert_int_equal(p->machine.iLine, 8);
  assert_int_equal(p->machine.abPolicy[SCN_POL_UAC], 0);
  assert_int_equal(p->machine.abPolicy[SCN_POL_FILTER_ADMIN_TOKEN], 1);
  assert_int_equal(p->machine.abPolicy[SCN_POL_LOCAL_ACCOUNT_TOKEN_FILTER], 1);
  assert_int_equal(p->machine.abPolicy[SCN_POL_LINKED_CONNECTIONS], 1);
  assert_int_equal(p->machine.abPolicy[SCN_POL_RESTORE_CONNECTIONS], 0);
  assert_int_equal(p->machine.abPolicy[SCN_POL_LUID_MAPS], 0);
  assert_int_equal(p->machine.mDisks, (1u << 2) | (1u << 3));
  assert_int_equal(p->nUser, 3);
  assert_string_equal(p->aUser[1].zName, "Bob");
  assert_int_equal(p->aUser[1].eKind, SCN_ACCOUNT_STANDARD);
  assert_true(p->aUser[1].bDomain);
  assert_string_equal(p->aUser[1].zPassword, "b o#b\"x\\y");
  assert_int_equal(p->aUser[1].iLine, 11);
  assert_int_equal(p->aUser[2].eKind, SCN_ACCOUNT_BUILTIN_ADMIN);
  assert_string_equal(p->aUser[2].zPassword, "");
  assert_int_equal(p->nShare, 3);
  assert_string_equal(p->aShare[0].zServer, "fs1");
  assert_string_equal(p->aShare[0].zShare, "data");
  assert_int_equal(p->aShare[0].nGrant, 2);
  assert_string_equal(p->aShare[0].azGrant[1], "BOB");
  assert_true(p->aShare[1].bEveryone);
  assert_true(p->aShare[1].bAnonymous);
  assert_string_equal(p->aShare[1].zUnc, "\\\\FS2\\Pub");
  assert_true(p->aShare[2].bEveryone);
  assert_false(p->aShare[2].bAnonymous);
  assert_int_equal(p->nStep, 38);
  scn_free(p);
}

static void test_all_logon_steps(void **state) {
  Scenario *p = parse_valid_file("all.scn");
  ScnStep *s = p->aStep;
  static const ScnLogonType aType[] = {
    SCN_LOGON_INTERACTIVE, SCN_LOGON_BATCH, SCN_LOGON_CURRENT, SCN_LOGON_BECOME,
    SCN_LOGON_NETWORK, SCN_LOGON_WINRM, SCN_LOGON_CREDSSP, SCN_LOGON_RDP,
    SCN_LOGON_RUNAS, SCN_LOGON_SERVICE
  };
  int i;
  (void)state;
  for (i = 0; i < 10; i++) {
    assert_int_equal(s[i].eKind, SCN_STEP_LOGON);
    assert_int_equal(s[i].eLogonType, aType[i]);
  }
  assert_int_equal(s[0].iLine, 17);
  assert_int_equal(s[0].nOnlyif, 0);
  /* step 1 carries every annotation */
  assert_int_equal(s[1].iLine, 23);
  assert_string_equal(s[1].zUser, "Bob");            /* declared spelling */
  assert_true(s[1].bHighest);
  assert_string_equal(s[1].zLogonPassword, "wrong");
  assert_int_equal(s[1].nOnlyif, 3);
  assert_string_equal(s[1].azOnlyif[0], "sim");
  assert_string_equal(s[1].azOnlyif[1], "wine");
  assert_string_equal(s[1].azOnlyif[2], "windows");
  assert_int_equal(s[1].nSkipif, 1);
  assert_string_equal(s[1].azSkipif[0], "linux");
  assert_int_equal(s[1].nTodo, 2);
  assert_int_equal(s[1].aTodo[0].nLabel, 2);
  assert_string_equal(s[1].aTodo[0].azLabel[1], "windows");
  assert_string_equal(s[1].aTodo[0].zReason, "no real logons here");
  assert_string_equal(s[1].aTodo[1].zReason, "the model lacks it");
  assert_int_equal(s[1].aTodo[1].iLine, 22);
  assert_null(s[2].zLogonPassword);
  assert_false(s[2].bHighest);
  assert_int_equal(s[10].eKind, SCN_STEP_LOGOFF);
  assert_string_equal(s[10].zSession, "B");
  assert_int_equal(s[11].eKind, SCN_STEP_REBOOT);
  assert_int_equal(s[12].eKind, SCN_STEP_SET);
  assert_int_equal(s[12].nSetting, 2);
  assert_int_equal(s[12].aSetting[0].ePolicy, SCN_POL_UAC);
  assert_int_equal(s[12].aSetting[0].bOn, 1);
  assert_int_equal(s[12].aSetting[1].ePolicy, SCN_POL_LINKED_CONNECTIONS);
  assert_int_equal(s[12].aSetting[1].bOn, 0);
  assert_int_equal(s[13].eKind, SCN_STEP_BOOTDEVICE);
  assert_int_equal(s[13].cLetter, 'Q');
  assert_string_equal(s[13].zTarget, "\\??\\C:\\boot");
  assert_null(s[14].zTarget);
  assert_int_equal(s[14].cLetter, 'Q');
  scn_free(p);
}

static void test_all_as_steps(void **state) {
  Scenario *p = parse_valid_file("all.scn");
  ScnStep *s = p->aStep;
  (void)state;
  assert_int_equal(s[15].eCmd, SCN_CMD_NET_USE_LIST);
  assert_int_equal(s[15].nExpected, 2);
  assert_string_equal(s[15].azExpected[0], "OK Z: \\\\fs1\\data");
  assert_string_equal(s[15].azExpected[1], "Unavailable   Y: \\\\fs2\\pub");
  assert_int_equal(s[15].iExpectedLine, 39);
  assert_int_equal(s[16].eHalf, SCN_HALF_LIMITED);
  assert_int_equal(s[16].eCmd, SCN_CMD_NET_USE_ADD);
  assert_int_equal(s[16].cLetter, 'Z');
  assert_string_equal(s[16].zCredUser, "bob");
  assert_string_equal(s[16].zCredPassword, "pw with blanks");
  assert_int_equal(s[16].ePersistent, 1);
  assert_string_equal(s[17].zRemote, "\\\\fs1\\data\\sub");
  assert_string_equal(s[17].zCredUser, "fs1\\bob");
  assert_null(s[17].zCredPassword);
  assert_int_equal(s[17].ePersistent, 0);
  assert_int_equal(s[18].eHalf, SCN_HALF_SYSTEM);
  assert_null(s[18].zSession);
  assert_int_equal(s[18].eCmd, SCN_CMD_NET_USE_DELETE);
  assert_int_equal(s[19].eCmd, SCN_CMD_NET_USE_DELETE_ALL);
  assert_int_equal(s[20].eCmd, SCN_CMD_NET_USE_PERSISTENT);
  assert_int_equal(s[20].ePersistent, 0);
  assert_int_equal(s[21].eCmd, SCN_CMD_CMDKEY_ADD);
  assert_string_equal(s[21].zTarget, "fs1");
  assert_string_equal(s[21].zCredUser, "bob");
  assert_string_equal(s[21].zCredPassword, "s3cret");
  assert_int_equal(s[22].eCmd, SCN_CMD_CMDKEY_DELETE);
  assert_string_equal(s[22].zTarget, "fs1");
  assert_int_equal(s[23].eCmd, SCN_CMD_CMDKEY_LIST);
  assert_int_equal(s[24].eCmd, SCN_CMD_DEFINE);
  assert_string_equal(s[24].zName, "MYDEV");
  assert_string_equal(s[24].zTarget, "\\Device\\X");
  assert_true(s[24].bRaw);
  assert_int_equal(s[25].eCmd, SCN_CMD_UNDEFINE);
  assert_true(s[25].bExact);
  assert_true(s[25].bRaw);
  assert_string_equal(s[25].zTarget, "\\Device\\X");
  assert_null(s[26].zTarget);
  assert_false(s[26].bExact);
  assert_int_equal(s[27].eCmd, SCN_CMD_QUERY);
  assert_string_equal(s[27].zName, "Q:");
  assert_int_equal(s[28].eCmd, SCN_CMD_WNET_ADD);
  assert_string_equal(s[28].zCredUser, "bob");
  assert_string_equal(s[28].zCredPassword, "p");
  assert_true(s[28].bUpdateProfile);
  assert_true(s[28].bTemporary);
  assert_int_equal(s[29].eCmd, SCN_CMD_WNET_CANCEL);
  assert_true(s[29].bUpdateProfile);
  assert_true(s[29].bForce);
  assert_int_equal(s[30].eCmd, SCN_CMD_WNET_GET);
  assert_int_equal(s[30].cLetter, 'Z');
  assert_int_equal(s[31].eCmd, SCN_CMD_WNET_ENUM);
  assert_true(s[31].bEnumRemembered);
  assert_false(s[32].bEnumRemembered);
  assert_int_equal(s[33].eCmd, SCN_CMD_DRIVES);
  assert_int_equal(s[34].eCmd, SCN_CMD_TOKEN);
  assert_int_equal(s[35].eCmd, SCN_CMD_PERSISTED);
  assert_int_equal(s[36].eCmd, SCN_CMD_DIR);
  assert_string_equal(s[36].zPath, "Z:\\my dir");
  assert_string_equal(s[36].zText, "as A dir \"Z:\\my dir\"");
  assert_string_equal(s[37].zPath, "Z:\\a#b");
  assert_int_equal(s[37].iLine, 65);
  scn_free(p);
}

/* valid/v2.scn: the world's v2 keys and aliases (W1, C16). */
static void test_v2_world(void **state) {
  Scenario *p = parse_valid_file("v2.scn");
  (void)state;
  assert_int_equal(p->machine.abPolicy[SCN_POL_PROTECTION_MODE], 0);
  assert_int_equal(p->machine.abPolicy[SCN_POL_CONSENT_CREDENTIALS], 1);
  assert_int_equal(p->machine.abPolicy[SCN_POL_UAC], 1);
  assert_int_equal(p->aShare[0].nAlias, 2);
  assert_string_equal(p->aShare[0].azAlias[0], "fs1.corp.example");
  assert_string_equal(p->aShare[0].azAlias[1], "FILESRV");
  assert_int_equal(p->aShare[1].nAlias, 1);
  assert_int_equal(p->aShare[2].nAlias, 0);
  /* C16: an alias on any share line holds for every share of the server */
  assert_true(scn_same_server(p, "fs1", "FS1"));
  assert_true(scn_same_server(p, "filesrv", "fs1"));
  assert_true(scn_same_server(p, "files", "fs1.CORP.example"));
  assert_false(scn_same_server(p, "fs2", "fs1"));
  assert_false(scn_same_server(p, "files", "fs2"));
  assert_false(scn_same_server(p, NULL, "fs2"));
  scn_free(p);
}

/* valid/v2.scn: logons L11-L14 and their fields. */
static void test_v2_logons(void **state) {
  Scenario *p = parse_valid_file("v2.scn");
  ScnStep *s = p->aStep;
  (void)state;
  assert_int_equal(s[1].eLogonType, SCN_LOGON_SSH);
  assert_string_equal(s[1].zLogonPassword, "Al1ce-pw");
  assert_false(s[1].bFailed);                    /* the account's own password */
  assert_int_equal(s[2].eLogonType, SCN_LOGON_NETONLY);
  assert_string_equal(s[2].zFrom, "A");
  assert_int_equal(s[2].eFromHalf, SCN_HALF_LIMITED);
  assert_string_equal(s[2].zUser, "bob");
  assert_false(s[2].bFailed);                    /* netonly checks no password (L12) */
  assert_int_equal(s[3].eLogonType, SCN_LOGON_TASK);
  assert_string_equal(s[3].zFrom, "A");
  assert_int_equal(s[3].eFromHalf, SCN_HALF_BARE);
  assert_true(s[3].bHighest);
  assert_int_equal(s[4].eLogonType, SCN_LOGON_BATCH);
  assert_true(s[4].bS4u);
  assert_null(s[4].zFrom);
  assert_int_equal(s[5].eLogonType, SCN_LOGON_ELEVATE);
  assert_string_equal(s[5].zFrom, "A");
  /* a wrong password= makes nothing: F is free again at once */
  assert_int_equal(s[6].iLine, 18);
  assert_true(s[6].bFailed);
  assert_false(s[7].bFailed);
  assert_string_equal(s[7].zSession, "F");
  scn_free(p);
}

/* valid/v2.scn: net use *, deviceless net use and wnet (C14 C15 C9). */
static void test_v2_connections(void **state) {
  Scenario *p = parse_valid_file("v2.scn");
  ScnStep *s = p->aStep;
  (void)state;
  assert_int_equal(s[8].eCmd, SCN_CMD_NET_USE_AUTO);
  assert_int_equal(s[8].cLetter, 0);
  assert_string_equal(s[8].zRemote, "\\\\fs1\\data\\sub");   /* below the share, as typed */
  assert_string_equal(s[8].zCredUser, "bob");
  assert_null(s[8].zCredPassword);               /* /persistent: is never a password */
  assert_int_equal(s[8].ePersistent, 0);
  assert_string_equal(s[9].zCredPassword, "");   /* "" is an empty password, not NULL */
  assert_int_equal(s[9].ePersistent, 1);
  assert_int_equal(s[10].eCmd, SCN_CMD_NET_USE_DEVICELESS);
  assert_string_equal(s[10].zCredPassword, "pw");
  assert_int_equal(s[10].ePersistent, -1);
  assert_int_equal(s[11].eCmd, SCN_CMD_NET_USE_DELETE_REMOTE);
  assert_string_equal(s[11].zRemote, "\\\\FS1\\Data");
  assert_int_equal(s[12].eCmd, SCN_CMD_WNET_ADD_DEVICELESS);
  assert_string_equal(s[12].zCredUser, "bob");
  assert_null(s[12].zCredPassword);              /* user= alone: a NULL password */
  assert_string_equal(s[13].zCredPassword, "");  /* password= empty */
  assert_int_equal(s[14].eCmd, SCN_CMD_WNET_CANCEL_REMOTE);
  assert_true(s[14].bForce);
  assert_string_equal(s[14].zRemote, "\\\\fs1\\data");
  scn_free(p);
}

/* valid/v2.scn: reg set / reg delete under HKCU\Network (R6). */
static void test_v2_registry(void **state) {
  Scenario *p = parse_valid_file("v2.scn");
  ScnStep *s = p->aStep;
  (void)state;
  assert_int_equal(s[15].eCmd, SCN_CMD_REG_SET);
  assert_int_equal(s[15].cLetter, 'Z');
  assert_string_equal(s[15].zRegValue, "UserName");
  assert_int_equal(s[15].eRegType, SCN_REG_SZ);
  assert_string_equal(s[15].zRegData, "");
  assert_int_equal(s[16].eRegType, SCN_REG_DWORD);
  assert_int_equal(s[16].uRegDword, 16);
  assert_int_equal(s[17].eRegType, SCN_REG_SZ);  /* quoted: a string */
  assert_string_equal(s[17].zRegData, "dword:1");
  assert_int_equal(s[18].eCmd, SCN_CMD_REG_DELETE);
  assert_null(s[18].zRegValue);
  assert_string_equal(s[19].zRegValue, "UserName");
  scn_free(p);
}

/* valid/v2.scn: every tool profile (T2-T7) and the wildcard targets (K3). */
static void test_v2_tools(void **state) {
  Scenario *p = parse_valid_file("v2.scn");
  ScnStep *s = p->aStep;
  (void)state;
  assert_int_equal(s[20].eCmd, SCN_CMD_TOOL);
  assert_int_equal(s[20].eTool, SCN_TOOL_ANSIBLE_MAPPED_DRIVE);
  assert_int_equal(s[20].iToolAction, SCN_TACT_PRESENT);
  assert_int_equal(s[20].cLetter, 'Z');
  assert_string_equal(s[20].zRemote, "\\\\fs1\\data");
  assert_string_equal(s[20].zCredUser, "bob");
  assert_string_equal(s[20].zCredPassword, "x");
  assert_int_equal(s[20].nToolArg, 5);
  assert_int_equal(s[20].aToolArg[1].eKey, SCN_TKEY_LETTER);
  assert_string_equal(s[20].aToolArg[1].zValue, "Z:");
  assert_int_equal(s[21].eTool, SCN_TOOL_ANSIBLE_CREDENTIAL);   /* profile names: any case */
  assert_int_equal(s[21].iToolAction, SCN_TACT_ABSENT);
  assert_string_equal(s[21].zTarget, "*.corp.example");
  assert_int_equal(s[22].eTool, SCN_TOOL_PS_NEW_PSDRIVE);
  assert_int_equal(s[22].cLetter, 'Z');
  assert_int_equal(s[22].ePersistent, 1);
  assert_int_equal(s[22].aToolArg[2].eKey, SCN_TKEY_PERSIST);
  assert_null(s[22].aToolArg[2].zValue);
  assert_int_equal(s[23].eTool, SCN_TOOL_PS_REMOVE_PSDRIVE);
  assert_int_equal(s[23].cLetter, 'Z');
  assert_int_equal(s[24].eTool, SCN_TOOL_PS_NEW_SMBMAPPING);
  assert_int_equal(s[24].cLetter, 'Y');
  assert_int_equal(s[24].ePersistent, 1);
  assert_true(s[24].bSaveCredentials);
  assert_int_equal(s[25].eTool, SCN_TOOL_PS_REMOVE_SMBMAPPING);
  assert_int_equal(s[26].eTool, SCN_TOOL_NETAPI_NETUSEADD);
  assert_string_equal(s[26].zRemote, "\\\\fs2\\x");
  assert_null(s[26].zCredUser);
  assert_int_equal(s[27].eTool, SCN_TOOL_NETAPI_NETUSEDEL);
  assert_int_equal(s[27].cLetter, 'X');
  assert_int_equal(s[28].eTool, SCN_TOOL_GPP_DRIVE_MAP);
  assert_int_equal(s[28].iToolAction, SCN_TACT_REPLACE);
  assert_int_equal(s[28].ePersistent, 0);
  assert_int_equal(s[28].cLetter, 'W');
  assert_string_equal(s[29].zTarget, "*");
  assert_string_equal(s[30].zTarget, "*.corp.example");
  scn_free(p);
}

/* valid/v2.scn: consent-prompt is tracked through set machine (W2): E2,
** a consent elevation, names A's session, so logging it off frees A; and
** {T} names a task that ended with A's session. */
static void test_v2_shared_sessions(void **state) {
  Scenario *p = parse_valid_file("v2.scn");
  ScnStep *s = p->aStep;
  (void)state;
  assert_int_equal(s[31].eKind, SCN_STEP_SET);
  assert_int_equal(s[31].aSetting[0].ePolicy, SCN_POL_CONSENT_CREDENTIALS);
  assert_int_equal(s[31].aSetting[0].bOn, 0);
  assert_int_equal(s[31].aSetting[1].ePolicy, SCN_POL_PROTECTION_MODE);
  assert_int_equal(s[34].eKind, SCN_STEP_LOGON);
  assert_string_equal(s[34].zSession, "A");
  assert_string_equal(s[36].zTarget, "\\Device\\LanmanRedirector\\;Z:{T}\\fs1\\data");
  assert_int_equal(p->nStep, 37);
  scn_free(p);
}

/* Logon-name rules of v2 that files must satisfy or break. */
static void test_v2_logon_names(void **state) {
  Scenario *p;
  (void)state;
  /* a failed logon makes nothing: its name is free at once (settled question) */
  p = parse_ok(PRE "logon B alice interactive password=nope\nlogon B alice interactive\n");
  scn_free(p);
  /* ... and an ssh logon fails the same way, a netonly one does not (L12) */
  p = parse_ok(PRE "logon B alice ssh password=nope\nlogon B alice rdp\n");
  scn_free(p);
  {
    static const char zNet[] = PRE "logon B alice netonly from=A password=nope\n"
                                   "logon B alice rdp\n";
    assert_non_null(strstr(parse_bad(zNet, sizeof(zNet) - 1),
                           "t.scn:7: logon name 'B' is still in use"));
  }
  /* a task names A's session: logoff T ends A too, so A may be reused */
  p = parse_ok(PRE "logon T alice task from=A\nlogoff T\nlogon A alice interactive\n");
  scn_free(p);
  /* a credentials elevation is a logon of its own: A stays in use */
  {
    static const char zCred[] = "title t\nmachine consent-prompt=credentials\n"
                                "user alice admin password=pw\nlogon A alice interactive\n"
                                "logon E alice elevate from=A\nlogoff E\n"
                                "logon A alice interactive\n";
    assert_non_null(strstr(parse_bad(zCred, sizeof(zCred) - 1),
                           "t.scn:7: logon name 'A' is still in use"));
  }
  /* a task from an ended logon makes nothing (it prints error 1312) */
  p = parse_ok(PRE "logoff A\nlogon T alice task from=A\nlogon T alice interactive\n");
  scn_free(p);
  /* placeholders: earlier logons live or ended, halves, SYSTEM, and text
  ** that is no logon name (a volume GUID) */
  p = parse_ok(PRE "logoff A\nas SYSTEM define Q: {A}\nbootdevice Z: {A.elevated}\n"
               "as SYSTEM define V: \\??\\Volume{6f8a1c2e-0000-0000-0000-100000000000}\\\n"
               "bootdevice Y: x{SYSTEM}y{\n");
  scn_free(p);
}

/* C9: a user name without a password is a NULL password; "" is empty. */
static void test_C9_null_and_empty_passwords(void **state) {
  ScnStep st;
  char zErr[256];
  static const char *const azNull[] = {
    "as A net use Z: \\\\s\\x /user:bob",
    "as A net use Z: \\\\s\\x /user:bob /persistent:no",
    "as A net use * \\\\s\\x /user:bob /PERSISTENT:yes",
    "as A net use \\\\s\\x /user:bob",
    "as A wnet add Z: \\\\s\\x user=bob",
    "as A wnet add \\\\s\\x user=bob",
  };
  static const char *const azEmpty[] = {
    "as A net use Z: \\\\s\\x /user:bob \"\"",
    "as A net use \\\\s\\x /user:bob \"\"",
    "as A wnet add Z: \\\\s\\x user=bob password=",
    "as A wnet add \\\\s\\x user=bob password=\"\"",
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(azNull) / sizeof(azNull[0]); i++) {
    assert_int_equal(scn_parse_step_line(azNull[i], &st, zErr, sizeof(zErr)), 0);
    assert_string_equal(st.zCredUser, "bob");
    assert_null(st.zCredPassword);
    scn_step_clear(&st);
  }
  for (i = 0; i < sizeof(azEmpty) / sizeof(azEmpty[0]); i++) {
    assert_int_equal(scn_parse_step_line(azEmpty[i], &st, zErr, sizeof(zErr)), 0);
    assert_non_null(st.zCredPassword);
    assert_string_equal(st.zCredPassword, "");
    scn_step_clear(&st);
  }
}

/* Issue 9.3: a tab inside quotes never reaches a word (the agent journals
** words and must read them back); it is a FILE:LINE error. The file is
** /work/shared/repro/tabreboot.scn. */
static void test_tab_inside_quotes_is_refused(void **state) {
  static const char zTab[] =
    "title tab in a credential target\n"
    "user alice admin password=Al1ce-pw\n"
    "logon A alice current\n"
    "as A cmdkey /add:\"fs\t1\" /user:u /pass:p\n"
    "reboot\n"
    "as A cmdkey /list\n";
  ScnStep st;
  char zErr[256];
  (void)state;
  assert_string_equal(parse_bad(zTab, sizeof(zTab) - 1),
                      "t.scn:4: control character 0x09 inside quotes (column 21): words "
                      "hold no tab or other control character");
  /* the agent's path: one step line */
  assert_int_not_equal(scn_parse_step_line("as A cmdkey /add:\"fs\t1\" /user:u /pass:p", &st,
                                           zErr, sizeof(zErr)), 0);
  assert_non_null(strstr(zErr, "control character 0x09 inside quotes"));
  assert_int_not_equal(scn_parse_step_line("as A define Q: \"a\tb\"", &st, zErr, sizeof(zErr)), 0);
  /* a tab between words is still a blank */
  assert_int_equal(scn_parse_step_line("as A\tcmdkey\t/add:fs1 /user:u /pass:p", &st,
                                       zErr, sizeof(zErr)), 0);
  scn_step_clear(&st);
}

/* ---------------------------------------------------------------- 3 ---- */

/* Comments: whole-line, word comments, `#` inside a word or quotes. */
static void test_lexical_comments(void **state) {
  Scenario *p = parse_ok("  # leading comment\ntitle a # b\nuser alice admin password=x#y\n"
                         "\nlogon A alice interactive # c\nas A dir a#b   #c d\n"
                         "as A dir \"#x y\"\n");
  (void)state;
  assert_string_equal(p->zTitle, "a");
  assert_string_equal(p->aUser[0].zPassword, "x#y");
  assert_string_equal(p->aStep[0].zText, "logon A alice interactive");
  assert_string_equal(p->aStep[1].zPath, "a#b");
  assert_string_equal(p->aStep[1].zText, "as A dir a#b");
  assert_string_equal(p->aStep[2].zPath, "#x y");
  scn_free(p);
}

static void test_lexical_word_comment_in_type(void **state) {
  const char *zErr = parse_bad(PRE "logon B alice batch#x\n", strlen(PRE "logon B alice batch#x\n"));
  (void)state;
  assert_string_equal(zErr, "t.scn:6: unknown logon type 'batch#x' (known: interactive, rdp, "
                            "runas, batch, service, network, winrm, credssp, become, current, ssh, netonly, task, elevate)");
}

/* Quoting: `\"` and `\\` only inside quotes; elsewhere backslashes are
** literal (UNC paths). A quoted word is never a keyword. */
static void test_lexical_quotes_and_backslashes(void **state) {
  Scenario *p = parse_ok(PRE "as A define Q: \\\\srv\\x\\\n"
                         "as A define R: \"a\\\\b\\c\\\"d\"\n"
                         "as A define S: pre\"mid dle\"post\n"
                         "as A undefine T: \"raw\"\n");
  (void)state;
  assert_string_equal(p->aStep[1].zTarget, "\\\\srv\\x\\");
  assert_string_equal(p->aStep[2].zTarget, "a\\b\\c\"d");
  assert_string_equal(p->aStep[3].zTarget, "premid dlepost");
  assert_string_equal(p->aStep[4].zTarget, "raw");
  assert_false(p->aStep[4].bRaw);
  scn_free(p);
}

/* Keywords, flags, accounts, servers, shares and letters ignore case;
** session names do not. */
static void test_lexical_case(void **state) {
  Scenario *p = parse_ok("TITLE t\nUSER Alice ADMIN PASSWORD=Pw\nSHARE \\\\fs1\\d GRANT=alice\n\n"
                         "LOGON a ALICE INTERACTIVE\nLOGON A alice BATCH\n"
                         "AS a NET USE z: \\\\fs1\\d /PERSISTENT:Yes\nAs A.LIMITED Wnet Enum CONNECTED\n");
  (void)state;
  assert_string_equal(p->aUser[0].zPassword, "Pw");
  assert_string_equal(p->aStep[0].zUser, "Alice");
  assert_string_equal(p->aStep[0].zSession, "a");
  assert_string_equal(p->aStep[1].zSession, "A");
  assert_int_equal(p->aStep[2].cLetter, 'Z');
  assert_int_equal(p->aStep[2].ePersistent, 1);
  assert_int_equal(p->aStep[3].eHalf, SCN_HALF_LIMITED);
  scn_free(p);
}

/* CRLF endings, a UTF-8 BOM, tabs as blanks, trailing blanks. */
static void test_lexical_crlf_bom_tabs(void **state) {
  const char *z = "\xEF\xBB\xBFtitle\tcaf\xC3\xA9 \r\nuser\talice\tadmin\tpassword=pw\r\n\r\n"
                  "logon A alice interactive\r\n\r\nas A drives \t\r\n----\r\n"
                  "Z: \\\\fs1\\data\tlocal \r\n";
  Scenario *p = parse_ok(z);
  (void)state;
  assert_string_equal(p->zTitle, "caf\xC3\xA9");
  assert_int_equal(p->nStep, 2);
  assert_string_equal(p->aStep[1].zText, "as A drives");
  assert_int_equal(p->aStep[1].iLine, 6);
  assert_int_equal(p->aStep[1].nExpected, 1);
  assert_string_equal(p->aStep[1].azExpected[0], "Z: \\\\fs1\\data\tlocal");
  scn_free(p);
}

/* A very long line (1 MB password) is read whole. */
static void test_lexical_long_line(void **state) {
  size_t nPw = 1u << 20, nHead = strlen("title t\nuser alice admin password=");
  char *z = malloc(nHead + nPw + 2);
  Scenario *p;
  (void)state;
  assert_non_null(z);
  memcpy(z, "title t\nuser alice admin password=", nHead);
  memset(z + nHead, 'x', nPw);
  z[nHead + nPw] = '\n';
  z[nHead + nPw + 1] = 0;
  p = parse_ok(z);
  assert_int_equal(strlen(p->aUser[0].zPassword), nPw);
  scn_free(p);
  free(z);
}

/* A NUL byte is an error, not a truncation. */
static void test_lexical_nul(void **state) {
  static const char z[] = "title t\n\0title u\n";
  (void)state;
  assert_string_equal(parse_bad(z, sizeof(z) - 1), "t.scn:2: NUL byte in line (column 1)");
}

/* An empty file has no title. A file with a title only is valid. */
static void test_empty_and_minimal(void **state) {
  Scenario *p;
  (void)state;
  assert_string_equal(parse_bad("", 0), "t.scn:1: missing title (every scenario needs one title "
                                        "line before its steps)");
  p = parse_ok("title only");
  assert_int_equal(p->nStep, 0);
  assert_int_equal(p->machine.abPolicy[SCN_POL_UAC], 1);               /* W1 defaults */
  assert_int_equal(p->machine.abPolicy[SCN_POL_FILTER_ADMIN_TOKEN], 0);
  assert_int_equal(p->machine.abPolicy[SCN_POL_LOCAL_ACCOUNT_TOKEN_FILTER], 0);
  assert_int_equal(p->machine.abPolicy[SCN_POL_LINKED_CONNECTIONS], 0);
  assert_int_equal(p->machine.abPolicy[SCN_POL_RESTORE_CONNECTIONS], 1);
  assert_int_equal(p->machine.abPolicy[SCN_POL_LUID_MAPS], 1);
  assert_int_equal(p->machine.mDisks, 1u << 2);                        /* W5 C: */
  assert_int_equal(p->machine.iLine, 0);
  assert_string_equal(p->zFile, "t.scn");
  scn_free(p);
}

/* ---------------------------------------------------------------- 4 ---- */

/* L8 L9 L10: names return after logoff/reboot; ended logons are runtime
** errors (1312), not file errors. */
static void test_L10_ended_logon_is_not_a_file_error(void **state) {
  Scenario *p = parse_valid_file("sessions.scn");
  (void)state;
  assert_int_equal(p->nStep, 11);
  assert_int_equal(p->aStep[2].eKind, SCN_STEP_AS);
  assert_string_equal(p->aStep[2].azExpected[0], "error 1312 ERROR_NO_SUCH_LOGON_SESSION");
  assert_int_equal(p->aStep[3].eKind, SCN_STEP_LOGOFF);
  assert_string_equal(p->aStep[4].zUser, "bob");
  assert_int_equal(p->aStep[9].eHalf, SCN_HALF_LIMITED);
  assert_string_equal(p->aStep[9].zSession, "B");
  assert_int_equal(p->aStep[10].eHalf, SCN_HALF_SYSTEM);
  scn_free(p);
}

/* Steps may follow each other without a blank line; comment lines between
** a step and its block, and between annotations and their step, are fine. */
static void test_blocks_and_annotations_layout(void **state) {
  Scenario *p = parse_ok(PRE "as A drives\n# note\n----\n# inner\nZ: x local\n\n"
                         "todo wine lacks it\n# note\nskipif windows\nas A token\nas A persisted\n"
                         "----\n(none)\n");
  (void)state;
  assert_int_equal(p->nStep, 4);
  assert_true(p->aStep[1].bExpected);
  assert_int_equal(p->aStep[1].nExpected, 1);
  assert_int_equal(p->aStep[2].nTodo, 1);
  assert_int_equal(p->aStep[2].nSkipif, 1);
  assert_false(p->aStep[2].bExpected);
  assert_int_equal(p->aStep[3].nTodo, 0);
  assert_true(p->aStep[3].bExpected);
  assert_string_equal(p->aStep[3].azExpected[0], "(none)");
  scn_free(p);
}

/* A block runs to the next blank line: statements inside it are lines. */
static void test_block_runs_to_blank(void **state) {
  Scenario *p = parse_ok(PRE "as A drives\n----\nas A token\n----\n");
  (void)state;
  assert_int_equal(p->nStep, 2);
  assert_int_equal(p->aStep[1].nExpected, 2);
  assert_string_equal(p->aStep[1].azExpected[0], "as A token");
  assert_string_equal(p->aStep[1].azExpected[1], "----");
  scn_free(p);
}

/* A current logon is allowed once; bare, limited and elevated halves. */
static void test_L5_current_and_halves(void **state) {
  Scenario *p = parse_ok(PRE "logon C alice current\nas C token\nas C.limited token\n"
                         "as C.Elevated token\n");
  (void)state;
  assert_int_equal(p->aStep[1].eLogonType, SCN_LOGON_CURRENT);
  assert_int_equal(p->aStep[2].eHalf, SCN_HALF_BARE);
  assert_int_equal(p->aStep[3].eHalf, SCN_HALF_LIMITED);
  assert_int_equal(p->aStep[4].eHalf, SCN_HALF_ELEVATED);
  scn_free(p);
}

/* The error buffer is honoured even when tiny, and may be NULL. */
static void test_error_buffer_sizes(void **state) {
  char zTiny[8];
  Scenario *pScn = NULL;
  (void)state;
  assert_int_not_equal(scn_parse_text("t.scn", "bogus", 5, &pScn, zTiny, sizeof(zTiny)), 0);
  assert_string_equal(zTiny, "t.scn:1");
  assert_int_not_equal(scn_parse_text("t.scn", "bogus", 5, &pScn, NULL, 0), 0);
  assert_null(pScn);
}

/* ---------------------------------------------------------------- 5 ---- */

/* The agent's entry point: one line, no session checks. */
static void test_step_line(void **state) {
  ScnStep st;
  char zErr[256];
  (void)state;
  assert_int_equal(scn_parse_step_line("as Nobody net use Z: \\\\s\\x /user:u pw # c\r\n", &st,
                                       zErr, sizeof(zErr)), 0);
  assert_int_equal(st.eCmd, SCN_CMD_NET_USE_ADD);
  assert_string_equal(st.zSession, "Nobody");
  assert_string_equal(st.zCredPassword, "pw");
  assert_string_equal(st.zText, "as Nobody net use Z: \\\\s\\x /user:u pw");
  scn_step_clear(&st);
  assert_int_equal(scn_parse_step_line("logon X ghost interactive", &st, zErr, sizeof(zErr)), 0);
  assert_string_equal(st.zUser, "ghost");
  scn_step_clear(&st);
  assert_int_not_equal(scn_parse_step_line("title x", &st, zErr, sizeof(zErr)), 0);
  assert_string_equal(zErr, "unknown step 'title' (known: logon, logoff, reboot, set, bootdevice, as)");
  assert_int_not_equal(scn_parse_step_line("   # only a comment", &st, zErr, sizeof(zErr)), 0);
  assert_string_equal(zErr, "empty step line");
  assert_int_not_equal(scn_parse_step_line("as A dir \"x", &st, zErr, sizeof(zErr)), 0);
  assert_string_equal(zErr, "quote left open (a \" at column 10 is never closed)");
  assert_null(st.zText);
}

/* ---------------------------------------------------------------- 6 ---- */

int main(void) {
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_example_one),
    cmocka_unit_test(test_example_two),
    cmocka_unit_test(test_all_header_world),
    cmocka_unit_test(test_all_logon_steps),
    cmocka_unit_test(test_all_as_steps),
    cmocka_unit_test(test_lexical_comments),
    cmocka_unit_test(test_lexical_word_comment_in_type),
    cmocka_unit_test(test_lexical_quotes_and_backslashes),
    cmocka_unit_test(test_lexical_case),
    cmocka_unit_test(test_lexical_crlf_bom_tabs),
    cmocka_unit_test(test_lexical_long_line),
    cmocka_unit_test(test_lexical_nul),
    cmocka_unit_test(test_empty_and_minimal),
    cmocka_unit_test(test_L10_ended_logon_is_not_a_file_error),
    cmocka_unit_test(test_blocks_and_annotations_layout),
    cmocka_unit_test(test_block_runs_to_blank),
    cmocka_unit_test(test_L5_current_and_halves),
    cmocka_unit_test(test_error_buffer_sizes),
    cmocka_unit_test(test_step_line),
    cmocka_unit_test(test_v2_world),
    cmocka_unit_test(test_v2_logons),
    cmocka_unit_test(test_v2_connections),
    cmocka_unit_test(test_v2_registry),
    cmocka_unit_test(test_v2_tools),
    cmocka_unit_test(test_v2_shared_sessions),
    cmocka_unit_test(test_v2_logon_names),
    cmocka_unit_test(test_C9_null_and_empty_passwords),
    cmocka_unit_test(test_tab_inside_quotes_is_refused),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
