/*
** tests/check/test_check.c: `mapscope check`'s search (runner/check/).
**
**   - planted model bugs are found, with a shortest sequence, at their
**     minimal depth (and not one step earlier): L8 (bug 3), C7 (bug 1),
**     D4 (bug 4), C2 (bug 2);
**   - every step of the default alphabet formats and parses;
**   - on a tiny world the number of distinct states equals a count made
**     here independently: every sequence enumerated depth-first, each
**     state described through the model's public introspection with
**     LUIDs renamed by order of creation, and the distinct texts counted;
**   - symmetry reduction merges states but never changes the verdict;
**   - sim_machine_clone() makes a machine with the same digest that goes
**     on independently;
**   - worlds/check-default.scn is the built-in default world;
**   - the partial-order reduction (opt-in): local steps judged disjoint
**     commute (both orders valid, same results, same state), and each
**     planted bug keeps its invariant and counterexample depth;
**   - listing steps, which the search does not digest, change no state.
*/
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/check/check.h"
#include "sim/sim.h"
#include "sim/clone.h"
#include "runner/util/strbuf.h"

/* A world small enough for ASan: one administrator, one standard user,
** one share. */
static const char zTinyWorld[] =
  "title   tiny\n"
  "source  tests/check\n"
  "user    alice admin password=Al1ce-pw\n"
  "user    bob standard password=B0b-pw\n"
  "share   \\\\fs1\\data\n";

/* Two standard users alike, for symmetry. */
static const char zSymWorld[] =
  "title   symmetric\n"
  "source  tests/check\n"
  "user    alice admin password=Al1ce-pw\n"
  "user    bob standard password=B0b-pw\n"
  "user    carol standard password=Car0l-pw\n"
  "share   \\\\fs1\\data\n";

static void tiny_config(CkConfig *pCfg){
  ck_config_default(pCfg);
  pCfg->nSlot = 1;
  pCfg->acLetter[0] = 'Q';
  pCfg->nLetter = 1;
  pCfg->bReads = 0;
}

static void run_search(const char *zWorld, const CkConfig *pCfg, int nDepth, int bSym,
                       unsigned iBug, CkResult *pRes){
  ExpWorld w;
  char zErr[256];
  assert_int_equal(ck_world_from_text(&w, zWorld, zErr, sizeof(zErr)), 0);
  CkAlphabet a;
  assert_int_equal(ck_alphabet_init(&a, &w, pCfg), 0);
  CkOptions o;
  memset(&o, 0, sizeof(o));
  o.nDepth = nDepth;
  o.bSymmetry = bSym;
  o.iPlantBug = iBug;
  o.bQuiet = 1;
  assert_int_equal(ck_search(&w, &a, &o, pRes), 0);
  ck_alphabet_free(&a);
  exp_world_free(&w);
}

static const char *inv_name(int i){
  int n;
  const CkInvariant *a = ck_invariants(&n);
  return i>=0 && i<n ? a[i].zName : "(none)";
}

/* ---- planted bugs --------------------------------------------------- */

/* L8 (bug 3: logoff ends only the named half): logon of an administrator
** (split, L2) then logoff: 2 steps; token-pair (L2 L3 L4) fails. */
static void test_bug_logoff_one_half(void **state){
  (void)state;
  CkConfig cfg; tiny_config(&cfg);
  CkResult r;
  run_search(zTinyWorld, &cfg, 1, 1, 3, &r);
  assert_int_equal(r.iFailed, -1);            /* not at depth 1 */
  ck_result_free(&r);
  run_search(zTinyWorld, &cfg, 3, 1, 3, &r);
  assert_int_not_equal(r.iFailed, -1);
  assert_string_equal(inv_name(r.iFailed), "token-pair");
  assert_int_equal(r.nPath, 2);
  assert_int_equal(r.aPath[0].s.eKind, SCN_STEP_LOGON);
  assert_int_equal(r.aPath[1].s.eKind, SCN_STEP_LOGOFF);
  ck_result_free(&r);
}

/* C7 (bug 1: a full token remembers mappings): a logon that hands out a
** full token, then a connection as it: 2 steps; full-token-not-remembered
** (C7 C10) fails. */
static void test_bug_full_persists(void **state){
  (void)state;
  CkConfig cfg; tiny_config(&cfg);
  CkResult r;
  run_search(zTinyWorld, &cfg, 1, 1, 1, &r);
  assert_int_equal(r.iFailed, -1);
  ck_result_free(&r);
  run_search(zTinyWorld, &cfg, 3, 1, 1, &r);
  assert_int_not_equal(r.iFailed, -1);
  assert_string_equal(inv_name(r.iFailed), "full-token-not-remembered");
  assert_int_equal(r.nPath, 2);
  assert_int_equal(r.aPath[1].s.eKind, SCN_STEP_AS);
  ck_result_free(&r);
}

