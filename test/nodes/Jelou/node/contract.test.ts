/**
 * Contract tests: the node against Jelou's documented contract (test/fixtures/jelou-docs.ts), not
 * against our sandbox. Each integration operation must send exactly the request the doc page shows
 * and read every answer sample the page prints, in both shapes; every documented error status must
 * become our own message.
 */
import { createHmac } from 'node:crypto';
import nock from 'nock';
import type { IDataObject, NodeApiError } from 'n8n-workflow';

import { Jelou } from '../../../../nodes/Jelou/Jelou.node';
import {
	DOC_ALTERNATIVE_BASE_URL,
	DOC_AUTH_HEADERS,
	DOC_BASE_URL,
	DOC_ERROR_BODY,
	DOC_PROJECT_ID,
	DOC_MESSAGING_URL,
	INTEGRATION_ENDPOINTS,
	closeConversation,
	createIntegration,
	deleteIntegration,
	documentedPath,
	getConversation,
	getIntegration,
	sendMessage,
	startConversation,
	updateIntegration,
	type DocumentedAnswer,
	type DocumentedEndpoint,
} from '../../../fixtures/jelou-docs';
import {
	TEST_API_KEY,
	apiKeyCredentials,
	basicCredentials,
	runNode,
} from '../../../support/context';
import { answerWithNockOnly } from '../../../support/nock';

const node = new Jelou();
const GATEWAY = new URL(DOC_BASE_URL).origin;
const BASE_PATH = new URL(DOC_BASE_URL).pathname;
const credentials = { ...apiKeyCredentials, baseUrl: DOC_BASE_URL };

interface Seen {
	method: string;
	path: string;
	body: string;
	headers: Record<string, unknown>;
}

/** Answers `answer` to the documented method and path, and records what reached the wire. */
function serve(
	endpoint: DocumentedEndpoint,
	answer: { status: number; body: unknown },
	seen: Seen[],
	base = BASE_PATH,
) {
	const documented = endpoint.request[0];
	const path = base + documentedPath(documented.path, { projectId: DOC_PROJECT_ID });
	return nock(GATEWAY)
		.intercept(path, documented.method)
		.reply(function (uri, body) {
			seen.push({
				method: this.req.method ?? '',
				path: uri,
				body: typeof body === 'string' ? body : JSON.stringify(body),
				headers: this.req.headers,
			});
			return [answer.status, answer.body as nock.Body];
		});
}

/** What the node must output for a documented success answer. */
function expectedData(answer: DocumentedAnswer): IDataObject {
	if (answer.shape === 'envelope') return answer.body.data as IDataObject;
	return answer.body as IDataObject;
}

/** Parameters that make each operation send the API-reference request of its page. */
const PARAMS: Record<keyof typeof INTEGRATION_ENDPOINTS, Record<string, unknown>> = {
	create: {
		webhookUrl: 'https://my-system.com/webhook/jelou',
		webhookAuthType: 'bearer',
		webhookSecret: 'my-secret-token',
	},
	get: {},
	update: {
		updateFields: {
			webhookUrl: 'https://my-system.com/webhook/jelou-v2',
			webhookAuthType: 'bearer',
			webhookSecret: 'hook-token',
		},
	},
	delete: {},
};

async function run(
	operation: keyof typeof PARAMS,
	extra: Record<string, unknown> = {},
	creds = credentials,
) {
	return await runNode(node, {
		params: {
			resource: 'integration',
			operation,
			projectId: DOC_PROJECT_ID,
			options: { maxRetries: 0 },
			...PARAMS[operation],
			...extra,
		},
		credentials: creds,
		continueOnFail: true,
	});
}

answerWithNockOnly();

