/*
** tests/results/results_cli_main.c: `results_cli ARGS...` runs
** cmd_results(ARGS...) on its own, so the results subcommand can be tested
** while the rest of the mapscope command is still being written.
*/
#include "runner/cli/commands.h"

int main(int argc, char **argv){
  argv[0] = "results";
  return cmd_results(argc, argv);
}