/* D4 (bug 4: an undefine without a target pops the oldest target): two
** defines of one name, then the undefine: 3 steps (SYSTEM needs no
** logon); undefine-pops-current (D4) fails. */
static void test_bug_pop_oldest(void **state){
  (void)state;
  CkConfig cfg; tiny_config(&cfg);
  CkResult r;
  run_search(zTinyWorld, &cfg, 2, 1, 4, &r);
  assert_int_equal(r.iFailed, -1);
  ck_result_free(&r);
  run_search(zTinyWorld, &cfg, 3, 1, 4, &r);
  assert_int_not_equal(r.iFailed, -1);
  assert_string_equal(inv_name(r.iFailed), "undefine-pops-current");
  assert_int_equal(r.nPath, 3);
  assert_int_equal(r.aPath[2].s.eCmd, SCN_CMD_UNDEFINE);
  ck_result_free(&r);
}

/* C2 (bug 2: "already remembered" checked before "already assigned"): a
** remembered connection, then the same letter again: 2 steps (SYSTEM
** remembers in its own hive, G2); assigned-checked-first (C2) fails. */
static void test_bug_c2_order(void **state){
  (void)state;
  CkConfig cfg; tiny_config(&cfg);
  CkResult r;
  run_search(zTinyWorld, &cfg, 1, 1, 2, &r);
  assert_int_equal(r.iFailed, -1);
  ck_result_free(&r);
  run_search(zTinyWorld, &cfg, 3, 1, 2, &r);
  assert_int_not_equal(r.iFailed, -1);
  assert_string_equal(inv_name(r.iFailed), "assigned-checked-first");
  assert_int_equal(r.nPath, 2);
  ck_result_free(&r);
}

/* The counterexample is a scenario the language parses, with the model's
** expected blocks. */
static void test_counterexample_parses(void **state){
  (void)state;
  CkConfig cfg; tiny_config(&cfg);
  CkResult r;
  run_search(zTinyWorld, &cfg, 3, 1, 4, &r);
  assert_int_not_equal(r.iFailed, -1);
  ExpWorld w;
  char zErr[256];
  assert_int_equal(ck_world_from_text(&w, zTinyWorld, zErr, sizeof(zErr)), 0);
  char *z = ck_counterexample_scn(&w, &r, "undefine-pops-current", "D4");
  assert_non_null(z);
  assert_non_null(strstr(z, "# invariant undefine-pops-current (D4)"));
  Scenario *pScn = NULL;
  int rc = scn_parse_text("cx.scn", z, strlen(z), &pScn, zErr, sizeof(zErr));
  if( rc ) fprintf(stderr, "%s\n%s\n", zErr, z);
  assert_int_equal(rc, 0);
  assert_int_equal(pScn->nStep, 3);
  for(int i = 0; i < 3; i++) assert_true(pScn->aStep[i].bExpected);
  scn_free(pScn);
  free(z);
  exp_world_free(&w);
  ck_result_free(&r);
}


/* Every step of the default alphabet, valid after `logon A alice
** interactive`, formats as a step the language parses (with its
** expected block from the sim backend): counterexamples are always
** ready to run. */
static void test_alphabet_parses(void **state){
  (void)state;
  ExpWorld w;
  char zErr[256];
  assert_int_equal(ck_world_init(&w, NULL, zErr, sizeof(zErr)), 0);
  CkConfig cfg;
  ck_config_default(&cfg);
  CkAlphabet a;
  assert_int_equal(ck_alphabet_init(&a, &w, &cfg), 0);
  CkSim root;
  assert_int_equal(ck_sim_open(&root, &w), 0);
  int iFirst = -1;
  for(int k = 0; k < a.nStep && iFirst<0; k++){
    const ExpStep *e = &a.aStep[k].s;
    if( e->eKind==SCN_STEP_LOGON && e->iSlot==0 && e->iUser==0
     && e->eLogon==SCN_LOGON_INTERACTIVE && e->ePass==0 ) iFirst = k;
  }
  assert_true(iFirst>=0);
  root.pA = &a;
  CkSim one;
  assert_int_equal(ck_sim_copy(&one, &root), 0);
  ck_sim_step(&one, &a.aStep[iFirst]);
  int nTried = 0;
  for(int k = 0; k < a.nStep; k++){
    if( !ck_step_valid(&one, &a, &a.aStep[k]) ) continue;
    CkResult r;
    memset(&r, 0, sizeof(r));
    CkStep aPath[2] = { a.aStep[iFirst], a.aStep[k] };
    r.aPath = aPath;
    r.nPath = 2;
    snprintf(r.zWhy, sizeof(r.zWhy), "test");
    char *z = ck_counterexample_scn(&w, &r, "test", "X1");
    assert_non_null(z);
    Scenario *pScn = NULL;
    int rc = scn_parse_text("step.scn", z, strlen(z), &pScn, zErr, sizeof(zErr));
    if( rc ) fprintf(stderr, "%s\n%s\n", zErr, z);
    assert_int_equal(rc, 0);
    assert_int_equal(pScn->nStep, 2);
    scn_free(pScn);
    free(z);
    nTried++;
  }
  assert_true(nTried > 100);
  ck_sim_close(&one);
  ck_sim_close(&root);
  ck_alphabet_free(&a);
  exp_world_free(&w);
}

/* ---- independent count ---------------------------------------------- */

