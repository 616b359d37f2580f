/*
** lang/parse.c: the .scn parser (SCENARIO-LANGUAGE v2, plus the extensions
** listed in docs/language.md).
**
** A file is read line by line. Lines before the first step hold the header
** (title, source, tags) and the world (machine, user, share); then come
** steps, each optionally preceded by annotations (onlyif, skipif, todo) and
** followed by an expected block (`----` and lines up to a blank line).
** Any defect stops the parse: the caller gets "FILE:LINE: message" and no
** scenario at all. A message never repeats a word that may be a password
** (see word_desc). A parsed scenario lives in one arena (lex.h).
**
** Contents:
**   1. Messages, memory, predicates on words, keyword tables, machine
**      key=value
**   2. Step lines (shared by the file parser and scn_parse_step_line):
**      net use, cmdkey, wnet, define/undefine/query, reg, tool profiles,
**      logon options
**   3. The parser state; world statements (user, share with alias=, machine)
**   4. Logon-name tracking (a small hash table of names; from= checks,
**      failed and shared logons, placeholders in targets)
**   5. The file parser: header, annotations, steps, expected blocks, bytes
**   6. Public entry points and freeing
**
** Portable C11, standard library only (also built by mingw-w64).
*/
#include "lang/scenario.h"
#include "lang/lex.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- 1 ---- */

#define SCN_MSG_SIZE 512

/* Write a message into zMsg (SCN_MSG_SIZE bytes); always returns 1. */
static int fail(char *zMsg, const char *zFmt, ...) {
  va_list ap;
  va_start(ap, zFmt);
  vsnprintf(zMsg, SCN_MSG_SIZE, zFmt, ap);
  va_end(ap);
  return 1;
}

/*
** Memory. A scenario parsed from a file takes every string and array from
** its arena (lex.h, section 4; issue 13.7), so nothing below it is freed
** on its own. A step parsed alone (scn_parse_step_line) has no arena: its
** fields are malloc'd and scn_step_clear frees them. The helpers take the
** arena (or NULL) and do the right thing for either.
*/

/* Append a string (ownership passes to the array on success). Returns 0,
** or 1 on allocation failure (z is released). */
static int push_str(ScnArena *pA, char ***paz, int *pn, char *z) {
  char **aNew;
  if (z == NULL) return 1;
  aNew = scnx_mem_grow(pA, *paz, *pn, sizeof(char *));
  if (aNew == NULL) {
    scnx_mem_free(pA, z);
    return 1;
  }
  *paz = aNew;
  aNew[(*pn)++] = z;
  return 0;
}

static void free_strs(ScnArena *pA, char **az, int n) {
  int i;
  if (pA) return;
  for (i = 0; i < n; i++) free(az[i]);
  free(az);
}

/* 1 if the word is the keyword or flag zKw: unquoted, case-insensitive. */
static int is_kw(const ScnWord *pW, const char *zKw) {
  /* the first letter decides most comparisons: test it before the call */
  int a = (unsigned char)pW->z[0], b = (unsigned char)zKw[0];
  return !pW->bQuoted && SCNX_LOWER(a) == SCNX_LOWER(b) && scnx_stricmp(pW->z, zKw) == 0;
}

/* 1 if the word starts with the unquoted option prefix zPre (like
** "password=" or "/user:"), matched case-insensitively. */
static int has_prefix(const ScnWord *pW, const char *zPre) {
  size_t n = strlen(zPre);
  return pW->nPlain >= n && scnx_strnicmp(pW->z, zPre, n) == 0;
}

/* 1 if the word looks like a net.exe option: an unquoted leading '/'. */
static int is_slash_option(const ScnWord *pW) {
  return pW->nPlain > 0 && pW->z[0] == '/';
}

/* Parse a drive letter `X:` into its upper-case letter. Returns 0 or 1. */
static int parse_letter(const char *z, char *pc) {
  char c = z[0];
  if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
  if (c < 'A' || c > 'Z' || z[1] != ':' || z[2] != 0) return 1;
  *pc = c;
  return 0;
}

static const char *word_desc(const ScnWord *pW, char *zBuf, size_t nBuf);
static const char *word_show(const ScnWord *pW, char *zBuf, size_t nBuf);
static int quote_in_key(const ScnWord *pW);
static int err_quote_in_key(char *zMsg, const ScnWord *pW);

/* A bad drive letter: quoted as written when short (a misplaced password
** is not repeated, see word_desc). */
static int bad_letter(char *zMsg, const ScnWord *pW) {
  char zW[64];
  if (!pW->bQuoted && strlen(pW->z) <= 3) {
    return fail(zMsg, "bad drive letter '%s' (expected a letter and a colon, like Z:)", pW->z);
  }
  return fail(zMsg, "bad drive letter at %s (expected a letter and a colon, like Z:)",
              word_desc(pW, zW, sizeof(zW)));
}

/* A bad UNC path: quoted as written when it starts with two backslashes. */
static int bad_unc(char *zMsg, const ScnWord *pW, int bShareOnly) {
  char zW[64];
  const char *zWant = bShareOnly ? "\\\\server\\share, two parts" : "\\\\server\\share";
  if (!pW->bQuoted && strchr(pW->z, '\\') != NULL && strchr(pW->z, '=') == NULL) {
    return fail(zMsg, "bad UNC path '%.60s' (expected %s)", pW->z, zWant);
  }
  return fail(zMsg, "bad UNC path at %s (expected %s)", word_desc(pW, zW, sizeof(zW)), zWant);
}

/* Check `\\server\share[\more]`; bShareOnly requires exactly two parts.
** Returns 0 if well formed. */
static int check_unc(const char *z, int bShareOnly) {
  const char *p, *pSlash;
  if (z[0] != '\\' || z[1] != '\\') return 1;
  p = z + 2;
  pSlash = strchr(p, '\\');
  if (pSlash == NULL || pSlash == p) return 1;          /* no server */
  p = pSlash + 1;
  if (*p == 0 || *p == '\\') return 1;                  /* no share */
  pSlash = strchr(p, '\\');
  if (pSlash == NULL) return 0;
  if (bShareOnly) return 1;
  return 0;
}

/* A name or keyword as written, for a message: 'name'. A text holding a
** key=value or a /option:value shows its key only ('password=...'), so a
** password written in the wrong place is never repeated (issue 9.7).
** zBuf needs 64 bytes. */
static const char *show_str(const char *z, char *zBuf, size_t nBuf) {
  const char *pEq = strchr(z, '=');
  const char *pColon = z[0] == '/' ? strchr(z, ':') : NULL;
  const char *pCut = pEq && (!pColon || pEq < pColon) ? pEq : pColon;
  if (pCut && pCut - z < 40) {
    snprintf(zBuf, nBuf, "'%.*s...'", (int)(pCut - z + 1), z);
  } else if (pCut) {
    snprintf(zBuf, nBuf, "(a word with a value)");
  } else {
    snprintf(zBuf, nBuf, "'%.40s'", z);
  }
  return zBuf;
}

/* A logon name: letters, digits, '_' and '-'; not SYSTEM. */
static int check_session_name(const char *z, char *zMsg) {
  const char *p;
  if (*z == 0) return fail(zMsg, "empty logon name");
  for (p = z; *p; p++) {
    char c = *p;
    int bOk = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!bOk) {
      char zS[64];
      return fail(zMsg, "bad logon name %s (use letters, digits, '_' and '-')",
                  show_str(z, zS, sizeof(zS)));
    }
  }
  if (scnx_stricmp(z, "SYSTEM") == 0) {
    return fail(zMsg, "SYSTEM is reserved and cannot name a logon");
  }
  return 0;
}

/* An account name: no blanks, quotes, ',', '=', '\', '/', ':', braces. */
static int check_user_name(const char *z, char *zMsg) {
  const char *p;
  if (*z == 0) return fail(zMsg, "empty user name");
  for (p = z; *p; p++) {
    if ((unsigned char)*p <= ' ' || strchr("\",=\\/:{}", *p) != NULL) {
      char zS[64];
      return fail(zMsg, "bad user name %s (no blanks or any of \" , = \\ / : { })",
                  show_str(z, zS, sizeof(zS)));
    }
  }
  if (scnx_stricmp(z, "SYSTEM") == 0 || scnx_stricmp(z, "everyone") == 0) {
    return fail(zMsg, "'%s' is reserved and cannot name a user", z);
  }
  return 0;
}

static const char *const azPolicyName[SCN_POL_COUNT] = {
  "uac", "filter-admin-token", "local-account-token-filter",
  "linked-connections", "restore-connections", "luid-maps",
  "protection-mode", "consent-prompt"
};

static const char *const azLogonName[SCN_LOGON_COUNT] = {
  "interactive", "rdp", "runas", "batch", "service", "network", "winrm",
  "credssp", "become", "current", "ssh", "netonly", "task", "elevate"
};

const char *scn_policy_name(ScnPolicy e) {
  return ((int)e >= 0 && e < SCN_POL_COUNT) ? azPolicyName[e] : "?";
}

const char *scn_policy_value_name(ScnPolicy e, int bOn) {
  if (e == SCN_POL_CONSENT_CREDENTIALS) return bOn ? "credentials" : "consent";
  return bOn ? "on" : "off";
}

const char *scn_logon_type_name(ScnLogonType e) {
  return ((int)e >= 0 && e < SCN_LOGON_COUNT) ? azLogonName[e] : "?";
}

/* Parse `key=value` of a machine line. *pePolicy is SCN_POL_COUNT for
** disks= (its letters go to *pmDisks). Returns 0 or 1 with a message. */
static int parse_machine_kv(const ScnWord *pW, ScnPolicy *pePolicy, int *pbOn,
                            unsigned *pmDisks, char *zMsg) {
  const char *zEq = strchr(pW->z, '=');
  size_t nKey;
  int i;
  if (quote_in_key(pW)) return err_quote_in_key(zMsg, pW);
  if (zEq == NULL) {
    char zW[80];
    return fail(zMsg, "expected key=value, got %s", word_show(pW, zW, sizeof(zW)));
  }
  nKey = (size_t)(zEq - pW->z);
  if (nKey == 5 && scnx_strnicmp(pW->z, "disks", 5) == 0) {
    const char *p = zEq + 1;
    unsigned m = 0;
    *pePolicy = SCN_POL_COUNT;
    if (*p == 0) return fail(zMsg, "disks= needs at least one drive letter");
    for (;;) {
      const char *pComma = strchr(p, ',');
      size_t n = pComma ? (size_t)(pComma - p) : strlen(p);
      char zL[3], c;
      if (n != 2) {
        return fail(zMsg, "bad drive letter '%.*s' in disks= (expected a letter and a colon, like D:)",
                    (int)(n > 40 ? 40 : n), p);
      }
      zL[0] = p[0];
      zL[1] = p[1];
      zL[2] = 0;
      if (parse_letter(zL, &c)) {
        return fail(zMsg, "bad drive letter '%s' in disks= (expected a letter and a colon, like D:)", zL);
      }
      if (m & (1u << (c - 'A'))) return fail(zMsg, "disk %c: listed twice in disks=", c);
      m |= 1u << (c - 'A');
      if (pComma == NULL) break;
      p = pComma + 1;
    }
    *pmDisks = m;
    return 0;
  }
  for (i = 0; i < SCN_POL_COUNT; i++) {
    if (strlen(azPolicyName[i]) == nKey && scnx_strnicmp(pW->z, azPolicyName[i], nKey) == 0) {
      break;
    }
  }
  if (i == SCN_POL_COUNT) {
    return fail(zMsg, "unknown machine key '%.*s' (known: uac, filter-admin-token, "
                "local-account-token-filter, linked-connections, restore-connections, "
                "luid-maps, protection-mode, consent-prompt, disks)",
                (int)(nKey > 40 ? 40 : nKey), pW->z);
  }
  *pePolicy = (ScnPolicy)i;
  if (i == SCN_POL_CONSENT_CREDENTIALS) {
    if (scnx_stricmp(zEq + 1, "consent") == 0) *pbOn = 0;
    else if (scnx_stricmp(zEq + 1, "credentials") == 0) *pbOn = 1;
    else {
      return fail(zMsg, "machine key consent-prompt takes consent or credentials, not '%.40s'",
                  zEq + 1);
    }
    return 0;
  }
  if (scnx_stricmp(zEq + 1, "on") == 0) {
    *pbOn = 1;
  } else if (scnx_stricmp(zEq + 1, "off") == 0) {
    *pbOn = 0;
  } else {
    return fail(zMsg, "machine key %s takes on or off, not '%.40s'", azPolicyName[i], zEq + 1);
  }
  return 0;
}

/* ---------------------------------------------------------------- 2 ---- */

/* Empty a step; it keeps no arena (set pArena after this if it has one). */
static void step_init(ScnStep *p) {
  memset(p, 0, sizeof(*p));
  p->ePersistent = -1;
}

/* Duplicate the value after a prefix into *pz; fails on a repeat. */
static int take_value(ScnStep *p, const ScnWord *pW, size_t nPre, char **pz,
                      const char *zWhat, char *zMsg) {
  if (*pz != NULL) return fail(zMsg, "%s given twice", zWhat);
  *pz = scnx_mem_strdup(p->pArena, pW->z + nPre);
  if (*pz == NULL) return fail(zMsg, "out of memory");
  return 0;
}

/* Set a boolean flag once. */
static int take_flag(int *pb, const char *zWhat, char *zMsg) {
  if (*pb) return fail(zMsg, "option %s given twice", zWhat);
  *pb = 1;
  return 0;
}

/* Duplicate z into *pz, a field of step p (from p's arena, if any). */
static int dup_into(ScnStep *p, char **pz, const char *z, char *zMsg) {
  *pz = scnx_mem_strdup(p->pArena, z);
  return *pz == NULL ? fail(zMsg, "out of memory") : 0;
}

