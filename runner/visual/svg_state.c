/*
** runner/visual/svg_state.c: the state after a step as an SVG picture,
** drawn the way WinObj shows the object namespace (see visual.h).
**
** Layout, top to bottom, all positions computed from the snapshot alone
** (monospace text, a fixed width per character), so the same scenario
** always gives the same bytes:
**
**   \GLOBAL??               pending policies, boot devices
**   one box per logon session, creation order (the two halves of a split
**     logon come out next to each other and are joined by a "linked" bar):
**     its \Sessions\0\DosDevices\{X} links, connections, credential sets
**   the link targets (\Device\...), one node per distinct target, with an
**     arrow from every link that points there
**   one box per account: HKCU\Network and the vault
**   what was removed by the step, struck through
**
** A fact added by the step is drawn green and marked "+", a changed one
** amber and marked "~", a removed one is listed with "-": the marks carry
** the change without colour. <title> and <desc> hold the same facts as
** text for readers who cannot see the picture.
**
** Contents: 1. measures and helpers  2. boxes  3. the picture
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/visual/visual.h"

/* ---------------------------------------------------------------- 1 ---- */

#define SV_CHAR   7.3       /* width of one character of 12px monospace */
#define SV_ROW    18        /* height of a row */
#define SV_PAD    8         /* padding inside a box */
#define SV_GAP    28        /* space between boxes */
#define SV_MAXW   1000      /* boxes wrap to a new line beyond this */
#define SV_MINBOX 230       /* narrowest box */

static int sv_text_w(const char *z){
  int n = 0;
  for(; *z; z++) if( (*z & 0xc0)!=0x80 ) n++;   /* count UTF-8 characters */
  return (int)(n*SV_CHAR + 0.999);
}

static void sv_text(StrBuf *p, int x, int y, const char *zClass, const char *zText){
  strbuf_printf(p, "<text x=\"%d\" y=\"%d\" class=\"%s\">", x, y, zClass);
  strbuf_xml(p, zText);
  strbuf_puts(p, "</text>\n");
}

/* The change mark and class of a fact. */
static const char *sv_class(VisChange e){
  switch( e ){
    case VIS_ADDED: return "add";
    case VIS_CHANGED: return "chg";
    default: return "";
  }
}
static const char *sv_mark(VisChange e){
  switch( e ){
    case VIS_ADDED: return "+";
    case VIS_CHANGED: return "~";
    default: return "";
  }
}

/* A placed box. */
typedef struct SvBox SvBox;
struct SvBox {
  const VisBox *pBox;
  int x, y, w, h;
  int nLine;                 /* header lines */
};

/* A target node. */
typedef struct SvTarget SvTarget;
struct SvTarget {
  const char *zTarget;
  int x, y, w;
  int iRow;                  /* row of target nodes it is in */
  int nIn;                   /* arrows placed into it so far */
};

#define SV_LANE   5         /* distance between two arrows' parallel runs */

typedef struct SvPic SvPic;
struct SvPic {
  const VisSnap *pSnap, *pBefore;
  SvBox *aBox; int nBox;
  SvTarget *aTarget; int nTarget;
  int w, h;
};

/* The header lines of a box. */
static int sv_header(const VisBox *pBox, char azLine[5][256]){
  int n = 0;
  if( pBox->eKind==VIS_BOX_SESSION && strcmp(pBox->zName, "SYSTEM")==0 ){
    snprintf(azLine[n++], 256, "SYSTEM's logon session {SYSTEM}");
    snprintf(azLine[n++], 256, "user SYSTEM, %s token", pBox->zElevation);
    snprintf(azLine[n++], 256, "no local directory: what SYSTEM");
    snprintf(azLine[n++], 256, "defines or maps is in \\GLOBAL??");
    return n;
  }
  snprintf(azLine[n++], 256, "%s", pBox->zTitle);
  if( pBox->eKind==VIS_BOX_SESSION ){
    snprintf(azLine[n++], 256, "user %s, %s token", pBox->zUser, pBox->zElevation);
    snprintf(azLine[n++], 256, "%s logon%s", pBox->zLogon,
             pBox->bCreds ? "" : ", no credentials");
    {
      /* what else the session's fact says (netonly, no vault) */
      const char *z = strstr(pBox->zText, ", credentials of ");
      if( z==NULL ) z = strstr(pBox->zText, ", no vault");
      if( z && n<4 ){
        size_t k = strcspn(z+2, ";");
        snprintf(azLine[n++], 256, "%.*s", (int)k, z+2);
      }
    }
    if( pBox->zDirNote[0] ) snprintf(azLine[n++], 256, "(%s)", pBox->zDirNote);
  }else if( pBox->eKind==VIS_BOX_USER ){
    snprintf(azLine[n++], 256, "account%s",
             strstr(pBox->zText, "/persistent:no") ? " (net use /persistent:no)" : "");
  }else if( pBox->eKind==VIS_BOX_GLOBAL ){
    snprintf(azLine[n++], 256, "seen by every logon session");
  }
  return n;
}

