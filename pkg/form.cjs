// The form entry for require(): seriesguard/form, over the form build.
'use strict';
const { bindForm } = require('./api.cjs');
module.exports = bindForm(require('./dist/form-node/seriesguard.js'));
