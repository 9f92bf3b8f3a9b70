'use strict';

// The API router: /jelouapi/v1/external-support/... (authenticated), the messaging host's
// /v1/external-support/webhook, the API host's /v1/external/messages/history/{botId}, and the
// media files of message events (/media/<name>).
// Resolves `{ answer, event? }`.

const { apiError, routeNotFound, methodNotAllowed } = require('../lib/answers');
const { authenticate, unauthorized } = require('./auth');
const { routeIntegration } = require('./integration');
const { routeConversations } = require('./conversations');
const { sendMessage } = require('./messaging');
const { routeMedia } = require('./media');
const { getHistory } = require('./history');

/** `/v1/external/messages/history/{botId}`: the chat history on Jelou's API host. */
function isHistoryPath(raw) {
	return (
		raw.length === 6 &&
		raw[1] === 'v1' &&
		raw[2] === 'external' &&
		raw[3] === 'messages' &&
		raw[4] === 'history' &&
		raw[5] !== ''
	);
}

/** `entry` is the request-log record: its `auth` is set here. */
function routeApi(ctx, req, entry, rawPath, bodyBuf) {
	const raw = rawPath.split('/');
	// raw[0] is '' (path starts with '/')
	if (raw[1] === 'jelouapi' && raw[2] === 'v1') {
		const kind = authenticate(ctx.opts, req.headers);
		entry.auth = kind;
		if (kind === 'none' || kind === 'invalid') return { answer: unauthorized(kind) };
		let seg;
		try {
			seg = raw.slice(3).map((s) => decodeURIComponent(s));
		} catch {
			return {
				answer: apiError(
					400,
					'BAD_REQUEST',
					'malformed_path',
					'The request path contains a malformed percent-encoding.',
				),
			};
		}
		return routeJelou(ctx, req.method, seg, bodyBuf);
	}
	if (isHistoryPath(raw)) {
		entry.auth = authenticate(ctx.opts, req.headers);
		let botId;
		try {
			botId = decodeURIComponent(raw[5]);
		} catch {
			return { answer: routeNotFound(req.method) };
		}
		const query = new URL(req.url || '/', 'http://sandbox.invalid').searchParams;
		return { answer: getHistory(ctx, req, botId, query) };
	}
	if (
		raw.length === 4 &&
		raw[1] === 'v1' &&
		raw[2] === 'external-support' &&
		raw[3] === 'webhook'
	) {
		if (req.method !== 'POST') return { answer: methodNotAllowed(['POST']) };
		return { answer: sendMessage(ctx, req.headers, bodyBuf) };
	}
	if (raw.length === 3 && raw[1] === 'media') return { answer: routeMedia(req.method, raw[2]) };
	return { answer: routeNotFound(req.method) };
}

function routeJelou(ctx, method, seg, bodyBuf) {
	if (
		seg[0] !== 'external-support' ||
		(seg.length !== 2 && seg.length !== 4) ||
		(seg.length === 4 && seg[2] !== 'conversations')
	) {
		return { answer: routeNotFound(method) };
	}
	const pid = seg[1];
	if (seg.length === 2) return routeIntegration(ctx, method, pid, bodyBuf);
	return routeConversations(ctx, method, pid, seg[3], bodyBuf);
}

module.exports = { routeApi };
