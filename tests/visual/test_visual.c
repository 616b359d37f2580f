/*
** tests/visual/test_visual.c: explain's story (comments read back from the
** file text, rules, changes), the snapshot and the pictures' determinism.
**
** The scenario below is the bundled limited-maps-elevated-blind.scn cut
** short, with comments in the places the parser drops them from: before
** the title, between world lines, before an annotation, inside a blank
** line run. SEMANTICS N1 (a session's directory is made on first use),
** N6 (the halves of a split logon have separate directories), C1 (a
** connection's link lives in the session that made it), L2 (split logon).
*/
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "results/store.h"
#include "runner/engine/load.h"
#include "runner/visual/story.h"
#include "runner/visual/visual.h"
#include "sim/rules.h"

static const char zScn[] =
  "# opening comment, line 1\n"                 /* 1 */
  "# opening comment, line 2\n"                 /* 2 */
  "title   Limited vs admin (cut)\n"            /* 3 */
  "source  SEMANTICS N1 N6 C1 L2\n"             /* 4 */
  "\n"                                          /* 5 */
  "user    alice admin password=Al1ce-pw\n"     /* 6 */
  "# between world lines\n"                     /* 7 */
  "share   \\\\fs1\\data\n"                     /* 8 */
  "\n"                                          /* 9 */
  "# before the first step\n"                   /* 10 */
  "logon   A alice interactive\n"               /* 11 */
  "----\n"                                      /* 12 */
  "ok\n"                                        /* 13 */
  "\n"                                          /* 14 */
  "# the limited half maps Z:\n"                /* 15 */
  "\n"                                          /* 16 */
  "# (second comment, after a blank line)\n"    /* 17 */
  "onlyif sim\n"                                /* 18 */
  "as A net use Z: \\\\fs1\\data /persistent:no\n" /* 19 */
  "----\n"                                      /* 20 */
  "ok\n"                                        /* 21 */
  "\n"                                          /* 22 */
  "as A.elevated drives\n"                      /* 23 */
  "----\n"                                      /* 24 */
  "(none)\n";                                   /* 25 */

typedef struct Fix Fix;
struct Fix {
  ScnFile file;
  VisStory story;
};

static int fix_setup(void **ppState){
  Fix *p = calloc(1, sizeof(Fix));
  char zErr[256];
  char *zStoryErr = NULL;
  assert_non_null(p);
  p->file.zPath = strdup("cut.scn");
  p->file.zContent = strdup(zScn);
  p->file.nContent = strlen(zScn);
  assert_int_equal(scn_parse_text("cut.scn", zScn, strlen(zScn), &p->file.pScn,
                                  zErr, sizeof(zErr)), 0);
  assert_int_equal(vis_story_tell(&p->file, &p->story, &zStoryErr), 0);
  *ppState = p;
  return 0;
}

static int fix_teardown(void **ppState){
  Fix *p = *ppState;
  vis_story_free(&p->story);
  scn_free(p->file.pScn);
  free(p->file.zPath);
  free(p->file.zContent);
  free(p);
  return 0;
}

/* Comments come back from the file text: the opening ones and those
** between world lines go to the introduction, each step gets the ones
** after the previous step's expected block. */
static void test_comments(void **ppState){
  Fix *p = *ppState;
  VisStory *s = &p->story;
  assert_int_equal(s->nIntro, 3);
  assert_string_equal(s->azIntro[0], "opening comment, line 1");
  assert_string_equal(s->azIntro[2], "between world lines");
  assert_int_equal(s->nStep, 3);
  assert_int_equal(s->aStep[0].nComment, 1);
  assert_string_equal(s->aStep[0].azComment[0], "before the first step");
  assert_int_equal(s->aStep[1].nComment, 2);
  assert_string_equal(s->aStep[1].azComment[0], "the limited half maps Z:");
  assert_string_equal(s->aStep[1].azComment[1], "(second comment, after a blank line)");
  assert_int_equal(s->aStep[2].nComment, 0);
}

/* Outputs, verdicts, and no password anywhere in the story. */
static void test_outputs(void **ppState){
  Fix *p = *ppState;
  VisStory *s = &p->story;
  int i;
  assert_int_equal(s->nMismatch, 0);
  assert_int_equal(s->aStep[1].eState, VIS_STEP_RAN);
  assert_string_equal(s->aStep[1].zOutput, "ok");
  assert_string_equal(s->aStep[2].zOutput, "(none)");
  for(i=0; i<s->nWorld; i++) assert_null(strstr(s->azWorld[i], "Al1ce-pw"));
}

