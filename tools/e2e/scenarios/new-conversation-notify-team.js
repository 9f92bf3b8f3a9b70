'use strict';
// examples/new-conversation-notify-team.json: a conversation.start posts one notice to the team's
// chat webhook; the other events are not selected and start nothing.

const assert = require('node:assert/strict');

const TEAM_CHAT = 'https://hooks.example.com/team-support-channel';

/** The notice the example posts for the sandbox's conv-active-001 (user-002, bot-001). */
const NOTICE = {
	text: 'New Jelou conversation from Luis Pérez via Support Bot (conversation conv-active-001, room room-active-001)',
};

module.exports = {
	TEAM_CHAT,
	NOTICE,
	title:
		'a signed conversation.start posts one notice naming the user, the bot and the room; message and close events start nothing',
	async check(run) {
		await run.deliver({ event: 'conversation.start', conversationId: 'conv-active-001' });
		for (const event of ['message', 'conversation.close']) {
			const sent = await run.ctx.sb.emit({ event });
			assert.equal(sent.status, 200, `${event}: ${sent.status}`);
			assert.match(sent.body, /not selected/, `${event} is answered "not selected"`);
		}
		assert.equal((await run.executions()).length, 1, 'one execution');
		const sent = run.capture.to(TEAM_CHAT);
		assert.equal(run.capture.requests.length, 1, 'one request reached the far end');
		assert.equal(sent.length, 1, 'it went to the team chat URL');
		assert.equal(sent[0].method, 'POST');
		assert.deepStrictEqual(sent[0].json, NOTICE);
	},
};
