/*
** sim/rules.h: which rules of SEMANTICS decided what the model just did.
**
** Every function of the model marks the rules whose branch it took with
** sim_rule(). A caller that wants to know why a step came out as it did
** (`mapscope explain`, `mapscope check`'s coverage) clears the marks before
** the step with sim_rules_clear() and reads them after it with
** sim_rules_fired(). Marking costs one OR into a machine field, so the
** model marks unconditionally; nothing is ever allocated.
**
** A rule is marked where its branch decides the outcome, not where it is
** merely consulted: a logon that is split marks L2; one that is not marks
** L3 (or L4 for a filtered network token). docs/rules.md lists every ID.
*/
#ifndef MAPSCOPE_SIM_RULES_H
#define MAPSCOPE_SIM_RULES_H

typedef struct SimMachine SimMachine;

/* Every rule ID of SEMANTICS v2, in the order of that page. */
#define SIM_RULE_LIST(X) \
  X(W1) X(W2) X(W3) X(W4) X(W5) \
  X(L1) X(L2) X(L3) X(L4) X(L5) X(L6) X(L7) X(L8) X(L9) X(L10) \
  X(L11) X(L12) X(L13) X(L14) \
  X(N1) X(N2) X(N3) X(N4) X(N5) X(N6) X(N7) \
  X(D1) X(D2) X(D3) X(D4) X(D5) \
  X(C1) X(C2) X(C3) X(C4) X(C5) X(C6) X(C7) X(C8) X(C9) X(C10) \
  X(C11) X(C12) X(C13) X(C14) X(C15) X(C16) \
  X(R1) X(R2) X(R3) X(R4) X(R5) X(R6) \
  X(K1) X(K2) X(K3) \
  X(G1) X(G2) X(G3) X(G4) X(G5) \
  X(T1) X(T2) X(T3) X(T4) X(T5) X(T6) X(T7) X(T8)

typedef enum SimRule {
#define SIM_RULE_ENUM_(id) SIM_RULE_##id,
  SIM_RULE_LIST(SIM_RULE_ENUM_)
#undef SIM_RULE_ENUM_
  SIM_RULE_COUNT
} SimRule;

/* The set of fired rules: a bit per SimRule. */
typedef struct SimRuleSet SimRuleSet;
struct SimRuleSet {
  unsigned long long am[(SIM_RULE_COUNT + 63) / 64];
};

/* Mark a rule as having decided part of the current operation. */
void sim_rule(SimMachine *pM, SimRule eRule);

/* Forget every mark (call before a step). */
void sim_rules_clear(SimMachine *pM);

/* The rules marked since the last sim_rules_clear(). */
SimRuleSet sim_rules_fired(const SimMachine *pM);

/* Whether eRule is in the set. */
int sim_ruleset_has(const SimRuleSet *pSet, SimRule eRule);

/* "C5" for SIM_RULE_C5; NULL for an out-of-range value. */
const char *sim_rule_name(SimRule eRule);

/* The rule called zName ("C5", case-sensitive), or -1. */
int sim_rule_find(const char *zName);

#endif /* MAPSCOPE_SIM_RULES_H */
