import type { IDataObject } from 'n8n-workflow';

/**
 * Jelou's chat history (`GET /external/messages/history/{botId}` on the API host), as its docs
 * show it. Every field is optional here: the docs give one sample, `by` has one documented value
 * (`bot`) and `bubble.mediaUrl` is only mentioned, so whatever is read is read defensively.
 */
export interface HistoryMessage {
	recipient?: { id?: string; names?: string; name?: string };
	sender?: { id?: string; name?: string; names?: string; type?: string };
	/** Who wrote it: `bot` in the docs' sample; other values are not listed (inferred: user, operator). */
	by?: string;
	messageId?: string;
	status?: string;
	bubble?: { type?: string; text?: string; mediaUrl?: string; caption?: string };
	createdAt?: string;
	[key: string]: unknown;
}

/** One page of the answer, reduced to what the paging loop needs. */
export interface HistoryPage {
	messages: HistoryMessage[];
	/** `pagination.totalPages`, when Jelou sent a usable number. */
	totalPages?: number;
}

/** The most messages Jelou returns per request (documented: `limit` at most 50). */
export const MAX_PAGE_SIZE = 50;

/** A positive whole number from a field Jelou may send as a number or a numeric string. */
function positiveInteger(value: unknown): number | undefined {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	return typeof number === 'number' && Number.isFinite(number) && number >= 0
		? Math.floor(number)
		: undefined;
}

/**
 * Reads one answer of the history endpoint. The docs show `{ pagination, _metadata, results }`
 * without Jelou's usual envelope; an answer wrapped in `data` is read the same (inferred: the
 * other Jelou APIs use the envelope). A missing or odd `results` is no messages; a missing or
 * odd `totalPages` is unknown, and the caller then stops on a short or empty page instead.
 */
export function readHistoryPage(answer: unknown): HistoryPage {
	let body = answer as IDataObject | undefined;
	if (body && typeof body === 'object' && !Array.isArray(body) && !('results' in body)) {
		const data = body.data;
		if (data && typeof data === 'object') body = data as IDataObject;
	}
	if (Array.isArray(body)) return { messages: onlyObjects(body) };
	if (!body || typeof body !== 'object') return { messages: [] };
	const results = Array.isArray(body.results) ? onlyObjects(body.results) : [];
	const pagination = body.pagination as IDataObject | undefined;
	const totalPages =
		pagination && typeof pagination === 'object'
			? positiveInteger(pagination.totalPages)
			: undefined;
	return { messages: results, totalPages };
}

function onlyObjects(values: unknown[]): HistoryMessage[] {
	return values.filter(
		(value): value is HistoryMessage =>
			value !== null && typeof value === 'object' && !Array.isArray(value),
	);
}

/**
 * Page size for a wanted number of messages: as few requests as possible (pages of up to 50),
 * split evenly so that the last page brings few extra messages. Jelou pages by a fixed `limit`,
 * so the size must stay the same from page to page.
 */
export function pageSizeFor(wanted: number | undefined): number {
	if (wanted === undefined) return MAX_PAGE_SIZE;
	const pages = Math.max(1, Math.ceil(wanted / MAX_PAGE_SIZE));
	return Math.max(1, Math.ceil(wanted / pages));
}

/** Whether a message is the same one seen before (a server that ignores `page` repeats page 1). */
export function sameMessages(a: HistoryMessage[], b: HistoryMessage[]): boolean {
	if (a.length === 0 || a.length !== b.length) return false;
	return a.every((message, index) => JSON.stringify(message) === JSON.stringify(b[index]));
}
