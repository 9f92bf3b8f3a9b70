'use strict';

// The files behind the sandbox's media messages (GET /media/<name>) and the message `value` that
// points at them, as Jelou's "recibir-mensajes" page shows it: { id, type, content: { url,
// mime_type, caption | filename } }. Small real files (a PNG, an Ogg/Opus voice note, a PDF, an
// MP4 header), one URL that answers 404, one that answers 500 and one too large for the
// trigger's default cap (16 MB).

const { randomHex } = require('./util');

const PNG = Buffer.from(
	'iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEUlEQVR4nGP4zwAEIOI/EAAAHu8F+0huP94AAAAASUVORK5CYII=',
	'base64',
);
// Two Ogg pages, OpusHead and OpusTags, with valid page checksums: what a WhatsApp voice note starts with.
const OGG_OPUS = Buffer.from(
	'T2dnUwACAAAAAAAAAABVTEVKAAAAAFr1AM0BE09wdXNIZWFkAQE4AYC7AAAAAABPZ2dTAAQAAAAAAAAAAFVMRUoBAAAA2ttOugEVT3B1c1RhZ3MFAAAAamVsb3UAAAAA',
	'base64',
);
const PDF = Buffer.from(
	'%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n',
	'latin1',
);
// An MP4 "ftyp" box: enough for a file type check.
const MP4 = Buffer.from('0000001c667479706973366d00000200697336736d69736f326d703431', 'hex');

/** Bytes of the too-large file: over the trigger's default Max File Size of 16 MB. */
const LARGE_BYTES = 17 * 1024 * 1024;

/** name → what GET /media/<name> answers. */
const FILES = {
	'photo.png': { status: 200, type: 'image/png', body: PNG },
	'voice-note.ogg': { status: 200, type: 'audio/ogg', body: OGG_OPUS },
	'invoice-2026-03.pdf': { status: 200, type: 'application/pdf', body: PDF },
	'clip.mp4': { status: 200, type: 'video/mp4', body: MP4 },
	'missing.jpg': { status: 404, type: 'text/plain', body: Buffer.from('Not Found') },
	'broken.jpg': { status: 500, type: 'text/plain', body: Buffer.from('Internal Server Error') },
	'huge-video.mp4': { status: 200, type: 'video/mp4', size: LARGE_BYTES },
};

/** The kinds `emit({ media })` accepts: a message type, or a failing URL. */
const MEDIA_MESSAGES = {
	image: { type: 'image', file: 'photo.png', mime: 'image/png', caption: 'My receipt' },
	audio: { type: 'audio', file: 'voice-note.ogg', mime: 'audio/ogg; codecs=opus' },
	document: {
		type: 'document',
		file: 'invoice-2026-03.pdf',
		mime: 'application/pdf',
		filename: 'Invoice March 2026.pdf',
	},
	video: { type: 'video', file: 'clip.mp4', mime: 'video/mp4', caption: 'The broken part' },
	missing: { type: 'image', file: 'missing.jpg', mime: 'image/jpeg' },
	broken: { type: 'image', file: 'broken.jpg', mime: 'image/jpeg' },
	large: { type: 'video', file: 'huge-video.mp4', mime: 'video/mp4' },
};

/** The answer to GET /media/<name>, or null for an unknown name. */
function mediaAnswer(name) {
	const file = Object.prototype.hasOwnProperty.call(FILES, name) ? FILES[name] : undefined;
	if (!file) return null;
	const body = file.body || Buffer.alloc(file.size, 0x2e);
	return { status: file.status, headers: { 'content-type': file.type }, body };
}

/** The message `value` of a media message whose URL is on this sandbox (`baseUrl`: its root URL). */
function mediaValue(baseUrl, kind) {
	const spec = MEDIA_MESSAGES[kind];
	if (!spec) return null;
	const content = { url: `${baseUrl}/media/${spec.file}`, mime_type: spec.mime };
	if (spec.caption) content.caption = spec.caption;
	if (spec.filename) content.filename = spec.filename;
	return { id: `msg-${randomHex(8)}`, type: spec.type, content };
}

/** The bytes a media kind serves (for tests comparing what n8n stored). */
function mediaBytes(kind) {
	const spec = MEDIA_MESSAGES[kind];
	const answer = spec && mediaAnswer(spec.file);
	return answer ? answer.body : null;
}

module.exports = { FILES, MEDIA_MESSAGES, LARGE_BYTES, mediaAnswer, mediaValue, mediaBytes };
