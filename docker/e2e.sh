#!/usr/bin/env bash
# Docker end-to-end test of the deployment: the real docker/Dockerfile and
# docker/docker-compose.yml on a real docker engine (1 seed + 3 workers + PostgreSQL), with mutual
# TLS between the nodes and secrets made for the run.
#   docker/e2e.sh            (as root; installs docker.io, debootstrap, docker-compose, jq if missing)
# Checks, each with a deadline: `cp .env.example .env && docker compose up` refuses to start and
# the node refuses the example's admin key; the cluster forms over akka.ssl.tcp; a node without
# the cluster certificate and one with a certificate of its own stay outside; 2,000 jobs through the published port all
# complete; `docker kill` of a worker mid-run loses nothing; `docker network disconnect` of a
# worker (a real partition): the majority downs it, the isolated node stops itself, work goes on,
# reconnecting brings back no duplicate runs; a crashed and restarted seed rejoins the running
# cluster (no second cluster); `compose stop worker` (SIGTERM) leaves gracefully
# with no failed jobs; jobctl on the host shows the members. Cleans up its containers, networks
# and volumes (images stay as cache). Exit 0 = all passed, 1 = a check failed, 2 = no docker engine.
set -Eeuo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=e2e/standins.sh
source "$ROOT/docker/e2e/standins.sh"
T0=$(date +%s)
WORK=$(mktemp -d /tmp/jobs-e2e.XXXXXX)
P=jobse2e$$
NODE_IMAGE=jobs-node:e2e
KEY=e2e-admin-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
OUTSIDERS=()
DOCKERD_PID=
COMPOSE=()
CHECKS=()

