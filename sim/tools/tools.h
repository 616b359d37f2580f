/*
** sim/tools/tools.h: tool profiles, what a tool does in terms of the
** model's operations (SEMANTICS "Tool profiles (v2)", T1-T8).
**
** People do not call WNetAddConnection2 themselves: they run Ansible's
** win_mapped_drive, New-PSDrive, a Group Policy drive map. A profile says
** which operations of the model such a tool performs, in which order and
** as which token, so that every rule of the model applies to each (T1).
** Each profile is one small file in this folder that names the tool's
** source it mirrors; the registry (tools.c) lists them. Adding a profile
** is a new file plus one row of the registry: the backend passes a tool
** step's keys as text (SimToolArg), so neither the engine nor the backend
** changes (the language only learns the profile's name and keys).
**
** A run records what it did, one line per action, so `mapscope explain`
** can show it: each operation with its arguments (passwords as ***), the
** token it ran as and its result, and `why:` lines saying which branch of
** the tool's own logic was taken (T2).
**
** Contents:
**   1. A call: arguments, caller, result, the record of actions
**   2. The registry of profiles
**   3. Running a profile
*/
#ifndef MAPSCOPE_SIM_TOOLS_TOOLS_H
#define MAPSCOPE_SIM_TOOLS_TOOLS_H

#include <stddef.h>
#include "sim/sim.h"

/* ---------------------------------------------------------------- 1 ---- */

/* One key=value of a tool step, as the language names the key ("letter",
** "path", ...). zValue is NULL for a flag (persist, persistent,
** save-credentials). Drive letters come as "Z:" or "Z". */
typedef struct SimToolArg SimToolArg;
struct SimToolArg {
  const char *zKey;          /* key name, lower case */
  const char *zValue;        /* its value, NULL for a flag */
};

typedef struct SimToolCall SimToolCall;
struct SimToolCall {
  /* In */
  SimMachine *pM;            /* the machine */
  SimLuid token;             /* the caller's half: the tool's process runs
                             ** with it (T1) */
  const SimToolArg *aArg;    /* the step's keys, in the order written */
  int nArg;                  /* entries in aArg */
  /* Optional: write the name of a token into zBuf ("{A.limited}"), for
  ** the record; without it a token prints as its LUID in hex. */
  void (*xTokenName)(void *pCtx, SimLuid luid, char *zBuf, size_t nBuf);
  void *pNameCtx;            /* passed to xTokenName */

  /* Out (sim_tool_run fills them) */
  int rc;                    /* 0, or the Win32 error of the first failing
                             ** operation */
  const char *zToolError;    /* a failure the tool decides itself
                             ** ("letter-in-use"; static), or NULL */
  char *zRecord;             /* the actions, '\n'-separated lines, no
                             ** trailing newline (malloc'd; NULL if none);
                             ** free with sim_tool_call_clear() */
  size_t nRecord;            /* bytes in zRecord */
  size_t nRecordAlloc;       /* bytes allocated */
  int bRecordLost;           /* a line could not be recorded (no memory) */
};

/* Free the record of a call and zero its Out fields. */
void sim_tool_call_clear(SimToolCall *pCall);

/* ---------------------------------------------------------------- 2 ---- */

typedef struct SimToolProfile SimToolProfile;
struct SimToolProfile {
  const char *zName;         /* as the language spells it:
                             ** "ansible.win_mapped_drive" */
  const char *zFamily;       /* the tool family `mapscope tools` groups by */
  SimRule eRule;             /* its rule of SEMANTICS (SIM_RULE_T2...) */
  const char *zKeys;         /* the keys, as SCENARIO-LANGUAGE writes them */
  const char *zSource;       /* what it mirrors: repository, file, version */
  const char *zSummary;      /* one line: what it does in the model's terms */
  /* Perform the tool: fill pCall->rc or pCall->zToolError and record the
  ** actions. Returns nothing; sim_tool_run() does the marking. */
  void (*xRun)(SimToolCall *pCall);
};

/* The number of profiles, and the i-th (0-based, in SEMANTICS order). */
int sim_tool_count(void);
const SimToolProfile *sim_tool_at(int i);

/* The profile called zName (case-insensitive), or NULL. */
const SimToolProfile *sim_tool_find(const char *zName);

/* ---------------------------------------------------------------- 3 ---- */

/*
** Run profile pTool for pCall (T1): marks T1 and the profile's rule, then
** performs its actions; each operation marks its own rules. Returns 0 when
** the tool succeeded, else pCall->rc (a Win32 error) or, for a failure the
** tool decides, -1 with pCall->zToolError set. The record is in
** pCall->zRecord either way; call sim_tool_call_clear() afterwards.
*/
int sim_tool_run(const SimToolProfile *pTool, SimToolCall *pCall);

#endif /* MAPSCOPE_SIM_TOOLS_TOOLS_H */
