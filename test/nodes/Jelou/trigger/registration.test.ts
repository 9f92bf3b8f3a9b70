/**
 * Register Webhook in Jelou: webhookMethods checkExists / create / delete against the sandbox over
 * real HTTP, and the registration's signing secret and token being used by webhook() afterwards.
 */
import type { ICredentialDataDecryptedObject, IDataObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { JelouTrigger } from '../../../../nodes/Jelou/JelouTrigger.node';
import { REGISTRATION_KEY } from '../../../../nodes/Jelou/trigger/registration';
import { API_KEY, allResponses, callWebhook, createHookContext, node, sign } from './context';
import { fakeN8n, sandbox, type FakeN8n, type Sandbox } from './sandbox';

const PANEL_URL = 'https://panel.example.com/jelou/events';
const PANEL_TOKEN = 'panel-t0ken-5ecr3t-0006';
const CREDENTIAL_SECRET = 'whsec-credential-5ecr3t-0007';
const PROJECT = 'demo-project';
const REGISTER_PATH = `/jelouapi/v1/external-support/${PROJECT}`;

let sb: Sandbox;
let n8n: FakeN8n;
let staticData: IDataObject;
let params: Record<string, unknown>;
let credentials: ICredentialDataDecryptedObject;

const trigger = new JelouTrigger();
const methods = trigger.webhookMethods.default;

function webhookUrl(): string {
	return `${n8n.url}/webhook/${node.webhookId}/jelou`;
}

function hook(overrides: { webhookUrl?: string; credentials?: ICredentialDataDecryptedObject } = {}) {
	return createHookContext({
		params,
		credentials: overrides.credentials ?? credentials,
		staticData,
		webhookUrl: overrides.webhookUrl ?? webhookUrl(),
	});
}

function registrationPosts() {
	return sb.requests.filter((r) => r.method === 'POST' && r.path === REGISTER_PATH);
}

function stored(): IDataObject | undefined {
	return staticData[REGISTRATION_KEY] as IDataObject | undefined;
}

const pause = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
	sb = await sandbox();
	n8n = await fakeN8n(() => ({ params, credentials, staticData }));
});

afterAll(async () => {
	await n8n.close();
	await sb.close();
});

beforeEach(() => {
	sb.resetData();
	sb.reset();
	n8n.outcomes.length = 0;
	staticData = {};
	params = { events: ['*'], registerWebhook: true, projectId: PROJECT, options: {} };
	credentials = { authType: 'apiKey', apiKey: API_KEY, baseUrl: sb.baseUrl, signingSecret: CREDENTIAL_SECRET };
	// The panel's own integration, whose secret the user copied into the credential.
	sb.setIntegration({ webhookUrl: PANEL_URL, authType: 'bearer', authorization: PANEL_TOKEN, signingSecret: CREDENTIAL_SECRET });
});

describe('registration off (the default)', () => {
	it('checkExists and create do nothing; delete without a record does nothing', async () => {
		params.registerWebhook = false;
		const { ctx, requests } = hook();
		await expect(methods.checkExists.call(ctx)).resolves.toBe(true);
		await expect(methods.create.call(ctx)).resolves.toBe(true);
		await expect(methods.delete.call(ctx)).resolves.toBe(true);
		expect(requests).toHaveLength(0);
		expect(staticData).toEqual({});
		expect(sb.integration!.webhookUrl).toBe(PANEL_URL);
	});
});

