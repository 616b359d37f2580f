/*
** lang/canon.c: canonical helpers every backend shares: Win32 error
** symbols and the `error N SYMBOL` line, output comparison, the expected
** text of a step, and re-serialisation of steps and world statements (with
** secrets redacted on request).
**
** Contents:
**   1. The table of Win32 error symbols
**   2. Output comparison and expected text
**   3. A small string builder
**   4. Step and world re-serialisation
**   5. Redacting secrets in an arbitrary line
**
** Portable C11, standard library only (also built by mingw-w64).
*/
#include "lang/scenario.h"
#include "lang/lex.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- 1 ---- */

typedef struct ScnErrSym ScnErrSym;
struct ScnErrSym {
  int code;            /* Win32 error code */
  const char *zSym;    /* its winerror.h symbol */
};

/* Sorted by code (scn_error_symbol does a binary search). */
static const ScnErrSym aErrSym[] = {
  {0, "ERROR_SUCCESS"},
  {1, "ERROR_INVALID_FUNCTION"},
  {2, "ERROR_FILE_NOT_FOUND"},
  {3, "ERROR_PATH_NOT_FOUND"},
  {5, "ERROR_ACCESS_DENIED"},
  {6, "ERROR_INVALID_HANDLE"},
  {8, "ERROR_NOT_ENOUGH_MEMORY"},
  {15, "ERROR_INVALID_DRIVE"},
  {21, "ERROR_NOT_READY"},
  {31, "ERROR_GEN_FAILURE"},
  {38, "ERROR_HANDLE_EOF"},
  {50, "ERROR_NOT_SUPPORTED"},
  {51, "ERROR_REM_NOT_LIST"},
  {53, "ERROR_BAD_NETPATH"},
  {54, "ERROR_NETWORK_BUSY"},
  {55, "ERROR_DEV_NOT_EXIST"},
  {59, "ERROR_UNEXP_NET_ERR"},
  {64, "ERROR_NETNAME_DELETED"},
  {65, "ERROR_NETWORK_ACCESS_DENIED"},
  {66, "ERROR_BAD_DEV_TYPE"},
  {67, "ERROR_BAD_NET_NAME"},
  {71, "ERROR_REQ_NOT_ACCEP"},
  {85, "ERROR_ALREADY_ASSIGNED"},
  {86, "ERROR_INVALID_PASSWORD"},
  {87, "ERROR_INVALID_PARAMETER"},
  {109, "ERROR_BROKEN_PIPE"},
  {120, "ERROR_CALL_NOT_IMPLEMENTED"},
  {122, "ERROR_INSUFFICIENT_BUFFER"},
  {123, "ERROR_INVALID_NAME"},
  {161, "ERROR_BAD_PATHNAME"},
  {170, "ERROR_BUSY"},
  {183, "ERROR_ALREADY_EXISTS"},
  {234, "ERROR_MORE_DATA"},
  {259, "ERROR_NO_MORE_ITEMS"},
  {1008, "ERROR_NO_TOKEN"},
  {1168, "ERROR_NOT_FOUND"},
  {1200, "ERROR_BAD_DEVICE"},
  {1201, "ERROR_CONNECTION_UNAVAIL"},
  {1202, "ERROR_DEVICE_ALREADY_REMEMBERED"},
  {1203, "ERROR_NO_NET_OR_BAD_PATH"},
  {1204, "ERROR_BAD_PROVIDER"},
  {1205, "ERROR_CANNOT_OPEN_PROFILE"},
  {1206, "ERROR_BAD_PROFILE"},
  {1207, "ERROR_NOT_CONTAINER"},
  {1208, "ERROR_EXTENDED_ERROR"},
  {1210, "ERROR_INVALID_COMPUTERNAME"},
  {1219, "ERROR_SESSION_CREDENTIAL_CONFLICT"},
  {1220, "ERROR_REMOTE_SESSION_LIMIT_EXCEEDED"},
  {1222, "ERROR_NO_NETWORK"},
  {1223, "ERROR_CANCELLED"},
  {1231, "ERROR_NETWORK_UNREACHABLE"},
  {1244, "ERROR_NOT_AUTHENTICATED"},
  {1245, "ERROR_NOT_LOGGED_ON"},
  {1248, "ERROR_NO_MORE_DEVICES"},          /* v2: net use * with no letter free (C15) */
  {1300, "ERROR_NOT_ALL_ASSIGNED"},
  {1311, "ERROR_NO_LOGON_SERVERS"},
  {1312, "ERROR_NO_SUCH_LOGON_SESSION"},
  {1314, "ERROR_PRIVILEGE_NOT_HELD"},
  {1316, "ERROR_USER_EXISTS"},
  {1317, "ERROR_NO_SUCH_USER"},
  {1326, "ERROR_LOGON_FAILURE"},
  {1327, "ERROR_ACCOUNT_RESTRICTION"},
  {1330, "ERROR_PASSWORD_EXPIRED"},
  {1331, "ERROR_ACCOUNT_DISABLED"},
  {1332, "ERROR_NONE_MAPPED"},
  {1346, "ERROR_BAD_IMPERSONATION_LEVEL"},
  {1385, "ERROR_LOGON_TYPE_NOT_GRANTED"},
  {1396, "ERROR_WRONG_TARGET_NAME"},
  {1907, "ERROR_PASSWORD_MUST_CHANGE"},
  {1909, "ERROR_ACCOUNT_LOCKED_OUT"},
  {2202, "ERROR_BAD_USERNAME"},
  {2224, "NERR_UserExists"},
  {2250, "ERROR_NOT_CONNECTED"},
  {2401, "ERROR_OPEN_FILES"},
  {2404, "ERROR_DEVICE_IN_USE"},
};