/*
** Secrets in messages (issue 9.7). A word that a message has to mention
** may be a password written in an odd place (before /user:, after
** /persistent:, after `wnet cancel`, quoted, pass= in any case), so
** messages about a word in a step or world line never quote it whole:
** word_desc() names its position and, when it starts with an unquoted
** `key=` or `/option:` prefix, that prefix alone ("word 6, 'pass='").
** Positions that never hold a secret (a logon type, a drive letter, a UNC
** path, a command name) may still be quoted as written.
*/
static const char *word_desc(const ScnWord *pW, char *zBuf, size_t nBuf) {
  size_t i, nKey = 0;
  for (i = 0; i < pW->nPlain && i < 40; i++) {
    char c = pW->z[i];
    if (c == '=' || (c == ':' && pW->z[0] == '/')) {
      nKey = i + 1;
      break;
    }
  }
  if (nKey > 0) {
    snprintf(zBuf, nBuf, "word %d '%.*s...'", pW->iWord + 1, (int)nKey, pW->z);
  } else if (pW->bQuoted) {
    snprintf(zBuf, nBuf, "word %d (quoted)", pW->iWord + 1);
  } else {
    snprintf(zBuf, nBuf, "word %d", pW->iWord + 1);
  }
  return zBuf;
}

/* A word in a position that holds no secret when written right: quoted
** as written ('interactiv'), unless it looks like an option or a
** key=value or is quoted, which word_desc() describes instead. */
static const char *word_show(const ScnWord *pW, char *zBuf, size_t nBuf) {
  char zD[64];
  if (!pW->bQuoted && strchr(pW->z, '=') == NULL && pW->z[0] != '/') {
    snprintf(zBuf, nBuf, "'%.40s'", pW->z);
  } else {
    snprintf(zBuf, nBuf, "%s", word_desc(pW, zD, sizeof(zD)));
  }
  return zBuf;
}

/* 1 if a quote opens inside the key of a key=value word (`pass"word"=x`,
** `"password=x"`): SCENARIO-LANGUAGE v2 makes it a file error. */
static int quote_in_key(const ScnWord *pW) {
  const char *zEq = strchr(pW->z, '=');
  return pW->bQuoted && zEq != NULL && (size_t)(zEq - pW->z) >= pW->nPlain;
}

static int err_quote_in_key(char *zMsg, const ScnWord *pW) {
  return fail(zMsg, "a quote opens inside the key of word %d: quotes may open inside a "
              "value, not inside a key", pW->iWord + 1);
}

/* An unexpected word: its position only (it may be a misplaced password). */
static int too_many(char *zMsg, const ScnWord *pW, const char *zCmd) {
  char zW[64];
  if (quote_in_key(pW)) return err_quote_in_key(zMsg, pW);
  return fail(zMsg, "unexpected %s after %s", word_desc(pW, zW, sizeof(zW)), zCmd);
}

/* An unexpected word after a command that takes no secret (reboot, query,
** dir, drives, ...): shown as written when that is safe (word_show). */
static int too_many_plain(char *zMsg, const ScnWord *pW, const char *zCmd) {
  char zW[80];
  return fail(zMsg, "unexpected %s after %s", word_show(pW, zW, sizeof(zW)), zCmd);
}

/* An unknown option: named by position and prefix only, see word_desc(). */
static int bad_option(char *zMsg, const ScnWord *pW, const char *zCmd, const char *zKnown) {
  char zW[64];
  if (quote_in_key(pW)) return err_quote_in_key(zMsg, pW);
  return fail(zMsg, "unknown %s option at %s (known: %s)", zCmd, word_desc(pW, zW, sizeof(zW)),
              zKnown);
}

/* Parse /persistent:yes|no into *pe (-1 absent); fails on a repeat. */
static int take_persistent(const ScnWord *pW, int *pe, char *zMsg) {
  const char *zV = pW->z + 12;
  if (*pe != -1) return fail(zMsg, "/persistent: given twice");
  if (scnx_stricmp(zV, "yes") == 0) *pe = 1;
  else if (scnx_stricmp(zV, "no") == 0) *pe = 0;
  else return fail(zMsg, "/persistent: takes yes or no, not '%.40s'", zV);
  return 0;
}

/* The options after `net use <L:>|*|\\s\sh \\s\sh`: /user:<u> [<pw>] and,
** unless bDeviceless, /persistent:. A word after /user:<u> is its password
** unless it is an unquoted option (`/persistent:no` is never a password);
** `/user:u` alone passes a NULL password (C9). */
static int parse_net_use_opts(const ScnWord *a, int n, int i, ScnStep *p, int bDeviceless,
                              const char *zCmd, char *zMsg) {
  for (; i < n; i++) {
    if (has_prefix(&a[i], "/user:")) {
      if (take_value(p, &a[i], 6, &p->zCredUser, "/user:", zMsg)) return 1;
      if (p->zCredUser[0] == 0) return fail(zMsg, "/user: needs a user name");
      if (i + 1 < n && !is_slash_option(&a[i + 1])) {
        i++;
        if (is_kw(&a[i], "*")) {
          return fail(zMsg, "a * password (net.exe prompts for it) cannot be scripted: "
                      "write the password, or quote \"*\" for a literal one");
        }
        if (dup_into(p, &p->zCredPassword, a[i].z, zMsg)) return 1;
      }
    } else if (has_prefix(&a[i], "/persistent:")) {
      if (bDeviceless) {
        return fail(zMsg, "/persistent: does not apply to a deviceless connection "
                    "(it is never remembered, C14)");
      }
      if (take_persistent(&a[i], &p->ePersistent, zMsg)) return 1;
    } else if (is_slash_option(&a[i])) {
      return bad_option(zMsg, &a[i], "net use",
                        bDeviceless ? "/user:" : "/user:, /persistent:");
    } else {
      return too_many(zMsg, &a[i], zCmd);
    }
  }
  return 0;
}

/* `net use ...`; words a[0..n), a[0] is "net". */
static int parse_net_use(const ScnWord *a, int n, ScnStep *p, char *zMsg) {
  if (n < 2 || !is_kw(&a[1], "use")) {
    return fail(zMsg, "unknown command 'net %.40s' (only 'net use' is known)",
                n > 1 && !a[1].bQuoted ? a[1].z : "");
  }
  if (n == 2) {
    p->eCmd = SCN_CMD_NET_USE_LIST;
    return 0;
  }
  if (has_prefix(&a[2], "/persistent:")) {
    p->eCmd = SCN_CMD_NET_USE_PERSISTENT;
    if (take_persistent(&a[2], &p->ePersistent, zMsg)) return 1;
    if (n > 3) return too_many(zMsg, &a[3], "net use /persistent:");
    return 0;
  }
  if (is_kw(&a[2], "*")) {
    if (n < 4) return fail(zMsg, "net use * must be followed by /delete or \\\\server\\share");
    if (is_kw(&a[3], "/delete")) {
      if (n > 4) return too_many(zMsg, &a[4], "net use * /delete");
      p->eCmd = SCN_CMD_NET_USE_DELETE_ALL;
      return 0;
    }
    if (check_unc(a[3].z, 0)) {
      if (is_slash_option(&a[3])) {
        return fail(zMsg, "net use * must be followed by /delete or \\\\server\\share");
      }
      return bad_unc(zMsg, &a[3], 0);
    }
    p->eCmd = SCN_CMD_NET_USE_AUTO;
    if (dup_into(p, &p->zRemote, a[3].z, zMsg)) return 1;
    return parse_net_use_opts(a, n, 4, p, 0, "net use * \\\\server\\share", zMsg);
  }
  if (a[2].z[0] == '\\' && a[2].z[1] == '\\') {
    if (check_unc(a[2].z, 0)) return bad_unc(zMsg, &a[2], 0);
    if (dup_into(p, &p->zRemote, a[2].z, zMsg)) return 1;
    if (n > 3 && is_kw(&a[3], "/delete")) {
      if (n > 4) return too_many(zMsg, &a[4], "net use \\\\server\\share /delete");
      p->eCmd = SCN_CMD_NET_USE_DELETE_REMOTE;
      return 0;
    }
    p->eCmd = SCN_CMD_NET_USE_DEVICELESS;
    return parse_net_use_opts(a, n, 3, p, 1, "net use \\\\server\\share", zMsg);
  }
  if (is_slash_option(&a[2])) {
    return bad_option(zMsg, &a[2], "net use", "/persistent:, or a drive letter, * or "
                      "\\\\server\\share first");
  }
  if (parse_letter(a[2].z, &p->cLetter)) return bad_letter(zMsg, &a[2]);
  if (n < 4) {
    return fail(zMsg, "net use %c: needs \\\\server\\share or /delete", p->cLetter);
  }
  if (is_kw(&a[3], "/delete")) {
    if (n > 4) return too_many(zMsg, &a[4], "net use L: /delete");
    p->eCmd = SCN_CMD_NET_USE_DELETE;
    return 0;
  }
  if (check_unc(a[3].z, 0)) {
    if (is_slash_option(&a[3])) {
      return bad_option(zMsg, &a[3], "net use", "\\\\server\\share or /delete after the letter");
    }
    return bad_unc(zMsg, &a[3], 0);
  }
  p->eCmd = SCN_CMD_NET_USE_ADD;
  if (dup_into(p, &p->zRemote, a[3].z, zMsg)) return 1;
  return parse_net_use_opts(a, n, 4, p, 0, "net use L: \\\\server\\share", zMsg);
}

/* A vault target: a name, or a wildcard `*` or `*.suffix` (K3, v2). */
static int check_vault_target(const char *z, char *zMsg) {
  const char *pStar = strchr(z, '*');
  if (pStar == NULL) return 0;
  if (pStar == z && (z[1] == 0 || (z[1] == '.' && z[2] != 0 && strchr(z + 1, '*') == NULL))) {
    return 0;
  }
  return fail(zMsg, "bad wildcard target '%.60s' (a wildcard is * or *.suffix, K3)", z);
}

/* `cmdkey ...`; a[0] is "cmdkey". */
static int parse_cmdkey(const ScnWord *a, int n, ScnStep *p, char *zMsg) {
  int i;
  if (n < 2) return fail(zMsg, "cmdkey needs /add:, /delete: or /list");
  if (is_kw(&a[1], "/list")) {
    if (n > 2) return too_many(zMsg, &a[2], "cmdkey /list");
    p->eCmd = SCN_CMD_CMDKEY_LIST;
    return 0;
  }
  if (has_prefix(&a[1], "/delete:")) {
    p->eCmd = SCN_CMD_CMDKEY_DELETE;
    if (a[1].z[8] == 0) return fail(zMsg, "cmdkey /delete: needs a target");
    if (dup_into(p, &p->zTarget, a[1].z + 8, zMsg)) return 1;
    if (check_vault_target(p->zTarget, zMsg)) return 1;
    if (n > 2) return too_many(zMsg, &a[2], "cmdkey /delete:");
    return 0;
  }
  /* /add:, /user: and /pass: in any order, as cmdkey.exe takes them. */
  p->eCmd = SCN_CMD_CMDKEY_ADD;
  for (i = 1; i < n; i++) {
    if (has_prefix(&a[i], "/add:")) {
      if (take_value(p, &a[i], 5, &p->zTarget, "/add:", zMsg)) return 1;
      if (p->zTarget[0] == 0) return fail(zMsg, "cmdkey /add: needs a target");
    } else if (has_prefix(&a[i], "/user:")) {
      if (take_value(p, &a[i], 6, &p->zCredUser, "/user:", zMsg)) return 1;
      if (p->zCredUser[0] == 0) return fail(zMsg, "/user: needs a user name");
    } else if (has_prefix(&a[i], "/pass:")) {
      if (take_value(p, &a[i], 6, &p->zCredPassword, "/pass:", zMsg)) return 1;
    } else {
      return bad_option(zMsg, &a[i], "cmdkey", "/add:, /user:, /pass:, /delete:, /list");
    }
  }
  if (p->zTarget == NULL) return fail(zMsg, "cmdkey needs /add:, /delete: or /list");
  if (check_vault_target(p->zTarget, zMsg)) return 1;
  if (p->zCredUser == NULL) return fail(zMsg, "cmdkey /add: needs /user:");
  if (p->zCredPassword == NULL) return fail(zMsg, "cmdkey /add: needs /pass:");
  return 0;
}

