/*
** runner/load.c: finding, reading and parsing scenario files (see load.h).
*/
#include "load.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "strbuf.h"

typedef struct FileList FileList;
struct FileList {
  char **azPath;               /* collected paths (owned) */
  int nPath, nAlloc;
};

static void load_list_add(FileList *p, const char *zPath){
  if( p->nPath == p->nAlloc ){
    p->nAlloc = p->nAlloc ? p->nAlloc * 2 : 64;
    p->azPath = realloc(p->azPath, (size_t)p->nAlloc * sizeof(char *));
    if( p->azPath == NULL ){ fputs("mapscope: out of memory\n", stderr); exit(3); }
  }
  size_t n = strlen(zPath) + 1;
  p->azPath[p->nPath] = malloc(n);
  if( p->azPath[p->nPath] == NULL ){ fputs("mapscope: out of memory\n", stderr); exit(3); }
  memcpy(p->azPath[p->nPath++], zPath, n);
}

static int load_cmp_path(const void *a, const void *b){
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static int load_ends_with_scn(const char *z){
  size_t n = strlen(z);
  return n > 4 && strcasecmp(z + n - 4, ".scn") == 0;
}

/* Add every *.scn below directory zDir, depth first, sorted by name.
** Returns 0, or 2 after reporting an unreadable directory. */
static int load_collect_dir(const char *zCmd, const char *zDir, FileList *pList){
  DIR *pDir = opendir(zDir);
  if( pDir == NULL ){
    fprintf(stderr, "mapscope %s: %s: %s\n", zCmd, zDir, strerror(errno));
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
    if( stat(strbuf_text(&path), &st) == 0 ){
      if( S_ISDIR(st.st_mode) ){
        rc = load_collect_dir(zCmd, strbuf_text(&path), pList);
      }else if( S_ISREG(st.st_mode) && load_ends_with_scn(names.azPath[i]) ){
        load_list_add(pList, strbuf_text(&path));
      }
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

void load_free(ScnFile *aFile, int nFile){
  for(int i = 0; i < nFile; i++){
    free(aFile[i].zPath);
    free(aFile[i].zContent);
    scn_free(aFile[i].pScn);
  }
  free(aFile);
}

int load_scenarios(const char *zCmd, char **azPath, int nPath,
                       ScnFile **paFile, int *pnFile){
  FileList list = {0};
  int rc = 0;
  for(int i = 0; i < nPath && rc == 0; i++){
    struct stat st;
    if( stat(azPath[i], &st) != 0 ){
      fprintf(stderr, "mapscope %s: %s: %s\n", zCmd, azPath[i], strerror(errno));
      rc = 2;
    }else if( S_ISDIR(st.st_mode) ){
      int nBefore = list.nPath;
      rc = load_collect_dir(zCmd, azPath[i], &list);
      if( rc == 0 && list.nPath == nBefore ){
        fprintf(stderr, "mapscope %s: %s: no .scn files below it\n", zCmd, azPath[i]);
        rc = 2;
      }
    }else{
      load_list_add(&list, azPath[i]);
    }
  }

  ScnFile *aFile = calloc((size_t)list.nPath + 1, sizeof(ScnFile));
  if( aFile == NULL ){ fputs("mapscope: out of memory\n", stderr); exit(3); }
  int nFile = 0, nBad = 0;
  for(int i = 0; rc == 0 && i < list.nPath; i++){
    ScnFile *pFile = &aFile[nFile++];
    pFile->zPath = list.azPath[i];
    list.azPath[i] = NULL;
    if( load_read_file(pFile->zPath, &pFile->zContent, &pFile->nContent) != 0 ){
      fprintf(stderr, "%s: cannot read: %s\n", pFile->zPath, strerror(errno));
      nBad++;
      continue;
    }
    char zErr[1024];
    if( scn_parse_text(pFile->zPath, pFile->zContent, pFile->nContent,
                       &pFile->pScn, zErr, sizeof(zErr)) != 0 ){
      fprintf(stderr, "%s\n", zErr);
      pFile->pScn = NULL;
      nBad++;
    }
  }
  for(int i = 0; i < list.nPath; i++) free(list.azPath[i]);
  free(list.azPath);
  if( rc == 0 && nBad ){
    fprintf(stderr, "mapscope %s: %d file%s with errors; nothing was run\n",
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

