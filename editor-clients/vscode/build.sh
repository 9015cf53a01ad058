#!/usr/bin/env bash
# Builds the VS Code extension: npm ci (no install scripts, see .npmrc), compile, lint, package quicksilver.vsix.
# Called by .ci/run; needs Node 20+ and the npm registry, nothing else.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund --loglevel=error
npm run --silent compile
npm run --silent lint
npx --no-install vsce package --out quicksilver.vsix
ls -l quicksilver.vsix
