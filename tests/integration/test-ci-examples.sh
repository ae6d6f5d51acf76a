# The CI examples in docs/ci/ work as written (issue 16, item 11): each
# `ffa-harness` command line of docs/ci/github-actions.yml and
# docs/ci/gitlab-ci.yml runs here, with ffa-harness on PATH and an
# installed layout under a temporary PREFIX in place of /usr/local (GitLab
# once per shard of `parallel: 2`), and must pass and leave the files the
# examples publish: the JUnit path (valid XML) and the HTML report.
. "$(dirname "$0")/lib.sh"
top=$(cd "$(dirname "$0")/../.." && pwd)
# The link needs an absolute target ($FFAH may be relative to the top).
ffah=$(cd "$(dirname "$FFAH")" && pwd)/$(basename "$FFAH")
FFAH_FW_DIR=$(cd "$FFAH_FW_DIR" && pwd)
export FFAH_FW_DIR
prefix=$WORK/prefix
mkdir -p "$prefix/bin" "$prefix/share/ffa-harness"
ln -s "$ffah" "$prefix/bin/ffa-harness"
ln -s "$top/scenarios" "$prefix/share/ffa-harness/scenarios"
PATH=$prefix/bin:$PATH
export PATH

# commands FILE PREFIX-PATTERN: the example's ffa-harness lines.
commands() {
	sed -n "s/^ *$2\\(ffa-harness .*\\)$/\\1/p" "$1" | sed "s|/usr/local|$prefix|g"
}

# run_example NAME FILE PATTERN JUNIT-PATH [ENV...]
run_example() {
	name=$1 file=$2 pattern=$3 junit=$4
	shift 4
	commands "$file" "$pattern" >"$WORK/$name.cmds"
	[ -s "$WORK/$name.cmds" ] || fail "$file: no ffa-harness command line"
	mkdir -p "$WORK/$name"
	while read -r line; do
		(cd "$WORK/$name" && env "$@" sh -c "$line") >"$WORK/out" 2>&1 ||
			{ cat "$WORK/out"; fail "$file: '$line' failed"; }
	done <"$WORK/$name.cmds"
	xmllint --noout "$WORK/$name/$junit" || fail "$file: $junit is not XML"
	[ -s "$WORK/$name/out/report.html" ] || fail "$file: no HTML report"
}

gh=$top/docs/ci/github-actions.yml
gl=$top/docs/ci/gitlab-ci.yml
junit=$(sed -n 's/.*report_paths: \([^}]*\)}.*/\1/p' "$gh")
[ "$junit" = out/junit.xml ] || fail "github example publishes '$junit'"
run_example github "$gh" 'run: ' "$junit"
tests=$(xmllint --xpath 'string(/testsuites/@tests)' "$WORK/github/$junit")
[ "$tests" -ge 3 ] || fail "github example ran $tests scenarios"

junit=$(sed -n 's/^ *junit: \(.*\)$/\1/p' "$gl")
[ "$junit" = out/junit.xml ] || fail "gitlab example publishes '$junit'"
total=0
for i in 1 2; do
	run_example "gitlab-$i" "$gl" '- ' "$junit" CI_NODE_INDEX=$i CI_NODE_TOTAL=2
	n=$(xmllint --xpath 'string(/testsuites/@tests)' "$WORK/gitlab-$i/$junit")
	total=$((total + n))
done
[ "$total" -eq "$tests" ] || fail "the two GitLab shards ran $total scenarios, the whole suite $tests"
echo "CI examples run: github $tests scenarios, gitlab 2 shards, JUnit and HTML written"