describe('every documented success sample of the integration pages is read', () => {
	const cases: Array<[string, keyof typeof PARAMS, DocumentedAnswer]> = [];
	for (const [operation, endpoint] of Object.entries(INTEGRATION_ENDPOINTS)) {
		for (const answer of endpoint.success)
			cases.push([`${operation}: ${answer.name}`, operation as keyof typeof PARAMS, answer]);
	}

	it.each(cases)('%s', async (_name, operation, answer) => {
		const seen: Seen[] = [];
		serve(INTEGRATION_ENDPOINTS[operation], answer, seen);
		const { output } = await run(operation);
		expect(seen).toHaveLength(1);
		expect(output).toHaveLength(1);
		expect(output[0].error).toBeUndefined();
		const json = { ...output[0].json };
		if (operation === 'delete') {
			expect(json).toEqual({ deleted: true, projectId: DOC_PROJECT_ID });
			return;
		}
		// Create adds a notice to store the one-time signing secret; the rest is Jelou's data.
		if (operation === 'create') {
			expect(json.notice).toEqual(expect.stringContaining('Store signingSecret now'));
			delete json.notice;
		}
		expect(json).toEqual(expectedData(answer));
	});

	it('Create keeps the one-time signingSecret from either shape', async () => {
		for (const answer of createIntegration.success) {
			serve(createIntegration, answer, []);
			const { output } = await run('create');
			expect(output[0].json.signingSecret).toBe('a1b2c3d4...signing_secret_hex');
		}
	});
});

describe('the node sends exactly the documented request', () => {
	function sentBody(seen: Seen): IDataObject | undefined {
		return seen.body === '' ? undefined : (JSON.parse(seen.body) as IDataObject);
	}

	function expectDocumentedHeaders(seen: Seen, withBody: boolean) {
		expect(seen.headers[DOC_AUTH_HEADERS.apiKey]).toBe(TEST_API_KEY);
		expect(seen.headers[DOC_AUTH_HEADERS.basic]).toBeUndefined();
		if (withBody)
			expect(String(seen.headers['content-type'])).toContain(DOC_AUTH_HEADERS.contentType);
	}

	it('Create: POST {projectId} with webhookUrl, authType and authorization (the API-reference body)', async () => {
		const seen: Seen[] = [];
		serve(createIntegration, createIntegration.success[0], seen);
		await run('create');
		expect(seen[0].method).toBe('POST');
		expect(seen[0].path).toBe(`${BASE_PATH}/external-support/${DOC_PROJECT_ID}`);
		const body = sentBody(seen[0]);
		expect(Object.keys(body!).sort()).toEqual(
			Object.keys(createIntegration.request[0].body!).sort(),
		);
		expect(body).toEqual({
			webhookUrl: 'https://my-system.com/webhook/jelou',
			authType: 'bearer',
			authorization: 'my-secret-token',
		});
		for (const field of createIntegration.requiredBody) expect(body).toHaveProperty(field);
		expectDocumentedHeaders(seen[0], true);
	});

	it.each([
		['Get', 'get', getIntegration, getIntegration.success[0]],
		['Delete', 'delete', deleteIntegration, deleteIntegration.success[1]],
	] as const)(
		'%s: the documented method on {projectId}, no body',
		async (_name, operation, endpoint, answer) => {
			const seen: Seen[] = [];
			serve(endpoint, answer, seen);
			await run(operation);
			expect(seen[0]).toMatchObject({
				method: endpoint.request[0].method,
				path: `${BASE_PATH}/external-support/${DOC_PROJECT_ID}`,
				body: '',
			});
			expectDocumentedHeaders(seen[0], false);
		},
	);

	it('Update: PATCH {projectId} with the API-reference body when every field is set', async () => {
		const seen: Seen[] = [];
		serve(updateIntegration, updateIntegration.success[0], seen);
		await run('update');
		expect(seen[0].method).toBe('PATCH');
		expect(seen[0].path).toBe(`${BASE_PATH}/external-support/${DOC_PROJECT_ID}`);
		const body = sentBody(seen[0]);
		expect(Object.keys(body!).sort()).toEqual(
			Object.keys(updateIntegration.request[0].body!).sort(),
		);
		expect(body).toEqual({
			webhookUrl: 'https://my-system.com/webhook/jelou-v2',
			authType: 'bearer',
			authorization: 'hook-token',
		});
		expectDocumentedHeaders(seen[0], true);
	});

	it('Update: exactly the prose example body when only the webhook URL is set', async () => {
		const seen: Seen[] = [];
		serve(updateIntegration, updateIntegration.success[1], seen);
		await run('update', { updateFields: { webhookUrl: 'https://my-system.com/webhook/jelou-v2' } });
		expect(sentBody(seen[0])).toEqual(updateIntegration.request[1].body);
	});

	it('with Basic credentials, the documented Authorization: Basic base64(clientId:clientSecret) and no x-api-key', async () => {
		const seen: Seen[] = [];
		serve(getIntegration, getIntegration.success[1], seen);
		await run('get', {}, { ...basicCredentials, baseUrl: DOC_BASE_URL });
		const expected = `Basic ${Buffer.from(`${String(basicCredentials.clientId)}:${String(basicCredentials.clientSecret)}`).toString('base64')}`;
		expect(seen[0].headers[DOC_AUTH_HEADERS.basic]).toBe(expected);
		expect(seen[0].headers[DOC_AUTH_HEADERS.apiKey]).toBeUndefined();
	});

	it('the /platform/v1 base some doc pages print works when set as the Base URL', async () => {
		const seen: Seen[] = [];
		serve(
			deleteIntegration,
			deleteIntegration.success[0],
			seen,
			new URL(DOC_ALTERNATIVE_BASE_URL).pathname,
		);
		const { output } = await run(
			'delete',
			{},
			{ ...credentials, baseUrl: DOC_ALTERNATIVE_BASE_URL },
		);
		expect(seen[0].path).toBe(`/platform/v1/external-support/${DOC_PROJECT_ID}`);
		expect(output[0].json).toEqual({ deleted: true, projectId: DOC_PROJECT_ID });
	});
});