/* What changed: logon adds two sessions (L2); net use adds {A}'s link,
** connection and credential set and makes its directory (N1, C1); a
** listing changes nothing. */
typedef struct Seen Seen;
struct Seen { int nAdd, nRemove, nChange; char zAll[4096]; };
static void seen_line(void *pCtx, char cMark, const char *zText, const char *zOld){
  Seen *p = pCtx;
  (void)zOld;
  if( cMark=='+' ) p->nAdd++;
  if( cMark=='-' ) p->nRemove++;
  if( cMark=='~' ) p->nChange++;
  strncat(p->zAll, zText, sizeof(p->zAll)-strlen(p->zAll)-2);
  strcat(p->zAll, "\n");
}

static void test_changes(void **ppState){
  Fix *p = *ppState;
  VisStory *s = &p->story;
  Seen seen;
  memset(&seen, 0, sizeof(seen));
  vis_snap_diff(vis_story_before(s, 0), &s->aStep[0].snap, seen_line, &seen);
  assert_int_equal(seen.nAdd, 2);
  assert_non_null(strstr(seen.zAll, "logon session {A}:"));
  assert_non_null(strstr(seen.zAll, "logon session {A.elevated}:"));

  memset(&seen, 0, sizeof(seen));
  vis_snap_diff(vis_story_before(s, 1), &s->aStep[1].snap, seen_line, &seen);
  assert_non_null(strstr(seen.zAll, "\\Sessions\\0\\DosDevices\\{A}\\Z: -> "
                         "\\Device\\LanmanRedirector\\;Z:{A}\\fs1\\data"));
  assert_non_null(strstr(seen.zAll, "{A} connection Z: \\\\fs1\\data"));
  assert_null(strstr(seen.zAll, "{A.elevated}\\Z:"));   /* N6 */
  assert_int_equal(seen.nRemove, 0);
  assert_true(seen.nChange >= 1);                       /* {A}'s directory made */
  assert_int_equal(vis_snap_change(vis_story_before(s, 1), &s->aStep[1].snap,
                                   "link A Z:"), VIS_ADDED);

  memset(&seen, 0, sizeof(seen));
  assert_int_equal(vis_snap_diff(vis_story_before(s, 2), &s->aStep[2].snap,
                                 seen_line, &seen), 0);
}

/* Rule IDs come from the model's marks (sim/rules.h) through xRulesFired:
** every ID printed is one rules.h knows, and the op agrees with the marks
** of a step run here by hand. */
static void test_rules(void **ppState){
  Fix *p = *ppState;
  VisStory *s = &p->story;
  int i;
  assert_non_null(backend_sim_ops.xRulesFired);
  /* the split logon marks L2; the connection's link in its own session C1;
  ** a listing marks neither */
  assert_non_null(strstr(s->aStep[0].zRules, "L2"));
  assert_non_null(strstr(s->aStep[1].zRules, "C1"));
  assert_null(strstr(s->aStep[2].zRules, "L2"));
  for(i=0; i<s->nStep; i++){
    char zCopy[512];
    char *zTok, *zSave = NULL;
    snprintf(zCopy, sizeof(zCopy), "%s", s->aStep[i].zRules);
    for(zTok=strtok_r(zCopy, " ", &zSave); zTok; zTok=strtok_r(NULL, " ", &zSave)){
      assert_true(sim_rule_find(zTok) >= 0);
    }
  }
  {
    /* a fresh instance: marks are per step, and a too-small buffer is
    ** still terminated */
    BackendConn *pConn = NULL;
    char *zErr = NULL, zBuf[2];
    StepResult res;
    assert_int_equal(backend_sim_ops.xOpen(p->file.pScn, NULL, &pConn, &zErr), 0);
    memset(&res, 0, sizeof(res));
    backend_sim_ops.xStep(pConn, &p->file.pScn->aStep[0], &res);
    step_result_clear(&res);
    backend_sim_ops.xRulesFired(pConn, zBuf, (int)sizeof(zBuf));
    assert_true(strlen(zBuf) < sizeof(zBuf));
    backend_sim_ops.xClose(pConn);
  }
}

