/*
** runner/visual/html_report.c: the results page, `mapscope report` (see
** visual.h).
**
** Read from the store, opened read-only (store_open_readonly()), with SQL
** on its tables (store_db()): every run, newest first (by
** runs.seq when the schema has it, else by start time), and for every
** scenario of every run each backend's worst step verdict. The page holds:
**
**   - the runs, with their labels and counts;
**   - "regressions and flips": scenario/backend pairs whose newest verdict
**     is failing and the one before was not, then those whose verdict
**     changed between runs, most changes first;
**   - the matrix: a row per scenario (regressions and flips first), a
**     column per run (the newest nLastRuns; older runs are counted in the
**     history column) and within it one cell per backend. A cell says its
**     verdict by a symbol and a word in its tooltip and accessible name as
**     well as by its colour. A cell is a link to the scenario's steps in
**     that run, expected and each backend's output side by side;
**   - those step tables (details), for every cell that is not a plain pass
**     and for every scenario's newest run.
**
** Without JavaScript the page reads top to bottom and the cell links jump
** to the details. With it, filters (backend, label, tag, verdict) hide
** cells, run columns and rows by writing one CSS rule set, and a click
** shows one detail at a time. Tags are not in the store: they are read
** from the scenario files when the stored paths lead to them.
**
** Contents: 1. collecting  2. analysing  3. writing  4. the entry point
*/
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runner/visual/visual.h"
#include "results/store.h"

/* ---------------------------------------------------------------- 1 ---- */

/* Verdict ranks, worst last; a cell holds the worst of its steps. */
enum {
  RV_NONE = 0, RV_PASS, RV_SKIP, RV_UNSUPPORTED, RV_TODO, RV_AFTER,
  RV_FIXED, RV_FAIL, RV_ERROR, RV_COUNT
};
static const char *const azRvWord[RV_COUNT] = {
  "absent", "pass", "skip", "unsupported", "todo", "after-divergence",
  "fixed", "fail", "error"
};
static const char *const azRvSym[RV_COUNT] = {
  " ", "&#10003;", "&#183;", "U", "T", "&#8627;", "!", "&#10007;", "E"
};
#define RV_FAILING(r) ((r)==RV_FIXED || (r)==RV_FAIL || (r)==RV_ERROR)

typedef struct RpRun RpRun;
struct RpRun {
  char *zId, *zKind, *zStarted, *zBackends, *zLabels, *zHost;
  int bComplete;
  int anRank[RV_COUNT];      /* cells per verdict */
};

typedef struct RpScn RpScn;
struct RpScn {
  char *zPath, *zTitle, *zTags;
  int iOrder;                /* sort key class: 0 regression, 1 flips,
                             ** 2 failing, 3 a known divergence (todo), 4 rest */
  int nFlip;                 /* verdict changes over all runs, all backends */
  int nFlipWindow;           /* the same within the runs drawn */
  int bRegression;
  char zRegression[160];     /* "wine: fail, was pass", for the list */
  unsigned mSeen;            /* ranks seen in the window, bit per rank */
};

typedef struct Rp Rp;
struct Rp {
  sqlite3 *db;
  RpRun *aRun; int nRun;     /* newest first */
  RpScn *aScn; int nScn;
  char **azBackend; int nBackend;
  unsigned char *aCell;      /* [run][scn][backend] rank */
  sqlite3_int64 *aScnId;     /* [run][scn] scenario_id, 0 if absent */
  int nWindow;               /* runs drawn as columns */
  int *aOrder;               /* scenario indices in display order */
};

static char *rp_dup(const unsigned char *z){
  size_t n = strlen(z ? (const char*)z : "") + 1;
  char *zNew = malloc(n);
  if( zNew==NULL ) exit(3);
  memcpy(zNew, z ? (const char*)z : "", n);
  return zNew;
}

static void *rp_grow(void *p, int n, size_t sz){
  /* grows in powers of two: called with the count before each append */
  if( (n & (n-1))==0 ){
    p = realloc(p, (size_t)(n ? 2*n : 1)*sz);
    if( p==NULL ) exit(3);
  }
  return p;
}

static int rp_backend(Rp *p, const char *zName){
  int i;
  for(i=0; i<p->nBackend; i++) if( strcmp(p->azBackend[i], zName)==0 ) return i;
  p->azBackend = rp_grow(p->azBackend, p->nBackend, sizeof(char*));
  p->azBackend[p->nBackend] = rp_dup((const unsigned char*)zName);
  return p->nBackend++;
}

static int rp_scn_cmp_path(const void *a, const void *b){
  return strcmp(((const RpScn*)a)->zPath, ((const RpScn*)b)->zPath);
}

/* The index of path zPath in the sorted aScn, or -1. */
static int rp_scn_find(const Rp *p, const char *zPath){
  int lo = 0, hi = p->nScn-1;
  while( lo<=hi ){
    int mid = (lo+hi)/2, c = strcmp(p->aScn[mid].zPath, zPath);
    if( c==0 ) return mid;
    if( c<0 ) lo = mid+1; else hi = mid-1;
  }
  return -1;
}

static int rp_run_find(const Rp *p, const char *zId){
  int i;
  for(i=0; i<p->nRun; i++) if( strcmp(p->aRun[i].zId, zId)==0 ) return i;
  return -1;
}