/* The text of a row inside its box. Links show only their name: the
** arrow and the target node say where they point. */
static void sv_row_text(const VisRow *pRow, char *zBuf, size_t nBuf){
  switch( pRow->eKind ){
    case VIS_ROW_LINK:
      snprintf(zBuf, nBuf, "%s%s%s%s", pRow->zName,
               pRow->zNote[0] ? "  (" : "", pRow->zNote, pRow->zNote[0] ? ")" : "");
      break;
    case VIS_ROW_CONN:
      snprintf(zBuf, nBuf, "%s %s%s", pRow->zName, pRow->zValue,
               pRow->zNote[0] ? "  (both halves)" : "");
      break;
    case VIS_ROW_CREDSET:
      snprintf(zBuf, nBuf, "%s: %s (%s)", pRow->zName, pRow->zValue, pRow->zNote);
      break;
    case VIS_ROW_NET:
      snprintf(zBuf, nBuf, "%s %s %s", pRow->zName, pRow->zValue, pRow->zNote);
      break;
    case VIS_ROW_VAULT:
      snprintf(zBuf, nBuf, "%s user=%s", pRow->zName, pRow->zValue);
      break;
    default:
      snprintf(zBuf, nBuf, "%s = %s%s%s%s", pRow->zName, pRow->zValue,
               pRow->zNote[0] ? " (" : "", pRow->zNote, pRow->zNote[0] ? ")" : "");
      break;
  }
}

/* The section a row belongs to, for sub-headings in a session box. */
static const char *sv_section(VisRowKind e){
  switch( e ){
    case VIS_ROW_LINK: return "links";
    case VIS_ROW_CONN: return "connections";
    case VIS_ROW_CREDSET: return "credential sets held";
    case VIS_ROW_NET: return "HKCU\\Network (remembered)";
    case VIS_ROW_VAULT: return "vault (Credential Manager)";
    default: return "";
  }
}

/* Lines a box needs: header, then per section a heading and its rows. */
static int sv_box_lines(const VisBox *pBox, int *pnHeader, int *pW){
  char az[5][256], zRow[600];
  int i, n = 0, w = SV_MINBOX;
  int nHeader = sv_header(pBox, az);
  for(i=0; i<nHeader; i++){
    int wl = sv_text_w(az[i]) + 2*SV_PAD;
    if( wl>w ) w = wl;
  }
  for(i=0; i<pBox->nRow; i++){
    int wl;
    if( i==0 || pBox->aRow[i].eKind!=pBox->aRow[i-1].eKind ) n++;
    sv_row_text(&pBox->aRow[i], zRow, sizeof(zRow));
    wl = sv_text_w(zRow) + 2*SV_PAD + 24;
    if( wl>w ) w = wl;
    n++;
  }
  if( pBox->nRow==0 && pBox->eKind!=VIS_BOX_SESSION ) n++;   /* "(empty)" */
  *pnHeader = nHeader;
  *pW = w;
  return nHeader + n;
}

/* ---------------------------------------------------------------- 2 ---- */

