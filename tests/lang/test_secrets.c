/*
** tests/lang/test_secrets.c: no password in any message (issue 9.7).
**
** A password may be written where the language does not expect it: before
** /user:, after /persistent:, after `wnet cancel`, in quotes, as pass= or
** PASSWORD= in any case, twice, in a title. Every case of
** /work/shared/repro/odd-password-positions/ is here (the secret Zq<N>-Secret
** of each), plus the same positions in the v2 forms. For each, the parser
** either accepts the file, and then the redacted re-serialisation holds no
** secret, or refuses it with "FILE:LINE: message" whose message holds no
** secret and still says what is wrong. The agent answers `bad` with the
** same messages (real/agent_core.c passes scn_parse_step_line's text on),
** so each step line is also parsed on its own.
**
** Contents: 1. the cases  2. checks  3. tests  4. main
*/
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/scenario.h"

/* ---------------------------------------------------------------- 1 ---- */

#define WORLD "title odd\nuser bob standard password=Base-pw1\nshare \\\\fs1\\data\n" \
              "logon B bob interactive\n"

typedef struct SecretCase SecretCase;
struct SecretCase {
  const char *zName;   /* the repro file it mirrors, or what it shows */
  const char *zText;   /* the whole file */
  const char *zSecret; /* what must never be printed */
  int iErrLine;        /* the line of the expected error, 0 if the file is valid */
  const char *zWhat;   /* a piece of the expected message */
};

