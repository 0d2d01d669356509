// Prints the size of a .wasm file, raw and gzipped (level 9).
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const file = process.argv[2];
const bytes = readFileSync(file);
const gzipped = gzipSync(bytes, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;
console.log(`wasm size: ${kb(bytes.length)} raw, ${kb(gzipped)} gzipped (${file})`);