/* The same story gives the same picture bytes; the picture carries its
** text equivalent; the elevated half's directory has no Z:. */
static void test_svg(void **ppState){
  Fix *p = *ppState;
  VisStory again;
  char *zErr = NULL;
  StrBuf a = {0}, b = {0};
  assert_int_equal(vis_story_tell(&p->file, &again, &zErr), 0);
  vis_svg_state(&a, &p->story, 2, 1, "s");
  vis_svg_state(&b, &again, 2, 1, "s");
  assert_int_equal(a.n, b.n);
  assert_memory_equal(a.z, b.z, a.n);
  assert_non_null(strstr(a.z, "<desc id=\"s3-d\">"));
  assert_non_null(strstr(a.z, "data-key=\"link A Z:\""));
  assert_null(strstr(a.z, "data-key=\"link A.elevated Z:\""));
  assert_non_null(strstr(a.z, "class=\"linked\""));     /* L2: the halves joined */
  strbuf_reset(&a);
  strbuf_reset(&b);
  vis_story_free(&again);
}

/*
** The arrows of a picture can be followed: no run of an arrow crosses a
** box or a target node (other than the box it leaves), and no two arrows
** into different targets share a stretch of a run. Read back from the SVG
** text: the frames (class "fr"), the target nodes (class "tgt") and the
** path data of the arrows (M, then H and V runs).
*/
typedef struct Geo Geo;
struct Geo {
  int aRect[256][4]; int nRect;           /* x y w h */
  int aSeg[512][5]; int nSeg;             /* x0 y0 x1 y1 arrow */
  int aEnd[128][2]; int nArrow;           /* end point of each arrow */
};

static void geo_read(const char *zSvg, Geo *g){
  const char *z;
  memset(g, 0, sizeof(*g));
  for(z=zSvg; (z = strstr(z, "<rect"))!=NULL; z++){
    int x, y, w, h;
    const char *zEnd = strchr(z, '>');
    int bFrame = strncmp(z, "<rect class=\"fr\"", 16)==0;
    int bTarget = z-zSvg>=15 && strncmp(z-15, "<g class=\"tgt\">", 15)==0;
    if( !bFrame && !bTarget ) continue;
    assert_non_null(zEnd);
    assert_int_equal(sscanf(strstr(z, " x=\""), " x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"",
                            &x, &y, &w, &h), 4);
    assert_true(g->nRect < 256);
    g->aRect[g->nRect][0] = x; g->aRect[g->nRect][1] = y;
    g->aRect[g->nRect][2] = w; g->aRect[g->nRect][3] = h;
    g->nRect++;
  }
  for(z=zSvg; (z = strstr(z, "<path class=\"arrow"))!=NULL; z++){
    const char *zD = strstr(z, " d=\"M");
    int x, y, n;
    assert_non_null(zD);
    zD += 5;
    assert_int_equal(sscanf(zD, "%d,%d%n", &x, &y, &n), 2);
    zD += n;
    while( *zD==' ' ){
      int v, x2 = x, y2 = y;
      char c = zD[1];
      assert_int_equal(sscanf(zD+2, "%d%n", &v, &n), 1);
      zD += 2 + n;
      if( c=='H' ) x2 = v; else { assert_int_equal(c, 'V'); y2 = v; }
      assert_true(g->nSeg < 512);
      g->aSeg[g->nSeg][0] = x; g->aSeg[g->nSeg][1] = y;
      g->aSeg[g->nSeg][2] = x2; g->aSeg[g->nSeg][3] = y2;
      g->aSeg[g->nSeg][4] = g->nArrow;
      g->nSeg++;
      x = x2; y = y2;
    }
    assert_true(g->nArrow < 128);
    g->aEnd[g->nArrow][0] = x; g->aEnd[g->nArrow][1] = y;
    g->nArrow++;
  }
}

static int geo_min(int a, int b){ return a<b ? a : b; }
static int geo_max(int a, int b){ return a>b ? a : b; }

/* Does segment s run through the inside of rectangle r? */
static int geo_crosses(const int *s, const int *r){
  int x0 = geo_min(s[0], s[2]), x1 = geo_max(s[0], s[2]);
  int y0 = geo_min(s[1], s[3]), y1 = geo_max(s[1], s[3]);
  return x1 > r[0] && x0 < r[0]+r[2] && y1 > r[1] && y0 < r[1]+r[3];
}

