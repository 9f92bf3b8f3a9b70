'use strict';

// Media files for message events: GET /media/<name> serves real bytes with their type, the failing
// URLs fail, and emit({ media }) sends a message event pointing at them.

const { describe, it, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSandbox } = require('../server.js');
const { request, startReceiver } = require('./helpers.js');
const { LARGE_BYTES, mediaBytes } = require('../lib/media');

describe('sandbox: media files of message events', () => {
	let sb;
	let receiver;
	before(async () => {
		sb = await startSandbox({ port: 0, quiet: true, latencyMs: 0 });
		receiver = await startReceiver();
	});
	after(async () => {
		await receiver.close();
		await sb.close();
	});

	it('serves the image, the voice note, the PDF and the video with their types, no auth needed', async () => {
		for (const [kind, name, type, magic] of [
			['image', 'photo.png', 'image/png', '\x89PNG'],
			['audio', 'voice-note.ogg', 'audio/ogg', 'OggS'],
			['document', 'invoice-2026-03.pdf', 'application/pdf', '%PDF'],
			['video', 'clip.mp4', 'video/mp4', '\x00\x00\x00\x1cftyp'],
		]) {
			const r = await fetch(`${sb.url}/media/${name}`);
			assert.equal(r.status, 200, name);
			assert.equal(r.headers.get('content-type'), type);
			const bytes = Buffer.from(await r.arrayBuffer());
			assert.ok(bytes.equals(mediaBytes(kind)), `${name}: the bytes of mediaBytes('${kind}')`);
			assert.equal(bytes.subarray(0, magic.length).toString('latin1'), magic);
		}
		const logged = sb.requests.filter((e) => e.path.startsWith('/media/'));
		assert.equal(logged.length, 4, 'media requests are in the request log');
	});

	it('the failing URLs fail: 404, 500, and one over 16 MB', async () => {
		assert.equal((await request(sb.url, 'GET', '/media/missing.jpg')).status, 404);
		assert.equal((await request(sb.url, 'GET', '/media/broken.jpg')).status, 500);
		assert.equal((await request(sb.url, 'GET', '/media/no-such-file')).status, 404);
		const large = await request(sb.url, 'GET', '/media/huge-video.mp4');
		assert.equal(large.status, 200);
		assert.equal(Number(large.headers['content-length']), LARGE_BYTES);
		assert.ok(LARGE_BYTES > 16 * 1024 * 1024);
		assert.equal((await request(sb.url, 'POST', '/media/photo.png')).status, 405);
	});

	it('emit({ media }) sends a message event with the documented media value', async () => {
		const out = await sb.emit({ media: 'document', webhookUrl: receiver.url });
		assert.equal(out.status, 200);
		const value = out.sentPayload.value;
		assert.equal(out.sentPayload.event_type, 'message');
		assert.equal(value.type, 'document');
		assert.match(value.id, /^msg-[0-9a-f]{16}$/);
		assert.deepStrictEqual(value.content, {
			url: `${sb.url}/media/invoice-2026-03.pdf`,
			mime_type: 'application/pdf',
			filename: 'Invoice March 2026.pdf',
		});
		const audio = await sb.emit({ media: 'audio', webhookUrl: receiver.url });
		assert.deepStrictEqual(audio.sentPayload.value.content, {
			url: `${sb.url}/media/voice-note.ogg`,
			mime_type: 'audio/ogg; codecs=opus',
		});
		const image = await sb.emit({ media: 'image', webhookUrl: receiver.url });
		assert.equal(image.sentPayload.value.content.caption, 'My receipt');
		await assert.rejects(sb.emit({ media: 'sticker', webhookUrl: receiver.url }), /media must be/);
	});
});