typedef struct Naive Naive;
struct Naive {
  StrBuf b;
  SimLuid aLuid[32];
  int nLuid;
  const SimMachine *pM;
};

static int naive_luid(const Naive *p, SimLuid luid){
  if( luid==0 ) return -2;
  for(int i = 0; i < p->nLuid; i++) if( p->aLuid[i]==luid ) return i;
  return -1;
}
/* a string with every live LUID written as 16 hex digits renamed */
static void naive_str(Naive *p, const char *z){
  if( z==NULL ){ strbuf_puts(&p->b, "(null)|"); return; }
  char zHex[17];
  StrBuf t = {0};
  strbuf_puts(&t, z);
  char *zT = strbuf_take(&t);
  for(int i = 0; i < p->nLuid; i++){
    snprintf(zHex, sizeof(zHex), "%016llx", (unsigned long long)p->aLuid[i]);
    char *zAt;
    while( (zAt = strstr(zT, zHex))!=NULL ){
      char zRep[32];
      memset(zRep, '.', sizeof(zRep));
      zRep[0] = '<'; zRep[1] = 'L';
      zRep[2] = (char)('0' + i/10); zRep[3] = (char)('0' + i%10);
      zRep[15] = '>';
      memcpy(zAt, zRep, 16);
    }
  }
  strbuf_printf(&p->b, "%s|", zT);
  free(zT);
}
static int naive_collect(void *pCtx, const SimTokenInfo *pI){
  Naive *p = pCtx;
  p->aLuid[p->nLuid++] = pI->luid;
  return 0;
}
static int naive_target(void *pCtx, const char *zTarget){
  naive_str(pCtx, zTarget);
  return 0;
}
typedef struct NaiveDir NaiveDir;
struct NaiveDir { Naive *p; SimLuid luid; };
static int naive_link(void *pCtx, const SimLinkInfo *pL){
  NaiveDir *d = pCtx;
  strbuf_printf(&d->p->b, "link %s:", pL->zName);
  sim_dosdev_visit_targets(d->p->pM, d->luid, pL->zName, naive_target, d->p);
  return 0;
}
static int naive_conn(void *pCtx, const SimConnInfo *pC){
  Naive *p = pCtx;
  strbuf_printf(&p->b, "conn %c %d %d %d:", pC->cLetter ? pC->cLetter : '-',
                naive_luid(p, pC->luidCreator), pC->bShared, pC->bImplicit);
  naive_str(p, pC->zRemote);
  naive_str(p, pC->zLink);
  return 0;
}
static int naive_set(void *pCtx, const SimCredSetInfo *pS){
  Naive *p = pCtx;
  strbuf_printf(&p->b, "set %d %d:", (int)pS->eKind, pS->nConn);
  naive_str(p, pS->zServer);
  naive_str(p, pS->zUser);
  return 0;
}
static int naive_session(void *pCtx, const SimTokenInfo *pI){
  Naive *p = pCtx;
  strbuf_printf(&p->b, "\nsession %d linked %d elev %d type %d creds %d vault %d:",
                naive_luid(p, pI->luid), naive_luid(p, pI->luidLinked), (int)pI->eElevation,
                (int)pI->eLogonType, pI->bHasCredentials, pI->bVault);
  naive_str(p, pI->zUser);
  naive_str(p, pI->zOutUser);
  int bExists = 0;
  NaiveDir d = { p, pI->luid };
  sim_dosdev_visit_session(p->pM, pI->luid, &bExists, naive_link, &d);
  strbuf_printf(&p->b, " dir %d", bExists);
  sim_wnet_visit_connections(p->pM, pI->luid, naive_conn, p);
  sim_wnet_visit_credsets(p->pM, pI->luid, naive_set, p);
  return 0;
}
static int naive_global(void *pCtx, const SimLinkInfo *pL){
  NaiveDir d = { pCtx, 0 };
  return naive_link(&d, pL);
}
static int naive_net(void *pCtx, const SimNetValues *pV){
  Naive *p = pCtx;
  strbuf_printf(&p->b, "net %c %d %u %u:", pV->cLetter, pV->bConnection,
                pV->nProviderType, pV->nConnectionType);
  naive_str(p, pV->zRemotePath);
  naive_str(p, pV->zUserName);
  naive_str(p, pV->zProviderName);
  return 0;
}
static int naive_cred(void *pCtx, const SimCredInfo *pC){
  Naive *p = pCtx;
  strbuf_puts(&p->b, "cred:");
  naive_str(p, pC->zTarget);
  naive_str(p, pC->zUser);
  return 0;
}
static int naive_boot(void *pCtx, const char *zName, const char *zTarget){
  Naive *p = pCtx;
  strbuf_printf(&p->b, "boot %s:", zName);
  naive_str(p, zTarget);
  return 0;
}

