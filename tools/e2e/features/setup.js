'use strict';
// The shared setup of the end-to-end suite (one per n8n line): the in-process Jelou sandbox,
// a real n8n with the packed package installed into .n8n/nodes, the credentials, and the
// workflows every feature file contributes; plus helpers to run a workflow with a clean
// sandbox log and to start `n8n start` once for the server-mode tests.
//
// Every feature file (tools/e2e/features/*.js) exports `workflows(ctx)` (the workflows it imports,
// built once the sandbox and the credentials exist) and `define(ctx)` (its tests), and may export
// `setup(ctx)` (run before the credentials are imported).

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const path = require('node:path');
const { before, test } = require('node:test');
const { performance } = require('node:perf_hooks');

const { ensureInstalled, REPO_ROOT } = require('../../harness/runtime');
const { N8nInstance, N8nRest, packPackage, httpRequest, sleep } = require('../../harness/n8n');
const wf = require('../../harness/workflows');
const { onCleanup } = require('../../harness/procs');

const SANDBOX = require(path.join(REPO_ROOT, 'tools', 'sandbox', 'server.js'));

const PROJECT = 'demo-project';
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function waitFor(what, fn, { timeoutMs = 20_000, intervalMs = 200 } = {}) {
	const started = Date.now();
	let last;
	for (;;) {
		last = await fn();
		if (last) return last;
		if (Date.now() - started > timeoutMs)
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(intervalMs);
	}
}

/** The JSON body of a request-log entry. */
const jsonBody = (r) => JSON.parse(r.body);

/**
 * Creates the context the feature files share, and registers the suite's `before` hook (the
 * setup). `features` are the feature modules whose workflows are imported.
 */
