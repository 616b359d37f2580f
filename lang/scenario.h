/*
** lang/scenario.h: the parsed form of a scenario (.scn) file.
**
** A Scenario is what the parser hands every backend: a header, a world
** and a list of steps. Nothing here depends on a backend; the same
** structures are built by the runner (Linux) and by mapscope-agent.exe
** (mingw-w64), so this module uses the C standard library only.
**
** Contents:
**   1. Small enums: policies, account kinds, logon types, halves, commands
**   2. The world: machine settings, users, shares
**   3. Steps: annotations, the command and its arguments, expected lines
**   4. The scenario and the parser entry points
**   5. Canonical helpers shared by every backend (error symbols, output
**      comparison, step re-serialisation with secrets redacted)
**
** Ownership: scn_parse_text() returns a Scenario that owns every string
** and array below it, all taken from one arena (a chain of blocks, see
** pArena); scn_free() releases all of it at once. Do not free, realloc or
** replace a field of a parsed scenario on its own. A step from
** scn_parse_step_line(), or one a caller builds itself, has no arena: its
** fields are malloc'd and scn_step_clear() frees them.
*/
#ifndef MAPSCOPE_LANG_SCENARIO_H
#define MAPSCOPE_LANG_SCENARIO_H

#include <stddef.h>

struct ScnArena;   /* lang-internal allocator (lang/lex.h) */

/* ---------------------------------------------------------------- 1 ---- */

/* Machine settings of the `machine` line and of `set machine`. */
typedef enum ScnPolicy {
  SCN_POL_UAC = 0,                  /* uac: EnableLUA */
  SCN_POL_FILTER_ADMIN_TOKEN,       /* filter-admin-token */
  SCN_POL_LOCAL_ACCOUNT_TOKEN_FILTER, /* local-account-token-filter */
  SCN_POL_LINKED_CONNECTIONS,       /* linked-connections */
  SCN_POL_RESTORE_CONNECTIONS,      /* restore-connections */
  SCN_POL_LUID_MAPS,                /* luid-maps */
  SCN_POL_PROTECTION_MODE,          /* protection-mode: ProtectionMode (v2, default on) */
  SCN_POL_CONSENT_CREDENTIALS,      /* consent-prompt: bOn 0 = consent (the default),
                                    ** 1 = credentials (ConsentPromptBehaviorAdmin, v2) */
  SCN_POL_COUNT
} ScnPolicy;

typedef enum ScnAccountKind {
  SCN_ACCOUNT_STANDARD = 0,
  SCN_ACCOUNT_ADMIN,
  SCN_ACCOUNT_BUILTIN_ADMIN
} ScnAccountKind;

typedef enum ScnLogonType {
  SCN_LOGON_INTERACTIVE = 0,
  SCN_LOGON_RDP,
  SCN_LOGON_RUNAS,
  SCN_LOGON_BATCH,
  SCN_LOGON_SERVICE,
  SCN_LOGON_NETWORK,
  SCN_LOGON_WINRM,
  SCN_LOGON_CREDSSP,
  SCN_LOGON_BECOME,
  SCN_LOGON_CURRENT,
  SCN_LOGON_SSH,        /* v2 ssh: network-cleartext (L11) */
  SCN_LOGON_NETONLY,    /* v2 netonly from=<who>: runas /netonly (L12); zFrom */
  SCN_LOGON_TASK,       /* v2 task from=<S2>: a task in S2's logon (L13); zFrom.
                        ** (`batch s4u` is SCN_LOGON_BATCH with bS4u set) */
  SCN_LOGON_ELEVATE,    /* v2 elevate from=<S2>: "Run as administrator" (L14) */
  SCN_LOGON_COUNT
} ScnLogonType;

/* Which token `as <who>` names. */
typedef enum ScnHalf {
  SCN_HALF_BARE = 0,   /* `as A`: the half the logon hands to the process */
  SCN_HALF_LIMITED,    /* `as A.limited` */
  SCN_HALF_ELEVATED,   /* `as A.elevated` */
  SCN_HALF_SYSTEM      /* `as SYSTEM` (zSession is NULL) */
} ScnHalf;

