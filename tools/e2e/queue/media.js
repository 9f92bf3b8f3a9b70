'use strict';
// Download Media in queue mode: the webhook processor receives the signed media message and
// downloads the file; a worker runs the execution and its next node reads the exact bytes. Binary
// data stays in n8n's queue-mode default (1.x: in the execution; 2.x: the database), since n8n does
// not support filesystem mode with queue mode.

const assert = require('node:assert/strict');

const wf = require('../../harness/workflows');
const { httpRequest } = require('../../harness/n8n');
const { mediaWorkflow, sha256 } = require('../features/media');
const { MEDIA_MESSAGES, mediaBytes } = require('../../sandbox/lib/media');

const WF_MEDIA = 'JelouQMedia01';

function workflow({ line, credential }) {
	return mediaWorkflow({
		id: WF_MEDIA,
		credential,
		webhookId: wf.webhookUuid(`queue-media-${line}`),
	});
}

/**
 * `q`: what the queue suite has: { line, sb, cluster, rest, signingSecret, waitFor,
 * listExecutions, outputOf, terminal }.
 */
async function check(q) {
	const hookUrl = `${q.cluster.webhookUrl}/webhook/${wf.webhookUuid(`queue-media-${q.line}`)}/jelou`;
	await q.rest.activateWorkflow(WF_MEDIA);
	await q.waitFor(`${hookUrl} to be registered`, async () => {
		const r = await httpRequest('POST', hookUrl, { body: {} });
		return r.status === 404 ? undefined : r;
	});
	const sent = {};
	for (const kind of ['audio', 'missing']) {
		const r = await q.sb.emit({
			media: kind,
			webhookUrl: hookUrl,
			signingSecret: q.signingSecret,
		});
		assert.equal(r.status, 200, `${kind}: ${r.status} ${r.body || r.error}`);
		sent[r.sentPayload.value.id] = kind;
	}
	const list = await q.waitFor(
		'the two media executions',
		async () => {
			const l = await q.listExecutions(WF_MEDIA);
			return l.length >= 2 && l.every((e) => q.terminal.has(e.status)) ? l : undefined;
		},
		{ timeoutMs: 60_000 },
	);
	const byWorker = q.cluster.executionsByWorker();
	const seen = new Set();
	for (const e of list) {
		assert.equal(e.status, 'success', `execution ${e.id}`);
		assert.match(String(byWorker[String(e.id)]), /^worker-\d$/, `a worker ran execution ${e.id}`);
		const exec = await q.rest.execution(e.id);
		const [item] = q.outputOf(exec, 'Jelou Trigger');
		const kind = sent[item.json.message.id];
		seen.add(kind);
		if (kind === 'audio') {
			assert.equal(item.json.mediaError, undefined, item.json.mediaError);
			assert.equal(item.binary.data.fileName, 'voice-note.ogg');
			assert.equal(item.binary.data.mimeType, MEDIA_MESSAGES.audio.mime);
			assert.equal(
				q.outputOf(exec, 'Checksum')[0].json.sha256,
				sha256(mediaBytes('audio')),
				'the worker read the exact bytes the webhook processor downloaded',
			);
		} else {
			assert.equal(item.binary, undefined);
			assert.match(item.json.mediaError, /answered HTTP 404, so the file was not downloaded$/);
		}
	}
	assert.deepStrictEqual([...seen].sort(), ['audio', 'missing']);
}

module.exports = { WF_MEDIA, workflow, check };
