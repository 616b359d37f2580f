/*
** runner/backends/backend_agent.c: the two backends that drive mapscope-agent.exe
** over its line protocol (docs/protocol.md):
**
**   wine     the agent under Wine, in a dedicated, cached WINEPREFIX that is
**            created on first use, headless, with Wine's extra drive letters
**            removed; one agent per scenario, which undoes its changes at
**            `bye`; the prefix's wineserver is kept warm between scenarios
**            (see "The spare agent") and stopped by xShutdown at the end
**            of the command, or at once after an agent that did not end
**            cleanly (a clean namespace for the next scenario either way)
**   windows  the agent on a real host, reached through --agent-cmd "CMD"
**            (run with /bin/sh -c; e.g. ssh host mapscope-agent.exe ...)
**
** Each step has a watchdog: an agent that does not answer in time, or that
** exits, gives BACKEND_ERROR for that step and the instance is closed (the
** runner goes on with the next scenario).
**
** Environment: MAPSCOPE_AGENT_EXE (the .exe; default: real/mapscope-agent.exe
** next to the mapscope binary), MAPSCOPE_WINEPREFIX (default
** $XDG_CACHE_HOME/mapscope/wineprefix, else ~/.cache/mapscope/wineprefix),
** MAPSCOPE_STEP_TIMEOUT_MS (default 30000), MAPSCOPE_AGENT_START_TIMEOUT_MS
** (the handshake, default 180000: a first start may create the prefix),
** MAPSCOPE_AGENT_WIND_DOWN_MS (how long a run that finds the prefix left
** by a killed run waits for that run's agent to finish its undo and Wine
** to exit before it stops the prefix's server; default 60000),
** MAPSCOPE_AGENT_STOP_GRACE_MS (how long stopping the prefix's server waits
** for it to exit by itself; default 10000),
** MAPSCOPE_AGENT_ARGS (extra agent
** options, blank-separated; for tests), MAPSCOPE_WINE (default "wine").
**
** Contents:
**   1. The instance
**   2. Child processes: spawn, pipes, reading with a deadline, killing
**   3. The Wine prefix: location, creation, drive letters, lock, wineserver
**   4. The protocol exchange
**   5. The operations tables
*/
#include "runner/backends/backend.h"
#include "real/agent_proto.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

/* ---------------------------------------------------------------- 1 ---- */

#define AGENT_FIRST_TIMEOUT_MS 180000  /* first start may create the prefix */
#define AGENT_DEFAULT_STEP_MS   30000
#define AGENT_WIND_DOWN_MS      60000  /* a killed run's agent finishing its undo */
#define AGENT_STOP_GRACE_MS     10000  /* the server exiting by itself */

struct BackendConn {
  int bWine;               /* the wine backend (else windows) */
  pid_t pid;               /* the agent (or the shell running agent-cmd) */
  int fdTo;                /* pipe to the agent's standard input */
  int fdFrom;              /* pipe from its standard output */
  int bDead;               /* the agent is gone or unusable */
  int msStep;              /* per-step watchdog */
  long long tDeadline;     /* absolute deadline of the current read (ms) */
  int bTimedOut;           /* the last read hit the deadline */
  AgentLineReader rd;      /* reply framing */
  char zPrefix[PATH_MAX];  /* the WINEPREFIX (wine) */
  char *zExe;              /* the agent .exe (wine) or command (windows) */
  const Scenario *pScn;    /* the scenario, for the world after a reboot */
  int fdLock;              /* lock on the prefix, -1 if none */
  HostFacts facts;         /* host facts, strings below */
  char *zOs;               /* facts.zOs */
  char *zWine;             /* facts.zWineVersion */
  char *zAgent;            /* facts.zAgentVersion */
  char *zCaps;             /* facts.zCapabilities */
  char *zEvents;           /* facts.zEvents */
  char *zFacts;            /* facts.zFacts */
  int fdErr;               /* the agent's standard error (a private temporary
                           ** file), -1 if none */
  int iExit;               /* how the agent ended: exit status, -N for signal N,
                           ** INT_MIN while unknown */
  char *zRebuilt;          /* the prefix event of this open, or NULL */
};

static char *agent_strdup(const char *z){
  size_t n = strlen(z) + 1;
  char *zNew = malloc(n);
  if( zNew ) memcpy(zNew, z, n);
  return zNew;
}

static char *agent_mprintf(const char *zFmt, ...){
  va_list ap;
  int n;
  char *z;
  va_start(ap, zFmt);
  n = vsnprintf(NULL, 0, zFmt, ap);
  va_end(ap);
  if( n<0 ) return NULL;
  z = malloc((size_t)n + 1);
  if( z==NULL ) return NULL;
  va_start(ap, zFmt);
  vsnprintf(z, (size_t)n + 1, zFmt, ap);
  va_end(ap);
  return z;
}

static long long agent_now_ms(void){
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec*1000 + ts.tv_nsec/1000000;
}

static int agent_env_int(const char *zName, int iDefault){
  const char *z = getenv(zName);
  if( z==NULL || z[0]==0 ) return iDefault;
  return atoi(z)>0 ? atoi(z) : iDefault;
}

/* ---------------------------------------------------------------- 2 ---- */

/* Byte source for the reply reader: poll() until the deadline. */
static long agent_read_fd(void *pCtx, char *aBuf, size_t nBuf){
  BackendConn *p = pCtx;
  for(;;){
    struct pollfd pfd;
    long long nLeft = p->tDeadline - agent_now_ms();
    int rc;
    ssize_t n;
    if( nLeft<=0 ){ p->bTimedOut = 1; return -1; }
    pfd.fd = p->fdFrom;
    pfd.events = POLLIN;
    pfd.revents = 0;
    rc = poll(&pfd, 1, nLeft>INT_MAX ? INT_MAX : (int)nLeft);
    if( rc<0 ){
      if( errno==EINTR ) continue;
      return -1;
    }
    if( rc==0 ) continue;          /* loop re-checks the deadline */
    n = read(p->fdFrom, aBuf, nBuf);
    if( n<0 ){
      if( errno==EINTR || errno==EAGAIN ) continue;
      return -1;
    }
    return (long)n;
  }
}

/* Write all of z to the agent. SIGPIPE is blocked around the write and a
** pending one consumed, so a dead agent gives -1 instead of killing us. */
static int agent_write_all(BackendConn *p, const char *z, size_t n){
  sigset_t set, old;
  int rc = 0;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  sigprocmask(SIG_BLOCK, &set, &old);
  while( n>0 ){
    ssize_t k = write(p->fdTo, z, n);
    if( k<0 ){
      if( errno==EINTR ) continue;
      rc = -1;
      break;
    }
    z += k;
    n -= (size_t)k;
  }
  if( rc ){
    struct timespec ts = {0, 0};
    sigset_t pend;
    sigpending(&pend);
    if( sigismember(&pend, SIGPIPE) ) sigtimedwait(&set, NULL, &ts);
  }
  sigprocmask(SIG_SETMASK, &old, NULL);
  return rc;
}

