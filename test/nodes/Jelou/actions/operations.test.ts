import { createHmac } from 'node:crypto';
import nock from 'nock';
import type { NodeApiError } from 'n8n-workflow';

import { Jelou } from '../../../../nodes/Jelou/Jelou.node';
import { SIGNING_SECRET_NOTICE } from '../../../../nodes/Jelou/actions/integration/create.operation';
import {
	activeConversation,
	closedConversation,
	envelope,
	errorBody,
} from '../../../fixtures/conversations';
import {
	TEST_API_KEY,
	apiKeyCredentials,
	expectNoSecrets,
	runNode,
} from '../../../support/context';
import { answerWithNockOnly } from '../../../support/nock';

const HOST = 'https://jelou.test';
const MESSAGING = 'https://chat.jelou.test';
const PREFIX = '/jelouapi/v1/external-support';
const SIGNING_SECRET = 'signing-5ecr3t-for-tests';
const node = new Jelou();

const credentials = {
	...apiKeyCredentials,
	signingSecret: SIGNING_SECRET,
	messagingBaseUrl: `${MESSAGING}/v1`,
};

interface Seen {
	path: string;
	body: string;
	headers: Record<string, unknown>;
}

/** Records what reached the wire: path, raw body and headers. */
function capture(
	scope: nock.Interceptor,
	status: number,
	reply: unknown,
	seen: Seen[],
): nock.Scope {
	return scope.reply(function (uri, body) {
		seen.push({
			path: uri,
			body: typeof body === 'string' ? body : JSON.stringify(body),
			headers: this.req.headers,
		});
		return [status, reply as nock.Body];
	});
}

answerWithNockOnly();

describe('Conversation → Start', () => {
	const params = {
		resource: 'conversation',
		operation: 'start',
		projectId: 'proj-1',
		botId: ' bot-9 ',
		userId: '593987654321',
		options: { maxRetries: 2 },
	};

	it('sends botId, userId, the initial message, merged metadata and the assignment', async () => {
		const seen: Seen[] = [];
		capture(
			nock(HOST).post(`${PREFIX}/proj-1/conversations/start`),
			200,
			envelope(activeConversation),
			seen,
		);

		const { output } = await runNode(node, {
			params: {
				...params,
				additionalFields: {
					initialMessage: 'Customer asks for a refund',
					metadataJson: '{"ticketId": "T-12345", "priority": "low"}',
					metadataFields: {
						field: [
							{ name: 'priority', value: 'high' },
							{ name: 'crmId', value: '42' },
						],
					},
					assignmentType: 'team',
					assignmentTarget: 'billing',
				},
			},
			credentials,
		});

		expect(JSON.parse(seen[0].body)).toEqual({
			botId: 'bot-9',
			userId: '593987654321',
			initialMessage: 'Customer asks for a refund',
			metadata: { ticketId: 'T-12345', priority: 'high', crmId: '42' },
			assignment: { type: 'team', target: 'billing' },
		});
		expect(seen[0].headers['x-api-key']).toBe(TEST_API_KEY);
		expect(output).toEqual([{ json: activeConversation, pairedItem: { item: 0 } }]);
	});

	it('sends only the required fields when nothing else is set', async () => {
		const seen: Seen[] = [];
		capture(
			nock(HOST).post(`${PREFIX}/proj-1/conversations/start`),
			200,
			{ status: 1, message: 'ok' },
			seen,
		);

		const { output } = await runNode(node, {
			params: { ...params, additionalFields: {} },
			credentials,
		});

		expect(JSON.parse(seen[0].body)).toEqual({ botId: 'bot-9', userId: '593987654321' });
		expect(output[0].json).toEqual({ success: true, botId: 'bot-9', userId: '593987654321' });
	});

	it.each([
		[
			'metadata that is not an object',
			{ metadataJson: '[1,2]' },
			'Metadata (JSON) must be a JSON object (item 0)',
		],
		[
			'metadata that is not JSON',
			{ metadataJson: '{oops' },
			'Metadata (JSON) must be a JSON object (item 0)',
		],
		[
			'a metadata field without a name',
			{ metadataFields: { field: [{ name: ' ', value: 'x' }] } },
			'A metadata field has no name (item 0)',
		],
		[
			'an assignment without target',
			{ assignmentType: 'queue' },
			'Assignment Target is empty (item 0)',
		],
	])('rejects %s before any request', async (_name, additionalFields, message) => {
		await expect(
			runNode(node, { params: { ...params, additionalFields }, credentials }),
		).rejects.toThrow(message);
	});

	it('is not resent after a 503 (it could start twice), but is after a 429', async () => {
		const seen: Seen[] = [];
		capture(
			nock(HOST).post(`${PREFIX}/proj-1/conversations/start`),
			503,
			errorBody('Service unavailable'),
			seen,
		);
		const failed = runNode(node, { params: { ...params, additionalFields: {} }, credentials });
		await expect(failed).rejects.toThrow(
			'Jelou failed to process the request (HTTP 503): Service unavailable',
		);
		expect(seen).toHaveLength(1);

		const again: Seen[] = [];
		nock(HOST)
			.post(`${PREFIX}/proj-1/conversations/start`)
			.reply(429, errorBody('Slow down'), { 'Retry-After': '0' });
		capture(
			nock(HOST).post(`${PREFIX}/proj-1/conversations/start`),
			200,
			envelope(activeConversation),
			again,
		);
		const { output } = await runNode(node, {
			params: { ...params, additionalFields: {} },
			credentials,
		});
		expect(again).toHaveLength(1);
		expect(output[0].json._id).toBe(activeConversation._id);
	});

	it('422: shows the fields Jelou objected to', async () => {
		nock(HOST)
			.post(`${PREFIX}/proj-1/conversations/start`)
			.reply(
				422,
				errorBody('Validation failed: assignment.type', {
					validationError: { 'assignment.type': 'must be one of queue, operator, team' },
				}),
			);
		const error = (await runNode(node, {
			params: { ...params, additionalFields: {} },
			credentials,
		}).catch((e) => e)) as NodeApiError;
		expect(error.message).toBe(
			'Jelou rejected the request (HTTP 422): Validation failed: assignment.type',
		);
		expect(error.description).toBe(
			'Fields Jelou objected to: assignment.type: must be one of queue, operator, team.',
		);
	});
});

