#!/usr/bin/env node
// The `convlens` command: the CLI is bundled into dist/cli.js by `npm run build`.
require('../dist/cli.js');
