import type { IDataObject, IHttpRequestOptions } from 'n8n-workflow';

import { realClock, type TransportClock } from './clock';
import { describeNetworkFailure } from './network';

/**
 * Downloads the file of a media message (`value.content.url`). The media host is not Jelou: it
 * gets no credential, no signing secret and no webhook authorization. So this request never goes
 * through n8n's authenticated helper: it is sent with n8n's plain `httpRequest`, with no header of
 * ours, and redirects are followed here, one hop at a time, so every hop is checked again and
 * nothing is added on the way.
 *
 * The file is read as a stream and counted: a body longer than the cap is cut off there, whatever
 * its Content-Length said, so memory stays bounded. The whole download (all hops and the body) has
 * one deadline.
 */

/** n8n's plain HTTP helper (`this.helpers.httpRequest`), never the authenticated one. */
export type PlainSend = (options: IHttpRequestOptions) => Promise<unknown>;

export interface MediaDownloadSettings {
	/** Largest file accepted, in bytes. */
	maxBytes: number;
	/** Time for the whole download, redirects included, in milliseconds. */
	timeoutMs: number;
	/** Where the deadline's wait comes from; the real clock unless a test hands in its own. */
	clock?: TransportClock;
}

export type MediaDownload =
	{ ok: true; data: Buffer; contentType?: string } | { ok: false; error: string };

/** Redirect hops followed before giving up (a storage link and its CDN need one or two). */
export const MAX_MEDIA_REDIRECTS = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** What the stream-mode answer of n8n's httpRequest holds (axios underneath, in 1.x and 2.x). */
interface StreamAnswer {
	statusCode: number;
	headers: IDataObject;
	body: AsyncIterable<unknown> & { destroy?: (error?: Error) => void };
}

class MediaFailure extends Error {}

/**
 * Whether a URL may be fetched: HTTPS, as Jelou documents its media URLs. The one exception is
 * plain HTTP to this machine's loopback address (127.0.0.0/8, ::1, localhost), where the test
 * sandbox serves its files: no media host on the internet can be reached that way, so a real
 * user's event with an http:// URL is still refused.
 */
export function mediaUrlProblem(raw: unknown): string | undefined {
	if (typeof raw !== 'string' || raw.trim() === '')
		return 'The message has no media URL (value.content.url), so there is no file to download';
	let url: URL;
	try {
		url = new URL(raw.trim());
	} catch {
		return 'The media URL (value.content.url) is not a valid URL';
	}
	if (url.protocol === 'https:') return undefined;
	if (url.protocol === 'http:' && isLoopbackHost(url.hostname)) return undefined;
	return `The media URL is not HTTPS (${url.protocol.replace(':', '')}://${url.host}): only HTTPS media URLs are downloaded`;
}

function isLoopbackHost(hostname: string): boolean {
	const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
	return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function hostOf(url: string): string {
	try {
		return new URL(url).host;
	} catch {
		return 'the media host';
	}
}

function headerText(headers: IDataObject, name: string): string | undefined {
	const value = headers[name];
	if (typeof value === 'string' && value.trim() !== '') return value.trim();
	if (typeof value === 'number') return String(value);
	return undefined;
}

/** Megabytes for messages: 16777216 bytes is "16 MB". */
function megabytes(bytes: number): string {
	const mb = bytes / (1024 * 1024);
	return `${Number.isInteger(mb) ? mb : mb.toFixed(2)} MB`;
}

function tooLarge(maxBytes: number, detail: string): MediaFailure {
	return new MediaFailure(
		`The file is larger than the Max File Size (${megabytes(maxBytes)}): ${detail}`,
	);
}

/** Frees a body that will not be read (an error page, a redirect, a file over the cap). */
function discard(answer: StreamAnswer): void {
	answer.body.destroy?.();
}

async function readCapped(answer: StreamAnswer, maxBytes: number): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of answer.body) {
		const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
		size += bytes.length;
		if (size > maxBytes) {
			discard(answer);
			throw tooLarge(maxBytes, `the download was stopped after ${size} bytes`);
		}
		chunks.push(bytes);
	}
	return Buffer.concat(chunks, size);
}

function isStreamAnswer(value: unknown): value is StreamAnswer {
	if (value === null || typeof value !== 'object') return false;
	const answer = value as Partial<StreamAnswer>;
	return (
		typeof answer.statusCode === 'number' &&
		answer.body !== null &&
		typeof answer.body === 'object' &&
		Symbol.asyncIterator in answer.body
	);
}

