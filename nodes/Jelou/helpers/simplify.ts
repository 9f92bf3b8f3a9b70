import type { IDataObject } from 'n8n-workflow';

import type { JelouConversation, SimplifiedConversation } from '../types';
import { textOf } from '../../../shared/text';

/** Text for the flat record: null (not absent) for what is missing, so every key is present. */
function text(value: unknown): string | null {
	return textOf(value) ?? null;
}

/** Whole seconds from start to end; null while the conversation is active or dates are unusable. */
export function durationSeconds(startAt: unknown, endAt: unknown): number | null {
	if (typeof startAt !== 'string' || typeof endAt !== 'string') return null;
	const start = Date.parse(startAt);
	const end = Date.parse(endAt);
	if (Number.isNaN(start) || Number.isNaN(end) || end < start) return null;
	return Math.floor((end - start) / 1000);
}

/** The flat record the Simplify option returns: one level, stable keys, null for what is missing. */
export function simplifyConversation(conversation: JelouConversation): SimplifiedConversation {
	const closed = conversation.state === 'closed';
	const user = conversation.User ?? {};
	const bot = conversation.Bot ?? {};
	return {
		conversationId: text(conversation._id),
		roomId: text(conversation.roomId),
		state: text(conversation.state),
		startAt: text(conversation.startAt),
		endAt: closed ? text(conversation.endAt) : null,
		endedReason: closed ? text(conversation.endedReason) : null,
		durationSeconds: closed ? durationSeconds(conversation.startAt, conversation.endAt) : null,
		userId: text(user.id),
		userName: text(user.names),
		userReferenceId: text(user.referenceId),
		botId: text(bot.id),
		botName: text(bot.name),
		channel: text(bot.type),
	};
}

/**
 * The integration as output: without `authorization`, the webhook secret the user typed, should
 * Jelou ever echo it (Create and Update).
 */
export function withoutWebhookSecret(integration: IDataObject): IDataObject {
	const output: IDataObject = { ...integration };
	delete output.authorization;
	return output;
}

/**
 * The keys of version 2's "Simplified" output, most used first: at most ten, as n8n's guidelines
 * ask of a simplified output (a model reads every field it is given). The others stay available
 * through "Selected Fields".
 */
export const SIMPLIFIED_KEYS = [
	'conversationId',
	'state',
	'endedReason',
	'roomId',
	'botId',
	'userId',
	'userName',
	'channel',
	'startAt',
	'endAt',
] as const;

/**
 * The given keys of the flat record, in the order given, the conversation's ID first whether
 * asked for or not; keys the record does not have are left out.
 */
export function pickFields(record: SimplifiedConversation, keys: readonly string[]): IDataObject {
	const picked: IDataObject = { conversationId: record.conversationId };
	for (const key of keys) if (key in record) picked[key] = record[key];
	return picked;
}
