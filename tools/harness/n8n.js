'use strict';
// Drive a real n8n (one of the pinned runtimes) against a user folder:
// install the packed community package the way users get it, import
// credentials and workflows, run workflows headlessly, or run `n8n start`.
//
// Everything n8n prints is kept in `instance.transcript` so tests can assert
// that no secret ever shows up in it.

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const http = require('node:http');
const net = require('node:net');
const { run, spawnTracked, stop, onExitSync } = require('./procs');
const { getRuntime, REPO_ROOT, npmEnv, npmCommand } = require('./runtime');
const { readBody } = require('./body');

const PACKAGE_NAME = 'n8n-nodes-jelou';
const NODE_TYPE = `${PACKAGE_NAME}.jelou`;
const CREDENTIAL_TYPE = 'jelouApi';
// Test/dev only: lets imported credentials be decrypted by every command.
const DEFAULT_ENCRYPTION_KEY = 'n8n-nodes-jelou-local-e2e-only';

/** A free TCP port on 127.0.0.1 (the OS picks it). */
function freePort() {
	return new Promise((resolve, reject) => {
		const srv = net.createServer();
		srv.unref();
		srv.once('error', reject);
		srv.listen(0, '127.0.0.1', () => {
			const { port } = /** @type {import('node:net').AddressInfo} */ (srv.address());
			srv.close(() => resolve(port));
		});
	});
}

/** Whether something already listens on 127.0.0.1:port. */
function portInUse(port) {
	return new Promise((resolve) => {
		const sock = net.connect({ port, host: '127.0.0.1' });
		sock.once('connect', () => {
			sock.destroy();
			resolve(true);
		});
		sock.once('error', () => resolve(false));
	});
}

/**
 * A new temp folder, deleted when this process exits (also after Ctrl-C),
 * unless E2E_KEEP=1 or `keep` is set.
 */
function makeTempDir(prefix = 'n8n-jelou-e2e-', { keep = !!process.env.E2E_KEEP } = {}) {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	if (!keep) onExitSync(() => fs.rmSync(dir, { recursive: true, force: true }));
	return dir;
}

function tail(text, n = 30) {
	return String(text).split('\n').filter(Boolean).slice(-n).join('\n');
}

/**
 * `npm run build` in the repository root.
 * @param {{ print?: (s: string) => void }} [opts]
 */
async function buildPackage({ print = () => {} } = {}) {
	const npm = npmCommand();
	print('Building the package (npm run build)');
	const r = await run(npm.cmd, [...npm.pre, 'run', 'build'], {
		cwd: REPO_ROOT,
		env: npmEnv(),
		timeoutMs: 10 * 60_000,
	});
	if (r.code !== 0)
		throw new Error(`npm run build failed (exit ${r.code}):\n${tail(r.stdout + r.stderr)}`);
	const missing = builtFiles().filter((f) => !fs.existsSync(f));
	if (missing.length)
		throw new Error(`npm run build succeeded but ${missing.join(', ')} is missing`);
}

/** The built files package.json's "n8n" block lists (nodes and credentials), as absolute paths. */
function builtFiles() {
	const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
	return [...(pkg.n8n?.nodes || []), ...(pkg.n8n?.credentials || [])].map((f) =>
		path.join(REPO_ROOT, f),
	);
}

/**
 * `npm pack` the built package into `destDir` (a temp folder by default).
 * Uses $E2E_PACKAGE_TGZ when set (tools/scripts/e2e.js packs once for all tests).
 * @param {{ destDir?: string, print?: (s: string) => void }} [opts]
 * @returns {Promise<string>} the tarball's path
 */
