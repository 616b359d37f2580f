/*
** sim/sim.h: the whole model's public interface in one include.
**
** machine.h  machines, world, policies, reboot (W1-W5, L9, G5)
** session.h  logons, tokens (L1-L10)
** dosdev.h   DOS device namespace, Define/QueryDosDevice (N1-N7, D1-D5)
** wnet.h     network connections, net use, restore (C1-C12, R1-R5)
** access.h   opening a path through a drive (C13)
** cred.h     Credential Manager (K1-K3)
** registry.h HKCU\Network, net use default, boot devices
** check.h    whole-machine invariant checks (tests, explorer)
** hash.h     the LUID hash table (usable by callers too)
** rules.h    which rules decided the last operation (explain, check)
*/
#ifndef MAPSCOPE_SIM_SIM_H
#define MAPSCOPE_SIM_SIM_H

#include "sim/winerror.h"
#include "sim/machine.h"
#include "sim/session.h"
#include "sim/dosdev.h"
#include "sim/wnet.h"
#include "sim/access.h"
#include "sim/cred.h"
#include "sim/registry.h"
#include "sim/hash.h"
#include "sim/check.h"
#include "sim/rules.h"

#endif /* MAPSCOPE_SIM_SIM_H */
