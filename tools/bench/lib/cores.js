'use strict';
// Where the bench's server runs: on a machine with 2 cores or more, and with `taskset` (Debian's
// util-linux) installed, it is pinned to the last core. n8n is left free to use every core: on a
// 2-core machine shared with other work, pinning n8n to the one other core made its own times
// noisier (other processes then took turns with it on that core) without relieving the server.
// Otherwise nothing is pinned, and the report says so.

const os = require('node:os');
const { spawnSync } = require('node:child_process');

let cached;

/** { server: '1', text } or { text } when nothing can be pinned. */
function plan() {
	if (cached) return cached;
	const cores = os.availableParallelism ? os.availableParallelism() : os.cpus().length;
	const hasTaskset = spawnSync('taskset', ['--version'], { stdio: 'ignore' }).status === 0;
	if (cores < 2 || !hasTaskset) {
		cached = {
			text: `not pinned (${cores} core(s)${hasTaskset ? '' : ', no taskset'}): the server shares the CPU with n8n`,
		};
	} else {
		const last = cores - 1;
		cached = {
			server: String(last),
			text: `server pinned to core ${last} (taskset); n8n on any core`,
		};
	}
	return cached;
}

/** The command and arguments that run `cmd args` on `role`'s cores (exec'd: same pid). */
function pinned(role, cmd, args) {
	const cores = plan()[role];
	return cores ? ['taskset', ['-c', cores, cmd, ...args]] : [cmd, args];
}

module.exports = { pinned, pinPlan: plan };
