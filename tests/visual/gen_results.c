/*
** tests/visual/gen_results.c: write a large results database for the
** report page's speed test.
**
**   gen_results DB NRUNS NSCEN NSTEPS
**
** NRUNS differential runs (sim,wine) of NSCEN scenarios of NSTEPS steps.
** Verdicts follow a fixed pseudo-random sequence (same arguments, same
** verdicts): the model passes; Wine mostly passes, has a todo in every
** fifth scenario, and now and then fails a step or is unsupported, so the
** page has flips and regressions to sort first; after a failed step, a
** later step of the same scenario may fail as a consequence (comparison
** after-divergence, schema 3). Run labels alternate
** between "nightly" and "pr". Writes with synchronous=OFF: it is a test
** fixture, not a record.
*/
#include "results/store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned gen_next(unsigned *pSeed){
  *pSeed = *pSeed*1103515245u + 12345u;
  return (*pSeed >> 16) & 0x7fff;
}

int main(int argc, char **argv){
  Store *p = NULL;
  char zErr[256], zRun[37];
  unsigned seed = 1;
  int nRun, nScn, nStep, iRun, iScn, iStep;
  if( argc!=5 ){
    fprintf(stderr, "usage: gen_results DB NRUNS NSCEN NSTEPS\n");
    return 2;
  }
  nRun = atoi(argv[2]); nScn = atoi(argv[3]); nStep = atoi(argv[4]);
  if( store_open(argv[1], &p, zErr, (int)sizeof(zErr)) ){
    fprintf(stderr, "gen_results: %s\n", zErr);
    return 1;
  }
  sqlite3_exec(store_db(p), "PRAGMA synchronous=OFF", 0, 0, 0);
  for(iRun=0; iRun<nRun; iRun++){
    StoreRunInfo info;
    memset(&info, 0, sizeof(info));
    info.zKind = "diff";
    info.zBackends = "sim,wine";
    info.zLabels = iRun%2 ? "pr" : "nightly";
    info.zCommandLine = "mapscope diff --against wine scenarios";
    info.zMapscopeVersion = "gen";
    info.zHostOs = "Wine 8.0 on Linux";
    if( store_run_begin(p, &info, zRun) ) goto fail;
    for(iScn=0; iScn<nScn; iScn++){
      char zPath[64], zTitle[64];
      int nPass = 0, nFail = 0, iFailLine = 0;
      snprintf(zPath, sizeof(zPath), "gen/area%d/s%03d.scn", iScn%7, iScn);
      snprintf(zTitle, sizeof(zTitle), "generated scenario %d", iScn);
      if( store_scenario_begin(p, zPath, zTitle, zPath, strlen(zPath)) ) goto fail;
      for(iStep=0; iStep<nStep; iStep++){
        StoreBackendResult aRes[2];
        StoreStep step;
        char zCmd[96], zOut[96], zWine[96];
        unsigned r = gen_next(&seed);
        const char *zW = "pass";
        snprintf(zCmd, sizeof(zCmd), "as A net use %c: \\\\fs1\\data%d", 'D'+iStep%20, iStep);
        snprintf(zOut, sizeof(zOut), "OK %c: \\\\fs1\\data%d", 'D'+iStep%20, iStep);
        snprintf(zWine, sizeof(zWine), "%s", zOut);
        if( iScn%5==0 && iStep==1 ){ zW = "todo"; snprintf(zWine, sizeof(zWine), "error 1222 ERROR_NO_NETWORK"); }
        else if( iFailLine && r%2==0 ){ zW = "fail"; snprintf(zWine, sizeof(zWine), "(none)"); }
        else if( r%400==0 ){ zW = "fail"; snprintf(zWine, sizeof(zWine), "error 85 ERROR_ALREADY_ASSIGNED"); }
        else if( r%997==0 ){ zW = "unsupported"; }
        memset(aRes, 0, sizeof(aRes));
        aRes[0].zBackend = "sim"; aRes[0].zVerdict = "pass"; aRes[0].zOutput = zOut;
        aRes[1].zBackend = "wine"; aRes[1].zVerdict = zW;
        aRes[1].zOutput = strcmp(zW, "unsupported") ? zWine : NULL;
        aRes[1].zReason = strcmp(zW, "unsupported") ? NULL : "no such capability";
        memset(&step, 0, sizeof(step));
        step.iPosition = iStep;
        step.iLine = 10 + 4*iStep;
        step.zWho = "A";
        step.zCommand = zCmd;
        step.zExpected = zOut;
        step.zComparison = strcmp(zW, "pass") ? "diverge" : "agree";
        if( strcmp(zW, "unsupported")==0 ) step.zComparison = "unsupported";
        if( strcmp(zW, "fail")==0 && iFailLine ){
          step.zComparison = "after-divergence";
          step.iDivergedLine = iFailLine;
        }else if( strcmp(zW, "fail")==0 ){
          iFailLine = step.iLine;
        }
        step.aResult = aRes;
        step.nResult = 2;
        if( store_step(p, &step) ) goto fail;
        if( strcmp(zW, "fail")==0 ) nFail++; else nPass++;
      }
      if( store_scenario_end(p, 1) ) goto fail;
      (void)nPass; (void)nFail;
    }
    if( store_run_end(p, nScn, 0, 0) ) goto fail;
  }
  store_close(p);
  return 0;
fail:
  fprintf(stderr, "gen_results: %s\n", store_errmsg(p));
  store_close(p);
  return 1;
}