/* The state's description (malloc'd). */
static char *naive_text(const CkSim *pS, const ExpWorld *pW, int nSlot){
  Naive n;
  memset(&n, 0, sizeof(n));
  n.pM = pS->x.pM;
  sim_session_visit(n.pM, naive_collect, &n);
  for(int i = 0; i < SIM_POL_COUNT; i++){
    strbuf_printf(&n.b, "pol %d %d;", sim_policy_registry(n.pM, (SimPolicy)i),
                  sim_policy_effective(n.pM, (SimPolicy)i));
  }
  sim_reg_visit_boot_devices(n.pM, naive_boot, &n);
  sim_dosdev_visit_global(n.pM, naive_global, &n);
  /* SYSTEM's hive too (G2: SYSTEM remembers in its own) */
  for(int u = -1; u < pW->nUser; u++){
    const char *zUser = u<0 ? "SYSTEM" : pW->azUser[u];
    int bYes = 0;
    sim_reg_user_net_use_default(n.pM, zUser, &bYes);
    strbuf_printf(&n.b, "\nuser %d default %d:", u, bYes);
    sim_reg_visit_user_network(n.pM, zUser, naive_net, &n);
    sim_cred_visit_user(n.pM, zUser, naive_cred, &n);
  }
  sim_session_visit(n.pM, naive_session, &n);
  /* the logon names, groups renumbered by first use */
  int aMap[256] = {0}, nMap = 0;
  for(int s = 0; s < nSlot; s++){
    int g = 0;
    if( pS->aiGroup[s] ){
      if( !aMap[pS->aiGroup[s]] ) aMap[pS->aiGroup[s]] = ++nMap;
      g = aMap[pS->aiGroup[s]];
    }
    strbuf_printf(&n.b, "\nname %d used %d live %d group %d user %d bare %d linked %d",
                  s, pS->abUsed[s], pS->abLive[s], g, pS->abUsed[s] ? pS->aiUser[s] : 0,
                  pS->x.aBare[s] ? naive_luid(&n, pS->x.aBare[s]) : -2,
                  pS->x.aLinked[s] ? naive_luid(&n, pS->x.aLinked[s]) : -2);
  }
  strbuf_printf(&n.b, "\ncurrent %d", pS->bCurrentUsed);
  /* a registry write by hand on the path (a tool's, here: T2) switches
  ** an invariant off below it, so it is part of a state */
  strbuf_printf(&n.b, "\nhand-written %d", pS->bHandWritten);
  return strbuf_take(&n.b);
}

typedef struct NaiveSet NaiveSet;
struct NaiveSet { char **az; int n, nAlloc; };

static void naive_add(NaiveSet *p, char *z){
  if( p->n==p->nAlloc ){
    p->nAlloc = p->nAlloc ? p->nAlloc*2 : 1024;
    p->az = realloc(p->az, sizeof(char*)*(size_t)p->nAlloc);
    assert_non_null(p->az);
  }
  p->az[p->n++] = z;
}

/* Every sequence of up to nDepth steps from pS, depth first. */
static void naive_walk(const CkSim *pS, const CkAlphabet *pA, int nDepth, NaiveSet *pSet){
  char *zN = naive_text(pS, pA->pW, pA->cfg.nSlot);
  naive_add(pSet, zN);
  if( nDepth==0 ) return;
  for(int k = 0; k < pA->nStep; k++){
    if( !ck_step_valid(pS, pA, &pA->aStep[k]) ) continue;
    CkSim next;
    assert_int_equal(ck_sim_copy(&next, pS), 0);
    ck_sim_step(&next, &pA->aStep[k]);
    naive_walk(&next, pA, nDepth-1, pSet);
    ck_sim_close(&next);
  }
}

static int naive_cmp(const void *a, const void *b){
  return strcmp(*(char*const*)a, *(char*const*)b);
}

static void test_state_count_independent(void **state){
  (void)state;
  static const char zWorld[] =
    "title   tinier\n"
    "source  tests/check\n"
    "user    alice admin password=Al1ce-pw\n"
    "share   \\\\fs1\\data\n";
  CkConfig cfg; tiny_config(&cfg);
  /* a missing UserName and an empty one read alike through the public
  ** interface but are different states (a later `reg delete` of the
  ** value tells them apart): the naive description cannot see registry
  ** values, so registry writes stay out of this count */
  cfg.bNoRegWrites = 1;
  const int nDepth = 3;
  ExpWorld w;
  char zErr[256];
  assert_int_equal(ck_world_from_text(&w, zWorld, zErr, sizeof(zErr)), 0);
  CkAlphabet a;
  assert_int_equal(ck_alphabet_init(&a, &w, &cfg), 0);
  CkSim root;
  assert_int_equal(ck_sim_open(&root, &w), 0);
  root.pA = &a;                /* tool steps (T1-T8) run through it */
  NaiveSet set = { NULL, 0, 0 };
  naive_walk(&root, &a, nDepth, &set);
  ck_sim_close(&root);
  qsort(set.az, (size_t)set.n, sizeof(char*), naive_cmp);
  int nDistinct = 0;
  for(int i = 0; i < set.n; i++){
    if( i==0 || strcmp(set.az[i], set.az[i-1])!=0 ) nDistinct++;
  }
  for(int i = 0; i < set.n; i++) free(set.az[i]);
  free(set.az);

  CkOptions o;
  memset(&o, 0, sizeof(o));
  o.nDepth = nDepth;
  o.bSymmetry = 0;
  o.bQuiet = 1;
  CkResult r;
  assert_int_equal(ck_search(&w, &a, &o, &r), 0);
  assert_int_equal(r.iFailed, -1);
  fprintf(stderr, "independent count %d, search %ld (sequences %d)\n", nDistinct, r.nStates, set.n);
  assert_true(nDistinct > 50);
  assert_int_equal((long)nDistinct, r.nStates);
  ck_result_free(&r);
  ck_alphabet_free(&a);
  exp_world_free(&w);
}

