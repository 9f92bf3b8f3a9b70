import nock from 'nock';

import { JelouApi } from '../../credentials/JelouApi.credentials';
import { httpRequest } from '../support/fake-n8n';
import { TEST_API_KEY, TEST_CLIENT_ID, TEST_CLIENT_SECRET } from '../support/context';
import { capture } from '../support/nock';

const credential = new JelouApi();

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

describe('JelouApi credential', () => {
	it('has the public names users store in workflows', () => {
		expect(credential.name).toBe('jelouApi');
		expect(credential.displayName).toBe('Jelou API');
		const names = credential.properties.map((p) => p.name);
		expect(names).toEqual(
			expect.arrayContaining(['authType', 'apiKey', 'clientId', 'clientSecret', 'baseUrl']),
		);
		const authType = credential.properties.find((p) => p.name === 'authType');
		expect(authType?.options?.map((o) => (o as { value: string }).value)).toEqual([
			'apiKey',
			'basic',
		]);
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

	it('has the three base URLs side by side, the API Base URL last with its documented default', () => {
		const names = credential.properties.map((p) => p.name);
		expect(names.slice(-3)).toEqual(['baseUrl', 'messagingBaseUrl', 'apiBaseUrl']);
		const api = credential.properties.find((p) => p.name === 'apiBaseUrl');
		expect(api?.default).toBe('https://api.jelou.ai/v1');
		expect(api?.displayName).toBe('API Base URL');
		expect(api?.displayOptions).toBeUndefined();
	});

	it('API key scheme: puts x-api-key on the wire and nothing else', async () => {
		const seen = capture(nock('https://jelou.test').get('/x'), 200, {});
		const options = await credential.authenticate(
			// A stale secret of the other scheme must not be sent.
			{ authType: 'apiKey', apiKey: TEST_API_KEY, clientId: 'old', clientSecret: 'old-secret' },
			{ url: 'https://jelou.test/x', method: 'GET', headers: { Authorization: 'Bearer leftover' } },
		);
		await httpRequest(options);
		const { headers } = seen[0];
		expect(headers['x-api-key']).toBe(TEST_API_KEY);
		expect(headers.authorization).toBeUndefined();
	});

	it('Basic scheme: puts Authorization: Basic base64(clientId:clientSecret) on the wire and nothing else', async () => {
		const seen = capture(nock('https://jelou.test').get('/x'), 200, {});
		const options = await credential.authenticate(
			{
				authType: 'basic',
				clientId: TEST_CLIENT_ID,
				clientSecret: TEST_CLIENT_SECRET,
				apiKey: 'stale-key',
			},
			{
				url: 'https://jelou.test/x',
				method: 'GET',
				headers: { 'X-API-Key': 'leftover', Accept: 'application/json' },
			},
		);
		await httpRequest(options);
		const { headers } = seen[0];
		expect(headers.authorization).toBe(
			`Basic ${Buffer.from(`${TEST_CLIENT_ID}:${TEST_CLIENT_SECRET}`).toString('base64')}`,
		);
		expect(headers['x-api-key']).toBeUndefined();
		expect(headers.accept).toBe('application/json');
	});

	it("has no declarative test, so n8n runs the nodes' credential test (testedBy) instead", () => {
		// n8n picks a credential's own `test` before any node's `testedBy`; having both would
		// silently disable the node-level test that knows a valid key on a project without integration.
		expect('test' in credential).toBe(false);
	});
});
