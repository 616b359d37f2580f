/*
** sim/clone.h: a deep copy of a model machine.
**
** `mapscope check` visits every state of a small world breadth-first: each
** state's successors start from a copy of it, one per possible step, which
** is cheaper than replaying the path from the first state (docs/check.md
** gives the measurement). The copy shares nothing with the original.
**
** Contents: 1. cloning
*/
#ifndef MAPSCOPE_SIM_CLONE_H
#define MAPSCOPE_SIM_CLONE_H

#include "sim/machine.h"

/* ---------------------------------------------------------------- 1 ---- */

/*
** Copy pM whole: world, policies, registry, vaults, boot devices, every
** live logon session with its directory, connections (a connection two
** halves share, C10, stays shared in the copy) and credential sets, the
** LUID counter, the planted bugs and the rule marks. Returns 0 and sets
** *ppOut (free with sim_machine_free()), or ERROR_NOT_ENOUGH_MEMORY and
** sets *ppOut to NULL.
*/
int sim_machine_clone(const SimMachine *pM, SimMachine **ppOut);

#endif /* MAPSCOPE_SIM_CLONE_H */
