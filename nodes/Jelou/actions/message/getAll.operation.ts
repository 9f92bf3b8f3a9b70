import type { IDataObject, IExecuteFunctions, INodePropertyOptions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { parseDateParameter } from '../../helpers/dates';
import {
	pageSizeFor,
	readHistoryPage,
	sameMessages,
	type HistoryMessage,
} from '../../helpers/history';
import { checkId } from '../../../../shared/ids';
import { getIdParameter } from '../../helpers/parameters';
import type { OperationHandler } from '../runner';
import { simplifyMessage, transcriptOf } from '../../helpers/transcript';
import { JelouRequestError, type JelouTransport } from '../../transport';
import { messageText } from '../../transport/answers';

export { description } from './getAll.fields';

type HistoryQuery = Record<string, string | number>;

interface Filters {
	clientId?: unknown;
	startAt?: unknown;
	endAt?: unknown;
	messageId?: unknown;
}

function badInput(ctx: IExecuteFunctions, itemIndex: number, message: string, hint: string) {
	return new NodeOperationError(ctx.getNode(), `${message} (item ${itemIndex})`, {
		itemIndex,
		description: hint,
	});
}

function readLimit(ctx: IExecuteFunctions, itemIndex: number): number | undefined {
	if (ctx.getNodeParameter('returnAll', itemIndex, false) === true) return undefined;
	const limit = Number(ctx.getNodeParameter('limit', itemIndex, 50));
	if (!Number.isInteger(limit) || limit < 1) {
		throw badInput(
			ctx,
			itemIndex,
			'Limit must be a whole number of at least 1',
			'Set "Limit", or turn on "Return All".',
		);
	}
	return limit;
}

/** The filters as Jelou's query parameters, each checked; dates become ISO 8601 in UTC. */
function readFilters(ctx: IExecuteFunctions, itemIndex: number): HistoryQuery {
	const filters = ctx.getNodeParameter('filters', itemIndex, {}) as Filters;
	const query: HistoryQuery = {};
	for (const [name, displayName] of [
		['clientId', 'End User ID'],
		['messageId', 'Message ID'],
	] as const) {
		const value = filters[name];
		if (value === undefined || value === null || value === '') continue;
		const checked = checkId(value);
		if ('problem' in checked) {
			throw badInput(
				ctx,
				itemIndex,
				`${displayName} ${checked.problem}`,
				`Set the "${displayName}" filter to an ID from Jelou, or remove the filter.`,
			);
		}
		query[name] = checked.id;
	}
	const timeZone = typeof ctx.getTimezone === 'function' ? ctx.getTimezone() : undefined;
	const times: Record<string, number> = {};
	for (const [name, displayName] of [
		['startAt', 'From'],
		['endAt', 'To'],
	] as const) {
		const ms = parseDateParameter(filters[name], timeZone);
		if (ms === undefined) continue;
		if (Number.isNaN(ms) || !Number.isFinite(new Date(ms).getTime())) {
			const shown =
				typeof filters[name] === 'string'
					? `"${String(filters[name]).slice(0, 100)}"`
					: 'the value given';
			throw badInput(
				ctx,
				itemIndex,
				`${displayName} is not a valid date`,
				`Got ${shown}. Use a date such as 2026-01-15T10:30:00Z, or pick one in the date picker.`,
			);
		}
		times[name] = ms;
		query[name] = new Date(ms).toISOString();
	}
	if (times.startAt !== undefined && times.endAt !== undefined && times.startAt > times.endAt) {
		throw badInput(
			ctx,
			itemIndex,
			`From (${query.startAt}) is after To (${query.endAt})`,
			'Swap the two dates, or correct the one that is wrong.',
		);
	}
	return query;
}

/**
 * What Jelou said in an error body of the history. Its 404 sample puts the useful text in
 * `message` and abbreviates `error.description`, so `message` comes first here.
 */
function historySaid(body: JelouRequestError['body']): string {
	if (!body || typeof body !== 'object') return '';
	const text = messageText(body.message) || String(body.error?.description ?? '').trim();
	return text ? ` Jelou said: "${text}".` : '';
}

/**
 * The chat history's own failures in words that help: a 401 with an API-key credential is most
 * likely the scheme (Jelou documents only Basic here), a 404 names the bot.
 */
function historyError(
	error: unknown,
	transport: JelouTransport,
	botId: string,
	page: number,
): unknown {
	if (!(error instanceof JelouRequestError)) return error;
	const onPage = page > 1 ? ` It happened on page ${page} of the history.` : '';
	const said = historySaid(error.body);
	if (error.httpCode === 401) {
		const fix = transport.usesApiKey
			? 'This credential uses an API key, but Jelou documents Client ID and Secret (Basic) for the chat history: set the Authentication of the credential to "Client ID and Secret (Basic)".'
			: 'Check the client ID and client secret of the credential, and its API Base URL.';
		return new JelouRequestError({
			message: 'Jelou rejected the credentials for the chat history (HTTP 401)',
			description: `${fix}${said}${onPage}`,
			httpCode: 401,
			body: error.body,
		});
	}
	if (error.httpCode === 404) {
		const key = error.body && typeof error.body === 'object' ? error.body.error?.key : undefined;
		const answered = key === 'BOT_NOT_FOUND' ? 'Jelou answered BOT_NOT_FOUND. ' : '';
		return new JelouRequestError({
			message: `Jelou found no bot '${botId}' for the chat history (HTTP 404)`,
			description: `${answered}Check the Bot ID (the bot's ID from Conversation → Get or from the Jelou Trigger) and the API Base URL of the credential.${said}${onPage}`,
			httpCode: 404,
			body: error.body,
		});
	}
	if (!onPage) return error;
	return new JelouRequestError({
		message: error.message,
		description: `${error.description}${onPage}`,
		httpCode: error.httpCode,
		body: error.body,
	});
}

/**
 * Walks the pages: a fixed page size (see pageSizeFor), page after page until `totalPages`, the
 * wanted number of messages, or an empty page. Jelou's `pagination` is read defensively: without
 * a usable `totalPages` a short page ends the walk, and a page that repeats the one before (a
 * server that ignores `page`) ends it too instead of looping for ever.
 */
async function fetchHistory(
	transport: JelouTransport,
	botId: string,
	query: HistoryQuery,
	wanted: number | undefined,
): Promise<HistoryMessage[]> {
	const pageSize = pageSizeFor(wanted);
	const collected: HistoryMessage[] = [];
	let previous: HistoryMessage[] = [];
	for (let page = 1; ; page++) {
		let answer: unknown;
		try {
			answer = await transport.request<unknown>({
				method: 'GET',
				host: 'api',
				path: ['external', 'messages', 'history', botId],
				query: { ...query, limit: pageSize, page },
				bareShape: 'any',
			});
		} catch (error) {
			throw historyError(error, transport, botId, page);
		}
		const { messages, totalPages } = readHistoryPage(answer);
		if (sameMessages(messages, previous)) break;
		collected.push(...messages);
		previous = messages;
		if (wanted !== undefined && collected.length >= wanted) return collected.slice(0, wanted);
		if (messages.length === 0) break;
		if (totalPages !== undefined ? page >= totalPages : messages.length < pageSize) break;
	}
	return collected;
}

export const execute: OperationHandler = async function (transport, itemIndex) {
	const botId = getIdParameter(this, 'botId', 'Bot ID', itemIndex);
	const wanted = readLimit(this, itemIndex);
	const query = readFilters(this, itemIndex);
	const simplify = this.getNodeParameter('simplify', itemIndex, true) === true;
	const asTranscript = this.getNodeParameter('transcript', itemIndex, false) === true;

	const messages = await fetchHistory(transport, botId, query, wanted);
	if (!asTranscript) {
		return messages.map((message) =>
			simplify ? simplifyMessage(message) : (message as IDataObject),
		);
	}
	// Simplified once: the transcript reads these records, and Simplify outputs the same ones.
	const simplified = messages.map(simplifyMessage);
	const { transcript, order } = transcriptOf(simplified);
	const result: IDataObject = {
		botId,
		messageCount: messages.length,
		transcript,
		messages: order.map((index) =>
			simplify ? simplified[index] : (messages[index] as IDataObject),
		),
	};
	if (query.clientId !== undefined) result.endUserId = query.clientId;
	return result;
};

/** This operation in the resource's Operation picker (n8n's value for "Get Many" is getAll). */
export const option: INodePropertyOptions = {
	name: 'Get Many',
	value: 'getAll',
	description: "Get the chat history of a bot: all messages, or an end user's, in a time span",
	action: 'Get many messages',
};