describe('registration on', () => {
	it('create, then events verify with the new secret and token, then delete restores the panel URL', async () => {
		const { ctx } = hook();
		await expect(methods.checkExists.call(ctx)).resolves.toBe(false);
		await expect(methods.create.call(ctx)).resolves.toBe(true);

		// What reached Jelou.
		const posts = registrationPosts();
		expect(posts).toHaveLength(1);
		const sent = JSON.parse(posts[0].body) as IDataObject;
		expect(Object.keys(sent).sort()).toEqual(['authType', 'authorization', 'webhookUrl']);
		expect(sent.webhookUrl).toBe(webhookUrl());
		expect(sent.authType).toBe('bearer');
		expect(sent.authorization).toMatch(/^[0-9a-f]{64}$/);

		// What the node kept.
		const newSecret = sb.integration!.signingSecret;
		expect(newSecret).not.toBe(CREDENTIAL_SECRET);
		expect(stored()).toEqual({
			projectId: PROJECT,
			webhookUrl: webhookUrl(),
			signingSecret: newSecret,
			webhookToken: sent.authorization,
			integrationUpdatedAt: sb.integration!.updatedAt,
			previousWebhookUrl: PANEL_URL,
			previousAuthType: 'bearer',
			registeredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
		});
		await expect(methods.checkExists.call(hook().ctx)).resolves.toBe(true);

		// A real signed event from the sandbox, through real HTTP, verifies with the stored secret.
		const delivered = await sb.emit({ event: 'conversation.start' });
		expect(delivered.error).toBeNull();
		expect(delivered.status).toBe(200);
		expect(n8n.outcomes).toHaveLength(1);
		expect(n8n.outcomes[0].result.workflowData![0][0].json).toMatchObject({
			event: 'conversation.start',
			_id: 'conv-active-001',
			payload: delivered.sentPayload,
		});

		// The credential's secret no longer counts for this node.
		const stale = await sb.emit({ event: 'message', signingSecret: CREDENTIAL_SECRET });
		expect(stale.status).toBe(401);
		// The stored secret without the registration's bearer token is not enough either.
		const body = JSON.stringify({ event: 'conversation.start', timestamp: Date.now() });
		const noToken = await callWebhook({ body, headers: { 'x-jelou-signature': sign(newSecret, body) }, params, credentials, staticData });
		expect(noToken.status).toBe(401);
		expect(noToken.responseBody).toEqual({ error: 'Missing or wrong webhook authorization' });

		// Deactivation: the panel's URL comes back (without authentication: Jelou never returned it).
		sb.reset();
		await expect(methods.delete.call(hook().ctx)).resolves.toBe(true);
		const restore = registrationPosts();
		expect(restore).toHaveLength(1);
		expect(JSON.parse(restore[0].body)).toEqual({ webhookUrl: PANEL_URL, authType: 'no_auth' });
		expect(sb.integration!.webhookUrl).toBe(PANEL_URL);
		expect(sb.integration!.authType).toBe('no_auth');
		expect(sb.integration!.signingSecret).not.toBe(newSecret);
		expect(staticData).toEqual({});
	});

	it('with registration on but turned off later, webhook() goes back to the credential secret', async () => {
		await methods.create.call(hook().ctx);
		params.registerWebhook = false;
		const body = JSON.stringify({ event: 'conversation.start', timestamp: Date.now() });
		const outcome = await callWebhook({ body, headers: { 'x-jelou-signature': sign(CREDENTIAL_SECRET, body) }, params, credentials, staticData });
		expect(outcome.result.workflowData).toBeDefined();
	});

	it('checkExists is false when the integration was created again since (new secret), and create keeps the first previous URL', async () => {
		await methods.create.call(hook().ctx);
		const token = stored()!.webhookToken as string;
		await pause(5);
		// Someone (the Jelou node, a panel) creates the integration again with the same URL.
		sb.setIntegration({ webhookUrl: webhookUrl(), authType: 'bearer', authorization: token });
		await expect(methods.checkExists.call(hook().ctx)).resolves.toBe(false);

		await methods.create.call(hook().ctx);
		expect(stored()!.previousWebhookUrl).toBe(PANEL_URL);
		expect(stored()!.signingSecret).toBe(sb.integration!.signingSecret);
		expect(stored()!.webhookToken).not.toBe(token);
		await expect(methods.checkExists.call(hook().ctx)).resolves.toBe(true);
	});

	it('checkExists is false when the static data was lost although the URL matches', async () => {
		await methods.create.call(hook().ctx);
		staticData = {};
		await expect(methods.checkExists.call(hook().ctx)).resolves.toBe(false);
	});

	it('a project without an integration: create records no previous URL, delete leaves Jelou as it is', async () => {
		sb.clearIntegration();
		await expect(methods.checkExists.call(hook().ctx)).resolves.toBe(false);
		await methods.create.call(hook().ctx);
		expect(stored()).not.toHaveProperty('previousWebhookUrl');
		expect(stored()).not.toHaveProperty('previousAuthType');
		sb.reset();
		await methods.delete.call(hook().ctx);
		expect(registrationPosts()).toHaveLength(0);
		expect(sb.integration!.webhookUrl).toBe(webhookUrl());
		expect(staticData).toEqual({});
	});

	it('delete does not touch an integration someone else has pointed elsewhere since', async () => {
		await methods.create.call(hook().ctx);
		sb.setIntegration({ webhookUrl: 'https://other.example.com/hook', authType: 'no_auth' });
		sb.reset();
		await methods.delete.call(hook().ctx);
		expect(registrationPosts()).toHaveLength(0);
		expect(sb.integration!.webhookUrl).toBe('https://other.example.com/hook');
		expect(staticData).toEqual({});
	});

	it('delete uses the project it registered, even if the parameter changed since', async () => {
		await methods.create.call(hook().ctx);
		params.projectId = 'another-project';
		params.registerWebhook = false;
		sb.reset();
		await methods.delete.call(hook().ctx);
		expect(registrationPosts()).toHaveLength(1);
		expect(sb.integration!.webhookUrl).toBe(PANEL_URL);
	});
});

describe('registration errors', () => {
	it('rejected credentials: a NodeApiError that says which step failed, without secrets', async () => {
		const bad = { ...credentials, apiKey: 'wrong-api-key-5ecr3t' };
		const error = (await methods.checkExists.call(hook({ credentials: bad }).ctx).catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Could not check the webhook registered in Jelou: Jelou rejected the credentials (HTTP 401)');
		expect(JSON.stringify({ m: error.message, d: error.description })).not.toContain('wrong-api-key-5ecr3t');
	});

	it('a webhook URL Jelou refuses (not HTTPS): says n8n must be reachable over HTTPS, never shows the token', async () => {
		const error = (await methods.create
			.call(hook({ webhookUrl: 'http://n8n.internal:5678/webhook/x/jelou' }).ctx)
			.catch((e: unknown) => e)) as NodeApiError;
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toMatch(/^Could not register the webhook in Jelou: /);
		expect(error.description).toContain('public HTTPS address');
		expect(error.description).toContain('webhookUrl');
		expect(staticData).toEqual({});
		expect(sb.integration!.webhookUrl).toBe(PANEL_URL);
		const sent = registrationPosts().map((r) => JSON.parse(r.body) as IDataObject);
		expect(sent).toHaveLength(1);
		const text = JSON.stringify({ m: error.message, d: error.description, c: error.context });
		expect(text).not.toContain(String(sent[0].authorization));
	});

	it('a blank Project ID fails activation with a clear message', async () => {
		params.projectId = '  ';
		const error = (await methods.create.call(hook().ctx).catch((e: unknown) => e)) as NodeOperationError;
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('The Project ID is empty');
	});

	it('no response to webhook() held a secret or token', () => {
		const text = JSON.stringify(allResponses);
		for (const secret of [CREDENTIAL_SECRET, PANEL_TOKEN, API_KEY]) expect(text).not.toContain(secret);
		if (sb.integration) expect(text).not.toContain(sb.integration.signingSecret);
	});
});
