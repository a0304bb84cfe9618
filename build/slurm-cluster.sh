#!/usr/bin/env bash
# A real single-node Slurm cluster for tests, from Debian's slurmctld, slurmd, slurm-client and munge (22.05 on
# bookworm), started as plain processes (no systemd) in a fresh state folder:
#
#   build/slurm-cluster.sh start <dir>   installs the packages when missing (--no-install-recommends), writes
#                                        <dir>/slurm.conf and a munge key, starts munged, slurmctld and slurmd, waits
#                                        (deadline) until `scontrol ping` answers UP and the node is idle; prints
#                                        `export SLURM_CONF=<dir>/slurm.conf` (also in <dir>/env)
#   build/slurm-cluster.sh stop <dir>    stops the three daemons by the PIDs recorded in <dir>, TERM then KILL
#
# Ports are picked free at start, so two clusters (two test runs) can run side by side. What made it work here
# (../shared/ENVIRONMENT.md): SlurmctldHost=<node>(127.0.0.1) and NodeAddr=127.0.0.1 (no name resolution),
# proctrack/linuxproc, task/none, no accounting (then `scontrol show job`, not sacct), cons_tres with CR_Core.
set -euo pipefail

usage() { echo "usage: $0 start|stop <state-dir>" >&2; exit 2; }
[ $# -eq 2 ] || usage
action="$1"; dir="$2"
deadline_seconds="${SLURM_CLUSTER_DEADLINE:-60}"

ensure_packages() {
  local missing=()
  for p in slurmctld slurmd slurm-client munge; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  echo "slurm-cluster: installing ${missing[*]}" >&2
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq -o DPkg::Lock::Timeout=600
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -o DPkg::Lock::Timeout=600 --no-install-recommends \
    "${missing[@]}" >/dev/null
}

port_free() { ! ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$((20000 + RANDOM % 30000))
    if port_free "$p" && port_free "$((p + 1))"; then echo "$p"; return 0; fi
  done
  echo "slurm-cluster: no free port pair found" >&2; return 1
}

# Waits until "$@" succeeds or the deadline passes; prints what it waited for on failure.
wait_for() {
  local what="$1"; shift
  local end=$((SECONDS + deadline_seconds))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= end)); then
      echo "slurm-cluster: $what not ready after ${deadline_seconds} s; logs in $dir/log" >&2
      tail -n 20 "$dir"/log/*.log >&2 2>/dev/null || true
      return 1
    fi
    sleep 0.2
  done
}

ping_up() { scontrol ping 2>/dev/null | grep -q "is UP"; }
node_idle() { scontrol show node "$node" 2>/dev/null | grep -q "State=IDLE"; }

start() {
  ensure_packages
  [ -f "$dir/daemons.pid" ] && stop_daemons quiet
  rm -rf "$dir"
  mkdir -p "$dir"/{state,spool,log,munge}
  dir="$(cd "$dir" && pwd)"
  chmod 700 "$dir/munge"
  node="$(hostname -s)"
  local port cpus mem
  port="$(free_port)"
  cpus="$(nproc)"
  mem=$(( $(free -m | awk '/^Mem:/ {print $2}') * 8 / 10 ))
  head -c 1024 /dev/urandom > "$dir/munge/munge.key"
  chmod 400 "$dir/munge/munge.key"
  cat > "$dir/slurm.conf" <<EOF
# Single-node test cluster written by build/slurm-cluster.sh
ClusterName=workbench
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$dir/munge/munge.socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pidfile
SlurmdPidFile=$dir/slurmd.pidfile
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/log/jobcomp.txt
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
MinJobAge=600
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
  export SLURM_CONF="$dir/slurm.conf"
  echo "export SLURM_CONF=$SLURM_CONF" > "$dir/env"

  munged --force --socket="$dir/munge/munge.socket" --key-file="$dir/munge/munge.key" \
    --pid-file="$dir/munge/munged.pid" --log-file="$dir/log/munged.log" --seed-file="$dir/munge/munged.seed"
  wait_for "munged" test -S "$dir/munge/munge.socket"
  echo "munged $(cat "$dir/munge/munged.pid")" > "$dir/daemons.pid"

  slurmctld -D -i -f "$SLURM_CONF" >"$dir/log/slurmctld.out" 2>&1 &
  echo "slurmctld $!" >> "$dir/daemons.pid"
  wait_for "slurmctld (scontrol ping)" ping_up
  slurmd -D -f "$SLURM_CONF" -N "$node" >"$dir/log/slurmd.out" 2>&1 &
  echo "slurmd $!" >> "$dir/daemons.pid"
  wait_for "node $node (idle)" node_idle
  echo "export SLURM_CONF=$SLURM_CONF"
}

# Stops the daemons recorded in daemons.pid: TERM, then KILL after the deadline. Only these PIDs are signalled.
stop_daemons() {
  local file="$dir/daemons.pid"
  [ -f "$file" ] || { [ "${1:-}" = quiet ] || echo "slurm-cluster: nothing to stop in $dir" >&2; return 0; }
  local pids=()
  while read -r name pid; do
    [ -n "$pid" ] || continue
    if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; pids+=("$pid"); fi
  done < <(tac "$file")
  local end=$((SECONDS + 15))
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < end)); do sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  done
  rm -f "$file"
}

case "$action" in
  start) start ;;
  stop) stop_daemons ;;
  *) usage ;;
esac
