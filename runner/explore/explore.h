/*
** runner/explore/explore.h: the parts of `mapscope explore` (and of the bench),
** shared between runner/explore*.c, runner/explore/shrink.c and their tests.
**
** The explorer never builds text in its hot loop. A step is an ExpStep: a
** few small integers that index the tables of an ExpWorld (logon names,
** accounts, shares, device names, targets, letters). The generator makes
** ExpSteps from a seeded PRNG; the fast executor (fastpath.c) applies
** them to a SimMachine directly and checks invariants; exp_step_to_scn()
** turns one into a ScnStep for a backend, for the .scn writer and for the
** tests, which prove every generated step formats and parses back.
**
** Contents:
**   1. The PRNG (splitmix64 seeding, xoshiro256**)
**   2. The world: tables the steps index
**   3. Steps and the generator
**   4. Validity (the language's logon-name rules) and conversion to text
**   5. The fast model executor and the invariants
**   6. Shrinking: ddmin over a predicate, then simpler arguments
**   7. Writing a scenario file
**   8. Known gaps (gaps.c)
*/
#ifndef MAPSCOPE_RUNNER_EXPLORE_H
#define MAPSCOPE_RUNNER_EXPLORE_H

#include <stddef.h>
#include <stdint.h>

#include "lang/scenario.h"
#include "sim/machine.h"

/* ---------------------------------------------------------------- 1 ---- */

typedef struct ExpRng ExpRng;
struct ExpRng {
  uint64_t s[4];             /* xoshiro256** state, never all zero */
};

/* Seed the generator from one 64-bit seed (expanded with splitmix64). */
void exp_rng_seed(ExpRng *p, uint64_t iSeed);
/* The next 64 random bits. */
uint64_t exp_rng_next(ExpRng *p);
/* A number in [0, n) (n > 0), without modulo bias worth noticing. */
unsigned exp_rng_below(ExpRng *p, unsigned n);

/* ---------------------------------------------------------------- 2 ---- */

#define EXP_MAX_SLOT    6    /* logon names A..F */
#define EXP_MAX_USER    8    /* accounts taken from a world */
#define EXP_MAX_REMOTE  16   /* shares, the shares again by a server alias
                             ** (C16), plus two that do not exist */
#define EXP_SYSTEM      0xff /* iSlot of `as SYSTEM` */
#define EXP_NONE        0xff /* "no argument" for the u8 indexes below */

/* A target a define/undefine/bootdevice step may name: the text a scenario
** carries and the text the model receives ({SYSTEM} spelt out). */
typedef struct ExpTarget ExpTarget;
struct ExpTarget {
  const char *zScn;          /* as written in a .scn file */
  const char *zSim;          /* as handed to the model */
};

typedef struct ExpWorld ExpWorld;
struct ExpWorld {
  Scenario *pWorld;          /* header and world the steps run in (owned:
                             ** steps are never attached to it) */
  const char *azUser[EXP_MAX_USER];     /* account names (in pWorld) */
  const char *azPassword[EXP_MAX_USER]; /* their passwords (in pWorld) */
  int aeKind[EXP_MAX_USER];  /* ScnAccountKind of each */
  int nUser;                 /* accounts used */
  const char *azRemote[EXP_MAX_REMOTE]; /* \\srv\share: shares, then two
                                        ** that do not exist */
  const char *azServer[EXP_MAX_REMOTE]; /* their server names */
  int nRemote;               /* entries used */
  int nRealShare;            /* the first nRealShare exist */
  char azOwned[EXP_MAX_REMOTE][96]; /* storage for made-up remotes */
  int iCurrentUser;          /* the account `current` logons use (an
                             ** administrator if the world has one) */
  const char *zWildcard;     /* `*.suffix` matching an alias (C16, K3), or
                             ** NULL when the world has no dotted alias */
  char zWildcardBuf[96];     /* its storage */
};

/*
** Build an ExpWorld from the world of a parsed scenario (its machine,
** users and shares; steps are ignored), or from the built-in default world
** when zWorldFile is NULL. Returns 0, or non-zero with a one-line reason in
** zErr (a file that does not parse, a world with no account). Free with
** exp_world_free().
*/
int exp_world_init(ExpWorld *pW, const char *zWorldFile, char *zErr, size_t nErr);