static const SecretCase aCase[] = {
  /* repro/odd-password-positions/, one by one */
  {"cmdkey_trailing", WORLD "as B cmdkey /add:fs1 /user:bob /pass:Zq15-Secret extra\n",
   "Zq15-Secret", 5, "unknown cmdkey option at word 7"},
  {"dup_pass", WORLD "as B cmdkey /add:fs1 /user:bob /pass:Zq13-Secret /pass:Zq14-Secret\n",
   "Zq1", 5, "/pass: given twice"},
  {"logon_PW_upper", WORLD "logon C bob interactive PassWord=Zq9-Secret\n", "Zq9-Secret", 0, NULL},
  {"logon_pw", WORLD "logon C bob interactive password=Zq8-Secret\n", "Zq8-Secret", 0, NULL},
  {"net_quoted", WORLD "as B net use Z: \\\\fs1\\data /user:bob \"Zq10 Secret\"\n", "Zq10", 0, NULL},
  {"net_user_quoted", WORLD "as B net use Z: \\\\fs1\\data \"/user:bob\" Zq11-Secret\n",
   "Zq11-Secret", 5, "unexpected word 7 (quoted)"},
  {"net_user_star", WORLD "as B net use Z: \\\\fs1\\data /user:bob * Zq16-Secret\n",
   "Zq16-Secret", 5, "a * password"},
  {"pw_after_persist", WORLD "as B net use Z: \\\\fs1\\data /user:bob /persistent:no Zq2-Secret\n",
   "Zq2-Secret", 5, "unexpected word 9 after net use"},
  {"pw_before_user", WORLD "as B net use Z: \\\\fs1\\data Zq1-Secret /user:bob\n",
   "Zq1-Secret", 5, "unexpected word 7 after net use"},
  {"pw_hash", WORLD "as B net use Z: \\\\fs1\\data /user:bob Zq12#Secret\n", "Zq12#Secret", 0, NULL},
  {"quoted_pw", WORLD "as B cmdkey /add:fs1 /user:bob \"/pass:Zq6 Secret with space\"\n",
   "Zq6", 5, "unknown cmdkey option at word 6 (quoted)"},
  {"quoted_val", WORLD "as B cmdkey /add:fs1 /user:bob /pass:\"Zq7 Secret\"\n", "Zq7", 0, NULL},
  {"title_pw", "title world odd3 password=Zq20-Secret\nuser bob standard password=x\n"
   "logon B bob interactive\ntodo wine needs password=Zq21-Secret\nas B drives\n",
   "Zq2", 0, NULL},
  {"upper_PASS", WORLD "as B cmdkey /ADD:fs1 /USER:bob /PASS:Zq5-Secret\n", "Zq5-Secret", 0, NULL},
  {"upper_PASSWORD", WORLD "as B wnet add Z: \\\\fs1\\data user=bob PASSWORD=Zq4-Secret\n",
   "Zq4-Secret", 0, NULL},
  {"wnet_cancel_pw", WORLD "as B wnet cancel Z: password=Zq3-Secret\n", "Zq3-Secret", 5,
   "unknown wnet cancel option at word 6 'password=...'"},
  {"world_pass", "title odd4\nuser bob standard pass=Zq22-Secret\nlogon B bob interactive\n",
   "Zq22-Secret", 2, "unknown user option at word 4 'pass=...'"},
  {"world_quoted", "title world odd\nuser bob standard \"password=Zq17 Secret\"\n"
   "logon B bob interactive\n", "Zq17", 2, "a quote opens inside the key of word 4"},
  {"world_twice", "title world odd2\nuser bob standard password=Zq18-Secret password=Zq19-Secret\n"
   "logon B bob interactive\n", "Zq1", 2, "option password= given twice"},
  /* the same positions elsewhere, and in the v2 forms */
  {"title, then an error on the title line", "title a password=Zq30-Secret\n"
   "title b password=Zq31-Secret\n", "Zq3", 2, "duplicate title"},
  {"title after a step", WORLD "title password=Zq32-Secret\n", "Zq32", 5, "title after the first step"},
  {"pass in a key with a quote", WORLD "as B wnet add Z: \\\\fs1\\data user=bob pass\"word\"=Zq33-Secret\n",
   "Zq33", 5, "a quote opens inside the key"},
  {"logon pass=", WORLD "logon C bob interactive pass=Zq34-Secret\n", "Zq34", 5,
   "unknown logon option at word 5 'pass=...'"},
  {"logon quoted password", WORLD "logon C bob interactive \"password=Zq35 S\"\n", "Zq35", 5,
   "a quote opens inside the key"},
  {"logon password twice", WORLD "logon C bob interactive password=Zq36-S password=Zq37-S\n", "Zq3", 5,
   "password= given twice"},
  {"logon password as type", WORLD "logon C bob password=Zq38-S\n", "Zq38", 5, "unknown logon type"},
  {"password on a task", WORLD "logon T bob task from=B password=Zq39-S\n", "Zq39", 5,
   "password= cannot be used with a task logon"},
  {"password on s4u", WORLD "logon T bob batch s4u password=Zq40-S\n", "Zq40", 5,
   "password= cannot be used with batch s4u"},
  {"net use * before /user:", WORLD "as B net use * \\\\fs1\\data Zq41-S /user:bob\n", "Zq41", 5,
   "unexpected word 7 after net use *"},
  {"net use * after /persistent:", WORLD "as B net use * \\\\fs1\\data /user:bob /persistent:no Zq42-S\n",
   "Zq42", 5, "unexpected word 9"},
  {"deviceless before /user:", WORLD "as B net use \\\\fs1\\data Zq43-S /user:bob\n", "Zq43", 5,
   "unexpected word 6"},
  {"deviceless with /persistent:", WORLD "as B net use \\\\fs1\\data /user:bob Zq44-S /persistent:no\n",
   "Zq44", 5, "/persistent: does not apply to a deviceless connection"},
  {"deviceless after the password", WORLD "as B net use \\\\fs1\\data /user:bob Zq45-S extra\n", "Zq45", 5,
   "unexpected word 8"},
  {"net use /delete with a password", WORLD "as B net use \\\\fs1\\data /delete Zq46-S\n", "Zq46", 5,
   "unexpected word 7"},
  {"net use L: /delete with a password", WORLD "as B net use Z: /delete Zq47-S\n", "Zq47", 5,
   "unexpected word 7"},
  {"net use password as the path", WORLD "as B net use Z: Zq48-S /user:bob\n", "Zq48", 5, "bad UNC path"},
  {"net use password as an option", WORLD "as B net use Z: \\\\fs1\\data /user:bob pw /Zq49-S\n", "Zq49",
   5, "unknown net use option"},
  {"net use quoted /persistent:", WORLD "as B net use Z: \\\\fs1\\data \"/persistent:no\" Zq50-S\n",
   "Zq50", 5, "unexpected word 7"},
  {"deviceless wnet cancel", WORLD "as B wnet cancel \\\\fs1\\data password=Zq51-S\n", "Zq51", 5,
   "unknown wnet cancel option at word 6 'password=...'"},
  {"deviceless wnet add", WORLD "as B wnet add \\\\fs1\\data user=bob PASS=Zq52-S\n", "Zq52", 5,
   "unknown wnet add option at word 7 'PASS=...'"},
  {"wnet add twice", WORLD "as B wnet add Z: \\\\fs1\\data password=Zq53-S PassWord=Zq54-S\n", "Zq5",
   5, "password= given twice"},
  {"wnet add bare password", WORLD "as B wnet add Z: \\\\fs1\\data user=bob Zq55-S\n", "Zq55", 5,
   "unknown wnet add option at word 8"},
  {"wnet get", WORLD "as B wnet get Z: password=Zq56-S\n", "Zq56", 5, "unexpected word 6 'password=...'"},
  {"cmdkey /pass: before /add:", WORLD "as B cmdkey /pass:Zq57-S /user:bob\n", "Zq57", 5,
   "cmdkey needs /add:"},
  {"cmdkey /list with a password", WORLD "as B cmdkey /list /pass:Zq58-S\n", "Zq58", 5,
   "unexpected word 5 '/pass:...'"},
  {"tool password twice", WORLD "as B tool netapi.NetUseAdd local=Z: remote=\\\\fs1\\data user=bob "
   "password=Zq59-S password=Zq60-S\n", "Zq", 5, "key password given twice"},
  {"tool unknown key", WORLD "as B tool ps.New-PSDrive name=Z root=\\\\fs1\\data pass=Zq61-S\n",
   "Zq61", 5, "unknown ps.New-PSDrive key at word 7 'pass=...'"},
  {"tool secret in the wrong profile", WORLD "as B tool ansible.win_mapped_drive state=absent "
   "letter=Z: secret=Zq62-S\n", "Zq62", 5, "unknown ansible.win_mapped_drive key at word 7 'secret=...'"},
  {"tool bare password", WORLD "as B tool netapi.NetUseDel local=Z: Zq63-S\n", "Zq63", 5,
   "unknown netapi.NetUseDel key at word 6"},
  {"tool quoted key", WORLD "as B tool netapi.NetUseDel local=Z: \"password=Zq64 S\"\n", "Zq64", 5,
   "a quote opens inside the key"},
  {"tool password without user", WORLD "as B tool netapi.NetUseAdd local=Z: remote=\\\\fs1\\data "
   "password=Zq65-S\n", "Zq65", 5, "password= needs user="},
  {"tool valid secrets", WORLD "as B tool ansible.win_credential state=present name=fs1 username=bob "
   "secret=Zq66-S\n", "Zq66", 0, NULL},
  {"reg set with a password as data", WORLD "as B reg set HKCU\\Network\\Z Password Zq67-S extra\n",
   "Zq67", 5, "unexpected word 8"},
  {"reboot with a password", WORLD "reboot password=Zq68-S\n", "Zq68", 5, "unexpected word 2"},
  {"logoff with a password", WORLD "logoff B password=Zq69-S\n", "Zq69", 5, "unexpected word 3"},
  {"ssh logon valid", WORLD "logon S bob ssh password=Zq70-S\n", "Zq70", 0, NULL},
  {"netonly logon valid", WORLD "logon N bob netonly from=B password=Zq71-S\n", "Zq71", 0, NULL},
  {"share option", "title t\nshare \\\\fs1\\data password=Zq72-S\n", "Zq72", 2,
   "unknown share option at word 3 'password=...'"},
  {"user name position", "title t\nuser password=Zq73-S admin\n", "Zq73", 2, "bad user name 'password=...'"},
  {"account kind position", "title t\nuser bob password=Zq74-S admin\n", "Zq74", 2,
   "unknown account kind word 3 'password=...'"},
  {"logon user position", WORLD "logon C password=Zq75-S interactive\n", "Zq75", 5,
   "bad user name 'password=...'"},
  {"logon name position", WORLD "logon password=Zq76-S bob interactive\n", "Zq76", 5,
   "bad logon name 'password=...'"},
  {"command position", WORLD "as B password=Zq77-S\n", "Zq77", 5, "unknown command word 3 'password=...'"},
  {"half position", WORLD "as B.password=Zq78-S drives\n", "Zq78", 5, "unknown half '.password=...'"},
  {"logoff half position", WORLD "logoff B.pass=Zq79-S\n", "Zq79", 5, "not a half ('B.pass=...')"},
  {"reg key position", WORLD "as B reg set password=Zq80-S x y\n", "Zq80", 5,
   "not word 5 'password=...'"},
  {"tool profile position", WORLD "as B tool password=Zq81-S\n", "Zq81", 5,
   "unknown tool profile word 4 'password=...'"},
  {"step word position", "title t\npassword=Zq82-S\n", "Zq82", 2, "unknown statement 'password=...'"},
  {"define option", WORLD "as B define Q: C:\\x password=Zq83-S\n", "Zq83", 5,
   "unknown define option word 6 'password=...'"},
  {"wnet enum", WORLD "as B wnet enum password=Zq84-S\n", "Zq84", 5,
   "wnet enum takes connected or remembered, not word 5 'password=...'"},
  {"share option twice", "title t\nshare \\\\fs1\\data anonymous anonymous\n", "Zq", 2,
   "option given twice"},
};

