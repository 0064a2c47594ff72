import path from 'node:path';
import { ensureFerretDbBinary } from '../src/infra/db/embedded-ferretdb';

/** Builds the embedded FerretDB into .cache/ferretdb (no-op when it is up to date). */
const root = path.resolve(__dirname, '..');
const started = Date.now();
const binary = ensureFerretDbBinary(root, {
  info: (_o: object, msg?: string) => console.log(msg ?? ''),
});
console.log(
  `embedded FerretDB ready: ${path.relative(root, binary)} (${((Date.now() - started) / 1000).toFixed(1)} s)`,
);