function createContext(rt, features) {
	const ctx = {
		rt,
		// Distinctive secrets, so a leak cannot be a coincidence.
		secrets: {
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
		},
		sb: undefined,
		n8n: undefined,
		creds: {},
		triggerWebhookId: undefined,
		createdSigningSecret: undefined, // what Integration → Create returned (set by its test)
		// Every non-control request as it reached the sandbox: raw headers, when the sandbox
		// received it and finished answering it (performance.now() ms), and the project's
		// integration right after the answer (the sandbox's view, with its signing secret).
		seen: [],
		setupError: undefined,
		setupMs: 0,
	};
	const { secrets } = ctx;
	ctx.basicToken = Buffer.from(`${secrets.clientId}:${secrets.clientSecret}`).toString('base64');
	ctx.seedIntegration = {
		webhookUrl: 'http://127.0.0.1:9/jelou-webhook',
		authType: 'no_auth',
		signingSecret: secrets.signingSecret,
	};

	/** Run one workflow with a clean request log (`prepare` runs after the reset). */
	ctx.execute = async (
		/** @type {string} */ id,
		/** @type {{ prepare?: () => Promise<void> }} */ { prepare } = {},
	) => {
		const { sb, n8n } = ctx;
		sb.reset();
		ctx.seen.length = 0;
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
		return {
			result: r.result,
			requests: sb.requests.slice(),
			seen: ctx.seen.slice(),
			sentMessages,
		};
	};

	/** One run shared by several tests (each checks one scenario of the workflow). */
	const sharedRuns = new Map();
	ctx.executeShared = (id, opts) => {
		if (!sharedRuns.has(id)) sharedRuns.set(id, ctx.execute(id, opts));
		return sharedRuns.get(id);
	};

	/** Every test fails (not skips) when the setup failed. */
	ctx.requireSetup = () => {
		if (ctx.setupError)
			throw new Error(
				`setup failed, see the first test: ${String(ctx.setupError.message).split('\n')[0]}`,
			);
	};

	let session;
	const owner = {
		email: 'e2e-owner@example.com',
		password: `E2e-${crypto.randomBytes(6).toString('hex')}-Pw1`,
	};
	const startSession = (port, env) =>
		(async () => {
			const t = Date.now();
			const server = await ctx.n8n.startServer({ port, env });
			const rest = new N8nRest(server.url);
			await rest.setupOwner(owner);
			await rest.login(owner);
			console.log(`n8n start ready in ${((Date.now() - t) / 1000).toFixed(1)} s (${server.url})`);
			return { server, rest };
		})();
	/** Start n8n once, create the owner and log in; every server-mode test shares it. */
	ctx.serverSession = () => {
		if (!session) session = startSession();
		return session;
	};
	/**
	 * A server-mode test: once the setup succeeded, `fn` gets the shared n8n server and its
	 * logged-in REST client.
	 * @param {string} title
	 * @param {(session: { server: any, rest: any }) => Promise<void>} fn
	 */
	ctx.serverTest = (title, fn) =>
		test(title, { timeout: 5 * 60_000 }, async () => {
			ctx.requireSetup();
			await fn(await ctx.serverSession());
		});
	/**
	 * Stop n8n and start it again on the same port (active workflows are registered again),
	 * optionally with more environment variables (e.g. another binary data mode).
	 * @param {Record<string, string>} [env]
	 */
	ctx.restartServer = async (env) => {
		const { server } = await ctx.serverSession();
		await ctx.n8n.stopServer();
		session = startSession(server.port, env);
		return session;
	};

	before(async () => {
		const t = Date.now();
		try {
			await setup();
		} catch (e) {
			ctx.setupError = e;
		}
		ctx.setupMs = Date.now() - t;
	});

	async function setup() {
		const failed = process.env[`E2E_INSTALL_ERROR_${rt.line}`];
		if (failed)
			throw new Error(
				`${rt.name} could not be installed on this machine, so it was not tested:\n${failed}`,
			);
		await ensureInstalled(rt.line, { print: (s) => console.log(s) });

		const sb = await SANDBOX.startSandbox({
			port: 0,
			apiKey: secrets.apiKey,
			clientId: secrets.clientId,
			clientSecret: secrets.clientSecret,
			projectId: PROJECT,
			// An integration, so the credential's Test button (GET integration) succeeds, with a
			// known signing secret for Message → Send.
			integration: ctx.seedIntegration,
		});
		ctx.sb = sb;
		onCleanup(() => sb.close());
		sb.server.prependListener('request', (req, res) => {
			if (req.url.startsWith('/__sandbox')) return;
			const rec = {
				method: req.method,
				path: req.url,
				headers: { ...req.headers },
				start: performance.now(),
				end: undefined,
				integrationAfter: undefined,
			};
			ctx.seen.push(rec);
			const end = () => {
				if (rec.end === undefined) {
					rec.end = performance.now();
					rec.integrationAfter = sb.integration;
				}
			};
			res.once('finish', end);
			res.once('close', end);
		});

		const tgz = await packPackage();
		const n8n = new N8nInstance(rt.line);
		ctx.n8n = n8n;
		onCleanup(() => n8n.dispose({ keep: !!process.env.E2E_KEEP }));
		await n8n.installPackage(tgz);

		const apiKeyCred = (id, name, extra = {}) =>
			wf.jelouCredential({
				id,
				name,
				authType: 'apiKey',
				apiKey: secrets.apiKey,
				baseUrl: sb.baseUrl,
				projectId: PROJECT,
				...extra,
			});
		ctx.creds.key = apiKeyCred('JelouE2eCredKey1', 'Jelou e2e (API key)');
		ctx.creds.basic = wf.jelouCredential({
			id: 'JelouE2eCredBas1',
			name: 'Jelou e2e (Basic)',
			authType: 'basic',
			clientId: secrets.clientId,
			clientSecret: secrets.clientSecret,
			baseUrl: sb.baseUrl,
			projectId: PROJECT,
		});
		// The credential `npm start` creates for the example workflow (same id).
		ctx.creds.example = apiKeyCred('JelouSandboxCred', 'Jelou sandbox');
		// For Message → Send and the Jelou Trigger: the integration's signing secret and the
		// sandbox's messaging host.
		ctx.creds.sign = apiKeyCred('JelouE2eCredSig1', 'Jelou e2e (signing)', {
			messagingBaseUrl: sb.messagingBaseUrl,
			signingSecret: secrets.signingSecret,
		});
		ctx.creds.wrongSign = apiKeyCred('JelouE2eCredBad1', 'Jelou e2e (wrong signing secret)', {
			messagingBaseUrl: sb.messagingBaseUrl,
			signingSecret: secrets.wrongSigningSecret,
		});
		ctx.triggerWebhookId = wf.webhookUuid(`trigger-${rt.line}`);
		// A feature may start what it needs (e.g. the model server) and add credentials.
		for (const feature of features) if (feature.setup) await feature.setup(ctx);
		await n8n.importCredentials(Object.values(ctx.creds));
		const workflows = [];
		for (const feature of features)
			if (feature.workflows) workflows.push(...feature.workflows(ctx));
		await n8n.importWorkflows(workflows);
	}

	return ctx;
}

module.exports = { createContext, waitFor, jsonBody, PROJECT, ISO_MS, UUID, SANDBOX };
