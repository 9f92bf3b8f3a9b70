#!/usr/bin/env node
'use strict';
// Queue-mode tests against real n8n (`npm run test:queue`): Redis + PostgreSQL + n8n main, two
// workers and a webhook processor, per n8n line.
//
//   node tools/scripts/test-queue.js               both lines: n8n 1.123.50 (Node 20) and 2.41.1 (Node 24)
//   node tools/scripts/test-queue.js --n8n 1       one line only (also --n8n 2)
//   node tools/scripts/test-queue.js --no-build    test the existing dist/ as it is
//   anything else (e.g. --test-name-pattern=Trigger) goes to `node --test`
//
// Steps: install Debian's redis-server and postgresql when missing (apt-get update once, then
// apt-get install) → npm run build → npm pack → install the missing pinned n8n runtimes →
// node --test over tools/e2e/queue/n8n-<line>.queue.test.js (one line after the other). Each test file
// starts its own Redis, PostgreSQL, sandbox and n8n processes and stops them at the end, on
// failure and on Ctrl-C (process groups, see tools/harness/procs.js). E2E_KEEP=1 keeps temp folders.

const fs = require('node:fs');
const path = require('node:path');

const { ensureInstalled, getRuntime, isInstalled, REPO_ROOT } = require('../harness/runtime');
const { buildPackage, packPackage, makeTempDir } = require('../harness/n8n');
const { runNodeTests } = require('../harness/node-test');
const { installHooks, isStopping } = require('../harness/procs');
const { ensureDebianPackages } = require('../e2e/queue/infra');

function parseArgs(argv) {
	const out = { lines: [], build: true, passthrough: [] };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--n8n') out.lines.push(argv[++i]);
		else if (a.startsWith('--n8n=')) out.lines.push(a.slice(6));
		else if (a === '--no-build') out.build = false;
		else out.passthrough.push(a);
	}
	if (out.lines.length === 0) out.lines = ['1', '2'];
	out.lines = [...new Set(out.lines.map((l) => String(getRuntime(l).line)))];
	return out;
}

const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

async function main() {
	const args = parseArgs(process.argv.slice(2));
	installHooks({ uncaught: true });
	const t0 = Date.now();
	const timings = [];
	const phase = async (name, fn) => {
		const s = Date.now();
		try {
			return await fn();
		} finally {
			timings.push([name, Date.now() - s]);
		}
	};
	const say = (s) => console.log(`[queue] ${s}`);

	const apt = await phase('apt-get (redis-server, postgresql)', () =>
		ensureDebianPackages({ print: say }),
	);
	say(
		apt.installed.length
			? `installed ${apt.installed.join(', ')} (update ${secs(apt.updateMs)}, install ${secs(apt.installMs)})`
			: 'redis-server and postgresql already installed',
	);
	if (args.build) await phase('build', () => buildPackage({ print: say }));
	const packDir = makeTempDir('n8n-jelou-pack-');
	const tgz = await phase('pack', () => packPackage({ destDir: packDir, print: say }));
	say(`package: ${path.basename(tgz)}`);

	const env = { ...process.env, E2E_PACKAGE_TGZ: tgz };
	const missing = args.lines.filter((l) => !isInstalled(l));
	for (const l of args.lines)
		if (!missing.includes(l)) say(`${getRuntime(l).name} already installed`);
	if (missing.length) {
		await phase(`install n8n runtime(s) ${missing.join(', ')}`, () =>
			Promise.all(
				missing.map(async (l) => {
					try {
						await ensureInstalled(l);
					} catch (e) {
						if (isStopping()) return;
						env[`E2E_INSTALL_ERROR_${l}`] = e.message;
						console.error(
							`[queue] ERROR: ${getRuntime(l).name} could not be installed; its tests will fail.\n${e.message}`,
						);
					}
				}),
			),
		);
	}

	const files = args.lines.map((l) =>
		path.join(REPO_ROOT, 'tools', 'e2e', 'queue', `n8n-${l}.queue.test.js`),
	);
	for (const f of files) if (!fs.existsSync(f)) throw new Error(`missing test file ${f}`);
	say(`running: node --test ${files.map((f) => path.relative(REPO_ROOT, f)).join(' ')}`);
	const code = await phase('node --test', () => runNodeTests(files, args.passthrough, env));
	fs.rmSync(packDir, { recursive: true, force: true });
	console.log(
		`[queue] timings: ${timings.map(([n, ms]) => `${n} ${secs(ms)}`).join(', ')}; total ${secs(Date.now() - t0)}`,
	);
	process.exit(code);
}

main().catch((e) => {
	if (isStopping()) return;
	console.error(`[queue] ERROR: ${e.message}`);
	process.exit(1);
});
