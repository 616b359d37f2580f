/*
** real/agent_luid.h: the LUID placeholder table of mapscope-agent.
**
** A logon-session LUID never appears in canonical output as a number: it
** prints as `{name}`, the name of the logon half that owns it (language:
** "LUID placeholders"). The agent records, for each half it creates or
** binds, which LUID the host reported, and rewrites host strings with the
** table. A LUID the host cannot tell apart (0, which Wine reports for
** every token, or one claimed by two different halves) prints `{?}`, so
** the output never claims a distinction the host did not make.
**
** Contents: 1. the table  2. lookups  3. rewriting host strings
*/
#ifndef MAPSCOPE_REAL_AGENT_LUID_H
#define MAPSCOPE_REAL_AGENT_LUID_H

#include <stddef.h>
#include <stdint.h>

#define AGENT_LUID_SYSTEM 0x3e7ULL  /* SYSTEM's logon session */
#define AGENT_LUID_MAX 64           /* halves one scenario can name */
#define AGENT_LUID_NAME 64          /* longest half name, with NUL */

/* ---------------------------------------------------------------- 1 ---- */

typedef struct AgentLuidEntry AgentLuidEntry;
struct AgentLuidEntry {
  uint64_t luid;                 /* HighPart<<32 | LowPart */
  char zName[AGENT_LUID_NAME];   /* half name: "A", "A.limited", "SYSTEM" */
  int bAmbiguous;                /* two different halves reported this LUID */
};

typedef struct AgentLuidTable AgentLuidTable;
struct AgentLuidTable {
  AgentLuidEntry a[AGENT_LUID_MAX]; /* the entries, in binding order */
  int n;                          /* entries used */
};

/* Empty the table and bind SYSTEM's LUID to "SYSTEM". */
void agent_luid_init(AgentLuidTable *p);

/*
** Record that half zName has LUID luid. LUID 0 is never recorded (it means
** "unknown"). Binding a LUID already bound to another name marks it
** ambiguous; binding a name again moves it to the new LUID. Returns 0, or
** non-zero if the table is full or zName too long.
*/
int agent_luid_bind(AgentLuidTable *p, uint64_t luid, const char *zName);

/* ---------------------------------------------------------------- 2 ---- */

/* Write "{name}" for luid into zBuf, or "{?}" if the LUID is 0, unknown or
** ambiguous. */
void agent_luid_placeholder(const AgentLuidTable *p, uint64_t luid,
                            char *zBuf, size_t nBuf);

/* Find the LUID of half zName (case-sensitive). Returns 0 and sets *pLuid,
** or non-zero if the name is unbound or its LUID is ambiguous. */
int agent_luid_of_name(const AgentLuidTable *p, const char *zName,
                       uint64_t *pLuid);

/* ---------------------------------------------------------------- 3 ---- */

/*
** Rewrite a host string into canonical form in a new malloc'd string:
** `;X:` followed by 16 hex digits becomes `;X:{name}`, and a path
** component of the form %08x-%08x after `DosDevices\` becomes `{name}`.
** Returns NULL on allocation failure.
*/
char *agent_luid_to_placeholders(const AgentLuidTable *p, const char *zIn);

/*
** The reverse, for `define` and `bootdevice` targets: each `{name}` is
** replaced by 16 hex digits (after `;X:`) or by %08x-%08x (elsewhere).
** Returns 0 and a malloc'd string in *pzOut, or non-zero when a
** placeholder names no known LUID (*pzOut NULL; the step is unsupported).
*/
int agent_luid_from_placeholders(const AgentLuidTable *p, const char *zIn,
                                 char **pzOut);

#endif /* MAPSCOPE_REAL_AGENT_LUID_H */