/* ---------------------------------------------------------------- 2 ---- */

/* The step lines of a case (lines starting with logon/as/...), each parsed
** on its own as the agent does: an error message holds no secret either. */
static int check_step_lines(const SecretCase *pC) {
  const char *z = pC->zText;
  int nFail = 0;
  while (*z) {
    const char *zEnd = strchr(z, '\n');
    size_t n = zEnd ? (size_t)(zEnd - z) : strlen(z);
    char zLine[512], zErr[512];
    ScnStep st;
    snprintf(zLine, sizeof(zLine), "%.*s", (int)n, z);
    if (strncmp(zLine, "as ", 3) == 0 || strncmp(zLine, "logon ", 6) == 0
        || strncmp(zLine, "logoff ", 7) == 0 || strncmp(zLine, "reboot", 6) == 0) {
      zErr[0] = 0;
      if (scn_parse_step_line(zLine, &st, zErr, sizeof(zErr)) == 0) {
        char *zR = scn_step_format(&st, 1);
        char *zL = scn_redact_line(zLine);
        assert_non_null(zR);
        assert_non_null(zL);
        if (strstr(zR, pC->zSecret) || strstr(zL, pC->zSecret)) {
          print_error("%s: redacted text shows the secret: %s | %s\n", pC->zName, zR, zL);
          nFail++;
        }
        free(zR);
        free(zL);
        scn_step_clear(&st);
      } else if (strstr(zErr, pC->zSecret)) {
        print_error("%s: step-line message shows the secret: %s\n", pC->zName, zErr);
        nFail++;
      }
    }
    z += n + (zEnd ? 1 : 0);
  }
  return nFail;
}