/* Tags from the `tags` line of the scenario file at zPath, or "". */
static char *rp_tags(const char *zPath){
  FILE *pIn = fopen(zPath, "r");
  char zLine[1024];
  if( pIn==NULL ) return rp_dup(NULL);
  while( fgets(zLine, sizeof(zLine), pIn) ){
    char *z = zLine;
    while( *z==' ' || *z=='\t' ) z++;
    if( strncmp(z, "tags", 4)==0 && (z[4]==' ' || z[4]=='\t') ){
      size_t n;
      z += 4;
      while( *z==' ' || *z=='\t' ) z++;
      n = strcspn(z, "#\r\n");
      while( n>0 && (z[n-1]==' ' || z[n-1]=='\t') ) n--;
      z[n] = 0;
      fclose(pIn);
      return rp_dup((const unsigned char*)z);
    }
  }
  fclose(pIn);
  return rp_dup(NULL);
}

static int rp_collect(Rp *p, int nLast, char *zErr, int nErr){
  sqlite3_stmt *pStmt = NULL;
  int rc, bSeq = 0;
  const char *zOrder;

  rc = sqlite3_prepare_v2(p->db, "SELECT 1 FROM pragma_table_info('runs') WHERE name='seq'",
                          -1, &pStmt, NULL);
  if( rc==SQLITE_OK && sqlite3_step(pStmt)==SQLITE_ROW ) bSeq = 1;
  sqlite3_finalize(pStmt);
  zOrder = bSeq ? "SELECT run_id, kind, started_at, completed, backends, labels, host_name"
                  " FROM runs ORDER BY seq DESC"
                : "SELECT run_id, kind, started_at, completed, backends, labels, host_name"
                  " FROM runs ORDER BY started_at DESC, rowid DESC";
  if( sqlite3_prepare_v2(p->db, zOrder, -1, &pStmt, NULL)!=SQLITE_OK ) goto sql_error;
  while( sqlite3_step(pStmt)==SQLITE_ROW ){
    RpRun *r;
    p->aRun = rp_grow(p->aRun, p->nRun, sizeof(RpRun));
    r = &p->aRun[p->nRun++];
    memset(r, 0, sizeof(*r));
    r->zId = rp_dup(sqlite3_column_text(pStmt, 0));
    r->zKind = rp_dup(sqlite3_column_text(pStmt, 1));
    r->zStarted = rp_dup(sqlite3_column_text(pStmt, 2));
    r->bComplete = sqlite3_column_int(pStmt, 3);
    r->zBackends = rp_dup(sqlite3_column_text(pStmt, 4));
    r->zLabels = rp_dup(sqlite3_column_text(pStmt, 5));
    r->zHost = rp_dup(sqlite3_column_text(pStmt, 6));
  }
  sqlite3_finalize(pStmt);
  p->nWindow = (nLast>0 && nLast<p->nRun) ? nLast : p->nRun;

  /* scenarios: distinct paths, with the newest title */
  if( sqlite3_prepare_v2(p->db, "SELECT path, max(title) FROM scenarios GROUP BY path"
                         " ORDER BY path", -1, &pStmt, NULL)!=SQLITE_OK ) goto sql_error;
  while( sqlite3_step(pStmt)==SQLITE_ROW ){
    RpScn *s;
    p->aScn = rp_grow(p->aScn, p->nScn, sizeof(RpScn));
    s = &p->aScn[p->nScn++];
    memset(s, 0, sizeof(*s));
    s->zPath = rp_dup(sqlite3_column_text(pStmt, 0));
    s->zTitle = rp_dup(sqlite3_column_text(pStmt, 1));
    s->zTags = rp_tags(s->zPath);
  }
  sqlite3_finalize(pStmt);
  if( p->nScn>1 ) qsort(p->aScn, (size_t)p->nScn, sizeof(RpScn), rp_scn_cmp_path);

  /* backends, in the order first named by the newest runs */
  if( sqlite3_prepare_v2(p->db, "SELECT DISTINCT backend FROM step_results ORDER BY backend",
                         -1, &pStmt, NULL)!=SQLITE_OK ) goto sql_error;
  while( sqlite3_step(pStmt)==SQLITE_ROW ){
    rp_backend(p, (const char*)sqlite3_column_text(pStmt, 0));
  }
  sqlite3_finalize(pStmt);

  {
    size_t nCell = (size_t)(p->nRun ? p->nRun : 1)*(size_t)(p->nScn ? p->nScn : 1);
    p->aCell = calloc(nCell*(size_t)(p->nBackend ? p->nBackend : 1), 1);
    p->aScnId = calloc(nCell, sizeof(sqlite3_int64));
    if( p->aCell==NULL || p->aScnId==NULL ) exit(3);
  }

  /* the worst verdict of each scenario of each run, per backend; a fail
  ** that only follows an earlier divergence (schema 3) counts as that */
  if( sqlite3_prepare_v2(p->db,
      "SELECT sc.run_id, sc.path, sc.scenario_id, sr.backend, max(CASE"
      "  WHEN st.comparison='after-divergence' AND sr.verdict IN ('fail','error') THEN 5"
      "  WHEN sr.verdict='pass' THEN 1 WHEN sr.verdict='skip' THEN 2"
      "  WHEN sr.verdict='unsupported' THEN 3 WHEN sr.verdict='todo' THEN 4"
      "  WHEN sr.verdict='fixed' THEN 6 WHEN sr.verdict='fail' THEN 7"
      "  WHEN sr.verdict='error' THEN 8 ELSE 0 END)"
      " FROM scenarios sc JOIN steps st ON st.scenario_id=sc.scenario_id"
      " JOIN step_results sr ON sr.scenario_id=st.scenario_id AND sr.position=st.position"
      " GROUP BY sc.scenario_id, sr.backend ORDER BY sc.run_id",
      -1, &pStmt, NULL)!=SQLITE_OK ) goto sql_error;
  {
    int iRun = -1;
    char zLastRun[40] = "";
    while( sqlite3_step(pStmt)==SQLITE_ROW ){
      const char *zRun = (const char*)sqlite3_column_text(pStmt, 0);
      int iScn, iB;
      size_t iCell;
      if( strcmp(zRun, zLastRun)!=0 ){
        iRun = rp_run_find(p, zRun);
        snprintf(zLastRun, sizeof(zLastRun), "%s", zRun);
      }
      iScn = rp_scn_find(p, (const char*)sqlite3_column_text(pStmt, 1));
      iB = rp_backend(p, (const char*)sqlite3_column_text(pStmt, 3));
      if( iRun<0 || iScn<0 || iB>=p->nBackend ) continue;
      iCell = (size_t)iRun*(size_t)p->nScn + (size_t)iScn;
      if( p->aScnId[iCell]!=0 && p->aScnId[iCell]!=sqlite3_column_int64(pStmt, 2) ){
        continue;   /* the same path twice in one run: the first is kept */
      }
      p->aScnId[iCell] = sqlite3_column_int64(pStmt, 2);
      p->aCell[iCell*(size_t)p->nBackend + (size_t)iB] =
          (unsigned char)sqlite3_column_int(pStmt, 4);
    }
  }
  sqlite3_finalize(pStmt);
  return 0;

sql_error:
  snprintf(zErr, (size_t)nErr, "reading the store: %s", sqlite3_errmsg(p->db));
  sqlite3_finalize(pStmt);
  return 1;
}

