'use strict';

// GET /v1/external/messages/history/{botId} (Jelou's API host): the chat history, with the
// documented paging (`limit` at most 50, `page`, `pagination.totalPages`), filters (`clientId`,
// `startAt`, `endAt`, `messageId`), Basic authentication only (the page documents no other
// scheme), the documented 401 `{ message }` and 404 `BOT_NOT_FOUND`.

const { jsonAnswer, methodNotAllowed } = require('../lib/answers');
const { SEED_BOTS } = require('../lib/seed');
const { historyOf } = require('../lib/history');
const { authenticate } = require('./auth');

const DEFAULT_LIMIT = 10;
const MAX_LIMIT = 50;

function notFound() {
	return jsonAnswer(404, {
		message: ['The Bot could not be found at the moment.'],
		statusMessage: 'failed',
		status: 0,
		error: {
			code: 'E1019',
			key: 'BOT_NOT_FOUND',
			description: 'The bot does not exist or does not belong to this company.',
			developerMessages: {},
		},
	});
}

function badQuery(field, problem) {
	return jsonAnswer(400, {
		message: [`Invalid query parameter ${field}: ${problem}`],
		statusMessage: 'failed',
		status: 0,
		error: { code: 'E0400', key: 'INVALID_QUERY', description: `${field} ${problem}` },
		validationError: { [field]: problem },
	});
}

/** A whole number query parameter; `fallback` when absent, an answer when invalid. */
function integerParam(query, name, fallback, max) {
	const raw = query.get(name);
	if (raw === null || raw === '') return { value: fallback };
	const value = Number(raw);
	if (!/^\d+$/.test(raw) || value < 1)
		return { answer: badQuery(name, 'must be a whole number of at least 1') };
	if (max !== undefined && value > max) return { answer: badQuery(name, `must be at most ${max}`) };
	return { value };
}

function dateParam(query, name) {
	const raw = query.get(name);
	if (raw === null || raw === '') return { value: undefined };
	const ms = Date.parse(raw);
	if (Number.isNaN(ms)) return { answer: badQuery(name, 'must be an ISO 8601 date') };
	return { value: ms };
}

/** Every known conversation and every sent message, through the state's enumerations. */
function knownHistory(ctx) {
	return historyOf(ctx.state.allConversations(), ctx.sentMessages, SEED_BOTS);
}

function filterMessages(messages, botId, filters) {
	let picked = messages.filter((m) => m.botId === botId);
	if (filters.clientId) picked = picked.filter((m) => m.userId === filters.clientId);
	if (filters.startAt !== undefined)
		picked = picked.filter((m) => Date.parse(m.createdAt) >= filters.startAt);
	if (filters.endAt !== undefined)
		picked = picked.filter((m) => Date.parse(m.createdAt) <= filters.endAt);
	if (filters.messageId) {
		const holder = picked.find((m) => m.messageId === filters.messageId);
		picked = holder ? picked.filter((m) => m.conversationId === holder.conversationId) : [];
	}
	return picked;
}

/** Jelou's record only: the sandbox's own keys are not part of the documented shape. */
function publicRecord({ conversationId, botId, userId, ...message }) {
	return message;
}

function getHistory(ctx, req, botId, query) {
	if (req.method !== 'GET') return methodNotAllowed(['GET']);
	if (authenticate(ctx.opts, { authorization: req.headers.authorization }) !== 'basic') {
		return jsonAnswer(401, { message: 'Authentication failed' });
	}
	const { bots, messages } = knownHistory(ctx);
	if (!bots.has(botId)) return notFound();
	const limit = integerParam(query, 'limit', DEFAULT_LIMIT, MAX_LIMIT);
	const page = integerParam(query, 'page', 1);
	const startAt = dateParam(query, 'startAt');
	const endAt = dateParam(query, 'endAt');
	for (const parsed of [limit, page, startAt, endAt]) if (parsed.answer) return parsed.answer;

	const picked = filterMessages(messages, botId, {
		clientId: query.get('clientId'),
		messageId: query.get('messageId'),
		startAt: startAt.value,
		endAt: endAt.value,
	});
	const offset = (page.value - 1) * limit.value;
	return jsonAnswer(200, {
		pagination: {
			limit: limit.value,
			page: page.value,
			total: picked.length,
			offset,
			totalPages: Math.ceil(picked.length / limit.value),
		},
		_metadata: {},
		results: picked.slice(offset, offset + limit.value).map(publicRecord),
	});
}

module.exports = { getHistory, MAX_LIMIT };
