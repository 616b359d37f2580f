/*
** sim/rules.c: marks of the rules that fired (see rules.h).
*/
#include <string.h>

#include "sim/rules.h"
#include "sim/simint.h"

static const char *const azRuleName[SIM_RULE_COUNT] = {
#define SIM_RULE_NAME_(id) #id,
  SIM_RULE_LIST(SIM_RULE_NAME_)
#undef SIM_RULE_NAME_
};

void sim_rule(SimMachine *pM, SimRule eRule){
  if( (unsigned)eRule < SIM_RULE_COUNT ){
    pM->fired.am[eRule / 64] |= 1ull << (eRule % 64);
  }
}

void sim_rules_clear(SimMachine *pM){
  memset(&pM->fired, 0, sizeof(pM->fired));
}

SimRuleSet sim_rules_fired(const SimMachine *pM){
  return pM->fired;
}

int sim_ruleset_has(const SimRuleSet *pSet, SimRule eRule){
  if( (unsigned)eRule >= SIM_RULE_COUNT ) return 0;
  return (int)((pSet->am[eRule / 64] >> (eRule % 64)) & 1u);
}

const char *sim_rule_name(SimRule eRule){
  if( (unsigned)eRule >= SIM_RULE_COUNT ) return 0;
  return azRuleName[eRule];
}

int sim_rule_find(const char *zName){
  int i;
  if( zName==0 ) return -1;
  for(i=0; i<SIM_RULE_COUNT; i++){
    if( strcmp(azRuleName[i], zName)==0 ) return i;
  }
  return -1;
}
