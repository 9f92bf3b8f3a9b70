'use strict';

// Makes `node --test tools/sandbox/test/` work on every Node version.
// Node 20 expands a directory argument into its test files itself (and then runs this file as
// one more, empty, test file). Node 21+ treats a directory argument as a module path and loads
// this index.js with argv[1] set to the directory: only then do we load the test files here.
// Portable alternative: `node --test tools/sandbox/test/*.test.js`.

const fs = require('node:fs');
const path = require('node:path');

const entry = process.argv[1] ? path.resolve(process.argv[1]) : '';
if (entry === __dirname) {
	for (const file of fs.readdirSync(__dirname).sort()) {
		if (file.endsWith('.test.js')) require(path.join(__dirname, file));
	}
}
