/*
** lang/lex.h: internal to lang/. The word splitter and string helpers the
** parser and the canonical helpers share. Not part of the public API
** (that is lang/scenario.h).
**
** Contents: 1. string helpers  2. word splitting  3. quoting
**           4. the arena a parsed Scenario lives in
*/
#ifndef MAPSCOPE_LANG_LEX_H
#define MAPSCOPE_LANG_LEX_H

#include <stddef.h>

/* ---------------------------------------------------------------- 1 ---- */

int scnx_is_blank(int c);                 /* space or tab */
int scnx_lower(int c);                    /* ASCII lower case */
#define SCNX_LOWER(c) (((c) >= 'A' && (c) <= 'Z') ? (c) - 'A' + 'a' : (c))  /* inline form */
int scnx_stricmp(const char *zA, const char *zB);            /* ASCII, 0 = equal */
int scnx_strnicmp(const char *zA, const char *zB, size_t n); /* ASCII, 0 = equal */
char *scnx_strndup(const char *z, size_t n);  /* malloc'd copy, NULL on OOM */
char *scnx_strdup(const char *z);             /* NULL in, NULL out */
void scnx_lower_in_place(char *z);

/* ---------------------------------------------------------------- 2 ---- */

typedef struct ScnWord ScnWord;
struct ScnWord {
  char *z;             /* the word with quotes removed (owned) */
  int bQuoted;         /* some part of it was quoted */
  size_t nPlain;       /* bytes of z before the first quote opened */
  size_t iStart;       /* byte offset in the line where it begins */
  int iWord;           /* 0-based position among the line's words */
};

/*
** The words of one line. A ScnWords may be reused for line after line
** (the parser does): scnx_split keeps its two buffers and grows them only
** when a longer line comes, so splitting costs no allocation once warm.
** Zero it before the first use; release it with scnx_words_clear.
*/
typedef struct ScnWords ScnWords;
struct ScnWords {
  ScnWord *aWord;      /* the words in order (owned) */
  int nWord;           /* entries in aWord */
  int nAlloc;          /* allocated entries */
  char *zText;         /* the words' text, each NUL-terminated (owned) */
  size_t nTextAlloc;   /* bytes allocated at zText */
  size_t nTextEnd;     /* length of the line without comment and trailing blanks */
  size_t iErrPos;      /* offset of the quote left open (on SCNX_OPEN_QUOTE) */
};

#define SCNX_OK 0
#define SCNX_NOMEM 1
#define SCNX_OPEN_QUOTE 2
#define SCNX_CONTROL 3   /* a tab or other control character inside quotes */

/*
** Split zLine (nLine bytes, no newline) into words. Returns SCNX_OK and
** fills *pW (zeroed or used before; release with scnx_words_clear), or
** SCNX_NOMEM, or
** SCNX_OPEN_QUOTE when a quote is left open (unless bLenient, in which case
** the open quote runs to the end of the line), or SCNX_CONTROL when a tab
** (or any byte below 0x20, or 0x7f) is inside quotes (unless bLenient):
** no word ever holds a control character (issue 9.3). iErrPos is the
** offset of the open quote or of the control character. On failure *pW is
** empty.
*/
int scnx_split(const char *zLine, size_t nLine, ScnWords *pW, int bLenient);
void scnx_words_clear(ScnWords *pW);

/* ---------------------------------------------------------------- 3 ---- */

/* 1 if z must be quoted to lex back as one word equal to itself. */
int scnx_needs_quotes(const char *z);
/* Bytes scnx_write_quoted writes for z (no NUL). */
size_t scnx_quoted_len(const char *z);
/* Write z in double quotes with `"` and `\` escaped; returns bytes written. */
size_t scnx_write_quoted(char *zOut, const char *z);

/* ---------------------------------------------------------------- 4 ---- */

/*
** An arena: a chain of blocks from which a parsed Scenario takes every
** string and array (issue 13.7: the parser used to malloc each word). There
** is no per-object free; scnx_arena_free releases everything at once. The
** arena's own header lives in its first block, so one malloc makes a
** ready arena.
*/
typedef struct ScnArena ScnArena;

/* A new arena whose first block holds about nHint bytes; NULL on OOM. */
ScnArena *scnx_arena_new(size_t nHint);
/* n bytes aligned for any type, or NULL on OOM (the arena stays valid). */
void *scnx_arena_alloc(ScnArena *pA, size_t n);
/* Release the arena and all it handed out. NULL is a no-op. */
void scnx_arena_free(ScnArena *pA);

/*
** The parser's allocator: from the arena pA, or with malloc when pA is
** NULL (a step parsed on its own, which scn_step_clear frees). mem_free
** and a failed mem_grow leave arena memory alone.
*/
void *scnx_mem_alloc(ScnArena *pA, size_t n);
char *scnx_mem_strndup(ScnArena *pA, const char *z, size_t n);
char *scnx_mem_strdup(ScnArena *pA, const char *z);   /* NULL in, NULL out */
void scnx_mem_free(ScnArena *pA, void *p);
/* Room for one more of n elements of size sz in a, growing by doubling at
** powers of two (n < 4 counts as full at 0). Returns the possibly moved
** array or NULL on OOM (a still valid). */
void *scnx_mem_grow(ScnArena *pA, void *a, int n, size_t sz);

#endif /* MAPSCOPE_LANG_LEX_H */
