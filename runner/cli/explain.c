/*
** runner/cli/explain.c: `mapscope explain FILE`, a scenario told step by step.
**
** For people learning the rules: the scenario runs on the model, and after
** each step the output is shown next to what the scenario expects, then
** the state a teacher would draw on the board (the model's own rendering:
** \GLOBAL??, each logon session's DosDevices directory, connections,
** HKCU\Network and vaults). A step that changes nothing says so instead of
** repeating the picture; --full repeats it anyway.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/cli/commands.h"
#include "runner/engine/load.h"
#include "runner/util/strbuf.h"
#include "runner/engine/verdict.h"
#include "runner/backends/backend_sim.h"   /* the tool record (T1) */

/* Print zText with every line indented by zIndent. */
static void explain_indented(FILE *pOut, const char *zIndent, const char *zText){
  StrBuf b = {0};
  if( zText == NULL || zText[0] == 0 ) return;
  strbuf_indented(&b, zIndent, zText);
  fputs(strbuf_text(&b), pOut);
  strbuf_reset(&b);
}

/* The world, as the scenario states it (passwords never shown). */
static void explain_world(FILE *pOut, const Scenario *pScn){
  fprintf(pOut, "%s\n", pScn->zTitle);
  for(size_t i = strlen(pScn->zTitle); i > 0; i--) fputc('=', pOut);
  fputc('\n', pOut);
  for(int i = 0; i < pScn->nSource; i++) fprintf(pOut, "source: %s\n", pScn->azSource[i]);
  char *zMachine = scn_machine_format(&pScn->machine);
  fprintf(pOut, "\nWorld\n  %s\n", zMachine);
  free(zMachine);
  for(int i = 0; i < pScn->nUser; i++){
    char *z = scn_user_format(&pScn->aUser[i], 1);
    fprintf(pOut, "  %s\n", z);
    free(z);
  }
  for(int i = 0; i < pScn->nShare; i++){
    char *z = scn_share_format(&pScn->aShare[i]);
    fprintf(pOut, "  %s\n", z);
    free(z);
  }
}

int cmd_explain(int argc, char **argv){
  int bFull = 0, iArg = 1;
  if( iArg < argc && strcmp(argv[iArg], "--full") == 0 ){ bFull = 1; iArg++; }
  if( argc - iArg != 1 || argv[iArg][0] == '-' ){
    fprintf(stderr, "mapscope explain: usage: mapscope explain [--full] FILE.scn\n");
    return 2;
  }
  ScnFile *aFile = NULL;
  int nFile = 0;
  int rc = load_scenarios("explain", &argv[iArg], 1, &aFile, &nFile);
  if( rc ) return rc;
  if( nFile != 1 ){
    fprintf(stderr, "mapscope explain: %s: explain takes one scenario file, "
            "not a directory of %d\n", argv[iArg], nFile);
    load_free(aFile, nFile);
    return 2;
  }
  const Scenario *pScn = aFile[0].pScn;
  const BackendOps *pOps = &backend_sim_ops;
  BackendConn *pConn = NULL;
  char *zErr = NULL;
  if( pOps->xOpen(pScn, NULL, &pConn, &zErr) != 0 ){
    fprintf(stderr, "mapscope explain: the model could not start: %s\n",
            zErr ? zErr : "no reason given");
    free(zErr);
    load_free(aFile, nFile);
    return 1;
  }

  FILE *pOut = stdout;
  LabelSet labels;
  memset(&labels, 0, sizeof(labels));
  labels.azLabel[labels.nLabel++] = pOps->zName;
  explain_world(pOut, pScn);
  char *zPrev = pOps->xDescribe ? pOps->xDescribe(pConn) : NULL;
  if( zPrev ){
    fputs("\nAt the start\n", pOut);
    explain_indented(pOut, "  ", zPrev);
  }

  int nMismatch = 0;
  for(int i = 0; i < pScn->nStep; i++){
    const ScnStep *pStep = &pScn->aStep[i];
    char *zCmd = scn_step_format(pStep, 1);
    fprintf(pOut, "\nStep %d (line %d): %s\n", i + 1, pStep->iLine, zCmd);
    free(zCmd);
    if( verdict_step_skipped(pStep, &labels) ){
      fputs("  (skipped on the model by an onlyif/skipif annotation)\n", pOut);
      continue;
    }
    StepResult res;
    memset(&res, 0, sizeof(res));
    int bDead = pOps->xStep(pConn, pStep, &res) != 0;
    if( res.eOutcome == BACKEND_DONE ){
      explain_indented(pOut, "  > ", res.zOutput);
    }else{
      fprintf(pOut, "  > (%s: %s)\n", res.eOutcome == BACKEND_UNSUPPORTED
              ? "unsupported" : "error", res.zReason ? res.zReason : "");
    }
    const char *zTool = backend_sim_tool_record(pConn);   /* T1: what a tool did */
    if( zTool ){
      fputs("  the tool's actions:\n", pOut);
      explain_indented(pOut, "    ", zTool);
    }
    if( pStep->bExpected ){
      char *zExp = scn_expected_text(pStep);
      if( res.eOutcome == BACKEND_DONE && scn_output_equal(res.zOutput, zExp) ){
        fputs("  as the scenario expects\n", pOut);
      }else{
        nMismatch++;
        fputs("  BUT the scenario expects:\n", pOut);
        explain_indented(pOut, "  | ", zExp);
      }
      free(zExp);
    }
    step_result_clear(&res);
    if( bDead ) break;
    char *zNow = pOps->xDescribe ? pOps->xDescribe(pConn) : NULL;
    if( zNow ){
      if( !bFull && zPrev && strcmp(zPrev, zNow) == 0 ){
        fputs("  (state unchanged)\n", pOut);
      }else{
        fputc('\n', pOut);
        explain_indented(pOut, "    ", zNow);
      }
    }
    free(zPrev);
    zPrev = zNow;
  }
  free(zPrev);
  pOps->xClose(pConn);
  if( pOps->xShutdown ) pOps->xShutdown(NULL);
  if( nMismatch ){
    fprintf(pOut, "\n%d step%s did not produce what the scenario expects.\n",
            nMismatch, nMismatch == 1 ? "" : "s");
  }
  load_free(aFile, nFile);
  return nMismatch ? 1 : 0;
}
