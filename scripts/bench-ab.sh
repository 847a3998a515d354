#!/usr/bin/env bash
# A/B benchmark on a noisy machine: an older build and this tree, alternately, in one session, so the comparison is a
# ratio measured under the same conditions (docs/benchmarks.md). The older build is a worktree you made and built:
#   git worktree add /tmp/old <commit> && (cd /tmp/old && ln -s "$PWD/node_modules" node_modules && npx tsc -p tsconfig.build.json)
# Usage: scripts/bench-ab.sh <old-tree> import|loadtest|closed [rounds]
#   import    scripts/bench.mjs --reuse in each tree (the old tree's bench-out/ must hold the same fleet: symlink it)
#   loadtest  scripts/bench-loadtest.mjs --rounds 1 --no-nginx in each tree
#   closed    `loadtest URL -c 50 -d 5s --workers 1 -f json` from each tree against one bench-target.mjs process;
#             prints responses/s per run (default 6 pairs)
set -euo pipefail
OLD=${1:?old tree}
MODE=${2:?import, loadtest or closed}
NEW=$(cd "$(dirname "$0")/.." && pwd)
ROUNDS=${3:-$([ "$MODE" = closed ] && echo 6 || echo 2)}
if [ "$MODE" = closed ]; then
  PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  node "$NEW/scripts/bench-target.mjs" "$PORT" fast >/dev/null &
  TARGET=$!
  trap 'kill $TARGET' EXIT
  sleep 1
fi
for i in $(seq 1 "$ROUNDS"); do
  for v in old new; do
    d=$OLD; [ $v = new ] && d=$NEW
    case $MODE in
      import) echo "=== $i $v"; (cd "$d" && node --max-old-space-size=4096 --expose-gc scripts/bench.mjs --reuse) ;;
      loadtest) echo "=== $i $v"; (cd "$d" && node scripts/bench-loadtest.mjs --rounds 1 --no-nginx) ;;
      closed)
        r=$(node "$d/bin/headroom.js" loadtest "http://127.0.0.1:$PORT/" -c 50 -d 5s --workers 1 -f json 2>/dev/null |
          node -e 'let s="";process.stdin.on("data",(d)=>(s+=d)).on("end",()=>{const j=JSON.parse(s);console.log(Math.round(j.counters["http.responses"]/(j.durationMs/1000)))})')
        echo "$i $v $r responses/s" ;;
      *) echo "unknown mode $MODE" >&2; exit 2 ;;
    esac
  done
done
