'use strict';
// examples/save-voice-notes-and-images.json: with Download Media on, a voice note and an image
// are uploaded (multipart, the sandbox's exact bytes and file names) into the user's folder; a PDF
// and a text message are left alone; a file the media host cannot give (404) is reported to the
// team with the trigger's mediaError.

const assert = require('node:assert/strict');

const { mediaBytes } = require('../../sandbox/lib/media');

const UPLOAD = 'https://files.example.com/api/upload';
const TEAM_CHAT = 'https://hooks.example.com/team-support-channel';

/** The parts of a multipart/form-data body: [{ name, filename, type, data }]. */
function multipartParts(request) {
	const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(request.headers['content-type'] || '');
	assert.ok(boundary, `multipart upload: ${request.headers['content-type']}`);
	const marker = Buffer.from(`--${boundary[1] || boundary[2]}`);
	const parts = [];
	let at = request.bytes.indexOf(marker);
	while (at !== -1) {
		const next = request.bytes.indexOf(marker, at + marker.length);
		if (next === -1) break;
		const part = request.bytes.subarray(at + marker.length + 2, next - 2);
		const split = part.indexOf('\r\n\r\n');
		const head = part.subarray(0, split).toString('utf8');
		parts.push({
			name: /name="([^"]*)"/.exec(head)?.[1],
			filename: /filename="([^"]*)"/.exec(head)?.[1],
			type: /content-type:\s*([^\r\n]+)/i.exec(head)?.[1],
			data: part.subarray(split + 4),
		});
		at = next;
	}
	return parts;
}

module.exports = {
	title:
		'a voice note and an image are uploaded to the user folder with their exact bytes and names; a PDF and a text start no upload; a 404 media URL tells the team the mediaError',
	async check(run) {
		const user = 'user-002'; // the sandbox's conv-active-001
		const audio = await run.deliver({ event: 'message', media: 'audio' });
		const image = await run.deliver({ event: 'message', media: 'image' });
		await run.deliver({ event: 'message', media: 'document' });
		await run.deliver({ event: 'message', text: 'Just text' });
		const missing = await run.deliver({ event: 'message', media: 'missing' });
		assert.equal((await run.executions()).length, 5, 'one execution per message');

		const uploads = run.capture.to(UPLOAD);
		assert.equal(uploads.length, 2, 'two uploads: the voice note and the image');
		const expected = [
			[audio, 'audio', 'voice-note.ogg', `jelou/${user}/voice-notes`],
			[image, 'image', 'photo.png', `jelou/${user}/images`],
		];
		for (const [i, [delivery, kind, fileName, folder]] of expected.entries()) {
			const parts = multipartParts(uploads[i]);
			const file = parts.find((p) => p.name === 'file');
			assert.ok(file, `${kind}: a file part`);
			assert.equal(file.filename, fileName);
			assert.ok(file.data.equals(mediaBytes(kind)), `${kind}: the sandbox's exact bytes`);
			const field = (name) => parts.find((p) => p.name === name)?.data.toString('utf8');
			assert.equal(field('folder'), folder);
			assert.equal(field('messageId'), delivery.sent.sentPayload.value.id);
			assert.equal(field('conversationId'), 'conv-active-001');
		}

		const notices = run.capture.to(TEAM_CHAT);
		assert.equal(notices.length, 1, 'one notice: the failed download');
		const host = new URL(run.ctx.sb.url).host;
		assert.deepStrictEqual(notices[0].json, {
			text: `Could not save the image that Luis Pérez sent (conversation conv-active-001): The media host ${host} answered HTTP 404, so the file was not downloaded`,
		});
		const item = missing.execution.data.resultData.runData['Jelou Trigger'][0].data.main[0][0];
		assert.equal(item.binary, undefined);
		assert.equal(run.capture.requests.length, 3, 'nothing else was called');
	},
};
