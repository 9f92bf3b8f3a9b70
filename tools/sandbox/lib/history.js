'use strict';

// The chat history the sandbox serves (GET /v1/external/messages/history/{botId}), built from
// what it already knows: a scripted exchange for each conversation it holds (seeded or started),
// the messages sent to end users through Send message, and a long run of messages for one
// end user (`user-bulk`) so that paging has several pages. Records have Jelou's documented shape
// plus the internal `conversationId` (for the messageId filter), dropped before answering.

const BULK_USER = { id: 'user-bulk', names: 'Bulk Tester' };
const BULK_COUNT = 120;
const BULK_START = Date.UTC(2026, 0, 20, 9, 0, 0);
const OPERATOR = { id: 'operator-001', name: 'Carla (support)', type: 'operator' };

/** The scripted exchange of the seeded conv-closed-001: text, an image, an operator. */
const SCRIPTS = {
	'conv-closed-001': [
		[0, 'user', 'TEXT', 'Hola, me cobraron dos veces la factura de enero'],
		[5, 'bot', 'TEXT', 'Hola Ana, te comunico con un agente.'],
		[70, 'operator', 'TEXT', 'Hola Ana, soy Carla. Ya veo el cobro duplicado.'],
		[
			120,
			'user',
			'IMAGE',
			'Este es el comprobante',
			'https://storage.example.com/media/receipt-001.jpg',
		],
		[600, 'operator', 'TEXT', 'Listo, anulamos el segundo cobro.'],
		[870, 'user', 'TEXT', '¡Gracias!'],
	],
};

/** A short exchange for any other conversation: greeting, answer and, when closed, a goodbye. */
function genericScript(conv) {
	const lines = [
		[0, 'user', 'TEXT', 'Hola, necesito ayuda'],
		[5, 'bot', 'TEXT', `Hola ${(conv.User && conv.User.names) || ''}, ¿en qué te ayudo?`.trim()],
	];
	if (conv.endAt) {
		const seconds = Math.max(10, (Date.parse(conv.endAt) - Date.parse(conv.startAt)) / 1000 - 10);
		lines.push([seconds, 'operator', 'TEXT', 'Gracias por escribirnos. ¡Hasta pronto!']);
	}
	return lines;
}

/**
 * One message of the history, in the documented result shape.
 * @param {{ conversationId: string, bot: any, user: { id: string, names: string }, by: string,
 *   index: number, at: number, type: string, text?: string, mediaUrl?: string }} message
 */
function record({ conversationId, bot, user, by, index, at, type, text, mediaUrl }) {
	const fromUser = by === 'user';
	const botSender = { id: bot.id, name: bot.name, type: bot.type };
	const bubble = { type };
	if (text !== undefined) bubble.text = text;
	if (mediaUrl) bubble.mediaUrl = mediaUrl;
	return {
		recipient: fromUser ? { id: bot.id, names: bot.name } : { id: user.id, names: user.names },
		sender: fromUser
			? { id: user.id, name: user.names, type: bot.type }
			: by === 'operator'
				? { ...OPERATOR }
				: botSender,
		by,
		messageId: `msg-${conversationId}-${index}`,
		status: fromUser ? 'RECEIVED' : 'DELIVERED_USER',
		bubble,
		createdAt: new Date(at).toISOString(),
		conversationId,
		botId: bot.id,
		userId: user.id,
	};
}

function conversationMessages(conv) {
	const script = SCRIPTS[conv._id] || genericScript(conv);
	const start = Date.parse(conv.startAt);
	return script.map(([seconds, by, type, text, mediaUrl], index) =>
		record({
			conversationId: conv._id,
			bot: conv.Bot,
			user: conv.User,
			by,
			index,
			at: start + seconds * 1000,
			type,
			text,
			mediaUrl,
		}),
	);
}

function sentMessageRecord(sent, index, bots) {
	const bot = bots.get(sent.bot_id) || { id: sent.bot_id, name: sent.bot_id, type: 'Whatsapp' };
	const value = sent.value || {};
	const content = value.content || {};
	return {
		...record({
			conversationId: `room:${sent.room_id}`,
			bot,
			user: { id: sent.user_id, names: sent.user_id },
			by: 'operator',
			index,
			at: sent.at,
			type: String(value.type || 'text').toUpperCase(),
			text: content.body !== undefined ? content.body : content.caption,
			mediaUrl: content.url,
		}),
		messageId: String(value.id || `sent-${index}`),
	};
}

function bulkMessages(bot) {
	const messages = [];
	for (let i = 0; i < BULK_COUNT; i++) {
		messages.push(
			record({
				conversationId: 'conv-bulk',
				bot,
				user: BULK_USER,
				by: i % 2 === 0 ? 'user' : 'bot',
				index: i + 1,
				at: BULK_START + i * 60000,
				type: 'TEXT',
				text: `Bulk message ${i + 1}`,
			}),
		);
	}
	return messages;
}

/**
 * Every message the sandbox knows, by bot id (newest first, as Jelou answers), and the set of
 * bots it knows. `conversations` are the state's conversations, `sent` the Send message log.
 */
function historyOf(conversations, sent, seedBots) {
	const bots = new Map(Object.values(seedBots).map((bot) => [bot.id, bot]));
	for (const conv of conversations) if (conv.Bot && conv.Bot.id) bots.set(conv.Bot.id, conv.Bot);
	const all = [];
	for (const conv of conversations) all.push(...conversationMessages(conv));
	sent.forEach((message, index) => all.push(sentMessageRecord(message, index, bots)));
	all.push(...bulkMessages(bots.get('bot-001')));
	all.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
	return { bots, messages: all };
}

module.exports = { historyOf, BULK_USER, BULK_COUNT };