/* `wnet ...`; a[0] is "wnet". */
static int parse_wnet(const ScnWord *a, int n, ScnStep *p, char *zMsg) {
  int i, bDeviceless = 0;
  if (n < 2) return fail(zMsg, "wnet needs add, cancel, get or enum");
  if (is_kw(&a[1], "enum")) {
    p->eCmd = SCN_CMD_WNET_ENUM;
    if (n < 3) return fail(zMsg, "wnet enum needs connected or remembered");
    if (is_kw(&a[2], "connected")) p->bEnumRemembered = 0;
    else if (is_kw(&a[2], "remembered")) p->bEnumRemembered = 1;
    else {
      char zS[80];
      return fail(zMsg, "wnet enum takes connected or remembered, not %s",
                  word_show(&a[2], zS, sizeof(zS)));
    }
    if (n > 3) return too_many_plain(zMsg, &a[3], "wnet enum");
    return 0;
  }
  if (is_kw(&a[1], "add")) p->eCmd = SCN_CMD_WNET_ADD;
  else if (is_kw(&a[1], "cancel")) p->eCmd = SCN_CMD_WNET_CANCEL;
  else if (is_kw(&a[1], "get")) p->eCmd = SCN_CMD_WNET_GET;
  else return fail(zMsg, "unknown command 'wnet %.40s' (known: add, cancel, get, enum)", a[1].z);
  if (n < 3) {
    return fail(zMsg, "wnet %s needs a drive letter%s", a[1].z,
                p->eCmd == SCN_CMD_WNET_GET ? "" : " or \\\\server\\share");
  }
  if (p->eCmd != SCN_CMD_WNET_GET && a[2].z[0] == '\\' && a[2].z[1] == '\\') {
    /* v2 deviceless forms (C14) */
    if (check_unc(a[2].z, 0)) return bad_unc(zMsg, &a[2], 0);
    if (dup_into(p, &p->zRemote, a[2].z, zMsg)) return 1;
    p->eCmd = p->eCmd == SCN_CMD_WNET_ADD ? SCN_CMD_WNET_ADD_DEVICELESS
                                          : SCN_CMD_WNET_CANCEL_REMOTE;
    bDeviceless = 1;
    i = 3;
  } else {
    if (parse_letter(a[2].z, &p->cLetter)) return bad_letter(zMsg, &a[2]);
    if (p->eCmd == SCN_CMD_WNET_GET) {
      if (n > 3) return too_many_plain(zMsg, &a[3], "wnet get L:");
      return 0;
    }
    i = 3;
    if (p->eCmd == SCN_CMD_WNET_ADD) {
      if (n < 4) return fail(zMsg, "wnet add %c: needs \\\\server\\share", p->cLetter);
      if (check_unc(a[3].z, 0)) return bad_unc(zMsg, &a[3], 0);
      if (dup_into(p, &p->zRemote, a[3].z, zMsg)) return 1;
      i = 4;
    }
  }
  for (; i < n; i++) {
    int bAdd = p->eCmd == SCN_CMD_WNET_ADD || p->eCmd == SCN_CMD_WNET_ADD_DEVICELESS;
    if (!bDeviceless && is_kw(&a[i], "update-profile")) {
      if (take_flag(&p->bUpdateProfile, "update-profile", zMsg)) return 1;
    } else if (!bAdd && is_kw(&a[i], "force")) {
      if (take_flag(&p->bForce, "force", zMsg)) return 1;
    } else if (bAdd && !bDeviceless && is_kw(&a[i], "temporary")) {
      if (take_flag(&p->bTemporary, "temporary", zMsg)) return 1;
    } else if (bAdd && has_prefix(&a[i], "user=")) {
      if (take_value(p, &a[i], 5, &p->zCredUser, "user=", zMsg)) return 1;
    } else if (bAdd && has_prefix(&a[i], "password=")) {
      if (take_value(p, &a[i], 9, &p->zCredPassword, "password=", zMsg)) return 1;
    } else if (bAdd) {
      return bad_option(zMsg, &a[i], "wnet add", bDeviceless ? "user=, password="
                        : "user=, password=, update-profile, temporary");
    } else {
      return bad_option(zMsg, &a[i], "wnet cancel", bDeviceless ? "force"
                        : "update-profile, force");
    }
  }
  return 0;
}

/* define / undefine / query; a[0] is the command. */
static int parse_dosdev(const ScnWord *a, int n, ScnStep *p, char *zMsg) {
  int i;
  if (is_kw(&a[0], "query")) {
    p->eCmd = SCN_CMD_QUERY;
    if (n < 2) return fail(zMsg, "query needs a device name");
    if (n > 2) return too_many_plain(zMsg, &a[2], "query NAME");
  } else if (is_kw(&a[0], "define")) {
    p->eCmd = SCN_CMD_DEFINE;
    if (n < 3) return fail(zMsg, "define needs a device name and a target");
    if (dup_into(p, &p->zTarget, a[2].z, zMsg)) return 1;
    for (i = 3; i < n; i++) {
      if (is_kw(&a[i], "raw")) {
        if (take_flag(&p->bRaw, "raw", zMsg)) return 1;
      } else {
        char zS[80];
        return fail(zMsg, "unknown define option %s (known: raw)", word_show(&a[i], zS, sizeof(zS)));
      }
    }
  } else {
    p->eCmd = SCN_CMD_UNDEFINE;
    if (n < 2) return fail(zMsg, "undefine needs a device name");
    for (i = 2; i < n; i++) {
      if (is_kw(&a[i], "raw")) {
        if (take_flag(&p->bRaw, "raw", zMsg)) return 1;
      } else if (is_kw(&a[i], "exact")) {
        if (take_flag(&p->bExact, "exact", zMsg)) return 1;
      } else if (i == 2) {
        if (dup_into(p, &p->zTarget, a[i].z, zMsg)) return 1;
      } else {
        char zS[80];
        return fail(zMsg, "unknown undefine option %s (the target comes first; "
                    "flags: exact, raw)", word_show(&a[i], zS, sizeof(zS)));
      }
    }
  }
  if (a[1].z[0] == 0) return fail(zMsg, "empty device name");
  return dup_into(p, &p->zName, a[1].z, zMsg);
}

/* `reg set|delete HKCU\Network\<L> ...` (v2, R6); a[0] is "reg". */
static int parse_reg(const ScnWord *a, int n, ScnStep *p, char *zMsg) {
  static const char zKey[] = "HKCU\\Network\\";
  const size_t nKey = sizeof(zKey) - 1;
  int bSet;
  if (n < 2 || (!is_kw(&a[1], "set") && !is_kw(&a[1], "delete"))) {
    return fail(zMsg, "reg needs set or delete");
  }
  bSet = is_kw(&a[1], "set");
  p->eCmd = bSet ? SCN_CMD_REG_SET : SCN_CMD_REG_DELETE;
  if (n < 3) return fail(zMsg, "reg %s needs HKCU\\Network\\<letter>", bSet ? "set" : "delete");
  {
    const char *z = a[2].z;
    char c = z[nKey];
    if (a[2].bQuoted || scnx_strnicmp(z, zKey, nKey) != 0 || c == 0 || z[nKey + 1] != 0) {
      char zS[80];
      return fail(zMsg, "reg %s takes a key HKCU\\Network\\<letter> (like HKCU\\Network\\Z), "
                  "not %s", bSet ? "set" : "delete", word_show(&a[2], zS, sizeof(zS)));
    }
    if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') {
      return fail(zMsg, "reg %s: the key under HKCU\\Network is a drive letter without "
                  "a colon, not '%.40s'", bSet ? "set" : "delete", z + nKey);
    }
    p->cLetter = c;
  }
  if (!bSet) {
    if (n > 4) return too_many(zMsg, &a[4], "reg delete KEY VALUE");
    if (n == 4) {
      if (a[3].z[0] == 0) return fail(zMsg, "reg delete: empty value name");
      if (dup_into(p, &p->zRegValue, a[3].z, zMsg)) return 1;
    }
    return 0;
  }
  if (n < 5) return fail(zMsg, "reg set needs a key, a value name and data (or dword:N)");
  if (n > 5) return too_many(zMsg, &a[5], "reg set KEY VALUE DATA (quote data with blanks)");
  if (a[3].z[0] == 0) return fail(zMsg, "reg set: empty value name");
  if (dup_into(p, &p->zRegValue, a[3].z, zMsg)) return 1;
  if (has_prefix(&a[4], "dword:")) {
    const char *zN = a[4].z + 6;
    unsigned long long v = 0;
    int base = 10;
    if (zN[0] == '0' && (zN[1] == 'x' || zN[1] == 'X')) {
      base = 16;
      zN += 2;
    }
    if (*zN == 0) return fail(zMsg, "reg set: dword: needs a number (decimal, or hex with 0x)");
    for (; *zN; zN++) {
      int d;
      char c = *zN;
      if (c >= '0' && c <= '9') d = c - '0';
      else if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
      else if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
      else return fail(zMsg, "reg set: bad dword '%.40s' (decimal, or hex with 0x)", a[4].z + 6);
      v = v * (unsigned)base + (unsigned)d;
      if (v > 0xffffffffULL) return fail(zMsg, "reg set: dword '%.40s' is above 4294967295",
                                         a[4].z + 6);
    }
    p->eRegType = SCN_REG_DWORD;
    p->uRegDword = (unsigned long)v;
    return 0;
  }
  p->eRegType = SCN_REG_SZ;
  return dup_into(p, &p->zRegData, a[4].z, zMsg);
}

/*
** Tool profiles (v2, SEMANTICS T2-T7). For each profile: the keys it takes
** and which of them are required. Keys are matched case-insensitively;
** flags are bare words. See docs/language.md for the choices.
*/
#define TK(k) (1u << (k))

typedef struct ScnToolDef ScnToolDef;
struct ScnToolDef {
  const char *zName;   /* profile name as SCENARIO-LANGUAGE spells it */
  unsigned mKeys;      /* keys accepted */
  unsigned mRequired;  /* keys required */
  unsigned mFlags;     /* keys that are bare flags */
  int bPairedCred;     /* user= and password= must come together */
};

static const ScnToolDef aToolDef[SCN_TOOL_COUNT] = {
  { "?", 0, 0, 0, 0 },
  { "ansible.win_mapped_drive",
    TK(SCN_TKEY_STATE) | TK(SCN_TKEY_LETTER) | TK(SCN_TKEY_PATH) | TK(SCN_TKEY_USERNAME)
      | TK(SCN_TKEY_PASSWORD),
    TK(SCN_TKEY_STATE) | TK(SCN_TKEY_LETTER), 0, 0 },
  { "ansible.win_credential",
    TK(SCN_TKEY_STATE) | TK(SCN_TKEY_NAME) | TK(SCN_TKEY_USERNAME) | TK(SCN_TKEY_SECRET),
    TK(SCN_TKEY_STATE) | TK(SCN_TKEY_NAME), 0, 0 },
  { "ps.New-PSDrive",
    TK(SCN_TKEY_NAME) | TK(SCN_TKEY_ROOT) | TK(SCN_TKEY_PERSIST) | TK(SCN_TKEY_USER)
      | TK(SCN_TKEY_PASSWORD),
    TK(SCN_TKEY_NAME) | TK(SCN_TKEY_ROOT), TK(SCN_TKEY_PERSIST), 1 },
  { "ps.Remove-PSDrive", TK(SCN_TKEY_NAME), TK(SCN_TKEY_NAME), 0, 0 },
  { "ps.New-SmbMapping",
    TK(SCN_TKEY_LOCAL) | TK(SCN_TKEY_REMOTE) | TK(SCN_TKEY_PERSISTENT)
      | TK(SCN_TKEY_SAVE_CREDENTIALS) | TK(SCN_TKEY_USER) | TK(SCN_TKEY_PASSWORD),
    TK(SCN_TKEY_LOCAL) | TK(SCN_TKEY_REMOTE),
    TK(SCN_TKEY_PERSISTENT) | TK(SCN_TKEY_SAVE_CREDENTIALS), 1 },
  { "ps.Remove-SmbMapping", TK(SCN_TKEY_LOCAL), TK(SCN_TKEY_LOCAL), 0, 0 },
  { "netapi.NetUseAdd",
    TK(SCN_TKEY_LOCAL) | TK(SCN_TKEY_REMOTE) | TK(SCN_TKEY_USER) | TK(SCN_TKEY_PASSWORD),
    TK(SCN_TKEY_LOCAL) | TK(SCN_TKEY_REMOTE), 0, 1 },
  { "netapi.NetUseDel", TK(SCN_TKEY_LOCAL), TK(SCN_TKEY_LOCAL), 0, 0 },
  { "gpp.drive-map",
    TK(SCN_TKEY_ACTION) | TK(SCN_TKEY_LETTER) | TK(SCN_TKEY_PATH) | TK(SCN_TKEY_PERSISTENT)
      | TK(SCN_TKEY_USER) | TK(SCN_TKEY_PASSWORD),
    TK(SCN_TKEY_ACTION) | TK(SCN_TKEY_LETTER) | TK(SCN_TKEY_PATH), 0, 1 },
};

static const char *const azToolKey[SCN_TKEY_COUNT] = {
  "state", "action", "letter", "name", "local", "path", "root", "remote", "username",
  "user", "password", "secret", "persist", "persistent", "save-credentials"
};

const char *scn_tool_name(ScnTool e) {
  return ((int)e > 0 && e < SCN_TOOL_COUNT) ? aToolDef[e].zName : "?";
}

const char *scn_tool_key_name(ScnToolKey e) {
  return ((int)e >= 0 && e < SCN_TKEY_COUNT) ? azToolKey[e] : "?";
}

/* The keys a profile takes, for messages: "state=, letter=, ..., persist". */
static void tool_known_keys(ScnTool e, char *zBuf, size_t nBuf) {
  size_t n = 0;
  int k;
  zBuf[0] = 0;
  for (k = 0; k < SCN_TKEY_COUNT && n < nBuf; k++) {
    if (aToolDef[e].mKeys & TK(k)) {
      int bFlag = (aToolDef[e].mFlags & TK(k)) != 0;
      n += (size_t)snprintf(zBuf + n, nBuf - n, "%s%s%s", n ? ", " : "", azToolKey[k],
                            bFlag ? "" : "=");
    }
  }
}

/* 1 if the key takes a drive letter in this profile. */
static int tool_key_is_letter(ScnTool e, ScnToolKey k) {
  return k == SCN_TKEY_LETTER || k == SCN_TKEY_LOCAL
      || (k == SCN_TKEY_NAME && (e == SCN_TOOL_PS_NEW_PSDRIVE || e == SCN_TOOL_PS_REMOVE_PSDRIVE));
}

static ScnToolArg *tool_push(ScnStep *p) {
  ScnToolArg *aNew = scnx_mem_grow(p->pArena, p->aToolArg, p->nToolArg, sizeof(ScnToolArg));
  if (aNew == NULL) return NULL;
  p->aToolArg = aNew;
  memset(&aNew[p->nToolArg], 0, sizeof(ScnToolArg));
  return &aNew[p->nToolArg++];
}

