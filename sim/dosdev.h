/*
** sim/dosdev.h: the DOS device namespace and DefineDosDevice /
** QueryDosDevice (SEMANTICS N1-N7, D1-D5).
**
** The machine has one global directory (\GLOBAL??) and each logon session
** a local one (\Sessions\0\DosDevices\%08x-%08x), made on first use. A
** name is looked up locally first, then globally (N2, N7). SYSTEM has no
** local directory (N3); with LUID device maps off nobody has (N5). Each
** link holds a stack of targets (D3): the current one, then the earlier.
**
** Contents: 1. flags  2. the Win32 calls  3. the caller's view
**           4. introspection
*/
#ifndef MAPSCOPE_SIM_DOSDEV_H
#define MAPSCOPE_SIM_DOSDEV_H

#include "sim/machine.h"

/* ---------------------------------------------------------------- 1 ---- */

#define SIM_DDD_RAW_TARGET_PATH        0x1
#define SIM_DDD_REMOVE_DEFINITION      0x2
#define SIM_DDD_EXACT_MATCH_ON_REMOVE  0x4
#define SIM_DDD_NO_BROADCAST_SYSTEM    0x8

/* ---------------------------------------------------------------- 2 ---- */

/*
** DefineDosDevice(flags, zDevice, zTarget) as token.
** Returns 0; ERROR_INVALID_PARAMETER for bad flags or arguments (D1);
** ERROR_ACCESS_DENIED for a Global\ name or an existing global link and a
** token that is not an unfiltered administrator's or SYSTEM's (N4, D3);
** ERROR_FILE_NOT_FOUND when a removal target matches nothing (D4);
** ERROR_NO_SUCH_LOGON_SESSION (L10); ERROR_NOT_ENOUGH_MEMORY.
** Nothing changes on failure.
*/
int sim_define_dos_device(SimMachine *pM, SimLuid token, unsigned flags,
                          const char *zDevice, const char *zTarget);

/*
** QueryDosDevice(zDevice) as token: calls xVisit with each target, the
** current one first (D5); xVisit returning non-zero stops. Returns 0,
** ERROR_FILE_NOT_FOUND for a name not in the caller's view,
** ERROR_INVALID_PARAMETER for a NULL or empty name,
** ERROR_NO_SUCH_LOGON_SESSION.
*/
int sim_query_dos_device(const SimMachine *pM, SimLuid token,
                         const char *zDevice,
                         int (*xVisit)(void *pCtx, const char *zTarget),
                         void *pCtx);

/* ---------------------------------------------------------------- 3 ---- */

/* A link as a caller sees it. */
typedef struct SimLinkInfo SimLinkInfo;
struct SimLinkInfo {
  const char *zName;         /* upper-cased device name ("Z:", "COM9") */
  const char *zTarget;       /* the current target */
  int nTarget;               /* how many targets are stacked */
  int bGlobal;               /* 1 if it lives in \GLOBAL?? */
};

/*
** The caller's view (N7): the union of its local and the global links,
** local winning, sorted by name, each name once; SYSTEM sees the global
** links only. Returns 0 or ERROR_NO_SUCH_LOGON_SESSION.
*/
int sim_dosdev_view(const SimMachine *pM, SimLuid token,
                    int (*xVisit)(void *pCtx, const SimLinkInfo *),
                    void *pCtx);

/* ---------------------------------------------------------------- 4 ---- */

/* Visit the links of \GLOBAL?? sorted by name. */
void sim_dosdev_visit_global(const SimMachine *pM,
                             int (*xVisit)(void *pCtx, const SimLinkInfo *),
                             void *pCtx);

/*
** Visit the links of a logon session's local directory, sorted by name.
** *pbExists (may be NULL) says whether the directory has been made (N1).
** Returns 0, or ERROR_NO_SUCH_LOGON_SESSION; SYSTEM has no local
** directory (N3): 0 with *pbExists = 0.
*/
int sim_dosdev_visit_session(const SimMachine *pM, SimLuid luid,
                             int *pbExists,
                             int (*xVisit)(void *pCtx, const SimLinkInfo *),
                             void *pCtx);

/* Visit every target of the link zDevice in the given directory (luid 0 =
** \GLOBAL??), current first. Returns 0 or ERROR_FILE_NOT_FOUND. */
int sim_dosdev_visit_targets(const SimMachine *pM, SimLuid luid,
                             const char *zDevice,
                             int (*xVisit)(void *pCtx, const char *zTarget),
                             void *pCtx);

#endif /* MAPSCOPE_SIM_DOSDEV_H */
