/*
** runner/cli/report_cmd.c: `mapscope report [DB] -o FILE.html`, the
** results page: runs, a scenarios x runs x backends matrix, regressions
** and flips first, each scenario's steps with expected and actual output
** (runner/visual/html_report.c). One self-contained file, for a person or
** a CI artifact. DB defaults to store_default_path().
**
**   -o, --output FILE   the page (required; "-" for standard output)
**   --runs N            runs drawn as matrix columns, newest first
**                       (default 30; 0 for all)
**   --title TEXT        the page's title
*/
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/cli/commands.h"
#include "runner/visual/visual.h"
#include "results/store.h"

int cmd_report(int argc, char **argv){
  static const struct option aOpt[] = {
    { "output", required_argument, NULL, 'o' },
    { "runs",   required_argument, NULL, 'n' },
    { "title",  required_argument, NULL, 't' },
    { "help",   no_argument,       NULL, 'H' },
    { NULL, 0, NULL, 0 }
  };
  const char *zOut = NULL;
  VisReportOpts opts;
  int c;
  memset(&opts, 0, sizeof(opts));
  opts.nLastRuns = 30;
  optind = 1;
  opterr = 0;
  while( (c = getopt_long(argc, argv, "o:", aOpt, NULL)) != -1 ){
    switch( c ){
      case 'o': zOut = optarg; break;
      case 'n': {
        char *zEnd = NULL;
        long n = strtol(optarg, &zEnd, 10);
        if( *zEnd || n < 0 || n > 100000 ){
          fprintf(stderr, "mapscope report: --runs wants a count, not '%s'\n", optarg);
          return 2;
        }
        opts.nLastRuns = (int)n;
        break;
      }
      case 't': opts.zTitle = optarg; break;
      case 'H':
        fputs("usage: mapscope report [DB] -o FILE.html [--runs N] [--title TEXT]\n"
              "  the results page: runs, scenarios x runs x backends (regressions and\n"
              "  flips first), each step's expected and actual output; one file\n"
              "  DB             the results database (default $MAPSCOPE_DB, else\n"
              "                 mapscope-results.db)\n"
              "  -o FILE        the page (\"-\" for standard output)\n"
              "  --runs N       newest runs drawn as matrix columns (default 30, 0 all)\n"
              "  --title TEXT   the page's title\n"
              "See docs/explain.md.\n", stdout);
        return 0;
      default:
        fprintf(stderr, "mapscope report: usage: mapscope report [DB] -o FILE.html "
                "[--runs N] [--title TEXT]\n");
        return 2;
    }
  }
  if( zOut == NULL || argc - optind > 1 ){
    fprintf(stderr, "mapscope report: usage: mapscope report [DB] -o FILE.html "
            "[--runs N] [--title TEXT]\n");
    return 2;
  }
  const char *zDb = argc - optind == 1 ? argv[optind] : store_default_path();
  char zErr[512] = "";
  /* Write to a temporary file and rename it, so a failure leaves no
  ** half-written page behind. */
  FILE *pOut = stdout;
  char *zTmp = NULL;
  if( strcmp(zOut, "-") != 0 ){
    size_t n = strlen(zOut) + 16;
    zTmp = malloc(n);
    if( zTmp == NULL ) exit(3);
    snprintf(zTmp, n, "%s.tmp", zOut);
    pOut = fopen(zTmp, "wb");
    if( pOut == NULL ){
      fprintf(stderr, "mapscope report: %s: %s\n", zTmp, strerror(errno));
      free(zTmp);
      return 1;
    }
  }
  int rc = vis_html_report(pOut, zDb, &opts, zErr, (int)sizeof(zErr));
  if( zTmp ){
    if( fclose(pOut) != 0 && rc == 0 ){
      snprintf(zErr, sizeof(zErr), "%s: could not write", zOut);
      rc = 1;
    }
    if( rc == 0 && rename(zTmp, zOut) != 0 ){
      snprintf(zErr, sizeof(zErr), "%s: %s", zOut, strerror(errno));
      rc = 1;
    }
    if( rc ) remove(zTmp);
    free(zTmp);
  }
  if( rc ){
    fprintf(stderr, "mapscope report: %s\n", zErr);
    return 1;
  }
  return 0;
}
