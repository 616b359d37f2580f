/*
** runner/visual/story.h: a scenario told by the model, step by step, as
** data: what `mapscope explain` prints and draws.
**
** For every step: the scenario's own comments before it (the parser drops
** comments, so they are read from the file text by line numbers), the
** command (passwords redacted), the model's output and what the scenario
** expects, the rule IDs the model marked while doing it (xRulesFired), and
** the state after it (a VisSnap), which the previous step's state is
** compared with.
**
** Contents: 1. the story  2. telling it
*/
#ifndef MAPSCOPE_RUNNER_VISUAL_STORY_H
#define MAPSCOPE_RUNNER_VISUAL_STORY_H

#include "runner/engine/load.h"
#include "runner/visual/snapshot.h"

/* ---------------------------------------------------------------- 1 ---- */

typedef enum VisStepState {
  VIS_STEP_RAN = 0,          /* the model did it; zOutput holds the output */
  VIS_STEP_SKIPPED,          /* an onlyif/skipif keeps it off the model */
  VIS_STEP_NOT_DONE,         /* unsupported or a harness error: zOutput why */
  VIS_STEP_NOT_REACHED       /* an earlier step left the model unusable */
} VisStepState;

typedef struct VisStep VisStep;
struct VisStep {
  int iLine;                 /* source line of the step */
  char *zCommand;            /* canonical text, passwords as *** */
  char **azComment; int nComment; /* comment lines before it, '#' dropped */
  VisStepState eState;
  char *zOutput;             /* the output, or why there is none */
  char *zExpected;           /* the expected block, NULL if none */
  int bMatch;                /* output equals zExpected (1 if no block) */
  char *zRules;              /* rule IDs the model marked, "" if none */
  char *zTool;               /* a tool step's actions (T1, one per line;
                             ** backend_sim_tool_record), NULL if none */
  VisSnap snap;              /* the state after the step */
};

typedef struct VisStory VisStory;
struct VisStory {
  const Scenario *pScn;      /* the scenario (not owned) */
  const char *zPath;         /* its file (not owned) */
  char *zTitle;              /* the title, passwords shown as *** */
  char **azSource; int nSource;/* source lines, passwords shown as *** */
  char **azIntro; int nIntro;/* comments before the first step's own
                             ** (every comment: passwords shown as ***) */
  char **azWorld; int nWorld;/* world lines (machine, users, shares; redacted) */
  VisSnap start;             /* the state before the first step */
  VisStep *aStep; int nStep;
  int nMismatch;             /* steps whose output is not the expected */
};

/* ---------------------------------------------------------------- 2 ---- */

/* Run pFile's scenario on the model and fill *pStory. Returns 0, or
** non-zero with a one-line reason in *pzErr (malloc'd). */
int vis_story_tell(const ScnFile *pFile, VisStory *pStory, char **pzErr);
void vis_story_free(VisStory *pStory);

/* The snapshot a step is compared with: the previous step's or the start. */
const VisSnap *vis_story_before(const VisStory *pStory, int iStep);

#endif /* MAPSCOPE_RUNNER_VISUAL_STORY_H */
