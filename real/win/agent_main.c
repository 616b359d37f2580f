/*
** real/win/agent_main.c: main() of mapscope-agent.exe.
**
** Reads requests from standard input, answers each on standard output
** (docs/protocol.md), and undoes what it changed before it exits, also
** when input ends early. Options:
**   --allow-host-changes   let steps change the host (journalled, undone)
**   --existing-shares      the world's servers exist and admit its accounts
**   --state FILE           where `suspend` saves what outlives a reboot
**   --resume               load FILE at `start` (the Wine backend's reboot)
**   --ansible-dir=DIR      a checkout of ansible-core or of an Ansible
**                          collection, for `tool ansible.*` (repeatable)
**   --test-hang-at=N       (tests) hang inside step N
**   --test-die-at=N        (tests) exit without a reply inside step N
**   --version
*/
#include "agent_win.h"

#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Byte source for the line reader: the raw standard input handle. */
static long agent_read_stdin(void *pCtx, char *aBuf, size_t nBuf){
  HANDLE hIn = pCtx;
  DWORD nRead = 0;
  if( !ReadFile(hIn, aBuf, (DWORD)nBuf, &nRead, NULL) ){
    DWORD dwErr = GetLastError();
    if( dwErr==ERROR_BROKEN_PIPE || dwErr==ERROR_HANDLE_EOF ) return 0;
    return -1;
  }
  return (long)nRead;
}

/* Write the whole buffer to standard output. Returns 0 or -1. */
static int agent_write_stdout(HANDLE hOut, const AgentBuf *b){
  size_t iDone = 0;
  while( iDone<b->n ){
    DWORD nWrote = 0;
    if( !WriteFile(hOut, b->z + iDone, (DWORD)(b->n - iDone), &nWrote, NULL) ) return -1;
    iDone += nWrote;
  }
  return 0;
}