/* `tool <profile> key=value ...` (v2); a[0] is "tool". */
static int parse_tool(const ScnWord *a, int n, ScnStep *p, char *zMsg) {
  unsigned mSeen = 0;
  int i, k;
  ScnTool e = SCN_TOOL_NONE;
  char zKnown[200];
  p->eCmd = SCN_CMD_TOOL;
  if (n < 2) return fail(zMsg, "tool needs a profile (like ansible.win_mapped_drive) and its keys");
  for (i = 1; i < SCN_TOOL_COUNT; i++) {
    if (is_kw(&a[1], aToolDef[i].zName)) e = (ScnTool)i;
  }
  if (e == SCN_TOOL_NONE) {
    return fail(zMsg, "unknown tool profile %s (known: ansible.win_mapped_drive, "
                "ansible.win_credential, ps.New-PSDrive, ps.Remove-PSDrive, ps.New-SmbMapping, "
                "ps.Remove-SmbMapping, netapi.NetUseAdd, netapi.NetUseDel, gpp.drive-map)",
                word_show(&a[1], zKnown, sizeof(zKnown)));
  }
  p->eTool = e;
  tool_known_keys(e, zKnown, sizeof(zKnown));
  for (i = 2; i < n; i++) {
    const ScnWord *pW = &a[i];
    const char *zEq = strchr(pW->z, '=');
    size_t nKey = zEq ? (size_t)(zEq - pW->z) : strlen(pW->z);
    const char *zVal = zEq ? zEq + 1 : NULL;
    ScnToolArg *pA;
    char zW[64];
    if (quote_in_key(pW) || (pW->bQuoted && zEq == NULL)) {
      if (zEq) return err_quote_in_key(zMsg, pW);
      return fail(zMsg, "unknown %s key at %s (keys are not quoted; known: %s)", aToolDef[e].zName,
                  word_desc(pW, zW, sizeof(zW)), zKnown);
    }
    for (k = 0; k < SCN_TKEY_COUNT; k++) {
      if (strlen(azToolKey[k]) == nKey && scnx_strnicmp(pW->z, azToolKey[k], nKey) == 0) break;
    }
    if (k == SCN_TKEY_COUNT || (aToolDef[e].mKeys & TK(k)) == 0) {
      return fail(zMsg, "unknown %s key at %s (known: %s)", aToolDef[e].zName,
                  word_desc(pW, zW, sizeof(zW)), zKnown);
    }
    if (mSeen & TK(k)) return fail(zMsg, "%s key %s given twice", aToolDef[e].zName, azToolKey[k]);
    mSeen |= TK(k);
    if ((aToolDef[e].mFlags & TK(k)) != 0) {
      if (zVal) {
        return fail(zMsg, "%s: %s is a flag and takes no value", aToolDef[e].zName, azToolKey[k]);
      }
    } else if (zVal == NULL) {
      return fail(zMsg, "%s: %s needs a value (%s=...)", aToolDef[e].zName, azToolKey[k],
                  azToolKey[k]);
    }
    pA = tool_push(p);
    if (pA == NULL) return fail(zMsg, "out of memory");
    pA->eKey = (ScnToolKey)k;
    if (zVal == NULL) {                       /* a flag */
      if (k == SCN_TKEY_SAVE_CREDENTIALS) p->bSaveCredentials = 1;
      else p->ePersistent = 1;
      continue;
    }
    if (tool_key_is_letter(e, (ScnToolKey)k)) {
      char c = zVal[0], z[3];
      if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
      if (c < 'A' || c > 'Z' || (zVal[1] != 0 && (zVal[1] != ':' || zVal[2] != 0))) {
        return fail(zMsg, "%s: bad drive letter in %s= (a letter, with or without a colon)",
                    aToolDef[e].zName, azToolKey[k]);
      }
      if (p->cLetter) {
        return fail(zMsg, "%s: two drive letters", aToolDef[e].zName);
      }
      p->cLetter = c;
      z[0] = c;
      z[1] = ':';
      z[2] = 0;
      if (dup_into(p, &pA->zValue, z, zMsg)) return 1;
      continue;
    }
    if (dup_into(p, &pA->zValue, zVal, zMsg)) return 1;
    switch (k) {
      case SCN_TKEY_STATE:
        if (scnx_stricmp(zVal, "present") == 0) p->iToolAction = SCN_TACT_PRESENT;
        else if (scnx_stricmp(zVal, "absent") == 0) p->iToolAction = SCN_TACT_ABSENT;
        else return fail(zMsg, "%s: state takes present or absent, not '%.40s'",
                         aToolDef[e].zName, zVal);
        break;
      case SCN_TKEY_ACTION:
        if (scnx_stricmp(zVal, "create") == 0) p->iToolAction = SCN_TACT_CREATE;
        else if (scnx_stricmp(zVal, "replace") == 0) p->iToolAction = SCN_TACT_REPLACE;
        else if (scnx_stricmp(zVal, "update") == 0) p->iToolAction = SCN_TACT_UPDATE;
        else if (scnx_stricmp(zVal, "delete") == 0) p->iToolAction = SCN_TACT_DELETE;
        else return fail(zMsg, "%s: action takes create, replace, update or delete, not '%.40s'",
                         aToolDef[e].zName, zVal);
        break;
      case SCN_TKEY_NAME:                     /* win_credential: a vault target */
        if (zVal[0] == 0) return fail(zMsg, "%s: name= needs a target", aToolDef[e].zName);
        if (check_vault_target(zVal, zMsg)) return 1;
        if (dup_into(p, &p->zTarget, zVal, zMsg)) return 1;
        break;
      case SCN_TKEY_PATH:
      case SCN_TKEY_ROOT:
      case SCN_TKEY_REMOTE:
        if (check_unc(zVal, 0)) {
          return fail(zMsg, "%s: bad UNC path in %s= (expected \\\\server\\share)",
                      aToolDef[e].zName, azToolKey[k]);
        }
        if (dup_into(p, &p->zRemote, zVal, zMsg)) return 1;
        break;
      case SCN_TKEY_USERNAME:
      case SCN_TKEY_USER:
        if (zVal[0] == 0) return fail(zMsg, "%s: %s= needs a user name", aToolDef[e].zName,
                                      azToolKey[k]);
        if (dup_into(p, &p->zCredUser, zVal, zMsg)) return 1;
        break;
      case SCN_TKEY_PASSWORD:
      case SCN_TKEY_SECRET:
        if (dup_into(p, &p->zCredPassword, zVal, zMsg)) return 1;
        break;
      case SCN_TKEY_PERSISTENT:               /* gpp: persistent=0|1 */
        if (strcmp(zVal, "0") == 0) p->ePersistent = 0;
        else if (strcmp(zVal, "1") == 0) p->ePersistent = 1;
        else return fail(zMsg, "%s: persistent takes 0 or 1, not '%.40s'", aToolDef[e].zName, zVal);
        break;
      default:
        break;
    }
  }
  for (k = 0; k < SCN_TKEY_COUNT; k++) {
    if ((aToolDef[e].mRequired & TK(k)) && !(mSeen & TK(k))) {
      return fail(zMsg, "%s needs %s=", aToolDef[e].zName, azToolKey[k]);
    }
  }
  if (e == SCN_TOOL_ANSIBLE_MAPPED_DRIVE && p->iToolAction == SCN_TACT_PRESENT
      && p->zRemote == NULL) {
    return fail(zMsg, "ansible.win_mapped_drive state=present needs path=");
  }
  if (aToolDef[e].bPairedCred && (mSeen & TK(SCN_TKEY_PASSWORD)) && !(mSeen & TK(SCN_TKEY_USER))) {
    return fail(zMsg, "%s: password= needs user= (a credential is a user and a password)",
                aToolDef[e].zName);
  }
  if (aToolDef[e].bPairedCred && (mSeen & TK(SCN_TKEY_USER)) && !(mSeen & TK(SCN_TKEY_PASSWORD))) {
    return fail(zMsg, "%s: user= needs password= (a credential is a user and a password)",
                aToolDef[e].zName);
  }
  if (e == SCN_TOOL_ANSIBLE_MAPPED_DRIVE && (mSeen & TK(SCN_TKEY_PASSWORD))
      && !(mSeen & TK(SCN_TKEY_USERNAME))) {
    return fail(zMsg, "ansible.win_mapped_drive: password= needs username=");
  }
  if (e == SCN_TOOL_ANSIBLE_CREDENTIAL && p->iToolAction == SCN_TACT_PRESENT
      && p->zCredUser == NULL) {
    return fail(zMsg, "ansible.win_credential state=present needs username= "
                "(a domain-password credential has a user name, K1)");
  }
  if (e == SCN_TOOL_PS_NEW_SMBMAPPING && p->bSaveCredentials && p->zCredUser == NULL) {
    return fail(zMsg, "ps.New-SmbMapping: save-credentials needs user= and password=");
  }
  return 0;
}

/* The command after `as <who>`: words a[0..n). */
static int parse_command(const ScnWord *a, int n, ScnStep *p, char *zMsg) {
  if (is_kw(&a[0], "net")) return parse_net_use(a, n, p, zMsg);
  if (is_kw(&a[0], "cmdkey")) return parse_cmdkey(a, n, p, zMsg);
  if (is_kw(&a[0], "wnet")) return parse_wnet(a, n, p, zMsg);
  if (is_kw(&a[0], "reg")) return parse_reg(a, n, p, zMsg);
  if (is_kw(&a[0], "tool")) return parse_tool(a, n, p, zMsg);
  if (is_kw(&a[0], "define") || is_kw(&a[0], "undefine") || is_kw(&a[0], "query")) {
    return parse_dosdev(a, n, p, zMsg);
  }
  if (is_kw(&a[0], "drives") || is_kw(&a[0], "token") || is_kw(&a[0], "persisted")) {
    p->eCmd = is_kw(&a[0], "drives") ? SCN_CMD_DRIVES
            : is_kw(&a[0], "token") ? SCN_CMD_TOKEN : SCN_CMD_PERSISTED;
    if (n > 1) return too_many_plain(zMsg, &a[1], a[0].z);
    return 0;
  }
  if (is_kw(&a[0], "dir")) {
    p->eCmd = SCN_CMD_DIR;
    if (n < 2) return fail(zMsg, "dir needs a path");
    if (n > 2) return too_many_plain(zMsg, &a[2], "dir PATH (quote a path with blanks)");
    if (a[1].z[0] == 0) return fail(zMsg, "dir needs a path");
    return dup_into(p, &p->zPath, a[1].z, zMsg);
  }
  {
    char zS[80];
    return fail(zMsg, "unknown command %s (known: net use, cmdkey, define, undefine, "
                "query, wnet, drives, token, persisted, dir, reg, tool)",
                word_show(&a[0], zS, sizeof(zS)));
  }
}

/* Parse `as <who>`: the session name and half. */
static int parse_who(const char *z, ScnStep *p, char *zMsg) {
  const char *pDot = strchr(z, '.');
  if (scnx_stricmp(z, "SYSTEM") == 0) {
    p->eHalf = SCN_HALF_SYSTEM;
    return 0;
  }
  if (pDot != NULL && (size_t)(pDot - z) == 6 && scnx_strnicmp(z, "SYSTEM", 6) == 0) {
    return fail(zMsg, "SYSTEM has no halves (write as SYSTEM)");
  }
  if (pDot != NULL) {
    if (scnx_stricmp(pDot, ".limited") == 0) p->eHalf = SCN_HALF_LIMITED;
    else if (scnx_stricmp(pDot, ".elevated") == 0) p->eHalf = SCN_HALF_ELEVATED;
    else {
      char zS[64];
      return fail(zMsg, "unknown half %s (use .limited or .elevated)", show_str(pDot, zS, sizeof(zS)));
    }
  }
  p->zSession = scnx_mem_strndup(p->pArena, z, pDot ? (size_t)(pDot - z) : strlen(z));
  if (p->zSession == NULL) return fail(zMsg, "out of memory");
  return check_session_name(p->zSession, zMsg);
}

/* The v2 combinations of logon type and options (SCENARIO-LANGUAGE
** "Version 2 additions"). */
static int check_logon_options(const ScnStep *p, char *zMsg) {
  ScnLogonType e = p->eLogonType;
  const char *zType = azLogonName[e];
  const char *zArt = e == SCN_LOGON_ELEVATE ? "an" : "a";
  int bFrom = p->zFrom != NULL || p->eFromHalf == SCN_HALF_SYSTEM;
  int bNeedsFrom = e == SCN_LOGON_NETONLY || e == SCN_LOGON_TASK || e == SCN_LOGON_ELEVATE;
  if (p->bS4u && e != SCN_LOGON_BATCH) {
    return fail(zMsg, "s4u belongs to a batch logon (logon S user batch s4u), not %s", zType);
  }
  if (bNeedsFrom && !bFrom) {
    return fail(zMsg, "%s %s logon needs from=<%s>", zArt, zType,
                e == SCN_LOGON_NETONLY ? "who" : "earlier logon of the same user");
  }
  if (!bNeedsFrom && bFrom) {
    return fail(zMsg, "from= belongs to netonly, task and elevate logons, not %s", zType);
  }
  if (e == SCN_LOGON_TASK || e == SCN_LOGON_ELEVATE) {
    if (p->zFrom == NULL || p->eFromHalf != SCN_HALF_BARE) {
      return fail(zMsg, "%s %s logon takes from=<logon name>: an earlier logon of the same "
                  "user, not a half or SYSTEM", zArt, zType);
    }
  }
  if (p->zLogonPassword) {
    if (e == SCN_LOGON_CURRENT) {
      return fail(zMsg, "password= cannot be used with a current logon (it makes no new logon)");
    }
    if (e == SCN_LOGON_TASK || e == SCN_LOGON_ELEVATE) {
      return fail(zMsg, "password= cannot be used with %s %s logon (it takes no password)",
                  zArt, zType);
    }
    if (p->bS4u) {
      return fail(zMsg, "password= cannot be used with batch s4u (it stores no password)");
    }
  }
  return 0;
}

/* 1 if w is the first word of a step. */
static int is_step_keyword(const ScnWord *pW) {
  return is_kw(pW, "logon") || is_kw(pW, "logoff") || is_kw(pW, "reboot")
      || is_kw(pW, "set") || is_kw(pW, "bootdevice") || is_kw(pW, "as");
}

