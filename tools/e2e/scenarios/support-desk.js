'use strict';
// examples/support-desk.json: one Jelou Trigger on all events (a project sends every event to one
// URL), a Switch that routes start, message and close to their branches.

const assert = require('node:assert/strict');

const { TEAM_CHAT, NOTICE } = require('./new-conversation-notify-team');
const {
	CRM,
	UPSERT,
	assertEventLacksCrmFields,
	assertOneHistoryRequest,
	getsOf,
} = require('./conversation-closed-to-crm');
const { message } = require('./drop-duplicate-deliveries');

const MESSAGES = 'https://hooks.example.com/your-endpoint';

/** The nodes after the Switch that ran in one execution. */
const branchNodesRan = ({ execution }) =>
	Object.keys(execution.data.resultData.runData)
		.filter((n) => !['Jelou Trigger (All Events)', 'Route by Event'].includes(n))
		.sort();

const handled = (id, text) => ({
	event: 'message',
	conversationId: 'conv-active-001',
	roomId: 'room-active-001',
	messageId: id,
	type: 'text',
	text,
});

module.exports = {
	title:
		'start → one team notice; a message delivered twice and another → handled once each; close → one Get, one chat-history read and one CRM upsert with the transcript; each event runs only its branch',
	async check(run) {
		run.ctx.sb.reset();
		const start = await run.deliver({
			event: 'conversation.start',
			conversationId: 'conv-active-001',
		});
		assert.deepStrictEqual(branchNodesRan(start), ['Notify Team']);

		const a = await run.deliver(message('msg-desk-a', 'Hello'));
		assert.deepStrictEqual(branchNodesRan(a), ['Drop Repeated Messages', 'Handle Message']);
		const again = await run.deliver(message('msg-desk-a', 'Hello'));
		assert.deepStrictEqual(branchNodesRan(again), ['Drop Repeated Messages'], 'dropped');
		await run.deliver(message('msg-desk-b', 'Are you there?'));

		run.ctx.sb.reset();
		const close = await run.deliver({
			event: 'conversation.close',
			conversationId: 'conv-closed-001',
		});
		assert.deepStrictEqual(branchNodesRan(close), [
			'Get Conversation',
			'Get Transcript',
			'Upsert Contact in CRM',
		]);
		assertEventLacksCrmFields(
			close.execution.data.resultData.runData['Jelou Trigger (All Events)'][0].data.main[0][0].json,
		);
		assert.equal(getsOf(run.ctx, 'conv-closed-001').length, 1, 'one Get');
		assertOneHistoryRequest(run.ctx, {
			botId: 'bot-001',
			clientId: 'user-001',
			startAt: '2026-01-15T10:30:00.000Z',
			endAt: '2026-01-15T10:45:00.000Z',
		});

		assert.deepStrictEqual(
			run.capture.to(TEAM_CHAT).map((r) => r.json),
			[NOTICE],
		);
		assert.deepStrictEqual(
			run.capture.to(MESSAGES).map((r) => r.json),
			[handled('msg-desk-a', 'Hello'), handled('msg-desk-b', 'Are you there?')],
		);
		assert.deepStrictEqual(
			run.capture.to(CRM).map((r) => r.json),
			[UPSERT],
		);
		assert.equal(run.capture.requests.length, 4, 'nothing else reached the far end');
		assert.equal((await run.executions()).length, 5, 'one execution per delivery');
	},
};
