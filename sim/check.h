/*
** sim/check.h: consistency checks over a whole machine, for tests and for
** a random explorer that runs many steps and wants to know the model never
** reached an impossible state.
**
** Contents: 1. the check
*/
#ifndef MAPSCOPE_SIM_CHECK_H
#define MAPSCOPE_SIM_CHECK_H

#include <stddef.h>
#include "sim/machine.h"

/*
** Check the model's invariants:
**   - every live session is in the LUID table and the live list, once;
**     SYSTEM's session exists; linked halves point at each other, belong
**     to one account and are one limited and one full token (L2);
**   - every directory is sorted by name with each name once, every link
**     has a target; SYSTEM has no local links, and nobody has any when
**     LUID device maps are off (N3, N5);
**   - each session's connections are sorted by letter, each letter once;
**     a connection belongs to its creator and at most its linked half
**     (C10), the creator's linked half when it is shared;
**   - each credential set is kept by exactly the creator's connections to
**     that server, and there is at most one per server (C5);
**   - every HKCU\Network is sorted by letter, each letter once, and holds
**     no field equal to its account's password (C6); every vault is sorted
**     by target, each target once (K1).
** Where a redirector link lives is not checked here: DefineDosDevice can
** legitimately put the same text anywhere, so an explorer checks it from
** the introspection functions against the links it knows a step made.
** Returns 0, or non-zero with a one-line description of the first broken
** invariant in zErr (nErr bytes). Cost: linear in the machine's size.
*/
int sim_check_invariants(const SimMachine *pM, char *zErr, size_t nErr);

#endif /* MAPSCOPE_SIM_CHECK_H */