/* Place a row of boxes of the given kinds starting at y; returns the y
** below them. */
static int sv_place(SvPic *pPic, int y, int (*xWant)(const VisBox*)){
  int i, x = SV_GAP, yLineTop = y, hLine = 0, yEnd = y;
  for(i=0; i<pPic->pSnap->nBox; i++){
    const VisBox *pBox = &pPic->pSnap->aBox[i];
    SvBox *pB;
    int nHeader, w, nLine;
    if( !xWant(pBox) ) continue;
    nLine = sv_box_lines(pBox, &nHeader, &w);
    {
      /* the first half of a linked pair wraps with its partner */
      int wNeed = w;
      if( pBox->eKind==VIS_BOX_SESSION && pBox->zLinked && i+1<pPic->pSnap->nBox
       && strcmp(pPic->pSnap->aBox[i+1].zName, pBox->zLinked)==0 ){
        int nH2, w2;
        sv_box_lines(&pPic->pSnap->aBox[i+1], &nH2, &w2);
        wNeed += SV_GAP + 24 + w2;
      }
      if( x>SV_GAP && x+wNeed>SV_MAXW ){
        yLineTop += hLine + SV_GAP;
        x = SV_GAP;
        hLine = 0;
      }
    }
    if( 0 ){
      yLineTop += hLine + SV_GAP;
      x = SV_GAP;
      hLine = 0;
    }
    pB = &pPic->aBox[pPic->nBox++];
    pB->pBox = pBox;
    pB->x = x; pB->y = yLineTop; pB->w = w;
    pB->h = nLine*SV_ROW + 2*SV_PAD;
    pB->nLine = nHeader;
    if( pB->h>hLine ) hLine = pB->h;
    if( x+w>pPic->w ) pPic->w = x+w;
    x += w + SV_GAP + (pBox->eKind==VIS_BOX_SESSION ? 24 : 0);
    yEnd = yLineTop + hLine;
  }
  return yEnd==y ? y : yEnd + SV_GAP;
}

static int sv_want_top(const VisBox *p){
  return p->eKind==VIS_BOX_GLOBAL || p->eKind==VIS_BOX_PENDING || p->eKind==VIS_BOX_BOOT;
}
static int sv_want_session(const VisBox *p){ return p->eKind==VIS_BOX_SESSION; }
static int sv_want_user(const VisBox *p){ return p->eKind==VIS_BOX_USER; }

/* The y of row iRow's baseline inside a placed box (counting headings). */
static int sv_row_y(const SvBox *pB, int iRow){
  int i, n = pB->nLine;
  for(i=0; i<=iRow; i++){
    if( i==0 || pB->pBox->aRow[i].eKind!=pB->pBox->aRow[i-1].eKind ) n++;
    if( i<iRow ) n++;
  }
  return pB->y + SV_PAD + n*SV_ROW + 13;
}

static void sv_draw_box(StrBuf *p, const SvPic *pPic, const SvBox *pB, const char *zId){
  const VisBox *pBox = pB->pBox;
  char az[5][256], zRow[600];
  int i, nHeader = sv_header(pBox, az);
  VisChange eBox = vis_snap_change(pPic->pBefore, pPic->pSnap, pBox->zKey);
  const char *zKind = pBox->eKind==VIS_BOX_SESSION ? "sess"
                    : pBox->eKind==VIS_BOX_USER ? "user"
                    : pBox->eKind==VIS_BOX_GLOBAL ? "glob" : "misc";
  strbuf_printf(p, "<g class=\"box %s %s\" data-key=\"", zKind, sv_class(eBox));
  strbuf_xml(p, pBox->zKey);
  strbuf_printf(p, "\" id=\"%s-b%d\">\n", zId, (int)(pBox - pPic->pSnap->aBox));
  strbuf_printf(p, "<rect class=\"fr\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\"/>\n",
                pB->x, pB->y, pB->w, pB->h);
  strbuf_printf(p, "<rect class=\"hd\" x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\"/>\n",
                pB->x, pB->y, pB->w, nHeader*SV_ROW + SV_PAD);
  for(i=0; i<nHeader; i++){
    char zLine[sizeof(az) + 8];  /* az[i] and a mark; sized so -O2 sees no truncation */
    snprintf(zLine, sizeof(zLine), "%s%s%s", i==0 && eBox ? sv_mark(eBox) : "",
             i==0 && eBox ? " " : "", az[i]);
    sv_text(p, pB->x + SV_PAD, pB->y + SV_PAD + i*SV_ROW + 12, i==0 ? "t" : "l", zLine);
  }
  if( pBox->nRow==0 && pBox->eKind!=VIS_BOX_SESSION ){
    sv_text(p, pB->x + SV_PAD, pB->y + SV_PAD + nHeader*SV_ROW + 13, "l", "(empty)");
  }
  for(i=0; i<pBox->nRow; i++){
    const VisRow *pRow = &pBox->aRow[i];
    VisChange e = vis_snap_change(pPic->pBefore, pPic->pSnap, pRow->zKey);
    int y = sv_row_y(pB, i);
    if( i==0 || pRow->eKind!=pBox->aRow[i-1].eKind ){
      sv_text(p, pB->x + SV_PAD, y - SV_ROW, "s", sv_section(pRow->eKind));
    }
    sv_row_text(pRow, zRow, sizeof(zRow));
    strbuf_printf(p, "<g class=\"row %s\" data-key=\"", sv_class(e));
    strbuf_xml(p, pRow->zKey);
    strbuf_puts(p, "\">");
    if( e ){
      strbuf_printf(p, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\"/>",
                    pB->x + 3, y - 13, pB->w - 6, SV_ROW - 1);
    }
    strbuf_printf(p, "<text x=\"%d\" y=\"%d\" class=\"m\">%s</text>", pB->x + 4, y, sv_mark(e));
    strbuf_printf(p, "<text x=\"%d\" y=\"%d\">", pB->x + SV_PAD + 8, y);
    strbuf_xml(p, zRow);
    strbuf_puts(p, "</text></g>\n");
  }
  strbuf_puts(p, "</g>\n");
}