/* Wait up to ms for pid to exit; then kill its process group. Returns
** the exit status if it exited by itself in time, else -1. */
static int agent_reap_status(pid_t pid, int ms){
  long long tEnd = agent_now_ms() + ms;
  int st;
  if( pid<=0 ) return -1;
  for(;;){
    pid_t r = waitpid(pid, &st, WNOHANG);
    if( r==pid ) return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    if( r<0 && errno!=EINTR ) return -1;
    if( agent_now_ms()>=tEnd ) break;
    {
      struct timespec ts = {0, 20000000};
      nanosleep(&ts, NULL);
    }
  }
  kill(-pid, SIGKILL);
  kill(pid, SIGKILL);
  while( waitpid(pid, &st, 0)<0 && errno==EINTR ){}
  return -1;
}

static void agent_reap(pid_t pid, int ms){
  (void)agent_reap_status(pid, ms);
}

/* Fill an environment for Wine in the child (after fork). */
static void agent_child_wine_env(const char *zPrefix){
  setenv("WINEPREFIX", zPrefix, 1);
  setenv("WINEDEBUG", "-all", 1);
  setenv("WINEDLLOVERRIDES", "mscoree,mshtml=", 1);
  setenv("WINEARCH", "win64", 0);
  unsetenv("DISPLAY");
  unsetenv("WAYLAND_DISPLAY");
}

/*
** Start argv (zPrefix non-NULL: under Wine's environment) with pipes on
** its standard input and output and its standard error on /dev/null, in a
** process group of its own. Returns 0 or -1 with errno.
*/
static int agent_spawn_err(char *const *azArgv, const char *zPrefix, pid_t *pPid,
                           int *pfdTo, int *pfdFrom, int *pfdErr){
  int aTo[2], aFrom[2];
  int fdErr = -1;
  pid_t pid;
  if( pfdErr ){
    /* standard error goes to a private, already unlinked file: its last
    ** lines say why an agent could not start (agent_stderr_tail) */
    const char *zTmp = getenv("TMPDIR");
    char zPath[PATH_MAX];
    snprintf(zPath, sizeof(zPath), "%s/mapscope-agent-err-XXXXXX",
             zTmp && zTmp[0] ? zTmp : "/tmp");
    fdErr = mkstemp(zPath);
    if( fdErr>=0 ){
      unlink(zPath);
      fcntl(fdErr, F_SETFD, FD_CLOEXEC);
    }
    *pfdErr = fdErr;
  }
  if( pipe(aTo) ){ if( fdErr>=0 ) close(fdErr); return -1; }
  if( pipe(aFrom) ){ close(aTo[0]); close(aTo[1]); if( fdErr>=0 ) close(fdErr); return -1; }
  pid = fork();
  if( pid<0 ){
    close(aTo[0]); close(aTo[1]); close(aFrom[0]); close(aFrom[1]);
    if( fdErr>=0 ) close(fdErr);
    if( pfdErr ) *pfdErr = -1;
    return -1;
  }
  if( pid==0 ){
    int fdNull = fdErr>=0 ? fdErr : open("/dev/null", O_WRONLY);
    setpgid(0, 0);
    dup2(aTo[0], 0);
    dup2(aFrom[1], 1);
    if( fdNull>=0 ) dup2(fdNull, 2);
    close(aTo[0]); close(aTo[1]); close(aFrom[0]); close(aFrom[1]);
    if( fdNull>2 ) close(fdNull);
    if( zPrefix ) agent_child_wine_env(zPrefix);
    execvp(azArgv[0], azArgv);
    {
      char zMsg[PATH_MAX + 64];
      int n = snprintf(zMsg, sizeof(zMsg), "cannot run %s: %s\n", azArgv[0], strerror(errno));
      if( n>0 && write(2, zMsg, (size_t)n)<0 ){ /* nothing more to say */ }
    }
    _exit(127);
  }
  setpgid(pid, pid);
  close(aTo[0]);
  close(aFrom[1]);
  fcntl(aTo[1], F_SETFD, FD_CLOEXEC);
  fcntl(aFrom[0], F_SETFD, FD_CLOEXEC);
  *pPid = pid;
  *pfdTo = aTo[1];
  *pfdFrom = aFrom[0];
  return 0;
}

static int agent_spawn(char *const *azArgv, const char *zPrefix, pid_t *pPid,
                       int *pfdTo, int *pfdFrom){
  return agent_spawn_err(azArgv, zPrefix, pPid, pfdTo, pfdFrom, NULL);
}

/*
** The last lines (at most 5, at most 600 bytes) of what the agent wrote to
** its standard error, joined by " | ", control characters blanked; NULL if
** there is nothing. Malloc'd.
*/
static char *agent_stderr_tail(int fdErr){
  char aBuf[601];
  off_t nEnd, nStart;
  ssize_t n;
  int i, nLine = 0;
  char *z;
  if( fdErr<0 ) return NULL;
  nEnd = lseek(fdErr, 0, SEEK_END);
  if( nEnd<=0 ) return NULL;
  nStart = nEnd>600 ? nEnd-600 : 0;
  n = pread(fdErr, aBuf, (size_t)(nEnd-nStart), nStart);
  if( n<=0 ) return NULL;
  aBuf[n] = 0;
  while( n>0 && (aBuf[n-1]=='\n' || aBuf[n-1]=='\r' || aBuf[n-1]==' ') ) aBuf[--n] = 0;
  for(i=(int)n-1; i>=0; i--){
    if( aBuf[i]=='\n' && ++nLine>=5 ) break;
  }
  z = aBuf + (i<0 ? 0 : i+1);
  if( i<0 && nStart>0 ){             /* cut mid-line: start at a line */
    char *zNl = strchr(z, '\n');
    if( zNl ) z = zNl+1;
  }
  {
    AgentBuf b = {0};
    for(; *z; z++){
      unsigned char c = (unsigned char)*z;
      if( c=='\n' ) agent_buf_append(&b, " | ", 3);
      else if( c=='\r' ) continue;
      else if( c<0x20 || c==0x7f ) agent_buf_append(&b, " ", 1);
      else agent_buf_append(&b, (const char*)z, 1);
    }
    agent_buf_append(&b, "", 0);
    if( b.bOom ){ agent_buf_free(&b); return NULL; }
    return b.z;
  }
}

/* How the agent process pid ended, if it has (waitpid without waiting):
** exit status, or -N for signal N; INT_MIN if it still runs. */
static int agent_exit_of(pid_t pid){
  int st = 0;
  if( pid<=0 ) return INT_MIN;
  if( waitpid(pid, &st, WNOHANG)!=pid ) return INT_MIN;
  if( WIFEXITED(st) ) return WEXITSTATUS(st);
  if( WIFSIGNALED(st) ) return -WTERMSIG(st);
  return INT_MIN;
}

/* Run argv to completion (Wine environment for zPrefix), at most ms.
** Returns its exit status, or -1. */
static int agent_run_sync(char *const *azArgv, const char *zPrefix, int ms){
  pid_t pid;
  int fdTo, fdFrom;
  long long tEnd = agent_now_ms() + ms;
  char aBuf[512];
  if( agent_spawn(azArgv, zPrefix, &pid, &fdTo, &fdFrom) ) return -1;
  close(fdTo);
  for(;;){               /* drain its output so it never blocks */
    struct pollfd pfd = { fdFrom, POLLIN, 0 };
    long long nLeft = tEnd - agent_now_ms();
    if( nLeft<=0 ) break;
    if( poll(&pfd, 1, (int)(nLeft>1000 ? 1000 : nLeft))>0 ){
      if( read(fdFrom, aBuf, sizeof(aBuf))<=0 ) break;
    }
  }
  close(fdFrom);
  return agent_reap_status(pid, (int)(tEnd - agent_now_ms() > 0 ? tEnd - agent_now_ms() : 0));
}

