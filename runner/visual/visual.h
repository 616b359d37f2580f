/*
** runner/visual/visual.h: pictures and pages, written from a VisStory (the
** explain page and its SVGs) or from the results store (the report page).
**
** Everything written here is self-contained (no network, no external file:
** styles and scripts are inline) and deterministic: the same input gives
** the same bytes, so pictures can be checked in and diffed.
**
** Contents: 1. SVG pictures of the state  2. the explain page
**           3. the results page
*/
#ifndef MAPSCOPE_RUNNER_VISUAL_H
#define MAPSCOPE_RUNNER_VISUAL_H

#include <stdio.h>

#include "runner/util/strbuf.h"
#include "runner/visual/story.h"

/* ---------------------------------------------------------------- 1 ---- */

/*
** Append an <svg> drawing of the state after step iStep (-1: at the start)
** the way WinObj shows the object namespace: \GLOBAL??, one
** \Sessions\0\DosDevices\{X} directory per logon session (linked halves
** side by side, joined), links as arrows to their targets, each session's
** connections and credential sets, each account's HKCU\Network and vault.
** What changed since the step before is highlighted (and said in the
** <desc>). bStandalone adds the XML namespace declaration for a file of
** its own. zId prefixes element ids.
*/
void vis_svg_state(StrBuf *pOut, const VisStory *pStory, int iStep,
                   int bStandalone, const char *zId);

/* ---------------------------------------------------------------- 2 ---- */

/*
** Write the explain page of pStory to pOut. zRulesUrl is the address of
** docs/rules.md that rule links point into; the anchor is the rule ID in
** lower case, the id Markdown renderers (GitHub, pandoc) give a heading
** `### C5` (rule C5 -> zRulesUrl#c5).
*/
void vis_html_explain(FILE *pOut, const VisStory *pStory, const char *zRulesUrl);

/* ---------------------------------------------------------------- 3 ---- */

/* Options of the results page. */
typedef struct VisReportOpts VisReportOpts;
struct VisReportOpts {
  int nLastRuns;             /* newest runs drawn as matrix columns (0 all) */
  const char *zTitle;        /* page title, or NULL */
};

/* Write the results page for the store at zDb to pOut. Returns 0, or
** non-zero with a one-line reason in zErr. */
int vis_html_report(FILE *pOut, const char *zDb, const VisReportOpts *pOpts,
                    char *zErr, int nErr);

#endif /* MAPSCOPE_RUNNER_VISUAL_H */