/* ---- symmetry ------------------------------------------------------- */

static void test_symmetry_same_verdict(void **state){
  (void)state;
  CkConfig cfg; tiny_config(&cfg);
  CkResult rOn, rOff;
  run_search(zSymWorld, &cfg, 2, 1, 0, &rOn);
  run_search(zSymWorld, &cfg, 2, 0, 0, &rOff);
  assert_int_equal(rOn.iFailed, -1);
  assert_int_equal(rOff.iFailed, -1);
  assert_true(rOn.nSymmetricUsers==2);
  assert_true(rOn.nStates < rOff.nStates);
  ck_result_free(&rOn);
  ck_result_free(&rOff);
  /* a planted bug: the same invariant at the same depth either way */
  for(unsigned iBug = 1; iBug <= 4; iBug++){
    run_search(zSymWorld, &cfg, 3, 1, iBug, &rOn);
    run_search(zSymWorld, &cfg, 3, 0, iBug, &rOff);
    assert_int_equal(rOn.iFailed, rOff.iFailed);
    assert_int_equal(rOn.nPath, rOff.nPath);
    assert_true(rOn.iFailed>=0);
    ck_result_free(&rOn);
    ck_result_free(&rOff);
  }
}

/* ---- partial-order reduction and listings --------------------------- */

/* Two logon names, so that two logons of different accounts can act
** side by side; one letter, no tools or registry writes (ASan speed). */
static void por_config(CkConfig *pCfg){
  ck_config_default(pCfg);
  pCfg->nSlot = 2;
  pCfg->acLetter[0] = 'Q';
  pCfg->nLetter = 1;
  pCfg->bReads = 0;
  pCfg->bNoTools = 1;
  pCfg->bNoRegWrites = 1;
}

static void run_search_opt(const char *zWorld, const CkConfig *pCfg, const CkOptions *pOpt,
                           CkResult *pRes){
  ExpWorld w;
  char zErr[256];
  assert_int_equal(ck_world_from_text(&w, zWorld, zErr, sizeof(zErr)), 0);
  CkAlphabet a;
  assert_int_equal(ck_alphabet_init(&a, &w, pCfg), 0);
  assert_int_equal(ck_search(&w, &a, pOpt, pRes), 0);
  ck_alphabet_free(&a);
  exp_world_free(&w);
}

/* The claim the reduction rests on: two local steps with disjoint
** footprints commute. From states with two live logons of different
** accounts (alice and bob, every pair of core logon types), every
** ordered pair of valid local steps judged disjoint is run both ways on
** copies: both orders valid, same results, same digest. Fails if a step
** counted local touches what another session's step reads. */
static void test_por_commute(void **state){
  (void)state;
  CkConfig cfg; por_config(&cfg);
  cfg.bNoRegWrites = 0;
  ExpWorld w;
  char zErr[256];
  assert_int_equal(ck_world_from_text(&w, zTinyWorld, zErr, sizeof(zErr)), 0);
  CkAlphabet a;
  assert_int_equal(ck_alphabet_init(&a, &w, &cfg), 0);
  SimDigestBuf buf;
  memset(&buf, 0, sizeof(buf));
  long nPairs = 0;
  static const int aeType[] = { SCN_LOGON_INTERACTIVE, SCN_LOGON_NETWORK, SCN_LOGON_RUNAS };
  for(int ta = 0; ta < 3; ta++){
    for(int tb = 0; tb < 3; tb++){
      CkSim root;
      assert_int_equal(ck_sim_open(&root, &w), 0);
      root.pA = &a;
      /* logon A alice <type>, logon B bob <type> */
      for(int k = 0; k < a.nStep; k++){
        const CkStep *p = &a.aStep[k];
        if( p->s.eKind==SCN_STEP_LOGON && p->s.iSlot==0 && p->s.iUser==0 && p->iFrom==EXP_NONE
         && !p->bS4u && p->s.ePass!=2 && p->s.eLogon==aeType[ta] ){
          ck_sim_step(&root, p); break;
        }
      }
      for(int k = 0; k < a.nStep; k++){
        const CkStep *p = &a.aStep[k];
        if( p->s.eKind==SCN_STEP_LOGON && p->s.iSlot==1 && p->s.iUser==1 && p->iFrom==EXP_NONE
         && !p->bS4u && p->s.ePass!=2 && p->s.eLogon==aeType[tb] ){
          ck_sim_step(&root, p); break;
        }
      }
      root.x.eFailed = EXP_INV_NONE;
      for(int i = 0; i < a.nStep; i++){
        const CkStep *x = &a.aStep[i];
        if( !ck_step_valid(&root, &a, x) || ck_step_is_read(x) ) continue;
        CkFoot fx;
        ck_step_foot(&root, x, &fx);
        if( fx.bGlobal ) continue;
        for(int j = 0; j < a.nStep; j++){
          const CkStep *y = &a.aStep[j];
          if( !ck_step_valid(&root, &a, y) || ck_step_is_read(y) ) continue;
          CkFoot fy;
          ck_step_foot(&root, y, &fy);
          if( !ck_foot_disjoint(&fx, &fy) ) continue;
          CkSim s1, s2;
          assert_int_equal(ck_sim_copy(&s1, &root), 0);
          assert_int_equal(ck_sim_copy(&s2, &root), 0);
          int rx1 = ck_sim_step(&s1, x);
          assert_true(ck_step_valid(&s1, &a, y));
          int ry1 = ck_sim_step(&s1, y);
          int ry2 = ck_sim_step(&s2, y);
          assert_true(ck_step_valid(&s2, &a, x));
          int rx2 = ck_sim_step(&s2, x);
          assert_int_equal(rx1, rx2);
          assert_int_equal(ry1, ry2);
          SimDigest d1, d2;
          assert_int_equal(sim_digest(s1.x.pM, NULL, &buf, &d1), 0);
          assert_int_equal(sim_digest(s2.x.pM, NULL, &buf, &d2), 0);
          assert_true(d1.a==d2.a && d1.b==d2.b);
          ck_sim_close(&s1);
          ck_sim_close(&s2);
          nPairs++;
        }
      }
      ck_sim_close(&root);
    }
  }
  assert_true(nPairs > 1000);
  sim_digest_buf_free(&buf);
  ck_alphabet_free(&a);
  exp_world_free(&w);
}