/* ---------------------------------------------------------------- 3 ---- */

static int agent_mkdir_p(const char *zPath){
  char z[PATH_MAX];
  size_t i, n = strlen(zPath);
  if( n>=sizeof(z) ) return -1;
  memcpy(z, zPath, n+1);
  for(i=1; i<=n; i++){
    if( z[i]=='/' || z[i]==0 ){
      char c = z[i];
      z[i] = 0;
      if( mkdir(z, 0755) && errno!=EEXIST ) return -1;
      z[i] = c;
    }
  }
  return 0;
}

/* Where the prefix lives. Returns 0 or -1. */
static int agent_prefix_path(char *zBuf, size_t nBuf){
  const char *z = getenv("MAPSCOPE_WINEPREFIX");
  int n;
  if( z && z[0] ){
    n = snprintf(zBuf, nBuf, "%s", z);
  }else if( (z = getenv("XDG_CACHE_HOME"))!=NULL && z[0] ){
    n = snprintf(zBuf, nBuf, "%s/mapscope/wineprefix", z);
  }else if( (z = getenv("HOME"))!=NULL && z[0] ){
    n = snprintf(zBuf, nBuf, "%s/.cache/mapscope/wineprefix", z);
  }else{
    n = snprintf(zBuf, nBuf, "/tmp/mapscope-wineprefix-%ld", (long)getuid());
  }
  return (n<0 || (size_t)n>=nBuf) ? -1 : 0;
}

static const char *agent_wine_cmd(void){
  const char *z = getenv("MAPSCOPE_WINE");
  return (z && z[0]) ? z : "wine";
}

/*
** Stop the wineserver of this prefix only, without losing the registry.
** The server keeps the registry in memory and writes it when it exits (and
** now and then). `wineserver -k` sends SIGINT, which kills every Wine
** process of the prefix at once, and SIGKILLs the server if it has not
** exited about 3 s later: on a loaded machine that can land before the
** server wrote the registry, and an undo an agent had made (a boot-device
** value deleted, its journal file already removed) is lost, the value
** coming back at the next start (Wine: server/request.c kill_lock_owner,
** server/signal.c). So the caller first ends its own Wine processes (the
** agent, the spare), and this waits up to msGrace for the server to exit
** by itself (`wineserver -w`: it does so once no user process of the
** prefix is left, stopping its system processes and writing the
** registry); an agent whose runner died finishes its undo meanwhile. Then
** `wineserver -k` stops whatever is left, or a server an exiting process
** started again (it has nothing unsaved). SIGTERM is not used: the server
** then writes the registry and exits, but leaves its system processes
** (services.exe ...) running without a server.
*/
static void agent_wineserver_stop(const char *zPrefix, int msGrace){
  char *azWait[] = { "wineserver", "-w", NULL };
  char *azKill[] = { "wineserver", "-k", NULL };
  if( msGrace>0 ) agent_run_sync(azWait, zPrefix, msGrace);
  agent_run_sync(azKill, zPrefix, 30000);
}

/* Stop the wineserver of this prefix only, once no Wine process of ours
** is left in it: see agent_wineserver_stop. */
static void agent_wineserver_kill(const char *zPrefix){
  agent_wineserver_stop(zPrefix, agent_env_int("MAPSCOPE_AGENT_STOP_GRACE_MS",
                                               AGENT_STOP_GRACE_MS));
}

/*
** Remove every drive letter of the prefix but C: (Wine's Z: maps the Unix
** root, and the world's only default disk is C:). Returns how many were
** removed.
*/
static int agent_prefix_trim_drives(const char *zPrefix){
  char zDir[PATH_MAX];
  DIR *pDir;
  struct dirent *pEnt;
  int n = 0;
  if( snprintf(zDir, sizeof(zDir), "%s/dosdevices", zPrefix)>=(int)sizeof(zDir) ) return 0;
  pDir = opendir(zDir);
  if( pDir==NULL ) return 0;
  while( (pEnt = readdir(pDir))!=NULL ){
    const char *zN = pEnt->d_name;
    char zPath[PATH_MAX + 300];
    /* letters ("z:") and their raw devices ("z::"), except c: */
    if( strlen(zN)<2 || zN[1]!=':' ) continue;
    if( (zN[0]|0x20)=='c' ) continue;
    if( !((zN[0]|0x20)>='a' && (zN[0]|0x20)<='z') ) continue;
    snprintf(zPath, sizeof(zPath), "%s/%s", zDir, zN);
    if( unlink(zPath)==0 ) n++;
  }
  closedir(pDir);
  return n;
}

/* Take an exclusive lock on the prefix: one agent at a time shares one
** \?? namespace, so parallel runs wait for each other. */
static int agent_prefix_lock(const char *zPrefix){
  char zPath[PATH_MAX + 32];
  struct flock fl;
  int fd;
  snprintf(zPath, sizeof(zPath), "%s.lock", zPrefix);
  fd = open(zPath, O_RDWR|O_CREAT|O_CLOEXEC, 0644);
  if( fd<0 ) return -1;
  memset(&fl, 0, sizeof(fl));
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  while( fcntl(fd, F_SETLKW, &fl)<0 ){
    if( errno!=EINTR ){ close(fd); return -1; }
  }
  return fd;
}

#define AGENT_PREFIX_STAMP ".mapscope-prefix"   /* in a prefix mapscope created */

static void agent_spare_stop(void);

/* Write zText to zPrefix followed by zSuffix (best effort). */
static void agent_prefix_file(const char *zPrefix, const char *zSuffix, const char *zText){
  char zPath[PATH_MAX + 64];
  FILE *f;
  snprintf(zPath, sizeof(zPath), "%s%s", zPrefix, zSuffix);
  f = fopen(zPath, "w");
  if( f ){ fputs(zText, f); fclose(f); }
}

