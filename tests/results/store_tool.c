/*
** tests/results/store_tool.c: drive the results store from test scripts.
**
**   store_tool fill DB NSCEN NSTEPS [VERDICT]
**       one complete run of NSCEN scenarios of NSTEPS steps (backend sim),
**       every result VERDICT (default pass); prints the run id
**   store_tool forever DB NSTEPS
**       a run that never ends: scenarios of NSTEPS steps, one after the
**       other, "stored N" on stdout after each commit (for the kill test)
**   store_tool demo DB
**       two differential runs (sim,wine) of three scenarios with agreeing,
**       diverging, todo, unsupported and failing steps; the second run
**       has one regression (for the documentation queries and the CLI)
**   store_tool check DB
**       two runs of kind check in one transaction each: one that held
**       (depth 3 of 3) and one violated at depth 2 (planted bug 2) with its
**       two-step counterexample (for the documentation queries)
**   store_tool feed DB FILE...
**       a run whose every text field (command line, labels, scenario title,
**       step command, expected, output, reason, todo reason) is a raw line
**       of the FILEs, secrets included: the store must redact them itself
**
** Contents: 1. fill and forever  2. demo  3. check runs  4. feed  5. main
*/
#include "results/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- 1 ---- */

static int tool_fail(Store *p, const char *zWhat){
  fprintf(stderr, "store_tool: %s: %s\n", zWhat, store_errmsg(p));
  return 1;
}

/* Write scenario iScn with nStep steps, all with verdict zVerdict. */
static int tool_scenario(Store *p, int iScn, int nStep, const char *zVerdict){
  char zPath[64], zCmd[96], zOut[64];
  int i;
  snprintf(zPath, sizeof(zPath), "gen/s%06d.scn", iScn);
  if( store_scenario_begin(p, zPath, "generated", zPath, strlen(zPath)) ) return 1;
  for(i=0; i<nStep; i++){
    StoreBackendResult res;
    StoreStep step;
    snprintf(zCmd, sizeof(zCmd), "as A net use %c: \\\\fs1\\data%d", 'D' + i%20, i);
    snprintf(zOut, sizeof(zOut), "OK %c: \\\\fs1\\data%d", 'D' + i%20, i);
    memset(&res, 0, sizeof(res));
    res.zBackend = "sim";
    res.zVerdict = zVerdict;
    res.zOutput = zOut;
    res.rDurationMs = 0.01;
    memset(&step, 0, sizeof(step));
    step.iPosition = i;
    step.iLine = 10 + i;
    step.zWho = "A";
    step.zCommand = zCmd;
    step.zExpected = zOut;
    step.aResult = &res;
    step.nResult = 1;
    if( store_step(p, &step) ) return 1;
  }
  return store_scenario_end(p, 1);
}

static int tool_fill(const char *zDb, int nScn, int nStep, const char *zVerdict,
                     int bForever){
  char zErr[512], zRunId[37];
  Store *p = NULL;
  StoreRunInfo info;
  int i;
  if( store_open(zDb, &p, zErr, sizeof(zErr)) ){
    fprintf(stderr, "store_tool: %s\n", zErr);
    return 2;
  }
  memset(&info, 0, sizeof(info));
  info.zKind = "run";
  info.zBackends = "sim";
  info.zCommandLine = bForever ? "store_tool forever" : "store_tool fill";
  info.zMapscopeVersion = "test";
  info.zHostOs = "model";
  if( store_run_begin(p, &info, zRunId) ) return tool_fail(p, "run_begin");
  for(i=0; bForever || i<nScn; i++){
    if( tool_scenario(p, i, nStep, zVerdict) ) return tool_fail(p, "scenario");
    if( bForever ){
      printf("stored %d\n", i+1);
      fflush(stdout);
    }
  }
  if( store_run_end(p, nScn*nStep, 0, 0) ) return tool_fail(p, "run_end");
  printf("%s\n", zRunId);
  store_close(p);
  return 0;
}

/* ---------------------------------------------------------------- 2 ---- */

