/*
** tests/sim/test_sim_dosdev.c: the DOS device namespace (SEMANTICS N1-N7)
** and DefineDosDevice / QueryDosDevice (D1-D5).
**
** Contents: 1. the namespace  2. DefineDosDevice  3. QueryDosDevice
*/
#include "tests/sim/simtest.h"

/* ---------------------------------------------------------------- 1 ---- */

/* N1: a session's local directory is made on first use. */
static void test_N1_local_directory_made_lazily(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  int bExists = -1;
  (void)state;
  memset(&buf, 0, sizeof(buf));
  assert_int_equal(sim_dosdev_visit_session(pM, b, &bExists, simtest_visit_link, &buf), 0);
  assert_int_equal(bExists, 0);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "q:", "C:\\data"), 0);
  assert_int_equal(sim_dosdev_visit_session(pM, b, &bExists, simtest_visit_link, &buf), 0);
  assert_int_equal(bExists, 1);
  assert_string_equal(buf.z, "Q:=\\??\\C:\\data");
  /* N3: SYSTEM has none */
  assert_int_equal(sim_dosdev_visit_session(pM, SIM_LUID_SYSTEM, &bExists, simtest_visit_link, &buf), 0);
  assert_int_equal(bExists, 0);
  simtest_free(pM);
}

/* N2/N7: a name is looked up locally first, then globally; a local name
** shadows a global one; the view is sorted and has each name once. */
static void test_N2_N7_local_shadows_global(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  int rc;
  (void)state;
  assert_int_equal(sim_define_dos_device(pM, b, 0, "Y:", "C:\\mine"), 0);
  assert_int_equal(sim_define_dos_device(pM, SIM_LUID_SYSTEM, 0, "Y:", "C:\\sys"), 0);
  assert_int_equal(sim_define_dos_device(pM, SIM_LUID_SYSTEM, 0, "X:", "C:\\x"), 0);
  assert_int_equal(sim_define_dos_device(pM, SIM_LUID_SYSTEM, 0, "Z:", "C:\\z"), 0);
  assert_string_equal(simtest_query(pM, b, "Y:", &rc, &buf), "\\??\\C:\\mine");
  assert_string_equal(simtest_query(pM, SIM_LUID_SYSTEM, "Y:", &rc, &buf), "\\??\\C:\\sys");
  memset(&buf, 0, sizeof(buf));
  assert_int_equal(sim_dosdev_view(pM, b, simtest_visit_link, &buf), 0);
  assert_string_equal(buf.z, "C:=\\Device\\HarddiskVolume1@G|X:=\\??\\C:\\x@G|"
                             "Y:=\\??\\C:\\mine|Z:=\\??\\C:\\z@G");
  /* N7: SYSTEM's view is the global links alone */
  assert_string_equal(simtest_letters(pM, SIM_LUID_SYSTEM, &buf), "X:G|Y:G|Z:G");
  simtest_free(pM);
}

/* N3: SYSTEM's definitions are global and visible to every session. */
static void test_N3_system_defines_globally(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimLuid a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_define_dos_device(pM, SIM_LUID_SYSTEM, 0, "S:", "C:\\s"), 0);
  assert_string_equal(simtest_letters(pM, b, &buf), "S:G");
  assert_string_equal(simtest_letters(pM, a, &buf), "S:G");
  assert_string_equal(simtest_letters(pM, simtest_linked(pM, a), &buf), "S:G");
  simtest_free(pM);
}