/*
** Under the prefix lock: was the prefix left by a run that was killed in
** the middle of a scenario? Each open writes PREFIX.active and each close
** removes it, and the lock is ours, so a file found here belongs to a run
** that never closed (kill -9 of mapscope: its agent may still be undoing,
** or may have been killed too, with the registry not saved). Such a
** prefix is rebuilt when mapscope made it (AGENT_PREFIX_STAMP inside):
** its wineserver and every process in it are stopped and the prefix is
** created again; one mapscope did not make is only stopped. Either way it
** says so, on standard error and as an event of the run (HostFacts).
*/
static void agent_prefix_check_active(BackendConn *p){
  char zPath[PATH_MAX + 64], zStamp[PATH_MAX + 64];
  char zPid[32] = "?";
  struct stat st;
  FILE *f;
  snprintf(zPath, sizeof(zPath), "%s.active", p->zPrefix);
  f = fopen(zPath, "r");
  if( f==NULL ) return;
  if( fgets(zPid, sizeof(zPid), f)==NULL ) snprintf(zPid, sizeof(zPid), "?");
  fclose(f);
  zPid[strcspn(zPid, "\n")] = 0;
  if( atol(zPid)>0 && (atol(zPid)==(long)getpid() || kill((pid_t)atol(zPid), 0)==0) ){
    /* its run is alive (an instance it never closed): not a killed run */
    return;
  }
  agent_spare_stop();
  /* The killed run's agent saw its input close and is undoing its journal;
  ** its spare exits at end of input, and the server follows: wait for
  ** that (bounded), then stop whatever is left. An agent stopped before
  ** it finished leaves its journal file, which the next agent undoes. */
  agent_wineserver_stop(p->zPrefix,
                        agent_env_int("MAPSCOPE_AGENT_WIND_DOWN_MS", AGENT_WIND_DOWN_MS));
  snprintf(zStamp, sizeof(zStamp), "%s/" AGENT_PREFIX_STAMP, p->zPrefix);
  free(p->zRebuilt);
  if( stat(zStamp, &st)==0 ){
    char *azArgv[] = { "rm", "-rf", "--", p->zPrefix, NULL };
    agent_run_sync(azArgv, NULL, 120000);
    p->zRebuilt = agent_mprintf("the Wine prefix %s was rebuilt: a run that was killed "
                                "(pid %s) had left it in use", p->zPrefix, zPid);
  }else{
    p->zRebuilt = agent_mprintf("the Wine prefix %s was left in use by a run that was "
                                "killed (pid %s); its wineserver was stopped, and the "
                                "agent undoes the journal it finds (the prefix was not "
                                "made by mapscope, so it was not rebuilt)", p->zPrefix, zPid);
  }
  if( p->zRebuilt ) fprintf(stderr, "mapscope: %s\n", p->zRebuilt);
  remove(zPath);
}

/* Make sure the prefix exists and is trimmed. Returns 0, or -1 with a
** reason in *pzErr. */
static int agent_prefix_prepare(BackendConn *p, const char *zExe, char **pzErr){
  char zReg[PATH_MAX + 32];
  struct stat st;
  if( agent_prefix_path(p->zPrefix, sizeof(p->zPrefix)) ){
    *pzErr = agent_strdup("WINEPREFIX path too long");
    return -1;
  }
  {
    char zParent[PATH_MAX];
    char *zSlash;
    snprintf(zParent, sizeof(zParent), "%s", p->zPrefix);
    zSlash = strrchr(zParent, '/');
    if( zSlash && zSlash!=zParent ){
      *zSlash = 0;
      if( agent_mkdir_p(zParent) ){
        *pzErr = agent_mprintf("cannot create %s: %s", zParent, strerror(errno));
        return -1;
      }
    }
  }
  p->fdLock = agent_prefix_lock(p->zPrefix);
  if( p->fdLock<0 ){
    *pzErr = agent_mprintf("cannot lock %s.lock: %s", p->zPrefix, strerror(errno));
    return -1;
  }
  agent_prefix_check_active(p);
  snprintf(zReg, sizeof(zReg), "%s/system.reg", p->zPrefix);
  if( stat(zReg, &st)!=0 ){
    /* first use: let Wine create the prefix by running the agent once */
    char *azArgv[] = { (char*)agent_wine_cmd(), (char*)zExe, "--version", NULL };
    agent_run_sync(azArgv, p->zPrefix, AGENT_FIRST_TIMEOUT_MS);
    agent_wineserver_kill(p->zPrefix);
    if( stat(zReg, &st)!=0 ){
      *pzErr = agent_mprintf("Wine did not create the prefix %s", p->zPrefix);
      return -1;
    }
    agent_prefix_file(p->zPrefix, "/" AGENT_PREFIX_STAMP, "made by mapscope\n");
  }
  /* in use until agent_close: a run killed mid-scenario leaves it */
  {
    char zPid[32];
    snprintf(zPid, sizeof(zPid), "%ld\n", (long)getpid());
    agent_prefix_file(p->zPrefix, ".active", zPid);
  }
  if( agent_prefix_trim_drives(p->zPrefix)>0 ){
    agent_wineserver_kill(p->zPrefix);   /* mountmgr re-reads the letters */
  }
  return 0;
}

/*
** Start mapscope-agent.exe under Wine for a scenario of prefix zPrefix:
** the private prefix lets it change the host (every change journalled in
** the state file and undone at `bye`); bResume continues after a reboot.
** MAPSCOPE_AGENT_ARGS adds options (tests). Returns 0 or -1 with errno.
*/
static int agent_spawn_wine_agent(const char *zPrefix, const char *zExe, int bResume,
                                  pid_t *pPid, int *pfdTo, int *pfdFrom, int *pfdErr){
  char *azArgv[28];
  int nArg = 0, rc;
  char *zExtra = NULL;
  azArgv[nArg++] = (char*)agent_wine_cmd();
  azArgv[nArg++] = (char*)zExe;
  azArgv[nArg++] = "--allow-host-changes";   /* the prefix is ours alone */
  azArgv[nArg++] = "--state";
  azArgv[nArg++] = "C:\\mapscope-agent-state.txt";
  if( bResume ) azArgv[nArg++] = "--resume";
  if( getenv("MAPSCOPE_AGENT_ARGS") ){
    char *zTok;
    zExtra = agent_strdup(getenv("MAPSCOPE_AGENT_ARGS"));
    for(zTok = zExtra ? strtok(zExtra, " ") : NULL; zTok && nArg<26; zTok = strtok(NULL, " ")){
      azArgv[nArg++] = zTok;
    }
  }
  azArgv[nArg] = NULL;
  rc = agent_spawn_err(azArgv, zPrefix, pPid, pfdTo, pfdFrom, pfdErr);
  free(zExtra);
  return rc;
}

/*
** The spare agent. Starting a Wine process costs ~0.6 s when the prefix's
** wineserver and its system processes (services.exe, winedevice.exe) must
** start too, and still 40-60 ms when they run; Wine keeps them only while
** some Wine process lives. So each scenario's agent is started ahead of
** time, while the previous scenario runs, and the next scenario adopts it:
** between scenarios the spare is the Wine process that keeps the server
** warm, and the next agent's process start overlaps the current steps.
**
** Starting an agent early is safe: it looks at the host only when its
** first request arrives, and one that is never asked anything exits at end
** of input without touching the host or the state file. If the runner
** dies, the spare's input closes, it exits, and Wine winds down by itself.
** It is adopted only if it is alive and was started for the same prefix,
** executable and MAPSCOPE_AGENT_ARGS. This is state of the runner process,
** not of a scenario, so it lives here and not in a BackendConn; xShutdown
** ends it and stops the server of the prefix this process used.
*/
typedef struct WineSpare WineSpare;
struct WineSpare {
  pid_t pid;               /* the spare, or -1 */
  int fdTo, fdFrom;        /* its pipes */
  int fdErr;               /* its standard error file */
  char *zKey;              /* prefix, exe and extra args it was started with */
  char zPrefix[PATH_MAX];  /* the prefix this process ran Wine in, or "" */
};
static WineSpare wineSpare = { -1, -1, -1, -1, NULL, "" };

