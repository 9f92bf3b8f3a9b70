#!/usr/bin/env node
'use strict';
// Queue-mode tests against real n8n (`npm run test:queue`): Redis + PostgreSQL + n8n main, two
// workers and a webhook processor, per n8n line.
//
//   node tools/scripts/test-queue.js               both lines: n8n 1.123.50 (Node 20) and 2.41.1 (Node 24)
//   node tools/scripts/test-queue.js --n8n 1       one line only (also --n8n 2)
//   node tools/scripts/test-queue.js --no-build    test the existing dist/ as it is
//   node tools/scripts/test-queue.js --help        this text
//   anything else (e.g. --test-name-pattern=Trigger) goes to `node --test`
//
// Steps: install Debian's redis-server and postgresql when missing (apt-get update once, then
// apt-get install) → npm run build → npm pack → install the missing pinned n8n runtimes →
// node --test over tools/e2e/queue/n8n-<line>.queue.test.js (one line after the other). Each test file
// starts its own Redis, PostgreSQL, sandbox and n8n processes and stops them at the end, on
// failure and on Ctrl-C (process groups, see tools/harness/procs.js). E2E_KEEP=1 keeps temp folders.

const path = require('node:path');

const { REPO_ROOT } = require('../harness/runtime');
const { installHooks, isStopping } = require('../harness/procs');
const { parseArgs, headerUsage } = require('../harness/args');
const { secs } = require('../harness/stages');
const testRun = require('../harness/test-run');
const { ensureDebianPackages } = require('../e2e/queue/infra');

async function main() {
	const args = parseArgs(process.argv.slice(2), {
		options: testRun.RUNNER_OPTIONS,
		defaults: testRun.RUNNER_DEFAULTS,
		unknown: 'passthrough',
	});
	if (args.help) return process.stdout.write(headerUsage(__filename));
	const lines = testRun.n8nLines(args.lines, ['1', '2']);
	installHooks({ uncaught: true });
	const runner = testRun.createRunner('[queue]');
	const { timer, say } = runner;

	const apt = await timer.stage('apt-get (redis-server, postgresql)', () =>
		ensureDebianPackages({ print: say }),
	);
	say(
		apt.installed.length
			? `installed ${apt.installed.join(', ')} (update ${secs(apt.updateMs)}, install ${secs(apt.installMs)})`
			: 'redis-server and postgresql already installed',
	);
	const tgz = await runner.buildAndPack(args.build);
	const env = { ...process.env, E2E_PACKAGE_TGZ: tgz };
	await runner.installMissingRuntimes(lines, env);
	const files = lines.map((l) =>
		path.join(REPO_ROOT, 'tools', 'e2e', 'queue', `n8n-${l}.queue.test.js`),
	);
	runner.finish(await runner.runTestFiles(files, args.passthrough, env));
}

main().catch((e) => {
	if (isStopping()) return;
	console.error(`[queue] ERROR: ${e.message}`);
	process.exit(1);
});