/*
** Parse the words of one step line into *p (initialised by the caller with
** step_init). Returns 0, or 1 with a message in zMsg; on failure *p may
** hold partial allocations, which scn_step_clear releases.
*/
static int parse_step_words(const ScnWords *pWs, ScnStep *p, char *zMsg) {
  const ScnWord *a = pWs->aWord;
  int n = pWs->nWord, i;

  if (is_kw(&a[0], "logon")) {
    p->eKind = SCN_STEP_LOGON;
    if (n < 4) return fail(zMsg, "logon needs a logon name, a user and a logon type");
    if (check_session_name(a[1].z, zMsg)) return 1;
    if (dup_into(p, &p->zSession, a[1].z, zMsg)) return 1;
    if (check_user_name(a[2].z, zMsg)) return 1;
    if (dup_into(p, &p->zUser, a[2].z, zMsg)) return 1;
    for (i = 0; i < SCN_LOGON_COUNT; i++) {
      if (is_kw(&a[3], azLogonName[i])) break;
    }
    if (i == SCN_LOGON_COUNT) {
      char zW[64];
      return fail(zMsg, "unknown logon type %s (known: interactive, rdp, runas, batch, "
                  "service, network, winrm, credssp, become, current, ssh, netonly, task, "
                  "elevate)", word_show(&a[3], zW, sizeof(zW)));
    }
    p->eLogonType = (ScnLogonType)i;
    for (i = 4; i < n; i++) {
      if (is_kw(&a[i], "highest")) {
        /* The grammar allows highest on every logon type; only a batch
        ** logon or a task is affected by it (SEMANTICS L5, L13). */
        if (take_flag(&p->bHighest, "highest", zMsg)) return 1;
      } else if (has_prefix(&a[i], "password=")) {
        if (take_value(p, &a[i], 9, &p->zLogonPassword, "password=", zMsg)) return 1;
      } else if (is_kw(&a[i], "s4u")) {
        if (take_flag(&p->bS4u, "s4u", zMsg)) return 1;
      } else if (has_prefix(&a[i], "from=")) {
        ScnStep w;
        int rc;
        if (p->zFrom || p->eFromHalf == SCN_HALF_SYSTEM) return fail(zMsg, "from= given twice");
        step_init(&w);
        w.pArena = p->pArena;
        rc = parse_who(a[i].z + 5, &w, zMsg);
        if (rc == 0 && a[i].z[5] == 0) rc = fail(zMsg, "from= needs a logon name");
        p->zFrom = w.zSession;
        p->eFromHalf = w.eHalf;
        if (rc) return 1;
      } else {
        return bad_option(zMsg, &a[i], "logon", "highest, password=, from=, s4u");
      }
    }
    return check_logon_options(p, zMsg);
  }
  if (is_kw(&a[0], "logoff")) {
    p->eKind = SCN_STEP_LOGOFF;
    if (n < 2) return fail(zMsg, "logoff needs a logon name");
    if (n > 2) return too_many_plain(zMsg, &a[2], "logoff NAME");
    if (strchr(a[1].z, '.') != NULL) {
      char zS[64];
      return fail(zMsg, "logoff takes a logon name, not a half (%s)", show_str(a[1].z, zS, sizeof(zS)));
    }
    if (check_session_name(a[1].z, zMsg)) return 1;
    return dup_into(p, &p->zSession, a[1].z, zMsg);
  }
  if (is_kw(&a[0], "reboot")) {
    p->eKind = SCN_STEP_REBOOT;
    if (n > 1) return too_many_plain(zMsg, &a[1], "reboot");
    return 0;
  }
  if (is_kw(&a[0], "set")) {
    p->eKind = SCN_STEP_SET;
    if (n < 2 || !is_kw(&a[1], "machine")) {
      return fail(zMsg, "set takes 'machine key=value ...'");
    }
    if (n < 3) return fail(zMsg, "set machine needs at least one key=value");
    p->aSetting = scnx_mem_alloc(p->pArena, sizeof(ScnSetting) * (size_t)(n - 2));
    if (p->aSetting == NULL) return fail(zMsg, "out of memory");
    for (i = 2; i < n; i++) {
      ScnPolicy e;
      int bOn = 0, j;
      unsigned mDisks = 0;
      if (parse_machine_kv(&a[i], &e, &bOn, &mDisks, zMsg)) return 1;
      if (e == SCN_POL_COUNT) {
        return fail(zMsg, "disks= can only be given on the world's machine line, not in set machine");
      }
      for (j = 0; j < p->nSetting; j++) {
        if (p->aSetting[j].ePolicy == e) {
          return fail(zMsg, "machine key %s given twice", azPolicyName[e]);
        }
      }
      p->aSetting[p->nSetting].ePolicy = e;
      p->aSetting[p->nSetting].bOn = bOn;
      p->nSetting++;
    }
    return 0;
  }
  if (is_kw(&a[0], "bootdevice")) {
    p->eKind = SCN_STEP_BOOTDEVICE;
    if (n < 3) return fail(zMsg, "bootdevice needs a drive letter and a target or /delete");
    if (parse_letter(a[1].z, &p->cLetter)) return bad_letter(zMsg, &a[1]);
    if (n > 3) return too_many_plain(zMsg, &a[3], "bootdevice L: TARGET");
    if (is_kw(&a[2], "/delete")) return 0;
    if (a[2].z[0] == 0) return fail(zMsg, "bootdevice needs a non-empty target");
    return dup_into(p, &p->zTarget, a[2].z, zMsg);
  }
  if (is_kw(&a[0], "as")) {
    p->eKind = SCN_STEP_AS;
    if (n < 2) return fail(zMsg, "as needs a logon name (or SYSTEM) and a command");
    if (parse_who(a[1].z, p, zMsg)) return 1;
    if (n < 3) return fail(zMsg, "as %.40s needs a command", a[1].z);
    return parse_command(a + 2, n - 2, p, zMsg);
  }
  {
    char zS[64];
    return fail(zMsg, "unknown step %s (known: logon, logoff, reboot, set, bootdevice, as)",
                show_str(a[0].z, zS, sizeof(zS)));
  }
}

/* ---------------------------------------------------------------- 3 ---- */

typedef struct ScnSess ScnSess;
struct ScnSess {
  char *zName;         /* logon name (case-sensitive), owned */
  int bLive;           /* logged on and not yet ended */
  int bMade;           /* some logon of this name made a session (not only
                       ** failed ones): a {name} placeholder may name it */
  int iLine;           /* line of its latest logon */
  int iUser;           /* index in aUser of its latest logon's account */
  int iGroup;          /* logon session group: names sharing one session
                       ** (task and consent elevate name a half of another
                       ** logon) have one group; 0 if the latest logon failed */
  int bShared;         /* its group has more than one name */
};

typedef struct ScnParser ScnParser;
struct ScnParser {
  Scenario *pScn;      /* the scenario being built */
  ScnArena *pArena;    /* its arena: everything below pScn comes from it */
  ScnWords ws;         /* the words of the current line (buffers reused) */
  char zMsg[SCN_MSG_SIZE]; /* message of the first error */
  int iErrLine;        /* its line */
  int iTitleLine;      /* line of the title, 0 if none yet */
  int iFirstStep;      /* line of the first step, 0 before it */
  int iMachineKeyLine[SCN_POL_COUNT + 1]; /* where each machine key was set (+ disks) */
  ScnSess *aSess;      /* hash table of logon names (open addressing) */
  int nSess;           /* names in aSess */
  int nSessSlot;       /* slots in aSess (a power of two, or 0) */
  int iCurrentLine;    /* line of the `current` logon, 0 if none */
  int nGroup;          /* logon session groups handed out so far */
  int bConsentCreds;   /* consent-prompt=credentials in the registry now
                       ** (machine line, then set machine; W2: read at
                       ** each elevation) */
  ScnStep pend;        /* pending annotations (only their fields are used) */
  int iPendLine;       /* line of the first pending annotation, 0 if none */
  int iOpenStep;       /* step that may take a `----` block, -1 if none */
  int iBlockStep;      /* step whose expected block is being read, -1 if none */
};

/* Report an error at line iLine; always returns 1. */
static int perr(ScnParser *pP, int iLine, const char *zFmt, ...) {
  va_list ap;
  pP->iErrLine = iLine;
  va_start(ap, zFmt);
  vsnprintf(pP->zMsg, sizeof(pP->zMsg), zFmt, ap);
  va_end(ap);
  return 1;
}

static ScnUser *find_user(Scenario *pScn, const char *zName) {
  int i;
  for (i = 0; i < pScn->nUser; i++) {
    if (scnx_stricmp(pScn->aUser[i].zName, zName) == 0) return &pScn->aUser[i];
  }
  return NULL;
}

/* The rest of the line from word iWord on, comment and blanks stripped. */
static char *rest_of_line(ScnArena *pA, const char *zLine, const ScnWords *pWs, int iWord) {
  size_t iStart = pWs->aWord[iWord].iStart;
  return scnx_mem_strndup(pA, zLine + iStart, pWs->nTextEnd - iStart);
}

static int parse_user(ScnParser *pP, const ScnWords *pWs, int iLine) {
  const ScnWord *a = pWs->aWord;
  int n = pWs->nWord, i;
  char zM[SCN_MSG_SIZE];
  ScnUser u, *aNew;
  memset(&u, 0, sizeof(u));
  u.iLine = iLine;
  if (n < 2) return perr(pP, iLine, "user needs a name, a kind and password=");
  if (check_user_name(a[1].z, zM)) return perr(pP, iLine, "%s", zM);
  {
    ScnUser *pOld = find_user(pP->pScn, a[1].z);
    if (pOld) {
      return perr(pP, iLine, "duplicate user '%.40s' (first declared on line %d)", a[1].z,
                  pOld->iLine);
    }
  }
  if (n < 3) return perr(pP, iLine, "user %.40s needs a kind: standard, admin or builtin-admin", a[1].z);
  if (is_kw(&a[2], "standard")) u.eKind = SCN_ACCOUNT_STANDARD;
  else if (is_kw(&a[2], "admin")) u.eKind = SCN_ACCOUNT_ADMIN;
  else if (is_kw(&a[2], "builtin-admin")) u.eKind = SCN_ACCOUNT_BUILTIN_ADMIN;
  else {
    char zS[80];
    return perr(pP, iLine, "unknown account kind %s (known: standard, admin, builtin-admin)",
                word_show(&a[2], zS, sizeof(zS)));
  }
  for (i = 3; i < n; i++) {
    if (is_kw(&a[i], "domain")) {
      if (u.bDomain) goto dup_opt;
      u.bDomain = 1;
    } else if (has_prefix(&a[i], "password=")) {
      if (u.zPassword) goto dup_opt;
      u.zPassword = scnx_mem_strdup(pP->pArena, a[i].z + 9);
      if (u.zPassword == NULL) goto nomem;
    } else {
      scnx_mem_free(pP->pArena, u.zPassword);
      bad_option(zM, &a[i], "user", "domain, password=");
      return perr(pP, iLine, "%s", zM);
    }
  }
  if (u.zPassword == NULL) {
    return perr(pP, iLine, "user %.40s has no password= (every account needs one)", a[1].z);
  }
  u.zName = scnx_mem_strdup(pP->pArena, a[1].z);
  if (u.zName == NULL) goto nomem;
  aNew = scnx_mem_grow(pP->pArena, pP->pScn->aUser, pP->pScn->nUser, sizeof(ScnUser));
  if (aNew == NULL) goto nomem;
  pP->pScn->aUser = aNew;
  aNew[pP->pScn->nUser++] = u;
  return 0;

dup_opt:
  scnx_mem_free(pP->pArena, u.zPassword);
  return perr(pP, iLine, "option %s given twice", is_kw(&a[i], "domain") ? "domain" : "password=");
nomem:
  scnx_mem_free(pP->pArena, u.zPassword);
  scnx_mem_free(pP->pArena, u.zName);
  return perr(pP, iLine, "out of memory");
}

static void share_clear(ScnArena *pA, ScnShare *pS) {
  scnx_mem_free(pA, pS->zUnc);
  scnx_mem_free(pA, pS->zServer);
  scnx_mem_free(pA, pS->zShare);
  free_strs(pA, pS->azGrant, pS->nGrant);
  free_strs(pA, pS->azAlias, pS->nAlias);
  memset(pS, 0, sizeof(*pS));
}