/* N4: Global\X: always names the global device; defining one needs an
** unfiltered administrator token or SYSTEM. */
static void test_N4_global_prefix(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  SimLuid e = simtest_linked(pM, a);
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimLuid adm = simtest_logon(pM, "admin", SIM_LOGON_INTERACTIVE);   /* default */
  SimtestBuf buf;
  int rc;
  (void)state;
  assert_int_equal(sim_define_dos_device(pM, a, 0, "Global\\G:", "C:\\g"), ERROR_ACCESS_DENIED);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "global\\G:", "C:\\g"), ERROR_ACCESS_DENIED);
  assert_int_equal(sim_define_dos_device(pM, e, 0, "Global\\G:", "C:\\g"), 0);
  assert_int_equal(sim_define_dos_device(pM, adm, 0, "Global\\H:", "C:\\h"), 0);
  assert_int_equal(sim_define_dos_device(pM, SIM_LUID_SYSTEM, 0, "Global\\I:", "C:\\i"), 0);
  assert_string_equal(simtest_letters(pM, b, &buf), "G:G|H:G|I:G");
  /* a local Q: does not hide Global\Q: from a query */
  assert_int_equal(sim_define_dos_device(pM, b, 0, "Q:", "C:\\local"), 0);
  simtest_query(pM, b, "Global\\Q:", &rc, &buf);
  assert_int_equal(rc, ERROR_FILE_NOT_FOUND);
  assert_int_equal(sim_define_dos_device(pM, e, 0, "Global\\Q:", "C:\\global"), 0);
  assert_string_equal(simtest_query(pM, b, "Global\\Q:", &rc, &buf), "\\??\\C:\\global");
  assert_string_equal(simtest_query(pM, b, "Q:", &rc, &buf), "\\??\\C:\\local");
  simtest_free(pM);
}

/* N5: with LUID device maps off there is one namespace: a letter another
** user holds cannot be mapped, and another user's drive cannot be
** queried or cancelled through mpr. */
static void test_N5_luid_maps_off_one_namespace(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a, b;
  SimtestBuf buf;
  const char *z;
  (void)state;
  assert_int_equal(sim_policy_init(pM, SIM_POL_LUID_DEVICE_MAPS, 0), 0);
  a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(simtest_map(pM, a, "Z:", "\\\\fs1\\data", 0), 0);
  assert_string_equal(simtest_letters(pM, b, &buf), "Z:G");
  assert_string_equal(simtest_letters(pM, simtest_linked(pM, a), &buf), "Z:G");
  assert_int_equal(simtest_map(pM, b, "Z:", "\\\\fs1\\data", 0), ERROR_ALREADY_ASSIGNED);
  assert_int_equal(sim_wnet_get_connection(pM, b, "Z:", &z), ERROR_NOT_CONNECTED);
  assert_int_equal(sim_wnet_cancel_connection2(pM, b, "Z:", 0, 1), ERROR_NOT_CONNECTED);
  assert_int_equal(sim_wnet_get_connection(pM, a, "Z:", &z), 0);
  assert_string_equal(z, "\\\\fs1\\data");
  /* a standard user's definitions are global too */
  assert_int_equal(sim_define_dos_device(pM, b, 0, "Q:", "C:\\q"), 0);
  assert_string_equal(simtest_letters(pM, a, &buf), "Q:G|Z:G");
  /* the owner's cancel removes the global link; logoff removes its links */
  assert_int_equal(sim_wnet_cancel_connection2(pM, a, "Z:", 0, 0), 0);
  assert_string_equal(simtest_letters(pM, b, &buf), "Q:G");
  assert_int_equal(simtest_map(pM, b, "Y:", "\\\\fs1\\data", 0), 0);
  assert_int_equal(sim_logoff(pM, b), 0);
  assert_string_equal(simtest_letters(pM, a, &buf), "Q:G");
  simtest_free(pM);
}

/* N6: the two halves of a split logon have separate directories. */
static void test_N6_halves_are_separate(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  SimLuid e = simtest_linked(pM, a);
  SimtestBuf buf;
  int rc;
  (void)state;
  assert_int_equal(simtest_map(pM, a, "Z:", "\\\\fs1\\data", 0), 0);
  assert_int_equal(sim_define_dos_device(pM, e, 0, "Q:", "C:\\q"), 0);
  assert_string_equal(simtest_letters(pM, a, &buf), "Z:L");
  assert_string_equal(simtest_letters(pM, e, &buf), "Q:L");
  simtest_query(pM, a, "Q:", &rc, &buf);
  assert_int_equal(rc, ERROR_FILE_NOT_FOUND);
  /* so the full half may map the same letter itself */
  assert_int_equal(simtest_map(pM, e, "Z:", "\\\\fs1\\team", 0), 0);
  simtest_free(pM);
}

