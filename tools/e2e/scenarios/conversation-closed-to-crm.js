'use strict';
// examples/conversation-closed-to-crm.json: a conversation.close fetches the conversation once
// (the event carries no referenceId and no start or end time) and upserts the contact once.

const assert = require('node:assert/strict');

const CRM = 'https://crm.example.com/api/contacts/upsert';

/** The upsert for the sandbox's conv-closed-001 (user-001, 10:30 to 10:45, closed by an operator). */
const UPSERT = {
	externalId: 'ext-user-001',
	name: 'Ana Torres',
	channel: 'Whatsapp',
	lastConversationId: 'conv-closed-001',
	lastConversationEndedReason: 'closed_by_operator',
	lastConversationSeconds: 900,
	lastConversationEndedAt: '2026-01-15T10:45:00.000Z',
};

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

module.exports = {
	CRM,
	UPSERT,
	assertEventLacksCrmFields,
	getsOf,
	title:
		'a signed conversation.close calls Conversation → Get once (the event has no referenceId, start or end) and upserts the contact once with endedReason, referenceId and the duration',
	async check(run) {
		run.ctx.sb.reset();
		const { execution } = await run.deliver({ event: 'conversation.close' });
		const runData = execution.data.resultData.runData;
		assertEventLacksCrmFields(runData['Conversation Closed'][0].data.main[0][0].json);
		assert.equal(getsOf(run.ctx, 'conv-closed-001').length, 1, 'one Get');
		const sent = run.capture.to(CRM);
		assert.equal(run.capture.requests.length, 1, 'one request reached the far end');
		assert.equal(sent.length, 1, 'it went to the CRM URL');
		assert.equal(sent[0].method, 'POST');
		assert.deepStrictEqual(sent[0].json, UPSERT);
		const start = await run.ctx.sb.emit({ event: 'conversation.start' });
		assert.match(start.body, /not selected/, 'a start event is not selected');
		assert.equal((await run.executions()).length, 1, 'one execution');
	},
};
