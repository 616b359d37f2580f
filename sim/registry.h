/*
** sim/registry.h: the parts of the registry the rules read and write.
**
** HKCU\Network\<letter> of each account (remembered connections, C6, C9,
** R1); the `net use` default for /persistent (C8), kept per account; and
** HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\DOS Devices (boot
** time devices, G5). Policies live in machine.h. No password is ever
** written here (C6).
**
** Contents: 1. HKCU\Network  2. the net use default  3. boot devices
*/
#ifndef MAPSCOPE_SIM_REGISTRY_H
#define MAPSCOPE_SIM_REGISTRY_H

#include "sim/machine.h"

/* ---------------------------------------------------------------- 1 ---- */

/* The values of one HKCU\Network\<letter> key. */
typedef struct SimNetValues SimNetValues;
struct SimNetValues {
  char cLetter;              /* the subkey name, 'A'..'Z' */
  const char *zRemotePath;   /* RemotePath */
  const char *zUserName;     /* UserName ("" when none was given) */
  const char *zProviderName; /* ProviderName: "Microsoft Windows Network" */
  unsigned nProviderType;    /* ProviderType: 0x20000 */
  unsigned nConnectionType;  /* ConnectionType: 1 (disk) */
};

/* Read the caller's user's HKCU\Network, sorted by letter. Returns 0 or
** ERROR_NO_SUCH_LOGON_SESSION. */
int sim_reg_read_network(const SimMachine *pM, SimLuid token,
                         int (*xVisit)(void *pCtx, const SimNetValues *),
                         void *pCtx);

/* The same for account zUser, with no session needed. Returns 0 or
** ERROR_NOT_FOUND for an unknown account. */
int sim_reg_visit_user_network(const SimMachine *pM, const char *zUser,
                               int (*xVisit)(void *pCtx, const SimNetValues *),
                               void *pCtx);

/* ---------------------------------------------------------------- 2 ---- */

/* The caller's user's `net use` default for /persistent (C8; initially 1).
** Returns 0 and sets *pbYes, or ERROR_NO_SUCH_LOGON_SESSION. */
int sim_reg_get_net_use_default(const SimMachine *pM, SimLuid token, int *pbYes);

/* Set it (`net use /persistent:yes|no`). Returns 0 or
** ERROR_NO_SUCH_LOGON_SESSION. */
int sim_reg_set_net_use_default(SimMachine *pM, SimLuid token, int bYes);

/* The default of account zUser, with no session needed. Returns 0 and
** sets *pbYes, or ERROR_NOT_FOUND for an unknown account. */
int sim_reg_user_net_use_default(const SimMachine *pM, const char *zUser, int *pbYes);

/* ---------------------------------------------------------------- 3 ---- */

/*
** Set value zName (a device name, "Z:") of Session Manager\DOS Devices to
** the REG_SZ zTarget, an NT path (G5). Takes effect at the next boot.
** Returns 0, ERROR_INVALID_PARAMETER, ERROR_NOT_ENOUGH_MEMORY.
*/
int sim_reg_set_boot_device(SimMachine *pM, const char *zName,
                            const char *zTarget);

/* Delete that value. Returns 0 or ERROR_FILE_NOT_FOUND. */
int sim_reg_delete_boot_device(SimMachine *pM, const char *zName);

/* Visit the values, sorted by name. */
void sim_reg_visit_boot_devices(const SimMachine *pM,
                                int (*xVisit)(void *pCtx, const char *zName,
                                              const char *zTarget),
                                void *pCtx);

#endif /* MAPSCOPE_SIM_REGISTRY_H */
