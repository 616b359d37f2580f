/*
** runner/backends/backend_sim.h: what the sim backend offers beyond backend.h.
**
** The explorer checks the model's invariants after every step, so it needs
** the machine behind a sim backend instance; nothing else should reach
** past the operations table.
*/
#ifndef MAPSCOPE_RUNNER_BACKEND_SIM_H
#define MAPSCOPE_RUNNER_BACKEND_SIM_H

#include "sim/machine.h"
#include "sim/session.h"
#include "runner/backends/backend.h"

/* The model machine of an instance opened by backend_sim_ops.xOpen. The
** instance keeps ownership; the pointer is valid until xClose. */
SimMachine *backend_sim_machine(BackendConn *pConn);

/* The model's names for the language's enums (explicit mappings: the two
** sets of enums are numbered independently). An out-of-range value maps to
** the model's COUNT value (SIM_ACCOUNT_STANDARD for accounts). */
SimPolicy backend_sim_policy(ScnPolicy e);
SimAccountKind backend_sim_account_kind(ScnAccountKind e);
SimLogonType backend_sim_logon_type(ScnLogonType e);

/* For explain's pictures (runner/visual/): the placeholder name of a LUID
** ("A", "A.elevated", "SYSTEM"; "?" if unknown), and a malloc'd copy of
** zText with every LUID written as its placeholder, as outputs show them. */
const char *backend_sim_luid_name(BackendConn *pConn, SimLuid luid);
char *backend_sim_render(BackendConn *pConn, const char *zText);
/* The actions the last step's tool performed (T1): one line each, '\n'
** separated (an operation, the token it ran as, its result; `why:` lines
** say which branch of the tool's logic was taken). NULL when the last
** step ran no tool. Owned by the instance, valid until the next step. */
const char *backend_sim_tool_record(BackendConn *pConn);

#endif /* MAPSCOPE_RUNNER_BACKEND_SIM_H */