/* The rectangle an arrow ends at (just above its top edge). */
static int geo_target(const Geo *g, int iArrow){
  int i;
  for(i=0; i<g->nRect; i++){
    const int *r = g->aRect[i];
    if( g->aEnd[iArrow][1] >= r[1]-2 && g->aEnd[iArrow][1] <= r[1]
     && g->aEnd[iArrow][0] >= r[0] && g->aEnd[iArrow][0] <= r[0]+r[2] ) return i;
  }
  return -1;
}

static void geo_check(const char *zSvg, const char *zWhere){
  Geo *g = malloc(sizeof(Geo));
  int i, k;
  assert_non_null(g);
  geo_read(zSvg, g);
  for(i=0; i<g->nSeg; i++){
    const int *s = g->aSeg[i];
    int bFirst = i==0 || g->aSeg[i-1][4]!=s[4];
    for(k=0; k<g->nRect; k++){
      const int *r = g->aRect[k];
      /* the first run leaves the box it starts in */
      if( bFirst && s[0]>=r[0] && s[0]<=r[0]+r[2] && s[1]>=r[1] && s[1]<=r[1]+r[3] ) continue;
      if( geo_crosses(s, r) ){
        fail_msg("%s: arrow %d run %d,%d-%d,%d crosses the box at %d,%d %dx%d",
                 zWhere, s[4], s[0], s[1], s[2], s[3], r[0], r[1], r[2], r[3]);
      }
    }
  }
  for(i=0; i<g->nSeg; i++){
    for(k=i+1; k<g->nSeg; k++){
      const int *a = g->aSeg[i], *b = g->aSeg[k];
      if( a[4]==b[4] || geo_target(g, a[4])==geo_target(g, b[4]) ) continue;
      if( a[1]==a[3] && b[1]==b[3] && a[1]==b[1]
       && geo_min(geo_max(a[0], a[2]), geo_max(b[0], b[2]))
          > geo_max(geo_min(a[0], a[2]), geo_min(b[0], b[2])) ){
        fail_msg("%s: arrows %d and %d share the lane y=%d", zWhere, a[4], b[4], a[1]);
      }
      if( a[0]==a[2] && b[0]==b[2] && a[0]==b[0]
       && geo_min(geo_max(a[1], a[3]), geo_max(b[1], b[3]))
          > geo_max(geo_min(a[1], a[3]), geo_min(b[1], b[3])) ){
        fail_msg("%s: arrows %d and %d share the column x=%d", zWhere, a[4], b[4], a[0]);
      }
    }
  }
  free(g);
}

/* Every picture of a bundled scenario passes geo_check(). */
static void arrows_of(const char *zRel){
  char zPath[1024];
  char *azPath[1];
  ScnFile *aFile = NULL;
  int nFile = 0, i;
  VisStory story;
  char *zErr = NULL;
  snprintf(zPath, sizeof(zPath), "%s/%s", MAPSCOPE_SOURCE_DIR, zRel);
  azPath[0] = zPath;
  assert_int_equal(load_scenarios("test", azPath, 1, &aFile, &nFile), 0);
  assert_int_equal(nFile, 1);
  assert_int_equal(vis_story_tell(&aFile[0], &story, &zErr), 0);
  for(i=-1; i<story.nStep; i++){
    StrBuf b = {0};
    char zWhere[1100];
    snprintf(zWhere, sizeof(zWhere), "%s after step %d", zRel, i+1);
    vis_svg_state(&b, &story, i, 1, "s");
    geo_check(b.z, zWhere);
    strbuf_reset(&b);
  }
  vis_story_free(&story);
  load_free(aFile, nFile);
}

/* N6 and L2: at step 6 of limited-maps-elevated-blind.scn the C: of
** \GLOBAL?? and the Z: of {A} are two arrows that must not be taken for
** one; \GLOBAL??'s arrow passes SYSTEM's wider box. */
static void test_arrows_limited(void **ppState){
  (void)ppState;
  arrows_of("scenarios/scopes/limited-maps-elevated-blind.scn");
}

/* A crowded picture: many logon sessions wrapping into rows, the links of
** those whose remembered drive is restored (R1) and of those that are
** not (R4, C12). */
static void test_arrows_crowded(void **ppState){
  (void)ppState;
  arrows_of("scenarios/persistence/no-restore-other-logons.scn");
}

