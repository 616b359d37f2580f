/*
** tests/sim/simtest.h: helpers shared by the model's cmocka tests.
**
** A standard world (accounts and shares most tests use) and collectors
** that turn the model's visitor callbacks into one string, so a test can
** compare a whole listing at once. Header-only (static functions).
**
** Contents: 1. the standard world  2. collectors  3. shortcuts
*/
#ifndef MAPSCOPE_TESTS_SIM_SIMTEST_H
#define MAPSCOPE_TESTS_SIM_SIMTEST_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sim/sim.h"

/* ---------------------------------------------------------------- 1 ---- */

/*
** Accounts: alice (local admin), bob (standard), dave (domain admin),
** admin (built-in Administrator), eve (standard).
** Shares: \\fs1\data admits alice and bob; \\fs1\pub everyone and
** anonymous callers; \\fs1\team every authenticated account; \\fs2\eve
** only eve.
*/
static inline SimMachine *simtest_world(void){
  SimMachine *pM = NULL;
  static const char *const azData[] = {"alice", "bob"};
  static const char *const azEve[] = {"eve"};
  assert_int_equal(sim_machine_new(&pM), 0);
  assert_non_null(pM);
  assert_int_equal(sim_machine_add_user(pM, "alice", SIM_ACCOUNT_ADMIN, 0, "Al1ce"), 0);
  assert_int_equal(sim_machine_add_user(pM, "bob", SIM_ACCOUNT_STANDARD, 0, "B0b"), 0);
  assert_int_equal(sim_machine_add_user(pM, "dave", SIM_ACCOUNT_ADMIN, 1, "D4ve"), 0);
  assert_int_equal(sim_machine_add_user(pM, "admin", SIM_ACCOUNT_BUILTIN_ADMIN, 0, "Adm1n"), 0);
  assert_int_equal(sim_machine_add_user(pM, "eve", SIM_ACCOUNT_STANDARD, 0, "Ev3"), 0);
  assert_int_equal(sim_machine_add_share(pM, "fs1", "data", 0, azData, 2, 0), 0);
  assert_int_equal(sim_machine_add_share(pM, "fs1", "pub", 1, NULL, 0, 1), 0);
  assert_int_equal(sim_machine_add_share(pM, "fs1", "team", 1, NULL, 0, 0), 0);
  assert_int_equal(sim_machine_add_share(pM, "fs2", "eve", 0, azEve, 1, 0), 0);
  return pM;
}

/* The password of a standard-world account. */
static inline const char *simtest_pw(const char *zUser){
  if( strcmp(zUser, "alice")==0 ) return "Al1ce";
  if( strcmp(zUser, "bob")==0 ) return "B0b";
  if( strcmp(zUser, "dave")==0 ) return "D4ve";
  if( strcmp(zUser, "admin")==0 ) return "Adm1n";
  if( strcmp(zUser, "eve")==0 ) return "Ev3";
  return "";
}

/* Log zUser on with the right password; fails the test on error. */
static inline SimLuid simtest_logon(SimMachine *pM, const char *zUser, SimLogonType e){
  SimLuid tok = 0;
  assert_int_equal(sim_logon_user(pM, zUser, e, 0, simtest_pw(zUser), &tok), 0);
  assert_true(tok!=0);
  return tok;
}

/* The linked half of a token (0 if none). */
static inline SimLuid simtest_linked(const SimMachine *pM, SimLuid tok){
  SimTokenInfo info;
  assert_int_equal(sim_token_query(pM, tok, &info), 0);
  return info.luidLinked;
}

static inline SimElevation simtest_elevation(const SimMachine *pM, SimLuid tok){
  SimTokenInfo info;
  assert_int_equal(sim_token_query(pM, tok, &info), 0);
  return info.eElevation;
}

/* ---------------------------------------------------------------- 2 ---- */

/* A '|'-separated collection of lines. */
typedef struct SimtestBuf SimtestBuf;
struct SimtestBuf {
  char z[4096];              /* the lines, '|' between them */
  size_t n;                  /* bytes used */
};

static inline void simtest_add(SimtestBuf *p, const char *zFormat, ...){
  va_list ap;
  int n;
  if( p->n ) p->z[p->n++] = '|';
  va_start(ap, zFormat);
  n = vsnprintf(p->z+p->n, sizeof(p->z)-p->n, zFormat, ap);
  va_end(ap);
  if( n>0 ) p->n += (size_t)n;
  if( p->n>=sizeof(p->z) ) p->n = sizeof(p->z)-1;
  p->z[p->n] = 0;
}

static inline int simtest_visit_target(void *pCtx, const char *zTarget){
  simtest_add(pCtx, "%s", zTarget);
  return 0;
}

