/**
 * The trigger's Download Media: which events get a file, its name and MIME type, the binary field,
 * `mediaError` on every failure, and the unchanged output when the option is off. The file comes
 * over n8n-core's own httpRequest, answered by nock; prepareBinaryData is recorded.
 */
import nock from 'nock';
import type { IBinaryData, IDataObject, INodeExecutionData, IWebhookFunctions } from 'n8n-workflow';

import { JelouTrigger } from '../../../../nodes/Jelou/JelouTrigger.node';
import { extensionFor, mediaFileName, mediaOf } from '../../../../nodes/Jelou/trigger/media';
import { createWebhookContext } from '../../../support/fake-n8n';
import { n8nHttpRequest } from '../../../support/n8n-http';
import { answerWithNockOnly } from '../../../support/nock';
import { TRIGGER_API_KEY as API_KEY, SIGNING_SECRET, sign } from '../../../support/context';

answerWithNockOnly();

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
const OGG = Buffer.from('OggS\u0000\u0002OpusHead', 'latin1');
const PDF = Buffer.from('%PDF-1.4\n%test\n', 'latin1');

function messageEvent(value: IDataObject): IDataObject {
	return {
		field: 'messages',
		object: 'message_event',
		event_type: 'message',
		timestamp: Date.now() - 1000,
		project_id: 'demo-project',
		room_id: 'room-002',
		contact: { id: 'user-002', name: 'Ana' },
		conversation: { id: 'conv-active-001' },
		bot: { id: 'bot-001', name: 'Bot' },
		value,
	};
}

interface Run {
	items: INodeExecutionData[];
	prepared: Array<{ data: Buffer; filePath?: string; mimeType?: string }>;
	headers: Array<Record<string, unknown>>;
}

async function trigger(payload: IDataObject, params: IDataObject): Promise<Run> {
	const body = JSON.stringify(payload);
	const headers = {
		'content-type': 'application/json',
		'x-jelou-signature': sign(SIGNING_SECRET, body),
	};
	const { ctx } = createWebhookContext({
		headers,
		rawBody: Buffer.from(body),
		parsedBody: JSON.parse(body),
		params,
		credentials: { authType: 'apiKey', apiKey: API_KEY, signingSecret: SIGNING_SECRET },
		staticData: {},
	});
	const prepared: Run['prepared'] = [];
	const helpers = {
		httpRequest: n8nHttpRequest,
		prepareBinaryData: async (data: Buffer, filePath?: string, mimeType?: string) => {
			prepared.push({ data, filePath, mimeType });
			const binary: IBinaryData = {
				data: data.toString('base64'),
				mimeType: mimeType ?? 'application/octet-stream',
				fileName: filePath,
			};
			return binary;
		},
	};
	Object.assign(ctx, { helpers });
	const result = await new JelouTrigger().webhook.call(ctx as IWebhookFunctions);
	expect(result.workflowData).toHaveLength(1);
	return { items: result.workflowData![0], prepared, headers: seen };
}

let seen: Array<Record<string, unknown>> = [];
beforeEach(() => {
	seen = [];
});
function media(origin = 'https://media.test') {
	return nock(origin).on('request', (req: { headers: Record<string, unknown> }) =>
		seen.push({ ...req.headers }),
	);
}

const ON = { downloadMedia: true };

