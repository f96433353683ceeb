/**
 * Preloaded into a run of the action (NODE_OPTIONS=--require <this file>) to record which
 * JavaScript files it loads: at exit, appends one JSON line `{pid, files: [{file, bytes}]}` to the
 * file named by BENCH_LOAD_TRACE. Sees every CommonJS load, the entry script and ncc's lazily
 * required chunks included.
 */
'use strict';
const fs = require('fs');
const Module = require('module');

const loaded = new Map();
const load = Module._extensions['.js'];
Module._extensions['.js'] = function (module, filename) {
  if (!loaded.has(filename)) loaded.set(filename, fs.statSync(filename).size);
  return load.call(this, module, filename);
};
process.on('exit', () => {
  const files = [...loaded].map(([file, bytes]) => ({ file, bytes }));
  fs.appendFileSync(process.env.BENCH_LOAD_TRACE, JSON.stringify({ pid: process.pid, files }) + '\n');
});