/* What a spare must match to be adopted (malloc'd). */
static char *agent_spare_key(const char *zPrefix, const char *zExe){
  const char *zArgs = getenv("MAPSCOPE_AGENT_ARGS");
  return agent_mprintf("%s\n%s\n%s\n%s", zPrefix, zExe, zArgs ? zArgs : "",
                       agent_wine_cmd());
}

/* End the spare (if any): at end of input it exits without acting. */
static void agent_spare_stop(void){
  if( wineSpare.fdTo>=0 ) close(wineSpare.fdTo);
  if( wineSpare.fdFrom>=0 ) close(wineSpare.fdFrom);
  if( wineSpare.pid>0 ) agent_reap(wineSpare.pid, 5000);
  if( wineSpare.fdErr>=0 ) close(wineSpare.fdErr);
  free(wineSpare.zKey);
  wineSpare.pid = -1;
  wineSpare.fdTo = wineSpare.fdFrom = wineSpare.fdErr = -1;
  wineSpare.zKey = NULL;
}

/* Start a spare for the next scenario of this prefix (failure only costs
** speed). */
static void agent_spare_start(const char *zPrefix, const char *zExe){
  agent_spare_stop();
  if( agent_spawn_wine_agent(zPrefix, zExe, 0, &wineSpare.pid,
                             &wineSpare.fdTo, &wineSpare.fdFrom, &wineSpare.fdErr) ){
    wineSpare.pid = -1;
    return;
  }
  wineSpare.zKey = agent_spare_key(zPrefix, zExe);
}

/* Hand the spare's process and pipes to the caller if it fits. Returns 0
** if adopted, else 1 (the caller starts an agent itself). */
static int agent_spare_adopt(const char *zPrefix, const char *zExe,
                             pid_t *pPid, int *pfdTo, int *pfdFrom, int *pfdErr){
  int st;
  char *zKey;
  int bFits;
  if( wineSpare.pid<=0 ) return 1;
  if( waitpid(wineSpare.pid, &st, WNOHANG)!=0 ){
    wineSpare.pid = -1;                  /* gone, and reaped: never signal it */
    agent_spare_stop();
    return 1;
  }
  zKey = agent_spare_key(zPrefix, zExe);
  bFits = zKey && wineSpare.zKey && strcmp(zKey, wineSpare.zKey)==0;
  free(zKey);
  if( !bFits ){
    agent_spare_stop();
    return 1;
  }
  *pPid = wineSpare.pid;
  *pfdTo = wineSpare.fdTo;
  *pfdFrom = wineSpare.fdFrom;
  *pfdErr = wineSpare.fdErr;
  free(wineSpare.zKey);
  wineSpare.pid = -1;
  wineSpare.fdTo = wineSpare.fdFrom = wineSpare.fdErr = -1;
  wineSpare.zKey = NULL;
  return 0;
}

/* The agent executable: MAPSCOPE_AGENT_EXE, else real/mapscope-agent.exe
** next to the running mapscope binary (a build tree), else
** ../libexec/mapscope/mapscope-agent.exe from it (an installed one).
** Malloc'd, or NULL. */
static char *agent_find_exe(void){
  const char *z = getenv("MAPSCOPE_AGENT_EXE");
  char zSelf[PATH_MAX];
  ssize_t n;
  char *zSlash, *zExe;
  if( z && z[0] ) return agent_strdup(z);
  n = readlink("/proc/self/exe", zSelf, sizeof(zSelf)-1);
  if( n<=0 ) return NULL;
  zSelf[n] = 0;
  zSlash = strrchr(zSelf, '/');
  if( zSlash==NULL ) return NULL;
  *zSlash = 0;
  zExe = agent_mprintf("%s/real/mapscope-agent.exe", zSelf);
  if( zExe && access(zExe, F_OK)!=0 ){
    char *zInstalled = agent_mprintf("%s/../libexec/mapscope/mapscope-agent.exe", zSelf);
    if( zInstalled && access(zInstalled, F_OK)==0 ){
      free(zExe);
      return zInstalled;
    }
    free(zInstalled);
  }
  return zExe;
}

/* ---------------------------------------------------------------- 4 ---- */

typedef struct AgentReply AgentReply;
struct AgentReply {
  AgentReplyKind eKind;    /* header word */
  char *zText;             /* header text (malloc'd) */
  char *zBody;             /* body lines joined by '\n' (malloc'd, may be "") */
};

static void agent_reply_clear(AgentReply *r){
  free(r->zText);
  free(r->zBody);
  memset(r, 0, sizeof(*r));
}

/*
** Send one request line and read its reply within ms. Returns 0, or -1
** with a reason in *pzWhy (malloc'd) if the agent timed out, died, or
** broke the framing; the connection is then dead.
*/
/* 1 if one of the '\n'-separated lines of zBody is exactly zLine. */
static int agent_body_has_line(const char *zBody, const char *zLine){
  size_t n = strlen(zLine);
  const char *z = zBody;
  while( z && *z ){
    const char *zEnd = strchr(z, '\n');
    size_t nHere = zEnd ? (size_t)(zEnd - z) : strlen(z);
    if( nHere==n && memcmp(z, zLine, n)==0 ) return 1;
    z = zEnd ? zEnd+1 : NULL;
  }
  return 0;
}

/*
** Before a request: has the agent written anything nobody asked for? A
** reply is matched to its request by order alone, so one stray line would
** shift every later reply onto the wrong step. Returns 0 (nothing
** pending), 1 (stray output) or 2 (the agent closed its output).
*/
static int agent_output_pending(BackendConn *p){
  struct pollfd pfd;
  if( p->rd.iIn < p->rd.nIn ) return 1;
  pfd.fd = p->fdFrom;
  pfd.events = POLLIN;
  pfd.revents = 0;
  if( poll(&pfd, 1, 0)<=0 ) return 0;
  if( pfd.revents & POLLIN ){
    char c;
    ssize_t n = read(p->fdFrom, &c, 1);
    if( n==1 ) return 1;
    if( n==0 ) return 2;
  }
  return (pfd.revents & (POLLHUP|POLLERR)) ? 2 : 0;
}

