/*
** sim/simint.h: the model's private structures and the functions its
** modules call in one another. Not for use outside sim/.
**
** Contents:
**   1. Directories and links (dosdev.c)
**   2. Connections and credential sets (wnet.c)
**   3. Logon sessions (session.c)
**   4. Accounts with their hive and vault (machine.c, registry.c, cred.c)
**   5. Shares and boot devices
**   6. The machine
**   7. Cross-module internal functions
*/
#ifndef MAPSCOPE_SIM_SIMINT_H
#define MAPSCOPE_SIM_SIMINT_H

#include "sim/sim.h"
#include "sim/str.h"
#include "sim/rules.h"

/* ---------------------------------------------------------------- 1 ---- */

typedef struct SimLink SimLink;
struct SimLink {
  char *zName;               /* upper-cased device name */
  char **azTarget;           /* targets, oldest first; current is last */
  int nTarget;               /* targets stacked */
  int nTargetAlloc;          /* slots in azTarget */
};

typedef struct SimDir SimDir;
struct SimDir {
  SimLink *aLink;            /* links sorted by zName (strcmp) */
  int nLink;                 /* links held */
  int nLinkAlloc;            /* slots in aLink */
};

/* ---------------------------------------------------------------- 2 ---- */

typedef struct SimSession SimSession;

typedef struct SimConn SimConn;
struct SimConn {
  char cLetter;              /* 'A'..'Z'; 0 for a deviceless connection
                             ** (C14) */
  int bImplicit;             /* made by opening a UNC path (C13 v2) */
  char *zRemote;             /* \\server\share[\...] as typed */
  char *zServer;             /* server part, as typed (C16) */
  char *zShare;              /* share part */
  char *zLink;               /* \Device\LanmanRedirector\;Z:<luid>\...;
                             ** NULL when deviceless */
  SimLuid luidCreator;       /* the half that made it (its LUID is in the
                             ** link) */
  SimLuid aOwner[2];         /* sessions it belongs to (C10: two); each
                             ** holds a credential set for zServer */
  int nOwner;                /* entries in aOwner */
};

typedef struct SimCredSet SimCredSet;
struct SimCredSet {
  char *zServer;             /* server, as first typed */
  SimCredKind eKind;         /* explicit, vault, own, anonymous */
  char *zUser;               /* name presented; NULL when anonymous */
  int iPrincipal;            /* account authenticated as: index in apUser,
                             ** SIM_PRINCIPAL_ANON, or 0 for SYSTEM's
                             ** computer account */
  int nRef;                  /* connections in this session's list to
                             ** zServer (its own and, C10, shared ones) */
};

#define SIM_PRINCIPAL_ANON (-1)

/* ---------------------------------------------------------------- 3 ---- */

struct SimSession {
  SimLuid luid;              /* this half's LUID */
  SimLuid luidLinked;        /* the other half, 0 if none */
  SimElevation eElevation;   /* token elevation type */
  SimLogonType eLogonType;   /* how the logon was made */
  int iUser;                 /* account index in SimMachine.apUser: the
                             ** token's user (a netonly session: S's) */
  /* The session's outbound identity and vault access (L6, L11-L13).
  ** wnet.c and cred.c read these, never the logon type:
  **   bHasCreds   it holds credentials to present to servers (C3's third
  **               choice, C9's "the caller's own"): 0 for network, winrm
  **               and s4u; 1 for ssh and netonly.
  **   zOutUser    NULL: the credentials held are the token user's own
  **               (apUser[iUser], its password). Non-NULL (netonly, L12):
  **               the account name that goes out, as typed (match it to
  **               an account as an explicit name is matched, C4), with
  **               password zOutPassword ("" if none was given); nothing
  **               was checked at logon, so a server may reject it (1326).
  **   bVault      it can open the vault of apUser[iUser] (K2; else 1312):
  **               0 for ssh, s4u, network, winrm; for netonly the value
  **               of the half it was made from. */
  int bHasCreds;             /* holds outbound credentials (see above) */
  char *zOutUser;            /* netonly account name, or NULL (see above) */
  char *zOutPassword;        /* its password; NULL when zOutUser is NULL */
  int bVault;                /* can open the user's vault (see above) */
  int bDirMade;              /* local directory made (N1) */
  SimDir dir;                /* local DOS device directory */
  SimConn **apConn;          /* connections: lettered ones by letter, then
                             ** deviceless ones by zRemote (icmp) */
  int nConn;                 /* entries in apConn */
  int nConnAlloc;            /* slots in apConn */
  SimCredSet *aSet;          /* credential sets, sorted by server */
  int nSet;                  /* entries in aSet */
  int nSetAlloc;             /* slots in aSet */
  SimSession *pPrev;         /* live-session list, creation order */
  SimSession *pNext;         /* next live session */
};

