/*
** tests/explore/test_gaps.c: which divergences count as known gaps.
**
** A class explains a divergence only when the step and both outputs fit it
** and a `todo` reason backs it; anything else is a new finding. The bundled
** scenarios' todo reasons back the classes for the `wine` label.
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "runner/explore/explore.h"

static int gap_index(const char *zId){
  for(int g = 0; g < EXP_N_GAP; g++) if( strcmp(exp_gap_id(g), zId) == 0 ) return g;
  return -2;
}

static ExpStep as_step(int eCmd){
  ExpStep s;
  memset(&s, 0, sizeof(s));
  s.eKind = SCN_STEP_AS; s.eCmd = (uint8_t)eCmd; s.iSlot = 0; s.eHalf = SCN_HALF_BARE;
  s.iUser = EXP_NONE; s.iTarget = EXP_NONE; s.ePersistent = -1;
  return s;
}

static void test_classes_need_matching_outputs(void **state){
  (void)state;
  int an[EXP_N_GAP];
  for(int g = 0; g < EXP_N_GAP; g++) an[g] = 1;      /* every class backed */
  ExpStep tok = as_step(SCN_CMD_TOKEN);
  assert_int_equal(exp_gap_classify(&tok,
      "user=alice elevation=full logon={A} linked={A.limited}",
      "user=alice elevation=full logon={?} linked={?}", an), gap_index("luid-zero"));
  /* a different elevation is not the LUID gap */
  assert_int_equal(exp_gap_classify(&tok,
      "user=alice elevation=full logon={A} linked={A.limited}",
      "user=alice elevation=limited logon={?} linked={?}", an), -1);

  ExpStep def = as_step(SCN_CMD_DEFINE);
  def.iName = 0;                                         /* Q: */
  def.iTarget = 0;
  assert_int_equal(exp_gap_classify(&def, "ok", "error 3 ERROR_PATH_NOT_FOUND", an),
                   gap_index("define-no-stack"));
  assert_int_equal(exp_gap_classify(&def, "ok", "error 161 ERROR_BAD_PATHNAME", an),
                   gap_index("define-no-stack"));
  /* access denied on a define is nothing Wine is known for */
  assert_int_equal(exp_gap_classify(&def, "ok", "error 5 ERROR_ACCESS_DENIED", an), -1);
  def.iName = 4;                                         /* Global\Q: */
  assert_int_equal(exp_gap_classify(&def, "ok", "error 3 ERROR_PATH_NOT_FOUND", an),
                   gap_index("global-define-fails"));

  /* v2 WNet calls meet the same missing network provider (C14, C15);
  ** a registry write does not */
  static const int aeV2Net[] = { SCN_CMD_NET_USE_AUTO, SCN_CMD_NET_USE_DEVICELESS,
    SCN_CMD_NET_USE_DELETE_REMOTE, SCN_CMD_WNET_ADD_DEVICELESS, SCN_CMD_WNET_CANCEL_REMOTE };
  for(size_t i = 0; i < sizeof(aeV2Net)/sizeof(aeV2Net[0]); i++){
    ExpStep n = as_step(aeV2Net[i]);
    assert_int_equal(exp_gap_classify(&n, "ok", "error 1222 ERROR_NO_NETWORK", an),
                     gap_index("no-network-provider"));
    assert_int_equal(exp_gap_classify(&n, "ok", "error 5 ERROR_ACCESS_DENIED", an), -1);
    assert_int_equal(exp_step_family(&n), 4);
  }
  ExpStep reg = as_step(SCN_CMD_REG_SET);
  assert_int_equal(exp_gap_classify(&reg, "ok", "error 1222 ERROR_NO_NETWORK", an), -1);

  /* one \?? namespace in `drives` (found by --against wine --seed 2026,
  ** episode 47): the other side also lists, as global, a name the model
  ** keeps in another token's directory; a different or missing line of
  ** the model's is no such gap */
  ExpStep drv1 = as_step(SCN_CMD_DRIVES);
  assert_int_equal(exp_gap_classify(&drv1, "(none)",
                                    "Q: \\??\\C:\\Device\\HarddiskVolume1 global", an),
                   gap_index("one-namespace"));
  assert_int_equal(exp_gap_classify(&drv1, "R: \\??\\C:\\other local",
                                    "Q: \\??\\C:\\data global\nR: \\??\\C:\\other global", an),
                   gap_index("one-namespace"));
  assert_int_equal(exp_gap_classify(&drv1, "R: \\??\\C:\\other local",
                                    "Q: \\??\\C:\\data global", an), -1);
  assert_int_equal(exp_gap_classify(&drv1, "(none)", "Q: \\??\\C:\\data local", an), -1);
  assert_int_equal(exp_gap_classify(&drv1, "(none)", "error 5 ERROR_ACCESS_DENIED", an), -1);

  ExpStep drv = as_step(SCN_CMD_DRIVES);
  assert_int_equal(exp_gap_classify(&drv, "Q: \\??\\C:\\data local",
                                    "Q: \\??\\C:\\data global", an),
                   gap_index("no-per-luid-directories"));
  /* a different target is a finding, not the directory gap */
  assert_int_equal(exp_gap_classify(&drv, "Q: \\??\\C:\\data local",
                                    "Q: \\??\\C:\\other global", an), -1);

  ExpStep q = as_step(SCN_CMD_QUERY);
  q.iName = 0;
  assert_int_equal(exp_gap_classify(&q, "error 2 ERROR_FILE_NOT_FOUND", "\\??\\C:\\data", an),
                   gap_index("one-namespace"));
  assert_int_equal(exp_gap_classify(&q, "\\??\\C:\\b\n\\??\\C:\\a", "\\??\\C:\\a", an),
                   gap_index("define-no-stack"));

  ExpStep und = as_step(SCN_CMD_UNDEFINE);
  und.iName = 0;
  assert_int_equal(exp_gap_classify(&und, "ok", "error 2 ERROR_FILE_NOT_FOUND", an),
                   gap_index("remove-missing-fails"));
  und.iTarget = 1;
  assert_int_equal(exp_gap_classify(&und, "error 2 ERROR_FILE_NOT_FOUND", "ok", an),
                   gap_index("remove-ignores-target"));

  /* no todo reason behind a class: never known */
  int anNone[EXP_N_GAP] = {0};
  assert_int_equal(exp_gap_classify(&tok,
      "user=alice elevation=full logon={A} linked={A.limited}",
      "user=alice elevation=full logon={?} linked={?}", anNone), -1);
  /* steps that are not `as` are never known gaps */
  ExpStep logon = as_step(SCN_CMD_NONE);
  logon.eKind = SCN_STEP_LOGON;
  assert_int_equal(exp_gap_classify(&logon, "ok", "error 1326 ERROR_LOGON_FAILURE", an), -1);
  /* families */
  assert_int_equal(exp_step_family(&def), exp_step_family(&q));
  assert_int_not_equal(exp_step_family(&def), exp_step_family(&tok));
}

/* The bundled scenarios back the Wine classes; no reason names a label
** nobody uses. */
static void test_bundled_todo_reasons_back_classes(void **state){
  (void)state;
  char *azDir[1] = { (char*)SCENARIOS_DIR };
  int an[EXP_N_GAP], nTodo = 0;
  exp_gaps_load(azDir, 1, "wine", an, &nTodo);
  assert_true(nTodo >= 20);
  assert_true(an[gap_index("luid-zero")] > 0);
  assert_true(an[gap_index("define-no-stack")] > 0);
  assert_true(an[gap_index("global-define-fails")] > 0);
  assert_true(an[gap_index("one-namespace")] > 0);
  exp_gaps_load(azDir, 1, "nosuchlabel", an, &nTodo);
  assert_int_equal(nTodo, 0);
  for(int g = 0; g < EXP_N_GAP; g++) assert_int_equal(an[g], 0);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_classes_need_matching_outputs),
    cmocka_unit_test(test_bundled_todo_reasons_back_classes),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
