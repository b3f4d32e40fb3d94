#!/usr/bin/env bash
# Fails when docs/configuration.md's key table differs from what `monti config docs` prints.
set -euo pipefail
monti=$1
doc=$2
expected=$(env -i PATH="$PATH" "$monti" config docs)
actual=$(sed -n '/<!-- BEGIN monti config docs -->/,/<!-- END monti config docs -->/p' "$doc" | sed '1d;$d')
if [ "$expected" != "$actual" ]; then
  echo "docs/configuration.md is out of date; regenerate the table with: monti config docs" >&2
  diff <(echo "$expected") <(echo "$actual") >&2 || true
  exit 1
fi
echo "docs/configuration.md matches monti config docs"
