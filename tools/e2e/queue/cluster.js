'use strict';
// An n8n queue-mode cluster of the project's own processes on loopback ports:
// one main (`n8n start`: editor, REST API, activation of triggers), two workers (`n8n worker`:
// run the executions) and one webhook processor (`n8n webhook`: receives production webhooks),
// sharing Redis (the Bull queue), PostgreSQL and one encryption key.
//
// Each process has a user folder of its own (as separate machines or containers would), each
// with the packed package in .n8n/nodes: it is npm-installed into main's folder the way users
// install it, then the installed folder is copied to the others (the same files a shared image
// would carry).

const fs = require('node:fs');
const path = require('node:path');
const { spawnTracked, stop } = require('../../harness/procs');
const {
	N8nInstance,
	N8nRest,
	freePort,
	makeTempDir,
	httpRequest,
	sleep,
} = require('../../harness/n8n');

function tail(text, n = 40) {
	return String(text).split('\n').filter(Boolean).slice(-n).join('\n');
}

/**
 * Settings shared by every process of the cluster. The Bull lock/stall settings are shorter than
 * n8n's defaults (lock 60 s, stalled check every 30 s) so that a killed worker's job is noticed
 * within seconds; everything else is n8n's default.
 */
function queueEnv({ redis, pg, database, prefix }) {
	return {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: redis.host,
		QUEUE_BULL_REDIS_PORT: String(redis.port),
		QUEUE_BULL_PREFIX: prefix,
		QUEUE_WORKER_LOCK_DURATION: '15000',
		QUEUE_WORKER_LOCK_RENEW_TIME: '5000',
		QUEUE_WORKER_STALLED_INTERVAL: '5000',
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: pg.host,
		DB_POSTGRESDB_PORT: String(pg.port),
		DB_POSTGRESDB_DATABASE: database,
		DB_POSTGRESDB_USER: pg.user,
		DB_POSTGRESDB_PASSWORD: '',
		// The editor's "Execute workflow" (POST /rest/workflows/:id/run) runs on a worker too.
		OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
	};
}

class QueueCluster {
	/**
	 * @param {1|2} line
	 * @param {object} opts redis, pg ({ host, port, user }), database, encryptionKey, workers (2),
	 *   workerConcurrency (10), logDir
	 */
	constructor(line, opts) {
		this.line = line;
		this.opts = { workers: 2, workerConcurrency: 10, ...opts };
		this.logDir = opts.logDir || makeTempDir(`n8n-jelou-queue-logs-${line}-`);
		this.common = queueEnv({
			redis: opts.redis,
			pg: opts.pg,
			database: opts.database,
			prefix: `jelou-q${line}`,
		});
		this.main = new N8nInstance(line, { encryptionKey: opts.encryptionKey, env: this.common });
		this.procs = []; // { role, name, child, url, port, log: { text }, logFile }
		this.timings = {};
	}

	get runtime() {
		return this.main.runtime;
	}

	/** Install the tarball into main's user folder and copy it into every other process's. */
	async installPackage(tgz) {
		const t = Date.now();
		const r = await this.main.installPackage(tgz);
		this.timings.installPackageMs = Date.now() - t;
		this.userFolders = {};
		const roles = [
			'webhook',
			...Array.from({ length: this.opts.workers }, (_, i) => `worker-${i + 1}`),
		];
		for (const role of roles) {
			const dir = makeTempDir(`n8n-jelou-queue-${this.line}-${role}-`);
			fs.mkdirSync(path.join(dir, '.n8n'), { recursive: true });
			fs.cpSync(path.join(this.main.userFolder, '.n8n', 'nodes'), path.join(dir, '.n8n', 'nodes'), {
				recursive: true,
			});
			this.userFolders[role] = dir;
		}
		return r;
	}

	_spawn(role, args, { userFolder, env }) {
		const inst = new N8nInstance(this.line, {
			userFolder,
			encryptionKey: this.opts.encryptionKey,
			env: this.common,
		});
		const logFile = path.join(this.logDir, `${role}.log`);
		const child = spawnTracked(this.runtime.nodeBin, [this.runtime.n8nBin, ...args], {
			cwd: userFolder,
			env: inst.env(env),
			stdio: ['ignore', 'pipe', 'pipe'],
			name: `n8n ${role}`,
		});
		const out = fs.createWriteStream(logFile, { flags: 'a' });
		const log = { text: '' };
		const onData = (c) => {
			out.write(c);
			log.text += c;
		};
		child.stdout.on('data', onData);
		child.stderr.on('data', onData);
		const proc = { role, child, log, logFile, exited: false };
		child.done.then(() => {
			proc.exited = true;
			out.end();
		});
		this.procs.push(proc);
		return proc;
	}