describe('Conversation → Close', () => {
	const params = {
		resource: 'conversation',
		operation: 'close',
		projectId: 'proj-1',
		botId: 'bot-9',
		userId: 'user-123',
	};

	it('sends the closing message as a text redirect and returns the closed conversation', async () => {
		const seen: Seen[] = [];
		capture(
			nock(HOST).post(`${PREFIX}/proj-1/conversations/close`),
			200,
			envelope(closedConversation),
			seen,
		);

		const { output } = await runNode(node, {
			params: { ...params, additionalFields: { closingMessage: 'Thanks for writing to us!' } },
			credentials,
		});

		expect(JSON.parse(seen[0].body)).toEqual({
			botId: 'bot-9',
			userId: 'user-123',
			redirectPayload: { type: 'text', text: 'Thanks for writing to us!' },
		});
		expect(output[0].json).toMatchObject({
			success: true,
			botId: 'bot-9',
			userId: 'user-123',
			state: 'closed',
			endedReason: 'closed_by_operator',
		});
	});

	it('hands back to the bot flow (edge) without text, and answers success when Jelou sends no data', async () => {
		const seen: Seen[] = [];
		capture(
			nock(HOST).post(`${PREFIX}/proj-1/conversations/close`),
			200,
			{ status: 1, message: ['Closed'] },
			seen,
		);
		const { output } = await runNode(node, {
			params: { ...params, additionalFields: { redirectType: 'edge' } },
			credentials,
		});
		expect(JSON.parse(seen[0].body)).toEqual({
			botId: 'bot-9',
			userId: 'user-123',
			redirectPayload: { type: 'edge' },
		});
		expect(output[0].json).toEqual({ success: true, botId: 'bot-9', userId: 'user-123' });
	});

	it('404 names the bot, the user and the project; continueOnFail keeps the other items', async () => {
		nock(HOST)
			.post(`${PREFIX}/proj-1/conversations/close`)
			.reply(404, errorBody('Bot or user not found'));
		nock(HOST)
			.post(`${PREFIX}/proj-1/conversations/close`)
			.reply(200, envelope(closedConversation));

		const { output } = await runNode(node, {
			items: [{ user: 'ghost' }, { user: 'user-123' }],
			params: {
				...params,
				userId: (item: { json: { user: string } }) => item.json.user,
				additionalFields: {},
				options: { concurrency: 1 },
			},
			credentials,
			continueOnFail: true,
		});

		expect(output[0].json).toEqual({
			error:
				"Jelou found no open conversation of bot 'bot-9' and user 'ghost' in project 'proj-1' (HTTP 404)",
		});
		expect(output[1].json).toMatchObject({ success: true, userId: 'user-123' });
	});
});