/* ---------------------------------------------------------------- 4 ---- */

/* One value of a registry key (R6: typed; a value of the wrong type
** counts as missing where the model reads it). */
typedef struct SimRegValue SimRegValue;
struct SimRegValue {
  char *zName;               /* value name as written (icmp) */
  SimRegType eType;          /* SIM_REG_SZ or SIM_REG_DWORD */
  char *zData;               /* REG_SZ data; NULL for a REG_DWORD */
  unsigned nDword;           /* REG_DWORD data */
};

/* HKCU\Network\<letter>: a remembered connection when it has a string
** RemotePath (C6, R6). */
typedef struct SimNetEntry SimNetEntry;
struct SimNetEntry {
  char cLetter;              /* subkey name */
  SimRegValue *aVal;         /* its values, in the order written */
  int nVal;                  /* entries in aVal */
  int nValAlloc;             /* slots in aVal */
};

typedef struct SimCred SimCred;
struct SimCred {
  char *zTarget;             /* target as last written */
  char *zUser;               /* user name */
  char *zPassword;           /* the secret; never leaves the model */
};

typedef struct SimUser SimUser;
struct SimUser {
  char *zName;               /* account name as added */
  SimAccountKind eKind;      /* standard, admin, built-in admin, SYSTEM */
  int bDomain;               /* domain account */
  char *zPassword;           /* the password (NULL for SYSTEM) */
  SimNetEntry *aNet;         /* HKCU\Network, sorted by letter */
  int nNet;                  /* entries in aNet */
  int nNetAlloc;             /* slots in aNet */
  int bNetUseDefault;        /* net use /persistent default (C8) */
  SimCred *aCred;            /* vault, sorted by target (icmp) */
  int nCred;                 /* entries in aCred */
  int nCredAlloc;            /* slots in aCred */
};

/* ---------------------------------------------------------------- 5 ---- */

typedef struct SimShare SimShare;
struct SimShare {
  char *zServer;             /* server name */
  char *zShare;              /* share name */
  int bEveryone;             /* every authenticated account admitted */
  char **azGrant;            /* admitted accounts when !bEveryone */
  int nGrant;                /* entries in azGrant */
  int bAnonymous;            /* anonymous callers admitted */
};

/* Another name of a file server (C16). */
typedef struct SimAlias SimAlias;
struct SimAlias {
  char *zAlias;              /* the other name */
  char *zServer;             /* the server's name in its shares */
};

typedef struct SimBootDev SimBootDev;
struct SimBootDev {
  char *zName;               /* value name, upper-cased ("Z:") */
  char *zTarget;             /* REG_SZ data, an NT path */
};

/* ---------------------------------------------------------------- 6 ---- */