int main(int argc, char **argv){
  WinHost host;
  AgentCore core;
  AgentLineReader rd;
  HANDLE hIn = GetStdHandle(STD_INPUT_HANDLE);
  HANDLE hOut = GetStdHandle(STD_OUTPUT_HANDLE);
  int bAllow = 0, bShares = 0, iHang = 0, iDie = 0, bResume = 0;
  int bReady = 0;          /* the host has been looked at (first request) */
  HANDLE hMutex = NULL;    /* one agent at a time on this host */
  int bMutex = 0;          /* held */
  const char *zState = NULL;
  int i;
  int rc = 0;
  for(i=1; i<argc; i++){
    if( strcmp(argv[i], "--allow-host-changes")==0 ) bAllow = 1;
    else if( strcmp(argv[i], "--existing-shares")==0 ) bShares = 1;
    else if( strcmp(argv[i], "--resume")==0 ) bResume = 1;
    else if( strcmp(argv[i], "--state")==0 ){
      if( i+1>=argc || argv[i+1][0]==0 ){
        fprintf(stderr, "mapscope-agent: --state needs a file\n");
        return 2;
      }
      zState = argv[++i];
    }
    else if( strncmp(argv[i], "--ansible-dir=", 14)==0 ){
      if( win_tools_add_ansible_dir(argv[i]+14) ){
        fprintf(stderr, "mapscope-agent: bad --ansible-dir (empty, or more than 8)\n");
        return 2;
      }
    }
    else if( strncmp(argv[i], "--test-hang-at=", 15)==0 ) iHang = atoi(argv[i]+15);
    else if( strncmp(argv[i], "--test-die-at=", 14)==0 ) iDie = atoi(argv[i]+14);
    else if( strcmp(argv[i], "--version")==0 ){
      printf("mapscope-agent %s protocol %d\n", MAPSCOPE_VERSION, AGENT_PROTO_VERSION);
      return 0;
    }else{
      fprintf(stderr, "mapscope-agent: unknown option %s\n", argv[i]);
      return 2;
    }
  }
  _setmode(_fileno(stdin), _O_BINARY);
  _setmode(_fileno(stdout), _O_BINARY);
  SetErrorMode(SEM_FAILCRITICALERRORS|SEM_NOGPFAULTERRORBOX);
  /* relative DefineDosDevice targets resolve against the current
  ** directory: make it C:\ so results do not depend on where we started */
  SetCurrentDirectoryW(L"C:\\");
  memset(&host, 0, sizeof(host));
  agent_core_init(&core, &win_host_ops, &host, bAllow);
  core.zStatePath = zState;
  core.bResume = bResume;
  if( agent_reader_init(&rd, AGENT_PROTO_MAX_LINE, agent_read_stdin, hIn) ){
    rc = 1;
    goto done;
  }
  while( core.eState!=AGENT_CORE_DONE ){
    AgentBuf reply = {0};
    AgentLineStatus st = agent_reader_next(&rd);
    if( !bReady ){
      /* The host is looked at when the first request arrives, not when
      ** the process starts: a runner may start an agent ahead of time
      ** (to hide Wine's process start), while the previous agent is still
      ** undoing its changes. Input that ends before any request: nothing
      ** was asked, nothing is done. */
      if( st==AGENT_LINE_EOF ) break;
      /* One agent at a time on a host (a Wine prefix): an agent that is
      ** still undoing (its runner was killed) must finish before the next
      ** one recovers and takes its baseline, or the next one would record
      ** the dead one's changes as the host's and restore them at its end.
      ** The mutex is abandoned, and so free, if the holder dies. */
      hMutex = CreateMutexW(NULL, FALSE, L"Global\\mapscope-agent");
      if( hMutex==NULL ) hMutex = CreateMutexW(NULL, FALSE, L"Local\\mapscope-agent");
      if( hMutex ){
        DWORD w = WaitForSingleObject(hMutex, 120000);
        if( w==WAIT_OBJECT_0 || w==WAIT_ABANDONED ){
          bMutex = 1;
        }else{
          snprintf(core.zBusyWhy, sizeof(core.zBusyWhy), "another mapscope-agent has been "
                   "at work on this host for 120 s (it holds the mutex mapscope-agent)");
        }
      }
      if( core.zBusyWhy[0] ){
        core.bStateKept = 1;          /* hands off the state file */
        core.bFinished = 1;
        bReady = 1;
        win_host_init(&host);
        goto handle;
      }
      /* a journal left by an agent that died is undone before the
      ** baseline is taken (a resumed agent continues it instead); a file
      ** that is not a complete journal is left alone and `hello` answers
      ** `error` */
      if( zState && !bResume ) win_recover(&core);
      if( bMutex && core.bStateKept ){
        /* refusing to start (a state file to look at): nothing to guard */
        ReleaseMutex(hMutex);
        bMutex = 0;
      }
      win_host_init(&host);
      host.bExistingShares = bShares;
      host.iHangAt = iHang;
      host.iDieAt = iDie;
      bReady = 1;
    }
handle:
    if( st==AGENT_LINE_OK ){
      agent_core_request(&core, rd.zLine, &reply);
      SecureZeroMemory(rd.zLine, rd.nLine);   /* it may hold a password */
    }else{
      agent_core_framing(&core, st, &reply);
    }
    if( bMutex && core.bFinished ){
      /* undone (or suspended): the next agent may go on */
      ReleaseMutex(hMutex);
      bMutex = 0;
    }
    if( reply.bOom ){
      agent_buf_free(&reply);
      agent_buf_append(&reply, "error 0 out of memory\n", (size_t)-1);
    }
    if( reply.n && agent_write_stdout(hOut, &reply) ){
      agent_buf_free(&reply);
      break;
    }
    agent_buf_free(&reply);
  }
  agent_reader_free(&rd);
done:
  /* An agent never asked anything looked at nothing and changed nothing:
  ** it must not finish either (finishing removes the state file, which
  ** may be another agent's journal by now). */
  if( !bReady ) core.bFinished = 1;
  agent_core_free(&core);       /* undoes the journal if bye did not */
  win_host_free(&host);
  if( bMutex ) ReleaseMutex(hMutex);
  if( hMutex ) CloseHandle(hMutex);
  if( core.nUndoFailed ) rc = 3;
  return rc;
}