describe('Message → Send', () => {
	const params = {
		resource: 'message',
		operation: 'send',
		projectId: 'proj-1',
		roomId: 'room-778899',
		botId: 'bot-9',
		userId: 'user-123',
	};

	function expectSigned(seen: Seen) {
		const expected = `sha256=${createHmac('sha256', SIGNING_SECRET).update(seen.body).digest('hex')}`;
		expect(seen.headers['x-jelou-signature']).toBe(expected);
		expect(seen.headers['x-api-key']).toBeUndefined();
		expect(seen.headers.authorization).toBeUndefined();
		expect(seen.headers['x-n8n-jelou-sign-body']).toBeUndefined();
		expect(seen.headers['content-type']).toContain('application/json');
	}

	it('sends a text to the messaging host, signed over the exact body, without the API key', async () => {
		const seen: Seen[] = [];
		capture(
			nock(MESSAGING).post('/v1/external-support/webhook'),
			200,
			{ status: 1, message: ['Message sent'], data: { id: 'm-1' } },
			seen,
		);

		const { output } = await runNode(node, {
			params: {
				...params,
				messageType: 'text',
				text: '  Hola, ¿en qué te ayudo?  ',
				additionalFields: { messageId: 'm-1' },
			},
			credentials,
		});

		expectSigned(seen[0]);
		expect(JSON.parse(seen[0].body)).toEqual({
			field: 'messages',
			object: 'message_event',
			event_type: 'incoming_message',
			project_id: 'proj-1',
			room_id: 'room-778899',
			bot_id: 'bot-9',
			user_id: 'user-123',
			value: { id: 'm-1', type: 'text', content: { body: '  Hola, ¿en qué te ayudo?  ' } },
		});
		expect(output[0].json).toEqual({
			success: true,
			messageId: 'm-1',
			roomId: 'room-778899',
			botId: 'bot-9',
			userId: 'user-123',
			type: 'text',
			response: { id: 'm-1' },
		});
		expectNoSecrets(output);
		expect(JSON.stringify(output)).not.toContain(SIGNING_SECRET);
	});

	it.each([
		[
			'image',
			{ mediaUrl: 'https://cdn.example/a.jpg', mimeType: 'image/jpeg', caption: 'Your receipt' },
			{ url: 'https://cdn.example/a.jpg', mime_type: 'image/jpeg', caption: 'Your receipt' },
		],
		[
			'video',
			{ mediaUrl: 'https://cdn.example/a.mp4', mimeType: 'video/mp4', caption: '' },
			{ url: 'https://cdn.example/a.mp4', mime_type: 'video/mp4' },
		],
		[
			'audio',
			{ mediaUrl: 'https://cdn.example/a.ogg', mimeType: 'audio/ogg' },
			{ url: 'https://cdn.example/a.ogg', mime_type: 'audio/ogg' },
		],
		[
			'document',
			{
				mediaUrl: 'https://cdn.example/i.pdf',
				mimeType: 'application/pdf',
				filename: 'invoice.pdf',
			},
			{ url: 'https://cdn.example/i.pdf', mime_type: 'application/pdf', filename: 'invoice.pdf' },
		],
	])(
		'sends a %s with its content fields and a generated message id',
		async (type, fields, content) => {
			const seen: Seen[] = [];
			capture(nock(MESSAGING).post('/v1/external-support/webhook'), 200, { status: 1 }, seen);

			const { output } = await runNode(node, {
				params: { ...params, messageType: type, ...fields, additionalFields: {} },
				credentials,
			});

			expectSigned(seen[0]);
			const sent = JSON.parse(seen[0].body);
			expect(sent.value.type).toBe(type);
			expect(sent.value.content).toEqual(content);
			expect(sent.value.id).toMatch(/^[0-9a-f-]{36}$/);
			expect(output[0].json.messageId).toBe(sent.value.id);
		},
	);

	it.each([
		[
			'an http media URL',
			{ messageType: 'image', mediaUrl: 'http://cdn.example/a.jpg', mimeType: 'image/jpeg' },
			'Media URL must be an https:// URL (item 0)',
		],
		['an empty text', { messageType: 'text', text: '   ' }, 'Text is empty (item 0)'],
		[
			'a missing MIME type',
			{ messageType: 'audio', mediaUrl: 'https://cdn.example/a.ogg', mimeType: '' },
			'MIME Type is empty (item 0)',
		],
		['an empty room', { roomId: '', messageType: 'text', text: 'hi' }, 'Room ID is empty (item 0)'],
	])('rejects %s before any request', async (_name, fields, message) => {
		await expect(
			runNode(node, { params: { ...params, ...fields, additionalFields: {} }, credentials }),
		).rejects.toThrow(message);
	});

	it('says the Signing Secret is missing instead of sending an unsigned message', async () => {
		const run = runNode(node, {
			params: { ...params, messageType: 'text', text: 'hi', additionalFields: {} },
			credentials: { ...credentials, signingSecret: '' },
		});
		await expect(run).rejects.toThrow('The Jelou credential has no Signing Secret');
	});

	it('401 from the messaging host (bad signature) is not retried and leaks no secret', async () => {
		const seen: Seen[] = [];
		capture(
			nock(MESSAGING).post('/v1/external-support/webhook'),
			401,
			errorBody('Invalid signature'),
			seen,
		);
		const error = (await runNode(node, {
			params: { ...params, messageType: 'text', text: 'hi', additionalFields: {} },
			credentials,
		}).catch((e) => e)) as NodeApiError;
		expect(seen).toHaveLength(1);
		expect(error.message).toBe('Jelou rejected the message signature (HTTP 401)');
		expect(error.description).toContain('Signing Secret');
		expectNoSecrets(error);
		expect(JSON.stringify({ m: error.message, d: error.description })).not.toContain(
			SIGNING_SECRET,
		);
	});
});

