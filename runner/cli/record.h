/*
** runner/cli/record.h: record mode of `mapscope run` (--override,
** --complete, --dry-run): the backend's output becomes the expected block.
**
** The scenario text is edited in place, block by block, so everything
** else stays as written: comments (inside a block too), annotations, blank
** lines, line endings. A block whose lines already equal the output (as
** the runner compares them) is not touched, so a scenario with nothing to
** change stays byte-identical and is not rewritten at all. Left alone:
** steps with a todo for the backend (their divergence is the point), and
** steps that produced no output (skipped, unsupported, error). A file is
** written whole or not at all (a temporary file in the same folder, then
** rename), and only after the edited text parses and yields the recorded
** blocks.
**
** Contents: the recorder's life: record_new, record_scenario, record_finish
*/
#ifndef MAPSCOPE_RUNNER_RECORD_H
#define MAPSCOPE_RUNNER_RECORD_H

#include <stdio.h>

#include "runner/engine/engine.h"
#include "runner/engine/load.h"

typedef enum RecordMode {
  RECORD_NONE = 0,
  RECORD_OVERRIDE,           /* rewrite every block that differs, add missing */
  RECORD_COMPLETE            /* only add the missing blocks */
} RecordMode;

typedef struct Recorder Recorder;

/* A recorder for the nFile scenarios of aFile (not copied: they must
** outlive it), recording side 0 (pOps). bDryRun prints a unified diff on
** record_finish's pOut instead of writing. */
Recorder *record_new(RecordMode eMode, int bDryRun, const BackendOps *pOps,
                     const ScnFile *aFile, int nFile);

/* Take the outputs of one scenario that just ran (its nRec records). */
void record_scenario(Recorder *p, const Scenario *pScn, const StepRecord *aRec,
                     int nRec);

/*
** Write (or with --dry-run, show) every changed scenario, say what was
** done on pOut, report problems on pErr, and free the recorder. Returns
** the exit status: 0, or 2 if a scenario could not be written.
*/
int record_finish(Recorder *p, FILE *pOut, FILE *pErr);

/*
** The edit itself, for tests: the text of a scenario after recording
** anOutput (one per step, NULL to leave that step alone) into zText.
** Returns the new text (malloc'd; equal to zText when nothing changed),
** with *pnChanged the number of blocks changed or added.
*/
char *record_edit_text(RecordMode eMode, const char *zText, size_t nText,
                       const Scenario *pScn, char *const *azOutput,
                       int *pnChanged);

#endif /* MAPSCOPE_RUNNER_RECORD_H */
