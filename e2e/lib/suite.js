'use strict';
// The end-to-end suite, run once per pinned n8n line (see e2e/tests/).
//
// A real n8n loads the packed n8n-nodes-jelou from $N8N_USER_FOLDER/.n8n/nodes,
// runs imported workflows headlessly (`n8n execute`) against the in-process
// Jelou sandbox, and once in server mode (`n8n start`) for the credential test
// and the Jelou Trigger (an active workflow receiving the sandbox's signed events).
//
// To keep the run short, several scenarios share one workflow (and one `n8n
// execute`): HTTP Request nodes named "Sandbox: ..." switch the sandbox's faults
// between them through its control routes, and each scenario has its own test.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const { describe, before, after, test } = require('node:test');
const path = require('node:path');
const { performance } = require('node:perf_hooks');

const { ensureInstalled, getRuntime, REPO_ROOT } = require('./runtime');
const { N8nInstance, N8nRest, packPackage, nodeItems, nodeRawItems, httpRequest, sleep } = require('./n8n');
const wf = require('./workflows');
const { onCleanup, installHooks } = require('./procs');

const SANDBOX = require(path.join(REPO_ROOT, 'sandbox', 'server.js'));
const { generatedConversation } = SANDBOX;

const PROJECT = 'demo-project';
const CLOSED = 'conv-closed-001';
const ACTIVE = 'conv-active-001';
const CLOSED_2 = 'conv-closed-002';
const MISSING = 'conv-missing-404';

// What Jelou (the sandbox) holds for the seeded conversations; the node must
// hand these through unchanged (raw) or flatten them (simplify).
const EXPECTED_RAW = {
	[CLOSED]: {
		_id: 'conv-closed-001',
		roomId: 'room-closed-001',
		state: 'closed',
		startAt: '2026-01-15T10:30:00.000Z',
		endAt: '2026-01-15T10:45:00.000Z',
		endedReason: 'closed_by_operator',
		User: { id: 'user-001', names: 'Ana Torres', referenceId: 'ext-user-001', createdAt: '2025-01-28T20:54:25.572Z' },
		Bot: { id: 'bot-001', name: 'Support Bot', type: 'Whatsapp' },
	},
	[ACTIVE]: {
		_id: 'conv-active-001',
		roomId: 'room-active-001',
		state: 'active',
		startAt: '2026-01-16T08:00:00.000Z',
		User: { id: 'user-002', names: 'Luis Pérez', referenceId: 'ext-user-002', createdAt: '2025-02-03T09:12:44.100Z' },
		Bot: { id: 'bot-001', name: 'Support Bot', type: 'Whatsapp' },
	},
};

const EXPECTED_SIMPLE = {
	[CLOSED]: {
		conversationId: 'conv-closed-001',
		roomId: 'room-closed-001',
		state: 'closed',
		startAt: '2026-01-15T10:30:00.000Z',
		endAt: '2026-01-15T10:45:00.000Z',
		endedReason: 'closed_by_operator',
		durationSeconds: 900,
		userId: 'user-001',
		userName: 'Ana Torres',
		userReferenceId: 'ext-user-001',
		botId: 'bot-001',
		botName: 'Support Bot',
		channel: 'Whatsapp',
	},
	[ACTIVE]: {
		conversationId: 'conv-active-001',
		roomId: 'room-active-001',
		state: 'active',
		startAt: '2026-01-16T08:00:00.000Z',
		endAt: null,
		endedReason: null,
		durationSeconds: null,
		userId: 'user-002',
		userName: 'Luis Pérez',
		userReferenceId: 'ext-user-002',
		botId: 'bot-001',
		botName: 'Support Bot',
		channel: 'Whatsapp',
	},
};

const WF = {
	rawApiKey: 'JelouE2eRawKey01',
	simpleBasic: 'JelouE2eSimple01',
	branch: 'JelouE2eBranch01',
	continue: 'JelouE2eContin01',
	options: 'JelouE2eOptions1',
	operations: 'JelouE2eOperat01',
	trigger: 'JelouE2eTrigger1',
};

// Options workflow: three scenarios, each with its own ids so the sandbox's
// request log can be split by scenario.
const THROTTLED_IDS = Array.from({ length: 200 }, (_, i) => `gen-${i}`);
const NO_RETRY_IDS = ['gen-301', 'gen-302', 'gen-303'];
const TIMEOUT_IDS = ['gen-401', 'gen-402'];
const RATE_LIMIT = 40; // requests per second, then 429 + Retry-After: 1
const THROTTLED_CONCURRENCY = 5;
const TIMEOUT_MS = 300;
const SLOW_LATENCY_MS = 1500;

// Operations workflow.
const OPS_BOT = 'bot-001';
const OPS_USER = 'user-e2e-ops';
const OPS_TEXT = 'Hola, ya revisamos tu factura: el cobro duplicado fue anulado.';
const OPS_IMAGE = { mediaUrl: 'https://example.com/e2e/invoice-T-12345.png', mimeType: 'image/png', caption: 'Tu factura corregida' };
const OPS_CLOSING = 'Gracias por escribirnos. ¡Hasta pronto!';
const OPS_WEBHOOK_URL = 'https://support.example.com/jelou/events';

// Trigger workflow.
const TRIGGER_USER = 'user-e2e-trigger';
const TRIGGER_CLOSING = 'Conversation closed from the e2e test';

const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Largest number of requests the sandbox was answering at the same time. */
function maxOverlap(records) {
	const edges = [];
	for (const r of records) {
		edges.push([r.start, 1], [r.end ?? Number.POSITIVE_INFINITY, -1]);
	}
	// At equal times an end comes before a start: a request answered when the next one arrives
	// was not in flight together with it.
	edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
	let now = 0;
	let max = 0;
	for (const [, d] of edges) {
		now += d;
		max = Math.max(max, now);
	}
	return max;
}

/** The conversation id at the end of a GET .../conversations/<id> path, or undefined. */
function convIdOf(p) {
	const m = /\/conversations\/([^/?]+)$/.exec(p);
	return m ? decodeURIComponent(m[1]) : undefined;
}

async function waitFor(what, fn, { timeoutMs = 20_000, intervalMs = 200 } = {}) {
	const started = Date.now();
	let last;
	for (;;) {
		last = await fn();
		if (last) return last;
		if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(intervalMs);
	}
}

