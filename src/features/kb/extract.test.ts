import { once } from 'node:events';
import { createDeflate, deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ExtractError, extractHtml, extractMarkdown, extractPlain, extractText } from './extract.js';
import { MAX_HEADING_CHARS, MAX_HEADING_PATH_CHARS, MAX_HTML_DEPTH, MAX_TEXT_CHARS } from './limits.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

/**
 * Writes a small but complete PDF: catalog, page tree, one Helvetica font, a content stream per page,
 * an optional Info dictionary and an xref table with the real byte offsets of every object.
 */
function buildPdf(pages: string[], options: { title?: string; encrypted?: boolean } = {}): Uint8Array {
  const objects: string[] = [];
  const add = (body: string) => objects.push(body);
  add('<< /Type /Catalog /Pages 2 0 R >>');
  const pageIds = pages.map((_, i) => 4 + i * 2);
  add(`<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages.length} >>`);
  add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  for (const [i, content] of pages.entries()) {
    add(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + i * 2} 0 R >>`,
    );
    add(`<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`);
  }
  const extra: string[] = [];
  if (options.title !== undefined) {
    add(`<< /Title (${options.title}) /Producer (engify tests) >>`);
    extra.push(`/Info ${objects.length} 0 R`);
  }
  if (options.encrypted) {
    // Standard security handler whose /U does not match the empty password: a reader must ask for one.
    add(`<< /Filter /Standard /V 1 /R 2 /O <${'6f'.repeat(32)}> /U <${'75'.repeat(32)}> /P -44 >>`);
    extra.push(`/Encrypt ${objects.length} 0 R /ID [<${'0a'.repeat(16)}> <${'0a'.repeat(16)}>]`);
  }

  let out = '%PDF-1.4\n%\u00e2\u00e3\u00cf\u00d3\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R ${extra.join(' ')} >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, 'latin1'));
}

/** A one-page PDF whose content stream is `compressed`, a zlib (FlateDecode) stream. */
function flatePdf(compressed: Buffer): Uint8Array {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let length = 0;
  const write = (b: Buffer | string) => {
    const buf = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
    parts.push(buf);
    length += buf.length;
  };
  const object = (body: Array<Buffer | string>) => {
    offsets.push(length);
    write(`${offsets.length} 0 obj\n`);
    body.forEach(write);
    write('\nendobj\n');
  };
  write('%PDF-1.4\n');
  object(['<< /Type /Catalog /Pages 2 0 R >>']);
  object(['<< /Type /Pages /Kids [3 0 R] /Count 1 >>']);
  object([
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>',
  ]);
  object([`<< /Length ${compressed.length} /Filter /FlateDecode >>\nstream\n`, compressed, '\nendstream']);
  object(['<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>']);
  const xref = length;
  write(`xref\n0 ${offsets.length + 1}\n0000000000 65535 f \n`);
  for (const offset of offsets) write(`${String(offset).padStart(10, '0')} 00000 n \n`);
  write(`trailer\n<< /Size ${offsets.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  return new Uint8Array(Buffer.concat(parts));
}

/** Deflates `mib` MiB made of `unit` repeated, without ever holding the inflated data. */
async function deflateRepeated(unit: string, mib: number): Promise<Buffer> {
  const slice = Buffer.alloc(1024 * 1024, unit, 'latin1');
  const deflate = createDeflate({ level: 9 });
  const out: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => out.push(chunk));
  for (let i = 0; i < mib; i++) if (!deflate.write(slice)) await once(deflate, 'drain');
  deflate.end();
  await once(deflate, 'end');
  return Buffer.concat(out);
}

/** A text object: 12 pt Helvetica, 14 pt leading, starting near the top-left of the page. */
const textObject = (ops: string) => `BT /F1 12 Tf 14 TL 72 720 Td ${ops} ET`;

async function extractError(p: Promise<unknown>): Promise<ExtractError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ExtractError);
  return err as ExtractError;
}

