'use strict';
// examples/drop-duplicate-deliveries.json: every event is acted on once, however often it is
// delivered (a message by its id, a conversation event by its name and conversation id).

const assert = require('node:assert/strict');

const ENDPOINT = 'https://hooks.example.com/your-endpoint';

/** A text message of the sandbox's conv-active-001 with a fixed id, so it can be delivered twice. */
const message = (id, body) => ({
	event: 'message',
	conversationId: 'conv-active-001',
	value: { id, type: 'text', content: { body } },
});

const ACTIVE = { conversationId: 'conv-active-001', roomId: 'room-active-001', state: 'active' };

module.exports = {
	message,
	title:
		'six signed deliveries (a message twice, another message, a start twice, a close) start six executions and reach the endpoint four times, once per event',
	async check(run) {
		await run.deliver(message('msg-e2e-a', 'Hello'));
		await run.deliver(message('msg-e2e-a', 'Hello'));
		await run.deliver(message('msg-e2e-b', 'Are you there?'));
		await run.deliver({ event: 'conversation.start', conversationId: 'conv-active-001' });
		await run.deliver({ event: 'conversation.start', conversationId: 'conv-active-001' });
		await run.deliver({ event: 'conversation.close', conversationId: 'conv-closed-001' });
		assert.equal((await run.executions()).length, 6, 'one execution per delivery');
		const sent = run.capture.to(ENDPOINT);
		assert.equal(run.capture.requests.length, sent.length, 'only the endpoint was called');
		assert.deepStrictEqual(
			sent.map((r) => r.json),
			[
				{ event: 'message', ...ACTIVE },
				{ event: 'message', ...ACTIVE },
				{ event: 'conversation.start', ...ACTIVE },
				{
					event: 'conversation.close',
					conversationId: 'conv-closed-001',
					roomId: 'room-closed-001',
					state: 'closed',
				},
			],
		);
	},
};