describe('every documented error status of the integration pages becomes our message', () => {
	const expected: Record<number, string> = {
		400: 'Jelou rejected the request (HTTP 400): <string>',
		401: 'Jelou rejected the credentials (HTTP 401)',
		404: `Project '${DOC_PROJECT_ID}' has no External Support integration (HTTP 404)`,
		422: 'Jelou rejected the request (HTTP 422): <string>',
		500: 'Jelou failed to process the request (HTTP 500): <string>',
	};
	const cases: Array<[string, keyof typeof PARAMS, number]> = [];
	for (const [operation, endpoint] of Object.entries(INTEGRATION_ENDPOINTS)) {
		for (const status of endpoint.errorStatuses)
			cases.push([`${operation} ${status}`, operation as keyof typeof PARAMS, status]);
	}

	it.each(cases)('%s', async (_name, operation, status) => {
		serve(INTEGRATION_ENDPOINTS[operation], { status, body: DOC_ERROR_BODY }, []);
		const { output } = await run(operation);
		const error = output[0].error as NodeApiError;
		// Create's 404 is about the project, not an integration (there is none yet to find).
		const message =
			operation === 'create' && status === 404
				? `Jelou found no project '${DOC_PROJECT_ID}' (HTTP 404)`
				: expected[status];
		expect(output[0].json).toEqual({ error: message });
		expect(error.httpCode).toBe(String(status));
		expect(error.context.itemIndex).toBe(0);
	});
});

describe('answers in neither documented shape still fail clearly', () => {
	it.each([
		['an object with none of the integration fields', { ok: true }],
		[
			'an envelope whose data is null',
			{ message: ['done'], statusMessage: 'success', status: 1, data: null },
		],
	])('Get: %s', async (_name, body) => {
		serve(getIntegration, { status: 200, body }, []);
		const { output } = await run('get');
		expect(output[0].json).toEqual({ error: 'Jelou answered HTTP 200 without the expected data' });
	});

	it('Update: a list is not an integration', async () => {
		serve(updateIntegration, { status: 200, body: [getIntegration.success[0].body] }, []);
		const { output } = await run('update');
		expect(output[0].json).toEqual({ error: 'Jelou answered HTTP 200 with an unexpected body' });
	});

	it('Get conversation is never read as a bare object (it is documented only in the envelope)', async () => {
		nock(GATEWAY)
			.get(`${BASE_PATH}/external-support/${DOC_PROJECT_ID}/conversations/CONVERSATION_ID`)
			.reply(200, getConversation.success[0].body.data as nock.Body);
		const { output } = await runNode(node, {
			params: {
				resource: 'conversation',
				operation: 'get',
				projectId: DOC_PROJECT_ID,
				conversationId: 'CONVERSATION_ID',
				options: {},
			},
			credentials,
			continueOnFail: true,
		});
		expect(output[0].json).toEqual({ error: 'Jelou answered HTTP 200 without the expected data' });
	});
});

