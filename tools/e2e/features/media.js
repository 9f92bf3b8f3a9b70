'use strict';
// The Jelou Trigger's Download Media in the running server: signed media messages from the
// sandbox start executions whose item holds the file as binary data (the sandbox's exact bytes,
// name and MIME type), in n8n's default binary data mode and again in filesystem mode; a 404 and
// a file over the cap start the workflow with `mediaError`. The media host never sees a Jelou
// credential, the signature or the webhook authorization.

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const { test } = require('node:test');

const { httpRequest } = require('../../harness/n8n');
const wf = require('../../harness/workflows');
const { waitFor } = require('./setup');
const { MEDIA_MESSAGES, LARGE_BYTES, mediaBytes } = require('../../sandbox/lib/media');

const WF_MEDIA = 'JelouE2eMedia01';
const HOOK_TOKEN = `e2e-media-hook-${crypto.randomBytes(6).toString('hex')}`;

/**
 * n8n's Crypto node, SHA-256 of the item's binary `data`: the next node reads the file from where
 * n8n keeps it (memory, disk or database). Items without a file (mediaError) go on with its error.
 */
function checksumNode(position) {
	return {
		id: 'b3f0c7a2-0000-4000-8000-00000000c0de',
		name: 'Checksum',
		type: 'n8n-nodes-base.crypto',
		typeVersion: 1,
		position,
		onError: 'continueRegularOutput',
		parameters: {
			action: 'hash',
			type: 'SHA256',
			binaryData: true,
			binaryPropertyName: 'data',
			dataPropertyName: 'sha256',
			encoding: 'hex',
		},
	};
}

/** A Jelou Trigger on messages with Download Media on, then the Checksum node. */
function mediaWorkflow({ id, credential, webhookId, options = {} }) {
	const trigger = wf.jelouTrigger({
		credential,
		webhookId,
		events: ['message'],
		options,
		position: [0, 0],
	});
	trigger.parameters.downloadMedia = true;
	return wf.workflow({
		id,
		name: `e2e Jelou Trigger: Download Media (${id})`,
		nodes: [trigger, checksumNode([220, 0])],
		connections: wf.chain('Jelou Trigger', 'Checksum'),
	});
}

const sha256 = (bytes) => crypto.createHash('sha256').update(bytes).digest('hex');

function workflows(ctx) {
	ctx.mediaWebhookId = wf.webhookUuid(`media-${ctx.rt.line}`);
	return [
		mediaWorkflow({
			id: WF_MEDIA,
			credential: ctx.creds.sign,
			webhookId: ctx.mediaWebhookId,
			options: { expectedAuthorization: HOOK_TOKEN },
		}),
	];
}

/** Sends each kind of media message and returns the trigger's item per kind. */
async function deliverAll(ctx, rest, kinds, { oneAtATime = false } = {}) {
	const before = (await rest.executions(WF_MEDIA)).length;
	const finished = (count) =>
		waitFor(
			`${count} executions of the media workflow`,
			async () => {
				const all = await rest.executions(WF_MEDIA);
				const done = all.filter((e) => e.status !== 'running' && e.status !== 'new');
				return done.length >= before + count ? all : undefined;
			},
			{ timeoutMs: 60_000 },
		);
	const sent = {};
	for (const [i, kind] of kinds.entries()) {
		const out = await ctx.sb.emit({ media: kind });
		assert.equal(out.status, 200, `${kind}: ${out.status} ${out.body || out.error}`);
		sent[out.sentPayload.value.id] = kind;
		if (oneAtATime) await finished(i + 1);
	}
	const list = await finished(kinds.length);
	assert.equal(list.length, before + kinds.length, 'one execution per event');
	const items = {};
	for (const e of list.slice(0, kinds.length)) {
		assert.equal(e.status, 'success', `execution ${e.id}`);
		const exec = await rest.execution(e.id);
		const runData = exec.data.resultData.runData;
		const item = runData['Jelou Trigger'][0].data.main[0][0];
		const kind = sent[item.json.message.id];
		assert.ok(kind, `execution ${e.id} belongs to one of the events sent`);
		const next = runData.Checksum[0].data.main[0][0].json;
		assert.equal(items[kind], undefined, `${kind}: one execution, not two`);
		items[kind] = { ...item, checksum: next.sha256, next };
	}
	assert.deepEqual(Object.keys(items).sort(), [...kinds].sort(), 'an execution for every event');
	return items;
}