typedef enum ScnStepKind {
  SCN_STEP_LOGON = 0,
  SCN_STEP_LOGOFF,
  SCN_STEP_REBOOT,
  SCN_STEP_SET,
  SCN_STEP_BOOTDEVICE,
  SCN_STEP_AS
} ScnStepKind;

/* The command after `as <who>`. */
typedef enum ScnCmd {
  SCN_CMD_NONE = 0,
  SCN_CMD_NET_USE_LIST,        /* net use */
  SCN_CMD_NET_USE_ADD,         /* net use L: \\s\sh [/user:u [pw]] [/persistent:x] */
  SCN_CMD_NET_USE_DELETE,      /* net use L: /delete */
  SCN_CMD_NET_USE_DELETE_ALL,  /* net use * /delete */
  SCN_CMD_NET_USE_PERSISTENT,  /* net use /persistent:yes|no */
  SCN_CMD_CMDKEY_ADD,          /* cmdkey /add:T /user:U /pass:P */
  SCN_CMD_CMDKEY_DELETE,       /* cmdkey /delete:T */
  SCN_CMD_CMDKEY_LIST,         /* cmdkey /list */
  SCN_CMD_DEFINE,              /* define NAME TARGET [raw] */
  SCN_CMD_UNDEFINE,            /* undefine NAME [TARGET] [exact] [raw] */
  SCN_CMD_QUERY,               /* query NAME */
  SCN_CMD_WNET_ADD,            /* wnet add L: \\s\sh [user=] [password=] [update-profile] [temporary] */
  SCN_CMD_WNET_CANCEL,         /* wnet cancel L: [update-profile] [force] */
  SCN_CMD_WNET_GET,            /* wnet get L: */
  SCN_CMD_WNET_ENUM,           /* wnet enum connected|remembered */
  SCN_CMD_DRIVES,              /* drives */
  SCN_CMD_TOKEN,               /* token */
  SCN_CMD_PERSISTED,           /* persisted */
  SCN_CMD_DIR,                 /* dir PATH */
  /* Version 2. A deviceless or automatic-letter form has its own value
  ** (cLetter is 0 in it) so that a backend that does not know it falls to
  ** its default case instead of connecting a letter 0. */
  SCN_CMD_NET_USE_AUTO,        /* net use * \\s\sh [/user:u [pw]] [/persistent:x] (C15);
                               ** prints `ok <L:>` */
  SCN_CMD_NET_USE_DEVICELESS,  /* net use \\s\sh [/user:u [pw]] (C14) */
  SCN_CMD_NET_USE_DELETE_REMOTE, /* net use \\s\sh /delete (C14) */
  SCN_CMD_WNET_ADD_DEVICELESS, /* wnet add \\s\sh [user=] [password=] (C14) */
  SCN_CMD_WNET_CANCEL_REMOTE,  /* wnet cancel \\s\sh [force] (C14) */
  SCN_CMD_REG_SET,             /* reg set HKCU\Network\L VALUE DATA|dword:N (R6) */
  SCN_CMD_REG_DELETE,          /* reg delete HKCU\Network\L [VALUE] (R6) */
  SCN_CMD_TOOL,                /* tool PROFILE key=value ... (T1-T8) */
  SCN_CMD_COUNT
} ScnCmd;

/* The registry value type of `reg set` (v2). */
typedef enum ScnRegType {
  SCN_REG_NONE = 0,            /* not a reg set step */
  SCN_REG_SZ,                  /* data as written: zRegData */
  SCN_REG_DWORD                /* dword:N: uRegDword */
} ScnRegType;

