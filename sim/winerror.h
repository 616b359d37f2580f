/*
** sim/winerror.h: the Win32 error codes the model returns.
**
** Every sim_* entry point that models a Win32 call returns one of these
** (0 = success), so tests read like the documentation. The values are the
** ones in the Windows SDK's winerror.h; this header is written for the
** model and includes no Windows header. When the real <winerror.h> is
** already included, its definitions are used instead.
**
** Contents: 1. general codes  2. network and logon codes
*/
#ifndef MAPSCOPE_SIM_WINERROR_H
#define MAPSCOPE_SIM_WINERROR_H

#ifndef _WINERROR_

/* ---------------------------------------------------------------- 1 ---- */
#define ERROR_SUCCESS                       0
#define ERROR_FILE_NOT_FOUND                2
#define ERROR_PATH_NOT_FOUND                3
#define ERROR_ACCESS_DENIED                 5
#define ERROR_NOT_ENOUGH_MEMORY             8
#define ERROR_ALREADY_EXISTS              183
#define ERROR_INVALID_PARAMETER            87
#define ERROR_INVALID_NAME                123

/* ---------------------------------------------------------------- 2 ---- */
#define ERROR_BAD_NETPATH                  53
#define ERROR_BAD_NET_NAME                 67
#define ERROR_ALREADY_ASSIGNED             85
#define ERROR_INVALID_PASSWORD             86
#define ERROR_NOT_FOUND                  1168
#define ERROR_BAD_DEVICE                 1200
#define ERROR_CONNECTION_UNAVAIL         1201
#define ERROR_DEVICE_ALREADY_REMEMBERED  1202
#define ERROR_SESSION_CREDENTIAL_CONFLICT 1219
#define ERROR_NO_MORE_DEVICES            1248
#define ERROR_NO_SUCH_LOGON_SESSION      1312
#define ERROR_USER_EXISTS                1316
#define ERROR_LOGON_FAILURE              1326
#define ERROR_NOT_CONNECTED              2250

#endif /* _WINERROR_ */

#endif /* MAPSCOPE_SIM_WINERROR_H */
