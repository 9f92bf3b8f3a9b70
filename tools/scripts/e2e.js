#!/usr/bin/env node
'use strict';
// End-to-end tests against real n8n (`npm run test:e2e`).
//
//   node tools/scripts/e2e.js                 both lines: n8n 1.123.50 (Node 20) and n8n 2.41.1 (Node 24)
//   node tools/scripts/e2e.js --n8n 1         only one line (also --n8n 2)
//   node tools/scripts/e2e.js --no-build      test the existing dist/ as it is
//   node tools/scripts/e2e.js --sequential-install   install missing runtimes one after the other
//   node tools/scripts/e2e.js --suite ai      the AI stage (`npm run test:ai`): tests/n8n-<line>.ai.test.js
//   node tools/scripts/e2e.js --help          this text
//   anything else (e.g. --test-reporter=spec, --test-name-pattern=...) goes to `node --test`
//
// Steps: npm run build → npm pack (once) → install the missing pinned n8n
// runtimes (tools/runtime/n8n-*, see tools/scripts/install-n8n.js) → node --test over
// tools/e2e/tests/. A runtime that cannot be installed makes its test file FAIL with
// the install error (it is never skipped silently). Env: E2E_KEEP=1 keeps the
// temp n8n user folders for inspection.

const path = require('node:path');

const { REPO_ROOT } = require('../harness/runtime');
const { installHooks, isStopping } = require('../harness/procs');
const { parseArgs, headerUsage } = require('../harness/args');
const testRun = require('../harness/test-run');

const OPTIONS = {
	...testRun.RUNNER_OPTIONS,
	'--sequential-install': { key: 'parallelInstall', flag: true, value: false },
	'--suite': { key: 'suite' },
};

async function main() {
	const args = parseArgs(process.argv.slice(2), {
		options: OPTIONS,
		defaults: { ...testRun.RUNNER_DEFAULTS, parallelInstall: true, suite: 'e2e' },
		unknown: 'passthrough',
	});
	if (args.help) return process.stdout.write(headerUsage(__filename));
	if (!['e2e', 'ai'].includes(args.suite)) throw new Error(`--suite must be e2e or ai`);
	const lines = testRun.n8nLines(args.lines, ['1', '2']);
	installHooks({ uncaught: true });
	const runner = testRun.createRunner(`[${args.suite}]`);

	const tgz = await runner.buildAndPack(args.build);
	const env = { ...process.env, E2E_PACKAGE_TGZ: tgz };
	await runner.installMissingRuntimes(lines, env, { parallel: args.parallelInstall });
	const files = lines.map((l) =>
		path.join(REPO_ROOT, 'tools', 'e2e', 'tests', `n8n-${l}.${args.suite}.test.js`),
	);
	runner.finish(await runner.runTestFiles(files, args.passthrough, env));
}

main().catch((e) => {
	if (isStopping()) return; // interrupted: the signal handler stops everything and exits
	console.error(`[e2e] ERROR: ${e.message}`);
	process.exit(1);
});
