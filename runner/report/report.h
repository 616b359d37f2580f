/*
** runner/report/report.h: the report writers of `mapscope run`, `diff` and
** `results export`, and the one counting rule they share.
**
** Every writer sees a step on one backend as a ReportCase, whether it comes
** from a run in progress (the Reporter of engine.h, built in report.c) or
** from the results store (`results export`): so TAP and JUnit are written
** once (tap.c, junit.c) and the two commands cannot drift apart.
**
** The counting rule (docs/scenarios.md, "Counting"): each step on each
** backend counts once, as
**   passed    pass (its output matched the expected block, or in a diff the
**             model's output), todo (a known divergence, explained)
**   failed    fail, fixed (a todo that no longer diverges), error
**   skipped   skip (onlyif/skipif), unsupported, and unchecked: a step that
**             ran but had nothing to compare with (no expected block, and in
**             a diff no model output); the summary names how many of the
**             skipped were unchecked
** Text, TAP (todo is `not ok # TODO`, which TAP consumers count as passed;
** skipped is `ok # SKIP`), JUnit (skipped is <skipped/>) and the store's run
** totals all follow it.
**
** Contents: 1. cases and counting  2. TAP  3. JUnit  4. the run's reporters
*/
#ifndef MAPSCOPE_RUNNER_REPORT_H
#define MAPSCOPE_RUNNER_REPORT_H

#include <stdio.h>

#include "runner/engine/engine.h"
#include "runner/util/strbuf.h"

/* ---------------------------------------------------------------- 1 ---- */

/* One step on one backend, as every writer sees it. */
typedef struct ReportCase ReportCase;
struct ReportCase {
  const char *zFile;        /* the scenario's path */
  int iLine;                /* the step's line */
  const char *zBackend;     /* "sim", "wine", "windows" */
  const char *zCommand;     /* the step, redacted */
  Verdict eVerdict;         /* its verdict */
  int bUnchecked;           /* a pass with nothing to compare with */
  const char *zExpected;    /* what it was checked against, or NULL */
  const char *zActual;      /* what it printed, or NULL */
  const char *zReason;      /* todo: the todo's reason; unsupported and
                            ** error: the backend's reason; else NULL */
  double rSeconds;          /* how long it took */
};

typedef enum ReportCount {
  REPORT_PASSED = 0, REPORT_FAILED, REPORT_SKIPPED, REPORT_NCOUNT
} ReportCount;

/* Where a case counts under the counting rule. */
ReportCount report_count_of(Verdict e, int bUnchecked);

/* Verdict from its name ("pass", ...); VERDICT_ERROR for an unknown name. */
Verdict report_verdict_from_name(const char *zName);

/* Totals under the counting rule. */
typedef struct ReportTally ReportTally;
struct ReportTally {
  int anCount[REPORT_NCOUNT]; /* passed, failed, skipped */
  int nUnchecked;             /* of the skipped, how many were unchecked */
};
void report_tally(const Totals *pTotals, ReportTally *pTally);

/* The closing line: "N passed, N failed, N skipped[ (N unchecked: no
** expected block)]\n", appended to pOut. */
void report_summary_line(StrBuf *pOut, const ReportTally *pTally);

/* The topic of a scenario: the name of the folder it is in ("tokens" for
** scenarios/tokens/x.scn; "." for a file without a folder). Written into
** zBuf of nBuf bytes, which is returned. */
const char *report_topic(const char *zFile, char *zBuf, int nBuf);

/* ---------------------------------------------------------------- 2 ---- */

/*
** TAP version 13, flat: one test point per step and backend, the plan at
** the end (so a run stopped early still has a correct plan). Accepted by
** Perl's prove (TAP::Parser) and node's tap-parser.
*/
typedef struct TapWriter TapWriter;
struct TapWriter {
  FILE *pOut;               /* where it goes */
  int nPoint;               /* test points written */
};
void tap_begin(TapWriter *p, FILE *pOut);
/* A comment line "# TEXT" (newlines become blanks). */
void tap_comment(TapWriter *p, const char *zText);
void tap_case(TapWriter *p, const ReportCase *pCase);
/* The plan of the points written; zStopped non-NULL first says as a
** comment why the run stopped early (-x). */
void tap_end(TapWriter *p, const char *zStopped);

/* ---------------------------------------------------------------- 3 ---- */

/*
** JUnit XML that the Jenkins xunit schema (junit-10) accepts: <testsuites>
** (name, tests, failures, errors, time) of <testsuite> per scenario (name
** and file = the path) of <testcase> per step and backend, with classname
** = the topic folder, file and line. The whole document is buffered: the
** root element carries the totals.
*/
typedef struct JunitWriter JunitWriter;
struct JunitWriter {
  StrBuf suites;            /* finished <testsuite> elements */
  StrBuf cases;             /* the open suite's <testcase> elements */
  StrBuf notes;             /* the open suite's <system-err> text */
  StrBuf props;             /* the open suite's <property> elements */
  char *zSuite;             /* the open suite's path (owned) */
  int anSuite[4];           /* open suite: tests, failures, errors, skipped */
  double rSuite;            /* open suite: seconds */
  int anAll[4];             /* all suites: the same */
  double rAll;              /* all suites: seconds */
};
void junit_suite_begin(JunitWriter *p, const char *zFile);
void junit_suite_property(JunitWriter *p, const char *zName, const char *zValue);
void junit_suite_note(JunitWriter *p, const char *zText);
void junit_case(JunitWriter *p, const ReportCase *pCase);
void junit_suite_end(JunitWriter *p);
/* Write the document to pOut and free what the writer holds. */
void junit_finish(JunitWriter *p, FILE *pOut, const char *zName);

/* ---------------------------------------------------------------- 4 ---- */

/* The run's reporters (reporter_new() in engine.h) take these settings
** after construction. */
void reporter_set_color(Reporter *p, int bColor);
/* The run stopped early on purpose (-x): the reports say zWhy. */
void reporter_set_stopped(Reporter *p, const char *zWhy);

/* A step record's side as a case (pointers into pRec). */
void report_case_from_record(ReportCase *pCase, const StepRecord *pRec, int s);

#endif /* MAPSCOPE_RUNNER_REPORT_H */