/* Fill the accounts and remote names of pW (zeroed, pWorld set) from a
** parsed world: the part of exp_world_init() that `mapscope check` shares. */
void exp_world_fill(ExpWorld *pW, const Scenario *pScn);
void exp_world_free(ExpWorld *pW);

/* The built-in default world as scenario text (title, source, world). */
const char *exp_default_world_text(void);

/* ---------------------------------------------------------------- 3 ---- */

/* The shape of a step: ScnStepKind, ScnCmd, then arguments by index. */
typedef struct ExpStep ExpStep;
struct ExpStep {
  uint8_t eKind;             /* ScnStepKind */
  uint8_t eCmd;              /* ScnCmd for SCN_STEP_AS, else SCN_CMD_NONE */
  uint8_t iSlot;             /* logon name A+iSlot, or EXP_SYSTEM */
  uint8_t eHalf;             /* ScnHalf for `as` */
  uint8_t iUser;             /* logon account; credential user; EXP_NONE */
  uint8_t eLogon;            /* ScnLogonType */
  uint8_t bHighest;          /* logon ... highest */
  uint8_t ePass;             /* 0 none, 1 the user's password, 2 a wrong one */
  uint8_t iRemote;           /* index in azRemote (net use, wnet add,
                             ** cmdkey target, dir \\srv\share) */
  uint8_t iName;             /* device name index (define/undefine/query) */
  uint8_t iTarget;           /* target index, EXP_NONE for none */
  uint8_t cLetter;           /* drive letter 'A'..'Z', 0 if none */
  uint8_t mFlag;             /* EXP_F_* below */
  int8_t ePersistent;        /* -1 absent, 0 no, 1 yes */
  uint8_t ePolicy;           /* ScnPolicy of a set machine */
  uint8_t bOn;               /* its value */
  /* Language version 2 (added at the end: the fields above keep their
  ** places) */
  uint8_t iFrom;             /* netonly/task/elevate from=: 0 none (so a
                             ** zeroed step has none), 1 + a logon name
                             ** index, or EXP_FROM_SYSTEM (netonly only) */
  uint8_t eFromHalf;         /* ScnHalf of from= (netonly may name a half) */
  uint8_t bS4u;              /* logon ... batch s4u (L13) */
  uint8_t eCredTarget;       /* cmdkey target: EXP_CT_* */
  uint8_t iReg;              /* reg set: index in the registry-write table;
                             ** reg delete: that entry's value, or EXP_NONE
                             ** for the whole key */
};

#define EXP_FROM_SYSTEM  0xfe /* iFrom of from=SYSTEM */

/* ePass: 0 none (a user alone passes a NULL password, C9), 1 the user's
** password, 2 a wrong one, 3 an empty one (password="") */
#define EXP_PASS_EMPTY   3

/* eCredTarget of cmdkey: as EXP_F_CMDKEY_SRV says (a server name as in
** azServer, or a made-up target), or a wildcard (K3 v2). */
#define EXP_CT_PLAIN     0
#define EXP_CT_STAR      1    /* `*` */
#define EXP_CT_SUFFIX    2    /* `*.<suffix of an alias>` */

#define EXP_F_RAW        0x01
#define EXP_F_EXACT      0x02
#define EXP_F_UPDATE     0x04 /* wnet update-profile */
#define EXP_F_TEMPORARY  0x08
#define EXP_F_FORCE      0x10
#define EXP_F_REMEMBERED 0x20 /* wnet enum remembered */
#define EXP_F_CMDKEY_SRV 0x40 /* cmdkey target: a server name (else a
                              ** made-up target) */
#define EXP_F_DIR_UNC    0x80 /* dir \\srv\share instead of L:\ */

/* What the generator may produce. */
typedef enum ExpProfile {
  EXP_PROFILE_MODEL = 0,     /* everything the language has */
  EXP_PROFILE_CURRENT        /* one `current` logon, then only `as` steps
                             ** of it: what Wine can run */
} ExpProfile;