/* ---------------------------------------------------------------- 2 ---- */

static unsigned char rp_cell(const Rp *p, int iRun, int iScn, int iB){
  return p->aCell[((size_t)iRun*(size_t)p->nScn + (size_t)iScn)*(size_t)p->nBackend + (size_t)iB];
}

static Rp *gpSort;
static int rp_order_cmp(const void *a, const void *b){
  const RpScn *x = &gpSort->aScn[*(const int*)a], *y = &gpSort->aScn[*(const int*)b];
  if( x->iOrder!=y->iOrder ) return x->iOrder - y->iOrder;
  if( x->nFlipWindow!=y->nFlipWindow ) return y->nFlipWindow - x->nFlipWindow;
  if( x->nFlip!=y->nFlip ) return y->nFlip - x->nFlip;
  return strcmp(x->zPath, y->zPath);
}

static void rp_analyse(Rp *p){
  int iScn, iB, iRun;
  for(iRun=0; iRun<p->nRun; iRun++){
    for(iScn=0; iScn<p->nScn; iScn++){
      for(iB=0; iB<p->nBackend; iB++) p->aRun[iRun].anRank[rp_cell(p, iRun, iScn, iB)]++;
    }
  }
  for(iScn=0; iScn<p->nScn; iScn++){
    RpScn *s = &p->aScn[iScn];
    int bFailing = 0, bTodo = 0;
    for(iB=0; iB<p->nBackend; iB++){
      int iNewest = -1, iPrev = -1, rLast = RV_NONE, iLast = -1;
      for(iRun=p->nRun-1; iRun>=0; iRun--){           /* oldest to newest */
        int r = rp_cell(p, iRun, iScn, iB);
        if( r==RV_NONE ) continue;
        if( rLast!=RV_NONE && r!=rLast ){
          s->nFlip++;
          if( iLast<p->nWindow ) s->nFlipWindow++;    /* both ends drawn */
        }
        rLast = r;
        iLast = iRun;
      }
      for(iRun=0; iRun<p->nRun; iRun++){
        if( rp_cell(p, iRun, iScn, iB)==RV_NONE ) continue;
        if( iNewest<0 ){ iNewest = iRun; continue; }
        iPrev = iRun;
        break;
      }
      if( iNewest>=0 && rp_cell(p, iNewest, iScn, iB)==RV_TODO ) bTodo = 1;
      if( iNewest>=0 && RV_FAILING(rp_cell(p, iNewest, iScn, iB)) ){
        bFailing = 1;
        if( iPrev>=0 && !RV_FAILING(rp_cell(p, iPrev, iScn, iB)) ){
          if( !s->bRegression ){
            snprintf(s->zRegression, sizeof(s->zRegression), "%s: %s, was %s",
                     p->azBackend[iB], azRvWord[rp_cell(p, iNewest, iScn, iB)],
                     azRvWord[rp_cell(p, iPrev, iScn, iB)]);
          }
          s->bRegression = 1;
        }
      }
      for(iRun=0; iRun<p->nWindow; iRun++) s->mSeen |= 1u << rp_cell(p, iRun, iScn, iB);
    }
    s->iOrder = s->bRegression ? 0 : s->nFlipWindow ? 1 : bFailing ? 2 : bTodo ? 3 : 4;
  }
  p->aOrder = malloc(sizeof(int)*(size_t)(p->nScn ? p->nScn : 1));
  if( p->aOrder==NULL ) exit(3);
  for(iScn=0; iScn<p->nScn; iScn++) p->aOrder[iScn] = iScn;
  gpSort = p;
  qsort(p->aOrder, (size_t)p->nScn, sizeof(int), rp_order_cmp);
  gpSort = NULL;
}

