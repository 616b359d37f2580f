/*
** tests/results/bench_store.c: how fast the store takes steps.
**
**   bench_store [DB [NSTEPS [PER_SCENARIO [NBACKENDS]]]]
**
** Writes one run of NSTEPS steps (default 1,000,000) through the public
** API exactly as the runner does: scenarios of PER_SCENARIO steps (default
** 50), each committed in its own transaction, NBACKENDS results per step
** (default 1). DB defaults to a fresh file in /tmp, removed afterwards.
** Prints total seconds and rows per second. A benchmark, not a test.
*/
#include "results/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

/* CPU seconds (user + system) used by this process so far. */
static double bench_cpu(void){
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6
       + (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static double bench_now(void){
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv){
  static const char *const azBackend[] = { "sim", "wine", "windows" };
  char zDefault[64], zErr[512], zRunId[37], zWal[600], zShm[600];
  const char *zDb = argc>1 ? argv[1] : NULL;
  long nStep = argc>2 ? atol(argv[2]) : 1000000L;
  int nPer = argc>3 ? atoi(argv[3]) : 50;
  int nBackend = argc>4 ? atoi(argv[4]) : 1;
  StoreBackendResult aRes[3];
  StoreRunInfo info;
  Store *p = NULL;
  double rStart, rEnd;
  long i;
  int b;

  if( nStep<=0 || nPer<=0 || nBackend<1 || nBackend>3 ){
    fprintf(stderr, "usage: bench_store [DB [NSTEPS [PER_SCENARIO [NBACKENDS 1-3]]]]\n");
    return 2;
  }
  if( zDb==NULL ){
    snprintf(zDefault, sizeof(zDefault), "/tmp/mapscope-bench-%ld.db", (long)getpid());
    zDb = zDefault;
  }
  snprintf(zWal, sizeof(zWal), "%s-wal", zDb);
  snprintf(zShm, sizeof(zShm), "%s-shm", zDb);
  remove(zDb); remove(zWal); remove(zShm);

  rStart = bench_now();
  if( store_open(zDb, &p, zErr, sizeof(zErr)) ){
    fprintf(stderr, "bench_store: %s\n", zErr);
    return 1;
  }
  memset(&info, 0, sizeof(info));
  info.zKind = "run";
  info.zBackends = nBackend==1 ? "sim" : nBackend==2 ? "sim,wine" : "sim,wine,windows";
  info.zCommandLine = "bench_store";
  info.zMapscopeVersion = "bench";
  if( store_run_begin(p, &info, zRunId) ) goto fail;
  for(i=0; i<nStep; i++){
    char zCmd[80], zOut[80];
    StoreStep step;
    int iPos = (int)(i % nPer);
    if( iPos==0 ){
      char zPath[48];
      snprintf(zPath, sizeof(zPath), "bench/s%07ld.scn", i / nPer);
      if( store_scenario_begin(p, zPath, "bench", zPath, strlen(zPath)) ) goto fail;
    }
    snprintf(zCmd, sizeof(zCmd), "as A net use %c: \\\\fs1\\share%ld /persistent:no",
             'D' + (int)(i % 20), i);
    snprintf(zOut, sizeof(zOut), "OK %c: \\\\fs1\\share%ld", 'D' + (int)(i % 20), i);
    for(b=0; b<nBackend; b++){
      aRes[b].zBackend = azBackend[b];
      aRes[b].zVerdict = (i % 97)==0 ? "fail" : "pass";
      aRes[b].zOutput = zOut;
      aRes[b].zReason = NULL;
      aRes[b].rDurationMs = 0.25;
    }
    memset(&step, 0, sizeof(step));
    step.iPosition = iPos;
    step.iLine = 10 + iPos * 3;
    step.zWho = "A";
    step.zCommand = zCmd;
    step.zExpected = zOut;
    step.zComparison = nBackend>1 ? "agree" : NULL;
    step.aResult = aRes;
    step.nResult = nBackend;
    if( store_step(p, &step) ) goto fail;
    if( iPos==nPer-1 || i==nStep-1 ){
      if( store_scenario_end(p, 1) ) goto fail;
    }
  }
  if( store_run_end(p, (int)nStep, 0, 0) ) goto fail;
  store_close(p);
  rEnd = bench_now();
  printf("stored %ld steps (%ld step_results rows, %ld scenarios of %d, one"
         " transaction each) in %.2f s: %.0f steps/s (cpu %.2f s)\n",
         nStep, nStep * nBackend, (nStep + nPer - 1) / nPer, nPer,
         rEnd - rStart, (double)nStep / (rEnd - rStart), bench_cpu());
  if( zDb==zDefault ){ remove(zDb); remove(zWal); remove(zShm); }
  return 0;

fail:
  fprintf(stderr, "bench_store: %s\n", store_errmsg(p));
  store_close(p);
  return 1;
}
