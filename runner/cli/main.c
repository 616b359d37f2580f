/*
** runner/cli/main.c: the mapscope command: dispatch to a subcommand.
*/
#include <stdio.h>
#include <string.h>

#include "runner/cli/commands.h"

static const char zUsage[] =
  "usage: mapscope COMMAND [options] [arguments]\n"
  "       mapscope help COMMAND      (or mapscope COMMAND --help)\n"
  "       mapscope -V | --version\n"
  "\n"
  "  run [--backend sim|wine|windows] [--format text|tap|junit] [--filter GLOB]\n"
  "      [--tag [!]T]... [--list] [-j N] [-x] [--override|--complete [--dry-run]]\n"
  "      [--label L]... [--db FILE | --no-db] [-v] [--color WHEN] PATH...\n"
  "                      run scenarios (files, or directories of *.scn)\n"
  "  diff --against wine|windows [--agent-cmd CMD] [same options] PATH...\n"
  "                      run each scenario on the model and on another backend,\n"
  "                      comparing them step by step\n"
  "  explain [--full] [--html FILE.html] [--svg DIR] [--rules-url URL] FILE\n"
  "                      run one scenario on the model, showing the state after\n"
  "                      every step (as text, a page or pictures)\n"
  "  results list|show|compare|merge|export ...\n"
  "                      query the results database (see `mapscope results help`)\n"
  "  bench [--only ops,sessions,suite,store,explore,wine] [--no-wine] [--ops N]\n"
  "        [--wine-ops N] [--sessions N,N,...] [--suite DIR] [--store-rows N]\n"
  "        [--explore-steps N] [--repeat N]\n"
  "                      measure the model, the agent under Wine and the store,\n"
  "                      side by side (docs/performance.md)\n"
  "  explore [--seed N] [--steps N] [--seconds N] [--episode N] [--world FILE]\n"
  "          [--against wine|windows] [--agent-cmd CMD] [--todo-dir DIR]...\n"
  "          [--keep-going] [--full-check] [--out FILE] [--db FILE | --no-db]\n"
  "                      random step sequences, checked against the model's\n"
  "                      invariants (and another backend), the first failure\n"
  "                      shrunk to a scenario (docs/explore.md)\n"
  "  check [--world FILE] [--depth K] [--states N] [--seconds S] [--no-symmetry]\n"
  "        [--out FILE] [--db FILE | --no-db]   (all options: mapscope check --help)\n"
  "                      every step sequence of a small world, breadth first,\n"
  "                      with the shortest counterexample (docs/check.md)\n"
  "  report [DB] -o FILE.html [--runs N] [--title TEXT]\n"
  "                      the results database as one page: runs, scenarios by\n"
  "                      runs and backends, each step's outputs (docs/explain.md)\n"
  "  tools [--names] [PROFILE]\n"
  "                      the tool profiles a `tool` step runs, their keys and\n"
  "                      sources (docs/tools.md)\n"
  "  help [COMMAND]      this text, or a command's options\n"
  "  version             print the version\n"
  "\n"
  "Exit status: 0 success, 1 a step or comparison failed, 2 bad usage or input.\n";

typedef struct Subcommand Subcommand;
struct Subcommand {
  const char *zName;                 /* as typed */
  int (*xMain)(int argc, char **argv);/* entry point (argv[0] = zName) */
};

static const Subcommand aSubcommand[] = {
  { "run",     cmd_run },
  { "diff",    cmd_diff },
  { "explain", cmd_explain },
  { "results", cmd_results },
  { "bench",   cmd_bench },
  { "explore", cmd_explore },
  { "report",  cmd_report },
  { "check",   cmd_check },
  { "tools",   cmd_tools },
};

/* `mapscope help [CMD]`: the overview, or CMD's own --help. `help help`,
** `help --help` and `help -h` are the overview too. */
static int main_help(int argc, char **argv){
  if( argc < 2 ){
    fputs(zUsage, stdout);
    return 0;
  }
  for(size_t i = 0; i < sizeof(aSubcommand)/sizeof(aSubcommand[0]); i++){
    if( strcmp(argv[1], aSubcommand[i].zName) == 0 ){
      char *azArg[3];
      azArg[0] = argv[1];
      azArg[1] = "--help";
      azArg[2] = NULL;
      return aSubcommand[i].xMain(2, azArg);
    }
  }
  if( strcmp(argv[1], "help") == 0 || strcmp(argv[1], "version") == 0
   || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ){
    fputs(zUsage, stdout);
    return 0;
  }
  fprintf(stderr, "mapscope help: no command '%s' (try 'mapscope help')\n", argv[1]);
  return 2;
}

int main(int argc, char **argv){
  if( argc < 2 ){
    fputs(zUsage, stderr);
    return 2;
  }
  const char *zCmd = argv[1];
  if( strcmp(zCmd, "help") == 0 ) return main_help(argc - 1, argv + 1);
  if( strcmp(zCmd, "--help") == 0 || strcmp(zCmd, "-h") == 0 ){
    fputs(zUsage, stdout);
    return 0;
  }
  if( strcmp(zCmd, "version") == 0 || strcmp(zCmd, "--version") == 0
   || strcmp(zCmd, "-V") == 0 ){
    printf("mapscope %s\n", MAPSCOPE_VERSION);
    return 0;
  }
  for(size_t i = 0; i < sizeof(aSubcommand)/sizeof(aSubcommand[0]); i++){
    if( strcmp(zCmd, aSubcommand[i].zName) == 0 ){
      return aSubcommand[i].xMain(argc - 1, argv + 1);
    }
  }
  if( zCmd[0] == '-' ){
    fprintf(stderr, "mapscope: unknown option '%s' (try 'mapscope --help')\n", zCmd);
  }else{
    fprintf(stderr, "mapscope: unknown command '%s' (try 'mapscope help')\n", zCmd);
  }
  return 2;
}
