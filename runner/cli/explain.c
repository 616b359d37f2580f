/*
** runner/cli/explain.c: `mapscope explain FILE`, a scenario told step by step.
**
** For people learning the rules: the scenario runs on the model, and for
** each step explain shows the scenario's own comments before it, the
** output next to what the scenario expects, the rules of SEMANTICS the
** model applied to decide it (the marks of sim/rules.h, as IDs that
** docs/rules.md lists: rules.md#C5), and what changed in the state a
** teacher would draw (\GLOBAL??, each logon session's DosDevices
** directory, connections, credential sets, HKCU\Network and vaults):
** `+` added, `-` removed, `~` changed. --full prints the whole state after
** every step instead of the changes.
**
**   --html FILE  also write one self-contained page with a picture per step
**   --svg DIR    also write the pictures alone (DIR/step-00.svg at the
**                start, DIR/step-NN.svg after step NN)
**   --rules-url URL  where rule links point (default: docs/rules.md found
**                above the scenario, relative to the page; else rules.md);
**                rule C5 links to URL#c5
**
** Contents: 1. text  2. files  3. the command
*/
#define _XOPEN_SOURCE 700   /* realpath */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/cli/commands.h"
#include "runner/engine/load.h"
#include "runner/engine/verdict.h"
#include "runner/util/strbuf.h"
#include "runner/visual/story.h"
#include "runner/visual/visual.h"

/* ---------------------------------------------------------------- 1 ---- */

/* Print zText with every line indented by zIndent. */
static void explain_indented(FILE *pOut, const char *zIndent, const char *zText){
  StrBuf b = {0};
  if( zText == NULL || zText[0] == 0 ) return;
  strbuf_indented(&b, zIndent, zText);
  fputs(strbuf_text(&b), pOut);
  strbuf_reset(&b);
}

/* The world, as the scenario states it (passwords never shown), and the
** scenario's opening comments. */
static void explain_world(FILE *pOut, const VisStory *pStory){
  fprintf(pOut, "%s\n", pStory->zTitle);
  for(size_t i = strlen(pStory->zTitle); i > 0; i--) fputc('=', pOut);
  fputc('\n', pOut);
  for(int i = 0; i < pStory->nSource; i++) fprintf(pOut, "source: %s\n", pStory->azSource[i]);
  if( pStory->nIntro ) fputc('\n', pOut);
  for(int i = 0; i < pStory->nIntro; i++) fprintf(pOut, "# %s\n", pStory->azIntro[i]);
  fputs("\nWorld\n", pOut);
  for(int i = 0; i < pStory->nWorld; i++) fprintf(pOut, "  %s\n", pStory->azWorld[i]);
}

static void explain_change(void *pCtx, char cMark, const char *zText, const char *zOld){
  FILE *pOut = pCtx;
  fprintf(pOut, "    %c %s\n", cMark, zText);
  if( zOld ) fprintf(pOut, "      (was: %s)\n", zOld);
}

static void explain_text(FILE *pOut, const VisStory *pStory, BackendConn *pUnused,
                         int bFull, char **azFull){
  (void)pUnused;
  explain_world(pOut, pStory);
  if( azFull && azFull[0] ){
    fputs("\nAt the start\n", pOut);
    explain_indented(pOut, "  ", azFull[0]);
  }else{
    fputs("\nAt the start\n", pOut);
    for(int i = 0; i < pStory->start.nBox; i++){
      const VisBox *pBox = &pStory->start.aBox[i];
      fprintf(pOut, "  %s\n", pBox->zText);
      for(int j = 0; j < pBox->nRow; j++) fprintf(pOut, "    %s\n", pBox->aRow[j].zText);
    }
  }
  for(int i = 0; i < pStory->nStep; i++){
    const VisStep *p = &pStory->aStep[i];
    fprintf(pOut, "\nStep %d (line %d): %s\n", i + 1, p->iLine, p->zCommand);
    for(int j = 0; j < p->nComment; j++) fprintf(pOut, "  # %s\n", p->azComment[j]);
    if( p->eState == VIS_STEP_RAN ){
      explain_indented(pOut, "  > ", p->zOutput);
    }else{
      fprintf(pOut, "  > %s\n", p->zOutput);
    }
    if( p->eState == VIS_STEP_SKIPPED || p->eState == VIS_STEP_NOT_REACHED ) continue;
    if( p->zTool ){                        /* T1: the actions of a tool step */
      fputs("  the tool's actions:\n", pOut);
      explain_indented(pOut, "    ", p->zTool);
    }
    if( p->zExpected ){
      if( p->bMatch ){
        fputs("  as the scenario expects\n", pOut);
      }else{
        fputs("  BUT the scenario expects:\n", pOut);
        explain_indented(pOut, "  | ", p->zExpected);
      }
    }
    if( p->zRules[0] ){
      fprintf(pOut, "  rules: %s (docs/rules.md)\n", p->zRules);
    }else{
      fputs("  rules: none marked\n", pOut);
    }
    if( bFull ){
      if( azFull && azFull[i + 1] ){
        fputc('\n', pOut);
        explain_indented(pOut, "    ", azFull[i + 1]);
      }
    }else{
      const VisSnap *pBefore = vis_story_before(pStory, i);
      fputs("  changed:\n", pOut);
      if( vis_snap_diff(pBefore, &p->snap, explain_change, pOut) == 0 ){
        fputs("    (nothing: the state is as before)\n", pOut);
      }
    }
  }
  if( pStory->nMismatch ){
    fprintf(pOut, "\n%d step%s did not produce what the scenario expects.\n",
            pStory->nMismatch, pStory->nMismatch == 1 ? "" : "s");
  }
}