/* ---------------------------------------------------------------- 3 ---- */

static void rp_x(StrBuf *b, const char *z){ strbuf_xml(b, z ? z : ""); }

static const char zRpStyle[] =
  "body{font:14px/1.4 system-ui,sans-serif;margin:0 18px;color:#1d1d1d}\n"
  "h1{font-size:21px}h2{font-size:17px;margin-top:22px}\n"
  "table{border-collapse:collapse}td,th{padding:1px 4px;border:1px solid #d8d8d8;vertical-align:top}\n"
  "#matrix td{white-space:nowrap}#matrix td.c{width:14px;text-align:center;font:12px/16px monospace;padding:0}\n"
  "#matrix td.c a{display:block;color:inherit;text-decoration:none}\n"
  "#matrix th.p{text-align:left;font-weight:normal;white-space:nowrap;max-width:420px;overflow:hidden;text-overflow:ellipsis}\n"
  "#matrix thead th{font-size:12px;vertical-align:bottom}#matrix thead th[data-r]{font-size:11px;font-weight:normal;writing-mode:vertical-rl;white-space:nowrap}\n"
  ".v1{background:#d6f0d6}.v2{background:#eeeeee}.v3{background:#dcdcf4}.v4{background:#fff1b8}\n"
  ".v5{background:#f3dcc2}.v6{background:#ffc27a}.v7{background:#f4a5a5}.v8{background:#d084d0}\n"
  ".reg{font-weight:bold;color:#a00}.legend span{display:inline-block;padding:0 6px;margin:2px;border:1px solid #ccc}\n"
  "pre{margin:0;font:12px/1.3 monospace;white-space:pre-wrap}\n"
  ".detail{border:2px solid #9ab;padding:6px 10px;margin:10px 0}\n"
  "html.js .detail{display:none}html.js .detail.open{display:block}\n"
  "#filters label{margin-right:14px}#errors:empty{display:none}#errors{background:#fdd;color:#900}\n"
  ".scroll{overflow:auto;max-width:100%}\n";

static const char zRpScript[] =
  "(function(){var root=document.documentElement,errs=document.getElementById('errors');\n"
  "function fail(m){errs.appendChild(document.createTextNode('script error: '+m+'\\n'));\n"
  " root.setAttribute('data-errors',String((+root.getAttribute('data-errors')||0)+1));}\n"
  "window.addEventListener('error',function(e){fail(e.message);});\n"
  "try{root.classList.add('js');\n"
  "var f=document.getElementById('filters');f.hidden=false;\n"
  "var css=document.getElementById('filter-css');\n"
  "function apply(){var b=f.backend.value,l=f.label.value,t=f.tag.value,v=f.verdict.value,r=[];\n"
  " if(b)r.push('#matrix [data-b]:not([data-b=\"'+b+'\"]){display:none}');\n"
  " if(l){document.querySelectorAll('#matrix thead th[data-r]').forEach(function(th){\n"
  "  if((' '+th.getAttribute('data-labels')+' ').indexOf(' '+l+' ')<0)r.push('#matrix [data-r=\"'+th.getAttribute('data-r')+'\"]{display:none}');});}\n"
  " if(t)r.push('#matrix tbody tr:not([data-tags~=\"'+t+'\"]){display:none}');\n"
  " if(v)r.push('#matrix tbody tr:not([data-v~=\"'+v+'\"]){display:none}');\n"
  " css.textContent=r.join('\\n');root.setAttribute('data-filter',[b,l,t,v].join('|'));}\n"
  "f.addEventListener('change',apply);\n"
  "function open(){var id=location.hash.slice(1),d=id&&document.getElementById(id);\n"
  " document.querySelectorAll('.detail.open').forEach(function(e){e.classList.remove('open');});\n"
  " if(d&&d.classList.contains('detail')){d.classList.add('open');root.setAttribute('data-open',id);}}\n"
  "window.addEventListener('hashchange',open);open();\n"
  "if(location.hash==='#selftest'){var a=document.querySelector('#matrix td.c a');\n"
  " if(a){a.click();open();}root.setAttribute('data-selftest',document.querySelectorAll('.detail.open').length+'');\n"
  " var sel=f.verdict;sel.value='fail';sel.dispatchEvent(new Event('change',{bubbles:true}));\n"
  " var vis=0;document.querySelectorAll('#matrix tbody tr').forEach(function(tr){if(tr.offsetParent!==null)vis++;});\n"
  " root.setAttribute('data-selftest-fail-rows',String(vis));sel.value='';apply();}\n"
  "}catch(e){fail(e.message);}root.setAttribute('data-ready','1');\n"
  "root.setAttribute('data-ready-ms',String(Math.round(performance.now())));})();\n";

