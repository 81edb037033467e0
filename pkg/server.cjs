// The server entry for require(): seriesguard/server, over the server build
// (the main API plus the platform create flows: profiles.shipsy.create,
// profiles.mor.cardsCreate, profiles.abillity.stockNumber).
'use strict';
const { bindServer } = require('./api.cjs');
module.exports = bindServer(require('./dist/server-node/seriesguard.js'));
