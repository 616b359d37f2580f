/*
** tests/real/test_real_luid.c: the agent's LUID placeholder table
** (real/agent_luid.c): names, SYSTEM, LUIDs the host cannot tell apart
** (Wine's 0 for every token), and rewriting host strings both ways
** (language "LUID placeholders"; SEMANTICS C1, N1, N3).
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "real/agent_luid.h"

static void test_names_and_system(void **state){
  AgentLuidTable t;
  char z[80];
  (void)state;
  agent_luid_init(&t);
  agent_luid_placeholder(&t, 0x3e7, z, sizeof(z));
  assert_string_equal(z, "{SYSTEM}");
  assert_int_equal(agent_luid_bind(&t, 0x1234567, "A"), 0);
  assert_int_equal(agent_luid_bind(&t, 0x1234568, "A.elevated"), 0);
  agent_luid_placeholder(&t, 0x1234567, z, sizeof(z));
  assert_string_equal(z, "{A}");
  agent_luid_placeholder(&t, 0x1234568, z, sizeof(z));
  assert_string_equal(z, "{A.elevated}");
  agent_luid_placeholder(&t, 0x99, z, sizeof(z));
  assert_string_equal(z, "{?}");            /* no step made it */
}

static void test_wine_zero_luid_is_unknown(void **state){
  AgentLuidTable t;
  char z[80];
  uint64_t l;
  (void)state;
  agent_luid_init(&t);
  /* Wine reports AuthenticationId 0 for both halves of its token */
  assert_int_equal(agent_luid_bind(&t, 0, "A"), 0);
  assert_int_equal(agent_luid_bind(&t, 0, "A.limited"), 0);
  agent_luid_placeholder(&t, 0, z, sizeof(z));
  assert_string_equal(z, "{?}");
  assert_int_not_equal(agent_luid_of_name(&t, "A", &l), 0);
}

static void test_shared_luid_is_ambiguous(void **state){
  AgentLuidTable t;
  char z[80];
  uint64_t l;
  (void)state;
  agent_luid_init(&t);
  agent_luid_bind(&t, 0x500, "A");
  agent_luid_bind(&t, 0x500, "A.limited");  /* the host did not split them */
  agent_luid_placeholder(&t, 0x500, z, sizeof(z));
  assert_string_equal(z, "{?}");
  assert_int_not_equal(agent_luid_of_name(&t, "A", &l), 0);
}

static void test_rebinding_a_name_after_logoff(void **state){
  AgentLuidTable t;
  char z[80];
  uint64_t l;
  (void)state;
  agent_luid_init(&t);
  agent_luid_bind(&t, 0x500, "A");
  agent_luid_bind(&t, 0x600, "A");          /* A logged on again */
  agent_luid_placeholder(&t, 0x600, z, sizeof(z));
  assert_string_equal(z, "{A}");
  agent_luid_placeholder(&t, 0x500, z, sizeof(z));
  assert_string_equal(z, "{?}");
  assert_int_equal(agent_luid_of_name(&t, "A", &l), 0);
  assert_true(l==0x600);
}

static void test_C1_redirector_and_N1_directory_rewrite(void **state){
  AgentLuidTable t;
  char *z;
  (void)state;
  agent_luid_init(&t);
  agent_luid_bind(&t, 0x00000000001a2b3cULL, "A");
  z = agent_luid_to_placeholders(&t, "\\Device\\LanmanRedirector\\;Z:00000000001a2b3c\\fs1\\data");
  assert_string_equal(z, "\\Device\\LanmanRedirector\\;Z:{A}\\fs1\\data");
  free(z);
  z = agent_luid_to_placeholders(&t, "\\Device\\LanmanRedirector\\;Y:00000000000003E7\\fs1\\x");
  assert_string_equal(z, "\\Device\\LanmanRedirector\\;Y:{SYSTEM}\\fs1\\x");
  free(z);
  z = agent_luid_to_placeholders(&t, "\\Sessions\\0\\DosDevices\\00000000-001a2b3c\\Q:");
  assert_string_equal(z, "\\Sessions\\0\\DosDevices\\{A}\\Q:");
  free(z);
  z = agent_luid_to_placeholders(&t, "\\??\\C:\\data");   /* nothing to do */
  assert_string_equal(z, "\\??\\C:\\data");
  free(z);
  /* 17 hex digits is not a LUID */
  z = agent_luid_to_placeholders(&t, ";Z:00000000001a2b3c0");
  assert_string_equal(z, ";Z:00000000001a2b3c0");
  free(z);
}

static void test_placeholders_back_to_luids(void **state){
  AgentLuidTable t;
  char *z = NULL;
  (void)state;
  agent_luid_init(&t);
  agent_luid_bind(&t, 0x00000000001a2b3cULL, "A");
  assert_int_equal(agent_luid_from_placeholders(&t,
      "\\Device\\LanmanRedirector\\;Z:{SYSTEM}\\fs1\\data", &z), 0);
  assert_string_equal(z, "\\Device\\LanmanRedirector\\;Z:00000000000003e7\\fs1\\data");
  free(z);
  assert_int_equal(agent_luid_from_placeholders(&t,
      "\\Sessions\\0\\DosDevices\\{A}\\Q:", &z), 0);
  assert_string_equal(z, "\\Sessions\\0\\DosDevices\\00000000-001a2b3c\\Q:");
  free(z);
  /* a logon this host never told a LUID for: the step is unsupported */
  assert_int_not_equal(agent_luid_from_placeholders(&t, ";Z:{B}\\fs1", &z), 0);
  assert_null(z);
  assert_int_not_equal(agent_luid_from_placeholders(&t, "{unterminated", &z), 0);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_names_and_system),
    cmocka_unit_test(test_wine_zero_luid_is_unknown),
    cmocka_unit_test(test_shared_luid_is_ambiguous),
    cmocka_unit_test(test_rebinding_a_name_after_logoff),
    cmocka_unit_test(test_C1_redirector_and_N1_directory_rewrite),
    cmocka_unit_test(test_placeholders_back_to_luids),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
