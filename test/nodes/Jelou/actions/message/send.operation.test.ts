/** Message → Send: to the messaging host, signed over the exact body, without the API key. */
import { createHmac } from 'node:crypto';
import nock from 'nock';
import type { NodeApiError } from 'n8n-workflow';

import { errorBody } from '../../../../fixtures/conversations';
import { expectNoSecrets, runNode } from '../../../../support/context';
import {
	MESSAGING,
	SIGNING_SECRET,
	credentials,
	node,
	operationParams,
} from '../../../../support/operation';
import { answerWithNockOnly, capture, type Seen } from '../../../../support/nock';

answerWithNockOnly();

describe('Message → Send', () => {
	const SEND = '/v1/external-support/webhook';
	const params = operationParams('message', 'send', {
		roomId: 'room-778899',
		botId: 'bot-9',
		userId: 'user-123',
	});

	function expectSigned(seen: Seen) {
		const expected = `sha256=${createHmac('sha256', SIGNING_SECRET).update(seen.body).digest('hex')}`;
		expect(seen.headers['x-jelou-signature']).toBe(expected);
		expect(seen.headers['x-api-key']).toBeUndefined();
		expect(seen.headers.authorization).toBeUndefined();
		expect(seen.headers['x-n8n-jelou-sign-body']).toBeUndefined();
		expect(seen.headers['content-type']).toContain('application/json');
	}

	it('sends a text to the messaging host, signed over the exact body, without the API key', async () => {
		const seen = capture(nock(MESSAGING).post(SEND), 200, {
			status: 1,
			message: ['Message sent'],
			data: { id: 'm-1' },
		});

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
			const seen = capture(nock(MESSAGING).post(SEND), 200, { status: 1 });

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
		const seen = capture(nock(MESSAGING).post(SEND), 401, errorBody('Invalid signature'));
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
