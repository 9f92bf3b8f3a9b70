/** Conversation → Start: the body sent, validation before any request, retries that cannot start twice. */
import nock from 'nock';
import type { NodeApiError } from 'n8n-workflow';

import { activeConversation, envelope, errorBody } from '../../../../fixtures/conversations';
import { TEST_API_KEY, runNode } from '../../../../support/context';
import { HOST, PREFIX, credentials, node, operationParams } from '../../../../support/operation';
import { answerWithNockOnly, capture } from '../../../../support/nock';

answerWithNockOnly();

describe('Conversation → Start', () => {
	const START = `${PREFIX}/proj-1/conversations/start`;
	const params = operationParams('conversation', 'start', {
		botId: ' bot-9 ',
		userId: '593987654321',
		options: { maxRetries: 2 },
	});

	it('sends botId, userId, the initial message, merged metadata and the assignment', async () => {
		const seen = capture(nock(HOST).post(START), 200, envelope(activeConversation));

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
		const seen = capture(nock(HOST).post(START), 200, { status: 1, message: 'ok' });

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
		const seen = capture(nock(HOST).post(START), 503, errorBody('Service unavailable'));
		const failed = runNode(node, { params: { ...params, additionalFields: {} }, credentials });
		await expect(failed).rejects.toThrow(
			'Jelou failed to process the request (HTTP 503): Service unavailable',
		);
		expect(seen).toHaveLength(1);

		nock(HOST).post(START).reply(429, errorBody('Slow down'), { 'Retry-After': '0' });
		const again = capture(nock(HOST).post(START), 200, envelope(activeConversation));
		const { output } = await runNode(node, {
			params: { ...params, additionalFields: {} },
			credentials,
		});
		expect(again).toHaveLength(1);
		expect(output[0].json._id).toBe(activeConversation._id);
	});

	it('422: shows the fields Jelou objected to', async () => {
		nock(HOST)
			.post(START)
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
