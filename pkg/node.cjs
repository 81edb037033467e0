// Node entry for require(): the wasm is loaded synchronously by the nodejs build.
'use strict';
const { bind } = require('./api.cjs');
module.exports = bind(require('./dist/node/seriesguard.js'));