/* Each planted bug (C7, C2, L8, D4): the same invariant after the same
** number of steps with the reduction on and off. */
static void test_por_same_verdict(void **state){
  (void)state;
  CkConfig cfg; por_config(&cfg);
  for(unsigned iBug = 1; iBug <= 4; iBug++){
    CkOptions o;
    memset(&o, 0, sizeof(o));
    o.nDepth = 3;
    o.bSymmetry = 1;
    o.bQuiet = 1;
    o.iPlantBug = iBug;
    CkResult rOff, rOn;
    run_search_opt(zSymWorld, &cfg, &o, &rOff);
    o.bPor = 1;
    run_search_opt(zSymWorld, &cfg, &o, &rOn);
    assert_true(rOff.iFailed>=0);
    assert_int_equal(rOn.iFailed, rOff.iFailed);
    assert_int_equal(rOn.nPath, rOff.nPath);
    ck_result_free(&rOff);
    ck_result_free(&rOn);
  }
}

/* ck_step_is_read: every listing the alphabet holds leaves the state's
** digest as it was (the search skips digesting after them). */
static void test_reads_change_nothing(void **state){
  (void)state;
  CkConfig cfg; tiny_config(&cfg);
  cfg.bReads = 1;
  cfg.nSlot = 2;
  CkOptions o;
  memset(&o, 0, sizeof(o));
  o.nDepth = 3;
  o.bSymmetry = 1;
  o.bQuiet = 1;
  o.bVerifyReads = 1;
  CkResult r;
  run_search_opt(zTinyWorld, &cfg, &o, &r);
  assert_int_equal(r.iFailed, -1);
  assert_int_equal(r.nReadsChanged, 0);
  /* the same states with and without digesting after listings */
  CkResult r2;
  o.bVerifyReads = 0;
  run_search_opt(zTinyWorld, &cfg, &o, &r2);
  assert_int_equal(r2.nStates, r.nStates);
  ck_result_free(&r);
  ck_result_free(&r2);
}

/* ---- clone and digest ----------------------------------------------- */

