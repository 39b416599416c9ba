#!/bin/bash
# same_seed_twice.sh PYTHON PROJECT_DIR [PYTEST ARGS...]
# Two runs of `pytest --escape --escape-seed 7` on fresh copies of the project,
# with different pytest-randomly seeds and PYTHONHASHSEED (PYTHON needs
# pytest-randomly installed); prints how many lines of the JSON report
# (durations, timings and seconds dropped) and of the terminal text (seconds
# and rates blanked) differ.  The reports are left in $OUT (default /tmp/same-seed).
set -u
PY=$1; SRC=$2; shift 2
OUT=${OUT:-/tmp/same-seed}
rm -rf "$OUT"; mkdir -p "$OUT"
for run in 1 2; do
  cp -r "$SRC" "$OUT/p$run"; rm -rf "$OUT/p$run/.pytest_cache"
  (cd "$OUT/p$run" && PYTHONHASHSEED=$run "$PY" -m pytest --escape --escape-seed 7 -p randomly \
      --randomly-seed=$run --escape-report "json:$OUT/$run.json" "$@" > "$OUT/$run.term" 2>&1)
  echo "run $run: exit $?"
  "$PY" - "$OUT/$run.json" "$OUT/p$run" > "$OUT/$run.norm" <<'PYEOF'
import json, sys
DROP = {"duration", "timings", "seconds", "durations"}
def scrub(x):
    if isinstance(x, dict):
        return {k: scrub(v) for k, v in x.items() if k not in DROP}
    return [scrub(v) for v in x] if isinstance(x, list) else x
text = json.dumps(scrub(json.load(open(sys.argv[1]))), indent=1, sort_keys=True)
print(text.replace(sys.argv[2], "ROOT"))
PYEOF
  sed -E "s#$OUT/p$run#ROOT#g; s/[0-9.]+ ?s\b/T s/g; s#[0-9.]+/s#R/s#g; s/randomly-seed=[0-9]+/randomly-seed=N/" \
      "$OUT/$run.term" > "$OUT/$run.text"
done
echo "JSON lines differing: $(diff "$OUT/1.norm" "$OUT/2.norm" | grep -c '^[<>]')"
echo "terminal lines differing: $(diff "$OUT/1.text" "$OUT/2.text" | grep -c '^[<>]')"
