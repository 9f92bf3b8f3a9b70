'use strict';

// The event payloads Jelou sends to an integration's webhook, in the two shapes Jelou's public docs
// show (docs.jelou.ai, API section "External Support Panel"): `conversation.start` and
// `conversation.close` carry `event`, `timestamp` (Unix ms) and `project_id` (the close event also
// the reason and the message sent to the user; the docs list its fields only partly, so the rest
// here is our reading); an end user's message comes in the `field` / `object` / `event_type` /
// `value` envelope. What the Jelou Trigger reads from them: README.md, "Jelou Trigger".

const { isPlainObject, randomHex } = require('./util');

const EMIT_EVENTS = ['message', 'conversation.start', 'conversation.close'];

function conversationEvent(projectId, event, conv, extra = {}) {
	const payload = {
		event,
		timestamp: extra.timestamp !== undefined ? extra.timestamp : Date.now(),
		project_id: projectId,
		room_id: conv.roomId,
		conversation: { id: conv._id },
		contact: { id: conv.User.id, name: conv.User.names },
		bot: { id: conv.Bot.id, name: conv.Bot.name },
	};
	if (event === 'conversation.close') {
		payload.reason = conv.endedReason || 'closed_by_operator';
		payload.message = extra.message || { type: 'text', text: 'The conversation has been closed.' };
	}
	return payload;
}

function messageEvent(projectId, conv, extra = {}) {
	const value = isPlainObject(extra.value)
		? extra.value
		: {
				id: `msg-${randomHex(8)}`,
				type: 'text',
				content: { body: typeof extra.text === 'string' ? extra.text : 'Hi' },
			};
	return {
		field: 'messages',
		object: 'message_event',
		event_type: 'message',
		timestamp: extra.timestamp !== undefined ? extra.timestamp : Date.now(),
		project_id: projectId,
		room_id: conv.roomId,
		contact: { id: conv.User.id, name: conv.User.names },
		conversation: { id: conv._id },
		bot: { id: conv.Bot.id, name: conv.Bot.name },
		value,
	};
}

module.exports = { EMIT_EVENTS, conversationEvent, messageEvent };
