'use strict';
// n8n 1.123.50 on the machine's Node 20 (runtime tools/runtime/n8n-1).
require('../suite').defineSuite(1);
