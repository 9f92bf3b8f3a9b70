// Copies the static files n8n needs next to the compiled code: the node and credential icons
// (SVG/PNG). tsc only emits .js/.d.ts, and the codex JSON is emitted by tsc via resolveJsonModule
// only when imported, so it is copied here too.
const path = require('path');
const { task, src, dest } = require('gulp');

function copyStatic() {
	return src(['nodes/**/*.{png,svg,json}', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
	}).pipe(dest(path.resolve('dist')));
}

task('build:icons', copyStatic);