static int parse_share(ScnParser *pP, const ScnWords *pWs, int iLine) {
  const ScnWord *a = pWs->aWord;
  int n = pWs->nWord, i, bGrant = 0;
  ScnShare s, *aNew;
  const char *pSlash;
  char zM[SCN_MSG_SIZE];
  memset(&s, 0, sizeof(s));
  s.iLine = iLine;
  s.bEveryone = 1;
  if (n < 2) return perr(pP, iLine, "share needs \\\\server\\share");
  if (check_unc(a[1].z, 1)) {
    return perr(pP, iLine, "bad share '%.60s' (expected \\\\server\\share, two parts)", a[1].z);
  }
  for (i = 0; i < pP->pScn->nShare; i++) {
    if (scnx_stricmp(pP->pScn->aShare[i].zUnc, a[1].z) == 0) {
      return perr(pP, iLine, "duplicate share '%.60s' (first declared on line %d)", a[1].z,
                  pP->pScn->aShare[i].iLine);
    }
  }
  pSlash = strchr(a[1].z + 2, '\\');
  s.zUnc = scnx_mem_strdup(pP->pArena, a[1].z);
  s.zServer = scnx_mem_strndup(pP->pArena, a[1].z + 2, (size_t)(pSlash - (a[1].z + 2)));
  s.zShare = scnx_mem_strdup(pP->pArena, pSlash + 1);
  if (!s.zUnc || !s.zServer || !s.zShare) goto nomem;
  for (i = 2; i < n; i++) {
    if (is_kw(&a[i], "anonymous")) {
      if (s.bAnonymous) goto dup_opt;
      s.bAnonymous = 1;
    } else if (has_prefix(&a[i], "grant=")) {
      const char *p = a[i].z + 6;
      if (bGrant) goto dup_opt;
      bGrant = 1;
      if (scnx_stricmp(p, "everyone") == 0) continue;
      s.bEveryone = 0;
      for (;;) {
        const char *pComma = strchr(p, ',');
        size_t nName = pComma ? (size_t)(pComma - p) : strlen(p);
        char *zName = scnx_mem_strndup(pP->pArena, p, nName);
        int j;
        if (zName == NULL) goto nomem;
        if (nName == 0) {
          scnx_mem_free(pP->pArena, zName);
          share_clear(pP->pArena, &s);
          return perr(pP, iLine, "empty name in grant= list");
        }
        if (scnx_stricmp(zName, "everyone") == 0) {
          scnx_mem_free(pP->pArena, zName);
          share_clear(pP->pArena, &s);
          return perr(pP, iLine, "grant=everyone cannot be combined with named users");
        }
        if (scnx_stricmp(zName, "SYSTEM") == 0) {
          scnx_mem_free(pP->pArena, zName);
          share_clear(pP->pArena, &s);
          return perr(pP, iLine, "grant= names accounts of the world and SYSTEM is not one: "
                      "SYSTEM's computer account is admitted through grant=everyone only (L6)");
        }
        for (j = 0; j < s.nGrant; j++) {
          if (scnx_stricmp(s.azGrant[j], zName) == 0) {
            share_clear(pP->pArena, &s);
            perr(pP, iLine, "user '%.40s' granted twice", zName);
            scnx_mem_free(pP->pArena, zName);
            return 1;
          }
        }
        if (push_str(pP->pArena, &s.azGrant, &s.nGrant, zName)) goto nomem;
        if (pComma == NULL) break;
        p = pComma + 1;
      }
    } else if (has_prefix(&a[i], "alias=")) {
      const char *p = a[i].z + 6;
      if (s.nAlias) goto dup_opt;
      for (;;) {
        const char *pComma = strchr(p, ',');
        size_t nName = pComma ? (size_t)(pComma - p) : strlen(p);
        char *zName;
        int j;
        if (nName == 0) {
          share_clear(pP->pArena, &s);
          return perr(pP, iLine, "empty name in alias= list");
        }
        zName = scnx_mem_strndup(pP->pArena, p, nName);
        if (zName == NULL) goto nomem;
        if (strchr(zName, '\\') != NULL || strchr(zName, '/') != NULL) {
          share_clear(pP->pArena, &s);
          perr(pP, iLine, "bad alias '%.40s' (a server name, without backslashes)", zName);
          scnx_mem_free(pP->pArena, zName);
          return 1;
        }
        if (scnx_stricmp(zName, s.zServer) == 0) {
          share_clear(pP->pArena, &s);
          perr(pP, iLine, "alias '%.40s' is the share's own server name", zName);
          scnx_mem_free(pP->pArena, zName);
          return 1;
        }
        for (j = 0; j < s.nAlias; j++) {
          if (scnx_stricmp(s.azAlias[j], zName) == 0) {
            share_clear(pP->pArena, &s);
            perr(pP, iLine, "alias '%.40s' given twice", zName);
            scnx_mem_free(pP->pArena, zName);
            return 1;
          }
        }
        if (push_str(pP->pArena, &s.azAlias, &s.nAlias, zName)) goto nomem;
        if (pComma == NULL) break;
        p = pComma + 1;
      }
    } else {
      share_clear(pP->pArena, &s);
      bad_option(zM, &a[i], "share", "grant=, alias=, anonymous");
      return perr(pP, iLine, "%s", zM);
    }
  }
  aNew = scnx_mem_grow(pP->pArena, pP->pScn->aShare, pP->pScn->nShare, sizeof(ScnShare));
  if (aNew == NULL) goto nomem;
  pP->pScn->aShare = aNew;
  aNew[pP->pScn->nShare++] = s;
  return 0;

dup_opt:
  share_clear(pP->pArena, &s);
  {
    char zW[64];
    return perr(pP, iLine, "option given twice at %s", word_desc(&a[i], zW, sizeof(zW)));
  }
nomem:
  share_clear(pP->pArena, &s);
  return perr(pP, iLine, "out of memory");
}

static int parse_machine(ScnParser *pP, const ScnWords *pWs, int iLine) {
  int i;
  char zM[SCN_MSG_SIZE];
  ScnMachine *pM = &pP->pScn->machine;
  if (pWs->nWord < 2) return perr(pP, iLine, "machine needs at least one key=value");
  if (pM->iLine == 0) pM->iLine = iLine;
  for (i = 1; i < pWs->nWord; i++) {
    ScnPolicy e;
    int bOn = 0;
    unsigned mDisks = 0;
    if (parse_machine_kv(&pWs->aWord[i], &e, &bOn, &mDisks, zM)) {
      return perr(pP, iLine, "%s", zM);
    }
    if (pP->iMachineKeyLine[e]) {
      return perr(pP, iLine, "machine key %s given twice (first on line %d)",
                  e == SCN_POL_COUNT ? "disks" : azPolicyName[e], pP->iMachineKeyLine[e]);
    }
    pP->iMachineKeyLine[e] = iLine;
    if (e == SCN_POL_COUNT) pM->mDisks = mDisks;
    else pM->abPolicy[e] = bOn;
  }
  return 0;
}

/* Check what the world can only check once it is complete. */
static int finish_world(ScnParser *pP) {
  Scenario *pScn = pP->pScn;
  int i, j;
  for (i = 0; i < pScn->nShare; i++) {
    for (j = 0; j < pScn->aShare[i].nGrant; j++) {
      ScnUser *pU = find_user(pScn, pScn->aShare[i].azGrant[j]);
      if (pU == NULL) {
        return perr(pP, pScn->aShare[i].iLine, "share %.60s grants unknown user '%.40s'",
                    pScn->aShare[i].zUnc, pScn->aShare[i].azGrant[j]);
      }
    }
  }
  /* C16: an alias names one server only, and is not itself a server of
  ** another share line. */
  for (i = 0; i < pScn->nShare; i++) {
    const ScnShare *pA = &pScn->aShare[i];
    for (j = 0; j < pA->nAlias; j++) {
      int k;
      for (k = 0; k < pScn->nShare; k++) {
        const ScnShare *pB = &pScn->aShare[k];
        int m;
        if (scnx_stricmp(pB->zServer, pA->zServer) == 0) continue;
        if (scnx_stricmp(pB->zServer, pA->azAlias[j]) == 0) {
          return perr(pP, pA->iLine, "alias '%.40s' of server %.40s is the server of the share "
                      "on line %d (declare that share under %.40s instead)", pA->azAlias[j],
                      pA->zServer, pB->iLine, pA->zServer);
        }
        for (m = 0; m < pB->nAlias; m++) {
          if (scnx_stricmp(pB->azAlias[m], pA->azAlias[j]) == 0) {
            return perr(pP, pB->iLine > pA->iLine ? pB->iLine : pA->iLine,
                        "alias '%.40s' names two servers, %.40s and %.40s", pA->azAlias[j],
                        pA->zServer, pB->zServer);
          }
        }
      }
    }
  }
  if (pP->iTitleLine == 0) {
    return perr(pP, 1, "missing title (every scenario needs one title line before its steps)");
  }
  pP->bConsentCreds = pScn->machine.abPolicy[SCN_POL_CONSENT_CREDENTIALS];
  return 0;
}

int scn_same_server(const Scenario *pScn, const char *zA, const char *zB) {
  const char *zRootA = zA, *zRootB = zB;
  int i, j;
  if (zA == NULL || zB == NULL) return 0;
  if (scnx_stricmp(zA, zB) == 0) return 1;
  if (pScn == NULL) return 0;
  for (i = 0; i < pScn->nShare; i++) {
    const ScnShare *pS = &pScn->aShare[i];
    for (j = 0; j < pS->nAlias; j++) {
      if (scnx_stricmp(pS->azAlias[j], zA) == 0) zRootA = pS->zServer;
      if (scnx_stricmp(pS->azAlias[j], zB) == 0) zRootB = pS->zServer;
    }
  }
  return scnx_stricmp(zRootA, zRootB) == 0;
}

/* ---------------------------------------------------------------- 4 ---- */

static unsigned name_hash(const char *z) {
  unsigned h = 2166136261u;
  for (; *z; z++) h = (h ^ (unsigned char)*z) * 16777619u;
  return h;
}

/* The slot of zName, or NULL if the name was never logged on. */
static ScnSess *sess_find(ScnParser *pP, const char *zName) {
  unsigned i;
  if (pP->nSessSlot == 0) return NULL;
  for (i = name_hash(zName) & (unsigned)(pP->nSessSlot - 1);;
       i = (i + 1) & (unsigned)(pP->nSessSlot - 1)) {
    ScnSess *pS = &pP->aSess[i];
    if (pS->zName == NULL) return NULL;
    if (strcmp(pS->zName, zName) == 0) return pS;
  }
}

/* Insert a name known to be absent; returns its slot or NULL on OOM. */
static ScnSess *sess_insert(ScnParser *pP, const char *zName) {
  unsigned i;
  if ((pP->nSess + 1) * 2 > pP->nSessSlot) {
    int nNew = pP->nSessSlot ? pP->nSessSlot * 2 : 16, k;
    ScnSess *aNew = calloc((size_t)nNew, sizeof(ScnSess));
    if (aNew == NULL) return NULL;
    for (k = 0; k < pP->nSessSlot; k++) {
      if (pP->aSess[k].zName) {
        unsigned j = name_hash(pP->aSess[k].zName) & (unsigned)(nNew - 1);
        while (aNew[j].zName) j = (j + 1) & (unsigned)(nNew - 1);
        aNew[j] = pP->aSess[k];
      }
    }
    free(pP->aSess);
    pP->aSess = aNew;
    pP->nSessSlot = nNew;
  }
  i = name_hash(zName) & (unsigned)(pP->nSessSlot - 1);
  while (pP->aSess[i].zName) i = (i + 1) & (unsigned)(pP->nSessSlot - 1);
  pP->aSess[i].zName = scnx_mem_strdup(pP->pArena, zName);
  if (pP->aSess[i].zName == NULL) return NULL;
  pP->nSess++;
  return &pP->aSess[i];
}

static void sess_free(ScnParser *pP) {
  /* the names are in the scenario's arena */
  free(pP->aSess);
  pP->aSess = NULL;
  pP->nSessSlot = pP->nSess = 0;
}

/* End every live name of group iGroup (a logoff of a shared session). */
static void sess_end_group(ScnParser *pP, int iGroup) {
  int i;
  for (i = 0; i < pP->nSessSlot; i++) {
    if (pP->aSess[i].zName && pP->aSess[i].iGroup == iGroup) pP->aSess[i].bLive = 0;
  }
}

/* 1 if z[0..n) is a GUID, 8-4-4-4-12 hex digits (a volume name such as
** \??\Volume{...}\ holds one; it is text, not a placeholder). */
static int is_guid(const char *z, size_t n) {
  size_t k;
  if (n != 36) return 0;
  for (k = 0; k < n; k++) {
    char c = z[k];
    int bHex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (k == 8 || k == 13 || k == 18 || k == 23) {
      if (c != '-') return 0;
    } else if (!bHex) {
      return 0;
    }
  }
  return 1;
}

/*
** Check each {name} placeholder of a define or bootdevice target: it must
** name an earlier logon that made a session (live or ended), a half of one
** (`{A.limited}`, `{A.elevated}`), or SYSTEM. `{?}` and unknown names are
** file errors (SCENARIO-LANGUAGE v2, settled questions). A `{` that does
** not close, whose content holds characters no logon name has, or which
** holds a GUID (a volume name) is left alone as plain text [choice].
*/
static int check_placeholders(ScnParser *pP, const ScnStep *p, const char *zTarget) {
  const char *z = zTarget;
  while ((z = strchr(z, '{')) != NULL) {
    const char *pEnd = strchr(z + 1, '}');
    char zName[64];
    size_t n, k;
    int bName = 1;
    if (pEnd == NULL) break;
    n = (size_t)(pEnd - (z + 1));
    if (n == 1 && z[1] == '?') {
      return perr(pP, p->iLine, "{?} in a target: write the {name} of an earlier logon "
                  "(or {SYSTEM}); {?} only appears in outputs");
    }
    for (k = 0; k < n; k++) {
      char c = z[1 + k];
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
            || c == '_' || c == '-' || c == '.')) {
        bName = 0;
      }
    }
    if (n == 0 || n >= sizeof(zName) || !bName || is_guid(z + 1, n)) {
      z = pEnd + 1;
      continue;
    }
    memcpy(zName, z + 1, n);
    zName[n] = 0;
    if (scnx_stricmp(zName, "SYSTEM") != 0) {
      char *pDot = strchr(zName, '.');
      ScnSess *pS;
      if (pDot) {
        if (scnx_stricmp(pDot, ".limited") != 0 && scnx_stricmp(pDot, ".elevated") != 0) {
          return perr(pP, p->iLine, "unknown half in placeholder {%s} (use .limited or "
                      ".elevated)", zName);
        }
        *pDot = 0;
      }
      pS = sess_find(pP, zName);
      if (pS == NULL) {
        return perr(pP, p->iLine, "placeholder {%.*s} names no earlier logon (write the name "
                    "of a logon step above, or SYSTEM)", (int)n, z + 1);
      }
      if (!pS->bMade) {
        return perr(pP, p->iLine, "placeholder {%.*s} names a logon that failed (its "
                    "password= is not the account's), which has no LUID", (int)n, z + 1);
      }
    }
    z = pEnd + 1;
  }
  return 0;
}

