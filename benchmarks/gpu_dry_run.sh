#!/usr/bin/env bash
# The dry-run's CUDA checks (issue 4). Needs a CUDA GPU and `pip install -e '.[torch]'`.
#   bash benchmarks/gpu_dry_run.sh [cuda|cuda:N]
# 1. every example config on CUDA, AMP off and on;
# 2. bce under CUDA autocast must fail with torch's "unsafe to autocast" as LC501 (proof of LC301);
# 3. forward+backward time of sqr_hinge against cross_entropy at N=4096, C=1000, fp32 and AMP.
set -u
cd "$(dirname "$0")/.."
device="${1:-cuda}"
status=0

for amp in off on; do
  echo "== dry-run of examples/ on $device, --amp $amp"
  losscfg dry-run --device "$device" --amp "$amp" --ignore LC302 examples/*.yaml || status=1
  echo
done

echo "== bce with AMP on $device: LC301 ignored, the dry-run must fail with LC501"
scratch="$(mktemp -d)"
printf 'loss:\n  name: bce\namp:\n  enabled: true\n' > "$scratch/bce_amp.yaml"
out="$(losscfg dry-run --device "$device" --amp auto --ignore LC301 "$scratch/bce_amp.yaml")"
echo "$out"
if grep -q "LC501" <<<"$out" && grep -q "unsafe to autocast" <<<"$out"; then
  echo "PASS: CUDA autocast refuses bce, as LC301 says"
else
  echo "FAIL: expected LC501 with 'unsafe to autocast'"
  status=1
fi
rm -rf "$scratch"
echo

echo "== sqr_hinge vs cross_entropy on $device"
python benchmarks/sqr_hinge_vs_ce.py --device "$device" || status=1
exit "$status"