const char *scn_error_symbol(int code) {
  int lo = 0, hi = (int)(sizeof(aErrSym) / sizeof(aErrSym[0])) - 1;
  while (lo <= hi) {
    int mid = (lo + hi) / 2;
    if (aErrSym[mid].code == code) return aErrSym[mid].zSym;
    if (aErrSym[mid].code < code) lo = mid + 1;
    else hi = mid - 1;
  }
  return "UNKNOWN";
}

void scn_format_error(int code, char *zBuf, size_t nBuf) {
  if (zBuf == NULL || nBuf == 0) return;
  snprintf(zBuf, nBuf, "error %d %s", code, scn_error_symbol(code));
}

/* Upper-case drive letter, or '?' for anything else. */
static char canon_letter(char c) {
  if (c >= 'a' && c <= 'z') return (char)(c - 'a' + 'A');
  return (c >= 'A' && c <= 'Z') ? c : '?';
}

void scn_format_ok_letter(char c, char *zBuf, size_t nBuf) {
  if (zBuf == NULL || nBuf == 0) return;
  snprintf(zBuf, nBuf, "ok %c:", canon_letter(c));
}

void scn_format_tool_error(const char *zWord, char *zBuf, size_t nBuf) {
  if (zBuf == NULL || nBuf == 0) return;
  snprintf(zBuf, nBuf, "tool-error %s", zWord ? zWord : "?");
}

void scn_format_use_row(const char *zStatus, char c, const char *zRemote,
                        char *zBuf, size_t nBuf) {
  if (zBuf == NULL || nBuf == 0) return;
  if (c == 0) {
    snprintf(zBuf, nBuf, "%s %s", zStatus ? zStatus : "?", zRemote ? zRemote : "");
  } else {
    snprintf(zBuf, nBuf, "%s %c: %s", zStatus ? zStatus : "?", canon_letter(c),
             zRemote ? zRemote : "");
  }
}

/* ---------------------------------------------------------------- 2 ---- */