/* Tool profiles of `tool <profile>` (v2, SEMANTICS T2-T7). */
typedef enum ScnTool {
  SCN_TOOL_NONE = 0,
  SCN_TOOL_ANSIBLE_MAPPED_DRIVE,  /* ansible.win_mapped_drive (T2) */
  SCN_TOOL_ANSIBLE_CREDENTIAL,    /* ansible.win_credential (T3) */
  SCN_TOOL_PS_NEW_PSDRIVE,        /* ps.New-PSDrive (T4) */
  SCN_TOOL_PS_REMOVE_PSDRIVE,     /* ps.Remove-PSDrive (T4) */
  SCN_TOOL_PS_NEW_SMBMAPPING,     /* ps.New-SmbMapping (T5) */
  SCN_TOOL_PS_REMOVE_SMBMAPPING,  /* ps.Remove-SmbMapping (T5) */
  SCN_TOOL_NETAPI_NETUSEADD,      /* netapi.NetUseAdd (T6) */
  SCN_TOOL_NETAPI_NETUSEDEL,      /* netapi.NetUseDel (T6) */
  SCN_TOOL_GPP_DRIVE_MAP,         /* gpp.drive-map (T7) */
  SCN_TOOL_COUNT
} ScnTool;

/* The keys of a tool step. One key name may mean different things in two
** profiles (persistent is a flag of ps.New-SmbMapping and 0|1 in
** gpp.drive-map); each profile accepts only its own (docs/language.md). */
typedef enum ScnToolKey {
  SCN_TKEY_STATE = 0,          /* state=present|absent (ansible) */
  SCN_TKEY_ACTION,             /* action=create|replace|update|delete (gpp) */
  SCN_TKEY_LETTER,             /* letter=<L:> (ansible.win_mapped_drive, gpp) */
  SCN_TKEY_NAME,               /* name=<L> (ps.*-PSDrive), name=<target> (win_credential) */
  SCN_TKEY_LOCAL,              /* local=<L:> (SmbMapping, netapi) */
  SCN_TKEY_PATH,               /* path=<unc> (ansible.win_mapped_drive, gpp) */
  SCN_TKEY_ROOT,               /* root=<unc> (ps.New-PSDrive) */
  SCN_TKEY_REMOTE,             /* remote=<unc> (SmbMapping, netapi) */
  SCN_TKEY_USERNAME,           /* username=<u> (ansible) */
  SCN_TKEY_USER,               /* user=<u> (ps, netapi, gpp) */
  SCN_TKEY_PASSWORD,           /* password=<pw> (a secret) */
  SCN_TKEY_SECRET,             /* secret=<pw> (win_credential; a secret) */
  SCN_TKEY_PERSIST,            /* persist, a flag (ps.New-PSDrive) */
  SCN_TKEY_PERSISTENT,         /* persistent, a flag (SmbMapping); persistent=0|1 (gpp) */
  SCN_TKEY_SAVE_CREDENTIALS,   /* save-credentials, a flag (ps.New-SmbMapping) */
  SCN_TKEY_COUNT
} ScnToolKey;

/* The state= or action= of a tool step (iToolAction). */
typedef enum ScnToolAction {
  SCN_TACT_NONE = 0,           /* the profile has no state= or action= */
  SCN_TACT_PRESENT,            /* state=present */
  SCN_TACT_ABSENT,             /* state=absent */
  SCN_TACT_CREATE,             /* action=create */
  SCN_TACT_REPLACE,            /* action=replace */
  SCN_TACT_UPDATE,             /* action=update */
  SCN_TACT_DELETE              /* action=delete */
} ScnToolAction;

/* ---------------------------------------------------------------- 2 ---- */

/* One key=value of a `machine` or `set machine` line. */
typedef struct ScnSetting ScnSetting;
struct ScnSetting {
  ScnPolicy ePolicy;   /* which policy */
  int bOn;             /* its new value (consent-prompt: 1 = credentials) */
};

typedef struct ScnMachine ScnMachine;
struct ScnMachine {
  int abPolicy[SCN_POL_COUNT]; /* effective start values, defaults applied */
  unsigned mDisks;     /* fixed disks: bit i set = letter 'A'+i; default C: */
  int iLine;           /* line of the `machine` statement, 0 if none */
};

