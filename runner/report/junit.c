/*
** runner/report/junit.c: the one JUnit XML writer (see report.h).
**
**   <testsuites name="mapscope" tests= failures= errors= time=>
**     <testsuite name="PATH" file="PATH" tests= failures= errors= skipped= time=>
**       <properties>...</properties>              (results export: the run)
**       <testcase name="line N [backend] command" classname="TOPIC"
**                 file="PATH" line="N" time=>
**         <failure message= type=>expected/actual</failure>   fail, fixed
**         <error message= type=>reason</error>                 error
**         <skipped message="..."/>           skip, unsupported, unchecked
**         <system-out>todo: reason ...</system-out>           todo (passed)
**       </testcase>
**       <system-err>a backend that could not start</system-err>
**     </testsuite>
**   </testsuites>
**
** The element order and the attribute set follow the Jenkins xunit
** plugin's junit-10 schema: <testsuites> has no `skipped` attribute there,
** and a testsuite's <system-err> comes after its test cases.
*/
#include "runner/report/report.h"

#include <stdlib.h>
#include <string.h>

enum { JU_TESTS = 0, JU_FAILURES, JU_ERRORS, JU_SKIPPED };

void junit_suite_begin(JunitWriter *p, const char *zFile){
  free(p->zSuite);
  StrBuf b = {0};
  strbuf_puts(&b, zFile);
  p->zSuite = strbuf_take(&b);
  memset(p->anSuite, 0, sizeof(p->anSuite));
  p->rSuite = 0;
}

void junit_suite_property(JunitWriter *p, const char *zName, const char *zValue){
  strbuf_puts(&p->props, "      <property name=\"");
  strbuf_xml(&p->props, zName);
  strbuf_puts(&p->props, "\" value=\"");
  strbuf_xml(&p->props, zValue ? zValue : "");
  strbuf_puts(&p->props, "\"/>\n");
}

void junit_suite_note(JunitWriter *p, const char *zText){
  strbuf_puts(&p->notes, zText);
  strbuf_puts(&p->notes, "\n");
}

/* expected/actual as one text, for a <failure> body or a todo's note. */
static void junit_expected_actual(StrBuf *pOut, const ReportCase *pCase){
  strbuf_puts(pOut, "expected:\n");
  strbuf_indented(pOut, "  ", pCase->zExpected);
  strbuf_puts(pOut, "actual:\n");
  strbuf_indented(pOut, "  ", pCase->zActual);
}

void junit_case(JunitWriter *p, const ReportCase *pCase){
  StrBuf *pOut = &p->cases;
  char zTopic[256];
  p->anSuite[JU_TESTS]++;
  p->rSuite += pCase->rSeconds;
  strbuf_printf(pOut, "    <testcase name=\"line %d [", pCase->iLine);
  strbuf_xml(pOut, pCase->zBackend);
  strbuf_puts(pOut, "] ");
  strbuf_xml(pOut, pCase->zCommand ? pCase->zCommand : "");
  strbuf_puts(pOut, "\" classname=\"");
  strbuf_xml(pOut, report_topic(pCase->zFile, zTopic, (int)sizeof(zTopic)));
  strbuf_puts(pOut, "\" file=\"");
  strbuf_xml(pOut, pCase->zFile);
  strbuf_printf(pOut, "\" line=\"%d\" time=\"%.6f\"", pCase->iLine, pCase->rSeconds);

  StrBuf body = {0};
  const char *zTag = NULL;     /* failure, error, skipped, system-out */
  const char *zMessage = NULL;
  const char *zPrefix = "";
  switch( pCase->eVerdict ){
    case VERDICT_FAIL:
      p->anSuite[JU_FAILURES]++;
      zTag = "failure";
      zMessage = "output differs from the expected lines";
      junit_expected_actual(&body, pCase);
      break;
    case VERDICT_FIXED:
      p->anSuite[JU_FAILURES]++;
      zTag = "failure";
      zMessage = "the output now matches although a todo says it should not: remove the todo";
      junit_expected_actual(&body, pCase);
      break;
    case VERDICT_ERROR:
      p->anSuite[JU_ERRORS]++;
      zTag = "error";
      zMessage = pCase->zReason ? pCase->zReason : "the harness or agent failed";
      break;
    case VERDICT_SKIP:
      p->anSuite[JU_SKIPPED]++;
      zTag = "skipped";
      zMessage = "skipped by onlyif/skipif";
      break;
    case VERDICT_UNSUPPORTED:
      p->anSuite[JU_SKIPPED]++;
      zTag = "skipped";
      zPrefix = "unsupported: ";
      zMessage = pCase->zReason ? pCase->zReason : "by this backend";
      break;
    case VERDICT_TODO:
      /* Passed under the counting rule; the divergence is still shown. */
      zTag = "system-out";
      strbuf_puts(&body, "todo: ");
      strbuf_puts(&body, pCase->zReason ? pCase->zReason : "known divergence");
      strbuf_puts(&body, "\n");
      junit_expected_actual(&body, pCase);
      break;
    case VERDICT_PASS:
      if( pCase->bUnchecked ){
        p->anSuite[JU_SKIPPED]++;
        zTag = "skipped";
        zMessage = "unchecked: no expected block";
      }
      break;
    default:
      break;
  }
  if( zTag == NULL ){
    strbuf_puts(pOut, "/>\n");
  }else if( zMessage == NULL ){
    strbuf_printf(pOut, ">\n      <%s>", zTag);
    strbuf_xml(pOut, strbuf_text(&body));
    strbuf_printf(pOut, "</%s>\n    </testcase>\n", zTag);
  }else{
    strbuf_printf(pOut, ">\n      <%s message=\"%s", zTag, zPrefix);
    strbuf_xml(pOut, zMessage);
    strbuf_puts(pOut, "\"");
    if( body.n ){
      strbuf_printf(pOut, " type=\"%s\">", verdict_name(pCase->eVerdict));
      strbuf_xml(pOut, strbuf_text(&body));
      strbuf_printf(pOut, "</%s>\n", zTag);
    }else if( strcmp(zTag, "skipped") == 0 ){
      strbuf_puts(pOut, "/>\n");
    }else{
      strbuf_printf(pOut, " type=\"%s\"/>\n", verdict_name(pCase->eVerdict));
    }
    strbuf_puts(pOut, "    </testcase>\n");
  }
  strbuf_reset(&body);
}

