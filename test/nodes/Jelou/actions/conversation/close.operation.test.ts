/** Conversation → Close: the redirect sent, the closed conversation returned, a 404 per item. */
import nock from 'nock';

import { closedConversation, envelope, errorBody } from '../../../../fixtures/conversations';
import { runNode } from '../../../../support/context';
import { HOST, PREFIX, credentials, node, operationParams } from '../../../../support/operation';
import { answerWithNockOnly, capture } from '../../../../support/nock';

answerWithNockOnly();

describe('Conversation → Close', () => {
	const CLOSE = `${PREFIX}/proj-1/conversations/close`;
	const params = operationParams('conversation', 'close', { botId: 'bot-9', userId: 'user-123' });

	/** Closes with `additionalFields` against a 200 `answer`: the body sent and the output. */
	async function closeWith(additionalFields: Record<string, unknown>, answer: unknown) {
		const seen = capture(nock(HOST).post(CLOSE), 200, answer);
		const { output } = await runNode(node, {
			params: { ...params, additionalFields },
			credentials,
		});
		return { sent: JSON.parse(seen[0].body) as unknown, output };
	}

	it('sends the closing message as a text redirect and returns the closed conversation', async () => {
		const { sent, output } = await closeWith(
			{ closingMessage: 'Thanks for writing to us!' },
			envelope(closedConversation),
		);

		expect(sent).toEqual({
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
		const { sent, output } = await closeWith(
			{ redirectType: 'edge' },
			{ status: 1, message: ['Closed'] },
		);
		expect(sent).toEqual({
			botId: 'bot-9',
			userId: 'user-123',
			redirectPayload: { type: 'edge' },
		});
		expect(output[0].json).toEqual({ success: true, botId: 'bot-9', userId: 'user-123' });
	});

	it('404 names the bot, the user and the project; continueOnFail keeps the other items', async () => {
		nock(HOST).post(CLOSE).reply(404, errorBody('Bot or user not found'));
		nock(HOST).post(CLOSE).reply(200, envelope(closedConversation));

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
