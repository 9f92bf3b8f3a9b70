/**
 * Register Webhook in Jelou: webhookMethods checkExists / create / delete against a fake that
 * follows Jelou's documented contract (both answer shapes), and the registration's token and
 * signing secret being used by webhook() afterwards. The rule under test: a signing secret the
 * user relies on is never rotated, nothing is created twice, and a failed step leaves Jelou as it
 * was.
 */
import nock from 'nock';
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { JelouTrigger } from '../../../../nodes/Jelou/JelouTrigger.node';
import { REGISTRATION_KEY } from '../../../../nodes/Jelou/trigger/record';
import { FakeJelou } from '../../../fixtures/fake-jelou';
import {
	TRIGGER_API_KEY as API_KEY,
	allResponses,
	callWebhook,
	createHookContext,
	sign,
} from '../../../support/context';

const ORIGIN = 'https://jelou.test';
const BASE_PATH = '/jelouapi/v1';
const PROJECT = 'demo-project';
const PANEL_URL = 'https://panel.example.com/jelou';
const CREDENTIAL_SECRET = 'whsec-credential-5ecr3t-0007';
const WEBHOOK_URL = 'https://n8n.example.com/webhook/b7e1d5c2/jelou';

const trigger = new JelouTrigger();
const methods = trigger.webhookMethods.default;

let jelou: FakeJelou;
let staticData: IDataObject;
let params: Record<string, unknown>;
let credentials: ICredentialDataDecryptedObject;

function hook(
	overrides: { webhookUrl?: string; credentials?: ICredentialDataDecryptedObject } = {},
) {
	return createHookContext({
		params,
		credentials: overrides.credentials ?? credentials,
		staticData,
		webhookUrl: overrides.webhookUrl ?? WEBHOOK_URL,
	}).ctx;
}

function stored(): IDataObject | undefined {
	return staticData[REGISTRATION_KEY] as IDataObject | undefined;
}

/** An event as Jelou sends it to the registered webhook: signed, with the integration's auth header. */
async function deliver(secret: string, token: string | undefined) {
	const body = JSON.stringify({
		event: 'conversation.start',
		timestamp: Date.now(),
		conversation: { id: 'conv-1' },
	});
	const headers: Record<string, string> = { 'x-jelou-signature': sign(secret, body) };
	if (token) headers.authorization = `Bearer ${token}`;
	return await callWebhook({ body, headers, params, credentials, staticData });
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
	return (await promise.then(
		() => {
			throw new Error('expected a rejection');
		},
		(error: unknown) => error,
	)) as Error;
}

beforeAll(() => nock.disableNetConnect());
beforeEach(() => {
	jelou = new FakeJelou(ORIGIN, BASE_PATH, API_KEY);
	jelou.install();
	staticData = {};
	params = { events: ['*'], registerWebhook: true, projectId: PROJECT, options: {} };
	credentials = {
		authType: 'apiKey',
		apiKey: API_KEY,
		baseUrl: `${ORIGIN}${BASE_PATH}`,
		signingSecret: CREDENTIAL_SECRET,
	};
});
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('registration off (the default)', () => {
	it('checkExists and create do nothing; delete without a record does nothing', async () => {
		params.registerWebhook = false;
		jelou.seed(PROJECT);
		await expect(methods.checkExists.call(hook())).resolves.toBe(true);
		await expect(methods.create.call(hook())).resolves.toBe(true);
		await expect(methods.delete.call(hook())).resolves.toBe(true);
		expect(jelou.requests).toEqual([]);
		expect(staticData).toEqual({});
	});
});

