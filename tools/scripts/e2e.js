#!/usr/bin/env node
'use strict';
// End-to-end tests against real n8n (`npm run test:e2e`).
//
//   node tools/scripts/e2e.js                 both lines: n8n 1.123.50 (Node 20) and n8n 2.41.1 (Node 24)
//   node tools/scripts/e2e.js --n8n 1         only one line (also --n8n 2)
//   node tools/scripts/e2e.js --no-build      test the existing dist/ as it is
//   node tools/scripts/e2e.js --sequential-install   install missing runtimes one after the other
//   node tools/scripts/e2e.js --suite ai      the AI stage (`npm run test:ai`): tests/n8n-<line>.ai.test.js
//   anything else (e.g. --test-reporter=spec, --test-name-pattern=...) goes to `node --test`
//
// Steps: npm run build → npm pack (once) → install the missing pinned n8n
// runtimes (tools/runtime/n8n-*, see tools/scripts/install-n8n.js) → node --test over
// tools/e2e/tests/. A runtime that cannot be installed makes its test file FAIL with
// the install error (it is never skipped silently). Env: E2E_KEEP=1 keeps the
// temp n8n user folders for inspection.

const fs = require('node:fs');
const path = require('node:path');

const { ensureInstalled, getRuntime, isInstalled, REPO_ROOT } = require('../harness/runtime');
const { buildPackage, packPackage, makeTempDir } = require('../harness/n8n');
const { runNodeTests } = require('../harness/node-test');
const { installHooks, isStopping } = require('../harness/procs');

function parseArgs(argv) {
	const out = { lines: [], build: true, parallelInstall: true, suite: 'e2e', passthrough: [] };
	for (let i = 0; i < argv.length; i++) {
		const a = argv[i];
		if (a === '--n8n') out.lines.push(argv[++i]);
		else if (a.startsWith('--n8n=')) out.lines.push(a.slice(6));
		else if (a === '--no-build') out.build = false;
		else if (a === '--sequential-install') out.parallelInstall = false;
		else if (a === '--suite') out.suite = argv[++i];
		else out.passthrough.push(a);
	}
	if (!['e2e', 'ai'].includes(out.suite)) throw new Error(`--suite must be e2e or ai`);
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

	const say = (s) => console.log(`[${args.suite}] ${s}`);
	if (args.build) {
		await phase('build', () => buildPackage({ print: say }));
	}
	const packDir = makeTempDir('n8n-jelou-pack-');
	const tgz = await phase('pack', () => packPackage({ destDir: packDir, print: say }));
	say(`package: ${path.basename(tgz)}`);

	// Install the runtimes that are missing (in parallel: most of the time is
	// registry metadata and one single-threaded sqlite3 compile each).
	const env = { ...process.env, E2E_PACKAGE_TGZ: tgz };
	const missing = args.lines.filter((l) => !isInstalled(l));
	for (const l of args.lines)
		if (!missing.includes(l)) say(`${getRuntime(l).name} already installed`);
	const installOne = async (l) => {
		try {
			await ensureInstalled(l);
		} catch (e) {
			if (isStopping()) return; // Ctrl-C: the signal handler exits
			env[`E2E_INSTALL_ERROR_${l}`] = e.message;
			console.error(
				`[${args.suite}] ERROR: ${getRuntime(l).name} could not be installed; its tests will fail.\n${e.message}`,
			);
		}
	};
	if (missing.length) {
		await phase(`install n8n runtime(s) ${missing.join(', ')}`, async () => {
			if (args.parallelInstall) await Promise.all(missing.map(installOne));
			else for (const l of missing) await installOne(l);
		});
	}

	const files = args.lines.map((l) =>
		path.join(REPO_ROOT, 'tools', 'e2e', 'tests', `n8n-${l}.${args.suite}.test.js`),
	);
	for (const f of files) if (!fs.existsSync(f)) throw new Error(`missing test file ${f}`);
	say(`running: node --test ${files.map((f) => path.relative(REPO_ROOT, f)).join(' ')}`);
	const code = await phase('node --test', () => runNodeTests(files, args.passthrough, env));
	fs.rmSync(packDir, { recursive: true, force: true });
	console.log(
		`[${args.suite}] timings: ${timings.map(([n, ms]) => `${n} ${secs(ms)}`).join(', ')}; total ${secs(Date.now() - t0)}`,
	);
	process.exit(code);
}

main().catch((e) => {
	if (isStopping()) return; // interrupted: the signal handler stops everything and exits
	console.error(`[e2e] ERROR: ${e.message}`);
	process.exit(1);
});
