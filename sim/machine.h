/*
** sim/machine.h: a modelled Windows machine and its world (SEMANTICS W1-W5,
** L9, G5).
**
** A SimMachine is a value: create it with sim_machine_new(), give it
** accounts and file-server shares, act on it through the other modules
** (session.h, dosdev.h, wnet.h, cred.h, registry.h), free it with
** sim_machine_free(). Nothing is shared between machines, so any number
** can run side by side. The model does no I/O.
**
** Contents:
**   1. Basic types: LUIDs and tokens, policies, account kinds
**   2. Creating and freeing a machine; building its world (W3, W4, W5)
**   3. Policies (W1, W2)
**   4. Reboot (L9, G5)
**   5. Introspection of the world
**   6. Test only: planted bugs
*/
#ifndef MAPSCOPE_SIM_MACHINE_H
#define MAPSCOPE_SIM_MACHINE_H

#include <stdint.h>
#include "sim/winerror.h"

/* ---------------------------------------------------------------- 1 ---- */

typedef struct SimMachine SimMachine;

/* A logon session's LUID (TOKEN_STATISTICS.AuthenticationId, high part in
** the upper 32 bits). A caller acts "as" a token; in the model a token is
** named by the LUID of the logon session it belongs to. */
typedef uint64_t SimLuid;

/* SYSTEM's logon session (L1); it exists from boot. */
#define SIM_LUID_SYSTEM ((SimLuid)0x3e7)

/* Policies of SEMANTICS W1, in the order of the scenario language. */
typedef enum SimPolicy {
  SIM_POL_ENABLE_LUA = 0,            /* EnableLUA (uac) */
  SIM_POL_FILTER_ADMIN_TOKEN,        /* FilterAdministratorToken */
  SIM_POL_LOCAL_ACCOUNT_TOKEN_FILTER,/* LocalAccountTokenFilterPolicy */
  SIM_POL_LINKED_CONNECTIONS,        /* EnableLinkedConnections */
  SIM_POL_RESTORE_CONNECTION,        /* RestoreConnection */
  SIM_POL_LUID_DEVICE_MAPS,          /* LUID device maps
                                     ** (LUIDDeviceMapsDisabled=0) */
  SIM_POL_PROTECTION_MODE,           /* ProtectionMode (v2): another
                                     ** account's global link is read-only
                                     ** to filtered tokens (D3) */
  SIM_POL_CONSENT_CREDENTIALS,       /* ConsentPromptBehaviorAdmin asks for
                                     ** credentials (1) or consent (0, the
                                     ** default) at elevation (L14) */
  SIM_POL_COUNT
} SimPolicy;

/* Account kinds of W3. */
typedef enum SimAccountKind {
  SIM_ACCOUNT_STANDARD = 0,          /* a standard user */
  SIM_ACCOUNT_ADMIN,                 /* a member of Administrators */
  SIM_ACCOUNT_BUILTIN_ADMIN,         /* the built-in Administrator, RID 500 */
  SIM_ACCOUNT_SYSTEM                 /* LocalSystem (only one, built in) */
} SimAccountKind;

/* ---------------------------------------------------------------- 2 ---- */

/*
** Create a machine freshly booted with the default policies (W1), the
** fixed disk C: (W5), the SYSTEM account and its logon session 0x3e7 (L1).
** Returns 0 and sets *ppM (free with sim_machine_free()), or
** ERROR_NOT_ENOUGH_MEMORY and sets *ppM to NULL.
*/
int sim_machine_new(SimMachine **ppM);

/* Free a machine and everything it holds. NULL is a no-op. */
void sim_machine_free(SimMachine *pM);

/*
** Add an account (W3). Names are case-insensitive; zPassword is the one
** password every server also knows (W4). Copies the strings. Returns 0,
** ERROR_USER_EXISTS for a name already present (including "SYSTEM"),
** ERROR_INVALID_PARAMETER for an empty name or kind SYSTEM.
*/
int sim_machine_add_user(SimMachine *pM, const char *zName,
                         SimAccountKind eKind, int bDomain,
                         const char *zPassword);

/*
** Add a share \\zServer\zShare (W4). bEveryone: every authenticated
** account is admitted, else only the nGrant accounts named in azGrant.
** bAnonymous: anonymous callers are admitted too. Copies the strings.
** Returns 0, ERROR_ALREADY_EXISTS for a share already present,
** ERROR_INVALID_PARAMETER for an empty server or share name.
*/
int sim_machine_add_share(SimMachine *pM, const char *zServer,
                          const char *zShare, int bEveryone,
                          const char *const *azGrant, int nGrant,
                          int bAnonymous);

