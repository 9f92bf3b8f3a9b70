import type { IDataObject } from 'n8n-workflow';

import type { HistoryMessage } from './history';

/** A history message as one flat record (the Simplify option). */
export interface SimpleMessage extends IDataObject {
	time: string | null;
	/** `incoming` (from the end user), `outgoing` (bot or agent to the end user) or `unknown`. */
	direction: 'incoming' | 'outgoing' | 'unknown';
	sender: string;
	/** Lower case, e.g. `text`, `image` (Jelou writes `TEXT` in its sample). */
	type: string;
	text: string;
	mediaUrl: string | null;
	messageId: string | null;
}

/**
 * Values of `by` that mean the end user wrote the message. The docs list only `bot`; these are
 * our guess at the others (inferred), and anything else that is set counts as our side.
 */
const END_USER_AUTHORS = new Set(['user', 'client', 'contact', 'customer', 'end_user', 'enduser']);

function text(value: unknown): string {
	return typeof value === 'string' ? value.trim() : '';
}

function direction(message: HistoryMessage): SimpleMessage['direction'] {
	const by = text(message.by).toLowerCase();
	if (by === '') return 'unknown';
	return END_USER_AUTHORS.has(by) ? 'incoming' : 'outgoing';
}

function senderName(message: HistoryMessage): string {
	const sender = message.sender ?? {};
	return (
		text(sender.name) || text(sender.names) || text(sender.id) || text(message.by) || 'unknown'
	);
}

export function simplifyMessage(message: HistoryMessage): SimpleMessage {
	const bubble = message.bubble && typeof message.bubble === 'object' ? message.bubble : {};
	return {
		time: text(message.createdAt) || null,
		direction: direction(message),
		sender: senderName(message),
		type: text(bubble.type).toLowerCase() || 'unknown',
		text: text(bubble.text) || text(bubble.caption),
		mediaUrl: text(bubble.mediaUrl) || null,
		messageId: text(message.messageId) || null,
	};
}

/** "2025-01-15 10:30:00 UTC" from an ISO date; the text as Jelou sent it when it is no date. */
function lineTime(time: string | null): string {
	if (!time) return '(no time)';
	const ms = Date.parse(time);
	if (Number.isNaN(ms)) return time;
	return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** One transcript line: time, who, then the text, or "[image] url" (with the caption after it). */
function transcriptLine(message: SimpleMessage): string {
	let said = message.text;
	if (message.type !== 'text' && message.mediaUrl) {
		said = `[${message.type}] ${message.mediaUrl}${said ? ` ${said}` : ''}`;
	} else if (said === '' && message.type !== 'text') {
		said = `[${message.type}]`;
	}
	// A message's own line breaks would split it over several transcript lines.
	return `${lineTime(message.time)} ${message.sender}: ${said.replace(/\s*\n\s*/g, ' ')}`;
}

/**
 * The messages in time order (oldest first, whatever order Jelou returned them in; messages
 * without a usable time keep their order, after the others) as plain text, one line per message,
 * and that order as indexes into `messages`.
 */
export function transcriptOf(messages: SimpleMessage[]): { transcript: string; order: number[] } {
	const timeOf = (message: SimpleMessage) => {
		const ms = message.time ? Date.parse(message.time) : NaN;
		return Number.isNaN(ms) ? Number.POSITIVE_INFINITY : ms;
	};
	const order = messages
		.map((message, index) => ({ index, at: timeOf(message) }))
		.sort((a, b) => (a.at === b.at ? a.index - b.index : a.at < b.at ? -1 : 1))
		.map(({ index }) => index);
	return { transcript: order.map((index) => transcriptLine(messages[index])).join('\n'), order };
}
