#!/bin/sh
# CI for the scale-out workflow: installs Slurm (slurm-wlm, munge) and Snakemake from Debian, starts a
# single-node Slurm cluster, runs a tiny cohort through Snakemake's local executor and through a Slurm job
# array, merges, and checks that both merged results are byte-identical to an unsharded run.
#   sh scripts/ci_slurm.sh            (as root; from the repository root)
# Set HOLOBIONT to use an existing binary instead of building one.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
W=$(mktemp -d /tmp/hb-ci-slurm.XXXXXX)
chmod 755 "$W"
cleanup() {
    [ -n "${SLURMCTLD_STARTED:-}" ] && { pkill -F "$W/slurmd.pid" 2>/dev/null || true; pkill -F "$W/slurmctld.pid" 2>/dev/null || true; }
    [ -n "${MUNGE_PID:-}" ] && { kill "$MUNGE_PID" 2>/dev/null || true; }
    # The daemons write their state files while they shut down: wait for them (up to 10 s) before removing
    # their spool, and retry once, so a removal racing a late write does not fail a passing check.
    i=0
    while [ $i -lt 100 ] && { pgrep -F "$W/slurmctld.pid" >/dev/null 2>&1 || pgrep -F "$W/slurmd.pid" >/dev/null 2>&1; }; do
        sleep 0.1; i=$((i + 1))
    done
    rm -rf "$W" 2>/dev/null || { sleep 1; rm -rf "$W" || echo "ci_slurm: could not remove $W (left behind)" >&2; }
}
trap cleanup EXIT