	async _waitReady(proc, url, isReady, timeoutMs) {
		const started = Date.now();
		while (Date.now() - started < timeoutMs) {
			if (proc.exited)
				throw new Error(
					`n8n ${proc.role} exited (code ${proc.child.exitCode}) before it was ready:\n${tail(proc.log.text)}`,
				);
			try {
				const r = await httpRequest('GET', url, { timeoutMs: 5000 });
				if (isReady(r)) return Date.now() - started;
			} catch {
				/* not listening yet */
			}
			await sleep(250);
		}
		throw new Error(
			`n8n ${proc.role} was not ready after ${timeoutMs} ms (${url}):\n${tail(proc.log.text)}`,
		);
	}

	/**
	 * Start main first (it runs the migrations; the others would race it), then the webhook
	 * processor and the workers together. Resolves the URLs.
	 */
	async start({ timeoutMs = 240_000 } = {}) {
		const webhookPort = await freePort();
		this.webhookUrl = `http://127.0.0.1:${webhookPort}`;
		let t = Date.now();
		const server = await this.main.startServer({
			timeoutMs,
			logFile: path.join(this.logDir, 'main.log'),
			env: {
				// Production webhooks are the webhook processor's job (and their URLs point at it).
				WEBHOOK_URL: `${this.webhookUrl}/`,
				N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			},
		});
		this.timings.mainStartMs = Date.now() - t;
		this.mainUrl = server.url;
		const entry = this.main.server.entry;
		this.procs.push({
			role: 'main',
			child: server.child,
			log: {
				get text() {
					return entry.stdout + entry.stderr;
				},
			},
			logFile: path.join(this.logDir, 'main.log'),
		});

		t = Date.now();
		const starts = [];
		const webhook = this._spawn('webhook', ['webhook'], {
			userFolder: this.userFolders.webhook,
			env: {
				N8N_PORT: String(webhookPort),
				N8N_LISTEN_ADDRESS: '127.0.0.1',
				N8N_HOST: '127.0.0.1',
				WEBHOOK_URL: `${this.webhookUrl}/`,
				N8N_RUNNERS_BROKER_PORT: String(await freePort()),
			},
		});
		webhook.url = this.webhookUrl;
		starts.push(
			this._waitReady(
				webhook,
				`${this.webhookUrl}/healthz/readiness`,
				(r) => r.status === 200,
				timeoutMs,
			),
		);
		this.workers = [];
		for (let i = 1; i <= this.opts.workers; i++) {
			const healthPort = await freePort();
			const w = this._spawn(
				`worker-${i}`,
				['worker', `--concurrency=${this.opts.workerConcurrency}`],
				{
					userFolder: this.userFolders[`worker-${i}`],
					env: {
						QUEUE_HEALTH_CHECK_ACTIVE: 'true',
						QUEUE_HEALTH_CHECK_PORT: String(healthPort),
						N8N_WORKER_SERVER_ADDRESS: '127.0.0.1',
						// Workers do not serve the editor, but keep N8N_PORT distinct anyway.
						N8N_PORT: String(await freePort()),
						WEBHOOK_URL: `${this.webhookUrl}/`,
						N8N_RUNNERS_BROKER_PORT: String(await freePort()),
					},
				},
			);
			w.url = `http://127.0.0.1:${healthPort}`;
			w.index = i;
			this.workers.push(w);
			starts.push(
				this._waitReady(w, `${w.url}/healthz/readiness`, (r) => r.status === 200, timeoutMs),
			);
		}
		await Promise.all(starts);
		this.timings.othersStartMs = Date.now() - t;
		this.rest = new N8nRest(this.mainUrl);
		return {
			mainUrl: this.mainUrl,
			webhookUrl: this.webhookUrl,
			workers: this.workers.map((w) => w.url),
		};
	}

	/** Which worker logged "Worker started execution <id>", per execution id: { id: ['worker-1', ...] }. */
	executionsByWorker() {
		const map = {};
		for (const p of this.procs) {
			const re = /Worker started execution (\d+)/g;
			let m;
			while ((m = re.exec(p.log.text))) (map[m[1]] ||= []).push(p.role);
		}
		return map;
	}

	/** Kill one worker's whole process group at once (a crash, an OOM kill, a lost machine). */
	killWorker(worker, signal = 'SIGKILL') {
		try {
			process.kill(-worker.child.pid, signal);
		} catch {
			/* already gone */
		}
		return worker.child.done;
	}

	/** Everything every process printed (for secret scans). */
	transcriptText() {
		// main's output is in its instance transcript (with the CLI imports).
		const others = this.procs.filter((p) => p.role !== 'main');
		return (
			others.map((p) => `### ${p.role}\n${p.log.text}`).join('\n') +
			'\n' +
			this.main.transcriptText()
		);
	}

	async stop() {
		const others = this.procs.filter((p) => p.role !== 'main');
		await Promise.all(others.map((p) => stop(p.child, 10_000)));
		await this.main.stopServer();
	}
}

module.exports = { QueueCluster, queueEnv };
