'use strict';

// Integration endpoints as Jelou documents them: Get, Create, Update (PATCH), Delete, kept per
// project, and the switch that makes them answer the docs' bare object instead of the envelope.

const { describe, it, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { startSandbox } = require('../server.js');
const { apiKeyHeaders, request, sign, startReceiver, freePort, PROJECT } = require('./helpers.js');

const INTEGRATION = `/external-support/${PROJECT}`;
const DELETED = {
	message: ['Integration deleted successfully'],
	statusMessage: 'success',
	status: 1,
};
// The integration as Update, Get and the bare answers show it (no signing secret), and as the
// bare Create answers it (with the secret, once).
const VIEW_KEYS = ['id', 'brainId', 'webhookUrl', 'authType', 'createdAt', 'updatedAt'];
const CREATED_KEYS = ['id', 'brainId', 'webhookUrl', 'authType', 'signingSecret', 'createdAt'];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const call = (sb, method, body, p = INTEGRATION) =>
	request(sb.baseUrl, method, p, { headers: apiKeyHeaders, body });
const control = (sb, method, p, body) => request(sb.url, method, `/__sandbox${p}`, { body });

describe('sandbox: integration Update and Delete (envelope answers)', () => {
	let sb;
	before(async () => {
		sb = await startSandbox();
	});
	after(() => sb.close());
	beforeEach(() => {
		sb.reset();
		sb.resetData();
	});

	/** @param {Record<string, unknown>} [body] */
	async function create(
		body = {
			webhookUrl: 'https://panel.example.com/jelou',
			authType: 'bearer',
			authorization: 'panel-token',
		},
	) {
		const r = await call(sb, 'POST', body);
		assert.equal(r.status, 201, r.text);
		return r.json.data;
	}

	it('PATCH changes only the fields sent; the signing secret, id, brainId and createdAt stay', async () => {
		const created = await create();
		const before = sb.integration;
		const r = await call(sb, 'PATCH', { webhookUrl: 'https://other.example.com/hook' });
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json.message, ['Integration updated successfully']);
		assert.equal(r.json.status, 1);
		assert.equal(r.json.statusMessage, 'success');
		// The docs' Update data: the integration without its signing secret.
		assert.deepEqual(Object.keys(r.json.data), VIEW_KEYS);
		assert.equal(r.json.data.id, before.id);
		assert.equal(r.json.data.brainId, created.brainId);
		assert.equal(r.json.data.webhookUrl, 'https://other.example.com/hook');
		assert.equal(r.json.data.authType, 'bearer', 'authType was not sent, so it stays');
		assert.equal(r.json.data.createdAt, created.createdAt);
		assert.match(r.json.data.updatedAt, ISO);
		assert.ok(!r.text.includes(created.signingSecret), 'no signing secret in the answer');
		assert.ok(!r.text.includes('panel-token'), 'no authorization in the answer');
		assert.equal(sb.integration.signingSecret, created.signingSecret, 'same signing secret');

		// Then the auth: to no_auth, and back to api_key with a new key.
		const noAuth = await call(sb, 'PATCH', { authType: 'no_auth' });
		assert.equal(noAuth.status, 200, noAuth.text);
		assert.equal(noAuth.json.data.authType, 'no_auth');
		assert.equal(noAuth.json.data.webhookUrl, 'https://other.example.com/hook');
		const apiKey = await call(sb, 'PATCH', { authType: 'api_key', authorization: 'k-2' });
		assert.equal(apiKey.status, 200, apiKey.text);
		assert.equal(apiKey.json.data.authType, 'api_key');
		assert.equal(
			sb.integration.signingSecret,
			created.signingSecret,
			'still the same signing secret',
		);

		const got = await call(sb, 'GET');
		assert.equal(got.status, 200);
		assert.equal(got.json.data.webhookUrl, 'https://other.example.com/hook');
		assert.equal(got.json.data.authType, 'api_key');
	});

	it('after PATCH, events go to the new URL with the new auth header and the unchanged secret', async () => {
		const receiver = await startReceiver();
		try {
			const created = await create({
				webhookUrl: 'https://panel.example.com/jelou',
				authType: 'no_auth',
			});
			const r = await call(sb, 'PATCH', {
				webhookUrl: receiver.url,
				authType: 'bearer',
				authorization: 'trigger-token',
			});
			assert.equal(r.status, 200, r.text);
			const sent = await sb.emit({ event: 'conversation.close' });
			assert.equal(sent.status, 200);
			const [got] = await receiver.waitFor(1);
			assert.equal(got.headers.authorization, 'Bearer trigger-token');
			assert.equal(got.headers['x-jelou-signature'], sign(created.signingSecret, got.body));
		} finally {
			await receiver.close();
		}
	});

	it('PATCH refuses an empty change and bad values with 400 and validationError, and changes nothing', async () => {
		await create({ webhookUrl: 'https://panel.example.com/jelou', authType: 'no_auth' });
		const before = sb.integration;
		const cases = [
			[{}, ['body']],
			[{ unrelated: 1 }, ['body']],
			[{ webhookUrl: 'http://example.com/hook' }, ['webhookUrl']],
			[{ authType: 'oauth' }, ['authType']],
			[{ authorization: 42 }, ['authorization']],
			// The stored integration has no authorization, so a scheme that needs one must bring it.
			[{ authType: 'bearer' }, ['authorization']],
		];
		for (const [body, fields] of cases) {
			const r = await call(sb, 'PATCH', body);
			assert.equal(r.status, 400, JSON.stringify(body));
			assert.equal(r.json.status, 0);
			assert.equal(r.json.error.key, 'validation_error');
			assert.deepEqual(Object.keys(r.json.validationError).sort(), fields, JSON.stringify(body));
		}
		assert.deepEqual(sb.integration, before, 'nothing changed');
		const badJson = await request(sb.baseUrl, 'PATCH', INTEGRATION, {
			headers: apiKeyHeaders,
			body: '{oops',
		});
		assert.equal(badJson.status, 400);
		assert.equal(badJson.json.error.key, 'invalid_json');
	});

	it('PATCH and DELETE answer 404 when the project has no integration, and for another project', async () => {
		const patch = await call(sb, 'PATCH', { webhookUrl: 'https://a.example/hook' });
		assert.equal(patch.status, 404);
		assert.equal(patch.json.error.key, 'integration_not_found');
		assert.ok(patch.json.error.description.includes(PROJECT));
		const del = await call(sb, 'DELETE');
		assert.equal(del.status, 404);
		assert.equal(del.json.error.key, 'integration_not_found');
		assert.equal(sb.integration, null, 'PATCH did not create one');
		for (const method of ['PATCH', 'DELETE']) {
			const other = await call(
				sb,
				method,
				method === 'PATCH' ? { authType: 'no_auth' } : undefined,
				'/external-support/not-mine',
			);
			assert.equal(other.status, 404, method);
			assert.equal(other.json.error.key, 'project_not_found', method);
		}
	});

	it("DELETE answers Jelou's success body without data; the integration is gone; a second DELETE is 404", async () => {
		await create();
		const r = await call(sb, 'DELETE');
		assert.equal(r.status, 200, r.text);
		assert.deepEqual(r.json, DELETED);
		assert.equal(sb.integration, null);
		assert.equal((await call(sb, 'GET')).status, 404);
		assert.equal((await call(sb, 'DELETE')).status, 404);
		// Creating again is a new integration: 201 and a new signing secret.
		const again = await call(sb, 'POST', {
			webhookUrl: 'https://panel.example.com/jelou',
			authType: 'no_auth',
		});
		assert.equal(again.status, 201);
	});

	it('the state is per project: an integration of demo-project is not one of another project', async () => {
		await create();
		const other = await call(sb, 'GET', undefined, '/external-support/not-mine');
		assert.equal(other.status, 404);
		assert.equal(other.json.error.key, 'integration_not_found');
		assert.ok(other.json.error.description.includes('not-mine'));
		assert.equal((await call(sb, 'GET')).status, 200);
	});

	it('answers PUT on the integration path with 405 and every allowed method', async () => {
		const r = await call(sb, 'PUT', {});
		assert.equal(r.status, 405);
		assert.equal(r.headers.allow, 'GET, POST, PATCH, DELETE');
	});
});