/* Run iRun (0 or 1) of the demo. Step j of scenario i on wine: agrees,
** diverges with a todo, or is unsupported; in run 1 one step regresses.
** Even steps are acknowledgements (the `ok` of a mapping), odd ones
** observations; an agreement after a todo divergence in its scenario is
** after-divergence. Run 1 records a host event. */
static int tool_demo_run(Store *p, int iRun){
  static const char *const azScn[] = {
    "scenarios/demo/restore.scn", "scenarios/demo/scopes.scn",
    "scenarios/demo/vault.scn"
  };
  StoreRunInfo info;
  char zRunId[37];
  int i, j, nPass = 0, nFail = 0, nSkip = 0;
  memset(&info, 0, sizeof(info));
  info.zKind = "diff";
  info.zBackends = "sim,wine";
  info.zLabels = iRun ? "nightly" : NULL;
  info.zCommandLine = "mapscope diff --backend sim,wine scenarios/demo";
  info.zMapscopeVersion = "demo";
  info.zHostOs = "Wine 8.0 on Linux";
  info.zWineVersion = "wine-8.0";
  if( store_run_begin(p, &info, zRunId) ) return 1;
  if( iRun==1 && store_event(p, "wine", "agent recovered 2 journal entries") ) return 1;
  for(i=0; i<3; i++){
    int iDiverged = 0;              /* line of the todo divergence, or 0 */
    if( store_scenario_begin(p, azScn[i], "demo", azScn[i], strlen(azScn[i])) ) return 1;
    for(j=0; j<6; j++){
      StoreBackendResult aRes[2];
      StoreStep step;
      char zCmd[64], zSim[64], zWine[64];
      int eWine = (i + j) % 4;      /* 0,1 agree  2 diverge+todo  3 unsupported */
      snprintf(zCmd, sizeof(zCmd), "as A net use %c: \\\\fs1\\data", 'P' + j);
      snprintf(zSim, sizeof(zSim), "OK %c: \\\\fs1\\data", 'P' + j);
      snprintf(zWine, sizeof(zWine), "error 67 ERROR_BAD_NET_NAME");
      memset(aRes, 0, sizeof(aRes));
      aRes[0].zBackend = "sim";
      aRes[0].zVerdict = "pass";
      aRes[0].zOutput = zSim;
      aRes[0].rDurationMs = 0.05;
      aRes[1].zBackend = "wine";
      aRes[1].rDurationMs = 40.0 + j;
      memset(&step, 0, sizeof(step));
      step.iPosition = j;
      step.iLine = 8 + 3*j;
      step.zWho = "A";
      step.zCommand = zCmd;
      step.zExpected = zSim;
      step.zEvidence = j%2 ? "observation" : "acknowledgement";
      if( eWine<=1 ){
        aRes[1].zVerdict = "pass";
        aRes[1].zOutput = zSim;
        step.zComparison = iDiverged ? "after-divergence" : "agree";
        step.iDivergedLine = iDiverged;
        /* run 1: the first step of the second scenario regresses on wine */
        if( iRun==1 && i==1 && j==0 ){
          aRes[1].zVerdict = "fail";
          aRes[1].zOutput = zWine;
          step.zComparison = "diverge";
        }
      }else if( eWine==2 ){
        StoreTodo todo = { j, "wine", "Wine has no per-logon DOS device map" };
        aRes[1].zVerdict = "todo";
        aRes[1].zOutput = zWine;
        step.zComparison = "diverge";
        if( iDiverged==0 ) iDiverged = step.iLine;
        if( store_todo(p, &todo) ) return 1;
      }else{
        aRes[1].zVerdict = "unsupported";
        aRes[1].zReason = "Wine cannot create a second logon session";
        step.zComparison = "unsupported";
      }
      step.aResult = aRes;
      step.nResult = 2;
      if( store_step(p, &step) ) return 1;
      if( strcmp(aRes[1].zVerdict, "fail")==0 ) nFail++;
      else if( strcmp(aRes[1].zVerdict, "unsupported")==0 ) nSkip++;
      else nPass++;
    }
    if( store_scenario_end(p, 1) ) return 1;
  }
  if( store_run_end(p, nPass, nFail, nSkip) ) return 1;
  printf("%s\n", zRunId);
  return 0;
}

static int tool_demo(const char *zDb){
  char zErr[512];
  Store *p = NULL;
  int i;
  if( store_open(zDb, &p, zErr, sizeof(zErr)) ){
    fprintf(stderr, "store_tool: %s\n", zErr);
    return 2;
  }
  for(i=0; i<2; i++){
    if( tool_demo_run(p, i) ) return tool_fail(p, "demo");
  }
  store_close(p);
  return 0;
}

/* ---------------------------------------------------------------- 3 ---- */

