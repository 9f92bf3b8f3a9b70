'use strict';
// The end-to-end suite, run once per pinned n8n line (see e2e/tests/).
//
// A real n8n loads the packed n8n-nodes-jelou from $N8N_USER_FOLDER/.n8n/nodes,
// runs imported workflows headlessly (`n8n execute`) against the in-process
// Jelou sandbox, and once in server mode (`n8n start`) for the credential test.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { describe, before, after, test } = require('node:test');
const path = require('node:path');

const { ensureInstalled, getRuntime, REPO_ROOT } = require('./runtime');
const { N8nInstance, N8nRest, packPackage, nodeItems, nodeRawItems, httpRequest } = require('./n8n');
const wf = require('./workflows');
const { onCleanup, installHooks } = require('./procs');

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
};

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
		};
		const basicToken = Buffer.from(`${secrets.clientId}:${secrets.clientSecret}`).toString('base64');
		let sb;
		let n8n;
		let credKey;
		let credBasic;
		const seen = []; // raw request headers as they reached the sandbox

		/** Run one workflow with a clean request log. */
		async function execute(id) {
			sb.reset();
			seen.length = 0;
			const r = await n8n.execute(id);
			const status = r.result.status ?? (r.result.finished ? 'success' : 'unknown');
			assert.equal(
				r.code,
				0,
				`n8n execute --id=${id} failed (exit ${r.code}): ${JSON.stringify(r.result?.data?.resultData?.error?.message ?? r.stdout.slice(-2000))}`,
			);
			assert.equal(status, 'success', `execution status of ${id}`);
			return { result: r.result, requests: sb.requests.slice(), seen: seen.slice() };
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

			const { startSandbox } = require(path.join(REPO_ROOT, 'sandbox', 'server.js'));
			sb = await startSandbox({
				port: 0,
				...secrets,
				projectId: PROJECT,
				// An integration, so the credential's Test button (GET integration) succeeds.
				integration: { webhookUrl: 'http://127.0.0.1:9/jelou-webhook', authType: 'no_auth' },
			});
			onCleanup(() => sb.close());
			sb.server.prependListener('request', (req) => {
				if (req.url.startsWith('/jelouapi/')) seen.push({ method: req.method, path: req.url, headers: { ...req.headers } });
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
			await n8n.importCredentials([credKey, credBasic, credExample]);
			await n8n.importWorkflows([
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

		test('server mode: n8n start serves the node and the credential Test works for both schemes', { timeout: 5 * 60_000 }, async () => {
			requireSetup();
			const server = await n8n.startServer();
			try {
				const rest = new N8nRest(server.url);
				const owner = { email: 'e2e-owner@example.com', password: `E2e-${crypto.randomBytes(6).toString('hex')}-Pw1` };
				await rest.setupOwner(owner);
				await rest.login(owner);
				const types = await rest.request('GET', '/types/nodes.json');
				assert.equal(types.status, 200);
				const jelouTypes = (types.json || []).filter((t) => t.name && t.name.startsWith('n8n-nodes-jelou.'));
				assert.ok(
					jelouTypes.some((t) => t.name === 'n8n-nodes-jelou.jelou'),
					`the editor lists n8n-nodes-jelou.jelou (found: ${jelouTypes.map((t) => t.name).join(', ') || 'none'})`,
				);
				const testCred = async (cred) => {
					const r = await rest.request('POST', '/rest/credentials/test', {
						credentials: { id: cred.id, name: cred.name, type: cred.type, data: cred.data },
					});
					assert.equal(r.status, 200, `credentials/test HTTP ${r.status}: ${r.text.slice(0, 300)}`);
					return r.json.data;
				};
				sb.reset();
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
			} finally {
				await n8n.stopServer();
			}
		});

		test('no secret (API key, client secret, Basic token) appears anywhere in what n8n printed', () => {
			requireSetup();
			const text = n8n.transcriptText();
			assert.ok(text.length > 1000, 'the transcript holds the runs');
			for (const [label, secret] of [
				['API key', secrets.apiKey],
				['client secret', secrets.clientSecret],
				['Basic token', basicToken],
			]) {
				const at = text.indexOf(secret);
				assert.equal(at, -1, `${label} leaked into n8n's output: ...${text.slice(Math.max(0, at - 200), at + 100)}...`);
			}
		});
	});
}

module.exports = { defineSuite, EXPECTED_RAW, EXPECTED_SIMPLE };
