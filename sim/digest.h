/*
** sim/digest.h: a canonical fingerprint of a model machine's state, for
** `mapscope check` (runner/check/) and its tests.
**
** Two machines get the same digest when no sequence of steps could tell
** them apart by what they hold now: the digest covers the policies (in
** the registry and in effect), every account's HKCU\Network, net use
** default and vault, the boot devices, \GLOBAL??, and every live logon
** session in creation order with its token, directory, connections and
** credential sets. LUIDs are renamed by order of creation among the live
** sessions (SYSTEM is 0), also inside link targets, so two machines that
** differ only in the numbers handed out are equal; an LUID that names no
** live session reads as "ended". The world (accounts, shares, aliases) is
** fixed during a search and is left out, and so are the boot count, the
** LUID counter, the planted bugs and the rule marks.
**
** Symmetry: aiPerm, when not NULL, renames accounts (aiPerm[i] is the
** position account i takes; SYSTEM, index 0, must stay 0). An account's
** name written anywhere in the state (a UserName value, a vault entry's
** user, a credential set's user, a netonly name) is renamed with it.
** The caller decides which accounts are interchangeable.
**
** Contents: 1. the digest  2. its text (tests, debugging)
*/
#ifndef MAPSCOPE_SIM_DIGEST_H
#define MAPSCOPE_SIM_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "sim/machine.h"

/* ---------------------------------------------------------------- 1 ---- */

typedef struct SimDigest SimDigest;
struct SimDigest {
  uint64_t a, b;             /* two independent 64-bit hashes */
};

/* A reusable buffer for the canonical text (zero it before first use,
** free with sim_digest_buf_free()). */
typedef struct SimDigestBuf SimDigestBuf;
struct SimDigestBuf {
  char *z;                   /* text */
  size_t n;                  /* bytes used */
  size_t nAlloc;             /* bytes allocated */
  int bOom;                  /* an allocation failed */
};
void sim_digest_buf_free(SimDigestBuf *pBuf);

/* The digest of pM under account renaming aiPerm (NULL: none). Returns 0
** or ERROR_NOT_ENOUGH_MEMORY. */
int sim_digest(const SimMachine *pM, const int *aiPerm, SimDigestBuf *pBuf,
               SimDigest *pOut);

/* The position of luid among the live sessions in creation order (SYSTEM
** is 0), or -1 when it names no live session. */
int sim_digest_luid_index(const SimMachine *pM, SimLuid luid);

/* Number of accounts (SYSTEM included): the size of aiPerm. */
int sim_digest_user_count(const SimMachine *pM);

/* ---------------------------------------------------------------- 2 ---- */

/* The canonical text the digest hashes, in pBuf->z (NUL-terminated).
** Returns 0 or ERROR_NOT_ENOUGH_MEMORY. */
int sim_digest_text(const SimMachine *pM, const int *aiPerm, SimDigestBuf *pBuf);

#endif /* MAPSCOPE_SIM_DIGEST_H */
