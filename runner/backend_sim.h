/*
** runner/backend_sim.h: what the sim backend offers beyond backend.h.
**
** The explorer checks the model's invariants after every step, so it needs
** the machine behind a sim backend instance; nothing else should reach
** past the operations table.
*/
#ifndef MAPSCOPE_RUNNER_BACKEND_SIM_H
#define MAPSCOPE_RUNNER_BACKEND_SIM_H

#include "../sim/machine.h"
#include "backend.h"

/* The model machine of an instance opened by backend_sim_ops.xOpen. The
** instance keeps ownership; the pointer is valid until xClose. */
SimMachine *backend_sim_machine(BackendConn *pConn);

#endif /* MAPSCOPE_RUNNER_BACKEND_SIM_H */
