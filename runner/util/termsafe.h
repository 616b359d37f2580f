/*
** runner/util/termsafe.h: text from files and databases, written so that a
** terminal shows it instead of obeying it.
**
** A scenario path, a title, a stored command or an output may hold
** control characters: ESC alone can clear the screen, set a window title
** or make a hyperlink. When the stream is a terminal (isatty), these
** functions write every control character as \xHH instead: C0 controls
** (0x00-0x1F) other than newline and tab, DEL (0x7F), and the C1 controls
** as UTF-8 encodes them (0xC2 0x80-0x9F, both bytes escaped). A stream
** that is not a terminal (a file, a pipe) gets the bytes unchanged, so
** machine formats (TAP, JUnit, exports) keep what they hold. The escaping
** is for the eyes: a backslash is not doubled, so it cannot be undone.
**
** Contents: 1. deciding  2. writing  3. measuring
*/
#ifndef MAPSCOPE_RUNNER_TERMSAFE_H
#define MAPSCOPE_RUNNER_TERMSAFE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

/* ---------------------------------------------------------------- 1 ---- */

/* Is pOut a terminal? Asked once per standard stream (stdout, stderr) and
** remembered; other streams are asked each time. */
int termsafe_is_terminal(FILE *pOut);

/* ---------------------------------------------------------------- 2 ---- */

/* Write z (NULL writes nothing), escaped when pOut is a terminal. Returns
** 0, or EOF after a write error. */
int termsafe_fputs(const char *z, FILE *pOut);

/* As termsafe_fputs(), escaping whatever pOut is (for text bound for a
** terminal through a buffer, or a log known to be read raw). */
int termsafe_fputs_escaped(const char *z, FILE *pOut);

/* Write n bytes of z, escaped if bEscape. Returns 0 or EOF. */
int termsafe_write(FILE *pOut, const char *z, size_t n, int bEscape);

/* printf into pOut, the whole result escaped when pOut is a terminal (the
** format's own newlines and tabs pass through, as every newline does).
** Returns 0 or EOF. */
int termsafe_fprintf(FILE *pOut, const char *zFormat, ...)
  __attribute__((format(printf, 2, 3)));
int termsafe_vfprintf(FILE *pOut, const char *zFormat, va_list ap);

/* ---------------------------------------------------------------- 3 ---- */

/* Bytes termsafe_fputs() writes for z (NULL: 0) when bEscape: for
** aligning columns of escaped text. */
size_t termsafe_width(const char *z, int bEscape);

#endif /* MAPSCOPE_RUNNER_TERMSAFE_H */
