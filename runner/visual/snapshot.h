/*
** runner/visual/snapshot.h: the model's state as data, for explain's text
** diff and its pictures.
**
** xDescribe (backend.h) gives the state as text a person reads; pictures
** and "what changed" need it as data. A VisSnap is made from a sim backend
** instance (backend_sim_machine()) through the model's public introspection
** calls only, read-only. It is a list of boxes (\GLOBAL??, one per logon
** session, one per account with a hive or vault worth showing, pending
** policies, boot devices), each with rows. Every box and row carries a key
** that names the same thing across steps ("link {A} Z:") and a one-line
** text: two snapshots are compared by key (added, removed, changed).
** LUIDs appear only as the scenario's placeholders ({A}, {A.elevated}).
**
** Contents: 1. the snapshot  2. making and freeing  3. comparing
*/
#ifndef MAPSCOPE_RUNNER_VISUAL_SNAPSHOT_H
#define MAPSCOPE_RUNNER_VISUAL_SNAPSHOT_H

#include "runner/backends/backend.h"

/* ---------------------------------------------------------------- 1 ---- */

typedef enum VisRowKind {
  VIS_ROW_LINK = 0,          /* a symbolic link: zName -> zValue */
  VIS_ROW_CONN,              /* a connection: zName (Z:) -> zValue (\\s\s) */
  VIS_ROW_CREDSET,           /* a credential set: zName server, zValue user */
  VIS_ROW_NET,               /* HKCU\Network\<letter>: zName, zValue remote */
  VIS_ROW_VAULT,             /* a vault entry: zName target, zValue user */
  VIS_ROW_SETTING            /* a pending policy or boot device */
} VisRowKind;

typedef struct VisRow VisRow;
struct VisRow {
  VisRowKind eKind;
  char *zKey;                /* identity across steps */
  char *zText;               /* the fact as one line of text */
  char *zName;               /* first column */
  char *zValue;              /* second column (a link's current target) */
  char *zNote;               /* third column, may be "" */
  int bDisk;                 /* a fixed disk's own global link */
};

typedef enum VisBoxKind {
  VIS_BOX_GLOBAL = 0,        /* \GLOBAL?? */
  VIS_BOX_SESSION,           /* a logon session and its local directory */
  VIS_BOX_USER,              /* an account's HKCU\Network and vault */
  VIS_BOX_PENDING,           /* policies waiting for a reboot */
  VIS_BOX_BOOT               /* Session Manager\DOS Devices */
} VisBoxKind;

typedef struct VisBox VisBox;
struct VisBox {
  VisBoxKind eKind;
  char *zKey;                /* identity across steps */
  char *zText;               /* the box's own fact (header line) */
  char *zTitle;              /* "\Sessions\0\DosDevices\{A}" */
  char *zName;               /* placeholder ("A.elevated"), account, "" */
  char *zUser;               /* session: account name */
  const char *zElevation;    /* session: "limited", "full", "default" */
  const char *zLogon;        /* session: logon type word */
  char *zLinked;             /* session: the linked half's name, or NULL */
  int bCreds;                /* session: holds credentials (L6) */
  char *zDirNote;            /* session: why there is no directory, or "" */
  VisRow *aRow; int nRow; int nRowAlloc;
};

typedef struct VisSnap VisSnap;
struct VisSnap {
  VisBox *aBox; int nBox; int nBoxAlloc;
};

/* ---------------------------------------------------------------- 2 ---- */

/* Fill *pSnap (zeroed first) from a sim backend instance. */
void vis_snap_make(BackendConn *pConn, VisSnap *pSnap);
void vis_snap_free(VisSnap *pSnap);

/* ---------------------------------------------------------------- 3 ---- */

/* How a fact changed between two snapshots. */
typedef enum VisChange {
  VIS_SAME = 0, VIS_ADDED, VIS_REMOVED, VIS_CHANGED
} VisChange;

/* How the fact zKey (a box or row key) changed from pOld to pNew (pOld
** NULL: nothing changed). */
VisChange vis_snap_change(const VisSnap *pOld, const VisSnap *pNew,
                          const char *zKey);

/*
** Call xLine for every fact that differs from pOld to pNew, in the order
** of pNew, then the removed ones in the order of pOld: cMark is '+', '-'
** or '~' (for '~', zOld is the earlier text). Returns how many.
*/
int vis_snap_diff(const VisSnap *pOld, const VisSnap *pNew,
                  void (*xLine)(void *pCtx, char cMark, const char *zText,
                                const char *zOld),
                  void *pCtx);

#endif /* MAPSCOPE_RUNNER_VISUAL_SNAPSHOT_H */