log() { printf '[e2e %4ss] %s\n' "$(( $(date +%s) - T0 ))" "$*"; }
check() { CHECKS+=("$*"); log "PASS: $*"; }
fail() {
  log "FAIL: $*"
  if [ ${#COMPOSE[@]} -gt 0 ]; then
    compose ps >&2 || true
    compose logs --no-color --tail 60 >&2 || true
    state >&2 || true
  fi
  # again after the logs, so that the tail of a CI log names the failed check
  log "FAIL: $*" | tee -a /dev/stderr
  exit 1
}
no_engine() {
  {
    echo "=================================================================="
    echo " DOCKER E2E NOT RUN: $*"
    echo " (docker/e2e.sh needs a running docker engine; see $WORK/dockerd.log)"
    echo "=================================================================="
  } >&2
  exit 2
}

cleanup() {
  local rc=$?
  if [ ${#OUTSIDERS[@]} -gt 0 ]; then docker rm -f "${OUTSIDERS[@]}" >/dev/null 2>&1 || true; fi
  docker volume rm "$P-stranger-certs" >/dev/null 2>&1 || true
  if [ ${#COMPOSE[@]} -gt 0 ]; then
    compose down -v --remove-orphans -t 5 >/dev/null 2>&1 || true
  fi
  if [ -n "$DOCKERD_PID" ]; then kill "$DOCKERD_PID" 2>/dev/null || true; wait "$DOCKERD_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
# a command that fails outside a check (set -e) still names itself at the end of the log
trap 'rc=$?; [ "$BASH_SUBSHELL" != 0 ] || log "FAIL: exit $rc at line $LINENO: $BASH_COMMAND" | tee -a /dev/stderr' ERR

# wait_until <seconds> <what> <command…>: polls the command until it succeeds; fails the run
# with <what> when the deadline passes.
wait_until() {
  local deadline=$(( $(date +%s) + $1 )) what=$2
  shift 2
  until "$@"; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "timed out waiting for: $what"
    sleep 0.5
  done
}

# ---------------------------------------------------------------------------------------------
# 1. tools and engine
if [ "$(id -u)" != 0 ]; then echo "docker/e2e.sh installs packages and may start dockerd: run it as root" >&2; exit 2; fi
missing=()
command -v dockerd >/dev/null || missing+=(docker.io)
command -v debootstrap >/dev/null || missing+=(debootstrap)
command -v jq >/dev/null || missing+=(jq)
command -v curl >/dev/null || missing+=(curl)
command -v openssl >/dev/null || missing+=(openssl)
if ! docker compose version >/dev/null 2>&1 && ! command -v docker-compose >/dev/null; then missing+=(docker-compose); fi
if [ ${#missing[@]} -gt 0 ]; then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq "${missing[@]}" >/dev/null \
    || no_engine "could not install ${missing[*]}"
fi
if docker compose version >/dev/null 2>&1; then COMPOSE_CMD=(docker compose); else COMPOSE_CMD=(docker-compose); fi

if ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  dockerd >"$WORK/dockerd.log" 2>&1 &
  DOCKERD_PID=$!
  for _ in $(seq 1 120); do docker info >/dev/null 2>&1 && break; kill -0 "$DOCKERD_PID" 2>/dev/null || break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { tail -n 15 "$WORK/dockerd.log" >&2; no_engine "dockerd could not start on this machine"; }
fi
log "docker engine $(docker version -f '{{.Server.Version}}'), compose: ${COMPOSE_CMD[*]}"

# ---------------------------------------------------------------------------------------------
# 2. images: stand-ins for the registry bases, then the real Dockerfile with them as build args
standins_make "$WORK"
log "building $NODE_IMAGE from docker/Dockerfile (SDK_IMAGE=$STANDIN_SDK RUNTIME_IMAGE=$STANDIN_RUNTIME)"
docker build -q --network host -f "$ROOT/docker/Dockerfile" \
  --build-arg SDK_IMAGE="$STANDIN_SDK" --build-arg RUNTIME_IMAGE="$STANDIN_RUNTIME" \
  -t "$NODE_IMAGE" "$ROOT" >"$WORK/build.log" 2>&1 || { tail -n 40 "$WORK/build.log"; fail "docker build"; }
user=$(docker image inspect -f '{{.Config.User}}' "$NODE_IMAGE")
health=$(docker image inspect -f '{{json .Config.Healthcheck.Test}}' "$NODE_IMAGE")
[ "$user" = "10001:10001" ] || fail "image user is '$user', expected 10001:10001 (non-root)"
[[ "$health" == *healthz* ]] || fail "image has no /healthz health check: $health"
check "image $NODE_IMAGE built from docker/Dockerfile: $(docker image inspect -f '{{.Size}}' "$NODE_IMAGE" | awk '{printf "%d MB", $1/1e6}'), user $user, health check on /healthz"

# ---------------------------------------------------------------------------------------------
# 2b. the example settings do not run: `cp .env.example .env && docker compose up` is refused
# before anything is made, with how to make the secrets; the node refuses the example's admin key
mkdir -p "$WORK/example"
cp "$ROOT/docker/docker-compose.yml" "$ROOT/docker/e2e/docker-compose.e2e.yml" "$WORK/example/"
cp "$ROOT/docker/.env.example" "$WORK/example/.env"
if (cd "$WORK/example" && "${COMPOSE_CMD[@]}" -p "${P}ex" -f docker-compose.yml -f docker-compose.e2e.yml up -d --no-build) >"$WORK/example.log" 2>&1; then
  (cd "$WORK/example" && "${COMPOSE_CMD[@]}" -p "${P}ex" -f docker-compose.yml -f docker-compose.e2e.yml down -v -t 5) >/dev/null 2>&1 || true
  fail "compose up with docker/.env.example as .env started: $(cat "$WORK/example.log")"
fi
grep -F 'openssl rand' "$WORK/example.log" >/dev/null || fail "compose up with .env.example failed without saying how to make a secret: $(cat "$WORK/example.log")"
[ -z "$(docker ps -aq --filter "label=com.docker.compose.project=${P}ex")" ] || fail "compose up with .env.example created containers"
example_key=$(sed -n 's/^JOBS_API_KEYS=//p' "$ROOT/docker/.env.example")
if docker run --rm --network none -e JOBS_API_KEYS="$example_key" "$NODE_IMAGE" >"$WORK/example-key.log" 2>&1; then
  fail "a node started with the admin key of docker/.env.example"
fi
grep -F 'openssl rand -hex 32' "$WORK/example-key.log" >/dev/null || fail "the node refused the example key without saying how to make one: $(tail -n 5 "$WORK/example-key.log")"
example_var=$(grep -oE "(POSTGRES_PASSWORD|JOBS_CLUSTER_TLS_CERT_PASSWORD|JOBS_API_KEYS)" "$WORK/example.log" | head -n 1)
example_said=$(grep -oF -m1 'make one with `openssl rand -hex 24` (docker/.env.example)' "$WORK/example.log" || true)
check "cp .env.example .env && compose up refused, nothing created: $example_var: $example_said; the node refuses the example's admin key: $(grep -F -m1 'openssl rand' "$WORK/example-key.log" | sed 's/.*JOBS_API_KEYS/JOBS_API_KEYS/' | cut -c1-160)"

log "building jobctl on the host"
dotnet publish "$ROOT/src/Cluster.Cli" -c Release -o "$WORK/jobctl" -v q -nologo >"$WORK/jobctl-build.log" 2>&1 \
  || { tail -n 20 "$WORK/jobctl-build.log"; fail "building jobctl"; }

# ---------------------------------------------------------------------------------------------
# 3. the real compose file (+ an override that only swaps images)
PORT=
for p in $(shuf -i 20000-60000 -n 50); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then PORT=$p; break; fi
done
[ -n "$PORT" ] || fail "no free port"
cat >"$WORK/e2e.env" <<EOF
POSTGRES_PASSWORD=e2e-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
JOBS_API_KEYS=$KEY:default:admin
JOBS_HTTP_PORT=$PORT
JOBS_HTTP_BIND=127.0.0.1
JOBS_STOP_GRACE=90s
JOBS_CLUSTER_TLS_CERT_PASSWORD=e2e-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
EOF
# E2E_ENV="K=V;…": extra compose settings for an experiment (e.g. showing a check fails without a fix)
tr ';' '\n' <<<"${E2E_ENV:-}" | sed '/^$/d' >>"$WORK/e2e.env"
COMPOSE=("${COMPOSE_CMD[@]}" -p "$P" -f "$ROOT/docker/docker-compose.yml" -f "$ROOT/docker/e2e/docker-compose.e2e.yml" --env-file "$WORK/e2e.env")
compose() { "${COMPOSE[@]}" "$@"; }
BASE=http://127.0.0.1:$PORT
NET=${P}_cluster

# api <method> <path> [body-file]: prints the answer's body and puts its status in $WORK/status;
# fails (prints nothing) when nothing answered.
api() {
  local args=(-sS -o "$WORK/body" -w '%{http_code}' --max-time "${API_MAX_TIME:-60}" -X "$1" -H "authorization: Bearer $KEY" "$BASE$2")
  if [ $# -ge 3 ]; then args+=(-H 'content-type: application/json' --data-binary "@$3"); fi
  rm -f "$WORK/body"
  curl "${args[@]}" >"$WORK/status" 2>"$WORK/curl.err" || echo 000 >"$WORK/status"
  [ "$(cat "$WORK/status")" != 000 ] || return 1
  cat "$WORK/body" 2>/dev/null || true
}
# get_ok <path>: the body of a 200 answer, else fails
get_ok() { local body; body=$(api GET "$1") && [ "$(cat "$WORK/status")" = 200 ] && printf '%s' "$body"; }
jobctl() { dotnet "$WORK/jobctl/jobctl.dll" --node "$BASE" --api-key "$KEY" "$@"; }
# Predicates for wait_until: each needs a 200 answer (jq -e is true on empty input).
members_up() { local j; j=$(get_ok /api/cluster) && jq -e --argjson n "$1" '[.members[] | select(.status == "up" and .reachable)] | length == $n' <<<"$j" >/dev/null; }
# partitions_even <n>: the 32 default partitions are on <n> nodes, no node holding two more than
# another: rebalancing after a membership change is over (a hand-off during a check's load would
# stop and re-run attempts that are no part of what the check measures)
partitions_even() {
  local j; j=$(get_ok /api/cluster/sharding) && jq -e --argjson n "$1" \
    '[.regions[0].nodes[] | [.shardIds[] | tonumber | select(. < 32)] | length] | length == $n and add == 32 and max - min <= 1' <<<"$j" >/dev/null
}
member_count() { get_ok /api/cluster | jq '.members | length'; }
# state: what the cluster says of itself and of every submitted batch (for a failure message)
BATCHES=()
state() {
  local p b API_MAX_TIME=10
  for p in /api/cluster /api/nodes; do echo "GET $p: $(api GET "$p" | head -c 3000) ($(cat "$WORK/status"))"; done
  for b in "${BATCHES[@]}"; do echo "GET /api/batches/$b: $(api GET "/api/batches/$b" | jq -c 'del(.jobIds)' 2>/dev/null) ($(cat "$WORK/status"))"; done
}
# submit_batch <id> <count> <delayMs> [maxAttempts]
submit_batch() {
  BATCHES+=("$1")
  jq -n --arg id "$1" --argjson n "$2" --argjson d "$3" --argjson m "${4:-3}" \
    '{id: $id, jobs: [range($n) | {type: "noop", payload: {delayMs: $d}, maxAttempts: $m}]}' >"$WORK/batch.json"
  api_retrying POST /api/batches "$WORK/batch.json" >/dev/null || true
  # a re-post of a batch the first (503) try stored after all answers 200: the same batch, nothing added
  local ok=202
  [ ! -s "$WORK/retried" ] || ok='20[02]'
  [[ "$(cat "$WORK/status")" =~ ^$ok$ ]] || fail "POST /api/batches $1 answered $(cat "$WORK/status"): $(cat "$WORK/body" 2>/dev/null)"
}
batch_field() { get_ok "/api/batches/$1" | jq -r ".$2 // empty" 2>/dev/null || true; }
completed_of() { local s=0 b c; for b in "$@"; do c=$(batch_field "$b" completed); s=$(( s + ${c:-0} )); done; echo "$s"; }
all_completed() { local b; for b in "$@"; do [ "$(batch_field "$b" status)" = completed ] || return 1; done; }
at_least_completed() { local n=$1; shift; [ "$(completed_of "$@")" -ge "$n" ]; }
# api_retrying <method> <path> [body-file]: as api, but a 503 (the API's "nothing was stored,
# retry shortly": a partition or a counter is moving after a membership change) is retried for
# up to 60 s and logged, as a client should; $WORK/retried is non-empty if it was.
api_retrying() {
  local deadline=$(( $(date +%s) + 60 )) body
  : >"$WORK/retried"
  while :; do
    body=$(api "$@") || true
    [ "$(cat "$WORK/status")" = 503 ] && [ "$(date +%s)" -lt "$deadline" ] || break
    log "$1 $2 answered 503 (retrying): $(head -c 300 "$WORK/body" 2>/dev/null)" >&2
    echo 1 >"$WORK/retried"
    sleep 1
  done
  printf '%s' "$body"
}
# list_page <path>: a 200 answer's body (503s retried); anything else returns 1 with the status
# and body in $WORK/why.
list_page() {
  local body
  body=$(api_retrying GET "$1")
  case "$(cat "$WORK/status")" in
    200) printf '%s' "$body" ;;
    503) echo "GET $1 kept answering 503 for 60 s" >"$WORK/why"; return 1 ;;
    *) echo "GET $1 answered $(cat "$WORK/status"): $(head -c 500 "$WORK/body" 2>/dev/null) $(cat "$WORK/curl.err")" >"$WORK/why"; return 1 ;;
  esac
}
# jobs_of <batch…>: every job view of the batches, one JSON object per line
jobs_of() {
  local b cursor page
  for b in "$@"; do
    cursor=
    while :; do
      page=$(list_page "/api/jobs?batchId=$b&limit=1000${cursor:+&cursor=$cursor}") || fail "listing the jobs of batch $b: $(cat "$WORK/why")"
      jq -c '.items[]' <<<"$page"
      cursor=$(jq -r '.nextCursor // empty' <<<"$page")
      [ -n "$cursor" ] || break
    done
  done
}
# not_completed <jobs.jsonl>: the count per status and the first two jobs that did not complete (for a failure message)
not_completed() { jq -sc '{by_status: (group_by(.status) | map({(.[0].status): length}) | add), first: [.[] | select(.status != "completed")][:2]}' "$1"; }
# reruns_only_from <jobs.jsonl> <node> <what>: every job that ran more than once ran again only
# because <node> went away under it: each of its attempts but the last started on <node>, and it
# completed exactly once. (Their number is not bounded by the node's capacity alone: a slot is
# free again once an attempt has succeeded, while its completion is still being journaled; a
# completion the node did not get to write is an attempt that runs again — at-least-once.)
reruns_only_from() {
  local id h
  for id in $(jq -r 'select(.attempts > 1) | .id' "$1"); do
    h=$(get_ok "/api/jobs/$id") || fail "$3: GET /api/jobs/$id answered $(cat "$WORK/status")"
    jq -e --arg n "$2" '[.history[] | select(.event == "started")] as $s
        | ($s | length) > 1 and ($s[:-1] | all(.node == $n)) and ([.history[] | select(.event == "completed")] | length) == 1' <<<"$h" >/dev/null \
      || fail "$3: job $id ran again, and not (only) because $2 went away: $(jq -c '[.history[] | "\(.event) #\(.attempt) \(.node // "") \(.detail // "")"]' <<<"$h")"
  done
}
container_ip() { docker inspect -f "{{with index .NetworkSettings.Networks \"$NET\"}}{{.IPAddress}}{{end}}" "$1"; }
removed() { local j; j=$(get_ok /api/cluster) && jq -e --arg a "akka.ssl.tcp://jobs@$1" 'any(.members[]; .address == $a) | not' <<<"$j" >/dev/null; }
# (grep without -q reads to the end: with -q, docker logs could die of SIGPIPE after the match,
# which pipefail turns into "not found" — as soon as a restarted container logs past the line)
logs_say() { docker logs "$1" 2>&1 | grep -F -- "$2" >/dev/null; }

log "compose up: certs, postgres, seed, worker x3 (project $P, API on $BASE)"
compose up -d --no-build --scale worker=3 >"$WORK/up.log" 2>&1 || { cat "$WORK/up.log"; fail "compose up"; }
mapfile -t WORKERS < <(compose ps -q worker)
[ ${#WORKERS[@]} = 3 ] || fail "expected 3 worker containers, got ${#WORKERS[@]}"
SEED=$(compose ps -q seed)

wait_until 240 "4 members up (1 seed + 3 workers)" members_up 4
listed=$(get_ok /api/cluster | jq -r '[.members[] | .address + " " + .status] | join(", ")') || fail "GET /api/cluster: $(cat "$WORK/status")"
check "cluster formed: $listed"
get_ok /api/cluster | jq -e '(.self | startswith("akka.ssl.tcp://")) and all(.members[]; .address | startswith("akka.ssl.tcp://"))' >/dev/null \
  || fail "the nodes do not talk TLS: $(get_ok /api/cluster | jq -c '[.self, (.members[] | .address)]')"
certs_log=$(compose logs --no-color certs 2>&1 | grep -F 'cluster certificate' | tail -n 1)
check "mutual TLS between the nodes (every member akka.ssl.tcp://): ${certs_log#*| }"

# ---------------------------------------------------------------------------------------------
# 3b. on the cluster network, a node without the cluster certificate and one with a certificate
# of its own try to join through the seed; both stay outside. The stranger trusts the cluster's
# (public) certificate besides its own, so its side of the handshake passes: what turns it away
# is the seed's check of the certificate it presents.
CLUSTER_PW=$(sed -n 's/^JOBS_CLUSTER_TLS_CERT_PASSWORD=//p' "$WORK/e2e.env")
STRANGER_PW=stranger-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
docker volume create "$P-stranger-certs" >/dev/null
docker run --rm --network none -v "$P-stranger-certs:/certs" -e JOBS_CLUSTER_TLS_CERT_PASSWORD="$STRANGER_PW" \
  "$NODE_IMAGE" cluster-cert /certs/cluster.p12 >"$WORK/stranger-cert.log" 2>&1 || fail "cluster-cert for the stranger: $(cat "$WORK/stranger-cert.log")"
# public_pem <volume> <password>: the certificate (no key) of the volume's cluster.p12, as PEM
public_pem() {
  docker run --rm --network none --entrypoint cat -v "$1:/certs:ro" "$NODE_IMAGE" /certs/cluster.p12 \
    | openssl pkcs12 -nokeys -passin "pass:$2" | openssl x509
}
{ public_pem "${P}_certs" "$CLUSTER_PW" && public_pem "$P-stranger-certs" "$STRANGER_PW"; } >"$WORK/trust.pem" || fail "reading the certificates' public parts"
STRANGER_THUMB=$(public_pem "$P-stranger-certs" "$STRANGER_PW" | openssl x509 -noout -fingerprint -sha1 | sed 's/.*=//; s/://g')
docker run --rm -i --network none --entrypoint sh -v "$P-stranger-certs:/certs" "$NODE_IMAGE" -c 'cat > /certs/trust.pem' <"$WORK/trust.pem"
OUTSIDERS=("$P-plain" "$P-stranger")
docker run -d --name "$P-plain" --network "$NET" -e JOBS_CLUSTER_HOST=auto -e JOBS_CLUSTER_SEEDS=dns:seed:4053 \
  "$NODE_IMAGE" >/dev/null
docker run -d --name "$P-stranger" --network "$NET" -v "$P-stranger-certs:/certs:ro" -e JOBS_CLUSTER_HOST=auto -e JOBS_CLUSTER_SEEDS=dns:seed:4053 \
  -e JOBS_CLUSTER_TLS_CERT=/certs/cluster.p12 -e JOBS_CLUSTER_TLS_CERT_PASSWORD="$STRANGER_PW" -e JOBS_CLUSTER_TLS_CA=/certs/trust.pem \
  "$NODE_IMAGE" >/dev/null
SEED_IP=$(container_ip "$(compose ps -q seed)")
wait_until 120 "the node without a certificate fails to associate with the seed" logs_say "$P-plain" "Association failed with akka.tcp://jobs@$SEED_IP:4053"
wait_until 120 "the seed refuses the stranger's certificate ($STRANGER_THUMB)" logs_say "$(compose ps -q seed)" "($STRANGER_THUMB) is not trusted by this cluster"
for o in "${OUTSIDERS[@]}"; do
  ip=$(container_ip "$o")
  get_ok /api/cluster | jq -e --arg ip "@$ip:" '.members | length == 4 and all(.[]; .address | contains($ip) | not)' >/dev/null \
    || fail "$o ($ip) got into the cluster: $(get_ok /api/cluster | jq -c '[.members[] | .address + " " + .status]')"
done
plain_said=$(docker logs "$P-plain" 2>&1 | grep -F -m1 'Association failed with' | grep -o 'Association failed with [^ ]*' || true)
seed_said=$(docker logs "$(compose ps -q seed)" 2>&1 | grep -F -m1 "($STRANGER_THUMB) is not trusted" | grep -o 'refused the connection.*' | cut -c1-160 || true)
docker rm -f "${OUTSIDERS[@]}" >/dev/null
OUTSIDERS=()
docker volume rm "$P-stranger-certs" >/dev/null
check "outsiders on the cluster network stay outside (still 4 members): without a certificate ($plain_said); with a certificate of its own, the seed $seed_said"
wait_until 120 "the seed container reports healthy" \
  bash -c "[ \"\$(docker inspect -f '{{.State.Health.Status}}' $SEED)\" = healthy ]"
check "seed health check (docker HEALTHCHECK → /healthz): healthy"

jobctl cluster show >"$WORK/jobctl.out" || fail "jobctl cluster show exited $?"
cat "$WORK/jobctl.out"
[ "$(grep -cE '\| up +\|' "$WORK/jobctl.out")" = 4 ] || fail "jobctl cluster show did not list 4 up members"
check "jobctl --node $BASE cluster show (from the host): 4 members up"

wait_until 120 "the 32 partitions spread evenly over the 4 nodes" partitions_even 4
check "partitions spread evenly over the 4 nodes (rebalancing over)"

CAPACITY=$(get_ok /api/nodes | jq '[.nodes[] | .capacity] | max // 0') || fail "GET /api/nodes: $(cat "$WORK/status")"

# ---------------------------------------------------------------------------------------------
# 4. 2,000 jobs; docker kill of a worker mid-run
B1=(e2e-a1 e2e-a2 e2e-a3 e2e-a4)
for b in "${B1[@]}"; do submit_batch "$b" 500 200; done
log "2,000 jobs submitted through $BASE (4 batches of 500, 200 ms each)"
wait_until 120 "300 of the first 2,000 jobs completed" at_least_completed 300 "${B1[@]}"
KILLED=${WORKERS[0]}
KILLED_NODE="$(container_ip "$KILLED"):4053"
running_on_killed=$(jobs_of "${B1[@]}" | jq -s --arg n "$KILLED_NODE" '[.[] | select(.status == "running" and .node == $n)] | length')
docker kill "$KILLED" >/dev/null
log "docker kill $(docker inspect -f '{{.Name}}' "$KILLED") ($KILLED_NODE, $running_on_killed of its jobs running)"
wait_until 300 "all 2,000 jobs completed after the kill" all_completed "${B1[@]}"
jobs_of "${B1[@]}" >"$WORK/a.jsonl"
a_total=$(wc -l <"$WORK/a.jsonl")
a_done=$(jq -s '[.[] | select(.status == "completed")] | length' "$WORK/a.jsonl")
a_reruns=$(jq -s '[.[] | .attempts - 1] | add' "$WORK/a.jsonl")
a_nodes=$(jq -s -r 'group_by(.node) | map("\(.[0].node)=\(length)") | join(" ")' "$WORK/a.jsonl")
[ "$a_total" = 2000 ] && [ "$a_done" = 2000 ] || fail "after the kill: $a_done of $a_total jobs completed; $(not_completed "$WORK/a.jsonl")"
reruns_only_from "$WORK/a.jsonl" "$KILLED_NODE" "after the kill"
check "2,000 jobs submitted through the published port, all completed despite docker kill of a worker: completed by node $a_nodes; $a_reruns re-run(s), each of an attempt the killed node had started (its capacity: $CAPACITY), each job completed once"

# ---------------------------------------------------------------------------------------------
# 5. the seed crashes and comes back: it must rejoin the running cluster, not form a second one
wait_until 60 "the killed worker removed from the cluster" removed "$KILLED_NODE"
W3=${WORKERS[2]}
W3_BASE="http://$(docker port "$W3" 5080/tcp | head -n 1)"
SEED_NODE="$(container_ip "$SEED"):4053"
t_kill=$(date +%s)
docker kill "$SEED" >/dev/null
log "docker kill of the seed ($SEED_NODE); watching from a worker ($W3_BASE)"
BASE=$W3_BASE wait_until 60 "the workers remove the crashed seed" removed "$SEED_NODE"
t_seed_removed=$(( $(date +%s) - t_kill ))
docker start "$SEED" >/dev/null
BASE=$W3_BASE wait_until 120 "the restarted seed joins the workers' cluster (3 members up, seen from a worker)" members_up 3
wait_until 60 "the restarted seed sees the same 3 members" members_up 3
seed_leader=$(get_ok /api/cluster | jq -r .leader)
worker_leader=$(BASE=$W3_BASE get_ok /api/cluster | jq -r .leader)
[ "$seed_leader" = "$worker_leader" ] || fail "two clusters: the seed's leader is $seed_leader, the worker's $worker_leader"
check "seed crash: docker kill, removed by the workers after ${t_seed_removed}s; docker start: it joined the running cluster (3 members up on both sides, one leader $seed_leader) instead of forming its own"

# ---------------------------------------------------------------------------------------------
# 6. a real partition: docker network disconnect of a worker
wait_until 120 "the 32 partitions spread evenly over the 3 nodes" partitions_even 3
B2=(e2e-b1 e2e-b2)
for b in "${B2[@]}"; do submit_batch "$b" 500 200; done
wait_until 120 "200 of the next 1,000 jobs completed" at_least_completed 200 "${B2[@]}"
ISOLATED=${WORKERS[1]}
ISOLATED_NODE="$(container_ip "$ISOLATED"):4053"
t_cut=$(date +%s)
docker network disconnect -f "$NET" "$ISOLATED"
log "docker network disconnect $NET $(docker inspect -f '{{.Name}}' "$ISOLATED") ($ISOLATED_NODE)"
wait_until 90 "the majority removes $ISOLATED_NODE" removed "$ISOLATED_NODE"
t_removed=$(( $(date +%s) - t_cut ))
wait_until 90 "the isolated node stops itself (exit code 3, downed)" logs_say "$ISOLATED" "exit code 3 (downed"
t_stopped=$(( $(date +%s) - t_cut ))
check "partition: majority removed the isolated worker after ${t_removed}s; it stopped itself (exit code 3, downed) after ${t_stopped}s"
wait_until 300 "all 1,000 jobs completed during the partition" all_completed "${B2[@]}"
jobs_of "${B2[@]}" >"$WORK/b.jsonl"
b_done=$(jq -s '[.[] | select(.status == "completed")] | length' "$WORK/b.jsonl")
b_attempts=$(jq -s '[.[] | .attempts] | add' "$WORK/b.jsonl")
[ "$b_done" = 1000 ] || fail "during the partition: $b_done of 1,000 jobs completed; $(not_completed "$WORK/b.jsonl")"
docker network connect "$NET" "$ISOLATED"
log "network reconnected; waiting for the restarted worker to rejoin"
wait_until 180 "the isolated worker rejoins (3 members up)" members_up 3
jobs_of "${B2[@]}" >"$WORK/b2.jsonl"
b_attempts_after=$(jq -s '[.[] | .attempts] | add' "$WORK/b2.jsonl")
b_completed_after=$(jq -s '[.[] | select(.status == "completed")] | length' "$WORK/b2.jsonl")
[ "$b_attempts_after" = "$b_attempts" ] && [ "$b_completed_after" = 1000 ] \
  || fail "after reconnecting: attempts $b_attempts -> $b_attempts_after, completed $b_completed_after"
b_reruns=$(( b_attempts - 1000 ))
reruns_only_from "$WORK/b.jsonl" "$ISOLATED_NODE" "across the partition"
check "1,000 jobs completed across the partition: $b_reruns re-run(s), each of an attempt the cut node had started, each job completed once; after reconnecting and rejoining, attempts unchanged ($b_attempts_after) and no job ran again"

# ---------------------------------------------------------------------------------------------
# 7. compose stop worker (SIGTERM): graceful leave under load
wait_until 120 "the 32 partitions spread evenly over the 3 nodes after the rejoin" partitions_even 3
B3=(e2e-c1)
submit_batch e2e-c1 500 200 1
wait_until 120 "100 of 500 jobs (maxAttempts 1) completed" at_least_completed 100 "${B3[@]}"
mapfile -t RUNNING_WORKERS < <(docker ps -q --no-trunc --filter "label=com.docker.compose.project=$P" --filter "label=com.docker.compose.service=worker")
log "compose stop worker: SIGTERM to ${#RUNNING_WORKERS[@]} running worker(s)"
compose stop -t 90 worker >/dev/null 2>&1
for w in "${RUNNING_WORKERS[@]}"; do
  code=$(docker inspect -f '{{.State.ExitCode}}' "$w")
  [ "$code" = 0 ] || fail "worker $(docker inspect -f '{{.Name}}' "$w") exited $code on SIGTERM, expected 0 (left the cluster)"
  logs_say "$w" "exit code 0 (left the cluster)" || fail "worker $w did not log a clean leave"
done
wait_until 60 "only the seed left in the cluster" members_up 1
[ "$(member_count)" = 1 ] || fail "members after the workers stopped: $(member_count)"
wait_until 300 "the 500 jobs completed after the workers left" all_completed "${B3[@]}"
c_failed=$(batch_field e2e-c1 failed)
c_done=$(batch_field e2e-c1 completed)
[ "$c_failed" = 0 ] && [ "$c_done" = 500 ] || fail "after the graceful leave: completed $c_done, failed $c_failed"
check "compose stop worker: ${#RUNNING_WORKERS[@]} worker(s) left gracefully (exit code 0); 500 jobs with maxAttempts 1: $c_done completed, $c_failed failed"

jobctl cluster show >"$WORK/jobctl.out" || fail "jobctl cluster show exited $?"
[ "$(grep -cE '\| up +\|' "$WORK/jobctl.out")" = 1 ] || fail "jobctl cluster show: expected the seed alone"
check "jobctl cluster show after the leave: the seed alone"

# ---------------------------------------------------------------------------------------------
echo
echo "docker e2e: all checks passed in $(( $(date +%s) - T0 )) s"
for c in "${CHECKS[@]}"; do echo "  - $c"; done