/* Blanks for output comparison: space, tab and a carriage return. */
static int out_blank(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

/* Copy the next line of *pz, normalised (leading and trailing blanks
** dropped, inner runs folded to one space), into a fresh cursor. Compares
** lazily instead: returns the normalised next char, or -1 at line end.
** State lives in *pz and *pbPendingBlank. */
typedef struct ScnNorm ScnNorm;
struct ScnNorm {
  const char *z;       /* read position */
  int bBlank;          /* a blank run is waiting to be emitted */
  int bStarted;        /* a non-blank was emitted on this line */
};

static int norm_next(ScnNorm *p) {
  for (;;) {
    char c = *p->z;
    if (c == 0 || c == '\n') return -1;
    if (out_blank(c)) {
      p->z++;
      if (p->bStarted) p->bBlank = 1;
      continue;
    }
    if (p->bBlank) {
      p->bBlank = 0;
      return ' ';
    }
    p->bStarted = 1;
    p->z++;
    return (unsigned char)c;
  }
}

/* End of the text ignoring one trailing newline. */
static const char *text_end(const char *z) {
  size_t n = strlen(z);
  if (n > 0 && z[n - 1] == '\n') n--;
  return z + n;
}

int scn_output_equal(const char *zA, const char *zB) {
  ScnNorm a, b;
  const char *zEndA, *zEndB;
  if (zA == NULL) zA = "";
  if (zB == NULL) zB = "";
  zEndA = text_end(zA);
  zEndB = text_end(zB);
  a.z = zA;
  b.z = zB;
  for (;;) {
    int ca, cb;
    a.bBlank = a.bStarted = 0;
    b.bBlank = b.bStarted = 0;
    do {
      ca = norm_next(&a);
      cb = norm_next(&b);
      if (ca != cb) return 0;
    } while (ca != -1);
    /* both at a line end: '\n' or NUL */
    {
      int bEndA = a.z >= zEndA, bEndB = b.z >= zEndB;
      if (bEndA || bEndB) return bEndA && bEndB;
    }
    a.z++;
    b.z++;
  }
}

char *scn_expected_text(const ScnStep *pStep) {
  size_t n = 1;
  int i;
  char *z, *p;
  for (i = 0; i < pStep->nExpected; i++) n += strlen(pStep->azExpected[i]) + 1;
  z = malloc(n);
  if (z == NULL) return NULL;
  p = z;
  for (i = 0; i < pStep->nExpected; i++) {
    size_t k = strlen(pStep->azExpected[i]);
    if (i > 0) *p++ = '\n';
    memcpy(p, pStep->azExpected[i], k);
    p += k;
  }
  *p = 0;
  return z;
}

/* ---------------------------------------------------------------- 3 ---- */

typedef struct ScnBuf ScnBuf;
struct ScnBuf {
  char *z;             /* the text (malloc'd) */
  size_t n;            /* bytes used, without the NUL */
  size_t nAlloc;       /* bytes allocated */
  int bOom;            /* an allocation failed */
};

static void buf_add(ScnBuf *p, const char *z, size_t n) {
  if (p->bOom) return;
  if (p->n + n + 1 > p->nAlloc) {
    size_t nNew = p->nAlloc ? p->nAlloc * 2 : 64;
    char *zNew;
    while (nNew < p->n + n + 1) nNew *= 2;
    zNew = realloc(p->z, nNew);
    if (zNew == NULL) {
      p->bOom = 1;
      return;
    }
    p->z = zNew;
    p->nAlloc = nNew;
  }
  memcpy(p->z + p->n, z, n);
  p->n += n;
  p->z[p->n] = 0;
}

static void buf_str(ScnBuf *p, const char *z) {
  buf_add(p, z, strlen(z));
}

/* Append a blank (unless first) then z as written: keywords. */
static void buf_kw(ScnBuf *p, const char *z) {
  if (p->n > 0) buf_add(p, " ", 1);
  buf_str(p, z);
}

/* Append a blank then a word, quoting the value part if needed so that it
** lexes back to itself. zPre is an unquoted prefix (may be ""). */
static void buf_word(ScnBuf *p, const char *zPre, const char *zVal, int bForceQuote) {
  if (p->n > 0) buf_add(p, " ", 1);
  buf_str(p, zPre);
  if (bForceQuote || scnx_needs_quotes(zVal)) {
    size_t nQ = scnx_quoted_len(zVal);
    char *zQ = malloc(nQ + 1);
    if (zQ == NULL) {
      p->bOom = 1;
      return;
    }
    scnx_write_quoted(zQ, zVal);
    buf_add(p, zQ, nQ);
    free(zQ);
  } else {
    buf_str(p, zVal);
  }
}

/* A value after a prefix: an empty one is written as the bare prefix
** (`password=`), which lexes back as an empty value. */
static void buf_opt(ScnBuf *p, const char *zPre, const char *zVal) {
  if (zVal[0] == 0) {
    if (p->n > 0) buf_add(p, " ", 1);
    buf_str(p, zPre);
  } else {
    buf_word(p, zPre, zVal, 0);
  }
}

static void buf_secret(ScnBuf *p, const char *zPre, const char *zVal, int bRedact) {
  if (bRedact) buf_word(p, zPre, "***", 0);
  else buf_opt(p, zPre, zVal);
}

static char *buf_finish(ScnBuf *p) {
  if (p->bOom) {
    free(p->z);
    return NULL;
  }
  if (p->z == NULL) return scnx_strdup("");
  return p->z;
}

/* ---------------------------------------------------------------- 4 ---- */

static void fmt_letter(ScnBuf *p, char c) {
  char z[3];
  z[0] = c;
  z[1] = ':';
  z[2] = 0;
  buf_word(p, "", z, 0);
}

/* `/user:<u> [<pw>]` of net use: a NULL password writes nothing; a
** password that looks like an option, is empty or is `*` is quoted so that
** it parses back as the password. */
static void fmt_net_user(ScnBuf *b, const ScnStep *p, int bRedact) {
  if (p->zCredUser == NULL) return;
  buf_word(b, "/user:", p->zCredUser, 0);
  if (p->zCredPassword) {
    if (bRedact) {
      buf_kw(b, "***");
    } else {
      buf_word(b, "", p->zCredPassword, p->zCredPassword[0] == '/' || p->zCredPassword[0] == 0
                                        || strcmp(p->zCredPassword, "*") == 0);
    }
  }
}

/* A tool step's keys, in the order written. */
static void fmt_tool(ScnBuf *b, const ScnStep *p, int bRedact) {
  int i;
  buf_kw(b, "tool");
  buf_kw(b, scn_tool_name(p->eTool));
  for (i = 0; i < p->nToolArg; i++) {
    const ScnToolArg *pA = &p->aToolArg[i];
    char zPre[40];
    if (pA->zValue == NULL) {
      buf_kw(b, scn_tool_key_name(pA->eKey));
      continue;
    }
    snprintf(zPre, sizeof(zPre), "%s=", scn_tool_key_name(pA->eKey));
    if (pA->eKey == SCN_TKEY_PASSWORD || pA->eKey == SCN_TKEY_SECRET) {
      buf_secret(b, zPre, pA->zValue, bRedact);
    } else if (pA->eKey == SCN_TKEY_NAME && (p->eTool == SCN_TOOL_PS_NEW_PSDRIVE
                                             || p->eTool == SCN_TOOL_PS_REMOVE_PSDRIVE)) {
      char z[2];                             /* ps drive names print without the colon */
      z[0] = pA->zValue[0];
      z[1] = 0;
      buf_word(b, zPre, z, 0);
    } else {
      buf_opt(b, zPre, pA->zValue);
    }
  }
}

static void fmt_command(ScnBuf *b, const ScnStep *p, int bRedact) {
  switch (p->eCmd) {
    case SCN_CMD_NET_USE_LIST:
      buf_kw(b, "net use");
      break;
    case SCN_CMD_NET_USE_ADD:
      buf_kw(b, "net use");
      fmt_letter(b, p->cLetter);
      buf_word(b, "", p->zRemote, 0);
      fmt_net_user(b, p, bRedact);
      if (p->ePersistent >= 0) buf_word(b, "/persistent:", p->ePersistent ? "yes" : "no", 0);
      break;
    case SCN_CMD_NET_USE_AUTO:
      buf_kw(b, "net use *");
      buf_word(b, "", p->zRemote, 0);
      fmt_net_user(b, p, bRedact);
      if (p->ePersistent >= 0) buf_word(b, "/persistent:", p->ePersistent ? "yes" : "no", 0);
      break;
    case SCN_CMD_NET_USE_DEVICELESS:
      buf_kw(b, "net use");
      buf_word(b, "", p->zRemote, 0);
      fmt_net_user(b, p, bRedact);
      break;
    case SCN_CMD_NET_USE_DELETE_REMOTE:
      buf_kw(b, "net use");
      buf_word(b, "", p->zRemote, 0);
      buf_kw(b, "/delete");
      break;
    case SCN_CMD_WNET_ADD_DEVICELESS:
      buf_kw(b, "wnet add");
      buf_word(b, "", p->zRemote, 0);
      if (p->zCredUser) buf_opt(b, "user=", p->zCredUser);
      if (p->zCredPassword) buf_secret(b, "password=", p->zCredPassword, bRedact);
      break;
    case SCN_CMD_WNET_CANCEL_REMOTE:
      buf_kw(b, "wnet cancel");
      buf_word(b, "", p->zRemote, 0);
      if (p->bForce) buf_kw(b, "force");
      break;
    case SCN_CMD_REG_SET:
    case SCN_CMD_REG_DELETE: {
      char zKey[16];
      snprintf(zKey, sizeof(zKey), "HKCU\\Network\\%c", canon_letter(p->cLetter));
      buf_kw(b, p->eCmd == SCN_CMD_REG_SET ? "reg set" : "reg delete");
      buf_kw(b, zKey);
      if (p->zRegValue) buf_word(b, "", p->zRegValue, 0);
      if (p->eCmd == SCN_CMD_REG_SET && p->eRegType == SCN_REG_DWORD) {
        char z[32];
        snprintf(z, sizeof(z), "dword:%lu", p->uRegDword);
        buf_kw(b, z);
      } else if (p->eCmd == SCN_CMD_REG_SET) {
        const char *zD = p->zRegData ? p->zRegData : "";
        /* REG_SZ data that reads like dword:N is quoted to stay a string. */
        buf_word(b, "", zD, scnx_strnicmp(zD, "dword:", 6) == 0);
      }
      break;
    }
    case SCN_CMD_TOOL:
      fmt_tool(b, p, bRedact);
      break;
    case SCN_CMD_NET_USE_DELETE:
      buf_kw(b, "net use");
      fmt_letter(b, p->cLetter);
      buf_kw(b, "/delete");
      break;
    case SCN_CMD_NET_USE_DELETE_ALL:
      buf_kw(b, "net use * /delete");
      break;
    case SCN_CMD_NET_USE_PERSISTENT:
      buf_word(b, "net use /persistent:", p->ePersistent ? "yes" : "no", 0);
      break;
    case SCN_CMD_CMDKEY_ADD:
      buf_word(b, "cmdkey /add:", p->zTarget, 0);
      buf_word(b, "/user:", p->zCredUser, 0);
      buf_secret(b, "/pass:", p->zCredPassword ? p->zCredPassword : "", bRedact);
      break;
    case SCN_CMD_CMDKEY_DELETE:
      buf_word(b, "cmdkey /delete:", p->zTarget, 0);
      break;
    case SCN_CMD_CMDKEY_LIST:
      buf_kw(b, "cmdkey /list");
      break;
    case SCN_CMD_DEFINE:
      buf_kw(b, "define");
      buf_word(b, "", p->zName, 0);
      buf_word(b, "", p->zTarget, 0);
      if (p->bRaw) buf_kw(b, "raw");
      break;
    case SCN_CMD_UNDEFINE:
      buf_kw(b, "undefine");
      buf_word(b, "", p->zName, 0);
      if (p->zTarget) {
        buf_word(b, "", p->zTarget, scnx_stricmp(p->zTarget, "exact") == 0
                                    || scnx_stricmp(p->zTarget, "raw") == 0);
      }
      if (p->bExact) buf_kw(b, "exact");
      if (p->bRaw) buf_kw(b, "raw");
      break;
    case SCN_CMD_QUERY:
      buf_kw(b, "query");
      buf_word(b, "", p->zName, 0);
      break;
    case SCN_CMD_WNET_ADD:
      buf_kw(b, "wnet add");
      fmt_letter(b, p->cLetter);
      buf_word(b, "", p->zRemote, 0);
      if (p->zCredUser) buf_opt(b, "user=", p->zCredUser);
      if (p->zCredPassword) buf_secret(b, "password=", p->zCredPassword, bRedact);
      if (p->bUpdateProfile) buf_kw(b, "update-profile");
      if (p->bTemporary) buf_kw(b, "temporary");
      break;
    case SCN_CMD_WNET_CANCEL:
      buf_kw(b, "wnet cancel");
      fmt_letter(b, p->cLetter);
      if (p->bUpdateProfile) buf_kw(b, "update-profile");
      if (p->bForce) buf_kw(b, "force");
      break;
    case SCN_CMD_WNET_GET:
      buf_kw(b, "wnet get");
      fmt_letter(b, p->cLetter);
      break;
    case SCN_CMD_WNET_ENUM:
      buf_kw(b, p->bEnumRemembered ? "wnet enum remembered" : "wnet enum connected");
      break;
    case SCN_CMD_DRIVES:
      buf_kw(b, "drives");
      break;
    case SCN_CMD_TOKEN:
      buf_kw(b, "token");
      break;
    case SCN_CMD_PERSISTED:
      buf_kw(b, "persisted");
      break;
    case SCN_CMD_DIR:
      buf_kw(b, "dir");
      buf_word(b, "", p->zPath, 0);
      break;
    default:
      buf_kw(b, "?");
      break;
  }
}

char *scn_step_format(const ScnStep *p, int bRedact) {
  ScnBuf b;
  int i;
  memset(&b, 0, sizeof(b));
  switch (p->eKind) {
    case SCN_STEP_LOGON:
      buf_kw(&b, "logon");
      buf_word(&b, "", p->zSession, 0);
      buf_word(&b, "", p->zUser, 0);
      buf_word(&b, "", scn_logon_type_name(p->eLogonType), 0);
      if (p->bS4u) buf_kw(&b, "s4u");
      if (p->zFrom || p->eFromHalf == SCN_HALF_SYSTEM) {
        buf_kw(&b, "from=");
        if (p->eFromHalf == SCN_HALF_SYSTEM) {
          buf_str(&b, "SYSTEM");
        } else {
          buf_str(&b, p->zFrom);
          if (p->eFromHalf == SCN_HALF_LIMITED) buf_str(&b, ".limited");
          if (p->eFromHalf == SCN_HALF_ELEVATED) buf_str(&b, ".elevated");
        }
      }
      if (p->bHighest) buf_kw(&b, "highest");
      if (p->zLogonPassword) buf_secret(&b, "password=", p->zLogonPassword, bRedact);
      break;
    case SCN_STEP_LOGOFF:
      buf_kw(&b, "logoff");
      buf_word(&b, "", p->zSession, 0);
      break;
    case SCN_STEP_REBOOT:
      buf_kw(&b, "reboot");
      break;
    case SCN_STEP_SET:
      buf_kw(&b, "set machine");
      for (i = 0; i < p->nSetting; i++) {
        char z[64];
        snprintf(z, sizeof(z), "%s=%s", scn_policy_name(p->aSetting[i].ePolicy),
                 scn_policy_value_name(p->aSetting[i].ePolicy, p->aSetting[i].bOn));
        buf_word(&b, "", z, 0);
      }
      break;
    case SCN_STEP_BOOTDEVICE:
      buf_kw(&b, "bootdevice");
      fmt_letter(&b, p->cLetter);
      if (p->zTarget) buf_word(&b, "", p->zTarget, scnx_stricmp(p->zTarget, "/delete") == 0);
      else buf_kw(&b, "/delete");
      break;
    case SCN_STEP_AS:
      buf_kw(&b, "as");
      if (p->eHalf == SCN_HALF_SYSTEM) {
        buf_kw(&b, "SYSTEM");
      } else {
        buf_word(&b, "", p->zSession ? p->zSession : "?", 0);
        if (p->eHalf == SCN_HALF_LIMITED) buf_str(&b, ".limited");
        if (p->eHalf == SCN_HALF_ELEVATED) buf_str(&b, ".elevated");
      }
      fmt_command(&b, p, bRedact);
      break;
    default:
      buf_kw(&b, "?");
      break;
  }
  return buf_finish(&b);
}

char *scn_user_format(const ScnUser *pUser, int bRedact) {
  static const char *const azKind[] = { "standard", "admin", "builtin-admin" };
  ScnBuf b;
  memset(&b, 0, sizeof(b));
  buf_kw(&b, "user");
  buf_word(&b, "", pUser->zName, 0);
  buf_word(&b, "", ((unsigned)pUser->eKind < 3) ? azKind[pUser->eKind] : "standard", 0);
  if (pUser->bDomain) buf_kw(&b, "domain");
  buf_secret(&b, "password=", pUser->zPassword ? pUser->zPassword : "", bRedact);
  return buf_finish(&b);
}

char *scn_share_format(const ScnShare *pShare) {
  ScnBuf b;
  int i;
  memset(&b, 0, sizeof(b));
  buf_kw(&b, "share");
  buf_word(&b, "", pShare->zUnc, 0);
  if (pShare->bEveryone) {
    buf_kw(&b, "grant=everyone");
  } else {
    buf_kw(&b, "grant=");
    for (i = 0; i < pShare->nGrant; i++) {
      if (i > 0) buf_add(&b, ",", 1);
      buf_str(&b, pShare->azGrant[i]);
    }
  }
  for (i = 0; i < pShare->nAlias; i++) {
    buf_add(&b, i == 0 ? " alias=" : ",", i == 0 ? 7 : 1);
    buf_str(&b, pShare->azAlias[i]);
  }
  if (pShare->bAnonymous) buf_kw(&b, "anonymous");
  return buf_finish(&b);
}

char *scn_machine_format(const ScnMachine *pMachine) {
  ScnBuf b;
  int i, bFirst = 1;
  memset(&b, 0, sizeof(b));
  buf_kw(&b, "machine");
  for (i = 0; i < SCN_POL_COUNT; i++) {
    char z[64];
    /* The v2 keys print only when they differ from their default, so a
    ** version 1 world keeps its canonical text byte for byte. */
    if (i == SCN_POL_PROTECTION_MODE && pMachine->abPolicy[i]) continue;
    if (i == SCN_POL_CONSENT_CREDENTIALS && !pMachine->abPolicy[i]) continue;
    snprintf(z, sizeof(z), "%s=%s", scn_policy_name((ScnPolicy)i),
             scn_policy_value_name((ScnPolicy)i, pMachine->abPolicy[i]));
    buf_word(&b, "", z, 0);
  }
  buf_kw(&b, "disks=");
  for (i = 0; i < 26; i++) {
    if (pMachine->mDisks & (1u << i)) {
      char z[3];
      z[0] = (char)('A' + i);
      z[1] = ':';
      z[2] = 0;
      if (!bFirst) buf_add(&b, ",", 1);
      buf_str(&b, z);
      bFirst = 0;
    }
  }
  return buf_finish(&b);
}

/* ---------------------------------------------------------------- 5 ---- */

/* 1 if the word (quotes removed) starts with zPre, case-insensitive. */
static int word_prefix(const ScnWord *pW, const char *zPre) {
  size_t n = strlen(zPre);
  return strlen(pW->z) >= n && scnx_strnicmp(pW->z, zPre, n) == 0;
}

char *scn_redact_line(const char *zLine) {
  ScnWords ws;
  ScnBuf b;
  int i, bNetUse = 0, bSecretNext = 0;
  size_t n;
  if (zLine == NULL) return NULL;
  n = strlen(zLine);
  while (n > 0 && (zLine[n - 1] == '\n' || zLine[n - 1] == '\r')) n--;
  memset(&ws, 0, sizeof(ws));
  if (scnx_split(zLine, n, &ws, 1)) {
    scnx_words_clear(&ws);
    return NULL;
  }
  memset(&b, 0, sizeof(b));
  for (i = 0; i < ws.nWord; i++) {
    const ScnWord *pW = &ws.aWord[i];
    if (i + 1 < ws.nWord && scnx_stricmp(pW->z, "net") == 0
        && scnx_stricmp(ws.aWord[i + 1].z, "use") == 0) {
      bNetUse = 1;
    }
    if (bSecretNext) {
      bSecretNext = 0;
      if (pW->z[0] != '/' || pW->bQuoted) {
        buf_kw(&b, "***");
        continue;
      }
    }
    if (word_prefix(pW, "password=")) {
      buf_word(&b, "password=", "***", 0);
    } else if (word_prefix(pW, "/pass:")) {
      buf_word(&b, "/pass:", "***", 0);
    } else if (word_prefix(pW, "pass=")) {
      buf_word(&b, "pass=", "***", 0);
    } else if (word_prefix(pW, "secret=")) {
      buf_word(&b, "secret=", "***", 0);
    } else {
      if (bNetUse && word_prefix(pW, "/user:")) bSecretNext = 1;
      buf_word(&b, "", pW->z, 0);
    }
  }
  scnx_words_clear(&ws);
  return buf_finish(&b);
}
