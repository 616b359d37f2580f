/*
** runner/engine/load.h: finding, reading and parsing scenario files.
**
** A PATH argument is a .scn file or a directory (every *.scn below it, in
** sorted order, depth first; names starting with '.' are passed over).
** Every file is parsed before anything runs, so one malformed file stops
** a whole command with FILE:LINE: message and nothing half done.
*/
#ifndef MAPSCOPE_RUNNER_LOAD_H
#define MAPSCOPE_RUNNER_LOAD_H

#include <stddef.h>

#include "lang/scenario.h"

/* One scenario file, read and parsed. */
typedef struct ScnFile ScnFile;
struct ScnFile {
  char *zPath;                 /* path as found (owned) */
  char *zContent;              /* the whole file (owned) */
  size_t nContent;             /* its size in bytes */
  Scenario *pScn;              /* parsed (owned) */
};

/*
** Collect and parse every scenario under the nPath paths. zCmd names the
** subcommand in messages. Every problem is reported on stderr (FILE:LINE:
** message for parse errors); if there is any, returns 2 and nothing. On
** success returns 0 and sets *paFile (free with load_free) and *pnFile.
*/
int load_scenarios(const char *zCmd, char **azPath, int nPath,
                   ScnFile **paFile, int *pnFile);

/* Free what load_scenarios() returned. */
void load_free(ScnFile *aFile, int nFile);

/* Free what one ScnFile holds (and zero it), e.g. one left out of a
** selection; the array itself is still freed by load_free(). */
void load_free_one(ScnFile *pFile);

#endif /* MAPSCOPE_RUNNER_LOAD_H */
