'use strict';

// What the sandbox holds: conversations (seeded, started, closed) and one integration per
// project. Everything here is in memory and goes back to the seed on resetData().

const { isPlainObject, isNonEmptyString, randomHex } = require('./util');
const { seedConversations, generatedConversation } = require('./seed');

const AUTH_TYPES = ['bearer', 'api_key', 'basic', 'no_auth'];

function checkSeedIntegration(spec) {
	if (!isPlainObject(spec)) throw new TypeError('integration must be an object');
	if (!isNonEmptyString(spec.webhookUrl)) throw new TypeError('integration.webhookUrl is required');
	if (spec.authType !== undefined && !AUTH_TYPES.includes(spec.authType)) {
		throw new TypeError(`integration.authType must be one of ${AUTH_TYPES.join(', ')}`);
	}
}

/**
 * @param {string} projectId  the one project the credentials belong to
 * @param {object|undefined} seedIntegration  startSandbox's `integration` option (checked here)
 */
function createState(projectId, seedIntegration) {
	let conversations;
	let activeIndex; // "botId\u0000userId" -> array of conversation ids (creation order)
	// projectId -> integration. Only `projectId` can get one (other projects do not exist), but
	// the state is keyed per project so every endpoint reads the project named in its path.
	const integrations = new Map();

	function activeKey(botId, userId) {
		return `${botId}\u0000${userId}`;
	}

	function indexActive(conv) {
		const key = activeKey(conv.Bot.id, conv.User.id);
		let list = activeIndex.get(key);
		if (!list) activeIndex.set(key, (list = []));
		list.push(conv._id);
	}

	function makeIntegration(spec, existing) {
		const now = new Date().toISOString();
		return {
			id: (existing && existing.id) || spec.id || `integration-${randomHex(6)}`,
			brainId: (existing && existing.brainId) || spec.brainId || `brain-${projectId}`,
			webhookUrl: spec.webhookUrl,
			authType: spec.authType || 'no_auth',
			authorization:
				spec.authorization === undefined || spec.authorization === null
					? ''
					: String(spec.authorization),
			signingSecret: isNonEmptyString(spec.signingSecret) ? spec.signingSecret : randomHex(32),
			createdAt: (existing && existing.createdAt) || now,
			updatedAt: now,
		};
	}

	function resetData() {
		conversations = new Map();
		activeIndex = new Map();
		for (const conv of seedConversations()) {
			conversations.set(conv._id, conv);
			if (conv.state === 'active') indexActive(conv);
		}
		integrations.clear();
		if (seedIntegration) {
			checkSeedIntegration(seedIntegration);
			integrations.set(projectId, makeIntegration(seedIntegration, null));
		}
	}
	resetData();

	return {
		projectId,

		/** Every stored conversation (seeded and started; not the synthetic gen-<n> ones). */
		allConversations() {
			return [...conversations.values()];
		},

		findConversation(id) {
			return conversations.get(id) || generatedConversation(id);
		},

		addConversation(conv) {
			conversations.set(conv._id, conv);
			if (conv.state === 'active') indexActive(conv);
		},

		/** Newest active conversation of that bot and user, taken out of the active index; or null. */
		takeActive(botId, userId) {
			const key = activeKey(botId, userId);
			const list = activeIndex.get(key);
			let conv = null;
			while (list && list.length && !conv) {
				const candidate = conversations.get(list.pop());
				if (candidate && candidate.state === 'active') conv = candidate;
			}
			if (list && list.length === 0) activeIndex.delete(key);
			return conv;
		},

		replaceConversation(conv) {
			conversations.set(conv._id, conv);
		},

		/** The stored integration of a project (with its secret and authorization), or null. */
		integrationOf(pid) {
			return integrations.get(pid) || null;
		},

		/** Create (or replace, keeping id, brainId and createdAt) with a new signing secret unless one is given. */
		putIntegration(pid, spec) {
			const integ = makeIntegration(spec, integrations.get(pid) || null);
			integrations.set(pid, integ);
			return integ;
		},

		/** Only the fields given change; the signing secret never does. */
		patchIntegration(pid, changes) {
			const integ = integrations.get(pid);
			if (!integ) return null;
			for (const key of ['webhookUrl', 'authType', 'authorization']) {
				if (changes[key] !== undefined)
					integ[key] = key === 'authorization' ? String(changes[key]) : changes[key];
			}
			integ.updatedAt = new Date().toISOString();
			return integ;
		},

		deleteIntegration(pid) {
			return integrations.delete(pid);
		},

		/** Seed from a test or the control route (a known secret is allowed); replaces any existing one. */
		seedIntegration(spec) {
			checkSeedIntegration(spec);
			const integ = makeIntegration(spec, null);
			integrations.set(projectId, integ);
			return integ;
		},

		resetData,
	};
}

/** The integration as Jelou's envelope answers carry it (`data`) for Get and Create: no id. */
function envelopeIntegration(integ) {
	return {
		brainId: integ.brainId,
		webhookUrl: integ.webhookUrl,
		authType: integ.authType,
		createdAt: integ.createdAt,
		updatedAt: integ.updatedAt,
	};
}

/**
 * The bare object of the docs' API-reference samples:
 * `{ id, brainId, webhookUrl, authType, signingSecret?, createdAt, updatedAt? }`.
 */
function bareIntegration(integ, { signingSecret = false, updatedAt = true } = {}) {
	const out = {
		id: integ.id,
		brainId: integ.brainId,
		webhookUrl: integ.webhookUrl,
		authType: integ.authType,
	};
	if (signingSecret) out.signingSecret = integ.signingSecret;
	out.createdAt = integ.createdAt;
	if (updatedAt) out.updatedAt = integ.updatedAt;
	return out;
}

/** What tests see (sb.integration, GET /__sandbox/integration): includes the signing secret. */
function sandboxIntegrationView(integ) {
	return { ...envelopeIntegration(integ), id: integ.id, signingSecret: integ.signingSecret };
}

module.exports = {
	AUTH_TYPES,
	createState,
	checkSeedIntegration,
	envelopeIntegration,
	bareIntegration,
	sandboxIntegrationView,
};