/* The steps of one stored scenario: expected and each backend's output
** side by side. */
static void rp_detail(StrBuf *b, Rp *p, sqlite3_stmt *pSteps, int iRun, int iScn){
  size_t iCell = (size_t)iRun*(size_t)p->nScn + (size_t)iScn;
  sqlite3_int64 id = p->aScnId[iCell];
  int iB, nCol = 0, aCol[16];
  for(iB=0; iB<p->nBackend && nCol<16; iB++){
    if( rp_cell(p, iRun, iScn, iB)!=RV_NONE ) aCol[nCol++] = iB;
  }
  strbuf_printf(b, "<section class=\"detail\" id=\"d%d-%d\"><h3>", iRun, iScn);
  rp_x(b, p->aScn[iScn].zPath);
  strbuf_printf(b, " <small>in run %.8s (%s)</small></h3>\n<table><thead><tr><th>line</th>"
                "<th>step</th><th>expected</th>", p->aRun[iRun].zId, p->aRun[iRun].zStarted);
  for(iB=0; iB<nCol; iB++){
    strbuf_puts(b, "<th>");
    rp_x(b, p->azBackend[aCol[iB]]);
    strbuf_puts(b, " output</th>");
  }
  strbuf_puts(b, "</tr></thead><tbody>\n");
  sqlite3_bind_int64(pSteps, 1, id);
  {
    int iPos = -1;
    while( sqlite3_step(pSteps)==SQLITE_ROW ){
      int iPosNow = sqlite3_column_int(pSteps, 0);
      const char *zBackend = (const char*)sqlite3_column_text(pSteps, 4);
      const char *zVerdict = (const char*)sqlite3_column_text(pSteps, 5);
      const char *zCmp = (const char*)sqlite3_column_text(pSteps, 8);
      int r;
      if( iPosNow!=iPos ){
        if( iPos>=0 ) strbuf_puts(b, "</tr>\n");
        iPos = iPosNow;
        strbuf_printf(b, "<tr><td>%d</td><td><pre>", sqlite3_column_int(pSteps, 1));
        rp_x(b, (const char*)sqlite3_column_text(pSteps, 2));
        strbuf_puts(b, "</pre></td><td><pre>");
        rp_x(b, (const char*)sqlite3_column_text(pSteps, 3));
        strbuf_puts(b, "</pre></td>");
      }
      for(r=RV_PASS; r<RV_COUNT; r++) if( zVerdict && strcmp(azRvWord[r], zVerdict)==0 ) break;
      if( r==RV_COUNT ) r = RV_NONE;
      if( zCmp && strcmp(zCmp, "after-divergence")==0 && (r==RV_FAIL || r==RV_ERROR) ) r = RV_AFTER;
      strbuf_printf(b, "<td class=\"v%d\" data-b=\"", r);
      rp_x(b, zBackend);
      strbuf_printf(b, "\"><b>%s %s</b><pre>", azRvSym[r], azRvWord[r]);
      rp_x(b, (const char*)sqlite3_column_text(pSteps, 6));
      if( sqlite3_column_type(pSteps, 7)!=SQLITE_NULL ){
        strbuf_puts(b, "\n(");
        rp_x(b, (const char*)sqlite3_column_text(pSteps, 7));
        strbuf_puts(b, ")");
      }
      strbuf_puts(b, "</pre></td>");
    }
    if( iPos>=0 ) strbuf_puts(b, "</tr>\n");
  }
  sqlite3_reset(pSteps);
  strbuf_puts(b, "</tbody></table></section>\n");
}

/* Whether a cell gets a detail table. */
static int rp_has_detail(const Rp *p, int iRun, int iScn){
  int iB, iNewest = -1;
  size_t iCell = (size_t)iRun*(size_t)p->nScn + (size_t)iScn;
  if( p->aScnId[iCell]==0 ) return 0;
  for(iB=0; iB<p->nBackend; iB++){
    int r = rp_cell(p, iRun, iScn, iB);
    if( r!=RV_NONE && r!=RV_PASS ) return 1;
  }
  /* the newest run holding the scenario */
  for(int i=0; i<p->nRun; i++){
    if( p->aScnId[(size_t)i*(size_t)p->nScn + (size_t)iScn] ){ iNewest = i; break; }
  }
  return iNewest==iRun;
}

/*
** Does a run meet a todo annotation with these labels ("wine" or
** "wine,windows")? It does when one of them is a backend of the run
** ("sim,wine") or one of its labels: "backend:label" items as `run`
** stores them, or plain ones as older runs and gen_results have them.
** Labels compare without case, as the engine compares them.
*/
static int rp_run_meets(const RpRun *pRun, const char *zTodoLabels){
  const char *azList[2];
  int i;
  azList[0] = pRun->zBackends;
  azList[1] = pRun->zLabels;
  for(i=0; i<2; i++){
    char *zCopy = rp_dup((const unsigned char*)azList[i]), *zTok, *zSave = NULL;
    for(zTok=strtok_r(zCopy, ", ", &zSave); zTok; zTok=strtok_r(NULL, ", ", &zSave)){
      const char *zLabel = strchr(zTok, ':') ? strchr(zTok, ':')+1 : zTok;
      char *zTodo = rp_dup((const unsigned char*)zTodoLabels), *zT, *zSave2 = NULL;
      int bHit = 0;
      for(zT=strtok_r(zTodo, ",", &zSave2); zT && !bHit; zT=strtok_r(NULL, ",", &zSave2)){
        bHit = strcasecmp(zT, zLabel)==0;
      }
      free(zTodo);
      if( bHit ){ free(zCopy); return 1; }
    }
    free(zCopy);
  }
  return 0;
}