typedef struct ScnUser ScnUser;
struct ScnUser {
  char *zName;         /* account name as written */
  ScnAccountKind eKind;
  int bDomain;         /* 1 for a domain account */
  char *zPassword;     /* the account's password (a secret) */
  int iLine;           /* source line */
};

typedef struct ScnShare ScnShare;
struct ScnShare {
  char *zUnc;          /* \\server\share as written */
  char *zServer;       /* server part, as written */
  char *zShare;        /* share part, as written */
  int bEveryone;       /* grant=everyone (the default) */
  char **azGrant;      /* granted account names when !bEveryone */
  int nGrant;          /* entries in azGrant */
  int bAnonymous;      /* anonymous callers admitted */
  char **azAlias;      /* v2 alias=: other names of this share's server, as
                       ** written (C16); they hold for every share of the
                       ** server, see scn_server_aliases() */
  int nAlias;          /* entries in azAlias */
  int iLine;           /* source line */
};

/* ---------------------------------------------------------------- 3 ---- */

/* A `todo <labels> <reason>` annotation. */
typedef struct ScnTodo ScnTodo;
struct ScnTodo {
  char **azLabel;      /* labels, lower-cased */
  int nLabel;
  char *zReason;       /* what the backend lacks; never empty */
  int iLine;
};

/* One key of a `tool` step, in the order written (v2). */
typedef struct ScnToolArg ScnToolArg;
struct ScnToolArg {
  ScnToolKey eKey;     /* which key */
  char *zValue;        /* its value (a drive letter normalised to `Z:`);
                       ** NULL for a flag (persist, persistent,
                       ** save-credentials); a secret for password=/secret= */
};

typedef struct ScnStep ScnStep;
struct ScnStep {
  int iLine;           /* line of the step itself */
  int iIndex;          /* 0-based position among the scenario's steps */
  struct ScnArena *pArena; /* the arena that owns this step's fields (a step of
                       ** a parsed Scenario: scn_step_clear then frees
                       ** nothing), or NULL: fields malloc'd, freed by
                       ** scn_step_clear */
  char *zText;         /* the step line as written, comment stripped
                       ** (holds secrets: never store or print it; use
                       ** scn_step_format(..., 1) instead) */
  ScnStepKind eKind;

  /* Annotations */
  char **azOnlyif; int nOnlyif;   /* onlyif labels, lower-cased (merged) */
  char **azSkipif; int nSkipif;   /* skipif labels, lower-cased (merged) */
  ScnTodo *aTodo; int nTodo;      /* todo annotations */

  /* Expected block */
  int bExpected;       /* a `----` block follows */
  char **azExpected;   /* its lines, trimmed, comments dropped */
  int nExpected;
  int iExpectedLine;   /* line of the `----` */

  /* logon / logoff / as: the session name (case-sensitive). NULL for
  ** `as SYSTEM`. */
  char *zSession;
  ScnHalf eHalf;       /* for `as` */

  /* logon */
  char *zUser;         /* account name: as declared by its `user` line
                       ** (scn_parse_text), as written (scn_parse_step_line) */
  ScnLogonType eLogonType;
  int bHighest;        /* `highest` */
  char *zLogonPassword;/* password= override, NULL if absent (secret) */
  char *zFrom;         /* v2 from=: netonly, task, elevate; the logon name
                       ** (NULL for from=SYSTEM, which only netonly takes) */
  ScnHalf eFromHalf;   /* v2 netonly from=<who>: which half (task and
                       ** elevate: always SCN_HALF_BARE) */
  int bS4u;            /* v2 `batch s4u`: a task that stores no password (L13) */
  int bFailed;         /* logon (scn_parse_text only): password= differs from
                       ** the account's and the type checks it, so the logon
                       ** makes nothing and its name may be reused at once */

