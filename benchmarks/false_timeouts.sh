#!/bin/bash
# False timeouts under load: pytest --escape (mutation-only, --escape-seed 1) on webcolors and
# cssselect, quiet and then beside four busy loops; prints the statuses that differ.
#   PYTHON=/venv/bin/python FRESH=/tmp/fresh bash benchmarks/false_timeouts.sh
set -u
# PYTHON: a venv python with pytest-escape (default: python3 on PATH); the fresh projects in $FRESH
PYTHON=${PYTHON:-$(command -v python3)}; FRESH=${FRESH:-/tmp/fresh}
out=/tmp/load-out; mkdir -p $out
run() { local name=$1 dir=$2 cmd=$3 mode=$4
  rm -rf /tmp/load-copy && mkdir /tmp/load-copy && cp -r $dir /tmp/load-copy/ && cd /tmp/load-copy/$(basename $dir)
  pids=""
  if [ $mode = load ]; then for i in 1 2 3 4; do (while :; do :; done) & pids="$pids $!"; done; fi
  env PATH=$(dirname "$PYTHON"):$PATH bash -c "$cmd --escape --escape-witness-budget 0 --escape-property-budget 0 --escape-seed 1 --escape-report json:$out/$name-$mode.json" > $out/$name-$mode.log 2>&1
  [ -n "$pids" ] && kill $pids
  cd /tmp
}
for p in "webcolors $FRESH/webcolors-25.10.0 PYTHONPATH=src python -m pytest -q -p no:cacheprovider tests" "cssselect $FRESH/cssselect-1.6.0 python -m pytest -q -p no:cacheprovider tests"; do
  set -- $p; name=$1; dir=$2; shift 2; cmd="$*"
  run $name $dir "$cmd" quiet; run $name $dir "$cmd" load
done
python3 - <<'PY'
import json
from collections import Counter
for n in ('webcolors','cssselect'):
    a=json.load(open(f'/tmp/load-out/{n}-quiet.json'))['x-escape']; b=json.load(open(f'/tmp/load-out/{n}-load.json'))['x-escape']
    sa={m['id']:m['status'] for m in a['mutants']}; sb={m['id']:m['status'] for m in b['mutants']}
    diff=[(k,sa[k],sb.get(k)) for k in sa if sa[k]!=sb.get(k)]
    print(n, 'quiet', dict(Counter(sa.values())), a['timings']['mutants'], a['timings']['timeouts'])
    print(n, 'load ', dict(Counter(sb.values())), b['timings']['mutants'], b['timings']['timeouts'])
    print(n, 'status diffs', len(diff), diff[:8])
    cpu=[m['status_reason'] for m in b['mutants'] if m['status']=='timeout']
    print(n, 'timeouts by CPU under load', sum('of CPU' in r for r in cpu), 'of', len(cpu))
PY
