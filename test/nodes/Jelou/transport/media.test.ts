/**
 * transport/media.ts: the credential-less download of a message's file. Requests go through
 * n8n-core's own httpRequest (axios underneath, as in n8n) and nock answers them; the deadline
 * runs on a simulated clock, so no test waits for real time.
 */
import { PassThrough, Readable } from 'node:stream';

import nock from 'nock';
import type { IHttpRequestOptions } from 'n8n-workflow';

import { downloadMedia, type PlainSend } from '../../../../nodes/Jelou/transport';
import { SimulatedClock } from '../../../support/clock';
import { n8nHttpRequest } from '../../../support/n8n-http';
import { answerWithNockOnly } from '../../../support/nock';

answerWithNockOnly();

const MB = 1024 * 1024;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');

/** Records what was handed to n8n's client, then sends it for real. */
function recordingSend(): { send: PlainSend; sent: IHttpRequestOptions[] } {
	const sent: IHttpRequestOptions[] = [];
	return {
		sent,
		send: async (options) => {
			sent.push(options);
			return await n8nHttpRequest(options);
		},
	};
}

function heldClock(): SimulatedClock {
	const clock = new SimulatedClock();
	clock.hold();
	return clock;
}

const settings = (clock: SimulatedClock, maxBytes = 16 * MB) => ({
	maxBytes,
	timeoutMs: 15_000,
	clock,
});

/** The headers a request arrived with, as the media host saw them. */
let seenHeaders: Array<Record<string, unknown>> = [];
beforeEach(() => {
	seenHeaders = [];
});
function host(origin: string) {
	return nock(origin).on('request', (req: { headers: Record<string, unknown> }) =>
		seenHeaders.push({ ...req.headers }),
	);
}