describe('Get conversation', () => {
	it('reads the documented example block', async () => {
		const seen: Seen[] = [];
		nock(GATEWAY)
			.get(`${BASE_PATH}/external-support/${DOC_PROJECT_ID}/conversations/CONVERSATION_ID`)
			.reply(function (uri) {
				seen.push({ method: 'GET', path: uri, body: '', headers: this.req.headers });
				return [200, getConversation.success[0].body as nock.Body];
			});
		const { output } = await runNode(node, {
			params: {
				resource: 'conversation',
				operation: 'get',
				projectId: DOC_PROJECT_ID,
				conversationId: 'CONVERSATION_ID',
				options: {},
			},
			credentials,
		});
		expect(seen[0].headers[DOC_AUTH_HEADERS.apiKey]).toBe(TEST_API_KEY);
		expect(output[0].json).toEqual(getConversation.success[0].body.data);
	});
});

describe('conversation and message requests are exactly the documented bodies', () => {
	/** Records the raw body and headers of one POST to `origin` + `path`, answering `reply`. */
	function record(origin: string, path: string, reply: unknown, seen: Seen[]) {
		nock(origin)
			.post(path)
			.reply(function (uri, body) {
				seen.push({
					method: 'POST',
					path: uri,
					body: typeof body === 'string' ? body : JSON.stringify(body),
					headers: this.req.headers,
				});
				return [200, reply as nock.Body];
			});
	}

	it('Start conversation: every documented field, with the documented names and nesting', async () => {
		const documented = startConversation.request[0];
		const seen: Seen[] = [];
		record(
			GATEWAY,
			BASE_PATH + documentedPath(documented.path, { projectId: DOC_PROJECT_ID }),
			getConversation.success[0].body,
			seen,
		);
		await runNode(node, {
			params: {
				resource: 'conversation',
				operation: 'start',
				projectId: DOC_PROJECT_ID,
				botId: 'BOT_ID',
				userId: 'USER_ID',
				additionalFields: {
					initialMessage: 'Hello',
					metadataJson: '{"ticketId": "T-12345"}',
					assignmentType: 'queue',
					assignmentTarget: 'QUEUE_NAME',
				},
				options: {},
			},
			credentials,
		});
		expect(JSON.parse(seen[0].body)).toEqual(documented.body);
		expect(seen[0].headers[DOC_AUTH_HEADERS.apiKey]).toBe(TEST_API_KEY);
		expect(String(seen[0].headers['content-type'])).toContain(DOC_AUTH_HEADERS.contentType);
	});

	it('Close conversation: botId, userId and a text redirectPayload', async () => {
		const documented = closeConversation.request[0];
		const seen: Seen[] = [];
		record(
			GATEWAY,
			BASE_PATH + documentedPath(documented.path, { projectId: DOC_PROJECT_ID }),
			{ message: ['Closed'], statusMessage: 'success', status: 1 },
			seen,
		);
		await runNode(node, {
			params: {
				resource: 'conversation',
				operation: 'close',
				projectId: DOC_PROJECT_ID,
				botId: 'BOT_ID',
				userId: 'USER_ID',
				additionalFields: { closingMessage: 'Goodbye' },
				options: {},
			},
			credentials,
		});
		expect(JSON.parse(seen[0].body)).toEqual(documented.body);
	});

	it('Send message: the documented body on the messaging host, signed over the exact bytes, no API key', async () => {
		const documented = sendMessage.request[0];
		const seen: Seen[] = [];
		const messaging = new URL(DOC_MESSAGING_URL);
		record(
			messaging.origin,
			messaging.pathname + documented.path,
			{ message: ['ok'], statusMessage: 'success', status: 1 },
			seen,
		);
		await runNode(node, {
			params: {
				resource: 'message',
				operation: 'send',
				projectId: 'PROJECT_ID',
				roomId: 'ROOM_ID',
				botId: 'BOT_ID',
				userId: 'USER_ID',
				messageType: 'text',
				text: 'Hello',
				additionalFields: { messageId: 'MESSAGE_ID' },
				options: {},
			},
			credentials: {
				...credentials,
				signingSecret: 'whsec-contract-5ecr3t',
				messagingBaseUrl: DOC_MESSAGING_URL,
			},
		});
		expect(JSON.parse(seen[0].body)).toEqual(documented.body);
		const signature = `sha256=${createHmac('sha256', 'whsec-contract-5ecr3t').update(seen[0].body).digest('hex')}`;
		expect(seen[0].headers[DOC_AUTH_HEADERS.signature]).toBe(signature);
		expect(seen[0].headers[DOC_AUTH_HEADERS.apiKey]).toBeUndefined();
		expect(seen[0].headers[DOC_AUTH_HEADERS.basic]).toBeUndefined();
	});
});
