'use strict';

// POST /v1/external-support/webhook (the messaging host): Send message to the end user.
// Authenticated only by X-Jelou-Signature, the HMAC-SHA256 of the raw body with the
// integration's signing secret.

const crypto = require('node:crypto');
const { isPlainObject, isNonEmptyString, isHttpsUrl, hmacHex, pushCapped } = require('../lib/util');
const { jsonAnswer, successBody, apiError, validationFailed } = require('../lib/answers');
const { MAX_SIDE_LOG } = require('../lib/webhooks');
const { parseJson } = require('./body');

const MESSAGE_TYPES = ['text', 'image', 'video', 'audio', 'document'];
const MEDIA_OPTIONAL_FIELDS = {
	image: ['caption'],
	video: ['caption'],
	audio: [],
	document: ['filename'],
};

function validateOutgoingMessage(body) {
	const v = {};
	if (body.field !== 'messages') v.field = 'field must be "messages"';
	if (body.object !== 'message_event') v.object = 'object must be "message_event"';
	if (body.event_type !== 'incoming_message')
		v.event_type = 'event_type must be "incoming_message"';
	for (const f of ['room_id', 'bot_id', 'user_id']) {
		if (!isNonEmptyString(body[f])) v[f] = `${f} is required and must be a non-empty string`;
	}
	const value = body.value;
	if (!isPlainObject(value)) {
		v.value = 'value must be an object { id, type, content }';
		return v;
	}
	if (!isNonEmptyString(value.id))
		v['value.id'] = 'value.id is required and must be a non-empty string';
	if (!MESSAGE_TYPES.includes(value.type)) {
		v['value.type'] = `value.type must be one of ${MESSAGE_TYPES.join(', ')}`;
		return v;
	}
	const c = value.content;
	if (!isPlainObject(c)) {
		v['value.content'] = 'value.content must be an object';
		return v;
	}
	if (value.type === 'text') {
		if (!isNonEmptyString(c.body))
			v['value.content.body'] = 'value.content.body is required for text messages';
		return v;
	}
	if (!isHttpsUrl(c.url)) v['value.content.url'] = 'value.content.url must be an https:// URL';
	if (!isNonEmptyString(c.mime_type))
		v['value.content.mime_type'] = 'value.content.mime_type is required for media messages';
	for (const f of MEDIA_OPTIONAL_FIELDS[value.type]) {
		if (c[f] !== undefined && c[f] !== null && typeof c[f] !== 'string')
			v[`value.content.${f}`] = `value.content.${f} must be a string`;
	}
	return v;
}

/**
 * Order of checks: no signature 401, bad JSON 400, no project_id 422, no integration for that
 * project 404, wrong signature 401, invalid body 422, else 200 and the message is kept.
 */
function sendMessage(ctx, headers, bodyBuf) {
	const sigHeader = headers['x-jelou-signature'];
	if (!isNonEmptyString(sigHeader)) {
		return apiError(
			401,
			'UNAUTHORIZED',
			'missing_signature',
			'Missing X-Jelou-Signature header (sha256=<hex HMAC-SHA256 of the raw body with the signing secret>).',
		);
	}
	const parsed = parseJson(bodyBuf);
	if (parsed.answer) return parsed.answer;
	const body = parsed.value;
	if (!isNonEmptyString(body.project_id))
		return validationFailed({ project_id: 'project_id is required' });
	const integ = ctx.state.integrationOf(body.project_id);
	if (!integ) {
		return apiError(
			404,
			'NOT_FOUND',
			'integration_not_found',
			`No integration found for project "${body.project_id}".`,
		);
	}
	const m = /^sha256=([0-9a-fA-F]+)$/.exec(sigHeader.trim());
	const expected = Buffer.from(hmacHex(integ.signingSecret, bodyBuf), 'utf8');
	const given = m ? Buffer.from(m[1].toLowerCase(), 'utf8') : null;
	if (!given || given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
		return apiError(
			401,
			'UNAUTHORIZED',
			'invalid_signature',
			'Invalid X-Jelou-Signature: it does not match the HMAC-SHA256 of the body with the integration signing secret.',
		);
	}
	const v = validateOutgoingMessage(body);
	if (Object.keys(v).length) return validationFailed(v);
	pushCapped(
		ctx.sentMessages,
		{
			at: Date.now(),
			project_id: body.project_id,
			room_id: body.room_id,
			bot_id: body.bot_id,
			user_id: body.user_id,
			value: body.value,
		},
		MAX_SIDE_LOG,
	);
	return jsonAnswer(200, successBody('Message sent', { id: body.value.id }));
}

module.exports = { sendMessage };
