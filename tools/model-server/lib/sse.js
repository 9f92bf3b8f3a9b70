'use strict';

// Server-sent events as OpenAI streams them: `event:` (when named) and `data:` lines, a blank line
// after each event.

function startStream(res) {
	res.writeHead(200, {
		'content-type': 'text/event-stream; charset=utf-8',
		'cache-control': 'no-cache',
		connection: 'keep-alive',
	});
}

/** Writes one event; `data` is an object (sent as JSON) or a string (sent as is). */
function sendEvent(res, data, eventName) {
	const text = typeof data === 'string' ? data : JSON.stringify(data);
	res.write(`${eventName ? `event: ${eventName}\n` : ''}data: ${text}\n\n`);
}

/** Splits a text into a few chunks (streamed answers arrive in pieces). */
function chunks(text, size = 8) {
	const out = [];
	for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
	return out.length ? out : [''];
}

module.exports = { startStream, sendEvent, chunks };