/* ---------------------------------------------------------------- 3 ---- */

static int sv_target_index(SvPic *pPic, const char *zTarget){
  int i;
  for(i=0; i<pPic->nTarget; i++){
    if( strcmp(pPic->aTarget[i].zTarget, zTarget)==0 ) return i;
  }
  pPic->aTarget[pPic->nTarget].zTarget = zTarget;
  return pPic->nTarget++;
}

/* The facts as text: <desc>, and the visually hidden block of the page. */
static void sv_desc_change(void *pCtx, char cMark, const char *zText, const char *zOld){
  StrBuf *p = pCtx;
  strbuf_printf(p, "%c ", cMark);
  strbuf_xml(p, zText);
  if( zOld ){
    strbuf_puts(p, " (was: ");
    strbuf_xml(p, zOld);
    strbuf_puts(p, ")");
  }
  strbuf_puts(p, "\n");
}

/*
** The arrows, drawn as runs along the axes. An arrow leaves its link's row
** at the box's right edge, turns down in the gap right of the box (each
** link of the box its own column), and runs to its own lane above the row
** of target nodes it points into, then across and down into the target.
** When something stands in that column further down (a wider box in a
** lower row, a row of targets above its own), it turns instead in the gap
** under its own row of boxes (each arrow its own lane there) and goes
** down in the nearest column that is free all the way (right of the box
** or target that stood in the way, each arrow its own column; at worst
** right of every box and target) before turning into its lane. So no run crosses a box, and no two arrows share
** a run: which link points where can always be followed. Everything
** depends on the order of boxes and rows only, so the layout stays the
** same for the same state.
*/
typedef struct SvRoute SvRoute;
struct SvRoute {
  SvPic *pPic;
  int xRight;                /* right of every box and target */
  int nJog;                  /* arrows run down at xRight so far */
  int *aBand; int nBand;     /* (box row top, turns in its gap) pairs */
  int *aVert; int nVert;     /* (x, y0, y1) of the runs down chosen so far */
};

/* Links of a box: the columns right of it its own arrows turn down in. */
static int sv_links(const VisBox *pBox){
  int i, n = 0;
  for(i=0; i<pBox->nRow; i++) n += pBox->aRow[i].eKind==VIS_ROW_LINK;
  return n;
}

/* Is column x, from y0 down to y1, free of the runs down chosen so far? */
static int sv_column_unused(const SvRoute *pR, int x, int y0, int y1){
  int i;
  for(i=0; i<pR->nVert; i++){
    const int *a = &pR->aVert[3*i];
    if( a[0]>=x-2 && a[0]<=x+2 && a[1]<y1 && a[2]>y0 ) return 0;
  }
  return 1;
}

/* Is the column x free of boxes and targets from y0 down to y1? pOwn and
** the target row iRow (below the run) are not in the way. */
static int sv_column_free(const SvPic *pPic, const SvBox *pOwn, int x, int y0, int y1, int iRow){
  int i;
  for(i=0; i<pPic->nBox; i++){
    const SvBox *b = &pPic->aBox[i];
    if( b==pOwn ) continue;
    if( b->y+b->h < y0 || b->y > y1 ) continue;
    if( x >= b->x-3 && x <= b->x+b->w+3 ) return 0;
  }
  for(i=0; i<pPic->nTarget; i++){
    const SvTarget *t = &pPic->aTarget[i];
    if( t->iRow>=iRow ) continue;
    if( x >= t->x-3 && x <= t->x+t->w+3 ) return 0;
  }
  return 1;
}