describe('downloadMedia', () => {
	it('fetches the file with no header of ours and returns its bytes and content type', async () => {
		host('https://media.test')
			.get('/files/photo.png')
			.reply(200, PNG, { 'content-type': 'image/png' });
		const { send, sent } = recordingSend();
		const result = await downloadMedia(
			send,
			'https://media.test/files/photo.png',
			settings(heldClock()),
		);
		expect(result).toEqual({ ok: true, data: PNG, contentType: 'image/png' });
		expect(sent).toHaveLength(1);
		expect(sent[0]).toMatchObject({
			method: 'GET',
			url: 'https://media.test/files/photo.png',
			encoding: 'stream',
			disableFollowRedirect: true,
			timeout: 15_000,
		});
		expect(sent[0].headers).toBeUndefined();
		expect(sent[0].auth).toBeUndefined();
		expect(Object.keys(seenHeaders[0]).sort()).toEqual(
			['accept', 'accept-encoding', 'connection', 'host', 'user-agent'].sort(),
		);
	});

	it('follows a redirect to another HTTPS host, again with no credential header', async () => {
		host('https://media.test')
			.get('/v/1')
			.reply(302, '', { location: 'https://cdn.test/blob/voice.ogg' });
		host('https://cdn.test')
			.get('/blob/voice.ogg')
			.reply(200, 'OggS-bytes', { 'content-type': 'audio/ogg' });
		const { send, sent } = recordingSend();
		const result = await downloadMedia(send, 'https://media.test/v/1', settings(heldClock()));
		expect(result).toEqual({ ok: true, data: Buffer.from('OggS-bytes'), contentType: 'audio/ogg' });
		expect(sent.map((o) => o.url)).toEqual([
			'https://media.test/v/1',
			'https://cdn.test/blob/voice.ogg',
		]);
		for (const headers of seenHeaders) {
			expect(headers).not.toHaveProperty('authorization');
			expect(headers).not.toHaveProperty('x-api-key');
			expect(headers).not.toHaveProperty('x-jelou-signature');
		}
	});

	it('refuses a redirect to plain HTTP', async () => {
		host('https://media.test')
			.get('/v/2')
			.reply(301, '', { location: 'http://cdn.test/voice.ogg' });
		const result = await downloadMedia(
			recordingSend().send,
			'https://media.test/v/2',
			settings(heldClock()),
		);
		expect(result).toEqual({
			ok: false,
			error:
				'Redirected: The media URL is not HTTPS (http://cdn.test): only HTTPS media URLs are downloaded',
		});
	});

	it('gives up after five redirects', async () => {
		const scope = host('https://media.test');
		for (let i = 0; i < 6; i++) scope.get(`/r${i}`).reply(302, '', { location: `/r${i + 1}` });
		const result = await downloadMedia(
			recordingSend().send,
			'https://media.test/r0',
			settings(heldClock()),
		);
		expect(result).toEqual({
			ok: false,
			error: 'The media host redirected more than 5 times, so the file was not downloaded',
		});
	});

	it.each([404, 403, 500, 503])('HTTP %i is a mediaError naming the status', async (status) => {
		host('https://media.test').get('/gone.jpg').reply(status, 'nope');
		const result = await downloadMedia(
			recordingSend().send,
			'https://media.test/gone.jpg',
			settings(heldClock()),
		);
		expect(result).toEqual({
			ok: false,
			error: `The media host media.test answered HTTP ${status}, so the file was not downloaded`,
		});
	});

	it('refuses a file whose Content-Length is over the cap without reading it', async () => {
		host('https://media.test')
			.get('/big.mp4')
			.reply(200, 'x'.repeat(10), { 'content-length': String(2 * MB) });
		const result = await downloadMedia(
			recordingSend().send,
			'https://media.test/big.mp4',
			settings(heldClock(), MB),
		);
		expect(result).toEqual({
			ok: false,
			error: `The file is larger than the Max File Size (1 MB): the media host announced ${2 * MB} bytes`,
		});
	});

	it('stops a body without Content-Length as soon as it passes the cap', async () => {
		const chunk = Buffer.alloc(64 * 1024, 1);
		let produced = 0;
		// An endless body: only counting the bytes as they come can stop it.
		const endless = new Readable({
			read() {
				produced += chunk.length;
				this.push(chunk);
			},
		});
		const send: PlainSend = async () => ({ statusCode: 200, headers: {}, body: endless });
		const result = await downloadMedia(
			send,
			'https://media.test/stream.pdf',
			settings(heldClock(), 256 * 1024),
		);
		expect(result).toEqual({
			ok: false,
			error: `The file is larger than the Max File Size (0.25 MB): the download was stopped after ${320 * 1024} bytes`,
		});
		expect(endless.destroyed).toBe(true);
		expect(produced).toBeLessThan(2 * MB);
	});

	it('stops a chunked body from the wire at the cap', async () => {
		host('https://media.test')
			.get('/chunked.pdf')
			.reply(200, () => Readable.from([Buffer.alloc(200 * 1024), Buffer.alloc(200 * 1024)]));
		const result = await downloadMedia(
			recordingSend().send,
			'https://media.test/chunked.pdf',
			settings(heldClock(), 256 * 1024),
		);
		expect(result.ok).toBe(false);
		expect(!result.ok && result.error).toMatch(
			/^The file is larger than the Max File Size \(0\.25 MB\): the download was stopped after \d+ bytes$/,
		);
	});

	it('accepts a file of exactly the cap', async () => {
		const body = Buffer.alloc(1024, 7);
		host('https://media.test').get('/exact.bin').reply(200, body);
		const result = await downloadMedia(
			recordingSend().send,
			'https://media.test/exact.bin',
			settings(heldClock(), 1024),
		);
		expect(result.ok && result.data.equals(body)).toBe(true);
	});

	it('times out when no answer comes, and cancels the request', async () => {
		const clock = heldClock();
		let signal: AbortSignal | undefined;
		const send: PlainSend = async (options) => {
			signal = options.abortSignal as AbortSignal;
			return await new Promise((_resolve, reject) =>
				signal?.addEventListener('abort', () =>
					reject(Object.assign(new Error('canceled'), { code: 'ERR_CANCELED' })),
				),
			);
		};
		const pending = downloadMedia(send, 'https://media.test/slow.jpg', settings(clock));
		await clock.pendingCount(1);
		expect(clock.pending).toEqual([clock.now() + 15_000]);
		clock.advance(14_999);
		expect(signal?.aborted).toBe(false);
		clock.advance(1);
		expect(await pending).toEqual({
			ok: false,
			error: 'The media download from media.test timed out after 15 s',
		});
		expect(signal?.aborted).toBe(true);
	});

	it('times out when the body stalls, and closes it', async () => {
		const clock = heldClock();
		const body = new PassThrough();
		body.write('partial');
		const send: PlainSend = async () => ({ statusCode: 200, headers: {}, body });
		const pending = downloadMedia(send, 'https://media.test/stall.ogg', settings(clock));
		await clock.pendingCount(1);
		clock.advance(15_000);
		expect(await pending).toEqual({
			ok: false,
			error: 'The media download from media.test timed out after 15 s',
		});
		expect(body.destroyed).toBe(true);
	});

	it('a network failure is named by its code', async () => {
		const send: PlainSend = async () => {
			throw Object.assign(new Error('connect ECONNREFUSED 10.0.0.1:443'), {
				code: 'ECONNREFUSED',
			});
		};
		expect(await downloadMedia(send, 'https://media.test/x.jpg', settings(heldClock()))).toEqual({
			ok: false,
			error: 'The media download from media.test failed: the connection was refused (ECONNREFUSED)',
		});
	});

	it.each([
		[
			undefined,
			'The message has no media URL (value.content.url), so there is no file to download',
		],
		['  ', 'The message has no media URL (value.content.url), so there is no file to download'],
		['not a url', 'The media URL (value.content.url) is not a valid URL'],
		[
			'http://storage.example.com/media/image.jpg',
			'The media URL is not HTTPS (http://storage.example.com): only HTTPS media URLs are downloaded',
		],
		[
			'ftp://storage.example.com/a.pdf',
			'The media URL is not HTTPS (ftp://storage.example.com): only HTTPS media URLs are downloaded',
		],
	])('%j is refused before any request', async (url, error) => {
		const { send, sent } = recordingSend();
		expect(await downloadMedia(send, url, settings(heldClock()))).toEqual({ ok: false, error });
		expect(sent).toHaveLength(0);
	});

	it('plain HTTP is allowed to loopback only (the test sandbox)', async () => {
		host('http://127.0.0.1:8787').get('/media/a.pdf').reply(200, '%PDF-1.4');
		const result = await downloadMedia(
			recordingSend().send,
			'http://127.0.0.1:8787/media/a.pdf',
			settings(heldClock()),
		);
		expect(result.ok && result.data.toString()).toBe('%PDF-1.4');
	});
});