/* ---------------------------------------------------------------- 2 ---- */

/* Write the whole of zText to zPath; 0 or non-zero with a message. */
static int explain_write_file(const char *zPath, const char *zText, size_t n){
  FILE *p = fopen(zPath, "wb");
  if( p == NULL ){
    fprintf(stderr, "mapscope explain: %s: %s\n", zPath, strerror(errno));
    return 1;
  }
  size_t nDone = fwrite(zText, 1, n, p);
  int bErr = nDone != n;
  if( fclose(p) != 0 ) bErr = 1;
  if( bErr ){
    fprintf(stderr, "mapscope explain: %s: could not write\n", zPath);
    return 1;
  }
  return 0;
}

static int explain_svg_dir(const char *zDir, const VisStory *pStory){
  if( mkdir(zDir, 0777) != 0 && errno != EEXIST ){
    fprintf(stderr, "mapscope explain: %s: %s\n", zDir, strerror(errno));
    return 1;
  }
  for(int i = -1; i < pStory->nStep; i++){
    StrBuf b = {0}, path = {0};
    strbuf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    vis_svg_state(&b, pStory, i, 1, "s");
    strbuf_printf(&path, "%s/step-%02d.svg", zDir, i + 1);
    int rc = explain_write_file(strbuf_text(&path), strbuf_text(&b), b.n);
    strbuf_reset(&b);
    strbuf_reset(&path);
    if( rc ) return rc;
  }
  return 0;
}

/*
** The address rule links point to: docs/<zName> of the project the
** scenario lives in (found by walking up from the scenario), relative to
** the directory of the page; NULL when there is none.
*/
static char *explain_rules_url(const char *zScenario, const char *zPage,
                               const char *zName){
  char zDir[PATH_MAX], zFound[PATH_MAX + 32], zPageDir[PATH_MAX];
  StrBuf b = {0};
  if( realpath(zScenario, zDir) == NULL ) goto fallback;
  for(;;){
    char *zSlash = strrchr(zDir, '/');
    if( zSlash == NULL ) goto fallback;
    *zSlash = 0;
    snprintf(zFound, sizeof(zFound), "%s/docs/%s", zDir[0] ? zDir : "", zName);
    if( access(zFound, R_OK) == 0 ) break;
    if( zDir[0] == 0 ) goto fallback;
  }
  {
    /* the page's directory, as a real path */
    char zTmp[PATH_MAX];
    snprintf(zTmp, sizeof(zTmp), "%s", zPage);
    char *zSlash = strrchr(zTmp, '/');
    if( zSlash ) *zSlash = 0; else snprintf(zTmp, sizeof(zTmp), ".");
    if( zTmp[0] == 0 ) snprintf(zTmp, sizeof(zTmp), "/");
    if( realpath(zTmp, zPageDir) == NULL ) goto fallback;
  }
  {
    /* common prefix by whole components, then ../ for the rest */
    size_t i = 0, iCommon = 0;
    while( zPageDir[i] && zFound[i] && zPageDir[i] == zFound[i] ){
      if( zPageDir[i] == '/' ) iCommon = i;
      i++;
    }
    if( zPageDir[i] == 0 && zFound[i] == '/' ) iCommon = i;
    for(const char *z = zPageDir + iCommon; *z; z++){
      if( *z == '/' ) strbuf_puts(&b, "../");
    }
    strbuf_puts(&b, zFound + iCommon + 1);
    return strbuf_take(&b);
  }
fallback:
  return NULL;
}

/* ---------------------------------------------------------------- 3 ---- */

