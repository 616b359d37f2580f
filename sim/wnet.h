/*
** sim/wnet.h: network connections through mpr and the SMB redirector
** (SEMANTICS C1-C16, R1-R5, G1-G3).
**
** A connection belongs to the logon session that made it (both halves of a
** split logon when EnableLinkedConnections is in effect, C10). A lettered
** one has a link \Device\LanmanRedirector\;Z:<LUID>\server\share in that
** session's directory (global for SYSTEM, C1); a deviceless one (C14) has
** none, and is also what opening a UNC path makes (C13). A session holds
** at most one set of credentials per server name as written (C5, C16).
** Remembered connections live in the user's HKCU\Network (registry.h) and
** are restored at interactive and rdp logons (R1-R5, done by
** sim_logon_user()).
**
** Contents: 1. flags and kinds  2. the Win32 calls  3. net use
**           4. introspection
*/
#ifndef MAPSCOPE_SIM_WNET_H
#define MAPSCOPE_SIM_WNET_H

#include "sim/machine.h"

/* ---------------------------------------------------------------- 1 ---- */

#define SIM_CONNECT_UPDATE_PROFILE 0x1
#define SIM_CONNECT_TEMPORARY      0x4
#define SIM_CONNECT_REDIRECT       0x80   /* WNetUseConnection only (C15) */

/* WNetOpenEnum scopes. */
typedef enum SimEnumScope {
  SIM_RESOURCE_CONNECTED = 1,
  SIM_RESOURCE_REMEMBERED = 3
} SimEnumScope;

/* How a credential set was obtained (C3, C5). */
typedef enum SimCredKind {
  SIM_CRED_EXPLICIT = 0,     /* lpUserName/lpPassword given */
  SIM_CRED_VAULT,            /* a Credential Manager entry for the server */
  SIM_CRED_OWN,              /* the logon session's own credentials */
  SIM_CRED_ANONYMOUS         /* nothing to present */
} SimCredKind;

/* net use statuses. */
typedef enum SimUseStatus {
  SIM_USE_OK = 0,            /* connected in this session */
  SIM_USE_UNAVAILABLE        /* remembered, not connected in this session */
} SimUseStatus;

/* ---------------------------------------------------------------- 2 ---- */

/*
** WNetAddConnection2 (RESOURCETYPE_DISK) as token: connect drive zLocal
** ("Z:") to zRemote (\\server\share[\...], kept as typed; it connects to
** the share). A NULL or empty zLocal makes a deviceless connection (C14):
** no letter checks, never remembered; a second one to the same share adds
** nothing. zUser/zPassword may be NULL: a password without a user name
** goes with the caller's own user name; a user name without a password
** (NULL, not "") with that user's default password (C9 v2). flags:
** SIM_CONNECT_UPDATE_PROFILE, SIM_CONNECT_TEMPORARY.
** Returns 0 or, in this order (C2): ERROR_BAD_DEVICE (zLocal not a drive
** letter), ERROR_ALREADY_ASSIGNED, ERROR_DEVICE_ALREADY_REMEMBERED,
** ERROR_BAD_NETPATH, ERROR_BAD_NET_NAME, then
** ERROR_SESSION_CREDENTIAL_CONFLICT (C5), ERROR_INVALID_PASSWORD,
** ERROR_LOGON_FAILURE, ERROR_ACCESS_DENIED (C4);
** ERROR_INVALID_PARAMETER (other flags); ERROR_NO_SUCH_LOGON_SESSION
** (L10). Nothing changes on failure.
*/
int sim_wnet_add_connection2(SimMachine *pM, SimLuid token,
                             const char *zLocal, const char *zRemote,
                             const char *zUser, const char *zPassword,
                             unsigned flags);

/*
** WNetUseConnection as token: as sim_wnet_add_connection2(), and with
** SIM_CONNECT_REDIRECT and no zLocal the model picks the letter (C15: the
** highest from Z: down that is not a device in the caller's view, not a
** letter its session has a connection on, not remembered in its
** profile) and sets *pcLetter to it ('Z'); none free:
** ERROR_NO_MORE_DEVICES. *pcLetter is 0 for a deviceless connection or
** on failure.
*/
int sim_wnet_use_connection(SimMachine *pM, SimLuid token,
                            const char *zLocal, const char *zRemote,
                            const char *zUser, const char *zPassword,
                            unsigned flags, char *pcLetter);

/*
** WNetCancelConnection2(zLocal, flags, bForce) as token (C9, C10). zLocal
** is a drive ("Z:") or a remote name ("\\srv\share"), which cancels the
** session's deviceless connection to that share only (C14).
** Returns 0, ERROR_NOT_CONNECTED, ERROR_BAD_DEVICE,
** ERROR_NO_SUCH_LOGON_SESSION. Open files are not modelled: bForce has no
** effect.
*/
int sim_wnet_cancel_connection2(SimMachine *pM, SimLuid token,
                                const char *zLocal, unsigned flags,
                                int bForce);

