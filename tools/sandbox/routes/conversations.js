'use strict';

// /jelouapi/v1/external-support/{projectId}/conversations/...: Get, Start and Close.
// Start and Close answer `{ answer, event }`: the HTTP layer sends the event to the
// integration's webhook once the answer is written.

const { isPlainObject, isNonEmptyString, randomHex } = require('../lib/util');
const {
	HTML_502,
	jsonAnswer,
	rawAnswer,
	successBody,
	apiError,
	validationFailed,
	methodNotAllowed,
	projectNotFound,
} = require('../lib/answers');
const { SEED_USERS, SEED_BOTS } = require('../lib/seed');
const { conversationEvent } = require('../lib/events');
const { parseJson } = require('./body');

const ASSIGNMENT_TYPES = ['queue', 'operator', 'team'];
const REDIRECT_TYPES = ['text', 'edge'];

function getConversation(ctx, id) {
	switch (id) {
		case 'conv-http-500':
			return apiError(
				500,
				'INTERNAL_SERVER_ERROR',
				'internal_error',
				'Internal server error while retrieving the conversation (sandbox test id conv-http-500).',
			);
		case 'conv-html-502':
			return rawAnswer(502, 'text/html', HTML_502);
		case 'conv-bad-json':
			return rawAnswer(
				200,
				'application/json; charset=utf-8',
				'{"message":["Conversation retrieved successfully"],"statusMessage":"success","status":1,"data":{"_id":"conv-bad-json","roomId":"room-',
			);
		case 'conv-no-data':
			return jsonAnswer(200, successBody('Conversation retrieved successfully', undefined, false));
		case 'conv-422':
			return apiError(
				422,
				'VALIDATION_ERROR',
				'validation_error',
				'The conversation id conv-422 is not valid for this operation (sandbox test id).',
				{
					conversationId: 'conversationId is not valid (sandbox test id conv-422)',
				},
			);
		default:
			break;
	}
	const conv = ctx.state.findConversation(id);
	if (!conv) {
		return apiError(
			404,
			'NOT_FOUND',
			'conversation_not_found',
			`Conversation "${id}" not found for project "${ctx.projectId}".`,
		);
	}
	return jsonAnswer(200, successBody('Conversation retrieved successfully', conv));
}

function startConversation(ctx, body) {
	const v = {};
	if (!isNonEmptyString(body.botId)) v.botId = 'botId is required and must be a non-empty string';
	if (!isNonEmptyString(body.userId))
		v.userId = 'userId is required and must be a non-empty string';
	if (
		body.initialMessage !== undefined &&
		body.initialMessage !== null &&
		typeof body.initialMessage !== 'string'
	) {
		v.initialMessage = 'initialMessage must be a string';
	}
	if (body.metadata !== undefined && body.metadata !== null && !isPlainObject(body.metadata)) {
		v.metadata = 'metadata must be an object';
	}
	if (body.assignment !== undefined && body.assignment !== null) {
		if (!isPlainObject(body.assignment))
			v.assignment = 'assignment must be an object { type, target }';
		else {
			if (!ASSIGNMENT_TYPES.includes(body.assignment.type)) {
				v['assignment.type'] = `assignment.type must be one of ${ASSIGNMENT_TYPES.join(', ')}`;
			}
			if (!isNonEmptyString(body.assignment.target))
				v['assignment.target'] = 'assignment.target is required and must be a non-empty string';
		}
	}
	if (Object.keys(v).length) return { answer: validationFailed(v) };
	if (body.botId === 'bot-missing') {
		return {
			answer: apiError(
				404,
				'NOT_FOUND',
				'bot_not_found',
				`Bot "${body.botId}" not found in project "${ctx.projectId}".`,
			),
		};
	}
	const now = new Date().toISOString();
	const known = SEED_USERS[body.userId];
	const conv = {
		_id: `conv-${randomHex(8)}`,
		roomId: `room-${randomHex(8)}`,
		state: 'active',
		startAt: now,
		User: known
			? { ...known }
			: { id: body.userId, names: body.userId, referenceId: body.userId, createdAt: now },
		Bot: SEED_BOTS[body.botId]
			? { ...SEED_BOTS[body.botId] }
			: { id: body.botId, name: body.botId, type: 'Whatsapp' },
	};
	ctx.state.addConversation(conv);
	return {
		answer: jsonAnswer(200, successBody('Conversation started successfully', conv)),
		event: () => conversationEvent(ctx.projectId, 'conversation.start', conv),
	};
}

function closeConversation(ctx, body) {
	const v = {};
	if (!isNonEmptyString(body.botId)) v.botId = 'botId is required and must be a non-empty string';
	if (!isNonEmptyString(body.userId))
		v.userId = 'userId is required and must be a non-empty string';
	const rp = body.redirectPayload;
	if (rp !== undefined && rp !== null) {
		if (!isPlainObject(rp)) v.redirectPayload = 'redirectPayload must be an object { type, text }';
		else {
			if (!REDIRECT_TYPES.includes(rp.type))
				v['redirectPayload.type'] =
					`redirectPayload.type must be one of ${REDIRECT_TYPES.join(', ')}`;
			if (rp.type === 'text' && !isNonEmptyString(rp.text))
				v['redirectPayload.text'] = 'redirectPayload.text is required when type is text';
			else if (rp.text !== undefined && rp.text !== null && typeof rp.text !== 'string')
				v['redirectPayload.text'] = 'redirectPayload.text must be a string';
		}
	}
	if (Object.keys(v).length) return { answer: validationFailed(v) };
	const conv = ctx.state.takeActive(body.botId, body.userId);
	if (!conv) {
		return {
			answer: apiError(
				404,
				'NOT_FOUND',
				'bot_or_user_not_found',
				`Bot or user not found: no active conversation for botId "${body.botId}" and userId "${body.userId}".`,
			),
		};
	}
	const closed = {
		_id: conv._id,
		roomId: conv.roomId,
		state: 'closed',
		startAt: conv.startAt,
		endAt: new Date().toISOString(),
		endedReason: 'closed_by_operator',
		User: conv.User,
		Bot: conv.Bot,
	};
	ctx.state.replaceConversation(closed);
	const message =
		rp && isPlainObject(rp)
			? { type: rp.type, text: typeof rp.text === 'string' ? rp.text : '' }
			: { type: 'text', text: 'The conversation has been closed.' };
	return {
		answer: jsonAnswer(200, successBody('Conversation closed successfully', closed)),
		event: () => conversationEvent(ctx.projectId, 'conversation.close', closed, { message }),
	};
}

/** `leaf` is `start`, `close` or a conversation id; resolves `{ answer, event? }`. */
function routeConversations(ctx, method, pid, leaf, bodyBuf) {
	if (method === 'POST' && (leaf === 'start' || leaf === 'close')) {
		if (pid !== ctx.projectId) return { answer: projectNotFound(pid) };
		const parsed = parseJson(bodyBuf);
		if (parsed.answer) return { answer: parsed.answer };
		return leaf === 'start'
			? startConversation(ctx, parsed.value)
			: closeConversation(ctx, parsed.value);
	}
	if (method !== 'GET')
		return { answer: methodNotAllowed(leaf === 'start' || leaf === 'close' ? ['POST'] : ['GET']) };
	if (pid !== ctx.projectId) return { answer: projectNotFound(pid) };
	return { answer: getConversation(ctx, leaf) };
}

module.exports = { routeConversations };
