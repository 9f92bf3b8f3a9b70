/**
 * The credential's Test button: the nodes' `jelouApiTest` method, run the way n8n runs it (with a
 * context that offers only `helpers.request`), through the one transport.
 */
import nock from 'nock';
import type {
	ICredentialDataDecryptedObject,
	ICredentialTestFunctions,
	IHttpRequestOptions,
} from 'n8n-workflow';

import { Jelou } from '../../../../nodes/Jelou/Jelou.node';
import { JelouTrigger } from '../../../../nodes/Jelou/JelouTrigger.node';
import {
	CREDENTIAL_REJECTED,
	CREDENTIAL_TEST,
	PROJECT_REFUSED,
	testJelouCredential,
} from '../../../../nodes/Jelou/methods/credentialTest';
import { getIntegration } from '../../../fixtures/jelou-docs';
import { httpRequest } from '../../../support/fake-n8n';
import {
	TEST_API_KEY,
	apiKeyCredentials,
	basicCredentials,
	expectNoSecrets,
} from '../../../support/context';
import { answerWithNockOnly } from '../../../support/nock';
import { closedPort } from '../../../support/loopback';

const HOST = 'https://jelou.test';
const PATH = '/jelouapi/v1/external-support';

/** What n8n's CredentialTestContext offers: the request-library style helper, nothing else. */
function credentialTestContext(sent: Array<Record<string, unknown>>): ICredentialTestFunctions {
	const request = async (options: Record<string, unknown>) => {
		sent.push(options);
		const response = (await httpRequest({
			url: String(options.uri),
			method: options.method as IHttpRequestOptions['method'],
			headers: options.headers as IHttpRequestOptions['headers'],
			body: options.body as IHttpRequestOptions['body'],
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: options.simple === false,
		})) as { statusCode: number; headers: Record<string, unknown>; body: unknown };
		return { statusCode: response.statusCode, headers: response.headers, body: response.body };
	};
	return { helpers: { request } } as unknown as ICredentialTestFunctions;
}

async function runTest(
	data: ICredentialDataDecryptedObject,
	sent: Array<Record<string, unknown>> = [],
) {
	return await testJelouCredential.call(credentialTestContext(sent), {
		id: 'cred-1',
		name: 'Jelou',
		type: 'jelouApi',
		data,
	});
}

answerWithNockOnly();

describe('wiring', () => {
	it.each([
		['Jelou', new Jelou()],
		['Jelou Trigger', new JelouTrigger()],
	])('%s names the test on its credential and provides it', (_name, nodeType) => {
		const credential = nodeType.description.credentials?.find((c) => c.name === 'jelouApi');
		expect(credential?.testedBy).toBe(CREDENTIAL_TEST);
		expect(nodeType.methods?.credentialTest?.[CREDENTIAL_TEST]).toBe(testJelouCredential);
	});
});

describe('the Test button', () => {
	it('a valid key on a project with an integration passes (bare answer), sending one authenticated GET', async () => {
		const sent: Array<Record<string, unknown>> = [];
		nock(HOST)
			.get(`${PATH}/proj-1`)
			.reply(function () {
				return this.req.headers['x-api-key'] === TEST_API_KEY
					? [200, getIntegration.success[0].body]
					: [401, {}];
			});
		const result = await runTest({ ...apiKeyCredentials, projectId: ' proj-1 ' }, sent);
		expect(result).toEqual({
			status: 'OK',
			message:
				"Jelou accepted the credentials; project 'proj-1' has an External Support integration.",
		});
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({
			method: 'GET',
			uri: `${HOST}${PATH}/proj-1`,
			json: true,
			simple: false,
			resolveWithFullResponse: true,
		});
	});

	it('a valid key on a project without an integration passes and says so', async () => {
		nock(HOST)
			.get(`${PATH}/proj-1`)
			.reply(404, {
				message: 'Integration not found',
				status: 0,
				error: { description: 'Integration not found' },
			});
		const result = await runTest({ ...apiKeyCredentials, projectId: 'proj-1' });
		expect(result.status).toBe('OK');
		expect(result.message).toBe(
			"Jelou accepted the credentials. Project 'proj-1' has no External Support integration yet: create one with the Jelou node (Integration → Create), or let the Jelou Trigger register its webhook.",
		);
	});

	it('without a Project ID: probes a placeholder project and asks for the ID', async () => {
		nock(HOST).get(`${PATH}/n8n-credential-check`).reply(404, {});
		const result = await runTest({ ...apiKeyCredentials, projectId: '' });
		expect(result).toEqual({
			status: 'OK',
			message:
				"Jelou accepted the credentials. Fill in the Project ID to also check the project's External Support integration.",
		});
	});

	it('401 fails with our message, once (never retried), without the key', async () => {
		const sent: Array<Record<string, unknown>> = [];
		nock(HOST).get(`${PATH}/proj-1`).once().reply(401, { message: 'Unauthorized', status: 0 });
		const result = await runTest({ ...apiKeyCredentials, projectId: 'proj-1' }, sent);
		expect(result).toEqual({ status: 'Error', message: CREDENTIAL_REJECTED });
		expect(sent).toHaveLength(1);
		expectNoSecrets(result);
	});

	it('403 fails with our message', async () => {
		nock(HOST).get(`${PATH}/proj-1`).reply(403, {});
		expect(await runTest({ ...basicCredentials, projectId: 'proj-1' })).toEqual({
			status: 'Error',
			message: PROJECT_REFUSED,
		});
	});

	it('Basic scheme: the probe carries Authorization: Basic and no x-api-key', async () => {
		nock(HOST)
			.get(`${PATH}/proj-1`)
			.reply(function () {
				const basic = `Basic ${Buffer.from(`${String(basicCredentials.clientId)}:${String(basicCredentials.clientSecret)}`).toString('base64')}`;
				const ok =
					this.req.headers.authorization === basic && this.req.headers['x-api-key'] === undefined;
				return ok ? [200, getIntegration.success[1].body] : [401, {}];
			});
		expect((await runTest({ ...basicCredentials, projectId: 'proj-1' })).status).toBe('OK');
	});

	it('a server error or an unreachable host fails with the transport message', async () => {
		nock(HOST).get(`${PATH}/proj-1`).reply(500, { message: 'boom', status: 0 });
		const failed = await runTest({ ...apiKeyCredentials, projectId: 'proj-1' });
		expect(failed.status).toBe('Error');
		expect(failed.message).toMatch(/^Jelou failed to process the request \(HTTP 500\): boom\. /);

		const port = await closedPort();
		nock.enableNetConnect('127.0.0.1');
		try {
			const unreachable = await runTest({
				...apiKeyCredentials,
				baseUrl: `http://127.0.0.1:${port}/jelouapi/v1`,
				projectId: 'proj-1',
			});
			expect(unreachable.status).toBe('Error');
			expect(unreachable.message).toBe(
				`Could not reach Jelou. Request to 127.0.0.1:${port} failed: the connection was refused (ECONNREFUSED). Check the Base URL of the credential and the network.`,
			);
		} finally {
			nock.disableNetConnect();
		}
	});

	it('an unusable Base URL fails before any request', async () => {
		const result = await runTest({
			...apiKeyCredentials,
			baseUrl: 'not a url',
			projectId: 'proj-1',
		});
		expect(result).toEqual({
			status: 'Error',
			message:
				'The Base URL of the Jelou credential is not a valid URL. Use an address such as https://gateway.jelou.ai/jelouapi/v1.',
		});
	});
});