/* One check run, held (bViolated 0) or violated, as `mapscope check`
** stores it: everything in one transaction. */
static int tool_check_run(Store *p, int bViolated){
  static const StoreCheckInvariant aInv[3] = {
    { "link-owner", "C1 C10 N3 N5", "held", NULL },
    { "no-password-in-hkcu", "C6", "held", NULL },
    { "assigned-checked-first", "C2", "held", NULL },
  };
  static const long anHeld[4] = { 1, 71, 2295, 161489 };
  static const long anViolated[3] = { 1, 71, 2295 };
  StoreCheckInvariant aThis[3];
  StoreCheckSummary sum;
  StoreRunInfo info;
  char zRunId[37];
  int i;
  memcpy(aThis, aInv, sizeof(aThis));
  if( bViolated ){
    aThis[2].zVerdict = "violated";
    aThis[2].zReason = "connecting Q:, which the session has a connection on,"
                       " gave 1202, not 85";
  }
  memset(&sum, 0, sizeof(sum));
  sum.zWorld = "built-in";
  sum.zWorldText = "user alice admin\n";
  sum.nWorldText = strlen(sum.zWorldText);
  sum.nAlphabet = 960;
  sum.nLogonNames = 2;
  sum.zLetters = "QRZ";
  sum.bListings = 1;
  sum.nToolSteps = 17;
  sum.bSymmetry = 1;
  sum.nSymmetricAccounts = 2;
  sum.iPlantedBug = bViolated ? 2 : 0;
  sum.nDepthRequested = 3;
  sum.nDepthCompleted = bViolated ? 1 : 3;
  sum.zStopReason = bViolated ? "violation" : "depth";
  sum.anStatesAt = bViolated ? anViolated : anHeld;
  sum.nDepths = bViolated ? 3 : 4;
  for(i=0; i<sum.nDepths; i++) sum.nStates += sum.anStatesAt[i];
  sum.nSteps = bViolated ? 6014 : 412000;
  sum.rWallSeconds = bViolated ? 0.14 : 9.8;
  sum.rProcessorSeconds = sum.rWallSeconds;
  sum.nStateBytes = 4096 + 40*(long long)sum.nStates;
  sum.zRulesFired = "W1 W2 L1 L2 N3 D2 C1 C2 C6 R4";
  sum.zRulesNever = bViolated ? "W3 N5 N6 C5 C16 R5 G3" : "W3 N5 C16 G3";
  sum.zToolBranches = "ps.New-PSDrive: -Persist\ngpp.drive-map: action=replace";
  sum.zToolsNever = "ps.Remove-SmbMapping";
  sum.zVerdict = bViolated ? "violated" : "held";
  sum.nViolationSteps = bViolated ? 2 : 0;
  sum.aInv = aThis;
  sum.nInv = 3;
  memset(&info, 0, sizeof(info));
  info.zKind = "check";
  info.zBackends = "sim";
  info.zCommandLine = bViolated ? "mapscope check --plant-bug 2 --depth 3"
                                : "mapscope check --depth 3";
  info.zMapscopeVersion = "demo";
  info.zHostOs = "model";
  if( store_txn_begin(p) ) return tool_fail(p, "txn_begin");
  if( store_run_begin(p, &info, zRunId) ) return tool_fail(p, "run_begin");
  if( bViolated ){
    static const char *const azCmd[2] = { "as SYSTEM net use Q: \\\\fs1\\data",
                                          "as SYSTEM net use Q: \\\\fs2\\pub" };
    static const char *const azOut[2] = { "ok", "error 1202 ERROR_DEVICE_ALREADY_REMEMBERED" };
    if( store_scenario_begin(p, "check-counterexample.scn", aThis[2].zReason,
                             "cx", 2) ) return tool_fail(p, "scenario_begin");
    for(i=0; i<2; i++){
      StoreBackendResult res;
      StoreStep step;
      memset(&res, 0, sizeof(res));
      res.zBackend = "sim";
      res.zVerdict = i ? "fail" : "pass";
      res.zOutput = azOut[i];
      res.zReason = i ? aThis[2].zReason : NULL;
      memset(&step, 0, sizeof(step));
      step.iPosition = i;
      step.iLine = i + 1;
      step.zCommand = azCmd[i];
      step.aResult = &res;
      step.nResult = 1;
      if( store_step(p, &step) ) return tool_fail(p, "step");
    }
    if( store_scenario_end(p, 1) ) return tool_fail(p, "scenario_end");
  }
  if( store_check_summary(p, &sum) ) return tool_fail(p, "check_summary");
  if( store_run_end(p, bViolated ? 2 : 3, bViolated, 0) ) return tool_fail(p, "run_end");
  if( store_txn_commit(p) ) return tool_fail(p, "txn_commit");
  printf("%s\n", zRunId);
  return 0;
}

