/*
** runner/engine/load.c: finding, reading and parsing scenario files (see load.h).
*/
#include "runner/engine/load.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "runner/util/strbuf.h"
#include "runner/util/termsafe.h"

typedef struct FileList FileList;
struct FileList {
  char **azPath;               /* collected paths (owned) */
  int nPath, nAlloc;
};

/* A file or directory already taken, by identity, not by spelling. */
typedef struct LoadSeen LoadSeen;
struct LoadSeen {
  dev_t dev;                   /* st_dev */
  ino_t ino;                   /* st_ino */
};

/* The state of one collection. */
typedef struct Loader Loader;
struct Loader {
  const char *zCmd;            /* the subcommand, for messages */
  FileList list;               /* the scenario files found, in order */
  LoadSeen *aSeen;             /* directories entered and files taken: an
                               ** open-addressing hash set of nSeenAlloc
                               ** slots (a power of two), slot empty when
                               ** its ino and dev are both 0 */
  int nSeen, nSeenAlloc;       /* entries, slots */
};

/* The largest scenario file read: far beyond any real scenario, and it
** keeps /dev/zero or a huge log given by mistake from eating memory. */
#define LOAD_MAX_FILE (16 * 1024 * 1024)

static void load_oom(void){
  fputs("mapscope: out of memory\n", stderr);
  exit(3);
}

static void load_list_add(FileList *p, const char *zPath){
  if( p->nPath == p->nAlloc ){
    p->nAlloc = p->nAlloc ? p->nAlloc * 2 : 64;
    p->azPath = realloc(p->azPath, (size_t)p->nAlloc * sizeof(char *));
    if( p->azPath == NULL ) load_oom();
  }
  size_t n = strlen(zPath) + 1;
  p->azPath[p->nPath] = malloc(n);
  if( p->azPath[p->nPath] == NULL ) load_oom();
  memcpy(p->azPath[p->nPath++], zPath, n);
}

/* The slot for (dev, ino) in a table of nAlloc slots: a 64-bit mix of
** both, linear probing. */
static unsigned load_seen_hash(dev_t dev, ino_t ino){
  unsigned long long h = (unsigned long long)ino * 0x9E3779B97F4A7C15ull;
  h ^= (unsigned long long)dev + 0x632BE59BD9B4E019ull + (h << 6) + (h >> 2);
  h ^= h >> 29;
  return (unsigned)(h ^ (h >> 32));
}

static int load_seen_empty(const LoadSeen *p){
  return p->dev == 0 && p->ino == 0;
}

/* Insert (dev, ino) into a table known to have room and not to hold it. */
static void load_seen_put(LoadSeen *aSlot, int nAlloc, dev_t dev, ino_t ino){
  unsigned i = load_seen_hash(dev, ino) & (unsigned)(nAlloc - 1);
  while( !load_seen_empty(&aSlot[i]) ) i = (i + 1) & (unsigned)(nAlloc - 1);
  aSlot[i].dev = dev;
  aSlot[i].ino = ino;
}

/* 1 if the object behind pSt was taken before (a symlink loop, or the same
** file or directory reached twice); else remember it and return 0. A hash
** set, so collecting N files costs O(N), not O(N^2) (docs/performance.md,
** "Growth"). (dev 0, ino 0) marks an empty slot: no file has both. */
static int load_seen(Loader *p, const struct stat *pSt){
  if( p->nSeenAlloc ){
    unsigned i = load_seen_hash(pSt->st_dev, pSt->st_ino) & (unsigned)(p->nSeenAlloc - 1);
    while( !load_seen_empty(&p->aSeen[i]) ){
      if( p->aSeen[i].dev == pSt->st_dev && p->aSeen[i].ino == pSt->st_ino ) return 1;
      i = (i + 1) & (unsigned)(p->nSeenAlloc - 1);
    }
  }
  /* Keep the table at most half full. */
  if( 2 * (p->nSeen + 1) > p->nSeenAlloc ){
    int nNew = p->nSeenAlloc ? p->nSeenAlloc * 2 : 256;
    LoadSeen *aNew = calloc((size_t)nNew, sizeof(LoadSeen));
    if( aNew == NULL ) load_oom();
    for(int i = 0; i < p->nSeenAlloc; i++){
      if( !load_seen_empty(&p->aSeen[i]) ){
        load_seen_put(aNew, nNew, p->aSeen[i].dev, p->aSeen[i].ino);
      }
    }
    free(p->aSeen);
    p->aSeen = aNew;
    p->nSeenAlloc = nNew;
  }
  load_seen_put(p->aSeen, p->nSeenAlloc, pSt->st_dev, pSt->st_ino);
  p->nSeen++;
  return 0;
}

