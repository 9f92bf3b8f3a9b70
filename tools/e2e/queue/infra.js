'use strict';
// Redis and PostgreSQL for the queue-mode tests, from Debian's packages, run as this project's
// own processes on free loopback ports with temporary data folders.
//
// - Missing packages are installed with apt-get (`apt-get update` once, then `redis-server` and
//   `postgresql`). A temporary /usr/sbin/policy-rc.d (exit 101) stops the packages' maintainer
//   scripts from starting the system services while they install: only our own copies run.
// - PostgreSQL refuses to run as root, so its data folder belongs to an unprivileged user
//   (`nobody`) and initdb/postgres run as that user (spawn's uid/gid).
// - Every process is spawned through ../lib/procs (own process group, killed on exit, failure
//   and Ctrl-C).

const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { run, spawnTracked, stop } = require('../../harness/procs');
const { freePort, makeTempDir, sleep } = require('../../harness/n8n');

const REDIS_BIN_CANDIDATES = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];
const POLICY_RC_D = '/usr/sbin/policy-rc.d';

function findRedis() {
	return REDIS_BIN_CANDIDATES.find((p) => fs.existsSync(p));
}

/** Debian's PostgreSQL binaries (newest major first): /usr/lib/postgresql/<major>/bin. */
function findPostgresBinDir() {
	const root = '/usr/lib/postgresql';
	if (!fs.existsSync(root)) return undefined;
	const majors = fs
		.readdirSync(root)
		.filter((d) => /^\d+$/.test(d))
		.sort((a, b) => Number(b) - Number(a));
	for (const m of majors) {
		const bin = path.join(root, m, 'bin');
		if (
			['postgres', 'initdb', 'pg_isready', 'createdb'].every((b) =>
				fs.existsSync(path.join(bin, b)),
			)
		)
			return bin;
	}
	return undefined;
}

function tail(text, n = 20) {
	return String(text).split('\n').filter(Boolean).slice(-n).join('\n');
}

/**
 * Install Debian's redis-server and postgresql when their binaries are missing.
 * Resolves { installed: [...package names], ms, updateMs, installMs }.
 */
/** @param {{ print?: (s: string) => void }} [opts] */
async function ensureDebianPackages({ print = () => {} } = {}) {
	const missing = [];
	if (!findRedis()) missing.push('redis-server');
	if (!findPostgresBinDir()) missing.push('postgresql');
	if (missing.length === 0) return { installed: [], ms: 0, updateMs: 0, installMs: 0 };
	if (typeof process.getuid === 'function' && process.getuid() !== 0) {
		throw new Error(
			`${missing.join(' and ')} missing and this is not root: install them with sudo apt-get install -y ${missing.join(' ')}`,
		);
	}
	const started = Date.now();
	const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' };
	// Other processes on the machine may hold the dpkg lock for a while: wait for it.
	const lockOpts = ['-o', 'DPkg::Lock::Timeout=600', '-o', 'Acquire::Retries=3'];
	print(`apt-get update (for ${missing.join(', ')})`);
	const update = await run('apt-get', [...lockOpts, 'update'], {
		env,
		timeoutMs: 10 * 60_000,
		name: 'apt-get update',
	});
	if (update.code !== 0)
		throw new Error(
			`apt-get update failed (exit ${update.code}):\n${tail(update.stdout + update.stderr)}`,
		);
	const updateMs = Date.now() - started;
	let ownPolicy = false;
	if (!fs.existsSync(POLICY_RC_D)) {
		fs.writeFileSync(
			POLICY_RC_D,
			'#!/bin/sh\n# n8n-nodes-jelou test:queue: do not start services while installing\nexit 101\n',
			{ mode: 0o755 },
		);
		ownPolicy = true;
	}
	try {
		print(`apt-get install -y --no-install-recommends ${missing.join(' ')}`);
		const t = Date.now();
		const install = await run(
			'apt-get',
			[...lockOpts, 'install', '-y', '--no-install-recommends', ...missing],
			{
				env,
				timeoutMs: 15 * 60_000,
				name: 'apt-get install',
			},
		);
		if (install.code !== 0) {
			throw new Error(
				`apt-get install ${missing.join(' ')} failed (exit ${install.code}):\n${tail(install.stdout + install.stderr)}`,
			);
		}
		const installMs = Date.now() - t;
		if (!findRedis() || !findPostgresBinDir()) {
			throw new Error(
				'apt-get install succeeded but redis-server or /usr/lib/postgresql/*/bin/postgres is still missing',
			);
		}
		return { installed: missing, ms: Date.now() - started, updateMs, installMs };
	} finally {
		if (ownPolicy) fs.rmSync(POLICY_RC_D, { force: true });
	}
}

/** Send one line to a TCP server and resolve what it answers first (or undefined). */
function tcpAsk(port, line, timeoutMs = 2000) {
	return new Promise((resolve) => {
		const sock = net.connect({ port, host: '127.0.0.1' });
		let data = '';
		const done = (v) => {
			sock.destroy();
			resolve(v);
		};
		sock.setTimeout(timeoutMs, () => done(undefined));
		sock.once('error', () => done(undefined));
		sock.once('connect', () => sock.write(line));
		sock.on('data', (c) => {
			data += c;
			if (data.includes('\n')) done(data);
		});
	});
}

function watchOutput(child, logFile) {
	const out = fs.createWriteStream(logFile, { flags: 'a' });
	const entry = { text: '' };
	const onData = (c) => {
		out.write(c);
		if (entry.text.length < 2_000_000) entry.text += c;
	};
	child.stdout.on('data', onData);
	child.stderr.on('data', onData);
	child.done.then(() => out.end());
	return entry;
}