describe('Download Media', () => {
	it.each([
		['image', '/m/photo.png', PNG, 'image/png', undefined, 'photo.png'],
		['audio', '/m/voice.ogg', OGG, 'audio/ogg; codecs=opus', undefined, 'voice.ogg'],
		['video', '/m/clip.mp4', Buffer.from('....ftypisom'), 'video/mp4', undefined, 'clip.mp4'],
		['document', '/m/file-123', PDF, 'application/pdf', 'Invoice March.pdf', 'Invoice March.pdf'],
	])(
		'%s message: the file goes to binary.data in binary.data, MIME type from the event',
		async (type, path, bytes, mime, filename, expectedName) => {
			media().get(path).reply(200, bytes, { 'content-type': 'application/octet-stream' });
			const content: IDataObject = { url: `https://media.test${path}`, mime_type: mime };
			if (filename) content.filename = filename;
			const event = messageEvent({ id: 'msg-9', type, content });
			const off = await trigger(event, {});
			const on = await trigger(event, ON);
			expect(on.items).toHaveLength(1);
			expect(on.items[0].json).toEqual(off.items[0].json);
			expect(on.items[0].json).not.toHaveProperty('mediaError');
			expect(Object.keys(on.items[0].binary ?? {})).toEqual(['data']);
			expect(on.prepared).toHaveLength(1);
			expect(on.prepared[0].data.equals(bytes)).toBe(true);
			expect(on.prepared[0].mimeType).toBe(mime);
			expect(on.items[0].binary!.data.fileName).toBe(expectedName);
			expect(on.items[0].binary!.data.mimeType).toBe(mime);
		},
	);

	it('sends no Jelou credential, signature or webhook authorization to the media host', async () => {
		media().get('/m/a.png').reply(200, PNG);
		await trigger(
			messageEvent({ id: 'm', type: 'image', content: { url: 'https://media.test/m/a.png' } }),
			ON,
		);
		expect(seen).toHaveLength(1);
		const names = Object.keys(seen[0]);
		for (const secretHeader of ['authorization', 'x-api-key', 'x-jelou-signature', 'cookie'])
			expect(names).not.toContain(secretHeader);
		expect(JSON.stringify(seen)).not.toContain(API_KEY);
		expect(JSON.stringify(seen)).not.toContain(SIGNING_SECRET);
	});

	it('without mime_type, the MIME type comes from the answer; the binary field is configurable', async () => {
		media().get('/m/x').reply(200, PNG, { 'content-type': 'image/png' });
		const run = await trigger(
			messageEvent({ id: 'msg-7', type: 'image', content: { url: 'https://media.test/m/x' } }),
			{ ...ON, mediaOptions: { binaryPropertyName: 'photo' } },
		);
		expect(Object.keys(run.items[0].binary ?? {})).toEqual(['photo']);
		expect(run.prepared[0].mimeType).toBe('image/png');
		expect(run.items[0].binary!.photo.fileName).toBe('x');
	});

	it('without filename or a URL segment, the name is <message id>.<extension>', async () => {
		media().get('/').reply(200, OGG);
		const run = await trigger(
			messageEvent({
				id: 'msg-42',
				type: 'audio',
				content: { url: 'https://media.test/', mime_type: 'audio/ogg; codecs=opus' },
			}),
			ON,
		);
		expect(run.items[0].binary!.data.fileName).toBe('msg-42.ogg');
	});

	it.each([
		[404, 'The media host media.test answered HTTP 404, so the file was not downloaded'],
		[500, 'The media host media.test answered HTTP 500, so the file was not downloaded'],
	])('HTTP %i still starts the workflow, with mediaError and no binary', async (status, error) => {
		media().get('/m/gone.jpg').reply(status, 'x');
		const event = messageEvent({
			id: 'm',
			type: 'image',
			content: { url: 'https://media.test/m/gone.jpg', mime_type: 'image/jpeg' },
		});
		const off = await trigger(event, {});
		const run = await trigger(event, ON);
		expect(run.items).toHaveLength(1);
		expect(run.items[0].json).toEqual({ ...off.items[0].json, mediaError: error });
		expect(run.items[0].binary).toBeUndefined();
		expect(run.prepared).toHaveLength(0);
	});

	it('a file over Max File Size is a mediaError', async () => {
		media()
			.get('/m/big.mp4')
			.reply(200, Buffer.alloc(10), { 'content-length': String(3 * 1024 * 1024) });
		const run = await trigger(
			messageEvent({ id: 'm', type: 'video', content: { url: 'https://media.test/m/big.mp4' } }),
			{ ...ON, mediaOptions: { maxFileSize: 2 } },
		);
		expect(run.items[0].json.mediaError).toBe(
			`The file is larger than the Max File Size (2 MB): the media host announced ${3 * 1024 * 1024} bytes`,
		);
		expect(run.items[0].binary).toBeUndefined();
	});

	it.each([
		[
			{ url: 'http://storage.example.com/media/image.jpg' },
			'The media URL is not HTTPS (http://storage.example.com): only HTTPS media URLs are downloaded',
		],
		[
			{ mime_type: 'image/jpeg' },
			'The message has no media URL (value.content.url), so there is no file to download',
		],
	])('%j: mediaError, no request', async (content, error) => {
		const run = await trigger(messageEvent({ id: 'm', type: 'image', content }), ON);
		expect(run.items[0].json.mediaError).toBe(error);
		expect(seen).toHaveLength(0);
	});

	it('text messages and conversation events are unchanged with the option on', async () => {
		const text = messageEvent({ id: 'm', type: 'text', content: { body: 'hi' } });
		const close = { event: 'conversation.close', timestamp: Date.now(), conversation: { id: 'c' } };
		for (const event of [text, close]) {
			const off = await trigger(event, {});
			const on = await trigger(event, ON);
			expect(on.items).toEqual(off.items);
			expect(on.items[0].binary).toBeUndefined();
		}
	});

	it('option off: a media message is passed on as before, nothing is downloaded', async () => {
		const run = await trigger(
			messageEvent({ id: 'm', type: 'image', content: { url: 'https://media.test/m/a.png' } }),
			{},
		);
		expect(Object.keys(run.items[0])).toEqual(['json']);
		expect(run.items[0].json.message).toEqual({
			id: 'm',
			type: 'image',
			content: { url: 'https://media.test/m/a.png' },
		});
		expect(seen).toHaveLength(0);
	});
});

describe('names and types', () => {
	it('mediaOf reads only message events of the four media types', () => {
		expect(
			mediaOf(messageEvent({ id: 'a', type: 'text', content: { body: 'x' } })),
		).toBeUndefined();
		expect(mediaOf({ event: 'conversation.close', value: { type: 'image' } })).toBeUndefined();
		expect(
			mediaOf(
				messageEvent({ id: 'a', type: 'document', content: { url: 'u', filename: 'f.pdf' } }),
			),
		).toEqual({
			type: 'document',
			url: 'u',
			messageId: 'a',
			mimeType: undefined,
			filename: 'f.pdf',
		});
	});

	it.each([
		['image/jpeg', 'image', 'jpg'],
		['audio/ogg; codecs=opus', 'audio', 'ogg'],
		['application/pdf', 'document', 'pdf'],
		['image/heic', 'image', 'heic'],
		[undefined, 'video', 'mp4'],
		['application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'document', 'bin'],
	] as const)('extension of %s (%s) is %s', (mime, type, ext) => {
		expect(extensionFor(mime, type)).toBe(ext);
	});

	it('a filename never carries folders; an encoded URL segment is decoded', () => {
		expect(
			mediaFileName({ type: 'document', url: 'x', filename: '../../etc/passwd' }, undefined),
		).toBe('passwd');
		expect(
			mediaFileName({ type: 'image', url: 'https://h.test/a/My%20Photo.jpg?sig=1' }, 'image/jpeg'),
		).toBe('My Photo.jpg');
		expect(mediaFileName({ type: 'image', url: 'https://h.test/' }, undefined)).toBe('image.jpg');
	});
});
