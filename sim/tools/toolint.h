/*
** sim/tools/toolint.h: what the profiles of sim/tools/ share (internal).
**
** Every operation a profile performs goes through one of the recorders
** below: it calls the model as the given token, writes one line of the
** record (the call, its arguments with the password as ***, the token's
** name, the result) and returns the model's Win32 error. A profile is
** then a short function reading like the tool's source.
**
** Contents: 1. arguments  2. the record  3. recorded operations
**           4. the profiles (one file each)
*/
#ifndef MAPSCOPE_SIM_TOOLS_TOOLINT_H
#define MAPSCOPE_SIM_TOOLS_TOOLINT_H

#include "sim/tools/tools.h"

/* ---------------------------------------------------------------- 1 ---- */

/* The value of key zKey ("" for a flag that is present), or NULL. */
const char *tool_arg(const SimToolCall *pCall, const char *zKey);

/* The drive letter of key zKey ('A'..'Z', from "z", "Z:"), or 0. */
char tool_letter(const SimToolCall *pCall, const char *zKey);

/* ---------------------------------------------------------------- 2 ---- */

/* Record a `why:` line: which branch of the tool's logic was taken. */
void tool_why(SimToolCall *pCall, const char *zFormat, ...);

/* Record any line as written. */
void tool_note(SimToolCall *pCall, const char *zFormat, ...);

/* The name of a token for the record ("{A.limited}" or hex). */
void tool_token_name(const SimToolCall *pCall, SimLuid tok, char *zBuf, size_t nBuf);

/* The step fails with the tool's own error word (static). */
void tool_fail_word(SimToolCall *pCall, const char *zWord);

/* ---------------------------------------------------------------- 3 ---- */

/* WNetAddConnection2 (or the API zApi names, for the record) of letter c
** ('A'..'Z'; 0 for a deviceless connection, C14) as tok. */
int tool_add(SimToolCall *pCall, const char *zApi, SimLuid tok, char c,
             const char *zRemote, const char *zUser, const char *zPassword,
             unsigned flags);

/* WNetCancelConnection2 of letter c (or zApi for the record) as tok. */
int tool_cancel(SimToolCall *pCall, const char *zApi, SimLuid tok, char c,
                unsigned flags, int bForce);

/* WNetOpenEnum(RESOURCE_REMEMBERED) as tok, looking for letter c: sets
** *pzPath to its remembered path (owned by the machine, valid until the
** next change) or NULL. */
int tool_find_remembered(SimToolCall *pCall, SimLuid tok, char c,
                         const char **pzPath);

/* Whether letter c is a device in tok's view (N7), the way
** Get-PSDrive -PSProvider FileSystem lists a process's drives. */
int tool_letter_in_view(SimToolCall *pCall, SimLuid tok, char c, int *pbIn);

/* WNetGetConnection of letter c as tok (C11). */
int tool_get_connection(SimToolCall *pCall, SimLuid tok, char c);

/* Set HKCU\Network\<c> zValue to the REG_SZ zData as tok (R6). */
int tool_reg_set(SimToolCall *pCall, SimLuid tok, char c, const char *zValue,
                 const char *zData);

/* CredWrite / CredDelete of a domain-password credential as tok (K1). */
int tool_cred_write(SimToolCall *pCall, SimLuid tok, const char *zTarget,
                    const char *zUser, const char *zPassword);
int tool_cred_delete(SimToolCall *pCall, SimLuid tok, const char *zTarget);

/* ---------------------------------------------------------------- 4 ---- */

void tool_ansible_mapped_drive(SimToolCall *pCall);   /* ansible_mapped_drive.c */
void tool_ansible_credential(SimToolCall *pCall);     /* ansible_credential.c */
void tool_ps_new_psdrive(SimToolCall *pCall);         /* ps_psdrive.c */
void tool_ps_remove_psdrive(SimToolCall *pCall);      /* ps_psdrive.c */
void tool_ps_new_smbmapping(SimToolCall *pCall);      /* ps_smbmapping.c */
void tool_ps_remove_smbmapping(SimToolCall *pCall);   /* ps_smbmapping.c */
void tool_netapi_netuseadd(SimToolCall *pCall);       /* netapi_netuse.c */
void tool_netapi_netusedel(SimToolCall *pCall);       /* netapi_netuse.c */
void tool_gpp_drive_map(SimToolCall *pCall);          /* gpp_drive_map.c */

#endif /* MAPSCOPE_SIM_TOOLS_TOOLINT_H */