describe('extractMarkdown', () => {
  it('turns headings into a heading path and uses the first H1 as the title', () => {
    const doc = extractMarkdown(
      [
        'Before any heading.',
        '',
        '# Guide',
        'Intro.',
        '## Install',
        'Run the installer.',
        '### On Linux',
        'Use the package.',
        '## Configure ##',
        'Edit the file.',
        '# Appendix',
        'More.',
      ].join('\n'),
    );
    expect(doc.title).toBe('Guide');
    expect(doc.sections).toEqual([
      { headings: [], text: 'Before any heading.' },
      { headings: ['Guide'], text: 'Intro.' },
      { headings: ['Guide', 'Install'], text: 'Run the installer.' },
      { headings: ['Guide', 'Install', 'On Linux'], text: 'Use the package.' },
      { headings: ['Guide', 'Configure'], text: 'Edit the file.' },
      { headings: ['Appendix'], text: 'More.' },
    ]);
  });

  it('reads setext headings, and strips inline markup from heading text', () => {
    const doc = extractMarkdown(
      'Main *Title*\n============\n\nBody.\n\nThe [`run`](https://x.test) **command**\n---\n\nDetails.\n',
    );
    expect(doc.title).toBe('Main Title');
    expect(doc.sections).toEqual([
      { headings: ['Main Title'], text: 'Body.' },
      { headings: ['Main Title', 'The run command'], text: 'Details.' },
    ]);
  });

  it('does not take a thematic break after a list item for a heading', () => {
    const doc = extractMarkdown('# T\n\n- one\n- two\n---\nafter\n');
    expect(doc.sections).toEqual([{ headings: ['T'], text: '- one\n- two\n\nafter' }]);
  });

  it('keeps fenced code as text and does not read headings inside it', () => {
    const doc = extractMarkdown(
      '# Shell\n\n```bash\n# not a heading\necho hi\n\n## nor this\n```\n\n~~~~\n# tilde fence\n~~~\n~~~~\n\nAfter.\n',
    );
    expect(doc.sections).toEqual([
      {
        headings: ['Shell'],
        text: '```bash\n# not a heading\necho hi\n\n## nor this\n```\n\n~~~~\n# tilde fence\n~~~\n~~~~\n\nAfter.',
      },
    ]);
  });

  it('strips YAML front matter and prefers its title', () => {
    const doc = extractMarkdown('---\ntitle: "Release notes"\ntags: [a, b]\n---\n# 1.0\n\nFirst release.\n');
    expect(doc.title).toBe('Release notes');
    expect(doc.sections).toEqual([{ headings: ['1.0'], text: 'First release.' }]);
  });

  it('leaves a leading thematic break that is not front matter alone', () => {
    const doc = extractMarkdown('---\nJust a line\n\nMore text.\n');
    expect(doc.title).toBeNull();
    expect(doc.sections.map((s) => s.text).join('\n')).toContain('More text.');
  });

  it('normalises line endings and blank lines, and drops sections without text', () => {
    const doc = extractMarkdown('\uFEFF# A\r\n\r\n\r\n\r\nOne.   \r\nTwo.\r\n\r\n# B\r\n\r\n# C\r\nThree.');
    expect(doc.sections).toEqual([
      { headings: ['A'], text: 'One.\nTwo.' },
      { headings: ['C'], text: 'Three.' },
    ]);
  });

  it('still strips closing sequences, custom ids and snake_case-safe emphasis from headings', () => {
    const doc = extractMarkdown(
      '# Setup ##   \n\na\n\n## _use_snake_case_ and *this* {#setup-id}\n\nb\n\n### ###\n\nc\n\n## C#\n\nd',
    );
    expect(doc.sections).toEqual([
      { headings: ['Setup'], text: 'a' },
      { headings: ['Setup', 'use_snake_case and this'], text: 'b' },
      { headings: ['Setup', 'use_snake_case and this'], text: 'c' },
      { headings: ['Setup', 'C#'], text: 'd' },
    ]);
  });

  it('cuts long headings, and keeps the innermost part of a long heading path', () => {
    const long = (c: string) => `${c} `.repeat(20_000);
    const doc = extractMarkdown(
      `# ${long('one')}\n\nFirst.\n\n## ${long('two')}\n\n### ${long('three')}\n\nThird.`,
    );
    expect(doc.title).toHaveLength(MAX_HEADING_CHARS);
    expect(doc.title).toMatch(/^one one .*…$/);
    const [first, third] = doc.sections;
    expect(first!.headings).toEqual([doc.title]);
    expect(first!.text).toBe('First.');
    // Three headings of 200 characters do not fit in 500: the outermost gives way to "…".
    expect(third!.headings).toHaveLength(3);
    expect(third!.headings[0]).toBe('…');
    expect(third!.headings[1]).toMatch(/^two two .*…$/);
    expect(third!.headings[2]).toMatch(/^three three .*…$/);
    expect(third!.headings.join(' > ').length).toBeLessThanOrEqual(MAX_HEADING_PATH_CHARS);
    expect(third!.text).toBe('Third.');
  });

  it('reads headings and text with long runs of spaces or markup characters in linear time', () => {
    const spaces = ' '.repeat(100_000);
    const atx = extractMarkdown(`# a${spaces}b${spaces}\n\ntext${spaces}x${spaces}\n`);
    expect(atx.sections).toEqual([{ headings: ['a b'], text: `text${spaces}x` }]);

    // Each of these made one heading regex retry from every position of the run.
    for (const run of ['[', '](', '<', ' *a', '*a ', ' _a', '__a', '{#', ' #', '**x']) {
      const doc = extractMarkdown(`# ${run.repeat(100_000 / run.length)}x\n\nbody\n`);
      expect(doc.sections).toHaveLength(1);
      expect(doc.sections[0]!.text).toBe('body');
      expect(doc.sections[0]!.headings[0]!.length).toBeLessThanOrEqual(MAX_HEADING_CHARS);
    }
    for (const line of [`---${spaces}x`, `===${spaces}x`, `\`\`\`${'`'.repeat(100_000)}x`]) {
      expect(extractMarkdown(`a\n${line}\nb`).sections[0]!.text).toContain('x');
    }
  }, 10_000);
});

describe('extractHtml', () => {
  const page = `<!doctype html>
<html>
<head>
  <title>Caf&eacute; &amp; Co</title>
  <style>p { color: red }</style>
  <script>document.write("<p>injected</p>")</script>
</head>
<body>
  <nav><a href="/">Home</a> <a href="/about">About</a></nav>
  <p>Before   the
     first heading.</p>
  <h1>Menu &lt;today&gt;</h1>
  <p>Fish&nbsp;&amp;&nbsp;chips &mdash; &#163;9 &#x2014; fresh.</p>
  <script type="module">alert("no")</script>
  <noscript>Enable JavaScript</noscript>
  <template><p>template text</p></template>
  <svg><title>icon title</title><text>svg text</text></svg>
  <div hidden>hidden text</div>
  <ul><li>One</li><li>Two <b>bold</b></li></ul>
  <h2>Opening <em>hours</em></h2>
  <table><tr><th>Day</th><th>Hours</th></tr><tr><td>Mon</td><td>9–5</td></tr></table>
  <pre>line 1
  indented line 2</pre>
  Tail<br>after break
</body>
</html>`;

  it('reads the title, headings and text, dropping scripts, styles and other non-content', () => {
    const doc = extractHtml(page);
    expect(doc.title).toBe('Café & Co');
    expect(doc.sections).toEqual([
      { headings: [], text: 'Before the first heading.' },
      { headings: ['Menu <today>'], text: 'Fish & chips — £9 — fresh.\n\nOne\nTwo bold' },
      {
        headings: ['Menu <today>', 'Opening hours'],
        text: 'Day Hours\nMon 9–5\n\nline 1\n  indented line 2\n\nTail\nafter break',
      },
    ]);
    const all = JSON.stringify(doc);
    for (const absent of [
      'injected',
      'alert',
      'color',
      'Enable JavaScript',
      'template text',
      'svg',
      'hidden',
      'Home',
    ]) {
      expect(all).not.toContain(absent);
    }
  });

  it('falls back to the first h1 for the title', () => {
    expect(extractHtml('<h1>Only heading</h1><p>x</p>').title).toBe('Only heading');
    expect(extractHtml('<p>no heading</p>').title).toBeNull();
  });

  it('cuts a long heading or title', () => {
    const words = 'word '.repeat(10_000);
    const doc = extractHtml(`<title>${words}</title><h2>${'x '.repeat(500)}</h2><p>body</p>`);
    expect(doc.title).toHaveLength(MAX_HEADING_CHARS);
    expect(doc.title!.endsWith('…')).toBe(true);
    expect(doc.sections).toEqual([{ headings: ['x '.repeat(99) + 'x…'], text: 'body' }]);
  });

  it('treats a heading left open around the rest of the page as body text', () => {
    const rest = 'Some sentence here. '.repeat(500);
    const doc = extractHtml(`<p>Intro</p><h1>Broken ${rest}<p>More.</p></body>`);
    expect(doc.title).toBeNull();
    expect(doc.sections).toHaveLength(1);
    expect(doc.sections[0]!.text).toBe(`Intro\n\nBroken ${rest.trim()}\n\nMore.`);
  });

  it(`reads nesting up to ${MAX_HTML_DEPTH} elements deep and refuses deeper documents quickly`, () => {
    const nested = (depth: number) => '<div>'.repeat(depth) + 'deep text' + '</div>'.repeat(depth);
    expect(extractHtml(nested(MAX_HTML_DEPTH)).sections).toEqual([{ headings: [], text: 'deep text' }]);
    for (const html of [
      nested(MAX_HTML_DEPTH + 1),
      '<div>'.repeat(400_000) + 'x',
      '<span>'.repeat(400_000),
    ]) {
      let error: unknown;
      try {
        extractHtml(html);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ExtractError);
      expect((error as ExtractError).code).toBe('too_complex');
      expect((error as ExtractError).message).toMatch(/more than 512 levels deep/);
    }
  }, 10_000);

  it('keeps long runs of spaces linear', () => {
    const doc = extractHtml(`<p>a${' '.repeat(100_000)}b</p><pre>c${' '.repeat(100_000)}\nd</pre>`);
    expect(doc.sections).toEqual([{ headings: [], text: 'a b\n\nc\nd' }]);
  }, 10_000);
});

describe('extractPlain', () => {
  it('trims line ends and keeps inner runs of spaces, in linear time', () => {
    const run = ' '.repeat(100_000);
    expect(extractPlain(`a${run}b${run}\n\u00a0\t\n\n\nc${run}`).sections).toEqual([
      { headings: [], text: `a${run}b\n\nc` },
    ]);
  }, 10_000);
});

describe('extractText', () => {
  it('reads plain text as paragraphs, whatever its Unicode encoding', async () => {
    const text = 'First paragraph\nstill first.\n\n\n\nSecond paragraph.  \n';
    const expected = {
      title: null,
      sections: [{ headings: [], text: 'First paragraph\nstill first.\n\nSecond paragraph.' }],
    };
    await expect(extractText(utf8(text), 'text/plain')).resolves.toEqual(expected);
    const utf16 = new Uint8Array([0xff, 0xfe, ...Buffer.from(text, 'utf16le')]);
    await expect(extractText(utf16, 'text/plain')).resolves.toEqual(expected);
  });

  it('dispatches Markdown and HTML to their readers', async () => {
    const md = await extractText(utf8('# T\n\nbody'), 'text/markdown');
    expect(md.sections).toEqual([{ headings: ['T'], text: 'body' }]);
    const html = await extractText(utf8('<h2>T</h2><p>body</p>'), 'text/html');
    expect(html.sections).toEqual([{ headings: ['T'], text: 'body' }]);
  });

  it('refuses a document with more text than one document may have', async () => {
    const err = await extractError(extractText(utf8('x '.repeat(MAX_TEXT_CHARS / 2 + 1)), 'text/plain'));
    expect(err.code).toBe('too_large');
    expect(err.message).toBe(
      'The document has more than 2,000,000 characters of text. Split it into smaller files.',
    );
    for (const type of ['text/markdown', 'text/html'] as const) {
      const small = await extractError(
        extractText(utf8('# T\n\n' + 'word '.repeat(30)), type, { maxChars: 100 }),
      );
      expect(small.code).toBe('too_large');
    }
    await expect(
      extractText(utf8('word '.repeat(20)), 'text/plain', { maxChars: 100 }),
    ).resolves.toBeTruthy();
  });

  it('fails clearly on a document without text, or bytes that are not text', async () => {
    expect((await extractError(extractText(utf8('# Only a heading\n'), 'text/markdown'))).code).toBe(
      'no_text',
    );
    expect((await extractError(extractText(utf8('<script>x()</script>'), 'text/html'))).code).toBe('no_text');
    expect((await extractError(extractText(new Uint8Array([0xc3, 0x28]), 'text/plain'))).code).toBe(
      'not_text',
    );
  });

  describe('PDF', () => {
    const twoPages = () =>
      buildPdf(
        [
          textObject(
            '(Hello from page one.) Tj T* [(Kerned) -250 (words) 20 ( here.)] TJ T* (Paren \\(escaped\\).) Tj',
          ),
          textObject("(Page two starts.) Tj T* T* T* (A new paragraph after a gap.) ' "),
        ],
        { title: 'Generated Test PDF' },
      );

    it('extracts each page as a section, with lines from text positions', async () => {
      const doc = await extractText(twoPages(), 'application/pdf');
      expect(doc.title).toBe('Generated Test PDF');
      expect(doc.sections).toEqual([
        { headings: ['Page 1'], text: 'Hello from page one.\nKerned words here.\nParen (escaped).' },
        { headings: ['Page 2'], text: 'Page two starts.\n\nA new paragraph after a gap.' },
      ]);
    });

    it("leaves the caller's bytes intact and gives the same result each time", async () => {
      const bytes = twoPages();
      const copy = bytes.slice();
      const [a, b] = await Promise.all([
        extractText(bytes, 'application/pdf'),
        extractText(bytes, 'application/pdf'),
      ]);
      expect(bytes).toEqual(copy);
      expect(a).toEqual(b);
    });

    it('has no title when the PDF carries none, and skips pages without text', async () => {
      const doc = await extractText(buildPdf([textObject('(Only text.) Tj'), '']), 'application/pdf');
      expect(doc.title).toBeNull();
      expect(doc.sections).toEqual([{ headings: ['Page 1'], text: 'Only text.' }]);
    });

    it('refuses a PDF with more pages than allowed', async () => {
      const err = await extractError(extractText(twoPages(), 'application/pdf', { maxPages: 1 }));
      expect(err.code).toBe('too_many_pages');
      expect(err.message).toMatch(/2 pages; at most 1/);
    });

    it('gives up on a PDF that takes longer than allowed', async () => {
      const err = await extractError(extractText(twoPages(), 'application/pdf', { timeoutMs: 0 }));
      expect(err.code).toBe('timeout');
      // Nothing is left running that would fail a later extraction.
      await expect(extractText(twoPages(), 'application/pdf')).resolves.toMatchObject({
        title: 'Generated Test PDF',
      });
    });

    it('reports a PDF without a text layer', async () => {
      const err = await extractError(extractText(buildPdf(['', '']), 'application/pdf'));
      expect(err.code).toBe('no_text');
      expect(err.message).toMatch(/no extractable text/);
    });

    it('reports a password-protected PDF', async () => {
      const err = await extractError(
        extractText(buildPdf([textObject('(secret) Tj')], { encrypted: true }), 'application/pdf'),
      );
      expect(err.code).toBe('encrypted');
      expect(err.message).toMatch(/password/);
    });

    it('stops a PDF whose stream inflates to a gigabyte at the memory limit, then reads the next one', async () => {
      const bomb = flatePdf(await deflateRepeated(' ', 1024));
      expect(bomb.length).toBeLessThan(2 * 1024 * 1024);
      const err = await extractError(extractText(bomb, 'application/pdf', { pdfMemoryMb: 128 }));
      expect(err.code).toBe('too_large');
      expect(err.message).toMatch(/more memory than one document may use/);
      await expect(extractText(twoPages(), 'application/pdf')).resolves.toMatchObject({
        title: 'Generated Test PDF',
      });
    }, 60_000);

    it('stops reading a PDF once its text passes the character limit', async () => {
      const ops = 'BT /F1 12 Tf 72 700 Td (hello world) Tj ET\n'.repeat(250_000);
      const bomb = flatePdf(deflateSync(Buffer.from(ops, 'latin1'), { level: 9 }));
      const err = await extractError(extractText(bomb, 'application/pdf'));
      expect(err.code).toBe('too_large');
      expect(err.message).toMatch(/more than 2,000,000 characters/);
    }, 60_000);

    it('turns the reader running out of heap into an error for the document', async () => {
      const bomb = flatePdf(await deflateRepeated('BT /F1 12 Tf 72 700 Td (hello world) Tj ET\n', 30));
      const err = await extractError(
        extractText(bomb, 'application/pdf', { maxChars: Number.POSITIVE_INFINITY, pdfHeapMb: 32 }),
      );
      expect(err.code).toBe('too_large');
      expect((err.cause as { code?: unknown }).code).toBe('ERR_WORKER_OUT_OF_MEMORY');
    }, 60_000);

    it('reports a damaged PDF instead of crashing', async () => {
      const garbage = utf8('%PDF-1.7\nthis is not a PDF body at all\n%%EOF\n');
      const err = await extractError(extractText(garbage, 'application/pdf'));
      expect(err.code).toBe('corrupt');
      expect(err.message).toMatch(/damaged/);
      const truncated = twoPages().subarray(0, 40);
      expect((await extractError(extractText(truncated, 'application/pdf'))).code).toBe('corrupt');
    });
  });
});
