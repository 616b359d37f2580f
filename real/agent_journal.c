/*
** real/agent_journal.c: the undo journal (see agent_journal.h).
**
** Portable C. Sections: 2. recording 3. undoing 4. text form
** 5. what a journal may hold 6. escaping.
*/
#include "agent_journal.h"
#include "agent_proto.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *agent_strdup_or_null(const char *z){
  char *zNew;
  size_t n;
  if( z==NULL ) return NULL;
  n = strlen(z) + 1;
  zNew = malloc(n);
  if( zNew ) memcpy(zNew, z, n);
  return zNew;
}

static int agent_str_eq_nocase(const char *zA, const char *zB){
  if( zA==NULL || zB==NULL ) return zA==zB;
  while( *zA && tolower((unsigned char)*zA)==tolower((unsigned char)*zB) ){
    zA++; zB++;
  }
  return *zA==*zB;
}

/* The first n bytes of zA and zB are equal ignoring case. */
static int agent_str_eq_nocase_n(const char *zA, const char *zB, size_t n){
  size_t i;
  for(i=0; i<n; i++){
    if( zA[i]==0 || tolower((unsigned char)zA[i])!=tolower((unsigned char)zB[i]) ) return 0;
  }
  return 1;
}

/* ---------------------------------------------------------------- 2 ---- */

int agent_journal_add(AgentJournal *p, AgentUndoKind eKind, const char *zKey,
                      const char *zName, const char *zOld){
  AgentUndo *pNew;
  if( p->n>=p->nAlloc ){
    int nNew = p->nAlloc ? p->nAlloc*2 : 16;
    AgentUndo *aNew = realloc(p->a, sizeof(AgentUndo)*(size_t)nNew);
    if( aNew==NULL ) return 1;
    p->a = aNew;
    p->nAlloc = nNew;
  }
  pNew = &p->a[p->n];
  memset(pNew, 0, sizeof(*pNew));
  pNew->eKind = eKind;
  pNew->zKey = agent_strdup_or_null(zKey ? zKey : "");
  pNew->zName = agent_strdup_or_null(zName ? zName : "");
  pNew->zOld = agent_strdup_or_null(zOld);
  if( pNew->zKey==NULL || pNew->zName==NULL || (zOld && pNew->zOld==NULL) ){
    free(pNew->zKey); free(pNew->zName); free(pNew->zOld);
    return 1;
  }
  p->n++;
  return 0;
}

int agent_journal_has(const AgentJournal *p, AgentUndoKind eKind,
                      const char *zKey, const char *zName){
  int i;
  for(i=0; i<p->n; i++){
    if( p->a[i].eKind==eKind && !p->a[i].bDone
     && agent_str_eq_nocase(p->a[i].zKey, zKey ? zKey : "")
     && agent_str_eq_nocase(p->a[i].zName, zName ? zName : "") ) return 1;
  }
  return 0;
}

/* ---------------------------------------------------------------- 3 ---- */

int agent_journal_undo(AgentJournal *p,
                       int (*xUndo)(void *pCtx, const AgentUndo *pEntry),
                       void *pCtx, int *pnUndone){
  int i;
  int nFail = 0;
  int nDone = 0;
  for(i=p->n-1; i>=0; i--){
    if( p->a[i].bDone ) continue;
    p->a[i].bDone = 1;
    nDone++;
    if( xUndo(pCtx, &p->a[i]) ) nFail++;
  }
  if( pnUndone ) *pnUndone = nDone;
  return nFail;
}

void agent_journal_free(AgentJournal *p){
  int i;
  for(i=0; i<p->n; i++){
    free(p->a[i].zKey);
    free(p->a[i].zName);
    free(p->a[i].zOld);
  }
  free(p->a);
  memset(p, 0, sizeof(*p));
}

/* ---------------------------------------------------------------- 4 ---- */

static const char *const azUndoKind[AGENT_UNDO_KIND_COUNT] = {
  "regvalue", "cred", "user", "group", "right", "dosdev", "netuse", "regkey"
};

const char *agent_undo_kind_name(AgentUndoKind e){
  if( (int)e<0 || e>=AGENT_UNDO_KIND_COUNT ) return "?";
  return azUndoKind[e];
}