/* Apply a parsed step to the logon-name tracking; report file errors. */
static int track_sessions(ScnParser *pP, ScnStep *p) {
  ScnSess *pS;
  int i;
  switch (p->eKind) {
    case SCN_STEP_LOGON: {
      ScnUser *pU = find_user(pP->pScn, p->zUser);
      ScnSess *pFrom = NULL;
      char *zUser;
      int iGroup = 0, bShare = 0;
      if (pU == NULL) {
        char zS[64];
        return perr(pP, p->iLine, "unknown user %s in logon (declare it with a user line)",
                    show_str(p->zUser, zS, sizeof(zS)));
      }
      zUser = scnx_mem_strdup(pP->pArena, pU->zName);        /* the declared spelling */
      if (zUser == NULL) return perr(pP, p->iLine, "out of memory");
      scnx_mem_free(pP->pArena, p->zUser);
      p->zUser = zUser;
      if (p->eLogonType == SCN_LOGON_CURRENT) {
        if (pP->iCurrentLine) {
          return perr(pP, p->iLine, "a second current logon (the first is on line %d); "
                      "a scenario has at most one", pP->iCurrentLine);
        }
        pP->iCurrentLine = p->iLine;
      }
      if (p->zFrom) {
        pFrom = sess_find(pP, p->zFrom);
        if (pFrom == NULL) {
          return perr(pP, p->iLine, "from=%.40s names no earlier logon", p->zFrom);
        }
        if (strcmp(p->zFrom, p->zSession) == 0) {
          return perr(pP, p->iLine, "a logon cannot come from itself (from=%.40s)", p->zFrom);
        }
        if ((p->eLogonType == SCN_LOGON_TASK || p->eLogonType == SCN_LOGON_ELEVATE)
            && pFrom->iUser != (int)(pU - pP->pScn->aUser)) {
          return perr(pP, p->iLine, "%s %s logon comes from an earlier logon of the same user: "
                      "%.40s is %.40s's logon (line %d), not %.40s's",
                      p->eLogonType == SCN_LOGON_ELEVATE ? "an" : "a",
                      azLogonName[p->eLogonType], p->zFrom,
                      pP->pScn->aUser[pFrom->iUser].zName, pFrom->iLine, pU->zName);
        }
      }
      pS = sess_find(pP, p->zSession);
      if (pS && pS->bLive) {
        return perr(pP, p->iLine, "logon name '%.40s' is still in use (logged on at line %d); "
                    "log it off or reboot before reusing it", p->zSession, pS->iLine);
      }
      /* A logon whose password= is not the account's makes nothing (v2
      ** settled question): its name may be reused at once. A netonly
      ** logon checks no password (L12), so it always makes a session. */
      p->bFailed = p->zLogonPassword != NULL && p->eLogonType != SCN_LOGON_NETONLY
                   && strcmp(p->zLogonPassword, pU->zPassword) != 0;
      /* task, and elevate under consent-prompt=consent, name a half of
      ** the from= logon: logging either off ends both (v2). */
      if (pFrom && (p->eLogonType == SCN_LOGON_TASK
                    || (p->eLogonType == SCN_LOGON_ELEVATE && !pP->bConsentCreds))) {
        bShare = 1;
        iGroup = pFrom->bLive ? pFrom->iGroup : 0;
      }
      if (pS == NULL) pS = sess_insert(pP, p->zSession);
      if (pS == NULL) return perr(pP, p->iLine, "out of memory");
      if (pFrom) pFrom = sess_find(pP, p->zFrom);   /* the insert may move slots */
      pS->iLine = p->iLine;
      pS->iUser = (int)(pU - pP->pScn->aUser);
      if (p->bFailed || (bShare && iGroup == 0)) {
        /* Nothing made (a failed logon, or a half of an ended logon: the
        ** step prints error 1312); the name stays usable as before. */
        pS->bLive = 0;
        pS->iGroup = 0;
        pS->bShared = 0;
        if (bShare) pS->bMade = pS->bMade || pFrom->bMade;
        return 0;
      }
      pS->bLive = 1;
      pS->bMade = 1;
      if (bShare) {
        pS->iGroup = iGroup;
        pS->bShared = 1;
        pFrom->bShared = 1;
      } else {
        pS->iGroup = ++pP->nGroup;
        pS->bShared = 0;
      }
      return 0;
    }
    case SCN_STEP_LOGOFF:
    case SCN_STEP_AS:
      if (p->eHalf == SCN_HALF_SYSTEM && p->eKind == SCN_STEP_AS) {
        return p->eCmd == SCN_CMD_DEFINE && p->zTarget ? check_placeholders(pP, p, p->zTarget) : 0;
      }
      pS = sess_find(pP, p->zSession);
      if (pS == NULL) {
        return perr(pP, p->iLine, "unknown logon name '%.40s' (no earlier logon step names it)",
                    p->zSession);
      }
      if (p->eKind == SCN_STEP_LOGOFF) {
        if (pS->bLive && pS->bShared) sess_end_group(pP, pS->iGroup);
        pS->bLive = 0;
      } else if (p->eCmd == SCN_CMD_DEFINE && p->zTarget) {
        return check_placeholders(pP, p, p->zTarget);
      }
      return 0;
    case SCN_STEP_REBOOT:
      for (i = 0; i < pP->nSessSlot; i++) pP->aSess[i].bLive = 0;
      return 0;
    case SCN_STEP_BOOTDEVICE:
      return p->zTarget ? check_placeholders(pP, p, p->zTarget) : 0;
    case SCN_STEP_SET:
      for (i = 0; i < p->nSetting; i++) {
        if (p->aSetting[i].ePolicy == SCN_POL_CONSENT_CREDENTIALS) {
          pP->bConsentCreds = p->aSetting[i].bOn;
        }
      }
      return 0;
    default:
      return 0;
  }
}

/* ---------------------------------------------------------------- 5 ---- */

static int annotation_pending(const ScnParser *pP) {
  return pP->iPendLine != 0;
}

static int err_dangling_annotation(ScnParser *pP) {
  return perr(pP, pP->iPendLine, "annotation not followed by a step");
}

/* onlyif / skipif / todo line. */
static int parse_annotation(ScnParser *pP, const char *zLine, const ScnWords *pWs, int iLine) {
  const ScnWord *a = pWs->aWord;
  int n = pWs->nWord, i;
  ScnStep *pe = &pP->pend;
  if (pP->iPendLine == 0) pP->iPendLine = iLine;
  if (is_kw(&a[0], "todo")) {
    ScnTodo t, *aNew;
    const char *p;
    memset(&t, 0, sizeof(t));
    t.iLine = iLine;
    if (n < 2) {
      return perr(pP, iLine, "todo needs labels (like wine or wine,windows) and a reason");
    }
    if (n < 3) {
      return perr(pP, iLine, "todo needs a reason after its labels: say what the backend lacks");
    }
    p = a[1].z;
    for (;;) {
      const char *pComma = strchr(p, ',');
      size_t nL = pComma ? (size_t)(pComma - p) : strlen(p);
      char *z;
      if (nL == 0) {
        free_strs(pP->pArena, t.azLabel, t.nLabel);
        return perr(pP, iLine, "empty label in todo label list '%.40s'", a[1].z);
      }
      z = scnx_mem_strndup(pP->pArena, p, nL);
      scnx_lower_in_place(z);
      if (push_str(pP->pArena, &t.azLabel, &t.nLabel, z)) goto nomem_todo;
      if (pComma == NULL) break;
      p = pComma + 1;
    }
    t.zReason = rest_of_line(pP->pArena, zLine, pWs, 2);
    if (t.zReason == NULL) goto nomem_todo;
    aNew = scnx_mem_grow(pP->pArena, pe->aTodo, pe->nTodo, sizeof(ScnTodo));
    if (aNew == NULL) goto nomem_todo;
    pe->aTodo = aNew;
    aNew[pe->nTodo++] = t;
    return 0;
  nomem_todo:
    free_strs(pP->pArena, t.azLabel, t.nLabel);
    scnx_mem_free(pP->pArena, t.zReason);
    return perr(pP, iLine, "out of memory");
  }
  if (n < 2) return perr(pP, iLine, "%s needs at least one label", a[0].z);
  for (i = 1; i < n; i++) {
    char *z = scnx_mem_strdup(pP->pArena, a[i].z);
    int rc;
    if (z && z[0] == 0) {
      scnx_mem_free(pP->pArena, z);
      return perr(pP, iLine, "empty label");
    }
    scnx_lower_in_place(z);
    rc = is_kw(&a[0], "onlyif") ? push_str(pP->pArena, &pe->azOnlyif, &pe->nOnlyif, z)
                                : push_str(pP->pArena, &pe->azSkipif, &pe->nSkipif, z);
    if (rc) return perr(pP, iLine, "out of memory");
  }
  return 0;
}

/* A step line inside the file. */
static int parse_file_step(ScnParser *pP, const char *zLine, const ScnWords *pWs, int iLine) {
  Scenario *pScn = pP->pScn;
  ScnStep st, *aNew;
  step_init(&st);
  st.pArena = pP->pArena;
  st.iLine = iLine;
  if (pP->iFirstStep == 0) {
    pP->iFirstStep = iLine;
    if (finish_world(pP)) return 1;
  }
  st.zText = rest_of_line(pP->pArena, zLine, pWs, 0);
  if (st.zText == NULL) {
    perr(pP, iLine, "out of memory");
    goto err;
  }
  if (parse_step_words(pWs, &st, pP->zMsg)) {
    pP->iErrLine = iLine;
    goto err;
  }
  if (track_sessions(pP, &st)) goto err;
  /* Move the pending annotations onto the step. */
  st.azOnlyif = pP->pend.azOnlyif;
  st.nOnlyif = pP->pend.nOnlyif;
  st.azSkipif = pP->pend.azSkipif;
  st.nSkipif = pP->pend.nSkipif;
  st.aTodo = pP->pend.aTodo;
  st.nTodo = pP->pend.nTodo;
  step_init(&pP->pend);
  pP->pend.pArena = pP->pArena;
  pP->iPendLine = 0;
  aNew = scnx_mem_grow(pP->pArena, pScn->aStep, pScn->nStep, sizeof(ScnStep));
  if (aNew == NULL) {
    perr(pP, iLine, "out of memory");
    goto err;
  }
  pScn->aStep = aNew;
  st.iIndex = pScn->nStep;
  aNew[pScn->nStep++] = st;
  pP->iOpenStep = st.iIndex;
  return 0;
err:
  scn_step_clear(&st);
  return 1;
}

/* Header and world statements; returns 1 with an error, 0 if handled,
** -1 if the line is not one of them. */
static int parse_header_world(ScnParser *pP, const char *zLine, const ScnWords *pWs, int iLine) {
  const ScnWord *a = pWs->aWord;
  Scenario *pScn = pP->pScn;
  static const char *const azKw[] = { "title", "source", "tags", "machine", "user", "share" };
  int i, k = -1;
  for (i = 0; i < 6; i++) {
    if (is_kw(&a[0], azKw[i])) k = i;
  }
  if (k < 0) return -1;
  if (annotation_pending(pP)) return err_dangling_annotation(pP);
  if (pP->iFirstStep) {
    return perr(pP, iLine, "%s after the first step (line %d): header and world statements "
                "come before the steps", azKw[k], pP->iFirstStep);
  }
  pP->iOpenStep = -1;
  switch (k) {
    case 0:
      if (pP->iTitleLine) {
        return perr(pP, iLine, "duplicate title (the first is on line %d)", pP->iTitleLine);
      }
      if (pWs->nWord < 2) return perr(pP, iLine, "title needs a text");
      pScn->zTitle = rest_of_line(pP->pArena, zLine, pWs, 1);
      if (pScn->zTitle == NULL) return perr(pP, iLine, "out of memory");
      pP->iTitleLine = iLine;
      return 0;
    case 1:
      if (pWs->nWord < 2) return perr(pP, iLine, "source needs a text (rule IDs, a document)");
      if (push_str(pP->pArena, &pScn->azSource, &pScn->nSource, rest_of_line(pP->pArena, zLine, pWs, 1))) {
        return perr(pP, iLine, "out of memory");
      }
      return 0;
    case 2:
      if (pWs->nWord < 2) return perr(pP, iLine, "tags needs at least one word");
      for (i = 1; i < pWs->nWord; i++) {
        if (push_str(pP->pArena, &pScn->azTag, &pScn->nTag, scnx_mem_strdup(pP->pArena, a[i].z))) {
          return perr(pP, iLine, "out of memory");
        }
      }
      return 0;
    case 3:
      return parse_machine(pP, pWs, iLine);
    case 4:
      return parse_user(pP, pWs, iLine);
    default:
      return parse_share(pP, pWs, iLine);
  }
}

static const char *const azCommandWords[] = {
  "net", "cmdkey", "define", "undefine", "query", "wnet", "drives", "token",
  "persisted", "dir", "reg", "tool"
};

/* Issue 9.3: a tab (or any control character) inside quotes would put a
** control character into a word, which the agent journals and must read
** back; the language refuses it. */
#define CONTROL_IN_WORD_MSG "control character 0x%02x inside quotes (column %d): words " \
  "hold no tab or other control character"

static int err_control_in_word(ScnParser *pP, char c, int iLine, size_t iPos) {
  return perr(pP, iLine, CONTROL_IN_WORD_MSG, (unsigned char)c, (int)iPos + 1);
}

/* One statement line (not blank, not a comment, not in a block). */
static int parse_statement(ScnParser *pP, const char *zLine, size_t nLine, int iLine) {
  ScnWords *pWs = &pP->ws;
  const ScnWord *a;
  int rc, i;
  rc = scnx_split(zLine, nLine, pWs, 0);
  if (rc == SCNX_OPEN_QUOTE) {
    return perr(pP, iLine, "quote left open (a \" at column %d is never closed)",
                (int)pWs->iErrPos + 1);
  }
  if (rc == SCNX_CONTROL) return err_control_in_word(pP, zLine[pWs->iErrPos], iLine, pWs->iErrPos);
  if (rc) return perr(pP, iLine, "out of memory");
  if (pWs->nWord == 0) return 0;  /* cannot happen: not blank, not a comment */
  a = pWs->aWord;
  if (is_kw(&a[0], "onlyif") || is_kw(&a[0], "skipif") || is_kw(&a[0], "todo")) {
    pP->iOpenStep = -1;
    return parse_annotation(pP, zLine, pWs, iLine);
  }
  if (is_step_keyword(&a[0])) return parse_file_step(pP, zLine, pWs, iLine);
  rc = parse_header_world(pP, zLine, pWs, iLine);
  if (rc >= 0) return rc;
  for (i = 0; i < (int)(sizeof(azCommandWords) / sizeof(azCommandWords[0])); i++) {
    if (is_kw(&a[0], azCommandWords[i])) {
      return perr(pP, iLine, "unknown statement '%s' (commands run as a step: as <who> %s ...)",
                  azCommandWords[i], azCommandWords[i]);
    }
  }
  {
    char zS[64];
    return perr(pP, iLine, "unknown statement %s", show_str(a[0].z, zS, sizeof(zS)));
  }
}