async function checkItems(ctx, items, { filesystem }) {
	const expectedNames = {
		image: 'photo.png',
		audio: 'voice-note.ogg',
		document: 'Invoice March 2026.pdf',
	};
	for (const [kind, fileName] of Object.entries(expectedNames)) {
		if (!items[kind]) continue;
		const { json, binary } = items[kind];
		assert.equal(json.mediaError, undefined, `${kind}: ${json.mediaError}`);
		assert.ok(binary && binary.data, `${kind} has binary.data`);
		assert.equal(binary.data.fileName, fileName, `${kind} file name`);
		assert.equal(binary.data.mimeType, MEDIA_MESSAGES[kind].mime, `${kind} MIME type`);
		assert.equal(binary.data.fileSize !== undefined, true, `${kind} has a size`);
		if (filesystem) {
			assert.match(String(binary.data.id), /^filesystem/, `${kind} is stored on disk`);
		} else if (!binary.data.id) {
			// Kept in the execution itself (n8n 1.x's default mode).
			const inline = Buffer.from(binary.data.data, 'base64');
			assert.ok(inline.equals(mediaBytes(kind)), `${kind}: the sandbox's exact bytes`);
		}
		assert.equal(
			items[kind].checksum,
			sha256(mediaBytes(kind)),
			`${kind}: the next node read the sandbox's exact bytes (it output ${JSON.stringify(items[kind].next).slice(0, 300)})`,
		);
	}
	const media = new URL(ctx.sb.url).host;
	if (items.missing) {
		assert.equal(items.missing.binary, undefined);
		assert.equal(
			items.missing.json.mediaError,
			`The media host ${media} answered HTTP 404, so the file was not downloaded`,
		);
		assert.equal(items.missing.json.message.type, 'image', 'the event is kept');
	}
	if (items.large) {
		assert.equal(items.large.binary, undefined);
		assert.equal(
			items.large.json.mediaError,
			`The file is larger than the Max File Size (16 MB): the media host announced ${LARGE_BYTES} bytes`,
		);
	}
	// What reached the media host: no Jelou credential, no signature, no webhook authorization.
	const mediaRequests = ctx.seen.filter((r) => r.path.startsWith('/media/'));
	assert.ok(mediaRequests.length >= Object.keys(items).length, 'the files were fetched');
	for (const r of mediaRequests) {
		for (const name of ['authorization', 'x-api-key', 'x-jelou-signature', 'cookie'])
			assert.equal(r.headers[name], undefined, `${name} sent to the media host`);
		const text = JSON.stringify(r.headers);
		for (const secret of [
			ctx.secrets.apiKey,
			ctx.secrets.signingSecret,
			HOOK_TOKEN,
			ctx.basicToken,
		])
			assert.ok(!text.includes(secret), 'no secret in the media request');
	}
}

async function activate(ctx) {
	const { server, rest } = await ctx.serverSession();
	const hookUrl = `${server.url}/webhook/${ctx.mediaWebhookId}/jelou`;
	const active = await rest.getData(`/rest/workflows/${WF_MEDIA}`);
	if (!(active.active === true || active.activeVersionId)) await rest.activateWorkflow(WF_MEDIA);
	const probe = await waitFor(`the webhook ${hookUrl} to be registered`, async () => {
		const r = await httpRequest('POST', hookUrl, { body: {} });
		return r.status === 404 ? undefined : r;
	});
	assert.equal(probe.status, 401);
	ctx.sb.reset();
	ctx.seen.length = 0;
	ctx.sb.setIntegration({
		webhookUrl: hookUrl,
		authType: 'bearer',
		authorization: HOOK_TOKEN,
		signingSecret: ctx.secrets.signingSecret,
	});
	return { server, rest };
}

function define(ctx) {
	test(
		"Jelou Trigger, Download Media on, n8n's default binary mode: image, voice note and PDF arrive as binary data (bytes, name, MIME type); a 404 and a 17 MB file give mediaError; the media host gets no secret",
		{ timeout: 5 * 60_000 },
		async () => {
			ctx.requireSetup();
			const { rest } = await activate(ctx);
			const items = await deliverAll(ctx, rest, ['image', 'audio', 'document', 'missing', 'large']);
			await checkItems(ctx, items, { filesystem: false });
		},
	);

	test(
		'Jelou Trigger, Download Media on, N8N_DEFAULT_BINARY_DATA_MODE=filesystem: the files are stored on disk with the same bytes, name and MIME type',
		{ timeout: 6 * 60_000 },
		async () => {
			ctx.requireSetup();
			await ctx.restartServer({ N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem' });
			const { rest } = await activate(ctx);
			// n8n 1.123 keeps a webhook's files in the workflow's `executions/temp` folder until the
			// execution is saved, then moves the file and deletes that whole folder: the file of
			// another execution still running is lost ("File not found"). n8n 2.41 moves only the
			// file. So on 1.x the events go one at a time (README: Download Media).
			const items = await deliverAll(ctx, rest, ['image', 'audio', 'document', 'missing'], {
				oneAtATime: ctx.rt.line === 1,
			});
			await checkItems(ctx, items, { filesystem: true });
		},
	);
}

module.exports = { workflows, define, mediaWorkflow, sha256 };
