/*
** runner/visual/html_explain.c: the explain page, one self-contained HTML
** file (see visual.h).
**
** Every step is a <section> holding, side by side, the step (the
** scenario's comments before it, the command, the model's output, what the
** scenario expects, the rules that decided it, linked into
** docs/rules.md, what changed) and the picture of the state after it. The
** page reads top to bottom without JavaScript; with it, one step shows at
** a time and the buttons, the arrow keys (Left/Right, Home/End) and the
** address fragment (#step-3) move between them. A small self-check writes
** script errors into the page (#errors, data-errors) and sets data-ready
** on <html> when done, for the browser tests; with the fragment
** #selftest it also presses ArrowRight twice and ArrowLeft once through
** dispatched key events and records the steps shown (data-selftest).
**
** Contents: 1. style and script  2. one step  3. the page
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/visual/visual.h"

/* ---------------------------------------------------------------- 1 ---- */

static const char zStyle[] =
  "body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d1d1d;background:#fff}\n"
  "header{padding:12px 24px;background:#f1f4f7;border-bottom:1px solid #ccd}\n"
  "h1{font-size:21px;margin:4px 0}h2{font-size:18px;margin:0 0 6px}\n"
  "pre,code{font:13px/1.35 monospace}pre{margin:2px 0;white-space:pre-wrap}\n"
  ".file,.src{color:#445;margin:2px 0}\n"
  ".comment{border-left:4px solid #9ab;padding:2px 8px;margin:6px 0;color:#234;font-style:italic}\n"
  "nav#stepper{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid #ccd;padding:6px 24px}\n"
  "nav#stepper button{font-size:15px;padding:3px 12px;margin-right:6px}\n"
  ".step{position:relative;padding:12px 24px;border-bottom:2px solid #dde}\n"
  ".cols{display:flex;gap:18px;align-items:flex-start}\n"
  ".side{flex:0 0 380px;max-width:380px}\n"
  ".pic{flex:1 1 auto;overflow:auto}\n"
  ".cmd{background:#eef2f6;padding:4px 8px;font-weight:bold}\n"
  ".out{background:#f7f7f7;padding:4px 8px;border-left:4px solid #789}\n"
  ".ok{color:#1f6b1f;font-weight:bold}.bad{color:#a11;font-weight:bold}\n"
  ".rules a{margin-right:6px;font-weight:bold}\n"
  "ul.changes{list-style:none;padding-left:0;margin:4px 0}\n"
  "ul.changes li{font:13px/1.35 monospace;padding:1px 4px;margin:1px 0}\n"
  "li.add{background:#cdeccd}li.chg{background:#ffe9a8}li.rm{background:#f8dede}\n"
  ".vh{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}\n"
  "#errors:empty{display:none}#errors{background:#fdd;color:#900;padding:8px}\n"
  "html.js .step{display:none}html.js .step.cur{display:block}\n"
  "svg.state{max-width:100%;height:auto}\n"
  "svg.state text{font:12px monospace;fill:#1d1d1d}\n"
  ".box>rect{fill:#fbfbf8;stroke:#5b6770;stroke-width:1.2}\n"
  ".box>rect.hd{fill:#e6ebef;stroke:none}\n"
  ".sess>rect.hd{fill:#dfe8f5}.user>rect.hd{fill:#efe6f5}.glob>rect.hd{fill:#e2efe2}\n"
  "svg text.t{font-weight:bold}svg text.s{font-style:italic;fill:#555}\n"
  ".row.add rect{fill:#cdeccd}.row.chg rect{fill:#ffe9a8}\n"
  ".box.add>rect.fr{stroke:#2a7a2a;stroke-width:3}.box.chg>rect.fr{stroke:#a66f00;stroke-width:3}\n"
  "svg text.m{font-weight:bold}\n"
  ".arrow{fill:none;stroke:#55708a;stroke-width:1.3}.arrow.add,.arrow.chg{stroke:#2a7a2a;stroke-width:2.2}\n"
  ".tgt rect{fill:#f3f3f3;stroke:#888}.linked{stroke:#2b4f86;stroke-width:5}\n"
  ".rm rect{fill:#f8dede;stroke:#a33}.rm text.x{text-decoration:line-through}\n";