/** Start redis-server on a free loopback port, without persistence. Resolves { port, stop, ms }. */
async function startRedis({ dir = makeTempDir('n8n-jelou-redis-'), timeoutMs = 30_000 } = {}) {
	const bin = findRedis();
	if (!bin)
		throw new Error(
			'redis-server is not installed (run the queue tests through tools/scripts/test-queue.js)',
		);
	const started = Date.now();
	const port = await freePort();
	const child = spawnTracked(
		bin,
		[
			'--port',
			String(port),
			'--bind',
			'127.0.0.1',
			'--save',
			'',
			'--appendonly',
			'no',
			'--daemonize',
			'no',
			'--dir',
			dir,
		],
		{ cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], name: 'redis-server' },
	);
	const log = watchOutput(child, path.join(dir, 'redis.log'));
	let exited = false;
	child.done.then(() => (exited = true));
	while (Date.now() - started < timeoutMs) {
		if (exited) throw new Error(`redis-server exited before it was ready:\n${tail(log.text)}`);
		const answer = await tcpAsk(port, 'PING\r\n');
		if (answer && answer.startsWith('+PONG')) {
			return {
				port,
				host: '127.0.0.1',
				child,
				dir,
				ms: Date.now() - started,
				stop: () => stop(child, 5000),
			};
		}
		await sleep(100);
	}
	await stop(child, 1000);
	throw new Error(`redis-server was not ready after ${timeoutMs} ms:\n${tail(log.text)}`);
}

async function userIds(name) {
	const u = await run('id', ['-u', name], { timeoutMs: 10_000 });
	const g = await run('id', ['-g', name], { timeoutMs: 10_000 });
	if (u.code !== 0 || g.code !== 0)
		throw new Error(`no user "${name}" on this machine to run PostgreSQL as`);
	return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
}

/**
 * initdb + postgres as an unprivileged user (default `nobody`) in a temporary folder, on a free
 * loopback port, trust authentication for the superuser `n8n` on 127.0.0.1 only. Durability
 * settings are off (fsync): this database lives for one test run.
 * Resolves { port, user, binDir, initMs, startMs, createDatabase(name), stop }.
 */
async function startPostgres({ runAs = 'nobody', timeoutMs = 60_000 } = {}) {
	const binDir = findPostgresBinDir();
	if (!binDir)
		throw new Error(
			'PostgreSQL is not installed (run the queue tests through tools/scripts/test-queue.js)',
		);
	const dir = makeTempDir('n8n-jelou-pg-');
	const ids =
		typeof process.getuid === 'function' && process.getuid() === 0
			? await userIds(runAs)
			: undefined;
	if (ids) fs.chownSync(dir, ids.uid, ids.gid);
	const dataDir = path.join(dir, 'data');
	const asUser = ids ? { uid: ids.uid, gid: ids.gid } : {};
	const env = { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C', HOME: dir };
	const t0 = Date.now();
	const init = await run(
		path.join(binDir, 'initdb'),
		['-D', dataDir, '-U', 'n8n', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'],
		{
			cwd: dir,
			env,
			timeoutMs: 120_000,
			name: 'initdb',
			...asUser,
		},
	);
	if (init.code !== 0)
		throw new Error(`initdb failed (exit ${init.code}):\n${tail(init.stdout + init.stderr)}`);
	const initMs = Date.now() - t0;
	const port = await freePort();
	const t1 = Date.now();
	const child = spawnTracked(
		path.join(binDir, 'postgres'),
		[
			'-D',
			dataDir,
			'-p',
			String(port),
			'-h',
			'127.0.0.1',
			'-k',
			dir,
			'-c',
			'fsync=off',
			'-c',
			'synchronous_commit=off',
			'-c',
			'full_page_writes=off',
			'-c',
			'max_connections=200',
		],
		{ cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'], name: 'postgres', ...asUser },
	);
	const log = watchOutput(child, path.join(dir, 'postgres.log'));
	let exited = false;
	child.done.then(() => (exited = true));
	const stopPg = async () => {
		// SIGINT = "fast shutdown" (SIGTERM would wait for every client to disconnect).
		if (!exited && child.pid) {
			try {
				process.kill(child.pid, 'SIGINT');
			} catch {
				/* gone */
			}
		}
		await stop(child, 10_000);
	};
	for (;;) {
		if (exited) throw new Error(`postgres exited before it was ready:\n${tail(log.text)}`);
		const r = await run(
			path.join(binDir, 'pg_isready'),
			['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', '-t', '2'],
			{
				env,
				timeoutMs: 10_000,
			},
		);
		if (r.code === 0) break;
		if (Date.now() - t1 > timeoutMs) {
			await stopPg();
			throw new Error(`postgres was not ready after ${timeoutMs} ms:\n${tail(log.text)}`);
		}
		await sleep(200);
	}
	const startMs = Date.now() - t1;
	const createDatabase = async (name) => {
		const r = await run(
			path.join(binDir, 'createdb'),
			['-h', '127.0.0.1', '-p', String(port), '-U', 'n8n', name],
			{
				env,
				timeoutMs: 30_000,
			},
		);
		if (r.code !== 0)
			throw new Error(`createdb ${name} failed (exit ${r.code}):\n${tail(r.stdout + r.stderr)}`);
		return name;
	};
	return {
		port,
		host: '127.0.0.1',
		user: 'n8n',
		binDir,
		dir,
		runAs: ids ? runAs : undefined,
		initMs,
		startMs,
		createDatabase,
		stop: stopPg,
		log,
	};
}

module.exports = { ensureDebianPackages, startRedis, startPostgres, findRedis, findPostgresBinDir };