need=""
command -v slurmctld >/dev/null 2>&1 || need="$need slurm-wlm"
command -v munged >/dev/null 2>&1 || need="$need munge"
command -v snakemake >/dev/null 2>&1 || need="$need snakemake"
if [ -n "$need" ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq $need >/dev/null
fi

if [ -z "${HOLOBIONT:-}" ]; then
    go build -o "$W/holobiont" ./cmd/holobiont
    HOLOBIONT="$W/holobiont"
fi
HB="$HOLOBIONT"

# --- munge ---
mkdir -p /etc/munge /var/lib/munge /var/log/munge /run/munge
[ -s /etc/munge/munge.key ] || dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 2>/dev/null
chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge /run/munge 2>/dev/null || true
chmod 400 /etc/munge/munge.key
chmod 700 /etc/munge
if ! munge -n >/dev/null 2>&1; then
    runuser -u munge -- munged 2>/dev/null || munged --force
    sleep 1
    MUNGE_PID=$(pgrep -n -x munged)
fi

# --- single-node slurm ---
HOST=$(hostname -s)
CPUS=$(nproc)
MEM=$(awk '/MemTotal/ {print int($2/1024*0.5)}' /proc/meminfo)
mkdir -p "$W/spool/d" "$W/spool/ctld" /etc/slurm
cat > "$W/slurm.conf" <<CONF
ClusterName=hbci
SlurmctldHost=$HOST
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$W/spool/ctld
SlurmdSpoolDir=$W/spool/d
SlurmctldPidFile=$W/slurmctld.pid
SlurmdPidFile=$W/slurmd.pid
SlurmctldLogFile=$W/slurmctld.log
SlurmdLogFile=$W/slurmd.log
ReturnToService=2
MpiDefault=none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=ci Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF="$W/slurm.conf"
slurmctld -f "$SLURM_CONF"
SLURMCTLD_STARTED=1
slurmd -f "$SLURM_CONF"
i=0
until sinfo -h -o %T 2>/dev/null | grep -qE 'idle|mixed'; do
    i=$((i + 1)); [ $i -gt 30 ] && { echo "slurm did not come up"; cat "$W"/slurm*.log; exit 1; }
    sleep 1
done

# --- a tiny cohort ---
cat > "$W/spec.yaml" <<SPEC
name: ci-slurm
n: 12
seed: 7
duration: 20
chunk: 2
parameters:
  r_Cu: {dist: lognormal, median: 1.2, sdlog: 0.2}
sampling:
  - {times: [20], sites: [face, axilla]}
measurements:
  - {name: pss, instrument: pss10, times: [20]}
SPEC
"$HB" cohort "$W/spec.yaml" --out "$W/ref" --progress never

snakemake -s "$ROOT/workflow/Snakefile" --directory "$W" --cores 2 --quiet \
    --config spec="$W/spec.yaml" out="$W/local" shards=3 holobiont="$HB"
snakemake -s "$ROOT/workflow/Snakefile" --directory "$W" --cores 1 --quiet \
    --config spec="$W/spec.yaml" out="$W/array" shards=3 holobiont="$HB" array=1

for f in subjects.csv samples.csv counts.biom counts.json.biom sample-metadata.tsv manifest.json; do
    cmp "$W/ref/$f" "$W/local/cohort/$f"
    cmp "$W/ref/$f" "$W/array/cohort/$f"
done
ls "$W"/array/slurm-*.log >/dev/null
echo "ci_slurm: Snakemake local executor and Slurm job array (3 shards) reproduce the unsharded cohort byte for byte"

# --- a tiny trial through Snakemake's local executor (kind=trial): merged shards == unsharded run ---
cat > "$W/trial.yaml" <<SPEC
name: ci-trial
n: 12
seed: 11
duration: 14
chunk: 2
parameters:
  r_Cu: {dist: lognormal, median: 1.2, sdlog: 0.2}
covariates:
  sex: {dist: categorical, values: [F, M], probs: [0.5, 0.5]}
sampling:
  - {times: [0, 14], sites: [gut]}
endpoints:
  - {name: shannon_change, variable: shannon(gut), stat: change, from: 0, time: 14}
interventions:
  abx: {type: antibiotic, route: oral, dose: 1, start: 0, duration: 5}
arms:
  - {name: placebo}
  - {name: antibiotic, interventions: [abx]}
randomisation:
  strata: [sex]
analysis:
  - {endpoint: shannon_change, control: placebo, treatment: antibiotic}
SPEC
"$HB" trial "$W/trial.yaml" --out "$W/tref" --progress never
snakemake -s "$ROOT/workflow/Snakefile" --directory "$W" --cores 2 --quiet \
    --config spec="$W/trial.yaml" out="$W/tlocal" shards=3 holobiont="$HB" kind=trial power=0
for f in subjects.csv samples.csv counts.biom analysis.tsv report.html manifest.json; do
    cmp "$W/tref/$f" "$W/tlocal/cohort/$f"
done
echo "ci_slurm: Snakemake local executor (3 shards, kind=trial) reproduces the unsharded trial byte for byte"

# --- a tiny sensitivity analysis (kind=gsa) through Snakemake's local executor and the Slurm array ---
"$HB" gsa "$ROOT/gsa/study/testdata/morris-hpa.yaml" --out "$W/gref" --progress never
snakemake -s "$ROOT/workflow/Snakefile" --directory "$W" --cores 2 --quiet \
    --config spec="$ROOT/gsa/study/testdata/morris-hpa.yaml" out="$W/glocal" shards=3 holobiont="$HB" kind=gsa
snakemake -s "$ROOT/workflow/Snakefile" --directory "$W" --cores 1 --quiet \
    --config spec="$ROOT/gsa/study/testdata/morris-hpa.yaml" out="$W/garray" shards=2 holobiont="$HB" kind=gsa array=1
for f in samples.tsv outputs.tsv indices.tsv indices-time.tsv indices.json report.html manifest.json; do
    cmp "$W/gref/$f" "$W/glocal/gsa/$f"
    cmp "$W/gref/$f" "$W/garray/gsa/$f"
done
echo "ci_slurm: Snakemake local executor (3 shards) and Slurm job array (2 shards), kind=gsa, reproduce the unsharded sensitivity analysis byte for byte"