/* ---------------------------------------------------------------- 2 ---- */

/* D1: bad flags and arguments. */
static void test_D1_invalid_parameters(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  (void)state;
  assert_int_equal(sim_define_dos_device(pM, b, 0x10, "Q:", "C:\\"), ERROR_INVALID_PARAMETER);
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_EXACT_MATCH_ON_REMOVE, "Q:", "C:\\"),
                   ERROR_INVALID_PARAMETER);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "Q:", NULL), ERROR_INVALID_PARAMETER);
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_RAW_TARGET_PATH, "Q:", NULL),
                   ERROR_INVALID_PARAMETER);
  assert_int_equal(sim_define_dos_device(pM, b, 0, NULL, "C:\\"), ERROR_INVALID_PARAMETER);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "", "C:\\"), ERROR_INVALID_PARAMETER);
  assert_string_equal(simtest_letters(pM, b, &buf), "");
  /* DDD_NO_BROADCAST_SYSTEM is accepted */
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_NO_BROADCAST_SYSTEM, "Q:", "C:\\"), 0);
  simtest_free(pM);
}

/* D2: targets become NT paths unless RAW; the name is upper-cased. */
static void test_D2_target_conversion(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  int rc;
  (void)state;
  assert_int_equal(sim_define_dos_device(pM, b, 0, "a:", "C:\\x"), 0);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "B:", "\\\\s\\sh\\p"), 0);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "D:", "\\??\\D:\\kept"), 0);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "E:", "relative\\dir"), 0);
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_RAW_TARGET_PATH, "F:", "C:\\raw"), 0);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "G:", "\\\\?\\C:\\long"), 0);
  assert_string_equal(simtest_query(pM, b, "A:", &rc, &buf), "\\??\\C:\\x");
  assert_string_equal(simtest_query(pM, b, "b:", &rc, &buf), "\\??\\UNC\\s\\sh\\p");
  assert_string_equal(simtest_query(pM, b, "D:", &rc, &buf), "\\??\\D:\\kept");
  /* D2 v2: a relative path is taken against C:\ [F] */
  assert_string_equal(simtest_query(pM, b, "E:", &rc, &buf), "\\??\\C:\\relative\\dir");
  assert_string_equal(simtest_query(pM, b, "F:", &rc, &buf), "C:\\raw");
  assert_string_equal(simtest_query(pM, b, "G:", &rc, &buf), "\\??\\C:\\long");
  /* the same conversion applies to a removal target */
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_REMOVE_DEFINITION|SIM_DDD_EXACT_MATCH_ON_REMOVE,
                                         "A:", "C:\\x"), 0);
  simtest_query(pM, b, "A:", &rc, &buf);
  assert_int_equal(rc, ERROR_FILE_NOT_FOUND);
  simtest_free(pM);
}