static void test_clone_digest(void **state){
  (void)state;
  ExpWorld w;
  char zErr[256];
  assert_int_equal(ck_world_from_text(&w, zTinyWorld, zErr, sizeof(zErr)), 0);
  CkSim s, c;
  assert_int_equal(ck_sim_open(&s, &w), 0);
  SimMachine *pM = s.x.pM;
  SimLuid tok = 0;
  assert_int_equal(sim_policy_set(pM, SIM_POL_LINKED_CONNECTIONS, 1), 0);
  assert_int_equal(sim_reboot(pM), 0);
  assert_int_equal(sim_logon_user(pM, "alice", SIM_LOGON_INTERACTIVE, 0, "Al1ce-pw", &tok), 0);
  assert_int_equal(sim_wnet_add_connection2(pM, tok, "Q:", "\\\\fs1\\data", NULL, NULL,
                                            SIM_CONNECT_UPDATE_PROFILE), 0);
  assert_int_equal(sim_define_dos_device(pM, tok, 0, "R:", "C:\\data"), 0);
  assert_int_equal(sim_cred_write(pM, tok, "fs1", "bob", "B0b-pw"), 0);
  assert_int_equal(ck_sim_copy(&c, &s), 0);
  SimDigestBuf b1 = {0}, b2 = {0};
  SimDigest d1, d2;
  assert_int_equal(sim_digest(s.x.pM, NULL, &b1, &d1), 0);
  assert_int_equal(sim_digest(c.x.pM, NULL, &b2, &d2), 0);
  assert_string_equal(b1.z, b2.z);
  assert_true(d1.a==d2.a && d1.b==d2.b);
  /* the copy goes on alone (C10: the shared connection is its own) */
  assert_int_equal(sim_logoff(c.x.pM, tok), 0);
  assert_int_equal(sim_digest(s.x.pM, NULL, &b2, &d2), 0);
  assert_true(d1.a==d2.a && d1.b==d2.b);
  assert_int_equal(sim_digest(c.x.pM, NULL, &b2, &d2), 0);
  assert_false(d1.a==d2.a && d1.b==d2.b);
  /* LUIDs renamed: the same logon made with other LUIDs digests alike */
  CkSim t;
  assert_int_equal(ck_sim_open(&t, &w), 0);
  SimLuid tok2 = 0;
  assert_int_equal(sim_logon_user(t.x.pM, "bob", SIM_LOGON_NETWORK, 0, "B0b-pw", &tok2), 0);
  assert_int_equal(sim_logoff(t.x.pM, tok2), 0);
  assert_int_equal(sim_logon_user(t.x.pM, "alice", SIM_LOGON_NETWORK, 0, "Al1ce-pw", &tok2), 0);
  CkSim u;
  assert_int_equal(ck_sim_open(&u, &w), 0);
  assert_int_equal(sim_logon_user(u.x.pM, "alice", SIM_LOGON_NETWORK, 0, "Al1ce-pw", &tok2), 0);
  assert_int_equal(sim_digest(t.x.pM, NULL, &b1, &d1), 0);
  assert_int_equal(sim_digest(u.x.pM, NULL, &b2, &d2), 0);
  assert_true(d1.a==d2.a && d1.b==d2.b);
  sim_digest_buf_free(&b1);
  sim_digest_buf_free(&b2);
  ck_sim_close(&s);
  ck_sim_close(&c);
  ck_sim_close(&t);
  ck_sim_close(&u);
  exp_world_free(&w);
}

/* ---- a registry write by hand is part of a state --------------------- */

/* hkcu-network-values is switched off after a `reg set`/`reg delete` on the
** path (R6 lets a key lack C6's fixed values). That switch must be part of
** the state's identity: `reg set` then `reg delete` gives back the first
** machine, and if the search merged the two, the descendants of the first
** state would only ever be checked with the invariant off. */
static void test_hand_written_in_digest(void **state){
  (void)state;
  ExpWorld w;
  char zErr[256];
  assert_int_equal(ck_world_from_text(&w, zTinyWorld, zErr, sizeof(zErr)), 0);
  CkConfig cfg;
  tiny_config(&cfg);
  CkAlphabet a;
  assert_int_equal(ck_alphabet_init(&a, &w, &cfg), 0);
  const CkStep *pSet = NULL, *pDel = NULL;
  for(int i = 0; i < a.nStep; i++){
    const CkStep *p = &a.aStep[i];
    if( p->s.eKind!=SCN_STEP_AS || p->s.iSlot!=EXP_SYSTEM ) continue;
    if( p->s.eCmd==SCN_CMD_REG_SET && p->eReg==CK_REG_REMOTE && !pSet ) pSet = p;
    if( p->s.eCmd==SCN_CMD_REG_DELETE && !pDel ) pDel = p;
  }
  assert_non_null(pSet);
  assert_non_null(pDel);
  CkSim s0, s1;
  assert_int_equal(ck_sim_open(&s0, &w), 0);
  assert_int_equal(ck_sim_copy(&s1, &s0), 0);
  assert_true(ck_step_valid(&s1, &a, pSet));
  assert_int_equal(ck_sim_step(&s1, pSet), 0);
  assert_int_equal(ck_sim_step(&s1, pDel), 0);
  /* the same machine ... */
  SimDigestBuf b0, b1;
  memset(&b0, 0, sizeof(b0));
  memset(&b1, 0, sizeof(b1));
  assert_int_equal(sim_digest_text(s0.x.pM, NULL, &b0), 0);
  assert_int_equal(sim_digest_text(s1.x.pM, NULL, &b1), 0);
  assert_int_equal(b0.n, b1.n);
  assert_memory_equal(b0.z, b1.z, b0.n);
  sim_digest_buf_free(&b0);
  sim_digest_buf_free(&b1);
  /* ... but two states of the search */
  SimDigest d0, d1;
  assert_int_equal(ck_state_digest(&s0, cfg.nSlot, &d0), 0);
  assert_int_equal(ck_state_digest(&s1, cfg.nSlot, &d1), 0);
  assert_true(d0.a!=d1.a || d0.b!=d1.b);
  ck_sim_close(&s0);
  ck_sim_close(&s1);
  ck_alphabet_free(&a);
  exp_world_free(&w);
}

/* ---- step families (--families) ---------------------------------------- */