char *agent_journal_text(const AgentJournal *p){
  AgentBuf b = {0};
  int i;
  agent_buf_append(&b, "", 0);
  for(i=0; i<p->n; i++){
    const AgentUndo *e = &p->a[i];
    if( e->bDone ) continue;
    char *zK = agent_journal_escape(e->zKey);
    char *zN = agent_journal_escape(e->zName);
    char *zO = e->zOld ? agent_journal_escape(e->zOld) : NULL;
    if( zK==NULL || zN==NULL || (e->zOld && zO==NULL) ) b.bOom = 1;
    else agent_buf_printf(&b, "%s\t%s\t%s\t%s\n", agent_undo_kind_name(e->eKind),
                          zK, zN, zO ? zO : "-");
    free(zK); free(zN); free(zO);
  }
  if( b.bOom ){
    agent_buf_free(&b);
    return NULL;
  }
  return b.z;
}

/* ---------------------------------------------------------------- 5 ---- */

/* The registry values the agent writes: key (as journalled) and value. A
** value name "?:" stands for any drive letter. */
static const char *const azRegAllowed[][2] = {
  { "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System", "EnableLUA" },
  { "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System", "FilterAdministratorToken" },
  { "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System", "LocalAccountTokenFilterPolicy" },
  { "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System", "EnableLinkedConnections" },
  { "HKLM\\SYSTEM\\CurrentControlSet\\Control\\NetworkProvider", "RestoreConnection" },
  { "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager", "LUIDDeviceMapsDisabled" },
  { "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager", "ProtectionMode" },
  { "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System", "ConsentPromptBehaviorAdmin" },
  { "HKLM\\SYSTEM\\CurrentControlSet\\Control\\Session Manager\\DOS Devices", "?:" },
  { "HKCU\\Software\\Microsoft\\Windows NT\\CurrentVersion\\Network\\Persistent Connections",
    "SaveConnections" },
};

static int agent_is_letter_colon(const char *z){
  return z && isalpha((unsigned char)z[0]) && z[1]==':' && z[2]==0;
}

/* A local account name NetUserAdd accepts: 1..20 characters, none of
** "/\[]:|<>+=;,?*@ or a control character, not only dots and blanks. */
static int agent_is_account_name(const char *z){
  size_t n = z ? strlen(z) : 0;
  int bReal = 0;
  size_t i;
  if( n==0 || n>64 ) return 0;        /* 20 characters, up to 3 bytes each */
  for(i=0; i<n; i++){
    unsigned char c = (unsigned char)z[i];
    if( c<0x20 || c==0x7f || strchr("\"/\\[]:|<>+=;,?*@", c) ) return 0;
    if( c!='.' && c!=' ' ) bReal = 1;
  }
  return bReal;
}

/* S-1-5-21-N-N-N-N: a local or domain account's SID. */
static int agent_is_account_sid(const char *z){
  int nSub = 0;
  if( z==NULL || strncmp(z, "S-1-5-21-", 9)!=0 ) return 0;
  z += 9;
  for(;;){
    int nDig = 0;
    while( isdigit((unsigned char)*z) ){ z++; nDig++; }
    if( nDig==0 || nDig>10 ) return 0;
    nSub++;
    if( *z==0 ) break;
    if( *z!='-' ) return 0;
    z++;
  }
  return nSub==4;
}

/* A logon half as agent_half_name() writes it: SYSTEM, or a session name
** (a scenario word of letters, digits, `_` and `-`) with an optional
** `.limited` or `.elevated`. */
static int agent_is_half_name(const char *z){
  size_t n = 0;
  if( z==NULL ) return 0;
  while( isalnum((unsigned char)z[n]) || z[n]=='_' || z[n]=='-' ) n++;
  if( n==0 || n>64 ) return 0;
  if( z[n]==0 ) return 1;
  return agent_str_eq_nocase(z+n, ".limited") || agent_str_eq_nocase(z+n, ".elevated");
}

