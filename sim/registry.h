/*
** sim/registry.h: the parts of the registry the rules read and write.
**
** HKCU\Network\<letter> of each account (remembered connections, C6, C9,
** R1), which any logon session of the user may also write directly (R6);
** the `net use` default for /persistent (C8), kept per account; and
** HKLM\SYSTEM\CurrentControlSet\Control\Session Manager\DOS Devices (boot
** time devices, G5). Policies live in machine.h. The model never writes a
** password here (C6).
**
** Contents: 1. HKCU\Network  2. the net use default  3. boot devices
*/
#ifndef MAPSCOPE_SIM_REGISTRY_H
#define MAPSCOPE_SIM_REGISTRY_H

#include "sim/machine.h"

/* ---------------------------------------------------------------- 1 ---- */

/* Registry value types the model knows (winnt.h numbers). */
typedef enum SimRegType {
  SIM_REG_SZ = 1,
  SIM_REG_DWORD = 4
} SimRegType;

/* The values of one HKCU\Network\<letter> key. A value that is missing or
** of the wrong type reads as "" (strings) or 0 (numbers) (R6). */
typedef struct SimNetValues SimNetValues;
struct SimNetValues {
  char cLetter;              /* the subkey name, 'A'..'Z' */
  int bConnection;           /* RemotePath is a string: the key is a
                             ** remembered connection (R6) */
  const char *zRemotePath;   /* RemotePath ("" when missing) */
  const char *zUserName;     /* UserName ("" when none was given) */
  const char *zProviderName; /* ProviderName: "Microsoft Windows Network";
                             ** NULL when missing */
  unsigned nProviderType;    /* ProviderType: 0x20000 */
  unsigned nConnectionType;  /* ConnectionType: 1 (disk) */
};

/* Read the caller's user's HKCU\Network, every key sorted by letter (also
** keys that are no remembered connection: see bConnection). Returns 0 or
** ERROR_NO_SUCH_LOGON_SESSION. */
int sim_reg_read_network(const SimMachine *pM, SimLuid token,
                         int (*xVisit)(void *pCtx, const SimNetValues *),
                         void *pCtx);

/* The same for account zUser, with no session needed. Returns 0 or
** ERROR_NOT_FOUND for an unknown account. */
int sim_reg_visit_user_network(const SimMachine *pM, const char *zUser,
                               int (*xVisit)(void *pCtx, const SimNetValues *),
                               void *pCtx);

/*
** `reg set HKCU\Network\<cLetter> <zValue> <data>` as token (R6): create
** the key if needed and set value zValue (its name case-insensitive) to
** the REG_SZ zData or the REG_DWORD nDword, replacing a value of either
** type. Any live session of the user may (a network logon too). Returns
** 0, ERROR_INVALID_PARAMETER (not a letter, empty value name, a REG_SZ
** without data, another type), ERROR_NO_SUCH_LOGON_SESSION,
** ERROR_NOT_ENOUGH_MEMORY.
*/
int sim_reg_set_network_value(SimMachine *pM, SimLuid token, char cLetter,
                              const char *zValue, SimRegType eType,
                              const char *zData, unsigned nDword);

/*
** `reg delete HKCU\Network\<cLetter> [<zValue>]` as token (R6): the whole
** key when zValue is NULL, else that one value (the key stays, even
** empty). Returns 0, ERROR_FILE_NOT_FOUND (no such key or value),
** ERROR_INVALID_PARAMETER (not a letter), ERROR_NO_SUCH_LOGON_SESSION.
*/
int sim_reg_delete_network(SimMachine *pM, SimLuid token, char cLetter,
                           const char *zValue);

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