static void rp_write(StrBuf *b, Rp *p, const VisReportOpts *pOpts, const char *zDb){
  int i, j, iB, r;
  sqlite3_stmt *pSteps = NULL;
  char **azLabel = NULL, **azTag = NULL;
  int nLabel = 0, nTag = 0;

  strbuf_puts(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
              "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
              "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n<title>");
  rp_x(b, pOpts->zTitle ? pOpts->zTitle : "mapscope results");
  strbuf_printf(b, "</title>\n<style>\n%s</style>\n<style id=\"filter-css\"></style>\n"
                "<script>document.documentElement.classList.add('js');</script>\n</head>\n<body>\n<h1>", zRpStyle);
  rp_x(b, pOpts->zTitle ? pOpts->zTitle : "mapscope results");
  strbuf_puts(b, "</h1>\n<p>Database <code>");
  rp_x(b, zDb);
  strbuf_printf(b, "</code>: %d run%s, %d scenario%s, backends:", p->nRun, p->nRun==1 ? "" : "s",
                p->nScn, p->nScn==1 ? "" : "s");
  for(iB=0; iB<p->nBackend; iB++){ strbuf_puts(b, " "); rp_x(b, p->azBackend[iB]); }
  strbuf_printf(b, ". The matrix shows the newest %d run%s.</p>\n", p->nWindow, p->nWindow==1 ? "" : "s");
  strbuf_puts(b, "<div id=\"errors\" role=\"alert\"></div>\n<p class=\"legend\">Verdicts:");
  for(r=RV_PASS; r<RV_COUNT; r++){
    strbuf_printf(b, " <span class=\"v%d\">%s %s</span>", r, azRvSym[r], azRvWord[r]);
  }
  strbuf_puts(b, " <span>(blank) not in that run</span></p>\n");

  /* regressions and flips: all regressions, the 20 most flipping */
  strbuf_puts(b, "<h2 id=\"changes\">Regressions and flips</h2>\n<ul>\n");
  {
    int n = 0, nFlipShown = 0, nFlipMore = 0;
    for(i=0; i<p->nScn; i++){
      RpScn *s = &p->aScn[p->aOrder[i]];
      if( s->iOrder>1 ) break;   /* regressions and flips only */
      if( !s->bRegression && nFlipShown>=20 ){ nFlipMore++; continue; }
      strbuf_puts(b, "<li>");
      if( s->bRegression ){
        strbuf_puts(b, "<span class=\"reg\">regression</span> (");
        rp_x(b, s->zRegression);
        strbuf_puts(b, "): ");
      }else{
        nFlipShown++;
      }
      strbuf_printf(b, "<a href=\"#row%d\">", p->aOrder[i]);
      rp_x(b, s->zPath);
      strbuf_printf(b, "</a> &mdash; verdict changed %d time%s in the runs shown, %d in all</li>\n",
                    s->nFlipWindow, s->nFlipWindow==1 ? "" : "s", s->nFlip);
      n++;
    }
    if( nFlipMore ){
      strbuf_printf(b, "<li>&hellip; and %d more scenarios that flip (the matrix lists them "
                    "next, in the same order)</li>\n", nFlipMore);
    }
    if( n==0 ) strbuf_puts(b, "<li>none: every scenario has kept its verdict</li>\n");
  }
  strbuf_puts(b, "</ul>\n");

  /* the todo annotations the newest run met: those whose labels name one
  ** of the run's backends or labels (a sim-only run does not meet the
  ** "todo wine" of its scenarios) */
  if( p->nRun>0 ){
    sqlite3_stmt *pTodo = NULL;
    int n = 0, nOther = 0;
    strbuf_puts(b, "<h2 id=\"todo\">todo annotations met in the newest run</h2>\n<ul>\n");
    if( sqlite3_prepare_v2(p->db,
        "SELECT sc.path, st.line, kd.labels, kd.reason FROM known_divergences kd"
        " JOIN scenarios sc ON sc.scenario_id=kd.scenario_id"
        " LEFT JOIN steps st ON st.scenario_id=kd.scenario_id AND st.position=kd.position"
        " WHERE sc.run_id=?1 ORDER BY sc.path, kd.position", -1, &pTodo, NULL)==SQLITE_OK ){
      sqlite3_bind_text(pTodo, 1, p->aRun[0].zId, -1, SQLITE_STATIC);
      while( sqlite3_step(pTodo)==SQLITE_ROW ){
        int iScn;
        if( !rp_run_meets(&p->aRun[0], (const char*)sqlite3_column_text(pTodo, 2)) ){
          nOther++;
          continue;
        }
        if( n>=500 ) continue;
        iScn = rp_scn_find(p, (const char*)sqlite3_column_text(pTodo, 0));
        strbuf_printf(b, "<li><span class=\"v4\">T todo</span> <a href=\"#row%d\">", iScn);
        rp_x(b, (const char*)sqlite3_column_text(pTodo, 0));
        strbuf_printf(b, "</a>:%d on <b>", sqlite3_column_int(pTodo, 1));
        rp_x(b, (const char*)sqlite3_column_text(pTodo, 2));
        strbuf_puts(b, "</b>: ");
        rp_x(b, (const char*)sqlite3_column_text(pTodo, 3));
        strbuf_puts(b, "</li>\n");
        n++;
      }
    }
    sqlite3_finalize(pTodo);
    if( n==0 ) strbuf_puts(b, "<li>none</li>\n");
    strbuf_puts(b, "</ul>\n");
    if( nOther ){
      strbuf_printf(b, "<p>Left out: %d todo annotation%s for backends and labels this run did "
                    "not have (backends ", nOther, nOther==1 ? "" : "s");
      rp_x(b, p->aRun[0].zBackends);
      if( p->aRun[0].zLabels[0] ){ strbuf_puts(b, ", labels "); rp_x(b, p->aRun[0].zLabels); }
      strbuf_puts(b, ").</p>\n");
    }
  }

  /* labels and tags for the filters */
  for(i=0; i<p->nRun; i++){
    char *zCopy = rp_dup((const unsigned char*)p->aRun[i].zLabels), *zTok, *zSave = NULL;
    for(zTok=strtok_r(zCopy, ", ", &zSave); zTok; zTok=strtok_r(NULL, ", ", &zSave)){
      for(j=0; j<nLabel && strcmp(azLabel[j], zTok); j++){}
      if( j==nLabel ){
        azLabel = rp_grow(azLabel, nLabel, sizeof(char*));
        azLabel[nLabel++] = rp_dup((const unsigned char*)zTok);
      }
    }
    free(zCopy);
  }
  for(i=0; i<p->nScn; i++){
    char *zCopy = rp_dup((const unsigned char*)p->aScn[i].zTags), *zTok, *zSave = NULL;
    for(zTok=strtok_r(zCopy, " \t", &zSave); zTok; zTok=strtok_r(NULL, " \t", &zSave)){
      for(j=0; j<nTag && strcmp(azTag[j], zTok); j++){}
      if( j==nTag ){
        azTag = rp_grow(azTag, nTag, sizeof(char*));
        azTag[nTag++] = rp_dup((const unsigned char*)zTok);
      }
    }
    free(zCopy);
  }
  strbuf_puts(b, "<h2>Scenarios &times; runs &times; backends</h2>\n"
              "<form id=\"filters\" hidden><label>backend <select name=\"backend\"><option value=\"\">all</option>");
  for(iB=0; iB<p->nBackend; iB++){
    strbuf_puts(b, "<option>"); rp_x(b, p->azBackend[iB]); strbuf_puts(b, "</option>");
  }
  strbuf_puts(b, "</select></label><label>label <select name=\"label\"><option value=\"\">all</option>");
  for(i=0; i<nLabel; i++){ strbuf_puts(b, "<option>"); rp_x(b, azLabel[i]); strbuf_puts(b, "</option>"); }
  strbuf_puts(b, "</select></label><label>tag <select name=\"tag\"><option value=\"\">all</option>");
  for(i=0; i<nTag; i++){ strbuf_puts(b, "<option>"); rp_x(b, azTag[i]); strbuf_puts(b, "</option>"); }
  strbuf_puts(b, "</select></label><label>verdict <select name=\"verdict\"><option value=\"\">all</option>");
  for(r=RV_PASS; r<RV_COUNT; r++) strbuf_printf(b, "<option>%s</option>", azRvWord[r]);
  strbuf_puts(b, "</select></label></form>\n");

  /* the matrix */
  strbuf_puts(b, "<div class=\"scroll\"><table id=\"matrix\"><thead><tr><th>scenario</th><th>history (all runs)</th>");
  for(i=0; i<p->nWindow; i++){
    for(iB=0; iB<p->nBackend; iB++){
      strbuf_printf(b, "<th data-r=\"%d\" data-b=\"", i);
      rp_x(b, p->azBackend[iB]);
      strbuf_puts(b, "\" data-labels=\"");
      {
        char *zL = rp_dup((const unsigned char*)p->aRun[i].zLabels);
        for(char *z=zL; *z; z++) if( *z==',' ) *z = ' ';
        rp_x(b, zL);
        free(zL);
      }
      strbuf_printf(b, "\" title=\"run %s, %s\">%.6s ", p->aRun[i].zId, p->aRun[i].zStarted, p->aRun[i].zId);
      rp_x(b, p->azBackend[iB]);
      strbuf_puts(b, "</th>");
    }
  }
  strbuf_puts(b, "</tr></thead>\n<tbody>\n");
  for(i=0; i<p->nScn; i++){
    int iScn = p->aOrder[i];
    RpScn *s = &p->aScn[iScn];
    strbuf_printf(b, "<tr id=\"row%d\" data-tags=\"", iScn);
    rp_x(b, s->zTags);
    strbuf_puts(b, "\" data-v=\"");
    for(r=RV_PASS; r<RV_COUNT; r++) if( s->mSeen & (1u<<r) ) strbuf_printf(b, "%s ", azRvWord[r]);
    strbuf_puts(b, "\"><th class=\"p\" title=\"");
    rp_x(b, s->zTitle);
    strbuf_puts(b, "\">");
    if( s->bRegression ) strbuf_puts(b, "<span class=\"reg\">regression</span> ");
    rp_x(b, s->zPath);
    strbuf_printf(b, "</th><td>%d flip%s</td>", s->nFlip, s->nFlip==1 ? "" : "s");  /* all runs */
    for(j=0; j<p->nWindow; j++){
      int bDetail = rp_has_detail(p, j, iScn);
      for(iB=0; iB<p->nBackend; iB++){
        r = rp_cell(p, j, iScn, iB);
        strbuf_printf(b, "<td class=\"c v%d\" data-r=\"%d\" data-b=\"", r, j);
        rp_x(b, p->azBackend[iB]);
        if( r==RV_NONE ){ strbuf_puts(b, "\"></td>"); continue; }
        strbuf_printf(b, "\" title=\"%s\">", azRvWord[r]);
        if( bDetail ){
          strbuf_printf(b, "<a href=\"#d%d-%d\" aria-label=\"%s\">%s</a></td>", j, iScn, azRvWord[r], azRvSym[r]);
        }else{
          strbuf_printf(b, "<span role=\"img\" aria-label=\"%s\">%s</span></td>", azRvWord[r], azRvSym[r]);
        }
      }
    }
    strbuf_puts(b, "</tr>\n");
  }
  strbuf_puts(b, "</tbody></table></div>\n");

  /* runs */
  strbuf_puts(b, "<h2>Runs (newest first)</h2>\n<div class=\"scroll\"><table id=\"runs\"><thead><tr><th>#</th>"
              "<th>run</th><th>started</th><th>kind</th><th>backends</th><th>labels</th><th>host</th>"
              "<th>complete</th>");
  for(r=RV_PASS; r<RV_COUNT; r++) strbuf_printf(b, "<th class=\"v%d\">%s %s</th>", r, azRvSym[r], azRvWord[r]);
  strbuf_puts(b, "</tr></thead><tbody>\n");
  for(i=0; i<p->nRun && i<(p->nWindow>200 ? p->nWindow : 200); i++){
    RpRun *pr = &p->aRun[i];
    strbuf_printf(b, "<tr><td>%d</td><td><code>%.12s</code></td><td>", p->nRun - i, pr->zId);
    rp_x(b, pr->zStarted); strbuf_puts(b, "</td><td>");
    rp_x(b, pr->zKind); strbuf_puts(b, "</td><td>");
    rp_x(b, pr->zBackends); strbuf_puts(b, "</td><td>");
    rp_x(b, pr->zLabels); strbuf_puts(b, "</td><td>");
    rp_x(b, pr->zHost);
    strbuf_printf(b, "</td><td>%s</td>", pr->bComplete ? "yes" : "<b>no (incomplete)</b>");
    for(r=RV_PASS; r<RV_COUNT; r++) strbuf_printf(b, "<td>%d</td>", pr->anRank[r]);
    strbuf_puts(b, "</tr>\n");
  }
  if( p->nRun>200 && p->nWindow<=200 ){
    strbuf_printf(b, "<tr><td colspan=\"16\">&hellip; and %d older runs</td></tr>\n", p->nRun-200);
  }
  strbuf_puts(b, "</tbody></table></div>\n");

  /* details */
  strbuf_puts(b, "<h2>Steps: expected and actual output</h2>\n<p>For every cell that is not a plain "
              "pass and for each scenario's newest run.</p>\n<div id=\"details\">\n");
  if( sqlite3_prepare_v2(p->db,
      "SELECT st.position, st.line, st.command, st.expected, sr.backend, sr.verdict,"
      " sr.output, sr.reason, st.comparison FROM steps st JOIN step_results sr"
      " ON sr.scenario_id=st.scenario_id AND sr.position=st.position"
      " WHERE st.scenario_id=?1 ORDER BY st.position, sr.backend", -1, &pSteps, NULL)==SQLITE_OK ){
    for(i=0; i<p->nScn; i++){
      for(j=0; j<p->nWindow; j++){
        if( rp_has_detail(p, j, p->aOrder[i]) ) rp_detail(b, p, pSteps, j, p->aOrder[i]);
      }
    }
  }
  sqlite3_finalize(pSteps);
  strbuf_puts(b, "</div>\n<script>\n");
  strbuf_puts(b, zRpScript);
  strbuf_puts(b, "</script>\n</body>\n</html>\n");
  for(i=0; i<nLabel; i++) free(azLabel[i]);
  for(i=0; i<nTag; i++) free(azTag[i]);
  free(azLabel);
  free(azTag);
}

