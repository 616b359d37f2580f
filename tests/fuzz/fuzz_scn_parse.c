/*
** tests/fuzz/fuzz_scn_parse.c: libFuzzer target for the scenario parser.
**
** The input is the text of a .scn file: scn_parse_text() must either
** return a scenario (freed here) or a "FILE:LINE: message" error, never
** crash, leak or read out of bounds (the target is built with ASan and
** UBSan). Seeds: tests/fuzz/corpus/scn_parse/ (bundled scenarios).
*/
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lang/scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData);

int LLVMFuzzerTestOneInput(const uint8_t *aData, size_t nData){
  Scenario *pScn = 0;
  char zErr[512];
  int rc;
  zErr[0] = 0;
  rc = scn_parse_text("fuzz.scn", (const char*)aData, nData, &pScn, zErr, sizeof(zErr));
  /* the contract: success and a scenario, or failure, no scenario, and a
  ** FILE:LINE message */
  if( rc==0 ){
    if( pScn==0 ) abort();
    scn_free(pScn);
  }else{
    if( pScn!=0 || strncmp(zErr, "fuzz.scn:", 9)!=0 ) abort();
  }
  return 0;
}