/* The generator's view of the logon names, so it only makes valid steps. */
typedef struct ExpGen ExpGen;
struct ExpGen {
  ExpRng rng;                /* the random stream */
  const ExpWorld *pW;        /* the world */
  ExpProfile eProfile;       /* what to produce */
  uint8_t abLive[EXP_MAX_SLOT];  /* logon name live */
  uint8_t abUsed[EXP_MAX_SLOT];  /* logon name logged on at least once */
  uint8_t aeType[EXP_MAX_SLOT];  /* logon type of the last logon */
  int bCurrentUsed;          /* a `current` logon was made */
  long nMade;                /* steps made so far */
  uint8_t aiUser[EXP_MAX_SLOT];  /* account of the last logon of a name
                             ** (task and elevate come from the same
                             ** user's logon) */
};

/* Start a generator for a world; deterministic per iSeed. */
void exp_gen_init(ExpGen *pG, const ExpWorld *pW, ExpProfile eProfile, uint64_t iSeed);

/* Make the next step (valid after the steps made before it). */
void exp_gen_next(ExpGen *pG, ExpStep *pStep);

/* 1 if the step uses a form of language version 2 (a v2 command or logon
** type, batch s4u, from=, an alias remote, a wildcard vault target, a
** NULL or empty password, a v2 policy), else 0. */
int exp_step_is_v2(const ExpWorld *pW, const ExpStep *pStep);

/* Number of device names, targets and letters in the tables. */
int exp_name_count(void);
int exp_target_count(void);
int exp_letter_count(void);
const char *exp_name(int i);
const ExpTarget *exp_target(int i);
char exp_letter(int i);

/* The registry writes `reg set`/`reg delete` take (R6): a value of
** HKCU\Network\<L>, REG_SZ data or a REG_DWORD. */
typedef struct ExpRegWrite ExpRegWrite;
struct ExpRegWrite {
  const char *zValue;        /* value name */
  int eType;                 /* ScnRegType */
  const char *zData;         /* REG_SZ data */
  unsigned uDword;           /* REG_DWORD data */
};
int exp_reg_count(void);
const ExpRegWrite *exp_reg(int i);

/* The text an ExpStep's arguments stand for (shared by exp_step_to_scn()
** and the fast path, so both hand the model the same strings): the cmdkey
** target, and the password of ePass (NULL for none). */
const char *exp_cred_target(const ExpWorld *pW, const ExpStep *pStep);
const char *exp_step_password(const ExpWorld *pW, const ExpStep *pStep);

/* ---------------------------------------------------------------- 4 ---- */

/* 1 if the nStep steps make a valid scenario in this world (every `as` and
** `logoff` names a logon made earlier, no live name is logged on again, at
** most one `current` logon), else 0. */
int exp_steps_valid(const ExpWorld *pW, const ExpStep *aStep, int nStep);

/*
** Fill *pOut (zeroed first; free with scn_step_clear()) with the parsed form
** of the step, with malloc'd strings. iIndex is its position. Returns 0 or
** ERROR_NOT_ENOUGH_MEMORY.
*/
int exp_step_to_scn(const ExpWorld *pW, const ExpStep *pStep, int iIndex,
                    ScnStep *pOut);

/* The canonical text of a step (malloc'd), secrets shown (bRedact 0) or
** not; NULL when out of memory. */
char *exp_step_text(const ExpWorld *pW, const ExpStep *pStep, int bRedact);

/* ---------------------------------------------------------------- 5 ---- */