describe('Integration', () => {
	it('Get returns the integration; a 404 says the project has none', async () => {
		nock(HOST)
			.get(`${PREFIX}/proj-1`)
			.reply(
				200,
				envelope({
					brainId: 'b-1',
					webhookUrl: 'https://panel.example/hook',
					createdAt: '2026-01-01T00:00:00Z',
				}),
			);
		nock(HOST).get(`${PREFIX}/proj-2`).reply(404, errorBody('Integration not found'));

		const { output } = await runNode(node, {
			items: [{ p: 'proj-1' }, { p: 'proj-2' }],
			params: {
				resource: 'integration',
				operation: 'get',
				projectId: (item: { json: { p: string } }) => item.json.p,
				options: { concurrency: 1 },
			},
			credentials,
			continueOnFail: true,
		});
		expect(output[0].json).toEqual({
			brainId: 'b-1',
			webhookUrl: 'https://panel.example/hook',
			createdAt: '2026-01-01T00:00:00Z',
		});
		expect(output[1].json).toEqual({
			error: "Project 'proj-2' has no External Support integration (HTTP 404)",
		});
	});

	it('Create sends the webhook and its authentication, returns the one-time signingSecret with a notice, never the webhook secret', async () => {
		const seen: Seen[] = [];
		capture(
			nock(HOST).post(`${PREFIX}/proj-1`),
			201,
			envelope({
				brainId: 'b-1',
				webhookUrl: 'https://n8n.example/webhook/jelou',
				authType: 'bearer',
				authorization: 'hook-token-1',
				signingSecret: 'new-signing-secret',
			}),
			seen,
		);

		const { output } = await runNode(node, {
			params: {
				resource: 'integration',
				operation: 'create',
				projectId: 'proj-1',
				webhookUrl: ' https://n8n.example/webhook/jelou ',
				webhookAuthType: 'bearer',
				webhookSecret: 'hook-token-1',
			},
			credentials,
		});

		expect(JSON.parse(seen[0].body)).toEqual({
			webhookUrl: 'https://n8n.example/webhook/jelou',
			authType: 'bearer',
			authorization: 'hook-token-1',
		});
		expect(output[0].json).toEqual({
			brainId: 'b-1',
			webhookUrl: 'https://n8n.example/webhook/jelou',
			authType: 'bearer',
			signingSecret: 'new-signing-secret',
			notice: SIGNING_SECRET_NOTICE,
		});
	});

	it('Create with no_auth sends no authorization; a bad URL fails before any request', async () => {
		const seen: Seen[] = [];
		capture(
			nock(HOST).post(`${PREFIX}/proj-1`),
			200,
			envelope({ webhookUrl: 'https://x.example/h', signingSecret: 's' }),
			seen,
		);
		await runNode(node, {
			params: {
				resource: 'integration',
				operation: 'create',
				projectId: 'proj-1',
				webhookUrl: 'https://x.example/h',
				webhookAuthType: 'no_auth',
			},
			credentials,
		});
		expect(JSON.parse(seen[0].body)).toEqual({
			webhookUrl: 'https://x.example/h',
			authType: 'no_auth',
		});

		const bad = runNode(node, {
			params: {
				resource: 'integration',
				operation: 'create',
				projectId: 'proj-1',
				webhookUrl: 'ftp://x',
				webhookAuthType: 'no_auth',
			},
			credentials,
		});
		await expect(bad).rejects.toThrow('Webhook URL must be an http:// or https:// URL (item 0)');
	});
});
