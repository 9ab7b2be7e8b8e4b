import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Prng } from './prng.js';

/**
 * Synthetic text with a realistic word distribution, for search and ingestion benchmarks. The words
 * and their frequencies come from the repository's own content (prompts, patterns, guides): a bigram
 * model learned from it generates sentences that have real term frequencies (a few very common words,
 * a long tail of rare ones), which is what keyword-search cost and keyword/vector overlap depend on.
 * The output is fully determined by the content files and the seed.
 */
export interface WordModel {
  /** Every word of the source text in order: picking one uniformly samples the unigram distribution. */
  tokens: string[];
  /** word → the words that followed it in the source (with repeats, so picking is frequency-weighted). */
  followers: Map<string, string[]>;
  /** Number of distinct words. */
  vocabulary: number;
  /** Source files read. */
  files: number;
}

const WORD = /[a-z][a-z0-9]*(?:['-][a-z0-9]+)*/g;

async function textFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries.map((e) => e.name).sort();
  const files: string[] = [];
  for (const name of names) {
    const entry = entries.find((e) => e.name === name)!;
    const path = join(dir, name);
    if (entry.isDirectory()) files.push(...(await textFiles(path)));
    else if (/\.(md|ya?ml|txt)$/.test(name)) files.push(path);
  }
  return files;
}

/** Learns the word model from the .md, .yaml and .txt files under `dir` (read in a fixed order). */
export async function loadWordModel(dir: string): Promise<WordModel> {
  const files = await textFiles(dir);
  const tokens: string[] = [];
  const followers = new Map<string, string[]>();
  for (const file of files) {
    const words = (await readFile(file, 'utf8')).toLowerCase().match(WORD) ?? [];
    for (let i = 0; i < words.length; i++) {
      tokens.push(words[i]!);
      if (i + 1 < words.length) {
        let list = followers.get(words[i]!);
        if (!list) followers.set(words[i]!, (list = []));
        list.push(words[i + 1]!);
      }
    }
  }
  if (tokens.length === 0) throw new Error(`no words found under ${dir}`);
  return { tokens, followers, vocabulary: new Set(tokens).size, files: files.length };
}

/** Sentences, paragraphs, chunks and Markdown documents drawn from a WordModel. */
export class TextGenerator {
  private readonly prng: Prng;

  constructor(
    private readonly model: WordModel,
    seed: number,
    /** How often the next word follows the source text's word order rather than the unigram draw. */
    private readonly followRate = 0.8,
  ) {
    this.prng = new Prng(seed);
  }

  /** A uniform draw in [0, 1) from this generator's stream (for callers' own choices). */
  random(): number {
    return this.prng.next();
  }

  int(min: number, max: number): number {
    return this.prng.int(min, max);
  }

  private words(count: number): string[] {
    const out: string[] = [];
    let word = this.prng.pick(this.model.tokens);
    for (let i = 0; i < count; i++) {
      out.push(word);
      const next = this.model.followers.get(word);
      word =
        next && this.prng.next() < this.followRate ? this.prng.pick(next) : this.prng.pick(this.model.tokens);
    }
    return out;
  }

  /** A short lower-case phrase (titles, headings). */
  phrase(min: number, max: number): string {
    return this.words(this.prng.int(min, max)).join(' ');
  }

  /** One sentence: capitalised, 6–22 words, ending with a full stop. */
  sentence(): { text: string; words: number } {
    const words = this.words(this.prng.int(6, 22));
    const text = words.join(' ');
    return { text: `${text[0]!.toUpperCase()}${text.slice(1)}.`, words: words.length };
  }

  /** Whole sentences until at least `minWords` words. */
  passage(minWords: number): { text: string; words: number } {
    const parts: string[] = [];
    let words = 0;
    while (words < minWords) {
      const s = this.sentence();
      parts.push(s.text);
      words += s.words;
    }
    return { text: parts.join(' '), words };
  }

  /**
   * A Markdown document of about `minWords` words: a title, then `##` sections of a few paragraphs
   * each (what an uploaded guide or runbook looks like).
   */
  markdown(minWords: number): { title: string; text: string; words: number } {
    const title = this.phrase(3, 6);
    const lines = [`# ${title[0]!.toUpperCase()}${title.slice(1)}`, ''];
    let words = 0;
    while (words < minWords) {
      lines.push(`## ${this.phrase(2, 5)}`, '');
      const paragraphs = this.prng.int(3, 6);
      for (let p = 0; p < paragraphs; p++) {
        const paragraph = this.passage(this.prng.int(40, 110));
        lines.push(paragraph.text, '');
        words += paragraph.words;
      }
    }
    return { title, text: lines.join('\n'), words };
  }
}