static int agent_exchange(BackendConn *p, const char *zReq, int ms,
                          AgentReply *pR, char **pzWhy){
  AgentLineStatus st;
  int nBody, i;
  const char *zText;
  AgentBuf body = {0};
  memset(pR, 0, sizeof(*pR));
  if( p->bDead ){
    *pzWhy = agent_strdup("the agent is no longer running");
    return -1;
  }
  switch( agent_output_pending(p) ){
    case 1:
      *pzWhy = agent_strdup("the agent wrote output nobody asked for "
                            "(a protocol error: replies would no longer match requests)");
      goto dead;
    case 2:
      *pzWhy = agent_strdup("the agent closed its output (it exited)");
      goto dead;
    default:
      break;
  }
  if( agent_write_all(p, zReq, strlen(zReq)) || agent_write_all(p, "\n", 1) ){
    *pzWhy = agent_strdup("the agent is gone (its input is closed)");
    goto dead;
  }
  p->tDeadline = agent_now_ms() + ms;
  p->bTimedOut = 0;
  st = agent_reader_next(&p->rd);
  if( st!=AGENT_LINE_OK ) goto broken;
  if( agent_reply_parse_header(p->rd.zLine, &pR->eKind, &nBody, &zText) ){
    *pzWhy = agent_strdup("the agent sent a malformed reply header");
    goto dead;
  }
  pR->zText = agent_strdup(zText);
  agent_buf_append(&body, "", 0);
  for(i=0; i<nBody; i++){
    st = agent_reader_next(&p->rd);
    if( st!=AGENT_LINE_OK ){ agent_buf_free(&body); goto broken; }
    if( i ) agent_buf_append(&body, "\n", 1);
    agent_buf_append(&body, p->rd.zLine, p->rd.nLine);
  }
  if( body.bOom || pR->zText==NULL ){
    agent_buf_free(&body);
    *pzWhy = agent_strdup("out of memory");
    goto dead;
  }
  pR->zBody = body.z;
  return 0;
broken:
  if( p->bTimedOut ){
    *pzWhy = agent_mprintf("watchdog: the agent did not answer within %d ms", ms);
  }else if( st==AGENT_LINE_EOF || st==AGENT_LINE_TRUNCATED ){
    *pzWhy = agent_strdup("the agent exited during the request");
  }else{
    *pzWhy = agent_strdup("the agent's reply could not be read");
  }
dead:
  agent_reply_clear(pR);
  p->bDead = 1;
  if( p->pid>0 ){
    /* an agent that ended by itself: keep how (for the reason xOpen gives) */
    long long tEnd = agent_now_ms() + (p->bTimedOut ? 0 : 500);
    p->iExit = agent_exit_of(p->pid);
    while( p->iExit==INT_MIN && agent_now_ms()<tEnd ){
      struct timespec ts = {0, 10000000};
      nanosleep(&ts, NULL);
      p->iExit = agent_exit_of(p->pid);
    }
    kill(-p->pid, SIGKILL);
    if( p->iExit==INT_MIN ){
      kill(p->pid, SIGKILL);
      agent_reap(p->pid, 5000);
    }
    p->pid = -1;
  }
  return -1;
}

/* Keep the facts the handshake reported: the four the engine reads by
** name, and every line as it came (HostFacts.zFacts), so the run records
** all of them (elevation, UAC, where the SYSTEM token came from, ...). */
static void agent_take_facts(BackendConn *p, const char *zBody){
  const char *z = zBody;
  char zOs[600] = "", zWine[600] = "", zAgent[600] = "", zCaps[600] = "";
  while( z && *z ){
    const char *zEnd = strchr(z, '\n');
    size_t n = zEnd ? (size_t)(zEnd - z) : strlen(z);
    char zLine[600];
    if( n>=sizeof(zLine) ) n = sizeof(zLine)-1;
    memcpy(zLine, z, n);
    zLine[n] = 0;
    if( strncmp(zLine, "os ", 3)==0 ) memcpy(zOs, zLine+3, n-3+1);
    else if( strncmp(zLine, "wine ", 5)==0 ) memcpy(zWine, zLine+5, n-5+1);
    else if( strncmp(zLine, "agent ", 6)==0 ) memcpy(zAgent, zLine+6, n-6+1);
    else if( strncmp(zLine, "caps ", 5)==0 ) memcpy(zCaps, zLine+5, n-5+1);
    z = zEnd ? zEnd+1 : NULL;
  }
  if( p->bWine ){
    struct utsname u;
    if( uname(&u)==0 ) p->zOs = agent_mprintf("%s on %s %s", zOs, u.sysname, u.release);
    else p->zOs = agent_mprintf("%s on Linux", zOs);
  }else{
    p->zOs = agent_strdup(zOs);
  }
  p->zWine = (zWine[0] && strcmp(zWine, "-")!=0) ? agent_strdup(zWine) : NULL;
  p->zAgent = agent_strdup(zAgent);
  p->zCaps = agent_strdup(zCaps);
  {
    /* what the agent found and repaired is an event of the run */
    AgentBuf ev = {0};
    int nRec = 0, nFail = 0;
    const char *zR = strstr(zBody, "\nrecovered ");
    const char *zF = strstr(zBody, "\nrecover-failed ");
    if( zR ) nRec = atoi(zR+11);
    if( zF ) nFail = atoi(zF+16);
    if( p->zRebuilt ) agent_buf_printf(&ev, "%s", p->zRebuilt);
    if( nRec>0 ){
      agent_buf_printf(&ev, "%srecovered %d journal entries left by a killed agent%s",
                       ev.n ? "\n" : "", nRec, nFail ? "" : " (all undone)");
      if( nFail ) agent_buf_printf(&ev, " (%d could not be undone)", nFail);
    }
    if( ev.n && !ev.bOom ) p->zEvents = ev.z;
    else agent_buf_free(&ev);
  }
  p->facts.zOs = p->zOs;
  p->facts.zWineVersion = p->zWine;
  p->facts.zAgentVersion = p->zAgent;
  p->facts.zCapabilities = p->zCaps;
  p->facts.zEvents = p->zEvents;
  {
    /* every line of the handshake that is a `key value` fact */
    AgentBuf all = {0};
    for(z=zBody; z && *z; ){
      size_t n = strcspn(z, "\n");
      if( n>0 && z[0]!=' ' ){
        agent_buf_printf(&all, "%s%.*s", all.n ? "\n" : "", (int)n, z);
      }
      z += n + (z[n]=='\n');
    }
    if( all.n && !all.bOom ) p->zFacts = all.z;
    else agent_buf_free(&all);
  }
  p->facts.zFacts = p->zFacts;
}

/* Send one world statement (it may hold a password: never logged). */
static int agent_send_world(BackendConn *p, char *zStmt, char **pzErr){
  AgentReply r;
  char *zReq;
  char *zWhy = NULL;
  int rc;
  if( zStmt==NULL ){ *pzErr = agent_strdup("out of memory"); return -1; }
  zReq = agent_mprintf("world %s", zStmt);
  memset(zStmt, 0, strlen(zStmt));
  free(zStmt);
  if( zReq==NULL ){ *pzErr = agent_strdup("out of memory"); return -1; }
  rc = agent_exchange(p, zReq, p->msStep, &r, &zWhy);
  memset(zReq, 0, strlen(zReq));
  free(zReq);
  if( rc ){ *pzErr = zWhy; return -1; }
  if( r.eKind!=AGENT_REPLY_OK ){
    *pzErr = agent_mprintf("the agent refused a world statement: %s", r.zText);
    agent_reply_clear(&r);
    return -1;
  }
  agent_reply_clear(&r);
  return 0;
}

static void agent_close(BackendConn *p);

/* zWhy followed by how the agent ended and the last lines of its standard
** error, for a reason that says why an agent could not start. Takes zWhy
** (malloc'd) and returns a malloc'd text. */
static char *agent_why_with_exit(BackendConn *p, char *zWhy){
  char *zTail = agent_stderr_tail(p->fdErr);
  char zExit[64];
  char *z;
  if( p->iExit==INT_MIN ) snprintf(zExit, sizeof(zExit), "still running, killed");
  else if( p->iExit<0 ) snprintf(zExit, sizeof(zExit), "killed by signal %d", -p->iExit);
  else snprintf(zExit, sizeof(zExit), "exit status %d", p->iExit);
  z = agent_mprintf("%s (agent: %s; its standard error ends: %s)", zWhy ? zWhy : "?",
                    zExit, zTail ? zTail : "(nothing)");
  free(zWhy);
  free(zTail);
  return z;
}

