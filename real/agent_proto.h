/*
** real/agent_proto.h: the line protocol between the runner and
** mapscope-agent.exe, the parts both ends share (portable C).
**
** The protocol is documented in docs/protocol.md. In short: the runner
** sends one request per line; the agent answers each request with exactly
** one reply, a header line `KIND COUNT [TEXT]` followed by COUNT body
** lines. Requests longer than AGENT_PROTO_MAX_LINE bytes, holding a NUL
** byte, or cut short by the end of input are answered with `bad`.
**
** Contents:
**   1. Limits and reply kinds
**   2. A growable byte buffer (AgentBuf)
**   3. The line reader: framing of requests, robust to garbage
**   4. Replies: formatting on the agent side, parsing on the runner side
**   5. Secrets: deciding whether a request line may be quoted back
*/
#ifndef MAPSCOPE_REAL_AGENT_PROTO_H
#define MAPSCOPE_REAL_AGENT_PROTO_H

#include <stddef.h>

/* ---------------------------------------------------------------- 1 ---- */

#define AGENT_PROTO_VERSION 1      /* the protocol version this code speaks */
#define AGENT_PROTO_MAX_LINE 8192  /* longest request line, without the LF */
#define AGENT_PROTO_MAX_BODY 4096  /* most body lines in one reply */

typedef enum AgentReplyKind {
  AGENT_REPLY_OK = 0,      /* a protocol request (hello, world, start, bye) done */
  AGENT_REPLY_DONE,        /* a step ran; the body is its canonical output */
  AGENT_REPLY_UNSUPPORTED, /* the host cannot do the step faithfully */
  AGENT_REPLY_ERROR,       /* the agent failed at the step (not a result) */
  AGENT_REPLY_BAD,         /* the request itself was malformed or unknown */
  AGENT_REPLY_COUNT
} AgentReplyKind;

/* The header word of a reply kind ("ok", "done", ...). */
const char *agent_reply_word(AgentReplyKind e);

/* ---------------------------------------------------------------- 2 ---- */

typedef struct AgentBuf AgentBuf;
struct AgentBuf {
  char *z;                 /* the bytes, always NUL-terminated when n>0 */
  size_t n;                /* bytes used, not counting the NUL */
  size_t nAlloc;           /* bytes allocated */
  int bOom;                /* an allocation failed: contents are truncated */
};

/* Append n bytes (or strlen(z) if n is (size_t)-1). On allocation failure
** sets bOom and leaves the buffer as it was; never fails otherwise. */
void agent_buf_append(AgentBuf *p, const char *z, size_t n);
/* Append printf-style text. */
void agent_buf_printf(AgentBuf *p, const char *zFmt, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;
/* Release the bytes and zero the buffer. */
void agent_buf_free(AgentBuf *p);

/* ---------------------------------------------------------------- 3 ---- */

typedef enum AgentLineStatus {
  AGENT_LINE_OK = 0,       /* a complete line is in the reader's zLine */
  AGENT_LINE_EOF,          /* end of input at a line boundary */
  AGENT_LINE_TOO_LONG,     /* the line was over the limit; it was discarded */
  AGENT_LINE_NUL,          /* the line held a NUL byte; it was discarded */
  AGENT_LINE_TRUNCATED,    /* end of input in the middle of a line */
  AGENT_LINE_IO            /* the byte source reported an error */
} AgentLineStatus;

/*
** The reader pulls bytes from xRead(pCtx, aBuf, nBuf), which returns the
** number of bytes read, 0 at end of input, or -1 on error.
*/
typedef struct AgentLineReader AgentLineReader;
struct AgentLineReader {
  long (*xRead)(void *pCtx, char *aBuf, size_t nBuf); /* byte source */
  void *pCtx;              /* its context */
  size_t nMax;             /* longest accepted line (bytes, without LF) */
  char aIn[4096];          /* bytes read but not yet consumed */
  size_t nIn;              /* valid bytes in aIn */
  size_t iIn;              /* next unconsumed byte in aIn */
  char *zLine;             /* the current line, NUL-terminated (owned) */
  size_t nLine;            /* its length */
  int bEof;                /* the source reported end of input */
};

/* Initialise a reader; nMax of 0 means AGENT_PROTO_MAX_LINE. Returns 0, or
** non-zero if the line buffer cannot be allocated. */
int agent_reader_init(AgentLineReader *p, size_t nMax,
                      long (*xRead)(void*, char*, size_t), void *pCtx);
/*
** Read the next line. On AGENT_LINE_OK, p->zLine holds it without the LF
** and without one trailing CR. Every other status leaves zLine empty. A
** line that is too long or holds a NUL is consumed up to and including its
** LF, so the next call starts on the next line.
*/
AgentLineStatus agent_reader_next(AgentLineReader *p);
void agent_reader_free(AgentLineReader *p);

/* ---------------------------------------------------------------- 4 ---- */

/*
** Append a reply to pOut: the header `WORD COUNT TEXT` and the body lines.
** zText may be NULL. Any CR or LF inside zText or a body line is replaced
** by a blank, so a reply can never break the framing. A reply never breaks
** the limits either: more than AGENT_PROTO_MAX_BODY body lines, or a body
** line longer than AGENT_PROTO_MAX_LINE, is written as `error 0 output
** has N lines, over the protocol's limit of M` (or `output line I has N
** bytes, ...`) instead, and zText is cut to fit the line limit.
*/
void agent_reply_format(AgentBuf *pOut, AgentReplyKind eKind,
                        const char *zText, char *const *azBody, int nBody);

/*
** Parse a reply header line. Returns 0 and sets *peKind, *pnBody and
** *pzText (a pointer into zLine, "" if none), or non-zero if the line is
** not a valid header (unknown word, bad or out-of-range count).
*/
int agent_reply_parse_header(const char *zLine, AgentReplyKind *peKind,
                             int *pnBody, const char **pzText);

/* ---------------------------------------------------------------- 5 ---- */

/* 1 if zLine may carry a secret (a password= word, /pass:, /user: with a
** password after it, a world `user` line), so it must never be quoted. */
int agent_line_has_secret(const char *zLine);

#endif /* MAPSCOPE_REAL_AGENT_PROTO_H */
