'use strict';
// Queue mode, run once per pinned n8n line (tools/e2e/queue/n8n-*.queue.test.js; `npm run test:queue`).
//
// Redis and PostgreSQL (Debian's packages, our own processes), the Jelou sandbox (in this
// process), then n8n main + two workers + one webhook processor (./cluster.js). Executions are
// started the two ways users start them in queue mode:
//  - through main's REST API, as the editor's "Execute workflow" does (POST /rest/workflows/:id/run
//    with a logged-in session; OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS=true sends them to a worker);
//  - through production webhooks posted at the webhook processor (a Webhook-triggered workflow,
//    and the Jelou Trigger), which queue them for the workers.
// Which worker ran an execution comes from the workers' own logs ("Worker started execution <id>").

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const path = require('node:path');
const { describe, before, after, test } = require('node:test');

const { ensureInstalled, getRuntime, REPO_ROOT } = require('../../harness/runtime');
const { packPackage, httpRequest, sleep } = require('../../harness/n8n');
const wf = require('../../harness/workflows');
const { onCleanup, installHooks } = require('../../harness/procs');
const infra = require('./infra');
const { QueueCluster } = require('./cluster');
const media = require('./media');
const { stageTimer, secs } = require('../../harness/stages');

const { startSandbox } = require(path.join(REPO_ROOT, 'tools', 'sandbox', 'server.js'));

const PROJECT = 'demo-project';
const BOT = 'bot-001';
const OWNER = { email: 'queue-owner@example.com', password: 'Queue-e2e-Passw0rd!' };

// Load scenario (env overrides are for development runs only).
const LOAD_EXECUTIONS = Number(process.env.QUEUE_LOAD_EXECUTIONS || 20);
const LOAD_ITEMS = Number(process.env.QUEUE_LOAD_ITEMS || 200);
const LOAD_RATE_LIMIT = 50; // requests per second at the sandbox, then 429 + Retry-After: 1
const BIG_GET_ITEMS = 1000;
const KILL_ITEMS = 300;

const WF = {
	example: 'JelouExampleFlow', // tools/e2e/fixtures/example-workflow.json
	// n8n saves static data only for ids of at most 16 characters (isWorkflowIdValid).
	bigGet: 'JelouQGet1000',
	load: 'JelouQLoad01',
	trigger: 'JelouQTrigger01',
	register: 'JelouQRegister1',
	kill: 'JelouQKill01',
};

const TERMINAL = new Set(['success', 'error', 'crashed', 'canceled', 'cancelled']);

async function waitFor(what, fn, { timeoutMs = 30_000, intervalMs = 250 } = {}) {
	const started = Date.now();
	for (;;) {
		const v = await fn();
		if (v) return v;
		if (Date.now() - started > timeoutMs)
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(intervalMs);
	}
}

function webhookNode({ name = 'Webhook', path: hookPath, webhookId }) {
	return {
		id: crypto.randomUUID(),
		name,
		type: 'n8n-nodes-base.webhook',
		typeVersion: 2,
		position: [0, 0],
		webhookId,
		parameters: { httpMethod: 'POST', path: hookPath, responseMode: 'onReceived', options: {} },
	};
}

function codeNode(name, jsCode) {
	return {
		id: crypto.randomUUID(),
		name,
		type: 'n8n-nodes-base.code',
		typeVersion: 2,
		position: [0, 0],
		parameters: { jsCode },
	};
}

function lineOf(id, name, nodes) {
	nodes.forEach((n, i) => (n.position = [i * 220, 0]));
	return wf.workflow({ id, name, nodes, connections: wf.chain(...nodes.map((n) => n.name)) });
}