function defineSuite(line) {
	const rt = getRuntime(line);
	const title = `n8n ${rt.n8nVersion} on Node ${rt.usesBundledNode ? rt.nodeVersion : process.version.slice(1)}`;
	installHooks();

	describe(title, { timeout: 25 * 60_000 }, () => {
		// Distinctive secrets, so a leak cannot be a coincidence.
		const secrets = {
			apiKey: `e2e-apikey-${crypto.randomBytes(8).toString('hex')}`,
			clientId: 'e2e-client',
			clientSecret: `e2e-secret-${crypto.randomBytes(8).toString('hex')}`,
			// The integration's signing secret, also in the signing credential: Message → Send
			// signs with it and the Jelou Trigger verifies with it. Integration → Create makes a
			// different one (the sandbox's random hex), which is meant to be shown.
			signingSecret: `e2e-signing-${crypto.randomBytes(8).toString('hex')}`,
			wrongSigningSecret: `e2e-wrongsig-${crypto.randomBytes(8).toString('hex')}`,
			// Typed into Integration → Create; the node must not repeat it in its output.
			webhookSecret: `e2e-webhooksecret-${crypto.randomBytes(8).toString('hex')}`,
		};
		const basicToken = Buffer.from(`${secrets.clientId}:${secrets.clientSecret}`).toString('base64');
		let sb;
		let n8n;
		let credKey;
		let credBasic;
		let credSign;
		let credWrongSign;
		let triggerWebhookId;
		let createdSigningSecret; // what Integration → Create returned (set by its test)
		// Every non-control request as it reached the sandbox: raw headers, and when the sandbox
		// received it and finished answering it (performance.now() ms).
		const seen = [];
		const seedIntegration = { webhookUrl: 'http://127.0.0.1:9/jelou-webhook', authType: 'no_auth', signingSecret: secrets.signingSecret };

		/** Run one workflow with a clean request log (`prepare` runs after the reset). */
		async function execute(id, { prepare } = {}) {
			sb.reset();
			seen.length = 0;
			if (prepare) await prepare();
			const r = await n8n.execute(id);
			const status = r.result.status ?? (r.result.finished ? 'success' : 'unknown');
			assert.equal(
				r.code,
				0,
				`n8n execute --id=${id} failed (exit ${r.code}): ${JSON.stringify(r.result?.data?.resultData?.error?.message ?? r.stdout.slice(-2000))}`,
			);
			assert.equal(status, 'success', `execution status of ${id}`);
			// What the sandbox accepted from Message → Send, through its control route.
			const sentMessages = (await httpRequest('GET', `${sb.url}/__sandbox/messages`)).json;
			return { result: r.result, requests: sb.requests.slice(), seen: seen.slice(), sentMessages };
		}

		/** One run shared by several tests (each checks one scenario of the workflow). */
		const sharedRuns = new Map();
		function executeShared(id, opts) {
			if (!sharedRuns.has(id)) sharedRuns.set(id, execute(id, opts));
			return sharedRuns.get(id);
		}

		let setupError;
		let setupMs = 0;
		/** Every test fails (not skips) when the setup failed. */
		function requireSetup() {
			if (setupError) throw new Error(`setup failed, see the first test: ${String(setupError.message).split('\n')[0]}`);
		}

		before(async () => {
			const t = Date.now();
			try {
				await setup();
			} catch (e) {
				setupError = e;
			}
			setupMs = Date.now() - t;
		});

		async function setup() {
			const failed = process.env[`E2E_INSTALL_ERROR_${rt.line}`];
			if (failed) throw new Error(`${rt.name} could not be installed on this machine, so it was not tested:\n${failed}`);
			await ensureInstalled(line, { print: (s) => console.log(s) });

			const { startSandbox } = SANDBOX;
			sb = await startSandbox({
				port: 0,
				apiKey: secrets.apiKey,
				clientId: secrets.clientId,
				clientSecret: secrets.clientSecret,
				projectId: PROJECT,
				// An integration, so the credential's Test button (GET integration) succeeds, with a
				// known signing secret for Message → Send.
				integration: seedIntegration,
			});
			onCleanup(() => sb.close());
			sb.server.prependListener('request', (req, res) => {
				if (req.url.startsWith('/__sandbox')) return;
				const rec = { method: req.method, path: req.url, headers: { ...req.headers }, start: performance.now(), end: undefined };
				seen.push(rec);
				const end = () => {
					if (rec.end === undefined) rec.end = performance.now();
				};
				res.once('finish', end);
				res.once('close', end);
			});

			const tgz = await packPackage();
			n8n = new N8nInstance(line);
			onCleanup(() => n8n.dispose({ keep: !!process.env.E2E_KEEP }));
			await n8n.installPackage(tgz);

			credKey = wf.jelouCredential({
				id: 'JelouE2eCredKey1',
				name: 'Jelou e2e (API key)',
				authType: 'apiKey',
				apiKey: secrets.apiKey,
				baseUrl: sb.baseUrl,
				projectId: PROJECT,
			});
			credBasic = wf.jelouCredential({
				id: 'JelouE2eCredBas1',
				name: 'Jelou e2e (Basic)',
				authType: 'basic',
				clientId: secrets.clientId,
				clientSecret: secrets.clientSecret,
				baseUrl: sb.baseUrl,
				projectId: PROJECT,
			});
			// The credential `npm start` creates for the example workflow (same id).
			const credExample = wf.jelouCredential({
				id: 'JelouSandboxCred',
				name: 'Jelou sandbox',
				authType: 'apiKey',
				apiKey: secrets.apiKey,
				baseUrl: sb.baseUrl,
				projectId: PROJECT,
			});
			// For Message → Send and the Jelou Trigger: the integration's signing secret and the
			// sandbox's messaging host.
			credSign = wf.jelouCredential({
				id: 'JelouE2eCredSig1',
				name: 'Jelou e2e (signing)',
				authType: 'apiKey',
				apiKey: secrets.apiKey,
				baseUrl: sb.baseUrl,
				messagingBaseUrl: sb.messagingBaseUrl,
				signingSecret: secrets.signingSecret,
				projectId: PROJECT,
			});
			credWrongSign = wf.jelouCredential({
				id: 'JelouE2eCredBad1',
				name: 'Jelou e2e (wrong signing secret)',
				authType: 'apiKey',
				apiKey: secrets.apiKey,
				baseUrl: sb.baseUrl,
				messagingBaseUrl: sb.messagingBaseUrl,
				signingSecret: secrets.wrongSigningSecret,
				projectId: PROJECT,
			});
			triggerWebhookId = wf.webhookUuid(`trigger-${rt.line}`);
			await n8n.importCredentials([credKey, credBasic, credExample, credSign, credWrongSign]);
			await n8n.importWorkflows([
				optionsWorkflow(),
				operationsWorkflow(),
				wf.workflow({
					id: WF.trigger,
					name: 'e2e Jelou Trigger: conversation closed',
					nodes: [
						wf.jelouTrigger({ credential: credSign, webhookId: triggerWebhookId, events: ['conversation.close'], position: [0, 0] }),
						wf.noOp('Closed event', [220, 0]),
					],
					connections: wf.chain('Jelou Trigger', 'Closed event'),
				}),
				wf.getWorkflow({ id: WF.rawApiKey, name: 'e2e raw (API key)', ids: [CLOSED, ACTIVE], credential: credKey }),
				wf.getWorkflow({ id: WF.simpleBasic, name: 'e2e simplify (Basic)', ids: [CLOSED, ACTIVE], credential: credBasic, simplify: true }),
				wf.branchWorkflow({
					id: WF.branch,
					name: 'e2e branch on state',
					ids: [CLOSED, ACTIVE, CLOSED_2, 'gen-7', 'gen-10'],
					credential: credKey,
				}),
				wf.getWorkflow({
					id: WF.continue,
					name: 'e2e 404 under continue',
					ids: [CLOSED, MISSING, ACTIVE],
					credential: credBasic,
					continueOnFail: true,
				}),
				wf.loadExampleWorkflow(),
			]);
		}

		/**
		 * Options: three scenarios in one run, each preceded by the sandbox faults it needs.
		 *  1. 200 ids, Concurrency 5, sandbox limited to 40 requests/s (429 + Retry-After: 1).
		 *  2. Max Retries 0 with every request failing (500, 502, 503 in turn; 502/503 are
		 *     normally retried), On Error: Continue.
		 *  3. Timeout 300 ms against 1.5 s of sandbox latency, Max Retries 0, Continue.
		 */
		function optionsWorkflow() {
			const control = (name, body) => wf.sandboxControl({ name, url: `${sb.url}/__sandbox/config`, body });
			const get = (name, options, continueOnFail) =>
				wf.jelouNode({
					name,
					credential: credKey,
					continueOnFail,
					parameters: {
						resource: 'conversation',
						operation: 'get',
						projectId: PROJECT,
						conversationId: '={{ $json.conversationId }}',
						simplify: false,
						options,
					},
				});
			return wf.lineWorkflow({
				id: WF.options,
				name: 'e2e options: concurrency, retries, time-out',
				nodes: [
					control('Sandbox: 40 requests/s', { rateLimit: RATE_LIMIT, retryAfterMode: 'seconds', errorRate: 0, latencyMs: 20 }),
					wf.idsCode(THROTTLED_IDS, { name: '200 ids' }),
					// Continue: a failure shows up as error items (the test lists them) and the next
					// scenarios still run.
					get('Jelou: 200 ids, concurrency 5', { concurrency: THROTTLED_CONCURRENCY }, true),
					control('Sandbox: every request fails', { rateLimit: 0, errorRate: 1, latencyMs: 0 }),
					wf.idsCode(NO_RETRY_IDS, { name: '3 ids' }),
					get('Jelou: max retries 0', { maxRetries: 0, concurrency: 1 }, true),
					control('Sandbox: 1.5 s latency', { errorRate: 0, latencyMs: SLOW_LATENCY_MS }),
					wf.idsCode(TIMEOUT_IDS, { name: '2 ids' }),
					get('Jelou: timeout 300 ms', { timeout: TIMEOUT_MS, maxRetries: 0 }, true),
					control('Sandbox: no faults', { rateLimit: 0, errorRate: 0, latencyMs: 0 }),
				],
			});
		}

		/**
		 * Every operation in one run: Start → Send text → Send image → Send with a wrong signing
		 * secret (Continue) → Close, then (without an integration) Integration Get (Continue) →
		 * Create → Get. Ids come from Start's output.
		 */
		function operationsWorkflow() {
			const node = (name, parameters, { credential = credSign, continueOnFail = false } = {}) =>
				wf.jelouNode({ name, credential, continueOnFail, parameters: { projectId: PROJECT, ...parameters } });
			const room = "={{ $('Start').item.json.roomId }}";
			return wf.lineWorkflow({
				id: WF.operations,
				name: 'e2e every operation',
				nodes: [
					node('Start', {
						resource: 'conversation',
						operation: 'start',
						botId: OPS_BOT,
						userId: OPS_USER,
						additionalFields: {
							initialMessage: 'Cliente pide revisar un cobro duplicado',
							metadataJson: '{"ticketId": "T-12345", "source": "json", "nested": {"vip": true}}',
							metadataFields: { field: [{ name: 'source', value: 'fields' }, { name: 'priority', value: 'high' }] },
							assignmentType: 'team',
							assignmentTarget: 'team-billing',
						},
						options: {},
					}),
					node('Send text', {
						resource: 'message',
						operation: 'send',
						roomId: room,
						botId: OPS_BOT,
						userId: OPS_USER,
						messageType: 'text',
						text: OPS_TEXT,
						additionalFields: { messageId: 'e2e-msg-text-001' },
						options: {},
					}),
					node('Send image', {
						resource: 'message',
						operation: 'send',
						roomId: room,
						botId: OPS_BOT,
						userId: OPS_USER,
						messageType: 'image',
						...OPS_IMAGE,
						additionalFields: {},
						options: {},
					}),
					node(
						'Send with a wrong signing secret',
						{
							resource: 'message',
							operation: 'send',
							roomId: room,
							botId: OPS_BOT,
							userId: OPS_USER,
							messageType: 'text',
							text: 'This one must be refused',
							additionalFields: {},
							options: {},
						},
						{ credential: credWrongSign, continueOnFail: true },
					),
					node('Close', {
						resource: 'conversation',
						operation: 'close',
						botId: OPS_BOT,
						userId: OPS_USER,
						additionalFields: { closingMessage: OPS_CLOSING, redirectType: 'text' },
						options: {},
					}),
					wf.sandboxControl({ name: 'Sandbox: remove the integration', method: 'DELETE', url: `${sb.url}/__sandbox/integration` }),
					node('Integration Get (none yet)', { resource: 'integration', operation: 'get', options: {} }, { continueOnFail: true }),
					node('Integration Create', {
						resource: 'integration',
						operation: 'create',
						webhookUrl: OPS_WEBHOOK_URL,
						webhookAuthType: 'bearer',
						webhookSecret: secrets.webhookSecret,
						options: {},
					}),
					node('Integration Get', { resource: 'integration', operation: 'get', options: {} }),
				],
			});
		}

		after(async () => {
			if (n8n) await n8n.dispose({ keep: !!process.env.E2E_KEEP });
			if (sb) await sb.close();
		});

		test(`setup: ${rt.name} installed, sandbox up, package installed into .n8n/nodes, credentials and workflows imported`, () => {
			if (setupError) throw setupError;
			console.log(`setup took ${(setupMs / 1000).toFixed(1)} s (user folder ${n8n.userFolder})`);
		});

		test('API key credential: raw conversations, closed and active, exactly as Jelou sends them; only x-api-key is sent', async () => {
			requireSetup();
			const { result, requests, seen: hdrs } = await execute(WF.rawApiKey);
			const items = nodeItems(result, 'Jelou');
			assert.deepStrictEqual(items, [EXPECTED_RAW[CLOSED], EXPECTED_RAW[ACTIVE]]);
			assert.ok(!('endAt' in items[1]) && !('endedReason' in items[1]), 'an active conversation has no endAt/endedReason');
			assert.deepStrictEqual(requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.auth}`).sort(), [
				`GET /jelouapi/v1/external-support/${PROJECT}/conversations/${ACTIVE} 200 api_key`,
				`GET /jelouapi/v1/external-support/${PROJECT}/conversations/${CLOSED} 200 api_key`,
			]);
			assert.equal(hdrs.length, 2);
			for (const h of hdrs) {
				assert.equal(h.headers['x-api-key'], secrets.apiKey, 'x-api-key header');
				assert.equal(h.headers.authorization, undefined, 'no Authorization header with the API key scheme');
			}
		});

		test('Basic credential + Simplify: flat records, closed and active; only Authorization: Basic is sent', async () => {
			requireSetup();
			const { result, requests, seen: hdrs } = await execute(WF.simpleBasic);
			assert.deepStrictEqual(nodeItems(result, 'Jelou'), [EXPECTED_SIMPLE[CLOSED], EXPECTED_SIMPLE[ACTIVE]]);
			assert.deepStrictEqual(requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.auth}`).sort(), [
				`GET /jelouapi/v1/external-support/${PROJECT}/conversations/${ACTIVE} 200 basic`,
				`GET /jelouapi/v1/external-support/${PROJECT}/conversations/${CLOSED} 200 basic`,
			]);
			assert.equal(hdrs.length, 2);
			for (const h of hdrs) {
				assert.equal(h.headers.authorization, `Basic ${basicToken}`, 'Authorization header');
				assert.equal(h.headers['x-api-key'], undefined, 'no x-api-key header with the Basic scheme');
			}
		});

		test('Manual Trigger → Code (5 ids) → Jelou → IF state = closed: closed and active conversations take different branches', async () => {
			requireSetup();
			const { result } = await execute(WF.branch);
			const fetched = nodeItems(result, 'Jelou');
			assert.deepStrictEqual(
				fetched.map((c) => `${c._id}:${c.state}`),
				[`${CLOSED}:closed`, `${ACTIVE}:active`, `${CLOSED_2}:closed`, 'gen-7:active', 'gen-10:closed'],
			);
			assert.deepStrictEqual(
				nodeItems(result, 'Is closed?', 0).map((c) => c._id),
				[CLOSED, CLOSED_2, 'gen-10'],
			);
			assert.deepStrictEqual(
				nodeItems(result, 'Is closed?', 1).map((c) => c._id),
				[ACTIVE, 'gen-7'],
			);
			assert.deepStrictEqual(
				nodeItems(result, 'Closed').map((c) => c._id),
				[CLOSED, CLOSED_2, 'gen-10'],
			);
			assert.deepStrictEqual(
				nodeItems(result, 'Active').map((c) => c._id),
				[ACTIVE, 'gen-7'],
			);
			assert.ok(nodeItems(result, 'Closed').every((c) => c.state === 'closed' && typeof c.endedReason === 'string'));
			assert.ok(nodeItems(result, 'Active').every((c) => c.state === 'active' && !('endAt' in c)));
		});

		test('On Error: Continue: a 404 item becomes { error } in place, next to the good items', async () => {
			requireSetup();
			const { result, requests } = await execute(WF.continue);
			const raw = nodeRawItems(result, 'Jelou');
			const items = raw.map((i) => i.json);
			assert.equal(items.length, 3, 'one output item per input item');
			assert.deepStrictEqual(items[0], EXPECTED_RAW[CLOSED]);
			assert.deepStrictEqual(items[2], EXPECTED_RAW[ACTIVE]);
			assert.deepStrictEqual(Object.keys(items[1]), ['error'], 'the failed item is exactly { error }');
			assert.equal(typeof items[1].error, 'string');
			assert.match(items[1].error, new RegExp(MISSING), 'the error names the conversation id');
			assert.match(items[1].error, /not found|404/i);
			assert.deepStrictEqual(
				raw.map((i) => i.pairedItem && i.pairedItem.item),
				[0, 1, 2],
				'items stay paired with their inputs, in order',
			);
			// The node may send requests concurrently: compare without order.
			assert.deepStrictEqual(requests.map((r) => `${r.path.split('/').pop()} ${r.status}`).sort(), [
				`${ACTIVE} 200`,
				`${CLOSED} 200`,
				`${MISSING} 404`,
			]);
		});

		test('the example workflow of `npm start` (e2e/fixtures/example-workflow.json) runs as documented', async () => {
			requireSetup();
			const example = wf.loadExampleWorkflow();
			const { result } = await execute(example.id);
			assert.deepStrictEqual(nodeItems(result, 'Closed'), [EXPECTED_RAW[CLOSED]]);
			assert.deepStrictEqual(nodeItems(result, 'Active'), [EXPECTED_RAW[ACTIVE]]);
		});

		// ------------------------------------------------------------------ Options

		const optionsRun = () => executeShared(WF.options);

		test(`Options: 200 ids at Concurrency ${THROTTLED_CONCURRENCY} against a sandbox limited to ${RATE_LIMIT}/s (429 + Retry-After): 200 items, no error, in input order`, async () => {
			requireSetup();
			// Retries wait with n8n-workflow's `sleep` only: n8n 2.x dropped `sleepWithAbort`, and
			// this run is what proves the waits work in both lines.
			const { result, requests, seen: recs } = await optionsRun();
			const raw = nodeRawItems(result, 'Jelou: 200 ids, concurrency 5');
			assert.ok(raw, 'the node ran');
			assert.equal(raw.length, THROTTLED_IDS.length, 'one output item per input item');
			const failures = {};
			raw.forEach((it, i) => {
				if (it.error || 'error' in it.json) (failures[it.json.error] = failures[it.json.error] || []).push(i);
			});
			assert.deepStrictEqual(
				Object.entries(failures).map(([msg, items]) => `${items.length} item(s), first #${items[0]}: ${msg}`),
				[],
				'no item failed',
			);
			assert.deepStrictEqual(raw.map((it) => it.json._id), THROTTLED_IDS, 'output order = input order');
			assert.deepStrictEqual(
				raw.map((it) => it.pairedItem && it.pairedItem.item),
				THROTTLED_IDS.map((_, i) => i),
				'each item is paired with its input',
			);
			for (const [i, it] of raw.entries()) {
				assert.deepStrictEqual(it.json, generatedConversation(THROTTLED_IDS[i]), `item ${i} is the conversation Jelou sent`);
			}

			const wanted = new Set(THROTTLED_IDS);
			const mine = requests.filter((r) => wanted.has(convIdOf(r.path)));
			const byStatus = {};
			for (const r of mine) byStatus[r.status] = (byStatus[r.status] || 0) + 1;
			assert.equal(byStatus[200], THROTTLED_IDS.length, `each id answered 200 once (statuses: ${JSON.stringify(byStatus)})`);
			assert.deepStrictEqual(new Set(mine.filter((r) => r.status === 200).map((r) => convIdOf(r.path))).size, THROTTLED_IDS.length);
			assert.ok(byStatus[429] >= 1, `the sandbox throttled the run (statuses: ${JSON.stringify(byStatus)})`);
			assert.deepStrictEqual(Object.keys(byStatus).sort(), ['200', '429'], 'only 200 and 429 answers');

			const inFlight = maxOverlap(recs.filter((r) => wanted.has(convIdOf(r.path))));
			assert.ok(inFlight <= THROTTLED_CONCURRENCY, `at most ${THROTTLED_CONCURRENCY} requests in flight (saw ${inFlight})`);
			assert.ok(inFlight >= 2, `requests ran concurrently (saw at most ${inFlight} at once)`);
			const spanMs = mine[mine.length - 1].at - mine[0].at;
			console.log(
				`200 ids: ${mine.length} requests (${byStatus[429]} answered 429) in ${(spanMs / 1000).toFixed(1)} s, at most ${inFlight} in flight`,
			);
		});

		test('Options: Max Retries 0 under On Error: Continue: 500, 502 and 503 (normally retried) each fail their item after one request', async () => {
			requireSetup();
			const { result, requests } = await optionsRun();
			const raw = nodeRawItems(result, 'Jelou: max retries 0');
			assert.ok(raw, 'the node ran');
			// Concurrency 1: the sandbox's injected faults come in turn, 500, 502, 503.
			const statuses = [500, 502, 503];
			assert.deepStrictEqual(raw.map((it) => Object.keys(it.json)), [['error'], ['error'], ['error']]);
			raw.forEach((it, i) => {
				assert.equal(
					it.json.error,
					`Jelou failed to process the request (HTTP ${statuses[i]}): Injected fault (errorRate 1): HTTP ${statuses[i]}.`,
					`item ${i}`,
				);
				assert.equal(it.pairedItem && it.pairedItem.item, i);
				// The error itself is attached (for the error output) and names its item.
				assert.equal(it.error && it.error.message, it.json.error);
				assert.equal(it.error.context && it.error.context.itemIndex, i);
				assert.doesNotMatch(String(it.error.description), /Gave up after/, 'a single attempt');
			});
			const wanted = new Set(NO_RETRY_IDS);
			assert.deepStrictEqual(
				requests.filter((r) => wanted.has(convIdOf(r.path))).map((r) => `${convIdOf(r.path)} ${r.status}`),
				NO_RETRY_IDS.map((id, i) => `${id} ${statuses[i]}`),
				'exactly one request per item: nothing was resent',
			);
		});

		test(`Options: Timeout ${TIMEOUT_MS} ms against ${SLOW_LATENCY_MS} ms of latency: each item is "The request to Jelou timed out" under Continue`, async () => {
			requireSetup();
			const { result, requests } = await optionsRun();
			const raw = nodeRawItems(result, 'Jelou: timeout 300 ms');
			assert.ok(raw, 'the node ran');
			assert.deepStrictEqual(
				raw.map((it) => it.json),
				TIMEOUT_IDS.map(() => ({ error: 'The request to Jelou timed out' })),
			);
			assert.deepStrictEqual(raw.map((it) => it.pairedItem && it.pairedItem.item), [0, 1]);
			for (const it of raw) {
				assert.equal(
					it.error && it.error.description,
					`Request to 127.0.0.1:${sb.port} failed: no complete answer within ${TIMEOUT_MS} ms. Raise the Timeout option, or check the network.`,
				);
			}
			const ms = result.data.resultData.runData['Jelou: timeout 300 ms'][0].executionTime;
			assert.ok(ms < SLOW_LATENCY_MS, `the node gave up before the answer came (${ms} ms)`);
			const wanted = new Set(TIMEOUT_IDS);
			assert.deepStrictEqual(
				requests.filter((r) => wanted.has(convIdOf(r.path))).map((r) => convIdOf(r.path)).sort(),
				TIMEOUT_IDS,
				'one request per item (Max Retries 0)',
			);
			// The last step put the sandbox back to no faults.
			assert.deepStrictEqual(
				{ latencyMs: sb.config.latencyMs, rateLimit: sb.config.rateLimit, errorRate: sb.config.errorRate },
				{ latencyMs: 0, rateLimit: 0, errorRate: 0 },
			);
		});

		// ------------------------------------------------------------------ every operation

		// The seeded integration (signing secret = the credential's) and conversations.
		const operationsRun = () => executeShared(WF.operations, { prepare: () => sb.resetData() });
		const jsonBody = (r) => JSON.parse(r.body);

		test('Conversation → Start with metadata (JSON + fields) and an assignment: the sandbox received exactly that body', async () => {
			requireSetup();
			const { result, requests } = await operationsRun();
			const starts = requests.filter((r) => r.method === 'POST' && r.path.endsWith('/conversations/start'));
			assert.deepStrictEqual(starts.map((r) => `${r.path} ${r.status} ${r.auth}`), [
				`/jelouapi/v1/external-support/${PROJECT}/conversations/start 200 api_key`,
			]);
			assert.deepStrictEqual(jsonBody(starts[0]), {
				botId: OPS_BOT,
				userId: OPS_USER,
				initialMessage: 'Cliente pide revisar un cobro duplicado',
				// Metadata Fields win over Metadata (JSON) on equal names.
				metadata: { ticketId: 'T-12345', source: 'fields', nested: { vip: true }, priority: 'high' },
				assignment: { type: 'team', target: 'team-billing' },
			});
			const [started] = nodeItems(result, 'Start');
			assert.match(started._id, /^conv-[0-9a-f]{16}$/);
			assert.equal(started.state, 'active');
			assert.equal(started.Bot.id, OPS_BOT);
			assert.equal(started.User.id, OPS_USER);
			assert.match(started.roomId, /^room-[0-9a-f]{16}$/);
		});

		test('Message → Send (text, image) signed with the credential\'s signing secret: the sandbox checked the signature and accepted both; no API key went there; a wrong secret gets 401', async () => {
			requireSetup();
			const { result, requests, seen: recs, sentMessages } = await operationsRun();
			const [started] = nodeItems(result, 'Start');
			const [text] = nodeItems(result, 'Send text');
			const [image] = nodeItems(result, 'Send image');
			assert.deepStrictEqual(text, {
				success: true,
				messageId: 'e2e-msg-text-001',
				roomId: started.roomId,
				botId: OPS_BOT,
				userId: OPS_USER,
				type: 'text',
				response: { id: 'e2e-msg-text-001' },
			});
			assert.match(image.messageId, UUID, 'a generated message id');
			assert.deepStrictEqual(image, {
				success: true,
				messageId: image.messageId,
				roomId: started.roomId,
				botId: OPS_BOT,
				userId: OPS_USER,
				type: 'image',
				response: { id: image.messageId },
			});
			// What the sandbox accepted (GET /__sandbox/messages after the run): only messages whose
			// signature matched the integration's secret.
			assert.deepStrictEqual(
				sentMessages.map(({ at, ...m }) => m),
				[
					{
						project_id: PROJECT,
						room_id: started.roomId,
						bot_id: OPS_BOT,
						user_id: OPS_USER,
						value: { id: 'e2e-msg-text-001', type: 'text', content: { body: OPS_TEXT } },
					},
					{
						project_id: PROJECT,
						room_id: started.roomId,
						bot_id: OPS_BOT,
						user_id: OPS_USER,
						value: {
							id: image.messageId,
							type: 'image',
							content: { url: OPS_IMAGE.mediaUrl, mime_type: OPS_IMAGE.mimeType, caption: OPS_IMAGE.caption },
						},
					},
				],
			);
			// The messaging route: signed with the integration's secret, never the API key.
			const sends = requests.filter((r) => r.path === '/v1/external-support/webhook');
			assert.deepStrictEqual(sends.map((r) => r.status), [200, 200, 401]);
			const rawSends = recs.filter((r) => r.path === '/v1/external-support/webhook');
			assert.equal(rawSends.length, 3);
			for (const [i, r] of rawSends.entries()) {
				assert.equal(r.headers['x-api-key'], undefined, `send ${i}: no x-api-key header`);
				assert.equal(r.headers.authorization, undefined, `send ${i}: no Authorization header`);
				assert.ok(!JSON.stringify(r.headers).includes(secrets.apiKey), `send ${i}: the API key is in no header`);
				assert.ok(!sends[i].body.includes(secrets.apiKey) && !sends[i].body.includes(secrets.signingSecret), `send ${i}: no secret in the body`);
				const secret = i < 2 ? secrets.signingSecret : secrets.wrongSigningSecret;
				const expected = `sha256=${crypto.createHmac('sha256', secret).update(sends[i].body).digest('hex')}`;
				assert.equal(r.headers['x-jelou-signature'], expected, `send ${i}: X-Jelou-Signature is the HMAC of the exact body`);
			}
			const refused = nodeRawItems(result, 'Send with a wrong signing secret');
			assert.deepStrictEqual(refused.map((it) => it.json), [{ error: 'Jelou rejected the message signature (HTTP 401)' }]);
		});

		test('Conversation → Close with a closing message: the sandbox got redirectPayload and closed the conversation Start opened', async () => {
			requireSetup();
			const { result, requests } = await operationsRun();
			const [started] = nodeItems(result, 'Start');
			const closes = requests.filter((r) => r.method === 'POST' && r.path.endsWith('/conversations/close'));
			assert.deepStrictEqual(closes.map((r) => `${r.status} ${r.auth}`), ['200 api_key']);
			assert.deepStrictEqual(jsonBody(closes[0]), {
				botId: OPS_BOT,
				userId: OPS_USER,
				redirectPayload: { type: 'text', text: OPS_CLOSING },
			});
			const [closed] = nodeItems(result, 'Close');
			assert.equal(closed.success, true);
			assert.equal(closed.botId, OPS_BOT);
			assert.equal(closed.userId, OPS_USER);
			assert.equal(closed._id, started._id, 'the conversation Start opened');
			assert.equal(closed.state, 'closed');
			assert.equal(closed.endedReason, 'closed_by_operator');
			assert.match(closed.endAt, ISO_MS);
		});

		test('Integration → Get (404 under Continue before one exists), Create (signingSecret + notice, webhook secret not echoed), Get', async () => {
			requireSetup();
			const { result, requests } = await operationsRun();
			const integrationCalls = requests.filter((r) => r.path === `/jelouapi/v1/external-support/${PROJECT}`);
			assert.deepStrictEqual(integrationCalls.map((r) => `${r.method} ${r.status}`), ['GET 404', 'POST 201', 'GET 200']);
			assert.deepStrictEqual(jsonBody(integrationCalls[1]), {
				webhookUrl: OPS_WEBHOOK_URL,
				authType: 'bearer',
				authorization: secrets.webhookSecret,
			});

			assert.deepStrictEqual(nodeItems(result, 'Integration Get (none yet)'), [
				{ error: `Project '${PROJECT}' has no External Support integration (HTTP 404)` },
			]);

			const [created] = nodeItems(result, 'Integration Create');
			assert.deepStrictEqual(Object.keys(created).sort(), ['authType', 'brainId', 'createdAt', 'notice', 'signingSecret', 'updatedAt', 'webhookUrl']);
			assert.equal(created.webhookUrl, OPS_WEBHOOK_URL);
			assert.equal(created.authType, 'bearer');
			assert.match(created.signingSecret, /^[0-9a-f]{64}$/, 'the new signing secret');
			assert.notEqual(created.signingSecret, secrets.signingSecret, 'a new secret, not the credential\'s');
			assert.equal(created.signingSecret, sb.integration.signingSecret, 'the secret the sandbox now verifies with');
			assert.match(created.notice, /signingSecret/);
			assert.ok(!JSON.stringify(created).includes(secrets.webhookSecret), 'the webhook secret is not repeated');
			createdSigningSecret = created.signingSecret;

			const [got] = nodeItems(result, 'Integration Get');
			assert.deepStrictEqual(got, {
				brainId: created.brainId,
				webhookUrl: OPS_WEBHOOK_URL,
				authType: 'bearer',
				createdAt: created.createdAt,
				updatedAt: created.updatedAt,
			});
		});

		// ------------------------------------------------------------------ server mode

		describe('server mode (n8n start, one server for these tests)', () => {
			let session;
			/** Start n8n once, create the owner and log in; every test of this group shares it. */
			function serverSession() {
				if (!session) {
					session = (async () => {
						const t = Date.now();
						const server = await n8n.startServer();
						const rest = new N8nRest(server.url);
						const owner = { email: 'e2e-owner@example.com', password: `E2e-${crypto.randomBytes(6).toString('hex')}-Pw1` };
						await rest.setupOwner(owner);
						await rest.login(owner);
						console.log(`n8n start ready in ${((Date.now() - t) / 1000).toFixed(1)} s (${server.url})`);
						return { server, rest };
					})();
				}
				return session;
			}

			after(async () => {
				if (n8n) await n8n.stopServer();
			});

			test('the editor lists the node and the credential Test works for both schemes', { timeout: 5 * 60_000 }, async () => {
				requireSetup();
				const { rest } = await serverSession();
				const types = await rest.request('GET', '/types/nodes.json');
				assert.equal(types.status, 200);
				const jelouTypes = (types.json || []).filter((t) => t.name && t.name.startsWith('n8n-nodes-jelou.'));
				for (const name of ['n8n-nodes-jelou.jelou', 'n8n-nodes-jelou.jelouTrigger']) {
					assert.ok(
						jelouTypes.some((t) => t.name === name),
						`the editor lists ${name} (found: ${jelouTypes.map((t) => t.name).join(', ') || 'none'})`,
					);
				}
				const testCred = async (cred) => {
					const r = await rest.request('POST', '/rest/credentials/test', {
						credentials: { id: cred.id, name: cred.name, type: cred.type, data: cred.data },
					});
					assert.equal(r.status, 200, `credentials/test HTTP ${r.status}: ${r.text.slice(0, 300)}`);
					return r.json.data;
				};
				sb.reset();
				sb.setIntegration(seedIntegration); // the probe reads the project's integration
				assert.deepStrictEqual((await testCred(credKey)).status, 'OK', 'API key credential test');
				assert.deepStrictEqual((await testCred(credBasic)).status, 'OK', 'Basic credential test');
				const wrong = await testCred({ ...credKey, data: { ...credKey.data, apiKey: 'wrong-key' } });
				assert.equal(wrong.status, 'Error', 'a wrong API key fails the test');
				// n8n answers its own 'Authorization failed - please check your credentials' for
				// a 401 (the credential's 401 rule message is not used by n8n 1.123 / 2.41).
				assert.match(wrong.message, /401|rejected|invalid|authorization failed/i);
				const probes = sb.requests.map((r) => `${r.method} ${r.path} ${r.status} ${r.auth}`);
				assert.deepStrictEqual(probes.slice(0, 2), [
					`GET /jelouapi/v1/external-support/${PROJECT} 200 api_key`,
					`GET /jelouapi/v1/external-support/${PROJECT} 200 basic`,
				]);
				// n8n's credential tester itself sends a 401-answered probe twice.
				assert.ok(probes.length >= 3, 'the wrong key was probed');
				for (const p of probes.slice(2)) assert.equal(p, `GET /jelouapi/v1/external-support/${PROJECT} 401 invalid`);
			});

			test('Jelou Trigger (Conversation Closed), active: a signed close from the sandbox starts one execution with the event item; forged, replayed and unselected events start none', { timeout: 5 * 60_000 }, async () => {
				requireSetup();
				const { server, rest } = await serverSession();
				const hookUrl = `${server.url}/webhook/${triggerWebhookId}/jelou`;

				// Activate at runtime, as the editor's toggle (1.x) / Publish (2.x) does, then wait
				// until the production webhook answers: an unsigned POST gets the trigger's own 401,
				// an unregistered path n8n's 404.
				const activated = await rest.activateWorkflow(WF.trigger);
				assert.ok(activated && (activated.active === true || activated.activeVersionId), 'the workflow is active');
				const t = Date.now();
				const probe = await waitFor(`the webhook ${hookUrl} to be registered`, async () => {
					const r = await httpRequest('POST', hookUrl, { body: {} });
					return r.status === 404 ? undefined : r;
				});
				assert.equal(probe.status, 401, `unsigned POST: ${probe.status} ${probe.text.slice(0, 200)}`);
				assert.deepStrictEqual(probe.json, { error: 'Missing X-Jelou-Signature header' });
				console.log(`webhook registered ${((Date.now() - t) / 1000).toFixed(1)} s after activation: ${hookUrl}`);

				// Jelou's side: the integration points at the production URL, with the signing
				// secret that the trigger's credential holds.
				sb.reset();
				sb.setIntegration({ webhookUrl: hookUrl, authType: 'no_auth', signingSecret: secrets.signingSecret });
				const api = async (leaf, body) => {
					const r = await httpRequest('POST', `${sb.baseUrl}/external-support/${PROJECT}/conversations/${leaf}`, {
						body,
						headers: { 'x-api-key': secrets.apiKey },
					});
					assert.equal(r.status, 200, `sandbox ${leaf}: HTTP ${r.status} ${r.text.slice(0, 200)}`);
					return r.json.data;
				};
				const delivered = (event, convId) =>
					waitFor(`the sandbox's ${event} delivery`, () =>
						sb.webhookDeliveries.find((d) => d.event === event && JSON.parse(d.payload).conversation.id === convId),
					);

				// 1. Forged: signed with another secret.
				const forged = await sb.emit({ event: 'conversation.close', signingSecret: 'not-the-signing-secret' });
				assert.equal(forged.status, 401, `forged event: ${forged.status} ${forged.body}`);
				assert.deepStrictEqual(JSON.parse(forged.body), { error: 'Invalid X-Jelou-Signature' });
				// 2. Replayed: correctly signed but ten minutes old (Max Event Age 300 s).
				const replayed = await sb.emit({ event: 'conversation.close', timestamp: Date.now() - 10 * 60_000 });
				assert.equal(replayed.status, 401, `replayed event: ${replayed.status} ${replayed.body}`);
				// 3. Not selected: the Start below makes the sandbox send a signed conversation.start.
				const conv = await api('start', { botId: OPS_BOT, userId: TRIGGER_USER });
				const startDelivery = await delivered('conversation.start', conv._id);
				assert.equal(startDelivery.status, 200, `conversation.start: ${startDelivery.status} ${startDelivery.error || startDelivery.responseBody}`);
				assert.match(startDelivery.responseBody, /not selected/);
				// 4. The real one: closing the conversation through the API sends a signed conversation.close.
				await api('close', { botId: OPS_BOT, userId: TRIGGER_USER, redirectPayload: { type: 'text', text: TRIGGER_CLOSING } });
				const closeDelivery = await delivered('conversation.close', conv._id);
				assert.equal(closeDelivery.status, 200, `conversation.close: ${closeDelivery.status} ${closeDelivery.error || closeDelivery.responseBody}`);
				assert.ok(closeDelivery.signature && closeDelivery.signature.startsWith('sha256='), 'the sandbox signed it');

				const finished = await waitFor('the execution of the close event', async () => {
					const list = await rest.executions(WF.trigger);
					return list.length > 0 && list.every((e) => e.status !== 'running' && e.status !== 'new') ? list : undefined;
				});
				await sleep(500); // anything else would have started by now
				const list = await rest.executions(WF.trigger);
				assert.deepStrictEqual(
					list.map((e) => `${e.mode} ${e.status}`),
					['webhook success'],
					'exactly one execution: forged, replayed, unselected and probe requests started none',
				);
				assert.equal(finished[0].id, list[0].id);

				const exec = await rest.execution(list[0].id);
				const runData = exec.data.resultData.runData;
				const item = runData['Jelou Trigger'][0].data.main[0][0].json;
				const sent = JSON.parse(closeDelivery.payload);
				assert.equal(item.event, 'conversation.close');
				assert.equal(item._id, conv._id);
				assert.equal(item.projectId, PROJECT);
				assert.match(item.timestamp, ISO_MS);
				assert.equal(item.timestamp, new Date(sent.timestamp).toISOString());
				assert.deepStrictEqual(
					{ ...item, timestamp: undefined },
					{
						event: 'conversation.close',
						timestamp: undefined,
						projectId: PROJECT,
						_id: conv._id,
						roomId: conv.roomId,
						state: 'closed',
						endedReason: 'closed_by_operator',
						User: { id: TRIGGER_USER, names: TRIGGER_USER },
						Bot: { id: OPS_BOT, name: 'Support Bot' },
						closingMessage: { type: 'text', text: TRIGGER_CLOSING },
						payload: sent,
					},
				);
				assert.deepStrictEqual(runData['Closed event'][0].data.main[0].map((i) => i.json), [item], 'the next node got the item');
			});
		});

		test('no secret (API key, client secret, Basic token, signing secrets, webhook secret) appears anywhere in what n8n printed', () => {
			requireSetup();
			const text = n8n.transcriptText();
			assert.ok(text.length > 1000, 'the transcript holds the runs');
			// The one secret meant to be shown: the signing secret Integration → Create returned.
			// It is printed, so the scan reads the runs' output, and it differs from the others.
			if (createdSigningSecret) {
				assert.ok(text.includes(createdSigningSecret), 'the transcript holds the Integration Create output');
				assert.ok(![secrets.signingSecret, secrets.wrongSigningSecret].includes(createdSigningSecret));
			}
			for (const [label, secret] of [
				['API key', secrets.apiKey],
				['client secret', secrets.clientSecret],
				['Basic token', basicToken],
				["credential's signing secret", secrets.signingSecret],
				['wrong signing secret', secrets.wrongSigningSecret],
				['webhook secret', secrets.webhookSecret],
			]) {
				const at = text.indexOf(secret);
				assert.equal(at, -1, `${label} leaked into n8n's output: ...${text.slice(Math.max(0, at - 200), at + 100)}...`);
			}
		});
	});
}

module.exports = { defineSuite, EXPECTED_RAW, EXPECTED_SIMPLE };
