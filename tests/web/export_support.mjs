// Shared by the exporter tests in Node: the native CLI, the stacks of tests/export/stacks.txt,
// `convplay run` outputs read back from .npy, and the comparison rule (1e-5 of max(1, max|ref|)).
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const CLI = process.env.CONVPLAY ?? path.join(ROOT, 'build/native/convplay');
export const RTOL = 1e-5;

// { good: [state...], refused: [state...] } (lines starting with '!' must be refused).
export function readStacks(file = path.join(ROOT, 'tests/export/stacks.txt')) {
    const good = [], refused = [];
    for (const raw of fs.readFileSync(file, 'utf8').split('\n')) {
        const line = raw.trim();
        if (!line || line.startsWith('#')) continue;
        if (line.startsWith('!')) refused.push(line.slice(1));
        else good.push(line);
    }
    return { good, refused };
}

export function tempDir(prefix) {
    return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

// Runs the CLI; returns { status, stdout (Buffer), stderr (string) }.
export function cli(args) {
    const r = spawnSync(CLI, args, { maxBuffer: 1 << 28 });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
}

// A float32 little-endian .npy file: { shape, data: Float32Array }.
export function readNpy(file) {
    const b = fs.readFileSync(file);
    if (b.toString('latin1', 0, 6) !== '\x93NUMPY') throw new Error(`${file}: not an .npy file`);
    const major = b[6];
    const hlen = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
    const start = major === 1 ? 10 : 12;
    const header = b.toString('latin1', start, start + hlen);
    if (!header.includes("'descr': '<f4'")) throw new Error(`${file}: not little-endian float32: ${header}`);
    const shape = header.match(/'shape': \(([^)]*)\)/)[1].split(',').map((s) => s.trim()).filter(Boolean).map(Number);
    const off = start + hlen;
    const data = new Float32Array(b.buffer.slice(b.byteOffset + off, b.byteOffset + b.length));
    return { shape, data };
}

// `convplay run STATE --out DIR --dump`: { input, output } of the whole stack as .npy contents.
export function engineRun(state, dir) {
    execFileSync(CLI, ['run', state, '--out', dir, '--dump'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const man = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
    const input = readNpy(path.join(dir, man.input));
    const output = man.layers.length ? readNpy(path.join(dir, man.layers.at(-1).output)) : input;
    return { input, output };
}

// The output shape the engine gives (`convplay shapes --json`).
export function engineShape(state) {
    const info = JSON.parse(execFileSync(CLI, ['shapes', state, '--json']).toString());
    return info.layers.length ? info.layers.at(-1).out : info.input;
}

// max|got - ref| / max(1, max|ref|)
export function relError(got, ref) {
    let err = 0, scale = 1;
    for (let i = 0; i < ref.length; ++i) {
        scale = Math.max(scale, Math.abs(ref[i]));
        const e = Math.abs(got[i] - ref[i]);
        err = Number.isNaN(e) ? Infinity : Math.max(err, e);
    }
    return err / scale;
}
