/*
** real/agent_journal.h: the undo journal of mapscope-agent.
**
** Every change the agent makes to a host (with --allow-host-changes) is
** recorded here *before* it is made, with what is needed to put it back:
** a registry value and its old contents, a credential it created, an
** account it added, a DOS device name and its old targets, a right it
** granted. At the end of a scenario, and after an error, the journal is
** undone newest first. The journal itself is portable; the host code
** supplies the function that undoes one entry.
**
** Contents: 1. entries  2. recording  3. undoing  4. text form
*/
#ifndef MAPSCOPE_REAL_AGENT_JOURNAL_H
#define MAPSCOPE_REAL_AGENT_JOURNAL_H

#include <stddef.h>

/* ---------------------------------------------------------------- 1 ---- */

typedef enum AgentUndoKind {
  AGENT_UNDO_REGVALUE = 0, /* zKey\zName had zOld (hex of type+data), or was absent */
  AGENT_UNDO_CRED,         /* credential zKey (type zName) did not exist */
  AGENT_UNDO_USER,         /* account zKey was created by the agent */
  AGENT_UNDO_GROUP,        /* account zKey was added to group zName */
  AGENT_UNDO_RIGHT,        /* right zName was granted to account zKey */
  AGENT_UNDO_DOSDEV,       /* device zName as seen by half zKey had targets zOld */
  AGENT_UNDO_NETUSE,       /* half zKey made a connection on letter zName */
  AGENT_UNDO_KIND_COUNT
} AgentUndoKind;

typedef struct AgentUndo AgentUndo;
struct AgentUndo {
  AgentUndoKind eKind;     /* what was touched */
  char *zKey;              /* key path, credential target, account, half */
  char *zName;             /* value name, credential type, group, right, device */
  char *zOld;              /* the old state in text form, NULL if absent */
  int bDone;               /* already undone (never undone twice) */
};

typedef struct AgentJournal AgentJournal;
struct AgentJournal {
  AgentUndo *a;            /* entries, oldest first */
  int n;                   /* entries used */
  int nAlloc;              /* entries allocated */
};

/* ---------------------------------------------------------------- 2 ---- */

/*
** Record a change about to be made. The strings are copied; zOld may be
** NULL (the thing did not exist). Returns 0, or non-zero on allocation
** failure, in which case the caller must not make the change.
*/
int agent_journal_add(AgentJournal *p, AgentUndoKind eKind, const char *zKey,
                      const char *zName, const char *zOld);

/* 1 if an entry of eKind for (zKey, zName) is already recorded (so the
** first old state, the one to restore, is kept). Case-insensitive. */
int agent_journal_has(const AgentJournal *p, AgentUndoKind eKind,
                      const char *zKey, const char *zName);

/* ---------------------------------------------------------------- 3 ---- */

/*
** Undo every entry not yet undone, newest first, calling xUndo for each.
** xUndo returns 0 on success. An entry whose undo fails is still marked
** done (it is not retried) and counted. Returns the number of failures;
** *pnUndone (may be NULL) receives the number of entries attempted.
*/
int agent_journal_undo(AgentJournal *p,
                       int (*xUndo)(void *pCtx, const AgentUndo *pEntry),
                       void *pCtx, int *pnUndone);

/* Free every entry and zero the journal. */
void agent_journal_free(AgentJournal *p);

/* ---------------------------------------------------------------- 4 ---- */

/* The entries not yet undone as text, one per line: `KIND\tKEY\tNAME\tOLD`
** (OLD is `-` when absent); for logs and for docs/tests. Malloc'd. */
char *agent_journal_text(const AgentJournal *p);

/* The word for an undo kind ("regvalue", "cred", ...). */
const char *agent_undo_kind_name(AgentUndoKind e);

#endif /* MAPSCOPE_REAL_AGENT_JOURNAL_H */