async function packPackage({ destDir, print = () => {} } = {}) {
	if (process.env.E2E_PACKAGE_TGZ && fs.existsSync(process.env.E2E_PACKAGE_TGZ))
		return process.env.E2E_PACKAGE_TGZ;
	const missing = builtFiles().filter((f) => !fs.existsSync(f));
	if (missing.length) {
		throw new Error(
			`${missing.join(', ')} does not exist: build the package first (npm run build)`,
		);
	}
	const dest = destDir || makeTempDir('n8n-jelou-pack-');
	fs.mkdirSync(dest, { recursive: true });
	const npm = npmCommand();
	print('Packing the package (npm pack)');
	// --ignore-scripts: the package has no pack-time scripts; dist/ is built already.
	const r = await run(
		npm.cmd,
		[...npm.pre, 'pack', '--json', '--ignore-scripts', '--pack-destination', dest],
		{
			cwd: REPO_ROOT,
			env: npmEnv(),
			timeoutMs: 120_000,
		},
	);
	if (r.code !== 0)
		throw new Error(`npm pack failed (exit ${r.code}):\n${tail(r.stdout + r.stderr)}`);
	let filename;
	try {
		filename = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')))[0].filename;
	} catch {
		filename = tail(r.stdout, 1).trim();
	}
	const tgz = path.join(dest, path.basename(filename));
	if (!fs.existsSync(tgz))
		throw new Error(`npm pack did not produce ${tgz}:\n${tail(r.stdout + r.stderr)}`);
	return tgz;
}

/**
 * Install the packed package into $userFolder/.n8n/nodes, as n8n's community
 * package installer would: that folder gets its own minimal package.json.
 */
async function installPackageIntoUserFolder(userFolder, tgz) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	const pj = path.join(nodesDir, 'package.json');
	if (!fs.existsSync(pj)) {
		fs.writeFileSync(
			pj,
			JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2) + '\n',
		);
	}
	const npm = npmCommand();
	// --legacy-peer-deps: otherwise npm adds the peer n8n-workflow@latest; n8n
	// resolves n8n-workflow to its own copy at run time.
	const r = await run(
		npm.cmd,
		[
			...npm.pre,
			'install',
			'--legacy-peer-deps',
			'--no-save',
			'--no-audit',
			'--no-fund',
			'--ignore-scripts',
			'--no-package-lock',
			tgz,
		],
		{ cwd: nodesDir, env: npmEnv(), timeoutMs: 180_000 },
	);
	if (r.code !== 0)
		throw new Error(
			`Installing ${tgz} into ${nodesDir} failed (exit ${r.code}):\n${tail(r.stdout + r.stderr)}`,
		);
	const installedPj = path.join(nodesDir, 'node_modules', PACKAGE_NAME, 'package.json');
	if (!fs.existsSync(installedPj)) throw new Error(`${installedPj} missing after npm install`);
	const pkg = JSON.parse(fs.readFileSync(installedPj, 'utf8'));
	for (const f of [...(pkg.n8n?.nodes || []), ...(pkg.n8n?.credentials || [])]) {
		if (!fs.existsSync(path.join(nodesDir, 'node_modules', PACKAGE_NAME, f))) {
			throw new Error(`The packed package lacks ${f} (listed in its package.json "n8n" field)`);
		}
	}
	return { nodesDir, version: pkg.version };
}

/**
 * The first line that is exactly "{" starts the JSON n8n prints (2.x prints log
 * lines before it, and possibly after it): try the longest parse first.
 */
function parseRunOutput(stdout) {
	const lines = stdout.split(/\r?\n/);
	const start = lines.findIndex((l) => l === '{');
	if (start === -1) return undefined;
	for (let end = lines.length - 1; end > start; end--) {
		if (lines[end] !== '}') continue;
		try {
			return JSON.parse(lines.slice(start, end + 1).join('\n'));
		} catch {
			/* try a shorter slice */
		}
	}
	return undefined;
}

/** Items (json only) a node emitted on one output of its first run. */
function nodeItems(runResult, nodeName, outputIndex = 0) {
	const runs = runResult?.data?.resultData?.runData?.[nodeName];
	if (!runs || runs.length === 0) return undefined;
	const main = runs[0].data?.main || [];
	return (main[outputIndex] || []).map((i) => i.json);
}

/** Full items (json, error, pairedItem) of one node output. */
function nodeRawItems(runResult, nodeName, outputIndex = 0) {
	const runs = runResult?.data?.resultData?.runData?.[nodeName];
	if (!runs || runs.length === 0) return undefined;
	return (runs[0].data?.main || [])[outputIndex] || [];
}

/**
 * One HTTP request; `body` other than a string is sent as JSON. Resolves whatever the status.
 * @param {string} method
 * @param {string} url
 * @param {{ body?: unknown, headers?: Record<string, string>, timeoutMs?: number }} [opts]
 * @returns {Promise<HttpAnswer>}
 */
