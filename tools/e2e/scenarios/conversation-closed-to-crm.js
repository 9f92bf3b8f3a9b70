'use strict';
// examples/conversation-closed-to-crm.json: a conversation.close fetches the conversation once
// (the event carries no referenceId and no start or end time), reads that end user's chat history
// from the conversation's start to its end as a transcript, and upserts the contact once with the
// transcript as its note; a conversation not closed by an operator is flagged for follow-up.

const assert = require('node:assert/strict');

const { CONV_CLOSED_001_TRANSCRIPT } = require('../features/history');

const CRM = 'https://crm.example.com/api/contacts/upsert';
const HISTORY_PATH = '/v1/external/messages/history/';

/** The upsert for the sandbox's conv-closed-001 (user-001, 10:30 to 10:45, closed by an operator). */
const UPSERT = {
	externalId: 'ext-user-001',
	name: 'Ana Torres',
	channel: 'Whatsapp',
	lastConversationId: 'conv-closed-001',
	lastConversationEndedReason: 'closed_by_operator',
	lastConversationSeconds: 900,
	lastConversationEndedAt: '2026-01-15T10:45:00.000Z',
	note: CONV_CLOSED_001_TRANSCRIPT,
};

/** conv-closed-002 (user-003 on the web bot, closed by the user): flagged for follow-up. */
const FOLLOW_UP = {
	externalId: 'ext-user-003',
	name: 'María Gómez',
	channel: 'Web',
	lastConversationId: 'conv-closed-002',
	lastConversationEndedReason: 'closed_by_user',
	lastConversationSeconds: 1950,
	lastConversationEndedAt: '2026-01-14T16:52:30.000Z',
	note: [
		'2026-01-14 16:20:00 UTC María Gómez: Hola, necesito ayuda',
		'2026-01-14 16:20:05 UTC Web Assistant: Hola María Gómez, ¿en qué te ayudo?',
		'2026-01-14 16:52:20 UTC Carla (support): Gracias por escribirnos. ¡Hasta pronto!',
	].join('\n'),
	followUp: true,
};

/** The chat-history requests the sandbox received, with their query. */
function historyRequestsOf(ctx) {
	return ctx.sb.requests
		.filter((r) => r.path.startsWith(HISTORY_PATH))
		.map((r) => ({ ...r, query: Object.fromEntries(new URL(r.path, 'http://x').searchParams) }));
}

/** What the trigger's item lacks, so that the example needs Conversation → Get. */
function assertEventLacksCrmFields(item) {
	assert.equal(item.event, 'conversation.close');
	assert.equal(item._id, 'conv-closed-001');
	assert.equal(item.User?.referenceId, undefined, 'the close event carries no referenceId');
	assert.equal(item.startAt, undefined, 'nor a start time');
	assert.equal(item.endAt, undefined, 'nor an end time');
}

/** The Get requests the sandbox received for one conversation. */
function getsOf(ctx, conversationId) {
	return ctx.sb.requests.filter(
		(r) => r.method === 'GET' && r.path.endsWith(`/conversations/${conversationId}`),
	);
}

/** The one history request of a close: that end user's messages from the start to the end. */
function assertOneHistoryRequest(ctx, { botId, clientId, startAt, endAt }) {
	const requests = historyRequestsOf(ctx);
	assert.equal(requests.length, 1, 'one chat-history request');
	assert.equal(requests[0].path.split('?')[0], `${HISTORY_PATH}${botId}`);
	assert.deepStrictEqual(requests[0].query, { clientId, startAt, endAt, limit: '50', page: '1' });
	assert.equal(requests[0].status, 200);
}

module.exports = {
	CRM,
	UPSERT,
	assertEventLacksCrmFields,
	assertOneHistoryRequest,
	getsOf,
	title:
		'a signed conversation.close calls Conversation → Get once (the event has no referenceId, start or end), Message → Get Many once for that user from start to end, and upserts the contact once with endedReason, referenceId, the duration and the transcript as its note; a close by the user is flagged for follow-up',
	async check(run) {
		run.ctx.sb.reset();
		const { execution } = await run.deliver({ event: 'conversation.close' });
		const runData = execution.data.resultData.runData;
		assertEventLacksCrmFields(runData['Conversation Closed'][0].data.main[0][0].json);
		assert.equal(getsOf(run.ctx, 'conv-closed-001').length, 1, 'one Get');
		assertOneHistoryRequest(run.ctx, {
			botId: 'bot-001',
			clientId: 'user-001',
			startAt: '2026-01-15T10:30:00.000Z',
			endAt: '2026-01-15T10:45:00.000Z',
		});
		const sent = run.capture.to(CRM);
		assert.equal(run.capture.requests.length, 1, 'one request reached the far end');
		assert.equal(sent.length, 1, 'it went to the CRM URL');
		assert.equal(sent[0].method, 'POST');
		assert.deepStrictEqual(sent[0].json, UPSERT);

		run.ctx.sb.reset();
		await run.deliver({ event: 'conversation.close', conversationId: 'conv-closed-002' });
		assertOneHistoryRequest(run.ctx, {
			botId: 'bot-web-001',
			clientId: 'user-003',
			startAt: '2026-01-14T16:20:00.000Z',
			endAt: '2026-01-14T16:52:30.000Z',
		});
		assert.deepStrictEqual(
			run.capture.to(CRM).map((r) => r.json),
			[UPSERT, FOLLOW_UP],
		);
		const start = await run.ctx.sb.emit({ event: 'conversation.start' });
		assert.match(start.body, /not selected/, 'a start event is not selected');
		assert.equal((await run.executions()).length, 2, 'one execution per close');
	},
};
