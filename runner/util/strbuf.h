/*
** runner/util/strbuf.h: a growable string, for building reports and outputs.
**
** A StrBuf starts zeroed ({0}) and owns its memory. Appending never fails
** silently: on allocation failure the process exits with a message, since
** a report that lost text would be worse than no report.
*/
#ifndef MAPSCOPE_RUNNER_STRBUF_H
#define MAPSCOPE_RUNNER_STRBUF_H

#include <stddef.h>

typedef struct StrBuf StrBuf;
struct StrBuf {
  char *z;        /* NUL-terminated text, or NULL while empty */
  size_t n;       /* bytes used, not counting the NUL */
  size_t nAlloc;  /* bytes allocated */
};

void strbuf_append(StrBuf *p, const char *z, size_t n);
void strbuf_puts(StrBuf *p, const char *z);
void strbuf_printf(StrBuf *p, const char *zFormat, ...)
  __attribute__((format(printf, 2, 3)));
/* The text so far ("" when empty); valid until the next append. */
const char *strbuf_text(const StrBuf *p);
/* Hand the text to the caller (malloc'd, never NULL) and reset the buffer. */
char *strbuf_take(StrBuf *p);
void strbuf_reset(StrBuf *p);

/* Append each line of zText (lines end at '\n') prefixed by zIndent and
** ended by '\n'; a blank line stays blank (no trailing indentation); NULL
** appends "(no output)". */
void strbuf_indented(StrBuf *p, const char *zIndent, const char *zText);

/* Append zText with XML's five special characters escaped and characters
** XML 1.0 cannot hold replaced by '?'. */
void strbuf_xml(StrBuf *p, const char *zText);

#endif /* MAPSCOPE_RUNNER_STRBUF_H */