/*
** Start an agent and bring it to the point where steps can run: handshake,
** world, start. bResume: after a Wine reboot, the agent reloads what it
** saved with `suspend`. Returns 0, or 1 with a reason in *pzErr.
*/
static int agent_launch(BackendConn *p, int bResume, char **pzErr){
  AgentReply r;
  char *zWhy = NULL;
  int i;
  const Scenario *pScn = p->pScn;
  p->bDead = 0;
  p->iExit = INT_MIN;
  if( p->fdErr>=0 ) close(p->fdErr);
  p->fdErr = -1;
  if( p->bWine ){
    if( bResume || agent_spare_adopt(p->zPrefix, p->zExe, &p->pid, &p->fdTo, &p->fdFrom,
                                     &p->fdErr) ){
      if( agent_spawn_wine_agent(p->zPrefix, p->zExe, bResume,
                                 &p->pid, &p->fdTo, &p->fdFrom, &p->fdErr) ){
        *pzErr = agent_mprintf("cannot start %s: %s", agent_wine_cmd(), strerror(errno));
        return 1;
      }
    }
  }else{
    char *azArgv[] = { "/bin/sh", "-c", p->zExe, NULL };
    if( agent_spawn_err(azArgv, NULL, &p->pid, &p->fdTo, &p->fdFrom, &p->fdErr) ){
      *pzErr = agent_mprintf("cannot start the agent command: %s", strerror(errno));
      return 1;
    }
  }
  if( agent_exchange(p, "hello 1", agent_env_int("MAPSCOPE_AGENT_START_TIMEOUT_MS",
                                                  AGENT_FIRST_TIMEOUT_MS), &r, &zWhy) ){
    *pzErr = agent_why_with_exit(p, agent_mprintf("no handshake: %s", zWhy));
    free(zWhy);
    return 1;
  }
  if( r.eKind!=AGENT_REPLY_OK ){
    *pzErr = agent_mprintf("the agent refused the handshake: %s", r.zText);
    agent_reply_clear(&r);
    return 1;
  }
  /* Only mapscope-agent speaking protocol 1 is trusted with steps: any
  ** program that happens to answer `ok` is not an agent. */
  if( strncmp(r.zText, "mapscope-agent ", 15)!=0 || strcmp(r.zText+15, "1")!=0
   || !agent_body_has_line(r.zBody, "protocol 1") ){
    *pzErr = agent_mprintf("the program did not identify itself as mapscope-agent "
                           "protocol 1 (hello answered: %.80s)", r.zText);
    agent_reply_clear(&r);
    return 1;
  }
  if( p->zOs==NULL ) agent_take_facts(p, r.zBody);
  agent_reply_clear(&r);
  if( agent_send_world(p, scn_machine_format(&pScn->machine), pzErr) ) return 1;
  for(i=0; i<pScn->nUser; i++){
    if( agent_send_world(p, scn_user_format(&pScn->aUser[i], 0), pzErr) ) return 1;
  }
  for(i=0; i<pScn->nShare; i++){
    if( agent_send_world(p, scn_share_format(&pScn->aShare[i]), pzErr) ) return 1;
  }
  if( agent_exchange(p, "start", p->msStep, &r, &zWhy) ){
    *pzErr = agent_why_with_exit(p, zWhy);
    return 1;
  }
  /* `unsupported` here is not a failure: every step will say so */
  if( r.eKind!=AGENT_REPLY_OK && r.eKind!=AGENT_REPLY_UNSUPPORTED ){
    *pzErr = agent_mprintf("the agent could not set up the world: %s", r.zText);
    agent_reply_clear(&r);
    return 1;
  }
  agent_reply_clear(&r);
  return 0;
}

static int agent_open(int bWine, const Scenario *pScn, const char *zOptions,
                      BackendConn **ppConn, char **pzErr){
  BackendConn *p = calloc(1, sizeof(*p));
  *ppConn = NULL;
  *pzErr = NULL;
  if( p==NULL ){ *pzErr = agent_strdup("out of memory"); return 1; }
  p->bWine = bWine;
  p->pScn = pScn;
  p->pid = -1;
  p->fdTo = p->fdFrom = p->fdLock = p->fdErr = -1;
  p->iExit = INT_MIN;
  p->msStep = agent_env_int("MAPSCOPE_STEP_TIMEOUT_MS", AGENT_DEFAULT_STEP_MS);
  if( agent_reader_init(&p->rd, AGENT_PROTO_MAX_LINE, agent_read_fd, p) ){
    *pzErr = agent_strdup("out of memory");
    goto err;
  }
  if( bWine ){
    if( zOptions && zOptions[0] ) p->zExe = agent_strdup(zOptions);
    else p->zExe = agent_find_exe();
    if( p->zExe==NULL || access(p->zExe, R_OK)!=0 ){
      *pzErr = agent_mprintf("mapscope-agent.exe not found at %s (build with mingw-w64, "
                             "or set MAPSCOPE_AGENT_EXE)", p->zExe ? p->zExe : "(unknown)");
      goto err;
    }
    if( agent_prefix_prepare(p, p->zExe, pzErr) ) goto err;
    snprintf(wineSpare.zPrefix, sizeof(wineSpare.zPrefix), "%s", p->zPrefix);
  }else{
    if( zOptions==NULL || zOptions[0]==0 ){
      *pzErr = agent_strdup("the windows backend needs --agent-cmd \"CMD\"");
      goto err;
    }
    p->zExe = agent_strdup(zOptions);
  }
  if( agent_launch(p, 0, pzErr) ) goto err;
  /* the next scenario's agent boots while this one works */
  if( bWine && wineSpare.pid<=0 ) agent_spare_start(p->zPrefix, p->zExe);
  *ppConn = p;
  return 0;
err:
  if( *pzErr==NULL ) *pzErr = agent_strdup("the agent could not start");
  agent_close(p);
  return 1;
}

/* Stop the agent's process and its pipes (after it exited or must go). */
static void agent_stop_process(BackendConn *p, int msGrace){
  if( p->fdTo>=0 ) close(p->fdTo);
  p->fdTo = -1;
  if( p->pid>0 ) agent_reap(p->pid, msGrace);
  p->pid = -1;
  if( p->fdFrom>=0 ) close(p->fdFrom);
  p->fdFrom = -1;
  agent_reader_free(&p->rd);
  agent_reader_init(&p->rd, AGENT_PROTO_MAX_LINE, agent_read_fd, p);
}