describe.each(['bare', 'envelope'] as const)('Jelou answering in the %s shape', (shape) => {
	beforeEach(() => {
		jelou.shape = shape;
	});

	it('a project with an integration: PATCH to this trigger, events verified with the same secret, PATCH back on deactivation', async () => {
		const panel = jelou.seed(PROJECT, {
			webhookUrl: PANEL_URL,
			authType: 'api_key',
			signingSecret: CREDENTIAL_SECRET,
		});

		await expect(methods.checkExists.call(hook())).resolves.toBe(false);
		await expect(methods.create.call(hook())).resolves.toBe(true);

		const patches = jelou.requests.filter((r) => r.method === 'PATCH');
		expect(patches).toHaveLength(1);
		const token = String(patches[0].body!.authorization);
		expect(patches[0].body).toEqual({
			webhookUrl: WEBHOOK_URL,
			authType: 'bearer',
			authorization: token,
		});
		expect(token).toMatch(/^[0-9a-f]{64}$/);
		expect(jelou.count('POST')).toBe(0);
		expect(jelou.count('DELETE')).toBe(0);
		// The panel's signing secret is still the integration's.
		expect(jelou.integrations.get(PROJECT)!.signingSecret).toBe(CREDENTIAL_SECRET);
		expect(stored()).toEqual({
			projectId: PROJECT,
			webhookUrl: WEBHOOK_URL,
			webhookToken: token,
			mode: 'updated',
			previousWebhookUrl: PANEL_URL,
			previousAuthType: 'api_key',
			registeredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		});

		// Re-activation and n8n restarts ask checkExists first: it is there, so nothing is written.
		await expect(methods.checkExists.call(hook())).resolves.toBe(true);
		await expect(methods.checkExists.call(hook())).resolves.toBe(true);
		expect(jelou.count('PATCH')).toBe(1);

		// Events: the credential's secret (the integration's) plus the registration's bearer token.
		const ok = await deliver(CREDENTIAL_SECRET, token);
		expect(ok.status).toBe(200);
		expect(ok.result.workflowData![0][0].json).toMatchObject({
			event: 'conversation.start',
			_id: 'conv-1',
		});
		expect((await deliver(CREDENTIAL_SECRET, undefined)).responseBody).toEqual({
			error: 'Missing or wrong webhook authorization',
		});

		// Deactivation: the panel's URL and auth type come back; the secret never changed.
		await expect(methods.delete.call(hook())).resolves.toBe(true);
		const restore = jelou.requests.filter((r) => r.method === 'PATCH')[1];
		expect(restore.body).toEqual({ webhookUrl: PANEL_URL, authType: 'api_key' });
		expect(jelou.integrations.get(PROJECT)).toMatchObject({
			id: panel.id,
			webhookUrl: PANEL_URL,
			authType: 'api_key',
			signingSecret: CREDENTIAL_SECRET,
		});
		expect(jelou.count('POST') + jelou.count('DELETE')).toBe(0);
		expect(staticData).toEqual({});
	});

	it('a project without an integration: POST once, keep its signing secret, DELETE on deactivation', async () => {
		await expect(methods.checkExists.call(hook())).resolves.toBe(false);
		await methods.create.call(hook());
		expect(jelou.count('POST')).toBe(1);
		const created = jelou.integrations.get(PROJECT)!;
		expect(created.webhookUrl).toBe(WEBHOOK_URL);
		expect(stored()).toMatchObject({
			mode: 'created',
			signingSecret: created.signingSecret,
			integrationCreatedAt: created.createdAt,
		});
		expect(stored()).not.toHaveProperty('previousWebhookUrl');

		// Restarts and re-activation never create twice.
		for (let i = 0; i < 3; i++) await expect(methods.checkExists.call(hook())).resolves.toBe(true);
		expect(jelou.count('POST')).toBe(1);

		// Events verify with the stored secret, not the credential's.
		const token = String(stored()!.webhookToken);
		expect((await deliver(created.signingSecret, token)).status).toBe(200);
		expect((await deliver(CREDENTIAL_SECRET, token)).status).toBe(401);

		await methods.delete.call(hook());
		expect(jelou.count('DELETE')).toBe(1);
		expect(jelou.integrations.has(PROJECT)).toBe(false);
		expect(staticData).toEqual({});
	});
});