static const char zScript[] =
  "(function(){\n"
  "var root=document.documentElement,errs=document.getElementById('errors');\n"
  "function fail(m){errs.appendChild(document.createTextNode('script error: '+m+'\\n'));\n"
  " root.setAttribute('data-errors',String((+root.getAttribute('data-errors')||0)+1));}\n"
  "window.addEventListener('error',function(e){fail(e.message);});\n"
  "try{\n"
  "var steps=document.querySelectorAll('section.step'),cur=0;\n"
  "var label=document.getElementById('where');\n"
  "function show(i){if(i<0)i=0;if(i>=steps.length)i=steps.length-1;\n"
  " steps[cur].classList.remove('cur');cur=i;steps[cur].classList.add('cur');\n"
  " label.textContent=(cur===0?'At the start':'Step '+cur)+' of '+(steps.length-1);\n"
  " root.setAttribute('data-step',String(cur));}\n"
  "root.classList.add('js');\n"
  "document.getElementById('stepper').hidden=false;\n"
  "document.getElementById('prev').onclick=function(){show(cur-1);};\n"
  "document.getElementById('next').onclick=function(){show(cur+1);};\n"
  "document.addEventListener('keydown',function(e){\n"
  " if(e.key==='ArrowRight'||e.key==='PageDown'){show(cur+1);e.preventDefault();}\n"
  " else if(e.key==='ArrowLeft'||e.key==='PageUp'){show(cur-1);e.preventDefault();}\n"
  " else if(e.key==='Home'){show(0);}else if(e.key==='End'){show(steps.length-1);}});\n"
  "var m=/^#step-(\\d+)$/.exec(location.hash);show(m?+m[1]:0);\n"
  "if(m)window.scrollTo(0,0);\n"
  "if(location.hash==='#selftest'){var seen=[];\n"
  " ['ArrowRight','ArrowRight','ArrowLeft'].forEach(function(k){\n"
  "  document.dispatchEvent(new KeyboardEvent('keydown',{key:k,bubbles:true}));seen.push(cur);});\n"
  " root.setAttribute('data-selftest',seen.join(','));}\n"
  "}catch(e){fail(e.message);}\n"
  "root.setAttribute('data-ready','1');\n"
  "root.setAttribute('data-ready-ms',String(Math.round(performance.now())));\n"
  "})();\n";

/* ---------------------------------------------------------------- 2 ---- */

static void hx_text(StrBuf *p, const char *z){ strbuf_xml(p, z ? z : ""); }

static void hx_change(void *pCtx, char cMark, const char *zText, const char *zOld){
  StrBuf *p = pCtx;
  const char *zClass = cMark=='+' ? "add" : cMark=='-' ? "rm" : "chg";
  const char *zWord = cMark=='+' ? "added" : cMark=='-' ? "removed" : "changed";
  strbuf_printf(p, "<li class=\"%s\"><span aria-hidden=\"true\">%c</span>"
                "<span class=\"vh\">%s:</span> ", zClass, cMark, zWord);
  hx_text(p, zText);
  if( zOld ){
    strbuf_puts(p, "<br><small>was: ");
    hx_text(p, zOld);
    strbuf_puts(p, "</small>");
  }
  strbuf_puts(p, "</li>\n");
}

static void hx_facts(StrBuf *p, const VisSnap *pSnap){
  int i, j;
  strbuf_puts(p, "<div class=\"vh\"><p>The state as text:</p><ul>\n");
  for(i=0; i<pSnap->nBox; i++){
    strbuf_puts(p, "<li>");
    hx_text(p, pSnap->aBox[i].zText);
    if( pSnap->aBox[i].nRow ){
      strbuf_puts(p, "<ul>");
      for(j=0; j<pSnap->aBox[i].nRow; j++){
        strbuf_puts(p, "<li>");
        hx_text(p, pSnap->aBox[i].aRow[j].zText);
        strbuf_puts(p, "</li>");
      }
      strbuf_puts(p, "</ul>");
    }
    strbuf_puts(p, "</li>\n");
  }
  strbuf_puts(p, "</ul></div>\n");
}

