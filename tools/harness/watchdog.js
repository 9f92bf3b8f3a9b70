'use strict';
// Preloaded (NODE_OPTIONS=--require) into every Node child that procs.spawnTracked starts: if the
// process that spawned it dies without stopping it (SIGKILL, a crash, a closed terminal that
// reached only the parent), the child stops its own process group instead of running on with
// its ports open.
//
// procs.js passes the spawner's PID in JELOU_WATCHDOG_PARENT. Only the process whose parent is
// that PID watches (the variable is removed here, so grand-children such as n8n's task runners do
// not watch anything themselves: they are in this process group and go with it).

const expected = Number(process.env.JELOU_WATCHDOG_PARENT);
delete process.env.JELOU_WATCHDOG_PARENT;

function alive(pid) {
	try {
		process.kill(pid, 0);
		return true;
	} catch (e) {
		return e.code === 'EPERM';
	}
}

function orphaned() {
	return process.ppid !== expected || !alive(expected);
}

let stopping = false;
function stopGroup() {
	if (stopping) return;
	stopping = true;
	// Whether this process leads a group (procs.js spawns with detached: true, so it should).
	let leader = false;
	try {
		process.kill(-process.pid, 0);
		leader = true;
	} catch {
		/* not a group leader */
	}
	// Whatever is left of the group when this process exits (a graceful stop included) goes too.
	process.on('exit', () => {
		if (leader) {
			try {
				process.kill(-process.pid, 'SIGKILL');
			} catch {
				/* already gone */
			}
		}
	});
	// A process with no SIGTERM handler would die of it at once, before its 'exit' hook could stop
	// the rest of the group: give it one that exits normally.
	if (process.listenerCount('SIGTERM') === 0) process.on('SIGTERM', () => process.exit(143));
	try {
		// SIGTERM first, so n8n shuts down as it does on `kill`.
		process.kill(leader ? -process.pid : process.pid, 'SIGTERM');
	} catch {
		/* ignore */
	}
	setTimeout(() => process.exit(1), 10_000).unref();
}

if (expected > 0) {
	if (orphaned()) stopGroup();
	else setInterval(() => orphaned() && stopGroup(), 250).unref();
}
