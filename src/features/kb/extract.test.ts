import { describe, expect, it } from 'vitest';
import { ExtractError, extractHtml, extractMarkdown, extractText } from './extract.js';

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
