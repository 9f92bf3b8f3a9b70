import nock from 'nock';
import type { ICredentialDataDecryptedObject, IHttpRequestOptions } from 'n8n-workflow';

import { JelouApi } from '../../credentials/JelouApi.credentials';
import { httpRequest } from '../support/fake-n8n';
import { TEST_API_KEY, TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../support/context';

const credential = new JelouApi();

/**
 * Evaluates one of the credential's `={{ … }}` strings the way n8n would for these simple
 * expressions (plain JavaScript over `$credentials`). The real editor runs it in the UI tests.
 */
function evaluate(expression: string, credentials: ICredentialDataDecryptedObject): string {
	const match = /^=\{\{([\s\S]*)\}\}$/.exec(expression);
	if (!match) return expression;
	return String(new Function('$credentials', `return (${match[1]});`)(credentials));
}

function testRequestFor(credentials: ICredentialDataDecryptedObject): IHttpRequestOptions {
	const request = credential.test.request;
	return {
		method: request.method ?? 'GET',
		url: `${evaluate(request.baseURL as string, credentials)}${evaluate(request.url as string, credentials)}`,
		json: true,
	};
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('JelouApi credential', () => {
	it('has the public names users store in workflows', () => {
		expect(credential.name).toBe('jelouApi');
		expect(credential.displayName).toBe('Jelou API');
		const names = credential.properties.map((p) => p.name);
		expect(names).toEqual(expect.arrayContaining(['authType', 'apiKey', 'clientId', 'clientSecret', 'baseUrl']));
		const authType = credential.properties.find((p) => p.name === 'authType');
		expect(authType?.options?.map((o) => (o as { value: string }).value)).toEqual(['apiKey', 'basic']);
	});

	it('shows each secret only for its scheme and masks it', () => {
		const byName = Object.fromEntries(credential.properties.map((p) => [p.name, p]));
		expect(byName.apiKey.displayOptions?.show?.authType).toEqual(['apiKey']);
		expect(byName.clientId.displayOptions?.show?.authType).toEqual(['basic']);
		expect(byName.clientSecret.displayOptions?.show?.authType).toEqual(['basic']);
		expect(byName.apiKey.typeOptions?.password).toBe(true);
		expect(byName.clientSecret.typeOptions?.password).toBe(true);
		expect(byName.baseUrl.default).toBe('https://gateway.jelou.ai/jelouapi/v1');
	});

	it('API key scheme: puts x-api-key on the wire and nothing else', async () => {
		let headers: Record<string, unknown> = {};
		nock('https://jelou.test')
			.get('/x')
			.reply(function () {
				headers = this.req.headers;
				return [200, {}];
			});
		const options = await credential.authenticate(
			// A stale secret of the other scheme must not be sent.
			{ authType: 'apiKey', apiKey: TEST_API_KEY, clientId: 'old', clientSecret: 'old-secret' },
			{ url: 'https://jelou.test/x', method: 'GET', headers: { Authorization: 'Bearer leftover' } },
		);
		await httpRequest(options);
		expect(headers['x-api-key']).toBe(TEST_API_KEY);
		expect(headers.authorization).toBeUndefined();
	});

	it('Basic scheme: puts Authorization: Basic base64(clientId:clientSecret) on the wire and nothing else', async () => {
		let headers: Record<string, unknown> = {};
		nock('https://jelou.test')
			.get('/x')
			.reply(function () {
				headers = this.req.headers;
				return [200, {}];
			});
		const options = await credential.authenticate(
			{ authType: 'basic', clientId: TEST_CLIENT_ID, clientSecret: TEST_CLIENT_SECRET, apiKey: 'stale-key' },
			{ url: 'https://jelou.test/x', method: 'GET', headers: { 'X-API-Key': 'leftover', Accept: 'application/json' } },
		);
		await httpRequest(options);
		expect(headers.authorization).toBe(
			`Basic ${Buffer.from(`${TEST_CLIENT_ID}:${TEST_CLIENT_SECRET}`).toString('base64')}`,
		);
		expect(headers['x-api-key']).toBeUndefined();
		expect(headers.accept).toBe('application/json');
	});

	describe('Test button', () => {
		it('reads the integration of the credential project under the configured base URL', () => {
			const request = testRequestFor({ baseUrl: 'http://127.0.0.1:8787/jelouapi/v1/', projectId: ' p 1/x ' });
			expect(request.url).toBe('http://127.0.0.1:8787/jelouapi/v1/external-support/p%201%2Fx');
		});

		it('falls back to the default base URL and a placeholder project', () => {
			const request = testRequestFor({});
			expect(request.url).toBe('https://gateway.jelou.ai/jelouapi/v1/external-support/n8n-credential-check');
		});

		it('succeeds (2xx) for a valid key and fails for a wrong one (401) with a clear message', async () => {
			nock('https://jelou.test')
				.get('/jelouapi/v1/external-support/proj-1')
				.times(2)
				.reply(function () {
					return this.req.headers['x-api-key'] === TEST_API_KEY
						? [200, { status: 1, data: { webhookUrl: 'https://panel.example/hook' } }]
						: [401, { status: 0, message: 'Unauthorized' }];
				});
			const base = { baseUrl: 'https://jelou.test/jelouapi/v1', projectId: 'proj-1', authType: 'apiKey' };

			const good = await httpRequest(
				await credential.authenticate({ ...base, apiKey: TEST_API_KEY }, { ...testRequestFor(base), returnFullResponse: true }),
			);
			expect((good as { statusCode: number }).statusCode).toBe(200);

			const bad = httpRequest(await credential.authenticate({ ...base, apiKey: 'wrong' }, testRequestFor(base)));
			await expect(bad).rejects.toMatchObject({ response: { status: 401 } });

			const rule401 = credential.test.rules?.find(
				(rule) => rule.type === 'responseCode' && rule.properties.value === 401,
			);
			expect(rule401?.properties.message).toBe(
				'Jelou rejected these credentials (HTTP 401). Check the API key, or the client ID and client secret.',
			);
		});

		it('explains a 404 as a working key without an integration, not as a rejected key', () => {
			const rule404 = credential.test.rules?.find(
				(rule) => rule.type === 'responseCode' && rule.properties.value === 404,
			);
			expect(rule404?.properties.message).toContain('Jelou accepted the credentials');
		});
	});
});