/* D2 v2: a DOS path target is made a full path as GetFullPathName makes
** it before \??\ goes in front; RAW and \??\ targets are not touched. */
static void test_D2_v2_full_path(void **state){
  static const char *const aCase[][2] = {
    {"C:/windows/",          "\\??\\C:\\windows\\"},   /* Wine's test, passes on Windows */
    {"C:\\a\\\\\\b",         "\\??\\C:\\a\\b"},          /* a run of separators folds */
    {"C:\\a\\\\\\",            "\\??\\C:\\a\\"},           /* trailing kept, as one */
    {"C:\\a\\.\\b\\..\\c",       "\\??\\C:\\a\\c"},          /* . and .. resolved */
    {"C:\\..\\..\\x",          "\\??\\C:\\x"},             /* .. never above the root */
    {"D:",                   "\\??\\D:\\"},              /* bare drive: its root */
    {"D:rel",                "\\??\\D:\\rel"},           /* [F] D:'s directory is its root */
    {"rel\\dir",             "\\??\\C:\\rel\\dir"},      /* [F] relative against C:\ */
    {"./rel/../x",           "\\??\\C:\\x"},
    {"\\rooted",             "\\??\\C:\\rooted"},        /* rooted: the current drive */
    {"//s/sh/p/../q",        "\\??\\UNC\\s\\sh\\q"},   /* UNC, slashes count */
    {"\\\\s\\sh\\..\\..\\p",     "\\??\\UNC\\s\\sh\\p"},   /* .. stops at the share */
    {"\\??\\C:/kept/../",    "\\??\\C:/kept/../"},     /* an NT path is kept */
  };
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  int rc;
  size_t i;
  (void)state;
  for(i=0; i<sizeof(aCase)/sizeof(aCase[0]); i++){
    assert_int_equal(sim_define_dos_device(pM, b, 0, "Q:", aCase[i][0]), 0);
    if( strcmp(simtest_query(pM, b, "Q:", &rc, &buf), aCase[i][1])!=0 ){
      print_error("D2 case %s\n", aCase[i][0]);
    }
    assert_string_equal(buf.z, aCase[i][1]);
    assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_REMOVE_DEFINITION, "Q:", NULL), 0);
  }
  /* RAW is verbatim */
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_RAW_TARGET_PATH, "Q:", "C:/x/../y"), 0);
  assert_string_equal(simtest_query(pM, b, "Q:", &rc, &buf), "C:/x/../y");
  /* the removal target goes through the same conversion: C:/y/ names
  ** \??\C:\y\, which an exact match then finds */
  assert_int_equal(sim_define_dos_device(pM, b, 0, "R:", "C:\\y\\"), 0);
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_REMOVE_DEFINITION|SIM_DDD_EXACT_MATCH_ON_REMOVE,
                                         "R:", "C:/x/../y/"), 0);
  simtest_query(pM, b, "R:", &rc, &buf);
  assert_int_equal(rc, ERROR_FILE_NOT_FOUND);
  simtest_free(pM);
}

/* D1 v2: a device name ending in a backslash is ERROR_INVALID_NAME for
** define, remove and query, and nothing changes. */
static void test_D1_v2_trailing_backslash_name(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  int rc;
  (void)state;
  assert_int_equal(sim_define_dos_device(pM, b, 0, "M:", "C:\\m"), 0);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "M:\\", "C:\\other"), ERROR_INVALID_NAME);
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_REMOVE_DEFINITION, "M:\\", NULL),
                   ERROR_INVALID_NAME);
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_REMOVE_DEFINITION, "m:\\", "C:\\m"),
                   ERROR_INVALID_NAME);
  simtest_query(pM, b, "M:\\", &rc, &buf);
  assert_int_equal(rc, ERROR_INVALID_NAME);
  assert_int_equal(sim_define_dos_device(pM, SIM_LUID_SYSTEM, 0, "Global\\N:\\", "C:\\n"),
                   ERROR_INVALID_NAME);
  /* nothing changed */
  assert_string_equal(simtest_query(pM, b, "M:", &rc, &buf), "\\??\\C:\\m");
  assert_string_equal(simtest_letters(pM, b, &buf), "M:L");
  simtest_free(pM);
}

/* D3 v2, W1: ProtectionMode is what keeps another account's global link
** read-only to a filtered token; with it off (after a reboot, W2) any
** token may change or remove it. */
static void test_D3_v2_protection_mode(void **state){
  SimMachine *pM = simtest_world();
  SimtestBuf buf;
  int rc;
  SimLuid b;
  (void)state;
  assert_int_equal(sim_define_dos_device(pM, SIM_LUID_SYSTEM, 0, "G:", "C:\\g"), 0);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "G:", "C:\\mine"), ERROR_ACCESS_DENIED);
  /* W2: ProtectionMode changes at the next reboot */
  assert_int_equal(sim_policy_set(pM, SIM_POL_PROTECTION_MODE, 0), 0);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "G:", "C:\\mine"), ERROR_ACCESS_DENIED);
  assert_int_equal(sim_reboot(pM), 0);
  assert_int_equal(sim_define_dos_device(pM, SIM_LUID_SYSTEM, 0, "G:", "C:\\g"), 0);
  b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "G:", "C:\\mine"), 0);
  /* pushed on the global link, which SYSTEM now sees */
  assert_string_equal(simtest_query(pM, SIM_LUID_SYSTEM, "G:", &rc, &buf),
                      "\\??\\C:\\mine|\\??\\C:\\g");
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_REMOVE_DEFINITION, "G:", NULL), 0);
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_REMOVE_DEFINITION, "G:", NULL), 0);
  simtest_query(pM, SIM_LUID_SYSTEM, "G:", &rc, &buf);
  assert_int_equal(rc, ERROR_FILE_NOT_FOUND);
  /* N4 is not ProtectionMode's: Global\ names still need an admin [F] */
  assert_int_equal(sim_define_dos_device(pM, b, 0, "Global\\H:", "C:\\h"), ERROR_ACCESS_DENIED);
  simtest_free(pM);
}