/* Store one scenario of one step, with todo annotations, in a run. */
static void report_run(Store *pStore, const char *zBackends, const char *zLabels,
                       const char *const *azTodo, int nTodo){
  StoreRunInfo info;
  StoreBackendResult aRes[2];
  StoreStep step;
  char zRun[37];
  int i, nSide = strchr(zBackends, ',') ? 2 : 1;
  memset(&info, 0, sizeof(info));
  info.zKind = nSide==2 ? "diff" : "run";
  info.zBackends = zBackends;
  info.zLabels = zLabels;
  info.zCommandLine = "mapscope test";
  info.zMapscopeVersion = "test";
  assert_int_equal(store_run_begin(pStore, &info, zRun), 0);
  assert_int_equal(store_scenario_begin(pStore, "t/todo.scn", "todo", "x", 1), 0);
  memset(aRes, 0, sizeof(aRes));
  aRes[0].zBackend = "sim"; aRes[0].zVerdict = "pass"; aRes[0].zOutput = "ok";
  aRes[1].zBackend = "wine"; aRes[1].zVerdict = "todo"; aRes[1].zOutput = "error 5";
  memset(&step, 0, sizeof(step));
  step.iLine = 7;
  step.zCommand = "as A net use Z: \\\\fs1\\data";
  step.zExpected = "ok";
  step.zComparison = nSide==2 ? "diverge" : NULL;
  step.aResult = aRes;
  step.nResult = nSide;
  assert_int_equal(store_step(pStore, &step), 0);
  for(i=0; i<nTodo; i++){
    StoreTodo todo;
    todo.iPosition = 0;
    todo.zLabels = azTodo[2*i];
    todo.zReason = azTodo[2*i+1];
    assert_int_equal(store_todo(pStore, &todo), 0);
  }
  assert_int_equal(store_scenario_end(pStore, 1), 0);
  assert_int_equal(store_run_end(pStore, 1, 0, 0), 0);
}

/*
** The report lists the todo annotations the newest run met: a sim-only run
** after a Wine diff does not list "todo wine" (Wine never ran), but does
** list one for a label it had ("sim:ci" stored by `run --label ci`) and
** one naming a backend it ran. The heading says what the list is.
*/
static void test_report_todo(void **ppState){
  static const char *const azTodo[] = {
    "wine", "REASON-WINE wine lacks it",
    "wine,windows", "REASON-HOSTS only on hosts",
    "ci", "REASON-CI the label of the run",
    "sim,wine", "REASON-SIM names the model too",
  };
  static const char zHead[] = "<h2 id=\"todo\">todo annotations met in the newest run</h2>";
  char zDb[] = "/tmp/test_visual_reportXXXXXX", zErr[256];
  char *zPage = NULL, *zList, *zEnd;
  size_t nPage = 0;
  Store *pStore = NULL;
  FILE *pOut;
  VisReportOpts opts;
  int fd = mkstemp(zDb);
  (void)ppState;
  assert_true(fd>=0);
  close(fd);
  unlink(zDb);
  assert_int_equal(store_open(zDb, &pStore, zErr, (int)sizeof(zErr)), 0);
  report_run(pStore, "sim,wine", NULL, azTodo, 1);
  report_run(pStore, "sim", "sim:ci", azTodo, 4);
  store_close(pStore);

  memset(&opts, 0, sizeof(opts));
  opts.nLastRuns = 30;
  pOut = open_memstream(&zPage, &nPage);
  assert_non_null(pOut);
  assert_int_equal(vis_html_report(pOut, zDb, &opts, zErr, (int)sizeof(zErr)), 0);
  fclose(pOut);
  unlink(zDb);
  zList = strstr(zPage, "<h2 id=\"todo\">");
  assert_non_null(zList);
  assert_memory_equal(zList, zHead, sizeof(zHead)-1);
  zEnd = strstr(zList, "</ul>");
  assert_non_null(zEnd);
  *zEnd = 0;
  assert_null(strstr(zList, "REASON-WINE"));
  assert_null(strstr(zList, "REASON-HOSTS"));
  assert_non_null(strstr(zList, "REASON-CI"));
  assert_non_null(strstr(zList, "REASON-SIM"));
  assert_non_null(strstr(zEnd+1, "Left out: 2 todo annotations"));
  free(zPage);
}

int main(void){
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_comments),
    cmocka_unit_test(test_outputs),
    cmocka_unit_test(test_changes),
    cmocka_unit_test(test_rules),
    cmocka_unit_test(test_svg),
    cmocka_unit_test(test_arrows_limited),
    cmocka_unit_test(test_arrows_crowded),
    cmocka_unit_test(test_report_todo),
  };
  return cmocka_run_group_tests(aTest, fix_setup, fix_teardown);
}