int cmd_explain(int argc, char **argv){
  static const struct option aOpt[] = {
    { "full",      no_argument,       NULL, 'f' },
    { "html",      required_argument, NULL, 'h' },
    { "svg",       required_argument, NULL, 's' },
    { "rules-url", required_argument, NULL, 'r' },
    { "help",      no_argument,       NULL, 'H' },
    { NULL, 0, NULL, 0 }
  };
  int bFull = 0, c;
  const char *zHtml = NULL, *zSvg = NULL, *zRulesUrl = NULL;
  optind = 1;
  opterr = 0;
  while( (c = getopt_long(argc, argv, "", aOpt, NULL)) != -1 ){
    switch( c ){
      case 'f': bFull = 1; break;
      case 'h': zHtml = optarg; break;
      case 's': zSvg = optarg; break;
      case 'r': zRulesUrl = optarg; break;
      case 'H':
        fputs("usage: mapscope explain [--full] [--html FILE.html] [--svg DIR] "
              "[--rules-url URL] FILE.scn\n"
              "  tell a scenario step by step on the model: the author's comments, the\n"
              "  output, the rules that decided it, what changed (+ added, - removed,\n"
              "  ~ changed)\n"
              "  --full           the whole state after every step instead of the changes\n"
              "  --html FILE      also write a self-contained page, a picture per step\n"
              "  --svg DIR        also write the pictures alone (DIR/step-NN.svg)\n"
              "  --rules-url URL  where rule links point (default: docs/rules.md above\n"
              "                   the scenario, relative to the page)\n"
              "See docs/explain.md.\n", stdout);
        return 0;
      default:
        fprintf(stderr, "mapscope explain: usage: mapscope explain [--full] "
                "[--html FILE.html] [--svg DIR] [--rules-url URL] FILE.scn\n");
        return 2;
    }
  }
  if( argc - optind != 1 || argv[optind][0] == '-' ){
    fprintf(stderr, "mapscope explain: usage: mapscope explain [--full] "
            "[--html FILE.html] [--svg DIR] [--rules-url URL] FILE.scn\n");
    return 2;
  }
  ScnFile *aFile = NULL;
  int nFile = 0;
  int rc = load_scenarios("explain", &argv[optind], 1, &aFile, &nFile);
  if( rc ) return rc;
  if( nFile != 1 ){
    fprintf(stderr, "mapscope explain: %s: explain takes one scenario file, "
            "not a directory of %d\n", argv[optind], nFile);
    load_free(aFile, nFile);
    return 2;
  }

  /* --full: the model's own whole-state text after every step, gathered
  ** by a second run (the story keeps the state as data). */
  char **azFull = NULL;
  if( bFull ){
    const BackendOps *pOps = &backend_sim_ops;
    BackendConn *pConn = NULL;
    char *zErr = NULL;
    const Scenario *pScn = aFile[0].pScn;
    if( pOps->xOpen(pScn, NULL, &pConn, &zErr) == 0 ){
      azFull = calloc((size_t)pScn->nStep + 1, sizeof(char*));
      if( azFull == NULL ) exit(3);
      azFull[0] = pOps->xDescribe(pConn);
      LabelSet labels;
      memset(&labels, 0, sizeof(labels));
      labels.azLabel[labels.nLabel++] = pOps->zName;
      for(int i = 0; i < pScn->nStep; i++){
        if( !verdict_step_skipped(&pScn->aStep[i], &labels) ){
          StepResult res;
          memset(&res, 0, sizeof(res));
          int bDead = pOps->xStep(pConn, &pScn->aStep[i], &res) != 0;
          step_result_clear(&res);
          if( bDead ) break;
        }
        azFull[i + 1] = pOps->xDescribe(pConn);
      }
      pOps->xClose(pConn);
    }
    free(zErr);
  }

  VisStory story;
  char *zErr = NULL;
  if( vis_story_tell(&aFile[0], &story, &zErr) != 0 ){
    fprintf(stderr, "mapscope explain: the model could not start: %s\n",
            zErr ? zErr : "no reason given");
    free(zErr);
    load_free(aFile, nFile);
    return 1;
  }
  explain_text(stdout, &story, NULL, bFull, azFull);
  if( azFull ){
    for(int i = 0; i <= aFile[0].pScn->nStep; i++) free(azFull[i]);
    free(azFull);
  }

  int rcFile = 0;
  if( zHtml ){
    char *zUrl = zRulesUrl ? NULL : explain_rules_url(aFile[0].zPath, zHtml, "rules.md");
    FILE *pOut = fopen(zHtml, "wb");
    if( pOut == NULL ){
      fprintf(stderr, "mapscope explain: %s: %s\n", zHtml, strerror(errno));
      rcFile = 1;
    }else{
      vis_html_explain(pOut, &story, zRulesUrl ? zRulesUrl : zUrl ? zUrl : "rules.md");
      if( ferror(pOut) | (fclose(pOut) != 0) ){
        fprintf(stderr, "mapscope explain: %s: could not write\n", zHtml);
        rcFile = 1;
      }
    }
    free(zUrl);
  }
  if( zSvg && rcFile == 0 ) rcFile = explain_svg_dir(zSvg, &story);

  int nMismatch = story.nMismatch;
  vis_story_free(&story);
  load_free(aFile, nFile);
  if( rcFile ) return rcFile;
  return nMismatch ? 1 : 0;
}