/** One GET, no redirect followed; a network failure is thrown as a MediaFailure in our words. */
async function fetchOnce(
	send: PlainSend,
	url: string,
	settings: MediaDownloadSettings,
	signal: AbortSignal,
	current: { answer?: StreamAnswer },
): Promise<StreamAnswer> {
	const answer = await send({
		method: 'GET',
		url,
		// No headers of ours at all: the media host learns nothing about Jelou or this workflow.
		encoding: 'stream',
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		disableFollowRedirect: true,
		timeout: settings.timeoutMs,
		abortSignal: signal,
	}).then(
		(value) => value,
		(error: unknown) =>
			new MediaFailure(
				`The media download from ${hostOf(url)} failed: ${describeNetworkFailure(error)}`,
			),
	);
	if (answer instanceof MediaFailure) throw answer;
	if (!isStreamAnswer(answer))
		throw new MediaFailure(`The media host ${hostOf(url)} sent no readable answer`);
	current.answer = answer;
	return answer;
}

async function download(
	send: PlainSend,
	startUrl: string,
	settings: MediaDownloadSettings,
	signal: AbortSignal,
	current: { answer?: StreamAnswer },
): Promise<MediaDownload> {
	let url = startUrl;
	for (let hop = 0; ; hop++) {
		const answer = await fetchOnce(send, url, settings, signal, current);
		const { statusCode, headers } = answer;
		if (REDIRECT_STATUSES.has(statusCode)) {
			discard(answer);
			const location = headerText(headers, 'location');
			if (location === undefined)
				throw new MediaFailure(`The media host ${hostOf(url)} redirected without a Location`);
			if (hop >= MAX_MEDIA_REDIRECTS)
				throw new MediaFailure(
					`The media host redirected more than ${MAX_MEDIA_REDIRECTS} times, so the file was not downloaded`,
				);
			const next = new URL(location, url).toString();
			const problem = mediaUrlProblem(next);
			if (problem !== undefined) throw new MediaFailure(`Redirected: ${problem}`);
			url = next;
			continue;
		}
		if (statusCode < 200 || statusCode >= 300) {
			discard(answer);
			throw new MediaFailure(
				`The media host ${hostOf(url)} answered HTTP ${statusCode}, so the file was not downloaded`,
			);
		}
		const announced = Number(headerText(headers, 'content-length'));
		if (Number.isFinite(announced) && announced > settings.maxBytes) {
			discard(answer);
			throw tooLarge(settings.maxBytes, `the media host announced ${announced} bytes`);
		}
		const data = await readCapped(answer, settings.maxBytes);
		return { ok: true, data, contentType: headerText(headers, 'content-type') };
	}
}

/**
 * Fetches one media file. Never throws: a failure comes back as `{ ok: false, error }`, a short
 * sentence naming what went wrong (no header, no secret: none was sent), so the trigger can still
 * start the workflow with the event.
 */
export async function downloadMedia(
	send: PlainSend,
	url: unknown,
	settings: MediaDownloadSettings,
): Promise<MediaDownload> {
	const problem = mediaUrlProblem(url);
	if (problem !== undefined) return { ok: false, error: problem };
	const start = String(url).trim();
	const clock = settings.clock ?? realClock;
	const request = new AbortController();
	const deadlineWait = new AbortController();
	const current: { answer?: StreamAnswer } = {};
	// The deadline ends the whole download; once the download settles, the wait is cancelled.
	const deadline = clock.sleep(settings.timeoutMs, deadlineWait.signal).then(
		(): 'timedOut' => 'timedOut',
		() => new Promise<never>(() => {}),
	);
	const work = download(send, start, settings, request.signal, current);
	// The work's own failure after a time-out is expected and has nowhere to go.
	work.catch(() => undefined);
	try {
		const outcome = await Promise.race([work, deadline]);
		if (outcome === 'timedOut') {
			request.abort();
			if (current.answer) discard(current.answer);
			return {
				ok: false,
				error: `The media download from ${hostOf(start)} timed out after ${settings.timeoutMs / 1000} s`,
			};
		}
		return outcome;
	} catch (error) {
		if (error instanceof MediaFailure) return { ok: false, error: error.message };
		return {
			ok: false,
			error: `The media download from ${hostOf(start)} failed: ${describeNetworkFailure(error)}`,
		};
	} finally {
		deadlineWait.abort();
	}
}