static int load_cmp_path(const void *a, const void *b){
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_ends_with_scn(const char *z){
  size_t n = strlen(z);
  return n > 4 && strcasecmp(z + n - 4, ".scn") == 0;
}

/* Take the scenario file zPath (already stat'ed): it must be a regular
** file of sane size. A file already taken is passed over. Returns 0, or 2
** after a message. */
static int load_take_file(Loader *p, const char *zPath, const struct stat *pSt){
  if( !S_ISREG(pSt->st_mode) ){
    termsafe_fprintf(stderr, "mapscope %s: %s: not a regular file\n", p->zCmd, zPath);
    return 2;
  }
  if( pSt->st_size > LOAD_MAX_FILE ){
    termsafe_fprintf(stderr, "mapscope %s: %s: too large for a scenario (%lld bytes; "
            "the limit is %d)\n", p->zCmd, zPath, (long long)pSt->st_size, LOAD_MAX_FILE);
    return 2;
  }
  if( !load_seen(p, pSt) ) load_list_add(&p->list, zPath);
  return 0;
}

/* Add every *.scn below directory zDir, depth first, sorted by name; a
** directory reached again through a symlink is entered once. Returns 0, or
** 2 after reporting an unreadable entry. */
static int load_collect_dir(Loader *p, const char *zDir){
  DIR *pDir = opendir(zDir);
  if( pDir == NULL ){
    termsafe_fprintf(stderr, "mapscope %s: %s: %s\n", p->zCmd, zDir, strerror(errno));
    return 2;
  }
  FileList names = {0};
  struct dirent *pEnt;
  while( (pEnt = readdir(pDir)) != NULL ){
    if( pEnt->d_name[0] == '.' ) continue;
    load_list_add(&names, pEnt->d_name);
  }
  closedir(pDir);
  if( names.nPath ) qsort(names.azPath, (size_t)names.nPath, sizeof(char *), load_cmp_path);
  int rc = 0;
  for(int i = 0; i < names.nPath && rc == 0; i++){
    StrBuf path = {0};
    size_t nDir = strlen(zDir);
    strbuf_printf(&path, "%s%s%s", zDir,
                  (nDir && zDir[nDir-1] == '/') ? "" : "/", names.azPath[i]);
    struct stat st;
    if( stat(strbuf_text(&path), &st) != 0 ){
      termsafe_fprintf(stderr, "mapscope %s: %s: %s\n", p->zCmd, strbuf_text(&path), strerror(errno));
      rc = 2;
    }else if( S_ISDIR(st.st_mode) ){
      if( !load_seen(p, &st) ) rc = load_collect_dir(p, strbuf_text(&path));
    }else if( load_ends_with_scn(names.azPath[i]) ){
      rc = load_take_file(p, strbuf_text(&path), &st);
    }
    strbuf_reset(&path);
  }
  for(int i = 0; i < names.nPath; i++) free(names.azPath[i]);
  free(names.azPath);
  return rc;
}

/* Read a whole file. Returns 0, or non-zero with errno set. */
static int load_read_file(const char *zPath, char **pzContent, size_t *pnContent){
  FILE *pIn = fopen(zPath, "rb");
  if( pIn == NULL ) return 1;
  StrBuf b = {0};
  char aBuf[65536];
  size_t n;
  while( (n = fread(aBuf, 1, sizeof(aBuf), pIn)) > 0 ) strbuf_append(&b, aBuf, n);
  int bErr = ferror(pIn);
  fclose(pIn);
  if( bErr ){ strbuf_reset(&b); return 1; }
  *pnContent = b.n;
  *pzContent = strbuf_take(&b);
  return 0;
}

void load_free_one(ScnFile *pFile){
  free(pFile->zPath);
  free(pFile->zContent);
  scn_free(pFile->pScn);
  memset(pFile, 0, sizeof(*pFile));
}

void load_free(ScnFile *aFile, int nFile){
  for(int i = 0; i < nFile; i++) load_free_one(&aFile[i]);
  free(aFile);
}

int load_scenarios(const char *zCmd, char **azPath, int nPath,
                   ScnFile **paFile, int *pnFile){
  Loader loader;
  memset(&loader, 0, sizeof(loader));
  loader.zCmd = zCmd;
  int rc = 0;
  for(int i = 0; i < nPath && rc == 0; i++){
    struct stat st;
    if( stat(azPath[i], &st) != 0 ){
      termsafe_fprintf(stderr, "mapscope %s: %s: %s\n", zCmd, azPath[i], strerror(errno));
      rc = 2;
    }else if( S_ISDIR(st.st_mode) ){
      int nBefore = loader.list.nPath;
      if( !load_seen(&loader, &st) ) rc = load_collect_dir(&loader, azPath[i]);
      if( rc == 0 && loader.list.nPath == nBefore ){
        termsafe_fprintf(stderr, "mapscope %s: %s: no .scn files below it%s\n", zCmd, azPath[i],
                loader.nSeen > 1 ? " (or only ones already named)" : "");
        rc = 2;
      }
    }else{
      rc = load_take_file(&loader, azPath[i], &st);
    }
  }
  free(loader.aSeen);
  FileList list = loader.list;

  ScnFile *aFile = calloc((size_t)list.nPath + 1, sizeof(ScnFile));
  if( aFile == NULL ){ fputs("mapscope: out of memory\n", stderr); exit(3); }
  int nFile = 0, nBad = 0;
  for(int i = 0; rc == 0 && i < list.nPath; i++){
    ScnFile *pFile = &aFile[nFile++];
    pFile->zPath = list.azPath[i];
    list.azPath[i] = NULL;
    if( load_read_file(pFile->zPath, &pFile->zContent, &pFile->nContent) != 0 ){
      termsafe_fprintf(stderr, "%s: cannot read: %s\n", pFile->zPath, strerror(errno));
      nBad++;
      continue;
    }
    char zErr[1024];
    if( scn_parse_text(pFile->zPath, pFile->zContent, pFile->nContent,
                       &pFile->pScn, zErr, sizeof(zErr)) != 0 ){
      termsafe_fprintf(stderr, "%s\n", zErr);
      pFile->pScn = NULL;
      nBad++;
    }
  }
  for(int i = 0; i < list.nPath; i++) free(list.azPath[i]);
  free(list.azPath);
  if( rc == 0 && nBad ){
    termsafe_fprintf(stderr, "mapscope %s: %d file%s with errors; nothing was run\n",
            zCmd, nBad, nBad == 1 ? "" : "s");
    rc = 2;
  }
  if( rc != 0 ){
    load_free(aFile, nFile);
    return rc;
  }
  *paFile = aFile;
  *pnFile = nFile;
  return 0;
}

