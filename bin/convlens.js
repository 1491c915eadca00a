#!/usr/bin/env node
// The `convlens` command. `npm run build` bundles src/cli/main.ts into dist/cli.js; its main()
// returns the exit code, so nothing here needs to know about errors.
require('../dist/cli.js')
  .main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (e) => {
      process.stderr.write(`internal error: ${String((e && e.message) || e).split('\n')[0]}\n`);
      process.exitCode = 1;
    },
  );
