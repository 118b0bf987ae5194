#!/usr/bin/env bash
# Type-checks the web UI's JavaScript (// @ts-check and the JSDoc types of src/main/resources/web/js/types.js)
# with TypeScript's compiler, fetched by npx; nothing is emitted and the UI keeps no build step.
# Run by hand before committing a UI change; CI does not run it (it needs the npm registry).
set -euo pipefail
cd "$(dirname "$0")/.."
exec npx -y -p typescript@5 tsc --noEmit --allowJs --checkJs --target es2022 --module es2022 --moduleResolution bundler \
  src/main/resources/web/js/*.js src/main/resources/web/js/*/*.js