/* Check one line's bytes: NUL, control characters, UTF-8. */
static int check_bytes(ScnParser *pP, const unsigned char *z, size_t n, int iLine) {
  size_t i = 0;
  while (i < n) {
    unsigned c = z[i];
    if ((c >= 0x20 && c < 0x7f) || c == '\t') {   /* the common case first */
      i++;
      continue;
    }
    if (c == 0) return perr(pP, iLine, "NUL byte in line (column %d)", (int)i + 1);
    if (c == '\r') return perr(pP, iLine, "carriage return inside a line (column %d)", (int)i + 1);
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      return perr(pP, iLine, "control character 0x%02x in line (column %d)", c, (int)i + 1);
    }
    if (c < 0x80) {
      i++;
    } else {
      size_t nMore, k;
      unsigned cp;
      if (c >= 0xc2 && c <= 0xdf) { nMore = 1; cp = c & 0x1f; }
      else if (c >= 0xe0 && c <= 0xef) { nMore = 2; cp = c & 0x0f; }
      else if (c >= 0xf0 && c <= 0xf4) { nMore = 3; cp = c & 0x07; }
      else return perr(pP, iLine, "invalid UTF-8 (column %d)", (int)i + 1);
      for (k = 1; k <= nMore; k++) {
        if (i + k >= n || (z[i + k] & 0xc0) != 0x80) {
          return perr(pP, iLine, "invalid UTF-8 (column %d)", (int)i + 1);
        }
        cp = (cp << 6) | (z[i + k] & 0x3f);
      }
      if ((nMore == 2 && cp < 0x800) || (nMore == 3 && (cp < 0x10000 || cp > 0x10ffff))
          || (cp >= 0xd800 && cp <= 0xdfff)) {
        return perr(pP, iLine, "invalid UTF-8 (column %d)", (int)i + 1);
      }
      i += nMore + 1;
    }
  }
  return 0;
}

/* End the expected block being read: it must hold at least one line. */
static int close_block(ScnParser *pP) {
  ScnStep *pSt = &pP->pScn->aStep[pP->iBlockStep];
  pP->iBlockStep = -1;
  if (pSt->nExpected == 0) {
    return perr(pP, pSt->iExpectedLine, "empty expected block (every step prints at least one line)");
  }
  return 0;
}

/* Handle one line (without its newline) of the file. */
static int parse_line(ScnParser *pP, const char *zLine, size_t nLine, int iLine) {
  size_t iFirst = 0, iEnd = nLine;
  while (iFirst < nLine && scnx_is_blank((unsigned char)zLine[iFirst])) iFirst++;
  while (iEnd > iFirst && scnx_is_blank((unsigned char)zLine[iEnd - 1])) iEnd--;

  if (pP->iBlockStep >= 0) {            /* inside an expected block */
    ScnStep *pSt = &pP->pScn->aStep[pP->iBlockStep];
    if (iFirst == nLine) return close_block(pP);
    if (zLine[iFirst] == '#') return 0;
    if (push_str(pP->pArena, &pSt->azExpected, &pSt->nExpected,
                 scnx_mem_strndup(pP->pArena, zLine + iFirst, iEnd - iFirst))) {
      return perr(pP, iLine, "out of memory");
    }
    return 0;
  }
  if (iFirst == nLine) {                 /* blank line: ends the record */
    if (annotation_pending(pP)) return err_dangling_annotation(pP);
    pP->iOpenStep = -1;
    return 0;
  }
  if (zLine[iFirst] == '#') return 0;     /* comment line */
  if (iEnd - iFirst == 4 && memcmp(zLine + iFirst, "----", 4) == 0) {
    ScnStep *pSt;
    if (annotation_pending(pP)) return err_dangling_annotation(pP);
    if (pP->iOpenStep < 0) {
      return perr(pP, iLine, "expected block (----) not right after a step");
    }
    pSt = &pP->pScn->aStep[pP->iOpenStep];
    pSt->bExpected = 1;
    pSt->iExpectedLine = iLine;
    pP->iBlockStep = pP->iOpenStep;
    pP->iOpenStep = -1;
    return 0;
  }
  return parse_statement(pP, zLine + iFirst, iEnd - iFirst, iLine);
}

/* ---------------------------------------------------------------- 6 ---- */

static void write_err(char *zErr, size_t nErr, const char *zFile, int iLine, const char *zMsg) {
  if (zErr == NULL || nErr == 0) return;
  snprintf(zErr, nErr, "%s:%d: %s", zFile ? zFile : "-", iLine, zMsg);
}

int scn_parse_text(const char *zFile, const char *zText, size_t nText,
                   Scenario **ppScn, char *zErr, size_t nErr) {
  ScnParser p;
  size_t i = 0;
  int iLine = 0, k;

  *ppScn = NULL;
  memset(&p, 0, sizeof(p));
  p.iOpenStep = -1;
  p.iBlockStep = -1;
  /* One block holds a typical file's scenario: its strings are shorter
  ** than the text, plus the structures of its steps. */
  p.pArena = scnx_arena_new(nText * 2 + 4096);
  if (p.pArena == NULL) {
    write_err(zErr, nErr, zFile, 0, "out of memory");
    return 1;
  }
  step_init(&p.pend);
  p.pend.pArena = p.pArena;
  p.pScn = scnx_arena_alloc(p.pArena, sizeof(Scenario));
  if (p.pScn == NULL) {
    perr(&p, 0, "out of memory");
    goto err;
  }
  memset(p.pScn, 0, sizeof(Scenario));
  p.pScn->pArena = p.pArena;
  p.pScn->zFile = scnx_mem_strdup(p.pArena, zFile ? zFile : "-");
  if (p.pScn->zFile == NULL) {
    perr(&p, 0, "out of memory");
    goto err;
  }
  for (k = 0; k < SCN_POL_COUNT; k++) p.pScn->machine.abPolicy[k] = 1;
  p.pScn->machine.abPolicy[SCN_POL_FILTER_ADMIN_TOKEN] = 0;
  p.pScn->machine.abPolicy[SCN_POL_LOCAL_ACCOUNT_TOKEN_FILTER] = 0;
  p.pScn->machine.abPolicy[SCN_POL_LINKED_CONNECTIONS] = 0;
  p.pScn->machine.abPolicy[SCN_POL_CONSENT_CREDENTIALS] = 0;   /* consent */
  p.pScn->machine.mDisks = 1u << ('C' - 'A');

  if (nText >= 3 && memcmp(zText, "\xEF\xBB\xBF", 3) == 0) i = 3;  /* UTF-8 BOM */
  while (i < nText) {
    size_t iStart = i, nLine;
    const char *pNl = memchr(zText + i, '\n', nText - i);
    nLine = pNl ? (size_t)(pNl - (zText + i)) : nText - i;
    i += nLine + (pNl ? 1 : 0);
    iLine++;
    if (nLine > 0 && zText[iStart + nLine - 1] == '\r') nLine--;
    if (check_bytes(&p, (const unsigned char *)zText + iStart, nLine, iLine)) goto err;
    if (parse_line(&p, zText + iStart, nLine, iLine)) goto err;
  }
  if (annotation_pending(&p)) {
    err_dangling_annotation(&p);
    goto err;
  }
  if (p.iFirstStep == 0 && finish_world(&p)) goto err;
  if (p.iBlockStep >= 0 && close_block(&p)) goto err;

  sess_free(&p);
  scnx_words_clear(&p.ws);
  *ppScn = p.pScn;
  return 0;

err:
  write_err(zErr, nErr, zFile, p.iErrLine, p.zMsg);
  sess_free(&p);
  scnx_words_clear(&p.ws);
  scnx_arena_free(p.pArena);
  return 1;
}

int scn_parse_file(const char *zPath, Scenario **ppScn, char *zErr, size_t nErr) {
  FILE *pF;
  char *zBuf = NULL;
  size_t nBuf = 0, nAlloc = 0;
  int rc;

  *ppScn = NULL;
  pF = fopen(zPath, "rb");
  if (pF == NULL) {
    if (zErr && nErr) snprintf(zErr, nErr, "%s: cannot open the file", zPath);
    return 1;
  }
  for (;;) {
    size_t nGot;
    if (nAlloc - nBuf < 4096) {
      size_t nNew = nAlloc ? nAlloc * 2 : 8192;
      char *zNew = realloc(zBuf, nNew);
      if (zNew == NULL) {
        if (zErr && nErr) snprintf(zErr, nErr, "%s: out of memory", zPath);
        goto err;
      }
      zBuf = zNew;
      nAlloc = nNew;
    }
    nGot = fread(zBuf + nBuf, 1, nAlloc - nBuf, pF);
    nBuf += nGot;
    if (nGot == 0) break;
  }
  if (ferror(pF)) {
    if (zErr && nErr) snprintf(zErr, nErr, "%s: read error", zPath);
    goto err;
  }
  fclose(pF);
  rc = scn_parse_text(zPath, zBuf, nBuf, ppScn, zErr, nErr);
  free(zBuf);
  return rc;

err:
  fclose(pF);
  free(zBuf);
  return 1;
}

int scn_parse_step_line(const char *zLine, ScnStep *pStep, char *zErr, size_t nErr) {
  char zMsg[SCN_MSG_SIZE];
  ScnWords ws;
  size_t n = strlen(zLine), iFirst = 0;
  int rc;

  step_init(pStep);
  memset(&ws, 0, sizeof(ws));
  while (n > 0 && (zLine[n - 1] == '\n' || zLine[n - 1] == '\r'
                   || scnx_is_blank((unsigned char)zLine[n - 1]))) {
    n--;
  }
  while (iFirst < n && scnx_is_blank((unsigned char)zLine[iFirst])) iFirst++;
  zMsg[0] = 0;
  rc = scnx_split(zLine + iFirst, n - iFirst, &ws, 0);
  if (rc == SCNX_OPEN_QUOTE) {
    snprintf(zMsg, sizeof(zMsg), "quote left open (a \" at column %d is never closed)",
             (int)(ws.iErrPos + iFirst) + 1);
    goto err_words;
  }
  if (rc == SCNX_CONTROL) {
    snprintf(zMsg, sizeof(zMsg), CONTROL_IN_WORD_MSG,
             (unsigned char)zLine[iFirst + ws.iErrPos], (int)(ws.iErrPos + iFirst) + 1);
    goto err_words;
  }
  if (rc) {
    snprintf(zMsg, sizeof(zMsg), "out of memory");
    goto err_words;
  }
  if (ws.nWord == 0) {
    snprintf(zMsg, sizeof(zMsg), "empty step line");
    goto err_words;
  }
  {
    size_t k;
    for (k = iFirst; k < n; k++) {
      unsigned char c = (unsigned char)zLine[k];
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        snprintf(zMsg, sizeof(zMsg), "control character 0x%02x in line", c);
        goto err_words;
      }
    }
  }
  pStep->zText = rest_of_line(NULL, zLine + iFirst, &ws, 0);
  if (pStep->zText == NULL) {
    snprintf(zMsg, sizeof(zMsg), "out of memory");
    goto err_words;
  }
  if (!is_step_keyword(&ws.aWord[0])) {
    char zS[64];
    snprintf(zMsg, sizeof(zMsg), "unknown step %s (known: logon, logoff, reboot, set, "
             "bootdevice, as)", show_str(ws.aWord[0].z, zS, sizeof(zS)));
    goto err_words;
  }
  if (parse_step_words(&ws, pStep, zMsg)) goto err_words;
  scnx_words_clear(&ws);
  return 0;

err_words:
  scnx_words_clear(&ws);
  scn_step_clear(pStep);
  if (zErr && nErr) snprintf(zErr, nErr, "%s", zMsg);
  return 1;
}

void scn_step_clear(ScnStep *p) {
  int i;
  if (p == NULL) return;
  if (p->pArena) {            /* a scenario's step: its arena owns all of it */
    step_init(p);
    return;
  }
  free(p->zText);
  free_strs(NULL, p->azOnlyif, p->nOnlyif);
  free_strs(NULL, p->azSkipif, p->nSkipif);
  for (i = 0; i < p->nTodo; i++) {
    free_strs(NULL, p->aTodo[i].azLabel, p->aTodo[i].nLabel);
    free(p->aTodo[i].zReason);
  }
  free(p->aTodo);
  free_strs(NULL, p->azExpected, p->nExpected);
  free(p->zSession);
  free(p->zUser);
  free(p->zLogonPassword);
  free(p->aSetting);
  free(p->zName);
  free(p->zTarget);
  free(p->zRemote);
  free(p->zPath);
  free(p->zCredUser);
  free(p->zCredPassword);
  free(p->zFrom);
  free(p->zRegValue);
  free(p->zRegData);
  for (i = 0; i < p->nToolArg; i++) free(p->aToolArg[i].zValue);
  free(p->aToolArg);
  step_init(p);
}

void scn_free(Scenario *pScn) {
  int i;
  if (pScn == NULL) return;
  if (pScn->pArena) {         /* parsed: one arena holds the scenario itself */
    scnx_arena_free(pScn->pArena);
    return;
  }
  /* A scenario a caller built by hand with malloc'd fields. */
  free(pScn->zFile);
  free(pScn->zTitle);
  free_strs(NULL, pScn->azSource, pScn->nSource);
  free_strs(NULL, pScn->azTag, pScn->nTag);
  for (i = 0; i < pScn->nUser; i++) {
    free(pScn->aUser[i].zName);
    free(pScn->aUser[i].zPassword);
  }
  free(pScn->aUser);
  for (i = 0; i < pScn->nShare; i++) share_clear(NULL, &pScn->aShare[i]);
  free(pScn->aShare);
  for (i = 0; i < pScn->nStep; i++) scn_step_clear(&pScn->aStep[i]);
  free(pScn->aStep);
  free(pScn);
}