/* ---------------------------------------------------------------- 4 ---- */

int vis_html_report(FILE *pOut, const char *zDb, const VisReportOpts *pOpts,
                    char *zErr, int nErr){
  Store *pStore = NULL;
  Rp rp;
  StrBuf b = {0};
  int i, rc;
  if( store_open_readonly(zDb, &pStore, zErr, nErr) ) return 1;
  memset(&rp, 0, sizeof(rp));
  rp.db = store_db(pStore);
  rc = rp_collect(&rp, pOpts->nLastRuns, zErr, nErr);
  if( rc==0 ){
    rp_analyse(&rp);
    rp_write(&b, &rp, pOpts, zDb);
    if( fwrite(strbuf_text(&b), 1, b.n, pOut)!=b.n ){
      snprintf(zErr, (size_t)nErr, "could not write the page");
      rc = 1;
    }
  }
  strbuf_reset(&b);
  for(i=0; i<rp.nRun; i++){
    RpRun *r = &rp.aRun[i];
    free(r->zId); free(r->zKind); free(r->zStarted); free(r->zBackends);
    free(r->zLabels); free(r->zHost);
  }
  for(i=0; i<rp.nScn; i++){
    free(rp.aScn[i].zPath); free(rp.aScn[i].zTitle); free(rp.aScn[i].zTags);
  }
  for(i=0; i<rp.nBackend; i++) free(rp.azBackend[i]);
  free(rp.aRun); free(rp.aScn); free(rp.azBackend); free(rp.aCell);
  free(rp.aScnId); free(rp.aOrder);
  store_close(pStore);
  return rc;
}