struct SimMachine {
  int abPolicyReg[SIM_POL_COUNT];  /* values in the registry */
  int abPolicyBoot[SIM_POL_COUNT]; /* values read at the last boot */
  unsigned mDisks;           /* fixed disks, bit i = 'A'+i */
  unsigned nBoot;            /* boots so far */
  SimUser **apUser;          /* accounts; [0] is SYSTEM */
  int nUser;                 /* entries in apUser */
  int nUserAlloc;            /* slots in apUser */
  SimShare *aShare;          /* file-server shares */
  int nShare;                /* entries in aShare */
  int nShareAlloc;           /* slots in aShare */
  SimAlias *aAlias;          /* other names of servers (C16) */
  int nAlias;                /* entries in aAlias */
  int nAliasAlloc;           /* slots in aAlias */
  SimBootDev *aBootDev;      /* Session Manager\DOS Devices, sorted */
  int nBootDev;              /* entries in aBootDev */
  int nBootDevAlloc;         /* slots in aBootDev */
  SimHash sessions;          /* LUID -> SimSession*, every live session */
  SimSession *pFirst;        /* live sessions, creation order */
  SimSession *pLast;         /* newest live session */
  int nSession;              /* live sessions */
  SimLuid luidNext;          /* next LUID to hand out (never reused) */
  SimDir global;             /* \GLOBAL?? */
  unsigned mBugs;            /* planted bugs (test only): bit 1<<iBug */
  SimRuleSet fired;          /* rules marked since sim_rules_clear() */
};

/* Planted bug numbers (sim_machine_plant_bug) and a test for them. */
#define SIM_BUG_FULL_PERSISTS   1
#define SIM_BUG_C2_ORDER        2
#define SIM_BUG_LOGOFF_ONE_HALF 3
#define SIM_BUG_POP_OLDEST      4
#define SIM_BUG(pM, i) (((pM)->mBugs >> (i)) & 1u)

/* ---------------------------------------------------------------- 7 ---- */

/* machine.c */
SimSession *simm_session(const SimMachine *pM, SimLuid luid);
int simm_user_index(const SimMachine *pM, const char *zName);
const SimShare *simm_share(const SimMachine *pM, const char *zServer,
                           const char *zShare);
int simm_server_exists(const SimMachine *pM, const char *zServer);
int simm_fixed_disk_volume(const SimMachine *pM, char cLetter);
/* sim_rule() for a function that only reads the machine: the marks are
** not part of the machine's state (see rules.h). */
void simm_rule(const SimMachine *pM, SimRule eRule);

/* session.c */
int simsess_admin_unfiltered(const SimMachine *pM, const SimSession *pS);
void simsess_end(SimMachine *pM, SimSession *pS);
void simsess_fill_info(const SimMachine *pM, const SimSession *pS,
                       SimTokenInfo *pInfo);

/* dosdev.c */
void simdir_clear(SimDir *pDir);
SimLink *simdir_find(const SimDir *pDir, const char *zName);
int simdir_push(SimDir *pDir, const char *zName, const char *zTarget);
int simdir_remove_exact(SimDir *pDir, const char *zName, const char *zTarget);
SimDir *simdos_own_dir(SimMachine *pM, SimSession *pS);
const SimLink *simdos_lookup(const SimMachine *pM, const SimSession *pS,
                             const char *zName, int *pbGlobal);
int simdos_luid_maps(const SimMachine *pM);

/* wnet.c */
void simwnet_session_ending(SimMachine *pM, SimSession *pS);
void simwnet_restore(SimMachine *pM, SimSession *pS);
SimConn *simwnet_find_conn(const SimSession *pS, char cLetter);
int simwnet_present(const SimMachine *pM, const SimSession *pS,
                    const char *zServer, const SimShare *pShare);
int simwnet_open_unc(SimMachine *pM, SimSession *pS, const char *zServer,
                     const char *zShare);
int simwnet_parse_letter(const char *zLocal, char *pcLetter);
int simwnet_linked_in_effect(const SimMachine *pM);

/* registry.c */
SimNetEntry *simreg_net_find(const SimUser *pU, char cLetter);
SimNetEntry *simreg_net_remembered(const SimUser *pU, char cLetter);
const char *simreg_net_remote(const SimNetEntry *pE);
const char *simreg_net_user(const SimNetEntry *pE);
int simreg_net_write(SimUser *pU, char cLetter, const char *zRemote,
                     const char *zUserName);
int simreg_net_delete(SimUser *pU, char cLetter);
void simreg_net_free(SimNetEntry *pE);

/* cred.c */
const SimCred *simcred_find(const SimUser *pU, const char *zTarget);
const SimCred *simcred_match(const SimUser *pU, const char *zServer,
                             const char *zUser);
int simcred_same_user(const char *zA, const char *zB);

#endif /* MAPSCOPE_SIM_SIMINT_H */