/* D3: defining pushes; earlier targets stay behind. */
static void test_D3_define_stacks(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  int rc;
  (void)state;
  assert_int_equal(sim_define_dos_device(pM, b, 0, "Q:", "C:\\one"), 0);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "Q:", "C:\\two"), 0);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "q:", "C:\\three"), 0);
  assert_string_equal(simtest_query(pM, b, "Q:", &rc, &buf),
                      "\\??\\C:\\three|\\??\\C:\\two|\\??\\C:\\one");
  simtest_free(pM);
}

/* D3: a name that resolves to a global link is changed there, which only
** an unfiltered administrator or SYSTEM may do; a local link shadows a
** global one only when it was made first. */
static void test_D3_where_a_name_lives(void **state){
  SimMachine *pM = simtest_world();
  SimLuid a = simtest_logon(pM, "alice", SIM_LOGON_INTERACTIVE);
  SimLuid e = simtest_linked(pM, a);
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  int rc;
  (void)state;
  assert_int_equal(sim_define_dos_device(pM, b, 0, "L:", "C:\\bob-first"), 0);
  assert_int_equal(sim_define_dos_device(pM, SIM_LUID_SYSTEM, 0, "L:", "C:\\sys"), 0);
  assert_int_equal(sim_define_dos_device(pM, SIM_LUID_SYSTEM, 0, "G:", "C:\\sys"), 0);
  /* bob's own L: is changed locally */
  assert_int_equal(sim_define_dos_device(pM, b, 0, "L:", "C:\\bob-second"), 0);
  assert_string_equal(simtest_query(pM, b, "L:", &rc, &buf), "\\??\\C:\\bob-second|\\??\\C:\\bob-first");
  /* G: is global: bob and the limited half may not change it */
  assert_int_equal(sim_define_dos_device(pM, b, 0, "G:", "C:\\bob"), ERROR_ACCESS_DENIED);
  assert_int_equal(sim_define_dos_device(pM, a, 0, "G:", "C:\\lim"), ERROR_ACCESS_DENIED);
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_REMOVE_DEFINITION, "G:", NULL),
                   ERROR_ACCESS_DENIED);
  /* the full half pushes onto the global link, seen by everyone */
  assert_int_equal(sim_define_dos_device(pM, e, 0, "G:", "C:\\full"), 0);
  assert_string_equal(simtest_query(pM, b, "G:", &rc, &buf), "\\??\\C:\\full|\\??\\C:\\sys");
  assert_string_equal(simtest_letters(pM, e, &buf), "G:G|L:G");
  simtest_free(pM);
}