/* Invariants, with the SEMANTICS rules they follow from. */
typedef enum ExpInvariant {
  EXP_INV_NONE = 0,
  EXP_INV_LINK_OWNER,        /* C1 C10 N3: a redirector link lives in its
                             ** owner's, a linked half's or the global dir */
  EXP_INV_NO_PASSWORD,       /* C6: no password in HKCU\Network */
  EXP_INV_SORTED,            /* canonical outputs: listings sorted, unique */
  EXP_INV_ENDED_NO_DIR,      /* L8 L9 L10: ended sessions have nothing */
  EXP_INV_CONN_LINK,         /* C1 C9: a connection has its link, and a
                             ** session's redirector link has a connection */
  EXP_INV_CREDSET,           /* C5: a credential set is kept by its
                             ** connections, and only while they exist */
  EXP_INV_SYSTEM_NO_DIR,     /* N3: SYSTEM has no local directory */
  EXP_INV_LUID_MAPS_OFF,     /* N5: no local links without LUID maps */
  EXP_INV_TOKEN_PAIR,        /* L2 L3: split halves are full+limited and
                             ** link each other; others are default */
  EXP_INV_NET_VALUES,        /* C6: the fixed values of HKCU\Network */
  EXP_INV_REBOOT_ONLY_SYSTEM,/* L9: after reboot only SYSTEM's session */
  EXP_INV_PLANTED_DIVERGENCE,/* a step's output differed between two
                             ** models (test of the shrinker) */
  EXP_INV_DEVICELESS_NOT_REMEMBERED, /* C14 R1: a deviceless add or a cancel
                             ** by remote name leaves HKCU\Network as it
                             ** was; `wnet enum remembered` has letters
                             ** only; a new logon restores no deviceless
                             ** connection */
  EXP_INV_NETONLY_ISOLATED,  /* L12 N1: a netonly session's view holds as
                             ** local only its own directory's links, and
                             ** it has only connections it made itself */
  EXP_INV_COUNT
} ExpInvariant;

/* "link-owner", ... and the rule IDs it checks ("C1 C10 N3"). */
const char *exp_invariant_name(ExpInvariant e);
const char *exp_invariant_rules(ExpInvariant e);

/* A run of steps on one model machine. */
typedef struct ExpSim ExpSim;
struct ExpSim {
  SimMachine *pM;            /* the machine (owned) */
  const ExpWorld *pW;        /* the world */
  SimLuid aBare[EXP_MAX_SLOT];   /* token handed to the process, 0 if none */
  SimLuid aLinked[EXP_MAX_SLOT]; /* the other half of a split logon, or 0 */
  uint8_t abLive[EXP_MAX_SLOT];  /* live (per the steps, not the model) */
  SimLuid aEnded[16];        /* some LUIDs that ended, to check L8 */
  int nEnded;                /* entries in aEnded (a ring) */
  int iEndedNext;            /* next slot of the ring */
  int bFullCheck;            /* check the whole machine after every step */
  ExpInvariant eFailed;      /* first invariant that failed, or NONE */
  char zDetail[256];         /* what exactly failed */
  /* added with language v2 */
  uint8_t abBareFull[EXP_MAX_SLOT]; /* the bare half is the full one */
  SimLuid aParent[EXP_MAX_SLOT]; /* a netonly logon's from= half, else 0 */
  SimLuid aParentLinked[EXP_MAX_SLOT]; /* that half's linked half, or 0 */
  int nNetonly;              /* slots with aParent set */
  uint32_t amRegEdited[EXP_MAX_USER+1]; /* letters of each user's (and,
                             ** last, SYSTEM's) HKCU\Network a `reg`
                             ** step wrote: C6's fixed values need not
                             ** hold there (R6) */
  int bRegEdited;            /* some bit of amRegEdited is set */
};

/*
** Test only: plant bug number iBug in the model machine pM (through the
** model's sim_machine_plant_bug()). pM NULL only asks whether the bug
** exists. Returns 0, or non-zero when the model offers no such bug.
*/
int exp_plant_bug(SimMachine *pM, unsigned iBug);

/* Build the world on a fresh machine. Returns 0 or a Win32 error code. */
int exp_sim_open(ExpSim *pX, const ExpWorld *pW);
void exp_sim_close(ExpSim *pX);

/*
** Apply one step to the model and check the invariants the step could
** have broken (everything, after a logon, logoff, reboot, or with
** bFullCheck). Returns the step's Win32 result (0 = ok; listings return
** 0), and sets pX->eFailed (non-zero) when an invariant fails; later steps
** still run. *pHash (may be NULL) receives a fingerprint of the step's
** result and output (FNV-1a of the code and of what a listing holds, names
** case-folded), so two models can be compared without text.
*/
int exp_sim_step(ExpSim *pX, const ExpStep *pStep, uint64_t *pHash);