/* Any text of 1..nMax bytes: what a scenario may type in a target or a
** device name (the journal escapes control characters). */
static int agent_is_text(const char *z, size_t nMax){
  size_t n = z ? strlen(z) : 0;
  return n>0 && n<=nMax;
}

/* v2: a remote name `\\server\share[...]` as net use and wnet add take it
** (a deviceless connection's name), 1..1024 bytes. */
static int agent_is_unc(const char *z){
  return agent_is_text(z, 1024) && z[0]=='\\' && z[1]=='\\' && z[2] && z[2]!='\\';
}

/* v2: `HKU\<SID>\Network\<L>`: one drive letter's key in a user's hive,
** the only keys `reg set` and `reg delete` reach (R6). The SID is a local
** or domain account's (S-1-5-21-...) or SYSTEM's (S-1-5-18). */
static int agent_user_network_key(const char *z, int bParentToo){
  char zSid[80];
  const char *zEnd;
  size_t n;
  if( z==NULL || strncmp(z, "HKU\\", 4)!=0 ) return 0;
  z += 4;
  zEnd = strchr(z, '\\');
  if( zEnd==NULL ) return 0;
  n = (size_t)(zEnd - z);
  if( n==0 || n>=sizeof(zSid) ) return 0;
  memcpy(zSid, z, n);
  zSid[n] = 0;
  if( !agent_is_account_sid(zSid) && strcmp(zSid, "S-1-5-18")!=0 ) return 0;
  z = zEnd+1;
  if( bParentToo && agent_str_eq_nocase(z, "Network") ) return 1;
  if( !agent_str_eq_nocase_n(z, "Network\\", 8) ) return 0;
  z += 8;
  return isalpha((unsigned char)z[0]) && z[1]==0;
}

int agent_journal_is_user_network_key(const char *z){
  return agent_user_network_key(z, 0);
}

/* `-` (absent, stored as NULL) or TYPE:HEX with TYPE 0..11. */
static int agent_is_reg_old(const char *z){
  size_t n, i;
  char *zEnd;
  unsigned long t;
  if( z==NULL ) return 1;
  if( !isdigit((unsigned char)z[0]) ) return 0;
  t = strtoul(z, &zEnd, 10);
  if( t>11 || *zEnd!=':' ) return 0;
  zEnd++;
  n = strlen(zEnd);
  if( n%2 || n>2*65536 ) return 0;
  for(i=0; i<n; i++) if( !isxdigit((unsigned char)zEnd[i]) ) return 0;
  return 1;
}

int agent_journal_entry_check(AgentUndoKind eKind, const char *zKey,
                              const char *zName, const char *zOld,
                              char *zWhy, size_t nWhy){
  size_t i;
  const char *zKind = agent_undo_kind_name(eKind);
  if( zKey==NULL ) zKey = "";
  if( zName==NULL ) zName = "";
  switch( eKind ){
    case AGENT_UNDO_REGVALUE:
      for(i=0; i<sizeof(azRegAllowed)/sizeof(azRegAllowed[0]); i++){
        if( !agent_str_eq_nocase(zKey, azRegAllowed[i][0]) ) continue;
        if( strcmp(azRegAllowed[i][1], "?:")==0 ? agent_is_letter_colon(zName)
            : agent_str_eq_nocase(zName, azRegAllowed[i][1]) ) break;
      }
      if( i>=sizeof(azRegAllowed)/sizeof(azRegAllowed[0])
       && !(agent_journal_is_user_network_key(zKey) && agent_is_text(zName, 1024)) ){
        snprintf(zWhy, nWhy, "a registry value the agent never writes");
        return 1;
      }
      if( !agent_is_reg_old(zOld) ){
        snprintf(zWhy, nWhy, "an old registry value that is not TYPE:HEX");
        return 1;
      }
      return 0;
    case AGENT_UNDO_CRED:
      if( !agent_is_text(zKey, 1024) || !agent_str_eq_nocase(zName, "domain")
       || (zOld && !agent_is_half_name(zOld)) ){
        snprintf(zWhy, nWhy, "a credential entry the agent never writes");
        return 1;
      }
      return 0;
    case AGENT_UNDO_USER:
      if( !agent_is_account_name(zKey) || (zName[0] && !agent_is_account_sid(zName))
       || zOld ){
        snprintf(zWhy, nWhy, "an account entry that is not a local account name "
                 "with its SID");
        return 1;
      }
      return 0;
    case AGENT_UNDO_RIGHT:
      if( !agent_is_account_name(zKey) || zOld
       || !(agent_str_eq_nocase(zName, "SeBatchLogonRight")
            || agent_str_eq_nocase(zName, "SeServiceLogonRight")) ){
        snprintf(zWhy, nWhy, "a right the agent never grants");
        return 1;
      }
      return 0;
    case AGENT_UNDO_DOSDEV:
    case AGENT_UNDO_NETUSE:
      if( !agent_is_half_name(zKey) || (zOld && strcmp(zOld, "own")!=0)
       || (eKind==AGENT_UNDO_NETUSE ? !(agent_is_letter_colon(zName) || agent_is_unc(zName)
                                        || (zName[0]=='*' && agent_is_unc(zName+1)))
                                    : !agent_is_text(zName, 1024)) ){
        snprintf(zWhy, nWhy, "a %s entry the agent never writes", zKind);
        return 1;
      }
      return 0;
    case AGENT_UNDO_REGKEY:
      /* a letter's key, or Network itself when `reg set` made both */
      if( !agent_user_network_key(zKey, 1) || zName[0] || zOld ){
        snprintf(zWhy, nWhy, "a registry key the agent never creates");
        return 1;
      }
      return 0;
    default:
      snprintf(zWhy, nWhy, "an entry kind the agent never writes (%s)", zKind);
      return 1;
  }
}

