/*
** runner/backends/backend.c: the registry of backends and StepResult helpers.
*/
#include "runner/backends/backend.h"

#include <stdlib.h>
#include <strings.h>

void step_result_clear(StepResult *pRes){
  free(pRes->zOutput);
  free(pRes->zReason);
  pRes->zOutput = NULL;
  pRes->zReason = NULL;
  pRes->eOutcome = BACKEND_DONE;
}

const BackendOps *backend_find(const char *zName){
  static const BackendOps *const apAll[] = {
    &backend_sim_ops, &backend_wine_ops, &backend_windows_ops
  };
  for(size_t i = 0; i < sizeof(apAll)/sizeof(apAll[0]); i++){
    if( strcasecmp(apAll[i]->zName, zName) == 0 ) return apAll[i];
  }
  return NULL;
}
