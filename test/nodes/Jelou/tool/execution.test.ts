/**
 * The Jelou node run as the AI Agent's tool (`n8n-nodes-jelou.jelouTool`): what it returns to the
 * model on success and on failure, that it refuses Integration operations, and that no secret of
 * the credential reaches the model or an error, whatever Jelou answers.
 */
import nock from 'nock';

import { closedConversation, envelope, errorBody } from '../../../fixtures/conversations';
import { answerWithNockOnly } from '../../../support/nock';
import { HOST, PREFIX, credentials, node } from '../../../support/operation';
import { TEST_API_KEY, TOOL_NODE, runNode, type RunOptions } from '../../../support/context';

const getParams = (conversationId: string, extra: Record<string, unknown> = {}) => ({
	resource: 'conversation',
	operation: 'get',
	projectId: 'proj-1',
	conversationId,
	options: { maxRetries: 0 },
	...extra,
});

/** Runs the tool with one input item (what n8n hands a tool: the model's arguments). */
async function runTool(params: RunOptions['params'], extra: Partial<RunOptions> = {}) {
	return await runNode(node, { params, credentials, node: TOOL_NODE, ...extra });
}

answerWithNockOnly();

describe('the tool on success', () => {
	it('returns the Simplified conversation by default (version 2): ten fields a model can use', async () => {
		nock(HOST)
			.get(`${PREFIX}/proj-1/conversations/${closedConversation._id}`)
			.matchHeader('x-api-key', TEST_API_KEY)
			.reply(200, envelope(closedConversation));

		const { output } = await runTool(getParams(closedConversation._id));

		expect(output).toHaveLength(1);
		expect(output[0].json).toEqual({
			conversationId: closedConversation._id,
			state: 'closed',
			endedReason: closedConversation.endedReason,
			roomId: closedConversation.roomId,
			botId: closedConversation.Bot.id,
			userId: closedConversation.User.id,
			userName: closedConversation.User.names,
			channel: closedConversation.Bot.type,
			startAt: closedConversation.startAt,
			endAt: closedConversation.endAt,
		});
		expect(Object.keys(output[0].json)).toHaveLength(10);
	});
});

describe('the tool on failure: one { error, hint } result, never a throw', () => {
	it('a conversation that does not exist (404)', async () => {
		nock(HOST)
			.get(`${PREFIX}/proj-1/conversations/c-404`)
			.reply(404, errorBody('Conversation not found'));

		const { output } = await runTool(getParams('c-404'));

		expect(output).toEqual([
			{
				json: {
					error: "Conversation 'c-404' was not found in project 'proj-1' (HTTP 404)",
					hint: expect.stringContaining('Jelou said: "Conversation not found"'),
				},
				pairedItem: { item: 0 },
			},
		]);
		// Exactly these two keys: no stack, no HTTP details, no `error` object n8n would replace.
		expect(Object.keys(output[0].json)).toEqual(['error', 'hint']);
		expect(output[0].error).toBeUndefined();
		expect(String(output[0].json.hint)).not.toMatch(/\n\s+at /);
	});

	it('rejected credentials (401)', async () => {
		nock(HOST).get(`${PREFIX}/proj-1/conversations/c-1`).reply(401, errorBody('Unauthorized'));

		const { output } = await runTool(getParams('c-1'));

		expect(output[0].json).toEqual({
			error: 'Jelou rejected the credentials (HTTP 401)',
			hint: expect.stringMatching(/^Check the Jelou API credential/),
		});
	});

	it('throttling that outlasts the retries (429 three times, Max Retries 2)', async () => {
		nock(HOST)
			.get(`${PREFIX}/proj-1/conversations/c-1`)
			.times(3)
			.reply(429, errorBody('Too many requests'), { 'Retry-After': '0' });

		const { output } = await runTool(getParams('c-1', { options: { maxRetries: 2 } }));

		expect(output[0].json).toEqual({
			error: 'Jelou is limiting the request rate (HTTP 429)',
			hint: expect.stringContaining('Gave up after 3 attempts.'),
		});
	});

	it('bad input from the model (an empty Conversation ID) names the field', async () => {
		const { output } = await runTool(getParams('  '));

		expect(output[0].json.error).toMatch(/Conversation ID/);
		expect(typeof output[0].json.hint).toBe('string');
	});

	it.each(['create', 'get', 'update', 'delete'])(
		'refuses Integration → %s without a request (its answers can hold the signing secret)',
		async (operation) => {
			const { output, requests } = await runTool({
				resource: 'integration',
				operation,
				projectId: 'proj-1',
				webhookUrl: 'https://n8n.example.com/webhook/x',
			});

			expect(requests).toEqual([]);
			expect(output).toEqual([
				{
					json: {
						error: 'The integration operations are not available to an AI Agent',
						hint: expect.stringContaining(
							'get, start and close conversations, send messages and read the chat history',
						),
					},
					pairedItem: { item: 0 },
				},
			]);
		},
	);

	it('a credential that cannot be used (bad Base URL) fails the call, not the run', async () => {
		const { output, requests } = await runTool(getParams('c-1'), {
			credentials: { ...credentials, baseUrl: 'not a url' },
		});

		expect(requests).toEqual([]);
		expect(output).toHaveLength(1);
		expect(output[0].json.error).toMatch(/Base URL/);
		expect(Object.keys(output[0].json)).toEqual(['error', 'hint']);
	});

	it('an operation this version does not know is an { error, hint } too', async () => {
		const { output, requests } = await runTool(getParams('c-1', { operation: 'archive' }));

		expect(requests).toEqual([]);
		expect(output[0].json).toEqual({
			error: 'The operation "archive" of resource "conversation" is not supported',
			hint: expect.stringContaining('Pick an operation from the list'),
		});
	});

	it('the same failure still throws in the node itself (not a tool)', async () => {
		nock(HOST)
			.get(`${PREFIX}/proj-1/conversations/c-404`)
			.reply(404, errorBody('Conversation not found'));

		await expect(runNode(node, { params: getParams('c-404'), credentials })).rejects.toThrow(
			"Conversation 'c-404' was not found in project 'proj-1'",
		);
	});
});