describe('sandbox: integration answers in the bare shape (integrationShape: "bare")', () => {
	let sb;
	before(async () => {
		sb = await startSandbox({ integrationShape: 'bare' });
	});
	after(() => sb.close());

	it('Create, Get, Update answer the bare object; Delete the success body; errors keep the error body', async () => {
		assert.equal(sb.config.integrationShape, 'bare');
		const missing = await call(sb, 'GET');
		assert.equal(missing.status, 404);
		assert.equal(missing.json.error.key, 'integration_not_found', 'errors are not bare');

		const created = await call(sb, 'POST', {
			webhookUrl: 'https://panel.example.com/jelou',
			authType: 'bearer',
			authorization: 't-1',
		});
		assert.equal(created.status, 201);
		assert.deepEqual(Object.keys(created.json), CREATED_KEYS);
		assert.match(created.json.signingSecret, /^[0-9a-f]{64}$/);
		assert.equal(created.json.signingSecret, sb.integration.signingSecret);
		assert.equal(created.json.id, sb.integration.id);
		assert.equal(created.json.webhookUrl, 'https://panel.example.com/jelou');
		assert.ok(!created.text.includes('t-1'));

		const got = await call(sb, 'GET');
		assert.equal(got.status, 200);
		assert.deepEqual(Object.keys(got.json), VIEW_KEYS);
		assert.equal(got.json.id, created.json.id);
		assert.ok(!got.text.includes(created.json.signingSecret));

		const patched = await call(sb, 'PATCH', { webhookUrl: 'https://panel.example.com/v2' });
		assert.equal(patched.status, 200);
		assert.deepEqual(Object.keys(patched.json), VIEW_KEYS);
		assert.equal(patched.json.webhookUrl, 'https://panel.example.com/v2');
		assert.equal(sb.integration.signingSecret, created.json.signingSecret);

		const bad = await call(sb, 'POST', {});
		assert.equal(bad.status, 422);
		assert.equal(bad.json.status, 0);

		const del = await call(sb, 'DELETE');
		assert.equal(del.status, 200);
		assert.deepEqual(del.json, DELETED);
	});

	it('conversations keep the envelope', async () => {
		const r = await call(sb, 'GET', undefined, `${INTEGRATION}/conversations/conv-closed-001`);
		assert.equal(r.status, 200);
		assert.equal(r.json.status, 1);
		assert.equal(r.json.data._id, 'conv-closed-001');
	});
});

