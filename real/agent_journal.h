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
**           5. what a journal may hold  6. escaping journal text
*/
#ifndef MAPSCOPE_REAL_AGENT_JOURNAL_H
#define MAPSCOPE_REAL_AGENT_JOURNAL_H

#include <stddef.h>

/* ---------------------------------------------------------------- 1 ---- */

typedef enum AgentUndoKind {
  AGENT_UNDO_REGVALUE = 0, /* zKey\zName had zOld (hex of type+data), or was absent */
  AGENT_UNDO_CRED,         /* credential zKey (type zName) did not exist; zOld
                           ** NULL: in the agent's own vault, else the half
                           ** whose vault it is in */
  AGENT_UNDO_USER,         /* account zKey was created by the agent; zName is
                           ** its SID once known ("" before NetUserAdd) */
  AGENT_UNDO_GROUP,        /* account zKey was added to group zName (unused) */
  AGENT_UNDO_RIGHT,        /* right zName was granted to account zKey */
  AGENT_UNDO_DOSDEV,       /* half zKey defined device zName; zOld "own" when
                           ** that half is the agent's own logon session */
  AGENT_UNDO_NETUSE,       /* half zKey made a connection on letter zName;
                           ** zOld "own" as for DOSDEV. v2: zName may be a
                           ** remote name `\\srv\sh` (a deviceless
                           ** connection) or `*\\srv\sh` (net use *
                           ** before the letter is known) */
  AGENT_UNDO_REGKEY,       /* v2: key zKey (HKU\<SID>\Network\<L>) did not
                           ** exist and the agent created it; zName "" */
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

/* ---------------------------------------------------------------- 5 ---- */

/*
** The only entries a journal read from disk may hold: what this agent
** itself writes (docs/protocol.md, "The state file and recovery"):
**   regvalue  the policy values of `set machine` (Policies\System, v2 also
**             its ConsentPromptBehaviorAdmin and Session Manager ProtectionMode,
**             NetworkProvider\RestoreConnection, Session Manager\
**             LUIDDeviceMapsDisabled), `Session Manager\DOS Devices\X:`,
**             and HKCU `...\Network\Persistent Connections\SaveConnections`;
**             the old value `-` or `TYPE:HEX` (at most 64 KiB)
**   cred      a printable target, type `domain`, owner `-` or a half name
**   user      a valid local account name, with `` or its SID (S-1-5-21-...)
**   right     SeBatchLogonRight or SeServiceLogonRight, for an account the
**             same journal created
**   dosdev, netuse  a half name and a device name (`X:` for netuse; v2
**             also `\\srv\sh` or `*\\srv\sh`, a deviceless connection
**             or one of `net use *` whose letter is not yet known)
**   regvalue (v2) any value of `HKU\<SID>\Network\<L>` (a user's hive:
**             S-1-5-21-... or S-1-5-18, and one drive letter), written by
**             `reg set` / `reg delete` as the acting half
**   regkey (v2) such a key or HKU\<SID>\Network itself, name ``, old `-`:
**             the agent created it
** Returns 0, or 1 with a sentence in zWhy. Comparisons ignore case.
*/
int agent_journal_entry_check(AgentUndoKind eKind, const char *zKey,
                              const char *zName, const char *zOld,
                              char *zWhy, size_t nWhy);

/* v2: 1 if zKey is `HKU\<SID>\Network\<L>` as the agent journals the
** registry steps of the language (a user's hive, one drive letter). */
int agent_journal_is_user_network_key(const char *zKey);

/* The whole journal: every entry passes agent_journal_entry_check and
** every `right` names an account a `user` entry created. 0, or 1 + zWhy. */
int agent_journal_check(const AgentJournal *p, char *zWhy, size_t nWhy);

/* ---------------------------------------------------------------- 6 ---- */

/*
** Journal text is one entry per line with tab-separated fields, and a
** scenario may put any byte in a target or a name. So every field is
** written escaped: `%` and bytes below 0x20 or equal to 0x7f become `%XX`
** (two upper-case hex digits); everything else is copied. Malloc'd; NULL
** when out of memory.
*/
char *agent_journal_escape(const char *z);
/* The inverse, in place. Returns 0, or 1 if z holds a `%` not followed
** by two hex digits, or an escape of the NUL byte. */
int agent_journal_unescape(char *z);

#endif /* MAPSCOPE_REAL_AGENT_JOURNAL_H */