describe('never creating twice, never rotating a secret', () => {
	it('static data lost while the integration points here: create PATCHes (no POST) and deactivation leaves it', async () => {
		await methods.create.call(hook());
		staticData = {};
		await expect(methods.checkExists.call(hook())).resolves.toBe(false);
		await methods.create.call(hook());
		expect(jelou.count('POST')).toBe(1);
		expect(jelou.count('PATCH')).toBe(1);
		expect(stored()).toMatchObject({ mode: 'updated' });
		expect(stored()).not.toHaveProperty('previousWebhookUrl');
		await methods.delete.call(hook());
		expect(jelou.integrations.get(PROJECT)!.webhookUrl).toBe(WEBHOOK_URL);
		expect(jelou.count('DELETE')).toBe(0);
	});

	it('a new n8n URL: the own integration is moved with PATCH and keeps its secret and mode', async () => {
		await methods.create.call(hook());
		const secret = String(stored()!.signingSecret);
		const moved = 'https://n8n-new.example.com/webhook/b7e1d5c2/jelou';
		await expect(methods.checkExists.call(hook({ webhookUrl: moved }))).resolves.toBe(false);
		await methods.create.call(hook({ webhookUrl: moved }));
		expect(jelou.count('POST')).toBe(1);
		expect(jelou.integrations.get(PROJECT)!.webhookUrl).toBe(moved);
		expect(stored()).toMatchObject({ mode: 'created', signingSecret: secret, webhookUrl: moved });
	});

	it('an integration created anew by someone else (another createdAt) is not ours: checkExists false, deactivation leaves it', async () => {
		await methods.create.call(hook());
		const token = String(stored()!.webhookToken);
		jelou.seed(PROJECT, { webhookUrl: WEBHOOK_URL, authorization: token });
		await expect(methods.checkExists.call(hook())).resolves.toBe(false);
		const before = jelou.requests.length;
		await methods.delete.call(hook());
		expect(jelou.requests.slice(before).map((r) => r.method)).toEqual(['GET']);
		expect(jelou.integrations.has(PROJECT)).toBe(true);
	});

	it('deactivation does not touch an integration someone pointed elsewhere since', async () => {
		jelou.seed(PROJECT, { webhookUrl: PANEL_URL, signingSecret: CREDENTIAL_SECRET });
		await methods.create.call(hook());
		jelou.integrations.get(PROJECT)!.webhookUrl = 'https://other.example.com/hook';
		await methods.delete.call(hook());
		expect(jelou.integrations.get(PROJECT)!.webhookUrl).toBe('https://other.example.com/hook');
		expect(jelou.count('PATCH')).toBe(1);
		expect(staticData).toEqual({});
	});

	it('delete uses the project it registered, even if the parameter changed since', async () => {
		jelou.seed(PROJECT, { webhookUrl: PANEL_URL, signingSecret: CREDENTIAL_SECRET });
		await methods.create.call(hook());
		params.projectId = 'another-project';
		params.registerWebhook = false;
		await methods.delete.call(hook());
		expect(jelou.integrations.get(PROJECT)!.webhookUrl).toBe(PANEL_URL);
	});
});

