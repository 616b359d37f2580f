/*
** runner/engine/verdict.h: how a step's result becomes a verdict.
**
** Pure functions over a parsed step, the labels a backend answers to, and
** what the backend produced. No I/O, so every rule of the Verdicts section
** of the language can be unit-tested on its own.
**
** Contents: 1. verdicts and comparisons  2. labels  3. deciding
*/
#ifndef MAPSCOPE_RUNNER_VERDICT_H
#define MAPSCOPE_RUNNER_VERDICT_H

#include "lang/scenario.h"
#include "runner/backends/backend.h"

/* ---------------------------------------------------------------- 1 ---- */

typedef enum Verdict {
  VERDICT_PASS = 0,     /* output matched the reference, or nothing to check */
  VERDICT_FAIL,         /* output differed from the reference */
  VERDICT_TODO,         /* differed, and a todo for this backend says why */
  VERDICT_FIXED,        /* matched although a todo says it should not */
  VERDICT_SKIP,         /* onlyif/skipif kept the step off this backend */
  VERDICT_UNSUPPORTED,  /* the backend cannot do the step faithfully */
  VERDICT_ERROR,        /* the harness or agent failed */
  VERDICT_COUNT
} Verdict;

/* Between two backends that both ran a step. */
typedef enum Comparison {
  COMPARE_NONE = 0,     /* single-backend run */
  COMPARE_AGREE,        /* same canonical output */
  COMPARE_DIVERGE,      /* different canonical output */
  COMPARE_UNSUPPORTED,  /* a side could not do it: nothing to compare */
  COMPARE_SKIP,         /* a side skipped it by annotation */
  COMPARE_ERROR,        /* a side failed as a harness */
  COMPARE_AFTER_DIVERGENCE, /* both ran, but the state the step reads had
                        ** already diverged (evidence.h): no evidence either
                        ** way, whatever the outputs */
  COMPARE_COUNT
} Comparison;

/* "pass", "fail", ... and "agree", "diverge", ... */
const char *verdict_name(Verdict e);
const char *comparison_name(Comparison e);

/* Does the verdict count as passed, failed or skipped in the closing line
** "N passed, N failed, N skipped"? todo counts as passed (a known,
** explained divergence); fixed and error count as failed; unsupported
** counts as skipped. */
typedef enum Tally { TALLY_PASSED, TALLY_FAILED, TALLY_SKIPPED } Tally;
Tally verdict_tally(Verdict e);

/* ---------------------------------------------------------------- 2 ---- */

/*
** The labels one backend answers to: its name, the --label values given
** for it, and labels the backend implies (the wine backend adds wine<major>
** from the Wine version its agent reports). A version label carries its
** family: adding `wine9` also adds `wine`, so `todo wine` matches every
** Wine version and `todo wine9` only Wine 9 (docs/evidence.md, Labels).
*/
#define LABELSET_MAX 24
typedef struct LabelSet LabelSet;
struct LabelSet {
  const char *azLabel[LABELSET_MAX]; /* labels (not owned) */
  int nLabel;              /* entries used */
};

/* 1 if zLabel (any case) is in the set. */
int labelset_has(const LabelSet *pSet, const char *zLabel);

/* Add zLabel (kept by pointer: it must outlive the set), and the family it
** carries (`wine` for `wine<digits>`). A label already there is not added
** twice. Returns 0, or 1 if the set is full. */
int labelset_add(LabelSet *pSet, const char *zLabel);

/* ---------------------------------------------------------------- 3 ---- */

/* 1 if onlyif/skipif annotations keep this step off a backend. */
int verdict_step_skipped(const ScnStep *pStep, const LabelSet *pLabels);

/* The first todo annotation naming one of the labels, or NULL. */
const ScnTodo *verdict_step_todo(const ScnStep *pStep, const LabelSet *pLabels);

/*
** The verdict of a step that was not skipped. zReference is the text the
** output must equal (the expected block, or in a differential run the
** model's output when the step has no block); NULL means there is nothing
** to check, so a step that ran passes. A todo for the backend turns a
** mismatch into TODO and a match into FIXED.
*/
Verdict verdict_decide(const ScnStep *pStep, const LabelSet *pLabels,
                       const StepResult *pRes, const char *zReference);

/* The comparison of two sides of a differential step. */
Comparison verdict_compare(Verdict eA, const StepResult *pA,
                           Verdict eB, const StepResult *pB);

#endif /* MAPSCOPE_RUNNER_VERDICT_H */