static int tool_check(const char *zDb){
  char zErr[512];
  Store *p = NULL;
  int rc;
  if( store_open(zDb, &p, zErr, sizeof(zErr)) ){
    fprintf(stderr, "store_tool: %s\n", zErr);
    return 2;
  }
  rc = tool_check_run(p, 0);
  if( rc==0 ) rc = tool_check_run(p, 1);
  store_close(p);
  return rc;
}

/* ---------------------------------------------------------------- 4 ---- */

static int tool_feed(const char *zDb, int nFile, char **azFile){
  char zErr[512], zRunId[37], zLine[4096];
  Store *p = NULL;
  StoreRunInfo info;
  int i, nLine = 0;
  if( store_open(zDb, &p, zErr, sizeof(zErr)) ){
    fprintf(stderr, "store_tool: %s\n", zErr);
    return 2;
  }
  for(i=0; i<nFile; i++){
    FILE *pIn = fopen(azFile[i], "r");
    int iPos = 0, iLine = 0;
    if( pIn==NULL ){ fprintf(stderr, "store_tool: cannot read %s\n", azFile[i]); return 2; }
    while( fgets(zLine, sizeof(zLine), pIn) ){
      StoreBackendResult res;
      StoreStep step;
      StoreTodo todo;
      size_t n = strcspn(zLine, "\r\n");
      zLine[n] = 0;
      iLine++;
      if( zLine[0]==0 ) continue;
      memset(&info, 0, sizeof(info));
      info.zKind = "run";
      info.zBackends = "sim";
      info.zCommandLine = zLine;
      info.zLabels = zLine;
      info.zHostOs = zLine;
      if( store_run_begin(p, &info, zRunId) ) return tool_fail(p, "run_begin");
      if( store_scenario_begin(p, azFile[i], zLine, zLine, n) ) return tool_fail(p, "scenario");
      memset(&res, 0, sizeof(res));
      res.zBackend = "sim";
      res.zVerdict = "fail";
      res.zOutput = zLine;
      res.zReason = zLine;
      memset(&step, 0, sizeof(step));
      step.iPosition = iPos++;
      step.iLine = iLine;
      step.zWho = zLine;
      step.zCommand = zLine;
      step.zExpected = zLine;
      step.aResult = &res;
      step.nResult = 1;
      if( store_step(p, &step) ) return tool_fail(p, "step");
      todo.iPosition = step.iPosition;
      todo.zLabels = zLine;
      todo.zReason = zLine;
      if( store_todo(p, &todo) ) return tool_fail(p, "todo");
      if( store_scenario_end(p, 1) ) return tool_fail(p, "scenario_end");
      if( store_run_end(p, 0, 1, 0) ) return tool_fail(p, "run_end");
      nLine++;
    }
    fclose(pIn);
  }
  printf("fed %d lines\n", nLine);
  store_close(p);
  return 0;
}

/* ---------------------------------------------------------------- 5 ---- */

int main(int argc, char **argv){
  if( argc>=5 && strcmp(argv[1], "fill")==0 ){
    return tool_fill(argv[2], atoi(argv[3]), atoi(argv[4]),
                     argc>5 ? argv[5] : "pass", 0);
  }
  if( argc==4 && strcmp(argv[1], "forever")==0 ){
    return tool_fill(argv[2], 0, atoi(argv[3]), "pass", 1);
  }
  if( argc==3 && strcmp(argv[1], "demo")==0 ){
    return tool_demo(argv[2]);
  }
  if( argc==3 && strcmp(argv[1], "check")==0 ){
    return tool_check(argv[2]);
  }
  if( argc>=4 && strcmp(argv[1], "feed")==0 ){
    return tool_feed(argv[2], argc-3, &argv[3]);
  }
  fprintf(stderr, "usage: store_tool fill DB NSCEN NSTEPS [VERDICT] |"
          " forever DB NSTEPS | demo DB | check DB | feed DB FILE...\n");
  return 2;
}
