import type { IDataObject } from 'n8n-workflow';

import { textOf } from '../../../shared/text';

/**
 * Jelou's webhook events and the item the trigger outputs for them. Field names come from Jelou's
 * docs where confirmed (`event`/`event_type`, `timestamp`, `project_id`, `room_id`, `contact`,
 * `conversation.id`, `bot`, `value`); the close event's reason and closing message fields are only
 * described in prose ("the close reason and the message sent to the user"), so their names here
 * (`reason`, `message`) are inferred and several spellings are read.
 */

export const ALL_EVENTS = '*';

export const EVENT_CONVERSATION_START = 'conversation.start';
export const EVENT_CONVERSATION_CLOSE = 'conversation.close';
/** The end user wrote: this event carries `event_type: "message"` instead of `event`. */
export const EVENT_MESSAGE = 'message';

/** How far in the future an event's timestamp may be (clock skew between Jelou and n8n). */
export const MAX_CLOCK_SKEW_MS = 60_000;

/** Timestamps below this are read as Unix seconds rather than milliseconds (1e11 ms is 1973). */
const SECONDS_THRESHOLD = 1e11;

type Dict = Record<string, unknown>;

function isDict(value: unknown): value is Dict {
	return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function firstText(...values: unknown[]): string | undefined {
	for (const value of values) {
		const found = textOf(value);
		if (found !== undefined) return found;
	}
	return undefined;
}

/** The event's name: `event` for conversation events, `event_type` for user messages. */
export function eventNameOf(body: Dict): string | undefined {
	return firstText(body.event, body.event_type, body.eventType);
}

/** Whether the trigger's Events selection includes this event. An empty selection means all. */
export function isSelected(name: string | undefined, selected: string[]): boolean {
	if (selected.length === 0 || selected.includes(ALL_EVENTS)) return true;
	return name !== undefined && selected.includes(name);
}

export type EventTime = { kind: 'absent' } | { kind: 'invalid' } | { kind: 'valid'; ms: number };

/**
 * The event's `timestamp`, documented as Unix milliseconds. Read defensively: a numeric string is
 * accepted, a number small enough to be seconds is scaled, and an ISO date string is parsed.
 */
export function eventTime(body: Dict): EventTime {
	const raw = body.timestamp;
	if (raw === undefined || raw === null || raw === '') return { kind: 'absent' };
	let ms: number;
	if (typeof raw === 'number') ms = raw;
	else if (typeof raw === 'string' && /^\d+(\.\d+)?$/.test(raw.trim())) ms = Number(raw.trim());
	else if (typeof raw === 'string') ms = Date.parse(raw);
	else return { kind: 'invalid' };
	if (!Number.isFinite(ms) || ms <= 0) return { kind: 'invalid' };
	if (ms < SECONDS_THRESHOLD) ms *= 1000;
	// Date cannot represent times beyond ±8.64e15 ms.
	if (ms > 8.64e15) return { kind: 'invalid' };
	return { kind: 'valid', ms };
}

export type FreshnessProblem = 'tooOld' | 'inFuture' | 'invalid';

/**
 * Replay protection. An event older than `maxAgeSeconds` or more than a minute ahead of this
 * clock is refused; `maxAgeSeconds` 0 turns the check off. Events without a timestamp pass, since
 * Jelou documents the field only for some events.
 */
export function checkFreshness(
	body: Dict,
	maxAgeSeconds: number,
	now: number,
): FreshnessProblem | undefined {
	if (!(maxAgeSeconds > 0)) return undefined;
	const time = eventTime(body);
	if (time.kind === 'absent') return undefined;
	if (time.kind === 'invalid') return 'invalid';
	if (time.ms > now + MAX_CLOCK_SKEW_MS) return 'inFuture';
	if (now - time.ms > maxAgeSeconds * 1000) return 'tooOld';
	return undefined;
}

/** The conversation id: `conversation.id` (confirmed on messages), then other likely spellings. */
function conversationId(body: Dict): string | undefined {
	const conversation = body.conversation;
	if (isDict(conversation)) {
		const id = firstText(conversation.id, conversation._id);
		if (id !== undefined) return id;
	}
	return firstText(
		typeof conversation === 'string' ? conversation : undefined,
		body.conversation_id,
		body.conversationId,
	);
}

/** `{ id, names }`, the shape Get Conversation uses for `User`, from the event's `contact`. */
function userOf(body: Dict): IDataObject | undefined {
	const contact = isDict(body.contact) ? body.contact : isDict(body.user) ? body.user : undefined;
	if (!contact) return undefined;
	const user: IDataObject = {};
	const id = firstText(contact.id, contact._id);
	const names = firstText(contact.name, contact.names);
	if (id !== undefined) user.id = id;
	if (names !== undefined) user.names = names;
	return Object.keys(user).length > 0 ? user : undefined;
}

/** `{ id, name }`, the shape Get Conversation uses for `Bot`. */
function botOf(body: Dict): IDataObject | undefined {
	if (!isDict(body.bot)) return undefined;
	const bot: IDataObject = {};
	const id = firstText(body.bot.id, body.bot._id);
	const name = firstText(body.bot.name);
	if (id !== undefined) bot.id = id;
	if (name !== undefined) bot.name = name;
	return Object.keys(bot).length > 0 ? bot : undefined;
}

/** A message object (or text) as given; empty values count as absent. */
function messageValue(value: unknown): IDataObject | string | undefined {
	if (isDict(value)) return value as IDataObject;
	return textOf(value);
}

/**
 * The output item: the fields of Get Conversation that the event carries (`_id`, `roomId`,
 * `state`, `endedReason`, `User`, `Bot`), the event itself, and the whole body as `payload`.
 * Fields the event does not carry are left out rather than guessed. `state` is derived from the
 * event: a start or a user message means the conversation is active, a close that it is closed.
 */
export function toOutputItem(body: Dict): IDataObject {
	const item: IDataObject = {};
	const name = eventNameOf(body);
	const set = (key: string, value: unknown) => {
		if (value !== undefined) item[key] = value as IDataObject[string];
	};

	set('event', name);
	const time = eventTime(body);
	if (time.kind === 'valid') item.timestamp = new Date(time.ms).toISOString();
	set('projectId', firstText(body.project_id, body.projectId));
	set('_id', conversationId(body));
	set('roomId', firstText(body.room_id, body.roomId));
	if (name === EVENT_CONVERSATION_START || name === EVENT_MESSAGE) item.state = 'active';
	if (name === EVENT_CONVERSATION_CLOSE) {
		item.state = 'closed';
		set(
			'endedReason',
			firstText(body.reason, body.endedReason, body.ended_reason, body.close_reason),
		);
	}
	set('User', userOf(body));
	set('Bot', botOf(body));
	if (name === EVENT_MESSAGE) set('message', messageValue(body.value));
	if (name === EVENT_CONVERSATION_CLOSE) {
		set(
			'closingMessage',
			messageValue(body.message ?? body.closingMessage ?? body.closing_message),
		);
	}
	item.payload = body as IDataObject;
	return item;
}