describe('sandbox: switching the integration shape at runtime', () => {
	let sb;
	before(async () => {
		sb = await startSandbox({
			integration: { webhookUrl: 'https://panel.example.com/jelou', authType: 'no_auth' },
		});
	});
	after(() => sb.close());

	it('configure(), POST /__sandbox/config and reset() switch it; a bad value is refused', async () => {
		assert.equal(sb.config.integrationShape, 'envelope');
		assert.equal((await call(sb, 'GET')).json.status, 1);

		assert.equal(sb.configure({ integrationShape: 'bare' }).integrationShape, 'bare');
		const bare = await call(sb, 'GET');
		assert.equal(bare.json.status, undefined);
		assert.equal(bare.json.id, sb.integration.id);

		sb.reset();
		assert.equal(sb.config.integrationShape, 'envelope', 'reset() goes back to the start value');

		const r = await control(sb, 'POST', '/config', { integrationShape: 'bare' });
		assert.equal(r.status, 200);
		assert.equal(r.json.integrationShape, 'bare');
		assert.equal((await control(sb, 'GET', '/config')).json.integrationShape, 'bare');
		assert.equal((await call(sb, 'GET')).json.webhookUrl, 'https://panel.example.com/jelou');

		const wrong = await control(sb, 'POST', '/config', { integrationShape: 'naked' });
		assert.equal(wrong.status, 400);
		assert.match(wrong.json.error, /integrationShape must be one of envelope, bare/);
		assert.throws(() => sb.configure({ integrationShape: 'naked' }), /integrationShape/);
		assert.equal(sb.config.integrationShape, 'bare');
	});

	it('the control route shows the integration with id and signing secret, and deletes it', async () => {
		const view = await control(sb, 'GET', '/integration');
		assert.equal(view.status, 200);
		assert.deepEqual(Object.keys(view.json).sort(), [
			'authType',
			'brainId',
			'createdAt',
			'id',
			'signingSecret',
			'updatedAt',
			'webhookUrl',
		]);
		assert.equal((await control(sb, 'DELETE', '/integration')).status, 200);
		assert.equal((await call(sb, 'GET')).status, 404);
	});
});

describe('sandbox CLI: --integration-shape and JELOU_SANDBOX_INTEGRATION_SHAPE', () => {
	const SERVER = path.join(__dirname, '..', 'server.js');

	async function shapeOf(args, env) {
		const port = await freePort();
		const child = spawn(process.execPath, [SERVER, '--port', String(port), '--quiet', ...args], {
			env: { ...process.env, ...env },
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let out = '';
		child.stdout.on('data', (d) => (out += d));
		const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
		try {
			for (let i = 0; i < 250 && !out.includes('Press Ctrl-C'); i++)
				await new Promise((r) => setTimeout(r, 20));
			assert.ok(out.includes('Press Ctrl-C'), out);
			return {
				cfg: /** @type {any} */ (
					await (await fetch(`http://127.0.0.1:${port}/__sandbox/config`)).json()
				),
				banner: out,
			};
		} finally {
			child.kill('SIGTERM');
			await exited;
		}
	}

	it('takes the flag, the env var (the flag wins), and refuses a bad value (exit 2)', async () => {
		const flag = await shapeOf(['--integration-shape', 'bare']);
		assert.equal(flag.cfg.integrationShape, 'bare');
		assert.match(flag.banner, /Integration answers: +bare object/);
		assert.equal(
			(await shapeOf([], { JELOU_SANDBOX_INTEGRATION_SHAPE: 'bare' })).cfg.integrationShape,
			'bare',
		);
		assert.equal(
			(await shapeOf(['--integration-shape=envelope'], { JELOU_SANDBOX_INTEGRATION_SHAPE: 'bare' }))
				.cfg.integrationShape,
			'envelope',
		);
		const bad = spawn(process.execPath, [SERVER, '--integration-shape', 'naked', '--port', '0'], {
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let err = '';
		bad.stderr.on('data', (d) => (err += d));
		const code = await new Promise((resolve) => bad.on('exit', resolve));
		assert.equal(code, 2);
		assert.match(err, /integrationShape must be one of envelope, bare/);
	});
});
