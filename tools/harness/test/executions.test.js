'use strict';
// N8nRest.executions(): n8n lists an execution that finishes between its two queries (running,
// then finished) twice; the harness counts it once, as finished.

const assert = require('node:assert/strict');
const { test } = require('node:test');

const { N8nRest } = require('../n8n');

/** A client whose GET answers with the given list, as n8n's REST API wraps it. */
function restAnswering(results) {
	const rest = new N8nRest('http://127.0.0.1:1');
	rest.getData = async () => ({ results });
	return rest;
}

test('an execution listed as running and as finished counts once, as finished', async () => {
	const rest = restAnswering([
		{ id: '7', status: 'running' },
		{ id: '6', status: 'success' },
		{ id: '7', status: 'success' },
		{ id: '5', status: 'error' },
	]);
	assert.deepEqual(await rest.executions('wf'), [
		{ id: '7', status: 'success' },
		{ id: '6', status: 'success' },
		{ id: '5', status: 'error' },
	]);
});

test('executions that are still running are kept', async () => {
	const rest = restAnswering([
		{ id: '2', status: 'new' },
		{ id: '1', status: 'running' },
	]);
	assert.deepEqual(
		(await rest.executions('wf')).map((e) => e.id),
		['2', '1'],
	);
});

test('an answer without results is an empty list', async () => {
	assert.deepEqual(await restAnswering(undefined).executions('wf'), []);
});