function httpRequest(method, url, { body, headers = {}, timeoutMs = 10_000 } = {}) {
	return new Promise((resolve, reject) => {
		const data =
			body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
		const req = http.request(
			url,
			{
				method,
				headers: {
					...(data !== undefined
						? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) }
						: {}),
					...headers,
				},
				timeout: timeoutMs,
			},
			(res) =>
				readBody(res).then(
					({ text, json }) => resolve({ status: res.statusCode, headers: res.headers, text, json }),
					reject,
				),
		);
		req.on('timeout', () =>
			req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${url}`)),
		);
		req.on('error', reject);
		if (data !== undefined) req.write(data);
		req.end();
	});
}

/**
 * @typedef {object} HttpAnswer
 * @property {number} status
 * @property {import('node:http').IncomingHttpHeaders} headers
 * @property {string} text
 * @property {any} json  the body parsed as JSON, undefined when it is not JSON
 */

/** @param {number} ms */
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

class N8nInstance {
	/**
	 * @param {1|2|string} line  which pinned runtime
	 * @param {object} opts  userFolder (default: a new temp folder), encryptionKey, env (extra env)
	 */
	constructor(line, opts = {}) {
		this.runtime = getRuntime(line);
		this.userFolder = opts.userFolder || makeTempDir(`n8n-jelou-e2e-${this.runtime.line}-`);
		this.ownsUserFolder = !opts.userFolder;
		fs.mkdirSync(path.join(this.userFolder, '.n8n'), { recursive: true });
		this.encryptionKey = opts.encryptionKey || DEFAULT_ENCRYPTION_KEY;
		this.extraEnv = opts.env || {};
		this.transcript = []; // { cmd, stdout, stderr }
		this.server = undefined;
		this.logTo = opts.logTo; // optional stream for server output
	}

	/**
	 * The environment for every n8n command (see the project's runtime notes).
	 * @param {Record<string, string>} [extra]
	 * @returns {Record<string, string>}
	 */
	env(extra = {}) {
		/** @type {Record<string, string>} */
		const env = {};
		for (const [k, v] of Object.entries(process.env)) {
			// Nothing from the caller's n8n/DB setup, never N8N_CUSTOM_EXTENSIONS
			// (an empty value means "glob the cwd"), no test-runner context.
			if (
				/^(N8N_|DB_|EXECUTIONS_|QUEUE_|GENERIC_TIMEZONE$|NODE_OPTIONS$|NODE_TEST_CONTEXT$|NODE_PATH$)/.test(
					k,
				)
			)
				continue;
			if (/^npm_/i.test(k)) continue;
			env[k] = v;
		}
		Object.assign(env, {
			PATH: this.runtime.pathEnv,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			N8N_DIAGNOSTICS_ENABLED: 'false',
			N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
			N8N_TEMPLATES_ENABLED: 'false',
			N8N_PERSONALIZATION_ENABLED: 'false',
			N8N_HIRING_BANNER_ENABLED: 'false',
			N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'true',
			DB_TYPE: 'sqlite',
			// The CLI prints its result through the logger: keep "info".
			N8N_LOG_LEVEL: 'info',
			N8N_LOG_OUTPUT: 'console',
			N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
			N8N_SECURE_COOKIE: 'false',
			GENERIC_TIMEZONE: 'UTC',
			TZ: 'UTC',
			NO_COLOR: '1',
		});
		Object.assign(env, this.extraEnv, extra);
		return env;
	}

	/**
	 * @param {string[]} args
	 * @param {{ timeoutMs?: number, env?: Record<string, string> }} [opts]
	 */
	async cli(args, { timeoutMs = 180_000, env = {} } = {}) {
		const runEnv = this.env(env);
		if (this.runtime.line === 2 && !env.N8N_RUNNERS_BROKER_PORT) {
			// Every 2.x process starts a task broker (default port 5679): give each
			// CLI run its own port so it never clashes with `n8n start` or another run.
			runEnv.N8N_RUNNERS_BROKER_PORT = String(await freePort());
		}
		const r = await run(this.runtime.nodeBin, [this.runtime.n8nBin, ...args], {
			cwd: this.userFolder,
			env: runEnv,
			timeoutMs,
			name: `n8n ${args[0]}`,
		});
		this.transcript.push({ cmd: `n8n ${args.join(' ')}`, stdout: r.stdout, stderr: r.stderr });
		return r;
	}

	/** Install the packed package into this user folder's .n8n/nodes. */
	async installPackage(tgz) {
		return installPackageIntoUserFolder(this.userFolder, tgz);
	}

	async _importFile(kind, list) {
		const dir = path.join(this.userFolder, 'import');
		fs.mkdirSync(dir, { recursive: true });
		const file = path.join(
			dir,
			`${kind}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}.json`,
		);
		fs.writeFileSync(file, JSON.stringify(list, null, 2));
		try {
			const r = await this.cli([`import:${kind}`, `--input=${file}`]);
			if (r.code !== 0 || !/Successfully imported/i.test(r.stdout + r.stderr)) {
				throw new Error(
					`n8n import:${kind} failed (exit ${r.code}${r.timedOut ? ', timed out' : ''}):\n${tail(r.stdout + r.stderr)}`,
				);
			}
			return r;
		} finally {
			// The file may hold plain-text secrets: do not leave it behind.
			fs.rmSync(file, { force: true });
		}
	}

	/** Import credentials: [{ id, name, type, data: {...plain...} }] (encrypted on import). */
	importCredentials(list) {
		return this._importFile('credentials', list);
	}

	/** Import workflows (each with a fixed `id`). */
	importWorkflows(list) {
		return this._importFile('workflow', list);
	}

	/**
	 * `n8n execute --id=<id> --rawOutput`. Resolves { code, ok, result (IRun),
	 * stdout, stderr, ms }. Never throws for a failed workflow; throws when the
	 * output has no JSON and the command did not succeed.
	 */
	async execute(id, { timeoutMs = 120_000 } = {}) {
		const r = await this.cli(['execute', `--id=${id}`, '--rawOutput'], { timeoutMs });
		const result = parseRunOutput(r.stdout);
		if (r.timedOut)
			throw new Error(
				`n8n execute --id=${id} timed out after ${timeoutMs} ms:\n${tail(r.stdout + r.stderr)}`,
			);
		if (!result) {
			throw new Error(
				`n8n execute --id=${id} printed no run data (exit ${r.code}):\n${tail(r.stdout + r.stderr, 40)}`,
			);
		}
		return { ...r, ok: r.code === 0, result };
	}

	/**
	 * Start `n8n start` on 127.0.0.1:<port> and wait until its REST API answers.
	 * Resolves { url, port, child }. Output goes to `logFile` (if given) and to
	 * the transcript.
	 * @param {{ port?: number, timeoutMs?: number, logFile?: string, env?: Record<string, string> }} [opts]
	 */
	async startServer({ port, timeoutMs = 180_000, logFile, env = {} } = {}) {
		if (this.server) throw new Error('n8n server already running');
		const p = port || (await freePort());
		if (await portInUse(p)) throw new Error(`Port ${p} on 127.0.0.1 is already in use`);
		const brokerPort = await freePort();
		const runEnv = this.env({
			N8N_HOST: '127.0.0.1',
			N8N_LISTEN_ADDRESS: '127.0.0.1',
			N8N_PORT: String(p),
			N8N_PROTOCOL: 'http',
			N8N_EDITOR_BASE_URL: `http://127.0.0.1:${p}/`,
			WEBHOOK_URL: `http://127.0.0.1:${p}/`,
			N8N_RUNNERS_BROKER_PORT: String(brokerPort),
			...env,
		});
		const child = spawnTracked(this.runtime.nodeBin, [this.runtime.n8nBin, 'start'], {
			cwd: this.userFolder,
			env: runEnv,
			stdio: ['ignore', 'pipe', 'pipe'],
			name: 'n8n start',
		});
		const entry = { cmd: 'n8n start', stdout: '', stderr: '' };
		this.transcript.push(entry);
		const out = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : undefined;
		child.stdout.on('data', (c) => {
			entry.stdout += c;
			if (out) out.write(c);
		});
		child.stderr.on('data', (c) => {
			entry.stderr += c;
			if (out) out.write(c);
		});
		child.done.then(() => out && out.end());
		const url = `http://127.0.0.1:${p}`;
		this.server = { child, url, port: p, entry };
		const started = Date.now();
		let exited = false;
		child.done.then(() => {
			exited = true;
		});
		while (Date.now() - started < timeoutMs) {
			if (exited) {
				this.server = undefined;
				throw new Error(
					`n8n start exited (code ${child.exitCode}) before it was ready:\n${tail(entry.stdout + entry.stderr, 40)}`,
				);
			}
			try {
				// While it migrates, n8n answers every path with 200 "n8n is starting
				// up"; /healthz/readiness answers before the REST API is mounted, and
				// /rest/settings can answer before the controllers are: wait for JSON
				// from /rest/settings and for GET /rest/login (the "current user"
				// route) to answer 401 (no session) rather than 404 (not mounted).
				const r = await httpRequest('GET', `${url}/rest/settings`, { timeoutMs: 5000 });
				if (r.status === 200 && r.json && r.json.data) {
					const login = await httpRequest('GET', `${url}/rest/login`, { timeoutMs: 5000 });
					if (login.status === 401 || (login.status === 200 && login.json)) {
						return { url, port: p, child, readyMs: Date.now() - started };
					}
				}
			} catch {
				/* not listening yet */
			}
			await sleep(250);
		}
		await this.stopServer();
		throw new Error(
			`n8n start was not ready after ${timeoutMs} ms:\n${tail(entry.stdout + entry.stderr, 40)}`,
		);
	}

	async stopServer() {
		if (!this.server) return;
		const { child } = this.server;
		this.server = undefined;
		await stop(child, 10_000);
	}

	/** All text n8n printed so far (for secret scans). */
	transcriptText() {
		return this.transcript.map((t) => `$ ${t.cmd}\n${t.stdout}\n${t.stderr}`).join('\n');
	}

	/** Stop the server and delete the user folder if this instance created it. */
	async dispose({ keep = false } = {}) {
		await this.stopServer();
		if (this.ownsUserFolder && !keep) fs.rmSync(this.userFolder, { recursive: true, force: true });
	}
}