int agent_journal_check(const AgentJournal *p, char *zWhy, size_t nWhy){
  int i, j;
  for(i=0; i<p->n; i++){
    const AgentUndo *e = &p->a[i];
    char zSub[200];
    if( agent_journal_entry_check(e->eKind, e->zKey, e->zName, e->zOld,
                                  zSub, sizeof(zSub)) ){
      snprintf(zWhy, nWhy, "entry %d is %s", i+1, zSub);
      return 1;
    }
    if( e->eKind==AGENT_UNDO_RIGHT ){
      for(j=0; j<i; j++){
        if( p->a[j].eKind==AGENT_UNDO_USER && agent_str_eq_nocase(p->a[j].zKey, e->zKey) ) break;
      }
      if( j>=i ){
        snprintf(zWhy, nWhy, "entry %d grants a right to an account the agent did not "
                 "create", i+1);
        return 1;
      }
    }
  }
  return 0;
}

/* ---------------------------------------------------------------- 6 ---- */

char *agent_journal_escape(const char *z){
  size_t n = 0, i, k = 0;
  char *zOut;
  static const char azHex[] = "0123456789ABCDEF";
  for(i=0; z[i]; i++){
    unsigned char c = (unsigned char)z[i];
    n += (c<0x20 || c==0x7f || c=='%') ? 3 : 1;
  }
  zOut = malloc(n+1);
  if( zOut==NULL ) return NULL;
  for(i=0; z[i]; i++){
    unsigned char c = (unsigned char)z[i];
    if( c<0x20 || c==0x7f || c=='%' ){
      zOut[k++] = '%';
      zOut[k++] = azHex[c>>4];
      zOut[k++] = azHex[c&15];
    }else{
      zOut[k++] = (char)c;
    }
  }
  zOut[k] = 0;
  return zOut;
}

static int agent_hex_digit(char c){
  if( c>='0' && c<='9' ) return c-'0';
  if( c>='a' && c<='f' ) return c-'a'+10;
  if( c>='A' && c<='F' ) return c-'A'+10;
  return -1;
}

int agent_journal_unescape(char *z){
  char *zOut = z;
  while( *z ){
    if( *z=='%' ){
      int h = agent_hex_digit(z[1]);
      int l = h<0 ? -1 : agent_hex_digit(z[2]);
      if( h<0 || l<0 || (h|l)==0 ) return 1;
      *zOut++ = (char)(h*16+l);
      z += 3;
    }else{
      *zOut++ = *z++;
    }
  }
  *zOut = 0;
  return 0;
}
