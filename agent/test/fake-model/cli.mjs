#!/usr/bin/env node
// Usage: node agent/test/fake-model/cli.mjs [--port 0] [--host 127.0.0.1] [--chunk-delay-ms 10] [--verbose]
// Prints "listening on http://127.0.0.1:PORT" once ready; stops on SIGINT/SIGTERM.
import {parseArgs} from 'node:util';
import {startFakeModel} from './index.mjs';

const {values} = parseArgs({
  options: {
    port: {type: 'string', default: '0'},
    host: {type: 'string', default: '127.0.0.1'},
    'chunk-delay-ms': {type: 'string', default: '10'},
    verbose: {type: 'boolean', default: false},
  },
});

const fake = await startFakeModel({
  port: Number(values.port),
  host: values.host,
  chunkDelayMs: Number(values['chunk-delay-ms']),
  log: values.verbose ? (line) => console.error(line) : undefined,
});
console.log(`listening on ${fake.url}`);
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    void fake.close().then(() => process.exit(0));
  });
}