function defineQueueSuite(line) {
	const rt = getRuntime(line);
	const title = `queue mode: n8n ${rt.n8nVersion} (main + 2 workers + webhook processor, Redis, PostgreSQL)`;
	installHooks();

	describe(title, { timeout: 40 * 60_000 }, () => {
		const secrets = {
			apiKey: `queue-apikey-${crypto.randomBytes(8).toString('hex')}`,
			signingSecret: `queue-signing-${crypto.randomBytes(8).toString('hex')}`,
			encryptionKey: `queue-enc-${crypto.randomBytes(12).toString('hex')}`,
		};
		// Where the project's integration points before the tests touch it (a panel of one's own).
		const seedIntegration = {
			webhookUrl: 'http://127.0.0.1:9/own-support-panel',
			authType: 'no_auth',
			signingSecret: secrets.signingSecret,
		};
		const timer = stageTimer();
		const timed = timer.stage;
		let sb;
		let redis;
		let pg;
		let cluster;
		let rest;
		let credKey;
		let credSign;
		let setupError;
		const hookIds = {
			load: wf.webhookUuid(`queue-load-${line}`),
			kill: wf.webhookUuid(`queue-kill-${line}`),
			trigger: wf.webhookUuid(`queue-trigger-${line}`),
			register: wf.webhookUuid(`queue-register-${line}`),
		};

		function requireSetup() {
			if (setupError)
				throw new Error(
					`setup failed, see the first test: ${String(setupError.message).split('\n')[0]}`,
				);
		}

		/** The editor's "Execute workflow": POST /rest/workflows/:id/run on main. Resolves the execution id. */
		async function runThroughMain(id) {
			const workflowData = await rest.getData(`/rest/workflows/${encodeURIComponent(id)}`);
			const r = await rest.request('POST', `/rest/workflows/${encodeURIComponent(id)}/run`, {
				workflowData,
				triggerToStartFrom: { name: 'Manual Trigger' },
			});
			assert.equal(
				r.status,
				200,
				`POST /rest/workflows/${id}/run: HTTP ${r.status} ${r.text.slice(0, 300)}`,
			);
			const executionId = r.json?.data?.executionId;
			assert.ok(executionId, `no executionId in ${r.text.slice(0, 300)}`);
			return String(executionId);
		}

		async function waitExecution(id, timeoutMs = 180_000) {
			return waitFor(
				`execution ${id} to finish`,
				async () => {
					const e = await rest.execution(id).catch(() => undefined);
					return e && TERMINAL.has(e.status) ? e : undefined;
				},
				{ timeoutMs, intervalMs: 500 },
			);
		}

		async function listExecutions(workflowId) {
			const filter = encodeURIComponent(JSON.stringify({ workflowId }));
			const data = await rest.getData(`/rest/executions?filter=${filter}&limit=100`);
			return Array.isArray(data?.results) ? data.results : [];
		}

		/** Items of one node output in an execution fetched from main. */
		function outputOf(exec, nodeName, outputIndex = 0) {
			const runs = exec.data?.resultData?.runData?.[nodeName];
			if (!runs || !runs.length) return undefined;
			return (runs[0].data?.main || [])[outputIndex] || [];
		}

		before(async () => {
			try {
				await setup();
			} catch (e) {
				setupError = e;
			}
		});

		async function setup() {
			const failed = process.env[`E2E_INSTALL_ERROR_${rt.line}`];
			if (failed)
				throw new Error(
					`${rt.name} could not be installed on this machine, so it was not tested:\n${failed}`,
				);
			await ensureInstalled(line, { print: (s) => console.log(s) });
			await timed('apt (redis-server, postgresql)', () =>
				infra.ensureDebianPackages({ print: (s) => console.log(`[queue] ${s}`) }),
			);
			redis = await timed('redis start', () => infra.startRedis());
			onCleanup(() => redis.stop());
			pg = await infra.startPostgres();
			onCleanup(() => pg.stop());
			timer.record('postgres initdb', pg.initMs);
			timer.record('postgres start', pg.startMs);
			const database = await pg.createDatabase(`n8n_queue_${line}`);

			sb = await startSandbox({
				port: 0,
				apiKey: secrets.apiKey,
				projectId: PROJECT,
				quiet: true,
				maxRequestLog: 2_000_000,
				integration: seedIntegration,
			});
			onCleanup(() => sb.close());

			cluster = new QueueCluster(line, {
				redis,
				pg,
				database,
				encryptionKey: secrets.encryptionKey,
			});
			onCleanup(() => cluster.stop());
			const tgz = await packPackage();
			await timed('package install (npm install of the tarball)', () =>
				cluster.installPackage(tgz),
			);

			credKey = wf.jelouCredential({
				id: 'JelouSandboxCred', // the example workflow's credential
				name: 'Jelou sandbox',
				authType: 'apiKey',
				apiKey: secrets.apiKey,
				baseUrl: sb.baseUrl,
				projectId: PROJECT,
			});
			credSign = wf.jelouCredential({
				id: 'JelouQueueCredSig',
				name: 'Jelou queue (signing)',
				authType: 'apiKey',
				apiKey: secrets.apiKey,
				baseUrl: sb.baseUrl,
				messagingBaseUrl: sb.messagingBaseUrl,
				signingSecret: secrets.signingSecret,
				projectId: PROJECT,
			});
			await timed('import credentials + workflows (CLI, runs the migrations)', async () => {
				await cluster.main.importCredentials([credKey, credSign]);
				await cluster.main.importWorkflows(workflows());
			});
			await timed('n8n start: main, then webhook processor + 2 workers', () => cluster.start());
			rest = cluster.rest;
			await rest.setupOwner({ ...OWNER, firstName: 'Queue', lastName: 'Owner' });
			await rest.login(OWNER);
		}

		function workflows() {
			// One item per end user; the request body says how many and names the run. With `attempt`,
			// every run of the node (a rerun of the same execution too) names its users anew.
			const users = (prefix, { attempt = false } = {}) =>
				codeNode(
					'Users',
					[
						'const body = $input.first().json.body || {};',
						'const n = Number(body.items);',
						attempt
							? "const run = body.run + '-a' + Math.random().toString(36).slice(2, 8);"
							: 'const run = body.run;',
						'const out = [];',
						`for (let i = 0; i < n; i++) out.push({ json: { userId: '${prefix}' + run + '-u' + i, i } });`,
						'return out;',
					].join('\n'),
				);
			const node = (name, parameters, credential = credSign) =>
				wf.jelouNode({ name, credential, parameters: { projectId: PROJECT, ...parameters } });
			const start = () =>
				node('Start', {
					resource: 'conversation',
					operation: 'start',
					botId: BOT,
					userId: '={{ $json.userId }}',
					additionalFields: {},
					options: {},
				});
			const close = () =>
				node('Close', {
					resource: 'conversation',
					operation: 'close',
					botId: BOT,
					userId: "={{ $('Users').item.json.userId }}",
					additionalFields: {},
					options: {},
				});
			const bigIds = Array.from({ length: BIG_GET_ITEMS }, (_, i) => `gen-${(i * 7919) % 100000}`);
			return [
				wf.loadExampleWorkflow(),
				wf.getWorkflow({
					id: WF.bigGet,
					name: 'queue: Get over 1,000 items',
					ids: bigIds,
					credential: credKey,
				}),
				lineOf(WF.load, 'queue: Start, Send, Close per user', [
					webhookNode({ path: 'jelou-queue-load', webhookId: hookIds.load }),
					users('load-'),
					start(),
					node('Send', {
						resource: 'message',
						operation: 'send',
						roomId: '={{ $json.roomId }}',
						botId: BOT,
						userId: "={{ $('Users').item.json.userId }}",
						messageType: 'text',
						text: "={{ 'Hello ' + $('Users').item.json.userId }}",
						additionalFields: {},
						options: {},
					}),
					close(),
				]),
				lineOf(WF.kill, 'queue: Start, Close (worker killed)', [
					webhookNode({ path: 'jelou-queue-kill', webhookId: hookIds.kill }),
					users('kill-', { attempt: true }),
					start(),
					close(),
				]),
				wf.workflow({
					id: WF.trigger,
					name: 'queue: Jelou Trigger',
					nodes: [
						wf.jelouTrigger({
							credential: credSign,
							webhookId: hookIds.trigger,
							events: ['conversation.close'],
							position: [0, 0],
						}),
						wf.noOp('Closed event', [220, 0]),
					],
					connections: wf.chain('Jelou Trigger', 'Closed event'),
				}),
				wf.workflow({
					id: WF.register,
					name: 'queue: Jelou Trigger, Register Webhook in Jelou',
					nodes: [
						{
							...wf.jelouTrigger({
								credential: credSign,
								webhookId: hookIds.register,
								events: ['*'],
								position: [0, 0],
							}),
							parameters: { events: ['*'], registerWebhook: true, projectId: PROJECT, options: {} },
						},
						wf.noOp('Event', [220, 0]),
					],
					connections: wf.chain('Jelou Trigger', 'Event'),
				}),
				media.workflow({ line, credential: credSign }),
			];
		}

		after(async () => {
			if (cluster) await cluster.stop();
			if (sb) await sb.close();
			if (pg) await pg.stop();
			if (redis) await redis.stop();
			console.log(
				`[queue n8n-${line}] timings: ${timer.summary({ separator: '; ', total: false })}`,
			);
			if (cluster) {
				const t = cluster.timings;
				console.log(
					`[queue n8n-${line}] n8n: main ready ${secs(t.mainStartMs || 0)}, webhook processor + workers ready ${secs(t.othersStartMs || 0)}; logs in ${cluster.logDir}`,
				);
			}
		});

		test(`setup: Redis, PostgreSQL (as an unprivileged user), package installed, main + 2 workers + webhook processor up`, () => {
			if (setupError) throw setupError;
			assert.equal(cluster.workers.length, 2);
			assert.ok(pg.runAs === undefined || pg.runAs === 'nobody');
			console.log(
				`main ${cluster.mainUrl}, webhook processor ${cluster.webhookUrl}, workers ${cluster.workers.map((w) => w.url).join(', ')}`,
			);
		});

		test(
			"the example workflow, run through main (the editor's Execute), runs on a worker and branches on state",
			{ timeout: 5 * 60_000 },
			async () => {
				requireSetup();
				const t = Date.now();
				const id = await runThroughMain(WF.example);
				const exec = await timed('scenario: example workflow', () => waitExecution(id));
				assert.equal(
					exec.status,
					'success',
					`execution ${id}: ${JSON.stringify(exec.data?.resultData?.error?.message)}`,
				);
				assert.equal(exec.mode, 'manual');
				const byWorker = cluster.executionsByWorker();
				assert.equal(
					byWorker[id]?.length,
					1,
					`exactly one process ran execution ${id}: ${JSON.stringify(byWorker[id])}`,
				);
				assert.match(byWorker[id][0], /^worker-\d$/, 'a worker ran it, not main');
				assert.deepStrictEqual(
					outputOf(exec, 'Closed').map((i) => i.json._id),
					['conv-closed-001'],
				);
				assert.deepStrictEqual(
					outputOf(exec, 'Active').map((i) => i.json._id),
					['conv-active-001'],
				);
				console.log(`execution ${id} ran on ${byWorker[id][0]} (${secs(Date.now() - t)})`);
			},
		);

		test(
			`Conversation → Get over ${BIG_GET_ITEMS} items, run through main on a worker: complete, in order, paired`,
			{ timeout: 5 * 60_000 },
			async () => {
				requireSetup();
				sb.reset();
				const id = await runThroughMain(WF.bigGet);
				const exec = await timed(`scenario: Get ${BIG_GET_ITEMS} items`, () => waitExecution(id));
				assert.equal(
					exec.status,
					'success',
					`execution ${id}: ${JSON.stringify(exec.data?.resultData?.error?.message)}`,
				);
				const input = outputOf(exec, 'Conversation IDs').map((i) => i.json.conversationId);
				const items = outputOf(exec, 'Jelou');
				assert.equal(input.length, BIG_GET_ITEMS);
				assert.equal(items.length, BIG_GET_ITEMS, 'every item came back');
				items.forEach((item, i) => {
					assert.equal(
						item.json._id,
						input[i],
						`item ${i} is the conversation asked for at that position`,
					);
					assert.deepStrictEqual(item.pairedItem, { item: i }, `item ${i} pairs with input ${i}`);
					assert.equal(item.json.state, Number(input[i].slice(4)) % 2 === 0 ? 'closed' : 'active');
				});
				const gets = sb.requests.filter(
					(r) => r.method === 'GET' && r.path.includes('/conversations/'),
				);
				assert.equal(gets.length, BIG_GET_ITEMS, 'one request per item');
				const byWorker = cluster.executionsByWorker();
				assert.match(String(byWorker[id]), /^worker-\d$/, `a worker ran execution ${id}`);
			},
		);

		test(
			`${LOAD_EXECUTIONS} executions at once × ${LOAD_ITEMS} users (Start, Send, Close) through the webhook processor, both workers, sandbox at ${LOAD_RATE_LIMIT} requests/s: 0 failed items, every write exactly once`,
			{ timeout: 20 * 60_000 },
			async () => {
				requireSetup();
				const hookUrl = `${cluster.webhookUrl}/webhook/jelou-queue-load`;
				// Production webhooks of the (active) workflow are served by the webhook processor only.
				await rest.activateWorkflow(WF.load);
				await waitFor(`${hookUrl} to be registered`, async () => {
					const r = await httpRequest('POST', hookUrl, { body: { run: 'probe', items: 0 } });
					return r.status === 200;
				});
				const onMain = await httpRequest('POST', `${cluster.mainUrl}/webhook/jelou-queue-load`, {
					body: { run: 'main', items: 0 },
				});
				assert.notEqual(
					onMain.status,
					200,
					'main does not serve production webhooks (N8N_DISABLE_PRODUCTION_MAIN_PROCESS)',
				);
				await waitFor('the probe execution', async () =>
					(await listExecutions(WF.load)).every((e) => TERMINAL.has(e.status)),
				);
				const before = new Set((await listExecutions(WF.load)).map((e) => String(e.id)));

				sb.reset();
				sb.setIntegration(seedIntegration);
				sb.configure({
					rateLimit: LOAD_RATE_LIMIT,
					retryAfterMode: 'seconds',
					latencyMs: 20,
					errorRate: 0,
				});
				const t = Date.now();
				const posted = await Promise.all(
					Array.from({ length: LOAD_EXECUTIONS }, (_, k) =>
						httpRequest('POST', hookUrl, { body: { run: `r${k}`, items: LOAD_ITEMS } }),
					),
				);
				for (const r of posted)
					assert.equal(r.status, 200, `webhook: HTTP ${r.status} ${r.text.slice(0, 200)}`);
				const done = await timed('scenario: load', () =>
					waitFor(
						`${LOAD_EXECUTIONS} executions to finish`,
						async () => {
							const list = (await listExecutions(WF.load)).filter((e) => !before.has(String(e.id)));
							return list.length === LOAD_EXECUTIONS && list.every((e) => TERMINAL.has(e.status))
								? list
								: undefined;
						},
						{ timeoutMs: 15 * 60_000, intervalMs: 2000 },
					),
				);
				const wallMs = Date.now() - t;
				sb.configure({ rateLimit: 0, latencyMs: 0 });
				assert.deepStrictEqual(
					done.map((e) => e.status),
					Array(LOAD_EXECUTIONS).fill('success'),
					'every execution succeeded',
				);
				const byWorker = cluster.executionsByWorker();
				const perWorker = {};
				for (const e of done) {
					const who = byWorker[String(e.id)] || [];
					assert.equal(
						who.length,
						1,
						`execution ${e.id} ran on exactly one worker: ${JSON.stringify(who)}`,
					);
					assert.match(who[0], /^worker-\d$/);
					perWorker[who[0]] = (perWorker[who[0]] || 0) + 1;
				}
				assert.deepStrictEqual(
					Object.keys(perWorker).sort(),
					['worker-1', 'worker-2'],
					`both workers ran executions: ${JSON.stringify(perWorker)}`,
				);

				// Every item of every execution came out of Close, in order; none failed.
				const runs = new Set();
				for (const e of done) {
					const exec = await rest.execution(e.id);
					const users = outputOf(exec, 'Users').map((i) => i.json.userId);
					const closed = outputOf(exec, 'Close');
					assert.equal(users.length, LOAD_ITEMS);
					assert.equal(closed.length, LOAD_ITEMS, `execution ${e.id}: every item closed`);
					closed.forEach((item, i) => {
						assert.equal(item.json.userId, users[i], `execution ${e.id} item ${i}`);
						assert.equal(item.json.error, undefined);
					});
					runs.add(users[0].split('-u')[0]);
				}
				assert.equal(runs.size, LOAD_EXECUTIONS, 'each execution had its own request body');

				// The sandbox's log: each write accepted exactly once, and never sent again after it was
				// accepted (only a 429 answer, which means "not processed", may be followed by a resend).
				const writes = sb.requests.filter((r) => r.method === 'POST');
				const keyOf = (r) => {
					const b = typeof r.body === 'string' ? JSON.parse(r.body) : r.body || {};
					if (r.path.endsWith('/conversations/start')) return `start ${b.userId}`;
					if (r.path.endsWith('/conversations/close')) return `close ${b.userId}`;
					if (r.path === '/v1/external-support/webhook') return `send ${b.user_id}`;
					return `other ${r.path}`;
				};
				const accepted = new Map();
				const other = [];
				let throttled = 0;
				for (const r of writes) {
					const key = keyOf(r);
					if (r.status === 429) {
						throttled++;
						assert.ok(!accepted.has(key), `${key} was sent again after it had been accepted`);
						continue;
					}
					if (r.status >= 200 && r.status < 300) accepted.set(key, (accepted.get(key) || 0) + 1);
					else other.push(`${key} ${r.status}`);
				}
				assert.deepStrictEqual(other, [], 'no write got anything but 2xx or 429');
				const twice = [...accepted].filter(([, n]) => n !== 1);
				assert.deepStrictEqual(twice, [], 'no write was accepted twice');
				assert.equal(
					accepted.size,
					3 * LOAD_EXECUTIONS * LOAD_ITEMS,
					'every Start, Send and Close reached the sandbox',
				);
				for (const op of ['start', 'send', 'close']) {
					assert.equal(
						[...accepted.keys()].filter((k) => k.startsWith(`${op} `)).length,
						LOAD_EXECUTIONS * LOAD_ITEMS,
						`${op} writes`,
					);
				}
				assert.ok(
					throttled > 0,
					'the sandbox throttled (429) some requests: the limit was reached',
				);
				// Timeline in 10 s steps: requests the sandbox accepted / throttled.
				const t0 = writes.length ? writes[0].at : 0;
				const steps = [];
				for (const r of writes) {
					const k = Math.floor((r.at - t0) / 10_000);
					steps[k] ||= [0, 0];
					steps[k][r.status === 429 ? 1 : 0]++;
				}
				console.log(
					`accepted/throttled per 10 s: ${Array.from(steps, (s) => (s ? `${s[0]}/${s[1]}` : '0/0')).join(' ')}`,
				);
				console.log(
					`${LOAD_EXECUTIONS} executions × ${LOAD_ITEMS} users: ${accepted.size} writes accepted once each, ${throttled} answered 429 and resent; per worker ${JSON.stringify(perWorker)}; ${secs(wallMs)} (${(accepted.size / (wallMs / 1000)).toFixed(1)} accepted writes/s against a limit of ${LOAD_RATE_LIMIT}/s)`,
				);
			},
		);

		test(
			'Jelou Trigger active in queue mode: signed events posted to the webhook processor start executions on workers; forged and stale ones start nothing',
			{ timeout: 5 * 60_000 },
			async () => {
				requireSetup();
				sb.reset();
				sb.setIntegration(seedIntegration);
				const hookUrl = `${cluster.webhookUrl}/webhook/${hookIds.trigger}/jelou`;
				await rest.activateWorkflow(WF.trigger);
				const probe = await waitFor(`${hookUrl} to be registered`, async () => {
					const r = await httpRequest('POST', hookUrl, { body: {} });
					return r.status === 404 ? undefined : r;
				});
				assert.equal(
					probe.status,
					401,
					`unsigned POST: ${probe.status} ${probe.text.slice(0, 200)}`,
				);
				const forged = await sb.emit({
					event: 'conversation.close',
					webhookUrl: hookUrl,
					signingSecret: 'not-the-signing-secret',
				});
				assert.equal(forged.status, 401, `forged: ${forged.status} ${forged.body}`);
				assert.deepStrictEqual(JSON.parse(forged.body), { error: 'Invalid X-Jelou-Signature' });
				const stale = await sb.emit({
					event: 'conversation.close',
					webhookUrl: hookUrl,
					signingSecret: secrets.signingSecret,
					timestamp: Date.now() - 10 * 60_000,
				});
				assert.equal(stale.status, 401, `stale: ${stale.status} ${stale.body}`);
				assert.match(JSON.parse(stale.body).error, /older than 300 seconds/);
				const real = [];
				for (const conversationId of ['conv-closed-001', 'conv-closed-002']) {
					const r = await sb.emit({
						event: 'conversation.close',
						conversationId,
						webhookUrl: hookUrl,
						signingSecret: secrets.signingSecret,
					});
					assert.equal(r.status, 200, `signed close: ${r.status} ${r.body}`);
					real.push(conversationId);
				}
				const list = await waitFor(
					'the two executions',
					async () => {
						const l = await listExecutions(WF.trigger);
						return l.length >= 2 && l.every((e) => TERMINAL.has(e.status)) ? l : undefined;
					},
					{ timeoutMs: 60_000 },
				);
				await sleep(1000); // a refused event would have started an execution by now
				const final = await listExecutions(WF.trigger);
				assert.deepStrictEqual(
					final.map((e) => `${e.mode} ${e.status}`),
					['webhook success', 'webhook success'],
					'only the two signed events started executions',
				);
				assert.equal(final.length, list.length);
				const byWorker = cluster.executionsByWorker();
				const ids = [];
				for (const e of final) {
					assert.match(
						String(byWorker[String(e.id)]),
						/^worker-\d$/,
						`a worker ran execution ${e.id}`,
					);
					const exec = await rest.execution(e.id);
					ids.push(outputOf(exec, 'Jelou Trigger')[0].json._id);
				}
				assert.deepStrictEqual(ids.sort(), real.sort());
			},
		);

		test(
			'Jelou Trigger with Download Media, queue mode: the webhook processor downloads the file, a worker runs the execution and reads its exact bytes; a 404 gives mediaError',
			{ timeout: 5 * 60_000 },
			async () => {
				requireSetup();
				sb.reset();
				await timed('scenario: Download Media', () =>
					media.check({
						line,
						sb,
						cluster,
						rest,
						signingSecret: secrets.signingSecret,
						waitFor,
						listExecutions,
						outputOf,
						terminal: TERMINAL,
					}),
				);
			},
		);

		test(
			'Register Webhook in Jelou, queue mode: activation through main points the integration at the webhook processor; its events are accepted there; deactivation puts the integration back',
			{ timeout: 5 * 60_000 },
			async () => {
				requireSetup();
				sb.reset();
				sb.setIntegration(seedIntegration);
				const before = { webhookUrl: sb.integration.webhookUrl, authType: sb.integration.authType };
				const productionUrl = `${cluster.webhookUrl}/webhook/${hookIds.register}/jelou`;
				await rest.activateWorkflow(WF.register);
				// n8n 2.x may answer before the trigger's activation hooks have run: wait (bounded).
				const registered = await waitFor('the registration in Jelou', () =>
					sb.integration?.webhookUrl === before.webhookUrl ? undefined : sb.integration,
				);
				assert.equal(
					registered?.webhookUrl,
					productionUrl,
					'the integration points at the production URL (the webhook processor, WEBHOOK_URL)',
				);
				// The project already had an integration: it is pointed at the trigger with PATCH, never
				// created again, so the signing secret the company's panel relies on stays the same.
				assert.equal(
					registered.signingSecret,
					secrets.signingSecret,
					'the signing secret is unchanged (no new integration was created)',
				);
				const integrationPath = `/jelouapi/v1/external-support/${PROJECT}`;
				const writes = () =>
					sb.requests
						.filter((q) => q.path === integrationPath && q.method !== 'GET')
						.map((q) => q.method);
				assert.deepStrictEqual(writes(), ['PATCH'], 'activation sent one PATCH and no POST');
				await waitFor(
					`${productionUrl} to be registered`,
					async () => (await httpRequest('POST', productionUrl, { body: {} })).status !== 404,
				);
				// An event Jelou sends now (signed with the integration's secret, with the bearer token main
				// registered and stored in the workflow's static data) reaches the webhook processor.
				const ev = await sb.emit({
					event: 'conversation.close',
					conversationId: 'conv-closed-001',
				});
				assert.equal(
					ev.status,
					200,
					`event signed with the registered secret: ${ev.status} ${ev.body}`,
				);
				const forged = await sb.emit({
					event: 'conversation.close',
					conversationId: 'conv-closed-001',
					signingSecret: 'not-the-signing-secret',
				});
				assert.equal(
					forged.status,
					401,
					`event signed with another secret: ${forged.status} ${forged.body}`,
				);
				const list = await waitFor(
					'the execution of the registered event',
					async () => {
						const l = await listExecutions(WF.register);
						return l.length >= 1 && l.every((e) => TERMINAL.has(e.status)) ? l : undefined;
					},
					{ timeoutMs: 60_000 },
				);
				await sleep(1000);
				assert.deepStrictEqual(
					(await listExecutions(WF.register)).map((e) => `${e.mode} ${e.status}`),
					['webhook success'],
				);
				assert.match(String(cluster.executionsByWorker()[String(list[0].id)]), /^worker-\d$/);

				const r = await rest.request('POST', `/rest/workflows/${WF.register}/deactivate`, {});
				assert.equal(r.status, 200, `deactivate: HTTP ${r.status} ${r.text.slice(0, 300)}`);
				const after = await waitFor(
					'the integration to be put back',
					() => (sb.integration?.webhookUrl === productionUrl ? undefined : sb.integration),
					{
						timeoutMs: 30_000,
					},
				).catch(() => sb.integration);
				assert.deepStrictEqual(
					{ webhookUrl: after?.webhookUrl, authType: after?.authType },
					before,
					'after deactivation the integration points where it did before activation',
				);
				assert.equal(
					after?.signingSecret,
					secrets.signingSecret,
					'the signing secret never changed',
				);
				assert.deepStrictEqual(
					writes(),
					['PATCH', 'PATCH'],
					'deactivation PATCHed the previous URL back (no POST, no DELETE)',
				);
			},
		);

		test(
			'a worker killed (SIGKILL) in the middle of a run: n8n recovers the execution; no write is sent twice within one run; the cluster keeps working',
			{ timeout: 10 * 60_000 },
			async () => {
				requireSetup();
				const hookUrl = `${cluster.webhookUrl}/webhook/jelou-queue-kill`;
				await rest.activateWorkflow(WF.kill);
				await waitFor(
					`${hookUrl} to be registered`,
					async () =>
						(await httpRequest('POST', hookUrl, { body: { run: 'probe', items: 0 } })).status ===
						200,
				);
				await waitFor('the probe execution', async () =>
					(await listExecutions(WF.kill)).every((e) => TERMINAL.has(e.status)),
				);
				const known = new Set((await listExecutions(WF.kill)).map((e) => String(e.id)));
				sb.reset();
				sb.setIntegration(seedIntegration);
				sb.configure({ latencyMs: 150, rateLimit: 0, errorRate: 0 });
				const t = Date.now();
				const posted = await httpRequest('POST', hookUrl, {
					body: { run: 'k1', items: KILL_ITEMS },
				});
				assert.equal(posted.status, 200);
				// Wait until the run is well under way (some conversations started), find its worker, kill it.
				const exec = await waitFor('the run to start', async () =>
					(await listExecutions(WF.kill)).find((e) => !known.has(String(e.id))),
				);
				const execId = String(exec.id);
				await waitFor(
					'the first 40 starts',
					async () =>
						sb.requests.filter((r) => r.path.endsWith('/conversations/start')).length >= 40,
					{ timeoutMs: 60_000 },
				);
				const runner = cluster.executionsByWorker()[execId];
				assert.equal(
					runner?.length,
					1,
					`one worker runs execution ${execId}: ${JSON.stringify(runner)}`,
				);
				const victim = cluster.workers.find((w) => w.role === runner[0]);
				const survivor = cluster.workers.find((w) => w !== victim);
				const sentBeforeKill = sb.requests.length;
				await cluster.killWorker(victim, 'SIGKILL');
				const killedAt = Date.now();
				console.log(
					`killed ${victim.role} (SIGKILL) ${secs(killedAt - t)} after the webhook, with ${sentBeforeKill} requests sent`,
				);

				// What n8n does with it: wait (bounded) for the execution to reach a final status.
				const final = await timed('scenario: worker kill recovery', () =>
					waitExecution(execId, 5 * 60_000),
				);
				const recoveredAfter = Date.now() - killedAt;
				const ranOn = cluster.executionsByWorker()[execId];
				const shown = await rest.execution(execId).catch(() => undefined);
				const error = shown?.data?.resultData?.error;
				if (error)
					console.log(
						`what the user sees on execution ${execId}: ${error.name ?? ''} "${error.message}"${error.description ? ` (${error.description})` : ''}`,
					);
				console.log(
					`execution ${execId}: status "${final.status}" ${secs(recoveredAfter)} after the kill; "Worker started execution" logged by ${JSON.stringify(ranOn)}`,
				);
				await sleep(2000);
				sb.configure({ latencyMs: 0 });

				// The sandbox's log, split by run: a rerun of the execution generates new users (the Code
				// node names them from the run); each user is started and closed at most once.
				const count = new Map();
				for (const r of sb.requests) {
					if (r.method !== 'POST' || r.status < 200 || r.status >= 300) continue;
					const b = typeof r.body === 'string' ? JSON.parse(r.body) : r.body || {};
					const key = `${r.path.endsWith('/start') ? 'start' : 'close'} ${b.userId}`;
					count.set(key, (count.get(key) || 0) + 1);
				}
				const twice = [...count].filter(([, n]) => n > 1);
				assert.deepStrictEqual(twice, [], 'no write accepted twice within one run');
				// Per run (attempt) of the execution: how many users it started and closed.
				const attempts = {};
				for (const key of count.keys()) {
					const [op, user] = key.split(' ');
					const a = /-(a[0-9a-z]+)-u\d+$/.exec(user)?.[1] ?? '?';
					attempts[a] ||= { start: 0, close: 0 };
					attempts[a][op]++;
				}
				console.log(`accepted writes per run of execution ${execId}: ${JSON.stringify(attempts)}`);
				for (const [a, c] of Object.entries(attempts)) {
					assert.ok(c.close <= c.start, `run ${a} closed only conversations it started`);
				}
				if (final.status === 'success') {
					const full = await rest.execution(execId);
					assert.equal(
						outputOf(full, 'Close').length,
						KILL_ITEMS,
						'the recovered run closed every user',
					);
					assert.deepStrictEqual(
						[...ranOn].sort(),
						[victim.role, survivor.role].sort(),
						'the killed worker started it, the surviving one ran it again',
					);
					const complete = Object.values(attempts).filter(
						(c) => c.start === KILL_ITEMS && c.close === KILL_ITEMS,
					);
					assert.equal(complete.length, 1, 'exactly one run started and closed every user');
				}
				// The cluster keeps working on the surviving worker.
				const again = await httpRequest('POST', hookUrl, { body: { run: 'k2', items: 3 } });
				assert.equal(again.status, 200);
				const next = await waitFor(
					'the next execution',
					async () => {
						const l = (await listExecutions(WF.kill)).filter(
							(e) => !known.has(String(e.id)) && String(e.id) !== execId,
						);
						return l.length === 1 && TERMINAL.has(l[0].status) ? l[0] : undefined;
					},
					{ timeoutMs: 120_000 },
				);
				assert.equal(next.status, 'success');
				assert.deepStrictEqual(cluster.executionsByWorker()[String(next.id)], [survivor.role]);
			},
		);

		test('no secret (API key, signing secret) appears in anything the n8n processes printed', () => {
			requireSetup();
			const text = cluster.transcriptText();
			assert.ok(text.length > 1000);
			for (const [label, secret] of [
				['API key', secrets.apiKey],
				['signing secret', secrets.signingSecret],
			]) {
				const at = text.indexOf(secret);
				assert.equal(
					at,
					-1,
					`${label} leaked: ...${text.slice(Math.max(0, at - 200), at + 100)}...`,
				);
			}
		});
	});
}

module.exports = { defineQueueSuite };
