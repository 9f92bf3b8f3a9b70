'use strict';

// The data every sandbox starts with: users, bots, three conversations, and the synthetic
// `gen-<digits>` conversations (deterministic, never stored).

const SEED_USERS = {
	'user-001': {
		id: 'user-001',
		names: 'Ana Torres',
		referenceId: 'ext-user-001',
		createdAt: '2025-01-28T20:54:25.572Z',
	},
	'user-002': {
		id: 'user-002',
		names: 'Luis Pérez',
		referenceId: 'ext-user-002',
		createdAt: '2025-02-03T09:12:44.100Z',
	},
	'user-003': {
		id: 'user-003',
		names: 'María Gómez',
		referenceId: 'ext-user-003',
		createdAt: '2025-03-10T14:05:00.000Z',
	},
};

const SEED_BOTS = {
	'bot-001': { id: 'bot-001', name: 'Support Bot', type: 'Whatsapp' },
	'bot-web-001': { id: 'bot-web-001', name: 'Web Assistant', type: 'Web' },
};

const SEEDED_IDS = ['conv-closed-001', 'conv-active-001', 'conv-closed-002'];
// Conversation ids that answer a fixed failure (see routes/conversations.js).
const SPECIAL_IDS = ['conv-http-500', 'conv-html-502', 'conv-bad-json', 'conv-no-data', 'conv-422'];

function seedConversations() {
	return [
		{
			_id: 'conv-closed-001',
			roomId: 'room-closed-001',
			state: 'closed',
			startAt: '2026-01-15T10:30:00.000Z',
			endAt: '2026-01-15T10:45:00.000Z',
			endedReason: 'closed_by_operator',
			User: { ...SEED_USERS['user-001'] },
			Bot: { ...SEED_BOTS['bot-001'] },
		},
		{
			_id: 'conv-active-001',
			roomId: 'room-active-001',
			state: 'active',
			startAt: '2026-01-16T08:00:00.000Z',
			User: { ...SEED_USERS['user-002'] },
			Bot: { ...SEED_BOTS['bot-001'] },
		},
		{
			_id: 'conv-closed-002',
			roomId: 'room-closed-002',
			state: 'closed',
			startAt: '2026-01-14T16:20:00.000Z',
			endAt: '2026-01-14T16:52:30.000Z',
			endedReason: 'closed_by_user',
			User: { ...SEED_USERS['user-003'] },
			Bot: { ...SEED_BOTS['bot-web-001'] },
		},
	];
}

const GEN_ID = /^gen-(\d{1,40})$/;
const GEN_BASE_START = Date.UTC(2026, 0, 1);
const GEN_BASE_USER = Date.UTC(2025, 0, 1);

/** Deterministic synthetic conversation for ids `gen-<digits>`: even = closed, odd = active. */
function generatedConversation(id) {
	const m = GEN_ID.exec(id);
	if (!m) return null;
	const n = BigInt(m[1]);
	const closed = n % 2n === 0n;
	const start = GEN_BASE_START + Number(n % 525600n) * 60000;
	const conv = {
		_id: id,
		roomId: `room-${id}`,
		state: closed ? 'closed' : 'active',
		startAt: new Date(start).toISOString(),
	};
	if (closed) {
		conv.endAt = new Date(start + (5 + Number(n % 55n)) * 60000).toISOString();
		conv.endedReason = n % 4n === 0n ? 'closed_by_operator' : 'closed_by_user';
	}
	conv.User = {
		id: `user-${id}`,
		names: `Generated User ${m[1]}`,
		referenceId: `ref-${id}`,
		createdAt: new Date(GEN_BASE_USER + Number(n % 8760n) * 3600000).toISOString(),
	};
	conv.Bot = { id: 'bot-gen', name: 'Generated Bot', type: n % 5n === 0n ? 'Web' : 'Whatsapp' };
	return conv;
}

module.exports = {
	SEED_USERS,
	SEED_BOTS,
	SEEDED_IDS,
	SPECIAL_IDS,
	seedConversations,
	generatedConversation,
};