static inline int simtest_visit_link(void *pCtx, const SimLinkInfo *pL){
  simtest_add(pCtx, "%s=%s%s", pL->zName, pL->zTarget, pL->bGlobal ? "@G" : "");
  return 0;
}

/* Letters-only view: "Z:L" for local, "Z:G" for global. */
static inline int simtest_visit_letter(void *pCtx, const SimLinkInfo *pL){
  if( strlen(pL->zName)==2 && pL->zName[1]==':' && pL->zName[0]!='C' ){
    simtest_add(pCtx, "%s%s", pL->zName, pL->bGlobal ? "G" : "L");
  }
  return 0;
}

static inline int simtest_visit_use(void *pCtx, const SimUseInfo *pU){
  if( pU->cLetter==0 ){           /* a deviceless connection (C14) */
    simtest_add(pCtx, "%s %s", pU->eStatus==SIM_USE_OK ? "OK" : "Unavailable",
                pU->zRemote);
    return 0;
  }
  simtest_add(pCtx, "%s %c: %s", pU->eStatus==SIM_USE_OK ? "OK" : "Unavailable",
              pU->cLetter, pU->zRemote);
  return 0;
}

static inline int simtest_visit_net(void *pCtx, const SimNetValues *pV){
  simtest_add(pCtx, "%c: %s user=%s", pV->cLetter, pV->zRemotePath, pV->zUserName);
  return 0;
}

static inline int simtest_visit_cred(void *pCtx, const SimCredInfo *pC){
  simtest_add(pCtx, "%s user=%s", pC->zTarget, pC->zUser);
  return 0;
}

static inline int simtest_visit_res(void *pCtx, const SimResourceInfo *pR){
  if( pR->cLetter==0 ) simtest_add(pCtx, "%s", pR->zRemote);
  else simtest_add(pCtx, "%c: %s", pR->cLetter, pR->zRemote);
  return 0;
}

static inline int simtest_visit_set(void *pCtx, const SimCredSetInfo *pS){
  static const char *const az[] = {"explicit", "vault", "own", "anonymous"};
  simtest_add(pCtx, "%s %s %s %d", pS->zServer, az[pS->eKind],
              pS->zUser ? pS->zUser : "-", pS->nConn);
  return 0;
}

/* ---------------------------------------------------------------- 3 ---- */

/* The caller's drive letters other than C: ("Z:L|Y:G"). */
static inline const char *simtest_letters(const SimMachine *pM, SimLuid tok, SimtestBuf *p){
  memset(p, 0, sizeof(*p));
  assert_int_equal(sim_dosdev_view(pM, tok, simtest_visit_letter, p), 0);
  return p->z;
}

/* QueryDosDevice's targets, or "" with *pRc the error. */
static inline const char *simtest_query(const SimMachine *pM, SimLuid tok,
                                 const char *zName, int *pRc, SimtestBuf *p){
  memset(p, 0, sizeof(*p));
  *pRc = sim_query_dos_device(pM, tok, zName, simtest_visit_target, p);
  return p->z;
}

static inline const char *simtest_use(const SimMachine *pM, SimLuid tok, SimtestBuf *p){
  memset(p, 0, sizeof(*p));
  assert_int_equal(sim_net_use_list(pM, tok, simtest_visit_use, p), 0);
  return p->z;
}

static inline const char *simtest_persisted(const SimMachine *pM, SimLuid tok, SimtestBuf *p){
  memset(p, 0, sizeof(*p));
  assert_int_equal(sim_reg_read_network(pM, tok, simtest_visit_net, p), 0);
  return p->z;
}

static inline const char *simtest_sets(const SimMachine *pM, SimLuid tok, SimtestBuf *p){
  memset(p, 0, sizeof(*p));
  assert_int_equal(sim_wnet_visit_credsets(pM, tok, simtest_visit_set, p), 0);
  return p->z;
}

/* net use Z: \\srv\share (no explicit credentials), as WNetAddConnection2. */
static inline int simtest_map(SimMachine *pM, SimLuid tok, const char *zLocal,
                       const char *zRemote, unsigned flags){
  return sim_wnet_add_connection2(pM, tok, zLocal, zRemote, NULL, NULL, flags);
}

/* Check the machine's invariants (sim/check.h), then free it. */
static inline void simtest_free(SimMachine *pM){
  char zErr[256];
  int rc = sim_check_invariants(pM, zErr, sizeof(zErr));
  if( rc ) print_error("invariant broken: %s\n", zErr);
  assert_int_equal(rc, 0);
  sim_machine_free(pM);
}

#endif /* MAPSCOPE_TESTS_SIM_SIMTEST_H */
