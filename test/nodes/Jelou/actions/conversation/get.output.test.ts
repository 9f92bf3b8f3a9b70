/**
 * Conversation → Get's output by node version: version 1 keeps the Simplify toggle exactly (saved
 * workflows store `simplify`), version 2 offers Output: Simplified (default, ten fields), Raw or
 * Selected Fields (always with conversationId).
 */
import nock from 'nock';

import {
	activeConversation,
	closedConversation,
	envelope,
	simplifiedClosedConversation,
} from '../../../../fixtures/conversations';
import { EXECUTE_NODE } from '../../../../support/fake-n8n';
import { answerWithNockOnly } from '../../../../support/nock';
import { runNode } from '../../../../support/context';
import { HOST, PREFIX, node } from '../../../../support/operation';

const params = (extra: Record<string, unknown>) => ({
	resource: 'conversation',
	operation: 'get',
	projectId: 'proj-1',
	conversationId: closedConversation._id,
	options: { maxRetries: 0 },
	...extra,
});

async function get(typeVersion: number, extra: Record<string, unknown>, answer: object) {
	nock(HOST)
		.get(`${PREFIX}/proj-1/conversations/${closedConversation._id}`)
		.reply(200, envelope(answer));
	const { output } = await runNode(node, {
		params: params(extra),
		node: { ...EXECUTE_NODE, typeVersion },
	});
	expect(output).toHaveLength(1);
	return output[0].json;
}

const FLAT_CLOSED = simplifiedClosedConversation;

answerWithNockOnly();

describe('version 1 (saved workflows): Simplify, unchanged', () => {
	it('returns the conversation as Jelou sends it by default, even with an Output value saved', async () => {
		expect(await get(1, { output: 'simplified' }, closedConversation)).toEqual(closedConversation);
	});

	it('returns the thirteen-field flat record with Simplify on', async () => {
		expect(await get(1, { simplify: true }, closedConversation)).toEqual(FLAT_CLOSED);
	});
});

describe('version 2: Output', () => {
	it('is Simplified by default: the ten most used fields, most used first', async () => {
		const json = await get(2, {}, closedConversation);
		expect(Object.keys(json)).toEqual([
			'conversationId',
			'state',
			'endedReason',
			'roomId',
			'botId',
			'userId',
			'userName',
			'channel',
			'startAt',
			'endAt',
		]);
		for (const [key, value] of Object.entries(json)) {
			expect(value).toEqual(FLAT_CLOSED[key as keyof typeof FLAT_CLOSED]);
		}
	});

	it('gives null, not a guess, for what an active conversation does not have yet', async () => {
		const json = await get(2, { output: 'simplified' }, activeConversation);
		expect(json).toMatchObject({ state: 'active', endedReason: null, endAt: null });
	});

	it('Raw returns the conversation as Jelou sends it, and ignores a saved Simplify', async () => {
		expect(await get(2, { output: 'raw', simplify: true }, closedConversation)).toEqual(
			closedConversation,
		);
	});

	it('Selected Fields returns the picked fields in the order picked, after conversationId', async () => {
		const json = await get(
			2,
			{ output: 'selectedFields', fields: ['durationSeconds', 'state', 'userReferenceId'] },
			closedConversation,
		);
		expect(json).toEqual({
			conversationId: closedConversation._id,
			durationSeconds: 930,
			state: 'closed',
			userReferenceId: 'crm-4711',
		});
		expect(Object.keys(json)).toEqual([
			'conversationId',
			'durationSeconds',
			'state',
			'userReferenceId',
		]);
	});

	it('Selected Fields with nothing picked still returns conversationId', async () => {
		expect(await get(2, { output: 'selectedFields', fields: [] }, closedConversation)).toEqual({
			conversationId: closedConversation._id,
		});
	});
});
