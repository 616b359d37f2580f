/*
** runner/cli/options.h: the one option parser of every mapscope subcommand,
** and the terminal settings (colour, progress) that go with it.
**
** A subcommand lists its options as a getopt_long table and loops on
** opt_next(). Every subcommand gets the same conventions for free:
**
**   --help            prints the subcommand's help on stdout, exit 0
**   --opt=value       and --opt value, and short -o value / -ovalue
**   options anywhere  before, between or after the operands (GNU permute);
**                     "--" ends the options
**   usage errors      one line on stderr, then exit status 2:
**                       mapscope run: unknown option '--frob' (try 'mapscope run --help')
**
** A typical loop:
**
**   OptParser op;
**   opt_init(&op, "run", zRunHelp, argc, argv, "j:x", aRunLong);
**   int c;
**   while( (c = opt_next(&op)) != OPT_END ){
**     switch( c ){
**       case OPT_STOP: return op.rc;           (--help given, or bad usage)
**       case 'j': if( opt_int(&op, 1, 64, &nJob) ) return 2; break;
**       ...
**     }
**   }
**   operands: argv[op.iFirst .. argc-1]
**
** Contents: 1. parsing  2. values and usage errors  3. the terminal
*/
#ifndef MAPSCOPE_RUNNER_OPTIONS_H
#define MAPSCOPE_RUNNER_OPTIONS_H

#include <getopt.h>
#include <stdio.h>

/* ---------------------------------------------------------------- 1 ---- */

#define OPT_END   (-1)    /* no more options: operands start at iFirst */
#define OPT_STOP  (-2)    /* stop now and return rc (0 after --help, 2 on error) */
#define OPT_HELP  0x7f01  /* the value opt_init() gives --help */

/* Long options of one's own start their values here (above any char). */
#define OPT_LONG_BASE 0x100

typedef struct OptParser OptParser;
struct OptParser {
  const char *zCmd;                 /* "run", "bench", "results list": messages */
  const char *zHelp;                /* the text --help prints */
  int argc;                         /* as given to the subcommand */
  char **argv;                      /* argv[0] is the subcommand name */
  const char *zShort;               /* getopt short options (":" prefixed) */
  struct option *aLong;             /* the caller's table plus --help (owned) */
  const char *zArg;                 /* the current option's value, or NULL */
  const char *zOpt;                 /* the current option as typed, for messages */
  int iFirst;                       /* after OPT_END: index of the first operand */
  int rc;                           /* after OPT_STOP: the exit status */
};

/*
** Start parsing argv[1..argc-1] of subcommand zCmd. zShort is a getopt
** short-option string (without the leading ':'; may be "" or NULL); aLong
** is a getopt_long table ending with a zero entry (may be NULL). --help is
** added. zHelp is printed on stdout by --help.
*/
void opt_init(OptParser *p, const char *zCmd, const char *zHelp, int argc,
              char **argv, const char *zShort, const struct option *aLong);

/*
** The next option: its getopt value (the short letter, or the long entry's
** val), OPT_END when the options are over (p->iFirst then indexes the
** first operand; getopt has moved the operands to the end of argv), or
** OPT_STOP after --help (p->rc = 0, help printed) or a usage error
** (p->rc = 2, one line printed). p->zArg holds the option's value.
*/
int opt_next(OptParser *p);

/* Release what opt_init() allocated (safe to call twice). */
void opt_done(OptParser *p);

/* ---------------------------------------------------------------- 2 ---- */

/*
** Report a usage error of p's subcommand: "mapscope CMD: MESSAGE (try
** 'mapscope CMD --help')" on one line. Returns 2, the usage exit status.
*/
int opt_usage(const OptParser *p, const char *zFormat, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;

/* The same without a parser, for checks after parsing. */
int opt_usage_cmd(const char *zCmd, const char *zFormat, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 2, 3)))
#endif
  ;

/* The current option's value as a whole number in [iMin, iMax]; else a
** usage error naming the option and the range. Returns 0 or 2. */
int opt_long(OptParser *p, long iMin, long iMax, long *piOut);
int opt_int(OptParser *p, int iMin, int iMax, int *piOut);

/* The current option's value as one of azWord[0..nWord-1]; its index in
** *piOut. Else a usage error listing the words. Returns 0 or 2. */
int opt_word(OptParser *p, const char *const *azWord, int nWord, int *piOut);

/* ---------------------------------------------------------------- 3 ---- */

/* --color=never|auto|always */
typedef enum OptColor { OPT_COLOR_AUTO = 0, OPT_COLOR_NEVER, OPT_COLOR_ALWAYS } OptColor;

/*
** Decide colour for stream pOut: never with OPT_COLOR_NEVER; always with
** OPT_COLOR_ALWAYS; with AUTO, only if pOut is a terminal, NO_COLOR is
** unset or empty (https://no-color.org), and TERM is not "dumb".
*/
int term_use_color(FILE *pOut, OptColor eColor);

/* 1 if progress lines may be drawn on pErr (a terminal, TERM not dumb). */
int term_use_progress(FILE *pErr);

/* ANSI colour codes, or "" when colour is off. */
typedef struct TermStyle TermStyle;
struct TermStyle {
  const char *zRed, *zGreen, *zYellow, *zBold, *zDim, *zReset;
};
void term_style(TermStyle *pStyle, int bColor);

/*
** Progress on a terminal: "\r<text>" redrawn in place, at most every 100
** ms; term_progress_clear() wipes the line before normal output. Both do
** nothing unless term_progress_enable(pErr) found a terminal.
*/
void term_progress_enable(FILE *pErr, int bOn);
void term_progress(const char *zFormat, ...)
#if defined(__GNUC__)
  __attribute__((format(printf, 1, 2)))
#endif
  ;
void term_progress_clear(void);

#endif /* MAPSCOPE_RUNNER_OPTIONS_H */