/* Check every invariant over the whole machine now. Returns the first
** failed (and records it in pX), or EXP_INV_NONE. */
ExpInvariant exp_sim_check_all(ExpSim *pX);

/* ---------------------------------------------------------------- 6 ---- */

/* Does this candidate still fail? aiKeep indexes the original steps (in
** order). Returns 1 if it fails, 0 if not. */
typedef int (*ExpFailsFn)(void *pCtx, const int *aiKeep, int nKeep);

/*
** Delta debugging (Zeller's ddmin) over n items: returns the number of
** items kept, their indexes (ascending) in aiOut (n entries room), such
** that xFails holds for them and for no candidate ddmin tried after
** reaching granularity n (1-minimal with respect to removing one item).
** xFails must hold for all n items. *pnTests counts predicate calls.
*/
int exp_ddmin(int n, ExpFailsFn xFails, void *pCtx, int *aiOut, long *pnTests);

/* What shrinking a failure needs to know. */
typedef struct ExpShrink ExpShrink;
struct ExpShrink {
  const ExpWorld *pW;        /* the world */
  /* Does this sequence fail the same way? (1 yes, 0 no) */
  int (*xFails)(void *pCtx, const ExpStep *aStep, int nStep);
  void *pCtx;                /* for xFails */
  long nTests;               /* predicate calls made */
};

/*
** Shrink a failing sequence in place: drop steps (ddmin over the steps,
** skipping candidates that are not valid scenarios), then simplify the
** arguments of each remaining step (the plain half, an interactive logon,
** no flags, the first name, ...), keeping each change only while the
** sequence stays valid and failing. Returns the new length.
*/
int exp_shrink(ExpShrink *pS, ExpStep *aStep, int nStep);

/* ---------------------------------------------------------------- 7 ---- */

/* The expected output of each step, from a reference backend (owned by
** the caller): azOut[i] is the canonical text or NULL for none. */
typedef struct ExpScnText ExpScnText;
struct ExpScnText {
  const char *zTitle;        /* title line */
  const char *const *azSource; int nSource; /* source lines */
  const char *const *azComment; int nComment; /* comment lines (no '#') */
};

/*
** The whole .scn text (malloc'd) for these steps: header, comments, world,
** each step with its expected block (azOut[i], lines '\n'-separated; a
** NULL entry writes no block). NULL when out of memory.
*/
char *exp_scenario_text(const ExpWorld *pW, const ExpScnText *pHead,
                        const ExpStep *aStep, int nStep,
                        char *const *azOut);

/* ---------------------------------------------------------------- 8 ---- */

/* Classes of divergence a `todo` reason explains; indexes 0..EXP_N_GAP-1:
** luid-zero, no-network-provider, wnet-get-1200, define-no-stack,
** global-define-fails, remove-ignores-target, remove-missing-fails,
** one-namespace, no-per-luid-directories, no-file-system, no-smb-client. */
#define EXP_N_GAP 11

/* The class's short name, and the text its todo reasons hold. */
const char *exp_gap_id(int g);
const char *exp_gap_key(int g);

/*
** Read every scenario under the nDir directories or files and count, per
** class, the `todo` reasons naming label zLabel that hold the class's key
** (anReason[EXP_N_GAP]); *pnTodo gets the number of such reasons. A path
** that cannot be read or parsed is reported on stderr and counts nothing.
*/
void exp_gaps_load(char **azDir, int nDir, const char *zLabel, int *anReason,
                   int *pnTodo);

/*
** The known gap that explains step p giving zSim on the model and zOther on
** the other backend (both non-NULL canonical outputs that differ), or -1
** for a new finding. A class with no todo reason (anReason[g] == 0) never
** explains anything.
*/
int exp_gap_classify(const ExpStep *p, const char *zSim, const char *zOther,
                     const int *anReason);

/* The family of a step's command, for divergences that follow a known gap
** in the same episode: 1 DOS devices, 2 token, 3 credentials, 4 network. */
int exp_step_family(const ExpStep *p);

#endif /* MAPSCOPE_RUNNER_EXPLORE_H */