  /* set machine */
  ScnSetting *aSetting; int nSetting;

  /* bootdevice: cLetter + zTarget (NULL for /delete) */

  /* as <who> <command> */
  ScnCmd eCmd;
  char cLetter;        /* drive letter, upper case, 0 if none */
  char *zName;         /* define/undefine/query device name as written */
  char *zTarget;       /* define/undefine/bootdevice target; cmdkey target */
  char *zRemote;       /* \\srv\share[\more] as written (net use, wnet add,
                       ** deviceless cancel, tool path=/root=/remote=) */
  char *zPath;         /* dir path */
  char *zCredUser;     /* /user:, user=, cmdkey /user:, tool user=/username=
                       ** (NULL if absent) */
  char *zCredPassword; /* password (secret): NULL if absent, which passes a
                       ** NULL password (C9: `/user:bob` alone, user= without
                       ** password=); "" for an empty one (`password=`,
                       ** `password=""`, `/user:bob ""`). Tool password=/secret= */
  int ePersistent;     /* net use /persistent: -1 absent, 0 no, 1 yes; tool:
                       ** persist/persistent flag 1, gpp persistent=0|1, else -1 */
  int bRaw, bExact;    /* define/undefine flags */
  int bUpdateProfile, bTemporary, bForce; /* wnet flags */
  int bEnumRemembered; /* wnet enum: 0 connected, 1 remembered */

  /* v2 reg set / reg delete HKCU\Network\<cLetter> [zRegValue] */
  char *zRegValue;     /* value name as written; NULL for `reg delete` of the
                       ** whole key */
  ScnRegType eRegType; /* reg set: SCN_REG_SZ or SCN_REG_DWORD */
  char *zRegData;      /* reg set REG_SZ data as written ("" allowed) */
  unsigned long uRegDword; /* reg set dword:N (0..4294967295) */

  /* v2 tool <profile> key=value ... The keys are also decoded into the
  ** fields above: letter=/name=(PSDrive)/local= into cLetter; path=,
  ** root=, remote= into zRemote; username=/user= into zCredUser;
  ** password=/secret= into zCredPassword; win_credential name= into
  ** zTarget; persist/persistent into ePersistent; save-credentials into
  ** bSaveCredentials; state=/action= into iToolAction. */
  ScnTool eTool;       /* the profile */
  ScnToolArg *aToolArg; int nToolArg; /* the keys in the order written */
  int iToolAction;     /* an ScnToolAction */
  int bSaveCredentials;/* ps.New-SmbMapping save-credentials */
};

/* ---------------------------------------------------------------- 4 ---- */

typedef struct Scenario Scenario;
struct Scenario {
  char *zFile;         /* path it was read from (or a name given) */
  char *zTitle;
  char **azSource; int nSource;   /* each `source` line's text */
  char **azTag; int nTag;         /* tags, as written */
  ScnMachine machine;
  ScnUser *aUser; int nUser;
  ScnShare *aShare; int nShare;
  ScnStep *aStep; int nStep;
  struct ScnArena *pArena; /* owns this struct and everything below it
                       ** (NULL for a scenario built by hand with malloc) */
};

/*
** Parse zText (nText bytes, need not be NUL-terminated) read from zFile.
** On success returns 0 and sets *ppScn; the caller frees it with scn_free().
** On a malformed file returns non-zero, sets *ppScn to NULL and writes
** "FILE:LINE: message" (no trailing newline) into zErr (nErr bytes).
** Never partially succeeds.
*/
int scn_parse_text(const char *zFile, const char *zText, size_t nText,
                   Scenario **ppScn, char *zErr, size_t nErr);

/* Read and parse a file; an unreadable file is reported as "FILE: ...". */
int scn_parse_file(const char *zPath, Scenario **ppScn, char *zErr, size_t nErr);

/*
** Parse one step line (no annotations, no expected block) on its own, as
** the agent receives it over the protocol. Returns 0 and fills *pStep (free
** with scn_step_clear()), or non-zero with a message in zErr.
*/
int scn_parse_step_line(const char *zLine, ScnStep *pStep, char *zErr, size_t nErr);

