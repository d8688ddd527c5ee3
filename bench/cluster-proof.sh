#!/usr/bin/env bash
# The cluster proof with real processes, at full size: PostgreSQL (AGENTIC_POSTGRES, or a throwaway server the test
# starts with scripts/postgres.sh), three silo processes, 1,000 lifetimes with fan-outs, retries and a tenant budget;
# one silo is killed with SIGKILL mid-run. The test checks from the journal that every lifetime completed, gapless,
# no execution completed twice, and the tenant ledger against the journals; it prints how long after the kill every
# lifetime unfinished at that moment recorded again. CI runs the same test with 120 lifetimes.
set -euo pipefail
cd "$(dirname "$0")/.."
export AGENTIC_PROOF_LIFETIMES=${1:-1000}
dotnet test tests/Agentic.Server.Tests -c Release --filter "FullyQualifiedName~ClusterKillTests" --logger "console;verbosity=detailed" \
  | grep -E "lifetimes, |Passed|Failed|Error Message|Assert" || true
