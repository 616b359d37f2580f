/*
** runner/cli/commands.h: the subcommands of `mapscope`, one entry point each.
**
** Every entry point takes the arguments after the subcommand name
** (argv[0] is the subcommand) and returns the process exit status:
** 0 success, 1 something failed (a step, a comparison), 2 usage or input
** errors (a one-line reason on stderr).
*/
#ifndef MAPSCOPE_RUNNER_COMMANDS_H
#define MAPSCOPE_RUNNER_COMMANDS_H

int cmd_run(int argc, char **argv);      /* run.c: mapscope run */
int cmd_diff(int argc, char **argv);     /* run.c: mapscope diff */
int cmd_explain(int argc, char **argv);  /* explain.c: mapscope explain */
int cmd_results(int argc, char **argv);  /* cmd_results.c: mapscope results */
int cmd_bench(int argc, char **argv);    /* bench.c: mapscope bench */
int cmd_explore(int argc, char **argv);  /* explore.c: mapscope explore */
int cmd_report(int argc, char **argv);   /* report_cmd.c: mapscope report */
int cmd_check(int argc, char **argv);    /* check_cmd.c: mapscope check */
int cmd_tools(int argc, char **argv);    /* tools_cmd.c: mapscope tools */

#endif /* MAPSCOPE_RUNNER_COMMANDS_H */