/* Append the path data of one arrow from box pB's row at y1 (the iOwn-th
** link of the box) through lane yl into target t. */
static void sv_route(StrBuf *p, SvRoute *pR, const SvBox *pB, int y1, int iOwn,
                     int yl, SvTarget *t){
  const SvPic *pPic = pR->pPic;
  int x1 = pB->x + pB->w;
  int xa = x1 + 5 + 3*iOwn;
  int nSlot = (t->w - 16)/6 > 0 ? (t->w - 16)/6 : 1;
  int x2 = t->x + 12 + 6*(t->nIn++ % nSlot);
  int y2 = t->y - 1;
  if( sv_column_free(pPic, pB, xa, y1, yl, t->iRow) ){
    strbuf_printf(p, "M%d,%d H%d V%d H%d V%d", x1, y1, xa, yl, x2, y2);
  }else{
    int i, yBottom = 0, iBand, yb, xr;
    for(i=0; i<pPic->nBox; i++){
      const SvBox *b = &pPic->aBox[i];
      if( b->y==pB->y && b->y+b->h>yBottom ) yBottom = b->y+b->h;
    }
    for(iBand=0; iBand<pR->nBand && pR->aBand[2*iBand]!=pB->y; iBand++){}
    if( iBand==pR->nBand ){
      pR->aBand = realloc(pR->aBand, sizeof(int)*2*(size_t)(pR->nBand+1));
      if( pR->aBand==NULL ) exit(3);
      pR->aBand[2*iBand] = pB->y;
      pR->aBand[2*iBand+1] = 0;
      pR->nBand++;
    }
    yb = yBottom + 5 + 4*(pR->aBand[2*iBand+1]++);
    /* the nearest free column right of a box or target node, past the
    ** columns of that box's own arrows; else right of everything */
    xr = -1;
    for(i=0; i<pPic->nBox + pPic->nTarget; i++){
      int k, xBase, nOwn = 0;
      if( i<pPic->nBox ){
        xBase = pPic->aBox[i].x + pPic->aBox[i].w;
        nOwn = sv_links(pPic->aBox[i].pBox);
      }else{
        const SvTarget *u = &pPic->aTarget[i - pPic->nBox];
        if( u->iRow>=t->iRow ) continue;
        xBase = u->x + u->w;
      }
      for(k=0; k<4; k++){
        int c = xBase + 5 + 3*nOwn + SV_LANE*k, m, bOk;
        if( c<=xa || (xr>=0 && c>=xr) ) continue;
        bOk = sv_column_free(pPic, NULL, c, yb, yl, t->iRow)
           && sv_column_unused(pR, c, yb, yl);
        for(m=0; bOk && m<pPic->nTarget; m++){
          const SvTarget *u = &pPic->aTarget[m];
          if( u->iRow==t->iRow && c>=u->x-3 && c<=u->x+u->w+3 ) bOk = 0;
        }
        if( bOk ){ xr = c; break; }
      }
    }
    if( xr<0 ) xr = pR->xRight + SV_LANE*(pR->nJog++);
    pR->aVert = realloc(pR->aVert, sizeof(int)*3*(size_t)(pR->nVert+1));
    if( pR->aVert==NULL ) exit(3);
    pR->aVert[3*pR->nVert] = xr;
    pR->aVert[3*pR->nVert+1] = yb;
    pR->aVert[3*pR->nVert+2] = yl;
    pR->nVert++;
    strbuf_printf(p, "M%d,%d H%d V%d H%d V%d H%d V%d", x1, y1, xa, yb, xr, yl, x2, y2);
  }
}