/*
** WNetGetConnection(zLocal) as token (C11): sets *pzRemote to the remote
** name (owned by the machine, valid until the next change) and returns 0;
** ERROR_CONNECTION_UNAVAIL (remembered, not connected: *pzRemote is the
** remembered path); ERROR_NOT_CONNECTED; ERROR_BAD_DEVICE;
** ERROR_NO_SUCH_LOGON_SESSION.
*/
int sim_wnet_get_connection(const SimMachine *pM, SimLuid token,
                            const char *zLocal, const char **pzRemote);

/* One resource of an enumeration. */
typedef struct SimResourceInfo SimResourceInfo;
struct SimResourceInfo {
  char cLetter;              /* 'A'..'Z'; 0 for a deviceless connection */
  const char *zRemote;       /* \\server\share as typed */
  const char *zUser;         /* remembered UserName, or the user name of the
                             ** connection's credential set; "" if none */
};

/*
** WNetOpenEnum/WNetEnumResource as token (C12): SIM_RESOURCE_CONNECTED
** visits the caller's session's connections, lettered ones by letter,
** then deviceless ones by remote name (C14); SIM_RESOURCE_REMEMBERED the
** keys of the user's HKCU\Network that have a string RemotePath (R6),
** by letter. Returns 0, ERROR_INVALID_PARAMETER,
** ERROR_NO_SUCH_LOGON_SESSION.
*/
int sim_wnet_enum(const SimMachine *pM, SimLuid token, SimEnumScope eScope,
                  int (*xVisit)(void *pCtx, const SimResourceInfo *),
                  void *pCtx);

/* ---------------------------------------------------------------- 3 ---- */

/* One line of `net use`. */
typedef struct SimUseInfo SimUseInfo;
struct SimUseInfo {
  SimUseStatus eStatus;      /* OK or Unavailable */
  char cLetter;              /* 'A'..'Z'; 0 for a deviceless connection */
  const char *zRemote;       /* \\server\share */
};

/* `net use` (C12): the caller's lettered connections (OK) and the user's
** remembered ones not connected in this session (Unavailable), sorted by
** letter, then its deviceless connections by remote name (C14). Returns 0
** or ERROR_NO_SUCH_LOGON_SESSION. */
int sim_net_use_list(const SimMachine *pM, SimLuid token,
                     int (*xVisit)(void *pCtx, const SimUseInfo *),
                     void *pCtx);

/* `net use * /delete` (C9): cancel, with CONNECT_UPDATE_PROFILE and force,
** every letter sim_net_use_list() shows, and every deviceless connection
** of the session (C14). Returns 0 or the first error. */
int sim_net_use_delete_all(SimMachine *pM, SimLuid token);

/* ---------------------------------------------------------------- 4 ---- */

/* A connection as introspection shows it. */
typedef struct SimConnInfo SimConnInfo;
struct SimConnInfo {
  char cLetter;              /* 'A'..'Z'; 0 when deviceless (C14) */
  const char *zRemote;       /* as typed */
  const char *zLink;         /* the redirector link's target; NULL when
                             ** deviceless */
  SimLuid luidCreator;       /* the half that made it */
  int bShared;               /* belongs to both halves (C10) */
  int bImplicit;             /* made by opening a UNC path (C13) */
};

/* A credential set a session holds for a server (C5); no password. */
typedef struct SimCredSetInfo SimCredSetInfo;
struct SimCredSetInfo {
  const char *zServer;       /* server name as first typed */
  SimCredKind eKind;         /* how it was obtained */
  const char *zUser;         /* the name presented; NULL when anonymous;
                             ** "SYSTEM" for the computer account */
  int nConn;                 /* connections keeping it */
};

/* Visit a session's connections: lettered ones by letter, then
** deviceless ones by remote name. Returns 0 or
** ERROR_NO_SUCH_LOGON_SESSION. */
int sim_wnet_visit_connections(const SimMachine *pM, SimLuid luid,
                               int (*xVisit)(void *pCtx, const SimConnInfo *),
                               void *pCtx);

/* Visit the credential sets a session holds, sorted by server. Returns 0
** or ERROR_NO_SUCH_LOGON_SESSION. */
int sim_wnet_visit_credsets(const SimMachine *pM, SimLuid luid,
                            int (*xVisit)(void *pCtx, const SimCredSetInfo *),
                            void *pCtx);

#endif /* MAPSCOPE_SIM_WNET_H */
