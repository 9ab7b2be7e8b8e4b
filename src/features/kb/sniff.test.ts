import { describe, expect, it } from 'vitest';
import { decodeText, detectType, extensionOf } from './sniff.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const bytes = (...parts: Array<number[] | string>) =>
  new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...utf8(p)] : p)));

/** The start of a 64-bit ELF executable, padded like a real header. */
const ELF = bytes([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00], new Array(56).fill(0));
/** A DOS stub pointing at a PE header, as every Windows executable starts. */
const PE = (() => {
  const b = new Uint8Array(256);
  b.set(utf8('MZ'), 0);
  b.set([0x80, 0, 0, 0], 0x3c);
  b.set(utf8('PE\0\0'), 0x80);
  return b;
})();
const PDF = utf8('%PDF-1.4\n%\u00e2\u00e3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n');

function rejection(result: ReturnType<typeof detectType>): string {
  if (!('rejected' in result)) throw new Error(`expected a rejection, got ${result.mediaType}`);
  return result.rejected;
}

describe('detectType', () => {
  it('reads Markdown, plain text and HTML by name when the content is UTF-8 text', () => {
    expect(detectType(utf8('# Title\n\nSome *text*.\n'), 'notes.md')).toEqual({ mediaType: 'text/markdown' });
    expect(detectType(utf8('# Title\n'), 'Notes.MARKDOWN')).toEqual({ mediaType: 'text/markdown' });
    expect(detectType(utf8('Just words.\n'), 'notes.txt')).toEqual({ mediaType: 'text/plain' });
    expect(detectType(utf8('<p>hi</p>'), 'page.htm')).toEqual({ mediaType: 'text/html' });
    expect(detectType(utf8('<p>hi</p>'), 'page.html')).toEqual({ mediaType: 'text/html' });
    expect(detectType(utf8('Ünïcödé — ok ✓ 日本語\n'), 'unicode.txt')).toEqual({ mediaType: 'text/plain' });
  });

  it('treats a name without an extension as plain text unless the content is an HTML document', () => {
    expect(detectType(utf8('Read me first.\n'), 'README')).toEqual({ mediaType: 'text/plain' });
    expect(detectType(utf8('KEY=value\n'), '.env')).toEqual({ mediaType: 'text/plain' });
    expect(detectType(utf8('<!DOCTYPE html>\n<html><body>x</body></html>'), 'download')).toEqual({
      mediaType: 'text/html',
    });
    expect(detectType(utf8('<!-- saved -->\n<html lang="en"><body>x</body></html>'), 'page.txt')).toEqual({
      mediaType: 'text/html',
    });
    expect(detectType(utf8('<htmlish> is not a tag we know\n'), 'page')).toEqual({ mediaType: 'text/plain' });
  });

  it('accepts a byte-order mark, and UTF-16 text that has one', () => {
    expect(detectType(bytes([0xef, 0xbb, 0xbf], '# Hi\n'), 'bom.md')).toEqual({ mediaType: 'text/markdown' });
    const utf16le = new Uint8Array([0xff, 0xfe, ...Buffer.from('Hello, wörld.\n', 'utf16le')]);
    expect(detectType(utf16le, 'wide.txt')).toEqual({ mediaType: 'text/plain' });
    expect(decodeText(utf16le)).toBe('Hello, wörld.\n');
    const utf16be = new Uint8Array([0xfe, 0xff, ...Buffer.from('Hi', 'utf16le').swap16()]);
    expect(decodeText(utf16be)).toBe('Hi');
  });

  it('recognises a PDF by its header whatever the name', () => {
    expect(detectType(PDF, 'report.pdf')).toEqual({ mediaType: 'application/pdf' });
    expect(detectType(PDF, 'report.txt')).toEqual({ mediaType: 'application/pdf' });
    expect(detectType(PDF, 'report')).toEqual({ mediaType: 'application/pdf' });
    expect(detectType(PDF, 'report.exe')).toEqual({ mediaType: 'application/pdf' });
    // Readers accept a little junk before the header of a .pdf…
    expect(detectType(bytes('junk\r\n', [...PDF]), 'scan.pdf')).toEqual({ mediaType: 'application/pdf' });
    // …but a note that mentions the header is still a note.
    expect(detectType(utf8('PDFs start with `%PDF-1.7`.\n'), 'pdf-notes.md')).toEqual({
      mediaType: 'text/markdown',
    });
  });

  it('refuses a .pdf whose content is not a PDF', () => {
    expect(rejection(detectType(utf8('hello'), 'report.pdf'))).toMatch(/named \.pdf.*not a PDF/);
  });

  it('refuses executables, archives and images whatever they are called, saying what they look like', () => {
    expect(rejection(detectType(ELF, 'notes.md'))).toMatch(/Linux executable/);
    expect(rejection(detectType(PE, 'setup.exe'))).toMatch(/Windows executable/);
    expect(rejection(detectType(PE, 'notes.txt'))).toMatch(/Windows executable/);
    expect(rejection(detectType(bytes([0xcf, 0xfa, 0xed, 0xfe, 7, 0, 0, 1]), 'tool.md'))).toMatch(/Mach-O/);
    expect(rejection(detectType(bytes([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 0x41]), 'Main.txt'))).toMatch(
      /Java class/,
    );
    expect(rejection(detectType(bytes([0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0]), 'mod.txt'))).toMatch(
      /WebAssembly/,
    );
    expect(rejection(detectType(bytes([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), 'notes.txt'))).toMatch(/gzip/);
    expect(
      rejection(detectType(bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), 'pic.md')),
    ).toMatch(/PNG image/);
    expect(rejection(detectType(bytes([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]), 'photo.txt'))).toMatch(/JPEG/);
    expect(rejection(detectType(bytes('GIF89a', [1, 0, 1, 0]), 'anim.html'))).toMatch(/GIF/);
    expect(rejection(detectType(bytes([0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c, 0, 4]), 'a.txt'))).toMatch(
      /7-Zip/,
    );
    expect(rejection(detectType(bytes('Rar!', [0x1a, 0x07, 0x01, 0x00]), 'a.txt'))).toMatch(/RAR/);
    expect(rejection(detectType(bytes('SQLite format 3', [0], new Array(84).fill(0)), 'db.md'))).toMatch(
      /SQLite/,
    );
  });

  it('tells Office documents apart from other zip archives', () => {
    const zip = (firstEntry: string) =>
      bytes(
        [0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0],
        new Array(16).fill(0),
        [firstEntry.length, 0, 0, 0],
        firstEntry,
      );
    expect(rejection(detectType(zip('word/document.xml'), 'report.md'))).toMatch(/Word document/);
    expect(rejection(detectType(zip('xl/workbook.xml'), 'sheet.txt'))).toMatch(/Excel/);
    expect(rejection(detectType(zip('notes.txt'), 'notes.txt'))).toMatch(/zip archive/);
  });

  it('refuses text that is not UTF-8, and text with binary bytes in it', () => {
    const latin1 = new Uint8Array(
      Buffer.from('Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e, na\u00efve fa\u00e7ade.', 'latin1'),
    );
    expect(rejection(detectType(latin1, 'menu.txt'))).toMatch(/not valid UTF-8/);
    expect(rejection(detectType(bytes('hello', [0], 'world'), 'notes.txt'))).toMatch(/binary data/);
    const controls = bytes('mostly text', [1, 2, 3, 4, 5, 6, 0x1b, 0x7f], ' but not quite');
    expect(rejection(detectType(controls, 'notes.md'))).toMatch(/binary data/);
    // UTF-16 without a byte-order mark is full of NULs: refused rather than guessed.
    expect(rejection(detectType(new Uint8Array(Buffer.from('Hello', 'utf16le')), 'wide.txt'))).toMatch(
      /binary/,
    );
  });

  it('refuses extensions outside the allowed set even when the content is text, listing what is allowed', () => {
    const reason = rejection(detectType(utf8('console.log(1);\n'), 'app.js'));
    expect(reason).toMatch(/\.js are not accepted/);
    expect(reason).toMatch(/\.md.*\.txt.*\.html.*\.pdf/);
    expect(rejection(detectType(utf8('plain words'), 'installer.exe'))).toMatch(/\.exe are not accepted/);
    expect(rejection(detectType(utf8('{\\rtf1 hi}'), 'letter.rtf'))).toMatch(/\.rtf are not accepted/);
  });

  it('refuses empty and blank files', () => {
    expect(rejection(detectType(new Uint8Array(), 'empty.md'))).toMatch(/empty/);
    expect(rejection(detectType(utf8(' \n\t\n'), 'blank.txt'))).toMatch(/no text/);
  });

  it('sniffs hostile text (comment openers, long runs) without backtracking', () => {
    for (const text of ['<!--'.repeat(250_000), ' '.repeat(1_000_000) + 'x', '<!-- x -->'.repeat(100_000)]) {
      expect(detectType(utf8(text), 'page')).toEqual({ mediaType: 'text/plain' });
    }
    expect(detectType(utf8('<!-- a -->'.repeat(500) + '<!doctype html><p>x'), 'page')).toEqual({
      mediaType: 'text/plain', // the doctype is beyond the 4 KiB looked at
    });
    expect(detectType(utf8('<!-- a -->\n'.repeat(50) + '<!doctype html><p>x'), 'page')).toEqual({
      mediaType: 'text/html',
    });
  }, 10_000);

  it('phrases every reason as a sentence for the person uploading', () => {
    for (const [b, name] of [
      [ELF, 'notes.md'],
      [utf8('x'), 'x.js'],
      [utf8('x'), 'x.pdf'],
      [new Uint8Array([0xc3, 0x28]), 'x.txt'],
      [new Uint8Array(), 'x.md'],
    ] as const) {
      expect(rejection(detectType(b, name))).toMatch(/^[A-Z].*\.$/);
    }
  });
});

describe('extensionOf', () => {
  it('takes the last extension of the last path segment, lower-cased', () => {
    expect(extensionOf('a/b/Report.Final.PDF')).toBe('.pdf');
    expect(extensionOf('C:\\Users\\me\\notes.md')).toBe('.md');
    expect(extensionOf('Makefile')).toBe('');
    expect(extensionOf('.gitignore')).toBe('');
    expect(extensionOf('dir.d/README')).toBe('');
  });
});
