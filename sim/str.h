/*
** sim/str.h: small string and array helpers shared by the model's modules.
**
** Windows compares device, server, share, account and credential target
** names without regard to ASCII case; these helpers do the same. Nothing
** here allocates except simstr_dup() and simarr_reserve().
**
** Contents: 1. comparisons  2. copies  3. growable arrays
*/
#ifndef MAPSCOPE_SIM_STR_H
#define MAPSCOPE_SIM_STR_H

#include <stddef.h>

/* ---------------------------------------------------------------- 1 ---- */

/* ASCII case-insensitive compare: <0, 0, >0 like strcmp. NULL sorts first. */
int simstr_icmp(const char *zA, const char *zB);

/* 1 if zA equals zB ignoring ASCII case (NULLs equal only each other). */
int simstr_ieq(const char *zA, const char *zB);

/* 1 if zPrefix is a prefix of zStr ignoring ASCII case. */
int simstr_iprefix(const char *zStr, const char *zPrefix);

/* ---------------------------------------------------------------- 2 ---- */

/* A malloc'd copy of z (NULL stays NULL; *pbOom set to 1 when out of
** memory and z was not NULL). */
char *simstr_dup(const char *z, int *pbOom);

/* Upper-case ASCII letters of z in place; returns z. */
char *simstr_upper(char *z);

/* ---------------------------------------------------------------- 3 ---- */

/*
** Make *ppArray (elements of szElem bytes, *pnAlloc allocated) hold at
** least nNeed elements. Returns 0, or ERROR_NOT_ENOUGH_MEMORY with the
** array left as it was.
*/
int simarr_reserve(void **ppArray, int *pnAlloc, int nNeed, size_t szElem);

#endif /* MAPSCOPE_SIM_STR_H */
