# tests/lib/check.sh: helpers for the command-line test scripts, sourced
# after `cd` into a scratch directory. Each check adds to $pass or $nfail;
# a script ends with check_summary, whose status is the script's.
#
#   check DESCRIPTION EXPECTED_STATUS COMMAND...   run it, output in out.txt
#                                                  and err.txt, compare status
#   expect_in FILE TEXT DESCRIPTION                TEXT (fixed string) in FILE
nfail=0
pass=0

check() {
  local what=$1 want=$2
  shift 2
  "$@" >out.txt 2>err.txt
  local got=$?
  if [ "$got" -ne "$want" ]; then
    echo "not ok: $what: exit $got, wanted $want"; sed 's/^/  | /' out.txt err.txt
    nfail=$((nfail + 1))
  else
    pass=$((pass + 1))
  fi
}

expect_in() {
  if grep -qF -- "$2" "$1"; then pass=$((pass + 1)); else
    echo "not ok: $3: '$2' not in $1"; sed 's/^/  | /' "$1"; nfail=$((nfail + 1)); fi
}