/*
** Make zAlias another name of server zServer (C16: a DNS name, an address):
** every name reaches the same shares and accounts, while credential sets
** and vault targets stay keyed by the name as written. The server must
** have a share. Returns 0 (also when zAlias already names that server),
** ERROR_ALREADY_EXISTS when it names another server, ERROR_INVALID_PARAMETER
** for an empty alias or an unknown server, ERROR_NOT_ENOUGH_MEMORY.
*/
int sim_machine_add_server_alias(SimMachine *pM, const char *zServer,
                                 const char *zAlias);

/*
** Set the fixed disks (W5): bit i of mDisks is letter 'A'+i (default only
** C:). The global links of the old disks go and `X:` ->
** \Device\HarddiskVolumeN (N from 1 in letter order) are made for the new
** ones. Meant for building the world, before any step. Returns 0,
** ERROR_INVALID_PARAMETER for bits above Z, or ERROR_NOT_ENOUGH_MEMORY.
*/
int sim_machine_set_fixed_disks(SimMachine *pM, unsigned mDisks);

/* The fixed disks mask. */
unsigned sim_machine_fixed_disks(const SimMachine *pM);

/* ---------------------------------------------------------------- 3 ---- */

/*
** Set a policy's starting value, as if it had been in the registry at the
** last boot (both the registry and the effective value). For building the
** world. Returns 0 or ERROR_INVALID_PARAMETER.
*/
int sim_policy_init(SimMachine *pM, SimPolicy ePolicy, int bOn);

/*
** Change a policy in the registry (W2). EnableLUA, FilterAdministratorToken,
** EnableLinkedConnections, LUID device maps and ProtectionMode take effect
** at the next reboot; LocalAccountTokenFilterPolicy, RestoreConnection and
** ConsentPromptBehaviorAdmin at the next logon or elevation. Returns 0 or
** ERROR_INVALID_PARAMETER.
*/
int sim_policy_set(SimMachine *pM, SimPolicy ePolicy, int bOn);

/* The value in the registry (what the next boot or logon will read). */
int sim_policy_registry(const SimMachine *pM, SimPolicy ePolicy);

/* The value in effect now: for a reboot policy the value read at the last
** boot, for a logon policy the value the next logon reads (W2). */
int sim_policy_effective(const SimMachine *pM, SimPolicy ePolicy);

/* ---------------------------------------------------------------- 4 ---- */

/*
** Reboot (L9): every logon session but SYSTEM's ends (directories,
** connections and credential sets go; SYSTEM's connections too), every DOS
** device goes, the policies are read again (W2), the fixed disks are made
** again and each boot-time device of Session Manager\DOS Devices becomes a
** global link (G5). Registry hives and vaults stay. Returns 0, or
** ERROR_NOT_ENOUGH_MEMORY (the machine is then left freshly rebooted but
** possibly missing some boot devices).
*/
int sim_reboot(SimMachine *pM);

/* How many times the machine has booted (1 after sim_machine_new()). */
unsigned sim_machine_boot_count(const SimMachine *pM);

/* ---------------------------------------------------------------- 5 ---- */

/* One account, as introspection shows it (never its password). */
typedef struct SimUserInfo SimUserInfo;
struct SimUserInfo {
  const char *zName;        /* the account name as added */
  SimAccountKind eKind;     /* standard, admin, built-in admin, SYSTEM */
  int bDomain;              /* 1 for a domain account */
};

/* Visit every account, SYSTEM first, then in the order added. xVisit
** returning non-zero stops the walk. */
void sim_machine_visit_users(const SimMachine *pM,
                             int (*xVisit)(void *pCtx, const SimUserInfo *),
                             void *pCtx);

/* ---------------------------------------------------------------- 6 ---- */

/*
** Test only: make this machine deliberately wrong, so a differential
** explorer can show it finds a divergence between two models. Bugs:
**   1  C7: a full token remembers mappings
**   2  C2: ERROR_DEVICE_ALREADY_REMEMBERED is checked before
**          ERROR_ALREADY_ASSIGNED
**   3  L8: logoff ends only the named half of a split logon
**   4  D4: a removal without a target pops the oldest target
** With pM NULL, only says whether iBug exists. Returns 0, or
** ERROR_INVALID_PARAMETER for an unknown bug number.
*/
int sim_machine_plant_bug(SimMachine *pM, unsigned iBug);

#endif /* MAPSCOPE_SIM_MACHINE_H */
