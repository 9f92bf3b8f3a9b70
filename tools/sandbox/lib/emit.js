'use strict';

// sb.emit() and POST /__sandbox/emit: send one webhook event now, to the project's integration
// (signed with its secret) or to a given URL; `signingSecret` forges, `timestamp` replays,
// `media` sends a media message whose file this sandbox serves.

const { isPlainObject, isNonEmptyString, httpError } = require('./util');
const { EMIT_EVENTS, conversationEvent, messageEvent } = require('./events');
const { integrationTarget } = require('./webhooks');
const { MEDIA_MESSAGES, mediaValue } = require('./media');

/** Resolves `{ status, body, sentPayload, sentBody, signature, url, error, deliveryId }`. */
async function emit(ctx, input = {}) {
	if (!isPlainObject(input)) throw httpError(400, 'body must be a JSON object');
	const event = input.event === undefined ? 'message' : input.event;
	if (!EMIT_EVENTS.includes(event))
		throw httpError(400, `event must be one of ${EMIT_EVENTS.join(', ')}`);
	const conversationId =
		input.conversationId !== undefined
			? input.conversationId
			: event === 'conversation.close'
				? 'conv-closed-001'
				: 'conv-active-001';
	if (typeof conversationId !== 'string') throw httpError(400, 'conversationId must be a string');
	const conv = ctx.state.findConversation(conversationId);
	if (!conv) throw httpError(404, `conversation "${conversationId}" not found`);
	const integ = ctx.state.integrationOf(ctx.projectId);
	if (input.webhookUrl === undefined && !integ) {
		throw httpError(
			409,
			'no integration exists: create one (POST /jelouapi/v1/external-support/{projectId}) or pass webhookUrl',
		);
	}
	if (input.webhookUrl !== undefined && !isNonEmptyString(input.webhookUrl))
		throw httpError(400, 'webhookUrl must be a string');
	if (
		input.signingSecret !== undefined &&
		input.signingSecret !== null &&
		typeof input.signingSecret !== 'string'
	) {
		throw httpError(400, 'signingSecret must be a string');
	}
	if (
		input.timestamp !== undefined &&
		(typeof input.timestamp !== 'number' || !Number.isFinite(input.timestamp))
	) {
		throw httpError(400, 'timestamp must be a number (Unix ms)');
	}
	if (input.media !== undefined && !Object.keys(MEDIA_MESSAGES).includes(input.media))
		throw httpError(400, `media must be one of ${Object.keys(MEDIA_MESSAGES).join(', ')}`);
	// `media`: a message whose file this sandbox serves (GET /media/<name>).
	const value = input.media !== undefined ? mediaValue(ctx.sb.url, input.media) : input.value;
	const extra = { timestamp: input.timestamp, text: input.text, value };
	let payload;
	if (event === 'message') payload = messageEvent(ctx.projectId, conv, extra);
	else if (event === 'conversation.start')
		payload = conversationEvent(ctx.projectId, event, conv, extra);
	else {
		payload = conversationEvent(ctx.projectId, event, conv, {
			...extra,
			message: {
				type: 'text',
				text: typeof input.text === 'string' ? input.text : 'The conversation has been closed.',
			},
		});
	}
	const target = integ
		? integrationTarget(integ, 'emit')
		: {
				url: input.webhookUrl,
				signingSecret: null,
				authType: 'no_auth',
				authorization: '',
				source: 'emit',
			};
	if (input.webhookUrl !== undefined) target.url = input.webhookUrl;
	if (input.signingSecret !== undefined) target.signingSecret = input.signingSecret;
	const record = await ctx.sender.deliver(event, payload, target);
	return {
		status: record.status,
		body: record.responseBody,
		sentPayload: payload,
		sentBody: record.payload,
		signature: record.signature,
		url: record.url,
		error: record.error,
		deliveryId: record.id,
	};
}

module.exports = { emit };
