import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

const GENERATOR = fileURLToPath(new URL('../../scripts/make-embedding-model.py', import.meta.url));

/** How to get what the generator needs, for a benchmark's console output and report. */
export const GENERATOR_REQUIREMENT =
  'scripts/make-embedding-model.py needs the onnx and numpy Python packages for the python3 its first ' +
  'line names (Debian: `apt-get install python3-onnx`)';

export type GeneratedModel = { ok: true; dir: string; log: string } | { ok: false; reason: string };

/**
 * Writes a random-weight BERT encoder with all-MiniLM-L6-v2's dimensions into `dir` (fp32
 * onnx/model.onnx and, with `q8`, onnx/model_quantized.onnx), its vocabulary taken from the text files
 * under `wordsFrom`. Never throws for a missing Python package: returns why instead, so a benchmark can
 * carry on with what needs no model.
 */
export async function generateMiniLmSizedModel(
  dir: string,
  options: { wordsFrom: string; q8: boolean },
): Promise<GeneratedModel> {
  const args = ['--size', 'minilm', '--out', dir, '--words-from', options.wordsFrom];
  if (options.q8) args.push('--dtype', 'both');
  try {
    const { stderr } = await run(GENERATOR, args, { maxBuffer: 1 << 20 });
    return { ok: true, dir, log: stderr.trim() };
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: string };
    const detail = (e.stderr ?? '').trim() || e.message;
    return {
      ok: false,
      reason: detail.includes('python3-onnx') ? detail : `${detail} (${GENERATOR_REQUIREMENT})`,
    };
  }
}