/*
** `reboot` under Wine: the agent saves what outlives a reboot and exits,
** and a new agent resumes, which first removes every DOS device the
** journal holds (what a restarted wineserver would lose; the server itself
** stays warm). What Wine then lacks (boot-time devices, ended logons it
** cannot confirm) shows in the steps that follow.
*/
static int agent_reboot_wine(BackendConn *p, StepResult *pRes){
  AgentReply r;
  char *zWhy = NULL;
  if( agent_exchange(p, "suspend", p->msStep, &r, &zWhy) ){
    pRes->eOutcome = BACKEND_ERROR;
    pRes->zReason = zWhy;
    return 1;
  }
  if( r.eKind==AGENT_REPLY_UNSUPPORTED ){
    pRes->eOutcome = BACKEND_UNSUPPORTED;
    pRes->zReason = r.zText;
    r.zText = NULL;
    agent_reply_clear(&r);
    return 0;
  }
  if( r.eKind!=AGENT_REPLY_OK ){
    pRes->eOutcome = BACKEND_ERROR;
    pRes->zReason = agent_mprintf("the agent could not prepare the reboot: %s", r.zText);
    agent_reply_clear(&r);
    return 0;
  }
  agent_reply_clear(&r);
  agent_stop_process(p, 10000);
  /* The wineserver is not restarted: the resumed agent removes every DOS
  ** device the journal says were made (all of them, under Wine), which is
  ** what a restarted server loses that a scenario can see; the tokens go
  ** with the old agent's process, and every logon is "ended, unconfirmed"
  ** anyway. A cold server was most of a reboot's cost, and stopping it
  ** while the spare started up could hang the spare (issue 9 finding 5). */
  if( agent_launch(p, 1, &zWhy) ){
    pRes->eOutcome = BACKEND_ERROR;
    pRes->zReason = agent_mprintf("after the reboot: %s", zWhy ? zWhy : "?");
    free(zWhy);
    p->bDead = 1;
    agent_stop_process(p, 0);
    return 1;
  }
  pRes->eOutcome = BACKEND_DONE;
  pRes->zOutput = agent_strdup("ok");
  return 0;
}

static int agent_step(BackendConn *p, const ScnStep *pStep, StepResult *pRes){
  char *zLine = scn_step_format(pStep, 0);
  char *zReq;
  AgentReply r;
  char *zWhy = NULL;
  int rc;
  memset(pRes, 0, sizeof(*pRes));
  if( p->bWine && pStep->eKind==SCN_STEP_REBOOT && !p->bDead ){
    free(zLine);
    return agent_reboot_wine(p, pRes);
  }
  if( zLine==NULL ){
    pRes->eOutcome = BACKEND_ERROR;
    pRes->zReason = agent_strdup("out of memory");
    return 0;
  }
  zReq = agent_mprintf("step %s", zLine);
  memset(zLine, 0, strlen(zLine));   /* it may hold a password */
  free(zLine);
  if( zReq==NULL ){
    pRes->eOutcome = BACKEND_ERROR;
    pRes->zReason = agent_strdup("out of memory");
    return 0;
  }
  rc = agent_exchange(p, zReq, p->msStep, &r, &zWhy);
  memset(zReq, 0, strlen(zReq));
  free(zReq);
  if( rc ){
    pRes->eOutcome = BACKEND_ERROR;
    pRes->zReason = zWhy;
    return 1;                          /* the instance is unusable */
  }
  switch( r.eKind ){
    case AGENT_REPLY_DONE:
      pRes->eOutcome = BACKEND_DONE;
      pRes->zOutput = r.zBody;
      r.zBody = NULL;
      break;
    case AGENT_REPLY_UNSUPPORTED:
      pRes->eOutcome = BACKEND_UNSUPPORTED;
      pRes->zReason = r.zText;
      r.zText = NULL;
      break;
    case AGENT_REPLY_ERROR:
      pRes->eOutcome = BACKEND_ERROR;
      pRes->zReason = agent_mprintf("agent: %s", r.zText);
      break;
    default:
      pRes->eOutcome = BACKEND_ERROR;
      pRes->zReason = agent_mprintf("the agent rejected the step: %s", r.zText);
      break;
  }
  agent_reply_clear(&r);
  return 0;
}

static const HostFacts *agent_host_facts(BackendConn *p){
  return p->zOs ? &p->facts : NULL;
}

static void agent_close(BackendConn *p){
  int bClean = 0;          /* the agent undid everything and said so */
  if( p==NULL ) return;
  if( p->pid>0 && !p->bDead ){
    AgentReply r;
    char *zWhy = NULL;
    if( agent_exchange(p, "bye", 60000, &r, &zWhy)==0 ){
      bClean = r.eKind==AGENT_REPLY_OK;
      if( r.eKind!=AGENT_REPLY_OK ){
        fprintf(stderr, "mapscope: %s agent: could not undo every change: %s\n",
                p->bWine ? "wine" : "windows", r.zText);
      }
      agent_reply_clear(&r);
    }else{
      fprintf(stderr, "mapscope: %s agent at close: %s\n", p->bWine ? "wine" : "windows",
              zWhy ? zWhy : "?");
      free(zWhy);
    }
  }
  if( p->fdTo>=0 ) close(p->fdTo);
  if( p->pid>0 ) agent_reap(p->pid, 10000);
  if( p->fdFrom>=0 ) close(p->fdFrom);
  if( p->bWine && p->zPrefix[0] && p->fdLock>=0 && !bClean ){
    /* An agent that did not finish its undo may have left DOS devices in
    ** the one \?? namespace: restart this prefix's server (only it). */
    agent_spare_stop();
    agent_wineserver_kill(p->zPrefix);
  }
  if( p->fdLock>=0 ){
    char zPath[PATH_MAX + 16];
    snprintf(zPath, sizeof(zPath), "%s.active", p->zPrefix);
    remove(zPath);
    close(p->fdLock);
  }
  agent_reader_free(&p->rd);
  if( p->fdErr>=0 ) close(p->fdErr);
  free(p->zOs); free(p->zWine); free(p->zAgent); free(p->zCaps); free(p->zEvents);
  free(p->zFacts);
  free(p->zRebuilt);
  free(p->zExe);
  free(p);
}

/* xShutdown of the wine backend: end the spare, then stop the prefix's
** wineserver, under the prefix lock so that an agent of another mapscope
** using the same prefix is never cut off mid-scenario. */
static void agent_shutdown_wine(const char *zOptions){
  char zPrefix[PATH_MAX];
  (void)zOptions;
  agent_spare_stop();
  if( wineSpare.zPrefix[0]==0 ) return;  /* this process never started Wine */
  snprintf(zPrefix, sizeof(zPrefix), "%s", wineSpare.zPrefix);
  wineSpare.zPrefix[0] = 0;
  int fdLock = agent_prefix_lock(zPrefix);
  agent_wineserver_kill(zPrefix);
  if( fdLock>=0 ) close(fdLock);
}

/* ---------------------------------------------------------------- 5 ---- */

static int agent_open_wine(const Scenario *pScn, const char *zOptions,
                           BackendConn **ppConn, char **pzErr){
  return agent_open(1, pScn, zOptions, ppConn, pzErr);
}

static int agent_open_windows(const Scenario *pScn, const char *zOptions,
                              BackendConn **ppConn, char **pzErr){
  return agent_open(0, pScn, zOptions, ppConn, pzErr);
}

const BackendOps backend_wine_ops = {
  "wine", agent_open_wine, agent_step, agent_host_facts, NULL, agent_close,
  agent_shutdown_wine, NULL
};

const BackendOps backend_windows_ops = {
  "windows", agent_open_windows, agent_step, agent_host_facts, NULL, agent_close, NULL,
  NULL
};