/* ---------------------------------------------------------------- 3 ---- */

/* Issue 9.7: each case is refused without the secret, or accepted and
** redacted without it. */
static void test_no_secret_in_any_message(void **state) {
  size_t i;
  int nFail = 0;
  (void)state;
  for (i = 0; i < sizeof(aCase) / sizeof(aCase[0]); i++) {
    const SecretCase *pC = &aCase[i];
    Scenario *p = NULL;
    char zErr[600], zWant[32];
    int rc = scn_parse_text("t.scn", pC->zText, strlen(pC->zText), &p, zErr, sizeof(zErr));
    if (pC->iErrLine == 0) {
      int k;
      if (rc) {
        print_error("%s: unexpected error: %s\n", pC->zName, zErr);
        nFail++;
        continue;
      }
      for (k = 0; k < p->nStep; k++) {
        char *zR = scn_step_format(&p->aStep[k], 1);
        assert_non_null(zR);
        if (strstr(zR, pC->zSecret)) {
          print_error("%s: redacted step shows the secret: %s\n", pC->zName, zR);
          nFail++;
        }
        free(zR);
      }
      scn_free(p);
    } else {
      snprintf(zWant, sizeof(zWant), "t.scn:%d: ", pC->iErrLine);
      if (rc == 0) {
        print_error("%s: accepted, expected an error\n", pC->zName);
        scn_free(p);
        nFail++;
        continue;
      }
      if (strstr(zErr, pC->zSecret) != NULL) {
        print_error("%s: message shows the secret: %s\n", pC->zName, zErr);
        nFail++;
      }
      if (strncmp(zErr, zWant, strlen(zWant)) != 0 || strstr(zErr, pC->zWhat) == NULL) {
        print_error("%s: want '%s...%s', got: %s\n", pC->zName, zWant, pC->zWhat, zErr);
        nFail++;
      }
    }
    nFail += check_step_lines(pC);
  }
  assert_int_equal(nFail, 0);
}

/* scn_redact_line hides the v2 secrets too (secret=, netonly password=). */
static void test_redact_line_v2(void **state) {
  static const char *const azLine[][2] = {
    {"as A tool ansible.win_credential state=present name=x username=u secret=S3cr3t",
     "as A tool ansible.win_credential state=present name=x username=u secret=***"},
    {"logon N bob netonly from=A PASSWORD=S3cr3t", "logon N bob netonly from=A password=***"},
    {"as A net use * \\\\s\\x /user:u S3cr3t /persistent:no",
     "as A net use * \\\\s\\x /user:u *** /persistent:no"},
    {"as A net use \\\\s\\x /user:u \"S3 cr3t\"", "as A net use \\\\s\\x /user:u ***"},
  };
  size_t i;
  (void)state;
  for (i = 0; i < sizeof(azLine) / sizeof(azLine[0]); i++) {
    char *z = scn_redact_line(azLine[i][0]);
    assert_non_null(z);
    assert_string_equal(z, azLine[i][1]);
    free(z);
  }
}

/* ---------------------------------------------------------------- 4 ---- */

int main(void) {
  const struct CMUnitTest aTest[] = {
    cmocka_unit_test(test_no_secret_in_any_message),
    cmocka_unit_test(test_redact_line_v2),
  };
  return cmocka_run_group_tests(aTest, NULL, NULL);
}