/* D4: removal pops, or removes the first target it prefixes, or the one it
** equals with EXACT; no match changes nothing. */
static void test_D4_removal(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  int rc;
  const unsigned R = SIM_DDD_REMOVE_DEFINITION;
  (void)state;
  assert_int_equal(sim_define_dos_device(pM, b, 0, "Q:", "C:\\data"), 0);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "Q:", "C:\\dat"), 0);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "Q:", "C:\\other"), 0);
  /* prefix: C:\dat prefixes both; the current-most match goes first */
  assert_int_equal(sim_define_dos_device(pM, b, R, "Q:", "C:\\DAT"), 0);
  assert_string_equal(simtest_query(pM, b, "Q:", &rc, &buf), "\\??\\C:\\other|\\??\\C:\\data");
  /* exact: C:\dat equals nothing now */
  assert_int_equal(sim_define_dos_device(pM, b, R|SIM_DDD_EXACT_MATCH_ON_REMOVE, "Q:", "C:\\dat"),
                   ERROR_FILE_NOT_FOUND);
  assert_string_equal(simtest_query(pM, b, "Q:", &rc, &buf), "\\??\\C:\\other|\\??\\C:\\data");
  assert_int_equal(sim_define_dos_device(pM, b, R, "Q:", "C:\\nomatch"), ERROR_FILE_NOT_FOUND);
  /* NULL pops the current target */
  assert_int_equal(sim_define_dos_device(pM, b, R, "Q:", NULL), 0);
  assert_string_equal(simtest_query(pM, b, "Q:", &rc, &buf), "\\??\\C:\\data");
  /* removing the last target deletes the name */
  assert_int_equal(sim_define_dos_device(pM, b, R, "Q:", ""), 0);
  simtest_query(pM, b, "Q:", &rc, &buf);
  assert_int_equal(rc, ERROR_FILE_NOT_FOUND);
  /* a name that does not exist: NULL target succeeds, a target fails */
  assert_int_equal(sim_define_dos_device(pM, b, R, "Q:", NULL), 0);
  assert_int_equal(sim_define_dos_device(pM, b, R, "Q:", "C:\\x"), ERROR_FILE_NOT_FOUND);
  /* RAW removal targets are compared verbatim */
  assert_int_equal(sim_define_dos_device(pM, b, SIM_DDD_RAW_TARGET_PATH, "R:", "\\Device\\X"), 0);
  assert_int_equal(sim_define_dos_device(pM, b, R, "R:", "\\Device\\X"), ERROR_FILE_NOT_FOUND);
  assert_int_equal(sim_define_dos_device(pM, b, R|SIM_DDD_RAW_TARGET_PATH, "R:", "\\device\\x"), 0);
  simtest_free(pM);
}

/* ---------------------------------------------------------------- 3 ---- */

/* D5: QueryDosDevice lists current first; an unknown name fails with 2. */
static void test_D5_query(void **state){
  SimMachine *pM = simtest_world();
  SimLuid b = simtest_logon(pM, "bob", SIM_LOGON_INTERACTIVE);
  SimtestBuf buf;
  int rc;
  (void)state;
  simtest_query(pM, b, "NOPE", &rc, &buf);
  assert_int_equal(rc, ERROR_FILE_NOT_FOUND);
  simtest_query(pM, b, "", &rc, &buf);
  assert_int_equal(rc, ERROR_INVALID_PARAMETER);
  assert_int_equal(sim_define_dos_device(pM, b, 0, "COM9", "\\\\.\\pipe\\x"), 0);
  assert_string_equal(simtest_query(pM, b, "com9", &rc, &buf), "\\??\\pipe\\x");
  memset(&buf, 0, sizeof(buf));
  assert_int_equal(sim_dosdev_visit_targets(pM, b, "COM9", simtest_visit_target, &buf), 0);
  assert_string_equal(buf.z, "\\??\\pipe\\x");
  assert_int_equal(sim_dosdev_visit_targets(pM, 0, "COM9", simtest_visit_target, &buf),
                   ERROR_FILE_NOT_FOUND);
  simtest_free(pM);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_N1_local_directory_made_lazily),
    cmocka_unit_test(test_N2_N7_local_shadows_global),
    cmocka_unit_test(test_N3_system_defines_globally),
    cmocka_unit_test(test_N4_global_prefix),
    cmocka_unit_test(test_N5_luid_maps_off_one_namespace),
    cmocka_unit_test(test_N6_halves_are_separate),
    cmocka_unit_test(test_D1_invalid_parameters),
    cmocka_unit_test(test_D2_target_conversion),
    cmocka_unit_test(test_D2_v2_full_path),
    cmocka_unit_test(test_D1_v2_trailing_backslash_name),
    cmocka_unit_test(test_D3_v2_protection_mode),
    cmocka_unit_test(test_D3_define_stacks),
    cmocka_unit_test(test_D3_where_a_name_lives),
    cmocka_unit_test(test_D4_removal),
    cmocka_unit_test(test_D5_query),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