static void hx_step(StrBuf *p, const VisStory *pStory, int iStep, const char *zRulesUrl){
  strbuf_printf(p, "<section class=\"step\" id=\"step-%d\" data-step=\"%d\"", iStep+1, iStep+1);
  if( iStep<0 ){
    strbuf_puts(p, ">\n<div class=\"cols\"><div class=\"side\">\n<h2>At the start</h2>\n"
                "<p>The world the scenario sets up, before its first step.</p>\n");
  }else{
    const VisStep *s = &pStory->aStep[iStep];
    int i;
    strbuf_printf(p, " data-line=\"%d\" data-rules=\"", s->iLine);
    hx_text(p, s->zRules);
    strbuf_printf(p, "\">\n<div class=\"cols\"><div class=\"side\">\n"
                  "<h2>Step %d <small>(line %d)</small></h2>\n", iStep+1, s->iLine);
    for(i=0; i<s->nComment; i++){
      if( i==0 ) strbuf_puts(p, "<div class=\"comment\">");
      hx_text(p, s->azComment[i]);
      strbuf_puts(p, i==s->nComment-1 ? "</div>\n" : "<br>\n");
    }
    strbuf_puts(p, "<pre class=\"cmd\">");
    hx_text(p, s->zCommand);
    strbuf_puts(p, "</pre>\n<p>The model's output:</p><pre class=\"out\">");
    hx_text(p, s->zOutput);
    strbuf_puts(p, "</pre>\n");
    if( s->zTool ){                        /* T1: the actions of a tool step */
      strbuf_puts(p, "<p>The tool's actions:</p><pre class=\"out tool\">");
      hx_text(p, s->zTool);
      strbuf_puts(p, "</pre>\n");
    }
    if( s->eState==VIS_STEP_SKIPPED || s->eState==VIS_STEP_NOT_REACHED ){
      /* nothing was decided */
    }else if( s->zExpected && s->bMatch ){
      strbuf_puts(p, "<p class=\"ok verdict\" data-verdict=\"pass\">&#10004; as the scenario expects</p>\n");
    }else if( s->zExpected ){
      strbuf_puts(p, "<p class=\"bad verdict\" data-verdict=\"fail\">&#10008; but the scenario expects:</p><pre class=\"out\">");
      hx_text(p, s->zExpected);
      strbuf_puts(p, "</pre>\n");
    }
    strbuf_puts(p, "<p class=\"rules\">Rules that decided it: ");
    if( s->zRules[0]==0 ){
      strbuf_puts(p, "<em>none marked</em>");
    }else{
      const char *z = s->zRules;
      while( *z ){
        size_t n = strcspn(z, " ");
        char zId[32];
        if( n>0 && n<sizeof(zId) ){
          char zAnchor[32];
          size_t k;
          memcpy(zId, z, n);
          zId[n] = 0;
          for(k=0; k<=n; k++){
            zAnchor[k] = (zId[k]>='A' && zId[k]<='Z') ? (char)(zId[k]-'A'+'a') : zId[k];
          }
          strbuf_puts(p, "<a href=\"");
          hx_text(p, zRulesUrl);
          strbuf_printf(p, "#%s\">%s</a>", zAnchor, zId);
        }
        z += n;
        while( *z==' ' ) z++;
      }
    }
    strbuf_puts(p, "</p>\n<p>What changed:</p><ul class=\"changes\">\n");
    if( vis_snap_diff(vis_story_before(pStory, iStep), &s->snap, hx_change, p)==0 ){
      strbuf_puts(p, "<li>nothing: the state is as before</li>\n");
    }
    strbuf_puts(p, "</ul>\n");
  }
  strbuf_puts(p, "</div>\n<div class=\"pic\">\n");
  vis_svg_state(p, pStory, iStep, 0, "svg-step-");
  strbuf_puts(p, "</div></div>\n");
  hx_facts(p, iStep<0 ? &pStory->start : &pStory->aStep[iStep].snap);
  strbuf_puts(p, "</section>\n");
}

/* ---------------------------------------------------------------- 3 ---- */

void vis_html_explain(FILE *pOut, const VisStory *pStory, const char *zRulesUrl){
  StrBuf b = {0};
  int i;
  strbuf_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta name=\"viewport\" content=\"width=device-width\">\n"
              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
              "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n<title>");
  hx_text(&b, pStory->zTitle);
  strbuf_puts(&b, " (mapscope explain)</title>\n<style>\n");
  strbuf_puts(&b, zStyle);
  strbuf_puts(&b, "</style>\n</head>\n<body>\n<header>\n<h1>");
  hx_text(&b, pStory->zTitle);
  strbuf_puts(&b, "</h1>\n<p class=\"file\">Scenario <code>");
  hx_text(&b, pStory->zPath);
  strbuf_printf(&b, "</code>, %d steps, run on the model by <code>mapscope explain</code>.", pStory->nStep);
  if( pStory->nMismatch ){
    strbuf_printf(&b, " <span class=\"bad\">&#10008; %d step%s did not produce what the scenario expects.</span>",
                  pStory->nMismatch, pStory->nMismatch==1 ? "" : "s");
  }
  strbuf_puts(&b, "</p>\n");
  for(i=0; i<pStory->nSource; i++){
    strbuf_puts(&b, "<p class=\"src\">source: ");
    hx_text(&b, pStory->azSource[i]);
    strbuf_puts(&b, "</p>\n");
  }
  if( pStory->nIntro ){
    strbuf_puts(&b, "<div class=\"comment\">");
    for(i=0; i<pStory->nIntro; i++){
      hx_text(&b, pStory->azIntro[i]);
      strbuf_puts(&b, i<pStory->nIntro-1 ? "<br>\n" : "");
    }
    strbuf_puts(&b, "</div>\n");
  }
  strbuf_puts(&b, "<p>World:</p><pre>");
  for(i=0; i<pStory->nWorld; i++){
    hx_text(&b, pStory->azWorld[i]);
    strbuf_puts(&b, "\n");
  }
  strbuf_puts(&b, "</pre>\n<p><small>In the pictures: a fact the step added is green and marked +, "
              "a changed one amber and marked ~, removed ones are listed struck through with -. "
              "Arrows go from a link to its target.</small></p>\n</header>\n"
              "<nav id=\"stepper\" hidden aria-label=\"steps\"><button id=\"prev\" type=\"button\">"
              "&#9664; previous</button><button id=\"next\" type=\"button\">next &#9654;</button>"
              "<span id=\"where\" aria-live=\"polite\"></span> <small>(or the arrow keys)</small></nav>\n"
              "<div id=\"errors\" role=\"alert\"></div>\n<main>\n");
  for(i=-1; i<pStory->nStep; i++) hx_step(&b, pStory, i, zRulesUrl);
  strbuf_puts(&b, "</main>\n<script>\n");
  strbuf_puts(&b, zScript);
  strbuf_puts(&b, "</script>\n</body>\n</html>\n");
  fwrite(strbuf_text(&b), 1, b.n, pOut);
  strbuf_reset(&b);
}