void vis_svg_state(StrBuf *pOut, const VisStory *pStory, int iStep,
                   int bStandalone, const char *zId){
  const VisSnap *pSnap = iStep<0 ? &pStory->start : &pStory->aStep[iStep].snap;
  const VisSnap *pBefore = iStep<0 ? NULL : vis_story_before(pStory, iStep);
  SvPic pic;
  StrBuf body = {0};
  int i, j, nLink = 0, y, nRemoved = 0;
  int nTargetRow = 0, *anRowIn = NULL, *ayRow = NULL;
  char zIdStep[64];

  snprintf(zIdStep, sizeof(zIdStep), "%s%d", zId, iStep + 1);
  memset(&pic, 0, sizeof(pic));
  pic.pSnap = pSnap;
  pic.pBefore = pBefore;
  pic.w = 600;
  pic.aBox = calloc((size_t)pSnap->nBox + 1, sizeof(SvBox));
  for(i=0; i<pSnap->nBox; i++) nLink += pSnap->aBox[i].nRow;
  pic.aTarget = calloc((size_t)nLink + 1, sizeof(SvTarget));
  if( pic.aBox==NULL || pic.aTarget==NULL ) exit(3);

  y = 16;
  y = sv_place(&pic, y, sv_want_top);
  {
    int yS = sv_place(&pic, y, sv_want_session);
    y = yS;
  }
  /* target nodes, in order of first reference */
  for(i=0; i<pic.nBox; i++){
    const VisBox *pBox = pic.aBox[i].pBox;
    for(j=0; j<pBox->nRow; j++){
      if( pBox->aRow[j].eKind==VIS_ROW_LINK ) sv_target_index(&pic, pBox->aRow[j].zValue);
    }
  }
  if( pic.nTarget ){
    /* rows of target nodes; above each row one lane per arrow into it,
    ** so no two arrows share a horizontal run */
    int x = SV_GAP, iRow = 0, yT;
    for(i=0; i<pic.nTarget; i++){
      int w = sv_text_w(pic.aTarget[i].zTarget) + 2*SV_PAD;
      if( x>SV_GAP && x+w>SV_MAXW ){ x = SV_GAP; iRow++; }
      pic.aTarget[i].x = x; pic.aTarget[i].w = w; pic.aTarget[i].iRow = iRow;
      if( x+w>pic.w ) pic.w = x+w;
      x += w + 16;
    }
    nTargetRow = iRow + 1;
    anRowIn = calloc((size_t)nTargetRow, sizeof(int));
    ayRow = calloc((size_t)nTargetRow, sizeof(int));
    if( anRowIn==NULL || ayRow==NULL ) exit(3);
    for(i=0; i<pic.nBox; i++){
      const VisBox *pBox = pic.aBox[i].pBox;
      for(j=0; j<pBox->nRow; j++){
        if( pBox->aRow[j].eKind!=VIS_ROW_LINK ) continue;
        anRowIn[pic.aTarget[sv_target_index(&pic, pBox->aRow[j].zValue)].iRow]++;
      }
    }
    yT = y + 26;
    for(i=0; i<nTargetRow; i++){
      yT += 8 + anRowIn[i]*SV_LANE + (i ? 12 : 0);
      ayRow[i] = yT;
      yT += SV_ROW + 4;
    }
    for(i=0; i<pic.nTarget; i++) pic.aTarget[i].y = ayRow[pic.aTarget[i].iRow];
    y = yT + 4 + SV_GAP;
  }
  y = sv_place(&pic, y, sv_want_user);
  if( pBefore ){
    for(i=0; i<pBefore->nBox; i++){
      if( vis_snap_change(pBefore, pSnap, pBefore->aBox[i].zKey)==VIS_REMOVED ){
        int w = sv_text_w(pBefore->aBox[i].zText) + 2*SV_CHAR + 2*SV_PAD + SV_GAP;
        if( w>pic.w ) pic.w = w;
        nRemoved++;
      }
      for(j=0; j<pBefore->aBox[i].nRow; j++){
        if( vis_snap_change(pBefore, pSnap, pBefore->aBox[i].aRow[j].zKey)==VIS_REMOVED ){
          int w = sv_text_w(pBefore->aBox[i].aRow[j].zText) + 2*SV_CHAR + 2*SV_PAD + SV_GAP;
          if( w>pic.w ) pic.w = w;
          nRemoved++;
        }
      }
    }
  }
  pic.h = y + (nRemoved ? (nRemoved+1)*SV_ROW + 2*SV_PAD + SV_GAP : 0);
  /* arrows first, under the boxes: see sv_route() */
  if( pic.nTarget ){
    SvRoute route;
    int *anLaneUsed = calloc((size_t)nTargetRow, sizeof(int));
    if( anLaneUsed==NULL ) exit(3);
    memset(&route, 0, sizeof(route));
    route.pPic = &pic;
    route.xRight = 0;
    for(i=0; i<pic.nBox; i++){
      if( pic.aBox[i].x + pic.aBox[i].w > route.xRight ) route.xRight = pic.aBox[i].x + pic.aBox[i].w;
    }
    for(i=0; i<pic.nTarget; i++){
      if( pic.aTarget[i].x + pic.aTarget[i].w > route.xRight ) route.xRight = pic.aTarget[i].x + pic.aTarget[i].w;
    }
    route.xRight += SV_GAP/2;
    for(i=0; i<pic.nBox; i++){
      const SvBox *pB = &pic.aBox[i];
      int nOwn = 0;
      for(j=0; j<pB->pBox->nRow; j++){
        const VisRow *pRow = &pB->pBox->aRow[j];
        SvTarget *t;
        VisChange e;
        int yl;
        if( pRow->eKind!=VIS_ROW_LINK ) continue;
        t = &pic.aTarget[sv_target_index(&pic, pRow->zValue)];
        e = vis_snap_change(pBefore, pSnap, pRow->zKey);
        yl = t->y - 8 - SV_LANE*(anLaneUsed[t->iRow]++);
        strbuf_printf(&body, "<path class=\"arrow %s\" marker-end=\"url(#%s-ah)\" d=\"",
                      sv_class(e), zIdStep);
        sv_route(&body, &route, pB, sv_row_y(pB, j) - 4, nOwn++, yl, t);
        strbuf_puts(&body, "\"><title>");
        strbuf_xml(&body, pRow->zText);
        strbuf_puts(&body, "</title></path>\n");
      }
    }
    /* the runs right of every box widen the picture */
    if( route.nJog && route.xRight + route.nJog*SV_LANE > pic.w ){
      pic.w = route.xRight + route.nJog*SV_LANE;
    }
    free(route.aBand);
    free(route.aVert);
    free(anLaneUsed);
  }
  pic.w += SV_GAP;

  /* the picture */
  strbuf_printf(pOut, "<svg %sclass=\"state\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\""
                " role=\"img\" aria-labelledby=\"%s-t %s-d\" id=\"%s\">\n",
                bStandalone ? "xmlns=\"http://www.w3.org/2000/svg\" " : "",
                pic.w, pic.h, pic.w, pic.h, zIdStep, zIdStep, zIdStep);
  strbuf_printf(pOut, "<title id=\"%s-t\">", zIdStep);
  if( iStep<0 ){
    strbuf_puts(pOut, "The state at the start");
  }else{
    strbuf_printf(pOut, "The state after step %d (line %d): ", iStep+1,
                  pStory->aStep[iStep].iLine);
    strbuf_xml(pOut, pStory->aStep[iStep].zCommand);
  }
  strbuf_printf(pOut, "</title>\n<desc id=\"%s-d\">", zIdStep);
  for(i=0; i<pSnap->nBox; i++){
    strbuf_xml(pOut, pSnap->aBox[i].zText);
    strbuf_puts(pOut, "\n");
    for(j=0; j<pSnap->aBox[i].nRow; j++){
      strbuf_puts(pOut, "  ");
      strbuf_xml(pOut, pSnap->aBox[i].aRow[j].zText);
      strbuf_puts(pOut, "\n");
    }
  }
  if( pBefore ){
    strbuf_puts(pOut, "Changed by this step:\n");
    if( vis_snap_diff(pBefore, pSnap, sv_desc_change, pOut)==0 ){
      strbuf_puts(pOut, "nothing\n");
    }
  }
  strbuf_puts(pOut, "</desc>\n");
  if( bStandalone ){
    strbuf_puts(pOut, "<style>"
      "text{font:12px monospace;fill:#1d1d1d}"
      ".box>rect{fill:#fbfbf8;stroke:#5b6770;stroke-width:1.2}"
      ".box>rect.hd{fill:#e6ebef;stroke:none}"
      ".sess>rect.hd{fill:#dfe8f5}.user>rect.hd{fill:#efe6f5}"
      ".glob>rect.hd{fill:#e2efe2}"
      "text.t{font-weight:bold}text.s{font-style:italic;fill:#555}"
      ".row.add rect{fill:#cdeccd}.row.chg rect{fill:#ffe9a8}"
      ".box.add>rect.fr{stroke:#2a7a2a;stroke-width:3}.box.chg>rect.fr{stroke:#a66f00;stroke-width:3}"
      "text.m{font-weight:bold}"
      ".arrow{fill:none;stroke:#55708a;stroke-width:1.3}.arrow.add,.arrow.chg{stroke:#2a7a2a;stroke-width:2.2}"
      ".tgt rect{fill:#f3f3f3;stroke:#888}.linked{stroke:#2b4f86;stroke-width:5}"
      ".rm rect{fill:#f8dede;stroke:#a33}.rm text.x{text-decoration:line-through}"
      "</style>\n");
  }
  strbuf_printf(pOut, "<defs><marker id=\"%s-ah\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\""
                " markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">"
                "<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#55708a\"/></marker></defs>\n", zIdStep);
  strbuf_printf(pOut, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", pic.w, pic.h);

  /* linked halves: a bar between the two boxes */
  for(i=0; i<pic.nBox; i++){
    const VisBox *pA = pic.aBox[i].pBox;
    if( pA->eKind!=VIS_BOX_SESSION || pA->zLinked==NULL ) continue;
    for(j=i+1; j<pic.nBox; j++){
      const VisBox *pB = pic.aBox[j].pBox;
      if( pB->eKind==VIS_BOX_SESSION && strcmp(pB->zName, pA->zLinked)==0 ){
        const SvBox *a = &pic.aBox[i], *b = &pic.aBox[j];
        int yA = a->y + SV_PAD + 10, yB = b->y + SV_PAD + 10;
        strbuf_printf(&body, "<g class=\"link-pair\"><path class=\"linked\" d=\"M%d,%d C%d,%d %d,%d %d,%d\" fill=\"none\"/>",
                      a->x + a->w, yA, a->x + a->w + 20, yA, b->x - 20, yB, b->x, yB);
        strbuf_printf(&body, "<text x=\"%d\" y=\"%d\" class=\"s\">linked</text></g>\n",
                      a->x + a->w + 4, yA - 6);
      }
    }
  }
  for(i=0; i<pic.nBox; i++) sv_draw_box(&body, &pic, &pic.aBox[i], zIdStep);

  /* target nodes */
  if( pic.nTarget ){
    strbuf_printf(&body, "<text x=\"%d\" y=\"%d\" class=\"s\">link targets (\\Device\\...)</text>\n",
                  SV_GAP, pic.aTarget[0].y - 26);
  }
  for(i=0; i<pic.nTarget; i++){
    const SvTarget *t = &pic.aTarget[i];
    strbuf_printf(&body, "<g class=\"tgt\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"9\"/>",
                  t->x, t->y, t->w, SV_ROW + 4);
    strbuf_printf(&body, "<text x=\"%d\" y=\"%d\">", t->x + SV_PAD, t->y + 15);
    strbuf_xml(&body, t->zTarget);
    strbuf_puts(&body, "</text></g>\n");
  }
  /* what the step removed */
  if( nRemoved ){
    int yR = pic.h - (nRemoved+1)*SV_ROW - 2*SV_PAD, n = 0;
    int w = pic.w - 2*SV_GAP;
    strbuf_printf(&body, "<g class=\"rm\"><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" rx=\"4\"/>\n",
                  SV_GAP, yR, w, (nRemoved+1)*SV_ROW + SV_PAD);
    sv_text(&body, SV_GAP + SV_PAD, yR + 14, "t", "removed by this step");
    for(i=0; i<pBefore->nBox; i++){
      const VisBox *pBox = &pBefore->aBox[i];
      if( vis_snap_change(pBefore, pSnap, pBox->zKey)==VIS_REMOVED ){
        char z[700];
        snprintf(z, sizeof(z), "- %s", pBox->zText);
        sv_text(&body, SV_GAP + SV_PAD, yR + 14 + (++n)*SV_ROW, "x", z);
      }
      for(j=0; j<pBox->nRow; j++){
        if( vis_snap_change(pBefore, pSnap, pBox->aRow[j].zKey)==VIS_REMOVED ){
          char z[700];
          snprintf(z, sizeof(z), "- %s", pBox->aRow[j].zText);
          sv_text(&body, SV_GAP + SV_PAD, yR + 14 + (++n)*SV_ROW, "x", z);
        }
      }
    }
    strbuf_puts(&body, "</g>\n");
  }
  strbuf_puts(pOut, strbuf_text(&body));
  strbuf_puts(pOut, "</svg>\n");
  strbuf_reset(&body);
  free(pic.aBox);
  free(pic.aTarget);
  free(anRowIn);
  free(ayRow);
}
