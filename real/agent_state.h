/*
** real/agent_state.h: the agent's state file (--state FILE) on disk.
**
** The state file holds the undo journal of a running agent (so that the
** next agent can undo what a dead one left) and what `suspend` saves for a
** Wine reboot. This module only moves the text between memory and disk;
** agent_core.c decides what the text says. Two rules make it safe:
**   - a file is read as a journal only if its first line is the magic line
**     and its last line is `end`; anything else (a file that is not ours, a
**     journal cut short) is refused and left untouched for a person;
**   - a file is written to FILE.tmp first and then moved over FILE in one
**     step, so a kill in the middle never leaves a half-written journal.
**
** Contents: 1. the text's frame  2. reading  3. writing
*/
#ifndef MAPSCOPE_REAL_AGENT_STATE_H
#define MAPSCOPE_REAL_AGENT_STATE_H

#include <stddef.h>

/* ---------------------------------------------------------------- 1 ---- */

#define AGENT_STATE_MAGIC "mapscope-agent-state 3"  /* the first line */
#define AGENT_STATE_END   "end"                     /* the last line */

/* ---------------------------------------------------------------- 2 ---- */

typedef enum AgentStateStatus {
  AGENT_STATE_NONE = 0,    /* there is no file at the path */
  AGENT_STATE_OK,          /* a complete journal was read */
  AGENT_STATE_BAD          /* a file is there but is not a complete journal */
} AgentStateStatus;

/*
** Read the state file zPath. Returns AGENT_STATE_OK with the text in
** *pzText (malloc'd, the caller frees it), AGENT_STATE_NONE if no file is
** there, or AGENT_STATE_BAD with a sentence naming the file and the
** problem in zWhy (it cannot be read, is not safe by agent_state_check_safe,
** holds a NUL byte, its first line is not AGENT_STATE_MAGIC, or its last
** line is not AGENT_STATE_END). The file
** is never changed or removed here.
*/
AgentStateStatus agent_state_read(const char *zPath, char **pzText,
                                  char *zWhy, size_t nWhy);

/*
** Is zPath safe to trust as a journal? It must be owned by the agent's
** user or an administrator (Windows: the process user, Administrators,
** SYSTEM or TrustedInstaller, by GetNamedSecurityInfoW; elsewhere the
** effective uid or root), and neither it nor its folder may grant write
** access to anyone else (Windows: no allow ACE, other than inherit-only,
** with write, delete, WRITE_DAC or WRITE_OWNER rights for another
** principal; a NULL DACL fails; elsewhere no group/other write bit, or a
** sticky folder). Returns 0 if safe (or there is no file), else 1 with a
** sentence in zWhy. agent_state_read() calls it.
*/
int agent_state_check_safe(const char *zPath, char *zWhy, size_t nWhy);

/* ---------------------------------------------------------------- 3 ---- */

/*
** Replace zPath with zText atomically: write zPath.tmp, flush it to disk,
** move it over zPath (MoveFileExA with MOVEFILE_REPLACE_EXISTING and
** MOVEFILE_WRITE_THROUGH on Windows, rename() elsewhere). Returns 0, or -1
** with the reason in zWhy; on failure zPath is as it was and zPath.tmp is
** removed.
*/
int agent_state_write(const char *zPath, const char *zText, char *zWhy, size_t nWhy);

#endif /* MAPSCOPE_REAL_AGENT_STATE_H */
