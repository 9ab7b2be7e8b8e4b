import { describe, expect, it } from 'vitest';
import { extractVariables, parseTemplate, renderTemplate, TemplateSyntaxError } from './template.js';

describe('template', () => {
  it('replaces placeholders, tolerating inner whitespace', () => {
    expect(renderTemplate('Hi {{name}}, {{ name }}!', { name: 'Ada' })).toBe('Hi Ada, Ada!');
  });

  it('renders absent variables as empty strings', () => {
    expect(renderTemplate('[{{missing}}]', {})).toBe('[]');
  });

  it('keeps a section only when its variable is not blank', () => {
    const source = 'Start\n{{#focus}}\nFocus on {{focus}}.\n{{/focus}}\nEnd';
    expect(renderTemplate(source, { focus: 'retries' })).toBe('Start\n\nFocus on retries.\n\nEnd');
    expect(renderTemplate(source, { focus: '   ' })).toBe('Start\n\nEnd');
    expect(renderTemplate(source, {})).toBe('Start\n\nEnd');
  });

  it('supports nested sections', () => {
    const source = '{{#a}}A{{#b}}B{{/b}}{{/a}}';
    expect(renderTemplate(source, { a: '1', b: '1' })).toBe('AB');
    expect(renderTemplate(source, { a: '1' })).toBe('A');
    expect(renderTemplate(source, { b: '1' })).toBe('');
  });

  it('leaves braces that are not variables untouched', () => {
    const source = 'Jinja: {{ user.name }} / Go: {{.Name}} / {{Upper}} / {{value}}';
    expect(renderTemplate(source, { value: 'v' })).toBe(
      'Jinja: {{ user.name }} / Go: {{.Name}} / {{Upper}} / v',
    );
  });

  it('does not interpret template syntax inside values', () => {
    expect(renderTemplate('{{a}}', { a: '{{b}}', b: 'oops' })).toBe('{{b}}');
  });

  it('lists variables in order of first use, including section names', () => {
    expect(extractVariables('{{b}} {{#a}}{{c}}{{/a}} {{b}}')).toEqual(['b', 'a', 'c']);
  });

  it('rejects unbalanced sections with a clear message', () => {
    expect(() => parseTemplate('{{#a}} open')).toThrow(TemplateSyntaxError);
    expect(() => parseTemplate('{{/a}}')).toThrow(/no matching \{\{#a\}\}/);
    expect(() => parseTemplate('{{#a}}{{/b}}')).toThrow(TemplateSyntaxError);
  });

  it('never reads inherited properties for variables named like Object.prototype members', () => {
    const source = '[{{constructor}}|{{to_string}}]{{#constructor}}X{{/constructor}}';
    expect(renderTemplate(source, {})).toBe('[|]');
    expect(renderTemplate('{{constructor}}', { constructor: 'c' } as Record<string, string>)).toBe('c');
  });
});
