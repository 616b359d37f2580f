/*
** runner/report/tap.c: the one TAP writer (see report.h).
**
**   TAP version 13
**   # scenarios/tokens/split.scn
**   ok 1 - scenarios/tokens/split.scn:13 [sim] as A drives
**   not ok 2 - scenarios/tokens/split.scn:17 [wine] as A query Q: # TODO reason
**   ok 3 - ...:20 [wine] logon B bob interactive # SKIP unsupported: reason
**   not ok 4 - ...
**     ---
**     verdict: fail
**     at: "scenarios/tokens/split.scn:22"
**     expected: |
**       ok
**     actual: |
**       error 2 ERROR_FILE_NOT_FOUND
**     ...
**   1..4
**
** Version 13 because Debian's prove (TAP::Parser) refuses "TAP version 14";
** node's tap-parser reads 13 as well. Flat (no subtests): both consumers
** then count every step. In a description and a directive's reason '#' is
** escaped as "\#" and a line break becomes a blank.
*/
#include "runner/report/report.h"

#include <string.h>

/* Append z as one TAP line's text: no line breaks, '#' escaped. */
static void tap_text(StrBuf *pOut, const char *z){
  for(; z && *z; z++){
    if( *z == '\n' || *z == '\r' ) strbuf_puts(pOut, " ");
    else if( *z == '#' ) strbuf_puts(pOut, "\\#");
    else strbuf_append(pOut, z, 1);
  }
}

/* A YAML block scalar: "  key: |" then the lines, indented. */
static void tap_yaml_block(StrBuf *pOut, const char *zKey, const char *zText){
  strbuf_printf(pOut, "  %s: |\n", zKey);
  strbuf_indented(pOut, "    ", (zText && zText[0]) ? zText : "(no output)");
}

/* A YAML double-quoted scalar. */
static void tap_yaml_quoted(StrBuf *pOut, const char *zKey, const char *zText){
  strbuf_printf(pOut, "  %s: \"", zKey);
  for(const unsigned char *z = (const unsigned char *)zText; z && *z; z++){
    if( *z == '"' || *z == '\\' ) strbuf_printf(pOut, "\\%c", *z);
    else if( *z < 0x20 ) strbuf_printf(pOut, "\\x%02x", *z);
    else strbuf_append(pOut, (const char *)z, 1);
  }
  strbuf_puts(pOut, "\"\n");
}

void tap_begin(TapWriter *p, FILE *pOut){
  p->pOut = pOut;
  p->nPoint = 0;
  fputs("TAP version 13\n", pOut);
}

void tap_comment(TapWriter *p, const char *zText){
  StrBuf b = {0};
  strbuf_puts(&b, "# ");
  for(const char *z = zText; z && *z; z++){
    strbuf_append(&b, (*z == '\n' || *z == '\r') ? " " : z, 1);
  }
  strbuf_puts(&b, "\n");
  fputs(strbuf_text(&b), p->pOut);
  strbuf_reset(&b);
}

void tap_case(TapWriter *p, const ReportCase *pCase){
  StrBuf b = {0};
  ReportCount eCount = report_count_of(pCase->eVerdict, pCase->bUnchecked);
  /* todo is "not ok" with a TODO directive: counted as passed by every
  ** consumer, and still visibly not a pass. */
  int bOk = eCount != REPORT_FAILED && pCase->eVerdict != VERDICT_TODO;
  strbuf_printf(&b, "%s %d - ", bOk ? "ok" : "not ok", ++p->nPoint);
  StrBuf desc = {0};
  strbuf_printf(&desc, "%s:%d [%s] %s", pCase->zFile, pCase->iLine,
                pCase->zBackend, pCase->zCommand ? pCase->zCommand : "");
  tap_text(&b, strbuf_text(&desc));
  strbuf_reset(&desc);
  switch( pCase->eVerdict ){
    case VERDICT_TODO:
      strbuf_puts(&b, " # TODO ");
      tap_text(&b, pCase->zReason ? pCase->zReason : "known divergence");
      break;
    case VERDICT_SKIP:
      strbuf_puts(&b, " # SKIP skipped by onlyif/skipif");
      break;
    case VERDICT_UNSUPPORTED:
      strbuf_puts(&b, " # SKIP unsupported: ");
      tap_text(&b, pCase->zReason ? pCase->zReason : "by this backend");
      break;
    case VERDICT_PASS:
      if( pCase->bUnchecked ) strbuf_puts(&b, " # SKIP unchecked: no expected block");
      break;
    default:
      break;
  }
  strbuf_puts(&b, "\n");
  if( eCount == REPORT_FAILED ){
    /* TAP 13 diagnostics: a YAML document indented under the point. */
    char zAt[64];
    strbuf_puts(&b, "  ---\n");
    strbuf_printf(&b, "  verdict: %s\n", verdict_name(pCase->eVerdict));
    snprintf(zAt, sizeof(zAt), ":%d", pCase->iLine);
    StrBuf at = {0};
    strbuf_printf(&at, "%s%s", pCase->zFile, zAt);
    tap_yaml_quoted(&b, "at", strbuf_text(&at));
    strbuf_reset(&at);
    if( pCase->eVerdict == VERDICT_ERROR ){
      tap_yaml_block(&b, "reason", pCase->zReason);
    }else{
      if( pCase->eVerdict == VERDICT_FIXED ){
        strbuf_puts(&b, "  message: \"the output now matches: remove the todo\"\n");
      }
      tap_yaml_block(&b, "expected", pCase->zExpected);
      tap_yaml_block(&b, "actual", pCase->zActual);
    }
    strbuf_puts(&b, "  ...\n");
  }
  fputs(strbuf_text(&b), p->pOut);
  strbuf_reset(&b);
}

void tap_end(TapWriter *p, const char *zStopped){
  if( zStopped ) tap_comment(p, zStopped);
  fprintf(p->pOut, "1..%d\n", p->nPoint);
  fflush(p->pOut);
}