/**
 * REST helpers for a running n8n server (owner setup and login).
 */
class N8nRest {
	constructor(baseUrl) {
		this.baseUrl = baseUrl.replace(/\/$/, '');
		this.cookie = undefined;
	}

	async request(method, p, body) {
		const headers = { 'browser-id': 'n8n-nodes-jelou-e2e' };
		if (this.cookie) headers.cookie = this.cookie;
		const r = await httpRequest(method, `${this.baseUrl}${p}`, {
			body,
			headers,
			timeoutMs: 30_000,
		});
		const setCookie = r.headers['set-cookie'];
		if (setCookie) {
			const auth = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('n8n-auth='));
			if (auth) this.cookie = auth;
		}
		return r;
	}

	/** Create the owner if there is none yet. Resolves true when created now. */
	async setupOwner({ email, password, firstName = 'Local', lastName = 'Developer' }) {
		const r = await this.request('POST', '/rest/owner/setup', {
			email,
			password,
			firstName,
			lastName,
		});
		if (r.status === 200) return true;
		// An owner already exists (re-run): n8n answers 400.
		if (r.status === 400 && /already setup|Instance owner already/i.test(r.text)) return false;
		throw new Error(`owner setup failed: HTTP ${r.status} ${r.text.slice(0, 300)}`);
	}

	async login({ email, password }) {
		const r = await this.request('POST', '/rest/login', {
			emailOrLdapLoginId: email,
			email,
			password,
		});
		if (r.status !== 200) throw new Error(`login failed: HTTP ${r.status} ${r.text.slice(0, 300)}`);
		return r.json?.data;
	}

	/** GET a REST route and return `data`; throws on a non-200 answer. */
	async getData(p) {
		const r = await this.request('GET', p);
		if (r.status !== 200) throw new Error(`GET ${p}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
		return r.json?.data;
	}

	/**
	 * Activate (1.x) / publish (2.x) a workflow at runtime, the way the editor's toggle does:
	 * `POST /rest/workflows/:id/activate` with its current versionId (the same route in 1.123 and
	 * 2.41). n8n registers the workflow's webhooks before it answers, but poll the webhook anyway.
	 */
	async activateWorkflow(id) {
		const wf = await this.getData(`/rest/workflows/${encodeURIComponent(id)}`);
		const r = await this.request('POST', `/rest/workflows/${encodeURIComponent(id)}/activate`, {
			versionId: wf.versionId,
		});
		if (r.status !== 200)
			throw new Error(`activating workflow ${id} failed: HTTP ${r.status} ${r.text.slice(0, 500)}`);
		return r.json?.data;
	}

	/**
	 * Deactivate (1.x) / unpublish (2.x) a workflow at runtime, as the editor's toggle does:
	 * `POST /rest/workflows/:id/deactivate` (same route in 1.123 and 2.41). n8n runs the
	 * trigger's webhook `delete` hook before it answers. Resolves the raw answer (status, json).
	 */
	async deactivateWorkflow(id) {
		return this.request('POST', `/rest/workflows/${encodeURIComponent(id)}/deactivate`, {});
	}

	/** Activation that may fail: resolves the raw answer (status, json, text) instead of throwing. */
	async tryActivateWorkflow(id) {
		const wf = await this.getData(`/rest/workflows/${encodeURIComponent(id)}`);
		return this.request('POST', `/rest/workflows/${encodeURIComponent(id)}/activate`, {
			versionId: wf.versionId,
		});
	}

	/**
	 * The node types the editor has loaded (GET /types/nodes.json): descriptions with their
	 * properties, including the tool variants n8n derives (n8n-nodes-jelou.jelouTool).
	 */
	async nodeTypes() {
		const r = await this.request('GET', '/types/nodes.json');
		if (r.status !== 200 || !Array.isArray(r.json))
			throw new Error(`GET /types/nodes.json: HTTP ${r.status} ${r.text.slice(0, 300)}`);
		return r.json;
	}

	/**
	 * Executions of one workflow, newest first, one entry per id: [{ id, status, mode, ... }].
	 * n8n builds this list from two queries, the executions still running and the finished ones,
	 * so one that finishes between them is listed twice; the finished entry is kept.
	 */
	async executions(workflowId) {
		const filter = encodeURIComponent(JSON.stringify({ workflowId }));
		const data = await this.getData(`/rest/executions?filter=${filter}&limit=50`);
		const results = Array.isArray(data?.results) ? data.results : [];
		const byId = new Map();
		for (const e of results) {
			const kept = byId.get(e.id);
			if (!kept || kept.status === 'new' || kept.status === 'running') byId.set(e.id, e);
		}
		return [...byId.values()];
	}

	/** One execution with its run data decoded (n8n sends it `flatted`-encoded). */
	async execution(id) {
		const data = await this.getData(`/rest/executions/${encodeURIComponent(id)}`);
		if (data && typeof data.data === 'string') data.data = parseFlatted(data.data);
		return data;
	}
}

/**
 * Decode the `flatted` format n8n's REST API uses for execution data: a JSON array whose first
 * entry is the root; every object, array and string is an entry of its own, referenced from its
 * containers by its index written as a string. (Same result as flatted's parse().)
 */
function parseFlatted(text) {
	const input = JSON.parse(text, (_, v) => (typeof v === 'string' ? new String(v) : v)).map((v) =>
		v instanceof String ? String(v) : v,
	);
	const revived = new Set();
	const revive = (container) => {
		for (const key of Object.keys(container)) {
			const ref = container[key];
			if (!(ref instanceof String)) continue;
			const target = input[Number(ref)];
			if (target !== null && typeof target === 'object' && !revived.has(target)) {
				revived.add(target);
				revive(target);
			}
			container[key] = target;
		}
		return container;
	};
	const root = input[0];
	if (root === null || typeof root !== 'object') return root;
	revived.add(root);
	return revive(root);
}

module.exports = {
	PACKAGE_NAME,
	NODE_TYPE,
	CREDENTIAL_TYPE,
	N8nInstance,
	N8nRest,
	buildPackage,
	packPackage,
	installPackageIntoUserFolder,
	parseRunOutput,
	parseFlatted,
	nodeItems,
	nodeRawItems,
	freePort,
	portInUse,
	makeTempDir,
	httpRequest,
	sleep,
	tail,
};