static void test_family_parse(void **state){
  (void)state;
  unsigned m = 0;
  char zErr[256];
  assert_int_equal(ck_family_parse("logon,reboot", &m, zErr, sizeof(zErr)), 0);
  assert_int_equal(m, CK_FAM_LOGON|CK_FAM_REBOOT);
  assert_int_equal(ck_family_parse("-tool,-read", &m, zErr, sizeof(zErr)), 0);
  assert_int_equal(m, CK_FAM_ALL & ~(unsigned)(CK_FAM_TOOL|CK_FAM_READ));
  assert_int_equal(ck_family_parse("all,-define", &m, zErr, sizeof(zErr)), 0);
  assert_int_equal(m, CK_FAM_ALL & ~(unsigned)CK_FAM_DEFINE);
  assert_int_not_equal(ck_family_parse("logon,bogus", &m, zErr, sizeof(zErr)), 0);
  assert_non_null(strstr(zErr, "'bogus'"));
  assert_int_not_equal(ck_family_parse("", &m, zErr, sizeof(zErr)), 0);
  assert_int_not_equal(ck_family_parse("logon,", &m, zErr, sizeof(zErr)), 0);
  assert_int_not_equal(ck_family_parse("-all", &m, zErr, sizeof(zErr)), 0);
  assert_non_null(strstr(zErr, "no family of steps"));
}

/* Each family selects some steps of the default alphabet, exactly the
** steps of that family, and the families partition the alphabet. */
static void test_family_filter(void **state){
  (void)state;
  ExpWorld w;
  char zErr[256];
  assert_int_equal(ck_world_init(&w, NULL, zErr, sizeof(zErr)), 0);
  CkConfig cfg;
  ck_config_default(&cfg);
  CkAlphabet all;
  assert_int_equal(ck_alphabet_init(&all, &w, &cfg), 0);
  int nSum = 0;
  for(unsigned m = 1; m <= CK_FAM_ALL; m <<= 1){
    assert_non_null(ck_family_name(m));
    int nExpect = 0;
    for(int i = 0; i < all.nStep; i++) nExpect += ck_step_family(&all.aStep[i])==m;
    CkConfig one = cfg;
    one.mFamily = m;
    CkAlphabet a;
    assert_int_equal(ck_alphabet_init(&a, &w, &one), 0);
    if( a.nStep==0 || a.nStep!=nExpect ){
      fail_msg("family %s: %d steps, %d in the full alphabet", ck_family_name(m), a.nStep, nExpect);
    }
    for(int i = 0; i < a.nStep; i++) assert_int_equal(ck_step_family(&a.aStep[i]), m);
    nSum += a.nStep;
    ck_alphabet_free(&a);
  }
  assert_int_equal(nSum, all.nStep);
  ck_alphabet_free(&all);
  exp_world_free(&w);
}

/* A scoped search keeps the verdict and the minimal depth of a planted
** bug whose steps it keeps: C2 (bug 2) with only logons and connects. */
static void test_family_scoped_bug(void **state){
  (void)state;
  CkConfig cfg;
  tiny_config(&cfg);
  cfg.mFamily = CK_FAM_LOGON|CK_FAM_CONNECT;
  CkResult full, scoped;
  run_search(zTinyWorld, &cfg, 3, 1, 2, &scoped);
  tiny_config(&cfg);
  run_search(zTinyWorld, &cfg, 3, 1, 2, &full);
  assert_true(full.iFailed>=0);
  assert_int_equal(scoped.iFailed, full.iFailed);
  assert_int_equal(scoped.nPath, full.nPath);
  ck_result_free(&scoped);
  ck_result_free(&full);
}

/* ---- the default world ---------------------------------------------- */

static void test_default_world_file(void **state){
  (void)state;
  FILE *pF = fopen(WORLDS_DIR "/check-default.scn", "rb");
  assert_non_null(pF);
  char zBuf[4096];
  size_t n = fread(zBuf, 1, sizeof(zBuf)-1, pF);
  fclose(pF);
  zBuf[n] = 0;
  assert_string_equal(zBuf, ck_default_world_text());
  ExpWorld w;
  char zErr[256];
  assert_int_equal(ck_world_init(&w, NULL, zErr, sizeof(zErr)), 0);
  assert_int_equal(w.nUser, 3);
  assert_int_equal(w.nRealShare, 2);
  exp_world_free(&w);
}

int main(void){
  const struct CMUnitTest tests[] = {
    cmocka_unit_test(test_bug_logoff_one_half),
    cmocka_unit_test(test_bug_full_persists),
    cmocka_unit_test(test_bug_pop_oldest),
    cmocka_unit_test(test_bug_c2_order),
    cmocka_unit_test(test_counterexample_parses),
    cmocka_unit_test(test_alphabet_parses),
    cmocka_unit_test(test_state_count_independent),
    cmocka_unit_test(test_symmetry_same_verdict),
    cmocka_unit_test(test_por_commute),
    cmocka_unit_test(test_por_same_verdict),
    cmocka_unit_test(test_reads_change_nothing),
    cmocka_unit_test(test_clone_digest),
    cmocka_unit_test(test_default_world_file),
    cmocka_unit_test(test_hand_written_in_digest),
    cmocka_unit_test(test_family_parse),
    cmocka_unit_test(test_family_filter),
    cmocka_unit_test(test_family_scoped_bug),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