void junit_suite_end(JunitWriter *p){
  StrBuf *pOut = &p->suites;
  strbuf_puts(pOut, "  <testsuite name=\"");
  strbuf_xml(pOut, p->zSuite ? p->zSuite : "");
  strbuf_puts(pOut, "\" file=\"");
  strbuf_xml(pOut, p->zSuite ? p->zSuite : "");
  strbuf_printf(pOut, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" "
                "time=\"%.6f\">\n", p->anSuite[JU_TESTS], p->anSuite[JU_FAILURES],
                p->anSuite[JU_ERRORS], p->anSuite[JU_SKIPPED], p->rSuite);
  if( p->props.n ){
    strbuf_puts(pOut, "    <properties>\n");
    strbuf_puts(pOut, strbuf_text(&p->props));
    strbuf_puts(pOut, "    </properties>\n");
  }
  strbuf_puts(pOut, strbuf_text(&p->cases));
  if( p->notes.n ){
    strbuf_puts(pOut, "    <system-err>");
    strbuf_xml(pOut, strbuf_text(&p->notes));
    strbuf_puts(pOut, "</system-err>\n");
  }
  strbuf_puts(pOut, "  </testsuite>\n");
  for(int i = 0; i < 4; i++) p->anAll[i] += p->anSuite[i];
  p->rAll += p->rSuite;
  strbuf_reset(&p->cases);
  strbuf_reset(&p->notes);
  strbuf_reset(&p->props);
  free(p->zSuite);
  p->zSuite = NULL;
}

void junit_finish(JunitWriter *p, FILE *pOut, const char *zName){
  StrBuf b = {0};
  strbuf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"");
  strbuf_xml(&b, zName ? zName : "mapscope");
  /* No `skipped` here: the junit-10 schema does not allow it on the root
  ** (each <testsuite> carries its own). */
  strbuf_printf(&b, "\" tests=\"%d\" failures=\"%d\" errors=\"%d\" time=\"%.6f\">\n",
                p->anAll[JU_TESTS], p->anAll[JU_FAILURES], p->anAll[JU_ERRORS], p->rAll);
  fputs(strbuf_text(&b), pOut);
  fputs(strbuf_text(&p->suites), pOut);
  fputs("</testsuites>\n", pOut);
  fflush(pOut);
  strbuf_reset(&b);
  strbuf_reset(&p->suites);
  strbuf_reset(&p->cases);
  strbuf_reset(&p->notes);
  strbuf_reset(&p->props);
  free(p->zSuite);
  memset(p, 0, sizeof(*p));
}
