/*
** runner/cli/tools_cmd.c: `mapscope tools`, the tool profiles the model
** knows (SEMANTICS T2-T7, sim/tools/).
**
**   mapscope tools            every family, its profiles, keys and sources
**   mapscope tools PROFILE    one profile
**   mapscope tools --names    the profile names only, one a line
**
** The text comes from the registry (sim/tools/tools.c), so a profile
** added there is listed here without a change.
**
** Contents: 1. printing  2. the command
*/
#include <stdio.h>
#include <string.h>

#include "runner/cli/commands.h"
#include "runner/cli/options.h"
#include "sim/tools/tools.h"

static const char zToolsUsage[] =
  "usage: mapscope tools [--names] [PROFILE]\n"
  "\n"
  "List the tool profiles a scenario's `tool` step can run (SEMANTICS\n"
  "T2-T7): each tool family, its profiles with their keys, the source each\n"
  "mirrors and what it does in the model's terms (docs/tools.md).\n"
  "\n"
  "  --names     print the profile names only, one a line\n"
  "  --help      this text\n";

/* ---------------------------------------------------------------- 1 ---- */

static void tools_print_one(FILE *pOut, const SimToolProfile *pT){
  fprintf(pOut, "  tool %s %s\n", pT->zName, pT->zKeys);
  fprintf(pOut, "    does:   %s\n", pT->zSummary);
  fprintf(pOut, "    source: %s\n", pT->zSource);
}

/* Every profile, grouped by family in registry order. */
static void tools_print_all(FILE *pOut){
  int i, j, nFamily = 0;
  for(i=0; i<sim_tool_count(); i++){
    const SimToolProfile *pT = sim_tool_at(i);
    int bSeen = 0;
    for(j=0; j<i; j++){
      if( strcmp(sim_tool_at(j)->zFamily, pT->zFamily)==0 ){ bSeen = 1; break; }
    }
    if( bSeen ) continue;
    nFamily++;
    fprintf(pOut, "%s%s (%s)\n", nFamily>1 ? "\n" : "", pT->zFamily,
            sim_rule_name(pT->eRule));
    for(j=i; j<sim_tool_count(); j++){
      if( strcmp(sim_tool_at(j)->zFamily, pT->zFamily)==0 ) tools_print_one(pOut, sim_tool_at(j));
    }
  }
  fprintf(pOut, "\n%d tool families, %d profiles. Every profile runs as one process of the\n"
                "`as` half (T1); on a real host the agent runs the real tool (T8).\n",
          nFamily, sim_tool_count());
}

/* ---------------------------------------------------------------- 2 ---- */

int cmd_tools(int argc, char **argv){
  static const struct option aOpt[] = {
    { "names", no_argument, 0, 'n' },
    { 0, 0, 0, 0 }
  };
  OptParser op;
  int bNames = 0, c, i, nOperand;
  opt_init(&op, "tools", zToolsUsage, argc, argv, "", aOpt);
  while( (c = opt_next(&op))!=OPT_END ){
    if( c==OPT_STOP ){ opt_done(&op); return op.rc; }
    if( c=='n' ) bNames = 1;
  }
  opt_done(&op);
  nOperand = argc-op.iFirst;
  if( nOperand>1 ){
    return opt_usage_cmd("tools", "one PROFILE at most");
  }
  if( nOperand==1 ){
    const SimToolProfile *pT = sim_tool_find(argv[op.iFirst]);
    if( pT==NULL ){
      return opt_usage_cmd("tools", "no profile '%s' (mapscope tools --names lists them)",
                           argv[op.iFirst]);
    }
    if( bNames ){
      printf("%s\n", pT->zName);
      return 0;
    }
    printf("%s (%s)\n", pT->zFamily, sim_rule_name(pT->eRule));
    tools_print_one(stdout, pT);
    return 0;
  }
  if( bNames ){
    for(i=0; i<sim_tool_count(); i++) printf("%s\n", sim_tool_at(i)->zName);
    return 0;
  }
  tools_print_all(stdout);
  return 0;
}
