/*
** sim/access.h: opening a path through the caller's view (SEMANTICS C13,
** G4, G5).
**
** The model has no file system: opening succeeds or fails with the error
** Windows would give, from the drive letter's link and the credentials the
** caller can present to the server.
**
** Contents: 1. the call
*/
#ifndef MAPSCOPE_SIM_ACCESS_H
#define MAPSCOPE_SIM_ACCESS_H

#include "sim/machine.h"

/*
** Open directory zPath ("Z:\", "Z:\sub", "Z:", or "\\server\share\...")
** as token, as `dir` would. Returns 0; ERROR_PATH_NOT_FOUND (missing
** letter, or a link to something that is neither a fixed disk nor a
** share); ERROR_BAD_NETPATH, ERROR_BAD_NET_NAME (unknown server or share);
** ERROR_LOGON_FAILURE (a stored credential rejected); ERROR_ACCESS_DENIED
** (the share does not admit the credentials presented);
** ERROR_NO_SUCH_LOGON_SESSION. Opening a UNC path directly when the
** caller's session has no connection to that share makes an implicit
** deviceless connection that holds its credential set (C13 v2, C14);
** nothing else changes.
*/
int sim_open_path(SimMachine *pM, SimLuid token, const char *zPath);

#endif /* MAPSCOPE_SIM_ACCESS_H */