void scn_step_clear(ScnStep *pStep);
void scn_free(Scenario *pScn);

/* ---------------------------------------------------------------- 5 ---- */

/* The symbol for a Win32 error code ("ERROR_ALREADY_ASSIGNED"), or
** "UNKNOWN" for a code the table lacks. */
const char *scn_error_symbol(int code);

/* The canonical line for a Win32 error: "error 85 ERROR_ALREADY_ASSIGNED". */
void scn_format_error(int code, char *zBuf, size_t nBuf);

/* v2 canonical lines: `ok Z:` (net use * took letter c), `tool-error
** <word>` (a failure a tool decides itself, e.g. "letter-in-use"), and a
** `net use` listing row: "<status> Z: \\srv\share", or for a deviceless
** connection (c == 0) "<status> \\srv\share". */
void scn_format_ok_letter(char c, char *zBuf, size_t nBuf);
void scn_format_tool_error(const char *zWord, char *zBuf, size_t nBuf);
void scn_format_use_row(const char *zStatus, char c, const char *zRemote,
                        char *zBuf, size_t nBuf);

/* 1 if two canonical outputs are equal after folding runs of blanks into
** one blank and dropping trailing blanks on each line; lines are '\n'
** separated, order matters, a trailing newline does not count. Leading
** blanks and a '\r' before a line end are ignored too (expected lines are
** stored trimmed). NULL counts as "". */
int scn_output_equal(const char *zA, const char *zB);

/* Join expected lines with '\n' into a new malloc'd string. */
char *scn_expected_text(const ScnStep *pStep);

/*
** Re-serialise a step in canonical form into a malloc'd string. With
** bRedact, every password prints as ***: user password=, logon password=,
** net use /user:u ***, cmdkey /pass:***, wnet password=***. Without it the
** text parses back (scn_parse_step_line) to an equal step.
*/
char *scn_step_format(const ScnStep *pStep, int bRedact);

/* Serialise a world statement ("user alice admin password=..."), for the
** agent protocol; bRedact as above. */
char *scn_user_format(const ScnUser *pUser, int bRedact);
char *scn_share_format(const ScnShare *pShare);
char *scn_machine_format(const ScnMachine *pMachine);
/* (scn_machine_format prints every v1 key; protection-mode and
** consent-prompt only when they differ from their defaults, so a v1 world
** keeps its text.) */

/*
** Redact secrets in an arbitrary statement or command line (a step, a world
** line, an agent protocol line), for storing or printing: the value of
** every password=, pass= and /pass: becomes ***, and so does the word after
** /user:<u> in a `net use`. Comments are dropped and words re-quoted as
** needed. Lenient: never fails on a malformed line (an open quote runs to
** the end). Returns a malloc'd string, NULL only when out of memory or
** zLine is NULL. Extension (not in SCENARIO-LANGUAGE).
*/
char *scn_redact_line(const char *zLine);

/* Keyword tables, for backends that print names. */
const char *scn_logon_type_name(ScnLogonType e);
const char *scn_policy_name(ScnPolicy e);
/* A policy value as the language writes it: "on"/"off", or for
** consent-prompt "consent"/"credentials". */
const char *scn_policy_value_name(ScnPolicy e, int bOn);
/* "ansible.win_mapped_drive", ... (the spelling of SCENARIO-LANGUAGE). */
const char *scn_tool_name(ScnTool e);
/* "state", "letter", ... */
const char *scn_tool_key_name(ScnToolKey e);

/*
** v2 C16: 1 if zA and zB name the same server in this world: equal
** case-insensitively, or both among {a server, its alias= names} of any
** share line. Either may be NULL (then 0).
*/
int scn_same_server(const Scenario *pScn, const char *zA, const char *zB);

#endif /* MAPSCOPE_LANG_SCENARIO_H */