describe('a failed step leaves Jelou as it was', () => {
	it('existing integration and no Signing Secret in the credential: refused before any write', async () => {
		jelou.seed(PROJECT, { webhookUrl: PANEL_URL });
		const error = await rejection(
			methods.create.call(hook({ credentials: { ...credentials, signingSecret: '' } })),
		);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe(
			`Project '${PROJECT}' already has an External Support integration, and the Jelou API credential has no Signing Secret`,
		);
		expect((error as NodeOperationError).description).toContain('Nothing was changed in Jelou.');
		expect(jelou.requests.map((r) => r.method)).toEqual(['GET']);
		expect(staticData).toEqual({});
	});

	it('PATCH refused (400, a URL Jelou cannot reach): explained, nothing to undo', async () => {
		jelou.seed(PROJECT, { webhookUrl: PANEL_URL, signingSecret: CREDENTIAL_SECRET });
		jelou.failNext('PATCH', 400, false);
		const error = (await rejection(
			methods.create.call(hook({ webhookUrl: 'http://localhost:5678/webhook/x/jelou' })),
		)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'Could not register the webhook in Jelou: Jelou rejected the request (HTTP 400): <string>',
		);
		expect(error.description).toContain('Jelou accepts only a public HTTPS address');
		expect(jelou.count('PATCH')).toBe(1);
		expect(jelou.integrations.get(PROJECT)!.webhookUrl).toBe(PANEL_URL);
		expect(staticData).toEqual({});
	});

	it('PATCH applied but answered 500: the previous URL and auth type are put back', async () => {
		jelou.seed(PROJECT, {
			webhookUrl: PANEL_URL,
			authType: 'basic',
			signingSecret: CREDENTIAL_SECRET,
		});
		jelou.failNext('PATCH', 500, true);
		const error = await rejection(methods.create.call(hook()));
		expect(error.message).toBe(
			'Could not register the webhook in Jelou: Jelou failed to process the request (HTTP 500): <string>',
		);
		const patches = jelou.requests.filter((r) => r.method === 'PATCH');
		expect(patches.map((p) => p.body!.webhookUrl)).toEqual([WEBHOOK_URL, PANEL_URL]);
		expect(patches[1].body).toEqual({ webhookUrl: PANEL_URL, authType: 'basic' });
		expect(jelou.integrations.get(PROJECT)).toMatchObject({
			webhookUrl: PANEL_URL,
			authType: 'basic',
			signingSecret: CREDENTIAL_SECRET,
		});
		expect(staticData).toEqual({});
	});

	it('POST applied but answered 500: the integration it created is deleted again', async () => {
		jelou.failNext('POST', 500, true);
		const error = await rejection(methods.create.call(hook()));
		expect(error.message).toBe(
			'Could not register the webhook in Jelou: Jelou failed to process the request (HTTP 500): <string>',
		);
		expect(jelou.requests.map((r) => r.method)).toEqual(['GET', 'POST', 'GET', 'DELETE']);
		expect(jelou.integrations.has(PROJECT)).toBe(false);
		expect(staticData).toEqual({});
	});

	it('POST applied, undo fails too: the error says so', async () => {
		jelou.failNext('POST', 500, true);
		jelou.failNext('DELETE', 500, false);
		const error = (await rejection(methods.create.call(hook()))) as NodeApiError;
		expect(error.description).toContain(
			'undoing it failed too (Jelou failed to process the request (HTTP 500): <string>)',
		);
		expect(error.description).toContain('Integration → Get');
	});

	it('POST answered without a signing secret: deleted again, activation fails', async () => {
		jelou.omitSigningSecret = true;
		const error = await rejection(methods.create.call(hook()));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('Jelou created the integration but returned no signing secret');
		expect((error as NodeOperationError).description).toContain(
			'The integration was deleted again.',
		);
		expect(jelou.integrations.has(PROJECT)).toBe(false);
		expect(staticData).toEqual({});
	});

	it('rejected credentials: a NodeApiError that says which step failed, without secrets', async () => {
		const bad = { ...credentials, apiKey: 'wrong-api-key-5ecr3t' };
		const error = (await rejection(
			methods.checkExists.call(hook({ credentials: bad })),
		)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe(
			'Could not check the webhook registered in Jelou: Jelou rejected the credentials (HTTP 401)',
		);
		expect(JSON.stringify({ m: error.message, d: error.description })).not.toContain(
			'wrong-api-key-5ecr3t',
		);
	});

	it('deactivation that fails keeps the record, so it can be tried again', async () => {
		await methods.create.call(hook());
		jelou.failNext('DELETE', 500, false);
		const error = await rejection(methods.delete.call(hook()));
		expect(error.message).toBe(
			'Could not delete the integration this trigger created in Jelou: Jelou failed to process the request (HTTP 500): <string>',
		);
		expect(stored()).toBeDefined();
		await methods.delete.call(hook());
		expect(jelou.integrations.has(PROJECT)).toBe(false);
	});

	it('a blank Project ID fails activation with a clear message', async () => {
		params.projectId = '  ';
		const error = await rejection(methods.create.call(hook()));
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('The Project ID is empty');
	});
});

describe('records of the earlier version (always created, no mode)', () => {
	it('a record with a previous URL is restored with PATCH, never re-created', async () => {
		jelou.seed(PROJECT, { webhookUrl: WEBHOOK_URL });
		staticData[REGISTRATION_KEY] = {
			projectId: PROJECT,
			webhookUrl: WEBHOOK_URL,
			webhookToken: 'old-token',
			signingSecret: 'old-secret',
			previousWebhookUrl: PANEL_URL,
			previousAuthType: 'bearer',
			registeredAt: '2026-01-01T00:00:00.000Z',
		};
		await expect(methods.checkExists.call(hook())).resolves.toBe(true);
		await methods.delete.call(hook());
		expect(jelou.requests.map((r) => r.method)).toEqual(['GET', 'GET', 'PATCH']);
		expect(jelou.integrations.get(PROJECT)!.webhookUrl).toBe(PANEL_URL);
	});
});

describe('secrets', () => {
	it('no response to webhook() held a secret or token', () => {
		const text = JSON.stringify(allResponses);
		for (const secret of [CREDENTIAL_SECRET, API_KEY, 'panel-token'])
			expect(text).not.toContain(secret);
	});
});
